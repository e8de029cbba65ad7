//! `rehearse import`: add recordings, or transcripts with their recording, to the history.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

use rehearse::fsutil::parent_dir;
use rehearse::history::AttemptSource;
use rehearse::transcribe::{TRANSCRIPT_SCHEMA, Transcript};

use super::args::{EngineArgs, Global};
use super::attempts::{
    AttemptPlan, NoSpeech, Processed, Recording, StoreArgs, open_store, process,
};
use super::engine::load_model;
use super::frameworks::load_catalog;
use super::input;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse import answer.wav -Q failed          transcribe, analyze and store one attempt
  rehearse import take1.wav take2.wav           several at once (one model load)
  rehearse import answer.json                   a transcript whose WAV is where it says
  ssh phone cat memo.wav | rehearse import -    a recording from standard input")]
pub struct AttemptImportArgs {
    /// WAV recordings (transcribed first), or rehearse transcript JSON files whose WAV is still
    /// where they say (stored without transcribing again); `-` reads a WAV from standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The question answered: an id from `rehearse questions`, or its text.
    #[arg(short = 'Q', long)]
    pub question: Option<String>,
    /// Framework id (see `rehearse frameworks`), or `auto` to pick the one that fits best
    /// [default: the question's framework, else star-l].
    #[arg(long)]
    pub framework: Option<String>,
    /// Also keep a copy of each file as it is in the attempt (the attempt always keeps the
    /// 16 kHz mono audio the analysis reads).
    #[arg(long)]
    pub keep_original: bool,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// What one import argument turned out to be.
enum ImportSource {
    Wav,
    Transcript { t: Box<Transcript>, audio: PathBuf },
}

fn classify_import(file: &Path) -> Result<ImportSource> {
    let mut head = [0u8; 4];
    let mut f = std::fs::File::open(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!("{}: no such file", file.display()),
        _ => anyhow::anyhow!("{}: cannot read: {e}", file.display()),
    })?;
    if std::io::Read::read(&mut f, &mut head).unwrap_or(0) == 4
        && matches!(&head, b"RIFF" | b"RIFX" | b"RF64")
    {
        return Ok(ImportSource::Wav);
    }
    drop(f);
    let not_ours = || {
        anyhow::anyhow!(
            "{}: not a WAV recording or a rehearse transcript JSON; import takes those (`rehearse transcribe FILE.wav -o FILE.json` makes the JSON)",
            file.display()
        )
    };
    let bytes = std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
    let t: Transcript = serde_json::from_slice(&bytes).map_err(|_| not_ours())?;
    if t.schema > TRANSCRIPT_SCHEMA {
        bail!(
            "{}: transcript schema {} is newer than this rehearse reads ({TRANSCRIPT_SCHEMA})",
            file.display(),
            t.schema
        );
    }
    // As `analyze` does: the audio path as written, else beside the transcript.
    let named = PathBuf::from(&t.audio.path);
    let audio = if named.is_absolute() || named.is_file() {
        named
    } else {
        parent_dir(file).join(named)
    };
    if !audio.is_file() {
        bail!(
            "{}: its recording {} is not there; an attempt keeps its recording, so import the WAV itself",
            file.display(),
            audio.display()
        );
    }
    Ok(ImportSource::Transcript {
        t: Box::new(t),
        audio,
    })
}

pub fn run(args: AttemptImportArgs, global: &Global) -> Result<()> {
    let store = open_store(&args.store)?;
    let catalog = load_catalog()?;
    let plan = AttemptPlan::new(
        &catalog,
        args.question.as_deref(),
        args.framework.as_deref(),
    )?;
    // Every input is checked before the model loads, so a typo fails at once, not after
    // minutes of transcription.
    input::at_most_one_stdin(&args.files)?;
    let inputs: Vec<input::Input> = args
        .files
        .iter()
        .map(|f| input::open(f))
        .collect::<Result<_>>()?;
    let sources: Vec<ImportSource> = inputs
        .iter()
        .map(|i| classify_import(&i.path))
        .collect::<Result<_>>()?;
    let loaded = if sources.iter().any(|s| matches!(s, ImportSource::Wav)) {
        Some(load_model(&args.engine)?)
    } else {
        None
    };
    let mut out = std::io::stdout().lock();
    let mut silent = 0usize;
    for (input, source) in inputs.iter().zip(sources) {
        let file = &input.shown;
        let (audio_path, transcript) = match source {
            ImportSource::Wav => (input.path.clone(), None),
            ImportSource::Transcript { t, audio } => (audio, Some(*t)),
        };
        let processed = process(
            &plan,
            Some(&store),
            Recording {
                audio: &audio_path,
                shown: file,
                transcript,
                prepared: None,
                started_at: None,
                source: AttemptSource::Import {
                    file: file.display().to_string(),
                },
                device: None,
                temporary: false,
                keep_original: args.keep_original,
            },
            loaded.as_ref(),
            &args.engine,
            global,
        )?;
        match processed {
            Processed::Saved { id, .. } => {
                writeln!(out, "{id}")?;
                out.flush()?;
            }
            Processed::NoSpeech { seconds } => {
                let e = NoSpeech::new(&file.display().to_string(), seconds, None);
                if args.files.len() == 1 {
                    return Err(e.into());
                }
                // The others are still imported; the exit status says that one was not.
                eprintln!("error: {e}");
                silent += 1;
            }
            Processed::Analyzed(_) => {}
        }
    }
    if silent > 0 {
        return Err(NoSpeech(format!(
            "{silent} of {} files held no speech and were not imported",
            args.files.len()
        ))
        .into());
    }
    Ok(())
}
