//! End-to-end: `rehearse record` and `rehearse devices` through cpal's real ALSA path on a
//! machine with no sound card, by the two recipes in
//! `../shared/notes/capture-without-sound-card.md`:
//!
//! - B: a private PulseAudio daemon with a null sink, reached through ALSA's `default` device
//!   exactly as on a desktop, paced in real time; `paplay` plays a known spoken WAV into it.
//! - A: ALSA's `file` plugin reading a raw file, not paced: far faster than real time.
//!
//! Every test starts and stops what it needs (daemons and CPU burners by their pid, mounts in
//! a private namespace that ends with the test) and leaves the machine as it found it. A
//! missing tool fails the test with the command that installs it.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::pulse::*;
use common::*;

/// Counts heap allocations made on threads that ask for it, to show that the capture callback
/// makes none.
struct CountingAlloc;

static ALLOCATIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

thread_local! {
    static TRACKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn count_if_tracked() {
    if TRACKED.try_with(|t| t.get()).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        count_if_tracked();
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, size: usize) -> *mut u8 {
        count_if_tracked();
        unsafe { std::alloc::System.realloc(ptr, layout, size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Real-time tests must not share the two cores with each other (scripts/test.sh runs one test
/// at a time anyway; this keeps `cargo test --test record` honest too).
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running `rehearse record` whose stderr lines are collected as they come, with the time
/// each arrived.
struct Rec {
    child: Child,
    lines: Arc<Mutex<Vec<(Instant, String)>>>,
    stdout: Option<std::thread::JoinHandle<String>>,
}

fn spawn_record(mut cmd: Command, args: &[&str]) -> Rec {
    cmd.arg("record")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("rehearse record");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let err = child.stderr.take().expect("stderr");
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            sink.lock().expect("lines").push((Instant::now(), line));
        }
    });
    let mut out = child.stdout.take().expect("stdout");
    let stdout = Some(std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    }));
    Rec {
        child,
        lines,
        stdout,
    }
}

impl Rec {
    fn stderr(&self) -> String {
        let lines = self.lines.lock().expect("lines");
        lines
            .iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// When a line containing `pat` arrived.
    fn wait_line(&mut self, pat: &str, timeout: Duration) -> Instant {
        let until = Instant::now() + timeout;
        loop {
            if let Some((t, _)) = self
                .lines
                .lock()
                .expect("lines")
                .iter()
                .find(|(_, l)| l.contains(pat))
            {
                return *t;
            }
            if let Ok(Some(st)) = self.child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                panic!("record exited ({st}) before '{pat}':\n{}", self.stderr());
            }
            assert!(
                Instant::now() < until,
                "no '{pat}' within {timeout:?}:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on the child this test spawned.
        unsafe { libc::kill(self.child.id() as i32, sig) };
    }

    /// Waits for the exit; returns status, stdout and stderr.
    fn finish(mut self, timeout: Duration) -> (ExitStatus, String, String) {
        let until = Instant::now() + timeout;
        let status = loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                break st;
            }
            if Instant::now() > until {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("record still running after {timeout:?}:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stdout = self
            .stdout
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        // The reader thread sees EOF right after the exit.
        std::thread::sleep(Duration::from_millis(100));
        (status, stdout, self.stderr())
    }
}

/// Two shell loops that keep both cores busy until dropped.
struct Burners(Vec<Child>);

impl Burners {
    fn start() -> Burners {
        Burners(
            (0..2)
                .map(|_| {
                    Command::new("sh")
                        .args(["-c", "while :; do :; done"])
                        .spawn()
                        .expect("sh")
                })
                .collect(),
        )
    }
}

impl Drop for Burners {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The WAV as hound reads it: spec and every sample (reading all of them proves the file whole).
fn read_wav(p: &Path) -> (hound::WavSpec, Vec<i16>) {
    let mut r = hound::WavReader::open(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let spec = r.spec();
    let samples: Vec<i16> = r
        .samples::<i16>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    (spec, samples)
}

/// `soxi -s` (samples per channel) and `soxi -D` (seconds): sox's own reading of the file.
fn soxi(p: &Path) -> (u64, f64) {
    let soxi = need("soxi");
    let run = |flag: &str| {
        let out = Command::new(&soxi).arg(flag).arg(p).output().expect("soxi");
        assert!(
            out.status.success(),
            "soxi {flag} {}: {}",
            p.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    (
        run("-s").parse().expect("samples"),
        run("-D").parse().expect("seconds"),
    )
}

/// The words of a WAV as the real tiny.en model hears them.
fn transcript(wav: &Path) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("t.txt");
    let st = rehearse()
        .args(["transcribe", "--quiet", "--model"])
        .arg(tiny_en())
        .arg(wav)
        .arg("--out")
        .arg(&out)
        .status()
        .expect("transcribe");
    assert!(st.success(), "transcribe {} failed", wav.display());
    normalize(&std::fs::read_to_string(&out).expect("transcript"))
}

/// `dropped samples: D of T` from record's stderr.
fn dropped_line(stderr: &str) -> (u64, u64) {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("dropped samples: "))
        .unwrap_or_else(|| panic!("no dropped-samples line:\n{stderr}"));
    let (d, t) = line.split_once(" of ").expect("D of T");
    (d.parse().expect("dropped"), t.parse().expect("total"))
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

/// The words of JFK's sentence, for comparing transcripts.
fn jfk_words() -> Vec<String> {
    normalize(JFK_TEXT)
}

/// A 3.5 s take of the JFK clip: its first five words, and at most one more for "ask", which
/// the take cuts off in its first syllable. Whisper may leave that fragment out or write it as
/// a word (with flash attention on, tiny.en writes "And..."), so only that one is tolerated.
fn assert_first_five_jfk_words(words: &[String]) {
    assert!(
        (5..=6).contains(&words.len()) && words[..5] == jfk_words()[..5],
        "{words:?}"
    );
}

#[test]
fn the_capture_callback_never_allocates() {
    use rehearse::capture::callback::{Counters, input_callback};
    let info = cpal::InputCallbackInfo::new(cpal::InputStreamTimestamp {
        callback: cpal::StreamInstant::ZERO,
        capture: cpal::StreamInstant::ZERO,
    });
    let (producer, mut consumer) = rtrb::RingBuffer::<i16>::new(48_000);
    let counters = Arc::new(Counters::default());
    let mut callback = input_callback::<f32>(producer, 2, counters.clone());
    let buffer: Vec<f32> = (0..2400).map(|i| (i as f32 / 2400.0) - 0.5).collect();
    TRACKED.with(|t| t.set(true));
    // 40 buffers into a ring with room for 20: pushes, wrap-arounds and drops, all counted.
    for _ in 0..40 {
        callback(&buffer, &info);
    }
    TRACKED.with(|t| t.set(false));
    assert_eq!(
        ALLOCATIONS.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "the callback allocated"
    );
    let dropped = counters.dropped.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(dropped, 20 * 2400);
    assert_eq!(consumer.slots(), 48_000);
    let first = consumer.pop().expect("a sample");
    assert_eq!(first, -16384);
}

#[test]
fn speech_played_into_pulseaudio_is_recorded_to_the_asked_length() {
    let _s = serial();
    let pulse = Pulse::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("answer.wav");
    let mut cmd = rehearse();
    pulse.env(&mut cmd);
    let mut rec = spawn_record(
        cmd,
        &[
            "--no-analyze",
            "--countdown",
            "0",
            "--max-duration",
            "14s",
            "--wav",
        ]
        .into_iter()
        .chain([out.to_str().expect("utf-8 path")])
        .collect::<Vec<_>>(),
    );
    // Capture first, then play: the null sink's monitor is live, so audio played before the
    // stream starts is gone.
    rec.wait_line("recording from", Duration::from_secs(15));
    let mut play = pulse.play(&jfk());
    let (st, _, stderr) = rec.finish(Duration::from_secs(40));
    let _ = play.wait();
    assert!(st.success(), "{stderr}");
    assert!(stderr.contains("stopped by --max-duration"), "{stderr}");
    assert!(stderr.contains("from default"), "{stderr}");
    let (spec, samples) = read_wav(&out);
    assert_eq!(spec.bits_per_sample, 16);
    assert_eq!(
        samples.len() as u64,
        14 * u64::from(spec.sample_rate) * u64::from(spec.channels),
        "--max-duration 14s counts samples"
    );
    let (frames, secs) = soxi(&out);
    assert_eq!(frames, 14 * u64::from(spec.sample_rate));
    assert!((secs - 14.0).abs() < 1e-3, "sox says {secs} s");
    assert_eq!(mode(&out), 0o600, "recordings are private");
    let (dropped, total) = dropped_line(&stderr);
    assert_eq!(dropped, 0, "{stderr}");
    assert!(total >= samples.len() as u64, "{stderr}");
    assert_eq!(transcript(&out), jfk_words());
}

#[test]
fn ctrl_c_mid_recording_finalizes_and_still_analyzes() {
    let _s = serial();
    let pulse = Pulse::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("answer.wav");
    let model = tiny_en();
    let mut cmd = rehearse();
    pulse.env(&mut cmd);
    let mut rec = spawn_record(
        cmd,
        &[
            "--countdown",
            "0",
            "--question",
            "failed",
            "--threads",
            "2",
            "--model",
            model.to_str().expect("utf-8 path"),
            "--wav",
            out.to_str().expect("utf-8 path"),
        ],
    );
    rec.wait_line("recording from", Duration::from_secs(15));
    let mut play = pulse.play(&jfk());
    std::thread::sleep(Duration::from_secs(7));
    rec.signal(libc::SIGINT);
    let (st, report, stderr) = rec.finish(Duration::from_secs(120));
    let _ = play.wait();
    assert!(st.success(), "Ctrl-C is a normal way to stop:\n{stderr}");
    assert!(stderr.contains("stopped by signal"), "{stderr}");
    // It is kept in the practice history by default.
    assert!(stderr.contains("saved attempt"), "{stderr}");
    let (spec, samples) = read_wav(&out);
    let secs = samples.len() as f64 / f64::from(spec.sample_rate * u32::from(spec.channels));
    assert!((4.0..9.0).contains(&secs), "{secs} s recorded:\n{stderr}");
    // The report of the recording, with words transcribed from it.
    assert!(
        report.contains("Tell me about a time you failed."),
        "{report}"
    );
    assert!(report.contains("word times from the audio"), "{report}");
    let wpm: f64 = report
        .lines()
        .find_map(|l| l.trim().split_once(" wpm overall"))
        .and_then(|(n, _)| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no pace line:\n{report}"));
    assert!(wpm > 60.0, "{wpm} wpm: the words were not heard\n{report}");
}

#[test]
fn kill_9_mid_recording_leaves_a_file_hound_and_sox_read() {
    let _s = serial();
    let pulse = Pulse::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("answer.wav");
    let mut cmd = rehearse();
    pulse.env(&mut cmd);
    let mut rec = spawn_record(
        cmd,
        &[
            "--no-analyze",
            "--countdown",
            "0",
            "--wav",
            out.to_str().expect("utf-8 path"),
        ],
    );
    rec.wait_line("recording from", Duration::from_secs(15));
    let mut play = pulse.play(&jfk());
    // Killed the moment rehearse reports 6 s of audio written: the guarantee is about what
    // reached rehearse, whatever the sound server's own latency.
    let shown = rec.wait_line("rec 0:06", Duration::from_secs(20));
    rec.signal(libc::SIGKILL);
    let killed = Instant::now();
    let (st, _, stderr) = rec.finish(Duration::from_secs(10));
    let _ = play.kill();
    let _ = play.wait();
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&st),
        Some(libc::SIGKILL)
    );
    let (spec, samples) = read_wav(&out);
    let frames = samples.len() as u64 / u64::from(spec.channels);
    let secs = frames as f64 / f64::from(spec.sample_rate);
    let late = (killed - shown).as_secs_f64();
    assert!(
        (5.0..8.0).contains(&secs),
        "{secs:.2} s in the file, killed {late:.3} s after 6 s were written: more than 1 s lost\n{stderr}"
    );
    let (sox_frames, sox_secs) = soxi(&out);
    assert_eq!(sox_frames, frames, "sox and hound agree");
    assert!((sox_secs - secs).abs() < 1e-3);
    // The speech up to there is in it.
    let words = transcript(&out);
    assert!(
        words.len() >= 5 && jfk_words().starts_with(&words[..5]),
        "{words:?}"
    );
    eprintln!("kill -9 with at least 6.0 s written: {secs:.2} s in the file");
}

#[test]
fn no_samples_dropped_while_both_cores_are_busy() {
    let _s = serial();
    let pulse = Pulse::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("answer.wav");
    let burners = Burners::start();
    let mut cmd = rehearse();
    pulse.env(&mut cmd);
    let mut rec = spawn_record(
        cmd,
        &[
            "--no-analyze",
            "--countdown",
            "0",
            "--max-duration",
            "14s",
            "--wav",
        ]
        .into_iter()
        .chain([out.to_str().expect("utf-8 path")])
        .collect::<Vec<_>>(),
    );
    rec.wait_line("recording from", Duration::from_secs(30));
    let mut play = pulse.play(&jfk());
    let (st, _, stderr) = rec.finish(Duration::from_secs(60));
    let _ = play.wait();
    drop(burners);
    assert!(st.success(), "{stderr}");
    let (dropped, total) = dropped_line(&stderr);
    eprintln!("under load: dropped {dropped} of {total} samples");
    assert_eq!(dropped, 0, "{stderr}");
    assert!(!stderr.contains("overrun"), "{stderr}");
    let (spec, samples) = read_wav(&out);
    assert_eq!(
        samples.len() as u64,
        14 * u64::from(spec.sample_rate) * u64::from(spec.channels)
    );
    // A gap anywhere in the speech would cost words.
    assert_eq!(transcript(&out), jfk_words());
}

#[test]
fn a_sound_server_that_dies_stops_the_recording_and_keeps_the_audio() {
    let _s = serial();
    let mut pulse = Pulse::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("answer.wav");
    let mut cmd = rehearse();
    pulse.env(&mut cmd);
    let mut rec = spawn_record(
        cmd,
        &[
            "--no-analyze",
            "--countdown",
            "0",
            "--wav",
            out.to_str().expect("utf-8 path"),
        ],
    );
    rec.wait_line("recording from", Duration::from_secs(15));
    rec.wait_line("rec 0:01", Duration::from_secs(15));
    pulse.kill_daemon();
    let (st, _, stderr) = rec.finish(Duration::from_secs(30));
    assert_eq!(st.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the input device stopped"), "{stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("error: recording ended early")),
        "{stderr}"
    );
    let (spec, samples) = read_wav(&out);
    let secs = samples.len() as f64 / f64::from(spec.sample_rate * u32::from(spec.channels));
    assert!(secs >= 1.0, "{secs} s kept:\n{stderr}");
    soxi(&out);
}

/// Recipe A: an ALSA configuration with a `fromfile` capture device reading `raw`.
fn file_plugin_conf(dir: &Path, raw: &Path) -> PathBuf {
    file_device_conf(dir, "fromfile", "null", raw)
}

/// An ALSA configuration with capture device `name`: the `file` plugin reading `raw` over the
/// slave PCM `slave`.
fn file_device_conf(dir: &Path, name: &str, slave: &str, raw: &Path) -> PathBuf {
    let conf = dir.join(format!("{name}.conf"));
    std::fs::write(
        &conf,
        format!(
            "pcm.{name} {{\n    type file\n    slave.pcm \"{slave}\"\n    file \"/dev/null\"\n    infile \"{}\"\n    format \"raw\"\n    hint {{\n        show on\n        description \"Speech read from a raw file\"\n    }}\n}}\n",
            raw.display()
        ),
    )
    .expect("asound.conf");
    conf
}

/// `rehearse` with ALSA looking at `conf` after its own configuration, and no PulseAudio.
fn with_alsa_conf(conf: &Path) -> Command {
    let mut c = rehearse();
    c.env(
        "ALSA_CONFIG_PATH",
        format!("/usr/share/alsa/alsa.conf:{}", conf.display()),
    )
    .env_remove("PULSE_SERVER");
    c
}

/// Speech in the format the file plugin's device opens with (2 ch, 48 kHz, f32), padded with
/// silence, plus the same audio as 16-bit samples to compare against.
fn speech_raw(dir: &Path) -> (PathBuf, Vec<i16>) {
    device_raw(dir, &jfk(), &["pad", "0", "10"])
}

/// `source` through sox `effects` as raw 2 ch 48 kHz f32 (what cpal opens the file plugin's
/// device with), plus the same audio as the 16-bit samples a recording of it must hold.
fn device_raw(dir: &Path, source: &Path, effects: &[&str]) -> (PathBuf, Vec<i16>) {
    need("sox");
    let reference = dir.join("ref.wav");
    let reference_s = reference.to_str().expect("utf-8 path");
    let mut args = vec![
        source.to_str().expect("utf-8 path"),
        "-r",
        "48000",
        "-c",
        "2",
        "-e",
        "signed",
        "-b",
        "16",
        reference_s,
    ];
    args.extend_from_slice(effects);
    sox(&args);
    let raw = dir.join("speech.raw");
    // 16-bit values as floats are exact, so what comes back through the capture path can be
    // compared sample for sample.
    sox(&[
        reference_s,
        "-t",
        "raw",
        "-e",
        "floating-point",
        "-b",
        "32",
        raw.to_str().expect("utf-8 path"),
    ]);
    let (_, samples) = read_wav(&reference);
    (raw, samples)
}

#[test]
fn a_long_capture_from_the_file_plugin_stops_at_the_exact_sample_count() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let (raw, reference) = speech_raw(dir.path());
    let conf = file_plugin_conf(dir.path(), &raw);
    let devices = with_alsa_conf(&conf)
        .arg("devices")
        .output()
        .expect("devices");
    let listing = String::from_utf8_lossy(&devices.stdout);
    assert!(
        listing.contains("fromfile") && listing.contains("records as: 2 ch, 48000 Hz, f32"),
        "{listing}"
    );
    let out = dir.path().join("long.wav");
    let t = Instant::now();
    let st = with_alsa_conf(&conf)
        .args([
            "record",
            "--no-analyze",
            "--countdown",
            "0",
            "--device",
            "fromfile",
        ])
        .args(["--max-duration", "5m", "--wav"])
        .arg(&out)
        .stdin(Stdio::null())
        .output()
        .expect("record");
    let wall = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&st.stderr);
    assert!(st.status.success(), "{stderr}");
    assert!(stderr.contains("stopped by --max-duration"), "{stderr}");
    let (spec, samples) = read_wav(&out);
    assert_eq!((spec.channels, spec.sample_rate), (2, 48000));
    assert_eq!(samples.len(), 5 * 60 * 48000 * 2, "exactly 5:00 of audio");
    // The ring holds 4 s: at least that much arrives before any drop, and it is the speech,
    // sample for sample, through cpal, the callback's conversion, the ring and the writer.
    let checked = 4 * 48000 * 2;
    assert!(
        samples[..checked] == reference[..checked],
        "audio altered on the way"
    );
    // Every sample the device delivered is either in the file or counted as dropped.
    let (dropped, total) = dropped_line(&stderr);
    assert_eq!(samples.len() as u64 + dropped, total, "{stderr}");
    let speed = 300.0 / wall;
    eprintln!(
        "file plugin: 5:00 of audio written in {wall:.2} s ({speed:.0}x real time); the device delivered {total} samples, {dropped} did not fit"
    );
    // A microphone delivers 1x; the writer must be far ahead of that.
    assert!(speed > 20.0, "only {speed:.1}x real time\n{stderr}");
    if dropped > 0 {
        assert!(stderr.contains("not paced like a microphone"), "{stderr}");
    }
}

#[test]
fn an_unknown_device_is_one_line_naming_the_real_ones() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let (raw, _) = speech_raw(dir.path());
    let conf = file_plugin_conf(dir.path(), &raw);
    let out = dir.path().join("x.wav");
    let r = with_alsa_conf(&conf)
        .args(["record", "--no-analyze", "--device", "no-such-mic", "--wav"])
        .arg(&out)
        .stdin(Stdio::null())
        .output()
        .expect("record");
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr
            .starts_with("error: --device no-such-mic: no such input device; input devices here:")
            && stderr.contains("fromfile"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing created");
}

#[test]
fn no_input_device_at_all_is_one_line() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    // An ALSA configuration that defines no PCM at all, not even `default`.
    let conf = dir.path().join("empty.conf");
    std::fs::write(&conf, "# no devices\n").expect("conf");
    let run = |args: &[&str]| {
        rehearse()
            .env("ALSA_CONFIG_PATH", &conf)
            .env_remove("PULSE_SERVER")
            .current_dir(dir.path())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("rehearse")
    };
    let wav = dir.path().join("never.wav");
    let r = run(&[
        "record",
        "--no-analyze",
        "--countdown",
        "0",
        "--wav",
        wav.to_str().expect("utf-8 path"),
    ]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: no input device: "), "{stderr}");
    assert!(stderr.contains("rehearse devices"), "{stderr}");
    assert!(!wav.exists(), "no file left behind");
    let r = run(&["devices"]);
    assert!(r.status.success());
    let listing = String::from_utf8_lossy(&r.stdout);
    assert!(
        listing.contains("No input device can be opened"),
        "{listing}"
    );
}

/// The 16 kHz mono samples of a WAV, as 16-bit values.
fn mono16k(p: &Path) -> Vec<i16> {
    let (spec, samples) = read_wav(p);
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, 16_000, 16),
        "{} is not 16 kHz mono 16-bit",
        p.display()
    );
    samples
}

/// Every entry of a folder, by name, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_recording_is_kept_once_in_the_history_even_from_a_read_only_folder() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let (raw, reference) = speech_raw(dir.path());
    let conf = file_plugin_conf(dir.path(), &raw);
    let bin = assert_cmd::cargo::cargo_bin("rehearse");
    let store = dir.path().join("store");
    std::fs::create_dir_all(dir.path().join("ro")).expect("mnt");
    let alsa = format!("/usr/share/alsa/alsa.conf:{}", conf.display());
    let model = tiny_en();
    // The current folder is a read-only file system: nothing is written there.
    let out = in_mount_namespace(
        "mount -t tmpfs -o ro,size=1m none \"$D/ro\" || exit 99; cd \"$D/ro\" || exit 98; \
         \"$BIN\" record -Q failed --countdown 0 --device fromfile --max-duration 3.5s --model \"$M\"",
        &[
            ("BIN", &bin),
            ("D", dir.path()),
            ("M", &model),
            ("ALSA_CONFIG_PATH", Path::new(&alsa)),
            ("REHEARSE_DATA_DIR", &store),
            ("NO_COLOR", Path::new("1")),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(99), "cannot mount tmpfs: {stderr}");
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("into your practice history"), "{stderr}");
    assert!(stderr.contains("saved attempt"), "{stderr}");
    assert!(
        stderr.contains(&format!("in {}", store.display())),
        "says where: {stderr}"
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("Tell me about a time you failed."),
        "{report}"
    );
    // One attempt, nothing else left in the store's folder (no capture file).
    let attempts = |store: &Path| -> Vec<String> {
        names_in(store)
            .into_iter()
            .filter(|n| n != "index.json")
            .collect()
    };
    let names = attempts(&store);
    assert_eq!(names.len(), 1, "{names:?}");
    let attempt = store.join(&names[0]);
    assert_eq!(
        names_in(&attempt),
        ["audio.wav", "meta.json", "report.json", "transcript.json"]
    );
    assert_eq!(mode(&attempt.join("audio.wav")), 0o600);
    // What the analysis needs: 3.5 s at 16 kHz mono, a sixth of what the device delivered,
    // and the words of the answer.
    let kept = mono16k(&attempt.join("audio.wav"));
    assert_eq!(kept.len(), 56_000);
    let bytes = std::fs::metadata(attempt.join("audio.wav"))
        .expect("audio")
        .len();
    assert!(bytes * 5 < 3 * 48_000 * 2 * 2 + 44, "{bytes} bytes");
    assert_first_five_jfk_words(&transcript(&attempt.join("audio.wav")));

    // Asked for, the recording as made is kept too, sample for sample.
    let r = with_alsa_conf(&conf)
        .env("REHEARSE_DATA_DIR", &store)
        .current_dir(dir.path())
        .args(["record", "--countdown", "0", "--device", "fromfile"])
        .args(["--max-duration", "3.5s", "--keep-original", "--no-live"])
        .stdin(Stdio::null())
        .output()
        .expect("record");
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{stderr}");
    let second = attempts(&store)
        .into_iter()
        .find(|n| n != &names[0])
        .expect("a second attempt");
    let attempt = store.join(&second);
    assert_eq!(
        names_in(&attempt),
        [
            "audio.wav",
            "meta.json",
            "original.wav",
            "report.json",
            "transcript.json"
        ]
    );
    let (spec, original) = read_wav(&attempt.join("original.wav"));
    assert_eq!((spec.channels, spec.sample_rate), (2, 48_000));
    assert!(original[..] == reference[..original.len()], "altered");
    assert_eq!(mode(&attempt.join("original.wav")), 0o600);
    assert_eq!(mono16k(&attempt.join("audio.wav")).len(), 56_000);
    assert_eq!(attempts(&store).len(), 2, "no capture file left behind");
    assert!(
        names_in(dir.path()).iter().all(|n| n != "recordings"),
        "nothing in the current folder"
    );
}

#[test]
fn wav_files_are_private_and_never_overwritten() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let (raw, _) = speech_raw(dir.path());
    let conf = file_plugin_conf(dir.path(), &raw);
    let record = |extra: &[&str]| {
        with_alsa_conf(&conf)
            .current_dir(dir.path())
            .args([
                "record",
                "--no-analyze",
                "--countdown",
                "0",
                "--device",
                "fromfile",
            ])
            .args(["--max-duration", "1s"])
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .expect("record")
    };
    // Only recording needs a file to record into.
    let r = record(&[]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--wav"), "{stderr}");

    let fresh = dir.path().join("fresh.wav");
    let r = record(&["--wav", fresh.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("wrote the recording to {}", fresh.display())),
        "{stderr}"
    );
    assert_eq!(mode(&fresh), 0o600);

    let existing = dir.path().join("keep.wav");
    std::fs::write(&existing, b"precious").expect("write");
    let r = record(&["--wav", existing.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("already exists; pass --force"), "{stderr}");
    assert_eq!(std::fs::read(&existing).expect("read"), b"precious");
    let r = record(&["--wav", existing.to_str().expect("utf-8 path"), "--force"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let (spec, samples) = read_wav(&existing);
    assert_eq!(samples.len(), spec.sample_rate as usize * 2);
    assert_eq!(mode(&existing), 0o600);
}

/// A false start: the microphone opened and nobody spoke. Nothing is saved, the message says
/// so, and the exit status is 3 (README: exit status).
#[test]
fn silence_through_the_device_saves_nothing_and_exits_3() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    // Two seconds of digital silence, as a muted microphone or a false start gives.
    let (raw, _) = device_raw(
        dir.path(),
        &jfk(),
        &["trim", "0", "0.01", "vol", "0", "pad", "0", "4"],
    );
    let conf = file_plugin_conf(dir.path(), &raw);
    let store = dir.path().join("store");
    let run = |extra: &[&str]| {
        with_alsa_conf(&conf)
            .env("REHEARSE_DATA_DIR", &store)
            .current_dir(dir.path())
            .args(["record", "--countdown", "0", "--device", "fromfile"])
            .args(["--max-duration", "2s", "--model"])
            .arg(tiny_en())
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .expect("record")
    };
    let r = run(&[]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(3), "{stderr}");
    assert_eq!(
        stderr.lines().last(),
        Some("error: the recording: no speech heard in its 2.0 s; nothing saved"),
        "{stderr}"
    );
    assert!(r.stdout.is_empty(), "no report");
    assert!(
        names_in(&store).iter().all(|n| n == "index.json"),
        "nothing stored, no capture file left: {:?}",
        names_in(&store)
    );
    // The user's own --wav file is theirs: kept, and the message says where.
    let wav = dir.path().join("mine.wav");
    let r = run(&["--wav", wav.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "nothing saved (the audio is still at {})",
            wav.display()
        )),
        "{stderr}"
    );
    assert!(wav.is_file());
    // Without saving, the same answer, and the temporary capture is gone.
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).expect("tmp");
    let r = with_alsa_conf(&conf)
        .env("TMPDIR", &tmp)
        .args(["record", "--countdown", "0", "--device", "fromfile"])
        .args(["--max-duration", "2s", "--no-save", "--model"])
        .arg(tiny_en())
        .stdin(Stdio::null())
        .output()
        .expect("record");
    assert_eq!(
        r.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(names_in(&tmp).is_empty(), "{:?}", names_in(&tmp));
}

/// Runs `script` as root in a private mount namespace: mounts made there vanish with it.
fn in_mount_namespace(script: &str, env: &[(&str, &Path)]) -> std::process::Output {
    let unshare = need("unshare");
    let mut c = Command::new(unshare);
    c.args(["--mount", "--propagation", "private", "sh", "-c", script]);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("unshare");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("unshare failed"),
        "private mount namespaces are needed (run the tests as root): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_read_only_folder_and_a_full_disk_are_one_line_errors() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let (raw, _) = speech_raw(dir.path());
    let conf = file_plugin_conf(dir.path(), &raw);
    let bin = assert_cmd::cargo::cargo_bin("rehearse");
    std::fs::create_dir_all(dir.path().join("mnt")).expect("mnt");
    let alsa = format!("/usr/share/alsa/alsa.conf:{}", conf.display());
    let alsa = Path::new(&alsa);
    let record = "\"$BIN\" record --no-analyze --countdown 0 --device fromfile";

    let out = in_mount_namespace(
        &format!(
            "mount -t tmpfs -o ro,size=1m none \"$D/mnt\" || exit 99; {record} --max-duration 2s --wav \"$D/mnt/a.wav\""
        ),
        &[("BIN", &bin), ("D", dir.path()), ("ALSA_CONFIG_PATH", alsa)],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(99), "cannot mount tmpfs: {stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("a.wav: cannot create the recording: Read-only file system"),
        "{stderr}"
    );

    // 1 MiB holds about 5 s of 48 kHz stereo: the disk fills long before --max-duration.
    let out = in_mount_namespace(
        &format!(
            "mount -t tmpfs -o size=1m none \"$D/mnt\" || exit 99; {record} --max-duration 1m --wav \"$D/mnt/a.wav\"; rc=$?; cp \"$D/mnt/a.wav\" \"$D/kept.wav\"; exit $rc"
        ),
        &[("BIN", &bin), ("D", dir.path()), ("ALSA_CONFIG_PATH", alsa)],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(99), "cannot mount tmpfs: {stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains("a.wav: write failed after 0:0")
            && errors[0].contains("No space left on device")
            && errors[0].contains("the audio written before it is kept"),
        "{stderr}"
    );
    // What reached the disk before it filled is a valid WAV holding it all.
    let kept = dir.path().join("kept.wav");
    let (spec, samples) = read_wav(&kept);
    let bytes = std::fs::metadata(&kept).expect("kept").len();
    assert!(
        samples.len() as u64 * 2 + 44 == bytes,
        "header matches the data on disk"
    );
    let secs = samples.len() as f64 / f64::from(spec.sample_rate * u32::from(spec.channels));
    assert!(secs > 4.0, "{secs} s kept");
}

/// Speech from the bundled sample's first `secs` seconds, padded with `pad` seconds of silence,
/// for the file plugin's device (see [`device_raw`]).
fn sample_raw(dir: &Path, secs: &str, pad: &str) -> (PathBuf, Vec<i16>) {
    let sample = root().join("samples/failure-star.wav");
    device_raw(dir, &sample, &["trim", "0", secs, "pad", "0", pad])
}

/// Recipe A over recipe B: the file plugin with PulseAudio as its slave reads the answer from a
/// raw file but is paced in real time by the sound server, sample-exact from the first sample.
fn paced_file_conf(dir: &Path, raw: &Path) -> PathBuf {
    need_alsa_pulse_plugin();
    file_device_conf(dir, "answer", "pulse", raw)
}

/// The words of a JSON report or transcript with their times, exactly.
fn report_words(json: &str) -> Vec<(String, f64, f64)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON report");
    words_of(&v)
}

#[test]
fn live_transcription_while_recording_gives_the_offline_report_words() {
    let _s = serial();
    let pulse = Pulse::start();
    let dir = tempfile::tempdir().expect("tempdir");
    // 33 s of the answer and 2 s of silence: longer than one Whisper window (shorter recordings
    // are decoded whole at the stop), so stretches are cut and transcribed while recording.
    let (raw, reference) = sample_raw(dir.path(), "33", "2");
    let conf = paced_file_conf(dir.path(), &raw);
    let out = dir.path().join("live.wav");
    let mut cmd = rehearse();
    pulse.env(&mut cmd).env(
        "ALSA_CONFIG_PATH",
        format!("/usr/share/alsa/alsa.conf:{}", conf.display()),
    );
    let rec = spawn_record(
        cmd,
        &[
            "--device",
            "answer",
            "--countdown",
            "0",
            "--max-duration",
            "35s",
            "--no-save",
            "--format",
            "json",
            "--threads",
            "2",
            "--wav",
            out.to_str().expect("utf-8 path"),
        ],
    );
    let t0 = Instant::now();
    let (st, stdout, stderr) = rec.finish(Duration::from_secs(90));
    assert!(st.success(), "{stderr}");
    assert!(
        t0.elapsed() >= Duration::from_secs(34),
        "the device must be paced in real time"
    );
    // The WAV is exactly the audio played, sample for sample, with live transcription running.
    let (spec, samples) = read_wav(&out);
    assert_eq!((spec.channels, spec.sample_rate), (2, 48_000));
    assert!(
        samples == reference,
        "the recording differs from the audio played"
    );
    assert_eq!(dropped_line(&stderr).0, 0, "{stderr}");
    // Stretches were transcribed while recording, and the display showed what was heard and
    // the section the analysis put it in.
    let during: usize = stderr
        .lines()
        .find_map(|l| l.strip_prefix("live transcription: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no live transcription line:\n{stderr}"));
    assert!(during >= 1, "{stderr}");
    // How far the display trailed the speech, as `record` measures it (shown with --nocapture).
    let lag = stderr
        .lines()
        .find(|l| l.starts_with("live display: the words heard trailed the speech by "))
        .unwrap_or_else(|| panic!("no display lag line:\n{stderr}"));
    eprintln!("{lag}");
    // "heard: …" or, once the words are more than 5 s old, "heard (7 s ago): …".
    let line = stderr
        .lines()
        .find(|l| {
            (l.contains("heard: …") || l.contains(" s ago): …")) && l.contains("in your words: ")
        })
        .unwrap_or_else(|| panic!("no live words on the display:\n{stderr}"));
    // Both section lines are labelled: the plan's clock and the analysis of the words.
    assert!(line.contains("on the clock: "), "{line}");
    // The words shown are the answer's (the tail of what was transcribed so far).
    let heard = line
        .split(" …")
        .nth(1)
        .and_then(|h| h.split("  |  ").next())
        .unwrap_or_default();
    let said =
        normalize(&std::fs::read_to_string(root().join("samples/failure-star.txt")).expect("text"));
    let heard_words = normalize(heard);
    assert!(heard_words.len() >= 3, "{line}");
    let known = heard_words.iter().filter(|w| said.contains(w)).count();
    assert!(known * 10 >= heard_words.len() * 8, "{line}");
    let section_names = ["Situation", "Task", "Action", "Result", "Learning"];
    assert!(
        section_names
            .iter()
            .any(|n| line.contains(&format!("in your words: {n} "))),
        "{line}"
    );
    // The live path's words and times are the offline path's, on the same recording.
    let offline = rehearse()
        .args(["analyze", "--format", "json", "--threads", "2"])
        .arg(&out)
        .output()
        .expect("analyze");
    assert!(
        offline.status.success(),
        "{}",
        String::from_utf8_lossy(&offline.stderr)
    );
    let live_words = report_words(&stdout);
    assert!(live_words.len() > 40, "{stdout}");
    assert_eq!(
        live_words,
        report_words(&String::from_utf8_lossy(&offline.stdout))
    );
}

#[test]
fn live_and_after_the_stop_record_the_same_file_and_words() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    // The unpaced file plugin delivers far faster than any writer: only what fits in the 4 s
    // ring arrives intact, so the recording stops at 3.5 s.
    let (raw, reference) = speech_raw(dir.path());
    let conf = file_plugin_conf(dir.path(), &raw);
    let mut reports = Vec::new();
    let mut files = Vec::new();
    for live in [true, false] {
        let out = dir.path().join(format!("{live}.wav"));
        let mut cmd = with_alsa_conf(&conf);
        cmd.args([
            "record",
            "--device",
            "fromfile",
            "--countdown",
            "0",
            "--max-duration",
            "3.5s",
            "--no-save",
            "--format",
            "json",
            "--wav",
        ])
        .arg(&out);
        if !live {
            cmd.arg("--no-live");
        }
        let o = cmd.output().expect("record");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{stderr}");
        assert_eq!(stderr.contains("live transcription:"), live, "{stderr}");
        reports.push(report_words(&String::from_utf8_lossy(&o.stdout)));
        files.push(std::fs::read(&out).expect("wav"));
    }
    assert!(
        files[0] == files[1],
        "the WAV must not depend on live transcription"
    );
    let (_, samples) = read_wav(&dir.path().join("true.wav"));
    assert!(
        samples[..] == reference[..samples.len()],
        "audio altered on the way"
    );
    assert_eq!(reports[0], reports[1]);
    let words: Vec<String> = reports[0].iter().map(|w| w.0.clone()).collect();
    assert_first_five_jfk_words(&normalize(&words.join(" ")));
}

/// `--no-save` adds nothing to the history but is still measured against the speaker's usual
/// pitch range from it. Two short saved takes make the baseline here (a lexicon override lowers
/// the attempts needed and the voiced time each must hold, so a 3.5 s take counts).
#[test]
fn a_no_save_take_is_measured_against_the_speaker_s_own_range() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let (raw, _) = speech_raw(dir.path());
    let conf = file_plugin_conf(dir.path(), &raw);
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).expect("mkdir");
    // The lexicon as shipped, with two values changed (an override file replaces it whole).
    let shipped = std::fs::read_to_string(root().join("data/lexicon.toml")).expect("lexicon");
    let table = shipped
        .replace("min_voiced_s = 10.0", "min_voiced_s = 1.0")
        .replace("own_range_attempts = 5", "own_range_attempts = 2");
    assert!(table.contains("own_range_attempts = 2") && table.contains("min_voiced_s = 1.0"));
    std::fs::write(config.join("lexicon.toml"), table).expect("lexicon override");
    let store = dir.path().join("store");
    let take = |extra: &[&str]| {
        let mut cmd = with_alsa_conf(&conf);
        cmd.env("REHEARSE_CONFIG_DIR", &config)
            .env("REHEARSE_DATA_DIR", &store)
            .args([
                "record",
                "--device",
                "fromfile",
                "--countdown",
                "0",
                "--max-duration",
                "3.5s",
                "--no-live",
                "--format",
                "json",
            ])
            .args(extra);
        let o = cmd.output().expect("record");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
        r["delivery"]["pitch"]["baseline"].clone()
    };
    assert!(take(&[]).is_null(), "no history yet");
    assert!(take(&[]).is_null(), "one attempt is not a range");
    let listed = || {
        std::fs::read_dir(&store)
            .expect("store")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().join("meta.json").is_file())
            })
            .count()
    };
    assert_eq!(listed(), 2);
    let baseline = take(&["--no-save"]);
    assert_eq!(baseline["attempts"], 2, "{baseline}");
    assert!(baseline["variation_st"].as_f64().is_some_and(|v| v > 0.0));
    assert_eq!(listed(), 2, "--no-save kept nothing");
}
