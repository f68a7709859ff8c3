#!/bin/sh
# Fixtures for the command's end-to-end tests. Needs sox.
set -e
cd "$(dirname "$0")"
# 1.5 s of 440 Hz at -12 dBFS, 8 kHz mono 16-bit PCM: the thinnest real call.
sox -n -r 8000 -c 1 -b 16 tone.wav synth 1.5 sine 440 gain -12
printf 'WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\n<v Client>Bonjour.\n' > tone.vtt
# Text with an audio name: must be rejected, not imported.
yes 'this is not audio' | head -n 150 > noise.wav
# A pending call for the studio's review test: 8 s of speech-like tone (the last 2 s without words) with a
# transcript holding a name and a phone number, and its metadata.
sox -n -r 8000 -c 1 -b 16 review-call.wav synth 8 sine 300-900 tremolo 4 60 gain -14
printf 'WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\n<v Conseiller>Service clients, bonjour.\n\n2\n00:00:02.000 --> 00:00:05.000\n<v Client>Je m'"'"'appelle Jean Dupont, mon numéro est le 06 12 34 56 78.\n\n3\n00:00:05.000 --> 00:00:06.000\n<v Conseiller>Merci, je regarde.\n' > review-call.vtt
printf '{"title":"Colis perdu","date":"2026-10-12","channel":"telephone","topic":"Livraison","score":2,"sentiment":"negatif"}\n' > review-call.json
# Two written verbatims waiting for review, each holding personal data.
printf 'date;canal;thème;note;sentiment;texte\n2026-10-01;email;Facturation;1;negatif;Rappelez-moi au 06 98 76 54 32, c'"'"'est urgent.\n2026-10-02;chat;Livraison;9;positif;Écrivez-moi à paul.martin@exemple.fr pour la suite.\n' > review-verbatims.csv
