#!/usr/bin/env python3
"""Builds a tuning pool for tune.py from the dev tune part and our own answers (stop 26).

    python3 scripts/eval/make_pool.py REF_OUT NAME...

REF_OUT is a folder written by `scripts/eval/ref_eval.sh tests/eval/answers REF_OUT NAME...`
(reference transcripts of our answers); the dev tune part's Whisper transcripts come from
target/eval/dev (`scripts/eval.sh --reuse-transcripts`). Writes target/eval/pool/{transcripts,
audio,answers,split.json} with one part, `pool`, so that

    python3 scripts/eval/tune.py --set pool --answers target/eval/pool/answers \
        --split target/eval/pool/split.json --part pool

fits the decoder's weights on both at once. Standard library only.
"""
import json
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("REHEARSE_SHARED", os.path.join(ROOT, "..", "shared"))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ref, ours = sys.argv[1], sys.argv[2:]
    pool = os.path.join(ROOT, "target", "eval", "pool")
    dev = os.path.join(ROOT, "target", "eval", "dev")
    shutil.rmtree(pool, ignore_errors=True)
    for d in ("transcripts", "audio", "answers"):
        os.makedirs(os.path.join(pool, d))
    with open(os.path.join(ROOT, "scripts", "eval", "split.json"), encoding="utf-8") as f:
        tune = json.load(f)["tune"]
    places = [(n, os.path.join(dev, "transcripts"), os.path.join(dev, "audio"),
               os.path.join(SHARED, "eval", "dev")) for n in tune]
    places += [(n, os.path.join(ref, "tr"), os.path.join(ref, "truth"),
                os.path.join(ROOT, "tests", "eval", "answers")) for n in ours]
    for n, tr, truth, answers in places:
        shutil.copy(os.path.join(tr, n + ".json"), os.path.join(pool, "transcripts"))
        shutil.copy(os.path.join(truth, n + ".truth.json"), os.path.join(pool, "audio"))
        os.symlink(os.path.abspath(os.path.join(answers, n + ".json")),
                   os.path.join(pool, "answers", n + ".json"))
    with open(os.path.join(pool, "split.json"), "w", encoding="utf-8") as f:
        json.dump({"pool": [p[0] for p in places]}, f)
    print("%s: %d answers (%d dev tune, %d ours)" % (pool, len(places), len(tune), len(ours)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
