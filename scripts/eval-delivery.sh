#!/usr/bin/env bash
# The delivery measures against their references (../shared; see docs/measurements.md,
# "Delivery"):
#   pitch     rehearse's F0 track against Praat's (praat-parselmouth, Sound.to_pitch() with its
#             default settings) on ../shared/real-speech and the synthesized dev answers: on
#             frames both call voiced, the median absolute error (semitones) and the share of
#             gross (>20%) errors; voicing agreement over all frames
#   monotone  the dev answers spoken by flite with its pitch spread at 0 (all must be called
#             monotone) and at 80 (none), and the recorded people (none); also `dev-flat`, the
#             N=0 answers with the ones whose voice ignores the setting (flite's rms) flattened
#             by Praat instead (scripts/eval/flatten_ignored.py), which must all be monotone
#   trailing  each dev answer with the last 30% of every sentence 10 dB quieter (sox) must raise
#             trailing-off, the original must not
#   signals   how often each delivery signal fires per set
#
#   bash scripts/eval-delivery.sh            # everything; prints one line per figure
#   bash scripts/eval-delivery.sh --json     # the same as one JSON object
#
# Work files go to target/delivery-eval/ (synthesized audio, transcripts, reports; reused when
# up to date). The dev answers are synthesized where scripts/eval.sh puts them
# (target/eval/dev/audio). First run: synthesis takes a while; later runs reuse it. Whisper is
# not used (see "Transcripts" below). Needs scripts/setup.sh --for-tests (flite, sox), python3
# with venv, and PyPI on the first run (praat-parselmouth and numpy go
# into target/delivery-venv; DELIVERY_VENV=DIR to put it elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=scripts/lib/shared.sh
. "$ROOT/scripts/lib/shared.sh"
JSON=
while [ $# -gt 0 ]; do
    case "$1" in
        --json) JSON=--json; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "eval-delivery.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
BIN=$ROOT/target/release/rehearse
[ -x "$BIN" ] || { echo "eval-delivery.sh: $BIN missing; run bash scripts/setup.sh" >&2; exit 1; }
need_shared eval-delivery.sh eval/synth.py eval/dev real-speech/acoustic_corpus.wav real-speech/phone-call.wav real-speech/disfluency-clips
for tool in flite sox; do
    command -v "$tool" >/dev/null || { echo "eval-delivery.sh: $tool missing; run bash scripts/setup.sh --for-tests" >&2; exit 1; }
done
WORK=$ROOT/target/delivery-eval
mkdir -p "$WORK/clips" "$WORK/transcripts/dev" "$WORK/transcripts/real"

# The venv with Praat (idempotent).
VENV=${DELIVERY_VENV:-$ROOT/target/delivery-venv}
if ! "$VENV/bin/python" -c 'import parselmouth, numpy' 2>/dev/null; then
    echo "eval-delivery.sh: installing praat-parselmouth and numpy into $VENV" >&2
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" \
        || { echo "eval-delivery.sh: could not create a venv; install python3-venv" >&2; exit 1; }
    "$VENV/bin/python" -m pip install -q praat-parselmouth numpy
fi

# The F0 tracker as a small program (benches/delivery.rs `track`).
cargo bench --bench delivery --no-run >&2 2>/dev/null || cargo bench --bench delivery --no-run >&2
TRACK=$(ls -t target/release/deps/delivery-* 2>/dev/null | grep -v '\.d$' | head -n1)
[ -x "$TRACK" ] || { echo "eval-delivery.sh: benches/delivery.rs did not build" >&2; exit 1; }

# Audio: the dev answers three ways, the recorded people (the FLAC clips as WAV).
python3 "$SHARED/eval/synth.py" "$ROOT/target/eval/dev/audio" "$SHARED"/eval/dev/*.json >&2
for n in 0 80; do
    python3 scripts/eval/synth_pitch.py "$n" "$WORK/dev-f0sd$n" "$SHARED"/eval/dev/*.json >&2
done
for f in "$SHARED"/real-speech/disfluency-clips/*.flac; do
    w=$WORK/clips/$(basename "$f" .flac).wav
    [ "$w" -nt "$f" ] || sox "$f" "$w"
done
# The voice that ignores the pitch setting gets its flat version from Praat.
"$VENV/bin/python" scripts/eval/flatten_ignored.py "$WORK/dev-f0sd0" "$WORK/dev-f0sd80" "$WORK/dev-flat"
REAL=("$SHARED/real-speech/acoustic_corpus.wav" "$SHARED/real-speech/phone-call.wav" "$WORK"/clips/*.wav)
DEV=("$ROOT"/target/eval/dev/audio/*.wav)

# Transcripts with known words and times (scripts/eval/reference_transcripts.py), not Whisper's:
# the figures are about the delivery measures, and the words only place sentences and sections.
# The dev answers: each section's text over its exact span from synth.py. The recorded people:
# the monologue's forced alignment and the phone call's utterance times. The disfluency clips
# (5.7 s on average) are under the 10 s of voiced speech a pitch variation needs, so they are in
# the pitch comparison only.
rm -rf "$WORK/transcripts"
mkdir -p "$WORK/transcripts/real"
python3 scripts/eval/reference_transcripts.py dev "$WORK/transcripts/dev" "$ROOT/target/eval/dev/audio" "$SHARED"/eval/dev/*.json
python3 scripts/eval/reference_transcripts.py textgrid "$WORK/transcripts/real/acoustic_corpus.json" \
    "$SHARED/real-speech/acoustic_corpus.wav" "$SHARED/real-speech/acoustic_corpus.TextGrid"
python3 scripts/eval/reference_transcripts.py stm "$WORK/transcripts/real/phone-call.json" \
    "$SHARED/real-speech/phone-call.wav" "$SHARED/real-speech/phone-call.stm"

ARGS=()
for f in "${REAL[@]}"; do ARGS+=("real=$f"); done
for f in "${DEV[@]}"; do ARGS+=("dev=$f"); done
REHEARSE_SHARED=$SHARED "$VENV/bin/python" scripts/eval/delivery_eval.py "$WORK" "$BIN" "$TRACK" $JSON \
    --variant "dev-f0sd0=$WORK/dev-f0sd0" --variant "dev-f0sd80=$WORK/dev-f0sd80" \
    --variant "dev-flat=$WORK/dev-flat" "${ARGS[@]}"
