//! What the benches share: the bundled sample answer's words laid out to any length, and an
//! analysis input made of them. (Each bench uses what it needs of this.)
#![allow(dead_code)]

use rehearse::analyze::{AnalysisInput, InputKind};
use rehearse::transcribe::Word;

/// Words of the bundled sample answer, placed at 150 wpm with a 0.6 s pause after each
/// sentence, repeated until the answer lasts `seconds`.
pub fn answer(seconds: f64) -> Vec<Word> {
    let text = include_str!("../../samples/failure-star.txt");
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut words = Vec::new();
    let mut t = 0.3;
    'outer: loop {
        for tok in &tokens {
            if t >= seconds {
                break 'outer;
            }
            words.push(Word {
                text: (*tok).to_string(),
                start_s: t,
                end_s: t + 0.3,
                p: 0.9,
            });
            t += 0.4;
            if tok.ends_with(['.', '?', '!']) {
                t += 0.6;
            }
        }
    }
    words
}

pub fn input(words: Vec<Word>) -> AnalysisInput {
    let duration_s = words.last().map_or(0.0, |w| w.end_s + 0.5);
    AnalysisInput::words("bench", InputKind::Transcript, words, duration_s)
}
