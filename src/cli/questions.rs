//! `rehearse questions`: the question bank and the framework each question is answered with.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::args::{Global, LIST_EXTENSIONS, ListFormat};
use super::frameworks::{load_catalog, unknown_framework};
use super::output::{check_output_path, pick_format, write_out};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse questions                        every question, its id and framework
  rehearse questions --framework failure-5  the questions answered with one framework
  rehearse questions --format json          for scripts")]
pub struct QuestionsArgs {
    /// Only the questions answered with this framework.
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
    /// Output format [default: from --out's extension, else table].
    #[arg(short, long, value_enum)]
    pub format: Option<ListFormat>,
    /// Same as --format json (kept for scripts written before --format).
    #[arg(long, hide = true, conflicts_with = "format")]
    pub json: bool,
    /// Write the list to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: QuestionsArgs, global: &Global) -> Result<()> {
    let flag = if args.json {
        Some(ListFormat::Json)
    } else {
        args.format
    };
    let format = pick_format(
        flag,
        args.out.as_deref(),
        &LIST_EXTENSIONS,
        ListFormat::Table,
    )?;
    if let Some(out) = &args.out {
        check_output_path(out, None)?;
    }
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
    let mut out = String::new();
    if format == ListFormat::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&questions)?)?;
        return write_out(args.out.as_deref(), &out, "the questions", global);
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
    write_out(args.out.as_deref(), &out, "the questions", global)
}
