//! `hedging`: the story is told with frequent hedges.
//!
//! ## What it flags
//! At least `hedges_min` (3) hedges ("I think", "I guess", "maybe", "probably", "more or less",
//! ...: `hedges` in lexicon.toml) at more than `hedges_per_min` (2.5) per minute. A hedge that
//! is also a filler ("sort of" as a filler) is counted once, as a filler.
//!
//! ## Why an interviewer cares
//! Hedges make a story sound unsure of itself, and in a failure answer they read as not owning
//! it (seed 000: "No hedging, no excuses").
//!
//! ## Fires on
//! "I think it was maybe the data, I guess. We probably could have caught it, more or less."
//!
//! ## Stays quiet on
//! One "I think" in a two-minute answer. "I'd say" as the answer's first words, picking the
//! story ("I'd say the launch we ran in March"), is not counted.
//!
//! ## Source
//! Seed 000.

use super::common::{Cx, Found, Severity, Signal};

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    let hedges: Vec<Found> = cx
        .find(&cx.lex.hedges, cx.all())
        .into_iter()
        .filter(|h| !cx.a.words[h.word].filler && !picks_the_story(cx, h))
        .collect();
    let per_min = hedges.len() as f64 / cx.minutes();
    if (hedges.len() as f64) < cx.settings.hedges_min || per_min <= cx.settings.hedges_per_min {
        return Vec::new();
    }
    vec![cx.signal(
        "hedging",
        Severity::Warn,
        format!(
            "{} hedges ({:.1} per minute) make the story sound unsure; say what happened plainly",
            hedges.len(),
            per_min
        ),
        cx.quotes(&hedges, 3),
        cx.at(hedges[0].word),
    )]
}

/// "I'd say" as the answer's first words (fillers aside) picks the story or the weakness to
/// talk about ("I'd say the launch we ran in March"): it answers "tell me about a time", it does
/// not soften a claim. Anywhere else it is counted.
fn picks_the_story(cx: &Cx, h: &Found) -> bool {
    cx.toks.get(h.word).is_some_and(|t| t == "i'd")
        && cx.toks.get(h.word + 1).is_some_and(|t| t == "say")
        && cx.a.words[..h.word].iter().all(|w| w.filler)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_quiet, assert_raises, ids};
    use super::*;

    #[test]
    fn fires_on_frequent_hedges() {
        let got = ids(
            check,
            "star-l",
            "I think it was maybe the data, I guess. We probably could have caught it, more or \
             less, if I had looked.",
        );
        assert_eq!(got, vec!["hedging"]);
    }

    #[test]
    fn quiet_on_a_single_hedge() {
        let got = ids(
            check,
            "star-l",
            "I was the lead on the payroll move. I think the plan was sound, but I skipped the \
             parallel run, and forty people were paid late. Now I run both systems for a full \
             cycle before I switch anything off.",
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn an_opening_id_say_that_picks_the_story_is_no_hedge() {
        assert_quiet(
            check,
            "failure-5",
            [
                "I'd say the garden show we ran two springs ago, when half the stands had no power, \
             and I think that was my doing. I think I trusted the old wiring plan.",
            ],
        );
    }

    #[test]
    fn id_say_inside_the_story_still_counts() {
        assert_raises(
            check,
            "failure-5",
            [
                "The garden show had no power on half the stands. I'd say the wiring plan was old, \
             and I think I trusted it. Otherwise I think the plan held up.",
            ],
            &["hedging"],
        );
    }
}
