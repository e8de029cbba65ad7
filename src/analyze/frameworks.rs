//! Frameworks, targets, the question bank and word lists: embedded data files, overridable
//! from the user's config directory.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A target range in seconds (or, for pace, words per minute).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub min_s: f64,
    pub max_s: f64,
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
    pub blame: Vec<String>,
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
}

/// Everything the analysis reads from data files.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub frameworks: Vec<Framework>,
    pub questions: Vec<Question>,
    pub lexicon: Lexicon,
    pub settings: Settings,
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

fn parse<T: serde::de::DeserializeOwned>(path: &str, text: &str) -> Result<T, DataError> {
    toml::from_str(text).map_err(|e| DataError::Parse {
        path: path.to_string(),
        message: e
            .to_string()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .to_string(),
    })
}

impl Catalog {
    /// The data compiled into the binary.
    pub fn embedded() -> Result<Catalog, DataError> {
        let f: FrameworksFile = parse("(embedded) frameworks.toml", FRAMEWORKS_TOML)?;
        let q: QuestionsFile = parse("(embedded) questions.toml", QUESTIONS_TOML)?;
        let l: LexiconFile = parse("(embedded) lexicon.toml", LEXICON_TOML)?;
        Ok(Catalog {
            frameworks: f.frameworks,
            questions: q.questions,
            lexicon: l.lexicon,
            settings: l.settings,
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
            for fw in f.frameworks {
                validate(&p, &fw)?;
                match cat.frameworks.iter_mut().find(|x| x.id == fw.id) {
                    Some(x) => *x = fw,
                    None => cat.frameworks.push(fw),
                }
            }
        }
        if let Some((p, t)) = read("questions.toml")? {
            let q: QuestionsFile = parse(&p, &t)?;
            for qu in q.questions {
                match cat.questions.iter_mut().find(|x| x.id == qu.id) {
                    Some(x) => *x = qu,
                    None => cat.questions.push(qu),
                }
            }
        }
        if let Some((p, t)) = read("lexicon.toml")? {
            let l: LexiconFile = parse(&p, &t)?;
            cat.lexicon = l.lexicon;
            cat.settings = l.settings;
        }
        Ok(cat)
    }

    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }
}

fn validate(path: &str, fw: &Framework) -> Result<(), DataError> {
    let bad = |message: String| DataError::Invalid {
        path: path.to_string(),
        message,
    };
    if fw.sections.is_empty() {
        return Err(bad(format!("framework '{}' has no sections", fw.id)));
    }
    for s in &fw.sections {
        if !(s.target.min_s >= 0.0 && s.target.min_s <= s.target.max_s) {
            return Err(bad(format!(
                "framework '{}', section '{}': target min_s must be >= 0 and <= max_s",
                fw.id, s.id
            )));
        }
    }
    Ok(())
}

/// Where the user's override files live: `$REHEARSE_CONFIG_DIR`, else `~/.config/rehearse`.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("REHEARSE_CONFIG_DIR") {
        return Some(PathBuf::from(d));
    }
    dirs::config_dir().map(|d| d.join("rehearse"))
}
