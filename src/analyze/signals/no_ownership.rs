//! `no-ownership`: no plain admission of one's own mistake at the start.
//!
//! ## What it flags
//! In the frameworks that open by owning it (failure-5, star-long), no ownership phrase ("I made
//! a mistake", "a mistake I made", "that was on me", "my fault", "I got it wrong", "I * should
//! have", "that one's mine", "I made the call": `ownership` in lexicon.toml) in the first
//! `ownership_window_s` (20) seconds. A phrase inside a denial ("it wasn't my fault", "never on
//! me": `disowning`) is no admission.
//!
//! ## Why an interviewer cares
//! Seed 000's first step is "Own it immediately: 'I made a mistake in...'". An answer that
//! starts with the context or with other people's part sounds defensive before it has begun.
//!
//! ## Fires on
//! "So the failure I'd pick is a festival that opened a day late."
//!
//! ## Stays quiet on
//! "I booked the wrong venue for our biggest event, and that was my mistake."
//!
//! ## Source
//! Seed 000.

use super::common::{Cx, Severity, Signal};

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    if cx.fw.id != "failure-5" && cx.fw.id != "star-long" {
        return Vec::new();
    }
    let a = cx.a;
    let window = cx.settings.ownership_window_s;
    let t0 = a.words.first().map_or(0.0, |w| w.start_s);
    let end = a
        .words
        .iter()
        .position(|w| w.start_s > t0 + window)
        .unwrap_or(a.words.len());
    if !cx.admissions(0..end).is_empty() {
        return Vec::new();
    }
    vec![cx.signal(
        "no-ownership",
        Severity::Warn,
        "No ownership statement up front: say 'I made a mistake in ...' in the first 15 seconds"
            .into(),
        format!("no ownership phrase in the first {window:.0} s"),
        None,
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_quiet, assert_raises, ids};
    use super::*;

    #[test]
    fn fires_without_an_admission_up_front() {
        assert_raises(
            check,
            "failure-5",
            [
                "So the failure I'd pick is a festival that opened a day late. I was the site \
             coordinator for a music charity.",
                "So the background is a bakery with ten ovens and two shifts, and a new ordering \
             screen the owner wanted in before the holidays.",
            ],
            &["no-ownership"],
        );
    }

    #[test]
    fn quiet_with_an_admission_in_any_plain_words() {
        assert_quiet(
            check,
            "failure-5",
            [
                "I booked the wrong venue for our biggest event; my call, nobody else's.",
                "I once mailed a donor the wrong receipt, which was on me.",
                "The festival opened late because of two errors, and both were mine.",
                "Let me tell you about a budget I ran, because I got it completely wrong.",
                "I messed up a product recall notice at my last job.",
            ],
        );
    }

    #[test]
    fn only_for_frameworks_that_open_by_owning_it() {
        let got = ids(
            check,
            "star-l",
            "I ran the front desk at a busy dental clinic.",
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn quiet_with_an_admission_in_its_common_forms() {
        assert_quiet(
            check,
            "failure-5",
            [
                "My pick is a recall notice that went out late, after a mistake I made \
             in the first week.",
                "It's a fundraiser that lost money, and the biggest error that I made was the date.",
                "A bakery launch that flopped. My big mistake was the price, and that one's on me.",
                "I got the numbers wrong on a catering order for two hundred guests.",
                "I misread the contract for our warehouse move, and it cost us a week.",
                "There's a survey I ran where, frankly, I was to blame for the delay.",
            ],
        );
    }

    #[test]
    fn blaming_others_or_denying_is_no_admission() {
        assert_raises(
            check,
            "failure-5",
            [
                "The festival opened a day late, and honestly it wasn't my fault: the mistake the \
             vendor made was the permit.",
                "Our launch slipped a month. It was not really my call, and the mistake they made \
             was skipping the review.",
                "The shipment was lost, but I didn't do anything wrong; the courier mislabelled it.",
                "The audit failed, and that was never on me; the numbers came from finance.",
            ],
            &["no-ownership"],
        );
    }

    #[test]
    fn quiet_when_the_speaker_rushed_it_or_the_decision_was_theirs() {
        assert_quiet(
            check,
            "failure-5",
            [
                "My example is a charity raffle that paid out twice, because I rushed the \
             ticket count on the night.",
                "A garden show opened with half its stands empty. Opening on the Friday was my \
             decision, against the advice I had.",
                "We printed four thousand menus with last year's prices, and going to print \
             early was entirely my decision.",
            ],
        );
    }

    #[test]
    fn quiet_when_the_mistake_was_wholly_the_speakers() {
        assert_quiet(
            check,
            "failure-5",
            [
                "A village fete ran out of raffle tickets by noon. The miscount was entirely \
             mine.",
                "Our bakery sent two hundred rolls to the wrong school, and I made the mistake \
             on the order form.",
            ],
        );
        // Someone else's, said the same way, is no admission.
        assert_raises(
            check,
            "failure-5",
            ["A village fete ran out of raffle tickets by noon. The miscount was not mine."],
            &["no-ownership"],
        );
    }

    #[test]
    fn a_decision_that_was_never_the_speakers_is_no_admission() {
        assert_raises(
            check,
            "failure-5",
            [
                "The open day was moved twice, and the date was never my decision; the \
             board set it.",
                "Our shop moved tills in the busiest week. That was not my decision at all.",
            ],
            &["no-ownership"],
        );
    }

    #[test]
    fn quiet_when_the_speaker_cut_a_corner_or_let_it_slip() {
        assert_quiet(
            check,
            "failure-5",
            [
                "My example is a payroll run that went out a day late, because I cut a \
             corner on the bank check.",
                "Our cafe's new menu went out with wrong allergen labels after I took a shortcut \
             with the printing.",
                "The newsletter went out with a broken link; testing it was my part and I let it slip.",
            ],
        );
    }

    #[test]
    fn others_cutting_corners_is_no_admission() {
        assert_raises(
            check,
            "failure-5",
            [
                "The builders cut corners on the wiring, and our office opened a month late.",
                "The printer let the order slip, so our flyers came a week after the fair.",
            ],
            &["no-ownership"],
        );
    }

    #[test]
    fn quiet_when_the_speaker_says_it_was_down_to_them() {
        assert_quiet(
            check,
            "failure-5",
            [
                "Our spring open day had no signs up at the gates, and that was squarely down to me.",
                "A supplier invoice got paid twice last year. That's entirely down to me; I approved \
             both copies.",
                "Um, the brochure went to print with the old phone number. That one was down to me.",
            ],
        );
    }

    #[test]
    fn a_job_left_to_me_or_a_denial_is_no_admission() {
        assert_raises(
            check,
            "failure-5",
            [
                "Booking the hall was down to me, and the caterer cancelled the night before.",
                "The parcels went missing in the depot, and that wasn't down to me at all.",
                "The courier lost half the stock, and that's not down to me.",
            ],
            &["no-ownership"],
        );
    }

    #[test]
    fn quiet_when_the_speaker_got_the_shape_of_the_job_wrong() {
        assert_quiet(
            check,
            "failure-5",
            [
                "The fair opened a month behind, since I got the timing of the permits wrong.",
                "Our shop move went badly, and honestly I had the size of the job wrong from the start.",
            ],
        );
    }

    #[test]
    fn others_getting_it_wrong_or_news_of_it_is_no_admission() {
        assert_raises(
            check,
            "failure-5",
            [
                "They got the sequence of parts wrong at the factory, and the line stopped.",
                "I got the call that the order of the boxes was wrong, and the courier had already left.",
            ],
            &["no-ownership"],
        );
    }

    #[test]
    fn quiet_when_the_mistake_is_one_the_speaker_has_made() {
        assert_quiet(
            check,
            "failure-5",
            [
                "The worst mistake I've made in a job was letting the spring catalogue print with last year's prices.",
                "Probably the biggest error I've made so far was booking the venue before the budget was signed.",
            ],
        );
    }

    #[test]
    fn quiet_when_the_speaker_got_a_named_plan_wrong() {
        assert_quiet(
            check,
            "failure-5",
            [
                "My example is a warehouse move where I got the staffing rota wrong for the first fortnight.",
                "I'll talk about a product launch, because I got my sales forecast wrong by half.",
            ],
        );
    }

    #[test]
    fn someone_else_getting_a_plan_wrong_is_no_admission() {
        assert_raises(
            check,
            "failure-5",
            [
                "My example is a warehouse move where the agency got the staffing rota wrong for a fortnight.",
                "I'll talk about a product launch where our supplier got the delivery schedule wrong by a week.",
            ],
            &["no-ownership"],
        );
    }

    #[test]
    fn quiet_when_the_speaker_claims_the_failure_or_the_call() {
        // Everyday ways to say "this one was my fault" (stop 43).
        assert_quiet(
            check,
            "failure-5",
            [
                "My example is a bridge repair that shut the river road for a week. That one's mine.",
                "A pallet of vaccine spoiled in our cold store, and it's mine, start to finish.",
                "Running the Easter night shift two nurses short? I made the call.",
                "I shouldn't have signed the lease on the second unit before the survey came back.",
                "The delay came from a decision I made, not from the crane firm.",
                "The harbour survey slipped by a month: my screw-up, start to end.",
                "I botched the move to the new warehouse system; that was all me.",
                "Our biggest tasting of the year went badly, and I messed it all up.",
            ],
        );
    }

    #[test]
    fn someone_elses_call_or_a_denied_share_is_no_admission() {
        assert_raises(
            check,
            "failure-5",
            [
                "My manager made the call, we shipped early, and half the orders came back.",
                "The depot lost the pallet, and the blame for that is theirs, not mine.",
                "The council shut the road for a week; the decision the council made cost us the season.",
            ],
            &["no-ownership"],
        );
    }

    #[test]
    fn a_mistake_someone_else_has_made_is_no_admission() {
        assert_raises(
            check,
            "failure-5",
            [
                "The worst mistake our printer has made was running the spring catalogue with last year's prices.",
                "Every mistake they've made on that account landed on my desk the next morning.",
            ],
            &["no-ownership"],
        );
    }
}
