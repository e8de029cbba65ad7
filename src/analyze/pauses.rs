//! Pauses: silences of a second or more inside the answer, from word timing, confirmed and
//! trimmed by the audio's energy when the audio is at hand.

use super::types::{Pause, PauseLocation, Sentence};
use crate::transcribe::Word;

/// Shortest silence reported as a pause.
pub const MIN_PAUSE_S: f64 = 1.0;

/// Finds the pauses between consecutive words.
///
/// With `speech` (stretches of sound from the audio's energy), a gap between words counts only
/// for the part of it that is really quiet: Whisper sometimes leaves a quiet word out or
/// mis-times one, and a listener does not hear a pause where there is sound.
pub fn find(words: &[Word], sentences: &[Sentence], speech: Option<&[(f64, f64)]>) -> Vec<Pause> {
    let mut sentence_of = vec![0usize; words.len()];
    for (i, s) in sentences.iter().enumerate() {
        for w in &mut sentence_of[s.first_word..s.first_word + s.n_words] {
            *w = i;
        }
    }
    // A word with no sound under it at all is one Whisper placed inside a silence (it slips
    // a sentence's last word into the pause after it): the silence runs past it, and a listener
    // hears one pause where the word times show two shorter ones.
    let sounding: Vec<usize> = (0..words.len())
        .filter(|&i| speech.is_none_or(|sp| has_sound(words[i].start_s, words[i].end_s, sp)))
        .collect();
    let mut out = Vec::new();
    for pair in sounding.windows(2) {
        let (prev, i) = (pair[0], pair[1]);
        let (a, b) = (words[prev].end_s, words[i].start_s);
        if b - a < MIN_PAUSE_S {
            continue;
        }
        let (start_s, end_s, audio_confirmed) = match speech {
            None => (a, b, None),
            Some(sp) => match longest_quiet(a, b, sp) {
                Some((qa, qb)) if qb - qa >= MIN_PAUSE_S => (qa, qb, Some(true)),
                _ => continue,
            },
        };
        let (sa, sb) = (sentence_of[i - 1], sentence_of[i]);
        let location = if sa == sb {
            PauseLocation::MidSentence
        } else if sentences[sa].section != sentences[sb].section {
            PauseLocation::BetweenSections
        } else {
            PauseLocation::BetweenSentences
        };
        out.push(Pause {
            start_s: round_ms(start_s),
            end_s: round_ms(end_s),
            duration_s: round_ms(end_s - start_s),
            location,
            // The word just before the next one heard, so that the pause sits between it and
            // that word in the transcript (the soundless word is the last one before the silence).
            after_word: i - 1,
            audio_confirmed,
        });
    }
    out
}

/// Whether any speech run overlaps `(a, b)`.
fn has_sound(a: f64, b: f64, speech: &[(f64, f64)]) -> bool {
    let first = speech.partition_point(|&(_, e)| e <= a);
    speech.get(first).is_some_and(|&(s, _)| s < b)
}

/// The longest stretch of `[a, b)` not covered by any speech run.
fn longest_quiet(a: f64, b: f64, speech: &[(f64, f64)]) -> Option<(f64, f64)> {
    let mut best: Option<(f64, f64)> = None;
    let mut cursor = a;
    let first = speech.partition_point(|&(_, e)| e <= a);
    for &(s, e) in &speech[first..] {
        if s >= b {
            break;
        }
        if s > cursor && best.is_none_or(|(x, y)| s - cursor > y - x) {
            best = Some((cursor, s));
        }
        cursor = cursor.max(e);
    }
    if b > cursor && best.is_none_or(|(x, y)| b - cursor > y - x) {
        best = Some((cursor, b));
    }
    best
}

fn round_ms(t: f64) -> f64 {
    (t * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str, a: f64, b: f64) -> Word {
        Word {
            text: text.into(),
            start_s: a,
            end_s: b,
            p: 1.0,
        }
    }

    fn sentence(first: usize, n: usize, section: &str) -> Sentence {
        Sentence {
            start_s: 0.0,
            end_s: 0.0,
            first_word: first,
            n_words: n,
            text: String::new(),
            section: section.into(),
            evidence: String::new(),
            confidence: None,
            uncertain: false,
        }
    }

    #[test]
    fn gaps_become_pauses_with_their_place() {
        let words = vec![
            w("One", 0.0, 0.5),
            w("two.", 2.0, 2.5),
            w("Three", 2.6, 3.0),
            w("four.", 5.0, 5.5),
        ];
        let s = vec![sentence(0, 2, "a"), sentence(2, 2, "b")];
        let p = find(&words, &s, None);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].location, PauseLocation::MidSentence);
        assert!((p[0].duration_s - 1.5).abs() < 1e-9);
        assert_eq!(p[1].location, PauseLocation::MidSentence);
        let s = vec![
            sentence(0, 1, "a"),
            sentence(1, 2, "a"),
            sentence(3, 1, "b"),
        ];
        let p = find(&words, &s, None);
        assert_eq!(p[0].location, PauseLocation::BetweenSentences);
        assert_eq!(p[1].location, PauseLocation::BetweenSections);
    }

    #[test]
    fn audio_energy_trims_and_drops() {
        let words = vec![w("One", 0.0, 0.5), w("two", 2.5, 3.0)];
        let s = vec![sentence(0, 2, "a")];
        // A sound at 1.0-1.2 s Whisper did not write down: the quiet part left is 1.3 s.
        let p = find(&words, &s, Some(&[(0.0, 0.5), (1.0, 1.2), (2.5, 3.0)]));
        assert_eq!(p.len(), 1);
        assert!((p[0].start_s - 1.2).abs() < 1e-9 && (p[0].end_s - 2.5).abs() < 1e-9);
        // A word with no sound under it, placed inside the silence, does not split the pause.
        let words3 = vec![
            w("went", 27.0, 28.9),
            w("down.", 29.8, 30.1),
            w("We", 31.7, 32.0),
        ];
        let s3 = vec![sentence(0, 2, "a"), sentence(2, 1, "b")];
        let p = find(&words3, &s3, Some(&[(27.0, 28.9), (31.7, 32.0)]));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!((p[0].duration_s - 2.8).abs() < 1e-9, "{p:?}");
        assert_eq!(p[0].after_word, 1);
        // Without the audio the word times are all there is: two shorter gaps.
        let p = find(&words3, &s3, None);
        assert!(p.iter().all(|x| x.duration_s < 2.0), "{p:?}");
        // Sound all through the gap: no pause a listener would hear.
        let p = find(&words, &s, Some(&[(0.0, 3.0)]));
        assert!(p.is_empty());
    }
}
