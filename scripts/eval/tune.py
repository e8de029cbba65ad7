#!/usr/bin/env python3
"""Fits the section decoder's weights ([decoder] in data/sections.toml) on the tuning part only.

    python3 scripts/eval/tune.py [--set dev] [--part tune] [--rounds 2]
                                 [--param skip_cost=0.4,0.8,1.2 ...] [--show]
                                 [--sections FILE] [--false-missing-cost X]

Runs `rehearse analyze` on the saved transcripts of one part of the split
(target/eval/<set>/transcripts/, made by `scripts/eval.sh --reuse-transcripts`) with a copy of
data/sections.toml whose [decoder] values are replaced, through the ordinary user override
(REHEARSE_CONFIG_DIR), scores the reports with ../shared/eval/score.py and keeps the values with
the best objective:

    sections agreement (mean) + 0.1 x missing sections found - 0.1 x false missing-section
    signals per answer

or, with --false-missing-cost X, one that prices each false missing-section alarm at X missed
ones (stop 37: the first prices a false alarm at about a twentieth of a miss):

    sections agreement (mean) + 0.1 x (missing found - X x false missing) / missing expected

by coordinate descent: each parameter in turn over its listed values, the others held, for
--rounds rounds. It prints every trial and the best values; it never writes data/sections.toml
(copy the values there by hand, with the command in the commit). --show prints, for the best
values (or the file's own with no --param), each answer's score and its wrong sentences.
Standard library only; needs a release build and the saved transcripts.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("REHEARSE_SHARED", os.path.join(ROOT, "..", "shared"))

DEFAULT_GRID = {
    "model_weight": [0.5, 0.75, 1.0, 1.5, 2.0],
    "model_length": [4.0, 6.0, 8.0, 12.0],
    "position_weight": [2.0, 3.5, 5.0, 7.0],
    "late_factor": [0.2, 0.4, 0.7],
    "skip_cost": [0.3, 0.6, 1.2, 2.0, 3.0],
    "switch_cost": [0.3, 0.6, 1.0, 1.5],
    "flashback_cost": [1.0, 1.6, 2.5],
}


def decoder_values(text):
    block = text.split("[decoder]", 1)[1].split("[[role]]", 1)[0]
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r"^(\w+)\s*=\s*([0-9.]+)", block, re.M)}


def with_values(text, values):
    head, rest = text.split("[decoder]", 1)
    block, tail = rest.split("[[role]]", 1)
    for k, v in values.items():
        block, n = re.subn(r"^%s\s*=\s*[0-9.]+" % k, "%s = %r" % (k, v), block, flags=re.M)
        if n != 1:
            sys.exit("tune.py: no '%s' in [decoder]" % k)
    return head + "[decoder]" + block + "[[role]]" + tail


def run(values, names, args, base_text, work):
    cfg = os.path.join(work, "cfg")
    reports = os.path.join(work, "reports")
    shutil.rmtree(reports, ignore_errors=True)
    os.makedirs(cfg, exist_ok=True)
    os.makedirs(reports)
    with open(os.path.join(cfg, "sections.toml"), "w", encoding="utf-8") as f:
        f.write(with_values(base_text, values))
    env = dict(os.environ, REHEARSE_CONFIG_DIR=cfg)
    for n in names:
        with open(os.path.join(args.answers, n + ".json"), encoding="utf-8") as f:
            fw = json.load(f)["framework"]
        subprocess.run([args.bin, "--quiet", "analyze",
                        os.path.join(args.transcripts, n + ".json"),
                        "--format", "json", "--framework", fw,
                        "--out", os.path.join(reports, n + ".json")],
                       env=env, check=True)
    out = subprocess.run([sys.executable, os.path.join(SHARED, "eval", "score.py"),
                          "--answers", args.answers, "--truth", os.path.join(work, "truth"),
                          "--reports", reports, "--json"],
                         check=True, capture_output=True, text=True).stdout
    score = json.loads(out)
    rows = score["per_answer"]
    sect = sum(r["sections"] for r in rows) / len(rows)
    me = sum(1 for r in rows for s in r["signals_expected"] if s.startswith("missing-section:"))
    mh = sum(1 for r in rows for s in r["signals_hit"] if s.startswith("missing-section:"))
    mf = sum(1 for r in rows for s in r["signals_extra"] if s.startswith("missing-section:"))
    if args.false_missing_cost is None:
        obj = sect + 0.1 * (mh / me if me else 0.0) - 0.1 * mf / len(rows)
    else:
        obj = sect + 0.1 * (mh - args.false_missing_cost * mf) / max(me, 1)
    return obj, {"sections": sect, "boundary_s": score["boundary_s"], "missing": "%d/%d" % (mh, me),
                 "false_missing": mf}, rows, reports


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="dev")
    ap.add_argument("--answers", default=os.path.join(SHARED, "eval", "dev"))
    ap.add_argument("--split", default=os.path.join(ROOT, "scripts", "eval", "split.json"))
    ap.add_argument("--part", default="tune", help="part of the split to fit on (tune)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--param", action="append", default=[],
                    help="name=v1,v2,... (default: a built-in grid over every weight)")
    ap.add_argument("--bin", default=os.environ.get("REHEARSE_BIN",
                                                    os.path.join(ROOT, "target", "release", "rehearse")))
    ap.add_argument("--transcripts", default=None,
                    help="folder of transcript JSON (default: target/eval/<set>/transcripts, "
                         "eval.sh --reuse-transcripts's)")
    ap.add_argument("--sections", default=os.path.join(ROOT, "data", "sections.toml"),
                    help="the sections file whose [decoder] is varied (default: data/sections.toml)")
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--false-missing-cost", type=float, default=None,
                    help="price of a false missing-section alarm in missed ones (see above)")
    args = ap.parse_args()
    args.work = os.path.join(ROOT, "target", "eval", args.set)
    args.transcripts = args.transcripts or os.path.join(args.work, "transcripts")
    with open(args.split, encoding="utf-8") as f:
        names = json.load(f)[args.part]
    missing = [n for n in names
               if not os.path.exists(os.path.join(args.transcripts, n + ".json"))]
    if missing:
        sys.exit("tune.py: no saved transcript for %s (run scripts/eval.sh --reuse-transcripts)"
                 % ", ".join(missing))
    with open(args.sections, encoding="utf-8") as f:
        base_text = f.read()
    values = decoder_values(base_text)
    grid = {}
    for p in args.param:
        k, v = p.split("=", 1)
        grid[k] = [float(x) for x in v.split(",")]
    if not grid and not args.show:
        grid = DEFAULT_GRID
    work = tempfile.mkdtemp(prefix="rehearse-tune.")
    try:
        os.makedirs(os.path.join(work, "truth"))
        for n in names:
            shutil.copy(os.path.join(args.work, "audio", n + ".truth.json"),
                        os.path.join(work, "truth"))
        best, info, rows, _ = run(values, names, args, base_text, work)
        print("start %s -> %.4f %s" % (values, best, info), flush=True)
        for _ in range(args.rounds if grid else 0):
            changed = False
            for k, vs in grid.items():
                for v in vs:
                    if v == values.get(k):
                        continue
                    trial = dict(values, **{k: v})
                    obj, info, _, _ = run(trial, names, args, base_text, work)
                    mark = ""
                    if obj > best + 1e-9:
                        best, values, changed, mark = obj, trial, True, "  *"
                    print("  %s=%s -> %.4f %s%s" % (k, v, obj, info, mark), flush=True)
            if not changed:
                break
        print("best %.4f %s" % (best, json.dumps(values)))
        if args.show:
            _, info, rows, reports = run(values, names, args, base_text, work)
            for r in rows:
                print("%s %-14s sections=%.2f boundary=%.2f extra=%s missed=%s" % (
                    r["name"], r["framework"], r["sections"], r["boundary_s"],
                    r["signals_extra"], sorted(set(r["signals_expected"]) - set(r["signals_hit"]))))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
