#!/usr/bin/env bash
# The hardening issue's load runs on the real program: 100 event streams and
# two request floods while calls arrive in the inbox (latency p50/p99, errors),
# then SIGKILLs at random moments of imports (nothing lost or duplicated).
# DURATION=, STREAMS=, KILLS= make it shorter for a quick look.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
work=${TMPDIR:-/tmp}/customer-room-loadbench
mkdir -p "$work"
"$GO" build -tags sqlite_fts5 -o "$work/customer-room" ./cmd/customer-room
"$GO" run -tags sqlite_fts5 ./scripts/loadbench -bin "$work/customer-room" -work "$work/run" \
  -duration "${DURATION:-20s}" -streams "${STREAMS:-100}" -kills "${KILLS:-30}"
