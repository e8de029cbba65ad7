//! `rehearse analyze`: a recording or a transcript in, a report out.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

use rehearse::analyze::{self, AnalysisInput, FrameworkChoice, InputKind, QuestionRef, Timing};
use rehearse::audio;
use rehearse::fsutil::parent_dir;
use rehearse::report::{self, RenderOptions, ReportFormat};
use rehearse::transcribe;

use super::args::{ColorChoice, EngineArgs, Global};
use super::attempts::{StoreArgs, asked_question, history_baseline};
use super::engine::{audio_facts, load_model, transcribe_file};
use super::input;
use super::output::{
    check_output_path, color_on, report_audio, report_format, report_width, show_progress,
    write_out,
};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse analyze answer.wav                      transcribe, then the report in the terminal
  rehearse analyze answer.wav -o report.html       one self-contained page (.txt .json .md .html)
  rehearse analyze answer.m4a -o r.html --embed-audio   the page carries the recording, to send
  rehearse analyze answer.wav -Q weakness          the question picks the framework
  rehearse analyze answer.json --format markdown   a transcript from `rehearse transcribe`
  pbpaste | rehearse analyze - --framework auto    plain text from standard input")]
pub struct AnalyzeArgs {
    /// A recording (WAV, MP3, M4A/AAC, FLAC, Ogg Vorbis, or a video's audio; transcribed
    /// first), rehearse's transcript JSON, whisper.cpp JSON, SRT, WebVTT or plain text; `-`
    /// reads it from standard input.
    pub file: PathBuf,
    /// Framework id (see `rehearse frameworks`), or `auto` to pick the one that fits best
    /// [default: the question's framework, else star-l].
    #[arg(long)]
    pub framework: Option<String>,
    /// The question answered: an id from `rehearse questions` (a typo is refused with the
    /// nearest ids).
    #[arg(short = 'Q', long, value_name = "ID")]
    pub question: Option<String>,
    /// A question that is not in the bank, as free text (matched to a bank question when the
    /// wording is close).
    #[arg(long, value_name = "TEXT", conflicts_with = "question")]
    pub question_text: Option<String>,
    /// Report format [default: from --out's extension, else text].
    #[arg(short, long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Put the recording inside the HTML page (16 kHz mono, about 2 MB a minute), so it plays
    /// wherever the page is moved or sent; without it the page plays the file at its absolute
    /// path.
    #[arg(long)]
    pub embed_audio: bool,
    /// Speaking rate assumed for plain text, which has no times (words per minute).
    #[arg(long, default_value_t = 150.0)]
    pub text_wpm: f64,
    /// Colour in the text report (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// The practice history whose earlier attempts give the speaker's usual pitch variation.
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(mut args: AnalyzeArgs, global: &Global) -> Result<()> {
    let format = report_format(args.format, args.out.as_deref(), args.embed_audio)?;
    if let Some(out) = &args.out {
        check_output_path(out, Some(&args.file))?;
    }
    let input = input::open(&args.file)?;
    if !(args.text_wpm.is_finite() && (40.0..=400.0).contains(&args.text_wpm)) {
        bail!(
            "--text-wpm {}: give a speaking rate between 40 and 400 words per minute",
            args.text_wpm
        );
    }
    // Data files first: a broken user override should fail before minutes of transcription.
    let catalog = super::frameworks::load_analysis_catalog(global.quiet)?;
    args.question = asked_question(
        &catalog,
        args.question.as_deref(),
        args.question_text.as_deref(),
    )?;
    let question = args.question.as_deref().map(|q| match catalog.question(q) {
        Some(found) => (
            QuestionRef {
                id: Some(found.id.clone()),
                text: found.text.clone(),
            },
            Some(found.framework.clone()),
        ),
        None => (
            QuestionRef {
                id: None,
                text: q.to_string(),
            },
            None,
        ),
    });
    let choice = match (args.framework.as_deref(), &question) {
        (Some("auto"), _) => FrameworkChoice::Auto,
        (Some(id), _) => FrameworkChoice::Id(id.to_string()),
        (None, Some((_, Some(fw)))) => FrameworkChoice::Id(fw.clone()),
        (None, _) => FrameworkChoice::Id("star-l".to_string()),
    };
    if let FrameworkChoice::Id(id) = &choice
        && catalog.framework(id).is_none()
    {
        let known: Vec<&str> = catalog.frameworks.iter().map(|f| f.id.as_str()).collect();
        bail!(
            "--framework {id}: no such framework; known: {}, auto (see `rehearse frameworks`)",
            known.join(", ")
        );
    }
    let mut analysis_input = read_analysis_input(&args, &input, global)?;
    if analysis_input.voice.is_some() {
        analysis_input.pitch_baseline = history_baseline(&args.store, &catalog, None);
    }
    if !global.quiet {
        for note in &analysis_input.notes {
            eprintln!("note: {}: {note}", input.shown.display());
        }
    }
    let mut analysis =
        analyze::analyze(analysis_input, &catalog, &choice, question.map(|(q, _)| q))?;
    if input.is_stdin() {
        // Its audio was a temporary copy, gone with this process.
        analysis.source.audio = None;
    }
    let embedded_audio = report_audio(&mut analysis, args.embed_audio, global)?;
    // The page's date is when the answer was recorded, as near as a file can say: its time of
    // last change (standard input has none, so now).
    let recorded = if input.is_stdin() {
        None
    } else {
        std::fs::metadata(&input.path)
            .and_then(|m| m.modified())
            .ok()
    };
    let options = RenderOptions {
        color: color_on(args.color, args.out.as_deref()),
        width: report_width(),
        date: Some(rehearse::history::time::dated(
            recorded.unwrap_or_else(std::time::SystemTime::now),
        )),
        embedded_audio,
    };
    let rendered = report::render(&analysis, format, &options);
    write_out(args.out.as_deref(), &rendered, "the report", global)
}

/// Reads the input file into words with times: a WAV is transcribed, anything else imported.
fn read_analysis_input(
    args: &AnalyzeArgs,
    input: &input::Input,
    global: &Global,
) -> Result<AnalysisInput> {
    let file = &input.path;
    let shown = &input.shown;
    let bytes = std::fs::read(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!("{}: no such file", file.display()),
        _ => anyhow::anyhow!("{}: cannot read: {e}", file.display()),
    })?;
    // Audio by its content, or by its name: a file named like audio that is not audio gets the
    // decoder's message, not a reading as a transcript.
    if audio::sniff::sniff(&bytes[..bytes.len().min(64)]).is_some()
        || audio::sniff::has_audio_extension(file)
    {
        drop(bytes);
        let prepared = audio::load_for_whisper(file)?;
        let facts = audio_facts(&prepared);
        let loaded = load_model(&args.engine)?;
        let t = transcribe_file(
            file,
            &loaded,
            &args.engine,
            show_progress(global),
            Some(prepared),
        )?;
        return Ok(AnalysisInput {
            path: shown.display().to_string(),
            kind: InputKind::Wav,
            audio_path: Some(file.display().to_string()),
            timing: Timing::Words,
            duration_s: t.duration_s,
            words: t.words,
            speech: Some(facts.speech),
            notes: t.notes,
            voice: Some(facts.voice),
            pitch_baseline: None,
        });
    }
    let imported = transcribe::import::import(shown, &bytes, args.text_wpm)?;
    let kind = match imported.kind {
        transcribe::import::ImportedKind::Transcript => InputKind::Transcript,
        transcribe::import::ImportedKind::WhisperCppJson => InputKind::WhisperCppJson,
        transcribe::import::ImportedKind::Srt => InputKind::Srt,
        transcribe::import::ImportedKind::Vtt => InputKind::Vtt,
        transcribe::import::ImportedKind::Text => InputKind::Text,
    };
    let timing = match imported.timing {
        transcribe::import::WordTiming::Words => Timing::Words,
        transcribe::import::WordTiming::Cues => Timing::Cues,
        transcribe::import::WordTiming::Estimated { wpm } => Timing::Estimated { wpm },
    };
    // The transcript's audio, when it is still where the transcript says, confirms pauses by
    // its energy; a transcript whose audio moved is analyzed from word times alone.
    let audio_path = imported.audio_path.map(|a| {
        let p = PathBuf::from(&a);
        if p.is_absolute() || p.exists() {
            p
        } else {
            parent_dir(file).join(p)
        }
    });
    let facts = audio_path
        .as_deref()
        .filter(|p| p.is_file())
        .and_then(|p| audio::load_for_whisper(p).ok())
        .map(|a| audio_facts(&a));
    let mut notes = imported.notes;
    if let (Some(p), None) = (&audio_path, &facts) {
        notes.push(format!(
            "audio {} not found or unreadable: pauses come from word times only, and pitch and loudness are not measured",
            p.display()
        ));
    }
    let (speech, voice) = match facts {
        Some(f) => (Some(f.speech), Some(f.voice)),
        None => (None, None),
    };
    Ok(AnalysisInput {
        path: shown.display().to_string(),
        kind,
        audio_path: audio_path
            .filter(|_| speech.is_some())
            .map(|p| p.display().to_string()),
        timing,
        duration_s: imported.duration_s,
        words: imported.words,
        speech,
        notes,
        voice,
        pitch_baseline: None,
    })
}
