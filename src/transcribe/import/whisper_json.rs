//! whisper.cpp's JSON (`whisper-cli -oj`, `-ojf`): segments with cue times, and with `-ojf` tokens
//! that become words with times.

use serde::Deserialize;

use super::json::{unmask, unmask_text};
use super::shared::{
    check_span, count, drop_annotated, note_clamped, note_dropped, only_annotations, parse_clock,
    seconds, split_words, spread,
};
use super::types::{ImportError, Imported, ImportedKind, WordTiming};
use crate::transcribe::TimestampMethod;
use crate::transcribe::words::{self, RawSegment, RawToken};

//
// The layout follows `output_json` in whisper.cpp's examples/cli/cli.cpp: "systeminfo", "model",
// "params" {model, language, translate}, "result" {language}, then "transcription", a list of
// segments {timestamps {from, to: "HH:MM:SS,mmm"}, offsets {from, to: milliseconds}, text}. With
// `-ojf` each segment also has "tokens": {text, timestamps, offsets (only when token timestamps
// were computed, which -ojf turns on), id, p, t_dtw (10 ms ticks, -1 without DTW)}. Tokens
// include the special ones ("[_BEG_]", "[_TT_275]", "<|endoftext|>"). The JSON does not name the
// audio file; whisper-cli names its output after it instead (see `audio_beside`).

#[derive(Deserialize)]
pub(super) struct WcppFile {
    params: Option<WcppParams>,
    transcription: Vec<WcppSegment>,
}

#[derive(Deserialize)]
pub(super) struct WcppParams {
    translate: Option<bool>,
}

#[derive(Deserialize)]
pub(super) struct WcppSegment {
    timestamps: Option<WcppClockSpan>,
    offsets: Option<WcppMsSpan>,
    #[serde(default)]
    text: String,
    tokens: Option<Vec<WcppToken>>,
}

#[derive(Deserialize)]
pub(super) struct WcppToken {
    #[serde(default)]
    text: String,
    timestamps: Option<WcppClockSpan>,
    offsets: Option<WcppMsSpan>,
    p: Option<f32>,
    t_dtw: Option<f64>,
}

#[derive(Deserialize)]
pub(super) struct WcppMsSpan {
    from: f64,
    to: f64,
}

#[derive(Deserialize)]
pub(super) struct WcppClockSpan {
    from: String,
    to: String,
}

/// A span in seconds from "offsets" (milliseconds), else from "timestamps" (clock strings).
pub(super) fn wcpp_span(
    offsets: Option<&WcppMsSpan>,
    clocks: Option<&WcppClockSpan>,
) -> Option<(f64, f64)> {
    if let Some(o) = offsets {
        return Some((o.from / 1000.0, o.to / 1000.0));
    }
    let c = clocks?;
    Some((parse_clock(c.from.trim())?, parse_clock(c.to.trim())?))
}

/// whisper.cpp writes special tokens as "[_BEG_]", "[_TT_123]", "[_SOT_]", "[_LANG_en]", ... or,
/// for models whose vocabulary has them, as "<|endoftext|>".
pub(super) fn is_special_token(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("[_") && t.ends_with(']')) || (t.starts_with("<|") && t.ends_with("|>"))
}

pub(super) fn import_whisper_cpp(p: &str, text: &str) -> Result<(Imported, String), ImportError> {
    let file: WcppFile = serde_json::from_str(text).map_err(|e| ImportError::Invalid {
        path: p.to_string(),
        what: format!(
            "not valid whisper.cpp JSON: {}",
            crate::quote::short_message(&e.to_string())
        ),
    })?;
    let mut notes = Vec::new();
    if file.params.as_ref().and_then(|x| x.translate) == Some(true) {
        notes.push("whisper.cpp translated the speech (-tr): these words are a translation".into());
    }

    let mut spans = Vec::with_capacity(file.transcription.len());
    let mut previous_end = 0.0;
    let mut clamped = 0;
    for (i, seg) in file.transcription.iter().enumerate() {
        let place = || format!("segment {}", i + 1);
        let Some((mut t0, mut t1)) = wcpp_span(seg.offsets.as_ref(), seg.timestamps.as_ref())
        else {
            return Err(ImportError::Invalid {
                path: p.to_string(),
                what: format!("{} has no \"offsets\" or readable \"timestamps\"", place()),
            });
        };
        if check_span(p, place, &mut t0, &mut t1, previous_end, seconds)? {
            clamped += 1;
        }
        previous_end = t1;
        spans.push((t0, t1));
    }
    note_clamped(&mut notes, clamped, "segment");

    // Per-word times need every text token's own times, which -ojf writes; -oj, or -ojf from a
    // build without token timestamps, only has segment times.
    let text_tokens = || {
        file.transcription
            .iter()
            .flat_map(|s| s.tokens.iter().flatten())
            .filter(|t| !is_special_token(&t.text))
    };
    let has_tokens = file.transcription.iter().any(|s| s.tokens.is_some());
    let token_times = has_tokens
        && text_tokens().all(|t| wcpp_span(t.offsets.as_ref(), t.timestamps.as_ref()).is_some());

    let mut dropped = Vec::new();
    let (timing, words) = if token_times {
        let use_dtw = text_tokens().next().is_some()
            && text_tokens().all(|t| t.t_dtw.is_some_and(|d| d >= 0.0));
        if use_dtw {
            notes.push("word times from whisper.cpp's DTW (-dtw)".into());
        }
        let mut raw = Vec::with_capacity(spans.len());
        for (seg, &(t0, t1)) in file.transcription.iter().zip(&spans) {
            let toks: Vec<&WcppToken> = seg
                .tokens
                .iter()
                .flatten()
                .filter(|t| !is_special_token(&t.text))
                .collect();
            let toks = drop_annotated(toks, |t| &t.text, "", &mut dropped);
            let tokens = toks
                .into_iter()
                .filter_map(|t| {
                    let (a, b) = wcpp_span(t.offsets.as_ref(), t.timestamps.as_ref())?;
                    Some(RawToken {
                        bytes: unmask(&t.text),
                        p: t.p.filter(|p| p.is_finite()).unwrap_or(1.0),
                        t0: a,
                        t1: b,
                        t_dtw: t.t_dtw.filter(|&d| d >= 0.0).map_or(-1.0, |d| d / 100.0),
                    })
                })
                .collect();
            raw.push(RawSegment { t0, t1, tokens });
        }
        let method = if use_dtw {
            TimestampMethod::Dtw
        } else {
            TimestampMethod::Token
        };
        let (mut words, _) = words::merge(&raw, method);
        // Token times can stray a little past the last segment; keep words inside the recording.
        let end = spans.last().map_or(0.0, |s| s.1);
        for w in &mut words {
            w.start_s = w.start_s.clamp(0.0, end);
            w.end_s = w.end_s.clamp(w.start_s, end);
        }
        words::make_monotonic(&mut words);
        (WordTiming::Words, words)
    } else {
        let mut words = Vec::new();
        for (seg, &(t0, t1)) in file.transcription.iter().zip(&spans) {
            let pieces = split_words(&unmask_text(&seg.text), &mut dropped);
            spread(pieces, t0, t1, &mut words);
        }
        (WordTiming::Cues, words)
    };
    note_dropped(&mut notes, &dropped);
    let why = if file.transcription.is_empty() {
        " (no segments)".to_string()
    } else if !dropped.is_empty() {
        only_annotations(&dropped)
    } else {
        let n = file.transcription.len();
        format!(" ({} but none has words)", count(n, "segment"))
    };
    let imported = Imported {
        kind: ImportedKind::WhisperCppJson,
        timing,
        words,
        duration_s: spans.last().map_or(0.0, |s| s.1),
        audio_path: None,
        notes,
    };
    Ok((imported, why))
}
