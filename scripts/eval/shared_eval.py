"""Finds the shared evaluation folder for the scripts in scripts/eval (never used by the tests).

The evaluation data and its scorers are not part of the repository: they live in a folder beside
the checkout (../shared), or wherever REHEARSE_SHARED points; SCORE_REAL_DIR, if set, names the
folder holding score_real.py directly.
"""
import importlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("REHEARSE_SHARED", os.path.join(ROOT, "..", "shared"))


def import_score_real(who):
    """score_real.py from the shared evaluation folder, or exit with one line saying where it is."""
    folder = os.environ.get("SCORE_REAL_DIR", os.path.join(SHARED, "eval"))
    if not os.path.isfile(os.path.join(folder, "score_real.py")):
        sys.exit(
            f"{who}: {os.path.normpath(os.path.join(folder, 'score_real.py'))} not found: the "
            "evaluation data lives beside the checkout (../shared, or set REHEARSE_SHARED), "
            "see docs/measurements.md"
        )
    sys.path.insert(0, folder)
    return importlib.import_module("score_real")
