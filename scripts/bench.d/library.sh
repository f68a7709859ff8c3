#!/usr/bin/env bash
# A large library (issue #10's scale targets): 10,000 recordings and a CSV
# of 100,000 verbatims over four years, generated with a fixed seed by
# scripts/libbench; prints the verbatim import time, search and listing
# latency for a curator over HTTP (p50/p95), and the server's RSS.
# RECORDINGS= and VERBATIMS= make it smaller for a quick look.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
work=${TMPDIR:-/tmp}/customer-room-bench
mkdir -p "$work"
"$GO" build -tags sqlite_fts5 -o "$work/customer-room" ./cmd/customer-room
"$GO" run -tags sqlite_fts5 ./scripts/libbench -bin "$work/customer-room" -work "$work/library" \
  -recordings "${RECORDINGS:-10000}" -verbatims "${VERBATIMS:-100000}"
