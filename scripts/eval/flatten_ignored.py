#!/usr/bin/env python3
"""The flat-voice dev answers for every voice: flite's N=0 where the voice obeys it, Praat's
flattening where it does not.

Usage: flatten_ignored.py N0_DIR N80_DIR OUT_DIR   (in the venv with praat-parselmouth)

flite's `int_f0_target_stddev` moves the pitch of the voices that build their F0 from targets,
but one of synth.py's voices (`rms`) ignores it: its N=0 and N=80 files are byte for byte the
same, so a flat version of those answers cannot come from flite. For each WAV in N0_DIR, this
writes OUT_DIR/NAME.wav: the N=0 file itself when it differs from N80_DIR's (the setting took),
else the same audio resynthesized by Praat (Manipulation, overlap-add) with its pitch tier
replaced by one point at the file's median F0, which leaves timing and spectrum as they were and
only the melody flat. Prints one line per flattened file.
"""

import filecmp
import os
import shutil
import sys

import parselmouth
from parselmouth.praat import call


def flatten(src, dst):
    snd = parselmouth.Sound(src)
    median = call(snd.to_pitch(), "Get quantile", 0, 0, 0.5, "Hertz")
    manipulation = call(snd, "To Manipulation", 0.01, 75, 600)
    tier = call(manipulation, "Extract pitch tier")
    call(tier, "Remove points between", 0, snd.duration)
    call(tier, "Add point", snd.duration / 2, median)
    call([tier, manipulation], "Replace pitch tier")
    flat = call(manipulation, "Get resynthesis (overlap-add)")
    tmp = dst + ".tmp.wav"
    flat.save(tmp, "WAV")
    os.replace(tmp, dst)
    return median


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    n0, n80, out = argv
    os.makedirs(out, exist_ok=True)
    for name in sorted(f for f in os.listdir(n0) if f.endswith(".wav")):
        src, other, dst = (os.path.join(d, name) for d in (n0, n80, out))
        if os.path.isfile(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
            continue
        if os.path.isfile(other) and filecmp.cmp(src, other, shallow=False):
            median = flatten(src, dst)
            print("flatten_ignored.py: %s ignores the setting; flattened by Praat at %.0f Hz"
                  % (name, median), file=sys.stderr)
        else:
            shutil.copyfile(src, dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
