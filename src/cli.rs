//! Command-line interface: clap definitions and the glue that hands each command to its stage.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use rehearse::audio;
use rehearse::model::{self, convert, download, find, registry};
use rehearse::transcribe::{
    self, AudioInfo, FILLER_PROMPT, ModelInfo, TimestampMethod, TranscribeOptions,
    export::{self, TranscriptFormat},
    whisper::{self, Engine, LoadOptions},
};

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
    /// Transcribe a WAV file to words with start and end times.
    Transcribe(TranscribeArgs),
    /// List, download or import Whisper models.
    #[command(subcommand)]
    Model(ModelCommand),
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
    /// How word times are computed.
    #[arg(long, value_enum, default_value_t = TimestampMethod::Dtw)]
    pub timestamps: TimestampMethod,
    /// Keep Whisper's word edges as they are instead of snapping them to the audio's energy.
    #[arg(long)]
    pub no_snap: bool,
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
        Command::Transcribe(args) => cmd_transcribe(args, &cli.global),
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
    let language = if loaded.summary.english_only {
        "en".to_string()
    } else {
        args.language.clone()
    };
    let opts = TranscribeOptions {
        threads: args.threads.unwrap_or_else(default_threads).max(1),
        language,
        prompt: if args.no_prompt {
            None
        } else {
            Some(args.prompt.clone())
        },
        method: args.timestamps,
        energy_snap: !args.no_snap,
    };
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
