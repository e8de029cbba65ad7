#!/usr/bin/env bash
# Answers whose stored Whisper transcripts hold a non-speech annotation ("[Music]",
# "[BLANK_AUDIO]") among their words, transcribed again by this build and scored both ways
# (docs/measurements.md, "Stop 39").
#
#   bash scripts/eval/annotations.sh OUT
#
# It looks through target/eval/*/transcripts (made by scripts/eval.sh and probe_sets.sh with an
# earlier build), counts the distinct answers and those with an annotation over a second or
# more, transcribes each of the latter's WAV (target/eval/SET/audio) with REHEARSE_BIN (default
# target/release/rehearse), analyzes both transcripts of each with that same build, and
# scores both with $SHARED/eval/score.py against tests/eval/answers. OUT gets answers/, truth/,
# old/, new/ and the two score tables.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: annotations.sh OUT}
bin=${REHEARSE_BIN:-$root/target/release/rehearse}
shared=${REHEARSE_SHARED:-$root/../shared}
[ -f "$shared/eval/score.py" ] || { echo "annotations.sh: $shared/eval/score.py missing (set REHEARSE_SHARED)" >&2; exit 1; }
mkdir -p "$out"/{answers,truth,old,new,transcripts}
python3 - "$root" "$out" <<'PY'
import glob, json, os, sys
root, out = sys.argv[1:3]
names, hits = set(), {}
for f in sorted(glob.glob(f"{root}/target/eval/*/transcripts/*.json")):
    n = os.path.basename(f)[:-5]
    names.add(n)
    wav = os.path.join(os.path.dirname(os.path.dirname(f)), "audio", n + ".wav")
    if n in hits or not os.path.exists(f"{root}/tests/eval/answers/{n}.json") or not os.path.exists(wav):
        continue
    words = json.load(open(f)).get("words", [])
    if any(w["text"].endswith("]") and w["end_s"] - w["start_s"] >= 1.0 for w in words):
        hits[n] = f
print(f"{len(names)} answers transcribed, {len(hits)} with an annotation of 1 s or more")
with open(f"{out}/list.txt", "w") as fh:
    for n, f in sorted(hits.items()):
        fh.write(f"{n} {f}\n")
PY
while read -r name transcript; do
  set_dir=$(dirname "$(dirname "$transcript")")
  fw=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['framework'])" "$root/tests/eval/answers/$name.json")
  cp "$root/tests/eval/answers/$name.json" "$out/answers/"
  cp "$set_dir/audio/$name.truth.json" "$out/truth/"
  "$bin" transcribe --quiet --threads 2 --model "$root/models/ggml-tiny.en.bin" "$set_dir/audio/$name.wav" \
    --out "$out/transcripts/$name.json"
  "$bin" --quiet analyze "$transcript" --framework "$fw" --format json --out "$out/old/$name.json"
  "$bin" --quiet analyze "$out/transcripts/$name.json" --framework "$fw" --format json --out "$out/new/$name.json"
done < "$out/list.txt"
for v in old new; do
  echo "== $v transcripts"
  python3 "$shared/eval/score.py" --answers "$out/answers" --truth "$out/truth" --reports "$out/$v" | tee "$out/$v.txt"
done
