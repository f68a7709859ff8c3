#!/bin/sh
# make.sh regenerates the loudness/true-peak fixtures and reference.json.
# Needs sox, espeak-ng and ffmpeg. Run from anywhere:
#   sh media/audio/testdata/loudness/make.sh
# Every fixture is 16-bit PCM WAV under ~100 KB. sox is told not to dither (-D)
# so the files are reproducible. reference.json holds what ffmpeg's ebur128
# filter says about each file ("I:" integrated loudness, "Peak:" true peak),
# the figures our meters must match (0.5 LU, 1 dB).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1 kHz sine at -20 dBFS, 48 kHz, mono (1 s) and stereo (0.5 s).
sox -D -n -r 48000 -c 1 -b 16 sine1k-48k-mono.wav synth 1 sine 1000 vol -20dB
sox -D -n -r 48000 -c 2 -b 16 sine1k-48k-stereo.wav synth 0.5 sine 1000 vol -20dB

# Speech from espeak-ng (22.05 kHz), resampled to telephone/wideband/CD rates.
espeak-ng -v fr -s 170 -w "$tmp/a.wav" "Bonjour, mon abonnement est bloqué depuis trois jours et personne ne me rappelle."
espeak-ng -v en -s 190 -w "$tmp/b.wav" "Hello, I am calling about my invoice."
sox -D "$tmp/a.wav" -r 8000 -b 16 speech-8k.wav trim 0 5 gain -n -3
sox -D "$tmp/a.wav" -r 16000 -b 16 speech-16k.wav trim 0 3 gain -n -6
# Stereo 44.1 kHz: agent left (French), customer right (English, 9 dB lower).
sox -D "$tmp/a.wav" -r 44100 -b 16 "$tmp/l.wav" trim 0.3 0.55 gain -n -2
sox -D "$tmp/b.wav" -r 44100 -b 16 "$tmp/r.wav" trim 0.1 0.55 gain -n -11
sox -D -M "$tmp/l.wav" "$tmp/r.wav" speech-44k-stereo.wav

# A 3 kHz sine driven 12 dB into clipping at 44.1 kHz: square-ish, full-scale
# samples, and inter-sample peaks above 0 dBFS (true peak > sample peak).
sox -D -n -r 44100 -c 1 -b 16 clipped-square.wav synth 1 sine 3001 gain 12

# Pure digital silence, 48 kHz mono.
sox -D -n -r 48000 -c 1 -b 16 silence.wav trim 0 0.6

# Reference figures from ffmpeg's ebur128 (summary block at the end).
{
	printf '{\n  "tool": "%s",\n  "command": "ffmpeg -nostats -i F -af ebur128=peak=true -f null -",\n  "files": {\n' \
		"$(ffmpeg -version | head -n 1)"
	first=1
	for f in sine1k-48k-mono.wav sine1k-48k-stereo.wav speech-8k.wav speech-16k.wav speech-44k-stereo.wav clipped-square.wav silence.wav; do
		out=$(ffmpeg -nostats -i "$f" -af ebur128=peak=true -f null - 2>&1 | sed -n '/Summary:/,$p')
		i=$(printf '%s\n' "$out" | awk '$1 == "I:" { print $2; exit }')
		p=$(printf '%s\n' "$out" | awk '$1 == "Peak:" { print $2; exit }')
		# JSON has no -inf: ffmpeg's true peak of digital silence becomes null.
		[ "$p" = "-inf" ] && p=null
		[ "$first" = 1 ] || printf ',\n'
		first=0
		printf '    "%s": {"lufs": %s, "true_peak_dbtp": %s}' "$f" "$i" "$p"
	done
	printf '\n  }\n}\n'
} > reference.json
