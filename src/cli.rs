//! Command-line interface: clap definitions and the glue that hands each command to its stage.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use rehearse::analyze::{self, AnalysisInput, FrameworkChoice, InputKind, QuestionRef, Timing};
use rehearse::audio;
use rehearse::capture::display::Heard;
use rehearse::model::{self, convert, download, find, registry};
use rehearse::report::{self, RenderOptions, ReportFormat};
use rehearse::transcribe::{
    self, AudioInfo, FILLER_BOOST, FILLER_PROMPT, ModelInfo, TimestampMethod, TranscribeOptions,
    export::{self, TranscriptFormat},
    whisper::{self, Engine, LoadOptions},
};

mod history_cmd;
mod live_cmd;

/// Practice spoken interview answers offline: record, transcribe, analyze.
#[derive(Debug, Parser)]
#[command(name = "rehearse", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: Global,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Print nothing but results and errors (no progress bars).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Show whisper.cpp's and ggml's own log lines.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze an answer: sections against targets, pace, pauses, fillers, coaching signals.
    Analyze(AnalyzeArgs),
    /// Transcribe a WAV file to words with start and end times.
    Transcribe(TranscribeArgs),
    /// List, download or import Whisper models.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Answer frameworks: their sections and time targets, and where to override them.
    Frameworks(FrameworksArgs),
    /// The question bank and the framework each question is answered with.
    Questions(QuestionsArgs),
    /// Add recordings (or transcripts with their recording) to the practice history.
    Import(history_cmd::AttemptImportArgs),
    /// Every stored attempt with its figures, trends and the best attempt marked.
    History(history_cmd::HistoryArgs),
    /// The report of a stored attempt.
    Show(history_cmd::ShowArgs),
    /// Two stored attempts side by side: sections, pace, fillers, signals fixed and new.
    Compare(history_cmd::CompareArgs),
    /// Analyze stored attempts again from their transcripts (after frameworks or word lists
    /// changed).
    Reanalyze(history_cmd::ReanalyzeArgs),
    /// Delete a stored attempt and everything in its folder.
    Delete(history_cmd::DeleteArgs),
    /// Record an answer from the microphone, then transcribe and analyze it.
    Record(RecordArgs),
    /// Audio hosts, input devices and the configurations each supports.
    Devices,
}

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// WAV files: 8/16/24/32-bit integer or 32-bit float PCM, 8-192 kHz, any channel count.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Write the transcript to this file instead of standard output.
    #[arg(short, long, conflicts_with = "out_dir")]
    pub out: Option<PathBuf>,
    /// Write one transcript per input into this folder, named after the input (several files).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Output format [default: from --out's extension, else json].
    #[arg(short, long, value_enum)]
    pub format: Option<TranscriptFormat>,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// A WAV recording (transcribed first), rehearse's transcript JSON, whisper.cpp JSON, SRT,
    /// WebVTT or plain text.
    pub file: PathBuf,
    /// Framework id (see `rehearse frameworks`), or `auto` to pick the one that fits best
    /// [default: the question's framework, else star-l].
    #[arg(long)]
    pub framework: Option<String>,
    /// The question answered: an id from `rehearse questions`, or its text.
    #[arg(short = 'Q', long)]
    pub question: Option<String>,
    /// Report format [default: from --out's extension, else text].
    #[arg(short, long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the report to this file instead of standard output.
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Speaking rate assumed for plain text, which has no times (words per minute).
    #[arg(long, default_value_t = 150.0)]
    pub text_wpm: f64,
    /// Colour in the text report [default: auto: on a terminal, unless NO_COLOR is set].
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Options shared by every command that runs Whisper.
#[derive(Debug, Args, Clone)]
pub struct EngineArgs {
    /// Model file or known name (tiny.en, base.en, ...) [env: REHEARSE_MODEL].
    #[arg(short, long)]
    pub model: Option<String>,
    /// CPU threads for whisper.cpp [default: all cores].
    #[arg(short, long)]
    pub threads: Option<usize>,
    /// Spoken language (English-only models always use "en").
    #[arg(long, default_value = "en")]
    pub language: String,
    /// Initial prompt; the default, a few hesitations, makes Whisper keep "um" and "uh".
    #[arg(long, default_value = FILLER_PROMPT, conflicts_with = "no_prompt")]
    pub prompt: String,
    /// Decode without any initial prompt (Whisper then drops most fillers).
    #[arg(long)]
    pub no_prompt: bool,
    /// Make Whisper likelier to write "um" and "uh" (logits added at each step; 0 = off).
    /// Whisper tends to turn a half-heard hesitation into a short word.
    #[arg(long, default_value_t = FILLER_BOOST, value_name = "LOGITS", value_parser = parse_boost)]
    pub filler_boost: f32,
    /// How word times are computed.
    #[arg(long, value_enum, default_value_t = TimestampMethod::Dtw)]
    pub timestamps: TimestampMethod,
    /// Keep Whisper's word edges as they are instead of snapping them to the audio's energy.
    #[arg(long)]
    pub no_snap: bool,
    /// Transcribe the whole file in Whisper's own 30 s windows instead of stretches cut at
    /// pauses. The default cuts at pauses (30 s at most) and gives every stretch the prompt,
    /// which keeps fillers past the first 30 s (measured in scripts/eval.sh).
    #[arg(long)]
    pub no_chunk: bool,
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Known and installed models, their sizes and where they are.
    List,
    /// Download ggml-NAME.bin, verify its SHA-1 and install it.
    Fetch(FetchArgs),
    /// Convert a CTranslate2 / faster-whisper model folder into a whisper.cpp ggml model.
    Import(ImportArgs),
    /// Print the path of the model a command would use (or of the named one).
    Path {
        /// Model name or file [default: the lookup order's first match].
        name: Option<String>,
    },
    /// Check that a file is a usable whisper.cpp ggml model and describe it.
    Check {
        /// Model file.
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Model name, e.g. tiny.en, base.en, small.en (see `rehearse model list`).
    pub name: String,
    /// Where models are downloaded from.
    #[arg(long, env = download::BASE_URL_ENV, default_value = download::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// Install into this folder [default: the user model folder].
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Expected SHA-1, for a mirror that serves a different build of the file.
    #[arg(long)]
    pub sha1: Option<String>,
    /// Download again even if the model is installed.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Folder with model.bin, config.json and vocabulary.json, vocabulary.txt or tokenizer.json.
    pub dir: PathBuf,
    /// Output file [default: ggml-NAME.bin in the user model folder].
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Quantize weight matrices (q8_0: ggml's 8-bit blocks; smaller and usually faster).
    #[arg(long)]
    pub quantize: Option<convert::Quantization>,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    if !cli.global.verbose {
        whisper::silence_native_logs();
    }
    match cli.command {
        Command::Analyze(args) => cmd_analyze(args, &cli.global),
        Command::Transcribe(args) => cmd_transcribe(args, &cli.global),
        Command::Frameworks(args) => cmd_frameworks(args),
        Command::Questions(args) => cmd_questions(args),
        Command::Import(args) => history_cmd::cmd_import(args, &cli.global),
        Command::History(args) => history_cmd::cmd_history(args, &cli.global),
        Command::Show(args) => history_cmd::cmd_show(args, &cli.global),
        Command::Compare(args) => history_cmd::cmd_compare(args),
        Command::Reanalyze(args) => history_cmd::cmd_reanalyze(args, &cli.global),
        Command::Delete(args) => history_cmd::cmd_delete(args, &cli.global),
        Command::Record(args) => cmd_record(args, &cli.global),
        Command::Devices => cmd_devices(),
        Command::Model(ModelCommand::List) => cmd_model_list(),
        Command::Model(ModelCommand::Fetch(args)) => cmd_model_fetch(args, &cli.global),
        Command::Model(ModelCommand::Import(args)) => cmd_model_import(args, &cli.global),
        Command::Model(ModelCommand::Path { name }) => {
            println!("{}", find::resolve(name.as_deref())?.display());
            Ok(())
        }
        Command::Model(ModelCommand::Check { file }) => {
            let s = model::check(&file)?;
            println!(
                "{}: whisper.cpp ggml model, {} ({}), {}",
                file.display(),
                s.name,
                if s.english_only {
                    "English only"
                } else {
                    "multilingual"
                },
                human_size(s.file_size)
            );
            Ok(())
        }
    }
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(4, |n| n.get())
}

fn show_progress(global: &Global) -> bool {
    !global.quiet && std::io::stderr().is_terminal()
}

/// A loaded engine plus the description of its model.
pub struct LoadedModel {
    pub engine: Engine,
    pub path: PathBuf,
    pub summary: model::ModelSummary,
}

/// Finds, checks and loads the model named by `args`.
pub fn load_model(args: &EngineArgs) -> Result<LoadedModel> {
    let path = find::resolve(args.model.as_deref())?;
    let summary = model::check(&path)?;
    let dtw_preset = match args.timestamps {
        TimestampMethod::Dtw => summary.dtw_preset.clone(),
        TimestampMethod::Token => None,
    };
    let engine = Engine::load(&path, &LoadOptions { dtw_preset })?;
    Ok(LoadedModel {
        engine,
        path,
        summary,
    })
}

/// The transcription settings `args` ask for, for this model.
pub fn transcribe_options(loaded: &LoadedModel, args: &EngineArgs) -> TranscribeOptions {
    let language = if loaded.summary.english_only {
        "en".to_string()
    } else {
        args.language.clone()
    };
    TranscribeOptions {
        threads: args.threads.unwrap_or_else(default_threads).max(1),
        language,
        prompt: if args.no_prompt {
            None
        } else {
            Some(args.prompt.clone())
        },
        method: args.timestamps,
        filler_boost: args.filler_boost,
        energy_snap: !args.no_snap,
        chunk_at_pauses: !args.no_chunk,
    }
}

/// Transcribes one file with an already loaded model.
pub fn transcribe_file(
    file: &Path,
    loaded: &LoadedModel,
    args: &EngineArgs,
    progress: bool,
    prepared: Option<audio::PreparedAudio>,
) -> Result<transcribe::Transcript> {
    let prepared = match prepared {
        Some(p) => p,
        None => audio::load_for_whisper(file)?,
    };
    let info = AudioInfo {
        path: file.display().to_string(),
        duration_s: prepared.duration_s(),
        sample_rate: prepared.source_rate,
        channels: prepared.source_channels,
        bits_per_sample: prepared.source_bits,
        sample_format: prepared.source_format.to_string(),
    };
    let opts = transcribe_options(loaded, args);
    let bar = progress.then(|| {
        let pb = ProgressBar::new(100);
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} transcribing {msg} [{bar:30}] {pos}% ({elapsed})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        pb.set_message(
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    });
    let cb: Option<Box<dyn FnMut(i32)>> = bar.clone().map(|pb| {
        Box::new(move |p: i32| pb.set_position(p.clamp(0, 100) as u64)) as Box<dyn FnMut(i32)>
    });
    let model_info = ModelInfo {
        path: loaded.path.display().to_string(),
        name: loaded.summary.name.clone(),
    };
    let result =
        transcribe::transcribe_audio(&loaded.engine, &prepared, info, model_info, &opts, cb, None);
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    result.with_context(|| format!("{}: transcription failed", file.display()))
}

fn cmd_analyze(args: AnalyzeArgs, global: &Global) -> Result<()> {
    let format = args
        .format
        .or_else(|| args.out.as_deref().and_then(ReportFormat::from_extension))
        .unwrap_or(ReportFormat::Text);
    if let Some(out) = &args.out {
        check_output_path(out, &args.file)?;
    }
    if !(args.text_wpm.is_finite() && (40.0..=400.0).contains(&args.text_wpm)) {
        bail!(
            "--text-wpm {}: give a speaking rate between 40 and 400 words per minute",
            args.text_wpm
        );
    }
    // Data files first: a broken user override should fail before minutes of transcription.
    let catalog = analyze::frameworks::Catalog::load(analyze::frameworks::config_dir().as_deref())?;
    let question = args.question.as_deref().map(|q| match catalog.question(q) {
        Some(found) => (
            QuestionRef {
                id: Some(found.id.clone()),
                text: found.text.clone(),
            },
            Some(found.framework.clone()),
        ),
        None => (
            QuestionRef {
                id: None,
                text: q.to_string(),
            },
            None,
        ),
    });
    let choice = match (args.framework.as_deref(), &question) {
        (Some("auto"), _) => FrameworkChoice::Auto,
        (Some(id), _) => FrameworkChoice::Id(id.to_string()),
        (None, Some((_, Some(fw)))) => FrameworkChoice::Id(fw.clone()),
        (None, _) => FrameworkChoice::Id("star-l".to_string()),
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
    let input = read_analysis_input(&args, global)?;
    if !global.quiet {
        for note in &input.notes {
            eprintln!("note: {}: {note}", args.file.display());
        }
    }
    let mut analysis = analyze::analyze(input, &catalog, &choice, question.map(|(q, _)| q))?;
    // The HTML player finds the audio relative to the report, wherever the report is written.
    if let (Some(audio), Some(out)) = (&analysis.source.audio, &args.out) {
        analysis.source.audio = Some(relative_path(Path::new(audio), &parent_dir(out)));
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.out.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(60, 160);
    let rendered = report::render(&analysis, format, &RenderOptions { color, width });
    match &args.out {
        Some(out) => write_atomic(out, rendered.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(rendered.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

/// Reads the input file into words with times: a WAV is transcribed, anything else imported.
fn read_analysis_input(args: &AnalyzeArgs, global: &Global) -> Result<AnalysisInput> {
    let file = &args.file;
    let bytes = std::fs::read(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!("{}: no such file", file.display()),
        _ => anyhow::anyhow!("{}: cannot read: {e}", file.display()),
    })?;
    if bytes.starts_with(b"RIFF") || bytes.starts_with(b"RIFX") || bytes.starts_with(b"RF64") {
        drop(bytes);
        let prepared = audio::load_for_whisper(file)?;
        let speech = speech_runs(&prepared);
        let loaded = load_model(&args.engine)?;
        let t = transcribe_file(
            file,
            &loaded,
            &args.engine,
            show_progress(global),
            Some(prepared),
        )?;
        return Ok(AnalysisInput {
            path: file.display().to_string(),
            kind: InputKind::Wav,
            audio_path: Some(file.display().to_string()),
            timing: Timing::Words,
            duration_s: t.duration_s,
            words: t.words,
            speech: Some(speech),
            notes: t.notes,
        });
    }
    let imported = transcribe::import::import(file, &bytes, args.text_wpm)?;
    let kind = match imported.kind {
        transcribe::import::ImportedKind::Transcript => InputKind::Transcript,
        transcribe::import::ImportedKind::WhisperCppJson => InputKind::WhisperCppJson,
        transcribe::import::ImportedKind::Srt => InputKind::Srt,
        transcribe::import::ImportedKind::Vtt => InputKind::Vtt,
        transcribe::import::ImportedKind::Text => InputKind::Text,
    };
    let timing = match imported.timing {
        transcribe::import::WordTiming::Words => Timing::Words,
        transcribe::import::WordTiming::Cues => Timing::Cues,
        transcribe::import::WordTiming::Estimated { wpm } => Timing::Estimated { wpm },
    };
    // The transcript's audio, when it is still where the transcript says, confirms pauses by
    // its energy; a transcript whose audio moved is analyzed from word times alone.
    let audio_path = imported.audio_path.map(|a| {
        let p = PathBuf::from(&a);
        if p.is_absolute() || p.exists() {
            p
        } else {
            parent_dir(file).join(p)
        }
    });
    let speech = audio_path
        .as_deref()
        .filter(|p| p.is_file())
        .and_then(|p| audio::load_for_whisper(p).ok())
        .map(|a| speech_runs(&a));
    let mut notes = imported.notes;
    if let (Some(p), None) = (&audio_path, &speech) {
        notes.push(format!(
            "audio {} not found or unreadable: pauses come from word times only",
            p.display()
        ));
    }
    Ok(AnalysisInput {
        path: file.display().to_string(),
        kind,
        audio_path: audio_path
            .filter(|_| speech.is_some())
            .map(|p| p.display().to_string()),
        timing,
        duration_s: imported.duration_s,
        words: imported.words,
        speech,
        notes,
    })
}

fn speech_runs(a: &audio::PreparedAudio) -> Vec<(f64, f64)> {
    transcribe::timing::detect_activity(&a.samples, audio::WHISPER_RATE).speech_runs()
}

/// `target` as seen from folder `from`: relative when both resolve, else absolute.
fn relative_path(target: &Path, from: &Path) -> String {
    let (Ok(t), Ok(f)) = (target.canonicalize(), from.canonicalize()) else {
        return target.display().to_string();
    };
    let tc: Vec<_> = t.components().collect();
    let fc: Vec<_> = f.components().collect();
    let common = tc.iter().zip(&fc).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..fc.len() {
        rel.push("..");
    }
    for c in &tc[common..] {
        rel.push(c);
    }
    rel.display().to_string()
}

fn cmd_transcribe(args: TranscribeArgs, global: &Global) -> Result<()> {
    let format = args
        .format
        .or_else(|| {
            args.out
                .as_deref()
                .and_then(TranscriptFormat::from_extension)
        })
        .unwrap_or(TranscriptFormat::Json);
    if args.files.len() > 1 && args.out_dir.is_none() {
        bail!("several input files need --out-dir DIR (one transcript per file)");
    }
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    }
    let target = |file: &Path| -> Option<PathBuf> {
        match (&args.out, &args.out_dir) {
            (Some(out), _) => Some(out.clone()),
            (None, Some(dir)) => {
                let stem = file.file_stem().unwrap_or(file.as_os_str());
                Some(dir.join(stem).with_extension(format.extension()))
            }
            (None, None) => None,
        }
    };
    // Check every output, and a single input, before loading the model, so that a bad file or
    // an unwritable --out is reported at once rather than after minutes of work.
    for file in &args.files {
        if let Some(out) = target(file) {
            check_output_path(&out, file)?;
        }
    }
    let mut single = match args.files.as_slice() {
        [one] => Some(audio::load_for_whisper(one)?),
        _ => None,
    };
    let loaded = load_model(&args.engine)?;
    let mut failed = 0usize;
    for file in &args.files {
        let pre = single.take();
        let result = transcribe_file(file, &loaded, &args.engine, show_progress(global), pre)
            .and_then(|t| {
                if !global.quiet {
                    for note in &t.notes {
                        eprintln!("note: {}: {note}", file.display());
                    }
                }
                let rendered = export::render(&t, format);
                match target(file) {
                    Some(out) => write_atomic(&out, rendered.as_bytes()),
                    None => {
                        let mut stdout = std::io::stdout().lock();
                        stdout.write_all(rendered.as_bytes())?;
                        stdout.flush()?;
                        Ok(())
                    }
                }
            });
        if let Err(e) = result {
            if args.files.len() == 1 {
                return Err(e);
            }
            // In a batch, one bad file must not cost the others their transcripts.
            eprintln!("error: {e:#}");
            failed += 1;
        }
    }
    if failed > 0 {
        bail!("{failed} of {} files failed", args.files.len());
    }
    Ok(())
}

/// Refuses output paths that would destroy input audio, and ones whose folder cannot take files.
fn check_output_path(out: &Path, input: &Path) -> Result<()> {
    if out.is_dir() {
        bail!("{}: --out is a directory; name a file", out.display());
    }
    let is_audio = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("wav"));
    if is_audio || (out.exists() && same_file(out, input)) {
        bail!(
            "{}: refusing to write a transcript over an audio file",
            out.display()
        );
    }
    let dir = parent_dir(out);
    if !dir.is_dir() {
        bail!(
            "{}: cannot write here: folder {} does not exist",
            out.display(),
            dir.display()
        );
    }
    // Probe the folder now so that an unwritable --out fails before minutes of transcription.
    let probe = tempfile_in(&dir).with_context(|| {
        format!(
            "{}: cannot write to folder {}",
            out.display(),
            dir.display()
        )
    })?;
    drop(probe);
    Ok(())
}

fn parent_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// A temporary file in `dir` that removes itself when dropped.
struct TempFile {
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.file.take();
        let _ = std::fs::remove_file(&self.path);
    }
}

fn tempfile_in(dir: &Path) -> std::io::Result<TempFile> {
    for attempt in 0..100u32 {
        let path = dir.join(format!(".rehearse-{}-{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => {
                return Ok(TempFile {
                    path,
                    file: Some(file),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("could not create a temporary file"))
}

/// Writes `bytes` to `out` through a temporary file and a rename, so that a failure never
/// leaves a half-written file under the real name.
pub fn write_atomic(out: &Path, bytes: &[u8]) -> Result<()> {
    let dir = parent_dir(out);
    let mut tmp = tempfile_in(&dir).with_context(|| {
        format!(
            "{}: cannot write to folder {}",
            out.display(),
            dir.display()
        )
    })?;
    let file = tmp.file.as_mut().context("temporary file vanished")?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .with_context(|| format!("{}: write failed", out.display()))?;
    std::fs::rename(&tmp.path, out).with_context(|| {
        format!(
            "{}: cannot move the finished file into place",
            out.display()
        )
    })?;
    // Renamed: nothing left to clean up.
    tmp.path = PathBuf::new();
    Ok(())
}

fn cmd_model_list() -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<16} {:>9}  {:<8} INSTALLED",
        "MODEL", "SIZE", "LANG"
    )?;
    let mut listed = std::collections::HashSet::new();
    for m in registry::known_models() {
        let file = m.file_name();
        listed.insert(file.clone());
        let installed = find::find_installed(&file);
        writeln!(
            out,
            "{:<16} {:>9}  {:<8} {}",
            m.name,
            m.disk_size,
            if m.english_only { "English" } else { "multi" },
            installed.map_or("-".to_string(), |p| p.display().to_string())
        )?;
    }
    for p in find::installed_files() {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if listed.contains(name) {
            continue;
        }
        let short = name.trim_start_matches("ggml-").trim_end_matches(".bin");
        let (size, lang) = match model::check(&p) {
            Ok(s) => (
                human_size(s.file_size),
                if s.english_only { "English" } else { "multi" }.to_string(),
            ),
            Err(e) => ("?".into(), format!("unusable: {e}")),
        };
        writeln!(out, "{short:<16} {size:>9}  {lang:<8} {}", p.display())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Searched, in order: {}",
        find::search_dirs()
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    Ok(())
}

fn human_size(bytes: u64) -> String {
    format!("{} MiB", (bytes as f64 / 1_048_576.0).round() as u64)
}

fn cmd_model_fetch(args: FetchArgs, global: &Global) -> Result<()> {
    let Some(known) = registry::lookup(&args.name) else {
        let names: Vec<&str> = registry::known_models().iter().map(|m| m.name).collect();
        bail!(
            "unknown model '{}'; known models: {}",
            args.name,
            names.join(", ")
        );
    };
    let dest = args.dir.clone().unwrap_or_else(find::user_models_dir);
    let validate = |p: &Path| -> std::result::Result<(), String> {
        model::check(p).map(|_| ()).map_err(|e| e.to_string())
    };
    let outcome = download::fetch(&download::FetchRequest {
        model: known,
        base_url: &args.base_url,
        dest_dir: &dest,
        expected_sha1: args.sha1.as_deref(),
        force: args.force,
        show_progress: show_progress(global),
        validate: Some(&validate),
    })?;
    println!("{}", outcome.path().display());
    Ok(())
}

fn cmd_model_import(args: ImportArgs, global: &Global) -> Result<()> {
    let out = match &args.out {
        Some(p) => p.clone(),
        None => {
            let hp = convert::read_hparams(&args.dir)?;
            find::user_models_dir().join(convert::suggested_file_name(&hp, args.quantize))
        }
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    }
    let bar = show_progress(global).then(|| {
        let pb = ProgressBar::new(0);
        pb.set_style(
            ProgressStyle::with_template("converting [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        pb
    });
    let mut progress = |done: u64, total: u64| {
        if let Some(pb) = &bar {
            pb.set_length(total);
            pb.set_position(done);
        }
    };
    let summary = convert::import_ct2_dir(
        &args.dir,
        &out,
        &convert::ImportOptions {
            quantize: args.quantize,
            force: args.force,
        },
        &mut progress,
    )?;
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    // The converter's output must pass the same check as any other model.
    model::check(&summary.out)
        .with_context(|| format!("{}: converted file failed its check", summary.out.display()))?;
    if !global.quiet {
        eprintln!(
            "imported {} tensors ({}) in {:.1} s",
            summary.n_tensors,
            human_size(summary.bytes),
            summary.elapsed.as_secs_f64()
        );
    }
    println!("{}", summary.out.display());
    Ok(())
}

#[derive(Debug, Args)]
pub struct FrameworksArgs {
    /// Show this framework in detail.
    pub id: Option<String>,
    /// Print the folder for your own frameworks.toml, questions.toml and lexicon.toml
    /// [env: REHEARSE_CONFIG_DIR], then those of them that exist, one path per line.
    #[arg(long, conflicts_with_all = ["id", "json"])]
    pub path: bool,
    /// Print the frameworks as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Only the questions answered with this framework.
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
    /// Print the questions as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The embedded data with the user's override files laid over it.
fn load_catalog() -> Result<rehearse::analyze::frameworks::Catalog> {
    use rehearse::analyze::frameworks::{Catalog, config_dir};
    Ok(Catalog::load(config_dir().as_deref())?)
}

fn unknown_framework(id: &str, catalog: &rehearse::analyze::frameworks::Catalog) -> anyhow::Error {
    let known: Vec<&str> = catalog.frameworks.iter().map(|f| f.id.as_str()).collect();
    anyhow::anyhow!("unknown framework '{id}'; known: {}", known.join(", "))
}

/// Seconds as m:ss, the way targets are spoken about ("Action 4-5 minutes").
fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

fn clock_band(b: &rehearse::analyze::frameworks::Band) -> String {
    format!("{}-{}", clock(b.min_s), clock(b.max_s))
}

fn cmd_frameworks(args: FrameworksArgs) -> Result<()> {
    use rehearse::analyze::frameworks::{Catalog, USER_FILES, config_dir};
    let mut out = std::io::stdout().lock();
    if args.path {
        // Never loads the files: --path is how a user finds the broken one to fix it.
        let dir = config_dir()
            .context("no config folder (no home directory); set REHEARSE_CONFIG_DIR")?;
        writeln!(out, "{}", dir.display())?;
        for name in USER_FILES {
            let p = dir.join(name);
            if p.is_file() {
                writeln!(out, "{}", p.display())?;
            }
        }
        return Ok(());
    }
    let catalog = load_catalog()?;
    if let Some(id) = &args.id {
        let fw = catalog
            .framework(id)
            .ok_or_else(|| unknown_framework(id, &catalog))?;
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(fw)?)?;
            return Ok(());
        }
        writeln!(out, "{}  {}", fw.id, fw.name)?;
        writeln!(out, "{}", fw.about)?;
        let mut overall = format!("overall: {}", clock_band(&fw.overall));
        if !fw.judge_too_long {
            overall.push_str("; length not judged as too long");
        }
        if fw.ends_with_question {
            overall.push_str("; ends with a question to the interviewer");
        }
        writeln!(out, "{overall}")?;
        writeln!(out, "source:  {}", fw.source)?;
        let name_width = fw
            .sections
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0);
        for (i, s) in fw.sections.iter().enumerate() {
            writeln!(out)?;
            writeln!(
                out,
                "{:>2}. {:<name_width$}  {}  ({})",
                i + 1,
                s.name,
                clock_band(&s.target),
                s.id
            )?;
            writeln!(out, "    {}", s.about)?;
            if !s.cues.is_empty() {
                let cues: Vec<String> = s.cues.iter().take(6).map(|c| format!("\"{c}\"")).collect();
                let more = if s.cues.len() > 6 { ", ..." } else { "" };
                writeln!(out, "    cues: {}{more}", cues.join(", "))?;
            }
        }
        return Ok(());
    }
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&catalog.frameworks)?
        )?;
        return Ok(());
    }
    // A framework the user's file added or changed is marked, so an override can be checked.
    let embedded = Catalog::embedded()?;
    let id_width = catalog
        .frameworks
        .iter()
        .map(|f| f.id.len())
        .max()
        .unwrap_or(0)
        .max(2);
    writeln!(out, "{:<id_width$}  {:<11}  NAME", "ID", "OVERALL")?;
    for fw in &catalog.frameworks {
        let user = if embedded.framework(&fw.id) == Some(fw) {
            ""
        } else {
            "  [user]"
        };
        writeln!(
            out,
            "{:<id_width$}  {:<11}  {}{user}",
            fw.id,
            clock_band(&fw.overall),
            fw.name
        )?;
        let sections: Vec<String> = fw
            .sections
            .iter()
            .map(|s| format!("{} {}", s.id, clock_band(&s.target)))
            .collect();
        writeln!(out, "{:id_width$}  sections: {}", "", sections.join(", "))?;
        writeln!(out, "{:id_width$}  source:   {}", "", fw.source)?;
    }
    Ok(())
}

fn cmd_questions(args: QuestionsArgs) -> Result<()> {
    let catalog = load_catalog()?;
    if let Some(id) = &args.framework
        && catalog.framework(id).is_none()
    {
        return Err(unknown_framework(id, &catalog));
    }
    let questions: Vec<_> = catalog
        .questions
        .iter()
        .filter(|q| args.framework.as_ref().is_none_or(|id| q.framework == *id))
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&questions)?)?;
        return Ok(());
    }
    let id_width = questions
        .iter()
        .map(|q| q.id.len())
        .max()
        .unwrap_or(0)
        .max(2);
    let fw_width = questions
        .iter()
        .map(|q| q.framework.len())
        .max()
        .unwrap_or(0)
        .max(9);
    writeln!(out, "{:<id_width$}  {:<fw_width$}  TEXT", "ID", "FRAMEWORK")?;
    for q in questions {
        writeln!(
            out,
            "{:<id_width$}  {:<fw_width$}  {}",
            q.id, q.framework, q.text
        )?;
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The question to answer: an id from `rehearse questions`, or its text.
    #[arg(short = 'Q', long)]
    pub question: Option<String>,
    /// Framework id (see `rehearse frameworks`), or `auto` for the analysis to pick
    /// [default: the question's framework, else star-l].
    #[arg(long)]
    pub framework: Option<String>,
    /// Input device, as `rehearse devices` names it [default: the default input].
    #[arg(short, long)]
    pub device: Option<String>,
    /// Stop after this much audio (90s, 5m, 1m30s, 2:30); counted in samples, not wall time.
    #[arg(long, default_value = "30m", value_parser = parse_max_duration)]
    pub max_duration: Duration,
    /// Seconds to count down before recording starts.
    #[arg(long, default_value_t = 3, value_name = "SECONDS")]
    pub countdown: u32,
    /// The WAV to record into [default: recordings/DATE_TIME.wav in the current folder].
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Replace --out if it exists (never done otherwise).
    #[arg(long)]
    pub force: bool,
    /// Only record: no transcription, no report.
    #[arg(long)]
    pub no_analyze: bool,
    /// Don't keep the attempt in the practice history (`rehearse history`).
    #[arg(long)]
    pub no_save: bool,
    /// Transcribe only after the stop, as `rehearse analyze` would, instead of stretch by
    /// stretch while you speak (live, whisper gets one thread fewer than --threads until the
    /// stop); the words are the same, the report just comes later.
    #[arg(long)]
    pub no_live: bool,
    /// Report format on stdout after the stop.
    #[arg(short, long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub store: history_cmd::StoreArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

fn parse_max_duration(s: &str) -> std::result::Result<Duration, String> {
    let d = rehearse::capture::parse_duration(s)?;
    if d < Duration::from_secs(1) {
        return Err(format!("'{s}': record at least one second"));
    }
    Ok(d)
}

fn cmd_record(args: RecordArgs, global: &Global) -> Result<()> {
    use rehearse::capture::{self, plan::Plan, session};
    // Everything that can be wrong with the command line fails before the microphone opens,
    // not after the answer has been given.
    let catalog = load_catalog()?;
    let question = args.question.as_deref().map(|q| (q, catalog.question(q)));
    let shown_framework = match args.framework.as_deref() {
        Some(id) if id != "auto" => id.to_string(),
        _ => question
            .and_then(|(_, found)| found)
            .map_or_else(|| "star-l".to_string(), |q| q.framework.clone()),
    };
    let Some(framework) = catalog.framework(&shown_framework) else {
        let known: Vec<&str> = catalog.frameworks.iter().map(|f| f.id.as_str()).collect();
        bail!(
            "--framework {shown_framework}: no such framework; known: {}, auto (see `rehearse frameworks`)",
            known.join(", ")
        );
    };
    // The model is loaded before the microphone opens: live transcription needs it from the
    // first stretch, and a broken model must not cost the answer.
    let model = if args.no_analyze {
        None
    } else {
        find::resolve(args.engine.model.as_deref())
            .context("the recording is analyzed afterwards (or pass --no-analyze)")?;
        Some(load_model(&args.engine)?)
    };
    let out = match &args.out {
        Some(out) => {
            let dir = parent_dir(out);
            if !dir.is_dir() {
                bail!(
                    "{}: cannot record here: folder {} does not exist",
                    out.display(),
                    dir.display()
                );
            }
            out.clone()
        }
        None => {
            let id = question.and_then(|(_, found)| found).map(|q| q.id.as_str());
            session::default_output(id)
        }
    };
    let plan = Plan::from_framework(framework);
    let prepared = session::prepare(session::Options {
        device: args.device.clone(),
        create_folder: args.out.is_none(),
        out,
        force: args.force,
        max_duration: args.max_duration,
        countdown: args.countdown,
        plan: Some(plan.clone()),
        quiet: global.quiet,
    })?;
    let device_format = prepared.format();
    // The question and framework as the analysis takes them: for the live display and for a
    // report that is not saved.
    let (question_ref, choice) = history_cmd::question_and_framework(
        &catalog,
        args.question.as_deref(),
        args.framework.as_deref(),
    )?;
    let options = model.as_ref().map(|m| transcribe_options(m, &args.engine));
    let live = match (&model, &options) {
        (Some(m), Some(options)) if !args.no_live => {
            let heard = Arc::new(Mutex::new(Heard::default()));
            let live = live_cmd::start(
                m,
                options.clone(),
                device_format,
                live_cmd::LiveAnalysis {
                    catalog: catalog.clone(),
                    choice: choice.clone(),
                    question: question_ref.clone(),
                },
                heard.clone(),
            )?;
            Some((live, heard))
        }
        _ => None,
    };
    let (prepared, live) = match live {
        Some((live, heard)) => {
            let mut tap = live.tap();
            (
                prepared.with_live(Box::new(move |x: &[i16]| tap.push(x)), heard),
                Some(live),
            )
        }
        None => (prepared, None),
    };
    if !global.quiet {
        let mut err = std::io::stderr().lock();
        match question {
            Some((_, Some(q))) => writeln!(err, "Question: {}  ({})", q.text, q.id)?,
            Some((text, None)) => writeln!(err, "Question: {text}")?,
            None => writeln!(err, "Question: (none given)")?,
        }
        writeln!(
            err,
            "Framework: {} ({})",
            plan.framework_name, plan.framework_id
        )?;
        writeln!(
            err,
            "Targets: whole answer {}; sections in order:",
            clock_band(&framework.overall)
        )?;
        let width = plan
            .steps
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0);
        for (i, s) in plan.steps.iter().enumerate() {
            writeln!(
                err,
                "  {}. {:<width$}  {}-{}   on the clock until {}",
                i + 1,
                s.name,
                clock(s.min_s),
                clock(s.max_s),
                clock(s.finish_by)
            )?;
        }
        writeln!(
            err,
            "Stops on Enter, q or Ctrl-C, or after {} of audio.",
            capture::clock(args.max_duration.as_secs_f64())
        )?;
    }
    let started = std::time::SystemTime::now();
    let rec = prepared.record()?;
    let why = match &rec.stop {
        session::StopReason::Key => "Enter/q",
        session::StopReason::Signal => "signal (Ctrl-C)",
        session::StopReason::MaxDuration => "--max-duration",
        session::StopReason::DeviceLost(_) => "device stopped",
        session::StopReason::WriteFailed => "write failed",
    };
    eprintln!(
        "saved {} ({:.1} s, 16-bit, {} Hz, {} ch); stopped by {why}",
        rec.path.display(),
        rec.duration_s(),
        rec.sample_rate,
        rec.channels,
    );
    eprintln!("dropped samples: {} of {}", rec.dropped, rec.delivered);
    // A device that delivers far faster than the clock (ALSA's file plugin) outruns any disk;
    // say so rather than blame the writer.
    let unpaced = rec.duration_s() > 2.0 * rec.wall_s + 1.0;
    if unpaced {
        eprintln!(
            "note: the device delivered {:.0} s of audio in {:.1} s: it is not paced like a microphone",
            rec.delivered as f64 / f64::from(rec.sample_rate * u32::from(rec.channels)),
            rec.wall_s
        );
    }
    if rec.dropped > 0 {
        eprintln!(
            "warning: {} samples were lost because the writer fell behind; the recording has gaps",
            rec.dropped
        );
    }
    if rec.overruns > 0 {
        eprintln!(
            "warning: the audio host reported {} overrun(s): the system was too busy to read the device in time",
            rec.overruns
        );
    }
    if rec.clipped > 0 && !global.quiet {
        eprintln!(
            "note: {} samples clipped: lower the input gain or move back from the microphone",
            rec.clipped
        );
    }
    let lost = match &rec.stop {
        session::StopReason::DeviceLost(reason) => {
            eprintln!(
                "warning: the input device stopped ({reason}); the recording ended after {:.1} s and what was captured is kept",
                rec.duration_s()
            );
            Some(reason.clone())
        }
        _ => None,
    };
    // The stretches left when the speaker stopped; the rest was transcribed while they spoke.
    let live = match live.map(|l| l.finish()) {
        Some(Ok(out)) if rec.frames > 0 => match (&model, &options) {
            (Some(m), Some(options)) => {
                if !global.quiet {
                    eprintln!(
                        "live transcription: {} stretch(es) done while recording, {} after the stop ({:.2} s)",
                        out.during,
                        out.after,
                        out.after_stop.as_secs_f64()
                    );
                }
                Some(live_cmd::transcript(
                    out,
                    &rec.path,
                    device_format,
                    m,
                    options,
                ))
            }
            _ => None,
        },
        Some(Err(e)) => {
            eprintln!("warning: live transcription failed ({e}); transcribing the recording now");
            None
        }
        _ => None,
    };
    if !args.no_analyze && rec.frames == 0 {
        eprintln!("note: no audio was captured; nothing to analyze");
    } else if let (false, true, Some((t, audio16))) = (args.no_analyze, args.no_save, &live) {
        if !global.quiet {
            for note in &t.notes {
                eprintln!("note: {}: {note}", rec.path.display());
            }
        }
        let analysis = history_cmd::analyze_transcript(
            t,
            &rec.path,
            &rec.path,
            Some(speech_runs(audio16)),
            &catalog,
            &choice,
            question_ref,
        )
        .map_err(|e| anyhow::anyhow!("{}: analysis failed: {e}", rec.path.display()))?;
        print_report(&analysis, args.format)?;
    } else if !args.no_analyze && !args.no_save {
        // Analyzed once, kept in the history (a copy: the recording stays where it was
        // written), and the same report printed as `rehearse analyze` would.
        let store = history_cmd::open_store(&args.store)?;
        let plan = history_cmd::AttemptPlan::new(
            &store,
            &catalog,
            args.question.as_deref(),
            args.framework.as_deref(),
        )?;
        let (transcript, speech) = match live {
            Some((t, audio16)) => (Some(t), Some(speech_runs(&audio16))),
            None => (None, None),
        };
        let (_, analysis) = history_cmd::transcribe_analyze_save(
            &plan,
            history_cmd::Recording {
                audio: &rec.path,
                shown: &rec.path,
                transcript,
                speech,
                started_at: Some(started),
                source: rehearse::history::AttemptSource::Record,
                device: Some(rec.device.clone()),
                mode: rehearse::history::AudioMode::Copy,
            },
            model.as_ref(),
            &args.engine,
            global,
        )?;
        match analysis {
            Ok(a) => print_report(&a, args.format)?,
            Err(e) => bail!("{}: analysis failed: {e}", rec.path.display()),
        }
    } else if !args.no_analyze {
        cmd_analyze(
            AnalyzeArgs {
                file: rec.path.clone(),
                framework: args.framework.clone(),
                question: args.question.clone(),
                format: Some(args.format),
                out: None,
                text_wpm: 150.0,
                color: ColorChoice::Auto,
                engine: args.engine.clone(),
            },
            global,
        )?;
    }
    if let Some(reason) = lost {
        bail!(
            "recording ended early: the input device stopped ({reason}); {} holds the {:.1} s captured",
            rec.path.display(),
            rec.duration_s()
        );
    }
    Ok(())
}

/// Prints a report on stdout, coloured when stdout is a terminal and `NO_COLOR` is unset.
fn print_report(a: &analyze::Analysis, format: ReportFormat) -> Result<()> {
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = report::render(a, format, &RenderOptions { color, width: 100 });
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn cmd_devices() -> Result<()> {
    let hosts = rehearse::capture::devices::report();
    let mut out = std::io::stdout().lock();
    let mut any = false;
    for host in &hosts {
        let default = if host.is_default {
            " (default host)"
        } else {
            ""
        };
        writeln!(out, "{}{default}", host.name)?;
        if let Some(e) = &host.error {
            writeln!(out, "  error: {e}")?;
        }
        let width = host.inputs.iter().map(|d| d.id.len()).max().unwrap_or(0);
        for d in &host.inputs {
            let mark = if d.is_default { "*" } else { " " };
            writeln!(out, "{mark} {:<width$}  {}", d.id, d.description)?;
            match (&d.default_config, &d.configs) {
                (Ok(def), Ok(configs)) => {
                    any = true;
                    writeln!(out, "    records as: {def}")?;
                    for c in configs {
                        writeln!(out, "    supports:   {c}")?;
                    }
                }
                (Err(e), _) | (_, Err(e)) => writeln!(out, "    cannot be opened: {e}")?,
            }
        }
        if host.inputs.is_empty() {
            writeln!(out, "  no input devices")?;
        }
    }
    writeln!(out)?;
    if any {
        writeln!(
            out,
            "* is the default input. `rehearse record --device NAME` takes a name from the first column."
        )?;
    } else {
        writeln!(
            out,
            "No input device can be opened: connect a microphone, or start the sound server."
        )?;
    }
    Ok(())
}

/// `--filler-boost`: a finite number of logits; huge values make Whisper write nothing but
/// hesitations, so it is kept within what was measured to be useful.
fn parse_boost(s: &str) -> Result<f32, String> {
    let v: f32 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of logits (e.g. 3, or 0 to turn it off)"))?;
    if !(0.0..=10.0).contains(&v) {
        return Err(format!("{v} is outside 0..=10 (0 turns the boost off)"));
    }
    Ok(v)
}
