#!/usr/bin/env python3
"""Benchmark helper: transcribe one WAV once with faster-whisper (CTranslate2).

Run by scripts/bench-transcribe.sh inside its venv (target/bench-venv); the whole process is
timed from outside: import, load the CTranslate2 model directory, decode the audio, transcribe
(greedy: beam_size 1, best_of 1), write the text.

    python faster_whisper_run.py WAV CT2_DIR THREADS COMPUTE_TYPE OUT_TXT [--word-timestamps]

COMPUTE_TYPE: int8, float32, int8_float32, ... (CPU). cpu_threads=THREADS, num_workers=1.
Phase times go to stderr as one JSON line.
"""
import argparse
import json
import os
import sys
import time

T_START = time.perf_counter()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wav")
    ap.add_argument("model_dir")
    ap.add_argument("threads", type=int)
    ap.add_argument("compute_type")
    ap.add_argument("out")
    ap.add_argument("--word-timestamps", action="store_true")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.model_dir, "model.bin")):
        # faster-whisper would treat an unknown name as a Hugging Face repo: never download here.
        sys.exit(f"error: CTranslate2 model not found: {a.model_dir}/model.bin")

    from faster_whisper import WhisperModel
    t_import = time.perf_counter()
    model = WhisperModel(a.model_dir, device="cpu", compute_type=a.compute_type,
                         cpu_threads=a.threads, num_workers=1, local_files_only=True)
    t_load = time.perf_counter()
    segments, _info = model.transcribe(a.wav, language="en", beam_size=1, best_of=1,
                                       word_timestamps=a.word_timestamps, vad_filter=False)
    text = " ".join(s.text.strip() for s in segments).strip()  # the generator does the work
    t_run = time.perf_counter()
    with open(a.out, "w") as f:
        f.write(text + "\n")
    print(json.dumps({"import_s": round(t_import - T_START, 3),
                      "load_s": round(t_load - t_import, 3),
                      "transcribe_s": round(t_run - t_load, 3)}), file=sys.stderr)


if __name__ == "__main__":
    main()
