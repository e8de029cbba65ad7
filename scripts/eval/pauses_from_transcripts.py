#!/usr/bin/env python3
"""Scores rehearse transcripts of synthesized answers (shared/eval/synth.py output) on timing.

    python3 scripts/eval/pauses_from_transcripts.py --answers shared/eval/dev \
        --truth /tmp/rehearse-eval/dev --transcripts DIR [-v]

Per answer and pooled: pause precision/recall/F1 (gaps of 1 s or more between consecutive
transcript words against the truth's `pauses`, matched by overlap as score_real.py does), WER
against the answer text, and the start error of each section's first word (the truth's section
`start_s` is exact; the word is found through the WER alignment), which is the one word-timing
check this data allows. Imports score_real.py from the shared evaluation folder
(scripts/eval/shared_eval.py says where) for its tokenizer and alignment, so the numbers are
comparable with eval-real.sh.
"""
import argparse
import glob
import json
import os

from shared_eval import import_score_real

sr = import_score_real("pauses_from_transcripts.py")

PAUSE_S = 1.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--transcripts", required=True)
    ap.add_argument("-v", action="store_true", help="print per-answer rows and section starts")
    a = ap.parse_args()
    tp = fp = fn = errs = nref = 0
    starts = []
    for tf in sorted(glob.glob(os.path.join(a.truth, "*.truth.json"))):
        truth = json.load(open(tf))
        name = truth["name"]
        path = os.path.join(a.transcripts, name + ".json")
        if not os.path.exists(path):
            continue
        answer = json.load(open(os.path.join(a.answers, truth["answer_file"])))
        words = json.load(open(path)).get("words", [])
        hyp = sr.timed_tokens(words)
        ref, sec_first = [], []
        for sec in answer["sections"]:
            sec_first.append(len(ref))
            ref += sr.norm_tokens(sec["text"])
        e, pairs = sr.align(ref, [t for t, _, _ in hyp])
        errs, nref = errs + e, nref + len(ref)
        m = dict(pairs)
        sec_err = []
        for k, sec in enumerate(truth["sections"]):
            j = m.get(sec_first[k])
            if j is not None:
                sec_err.append(round(hyp[j][1] - sec["start_s"], 3))
        starts += sec_err
        t_p = [(p["start_s"], p["end_s"]) for p in truth["pauses"]]
        h_p = sr.gaps(hyp, PAUSE_S)
        hits = sr.match_intervals(t_p, h_p)
        tp, fp, fn = tp + hits, fp + len(h_p) - hits, fn + len(t_p) - hits
        if a.v:
            print(f"{name}: wer={e / max(1, len(ref)):.3f} pauses truth={t_p} hyp="
                  f"{[(round(s, 2), round(t, 2)) for s, t in h_p]} section start err={sec_err}")
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    mae = sum(abs(x) for x in starts) / len(starts) if starts else float("nan")
    bias = sum(starts) / len(starts) if starts else float("nan")
    print(f"pause_p={prec:.3f} pause_r={rec:.3f} pause_f1={f1:.3f} (tp={tp} fp={fp} fn={fn}) "
          f"wer={errs / max(1, nref):.3f} section_start_mae={mae:.3f} bias={bias:+.3f} n={len(starts)}")


if __name__ == "__main__":
    main()
