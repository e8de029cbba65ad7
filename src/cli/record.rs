//! `rehearse record`: check everything that can be wrong, open the microphone, show the
//! section clock while the answer is given, then transcribe (live, stretch by stretch),
//! analyze, store and print the report.
//!
//! One answer from the microphone to the history is [`take`], with what stays the same from
//! one answer to the next in a [`Recorder`]: `record` makes one take, a practice loop many.

mod live;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;

use rehearse::analyze::frameworks::{Catalog, Framework};
use rehearse::capture::display::Heard;
use rehearse::capture::plan::Plan;
use rehearse::capture::session;
use rehearse::fsutil::parent_dir;
use rehearse::history::{AttemptSource, Store};
use rehearse::report::{self, RenderOptions, ReportFormat};

use super::args::{ColorChoice, EngineArgs, Global};
use super::attempts::{self, AttemptPlan, NoSpeech, Processed, StoreArgs};
use super::engine::{LoadedModel, load_model, transcribe_options};
use super::frameworks::{clock, clock_band, load_analysis_catalog};
use super::output::{color_on, report_audio, report_format, report_width, write_out};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse record -Q failed                       show the plan, count down, record, report
  rehearse record -Q failed-long --max-duration 5m --device pulse
  rehearse record -Q weakness -o report.html      the report into a file (.txt .json .md .html)
  rehearse record -Q weakness -o r.html --embed-audio   a page that carries its recording
  rehearse record --wav answer.wav --no-analyze   only record, into answer.wav
  rehearse record --no-save --format json         try without keeping anything

Stops on Enter, q or Ctrl-C. Exit status 3: no speech was heard, nothing was saved.")]
pub struct RecordArgs {
    /// The question to answer: an id from `rehearse questions` (a typo is refused with the
    /// nearest ids).
    #[arg(short = 'Q', long, value_name = "ID")]
    pub question: Option<String>,
    /// A question that is not in the bank, as free text (matched to a bank question when the
    /// wording is close).
    #[arg(long, value_name = "TEXT", conflicts_with = "question")]
    pub question_text: Option<String>,
    /// Framework id (see `rehearse frameworks`), or `auto` for the analysis to pick
    /// [default: the question's framework, else star-l].
    #[arg(long)]
    pub framework: Option<String>,
    /// Input device, as `rehearse devices` names it [env: REHEARSE_DEVICE; config: device;
    /// default: the system's default input].
    #[arg(short, long)]
    pub device: Option<String>,
    /// Stop after this much audio (90s, 5m, 1m30s, 2:30); counted in samples, not wall time.
    #[arg(long, default_value = "30m", value_parser = parse_max_duration)]
    pub max_duration: Duration,
    /// Seconds to count down before recording starts.
    #[arg(long, default_value_t = 3, value_name = "SECONDS")]
    pub countdown: u32,
    /// Also write the recording, as the device delivers it, to this WAV file (the history
    /// keeps its own 16 kHz mono copy).
    #[arg(long, value_name = "FILE")]
    pub wav: Option<PathBuf>,
    /// Replace --wav's file if it exists (never done otherwise).
    #[arg(long)]
    pub force: bool,
    /// Keep the recording as the device delivers it in the history too (original.wav, beside
    /// the 16 kHz mono copy the analysis reads; about six times its size).
    #[arg(long, conflicts_with = "no_save")]
    pub keep_original: bool,
    /// Only record into --wav's file: no transcription, no report, nothing saved.
    #[arg(long, requires = "wav")]
    pub no_analyze: bool,
    /// Don't keep the attempt in the practice history (`rehearse history`).
    #[arg(long)]
    pub no_save: bool,
    /// Transcribe only after the stop, as `rehearse analyze` would, instead of stretch by
    /// stretch while you speak (live, whisper gets one thread fewer than --threads until the
    /// stop); the words are the same, the report just comes later.
    #[arg(long)]
    pub no_live: bool,
    /// Report format [default: from --out's extension, else text].
    #[arg(short, long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Put the recording inside the HTML report (16 kHz mono, about 2 MB a minute), so it
    /// plays wherever the page is moved or sent.
    #[arg(long)]
    pub embed_audio: bool,
    /// Colour in the text report (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Live-transcribed audio with the clipping the recorder counted, placed in time by reading the
/// file once more: the live worker's 16 kHz copy has been resampled and cannot tell.
fn with_clipping(
    mut audio16: rehearse::audio::PreparedAudio,
    rec: &session::Recording,
) -> rehearse::audio::PreparedAudio {
    if rec.clipped > 0 {
        audio16.clipping = rehearse::audio::read_mono(&rec.path)
            .map(|m| m.clipping)
            .unwrap_or(rehearse::audio::clipping::Clipping {
                samples: rec.clipped,
                runs: Vec::new(),
            });
    }
    audio16
}

fn parse_max_duration(s: &str) -> std::result::Result<Duration, String> {
    let d = rehearse::capture::parse_duration(s)?;
    if d < Duration::from_secs(1) {
        return Err(format!("'{s}': record at least one second"));
    }
    Ok(d)
}

/// What stays the same from one take to the next: the model (loaded once), the store, the
/// device and how a take runs.
pub struct Recorder<'a> {
    pub catalog: &'a Catalog,
    /// `None`: only record (`--no-analyze`).
    pub model: Option<&'a LoadedModel>,
    pub engine: &'a EngineArgs,
    /// `None`: analyze without saving (`--no-save`).
    pub store: Option<&'a Store>,
    /// The history the speaker's usual pitch range is read from. Apart from `store` because
    /// `--no-save` adds nothing to the history but is still measured against it.
    pub history: Option<&'a Store>,
    pub global: &'a Global,
    /// The input device and where it was named (`None`: the system's default input).
    pub device: Option<super::settings::Set<String>>,
    pub max_duration: Duration,
    pub countdown: u32,
    /// Transcribe while recording.
    pub live: bool,
    pub keep_original: bool,
}

/// One answer to record.
#[derive(Debug, Clone, Default)]
pub struct Take<'a> {
    /// `-Q` as typed: a bank id or a question's text.
    pub question: Option<&'a str>,
    /// `--framework` as typed.
    pub framework: Option<&'a str>,
    /// Also write the recording as the device delivers it here (`--wav`).
    pub wav: Option<&'a Path>,
    /// Replace `wav` if it exists.
    pub force: bool,
    /// Print the question, the framework and the section targets before recording.
    pub show_plan: bool,
}

/// How a take ended.
#[derive(Debug)]
pub struct TakeOutcome {
    /// `None` with `--no-analyze`.
    pub processed: Option<Processed>,
    /// Seconds of audio recorded.
    pub seconds: f64,
    /// The input device stopped mid-answer (what was captured is kept and analyzed).
    pub device_lost: Option<String>,
}

/// The framework a take is timed against on the live display: `--framework`, else the
/// question's, else star-l (`auto` shows star-l's clock; the analysis still picks).
pub fn shown_framework<'c>(
    catalog: &'c Catalog,
    question: Option<&str>,
    framework: Option<&str>,
) -> Result<&'c Framework> {
    let id = match framework {
        Some(id) if id != "auto" => id.to_string(),
        _ => question
            .and_then(|q| catalog.question(q))
            .map_or_else(|| "star-l".to_string(), |q| q.framework.clone()),
    };
    catalog.framework(&id).with_context(|| {
        let known: Vec<&str> = catalog.frameworks.iter().map(|f| f.id.as_str()).collect();
        format!(
            "--framework {id}: no such framework; known: {}, auto (see `rehearse frameworks`)",
            known.join(", ")
        )
    })
}

/// The question, the framework and each section's target, on stderr.
pub fn print_plan(catalog: &Catalog, question: Option<&str>, plan: &Plan) -> Result<()> {
    let framework = catalog
        .framework(&plan.framework_id)
        .context("the plan's framework is not in the catalog")?;
    let mut err = std::io::stderr().lock();
    match question.map(|q| (q, catalog.question(q))) {
        Some((_, Some(q))) => writeln!(err, "Question: {}  ({})", q.text, q.id)?,
        Some((text, None)) => writeln!(err, "Question: {text}")?,
        None => writeln!(err, "Question: (none given)")?,
    }
    writeln!(
        err,
        "Framework: {} ({})",
        plan.framework_name, plan.framework_id
    )?;
    writeln!(
        err,
        "Targets: whole answer {}; sections in order:",
        clock_band(&framework.overall)
    )?;
    let width = plan
        .steps
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0);
    for (i, s) in plan.steps.iter().enumerate() {
        writeln!(
            err,
            "  {}. {:<width$}  {}-{}   on the clock until {}",
            i + 1,
            s.name,
            clock(s.min_s),
            clock(s.max_s),
            clock(s.finish_by)
        )?;
    }
    Ok(())
}

/// Where a take's capture goes: the user's `--wav` file, else a hidden file in the store's
/// folder, else (`--no-save`) one in the temporary folder; the last two are taken away once
/// the answer is stored or reported.
fn capture_target(rec: &Recorder, take: &Take) -> Result<(PathBuf, String, bool)> {
    if let Some(wav) = take.wav {
        return Ok((wav.to_path_buf(), wav.display().to_string(), false));
    }
    if let Some(store) = rec.store {
        let path = store
            .capture_path()
            .context("the recording goes into the practice history (or pass --no-save)")?;
        return Ok((path, "your practice history".to_string(), true));
    }
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "rehearse-recording-{}-{}.wav",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    Ok((path, "a temporary file (--no-save)".to_string(), true))
}

/// Records one answer, transcribes it (live unless told otherwise), analyzes it and, with a
/// store, saves it. Everything that can be wrong with the take fails before the microphone
/// opens. A take with no speech in it is not saved, and its capture file is removed.
pub fn take(rec: &Recorder, take: &Take) -> Result<TakeOutcome> {
    let global = rec.global;
    let framework = shown_framework(rec.catalog, take.question, take.framework)?;
    let plan = AttemptPlan::new(rec.catalog, take.question, take.framework)?;
    let clock_plan = Plan::from_framework(framework);
    if let Some(wav) = take.wav {
        let dir = parent_dir(wav);
        if !dir.is_dir() {
            bail!(
                "{}: cannot record here: folder {} does not exist",
                wav.display(),
                dir.display()
            );
        }
    }
    if rec.model.is_none() && take.wav.is_none() {
        bail!("a recording that is not analyzed is not stored either: name its file with --wav");
    }
    let (capture, destination, temporary) = capture_target(rec, take)?;
    let device = rec.device.as_ref();
    let prepared = session::prepare(session::Options {
        device: device.map(|d| d.value.clone()),
        create_folder: false,
        out: capture.clone(),
        destination,
        force: take.force && !temporary,
        max_duration: rec.max_duration,
        countdown: rec.countdown,
        plan: Some(clock_plan.clone()),
        quiet: global.quiet,
    })
    .map_err(|e| match device {
        // A device the flag did not name: say where it was named.
        Some(d) if !matches!(d.origin, super::settings::Origin::Flag(_)) => {
            anyhow::Error::new(e).context(format!("the device comes from {}", d.origin))
        }
        _ => e.into(),
    })?;
    let device_format = prepared.format();
    let options = rec.model.map(|m| transcribe_options(m, rec.engine));
    let live = match (rec.model, &options) {
        (Some(m), Some(options)) if rec.live => {
            let heard = Arc::new(Mutex::new(Heard::default()));
            let live = live::start(
                m,
                options.clone(),
                device_format,
                live::LiveAnalysis {
                    catalog: rec.catalog.clone(),
                    choice: plan.choice.clone(),
                    question: plan.question.clone(),
                },
                heard.clone(),
            )?;
            Some((live, heard))
        }
        _ => None,
    };
    let (prepared, live) = match live {
        Some((live, heard)) => {
            let mut tap = live.tap();
            (
                prepared.with_live(Box::new(move |x: &[i16]| tap.push(x)), heard),
                Some(live),
            )
        }
        None => (prepared, None),
    };
    if take.show_plan && !global.quiet {
        print_plan(rec.catalog, take.question, &clock_plan)?;
    }
    if !global.quiet {
        eprintln!(
            "Stops on Enter, q or Ctrl-C, or after {} of audio.",
            rehearse::capture::clock(rec.max_duration.as_secs_f64())
        );
    }
    let started = std::time::SystemTime::now();
    let recording = prepared.record()?;
    report_capture(&recording, take.wav.is_some(), global);
    let device_lost = match &recording.stop {
        session::StopReason::DeviceLost(reason) => {
            eprintln!(
                "warning: the input device stopped ({reason}); the recording ended after {:.1} s and what was captured is kept",
                recording.duration_s()
            );
            Some(reason.clone())
        }
        _ => None,
    };
    let seconds = recording.duration_s();
    let Some(model) = rec.model else {
        return Ok(TakeOutcome {
            processed: None,
            seconds,
            device_lost,
        });
    };
    // The stretches left when the speaker stopped; the rest was transcribed while they spoke.
    let live = match live.map(|l| l.finish()) {
        Some(Ok(out)) if recording.frames > 0 => {
            if !global.quiet {
                eprintln!(
                    "live transcription: {} stretch(es) done while recording, {} after the stop ({:.2} s)",
                    out.during,
                    out.after,
                    out.after_stop.as_secs_f64()
                );
                if let Some((median, p90, max)) = out.display_lag() {
                    eprintln!(
                        "live display: the words heard trailed the speech by {median:.1} s (median), {p90:.1} s (90%), {max:.1} s at most; {} previews of {:.2} s",
                        out.previews, out.preview_median_s
                    );
                }
            }
            let options = options.as_ref().context("no transcription options")?;
            Some(live::transcript(
                out,
                &recording.path,
                device_format,
                model,
                options,
            ))
        }
        Some(Err(e)) => {
            eprintln!("warning: live transcription failed ({e}); transcribing the recording now");
            None
        }
        _ => None,
    };
    if recording.frames == 0 {
        if temporary {
            let _ = std::fs::remove_file(&recording.path);
        }
        return Ok(TakeOutcome {
            processed: Some(Processed::NoSpeech { seconds: 0.0 }),
            seconds,
            device_lost,
        });
    }
    let (transcript, prepared_audio) = match live {
        Some((t, audio16)) => (Some(t), Some(with_clipping(audio16, &recording))),
        None => (None, None),
    };
    let processed = attempts::process(
        &plan,
        rec.store,
        attempts::Recording {
            audio: &recording.path,
            shown: take.wav.unwrap_or(&recording.path),
            transcript,
            prepared: prepared_audio,
            started_at: Some(started),
            source: AttemptSource::Record,
            device: Some(recording.device.clone()),
            temporary,
            keep_original: rec.keep_original,
            history: rec.history,
        },
        Some(model),
        rec.engine,
        global,
    );
    // A capture made only for this take goes once the history has its copy (the store took it
    // away already), or once it is known to hold nothing; it stays if anything went wrong.
    let done_with_capture = matches!(
        &processed,
        Ok(Processed::NoSpeech { .. }
            | Processed::Analyzed {
                analysis: Ok(_),
                ..
            })
    );
    if temporary && done_with_capture {
        let _ = std::fs::remove_file(&recording.path);
    }
    if let (
        Ok(Processed::Analyzed {
            analysis: Ok(_), ..
        }),
        true,
        false,
    ) = (&processed, temporary, global.quiet)
    {
        eprintln!("note: the recording was not kept (--no-save); --wav FILE keeps it");
    }
    Ok(TakeOutcome {
        processed: Some(processed?),
        seconds,
        device_lost,
    })
}

/// The lines after the stop: how long, where (for the user's own file), why it stopped, and
/// what went wrong on the way.
fn report_capture(rec: &session::Recording, own_file: bool, global: &Global) {
    let why = match &rec.stop {
        session::StopReason::Key => "Enter/q",
        session::StopReason::Signal => "signal (Ctrl-C)",
        session::StopReason::MaxDuration => "--max-duration",
        session::StopReason::DeviceLost(_) => "device stopped",
        session::StopReason::WriteFailed => "write failed",
    };
    let what = format!(
        "{:.1} s, 16-bit, {} Hz, {} ch",
        rec.duration_s(),
        rec.sample_rate,
        rec.channels
    );
    if own_file {
        eprintln!(
            "wrote the recording to {} ({what}); stopped by {why}",
            rec.path.display()
        );
    } else {
        eprintln!("recorded {what}; stopped by {why}");
    }
    eprintln!("dropped samples: {} of {}", rec.dropped, rec.delivered);
    // A device that delivers far faster than the clock (ALSA's file plugin) outruns any disk;
    // say so rather than blame the writer.
    let unpaced = rec.duration_s() > 2.0 * rec.wall_s + 1.0;
    if unpaced {
        eprintln!(
            "note: the device delivered {:.0} s of audio in {:.1} s: it is not paced like a microphone",
            rec.delivered as f64 / f64::from(rec.sample_rate * u32::from(rec.channels)),
            rec.wall_s
        );
    }
    if rec.dropped > 0 {
        eprintln!(
            "warning: {} samples were lost because the writer fell behind; the recording has gaps",
            rec.dropped
        );
    }
    if rec.overruns > 0 {
        eprintln!(
            "warning: the audio host reported {} overrun(s): the system was too busy to read the device in time",
            rec.overruns
        );
    }
    if rec.clipped > 0 && !global.quiet {
        eprintln!(
            "note: {} samples clipped: lower the input gain or move back from the microphone",
            rec.clipped
        );
    }
}

pub fn run(mut args: RecordArgs, global: &Global) -> Result<()> {
    // Everything that can be wrong with the command line fails before the microphone opens,
    // not after the answer has been given.
    let format = report_format(args.format, args.out.as_deref(), args.embed_audio)?;
    if let Some(out) = &args.out {
        check_report_path(out, args.wav.as_deref())?;
    }
    let catalog = load_analysis_catalog(global.quiet)?;
    args.question = attempts::asked_question(
        &catalog,
        args.question.as_deref(),
        args.question_text.as_deref(),
    )?;
    // Checked here too (take checks again) so that a typo fails before the model loads.
    shown_framework(
        &catalog,
        args.question.as_deref(),
        args.framework.as_deref(),
    )?;
    AttemptPlan::new(
        &catalog,
        args.question.as_deref(),
        args.framework.as_deref(),
    )?;
    // The model is loaded before the microphone opens: live transcription needs it from the
    // first stretch, and a broken model must not cost the answer.
    let model = if args.no_analyze {
        None
    } else {
        super::engine::model_path(args.engine.model.as_deref())
            .context("the recording is analyzed afterwards (or pass --no-analyze)")?;
        Some(load_model(&args.engine)?)
    };
    let store = if args.no_save || args.no_analyze {
        None
    } else {
        Some(attempts::open_store(&args.store)?)
    };
    // Only read, for the pitch baseline: a history that cannot be opened just means none.
    let history = if args.no_save && !args.no_analyze {
        attempts::open_store(&args.store).ok()
    } else {
        None
    };
    let device = super::settings::current().device(args.device.as_deref());
    let recorder = Recorder {
        catalog: &catalog,
        model: model.as_ref(),
        engine: &args.engine,
        store: store.as_ref(),
        history: store.as_ref().or(history.as_ref()),
        global,
        device,
        max_duration: args.max_duration,
        countdown: args.countdown,
        live: !args.no_live,
        keep_original: args.keep_original,
    };
    let started_at = std::time::SystemTime::now();
    let outcome = take(
        &recorder,
        &Take {
            question: args.question.as_deref(),
            framework: args.framework.as_deref(),
            wav: args.wav.as_deref(),
            force: args.force,
            show_plan: true,
        },
    )?;
    // The report's recording is the one that stays: the history's copy, else the user's
    // --wav; a capture made only for a --no-save take is gone by now.
    let (analysis, kept) = match outcome.processed {
        None => (None, None),
        Some(Processed::NoSpeech { seconds }) => {
            return Err(NoSpeech::new("the recording", seconds, args.wav.as_deref()).into());
        }
        Some(Processed::Saved { analysis, dir, .. }) => (
            Some(analysis.map_err(|e| anyhow::anyhow!("{}: analysis failed: {e}", dir.display()))?),
            Some(dir.join(rehearse::history::folder::AUDIO_FILE)),
        ),
        Some(Processed::Analyzed { analysis, .. }) => (
            Some(analysis.map_err(|e| anyhow::anyhow!("the recording: analysis failed: {e}"))?),
            args.wav.clone(),
        ),
    };
    if let Some(mut a) = analysis {
        a.source.audio = kept
            .filter(|p| p.is_file())
            .map(|p| p.display().to_string());
        let embedded_audio = report_audio(&mut a, args.embed_audio, global)?;
        let text = report::render(
            &a,
            format,
            &RenderOptions {
                color: color_on(args.color, args.out.as_deref()),
                width: report_width(),
                date: Some(rehearse::history::time::dated(started_at)),
                embedded_audio,
            },
        );
        write_out(args.out.as_deref(), &text, "the report", global)?;
    }
    if let Some(reason) = outcome.device_lost {
        bail!(
            "recording ended early: the input device stopped ({reason}) after {:.1} s; what was captured is kept",
            outcome.seconds
        );
    }
    Ok(())
}

/// A report file must not replace the recording or go where it cannot be written; both found
/// before recording. (A report can be made again, so an existing one is replaced, as
/// `analyze -o` does.)
fn check_report_path(out: &Path, wav: Option<&Path>) -> Result<()> {
    if let Some(wav) = wav
        && (out == wav || (out.exists() && rehearse::fsutil::same_file(out, wav)))
    {
        bail!(
            "{}: --out and --wav name the same file; the report and the recording need one each",
            out.display()
        );
    }
    super::output::check_output_path(out, None)
}
