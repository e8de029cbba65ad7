//! `rehearse import`: add recordings, or transcripts with their recording, to the history.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

use rehearse::audio;
use rehearse::fsutil::parent_dir;
use rehearse::history::AttemptSource;
use rehearse::transcribe::Transcript;
use rehearse::transcribe::import::ImportedKind;

use super::args::{EngineArgs, Global};
use super::attempts::{
    AttemptPlan, NoSpeech, Processed, Recording, StoreArgs, asked_question, open_store, process,
};
use super::engine::load_model;
use super::frameworks::load_analysis_catalog;
use super::input;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse import answer.wav -Q failed          transcribe, analyze and store one attempt
  rehearse import take1.wav take2.wav           several at once (one model load)
  rehearse import answer.json                   a transcript whose WAV is where it says
  ssh phone cat memo.wav | rehearse import -    a recording from standard input")]
pub struct AttemptImportArgs {
    /// Recordings (WAV, MP3, M4A/AAC, FLAC, Ogg Vorbis, or a video's audio; transcribed first),
    /// or rehearse transcript JSON files whose recording is still where they say (stored
    /// without transcribing again); `-` reads a recording from standard input. Every recording
    /// is stored as 16 kHz mono WAV.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The question answered: an id from `rehearse questions` (a typo is refused with the
    /// nearest ids).
    #[arg(short = 'Q', long, value_name = "ID")]
    pub question: Option<String>,
    /// A question that is not in the bank, as free text (matched to a bank question when the
    /// wording is close).
    #[arg(long, value_name = "TEXT", conflicts_with = "question")]
    pub question_text: Option<String>,
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
    /// A recording, in any format the decoder reads.
    Audio,
    Transcript {
        t: Box<Transcript>,
        audio: PathBuf,
    },
}

fn classify_import(file: &Path) -> Result<ImportSource> {
    let cannot_read = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!("{}: no such file", file.display()),
        _ => anyhow::anyhow!("{}: cannot read: {e}", file.display()),
    };
    let head = read_head(file).map_err(cannot_read)?;
    // Audio by content or by name: the decoder then says what is wrong with a bad one, in the
    // same words `transcribe` and `analyze` use.
    if audio::sniff::sniff(&head).is_some() || audio::sniff::has_audio_extension(file) {
        return Ok(ImportSource::Audio);
    }
    let bytes = std::fs::read(file).map_err(cannot_read)?;
    // The importer `analyze` uses: the same checks on every word's times.
    let imported = rehearse::transcribe::import::import(file, &bytes, 150.0)?;
    if imported.kind != ImportedKind::Transcript {
        bail!(
            "{}: {} holds no recording to keep; import takes recordings, or rehearse transcript JSON whose recording is still where it says (`rehearse transcribe FILE -o FILE.json` makes one)",
            file.display(),
            imported.kind
        );
    }
    let t: Transcript = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not a valid rehearse transcript: {}",
            file.display(),
            rehearse::quote::short_message(&e.to_string())
        )
    })?;
    // As `analyze` does: the audio path as written, else beside the transcript.
    let named = PathBuf::from(&t.audio.path);
    let audio = if named.is_absolute() || named.is_file() {
        named
    } else {
        parent_dir(file).join(named)
    };
    if !audio.is_file() {
        bail!(
            "{}: its recording {} is not there; an attempt keeps its recording, so import the recording itself",
            file.display(),
            audio.display()
        );
    }
    // Only audio is copied into the store, whatever the transcript names.
    let head = read_head(&audio).with_context(|| {
        format!(
            "{}: cannot read its recording {}",
            file.display(),
            audio.display()
        )
    })?;
    if audio::sniff::sniff(&head).is_none() {
        bail!(
            "{}: its recording {} is not audio ({}); an attempt keeps only a recording",
            file.display(),
            audio.display(),
            audio::sniff::describe_other(&head)
        );
    }
    Ok(ImportSource::Transcript {
        t: Box::new(t),
        audio,
    })
}

/// The first bytes of a file, enough to tell what it holds.
fn read_head(file: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(file)?.take(64).read_to_end(&mut head)?;
    Ok(head)
}

pub fn run(mut args: AttemptImportArgs, global: &Global) -> Result<()> {
    let store = open_store(&args.store)?;
    let catalog = load_analysis_catalog(global.quiet)?;
    args.question = asked_question(
        &catalog,
        args.question.as_deref(),
        args.question_text.as_deref(),
    )?;
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
    let loaded = if sources.iter().any(|s| matches!(s, ImportSource::Audio)) {
        Some(load_model(&args.engine)?)
    } else {
        None
    };
    let mut out = std::io::stdout().lock();
    let mut silent = 0usize;
    for (input, source) in inputs.iter().zip(sources) {
        let file = &input.shown;
        let (audio_path, transcript) = match source {
            ImportSource::Audio => (input.path.clone(), None),
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
                history: None,
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
            Processed::Analyzed { .. } => {}
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
