//! `weak-lesson`: the lesson is generic and nothing concrete follows it.
//!
//! ## What it flags
//! A generic lesson ("I learned a lot", "be more careful", "communication is key", "make sure
//! it doesn't happen again": `vague_lessons` in lexicon.toml) with no concrete change anywhere
//! from the start of the lesson to the end of the answer (see `no-change` for what counts as a
//! change).
//!
//! ## Why an interviewer cares
//! "I'll try harder" tells the interviewer nothing changed. They are listening for a systemic
//! lesson and the practice it led to (seed 000: "Not 'I'll try harder' - a systemic lesson").
//!
//! ## Fires on
//! "It was a real learning experience. I'll just have to be more organized from now on."
//!
//! ## Stays quiet on
//! "It was a real learning experience. Now before every trip I print the booking list and call
//! each hotel." (generic words, then a concrete change). Also on growth claimed beside a sharp
//! lesson: "Last year's list is a guess, not a booking. That week made me a better organiser."
//! (`growth_claims`: no change, which `no-change` reports, but no generic lesson either).
//!
//! ## Source
//! Seed 000.

use super::common::{Cx, Severity, Signal};
use super::lesson;

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    let vague = lesson::generic(cx, cx.all());
    let Some(first) = vague.first() else {
        return Vec::new();
    };
    // The lesson starts at the first generic phrase at the latest.
    let at =
        cx.a.sentences
            .iter()
            .position(|s| s.first_word + s.n_words > first.word)
            .unwrap_or(0);
    let from = lesson::start(cx).map_or(at, |s| s.min(at));
    if !lesson::changes_from(cx, from).is_empty() {
        return Vec::new();
    }
    vec![cx.signal(
        "weak-lesson",
        Severity::Major,
        "The lesson is generic; name the systemic lesson and the concrete change you made".into(),
        format!(
            "{}; no concrete change found after it",
            cx.quotes(&vague, 2)
        ),
        cx.at(first.word),
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_quiet, assert_raises};
    use super::*;

    const STORY: &str = "[situation] I planned trips for a sales team of forty. \
        [task] I booked the hotels for our yearly conference. \
        [action] I reused the booking list from the year before without calling anyone. \
        [result] Six people arrived to no room, and I found them beds across town at midnight.";

    #[test]
    fn fires_on_generic_lessons() {
        assert_raises(
        check,
        "star-l",
        [
            "[learning] It was a real learning experience. I'll just have to be more organized.",
            "[learning] Honestly I grew a lot, and from here on I'll try my best to stay on top of bookings.",
            "[learning] Communication is key, and it won't happen again.",
        ]
.map(|l| format!("{STORY} {l}")),
&["weak-lesson"],
);
    }

    #[test]
    fn quiet_when_a_concrete_change_follows() {
        assert_quiet(
        check,
        "star-l",
        [
            "[learning] It was a real learning experience. Now before every trip I print the booking list and call each hotel.",
            "[learning] A booking is only real once the hotel says it back to you. Since then a second person checks every list.",
            "[learning] The main thing is that an old list is a guess, not a booking.",
        ]
.map(|l| format!("{STORY} {l}")),
);
    }

    #[test]
    fn fires_on_generic_lessons_said_loosely() {
        assert_raises(
        check,
        "star-l",
        [
            "[learning] Mostly, communication really is everything, and you can't take a yes on trust.",
            "[learning] For me communication honestly matters more than anything. I'll keep it in mind from here on.",
            "[learning] You have to talk to people, I suppose, and keep a better eye on things.",
        ]
.map(|l| format!("{STORY} {l}")),
&["weak-lesson"],
);
    }

    #[test]
    fn fires_when_growth_is_claimed_in_place_of_a_change() {
        // "since then" and "now" would count as a change; a claim of growth changes nothing, so
        // the generic lesson before it stands.
        assert_raises(
            check,
            "star-l",
            [
                "[learning] It was a learning experience. Since then I believe I have grown a lot in how I plan.",
                "[learning] The trip stayed on my mind, and I learned my lesson. These days I am far more thoughtful about bookings.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["weak-lesson"],
        );
        // With a practice named after it, it is quiet.
        assert_quiet(
            check,
            "star-l",
            ["[learning] I have grown a lot, I hope. Now I call every hotel two days before a trip."]
                .map(|l| format!("{STORY} {l}")),
        );
    }

    #[test]
    fn fires_when_the_change_is_an_attitude() {
        // Growth claimed of the speaker or the team, or an intention, with "now" or "these
        // days" beside it: still no practice named.
        assert_raises(
            check,
            "star-l",
            [
                "[learning] Honestly that trip taught me a lot. I'm a much better planner now.",
                "[learning] It was an eye opener. Nowadays I just try to get the whole office on the same page.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["weak-lesson"],
        );
        assert_quiet(
            check,
            "star-l",
            ["[learning] It was an eye opener. These days I ring every hotel two days before a trip."]
                .map(|l| format!("{STORY} {l}")),
        );
    }

    #[test]
    fn quiet_when_growth_is_claimed_beside_a_sharp_lesson() {
        // A growth claim is no change (no-change's business), but it does not make a sharp
        // lesson generic (stop 42).
        assert_quiet(
            check,
            "star-l",
            [
                "[learning] Last year's list is a guess, not a booking. That week made me a better organiser, and the whole office feels more confident now.",
                "[learning] A booking nobody has confirmed is only a hope. I'm a much more thorough planner now.",
            ]
            .map(|l| format!("{STORY} {l}")),
        );
    }

    #[test]
    fn quiet_when_a_loose_lesson_is_followed_by_a_change() {
        assert_quiet(
        check,
        "star-l",
        [
            "[learning] Communication really is everything. Since then I ring every hotel two days before a trip.",
            "[learning] I'll try to keep it in mind. Now a second person reads the booking list before it goes out.",
        ]
.map(|l| format!("{STORY} {l}")),
);
    }

    #[test]
    fn fires_on_generic_lessons_told_to_anyone() {
        assert_raises(
            check,
            "star-l",
            [
                "[learning] It was a huge learning experience for the whole team, honestly.",
                "[learning] Really, you need to communicate more with the people you book for.",
                "[learning] You just keep on top of it all and hope the hotels are ready.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["weak-lesson"],
        );
    }

    #[test]
    fn quiet_when_talking_more_is_a_practice_in_place() {
        assert_quiet(
        check,
        "star-l",
        [
            "[learning] That whole trip was a huge learning experience. These days I ring each hotel the week before a trip.",
            "[learning] Now I communicate more with the hotels: a call every Monday before a trip.",
            "[learning] What stuck with me: I needed to communicate more. Since then a second person reads every booking list.",
        ]
.map(|l| format!("{STORY} {l}")),
);
    }

    #[test]
    fn fires_on_organising_and_time_management_advice() {
        // British spelling, the gerund of "stay on top of", and the stock line about time.
        assert_raises(
            check,
            "star-l",
            [
                "[learning] If it happens to you, my advice is to stay organised from day one.",
                "[learning] Time management is really important. I'm far more aware of it since.",
                "[learning] Mostly it comes down to staying on top of the bookings, I suppose.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["weak-lesson"],
        );
    }

    #[test]
    fn quiet_when_organising_advice_is_followed_by_a_change() {
        assert_quiet(
            check,
            "star-l",
            [
                "[learning] Time management is key. These days I block the first hour of each Monday to ring the hotels.",
                "[learning] Staying organised matters. Before every trip a second person reads the booking list back to me.",
            ]
            .map(|l| format!("{STORY} {l}")),
        );
    }
}
