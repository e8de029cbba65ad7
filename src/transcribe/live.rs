//! Transcription while recording: a worker thread takes the audio as the writer writes it,
//! converts it to 16 kHz mono, cuts it at pauses ([`super::chunker`]) and transcribes every
//! finished stretch, so that at the stop only the last stretch is left.
//!
//! The worker hears exactly the samples the offline path reads back from the WAV (the same
//! downmix and resampler, [`crate::audio::resample::Stream`]) and cuts them at exactly the same
//! places, so the live transcript is the offline one, only earlier.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::chunker::{Chunker, End, Stretch};
use super::types::{TranscribeOptions, Word};
use super::whisper::{Engine, EngineError};
use super::words::{self, RawSegment};
use crate::audio::WHISPER_RATE;
use crate::audio::resample::Stream;

/// Why live transcription stopped short.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LiveError {
    #[error("cannot convert the device's audio to 16 kHz: {0}")]
    Resample(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("cannot start the transcription thread: {0}")]
    Thread(std::io::Error),
    #[error("the transcription thread stopped unexpectedly")]
    Worker,
}

/// What the worker was given.
pub struct LiveConfig {
    /// The device's rate and channel count (the WAV's).
    pub rate: u32,
    pub channels: u16,
    /// The offline settings; `threads` is used for what is left after the stop.
    pub options: TranscribeOptions,
    /// Whisper threads while recording: one fewer than the machine has, so that capture and
    /// the writer always find a free core.
    pub live_threads: usize,
}

/// Called on the worker thread after every stretch transcribed while recording, with all words so far (times not yet
/// snapped to the audio) and the seconds of audio transcribed.
pub type OnWords = Box<dyn FnMut(&[Word], f64) + Send>;

enum Msg {
    Audio(Vec<i16>),
    End,
}

/// A running live transcription.
pub struct Live {
    tx: mpsc::Sender<Msg>,
    handle: Option<JoinHandle<Result<LiveOutput, LiveError>>>,
    cancel: Arc<AtomicBool>,
    /// Set at the stop, before the end of the audio is queued: a stretch still being decoded
    /// with the recording's fewer threads may be restarted with all of them.
    ending: Arc<AtomicBool>,
}

/// What the worker produced once the recording ended.
#[derive(Debug)]
pub struct LiveOutput {
    /// The whole recording at 16 kHz mono, as [`crate::audio::load_for_whisper`] would read it.
    pub samples: Vec<f32>,
    /// Whisper's segments over the whole recording, times the recording's.
    pub raw: Vec<RawSegment>,
    /// Stretches transcribed while recording, and after the stop.
    pub during: usize,
    pub after: usize,
    /// From the end of the audio reaching the worker to the last stretch transcribed.
    pub after_stop: Duration,
}

/// Feeds the worker; handed to the capture writer, which calls it with every block it wrote.
pub struct LiveTap {
    tx: mpsc::Sender<Msg>,
}

impl LiveTap {
    /// Interleaved samples just written to the WAV (whole frames).
    pub fn push(&mut self, interleaved: &[i16]) {
        // The worker may have failed and gone; the recording goes on regardless.
        let _ = self.tx.send(Msg::Audio(interleaved.to_vec()));
    }
}

impl Live {
    /// Starts the worker thread.
    pub fn start(engine: Engine, config: LiveConfig, on_words: OnWords) -> Result<Live, LiveError> {
        let stream =
            Stream::new(config.rate, config.channels, WHISPER_RATE).map_err(LiveError::Resample)?;
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let ending = Arc::new(AtomicBool::new(false));
        let worker = Worker {
            engine,
            config,
            stream: Some(stream),
            chunker: Some(Chunker::new(WHISPER_RATE)),
            samples: Vec::new(),
            queue: VecDeque::new(),
            raw: Vec::new(),
            on_words,
            cancel: cancel.clone(),
            ending: ending.clone(),
            live_decode_s: Vec::new(),
        };
        let handle = std::thread::Builder::new()
            .name("rehearse-live".into())
            .spawn(move || worker.run(rx))
            .map_err(LiveError::Thread)?;
        Ok(Live {
            tx,
            handle: Some(handle),
            cancel,
            ending,
        })
    }

    /// A feed for the capture writer.
    pub fn tap(&self) -> LiveTap {
        LiveTap {
            tx: self.tx.clone(),
        }
    }

    /// Tells the worker the audio has ended and waits for the last stretches.
    pub fn finish(mut self) -> Result<LiveOutput, LiveError> {
        self.ending.store(true, Ordering::Release);
        let _ = self.tx.send(Msg::End);
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            _ => Err(LiveError::Worker),
        }
    }
}

impl Drop for Live {
    /// Abandoned (the recording failed): the worker stops after the stretch in hand.
    fn drop(&mut self) {
        if self.handle.is_some() {
            self.cancel.store(true, Ordering::Release);
            let _ = self.tx.send(Msg::End);
        }
    }
}

struct Worker {
    engine: Engine,
    config: LiveConfig,
    stream: Option<Stream>,
    chunker: Option<Chunker>,
    samples: Vec<f32>,
    queue: VecDeque<Stretch>,
    raw: Vec<RawSegment>,
    on_words: OnWords,
    cancel: Arc<AtomicBool>,
    ending: Arc<AtomicBool>,
    /// How long each stretch took while recording, seconds.
    live_decode_s: Vec<f64>,
}

/// A stretch in hand at the stop is restarted with all threads only if it has run for less
/// than this share of a typical stretch's time: with twice the threads a restart costs a bit
/// more than half of it (measured: 2 threads take 0.55-0.6x the time of 1), so past 40% the
/// rest is quicker to wait for.
const RESTART_BEFORE_SHARE: f64 = 0.4;

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Msg>) -> Result<LiveOutput, LiveError> {
        let live =
            super::decode_options(&self.engine, &self.config.options, self.config.live_threads);
        let mut during = 0;
        'recording: loop {
            // Everything that has arrived is cut before a stretch is transcribed, so that the
            // stretch in hand is always the oldest finished one.
            let mut next = if self.queue.is_empty() {
                // All senders gone without an End: the recording went away; stop the same way.
                match rx.recv() {
                    Ok(msg) => Some(msg),
                    Err(_) => break,
                }
            } else {
                rx.try_recv().ok()
            };
            while let Some(msg) = next {
                match msg {
                    Msg::Audio(block) => self.feed(&block)?,
                    Msg::End => break 'recording,
                }
                next = rx.try_recv().ok();
            }
            if self.cancel.load(Ordering::Acquire) {
                break;
            }
            if let Some(st) = self.queue.pop_front() {
                let t = Instant::now();
                if self.transcribe(st, &live, true)? {
                    self.live_decode_s.push(t.elapsed().as_secs_f64());
                    during += 1;
                    // The display's view; after the stop nobody is looking, so only here.
                    let (words, _) = words::merge(&self.raw, live.method);
                    (self.on_words)(&words, st.end as f64 / f64::from(WHISPER_RATE));
                } else {
                    // Stopped mid-stretch: it goes first with all threads.
                    self.queue.push_front(st);
                    break;
                }
            }
        }
        let stopped = Instant::now();
        if self.cancel.load(Ordering::Acquire) {
            return Err(LiveError::Worker);
        }
        // Whatever is still in the channel was written before the stop.
        while let Ok(msg) = rx.try_recv() {
            if let Msg::Audio(block) = msg {
                self.feed(&block)?;
            }
        }
        if let Some(stream) = self.stream.take() {
            let before = self.samples.len();
            stream
                .finish(&mut self.samples)
                .map_err(LiveError::Resample)?;
            if let Some(c) = self.chunker.as_mut() {
                let done = c.push(&self.samples[before..]);
                self.queue.extend(done);
            }
        }
        match self.chunker.take().map(Chunker::finish) {
            Some(End::Last(Some(last))) => self.queue.push_back(last),
            Some(End::Whole(whole)) => {
                // Short enough for one window: decoded whole, as offline.
                self.raw.clear();
                self.queue.clear();
                self.queue.push_back(whole);
            }
            _ => {}
        }
        let all = super::decode_options(
            &self.engine,
            &self.config.options,
            self.config.options.threads,
        );
        let mut after = 0;
        while let Some(st) = self.queue.pop_front() {
            self.transcribe(st, &all, false)?;
            after += 1;
        }
        Ok(LiveOutput {
            samples: self.samples,
            raw: self.raw,
            during,
            after,
            after_stop: stopped.elapsed(),
        })
    }

    fn feed(&mut self, block: &[i16]) -> Result<(), LiveError> {
        let (Some(stream), Some(chunker)) = (self.stream.as_mut(), self.chunker.as_mut()) else {
            return Ok(());
        };
        let before = self.samples.len();
        stream
            .push_i16(block, &mut self.samples)
            .map_err(LiveError::Resample)?;
        self.queue.extend(chunker.push(&self.samples[before..]));
        Ok(())
    }

    /// Transcribes a stretch; false if the stop came early enough in it to restart it with all
    /// threads (only when `restartable`).
    fn transcribe(
        &mut self,
        st: Stretch,
        decode: &super::whisper::DecodeOptions,
        restartable: bool,
    ) -> Result<bool, LiveError> {
        let abort: Option<Box<dyn FnMut() -> bool>> = if restartable {
            let mut typical = self.live_decode_s.clone();
            typical.sort_by(f64::total_cmp);
            // The median of the stretches so far; before any, a second.
            let typical = typical.get(typical.len() / 2).copied().unwrap_or(1.0);
            let limit = Duration::from_secs_f64(typical * RESTART_BEFORE_SHARE);
            let ending = self.ending.clone();
            let started = Instant::now();
            Some(Box::new(move || {
                ending.load(Ordering::Acquire) && started.elapsed() < limit
            }))
        } else {
            None
        };
        let segs = match super::transcribe_stretch(&self.engine, &self.samples, st, decode, abort) {
            Ok(segs) => segs,
            Err(EngineError::Aborted) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        self.raw.extend(segs);
        Ok(true)
    }
}
