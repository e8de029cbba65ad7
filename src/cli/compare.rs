//! `rehearse compare`: two stored attempts side by side.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use rehearse::history::compare;

use super::args::Global;
use super::attempts::{StoreArgs, open_store};
use super::output::{check_output_path, pick_format, write_out};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareFormat {
    Text,
    Json,
}

/// The extensions `-o` takes.
const EXTENSIONS: [(&str, CompareFormat); 2] =
    [("txt", CompareFormat::Text), ("json", CompareFormat::Json)];

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse compare latest~1 latest             the last two attempts
  rehearse compare 3fa9c1 b71d20 -o diff.json  two attempts by id, as JSON")]
pub struct CompareArgs {
    /// The earlier attempt (id, its last six characters, `latest` or `latest~N`).
    pub a: String,
    /// The later attempt.
    pub b: String,
    /// Output format [default: from --out's extension, else text].
    #[arg(short, long, value_enum)]
    pub format: Option<CompareFormat>,
    /// Write the comparison to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(args: CompareArgs, global: &Global) -> Result<()> {
    let format = pick_format(
        args.format,
        args.out.as_deref(),
        &EXTENSIONS,
        CompareFormat::Text,
    )?;
    if let Some(out) = &args.out {
        check_output_path(out, None)?;
    }
    let store = open_store(&args.store)?;
    let listing = store.list()?;
    let a = store.resolve(&listing, &args.a)?;
    let b = store.resolve(&listing, &args.b)?;
    let ra = store.load_report(a)?;
    let rb = store.load_report(b)?;
    let c = compare::compare(a, &ra, b, &rb);
    let text = match format {
        CompareFormat::Text => compare::render_text(&c),
        CompareFormat::Json => {
            let mut s = serde_json::to_string_pretty(&c)?;
            s.push('\n');
            s
        }
    };
    write_out(args.out.as_deref(), &text, "the comparison", global)
}
