//! Command-line interface: the argument types every command shares and the dispatch. Each
//! command's own arguments and the glue that hands it to its stage live in `cli/COMMAND.rs`;
//! `engine` (loading a model, transcribing a file), `output` (where results go) and `attempts`
//! (storing an answer in the history) are shared by several commands.

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use rehearse::transcribe::{FILLER_BOOST, FILLER_PROMPT, TimestampMethod};

mod analyze;
mod attempts;
mod compare;
mod delete;
mod devices;
mod engine;
mod frameworks;
mod history;
mod import;
mod model;
mod output;
mod questions;
mod reanalyze;
mod record;
mod show;
mod transcribe;

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
    Analyze(analyze::AnalyzeArgs),
    /// Transcribe a WAV file to words with start and end times.
    Transcribe(transcribe::TranscribeArgs),
    /// List, download or import Whisper models.
    #[command(subcommand)]
    Model(model::ModelCommand),
    /// Answer frameworks: their sections and time targets, and where to override them.
    Frameworks(frameworks::FrameworksArgs),
    /// The question bank and the framework each question is answered with.
    Questions(questions::QuestionsArgs),
    /// Add recordings (or transcripts with their recording) to the practice history.
    Import(import::AttemptImportArgs),
    /// Every stored attempt with its figures, trends and the best attempt marked.
    History(history::HistoryArgs),
    /// The report of a stored attempt.
    Show(show::ShowArgs),
    /// Two stored attempts side by side: sections, pace, fillers, signals fixed and new.
    Compare(compare::CompareArgs),
    /// Analyze stored attempts again from their transcripts (after frameworks or word lists
    /// changed).
    Reanalyze(reanalyze::ReanalyzeArgs),
    /// Delete a stored attempt and everything in its folder.
    Delete(delete::DeleteArgs),
    /// Record an answer from the microphone, then transcribe and analyze it.
    Record(record::RecordArgs),
    /// Audio hosts, input devices and the configurations each supports.
    Devices,
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

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    if !cli.global.verbose {
        rehearse::transcribe::whisper::silence_native_logs();
    }
    let global = &cli.global;
    match cli.command {
        Command::Analyze(args) => analyze::run(args, global),
        Command::Transcribe(args) => transcribe::run(args, global),
        Command::Frameworks(args) => frameworks::run(args),
        Command::Questions(args) => questions::run(args),
        Command::Import(args) => import::run(args, global),
        Command::History(args) => history::run(args, global),
        Command::Show(args) => show::run(args, global),
        Command::Compare(args) => compare::run(args),
        Command::Reanalyze(args) => reanalyze::run(args, global),
        Command::Delete(args) => delete::run(args, global),
        Command::Record(args) => record::run(args, global),
        Command::Devices => devices::run(),
        Command::Model(command) => model::run(command, global),
    }
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
