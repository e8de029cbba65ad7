//! Coaching signals: what an interviewer would notice, each with the evidence that raised it,
//! the seed 000 scorecard, and the three most useful next steps.
//!
//! Each signal is one rule in its own file, read and tested alone (the way ruff lays out lint
//! rules): the file says what it flags, why an interviewer cares, an answer it fires on and one
//! it must stay quiet on, and its tests hold both. The word lists and thresholds the rules use
//! are data (`data/lexicon.toml`); the rules are the generic part. A false alarm in a coaching
//! report costs more trust than a miss, so a rule that is unsure stays quiet.

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

use std::ops::Range;

use super::frameworks::{Framework, Lexicon, SectionData, Settings};
use super::sentences::normalize;
use super::types::{Analysis, ScoreItem, Severity, Signal, Status};

/// Everything a rule may look at, computed once per answer.
pub(crate) struct Cx<'a> {
    pub a: &'a Analysis,
    pub fw: &'a Framework,
    pub lex: &'a Lexicon,
    pub settings: &'a Settings,
    /// What sections sound like, for rules that ask what a sentence is about.
    pub sections: Option<&'a SectionData>,
    /// Normalized words of the answer, one per transcript word.
    pub toks: Vec<String>,
}

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

/// Frameworks about a failure: ownership, blame and the scorecard apply.
const FAILURE_FRAMEWORKS: &[&str] = &["star-l", "failure-5", "concise-5", "star-long"];

/// Sections whose content is the lesson or the change (any framework).
pub(crate) const LESSON_SECTIONS: &[&str] = &[
    "learning",
    "lesson",
    "change",
    "reflections",
    "growth-evidence",
    "progress",
    "mitigation",
    "shared",
];

/// Sections where the speaker says what they did.
pub(crate) const ACTION_SECTIONS: &[&str] = &[
    "action",
    "what-went-wrong",
    "failure",
    "immediate-actions",
    "how",
    "applied",
];

/// One phrase found in the words: where it starts and how many words it covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Found {
    pub word: usize,
    pub len: usize,
}

/// A phrase of the lexicon as tokens; `*` stands for up to [`GAP_MAX`] words of any kind ("i'm
/// * terrible" finds "I'm just terrible" and "I'm honestly just terrible").
fn pattern(phrase: &str) -> Vec<String> {
    phrase
        .split_whitespace()
        .map(|w| {
            if w == "*" {
                "*".to_string()
            } else {
                normalize(w)
            }
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Most words a `*` in a phrase may stand for.
const GAP_MAX: usize = 2;

/// Length of the match of `pat` at `toks[i..end]`, if any (shortest gaps first).
fn match_at(pat: &[String], toks: &[String], i: usize, end: usize) -> Option<usize> {
    let Some((first, rest)) = pat.split_first() else {
        return Some(0);
    };
    if first == "*" {
        for gap in 0..=GAP_MAX {
            if i + gap > end {
                break;
            }
            if let Some(n) = match_at(rest, toks, i + gap, end) {
                return Some(gap + n);
            }
        }
        return None;
    }
    if i < end && toks[i] == *first {
        match_at(rest, toks, i + 1, end).map(|n| n + 1)
    } else {
        None
    }
}

/// Every occurrence of every phrase in `toks[range]`, in order, not overlapping (at each place
/// the phrase with the most words wins).
pub(crate) fn find_all(toks: &[String], phrases: &[String], range: Range<usize>) -> Vec<Found> {
    let mut pats: Vec<Vec<String>> = phrases
        .iter()
        .map(|p| pattern(p))
        .filter(|v| !v.is_empty())
        .collect();
    pats.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let end = range.end.min(toks.len());
    let mut out = Vec::new();
    let mut i = range.start;
    while i < end {
        match pats.iter().find_map(|p| match_at(p, toks, i, end)) {
            Some(n) if n > 0 => {
                out.push(Found { word: i, len: n });
                i += n;
            }
            _ => i += 1,
        }
    }
    out
}

/// m:ss
pub fn clock(t: f64) -> String {
    let t = t.max(0.0).round() as u64;
    format!("{}:{:02}", t / 60, t % 60)
}

impl<'a> Cx<'a> {
    pub fn new(
        a: &'a Analysis,
        fw: &'a Framework,
        lex: &'a Lexicon,
        settings: &'a Settings,
        sections: Option<&'a SectionData>,
    ) -> Cx<'a> {
        Cx {
            a,
            fw,
            lex,
            settings,
            sections,
            toks: a.words.iter().map(|w| normalize(&w.text)).collect(),
        }
    }

    pub fn all(&self) -> Range<usize> {
        0..self.toks.len()
    }

    pub fn find(&self, phrases: &[String], range: Range<usize>) -> Vec<Found> {
        find_all(&self.toks, phrases, range)
    }

    /// Answer length in minutes, at least a quarter minute (rates of very short answers would
    /// otherwise explode).
    pub fn minutes(&self) -> f64 {
        (self.a.overall.answer_s / 60.0).max(0.25)
    }

    pub fn failure_story(&self) -> bool {
        FAILURE_FRAMEWORKS.contains(&self.fw.id.as_str())
    }

    /// "'…I was wrong about…' at 0:12": a short quote around a word, with its time.
    pub fn quote(&self, word: usize) -> String {
        let a = self.a;
        let from = word.saturating_sub(3);
        let to = (word + 6).min(a.words.len());
        let text: Vec<&str> = a.words[from..to].iter().map(|w| w.text.trim()).collect();
        format!("\"{}\" at {}", text.join(" "), clock(a.words[word].start_s))
    }

    pub fn quotes(&self, found: &[Found], max: usize) -> String {
        found
            .iter()
            .take(max)
            .map(|f| self.quote(f.word))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn at(&self, word: usize) -> Option<f64> {
        self.a.words.get(word).map(|w| w.start_s)
    }

    /// Word ranges of the spans labelled with any of `ids`.
    pub fn words_in(&self, ids: &[&str]) -> Vec<Range<usize>> {
        let a = self.a;
        a.sections
            .iter()
            .filter(|s| ids.contains(&s.id.as_str()))
            .map(|s| {
                let first = a.sentences[s.first_sentence].first_word;
                let last = &a.sentences[s.first_sentence + s.n_sentences - 1];
                first..last.first_word + last.n_words
            })
            .collect()
    }

    /// Word range of sentence `i`.
    pub fn sentence_words(&self, i: usize) -> Range<usize> {
        let s = &self.a.sentences[i];
        s.first_word..s.first_word + s.n_words
    }

    /// The model's belief (0..1) that sentence `i` is the kind of section `role`, against all
    /// the roles it knows; `None` without a model or without that role.
    pub fn sounds_like(&self, i: usize, role: &str) -> Option<f64> {
        let data = self.sections?;
        let r = data.model.role_index(role)?;
        let (ll, n) = data.model.scores(&self.a.sentences[i].text);
        if n == 0 {
            return Some(1.0 / ll.len().max(1) as f64);
        }
        let len = data.decoder.model_length.min(n as f64);
        Some(super::lexical::posterior(&ll, len)[r])
    }

    pub fn signal(
        &self,
        id: impl Into<String>,
        severity: Severity,
        message: String,
        evidence: String,
        at_s: Option<f64>,
    ) -> Signal {
        Signal {
            id: id.into(),
            severity,
            message,
            evidence,
            at_s,
        }
    }
}

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

pub(crate) const NUMBER_WORDS: &[&str] = &[
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "percent",
    "twice",
    "half",
    "double",
    "triple",
    "dozen",
    "quarter",
    "third",
    "doubled",
    "tripled",
    "halved",
];

pub(crate) fn is_number(token: &str) -> bool {
    token.chars().any(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&token)
}

pub(crate) fn about(fw: &Framework, id: &str) -> String {
    fw.sections
        .iter()
        .find(|s| s.id == id)
        .map_or(String::new(), |s| s.about.clone())
}

/// The three most useful next steps, most useful first.
pub fn next_steps(a: &Analysis, fw: &Framework) -> Vec<String> {
    let mut steps: Vec<(u8, String)> = Vec::new();
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
        steps.push((rank, text));
    }
    // Section time against target: the headline for a timing coach.
    let total = a.overall.answer_s;
    for st in &a.section_timing {
        let rank = match st.status {
            Status::Long => 1,
            Status::Short => 3,
            _ => continue,
        };
        steps.push((
            rank,
            format!(
                "{} took {:.0} s of a {} answer; aim for {:.0}-{:.0} s",
                st.name,
                st.duration_s,
                clock(total),
                st.target.min_s,
                st.target.max_s
            ),
        ));
    }
    steps.sort_by_key(|(r, _)| *r);
    let mut out: Vec<String> = Vec::new();
    for (_, t) in steps {
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

/// Builds analyses of short texts for the rules' tests: real words with times, real sentence
/// splitting, and either the decoder's sections or sections given in the text.
#[cfg(test)]
pub(crate) mod testkit {
    use super::*;
    use crate::analyze::frameworks::Catalog;
    use crate::analyze::{AnalysisInput, FrameworkChoice, InputKind, Timing, analyze, sections};
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
        let input = AnalysisInput {
            path: "test.txt".into(),
            kind: InputKind::Text,
            audio_path: None,
            timing: Timing::Words,
            duration_s,
            words,
            speech: None,
            notes: vec![],
        };
        let mut a =
            analyze(input, &cat, &FrameworkChoice::Id(framework.into()), None).expect("analysis");
        if !marks.is_empty() {
            let fw = cat.framework(framework).expect("framework");
            for s in &mut a.sentences {
                if let Some((_, id)) = marks.iter().rev().find(|(w, _)| *w <= s.first_word) {
                    assert!(fw.section_index(id).is_some(), "no section {id}");
                    s.section = id.clone();
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
        let cat = catalog();
        let fw = cat.framework(framework).expect("framework");
        let cx = Cx::new(a, fw, &cat.lexicon, &cat.settings, Some(&cat.sections));
        check(&cx).into_iter().map(|s| s.id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        text.split_whitespace().map(normalize).collect()
    }

    #[test]
    fn phrases_match_whole_words_longest_first_with_gaps() {
        let t = toks("Honestly I'm just terrible at this, I made a mistake.");
        let phrases = vec!["i'm * terrible".to_string(), "i made a mistake".to_string()];
        let f = find_all(&t, &phrases, 0..t.len());
        assert_eq!(
            f,
            vec![Found { word: 1, len: 3 }, Found { word: 6, len: 4 }]
        );
        // A gap stands for at most two words.
        let t = toks("I'm not at all really terrible");
        assert!(find_all(&t, &phrases, 0..t.len()).is_empty());
        // Whole words only.
        let t = toks("mistaken");
        assert!(find_all(&t, &["mistake".to_string()], 0..t.len()).is_empty());
    }

    #[test]
    fn every_rule_has_a_distinct_id() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(!RULES[..i].iter().any(|x| x.id == r.id), "{}", r.id);
        }
    }
}
