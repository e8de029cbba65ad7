//! What the speaker sees while recording: elapsed time, the input level, warnings, and where
//! the clock says the answer should be. Pure text from a snapshot; [`super::session`] decides
//! when and where to draw it.

use super::clock;
use super::plan::{Overall, Plan, Position};

/// No signal is worth a warning only after this long: a speaker pausing to think makes some
/// quiet, but a real microphone never makes exact digital zeros.
pub const NO_SIGNAL_AFTER_S: f64 = 3.0;

/// Clipping stays on screen this long after the last clipped sample, long enough to read.
pub const CLIP_HOLD_S: f64 = 2.0;

/// The floor of the meter.
pub const METER_FLOOR_DB: f32 = -60.0;

/// One moment of a recording, as the writer and the session saw it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Snapshot {
    /// Recorded time (from the frames written, not the wall clock).
    pub elapsed_s: f64,
    pub max_s: f64,
    /// Last metering window, linear full scale.
    pub peak: f32,
    pub rms: f32,
    /// Current run of digital silence.
    pub silent_s: f64,
    /// Seconds since the last clipped sample, if any.
    pub since_clip_s: Option<f64>,
    /// Wall seconds since the device last delivered audio, when that is worryingly long.
    pub stalled_s: Option<f64>,
    pub dropped: u64,
}

/// Full-scale-relative level in dB, floored so that silence prints as a number.
pub fn dbfs(x: f32) -> f32 {
    if x <= 0.0 {
        -99.0
    } else {
        (20.0 * x.log10()).max(-99.0)
    }
}

/// `[#######|.......]`: RMS as the filled part, the peak as `|`, from -60 to 0 dBFS.
pub fn meter_bar(peak: f32, rms: f32, width: usize) -> String {
    let pos = |x: f32| -> usize {
        let db = dbfs(x).max(METER_FLOOR_DB);
        (((db - METER_FLOOR_DB) / -METER_FLOOR_DB) * width as f32).round() as usize
    };
    let filled = pos(rms).min(width);
    let peak_at = pos(peak).min(width);
    let mut bar = String::with_capacity(width + 2);
    bar.push('[');
    for i in 0..width {
        bar.push(if i < filled {
            '#'
        } else if peak_at > 0 && i == peak_at - 1 {
            '|'
        } else {
            '.'
        });
    }
    bar.push(']');
    bar
}

/// "0:24 opening, finish by 0:30 · next: situation".
pub fn guidance(plan: &Plan, t: f64) -> String {
    match plan.position(t) {
        Position::In { step, next, .. } => {
            let mut s = format!(
                "{} {}, finish by {}",
                clock(t),
                step.name,
                clock(step.finish_by)
            );
            if let Some(n) = next {
                s.push_str(&format!(" · next: {}", n.name));
            }
            s
        }
        Position::Past => format!(
            "{} past the plan's last section ({} ended at {}): wrap up",
            clock(t),
            plan.steps.last().map_or("", |s| s.name.as_str()),
            clock(plan.steps.last().map_or(0.0, |s| s.finish_by))
        ),
    }
}

/// "answer 1:00-2:00: 0:36 to go" and its in-band and too-long forms.
pub fn overall(plan: &Plan, t: f64) -> String {
    let band = format!(
        "answer {}-{}",
        clock(plan.overall_min_s),
        clock(plan.overall_max_s)
    );
    match plan.overall(t) {
        Overall::Under(left) => format!("{band}: {} to the minimum", clock(left.ceil())),
        Overall::Within(left) => format!("{band}: in the band, {} left", clock(left.ceil())),
        Overall::Over(by) => format!("{band}: over by {}, finish now", clock(by)),
    }
}

/// The warnings that apply now, most urgent first.
pub fn warnings(s: &Snapshot) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(stalled) = s.stalled_s {
        w.push(format!(
            "NO AUDIO from the device for {:.0} s",
            stalled.floor()
        ));
    }
    if s.since_clip_s.is_some_and(|c| c < CLIP_HOLD_S) {
        w.push("CLIPPING: too loud, lower the input gain".to_string());
    }
    if s.silent_s >= NO_SIGNAL_AFTER_S {
        w.push(format!(
            "NO SIGNAL for {:.0} s: muted microphone or wrong --device?",
            s.silent_s.floor()
        ));
    }
    if s.dropped > 0 {
        w.push(format!("{} samples dropped", s.dropped));
    }
    w
}

fn level_text(s: &Snapshot) -> String {
    format!(
        "peak {:>5.1} dBFS  rms {:>5.1} dBFS",
        dbfs(s.peak),
        dbfs(s.rms)
    )
}

/// From this far behind the speech, the words on the display say how old they are and the
/// section line gives no advice: the speaker may have moved on since.
pub const STALE_AFTER_S: f64 = 5.0;

/// What live transcription has made of the answer so far, for the display.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heard {
    /// The last words transcribed.
    pub words: String,
    /// The section the analysis puts the latest sentence in.
    pub section: Option<SectionNow>,
    /// Recording time the words reach: the speech after it is not transcribed yet.
    pub upto_s: f64,
}

/// The section the analysis thinks the speaker is in, and its target.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionNow {
    pub name: String,
    /// Recording time at which the speaker entered it.
    pub since_s: f64,
    pub min_s: f64,
    pub max_s: f64,
    /// What the next section is about ("what you did"); `None` for the last section.
    pub next: Option<String>,
}

/// "Situation 0:41 of 0:25 — move on to what you did": the analysed section's time so far
/// against its target, at recording time `t`, for words that reach `upto_s`. Words more than
/// [`STALE_AFTER_S`] behind give the time as of then and no advice: the speaker may have left
/// the section since.
pub fn section_now(now: &SectionNow, t: f64, upto_s: f64) -> String {
    let behind = t - upto_s;
    if behind > STALE_AFTER_S {
        let spent = (upto_s - now.since_s).max(0.0);
        return format!(
            "{} {} of {}-{} as of {:.0} s ago",
            now.name,
            clock(spent),
            clock(now.min_s),
            clock(now.max_s),
            behind.floor()
        );
    }
    let spent = (t - now.since_s).max(0.0);
    let head = format!("{} {}", now.name, clock(spent));
    if spent > now.max_s {
        match &now.next {
            Some(next) => format!("{head} of {} — move on to {next}", clock(now.max_s)),
            None => format!("{head} of {} — wrap up", clock(now.max_s)),
        }
    } else if spent >= now.min_s {
        format!(
            "{head} of {}-{}, in the band",
            clock(now.min_s),
            clock(now.max_s)
        )
    } else {
        format!("{head} of {}-{}", clock(now.min_s), clock(now.max_s))
    }
}

/// Labels of the two section lines: where the plan's clock says the answer should be, and where
/// the analysis of the words heard puts it.
pub const CLOCK_LABEL: &str = "on the clock:";
pub const WORDS_LABEL: &str = "in your words:";

/// The two live-transcription lines: what was heard last (with its age once it falls behind),
/// and where the analysis puts it.
fn heard_lines(h: &Heard, t: f64) -> [String; 2] {
    let behind = t - h.upto_s;
    let words = if h.words.is_empty() {
        "  heard: (transcribing as you speak...)".to_string()
    } else if behind > STALE_AFTER_S && h.upto_s > 0.0 {
        format!("  heard ({:.0} s ago): …{}", behind.floor(), h.words)
    } else {
        format!("  heard: …{}", h.words)
    };
    let section = match &h.section {
        Some(now) => format!("  {WORDS_LABEL} {}", section_now(now, t, h.upto_s)),
        None => format!("  {WORDS_LABEL} (the analysis starts with the first words)"),
    };
    [words, section]
}

/// The lines redrawn in place on a terminal, each cut to `width` columns: time and level, where
/// the clock says the answer should be, the band for the whole answer, with live transcription
/// the last words heard and the section the analysis puts them in, and the warnings (empty when
/// all is well, always last). One thing per line, so that none pushes another off an 80-column
/// screen.
pub fn live_lines(
    s: &Snapshot,
    plan: Option<&Plan>,
    heard: Option<&Heard>,
    width: usize,
) -> Vec<String> {
    let first = format!(
        "● REC {} / {}  {}  {}",
        clock(s.elapsed_s),
        clock(s.max_s),
        meter_bar(s.peak, s.rms, 20),
        level_text(s)
    );
    let (second, third) = match plan {
        Some(p) => (
            format!("  {CLOCK_LABEL} {}", guidance(p, s.elapsed_s)),
            format!("  {}", overall(p, s.elapsed_s)),
        ),
        None => (String::new(), String::new()),
    };
    let last: String = warnings(s).iter().map(|w| format!("  ! {w}")).collect();
    let mut lines = vec![first, second, third];
    if let Some(h) = heard {
        lines.extend(heard_lines(h, s.elapsed_s));
    }
    lines.push(last);
    lines.into_iter().map(|l| fit(&l, width)).collect()
}

/// One self-contained line for a log or a pipe, printed every second.
pub fn plain_line(s: &Snapshot, plan: Option<&Plan>, heard: Option<&Heard>) -> String {
    let mut line = format!("rec {}  {}", clock(s.elapsed_s), level_text(s));
    if let Some(p) = plan {
        line.push_str(&format!(
            "  |  {CLOCK_LABEL} {}  |  {}",
            guidance(p, s.elapsed_s),
            overall(p, s.elapsed_s)
        ));
    }
    if let Some(h) = heard {
        for l in heard_lines(h, s.elapsed_s) {
            line.push_str("  |  ");
            line.push_str(l.trim());
        }
    }
    for w in warnings(s) {
        line.push_str("  |  ");
        line.push_str(&w);
    }
    line
}

/// Cuts a line to the terminal's width, in characters, so that it never wraps (a wrapped line
/// would break the redraw in place).
pub fn fit(line: &str, width: usize) -> String {
    let max = width.saturating_sub(1).max(10);
    if line.chars().count() <= max {
        line.to_string()
    } else {
        let mut cut: String = line.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::frameworks::Catalog;

    fn plan(id: &str) -> Plan {
        let cat = Catalog::embedded().expect("embedded data");
        Plan::from_framework(cat.framework(id).expect("framework"))
    }

    #[test]
    fn levels_in_dbfs() {
        assert!((dbfs(1.0) - 0.0).abs() < 1e-6);
        assert!((dbfs(0.5) + 6.02).abs() < 0.01);
        assert_eq!(dbfs(0.0), -99.0);
        assert_eq!(meter_bar(0.0, 0.0, 10), "[..........]");
        assert_eq!(meter_bar(1.0, 1.0, 10), "[##########]");
        // -30 dBFS RMS fills half; a -6 dBFS peak sits near the top.
        assert_eq!(meter_bar(0.5, 0.0316, 10), "[#####...|.]");
    }

    #[test]
    fn the_clock_names_the_section_and_its_end() {
        let p = plan("star-long");
        assert_eq!(
            guidance(&p, 24.0),
            "0:24 opening, finish by 0:30 · next: situation"
        );
        assert!(guidance(&p, 5000.0).contains("wrap up"));
        let p = plan("star-l");
        assert_eq!(overall(&p, 24.0), "answer 1:00-2:00: 0:36 to the minimum");
        assert_eq!(
            overall(&p, 90.0),
            "answer 1:00-2:00: in the band, 0:30 left"
        );
        assert_eq!(
            overall(&p, 125.0),
            "answer 1:00-2:00: over by 0:05, finish now"
        );
    }

    #[test]
    fn warnings_for_clipping_silence_and_drops() {
        let quiet = Snapshot {
            silent_s: 4.2,
            ..Snapshot::default()
        };
        assert!(warnings(&quiet)[0].starts_with("NO SIGNAL for 4 s"));
        let loud = Snapshot {
            since_clip_s: Some(0.5),
            dropped: 12,
            ..Snapshot::default()
        };
        let w = warnings(&loud);
        assert!(w[0].starts_with("CLIPPING"));
        assert_eq!(w[1], "12 samples dropped");
        assert!(warnings(&Snapshot::default()).is_empty());
    }

    #[test]
    fn lines_fit_the_terminal() {
        let p = plan("star-long");
        let s = Snapshot {
            elapsed_s: 24.0,
            max_s: 1800.0,
            silent_s: 5.0,
            ..Snapshot::default()
        };
        for width in [40, 80, 200] {
            for line in live_lines(&s, Some(&p), None, width) {
                assert!(line.chars().count() < width.max(11), "{line}");
            }
        }
        let plain = plain_line(&s, Some(&p), None);
        assert!(plain.contains("0:24 opening, finish by 0:30"), "{plain}");
        assert!(plain.contains("NO SIGNAL"), "{plain}");
    }

    #[test]
    fn the_heard_section_is_timed_against_its_target() {
        let now = SectionNow {
            name: "Situation".into(),
            since_s: 2.0,
            min_s: 8.0,
            max_s: 25.0,
            next: Some("what you did".into()),
        };
        assert_eq!(section_now(&now, 7.0, 6.0), "Situation 0:05 of 0:08-0:25");
        assert_eq!(
            section_now(&now, 20.0, 18.0),
            "Situation 0:18 of 0:08-0:25, in the band"
        );
        assert_eq!(
            section_now(&now, 43.5, 41.0),
            "Situation 0:41 of 0:25 — move on to what you did"
        );
        let last = SectionNow { next: None, ..now };
        assert!(section_now(&last, 60.0, 58.0).ends_with("— wrap up"));
        let heard = Heard {
            words: "and that was my call.".into(),
            section: Some(last),
            upto_s: 13.0,
        };
        let s = Snapshot {
            elapsed_s: 14.0,
            ..Snapshot::default()
        };
        let lines = live_lines(&s, Some(&plan("star-l")), Some(&heard), 80);
        assert_eq!(lines.len(), 6);
        assert!(lines[1].starts_with("  on the clock: 0:14 "), "{lines:?}");
        assert!(
            lines[3].contains("heard: …and that was my call."),
            "{lines:?}"
        );
        assert!(
            lines[4].contains("in your words: Situation 0:12 of 0:08-0:25, in the band"),
            "{lines:?}"
        );
        let plain = plain_line(&s, Some(&plan("star-l")), Some(&heard));
        assert!(plain.contains("heard: …and that was my call."), "{plain}");
        assert!(plain.contains("on the clock: 0:14"), "{plain}");
        assert!(plain.contains("in your words: Situation"), "{plain}");
    }

    #[test]
    fn words_that_fall_behind_show_their_age_and_give_no_advice() {
        // The speaker entered Situation at 2 s; the words reach 20 s, the recording is at 33 s:
        // by the clock Situation would be over its 25 s, but they may have moved on.
        let now = SectionNow {
            name: "Situation".into(),
            since_s: 2.0,
            min_s: 8.0,
            max_s: 25.0,
            next: Some("what you did".into()),
        };
        assert_eq!(
            section_now(&now, 33.0, 20.0),
            "Situation 0:18 of 0:08-0:25 as of 13 s ago"
        );
        let heard = Heard {
            words: "we had two weeks".into(),
            section: Some(now.clone()),
            upto_s: 20.0,
        };
        let s = Snapshot {
            elapsed_s: 33.0,
            ..Snapshot::default()
        };
        let lines = live_lines(&s, None, Some(&heard), 100);
        assert!(
            lines[3].contains("heard (13 s ago): …we had two weeks"),
            "{lines:?}"
        );
        assert!(!lines[4].contains("move on"), "{lines:?}");
        // Within the limit the age is not shown.
        let fresh = Heard {
            upto_s: 30.0,
            ..heard
        };
        let lines = live_lines(&s, None, Some(&fresh), 100);
        assert!(lines[3].contains("  heard: …we had two weeks"), "{lines:?}");
        assert!(lines[4].contains("move on to what you did"), "{lines:?}");
    }
}
