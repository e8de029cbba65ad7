#!/usr/bin/env python3
"""Benchmark helper: transcribe one WAV once with pywhispercpp (whisper.cpp from Python).

Run by scripts/bench-transcribe.sh inside its venv (target/bench-venv); the whole process is
timed from outside, so this does exactly what a user's script would: import, load the ggml
model, read the WAV, transcribe, write the text.

    python pywhispercpp_run.py WAV GGML_MODEL THREADS OUT_TXT [--profile default|rehearse]

--profile default   pywhispercpp's defaults (whisper.cpp defaults: flash attention on, no
                    token timestamps, no prompt), greedy decoding, language "en".
--profile rehearse  the settings `rehearse transcribe` uses by default: flash attention off,
                    DTW word timestamps (tiny.en/base.en/... preset), token timestamps on, the
                    short filler prompt, greedy best_of 1. Used to tell engine-level cost from
                    wrapper overhead.
Phase times go to stderr as one JSON line.
"""
import argparse
import json
import os
import sys
import time

T_START = time.perf_counter()

FILLER_PROMPT = "Um, uh, hmm, er, ah."  # keep in sync with src/transcribe/mod.rs

AHEADS = {
    "tiny.en": "WHISPER_AHEADS_TINY_EN", "tiny": "WHISPER_AHEADS_TINY",
    "base.en": "WHISPER_AHEADS_BASE_EN", "base": "WHISPER_AHEADS_BASE",
    "small.en": "WHISPER_AHEADS_SMALL_EN", "small": "WHISPER_AHEADS_SMALL",
    "medium.en": "WHISPER_AHEADS_MEDIUM_EN", "medium": "WHISPER_AHEADS_MEDIUM",
}


def guess_size(path):
    """Model size from the file name (ggml-tiny.en.bin, ggml-tiny.en-q8_0.bin, ...)."""
    name = os.path.basename(path).lower()
    for key in sorted(AHEADS, key=len, reverse=True):
        if f"-{key}." in name or f"-{key}-" in name:
            return key
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wav")
    ap.add_argument("model")
    ap.add_argument("threads", type=int)
    ap.add_argument("out")
    ap.add_argument("--profile", choices=["default", "rehearse"], default="default")
    a = ap.parse_args()
    if not os.path.isfile(a.model):
        # pywhispercpp would try to download a model by that name: never do that here.
        sys.exit(f"error: ggml model not found: {a.model}")

    import _pywhispercpp as pw
    from pywhispercpp.model import Model
    t_import = time.perf_counter()

    params = dict(n_threads=a.threads, language="en", print_progress=False,
                  print_realtime=False, print_timestamps=False)
    ctx = None
    if a.profile == "rehearse":
        size = guess_size(a.model)
        ctx = {"flash_attn": False}
        if size:
            ctx["dtw_token_timestamps"] = True
            ctx["dtw_aheads_preset"] = getattr(pw.whisper_alignment_heads_preset, AHEADS[size])
        params.update(token_timestamps=True, initial_prompt=FILLER_PROMPT,
                      greedy={"best_of": 1})
    model = Model(a.model, redirect_whispercpp_logs_to=None, context_params=ctx, **params)
    t_load = time.perf_counter()
    segments = model.transcribe(a.wav)
    t_run = time.perf_counter()
    text = " ".join(s.text.strip() for s in segments).strip()
    with open(a.out, "w") as f:
        f.write(text + "\n")
    print(json.dumps({"import_s": round(t_import - T_START, 3),
                      "load_s": round(t_load - t_import, 3),
                      "transcribe_s": round(t_run - t_load, 3)}), file=sys.stderr)


if __name__ == "__main__":
    main()
