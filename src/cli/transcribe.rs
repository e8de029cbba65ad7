//! `rehearse transcribe`: WAV files in, transcripts with word times out.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

use rehearse::audio;
use rehearse::transcribe::export::{self, TranscriptFormat};

use super::args::{EngineArgs, Global};
use super::engine::{load_model, transcribe_file};
use super::output::{check_output_path, emit, show_progress};

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// WAV files: 8/16/24/32-bit integer or 32-bit float PCM, 8-192 kHz, any channel count.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Write the transcript to this file instead of standard output.
    #[arg(short, long, conflicts_with = "out_dir")]
    pub out: Option<PathBuf>,
    /// Write one transcript per input into this folder, named after the input (several files).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Output format [default: from --out's extension, else json].
    #[arg(short, long, value_enum)]
    pub format: Option<TranscriptFormat>,
}

pub fn run(args: TranscribeArgs, global: &Global) -> Result<()> {
    let format = args
        .format
        .or_else(|| {
            args.out
                .as_deref()
                .and_then(TranscriptFormat::from_extension)
        })
        .unwrap_or(TranscriptFormat::Json);
    if args.files.len() > 1 && args.out_dir.is_none() {
        bail!("several input files need --out-dir DIR (one transcript per file)");
    }
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    }
    let target = |file: &Path| -> Option<PathBuf> {
        match (&args.out, &args.out_dir) {
            (Some(out), _) => Some(out.clone()),
            (None, Some(dir)) => {
                let stem = file.file_stem().unwrap_or(file.as_os_str());
                Some(dir.join(stem).with_extension(format.extension()))
            }
            (None, None) => None,
        }
    };
    // Check every output, and a single input, before loading the model, so that a bad file or
    // an unwritable --out is reported at once rather than after minutes of work.
    for file in &args.files {
        if let Some(out) = target(file) {
            check_output_path(&out, Some(file))?;
        }
    }
    let mut single = match args.files.as_slice() {
        [one] => Some(audio::load_for_whisper(one)?),
        _ => None,
    };
    let loaded = load_model(&args.engine)?;
    let mut failed = 0usize;
    for file in &args.files {
        let pre = single.take();
        let result = transcribe_file(file, &loaded, &args.engine, show_progress(global), pre)
            .and_then(|t| {
                if !global.quiet {
                    for note in &t.notes {
                        eprintln!("note: {}: {note}", file.display());
                    }
                }
                let rendered = export::render(&t, format);
                emit(target(file).as_deref(), &rendered)
            });
        if let Err(e) = result {
            if args.files.len() == 1 {
                return Err(e);
            }
            // In a batch, one bad file must not cost the others their transcripts.
            eprintln!("error: {e:#}");
            failed += 1;
        }
    }
    if failed > 0 {
        bail!("{failed} of {} files failed", args.files.len());
    }
    Ok(())
}
