//! Progress over attempts: one row per attempt (from the figures [`super::summarize`] kept in
//! its metadata), the best attempt at each question, trend sparklines, and the table, CSV and
//! JSON forms of `rehearse history`.

use std::cmp::Ordering;
use std::fmt::Write as _;

use serde::Serialize;

use super::folder::Attempt;
use super::{Summary, time};
use crate::analyze::frameworks::Band;
use crate::analyze::{PaceStatus, QuestionRef, Status};

/// Version of `rehearse history --format json`. 2: `summary.pace_band` is
/// `{min_wpm, max_wpm}` (was `min_s`/`max_s`).
pub const HISTORY_SCHEMA: u32 = 2;

/// Attempts at the same question belong together: the bank's id when the question is in the
/// bank, else its wording (case and spacing aside).
pub fn question_key(q: Option<&QuestionRef>) -> String {
    match q {
        Some(QuestionRef { id: Some(id), .. }) => format!("id:{id}"),
        Some(q) => format!(
            "text:{}",
            q.text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        ),
        None => "none".to_string(),
    }
}

/// Short name of a question for tables: its id, else its wording.
pub fn question_label(q: Option<&QuestionRef>) -> String {
    match q {
        Some(QuestionRef { id: Some(id), .. }) => id.clone(),
        Some(q) => q.text.split_whitespace().collect::<Vec<_>>().join(" "),
        None => "(no question)".to_string(),
    }
}

/// Whether `question` (an id or a wording, as typed after `--question`) names `q`. `bank_id`
/// is the bank's id for what was typed, when the bank knows it.
pub fn question_matches(q: Option<&QuestionRef>, typed: &str, bank_id: Option<&str>) -> bool {
    let Some(q) = q else { return false };
    if let (Some(a), Some(b)) = (q.id.as_deref(), bank_id) {
        return a == b;
    }
    q.id.as_deref() == Some(typed.trim())
        || question_key(Some(q))
            == question_key(Some(&QuestionRef {
                id: None,
                text: typed.to_string(),
            }))
}

/// Orders two attempts' figures, better first (`Less`): more sections in their target band,
/// then the whole answer in its band, then fewer coaching signals, then pace in its band, then
/// fewer fillers per minute.
pub fn better(a: &Summary, b: &Summary) -> Ordering {
    let in_target = |s: &Summary| s.sections_in_target() as f64 / s.sections.len().max(1) as f64;
    in_target(b)
        .total_cmp(&in_target(a))
        .then_with(|| (b.length == Status::Ok).cmp(&(a.length == Status::Ok)))
        .then_with(|| a.signals.len().cmp(&b.signals.len()))
        .then_with(|| (b.pace == PaceStatus::Ok).cmp(&(a.pace == PaceStatus::Ok)))
        .then_with(|| a.fillers_per_min.total_cmp(&b.fillers_per_min))
}

/// Attempts at one question, oldest first.
#[derive(Debug)]
pub struct Group<'a> {
    pub key: String,
    pub label: String,
    pub question: Option<QuestionRef>,
    /// With their numbers in the listing.
    pub attempts: Vec<(usize, &'a Attempt)>,
    /// The best attempt, when two or more were analyzed (one alone is not "best" of anything).
    pub best: Option<(usize, &'a Attempt)>,
}

impl Group<'_> {
    pub fn latest_started(&self) -> &str {
        self.attempts
            .last()
            .map_or("", |(_, a)| a.meta.started_at.as_str())
    }
}

/// What `rehearse history` shows: numbered rows (the last `last` of them) and, for each
/// question among them, its attempts and best attempt.
#[derive(Debug)]
pub struct View<'a> {
    /// `(number, attempt)`, oldest first; numbers count from the oldest attempt listed.
    pub rows: Vec<(usize, &'a Attempt)>,
    /// Questions in the rows, the one practised most recently first.
    pub groups: Vec<Group<'a>>,
}

impl View<'_> {
    pub fn is_best(&self, a: &Attempt) -> bool {
        self.groups
            .iter()
            .any(|g| g.best.is_some_and(|(_, b)| b.meta.id == a.meta.id))
    }
}

/// Numbers `attempts` (oldest first), keeps the last `last`, and groups them by question. The
/// best attempt is chosen among all of `attempts` at that question, shown or not.
pub fn view<'a>(attempts: &[&'a Attempt], last: Option<usize>) -> View<'a> {
    let numbered: Vec<(usize, &Attempt)> = attempts
        .iter()
        .enumerate()
        .map(|(i, a)| (i + 1, *a))
        .collect();
    let skip = last.map_or(0, |n| numbered.len().saturating_sub(n));
    let rows: Vec<(usize, &Attempt)> = numbered[skip..].to_vec();
    let mut groups: Vec<Group> = Vec::new();
    for &(n, a) in &rows {
        let key = question_key(a.meta.question.as_ref());
        match groups.iter_mut().find(|g| g.key == key) {
            Some(g) => g.attempts.push((n, a)),
            None => groups.push(Group {
                key,
                label: question_label(a.meta.question.as_ref()),
                question: a.meta.question.clone(),
                attempts: vec![(n, a)],
                best: None,
            }),
        }
    }
    for g in &mut groups {
        let scored: Vec<(usize, &Attempt, &Summary)> = numbered
            .iter()
            .filter(|(_, a)| question_key(a.meta.question.as_ref()) == g.key)
            .filter_map(|&(n, a)| a.summary().map(|s| (n, a, s)))
            .collect();
        if scored.len() >= 2 {
            g.best = scored
                .iter()
                // Ties go to the later attempt: the one that shows the current level.
                .min_by(|x, y| better(x.2, y.2).then(y.0.cmp(&x.0)))
                .map(|&(n, a, _)| (n, a));
        }
    }
    groups.sort_by(|a, b| b.latest_started().cmp(a.latest_started()));
    View { rows, groups }
}

/// One character per value, ▁ (lowest) to █ (highest) over the series' own range, but never
/// over less than `min_span` (centred on the values), so that 155 against 156 words per minute
/// does not look like a leap; a blank for a missing value (an attempt whose analysis failed).
pub fn sparkline(values: &[Option<f64>], min_span: f64) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let mut lo = known.iter().copied().fold(f64::INFINITY, f64::min);
    let mut hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if hi - lo < min_span {
        let mid = (hi + lo) / 2.0;
        (lo, hi) = (mid - min_span / 2.0, mid + min_span / 2.0);
    }
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            // Level, drawn mid-height: the same bar a flat series gets with a minimum span.
            Some(_) if hi - lo < 1e-9 => BARS[4],
            Some(x) => {
                let i = ((x - lo) / (hi - lo) * 7.0).round().max(0.0) as usize;
                BARS[i.min(7)]
            }
        })
        .collect()
}

/// Whole seconds, "12 s"; never "-0 s".
pub fn whole_secs(x: f64) -> String {
    // Adding +0.0 turns a negative zero into a positive one.
    format!("{:.0} s", x.max(0.0) + 0.0)
}

/// m:ss.
pub fn clock(seconds: f64) -> String {
    crate::analyze::signals::clock(seconds)
}

fn band_clock(b: &Band) -> String {
    format!("{}-{}", clock(b.min_s), clock(b.max_s))
}

fn status_word(s: Status) -> &'static str {
    s.as_str()
}

/// "1:32 (1:00-2:00) ok".
pub fn length_cell(s: &Summary) -> String {
    format!(
        "{}{} ({}) {}",
        if s.estimated { "~" } else { "" },
        clock(s.answer_s),
        band_clock(&s.target),
        status_word(s.length)
    )
}

struct Paint(bool);

impl Paint {
    fn code(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn status(&self, st: Status, s: &str) -> String {
        match st {
            Status::Ok => self.code("32", s),
            Status::Short | Status::Long => self.code("33", s),
            Status::Missing => self.code("31", s),
        }
    }
}

/// Pads `s` (plain text) to `w` columns, then paints it: escape codes do not count as width.
fn cell(s: &str, w: usize, right: bool, paint: impl Fn(&str) -> String) -> String {
    let n = s.chars().count();
    let pad = " ".repeat(w.saturating_sub(n));
    if right {
        format!("{pad}{}", paint(s))
    } else {
        format!("{}{pad}", paint(s))
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The terminal table, then a block of trends for each question with two or more analyzed
/// attempts among the rows.
pub fn render_table(v: &View, color: bool) -> String {
    let p = Paint(color);
    let headers = [
        "#",
        "ID",
        "DATE (UTC)",
        "QUESTION",
        "LENGTH (TARGET)",
        "SECTIONS",
        "WPM",
        "FILLERS/MIN",
        "SIGNALS",
    ];
    let right = [true, false, false, false, false, true, true, true, true];
    struct Line {
        cells: [String; 9],
        length: Option<Status>,
        note: String,
    }
    let lines: Vec<Line> = v
        .rows
        .iter()
        .map(|&(n, a)| {
            let head = [
                n.to_string(),
                a.id().short().to_string(),
                time::short_display(&a.meta.started_at),
                truncate(&question_label(a.meta.question.as_ref()), 28),
            ];
            let best = if v.is_best(a) { "* best" } else { "" };
            match a.summary() {
                Some(s) => Line {
                    cells: [
                        head[0].clone(),
                        head[1].clone(),
                        head[2].clone(),
                        head[3].clone(),
                        length_cell(s),
                        format!("{}/{}", s.sections_in_target(), s.sections.len()),
                        format!("{:.0}", s.wpm),
                        format!("{:.1}", s.fillers_per_min),
                        s.signals.len().to_string(),
                    ],
                    length: Some(s.length),
                    note: best.to_string(),
                },
                None => Line {
                    cells: [
                        head[0].clone(),
                        head[1].clone(),
                        head[2].clone(),
                        head[3].clone(),
                        clock(a.meta.duration_s),
                        "-".into(),
                        "-".into(),
                        "-".into(),
                        "-".into(),
                    ],
                    length: None,
                    note: format!(
                        "analysis failed: {} (`rehearse reanalyze {}`)",
                        truncate(a.meta.analysis.error.as_deref().unwrap_or("?"), 60),
                        a.id().short()
                    ),
                },
            }
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for l in &lines {
        for (w, c) in widths.iter_mut().zip(&l.cells) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut o = String::new();
    let head: Vec<String> = headers
        .iter()
        .zip(&widths)
        .zip(right)
        .map(|((h, &w), r)| cell(h, w, r, |s| p.code("1", s)))
        .collect();
    let _ = writeln!(o, "{}", head.join("  ").trim_end());
    for l in &lines {
        let cells: Vec<String> = l
            .cells
            .iter()
            .zip(&widths)
            .zip(right)
            .enumerate()
            .map(|(i, ((c, &w), r))| match (i, l.length) {
                (4, Some(st)) => cell(c, w, r, |s| p.status(st, s)),
                (4, None) => cell(c, w, r, |s| p.code("2", s)),
                _ => cell(c, w, r, str::to_string),
            })
            .collect();
        let note = if l.note.starts_with('*') {
            p.code("1", &l.note)
        } else if l.note.is_empty() {
            String::new()
        } else {
            p.code("31", &l.note)
        };
        let line = format!("{}  {note}", cells.join("  "));
        let _ = writeln!(o, "{}", line.trim_end());
    }
    // Most recently practised question last, next to the prompt.
    for g in v.groups.iter().rev() {
        trends(&mut o, g, &p);
    }
    o
}

fn trends(o: &mut String, g: &Group, p: &Paint) {
    let ok: Vec<&Summary> = g.attempts.iter().filter_map(|(_, a)| a.summary()).collect();
    if ok.len() < 2 {
        return;
    }
    let first = ok[0];
    let last = ok[ok.len() - 1];
    let series = |f: &dyn Fn(&Summary) -> f64| -> Vec<Option<f64>> {
        g.attempts.iter().map(|(_, a)| a.summary().map(f)).collect()
    };
    let title = match &g.question {
        Some(QuestionRef { id: Some(id), text }) => format!("{id} ({})", truncate(text, 60)),
        _ => truncate(&g.label, 60),
    };
    let _ = writeln!(
        o,
        "\n{} ({} attempts shown, oldest to newest):",
        p.code("1", &format!("Trends for {title}")),
        g.attempts.len()
    );
    let label_w = 13;
    let mut line = |label: &str, spark: String, text: String| {
        let _ = writeln!(o, "  {label:<label_w$} {spark}  {text}");
    };
    line(
        "length",
        sparkline(&series(&|s| s.answer_s), 10.0),
        format!(
            "{} -> {}  (target {})",
            clock(first.answer_s),
            clock(last.answer_s),
            band_clock(&last.target)
        ),
    );
    line(
        "in target",
        sparkline(&series(&|s| s.sections_in_target() as f64), 1.0),
        format!(
            "{}/{} -> {}/{} sections",
            first.sections_in_target(),
            first.sections.len(),
            last.sections_in_target(),
            last.sections.len()
        ),
    );
    line(
        "pace (wpm)",
        sparkline(&series(&|s| s.wpm), 10.0),
        format!(
            "{:.0} -> {:.0}  (target {:.0}-{:.0})",
            first.wpm, last.wpm, last.pace_band.min_s, last.pace_band.max_s
        ),
    );
    line(
        "fillers/min",
        sparkline(&series(&|s| s.fillers_per_min), 1.0),
        format!(
            "{:.1} -> {:.1}  (lower is better)",
            first.fillers_per_min, last.fillers_per_min
        ),
    );
    line(
        "signals",
        sparkline(&series(&|s| s.signals.len() as f64), 1.0),
        format!("{} -> {}", first.signals.len(), last.signals.len()),
    );
    // Section balance: the latest framework's sections, in seconds, for the attempts that used
    // the same framework.
    let framework = g
        .attempts
        .iter()
        .rev()
        .find_map(|(_, a)| a.summary().map(|_| a.meta.framework.clone()))
        .flatten();
    for sec in &last.sections {
        let vals: Vec<Option<f64>> = g
            .attempts
            .iter()
            .map(|(_, a)| {
                a.summary()
                    .filter(|_| a.meta.framework == framework)
                    .and_then(|s| s.sections.iter().find(|x| x.id == sec.id))
                    .map(|x| x.seconds)
            })
            .collect();
        let firsts = vals.iter().flatten().next().copied().unwrap_or(0.0);
        line(
            &truncate(&sec.name.to_lowercase(), label_w),
            sparkline(&vals, 5.0),
            format!(
                "{} -> {}  (target {:.0}-{:.0} s)",
                whole_secs(firsts),
                p.status(sec.status, &whole_secs(sec.seconds)),
                sec.target.min_s,
                sec.target.max_s
            ),
        );
    }
    if let Some((n, a)) = g.best {
        let s = a.summary();
        let _ = writeln!(
            o,
            "  {}",
            p.code(
                "1",
                &format!(
                    "best: #{n} {} ({}/{} sections in target, length {}, {} signals)",
                    a.id().short(),
                    s.map_or(0, |s| s.sections_in_target()),
                    s.map_or(0, |s| s.sections.len()),
                    s.map_or("?", |s| s.length.as_str()),
                    s.map_or(0, |s| s.signals.len())
                )
            )
        );
    }
}

/// One row of `history --format json|csv`.
#[derive(Debug, Serialize)]
pub struct RowOut<'a> {
    /// Position in the listing, oldest first (the same numbers as the table's `#`).
    pub n: usize,
    pub id: &'a str,
    pub started_at: &'a str,
    pub question: Option<&'a QuestionRef>,
    pub framework: Option<&'a str>,
    /// `ok` or `failed`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
    pub duration_s: f64,
    /// The best attempt at its question among those listed.
    pub best: bool,
    /// The figures (absent when the analysis failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<&'a Summary>,
    /// Where the attempt's files are.
    pub dir: String,
}

fn rows_out<'a>(v: &View<'a>) -> Vec<RowOut<'a>> {
    v.rows
        .iter()
        .map(|&(n, a)| RowOut {
            n,
            id: a.id().as_str(),
            started_at: &a.meta.started_at,
            question: a.meta.question.as_ref(),
            framework: a.meta.framework.as_deref(),
            status: if a.is_ok() { "ok" } else { "failed" },
            error: a.meta.analysis.error.as_deref(),
            duration_s: a.meta.duration_s,
            best: v.is_best(a),
            summary: a.summary(),
            dir: a.dir.display().to_string(),
        })
        .collect()
}

/// `rehearse history --format json`.
pub fn render_json(v: &View, store: &std::path::Path, warnings: &[String]) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        schema: u32,
        store: String,
        attempts: Vec<RowOut<'a>>,
        warnings: &'a [String],
    }
    let out = Out {
        schema: HISTORY_SCHEMA,
        store: store.display().to_string(),
        attempts: rows_out(v),
        warnings,
    };
    let mut s = serde_json::to_string_pretty(&out)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize history: {e}\"}}"));
    s.push('\n');
    s
}

/// A CSV field, quoted when it must be (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `rehearse history --format csv`: one line per attempt, figures blank when the analysis
/// failed.
pub fn render_csv(v: &View) -> String {
    let mut o = String::from(
        "n,id,started_at,question_id,question,framework,status,error,duration_s,answer_s,\
         target_min_s,target_max_s,length,sections_in_target,sections,wpm,fillers,\
         fillers_per_min,signals,signal_ids,best\n",
    );
    for r in rows_out(v) {
        let q = r.question;
        let mut f: Vec<String> = vec![
            r.n.to_string(),
            r.id.to_string(),
            r.started_at.to_string(),
            q.and_then(|q| q.id.clone()).unwrap_or_default(),
            q.map(|q| q.text.clone()).unwrap_or_default(),
            r.framework.unwrap_or("").to_string(),
            r.status.to_string(),
            r.error.unwrap_or("").to_string(),
            format!("{:.2}", r.duration_s),
        ];
        match r.summary {
            Some(s) => f.extend([
                format!("{:.2}", s.answer_s),
                format!("{}", s.target.min_s),
                format!("{}", s.target.max_s),
                s.length.as_str().to_string(),
                s.sections_in_target().to_string(),
                s.sections.len().to_string(),
                format!("{:.1}", s.wpm),
                s.fillers.to_string(),
                format!("{:.2}", s.fillers_per_min),
                s.signals.len().to_string(),
                s.signals.join(" "),
            ]),
            None => f.extend(std::iter::repeat_n(String::new(), 11)),
        }
        f.push(r.best.to_string());
        let line: Vec<String> = f.iter().map(|x| csv_field(x)).collect();
        o.push_str(&line.join(","));
        o.push('\n');
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::frameworks::Band;
    use crate::history::SectionSummary;

    fn summary(in_target: usize, length: Status, signals: usize, fpm: f64) -> Summary {
        let band = Band {
            min_s: 1.0,
            max_s: 2.0,
        };
        Summary {
            framework_name: "x".into(),
            answer_s: 90.0,
            target: band,
            length,
            words: 200,
            sections: (0..5)
                .map(|i| SectionSummary {
                    id: format!("s{i}"),
                    name: format!("S{i}"),
                    seconds: 10.0,
                    target: band,
                    status: if i < in_target {
                        Status::Ok
                    } else {
                        Status::Long
                    },
                })
                .collect(),
            wpm: 150.0,
            pace_band: band,
            pace: PaceStatus::Ok,
            fillers: 0,
            fillers_per_min: fpm,
            signals: vec!["x".into(); signals],
            estimated: false,
        }
    }

    #[test]
    fn better_ranks_sections_then_length_then_signals_then_fillers() {
        use Ordering::*;
        let base = summary(3, Status::Ok, 2, 1.0);
        assert_eq!(better(&summary(4, Status::Long, 9, 9.0), &base), Less);
        assert_eq!(better(&summary(3, Status::Long, 0, 0.0), &base), Greater);
        assert_eq!(better(&summary(3, Status::Ok, 1, 9.0), &base), Less);
        assert_eq!(better(&summary(3, Status::Ok, 2, 0.5), &base), Less);
        assert_eq!(better(&base, &base), Equal);
    }

    #[test]
    fn sparklines_span_the_series_and_mark_gaps() {
        assert_eq!(
            sparkline(&[Some(1.0), Some(2.0), None, Some(8.0)], 0.0),
            "▁▂ █"
        );
        assert_eq!(sparkline(&[Some(5.0), Some(5.0)], 0.0), "▅▅");
        assert_eq!(sparkline(&[Some(155.0), Some(156.0)], 10.0), "▄▅");
        assert_eq!(sparkline(&[], 1.0), "");
        assert_eq!(sparkline(&[None], 1.0), " ");
        assert_eq!(whole_secs(-0.001), "0 s");
        assert_eq!(whole_secs(12.4), "12 s");
    }

    #[test]
    fn questions_group_by_id_else_wording() {
        let q = |id: Option<&str>, t: &str| QuestionRef {
            id: id.map(str::to_string),
            text: t.into(),
        };
        assert_eq!(
            question_key(Some(&q(Some("failure"), "Tell me"))),
            question_key(Some(&q(Some("failure"), "other words")))
        );
        assert_eq!(
            question_key(Some(&q(None, "Why  this job?"))),
            question_key(Some(&q(None, "why this job?")))
        );
        assert!(question_matches(
            Some(&q(Some("failure"), "x")),
            "a time you failed",
            Some("failure")
        ));
        assert!(question_matches(
            Some(&q(None, "Why this job?")),
            "why this JOB?",
            None
        ));
        assert!(!question_matches(None, "x", None));
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
