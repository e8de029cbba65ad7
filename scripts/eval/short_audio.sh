#!/usr/bin/env bash
# Transcribes 58 very short cuts of real speech (0.05-0.61 s, two places in tests/data/jfk.wav)
# and counts the runs that did not exit cleanly: whisper.cpp's DTW word times abort the process
# on audio under 160 ms unless rehearse pads it (docs/measurements.md, "Stop 43").
#
#   REHEARSE_BIN=B bash scripts/eval/short_audio.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${REHEARSE_BIN:-$root/target/release/rehearse}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=0 failed=0
for d in $(seq 0.05 0.02 0.61); do
  for off in 1.0 3.3; do
    sox "$root/tests/data/jfk.wav" "$work/cut.wav" trim "$off" "$d"
    runs=$((runs + 1))
    rc=0
    "$bin" --quiet transcribe "$work/cut.wav" --out "$work/cut.json" 2>/dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
      failed=$((failed + 1))
      echo "short_audio: ${d} s from ${off} s: exit $rc" >&2
    fi
  done
done
echo "short_audio: $failed of $runs cuts did not transcribe cleanly"
