//! Plain text: no times at all, so words are placed at a stated speaking rate with a pause at
//! each sentence and paragraph break.

use super::shared::{note_dropped, only_annotations, split_words, strip_speaker_label};
use super::types::{ImportError, Imported, ImportedKind, WordTiming};
use crate::transcribe::Word;

/// Pause assumed after a sentence in plain text, seconds. Read-aloud and interview speech pauses
/// roughly 0.3 to 0.6 s between sentences; 0.4 s keeps the estimate near the stated rate while
/// still letting later stages see where sentences end.
pub const SENTENCE_PAUSE_S: f64 = 0.4;

/// Pause assumed at a paragraph break (a blank line) in plain text, seconds: moving on to the next
/// part of an answer takes longer than a sentence break.
pub const PARAGRAPH_PAUSE_S: f64 = 1.0;

pub(super) fn import_text(
    p: &str,
    text: &str,
    wpm: f64,
) -> Result<(Imported, String), ImportError> {
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
pub(super) fn ends_sentence(word: &str) -> bool {
    word.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»'])
        .ends_with(['.', '!', '?', '…'])
}
