//! Coaching signals: what an interviewer would notice, each with the evidence that raised it,
//! the failure-question scorecard, and the three most useful next steps.
//!
//! Each signal is one rule in its own file, read and tested alone (the way ruff lays out lint
//! rules): the file says what it flags, why an interviewer cares, an answer it fires on and one
//! it must stay quiet on, and its tests hold both. The word lists and thresholds the rules use
//! are data (`data/lexicon.toml`); the rules are the generic part. A false alarm in a coaching
//! report costs more trust than a miss, so a rule that is unsure stays quiet.

mod common;
#[cfg(test)]
pub(crate) mod testkit;

mod blame;
mod closing_question;
mod fillers_heavy;
mod hedging;
mod length;
mod lesson;
mod long_pause;
mod long_section;
mod missing_section;
mod no_change;
mod no_metrics;
mod no_ownership;
mod pace;
mod scorecard;
mod self_deprecation;
mod we_not_i;
mod weak_lesson;

use super::frameworks::{Framework, Lexicon, SectionData, Settings};
use super::types::{Analysis, ScoreItem, Severity, Signal, Status};
pub(crate) use common::{Cx, NUMBER_WORDS, about, clock};

/// A rule: the ids it may raise and the function that decides.
struct Rule {
    /// The signal id, or its prefix for families (`missing-section:`).
    id: &'static str,
    check: fn(&Cx) -> Vec<Signal>,
}

/// Every rule, in the order their signals appear in the report.
const RULES: &[Rule] = &[
    Rule {
        id: "missing-section:",
        check: missing_section::check,
    },
    Rule {
        id: "long-section:",
        check: long_section::check,
    },
    Rule {
        id: "too-short",
        check: length::too_short,
    },
    Rule {
        id: "too-long",
        check: length::too_long,
    },
    Rule {
        id: "long-pause",
        check: long_pause::check,
    },
    Rule {
        id: "fillers-heavy",
        check: fillers_heavy::check,
    },
    Rule {
        id: "hedging",
        check: hedging::check,
    },
    Rule {
        id: "pace-",
        check: pace::check,
    },
    Rule {
        id: "no-metrics",
        check: no_metrics::check,
    },
    Rule {
        id: "blame",
        check: blame::check,
    },
    Rule {
        id: "weak-lesson",
        check: weak_lesson::check,
    },
    Rule {
        id: "no-change",
        check: no_change::check,
    },
    Rule {
        id: "no-ownership",
        check: no_ownership::check,
    },
    Rule {
        id: "we-not-i",
        check: we_not_i::check,
    },
    Rule {
        id: "self-deprecation",
        check: self_deprecation::check,
    },
    Rule {
        id: "no-closing-question",
        check: closing_question::check,
    },
];

/// Computes the signals and the scorecard.
pub fn evaluate(
    a: &Analysis,
    fw: &Framework,
    lex: &Lexicon,
    settings: &Settings,
    sections: Option<&SectionData>,
) -> (Vec<Signal>, Vec<ScoreItem>) {
    let cx = Cx::new(a, fw, lex, settings, sections);
    let mut out = Vec::new();
    for rule in RULES {
        let found = (rule.check)(&cx);
        debug_assert!(found.iter().all(|s| s.id.starts_with(rule.id)));
        out.extend(found);
    }
    let card = if cx.failure_story() {
        scorecard::card(&cx)
    } else {
        Vec::new()
    };
    (out, card)
}

/// A section's length as the user should read it: whole seconds, unless rounding would put a
/// length outside its target inside it (7.86 s against 8-20 s reads "7.9 s", not "8 s").
fn seconds_as_read(d: f64, target: &crate::analyze::frameworks::Band) -> String {
    let whole = d.round();
    let outside = d < target.min_s || d > target.max_s;
    let reads_inside = whole >= target.min_s.round() && whole <= target.max_s.round();
    if outside && reads_inside {
        format!("{d:.1} s")
    } else {
        format!("{whole:.0} s")
    }
}

/// The three most useful next steps, most useful first.
pub fn next_steps(a: &Analysis, fw: &Framework) -> Vec<String> {
    // (tier, how far off target, text): lower tiers first, then the furthest off.
    let mut steps: Vec<(u8, f64, String)> = Vec::new();
    for s in &a.signals {
        let rank = match s.severity {
            Severity::Major => 0,
            Severity::Warn => 2,
            Severity::Info => 4,
        };
        let text = if let Some(id) = s.id.strip_prefix("missing-section:") {
            let name = fw
                .sections
                .iter()
                .find(|x| x.id == id)
                .map_or(id.to_string(), |x| x.name.clone());
            format!("Add a {name} part: {}", about(fw, id))
        } else {
            s.message.clone()
        };
        steps.push((rank, 0.0, text));
    }
    // Section time against target: the headline for a timing coach. Ranked by how far off
    // target each section is (a share of the band's edge), so that a section 60% short comes
    // before one a fraction of a second short; a miss of a quarter or more is worth more than
    // a warning signal.
    let total = a.overall.answer_s;
    for st in &a.section_timing {
        let miss = match st.status {
            Status::Long => (st.duration_s - st.target.max_s) / st.target.max_s.max(1.0),
            Status::Short => (st.target.min_s - st.duration_s) / st.target.min_s.max(1.0),
            _ => continue,
        };
        let rank = if miss >= 0.25 { 1 } else { 3 };
        steps.push((
            rank,
            miss,
            format!(
                "{} took {} of a {} answer; aim for {:.0}-{:.0} s",
                st.name,
                seconds_as_read(st.duration_s, &st.target),
                clock(total),
                st.target.min_s,
                st.target.max_s
            ),
        ));
    }
    steps.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, _, t) in steps {
        if !out.contains(&t) {
            out.push(t);
        }
        if out.len() == 3 {
            break;
        }
    }
    if out.is_empty() {
        out.push("Strong answer: keep the structure and record it again to check it holds".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_distinct_id() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(!RULES[..i].iter().any(|x| x.id == r.id), "{}", r.id);
        }
    }
}
