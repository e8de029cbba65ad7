//! `we-not-i`: what was done is told almost only as "we".
//!
//! ## What it flags
//! In the sentences that tell what was done (action, what went wrong, the failure, immediate
//! actions, how, applied, result), "we" as the one acting at least `we_not_i_min` (4) times and
//! at least `we_not_i_share` (0.75) of all "we" and "I" there. "Our" and "my" do not count:
//! "our team" is context, not a claim about who acted.
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

use super::common::{ACTION_SECTIONS, Cx, Severity, Signal};

/// Sections that tell what was done, beyond the action sections: the result often carries the
/// rest of the narration.
const NARRATION: &[&str] = &["result"];

const WE: &[&str] = &["we", "we'd", "we've", "we're", "we'll"];
const I: &[&str] = &["i", "i'd", "i've", "i'm", "i'll"];

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    let ids: Vec<&str> = ACTION_SECTIONS.iter().chain(NARRATION).copied().collect();
    let (mut we, mut i, mut first_we) = (0usize, 0usize, None);
    for r in cx.words_in(&ids) {
        for k in r {
            let t = cx.toks[k].as_str();
            if WE.contains(&t) {
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
    use super::super::testkit::ids;
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
        for text in [
            "[situation] Our committee of four ran the school gala, and our date was in May. \
             [action] We had a month, so I chose the caterer and I set the menu. I booked \
             the hall, and we ended up with the wrong Saturday. \
             [result] Half the guests came on the wrong day and I refunded them myself.",
            // "We" in the context and the lesson is not the action.
            "[situation] We were four parents, and we ran the gala. We had a month. \
             [action] I chose the caterer and I booked the hall. \
             [result] The date was wrong. [learning] Now we confirm every booking in writing, \
             and we read the contract together.",
        ] {
            let got = ids(check, "star-l", text);
            assert!(got.is_empty(), "{text}: {got:?}");
        }
    }
}
