#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh --for-tests) and runs the whole test suite:
# formatting, clippy with warnings as errors, then unit and end-to-end tests against the
# release build (one build profile, so whisper.cpp is compiled once), then each fuzz target for
# a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --for-tests
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
fi
echo "== cargo fmt --check" >&2
cargo fmt --all -- --check
echo "== cargo clippy" >&2
cargo clippy --release --locked --all-targets -- -D warnings
echo "== cargo test" >&2
# whisper.cpp threads spin while they wait: two transcriptions sharing 2 cores ran 10x slower,
# so the end-to-end tests run one at a time.
cargo test --release --locked -- --test-threads=1
# Every parser a user's file reaches, fuzzed briefly (11 targets; about 2 minutes plus the build):
# enough to catch a parser that now panics on its own seeds' neighbours. Longer runs:
# `bash scripts/fuzz.sh 600`.
# REHEARSE_FUZZ_SECONDS=0 skips it (the fuzz build compiles every dependency again).
if [ "${REHEARSE_FUZZ_SECONDS:-10}" != 0 ]; then
    echo "== fuzz (${REHEARSE_FUZZ_SECONDS:-10} s per target)" >&2
    bash scripts/fuzz.sh "${REHEARSE_FUZZ_SECONDS:-10}"
fi
