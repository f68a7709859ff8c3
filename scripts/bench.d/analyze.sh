#!/usr/bin/env bash
# Per-format analyze speed against ffmpeg (issue 13): `customer-room analyze F`
# (decode + loudness + true peak + waveform peaks) against
# `ffmpeg -af ebur128=peak=true -f null -` on the same file, for every format
# call centres send. The files are made from the corpus's two-minute call
# (long-call.wav, 8 kHz) with ffmpeg and sox; the 48 kHz stereo ones are that
# call upsampled, the right channel 13 ms late. Each figure is the median of
# RUNS runs (default 5; 3 for the one-hour FLAC) of CPU time (user + system), which a machine shared
# with other work disturbs less than wall time; runs alternate between the
# two programs. Target: ratio <= 1.0 for every format.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
corpus=${CORPUS:-../shared/corpus/samples}
src=$corpus/calls/extra/long-call.wav
[ -f "$src" ] || { echo "analyze bench: $src not found (set CORPUS=)" >&2; exit 1; }
runs=${RUNS:-5}
work=${TMPDIR:-/tmp}/customer-room-bench-analyze
mkdir -p "$work"
bin=$work/customer-room
$GO build -tags sqlite_fts5 -o "$bin" ./cmd/customer-room

f() { ffmpeg -nostdin -loglevel error -y "$@"; }
m=$work/m8.wav
[ -f "$m" ] || cp "$src" "$m"
if [ ! -f "$work/st48.wav" ]; then
  sox "$m" -r 48000 "$work/m48.wav"
  sox "$work/m48.wav" "$work/m48d.wav" pad 0.013 trim 0 121.5
  sox "$work/m48.wav" "$work/m48c.wav" trim 0 121.5
  sox -M "$work/m48c.wav" "$work/m48d.wav" "$work/st48.wav"
fi
declare -A files=(
  [wav-pcm16-8k]="$m"
  [wav-mulaw-8k]=mulaw.wav [wav-alaw-8k]=alaw.wav [wav-ima-8k]=ima.wav [wav-gsm-8k]=gsm.wav
  [mp3-8k-16kbps]=m8.mp3 [mp3-44k-stereo]=s44.mp3 [vorbis-22k]=v22.ogg [opus-16kbps]=o16.opus
  [flac-8k-mono]=m8.flac [flac-48k-stereo]=st48.flac [flac-48k-stereo-1h]=st48-1h.flac
)
mk() {
  local out=$work/$1; [ -f "$out" ] && return
  case $1 in
    mulaw.wav) f -i "$m" -c:a pcm_mulaw "$out" ;;
    alaw.wav)  f -i "$m" -c:a pcm_alaw "$out" ;;
    ima.wav)   f -i "$m" -c:a adpcm_ima_wav "$out" ;;
    gsm.wav)   sox "$m" -e gsm-full-rate "$out" 2>/dev/null || f -i "$m" -c:a libgsm_ms -ar 8000 "$out" ;;
    m8.mp3)    lame --quiet -b 16 "$m" "$out" ;;
    s44.mp3)   sox "$work/st48.wav" -r 44100 "$work/s44.wav" && lame --quiet -b 128 "$work/s44.wav" "$out" ;;
    v22.ogg)   f -i "$m" -ar 22050 -c:a libvorbis -q:a 3 "$out" ;;
    o16.opus)  f -i "$m" -c:a libopus -b:a 16k "$out" ;;
    m8.flac)   f -i "$m" -c:a flac "$out" ;;
    st48.flac) f -i "$work/st48.wav" -c:a flac "$out" ;;
    # The issue's own case: an hour of 48 kHz stereo (the call 30 times).
    st48-1h.flac) f -stream_loop 29 -i "$work/st48.wav" -c:a flac "$out" ;;
  esac
}
cpu() { /usr/bin/time -f '%U %S' "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1+$2}'; }
med() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
printf '%-18s %10s %10s %8s\n' "analyze vs ffmpeg" "ours CPU-s" "ffmpeg" "ratio"
worst=0
for name in wav-pcm16-8k wav-mulaw-8k wav-alaw-8k wav-ima-8k wav-gsm-8k mp3-8k-16kbps mp3-44k-stereo vorbis-22k opus-16kbps flac-8k-mono flac-48k-stereo flac-48k-stereo-1h; do
  file=${files[$name]}
  case $file in /*) ;; *) mk "$file"; file=$work/$file ;; esac
  n=$runs
  case $name in *-1h) n=3 ;; esac # about 15 CPU-s a run
  a=(); b=()
  for _ in $(seq "$n"); do
    a+=("$(cpu "$bin" analyze "$file")")
    b+=("$(cpu ffmpeg -nostdin -hide_banner -nostats -i "$file" -af ebur128=peak=true -f null -)")
  done
  ta=$(med "${a[@]}"); tb=$(med "${b[@]}")
  r=$(awk -v a="$ta" -v b="$tb" 'BEGIN{printf "%.2f", (b > 0) ? a/b : 0}')
  printf '%-18s %10.2f %10.2f %8s\n' "$name" "$ta" "$tb" "$r"
done
