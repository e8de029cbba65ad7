//! The terminal report: header, a timeline of the sections against their targets, tables and
//! the next steps, with ANSI colours only when asked for.

use std::fmt::Write as _;

use super::shared::{
    RenderOptions, answer_end, approx, at, band_secs, estimate_warning, overall_line,
    pace_status_str, pause_where, secs, section_name, section_slot, severity_str, status_str,
    target_plan, ticks, timeline_range, timing_text, uncertain_note, verdict_str,
};
use crate::analyze::{Analysis, PaceStatus, Severity, Status, Verdict};

/// Fillers listed one by one; past this the counts by text say enough.
const MAX_FILLERS_LISTED: usize = 12;
/// Pauses listed one by one.
const MAX_PAUSES_LISTED: usize = 20;
/// Width of the label column left of the timeline bars.
const LABEL_W: usize = 10;

/// 256-colour backgrounds for sections, by framework position, with a foreground that reads on
/// each; close to the HTML report's palette so both look alike.
const SECTION_COLORS: &[(u8, u8)] = &[
    (67, 231),
    (208, 16),
    (71, 16),
    (167, 16),
    (139, 16),
    (109, 16),
    (221, 16),
    (137, 231),
    (217, 16),
    (145, 16),
];

/// ANSI styling that turns into nothing when colour is off.
struct Paint {
    on: bool,
}

impl Paint {
    fn code(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.code("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.code("2", s)
    }
    fn heading(&self, s: &str) -> String {
        self.code("1;4", s)
    }
    fn status(&self, st: Status, s: &str) -> String {
        match st {
            Status::Ok => self.code("32", s),
            Status::Short | Status::Long => self.code("33", s),
            Status::Missing => self.code("31", s),
        }
    }
    fn section(&self, slot: usize, s: &str) -> String {
        let (bg, fg) = SECTION_COLORS[slot % SECTION_COLORS.len()];
        self.code(&format!("48;5;{bg};38;5;{fg}"), s)
    }
}

/// Renders the terminal report.
pub fn render(a: &Analysis, opts: &RenderOptions) -> String {
    let p = Paint { on: opts.color };
    // Below 40 columns nothing lines up anyway; above 160 the bars get hard to read.
    let width = opts.width.clamp(40, 160);
    let mut out = String::new();
    header(&mut out, a, &p, width);
    timeline(&mut out, a, &p, width);
    sections_table(&mut out, a, &p, width);
    pace(&mut out, a, &p, width);
    pauses(&mut out, a, &p, width);
    fillers(&mut out, a, &p, width);
    strengths(&mut out, a, &p, width);
    delivery(&mut out, a, &p, width);
    signals(&mut out, a, &p, width);
    scorecard(&mut out, a, &p, width);
    next_steps(&mut out, a, &p, width);
    notes(&mut out, a, &p, width);
    out
}

/// Greedy word wrap; the prefixes are plain text (no escapes) so their width is their length.
fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut len = first.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        let wl = word.chars().count();
        if !empty && len + 1 + wl > width {
            lines.push(std::mem::take(&mut line));
            line.push_str(rest);
            len = rest.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += wl;
        empty = false;
    }
    lines.push(line);
    lines
}

fn push_wrapped(out: &mut String, text: &str, width: usize, first: &str, rest: &str) {
    for l in wrap(text, width, first, rest) {
        out.push_str(l.trim_end());
        out.push('\n');
    }
}

fn pad(s: &str, w: usize) -> String {
    format!("{s:<w$}")
}

fn header(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    let _ = writeln!(out, "{}", p.bold(&format!("rehearse: {}", a.source.path)));
    if let Some(q) = &a.question {
        push_wrapped(out, &q.text, width, "Question   ", "           ");
    }
    let mut fw = format!("{} ({})", a.framework_name, a.framework);
    if !a.framework_fit.is_empty() {
        let fits: Vec<String> = a
            .framework_fit
            .iter()
            .take(3)
            .map(|f| format!("{} {:.2}", f.id, f.score))
            .collect();
        let _ = write!(fw, ", picked by fit: {}", fits.join(", "));
    }
    push_wrapped(out, &fw, width, "Framework  ", "           ");
    push_wrapped(
        out,
        &format!(
            "{} recorded, {}",
            at(a, a.duration_s),
            timing_text(&a.source.timing)
        ),
        width,
        "Recording  ",
        "           ",
    );
    if let Some(audio) = &a.source.audio
        && *audio != a.source.path
    {
        push_wrapped(out, audio, width, "Audio      ", "           ");
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{}",
        p.status(a.overall.status, &p.bold(&overall_line(a)))
    );
    if let Some(first) = a.next_steps.first() {
        push_wrapped(out, first, width, "", "");
    }
    if let Some(w) = estimate_warning(a) {
        push_wrapped(out, &w, width, "~ ", "  ");
    }
}

/// One letter per section slot (framework order) for the bars and their legend: the name's
/// first letter when free, else another of its letters, else a digit.
fn letters(a: &Analysis) -> Vec<char> {
    let mut used: Vec<char> = Vec::new();
    for st in &a.section_timing {
        let pick = st
            .name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .chain('1'..='9')
            .chain('a'..='z')
            .find(|c| !used.contains(c))
            .unwrap_or('?');
        used.push(pick);
    }
    used
}

/// Draws a bar from per-cell slots (`None` is a gap), grouping runs so colour codes are emitted
/// once per run.
fn bar(cells: &[Option<usize>], letters: &[char], p: &Paint, names: &[&str]) -> String {
    let mut s = String::new();
    let mut i = 0;
    while i < cells.len() {
        let mut j = i + 1;
        while j < cells.len() && cells[j] == cells[i] {
            j += 1;
        }
        let run = j - i;
        match cells[i] {
            None => s.push_str(&" ".repeat(run)),
            Some(slot) => {
                let letter = letters.get(slot).copied().unwrap_or('?');
                if p.on {
                    // On a coloured background the name fits where there is room; the colour
                    // already tells the runs apart.
                    let name = names.get(slot).copied().unwrap_or("");
                    let label: String = if name.chars().count() < run {
                        name.to_string()
                    } else {
                        letter.to_string()
                    };
                    let padded: String = format!("{label:<run$}").chars().take(run).collect();
                    s.push_str(&p.section(slot, &padded));
                } else {
                    s.extend(std::iter::repeat_n(letter, run));
                }
            }
        }
        i = j;
    }
    s
}

fn timeline(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    let (t0, t1) = timeline_range(a);
    let n = width.saturating_sub(LABEL_W + 1).max(20);
    let dt = (t1 - t0) / n as f64;
    let letters = letters(a);
    let names: Vec<&str> = a.section_timing.iter().map(|s| s.name.as_str()).collect();
    let end = answer_end(a);

    let mut spoken: Vec<Option<usize>> = (0..n)
        .map(|i| {
            let t = t0 + (i as f64 + 0.5) * dt;
            if t > end || a.pauses.iter().any(|q| q.start_s <= t && t < q.end_s) {
                return None;
            }
            // Gaps shorter than a pause belong to the section being spoken before them.
            a.sections
                .iter()
                .rev()
                .find(|s| s.start_s <= t)
                .or(a.sections.first())
                .map(|s| section_slot(a, &s.id))
        })
        .collect();
    // A span shorter than a cell still gets one, so no spoken section vanishes from the bar.
    for s in &a.sections {
        let slot = section_slot(a, &s.id);
        let from = (((s.start_s - t0) / dt).floor().max(0.0) as usize).min(n - 1);
        let to = (((s.end_s - t0) / dt).ceil().max(0.0) as usize).clamp(from + 1, n);
        if !spoken[from..to].contains(&Some(slot)) {
            spoken[from] = Some(slot);
        }
    }
    let plan = target_plan(a);
    let target: Vec<Option<usize>> = (0..n)
        .map(|i| {
            let t = t0 + (i as f64 + 0.5) * dt;
            plan.iter()
                .find(|q| q.start_s <= t && t < q.end_s)
                .map(|q| q.slot)
        })
        .collect();

    out.push('\n');
    let _ = writeln!(
        out,
        "{}",
        p.heading("Timeline: sections as spoken, against their targets")
    );
    // Axis: "|0:15" at each tick, skipped where it would run into the previous label.
    let mut axis: Vec<char> = vec![' '; n];
    let mut free_from = 0usize;
    for t in ticks(t0, t1, (n / 8).max(1)) {
        let col = ((t - t0) / dt).round() as usize;
        let label: Vec<char> = format!("|{}{}", approx(a), crate::analyze::signals::clock(t))
            .chars()
            .collect();
        if col >= free_from && col + label.len() <= n {
            axis[col..col + label.len()].copy_from_slice(&label);
            free_from = col + label.len() + 1;
        }
    }
    let axis: String = axis.into_iter().collect();
    let _ = writeln!(out, "{}{}", " ".repeat(LABEL_W), p.dim(axis.trim_end()));
    let _ = writeln!(
        out,
        "{}{}",
        pad("  spoken", LABEL_W),
        bar(&spoken, &letters, p, &names).trim_end()
    );
    let _ = writeln!(
        out,
        "{}{}",
        pad("  target", LABEL_W),
        bar(&target, &letters, p, &names).trim_end()
    );
    // Legend, wrapped to the width; the letter keeps its section colour.
    let mut line = " ".repeat(LABEL_W);
    let mut len = LABEL_W;
    for (slot, name) in names.iter().enumerate() {
        let letter = letters.get(slot).copied().unwrap_or('?');
        let item_len = 2 + name.chars().count() + 2;
        if len + item_len > width && len > LABEL_W {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(LABEL_W);
            len = LABEL_W;
        }
        let _ = write!(line, "{} {name}  ", p.section(slot, &letter.to_string()));
        len += item_len;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    push_wrapped(
        out,
        "target: each section as long as the middle of its band, one after another; a gap in the spoken bar is a pause of 1 s or more",
        width,
        &" ".repeat(LABEL_W),
        &" ".repeat(LABEL_W),
    );
}

fn sections_table(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    out.push('\n');
    let _ = writeln!(out, "{}", p.heading("Sections"));
    let head = [
        "section", "start", "time", "target", "status", "wpm", "fillers",
    ];
    let rows: Vec<([String; 7], Status)> = a
        .section_timing
        .iter()
        .map(|st| {
            let spans = a.sections.iter().filter(|s| s.id == st.id).count();
            let mut name = if spans > 1 {
                format!("{} ({spans} parts)", st.name)
            } else {
                st.name.clone()
            };
            if st.uncertain {
                name.push_str(" ?");
            }
            (
                [
                    name,
                    st.start_s.map_or("-".into(), |t| at(a, t)),
                    if st.status == Status::Missing {
                        "-".into()
                    } else {
                        secs(a, st.duration_s)
                    },
                    band_secs(&st.target),
                    status_str(st.status).to_string(),
                    st.wpm
                        .map_or("-".into(), |w| format!("{}{w:.0}", approx(a))),
                    st.fillers.to_string(),
                ],
                st.status,
            )
        })
        .collect();
    let mut w = head.map(str::len);
    for (r, _) in &rows {
        for (k, c) in r.iter().enumerate() {
            w[k] = w[k].max(c.chars().count());
        }
    }
    // Numbers right-aligned, words left-aligned.
    let right = [false, true, true, true, false, true, true];
    let cell = |k: usize, s: &str| {
        if right[k] {
            format!("{s:>width$}", width = w[k])
        } else {
            format!("{s:<width$}", width = w[k])
        }
    };
    let line: Vec<String> = head.iter().enumerate().map(|(k, h)| cell(k, h)).collect();
    let _ = writeln!(out, "  {}", p.dim(line.join("  ").trim_end()));
    for (r, st) in &rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let s = cell(k, c);
                if k == 4 { p.status(*st, &s) } else { s }
            })
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
    if let Some(note) = uncertain_note(a) {
        push_wrapped(out, &format!("? {note}"), width, "  ", "    ");
    }
}

/// Eight heights of block; a window's pace picks one.
const SPARKS: [char; 8] = [
    '\u{2581}', '\u{2582}', '\u{2583}', '\u{2584}', '\u{2585}', '\u{2586}', '\u{2587}', '\u{2588}',
];

fn pace(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    let pc = &a.pace;
    let ap = approx(a);
    out.push('\n');
    let _ = writeln!(out, "{}", p.heading("Pace"));
    let status = pace_status_str(pc.status);
    let colored = if pc.status == PaceStatus::Ok {
        p.code("32", status)
    } else {
        p.code("33", status)
    };
    let _ = writeln!(
        out,
        "  {ap}{:.0} wpm overall, {ap}{:.0} wpm speaking only (target {:.0}-{:.0} wpm): {colored}",
        pc.wpm, pc.wpm_speaking, pc.band.min_s, pc.band.max_s
    );
    if pc.windows.is_empty() {
        return;
    }
    // Long answers have more windows than columns: average neighbours so the line still fits.
    let room = width.saturating_sub(40).max(10);
    let group = pc.windows.len().div_ceil(room);
    let values: Vec<f64> = pc
        .windows
        .chunks(group)
        .map(|c| c.iter().map(|w| w.wpm).sum::<f64>() / c.len() as f64)
        .collect();
    // Scaled from a little below the slowest window (or the band) to the fastest, so the
    // differences that matter (in and out of the band) show, not the distance from zero.
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let top = values.iter().copied().fold(0.0, f64::max);
    let floor = lo.min(pc.band.min_s) * 0.8;
    let hi = top.max(pc.band.max_s).max(floor + 1.0);
    let mut line = String::new();
    for v in &values {
        let k = (((v - floor) / (hi - floor)).clamp(0.0, 1.0) * (SPARKS.len() - 1) as f64).round()
            as usize;
        let ch = SPARKS[k.min(SPARKS.len() - 1)].to_string();
        if *v < pc.band.min_s || *v > pc.band.max_s {
            line.push_str(&p.code("33", &ch));
        } else {
            line.push_str(&p.code("32", &ch));
        }
    }
    let _ = writeln!(
        out,
        "  {line}  {ap}{:.0}-{:.0} wpm per {:.0} s window",
        lo,
        top,
        pc.window_s * group as f64
    );
}

fn pauses(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    out.push('\n');
    let total: f64 = a.pauses.iter().map(|q| q.duration_s).sum();
    let _ = writeln!(
        out,
        "{}",
        p.heading(&format!(
            "Pauses: {} of 1 s or more, {} in all",
            a.pauses.len(),
            secs(a, total)
        ))
    );
    for q in a.pauses.iter().take(MAX_PAUSES_LISTED) {
        let before = a
            .words
            .get(q.after_word)
            .map(|w| format!(", after \"{}\"", w.text.trim()))
            .unwrap_or_default();
        let lead = format!("  {:>6}  {:>7}  ", at(a, q.start_s), secs(a, q.duration_s));
        push_wrapped(
            out,
            &format!("{}{before}", pause_where(a, q)),
            width,
            &lead,
            &" ".repeat(lead.len()),
        );
    }
    if a.pauses.len() > MAX_PAUSES_LISTED {
        let _ = writeln!(out, "  ... and {} more", a.pauses.len() - MAX_PAUSES_LISTED);
    }
}

fn fillers(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    let fs = &a.filler_stats;
    out.push('\n');
    let _ = writeln!(
        out,
        "{}",
        p.heading(&format!(
            "Fillers: {}, {}{:.1} per minute",
            fs.count,
            approx(a),
            fs.per_minute
        ))
    );
    if fs.by_text.is_empty() {
        return;
    }
    let by: Vec<String> = fs
        .by_text
        .iter()
        .map(|(t, n)| format!("\"{t}\" x{n}"))
        .collect();
    push_wrapped(out, &by.join(", "), width, "  ", "  ");
    for f in a.fillers.iter().take(MAX_FILLERS_LISTED) {
        let section = f
            .section
            .as_deref()
            .map(|s| format!(" ({})", section_name(a, s)))
            .unwrap_or_default();
        let _ = writeln!(out, "  {:>6}  {}{section}", at(a, f.start_s), f.text);
    }
    if a.fillers.len() > MAX_FILLERS_LISTED {
        let _ = writeln!(
            out,
            "  ... and {} more",
            a.fillers.len() - MAX_FILLERS_LISTED
        );
    }
}

/// What went well, before what to fix.
fn strengths(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    if a.strengths.is_empty() {
        return;
    }
    out.push('\n');
    let _ = writeln!(out, "{}", p.heading("What went well"));
    for s in &a.strengths {
        for (i, l) in wrap(s, width, "  + ", "    ").iter().enumerate() {
            let l = l.trim_end();
            if i == 0 {
                let _ = writeln!(out, "  {}{}", p.code("32", "+"), &l[3..]);
            } else {
                let _ = writeln!(out, "{l}");
            }
        }
    }
}

/// How it sounded: pitch, loudness, clipping and repetition, or why they were not measured.
fn delivery(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    out.push('\n');
    let _ = writeln!(out, "{}", p.heading("Delivery: how it sounded"));
    for l in super::delivery::lines(a) {
        let lead = format!("  {:<11}", l.label);
        let lines = wrap(&l.text, width, &lead, &" ".repeat(lead.len()));
        for line in lines {
            if l.flagged {
                let _ = writeln!(out, "{}", p.code("33", line.trim_end()));
            } else {
                let _ = writeln!(out, "{}", line.trim_end());
            }
        }
    }
    let rows = super::delivery::section_rows(a);
    if !rows.is_empty() {
        let w0 = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
        let cells: Vec<String> = rows
            .iter()
            .map(|r| format!("{:<w0$}  {:>6}  {:>7}  {:>9}", r[0], r[1], r[2], r[3]))
            .collect();
        let _ = writeln!(
            out,
            "  {}",
            p.dim(&format!(
                "{:<w0$}  {:>6}  {:>7}  {:>9}",
                "section", "pitch", "varies", "level"
            ))
        );
        for c in cells {
            let _ = writeln!(out, "  {}", c.trim_end());
        }
    }
    if let Some(why) = super::delivery::not_measured(&a.delivery) {
        push_wrapped(out, &why, width, "  ", "  ");
    }
}

fn signals(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    out.push('\n');
    let _ = writeln!(out, "{}", p.heading("Signals"));
    if a.signals.is_empty() {
        let _ = writeln!(out, "  none");
        return;
    }
    for s in &a.signals {
        let (marker, code) = match s.severity {
            Severity::Major => ("!!", "1;31"),
            Severity::Warn => (" !", "33"),
            Severity::Info => (" i", "36"),
        };
        let tag = format!("{marker} {:<5}", severity_str(s.severity));
        let lines = wrap(
            &format!("{}: {}", s.id, s.message),
            width,
            &format!("  {tag} "),
            "           ",
        );
        for (i, l) in lines.iter().enumerate() {
            if i == 0 {
                // The plain prefix was used to measure; swap in the coloured one.
                let rest = &l[2 + tag.len()..];
                let _ = writeln!(out, "  {}{}", p.code(code, &tag), rest.trim_end());
            } else {
                let _ = writeln!(out, "{}", l.trim_end());
            }
        }
        if !s.evidence.is_empty() {
            for l in wrap(
                &s.evidence,
                width,
                "           evidence: ",
                "                     ",
            ) {
                let _ = writeln!(out, "{}", p.dim(l.trim_end()));
            }
        }
    }
}

fn scorecard(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    if a.scorecard.is_empty() {
        return;
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{}",
        p.heading("Scorecard: what interviewers weigh in a failure answer")
    );
    let idw = a
        .scorecard
        .iter()
        .map(|s| s.id.chars().count())
        .max()
        .unwrap_or(0);
    for item in &a.scorecard {
        let verdict = verdict_str(item.verdict);
        let lead = format!("  {:<idw$}  {:<7}  ", item.id, verdict);
        let lines = wrap(&item.evidence, width, &lead, &" ".repeat(lead.len()));
        for (i, l) in lines.iter().enumerate() {
            if i == 0 {
                let code = match item.verdict {
                    Verdict::Shown => "32",
                    Verdict::Weak => "33",
                    Verdict::Missing => "31",
                };
                let rest = &l[lead.len()..];
                let _ = writeln!(
                    out,
                    "  {:<idw$}  {}  {}",
                    item.id,
                    p.code(code, &format!("{verdict:<7}")),
                    rest.trim_end()
                );
            } else {
                let _ = writeln!(out, "{}", l.trim_end());
            }
        }
    }
}

fn next_steps(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    out.push('\n');
    let _ = writeln!(out, "{}", p.heading("Next steps"));
    for (i, s) in a.next_steps.iter().enumerate() {
        push_wrapped(out, s, width, &format!("  {}. ", i + 1), "     ");
    }
}

fn notes(out: &mut String, a: &Analysis, p: &Paint, width: usize) {
    if a.notes.is_empty() {
        return;
    }
    out.push('\n');
    let _ = writeln!(out, "{}", p.heading("Notes"));
    for n in &a.notes {
        push_wrapped(out, n, width, "  - ", "    ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Timing;
    use crate::report::sample_analysis;

    fn plain(a: &Analysis) -> String {
        render(
            a,
            &RenderOptions {
                color: false,
                width: 100,
                ..RenderOptions::default()
            },
        )
    }

    #[test]
    fn no_escape_bytes_without_colour() {
        let s = plain(&sample_analysis());
        assert!(!s.contains('\x1b'), "{s}");
    }

    #[test]
    fn colour_uses_ansi() {
        let s = render(
            &sample_analysis(),
            &RenderOptions {
                color: true,
                width: 100,
                ..RenderOptions::default()
            },
        );
        assert!(s.contains("\x1b[48;5;"), "section colours");
        assert!(s.contains("\x1b[0m"));
    }

    #[test]
    fn shows_sections_signals_and_next_steps() {
        let a = sample_analysis();
        let s = plain(&a);
        for st in &a.section_timing {
            assert!(s.contains(&st.name), "section {}", st.name);
        }
        for sig in &a.signals {
            assert!(s.contains(&sig.id), "signal {}", sig.id);
        }
        for step in &a.next_steps {
            // Wrapping may break a long step; its first words stay on one line.
            let head: String = step
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(s.contains(&head), "next step {step}");
        }
        assert!(s.contains(&overall_line(&a)), "{s}");
        assert!(s.contains("Scorecard"));
        assert!(!s.to_lowercase().contains("seed 0"), "{s}");
        assert!(s.contains("\nWhat went well\n"), "{s}");
        assert!(s.contains("  spoken  ") && s.contains("  target  "));
    }

    #[test]
    fn lines_keep_within_width() {
        let a = sample_analysis();
        for width in [72, 80, 120] {
            let s = render(
                &a,
                &RenderOptions {
                    color: false,
                    width,
                    ..RenderOptions::default()
                },
            );
            for l in s.lines() {
                // A single long token (a path, a quote) may still overflow; nothing else should.
                if l.split_whitespace().any(|w| w.chars().count() > 30) {
                    continue;
                }
                assert!(l.chars().count() <= width, "width {width}: {l:?}");
            }
        }
    }

    #[test]
    fn bars_follow_the_sections() {
        let a = sample_analysis();
        let s = plain(&a);
        let bar = |label: &str| -> String {
            s.lines()
                .find(|l| l.starts_with(label))
                .map(|l| l[LABEL_W..].to_string())
                .unwrap_or_default()
        };
        let spoken = bar("  spoken");
        let target = bar("  target");
        let letters = letters(&a);
        // Sections appear in spoken order, first letter of the first section first.
        let first = section_slot(&a, &a.sections[0].id);
        assert_eq!(spoken.chars().next(), Some(letters[first]));
        // The long pause is a gap inside the spoken bar.
        assert!(spoken.trim().contains(' '), "{spoken:?}");
        // Every framework section is on the target bar, in framework order.
        let mut last = 0;
        for l in &letters {
            let pos = target.find(*l).expect("section on target bar");
            assert!(pos >= last);
            last = pos;
        }
    }

    #[test]
    fn estimated_times_say_so() {
        let mut a = sample_analysis();
        a.source.timing = Timing::Estimated { wpm: 150.0 };
        let s = plain(&a);
        assert!(s.contains("Times are estimated"));
        assert!(s.contains("Answer ~"));
        assert!(s.contains("|~0:"), "axis ticks marked");
    }

    #[test]
    fn wrap_keeps_words() {
        let l = wrap("aa bb cc dd", 8, "> ", "  ");
        assert_eq!(l, vec!["> aa bb", "  cc dd"]);
    }
}
