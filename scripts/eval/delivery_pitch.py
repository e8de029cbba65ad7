#!/usr/bin/env python3
"""Compares rehearse's F0 tracks with Praat's (praat-parselmouth, `Sound.to_pitch()` with its
default settings: autocorrelation, 75-600 Hz, 10 ms steps).

Usage: delivery_pitch.py TRACKS.jsonl LABEL=WAV...

TRACKS.jsonl holds one line per file as `benches/delivery.rs track` prints it. Frames are paired
by time (both trackers centre their frames the same way; a pair must lie within 2 ms). Per set
(LABEL) and pooled, it prints:

  frames       frames compared
  voicing      share of frames where both agree on voiced/unvoiced (1 - voicing decision error)
  both_voiced  frames both call voiced
  mae_st       median absolute difference in semitones, on frames both call voiced
  gross        share of those frames that differ by more than 20% (the usual gross pitch error;
               octave errors are the common kind)
  octave       share that differ by more than 9 semitones (an octave, less a margin)

and, with --json, the same as one JSON object.
"""

import json
import math
import sys

import numpy as np
import parselmouth


def praat_track(path):
    snd = parselmouth.Sound(path)
    if snd.n_channels > 1:
        snd = snd.convert_to_mono()
    p = snd.to_pitch()
    return np.array(p.xs()), np.array(p.selected_array["frequency"])


def compare(ours, path):
    t_p, f_p = praat_track(path)
    t_o = ours["t0_s"] + ours["step_s"] * np.arange(len(ours["f0_hz"]))
    f_o = np.array(ours["f0_hz"], dtype=float)
    if len(t_o) == 0 or len(t_p) == 0:
        return None
    # Nearest of our frames for each of Praat's.
    idx = np.clip(np.round((t_p - ours["t0_s"]) / ours["step_s"]).astype(int), 0, len(t_o) - 1)
    ok = np.abs(t_o[idx] - t_p) < 0.002
    fo, fp = f_o[idx][ok], f_p[ok]
    vo, vp = fo > 0, fp > 0
    both = vo & vp
    d = 12 * np.log2(fo[both] / fp[both]) if both.any() else np.array([])
    return {
        "frames": int(ok.sum()),
        "agree": int((vo == vp).sum()),
        "either_voiced": int((vo | vp).sum()),
        "both_voiced": int(both.sum()),
        "abs_st": np.abs(d).tolist(),
        "gross": int((np.abs(fo[both] / fp[both] - 1) > 0.2).sum()) if both.any() else 0,
        "octave": int((np.abs(d) > 9).sum()),
        "ours_only": int((vo & ~vp).sum()),
        "praat_only": int((~vo & vp).sum()),
    }


def summarize(rows):
    frames = sum(r["frames"] for r in rows)
    both = sum(r["both_voiced"] for r in rows)
    abs_st = [x for r in rows for x in r["abs_st"]]
    return {
        "files": len(rows),
        "frames": frames,
        "voicing": sum(r["agree"] for r in rows) / frames if frames else float("nan"),
        "voicing_of_voiced": (both / sum(r["either_voiced"] for r in rows)) if both else float("nan"),
        "both_voiced": both,
        "mae_st": float(np.median(abs_st)) if abs_st else float("nan"),
        "p90_abs_st": float(np.percentile(abs_st, 90)) if abs_st else float("nan"),
        "gross": sum(r["gross"] for r in rows) / both if both else float("nan"),
        "octave": sum(r["octave"] for r in rows) / both if both else float("nan"),
        "ours_only": sum(r["ours_only"] for r in rows) / frames if frames else float("nan"),
        "praat_only": sum(r["praat_only"] for r in rows) / frames if frames else float("nan"),
    }


def line(label, s):
    return (
        "%-16s files=%d frames=%d voicing=%.3f both_voiced=%d mae_st=%.3f gross=%.4f octave=%.4f "
        "(voiced only by rehearse %.3f, only by Praat %.3f; voiced-frame agreement %.3f)"
        % (label, s["files"], s["frames"], s["voicing"], s["both_voiced"], s["mae_st"], s["gross"],
           s["octave"], s["ours_only"], s["praat_only"], s["voicing_of_voiced"])
    )


def run(tracks_path, specs):
    """Summaries per set and pooled (`all`) for `specs` (`LABEL=WAV`), with `per_file`."""
    tracks = {}
    with open(tracks_path) as f:
        for l in f:
            if l.strip():
                t = json.loads(l)
                tracks[t["file"]] = t
    sets = {}
    per_file = {}
    for spec in specs:
        label, _, path = spec.partition("=")
        if path not in tracks:
            raise SystemExit("delivery_pitch.py: no track for %s" % path)
        r = compare(tracks[path], path)
        if r is None:
            continue
        sets.setdefault(label, []).append(r)
        per_file[path] = summarize([r])
    out = {label: summarize(rows) for label, rows in sets.items()}
    out["all"] = summarize([r for rows in sets.values() for r in rows])
    out["per_file"] = per_file
    return out


def main(argv):
    as_json = "--json" in argv
    argv = [a for a in argv if a != "--json"]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = run(argv[0], argv[1:])
    per_file = out.pop("per_file")
    if as_json:
        print(json.dumps({"sets": out, "per_file": per_file}, indent=1))
        return 0
    for label, s in out.items():
        print(line(label, s))
    worst = sorted(per_file.items(), key=lambda kv: kv[1]["voicing"])[:3]
    for path, s in worst:
        print("  lowest voicing agreement: %s voicing=%.3f mae_st=%.3f gross=%.4f"
              % (path.rsplit("/", 1)[-1], s["voicing"], s["mae_st"], s["gross"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
