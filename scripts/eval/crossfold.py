#!/usr/bin/env python3
"""How stable are the section decoder's fitted weights? A one-at-a-time sweep scored per answer,
then k folds: for each fold, the value each weight would be fitted to on the other folds, and
what that choice scores on the fold left out.

    python3 scripts/eval/crossfold.py [--transcripts DIR] [--folds 3] [--param k=v1,v2 ...]
                                      [--names d01,d02,...] [--json OUT] [--sections FILE]

Every weight of [decoder] in data/sections.toml is moved alone over tune.py's grid (the others
held at the file's values), `rehearse analyze` runs on every answer's saved transcript
(target/eval/<set>/transcripts by default; target/eval/ref/tr for reference transcripts), and
each answer's section agreement and missing-section hits are kept. Folds are dealt by framework
(answers sorted by name, dealt round-robin within each framework), so each fold has every
framework it can. For each fold and weight it prints the training folds' best value, the file's
value, and both scored on the left-out fold (objective as in tune.py: sections + 0.1 x missing
sections found - 0.1 x false missing-section per answer), and the spread of each weight's
objective over its grid on all answers (a flat weight moves it little). Standard library only.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tune  # noqa: E402


def objective(rows):
    if not rows:
        return float("nan")
    sect = sum(r["sections"] for r in rows) / len(rows)
    me = sum(1 for r in rows for s in r["signals_expected"] if s.startswith("missing-section:"))
    mh = sum(1 for r in rows for s in r["signals_hit"] if s.startswith("missing-section:"))
    mf = sum(1 for r in rows for s in r["signals_extra"] if s.startswith("missing-section:"))
    return sect + 0.1 * (mh / me if me else 0.0) - 0.1 * mf / len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="dev")
    ap.add_argument("--answers", default=os.path.join(tune.SHARED, "eval", "dev"))
    ap.add_argument("--transcripts", default=None)
    ap.add_argument("--names", default=None, help="comma-separated (default: every transcript)")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--bin", default=os.environ.get("REHEARSE_BIN", os.path.join(
        tune.ROOT, "target", "release", "rehearse")))
    ap.add_argument("--json", default=None, help="write every trial's per-answer rows here")
    ap.add_argument("--sections", default=os.path.join(tune.ROOT, "data", "sections.toml"),
                    help="the sections.toml whose [decoder] is swept (default: data/'s)")
    args = ap.parse_args()
    args.work = os.path.join(tune.ROOT, "target", "eval", args.set)
    args.transcripts = args.transcripts or os.path.join(args.work, "transcripts")
    names = (args.names.split(",") if args.names else sorted(
        f[:-5] for f in os.listdir(args.transcripts) if f.endswith(".json")))
    with open(args.sections, encoding="utf-8") as f:
        base_text = f.read()
    base = tune.decoder_values(base_text)
    grid = {}
    for p in args.param:
        k, v = p.split("=", 1)
        grid[k] = [float(x) for x in v.split(",")]
    # The file's own value is always one of the choices.
    grid = {k: sorted(set(vs) | {base[k]}) for k, vs in (grid or tune.DEFAULT_GRID).items()}
    fws = {}
    for n in names:
        with open(os.path.join(args.answers, n + ".json"), encoding="utf-8") as f:
            fws[n] = json.load(f)["framework"]
    # Dealt round-robin framework by framework, the count running on across frameworks, so
    # the folds differ in size by one at most.
    fold, i = {}, 0
    for fw in sorted(set(fws.values())):
        for n in sorted(x for x in names if fws[x] == fw):
            fold[n] = i % args.folds
            i += 1
    work = tempfile.mkdtemp(prefix="rehearse-crossfold.")
    trials = {}
    try:
        os.makedirs(os.path.join(work, "truth"))
        for n in names:
            shutil.copy(os.path.join(args.work, "audio", n + ".truth.json"),
                        os.path.join(work, "truth"))
        _, _, rows, _ = tune.run(base, names, args, base_text, work)
        trials[("base", None)] = {r["name"]: r for r in rows}
        for k, vs in grid.items():
            for v in vs:
                if v == base.get(k):
                    trials[(k, v)] = trials[("base", None)]
                    continue
                _, _, rows, _ = tune.run(dict(base, **{k: v}), names, args, base_text, work)
                trials[(k, v)] = {r["name"]: r for r in rows}
                print("  %s=%s -> %.4f" % (k, v, objective(rows)), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"base": base, "fold": fold,
                       "trials": [{"param": k, "value": v, "rows": list(r.values())}
                                  for (k, v), r in trials.items()]}, f)
    print("\nfolds: " + "; ".join("%d: %s" % (i, " ".join(sorted(n for n in names if fold[n] == i)))
                                  for i in range(args.folds)))
    print("\n%-16s %-8s %s" % ("weight", "file", "  ".join(
        "fold%d: fit -> left-out (file's)" % i for i in range(args.folds))))
    left_fit, left_base = [], []
    for k, vs in grid.items():
        cells = []
        for i in range(args.folds):
            train = [n for n in names if fold[n] != i]
            test = [n for n in names if fold[n] == i]
            score = {v: objective([trials[(k, v)][n] for n in train]) for v in vs}
            best = max(vs, key=lambda v: (round(score[v], 6), -abs(v - base[k])))
            cells.append("%5g -> %.3f (%.3f)" % (
                best, objective([trials[(k, best)][n] for n in test]),
                objective([trials[(k, base[k])][n] for n in test])))
        allv = {v: objective(list(trials[(k, v)].values())) for v in vs}
        print("%-16s %-8g %s   all: %s" % (k, base[k], "  ".join(cells), " ".join(
            "%g:%.3f" % (v, allv[v]) for v in vs)))
    print("\nbase on each fold: " + " ".join(
        "%.3f" % objective([trials[("base", None)][n] for n in names if fold[n] == i])
        for i in range(args.folds)) + "; all %.3f" % objective(list(trials[("base", None)].values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
