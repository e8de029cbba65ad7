//! The transcription's data: [`Transcript`] and its [`Word`]s (the only thing downstream of
//! transcription knows about speech), what they were made from, and the options that made them.
//! Every file of this module builds on these; this file depends on none of them.

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
