#!/usr/bin/env bash
# Makes the ingest acceptance fixtures and reference.json beside them.
# Needs espeak-ng, sox, lame, flac, opusenc, oggenc, ffmpeg and ffprobe (all on the dev box).
# The reference figures come from ffprobe (duration) and ffmpeg's ebur128
# filter (integrated loudness, true peak), not from our own code.
# Run from this folder: ./make-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

say() { espeak-ng -v fr -s 150 -w "$tmp/$1.raw.wav" "$2"; }
say agent "Bonjour, service client, que puis-je pour vous ?"
say client "Ma facture est fausse depuis deux mois."
# a two-voice call: agent, short pause, customer; 8 kHz mono like a phone line
sox "$tmp/agent.raw.wav" "$tmp/client.raw.wav" -r 8000 -c 1 -b 16 call-8k.wav pad 0.2 0.2 gain -n -3
sox call-8k.wav -e u-law call-ulaw.wav
sox "$tmp/agent.raw.wav" "$tmp/client.raw.wav" -r 16000 -c 1 "$tmp/call16.wav" pad 0.2 0.2 gain -n -6
lame --quiet -b 32 "$tmp/call16.wav" call.mp3
flac --silent -f -o call.flac call-8k.wav
opusenc --quiet --bitrate 24 "$tmp/call16.wav" call.opus
oggenc --quiet -q 2 "$tmp/call16.wav" -o call.ogg
sox call-8k.wav -r 16000 -c 2 -b 16 call-stereo-16k.wav gain -1

# transcripts: two cues, the agent's line first. call-8k.wav has a WebVTT
# sidecar; every call.* file shares call.srt and call.json (same base name).
a=$(soxi -D "$tmp/agent.raw.wav")
ams=$(awk -v a="$a" 'BEGIN{printf "%d", (a+0.2)*1000}')
ts() { awk -v ms="$1" 'BEGIN{printf "%02d:%02d:%02d.%03d", ms/3600000, (ms/60000)%60, (ms/1000)%60, ms%1000}'; }
cat > call-8k.vtt <<VTT
WEBVTT

1
00:00:00.200 --> $(ts "$ams")
<v Conseiller>Bonjour, service client, que puis-je pour vous ?

2
$(ts "$((ams + 100))") --> $(ts "$((ams + 2500))")
<v Client>Ma facture est fausse depuis deux mois.
VTT
sed -e '/-->/s/\./,/g' -e 's/<v \([^>]*\)>/\1: /' -e '/^WEBVTT/d' call-8k.vtt | sed '/./,$!d' > call.srt
printf '{"title":"Facture fausse","date":"2026-05-02","channel":"telephone","topic":"Facturation","score":3,"sentiment":"negatif"}\n' > call.json

# reference figures
{
  echo "{"
  first=1
  for f in call-8k.wav call-ulaw.wav call-stereo-16k.wav call.mp3 call.flac call.opus call.ogg; do
    dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$f")
    out=$(ffmpeg -hide_banner -nostats -i "$f" -af ebur128=peak=true -f null - 2>&1)
    lufs=$(echo "$out" | awk '/Integrated loudness:/{f=1} f&&/ I:/{print $2; exit}')
    tp=$(echo "$out" | awk '/True peak:/{f=1} f&&/Peak:/{print $2; exit}')
    cues=0
    case $f in call-8k.wav|call.*) cues=2;; esac
    [ $first = 1 ] || echo ","
    first=0
    printf '  "%s": {"duration_ms": %.0f, "loudness_lufs": %s, "true_peak_dbtp": %s, "cues": %d}' \
      "$f" "$(awk -v d="$dur" 'BEGIN{print d*1000}')" "$lufs" "$tp" "$cues"
  done
  printf '\n}\n'
} > reference.json
cat reference.json
