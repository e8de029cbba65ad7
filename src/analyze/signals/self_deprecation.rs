//! `self-deprecation`: harsh talk about oneself.
//!
//! ## What it flags
//! Phrases that run the speaker down rather than name a mistake ("I'm just terrible at this", "I
//! was an idiot", "I'm hopeless with": `self_deprecation` in lexicon.toml; `*` there stands for up
//! to two words, so "I'm honestly just terrible" is found too). And the same verdicts in the
//! speaker's own words: one of `harsh_verdicts` ("coward", "useless", "fool") at most two words
//! after one of `self_subjects` ("I was", "I felt like"), with no "not" or "never" between, or in
//! "how stupid I was", "what a fool I was" and "lazy of me". People put themselves down in too many
//! ways for a phrase list: on nine such answers written for stop 30, the list alone found none.
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

use super::common::{Cx, Found, GAP_MAX, Severity, Signal};
use crate::analyze::sentences::normalize;

/// Words that turn a verdict after a self-subject around ("I'm not lazy", "I was never a fool").
const NEGATIONS: &[&str] = &["not", "never", "no", "hardly"];

/// What follows "how <verdict>" when the verdict is the speaker's own ("how stupid I was").
const HOW_TAILS: &[&[&str]] = &[
    &["i", "was"],
    &["i", "am"],
    &["i'd", "been"],
    &["i've", "been"],
    &["i", "had", "been"],
];

/// Verdicts the speaker passes on themself in their own words (`self_subjects`,
/// `harsh_verdicts`): after a self-subject, "how <verdict> I was", "<verdict> of me".
fn verdicts(cx: &Cx) -> Vec<Found> {
    let toks = &cx.toks;
    // Normalized as the tokens are, so that "Coward" or a curly apostrophe in a user's list
    // still matches.
    let words: Vec<String> = cx.lex.harsh_verdicts.iter().map(|h| normalize(h)).collect();
    let harsh = |i: usize| toks.get(i).is_some_and(|t| words.contains(t));
    let mut out = Vec::new();
    for s in cx.find(&cx.lex.self_subjects, cx.all()) {
        // As many words between subject and verdict as a `*` in a lexicon phrase may stand
        // for ("I was [a complete] idiot" is "i was * idiot").
        let start = s.word + s.len;
        for (i, t) in toks.iter().enumerate().skip(start).take(GAP_MAX + 1) {
            if NEGATIONS.contains(&t.as_str()) {
                break;
            }
            if harsh(i) {
                out.push(Found {
                    word: s.word,
                    len: i + 1 - s.word,
                });
                break;
            }
        }
    }
    for i in 0..toks.len() {
        if !harsh(i) {
            continue;
        }
        let next = |k: usize| toks.get(i + k).map(String::as_str);
        let tail = HOW_TAILS
            .iter()
            .find(|t| t.iter().enumerate().all(|(k, w)| next(k + 1) == Some(*w)));
        // "how stupid I was", and "what a fool I was", whose article may be "a" or "an".
        let what_a = i > 1 && toks[i - 2] == "what" && matches!(toks[i - 1].as_str(), "a" | "an");
        if let (true, Some(t)) = (i > 0 && toks[i - 1] == "how", tail) {
            out.push(Found {
                word: i - 1,
                len: 2 + t.len(),
            });
        } else if let (true, Some(t)) = (what_a, tail) {
            out.push(Found {
                word: i - 2,
                len: 3 + t.len(),
            });
        } else if next(1) == Some("of") && next(2) == Some("me") {
            out.push(Found { word: i, len: 3 });
        }
    }
    out
}

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    let mut found = cx.find(&cx.lex.self_deprecation, cx.all());
    for v in verdicts(cx) {
        if !found
            .iter()
            .any(|f| v.word < f.word + f.len && f.word < v.word + v.len)
        {
            found.push(v);
        }
    }
    found.sort_by_key(|f| f.word);
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
    fn fires_on_a_verdict_in_the_speakers_own_words() {
        assert_raises(
            check,
            "star-l",
            [
                "When the client rang, I was a total coward and let it go to voicemail.",
                "I felt like an absolute clown standing there with the wrong keys.",
                "I've been spineless about it for years.",
                "Looking back, I can see how lazy I was with the checklist.",
                "I left the gate open all weekend. What an idiot I was.",
                "Skipping the count was plain stupid of me.",
                "Some mornings I feel like the weakest nurse on the ward.",
                "Every time I speak up in the review I go home sure I sounded stupid.",
            ],
            &["self-deprecation"],
        );
    }

    #[test]
    fn quiet_when_the_verdict_is_denied_or_about_something_else() {
        assert_quiet(
            check,
            "star-l",
            [
                "I'm not lazy, but I had let the checklist slide that month.",
                "I was never a fool about money, and I still missed the fee.",
                "I felt the old plan was stupid, so I rewrote it with the crew.",
                "The tool was useless for our sizes, so I measured by hand.",
                "I knew how hopeless the schedule was before we started.",
                "It was a stupid rule, and I asked the board to change it.",
                "What a coward the landlord was about the repairs, so I called the council.",
                "I sounded calm on the call, and then I fixed the stupid typo in the quote.",
            ],
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
