#!/usr/bin/env python3
"""Signals found and false alarms by kind, over score.py --json files pooled.

    python3 scripts/eval/signal_kinds.py SCORE.json... [--list]

A kind is a signal id without its section (`missing-section:task` counts under
`missing-section`). "found" is expected signals the reports raised over those expected; "false"
is signals raised on an answer with complete labels (`"signals_complete": true`) that it does
not list, as score.py counts them. --list also prints every miss and false alarm by answer, to
read which answers and sections a kind loses. Standard library only.
"""

import collections
import json
import sys


def main():
    args = [a for a in sys.argv[1:] if a != "--list"]
    if not args:
        sys.exit(__doc__.strip().splitlines()[0] + "\nusage: signal_kinds.py SCORE.json... [--list]")
    expected, hit, false = collections.Counter(), collections.Counter(), collections.Counter()
    lines = []
    answers = complete = 0
    for path in args:
        try:
            rows = json.load(open(path))["per_answer"]
        except (OSError, ValueError, KeyError) as e:
            sys.exit(f"{path}: not a score.py --json file ({e})")
        for r in rows:
            answers += 1
            complete += bool(r.get("signals_complete"))
            for e in r.get("signals_expected", []):
                k = e.split(":")[0]
                expected[k] += 1
                if e in r.get("signals_hit", []):
                    hit[k] += 1
                else:
                    lines.append(f"{r['name']}  missed  {e}")
            for x in r.get("signals_false", []):
                false[x.split(":")[0]] += 1
                lines.append(f"{r['name']}  false   {x}")
    print(f"{answers} answers, {complete} with complete labels")
    print(f"{'kind':<20} {'found':>7} {'false':>6}")
    for k in sorted(set(expected) | set(false), key=lambda k: (-expected[k], k)):
        found = f"{hit[k]}/{expected[k]}" if expected[k] else "-"
        print(f"{k:<20} {found:>7} {false[k]:>6}")
    if "--list" in sys.argv[1:]:
        print()
        print("\n".join(sorted(lines)))


if __name__ == "__main__":
    main()
