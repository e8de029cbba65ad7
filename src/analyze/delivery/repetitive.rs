//! `repetitive`: the same opening or crutch word again and again.
//!
//! **What it flags.** One opening ("So ...", "And then ...") starting at least
//! `delivery.opening_min_count` (4) sentences and `opening_min_share` (30%) of them, or a crutch
//! word ("really", "basically") used at least `crutch_min_count` (5) times and
//! `crutch_min_per_min` (2) times a minute. Works on transcripts too: it needs only the words.
//!
//! **Why an interviewer cares.** A repeated opening turns an answer into a list read aloud, and
//! a crutch word repeated loses its force and starts to be all the listener hears.
//!
//! **Fires on.** "So we ... So I ... So the ... So then ..." through an answer.
//!
//! **Stays quiet on.** Openings and intensifiers used now and then.
//!
//! **Source.** PowerPoint Speaker Coach flags repetitive language the same way; the counts are
//! ours (`data/lexicon.toml`, `[delivery]`).

use super::super::types::{Analysis, Severity, Signal};
use super::evidence::quote;

pub fn check(a: &Analysis) -> Vec<Signal> {
    let d = &a.delivery;
    let t = &d.thresholds;
    let r = &d.repetition;
    let minutes = (a.overall.answer_s / 60.0).max(0.25);
    let openings: Vec<_> = r
        .openings
        .iter()
        .filter(|o| {
            o.sentences.len() >= t.opening_min_count
                && o.sentences.len() as f64 >= t.opening_min_share * r.sentences as f64
        })
        .collect();
    let crutches: Vec<_> = r
        .crutch_words
        .iter()
        .filter(|w| {
            w.count >= t.crutch_min_count && w.count as f64 / minutes >= t.crutch_min_per_min
        })
        .collect();
    if openings.is_empty() && crutches.is_empty() {
        return Vec::new();
    }
    let mut what: Vec<String> = openings
        .iter()
        .map(|o| {
            format!(
                "\"{}\" starts {} of {} sentences",
                capitalize(&o.text),
                o.sentences.len(),
                r.sentences
            )
        })
        .collect();
    what.extend(
        crutches
            .iter()
            .map(|w| format!("\"{}\" {} times", w.text, w.count)),
    );
    let mut evidence: Vec<String> = Vec::new();
    if let Some(o) = openings.first() {
        for &k in o.sentences.iter().take(3) {
            let s = &a.sentences[k];
            evidence.push(quote(a, s.first_word, s.first_word + s.n_words.min(5), 5));
        }
    }
    if let Some(w) = crutches.first() {
        evidence.push(quote(
            a,
            w.first_word,
            (w.first_word + 4).min(a.words.len()),
            4,
        ));
    }
    let at_s = openings
        .first()
        .map(|o| a.sentences[o.sentences[0]].start_s)
        .or_else(|| crutches.first().map(|w| a.words[w.first_word].start_s));
    vec![Signal {
        id: "repetitive".into(),
        severity: Severity::Warn,
        message: format!(
            "Repetitive: {}; vary how you start sentences and let the plain words do the work",
            what.join(", ")
        ),
        evidence: evidence.join("; "),
        at_s,
    }]
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::test_analysis;
    use super::check;

    #[test]
    fn fires_on_a_repeated_opening() {
        let a = test_analysis(
            "So we had a launch. So the launch slipped. Um, so I called the client. So then we \
             replanned. We shipped a week late. So that was it.",
            None,
        );
        let s = check(&a);
        assert_eq!(s.len(), 1);
        assert!(
            s[0].message
                .starts_with("Repetitive: \"So\" starts 5 of 6 sentences"),
            "{}",
            s[0].message
        );
        assert!(
            s[0].evidence.starts_with("\"So we had a launch.\" at 0:01"),
            "{}",
            s[0].evidence
        );
    }

    #[test]
    fn fires_on_a_leaned_on_crutch_word() {
        let a = test_analysis(
            "It was basically a rewrite. We basically had to stop. Basically nobody knew. The \
             client was basically fine. I basically learned to plan.",
            None,
        );
        let s = check(&a);
        assert_eq!(s.len(), 1, "{:?}", a.delivery.repetition);
        assert!(
            s[0].message.contains("\"basically\" 5 times"),
            "{}",
            s[0].message
        );
    }

    #[test]
    fn stays_quiet_on_varied_openings_and_occasional_intensifiers() {
        let a = test_analysis(
            "So we had a launch. The launch slipped. I called the client, who was really \
             upset. Then we replanned. We shipped a week late. So that was it. I really learned \
             to plan.",
            None,
        );
        assert!(check(&a).is_empty(), "{:?}", a.delivery.repetition);
    }
}
