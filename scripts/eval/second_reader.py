#!/usr/bin/env python3
"""How far does a second careful reader agree with an answer's writer on its sections?

The section figures in docs/measurements.md compare rehearse with the labels of the person who
wrote each answer. Where writers would label the same sentence differently, no analysis can
reach 1.00; this measures how close another reader gets, on the same sentences rehearse sees.

    # 1. blind packets: each answer's sentences (rehearse's own split of the reference
    #    transcript), the question and the framework's sections, no labels; dealt at random into
    #    GROUPS folders (one per reader) under neutral names, with the key in PACKET_DIR/map.json
    python3 scripts/eval/second_reader.py packets PACKET_DIR --groups 8 --seed 12 REF_OUT...
    # 2. each reader follows scripts/eval/second_reader_prompt.md on one group folder and writes
    #    LABELS/xNN.json: ["section-id", ...], one per sentence; then back to answer names:
    python3 scripts/eval/second_reader.py unblind PACKET_DIR LABELS NAMED_LABELS
    # 3. reports with the reader's sections, scored by score.py like rehearse's
    python3 scripts/eval/second_reader.py score REF_OUT NAMED_LABELS READER_OUT
    # 4. sentence by sentence: where rehearse differs from the writer, does the reader too?
    python3 scripts/eval/second_reader.py compare NAMED_LABELS REF_OUT...
    # 5. two readers of the same answers: how often they agree with each other and the writer
    python3 scripts/eval/second_reader.py readers NAMED_LABELS_1 NAMED_LABELS_2 REF_OUT...

REF_OUT is the folder `scripts/eval/ref_eval.sh ANSWERS REF_OUT` wrote (reports on reference
transcripts, truth files, selected answers). The reader's report is rehearse's report for the
same answer with its sections replaced by the reader's (each run of sentences with one label is
a section, from its first sentence's start to its last sentence's end, as rehearse builds them)
and its signals replaced by `missing-section:ID` for each section the reader gave no sentence.
So sections, boundary and missing sections compare reader and rehearse on equal terms; the
other signals are not the reader's and are not scored. Standard library only (plus score.py).
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def shared_dir():
    d = os.environ.get("REHEARSE_SHARED", os.path.join(ROOT, "..", "shared"))
    return d if os.path.isdir(os.path.join(d, "eval")) else "/work/shared"


def load_frameworks():
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        sys.exit("second_reader.py needs Python 3.11 or newer (tomllib)")
    with open(os.path.join(ROOT, "data", "frameworks.toml"), "rb") as f:
        data = tomllib.load(f)
    return {fw["id"]: fw for fw in data["framework"]}


def names_in(ref_out):
    return sorted(n[:-5] for n in os.listdir(os.path.join(ref_out, "reports")) if n.endswith(".json"))


def packets(args):
    import random
    fws = load_frameworks()
    texts = {}
    for ref_out in args.ref_outs:
        for name in names_in(ref_out):
            rep = json.load(open(os.path.join(ref_out, "reports", name + ".json")))
            ans = json.load(open(os.path.join(ref_out, "sel", name + ".json")))
            fw = fws[rep["framework"]]
            lines = [f"# {{name}}", "", f"Question: {ans['question']}", "",
                     f"Framework: {fw['name']} (`{fw['id']}`). Its sections, in order:", ""]
            for s in fw["section"]:
                lines.append(f"- `{s['id']}` ({s['name']}): {s['about']}")
            lines += ["", "Sentences, in the order spoken:", ""]
            for i, s in enumerate(rep["sentences"]):
                lines.append(f"{i}. {s['text']}")
            lines.append("")
            texts[name] = "\n".join(lines)
    names = sorted(texts)
    random.Random(args.seed).shuffle(names)
    key = {f"{args.prefix}{k + 1:02d}": name for k, name in enumerate(names)}
    for k, (blind, name) in enumerate(key.items()):
        group = os.path.join(args.packets, f"group{k % args.groups + 1}")
        os.makedirs(group, exist_ok=True)
        with open(os.path.join(group, blind + ".md"), "w") as f:
            f.write(texts[name].replace("{name}", blind, 1))
    with open(os.path.join(args.packets, "map.json"), "w") as f:
        json.dump(key, f, indent=0)
    print(f"wrote {len(key)} packets in {args.groups} groups to {args.packets}")


def unblind(args):
    key = json.load(open(os.path.join(args.packets, "map.json")))
    os.makedirs(args.named, exist_ok=True)
    n = 0
    for blind, name in key.items():
        src = os.path.join(args.labels, blind + ".json")
        if os.path.exists(src):
            with open(src) as f, open(os.path.join(args.named, name + ".json"), "w") as g:
                g.write(f.read())
            n += 1
    print(f"{n} of {len(key)} label files copied to {args.named}")


def reader_report(rep, labels, fw_ids):
    sents = rep["sentences"]
    if len(labels) != len(sents):
        raise ValueError(f"{len(labels)} labels for {len(sents)} sentences")
    bad = [x for x in labels if x not in fw_ids]
    if bad:
        raise ValueError(f"labels not in the framework: {sorted(set(bad))}")
    sections = []
    for s, lab in zip(sents, labels):
        if sections and sections[-1]["id"] == lab:
            sections[-1]["end_s"] = s["end_s"]
        else:
            sections.append({"id": lab, "start_s": s["start_s"], "end_s": s["end_s"]})
    out = dict(rep)
    out["sections"] = sections
    out["signals"] = [{"id": f"missing-section:{i}"} for i in fw_ids if i not in labels]
    return out


def score(args):
    fws = load_frameworks()
    out_reports = os.path.join(args.out, "reports")
    os.makedirs(out_reports, exist_ok=True)
    done = []
    for name in names_in(args.ref_out):
        path = os.path.join(args.labels, name + ".json")
        if not os.path.exists(path):
            continue
        rep = json.load(open(os.path.join(args.ref_out, "reports", name + ".json")))
        ids = [s["id"] for s in fws[rep["framework"]]["section"]]
        try:
            labels = json.load(open(path))
            new = reader_report(rep, labels, ids)
        except (ValueError, json.JSONDecodeError) as e:
            sys.exit(f"{path}: {e}")
        with open(os.path.join(out_reports, name + ".json"), "w") as f:
            json.dump(new, f)
        done.append(name)
    if not done:
        sys.exit(f"{args.labels}: no label file matches an answer in {args.ref_out}")
    sel = os.path.join(args.out, "sel")
    truth = os.path.join(args.out, "truth")
    for d in (sel, truth):
        os.makedirs(d, exist_ok=True)
        for n in os.listdir(d):
            os.remove(os.path.join(d, n))
    for name in done:
        os.symlink(os.path.realpath(os.path.join(args.ref_out, "sel", name + ".json")),
                   os.path.join(sel, name + ".json"))
        os.symlink(os.path.realpath(os.path.join(args.ref_out, "truth", name + ".truth.json")),
                   os.path.join(truth, name + ".truth.json"))
    score_py = os.path.join(shared_dir(), "eval", "score.py")
    res = subprocess.run([sys.executable, score_py, "--answers", sel, "--truth", truth,
                          "--reports", out_reports, "--json"], check=True, capture_output=True,
                         text=True)
    with open(os.path.join(args.out, "score.json"), "w") as f:
        f.write(res.stdout)
    print(f"scored {len(done)} answers; {os.path.join(args.out, 'score.json')}")


def writer_labels(rep, truth):
    """The writer's section of each sentence: the truth section holding its midpoint."""
    out = []
    for x in rep["sentences"]:
        mid = (x["start_s"] + x["end_s"]) / 2
        ids = [t["id"] for t in truth["sections"] if t["start_s"] <= mid <= t["end_s"]]
        out.append(ids[0] if ids else None)
    return out


def compare(args):
    # Word-weighted tallies over sentences: which of reader (R) and rehearse (A) match the
    # writer (W), per set and pooled.
    keys = ["all agree", "only rehearse differs", "only reader differs",
            "both differ, alike", "both differ, apart"]
    pooled = dict.fromkeys(keys, 0)
    rows = []
    for ref_out in args.ref_outs:
        tally = dict.fromkeys(keys, 0)
        n = 0
        for name in names_in(ref_out):
            path = os.path.join(args.labels, name + ".json")
            if not os.path.exists(path):
                continue
            n += 1
            rep = json.load(open(os.path.join(ref_out, "reports", name + ".json")))
            truth = json.load(open(os.path.join(ref_out, "truth", name + ".truth.json")))
            reader = json.load(open(path))
            for s, w, r in zip(rep["sentences"], writer_labels(rep, truth), reader):
                a = s.get("section")
                if w is None:
                    continue
                k = ("all agree" if a == w and r == w else
                     "only rehearse differs" if r == w else
                     "only reader differs" if a == w else
                     "both differ, alike" if a == r else "both differ, apart")
                tally[k] += s["n_words"]
        for k in keys:
            pooled[k] += tally[k]
        rows.append((os.path.basename(ref_out.rstrip("/")), n, tally))
    rows.append(("pooled", sum(r[1] for r in rows), pooled))
    print("set answers " + " | ".join(keys) + " | reader=writer | rehearse=writer")
    for name, n, t in rows:
        tot = sum(t.values()) or 1
        rw = (t["all agree"] + t["only rehearse differs"]) / tot
        aw = (t["all agree"] + t["only reader differs"]) / tot
        cells = " | ".join(f"{t[k] / tot:.3f}" for k in keys)
        print(f"{name} {n} | {cells} | {rw:.3f} | {aw:.3f}")


def readers(args):
    # Word-weighted agreement over the answers both readers labelled. "Clear" sentences are
    # those where both readers agree with the writer: what an analysis could get right with no
    # ambiguity in the way.
    cols = ["reader 1=writer", "reader 2=writer", "reader 1=reader 2", "rehearse=writer",
            "clear share", "rehearse=writer on clear"]
    print("set answers | " + " | ".join(cols))
    rows, pooled, pooled_n = [], [0.0] * 7, 0
    for ref_out in args.ref_outs:
        t, n = [0.0] * 7, 0  # five agreements, clear and right on clear, then all words
        for ans in names_in(ref_out):
            p1 = os.path.join(args.labels_1, ans + ".json")
            p2 = os.path.join(args.labels_2, ans + ".json")
            if not (os.path.exists(p1) and os.path.exists(p2)):
                continue
            n += 1
            rep = json.load(open(os.path.join(ref_out, "reports", ans + ".json")))
            truth = json.load(open(os.path.join(ref_out, "truth", ans + ".truth.json")))
            r1, r2 = json.load(open(p1)), json.load(open(p2))
            for s, w, a, b in zip(rep["sentences"], writer_labels(rep, truth), r1, r2):
                if w is None:
                    continue
                k, ours = s["n_words"], s.get("section")
                clear = a == w and b == w
                for i, hit in enumerate([a == w, b == w, a == b, ours == w, clear,
                                         clear and ours == w, True]):
                    t[i] += k * hit
        rows.append((os.path.basename(ref_out.rstrip("/")), n, t))
        pooled = [x + y for x, y in zip(pooled, t)]
        pooled_n += n
    rows.append(("pooled", pooled_n, pooled))
    for name, n, t in rows:
        words = t[6] or 1.0
        cells = [t[i] / words for i in range(5)] + [t[5] / t[4] if t[4] else 0.0]
        print(f"{name} {n} | " + " | ".join(f"{c:.3f}" for c in cells))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("packets")
    p.add_argument("packets")
    p.add_argument("ref_outs", nargs="+")
    p.add_argument("--groups", type=int, default=8)
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--prefix", default="a")
    p.set_defaults(func=packets)
    u = sub.add_parser("unblind")
    u.add_argument("packets")
    u.add_argument("labels")
    u.add_argument("named")
    u.set_defaults(func=unblind)
    s = sub.add_parser("score")
    s.add_argument("ref_out")
    s.add_argument("labels")
    s.add_argument("out")
    s.set_defaults(func=score)
    c = sub.add_parser("compare")
    c.add_argument("labels")
    c.add_argument("ref_outs", nargs="+")
    c.set_defaults(func=compare)
    r = sub.add_parser("readers")
    r.add_argument("labels_1")
    r.add_argument("labels_2")
    r.add_argument("ref_outs", nargs="+")
    r.set_defaults(func=readers)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
