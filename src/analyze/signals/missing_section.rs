//! `missing-section:ID`: a section of the framework is not in the answer.
//!
//! ## What it flags
//! A framework section that no sentence was labelled with: the decoder weighed cues, what each
//! sentence sounds like and where it falls, and found it cheaper to leave the section out than
//! to give it a sentence that does not sound like it.
//!
//! ## Why an interviewer cares
//! Each part answers a question the interviewer is holding: a story with no result leaves them
//! guessing the stakes; one with no lesson misses the point of the question (seed 000: "extract
//! a systemic lesson"; seed 004: "show you changed, don't just say you learned").
//!
//! ## Fires on
//! A STAR answer that goes from the decision straight to the moral: "...so I approved the
//! headline unread. Now I read every story before I sign off its headline." (no result).
//!
//! ## Stays quiet on
//! An answer that covers every section, even without the stock phrases.
//!
//! ## Source
//! The frameworks in `data/frameworks.toml` (seeds 000, 001, 004).

use super::common::{Cx, Severity, Signal, about};
use crate::analyze::Status;

pub(super) fn check(cx: &Cx) -> Vec<Signal> {
    cx.a.section_timing
        .iter()
        .filter(|st| st.status == Status::Missing)
        .filter(|st| {
            cx.fw
                .sections
                .iter()
                .find(|s| s.id == st.id)
                .is_none_or(|s| s.flag_when_missing)
        })
        .map(|st| {
            cx.signal(
                format!("missing-section:{}", st.id),
                Severity::Major,
                format!(
                    "No {} section: {}",
                    st.name.to_lowercase(),
                    about(cx.fw, &st.id)
                ),
                format!("no sentence was labelled {}", st.id),
                None,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testkit::ids;
    use super::*;

    #[test]
    fn fires_when_a_section_is_not_there() {
        let got = ids(
            check,
            "star-l",
            "[situation] I ran the night desk at a small newspaper. \
             [task] Getting the front page out by one was my job. \
             [action] I approved a headline without reading the story under it. \
             [learning] Now I read every story before I sign off its headline.",
        );
        assert_eq!(got, vec!["missing-section:result"]);
    }

    #[test]
    fn quiet_when_every_section_is_there() {
        let got = ids(
            check,
            "weakness",
            "[weakness] I tend to take on too much. \
             [mitigation] Now I look at my week before I say yes. \
             [progress] My last review said my projects were on track.",
        );
        assert!(got.is_empty(), "{got:?}");
    }
}
