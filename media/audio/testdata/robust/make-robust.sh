#!/bin/sh
# make-robust.sh makes the fixtures of files that real call centres and users
# produce and that once failed to open or measured wrong (issue 13), and
# reference.json: what ffmpeg says about each. Needs sox, lame, ffmpeg and
# python3. Run from anywhere:
#   sh media/audio/testdata/robust/make-robust.sh
# CI has no ffmpeg: the tests read only the committed files and figures.
#
#   flac-id3.flac          a FLAC stream behind an ID3v2.4 tag that has the
#                          footer flag (tag size is syncsafe, plus 10 bytes of
#                          header and 10 of footer). It was sniffed as MP3.
#   flac-bad-comment.flac  a FLAC whose VORBIS_COMMENT has an entry without
#                          '=' ("unable to locate '=' in vector" in mewkiz/flac).
#   mp3-zeros.mp3          100 KiB of zero bytes, then an MPEG-2 16 kHz MP3 with
#                          no tag ("unknown audio format" past 60 zeros).
#   mp3-clipped-44k.mp3    speech driven 24 dB into clipping at 44.1 kHz and
#                          encoded at 64 kbit/s: the decoded signal overshoots
#                          full scale, true peak about +1.5 dBTP.
#   vorbis-clipped-44k.ogg the same clipped speech in Ogg Vorbis (libvorbis
#                          -q 3): jfreymuth/oggvorbis clamped it to ±1 and
#                          read the true peak low.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
speech=../loudness/speech-16k.wav

# FLAC fixtures: 1.5 s of 16 kHz speech. ffmpeg's FLAC has a VORBIS_COMMENT
# block (its encoder tag) for the bad-comment case to break.
sox -D "$speech" "$tmp/s16.wav" trim 0 1.5
ffmpeg -nostdin -loglevel error -y -i "$tmp/s16.wav" -c:a flac "$tmp/s16.flac"

python3 - "$tmp/s16.flac" <<'EOF'
import struct, sys
flac = open(sys.argv[1], "rb").read()

# ID3v2.4 tag with one TIT2 frame and the footer flag (0x10): header, frames,
# footer "3DI". Sizes are syncsafe (7 bits a byte) and exclude header/footer.
def syncsafe(n):
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])
text = b"\x03" + "Appel client — réclamation".encode("utf-8")
frames = b"TIT2" + syncsafe(len(text)) + b"\x00\x00" + text
frames += b"\x00" * 300  # padding, so the size needs more than one byte
tag = b"ID3\x04\x00\x10" + syncsafe(len(frames)) + frames
tag += b"3DI\x04\x00\x10" + syncsafe(len(frames))
open("flac-id3.flac", "wb").write(tag + flac)

# Replace the VORBIS_COMMENT block (type 4) with one whose only entry has no
# '='. The block keeps its place and its last-block flag.
assert flac[:4] == b"fLaC"
p, out = 4, bytearray(b"fLaC")
while True:
    hdr = flac[p]
    size = int.from_bytes(flac[p + 1:p + 4], "big")
    body = flac[p + 4:p + 4 + size]
    if hdr & 0x7F == 4:
        vendor = b"Lavf"
        entry = b"ENCODER Lavf without an equals sign"
        body = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 1) + struct.pack("<I", len(entry)) + entry
    out += bytes([hdr]) + len(body).to_bytes(3, "big") + body
    p += 4 + size
    if hdr & 0x80:
        break
out += flac[p:]
open("flac-bad-comment.flac", "wb").write(out)
EOF

# MP3 behind 100 KiB of zeros, no ID3 tag (lame writes none unless asked).
lame --quiet -b 32 "$tmp/s16.wav" "$tmp/s16.mp3"
{ head -c 102400 /dev/zero; cat "$tmp/s16.mp3"; } > mp3-zeros.mp3

# Clipped MP3 at 44.1 kHz (sox warns that it clips: that is the point).
sox -D "$speech" -r 44100 -b 16 "$tmp/clip.wav" trim 0 1.5 gain 24 2>/dev/null
lame --quiet -b 64 "$tmp/clip.wav" mp3-clipped-44k.mp3
ffmpeg -nostdin -loglevel error -y -i "$tmp/clip.wav" -c:a libvorbis -q:a 3 -map_metadata -1 vorbis-clipped-44k.ogg

# Reference figures. frames: what ffmpeg decodes (after its gapless trim);
# lufs: ebur128's integrated loudness (its summary, 0.1 LU steps);
# true_peak_dbtp: the largest lavfi.r128.true_peak ebur128 reports (linear,
# 3 decimals, so about 0.01 dB), in dB. (At 16 kHz 32 kbit/s a frame is too
# short for the LAME tag after the Xing TOC, so mp3-zeros.mp3 has no gapless
# trim, for ffmpeg or for us: every decoded sample counts.)
python3 - <<'EOF' > reference.json
import json, math, re, subprocess
files = ["flac-id3.flac", "flac-bad-comment.flac", "mp3-zeros.mp3", "mp3-clipped-44k.mp3", "vorbis-clipped-44k.ogg"]
version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.splitlines()[0]
ref = {"tool": version,
       "command": "ffmpeg -nostats -i F -af ebur128=peak=true:metadata=1,ametadata=print:file=- -f null -",
       "files": {}}
for f in files:
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                            "stream=codec_name,sample_rate,channels", "-of", "json", f],
                           capture_output=True, text=True, check=True)
    st = json.loads(probe.stdout)["streams"][0]
    ch = int(st["channels"])
    pcm = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", f, "-f", "f32le", "-"],
                         capture_output=True, check=True).stdout
    run = subprocess.run(["ffmpeg", "-nostdin", "-nostats", "-i", f, "-af",
                          "ebur128=peak=true:metadata=1,ametadata=print:file=-", "-f", "null", "-"],
                         capture_output=True, text=True, check=True)
    summary = run.stderr[run.stderr.rindex("Summary:"):]
    lufs = float(re.search(r"I:\s+(-?[0-9.]+) LUFS", summary).group(1))
    tp = max(float(v) for v in re.findall(r"lavfi\.r128\.true_peak=([0-9.]+)", run.stdout))
    ref["files"][f] = {"codec": st["codec_name"], "sample_rate": int(st["sample_rate"]), "channels": ch,
                       "frames": len(pcm) // (4 * ch), "lufs": lufs,
                       "true_peak_dbtp": round(20 * math.log10(tp), 3)}
print(json.dumps(ref, indent=2))
EOF
