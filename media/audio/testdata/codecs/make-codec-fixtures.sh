#!/bin/sh
# make-codec-fixtures.sh regenerates the MP3/Ogg/FLAC fixtures and reference.json.
# Needs espeak-ng, sox, lame, oggenc, opusenc, flac, ffmpeg and ffprobe.
# Every fixture is 1.6 s of one espeak-ng French sentence; *.ref.s16 is ffmpeg's own
# decode of each lossy file (signed 16-bit LE, interleaved) that the tests correlate with.
set -eu
cd "$(dirname "$0")"
rm -f *.mp3 *.ogg *.opus *.flac *.s16 *.wav *.bin reference.json
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

espeak-ng -v fr -s 170 -w "$T/say.wav" "Bonjour, je vous appelle au sujet de ma facture de janvier."
# Mono source at 44.1 kHz, and a stereo one: agent left, a quieter delayed customer right.
sox "$T/say.wav" -r 44100 -b 16 "$T/m44.wav" trim 0 1.6
sox "$T/m44.wav" "$T/r44.wav" vol 0.5 delay 0.05 trim 0 1.6
sox -M "$T/m44.wav" "$T/r44.wav" "$T/s44.wav"
m() { sox "$T/m44.wav" -r "$1" "$T/m$1.wav"; }
for r in 8000 16000 22050 48000; do m $r; done
sox "$T/s44.wav" -r 22050 "$T/s22050.wav"

# MP3: MPEG-1, MPEG-2 and MPEG-2.5, CBR and VBR, each with LAME's Xing/Info gapless tag.
lame -S -b 64 "$T/m44.wav" mpeg1-44k-cbr.mp3
lame -S -V 4 "$T/s44.wav" mpeg1-44k-vbr-stereo.mp3
lame -S -b 24 "$T/m16000.wav" mpeg2-16k-cbr.mp3
lame -S -V 6 "$T/m22050.wav" mpeg2-22k-vbr.mp3
lame -S -b 16 "$T/m8000.wav" mpeg25-8k-cbr.mp3
# No Xing/LAME tag (-t): no gapless information, every decoded sample is kept.
lame -S -t -b 32 "$T/m22050.wav" mpeg2-22k-notag.mp3
# ID3v2 tag in front; and 40 zero bytes before the first frame.
lame -S -b 32 --tt "Appel client" --ta "Customer Room" --add-id3v2 --id3v2-only "$T/m16000.wav" "$T/id3.mp3"
cp "$T/id3.mp3" mpeg2-16k-id3.mp3
lame -S -b 32 "$T/m16000.wav" "$T/plain.mp3"
{ head -c 40 /dev/zero; cat "$T/plain.mp3"; } > "$T/junk.mp3"
cp "$T/junk.mp3" mpeg2-16k-junk.mp3
# For our own decoder: the other rates, joint stereo (mid/side) at MPEG-2 and 2.5,
# plain stereo with CRC protection (-p) at MPEG-1 32 kHz, and 12 kHz MPEG-2.5.
# --resample keeps lame from lowering the rate on its own at low bitrates.
mp3more() {
	sox "$T/s44.wav" -r 11025 "$T/s11025.wav"
	sox "$T/s44.wav" -r 24000 "$T/s24000.wav"
	sox "$T/s44.wav" -r 32000 "$T/s32000.wav"
	sox "$T/m44.wav" -r 12000 "$T/m12000.wav"
	lame -S -b 32 --resample 11.025 "$T/s11025.wav" mpeg25-11k-jstereo.mp3
	lame -S -V 5 --resample 24 "$T/s24000.wav" mpeg2-24k-vbr-jstereo.mp3
	lame -S -b 16 --resample 12 "$T/m12000.wav" mpeg25-12k-cbr.mp3
	lame -S -m s -p -b 96 --resample 32 "$T/s32000.wav" mpeg1-32k-stereo-crc.mp3
	lame -S -b 128 "$T/m48000.wav" mpeg1-48k-cbr.mp3
}
mp3more

# Ogg Vorbis.
oggenc -Q -q 2 -o vorbis-22k-mono.ogg "$T/m22050.wav"
oggenc -Q -q 3 -o vorbis-44k-stereo.ogg "$T/s44.wav"

# Ogg Opus: low-bitrate speech is SILK, higher is hybrid/CELT.
opusenc --quiet --bitrate 12 --speech "$T/m16000.wav" opus-silk-12k.opus
opusenc --quiet --bitrate 64 --music "$T/m48000.wav" opus-celt-64k.opus
ffmpeg -v error -i "$T/m16000.wav" -c:a libopus -b:a 24k -application voip opus-ffmpeg-voip.opus
ffmpeg -v error -i "$T/s22050.wav" -c:a libopus -b:a 48k opus-ffmpeg-stereo.opus

# FLAC: 8, 16 and 24 bit, mono and stereo. The .wav beside each is its exact source.
sox "$T/m8000.wav" -b 8 flac-8bit-mono.wav
sox "$T/m22050.wav" -b 16 flac-16bit-mono.wav
sox "$T/s22050.wav" -b 24 flac-24bit-stereo.wav
sox "$T/s44.wav" -b 16 -r 16000 flac-16bit-stereo.wav
for w in flac-*.wav; do flac -s -f -o "${w%.wav}.flac" "$w"; done

# Bad input.
echo "Ceci n'est pas un fichier audio, juste du texte." > bad-text.mp3
head -c 2000 mpeg1-44k-cbr.mp3 > bad-truncated.mp3
head -c 3000 vorbis-22k-mono.ogg > bad-truncated.ogg
head -c 1500 opus-silk-12k.opus > bad-truncated.opus
head -c 6000 flac-16bit-mono.flac > bad-truncated.flac
head -c 4096 /dev/urandom > bad-random.bin

# ffmpeg's decode of the lossy ones, and reference.json from ffprobe.
echo "{" > reference.json
first=1
for f in *.mp3 *.ogg *.opus *.flac; do
	case "$f" in bad-*) continue ;; esac
	ffmpeg -v error -i "$f" -f s16le -c:a pcm_s16le "$f.ref.s16"
	info=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels:format=duration -of default=nw=1 "$f")
	codec=$(echo "$info" | sed -n 's/^codec_name=//p')
	rate=$(echo "$info" | sed -n 's/^sample_rate=//p')
	ch=$(echo "$info" | sed -n 's/^channels=//p')
	dur=$(echo "$info" | sed -n 's/^duration=//p')
	[ $first = 1 ] || echo "," >> reference.json
	first=0
	printf '  "%s": {"codec": "%s", "sample_rate": %s, "channels": %s, "duration": %s}' "$f" "$codec" "$rate" "$ch" "$dur" >> reference.json
done
printf '\n}\n' >> reference.json
rm -f flac-*.flac.ref.s16
