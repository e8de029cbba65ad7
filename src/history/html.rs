//! `rehearse history --format html`: one self-contained page (inline CSS and SVG, no script,
//! nothing fetched) with progress charts over attempts for each question (answer length
//! against its target band, time per section, words per minute, fillers per minute) and a
//! table linking each attempt's own HTML report.

use crate::report::html::{esc, path_url};
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use super::folder::Attempt;
use super::progress::{Group, View, clock, question_label, whole_secs};
use super::{Summary, time};
use crate::analyze::{PaceStatus, Status};

/// Section colours by framework position: the same Tableau 10 order as the attempt reports, so
/// a section has one colour everywhere.
const PALETTE: &[&str] = &[
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
    "#ff9da7", "#bab0ac",
];
const OK: &str = "#2e7d32";
const WARN: &str = "#d98e04";
const BAD: &str = "#c62828";
const LINE: &str = "#1d2330";

const W: f64 = 960.0;
const H: f64 = 230.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 34.0;

const CSS: &str = r#"
:root { --fg: #1d2330; --muted: #5b6475; --line: #e1e4ea; --ok: #2e7d32; --warn: #a35f00; --bad: #c62828; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f6f8; color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 1.45rem; margin: 0 0 6px; }
h2 { font-size: 1.2rem; margin: 0 0 4px; word-break: break-word; }
h3 { font-size: 1rem; margin: 18px 0 6px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin: 16px 0; }
.meta { color: var(--muted); margin: 0; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); }
svg { display: block; width: 100%; height: auto; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--muted); }
svg .grid { stroke: #e6e8ee; stroke-width: 1; }
svg a:hover circle, svg a:hover rect { stroke: #1d2330; stroke-width: 2; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.9rem; color: var(--muted); margin: 4px 0 0; }
.sw { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 5px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 0.85rem; color: var(--muted); font-weight: 600; }
td.n, th.n { text-align: right; }
tr.best td { background: #eef7ee; }
.star { color: #b8860b; font-weight: 700; }
.warnings { background: #fff4d6; border: 1px solid #f0d58c; border-radius: 8px; padding: 8px 12px; }
footer { color: var(--muted); font-size: 0.85rem; margin-top: 24px; }
"#;

/// The link from a page in `page_dir` to `target`: relative when both resolve (the page and the
/// store can then move together), else an absolute `file://` URL (a page on standard output
/// has no folder).
pub fn file_href(target: &Path, page_dir: Option<&Path>) -> String {
    let abs = target
        .canonicalize()
        .unwrap_or_else(|_| target.to_path_buf());
    if let Some(from) = page_dir.and_then(|d| d.canonicalize().ok()) {
        let tc: Vec<Component> = abs.components().collect();
        let fc: Vec<Component> = from.components().collect();
        let common = tc.iter().zip(&fc).take_while(|(a, b)| a == b).count();
        let mut rel = PathBuf::new();
        for _ in common..fc.len() {
            rel.push("..");
        }
        for c in &tc[common..] {
            rel.push(c);
        }
        return path_url(&rel.to_string_lossy());
    }
    // An absolute path comes back as a file:// URL.
    path_url(&abs.to_string_lossy())
}

fn status_color(s: Status) -> &'static str {
    match s {
        Status::Ok => OK,
        Status::Short | Status::Long => WARN,
        Status::Missing => BAD,
    }
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Short | Status::Long => "warn",
        Status::Missing => "bad",
    }
}

/// A round step that gives at most about `max_ticks` ticks over `span`.
fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let raw = span / max_ticks.max(1) as f64;
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// Like [`nice_step`] for times shown as m:ss: steps people count in (15 s, 30 s, 1 min, ...).
fn clock_step(span: f64, max_ticks: usize) -> f64 {
    let raw = span / max_ticks.max(1) as f64;
    [
        5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 180.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
    ]
    .into_iter()
    .find(|s| *s >= raw)
    .unwrap_or_else(|| nice_step(span, max_ticks))
}

/// How a chart's y axis is labelled.
#[derive(Clone, Copy)]
enum Axis {
    Clock,
    Number { decimals: usize },
}

impl Axis {
    fn step(self, span: f64) -> f64 {
        match self {
            Axis::Clock => clock_step(span, 5),
            Axis::Number { .. } => nice_step(span, 5),
        }
    }
    fn label(self, v: f64) -> String {
        match self {
            Axis::Clock => clock(v),
            Axis::Number { decimals } => format!("{v:.decimals$}"),
        }
    }
}

/// One point of a chart.
struct Point {
    value: Option<f64>,
    /// The band the value is judged against at this attempt.
    band: Option<(f64, f64)>,
    color: &'static str,
    tip: String,
    href: Option<String>,
}

/// Horizontal layout shared by every chart of a question: one slot per attempt.
struct Slots {
    n: usize,
}

impl Slots {
    fn step(&self) -> f64 {
        (W - LEFT - RIGHT) / self.n.max(1) as f64
    }
    fn x(&self, i: usize) -> f64 {
        LEFT + self.step() * (i as f64 + 0.5)
    }
}

/// Axes, grid and the attempt numbers under each slot; returns the y mapping.
fn frame(
    o: &mut String,
    slots: &Slots,
    numbers: &[usize],
    y_max: f64,
    axis: Axis,
) -> impl Fn(f64) -> f64 + use<> {
    let plot_h = H - TOP - BOTTOM;
    let y = move |v: f64| TOP + plot_h * (1.0 - (v / y_max).clamp(0.0, 1.0));
    let step = axis.step(y_max);
    let mut t = 0.0;
    while t <= y_max + 1e-9 {
        let _ = write!(
            o,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            y(t),
            y(t),
            LEFT - 6.0,
            y(t) + 4.0,
            esc(&axis.label(t))
        );
        t += step;
    }
    // Label every slot while they fit, else every k-th.
    let every = (numbers.len() as f64 / 24.0).ceil().max(1.0) as usize;
    for (i, n) in numbers.iter().enumerate() {
        if i % every == 0 || i + 1 == numbers.len() {
            let _ = write!(
                o,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">#{n}</text>",
                slots.x(i),
                H - BOTTOM + 18.0
            );
        }
    }
    y
}

fn svg_open(o: &mut String, label: &str) {
    let _ = write!(
        o,
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\">",
        esc(label)
    );
}

/// A line of values over attempts, each against its band (shaded) and an optional threshold.
fn line_chart(
    o: &mut String,
    label: &str,
    numbers: &[usize],
    points: &[Point],
    threshold: Option<(f64, &str)>,
    axis: Axis,
) {
    let slots = Slots { n: points.len() };
    let top = points
        .iter()
        .flat_map(|p| [p.value, p.band.map(|b| b.1)])
        .flatten()
        .chain(threshold.map(|t| t.0))
        .fold(0.0f64, f64::max);
    let y_max = if top > 0.0 { top * 1.15 } else { 1.0 };
    svg_open(o, label);
    let y = frame(o, &slots, numbers, y_max, axis);
    let step = slots.step();
    for (i, p) in points.iter().enumerate() {
        if let Some((lo, hi)) = p.band {
            let _ = write!(
                o,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#2e7d32\" fill-opacity=\"0.10\"><title>target {}-{}</title></rect>",
                slots.x(i) - step / 2.0,
                y(hi),
                step,
                (y(lo) - y(hi)).max(0.0),
                esc(&axis.label(lo)),
                esc(&axis.label(hi))
            );
        }
    }
    if let Some((t, what)) = threshold {
        let _ = write!(
            o,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{BAD}\" stroke-dasharray=\"5 4\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            y(t),
            y(t),
            W - RIGHT - 4.0,
            y(t) - 5.0,
            esc(what)
        );
    }
    // The line breaks at failed attempts rather than pretending to know their value.
    let mut path = String::new();
    let mut pen_down = false;
    for (i, p) in points.iter().enumerate() {
        match p.value {
            Some(v) => {
                let _ = write!(
                    path,
                    "{}{:.1} {:.1} ",
                    if pen_down { "L" } else { "M" },
                    slots.x(i),
                    y(v)
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        let _ = write!(
            o,
            "<path d=\"{}\" fill=\"none\" stroke=\"{LINE}\" stroke-width=\"2\"/>",
            path.trim_end()
        );
    }
    for (i, p) in points.iter().enumerate() {
        let Some(v) = p.value else { continue };
        let dot = format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5.5\" fill=\"{}\"><title>{}</title></circle>",
            slots.x(i),
            y(v),
            p.color,
            esc(&p.tip)
        );
        match &p.href {
            Some(h) => {
                let _ = write!(o, "<a href=\"{}\">{dot}</a>", esc(h));
            }
            None => o.push_str(&dot),
        }
    }
    o.push_str("</svg>\n");
}

/// Stacked bars: each attempt's sections in framework order, one colour per section.
fn section_chart(o: &mut String, numbers: &[usize], items: &[(Option<&Summary>, Option<String>)]) {
    let slots = Slots { n: items.len() };
    let total = |s: &Summary| s.sections.iter().map(|x| x.seconds).sum::<f64>();
    let top = items
        .iter()
        .filter_map(|(s, _)| s.map(|s| total(s).max(s.target.max_s)))
        .fold(0.0f64, f64::max);
    let y_max = if top > 0.0 { top * 1.1 } else { 1.0 };
    svg_open(o, "time per section");
    let y = frame(o, &slots, numbers, y_max, Axis::Clock);
    let bar_w = (slots.step() * 0.6).clamp(4.0, 56.0);
    // The whole answer's band behind each bar: the stack's height is the answer's length.
    for (i, (s, _)) in items.iter().enumerate() {
        let Some(s) = s else { continue };
        let _ = write!(
            o,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#2e7d32\" fill-opacity=\"0.10\"><title>answer target {}-{}</title></rect>",
            slots.x(i) - slots.step() / 2.0,
            y(s.target.max_s),
            slots.step(),
            (y(s.target.min_s) - y(s.target.max_s)).max(0.0),
            clock(s.target.min_s),
            clock(s.target.max_s)
        );
    }
    for (i, (s, href)) in items.iter().enumerate() {
        let Some(s) = s else { continue };
        let mut acc = 0.0;
        let mut bar = String::new();
        for (slot, sec) in s.sections.iter().enumerate() {
            if sec.seconds <= 0.0 {
                continue;
            }
            let _ = write!(
                bar,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {:.0} s (target {:.0}-{:.0} s, {})</title></rect>",
                slots.x(i) - bar_w / 2.0,
                y(acc + sec.seconds),
                (y(acc) - y(acc + sec.seconds)).max(0.0),
                PALETTE[slot % PALETTE.len()],
                esc(&sec.name),
                sec.seconds,
                sec.target.min_s,
                sec.target.max_s,
                sec.status.as_str()
            );
            acc += sec.seconds;
        }
        match href {
            Some(h) => {
                let _ = write!(o, "<a href=\"{}\">{bar}</a>", esc(h));
            }
            None => o.push_str(&bar),
        }
    }
    o.push_str("</svg>\n");
}

/// Everything the page needs besides the attempts.
pub struct PageInput<'a> {
    pub store: &'a Path,
    /// Link to each attempt's report page (`None`: no link, e.g. its analysis failed).
    pub report_href: &'a dyn Fn(&Attempt) -> Option<String>,
    /// Fillers per minute above which `fillers-heavy` is raised (a dashed line on that chart).
    pub fillers_heavy_per_min: f64,
    /// Lines about damaged folders, shown at the top.
    pub warnings: &'a [String],
}

/// Renders the page.
pub fn render(v: &View, input: &PageInput) -> String {
    let mut o = String::with_capacity(32 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>rehearse: practice history</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
    );
    let _ = writeln!(
        o,
        "<h1>Practice history</h1>\n<p class=\"meta\">{} attempts at {} question{}, from {}. Each point links to that attempt's report.</p>",
        v.rows.len(),
        v.groups.len(),
        if v.groups.len() == 1 { "" } else { "s" },
        esc(&input.store.display().to_string())
    );
    if !input.warnings.is_empty() {
        o.push_str("<div class=\"warnings\" id=\"warnings\"><b>Skipped:</b><ul>");
        for w in input.warnings {
            let _ = write!(o, "<li>{}</li>", esc(w));
        }
        o.push_str("</ul></div>\n");
    }
    if v.rows.is_empty() {
        o.push_str("<div class=\"card\"><p>No attempts yet: <code>rehearse import FILE.wav</code> or <code>rehearse record</code> adds one.</p></div>\n");
    }
    for (gi, g) in v.groups.iter().enumerate() {
        group(&mut o, gi, g, v, input);
    }
    let _ = writeln!(
        o,
        "<footer>Made by rehearse {} on {} (UTC). Times are UTC.</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        esc(&time::short_display(&time::rfc3339(
            std::time::SystemTime::now()
        )))
    );
    o
}

fn group(o: &mut String, gi: usize, g: &Group, v: &View, input: &PageInput) {
    let numbers: Vec<usize> = g.attempts.iter().map(|(n, _)| *n).collect();
    let href = |a: &Attempt| (input.report_href)(a);
    let _ = write!(o, "<section class=\"card question\" id=\"q{gi}\">");
    let _ = write!(o, "<h2>{}</h2>", esc(&question_label(g.question.as_ref())));
    if let Some(q) = &g.question
        && q.id.is_some()
    {
        let _ = write!(o, "<p class=\"meta\">{}</p>", esc(&q.text));
    }
    let ok = g.attempts.iter().filter(|(_, a)| a.is_ok()).count();
    let _ = write!(
        o,
        "<p class=\"meta\">{} attempts, {} analyzed{}.</p>",
        g.attempts.len(),
        ok,
        g.best.map_or(String::new(), |(n, a)| format!(
            "; best: #{n} ({})",
            esc(a.id().short())
        ))
    );
    let summaries: Vec<Option<&Summary>> = g.attempts.iter().map(|(_, a)| a.summary()).collect();
    let point = |i: usize,
                 value: Option<f64>,
                 band: Option<(f64, f64)>,
                 color: &'static str,
                 text: String| {
        let (n, a) = g.attempts[i];
        Point {
            value,
            band,
            color,
            tip: format!(
                "#{n} {} {}: {text}",
                a.id().short(),
                time::short_display(&a.meta.started_at)
            ),
            href: href(a),
        }
    };

    o.push_str("<h3>Answer length against its target</h3>");
    let pts: Vec<Point> = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| match s {
            Some(s) => point(
                i,
                Some(s.answer_s),
                Some((s.target.min_s, s.target.max_s)),
                status_color(s.length),
                format!(
                    "{} (target {}-{}) {}",
                    clock(s.answer_s),
                    clock(s.target.min_s),
                    clock(s.target.max_s),
                    s.length.as_str()
                ),
            ),
            None => point(i, None, None, BAD, "analysis failed".into()),
        })
        .collect();
    line_chart(o, "answer length", &numbers, &pts, None, Axis::Clock);

    o.push_str("<h3>Time per section</h3>");
    let items: Vec<(Option<&Summary>, Option<String>)> = g
        .attempts
        .iter()
        .map(|(_, a)| (a.summary(), href(a)))
        .collect();
    section_chart(o, &numbers, &items);
    if let Some(last) = summaries.iter().rev().flatten().next() {
        o.push_str("<div class=\"legend\">");
        for (slot, s) in last.sections.iter().enumerate() {
            let _ = write!(
                o,
                "<span><i class=\"sw\" style=\"background:{}\"></i>{} {:.0}-{:.0} s</span>",
                PALETTE[slot % PALETTE.len()],
                esc(&s.name),
                s.target.min_s,
                s.target.max_s
            );
        }
        o.push_str("</div>");
        section_table(o, g, last);
    }

    o.push_str("<h3>Words per minute</h3>");
    let pts: Vec<Point> = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| match s {
            Some(s) => point(
                i,
                Some(s.wpm),
                Some((s.pace_band.min_s, s.pace_band.max_s)),
                if s.pace == PaceStatus::Ok { OK } else { WARN },
                format!(
                    "{:.0} wpm (target {:.0}-{:.0})",
                    s.wpm, s.pace_band.min_s, s.pace_band.max_s
                ),
            ),
            None => point(i, None, None, BAD, "analysis failed".into()),
        })
        .collect();
    line_chart(
        o,
        "words per minute",
        &numbers,
        &pts,
        None,
        Axis::Number { decimals: 0 },
    );

    o.push_str("<h3>Fillers per minute</h3>");
    let heavy = input.fillers_heavy_per_min;
    let pts: Vec<Point> = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| match s {
            Some(s) => point(
                i,
                Some(s.fillers_per_min),
                None,
                if s.fillers_per_min > heavy { BAD } else { OK },
                format!(
                    "{:.1} per minute ({} fillers)",
                    s.fillers_per_min, s.fillers
                ),
            ),
            None => point(i, None, None, BAD, "analysis failed".into()),
        })
        .collect();
    line_chart(
        o,
        "fillers per minute",
        &numbers,
        &pts,
        Some((heavy, &format!("heavy above {heavy:.0}/min"))),
        Axis::Number { decimals: 1 },
    );

    attempts_table(o, g, v, input);
    o.push_str("</section>\n");
}

/// Seconds per section per attempt, coloured by status: the section balance in numbers.
fn section_table(o: &mut String, g: &Group, last: &Summary) {
    o.push_str("<table class=\"sections\"><tr><th>section</th>");
    for (n, _) in &g.attempts {
        let _ = write!(o, "<th class=\"n\">#{n}</th>");
    }
    o.push_str("</tr>");
    for sec in &last.sections {
        let _ = write!(
            o,
            "<tr><td>{} <span class=\"meta\">{:.0}-{:.0} s</span></td>",
            esc(&sec.name),
            sec.target.min_s,
            sec.target.max_s
        );
        for (_, a) in &g.attempts {
            match a
                .summary()
                .and_then(|s| s.sections.iter().find(|x| x.id == sec.id))
            {
                Some(x) => {
                    let shown = if x.status == Status::Missing {
                        "missing".to_string()
                    } else {
                        whole_secs(x.seconds)
                    };
                    let _ = write!(o, "<td class=\"n {}\">{shown}</td>", status_class(x.status));
                }
                None => o.push_str("<td class=\"n\">-</td>"),
            }
        }
        o.push_str("</tr>");
    }
    o.push_str("</table>\n");
}

fn attempts_table(o: &mut String, g: &Group, v: &View, input: &PageInput) {
    o.push_str(
        "<h3>Attempts</h3><table class=\"attempts\"><tr><th class=\"n\">#</th><th>started (UTC)</th>\
         <th>length (target)</th><th class=\"n\">sections in target</th><th class=\"n\">wpm</th>\
         <th class=\"n\">fillers/min</th><th class=\"n\">signals</th><th>report</th></tr>",
    );
    for &(n, a) in g.attempts.iter().rev() {
        let best = v.is_best(a);
        let _ = write!(
            o,
            "<tr{}><td class=\"n\">{n}</td><td>{}{}</td>",
            if best { " class=\"best\"" } else { "" },
            esc(&time::short_display(&a.meta.started_at)),
            if best {
                " <span class=\"star\" title=\"best attempt\">&#9733; best</span>"
            } else {
                ""
            }
        );
        match a.summary() {
            Some(s) => {
                let _ = write!(
                    o,
                    "<td class=\"{}\">{} ({}-{}) {}</td><td class=\"n\">{}/{}</td><td class=\"n\">{:.0}</td><td class=\"n\">{:.1}</td><td class=\"n\">{}</td>",
                    status_class(s.length),
                    clock(s.answer_s),
                    clock(s.target.min_s),
                    clock(s.target.max_s),
                    s.length.as_str(),
                    s.sections_in_target(),
                    s.sections.len(),
                    s.wpm,
                    s.fillers_per_min,
                    s.signals.len()
                );
            }
            None => {
                let _ = write!(
                    o,
                    "<td colspan=\"5\" class=\"bad\">analysis failed: {}</td>",
                    esc(a.meta.analysis.error.as_deref().unwrap_or("?"))
                );
            }
        }
        match (input.report_href)(a) {
            Some(h) => {
                let _ = write!(
                    o,
                    "<td><a class=\"report\" href=\"{}\">{}</a></td></tr>",
                    esc(&h),
                    esc(a.id().short())
                );
            }
            None => {
                let _ = write!(o, "<td>{}</td></tr>", esc(a.id().short()));
            }
        }
    }
    o.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_and_encoded() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let target = tmp
            .path()
            .join("store dir/20250101-000000-aaaaaa/report.html");
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(&target, "x").expect("write");
        let page = tmp.path().join("pages");
        std::fs::create_dir_all(&page).expect("mkdir");
        assert_eq!(
            file_href(&target, Some(&page)),
            "../store%20dir/20250101-000000-aaaaaa/report.html"
        );
        assert!(file_href(&target, None).starts_with("file:///"));
        assert!(
            file_href(&target, None).ends_with("/store%20dir/20250101-000000-aaaaaa/report.html")
        );
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(120.0, 5), 25.0);
        assert_eq!(nice_step(7.0, 5), 2.0);
        assert_eq!(nice_step(0.0, 5), 1.0);
        assert_eq!(clock_step(132.0, 5), 30.0);
        assert_eq!(clock_step(600.0, 5), 120.0);
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
