#!/usr/bin/env python3
"""Which sections people tell quietly: placed by position alone, yet there.

    python3 scripts/eval/quiet_sections.py REPORTS:ANSWERS...

Each argument pairs a folder of rehearse JSON reports, made with `drop_unheard = false` in
sections.toml's [decoder] (so a section placed by position alone stays in the report), with the
folder of the answer files they were made from. For every framework section the script counts
the answers that tell it (the answer file lists it) and how many of those rehearse placed by
position alone: no sentence of the section has a cue, its words or "sounds like" as evidence.
A section with `SHARE` (default 1 in 40) or more of such placements among the answers that tell
it, over at least `MIN_TOLD` (20) answers, is printed as `told_quietly`: rehearse keeps such a
placement (marked uncertain). For any other section a placement by position alone is more often
a section left out, and rehearse drops it and reports it missing (docs/measurements.md, "Stop 39").
The answers that leave a section out are counted too, for the record, but do not decide.
"""

import json
import os
import sys
from collections import Counter

SHARE = float(os.environ.get("SHARE", "0.025"))
MIN_TOLD = int(os.environ.get("MIN_TOLD", "20"))
BY_POSITION = "position in the answer"


def by_position(evidence):
    return all(e == BY_POSITION or e.startswith("continues ") for e in evidence)


def main(pairs):
    told, quiet, left, left_pos = Counter(), Counter(), Counter(), Counter()
    for pair in pairs:
        reports, answers = pair.split(":", 1)
        for f in sorted(os.listdir(reports)):
            if not f.endswith(".json"):
                continue
            rep = json.load(open(os.path.join(reports, f)))
            ans = json.load(open(os.path.join(answers, f)))
            fw = rep["framework"]
            there = {s["id"] for s in ans["sections"]}
            evidence = {}
            for s in rep["sentences"]:
                evidence.setdefault(s["section"], []).append(s["evidence"])
            for st in rep["section_timing"]:
                key = (fw, st["id"])
                pos = st["id"] in evidence and by_position(evidence[st["id"]])
                if st["id"] in there:
                    told[key] += 1
                    quiet[key] += pos
                else:
                    left[key] += 1
                    left_pos[key] += pos
    print(f"{'framework':16} {'section':18} {'told':>5} {'by position':>12} {'share':>6}"
          f" {'left out':>9} {'by position':>12}  verdict")
    for key in sorted(set(told) | set(left)):
        share = quiet[key] / told[key] if told[key] else 0.0
        verdict = ("told_quietly" if told[key] >= MIN_TOLD and share >= SHARE
                   else "too few" if told[key] < MIN_TOLD else "")
        print(f"{key[0]:16} {key[1]:18} {told[key]:5} {quiet[key]:12} {share:6.3f}"
              f" {left[key]:9} {left_pos[key]:12}  {verdict}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
