#!/usr/bin/env bash
# The processing log benchmark: scripts/bench.sh --processing (see there, and
# the "Processing log (issue 19)" section of docs/BENCHMARKS.md).
exec "$(dirname "${BASH_SOURCE[0]}")/bench.sh" --processing "$@"
