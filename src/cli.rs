//! Command-line interface: the commands and the dispatch. Each command's own arguments and the
//! glue that hands it to its stage live in `cli/COMMAND.rs`; `args` (argument groups), `engine`
//! (loading a model, transcribing a file), `input` (files and standard input), `output` (where
//! results go), `attempts` (storing an answer in the history) and `settings` (the config file)
//! are shared by several commands; `practice` records through `record`'s [`record::take`].

use anyhow::Result;
use clap::{Parser, Subcommand};

mod analyze;
mod args;
mod attempts;
mod compare;
mod completions;
mod config;
mod delete;
mod devices;
mod engine;
mod frameworks;
mod history;
mod import;
mod input;
mod man;
mod model;
mod output;
mod practice;
mod questions;
mod reanalyze;
mod record;
mod settings;
mod show;
mod transcribe;

pub use attempts::NoSpeech;

/// Practice spoken interview answers offline: record, transcribe, analyze.
#[derive(Debug, Parser)]
#[command(
    name = "rehearse",
    version,
    about,
    propagate_version = true,
    after_help = "Examples:
  rehearse questions                       the question bank
  rehearse record -Q failed                answer one, get the report, keep the attempt
  rehearse analyze answer.wav -o report.html
  rehearse history                         your attempts and how they are going
  rehearse config                          the settings in effect and where each comes from

Exit status: 0 done, 2 an error (one line on stderr), 3 no speech heard (nothing saved).
`rehearse COMMAND --help` shows each command's options and examples; `rehearse man` the
manual page."
)]
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
    /// Delete a stored attempt and everything in its folder, or every failed one.
    Delete(delete::DeleteArgs),
    /// Record an answer from the microphone, then transcribe and analyze it.
    Record(record::RecordArgs),
    /// Drill: a question, think time, your answer, the report, then again, a follow-up, the
    /// next question or stop.
    Practice(practice::PracticeArgs),
    /// Audio hosts, input devices and the configurations each supports.
    Devices(devices::DevicesArgs),
    /// The settings in effect (model, threads, device, think time, data folder), where each
    /// comes from, and the config file's path.
    Config(config::ConfigArgs),
    /// Shell completions for bash, zsh, fish, elvish or PowerShell, on standard output.
    Completions(completions::CompletionsArgs),
    /// The manual page (roff), on standard output or as one file per command.
    Man(man::ManArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let mut cli = cli;
    // Defaults people set once come from the config file, under the environment and the
    // flags. A broken file stops every command but the ones that help to find and fix it.
    let settings = match settings::Settings::load() {
        Ok(s) => s,
        Err(_) if matches!(&cli.command, Command::Completions(_) | Command::Man(_)) => {
            settings::Settings::default()
        }
        Err(_) if matches!(&cli.command, Command::Config(a) if a.path) => settings::Settings {
            path: rehearse::analyze::frameworks::config_dir().map(|d| d.join(settings::FILE)),
            ..settings::Settings::default()
        },
        Err(e) => return Err(e),
    };
    settings.clone().install();
    let verbose = match &cli.command {
        Command::Analyze(a) => a.engine.verbose,
        Command::Transcribe(a) => a.engine.verbose,
        Command::Import(a) => a.engine.verbose,
        Command::Reanalyze(a) => a.engine.verbose,
        Command::Record(a) => a.engine.verbose,
        _ => false,
    };
    if !verbose {
        rehearse::transcribe::whisper::silence_native_logs();
    }
    cli.global.verbose = verbose;
    let global = &cli.global;
    match cli.command {
        Command::Analyze(args) => analyze::run(args, global),
        Command::Transcribe(args) => transcribe::run(args, global),
        Command::Frameworks(args) => frameworks::run(args, global),
        Command::Questions(args) => questions::run(args, global),
        Command::Import(args) => import::run(args, global),
        Command::History(args) => history::run(args, global),
        Command::Show(args) => show::run(args, global),
        Command::Compare(args) => compare::run(args, global),
        Command::Reanalyze(args) => reanalyze::run(args, global),
        Command::Delete(args) => delete::run(args, global),
        Command::Record(args) => record::run(args, global),
        Command::Practice(args) => practice::run(args, global),
        Command::Devices(args) => devices::run(args, global),
        Command::Model(command) => model::run(command, global),
        Command::Config(args) => config::run(args, &settings, global),
        Command::Completions(args) => completions::run(args, command()),
        Command::Man(args) => man::run(args, command(), global),
    }
}

/// The whole command line as clap sees it, for completions and the manual page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and subcommand, with its full name ("rehearse model fetch").
    fn all(cmd: &clap::Command, prefix: &str, out: &mut Vec<(String, clap::Command)>) {
        let name = format!("{prefix}{}", cmd.get_name());
        for sub in cmd.get_subcommands() {
            all(sub, &format!("{name} "), out);
        }
        out.push((name, cmd.clone()));
    }

    #[test]
    fn the_command_line_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_command_has_examples_and_no_default_twice() {
        let mut cmds = Vec::new();
        all(&command(), "", &mut cmds);
        assert!(cmds.len() > 20, "{}", cmds.len());
        for (name, mut cmd) in cmds {
            if name.ends_with(" help") {
                continue;
            }
            let help = cmd.render_long_help().to_string();
            assert!(
                help.contains("Examples:\n  rehearse"),
                "`{name} --help` has no examples:\n{help}"
            );
            for line in help.lines() {
                assert!(
                    line.matches("[default:").count() < 2,
                    "`{name} --help` says the default twice: {line}"
                );
            }
            assert!(
                !help.contains("[default: ]"),
                "`{name} --help`: empty default"
            );
        }
    }
}
