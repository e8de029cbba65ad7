//! `missing-section:ID`: a section of the framework is not in the answer.
//!
//! ## What it flags
//! A framework section that no sentence was labelled with: the decoder weighed cues, what each
//! sentence sounds like and where it falls, and found it cheaper to leave the section out than
//! to give it a sentence that does not sound like it. A section that must tell a lesson
//! (`needs_lesson`, STAR + Learning's Learning) and was placed only on memories and feelings, or
//! one that must tell a change (`needs_practice`, failure-5's Change) and was placed only on a
//! lesson stated as a general truth or on memories, is counted as left out
//! (`analyze/endings.rs`), and the evidence quotes the first of its sentences.
//!
//! ## Why an interviewer cares
//! Each part answers a question the interviewer is holding: a story with no result leaves them
//! guessing the stakes; one with no lesson misses the point of the question (seed 000: "extract
//! a systemic lesson"; seed 004: "show you changed, don't just say you learned").
//!
//! ## Fires on
//! A STAR answer that goes from the decision straight to the moral: "...so I approved the
//! headline unread. Now I read every story before I sign off its headline." (no result). A STAR
//! answer that ends "...the paper printed a correction. That headline stays with me." (no
//! learning).
//!
//! ## Stays quiet on
//! An answer that covers every section, even without the stock phrases. And a missing section
//! whose framework says `flag_when_missing = false`:
//! - STAR's Task. A task is mostly told in passing ("the rota was mine", "that part fell to the
//!   nurses"), and the decoder folds it into the situation or the action. On 150 answers
//!   written for the project it reported a missing Task 16 times and was right 4. Leaving it
//!   out removed 8 false alarms and no true one on the 102 answers written for stop 31 after
//!   that choice, 4 and 4 on stop 30's thirty, and one true one on the dev set
//!   (docs/measurements.md, "Stop 31").
//! - failure-5's Own it, whose absence is `no-ownership`'s to report.
//!
//! The timeline still shows such a section as missing, marked uncertain.
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
            let (evidence, at_s) = match remembered(cx, &st.id) {
                Some((e, at)) => (e, Some(at)),
                None => (format!("no sentence was labelled {}", st.id), None),
            };
            cx.signal(
                format!("missing-section:{}", st.id),
                Severity::Major,
                format!(
                    "No {} section: {}",
                    st.name.to_lowercase(),
                    about(cx.fw, &st.id)
                ),
                evidence,
                at_s,
            )
        })
        .collect()
}

/// Where `endings.rs` gave a section's sentences back because they tell no lesson (or no
/// change), the evidence says so and quotes the first of them, with its time.
fn remembered(cx: &Cx, id: &str) -> Option<(String, f64)> {
    let sec = cx.fw.sections.iter().find(|s| s.id == id)?;
    let given = crate::analyze::endings::evidence_for(sec)?;
    let first = cx.a.sentences.iter().find(|s| s.evidence == given)?;
    let quote = Cx::opening(&first.text);
    let more = if quote.len() < first.text.len() {
        "..."
    } else {
        ""
    };
    let (what, none) = if sec.needs_lesson {
        ("remember or feel", "none tells a lesson")
    } else {
        (
            "state a lesson or remember",
            "none tells what you now do differently",
        )
    };
    Some((
        format!("the closing sentences {what} (\"{quote}{more}\") and {none}"),
        first.start_s,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{analysis_at, ids};
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

    #[test]
    fn quiet_on_a_missing_section_the_framework_does_not_flag() {
        let text = "[situation] I ran the night desk at a small newspaper. \
             [action] I approved a headline without reading the story under it. \
             [result] The paper printed a correction the next morning. \
             [learning] Now I read every story before I sign off its headline.";
        assert!(ids(check, "star-l", text).is_empty());
        let a = analysis_at("star-l", text, 150.0);
        let task = a.section_timing.iter().find(|t| t.id == "task");
        let task = task.expect("task timing");
        assert_eq!(task.status, Status::Missing);
        assert!(task.uncertain, "shown as a best guess");
    }

    #[test]
    fn quiet_on_a_failure_answer_without_its_opening_which_no_ownership_reports() {
        let text = "[context] I kept the stock records for a garden centre. \
             [what-went-wrong] The spring order went in twice, and forty pallets of compost \
             stood in the car park for a month. \
             [lesson] A figure typed by hand gets checked twice. \
             [change] Now the till system raises every order, and a colleague reads it back.";
        assert!(ids(check, "failure-5", text).is_empty());
    }
}
