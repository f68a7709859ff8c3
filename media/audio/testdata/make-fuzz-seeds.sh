#!/bin/sh
# make-fuzz-seeds.sh regenerates the seed corpora of FuzzWAV, FuzzMP3, FuzzFLAC
# FuzzOgg and FuzzOpen in ../testdata/fuzz/FuzzXxx/seed-* (Go's "go test fuzz v1"
# format; `go test` runs every seed, `go test -fuzz` starts from them).
#
# Needs sox, lame, ffmpeg (with libopus and libvorbis) and python3. Run it from
# anywhere: sh media/audio/testdata/make-fuzz-seeds.sh
#
# The seeds are tiny on purpose: a fuzzer spends each exec decoding the whole
# input, and minimizes every input that finds new code, so a 80 KB FLAC seed
# (the fixtures carry 8 KB of padding and 5-10 KB frames) costs milliseconds
# per exec where a 600-byte one with 64-sample frames costs microseconds.
# Sources: 0.06 s of the WAV fixtures' voice (wav/s16-mono.wav, s16-stereo.wav)
# encoded with small frames, and the first bytes of the existing fixtures.
# Regressions the fuzzer found are not seed-*: they are kept as the fuzzer
# wrote them (named after what they broke) and this script leaves them alone.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fz=fuzz
for t in FuzzWAV FuzzMP3 FuzzFLAC FuzzOgg FuzzOpen; do
	mkdir -p "$fz/$t"
	rm -f "$fz/$t"/seed-*
done

# 0.06 s of voice, mono and stereo, 8 kHz; 16 kHz and 48 kHz copies for the codecs.
sox -R wav/s16-mono.wav "$tmp/m8.wav" trim 0.3 0.06
sox -R wav/s16-stereo.wav "$tmp/s8.wav" trim 0.3 0.06
sox -R "$tmp/m8.wav" -r 16000 "$tmp/m16.wav"
sox -R "$tmp/s8.wav" -r 32000 "$tmp/s32.wav"
sox -R "$tmp/m8.wav" -r 48000 "$tmp/m48.wav"
sox -R "$tmp/s8.wav" -r 44100 "$tmp/s44.wav"
sox -R "$tmp/m8.wav" -r 11025 "$tmp/m11.wav"

# ff OUT ARGS: bitexact, so a rerun writes the same bytes (Ogg serial numbers
# and encoder version tags would change otherwise).
ff() { ffout=$1; shift; ffmpeg -v error -y "$@" -fflags +bitexact -flags:a +bitexact "$ffout"; }

# FLAC: 64- to 192-sample blocks so a seed holds several frames in a few hundred
# bytes; fixed and LPC predictors, every stereo decorrelation, 24 bits, silence
# (constant subframes), and no prediction (verbatim subframes).
f=$tmp/flac
mkdir "$f"
ff "$f/mono-lpc.flac" -i "$tmp/m8.wav" -c:a flac -frame_size 96 -lpc_type levinson
ff "$f/mono-fixed.flac" -i "$tmp/m8.wav" -c:a flac -frame_size 128 -lpc_type fixed
ff "$f/mono-verbatim.flac" -i "$tmp/m8.wav" -c:a flac -frame_size 160 -lpc_type none
ff "$f/stereo-midside.flac" -i "$tmp/s8.wav" -c:a flac -frame_size 96 -ch_mode mid_side
ff "$f/stereo-leftside.flac" -i "$tmp/s8.wav" -c:a flac -frame_size 96 -ch_mode left_side
ff "$f/stereo-rightside.flac" -i "$tmp/s8.wav" -c:a flac -frame_size 96 -ch_mode right_side
ff "$f/stereo-indep.flac" -i "$tmp/s8.wav" -c:a flac -frame_size 192 -ch_mode indep
ff "$f/stereo-24bit.flac" -i "$tmp/s8.wav" -c:a flac -frame_size 96 -sample_fmt s32 -bits_per_raw_sample 24 -af "volume=0.5"
ff "$f/silence.flac" -f lavfi -i anullsrc=r=8000:cl=mono -t 0.03 -c:a flac -frame_size 64

# MP3: every MPEG version, mono, joint and plain stereo, CRC, VBR with the
# LAME gapless tag, no tag, an ID3v2 tag in front, zeros in front.
m=$tmp/mp3
mkdir "$m"
lame --quiet -b 32 --resample 8 "$tmp/m8.wav" "$m/mpeg25-8k-mono.mp3"
lame --quiet -b 32 --resample 11.025 -m j "$tmp/s8.wav" "$m/mpeg25-11k-jstereo.mp3"
lame --quiet -b 24 "$tmp/m16.wav" "$m/mpeg2-16k-mono.mp3"
lame --quiet -t -b 32 "$tmp/m11.wav" "$m/mpeg25-11k-notag.mp3"
lame --quiet -m s -p -b 64 --resample 32 "$tmp/s32.wav" "$m/mpeg1-32k-stereo-crc.mp3"
lame --quiet -V 6 -m j "$tmp/s44.wav" "$m/mpeg1-44k-vbr-jstereo.mp3"
lame --quiet -b 64 "$tmp/m48.wav" "$m/mpeg1-48k-mono.mp3"
lame --quiet -b 24 --tt "Appel" --add-id3v2 --id3v2-only "$tmp/m16.wav" "$m/id3v2.mp3"
{ head -c 40 /dev/zero; cat "$m/mpeg2-16k-mono.mp3"; } >"$m/zeros-first.mp3"

# Ogg: Opus SILK, CELT, hybrid and stereo, 20 ms packets; Vorbis mono and stereo
# (its setup header holds the codebooks, so these stay a few KB).
o=$tmp/ogg
mkdir "$o"
ff "$o/opus-silk.opus" -i "$tmp/m16.wav" -c:a libopus -b:a 12k -application voip
ff "$o/opus-celt.opus" -i "$tmp/m48.wav" -c:a libopus -b:a 64k -application audio
ff "$o/opus-hybrid.opus" -i "$tmp/m16.wav" -c:a libopus -b:a 32k -application voip -ar 48000
ff "$o/opus-stereo.opus" -i "$tmp/s8.wav" -c:a libopus -b:a 24k
ff "$o/vorbis-mono.ogg" -i "$tmp/m8.wav" -c:a libvorbis -q:a 0
ff "$o/vorbis-stereo.ogg" -i "$tmp/s44.wav" -c:a libvorbis -q:a 0

python3 - "$tmp" "$fz" <<'PY'
import glob, os, struct, sys

tmp, fz = sys.argv[1], sys.argv[2]

def write(target, name, b):
    # Any Go string literal will do; printable ASCII stays readable.
    out = []
    for c in b:
        if 0x20 <= c < 0x7f and c not in (0x22, 0x5c):
            out.append(chr(c))
        else:
            out.append('\\x%02x' % c)
    with open(os.path.join(fz, target, 'seed-' + name), 'w') as f:
        f.write('go test fuzz v1\n[]byte("%s")\n' % ''.join(out))

def flac_strip(b):
    """Drop PADDING (ffmpeg writes 8 KB) and PICTURE blocks; keep the rest."""
    assert b[:4] == b'fLaC'
    off, blocks = 4, []
    while True:
        h = b[off]
        size = int.from_bytes(b[off+1:off+4], 'big')
        if h & 0x7f not in (1, 6):
            blocks.append(bytearray(b[off:off+4+size]))
        off += 4 + size
        if h & 0x80:
            break
    for blk in blocks:
        blk[0] &= 0x7f
    blocks[-1][0] |= 0x80
    return b'fLaC' + b''.join(bytes(x) for x in blocks), off - 4 - sum(len(x) for x in blocks), b[off:]

for p in sorted(glob.glob(tmp + '/flac/*.flac')):
    name = os.path.basename(p)
    head, _, frames = flac_strip(open(p, 'rb').read())
    write('FuzzFLAC', name, head + frames)
# Variants of one stream: no frames, a frame cut in half, a metadata block
# whose length runs past the end (the first frame is searched for), no
# STREAMINFO total (length unknown), and the first real frame of the 8-bit
# fixture (its 5-10 KB siblings are left out).
head, _, frames = flac_strip(open(tmp + '/flac/mono-lpc.flac', 'rb').read())
write('FuzzFLAC', 'no-frames.flac', head)
write('FuzzFLAC', 'cut-frame.flac', head + frames[:len(frames)//3])
broken = bytearray(head)
broken[4] &= 0x7f  # STREAMINFO is no longer last
write('FuzzFLAC', 'broken-chain.flac', bytes(broken) + b'\x04\x00\xff\xff' + frames)
unknown = bytearray(head)
unknown[8+13] &= 0xf0
unknown[8+14:8+18] = b'\0\0\0\0'
write('FuzzFLAC', 'unknown-length.flac', bytes(unknown) + frames)
head, _, frames = flac_strip(open('codecs/flac-8bit-mono.flac', 'rb').read())
write('FuzzFLAC', 'fixture-8bit-first-frame.flac', head + frames[:1671])

for p in sorted(glob.glob(tmp + '/mp3/*.mp3')):
    b = open(p, 'rb').read()
    write('FuzzMP3', os.path.basename(p), b)
    if os.path.basename(p) == 'mpeg1-44k-vbr-jstereo.mp3':
        write('FuzzMP3', 'cut-mid-frame.mp3', b[:len(b)*2//3])

for p in sorted(glob.glob(tmp + '/ogg/*')):
    b = open(p, 'rb').read()
    write('FuzzOgg', os.path.basename(p), b)
    if p.endswith('opus-silk.opus'):
        write('FuzzOgg', 'opus-headers-only.opus', b[:b.find(b'OggS', b.find(b'OpusTags'))])

# Open: one stream of each format, and ID3v2 tags in front of FLAC and WAV
# (taggers put them there; Open skips them whatever follows).
id3 = b'ID3\x04\x00\x00\x00\x00\x00\x15' + b'TIT2\x00\x00\x00\x0b\x00\x00\x03Appel 42'
flac = open(tmp + '/flac/mono-lpc.flac', 'rb').read()
write('FuzzOpen', 'flac.flac', flac_strip(flac)[0] + flac_strip(flac)[2])
write('FuzzOpen', 'id3-flac.flac', id3 + flac_strip(flac)[0] + flac_strip(flac)[2])
wav = open('wav/ima-mono.wav', 'rb').read()[:600]
write('FuzzOpen', 'ima.wav', wav)
write('FuzzOpen', 'id3-wav.wav', id3 + wav)
for name in ('mpeg2-16k-mono.mp3', 'zeros-first.mp3', 'id3v2.mp3'):
    write('FuzzOpen', name, open(tmp + '/mp3/' + name, 'rb').read())
for name in ('opus-silk.opus', 'vorbis-mono.ogg'):
    write('FuzzOpen', name, open(tmp + '/ogg/' + name, 'rb').read())
write('FuzzOpen', 'id3-only.bin', id3)

# WAV: every fixture's header and first few hundred bytes of audio (a few
# blocks of IMA ADPCM and GSM), and the header alone.
for p in sorted(glob.glob('wav/*.wav')):
    b = open(p, 'rb').read()
    name = os.path.basename(p)
    write('FuzzWAV', name, b[:600])
    d = b.find(b'data')
    if name in ('s16-mono.wav', 'ima-stereo.wav', 'gsm.wav', 'rf64.wav') and d > 0:
        write('FuzzWAV', name.replace('.wav', '-header-only.wav'), b[:d+8])
PY
du -sh "$fz"
