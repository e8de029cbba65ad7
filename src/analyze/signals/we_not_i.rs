//! `we-not-i`: what was done is told almost only as "we".
//!
//! ## What it flags
//! In the sentences that tell what was done (action, what went wrong, the failure, immediate
//! actions, how, applied, result), "we" as the one acting at least `we_not_i_min` (4) times and
//! at least `we_not_i_share` (0.75) of all "we" and "I" there. "Our" and "my" do not count:
//! "our team" is context, not a claim about who acted. The "we" of a decision the speaker made
//! for the group ("I decided we'd wait", "I told the team we would": `decisions` in
//! lexicon.toml) counts as "I": the one acting there is the speaker, by deciding.
//!
//! ## Why an interviewer cares
//! The interviewer is hiring you, not your team: "we decided, we shipped" hides what you did,
//! and in a failure story it can read as spreading the blame (frameworks.toml: "Say 'I', not
//! 'we'").
//!
//! ## Fires on
//! "We chose the caterer. We set the menu, we sent the invitations, and we booked the hall for
//! the wrong Saturday."
//!
//! ## Stays quiet on
//! "We had a month, so I chose the caterer and I set the menu; I booked the hall, and we
//! ended up with the wrong Saturday."

use super::common::{ACTION_SECTIONS, Cx, I_FORMS as I, Severity, Signal, WE_FORMS as WE};

/// Sections that tell what was done, beyond the action sections: the result often carries the
/// rest of the narration.
const NARRATION: &[&str] = &["result"];

/// Most words between a decision phrase and the "we" it governs: "I told the whole team we'd"
/// is within, "I decided to call a meeting where we" is past it.
const DECIDED_GAP: usize = 3;

/// Words that are "we" only as what the speaker decided: the first "we" at most
/// [`DECIDED_GAP`] words after a `decisions` phrase ("I decided we'd wait a week", "I told
/// the team we would wait"), in the same sentence.
fn decided(cx: &Cx) -> Vec<usize> {
    let mut out = Vec::new();
    for f in cx.find(&cx.lex.decisions, cx.all()) {
        let end =
            cx.a.sentences
                .iter()
                .map(|s| s.first_word + s.n_words)
                .find(|&e| e > f.word)
                .unwrap_or(cx.toks.len());
        let from = f.word + f.len;
        let to = (from + DECIDED_GAP + 1).min(end);
        if let Some(k) = (from..to).find(|&k| WE.contains(&cx.toks[k].as_str())) {
            out.push(k);
        }
    }
    out
}

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    let ids: Vec<&str> = ACTION_SECTIONS.iter().chain(NARRATION).copied().collect();
    let decided = decided(cx);
    let (mut we, mut i, mut first_we) = (0usize, 0usize, None);
    for r in cx.words_in(&ids) {
        for k in r {
            let t = cx.toks[k].as_str();
            if decided.contains(&k) {
                // "I decided we'd wait": the speaker acted, by deciding.
                i += 1;
            } else if WE.contains(&t) {
                we += 1;
                first_we.get_or_insert(k);
            } else if I.contains(&t) {
                i += 1;
            }
        }
    }
    let share = we as f64 / (we + i).max(1) as f64;
    if (we as f64) < cx.settings.we_not_i_min || share < cx.settings.we_not_i_share {
        return Vec::new();
    }
    let k = first_we.unwrap_or(0);
    vec![cx.signal(
        "we-not-i",
        Severity::Warn,
        format!(
            "\"We\" {we} times and \"I\" {i} times where you describe what was done; say what you did"
        ),
        cx.quote(k),
        cx.at(k),
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_quiet, ids};
    use super::*;

    #[test]
    fn fires_when_the_action_is_all_we() {
        let got = ids(
            check,
            "star-l",
            "[situation] Our committee of four ran the school gala. \
             [action] We chose the caterer. We set the menu, we sent the invitations, and we \
             booked the hall for the wrong Saturday. \
             [result] Half the guests came on the wrong day and we refunded them. \
             [learning] Now I confirm every booking in writing.",
        );
        assert_eq!(got, vec!["we-not-i"]);
    }

    #[test]
    fn quiet_when_the_speaker_says_what_they_did() {
        assert_quiet(
            check,
            "star-l",
            [
                "[situation] Our committee of four ran the school gala, and our date was in May. \
             [action] We had a month, so I chose the caterer and I set the menu. I booked \
             the hall, and we ended up with the wrong Saturday. \
             [result] Half the guests came on the wrong day and I refunded them myself.",
                // "We" in the context and the lesson is not the action.
                "[situation] We were four parents, and we ran the gala. We had a month. \
             [action] I chose the caterer and I booked the hall. \
             [result] The date was wrong. [learning] Now we confirm every booking in writing, \
             and we read the contract together.",
            ],
        );
    }

    #[test]
    fn a_decision_the_speaker_made_for_the_group_counts_as_i() {
        // The same choir story, first with the speaker deciding for the group, then with the
        // group deciding: only the second is told as "we".
        let story = |who: &str| {
            format!(
                "[situation] Our choir had a concert in the town hall in June. \
                 [action] {who} we would drop the dress rehearsal, so we met once at the \
                 hall. We learned the new piece at home, and we printed the programmes the \
                 night before. [result] The hall was double booked and we sang in the foyer."
            )
        };
        for who in [
            "I decided",
            "I told the whole choir",
            "I made the call that",
            "I insisted that",
        ] {
            let text = story(who);
            let got = ids(check, "star-l", &text);
            assert!(got.is_empty(), "{text}: {got:?}");
        }
        for who in ["We decided", "The board told us", "Everyone agreed that"] {
            let text = story(who);
            assert_eq!(ids(check, "star-l", &text), vec!["we-not-i"], "{text}");
        }
    }

    #[test]
    fn a_we_story_with_an_i_that_decides_nothing_still_fires() {
        for text in [
            // "I" as a witness, not a decider; a decision phrase too far from its "we".
            "[situation] Our committee ran the spring fair. [action] I remember we chose the \
             field. We hired the tents, we sold the tickets, and we booked the band. \
             [result] It rained and we lost the deposit.",
            "[situation] Our committee ran the spring fair. [action] I decided to call a \
             meeting where we chose the field. We hired the tents, we sold the tickets, and \
             we booked the band. [result] It rained and we lost the deposit.",
        ] {
            assert_eq!(ids(check, "star-l", text), vec!["we-not-i"], "{text}");
        }
    }
}
