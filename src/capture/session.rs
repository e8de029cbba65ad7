//! One recording from start to finish: open the device, count down, run the stream and the
//! writer, draw the live display, stop on a key, Ctrl-C, `--max-duration` or a failure, and
//! leave a finalized WAV behind.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, Once, mpsc};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, StreamTrait};

use super::callback::{self, Counters};
use super::devices::{self, describe_config};
use super::display::{self, Heard, Snapshot};
use super::plan::Plan;
use super::writer::{self, Settings, Status};
use super::{CaptureError, HEADER_REFRESH, RING_SECONDS, clock, term};

/// What `rehearse record` asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--device` (`None`: the default input).
    pub device: Option<String>,
    pub out: PathBuf,
    /// Where the recording is said to go ("answer.wav", "the practice history").
    pub destination: String,
    /// Create `out`'s folder if it is missing (for default names; an explicit `--out` must
    /// name an existing folder).
    pub create_folder: bool,
    pub force: bool,
    pub max_duration: std::time::Duration,
    /// Seconds of countdown before the stream starts.
    pub countdown: u32,
    /// Sections on the clock, for the live display.
    pub plan: Option<Plan>,
    /// No countdown text and no live display.
    pub quiet: bool,
}

/// Why the recording ended.
#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    /// Enter or `q`.
    Key,
    /// Ctrl-C, SIGTERM or SIGHUP.
    Signal,
    MaxDuration,
    /// The stream failed (device unplugged, sound server gone); what came before is kept.
    DeviceLost(String),
    /// Writing failed; [`Prepared::record`] returns the error rather than a recording.
    WriteFailed,
}

/// A finished recording.
#[derive(Debug, Clone)]
pub struct Recording {
    pub path: PathBuf,
    pub device: String,
    /// `2 ch, 48000 Hz, f32`: what the device delivered.
    pub config: String,
    pub sample_rate: u32,
    pub channels: u16,
    pub frames: u64,
    /// Wall-clock seconds from the stream's start to the stop.
    pub wall_s: f64,
    /// Samples the device delivered before the stop: each is in the file or counted in
    /// `dropped`.
    pub delivered: u64,
    /// Samples lost because the ring was full.
    pub dropped: u64,
    /// Overruns the audio host reported (samples lost before they reached us).
    pub overruns: u64,
    /// Samples at or near full scale.
    pub clipped: u64,
    pub stop: StopReason,
}

impl Recording {
    pub fn duration_s(&self) -> f64 {
        self.frames as f64 / f64::from(self.sample_rate.max(1))
    }
}

const PHASE_IDLE: u8 = 0;
const PHASE_ARMED: u8 = 1;
static PHASE: AtomicU8 = AtomicU8::new(PHASE_IDLE);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Ctrl-C (and SIGTERM, SIGHUP) while armed asks the recording to stop and finalize; at any
/// other time (say, during the analysis afterwards) it ends the process as usual.
fn install_signal_handler() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            if PHASE.load(Ordering::Acquire) == PHASE_ARMED {
                INTERRUPTED.store(true, Ordering::Release);
            } else {
                std::process::exit(130);
            }
        });
        // Without the handler Ctrl-C kills the process: the header refreshes keep the file
        // readable even then.
        drop(installed);
    });
}

/// Armed for as long as it lives.
struct Armed;

impl Armed {
    fn new() -> Armed {
        install_signal_handler();
        INTERRUPTED.store(false, Ordering::Release);
        PHASE.store(PHASE_ARMED, Ordering::Release);
        Armed
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        PHASE.store(PHASE_IDLE, Ordering::Release);
    }
}

/// Where the live display goes.
struct Screen {
    tty: bool,
    /// Red for the recording dot and the warnings, unless `NO_COLOR` is set.
    color: bool,
    quiet: bool,
    /// Lines of the frame on screen (0: none drawn yet).
    drawn: usize,
    last_plain: Option<Instant>,
}

impl Screen {
    fn line(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    fn draw(&mut self, snap: &Snapshot, plan: Option<&Plan>, heard: Option<&Heard>) {
        if self.quiet {
            return;
        }
        let mut err = std::io::stderr().lock();
        if self.tty {
            let width = term::stderr_width().unwrap_or(80);
            let mut lines = display::live_lines(snap, plan, heard, width);
            if self.color {
                lines[0] = lines[0].replacen("● REC", "\x1b[31m●\x1b[0m REC", 1);
                if let Some(last) = lines.last_mut()
                    && !last.is_empty()
                {
                    *last = format!("\x1b[1;31m{last}\x1b[0m");
                }
            }
            // Back to the first line of the previous frame, then each line cleared and
            // rewritten: no scrolling, no flicker.
            if self.drawn > 1 {
                let _ = write!(err, "\r\x1b[{}A", self.drawn - 1);
            }
            let _ = write!(err, "\r\x1b[2K{}", lines.join("\n\x1b[2K"));
            let _ = err.flush();
            self.drawn = lines.len();
        } else if self
            .last_plain
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(1))
        {
            self.last_plain = Some(Instant::now());
            let _ = writeln!(err, "{}", display::plain_line(snap, plan, heard));
        }
    }

    fn finish(&mut self) {
        if self.tty && self.drawn > 0 && !self.quiet {
            eprintln!();
        }
    }
}

/// A recording ready to start: the device is open for business, the output file exists.
/// Everything that can be wrong with the command line has been found by now; dropping it
/// removes the (still empty) file.
pub struct Prepared {
    opts: Options,
    device: cpal::Device,
    label: String,
    config: cpal::SupportedStreamConfig,
    config_text: String,
    max_frames: u64,
    wav: hound::WavWriter<BufWriter<std::fs::File>>,
    handle: std::fs::File,
    created: CreatedFile,
    tap: Option<writer::Tap>,
    heard: Option<Arc<Mutex<Heard>>>,
}

/// Picks the device and its configuration, checks the length asked for, and creates the file
/// (never over an existing one unless `opts.force`).
pub fn prepare(opts: Options) -> Result<Prepared, CaptureError> {
    let picked = devices::pick(opts.device.as_deref())?;
    let config = picked.config;
    let format = config.sample_format();
    if format.is_dsd() {
        return Err(CaptureError::UnsupportedFormat {
            device: picked.label,
            format: format.to_string(),
        });
    }
    let channels = config.channels().max(1);
    let rate = config.sample_rate();
    let max_frames = (opts.max_duration.as_secs_f64() * f64::from(rate)).round() as u64;
    // hound's sizes are 32-bit: a data chunk over 4 GiB cannot be written.
    let limit_frames =
        (u64::from(u32::MAX) - 4096) / (u64::from(channels) * writer::BYTES_PER_SAMPLE);
    if max_frames > limit_frames {
        return Err(CaptureError::TooLong {
            requested: clock(opts.max_duration.as_secs_f64()),
            rate,
            channels,
            limit: clock(limit_frames as f64 / f64::from(rate)),
        });
    }
    if opts.create_folder
        && let Some(dir) = opts.out.parent()
    {
        create_folder(dir)?;
    }
    let file = writer::create_output(&opts.out, opts.force)?;
    let created = CreatedFile {
        path: opts.out.clone(),
        keep: false,
    };
    let create_failed = |error| CaptureError::CreateOutput {
        path: opts.out.clone(),
        error,
    };
    let handle = file.try_clone().map_err(create_failed)?;
    let wav = hound::WavWriter::new(
        BufWriter::with_capacity(1 << 16, file),
        writer::spec(channels, rate),
    )
    .map_err(|e| create_failed(hound_io(e)))?;
    Ok(Prepared {
        config_text: describe_config(&config),
        device: picked.device,
        label: picked.label,
        config,
        max_frames,
        wav,
        handle,
        created,
        opts,
        tap: None,
        heard: None,
    })
}

impl Prepared {
    /// The device's `--device` name.
    pub fn device(&self) -> &str {
        &self.label
    }

    /// `2 ch, 48000 Hz, f32`: what the device will deliver.
    pub fn config(&self) -> &str {
        &self.config_text
    }

    /// The device's rate and channel count: what the file and a tap get.
    pub fn format(&self) -> (u32, u16) {
        (self.config.sample_rate(), self.config.channels().max(1))
    }

    /// Live transcription: `tap` receives every block written to the file (on the writer's
    /// thread), and the display shows what `heard` says while recording.
    pub fn with_live(mut self, tap: writer::Tap, heard: Arc<Mutex<Heard>>) -> Prepared {
        self.tap = Some(tap);
        self.heard = Some(heard);
        self
    }

    /// Counts down, records until a stop, and finalizes the file.
    pub fn record(self) -> Result<Recording, CaptureError> {
        let Prepared {
            opts,
            device,
            label,
            config,
            config_text,
            max_frames,
            wav,
            handle,
            mut created,
            tap,
            heard,
        } = self;
        let channels = config.channels().max(1);
        let rate = config.sample_rate();

        let armed = Armed::new();
        let tty = std::io::stderr().is_terminal();
        let mut screen = Screen {
            tty,
            color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            quiet: opts.quiet,
            drawn: 0,
            last_plain: None,
        };
        countdown(opts.countdown, &screen)?;

        let capacity = rate as usize * usize::from(channels) * RING_SECONDS as usize;
        let (producer, consumer) = rtrb::RingBuffer::<i16>::new(capacity);
        let counters = Arc::new(Counters::default());
        let status = Arc::new(Status::default());
        let settings = Settings {
            channels,
            sample_rate: rate,
            max_frames,
            header_refresh: HEADER_REFRESH,
        };
        let writer_status = status.clone();
        let writer_counters = counters.clone();
        let writer_thread = std::thread::Builder::new()
            .name("rehearse-writer".into())
            .spawn(move || {
                writer::run(consumer, wav, settings, writer_status, writer_counters, tap)
            })
            .map_err(CaptureError::Thread)?;

        // The error callback runs on the stream's thread, which keeps going after most errors:
        // a bounded channel and try_send keep a failing device from piling up messages.
        let (err_tx, err_rx) = mpsc::sync_channel::<cpal::Error>(16);
        let on_error = move |e: cpal::Error| {
            let _ = err_tx.try_send(e);
        };
        let stream = build_stream(&device, config, producer, counters.clone(), on_error)
            .and_then(|s| s.play().map(|()| s));
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                // The producer went with the failed stream: the writer finishes an empty file,
                // which `created` then removes.
                let _ = writer_thread.join();
                return Err(CaptureError::OpenDevice {
                    device: label,
                    reason: e.to_string(),
                });
            }
        };
        let started = Instant::now();

        let key = Arc::new(AtomicBool::new(false));
        let keys = term::KeyMode::enter();
        term::watch_keys(key.clone());
        screen.line(&format!(
            "recording from {label} ({config_text}) into {}; press Enter or q to stop",
            opts.destination
        ));

        let mut overruns = 0u64;
        let mut last_delivered = 0u64;
        let mut last_delivery = Instant::now();
        let stop = loop {
            std::thread::sleep(Duration::from_millis(50));
            let delivered = counters.delivered.load(Ordering::Acquire);
            if delivered != last_delivered {
                last_delivered = delivered;
                last_delivery = Instant::now();
            }
            let mut lost = None;
            while let Ok(e) = err_rx.try_recv() {
                match e.kind() {
                    cpal::ErrorKind::Xrun => overruns += 1,
                    // Informational: the stream goes on.
                    cpal::ErrorKind::DeviceChanged | cpal::ErrorKind::RealtimeDenied => {}
                    _ => lost = Some(e.to_string()),
                }
            }
            let snap = snapshot(&status, &counters, rate, &opts, last_delivery);
            let now_heard = heard
                .as_ref()
                .and_then(|h| h.lock().ok().map(|h| h.clone()));
            screen.draw(&snap, opts.plan.as_ref(), now_heard.as_ref());
            if let Some(reason) = lost {
                break StopReason::DeviceLost(reason);
            }
            // Some failures never reach the error callback: ALSA's PulseAudio plugin simply
            // stops delivering when the sound server goes away.
            if last_delivery.elapsed() >= STALL_LIMIT {
                break StopReason::DeviceLost(format!(
                    "no audio from it for {} s",
                    STALL_LIMIT.as_secs()
                ));
            }
            if status.failed.load(Ordering::Acquire) {
                break StopReason::WriteFailed;
            }
            if status.limit_reached.load(Ordering::Acquire) {
                break StopReason::MaxDuration;
            }
            if INTERRUPTED.load(Ordering::Acquire) {
                break StopReason::Signal;
            }
            if key.load(Ordering::Acquire) {
                break StopReason::Key;
            }
        };
        let wall_s = started.elapsed().as_secs_f64();

        // Dropping the stream stops the callback and drops the producer; the writer then
        // drains what is left in the ring and finalizes. A dead sound server can leave the
        // stream's thread stuck so that dropping never returns: then the writer is told to
        // finish with what it has.
        let mut stop = stop;
        if !stop_stream(stream) {
            counters.closed.store(true, Ordering::Release);
            status.finish.store(true, Ordering::Release);
            if !matches!(stop, StopReason::DeviceLost(_)) {
                stop = StopReason::DeviceLost("it stopped responding".to_string());
            }
        }
        let outcome = writer_thread.join().unwrap_or_else(|_| writer::Outcome {
            frames: status.frames.load(Ordering::Acquire),
            error: Some(std::io::Error::other("the writer thread panicked")),
        });
        drop(keys);
        let final_snap = snapshot(&status, &counters, rate, &opts, Instant::now());
        let now_heard = heard
            .as_ref()
            .and_then(|h| h.lock().ok().map(|h| h.clone()));
        screen.draw(&final_snap, opts.plan.as_ref(), now_heard.as_ref());
        screen.finish();
        drop(armed);

        created.keep = true;
        let error = outcome.error.or_else(|| handle.sync_all().err());
        if let Some(error) = error {
            let frames = writer::repair_header(&opts.out).unwrap_or(outcome.frames);
            return Err(CaptureError::Write {
                path: opts.out.clone(),
                captured: clock(frames as f64 / f64::from(rate)),
                error,
            });
        }
        Ok(Recording {
            path: opts.out.clone(),
            device: label,
            config: config_text,
            sample_rate: rate,
            channels,
            frames: outcome.frames,
            wall_s,
            delivered: counters
                .delivered
                .load(Ordering::Acquire)
                .saturating_sub(status.discarded.load(Ordering::Acquire)),
            dropped: counters.dropped.load(Ordering::Acquire),
            overruns,
            clipped: status.clipped.load(Ordering::Acquire),
            stop,
        })
    }
}

/// How long the device may deliver nothing before the recording is stopped as lost.
const STALL_LIMIT: Duration = Duration::from_secs(5);

/// How long stopping the stream may take before it is given up on.
const STOP_TIMEOUT: Duration = Duration::from_secs(2);

/// Drops the stream on a thread of its own; false if that did not finish in time.
fn stop_stream(stream: cpal::Stream) -> bool {
    let (done_tx, done_rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("rehearse-stop".into())
        .spawn(move || {
            drop(stream);
            let _ = done_tx.send(());
        });
    spawned.is_ok() && done_rx.recv_timeout(STOP_TIMEOUT).is_ok()
}

/// Removes the output file on the way out unless a recording made it worth keeping.
struct CreatedFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for CreatedFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn hound_io(e: hound::Error) -> std::io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => std::io::Error::other(other.to_string()),
    }
}

fn countdown(seconds: u32, screen: &Screen) -> Result<(), CaptureError> {
    for left in (1..=seconds).rev() {
        if screen.tty && !screen.quiet {
            eprint!("\r\x1b[2Krecording starts in {left}... (Ctrl-C to cancel)");
        } else {
            screen.line(&format!("recording starts in {left}..."));
        }
        let until = Instant::now() + Duration::from_secs(1);
        while Instant::now() < until {
            if INTERRUPTED.load(Ordering::Acquire) {
                if screen.tty && !screen.quiet {
                    eprintln!();
                }
                return Err(CaptureError::Cancelled);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    if seconds > 0 && screen.tty && !screen.quiet {
        eprint!("\r\x1b[2K");
    }
    Ok(())
}

fn snapshot(
    status: &Status,
    counters: &Counters,
    rate: u32,
    opts: &Options,
    last_delivery: Instant,
) -> Snapshot {
    let rate = f64::from(rate.max(1));
    let frames = status.frames.load(Ordering::Acquire);
    let last_clip = status.last_clip_frame.load(Ordering::Relaxed);
    let stalled = last_delivery.elapsed().as_secs_f64();
    Snapshot {
        elapsed_s: frames as f64 / rate,
        max_s: opts.max_duration.as_secs_f64(),
        peak: status.peak(),
        rms: status.rms(),
        silent_s: status.silent_frames.load(Ordering::Relaxed) as f64 / rate,
        since_clip_s: (last_clip != u64::MAX)
            .then(|| frames.saturating_sub(last_clip) as f64 / rate),
        stalled_s: (stalled >= 2.0).then_some(stalled),
        dropped: counters.dropped.load(Ordering::Relaxed),
    }
}

/// Periods of 50 ms where the device lets us choose (cpal asks ALSA for two of them). Left to
/// itself, ALSA's PulseAudio plugin was seen to hold back over a second of audio, which lags the
/// live display and widens what a crash can take; much shorter periods leave the audio thread
/// no slack on a loaded machine.
fn buffer_size(config: &cpal::SupportedStreamConfig) -> cpal::BufferSize {
    match *config.buffer_size() {
        cpal::SupportedBufferSize::Range { min, max } if min <= max => {
            cpal::BufferSize::Fixed((config.sample_rate() / 20).clamp(min, max))
        }
        _ => cpal::BufferSize::Default,
    }
}

/// Opens the stream in the device's own sample format, with the callback for that format.
fn build_stream(
    device: &cpal::Device,
    config: cpal::SupportedStreamConfig,
    producer: rtrb::Producer<i16>,
    counters: Arc<Counters>,
    on_error: impl FnMut(cpal::Error) + Send + 'static,
) -> Result<cpal::Stream, cpal::Error> {
    let channels = usize::from(config.channels());
    let mut sc = config.config();
    sc.buffer_size = buffer_size(&config);
    macro_rules! open {
        ($t:ty) => {
            device.build_input_stream::<$t, _, _>(
                sc,
                callback::input_callback::<$t>(producer, channels, counters),
                on_error,
                None,
            )
        };
    }
    use cpal::SampleFormat as F;
    match config.sample_format() {
        F::I8 => open!(i8),
        F::I16 => open!(i16),
        F::I24 => open!(cpal::I24),
        F::I32 => open!(i32),
        F::I64 => open!(i64),
        F::U8 => open!(u8),
        F::U16 => open!(u16),
        F::U24 => open!(cpal::U24),
        F::U32 => open!(u32),
        F::U64 => open!(u64),
        F::F32 => open!(f32),
        F::F64 => open!(f64),
        other => Err(cpal::Error::with_message(
            cpal::ErrorKind::UnsupportedConfig,
            format!("sample format {other} cannot be recorded"),
        )),
    }
}

/// The default file for a recording: `recordings/2026-11-23_20-55-10.wav` under the current
/// folder, with the question's id when there is one (`..._failed.wav`). [`prepare`] creates the
/// folder when `Options::create_folder` says so.
pub fn default_output(question_id: Option<&str>) -> PathBuf {
    let dir = Path::new("recordings");
    let stem = match question_id {
        Some(q) => format!("{}_{q}", term::local_timestamp()),
        None => term::local_timestamp(),
    };
    // Two recordings in the same second get -2, -3, ...: a default name never overwrites.
    let mut path = dir.join(format!("{stem}.wav"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.wav"));
        n += 1;
    }
    path
}

/// Creates the folder for default names, readable by its owner only like the files in it.
fn create_folder(dir: &Path) -> Result<(), CaptureError> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|error| CaptureError::CreateOutput {
            path: dir.to_path_buf(),
            error,
        })
}
