#!/usr/bin/env python3
"""Checks that no eval text leaked into the analysis's data files or code.

    python3 scripts/eval/check_leak.py [--n 5] ANSWER_DIR... -- FILE...

Every answer text in ANSWER_DIR/*.json (the dev set, our own eval answers) is cut into word
n-grams (default 5 words, lowercased, punctuation dropped); every line of each FILE is checked
for any of them. Prints each hit (file, line, the shared words, the answer it came from) and
exits 1 when there is one, 0 when there is none. A shared 5-gram is rare between independently
written sentences, so a hit means an eval sentence (or most of one) was copied or paraphrased too
closely; rewrite that line. Standard library only.
"""

import argparse
import glob
import json
import os
import re
import sys

WORD = re.compile(r"[a-z0-9']+")


def words(text):
    return WORD.findall(text.lower().replace("\u2019", "'"))


def ngrams(ws, n):
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        print("check_leak.py: usage: check_leak.py [--n N] ANSWER_DIR... -- FILE...", file=sys.stderr)
        return 2
    k = argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args(argv[:k])
    files = argv[k + 1:]
    grams = {}
    for d in args.dirs:
        for path in sorted(glob.glob(os.path.join(d, "*.json"))):
            try:
                ans = json.load(open(path, encoding="utf-8"))
            except (OSError, ValueError) as e:
                print("check_leak.py: %s: %s" % (path, e), file=sys.stderr)
                return 2
            if not isinstance(ans, dict):
                continue
            for s in ans.get("sections", []):
                for g in ngrams(words(s.get("text", "")), args.n):
                    grams.setdefault(g, os.path.basename(path))
    hits = 0
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for no, line in enumerate(fh, 1):
                for g in sorted(ngrams(words(line), args.n)):
                    if g in grams:
                        hits += 1
                        print("%s:%d: '%s' (from %s)" % (f, no, " ".join(g), grams[g]))
    print("check_leak.py: %d answer n-grams (n=%d), %d files, %d hits"
          % (len(grams), args.n, len(files), hits), file=sys.stderr)
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
