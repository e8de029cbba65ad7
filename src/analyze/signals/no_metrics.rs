//! `no-metrics`: no number anywhere in the answer.
//!
//! ## What it flags
//! An answer of 30 words or more with no digits and no number words ("two", "forty",
//! "percent", "half", ...). "One" does not count: it is mostly not a quantity ("one of the").
//!
//! ## Why an interviewer cares
//! Numbers make a story real and let the listener weigh it: how many users, how late, how much
//! money (seed 004: "Specific metrics").
//!
//! ## Fires on
//! "We launched late and a lot of customers were unhappy, and it cost us a lot."
//!
//! ## Stays quiet on
//! "We launched three weeks late and about two hundred customers asked for refunds."
//!
//! ## Source
//! Seed 004.

use super::common::{Cx, Severity, Signal, is_number};

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    if cx.a.words.len() < 30 || cx.toks.iter().any(|t| is_number(t)) {
        return Vec::new();
    }
    vec![cx.signal(
        "no-metrics",
        Severity::Warn,
        "No numbers anywhere: give the scale and the cost (users, days, money, percent)".into(),
        "no digits or number words found in the answer".into(),
        None,
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::ids;
    use super::*;

    const VAGUE: &str = "I was the lead on a launch at a software company. We launched late and \
        a lot of customers were unhappy, and it cost us a lot of money and a lot of trust with \
        the sales team, which took a long time to win back.";

    #[test]
    fn fires_without_numbers() {
        assert_eq!(ids(check, "star-l", VAGUE), vec!["no-metrics"]);
    }

    #[test]
    fn quiet_with_a_number_in_words_or_digits() {
        for n in ["three", "3", "forty percent"] {
            let text = VAGUE.replace("a lot of customers", &format!("{n} customers"));
            assert!(ids(check, "star-l", &text).is_empty(), "{n}");
        }
    }
}
