#!/usr/bin/env python3
"""The delivery measures' accuracy figures (scripts/eval-delivery.sh prepares the data and runs
this in its venv, with praat-parselmouth).

Usage: delivery_eval.py WORK REHEARSE TRACK_BIN [--json] [--variant SET=DIR]... SET=WAV...

SET=WAV names the audio the pitch tracks are compared on (sets `real` and `dev`). WORK holds
transcripts with known words, `transcripts/<set>/NAME.json` (reference_transcripts.py), for the sets dev
(synth.py as it is) and real (../shared/real-speech); each transcript names its audio.
`--variant dev-f0sd0=DIR` names a folder of the dev answers spoken again with another pitch
spread (synth_pitch.py): they differ from dev only in F0 (lengths within 20 ms), so they are
analyzed with dev's transcripts, the audio swapped, which keeps Whisper out of the comparison.
This writes `reports/<set>/NAME.json` and the trailing-off variants under `trail/`.

Figures, in this order:
  pitch       rehearse's F0 track against Praat's (delivery_pitch.py) on real and dev
  monotone    dev-f0sd0 and dev-flat must all raise `monotone`, dev-f0sd80 none, real none;
              with each answer's pitch variation
  trailing    every dev answer with the last 30% of each sentence 10 dB down (sox) must raise
              `trailing-off`; the originals must not
  signals     how often each delivery signal fires per set (false alarms show here)
"""

import json
import os
import subprocess
import sys
import tempfile

import delivery_pitch

DELIVERY = ["monotone", "trailing-off", "quiet", "clipping", "repetitive"]
END_SHARE = 0.3
END_GAIN_DB = -10.0


def analyze(rehearse, transcript, out, framework=None, store=None):
    cmd = [rehearse, "--quiet", "analyze", transcript, "--format", "json", "--out", out,
           "--data-dir", store]
    if framework:
        cmd += ["--framework", framework]
    subprocess.run(cmd, check=True)
    with open(out) as f:
        return json.load(f)


def framework_of(name):
    """The dev answer's framework (the answer file's), so section-based figures match."""
    shared = os.environ.get("REHEARSE_SHARED") or os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "shared")
    p = os.path.join(shared, "eval", "dev", name + ".json")
    if os.path.isfile(p):
        with open(p) as f:
            return json.load(f).get("framework")
    return None


def names(work, kind, s):
    d = os.path.join(work, kind, s)
    return sorted(f[:-5] for f in os.listdir(d) if f.endswith(".json")) if os.path.isdir(d) else []


def ids(report):
    return [s["id"] for s in report.get("signals", [])]


def derive(work, label, audio_dir):
    """transcripts/<label>/: dev's transcripts pointing at the same names in `audio_dir`."""
    out = os.path.join(work, "transcripts", label)
    os.makedirs(out, exist_ok=True)
    for n in names(work, "transcripts", "dev"):
        wav = os.path.join(audio_dir, n + ".wav")
        if not os.path.isfile(wav):
            continue
        with open(os.path.join(work, "transcripts", "dev", n + ".json")) as f:
            t = json.load(f)
        t["audio"]["path"] = os.path.abspath(wav)
        with open(os.path.join(out, n + ".json"), "w") as f:
            json.dump(t, f)


def report_set(work, rehearse, s, store):
    out = {}
    os.makedirs(os.path.join(work, "reports", s), exist_ok=True)
    for n in names(work, "transcripts", s):
        fw = framework_of(n) if s.startswith("dev") else None
        out[n] = analyze(rehearse, os.path.join(work, "transcripts", s, n + ".json"),
                         os.path.join(work, "reports", s, n + ".json"), fw, store)
    return out


def variation(r):
    p = (r.get("delivery") or {}).get("pitch") or {}
    return p.get("variation_st"), p.get("voiced_s")


def fade_ends(src, dst, report):
    """Writes src with the last END_SHARE of every sentence END_GAIN_DB quieter, with sox."""
    import wave
    with wave.open(src) as w:
        rate, n = w.getframerate(), w.getnframes()
    cuts = []
    for s in report["sentences"]:
        start, end = s["start_s"], s["end_s"]
        a = int(round((end - END_SHARE * (end - start)) * rate))
        b = int(round(end * rate))
        if b > a:
            cuts.append((a, min(b, n)))
    with tempfile.TemporaryDirectory() as tmp:
        pieces, pos = [], 0
        for a, b in cuts + [(n, n)]:
            for (x, y, gain) in ((pos, a, None), (a, b, END_GAIN_DB)):
                if y <= x:
                    continue
                p = os.path.join(tmp, "%05d.wav" % len(pieces))
                cmd = ["sox", "-D", src, p, "trim", "%ds" % x, "=%ds" % y]
                if gain is not None:
                    cmd += ["gain", str(gain)]
                subprocess.run(cmd, check=True)
                pieces.append(p)
            pos = max(pos, b)
        subprocess.run(["sox", "-D"] + pieces + [dst], check=True)
    return len(cuts)


def trailing(work, rehearse, originals, store):
    rows = []
    tdir = os.path.join(work, "trail")
    os.makedirs(tdir, exist_ok=True)
    for n, orig in sorted(originals.items()):
        with open(os.path.join(work, "transcripts", "dev", n + ".json")) as f:
            t = json.load(f)
        src = t["audio"]["path"]
        if not os.path.isabs(src):
            src = os.path.join(os.getcwd(), src)
        wav = os.path.join(tdir, n + ".wav")
        faded = fade_ends(src, wav, orig)
        t["audio"]["path"] = os.path.abspath(wav)
        tj = os.path.join(tdir, n + ".json")
        with open(tj, "w") as f:
            json.dump(t, f)
        mod = analyze(rehearse, tj, os.path.join(tdir, n + ".report.json"), framework_of(n), store)
        lo = orig["delivery"].get("loudness") or {}
        lm = mod["delivery"].get("loudness") or {}
        rows.append({
            "name": n,
            "sentences_faded": faded,
            "original": "trailing-off" in ids(orig),
            "original_trailing": lo.get("trailing_sentences"),
            "faded": "trailing-off" in ids(mod),
            "faded_trailing": lm.get("trailing_sentences"),
            "judged": lm.get("judged_sentences"),
        })
    return rows


def main(argv):
    as_json = "--json" in argv
    argv = [a for a in argv if a != "--json"]
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    variants = {}
    rest = []
    i = 0
    while i < len(argv):
        if argv[i] == "--variant":
            label, _, d = argv[i + 1].partition("=")
            variants[label] = d
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    work, rehearse, track_bin, audio = rest[0], rest[1], rest[2], rest[3:]
    for label, d in variants.items():
        derive(work, label, d)
    store = tempfile.mkdtemp(prefix="rehearse-eval-empty-history-")
    result = {}

    # Pitch against Praat.
    tracks = os.path.join(work, "tracks.jsonl")
    with open(tracks, "w") as f:
        subprocess.run([track_bin, "track"] + [a.partition("=")[2] for a in audio],
                       check=True, stdout=f)
    result["pitch"] = delivery_pitch.run(tracks, audio)

    # Reports.
    reports = {s: report_set(work, rehearse, s, store)
               for s in ["dev", "real"] + sorted(variants)}

    # Monotone.
    mono = {}
    expect = {"dev-f0sd0": True, "dev-flat": True, "dev-f0sd80": False, "real": False}
    for s in reports:
        want = expect.get(s)
        rows = []
        for n, r in sorted(reports[s].items()):
            v, voiced = variation(r)
            rows.append({"name": n, "variation_st": v, "voiced_s": voiced,
                         "monotone": "monotone" in ids(r)})
        judged = [x for x in rows if x["variation_st"] is not None]
        called = sum(x["monotone"] for x in rows)
        vs = sorted(x["variation_st"] for x in judged)
        mono[s] = {
            "answers": len(rows), "judged": len(judged), "monotone": called,
            "expected": want,
            "ok": (want is None) or (called == len(rows) if want else called == 0),
            "variation_min": vs[0] if vs else None, "variation_max": vs[-1] if vs else None,
            "rows": rows,
        }
    result["monotone"] = mono

    # Trailing off.
    rows = trailing(work, rehearse, reports["dev"], store)
    result["trailing"] = {
        "answers": len(rows),
        "faded_raised": sum(r["faded"] for r in rows),
        "original_raised": sum(r["original"] for r in rows),
        "rows": rows,
    }

    # Every delivery signal per set.
    result["signals"] = {
        s: {sig: sum(sig in ids(r) for r in reports[s].values()) for sig in DELIVERY}
        for s in reports
    }
    result["signals"]["dev-faded-ends"] = {
        "trailing-off": result["trailing"]["faded_raised"]}

    if as_json:
        print(json.dumps(result, indent=1))
        return 0
    for label, s in result["pitch"].items():
        if label != "per_file":
            print("pitch " + delivery_pitch.line(label, s))
    for s, m in mono.items():
        want = {True: "all", False: "none", None: "(no expectation)"}[m["expected"]]
        print("monotone %-11s %d of %d answers called monotone (expected %s)%s; %d judged, "
              "variation %s-%s semitones" % (
                  s, m["monotone"], m["answers"], want, "" if m["ok"] else "  <-- FAILS",
                  m["judged"],
                  "-" if m["variation_min"] is None else "%.2f" % m["variation_min"],
                  "-" if m["variation_max"] is None else "%.2f" % m["variation_max"]))
    t = result["trailing"]
    print("trailing-off: faded sentence ends raise it in %d of %d answers (want all); the "
          "originals in %d (want none)" % (t["faded_raised"], t["answers"], t["original_raised"]))
    for s, c in result["signals"].items():
        print("signals %-14s %s" % (s, " ".join("%s=%d" % kv for kv in c.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
