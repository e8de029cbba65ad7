//! `pace-fast` and `pace-slow`: the overall speaking rate against the target band.
//!
//! ## What they flag
//! Words per minute over the answer (pauses included) outside `pace_wpm` (120-170), for answers
//! of 20 words or more. Information only: the rate alone is not a fault.
//!
//! ## Why an interviewer cares
//! Too fast is hard to follow on a call; too slow sounds hesitant.
//!
//! ## Fires on
//! 200 words in one minute.
//!
//! ## Stays quiet on
//! 150 words in one minute.

use super::common::{Cx, Severity, Signal};
use crate::analyze::PaceStatus;

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    let a = cx.a;
    if a.words.len() < 20 {
        return Vec::new();
    }
    let (id, word) = match a.pace.status {
        PaceStatus::Fast => ("pace-fast", "fast"),
        PaceStatus::Slow => ("pace-slow", "slow"),
        PaceStatus::Ok => return Vec::new(),
    };
    vec![cx.signal(
        id,
        Severity::Info,
        format!(
            "{:.0} words per minute is {word}; aim for {:.0}-{:.0}",
            a.pace.wpm, a.pace.band.min_s, a.pace.band.max_s
        ),
        format!("{} words in {:.0} s", a.words.len(), a.overall.answer_s),
        None,
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{analysis_at, ids_of};
    use super::*;

    #[test]
    fn fast_slow_and_fine() {
        let text = vec!["word"; 60].join(" ") + ".";
        let got = |wpm| ids_of(check, "star-l", &analysis_at("star-l", &text, wpm));
        assert_eq!(got(220.0), vec!["pace-fast"]);
        assert_eq!(got(90.0), vec!["pace-slow"]);
        assert!(got(150.0).is_empty());
    }
}
