#!/usr/bin/env python3
"""Fits the sentence-in-context model behind "sounds like" and writes data/section_model.bin.

    python3 scripts/eval/section_model.py train data/section_model.bin NAME...
    python3 scripts/eval/section_model.py table data/section_model.bin TABLE.json REPORT.json...

One multinomial logistic regression per framework says which section a sentence belongs to from
three things: its own words, the words of the sentences just before and after it (at half
weight), and where it sits in the answer (ten bins of the word count). Words are 1- and 2-grams
of the lowercased text, hashed (FNV-1a 64, modulo 2^14, so the file holds numbers and no text),
weighted 1 + ln(count) times the inverse document frequency and scaled to unit length per block,
as scikit-learn's TfidfVectorizer(sublinear_tf=True) does. src/analyze/context_model.rs runs the
same arithmetic; its unit tests hold both to the same numbers.

NAME is an answer file's name: eNN from tests/eval/answers, dNN from $REHEARSE_SHARED/eval/dev
(the tuning part of scripts/eval/split.json only: held answers must never be fitted on), or tNN
from tests/eval/answers (answers written for fitting only). The shipped file was fitted on the
names in scripts/eval/section_model.names: e01-e2025, t01-t80 and the dev tuning part, less those
that share runs of words with held or judging answers (scripts/eval/fit_names.py;
docs/measurements.md, "Stop 44"; the first fit, on e01-e217, is "Stop 29", then e01-e545 "Stop
32", e01-e935 "Stop 35", e01-e1125 "Stop 36"):

    python3 scripts/eval/section_model.py train data/section_model.bin \
        $(grep -v '^#' scripts/eval/section_model.names)

`score` fits on the names in FILE (as `train` would) and prints, for the answers named after it,
the share of words whose sentence the model alone labels right (its argmax, reference text, no
decoder), overall and per framework and section: a quick first look at a change to the features
before the decoder judges it (docs/measurements.md, "Stop 33"):

    python3 scripts/eval/section_model.py score scripts/eval/section_model.names $(seq -f 'e%g' 546 725)

Two knobs in the environment change the fit, for such probes (the shipped file uses neither):
POS_BINS (number of position bins, default 10; the Rust side reads it from the file) and
CLASS_WEIGHT=balanced (scikit-learn's class weighting).

`table` writes, for the sentences of rehearse's JSON reports, the model's log-probabilities in
the form the probe on branch `lr` reads (REHEARSE_CTX_VECS), to compare the two.

Needs numpy, scipy and scikit-learn (`pip install scikit-learn`); rehearse itself does not.
"""

import json
import math
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BITS = 14
POS_BINS = int(os.environ.get("POS_BINS", "10"))
CTX_WEIGHT = 0.5
C = 4.0
MAGIC = b"RHSM\x01\x00\x00\x00"
TOKEN = re.compile(r"[a-z0-9']+")


def shared_dir():
    d = os.environ.get("REHEARSE_SHARED", os.path.join(ROOT, "..", "shared"))
    return d if os.path.isdir(os.path.join(d, "eval")) else "/work/shared"


def fnv1a64(s):
    h = 0xCBF29CE484222325
    for b in s.encode():
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def counts(text):
    toks = TOKEN.findall(text.lower())
    grams = toks + [a + " " + b for a, b in zip(toks, toks[1:])]
    c = {}
    for g in grams:
        k = fnv1a64(g) % (1 << BITS)
        c[k] = c.get(k, 0) + 1
    return c


def unit(c, idf, default_idf):
    v = {k: (1.0 + math.log(n)) * idf.get(k, default_idf) for k, n in c.items()}
    z = math.sqrt(sum(x * x for x in v.values()))
    return {k: x / z for k, x in v.items()} if z > 0 else {}


def position_bin(words_before, words, total):
    return min(POS_BINS - 1, int((words_before + words / 2) / max(total, 1) * POS_BINS))


def design(texts, nwords, idf, default_idf):
    """Sparse rows: own block, previous-sentence block, next-sentence block, position bins."""
    from scipy.sparse import csr_matrix
    cs = [counts(t) for t in texts]
    total = sum(nwords)
    rows, cols, vals = [], [], []
    before = 0
    width = 1 << BITS
    for i in range(len(texts)):
        blocks = [(0, cs[i], 1.0)]
        if i > 0:
            blocks.append((1, cs[i - 1], CTX_WEIGHT))
        if i + 1 < len(texts):
            blocks.append((2, cs[i + 1], CTX_WEIGHT))
        for b, c, w in blocks:
            for k, x in unit(c, idf, default_idf).items():
                rows.append(i)
                cols.append(b * width + k)
                vals.append(w * x)
        rows.append(i)
        cols.append(3 * width + position_bin(before, nwords[i], total))
        vals.append(1.0)
        before += nwords[i]
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), 3 * width + POS_BINS))


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def load_answer(name):
    if name.startswith("d"):
        split = json.load(open(os.path.join(ROOT, "scripts", "eval", "split.json")))
        if name not in split["tune"]:
            sys.exit(f"{name}: not in the tuning part of scripts/eval/split.json; refusing to fit on it")
        path = os.path.join(shared_dir(), "eval", "dev", name + ".json")
    else:
        path = os.path.join(ROOT, "tests", "eval", "answers", name + ".json")
    a = json.load(open(path))
    sents = [(s["id"], x) for s in a["sections"] for x in sentences(s["text"])]
    return a["framework"], [l for l, _ in sents], [x for _, x in sents]


def fit(names):
    import numpy as np
    from scipy.sparse import vstack
    from sklearn.linear_model import LogisticRegression
    by = {}
    for n in names:
        fw, labels, texts = load_answer(n)
        by.setdefault(fw, []).append((labels, texts))
    models = {}
    for fw in sorted(by):
        items = by[fw]
        docs = [t for _, ts in items for t in ts]
        df = {}
        for t in docs:
            for k in counts(t):
                df[k] = df.get(k, 0) + 1
        n = len(docs)
        idf = {k: math.log((1 + n) / (1 + d)) + 1 for k, d in df.items()}
        default_idf = math.log(1 + n) + 1
        X = vstack([design(ts, [len(TOKEN.findall(t.lower())) for t in ts], idf, default_idf)
                    for _, ts in items])
        y = [l for ls, _ in items for l in ls]
        clf = LogisticRegression(C=C, max_iter=5000,
                                 class_weight=os.environ.get("CLASS_WEIGHT") or None).fit(X, y)
        coef = clf.coef_
        if coef.shape[0] == 1:  # two classes: scikit-learn keeps one row
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        models[fw] = {"classes": list(clf.classes_), "intercept": list(clf.intercept_),
                      "idf": idf, "default_idf": default_idf, "coef": coef, "clf": clf}
    return models


def write(models, path):
    import numpy as np
    out = bytearray(MAGIC)
    out += struct.pack("<IIfI", BITS, POS_BINS, CTX_WEIGHT, len(models))

    def text(s):
        b = s.encode()
        return struct.pack("<H", len(b)) + b

    for fw, m in models.items():
        out += text(fw)
        k = len(m["classes"])
        out += struct.pack("<I", k)
        for c in m["classes"]:
            out += text(c)
        out += struct.pack(f"<{k}f", *m["intercept"])
        out += struct.pack("<f", m["default_idf"])
        idf = sorted(m["idf"].items())
        out += struct.pack("<I", len(idf))
        for b, v in idf:
            out += struct.pack("<If", b, v)
        coef = m["coef"]
        cols = [j for j in range(coef.shape[1]) if np.abs(coef[:, j]).max() > 0]
        # Coefficients as 16-bit integers on one scale per framework: a third of the size of
        # f32, and a logit error under 1e-3 over a sentence's features.
        scale = float(np.abs(coef).max()) / 32767.0
        out += struct.pack("<fI", scale, len(cols))
        for j in cols:
            q = [int(round(x / scale)) for x in coef[:, j]]
            out += struct.pack(f"<I{k}h", j, *q)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(out)
    os.replace(tmp, path)
    print(f"{path}: {len(out)} bytes, {len(models)} frameworks")


def read(path):
    data = open(path, "rb").read()
    assert data[:8] == MAGIC, f"{path}: not a section model"
    p = 8
    bits, bins, ctx, nf = struct.unpack_from("<IIfI", data, p)
    p += 16
    assert (bits, bins) == (BITS, POS_BINS)

    def text():
        nonlocal p
        (n,) = struct.unpack_from("<H", data, p)
        p += 2
        s = data[p:p + n].decode()
        p += n
        return s

    models = {}
    for _ in range(nf):
        fw = text()
        (k,) = struct.unpack_from("<I", data, p)
        p += 4
        classes = [text() for _ in range(k)]
        intercept = struct.unpack_from(f"<{k}f", data, p)
        p += 4 * k
        (default_idf,) = struct.unpack_from("<f", data, p)
        p += 4
        (ni,) = struct.unpack_from("<I", data, p)
        p += 4
        idf = {}
        for _ in range(ni):
            b, v = struct.unpack_from("<If", data, p)
            p += 8
            idf[b] = v
        scale, nc = struct.unpack_from("<fI", data, p)
        p += 8
        coef = {}
        for _ in range(nc):
            vals = struct.unpack_from(f"<I{k}h", data, p)
            p += 4 + 2 * k
            coef[vals[0]] = [scale * q for q in vals[1:]]
        models[fw] = {"classes": classes, "intercept": intercept, "idf": idf,
                      "default_idf": default_idf, "coef": coef}
    return models


def log_probs(m, texts, nwords):
    X = design(texts, nwords, m["idf"], m["default_idf"])
    out = []
    for i in range(X.shape[0]):
        row = X.getrow(i)
        z = list(m["intercept"])
        for j, x in zip(row.indices, row.data):
            c = m["coef"].get(int(j))
            if c:
                z = [a + x * b for a, b in zip(z, c)]
        top = max(z)
        lse = top + math.log(sum(math.exp(a - top) for a in z))
        out.append([a - lse for a in z])
    return out


def table(model_path, out, reports):
    models = read(model_path)
    t = {}
    for r in reports:
        rep = json.load(open(r))
        m = models.get(rep["framework"])
        texts = [s["text"] for s in rep["sentences"]]
        if m is None or not texts:
            continue
        nwords = [s["n_words"] for s in rep["sentences"]]
        for tx, lp in zip(texts, log_probs(m, texts, nwords)):
            t.setdefault(tx, {}).update({f"{rep['framework']}/{c}": v
                                         for c, v in zip(m["classes"], lp)})
    json.dump(t, open(out, "w"))
    print(f"{out}: {len(t)} sentences")


def score(names_file, test_names):
    names = [l.strip() for l in open(names_file) if l.strip() and not l.startswith("#")]
    overlap = sorted(set(names) & set(test_names))
    if overlap:
        sys.exit(f"{names_file}: fitted on {', '.join(overlap)}; "
                 "score only answers it was not fitted on")
    models = fit(names)
    right, words = {}, {}
    for n in test_names:
        fw, labels, texts = load_answer(n)
        m = models.get(fw)
        if m is None:
            continue
        nw = [len(TOKEN.findall(t.lower())) for t in texts]
        X = design(texts, nw, m["idf"], m["default_idf"])
        for got, want, w in zip(m["clf"].predict(X), labels, nw):
            for key in ("all", fw, fw + "/" + want):
                words[key] = words.get(key, 0) + w
                right[key] = right.get(key, 0) + (w if got == want else 0)
    for key in sorted(words, key=lambda k: (k != "all", k)):
        print(f"{key:32} {right[key] / words[key]:.4f}  ({words[key]} words)")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("train", "table", "score"):
        sys.exit(__doc__)
    if sys.argv[1] == "train":
        write(fit(sys.argv[3:]), sys.argv[2])
    elif sys.argv[1] == "score":
        score(sys.argv[2], sys.argv[3:])
    else:
        table(sys.argv[2], sys.argv[3], sys.argv[4:])


if __name__ == "__main__":
    main()
