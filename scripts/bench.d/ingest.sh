#!/usr/bin/env bash
# Ingest benchmarks (issue #3), printed as one table:
#  1. `customer-room analyze` on long-call.wav timed against
#     `ffmpeg -af ebur128=peak=true` on the same file in the same run
#     (hyperfine when installed, else a loop); target ratio <= 1.0.
#  2. Peak RSS of analyze on a one-hour call (long-call.wav repeated with
#     sox, made once in a temp folder); target < 50 MB.
#  3. Import throughput of 10,000 verbatims (BenchmarkImportVerbatims).
# Needs go, ffmpeg, sox, /usr/bin/time. CORPUS= overrides the corpus folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${CORPUS:-../shared/corpus/samples}
long=$corpus/calls/extra/long-call.wav
[ -f "$long" ] || { echo "ingest bench: $long not found (set CORPUS=)" >&2; exit 1; }
runs=${RUNS:-5}
work=${TMPDIR:-/tmp}/customer-room-bench
mkdir -p "$work"
bin=$work/customer-room
go build -tags sqlite_fts5 -o "$bin" ./cmd/customer-room

ffm=(ffmpeg -hide_banner -nostats -i "$long" -af ebur128=peak=true -f null -)
ana=("$bin" analyze "$long")

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/h.json" \
    -n analyze "${ana[*]}" -n ffmpeg "${ffm[*]}" >/dev/null 2>&1
  read -r t_ana t_ffm < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[0]["mean"], r[1]["mean"])' "$work/h.json")
  how="hyperfine, mean of $runs"
else
  # median of $runs wall-clock runs each, interleaved so load hits both alike
  t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
  "${ana[@]}" >/dev/null; "${ffm[@]}" >/dev/null 2>&1
  a=(); f=()
  for _ in $(seq "$runs"); do a+=("$(t "${ana[@]}")"); f+=("$(t "${ffm[@]}")"); done
  med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]/1e6}'; }
  t_ana=$(med "${a[@]}"); t_ffm=$(med "${f[@]}")
  how="loop, median of $runs"
fi
ratio=$(awk -v a="$t_ana" -v f="$t_ffm" 'BEGIN{printf "%.2f", a/f}')

hour=$work/hour-call.wav
if [ ! -f "$hour" ]; then
  sox "$long" "$hour" repeat 29   # 30 x 121.6 s = 60.8 min
fi
hour_min=$(soxi -D "$hour" | awk '{printf "%.1f", $1/60}')
rss_kb=$( { /usr/bin/time -v "$bin" analyze "$hour" >/dev/null; } 2>&1 | awk -F: '/Maximum resident set size/{gsub(/ /,"",$2); print $2}')
rss_mb=$(awk -v k="$rss_kb" 'BEGIN{printf "%.1f", k/1024}')
t_hour=$( { /usr/bin/time -f %e "$bin" analyze "$hour" >/dev/null; } 2>&1 | tail -1)

vps=$(go test -tags sqlite_fts5 -run '^$' -bench '^BenchmarkImportVerbatims$' -benchtime 3x ./media/ingest/ | awk '/verbatims\/s/{for(i=1;i<=NF;i++) if($(i)=="verbatims/s") print $(i-1)}')

ok() { awk -v v="$1" -v m="$2" 'BEGIN{print (v<=m) ? "ok" : "OVER"}'; }
printf '\n%-44s %14s %10s %s\n' "ingest benchmark" "value" "target" ""
printf '%-44s %13.3fs %10s\n' "analyze long-call.wav (121.6 s) [$how]" "$t_ana" ""
printf '%-44s %13.3fs %10s\n' "ffmpeg ebur128=peak=true, same file" "$t_ffm" ""
printf '%-44s %14s %10s %s\n' "ratio analyze / ffmpeg" "$ratio" "<= 1.0" "$(ok "$ratio" 1.0)"
printf '%-44s %11s MB %10s %s\n' "peak RSS, analyze ${hour_min}-min call" "$rss_mb" "< 50 MB" "$(ok "$rss_mb" 50)"
printf '%-44s %13ss %10s\n' "analyze ${hour_min}-min call, wall time" "$t_hour" ""
printf '%-44s %10s /s %10s\n' "import 10,000 verbatims (CSV, one tx)" "$(printf '%.0f' "$vps")" ""
