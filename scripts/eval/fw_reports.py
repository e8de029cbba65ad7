#!/usr/bin/env python3
"""Transcribe eval WAVs with faster-whisper (CTranslate2) and write minimal report files.

The reports hold only `duration_s` and `words`, so `score.py` gives faster-whisper's WER on the
same audio as rehearse's (the other metrics are meaningless for it). Used by
`scripts/eval.sh --faster-whisper`:

    fw_reports.py MODEL_DIR AUDIO_DIR REPORTS_DIR [--compute-type int8] [--threads 2]
"""
import argparse
import json
import pathlib
import wave


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model_dir")
    p.add_argument("audio_dir")
    p.add_argument("reports_dir")
    p.add_argument("--compute-type", default="int8")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    from faster_whisper import WhisperModel

    model = WhisperModel(a.model_dir, device="cpu", compute_type=a.compute_type,
                         cpu_threads=a.threads)
    out = pathlib.Path(a.reports_dir)
    out.mkdir(parents=True, exist_ok=True)
    for wav in sorted(pathlib.Path(a.audio_dir).glob("*.wav")):
        with wave.open(str(wav)) as w:
            duration = w.getnframes() / w.getframerate()
        # Greedy decoding, like rehearse's whisper.cpp settings.
        segments, _ = model.transcribe(str(wav), language="en", beam_size=1,
                                       word_timestamps=True, condition_on_previous_text=True)
        words = [{"text": w.word.strip(), "start_s": w.start, "end_s": w.end}
                 for s in segments for w in (s.words or [])]
        (out / (wav.stem + ".json")).write_text(json.dumps({"duration_s": duration,
                                                            "words": words}))


if __name__ == "__main__":
    main()
