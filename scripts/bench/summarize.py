#!/usr/bin/env python3
"""Benchmark helper: turn the raw timings of scripts/bench-transcribe.sh into a report.

    python summarize.py RUN_DIR

RUN_DIR holds: results.tsv (tool, run, wall_s, rss_kb, user_s, sys_s, other_cpu_s, phases),
tools.tsv (tool id, label, settings), text/<tool>.txt (one transcript per tool),
meta.json (audio path and duration, threads, versions, reference text path).
Prints a per-tool summary, the transcripts' first 80 characters, the verdicts, and a
Markdown table; also writes the table to RUN_DIR/table.md.
"""
import json
import os
import re
import statistics
import sys

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spell(n):
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        return ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + spell(n % 100))
    if n < 1_000_000:
        return spell(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + spell(n % 1000))
    return str(n)


def spell_match(m):
    s = m.group(0).replace(",", "")
    if "." in s:
        a, b = s.split(".", 1)
        return spell(int(a)) + " point " + " ".join(ONES[int(c)] for c in b)
    return spell(int(s))


FILLERS = {"um", "uh", "hmm", "er", "ah", "mm"}


def words(text):
    """Lower-case words, digits spelled out, fillers dropped: a rough WER normalizer."""
    s = text.lower()
    s = re.sub(r"\d[\d,]*(\.\d+)?", spell_match, s)
    s = s.replace("%", " percent").replace("-", " ")
    s = s.replace(" and a half", " point five")
    s = re.sub(r"[^a-z' ]", " ", s)
    return [w for w in s.split() if w not in FILLERS]


def wer(ref, hyp):
    if not ref:
        return float("nan")
    d = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        prev, d[0] = d[:], i
        for j in range(1, len(hyp) + 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (ref[i - 1] != hyp[j - 1]))
    return d[-1] / len(ref)


def main():
    run_dir = sys.argv[1]
    meta = json.load(open(os.path.join(run_dir, "meta.json")))
    tools = []
    labels, settings = {}, {}
    for line in open(os.path.join(run_dir, "tools.tsv")):
        tid, label, sett = line.rstrip("\n").split("\t")
        tools.append(tid)
        labels[tid], settings[tid] = label, sett
    rows = {t: [] for t in tools}
    for line in open(os.path.join(run_dir, "results.tsv")):
        tid, run, wall, rss, user, sys_, other, phases = line.rstrip("\n").split("\t")
        rows[tid].append(dict(wall=float(wall), rss=int(rss), cpu=float(user) + float(sys_),
                              other=float(other), phases=phases))
    audio_s = meta["audio_s"]
    ref_words = None
    if meta.get("reference") and os.path.isfile(meta["reference"]):
        ref_words = words(open(meta["reference"]).read())

    stats = {}
    for t in tools:
        r = rows[t]
        if not r:
            continue
        walls = [x["wall"] for x in r]
        st = dict(median=statistics.median(walls), min=min(walls), max=max(walls),
                  rss_mb=max(x["rss"] for x in r) / 1024.0,
                  cpu=statistics.median(x["cpu"] for x in r),
                  noisy=sum(1 for x in r if x["other"] > 0.10 * x["wall"]), n=len(r))
        phases = [json.loads(x["phases"]) for x in r if x["phases"].startswith("{")]
        if phases:
            st["phases"] = {k: statistics.median(p[k] for p in phases) for k in phases[0]}
        txt_path = os.path.join(run_dir, "text", t + ".txt")
        st["text"] = open(txt_path).read().strip() if os.path.isfile(txt_path) else ""
        st["wer"] = wer(ref_words, words(st["text"])) if ref_words else None
        stats[t] = st

    base = stats.get("rehearse")
    out = []
    out.append(f"Audio: {meta['wav']} ({audio_s:.1f} s), threads: {meta['threads']}, "
               f"runs: {meta['runs']} (+{meta['warmup']} warm-up), CPU: {meta['cpu']}")
    out.append("")
    head = ("| Tool | Settings | Median s | Min s | Max s | rehearse / tool | RTF | "
            "Peak RSS MB |" + (" WER |" if ref_words else ""))
    out.append(head)
    out.append("|" + "---|" * (head.count("|") - 1))
    for t in tools:
        if t not in stats:
            continue
        st = stats[t]
        ratio = f"{base['median'] / st['median']:.2f}" if base else "n/a"
        line = (f"| {labels[t]} | {settings[t]} | {st['median']:.2f} | {st['min']:.2f} | "
                f"{st['max']:.2f} | {ratio} | {st['median'] / audio_s:.3f} | {st['rss_mb']:.0f} |")
        if ref_words:
            line += f" {100 * st['wer']:.1f}% |"
        out.append(line)
    table = "\n".join(out)

    print()
    print("Per tool: median CPU time (user+sys), phases inside the process (Python tools), noisy runs")
    for t in tools:
        if t not in stats:
            continue
        st = stats[t]
        ph = ", ".join(f"{k} {v:.2f}" for k, v in st.get("phases", {}).items())
        print(f"  {t:22s} cpu {st['cpu']:6.2f} s  {ph or '(one native process)'}"
              + (f"  [{st['noisy']}/{st['n']} runs had other CPU load >10%]" if st["noisy"] else ""))
    print()
    print("Transcripts (first 80 characters):")
    for t in tools:
        if t in stats:
            print(f"  {t:22s} {stats[t]['text'][:80]!r}")
    print()
    if base:
        print("Verdicts (issue 17's targets):")
        # rehearse / tool, at most: pywhispercpp's defaults 0.85, faster-whisper int8 with word
        # timestamps 1.0; the other faster-whisper settings are shown without a target.
        targets = {"pywhispercpp": 0.85, "fw-int8-words": 1.0}
        for t in tools:
            if t == "rehearse" or t not in stats or not (t == "pywhispercpp" or t.startswith("fw-")):
                continue
            r = base["median"] / stats[t]["median"]
            if t in targets:
                verdict = f"(target <= {targets[t]:.2f}): " + ("PASS" if r <= targets[t] else "FAIL")
            else:
                verdict = "(no target): " + ("rehearse ahead" if r < 1.0 else "rehearse behind")
            print(f"  rehearse / {t} = {r:.3f} {verdict}")
        print()
    print("Versions:")
    for k, v in meta["versions"].items():
        print(f"  {k}: {v}")
    print()
    print("Markdown table (RTF = median wall / audio length; rehearse / tool < 1 means rehearse is faster):")
    print()
    print(table)
    with open(os.path.join(run_dir, "table.md"), "w") as f:
        f.write(table + "\n")


if __name__ == "__main__":
    main()
