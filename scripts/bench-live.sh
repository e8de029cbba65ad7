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
SHARED=${REHEARSE_SHARED:-$ROOT/../shared}
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
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "bench-live.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
for tool in pulseaudio sox python3; do
    command -v "$tool" >/dev/null || { echo "bench-live.sh: $tool is missing: run bash scripts/setup.sh --for-tests" >&2; exit 1; }
done
BIN=$ROOT/target/release/rehearse
[ -x "$BIN" ] || { echo "bench-live.sh: $BIN is missing: run bash scripts/setup.sh" >&2; exit 1; }

if [ -z "$WAV" ]; then
    mkdir -p target/eval/answers/audio
    python3 "$SHARED/eval/synth.py" target/eval/answers/audio tests/eval/answers/e01.json >&2
    WAV=target/eval/answers/audio/e01.wav
fi
[ -f "$WAV" ] || { echo "bench-live.sh: $WAV: no such file" >&2; exit 1; }

WORK=$ROOT/target/bench-live
rm -rf "$WORK"
mkdir -p "$WORK/run"
cat > "$WORK/pa.pa" <<EOF
load-module module-native-protocol-unix auth-anonymous=1 socket=$WORK/native
load-module module-null-sink sink_name=speech rate=16000 channels=1 format=s16le sink_properties=device.description=Speech
set-default-sink speech
set-default-source speech.monitor
EOF
export PULSE_SERVER=unix:$WORK/native PULSE_RUNTIME_PATH=$WORK/run HOME=$WORK
export REHEARSE_DATA_DIR=$WORK/attempts NO_COLOR=1
pulseaudio -n -F "$WORK/pa.pa" --daemonize=yes --exit-idle-time=-1 --use-pid-file=yes \
    --log-target=file:"$WORK/pa.log"
trap 'kill "$(cat "$WORK/run/pid" 2>/dev/null)" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -S "$WORK/native" ] && break; sleep 0.1; done

cat > "$WORK/asound.conf" <<EOF
pcm.answer {
    type file
    slave.pcm "pulse"
    file "/dev/null"
    infile "$WORK/answer.raw"
    format "raw"
    hint { show on description "The answer, paced by PulseAudio" }
}
EOF
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$WORK/asound.conf

# The raw file must be in exactly the format cpal opens the device with.
FMT=$("$BIN" devices 2>/dev/null | awk '/^  answer /{f=1} f && /records as:/{print; exit}')
read -r CH RATE KIND < <(echo "$FMT" | sed -E 's/.*records as: ([0-9]+) ch, ([0-9]+) Hz, ([a-z0-9]+).*/\1 \2 \3/')
case "$KIND" in
    f32) ENC=(-e floating-point -b 32) ;;
    i16) ENC=(-e signed -b 16) ;;
    i32) ENC=(-e signed -b 32) ;;
    *) echo "bench-live.sh: the device records as '$FMT', which this script cannot feed" >&2; exit 1 ;;
esac
DUR=$(soxi -D "$WAV")
# Silence after the answer: the gap before the stop, and more than enough beyond it.
sox "$WAV" -t raw -r "$RATE" -c "$CH" "${ENC[@]}" "$WORK/answer.raw" pad 0 30

python3 - "$BIN" "$WORK" "$DUR" "$GAP" "$THREADS" "$WAV" "$CH" "$RATE" "$KIND" "${EXTRA[@]}" <<'PY'
import json, os, signal, subprocess, sys, threading, time

bin_, work, dur, gap, threads, wav, ch, rate, kind = sys.argv[1:10]
extra = sys.argv[10:]
dur, gap = float(dur), float(gap)
rec_wav = os.path.join(work, "rec.wav")

def record(live):
    out = os.path.join(work, "rec.wav" if live else "rec-offline.wav")
    args = [bin_, "record", "--device", "answer", "--countdown", "0", "--no-save",
            "--format", "json", "--threads", threads, "--out", out, "--force"]
    if not live:
        args.append("--no-live")
    p = subprocess.Popen(args + extra, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = threading.Event()
    err = []
    def read_err():
        for line in p.stderr:
            err.append(line)
            if line.startswith("recording to "):
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

live_s, err, live_report, path = record(True)
dropped = [l for l in err.splitlines() if l.startswith("dropped samples")]
note = [l for l in err.splitlines() if l.startswith("live transcription")]
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
print("")
print("| path | stop to report, s |")
print("| --- | --- |")
print(f"| rehearse record (live) | {live_s:.2f} |")
print(f"| rehearse analyze WAV (offline, same recording) | {off_s:.2f} |")
print("")
print(f"ratio offline/live: {off_s / live_s:.1f}x; live words and times equal the offline ones: {'yes' if same else 'NO'}")
PY
