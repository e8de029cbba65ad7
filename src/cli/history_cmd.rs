//! The practice-history commands (`import`, `history`, `show`, `compare`, `reanalyze`,
//! `delete`): argument definitions and the glue between the attempt store
//! ([`rehearse::history`]), transcription and the reports.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use clap::Args;

use rehearse::analyze::frameworks::Catalog;
use rehearse::analyze::{
    self, Analysis, AnalysisInput, FrameworkChoice, InputKind, QuestionRef, Timing,
};
use rehearse::audio;
use rehearse::history::progress::{self, length_cell, question_label};
use rehearse::history::{
    self, Attempt, AttemptSource, AudioMode, HistoryError, Listing, NewAttempt, Store, compare,
    html, time,
};
use rehearse::report::{self, RenderOptions, ReportFormat};
use rehearse::transcribe::{TRANSCRIPT_SCHEMA, Transcript};

use super::{
    ColorChoice, EngineArgs, Global, LoadedModel, load_catalog, load_model, parent_dir,
    show_progress, speech_runs, transcribe_file, write_atomic,
};

/// Where the attempts are kept; flattened into every command that reads or writes them.
#[derive(Debug, Args, Clone, Default)]
pub struct StoreArgs {
    /// Folder of stored attempts [env: REHEARSE_DATA_DIR; default: the user data folder's
    /// rehearse/attempts, e.g. ~/.local/share/rehearse/attempts].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// The store the command line names.
pub fn open_store(args: &StoreArgs) -> Result<Store> {
    Ok(Store::locate(args.data_dir.as_deref())?)
}

#[derive(Debug, Args)]
pub struct AttemptImportArgs {
    /// WAV recordings (transcribed first), or rehearse transcript JSON files whose WAV is still
    /// where they say (stored without transcribing again).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The question answered: an id from `rehearse questions`, or its text.
    #[arg(short = 'Q', long)]
    pub question: Option<String>,
    /// Framework id (see `rehearse frameworks`), or `auto` to pick the one that fits best
    /// [default: the question's framework, else star-l].
    #[arg(long)]
    pub framework: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Output of `rehearse history`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryFormat {
    /// A table with trend sparklines, for the terminal (the default).
    Table,
    Json,
    Csv,
    /// One self-contained page with progress charts, linking each attempt's report.
    Html,
}

impl HistoryFormat {
    fn from_extension(p: &Path) -> Option<Self> {
        let ext = p.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            "html" | "htm" => Some(Self::Html),
            "txt" => Some(Self::Table),
            _ => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only attempts at this question (an id from `rehearse questions`, or its text).
    #[arg(short = 'Q', long)]
    pub question: Option<String>,
    /// Only the last N attempts.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub last: Option<u64>,
    /// Output format [default: from --out's extension, else table].
    #[arg(short, long, value_enum)]
    pub format: Option<HistoryFormat>,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Colour in the table [default: auto: on a terminal, unless NO_COLOR is set].
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Attempt id (the last six characters are enough), `latest`, or `latest~N`.
    pub id: String,
    /// Report format [default: from --out's extension, else text].
    #[arg(short, long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the report to this file instead of standard output.
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Colour in the text report [default: auto: on a terminal, unless NO_COLOR is set].
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The earlier attempt (id, its last six characters, `latest` or `latest~N`).
    pub a: String,
    /// The later attempt.
    pub b: String,
    #[arg(short, long, value_enum, default_value_t = CompareFormat::Text)]
    pub format: CompareFormat,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "all"])))]
pub struct ReanalyzeArgs {
    /// Attempt id (the last six characters are enough), `latest`, or `latest~N`.
    pub id: Option<String>,
    /// Every attempt in the store.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Used only for an attempt that has no transcript (its transcription had failed).
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Attempt id (the last six characters are enough), `latest`, or `latest~N`.
    pub id: String,
    /// Delete without asking (required when standard input is not a terminal).
    #[arg(short, long)]
    pub yes: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

fn warn_problems(listing: &Listing, global: &Global) {
    for p in &listing.problems {
        eprintln!("warning: {p}");
    }
    if let Some(why) = &listing.index_rebuilt
        && global.verbose
    {
        eprintln!("note: the history index was {why}; rebuilt from the attempt folders");
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

/// What one import argument turned out to be.
enum ImportSource {
    Wav,
    Transcript { t: Box<Transcript>, audio: PathBuf },
}

fn classify_import(file: &Path) -> Result<ImportSource> {
    let mut head = [0u8; 4];
    let mut f = std::fs::File::open(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!("{}: no such file", file.display()),
        _ => anyhow::anyhow!("{}: cannot read: {e}", file.display()),
    })?;
    if std::io::Read::read(&mut f, &mut head).unwrap_or(0) == 4
        && matches!(&head, b"RIFF" | b"RIFX" | b"RF64")
    {
        return Ok(ImportSource::Wav);
    }
    drop(f);
    let not_ours = || {
        anyhow::anyhow!(
            "{}: not a WAV recording or a rehearse transcript JSON; import takes those (`rehearse transcribe FILE.wav -o FILE.json` makes the JSON)",
            file.display()
        )
    };
    let bytes = std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
    let t: Transcript = serde_json::from_slice(&bytes).map_err(|_| not_ours())?;
    if t.schema > TRANSCRIPT_SCHEMA {
        bail!(
            "{}: transcript schema {} is newer than this rehearse reads ({TRANSCRIPT_SCHEMA})",
            file.display(),
            t.schema
        );
    }
    // As `analyze` does: the audio path as written, else beside the transcript.
    let named = PathBuf::from(&t.audio.path);
    let audio = if named.is_absolute() || named.is_file() {
        named
    } else {
        parent_dir(file).join(named)
    };
    if !audio.is_file() {
        bail!(
            "{}: its recording {} is not there; an attempt keeps its recording, so import the WAV itself",
            file.display(),
            audio.display()
        );
    }
    Ok(ImportSource::Transcript {
        t: Box::new(t),
        audio,
    })
}

/// Analyzes a stored or fresh transcript of `audio_path` the way `analyze` would a WAV.
pub fn analyze_transcript(
    t: &Transcript,
    shown_path: &Path,
    audio_path: &Path,
    speech: Option<Vec<(f64, f64)>>,
    catalog: &Catalog,
    choice: &FrameworkChoice,
    question: Option<QuestionRef>,
) -> Result<Analysis, String> {
    let mut notes = t.notes.clone();
    if speech.is_none() {
        notes.push(format!(
            "audio {} not found or unreadable: pauses come from word times only",
            audio_path.display()
        ));
    }
    let input = AnalysisInput {
        path: shown_path.display().to_string(),
        kind: InputKind::Wav,
        audio_path: speech.as_ref().map(|_| audio_path.display().to_string()),
        timing: Timing::Words,
        duration_s: t.duration_s,
        words: t.words.clone(),
        speech,
        notes,
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

/// How recordings are analyzed and where they are stored: shared by `import` and `record`.
pub struct AttemptPlan<'a> {
    pub store: &'a Store,
    pub catalog: &'a Catalog,
    pub question: Option<QuestionRef>,
    pub choice: FrameworkChoice,
    /// `--framework` as given (kept so reanalyze asks the same way).
    pub framework_requested: Option<String>,
}

impl<'a> AttemptPlan<'a> {
    /// The plan for `--question` and `--framework` as typed, checked against the catalog.
    pub fn new(
        store: &'a Store,
        catalog: &'a Catalog,
        question: Option<&str>,
        framework: Option<&str>,
    ) -> Result<AttemptPlan<'a>> {
        let (question, choice) = question_and_framework(catalog, question, framework)?;
        Ok(AttemptPlan {
            store,
            catalog,
            question,
            choice,
            framework_requested: framework.map(str::to_string),
        })
    }
}

/// One recording to store.
pub struct Recording<'a> {
    /// The WAV file.
    pub audio: &'a Path,
    /// The path reports name as their input (the imported file; the WAV for a recording).
    pub shown: &'a Path,
    /// Its transcript when one was made already; else the WAV is transcribed.
    pub transcript: Option<Transcript>,
    /// Stretches of speech in its audio, when already known (else read from the WAV).
    pub speech: Option<Vec<(f64, f64)>>,
    /// When the answer started; `None`: the file's modification time less its length.
    pub started_at: Option<SystemTime>,
    pub source: AttemptSource,
    pub device: Option<String>,
    pub mode: AudioMode,
}

/// Transcribes (unless a transcript is given; `model` must then be loaded), analyzes and
/// stores one recording, and says in one line on stderr how it went. A failed transcription or
/// analysis is stored as a failed attempt, not returned as an error; the analysis is returned
/// so a caller can also print the report.
pub fn transcribe_analyze_save(
    plan: &AttemptPlan,
    rec: Recording,
    model: Option<&LoadedModel>,
    engine: &EngineArgs,
    global: &Global,
) -> Result<(history::AttemptId, std::result::Result<Analysis, String>)> {
    let (transcript, speech) = match rec.transcript {
        Some(t) => {
            let speech = rec.speech.or_else(|| {
                audio::load_for_whisper(rec.audio)
                    .ok()
                    .map(|a| speech_runs(&a))
            });
            (Ok(t), speech)
        }
        None => {
            let prepared = audio::load_for_whisper(rec.audio)?;
            let speech = speech_runs(&prepared);
            let model = model.context("no model loaded to transcribe with")?;
            let t = transcribe_file(
                rec.audio,
                model,
                engine,
                show_progress(global),
                Some(prepared),
            );
            (t.map_err(|e| format!("{e:#}")), Some(speech))
        }
    };
    if !global.quiet
        && let Ok(t) = &transcript
    {
        for note in &t.notes {
            eprintln!("note: {}: {note}", rec.shown.display());
        }
    }
    let analysis = match &transcript {
        Ok(t) => analyze_transcript(
            t,
            rec.shown,
            rec.audio,
            speech,
            plan.catalog,
            &plan.choice,
            plan.question.clone(),
        ),
        Err(e) => Err(format!("transcription failed: {e}")),
    };
    let duration = transcript.as_ref().map_or(0.0, |t| t.duration_s);
    let id = history::save_attempt(
        plan.store,
        rec.audio,
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
            audio: rec.mode,
        },
    )?;
    match &analysis {
        Ok(a) if !global.quiet => {
            let s = progress::summarize(a);
            eprintln!(
                "saved attempt {} ({}): {}, {}/{} sections in target, {:.0} wpm, {} signals",
                id.short(),
                question_label(plan.question.as_ref()),
                length_cell(&s),
                s.sections_in_target(),
                s.sections.len(),
                s.wpm,
                s.signals.len()
            );
        }
        Ok(_) => {}
        Err(e) => eprintln!(
            "warning: saved attempt {} but its analysis failed: {e}; `rehearse reanalyze {}` runs it again",
            id.short(),
            id.short()
        ),
    }
    Ok((id, analysis))
}

pub fn cmd_import(args: AttemptImportArgs, global: &Global) -> Result<()> {
    let store = open_store(&args.store)?;
    let catalog = load_catalog()?;
    let plan = AttemptPlan::new(
        &store,
        &catalog,
        args.question.as_deref(),
        args.framework.as_deref(),
    )?;
    // Every input is checked before the model loads, so a typo fails at once, not after
    // minutes of transcription.
    let sources: Vec<ImportSource> = args
        .files
        .iter()
        .map(|f| classify_import(f))
        .collect::<Result<_>>()?;
    let loaded = if sources.iter().any(|s| matches!(s, ImportSource::Wav)) {
        Some(load_model(&args.engine)?)
    } else {
        None
    };
    let mut out = std::io::stdout().lock();
    for (file, source) in args.files.iter().zip(sources) {
        let (audio_path, transcript) = match source {
            ImportSource::Wav => (file.clone(), None),
            ImportSource::Transcript { t, audio } => (audio, Some(*t)),
        };
        let (id, _) = transcribe_analyze_save(
            &plan,
            Recording {
                audio: &audio_path,
                shown: file,
                speech: None,
                transcript,
                started_at: None,
                source: AttemptSource::Import {
                    file: file.display().to_string(),
                },
                device: None,
                mode: AudioMode::Copy,
            },
            loaded.as_ref(),
            &args.engine,
            global,
        )?;
        writeln!(out, "{id}")?;
        out.flush()?;
    }
    Ok(())
}

fn color_on(choice: ColorChoice, out: Option<&Path>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            out.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn emit(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(p) => write_atomic(p, text.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

pub fn cmd_history(args: HistoryArgs, global: &Global) -> Result<()> {
    let format = args
        .format
        .or_else(|| args.out.as_deref().and_then(HistoryFormat::from_extension))
        .unwrap_or(HistoryFormat::Table);
    if let Some(out) = &args.out
        && out.is_dir()
    {
        bail!("{}: --out is a directory; name a file", out.display());
    }
    let store = open_store(&args.store)?;
    let listing = store.list()?;
    warn_problems(&listing, global);
    // The bank only sharpens --question matching and gives the fillers line on the chart; a
    // broken override file must not hide the history.
    let catalog = Catalog::load(analyze::frameworks::config_dir().as_deref())
        .or_else(|_| Catalog::embedded())
        .ok();
    let bank_id = args.question.as_deref().and_then(|q| {
        catalog
            .as_ref()
            .and_then(|c| c.question(q))
            .map(|q| q.id.clone())
    });
    let attempts: Vec<&Attempt> = listing
        .attempts
        .iter()
        .filter(|a| {
            args.question.as_deref().is_none_or(|q| {
                progress::question_matches(a.meta.question.as_ref(), q, bank_id.as_deref())
            })
        })
        .collect();
    if attempts.is_empty() && format == HistoryFormat::Table {
        match &args.question {
            Some(q) if !listing.attempts.is_empty() => eprintln!(
                "no attempts at question '{q}' ({} attempts at other questions; `rehearse history` lists all)",
                listing.attempts.len()
            ),
            _ => eprintln!(
                "{}",
                HistoryError::Empty {
                    root: store.root().to_path_buf()
                }
            ),
        }
        return Ok(());
    }
    let last = args.last.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    let view = progress::view(&attempts, last);
    let warnings: Vec<String> = listing.problems.iter().map(ToString::to_string).collect();
    let text = match format {
        HistoryFormat::Table => {
            progress::render_table(&view, color_on(args.color, args.out.as_deref()))
        }
        HistoryFormat::Json => progress::render_json(&view, store.root(), &warnings),
        HistoryFormat::Csv => progress::render_csv(&view),
        HistoryFormat::Html => {
            let page_dir = args.out.as_deref().map(parent_dir);
            let mut links = std::collections::HashMap::new();
            for &(_, a) in &view.rows {
                if !a.is_ok() {
                    continue;
                }
                match store.ensure_report_html(a) {
                    Ok(p) => {
                        links.insert(a.id().clone(), html::file_href(&p, page_dir.as_deref()));
                    }
                    Err(e) => eprintln!("warning: {e}"),
                }
            }
            let heavy = catalog
                .as_ref()
                .map_or(6.0, |c| c.settings.fillers_heavy_per_min);
            html::render(
                &view,
                &html::PageInput {
                    store: store.root(),
                    report_href: &|a: &Attempt| links.get(a.id()).cloned(),
                    fillers_heavy_per_min: heavy,
                    warnings: &warnings,
                },
            )
        }
    };
    emit(args.out.as_deref(), &text)?;
    if let (Some(out), HistoryFormat::Html, false) = (&args.out, format, global.quiet) {
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

pub fn cmd_show(args: ShowArgs, global: &Global) -> Result<()> {
    let format = args
        .format
        .or_else(|| args.out.as_deref().and_then(ReportFormat::from_extension))
        .unwrap_or(ReportFormat::Text);
    let store = open_store(&args.store)?;
    // Other folders' problems are for `history` to report; here they would bury the answer.
    let listing = store.list()?;
    let a = store.resolve(&listing, &args.id)?;
    let mut analysis = store.load_report(a)?;
    let audio = a.audio_path();
    if !audio.is_file() {
        if !global.quiet {
            eprintln!(
                "note: {}: the recording is missing; the report is shown without it",
                audio.display()
            );
        }
        analysis.source.audio = None;
    } else if format == ReportFormat::Html {
        // The player finds the recording from wherever the page is written.
        analysis.source.audio = Some(match &args.out {
            Some(out) => super::relative_path(&audio, &parent_dir(out)),
            None => audio.display().to_string(),
        });
    }
    let color = color_on(args.color, args.out.as_deref());
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(60, 160);
    let mut text = String::new();
    if format == ReportFormat::Text {
        text.push_str(&format!(
            "Attempt {} (started {} UTC)\n\n",
            a.id(),
            time::short_display(&a.meta.started_at)
        ));
    }
    text.push_str(&report::render(
        &analysis,
        format,
        &RenderOptions { color, width },
    ));
    emit(args.out.as_deref(), &text)
}

pub fn cmd_compare(args: CompareArgs) -> Result<()> {
    let store = open_store(&args.store)?;
    let listing = store.list()?;
    let a = store.resolve(&listing, &args.a)?;
    let b = store.resolve(&listing, &args.b)?;
    let ra = store.load_report(a)?;
    let rb = store.load_report(b)?;
    let c = compare::compare(a, &ra, b, &rb);
    let text = match args.format {
        CompareFormat::Text => compare::render_text(&c),
        CompareFormat::Json => {
            let mut s = serde_json::to_string_pretty(&c)?;
            s.push('\n');
            s
        }
    };
    emit(None, &text)
}

pub fn cmd_reanalyze(args: ReanalyzeArgs, global: &Global) -> Result<()> {
    let store = open_store(&args.store)?;
    // A broken override file stops here, before any attempt is touched.
    let catalog = load_catalog()?;
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
            Ok(t) => t,
            Err(e) => {
                eprintln!("warning: {e}; transcribing the recording again");
                None
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
                Some(p) => {
                    if loaded.is_none() {
                        loaded = Some(load_model(&args.engine)?);
                    }
                    let model = loaded.as_ref().context("model not loaded")?;
                    let t = transcribe_file(
                        &audio_path,
                        model,
                        &args.engine,
                        show_progress(global),
                        Some(p.clone()),
                    )
                    .map_err(|e| format!("transcription failed: {e:#}"));
                    (t, true)
                }
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
                prepared.as_ref().map(speech_runs),
                &catalog,
                &choice,
                question,
            ),
            Err(e) => Err(e.clone()),
        };
        let was = a.meta.analysis.status;
        store.update_analysis(
            a,
            transcript.as_ref().ok().filter(|_| fresh),
            analysis.as_ref().map_err(Clone::clone),
        )?;
        match &analysis {
            Ok(r) => {
                if !global.quiet {
                    let s = progress::summarize(r);
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
    }
    if !failed.is_empty() {
        bail!(
            "{} of {} attempts could not be analyzed ({}); they stay marked failed",
            failed.len(),
            targets.len(),
            failed.join(", ")
        );
    }
    Ok(())
}

pub fn cmd_delete(args: DeleteArgs, global: &Global) -> Result<()> {
    let store = open_store(&args.store)?;
    let listing = store.list()?;
    let found = store.find(&listing, &args.id)?;
    let what = match &found.meta {
        Some(m) => format!(
            "attempt {} (started {} UTC, {})",
            found.name,
            time::short_display(&m.started_at),
            question_label(m.question.as_ref())
        ),
        None => format!("damaged attempt folder {}", found.name),
    };
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "refusing to delete {what} without --yes: standard input is not a terminal to ask on"
            );
        }
        eprint!(
            "Delete {what}? Its recording, transcript and reports are removed for good. [y/N] "
        );
        std::io::stderr().flush()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        if !matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            eprintln!("kept {}", found.name);
            return Ok(());
        }
    }
    store.delete(&found)?;
    if !global.quiet {
        eprintln!("deleted {} ({})", found.name, found.dir.display());
    }
    Ok(())
}
