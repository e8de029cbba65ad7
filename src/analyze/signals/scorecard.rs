//! The seed 000 scorecard: what interviewers evaluate in a failure answer (self-awareness,
//! accountability, resilience, learning, vulnerability), each shown, weak or missing, with the
//! words that decided it.

use super::common::{Cx, Found};
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
    let blamed = b.score() >= cx.settings.blame_min;
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
            format!("blame: {}", cx.quotes(&b.all(), 2))
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
    out.push(item(
        "learning",
        if learn.is_empty() {
            Verdict::Missing
        } else if changes.is_empty() || !vague.is_empty() {
            Verdict::Weak
        } else {
            Verdict::Shown
        },
        if learn.is_empty() {
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
    let vul = cx.find(&cx.lex.vulnerability, cx.all());
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
