#!/usr/bin/env bash
# sweep.sh - each decoder setting against the whole accuracy suite and the speed bench, one table.
#
# For every TUNING (a REHEARSE_TUNING value, see `Tuning` in src/transcribe/whisper.rs; "" = the
# built-in defaults) it runs, with that setting and nothing cached from another:
#   counts    scripts/bench/passes.sh on samples/failure-star.wav and the real phone call
#             (encoder passes, fallbacks, encoder frames: independent of the machine's load)
#   dev       scripts/eval.sh --json, all 30 dev answers: WER and filler recall pooled over
#             them, pause F1, sections, signals
#   real      scripts/eval-real.sh: per set (monologue, clips, phone call) WER, filler recall,
#             word start error, pause F1, on the transcripts and on the analysis reports
#   speed     scripts/bench-transcribe.sh --tools rehearse,pywhispercpp,fw-int8-words: medians,
#             rehearse's ratio to both peers in that run, rehearse's peak RSS
#   live      (with --live) the live == offline test, `cargo test --release --test record
#             live_transcription_while_recording_gives_the_offline_report_words`
# then prints one table (also written to target/sweep/table.md). Each setting's raw results stay
# in target/sweep/<setting>/ (setting.txt, commit.txt, logs, the load averages each step started
# under, score.json, real.txt, bench/); `--table` only prints the table again from them.
#
# Usage: scripts/bench/sweep.sh [options] [TUNING]...
#   --runs N        timed runs per tool in the speed bench (default 3)
#   --only LIST     steps to run, comma-separated: counts,dev,real,speed,live
#                   (default counts,dev,real,speed; add live or use --live)
#   --live          also run the live == offline test
#   --lock FILE     hold `flock FILE` around each whisper-heavy step, so that other users of
#                   the machine's cores can take turns (e.g. /tmp/rehearse-heavy.lock)
#   --out DIR       where results go (default target/sweep)
#   --table         print the table of the results in DIR and exit
# With no TUNING: the defaults, audio_ctx margins +64/+128/+256 frames, fallback off, and
# both together with +128. REHEARSE_SHARED as for eval.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
RUNS=3
STEPS=counts,dev,real,speed
LOCK=
OUT=target/sweep
TABLE_ONLY=
TUNINGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --only) STEPS=$2; shift 2 ;;
        --live) STEPS="$STEPS,live"; shift ;;
        --lock) LOCK=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --table) TABLE_ONLY=1; shift ;;
        -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "sweep.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) TUNINGS+=("$1"); shift ;;
    esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "sweep.sh: --runs must be a positive integer" >&2; exit 2; }
has_step() { [[ ",$STEPS," == *",$1,"* ]]; }
for s in ${STEPS//,/ }; do
    case "$s" in counts|dev|real|speed|live) ;; *) echo "sweep.sh: unknown step '$s' in --only" >&2; exit 2 ;; esac
done
if [ -n "$TABLE_ONLY" ]; then
    python3 scripts/bench/sweep_table.py "$OUT"
    exit 0
fi
[ ${#TUNINGS[@]} -gt 0 ] || TUNINGS=("" "audio_ctx=64" "audio_ctx=128" "audio_ctx=256" "fallback=0" "audio_ctx=128,fallback=0")
# shellcheck source=scripts/lib/shared.sh
. "$ROOT/scripts/lib/shared.sh"
BIN=${REHEARSE_BIN:-$ROOT/target/release/rehearse}
[ -x "$BIN" ] || { echo "sweep.sh: $BIN missing; run bash scripts/setup.sh" >&2; exit 1; }

heavy() {
    if [ -n "$LOCK" ]; then flock "$LOCK" "$@"; else "$@"; fi
}

mkdir -p "$OUT"
# One folder per setting, so that steps run by several sweeps (say, the cheap ones for every
# setting first, then the dev set for the survivors) add up to one row; a step run again
# replaces its own results only.
for tuning in "${TUNINGS[@]}"; do
    slug=$(printf '%s' "${tuning:-defaults}" | tr ',=' '+-' | tr -c 'A-Za-z0-9+_.-' '_')
    dir=$OUT/$slug
    mkdir -p "$dir"
    [ -f "$dir/setting.txt" ] || printf '%s' "$tuning" > "$dir/setting.txt"
    git rev-parse --short HEAD > "$dir/commit.txt" 2>/dev/null || true
    export REHEARSE_TUNING="$tuning"
    echo "==> REHEARSE_TUNING='$tuning' ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    if has_step counts; then
        cut -d' ' -f1-3 /proc/loadavg > "$dir/counts.load"
        heavy bash scripts/bench/passes.sh --wav samples/failure-star.wav \
            --wav "$SHARED/real-speech/phone-call.wav" "$tuning" > "$dir/counts.txt"
    fi
    if has_step dev; then
        cut -d' ' -f1-3 /proc/loadavg > "$dir/dev.load"
        start=$(date +%s)
        heavy bash scripts/eval.sh --json > "$dir/score.json" 2> "$dir/dev.log"
        echo $(($(date +%s) - start)) > "$dir/dev.seconds"
    fi
    if has_step real; then
        cut -d' ' -f1-3 /proc/loadavg > "$dir/real.load"
        heavy bash scripts/eval-real.sh > "$dir/real.txt" 2> "$dir/real.log"
    fi
    if has_step speed; then
        cut -d' ' -f1-3 /proc/loadavg > "$dir/speed.load"
        heavy bash scripts/bench-transcribe.sh --tools rehearse,pywhispercpp,fw-int8-words \
            --runs "$RUNS" > "$dir/bench.log" 2>&1
        rm -rf "$dir/bench"
        cp -r target/bench-transcribe "$dir/bench"
    fi
    if has_step live; then
        if heavy cargo test --release --test record \
            live_transcription_while_recording_gives_the_offline_report_words > "$dir/live.log" 2>&1; then
            echo pass > "$dir/live.txt"
        else
            echo FAIL > "$dir/live.txt"
        fi
    fi
    unset REHEARSE_TUNING
    echo "    done ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done
python3 scripts/bench/sweep_table.py "$OUT"
