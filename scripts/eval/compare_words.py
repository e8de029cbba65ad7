#!/usr/bin/env python3
"""Prints a transcript's words beside the reference alignment (TextGrid), word by word.

    python3 scripts/eval/compare_words.py TRUTH.TextGrid TRANSCRIPT.json [MORE.json...]

For diagnosing word timing: each matched word shows the reference start/end and, per transcript,
its start/end and the start error. Imports score_real.py from the shared evaluation folder
(scripts/eval/shared_eval.py says where) for its tokenizer and alignment.
"""
import json
import sys

from shared_eval import import_score_real

sr = import_score_real("compare_words.py")


def main():
    tg, files = sys.argv[1], sys.argv[2:]
    ref = [(t, s, e) for text, s, e in sr.read_textgrid(tg) for t in sr.norm_tokens(text)]
    hyps = [sr.timed_tokens(json.load(open(f))["words"]) for f in files]
    maps = []
    for hyp in hyps:
        _, pairs = sr.align([t for t, _, _ in ref], [t for t, _, _ in hyp])
        maps.append(dict(pairs))
    for i, (t, s, e) in enumerate(ref):
        row = f"{t:>10} {s:6.2f} {e:6.2f} |"
        for hyp, m in zip(hyps, maps):
            j = m.get(i)
            if j is None:
                row += "      -      -       |"
            else:
                row += f" {hyp[j][1]:6.2f} {hyp[j][2]:6.2f} {hyp[j][1]-s:+5.2f} |"
        print(row)


if __name__ == "__main__":
    main()
