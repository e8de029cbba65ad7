//! Builds analyses of short texts for the rules' tests: real words with times, real sentence
//! splitting, and either the decoder's sections or sections given in the text.

use super::common::Cx;
use crate::analyze::frameworks::Catalog;
use crate::analyze::types::{Analysis, Signal};
use crate::analyze::{AnalysisInput, FrameworkChoice, InputKind, analyze, sections};
use crate::transcribe::Word;

pub fn catalog() -> Catalog {
    Catalog::embedded().expect("embedded data")
}

/// An analysis of `text` against `framework`. Sentences that open with `[id]` are labelled
/// that section, and the sentences after them too until the next marker; with no marker at
/// all the decoder labels them. Words are 0.4 s apart (150 wpm) unless `wpm` says otherwise.
pub fn analysis_at(framework: &str, text: &str, wpm: f64) -> Analysis {
    let cat = catalog();
    let step = 60.0 / wpm;
    let mut words = Vec::new();
    let mut marks: Vec<(usize, String)> = Vec::new();
    for t in text.split_whitespace() {
        if let Some(id) = t.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
            marks.push((words.len(), id.to_string()));
            continue;
        }
        let i = words.len() as f64;
        words.push(Word {
            text: t.to_string(),
            start_s: i * step,
            end_s: i * step + step * 0.8,
            p: 1.0,
        });
    }
    let duration_s = words.last().map_or(0.0, |w| w.end_s + 0.5);
    let input = AnalysisInput::words("test.txt", InputKind::Text, words, duration_s);
    let mut a =
        analyze(input, &cat, &FrameworkChoice::Id(framework.into()), None).expect("analysis");
    if !marks.is_empty() {
        let fw = cat.framework(framework).expect("framework");
        for s in &mut a.sentences {
            if let Some((_, id)) = marks.iter().rev().find(|(w, _)| *w <= s.first_word) {
                assert!(fw.section_index(id).is_some(), "no section {id}");
                s.section = id.clone();
                // The test's mark is the evidence, whatever the decoder had said.
                s.evidence = format!("marked [{id}]");
                s.confidence = Some(1.0);
                s.uncertain = false;
            }
        }
        a.sections = sections::spans(&a.sentences, fw, 0.0);
        a.section_timing = sections::timing(
            &a.sections,
            &a.sentences,
            &a.fillers,
            fw,
            a.overall.answer_s,
        );
    }
    a
}

pub fn analysis(framework: &str, text: &str) -> Analysis {
    analysis_at(framework, text, 150.0)
}

/// The ids `check` raises on `text` (sections as [`analysis`] gives them).
pub fn ids(check: fn(&Cx) -> Vec<Signal>, framework: &str, text: &str) -> Vec<String> {
    ids_of(check, framework, &analysis(framework, text))
}

pub fn ids_of(check: fn(&Cx) -> Vec<Signal>, framework: &str, a: &Analysis) -> Vec<String> {
    with_cx(framework, a, |cx| {
        check(cx).into_iter().map(|s| s.id).collect()
    })
}

/// Runs `f` on the rules' context for `a` against `framework`, with the embedded data.
pub fn with_cx<R>(framework: &str, a: &Analysis, f: impl FnOnce(&Cx) -> R) -> R {
    let cat = catalog();
    let fw = cat.framework(framework).expect("framework");
    f(&Cx::new(
        a,
        fw,
        &cat.lexicon,
        &cat.settings,
        Some(&cat.sections),
    ))
}

/// Asserts that `check` raises nothing on any of `texts`: a rule's must-stay-quiet cases.
pub fn assert_quiet(
    check: fn(&Cx) -> Vec<Signal>,
    framework: &str,
    texts: impl IntoIterator<Item = impl AsRef<str>>,
) {
    for text in texts {
        let text = text.as_ref();
        let got = ids(check, framework, text);
        assert!(got.is_empty(), "{text}: {got:?}");
    }
}

/// Asserts that `check` raises exactly `expected` on each of `texts`: a rule's must-fire cases.
pub fn assert_raises(
    check: fn(&Cx) -> Vec<Signal>,
    framework: &str,
    texts: impl IntoIterator<Item = impl AsRef<str>>,
    expected: &[&str],
) {
    for text in texts {
        let text = text.as_ref();
        assert_eq!(ids(check, framework, text), expected, "{text}");
    }
}
