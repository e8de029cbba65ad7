#!/usr/bin/env python3
"""How far a section's confidence can be trusted: reported spans by confidence, against the truth.

    python3 scripts/eval/confidence_calibration.py SET_DIR...

Each SET_DIR is a folder that `scripts/eval.sh` filled (target/eval/<name>: audio/NAME.truth.json
and reports/NAME.json). For every section span a report lists, it takes the share of the span's
time that the truth gives the same section, and prints, per band of the span's confidence, how
many spans fall there and how many are right (their own section for half their time or more).
The report marks a span uncertain under `uncertain_below` in data/sections.toml. Standard library
only.
"""

import glob
import json
import os
import sys

BANDS = [(0.0, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip())
    count = {b: [0, 0, 0.0] for b in BANDS}
    for d in sys.argv[1:]:
        for rp in sorted(glob.glob(os.path.join(d, "reports", "*.json"))):
            name = os.path.basename(rp)[:-5]
            tp = os.path.join(d, "audio", name + ".truth.json")
            if not os.path.exists(tp):
                continue
            with open(tp) as f:
                truth = json.load(f)["sections"]
            with open(rp) as f:
                spans = json.load(f)["sections"]
            for sp in spans:
                c = sp.get("confidence")
                if c is None:
                    continue
                a, b = sp["start_s"], sp["end_s"]
                same = sum(max(0.0, min(b, t["end_s"]) - max(a, t["start_s"]))
                           for t in truth if t["id"] == sp["id"])
                share = same / max(1e-6, b - a)
                for band in BANDS:
                    if band[0] <= c < band[1]:
                        count[band][0] += 1
                        count[band][1] += share >= 0.5
                        count[band][2] += share
    total = sum(v[0] for v in count.values()) or 1
    print("confidence  spans  share   right  mean time right")
    for (lo, hi), (n, right, share) in count.items():
        print("%.2f-%.2f  %5d  %4.0f%%  %6.2f  %15.2f" % (lo, min(hi, 1.0), n, 100 * n / total,
                                                     right / max(1, n), share / max(1, n)))


if __name__ == "__main__":
    main()
