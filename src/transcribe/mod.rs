//! Transcription: whisper.cpp through whisper-rs, producing words with start and end times.
//!
//! This is the boundary where whisper's 10 ms ticks become seconds; everything downstream sees
//! only [`Transcript`] and [`Word`].

pub mod chunker;
pub mod export;
pub mod import;
pub mod live;
pub mod timing;
pub mod whisper;
pub mod words;

use serde::{Deserialize, Serialize};

/// Version of the transcript JSON layout; bump it when a field changes meaning.
pub const TRANSCRIPT_SCHEMA: u32 = 1;

/// The default initial prompt: a short run of hesitations makes Whisper write them out instead
/// of silently dropping them (measured in `scripts/eval-real.sh`). Long prompts were seen to
/// cause repetition loops, so it stays short.
pub const FILLER_PROMPT: &str = "Um, uh, hmm, er, ah.";

/// The default boost, in logits, of "um" and "uh" at each decoding step. Whisper tiny.en often
/// writes a hesitation it half-heard as a short word ("dumb", "come", "that"); 3 is where
/// `scripts/eval.sh` found the most hesitations without reporting any that were not said
/// (5 began to), see the README's Measurements.
pub const FILLER_BOOST: f32 = 3.0;

/// One spoken word with its time span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// The word as written by Whisper, with attached punctuation ("Americans,").
    pub text: String,
    pub start_s: f64,
    pub end_s: f64,
    /// Mean probability of the word's tokens.
    pub p: f32,
}

/// A stretch of speech as Whisper segmented it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub start_s: f64,
    pub end_s: f64,
    pub text: String,
    /// Index range `[first_word, first_word + n_words)` into [`Transcript::words`].
    pub first_word: usize,
    pub n_words: usize,
}

/// What the audio file was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioInfo {
    pub path: String,
    pub duration_s: f64,
    pub sample_rate: u32,
    pub channels: u16,
    pub bits_per_sample: u16,
    pub sample_format: String,
}

/// Which model produced the words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub path: String,
    /// "tiny.en", "base", ...: the size and language kind read from the file's header.
    pub name: String,
}

/// How word times are obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampMethod {
    /// whisper.cpp's DTW over the model's alignment heads.
    Dtw,
    /// whisper.cpp's per-token timestamps from the timestamp-token probabilities.
    Token,
}

impl std::fmt::Display for TimestampMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimestampMethod::Dtw => "dtw",
            TimestampMethod::Token => "token",
        })
    }
}

/// The settings that shape the words; recorded in every transcript so results can be compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub language: String,
    /// The initial prompt, if any (`None` = no prompt).
    pub prompt: Option<String>,
    pub timestamps: TimestampMethod,
    /// Logits added to "um"/"uh" while decoding (0 = none; transcripts made before this
    /// setting existed had none).
    #[serde(default)]
    pub filler_boost: f32,
    /// Whether word edges were snapped to the audio's energy.
    pub energy_snap: bool,
    /// Whether the audio was transcribed in stretches cut at pauses (the live path).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub chunk_at_pauses: bool,
    pub threads: usize,
}

/// The transcript of one audio file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub schema: u32,
    pub audio: AudioInfo,
    pub model: ModelInfo,
    pub settings: Settings,
    pub duration_s: f64,
    pub text: String,
    pub segments: Vec<Segment>,
    pub words: Vec<Word>,
    /// Things a reader should know (e.g. "no speech found").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Everything `transcribe_audio` needs besides the audio.
#[derive(Debug, Clone)]
pub struct TranscribeOptions {
    pub threads: usize,
    pub language: String,
    pub prompt: Option<String>,
    pub method: TimestampMethod,
    /// Logits added to hesitation tokens at each step ([`FILLER_BOOST`] by default, 0 = off).
    pub filler_boost: f32,
    pub energy_snap: bool,
    /// Transcribe stretches cut at pauses ([`chunker`], 30 s at most) one at a time, each with
    /// its time offset, exactly as the live recorder does while the person is still talking.
    pub chunk_at_pauses: bool,
}

/// Peak level under which a recording counts as digital silence: Whisper invents words for
/// silence, so such audio is not sent to it at all.
const SILENCE_PEAK: f32 = 1.0 / 32768.0 * 2.0;

pub(crate) fn is_digital_silence(samples: &[f32]) -> bool {
    samples.iter().fold(0.0f32, |m, x| m.max(x.abs())) < SILENCE_PEAK
}

/// The timestamp method actually used: DTW needs the model's alignment heads at load time.
fn effective_method(engine: &whisper::Engine, opts: &TranscribeOptions) -> TimestampMethod {
    if engine.has_dtw() {
        opts.method
    } else {
        TimestampMethod::Token
    }
}

/// How one decode is run, with `threads` whisper.cpp threads.
pub fn decode_options(
    engine: &whisper::Engine,
    opts: &TranscribeOptions,
    threads: usize,
) -> whisper::DecodeOptions {
    whisper::DecodeOptions {
        threads,
        language: opts.language.clone(),
        prompt: opts.prompt.clone(),
        method: effective_method(engine, opts),
        filler_boost: opts.filler_boost,
        audio_ctx: 0,
    }
}

/// What a transcript records about how it was made.
pub fn settings(engine: &whisper::Engine, opts: &TranscribeOptions) -> Settings {
    Settings {
        language: opts.language.clone(),
        prompt: opts.prompt.clone(),
        timestamps: effective_method(engine, opts),
        filler_boost: opts.filler_boost,
        energy_snap: opts.energy_snap,
        chunk_at_pauses: opts.chunk_at_pauses,
        threads: opts.threads,
    }
}

/// Decodes one stretch of `samples` (16 kHz mono, the whole recording) with its time offset,
/// so that its times are the recording's. A stretch of digital silence is not decoded.
pub fn transcribe_stretch(
    engine: &whisper::Engine,
    samples: &[f32],
    stretch: chunker::Stretch,
    decode: &whisper::DecodeOptions,
    abort: Option<Box<dyn FnMut() -> bool>>,
) -> Result<Vec<words::RawSegment>, whisper::EngineError> {
    let end = stretch.end.min(samples.len());
    let part = &samples[stretch.start.min(end)..end];
    if part.is_empty() || is_digital_silence(part) {
        return Ok(Vec::new());
    }
    let offset = stretch.start_s(crate::audio::WHISPER_RATE);
    let mut segments = engine.run(part, decode, None, abort)?;
    for seg in &mut segments {
        seg.t0 += offset;
        seg.t1 += offset;
        for t in &mut seg.tokens {
            t.t0 += offset;
            t.t1 += offset;
            if t.t_dtw >= 0.0 {
                t.t_dtw += offset;
            }
        }
    }
    Ok(segments)
}

/// Transcribes prepared 16 kHz audio with a loaded engine.
pub fn transcribe_audio(
    engine: &whisper::Engine,
    audio: &crate::audio::PreparedAudio,
    audio_info: AudioInfo,
    model: ModelInfo,
    opts: &TranscribeOptions,
    progress: Option<Box<dyn FnMut(i32)>>,
    abort: Option<Box<dyn FnMut() -> bool>>,
) -> Result<Transcript, whisper::EngineError> {
    let decode = decode_options(engine, opts, opts.threads);
    let raw = if is_digital_silence(&audio.samples) {
        Vec::new()
    } else if opts.chunk_at_pauses {
        let stretches = chunker::split(&audio.samples, crate::audio::WHISPER_RATE);
        let mut progress = progress;
        let mut all = Vec::new();
        for (i, st) in stretches.iter().enumerate() {
            all.extend(transcribe_stretch(
                engine,
                &audio.samples,
                *st,
                &decode,
                None,
            )?);
            if let Some(p) = progress.as_mut() {
                p(((i + 1) * 100 / stretches.len().max(1)) as i32);
            }
        }
        all
    } else {
        engine.run(&audio.samples, &decode, progress, abort)?
    };
    Ok(assemble(
        &raw,
        audio,
        audio_info,
        model,
        settings(engine, opts),
    ))
}

/// Turns whisper's segments (times already the recording's) into the transcript: words merged
/// from tokens, kept inside the audio, snapped to its energy when asked. The live recorder and
/// the offline path both end here.
pub fn assemble(
    raw: &[words::RawSegment],
    audio: &crate::audio::PreparedAudio,
    audio_info: AudioInfo,
    model: ModelInfo,
    settings: Settings,
) -> Transcript {
    let duration_s = audio.duration_s();
    let mut notes = Vec::new();
    let (words, segments) = if is_digital_silence(&audio.samples) {
        notes.push("no speech found: the audio is digital silence".to_string());
        (Vec::new(), Vec::new())
    } else {
        let (mut words, ranges) = words::merge(raw, settings.timestamps);
        for w in &mut words {
            w.start_s = w.start_s.clamp(0.0, duration_s);
            w.end_s = w.end_s.clamp(w.start_s, duration_s);
        }
        if settings.energy_snap {
            let act = timing::detect_activity(&audio.samples, crate::audio::WHISPER_RATE);
            timing::snap_to_energy(&mut words, &act);
        }
        let segments: Vec<Segment> = raw
            .iter()
            .zip(ranges)
            .map(|(seg, (first, n))| {
                let text = words[first..first + n]
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                Segment {
                    start_s: seg.t0.min(duration_s),
                    end_s: seg.t1.min(duration_s),
                    text,
                    first_word: first,
                    n_words: n,
                }
            })
            .filter(|s| s.n_words > 0)
            .collect();
        if words.is_empty() {
            notes.push("no speech found: Whisper heard no words".to_string());
        }
        (words, segments)
    };
    let text = segments
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Transcript {
        schema: TRANSCRIPT_SCHEMA,
        audio: audio_info,
        model,
        settings,
        duration_s,
        text,
        segments,
        words,
        notes,
    }
}
