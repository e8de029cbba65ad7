"""Probe (branch `lr`, not for main): a per-framework logistic regression over sentences of our
own answers, written as a table of log P(section | sentence) for REHEARSE_CTX_VECS.

    python3 scripts/eval/lr_probe.py train MODEL.pkl NAME...      # e01 ... e167 d01 ... (tune)
    REHEARSE_CTX_VECS=empty.json REHEARSE_CTX_W=0 REHEARSE_CTX_MISSING=miss.jsonl <run rehearse>
    python3 scripts/eval/lr_probe.py table MODEL.pkl miss.jsonl TABLE.json DEPRIOR(0|1)
    REHEARSE_CTX_VECS=TABLE.json REHEARSE_CTX_W=2 [REHEARSE_CTX_REPLACE=1] <run rehearse>

Needs numpy and scikit-learn. Measured in stop 29 and not kept: docs/measurements.md on main.
"""
import json, re, sys, os, pickle, math
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANS = os.path.join(ROOT, 'tests/eval/answers')
DEV = os.path.join(os.environ.get('REHEARSE_SHARED', os.path.join(ROOT, '..', 'shared')), 'eval/dev')

def split(t):
    return [s for s in re.split(r'(?<=[.!?])\s+', t.strip()) if s]

def answers(names):
    for n in names:
        p = f'{DEV}/{n}.json' if n.startswith('d') else f'{ANS}/{n}.json'
        a = json.load(open(p))
        yield a['framework'], [(s['id'], x) for s in a['sections'] for x in split(s['text'])]

def train(names, C=4.0):
    by = {}
    for fw, sents in answers(names):
        by.setdefault(fw, []).extend(sents)
    models = {}
    for fw, sents in by.items():
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True,
                              token_pattern=r"[a-z0-9']+")
        X = vec.fit_transform([x for _, x in sents]); y = [l for l, _ in sents]
        clf = LogisticRegression(C=C, max_iter=2000).fit(X, y)
        prior = {c: y.count(c) / len(y) for c in clf.classes_}
        models[fw] = (vec, clf, prior)
    return models

def scores(models, fw, text, deprior):
    vec, clf, prior = models[fw]
    lp = clf.predict_log_proba(vec.transform([text]))[0]
    return {f'{fw}/{c}': float(v - (math.log(prior[c]) if deprior else 0.0)) for c, v in zip(clf.classes_, lp)}

if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'train':
        out = sys.argv[2]; names = sys.argv[3:]
        pickle.dump(train(names), open(out, 'wb'))
    elif cmd == 'table':  # model missing.jsonl table.json deprior
        models = pickle.load(open(sys.argv[2], 'rb')); miss = sys.argv[3]; tab = sys.argv[4]
        deprior = sys.argv[5] == '1'
        t = json.load(open(tab)) if os.path.exists(tab) else {}
        for line in open(miss):
            fw, text = json.loads(line)
            if fw in models:
                t.setdefault(text, {}).update(scores(models, fw, text, deprior))
        json.dump(t, open(tab, 'w'))
        print(len(t), 'entries')
