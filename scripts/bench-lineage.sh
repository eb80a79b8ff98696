#!/usr/bin/env bash
# The lineage benchmark: scripts/bench.sh --lineage (see there, and the
# "Lineage traversal" section of docs/BENCHMARKS.md).
exec "$(dirname "${BASH_SOURCE[0]}")/bench.sh" --lineage "$@"
