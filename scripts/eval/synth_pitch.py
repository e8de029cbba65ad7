#!/usr/bin/env python3
"""synth.py with a chosen pitch spread: every flite call gets `--setf int_f0_target_stddev=N`.

Usage: synth_pitch.py N OUT_DIR ANSWER.json...

The shared synth.py (left unchanged) speaks each section with flite; this wrapper loads it and
adds the setting to its flite command line, so the audio and truth files are made exactly as
synth.py makes them, only with flite's target F0 standard deviation at N Hz (0: a flat voice;
the voices' own defaults are near-monotone; 80: about as varied as lively human speech, by
Praat's count). The setting is part of the cache key, so a folder is rebuilt when N changes.
"""

import importlib.util
import os
import subprocess
import sys

from shared_eval import SHARED


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    n = float(argv[0])
    path = os.path.join(SHARED, "eval", "synth.py")
    if not os.path.isfile(path):
        sys.exit(f"synth_pitch.py: {os.path.normpath(path)} not found: the evaluation data lives "
                 "beside the checkout (../shared, or set REHEARSE_SHARED)")
    spec = importlib.util.spec_from_file_location("synth", path)
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)

    real_run = subprocess.run

    def run(cmd, *a, **kw):
        if isinstance(cmd, list) and cmd and cmd[0] == "flite" and "-voice" in cmd:
            cmd = [cmd[0], "--setf", "int_f0_target_stddev=%g" % n] + cmd[1:]
        return real_run(cmd, *a, **kw)

    # Only synth.py's own calls go through this (its module-level `subprocess`).
    class Subprocess:
        PIPE = subprocess.PIPE
        STDOUT = subprocess.STDOUT

        @staticmethod
        def run(cmd, *a, **kw):
            return run(cmd, *a, **kw)

    synth.subprocess = Subprocess
    real_key = synth.cache_key
    synth.cache_key = lambda ans, noise, versions: real_key(
        ans, noise, dict(versions, int_f0_target_stddev=n))
    sys.argv = ["synth.py"] + argv[1:]
    synth.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
