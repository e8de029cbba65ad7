#!/usr/bin/env python3
"""Turns our own labelled answers (tests/eval/answers/*.json) into example sentences for the
section model: every sentence of every section, filed under one of the roles that section is
made of (frameworks.toml `roles`).

    python3 scripts/eval/answer_examples.py ANSWERS_DIR OUT.toml [--exclude e88,e89,...]
                                            [--sections data/sections.toml]

Where a section has one role, its sentences go there. Where it has several (a STAR Result is
`impact` and `recovery`), each sentence goes to the role the current model (the hand-written
examples of --sections) already finds most likely among them: the answers teach the model how
people say each kind of section without moving the line between roles.

OUT.toml is a copy of --sections whose roles' `examples` lists gain those sentences at their
end; put it in a folder and point REHEARSE_CONFIG_DIR there to analyse with it (the ordinary
user override), e.g. `REHEARSE_CONFIG_DIR=DIR bash scripts/eval.sh --split ... --reuse-transcripts`
or `python3 scripts/eval/tune.py` after copying it over data/sections.toml in a scratch branch.
Tried in stop 25 and not kept: docs/measurements.md, "The section model trained on our own
answers". The word features mirror src/analyze/lexical.rs `features`;
they only pick a role within a section here, so a small drift would change a filing, never a
score. Standard library only. Eval texts ($SHARED/eval) must never be passed in: only answers
written for this project.
"""

import argparse
import glob
import json
import math
import os
import re
import sys
import tomllib

HESITATIONS = {"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "mm", "like"}
NUMBERS = set(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
    "fifty sixty seventy eighty ninety hundred thousand million billion percent dozen half "
    "twice double".split()
)
IRREGULAR_PAST = set(
    "was were had did took made built ran wrote sent told gave went got kept found brought "
    "spent chose began led thought said met left felt knew saw came became paid sold bought "
    "caught taught held stood lost put set let cut shut hit hurt meant understood forgot fell "
    "broke spoke".split()
)
SMOOTHING = 0.5


def tokens(text):
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    out = []
    for t in re.split(r"[^\w']|_", text):
        t = t.strip("'")
        if t:
            out.append(t)
    return out


def stem(w):
    if len(w) <= 3 or "'" in w:
        return w
    for suf in ("ing", "ed", "es", "s", "ly"):
        if w.endswith(suf):
            base = w[: -len(suf)]
            if len(base) >= 3 and not (suf == "s" and base.endswith("s")):
                return base
    return w


def is_number(t):
    return any(c.isdigit() for c in t) or t in NUMBERS


def is_past(t):
    return t in IRREGULAR_PAST or (len(t) > 3 and t.endswith("ed"))


def features(text):
    toks = [t for t in tokens(text) if t not in HESITATIONS]
    out = []
    prev = "^"
    for i, t in enumerate(toks):
        s = "<num>" if is_number(t) else stem(t)
        out.append(s)
        out.append(f"{prev}_{s}")
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if t in ("i", "we"):
            if is_past(nxt):
                out.append(f"<{t}-past>")
            elif nxt in ("now", "always", "never"):
                out.append(f"<{t}-habit>")
            elif nxt and "'" not in nxt and nxt != "was":
                out.append(f"<{t}-present>")
        elif t in ("will", "i'll", "we'll", "gonna"):
            out.append("<future>")
        elif t in ("i've", "we've"):
            out.append("<perfect>")
        prev = s
    n = len(toks)
    out.append("<short>" if n <= 6 else "<medium>" if n <= 18 else "<long>")
    return out


class NaiveBayes:
    def __init__(self, roles):
        self.ids = [r["id"] for r in roles]
        vocab = {}
        counts = []
        for r in roles:
            c = {}
            for ex in r.get("examples", []):
                for f in features(ex):
                    k = vocab.setdefault(f, len(vocab))
                    c[k] = c.get(k, 0.0) + 1.0
            counts.append(c)
        v = len(vocab)
        self.vocab = vocab
        self.log_p = []
        for c in counts:
            denom = math.log(sum(c.values()) + SMOOTHING * v)
            row = [math.log(SMOOTHING) - denom] * v
            for k, n in c.items():
                row[k] = math.log(n + SMOOTHING) - denom
            self.log_p.append(row)

    def mean_ll(self, text):
        known = [self.vocab[f] for f in features(text) if f in self.vocab]
        if not known:
            return {i: 0.0 for i in self.ids}
        return {rid: sum(row[k] for k in known) / len(known) for rid, row in zip(self.ids, self.log_p)}


def sentences(text):
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("answers")
    ap.add_argument("out")
    ap.add_argument("--exclude", default="")
    ap.add_argument("--sections", default=os.path.join(root, "data", "sections.toml"))
    ap.add_argument("--frameworks", default=os.path.join(root, "data", "frameworks.toml"))
    a = ap.parse_args()
    exclude = {x for x in a.exclude.split(",") if x}
    with open(a.sections, "rb") as f:
        sec = tomllib.load(f)
    with open(a.frameworks, "rb") as f:
        fws = tomllib.load(f)
    roles_of = {}
    for fw in fws["framework"]:
        for s in fw["section"]:
            roles_of[(fw["id"], s["id"])] = s.get("roles", [])
    nb = NaiveBayes(sec["role"])
    filed = {r["id"]: [] for r in sec["role"]}
    used = []
    for path in sorted(glob.glob(os.path.join(a.answers, "*.json"))):
        name = os.path.basename(path)[:-5]
        if name in exclude:
            continue
        with open(path) as f:
            ans = json.load(f)
        used.append(name)
        for s in ans["sections"]:
            roles = roles_of.get((ans["framework"], s["id"]))
            if not roles:
                sys.exit(f"{path}: section '{s['id']}' has no roles in framework '{ans['framework']}'")
            for sent in sentences(s["text"]):
                if len(roles) == 1:
                    role = roles[0]
                else:
                    ll = nb.mean_ll(sent)
                    role = max(roles, key=lambda r: ll[r])
                filed[role].append(sent)
    # Write: the original file, each role's examples list gaining the filed sentences.
    with open(a.sections, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out = []
    role_id = None
    in_examples = False
    for line in lines:
        m = re.match(r'^id = "([^"]+)"', line)
        if m:
            role_id = m.group(1)
        out.append(line)
        if line.startswith("examples = ["):
            in_examples = True
        elif in_examples and line.strip() == "]":
            in_examples = False
            if role_id in filed and filed[role_id]:
                out.pop()
                out.append(f"  # {len(filed[role_id])} sentences of our own labelled answers "
                           "(scripts/eval/answer_examples.py)")
                out.extend(f"  {toml_str(x)}," for x in filed[role_id])
                out.append("]")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    total = sum(len(v) for v in filed.values())
    print(f"{len(used)} answers, {total} sentences: " +
          ", ".join(f"{k} {len(v)}" for k, v in filed.items() if v), file=sys.stderr)


if __name__ == "__main__":
    main()
