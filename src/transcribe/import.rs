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

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::words::{self, RawSegment, RawToken};
use super::{TRANSCRIPT_SCHEMA, TimestampMethod, Transcript, Word};

/// Pause assumed after a sentence in plain text, seconds. Read-aloud and interview speech pauses
/// roughly 0.3 to 0.6 s between sentences; 0.4 s keeps the estimate near the stated rate while
/// still letting later stages see where sentences end.
pub const SENTENCE_PAUSE_S: f64 = 0.4;

/// Pause assumed at a paragraph break (a blank line) in plain text, seconds: moving on to the next
/// part of an answer takes longer than a sentence break.
pub const PARAGRAPH_PAUSE_S: f64 = 1.0;

/// How far a cue, segment or word may start before the previous one ended and still be taken
/// as rounding (it is clamped to the previous end). Subtitle tools and hand edits leave overlaps
/// of a frame or a few hundred milliseconds; more than half a second means the file is out of
/// order, and guessing which time is right would make up pauses.
pub const OVERLAP_TOLERANCE_S: f64 = 0.5;

/// How much of the file is looked at to tell text from binary data.
const SNIFF_BYTES: usize = 8192;

/// Longest `[...]` span taken as a non-speech annotation such as `[BLANK_AUDIO]`; a longer one is
/// more likely a stray bracket in real text.
const MAX_ANNOTATION_BYTES: usize = 80;

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
    #[error("{path}: not a transcript or WAV (binary data)")]
    Binary { path: String },
    #[error("{path}: WAV audio, not a transcript (transcribe it first)")]
    Wav { path: String },
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
    #[error("{path}: unsupported schema {found} (this rehearse reads schema {TRANSCRIPT_SCHEMA})")]
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

/// Tells what `bytes` (read from `path`) are. `Ok(None)` means WAV audio, for the caller to
/// transcribe. Content decides first (JSON keys, a `WEBVTT` header, an SRT cue at the top); the
/// extension only breaks ties, and anything else that is text is plain text. Binary data, an
/// empty file, text that is not UTF-8 and malformed JSON are errors.
pub fn sniff(path: &Path, bytes: &[u8]) -> Result<Option<ImportedKind>, ImportError> {
    Ok(match classify(path, bytes)? {
        Content::Wav => None,
        Content::Json { kind, .. } | Content::Text { kind, .. } => Some(kind),
    })
}

/// Reads a transcript. `text_wpm` is the speaking rate used to place the words of a plain-text
/// file (the CLI's default is 150); other kinds ignore it.
pub fn import(path: &Path, bytes: &[u8], text_wpm: f64) -> Result<Imported, ImportError> {
    let p = shown(path);
    let (mut out, why_empty) = match classify(path, bytes)? {
        Content::Wav => return Err(ImportError::Wav { path: p }),
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

// ---------------------------------------------------------------------------------------------
// Telling the kinds apart

/// A file after sniffing, decoded as far as sniffing needed.
enum Content {
    Wav,
    Json {
        kind: ImportedKind,
        text: String,
        value: Value,
    },
    Text {
        kind: ImportedKind,
        text: String,
    },
}

fn classify(path: &Path, bytes: &[u8]) -> Result<Content, ImportError> {
    let p = shown(path);
    if bytes.starts_with(b"RIFF") {
        return Ok(Content::Wav);
    }
    let bytes = decode_bom(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty { path: p });
    }
    if looks_binary(&bytes) {
        return Err(ImportError::Binary { path: p });
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if matches!(first, Some(b'{' | b'[')) || ext == "json" {
        // Text that happens to open with "[Music]" is still text unless it is named .json; one
        // that opens with "{" and is not named as text is taken for broken JSON.
        let may_be_text =
            ext != "json" && (first == Some(b'[') || matches!(ext.as_str(), "txt" | "srt" | "vtt"));
        match parse_json(&bytes) {
            Ok((text, value)) => {
                let kind = json_kind(&value).ok_or(ImportError::UnknownJson { path: p })?;
                return Ok(Content::Json { kind, text, value });
            }
            Err(_) if may_be_text => {}
            Err(e) => return Err(json_error(p, &e)),
        }
    }
    let text = match String::from_utf8(bytes.into_owned()) {
        Ok(t) => t,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(ImportError::NotUtf8 { path: p, line });
        }
    };
    let kind = if has_webvtt_header(&text) {
        ImportedKind::Vtt
    } else if starts_like_subtitles(&text) {
        // A cue at the top without a WEBVTT header: SubRip unless the name says WebVTT.
        if ext == "vtt" {
            ImportedKind::Vtt
        } else {
            ImportedKind::Srt
        }
    } else {
        match ext.as_str() {
            "srt" => ImportedKind::Srt,
            "vtt" => ImportedKind::Vtt,
            _ => ImportedKind::Text,
        }
    };
    Ok(Content::Text { kind, text })
}

/// Strips a UTF-8 byte-order mark, and turns UTF-16 with a byte-order mark (what Windows editors
/// call "Unicode") into UTF-8.
fn decode_bom(bytes: &[u8]) -> Cow<'_, [u8]> {
    fn utf16(rest: &[u8], unit: fn([u8; 2]) -> u16) -> Cow<'static, [u8]> {
        let units = rest.chunks_exact(2).map(|c| unit([c[0], c[1]]));
        let text: String = char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        Cow::Owned(text.into_bytes())
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Cow::Borrowed(rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, u16::from_be_bytes)
    } else {
        Cow::Borrowed(bytes)
    }
}

/// Text never holds NUL bytes and holds few other control characters; audio, images and
/// archives hold plenty of both.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
        .count();
    head.contains(&0) || control * 50 > head.len()
}

fn has_webvtt_header(text: &str) -> bool {
    text.strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
}

/// Whether the first cue of an SRT file is at the top: a timing line, or a cue number and then
/// a timing line.
fn starts_like_subtitles(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    match lines.next() {
        Some(first) if is_timing_line(first) => true,
        Some(first) if is_cue_number(first) => lines.next().is_some_and(is_timing_line),
        _ => false,
    }
}

fn is_timing_line(line: &str) -> bool {
    line.split_once("-->")
        .is_some_and(|(a, _)| parse_clock(a.trim()).is_some())
}

fn is_cue_number(line: &str) -> bool {
    !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
}

fn json_kind(value: &Value) -> Option<ImportedKind> {
    let obj = value.as_object()?;
    if obj.contains_key("schema") && (obj.contains_key("words") || obj.contains_key("segments")) {
        Some(ImportedKind::Transcript)
    } else if obj.get("transcription").is_some_and(Value::is_array) {
        Some(ImportedKind::WhisperCppJson)
    } else {
        None
    }
}

/// Parses JSON, tolerating two flaws of whisper.cpp's hand-written JSON: it escapes only `"` and
/// `\`, so a token holding a control character breaks strict parsers, and before whisper.cpp
/// merged split characters (its issue #1798) a token could hold half of a multi-byte UTF-8
/// character. Such files are repaired (see [`repair_json`]) only when the strict parse fails, so
/// errors in other files keep their exact line and column.
fn parse_json(bytes: &[u8]) -> Result<(String, Value), serde_json::Error> {
    let strict = std::str::from_utf8(bytes)
        .ok()
        .map(|s| (s, serde_json::from_str::<Value>(s)));
    let strict_error = match strict {
        Some((s, Ok(v))) => return Ok((s.to_owned(), v)),
        Some((_, Err(e))) => Some(e),
        None => None,
    };
    let repaired = repair_json(bytes);
    match serde_json::from_str::<Value>(&repaired) {
        Ok(v) => Ok((repaired, v)),
        Err(e) => Err(strict_error.unwrap_or(e)),
    }
}

/// First private-use code point of the range that stands for undecodable bytes: byte `b` becomes
/// `MASK_BASE + b`. Plane 16's last 256 code points are never seen in real transcripts.
const MASK_BASE: u32 = 0x10_FF00;

/// Makes whisper.cpp's JSON strict: raw control characters inside strings become `\u00XX`
/// escapes, and bytes that are not UTF-8 become private-use characters that [`unmask`] turns back
/// into the same bytes, so split characters can be joined again when tokens are merged.
fn repair_json(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if !in_string {
                in_string = c == '"';
            } else if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if (c as u32) < 0x20 {
                out.push_str(&format!("\\u{:04x}", c as u32));
                continue;
            }
            out.push(c);
        }
        for &b in chunk.invalid() {
            escaped = false;
            out.push(
                char::from_u32(MASK_BASE + u32::from(b)).unwrap_or(char::REPLACEMENT_CHARACTER),
            );
        }
    }
    out
}

/// The bytes a string from [`repair_json`] stands for.
fn unmask(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match (c as u32).checked_sub(MASK_BASE) {
            Some(b) if b < 0x100 => out.push(b as u8),
            _ => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    out
}

fn unmask_text(s: &str) -> String {
    String::from_utf8_lossy(&unmask(s)).into_owned()
}

fn json_error(path: String, e: &serde_json::Error) -> ImportError {
    // serde_json ends its message with " at line L column C"; that goes in its own fields.
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = one_line(full.strip_suffix(&suffix).unwrap_or(&full));
    ImportError::Json {
        path,
        line: e.line(),
        column: e.column(),
        message,
    }
}

// ---------------------------------------------------------------------------------------------
// rehearse transcript JSON

fn import_transcript(
    p: &str,
    text: &str,
    value: &Value,
) -> Result<(Imported, String), ImportError> {
    let schema = value.get("schema").unwrap_or(&Value::Null);
    if schema.as_u64() != Some(u64::from(TRANSCRIPT_SCHEMA)) {
        return Err(ImportError::Schema {
            path: p.to_string(),
            found: one_line(&schema.to_string()),
        });
    }
    let t: Transcript = serde_json::from_str(text).map_err(|e| ImportError::Invalid {
        path: p.to_string(),
        what: format!(
            "not a valid rehearse transcript: {}",
            one_line(&e.to_string())
        ),
    })?;
    let mut notes = t.notes.clone();
    let mut dropped = Vec::new();
    let mut words = drop_annotated(t.words, |w| &w.text, " ", &mut dropped);
    words.retain(|w| !w.text.trim().is_empty());
    let mut previous_end = 0.0;
    let mut clamped = 0;
    for (i, w) in words.iter_mut().enumerate() {
        w.text = unmask_text(&w.text);
        let place = || format!("word {} '{}'", i + 1, snippet(&w.text));
        if check_span(
            p,
            place,
            &mut w.start_s,
            &mut w.end_s,
            previous_end,
            seconds,
        )? {
            clamped += 1;
        }
        previous_end = w.end_s;
    }
    note_dropped(&mut notes, &dropped);
    note_clamped(&mut notes, clamped, "word");
    let why = match t.notes.first() {
        Some(n) => format!(" ({})", one_line(n)),
        None if !dropped.is_empty() => only_annotations(&dropped),
        None if !t.segments.is_empty() => {
            format!(" ({} but no words)", count(t.segments.len(), "segment"))
        }
        None => String::new(),
    };
    let audio_path = Some(t.audio.path).filter(|a| !a.is_empty());
    let imported = Imported {
        kind: ImportedKind::Transcript,
        timing: WordTiming::Words,
        words,
        duration_s: t.duration_s.max(0.0),
        audio_path,
        notes,
    };
    Ok((imported, why))
}

// ---------------------------------------------------------------------------------------------
// whisper.cpp JSON
//
// The layout follows `output_json` in whisper.cpp's examples/cli/cli.cpp: "systeminfo", "model",
// "params" {model, language, translate}, "result" {language}, then "transcription", a list of
// segments {timestamps {from, to: "HH:MM:SS,mmm"}, offsets {from, to: milliseconds}, text}. With
// `-ojf` each segment also has "tokens": {text, timestamps, offsets (only when token timestamps
// were computed, which -ojf turns on), id, p, t_dtw (10 ms ticks, -1 without DTW)}. Tokens
// include the special ones ("[_BEG_]", "[_TT_275]", "<|endoftext|>"). The JSON does not name the
// audio file; whisper-cli names its output after it instead (see `audio_beside`).

#[derive(Deserialize)]
struct WcppFile {
    params: Option<WcppParams>,
    transcription: Vec<WcppSegment>,
}

#[derive(Deserialize)]
struct WcppParams {
    translate: Option<bool>,
}

#[derive(Deserialize)]
struct WcppSegment {
    timestamps: Option<WcppClockSpan>,
    offsets: Option<WcppMsSpan>,
    #[serde(default)]
    text: String,
    tokens: Option<Vec<WcppToken>>,
}

#[derive(Deserialize)]
struct WcppToken {
    #[serde(default)]
    text: String,
    timestamps: Option<WcppClockSpan>,
    offsets: Option<WcppMsSpan>,
    p: Option<f32>,
    t_dtw: Option<f64>,
}

#[derive(Deserialize)]
struct WcppMsSpan {
    from: f64,
    to: f64,
}

#[derive(Deserialize)]
struct WcppClockSpan {
    from: String,
    to: String,
}

/// A span in seconds from "offsets" (milliseconds), else from "timestamps" (clock strings).
fn wcpp_span(offsets: Option<&WcppMsSpan>, clocks: Option<&WcppClockSpan>) -> Option<(f64, f64)> {
    if let Some(o) = offsets {
        return Some((o.from / 1000.0, o.to / 1000.0));
    }
    let c = clocks?;
    Some((parse_clock(c.from.trim())?, parse_clock(c.to.trim())?))
}

/// whisper.cpp writes special tokens as "[_BEG_]", "[_TT_123]", "[_SOT_]", "[_LANG_en]", ... or,
/// for models whose vocabulary has them, as "<|endoftext|>".
fn is_special_token(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("[_") && t.ends_with(']')) || (t.starts_with("<|") && t.ends_with("|>"))
}

fn import_whisper_cpp(p: &str, text: &str) -> Result<(Imported, String), ImportError> {
    let file: WcppFile = serde_json::from_str(text).map_err(|e| ImportError::Invalid {
        path: p.to_string(),
        what: format!("not valid whisper.cpp JSON: {}", one_line(&e.to_string())),
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

// ---------------------------------------------------------------------------------------------
// SRT and WebVTT

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subtitles {
    Srt,
    Vtt,
}

impl Subtitles {
    fn name(self) -> &'static str {
        match self {
            Subtitles::Srt => "SRT",
            Subtitles::Vtt => "WebVTT",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Subtitles::Srt => "HH:MM:SS,mmm --> HH:MM:SS,mmm",
            Subtitles::Vtt => "[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm",
        }
    }

    fn clock(self) -> fn(f64) -> String {
        match self {
            Subtitles::Srt => |t| clock(t, ','),
            Subtitles::Vtt => |t| clock(t, '.'),
        }
    }
}

/// One subtitle cue: where its timing line is, its span, and its text lines joined.
struct Cue {
    line: usize,
    start: f64,
    end: f64,
    text: String,
}

fn import_subtitles(
    p: &str,
    text: &str,
    format: Subtitles,
) -> Result<(Imported, String), ImportError> {
    let (mut cues, mut notes) = parse_cues(p, text, format)?;
    let mut previous_end = 0.0;
    let mut clamped = 0;
    for cue in &mut cues {
        let place = || format!("line {}: cue", cue.line);
        if check_span(
            p,
            place,
            &mut cue.start,
            &mut cue.end,
            previous_end,
            format.clock(),
        )? {
            clamped += 1;
        }
        previous_end = cue.end;
    }
    note_clamped(&mut notes, clamped, "cue");
    let mut dropped = Vec::new();
    let mut words = Vec::new();
    for cue in &cues {
        let text = clean_cue_text(&cue.text, format);
        let pieces = split_words(strip_speaker_label(&text), &mut dropped);
        spread(pieces, cue.start, cue.end, &mut words);
    }
    note_dropped(&mut notes, &dropped);
    let why = if cues.is_empty() {
        format!(
            " (no cues found; expected cues timed like {})",
            format.expected()
        )
    } else if !dropped.is_empty() {
        only_annotations(&dropped)
    } else {
        format!(" ({} but none has text)", count(cues.len(), "cue"))
    };
    let imported = Imported {
        kind: match format {
            Subtitles::Srt => ImportedKind::Srt,
            Subtitles::Vtt => ImportedKind::Vtt,
        },
        timing: WordTiming::Cues,
        words,
        duration_s: cues.last().map_or(0.0, |c| c.end),
        audio_path: None,
        notes,
    };
    Ok((imported, why))
}

/// Reads the cues of an SRT or WebVTT file, line by line. Cue numbers (SRT) and identifiers
/// (WebVTT) are optional, blank lines may be doubled, and text after a blank line that is not
/// followed by a timing line is taken as more text of the cue before it rather than lost.
fn parse_cues(
    p: &str,
    text: &str,
    format: Subtitles,
) -> Result<(Vec<Cue>, Vec<String>), ImportError> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut notes = Vec::new();
    let mut cues: Vec<Cue> = Vec::new();
    let mut i = 0;
    if format == Subtitles::Vtt && has_webvtt_header(text) {
        // The header (title, "Kind:", "Language:") runs to the first blank line; none of it is
        // speech.
        i = 1;
        while i < lines.len() && !lines[i].is_empty() && !lines[i].contains("-->") {
            i += 1;
        }
    }
    let mut block_start = true;
    let mut ignored: Option<usize> = None;
    while i < lines.len() {
        let line = lines[i];
        let number = i + 1;
        if line.is_empty() {
            block_start = true;
            i += 1;
            continue;
        }
        let at_block_start = std::mem::replace(&mut block_start, false);
        if format == Subtitles::Vtt && at_block_start && !line.contains("-->") && is_vtt_meta(line)
        {
            // NOTE, STYLE and REGION blocks run to the next blank line and hold no speech.
            while i < lines.len() && !lines[i].is_empty() {
                i += 1;
            }
            continue;
        }
        if line.contains("-->") {
            let (start, end) = parse_timing(p, number, line, format)?;
            cues.push(Cue {
                line: number,
                start,
                end,
                text: String::new(),
            });
        } else if is_cue_label(&lines, i, format, at_block_start) {
            // A cue number or identifier: not speech.
        } else if let Some(cue) = cues.last_mut() {
            if !cue.text.is_empty() {
                cue.text.push(' ');
            }
            cue.text.push_str(line);
        } else if format == Subtitles::Srt {
            return Err(ImportError::Syntax {
                path: p.to_string(),
                line: number,
                what: format!(
                    "expected an SRT cue (a number, then {}), found '{}'",
                    format.expected(),
                    snippet(line)
                ),
            });
        } else {
            // WebVTT readers skip text outside cues.
            ignored.get_or_insert(number);
        }
        i += 1;
    }
    if let Some(line) = ignored {
        notes.push(format!("ignored text before the first cue (line {line})"));
    }
    Ok((cues, notes))
}

fn is_vtt_meta(line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|kw| {
        line.strip_prefix(kw)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

/// Whether line `i` is a cue's label rather than its text: in SRT a number whose next non-blank
/// line is a timing line (blank lines between are tolerated), in WebVTT any line that opens a
/// block and is directly followed by a timing line.
fn is_cue_label(lines: &[&str], i: usize, format: Subtitles, at_block_start: bool) -> bool {
    match format {
        Subtitles::Srt => {
            is_cue_number(lines[i])
                && lines[i + 1..]
                    .iter()
                    .find(|l| !l.is_empty())
                    .is_some_and(|l| l.contains("-->"))
        }
        Subtitles::Vtt => at_block_start && lines.get(i + 1).is_some_and(|l| l.contains("-->")),
    }
}

/// `start --> end [settings]`: WebVTT cue settings ("align:start") and SRT coordinates after the
/// end time are ignored.
fn parse_timing(
    p: &str,
    line_number: usize,
    line: &str,
    format: Subtitles,
) -> Result<(f64, f64), ImportError> {
    let bad = |found: &str| ImportError::Timestamp {
        path: p.to_string(),
        line: line_number,
        format: format.name(),
        found: snippet(if found.is_empty() { line } else { found }),
        expected: format.expected(),
    };
    let (a, b) = line.split_once("-->").ok_or_else(|| bad(line))?;
    let a = a.trim();
    let b = b.split_whitespace().next().unwrap_or("");
    let start = parse_clock(a).ok_or_else(|| bad(a))?;
    let end = parse_clock(b).ok_or_else(|| bad(b))?;
    Ok((start, end))
}

/// Reads `HH:MM:SS,mmm`, `HH:MM:SS.mmm` or `MM:SS.mmm` (1 to 9 fraction digits, or none) as
/// seconds. Either separator is accepted in either format: tools mix them up.
fn parse_clock(s: &str) -> Option<f64> {
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

/// Cue text without markup: WebVTT and SRT tags (`<i>`, `<v Speaker>`, `<c.yellow>`,
/// `<00:01.500>`), SSA override codes that SRT files carry (`{\an8}`) and, in WebVTT, character
/// references (`&amp;`).
fn clean_cue_text(text: &str, format: Subtitles) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(k) = rest.find(['<', '{']) {
        out.push_str(&rest[..k]);
        let tail = &rest[k..];
        let mut chars = tail.chars();
        let open = chars.next().unwrap_or('<');
        let next = chars.next();
        let (is_tag, close) = if open == '<' {
            (next.is_some_and(|c| c.is_alphanumeric() || c == '/'), '>')
        } else {
            (next == Some('\\'), '}')
        };
        match tail.find(close) {
            Some(j) if is_tag => rest = &tail[j + 1..],
            _ => {
                out.push(open);
                rest = &tail[open.len_utf8()..];
            }
        }
    }
    out.push_str(rest);
    if format == Subtitles::Vtt {
        decode_entities(&out)
    } else {
        out
    }
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        let tail = &rest[k..];
        let known = tail
            .find(';')
            .filter(|&j| j <= 10)
            .and_then(|j| Some((entity(&tail[1..j])?, j)));
        match known {
            Some((text, j)) => {
                out.push_str(&text);
                rest = &tail[j + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text a character reference stands for (`amp`, `#233`, `#xE9`); `None` if unknown.
fn entity(name: &str) -> Option<String> {
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        // Direction marks are invisible.
        "lrm" | "rlm" => return Some(String::new()),
        _ => {
            let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => name.strip_prefix('#').and_then(|d| d.parse().ok()),
            };
            char::from_u32(code?)?
        }
    };
    Some(c.to_string())
}

// ---------------------------------------------------------------------------------------------
// Plain text

fn import_text(p: &str, text: &str, wpm: f64) -> Result<(Imported, String), ImportError> {
    if !(wpm.is_finite() && wpm > 0.0) {
        return Err(ImportError::BadRate {
            path: p.to_string(),
            wpm,
        });
    }
    let slot = 60.0 / wpm;
    let mut dropped = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let mut t = 0.0;
    // The pause owed before the next word: nothing is added after the last one.
    let mut pause = 0.0;
    for line in text.lines() {
        if line.trim().is_empty() {
            if !words.is_empty() {
                pause = f64::max(pause, PARAGRAPH_PAUSE_S);
            }
            continue;
        }
        for piece in split_words(strip_speaker_label(line), &mut dropped) {
            t += pause;
            pause = if ends_sentence(&piece) {
                SENTENCE_PAUSE_S
            } else {
                0.0
            };
            words.push(Word {
                text: piece,
                start_s: t,
                end_s: t + slot,
                p: 1.0,
            });
            t += slot;
        }
    }
    let mut notes = Vec::new();
    note_dropped(&mut notes, &dropped);
    let why = if dropped.is_empty() {
        String::new()
    } else {
        only_annotations(&dropped)
    };
    let imported = Imported {
        kind: ImportedKind::Text,
        timing: WordTiming::Estimated { wpm },
        duration_s: words.last().map_or(0.0, |w| w.end_s),
        words,
        audio_path: None,
        notes,
    };
    Ok((imported, why))
}

/// "done.", "why?", "(really!)", "“no.”": a sentence ends after this word. Abbreviations such as
/// "Mr." count too; the pause is an estimate either way.
fn ends_sentence(word: &str) -> bool {
    word.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»'])
        .ends_with(['.', '!', '?', '…'])
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/// Splits text into Whisper-style words: whitespace-separated, non-speech annotations left out,
/// and a piece that is only punctuation ("-", "…") attached to the word before it, as Whisper
/// attaches "," in "Americans,". Such a piece before any word (a dialogue dash) is layout and is
/// dropped.
fn split_words(text: &str, dropped: &mut Vec<String>) -> Vec<String> {
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
fn spread(pieces: Vec<String>, start: f64, end: f64, out: &mut Vec<Word>) {
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
fn drop_annotated<T>(
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
fn annotation_spans(s: &str) -> Vec<Range<usize>> {
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
fn check_span(
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
                "{} has a negative or invalid time ({start}, {end})",
                place()
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
fn strip_speaker_label(text: &str) -> &str {
    let t = text.trim_start();
    t.strip_prefix("(speaker ")
        .and_then(|rest| rest.split_once(')'))
        .filter(|(who, _)| *who == "?" || is_cue_number(who))
        .map_or(text, |(_, rest)| rest)
}

/// "1 cue", "3 cues".
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Why a file whose only words were annotations has none.
fn only_annotations(dropped: &[String]) -> String {
    let first = dropped.first().map_or(String::new(), |d| snippet(d));
    format!(" (only non-speech annotations such as {first})")
}

fn note_dropped(notes: &mut Vec<String>, dropped: &[String]) {
    if let Some(first) = dropped.first() {
        notes.push(format!(
            "left out {} such as {}",
            count(dropped.len(), "non-speech annotation"),
            snippet(first)
        ));
    }
}

fn note_clamped(notes: &mut Vec<String>, n: usize, what: &str) {
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
fn audio_beside(path: &Path) -> Option<String> {
    let audio = path.with_extension("");
    let is_wav = audio
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wav"));
    (is_wav && audio.is_file()).then(|| audio.display().to_string())
}

/// Seconds, for times read from JSON.
fn seconds(t: f64) -> String {
    format!("{t:.3} s")
}

/// `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT).
fn clock(t: f64, sep: char) -> String {
    let ms = (t.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}{sep}{:03}",
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        ms % 1000
    )
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Text fit for a one-line message: control characters as spaces, whitespace runs collapsed.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A short quote of input for a message.
fn snippet(s: &str) -> String {
    const MAX: usize = 40;
    let s = one_line(s);
    if s.chars().count() <= MAX {
        s
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, text: &str) -> Result<Imported, ImportError> {
        import(Path::new(name), text.as_bytes(), 150.0)
    }

    fn ok(name: &str, text: &str) -> Imported {
        match read(name, text) {
            Ok(i) => {
                well_formed(&i);
                i
            }
            Err(e) => panic!("{e}"),
        }
    }

    /// The error's message, checked to be one line.
    fn err(name: &str, text: &str) -> String {
        match read(name, text) {
            Ok(i) => panic!("expected an error, got {i:?}"),
            Err(e) => {
                let m = e.to_string();
                assert!(!m.contains('\n'), "{m}");
                assert!(m.starts_with(name), "{m}");
                m
            }
        }
    }

    fn texts(i: &Imported) -> Vec<&str> {
        i.words.iter().map(|w| w.text.as_str()).collect()
    }

    /// Sorted, non-overlapping, finite, inside the recording.
    fn well_formed(i: &Imported) {
        assert!(!i.words.is_empty());
        let mut previous_end = 0.0;
        for w in &i.words {
            assert!(w.start_s.is_finite() && w.end_s.is_finite(), "{w:?}");
            assert!(
                w.start_s >= previous_end - 1e-9,
                "{w:?} starts before {previous_end}"
            );
            assert!(w.end_s >= w.start_s, "{w:?}");
            assert!(
                w.end_s <= i.duration_s + 1e-9,
                "{w:?} after {}",
                i.duration_s
            );
            assert!(
                !w.text.is_empty() && !w.text.contains(char::is_whitespace),
                "{w:?}"
            );
            previous_end = w.end_s;
        }
    }

    /// Every word of cue `k` (by count) lies inside span `k`.
    fn inside_cues(words: &[Word], cues: &[(f64, f64, usize)]) {
        let mut it = words.iter();
        for &(a, b, n) in cues {
            for _ in 0..n {
                let w = it.next().expect("fewer words than cues hold");
                assert!(
                    w.start_s >= a - 1e-9 && w.end_s <= b + 1e-9,
                    "{w:?} outside {a}..{b}"
                );
            }
        }
        assert!(it.next().is_none(), "more words than cues hold");
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    fn transcript(schema: &str, segments: &str, words: &str, notes: &str) -> String {
        format!(
            r#"{{"schema": {schema},
  "audio": {{"path": "answer.wav", "duration_s": 3.0, "sample_rate": 16000, "channels": 1,
            "bits_per_sample": 16, "sample_format": "int"}},
  "model": {{"path": "models/ggml-tiny.en.bin", "name": "tiny.en"}},
  "settings": {{"language": "en", "prompt": null, "timestamps": "dtw", "energy_snap": true,
               "threads": 2}},
  "duration_s": 3.0, "text": "", "segments": {segments}, "words": {words}, "notes": {notes}}}"#
        )
    }

    const WORDS: &str = r#"[{"text": "So,", "start_s": 0.5, "end_s": 0.7, "p": 0.9},
        {"text": "Americans,", "start_s": 0.8, "end_s": 1.4, "p": 0.8}]"#;
    const SEGMENT: &str = r#"[{"start_s": 0.4, "end_s": 1.5, "text": "So, Americans,", "first_word": 0, "n_words": 2}]"#;

    #[test]
    fn sniffs_by_content_first_then_by_extension() {
        let t = transcript("1", SEGMENT, WORDS, "[]");
        let cases: &[(&str, &[u8], Option<ImportedKind>)] = &[
            ("a.json", t.as_bytes(), Some(ImportedKind::Transcript)),
            ("a.txt", t.as_bytes(), Some(ImportedKind::Transcript)),
            (
                "out",
                br#"{"params": {}, "transcription": []}"#,
                Some(ImportedKind::WhisperCppJson),
            ),
            (
                "a.srt",
                b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n",
                Some(ImportedKind::Vtt),
            ),
            (
                "a.txt",
                b"\n1\n00:00:01,000 --> 00:00:02,000\nhi\n",
                Some(ImportedKind::Srt),
            ),
            (
                "a",
                b"00:00:01,000 --> 00:00:02,000\nhi\n",
                Some(ImportedKind::Srt),
            ),
            // A cue without a WEBVTT header: the extension breaks the tie.
            (
                "a.vtt",
                b"00:00:01.000 --> 00:00:02.000\nhi\n",
                Some(ImportedKind::Vtt),
            ),
            ("a.srt", b"hello there", Some(ImportedKind::Srt)),
            ("a.md", b"hello there", Some(ImportedKind::Text)),
            ("notes", b"1\n2\n3\n", Some(ImportedKind::Text)),
            ("a.txt", b"[Music] so I failed", Some(ImportedKind::Text)),
            ("notes", b"[Music] so I failed", Some(ImportedKind::Text)),
            ("a.txt", b"{ not json", Some(ImportedKind::Text)),
            ("answer.wav", b"hello", Some(ImportedKind::Text)),
            ("a.wav", b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
        ];
        for (name, bytes, want) in cases {
            let got = sniff(Path::new(name), bytes).map_err(|e| e.to_string());
            assert_eq!(got, Ok(*want), "{name}: {}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn sniff_refuses_what_it_cannot_read() {
        let cases: &[(&str, &[u8], &str)] = &[
            ("a.txt", b"", "a.txt: empty file"),
            ("a.txt", b" \r\n\t\n", "a.txt: empty file"),
            ("a.txt", b"\xEF\xBB\xBF\n", "a.txt: empty file"),
            (
                "a.mp3",
                b"ID3\x04\x00\x00\x00\x00\x00#TSSE",
                "a.mp3: not a transcript or WAV (binary data)",
            ),
            (
                "a.png",
                b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                "a.png: not a transcript or WAV (binary data)",
            ),
            (
                "a.txt",
                b"caf\xe9\nna\xefve\n",
                "a.txt: line 1: not valid UTF-8 text (save the file as UTF-8)",
            ),
            (
                "a.txt",
                b"one\ntwo\nthr\xe9e\n",
                "a.txt: line 3: not valid UTF-8 text (save the file as UTF-8)",
            ),
            (
                "a.json",
                b"{\n  \"schema\": 1,\n  \"words\": [,]\n}",
                "a.json: malformed JSON at line 3 column 13: expected value",
            ),
            (
                "a.json",
                b"hello",
                "a.json: malformed JSON at line 1 column 1: expected value",
            ),
            (
                "a.json",
                b"[Music]",
                "a.json: malformed JSON at line 1 column 2: expected value",
            ),
            (
                "out",
                b"{\"a\": 1,}",
                "out: malformed JSON at line 1 column 9: trailing comma",
            ),
            (
                "a.json",
                b"{\"words\": []}",
                "a.json: JSON is neither a rehearse transcript nor whisper.cpp output",
            ),
            (
                "a.json",
                b"[1, 2]",
                "a.json: JSON is neither a rehearse transcript nor whisper.cpp output",
            ),
        ];
        for (name, bytes, want) in cases {
            let got = sniff(Path::new(name), bytes).map_err(|e| e.to_string());
            assert_eq!(got, Err(want.to_string()));
            let got = import(Path::new(name), bytes, 150.0).map_err(|e| e.to_string());
            assert_eq!(got, Err(want.to_string()));
        }
    }

    #[test]
    fn import_refuses_wav() {
        let e = import(Path::new("a.wav"), b"RIFF\x24\x00\x00\x00WAVE", 150.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.wav: WAV audio, not a transcript (transcribe it first)"
        );
    }

    #[test]
    fn reads_rehearse_transcripts() {
        let t = transcript("1", SEGMENT, WORDS, r#"["energy snap moved 1 word"]"#);
        let i = ok("answer.json", &t);
        assert_eq!(i.kind, ImportedKind::Transcript);
        assert_eq!(i.timing, WordTiming::Words);
        assert_eq!(texts(&i), ["So,", "Americans,"]);
        assert_eq!(i.words[1].start_s, 0.8);
        assert_eq!(i.words[1].p, 0.8);
        assert_eq!(i.duration_s, 3.0);
        assert_eq!(i.audio_path.as_deref(), Some("answer.wav"));
        assert_eq!(i.notes, ["energy snap moved 1 word"]);
    }

    #[test]
    fn rehearse_transcript_errors() {
        let cases = [
            (
                transcript("7", SEGMENT, WORDS, "[]"),
                "t.json: unsupported schema 7 (this rehearse reads schema 1)",
            ),
            (
                transcript("\"one\"", SEGMENT, WORDS, "[]"),
                "t.json: unsupported schema \"one\" (this rehearse reads schema 1)",
            ),
            (
                transcript("1", SEGMENT, "[]", "[]"),
                "t.json: transcript has no words (1 segment but no words)",
            ),
            (
                transcript(
                    "1",
                    "[]",
                    "[]",
                    r#"["no speech found: the audio is digital silence"]"#,
                ),
                "t.json: transcript has no words (no speech found: the audio is digital silence)",
            ),
            (
                transcript(
                    "1",
                    "[]",
                    r#"[{"text": "[BLANK_AUDIO]", "start_s": 0, "end_s": 1, "p": 1}]"#,
                    "[]",
                ),
                "t.json: transcript has no words (only non-speech annotations such as [BLANK_AUDIO])",
            ),
            (
                transcript(
                    "1",
                    SEGMENT,
                    r#"[{"text": "a", "start_s": 2.0, "end_s": 2.5, "p": 1}, {"text": "b", "start_s": 1.0, "end_s": 1.2, "p": 1}]"#,
                    "[]",
                ),
                "t.json: word 2 'b' starts at 1.000 s, 1.50 s before the previous one ends at 2.500 s (times must run forward)",
            ),
            (
                transcript(
                    "1",
                    SEGMENT,
                    r#"[{"text": "a", "start_s": 2.0, "end_s": 1.5, "p": 1}]"#,
                    "[]",
                ),
                "t.json: word 1 'a' ends at 1.500 s before it starts at 2.000 s",
            ),
            (
                transcript(
                    "1",
                    SEGMENT,
                    r#"[{"text": "a", "start_s": -1.0, "end_s": 1.5, "p": 1}]"#,
                    "[]",
                ),
                "t.json: word 1 'a' has a negative or invalid time (-1, 1.5)",
            ),
        ];
        for (json, want) in cases {
            assert_eq!(err("t.json", &json), want);
        }
        let missing = err(
            "t.json",
            &transcript("1", SEGMENT, WORDS, "[]").replace("\"model\"", "\"modl\""),
        );
        assert!(
            missing.starts_with(
                "t.json: not a valid rehearse transcript: missing field `model` at line"
            ),
            "{missing}"
        );
    }

    #[test]
    fn small_word_overlaps_are_clamped() {
        let words = r#"[{"text": "a", "start_s": 1.0, "end_s": 1.5, "p": 1},
                        {"text": "b", "start_s": 1.3, "end_s": 1.4, "p": 1}]"#;
        let i = ok("t.json", &transcript("1", SEGMENT, words, "[]"));
        assert_eq!((i.words[1].start_s, i.words[1].end_s), (1.5, 1.5));
        assert!(i.notes[0].starts_with("1 word overlapped"), "{:?}", i.notes);
    }

    const WHISPER_OJ: &str = r#"{
	"systeminfo": "AVX = 1",
	"model": {"type": "tiny", "multilingual": false, "vocab": 51864},
	"params": {"model": "models/ggml-tiny.en.bin", "language": "en", "translate": false},
	"result": {"language": "en"},
	"transcription": [
		{
			"timestamps": {"from": "00:00:00,000", "to": "00:00:02,000"},
			"offsets": {"from": 0, "to": 2000},
			"text": " And so my fellow Americans,"
		},
		{
			"timestamps": {"from": "00:00:02,500", "to": "00:00:03,500"},
			"offsets": {"from": 2500, "to": 3500},
			"text": " [BLANK_AUDIO]"
		},
		{
			"timestamps": {"from": "00:00:04,000", "to": "00:00:05,000"},
			"text": " ask not."
		}
	]
}"#;

    #[test]
    fn whisper_cpp_segments_are_spread_by_length() {
        let i = ok("jfk.wav.json", WHISPER_OJ);
        assert_eq!(i.kind, ImportedKind::WhisperCppJson);
        assert_eq!(i.timing, WordTiming::Cues);
        assert_eq!(
            texts(&i),
            ["And", "so", "my", "fellow", "Americans,", "ask", "not."]
        );
        inside_cues(&i.words, &[(0.0, 2.0, 5), (4.0, 5.0, 2)]);
        // 3 + 2 + 2 + 6 + 10 = 23 characters over 2 s.
        assert!(close(i.words[0].end_s, 2.0 * 3.0 / 23.0));
        assert!(close(i.words[4].start_s, 2.0 * 13.0 / 23.0));
        assert_eq!(i.words[4].end_s, 2.0);
        assert_eq!(i.words[4].p, 1.0);
        assert_eq!(i.duration_s, 5.0);
        // No jfk.wav beside it: no audio path is made up.
        assert_eq!(i.audio_path, None);
        assert_eq!(
            i.notes,
            ["left out 1 non-speech annotation such as [BLANK_AUDIO]"]
        );

        let translated = WHISPER_OJ.replace("\"translate\": false", "\"translate\": true");
        assert!(ok("x.json", &translated).notes[0].contains("translat"));
    }

    /// A whisper-cli -ojf token: text, times in 10 ms ticks, p, t_dtw.
    fn token(text: &str, t0: i64, t1: i64, p: f64, dtw: i64) -> String {
        format!(
            r#"{{"text": "{text}", "timestamps": {{"from": "x", "to": "x"}},
                "offsets": {{"from": {}, "to": {}}}, "id": 1, "p": {p}, "t_dtw": {dtw}}}"#,
            t0 * 10,
            t1 * 10
        )
    }

    fn ojf(segments: &[(i64, i64, Vec<String>)]) -> String {
        let segs: Vec<String> = segments
            .iter()
            .map(|(a, b, toks)| {
                format!(
                    r#"{{"offsets": {{"from": {}, "to": {}}}, "text": "", "tokens": [{}]}}"#,
                    a * 10,
                    b * 10,
                    toks.join(",")
                )
            })
            .collect();
        format!(
            r#"{{"params": {{}}, "transcription": [{}]}}"#,
            segs.join(",")
        )
    }

    #[test]
    fn whisper_cpp_tokens_become_words() {
        let json = ojf(&[
            (
                0,
                200,
                vec![
                    token("[_BEG_]", 0, 0, 0.5, -1),
                    token(" And", 10, 30, 0.9, -1),
                    token(" Amer", 40, 70, 0.8, -1),
                    token("icans", 70, 110, 0.6, -1),
                    token(",", 110, 110, 0.99, -1),
                    token(" don", 130, 150, 1.0, -1),
                    token("'t", 150, 170, 1.0, -1),
                    token(".", 170, 170, 1.0, -1),
                    token("[_TT_100]", 200, 200, 0.3, -1),
                ],
            ),
            (
                200,
                300,
                vec![
                    token(" [", 200, 210, 0.5, -1),
                    token("BL", 210, 220, 0.5, -1),
                    token("ANK", 220, 230, 0.5, -1),
                    token("_AUDIO", 230, 240, 0.5, -1),
                    token("]", 240, 250, 0.5, -1),
                    token("<|endoftext|>", 300, 300, 0.5, -1),
                ],
            ),
        ]);
        let i = ok("x.json", &json);
        assert_eq!(i.timing, WordTiming::Words);
        assert_eq!(texts(&i), ["And", "Americans,", "don't."]);
        assert!(
            close(i.words[1].start_s, 0.4) && close(i.words[1].end_s, 1.1),
            "{:?}",
            i.words[1]
        );
        assert!(
            close(f64::from(i.words[1].p), 0.7),
            "p is the mean of the word's tokens"
        );
        assert_eq!(i.duration_s, 3.0);
        assert_eq!(
            i.notes,
            ["left out 1 non-speech annotation such as [BLANK_AUDIO]"]
        );
    }

    #[test]
    fn whisper_cpp_dtw_times_are_used_when_every_token_has_one() {
        let json = ojf(&[(
            0,
            200,
            vec![token(" a", 0, 50, 1.0, 40), token(" b", 60, 100, 1.0, 90)],
        )]);
        let i = ok("x.json", &json);
        // Same rule as live transcription: a DTW time marks a token's end, less DTW_LATE_S.
        assert!(
            close(i.words[0].end_s, 0.40 - words::DTW_LATE_S),
            "{:?}",
            i.words
        );
        assert!(
            close(i.words[1].start_s, 0.40 - words::DTW_LATE_S),
            "{:?}",
            i.words
        );
        assert!(
            close(i.words[1].end_s, 0.90 - words::DTW_LATE_S),
            "{:?}",
            i.words
        );
        assert!(i.notes.iter().any(|n| n.contains("DTW")));
    }

    #[test]
    fn whisper_cpp_split_characters_and_raw_control_characters_are_repaired() {
        // Older whisper.cpp wrote half a UTF-8 character per token and never escaped control
        // characters.
        let mut bytes = ojf(&[(
            0,
            100,
            vec![
                token(" cafSPLIT1", 0, 40, 1.0, -1),
                token("SPLIT2", 40, 60, 1.0, -1),
                token(" tabTAB", 60, 90, 1.0, -1),
            ],
        )])
        .into_bytes();
        let e = "é".as_bytes();
        for (from, to) in [
            ("SPLIT1", &e[..1]),
            ("SPLIT2", &e[1..]),
            ("TAB", &b"\t"[..]),
        ] {
            let k = bytes
                .windows(from.len())
                .position(|w| w == from.as_bytes())
                .expect("marker");
            bytes.splice(k..k + from.len(), to.iter().copied());
        }
        let i = match import(Path::new("x.json"), &bytes, 150.0) {
            Ok(i) => i,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(texts(&i), ["café", "tab"]);
    }

    #[test]
    fn whisper_cpp_errors() {
        let no_times = r#"{"transcription": [{"text": " hi"}]}"#;
        assert_eq!(
            err("x.json", no_times),
            "x.json: segment 1 has no \"offsets\" or readable \"timestamps\""
        );
        assert_eq!(
            err("x.json", r#"{"transcription": []}"#),
            "x.json: transcript has no words (no segments)"
        );
        let only_special = ojf(&[(0, 100, vec![token("[_BEG_]", 0, 0, 1.0, -1)])]);
        assert_eq!(
            err("x.json", &only_special),
            "x.json: transcript has no words (1 segment but none has words)"
        );
        let backwards = r#"{"transcription": [
            {"offsets": {"from": 5000, "to": 6000}, "text": " a"},
            {"offsets": {"from": 1000, "to": 2000}, "text": " b"}]}"#;
        assert_eq!(
            err("x.json", backwards),
            "x.json: segment 2 starts at 1.000 s, 5.00 s before the previous one ends at 6.000 s (times must run forward)"
        );
        let bad_type = r#"{"transcription": [{"offsets": {"from": "0", "to": 1}, "text": " a"}]}"#;
        assert!(
            err("x.json", bad_type).starts_with("x.json: not valid whisper.cpp JSON: invalid type"),
        );
    }

    #[test]
    fn reads_srt_as_written_by_hand() {
        // BOM, CRLF, a missing cue number, doubled blank lines, a blank line between number and
        // timing, tags, a two-line cue, and a cue text line after a stray blank line.
        let srt = "\u{feff}1\r\n00:00:01,000 --> 00:00:03,000\r\n<i>So, um,</i> I\r\n{\\an8}failed\r\n\r\n\r\n\
                   00:00:03,500 --> 00:00:05,000 X1:10 X2:20\r\nbadly - really\r\n\r\n\
                   3\r\n\r\n00:00:06,000 --> 00:00:08,000\r\n- Then I\r\n\r\nlearned.\r\n";
        let i = ok("a.srt", srt);
        assert_eq!(i.kind, ImportedKind::Srt);
        assert_eq!(i.timing, WordTiming::Cues);
        assert_eq!(
            texts(&i),
            [
                "So,", "um,", "I", "failed", "badly-", "really", "Then", "I", "learned."
            ]
        );
        inside_cues(&i.words, &[(1.0, 3.0, 4), (3.5, 5.0, 2), (6.0, 8.0, 3)]);
        assert_eq!(i.duration_s, 8.0);
    }

    #[test]
    fn srt_errors() {
        let bad = "1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:03,000 --> 00:00:04,000\n\
                   there\n\n3\n00:00:0x,000 --> 00:00:05,000\nyou\n";
        assert_eq!(
            err("a.srt", &bad.replace("\n3\n", "\n")),
            "a.srt: line 9: bad SRT timestamp '00:00:0x,000' (expected HH:MM:SS,mmm --> HH:MM:SS,mmm)"
        );
        let cases = [
            (
                "1\n00:00:01,000 --> 00:00:02,00x\nhi\n",
                "a.srt: line 2: bad SRT timestamp '00:00:02,00x' (expected HH:MM:SS,mmm --> HH:MM:SS,mmm)",
            ),
            (
                "1\n00:00:01,000 -->\nhi\n",
                "a.srt: line 2: bad SRT timestamp '00:00:01,000 -->' (expected HH:MM:SS,mmm --> HH:MM:SS,mmm)",
            ),
            (
                "1\n00:00:01,000 --> 00:00:61,000\nhi\n",
                "a.srt: line 2: bad SRT timestamp '00:00:61,000' (expected HH:MM:SS,mmm --> HH:MM:SS,mmm)",
            ),
            (
                "1\n00:00:05,000 --> 00:00:04,000\nhi\n",
                "a.srt: line 2: cue ends at 00:00:04,000 before it starts at 00:00:05,000",
            ),
            (
                "1\n00:00:05,000 --> 00:00:08,000\nhi\n\n2\n00:00:02,000 --> 00:00:03,000\nyou\n",
                "a.srt: line 6: cue starts at 00:00:02,000, 6.00 s before the previous one ends at 00:00:08,000 (times must run forward)",
            ),
            (
                "hello\n1\n00:00:01,000 --> 00:00:02,000\nhi\n",
                "a.srt: line 1: expected an SRT cue (a number, then HH:MM:SS,mmm --> HH:MM:SS,mmm), found 'hello'",
            ),
            (
                "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\n<i></i>\n",
                "a.srt: transcript has no words (2 cues but none has text)",
            ),
            (
                "1\n00:00:01,000 --> 00:00:02,000\n[MUSIC PLAYING]\n",
                "a.srt: transcript has no words (only non-speech annotations such as [MUSIC PLAYING])",
            ),
        ];
        for (srt, want) in cases {
            assert_eq!(err("a.srt", srt), want);
        }
    }

    #[test]
    fn whisper_cli_speaker_labels_are_not_words() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\n(speaker 0) Hello there\n\n\
                   2\n00:00:02,000 --> 00:00:03,000\n(speaker ?) (speaker notes) [SPEAKER_TURN]\n";
        let i = ok("a.srt", srt);
        assert_eq!(texts(&i), ["Hello", "there", "(speaker", "notes)"]);
        let txt = ok("a.txt", "(speaker 1) I failed.\n");
        assert_eq!(texts(&txt), ["I", "failed."]);
    }

    #[test]
    fn small_cue_overlaps_are_clamped() {
        let srt = "1\n00:00:01,000 --> 00:00:03,000\nfirst cue\n\n2\n00:00:02,800 --> 00:00:04,000\nsecond\n";
        let i = ok("a.srt", srt);
        inside_cues(&i.words, &[(1.0, 3.0, 2), (3.0, 4.0, 1)]);
        assert_eq!(i.words[2].start_s, 3.0);
        assert_eq!(i.notes.len(), 1, "{:?}", i.notes);
    }

    #[test]
    fn reads_webvtt_with_everything_a_file_may_hold() {
        let vtt = "WEBVTT - practice\nKind: captions\nLanguage: en\n\n\
                   NOTE this is a comment\nthat runs on\n\n\
                   STYLE\n::cue { color: yellow }\n\n\
                   REGION\nid:fred width:40%\n\n\
                   intro\n00:01.000 --> 00:03.000 align:start position:10%\n<v Roger Bingham>We, Q&amp;A, they</v>\n\n\
                   00:03.500 --> 00:05.000\n<c.yellow>tried</c> <00:04.000><b>again</b>&nbsp;&lt;3\n\n\
                   NOTE dropped too\n\n\
                   2\n01:00:00.000 --> 01:00:02.000\n&#233;t&#xE9; no&lrm;w\n";
        let i = ok("a.vtt", vtt);
        assert_eq!(i.kind, ImportedKind::Vtt);
        assert_eq!(
            texts(&i),
            ["We,", "Q&A,", "they", "tried", "again", "<3", "été", "now"]
        );
        inside_cues(
            &i.words,
            &[(1.0, 3.0, 3), (3.5, 5.0, 3), (3600.0, 3602.0, 2)],
        );
    }

    #[test]
    fn webvtt_errors() {
        assert_eq!(
            err("a.vtt", "WEBVTT\n\n00:01.000 --> 00:0x.000\nhi\n"),
            "a.vtt: line 3: bad WebVTT timestamp '00:0x.000' (expected [HH:]MM:SS.mmm --> [HH:]MM:SS.mmm)"
        );
        assert_eq!(
            err("a.vtt", "WEBVTT\n\nNOTE only a note\n"),
            "a.vtt: transcript has no words (no cues found; expected cues timed like [HH:]MM:SS.mmm --> [HH:]MM:SS.mmm)"
        );
        let stray = ok(
            "a.vtt",
            "WEBVTT\n\nstray words\n\n00:01.000 --> 00:02.000\nhi\n",
        );
        assert_eq!(texts(&stray), ["hi"]);
        assert_eq!(stray.notes, ["ignored text before the first cue (line 3)"]);
    }

    #[test]
    fn plain_text_gets_estimated_times() {
        let text = "I failed. Badly!\nThen\n\n\n\"I learned.\" (Really.)\n";
        let i = match import(Path::new("a.txt"), text.as_bytes(), 120.0) {
            Ok(i) => i,
            Err(e) => panic!("{e}"),
        };
        well_formed(&i);
        assert_eq!(i.kind, ImportedKind::Text);
        assert_eq!(i.timing, WordTiming::Estimated { wpm: 120.0 });
        assert_eq!(
            texts(&i),
            [
                "I",
                "failed.",
                "Badly!",
                "Then",
                "\"I",
                "learned.\"",
                "(Really.)"
            ]
        );
        let starts: Vec<f64> = i.words.iter().map(|w| w.start_s).collect();
        // 0.5 s a word at 120 wpm; a sentence pause after "failed." and "Badly!", a paragraph
        // pause (not both) after "Then", another sentence pause after "learned.\"".
        let s = SENTENCE_PAUSE_S;
        let want = [
            0.0,
            0.5,
            1.0 + s,
            1.5 + 2.0 * s,
            2.0 + 2.0 * s + PARAGRAPH_PAUSE_S,
            2.5 + 2.0 * s + PARAGRAPH_PAUSE_S,
            3.0 + 3.0 * s + PARAGRAPH_PAUSE_S,
        ];
        for (got, want) in starts.iter().zip(want) {
            assert!(close(*got, want), "{starts:?}");
        }
        assert!(close(i.duration_s, 3.5 + 3.0 * s + PARAGRAPH_PAUSE_S));
        assert!(
            i.words
                .iter()
                .all(|w| close(w.end_s - w.start_s, 0.5) && w.p == 1.0)
        );
    }

    #[test]
    fn plain_text_errors() {
        for wpm in [0.0, -5.0, f64::NAN, f64::INFINITY] {
            let e = import(Path::new("a.txt"), b"hello", wpm)
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with("a.txt: plain text needs a speaking rate above 0"),
                "{e}"
            );
        }
        assert_eq!(
            err("a.txt", "[BLANK_AUDIO]\n"),
            "a.txt: transcript has no words (only non-speech annotations such as [BLANK_AUDIO])"
        );
    }

    #[test]
    fn utf16_files_are_decoded() {
        let text = "1\r\n00:00:01,000 --> 00:00:02,000\r\nnaïve\r\n";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        for bytes in [le, be] {
            let i = import(Path::new("a.srt"), &bytes, 150.0).map_err(|e| e.to_string());
            assert_eq!(i.map(|i| i.words[0].text.clone()), Ok("naïve".to_string()));
        }
    }

    #[test]
    fn clocks_parse_in_every_written_form() {
        let cases = [
            ("00:00:01,000", Some(1.0)),
            ("01:02:03.456", Some(3723.456)),
            ("02:03.5", Some(123.5)),
            ("123:00:00,000", Some(442_800.0)),
            ("00:00:07", Some(7.0)),
            ("00:00:07,", None),
            ("00:60:00,000", None),
            ("1:2:3:4", None),
            ("00:00:0x,000", None),
            ("-0:00:01,000", None),
            ("", None),
        ];
        for (s, want) in cases {
            let got = parse_clock(s);
            assert!(
                match (got, want) {
                    (Some(a), Some(b)) => close(a, b),
                    (a, b) => a == b,
                },
                "{s}: {got:?}"
            );
        }
    }

    #[test]
    fn audio_beside_the_transcript_is_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        let srt = dir.path().join("answer.wav.srt");
        let i = import(&srt, b"1\n00:00:01,000 --> 00:00:02,000\nhi\n", 150.0).expect("srt");
        assert_eq!(i.audio_path, None);
        std::fs::write(dir.path().join("answer.wav"), b"RIFF").expect("write");
        let i = import(&srt, b"1\n00:00:01,000 --> 00:00:02,000\nhi\n", 150.0).expect("srt");
        let want = dir.path().join("answer.wav").display().to_string();
        assert_eq!(i.audio_path.as_deref(), Some(want.as_str()));
        assert_eq!(i.notes.len(), 1);
    }

    fn fixture(name: &str) -> Imported {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/transcripts")
            .join(name);
        let bytes = std::fs::read(&path).expect("fixture");
        match import(&path, &bytes, 150.0) {
            Ok(i) => {
                well_formed(&i);
                i
            }
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn fixtures_agree_on_the_words() {
        let srt = fixture("answer.srt");
        let vtt = fixture("answer.vtt");
        let json = fixture("answer.whisper.json");
        let txt = fixture("answer.txt");
        assert_eq!(
            (srt.kind, vtt.kind, json.kind, txt.kind),
            (
                ImportedKind::Srt,
                ImportedKind::Vtt,
                ImportedKind::WhisperCppJson,
                ImportedKind::Text
            )
        );
        assert_eq!(json.timing, WordTiming::Words);
        assert_eq!(texts(&srt)[..3], ["In", "my", "second"]);
        assert_eq!(texts(&srt), texts(&vtt));
        assert_eq!(texts(&srt), texts(&json));
        assert_eq!(texts(&srt), texts(&txt));
        assert!(texts(&json).contains(&"hadn't"));
        assert_eq!(srt.words, vtt.words, "same cue times, so the same spread");
        // Word times from tokens differ from the spread, but both lie within the same segments.
        for (a, b) in srt.words.iter().zip(&json.words) {
            assert!((a.start_s - b.start_s).abs() < 1.5, "{a:?} vs {b:?}");
        }
        assert!(close(srt.duration_s, 50.71) && close(json.duration_s, 50.71));
        // About 150 words a minute, so the estimate for the text lands near the recording.
        assert!((txt.duration_s - 50.71).abs() < 10.0, "{}", txt.duration_s);
        assert!(json.notes.is_empty() && srt.notes.is_empty() && vtt.notes.is_empty());
    }
}
