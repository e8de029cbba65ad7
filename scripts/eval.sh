#!/usr/bin/env bash
# Scores `rehearse analyze` on spoken answers with known structure (../shared/eval):
# synthesizes each answer with synth.py (flite), runs
#   rehearse analyze WAV --format json --framework <the answer's framework> --out REPORT
# and prints score.py's table and summary (sections, boundary_s, pause_f1, filler_recall,
# signals, wer).
#
#   bash scripts/eval.sh                                   # the dev set, ../shared/eval/dev
#   bash scripts/eval.sh --answers tests/eval/answers      # our own answers
#   bash scripts/eval.sh --noise-dbfs -55                  # with a white-noise floor
#   bash scripts/eval.sh --json                            # score.py's summary as JSON
#   bash scripts/eval.sh --faster-whisper                  # also faster-whisper's WER (int8,
#                                                          # same tiny.en weights, greedy)
#   bash scripts/eval.sh -- --model models/ggml-base.en.bin  # extra `rehearse analyze` args
#
# Work files go to target/eval/<set>[-noise<N>]/ (audio, truth, reports); synth.py skips answers
# that are up to date. Needs scripts/setup.sh --for-tests (flite, sox, the model).
# REHEARSE_BIN=FILE scores another build of rehearse (a copy kept while you rebuild).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=scripts/lib/shared.sh
. "$ROOT/scripts/lib/shared.sh"
ANSWERS=$SHARED/eval/dev
NOISE=
JSON=
FW=
EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --answers) ANSWERS=$2; shift 2 ;;
        --noise-dbfs) NOISE=$2; shift 2 ;;
        --json) JSON=--json; shift ;;
        --faster-whisper) FW=1; shift ;;
        --) shift; EXTRA=("$@"); break ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "eval.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
BIN=${REHEARSE_BIN:-$ROOT/target/release/rehearse}
[ -x "$BIN" ] || { echo "eval.sh: $BIN missing; run bash scripts/setup.sh" >&2; exit 1; }
need_shared eval.sh eval/synth.py eval/score.py
[ -d "$ANSWERS" ] || { echo "eval.sh: $ANSWERS: no such folder of answer files" >&2; exit 2; }
SET=$(basename "$ANSWERS")
WORK=$ROOT/target/eval/$SET${NOISE:+-noise$NOISE}
mkdir -p "$WORK/audio" "$WORK/reports"
rm -f "$WORK"/reports/*.json
python3 "$SHARED/eval/synth.py" ${NOISE:+--noise-dbfs "$NOISE"} "$WORK/audio" "$ANSWERS"/*.json >&2
for answer in "$ANSWERS"/*.json; do
    name=$(basename "$answer" .json)
    framework=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["framework"])' "$answer")
    echo "eval: $name ($framework)" >&2
    "$BIN" --quiet analyze "$WORK/audio/$name.wav" --format json --framework "$framework" \
        --out "$WORK/reports/$name.json" "${EXTRA[@]}"
done
python3 "$SHARED/eval/score.py" --answers "$ANSWERS" --truth "$WORK/audio" --reports "$WORK/reports" $JSON
if [ -n "$FW" ]; then
    # The peer a user would pick instead, on the same audio: faster-whisper int8 on the same
    # tiny.en weights (the venv and model come from scripts/bench-transcribe.sh's setup).
    VENV=${BENCH_VENV:-$ROOT/target/bench-venv}
    [ -x "$VENV/bin/python" ] || bash scripts/bench-transcribe.sh --tools fw-int8 --runs 1 --warmup 0 >/dev/null
    CT2=${XDG_CACHE_HOME:-$HOME/.cache}/rehearse/ct2/tiny.en
    rm -rf "$WORK/fw-reports"
    "$VENV/bin/python" scripts/eval/fw_reports.py "$CT2" "$WORK/audio" "$WORK/fw-reports" --threads "$(nproc)"
    echo "faster-whisper (int8, greedy, tiny.en), WER only:"
    python3 "$SHARED/eval/score.py" --answers "$ANSWERS" --truth "$WORK/audio" --reports "$WORK/fw-reports" | tail -n1 | tr ' ' '\n' | grep '^wer='
fi
