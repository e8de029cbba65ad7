//! `rehearse man`: the manual page, generated from the same definitions the parser uses
//! (clap_mangen): one page on standard output, or a page per command into a folder.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::args::Global;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse man | man -l -                     read it now
  rehearse man --out-dir ~/.local/share/man/man1   rehearse.1 and rehearse-COMMAND.1 for `man`")]
pub struct ManArgs {
    /// Write rehearse.1 and one rehearse-COMMAND.1 per command into this folder instead of
    /// printing rehearse.1.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// `cmd` is the whole command line (`cli::command()`), passed in so that this file only points
/// down.
pub fn run(args: ManArgs, cmd: clap::Command, global: &Global) -> Result<()> {
    let Some(dir) = args.out_dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut page)?;
        return super::output::emit(None, &String::from_utf8_lossy(&page));
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    let mut pages = vec![("rehearse".to_string(), cmd.clone())];
    collect(&cmd, "rehearse", &mut pages);
    for (name, cmd) in pages {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd.display_name(name.clone())).render(&mut page)?;
        let path = dir.join(format!("{name}.1"));
        rehearse::fsutil::write_atomic(&path, &page)?;
    }
    if !global.quiet {
        eprintln!("wrote the manual pages to {}", dir.display());
    }
    Ok(())
}

/// Every subcommand below `cmd`, named as `man` finds them (`rehearse-model-fetch`).
fn collect(cmd: &clap::Command, prefix: &str, out: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("{prefix}-{}", sub.get_name());
        out.push((name.clone(), sub.clone()));
        collect(sub, &name, out);
    }
}
