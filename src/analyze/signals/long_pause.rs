//! `long-pause`: a silence long enough for the interviewer to wonder whether you are done.
//!
//! ## What it flags
//! A pause inside the answer of `long_pause_s` (2.5 s) or more. Pauses are confirmed against
//! the audio's energy when the audio is at hand.
//!
//! ## Why an interviewer cares
//! A short pause reads as thought; a long one mid-story reads as lost, and on a call it invites
//! an interruption.
//!
//! ## Fires on
//! "...and then, [3 s of silence] sorry, so what I did was..."
//!
//! ## Stays quiet on
//! Pauses of a second or two between sections.

use super::common::{Cx, Severity, Signal, clock};

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    let min = cx.settings.long_pause_s;
    let long: Vec<&crate::analyze::Pause> =
        cx.a.pauses.iter().filter(|p| p.duration_s >= min).collect();
    let Some(p) = long
        .iter()
        .max_by(|x, y| x.duration_s.total_cmp(&y.duration_s))
    else {
        return Vec::new();
    };
    vec![cx.signal(
        "long-pause",
        Severity::Warn,
        format!(
            "{} silence{} of {:.1} s or more; the longest is {:.1} s at {}",
            long.len(),
            if long.len() == 1 { "" } else { "s" },
            min,
            p.duration_s,
            clock(p.start_s)
        ),
        format!("silence after {}", cx.quote(p.after_word)),
        Some(p.start_s),
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{analysis, ids_of};
    use super::*;
    use crate::analyze::{Pause, PauseLocation};

    fn with_pause(seconds: f64) -> Vec<String> {
        let mut a = analysis("star-l", "I was a nurse. I made a mistake.");
        a.pauses = vec![Pause {
            start_s: 1.0,
            end_s: 1.0 + seconds,
            duration_s: seconds,
            location: PauseLocation::BetweenSentences,
            after_word: 3,
            audio_confirmed: None,
        }];
        ids_of(check, "star-l", &a)
    }

    #[test]
    fn fires_on_a_long_silence_only() {
        assert_eq!(with_pause(3.0), vec!["long-pause"]);
        assert!(with_pause(1.6).is_empty());
    }
}
