//! `rehearse compare`: two stored attempts side by side.

use anyhow::Result;
use clap::Args;

use rehearse::history::compare;

use super::attempts::{StoreArgs, open_store};
use super::output::emit;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The earlier attempt (id, its last six characters, `latest` or `latest~N`).
    pub a: String,
    /// The later attempt.
    pub b: String,
    #[arg(short, long, value_enum, default_value_t = CompareFormat::Text)]
    pub format: CompareFormat,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(args: CompareArgs) -> Result<()> {
    let store = open_store(&args.store)?;
    let listing = store.list()?;
    let a = store.resolve(&listing, &args.a)?;
    let b = store.resolve(&listing, &args.b)?;
    let ra = store.load_report(a)?;
    let rb = store.load_report(b)?;
    let c = compare::compare(a, &ra, b, &rb);
    let text = match args.format {
        CompareFormat::Text => compare::render_text(&c),
        CompareFormat::Json => {
            let mut s = serde_json::to_string_pretty(&c)?;
            s.push('\n');
            s
        }
    };
    emit(None, &text)
}
