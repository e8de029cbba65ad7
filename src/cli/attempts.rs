//! Storing answers in the practice history, shared by `import`, `record` and `reanalyze`:
//! the store the command line names, the question and framework an answer is analyzed with,
//! and transcribe-analyze-save for one recording ([`process`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use clap::Args;

use rehearse::analyze::frameworks::Catalog;
use rehearse::analyze::{
    self, Analysis, AnalysisInput, FrameworkChoice, InputKind, PitchBaseline, QuestionRef, Timing,
};
use rehearse::audio;
use rehearse::history::progress::{length_cell, question_label};
use rehearse::history::{self, AttemptSource, Listing, NewAttempt, SourceAudio, Store};
use rehearse::transcribe::Transcript;

use super::args::{EngineArgs, Global};
use super::engine::{AudioFacts, LoadedModel, audio_facts, transcribe_file};
use super::output::show_progress;

/// Where the attempts are kept; flattened into every command that reads or writes them.
#[derive(Debug, Args, Clone, Default)]
pub struct StoreArgs {
    /// Folder of stored attempts [env: REHEARSE_DATA_DIR; config: data_dir; default: the user
    /// data folder's rehearse/attempts, e.g. ~/.local/share/rehearse/attempts].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// The store `--data-dir`, the environment or the config file names, else the user's.
pub fn open_store(args: &StoreArgs) -> Result<Store> {
    let dir = super::settings::current().data_dir(args.data_dir.as_deref());
    Ok(Store::locate(dir.map(|d| d.value).as_deref())?)
}

/// Prints the store's damaged folders as warnings, and why the index was rebuilt when it was
/// damaged (a missing or outdated index is routine; `--verbose`, where a command has it, says
/// that too).
pub fn warn_problems(listing: &Listing, global: &Global) {
    for p in &listing.problems {
        eprintln!("warning: {p}");
    }
    if let Some(why) = &listing.index_rebuilt
        && (global.verbose || why.starts_with("damaged"))
    {
        eprintln!("note: the history index was {why}; rebuilt from the attempt folders");
    }
}

/// The question a command was asked about, checked: `--question` must name a bank question
/// (its id, or a wording close to one of its wordings), else the error names the nearest ids;
/// `--question-text` is taken as it is. What comes back goes on to
/// [`question_and_framework`].
pub fn asked_question(
    catalog: &Catalog,
    id: Option<&str>,
    text: Option<&str>,
) -> Result<Option<String>> {
    match (id, text) {
        (Some(id), _) => {
            let id = id.trim();
            if let Ok(q) = catalog.question_by_id(id) {
                return Ok(Some(q.id.clone()));
            }
            // A full wording still finds its question; a single word never does by accident.
            if id.contains(char::is_whitespace)
                && let Some(q) = catalog.question(id)
            {
                return Ok(Some(q.id.clone()));
            }
            let e = catalog.question_by_id(id).err().map(|e| e.to_string());
            bail!("--question: {}", e.unwrap_or_default())
        }
        (None, Some(text)) if text.trim().is_empty() => {
            bail!("--question-text is empty: give the question's words")
        }
        (None, Some(text)) => Ok(Some(text.trim().to_string())),
        (None, None) => Ok(None),
    }
}

/// The question as given and the framework to analyze with, the way `analyze` decides them.
pub fn question_and_framework(
    catalog: &Catalog,
    question: Option<&str>,
    framework: Option<&str>,
) -> Result<(Option<QuestionRef>, FrameworkChoice)> {
    let (q, bank_framework) = match question.map(|q| (q, catalog.question(q))) {
        Some((_, Some(found))) => (
            Some(QuestionRef {
                id: Some(found.id.clone()),
                text: found.text.clone(),
            }),
            Some(found.framework.clone()),
        ),
        Some((text, None)) => (
            Some(QuestionRef {
                id: None,
                text: text.trim().to_string(),
            }),
            None,
        ),
        None => (None, None),
    };
    let choice = match (framework, bank_framework) {
        (Some("auto"), _) => FrameworkChoice::Auto,
        (Some(id), _) => FrameworkChoice::Id(id.to_string()),
        (None, Some(fw)) => FrameworkChoice::Id(fw),
        (None, None) => FrameworkChoice::Id("star-l".to_string()),
    };
    if let FrameworkChoice::Id(id) = &choice
        && catalog.framework(id).is_none()
    {
        let known: Vec<&str> = catalog.frameworks.iter().map(|f| f.id.as_str()).collect();
        bail!(
            "--framework {id}: no such framework; known: {}, auto (see `rehearse frameworks`)",
            known.join(", ")
        );
    }
    Ok((q, choice))
}

/// The speaker's usual pitch variation from the history `store` names, when it holds enough
/// attempts that measured it (before `before`, when given). A history that cannot be read
/// gives none: the analysis goes on without it.
pub fn history_baseline(
    store: &StoreArgs,
    catalog: &Catalog,
    before: Option<&history::AttemptId>,
) -> Option<PitchBaseline> {
    let store = open_store(store).ok()?;
    if !store.root().is_dir() {
        return None;
    }
    let listing = store.list().ok()?;
    baseline_from(&listing.attempts, catalog, before)
}

/// [`history_baseline`] over attempts already listed (oldest first).
pub fn baseline_from(
    attempts: &[history::Attempt],
    catalog: &Catalog,
    before: Option<&history::AttemptId>,
) -> Option<PitchBaseline> {
    let upto = before
        .and_then(|id| attempts.iter().position(|a| a.id() == id))
        .unwrap_or(attempts.len());
    history::pitch_baseline(&attempts[..upto], catalog.delivery.own_range_attempts)
}

/// Analyzes a stored or fresh transcript of `audio_path` the way `analyze` would a WAV.
#[allow(clippy::too_many_arguments)]
pub fn analyze_transcript(
    t: &Transcript,
    shown_path: &Path,
    audio_path: &Path,
    facts: Option<AudioFacts>,
    catalog: &Catalog,
    choice: &FrameworkChoice,
    question: Option<QuestionRef>,
    pitch_baseline: Option<PitchBaseline>,
) -> Result<Analysis, String> {
    let mut notes = t.notes.clone();
    if facts.is_none() {
        notes.push(format!(
            "audio {} not found or unreadable: pauses come from word times only, and pitch and loudness are not measured",
            audio_path.display()
        ));
    }
    let (speech, voice) = match facts {
        Some(f) => (Some(f.speech), Some(f.voice)),
        None => (None, None),
    };
    let input = AnalysisInput {
        path: shown_path.display().to_string(),
        kind: InputKind::Wav,
        audio_path: speech.as_ref().map(|_| audio_path.display().to_string()),
        timing: Timing::Words,
        duration_s: t.duration_s,
        words: t.words.clone(),
        speech,
        notes,
        voice,
        pitch_baseline,
    };
    analyze::analyze(input, catalog, choice, question).map_err(|e| e.to_string())
}

/// When an imported recording started: its file's modification time (when recording
/// stopped) less its length; now, when the file system does not say.
fn started_from_mtime(audio: &Path, duration_s: f64) -> SystemTime {
    let end = std::fs::metadata(audio)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| SystemTime::now());
    let d = Duration::from_secs_f64(duration_s.clamp(0.0, 86_400.0));
    end.checked_sub(d).unwrap_or(end)
}

/// The answer was silence: nothing to analyze or keep. `main` exits with status 3 on it, so a
/// script can tell a false start from a failure.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NoSpeech(pub String);

impl NoSpeech {
    /// "WHAT: no speech heard in its 2.0 s; nothing saved", and where the audio still is when
    /// it was the user's own file.
    pub fn new(what: &str, seconds: f64, kept: Option<&Path>) -> NoSpeech {
        let mut m = format!("{what}: no speech heard in its {seconds:.1} s; nothing saved");
        if let Some(p) = kept {
            m.push_str(&format!(" (the audio is still at {})", p.display()));
        }
        NoSpeech(m)
    }
}

/// How recordings are analyzed: the question and framework, shared by `import`, `record` and
/// whatever records answers in a loop.
pub struct AttemptPlan<'a> {
    pub catalog: &'a Catalog,
    pub question: Option<QuestionRef>,
    pub choice: FrameworkChoice,
    /// `--framework` as given (kept so reanalyze asks the same way).
    pub framework_requested: Option<String>,
}

impl<'a> AttemptPlan<'a> {
    /// The plan for `--question` and `--framework` as typed, checked against the catalog.
    pub fn new(
        catalog: &'a Catalog,
        question: Option<&str>,
        framework: Option<&str>,
    ) -> Result<AttemptPlan<'a>> {
        let (question, choice) = question_and_framework(catalog, question, framework)?;
        Ok(AttemptPlan {
            catalog,
            question,
            choice,
            framework_requested: framework.map(str::to_string),
        })
    }
}

/// One recording to analyze and (unless `--no-save`) store.
pub struct Recording<'a> {
    /// The audio file.
    pub audio: &'a Path,
    /// The path reports name as their input (the imported file; the recording).
    pub shown: &'a Path,
    /// Its transcript when one was made already; else the audio is transcribed.
    pub transcript: Option<Transcript>,
    /// Its audio at 16 kHz mono when already decoded (live transcription has it).
    pub prepared: Option<audio::PreparedAudio>,
    /// When the answer started; `None`: the file's modification time less its length.
    pub started_at: Option<SystemTime>,
    pub source: AttemptSource,
    pub device: Option<String>,
    /// Made for this attempt only (`record`'s capture): the store takes it away once saved.
    pub temporary: bool,
    /// Keep the file as made in the attempt, beside its 16 kHz copy.
    pub keep_original: bool,
    /// The history whose attempts give the speaker's usual pitch range when that is not the
    /// store this recording goes into (`record --no-save`, a follow-up answer); `None`: the
    /// store's own.
    pub history: Option<&'a Store>,
}

/// What became of one recording.
#[derive(Debug)]
pub enum Processed {
    /// Stored in the history; the analysis is `Err` when it failed (the attempt is then kept
    /// marked failed, for `reanalyze`).
    Saved {
        id: history::AttemptId,
        dir: PathBuf,
        analysis: std::result::Result<Analysis, String>,
    },
    /// Analyzed, not stored (no store given); with the transcript, for a caller that keeps
    /// the answer elsewhere (a follow-up).
    Analyzed {
        analysis: std::result::Result<Analysis, String>,
        transcript: Option<Box<Transcript>>,
    },
    /// Silence, or nothing Whisper could make words of: neither analyzed nor stored.
    NoSpeech { seconds: f64 },
}

/// Transcribes (unless a transcript is given; `model` must then be loaded), analyzes and, with a
/// `store`, stores one recording, saying in one line on stderr how it went. A recording with no
/// speech in it is not stored ([`Processed::NoSpeech`]): an attempt that holds nothing helps
/// nobody, and no reanalysis could fix it. A failed transcription or analysis is stored as a
/// failed attempt, not returned as an error.
pub fn process(
    plan: &AttemptPlan,
    store: Option<&Store>,
    rec: Recording,
    model: Option<&LoadedModel>,
    engine: &EngineArgs,
    global: &Global,
) -> Result<Processed> {
    let prepared = match rec.prepared {
        Some(p) => p,
        None => audio::load_for_whisper(rec.audio)?,
    };
    let seconds = prepared.duration_s();
    // Silence needs no model to recognise, and Whisper tends to hear words in it.
    if audio::level::is_silent(&prepared.samples) {
        return Ok(Processed::NoSpeech { seconds });
    }
    let facts = audio_facts(&prepared);
    let transcript = match rec.transcript {
        Some(t) => Ok(t),
        None => {
            let model = model.context("no model loaded to transcribe with")?;
            transcribe_file(
                rec.audio,
                model,
                engine,
                show_progress(global),
                Some(prepared.clone()),
            )
            .map_err(|e| format!("{e:#}"))
        }
    };
    if let Ok(t) = &transcript {
        if t.words.is_empty() {
            return Ok(Processed::NoSpeech { seconds });
        }
        if !global.quiet {
            for note in &t.notes {
                eprintln!("note: {}: {note}", rec.shown.display());
            }
        }
    }
    // The speaker's usual pitch range comes from their history: the one this attempt joins,
    // or the one it is measured against without joining it.
    let baseline = rec
        .history
        .or(store)
        .and_then(|s| s.list_read_only().ok())
        .and_then(|l| baseline_from(&l.attempts, plan.catalog, None));
    let analysis = match &transcript {
        Ok(t) => analyze_transcript(
            t,
            rec.shown,
            rec.audio,
            Some(facts),
            plan.catalog,
            &plan.choice,
            plan.question.clone(),
            baseline,
        ),
        Err(e) => Err(format!("transcription failed: {e}")),
    };
    let Some(store) = store else {
        return Ok(Processed::Analyzed {
            analysis,
            transcript: transcript.ok().map(Box::new),
        });
    };
    let duration = transcript.as_ref().map_or(seconds, |t| t.duration_s);
    let id = history::save_attempt(
        store,
        SourceAudio {
            path: rec.audio,
            samples: Some(&prepared.samples),
            temporary: rec.temporary,
            keep_original: rec.keep_original,
        },
        transcript.as_ref().ok(),
        analysis.as_ref().map_err(Clone::clone),
        NewAttempt {
            started_at: rec
                .started_at
                .unwrap_or_else(|| started_from_mtime(rec.audio, duration)),
            question: plan.question.clone(),
            framework_requested: plan.framework_requested.clone(),
            source: rec.source,
            device: rec.device,
            model: None,
        },
    )?;
    let dir = store.dir_of(&id);
    match &analysis {
        Ok(a) if !global.quiet => {
            let s = history::summarize(a);
            eprintln!(
                "saved attempt {} ({}): {}, {}/{} sections in target, {:.0} wpm, {} signals; in {}",
                id.short(),
                question_label(plan.question.as_ref()),
                length_cell(&s),
                s.sections_in_target(),
                s.sections.len(),
                s.wpm,
                s.signals.len(),
                dir.display()
            );
        }
        Ok(_) => {}
        Err(e) => eprintln!(
            "warning: saved attempt {} in {} but its analysis failed: {e}; `rehearse reanalyze {}` runs it again",
            id.short(),
            dir.display(),
            id.short()
        ),
    }
    Ok(Processed::Saved { id, dir, analysis })
}
