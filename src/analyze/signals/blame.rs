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
//! in an answer where the speaker admits nothing (`ownership`, `own_failings`). Or, again with
//! nothing owned, what went wrong told of others: in the sentences labelled own-it,
//! what-went-wrong, failure or result, `blame_others_min` (5) more sentences have someone other
//! than the speaker as their subject ("The studio sent the screens late. Their developer left.")
//! than have "I" ("I approved the schedule"). A sentence told in the passive ("The order was
//! sent twice") names no one else: its doer goes unsaid and may be the speaker, as in an answer
//! that owns its mistake late (stop 38). Blame is mostly told as a story rather than in
//! stock phrases: of twelve blamers written for stop 30, the phrases found four
//! (docs/measurements.md, "Stop 31").
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
//! and that one's on me." And what went wrong told in the passive: "The mock-ups were approved
//! without a review. The contract was never checked against the dates."
//!
//! ## Source
//! Seed 000 (accountability), seed 001 ("Being defensive or blaming external factors").

use super::common::{Cx, Found, I_FORMS, Severity, Signal, WE_FORMS};
use crate::analyze::sentences::normalize;

/// Words that make the phrase after them about the speaker ("I dropped the ball").
const SELF: &[&str] = &["i", "i'd", "i've", "myself", "me"];

/// Sections that tell what went wrong, where a story of others' failings is told.
const FAILURE_SECTIONS: &[&str] = &["own-it", "what-went-wrong", "failure", "result"];

/// Words a sentence may open with before its subject ("So then I ...", "When the truck ..."),
/// and answers to the question that make a sentence of their own ("Sure.").
const LEAD_INS: &[&str] = &[
    "so",
    "and",
    "but",
    "then",
    "well",
    "honestly",
    "um",
    "uh",
    "basically",
    "anyway",
    "now",
    "also",
    "because",
    "when",
    "by",
    "in",
    "on",
    "after",
    "at",
    "which",
    "plus",
    "okay",
    "oh",
    "just",
    "still",
    "even",
    "sure",
    "yeah",
    "yes",
    "right",
    "look",
];
/// Subjects that are the speaker (with `I_FORMS`), the speaker's team (with `WE_FORMS`), or
/// nobody in particular ("it was late", "there were five"): none of them puts the story on
/// someone else.
const SPEAKER: &[&str] = &["my", "me", "myself"];
const TEAM: &[&str] = &["our", "us"];
const DUMMIES: &[&str] = &[
    "it", "it's", "this", "there", "there's", "that", "that's", "these", "those", "what",
];

/// Forms of "be" and "get" that make a sentence passive before a past participle ("The quote got
/// signed off", "the invoices were posted"): its subject is what was done to, and whoever did
/// it goes unnamed, perhaps the speaker, so the sentence puts the story on nobody.
const PASSIVE_AUX: &[&str] = &[
    "was", "were", "got", "get", "gets", "is", "are", "been", "be",
];
/// Words that may stand between the auxiliary and the participle ("was never updated").
const PASSIVE_GAP: &[&str] = &["never", "not", "all", "then", "already", "just", "also"];
/// Past participles that do not end in "-ed".
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "broken",
    "taken",
    "given",
    "written",
    "chosen",
    "forgotten",
    "sent",
    "told",
    "made",
    "lost",
    "left",
    "shut",
    "cut",
    "put",
    "held",
    "kept",
    "sold",
    "built",
    "paid",
    "set",
    "done",
    "seen",
    "known",
    "shown",
    "hidden",
    "caught",
    "brought",
    "bought",
    "found",
    "spent",
    "stolen",
];
/// How many words into a sentence its passive verb may come ("The new price list for the
/// stores was sent").
const PASSIVE_REACH: usize = 8;

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
    /// Sentences of what went wrong told with someone else as the subject, less those with
    /// the speaker as the subject; and the first words of the former, for the evidence.
    pub told_of_others: (usize, Vec<Found>),
}

impl Blame {
    pub fn score(&self) -> f64 {
        2.0 * self.faults.len() as f64 + self.others.len() as f64 - self.ownership.len() as f64
    }
    /// Fault put on others often enough, or a story of others' failings in which the speaker
    /// admits nothing: an outside party failing, or what went wrong told with someone else as
    /// the subject in at least `others_min` more sentences than with "I".
    pub fn fires(&self, min: f64, others_min: f64) -> bool {
        !self.reasons(min, others_min).is_empty()
    }
    /// What makes it blame, for the evidence: the fault phrases and mentions of others when
    /// they score enough, else the outside parties failing, else the sentences told of others;
    /// empty when it is not blame.
    pub fn reasons(&self, min: f64, others_min: f64) -> Vec<Found> {
        let owns_nothing = self.ownership.is_empty() && self.own_failings.is_empty();
        if self.score() >= min {
            self.all()
        } else if owns_nothing && !self.failings.is_empty() {
            self.failings.clone()
        } else if owns_nothing && self.told_of_others.0 as f64 >= others_min {
            self.told_of_others.1.clone()
        } else {
            Vec::new()
        }
    }
    /// The fault phrases and mentions of others as the cause, in order.
    pub fn all(&self) -> Vec<Found> {
        let mut v: Vec<Found> = self.faults.iter().chain(&self.others).copied().collect();
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
        told_of_others: told_of_others(cx),
    }
}

/// Who a sentence is about: its first word past the lead-ins.
enum Subject {
    Speaker,
    Others,
    Neither,
}

fn subject(toks: &[String]) -> Subject {
    let first = toks.iter().find(|t| !LEAD_INS.contains(&t.as_str()));
    match first.map(String::as_str) {
        Some(t) if I_FORMS.contains(&t) || SPEAKER.contains(&t) => Subject::Speaker,
        Some(t) if WE_FORMS.contains(&t) || TEAM.contains(&t) || DUMMIES.contains(&t) => {
            Subject::Neither
        }
        Some(_) if passive(toks) => Subject::Neither,
        Some(_) => Subject::Others,
        None => Subject::Neither,
    }
}

/// Whether the sentence's first clause is passive: an auxiliary from [`PASSIVE_AUX`] within
/// [`PASSIVE_REACH`] words and before any of [`CLAUSE_BREAKS`], then (past any of
/// [`PASSIVE_GAP`]) a past participle.
fn passive(toks: &[String]) -> bool {
    let reach = toks.len().min(PASSIVE_REACH);
    let end = (1..reach)
        .find(|&k| CLAUSE_BREAKS.contains(&toks[k].as_str()))
        .unwrap_or(reach);
    let head = &toks[..end];
    head.iter().enumerate().any(|(k, t)| {
        PASSIVE_AUX.contains(&t.as_str())
            && toks[k + 1..]
                .iter()
                .find(|w| !PASSIVE_GAP.contains(&w.as_str()))
                .is_some_and(|w| {
                    (w.len() > 4 && w.ends_with("ed"))
                        || IRREGULAR_PARTICIPLES.contains(&w.as_str())
                })
    })
}

/// In the sentences labelled as what went wrong: how many more have someone other than the
/// speaker as their subject than have "I" ("The carrier never sent the trailers", "Their
/// monitoring didn't flag it"), with the first words of those sentences.
fn told_of_others(cx: &Cx) -> (usize, Vec<Found>) {
    let (mut others, mut speaker) = (Vec::new(), 0usize);
    for (i, s) in cx.a.sentences.iter().enumerate() {
        if !FAILURE_SECTIONS.contains(&s.section.as_str()) {
            continue;
        }
        let r = cx.sentence_words(i);
        match subject(&cx.toks[r.clone()]) {
            Subject::Speaker => speaker += 1,
            Subject::Others => others.push(Found {
                word: r.start,
                len: r.len().min(6),
            }),
            Subject::Neither => {}
        }
    }
    (others.len().saturating_sub(speaker), others)
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
    let all = find(cx).reasons(cx.settings.blame_min, cx.settings.blame_others_min);
    if all.is_empty() {
        return Vec::new();
    }
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
    use super::super::testkit::{assert_quiet, ids, with_cx};
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
             second crew never came, which left the shelves half built.",
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

    /// A failure-5 answer whose what-went-wrong is `wrong`, with no admission elsewhere.
    fn booking_app(wrong: &str) -> String {
        format!(
            "[own-it] The launch of our booking app slipped by a month. \
             [context] I led the project for a chain of six dental clinics. \
             [what-went-wrong] {wrong} \
             [lesson] Launch dates depend on every party in the chain. \
             [change] Now every outside party signs a schedule with named dates, and I review \
             it with them every Monday."
        )
    }

    const OTHERS_TOLD: &str = "The design studio delivered the mock-ups a fortnight after \
        the agreed date. Their lead developer left halfway through. The payment provider changed \
        its interface without notice. The clinic's legal team sat on the contract for a month. \
        Nobody on the studio side answered our questions for days. Six of the screens had to \
        be redone from scratch.";

    #[test]
    fn fires_when_what_went_wrong_is_told_only_of_others() {
        let text = booking_app(OTHERS_TOLD);
        assert_eq!(ids(check, "failure-5", &text), vec!["blame"], "{text}");
    }

    #[test]
    fn the_evidence_quotes_the_sentences_told_of_others_and_not_an_interjection() {
        let told = |wrong: &str| {
            let a = super::super::testkit::analysis("failure-5", &booking_app(wrong));
            with_cx("failure-5", &a, |cx| (find(cx).told_of_others.0, check(cx)))
        };
        let (plain, _) = told(OTHERS_TOLD);
        let (with_sure, got) = told(&format!("Sure. {OTHERS_TOLD}"));
        assert_eq!(plain, with_sure, "\"Sure.\" is no sentence told of others");
        assert_eq!(got.len(), 1);
        assert!(
            got[0].evidence.contains("The design studio"),
            "{}",
            got[0].evidence
        );
    }

    #[test]
    fn quiet_when_what_went_wrong_is_told_in_the_passive() {
        // Nobody is named: what was done goes without its doer, who may be the speaker (an
        // answer that owns the mistake late, past anything the ownership phrases catch).
        let text = booking_app(
            "The mock-ups were approved without a review. The payment screens got built on \
             the old interface. The contract was never checked against the dates. The test \
             plan was already cut to one week. The launch notes were sent out a day early. Six \
             of the screens were redone from scratch.",
        );
        assert!(ids(check, "failure-5", &text).is_empty(), "{text}");
    }

    #[test]
    fn a_passive_clause_is_told_by_its_verb() {
        let toks = |s: &str| -> Vec<String> { s.split(' ').map(String::from).collect() };
        for yes in [
            "the quote got signed off on a call",
            "the new price list for the stores was sent",
            "the settings didn't get changed",
            "the contract was never checked",
            "six screens were broken",
        ] {
            assert!(passive(&toks(yes)), "{yes}");
        }
        for no in [
            "the vendor was late again",
            "their lead developer left halfway through",
            "the carrier never sent the trailers",
            "the studio was slow and the screens were needed",
        ] {
            assert!(!passive(&toks(no)), "{no}");
        }
    }

    #[test]
    fn quiet_when_the_speaker_is_in_the_story_or_owns_a_part() {
        assert_quiet(
            check,
            "failure-5",
            [
                // The speaker tells their own part of what went wrong.
                booking_app(
                    "The design studio delivered the mock-ups a fortnight late. I had approved a \
                     schedule with no slack in it. I signed the payment contract before the \
                     interface was fixed. I let the legal review start in the last month. \
                     Their lead developer left halfway through. I kept the date anyway.",
                ),
                // The same story beside an admission.
                format!(
                    "{} I should have asked for weekly drafts.",
                    booking_app(OTHERS_TOLD)
                ),
                // Others as the subject of the lesson, not of what went wrong.
                "[own-it] I launched our booking app a month late, and that was my mistake. \
                 [what-went-wrong] I approved a schedule with no slack in it. \
                 [lesson] The design studio works best with weekly drafts. Their developers \
                 like clear specs. The payment provider publishes changes a month ahead. The \
                 legal team needs two weeks. Everyone plans better with named dates."
                    .to_string(),
            ],
        );
    }
}
