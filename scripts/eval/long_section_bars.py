#!/usr/bin/env python3
"""Where would `long-section` fire with other bars? (stop 36, not kept)

    python3 scripts/eval/long_section_bars.py [--detail SHARE,FACTOR] REPORTS:ANSWERS [...]

`long-section:ID` fires when a section's share of the answer is over `long_section_share` and its
time over the top of its target band (data/lexicon.toml). Section timing does not depend on
either bar, so one run of `rehearse analyze --format json` per answer is enough to see every
pair: for each share bar (rows) and each multiple of the band's top (columns), this prints
"found/false" over the fully labelled answers (`signals_complete`) whose reports are in REPORTS
and whose answer files are in ANSWERS (the same name, .json). --detail lists, for one pair, every
labelled long section and every alarm with its share and time against the band's top.
Standard library only.
"""
import argparse
import glob
import json
import os
import sys

SHARES = [0.36 + 0.02 * i for i in range(11)]
FACTORS = [1.0 + 0.125 * i for i in range(13)]


def load(specs):
    rows = []
    for spec in specs:
        reports, answers = spec.split(":", 1)
        for rp in sorted(glob.glob(os.path.join(reports, "*.json"))):
            name = os.path.basename(rp)[:-len(".json")]
            af = os.path.join(answers, name + ".json")
            if not os.path.exists(af):
                continue
            with open(af, encoding="utf-8") as f:
                a = json.load(f)
            if not a.get("signals_complete"):
                continue
            with open(rp, encoding="utf-8") as f:
                r = json.load(f)
            expected = {s for s in a.get("expected_signals", []) if s.startswith("long-section:")}
            sections = [(t["id"], t["share"], t["duration_s"], t["target"]["max_s"])
                        for t in r["section_timing"]]
            rows.append((name, expected, sections))
    return rows


def fires(sections, share, factor):
    return {"long-section:" + i for i, sh, d, top in sections if sh > share and d > factor * top}


def count(rows, share, factor):
    found = false = 0
    for _, expected, sections in rows:
        got = fires(sections, share, factor)
        found += len(got & expected)
        false += len(got - expected)
    return found, false


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--detail", help="SHARE,FACTOR: list the sections for this pair")
    ap.add_argument("specs", nargs="+", metavar="REPORTS:ANSWERS")
    args = ap.parse_args()
    rows = load(args.specs)
    labelled = sum(len(e) for _, e, _ in rows)
    print("%d fully labelled answers, %d long sections labelled" % (len(rows), labelled))
    print("share  " + " ".join("%7s" % ("x%.3g" % f) for f in FACTORS))
    for s in SHARES:
        print("%.2f   " % s + " ".join("%7s" % ("%d/%d" % count(rows, s, f)) for f in FACTORS))
    if args.detail:
        share, factor = (float(x) for x in args.detail.split(","))
        for name, expected, sections in rows:
            got = fires(sections, share, factor)
            for i, sh, d, top in sections:
                sig = "long-section:" + i
                if sig in expected or sig in got:
                    print("%-6s %-34s %-8s %-6s share %.2f time %.2f x top"
                          % (name, sig, "labelled" if sig in expected else "false",
                             "fires" if sig in got else "quiet", sh, d / top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
