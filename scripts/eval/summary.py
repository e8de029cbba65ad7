#!/usr/bin/env python3
"""Per-framework summary of score.py's --json output, for each part of a split.

    python3 scripts/eval/summary.py SCORE.json [--split scripts/eval/split.json] [--name dev]
    python3 scripts/eval/summary.py SCORE.json SCORE2.json ... --name pooled   # several sets as one
    python3 scripts/eval/summary.py SCORE.json ... --long --digits 4

--long adds two parts: the answers whose labels list a long-section signal and those that do not
(a change that helps rambling answers can cost ordinary ones, which most real answers are; stop
37). --digits sets the places of sections and boundary (2; a decision between builds needs 4).

Prints, for the whole set and (with --split) for each part of the split, one row overall and
one per framework: sections, boundary error, expected signals found, false signals per fully
labelled answer, signal precision, missing sections reported, filler recall and WER. The sums
are the same as score.py's own summary (signals, fillers and WER pooled over answers; sections
and boundary averaged per answer), so the "all" row of the whole set matches score.py's line.
Standard library only.
"""

import argparse
import json
import sys


def aggregate(rows):
    n = len(rows)
    if not n:
        return None

    def mean(key):
        vals = [r[key] for r in rows if r.get(key) is not None]
        return sum(vals) / len(vals) if vals else None

    se = sum(len(r["signals_expected"]) for r in rows)
    sh = sum(len(r["signals_hit"]) for r in rows)
    complete = [r for r in rows if r["signals_complete"]]
    sf = sum(len(r["signals_false"]) for r in complete)
    shc = sum(len(r["signals_hit"]) for r in complete)
    me = sum(1 for r in rows for s in r["signals_expected"] if s.startswith("missing-section:"))
    mh = sum(1 for r in rows for s in r["signals_hit"] if s.startswith("missing-section:"))
    fm = sum(r["fillers_matched"] for r in rows)
    ft = sum(r["fillers_truth"] for r in rows)
    we = sum(r["wer_edits"] for r in rows if r.get("wer_edits") is not None)
    wr = sum(r["wer_ref_words"] for r in rows if r.get("wer_ref_words") is not None)
    return {
        "answers": n,
        "sections": mean("sections"),
        "boundary_s": mean("boundary_s"),
        "signals_hit": sh,
        "signals_expected": se,
        "signals": sh / se if se else None,
        "complete": len(complete),
        "signals_false": sf,
        "false_per_answer": sf / len(complete) if complete else None,
        "precision": (shc / (shc + sf) if shc + sf else 1.0) if complete else None,
        "missing_hit": mh,
        "missing_expected": me,
        "filler_recall": fm / ft if ft else None,
        "wer": we / wr if wr else None,
    }


DIGITS = 2


def fmt(x, spec="%.2f"):
    return "-" if x is None else spec % x


def fine(x):
    return fmt(x, "%%.%df" % DIGITS)


HEADER = "%-26s %3s %6s %6s %11s %7s %6s %8s %6s %5s" % (
    "part / framework", "n", "sect", "bnd_s", "signals", "false/a", "prec", "missing",
    "fill_r", "wer")


def line(label, a):
    sig = "%d/%d %s" % (a["signals_hit"], a["signals_expected"], fmt(a["signals"]))
    miss = "%d/%d" % (a["missing_hit"], a["missing_expected"])
    return "%-26s %3d %6s %6s %11s %7s %6s %8s %6s %5s" % (
        label, a["answers"], fine(a["sections"]), fine(a["boundary_s"]), sig,
        fmt(a["false_per_answer"]), fmt(a["precision"]), miss, fmt(a["filler_recall"]),
        fmt(a["wer"], "%.3f"))


def table(title, rows):
    out = []
    overall = aggregate(rows)
    if overall is None:
        return out, None
    out.append(line(title, overall))
    for fw in sorted({r["framework"] for r in rows}):
        out.append(line("  " + fw, aggregate([r for r in rows if r["framework"] == fw])))
    return out, overall


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("score_json", nargs="+", help="score.py --json output (several are pooled)")
    ap.add_argument("--split", help="split file: {\"tune\": [names], \"held\": [names]}")
    ap.add_argument("--name", default="set", help="name of the whole set in the table")
    ap.add_argument("--json", action="store_true", help="print the aggregates as JSON")
    ap.add_argument("--long", action="store_true",
                    help="also the answers with and without a long-section signal, apart")
    ap.add_argument("--digits", type=int, default=2, help="places of sections and boundary")
    args = ap.parse_args()
    global DIGITS
    DIGITS = args.digits
    rows = []
    for path in args.score_json:
        with open(path, encoding="utf-8") as f:
            rows.extend(json.load(f)["per_answer"])
    parts = [("%s (all %d)" % (args.name, len(rows)), rows)]
    if args.split:
        with open(args.split, encoding="utf-8") as f:
            split = json.load(f)
        names = {r["name"] for r in rows}
        for part in ("tune", "held"):
            want = split.get(part, [])
            missing = [x for x in want if x not in names]
            if missing:
                print("summary.py: %s: %s not scored" % (part, ", ".join(missing)), file=sys.stderr)
            sel = [r for r in rows if r["name"] in want]
            parts.append(("%s part (%d)" % (part, len(sel)), sel))
    if args.long:
        def is_long(r):
            return any(s.startswith("long-section:") for s in r["signals_expected"])
        for title, keep in (("without a long section", False), ("with a long section", True)):
            sel = [r for r in rows if is_long(r) == keep]
            parts.append(("%s (%d)" % (title, len(sel)), sel))
    result = {}
    lines = [HEADER, "-" * len(HEADER)]
    for title, sel in parts:
        out, overall = table(title, sel)
        if overall is None:
            continue
        result[title] = {"all": overall}
        for fw in sorted({r["framework"] for r in sel}):
            result[title][fw] = aggregate([r for r in sel if r["framework"] == fw])
        lines.extend(out)
        lines.append("-" * len(HEADER))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print("\n".join(lines))
        print("signals: expected signals found (hit/expected); false/a: signals raised that a "
              "fully labelled answer does not list, per such answer; prec: hit/(hit+false) over "
              "those answers; missing: missing-section:ID reported/expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
