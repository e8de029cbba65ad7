//! Telling the kinds of transcript apart: by content first (JSON keys, a `WEBVTT` header, an
//! SRT cue at the top), then by extension; binary data, empty files and text that is not UTF-8
//! are refused here.

use std::borrow::Cow;
use std::path::Path;

use serde_json::Value;

use super::json::{json_error, parse_json};
use super::shared::{has_webvtt_header, is_cue_number, is_timing_line, shown};
use super::types::{ImportError, ImportedKind};

/// How much of the file is looked at to tell text from binary data.
pub(super) const SNIFF_BYTES: usize = 8192;

/// A file after sniffing, decoded as far as sniffing needed.
pub(super) enum Content {
    /// Audio of any format the decoder recognises.
    Audio,
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

pub(super) fn classify(path: &Path, bytes: &[u8]) -> Result<Content, ImportError> {
    let p = shown(path);
    if crate::audio::sniff::sniff(bytes).is_some() {
        return Ok(Content::Audio);
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
pub(super) fn decode_bom(bytes: &[u8]) -> Cow<'_, [u8]> {
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
pub(super) fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
        .count();
    head.contains(&0) || control * 50 > head.len()
}

/// Whether the first cue of an SRT file is at the top: a timing line, or a cue number and then
/// a timing line.
pub(super) fn starts_like_subtitles(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    match lines.next() {
        Some(first) if is_timing_line(first) => true,
        Some(first) if is_cue_number(first) => lines.next().is_some_and(is_timing_line),
        _ => false,
    }
}

pub(super) fn json_kind(value: &Value) -> Option<ImportedKind> {
    let obj = value.as_object()?;
    if obj.contains_key("schema") && (obj.contains_key("words") || obj.contains_key("segments")) {
        Some(ImportedKind::Transcript)
    } else if obj.get("transcription").is_some_and(Value::is_array) {
        Some(ImportedKind::WhisperCppJson)
    } else {
        None
    }
}
