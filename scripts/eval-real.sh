#!/usr/bin/env bash
# Scores rehearse's transcripts of real human speech (../shared/real-speech) with
# ../shared/eval/score_real.py: WER, filler recall, word start error, pause F1.
#
#   bash scripts/eval-real.sh [-- EXTRA rehearse transcribe ARGS]
#   e.g. bash scripts/eval-real.sh -- --no-prompt
#        bash scripts/eval-real.sh -- --timestamps token --no-snap
#
# Prints one summary line per set (the spontaneous monologue with its checked alignment, the 52
# disfluency clips, the phone call), then the same for `rehearse analyze` reports of those
# transcripts (words and pauses as the analysis reports them). Needs scripts/setup.sh --for-tests.
# REHEARSE_BIN=FILE scores another build of rehearse (a copy kept while you rebuild).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=scripts/lib/shared.sh
. "$ROOT/scripts/lib/shared.sh"
REAL=$SHARED/real-speech
SCORE=$SHARED/eval/score_real.py
BIN=${REHEARSE_BIN:-$ROOT/target/release/rehearse}
EXTRA=()
if [ "${1:-}" = "--" ]; then shift; EXTRA=("$@"); fi
[ -x "$BIN" ] || { echo "eval-real.sh: $BIN missing; run bash scripts/setup.sh" >&2; exit 1; }
need_shared eval-real.sh real-speech eval/score_real.py

WORK=$(mktemp -d /tmp/rehearse-eval-real.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/audio" "$WORK/truth" "$WORK/out/monologue" "$WORK/out/clips" "$WORK/out/phone"

# Truth: the TextGrid and .lab as they are, the clips' TSV, and the phone call's STM segments
# joined into one reference line (score_real.py scores a TSV line by count).
cp "$REAL/acoustic_corpus.TextGrid" "$REAL/acoustic_corpus.lab" "$WORK/truth/"
cp "$REAL/disfluency-clips/reference_transcripts.tsv" "$WORK/truth/clips.tsv"
python3 - "$REAL/phone-call.stm" > "$WORK/truth/phone.tsv" <<'PY'
import sys
words = []
for line in open(sys.argv[1], encoding="utf-8"):
    parts = line.split(None, 6)
    if len(parts) == 7 and not line.startswith(";;"):
        words.append(parts[6].strip())
print("phone-call.wav\t" + " ".join(words))
PY

for f in "$REAL"/disfluency-clips/*.flac; do
    sox "$f" -r 16000 -c 1 -b 16 "$WORK/audio/$(basename "${f%.flac}").wav"
done

"$BIN" transcribe --quiet "${EXTRA[@]}" --out-dir "$WORK/out/monologue" "$REAL/acoustic_corpus.wav"
"$BIN" transcribe --quiet "${EXTRA[@]}" --out-dir "$WORK/out/clips" "$WORK"/audio/*.wav
"$BIN" transcribe --quiet "${EXTRA[@]}" --out-dir "$WORK/out/phone" "$REAL/phone-call.wav"

summary() { python3 "$SCORE" --truth "$WORK/truth" --transcripts "$1" | tail -n1; }
echo "settings: ${EXTRA[*]:-(defaults)}"
echo "monologue  $(summary "$WORK/out/monologue")"
echo "clips      $(summary "$WORK/out/clips")"
echo "phone-call $(summary "$WORK/out/phone")"
# The analysis reports of the same transcripts (`rehearse analyze`, its `words` and `pauses`):
# pauses there are confirmed against the audio's energy, fillers come from the words.
for set in monologue clips phone; do
    mkdir -p "$WORK/reports/$set"
    for t in "$WORK/out/$set"/*.json; do
        "$BIN" --quiet analyze "$t" --format json --out "$WORK/reports/$set/$(basename "$t")" \
            || echo "eval-real.sh: analyze failed on $t" >&2
    done
done
echo "analysis reports:"
echo "monologue  $(summary "$WORK/reports/monologue")"
echo "clips      $(summary "$WORK/reports/clips")"
echo "phone-call $(summary "$WORK/reports/phone")"
if [ -n "${EVAL_REAL_VERBOSE:-}" ]; then
    python3 "$SCORE" --truth "$WORK/truth" --transcripts "$WORK/out/monologue"
fi
