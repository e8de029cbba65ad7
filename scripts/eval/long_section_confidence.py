#!/usr/bin/env python3
"""Would a confidence threshold keep false `long-section` signals out? (stop 26, not built)

    python3 scripts/eval/long_section_confidence.py TAG:REPORTS:ANSWERS [...]

For every `long-section:ID` raised or expected in each folder of `rehearse analyze --format json`
reports, prints whether it was raised, whether the answer's labels list it, the section's share
of the sentences' time, and its share counting only sentences whose label has a probability of
0.6 or more (the report's "uncertain" line). Standard library only.
"""
import glob
import json
import os
import sys


def main():
    for spec in sys.argv[1:]:
        tag, reports, answers = spec.split(":")
        for rp in sorted(glob.glob(os.path.join(reports, "*.json"))):
            name = os.path.basename(rp)[:-len(".json")].replace(".report", "")
            af = os.path.join(answers, name + ".json")
            if not os.path.exists(af):
                continue
            with open(af, encoding="utf-8") as f:
                expected = set(json.load(f).get("expected_signals", []))
            with open(rp, encoding="utf-8") as f:
                r = json.load(f)
            sents = r["sentences"]
            speaking = sum(s["end_s"] - s["start_s"] for s in sents) or 1.0
            raised = {s["id"] for s in r["signals"]}
            for sig in sorted({s for s in raised | expected if s.startswith("long-section:")}):
                sec = sig.split(":", 1)[1]
                mine = [s for s in sents if s["section"] == sec]
                share = sum(s["end_s"] - s["start_s"] for s in mine) / speaking
                sure = sum(s["end_s"] - s["start_s"] for s in mine if s["confidence"] >= 0.6) / speaking
                print("%-8s %-5s %-32s raised=%-5s true=%-5s share=%.2f confident share=%.2f"
                      % (tag, name, sig, sig in raised, sig in expected, share, sure))
    return 0


if __name__ == "__main__":
    sys.exit(main())
