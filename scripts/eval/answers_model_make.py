#!/usr/bin/env python3
"""Writes a TOML of [[role]] tables, one per framework--section, with the sentences of the given
answers (probe of stop 27; see answers_model_cv.sh)."""
import json,re,sys
from collections import defaultdict
out=sys.argv[1]; files=sys.argv[2:]
ex=defaultdict(list)
for f in files:
    a=json.load(open(f))
    for s in a['sections']:
        for sent in re.split(r'(?<=[.!?])\s+', s['text'].strip()):
            if sent: ex[f"{a['framework']}--{s['id']}"].append(sent)
def q(x): return json.dumps(x)
with open(out,'w') as o:
    for k,v in sorted(ex.items()):
        o.write(f'[[role]]\nid = {q(k)}\nname = {q(k)}\nexamples = [{", ".join(q(x) for x in v)}]\n\n')
