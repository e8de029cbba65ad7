#!/usr/bin/env python3
"""Transcripts with known words and times, in rehearse's transcript JSON, naming their audio, so
that the delivery figures measure the delivery and not Whisper.

    reference_transcripts.py dev OUT_DIR AUDIO_DIR ANSWER.json...
        the synthesized dev answers (synth.py's AUDIO_DIR/NAME.wav and NAME.truth.json): each
        section's text spread over its exact span, each word a share of it by its length
    reference_transcripts.py textgrid OUT.json AUDIO.wav FILE.TextGrid
        a forced alignment's "words" tier (real-speech/acoustic_corpus)
    reference_transcripts.py stm OUT.json AUDIO.wav FILE.stm
        utterance times (real-speech/phone-call), words spread inside each utterance

The words of one sentence keep their punctuation, so rehearse splits sentences as it would
Whisper's text.
"""
import json
import os
import re
import sys
import wave

SETTINGS = {"language": "en", "prompt": "", "timestamps": "dtw", "filler_boost": 0.0,
            "energy_snap": False, "chunk_at_pauses": False, "threads": 1}


def spread(text, start, end):
    """Words of `text` over [start, end], each a share by its length (plus one for the gap)."""
    words = text.split()
    if not words or end <= start:
        return []
    weights = [len(w) + 1 for w in words]
    total = float(sum(weights))
    out, t = [], start
    for w, k in zip(words, weights):
        d = (end - start) * k / total
        out.append({"text": w, "start_s": round(t, 3), "end_s": round(t + d * 0.9, 3), "p": 1.0})
        t += d
    return out


def write(out, wav, words):
    with wave.open(wav) as w:
        rate, n, ch, width = w.getframerate(), w.getnframes(), w.getnchannels(), w.getsampwidth()
    dur = n / float(rate)
    t = {
        "schema": 1,
        "audio": {"path": os.path.abspath(wav), "duration_s": dur, "sample_rate": rate,
                  "channels": ch, "bits_per_sample": 8 * width, "sample_format": "int"},
        "model": {"path": "", "name": "reference"},
        "settings": SETTINGS,
        "duration_s": dur,
        "text": " ".join(w["text"] for w in words),
        "segments": [{"start_s": words[0]["start_s"] if words else 0.0,
                      "end_s": words[-1]["end_s"] if words else 0.0,
                      "text": " ".join(w["text"] for w in words),
                      "first_word": 0, "n_words": len(words)}],
        "words": words,
    }
    with open(out, "w") as f:
        json.dump(t, f)


def dev(out_dir, audio_dir, answers):
    os.makedirs(out_dir, exist_ok=True)
    for a in answers:
        name = os.path.basename(a)[:-5]
        with open(a) as f:
            answer = json.load(f)
        with open(os.path.join(audio_dir, name + ".truth.json")) as f:
            truth = json.load(f)
        words = []
        for sec, span in zip(answer["sections"], truth["sections"]):
            words += spread(sec["text"], span["start_s"], span["end_s"])
        write(os.path.join(out_dir, name + ".json"), os.path.join(audio_dir, name + ".wav"), words)


def textgrid(out, wav, path):
    with open(path) as f:
        lines = [l.strip() for l in f]
    # Short format: after the tier header ("IntervalTier", name, xmin, xmax, n) come n triples.
    i = lines.index('"words"')
    n = int(lines[i + 3])
    words = []
    for k in range(n):
        a, b, text = lines[i + 4 + 3 * k: i + 7 + 3 * k]
        text = text.strip('"')
        if text:
            words.append({"text": text, "start_s": float(a), "end_s": float(b), "p": 1.0})
    write(out, wav, words)


def stm(out, wav, path):
    words = []
    with open(path) as f:
        for line in f:
            parts = line.split(None, 5)
            if len(parts) < 6 or line.startswith(";;"):
                continue
            text = re.sub(r"<[^>]*>|\([^)]*\)", "", parts[5]).strip()
            words += spread(text, float(parts[3]), float(parts[4]))
    write(out, wav, words)


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    kind = argv[0]
    if kind == "dev":
        dev(argv[1], argv[2], argv[3:])
    elif kind == "textgrid":
        textgrid(argv[1], argv[2], argv[3])
    elif kind == "stm":
        stm(argv[1], argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
