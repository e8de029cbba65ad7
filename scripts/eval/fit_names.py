#!/usr/bin/env python3
"""Prints the answers the context model may be fitted on, one name per line.

    python3 scripts/eval/fit_names.py FIRST LAST JUDGE_FIRST JUDGE_LAST > NAMES

Candidates: eFIRST-eLAST and t01-t80 from tests/eval/answers, and the tuning part of the dev split
(scripts/eval/split.json). Left out: an e/t answer that shares any six-word run with a dev held
answer, and any answer that shares four or more six-word runs with one answer of the judging
range eJUDGE_FIRST-eJUDGE_LAST (tests/eval/answers). A shared six-word run is rare between answers
written apart; where one is shared, the fit would have seen a piece of the text it is judged on.
Stop 44 (docs/measurements.md): `fit_names.py 1 2025 2026 2225`. Standard library only.
"""

import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORD = re.compile(r"[a-z0-9']+")


def name(i):
    return "e%02d" % i


def path(n):
    if n.startswith("d"):
        shared = os.environ.get("REHEARSE_SHARED", os.path.join(ROOT, "..", "shared"))
        return os.path.join(shared, "eval", "dev", n + ".json")
    return os.path.join(ROOT, "tests", "eval", "answers", n + ".json")


def runs(n):
    with open(path(n)) as f:
        a = json.load(f)
    w = WORD.findall(" ".join(s["text"] for s in a["sections"]).lower().replace("\u2019", "'"))
    return {tuple(w[i:i + 6]) for i in range(len(w) - 5)}


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip())
    first, last, jfirst, jlast = (int(x) for x in sys.argv[1:])
    with open(os.path.join(ROOT, "scripts", "eval", "split.json")) as f:
        split = json.load(f)
    held = set()
    for d in split["held"]:
        held |= runs(d)
    judges = [runs(name(i)) for i in range(jfirst, jlast + 1)]
    names = ([name(i) for i in range(first, last + 1)]
             + ["t%02d" % i for i in range(1, 81)] + split["tune"])
    kept = 0
    for n in names:
        r = runs(n)
        if not n.startswith("d") and r & held:
            continue
        if any(len(r & j) >= 4 for j in judges):
            continue
        print(n)
        kept += 1
    print(f"fit_names: {kept} of {len(names)} kept", file=sys.stderr)


if __name__ == "__main__":
    main()
