#!/usr/bin/env bash
# The player's CPU on the ALSA path, idle and playing, against mpd on the same
# model card (ALSA's file plugin into a FIFO drained at real-time pace): the
# sound device's rest while nothing plays, and the cost of oto's ALSA thread
# while a call plays. The measurement is BenchmarkALSAPlayerCPU in
# cmd/customer-room/alsa_cpu_test.go, a benchmark run once.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
$GO test -count=1 -tags sqlite_fts5 -run '^$' -bench '^BenchmarkALSAPlayerCPU$' -benchtime 1x ./cmd/customer-room/ 2>/dev/null |
  grep -E '^(player CPU|idle|playing|ours against)'
