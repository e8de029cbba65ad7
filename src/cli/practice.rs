//! `rehearse practice`: the drill loop. Picks a question, shows it with its framework's plan,
//! gives think time, records with the live display, reports, and asks what next: the same
//! question again (then what changed), the follow-up the answer called for, the next question,
//! or stop. Every answer is stored as `record` stores it; follow-up answers are kept with the
//! answer they follow.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};
use clap::Args;

use rehearse::analyze::Analysis;
use rehearse::analyze::frameworks::{Catalog, FOLLOW_UP_FRAMEWORK, FollowUp, Question};
use rehearse::capture::plan::Plan;
use rehearse::capture::{self, CaptureError, session, term};
use rehearse::history::{self, AttemptId, NewFollowUp, SourceAudio, Store, pick};
use rehearse::report::{self, RenderOptions, ReportFormat};

use super::args::{ColorChoice, EngineArgs, Global};
use super::attempts::{self, Processed, StoreArgs};
use super::engine::{LoadedModel, load_model};
use super::frameworks::{clock_band, load_analysis_catalog};
use super::output::{color_on, report_width};
use super::record::{self, Recorder, Take};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rehearse practice                        the question most worth practising, 30 s to think
  rehearse practice -Q conflict-coworker   one question
  rehearse practice --theme leadership --random --think 15s
  rehearse practice --device pulse --max-duration 3m

After each answer: [a]gain (then what changed), [f]ollow-up (the question the answer calls
for), [n]ext question (Enter), [s]top. Without a terminal, one line per prompt is read from
standard input: a line stops a recording, a word answers the prompt, end of input stops.")]
pub struct PracticeArgs {
    /// Start with this question (an id from `rehearse questions`) [default: the one most worth
    /// practising: never tried, else your weakest latest answer].
    #[arg(short = 'Q', long, value_name = "ID", conflicts_with = "random")]
    pub question: Option<String>,
    /// Draw the questions at random instead.
    #[arg(long)]
    pub random: bool,
    /// Only questions of this theme (see `rehearse questions --themes`).
    #[arg(long, value_name = "THEME")]
    pub theme: Option<String>,
    /// Time to think before recording starts (Enter starts at once): 30s, 1m, 0 [config:
    /// think; default: 30s].
    #[arg(long, value_parser = parse_think, value_name = "DURATION")]
    pub think: Option<Duration>,
    /// Input device, as `rehearse devices` names it [env: REHEARSE_DEVICE; config: device;
    /// default: the default input].
    #[arg(short, long)]
    pub device: Option<String>,
    /// Stop an answer after this much audio (90s, 5m, 2:30).
    #[arg(long, default_value = "5m", value_parser = parse_max, value_name = "DURATION")]
    pub max_duration: Duration,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

fn parse_think(s: &str) -> std::result::Result<Duration, String> {
    if s.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    let d = capture::parse_duration(s)?;
    if d > Duration::from_secs(600) {
        return Err(format!("'{s}': think for 10 minutes at most"));
    }
    Ok(d)
}

fn parse_max(s: &str) -> std::result::Result<Duration, String> {
    let d = capture::parse_duration(s)?;
    if d < Duration::from_secs(5) {
        return Err(format!("'{s}': give an answer at least 5 seconds"));
    }
    Ok(d)
}

/// What to do after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Again,
    FollowUp,
    Next,
    Stop,
}

/// A line typed at the prompt; `None` when it says nothing we know. Enter alone is "next".
pub fn parse_choice(line: &str, follow_up_offered: bool) -> Option<Choice> {
    match line.trim().to_lowercase().as_str() {
        "a" | "again" | "r" | "retry" => Some(Choice::Again),
        "f" | "follow-up" | "followup" | "follow" if follow_up_offered => Some(Choice::FollowUp),
        "" | "n" | "next" => Some(Choice::Next),
        "s" | "stop" | "q" | "quit" | "exit" => Some(Choice::Stop),
        _ => None,
    }
}

/// Everything one session of practice shares: loaded once.
struct Drill<'a> {
    args: &'a PracticeArgs,
    global: &'a Global,
    catalog: Catalog,
    store: Store,
    model: LoadedModel,
    /// Stdin is a terminal (keys), not a script (lines).
    tty: bool,
}

/// An answer stored in the history, with its analysis when that succeeded.
struct Stored {
    id: AttemptId,
    analysis: Option<Box<Analysis>>,
}

pub fn run(args: PracticeArgs, global: &Global) -> Result<()> {
    let catalog = load_analysis_catalog(global.quiet)?;
    if let Some(theme) = &args.theme
        && !catalog.themes().iter().any(|(t, _)| t == theme)
    {
        let known: Vec<String> = catalog.themes().into_iter().map(|(t, _)| t).collect();
        bail!(
            "--theme {theme}: no such theme; known: {}",
            known.join(", ")
        );
    }
    let first: Option<Question> = match &args.question {
        Some(id) => Some(
            catalog
                .question_by_id(id)
                .map_err(|e| anyhow::anyhow!("--question: {e}"))?
                .clone(),
        ),
        None => None,
    };
    let store = attempts::open_store(&args.store)?;
    store.ensure_root()?;
    let model = load_model(&args.engine)?;
    let tty = std::io::stdin().is_terminal();
    if !tty && !global.quiet {
        eprintln!(
            "note: standard input is not a terminal: reading one line per prompt from it (a line stops a recording; again, follow-up, next or stop after an answer; end of input stops)"
        );
    }
    let drill = Drill {
        args: &args,
        global,
        catalog,
        store,
        model,
        tty,
    };
    drill.run(first)
}

/// How one answer went.
enum Answered {
    /// Stored (with its analysis when that succeeded); `quit` when Ctrl-C asked to stop.
    Stored { stored: Stored, quit: bool },
    /// No speech was heard: nothing stored.
    Nothing { quit: bool },
    /// Ctrl-C before anything was recorded.
    Cancelled,
}

impl<'a> Drill<'a> {
    fn run(&self, first: Option<Question>) -> Result<()> {
        let mut asked: Vec<String> = Vec::new();
        let mut saved: Vec<AttemptId> = Vec::new();
        let mut next = match first {
            Some(q) => Some((q, "asked for with --question".to_string())),
            None => self.pick(&asked),
        };
        while let Some((question, why)) = next.take() {
            asked.push(question.id.clone());
            eprintln!();
            eprintln!("Practising {}: {why}.", question.id);
            let mut previous: Option<AttemptId> = None;
            loop {
                let choice = match self.answer(&question)? {
                    Answered::Cancelled => return self.farewell(&saved),
                    Answered::Nothing { quit: true } => return self.farewell(&saved),
                    Answered::Nothing { quit: false } => self.prompt(None)?,
                    Answered::Stored { stored, quit } => {
                        saved.push(stored.id.clone());
                        if let (Some(prev), Some(_)) = (&previous, &stored.analysis) {
                            self.show_change(prev, &stored.id)?;
                        }
                        previous = Some(stored.id.clone());
                        if quit {
                            return self.farewell(&saved);
                        }
                        match self.after_answer(&stored)? {
                            Some(choice) => choice,
                            None => return self.farewell(&saved),
                        }
                    }
                };
                match choice {
                    Choice::Again | Choice::FollowUp => continue,
                    Choice::Next => break,
                    Choice::Stop => return self.farewell(&saved),
                }
            }
            next = self.pick(&asked);
            if next.is_none() {
                eprintln!("That was the last question left to practise here.");
            }
        }
        self.farewell(&saved)
    }

    /// The prompt after a stored answer, with the follow-ups it calls for answered in place;
    /// `None` when Ctrl-C came during a follow-up.
    fn after_answer(&self, stored: &Stored) -> Result<Option<Choice>> {
        let signals: Vec<&str> = stored
            .analysis
            .as_ref()
            .map(|a| a.signals.iter().map(|s| s.id.as_str()).collect())
            .unwrap_or_default();
        let mut followed: Vec<String> = Vec::new();
        loop {
            let done: Vec<&str> = followed.iter().map(String::as_str).collect();
            let offered = self.catalog.follow_up_for(&signals, &done).cloned();
            match self.prompt(offered.as_ref())? {
                Choice::FollowUp => {
                    let Some(f) = offered else { continue };
                    followed.push(f.id.clone());
                    if !self.follow_up(&stored.id, &f)? {
                        return Ok(None);
                    }
                }
                other => return Ok(Some(other)),
            }
        }
    }

    /// The next question: drawn at random, or the one most worth practising.
    fn pick(&self, asked: &[String]) -> Option<(Question, String)> {
        let skip: Vec<&str> = asked.iter().map(String::as_str).collect();
        let theme = self.args.theme.as_deref();
        let picked = if self.args.random {
            pick::random(&self.catalog, theme, &skip, random_seed())
        } else {
            let listing = self.store.list().ok()?;
            pick::most_worth_practising(&self.catalog, &listing, theme, &skip)
        };
        picked.map(|p| (p.question.clone(), p.why))
    }

    /// How every take of this session is recorded: `record`'s own path, into the store (or,
    /// for a follow-up, into a file of ours).
    fn recorder(&self, store: Option<&'a Store>, countdown: u32) -> Recorder<'_> {
        Recorder {
            catalog: &self.catalog,
            model: Some(&self.model),
            engine: &self.args.engine,
            store,
            history: Some(&self.store),
            global: self.global,
            device: super::settings::current().device(self.args.device.as_deref()),
            max_duration: self.args.max_duration,
            countdown,
            live: true,
            keep_original: false,
        }
    }

    /// Shows the question and its plan, gives think time, records one answer through
    /// `record`'s take (which analyzes and stores it) and prints its report.
    fn answer(&self, question: &Question) -> Result<Answered> {
        let framework = self
            .catalog
            .framework(&question.framework)
            .with_context(|| {
                format!(
                    "question {}: no framework {}",
                    question.id, question.framework
                )
            })?;
        record::print_plan(
            &self.catalog,
            Some(&question.id),
            &Plan::from_framework(framework),
        )?;
        self.think();
        // Ctrl-C from here on stops the recording and is then held back until the answer is
        // stored: what was said is never lost to it.
        let hold = session::defer_interrupts();
        let outcome = record::take(
            &self.recorder(Some(&self.store), 0),
            &Take {
                question: Some(&question.id),
                ..Take::default()
            },
        );
        let quit = hold.interrupted();
        drop(hold);
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) if cancelled(&e) => return Ok(Answered::Cancelled),
            Err(e) => return Err(e),
        };
        match outcome.processed {
            Some(Processed::Saved { id, analysis, .. }) => {
                let analysis = analysis.ok().map(Box::new);
                if let Some(a) = &analysis {
                    print_text_report(a)?;
                }
                Ok(Answered::Stored {
                    stored: Stored { id, analysis },
                    quit,
                })
            }
            Some(Processed::NoSpeech { seconds }) => {
                eprintln!("No speech heard in its {seconds:.1} s: nothing saved.");
                Ok(Answered::Nothing { quit })
            }
            _ => bail!("the answer was not stored"),
        }
    }

    /// Asks follow-up `f` about attempt `id`, records the answer, analyzes it as a short answer
    /// and keeps it with the attempt. False when Ctrl-C asked to stop.
    fn follow_up(&self, id: &AttemptId, f: &FollowUp) -> Result<bool> {
        let framework = self
            .catalog
            .framework(FOLLOW_UP_FRAMEWORK)
            .context("the question bank has no follow-up framework")?;
        eprintln!();
        eprintln!("Follow-up: {}", f.text);
        eprintln!(
            "A short, direct answer: {} ({}).",
            clock_band(&framework.overall),
            framework.about
        );
        // Recorded into a file of ours (not an attempt of its own), then kept with the attempt.
        let wav = self.store.capture_path()?;
        let started = SystemTime::now();
        let hold = session::defer_interrupts();
        let outcome = record::take(
            &self.recorder(None, 3),
            &Take {
                question: Some(&f.text),
                framework: Some(FOLLOW_UP_FRAMEWORK),
                wav: Some(&wav),
                ..Take::default()
            },
        );
        let quit = hold.interrupted();
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) if cancelled(&e) => {
                let _ = std::fs::remove_file(&wav);
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        let (analysis, transcript) = match outcome.processed {
            Some(Processed::Analyzed {
                analysis,
                transcript,
            }) => (analysis, transcript),
            Some(Processed::NoSpeech { seconds }) => {
                let _ = std::fs::remove_file(&wav);
                eprintln!("No speech heard in its {seconds:.1} s: nothing saved.");
                return Ok(!quit);
            }
            _ => bail!("the follow-up answer was not analyzed"),
        };
        let listing = self.store.list()?;
        let attempt = self.store.resolve(&listing, id.as_str())?;
        self.store.add_follow_up(
            attempt,
            SourceAudio {
                path: &wav,
                samples: None,
                temporary: true,
                keep_original: false,
            },
            transcript.as_deref(),
            analysis.as_ref().map_err(Clone::clone),
            NewFollowUp {
                id: f.id.clone(),
                question: f.text.clone(),
                started_at: started,
            },
        )?;
        drop(hold);
        match &analysis {
            Ok(a) => {
                let mut out = std::io::stdout().lock();
                write!(out, "{}", follow_up_summary(a))?;
                out.flush()?;
                eprintln!(
                    "kept with attempt {} (`rehearse show {}`)",
                    id.short(),
                    id.short()
                );
            }
            Err(e) => eprintln!(
                "warning: kept with attempt {}, but its analysis failed: {e}",
                id.short()
            ),
        }
        Ok(!quit)
    }

    /// Think time: a countdown that Enter ends early (on a terminal; Ctrl-C here ends the
    /// session, with nothing in progress to lose).
    fn think(&self) {
        let total = super::settings::current().think(self.args.think).value;
        if total.is_zero() {
            return;
        }
        let start = Instant::now();
        if !self.tty {
            eprintln!("Think time: {} s.", total.as_secs());
            std::thread::sleep(total);
            return;
        }
        term::discard_typeahead();
        let mut shown = u64::MAX;
        loop {
            let left = total.saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            let secs = left.as_secs_f64().ceil() as u64;
            if secs != shown {
                shown = secs;
                eprint!(
                    "\r\x1b[2KThink: {} left (Enter to start now)",
                    capture::clock(secs as f64)
                );
            }
            match term::read_byte(Duration::from_millis(100)) {
                term::Key::Byte(b'\n' | b'\r') => break,
                term::Key::End => break,
                _ => {}
            }
        }
        eprint!("\r\x1b[2K");
    }

    /// Asks what next and reads the answer; a line that says nothing known asks again. End of
    /// input is "stop".
    fn prompt(&self, follow_up: Option<&FollowUp>) -> Result<Choice> {
        term::discard_typeahead();
        loop {
            eprintln!();
            if let Some(f) = follow_up {
                eprintln!("  [f] follow-up: \"{}\"", f.text);
            }
            eprintln!("  [a] again: the same question once more, then what changed");
            eprintln!("  [n] next question (Enter)");
            eprintln!("  [s] stop");
            eprint!("What next? ");
            std::io::stderr().flush()?;
            let Some(line) = read_line() else {
                eprintln!();
                return Ok(Choice::Stop);
            };
            match parse_choice(&line, follow_up.is_some()) {
                Some(c) => return Ok(c),
                None => eprintln!("'{}': type a, f, n or s", line.trim()),
            }
        }
    }

    /// What changed from attempt `a` to attempt `b`, as `rehearse compare` shows it.
    fn show_change(&self, a: &AttemptId, b: &AttemptId) -> Result<()> {
        let listing = self.store.list()?;
        let (Ok(at_a), Ok(at_b)) = (
            self.store.resolve(&listing, a.as_str()),
            self.store.resolve(&listing, b.as_str()),
        ) else {
            return Ok(());
        };
        let (Ok(ra), Ok(rb)) = (self.store.load_report(at_a), self.store.load_report(at_b)) else {
            return Ok(());
        };
        let c = history::compare::compare(at_a, &ra, at_b, &rb);
        let mut out = std::io::stdout().lock();
        writeln!(out)?;
        writeln!(
            out,
            "What changed since your previous answer (A) in this answer (B):"
        )?;
        write!(out, "{}", history::compare::render_text(&c))?;
        out.flush()?;
        Ok(())
    }

    fn farewell(&self, saved: &[AttemptId]) -> Result<()> {
        let ids: Vec<&str> = saved.iter().map(AttemptId::short).collect();
        match ids.len() {
            0 => eprintln!("Stopped; no answer was saved."),
            n => eprintln!(
                "Stopped; {n} answer{} saved in {} ({}). `rehearse history` shows your progress.",
                if n == 1 { "" } else { "s" },
                self.store.root().display(),
                ids.join(", ")
            ),
        }
        Ok(())
    }
}

/// Ctrl-C during the countdown before a recording.
fn cancelled(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<CaptureError>(),
        Some(CaptureError::Cancelled)
    )
}

/// The report of an answer, in text, on stdout.
fn print_text_report(a: &Analysis) -> Result<()> {
    let color = color_on(ColorChoice::Auto, None);
    let text = report::render(
        a,
        ReportFormat::Text,
        &RenderOptions {
            color,
            width: report_width(),
            ..RenderOptions::default()
        },
    );
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// One line from stdin, read byte by byte so that nothing after it is taken; `None` at the
/// end of input.
fn read_line() -> Option<String> {
    let mut bytes = Vec::new();
    loop {
        match term::read_byte(Duration::from_millis(500)) {
            term::Key::Byte(b'\n') => break,
            term::Key::Byte(b) => bytes.push(b),
            term::Key::Timeout => {}
            term::Key::End if bytes.is_empty() => return None,
            term::Key::End => break,
        }
    }
    Some(
        String::from_utf8_lossy(&bytes)
            .trim_end_matches('\r')
            .to_string(),
    )
}

/// A seed for drawing questions: the clock's nanoseconds and the process id, hashed with the
/// OS-seeded hasher std gives every process.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    h.finish()
}

/// A follow-up answer in a few lines: its length against the band, pace, fillers, and what to
/// change (the full report is one `rehearse show` away).
pub fn follow_up_summary(a: &Analysis) -> String {
    let mut o = String::new();
    let _ = std::fmt::Write::write_fmt(
        &mut o,
        format_args!(
            "\nFollow-up answer: {} (target {}-{}): {}; {:.0} wpm; {} filler{}\n",
            capture::clock(a.overall.answer_s),
            capture::clock(a.overall.target.min_s),
            capture::clock(a.overall.target.max_s),
            a.overall.status.as_str(),
            a.pace.wpm,
            a.filler_stats.count,
            if a.filler_stats.count == 1 { "" } else { "s" }
        ),
    );
    for s in &a.strengths {
        o.push_str(&format!("  + {s}\n"));
    }
    for s in &a.signals {
        o.push_str(&format!("  ! {}: {}\n", s.id, s.message));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_by_letter_word_or_enter() {
        assert_eq!(parse_choice("a", true), Some(Choice::Again));
        assert_eq!(parse_choice(" Again \r", false), Some(Choice::Again));
        assert_eq!(parse_choice("f", true), Some(Choice::FollowUp));
        assert_eq!(parse_choice("follow-up", true), Some(Choice::FollowUp));
        assert_eq!(parse_choice("f", false), None, "no follow-up offered");
        assert_eq!(parse_choice("", true), Some(Choice::Next), "Enter");
        assert_eq!(parse_choice("next", true), Some(Choice::Next));
        assert_eq!(parse_choice("s", true), Some(Choice::Stop));
        assert_eq!(parse_choice("quit", true), Some(Choice::Stop));
        assert_eq!(parse_choice("x", true), None);
    }

    #[test]
    fn think_and_answer_lengths() {
        assert_eq!(parse_think("0"), Ok(Duration::ZERO));
        assert_eq!(parse_think("30s"), Ok(Duration::from_secs(30)));
        assert!(parse_think("20m").is_err());
        assert!(parse_max("2s").is_err());
        assert_eq!(parse_max("2:30"), Ok(Duration::from_secs(150)));
    }
}
