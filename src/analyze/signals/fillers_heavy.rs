//! `fillers-heavy`: more filler words than a fluent answer has.
//!
//! ## What it flags
//! More than `fillers_heavy_per_min` (6) fillers per minute: hesitations ("um", "uh"), filler
//! phrases ("you know", "I mean", "sort of") and filler "like", as `analyze::fillers` finds
//! them (literal uses such as "felt like" or "what kind of" are not counted).
//!
//! ## Why an interviewer cares
//! A few fillers are normal speech; many make a story sound unprepared and bury its content.
//!
//! ## Fires on
//! "So, um, I was, like, the lead, and, uh, you know, we had, um, a deadline."
//!
//! ## Stays quiet on
//! A fluent answer with one "um".

use super::common::{Cx, Severity, Signal, clock};

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    let a = cx.a;
    let max = cx.settings.fillers_heavy_per_min;
    if a.filler_stats.per_minute <= max {
        return Vec::new();
    }
    let top: Vec<String> = a
        .filler_stats
        .by_text
        .iter()
        .take(3)
        .map(|(t, n)| format!("'{t}' x{n}"))
        .collect();
    vec![
        cx.signal(
            "fillers-heavy",
            Severity::Warn,
            format!(
                "{} fillers, {:.1} per minute (aim for under {:.0}): {}",
                a.filler_stats.count,
                a.filler_stats.per_minute,
                max,
                top.join(", ")
            ),
            a.fillers
                .iter()
                .take(3)
                .map(|f| format!("'{}' at {}", f.text, clock(f.start_s)))
                .collect::<Vec<_>>()
                .join("; "),
            a.fillers.first().map(|f| f.start_s),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::ids;
    use super::*;

    #[test]
    fn fires_on_many_fillers() {
        let got = ids(
            check,
            "star-l",
            "So, um, I was, like, the lead, and, uh, you know, we had, um, a deadline, uh, \
             that we, um, missed by a week.",
        );
        assert_eq!(got, vec!["fillers-heavy"]);
    }

    #[test]
    fn quiet_on_fluent_speech_and_literal_uses() {
        let got = ids(
            check,
            "star-l",
            "I was the lead on a payroll project with a hard deadline in March. It felt like a \
             loss when we missed it, um, by a week, and I knew what kind of damage that meant for \
             the people waiting on their pay.",
        );
        assert!(got.is_empty(), "{got:?}");
    }
}
