//! Two attempts side by side: each section's time against its target, the whole answer, pace,
//! fillers, and which coaching signals were fixed, which are new and which remain.

use std::fmt::Write as _;

use serde::Serialize;

use super::folder::Attempt;
use super::progress::{clock, question_label, whole_secs};
use super::time;
use crate::analyze::frameworks::Band;
use crate::analyze::{Analysis, PaceStatus, Status};

/// One attempt's side of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub id: String,
    pub started_at: String,
    pub question: String,
    pub framework: String,
    pub answer_s: f64,
    pub target: Band,
    pub length: Status,
    pub wpm: f64,
    /// Words per minute.
    #[serde(serialize_with = "crate::analyze::frameworks::wpm_band::serialize")]
    pub pace_band: Band,
    pub pace: PaceStatus,
    pub fillers: usize,
    pub fillers_per_min: f64,
    pub signals: Vec<String>,
}

/// A section's time in one attempt.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SectionTime {
    pub seconds: f64,
    pub status: Status,
}

/// One framework section in both attempts (`None` where that attempt's framework lacks it).
#[derive(Debug, Clone, Serialize)]
pub struct SectionRow {
    pub id: String,
    pub name: String,
    /// The later attempt's target when it has the section, else the earlier one's.
    pub target: Band,
    pub a: Option<SectionTime>,
    pub b: Option<SectionTime>,
}

/// `rehearse compare A B`.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub a: Side,
    pub b: Side,
    pub sections: Vec<SectionRow>,
    /// Signals A had and B does not.
    pub fixed: Vec<String>,
    /// Signals B has and A did not.
    pub new: Vec<String>,
    /// Signals both have.
    pub remaining: Vec<String>,
}

fn side(at: &Attempt, r: &Analysis) -> Side {
    let mut signals: Vec<String> = r.signals.iter().map(|s| s.id.clone()).collect();
    signals.dedup();
    Side {
        id: at.id().to_string(),
        started_at: at.meta.started_at.clone(),
        question: question_label(at.meta.question.as_ref()),
        framework: r.framework.clone(),
        answer_s: r.overall.answer_s,
        target: r.overall.target,
        length: r.overall.status,
        wpm: r.pace.wpm,
        pace_band: r.pace.band,
        pace: r.pace.status,
        fillers: r.filler_stats.count,
        fillers_per_min: r.filler_stats.per_minute,
        signals,
    }
}

/// Compares attempt `a` (with its report `ra`) with `b` (report `rb`).
pub fn compare(a: &Attempt, ra: &Analysis, b: &Attempt, rb: &Analysis) -> Comparison {
    let mut sections: Vec<SectionRow> = Vec::new();
    // A's framework order first, then what only B's framework has.
    for s in &ra.section_timing {
        let other = rb.section_timing.iter().find(|x| x.id == s.id);
        sections.push(SectionRow {
            id: s.id.clone(),
            name: s.name.clone(),
            target: other.map_or(s.target, |o| o.target),
            a: Some(SectionTime {
                seconds: s.duration_s,
                status: s.status,
            }),
            b: other.map(|o| SectionTime {
                seconds: o.duration_s,
                status: o.status,
            }),
        });
    }
    for s in &rb.section_timing {
        if !sections.iter().any(|x| x.id == s.id) {
            sections.push(SectionRow {
                id: s.id.clone(),
                name: s.name.clone(),
                target: s.target,
                a: None,
                b: Some(SectionTime {
                    seconds: s.duration_s,
                    status: s.status,
                }),
            });
        }
    }
    let sa = side(a, ra);
    let sb = side(b, rb);
    let fixed = sa
        .signals
        .iter()
        .filter(|s| !sb.signals.contains(s))
        .cloned()
        .collect();
    let new = sb
        .signals
        .iter()
        .filter(|s| !sa.signals.contains(s))
        .cloned()
        .collect();
    let remaining = sa
        .signals
        .iter()
        .filter(|s| sb.signals.contains(s))
        .cloned()
        .collect();
    Comparison {
        a: sa,
        b: sb,
        sections,
        fixed,
        new,
        remaining,
    }
}

fn signed(d: f64, unit: &str, decimals: usize) -> String {
    let d = if d.abs() < 0.5 * 10f64.powi(-(decimals as i32)) {
        0.0
    } else {
        d
    };
    let sign = if d > 0.0 {
        "+"
    } else if d < 0.0 {
        "-"
    } else {
        "±"
    };
    format!("{sign}{:.decimals$}{unit}", d.abs())
}

fn signed_clock(d: f64) -> String {
    let sign = if d.round() > 0.0 {
        "+"
    } else if d.round() < 0.0 {
        "-"
    } else {
        "±"
    };
    format!("{sign}{}", clock(d.abs()))
}

/// The comparison as a plain-text table: label, A, B, change.
pub fn render_text(c: &Comparison) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut push = |l: &str, a: String, b: String, d: String| {
        rows.push([l.to_string(), a, b, d]);
    };
    push(
        "",
        format!("A  {}", c.a.id),
        format!("B  {}", c.b.id),
        "change".into(),
    );
    push(
        "started (UTC)",
        time::short_display(&c.a.started_at),
        time::short_display(&c.b.started_at),
        String::new(),
    );
    push(
        "question",
        c.a.question.clone(),
        c.b.question.clone(),
        String::new(),
    );
    push(
        "framework",
        c.a.framework.clone(),
        c.b.framework.clone(),
        String::new(),
    );
    let len = |s: &Side| {
        format!(
            "{} ({}-{}) {}",
            clock(s.answer_s),
            clock(s.target.min_s),
            clock(s.target.max_s),
            s.length.as_str()
        )
    };
    push(
        "answer",
        len(&c.a),
        len(&c.b),
        signed_clock(c.b.answer_s - c.a.answer_s),
    );
    for s in &c.sections {
        let t = |x: Option<SectionTime>| {
            x.map_or("-".to_string(), |x| {
                format!("{} {}", whole_secs(x.seconds), x.status.as_str())
            })
        };
        let d = match (s.a, s.b) {
            (Some(a), Some(b)) => signed(b.seconds - a.seconds, " s", 0),
            _ => String::new(),
        };
        push(
            &format!(
                "  {} ({:.0}-{:.0} s)",
                s.name, s.target.min_s, s.target.max_s
            ),
            t(s.a),
            t(s.b),
            d,
        );
    }
    let pace = |s: &Side| {
        let st = match s.pace {
            PaceStatus::Slow => "slow",
            PaceStatus::Ok => "ok",
            PaceStatus::Fast => "fast",
        };
        format!("{:.0} wpm {st}", s.wpm)
    };
    push(
        &format!(
            "pace ({:.0}-{:.0} wpm)",
            c.b.pace_band.min_s, c.b.pace_band.max_s
        ),
        pace(&c.a),
        pace(&c.b),
        signed(c.b.wpm - c.a.wpm, " wpm", 0),
    );
    let fill = |s: &Side| format!("{} ({:.1}/min)", s.fillers, s.fillers_per_min);
    push(
        "fillers",
        fill(&c.a),
        fill(&c.b),
        signed(c.b.fillers_per_min - c.a.fillers_per_min, "/min", 1),
    );
    push(
        "signals",
        c.a.signals.len().to_string(),
        c.b.signals.len().to_string(),
        signed(c.b.signals.len() as f64 - c.a.signals.len() as f64, "", 0),
    );
    let mut w = [0usize; 4];
    for r in &rows {
        for (w, c) in w.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut o = String::new();
    for r in &rows {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2]
        );
        let _ = writeln!(o, "{}", line.trim_end());
    }
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    let _ = writeln!(o);
    let _ = writeln!(o, "signals fixed:     {}", list(&c.fixed));
    let _ = writeln!(o, "signals new:       {}", list(&c.new));
    let _ = writeln!(o, "signals remaining: {}", list(&c.remaining));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_differences() {
        assert_eq!(signed(3.2, " s", 0), "+3 s");
        assert_eq!(signed(-0.2, " s", 0), "±0 s");
        assert_eq!(signed(-1.26, "/min", 1), "-1.3/min");
        assert_eq!(signed_clock(-65.0), "-1:05");
        assert_eq!(signed_clock(0.2), "±0:00");
    }
}
