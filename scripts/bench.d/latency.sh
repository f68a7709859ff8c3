#!/usr/bin/env bash
# Tap-to-sound at the speaker under load: the real program plays a demo call
# through ALSA's file plugin into a FIFO read by a model sound card (20 ms of
# buffer, real-time pace) while two CPU-bound processes run beside it. It
# prints the time from a play/resume request to the first sound the card
# plays and from a pause to the last, where position_ms stands against the
# card's position, and the dropouts (card underruns, silences slipped into
# the call). The measurement is BenchmarkALSATapToSoundUnderLoad in
# cmd/customer-room/alsa_e2e_test.go, a benchmark run once.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
CR_BENCH_HOGS=${HOGS:-2} $GO test -count=1 -tags sqlite_fts5 -run '^$' -bench '^BenchmarkALSATapToSoundUnderLoad$' -benchtime 1x ./cmd/customer-room/ 2>/dev/null |
  grep -E '^(tap-to-sound|pause-to-silence|position_ms|dropouts)'
