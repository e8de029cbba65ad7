#!/usr/bin/env bash
# Fuzzes every parser a user's file reaches (fuzz/fuzz_targets/, one target per parser) with
# libFuzzer through cargo-fuzz, each for SECONDS (default 60), and prints how many inputs each
# tried. A crash stops the run with the input saved under fuzz/artifacts/TARGET/; copy it into
# fuzz/corpus/TARGET/regressions/ when fixing it, and `cargo test --test fuzz_corpus` replays
# it from then on.
#
#   bash scripts/fuzz.sh            # every target, 60 s each
#   bash scripts/fuzz.sh 600 wav    # one target, 10 minutes
#   bash scripts/fuzz.sh 3600 transcript_json srt webvtt text whisper_json wav audio
#
# Built with the stable toolchain and without a sanitizer: the code is safe Rust, so what the
# fuzzer looks for is panics, hangs and runaway memory, which need no sanitizer. cargo-fuzz
# passes a few unstable rustc flags, which RUSTC_BOOTSTRAP=1 lets stable take, so no nightly
# toolchain has to be fetched. Memory and time are bounded per input: 2 GB resident, no single
# allocation over 512 MB, 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
ALL=(transcript_json whisper_json srt webvtt text wav audio ggml ct2 ct2_config overrides word_vectors)
TARGETS=("$@")
[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=("${ALL[@]}")
say() { printf '\033[1mfuzz:\033[0m %s\n' "$*" >&2; }

if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    say "installing cargo-fuzz"
    cargo install cargo-fuzz --locked --version 0.13.2 --quiet
fi
export RUSTC_BOOTSTRAP=1
# Built as rehearse ships (release, no overflow checks): with --debug-assertions the first run
# stopped on symphonia's MS ADPCM decoder multiplying past i32 on a crafted block
# (fuzz/corpus/wav/regressions/ms-adpcm-delta-overflow-in-symphonia), which in a release build
# wraps to noise that the decoder clips, and every later `wav` run would stop there again.
# cargo-fuzz turns debug assertions and overflow checks on unless -O is given.
FLAGS=(--sanitizer none -O)
say "building the fuzz targets"
nice -n 10 cargo fuzz build "${FLAGS[@]}" >&2

LOGS=fuzz/target/logs
mkdir -p "$LOGS"
status=0
printf '%-16s %12s %10s\n' target inputs "exec/s"
for t in "${TARGETS[@]}"; do
    work=fuzz/target/work/$t
    mkdir -p "$work" "fuzz/corpus/$t/regressions"
    # New inputs go to the work folder; the committed seeds and regressions are only read.
    if nice -n 15 cargo fuzz run "${FLAGS[@]}" "$t" "$work" "fuzz/corpus/$t" -- \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
        -print_final_stats=1 >"$LOGS/$t.log" 2>&1; then
        result=ok
    else
        result=CRASH
        status=1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOGS/$t.log" | tail -n1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$LOGS/$t.log" | tail -n1)
    printf '%-16s %12s %10s %s\n' "$t" "${runs:-?}" "${speed:-?}" "$result"
    if [ "$result" = CRASH ]; then
        grep -E "panicked|ERROR|Test unit written|SUMMARY" "$LOGS/$t.log" | head -n 8 >&2 || true
    fi
done
exit "$status"
