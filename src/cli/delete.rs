//! `rehearse delete`: remove a stored attempt and everything in its folder, or every attempt
//! whose analysis failed, after asking.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, bail};
use clap::Args;

use rehearse::history::progress::question_label;
use rehearse::history::{Store, store::Found, time};

use super::args::Global;
use super::attempts::{StoreArgs, open_store};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "failed"])))]
#[command(after_help = "Examples:
  rehearse delete 3fa9c1            asks first, on the terminal
  rehearse delete latest --yes      without asking
  rehearse delete --failed          every attempt whose analysis failed, listed first")]
pub struct DeleteArgs {
    /// Attempt id (the last six characters are enough), `latest`, or `latest~N`.
    pub id: Option<String>,
    /// Every attempt whose transcription or analysis failed (`rehearse history` marks them),
    /// listed before asking.
    #[arg(long, conflicts_with = "id")]
    pub failed: bool,
    /// Delete without asking (required when standard input is not a terminal).
    #[arg(short, long)]
    pub yes: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(args: DeleteArgs, global: &Global) -> Result<()> {
    let store = open_store(&args.store)?;
    let listing = store.list()?;
    let found: Vec<(Found, String)> = match &args.id {
        Some(id) => {
            let found = store.find(&listing, id)?;
            let what = match &found.meta {
                Some(m) => format!(
                    "attempt {} (started {} UTC, {})",
                    found.name,
                    time::short_display(&m.started_at),
                    question_label(m.question.as_ref())
                ),
                None => format!("damaged attempt folder {}", found.name),
            };
            vec![(found, what)]
        }
        None => listing
            .attempts
            .iter()
            .filter(|a| !a.is_ok())
            .map(|a| {
                let why = a
                    .meta
                    .analysis
                    .error
                    .as_deref()
                    .unwrap_or("no reason recorded");
                let what = format!(
                    "attempt {} (started {} UTC, {}): {why}",
                    a.id(),
                    time::short_display(&a.meta.started_at),
                    question_label(a.meta.question.as_ref())
                );
                (
                    Found {
                        name: a.id().to_string(),
                        dir: a.dir.clone(),
                        meta: Some(a.meta.clone()),
                    },
                    what,
                )
            })
            .collect(),
    };
    if found.is_empty() {
        if !global.quiet {
            eprintln!("no failed attempts in {}", store.root().display());
        }
        return Ok(());
    }
    let summary = match found.as_slice() {
        [(_, what)] => what.clone(),
        many => format!("these {} failed attempts", many.len()),
    };
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "refusing to delete {summary} without --yes: standard input is not a terminal to ask on"
            );
        }
        if found.len() > 1 {
            for (_, what) in &found {
                eprintln!("  {what}");
            }
        }
        eprint!(
            "Delete {summary}? Recordings, transcripts and reports are removed for good. [y/N] "
        );
        std::io::stderr().flush()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        if !matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            eprintln!(
                "kept {}",
                if found.len() == 1 {
                    &found[0].0.name
                } else {
                    "them"
                }
            );
            return Ok(());
        }
    }
    delete_all(&store, &found, global)
}

fn delete_all(store: &Store, found: &[(Found, String)], global: &Global) -> Result<()> {
    for (f, _) in found {
        store.delete(f)?;
        if !global.quiet {
            eprintln!("deleted {} ({})", f.name, f.dir.display());
        }
    }
    Ok(())
}
