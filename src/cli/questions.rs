//! `rehearse questions`: the question bank, grouped by theme, and the framework each question is
//! answered with.

use std::io::Write;

use anyhow::Result;
use clap::Args;

use super::frameworks::{load_catalog, unknown_framework};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse questions                     every question, grouped by theme
  rehearse questions --themes            the themes and how many questions each has
  rehearse questions --theme conflict    one theme
  rehearse questions --framework star-l  the questions answered with one framework")]
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
    let themes = catalog.themes();
    if let Some(theme) = &args.theme
        && !themes.iter().any(|(t, _)| t == theme)
    {
        let known: Vec<&str> = themes.iter().map(|(t, _)| t.as_str()).collect();
        anyhow::bail!("no theme '{theme}'; known: {}", known.join(", "));
    }
    let mut out = std::io::stdout().lock();
    if args.themes {
        if args.json {
            let list: Vec<serde_json::Value> = themes
                .iter()
                .map(|(t, n)| serde_json::json!({"theme": t, "questions": n}))
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
            return Ok(());
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
        return Ok(());
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
    Ok(())
}
