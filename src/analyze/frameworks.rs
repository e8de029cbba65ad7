//! Frameworks, targets, the question bank and word lists: embedded data files, overridable
//! from the user's config directory.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::delivery_data::{self, DeliverySettings};
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
    /// Whether an answer in which no sentence was labelled with this section gets the
    /// `missing-section` signal. False where the decoder's "missing" is more often a section
    /// folded into its neighbours than one left out (STAR's Task), or where another signal
    /// reports the absence (failure-5's Own it, `no-ownership`): the timeline then shows the
    /// section as missing and uncertain, and no signal is raised.
    #[serde(default = "flag_when_missing_default")]
    pub flag_when_missing: bool,
    /// Whether people often tell this section in words the decoder does not hear as it (a
    /// one-line lesson with no cue), so that a placement on position alone is kept, marked
    /// uncertain, rather than dropped and reported missing (`drop_unheard` in sections.toml).
    #[serde(default)]
    pub told_quietly: bool,
    /// Whether the section must tell a lesson to be there: placed only on sentences that
    /// remember the event or say how the speaker feels about it, and on none that tells a lesson
    /// or a change, it is taken as left out ([`crate::analyze::endings`]).
    #[serde(default)]
    pub needs_lesson: bool,
    /// Whether the section must tell something the speaker does or now does: placed only on
    /// sentences that state a general truth (no speaker doing anything) or remember or feel, with
    /// none of its cues, no change marker and no growth claimed, it is taken as left out
    /// ([`crate::analyze::endings`]).
    #[serde(default)]
    pub needs_practice: bool,
}

fn flag_when_missing_default() -> bool {
    true
}

/// An answer framework: ordered sections with time targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Framework {
    pub id: String,
    pub name: String,
    /// Where it comes from, named by what the source is (shown to users).
    pub source: String,
    pub about: String,
    pub overall: Band,
    /// The answer should end by asking the interviewer something (star-long's connection).
    #[serde(default)]
    pub ends_with_question: bool,
    /// Whether the long-answer signals (`too-long`) apply.
    #[serde(default = "yes")]
    pub judge_too_long: bool,
    /// Whether `--framework auto` may pick it (not the one-section follow-up framework, which
    /// would explain any answer).
    #[serde(default = "yes")]
    pub auto: bool,
    #[serde(rename = "section")]
    pub sections: Vec<SectionDef>,
}

fn yes() -> bool {
    true
}

fn other_theme() -> String {
    "other".to_string()
}

/// A follow-up an interviewer asks when an answer lacks something: asked by `rehearse
/// practice` when one of the signals in `when` was raised (`missing-section:result`, `blame`,
/// `no-metrics`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: String,
    pub text: String,
    /// Signal ids that call for it; the first follow-up (in file order) whose signal was raised
    /// is asked.
    pub when: Vec<String>,
    pub source: String,
}

/// The framework follow-up answers are analyzed with.
pub const FOLLOW_UP_FRAMEWORK: &str = "follow-up";

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
    /// What the question is about (`failure`, `conflict`, `leadership`, ...), for
    /// `rehearse questions --theme` and `rehearse practice --theme`.
    #[serde(default = "other_theme")]
    pub theme: String,
    /// Where it comes from, named by what the source is (never shown as a file number).
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
    /// Parties outside the speaker ("their", "the vendor"): one of `failings` a few words
    /// later, in an answer with no admission, is blame.
    #[serde(default)]
    pub outside_parties: Vec<String>,
    /// Single words of a party failing ("never", "didn't", "missed").
    #[serde(default)]
    pub failings: Vec<String>,
    /// The speaker's own failings not in `ownership` ("i never"): beside one, others'
    /// failings are no blame.
    #[serde(default)]
    pub own_failings: Vec<String>,
    pub vague_lessons: Vec<String>,
    pub change_markers: Vec<String>,
    /// A failure remembered, not acted on ("that night has stayed with me since"): a sentence with
    /// one is no change, whatever change marker it holds, yet it is no generic lesson either.
    #[serde(default)]
    pub impressions: Vec<String>,
    /// Growth claimed, not shown ("I'm a better planner for it"): no change and no generic
    /// lesson, like an impression, but unlike one a lesson told, which owes a change.
    #[serde(default)]
    pub growth_claims: Vec<String>,
    /// The speaker describing how they are or feel ("i'm", "makes me", "i still feel"): in such a
    /// sentence a time word ("now", "every time") dates a feeling, not a practice.
    #[serde(default)]
    pub states: Vec<String>,
    /// Change markers that only place the telling in time ("now", "since then", "every time"):
    /// a change only outside a sentence of `states`.
    #[serde(default)]
    pub time_markers: Vec<String>,
    /// The speaker as the one acting ("i", "we", "i've"): a closing sentence with none of them
    /// states a general truth, a lesson, not a change the speaker made.
    #[serde(default)]
    pub doers: Vec<String>,
    /// Verb forms of the present ("is", "that's", "can"): a sentence with a past form and none
    /// of these is narration, a memory told as a story, and states no lesson.
    #[serde(default)]
    pub present_forms: Vec<String>,
    /// A past self set against the present ("I promise later than I used to"): growth told, so a
    /// lesson, in an ending that otherwise only remembers.
    #[serde(default)]
    pub past_selves: Vec<String>,
    /// The frame of a lesson stated as a claim ("my takeaway", "what it taught me"): in such a
    /// sentence only a practice of the speaker's ("i check", "we introduced") is a change, not a
    /// noun ("rule", "sign-off") or a time word the claim uses.
    #[serde(default)]
    pub lesson_statements: Vec<String>,
    pub ownership: Vec<String>,
    /// Denials of one's own part ("not my fault"): an ownership phrase inside one is none.
    #[serde(default)]
    pub disowning: Vec<String>,
    /// The speaker deciding for the group ("I decided", "I told the team"): the "we" right
    /// after one is the speaker's decision.
    #[serde(default)]
    pub decisions: Vec<String>,
    pub self_deprecation: Vec<String>,
    /// How a speaker makes themself the subject of a verdict ("i was", "i felt like"): one of
    /// `harsh_verdicts` at most two words later is self-deprecation.
    #[serde(default)]
    pub self_subjects: Vec<String>,
    /// Single words that run a person down ("idiot", "coward", "useless").
    #[serde(default)]
    pub harsh_verdicts: Vec<String>,
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
    /// `blame` also fires, where the speaker owns nothing, when what went wrong is told with
    /// someone else as the subject this many sentences more than with "I".
    #[serde(default = "default_blame_others_min")]
    pub blame_others_min: f64,
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
fn default_blame_others_min() -> f64 {
    5.0
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
    /// Cost of a flashback the speaker announces ("I should say, ...").
    pub announced_flashback_cost: f64,
    pub flashback_stay_cost: f64,
    pub uncertain_below: f64,
    /// A section the decoder placed is kept only if one of its sentences has a cue for it, or
    /// the model believes it at least this many times as much as the neighbouring labels; 0
    /// keeps every placed section.
    #[serde(default = "default_keep_share")]
    pub keep_share: f64,
    /// The framework's last section is kept only if one of its sentences has a cue for it, or
    /// the model gives one of them at least this probability; 0 keeps it on position alone.
    #[serde(default = "default_final_keep")]
    pub final_keep: f64,
    /// Weight of the sentence-in-context model's log-probabilities in "sounds like"; 0 turns
    /// it off.
    #[serde(default = "default_context_weight")]
    pub context_weight: f64,
    /// Weight of the same model where the decoder decides whether a section is there at all
    /// (brought back, dropped as unheard) and in the "sounds like" the report shows.
    #[serde(default = "default_presence_context_weight")]
    pub presence_context_weight: f64,
    /// Cost of a section running past the top of its band of the answer, per squared log of
    /// the excess; with `duration_short_weight`, 0 keeps the sentence-by-sentence decoder.
    #[serde(default = "default_duration_long_weight")]
    pub duration_long_weight: f64,
    /// Cost of a section falling short of the bottom of its band, per squared log of the gap.
    #[serde(default = "default_duration_short_weight")]
    pub duration_short_weight: f64,
    /// With durations weighed, the labelling by runs is used only where one section takes more
    /// than this share of the answer in it; otherwise the labelling by sentences stands.
    #[serde(default = "default_long_run_share")]
    pub long_run_share: f64,
    /// A section placed on position alone (no sentence of it has a cue, the section's words,
    /// or sounds like it) is dropped and reported missing, unless the framework says it is
    /// `told_quietly` or not to flag it when missing.
    #[serde(default = "default_drop_unheard")]
    pub drop_unheard: bool,
}

/// The value `data/sections.toml` ships with, for a user's copy that predates the setting.
fn default_keep_share() -> f64 {
    0.0
}

/// The value `data/sections.toml` ships with, for a user's copy that predates the setting.
fn default_final_keep() -> f64 {
    0.0
}

/// The value `data/sections.toml` ships with, for a user's copy that predates the setting.
fn default_drop_unheard() -> bool {
    true
}

/// The value `data/sections.toml` ships with, for a user's copy that predates the setting.
fn default_context_weight() -> f64 {
    2.0
}

/// The value `data/sections.toml` ships with, for a user's copy that predates the setting.
fn default_presence_context_weight() -> f64 {
    0.75
}

/// The value `data/sections.toml` ships with, for a user's copy that predates the setting.
fn default_long_run_share() -> f64 {
    0.5
}

/// The value `data/sections.toml` ships with, for a user's copy that predates the setting.
fn default_duration_long_weight() -> f64 {
    0.25
}

/// The value `data/sections.toml` ships with, for a user's copy that predates the setting.
fn default_duration_short_weight() -> f64 {
    0.5
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
    pub follow_ups: Vec<FollowUp>,
    pub lexicon: Lexicon,
    pub settings: Settings,
    /// `lexicon.toml`'s `[delivery]` table.
    pub delivery: DeliverySettings,
    pub sections: SectionData,
}

pub use super::data_error::DataError;

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
    #[serde(default, rename = "follow_up")]
    follow_ups: Vec<FollowUp>,
}

#[derive(Deserialize)]
struct LexiconFile {
    lexicon: Lexicon,
    settings: Settings,
    /// Optional in a user's file (older copies have none): the embedded one applies then.
    #[serde(default)]
    delivery: Option<DeliverySettings>,
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
        // user gets one line with both, and at most a few dozen characters of a long value.
        let what = crate::quote::short_message(
            e.message().lines().next().unwrap_or("invalid TOML").trim(),
        );
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
        validate_frameworks("(embedded) frameworks.toml", FRAMEWORKS_TOML, &f.frameworks)?;
        let q: QuestionsFile = parse("(embedded) questions.toml", QUESTIONS_TOML)?;
        validate_questions(
            "(embedded) questions.toml",
            QUESTIONS_TOML,
            &q.questions,
            &f.frameworks,
        )?;
        validate_follow_ups(
            "(embedded) questions.toml",
            QUESTIONS_TOML,
            &q.follow_ups,
            &f.frameworks,
        )?;
        let l: LexiconFile = parse("(embedded) lexicon.toml", LEXICON_TOML)?;
        validate_settings("(embedded) lexicon.toml", LEXICON_TOML, &l.settings)?;
        let delivery = l.delivery.ok_or_else(|| DataError::Invalid {
            path: "(embedded) lexicon.toml".into(),
            message: "no [delivery] table".into(),
        })?;
        delivery_data::validate("(embedded) lexicon.toml", LEXICON_TOML, &delivery)?;
        let sec: SectionsFile = parse("(embedded) sections.toml", SECTIONS_TOML)?;
        validate_sections("(embedded) sections.toml", &sec)?;
        validate_roles("(embedded) frameworks.toml", &f.frameworks, &sec.roles)?;
        Ok(Catalog {
            frameworks: f.frameworks,
            questions: q.questions,
            follow_ups: q.follow_ups,
            lexicon: l.lexicon,
            settings: l.settings,
            delivery,
            sections: sec.into_data(),
        })
    }

    /// The embedded data with the user's files from `dir` laid over it (same id replaces,
    /// new id adds).
    pub fn load(dir: Option<&Path>) -> Result<Catalog, DataError> {
        let mut cat = Catalog::embedded()?;
        let Some(dir) = dir else { return Ok(cat) };
        let read = |name: &str| -> Result<Option<(String, Vec<u8>)>, DataError> {
            let p = dir.join(name);
            match std::fs::read(&p) {
                Ok(t) => Ok(Some((p.display().to_string(), t))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(DataError::Read {
                    path: p.display().to_string(),
                    error,
                }),
            }
        };
        for name in USER_FILES {
            if let Some((p, bytes)) = read(name)? {
                cat.overlay(name, &p, &bytes)?;
            }
        }
        // Every framework's roles against the roles in force, whichever files they came from.
        if let Err(DataError::Invalid { message, .. }) = cat.check_roles() {
            let frameworks = dir.join("frameworks.toml");
            let sections = dir.join("sections.toml");
            let path = if frameworks.exists() || !sections.exists() {
                frameworks
            } else {
                sections
            };
            return Err(DataError::Invalid {
                path: path.display().to_string(),
                message,
            });
        }
        Ok(cat)
    }

    /// Lays the user's file `name` (one of [`USER_FILES`]), read from `path` as `bytes`, over
    /// this catalog, after checking every value in it. The fuzz target for override files
    /// enters here.
    pub fn overlay(&mut self, name: &str, path: &str, bytes: &[u8]) -> Result<(), DataError> {
        let text = utf8(path, bytes)?;
        match name {
            "frameworks.toml" => {
                let f: FrameworksFile = parse(path, text)?;
                validate_frameworks(path, text, &f.frameworks)?;
                for fw in f.frameworks {
                    match self.frameworks.iter_mut().find(|x| x.id == fw.id) {
                        Some(x) => *x = fw,
                        None => self.frameworks.push(fw),
                    }
                }
            }
            "questions.toml" => {
                let q: QuestionsFile = parse(path, text)?;
                // Against the merged frameworks, so that a user question may use a user
                // framework.
                validate_questions(path, text, &q.questions, &self.frameworks)?;
                validate_follow_ups(path, text, &q.follow_ups, &self.frameworks)?;
                for qu in q.questions {
                    match self.questions.iter_mut().find(|x| x.id == qu.id) {
                        Some(x) => *x = qu,
                        None => self.questions.push(qu),
                    }
                }
                for f in q.follow_ups {
                    match self.follow_ups.iter_mut().find(|x| x.id == f.id) {
                        Some(x) => *x = f,
                        None => self.follow_ups.push(f),
                    }
                }
            }
            "lexicon.toml" => {
                let l: LexiconFile = parse(path, text)?;
                validate_settings(path, text, &l.settings)?;
                if let Some(d) = l.delivery {
                    delivery_data::validate(path, text, &d)?;
                    self.delivery = d;
                }
                self.lexicon = l.lexicon;
                self.settings = l.settings;
            }
            "sections.toml" => {
                let sec: SectionsFile = parse(path, text)?;
                validate_sections(path, &sec)?;
                self.sections = sec.into_data();
            }
            other => {
                return Err(DataError::Invalid {
                    path: path.to_string(),
                    message: format!("{other} is not one of {}", USER_FILES.join(", ")),
                });
            }
        }
        Ok(())
    }

    /// Every framework's section roles are among the roles in force: run once all the user's
    /// files are laid over, since a new role and the framework using it may come in two files.
    pub fn check_roles(&self) -> Result<(), DataError> {
        validate_roles("", &self.frameworks, &self.sections.roles)
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

impl Catalog {
    /// The bank's question with exactly this id, or the error that names the nearest ids.
    pub fn question_by_id(&self, id: &str) -> Result<&Question, UnknownQuestion> {
        let id = id.trim();
        self.questions
            .iter()
            .find(|q| q.id == id)
            .ok_or_else(|| UnknownQuestion {
                id: id.to_string(),
                nearest: self.nearest_question_ids(id),
            })
    }

    /// Up to three ids a mistyped `typed` most likely meant: the closest by edit distance
    /// (a swap of two neighbouring letters counts once) within a third of the id's length, and
    /// ids that contain it or that it contains.
    pub fn nearest_question_ids(&self, typed: &str) -> Vec<String> {
        let typed = typed.trim().to_lowercase();
        if typed.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(usize, &str)> = self
            .questions
            .iter()
            .filter_map(|q| {
                let d = edit_distance(&typed, &q.id);
                let limit = (q.id.chars().count().max(typed.chars().count()) / 3).max(1);
                let contains = typed.len() >= 4 && (q.id.contains(&typed) || typed.contains(&q.id));
                (d <= limit || contains).then_some((d, q.id.as_str()))
            })
            .collect();
        scored.sort_by_key(|&(d, id)| (d, id.len()));
        scored
            .into_iter()
            .take(3)
            .map(|(_, id)| id.to_string())
            .collect()
    }

    /// Every theme with its number of questions, in the order the bank first uses them.
    pub fn themes(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for q in &self.questions {
            match out.iter_mut().find(|(t, _)| *t == q.theme) {
                Some((_, n)) => *n += 1,
                None => out.push((q.theme.clone(), 1)),
            }
        }
        out
    }

    /// The follow-up to ask after an answer that raised `signals`: the first in the bank whose
    /// `when` names one of them, skipping the ids in `asked`.
    pub fn follow_up_for<'a>(&'a self, signals: &[&str], asked: &[&str]) -> Option<&'a FollowUp> {
        self.follow_ups.iter().find(|f| {
            !asked.contains(&f.id.as_str()) && f.when.iter().any(|w| signals.contains(&w.as_str()))
        })
    }
}

/// A question id that is not in the bank.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", unknown_question_message(id, nearest))]
pub struct UnknownQuestion {
    pub id: String,
    /// The ids it most likely meant, nearest first.
    pub nearest: Vec<String>,
}

fn unknown_question_message(id: &str, nearest: &[String]) -> String {
    let hint = "`rehearse questions` lists the ids; --question-text TEXT asks a question that is not in the bank";
    match nearest {
        [] => format!("'{id}' is not in the question bank; {hint}"),
        [one] => format!("'{id}' is not in the question bank; did you mean {one}? ({hint})"),
        many => format!(
            "'{id}' is not in the question bank; did you mean one of {}? ({hint})",
            many.join(", ")
        ),
    }
}

/// Edit distance where inserting, deleting or changing a letter, or swapping two neighbours,
/// costs one (optimal string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
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

/// A data file's text, or the line where it stops being UTF-8.
fn utf8<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str, DataError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        DataError::Parse {
            path: path.to_string(),
            message: format!("line {line}: not valid UTF-8 text (save the file as UTF-8)"),
        }
    })
}

/// One step down a TOML document: a key, or an index into an array (of tables).
#[derive(Debug, Clone)]
enum Step {
    Key(&'static str),
    Index(usize),
}

/// A value that failed its check: where it is in the file, and what is wrong.
struct Issue {
    at: Vec<Step>,
    message: String,
}

/// The line of the value at `at` in `text`, or of the nearest enclosing one that is written
/// there (a defaulted field has no line of its own).
fn line_of(text: &str, at: &[Step]) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut span: Option<std::ops::Range<usize>> = None;
    let mut table: Option<&DeTable> = Some(root.get_ref());
    let mut array: Option<&[toml::Spanned<DeValue>]> = None;
    for step in at {
        let next = match step {
            Step::Key(k) => table.and_then(|t| {
                t.iter()
                    .find(|(key, _)| key.get_ref().as_ref() == *k)
                    .map(|(_, v)| v)
            }),
            Step::Index(i) => array.and_then(|a| a.get(*i)),
        };
        let Some(next) = next else { break };
        span = Some(next.span());
        table = None;
        array = None;
        match next.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a),
            _ => {}
        }
    }
    let start = span?.start.min(text.len());
    Some(
        text.as_bytes()[..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1,
    )
}

/// The error for `issue` in the file at `path` whose text is `text`: file, line, then what.
fn data_error(path: &str, text: &str, issue: Issue) -> DataError {
    let message = match line_of(text, &issue.at) {
        Some(line) => format!("line {line}: {}", issue.message),
        None => issue.message,
    };
    DataError::Invalid {
        path: path.to_string(),
        message,
    }
}

/// Longest time any target may name, seconds: the longest recording rehearse reads.
const MAX_TARGET_S: f64 = crate::audio::MAX_DURATION_S;

/// `value` must be a number in `[lo, hi]`; `name` is how the file spells the field.
fn number(
    at: Vec<Step>,
    what: &str,
    name: &str,
    value: f64,
    lo: f64,
    hi: f64,
) -> Result<(), Issue> {
    // Written so that NaN fails.
    if value.is_finite() && value >= lo && value <= hi {
        return Ok(());
    }
    Err(Issue {
        at,
        message: format!("{what}{name} = {value}: give a number from {lo} to {hi}"),
    })
}

/// A band's two ends are numbers in `[lo, hi]` and in order.
fn band(at: Vec<Step>, what: &str, name: &str, b: &Band, lo: f64, hi: f64) -> Result<(), Issue> {
    band_named(at, what, name, ["min_s", "max_s"], b, lo, hi)
}

/// [`band`] for a band whose bounds are written under other names (pace: `min_wpm`, `max_wpm`).
fn band_named(
    at: Vec<Step>,
    what: &str,
    name: &str,
    [min, max]: [&'static str; 2],
    b: &Band,
    lo: f64,
    hi: f64,
) -> Result<(), Issue> {
    let field = |end: &'static str| {
        let mut a = at.clone();
        a.push(Step::Key(end));
        a
    };
    number(field(min), what, &format!("{name}.{min}"), b.min_s, lo, hi)?;
    number(field(max), what, &format!("{name}.{max}"), b.max_s, lo, hi)?;
    if b.min_s > b.max_s {
        return Err(Issue {
            at: field(max),
            message: format!(
                "{what}{name}.{max} = {} is below {name}.{min} = {}: {min} must be <= {max}",
                b.max_s, b.min_s
            ),
        });
    }
    Ok(())
}

fn validate(i: usize, fw: &Framework) -> Result<(), Issue> {
    let here = |rest: &[Step]| {
        let mut a = vec![Step::Key("framework"), Step::Index(i)];
        a.extend_from_slice(rest);
        a
    };
    let bad = |rest: &[Step], message: String| Issue {
        at: here(rest),
        message,
    };
    if !is_kebab(&fw.id) {
        return Err(bad(
            &[Step::Key("id")],
            format!("framework '{}': {KEBAB}", snip(&fw.id)),
        ));
    }
    let what = format!("framework '{}': ", fw.id);
    band(
        here(&[Step::Key("overall")]),
        &what,
        "overall",
        &fw.overall,
        0.0,
        MAX_TARGET_S,
    )?;
    if fw.sections.is_empty() {
        return Err(bad(&[], format!("framework '{}' has no sections", fw.id)));
    }
    for (j, s) in fw.sections.iter().enumerate() {
        let at = |rest: &[Step]| {
            let mut a = vec![Step::Key("section"), Step::Index(j)];
            a.extend_from_slice(rest);
            here(&a)
        };
        if !is_kebab(&s.id) {
            return Err(Issue {
                at: at(&[Step::Key("id")]),
                message: format!("framework '{}', section '{}': {KEBAB}", fw.id, snip(&s.id)),
            });
        }
        // Section ids name the spans in a report; two alike would merge two sections' times.
        if fw.sections[..j].iter().any(|x| x.id == s.id) {
            return Err(Issue {
                at: at(&[Step::Key("id")]),
                message: format!("framework '{}': section '{}' appears twice", fw.id, s.id),
            });
        }
        let what = format!("framework '{}', section '{}': ", fw.id, s.id);
        band(
            at(&[Step::Key("target")]),
            &what,
            "target",
            &s.target,
            0.0,
            MAX_TARGET_S,
        )?;
        number(
            at(&[Step::Key("past_actions")]),
            &what,
            "past_actions",
            s.past_actions,
            0.0,
            100.0,
        )?;
    }
    Ok(())
}

/// At most a few dozen characters of a value from a file, for a message.
fn snip(s: &str) -> String {
    crate::quote::snippet(s)
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

/// One file's frameworks: each sane, and no id twice (a second one would silently win).
fn validate_frameworks(path: &str, text: &str, frameworks: &[Framework]) -> Result<(), DataError> {
    for (i, fw) in frameworks.iter().enumerate() {
        validate(i, fw).map_err(|issue| data_error(path, text, issue))?;
        if frameworks[..i].iter().any(|x| x.id == fw.id) {
            let issue = Issue {
                at: vec![Step::Key("framework"), Step::Index(i), Step::Key("id")],
                message: format!("framework '{}' is defined twice", fw.id),
            };
            return Err(data_error(path, text, issue));
        }
    }
    Ok(())
}

/// One file's questions: kebab-case ids and themes, no id twice, text present, a framework
/// that exists.
fn validate_questions(
    path: &str,
    text: &str,
    questions: &[Question],
    frameworks: &[Framework],
) -> Result<(), DataError> {
    for (i, q) in questions.iter().enumerate() {
        let bad = |key: &'static str, message: String| {
            let issue = Issue {
                at: vec![Step::Key("question"), Step::Index(i), Step::Key(key)],
                message,
            };
            data_error(path, text, issue)
        };
        if !is_kebab(&q.id) {
            return Err(bad("id", format!("question '{}': {KEBAB}", snip(&q.id))));
        }
        if questions[..i].iter().any(|x| x.id == q.id) {
            return Err(bad("id", format!("question '{}' is defined twice", q.id)));
        }
        if q.text.trim().is_empty() {
            return Err(bad("text", format!("question '{}' has no text", q.id)));
        }
        if !is_kebab(&q.theme) {
            return Err(bad(
                "theme",
                format!("question '{}': theme '{}': {KEBAB}", q.id, snip(&q.theme)),
            ));
        }
        if !frameworks.iter().any(|f| f.id == q.framework) {
            let known: Vec<&str> = frameworks.iter().map(|f| f.id.as_str()).collect();
            return Err(bad(
                "framework",
                format!(
                    "question '{}': unknown framework '{}'; known: {}",
                    q.id,
                    snip(&q.framework),
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Signal ids a follow-up can be asked for (besides `missing-section:ID` and
/// `long-section:ID`, checked against the frameworks' sections).
pub const FOLLOW_UP_SIGNALS: &[&str] = &[
    "blame",
    "weak-lesson",
    "no-metrics",
    "hedging",
    "fillers-heavy",
    "too-long",
    "too-short",
    "long-pause",
    "no-ownership",
    "we-not-i",
    "no-change",
    "self-deprecation",
    "pace-fast",
    "pace-slow",
    "no-closing-question",
];

/// One file's follow-ups: kebab-case ids, no id twice, text present, and every `when` a signal
/// the analysis can raise.
fn validate_follow_ups(
    path: &str,
    text: &str,
    follow_ups: &[FollowUp],
    frameworks: &[Framework],
) -> Result<(), DataError> {
    for (i, f) in follow_ups.iter().enumerate() {
        let bad = |key: &'static str, message: String| {
            let issue = Issue {
                at: vec![Step::Key("follow_up"), Step::Index(i), Step::Key(key)],
                message,
            };
            data_error(path, text, issue)
        };
        if !is_kebab(&f.id) {
            return Err(bad("id", format!("follow-up '{}': {KEBAB}", snip(&f.id))));
        }
        if follow_ups[..i].iter().any(|x| x.id == f.id) {
            return Err(bad("id", format!("follow-up '{}' is defined twice", f.id)));
        }
        if f.text.trim().is_empty() {
            return Err(bad("text", format!("follow-up '{}' has no text", f.id)));
        }
        if f.when.is_empty() {
            return Err(bad(
                "when",
                format!("follow-up '{}': `when` names no signal", f.id),
            ));
        }
        for w in &f.when {
            let known = match w.split_once(':') {
                Some(("missing-section" | "long-section", section)) => frameworks
                    .iter()
                    .any(|fw| fw.sections.iter().any(|s| s.id == section)),
                Some(_) => false,
                None => FOLLOW_UP_SIGNALS.contains(&w.as_str()),
            };
            if !known {
                return Err(bad(
                    "when",
                    format!(
                        "follow-up '{}': unknown signal '{}'; known: {}, missing-section:SECTION, long-section:SECTION",
                        f.id,
                        snip(w),
                        FOLLOW_UP_SIGNALS.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Every number in `[settings]`: a number, in a range that makes sense, and ordered where two
/// go together.
fn validate_settings(path: &str, text: &str, settings: &Settings) -> Result<(), DataError> {
    let s = settings;
    let at = |key: &'static str| vec![Step::Key("settings"), Step::Key(key)];
    let what = "settings: ";
    let checks = || -> Result<(), Issue> {
        band_named(
            at("pace_wpm"),
            what,
            "pace_wpm",
            ["min_wpm", "max_wpm"],
            &s.pace_wpm,
            0.0,
            1000.0,
        )?;
        number(
            at("pace_window_s"),
            what,
            "pace_window_s",
            s.pace_window_s,
            1.0,
            600.0,
        )?;
        number(
            at("pause_min_s"),
            what,
            "pause_min_s",
            s.pause_min_s,
            0.05,
            60.0,
        )?;
        number(
            at("long_pause_s"),
            what,
            "long_pause_s",
            s.long_pause_s,
            0.05,
            600.0,
        )?;
        if s.long_pause_s < s.pause_min_s {
            return Err(Issue {
                at: at("long_pause_s"),
                message: format!(
                    "{what}long_pause_s = {} is below pause_min_s = {}: a long pause is a pause",
                    s.long_pause_s, s.pause_min_s
                ),
            });
        }
        let per_min = [
            ("fillers_heavy_per_min", s.fillers_heavy_per_min),
            ("hedges_per_min", s.hedges_per_min),
        ];
        for (name, v) in per_min {
            number(at(name), what, name, v, 0.0, 1000.0)?;
        }
        number(
            at("too_short_s"),
            what,
            "too_short_s",
            s.too_short_s,
            0.0,
            MAX_TARGET_S,
        )?;
        number(
            at("too_long_s"),
            what,
            "too_long_s",
            s.too_long_s,
            0.0,
            MAX_TARGET_S,
        )?;
        if s.too_long_s < s.too_short_s {
            return Err(Issue {
                at: at("too_long_s"),
                message: format!(
                    "{what}too_long_s = {} is below too_short_s = {}",
                    s.too_long_s, s.too_short_s
                ),
            });
        }
        number(
            at("long_section_share"),
            what,
            "long_section_share",
            s.long_section_share,
            0.0,
            1.0,
        )
    };
    checks().map_err(|issue| data_error(path, text, issue))
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
        ("announced_flashback_cost", d.announced_flashback_cost),
        ("flashback_stay_cost", d.flashback_stay_cost),
        ("uncertain_below", d.uncertain_below),
        ("keep_share", d.keep_share),
        ("final_keep", d.final_keep),
        ("context_weight", d.context_weight),
        ("presence_context_weight", d.presence_context_weight),
        ("duration_long_weight", d.duration_long_weight),
        ("duration_short_weight", d.duration_short_weight),
        ("long_run_share", d.long_run_share),
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
    if d.long_run_share > 1.0 {
        return Err(bad(format!(
            "decoder: long_run_share is a share of the answer, 0 to 1 (it is {})",
            d.long_run_share
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
            cat.questions.len() >= 73,
            "{} questions: the 33 failure questions and at least 40 more",
            cat.questions.len()
        );
        let beyond_failure = cat
            .questions
            .iter()
            .filter(|q| q.theme != "failure")
            .count();
        assert!(beyond_failure >= 40, "{beyond_failure} beyond failure");
        for source in [
            "the senior engineers' failure-question guide",
            "the 'greatest failure' answer guide",
            "the strategic-failure write-up",
            "the high-stakes decision write-up",
            "the long-form STAR failure guide",
        ] {
            assert!(
                cat.questions.iter().any(|q| q.source.contains(source)),
                "no question cites {source}"
            );
        }
        for theme in [
            "failure",
            "intro",
            "conflict",
            "leadership",
            "influence",
            "decision",
            "deadline",
            "teamwork",
            "prioritization",
            "customer",
            "ambiguity",
            "feedback",
        ] {
            assert!(
                cat.themes().iter().any(|(t, n)| t == theme && *n >= 2),
                "theme {theme}: {:?}",
                cat.themes()
            );
        }
        // Also proves that no two questions share a wording: a tie would give None.
        let mut wrong = Vec::new();
        for q in &cat.questions {
            for wording in std::iter::once(&q.text).chain(&q.variants) {
                let found = id_of(&cat, wording);
                if found.as_deref() != Some(q.id.as_str()) {
                    wrong.push(format!("{wording:?} -> {found:?}, not {}", q.id));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
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
                "line 7: framework 'my-story': overall.max_s = 30 is below overall.min_s = 90: min_s must be <= max_s",
            ),
            (
                "frameworks.toml",
                framework("min_s = 5.0, max_s = 20.0", "min_s = 25.0, max_s = 20.0"),
                "line 12: framework 'my-story', section 'start': target.max_s = 20 is below target.min_s = 25",
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
    fn every_number_in_an_override_is_checked_with_file_line_and_field() {
        let framework = |from: &str, to: &str| FRAMEWORK.replacen(from, to, 1);
        let lexicon = |from: &str, to: &str| {
            assert!(LEXICON_TOML.contains(from), "{from}");
            LEXICON_TOML.replacen(from, to, 1)
        };
        let line_of_lexicon = |needle: &str| {
            let k = LEXICON_TOML.find(needle).expect(needle);
            LEXICON_TOML[..k].matches('\n').count() + 1
        };
        let cases: Vec<(&str, String, String)> = vec![
            (
                "frameworks.toml",
                framework("max_s = 90.0", "max_s = inf"),
                "line 7: framework 'my-story': overall.max_s = inf: give a number from 0 to 14400"
                    .into(),
            ),
            (
                "frameworks.toml",
                framework("min_s = 5.0", "min_s = nan"),
                "line 12: framework 'my-story', section 'start': target.min_s = NaN".into(),
            ),
            (
                "frameworks.toml",
                framework("min_s = 5.0", "min_s = -5.0"),
                "line 12: framework 'my-story', section 'start': target.min_s = -5".into(),
            ),
            (
                "lexicon.toml",
                lexicon("max_wpm = 170.0", "max_wpm = inf"),
                format!(
                    "line {}: settings: pace_wpm.max_wpm = inf: give a number from 0 to 1000",
                    line_of_lexicon("pace_wpm =")
                ),
            ),
            (
                "lexicon.toml",
                lexicon("pace_window_s = 10.0", "pace_window_s = 0.0"),
                format!(
                    "line {}: settings: pace_window_s = 0: give a number from 1 to 600",
                    line_of_lexicon("pace_window_s =")
                ),
            ),
            (
                "lexicon.toml",
                lexicon("long_section_share = 0.56", "long_section_share = inf"),
                format!(
                    "line {}: settings: long_section_share = inf",
                    line_of_lexicon("long_section_share =")
                ),
            ),
            (
                "lexicon.toml",
                lexicon("too_long_s = 180.0", "too_long_s = 10.0"),
                format!(
                    "line {}: settings: too_long_s = 10 is below too_short_s = 45",
                    line_of_lexicon("too_long_s =")
                ),
            ),
        ];
        for (name, text, expected) in cases {
            let (path, message) = load_error(name, &text);
            assert!(message.starts_with(&format!("{path}: ")), "{message}");
            assert!(
                message.contains(&expected),
                "{message:?} lacks {expected:?}"
            );
        }
    }

    #[test]
    fn unreadable_text_and_huge_values_give_one_short_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("frameworks.toml"),
            b"# caf\xe9 notes\n[[framework]]\n".as_slice(),
        )
        .expect("write");
        let e = Catalog::load(Some(dir.path()))
            .expect_err("not UTF-8")
            .to_string();
        let path = dir.path().join("frameworks.toml").display().to_string();
        assert_eq!(
            e,
            format!("{path}: line 1: not valid UTF-8 text (save the file as UTF-8)")
        );
        let big = "a".repeat(1 << 20);
        let text = FRAMEWORK.replacen("min_s = 30.0", &format!("min_s = \"{big}\""), 1);
        let (_, message) = load_error("frameworks.toml", &text);
        assert!(message.len() < path.len() + 300, "{} bytes", message.len());
        assert!(message.contains("line 7: "), "{message}");
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

    /// "seed 004" means something to the developers only: what users read names the source.
    #[test]
    fn no_user_visible_data_names_a_seed_number() {
        let cat = embedded();
        let seedish = |t: &str| {
            let l = t.to_lowercase();
            l.match_indices("seed").any(|(i, _)| {
                l[i + 4..]
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit())
            })
        };
        for f in &cat.frameworks {
            for t in [&f.name, &f.source, &f.about] {
                assert!(!seedish(t), "framework {}: {t}", f.id);
            }
            for s in &f.sections {
                assert!(
                    !seedish(&s.about),
                    "framework {} section {}: {}",
                    f.id,
                    s.id,
                    s.about
                );
            }
        }
        for q in &cat.questions {
            assert!(
                !seedish(&q.source) && !seedish(&q.text),
                "question {}",
                q.id
            );
        }
        for f in &cat.follow_ups {
            assert!(
                !seedish(&f.source) && !seedish(&f.text),
                "follow-up {}",
                f.id
            );
        }
    }

    #[test]
    fn mistyped_ids_find_the_nearest_ones() {
        let cat = embedded();
        assert_eq!(
            cat.question_by_id("failed").map(|q| q.id.as_str()),
            Ok("failed")
        );
        let e = cat.question_by_id("fialed").expect_err("typo");
        assert_eq!(e.nearest.first().map(String::as_str), Some("failed"), "{e}");
        assert!(e.to_string().contains("did you mean failed"), "{e}");
        assert!(e.to_string().contains("--question-text"), "{e}");
        let e = cat.question_by_id("conflict").expect_err("no such id");
        assert!(e.nearest.iter().any(|i| i == "conflict-coworker"), "{e}");
        let e = cat.question_by_id("zzzzzzzzzz").expect_err("nothing near");
        assert!(e.nearest.is_empty(), "{e}");
        assert!(!e.to_string().contains("did you mean"), "{e}");
        assert_eq!(edit_distance("fialed", "failed"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn follow_ups_follow_the_signals_in_bank_order() {
        let cat = embedded();
        let id = |signals: &[&str], asked: &[&str]| {
            cat.follow_up_for(signals, asked).map(|f| f.id.clone())
        };
        assert_eq!(
            id(&["missing-section:result"], &[]).as_deref(),
            Some("outcome")
        );
        assert_eq!(id(&["blame"], &[]).as_deref(), Some("your-part"));
        assert_eq!(
            id(&["missing-section:learning"], &[]).as_deref(),
            Some("differently")
        );
        assert_eq!(id(&["no-metrics"], &[]).as_deref(), Some("impact"));
        assert_eq!(
            id(&["no-metrics", "blame"], &["your-part"]).as_deref(),
            Some("impact"),
            "one already asked is skipped"
        );
        assert_eq!(id(&["pace-fast"], &[]), None);
        let f = cat
            .framework(FOLLOW_UP_FRAMEWORK)
            .expect("follow-up framework");
        assert_eq!((f.overall.min_s, f.overall.max_s), (15.0, 45.0));
        assert!(!f.auto, "auto never picks the one-section framework");
    }

    #[test]
    fn bad_follow_ups_and_themes_are_refused_with_file_and_line() {
        let ok =
            "[[question]]\nid = \"q1\"\ntext = \"Why?\"\nframework = \"star-l\"\nsource = \"me\"\n";
        for (text, expected) in [
            (
                format!(
                    "{ok}\n[[follow_up]]\nid = \"f1\"\ntext = \"So?\"\nwhen = [\"blame\", \"nonsense\"]\nsource = \"me\"\n"
                ),
                "line 10: follow-up 'f1': unknown signal 'nonsense'",
            ),
            (
                format!(
                    "{ok}\n[[follow_up]]\nid = \"f1\"\ntext = \"So?\"\nwhen = [\"missing-section:nope\"]\nsource = \"me\"\n"
                ),
                "line 10: follow-up 'f1': unknown signal 'missing-section:nope'",
            ),
            (
                format!(
                    "{ok}\n[[follow_up]]\nid = \"f1\"\ntext = \"So?\"\nwhen = []\nsource = \"me\"\n"
                ),
                "line 10: follow-up 'f1': `when` names no signal",
            ),
            (
                ok.replace("source", "theme = \"Bad Theme\"\nsource"),
                "line 5: question 'q1': theme 'Bad Theme'",
            ),
            (
                format!(
                    "{ok}\n[[question]]\nid = \"q2\"\ntext = \"How?\"\nframework = \"nope\"\nsource = \"me\"\n"
                ),
                "line 10: question 'q2': unknown framework 'nope'",
            ),
        ] {
            let (path, message) = load_error("questions.toml", &text);
            assert!(message.starts_with(&format!("{path}: ")), "{message}");
            assert!(message.contains(expected), "{message:?} lacks {expected:?}");
        }
        // A user's follow-up may name a section of the user's own framework, and a question
        // without a theme is filed under "other".
        let (_dir, cat) = load_with(&[
            ("frameworks.toml", FRAMEWORK),
            (
                "questions.toml",
                &format!(
                    "{ok}\n[[follow_up]]\nid = \"f1\"\ntext = \"And the end?\"\nwhen = [\"missing-section:end\"]\nsource = \"me\"\n"
                ),
            ),
        ]);
        let cat = cat.expect("valid");
        assert_eq!(cat.question("q1").map(|q| q.theme.as_str()), Some("other"));
        assert_eq!(
            cat.follow_up_for(&["missing-section:end"], &[])
                .map(|f| f.id.as_str()),
            Some("f1")
        );
    }

    #[test]
    fn context_weight_is_checked_and_an_older_copy_gets_the_shipped_value() {
        let mut cat = Catalog::embedded().expect("embedded");
        for (line, bad, field) in [
            (
                "\ncontext_weight = 2.0\n",
                "\ncontext_weight = -1\n",
                "decoder: context_weight",
            ),
            (
                "\npresence_context_weight = 0.75\n",
                "\npresence_context_weight = inf\n",
                "decoder: presence_context_weight",
            ),
        ] {
            assert!(SECTIONS_TOML.contains(line), "{line}");
            let e = cat
                .overlay(
                    "sections.toml",
                    "my/sections.toml",
                    SECTIONS_TOML.replace(line, bad).as_bytes(),
                )
                .expect_err("a weight that is no weight is refused")
                .to_string();
            assert!(
                e.starts_with("my/sections.toml: ") && e.contains(field),
                "{e}"
            );
        }
        let older = SECTIONS_TOML
            .replace("\ncontext_weight = 2.0\n", "\n")
            .replace("\npresence_context_weight = 0.75\n", "\n");
        cat.overlay("sections.toml", "my/sections.toml", older.as_bytes())
            .expect("a copy from before the settings still reads");
        assert_eq!(cat.sections.decoder.context_weight, 2.0);
        assert_eq!(cat.sections.decoder.presence_context_weight, 0.75);
    }

    #[test]
    fn duration_settings_are_checked_and_an_older_copy_gets_the_shipped_values() {
        let mut cat = Catalog::embedded().expect("embedded");
        for (line, bad, field) in [
            (
                "long_run_share = 0.5\n",
                "long_run_share = 1.5\n",
                "long_run_share is a share",
            ),
            (
                "duration_long_weight = 0.25\n",
                "duration_long_weight = -0.5\n",
                "duration_long_weight must be",
            ),
        ] {
            assert!(SECTIONS_TOML.contains(line), "{line}");
            let text = SECTIONS_TOML.replace(line, bad);
            let e = cat
                .overlay("sections.toml", "my/sections.toml", text.as_bytes())
                .expect_err("refused")
                .to_string();
            assert!(
                e.starts_with("my/sections.toml: ") && e.contains(field),
                "{e}"
            );
        }
        let older = [
            "duration_long_weight = 0.25\n",
            "duration_short_weight = 0.5\n",
            "long_run_share = 0.5\n",
        ]
        .iter()
        .fold(SECTIONS_TOML.to_string(), |t, l| t.replace(l, ""));
        cat.overlay("sections.toml", "my/sections.toml", older.as_bytes())
            .expect("a copy from before the settings still reads");
        let d = cat.sections.decoder;
        assert_eq!(
            (
                d.duration_long_weight,
                d.duration_short_weight,
                d.long_run_share
            ),
            (0.25, 0.5, 0.5)
        );
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
            message.contains("pace_wpm.max_wpm = 170 is below pace_wpm.min_wpm = 200"),
            "{message}"
        );
    }
}
