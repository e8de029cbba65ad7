//! Transcription while recording: a worker thread takes the audio as the writer writes it,
//! converts it to 16 kHz mono, cuts it at pauses ([`super::chunker`]) and transcribes every
//! finished stretch, so that at the stop only the last stretch is left.
//!
//! The worker hears exactly the samples the offline path reads back from the WAV (the same
//! downmix and resampler, [`crate::audio::resample::Stream`]) and cuts them at exactly the same
//! places, so the live transcript is the offline one, only earlier.
//!
//! A stretch ends at the first pause after 20 s, so its words come 20-30 s after they were
//! said: too late for a display that coaches while the speaker is in a section. A second
//! thread, the previewer, decodes the open end of the answer (at most its last 8 s, with an
//! encoder window sized to it) every 2 s of new audio, for the display only; the words of each
//! finished stretch replace the preview's, and the transcript is made from finished stretches
//! alone. Previews wait while finished stretches wait for the worker: on a machine too busy for
//! both, the report after the stop comes first, and the display says how far behind it is.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// Called on the previewer's thread whenever the display's words change while recording, with
/// every word so far (finished stretches', then the preview's; times not yet snapped to the
/// audio) and the seconds of audio they cover.
pub type OnWords = Box<dyn FnMut(&[Word], f64) + Send>;

/// A preview is made whenever this much audio has come in since the last one began.
pub const PREVIEW_EVERY_S: f64 = 2.0;
/// A preview decodes at most this much of the open end of the answer; words before it are kept
/// from earlier previews.
pub const PREVIEW_WINDOW_S: f64 = 8.0;
/// Words in a preview window's first second are left to the previous preview, which heard
/// them whole (the window's edge may cut a word).
const PREVIEW_EDGE_S: f64 = 1.0;
/// Less open audio than this is not worth a preview.
const PREVIEW_MIN_S: f64 = 0.5;

enum Msg {
    Audio(Vec<i16>),
    End,
}

/// A running live transcription.
pub struct Live {
    tx: mpsc::Sender<Msg>,
    preview_tx: mpsc::Sender<PreviewMsg>,
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
    /// Every change of the display's words: (seconds of audio recorded then, seconds of audio
    /// the words cover).
    pub display: Vec<(f64, f64)>,
    /// Previews made, and the median wall time of one (seconds).
    pub previews: usize,
    pub preview_median_s: f64,
}

impl LiveOutput {
    /// How far the display's words trailed the speech, sampled every 0.1 s of recording from
    /// the first words shown to the last update: (median, 90th percentile, maximum) seconds;
    /// `None` when nothing was shown.
    pub fn display_lag(&self) -> Option<(f64, f64, f64)> {
        lag_stats(&self.display)
    }
}

/// See [`LiveOutput::display_lag`]: between updates the lag grows with the recording.
pub fn lag_stats(updates: &[(f64, f64)]) -> Option<(f64, f64, f64)> {
    let (first, last) = (updates.first()?.0, updates.last()?.0);
    let mut lags = Vec::new();
    let mut i = 0;
    let mut t = first;
    while t <= last + 1e-9 {
        while i + 1 < updates.len() && updates[i + 1].0 <= t {
            i += 1;
        }
        lags.push((t - updates[i].1).max(0.0));
        t += 0.1;
    }
    lags.sort_by(f64::total_cmp);
    let at = |q: f64| lags[((lags.len() - 1) as f64 * q).round() as usize];
    Some((at(0.5), at(0.9), at(1.0)))
}

/// Feeds the worker and the previewer; handed to the capture writer, which calls it with every
/// block it wrote. The previewer is fed directly, not through the worker, which is busy for
/// seconds with each stretch.
pub struct LiveTap {
    tx: mpsc::Sender<Msg>,
    preview: mpsc::Sender<PreviewMsg>,
}

impl LiveTap {
    /// Interleaved samples just written to the WAV (whole frames).
    pub fn push(&mut self, interleaved: &[i16]) {
        // Either may have failed and gone; the recording goes on regardless.
        let _ = self.tx.send(Msg::Audio(interleaved.to_vec()));
        let _ = self.preview.send(PreviewMsg::Audio(interleaved.to_vec()));
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
        let (preview_tx, preview_rx) = mpsc::channel();
        let mut preview_decode =
            super::decode_options(&engine, &config.options, config.live_threads);
        // Word times only order the preview's words against the finished ones.
        preview_decode.method = super::TimestampMethod::Token;
        let preview_stream =
            Stream::new(config.rate, config.channels, WHISPER_RATE).map_err(LiveError::Resample)?;
        let backlog = Arc::new(AtomicUsize::new(0));
        let previewer = Previewer {
            engine: engine.clone(),
            backlog: backlog.clone(),
            stream: preview_stream,
            decode: preview_decode,
            on_words,
            ending: ending.clone(),
            samples: Vec::new(),
            offset: 0,
            final_words: Vec::new(),
            final_upto: 0,
            preview_words: Vec::new(),
            shown_upto: 0,
            previewed_at: 0,
            display: Vec::new(),
            took: Vec::new(),
            changed: false,
        };
        let preview_handle = std::thread::Builder::new()
            .name("rehearse-preview".into())
            .spawn(move || previewer.run(preview_rx))
            .map_err(LiveError::Thread)?;
        let worker = Worker {
            engine,
            config,
            stream: Some(stream),
            chunker: Some(Chunker::new(WHISPER_RATE)),
            samples: Vec::new(),
            queue: VecDeque::new(),
            raw: Vec::new(),
            preview: Some((preview_tx.clone(), preview_handle)),
            backlog,
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
            preview_tx,
            handle: Some(handle),
            cancel,
            ending,
        })
    }

    /// A feed for the capture writer.
    pub fn tap(&self) -> LiveTap {
        LiveTap {
            tx: self.tx.clone(),
            preview: self.preview_tx.clone(),
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
            self.ending.store(true, Ordering::Release);
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
    /// The previewer: fed the 16 kHz audio and every finished stretch's words; it hands back
    /// the display's history when told the recording ended.
    preview: Option<(mpsc::Sender<PreviewMsg>, JoinHandle<PreviewStats>)>,
    /// Finished stretches not yet transcribed, for the previewer to wait on.
    backlog: Arc<AtomicUsize>,
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
            self.backlog
                .store(self.queue.len().saturating_sub(1), Ordering::Release);
            if let Some(st) = self.queue.pop_front() {
                let t = Instant::now();
                if self.transcribe(st, &live, true)? {
                    self.live_decode_s.push(t.elapsed().as_secs_f64());
                    during += 1;
                    // The display's view; after the stop nobody is looking, so only here.
                    let (words, _) = words::merge(&self.raw, live.method);
                    self.send_preview(PreviewMsg::Final {
                        words,
                        upto: st.end,
                    });
                } else {
                    // Stopped mid-stretch: it goes first with all threads.
                    self.queue.push_front(st);
                    break;
                }
            }
        }
        let stopped = Instant::now();
        // The previewer stops at once (the stop set `ending`), leaving the cores to the rest.
        let (display, previews, preview_median_s) = match self.preview.take() {
            Some((tx, handle)) => {
                let _ = tx.send(PreviewMsg::End);
                drop(tx);
                handle.join().unwrap_or_default()
            }
            None => (Vec::new(), 0, 0.0),
        };
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
            display,
            previews,
            preview_median_s,
        })
    }

    fn send_preview(&mut self, msg: PreviewMsg) {
        if let Some((tx, _)) = &self.preview {
            // A previewer that failed takes only the display with it.
            let _ = tx.send(msg);
        }
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

enum PreviewMsg {
    /// Interleaved samples as the device delivered them, in order.
    Audio(Vec<i16>),
    /// Every word of the finished stretches, which end at sample `upto`.
    Final {
        words: Vec<Word>,
        upto: usize,
    },
    End,
}

/// What the previewer hands back: the display's updates (see [`LiveOutput::display`]), the
/// number of previews and the median wall time of one.
type PreviewStats = (Vec<(f64, f64)>, usize, f64);

/// Keeps the display's words close to the speech (see the module documentation).
struct Previewer {
    engine: Engine,
    /// The worker's finished stretches still waiting: previews wait for none.
    backlog: Arc<AtomicUsize>,
    /// The same conversion to 16 kHz mono as the worker's.
    stream: Stream,
    decode: super::whisper::DecodeOptions,
    on_words: OnWords,
    ending: Arc<AtomicBool>,
    /// The open end of the answer: samples from `offset` (an index into the whole recording).
    samples: Vec<f32>,
    offset: usize,
    /// Words of the finished stretches, which end at sample `final_upto`.
    final_words: Vec<Word>,
    final_upto: usize,
    /// Words previews heard after `final_upto`.
    preview_words: Vec<Word>,
    /// The sample the displayed words reach.
    shown_upto: usize,
    /// Samples received when the last preview began.
    previewed_at: usize,
    display: Vec<(f64, f64)>,
    took: Vec<f64>,
    /// Finished words came in since the display was last told.
    changed: bool,
}

impl Previewer {
    fn received(&self) -> usize {
        self.offset + self.samples.len()
    }

    fn run(mut self, rx: mpsc::Receiver<PreviewMsg>) -> PreviewStats {
        let every = (PREVIEW_EVERY_S * f64::from(WHISPER_RATE)) as usize;
        loop {
            if !self.ready(every) && !self.changed {
                match rx.recv_timeout(Duration::from_millis(100)) {
                    Ok(msg) => {
                        if self.take(msg) {
                            break;
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
            if self.drain(&rx) || self.ending.load(Ordering::Acquire) {
                break;
            }
            if self.ready(every) {
                self.preview();
                // What came in meanwhile counts, or the lag would look shorter than it is.
                if self.drain(&rx) {
                    break;
                }
                self.show();
            } else if self.changed {
                self.show();
            }
        }
        self.stats()
    }

    /// A preview is due (`every` samples came in since the last) and the worker has no
    /// finished stretch waiting.
    fn ready(&self, every: usize) -> bool {
        self.received() >= self.previewed_at + every && self.backlog.load(Ordering::Acquire) == 0
    }

    /// Handles one message; true at the end.
    fn take(&mut self, msg: PreviewMsg) -> bool {
        match msg {
            PreviewMsg::Audio(block) => {
                // A block the resampler refuses costs only the preview.
                let _ = self.stream.push_i16(&block, &mut self.samples);
            }
            PreviewMsg::Final { words, upto } => self.take_final(words, upto),
            PreviewMsg::End => return true,
        }
        false
    }

    /// Handles every message waiting; true at the end.
    fn drain(&mut self, rx: &mpsc::Receiver<PreviewMsg>) -> bool {
        while let Ok(msg) = rx.try_recv() {
            if self.take(msg) {
                return true;
            }
        }
        false
    }

    fn stats(mut self) -> PreviewStats {
        self.took.sort_by(f64::total_cmp);
        let median = self.took.get(self.took.len() / 2).copied().unwrap_or(0.0);
        (self.display, self.took.len(), median)
    }

    /// A finished stretch: its words replace the preview's up to its end, and the audio before
    /// it is no longer needed.
    fn take_final(&mut self, words: Vec<Word>, upto: usize) {
        let upto_s = upto as f64 / f64::from(WHISPER_RATE);
        self.final_words = words;
        self.final_upto = upto;
        self.preview_words.retain(|w| w.start_s >= upto_s);
        self.shown_upto = self.shown_upto.max(upto);
        let drop = upto.saturating_sub(self.offset).min(self.samples.len());
        self.samples.drain(..drop);
        self.offset += drop;
        self.changed = true;
    }

    /// Decodes the open end of the answer and shows what it heard.
    fn preview(&mut self) {
        let rate = f64::from(WHISPER_RATE);
        let now = self.received();
        self.previewed_at = now;
        let open_from = self.final_upto.max(self.offset);
        let start = open_from.max(now.saturating_sub((PREVIEW_WINDOW_S * rate) as usize));
        // The worker can be ahead of this thread's audio: then nothing is open yet.
        if (now.saturating_sub(start) as f64) < PREVIEW_MIN_S * rate {
            return;
        }
        let part = &self.samples[start - self.offset..now - self.offset];
        let start_s = start as f64 / rate;
        let heard = if super::is_digital_silence(part) {
            Vec::new()
        } else {
            let len_s = part.len() as f64 / rate;
            let mut decode = self.decode.clone();
            // 50 frames a second plus room: never under the audio's length, which DTW needs.
            decode.audio_ctx = ((len_s * 50.0).ceil() as i32 + 128).min(1500);
            let ending = self.ending.clone();
            let t = Instant::now();
            let result = self.engine.run(
                part,
                &decode,
                None,
                Some(Box::new(move || ending.load(Ordering::Acquire))),
            );
            let Ok(segs) = result else {
                return;
            };
            self.took.push(t.elapsed().as_secs_f64());
            let (mut words, _) = words::merge(&segs.segments, decode.method);
            for w in &mut words {
                w.start_s += start_s;
                w.end_s += start_s;
            }
            words
        };
        // Words the window's edge may have cut belong to the previous preview.
        let cut = if start > open_from {
            start_s + PREVIEW_EDGE_S
        } else {
            start_s
        };
        self.preview_words.retain(|w| w.end_s <= cut);
        self.preview_words
            .extend(heard.into_iter().filter(|w| w.start_s >= cut));
        self.shown_upto = self.shown_upto.max(now);
    }

    fn show(&mut self) {
        self.changed = false;
        let rate = f64::from(WHISPER_RATE);
        let mut words = self.final_words.clone();
        words.extend(self.preview_words.iter().cloned());
        let upto_s = self.shown_upto as f64 / rate;
        (self.on_words)(&words, upto_s);
        self.display.push((self.received() as f64 / rate, upto_s));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lag_grows_between_updates_and_drops_at_each() {
        // Words shown at 2 s reaching 1 s, at 4 s reaching 3.5 s, at 10 s reaching 9 s.
        let (median, p90, max) = lag_stats(&[(2.0, 1.0), (4.0, 3.5), (10.0, 9.0)]).expect("some");
        // From 4 s to 10 s the lag climbs from 0.5 s to 6.5 s; it is 1 s again at 10 s.
        assert!((max - 6.4).abs() < 0.11, "{max}");
        assert!((median - 2.5).abs() < 0.3, "{median}");
        assert!(p90 > median && p90 <= max);
        assert_eq!(lag_stats(&[]), None);
        assert_eq!(lag_stats(&[(3.0, 3.0)]), Some((0.0, 0.0, 0.0)));
    }
}
