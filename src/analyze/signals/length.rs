//! `too-short` and `too-long`: the whole answer against the expected length.
//!
//! ## What they flag
//! An answer under `too_short_s` (45 s) from first to last word, or, for frameworks that judge
//! it, over `too_long_s` (3 minutes).
//!
//! ## Why an interviewer cares
//! Under 45 seconds there is no room for a real story and a lesson; over three minutes the
//! interviewer stops listening (seed 001: "Be concise (1-2 minutes)"). The long form (star-long)
//! is meant to run long and is not judged.
//!
//! ## Fires on
//! A 30-second answer that names the failure and one lesson.
//!
//! ## Stays quiet on
//! A 90-second answer.
//!
//! ## Source
//! Seed 001.

use super::common::{Cx, Severity, Signal, clock};

pub(super) fn too_short(cx: &Cx) -> Vec<Signal> {
    let (a, fw) = (cx.a, cx.fw);
    // A framework made for short answers (a follow-up) is judged by its own band.
    if a.overall.answer_s >= cx.settings.too_short_s.min(fw.overall.min_s) {
        return Vec::new();
    }
    vec![cx.signal(
        "too-short",
        Severity::Warn,
        format!(
            "The answer is {:.0} s; interviewers expect {:.0}-{:.0} s with a real story and a lesson",
            a.overall.answer_s, fw.overall.min_s, fw.overall.max_s
        ),
        format!("{:.0} s from first to last word", a.overall.answer_s),
        None,
    )]
}

pub(super) fn too_long(cx: &Cx) -> Vec<Signal> {
    let (a, fw) = (cx.a, cx.fw);
    if !fw.judge_too_long || a.overall.answer_s <= cx.settings.too_long_s {
        return Vec::new();
    }
    vec![cx.signal(
        "too-long",
        Severity::Warn,
        format!(
            "The answer runs {}; keep it to {}-{}: be concise",
            clock(a.overall.answer_s),
            clock(fw.overall.min_s),
            clock(fw.overall.max_s)
        ),
        format!("{:.0} s from first to last word", a.overall.answer_s),
        None,
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{analysis_at, ids_of};
    use super::*;

    fn words(n: usize) -> String {
        vec!["word"; n].join(" ") + "."
    }

    #[test]
    fn short_and_long_answers() {
        // 150 wpm: 100 words = 40 s, 200 words = 80 s, 500 words = 200 s.
        let short = analysis_at("star-l", &words(100), 150.0);
        assert_eq!(ids_of(too_short, "star-l", &short), vec!["too-short"]);
        let fine = analysis_at("star-l", &words(200), 150.0);
        assert!(ids_of(too_short, "star-l", &fine).is_empty());
        assert!(ids_of(too_long, "star-l", &fine).is_empty());
        let long = analysis_at("star-l", &words(500), 150.0);
        assert_eq!(ids_of(too_long, "star-l", &long), vec!["too-long"]);
        // The long form is meant to be long.
        let long = analysis_at("star-long", &words(500), 150.0);
        assert!(ids_of(too_long, "star-long", &long).is_empty());
    }
}
