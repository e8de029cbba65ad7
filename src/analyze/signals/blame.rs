//! `blame`: the failure is put on other people or a vendor.
//!
//! ## What it flags
//! Fault put on others in so many words ("not my fault", "because of them", "nothing I could
//! do", "if they had ...": `blame` in lexicon.toml), or others named as the cause again and
//! again ("the vendor", "they didn't", "the other team": `others_at_fault`) while the speaker
//! owns little. Each plain fault phrase counts 2, each mention of others as the cause 1, and
//! each phrase of ownership ("I should have", "my mistake") takes 1 off; the signal fires at
//! `blame_min` (3). A phrase the speaker turns on themself ("I dropped the ball") is ownership,
//! not blame. And a story told as others' failings with no admission anywhere in it: a party
//! outside the speaker (`outside_parties`: "their ...", "the vendor") failing in the next few
//! words (`failings`: "their second truck never came", "the carrier didn't send the trailers"),
//! in an answer where the speaker admits nothing (`ownership`, `own_failings`). Blame is mostly told as a
//! story rather than in stock phrases: on the answers written for stop 30, twelve blamers, the
//! phrases found four (docs/measurements.md, "Stop 31").
//!
//! ## Why an interviewer cares
//! The question tests accountability: "Do you own the failure or blame external factors?" (seed
//! 000). Blaming a vendor or a colleague is the most common way to fail it.
//!
//! ## Fires on
//! "The courier lost half the parcels, and frankly that was their mistake, not mine. Their
//! drivers never scanned anything."
//!
//! ## Stays quiet on
//! "The courier lost half the parcels. I should have split the shipment across two carriers,
//! and that one's on me."
//!
//! ## Source
//! Seed 000 (accountability), seed 001 ("Being defensive or blaming external factors").

use super::common::{Cx, Found, Severity, Signal};
use crate::analyze::sentences::normalize;

/// Words that make the phrase after them about the speaker ("I dropped the ball").
const SELF: &[&str] = &["i", "i'd", "i've", "myself", "me"];

/// How far after the start of an outside party its failing may come: "their [facilities team
/// had] never".
const FAILING_REACH: usize = 4;

/// Words that end an outside party's clause before a failing: the speaker or a new clause takes
/// over ("their invoice and I never ...", "the client called because I hadn't ...").
const CLAUSE_BREAKS: &[&str] = &[
    "i", "i'd", "i've", "i'm", "me", "my", "we", "we'd", "we've", "our", "us", "and", "but", "so",
    "because",
];

pub(crate) struct Blame {
    pub faults: Vec<Found>,
    pub others: Vec<Found>,
    pub ownership: Vec<Found>,
    /// Outside parties failing ("the carrier didn't"): blame only where nothing is owned.
    pub failings: Vec<Found>,
    /// The speaker's own failings outside `ownership` ("I never confirmed it").
    pub own_failings: Vec<Found>,
}

impl Blame {
    pub fn score(&self) -> f64 {
        2.0 * self.faults.len() as f64 + self.others.len() as f64 - self.ownership.len() as f64
    }
    /// Fault put on others often enough, or a story of others' failings in which the speaker
    /// admits nothing.
    pub fn fires(&self, min: f64) -> bool {
        self.score() >= min
            || (self.ownership.is_empty()
                && self.own_failings.is_empty()
                && !self.failings.is_empty())
    }
    pub fn all(&self) -> Vec<Found> {
        let mut v: Vec<Found> = self
            .faults
            .iter()
            .chain(&self.others)
            .chain(&self.failings)
            .copied()
            .collect();
        v.sort_by_key(|f| f.word);
        v
    }
}

pub(crate) fn find(cx: &Cx) -> Blame {
    let not_self = |f: &Found| f.word == 0 || !SELF.contains(&cx.toks[f.word - 1].as_str());
    Blame {
        faults: cx
            .find(&cx.lex.blame, cx.all())
            .into_iter()
            .filter(not_self)
            .collect(),
        others: cx
            .find(&cx.lex.others_at_fault, cx.all())
            .into_iter()
            .filter(not_self)
            .collect(),
        ownership: cx.admissions(cx.all()),
        failings: failings(cx),
        own_failings: cx.find(&cx.lex.own_failings, cx.all()),
    }
}

/// Outside parties failing: one of `outside_parties` and, at most [`FAILING_REACH`] words
/// from its start and within the same clause, one of `failings`. Each match runs from the party
/// to the failing ("their second rig never").
fn failings(cx: &Cx) -> Vec<Found> {
    let words: Vec<String> = cx.lex.failings.iter().map(|w| normalize(w)).collect();
    let mut out: Vec<Found> = Vec::new();
    for p in cx.find(&cx.lex.outside_parties, cx.all()) {
        let end = (p.word + FAILING_REACH + 1).min(cx.toks.len());
        for i in p.word + p.len..end {
            let t = cx.toks[i].as_str();
            if CLAUSE_BREAKS.contains(&t) {
                break;
            }
            if words.iter().any(|w| w == t) {
                out.push(Found {
                    word: p.word,
                    len: i + 1 - p.word,
                });
                break;
            }
        }
    }
    out
}

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    let b = find(cx);
    if !b.fires(cx.settings.blame_min) {
        return Vec::new();
    }
    let all = b.all();
    vec![cx.signal(
        "blame",
        Severity::Major,
        "The failure is put on others; own your part of it".into(),
        cx.quotes(&all, 3),
        all.first().and_then(|f| cx.at(f.word)),
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_quiet, ids};
    use super::*;

    #[test]
    fn fires_when_fault_is_put_on_others() {
        for text in [
            "I organised the parcel delivery for our spring sale. The courier lost half the \
             parcels, and frankly that was their mistake, not mine. Their drivers never scanned \
             anything, and if they had, it would never have happened.",
            "The festival opened a day late. The stage crew delivered late, the sound company \
             let us down, and no one told me the power was not connected.",
        ] {
            assert_eq!(ids(check, "star-l", text), vec!["blame"], "{text}");
        }
    }

    #[test]
    fn quiet_when_others_are_mentioned_but_the_speaker_owns_it() {
        assert_quiet(
            check,
            "star-l",
            [
                "The courier lost half the parcels. I should have split the shipment across two \
             carriers, and that one's on me. I called the courier the same morning.",
                "I dropped the ball on the handover, and the other team heard it from a guest. \
             It was my mistake, and I told them so.",
                "I phoned the vendor's support line whenever I was unsure, and they walked me through it.",
                "I don't blame the contractor at all; I approved the plans without reading them.",
            ],
        );
    }

    #[test]
    fn fires_when_others_are_said_not_to_care_as_well_as_at_fault() {
        let text = "The brochures for the open day came a week late. The printer's staff \
             didn't care about our date at all, and it was their fault, plain and simple.";
        assert_eq!(ids(check, "star-l", text), vec!["blame"], "{text}");
    }

    #[test]
    fn quiet_when_not_caring_is_the_speakers_own_or_said_once_of_others() {
        assert_quiet(
            check,
            "star-l",
            [
                "I didn't care enough about the proof, and the brochures went out with the wrong \
             date on the cover.",
                "The guests didn't care about the late start; they wanted the food hot, so I moved \
             the buffet forward by an hour.",
            ],
        );
    }

    #[test]
    fn fires_when_nobody_on_our_side_could_have_helped_it() {
        for text in [
            "The vendor shipped the wrong chairs to the gala, and honestly there was nothing \
             anyone could have done about it by then.",
            "The agency missed the print date, and they never told us. Nothing we could have \
             done on our side would have changed that.",
        ] {
            assert_eq!(ids(check, "star-l", text), vec!["blame"], "{text}");
        }
    }

    #[test]
    fn quiet_when_nothing_could_be_done_about_a_mistake_the_speaker_owns() {
        assert_quiet(
            check,
            "star-l",
            [
                "By the time I noticed, there was nothing anyone could do for the batch. I had set \
             the oven wrong, and that was my mistake.",
                "There was little anyone could do once the storm closed the airport, so I rebooked \
             every guest myself that night.",
            ],
        );
    }

    #[test]
    fn fires_when_the_failure_is_put_down_to_another_team() {
        let text = "Our store opening went badly, and frankly the delay came down to the \
             fitting team. The electricians made it worse by booking the wrong week, and nobody \
             on that crew thought to ring us. The lesson for me: never rely on other teams \
             for a date.";
        assert_eq!(ids(check, "failure-5", text), vec!["blame"], "{text}");
    }

    #[test]
    fn quiet_when_the_speaker_made_it_worse_or_the_weather_did() {
        assert_quiet(
            check,
            "failure-5",
            [
                "The opening went badly, and the delay came down to me. I made it worse by \
             promising a date nobody had checked, and I never agreed the scope with the fitters. \
             That was my own mistake.",
                "The rain made it worse, and the stage crew worked through the night with us to \
             get the site ready on time.",
            ],
        );
    }

    #[test]
    fn fires_when_the_speakers_part_is_denied_and_only_others_could_have_prevented_it() {
        let text = "The warehouse move ran a month over, and to be fair the overrun wasn't on \
             me. The removals firm turned up with half the lorries, and the new site's managers \
             didn't help either. Had the landlord finished the racking on time, none of the \
             delays would have happened.";
        assert_eq!(ids(check, "failure-5", text), vec!["blame"], "{text}");
    }

    #[test]
    fn quiet_when_the_speaker_says_it_would_not_have_happened_had_they_checked() {
        assert_quiet(
            check,
            "failure-5",
            [
                "The warehouse move ran a month over. None of this would have happened if I'd \
             checked the racking dates myself, which was my own mistake.",
                "I didn't help matters by booking the lorries for the wrong morning; that part \
             was on me, so I rang the removals firm to rebook.",
            ],
        );
    }

    #[test]
    fn fires_on_a_story_of_others_failings_with_nothing_owned() {
        for text in [
            "The warehouse opening slipped a month. The racking firm came a week late, and their \
             second crew never turned up at all, so the shelves went in half built.",
            "Our launch party fell flat. I booked the hall and the caterer in March, and on the \
             night the supplier didn't deliver the glasses we had paid for.",
        ] {
            assert_eq!(ids(check, "failure-5", text), vec!["blame"], "{text}");
        }
    }

    #[test]
    fn quiet_on_others_failings_beside_an_admission() {
        assert_quiet(
            check,
            "failure-5",
            [
                "The racking firm came a week late, and their second crew never turned up. I \
             should have booked a backup crew, and that one is on me.",
                "The supplier didn't deliver the glasses, because I never confirmed the order.",
            ],
        );
    }

    #[test]
    fn quiet_when_the_failing_belongs_to_the_speaker_or_to_people_let_down() {
        assert_quiet(
            check,
            "star-l",
            [
                // The clause passes to the speaker before the failing word.
                "Their invoices and I never got along; I rebuilt the billing sheet in a week.",
                // The customers are not an outside party to blame.
                "The customers never got their parcels on time that month, and the shop lost \
             forty orders.",
                "The patients didn't get their results for a week; the clinic lost a whole \
             batch of forms.",
                "The vendor shipped on time, and their team stayed late to help us.",
            ],
        );
    }
}
