#!/usr/bin/env bash
# A workshop (issue #11): 60 phones, each on its own loopback address, vote
# at once on the same item; how long until every vote is counted and until
# the room's screen shows the full tally (median of 5 sessions).
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
out=$("$GO" test -tags sqlite_fts5 -run '^$' -bench '^BenchmarkWorkshopVotes$' -benchtime 5x ./cmd/customer-room 2>&1) || { echo "$out"; exit 1; }
line=$(grep '^BenchmarkWorkshopVotes' <<<"$out")
metric() { awk -v m="$1" '{for (i = 2; i <= NF; i++) if ($i == m) print $(i-1)}' <<<"$line"; }
printf '%-52s %10s %10s\n' "workshop, 60 phones voting at once" "value" "target"
printf '%-52s %7s ms %10s\n' "all 60 votes counted" "$(metric ms-all-60-counted)" "< 5000 ms"
printf '%-52s %7s ms %10s\n' "room's screen shows the 60-vote tally" "$(metric ms-to-room-screen)" "< 1000 ms"
