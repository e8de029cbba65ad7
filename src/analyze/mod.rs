//! Analysis: words with times in, framework sections, time against targets, pacing, pauses,
//! fillers and coaching signals out.
//!
//! Everything here is pure computation over [`AnalysisInput`]; reading files is the caller's
//! job (see [`crate::transcribe::import`]) and rendering is [`crate::report`]'s.

pub mod fillers;
pub mod frameworks;
pub mod pacing;
pub mod pauses;
pub mod sections;
pub mod sentences;
pub mod signals;

use serde::{Deserialize, Serialize};

use crate::transcribe::Word;
use frameworks::{Band, Catalog, Framework};

/// Version of the report JSON layout (`docs/report-schema.md`); bump it when a field changes
/// meaning.
pub const REPORT_SCHEMA: u32 = 1;

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
}

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
    /// The strongest cue among its sentences.
    pub evidence: String,
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
    /// The band `wpm` is judged against (configurable; see `rehearse frameworks --path`).
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What to analyze against.
#[derive(Debug, Clone)]
pub enum FrameworkChoice {
    Id(String),
    Auto,
}

/// Errors the analysis reports to the user.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("{path}: no words to analyze (the transcript is empty)")]
    NoWords { path: String },
    #[error("unknown framework '{id}'; known: {known} (see `rehearse frameworks`)")]
    UnknownFramework { id: String, known: String },
}

/// Runs the whole analysis.
pub fn analyze(
    input: AnalysisInput,
    catalog: &Catalog,
    choice: &FrameworkChoice,
    question: Option<QuestionRef>,
) -> Result<Analysis, AnalyzeError> {
    if input.words.is_empty() {
        return Err(AnalyzeError::NoWords { path: input.path });
    }
    let unknown = |id: &str| AnalyzeError::UnknownFramework {
        id: id.to_string(),
        known: catalog
            .frameworks
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let sents = sentences::split(&input.words);
    let (framework, fit): (&Framework, Vec<FrameworkFit>) = match choice {
        FrameworkChoice::Id(id) => (catalog.framework(id).ok_or_else(|| unknown(id))?, vec![]),
        FrameworkChoice::Auto => {
            let fit = sections::rank_frameworks(&input.words, &sents, catalog);
            let best = fit
                .first()
                .and_then(|f| catalog.framework(&f.id))
                .ok_or_else(|| unknown("auto"))?;
            (best, fit)
        }
    };
    let labels = sections::label(&input.words, &sents, framework);
    Ok(assemble(
        input, catalog, framework, fit, sents, labels, question,
    ))
}

fn assemble(
    input: AnalysisInput,
    catalog: &Catalog,
    framework: &Framework,
    framework_fit: Vec<FrameworkFit>,
    sents: Vec<sentences::Span>,
    labels: Vec<sections::Label>,
    question: Option<QuestionRef>,
) -> Analysis {
    let words = &input.words;
    let mut sentence_of = vec![0usize; words.len()];
    let sentences: Vec<Sentence> = sents
        .iter()
        .zip(&labels)
        .enumerate()
        .map(|(i, (s, l))| {
            for w in &mut sentence_of[s.first..s.first + s.len] {
                *w = i;
            }
            Sentence {
                start_s: words[s.first].start_s,
                end_s: words[s.first + s.len - 1].end_s,
                first_word: s.first,
                n_words: s.len,
                text: sentences::text_of(&words[s.first..s.first + s.len]),
                section: framework.sections[l.section].id.clone(),
                evidence: l.evidence.clone(),
            }
        })
        .collect();
    let spans = sections::spans(&sentences, framework);

    let pauses = pauses::find(words, &sentences, input.speech.as_deref());
    let first = words.first().map_or(0.0, |w| w.start_s);
    let last = words.last().map_or(0.0, |w| w.end_s);
    let answer_s = (last - first).max(0.0);
    let pause_s: f64 = pauses.iter().map(|p| p.duration_s).sum();
    let overall = Overall {
        answer_s,
        target: framework.overall,
        status: Status::of(answer_s, &framework.overall),
        words: words.len(),
        speaking_s: (answer_s - pause_s).max(0.0),
        pause_s,
    };

    let filler_hits = fillers::find(words, &catalog.lexicon);
    let mut fillers: Vec<Filler> = filler_hits
        .iter()
        .map(|h| Filler {
            text: h.text.clone(),
            kind: h.kind,
            start_s: words[h.first].start_s,
            end_s: words[h.first + h.len - 1].end_s,
            word: h.first,
            section: None,
        })
        .collect();
    let mut is_filler = vec![false; words.len()];
    for h in &filler_hits {
        for f in &mut is_filler[h.first..h.first + h.len] {
            *f = true;
        }
    }
    for f in &mut fillers {
        f.section = Some(sentences[sentence_of[f.word]].section.clone());
    }

    let section_timing = sections::timing(&spans, &sentences, &fillers, framework, answer_s);
    let pace = pacing::pace(words, &overall, &catalog.settings);
    let minutes = (answer_s / 60.0).max(1.0 / 60.0);
    let mut by_text: Vec<(String, usize)> = Vec::new();
    for f in &fillers {
        match by_text.iter_mut().find(|(t, _)| *t == f.text) {
            Some((_, n)) => *n += 1,
            None => by_text.push((f.text.clone(), 1)),
        }
    }
    by_text.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let filler_stats = FillerStats {
        count: fillers.len(),
        per_minute: fillers.len() as f64 / minutes,
        by_text,
    };

    let report_words: Vec<ReportWord> = words
        .iter()
        .enumerate()
        .map(|(i, w)| ReportWord {
            text: w.text.clone(),
            start_s: w.start_s,
            end_s: w.end_s,
            p: w.p,
            sentence: sentence_of[i],
            filler: is_filler[i],
        })
        .collect();

    let mut analysis = Analysis {
        schema: REPORT_SCHEMA,
        source: Source {
            path: input.path.clone(),
            kind: input.kind,
            audio: input.audio_path.clone(),
            timing: input.timing,
        },
        question,
        framework: framework.id.clone(),
        framework_name: framework.name.clone(),
        framework_fit,
        duration_s: input.duration_s,
        overall,
        sections: spans,
        section_timing,
        sentences,
        words: report_words,
        pace,
        pauses,
        fillers,
        filler_stats,
        signals: Vec::new(),
        scorecard: Vec::new(),
        next_steps: Vec::new(),
        notes: input.notes.clone(),
    };
    if let Timing::Estimated { wpm } = input.timing {
        analysis.notes.push(format!(
            "times are estimated from a speaking rate of {wpm:.0} words per minute (the input has no timing); every time and duration is an estimate"
        ));
    }
    let (signals, scorecard) =
        signals::evaluate(&analysis, framework, &catalog.lexicon, &catalog.settings);
    analysis.signals = signals;
    analysis.scorecard = scorecard;
    analysis.next_steps = signals::next_steps(&analysis, framework);
    analysis
}
