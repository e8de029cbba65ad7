//! The writer thread: drains the ring into a WAV with hound, meters the level, and keeps the
//! file's header current so that a crash leaves a readable recording.
//!
//! The WAV keeps the device's rate and channel count, as 16-bit PCM: what Whisper works from,
//! exact for 16-bit devices, and half the size of float.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::callback::Counters;

/// The WAV layout for a device's rate and channel count.
pub fn spec(channels: u16, sample_rate: u32) -> hound::WavSpec {
    hound::WavSpec {
        channels,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    }
}

/// Bytes per sample in the file.
pub const BYTES_PER_SAMPLE: u64 = 2;

/// A sample at or above this magnitude counts as clipped (0.999 of full scale, -0.01 dBFS).
pub const CLIP_LEVEL: i32 = 32735;

/// What the writer publishes for the display and the session, updated as it goes.
#[derive(Debug)]
pub struct Status {
    /// Frames written to the file.
    pub frames: AtomicU64,
    /// Peak and RMS (linear, full scale 1.0) of the last metering window, as `f32` bits.
    pub peak: AtomicU32,
    pub rms: AtomicU32,
    /// Length in frames of the current run of digital silence (every sample exactly zero: a
    /// muted or dead input; a real microphone's noise floor never is).
    pub silent_frames: AtomicU64,
    /// The frame at which clipping was last seen (`u64::MAX`: never).
    pub last_clip_frame: AtomicU64,
    /// Clipped samples so far.
    pub clipped: AtomicU64,
    /// `--max-duration` reached: the file is complete; the session should stop the stream.
    pub limit_reached: AtomicBool,
    /// Writing failed: the session should stop the stream.
    pub failed: AtomicBool,
    /// Samples taken from the ring but not written: what arrived after the file was complete
    /// or broken.
    pub discarded: AtomicU64,
    /// Set by the session when the stream could not be stopped: finish with what the ring
    /// holds instead of waiting for the producer to go away.
    pub finish: AtomicBool,
}

impl Default for Status {
    fn default() -> Self {
        Status {
            frames: AtomicU64::new(0),
            peak: AtomicU32::new(0),
            rms: AtomicU32::new(0),
            silent_frames: AtomicU64::new(0),
            last_clip_frame: AtomicU64::new(u64::MAX),
            clipped: AtomicU64::new(0),
            limit_reached: AtomicBool::new(false),
            failed: AtomicBool::new(false),
            discarded: AtomicU64::new(0),
            finish: AtomicBool::new(false),
        }
    }
}

impl Status {
    pub fn peak(&self) -> f32 {
        f32::from_bits(self.peak.load(Ordering::Relaxed))
    }
    pub fn rms(&self) -> f32 {
        f32::from_bits(self.rms.load(Ordering::Relaxed))
    }
}

/// What the writer was asked to do.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub channels: u16,
    pub sample_rate: u32,
    /// Stop after this many frames: `--max-duration` counted in samples, so that a device
    /// delivering faster or slower than the wall clock still gives the asked-for length.
    pub max_frames: u64,
    pub header_refresh: Duration,
}

/// How the writer ended.
#[derive(Debug)]
pub struct Outcome {
    pub frames: u64,
    /// The write, header refresh or finalize that failed; frames before it are in the file.
    pub error: Option<io::Error>,
}

fn io_error(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// Peak and mean square over windows of frames, published as each window fills.
struct Meter {
    channels: usize,
    window_frames: usize,
    frames: usize,
    peak: i32,
    sum_sq: u64,
    clipped: u64,
}

impl Meter {
    fn new(sample_rate: u32, channels: u16) -> Meter {
        Meter {
            channels: usize::from(channels.max(1)),
            // 100 ms: as often as the display redraws.
            window_frames: (sample_rate as usize / 10).max(1),
            frames: 0,
            peak: 0,
            sum_sq: 0,
            clipped: 0,
        }
    }

    /// Meters whole frames. `first_frame` is the file position of `samples[0]`.
    fn feed(&mut self, mut samples: &[i16], status: &Status, mut first_frame: u64) {
        while !samples.is_empty() {
            let take = ((self.window_frames - self.frames) * self.channels).min(samples.len());
            let (now, rest) = samples.split_at(take);
            // Plain folds over a slice: the compiler turns them into vector code, which keeps
            // the writer well ahead of any device.
            let peak = now.iter().map(|&s| i32::from(s).abs()).max().unwrap_or(0);
            let sum_sq: u64 = now
                .iter()
                .map(|&s| (i32::from(s) * i32::from(s)) as u64)
                .sum();
            let clipped = now
                .iter()
                .filter(|&&s| i32::from(s).abs() >= CLIP_LEVEL)
                .count() as u64;
            if clipped > 0 {
                self.clipped += clipped;
                status.clipped.fetch_add(clipped, Ordering::Relaxed);
                status.last_clip_frame.store(first_frame, Ordering::Relaxed);
            }
            self.peak = self.peak.max(peak);
            self.sum_sq += sum_sq;
            let frames = take / self.channels;
            self.frames += frames;
            first_frame += frames as u64;
            samples = rest;
            if self.frames >= self.window_frames {
                let n = (self.frames * self.channels) as f64;
                let rms = ((self.sum_sq as f64 / n).sqrt() / 32768.0) as f32;
                let peak = self.peak as f32 / 32768.0;
                status.peak.store(peak.to_bits(), Ordering::Relaxed);
                status.rms.store(rms.to_bits(), Ordering::Relaxed);
                if self.peak == 0 {
                    status
                        .silent_frames
                        .fetch_add(self.frames as u64, Ordering::Relaxed);
                } else {
                    status.silent_frames.store(0, Ordering::Relaxed);
                }
                self.frames = 0;
                self.peak = 0;
                self.sum_sq = 0;
            }
        }
    }
}

/// Receives every block of samples the writer put in the file, in order, on the writer's
/// thread (not the audio callback's): the live transcription's feed.
pub type Tap = Box<dyn FnMut(&[i16]) + Send>;

/// Drains `consumer` into `wav` until the producer is gone (the stream was dropped) and the ring
/// is empty, then finalizes the file. Runs on its own thread. The ring's capacity must be a
/// multiple of the channel count, so that a frame never straddles its end.
pub fn run<W: Write + Seek>(
    mut consumer: rtrb::Consumer<i16>,
    mut wav: hound::WavWriter<W>,
    settings: Settings,
    status: Arc<Status>,
    counters: Arc<Counters>,
    mut tap: Option<Tap>,
) -> Outcome {
    // The callback stops taking samples the moment the file is done or broken.
    let close = |flag: &AtomicBool| {
        counters.closed.store(true, Ordering::Release);
        flag.store(true, Ordering::Release);
    };
    let channels = usize::from(settings.channels.max(1));
    let mut meter = Meter::new(settings.sample_rate, settings.channels);
    let mut frames: u64 = 0;
    let mut error: Option<io::Error> = None;
    let mut last_refresh = Instant::now();
    // Once the file is complete (limit) or broken (error), the ring is still drained so that
    // the callback never sees it full and reports drops that are not real.
    let mut discarding = false;
    loop {
        let available = consumer.slots();
        let available = available - available % channels;
        if available == 0 {
            // The producer goes away only when the stream is dropped; whatever it pushed
            // before that is visible by now, so one more look decides whether we are done.
            let producer_gone = consumer.is_abandoned() || status.finish.load(Ordering::Acquire);
            if producer_gone && consumer.slots() < channels {
                break;
            }
            if !discarding && last_refresh.elapsed() >= settings.header_refresh {
                last_refresh = Instant::now();
                if let Err(e) = wav.flush() {
                    error = Some(io_error(e));
                    close(&status.failed);
                    discarding = true;
                }
            }
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let Ok(chunk) = consumer.read_chunk(available) else {
            continue;
        };
        let mut kept = 0usize;
        if !discarding {
            let (a, b) = chunk.as_slices();
            for part in [a, b] {
                let room = settings.max_frames.saturating_sub(frames);
                let take = (part.len() / channels).min(usize::try_from(room).unwrap_or(usize::MAX));
                let samples = &part[..take * channels];
                if !samples.is_empty() {
                    let mut out = wav.get_i16_writer(samples.len() as u32);
                    for &s in samples {
                        out.write_sample(s);
                    }
                    if let Err(e) = out.flush() {
                        error = Some(io_error(e));
                        close(&status.failed);
                        discarding = true;
                        break;
                    }
                    meter.feed(samples, &status, frames);
                    if let Some(tap) = tap.as_mut() {
                        tap(samples);
                    }
                    kept += samples.len();
                    frames += take as u64;
                    status.frames.store(frames, Ordering::Release);
                }
                if frames >= settings.max_frames {
                    close(&status.limit_reached);
                    discarding = true;
                    break;
                }
            }
        }
        status
            .discarded
            .fetch_add((chunk.len() - kept) as u64, Ordering::Relaxed);
        chunk.commit_all();
        if !discarding && last_refresh.elapsed() >= settings.header_refresh {
            last_refresh = Instant::now();
            if let Err(e) = wav.flush() {
                error = Some(io_error(e));
                close(&status.failed);
                discarding = true;
            }
        }
    }
    if error.is_none()
        && let Err(e) = wav.finalize()
    {
        error = Some(io_error(e));
    }
    Outcome { frames, error }
}

/// Makes a WAV's header agree with the whole frames that actually reached the file, after a
/// failed write left it stale. Returns the frames now in the file.
pub fn repair_header(path: &Path) -> io::Result<u64> {
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)?;
    let len = f.metadata()?.len();
    let mut head = vec![0u8; 4096.min(len as usize)];
    f.read_exact(&mut head)?;
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "not a RIFF/WAVE file");
    if head.len() < 12 || &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return Err(bad());
    }
    let u32_at = |at: usize| -> Option<u32> {
        head.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let mut at = 12usize;
    let mut block_align: Option<u64> = None;
    loop {
        let id = head.get(at..at + 4).ok_or_else(bad)?;
        let size = u32_at(at + 4).ok_or_else(bad)?;
        if id == b"fmt " {
            let b = head.get(at + 20..at + 22).ok_or_else(bad)?;
            block_align = Some(u64::from(u16::from_le_bytes([b[0], b[1]])).max(1));
        }
        if id == b"data" {
            let align = block_align.ok_or_else(bad)?;
            let data_start = (at + 8) as u64;
            let on_disk = len.saturating_sub(data_start);
            let keep = on_disk - on_disk % align;
            let data_len = u32::try_from(keep).unwrap_or(u32::MAX);
            f.seek(SeekFrom::Start(4))?;
            f.write_all(&((data_start - 8) as u32 + data_len).to_le_bytes())?;
            f.seek(SeekFrom::Start(at as u64 + 4))?;
            f.write_all(&data_len.to_le_bytes())?;
            f.set_len(data_start + u64::from(data_len))?;
            f.sync_all()?;
            return Ok(u64::from(data_len) / align);
        }
        at += 8 + size as usize + (size as usize & 1);
    }
}

/// The file to record into: created fresh, readable and writable by its owner only. An
/// existing file is replaced only when `force` is given.
pub fn create_output(path: &Path, force: bool) -> Result<File, super::CaptureError> {
    use std::os::unix::fs::OpenOptionsExt;
    let create = || {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
    };
    let failed = |error| super::CaptureError::CreateOutput {
        path: path.to_path_buf(),
        error,
    };
    match create() {
        Ok(f) => Ok(f),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            if !force {
                return Err(super::CaptureError::OutputExists {
                    path: path.to_path_buf(),
                });
            }
            if path.is_dir() {
                return Err(failed(io::Error::other("it is a directory")));
            }
            // Removed rather than truncated: the new file gets 0600 whatever the old one had.
            std::fs::remove_file(path).map_err(failed)?;
            create().map_err(failed)
        }
        Err(e) => Err(failed(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn settings(max_frames: u64) -> Settings {
        Settings {
            channels: 2,
            sample_rate: 1000,
            max_frames,
            header_refresh: Duration::from_millis(1),
        }
    }

    /// Feeds `frames` stereo frames through the ring and the writer, returns the WAV bytes.
    /// Checks on the way that the tap saw exactly the samples that reached the file.
    fn record(frames: usize, max_frames: u64) -> (Vec<u8>, Outcome, Arc<Status>) {
        let (mut p, c) = rtrb::RingBuffer::new(64);
        let status = Arc::new(Status::default());
        let mut buf = Cursor::new(Vec::new());
        let wav = hound::WavWriter::new(&mut buf, spec(2, 1000)).expect("header");
        let st = status.clone();
        let tapped = Arc::new(std::sync::Mutex::new(Vec::<i16>::new()));
        let into = tapped.clone();
        let tap: Tap = Box::new(move |x: &[i16]| {
            if let Ok(mut v) = into.lock() {
                v.extend_from_slice(x);
            }
        });
        let outcome = std::thread::scope(|s| {
            let h =
                s.spawn(move || run(c, wav, settings(max_frames), st, Arc::default(), Some(tap)));
            for i in 0..frames {
                let x = (i % 100) as i16 * 300 - 15000;
                while p.push(x).is_err() {
                    std::thread::yield_now();
                }
                while p.push(-x).is_err() {
                    std::thread::yield_now();
                }
            }
            drop(p);
            h.join().expect("writer thread")
        });
        let bytes = buf.into_inner();
        let in_file: Vec<i16> = hound::WavReader::new(Cursor::new(bytes.clone()))
            .expect("valid wav")
            .samples::<i16>()
            .map(|s| s.expect("sample"))
            .collect();
        assert!(
            *tapped.lock().expect("tap") == in_file,
            "the tap must see the file's samples, no more, no less"
        );
        (bytes, outcome, status)
    }

    #[test]
    fn writes_every_frame_in_order_and_finalizes() {
        let (bytes, outcome, status) = record(2500, u64::MAX);
        assert!(outcome.error.is_none());
        assert_eq!(outcome.frames, 2500);
        assert_eq!(status.frames.load(Ordering::Relaxed), 2500);
        let mut r = hound::WavReader::new(Cursor::new(bytes)).expect("valid wav");
        assert_eq!(r.duration(), 2500);
        assert_eq!(r.spec().channels, 2);
        let samples: Vec<i16> = r.samples::<i16>().map(|s| s.expect("sample")).collect();
        for (i, pair) in samples.chunks(2).enumerate() {
            let x = (i % 100) as i16 * 300 - 15000;
            assert_eq!(pair, [x, -x], "frame {i}");
        }
    }

    #[test]
    fn stops_at_the_frame_limit() {
        let (bytes, outcome, status) = record(3000, 1234);
        assert_eq!(outcome.frames, 1234);
        assert!(status.limit_reached.load(Ordering::Relaxed));
        // Everything after the limit is accounted for as discarded, not dropped.
        assert_eq!(status.discarded.load(Ordering::Relaxed), (3000 - 1234) * 2);
        let r = hound::WavReader::new(Cursor::new(bytes)).expect("valid wav");
        assert_eq!(r.duration(), 1234);
    }

    #[test]
    fn meters_peak_rms_clipping_and_silence() {
        let status = Status::default();
        let mut m = Meter::new(1000, 2);
        m.feed(&[16384i16, -16384].repeat(100), &status, 0);
        assert!((status.peak() - 0.5).abs() < 1e-6);
        assert!((status.rms() - 0.5).abs() < 1e-6);
        assert_eq!(status.silent_frames.load(Ordering::Relaxed), 0);
        m.feed(&[0i16; 600], &status, 100);
        assert_eq!(status.silent_frames.load(Ordering::Relaxed), 300);
        m.feed(&[32767i16, 0], &status, 400);
        assert_eq!(status.clipped.load(Ordering::Relaxed), 1);
        assert_eq!(status.last_clip_frame.load(Ordering::Relaxed), 400);
    }

    /// A sink that accepts `room` bytes and then fails like a full disk.
    struct FullDisk {
        inner: Cursor<Vec<u8>>,
        room: u64,
    }

    impl Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let pos = self.inner.position();
            let fits = self.room.saturating_sub(pos).min(buf.len() as u64) as usize;
            if fits == 0 && !buf.is_empty() {
                return Err(io::Error::from_raw_os_error(libc::ENOSPC));
            }
            self.inner.write(&buf[..fits])
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Seek for FullDisk {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            self.inner.seek(pos)
        }
    }

    #[test]
    fn a_full_disk_is_an_error_and_stops_the_writer() {
        let (mut p, c) = rtrb::RingBuffer::new(4096);
        let status = Arc::new(Status::default());
        let sink = FullDisk {
            inner: Cursor::new(Vec::new()),
            room: 44 + 4000,
        };
        let wav =
            hound::WavWriter::new(std::io::BufWriter::with_capacity(512, sink), spec(2, 1000))
                .expect("header");
        for i in 0..4000 {
            let _ = p.push(i as i16);
        }
        drop(p);
        let outcome = run(
            c,
            wav,
            settings(u64::MAX),
            status.clone(),
            Arc::default(),
            None,
        );
        let err = outcome.error.expect("write error");
        assert_eq!(err.raw_os_error(), Some(libc::ENOSPC));
        assert!(status.failed.load(Ordering::Relaxed));
    }

    #[test]
    fn repair_keeps_the_whole_frames_on_disk() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cut.wav");
        // The state a full disk leaves: the header counts the frames of the last refresh,
        // more whole frames and half a frame follow it.
        let mut bytes = Vec::new();
        {
            let mut w =
                hound::WavWriter::new(Cursor::new(&mut bytes), spec(2, 1000)).expect("header");
            for i in 0..2000 {
                w.write_sample(i as i16).expect("write");
            }
            w.flush().expect("flush");
            for i in 0..1001 {
                w.write_sample(i as i16).expect("write");
            }
            // Dropped without finalizing, the way a failed write leaves it.
            std::mem::forget(w);
        }
        std::fs::write(&path, &bytes).expect("write file");
        assert_eq!(
            hound::WavReader::open(&path)
                .expect("stale header")
                .duration(),
            1000
        );
        assert_eq!(repair_header(&path).expect("repair"), 1500);
        let r = hound::WavReader::open(&path).expect("readable after repair");
        assert_eq!(r.duration(), 1500);
    }

    #[test]
    fn outputs_are_private_and_never_overwritten() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.wav");
        drop(create_output(&path, false).expect("create"));
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(matches!(
            create_output(&path, false),
            Err(super::super::CaptureError::OutputExists { .. })
        ));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        drop(create_output(&path, true).expect("forced"));
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
