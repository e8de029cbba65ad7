//! `rehearse transcribe`: recordings in, transcripts with word times out.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

use rehearse::audio;
use rehearse::transcribe::export::{self, TranscriptFormat};

use super::args::{EngineArgs, Global};
use super::engine::{load_model, transcribe_file};
use super::input;
use super::output::{check_output_path, pick_format, show_progress, write_out};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse transcribe answer.wav                    JSON transcript on standard output
  rehearse transcribe answer.wav -o answer.srt      format from the extension: .json .txt .srt .vtt
  rehearse transcribe a.wav b.wav --out-dir out/    several files, one model load
  rehearse transcribe - -f txt < answer.wav         standard input in, plain text out")]
pub struct TranscribeArgs {
    /// Recordings: WAV (8/16/24/32-bit integer or 32/64-bit float PCM, mu-law, A-law, ADPCM),
    /// MP3, M4A/AAC, FLAC, Ogg Vorbis, AIFF, CAF, or the audio of an MP4/MOV/MKV/WebM video;
    /// 8-192 kHz, any channel count. The format is read from the content, not the name; `-`
    /// reads one from standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Write the transcript to this file instead of standard output.
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub out: Option<PathBuf>,
    /// Write one transcript per input into this folder, named after the input (several files;
    /// standard input's is named stdin).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Output format [default: from --out's extension, else json].
    #[arg(short, long, value_enum)]
    pub format: Option<TranscriptFormat>,
}

/// The extensions `-o` takes.
const EXTENSIONS: [(&str, TranscriptFormat); 4] = [
    ("json", TranscriptFormat::Json),
    ("txt", TranscriptFormat::Txt),
    ("srt", TranscriptFormat::Srt),
    ("vtt", TranscriptFormat::Vtt),
];

pub fn run(args: TranscribeArgs, global: &Global) -> Result<()> {
    let format = pick_format(
        args.format,
        args.out.as_deref(),
        &EXTENSIONS,
        TranscriptFormat::Json,
    )?;
    input::at_most_one_stdin(&args.files)?;
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
                let stem = if input::is_stdin(file) {
                    std::ffi::OsStr::new("stdin")
                } else {
                    file.file_stem().unwrap_or(file.as_os_str())
                };
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
    // Standard input is read (once) before anything else.
    let inputs: Vec<input::Input> = args
        .files
        .iter()
        .map(|f| input::open(f))
        .collect::<Result<_>>()?;
    let mut single = match inputs.as_slice() {
        [one] => Some(audio::load_for_whisper(&one.path)?),
        _ => None,
    };
    let loaded = load_model(&args.engine)?;
    let mut failed = 0usize;
    for (file, input) in args.files.iter().zip(&inputs) {
        let pre = single.take();
        let result = transcribe_file(
            &input.path,
            &loaded,
            &args.engine,
            show_progress(global),
            pre,
        )
        .and_then(|mut t| {
            if input.is_stdin() {
                t.audio.path = input.shown.display().to_string();
            }
            if !global.quiet {
                for note in &t.notes {
                    eprintln!("note: {}: {note}", input.shown.display());
                }
            }
            let rendered = export::render(&t, format);
            write_out(target(file).as_deref(), &rendered, "the transcript", global)
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
