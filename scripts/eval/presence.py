#!/usr/bin/env python3
"""How sure the decoder is that a section it left out is really missing (stop 26, not kept).

    REHEARSE_DEBUG_PRESENCE=1 is read only by a build of 9159add (the probe); main does not print it.
    python3 scripts/eval/presence.py BIN TAG:TRANSCRIPTS:ANSWERS [...]

For every answer in each set, runs `BIN analyze` with REHEARSE_DEBUG_PRESENCE=1, which prints,
for each section the best labelling leaves out, the probability over every labelling the decoder
allows (forward algorithm) that no sentence is that section. Prints one row per such section with
whether the answer's labels say it is missing, sorted by that probability, then how many true and
false `missing-section` reports each threshold would keep.
"""
import glob
import json
import os
import subprocess
import sys


def main():
    bin_, sets = sys.argv[1], sys.argv[2:]
    rows = []
    env = dict(os.environ, REHEARSE_DEBUG_PRESENCE="1")
    for spec in sets:
        tag, trd, ansd = spec.split(":")
        for tr in sorted(glob.glob(os.path.join(trd, "*.json"))):
            n = os.path.basename(tr)[:-5]
            with open(os.path.join(ansd, n + ".json"), encoding="utf-8") as f:
                a = json.load(f)
            exp = {s.split(":", 1)[1] for s in a.get("expected_signals", [])
                   if s.startswith("missing-section:")}
            p = subprocess.run([bin_, "--quiet", "analyze", tr, "--format", "json",
                                "--framework", a["framework"]],
                               capture_output=True, text=True, env=env, check=True)
            for line in p.stderr.splitlines():
                if line.startswith("PRESENCE "):
                    _, sid, dropped, absent = line.split()
                    rows.append((tag, n, a["framework"], sid, dropped.split("=")[1],
                                 float(absent.split("=")[1]), sid in exp))
    rows.sort(key=lambda r: r[5])
    for r in rows:
        print("%-8s %-5s %-15s %-18s dropped=%-5s P(absent)=%.3f truly missing=%s" % r)
    for t in (0.0, 0.5, 0.55, 0.6, 0.7, 0.8):
        kept = [r for r in rows if r[5] >= t]
        print("threshold %.2f: true %d/%d, false %d" % (
            t, sum(r[6] for r in kept), sum(r[6] for r in rows), sum(not r[6] for r in kept)))


if __name__ == "__main__":
    sys.exit(main())
