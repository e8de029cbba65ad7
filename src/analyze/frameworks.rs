//! Frameworks, targets, the question bank and word lists: embedded data files, overridable
//! from the user's config directory.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::lexical::{RoleDef, SectionModel};

/// A target range in seconds (or, for pace, words per minute: see [`wpm_band`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub min_s: f64,
    pub max_s: f64,
}

/// Serde for a [`Band`] of words per minute, written `{"min_wpm": .., "max_wpm": ..}`. Report
/// schema 1, `meta.json` schema 1 and older `lexicon.toml` files wrote it `min_s`/`max_s`
/// although it is not seconds; those names are still read.
pub mod wpm_band {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Band;

    #[derive(Serialize, Deserialize)]
    struct Wpm {
        #[serde(alias = "min_s")]
        min_wpm: f64,
        #[serde(alias = "max_s")]
        max_wpm: f64,
    }

    pub fn serialize<S: Serializer>(b: &Band, s: S) -> Result<S::Ok, S::Error> {
        Wpm {
            min_wpm: b.min_s,
            max_wpm: b.max_s,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Band, D::Error> {
        let w = Wpm::deserialize(d)?;
        Ok(Band {
            min_s: w.min_wpm,
            max_s: w.max_wpm,
        })
    }
}

/// One section of a framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionDef {
    pub id: String,
    pub name: String,
    /// What belongs in it, for the user.
    pub about: String,
    pub target: Band,
    /// Lowercase phrases that mark a sentence as belonging to this section ("what i learned").
    #[serde(default)]
    pub cues: Vec<String>,
    /// Lowercase single words that lean a sentence towards this section (weaker than cues).
    #[serde(default)]
    pub words: Vec<String>,
    /// Weight of each "I <past-tense verb>" ("I pulled", "I signed", "I took") in a sentence:
    /// narrating what one did marks the action sections whatever the verb.
    #[serde(default)]
    pub past_actions: f64,
    /// Kinds of section (`[[role]]` ids in `sections.toml`) whose example sentences show what
    /// this section sounds like. None: the section is told by cues and position only.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// An answer framework: ordered sections with time targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Framework {
    pub id: String,
    pub name: String,
    /// Where it comes from ("seed 000: ...").
    pub source: String,
    pub about: String,
    pub overall: Band,
    /// The answer should end by asking the interviewer something (star-long's connection).
    #[serde(default)]
    pub ends_with_question: bool,
    /// Whether the long-answer signals (`too-long`) apply.
    #[serde(default = "yes")]
    pub judge_too_long: bool,
    #[serde(rename = "section")]
    pub sections: Vec<SectionDef>,
}

fn yes() -> bool {
    true
}

impl Framework {
    pub fn section_index(&self, id: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.id == id)
    }
}

/// A question from the bank and the framework that fits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub framework: String,
    pub source: String,
    /// Other wordings of the same question.
    #[serde(default)]
    pub variants: Vec<String>,
}

/// Word lists the analysis matches against (all lowercase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Lexicon {
    /// um, uh, er, ...
    pub hesitations: Vec<String>,
    /// Phrases that are fillers unless a literal use is recognised ("you know", "sort of").
    pub filler_phrases: Vec<String>,
    /// Single words that are fillers when set off by commas ("basically", "actually").
    pub filler_adverbs: Vec<String>,
    pub hedges: Vec<String>,
    /// Fault put on others in so many words ("not my fault", "because of them").
    pub blame: Vec<String>,
    /// Others named as the cause ("the vendor", "they didn't"): blame only when repeated.
    #[serde(default)]
    pub others_at_fault: Vec<String>,
    pub vague_lessons: Vec<String>,
    pub change_markers: Vec<String>,
    pub ownership: Vec<String>,
    pub self_deprecation: Vec<String>,
    pub resilience: Vec<String>,
    pub vulnerability: Vec<String>,
    pub learning: Vec<String>,
}

/// Numbers that tune the analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Words per minute judged "ok" (overall pace).
    #[serde(with = "wpm_band")]
    pub pace_wpm: Band,
    /// Window for pace over time.
    pub pace_window_s: f64,
    /// Silences at least this long are pauses.
    pub pause_min_s: f64,
    /// A pause at least this long raises `long-pause`.
    pub long_pause_s: f64,
    /// Fillers per minute above which `fillers-heavy` is raised.
    pub fillers_heavy_per_min: f64,
    /// Hedges per minute above which `hedging` is raised.
    pub hedges_per_min: f64,
    /// Answers shorter than this raise `too-short`.
    pub too_short_s: f64,
    /// Answers longer than this raise `too-long` (frameworks with `judge_too_long`).
    pub too_long_s: f64,
    /// A section over this share of speaking time raises `long-section:ID`.
    pub long_section_share: f64,
    /// `hedging` needs at least this many hedges, whatever the rate.
    #[serde(default = "default_hedges_min")]
    pub hedges_min: f64,
    /// `blame` fires at this score: 2 per fault phrase, 1 per mention of others as the cause,
    /// minus 1 per ownership phrase.
    #[serde(default = "default_blame_min")]
    pub blame_min: f64,
    /// `no-ownership` looks for an ownership phrase in this many first seconds.
    #[serde(default = "default_ownership_window_s")]
    pub ownership_window_s: f64,
    /// `we-not-i` needs "we" at least this many times in the narration...
    #[serde(default = "default_we_not_i_min")]
    pub we_not_i_min: f64,
    /// ...and at least this share of "we" and "I" together.
    #[serde(default = "default_we_not_i_share")]
    pub we_not_i_share: f64,
    /// A sentence without a change marker still counts as a concrete change when the section
    /// model gives "change" at least this probability.
    #[serde(default = "default_change_sounds_min")]
    pub change_sounds_min: f64,
}

fn default_hedges_min() -> f64 {
    3.0
}
fn default_blame_min() -> f64 {
    3.0
}
fn default_ownership_window_s() -> f64 {
    20.0
}
fn default_we_not_i_min() -> f64 {
    4.0
}
fn default_we_not_i_share() -> f64 {
    0.75
}
fn default_change_sounds_min() -> f64 {
    0.6
}

/// Weights of the section decoder (`[decoder]` in `sections.toml`); see that file for what
/// each one does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decoder {
    pub model_weight: f64,
    pub model_length: f64,
    pub position_weight: f64,
    pub late_factor: f64,
    pub skip_cost: f64,
    pub switch_cost: f64,
    pub flashback_cost: f64,
    pub flashback_stay_cost: f64,
    pub uncertain_below: f64,
}

/// What sections sound like: the decoder's weights, the example sentences per kind of section
/// and the model trained on them.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionData {
    pub decoder: Decoder,
    pub roles: Vec<RoleDef>,
    pub model: SectionModel,
}

/// Everything the analysis reads from data files.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub frameworks: Vec<Framework>,
    pub questions: Vec<Question>,
    pub lexicon: Lexicon,
    pub settings: Settings,
    pub sections: SectionData,
}

/// Data file errors, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

pub const FRAMEWORKS_TOML: &str = include_str!("../../data/frameworks.toml");
pub const QUESTIONS_TOML: &str = include_str!("../../data/questions.toml");
pub const LEXICON_TOML: &str = include_str!("../../data/lexicon.toml");
pub const SECTIONS_TOML: &str = include_str!("../../data/sections.toml");

#[derive(Deserialize)]
struct FrameworksFile {
    #[serde(default, rename = "framework")]
    frameworks: Vec<Framework>,
}

#[derive(Deserialize)]
struct QuestionsFile {
    #[serde(default, rename = "question")]
    questions: Vec<Question>,
}

#[derive(Deserialize)]
struct LexiconFile {
    lexicon: Lexicon,
    settings: Settings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionsFile {
    decoder: Decoder,
    #[serde(rename = "role")]
    roles: Vec<RoleDef>,
}

impl SectionsFile {
    fn into_data(self) -> SectionData {
        SectionData {
            model: SectionModel::train(&self.roles),
            decoder: self.decoder,
            roles: self.roles,
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(path: &str, text: &str) -> Result<T, DataError> {
    toml::from_str(text).map_err(|e| {
        // toml's Display is a multi-line snippet whose first line says where but not what; the
        // user gets one line with both.
        let what = e.message().lines().next().unwrap_or("invalid TOML").trim();
        let message = match e.span() {
            Some(span) => {
                let before = &text.as_bytes()[..span.start.min(text.len())];
                let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
                format!("line {line}: {what}")
            }
            None => what.to_string(),
        };
        DataError::Parse {
            path: path.to_string(),
            message,
        }
    })
}

impl Catalog {
    /// The data compiled into the binary.
    pub fn embedded() -> Result<Catalog, DataError> {
        let f: FrameworksFile = parse("(embedded) frameworks.toml", FRAMEWORKS_TOML)?;
        validate_frameworks("(embedded) frameworks.toml", &f.frameworks)?;
        let q: QuestionsFile = parse("(embedded) questions.toml", QUESTIONS_TOML)?;
        validate_questions("(embedded) questions.toml", &q.questions, &f.frameworks)?;
        let l: LexiconFile = parse("(embedded) lexicon.toml", LEXICON_TOML)?;
        validate_settings("(embedded) lexicon.toml", &l.settings)?;
        let sec: SectionsFile = parse("(embedded) sections.toml", SECTIONS_TOML)?;
        validate_sections("(embedded) sections.toml", &sec)?;
        validate_roles("(embedded) frameworks.toml", &f.frameworks, &sec.roles)?;
        Ok(Catalog {
            frameworks: f.frameworks,
            questions: q.questions,
            lexicon: l.lexicon,
            settings: l.settings,
            sections: sec.into_data(),
        })
    }

    /// The embedded data with the user's files from `dir` laid over it (same id replaces,
    /// new id adds).
    pub fn load(dir: Option<&Path>) -> Result<Catalog, DataError> {
        let mut cat = Catalog::embedded()?;
        let Some(dir) = dir else { return Ok(cat) };
        let read = |name: &str| -> Result<Option<(String, String)>, DataError> {
            let p = dir.join(name);
            match std::fs::read_to_string(&p) {
                Ok(t) => Ok(Some((p.display().to_string(), t))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(source) => Err(DataError::Read {
                    path: p.display().to_string(),
                    source,
                }),
            }
        };
        if let Some((p, t)) = read("frameworks.toml")? {
            let f: FrameworksFile = parse(&p, &t)?;
            validate_frameworks(&p, &f.frameworks)?;
            for fw in f.frameworks {
                match cat.frameworks.iter_mut().find(|x| x.id == fw.id) {
                    Some(x) => *x = fw,
                    None => cat.frameworks.push(fw),
                }
            }
        }
        if let Some((p, t)) = read("questions.toml")? {
            let q: QuestionsFile = parse(&p, &t)?;
            // Against the merged frameworks, so that a user question may use a user framework.
            validate_questions(&p, &q.questions, &cat.frameworks)?;
            for qu in q.questions {
                match cat.questions.iter_mut().find(|x| x.id == qu.id) {
                    Some(x) => *x = qu,
                    None => cat.questions.push(qu),
                }
            }
        }
        if let Some((p, t)) = read("lexicon.toml")? {
            let l: LexiconFile = parse(&p, &t)?;
            validate_settings(&p, &l.settings)?;
            cat.lexicon = l.lexicon;
            cat.settings = l.settings;
        }
        let mut roles_from = "(embedded) sections.toml".to_string();
        if let Some((p, t)) = read("sections.toml")? {
            let sec: SectionsFile = parse(&p, &t)?;
            validate_sections(&p, &sec)?;
            cat.sections = sec.into_data();
            roles_from = p;
        }
        // Every framework's roles against the roles in force, whichever files they came from.
        if let Err(DataError::Invalid { message, .. }) =
            validate_roles("", &cat.frameworks, &cat.sections.roles)
        {
            let frameworks = dir.join("frameworks.toml");
            return Err(DataError::Invalid {
                path: if frameworks.exists() {
                    frameworks.display().to_string()
                } else {
                    roles_from
                },
                message,
            });
        }
        Ok(cat)
    }

    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }
}

/// A wording must share at least this share of its content words with one of a question's
/// wordings (Jaccard: shared / all distinct, after normalizing) to count as that question. At 0.5
/// "What was your worst failure?" still finds "What is your biggest failure?", while a question
/// that shares one topic word out of three or more with the bank does not.
pub const QUESTION_MATCH_MIN: f64 = 0.5;

/// ...and beat the next best question by this much: the bank holds close relatives ("a time you
/// failed", "a time you failed as a leader"), and a wording halfway between two is better treated
/// as free-form than pinned to the wrong one.
pub const QUESTION_MATCH_MARGIN: f64 = 0.15;

impl Catalog {
    /// The bank's question for `id_or_text`: an exact id, else the question whose text or a
    /// variant clearly matches the wording (see [`QUESTION_MATCH_MIN`] and
    /// [`QUESTION_MATCH_MARGIN`]). `None` means a free-form question, to be answered with the
    /// default framework (`star-l`).
    pub fn question(&self, id_or_text: &str) -> Option<&Question> {
        let key = id_or_text.trim();
        if let Some(q) = self.questions.iter().find(|q| q.id == key) {
            return Some(q);
        }
        let asked = content_words(key);
        if asked.is_empty() {
            return None;
        }
        let mut best: Option<(f64, &Question)> = None;
        let mut runner_up = 0.0f64;
        for q in &self.questions {
            let score = std::iter::once(&q.text)
                .chain(&q.variants)
                .map(|t| jaccard(&asked, &content_words(t)))
                .fold(0.0, f64::max);
            match best {
                Some((b, _)) if score <= b => runner_up = runner_up.max(score),
                _ => {
                    if let Some((b, _)) = best {
                        runner_up = runner_up.max(b);
                    }
                    best = Some((score, q));
                }
            }
        }
        let (score, q) = best?;
        (score >= QUESTION_MATCH_MIN && score - runner_up >= QUESTION_MATCH_MARGIN).then_some(q)
    }
}

/// Words that every interview question shares and that say nothing about which one it is.
const QUESTION_STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "an", "and", "any", "are", "as", "at", "be", "been", "by", "can",
    "could", "describe", "did", "do", "does", "ever", "example", "for", "from", "give", "had",
    "has", "have", "how", "i", "if", "im", "in", "is", "it", "its", "ive", "just", "me", "my",
    "of", "on", "one", "or", "our", "please", "share", "so", "some", "tell", "that", "thats",
    "the", "then", "there", "this", "through", "time", "to", "talk", "us", "walk", "was", "we",
    "were", "weve", "what", "whats", "when", "where", "which", "while", "who", "with", "would",
    "you", "youd", "your", "youre", "youve",
];

/// Words that mean the same in a question ("greatest failure" = "biggest failure").
const QUESTION_SYNONYMS: &[(&str, &str)] = &[
    ("greatest", "biggest"),
    ("largest", "biggest"),
    ("worst", "biggest"),
    ("judgement", "judgment"),
];

/// A wording's content words: lowercase, punctuation and apostrophes dropped, stopwords out,
/// crudely stemmed so that "failed", "failure" and "failures" meet.
fn content_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty() && !QUESTION_STOPWORDS.contains(&w.as_str()))
        .map(|w| {
            let w = QUESTION_SYNONYMS
                .iter()
                .find(|(from, _)| *from == w)
                .map_or(w.clone(), |(_, to)| (*to).to_string());
            stem(&w)
        })
        .collect()
}

/// Strips the few English endings that separate wordings of one question. Not a real stemmer:
/// both sides go through the same function, so it only has to be consistent.
fn stem(word: &str) -> String {
    let mut s = word.to_string();
    if s.len() > 3 && s.ends_with('s') && !s.ends_with("ss") {
        s.pop();
    }
    for suffix in ["ing", "ed", "ure"] {
        if s.len() >= suffix.len() + 3 && s.ends_with(suffix) {
            s.truncate(s.len() - suffix.len());
            // "shipped" -> "shipp" -> "ship".
            let b = s.as_bytes();
            if let [.., x, y] = b
                && x == y
                && y.is_ascii_alphabetic()
                && !b"aeioulsz".contains(y)
            {
                s.pop();
            }
            break;
        }
    }
    if s.len() > 3 && s.ends_with('e') {
        s.pop();
    }
    s
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let shared = a.intersection(b).count();
    let all = a.len() + b.len() - shared;
    if all == 0 {
        0.0
    } else {
        shared as f64 / all as f64
    }
}

fn validate(path: &str, fw: &Framework) -> Result<(), DataError> {
    let bad = |message: String| DataError::Invalid {
        path: path.to_string(),
        message,
    };
    if !is_kebab(&fw.id) {
        return Err(bad(format!("framework '{}': {KEBAB}", fw.id)));
    }
    if !band_ok(&fw.overall) {
        return Err(bad(format!(
            "framework '{}': overall min_s must be >= 0 and <= max_s",
            fw.id
        )));
    }
    if fw.sections.is_empty() {
        return Err(bad(format!("framework '{}' has no sections", fw.id)));
    }
    for (i, s) in fw.sections.iter().enumerate() {
        if !is_kebab(&s.id) {
            return Err(bad(format!(
                "framework '{}', section '{}': {KEBAB}",
                fw.id, s.id
            )));
        }
        // Section ids name the spans in a report; two alike would merge two sections' times.
        if fw.sections[..i].iter().any(|x| x.id == s.id) {
            return Err(bad(format!(
                "framework '{}': section '{}' appears twice",
                fw.id, s.id
            )));
        }
        if !band_ok(&s.target) {
            return Err(bad(format!(
                "framework '{}', section '{}': target min_s must be >= 0 and <= max_s",
                fw.id, s.id
            )));
        }
    }
    Ok(())
}

const KEBAB: &str = "id must be kebab-case (lowercase letters and digits joined by single hyphens)";

/// Ids appear on the command line and in report keys, so they are kept to one simple shape.
fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn band_ok(b: &Band) -> bool {
    // Written so that NaN fails.
    b.min_s.is_finite() && b.min_s >= 0.0 && b.min_s <= b.max_s
}

/// One file's frameworks: each sane, and no id twice (a second one would silently win).
fn validate_frameworks(path: &str, frameworks: &[Framework]) -> Result<(), DataError> {
    for (i, fw) in frameworks.iter().enumerate() {
        validate(path, fw)?;
        if frameworks[..i].iter().any(|x| x.id == fw.id) {
            return Err(DataError::Invalid {
                path: path.to_string(),
                message: format!("framework '{}' is defined twice", fw.id),
            });
        }
    }
    Ok(())
}

/// One file's questions: kebab-case ids, no id twice, text present, a framework that exists.
fn validate_questions(
    path: &str,
    questions: &[Question],
    frameworks: &[Framework],
) -> Result<(), DataError> {
    let bad = |message: String| DataError::Invalid {
        path: path.to_string(),
        message,
    };
    for (i, q) in questions.iter().enumerate() {
        if !is_kebab(&q.id) {
            return Err(bad(format!("question '{}': {KEBAB}", q.id)));
        }
        if questions[..i].iter().any(|x| x.id == q.id) {
            return Err(bad(format!("question '{}' is defined twice", q.id)));
        }
        if q.text.trim().is_empty() {
            return Err(bad(format!("question '{}' has no text", q.id)));
        }
        if !frameworks.iter().any(|f| f.id == q.framework) {
            let known: Vec<&str> = frameworks.iter().map(|f| f.id.as_str()).collect();
            return Err(bad(format!(
                "question '{}': unknown framework '{}'; known: {}",
                q.id,
                q.framework,
                known.join(", ")
            )));
        }
    }
    Ok(())
}

fn validate_settings(path: &str, settings: &Settings) -> Result<(), DataError> {
    if band_ok(&settings.pace_wpm) {
        return Ok(());
    }
    Err(DataError::Invalid {
        path: path.to_string(),
        message: "settings: pace_wpm min_wpm must be >= 0 and <= max_wpm".to_string(),
    })
}

/// `sections.toml`: sane decoder weights, and each role a kebab-case id with examples, once.
fn validate_sections(path: &str, sec: &SectionsFile) -> Result<(), DataError> {
    let bad = |message: String| DataError::Invalid {
        path: path.to_string(),
        message,
    };
    let d = &sec.decoder;
    for (name, v) in [
        ("model_weight", d.model_weight),
        ("model_length", d.model_length),
        ("position_weight", d.position_weight),
        ("late_factor", d.late_factor),
        ("skip_cost", d.skip_cost),
        ("switch_cost", d.switch_cost),
        ("flashback_cost", d.flashback_cost),
        ("flashback_stay_cost", d.flashback_stay_cost),
        ("uncertain_below", d.uncertain_below),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(bad(format!(
                "decoder: {name} must be a number >= 0 (it is {v})"
            )));
        }
    }
    if d.uncertain_below > 1.0 {
        return Err(bad(format!(
            "decoder: uncertain_below is a probability, 0 to 1 (it is {})",
            d.uncertain_below
        )));
    }
    for (i, r) in sec.roles.iter().enumerate() {
        if !is_kebab(&r.id) {
            return Err(bad(format!("role '{}': {KEBAB}", r.id)));
        }
        if sec.roles[..i].iter().any(|x| x.id == r.id) {
            return Err(bad(format!("role '{}' is defined twice", r.id)));
        }
        if r.examples.iter().all(|e| e.trim().is_empty()) {
            return Err(bad(format!("role '{}' has no example sentences", r.id)));
        }
    }
    Ok(())
}

/// Every section's `roles` name a role that exists.
fn validate_roles(
    path: &str,
    frameworks: &[Framework],
    roles: &[RoleDef],
) -> Result<(), DataError> {
    for fw in frameworks {
        for s in &fw.sections {
            if let Some(r) = s.roles.iter().find(|r| !roles.iter().any(|x| &x.id == *r)) {
                let known: Vec<&str> = roles.iter().map(|x| x.id.as_str()).collect();
                return Err(DataError::Invalid {
                    path: path.to_string(),
                    message: format!(
                        "framework '{}', section '{}': unknown role '{r}' (roles are defined in sections.toml; known: {})",
                        fw.id,
                        s.id,
                        known.join(", ")
                    ),
                });
            }
        }
    }
    Ok(())
}

/// The files [`Catalog::load`] reads from the config directory, when they exist.
pub const USER_FILES: [&str; 4] = [
    "frameworks.toml",
    "questions.toml",
    "lexicon.toml",
    "sections.toml",
];

/// Where the user's override files live: `$REHEARSE_CONFIG_DIR`, else `~/.config/rehearse`.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("REHEARSE_CONFIG_DIR") {
        return Some(PathBuf::from(d));
    }
    dirs::config_dir().map(|d| d.join("rehearse"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded() -> Catalog {
        Catalog::embedded().expect("embedded data is valid")
    }

    fn id_of(cat: &Catalog, asked: &str) -> Option<String> {
        cat.question(asked).map(|q| q.id.clone())
    }

    #[test]
    fn bank_covers_the_seeds_and_every_wording_finds_its_own_question() {
        let cat = embedded();
        assert!(
            (25..=40).contains(&cat.questions.len()),
            "{} questions",
            cat.questions.len()
        );
        for seed in ["seed 000", "seed 001", "seed 002", "seed 003", "seed 004"] {
            assert!(
                cat.questions.iter().any(|q| q.source.starts_with(seed)),
                "no question cites {seed}"
            );
        }
        // Also proves that no two questions share a wording: a tie would give None.
        for q in &cat.questions {
            for wording in std::iter::once(&q.text).chain(&q.variants) {
                assert_eq!(
                    id_of(&cat, wording).as_deref(),
                    Some(q.id.as_str()),
                    "{wording:?}"
                );
            }
        }
    }

    #[test]
    fn question_by_id() {
        let cat = embedded();
        for (id, framework) in [
            ("failed", "star-l"),
            ("greatest-failure", "concise-5"),
            ("mistake", "failure-5"),
            ("weakness", "weakness"),
            ("learn-quickly", "rapid-learning"),
            ("failed-long", "star-long"),
            ("strategic-failure", "star-l"),
            ("high-stakes-decision", "star-l"),
        ] {
            let q = cat.question(id).expect(id);
            assert_eq!((q.id.as_str(), q.framework.as_str()), (id, framework));
        }
        assert_eq!(id_of(&cat, "  weakness \n").as_deref(), Some("weakness"));
    }

    #[test]
    fn reworded_questions_match() {
        let cat = embedded();
        for (asked, id) in [
            ("Tell me about a time when you failed.", "failed"),
            ("tell me about a failure of yours", "failed"),
            ("What was your worst failure?", "greatest-failure"),
            (
                "What's the greatest failure you've had and what did you learn?",
                "greatest-failure",
            ),
            ("What are your greatest weaknesses?", "weakness"),
            ("Tell me about a mistake you made on the job", "mistake"),
            (
                "Can you tell me about a project that did not go as planned?",
                "project-not-as-planned",
            ),
            ("Describe a decision that you regret", "decision-regret"),
            (
                "Tell me about a time you missed an important deadline",
                "missed-deadline",
            ),
            (
                "Tell me about a time you got critical feedback",
                "critical-feedback",
            ),
            (
                "Describe a time you had to learn a new technology fast",
                "learn-quickly",
            ),
            (
                "Tell me about a time you failed as a team leader",
                "leadership-failure",
            ),
            ("TELL ME ABOUT A TIME YOU WERE WRONG!", "wrong"),
        ] {
            assert_eq!(id_of(&cat, asked).as_deref(), Some(id), "{asked:?}");
        }
    }

    #[test]
    fn unrelated_or_empty_questions_match_nothing() {
        let cat = embedded();
        for asked in [
            "Why do you want to work here?",
            "Where do you see yourself in five years?",
            "What is the capital of France?",
            "Tell me about a time",
            "",
            "?!",
        ] {
            assert_eq!(id_of(&cat, asked), None, "{asked:?}");
        }
    }

    #[test]
    fn stem_brings_word_forms_together() {
        for (a, b) in [
            ("failed", "failure"),
            ("failures", "fail"),
            ("learned", "learning"),
            ("mistakes", "mistake"),
            ("shipped", "ship"),
            ("missed", "miss"),
            ("weaknesses", "weakness"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
    }

    #[test]
    fn kebab_ids() {
        for ok in ["star-l", "failure-5", "own-it", "x"] {
            assert!(is_kebab(ok), "{ok}");
        }
        for bad in [
            "", "Star-L", "star_l", "-star", "star-", "star--l", "star l",
        ] {
            assert!(!is_kebab(bad), "{bad}");
        }
    }

    const FRAMEWORK: &str = r#"
[[framework]]
id = "my-story"
name = "My story"
source = "me"
about = "Three parts."
overall = { min_s = 30.0, max_s = 90.0 }
[[framework.section]]
id = "start"
name = "Start"
about = "The start."
target = { min_s = 5.0, max_s = 20.0 }
[[framework.section]]
id = "end"
name = "End"
about = "The end."
target = { min_s = 5.0, max_s = 20.0 }
"#;

    /// Loads with `files` written into a fresh config dir; the error as the user sees it.
    fn load_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Result<Catalog, DataError>) {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        let cat = Catalog::load(Some(dir.path()));
        (dir, cat)
    }

    fn load_error(name: &str, text: &str) -> (String, String) {
        let (dir, cat) = load_with(&[(name, text)]);
        let path = dir.path().join(name).display().to_string();
        let Err(e) = cat else {
            panic!("{name} was accepted:\n{text}");
        };
        let message = e.to_string();
        assert!(!message.contains('\n'), "one line: {message:?}");
        (path, message)
    }

    #[test]
    fn bad_user_files_are_refused_with_one_line_naming_file_and_id() {
        let framework = |from: &str, to: &str| FRAMEWORK.replacen(from, to, 1);
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "frameworks.toml",
                "[[framework]\nid = 'x'\n".to_string(),
                ": line 1: ",
            ),
            (
                "frameworks.toml",
                framework("overall = { min_s = 30.0, max_s = 90.0 }\n", ""),
                "missing field `overall`",
            ),
            (
                "frameworks.toml",
                framework("id = \"my-story\"", "id = \"My Story\""),
                "framework 'My Story': id must be kebab-case",
            ),
            (
                "frameworks.toml",
                framework("id = \"end\"", "id = \"start\""),
                "framework 'my-story': section 'start' appears twice",
            ),
            (
                "frameworks.toml",
                framework("id = \"end\"", "id = \"the_end\""),
                "framework 'my-story', section 'the_end': id must be kebab-case",
            ),
            (
                "frameworks.toml",
                framework("min_s = 30.0, max_s = 90.0", "min_s = 90.0, max_s = 30.0"),
                "framework 'my-story': overall min_s must be >= 0 and <= max_s",
            ),
            (
                "frameworks.toml",
                framework("min_s = 5.0, max_s = 20.0", "min_s = 25.0, max_s = 20.0"),
                "framework 'my-story', section 'start': target min_s must be >= 0 and <= max_s",
            ),
            (
                "frameworks.toml",
                format!("{FRAMEWORK}{FRAMEWORK}"),
                "framework 'my-story' is defined twice",
            ),
            (
                "frameworks.toml",
                FRAMEWORK
                    .split("[[framework.section]]")
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                "missing field `section`",
            ),
            (
                "questions.toml",
                "[[question]]\nid = \"q1\"\ntext = \"Why?\"\nframework = \"nope\"\nsource = \"me\"\n"
                    .to_string(),
                "question 'q1': unknown framework 'nope'; known: star-l, failure-5",
            ),
            (
                "questions.toml",
                "[[question]]\nid = \"Q 1\"\ntext = \"Why?\"\nframework = \"star-l\"\nsource = \"me\"\n"
                    .to_string(),
                "question 'Q 1': id must be kebab-case",
            ),
            (
                "questions.toml",
                "[[question]]\nid = \"q1\"\nframework = \"star-l\"\nsource = \"me\"\n".to_string(),
                "missing field `text`",
            ),
        ];
        for (name, text, expected) in cases {
            let (path, message) = load_error(name, &text);
            assert!(
                message.starts_with(&format!("{path}: ")),
                "names the file: {message}"
            );
            assert!(message.contains(expected), "{message:?} lacks {expected:?}");
        }
    }

    #[test]
    fn user_files_override_and_extend_the_embedded_data() {
        // star-l with a different overall band and one section only; plus a new framework.
        let star_l = FRAMEWORK
            .replace("id = \"my-story\"", "id = \"star-l\"")
            .replace("min_s = 30.0, max_s = 90.0", "min_s = 45.0, max_s = 75.0");
        let question = "[[question]]\nid = \"why-rust\"\ntext = \"Why did you pick Rust for this project?\"\nframework = \"my-story\"\nsource = \"me\"\n";
        let (_dir, cat) = load_with(&[
            ("frameworks.toml", &format!("{star_l}{FRAMEWORK}")),
            ("questions.toml", question),
        ]);
        let cat = cat.expect("valid override");
        let embedded = embedded();
        assert_eq!(cat.frameworks.len(), embedded.frameworks.len() + 1);
        let star_l = cat.framework("star-l").expect("star-l");
        assert_eq!(
            star_l.overall,
            Band {
                min_s: 45.0,
                max_s: 75.0
            }
        );
        assert_eq!(star_l.section_index("end"), Some(1));
        // Overrides replace in place: the embedded order is kept.
        assert_eq!(cat.frameworks[0].id, "star-l");
        assert_eq!(cat.framework("my-story").map(|f| f.sections.len()), Some(2));
        assert_eq!(cat.questions.len(), embedded.questions.len() + 1);
        let q = cat.question("why-rust").expect("added question");
        assert_eq!(q.framework, "my-story");
        assert_eq!(
            id_of(&cat, "Why did you choose Rust for the project?").as_deref(),
            Some("why-rust")
        );
        // The embedded bank is still there.
        assert_eq!(id_of(&cat, "failed").as_deref(), Some("failed"));
    }

    #[test]
    fn no_config_dir_or_empty_dir_is_the_embedded_data() {
        let embedded = embedded();
        assert_eq!(Catalog::load(None).expect("embedded"), embedded);
        let (_dir, cat) = load_with(&[]);
        assert_eq!(cat.expect("empty dir"), embedded);
    }

    #[test]
    fn pace_band_is_written_in_wpm_and_read_under_its_old_names() {
        // lexicon.toml files copied before the band was named in words per minute.
        let old = LEXICON_TOML.replace(
            "pace_wpm = { min_wpm = 120.0, max_wpm = 170.0 }",
            "pace_wpm = { min_s = 100.0, max_s = 150.0 }",
        );
        assert_ne!(old, LEXICON_TOML);
        let (_dir, cat) = load_with(&[("lexicon.toml", &old)]);
        let cat = cat.expect("the old names are accepted");
        assert_eq!(
            cat.settings.pace_wpm,
            Band {
                min_s: 100.0,
                max_s: 150.0
            }
        );
        // Report and meta.json schema 1 wrote the same names.
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Pace {
            #[serde(with = "wpm_band")]
            band: Band,
        }
        let read: Pace = serde_json::from_str(r#"{"band": {"min_s": 1.0, "max_s": 2.0}}"#)
            .expect("old names read");
        assert_eq!(
            serde_json::to_string(&read).expect("serialize"),
            r#"{"band":{"min_wpm":1.0,"max_wpm":2.0}}"#
        );
        let back: Pace = serde_json::from_str(r#"{"band":{"min_wpm":1.0,"max_wpm":2.0}}"#)
            .expect("new names read");
        assert_eq!(back, read);
        let (_, message) = load_error(
            "lexicon.toml",
            &LEXICON_TOML.replace("min_wpm = 120.0", "min_wpm = 200.0"),
        );
        assert!(
            message.contains("pace_wpm min_wpm must be >= 0 and <= max_wpm"),
            "{message}"
        );
    }
}
