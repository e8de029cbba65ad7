#!/usr/bin/env bash
# Analysis speed (no transcription), two ways:
#   1. wall time: `cargo bench --bench analyze` (medians for a 2-minute and a 1-hour answer);
#   2. instruction counts under valgrind's callgrind, which do not change with machine load:
#      one analysis of each length, and their ratio (linear growth: about the length ratio, 30x).
# Needs valgrind (apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench analyze
BIN=$(ls -t target/release/deps/analyze-* 2>/dev/null | grep -v '\.d$' | head -n1)
[ -x "$BIN" ] || { echo "bench-analyze.sh: bench binary not found" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "bench-analyze.sh: valgrind missing (apt-get install valgrind)" >&2; exit 1; }
count() {
    local out; out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" once "$@" >/dev/null 2>&1
    local n; n=$(grep -m1 '^summary:' "$out" | awk '{print $2}'); rm -f "$out"; echo "$n"
}
# Both counts include the same start-up (parsing the embedded data, building the input words),
# which makes the 2-minute figure an upper bound.
short=$(count short); long=$(count long)
echo "callgrind: 2-minute answer ${short} instructions, 1-hour answer ${long} instructions, ratio $(python3 -c "print(round($long/$short,1))")x"
