#!/usr/bin/env bash
# bench-live.sh - time from the stop to the printed report, live transcription against the
# offline path, on one spoken answer played through a real ALSA capture device, in one run.
#
# The answer is played through ALSA's `file` plugin, whose slave is a private PulseAudio null
# sink: the plugin reads the answer from a raw file while the sound server paces it in real
# time, sample-exact from the first sample (no race with a player). `rehearse record` captures
# it through cpal like a microphone, with its live display and live transcription; the script
# stops it with Ctrl-C (SIGINT) --gap seconds after the answer ends (a person reaching for the
# key) and measures from that signal to the process's exit, after the report was printed.
# Then, on the very WAV that was recorded:
#   offline   rehearse analyze WAV (load the model, transcribe it all, analyze, print): what the
#             user would wait for without live transcription
# and it checks that the live transcript's words and times equal the offline path's.
# It also reports how far the live display's "heard" and "in your words" lines trailed the
# speech while recording, as `rehearse record` measures it (the recording time of each update
# against the audio time its words reach, sampled every 0.1 s): median, 90th percentile and
# maximum, with the number of display previews and the wall time of one.
#
# Usage:  scripts/bench-live.sh [--wav FILE] [--gap SECONDS] [--threads N] [-- record args]
#   --wav FILE     the answer (default: our 2-minute answer tests/eval/answers/e01.json,
#                  synthesized with ../shared/eval/synth.py into target/eval/answers/audio/)
#   --gap S        seconds between the end of the answer and the stop (default 1.0)
#   --threads N    whisper threads for both paths (default: all cores; live uses one fewer
#                  while recording)
#   extra args after -- go to `rehearse record` and `rehearse analyze` (e.g. --model FILE)
# Needs scripts/setup.sh --for-tests (pulseaudio, libasound2-plugins, sox, flite, the model).
# Work files: target/bench-live/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/shared.sh
. "$ROOT/scripts/lib/shared.sh"
REAL_HOME=$HOME
WAV=""
GAP=1.0
THREADS=$(nproc)
EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --wav) WAV=$2; shift 2 ;;
        --gap) GAP=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --) shift; EXTRA=("$@"); break ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        *) echo "bench-live.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
for tool in pulseaudio sox python3; do
    command -v "$tool" >/dev/null || { echo "bench-live.sh: $tool is missing: run bash scripts/setup.sh --for-tests" >&2; exit 1; }
done
BIN=${REHEARSE_BIN:-$ROOT/target/release/rehearse}
[ -x "$BIN" ] || { echo "bench-live.sh: $BIN is missing: run bash scripts/setup.sh" >&2; exit 1; }

if [ -z "$WAV" ]; then
    need_shared bench-live.sh eval/synth.py
    mkdir -p target/eval/answers/audio
    python3 "$SHARED/eval/synth.py" target/eval/answers/audio tests/eval/answers/e01.json >&2
    WAV=target/eval/answers/audio/e01.wav
fi
[ -f "$WAV" ] || { echo "bench-live.sh: $WAV: no such file" >&2; exit 1; }

WORK=$ROOT/target/bench-live
rm -rf "$WORK"
export REHEARSE_DATA_DIR=$WORK/attempts NO_COLOR=1
# shellcheck source=scripts/lib/paced-device.sh
. "$ROOT/scripts/lib/paced-device.sh"
paced_device_start "$WORK"
DUR=$(soxi -D "$WAV")
# Silence after the answer: the gap before the stop, and more than enough beyond it.
paced_device_load "$WAV" 30
CH=$DEVICE_CH RATE=$DEVICE_RATE KIND=$DEVICE_KIND

python3 - "$BIN" "$WORK" "$DUR" "$GAP" "$THREADS" "$WAV" "$CH" "$RATE" "$KIND" "${EXTRA[@]}" <<'PY'
import json, os, signal, subprocess, sys, threading, time

bin_, work, dur, gap, threads, wav, ch, rate, kind = sys.argv[1:10]
extra = sys.argv[10:]
dur, gap = float(dur), float(gap)

def record():
    out = os.path.join(work, "rec.wav")
    args = [bin_, "record", "--device", "answer", "--countdown", "0", "--no-save",
            "--format", "json", "--threads", threads, "--wav", out, "--force"]
    p = subprocess.Popen(args + extra, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = threading.Event()
    err = []
    def read_err():
        for line in p.stderr:
            err.append(line)
            if line.startswith("recording from "):
                started.set()
    t = threading.Thread(target=read_err, daemon=True)
    t.start()
    if not started.wait(30):
        p.kill()
        sys.exit("bench-live.sh: the recording did not start:\n" + "".join(err))
    t0 = time.monotonic()
    time.sleep(max(0.0, t0 + dur + gap - time.monotonic()))
    stop = time.monotonic()
    p.send_signal(signal.SIGINT)
    report = p.stdout.read()
    p.wait()
    done = time.monotonic()
    t.join(5)
    if p.returncode != 0:
        sys.exit("bench-live.sh: rehearse record failed:\n" + "".join(err))
    json.loads(report)
    return done - stop, "".join(err), report, out

def offline(path):
    t = time.monotonic()
    r = subprocess.run([bin_, "analyze", path, "--format", "json", "--threads", threads] + extra,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("bench-live.sh: rehearse analyze failed:\n" + r.stderr)
    return time.monotonic() - t, r.stdout

live_s, err, live_report, path = record()
dropped = [l for l in err.splitlines() if l.startswith("dropped samples")]
note = [l for l in err.splitlines() if l.startswith("live transcription")]
lag = [l for l in err.splitlines() if l.startswith("live display")]
off_s, off_report = offline(path)
words = lambda r: [(w["text"], w["start_s"], w["end_s"]) for w in json.loads(r)["words"]]
same = words(live_report) == words(off_report)
with open(os.path.join(work, "live.json"), "w") as f:
    f.write(live_report)
with open(os.path.join(work, "offline.json"), "w") as f:
    f.write(off_report)
print(f"answer: {wav} ({dur:.1f} s), device {ch} ch {rate} Hz {kind}, stop {gap:.1f} s after it ends, {threads} threads")
print(dropped[0] if dropped else "dropped samples: (not reported)")
print(note[0] if note else "live transcription: (not reported)")
print(lag[0] if lag else "live display: (not reported)")
print("")
print("| path | stop to report, s |")
print("| --- | --- |")
print(f"| rehearse record (live) | {live_s:.2f} |")
print(f"| rehearse analyze WAV (offline, same recording) | {off_s:.2f} |")
print("")
print(f"ratio offline/live: {off_s / live_s:.1f}x; live words and times equal the offline ones: {'yes' if same else 'NO'}")
PY

# The peer, on the same recording and thread count: faster-whisper int8 (same tiny.en weights),
# greedy, with word timestamps, timed from the model loaded to the last segment. It has no live
# mode, so this is what it makes the user wait after the stop. Needs the venv and model that
# scripts/bench-transcribe.sh sets up; skipped without them.
VENV=${BENCH_VENV:-$ROOT/target/bench-venv}
CT2=${XDG_CACHE_HOME:-$REAL_HOME/.cache}/rehearse/ct2/tiny.en
if [ -x "$VENV/bin/python" ] && [ -d "$CT2" ]; then
    "$VENV/bin/python" - "$CT2" "$WORK/rec.wav" "$THREADS" <<'PY'
import sys, time
from faster_whisper import WhisperModel
ct2, wav, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
model = WhisperModel(ct2, device="cpu", compute_type="int8", cpu_threads=threads)
t = time.monotonic()
segments, _ = model.transcribe(wav, language="en", beam_size=1, word_timestamps=True)
n = sum(len(s.words or []) for s in segments)
print(f"| faster-whisper int8, whole recording after the stop (transcription only, {n} words) | {time.monotonic() - t:.2f} |")
PY
else
    echo "(faster-whisper not set up: run bash scripts/bench-transcribe.sh once to compare with it)"
fi
