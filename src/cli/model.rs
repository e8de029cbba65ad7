//! `rehearse model`: list, fetch, import, locate and check Whisper models.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use rehearse::model::{self, convert, download, find, registry};

use super::args::{Global, ListFormat};
use super::output::{list_format, show_progress, write_out};

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  rehearse model list                 known and installed models
  rehearse model fetch base.en        download, verify and install one
  rehearse model path                 the model commands use")]
pub enum ModelCommand {
    /// Known and installed models, their sizes and where they are.
    List(ListArgs),
    /// Download ggml-NAME.bin, verify its SHA-1 and install it.
    Fetch(FetchArgs),
    /// Convert a CTranslate2 / faster-whisper model folder into a whisper.cpp ggml model.
    Import(ImportArgs),
    /// Print the path of the model a command would use (or of the named one).
    #[command(after_help = "Examples:
  rehearse model path                 the model `analyze`, `record`, ... use
  rehearse model path base.en         where base.en is installed")]
    Path {
        /// Model name or file [default: the lookup order's first match].
        name: Option<String>,
    },
    /// Check that a file is a usable whisper.cpp ggml model and describe it.
    #[command(after_help = "Examples:
  rehearse model check models/ggml-tiny.en.bin")]
    Check {
        /// Model file.
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse model list                 sizes, languages, which are installed and where
  rehearse model list --format json   for scripts")]
pub struct ListArgs {
    /// Output format [default: from --out's extension, else table].
    #[arg(short, long, value_enum)]
    pub format: Option<ListFormat>,
    /// Write the list to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse model fetch tiny.en                       the default model
  rehearse model fetch base.en --base-url URL        from a mirror")]
pub struct FetchArgs {
    /// Model name, e.g. tiny.en, base.en, small.en (see `rehearse model list`).
    pub name: String,
    /// Where models are downloaded from.
    #[arg(long, env = download::BASE_URL_ENV, default_value = download::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// Install into this folder [default: the user model folder].
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Expected SHA-1, for a mirror that serves a different build of the file.
    #[arg(long)]
    pub sha1: Option<String>,
    /// Download again even if the model is installed.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse model import ~/.cache/ct2/tiny.en                   into the user model folder
  rehearse model import DIR --quantize q8_0 -o ggml-q8.bin      smaller, a little less exact")]
pub struct ImportArgs {
    /// Folder with model.bin, config.json and vocabulary.json, vocabulary.txt or tokenizer.json.
    pub dir: PathBuf,
    /// Output file [default: ggml-NAME.bin in the user model folder].
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Quantize weight matrices (q8_0: ggml's 8-bit blocks; smaller and usually faster).
    #[arg(long)]
    pub quantize: Option<convert::Quantization>,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
}

pub fn run(command: ModelCommand, global: &Global) -> Result<()> {
    match command {
        ModelCommand::List(args) => list(args, global),
        ModelCommand::Fetch(args) => fetch(args, global),
        ModelCommand::Import(args) => import(args, global),
        ModelCommand::Path { name } => {
            println!("{}", super::engine::model_path(name.as_deref())?.display());
            Ok(())
        }
        ModelCommand::Check { file } => {
            let s = model::check(&file)?;
            println!(
                "{}: whisper.cpp ggml model, {} ({}), {}",
                file.display(),
                s.name,
                if s.english_only {
                    "English only"
                } else {
                    "multilingual"
                },
                human_size(s.file_size)
            );
            Ok(())
        }
    }
}

fn list(args: ListArgs, global: &Global) -> Result<()> {
    let format = list_format(args.format, args.out.as_deref())?;
    let text = match format {
        ListFormat::Table => list_table()?,
        ListFormat::Json => list_json()?,
    };
    write_out(args.out.as_deref(), &text, "the model list", global)
}

fn list_json() -> Result<String> {
    let mut models = Vec::new();
    let mut listed = std::collections::HashSet::new();
    for m in registry::known_models() {
        let file = m.file_name();
        listed.insert(file.clone());
        models.push(serde_json::json!({
            "name": m.name,
            "size_bytes": m.size_bytes,
            "english_only": m.english_only,
            "installed": find::find_installed(&file).map(|p| p.display().to_string()),
        }));
    }
    for p in find::installed_files() {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if listed.contains(name) {
            continue;
        }
        let short = name.trim_start_matches("ggml-").trim_end_matches(".bin");
        let checked = model::check(&p);
        models.push(serde_json::json!({
            "name": short,
            "size_bytes": checked.as_ref().ok().map(|s| s.file_size),
            "english_only": checked.as_ref().ok().map(|s| s.english_only),
            "installed": p.display().to_string(),
            "error": checked.as_ref().err().map(ToString::to_string),
        }));
    }
    let searched: Vec<String> = find::search_dirs()
        .iter()
        .map(|d| d.display().to_string())
        .collect();
    let mut s = serde_json::to_string_pretty(&serde_json::json!({
        "models": models,
        "searched": searched,
    }))?;
    s.push('\n');
    Ok(s)
}

fn list_table() -> Result<String> {
    let mut out = String::new();
    writeln!(
        out,
        "{:<16} {:>9}  {:<8} INSTALLED",
        "MODEL", "SIZE", "LANG"
    )?;
    let mut listed = std::collections::HashSet::new();
    for m in registry::known_models() {
        let file = m.file_name();
        listed.insert(file.clone());
        let installed = find::find_installed(&file);
        writeln!(
            out,
            "{:<16} {:>9}  {:<8} {}",
            m.name,
            m.disk_size,
            if m.english_only { "English" } else { "multi" },
            installed.map_or("-".to_string(), |p| p.display().to_string())
        )?;
    }
    for p in find::installed_files() {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if listed.contains(name) {
            continue;
        }
        let short = name.trim_start_matches("ggml-").trim_end_matches(".bin");
        let (size, lang) = match model::check(&p) {
            Ok(s) => (
                human_size(s.file_size),
                if s.english_only { "English" } else { "multi" }.to_string(),
            ),
            Err(e) => ("?".into(), format!("unusable: {e}")),
        };
        writeln!(out, "{short:<16} {size:>9}  {lang:<8} {}", p.display())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Searched, in order: {}",
        find::search_dirs()
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    Ok(out)
}

fn human_size(bytes: u64) -> String {
    format!("{} MiB", (bytes as f64 / 1_048_576.0).round() as u64)
}

fn fetch(args: FetchArgs, global: &Global) -> Result<()> {
    let Some(known) = registry::lookup(&args.name) else {
        let names: Vec<&str> = registry::known_models().iter().map(|m| m.name).collect();
        bail!(
            "unknown model '{}'; known models: {}",
            args.name,
            names.join(", ")
        );
    };
    let dest = args.dir.clone().unwrap_or_else(find::user_models_dir);
    let validate = |p: &Path| -> std::result::Result<(), String> {
        model::check(p).map(|_| ()).map_err(|e| e.to_string())
    };
    let outcome = download::fetch(&download::FetchRequest {
        model: known,
        base_url: &args.base_url,
        dest_dir: &dest,
        expected_sha1: args.sha1.as_deref(),
        force: args.force,
        show_progress: show_progress(global),
        validate: Some(&validate),
    })?;
    println!("{}", outcome.path().display());
    Ok(())
}

fn import(args: ImportArgs, global: &Global) -> Result<()> {
    let out = match &args.out {
        Some(p) => p.clone(),
        None => {
            let hp = convert::read_hparams(&args.dir)?;
            find::user_models_dir().join(convert::suggested_file_name(&hp, args.quantize))
        }
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    }
    // Ctrl-C or a kill ends the process without unwinding, so the partial file is removed
    // here; one left by `kill -9` goes at the next import of the same file.
    let partial = convert::partial_path(&out);
    let _ = ctrlc::set_handler(move || {
        let _ = std::fs::remove_file(&partial);
        eprintln!("\ninterrupted: the partial model file was removed");
        std::process::exit(130);
    });
    let bar = show_progress(global).then(|| {
        let pb = ProgressBar::new(0);
        pb.set_style(
            ProgressStyle::with_template("converting [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        pb
    });
    let mut progress = |done: u64, total: u64| {
        if let Some(pb) = &bar {
            pb.set_length(total);
            pb.set_position(done);
        }
    };
    let summary = convert::import_ct2_dir(
        &args.dir,
        &out,
        &convert::ImportOptions {
            quantize: args.quantize,
            force: args.force,
        },
        &mut progress,
    )?;
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    // The converter's output must pass the same check as any other model.
    model::check(&summary.out)
        .with_context(|| format!("{}: converted file failed its check", summary.out.display()))?;
    if !global.quiet {
        eprintln!(
            "imported {} tensors ({}) in {:.1} s",
            summary.n_tensors,
            human_size(summary.bytes),
            summary.elapsed.as_secs_f64()
        );
    }
    println!("{}", summary.out.display());
    Ok(())
}
