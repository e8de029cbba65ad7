//! `rehearse record`: check everything that can be wrong, open the microphone, show the
//! section clock while the answer is given, then transcribe (live, stretch by stretch),
//! analyze, store and print the report.

mod live;

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;

use rehearse::capture::display::Heard;
use rehearse::fsutil::parent_dir;
use rehearse::model::find;
use rehearse::report::ReportFormat;

use super::analyze;
use super::args::{ColorChoice, EngineArgs, Global};
use super::attempts::{self, StoreArgs};
use super::engine::{AudioFacts, audio_facts, load_model, transcribe_options};
use super::frameworks::{clock, clock_band, load_catalog};
use super::output::print_report;

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The question to answer: an id from `rehearse questions`, or its text.
    #[arg(short = 'Q', long)]
    pub question: Option<String>,
    /// Framework id (see `rehearse frameworks`), or `auto` for the analysis to pick
    /// [default: the question's framework, else star-l].
    #[arg(long)]
    pub framework: Option<String>,
    /// Input device, as `rehearse devices` names it [default: the default input].
    #[arg(short, long)]
    pub device: Option<String>,
    /// Stop after this much audio (90s, 5m, 1m30s, 2:30); counted in samples, not wall time.
    #[arg(long, default_value = "30m", value_parser = parse_max_duration)]
    pub max_duration: Duration,
    /// Seconds to count down before recording starts.
    #[arg(long, default_value_t = 3, value_name = "SECONDS")]
    pub countdown: u32,
    /// The WAV to record into [default: recordings/DATE_TIME.wav in the current folder].
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Replace --out if it exists (never done otherwise).
    #[arg(long)]
    pub force: bool,
    /// Only record: no transcription, no report.
    #[arg(long)]
    pub no_analyze: bool,
    /// Don't keep the attempt in the practice history (`rehearse history`).
    #[arg(long)]
    pub no_save: bool,
    /// Transcribe only after the stop, as `rehearse analyze` would, instead of stretch by
    /// stretch while you speak (live, whisper gets one thread fewer than --threads until the
    /// stop); the words are the same, the report just comes later.
    #[arg(long)]
    pub no_live: bool,
    /// Report format on stdout after the stop.
    #[arg(short, long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// The audio facts of a live-transcribed recording: from the samples the worker resampled, with
/// the clipping the recorder counted, placed in time by reading the file once more.
fn live_facts(
    audio16: &rehearse::audio::PreparedAudio,
    rec: &rehearse::capture::session::Recording,
) -> AudioFacts {
    let mut facts = audio_facts(audio16);
    if rec.clipped > 0 {
        facts.voice.clipping = rehearse::audio::read_wav_mono(&rec.path)
            .map(|m| m.clipping)
            .unwrap_or(rehearse::audio::clipping::Clipping {
                samples: rec.clipped,
                runs: Vec::new(),
            });
    }
    facts
}

fn parse_max_duration(s: &str) -> std::result::Result<Duration, String> {
    let d = rehearse::capture::parse_duration(s)?;
    if d < Duration::from_secs(1) {
        return Err(format!("'{s}': record at least one second"));
    }
    Ok(d)
}

pub fn run(args: RecordArgs, global: &Global) -> Result<()> {
    use rehearse::capture::{self, plan::Plan, session};
    // Everything that can be wrong with the command line fails before the microphone opens,
    // not after the answer has been given.
    let catalog = load_catalog()?;
    let question = args.question.as_deref().map(|q| (q, catalog.question(q)));
    let shown_framework = match args.framework.as_deref() {
        Some(id) if id != "auto" => id.to_string(),
        _ => question
            .and_then(|(_, found)| found)
            .map_or_else(|| "star-l".to_string(), |q| q.framework.clone()),
    };
    let Some(framework) = catalog.framework(&shown_framework) else {
        let known: Vec<&str> = catalog.frameworks.iter().map(|f| f.id.as_str()).collect();
        bail!(
            "--framework {shown_framework}: no such framework; known: {}, auto (see `rehearse frameworks`)",
            known.join(", ")
        );
    };
    // The model is loaded before the microphone opens: live transcription needs it from the
    // first stretch, and a broken model must not cost the answer.
    let model = if args.no_analyze {
        None
    } else {
        find::resolve(args.engine.model.as_deref())
            .context("the recording is analyzed afterwards (or pass --no-analyze)")?;
        Some(load_model(&args.engine)?)
    };
    let out = match &args.out {
        Some(out) => {
            let dir = parent_dir(out);
            if !dir.is_dir() {
                bail!(
                    "{}: cannot record here: folder {} does not exist",
                    out.display(),
                    dir.display()
                );
            }
            out.clone()
        }
        None => {
            let id = question.and_then(|(_, found)| found).map(|q| q.id.as_str());
            session::default_output(id)
        }
    };
    let plan = Plan::from_framework(framework);
    let prepared = session::prepare(session::Options {
        device: args.device.clone(),
        create_folder: args.out.is_none(),
        out,
        force: args.force,
        max_duration: args.max_duration,
        countdown: args.countdown,
        plan: Some(plan.clone()),
        quiet: global.quiet,
    })?;
    let device_format = prepared.format();
    // The question and framework as the analysis takes them: for the live display and for a
    // report that is not saved.
    let (question_ref, choice) = attempts::question_and_framework(
        &catalog,
        args.question.as_deref(),
        args.framework.as_deref(),
    )?;
    let options = model.as_ref().map(|m| transcribe_options(m, &args.engine));
    let live = match (&model, &options) {
        (Some(m), Some(options)) if !args.no_live => {
            let heard = Arc::new(Mutex::new(Heard::default()));
            let live = live::start(
                m,
                options.clone(),
                device_format,
                live::LiveAnalysis {
                    catalog: catalog.clone(),
                    choice: choice.clone(),
                    question: question_ref.clone(),
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
    if !global.quiet {
        let mut err = std::io::stderr().lock();
        match question {
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
        writeln!(
            err,
            "Stops on Enter, q or Ctrl-C, or after {} of audio.",
            capture::clock(args.max_duration.as_secs_f64())
        )?;
    }
    let started = std::time::SystemTime::now();
    let rec = prepared.record()?;
    let why = match &rec.stop {
        session::StopReason::Key => "Enter/q",
        session::StopReason::Signal => "signal (Ctrl-C)",
        session::StopReason::MaxDuration => "--max-duration",
        session::StopReason::DeviceLost(_) => "device stopped",
        session::StopReason::WriteFailed => "write failed",
    };
    eprintln!(
        "saved {} ({:.1} s, 16-bit, {} Hz, {} ch); stopped by {why}",
        rec.path.display(),
        rec.duration_s(),
        rec.sample_rate,
        rec.channels,
    );
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
    let lost = match &rec.stop {
        session::StopReason::DeviceLost(reason) => {
            eprintln!(
                "warning: the input device stopped ({reason}); the recording ended after {:.1} s and what was captured is kept",
                rec.duration_s()
            );
            Some(reason.clone())
        }
        _ => None,
    };
    // The stretches left when the speaker stopped; the rest was transcribed while they spoke.
    let live = match live.map(|l| l.finish()) {
        Some(Ok(out)) if rec.frames > 0 => match (&model, &options) {
            (Some(m), Some(options)) => {
                if !global.quiet {
                    eprintln!(
                        "live transcription: {} stretch(es) done while recording, {} after the stop ({:.2} s)",
                        out.during,
                        out.after,
                        out.after_stop.as_secs_f64()
                    );
                }
                Some(live::transcript(out, &rec.path, device_format, m, options))
            }
            _ => None,
        },
        Some(Err(e)) => {
            eprintln!("warning: live transcription failed ({e}); transcribing the recording now");
            None
        }
        _ => None,
    };
    if !args.no_analyze && rec.frames == 0 {
        eprintln!("note: no audio was captured; nothing to analyze");
    } else if let (false, true, Some((t, audio16))) = (args.no_analyze, args.no_save, &live) {
        if !global.quiet {
            for note in &t.notes {
                eprintln!("note: {}: {note}", rec.path.display());
            }
        }
        let analysis = attempts::analyze_transcript(
            t,
            &rec.path,
            &rec.path,
            Some(live_facts(audio16, &rec)),
            &catalog,
            &choice,
            question_ref,
            attempts::history_baseline(&args.store, &catalog, None),
        )
        .map_err(|e| anyhow::anyhow!("{}: analysis failed: {e}", rec.path.display()))?;
        print_report(&analysis, args.format)?;
    } else if !args.no_analyze && !args.no_save {
        // Analyzed once, kept in the history (a copy: the recording stays where it was
        // written), and the same report printed as `rehearse analyze` would.
        let store = attempts::open_store(&args.store)?;
        let plan = attempts::AttemptPlan::new(
            &store,
            &catalog,
            args.question.as_deref(),
            args.framework.as_deref(),
        )?;
        let (transcript, facts) = match live {
            Some((t, audio16)) => (Some(t), Some(live_facts(&audio16, &rec))),
            None => (None, None),
        };
        let (_, analysis) = attempts::transcribe_analyze_save(
            &plan,
            attempts::Recording {
                audio: &rec.path,
                shown: &rec.path,
                transcript,
                facts,
                started_at: Some(started),
                source: rehearse::history::AttemptSource::Record,
                device: Some(rec.device.clone()),
                mode: rehearse::history::AudioMode::Copy,
            },
            model.as_ref(),
            &args.engine,
            global,
        )?;
        match analysis {
            Ok(a) => print_report(&a, args.format)?,
            Err(e) => bail!("{}: analysis failed: {e}", rec.path.display()),
        }
    } else if !args.no_analyze {
        analyze::run(
            analyze::AnalyzeArgs {
                file: rec.path.clone(),
                framework: args.framework.clone(),
                question: args.question.clone(),
                format: Some(args.format),
                out: None,
                text_wpm: 150.0,
                color: ColorChoice::Auto,
                engine: args.engine.clone(),
                store: args.store.clone(),
            },
            global,
        )?;
    }
    if let Some(reason) = lost {
        bail!(
            "recording ended early: the input device stopped ({reason}); {} holds the {:.1} s captured",
            rec.path.display(),
            rec.duration_s()
        );
    }
    Ok(())
}
