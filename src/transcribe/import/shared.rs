//! Pieces every format uses: splitting text into Whisper-style words, spreading words over a
//! span, leaving out non-speech annotations, checking time spans, and the wording of notes and
//! error messages.

use std::ops::Range;
use std::path::Path;

use super::types::ImportError;
use crate::transcribe::Word;

/// How far a cue, segment or word may start before the previous one ended and still be taken
/// as rounding (it is clamped to the previous end).
pub use crate::transcribe::check::OVERLAP_TOLERANCE_S;
use crate::transcribe::check::{MAX_TIME_S, max_time_words, show_time};

/// Longest `[...]` span taken as a non-speech annotation such as `[BLANK_AUDIO]`; a longer one is
/// more likely a stray bracket in real text.
pub(super) const MAX_ANNOTATION_BYTES: usize = 80;

/// Splits text into Whisper-style words: whitespace-separated, non-speech annotations left out,
/// and a piece that is only punctuation ("-", "…") attached to the word before it, as Whisper
/// attaches "," in "Americans,". Such a piece before any word (a dialogue dash) is layout and is
/// dropped.
pub(super) fn split_words(text: &str, dropped: &mut Vec<String>) -> Vec<String> {
    let pieces = drop_annotated(text.split_whitespace().collect(), |s| s, " ", dropped);
    let mut words: Vec<String> = Vec::new();
    for piece in pieces {
        if piece.chars().all(|c| !c.is_alphanumeric()) {
            if let Some(last) = words.last_mut() {
                last.push_str(piece);
            }
        } else {
            words.push(piece.to_string());
        }
    }
    words
}

/// Spreads `pieces` over `[start, end]` in proportion to their character counts: without word
/// times, a longer word is the best guess for a longer time. The words touch and stay inside the
/// span.
pub(super) fn spread(pieces: Vec<String>, start: f64, end: f64, out: &mut Vec<Word>) {
    let total: usize = pieces.iter().map(|w| w.chars().count()).sum();
    if total == 0 {
        return;
    }
    let span = (end - start).max(0.0);
    let at = |chars: usize| {
        if chars >= total {
            start + span
        } else {
            start + span * chars as f64 / total as f64
        }
    };
    let mut done = 0;
    for text in pieces {
        let a = at(done);
        done += text.chars().count();
        out.push(Word {
            text,
            start_s: a,
            end_s: at(done),
            p: 1.0,
        });
    }
}

/// Leaves out items (words or tokens) that make up a non-speech annotation in square brackets,
/// such as Whisper's "[BLANK_AUDIO]" or a captioner's "[MUSIC PLAYING]": they were not said. The
/// items are joined with `sep` (tokens carry their own spaces, words need one) to find the
/// brackets, so an annotation split over several tokens or words is found too. An item goes if
/// all its letters and digits are inside an annotation (or, having none, if it touches one); the
/// annotations found are added to `dropped`.
pub(super) fn drop_annotated<T>(
    items: Vec<T>,
    text: impl Fn(&T) -> &str,
    sep: &str,
    dropped: &mut Vec<String>,
) -> Vec<T> {
    let mut joined = String::new();
    let mut ranges = Vec::with_capacity(items.len());
    for item in &items {
        if !joined.is_empty() {
            joined.push_str(sep);
        }
        let a = joined.len();
        joined.push_str(text(item));
        ranges.push(a..joined.len());
    }
    let spans = annotation_spans(&joined);
    if spans.is_empty() {
        return items;
    }
    for s in &spans {
        dropped.push(
            joined[s.clone()]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    let inside = |pos: usize| spans.iter().any(|s| s.contains(&pos));
    items
        .into_iter()
        .zip(ranges)
        .filter(|(item, r)| {
            let t = text(item);
            let mut letters = t
                .char_indices()
                .filter(|(_, c)| c.is_alphanumeric())
                .map(|(k, _)| r.start + k)
                .peekable();
            let annotation = if letters.peek().is_some() {
                letters.all(inside)
            } else {
                spans.iter().any(|s| s.start < r.end && r.start < s.end)
            };
            !annotation
        })
        .map(|(item, _)| item)
        .collect()
}

/// Byte ranges of `[...]` spans (brackets included) that are short enough to be annotations.
pub(crate) fn annotation_spans(s: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(k) = s[from..].find('[').map(|k| from + k) {
        let close = s[k + 1..].find(['[', ']']).map(|j| k + 1 + j);
        match close {
            Some(j) if s.as_bytes()[j] == b']' && j - k <= MAX_ANNOTATION_BYTES => {
                spans.push(k..j + 1);
                from = j + 1;
            }
            _ => from = k + 1,
        }
    }
    spans
}

/// Checks one time span against the one before it: times must be finite and not negative, the
/// end not before the start, and the start not more than [`OVERLAP_TOLERANCE_S`] before the
/// previous end. A smaller overlap is clamped away; returns whether it was.
pub(super) fn check_span(
    p: &str,
    place: impl Fn() -> String,
    start: &mut f64,
    end: &mut f64,
    previous_end: f64,
    show: fn(f64) -> String,
) -> Result<bool, ImportError> {
    if !(start.is_finite() && end.is_finite() && *start >= 0.0 && *end >= 0.0) {
        return Err(ImportError::Invalid {
            path: p.to_string(),
            what: format!(
                "{} has a negative or invalid time ({}, {})",
                place(),
                show_time(*start),
                show_time(*end)
            ),
        });
    }
    // Later stages size their work by these times: one beyond any real recording stops here.
    if start.max(*end) > MAX_TIME_S {
        return Err(ImportError::Invalid {
            path: p.to_string(),
            what: format!(
                "{} ends at {}, beyond {}, the longest recording rehearse reads; is the time a typo?",
                place(),
                show(start.max(*end)),
                max_time_words()
            ),
        });
    }
    if *end < *start {
        return Err(ImportError::EndBeforeStart {
            path: p.to_string(),
            place: place(),
            start: show(*start),
            end: show(*end),
        });
    }
    if *start < previous_end - OVERLAP_TOLERANCE_S {
        return Err(ImportError::Backwards {
            path: p.to_string(),
            place: place(),
            start: show(*start),
            previous_end: show(previous_end),
            by: previous_end - *start,
        });
    }
    if *start < previous_end {
        *start = previous_end;
        *end = end.max(*start);
        return Ok(true);
    }
    Ok(false)
}

/// whisper-cli's `-di` (stereo diarization) puts "(speaker 0)", "(speaker 1)" or "(speaker ?)"
/// before each SRT cue and text line; the label was not said.
pub(super) fn strip_speaker_label(text: &str) -> &str {
    let t = text.trim_start();
    t.strip_prefix("(speaker ")
        .and_then(|rest| rest.split_once(')'))
        .filter(|(who, _)| *who == "?" || is_cue_number(who))
        .map_or(text, |(_, rest)| rest)
}

/// "1 cue", "3 cues".
pub(super) fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Why a file whose only words were annotations has none.
pub(super) fn only_annotations(dropped: &[String]) -> String {
    let first = dropped.first().map_or(String::new(), |d| snippet(d));
    format!(" (only non-speech annotations such as {first})")
}

pub(super) fn note_dropped(notes: &mut Vec<String>, dropped: &[String]) {
    if let Some(first) = dropped.first() {
        notes.push(format!(
            "left out {} such as {}",
            count(dropped.len(), "non-speech annotation"),
            snippet(first)
        ));
    }
}

pub(super) fn note_clamped(notes: &mut Vec<String>, n: usize, what: &str) {
    if n > 0 {
        notes.push(format!(
            "{} overlapped the one before by up to {OVERLAP_TOLERANCE_S} s and now start where it ends",
            count(n, what)
        ));
    }
}

/// whisper-cli names its outputs after the input (`answer.wav` -> `answer.wav.srt`); when the
/// transcript is named that way and the WAV is still beside it, that is the audio. Other audio
/// formats are not offered: rehearse reads only WAV.
pub(super) fn audio_beside(path: &Path) -> Option<String> {
    let audio = path.with_extension("");
    let is_wav = audio
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wav"));
    (is_wav && audio.is_file()).then(|| audio.display().to_string())
}

/// Seconds, for times read from JSON.
pub(super) fn seconds(t: f64) -> String {
    show_time(t)
}

/// `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT).
pub(super) fn clock(t: f64, sep: char) -> String {
    let ms = (t.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}{sep}{:03}",
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        ms % 1000
    )
}

pub(super) fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Text fit for a one-line message: control characters as spaces, whitespace runs collapsed.
pub(super) fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A short quote of input for a message.
pub(super) fn snippet(s: &str) -> String {
    const MAX: usize = 40;
    let s = one_line(s);
    if s.chars().count() <= MAX {
        s
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// Reads `HH:MM:SS,mmm`, `HH:MM:SS.mmm` or `MM:SS.mmm` (1 to 9 fraction digits, or none) as
/// seconds. Either separator is accepted in either format: tools mix them up.
pub(super) fn parse_clock(s: &str) -> Option<f64> {
    fn field(s: &str, max_len: usize) -> Option<u64> {
        if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }
    let (hms, fraction) = match s.rfind([',', '.']) {
        Some(k) => (&s[..k], Some(&s[k + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m, sec] => (field(h, 6)?, field(m, 2)?, field(sec, 2)?),
        [m, sec] => (0, field(m, 2)?, field(sec, 2)?),
        _ => return None,
    };
    if m >= 60 || sec >= 60 {
        return None;
    }
    let frac = match fraction {
        None => 0.0,
        Some(f) => field(f, 9)? as f64 / 10f64.powi(f.len() as i32),
    };
    Some(((h * 60 + m) * 60 + sec) as f64 + frac)
}

pub(super) fn has_webvtt_header(text: &str) -> bool {
    text.strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
}

pub(super) fn is_timing_line(line: &str) -> bool {
    line.split_once("-->")
        .is_some_and(|(a, _)| parse_clock(a.trim()).is_some())
}

pub(super) fn is_cue_number(line: &str) -> bool {
    !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
}
