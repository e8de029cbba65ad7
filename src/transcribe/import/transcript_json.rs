//! rehearse's own transcript JSON (`rehearse transcribe -f json`): words with their times, read
//! back as they were written.

use serde_json::Value;

use super::json::unmask_text;
use super::shared::{
    check_span, count, drop_annotated, note_clamped, note_dropped, one_line, only_annotations,
    seconds, snippet,
};
use super::types::{ImportError, Imported, ImportedKind, WordTiming};
use crate::transcribe::{TRANSCRIPT_SCHEMA, Transcript};

pub(super) fn import_transcript(
    p: &str,
    text: &str,
    value: &Value,
) -> Result<(Imported, String), ImportError> {
    let schema = value.get("schema").unwrap_or(&Value::Null);
    if schema.as_u64() != Some(u64::from(TRANSCRIPT_SCHEMA)) {
        let found = match schema {
            // "1" for 1: the right version written as a string, which is a typo to point at.
            Value::String(s) if s.trim() == TRANSCRIPT_SCHEMA.to_string() => format!(
                "\"schema\" is the string {}; write the number {TRANSCRIPT_SCHEMA}, without quotes",
                snippet(&schema.to_string())
            ),
            Value::Number(_) => format!("schema {}", snippet(&schema.to_string())),
            _ => format!(
                "\"schema\" is {}, not a version number",
                snippet(&schema.to_string())
            ),
        };
        return Err(ImportError::Schema {
            path: p.to_string(),
            found,
        });
    }
    let t: Transcript = serde_json::from_str(text).map_err(|e| ImportError::Invalid {
        path: p.to_string(),
        what: format!(
            "not a valid rehearse transcript: {}",
            crate::quote::short_message(&e.to_string())
        ),
    })?;
    // Notes come from the file: each is shown on one line of a report or of stderr, so a note
    // that holds newlines, control characters or a megabyte of text is flattened and cut
    // (found by the transcript_json fuzz target).
    let mut notes: Vec<String> = t
        .notes
        .iter()
        .map(|n| crate::quote::short_message(n))
        .filter(|n| !n.is_empty())
        .collect();
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
