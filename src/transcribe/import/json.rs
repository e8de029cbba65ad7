//! Lenient JSON parsing: whisper.cpp writes its JSON by hand, and some of its files are not
//! strict JSON; they are repaired only when the strict parse fails.

use serde_json::Value;

use super::types::ImportError;

/// Parses JSON, tolerating two flaws of whisper.cpp's hand-written JSON: it escapes only `"` and
/// `\`, so a token holding a control character breaks strict parsers, and before whisper.cpp
/// merged split characters (its issue #1798) a token could hold half of a multi-byte UTF-8
/// character. Such files are repaired (see [`repair_json`]) only when the strict parse fails, so
/// errors in other files keep their exact line and column.
pub(super) fn parse_json(bytes: &[u8]) -> Result<(String, Value), serde_json::Error> {
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
pub(super) const MASK_BASE: u32 = 0x10_FF00;

/// Makes whisper.cpp's JSON strict: raw control characters inside strings become `\u00XX`
/// escapes, and bytes that are not UTF-8 become private-use characters that [`unmask`] turns back
/// into the same bytes, so split characters can be joined again when tokens are merged.
pub(super) fn repair_json(bytes: &[u8]) -> String {
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
pub(super) fn unmask(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match (c as u32).checked_sub(MASK_BASE) {
            Some(b) if b < 0x100 => out.push(b as u8),
            _ => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    out
}

pub(super) fn unmask_text(s: &str) -> String {
    String::from_utf8_lossy(&unmask(s)).into_owned()
}

pub(super) fn json_error(path: String, e: &serde_json::Error) -> ImportError {
    // serde_json ends its message with " at line L column C"; that goes in its own fields.
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = crate::quote::short_message(full.strip_suffix(&suffix).unwrap_or(&full));
    ImportError::Json {
        path,
        line: e.line(),
        column: e.column(),
        message,
    }
}
