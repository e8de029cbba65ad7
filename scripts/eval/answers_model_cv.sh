#!/bin/bash
# Probe (stop 27, not kept): a second naive Bayes model trained on our own answers' sentences,
# blended into "sounds like" (REHEARSE_ANSWERS_MODEL, REHEARSE_AM_W, REHEARSE_AM_LEN; this commit
# only). Five folds over e01-e147 by number mod 5: each fold is scored on reference transcripts
# with a model trained on the other four, and the folds are pooled.
#   bash scripts/eval/answers_model_cv.sh W LEN TAG     # W=0: without the second model
set -euo pipefail
cd "$(dirname "$0")/../.."
W=$1; L=$2; TAG=$3; T=${AM_DIR:-target/am}; mkdir -p "$T"
for k in 0 1 2 3 4; do
  train=(); names=()
  for i in $(seq 1 147); do n=e$(printf %02d "$i"); if [ $((i % 5)) -eq "$k" ]; then names+=("$n"); else train+=("tests/eval/answers/$n.json"); fi; done
  python3 scripts/eval/answers_model_make.py "$T/fold$k.toml" "${train[@]}"
  if [ "$W" = 0 ]; then
    bash scripts/eval/ref_eval.sh tests/eval/answers "$T/out$k" "${names[@]}" >/dev/null
  else
    REHEARSE_ANSWERS_MODEL="$T/fold$k.toml" REHEARSE_AM_W=$W REHEARSE_AM_LEN=$L bash scripts/eval/ref_eval.sh tests/eval/answers "$T/out$k" "${names[@]}" >/dev/null
  fi
  cp "$T/out$k/score.json" "$T/score-$TAG-$k.json"
done
python3 scripts/eval/summary.py "$T"/score-"$TAG"-{0,1,2,3,4}.json --name "$TAG"
