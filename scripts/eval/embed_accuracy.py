#!/usr/bin/env python3
"""Issue 12's accuracy half: does a sentence embedding tell sections apart better than the
naive Bayes model? A sentence classifier, scored on the dev answers' own section texts.

Reads the JSON lines that `benches/embed_probe.rs --dump` writes (scripts/bench/embed-probe.sh
runs it): the example sentences of data/sections.toml and every sentence of every dev answer,
each with its all-MiniLM-L6-v2 embedding (unit length), the product's naive Bayes scores and
its naive Bayes features. Gold: the section a sentence was written in, and that section's
roles (frameworks.toml). Scored on the `held` part of scripts/eval/split.json; anything chosen
(k, a weight) is chosen on `tune` only.

Classifiers:
  a    naive Bayes as rehearse trains it (data/sections.toml examples); sections scored as
       the decoder does (a mixture over each section's roles, length capped at model_length)
  b    embedding, nearest prototype: cosine to the mean example embedding of each role
  b-knn embedding, mean cosine of the role's k nearest examples (k chosen on tune)
  c-nb naive Bayes retrained with the tune part's sentences added as examples
  c    embedding prototypes with the tune part's sentences added as examples
  c-knn embedding kNN over examples + tune sentences (k chosen leaving one tune answer out)
  a+b  naive Bayes section log-posterior + w * prototype cosine (w chosen on tune)
  c-nb+c the same sum for c-nb and c, with a+b's w (tune is their training data, so it
       cannot choose a weight of its own)

Figures, per sentence: `role` = the top role (of all roles) is one of the gold section's
roles; `section` = the top section of the answer's own framework is the gold section; `top2` =
the gold is among the two best. Pure Python (no numpy): a few thousand 384-wide dot products.

Usage: python3 scripts/eval/embed_accuracy.py DUMP.jsonl [--split scripts/eval/split.json]
"""

import argparse
import json
import math
import os
import sys
from collections import defaultdict

SMOOTHING = 0.5  # src/analyze/lexical.rs SMOOTHING


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def unit(v):
    n = math.sqrt(dot(v, v)) or 1.0
    return [x / n for x in v]


def mean_vec(vs):
    n = len(vs)
    return unit([sum(col) / n for col in zip(*vs)])


def load(path):
    decoder, frameworks, examples, dev = None, {}, [], []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            k = r["kind"]
            if k == "decoder":
                decoder = r
            elif k == "framework":
                frameworks[r["id"]] = r["sections"]
            elif k == "example":
                examples.append(r)
            elif k == "dev":
                dev.append(r)
    return decoder, frameworks, examples, dev


class NaiveBayes:
    """src/analyze/lexical.rs SectionModel, reimplemented so it can be retrained."""

    def __init__(self, roles, labelled):
        self.roles = roles
        self.vocab = {}
        counts = [defaultdict(float) for _ in roles]
        idx = {r: i for i, r in enumerate(roles)}
        for role, feats in labelled:
            for ft in feats:
                k = self.vocab.setdefault(ft, len(self.vocab))
                counts[idx[role]][k] += 1.0
        v = len(self.vocab)
        self.rows = []
        for c in counts:
            denom = math.log(sum(c.values()) + SMOOTHING * v)
            base = math.log(SMOOTHING) - denom
            self.rows.append((base, {k: math.log(n + SMOOTHING) - denom for k, n in c.items()}))

    def scores(self, feats):
        known = [self.vocab[f] for f in feats if f in self.vocab]
        n = len(known)
        if n == 0:
            return [0.0] * len(self.roles), 0
        return [sum(row.get(k, base) for k in known) / n for base, row in self.rows], n


def nb_sections(ll, n, sections, roles, model_length):
    """src/analyze/sections.rs sounds_like: log-mean-exp over a section's roles of
    len * mean log-likelihood; a section without roles gets the mean of the others."""
    if n == 0:
        return [0.0] * len(sections)
    length = min(model_length, n)
    ri = {r: i for i, r in enumerate(roles)}
    mix = []
    for s in sections:
        xs = [length * ll[ri[r]] for r in s["roles"] if r in ri]
        if not xs:
            mix.append(None)
            continue
        m = max(xs)
        mix.append(m + math.log(sum(math.exp(x - m) for x in xs) / len(xs)))
    known = [x for x in mix if x is not None]
    neutral = sum(known) / max(1, len(known))
    return [neutral if x is None else x for x in mix]


def log_softmax(xs):
    m = max(xs)
    z = m + math.log(sum(math.exp(x - m) for x in xs))
    return [x - z for x in xs]


def rank(scores):
    return sorted(range(len(scores)), key=lambda i: -scores[i])


def knn_role_scores(e, pool_by_role, roles, k):
    out = []
    for r in roles:
        sims = sorted((dot(e, v) for v in pool_by_role.get(r, [])), reverse=True)[:k]
        out.append(sum(sims) / len(sims) if sims else -1.0)
    return out


def section_from_roles(role_scores, sections, roles):
    """A section scores as its best role (embeddings); roles-less sections score lowest."""
    ri = {r: i for i, r in enumerate(roles)}
    return [max((role_scores[ri[r]] for r in s["roles"] if r in ri), default=-1e9)
            for s in sections]


class Tally:
    def __init__(self):
        self.n = 0
        self.c = defaultdict(int)

    def add(self, **hits):
        self.n += 1
        for k, v in hits.items():
            self.c[k] += int(v)

    def get(self, k):
        return self.c[k] / self.n if self.n else float("nan")


def score(sent, role_scores, sec_scores, roles, sections):
    gold_roles = set(sections[sent["section_index_fw"]]["roles"])
    rr = rank(role_scores)
    sr = rank(sec_scores)
    g = sent["section_index_fw"]
    return dict(role=roles[rr[0]] in gold_roles,
                role2=any(roles[i] in gold_roles for i in rr[:2]),
                section=sr[0] == g, section2=g in sr[:2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dump")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--split", default=os.path.join(here, "split.json"))
    args = ap.parse_args()
    decoder, frameworks, examples, dev = load(args.dump)
    split = json.load(open(args.split))
    part = {a: p for p in ("tune", "held") for a in split[p]}
    roles = decoder["roles"]
    ml = decoder["model_length"]

    # Gold section index within the framework; sentences of a section without roles say
    # nothing about "sounds like" and are left out (counted).
    skipped = 0
    kept = []
    for s in dev:
        secs = frameworks[s["framework"]]
        ids = [x["id"] for x in secs]
        if s["section"] not in ids:
            sys.exit(f"{s['answer']}: section {s['section']} not in {s['framework']}")
        s["section_index_fw"] = ids.index(s["section"])
        if not secs[s["section_index_fw"]]["roles"]:
            skipped += 1
            continue
        s["part"] = part.get(s["answer"])
        if s["part"]:
            kept.append(s)
    tune = [s for s in kept if s["part"] == "tune"]
    held = [s for s in kept if s["part"] == "held"]

    ex_by_role = defaultdict(list)
    for x in examples:
        ex_by_role[x["role"]].append(x["emb"])
    protos = {r: mean_vec(v) for r, v in ex_by_role.items()}

    def gold_roles(s):
        return frameworks[s["framework"]][s["section_index_fw"]]["roles"]

    # Tune sentences as extra examples: one copy under each of their section's roles.
    def with_sentences(base, sents):
        out = defaultdict(list, {r: list(v) for r, v in base.items()})
        for s in sents:
            for r in gold_roles(s):
                out[r].append(s["emb"])
        return out

    ex_plus_tune = with_sentences(ex_by_role, tune)
    protos_tune = {r: mean_vec(v) for r, v in ex_plus_tune.items()}
    nb_ex = NaiveBayes(roles, [(x["role"], x["features"]) for x in examples])
    nb_tune = NaiveBayes(roles, [(x["role"], x["features"]) for x in examples]
                         + [(r, s["features"]) for s in tune for r in gold_roles(s)])

    # Sanity: the reimplementation gives the product's numbers.
    worst = max(abs(a - b) for s in dev for a, b in
                zip(nb_ex.scores(s["features"])[0], s["nb_ll"]))
    if worst > 1e-9:
        sys.exit(f"naive Bayes reimplementation differs from the product's by {worst}")

    def classify(method, s, k=None, w=None, pool=None):
        secs = frameworks[s["framework"]]
        e = s["emb"]
        if method in ("a", "c-nb"):
            ll, n = (s["nb_ll"], s["nb_known"]) if method == "a" else nb_tune.scores(s["features"])
            rs = [x * min(ml, n) for x in ll]
            ss = nb_sections(ll, n, secs, roles, ml)
        elif method in ("b", "c"):
            p = protos if method == "b" else protos_tune
            rs = [dot(e, p[r]) if r in p else -1.0 for r in roles]
            ss = section_from_roles(rs, secs, roles)
        elif method in ("b-knn", "c-knn"):
            rs = knn_role_scores(e, pool, roles, k)
            ss = section_from_roles(rs, secs, roles)
        elif method in ("a+b", "c-nb+c"):
            ll, n = (s["nb_ll"], s["nb_known"]) if method == "a+b" else nb_tune.scores(s["features"])
            p = protos if method == "a+b" else protos_tune
            nb = log_softmax([x * min(ml, n) for x in ll]) if n else [0.0] * len(roles)
            cs = [dot(e, p[r]) if r in p else -1.0 for r in roles]
            rs = [a + w * b for a, b in zip(nb, cs)]
            nbs = log_softmax(nb_sections(ll, n, secs, roles, ml))
            ss = [a + w * b for a, b in zip(nbs, section_from_roles(cs, secs, roles))]
        return score(s, rs, ss, roles, secs)

    def run(method, sents, **kw):
        t = Tally()
        by_fw = defaultdict(Tally)
        for s in sents:
            h = classify(method, s, **kw)
            t.add(**h)
            by_fw[s["framework"]].add(**h)
        return t, by_fw

    # k for kNN over the examples: best section accuracy on tune.
    ks = [1, 3, 5, 10, 20]
    k_b = max(ks, key=lambda k: run("b-knn", tune, k=k, pool=ex_by_role)[0].get("section"))
    # k with tune sentences in the pool: leave each tune answer out of the pool in turn.
    def loo(k):
        t = Tally()
        for a in sorted({s["answer"] for s in tune}):
            pool = with_sentences(ex_by_role, [s for s in tune if s["answer"] != a])
            for s in tune:
                if s["answer"] == a:
                    t.add(**classify("c-knn", s, k=k, pool=pool))
        return t.get("section")
    k_c = max(ks, key=loo)
    ws = [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0]
    w_ab = max(ws, key=lambda w: run("a+b", tune, w=w)[0].get("section"))

    methods = [
        ("a", "naive Bayes (product)", {}),
        ("b", "embedding, nearest prototype", {}),
        ("b-knn", f"embedding, kNN over examples (k={k_b})", dict(k=k_b, pool=ex_by_role)),
        ("a+b", f"naive Bayes + {w_ab:g} x prototype cosine", dict(w=w_ab)),
        ("c-nb", "naive Bayes + tune sentences", {}),
        ("c", "embedding prototypes + tune sentences", {}),
        ("c-knn", f"embedding kNN + tune sentences (k={k_c})", dict(k=k_c, pool=ex_plus_tune)),
        ("c-nb+c", f"both + tune sentences, a+b's weight {w_ab:g}", dict(w=w_ab)),
    ]
    print(f"sentences: tune {len(tune)} ({len({s['answer'] for s in tune})} answers), "
          f"held {len(held)} ({len({s['answer'] for s in held})} answers); "
          f"{skipped} in sections without roles left out; {len(examples)} example sentences")
    print(f"chosen on tune: kNN k={k_b} (examples), k={k_c} (examples + tune, leave one answer "
          f"out), a+b weight {w_ab:g}")
    print()
    fws = sorted({s["framework"] for s in held})
    print("| classifier | held section | held top 2 | held role | held role top 2 | tune section | "
          + " | ".join(f"held {f}" for f in fws) + " |")
    print("| --- " * (6 + len(fws)) + "|")
    for key, name, kw in methods:
        th, by_fw = run(key, held, **kw)
        tt, _ = run(key, tune, **kw)
        tune_sec = "(trained on it)" if key.startswith("c") else f"{tt.get('section'):.2f}"
        cells = [f"{th.get('section'):.2f}", f"{th.get('section2'):.2f}", f"{th.get('role'):.2f}",
                 f"{th.get('role2'):.2f}", tune_sec]
        cells += [f"{by_fw[f].get('section'):.2f} ({by_fw[f].n})" for f in fws]
        print(f"| {key}: {name} | " + " | ".join(cells) + " |")
    # Paired counts on held against naive Bayes: a small gain on 190 sentences may be noise.
    print()
    base = [classify("a", s)["section"] for s in held]
    for key, name, kw in methods[1:]:
        other = [classify(key, s, **kw)["section"] for s in held]
        won = sum(o and not b for o, b in zip(other, base))
        lost = sum(b and not o for o, b in zip(other, base))
        # Two-sided sign test on the sentences where the two disagree.
        n = won + lost
        tail = sum(math.comb(n, i) for i in range(0, min(won, lost) + 1)) / 2 ** n if n else 1.0
        print(f"held, {key} against a (section): right where a was wrong {won}, wrong where a "
              f"was right {lost}, sign test p = {min(1.0, 2 * tail):.2f}")


if __name__ == "__main__":
    main()
