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
#   bash scripts/eval.sh --reuse-transcripts               # transcribe each WAV once, then
#                                                          # analyze the saved transcripts
#   bash scripts/eval.sh --split FILE                      # tune/held parts (default for the
#                                                          # dev set: scripts/eval/split.json)
#
# After score.py's table, scripts/eval/summary.py prints sections, boundary error, signals found,
# false signals per answer, precision, missing sections reported, filler recall and WER, overall
# and per framework, for the whole set and for each part of the split.
#
# --reuse-transcripts keeps `rehearse transcribe` output in target/eval/<set>/transcripts/ and
# reuses a transcript while it is newer than its WAV and was made with the same extra args (which
# then go to `transcribe`, not `analyze`). The analysis of rehearse's transcript JSON reads the
# audio it names, so pauses are checked against the audio as on the WAV path. Delete that folder
# after changing transcription.
#
# Work files go to target/eval/<set>[-noise<N>]/ (audio, truth, reports); synth.py skips answers
# that are up to date. REHEARSE_BIN picks another build of rehearse. Needs scripts/setup.sh
# --for-tests (flite, sox, the model).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=scripts/lib/shared.sh
. "$ROOT/scripts/lib/shared.sh"
ANSWERS=$SHARED/eval/dev
NOISE=
JSON=
FW=
REUSE=
SPLIT=
EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --answers) ANSWERS=$2; shift 2 ;;
        --noise-dbfs) NOISE=$2; shift 2 ;;
        --json) JSON=--json; shift ;;
        --faster-whisper) FW=1; shift ;;
        --reuse-transcripts) REUSE=1; shift ;;
        --split) SPLIT=$2; shift 2 ;;
        --) shift; EXTRA=("$@"); break ;;
        -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
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
[ -z "$SPLIT" ] && [ "$(cd "$ANSWERS" && pwd -P)" = "$(cd "$SHARED/eval/dev" && pwd -P)" ] \
    && SPLIT=$ROOT/scripts/eval/split.json
[ -z "$SPLIT" ] || [ -f "$SPLIT" ] || { echo "eval.sh: $SPLIT: no such split file" >&2; exit 2; }
[ -n "$REUSE" ] && mkdir -p "$WORK/transcripts"
for answer in "$ANSWERS"/*.json; do
    name=$(basename "$answer" .json)
    framework=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["framework"])' "$answer")
    echo "eval: $name ($framework)" >&2
    if [ -n "$REUSE" ]; then
        tr=$WORK/transcripts/$name.json
        args="${EXTRA[*]:-}"
        if ! [ "$tr" -nt "$WORK/audio/$name.wav" ] || [ "$(cat "$tr.args" 2>/dev/null)" != "$args" ]; then
            rm -f "$tr" "$tr.args"
            "$BIN" --quiet transcribe "$WORK/audio/$name.wav" --format json --out "$tr.part" "${EXTRA[@]}"
            mv "$tr.part" "$tr"
            printf '%s' "$args" > "$tr.args"
        fi
        "$BIN" --quiet analyze "$tr" --format json --framework "$framework" \
            --out "$WORK/reports/$name.json"
    else
        "$BIN" --quiet analyze "$WORK/audio/$name.wav" --format json --framework "$framework" \
            --out "$WORK/reports/$name.json" "${EXTRA[@]}"
    fi
done
python3 "$SHARED/eval/score.py" --answers "$ANSWERS" --truth "$WORK/audio" --reports "$WORK/reports" --json \
    > "$WORK/score.json"
if [ -n "$JSON" ]; then
    cat "$WORK/score.json"
else
    python3 "$SHARED/eval/score.py" --answers "$ANSWERS" --truth "$WORK/audio" --reports "$WORK/reports"
    echo
    python3 scripts/eval/summary.py "$WORK/score.json" --name "$SET" ${SPLIT:+--split "$SPLIT"}
fi
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
