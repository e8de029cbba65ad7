#!/usr/bin/env python3
"""Where section agreement is lost: seconds of speech whose section rehearse got wrong, by
(framework, true section -> reported section), and the answers that lose the most.

    python3 scripts/eval/section_confusion.py OUT [TOP]

OUT is a folder with truth/NAME.truth.json (synth.py's section times) and reports/NAME.json
(`rehearse analyze --format json`), as `scripts/eval/ref_eval.sh` leaves it; for the Whisper dev
run, make one from target/eval/dev/audio/*.truth.json and target/eval/dev/reports. Time is
sampled every 50 ms of each true section; "(none)" is time in no reported section (a pause the
report leaves between sections). Standard library only.
"""

import collections
import glob
import json
import os
import sys

STEP = 0.05


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[0] + "\nusage: section_confusion.py OUT [TOP]")
    out = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    conf, total, per = collections.Counter(), collections.Counter(), []
    for tf in sorted(glob.glob(os.path.join(out, "truth", "*.truth.json"))):
        with open(tf) as f:
            t = json.load(f)
        rp = os.path.join(out, "reports", t["name"] + ".json")
        if not os.path.exists(rp):
            continue
        with open(rp) as f:
            r = json.load(f)
        fw = t["framework"]
        pred = [(s["start_s"], s["end_s"], s["id"]) for s in r["sections"]]
        lost = collections.Counter()
        for s in t["sections"]:
            n = int(round((s["end_s"] - s["start_s"]) / STEP))
            for k in range(n):
                x = s["start_s"] + k * STEP
                lab = next((pid for a, b, pid in pred if a <= x < b), "(none)")
                conf[(fw, s["id"], lab)] += STEP
                total[(fw, s["id"])] += STEP
                if lab != s["id"]:
                    lost[(s["id"], lab)] += STEP
        per.append((sum(lost.values()), t["name"], fw, lost.most_common(3)))
    print("answers losing the most (seconds; true -> reported):")
    for secs, name, fw, worst in sorted(per, reverse=True)[:top]:
        print("%6.1f  %-6s %-15s %s" % (secs, name, fw,
                                         "  ".join("%s->%s %.1f" % (a, b, v) for (a, b), v in worst)))
    print("\nconfusion (seconds of the true section's total):")
    off = sorted(((v, k) for k, v in conf.items() if k[1] != k[2]), reverse=True)
    for v, (fw, a, b) in off[:top]:
        print("%6.1f  %-15s %s -> %s  (of %.0f s)" % (v, fw, a, b, total[(fw, a)]))


if __name__ == "__main__":
    main()
