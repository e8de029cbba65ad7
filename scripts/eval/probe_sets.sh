#!/usr/bin/env bash
# One line per evaluation set, and one for the sets pooled, for comparing a probe build with
# main at the precision a decision needs (sections to four places; summary.py rounds to two).
#
#   bash scripts/eval/probe_sets.sh OUT [--ref ANSWERS_DIR NAME...] [--] SET_DIR...
#
# Runs the dev split (tune and held as separate rows), then `scripts/eval.sh --answers SET_DIR
# --reuse-transcripts` for each SET_DIR (Whisper; the folder's name is the set's name, and its
# transcripts are made once under target/eval/<name>), then, with --ref, scripts/eval/ref_eval.sh
# on the named answers (reference transcripts). REHEARSE_BIN picks the build and any probe
# switches come from the environment. Score files are kept under OUT: target/eval/<name> holds
# whatever build ran last, so after a probe run quote main's figures from its own OUT, not
# there. A SET_DIR is a folder of answer files; for a closing check, copy its answers out of
# tests/eval/answers into a folder named after it (c28: e168..e187).
#
#   REHEARSE_BIN=B REHEARSE_CENTER=0.5 bash scripts/eval/probe_sets.sh /tmp/p \
#       --ref tests/eval/answers $(seq -f 'e%02g' 1 99) $(seq -f 'e%g' 100 147) -- C26 C27 R11 R12
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1; shift
ref_dir=""; ref_names=()
if [ "${1:-}" = "--ref" ]; then
  ref_dir=$2; shift 2
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do ref_names+=("$1"); shift; done
fi
[ "${1:-}" = "--" ] && shift
mkdir -p "$out"
cd "$root"
bash scripts/eval.sh --split scripts/eval/split.json --reuse-transcripts >"$out/dev.log" 2>&1 ||
  { echo "probe_sets: scripts/eval.sh failed on the dev set; see $out/dev.log" >&2; exit 1; }
cp target/eval/dev/score.json "$out/dev.json"
sets=()
for d in "$@"; do
  name=$(basename "$d")
  bash scripts/eval.sh --answers "$d" --reuse-transcripts >"$out/$name.log" 2>&1 ||
    { echo "probe_sets: scripts/eval.sh failed on $d; see $out/$name.log" >&2; exit 1; }
  cp "target/eval/$name/score.json" "$out/$name.json"
  sets+=("$name")
done
if [ -n "$ref_dir" ]; then
  bash scripts/eval/ref_eval.sh "$ref_dir" "$out/ref" "${ref_names[@]}" >"$out/ref.log" 2>&1 ||
    { echo "probe_sets: ref_eval.sh failed; see $out/ref.log" >&2; exit 1; }
  cp "$out/ref/score.json" "$out/ref.json"
fi
python3 - "$out" "$root/scripts/eval" "${sets[@]}" <<'P'
import json, os, sys
out, here = sys.argv[1], sys.argv[2]
sys.path.insert(0, here)
from summary import aggregate  # the same sums as summary.py's table, unrounded
split = json.load(open(os.path.join(here, "split.json")))
def line(name, rows):
    a = aggregate(rows)
    false = "-" if a["false_per_answer"] is None else "%.3f" % a["false_per_answer"]
    print("%-8s %4d  sections %.4f  boundary %.3f s  false/answer %s  missing %d/%d  found %d/%d"
          % (name, a["answers"], a["sections"], a["boundary_s"], false, a["missing_hit"],
             a["missing_expected"], a["signals_hit"], a["signals_expected"]))
def rows_of(name):
    return json.load(open(os.path.join(out, name + ".json")))["per_answer"]
dev = rows_of("dev")
for part in ("tune", "held"):
    line(part, [r for r in dev if r["name"] in split[part]])
pool = []
for s in sys.argv[3:]:
    line(s, rows_of(s))
    pool += rows_of(s)
if len(sys.argv) > 4:
    line("pooled", pool)
if os.path.exists(os.path.join(out, "ref.json")):
    line("ref", rows_of("ref"))
P
