#!/usr/bin/env python3
"""Checks that two builds of rehearse give the same analysis of the same transcripts.

    python3 scripts/eval/same_reports.py BEFORE_BIN AFTER_BIN TRANSCRIPTS_DIR [ANSWERS_DIR]

Runs `BIN --quiet analyze T.json --format json` with both builds on every transcript in
TRANSCRIPTS_DIR (rehearse transcript JSON, e.g. target/eval/dev/transcripts from
`scripts/eval.sh --reuse-transcripts`), with the answer's framework when ANSWERS_DIR holds
NAME.json with a "framework" key, and compares the reports. Fields that name the build or
the run (schema, paths) and the pace band's key names (min_s/max_s, renamed min_wpm/max_wpm
in report schema 2) are left out of the comparison. No Whisper runs: it is for refactors
that must not change what the analysis says.
"""
import glob
import json
import os
import subprocess
import sys

SKIP = {"schema", "path", "audio"}
BAND_KEYS = {"min_s": "lo", "min_wpm": "lo", "max_s": "hi", "max_wpm": "hi"}


def norm(o):
    if isinstance(o, dict):
        out = {}
        for k, v in o.items():
            if k in SKIP and not isinstance(v, (dict, list)):
                continue
            out[BAND_KEYS.get(k, k)] = norm(v)
        return out
    if isinstance(o, list):
        return [norm(x) for x in o]
    return o


def report(binary, transcript, framework):
    cmd = [binary, "--quiet", "analyze", transcript, "--format", "json"]
    if framework:
        cmd += ["--framework", framework]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return ("error", r.stderr.strip())
    return norm(json.loads(r.stdout))


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.strip().splitlines()[2].strip())
    before, after, tdir = sys.argv[1:4]
    answers = sys.argv[4] if len(sys.argv) == 5 else None
    same = differ = 0
    for t in sorted(glob.glob(os.path.join(tdir, "*.json"))):
        name = os.path.basename(t)[: -len(".json")]
        framework = None
        if answers and os.path.exists(os.path.join(answers, name + ".json")):
            with open(os.path.join(answers, name + ".json")) as f:
                framework = json.load(f).get("framework")
        a, b = report(before, t, framework), report(after, t, framework)
        if a == b:
            same += 1
            continue
        differ += 1
        keys = sorted(set(a) | set(b)) if isinstance(a, dict) and isinstance(b, dict) else []
        print(f"differ: {name}: " + (", ".join(k for k in keys if a.get(k) != b.get(k)) or f"{a} / {b}"))
    print(f"same {same}, differ {differ}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
