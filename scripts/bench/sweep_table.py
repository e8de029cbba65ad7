#!/usr/bin/env python3
"""The table of scripts/bench/sweep.sh: one row per setting, from the results it kept.

    python3 scripts/bench/sweep_table.py DIR      (DIR = target/sweep)

Reads DIR/<setting>/ (setting.txt, counts.txt, score.json, real.txt, bench/results.tsv, live.txt),
prints two Markdown tables (accuracy; work and speed) and writes them to DIR/table.md.
A step that was not run shows as "-". Standard library only.
"""
import json
import os
import statistics
import sys


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def counts(d):
    """passes.sh's lines, keyed by the WAV's name."""
    out = {}
    for line in (read(os.path.join(d, "counts.txt")) or "").splitlines()[1:]:
        f = line.split()
        if len(f) >= 9:
            out[f[0]] = dict(calls=int(f[2]), encoder=int(f[3]), decoder=int(f[4]),
                             fallbacks=int(f[5]), steps=int(f[6]), frames=int(f[7]))
    return out


def dev(d):
    raw = read(os.path.join(d, "score.json"))
    if not raw:
        return None
    try:
        s = json.loads(raw)
    except ValueError:
        return None
    rows = s.get("per_answer", [])
    we = sum(r.get("wer_edits") or 0 for r in rows)
    wr = sum(r.get("wer_ref_words") or 0 for r in rows)
    fm = sum(r.get("fillers_matched", 0) for r in rows)
    ft = sum(r.get("fillers_truth", 0) for r in rows)
    return dict(answers=len(rows), wer=we / wr if wr else None, edits=we,
                filler_recall=fm / ft if ft else None, fillers=f"{fm}/{ft}",
                pause_f1=s.get("pause_f1"), sections=s.get("sections"), signals=s.get("signals"))


def real(d):
    """eval-real.sh's summary lines: {'transcripts': {set: {...}}, 'analysis': {...}}."""
    raw = read(os.path.join(d, "real.txt"))
    if raw is None:
        return None
    out = {"transcripts": {}, "analysis": {}}
    part = "transcripts"
    for line in raw.splitlines():
        if line.startswith("analysis reports"):
            part = "analysis"
            continue
        f = line.split()
        if f and f[0] in ("monologue", "clips", "phone-call"):
            kv = dict(x.split("=", 1) for x in f[1:] if "=" in x)
            out[part][f[0]] = {k: (None if v == "None" else float(v)) for k, v in kv.items()}
    return out


def bench(d):
    raw = read(os.path.join(d, "bench", "results.tsv"))
    if not raw:
        return None
    wall, rss = {}, {}
    for line in raw.splitlines():
        f = line.split("\t")
        if len(f) >= 4:
            wall.setdefault(f[0], []).append(float(f[2]))
            rss.setdefault(f[0], []).append(int(f[3]))
    med = {t: statistics.median(v) for t, v in wall.items()}
    r = med.get("rehearse")
    return dict(rehearse=r, rss_mb=max(rss.get("rehearse", [0])) / 1024,
                fw=(r / med["fw-int8-words"]) if r and med.get("fw-int8-words") else None,
                pyw=(r / med["pywhispercpp"]) if r and med.get("pywhispercpp") else None,
                fw_s=med.get("fw-int8-words"), pyw_s=med.get("pywhispercpp"))


def fmt(v, spec="{:.3f}"):
    return "-" if v is None else spec.format(v)


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "target/sweep"
    # Rows in the order the settings were first swept (setting.txt is written once).
    dirs = sorted((x for x in os.listdir(top) if os.path.isfile(os.path.join(top, x, "setting.txt"))),
                  key=lambda x: os.path.getmtime(os.path.join(top, x, "setting.txt")))
    acc = ["| setting | dev WER | dev fillers | dev pause F1 | mono WER | mono fillers "
           "| mono start err | mono pause F1 | clips WER | clips filler recall / precision "
           "| phone WER | analysis pause F1 (mono/clips/phone) | live = offline |",
           "|" + " --- |" * 13]
    spd = ["| setting | sample: stretches / encoder frames | phone: encoder / decoder runs "
           "/ frames | rehearse (median) | / fw-int8 words | / pywhispercpp | peak RSS |",
           "|" + " --- |" * 7]
    for n in dirs:
        d = os.path.join(top, n)
        setting = read(os.path.join(d, "setting.txt"))
        label = f"`{setting}`" if setting else "defaults"
        v, r, c, b = dev(d), real(d), counts(d), bench(d)
        live = (read(os.path.join(d, "live.txt")) or "-").strip()
        t = (r or {}).get("transcripts", {})
        a = (r or {}).get("analysis", {})
        mono, clips, phone = t.get("monologue", {}), t.get("clips", {}), t.get("phone-call", {})
        acc.append("| " + " | ".join([
            label,
            fmt(v and v["wer"], "{:.4f}") + (f" ({v['edits']} edits)" if v else ""),
            fmt(v and v["filler_recall"]) + (f" ({v['fillers']})" if v else ""),
            fmt(v and v["pause_f1"], "{:.2f}"),
            fmt(mono.get("wer")), fmt(mono.get("filler_recall")),
            fmt(mono.get("start_mae_s"), "{:.3f} s"), fmt(mono.get("pause_f1")),
            fmt(clips.get("wer")),
            fmt(clips.get("filler_recall")) + " / " + fmt(clips.get("filler_precision")),
            fmt(phone.get("wer")),
            "/".join(fmt(a.get(s, {}).get("pause_f1"), "{:.2f}") for s in ("monologue", "clips", "phone-call")),
            live]) + " |")
        s, p = c.get("failure-star.wav"), c.get("phone-call.wav")
        spd.append("| " + " | ".join([
            label,
            f"{s['calls']} / {s['frames']}" if s else "-",
            f"{p['encoder']} / {p['decoder']} / {p['frames']}" if p else "-",
            fmt(b and b["rehearse"], "{:.2f} s"),
            fmt(b and b["fw"], "{:.2f}") + (f" ({b['fw_s']:.2f} s)" if b and b["fw_s"] else ""),
            fmt(b and b["pyw"], "{:.2f}") + (f" ({b['pyw_s']:.2f} s)" if b and b["pyw_s"] else ""),
            fmt(b and b["rss_mb"], "{:.0f} MB")]) + " |")
    text = "Accuracy\n\n" + "\n".join(acc) + "\n\nWork and speed\n\n" + "\n".join(spd) + "\n"
    print(text)
    with open(os.path.join(top, "table.md"), "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
