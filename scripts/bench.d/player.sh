#!/usr/bin/env bash
# The player against its peer: CPU used by `customer-room serve` playing a
# demo call on the null output, and by Debian's mpd playing the same file on
# its null output (paced by a timer, like ours). Both play at the same time,
# so both are sampled over the same stretch of the same machine's load; the
# figure is the median of ROUNDS such stretches. mpd's null output takes the
# file as it comes (16 kHz mono): it neither resamples nor limits. A second
# mpd converts to what ours delivers (48 kHz float stereo, soxr at "medium",
# 16-bit quality, above our resampler's 80 dB), for reference. CPU is the
# scheduler's run time of every thread, from /proc.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-3}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
$GO build -tags sqlite_fts5 -o "$tmp/customer-room" ./cmd/customer-room
call=media/demo/files/panne-internet-resolue.wav   # 16 kHz mono, 14 s

# CPU seconds of a process so far: the scheduler's nanosecond run time of
# every thread (/proc/PID/stat counts in 10 ms ticks, too coarse for mpd).
cpu() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%.6f", s/1e9}'; }

# Ours.
"$tmp/customer-room" serve --data "$tmp/data" --addr 127.0.0.1:18555 --audio null >"$tmp/cr.out" 2>"$tmp/cr.err" &
crpid=$!
for _ in $(seq 100); do curl -sf localhost:18555/api/health >/dev/null && break; sleep 0.1; done
sum=$(sha256sum "$call" | cut -d' ' -f1)
id=$(curl -s localhost:18555/api/recordings | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin) if r["sha256"]==sys.argv[1]][0])' "$sum")

# The peers: mpd on its null output, as the file comes, and converting to 48 kHz float stereo.
mpds=()
for n in 0 1; do
  mkdir -p "$tmp/mpd$n/music" "$tmp/mpd$n/db"
  cp "$call" "$tmp/mpd$n/music/call.wav"
  fmt=""; rs=""
  if [ "$n" = 1 ]; then fmt='format "48000:f:2"'; rs='resampler {
  plugin "soxr"
  quality "medium"
}'; fi
  cat >"$tmp/mpd$n/mpd.conf" <<CONF
$rs
music_directory "$tmp/mpd$n/music"
db_file "$tmp/mpd$n/db/db"
bind_to_address "127.0.0.1"
port "665$n"
audio_output {
  type "null"
  name "null"
  $fmt
}
CONF
  mpd --no-daemon "$tmp/mpd$n/mpd.conf" 2>"$tmp/mpd$n/err" &
  mpds+=($!)
  for _ in $(seq 50); do mpc -q -p "665$n" status >/dev/null 2>&1 && break; sleep 0.1; done
  mpc -q -p "665$n" update --wait
  mpc -q -p "665$n" add call.wav
done
sleep 3 # ours has imported its demo library; everything is idle

pids=("$crpid" "${mpds[@]}")
idle=$(for p in "${pids[@]}"; do cpu "$p"; echo -n " "; done; sleep 3; for p in "${pids[@]}"; do cpu "$p"; echo -n " "; done)
rounds=()
for _ in $(seq "$ROUNDS"); do
  curl -s -XPOST -H 'content-type: application/json' -d "{\"recording_id\":$id}" localhost:18555/api/player/play >/dev/null
  mpc -q -p 6650 play; mpc -q -p 6651 play
  sleep 0.5
  a=$(for p in "${pids[@]}"; do cpu "$p"; echo -n " "; done)
  sleep "$SECS"
  b=$(for p in "${pids[@]}"; do cpu "$p"; echo -n " "; done)
  rounds+=("$(echo "$a $b" | awk -v s="$SECS" '{printf "%.4f %.4f %.4f", ($4-$1)*60/s, ($5-$2)*60/s, ($6-$3)*60/s}')")
  curl -s -XPOST localhost:18555/api/player/stop >/dev/null
  mpc -q -p 6650 stop; mpc -q -p 6651 stop
  sleep 1
done
kill "${pids[@]}"; wait 2>/dev/null || true

printf '%s\n' "${rounds[@]}" | awk -v idle="$idle" -v n="$ROUNDS" '
  { o[NR]=$1; m[NR]=$2; f[NR]=$3; r[NR]=$1/$2 }
  function med(a,   i, j, t, k, b) { k=0; for (i in a) b[++k]=a[i]
    for (i=1; i<=k; i++) for (j=i+1; j<=k; j++) if (b[j]<b[i]) { t=b[i]; b[i]=b[j]; b[j]=t }
    return b[int((k+1)/2)] }
  END {
    split(idle, x, " ")
    printf "%-56s %13s %10s %14s\n", "player CPU, 16 kHz call on the null output", "customer-room", "mpd", "mpd to 48k f32"
    printf "%-56s %13.4f %10.4f %14.4f\n", "CPU-s per minute while idle", (x[4]-x[1])*20, (x[5]-x[2])*20, (x[6]-x[3])*20
    printf "%-56s %13.4f %10.4f %14.4f\n", "CPU-s per minute of audio played (median of " n ")", med(o), med(m), med(f)
    printf "%-56s %13.1fx\n", "ours against mpd, same stretch (median; goal <= 3x)", med(r)
    s=""; for (i=1; i<=n; i++) s=s sprintf(" %.1fx", r[i]); printf "%-56s %s\n", "  each stretch", s
    printf "%-56s %13.2fx\n", "ours against mpd converting to 48 kHz float stereo", med(o)/med(f)
  }'
