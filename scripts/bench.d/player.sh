#!/usr/bin/env bash
# The player against its peer: CPU used by `customer-room serve` playing a
# demo call on the null output, and by Debian's mpd playing the same file on
# its null output (paced by a timer, like ours), in the same run. Each is
# sampled from /proc for the same stretch of playback, idle CPU subtracted.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
SECS=${SECS:-10}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
$GO build -tags sqlite_fts5 -o "$tmp/customer-room" ./cmd/customer-room
call=media/demo/files/panne-internet-resolue.wav   # 16 kHz mono, 14 s

# CPU seconds of a process so far: the scheduler's nanosecond run time of
# every thread (/proc/PID/stat counts in 10 ms ticks, too coarse for mpd).
cpu() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%.6f", s/1e9}'; }
# cpu_per_min PID SECONDS: CPU-s used over SECONDS of wall time, scaled to a minute.
cpu_over() { local a b; a=$(cpu "$1"); sleep "$2"; b=$(cpu "$1"); echo "$a $b $2" | awk '{printf "%.4f", ($2-$1)*60/$3}'; }

# Ours.
"$tmp/customer-room" serve --data "$tmp/data" --addr 127.0.0.1:18555 --audio null >"$tmp/cr.out" 2>"$tmp/cr.err" &
crpid=$!
for _ in $(seq 100); do curl -sf localhost:18555/api/health >/dev/null && break; sleep 0.1; done
sum=$(sha256sum "$call" | cut -d' ' -f1)
id=$(curl -s localhost:18555/api/recordings | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin) if r["sha256"]==sys.argv[1]][0])' "$sum")
idle_ours=$(cpu_over $crpid 3)
curl -s -XPOST -H 'content-type: application/json' -d "{\"recording_id\":$id}" localhost:18555/api/player/play >/dev/null
sleep 0.5
play_ours=$(cpu_over $crpid "$SECS")
kill $crpid; wait $crpid 2>/dev/null || true

# The peer: mpd with a null output.
mkdir -p "$tmp/music" "$tmp/mpd"
cp "$call" "$tmp/music/call.wav"
cat >"$tmp/mpd.conf" <<CONF
music_directory "$tmp/music"
db_file "$tmp/mpd/db"
state_file "$tmp/mpd/state"
pid_file "$tmp/mpd/pid"
bind_to_address "127.0.0.1"
port "6655"
audio_output {
  type "null"
  name "null"
}
CONF
mpd --no-daemon "$tmp/mpd.conf" 2>"$tmp/mpd.err" &
mpdpid=$!
for _ in $(seq 50); do mpc -q -p 6655 status >/dev/null 2>&1 && break; sleep 0.1; done
mpc -q -p 6655 update --wait
mpc -q -p 6655 add call.wav
idle_mpd=$(cpu_over $mpdpid 3)
mpc -q -p 6655 play
sleep 0.5
play_mpd=$(cpu_over $mpdpid "$SECS")
kill $mpdpid; wait $mpdpid 2>/dev/null || true

printf '%-52s %12s %12s\n' "player CPU, 16 kHz call on the null output" "customer-room" "mpd (peer)"
printf '%-52s %12s %12s\n' "CPU-s per minute while idle" "$idle_ours" "$idle_mpd"
printf '%-52s %12s %12s\n' "CPU-s per minute of audio played" "$play_ours" "$play_mpd"
awk -v o="$play_ours" -v i="$idle_ours" -v m="$play_mpd" -v j="$idle_mpd" 'BEGIN {
  printf "%-52s %11.2f%% %11.2f%%\n", "share of one core while playing (idle subtracted)", (o-i)/60*100, (m-j)/60*100
  if (m > 0) printf "%-52s %11.1fx\n", "CPU while playing against mpd (goal <= 3x)", o/m }'
