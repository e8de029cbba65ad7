//! `rehearse delete`: remove a stored attempt and everything in its folder, after asking.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, bail};
use clap::Args;

use rehearse::history::progress::question_label;
use rehearse::history::time;

use super::args::Global;
use super::attempts::{StoreArgs, open_store};

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

pub fn run(args: DeleteArgs, global: &Global) -> Result<()> {
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
