//! Which question to practise next: one never tried, else the one whose latest answer was the
//! weakest, each with the one line that says why (`rehearse practice`).

use super::{AnalysisStatus, Listing, Summary};
use crate::analyze::Status;
use crate::analyze::frameworks::{Catalog, Question};

/// Questions whose framework allows more than this are left to be asked for by id: the long
/// senior form (10-18 minutes) is not a drill.
const DRILL_MAX_S: f64 = 300.0;

/// A question picked for practice and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick<'a> {
    pub question: &'a Question,
    pub why: String,
}

/// The questions a drill may pick from: the theme's (all when `None`), short enough to drill,
/// less those in `skip` (asked already in this session).
pub fn candidates<'a>(
    catalog: &'a Catalog,
    theme: Option<&str>,
    skip: &[&str],
) -> Vec<&'a Question> {
    catalog
        .questions
        .iter()
        .filter(|q| theme.is_none_or(|t| q.theme == t))
        .filter(|q| !skip.contains(&q.id.as_str()))
        .filter(|q| {
            catalog
                .framework(&q.framework)
                .is_some_and(|f| f.overall.max_s <= DRILL_MAX_S)
        })
        .collect()
}

/// How good an answer was, 0 (nothing in target, many signals) up to 1: the share of sections
/// in their target, less a little for each coaching signal and for a length outside the band.
pub fn strength(s: &Summary) -> f64 {
    let in_target = s.sections_in_target() as f64 / s.sections.len().max(1) as f64;
    let length = if s.length == Status::Ok { 0.0 } else { 0.1 };
    in_target - 0.05 * s.signals.len() as f64 - length
}

/// The question most worth practising: the first never tried (in the bank's order), else the
/// one whose latest answer was the weakest (a failed analysis counts as weakest).
pub fn most_worth_practising<'a>(
    catalog: &'a Catalog,
    listing: &Listing,
    theme: Option<&str>,
    skip: &[&str],
) -> Option<Pick<'a>> {
    let pool = candidates(catalog, theme, skip);
    let latest = |id: &str| {
        listing
            .attempts
            .iter()
            .rev()
            .find(|a| a.meta.question.as_ref().and_then(|q| q.id.as_deref()) == Some(id))
    };
    if let Some(q) = pool.iter().find(|q| latest(&q.id).is_none()) {
        return Some(Pick {
            question: q,
            why: "never tried yet".to_string(),
        });
    }
    let mut weakest: Option<(f64, &Question, String)> = None;
    for q in pool {
        let Some(a) = latest(&q.id) else { continue };
        let (score, how) = match (&a.meta.analysis.status, a.summary()) {
            (AnalysisStatus::Ok, Some(s)) => (
                strength(s),
                format!(
                    "{}/{} sections in target, {} signal{}",
                    s.sections_in_target(),
                    s.sections.len(),
                    s.signals.len(),
                    if s.signals.len() == 1 { "" } else { "s" }
                ),
            ),
            _ => (-1.0, "its analysis failed".to_string()),
        };
        let day = a.meta.started_at.get(..10).unwrap_or("").to_string();
        // Ties go to the question practised longest ago (listings are oldest first).
        if weakest.as_ref().is_none_or(|(w, _, _)| score < *w) {
            weakest = Some((score, q, format!("your latest answer ({day}) had {how}")));
        }
    }
    weakest.map(|(_, q, how)| Pick {
        question: q,
        why: format!("the weakest of your latest answers: {how}"),
    })
}

/// A question drawn at random from the candidates, `seed` choosing which.
pub fn random<'a>(
    catalog: &'a Catalog,
    theme: Option<&str>,
    skip: &[&str],
    seed: u64,
) -> Option<Pick<'a>> {
    let pool = candidates(catalog, theme, skip);
    let n = pool.len() as u64;
    (n > 0).then(|| Pick {
        question: pool[(seed % n) as usize],
        why: format!(
            "drawn at random from {n} question{}",
            if n == 1 { "" } else { "s" }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::QuestionRef;
    use crate::analyze::frameworks::Band;
    use crate::history::{AnalysisState, Attempt, AttemptId, AttemptSource, Meta, SectionSummary};

    fn catalog() -> Catalog {
        Catalog::embedded().expect("embedded")
    }

    fn band() -> Band {
        Band {
            min_s: 1.0,
            max_s: 2.0,
        }
    }

    /// An attempt at `question` with `ok` of 5 sections in target and `signals` signals.
    fn attempt(n: usize, question: &str, ok: usize, signals: usize) -> Attempt {
        let sections = (0..5)
            .map(|i| SectionSummary {
                id: format!("s{i}"),
                name: format!("S{i}"),
                seconds: 1.0,
                target: band(),
                status: if i < ok { Status::Ok } else { Status::Short },
            })
            .collect();
        let summary = Summary {
            framework_name: "x".into(),
            answer_s: 90.0,
            target: band(),
            length: Status::Ok,
            words: 200,
            sections,
            wpm: 140.0,
            pace_band: band(),
            pace: crate::analyze::PaceStatus::Ok,
            fillers: 0,
            fillers_per_min: 0.0,
            signals: (0..signals).map(|i| format!("sig{i}")).collect(),
            estimated: false,
            pitch_variation_st: None,
        };
        let id = AttemptId(format!("2026010{n}-000000-aaaaa{n}"));
        Attempt {
            dir: std::path::PathBuf::from(id.as_str()),
            meta: Meta {
                schema: 1,
                id,
                question: Some(QuestionRef {
                    id: Some(question.to_string()),
                    text: question.to_string(),
                }),
                framework_requested: None,
                framework: Some("star-l".into()),
                started_at: format!("2026-01-0{n}T00:00:00Z"),
                saved_at: format!("2026-01-0{n}T00:00:00.000000Z"),
                duration_s: 90.0,
                source: AttemptSource::Record,
                device: None,
                model: None,
                rehearse_version: "0".into(),
                original: None,
                analysis: AnalysisState {
                    status: AnalysisStatus::Ok,
                    error: None,
                    analyzed_at: String::new(),
                    rehearse_version: "0".into(),
                },
                summary: Some(summary),
                follow_ups: Vec::new(),
            },
            key: Default::default(),
        }
    }

    fn listing(attempts: Vec<Attempt>) -> Listing {
        Listing {
            attempts,
            ..Default::default()
        }
    }

    #[test]
    fn never_tried_comes_first_in_bank_order() {
        let cat = catalog();
        let none = listing(vec![]);
        let p = most_worth_practising(&cat, &none, None, &[]).expect("a pick");
        assert_eq!(
            (p.question.id.as_str(), p.why.as_str()),
            ("failed", "never tried yet")
        );
        let tried = listing(vec![attempt(1, "failed", 5, 0)]);
        let p = most_worth_practising(&cat, &tried, None, &[]).expect("a pick");
        assert_eq!(p.question.id, "greatest-failure");
        let p = most_worth_practising(&cat, &none, Some("conflict"), &["conflict-coworker"])
            .expect("a pick");
        assert_eq!(p.question.id, "disagree-manager");
        // The long senior form is never drilled unless asked for by id.
        assert!(
            candidates(&cat, None, &[])
                .iter()
                .all(|q| q.id != "failed-long")
        );
    }

    #[test]
    fn with_everything_tried_the_weakest_latest_answer_wins() {
        let cat = catalog();
        let theme: Vec<&str> = candidates(&cat, Some("customer"), &[])
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        assert!(theme.len() >= 3, "{theme:?}");
        let mut attempts: Vec<Attempt> = theme
            .iter()
            .enumerate()
            .map(|(i, q)| attempt(i + 1, q, 4, 1))
            .collect();
        // The second question's first answer was poor, but its latest is the best of all;
        // the third's latest is the worst.
        attempts.insert(0, attempt(0, theme[1], 0, 9));
        attempts.push(attempt(8, theme[1], 5, 0));
        attempts.push(attempt(9, theme[2], 1, 3));
        let p =
            most_worth_practising(&cat, &listing(attempts), Some("customer"), &[]).expect("a pick");
        assert_eq!(p.question.id, theme[2]);
        assert_eq!(
            p.why,
            "the weakest of your latest answers: your latest answer (2026-01-09) had 1/5 sections in target, 3 signals"
        );
    }

    #[test]
    fn random_stays_in_the_theme_and_skips_what_was_asked() {
        let cat = catalog();
        for seed in 0..50 {
            let p = random(&cat, Some("conflict"), &["conflict-coworker"], seed).expect("a pick");
            assert_eq!(p.question.theme, "conflict");
            assert_ne!(p.question.id, "conflict-coworker");
        }
        assert!(random(&cat, Some("no-such-theme"), &[], 1).is_none());
    }
}
