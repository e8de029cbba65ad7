//! Transcripts made elsewhere, read into words with times: rehearse's own JSON, whisper.cpp's
//! JSON (`-oj`, `-ojf`), SubRip, WebVTT and plain text, so `rehearse analyze` can work without
//! audio.
//!
//! How much the times can be trusted depends on the format, and [`WordTiming`] says which case a
//! file was: per-word times (rehearse JSON, whisper.cpp `-ojf`), cue times with the words spread
//! inside each cue (whisper.cpp `-oj`, SRT, WebVTT), or no times at all (plain text).
//!
//! Words come out the way Whisper writes them ("Americans," with its comma), sorted, never
//! overlapping, and inside the cue or segment they came from.

mod json;
mod shared;
mod sniff;
mod subtitles;
#[cfg(test)]
mod tests;
mod text;
mod transcript_json;
mod types;
mod whisper_json;

use std::path::Path;

/// Where a transcript's text holds a non-speech annotation ("[Music]", "[BLANK_AUDIO]"), for
/// the engine, which decodes again where Whisper wrote one over speech.
pub(crate) use shared::annotation_spans;

pub use shared::OVERLAP_TOLERANCE_S;
use shared::{audio_beside, shown};
use sniff::{Content, classify};
use subtitles::{Subtitles, import_subtitles};
use text::import_text;
pub use text::{PARAGRAPH_PAUSE_S, SENTENCE_PAUSE_S};
use transcript_json::import_transcript;
pub use types::{ImportError, Imported, ImportedKind, WordTiming};
use whisper_json::import_whisper_cpp;

/// Tells what `bytes` (read from `path`) are. `Ok(None)` means audio, for the caller to
/// transcribe. Content decides first (JSON keys, a `WEBVTT` header, an SRT cue at the top); the
/// extension only breaks ties, and anything else that is text is plain text. Binary data, an
/// empty file, text that is not UTF-8 and malformed JSON are errors.
pub fn sniff(path: &Path, bytes: &[u8]) -> Result<Option<ImportedKind>, ImportError> {
    Ok(match classify(path, bytes)? {
        Content::Audio => None,
        Content::Json { kind, .. } | Content::Text { kind, .. } => Some(kind),
    })
}

/// Reads a transcript. `text_wpm` is the speaking rate used to place the words of a plain-text
/// file (the CLI's default is 150); other kinds ignore it.
pub fn import(path: &Path, bytes: &[u8], text_wpm: f64) -> Result<Imported, ImportError> {
    let p = shown(path);
    let (mut out, why_empty) = match classify(path, bytes)? {
        Content::Audio => return Err(ImportError::Audio { path: p }),
        Content::Json {
            kind: ImportedKind::Transcript,
            text,
            value,
        } => import_transcript(&p, &text, &value)?,
        Content::Json { text, .. } => import_whisper_cpp(&p, &text)?,
        Content::Text {
            kind: ImportedKind::Srt,
            text,
        } => import_subtitles(&p, &text, Subtitles::Srt)?,
        Content::Text {
            kind: ImportedKind::Vtt,
            text,
        } => import_subtitles(&p, &text, Subtitles::Vtt)?,
        Content::Text { text, .. } => import_text(&p, &text, text_wpm)?,
    };
    if out.words.is_empty() {
        return Err(ImportError::NoWords {
            path: p,
            why: why_empty,
        });
    }
    let last_end = out.words.last().map_or(0.0, |w| w.end_s);
    out.duration_s = if out.duration_s.is_finite() {
        out.duration_s.max(last_end)
    } else {
        last_end
    };
    // The check every way words come in goes through (`analyze` applies it again).
    crate::transcribe::check::check_words(&out.words, out.duration_s).map_err(|what| {
        ImportError::Invalid {
            path: p.clone(),
            what,
        }
    })?;
    if out.audio_path.is_none()
        && let Some(audio) = audio_beside(path)
    {
        out.notes.push(format!(
            "audio taken to be {audio} (named like whisper-cli's output for it)"
        ));
        out.audio_path = Some(audio);
    }
    Ok(out)
}
