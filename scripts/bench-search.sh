#!/usr/bin/env bash
# The search benchmark: scripts/bench.sh --search (see there, and the
# "Search (issue 20)" section of docs/BENCHMARKS.md).
exec "$(dirname "${BASH_SOURCE[0]}")/bench.sh" --search "$@"
