#!/bin/sh
# Fixtures for the command's end-to-end tests. Needs sox.
set -e
cd "$(dirname "$0")"
# 1.5 s of 440 Hz at -12 dBFS, 8 kHz mono 16-bit PCM: the thinnest real call.
sox -n -r 8000 -c 1 -b 16 tone.wav synth 1.5 sine 440 gain -12
printf 'WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\n<v Client>Bonjour.\n' > tone.vtt
# Text with an audio name: must be rejected, not imported.
yes 'this is not audio' | head -n 150 > noise.wav
