#!/bin/sh
# make-wav-fixtures.sh regenerates the WAV decoder fixtures in this folder,
# reference.json (what ffprobe says about each one) and NAME.s16 files:
# ffmpeg's own decode of the lossy fixtures (signed 16-bit little-endian,
# interleaved) that the tests compare our samples with.
#
# Needs espeak-ng, sox, ffmpeg/ffprobe (with libgsm) and python3. Run it from
# anywhere: sh media/audio/testdata/wav/make-wav-fixtures.sh
#
# sox runs with -R (repeatable dither) so regenerating gives the same bytes.
#
# Source: espeak-ng saying a short French phrase, resampled to 8 kHz, 1 s
# (0.25 s for the wide formats) so every fixture stays a few KB.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

espeak-ng -v fr -w "$tmp/voice.wav" "Bonjour, ma facture"
sox -R "$tmp/voice.wav" -r 8000 -c 1 -b 16 "$tmp/src.wav" trim 0 1.0 gain -n -1
sox -R "$tmp/src.wav" "$tmp/short.wav" trim 0.3 0.25
# Stereo: agent left (the voice as is), customer right (inverted, half
# level), built exactly so the tests can check the channel order.
python3 - "$tmp/src.wav" "$tmp/stereo.wav" <<'PY'
import sys, wave, array
w = wave.open(sys.argv[1])
mono = array.array('h', w.readframes(w.getnframes()))
st = array.array('h', [0]) * (2 * len(mono))
st[0::2], st[1::2] = mono, array.array('h', [-(v >> 1) for v in mono])
o = wave.open(sys.argv[2], 'wb')
o.setnchannels(2); o.setsampwidth(2); o.setframerate(w.getframerate())
o.writeframes(st.tobytes())
PY

rm -f ./*.wav ./*.s16
sox -R "$tmp/src.wav" s16-mono.wav
sox -R "$tmp/stereo.wav" s16-stereo.wav
sox -R "$tmp/src.wav" -b 8 -e unsigned u8.wav
sox -R "$tmp/short.wav" -b 24 s24-ext.wav                          # sox: EXTENSIBLE for > 16 bits
sox -R "$tmp/short.wav" -b 32 -e signed s32-ext.wav
sox -R "$tmp/short.wav" -b 32 -e float f32.wav                     # plain tag 3 + fact
ffmpeg -v error -i "$tmp/short.wav" -c:a pcm_f32le f32-ext.wav # ffmpeg: EXTENSIBLE + LIST
sox -R "$tmp/short.wav" -b 64 -e float f64.wav
ffmpeg -v error -i "$tmp/src.wav" -c:a pcm_mulaw mulaw.wav
ffmpeg -v error -i "$tmp/src.wav" -c:a pcm_alaw alaw.wav
ffmpeg -v error -i "$tmp/src.wav" -c:a adpcm_ima_wav ima-mono.wav      # 1024-byte blocks
ffmpeg -v error -i "$tmp/stereo.wav" -c:a adpcm_ima_wav ima-stereo.wav
sox -R "$tmp/src.wav" -e ima-adpcm ima-sox.wav                     # 256-byte blocks, fact trims
sox -R "$tmp/src.wav" -e gsm-full-rate gsm.wav                     # WAV49, 65-byte blocks, fact
ffmpeg -v error -i "$tmp/short.wav" -rf64 always -c:a pcm_s16le rf64.wav

# Hand-made edge cases: rewrite the chunks of the files above.
python3 - <<'PY'
import struct

def chunks(path):
    b = open(path, 'rb').read()
    assert b[:4] in (b'RIFF', b'RF64') and b[8:12] == b'WAVE'
    out, off = [], 12
    while off + 8 <= len(b):
        cid, size = b[off:off+4], struct.unpack('<I', b[off+4:off+8])[0]
        out.append((cid, b[off+8:off+8+size]))
        off += 8 + size + (size & 1)
    return dict(out), out

def riff(parts, riff_size=None):
    body = b'WAVE'
    for cid, data, *size in parts:
        n = size[0] if size else len(data)
        body += cid + struct.pack('<I', n) + data + (b'\0' if len(data) & 1 else b'')
    return b'RIFF' + struct.pack('<I', len(body) if riff_size is None else riff_size) + body

def write(name, data):
    open(name, 'wb').write(data)

s16, _ = chunks('s16-mono.wav')
fmt16, data16 = s16[b'fmt '], s16[b'data']

# LIST and unknown chunks with odd sizes and their pad bytes before data.
write('odd-chunks.wav', riff([(b'LIST', b'INFOISFT\x03\x00\x00\x00ab\x00'),
                              (b'bext', b'odd'), (b'fmt ', fmt16), (b'zzzz', b''), (b'data', data16)]))
# Streamed / unfinished exports: data size 0 and 0xFFFFFFFF, RIFF size too.
write('data-size-0.wav', riff([(b'fmt ', fmt16), (b'data', data16, 0)], riff_size=0))
write('data-size-ffffffff.wav', riff([(b'fmt ', fmt16), (b'data', data16, 0xFFFFFFFF)], riff_size=0xFFFFFFFF))
# Truncated: the header promises the whole second, the file stops at 0.4 s
# plus one odd byte (half a sample).
full = riff([(b'fmt ', fmt16), (b'data', data16)])
write('truncated.wav', full[:44 + 6400 + 1])
# A lying data size far beyond the file (must not be allocated).
write('lying-size.wav', riff([(b'fmt ', fmt16), (b'data', data16[:3200], 0x7FFFFFF0)]))
# IMA ADPCM cut 300 bytes into its third block.
ima, imaparts = chunks('ima-mono.wav')
imafile = riff(imaparts)
start = imafile.index(b'data\x00') + 8
align = struct.unpack('<H', ima[b'fmt '][12:14])[0]
write('truncated-ima.wav', imafile[:start + 2*align + 300])
# WAVE_FORMAT_EXTENSIBLE around µ-law and 16-bit PCM (nobody writes these by
# default, phone systems sometimes do).
def ext(fmt, bits_valid, sub):
    tag, ch, rate, bps, align, bits = struct.unpack('<HHIIHH', fmt[:16])
    guid = struct.pack('<H', sub) + b'\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71'
    return struct.pack('<HHIIHHHHI', 0xFFFE, ch, rate, bps, align, bits, 22, bits_valid, 4 if ch == 1 else 3) + guid
mu, _ = chunks('mulaw.wav')
write('mulaw-ext.wav', riff([(b'fmt ', ext(mu[b'fmt '], 8, 7)), (b'fact', struct.pack('<I', len(mu[b'data']))), (b'data', mu[b'data'])]))
# RF64 whose real data size is only in ds64, with a chunk after the data
# that must not be played as audio.
rf, _ = chunks('rf64.wav')
ds64 = struct.pack('<QQQI', 0, len(rf[b'data']), len(rf[b'data']) // 2, 0)
body = riff([(b'ds64', ds64), (b'fmt ', rf[b'fmt ']), (b'data', rf[b'data'], 0xFFFFFFFF),
             (b'LIST', b'INFOICMT\x10\x00\x00\x00not audio, skip!')])
write('rf64-trailer.wav', b'RF64' + b'\xff\xff\xff\xff' + body[8:])
st, _ = chunks('s16-stereo.wav')
write('s16-stereo-ext.wav', riff([(b'fmt ', ext(st[b'fmt '], 16, 1)), (b'data', st[b'data'])]))
PY

# What ffmpeg decodes from the lossy fixtures (G.711, IMA, GSM through libgsm).
for f in mulaw alaw mulaw-ext ima-mono ima-stereo ima-sox; do
	ffmpeg -v error -i $f.wav -f s16le -c:a pcm_s16le $f.s16
done
# libgsm complains about the pad byte after the last 65-byte block; harmless.
ffmpeg -v fatal -c:a libgsm_ms -i gsm.wav -f s16le -c:a pcm_s16le gsm.s16

# reference.json: ffprobe's view of every fixture (duration is what the
# header claims), plus decoded_frames: how many frames ffmpeg really decodes.
python3 - <<'PY' >reference.json
import glob, json, subprocess
out = []
for f in sorted(glob.glob('*.wav')):
    p = json.loads(subprocess.check_output(['ffprobe', '-v', 'error', '-select_streams', 'a:0',
        '-show_entries', 'stream=codec_name,sample_rate,channels,duration,duration_ts', '-of', 'json', f]))
    s = p['streams'][0]
    pcm = subprocess.run(['ffmpeg', '-v', 'quiet', '-i', f, '-f', 's16le', '-'], capture_output=True).stdout
    out.append({'file': f, 'codec': s['codec_name'], 'sample_rate': int(s['sample_rate']),
                'channels': s['channels'], 'duration': float(s['duration']), 'duration_ts': s['duration_ts'],
                'decoded_frames': len(pcm) // 2 // s['channels']})
print('[\n' + ',\n'.join('  ' + json.dumps(o) for o in out) + '\n]')
PY
