//! `rehearse questions`: the question bank, grouped by theme, and the framework each question is
//! answered with.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::args::{Global, ListFormat};
use super::frameworks::{load_catalog, unknown_framework};
use super::output::{list_format, write_out};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse questions                     every question, grouped by theme
  rehearse questions --themes            the themes and how many questions each has
  rehearse questions --theme conflict    one theme
  rehearse questions --framework star-l  the questions answered with one framework
  rehearse questions --format json       for scripts")]
pub struct QuestionsArgs {
    /// Only the questions answered with this framework.
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
    /// Only the questions of this theme (conflict, leadership, failure, ...; see --themes).
    #[arg(long, value_name = "THEME")]
    pub theme: Option<String>,
    /// List the themes with the number of questions in each.
    #[arg(long, conflicts_with_all = ["theme", "framework"])]
    pub themes: bool,
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
    let format = list_format(flag, args.out.as_deref())?;
    let catalog = load_catalog()?;
    if let Some(id) = &args.framework
        && catalog.framework(id).is_none()
    {
        return Err(unknown_framework(id, &catalog));
    }
    let themes = catalog.themes();
    if let Some(theme) = &args.theme
        && !themes.iter().any(|(t, _)| t == theme)
    {
        let known: Vec<&str> = themes.iter().map(|(t, _)| t.as_str()).collect();
        anyhow::bail!("no theme '{theme}'; known: {}", known.join(", "));
    }
    let mut out = String::new();
    if args.themes {
        if format == ListFormat::Json {
            let list: Vec<serde_json::Value> = themes
                .iter()
                .map(|(t, n)| serde_json::json!({"theme": t, "questions": n}))
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
            return write_out(args.out.as_deref(), &out, "the themes", global);
        }
        let width = themes
            .iter()
            .map(|(t, _)| t.len())
            .max()
            .unwrap_or(0)
            .max(5);
        writeln!(out, "{:<width$}  QUESTIONS", "THEME")?;
        for (t, n) in &themes {
            writeln!(out, "{t:<width$}  {n}")?;
        }
        return write_out(args.out.as_deref(), &out, "the themes", global);
    }
    // Grouped by theme, in the order the bank introduces them; the bank's order inside each.
    let mut questions: Vec<_> = catalog
        .questions
        .iter()
        .filter(|q| args.framework.as_ref().is_none_or(|id| q.framework == *id))
        .filter(|q| args.theme.as_ref().is_none_or(|t| q.theme == *t))
        .collect();
    let rank = |theme: &str| themes.iter().position(|(t, _)| t == theme);
    questions.sort_by_key(|q| rank(&q.theme));
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
    let theme_width = questions
        .iter()
        .map(|q| q.theme.len())
        .max()
        .unwrap_or(0)
        .max(5);
    writeln!(
        out,
        "{:<id_width$}  {:<theme_width$}  {:<fw_width$}  TEXT",
        "ID", "THEME", "FRAMEWORK"
    )?;
    for q in questions {
        writeln!(
            out,
            "{:<id_width$}  {:<theme_width$}  {:<fw_width$}  {}",
            q.id, q.theme, q.framework, q.text
        )?;
    }
    write_out(args.out.as_deref(), &out, "the questions", global)
}
