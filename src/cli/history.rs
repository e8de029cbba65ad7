//! `rehearse history`: every stored attempt with its figures and trends, as a table, JSON, CSV
//! or a page of charts.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use rehearse::analyze::{self, frameworks::Catalog};
use rehearse::fsutil::parent_dir;
use rehearse::history::{Attempt, HistoryError, html, progress};

use super::args::{ColorChoice, Global};
use super::attempts::{StoreArgs, open_store, warn_problems};
use super::output::{check_output_path, color_on, pick_format, write_out};

/// Output of `rehearse history`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryFormat {
    /// A table with trend sparklines, for the terminal (the default).
    Table,
    Json,
    Csv,
    /// One self-contained page with progress charts, linking each attempt's report.
    Html,
}

/// The extensions `-o` takes.
const EXTENSIONS: [(&str, HistoryFormat); 5] = [
    ("txt", HistoryFormat::Table),
    ("json", HistoryFormat::Json),
    ("csv", HistoryFormat::Csv),
    ("html", HistoryFormat::Html),
    ("htm", HistoryFormat::Html),
];

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse history                              one row per attempt, trends, best marked
  rehearse history -Q failed --last 5           one question, the last five attempts
  rehearse history --format csv > history.csv   or json, for scripts and spreadsheets
  rehearse history -o progress.html             one page of progress charts")]
pub struct HistoryArgs {
    /// Only attempts at this question (an id from `rehearse questions`, or its text).
    #[arg(short = 'Q', long)]
    pub question: Option<String>,
    /// Only the last N attempts.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub last: Option<u64>,
    /// Output format [default: from --out's extension, else table].
    #[arg(short, long, value_enum)]
    pub format: Option<HistoryFormat>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Colour in the table (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(args: HistoryArgs, global: &Global) -> Result<()> {
    let format = pick_format(
        args.format,
        args.out.as_deref(),
        &EXTENSIONS,
        HistoryFormat::Table,
    )?;
    if let Some(out) = &args.out {
        check_output_path(out, None)?;
    }
    let store = open_store(&args.store)?;
    let listing = store.list()?;
    warn_problems(&listing, global);
    // The bank only sharpens --question matching and gives the fillers line on the chart; a
    // broken override file must not hide the history.
    let catalog = Catalog::load(analyze::frameworks::config_dir().as_deref())
        .or_else(|_| Catalog::embedded())
        .ok();
    let bank_id = args.question.as_deref().and_then(|q| {
        catalog
            .as_ref()
            .and_then(|c| c.question(q))
            .map(|q| q.id.clone())
    });
    let attempts: Vec<&Attempt> = listing
        .attempts
        .iter()
        .filter(|a| {
            args.question.as_deref().is_none_or(|q| {
                progress::question_matches(a.meta.question.as_ref(), q, bank_id.as_deref())
            })
        })
        .collect();
    if attempts.is_empty() && format == HistoryFormat::Table {
        match &args.question {
            Some(q) if !listing.attempts.is_empty() => eprintln!(
                "no attempts at question '{q}' ({} attempts at other questions; `rehearse history` lists all)",
                listing.attempts.len()
            ),
            _ => eprintln!(
                "{}",
                HistoryError::Empty {
                    root: store.root().to_path_buf()
                }
            ),
        }
        return Ok(());
    }
    let last = args.last.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    let view = progress::view(&attempts, last);
    let warnings: Vec<String> = listing.problems.iter().map(ToString::to_string).collect();
    let text = match format {
        HistoryFormat::Table => {
            progress::render_table(&view, color_on(args.color, args.out.as_deref()))
        }
        HistoryFormat::Json => progress::render_json(&view, store.root(), &warnings),
        HistoryFormat::Csv => progress::render_csv(&view),
        HistoryFormat::Html => {
            let page_dir = args.out.as_deref().map(parent_dir);
            let mut links = std::collections::HashMap::new();
            for &(_, a) in &view.rows {
                if !a.is_ok() {
                    continue;
                }
                match store.ensure_report_html(a) {
                    Ok(p) => {
                        links.insert(a.id().clone(), html::file_href(&p, page_dir.as_deref()));
                    }
                    Err(e) => eprintln!("warning: {e}"),
                }
            }
            let heavy = catalog
                .as_ref()
                .map_or(6.0, |c| c.settings.fillers_heavy_per_min);
            html::render(
                &view,
                &html::PageInput {
                    store: store.root(),
                    report_href: &|a: &Attempt| links.get(a.id()).cloned(),
                    fillers_heavy_per_min: heavy,
                    warnings: &warnings,
                },
            )
        }
    };
    let what = match format {
        HistoryFormat::Html => "the progress page",
        _ => "the history",
    };
    write_out(args.out.as_deref(), &text, what, global)
}
