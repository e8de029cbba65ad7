//! `no-closing-question`: the long form does not end by turning to the interviewer.
//!
//! ## What it flags
//! For frameworks that end with a question (star-long's connection), neither of the last two
//! sentences is a question: one that ends in "?" or opens like one ("I'm curious", "how does
//! your team"; Whisper often ends a spoken question with a full stop).
//!
//! ## Why an interviewer cares
//! Seed 004's model answer ends by asking how the company handles the same tension: it turns a
//! monologue into a conversation and shows interest in the team.
//!
//! ## Fires on
//! "...and that's why I think it's relevant here."
//!
//! ## Stays quiet on
//! "...How do teams here balance speed with reliability?"
//!
//! ## Source
//! Seed 004 ("Turns to question").

use super::common::{Cx, Severity, Signal};
use crate::analyze::sentences::normalize;

/// Phrases that make a closing sentence a question to the interviewer.
const QUESTION_OPENERS: &[&str] = &[
    " i'm curious ",
    " i'd be curious ",
    " i'd love to hear ",
    " i'd love to know ",
    " how does your ",
    " how do you ",
    " how do teams ",
    " how does the team ",
    " what does your ",
    " what do you ",
    " can you tell me ",
    " could you tell me ",
    " i wonder how ",
];

/// Lowercase words separated by single spaces, punctuation dropped.
fn normalize_phrase(text: &str) -> String {
    text.split_whitespace()
        .map(normalize)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    if !cx.fw.ends_with_question {
        return Vec::new();
    }
    let a = cx.a;
    let ends_with_q = a.sentences.iter().rev().take(2).any(|s| {
        let t = format!(" {} ", normalize_phrase(&s.text));
        s.text.trim_end().ends_with('?') || QUESTION_OPENERS.iter().any(|q| t.contains(q))
    });
    if ends_with_q {
        return Vec::new();
    }
    vec![cx.signal(
        "no-closing-question",
        Severity::Info,
        "End by asking the interviewer something about how their team handles this".into(),
        format!(
            "last sentence: \"{}\"",
            a.sentences.last().map_or("", |s| s.text.as_str())
        ),
        None,
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_quiet, ids};
    use super::*;

    #[test]
    fn fires_without_a_closing_question() {
        let got = ids(
            check,
            "star-long",
            "I led a rollout that failed. That's why I think it's relevant here.",
        );
        assert_eq!(got, vec!["no-closing-question"]);
    }

    #[test]
    fn quiet_with_one_even_without_a_question_mark() {
        assert_quiet(
            check,
            "star-long",
            [
                "I led a rollout that failed. How do teams here balance speed with reliability?",
                "I led a rollout that failed. I'm curious how your team pilots changes like that.",
            ],
        );
        // Only the long form is judged on it.
        assert!(ids(check, "star-l", "I led a rollout. It failed.").is_empty());
    }
}
