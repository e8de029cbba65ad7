#!/usr/bin/env bash
# make-samples.sh - regenerate the bundled sample answer in samples/.
#
# Writes samples/failure-star.txt (the exact spoken text, one paragraph per
# STAR + Learning section) and samples/failure-star.wav (16 kHz, mono, 16-bit
# PCM) by synthesizing each section with flite's "rms" voice and joining the
# sections with sox, with fixed pauses between them.
#
# Usage:   scripts/make-samples.sh            (from anywhere in the repo)
# Needs:   flite (2.2) and sox (14.4), e.g. `apt-get install flite sox`.
# Deterministic and idempotent: same tools, same bytes; files whose content
# did not change are left untouched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="$ROOT/samples"
NAME="failure-star"
VOICE="rms"          # flite voice: CMU US "rms" (male), most natural here and best transcribed
RATE=16000           # whisper.cpp input rate
LEAD_IN=0.5          # seconds of silence before the first word
TAIL=1.0             # seconds of silence after the last word

for tool in flite sox; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "error: '$tool' not found; install it with: apt-get install flite sox" >&2
        exit 1
    }
done

# Sections, in spoken order: "id|pause after it in seconds|text".
# The 1.2 s pause after "action" is deliberate (a speaker gathering thoughts).
SECTIONS=(
"situation|0.5|Sure. The clearest failure I can point to is a release I shipped that crashed for about one in five of our users, and that was my call. I was a mobile engineer at a small fitness app company, with about two hundred thousand weekly users on Android."
"task|0.5|I owned the release that quarter, and my job was to ship a redesigned workout screen before a marketing push in January."
"action|1.2|To hit that deadline, um, I skipped our staged rollout. Normally we'd release to five percent of users and watch crash reports for two days. But I'd only tested on the three newest phones on my desk and pushed the update to everyone on a Friday afternoon."
"result|0.5|By Saturday morning, the app was crashing on launch for about eighteen percent of users, mostly on phones four or five years old. Our rating fell from four point six to three point nine, and we got, you know, over six hundred support tickets in one weekend. I rolled back and had a fix out by Monday, but our reviews took two months to recover."
"learning|0|So, what I learned is that confidence isn't a test plan. Now the staged rollout is non-negotiable for me, even on a tight deadline. I set up a pool of eight older test phones and added a release checklist that blocks a full rollout until the crash-free rate stays above ninety-nine and a half percent for forty-eight hours. Since then, we've shipped eleven releases without a rollback."
)

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

parts=()
: > "$TMP/$NAME.txt"
i=0
for entry in "${SECTIONS[@]}"; do
    id="${entry%%|*}"; rest="${entry#*|}"
    pause="${rest%%|*}"; text="${rest#*|}"
    i=$((i + 1))
    [ "$i" -gt 1 ] && printf '\n' >> "$TMP/$NAME.txt"
    printf '%s\n' "$text" >> "$TMP/$NAME.txt"
    printf '%s\n' "$text" > "$TMP/$i-$id.txt"
    flite -voice "$VOICE" -f "$TMP/$i-$id.txt" -o "$TMP/$i-$id.raw.wav"
    # Strip flite's own leading/trailing silence so the pauses are exact,
    # then append this section's pause.
    sox -D "$TMP/$i-$id.raw.wav" "$TMP/$i-$id.wav" \
        silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse pad 0 "$pause"
    parts+=("$TMP/$i-$id.wav")
done

# Join, convert to exactly 16 kHz / mono / 16-bit PCM, normalize to -1 dBFS,
# add lead-in and trailing silence. -D: no dither, so the output is repeatable.
sox -D "${parts[@]}" -r "$RATE" -c 1 -b 16 -e signed-integer "$TMP/$NAME.wav" \
    norm -1 pad "$LEAD_IN" "$TAIL"

mkdir -p "$OUT_DIR"
for f in "$NAME.txt" "$NAME.wav"; do
    if cmp -s "$TMP/$f" "$OUT_DIR/$f"; then
        echo "unchanged: samples/$f"
    else
        cp "$TMP/$f" "$OUT_DIR/$f"
        echo "wrote:     samples/$f"
    fi
done
printf 'duration: %ss, words: %s\n' \
    "$(soxi -D "$OUT_DIR/$NAME.wav")" "$(wc -w < "$OUT_DIR/$NAME.txt" | tr -d ' ')"
