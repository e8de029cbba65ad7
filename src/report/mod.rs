//! Reports: an [`Analysis`] rendered for a terminal, as JSON, as Markdown for notes, or as one
//! self-contained HTML page with a timeline, a pace chart and a clickable transcript.
//!
//! Every format shows the same content; this module holds what they share (time formatting,
//! the target plan the timelines are drawn against, section colours), one file per format.

mod delivery;
pub mod html;
pub mod markdown;
pub mod text;

use std::path::Path;

use crate::analyze::frameworks::Band;
use crate::analyze::signals::clock;
use crate::analyze::{Analysis, PaceStatus, PauseLocation, Severity, Status, Timing, Verdict};

/// Output format of a report.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// For the terminal (the default).
    Text,
    /// The whole analysis (`docs/report-schema.md`).
    Json,
    /// Headings and tables to paste into notes.
    Markdown,
    /// One self-contained page: timeline, pace chart, transcript linked to the audio.
    Html,
}

impl ReportFormat {
    /// The format a file name asks for: `.txt`, `.json`, `.md`/`.markdown`, `.html`/`.htm`.
    pub fn from_extension(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" => Some(Self::Text),
            "json" => Some(Self::Json),
            "md" | "markdown" => Some(Self::Markdown),
            "html" | "htm" => Some(Self::Html),
            _ => None,
        }
    }
}

/// How the text report is laid out (the other formats ignore these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Use ANSI colours; without them the output holds no escape bytes at all.
    pub color: bool,
    /// Terminal width in columns that lines are kept within where practical.
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
        }
    }
}

/// Renders `a` in `format`.
pub fn render(a: &Analysis, format: ReportFormat, opts: &RenderOptions) -> String {
    match format {
        ReportFormat::Text => text::render(a, opts),
        ReportFormat::Json => {
            // Serializing plain data with string keys cannot fail; an empty object would only
            // hide a bug, so say what happened instead.
            let mut s = serde_json::to_string_pretty(a)
                .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize report: {e}\"}}"));
            s.push('\n');
            s
        }
        ReportFormat::Markdown => markdown::render(a),
        ReportFormat::Html => html::render(a),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared by the formats

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

#[cfg(test)]
pub(crate) fn sample_words(paragraphs: &[&str]) -> Vec<crate::transcribe::Word> {
    // A steady 0.36 s per word (about 165 wpm), 0.6 s between paragraphs, and a 3 s silence
    // wherever a paragraph holds "||", so the sample has both short gaps and real pauses.
    let mut words = Vec::new();
    let mut t = 0.5;
    for para in paragraphs {
        for tok in para.split_whitespace() {
            if tok == "||" {
                t += 3.0;
                continue;
            }
            words.push(crate::transcribe::Word {
                text: tok.to_string(),
                start_s: t,
                end_s: t + 0.3,
                p: 0.9,
            });
            t += 0.36;
        }
        t += 0.6;
    }
    words
}

/// A voice for [`sample_words`]: a flat pitch (about 0.4 semitones of movement, so `monotone`
/// fires), speech at -22 dBFS with the last two words of every sentence at -34 (so it trails
/// off), and one clipped stretch at 10 s.
#[cfg(test)]
pub(crate) fn sample_voice(words: &[crate::transcribe::Word], duration_s: f64) -> crate::audio::Voice {
    use crate::audio::clipping::Clipping;
    use crate::audio::loudness::LevelTrack;
    use crate::audio::pitch::PitchTrack;
    let n = (duration_s / 0.01).ceil() as usize;
    let mut f0 = vec![0.0f32; n];
    let mut power = vec![1e-7f32; n];
    for (i, w) in words.iter().enumerate() {
        let ends = |k: usize| words.get(k).is_some_and(|w| w.text.ends_with('.'));
        let db = if ends(i) || ends(i + 1) { -34.0f32 } else { -22.0 };
        let frames = (w.start_s / 0.01) as usize..((w.end_s / 0.01) as usize).min(n);
        for k in frames {
            let t = k as f64 * 0.01;
            f0[k] = (110.0 * 2f64.powf(0.5 * (t * 2.0).sin() / 12.0)) as f32;
            power[k] = 10f32.powf(db / 10.0);
        }
    }
    crate::audio::Voice {
        pitch: PitchTrack {
            t0_s: 0.0,
            step_s: 0.01,
            f0_hz: f0,
        },
        level: LevelTrack {
            step_s: 0.01,
            power,
        },
        clipping: Clipping {
            samples: 240,
            runs: vec![(10.0, 10.2)],
        },
    }
}

/// A failure answer with a long situation, a long pause, fillers and a blame line: enough to
/// raise signals, statuses of every kind and a scorecard.
#[cfg(test)]
pub(crate) fn sample_analysis() -> Analysis {
    use crate::analyze::frameworks::Catalog;
    use crate::analyze::{AnalysisInput, FrameworkChoice, InputKind, QuestionRef, analyze};
    let paragraphs = [
        "Sure. I was a mobile engineer at a small fitness app company, with about two hundred thousand weekly users on Android. The company was growing fast and our team was, um, five people. At the time we were building a new workout screen, and the company had a marketing push planned for January with a lot of new users expected. Our team was small and the project was, like, the biggest thing on the roadmap that quarter.",
        "My job was to ship the redesigned workout screen before the marketing push.",
        "To hit that deadline, um, I skipped our staged rollout. I only tested on the three newest phones on my desk and || pushed the update to everyone on a Friday afternoon. Honestly it wasn't really my fault, the vendor never flagged it.",
        "By Saturday morning, the app was crashing on launch for about eighteen percent of users. We got, you know, over six hundred support tickets in one weekend. I rolled back and had a fix out by Monday.",
        "I learned a lot. What I learned is that confidence isn't a test plan. Now the staged rollout is non-negotiable for me. I set up a pool of eight older test phones and a release checklist.",
    ];
    let words = sample_words(&paragraphs);
    let duration_s = words.last().map_or(0.0, |w| w.end_s) + 1.0;
    let voice = sample_voice(&words, duration_s);
    let input = AnalysisInput {
        path: "answers/take 1.wav".into(),
        kind: InputKind::Wav,
        audio_path: Some("answers/take 1.wav".into()),
        timing: Timing::Words,
        duration_s,
        words,
        speech: None,
        notes: vec![],
        voice: Some(voice),
        pitch_baseline: None,
    };
    let catalog = Catalog::embedded().expect("embedded catalog parses");
    analyze(
        input,
        &catalog,
        &FrameworkChoice::Id("star-l".into()),
        Some(QuestionRef {
            id: Some("failure".into()),
            text: "Tell me about a time you failed.".into(),
        }),
    )
    .expect("sample analyzes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        let cases = [
            ("r.txt", Some(ReportFormat::Text)),
            ("r.JSON", Some(ReportFormat::Json)),
            ("r.md", Some(ReportFormat::Markdown)),
            ("r.markdown", Some(ReportFormat::Markdown)),
            ("dir/r.html", Some(ReportFormat::Html)),
            ("r.htm", Some(ReportFormat::Html)),
            ("r.wav", None),
            ("r", None),
        ];
        for (p, want) in cases {
            assert_eq!(ReportFormat::from_extension(Path::new(p)), want, "{p}");
        }
    }

    #[test]
    fn json_is_the_analysis() {
        let a = sample_analysis();
        let s = render(&a, ReportFormat::Json, &RenderOptions::default());
        assert!(s.ends_with("}\n"));
        let back: Analysis = serde_json::from_str(&s).expect("report JSON parses back");
        // serde_json (without `float_roundtrip`) may move a float by its last bit on the way
        // back, so compare what does not depend on that.
        assert_eq!(back.words.len(), a.words.len());
        assert_eq!(back.signals, a.signals);
        assert_eq!(back.next_steps, a.next_steps);
        let v: serde_json::Value = serde_json::from_str(&s).expect("JSON");
        // The fields ../shared/eval/score.py reads.
        for key in [
            "duration_s",
            "framework",
            "sections",
            "words",
            "pauses",
            "fillers",
            "signals",
        ] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert!(v["sections"][0]["start_s"].is_f64() && v["fillers"][0]["text"].is_string());
    }

    #[test]
    fn sample_has_what_the_reports_show() {
        let a = sample_analysis();
        assert!(
            a.pauses.iter().any(|p| p.duration_s >= 2.0),
            "{:?}",
            a.pauses
        );
        assert!(a.filler_stats.count >= 2);
        assert!(!a.signals.is_empty());
        assert!(!a.scorecard.is_empty());
        assert_eq!(a.next_steps.len(), 3);
        assert!(a.section_timing.iter().any(|s| s.status == Status::Long));
    }

    #[test]
    fn plan_follows_targets_from_first_word() {
        let a = sample_analysis();
        let plan = target_plan(&a);
        assert_eq!(plan.len(), a.section_timing.len());
        assert_eq!(plan[0].start_s, answer_start(&a));
        for w in plan.windows(2) {
            assert_eq!(w[0].end_s, w[1].start_s);
        }
        let (t0, t1) = timeline_range(&a);
        assert!(t0 < t1 && t1 >= answer_end(&a));
    }

    #[test]
    fn tick_positions() {
        assert_eq!(tick_step(130.0, 10), 15.0);
        assert_eq!(tick_step(40.0, 10), 5.0);
        assert_eq!(tick_step(100_000.0, 10), 1800.0);
        assert_eq!(
            ticks(0.5, 40.0, 10),
            vec![5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0]
        );
        assert!(ticks(0.0, f64::INFINITY, 10).is_empty());
        assert!(ticks(0.0, f64::NAN, 10).is_empty());
    }

    #[test]
    fn estimated_times_are_marked() {
        let mut a = sample_analysis();
        assert_eq!(at(&a, 65.0), "1:05");
        a.source.timing = Timing::Estimated { wpm: 150.0 };
        assert_eq!(at(&a, 65.0), "~1:05");
        assert_eq!(secs(&a, 1.24), "~1.2 s");
        assert!(overall_line(&a).starts_with("Answer ~"));
    }
}
