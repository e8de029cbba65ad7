//! Command-line interface: the commands and the dispatch. Each command's own arguments and the
//! glue that hands it to its stage live in `cli/COMMAND.rs`; `args` (argument groups), `engine`
//! (loading a model, transcribing a file), `output` (where results go) and `attempts` (storing
//! an answer in the history) are shared by several commands.

use anyhow::Result;
use clap::{Parser, Subcommand};

mod analyze;
mod args;
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

pub use attempts::NoSpeech;

/// Practice spoken interview answers offline: record, transcribe, analyze.
#[derive(Debug, Parser)]
#[command(name = "rehearse", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: args::Global,
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
