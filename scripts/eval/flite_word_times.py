#!/usr/bin/env python3
"""Makes word-timed test audio with flite, to check word edges on voices other than the real one.

    python3 scripts/eval/flite_word_times.py OUT_DIR ANSWER.json... [--voices slt,rms,awb,kal]

For every section text of every answer and every voice, writes OUT_DIR/NAME.wav (16 kHz mono)
and OUT_DIR/NAME.words.json ([{"text", "start_s", "end_s"}]): flite's own phone end times
(`-psdur`) grouped into words with `t2p` run on each word (a sentence whose phone count does not
match is skipped). Then `python3 scripts/eval/word_edge_bias.py OUT_DIR TRANSCRIPTS_DIR` reports
the signed start/end error of rehearse's words against these times.
"""
import json
import os
import re
import subprocess
import sys


def phones(text):
    out = subprocess.run(["t2p", text], capture_output=True, text=True).stdout.split()
    return [re.sub(r"\d", "", p) for p in out if p != "pau"]


def align_owner(spoken, flat):
    """Word index of every spoken phone: Levenshtein alignment of flite's actual phones with the
    dictionary phones of each word (post-lexical rules change a few); None when they differ much."""
    n, m = len(spoken), len(flat)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j - 1] + (spoken[i - 1] != flat[j - 1][1]), d[i - 1][j] + 1, d[i][j - 1] + 1)
    if d[n][m] > max(2, m // 10):
        return None
    owner, i, j = [0] * n, n, m
    while i > 0:
        if j > 0 and d[i][j] == d[i - 1][j - 1] + (spoken[i - 1] != flat[j - 1][1]):
            owner[i - 1] = flat[j - 1][0]
            i, j = i - 1, j - 1
        elif d[i][j] == d[i - 1][j] + 1:
            owner[i - 1] = flat[min(j, m - 1)][0] if m else 0
            i -= 1
        else:
            j -= 1
    return owner


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--voices")]
    voices = "slt,rms,awb,kal"
    for a in sys.argv[1:]:
        if a.startswith("--voices="):
            voices = a.split("=", 1)[1]
    out_dir, files = args[0], args[1:]
    os.makedirs(out_dir, exist_ok=True)
    made = skipped = 0
    for f in files:
        ans = json.load(open(f))
        for si, sec in enumerate(ans["sections"]):
            words = [w for w in (re.sub(r"[^A-Za-z0-9']", "", t) for t in sec["text"].split()) if w]
            per_word = [phones(w) for w in words]
            for voice in voices.split(","):
                name = f"{ans['id']}_{si}_{voice}"
                raw = os.path.join(out_dir, name + ".raw.wav")
                res = subprocess.run(["flite", "-voice", voice, "-psdur", "-t", sec["text"], "-o", raw],
                                     capture_output=True, text=True)
                segs = [(p.split(":")[0], float(p.split(":")[1])) for p in res.stdout.split() if ":" in p]
                flat = [(wi, p) for wi, ps in enumerate(per_word) for p in ps]
                spoken, t_prev = [], 0.0
                for ph, t in segs:
                    if ph != "pau":
                        spoken.append((ph, t_prev, t))
                    t_prev = t
                owner = align_owner([p for p, _, _ in spoken], flat)
                if owner is None or sorted(set(owner)) != list(range(len(words))):
                    skipped += 1
                    os.remove(raw)
                    continue
                starts, ends = {}, {}
                for (ph, a, b), wi in zip(spoken, owner):
                    starts.setdefault(wi, a)
                    ends[wi] = b
                subprocess.run(["sox", raw, "-r", "16000", "-c", "1", "-b", "16",
                                os.path.join(out_dir, name + ".wav")], check=True)
                os.remove(raw)
                json.dump([{"text": w, "start_s": starts[i], "end_s": ends[i]} for i, w in enumerate(words)],
                          open(os.path.join(out_dir, name + ".words.json"), "w"))
                made += 1
    print(f"{made} files, {skipped} skipped (phone mismatch)")


if __name__ == "__main__":
    main()
