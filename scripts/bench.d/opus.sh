#!/usr/bin/env bash
# Opus at telephone bitrates: our decoder (pion/opus) against libopus
# (issue 13). Speech (the demo calls, 16 kHz), pink noise, a linear sweep
# (50 Hz to 7 kHz) and a logarithmic one (20 Hz to 21 kHz), all 48 kHz mono,
# are encoded with libopus through ffmpeg at 6 to 64 kbit/s (VoIP
# application, as telephony exports), then measured: integrated loudness
# and true peak of the input, of libopus's decode (ffmpeg -c:a libopus,
# ebur128=peak=true), of ffmpeg's own decoder (a third opinion) and of ours
# (customer-room analyze --json). The CI has no ffmpeg: this is a bench,
# and the decision it supports is written in media/audio/opus.go.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
work=${TMPDIR:-/tmp}/customer-room-bench-opus
mkdir -p "$work"
bin=$work/customer-room
$GO build -tags sqlite_fts5 -o "$bin" ./cmd/customer-room
f() { ffmpeg -nostdin -loglevel error -y "$@"; }
# Sources, 20 s each at 48 kHz mono, -23 LUFS or so.
[ -f "$work/speech.wav" ] || { sox media/demo/files/*.wav -r 48000 -c 1 "$work/speech-all.wav" 2>/dev/null; sox "$work/speech-all.wav" "$work/speech.wav" trim 0 20; }
[ -f "$work/noise.wav" ]  || sox -n -r 48000 -c 1 -b 16 "$work/noise.wav" synth 20 pinknoise vol 0.1
[ -f "$work/sweep.wav" ]  || sox -n -r 48000 -c 1 -b 16 "$work/sweep.wav" synth 20 sine 50-7000 vol 0.3
[ -f "$work/logsweep.wav" ] || sox -n -r 48000 -c 1 -b 16 "$work/logsweep.wav" synth 20 sine 20:21000 vol 0.5
lufs_ffmpeg() { # file [decoder] -> "LUFS TP"
  local dec=(); [ $# -gt 1 ] && dec=(-c:a "$2")
  ffmpeg -nostdin -hide_banner -nostats "${dec[@]}" -i "$1" -af ebur128=peak=true -f null - 2>&1 |
    awk '/Integrated loudness:/{i=1} i&&/I:/{l=$2} /True peak:/{t=1} t&&/Peak:/{p=$2} END{printf "%s %s", l, p}'
}
ours() { "$bin" analyze --json "$1" | python3 -c 'import json,sys; a=json.load(sys.stdin); print("%.2f %.2f" % (a["loudness_lufs"], a["true_peak_dbtp"]))'; }
printf '%-8s %4s | %6s | %7s %7s %7s %7s | %7s %7s %7s\n' signal kbps "input" "libopus" "ffmpeg" "ours" "ours-lib" "libopus" "ours" "ours-lib"
printf '%-8s %4s | %6s | %7s %7s %7s %7s | %7s %7s %7s\n' "" "" "LUFS" "LUFS" "LUFS" "LUFS" "LU" "dBTP" "dBTP" "dB"
for sig in speech noise sweep logsweep; do
  read -r in_l _ <<<"$(lufs_ffmpeg "$work/$sig.wav")"
  for kb in 6 8 12 16 24 32 48 64; do
    o=$work/$sig-$kb.opus
    [ -f "$o" ] || f -i "$work/$sig.wav" -c:a libopus -application voip -b:a ${kb}k "$o"
    read -r lo_l lo_p <<<"$(lufs_ffmpeg "$o" libopus)"
    read -r ff_l _ <<<"$(lufs_ffmpeg "$o" opus)"
    read -r us_l us_p <<<"$(ours "$o")"
    printf '%-8s %4s | %6s | %7s %7s %7s %+7.2f | %7s %7s %+7.2f\n' "$sig" "$kb" "$in_l" "$lo_l" "$ff_l" "$us_l" \
      "$(awk -v a="$us_l" -v b="$lo_l" 'BEGIN{print a-b}')" "$lo_p" "$us_p" "$(awk -v a="$us_p" -v b="$lo_p" 'BEGIN{print a-b}')"
  done
done
