//! `no-change`: a lesson is stated, but nothing the speaker now does differently follows it.
//!
//! ## What it flags
//! In a failure story, a lesson (a lesson or change section, or "I learned", "the lesson" in the
//! second half) with no concrete change from there to the end. A concrete change is a sentence
//! with a change marker ("now", "since then", "before every", "checklist", "for the next", "I
//! set up": `change_markers` in lexicon.toml) that is not itself a generic lesson, or one the
//! section model is sure sounds like a change ("someone else checks the list before it goes").
//! Only sentences labelled with a lesson or change section count, and not a failure remembered
//! (`impressions`: "that night has stayed with me since"): "since" in a result dates the story, and
//! "every week" in a closing pitch is the new job's, not the speaker's practice. Nor does a
//! feeling dated in time: in a sentence where the speaker says how they are or feel (`states`:
//! "I'm", "makes me"), a time word (`time_markers`: "now", "every time") is no change; "I'm
//! warier now" changes nothing, "I'm warier now, and before every order a sample roll comes
//! first" does. And in a lesson told as a claim (`lesson_statements`: "my takeaway: a sign-off
//! is a promise") only the speaker doing something ("I check", "we introduced") is a change.
//!
//! ## Why an interviewer cares
//! A lesson without a change is a claim; the change is the evidence (seed 004: "Show you
//! changed, don't just say you learned"; seed 000: "What you changed: concrete process/behavior
//! change you implemented").
//!
//! ## Fires on
//! "What stuck with me is that a friendly supplier is still a supplier."
//! Also with "That autumn has stayed with me since." or "I'm a lot warier of new mills now."
//! after it.
//!
//! ## Stays quiet on
//! "What stuck with me is that a friendly supplier is still a supplier. Now every new supplier
//! gets a small trial order before we sign anything." Also when the change is told without "I":
//! "Every order is now signed off by two people", "For the next season we kept two mills". And
//! when the ending states no lesson at all, only how the speaker feels or what still brings the
//! day back ("I'm warier now. Raw linen on a cutting table still brings that autumn back."):
//! there is no lesson for a change to follow (`lesson::stated`). Nor when the ending tells the
//! day again as a story in the past ("The mill's owner sent a long apology letter, and I kept it
//! in my desk for years."): a past form and no present one (`present_forms`) is narration.
//!
//! ## Source
//! Seeds 000 and 004.

use super::common::{Cx, Severity, Signal};
use super::lesson;

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    if !cx.failure_story() {
        return Vec::new();
    }
    let Some(from) = lesson::start(cx) else {
        return Vec::new();
    };
    if !lesson::stated(cx, from) || !lesson::changes_from(cx, from).is_empty() {
        return Vec::new();
    }
    let s = &cx.a.sentences[from];
    vec![cx.signal(
        "no-change",
        Severity::Warn,
        "The lesson is not followed by a concrete change (a practice, rule or tool you now use)"
            .into(),
        format!(
            "lesson from \"{}\" on: no change marker ('now I', 'since then', 'every time', ...)",
            Cx::opening(&s.text)
        ),
        Some(s.start_s),
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{analysis, assert_quiet, assert_raises, ids, ids_of};
    use super::*;

    const STORY: &str = "[situation] I bought fabric for a small clothing label of twelve people. \
        [task] I owned the order for the autumn line. \
        [action] I went with a new mill because they were friendly and cheap, and I skipped the sample run. \
        [result] A third of the rolls came in the wrong shade, and the line shipped a month late.";

    #[test]
    fn fires_when_the_lesson_changes_nothing() {
        assert_raises(
            check,
            "star-l",
            [
                "[learning] What stuck with me is that a friendly supplier is still a supplier.",
                "[learning] Looking back, I trusted a good phone call more than a real sample.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["no-change"],
        );
    }

    #[test]
    fn quiet_when_a_change_follows_or_no_lesson_is_stated() {
        assert_quiet(
        check,
        "star-l",
        [
            "[learning] What stuck with me is that a friendly supplier is still a supplier. Now every new mill gets a small trial order before we sign anything.",
            "[learning] I learned to check colour in daylight. These days I ask for three sample rolls from each dye lot.",
            "[learning] Since then, a second person signs every fabric order before it goes.",
            "",
        ]
.map(|l| format!("{STORY} {l}")),
);
    }

    #[test]
    fn quiet_when_the_change_is_told_in_the_present_or_in_the_next_round() {
        // No "now I" or "since then": the practice in the present tense, or the next round
        // done differently.
        assert_quiet(
            check,
            "star-l",
            [
                "[learning] What stuck with me is that a phone call is not a sample. Every new mill now gets a trial order first.",
                "[learning] What stuck with me is that a phone call is not a sample. Now the trial order comes first, whatever the price.",
                "[learning] What stuck with me is that a phone call is not a sample. For the next season we ordered sample rolls from three mills.",
                "[learning] What stuck with me is that a phone call is not a sample. On the next line, I had every roll checked in daylight.",
            ]
            .map(|l| format!("{STORY} {l}")),
        );
    }

    #[test]
    fn fires_when_now_only_promises_to_be_better() {
        // "Now" in a generic lesson is still no change: the sentence is a vague lesson first.
        assert_raises(
            check,
            "star-l",
            [
                "[learning] What stuck with me is that a phone call is not a sample. Now I just try to be more careful.",
                "[learning] I learned a lot, and I'm a better buyer now because I try harder.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["no-change"],
        );
    }

    #[test]
    fn fires_when_the_failure_is_only_remembered() {
        assert_raises(
            check,
            "star-l",
            [
                "[learning] A phone call is not a sample. That autumn has stayed with me since.",
                "[learning] A phone call is not a sample. That autumn comes to mind whenever I sign an order.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["no-change"],
        );
        // "The thing that stuck with me" opens a lesson; the practice after it still counts.
        assert_quiet(
            check,
            "star-l",
            ["[learning] The thing that stuck with me was how little a phone call proves, and ever since I have asked every mill for a roll first."]
                .map(|l| format!("{STORY} {l}")),
        );
    }

    #[test]
    fn fires_when_the_change_is_a_feeling_dated_in_time() {
        assert_raises(
            check,
            "star-l",
            [
                "[learning] A phone call is not a sample. I'm a lot warier of new mills now.",
                "[learning] A phone call is not a sample. A friendly rep makes me nervous these days.",
                "[learning] A phone call is not a sample. A grey roll still gets me every time one comes in.",
                "[learning] A phone call is not a sample. These days I am far more thoughtful about mills.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["no-change"],
        );
        // A feeling beside a practice: the practice counts, in the same sentence or the next.
        assert_quiet(
            check,
            "star-l",
            [
                "[learning] I'm warier now, and before every order I ask the mill for a sample roll.",
                "[learning] I'm a lot warier of new mills now. Every new mill gets a trial order first.",
                "[learning] I'm stricter now: no order goes out until I check a sample roll in daylight.",
            ]
            .map(|l| format!("{STORY} {l}")),
        );
    }

    #[test]
    fn quiet_when_the_ending_tells_only_a_feeling() {
        // No lesson put into words, so no change is owed: how the speaker is now, what still
        // brings the day back, or a story trailing off.
        assert_quiet(
            check,
            "star-l",
            [
                "[learning] I'm a lot warier of new mills now. Raw linen on a cutting table still brings that autumn back.",
                "[learning] The whole business still gets to me, years on. I am quieter in supplier meetings these days.",
                "[learning] So, um, yeah. That was that.",
            ]
            .map(|l| format!("{STORY} {l}")),
        );
        // A lesson beside the feeling, or growth claimed, is a lesson told: it owes a change.
        assert_raises(
            check,
            "star-l",
            [
                "[learning] I'm a lot warier of new mills now. A cheerful rep proves nothing about the cloth.",
                "[learning] I'm a better buyer for that autumn. I'm calmer about it now.",
                "[learning] The memory still gets to me, and I learned to distrust a bargain.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["no-change"],
        );
    }

    #[test]
    fn quiet_when_the_ending_tells_the_day_again() {
        // A memory told as a story, in the past: no lesson put into words.
        assert_quiet(
            check,
            "star-l",
            [
                "[learning] The mill's owner sent a long apology letter, and I kept it in my desk for years.",
                "[learning] I drove past their yard a year later and the same rolls were stacked by the gate.",
            ]
            .map(|l| format!("{STORY} {l}")),
        );
        // The same words with the present in them state something, and owe a change.
        assert_raises(
            check,
            "star-l",
            [
                "[learning] An apology letter is no sample, and a kind word is no contract.",
                "[learning] The mill's owner was kind, but a bargain that skips the sample run is no bargain.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["no-change"],
        );
    }

    #[test]
    fn fires_when_the_lesson_is_only_claimed() {
        // The claim's nouns and time words are no practice.
        assert_raises(
            check,
            "star-l",
            [
                "[learning] My takeaway: a sign-off means I saw the roll myself.",
                "[learning] My lesson is that one rule about samples only works if someone keeps it.",
                "[learning] It taught me that cheap mills cost more these days.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["no-change"],
        );
        // The speaker doing something, in the claim or after it, is a change.
        assert_quiet(
            check,
            "star-l",
            [
                "[learning] My takeaway: I check every sample roll myself before I sign.",
                "[learning] My lesson? Samples matter. Now every new mill sends one first.",
            ]
            .map(|l| format!("{STORY} {l}")),
        );
    }

    #[test]
    fn fires_when_the_only_change_words_are_outside_the_lesson() {
        // "Since" dating the story in a result, "every week" in the pitch for the new job: the
        // lesson itself changes nothing.
        let opening = "[opening] Let me walk you through a fabric order I got badly wrong.";
        let lesson = "[learning] Looking back, a cheerful supplier is still a supplier.";
        for (after, quiet) in [
            (
                "[connection] Your buyers sign off new mills every week, and I know what a skipped sample costs.",
                false,
            ),
            (
                "[learning] Now every new mill gets a trial order before we sign anything.",
                true,
            ),
        ] {
            let text = format!("{opening} {STORY} {lesson} {after}");
            let got = ids(check, "star-long", &text);
            assert_eq!(got.is_empty(), quiet, "{after}: {got:?}");
        }
        let text =
            format!("{STORY} {lesson} [result] That mill hasn't had an order from us since.");
        assert_eq!(ids(check, "star-l", &text), ["no-change"]);
    }

    #[test]
    fn quiet_when_the_lesson_section_was_placed_by_position_alone() {
        // The decoder puts a left-out Learning where it would have been, on a sentence that is
        // no lesson; nothing of the sentence's own says lesson, so it is not graded as one.
        let text =
            format!("{STORY} [learning] The owner signs the refund cheques to the shops herself.");
        assert_eq!(
            ids(check, "star-l", &text),
            ["no-change"],
            "graded when heard"
        );
        let mut a = analysis("star-l", &text);
        for s in a.sentences.iter_mut().filter(|s| s.section == "learning") {
            s.evidence = crate::analyze::BY_POSITION.to_string();
        }
        let cat = super::super::testkit::catalog();
        let fw = cat.framework("star-l").expect("star-l");
        a.sections = crate::analyze::sections::spans(&a.sentences, fw, 0.0);
        assert!(ids_of(check, "star-l", &a).is_empty());
    }

    #[test]
    fn quiet_outside_failure_stories() {
        let got = ids(
            check,
            "weakness",
            "[weakness] I tend to over plan. [mitigation] I learned that plans age fast. \
             [progress] It is getting better.",
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn quiet_when_the_change_is_told_as_a_habit() {
        assert_quiet(
        check,
        "star-l",
        [
            "[learning] What stuck with me is that a friendly supplier is still a supplier. I still start each season by visiting whoever makes our cloth.",
            "[learning] What stuck with me is that a phone call is not a sample. Holding one roll up to the window is a habit now.",
            "[learning] What stuck with me is that a phone call is not a sample. Looking at cloth in daylight first has become a habit.",
        ]
.map(|l| format!("{STORY} {l}")),
);
    }

    #[test]
    fn fires_when_the_habit_is_the_old_one() {
        let lesson =
            "[learning] Looking back, I had a habit of trusting people who were nice on the phone.";
        let got = ids(check, "star-l", &format!("{STORY} {lesson}"));
        assert_eq!(got, vec!["no-change"], "{lesson}");
    }

    #[test]
    fn quiet_when_the_lesson_is_carried_into_a_later_job() {
        // The change told as what the speaker did in the next or current role, in the past
        // tense, with no "now" or "since then".
        assert_quiet(
            check,
            "star-l",
            [
                "[learning] I learned that a sample beats a sales call. At my current label I brought in trial orders for every new mill, and the wrong shades stopped.",
                "[learning] What stuck with me is that cheap cloth is dear. On my next season I ordered sample rolls from all three mills first.",
            ]
            .map(|l| format!("{STORY} {l}")),
        );
    }

    #[test]
    fn fires_when_the_later_job_only_gets_a_promise() {
        // A generic lesson is no change, whatever job it is promised for.
        assert_raises(
            check,
            "star-l",
            [
                "[learning] What stuck with me is that cheap cloth is dear. In my current role I just try to be more organised.",
                "[learning] I learned that samples matter. My current boss still laughs about that autumn line.",
            ]
            .map(|l| format!("{STORY} {l}")),
            &["no-change"],
        );
    }
}
