//! What a section sounds like: a small naive Bayes model over words, word pairs and a few
//! grammatical marks (tense, pronouns, numbers), trained when the data loads on example
//! sentences written for each kind of section (`data/sections.toml`).
//!
//! Cue phrases catch the speakers who announce a section ("what I learned"); most people move
//! on without one, and then what the sentence is about decides: a sentence with "now I",
//! present-tense habits and "every" sounds like a change, one with money, "lost" and a number
//! sounds like a result. The model gives, for one sentence, how likely each kind of section is
//! ([`SectionModel::scores`]); the decoder in [`super::sections`] weighs that against cues and
//! position. Trained on about 600 short sentences, it is deliberately simple, so that its
//! evidence can be shown ("sounds like a Result (0.82)") and a user can add examples.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One kind of section ("role") and the sentences that show what it sounds like. Frameworks
/// map each of their sections to one or more roles (`roles = [...]` in `frameworks.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub about: String,
    pub examples: Vec<String>,
}

/// A multinomial naive Bayes model over sentence features, one class per role.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionModel {
    pub role_ids: Vec<String>,
    /// Feature -> index into each role's row of `log_p`.
    vocab: HashMap<String, usize>,
    /// `log_p[role][feature]`: smoothed log probability of the feature in that role.
    log_p: Vec<Vec<f64>>,
}

/// Additive smoothing of feature counts. Half a count keeps a word seen in one role only from
/// ruling the others out, while still letting it speak clearly.
const SMOOTHING: f64 = 0.5;

/// Sounds made while thinking; they say nothing about the section.
const HESITATIONS: &[&str] = &[
    "um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "mm", "like",
];

/// Number words that mark a quantity ("one" is left out: "one of the", "the one who").
const NUMBERS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    "hundred", "thousand", "million", "billion", "percent", "dozen", "half", "twice", "double",
];

/// Irregular past forms, so "I took" reads as narration like "I decided".
const IRREGULAR_PAST: &[&str] = &[
    "was",
    "were",
    "had",
    "did",
    "took",
    "made",
    "built",
    "ran",
    "wrote",
    "sent",
    "told",
    "gave",
    "went",
    "got",
    "kept",
    "found",
    "brought",
    "spent",
    "chose",
    "began",
    "led",
    "thought",
    "said",
    "met",
    "left",
    "felt",
    "knew",
    "saw",
    "came",
    "became",
    "paid",
    "sold",
    "bought",
    "caught",
    "taught",
    "held",
    "stood",
    "lost",
    "put",
    "set",
    "let",
    "cut",
    "shut",
    "hit",
    "hurt",
    "meant",
    "understood",
    "forgot",
    "fell",
    "broke",
    "spoke",
];

/// Lowercase word tokens of a text: letters, digits and apostrophes; curly quotes straightened.
pub fn tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|t| t.trim_matches('\'').to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Strips common English endings so that word forms meet ("launched", "launches", "launch").
/// Consistency matters, not linguistics: training and scoring use the same function.
fn stem(w: &str) -> String {
    if w.len() <= 3 || w.contains('\'') {
        return w.to_string();
    }
    for suffix in ["ing", "ed", "es", "s", "ly"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.len() >= 3
            && !(suffix == "s" && base.ends_with('s'))
        {
            return base.to_string();
        }
    }
    w.to_string()
}

fn is_number(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit()) || NUMBERS.contains(&t)
}

/// Whether `t` reads as a past form: an irregular one or a word in "-ed".
pub(crate) fn is_past(t: &str) -> bool {
    IRREGULAR_PAST.contains(&t) || (t.len() > 3 && t.ends_with("ed"))
}

/// The features of one sentence: word stems, stem pairs (with the sentence start as a word, so
/// "so now" at the start differs from "now" inside), numbers as one mark, and marks for
/// "I" + past tense (narration), "I" + present tense (a habit or a state), "we" as subject,
/// "will"/"going to" (the future) and the sentence's length class.
pub fn features(text: &str) -> Vec<String> {
    let toks: Vec<String> = tokens(text)
        .into_iter()
        .filter(|t| !HESITATIONS.contains(&t.as_str()))
        .collect();
    let mut out = Vec::with_capacity(toks.len() * 2 + 4);
    let mut prev = String::from("^");
    for (i, t) in toks.iter().enumerate() {
        let s = if is_number(t) {
            "<num>".to_string()
        } else {
            stem(t)
        };
        out.push(s.clone());
        out.push(format!("{prev}_{s}"));
        let next = toks.get(i + 1).map(String::as_str).unwrap_or("");
        match t.as_str() {
            "i" | "we" => {
                let who = if t == "i" { "i" } else { "we" };
                if is_past(next) {
                    out.push(format!("<{who}-past>"));
                } else if next == "now" || next == "always" || next == "never" {
                    out.push(format!("<{who}-habit>"));
                } else if !next.is_empty() && !next.contains('\'') && next != "was" {
                    out.push(format!("<{who}-present>"));
                }
            }
            "will" | "i'll" | "we'll" | "gonna" => out.push("<future>".into()),
            "i've" | "we've" => out.push("<perfect>".into()),
            _ => {}
        }
        prev = s;
    }
    out.push(
        match toks.len() {
            0..=6 => "<short>",
            7..=18 => "<medium>",
            _ => "<long>",
        }
        .into(),
    );
    out
}

impl SectionModel {
    /// Trains on the roles' example sentences.
    pub fn train(roles: &[RoleDef]) -> SectionModel {
        let mut vocab: HashMap<String, usize> = HashMap::new();
        let mut counts: Vec<HashMap<usize, f64>> = Vec::with_capacity(roles.len());
        for r in roles {
            let mut c: HashMap<usize, f64> = HashMap::new();
            for ex in &r.examples {
                for f in features(ex) {
                    let n = vocab.len();
                    let k = *vocab.entry(f).or_insert(n);
                    *c.entry(k).or_insert(0.0) += 1.0;
                }
            }
            counts.push(c);
        }
        let v = vocab.len() as f64;
        let log_p = counts
            .iter()
            .map(|c| {
                let total: f64 = c.values().sum();
                let denom = (total + SMOOTHING * v).ln();
                let mut row = vec![SMOOTHING.ln() - denom; vocab.len()];
                for (&k, &n) in c {
                    row[k] = (n + SMOOTHING).ln() - denom;
                }
                row
            })
            .collect();
        SectionModel {
            role_ids: roles.iter().map(|r| r.id.clone()).collect(),
            vocab,
            log_p,
        }
    }

    pub fn role_index(&self, id: &str) -> Option<usize> {
        self.role_ids.iter().position(|r| r == id)
    }

    /// Mean log-likelihood per known feature of `text` under each role, and how many features
    /// the model knew. Features it never saw say nothing and are left out.
    pub fn scores(&self, text: &str) -> (Vec<f64>, usize) {
        let known: Vec<usize> = features(text)
            .iter()
            .filter_map(|f| self.vocab.get(f).copied())
            .collect();
        let n = known.len();
        let row = |r: &Vec<f64>| {
            if n == 0 {
                0.0
            } else {
                known.iter().map(|&k| r[k]).sum::<f64>() / n as f64
            }
        };
        (self.log_p.iter().map(row).collect(), n)
    }
}

/// Posterior over a set of candidates from per-candidate mean log-likelihoods: a softmax at a
/// temperature that treats the sentence as `length` features long. Naive Bayes is overconfident
/// when it multiplies many correlated features, so callers cap the length (`model_length`): a
/// long sentence does not sound certain just because it is long, and a short one counts only
/// the features it has.
pub fn posterior(mean_ll: &[f64], length: f64) -> Vec<f64> {
    let m = mean_ll.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return vec![1.0 / mean_ll.len().max(1) as f64; mean_ll.len()];
    }
    let e: Vec<f64> = mean_ll.iter().map(|x| ((x - m) * length).exp()).collect();
    let z: f64 = e.iter().sum();
    e.iter().map(|x| x / z).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(id: &str, examples: &[&str]) -> RoleDef {
        RoleDef {
            id: id.into(),
            name: id.into(),
            about: String::new(),
            examples: examples.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn features_mark_tense_numbers_and_the_start() {
        let f = features("So now I always check, um, twenty orders.");
        for want in ["^_so", "so_now", "<i-habit>", "<num>", "check", "<medium>"] {
            assert!(f.contains(&want.to_string()), "{want} in {f:?}");
        }
        assert!(!f.iter().any(|x| x == "um"), "{f:?}");
        let f = features("I decided to ship it");
        assert!(f.contains(&"<i-past>".to_string()), "{f:?}");
        assert_eq!(stem("launched"), stem("launches"));
        assert_eq!(stem("checking"), "check");
    }

    #[test]
    fn a_tiny_model_tells_two_kinds_apart() {
        let m = SectionModel::train(&[
            role(
                "impact",
                &[
                    "We lost forty customers and it cost thousands",
                    "The launch slipped by six weeks",
                ],
            ),
            role(
                "change",
                &[
                    "Now I always run a dry run before every launch",
                    "These days I check every order twice",
                ],
            ),
        ]);
        let (s, n) = m.scores("now I check every release with a dry run");
        assert!(n > 3);
        assert!(s[1] > s[0], "{s:?}");
        let (s, _) = m.scores("it cost us about ten thousand dollars and we lost the client");
        assert!(s[0] > s[1], "{s:?}");
        // No word known: only the length mark speaks.
        let (_, n) = m.scores("zzz qqq");
        assert_eq!(n, 1);
    }

    /// Five-fold cross-validation on the shipped examples: the model must tell the kinds of
    /// section apart on sentences it was not trained on, well above chance (1 in 18), and tell
    /// each framework's sections apart better still (that is the choice the decoder makes).
    #[test]
    fn shipped_examples_are_learnable() {
        let cat = crate::analyze::frameworks::Catalog::embedded().expect("embedded data");
        let roles = &cat.sections.roles;
        let (mut right, mut total) = (0usize, 0usize);
        for fold in 0..5 {
            let train: Vec<RoleDef> = roles
                .iter()
                .map(|r| RoleDef {
                    examples: r
                        .examples
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % 5 != fold)
                        .map(|(_, e)| e.clone())
                        .collect(),
                    ..r.clone()
                })
                .collect();
            let m = SectionModel::train(&train);
            for (k, r) in roles.iter().enumerate() {
                for (i, e) in r.examples.iter().enumerate() {
                    if i % 5 != fold {
                        continue;
                    }
                    let (s, _) = m.scores(e);
                    let best = (0..s.len()).max_by(|&a, &b| s[a].total_cmp(&s[b]));
                    total += 1;
                    right += usize::from(best == Some(k));
                }
            }
        }
        let acc = right as f64 / total as f64;
        eprintln!(
            "held-out accuracy over {} roles: {acc:.2} ({right}/{total})",
            roles.len()
        );
        assert!(acc > 0.5, "{acc}");
    }

    #[test]
    fn posterior_sums_to_one_and_sharpens_with_length() {
        let p1 = posterior(&[-5.0, -6.0], 1.0);
        let p8 = posterior(&[-5.0, -6.0], 8.0);
        assert!((p1.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(p8[0] > p1[0] && p1[0] > 0.5);
        assert_eq!(posterior(&[], 4.0), Vec::<f64>::new());
    }
}
