//! The failure-answer scorecard: what interviewers evaluate in a failure answer (self-awareness,
//! accountability, resilience, learning, vulnerability), each shown, weak or missing, with the
//! words that decided it.

use super::common::{Cx, Found, LESSON_SECTIONS};
use super::{blame, lesson};
use crate::analyze::{ScoreItem, Verdict};

pub(super) fn card(cx: &Cx) -> Vec<ScoreItem> {
    let item = |id: &str, verdict, evidence: String| ScoreItem {
        id: id.into(),
        verdict,
        evidence,
    };
    let found_or = |f: &[Found], none: &str| {
        if f.is_empty() {
            none.to_string()
        } else {
            cx.quotes(f, 2)
        }
    };
    let b = blame::find(cx);
    let ownership = &b.ownership;
    let blamed = b.fires(cx.settings.blame_min, cx.settings.blame_others_min);
    let vague = lesson::generic(cx, cx.all());
    let changes = lesson::start(cx).map_or_else(Vec::new, |s| lesson::changes_from(cx, s));
    let mut out = Vec::new();
    // Self-awareness: naming one's own error specifically.
    out.push(item(
        "self-awareness",
        match ownership.len() {
            0 => Verdict::Missing,
            1 => Verdict::Weak,
            _ => Verdict::Shown,
        },
        found_or(
            ownership,
            "no sentence names your own error ('I didn't check ...')",
        ),
    ));
    // Accountability: ownership without blame.
    out.push(item(
        "accountability",
        if blamed {
            Verdict::Weak
        } else if ownership.is_empty() {
            Verdict::Missing
        } else {
            Verdict::Shown
        },
        if blamed {
            let why = b.reasons(cx.settings.blame_min, cx.settings.blame_others_min);
            format!("blame: {}", cx.quotes(&why, 2))
        } else {
            found_or(ownership, "no ownership statement")
        },
    ));
    let res = cx.find(&cx.lex.resilience, cx.all());
    out.push(item(
        "resilience",
        if res.is_empty() {
            Verdict::Missing
        } else {
            Verdict::Shown
        },
        found_or(&res, "nothing about recovering or fixing it"),
    ));
    let learn = cx.find(&cx.lex.learning, cx.all());
    // A lesson section the report shows, with no lesson phrase in it: weak, never "no lesson
    // stated" beside a table that lists a Learning section.
    let lesson_words = cx.words_in(LESSON_SECTIONS);
    let lesson_section = lesson_words.iter().find(|r| !r.is_empty());
    out.push(item(
        "learning",
        if learn.is_empty() && lesson_section.is_some() {
            Verdict::Weak
        } else if learn.is_empty() {
            Verdict::Missing
        } else if changes.is_empty() || !vague.is_empty() {
            Verdict::Weak
        } else {
            Verdict::Shown
        },
        if let (true, Some(r)) = (learn.is_empty(), lesson_section) {
            format!(
                "{}; it says what happened next, not what you learned ('I learned ...')",
                cx.quote(r.start)
            )
        } else if learn.is_empty() {
            "no lesson stated".to_string()
        } else if changes.is_empty() {
            format!("{}; no concrete change", cx.quotes(&learn, 1))
        } else {
            format!(
                "{}; change: {}",
                cx.quotes(&learn, 1),
                cx.quotes(&changes, 1)
            )
        },
    ));
    // An admission inside a sentence that blames someone else is not vulnerability shown.
    let blamed_sentences: Vec<usize> = b
        .all()
        .iter()
        .filter_map(|f| sentence_of(cx, f.word))
        .collect();
    let vul: Vec<Found> = cx
        .find(&cx.lex.vulnerability, cx.all())
        .into_iter()
        .filter(|f| sentence_of(cx, f.word).is_none_or(|s| !blamed_sentences.contains(&s)))
        .collect();
    out.push(item(
        "vulnerability",
        if vul.is_empty() {
            Verdict::Missing
        } else {
            Verdict::Shown
        },
        found_or(&vul, "no honest admission ('I was wrong', 'I didn't know')"),
    ));
    out
}

/// The sentence holding word `word`.
fn sentence_of(cx: &Cx, word: usize) -> Option<usize> {
    cx.a.sentences
        .iter()
        .position(|s| (s.first_word..s.first_word + s.n_words).contains(&word))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{analysis, catalog};
    use super::*;

    fn verdict(framework: &str, text: &str, id: &str) -> (Verdict, String) {
        let a = analysis(framework, text);
        let cat = catalog();
        let fw = cat.framework(framework).expect("framework");
        let cx = Cx::new(&a, fw, &cat.lexicon, &cat.settings, Some(&cat.sections));
        let item = card(&cx).into_iter().find(|i| i.id == id).expect("item");
        (item.verdict, item.evidence)
    }

    #[test]
    fn an_admission_inside_a_blaming_sentence_is_not_vulnerability() {
        let text = "[situation] We shipped a release late last spring. \
            [action] Honestly it was the QA team's fault because they never tested it. \
            [result] The launch slipped two weeks. \
            [learning] Since then I review the test plan myself.";
        let (v, e) = verdict("star-l", text, "vulnerability");
        assert_eq!(v, Verdict::Missing, "{e}");
        let clean = "[situation] We shipped a release late last spring. \
            [action] Honestly I was wrong to skip the test plan. \
            [result] The launch slipped two weeks. \
            [learning] Since then I review the test plan myself.";
        assert_eq!(verdict("star-l", clean, "vulnerability").0, Verdict::Shown);
    }

    #[test]
    fn a_learning_section_without_a_lesson_phrase_is_weak_not_missing() {
        let text = "[situation] We shipped a release late last spring. \
            [action] I skipped the test plan to save a day. \
            [result] The launch slipped two weeks. \
            [learning] After that the team moved on to the next project.";
        let (v, e) = verdict("star-l", text, "learning");
        assert_eq!(v, Verdict::Weak, "{e}");
        assert!(!e.contains("no lesson stated"), "{e}");
        let none = "[situation] We shipped a release late last spring. \
            [action] I skipped the test plan to save a day. \
            [result] The launch slipped two weeks.";
        assert_eq!(verdict("star-l", none, "learning").0, Verdict::Missing);
    }
}
