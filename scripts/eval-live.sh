#!/usr/bin/env bash
# eval-live.sh - the live path against the offline path on spoken answers with known structure.
#
# Each answer (../shared/eval/dev by default) is synthesized with synth.py, played in real time
# through a capture device (ALSA's file plugin paced by a private PulseAudio null sink; see
# scripts/lib/paced-device.sh) and recorded by
#   rehearse record --device answer --max-duration <the answer's length> --no-save --format json
# with live transcription, which gives the live report. The offline report is
#   rehearse analyze <the recorded WAV> --format json
# on the very same recording. Both sets are scored with score.py; the script prints both
# summaries and how many reports have identical words and times.
#
#   bash scripts/eval-live.sh                                # the dev set (about 8 minutes)
#   bash scripts/eval-live.sh --answers tests/eval/answers   # our own answers
#   bash scripts/eval-live.sh -- --model models/ggml-tiny.en-q8_0.bin   # extra args for both
#
# The device delivers 48 kHz stereo (what cpal opens it with), so the recorded WAV is the
# answer resampled by sox; compare with scripts/eval.sh, which analyzes the 16 kHz original.
# Work files: target/eval-live/<set>/. Needs scripts/setup.sh --for-tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=scripts/lib/shared.sh
. "$ROOT/scripts/lib/shared.sh"
ANSWERS=$SHARED/eval/dev
EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --answers) ANSWERS=$2; shift 2 ;;
        --) shift; EXTRA=("$@"); break ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "eval-live.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
BIN=$ROOT/target/release/rehearse
[ -x "$BIN" ] || { echo "eval-live.sh: $BIN missing; run bash scripts/setup.sh" >&2; exit 1; }
need_shared eval-live.sh eval/synth.py eval/score.py
[ -d "$ANSWERS" ] || { echo "eval-live.sh: $ANSWERS: no such folder of answer files" >&2; exit 2; }
for tool in pulseaudio sox; do
    command -v "$tool" >/dev/null || { echo "eval-live.sh: $tool is missing: run bash scripts/setup.sh --for-tests" >&2; exit 1; }
done
SET=$(basename "$ANSWERS")
AUDIO=$ROOT/target/eval/$SET/audio
WORK=$ROOT/target/eval-live/$SET
rm -rf "$WORK"
mkdir -p "$AUDIO" "$WORK/live" "$WORK/offline" "$WORK/wav"
python3 "$SHARED/eval/synth.py" "$AUDIO" "$ANSWERS"/*.json >&2
export REHEARSE_DATA_DIR=$WORK/attempts NO_COLOR=1
# shellcheck source=scripts/lib/paced-device.sh
. "$ROOT/scripts/lib/paced-device.sh"
paced_device_start "$WORK/device"
for answer in "$ANSWERS"/*.json; do
    name=$(basename "$answer" .json)
    framework=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["framework"])' "$answer")
    dur=$(soxi -D "$AUDIO/$name.wav")
    echo "eval-live: $name ($framework, $dur s, played in real time)" >&2
    paced_device_load "$AUDIO/$name.wav" 5
    "$BIN" record --device answer --countdown 0 --max-duration "$dur" --no-save --format json \
        --framework "$framework" --wav "$WORK/wav/$name.wav" --force "${EXTRA[@]}" \
        > "$WORK/live/$name.json" 2> "$WORK/live/$name.log"
    grep -E '^(dropped samples|live transcription)' "$WORK/live/$name.log" | sed 's/^/  /' >&2
    "$BIN" --quiet analyze "$WORK/wav/$name.wav" --format json --framework "$framework" \
        --out "$WORK/offline/$name.json" "${EXTRA[@]}"
done
echo "live (rehearse record, transcribed while recording):"
python3 "$SHARED/eval/score.py" --answers "$ANSWERS" --truth "$AUDIO" --reports "$WORK/live" | tail -n1
echo "offline (rehearse analyze on the same recordings):"
python3 "$SHARED/eval/score.py" --answers "$ANSWERS" --truth "$AUDIO" --reports "$WORK/offline" | tail -n1
python3 - "$WORK" <<'PY'
import json, os, sys
work = sys.argv[1]
names = sorted(os.listdir(os.path.join(work, "live")))
names = [n for n in names if n.endswith(".json")]
words = lambda p: [(w["text"], w["start_s"], w["end_s"]) for w in json.load(open(p))["words"]]
same = sum(words(os.path.join(work, "live", n)) == words(os.path.join(work, "offline", n)) for n in names)
print(f"reports with identical words and times, live vs offline: {same} of {len(names)}")
PY
