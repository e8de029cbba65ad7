#!/usr/bin/env bash
# ab.sh - two or more decoder settings of `rehearse transcribe`, timed alternately in one run.
#
# Runs `rehearse transcribe WAV` once per setting in turn (A B A B ...), so that drift in the
# machine's load hits each alike, and prints per setting the median wall time, the median CPU
# time (user + sys: less sensitive to other jobs than wall time on a shared machine, though
# not immune), and each one's ratio to the first setting.
#
# Usage: scripts/bench/ab.sh [--wav FILE] [--runs N] [--args "REHEARSE ARGS"] TUNING...
#   --wav FILE    audio (default samples/failure-star.wav)
#   --runs N      timed runs per setting (default 5, after one untimed warm-up round)
#   --args STR    extra `rehearse transcribe` arguments for every setting, e.g.
#                 "--timestamps token" (DTW off, for flash attention)
#   --bin FILE    the rehearse binary for the settings after it (default target/release/rehearse
#                 or $REHEARSE_BIN): compares builds, e.g. a worktree's build of an older commit
#                 against this one: --bin ../old/target/release/rehearse "" --bin target/release/rehearse ""
#   TUNING        REHEARSE_TUNING values ("" = defaults), e.g. flash_attn=0 flash_attn=1
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${REHEARSE_BIN:-target/release/rehearse}
WAV=samples/failure-star.wav
RUNS=5
ARGS=""
TUNINGS=()
BINS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --wav) WAV=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --args) ARGS=$2; shift 2 ;;
        --bin) BIN=$2; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "ab.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) TUNINGS+=("$1"); BINS+=("$BIN"); shift ;;
    esac
done
[ ${#TUNINGS[@]} -ge 2 ] || { echo "ab.sh: give at least two settings (see --help)" >&2; exit 2; }
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "ab.sh: --runs must be a positive integer" >&2; exit 2; }
for b in "${BINS[@]}"; do
    [ -x "$b" ] || { echo "ab.sh: $b missing; run bash scripts/setup.sh" >&2; exit 1; }
done
[ -f "$WAV" ] || { echo "ab.sh: $WAV: no such file" >&2; exit 2; }
read -r -a EXTRA <<< "$ARGS"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "==> $WAV, args '${ARGS}', $RUNS runs each, load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r <= RUNS; r++)); do
    for i in "${!TUNINGS[@]}"; do
        REHEARSE_TUNING="${TUNINGS[$i]}" /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
            "${BINS[$i]}" transcribe "$WAV" --quiet --format txt --out "$work/out-$i.txt" "${EXTRA[@]}" \
            2> "$work/err" || { cat "$work/err" >&2; exit 1; }
        [ "$r" = 0 ] || echo "$i $(cat "$work/time")" >> "$work/times"
    done
done
labels=()
for i in "${!TUNINGS[@]}"; do
    # With several binaries, each setting is named by its binary too.
    if [ "$(printf '%s\n' "${BINS[@]}" | sort -u | wc -l)" -gt 1 ]; then
        labels+=("${BINS[$i]} ${TUNINGS[$i]:-defaults}")
    else
        labels+=("${TUNINGS[$i]}")
    fi
done
python3 - "$work/times" "${labels[@]}" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
names = sys.argv[2:]
wall = {i: [] for i in range(len(names))}
cpu = {i: [] for i in range(len(names))}
rss = {i: 0 for i in range(len(names))}
for i, w, u, s, m in rows:
    i = int(i)
    wall[i].append(float(w)); cpu[i].append(float(u) + float(s)); rss[i] = max(rss[i], int(m))
w0, c0 = statistics.median(wall[0]), statistics.median(cpu[0])
width = max([34] + [len(n) for n in names])
print(f"{'setting':<{width}} {'wall':>7} {'/first':>7} {'cpu':>7} {'/first':>7} {'peak RSS':>9}")
for i, n in enumerate(names):
    w, c = statistics.median(wall[i]), statistics.median(cpu[i])
    print(f"{n or 'defaults':<{width}} {w:7.2f} {w / w0:7.3f} {c:7.2f} {c / c0:7.3f} {rss[i] // 1024:6d} MB")
EOF
echo "(load after: $(cut -d' ' -f1-3 /proc/loadavg))"
