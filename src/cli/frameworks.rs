//! `rehearse frameworks`: the answer frameworks with their sections and targets, and where the
//! user's override files go. Also the catalog helpers the other commands share.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use rehearse::analyze::frameworks::{Band, Catalog, USER_FILES, config_dir};
use rehearse::analyze::wordvec::WordVectors;
use rehearse::model::find::VECTORS_ENV;
use std::sync::Arc;

use super::args::{Global, ListFormat};
use super::output::{list_format, write_out};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse frameworks                   all frameworks with their targets
  rehearse frameworks star-long         one in detail: sections, targets, cues
  rehearse frameworks --format json     for scripts
  rehearse frameworks --path            where your own frameworks.toml goes, and which files exist")]
pub struct FrameworksArgs {
    /// Show this framework in detail.
    pub id: Option<String>,
    /// Print the folder for your own frameworks.toml, questions.toml and lexicon.toml
    /// (REHEARSE_CONFIG_DIR, else ~/.config/rehearse), then those of them that exist, one path
    /// per line.
    #[arg(long, conflicts_with_all = ["id", "json", "format"])]
    pub path: bool,
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

/// The embedded data with the user's override files laid over it.
pub fn load_catalog() -> Result<Catalog> {
    Ok(Catalog::load(config_dir().as_deref())?)
}

/// The catalog an analysis runs with: [`load_catalog`] plus the installed word vectors. Without
/// them the analysis still runs (naive Bayes alone "hears" the sections), and says so once
/// unless `quiet`; a damaged install is an error naming the file.
pub fn load_analysis_catalog(quiet: bool) -> Result<Catalog> {
    let mut catalog = load_catalog()?;
    match rehearse::model::find::word_vectors_dir() {
        Some(dir) => {
            let v = WordVectors::open(&dir)
                .with_context(|| format!("loading the word vectors (or set {VECTORS_ENV}=off)"))?;
            catalog.sections.attach_vectors(Arc::new(v));
        }
        None if !quiet && std::env::var_os(VECTORS_ENV).is_none() => eprintln!(
            "note: word vectors not installed (scripts/setup.sh installs them); sections are heard from their words alone"
        ),
        None => {}
    }
    Ok(catalog)
}

pub fn unknown_framework(id: &str, catalog: &Catalog) -> anyhow::Error {
    let known: Vec<&str> = catalog.frameworks.iter().map(|f| f.id.as_str()).collect();
    anyhow::anyhow!("unknown framework '{id}'; known: {}", known.join(", "))
}

/// Seconds as m:ss, the way targets are spoken about ("Action 4-5 minutes").
pub fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

pub fn clock_band(b: &Band) -> String {
    format!("{}-{}", clock(b.min_s), clock(b.max_s))
}

pub fn run(args: FrameworksArgs, global: &Global) -> Result<()> {
    let flag = if args.json {
        Some(ListFormat::Json)
    } else {
        args.format
    };
    let format = list_format(flag, args.out.as_deref())?;
    let text = render(&args, format)?;
    write_out(args.out.as_deref(), &text, "the frameworks", global)
}

fn render(args: &FrameworksArgs, format: ListFormat) -> Result<String> {
    let json = format == ListFormat::Json;
    let mut out = String::new();
    if args.path {
        // Never loads the files: --path is how a user finds the broken one to fix it.
        let dir = config_dir()
            .context("no config folder (no home directory); set REHEARSE_CONFIG_DIR")?;
        writeln!(out, "{}", dir.display())?;
        for name in USER_FILES {
            let p = dir.join(name);
            if p.is_file() {
                writeln!(out, "{}", p.display())?;
            }
        }
        return Ok(out);
    }
    let catalog = load_catalog()?;
    if let Some(id) = &args.id {
        let fw = catalog
            .framework(id)
            .ok_or_else(|| unknown_framework(id, &catalog))?;
        if json {
            writeln!(out, "{}", serde_json::to_string_pretty(fw)?)?;
            return Ok(out);
        }
        writeln!(out, "{}  {}", fw.id, fw.name)?;
        writeln!(out, "{}", fw.about)?;
        let mut overall = format!("overall: {}", clock_band(&fw.overall));
        if !fw.judge_too_long {
            overall.push_str("; length not judged as too long");
        }
        if fw.ends_with_question {
            overall.push_str("; ends with a question to the interviewer");
        }
        writeln!(out, "{overall}")?;
        writeln!(out, "source:  {}", fw.source)?;
        let name_width = fw
            .sections
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0);
        for (i, s) in fw.sections.iter().enumerate() {
            writeln!(out)?;
            writeln!(
                out,
                "{:>2}. {:<name_width$}  {}  ({})",
                i + 1,
                s.name,
                clock_band(&s.target),
                s.id
            )?;
            writeln!(out, "    {}", s.about)?;
            if !s.cues.is_empty() {
                let cues: Vec<String> = s.cues.iter().take(6).map(|c| format!("\"{c}\"")).collect();
                let more = if s.cues.len() > 6 { ", ..." } else { "" };
                writeln!(out, "    cues: {}{more}", cues.join(", "))?;
            }
        }
        return Ok(out);
    }
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&catalog.frameworks)?
        )?;
        return Ok(out);
    }
    // A framework the user's file added or changed is marked, so an override can be checked.
    let embedded = Catalog::embedded()?;
    let id_width = catalog
        .frameworks
        .iter()
        .map(|f| f.id.len())
        .max()
        .unwrap_or(0)
        .max(2);
    writeln!(out, "{:<id_width$}  {:<11}  NAME", "ID", "OVERALL")?;
    for fw in &catalog.frameworks {
        let user = if embedded.framework(&fw.id) == Some(fw) {
            ""
        } else {
            "  [user]"
        };
        writeln!(
            out,
            "{:<id_width$}  {:<11}  {}{user}",
            fw.id,
            clock_band(&fw.overall),
            fw.name
        )?;
        let sections: Vec<String> = fw
            .sections
            .iter()
            .map(|s| format!("{} {}", s.id, clock_band(&s.target)))
            .collect();
        writeln!(out, "{:id_width$}  sections: {}", "", sections.join(", "))?;
        writeln!(out, "{:id_width$}  source:   {}", "", fw.source)?;
    }
    Ok(out)
}
