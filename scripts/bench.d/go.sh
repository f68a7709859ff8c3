#!/usr/bin/env bash
# The Go benchmarks (go test -bench): decoders and analysis (media/audio),
# verbatim import (media/ingest), the PII detector (labelled-set recall per
# kind and precision, lines/s), rendering a one-hour rendition (media/redact),
# the player (time to first sound, seeks in 1-hour MP3 and Opus files, CPU
# per minute of 8 kHz audio, the resampler and its vector kernels). Custom metrics such as x-realtime, ms,
# recall_* and cpu_s/audio_min are printed beside ns/op.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
$GO test -tags sqlite_fts5 -run '^$' -bench . -benchmem=false ./media/audio/ ./media/ingest/ ./media/pii/ ./media/redact/ ./player/ ./player/internal/polyphase/ 2>&1 |
  grep -E '^(Benchmark|ok|FAIL|---|panic)' |
  sed -E 's/-[0-9]+ +/ /; s/ +/ /g'
