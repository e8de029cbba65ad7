//! `rehearse reanalyze`: analyze stored attempts, and the follow-up answers kept with them,
//! again from their transcripts (after the frameworks, the question bank or the word lists
//! changed).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;

use rehearse::analyze::frameworks::{Catalog, FOLLOW_UP_FRAMEWORK};
use rehearse::analyze::{FrameworkChoice, QuestionRef};
use rehearse::audio;
use rehearse::history::folder::{AUDIO_FILE, TRANSCRIPT_FILE};
use rehearse::history::progress::length_cell;
use rehearse::history::store::Store;
use rehearse::history::{self, Attempt, AttemptSource, HistoryError, Meta};
use rehearse::transcribe::Transcript;

use super::args::{EngineArgs, Global};
use super::attempts::{StoreArgs, analyze_transcript, baseline_from, open_store, warn_problems};
use super::engine::{LoadedModel, audio_facts, load_model, transcribe_file};
use super::frameworks::load_analysis_catalog;
use super::output::show_progress;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "all"])))]
#[command(after_help = "Examples:
  rehearse reanalyze --all          after changing frameworks.toml or the word lists
  rehearse reanalyze 3fa9c1         one attempt (its analysis had failed, say)")]
pub struct ReanalyzeArgs {
    /// Attempt id (the last six characters are enough), `latest`, or `latest~N`.
    pub id: Option<String>,
    /// Every attempt in the store.
    #[arg(long)]
    pub all: bool,
    /// Transcribe the recording again even though a transcript is stored (needed when the
    /// stored transcript.json is damaged; that file is kept as transcript.damaged.json).
    #[arg(long)]
    pub retranscribe: bool,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Used only for an attempt that has no transcript (its transcription had failed).
    #[command(flatten)]
    pub engine: EngineArgs,
}

pub fn run(args: ReanalyzeArgs, global: &Global) -> Result<()> {
    let store = open_store(&args.store)?;
    // A broken override file stops here, before any attempt is touched.
    let catalog = load_analysis_catalog(global.quiet)?;
    let listing = store.list()?;
    if args.all {
        warn_problems(&listing, global);
    }
    let targets: Vec<&Attempt> = match &args.id {
        Some(id) => vec![store.resolve(&listing, id)?],
        None => listing.attempts.iter().collect(),
    };
    if targets.is_empty() {
        eprintln!(
            "{}",
            HistoryError::Empty {
                root: store.root().to_path_buf()
            }
        );
        return Ok(());
    }
    let mut loaded: Option<LoadedModel> = None;
    let mut failed = Vec::new();
    for a in &targets {
        let short = a.id().short();
        let audio_path = a.audio_path();
        let prepared = audio_path
            .is_file()
            .then(|| audio::load_for_whisper(&audio_path).ok())
            .flatten();
        let stored = match store.load_transcript(a) {
            Ok(_) if args.retranscribe => None,
            Ok(t) => t,
            Err(e) if args.retranscribe => {
                let damaged = a
                    .transcript_path()
                    .with_file_name("transcript.damaged.json");
                if let Err(io) = std::fs::rename(a.transcript_path(), &damaged) {
                    eprintln!("error: attempt {short}: cannot keep the damaged transcript: {io}");
                    failed.push(short.to_string());
                    continue;
                }
                eprintln!(
                    "note: attempt {short}: {e}; kept as {} and transcribing the recording again",
                    damaged.display()
                );
                None
            }
            Err(e) => {
                // A hand-edited transcript may be worth more than a new one: never replace it
                // unasked.
                eprintln!(
                    "error: {e}; fix it, or run `rehearse reanalyze {short} --retranscribe` to transcribe the recording again"
                );
                failed.push(short.to_string());
                continue;
            }
        };
        let (transcript, fresh) = match stored {
            Some(t) => (Ok(t), false),
            None => match &prepared {
                None => (
                    Err(format!(
                        "no transcript and no readable recording at {}: nothing to analyze",
                        audio_path.display()
                    )),
                    false,
                ),
                Some(p) => (
                    transcribe_stored(&mut loaded, &args, &audio_path, p, global)?,
                    true,
                ),
            },
        };
        // The question's framework is looked up again: a changed question bank counts.
        let question = a.meta.question.clone();
        let bank = question
            .as_ref()
            .and_then(|q| q.id.as_deref())
            .and_then(|id| catalog.questions.iter().find(|b| b.id == id));
        let choice = match (a.meta.framework_requested.as_deref(), bank) {
            (Some("auto"), _) => FrameworkChoice::Auto,
            (Some(id), _) => FrameworkChoice::Id(id.to_string()),
            (None, Some(b)) => FrameworkChoice::Id(b.framework.clone()),
            (None, None) => FrameworkChoice::Id("star-l".to_string()),
        };
        let shown_path = match &a.meta.source {
            AttemptSource::Import { file } => PathBuf::from(file),
            AttemptSource::Record => audio_path.clone(),
        };
        let analysis = match &transcript {
            Ok(t) => analyze_transcript(
                t,
                &shown_path,
                &audio_path,
                prepared.as_ref().map(audio_facts),
                &catalog,
                &choice,
                question,
                baseline_from(&listing.attempts, &catalog, Some(a.id())),
            ),
            Err(e) => Err(e.clone()),
        };
        let was = a.meta.analysis.status;
        // One attempt that cannot be written (a read-only folder, a full disk) must not cost
        // the others their turn.
        let mut meta = match store.update_analysis(
            a,
            transcript.as_ref().ok().filter(|_| fresh),
            analysis.as_ref().map_err(Clone::clone),
        ) {
            Ok(meta) => meta,
            Err(e) => {
                eprintln!("error: attempt {short}: {e}");
                failed.push(short.to_string());
                continue;
            }
        };
        match &analysis {
            Ok(r) => {
                if !global.quiet {
                    let s = history::summarize(r);
                    eprintln!(
                        "reanalyzed {short}{}: {}, {}/{} sections in target, {} signals",
                        if was == history::AnalysisStatus::Failed {
                            " (was failed)"
                        } else {
                            ""
                        },
                        length_cell(&s),
                        s.sections_in_target(),
                        s.sections.len(),
                        s.signals.len()
                    );
                }
            }
            Err(e) => {
                eprintln!("error: attempt {short}: analysis failed: {e}");
                failed.push(short.to_string());
            }
        }
        // The follow-up answers kept with it are analyzed again too, each against the
        // follow-up framework and its own question.
        for i in 0..meta.follow_ups.len() {
            let which = format!("{short} follow-up {}", i + 1);
            match follow_up(&store, a, &meta, i, &catalog, &mut loaded, &args, global) {
                Ok((m, Ok(()))) => {
                    meta = m;
                    if !global.quiet {
                        eprintln!("reanalyzed {which}");
                    }
                }
                Ok((m, Err(e))) => {
                    meta = m;
                    eprintln!("error: attempt {which}: analysis failed: {e}");
                    failed.push(which);
                }
                Err(e) => {
                    eprintln!("error: attempt {which}: {e}");
                    failed.push(which);
                }
            }
        }
    }
    if !failed.is_empty() {
        bail!(
            "{} of {} attempts could not be reanalyzed ({}); each is left as it was or marked failed, as said above (`rehearse delete --failed` removes every failed attempt)",
            failed.len(),
            targets.len(),
            failed.join(", ")
        );
    }
    Ok(())
}

/// Follow-up `i` of attempt `a` analyzed again from its transcript, or from its recording when
/// it has none (kept before follow-ups stored theirs) or `--retranscribe` asks. Returns the
/// attempt's new metadata and whether the analysis succeeded; `Err` when nothing was written.
#[allow(clippy::too_many_arguments)]
fn follow_up(
    store: &Store,
    a: &Attempt,
    meta: &Meta,
    i: usize,
    catalog: &Catalog,
    loaded: &mut Option<LoadedModel>,
    args: &ReanalyzeArgs,
    global: &Global,
) -> Result<(Meta, std::result::Result<(), String>), String> {
    let f = &meta.follow_ups[i];
    let dir = a.dir.join(&f.folder);
    let audio_path = dir.join(AUDIO_FILE);
    let prepared = audio_path
        .is_file()
        .then(|| audio::load_for_whisper(&audio_path).ok())
        .flatten();
    let stored = match store.load_follow_up_transcript(a, f) {
        Ok(_) if args.retranscribe => None,
        Ok(t) => t,
        Err(e) if args.retranscribe => {
            let damaged = dir.join("transcript.damaged.json");
            std::fs::rename(dir.join(TRANSCRIPT_FILE), &damaged)
                .map_err(|io| format!("cannot keep the damaged transcript: {io}"))?;
            eprintln!(
                "note: {e}; kept as {} and transcribing the recording again",
                damaged.display()
            );
            None
        }
        Err(e) => {
            return Err(format!(
                "{e}; fix it, or run `rehearse reanalyze {} --retranscribe`",
                a.id().short()
            ));
        }
    };
    let (transcript, fresh) = match stored {
        Some(t) => (t, false),
        None => {
            let p = prepared.as_ref().ok_or_else(|| {
                format!(
                    "no transcript and no readable recording at {}: nothing to analyze",
                    audio_path.display()
                )
            })?;
            let t = transcribe_stored(loaded, args, &audio_path, p, global)
                .map_err(|e| format!("{e:#}"))??;
            (t, true)
        }
    };
    let analysis = analyze_transcript(
        &transcript,
        &audio_path,
        &audio_path,
        prepared.as_ref().map(audio_facts),
        catalog,
        &FrameworkChoice::Id(FOLLOW_UP_FRAMEWORK.to_string()),
        Some(QuestionRef {
            id: None,
            text: f.question.clone(),
        }),
        None,
    );
    let meta = store
        .update_follow_up_analysis(
            a,
            meta,
            i,
            fresh.then_some(&transcript),
            analysis.as_ref().map_err(Clone::clone),
        )
        .map_err(|e| e.to_string())?;
    Ok((meta, analysis.map(|_| ())))
}

/// A stored recording transcribed again, the model loaded on first use: `Err` when no model
/// can be loaded (nothing can be transcribed then), `Ok(Err)` when this one failed.
fn transcribe_stored(
    loaded: &mut Option<LoadedModel>,
    args: &ReanalyzeArgs,
    audio_path: &std::path::Path,
    prepared: &audio::PreparedAudio,
    global: &Global,
) -> Result<std::result::Result<Transcript, String>> {
    if loaded.is_none() {
        *loaded = Some(load_model(&args.engine)?);
    }
    let model = loaded.as_ref().context("model not loaded")?;
    Ok(transcribe_file(
        audio_path,
        model,
        &args.engine,
        show_progress(global),
        Some(prepared.clone()),
    )
    .map_err(|e| format!("transcription failed: {e:#}")))
}
