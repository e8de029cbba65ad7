//! `rehearse completions SHELL`: the shell's completion script for every command and option,
//! generated from the same definitions the parser uses (clap_complete), so it never drifts.

use anyhow::Result;
use clap::Args;
use clap_complete::Shell;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse completions bash > ~/.local/share/bash-completion/completions/rehearse
  rehearse completions zsh > ~/.zfunc/_rehearse        (with fpath+=~/.zfunc in .zshrc)
  rehearse completions fish > ~/.config/fish/completions/rehearse.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `cmd` is the whole command line (`cli::command()`), passed in so that this file only points
/// down.
pub fn run(args: CompletionsArgs, mut cmd: clap::Command) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "rehearse", &mut out);
    super::output::emit(None, &String::from_utf8_lossy(&out))
}
