#!/usr/bin/env bash
# Fast word-timing check: the real monologue (score_real.py) and the flite dev set, clean and
# with a -55 dBFS noise floor (pauses_from_transcripts.py). Synthesizes the dev set on first use.
#   bash scripts/eval/timing-quick.sh [EXTRA rehearse transcribe ARGS]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=scripts/lib/shared.sh
. "$ROOT/scripts/lib/shared.sh"
need_shared timing-quick.sh eval/synth.py eval/dev eval/score_real.py real-speech
BIN=$ROOT/target/release/rehearse
WORK=$(mktemp -d /tmp/rehearse-timing.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
DEV=${REHEARSE_EVAL_DEV:-/tmp/rehearse-eval}
[ -f "$DEV/dev/d01.wav" ] || python3 "$SHARED/eval/synth.py" "$DEV/dev" "$SHARED"/eval/dev/*.json >/dev/null
[ -f "$DEV/dev-noise/d01.wav" ] || python3 "$SHARED/eval/synth.py" --noise-dbfs -55 "$DEV/dev-noise" "$SHARED"/eval/dev/*.json >/dev/null
mkdir -p "$WORK/truth" "$WORK/mono" "$WORK/dev" "$WORK/dev-noise"
cp "$SHARED/real-speech/acoustic_corpus.TextGrid" "$SHARED/real-speech/acoustic_corpus.lab" "$WORK/truth/"
"$BIN" transcribe -q "$@" --out-dir "$WORK/mono" "$SHARED/real-speech/acoustic_corpus.wav"
echo "monologue  $(python3 "$SHARED/eval/score_real.py" --truth "$WORK/truth" --transcripts "$WORK/mono" | tail -n1)"
for set in dev dev-noise; do
    "$BIN" transcribe -q "$@" --out-dir "$WORK/$set" "$DEV/$set"/*.wav
    echo "$set  $(python3 scripts/eval/pauses_from_transcripts.py --answers "$SHARED/eval/dev" \
        --truth "$DEV/$set" --transcripts "$WORK/$set")"
done
