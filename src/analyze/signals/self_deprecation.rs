//! `self-deprecation`: harsh talk about oneself.
//!
//! ## What it flags
//! Phrases that run the speaker down rather than name a mistake ("I'm just terrible at this", "I
//! was an idiot", "I'm hopeless with": `self_deprecation` in lexicon.toml; `*` there stands for
//! up to two words, so "I'm honestly just terrible" is found too).
//!
//! ## Why an interviewer cares
//! Owning a mistake builds trust; putting yourself down makes the interviewer wonder about
//! confidence and judgment (seed 001: "Take ownership without being self-deprecating").
//!
//! ## Fires on
//! "I'm really just terrible at remembering names."
//!
//! ## Stays quiet on
//! "I made a careless mistake with the tax rate, and it was embarrassing."
//!
//! ## Source
//! Seed 001.

use super::common::{Cx, Severity, Signal};

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    let found = cx.find(&cx.lex.self_deprecation, cx.all());
    let Some(first) = found.first() else {
        return Vec::new();
    };
    vec![cx.signal(
        "self-deprecation",
        Severity::Warn,
        "Own the mistake without running yourself down".into(),
        cx.quotes(&found, 2),
        cx.at(first.word),
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_quiet, assert_raises};
    use super::*;

    #[test]
    fn fires_on_harsh_self_talk() {
        assert_raises(
            check,
            "star-l",
            [
                "I'm really just terrible at remembering names.",
                "Looking back I was such an idiot about it.",
                "I'm hopeless with numbers, always have been.",
                "Give me a deadline and I can't be trusted with it.",
                "I felt like a complete fraud in that meeting.",
                "The launch went fine in spite of me, not because of me.",
            ],
            &["self-deprecation"],
        );
    }

    #[test]
    fn quiet_on_plain_ownership() {
        assert_quiet(
            check,
            "star-l",
            [
                "I made a careless mistake with the tax rate, and it was embarrassing.",
                "I was wrong, and I said so to my manager the same day.",
                "The old process was terrible, so I rewrote it.",
                "The vendor's figures couldn't be trusted, so I checked them myself.",
                "I found a fraud in the expense claims and reported it.",
                "We shipped on time in spite of the storm.",
            ],
        );
    }
}
