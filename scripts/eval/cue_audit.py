#!/usr/bin/env python3
"""How often each cue phrase of data/frameworks.toml points at the right section, on answers
with known sections.

    python3 scripts/eval/cue_audit.py [--min N] [--below P] ANSWER.json ...

Every answer's section texts are split into sentences at . ? ! and read as `rehearse analyze`
reads cue phrases (lowercase words, commas as their own token). For each cue of the answer's
framework that a sentence holds, the sentence counts as a match, and as right when its true
section is the cue's. Prints, per framework section, the cues matched at least N times (default
5) whose share right is below P (default 0.3), worst first, and the totals. Fitting data only:
pass answers from the tune part and our own answers, never the held part.
"""
import json
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cue_text(sentence):
    out = []
    for w in sentence.split():
        lower = w.lower().replace("\u2019", "'")
        core = "".join(c if (c.isalnum() or c in "'-") else " " for c in lower)
        out.extend(core.split())
        if lower.rstrip().endswith(","):
            out.append(",")
    return " " + " ".join(out) + " "


def pattern(cue):
    return " " + " ".join(cue.replace(",", " , ").split()) + " "


def main():
    args = sys.argv[1:]
    min_n, below = 5, 0.3
    while args and args[0].startswith("--"):
        if args[0] == "--min":
            min_n = int(args[1])
        elif args[0] == "--below":
            below = float(args[1])
        else:
            sys.exit(f"cue_audit.py: unknown option {args[0]}")
        args = args[2:]
    fws = tomllib.loads((ROOT / "data/frameworks.toml").read_text())["framework"]
    cues = {f["id"]: [(s["id"], s.get("cues", [])) for s in f["section"]] for f in fws}
    match = defaultdict(int)
    right = defaultdict(int)
    for path in args:
        a = json.loads(Path(path).read_text())
        fw = a["framework"]
        for sec in a["sections"]:
            for sent in re.split(r"(?<=[.!?])\s+", sec["text"].strip()):
                text = cue_text(sent)
                for sid, cs in cues[fw]:
                    for c in cs:
                        if pattern(c) in text:
                            match[(fw, sid, c)] += 1
                            right[(fw, sid, c)] += sec["id"] == sid
    bad = [
        (right[k] / match[k], k, match[k])
        for k in match
        if match[k] >= min_n and right[k] / match[k] < below
    ]
    for share, (fw, sid, c), n in sorted(bad):
        print(f"{fw:15} {sid:18} {c!r:28} right {right[(fw, sid, c)]}/{n} ({share:.2f})")
    print(f"{len(bad)} cues below {below} of {len(match)} matched, over {len(args)} answers")


if __name__ == "__main__":
    main()
