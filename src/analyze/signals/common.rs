//! What every signal rule shares: the context a rule reads ([`Cx`]), phrase search over the
//! answer's words (from [`crate::analyze::phrases`]), the section families rules look in, and number words. Below the rules, so
//! that `signals/mod.rs` (the table of rules) only points down.

use std::ops::Range;

use crate::analyze::frameworks::{Framework, Lexicon, SectionData, Settings};
pub(crate) use crate::analyze::phrases::{Found, GAP_MAX, find_all};
use crate::analyze::sentences::normalize;
pub(crate) use crate::analyze::types::{Analysis, Severity, Signal};

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

/// "I" and "we" as the one acting, with their contractions.
pub(crate) const I_FORMS: &[&str] = &["i", "i'd", "i've", "i'm", "i'll"];
pub(crate) const WE_FORMS: &[&str] = &["we", "we'd", "we've", "we're", "we'll"];

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

    /// Admissions of one's own mistake in `range`: the lexicon's ownership phrases, less those
    /// inside a denial ("it wasn't my fault" holds "my fault").
    pub fn admissions(&self, range: Range<usize>) -> Vec<Found> {
        let denials = self.find(&self.lex.disowning, range.clone());
        self.find(&self.lex.ownership, range)
            .into_iter()
            .filter(|f| {
                !denials
                    .iter()
                    .any(|d| f.word < d.word + d.len && d.word < f.word + f.len)
            })
            .collect()
    }

    /// Answer length in minutes, at least a quarter minute (rates of very short answers would
    /// otherwise explode).
    pub fn minutes(&self) -> f64 {
        (self.a.overall.answer_s / 60.0).max(0.25)
    }

    pub fn failure_story(&self) -> bool {
        FAILURE_FRAMEWORKS.contains(&self.fw.id.as_str())
    }

    /// The first 60 characters of `text`: where a quoted sentence starts, for evidence that
    /// points at a sentence rather than at a phrase in it.
    pub fn opening(text: &str) -> &str {
        text.char_indices()
            .nth(60)
            .map_or(text, |(i, _)| &text[..i])
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
        Some(crate::analyze::lexical::posterior(&ll, len)[r])
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
