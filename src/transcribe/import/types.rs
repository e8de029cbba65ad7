//! What an import produces ([`Imported`]: words, how they were timed, notes) and why it can
//! fail ([`ImportError`]). Every format's reader builds on these; this file depends on none.

use std::fmt;

use crate::transcribe::{TRANSCRIPT_SCHEMA, Word};

/// What kind of transcript a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportedKind {
    /// rehearse's own transcript JSON (`"schema": 1`).
    Transcript,
    /// whisper.cpp's `whisper-cli -oj` or `-ojf` output.
    WhisperCppJson,
    /// SubRip subtitles.
    Srt,
    /// WebVTT subtitles.
    Vtt,
    /// Plain text without times.
    Text,
}

impl fmt::Display for ImportedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImportedKind::Transcript => "rehearse transcript",
            ImportedKind::WhisperCppJson => "whisper.cpp JSON",
            ImportedKind::Srt => "SRT subtitles",
            ImportedKind::Vtt => "WebVTT subtitles",
            ImportedKind::Text => "plain text",
        })
    }
}

/// Where the word times came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WordTiming {
    /// Every word has its own times from the recognizer.
    Words,
    /// Only cue or segment spans are known; each cue's words are spread over it in proportion to
    /// their length, so pauses inside a cue cannot be seen.
    Cues,
    /// No times in the file: words are placed at `wpm` words per minute with estimated pauses
    /// ([`SENTENCE_PAUSE_S`], [`PARAGRAPH_PAUSE_S`]).
    Estimated { wpm: f64 },
}

/// A transcript read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub kind: ImportedKind,
    pub timing: WordTiming,
    /// Sorted, non-overlapping, never empty.
    pub words: Vec<Word>,
    /// Length of the recording when the file says so, else the end of the last word.
    pub duration_s: f64,
    /// The audio the transcript was made from: a rehearse transcript's `audio.path` (as written,
    /// not checked), or for other kinds whisper-cli's naming (`answer.wav.srt` beside
    /// `answer.wav`) when that WAV exists.
    pub audio_path: Option<String>,
    /// Things a reader should know: the transcript's own notes, and what was left out or clamped.
    pub notes: Vec<String>,
}

/// Why a file could not be read as a transcript. Every message is one line that names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("{path}: empty file")]
    Empty { path: String },
    #[error("{path}: not a transcript or audio (binary data)")]
    Binary { path: String },
    #[error("{path}: audio, not a transcript (transcribe it first)")]
    Audio { path: String },
    #[error("{path}: line {line}: not valid UTF-8 text (save the file as UTF-8)")]
    NotUtf8 { path: String, line: usize },
    #[error("{path}: malformed JSON at line {line} column {column}: {message}")]
    Json {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: JSON is neither a rehearse transcript nor whisper.cpp output")]
    UnknownJson { path: String },
    #[error(
        "{path}: unsupported transcript: {found} (this rehearse reads schema {TRANSCRIPT_SCHEMA})"
    )]
    Schema { path: String, found: String },
    /// The file is the right kind but a field or value is wrong; `what` says which.
    #[error("{path}: {what}")]
    Invalid { path: String, what: String },
    #[error("{path}: line {line}: {what}")]
    Syntax {
        path: String,
        line: usize,
        what: String,
    },
    #[error("{path}: line {line}: bad {format} timestamp '{found}' (expected {expected})")]
    Timestamp {
        path: String,
        line: usize,
        format: &'static str,
        found: String,
        expected: &'static str,
    },
    #[error("{path}: {place} ends at {end} before it starts at {start}")]
    EndBeforeStart {
        path: String,
        place: String,
        start: String,
        end: String,
    },
    #[error(
        "{path}: {place} starts at {start}, {by:.2} s before the previous one ends at {previous_end} (times must run forward)"
    )]
    Backwards {
        path: String,
        place: String,
        start: String,
        previous_end: String,
        by: f64,
    },
    #[error("{path}: transcript has no words{why}")]
    NoWords { path: String, why: String },
    #[error(
        "{path}: plain text needs a speaking rate above 0 words per minute to place the words (got {wpm})"
    )]
    BadRate { path: String, wpm: f64 },
}
