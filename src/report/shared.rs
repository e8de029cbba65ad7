//! What the formats share: the layout options, time formatting, the words every format uses
//! for a status, and the target plan the timelines are drawn against. Each format builds on
//! this; it knows none of them.

use crate::analyze::frameworks::Band;
use crate::analyze::signals::clock;
use crate::analyze::{
    Analysis, PaceStatus, PauseLocation, SectionSpan, Severity, Status, Timing, Verdict,
};

/// How a report is laid out: colour and width for the text report, the date and the embedded
/// recording for the HTML page (each format ignores what is not its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Use ANSI colours; without them the output holds no escape bytes at all.
    pub color: bool,
    /// Terminal width in columns that lines are kept within where practical.
    pub width: usize,
    /// When the answer was recorded (`2025-11-02 14:03 UTC`), for the HTML page's title: a
    /// browser tab or a bookmark of one attempt among many should say which one it is.
    pub date: Option<String>,
    /// The recording as WAV bytes to carry inside the HTML page (`--embed-audio`), so the page
    /// plays wherever it is moved or sent; without it the player points at the file.
    pub embedded_audio: Option<Vec<u8>>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            date: None,
            embedded_audio: None,
        }
    }
}

/// "~" before every time figure when the times are estimated rather than heard.
pub(crate) fn approx(a: &Analysis) -> &'static str {
    if a.source.timing.is_estimated() {
        "~"
    } else {
        ""
    }
}

/// A point in time, m:ss, marked when estimated.
pub(crate) fn at(a: &Analysis, t: f64) -> String {
    format!("{}{}", approx(a), clock(t))
}

/// A length of time: tenths under 10 s (pauses), whole seconds above; marked when estimated.
pub(crate) fn secs(a: &Analysis, s: f64) -> String {
    format!("{}{}", approx(a), plain_secs(s))
}

pub(crate) fn plain_secs(s: f64) -> String {
    // An empty sum of f64 is -0.0, which would print as "-0.0 s".
    let s = s + 0.0;
    if s < 9.95 {
        format!("{s:.1} s")
    } else {
        format!("{s:.0} s")
    }
}

/// A section's target band, "8-20 s".
pub(crate) fn band_secs(b: &Band) -> String {
    format!("{:.0}-{:.0} s", b.min_s, b.max_s)
}

/// The answer's band as clock times, "1:00-2:00".
pub(crate) fn band_clock(b: &Band) -> String {
    format!("{}-{}", clock(b.min_s), clock(b.max_s))
}

/// "Answer 2:10 (target 1:00-2:00): long".
pub(crate) fn overall_line(a: &Analysis) -> String {
    format!(
        "Answer {} (target {}): {}",
        at(a, a.overall.answer_s),
        band_clock(&a.overall.target),
        a.overall.status.as_str()
    )
}

/// How the times were obtained, for the header.
pub(crate) fn timing_text(t: &Timing) -> String {
    match t {
        Timing::Words => "word times from the audio".to_string(),
        Timing::Cues => "cue times (word times spread inside each cue)".to_string(),
        Timing::Estimated { wpm } => {
            format!("estimated from {wpm:.0} words per minute (the input has no times)")
        }
    }
}

/// The line that says every time is an estimate, when it is.
pub(crate) fn estimate_warning(a: &Analysis) -> Option<String> {
    match a.source.timing {
        Timing::Estimated { wpm } => Some(format!(
            "Times are estimated at {wpm:.0} words per minute: the input has no timing, so every time and length marked ~ is a guess."
        )),
        _ => None,
    }
}

pub(crate) fn severity_str(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warn => "warn",
        Severity::Major => "major",
    }
}

pub(crate) fn verdict_str(v: Verdict) -> &'static str {
    match v {
        Verdict::Shown => "shown",
        Verdict::Weak => "weak",
        Verdict::Missing => "missing",
    }
}

pub(crate) fn pace_status_str(s: PaceStatus) -> &'static str {
    match s {
        PaceStatus::Slow => "slow",
        PaceStatus::Ok => "ok",
        PaceStatus::Fast => "fast",
    }
}

pub(crate) fn location_str(l: PauseLocation) -> &'static str {
    match l {
        PauseLocation::BetweenSentences => "between sentences",
        PauseLocation::MidSentence => "mid-sentence",
        PauseLocation::BetweenSections => "between sections",
    }
}

/// Where a pause falls, with the sections on each side when it separates two.
pub(crate) fn pause_where(a: &Analysis, p: &crate::analyze::Pause) -> String {
    let loc = location_str(p.location);
    if p.location != PauseLocation::BetweenSections {
        return loc.to_string();
    }
    let section_of = |w: usize| {
        a.words
            .get(w)
            .and_then(|w| a.sentences.get(w.sentence))
            .map(|s| section_name(a, &s.section))
    };
    match (section_of(p.after_word), section_of(p.after_word + 1)) {
        (Some(x), Some(y)) => format!("{loc} ({x} -> {y})"),
        _ => loc.to_string(),
    }
}

/// A section's display name (the id when the framework does not list it).
pub(crate) fn section_name<'a>(a: &'a Analysis, id: &'a str) -> &'a str {
    a.section_timing
        .iter()
        .find(|s| s.id == id)
        .map_or(id, |s| s.name.as_str())
}

/// How sure the label of span `s` is, for after its name: " (0.48)", or " (by position only)"
/// where the probability would only say that the decoder had to put the section somewhere.
pub(crate) fn how_sure(s: &SectionSpan) -> String {
    if s.by_position() {
        " (by position only)".to_string()
    } else {
        s.confidence.map_or(String::new(), |c| format!(" ({c:.2})"))
    }
}

/// The spans labelled on weak evidence, as one line for the reader: "Result at 0:41-0:52 (0.48),
/// Learning at 1:50-1:58 (by position only)". `None` when every span is sure.
pub(crate) fn uncertain_note(a: &Analysis) -> Option<String> {
    let items: Vec<String> = a
        .sections
        .iter()
        .filter(|s| s.uncertain)
        .map(|s| {
            format!(
                "{} at {}-{}{}",
                section_name(a, &s.id),
                at(a, s.start_s),
                at(a, s.end_s),
                how_sure(s)
            )
        })
        .collect();
    (!items.is_empty()).then(|| {
        format!(
            "Labelled on weak evidence, so a best guess (label probability in brackets): {}. Words that name the part (\"what I learned\", \"as a result\") make it clear.",
            items.join(", ")
        )
    })
}

/// A section's colour slot: its place in the framework, so colours follow the framework order
/// and a section keeps its colour wherever it is spoken.
pub(crate) fn section_slot(a: &Analysis, id: &str) -> usize {
    a.section_timing
        .iter()
        .position(|s| s.id == id)
        .unwrap_or(a.section_timing.len())
}

/// Where the answer starts: the first word (silence before it is not part of the answer).
pub(crate) fn answer_start(a: &Analysis) -> f64 {
    a.words.first().map_or(0.0, |w| w.start_s)
}

pub(crate) fn answer_end(a: &Analysis) -> f64 {
    a.words.last().map_or(0.0, |w| w.end_s)
}

/// One framework section laid out as if it took the middle of its target band.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Planned {
    /// Index into `section_timing`.
    pub slot: usize,
    pub start_s: f64,
    pub end_s: f64,
}

/// The target plan: the framework's sections one after another from the answer's first word,
/// each as long as the middle of its band, so a timeline can be read against it.
pub(crate) fn target_plan(a: &Analysis) -> Vec<Planned> {
    let mut t = answer_start(a);
    a.section_timing
        .iter()
        .enumerate()
        .map(|(slot, st)| {
            let mid = ((st.target.min_s + st.target.max_s) / 2.0).max(0.0);
            let p = Planned {
                slot,
                start_s: t,
                end_s: t + mid,
            };
            t += mid;
            p
        })
        .collect()
}

/// The time range a timeline covers: the answer and the target plan, whichever ends later.
pub(crate) fn timeline_range(a: &Analysis) -> (f64, f64) {
    let t0 = answer_start(a);
    let plan_end = target_plan(a).last().map_or(t0, |p| p.end_s);
    let t1 = answer_end(a).max(plan_end).max(t0 + 1.0);
    if t0.is_finite() && t1.is_finite() {
        (t0, t1)
    } else {
        (0.0, 1.0)
    }
}

/// A tick step (seconds) that gives about `max_ticks` ticks or fewer over `span` seconds.
pub(crate) fn tick_step(span: f64, max_ticks: usize) -> f64 {
    const STEPS: &[f64] = &[1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0];
    let max_ticks = max_ticks.max(1) as f64;
    STEPS
        .iter()
        .copied()
        .find(|s| span / s <= max_ticks)
        .unwrap_or(1800.0)
}

/// Tick times for an axis over `[t0, t1]` at a round step, about `max_ticks` of them or fewer;
/// none when the range is not finite (a hand-edited report), so drawing never loops forever.
pub(crate) fn ticks(t0: f64, t1: f64, max_ticks: usize) -> Vec<f64> {
    if !(t0.is_finite() && t1.is_finite()) || t1 <= t0 {
        return Vec::new();
    }
    let step = tick_step(t1 - t0, max_ticks);
    let first = (t0 / step).ceil() as i64;
    let last = ((t1 + 1e-9) / step).floor() as i64;
    (first..=last)
        .take(max_ticks.max(1) + 2)
        .map(|k| k as f64 * step)
        .collect()
}

/// Status of a section as a word, shared so every format says the same.
pub(crate) fn status_str(s: Status) -> &'static str {
    s.as_str()
}
