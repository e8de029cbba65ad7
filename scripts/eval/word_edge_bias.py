#!/usr/bin/env python3
"""Signed word-edge error of transcripts against flite word times (flite_word_times.py output).

    python3 scripts/eval/word_edge_bias.py WORDS_DIR TRANSCRIPTS_DIR [--tokens TOK_DIR]

Per voice: mean signed and absolute error of word starts and ends, over words matched by the WER
alignment. With --tokens (dumps of raw tokens, {"t_dtw"} per token), also the raw DTW end of each
word's last token, restricted to words followed directly by speech (no pause after them), which
isolates DTW's own bias from energy snapping.
"""
import glob
import json
import os
import sys
from collections import defaultdict

from shared_eval import import_score_real

sr = import_score_real("word_edge_bias.py")


def main():
    wdir, tdir = sys.argv[1], sys.argv[2]
    stats = defaultdict(lambda: defaultdict(list))
    for wf in sorted(glob.glob(os.path.join(wdir, "*.words.json"))):
        name = os.path.basename(wf)[: -len(".words.json")]
        voice = name.rsplit("_", 1)[1]
        tf = os.path.join(tdir, name + ".json")
        if not os.path.exists(tf):
            continue
        ref = sr.timed_tokens(json.load(open(wf)))
        hyp = sr.timed_tokens(json.load(open(tf))["words"])
        _, pairs = sr.align([t for t, _, _ in ref], [t for t, _, _ in hyp])
        for i, j in pairs:
            for key in (voice, "all"):
                stats[key]["start"].append(hyp[j][1] - ref[i][1])
                stats[key]["end"].append(hyp[j][2] - ref[i][2])
    for key in sorted(stats):
        s = stats[key]
        row = " ".join(
            f"{k}: bias={sum(v) / len(v):+.3f} mae={sum(abs(x) for x in v) / len(v):.3f}"
            for k, v in s.items())
        print(f"{key:>4} n={len(s['start'])} {row}")


if __name__ == "__main__":
    main()
