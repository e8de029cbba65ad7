//! `rehearse show`: the report of a stored attempt.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use rehearse::history::time;
use rehearse::report::{self, RenderOptions, ReportFormat};

use super::args::{ColorChoice, Global};
use super::attempts::{StoreArgs, open_store};
use super::output::{
    check_output_path, color_on, report_audio, report_format, report_width, write_out,
};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse show latest                   the last attempt's report
  rehearse show 3fa9c1 -o report.html    one attempt as a page (.txt .json .md .html)
  rehearse show latest -o take.html --embed-audio   a page that carries its recording
  rehearse show latest~1 --format json   the one before, as JSON")]
pub struct ShowArgs {
    /// Attempt id (the last six characters are enough), `latest`, or `latest~N`.
    pub id: String,
    /// Report format [default: from --out's extension, else text].
    #[arg(short, long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Colour in the text report (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Put the recording inside the HTML page (16 kHz mono, about 2 MB a minute), so it plays
    /// wherever the page is moved or sent; without it the page plays the stored file at its
    /// absolute path.
    #[arg(long)]
    pub embed_audio: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(args: ShowArgs, global: &Global) -> Result<()> {
    let format = report_format(args.format, args.out.as_deref(), args.embed_audio)?;
    if let Some(out) = &args.out {
        check_output_path(out, None)?;
    }
    let store = open_store(&args.store)?;
    // Other folders' problems are for `history` to report; here they would bury the answer.
    let listing = store.list()?;
    let a = store.resolve(&listing, &args.id)?;
    let mut analysis = store.load_report(a)?;
    let audio = a.audio_path();
    if !audio.is_file() {
        if !global.quiet {
            eprintln!(
                "note: {}: the recording is missing; the report is shown without it",
                audio.display()
            );
        }
        analysis.source.audio = None;
    } else if format == ReportFormat::Html {
        // The page plays the stored recording wherever the page is written; the other formats
        // show the report as stored.
        analysis.source.audio = Some(audio.display().to_string());
    }
    let embedded_audio = if format == ReportFormat::Html {
        report_audio(&mut analysis, args.embed_audio, global)?
    } else {
        None
    };
    let color = color_on(args.color, args.out.as_deref());
    let width = report_width();
    let date = time::parse_rfc3339(&a.meta.started_at).map(time::dated);
    let mut text = String::new();
    if format == ReportFormat::Text {
        text.push_str(&format!(
            "Attempt {} (started {} UTC)\n\n",
            a.id(),
            time::short_display(&a.meta.started_at)
        ));
    }
    let options = RenderOptions {
        color,
        width,
        date,
        embedded_audio,
    };
    text.push_str(&report::render(&analysis, format, &options));
    // Follow-up answers kept with the attempt, each with its own report (text and Markdown;
    // JSON and HTML stay one report, and `history --format json` lists the follow-ups).
    if matches!(format, ReportFormat::Text | ReportFormat::Markdown) {
        for (i, f) in a.meta.follow_ups.iter().enumerate() {
            let head = format!("Follow-up {}: {}", i + 1, f.question);
            text.push_str(&match format {
                ReportFormat::Markdown => format!("\n---\n\n## {head}\n\n"),
                _ => format!("\n{}\n{head}\n\n", "=".repeat(width.min(100))),
            });
            match store.load_follow_up_report(a, f) {
                Ok(report) => text.push_str(&report::render(&report, format, &options)),
                Err(e) => text.push_str(&format!("(no report: {e})\n")),
            }
        }
    }
    write_out(args.out.as_deref(), &text, "the report", global)
}
