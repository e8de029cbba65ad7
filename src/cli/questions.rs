//! `rehearse questions`: the question bank and the framework each question is answered with.

use std::io::Write;

use anyhow::Result;
use clap::Args;

use super::frameworks::{load_catalog, unknown_framework};

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Only the questions answered with this framework.
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
    /// Print the questions as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: QuestionsArgs) -> Result<()> {
    let catalog = load_catalog()?;
    if let Some(id) = &args.framework
        && catalog.framework(id).is_none()
    {
        return Err(unknown_framework(id, &catalog));
    }
    let questions: Vec<_> = catalog
        .questions
        .iter()
        .filter(|q| args.framework.as_ref().is_none_or(|id| q.framework == *id))
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&questions)?)?;
        return Ok(());
    }
    let id_width = questions
        .iter()
        .map(|q| q.id.len())
        .max()
        .unwrap_or(0)
        .max(2);
    let fw_width = questions
        .iter()
        .map(|q| q.framework.len())
        .max()
        .unwrap_or(0)
        .max(9);
    writeln!(out, "{:<id_width$}  {:<fw_width$}  TEXT", "ID", "FRAMEWORK")?;
    for q in questions {
        writeln!(
            out,
            "{:<id_width$}  {:<fw_width$}  {}",
            q.id, q.framework, q.text
        )?;
    }
    Ok(())
}
