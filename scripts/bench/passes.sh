#!/usr/bin/env bash
# passes.sh - how much work whisper.cpp does for `rehearse transcribe`, per decoder setting.
#
# Counts, unlike times, do not depend on the machine's load: encoder passes (each one costs the
# encoder's context whatever the amount of speech), decoder runs and temperature fallbacks,
# decoding steps, and encoder frames (20 ms each; 1500 = a full 30 s window). They come from
# whisper.cpp's callbacks through REHEARSE_PASSES=1; REHEARSE_TUNING picks the settings
# (src/transcribe/whisper.rs, `Tuning`).
#
# Usage: scripts/bench/passes.sh [--wav FILE]... [--args "REHEARSE ARGS"] [TUNING]...
#   --wav FILE     audio to transcribe (repeatable; default samples/failure-star.wav)
#   --args STR     extra arguments for `rehearse transcribe` (e.g. "--filler-boost 0")
#   TUNING         a REHEARSE_TUNING value, e.g. single_segment=1 or audio_ctx=128 ("" = defaults)
# Prints one line per WAV and tuning: calls (stretches decoded), the summed counts, the wall time
# of that one run (noisy on a shared machine) and the transcript's WER when WAV's .txt exists.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${REHEARSE_BIN:-target/release/rehearse}
WAVS=()
ARGS=""
TUNINGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --wav) WAVS+=("$2"); shift 2 ;;
        --args) ARGS="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "passes.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) TUNINGS+=("$1"); shift ;;
    esac
done
[ ${#WAVS[@]} -gt 0 ] || WAVS=(samples/failure-star.wav)
[ ${#TUNINGS[@]} -gt 0 ] || TUNINGS=("")
[ -x "$BIN" ] || { echo "passes.sh: $BIN missing; run bash scripts/setup.sh" >&2; exit 1; }
read -r -a EXTRA <<< "$ARGS"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '%-28s %-26s %5s %7s %7s %9s %6s %8s %6s %6s\n' wav tuning calls encoder decoder fallbacks steps frames wall_s wer
for wav in "${WAVS[@]}"; do
    [ -f "$wav" ] || { echo "passes.sh: $wav: no such file" >&2; exit 2; }
    for tuning in "${TUNINGS[@]}"; do
        start=$(date +%s.%N)
        REHEARSE_PASSES=1 REHEARSE_TUNING="$tuning" "$BIN" transcribe "$wav" --quiet \
            --format txt --out "$work/out.txt" "${EXTRA[@]}" 2> "$work/err" \
            || { cat "$work/err" >&2; exit 1; }
        end=$(date +%s.%N)
        wer=-
        if [ -f "${wav%.*}.txt" ]; then
            # The same rough normalizer as bench-transcribe.sh (digits spelled out, fillers dropped).
            wer=$(python3 - "${wav%.*}.txt" "$work/out.txt" <<'EOF'
import sys
sys.path.insert(0, "scripts/bench")
from summarize import wer, words
print(f"{wer(words(open(sys.argv[1]).read()), words(open(sys.argv[2]).read())):.3f}")
EOF
)
        fi
        awk -v wav="$(basename "$wav")" -v tuning="${tuning:-defaults}" -v wall="$(awk -v a="$start" -v b="$end" 'BEGIN{print b - a}')" -v wer="$wer" '
            /^rehearse-passes / {
                n++
                for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] }
            }
            END {
                printf "%-28s %-26s %5d %7d %7d %9d %6d %8d %6.2f %6s\n", wav, tuning, n,
                    s["encoder"], s["decoder"], s["fallbacks"], s["steps"], s["encoder_frames"], wall, wer
            }' "$work/err"
    done
done
