//! The analysis's data: what goes in ([`AnalysisInput`]) and the report that comes out
//! ([`Analysis`], serialized as `report.json`, see `docs/report-schema.md`), with the parts the
//! stages fill in. The stages build on these types; this file depends on no stage.

use serde::{Deserialize, Serialize};

pub use super::delivery_data::DeliveryThresholds;
use super::frameworks::Band;
use crate::audio::Voice;
use crate::audio::clipping::Clipping;
use crate::transcribe::Word;

/// Version of the report JSON layout (`docs/report-schema.md`); bump it when a field changes
/// meaning, and keep reading the older layouts (stored attempts hold reports of every version).
/// 2: `pace.band` is `{min_wpm, max_wpm}` (schema 1 wrote words per minute as `min_s`/`max_s`).
/// 3: `delivery` (pitch, loudness, clipping, repetition) and `words[].level_dbfs`; older
/// reports read as "delivery not measured".
pub const REPORT_SCHEMA: u32 = 3;

/// What kind of file the words came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// A WAV file, transcribed by rehearse.
    Wav,
    /// rehearse's own transcript JSON.
    Transcript,
    /// whisper.cpp's `--output-json` / `--output-json-full`.
    WhisperCppJson,
    Srt,
    Vtt,
    /// Plain text: no times at all, so they are estimated.
    Text,
}

impl InputKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Wav => "wav",
            InputKind::Transcript => "transcript",
            InputKind::WhisperCppJson => "whisper-cpp-json",
            InputKind::Srt => "srt",
            InputKind::Vtt => "vtt",
            InputKind::Text => "text",
        }
    }
}

/// How trustworthy the times are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Timing {
    /// Per-word times from the audio (rehearse, whisper.cpp token times).
    Words,
    /// Only cue/segment times are known; word times inside a cue are spread by length.
    Cues,
    /// No times at all: estimated from a stated speaking rate.
    Estimated { wpm: f64 },
}

impl Timing {
    pub fn is_estimated(&self) -> bool {
        matches!(self, Timing::Estimated { .. })
    }
}

/// The words to analyze and what is known about where they came from.
#[derive(Debug, Clone)]
pub struct AnalysisInput {
    pub path: String,
    pub kind: InputKind,
    /// The audio the words were heard in, when known (for pauses from energy and the HTML player).
    pub audio_path: Option<String>,
    pub timing: Timing,
    /// Length of the recording; for text, the estimated length.
    pub duration_s: f64,
    pub words: Vec<Word>,
    /// Stretches of speech found in the audio's energy, when the audio is at hand; pauses are
    /// confirmed against them.
    pub speech: Option<Vec<(f64, f64)>>,
    /// Notes carried from the transcript (e.g. "no speech found").
    pub notes: Vec<String>,
    /// Pitch, level and clipping of the recording, when the audio is at hand: the delivery
    /// measures are made from them.
    pub voice: Option<Voice>,
    /// The speaker's usual pitch variation from earlier attempts, when there are enough.
    pub pitch_baseline: Option<PitchBaseline>,
}

impl AnalysisInput {
    /// Words with their heard times and nothing else known (no audio, notes or baseline): the
    /// common start, for callers to fill in what they have.
    pub fn words(path: &str, kind: InputKind, words: Vec<Word>, duration_s: f64) -> Self {
        AnalysisInput {
            path: path.to_string(),
            kind,
            audio_path: None,
            timing: Timing::Words,
            duration_s,
            words,
            speech: None,
            notes: Vec::new(),
            voice: None,
            pitch_baseline: None,
        }
    }
}

/// Where a section's time stands against its target band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Missing,
    Short,
    Ok,
    Long,
}

impl Status {
    pub fn of(seconds: f64, band: &Band) -> Status {
        if seconds <= 0.0 {
            Status::Missing
        } else if seconds < band.min_s {
            Status::Short
        } else if seconds > band.max_s {
            Status::Long
        } else {
            Status::Ok
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Missing => "missing",
            Status::Short => "short",
            Status::Ok => "ok",
            Status::Long => "long",
        }
    }
}

/// One word of the report: the transcript's word plus what the analysis made of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportWord {
    pub text: String,
    pub start_s: f64,
    pub end_s: f64,
    pub p: f32,
    /// Index into [`Analysis::sentences`].
    pub sentence: usize,
    /// Set when this word is (part of) a filler.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub filler: bool,
    /// Its level in dBFS, when the audio was measured (`delivery.measured`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_dbfs: Option<f64>,
}

/// A sentence, the unit that gets a section label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub start_s: f64,
    pub end_s: f64,
    /// Index range `[first_word, first_word + n_words)` into [`Analysis::words`].
    pub first_word: usize,
    pub n_words: usize,
    pub text: String,
    /// The section id this sentence was labelled with.
    pub section: String,
    /// Why: the cue that decided the label ("cue 'what i learned'", "position: after action").
    pub evidence: String,
    /// Probability of the label given all the evidence (0..1); absent in older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Set when `confidence` is under the decoder's `uncertain_below` (sections.toml).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub uncertain: bool,
}

/// The evidence of a sentence, or of a span, labelled for where it falls and nothing else.
pub const BY_POSITION: &str = "position in the answer";

/// A run of consecutive sentences with the same label: a timed span of the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionSpan {
    pub id: String,
    pub start_s: f64,
    pub end_s: f64,
    /// Sentence indices `[first_sentence, first_sentence + n_sentences)`.
    pub first_sentence: usize,
    pub n_sentences: usize,
    pub words: usize,
    /// True when this span comes back to a section after a later one already started.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub flashback: bool,
    /// The strongest cue among its sentences, else the first evidence of a sentence's own
    /// (what it sounds like, the section's words), else "position in the answer".
    pub evidence: String,
    /// Mean probability of its sentences' label, weighted by words (0..1); absent in older
    /// reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Set when `confidence` is under the decoder's `uncertain_below`, or when the span was
    /// placed by its position alone: it was labelled on weak evidence, and the report says so
    /// instead of stating it as fact.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub uncertain: bool,
}

impl SectionSpan {
    /// Whether the span was placed for where it falls and nothing else: a guess, however sure
    /// the decoder was of the place.
    pub fn by_position(&self) -> bool {
        self.evidence == BY_POSITION
    }
}

/// One framework section's time against its target (every framework section appears, in
/// framework order, missing ones included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionTiming {
    pub id: String,
    pub name: String,
    pub target: Band,
    /// Speaking time: the sum of its spans, first word to last word of each.
    pub duration_s: f64,
    /// Where its first span starts (`None` when missing).
    pub start_s: Option<f64>,
    pub end_s: Option<f64>,
    pub words: usize,
    /// Words per minute over its spans (`None` when missing).
    pub wpm: Option<f64>,
    /// Share of the whole answer's speaking time, 0..1.
    pub share: f64,
    pub status: Status,
    pub fillers: usize,
    /// Set when most of its words lie in spans labelled on weak evidence (see
    /// [`SectionSpan::uncertain`]): its time is a best guess.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub uncertain: bool,
}

/// The whole answer against the framework's overall band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overall {
    /// From the first word's start to the last word's end.
    pub answer_s: f64,
    pub target: Band,
    pub status: Status,
    pub words: usize,
    /// Time inside words and short gaps (< 1 s): talking.
    pub speaking_s: f64,
    /// Time in silences of 1 s or more between the first and last word.
    pub pause_s: f64,
}

/// Words per minute in one window of the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaceWindow {
    pub start_s: f64,
    pub end_s: f64,
    pub words: usize,
    pub wpm: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaceStatus {
    Slow,
    Ok,
    Fast,
}

/// Pacing over the whole answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pace {
    /// Words over the answer's length (first word to last), pauses included.
    pub wpm: f64,
    /// Words over speaking time only (pauses of 1 s or more left out).
    pub wpm_speaking: f64,
    /// The band `wpm` is judged against, in words per minute (configurable; see `rehearse
    /// frameworks --path`).
    #[serde(with = "super::frameworks::wpm_band")]
    pub band: Band,
    pub status: PaceStatus,
    pub window_s: f64,
    pub windows: Vec<PaceWindow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PauseLocation {
    BetweenSentences,
    MidSentence,
    BetweenSections,
}

/// A silence of 1 s or more inside the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    pub start_s: f64,
    pub end_s: f64,
    pub duration_s: f64,
    pub location: PauseLocation,
    /// Index of the word before the pause.
    pub after_word: usize,
    /// Whether the audio's energy confirms the silence (`None` when no audio was at hand).
    pub audio_confirmed: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FillerKind {
    /// um, uh, er, ah, hmm, ...
    Hesitation,
    /// "you know", "I mean", "sort of", "kind of", "basically", ... used as filler.
    Phrase,
    /// "like" used as filler (", like,").
    Like,
}

/// One filler with its time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filler {
    /// Lowercased, punctuation removed ("um", "you know").
    pub text: String,
    pub kind: FillerKind,
    pub start_s: f64,
    pub end_s: f64,
    /// Index of its first word.
    pub word: usize,
    /// The section it falls in.
    pub section: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillerStats {
    pub count: usize,
    pub per_minute: f64,
    /// Counts by text, most frequent first.
    pub by_text: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Worth knowing; not a problem in itself.
    Info,
    /// Costs points with an interviewer.
    Warn,
    /// A red flag the seeds single out.
    Major,
}

/// A coaching signal: something about the answer an interviewer would notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// Fixed id: `blame`, `weak-lesson`, `no-metrics`, `hedging`, `fillers-heavy`, `too-long`,
    /// `too-short`, `long-section:ID`, `long-pause`, `missing-section:ID`, ...
    pub id: String,
    pub severity: Severity,
    /// One line for the user.
    pub message: String,
    /// What was found (a quote with its time) or what was looked for and not found.
    pub evidence: String,
    /// Time of the first piece of evidence, when there is one.
    pub at_s: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Shown,
    Weak,
    Missing,
}

/// One line of the seed 000 scorecard: what interviewers evaluate in a failure answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreItem {
    /// `self-awareness`, `accountability`, `resilience`, `learning`, `vulnerability`.
    pub id: String,
    pub verdict: Verdict,
    pub evidence: String,
}

/// Why `--framework auto` picked what it picked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameworkFit {
    pub id: String,
    /// Higher is better; comparable between frameworks for the same answer.
    pub score: f64,
}

/// The question the answer was given to, when known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionRef {
    pub id: Option<String>,
    pub text: String,
}

/// Where the analysis came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    pub kind: InputKind,
    pub audio: Option<String>,
    pub timing: Timing,
}

/// Everything the analysis found: the report's content, whatever its format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub schema: u32,
    pub source: Source,
    pub question: Option<QuestionRef>,
    /// Framework id.
    pub framework: String,
    pub framework_name: String,
    /// Set with `--framework auto`: every framework's fit, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub framework_fit: Vec<FrameworkFit>,
    /// Length of the recording.
    pub duration_s: f64,
    pub overall: Overall,
    /// Timed spans in spoken order (a section may appear twice, or not at all).
    pub sections: Vec<SectionSpan>,
    /// One entry per framework section, in framework order.
    pub section_timing: Vec<SectionTiming>,
    pub sentences: Vec<Sentence>,
    pub words: Vec<ReportWord>,
    pub pace: Pace,
    pub pauses: Vec<Pause>,
    pub fillers: Vec<Filler>,
    pub filler_stats: FillerStats,
    pub signals: Vec<Signal>,
    pub scorecard: Vec<ScoreItem>,
    /// The three most useful things to do next, most useful first.
    pub next_steps: Vec<String>,
    /// What went well: sections and length in their targets, pace, few fillers, numbers, what
    /// the scorecard found shown. Absent from reports written before it existed.
    #[serde(default)]
    pub strengths: Vec<String>,
    /// How it sounded: pitch, loudness and repetition (reports older than schema 2 have none;
    /// they read back as "not measured").
    #[serde(default)]
    pub delivery: Delivery,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// How the answer sounded: pitch and loudness measured from the recording (when there is one),
/// and repetition counted in the words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Delivery {
    /// Whether pitch and loudness were measured from the audio.
    pub measured: bool,
    /// Why they were not, when not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_measured: Option<String>,
    pub pitch: Option<PitchStats>,
    pub loudness: Option<LoudnessStats>,
    /// Samples at full scale in the recording (as `rehearse record` counts them).
    pub clipping: Option<Clipping>,
    pub repetition: Repetition,
    /// Per sentence, in order (empty when not measured).
    #[serde(default)]
    pub sentences: Vec<SentenceDelivery>,
    /// Per framework section that was spoken, in framework order (empty when not measured).
    #[serde(default)]
    pub sections: Vec<SectionDelivery>,
    /// Pitch and level over time, for drawing (absent when not measured).
    pub contour: Option<Contour>,
    /// The thresholds the delivery signals were judged against.
    pub thresholds: DeliveryThresholds,
}

/// Pitch over the whole answer: voiced frames inside words, fillers left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PitchStats {
    /// Seconds of voiced speech measured.
    pub voiced_s: f64,
    /// Median F0 (Hz).
    pub median_hz: f64,
    /// Pitch variation: standard deviation of F0 in semitones around the median, after frames
    /// more than an octave away are dropped as tracking errors (`null` with too little voiced
    /// speech to judge).
    pub variation_st: Option<f64>,
    /// Spread from the 5th to the 95th percentile, in semitones.
    pub range_st: f64,
    /// The speaker's usual variation from earlier attempts, when there are enough.
    pub baseline: Option<PitchBaseline>,
}

/// The speaker's own usual pitch variation, from the practice history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PitchBaseline {
    /// Earlier attempts it is the median of.
    pub attempts: usize,
    /// Median of their `variation_st`.
    pub variation_st: f64,
}

/// Loudness of the speech: frames inside words only, silences left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoudnessStats {
    /// Level of all speech (dBFS: RMS against a full-scale square wave).
    pub speech_dbfs: f64,
    /// The quietest and loudest sentence's level (dBFS).
    pub sentence_min_dbfs: Option<f64>,
    pub sentence_max_dbfs: Option<f64>,
    /// Sentences long enough to judge their end, and how many of them trail off.
    pub judged_sentences: usize,
    pub trailing_sentences: usize,
}

/// One sentence's delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceDelivery {
    /// Index into [`Analysis::sentences`].
    pub sentence: usize,
    /// Median F0 (Hz), when it has voiced speech.
    pub median_hz: Option<f64>,
    /// Pitch variation inside the sentence (SD in semitones), when it has enough voiced speech.
    pub variation_st: Option<f64>,
    pub level_dbfs: Option<f64>,
    /// How far its last words fall below the rest of it (dB; positive: quieter), when the
    /// sentence is long enough to judge.
    pub end_drop_db: Option<f64>,
    /// Index of the first word counted as its end.
    pub end_word: Option<usize>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trailing_off: bool,
}

/// One framework section's delivery, its spans pooled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionDelivery {
    pub id: String,
    pub median_hz: Option<f64>,
    pub variation_st: Option<f64>,
    pub level_dbfs: Option<f64>,
}

/// Words used again and again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Repetition {
    /// The most used content words (stopwords and fillers left out), most used first.
    pub top_words: Vec<WordCount>,
    /// Openings (first word of a sentence, fillers skipped) that start two or more sentences.
    pub openings: Vec<Opening>,
    /// Crutch words from the lexicon ("really", "basically", ...) used two or more times.
    pub crutch_words: Vec<WordCount>,
    /// Sentences, for the shares in `openings`.
    pub sentences: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordCount {
    pub text: String,
    pub count: usize,
    /// Index of its first use in [`Analysis::words`].
    pub first_word: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opening {
    /// Lowercased ("so", "and then").
    pub text: String,
    /// Sentences it opens, in order (indices into [`Analysis::sentences`]).
    pub sentences: Vec<usize>,
}

/// Pitch and level over time in equal steps, for the reports' charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contour {
    pub start_s: f64,
    pub step_s: f64,
    /// Median F0 of the voiced frames in each step (`null`: none voiced).
    pub f0_hz: Vec<Option<f32>>,
    /// Level of each step (dBFS).
    pub level_dbfs: Vec<f32>,
}
