#!/usr/bin/env bash
# The room's screen: page load to first contentful paint on loopback (median
# of 20 loads, cache off, headless Chromium) and the bytes it transfers.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=$(command -v go || echo /usr/local/go/bin/go)
out=$("$GO" test -tags sqlite_fts5 -run '^$' -bench '^BenchmarkKioskPageLoad$' -benchtime 20x ./cmd/customer-room 2>&1) || { echo "$out"; exit 1; }
line=$(grep '^BenchmarkKioskPageLoad' <<<"$out")
metric() { awk -v m="$1" '{for (i = 2; i <= NF; i++) if ($i == m) print $(i-1)}' <<<"$line"; }
printf '%-40s %12s\n' "kiosk screen (loopback, cache off)" "value"
printf '%-40s %10s ms\n' "first contentful paint, median of 20" "$(metric fcp-median-ms)"
printf '%-40s %10s ms\n' "room's screen shown, median of 20" "$(metric screen-median-ms)"
printf '%-40s %10s B\n' "transferred (HTML+CSS+JS+API)" "$(metric transfer-bytes)"
printf '%-40s %10s B\n' "bodies" "$(metric body-bytes)"
printf '%-40s %12s\n' "requests" "$(metric requests)"
js=$(cat static/kiosk/*.js static/kiosk/*.css static/shared/*.css static/shared/*.js | wc -c)
printf '%-40s %10s B\n' "JS+CSS on disk (budget 100 KB)" "$js"
