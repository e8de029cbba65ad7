#!/usr/bin/env bash
# Scores rehearse's section labelling and signals on *reference* transcripts (the known words
# spread over the known section times) of a folder of answers, so the figures measure the
# analysis alone, with no Whisper run (WER and fillers do not apply).
#
#   bash scripts/eval/ref_eval.sh ANSWERS_DIR OUT_DIR [NAME...]   (default: every *.json)
#
# Synthesizes the answers with $SHARED/eval/synth.py where their truth files are missing (flite,
# no Whisper), writes OUT_DIR/tr (transcripts), OUT_DIR/reports, OUT_DIR/score.json, and prints
# scripts/eval/summary.py's table. REHEARSE_BIN picks the build (default target/release/rehearse).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${REHEARSE_SHARED:-$root/../shared}
[ -d "$SHARED/eval" ] || SHARED=/work/shared
answers=$1; out=$2; shift 2
bin=${REHEARSE_BIN:-$root/target/release/rehearse}
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$answers"/*.json; do names+=("$(basename "$f" .json)"); done
fi
audio="$out/audio"; mkdir -p "$audio" "$out/tr" "$out/truth" "$out/sel"
rm -rf "$out/reports"; mkdir -p "$out/reports"; rm -f "$out"/sel/*.json "$out"/truth/*.json
files=()
for n in "${names[@]}"; do
  [ -f "$audio/$n.truth.json" ] && [ "$audio/$n.truth.json" -nt "$answers/$n.json" ] || python3 "$SHARED/eval/synth.py" "$audio" "$answers/$n.json" >/dev/null
  files+=("$answers/$n.json"); ln -sf "$(cd "$answers" && pwd)/$n.json" "$out/sel/$n.json"
  cp "$audio/$n.truth.json" "$out/truth/"
done
python3 "$root/scripts/eval/reference_transcripts.py" dev "$out/tr" "$audio" "${files[@]}" >/dev/null
for n in "${names[@]}"; do
  fw=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["framework"])' "$answers/$n.json")
  "$bin" --quiet analyze "$out/tr/$n.json" --format json --framework "$fw" --out "$out/reports/$n.json"
done
python3 "$SHARED/eval/score.py" --answers "$out/sel" --truth "$out/truth" --reports "$out/reports" --json > "$out/score.json"
python3 "$root/scripts/eval/summary.py" "$out/score.json" ${SPLIT:+--split "$SPLIT"}
