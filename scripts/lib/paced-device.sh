# paced-device.sh - sourced by bench-live.sh and eval-live.sh: a capture device that plays a
# raw file in real time, for `rehearse record` to hear like a microphone.
#
# ALSA's `file` plugin reads the audio from a raw file (infile); its slave is a private
# PulseAudio null sink, which paces it in real time, sample-exact from the first sample (see
# ../shared/notes/capture-without-sound-card.md, recipes A and B).
#
#   paced_device_start DIR      start the daemon under DIR, export the environment, define
#                               ALSA device `answer` reading DIR/answer.raw; sets DEVICE_CH,
#                               DEVICE_RATE and DEVICE_ENC (sox encoding flags) to the format
#                               cpal opens it with
#   paced_device_load WAV PAD   convert WAV into DIR/answer.raw in that format, PAD s of silence after
#   paced_device_stop           stop the daemon (also on exit)

paced_device_start() {
    PACED_DIR=$1
    mkdir -p "$PACED_DIR/run"
    cat > "$PACED_DIR/pa.pa" <<PA
load-module module-native-protocol-unix auth-anonymous=1 socket=$PACED_DIR/native
load-module module-null-sink sink_name=speech rate=16000 channels=1 format=s16le sink_properties=device.description=Speech
set-default-sink speech
set-default-source speech.monitor
PA
    echo "autospawn = no" > "$PACED_DIR/client.conf"
    export PULSE_SERVER=unix:$PACED_DIR/native PULSE_RUNTIME_PATH=$PACED_DIR/run
    export PULSE_CLIENTCONFIG=$PACED_DIR/client.conf HOME=$PACED_DIR
    pulseaudio -n -F "$PACED_DIR/pa.pa" --daemonize=yes --exit-idle-time=-1 --use-pid-file=yes \
        --log-target=file:"$PACED_DIR/pa.log"
    trap paced_device_stop EXIT
    for _ in $(seq 50); do [ -S "$PACED_DIR/native" ] && break; sleep 0.1; done
    cat > "$PACED_DIR/asound.conf" <<CONF
pcm.answer {
    type file
    slave.pcm "pulse"
    file "/dev/null"
    infile "$PACED_DIR/answer.raw"
    format "raw"
    hint { show on description "An answer read from a file, paced by PulseAudio" }
}
CONF
    export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$PACED_DIR/asound.conf
    # The raw file must be in exactly the format cpal opens the device with.
    local fmt kind
    fmt=$("$BIN" devices 2>/dev/null | awk '/^  answer /{f=1} f && /records as:/{print; exit}')
    read -r DEVICE_CH DEVICE_RATE kind < <(echo "$fmt" | sed -E 's/.*records as: ([0-9]+) ch, ([0-9]+) Hz, ([a-z0-9]+).*/\1 \2 \3/')
    case "$kind" in
        f32) DEVICE_ENC=(-e floating-point -b 32) ;;
        i16) DEVICE_ENC=(-e signed -b 16) ;;
        i32) DEVICE_ENC=(-e signed -b 32) ;;
        *) echo "the paced device records as '$fmt', which cannot be fed from a file here" >&2; return 1 ;;
    esac
    DEVICE_KIND=$kind
}

paced_device_load() {
    sox "$1" -t raw -r "$DEVICE_RATE" -c "$DEVICE_CH" "${DEVICE_ENC[@]}" "$PACED_DIR/answer.raw" pad 0 "$2"
}

paced_device_stop() {
    if [ -n "${PACED_DIR:-}" ] && [ -f "$PACED_DIR/run/pid" ]; then
        kill "$(cat "$PACED_DIR/run/pid")" 2>/dev/null || true
        rm -f "$PACED_DIR/run/pid"
    fi
}
