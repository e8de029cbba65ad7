//! The HTML report: one self-contained page (inline CSS, SVG and JS, nothing fetched) with a
//! timeline of the sections against their targets, pace over time, and the transcript coloured
//! by section, each word linked to its moment in the audio when the audio is known.

use std::fmt::Write as _;

use super::shared::{
    RenderOptions, approx, at, band_clock, band_secs, estimate_warning, how_sure, overall_line,
    pace_status_str, pause_where, plain_secs, secs, section_name, section_slot, severity_str,
    status_str, target_plan, ticks, timeline_range, timing_text, uncertain_note, verdict_str,
};
use crate::analyze::{Analysis, PaceStatus, Status};

/// Section colours by framework position (Tableau 10: distinct, readable, colour-blind aware).
const PALETTE: &[&str] = &[
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
    "#ff9da7", "#bab0ac",
];

/// Escapes text for HTML element content and quoted attribute values alike.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The page's title: the question answered and when (what a browser tab or a bookmark of one
/// attempt among many should say), else the recording's file name, never a whole path.
fn page_title(a: &Analysis, date: Option<&str>) -> String {
    let when = date.map(|d| format!(", {d}")).unwrap_or_default();
    match &a.question {
        Some(q) => format!("{}{when} (rehearse)", q.text),
        None => {
            let name = std::path::Path::new(&a.source.path)
                .file_name()
                .map_or_else(
                    || a.source.path.clone(),
                    |n| n.to_string_lossy().to_string(),
                );
            format!("rehearse: {name}{when}")
        }
    }
}

/// A file path as a URL: an absolute path becomes a `file://` URL (the page then plays the
/// recording from wherever the page itself is moved on this machine), a relative one stays
/// relative (the attempt folder's own page, which moves with its recording). Every byte that is
/// not plainly safe in a URL path is percent-encoded, so spaces, `#`, `?` and `%` in file names
/// do not change what the browser loads.
pub(crate) fn path_url(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The player's source: the recording itself as a `data:` URL when it is embedded, else a link
/// to the file.
fn player_src(a: &Analysis, opts: &RenderOptions) -> Option<String> {
    use base64::Engine as _;
    if let Some(wav) = &opts.embedded_audio {
        let mut url = String::with_capacity(22 + wav.len() * 4 / 3 + 4);
        url.push_str("data:audio/wav;base64,");
        base64::engine::general_purpose::STANDARD.encode_string(wav, &mut url);
        return Some(url);
    }
    a.source.audio.as_deref().map(path_url)
}

fn color(slot: usize) -> &'static str {
    PALETTE[slot % PALETTE.len()]
}

/// `hex` mixed with white, for backgrounds behind text.
fn tint(hex: &str, keep: f64) -> String {
    let ch = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(128)
    };
    let mix = |c: u8| (c as f64 * keep + 255.0 * (1.0 - keep)).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(ch(1)), mix(ch(3)), mix(ch(5)))
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Short | Status::Long => "warn",
        Status::Missing => "bad",
    }
}

const CSS: &str = r#"
:root { --fg: #1d2330; --muted: #5b6475; --line: #e1e4ea; --ok: #2e7d32; --warn: #a35f00; --bad: #c62828; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f6f8; color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 1.45rem; margin: 0 0 6px; line-height: 1.3; word-break: break-word; }
h2 { font-size: 1.1rem; margin: 0 0 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin: 14px 0; }
.meta { color: var(--muted); margin: 0; }
.meta b { color: var(--fg); font-weight: 600; }
.overall { font-size: 1.2rem; font-weight: 650; margin: 12px 0 4px; }
.headline { margin: 0; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); }
.estimate { background: #fff4d6; border: 1px solid #f0d58c; border-radius: 8px; padding: 8px 12px; margin: 10px 0 0; }
ol.steps { margin: 0; padding-left: 1.4em; } ol.steps li { margin: 4px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin-top: 8px; font-size: 0.9rem; color: var(--muted); }
.sw { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 5px; vertical-align: -1px; }
svg { display: block; width: 100%; height: auto; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--muted); }
svg text.in { fill: #fff; font-weight: 600; pointer-events: none; }
svg text.in.dark { fill: #1d2330; }
svg .grid { stroke: #e6e8ee; stroke-width: 1; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 0.85rem; color: var(--muted); font-weight: 600; }
td.n, th.n { text-align: right; }
table.compact { width: auto; min-width: 40%; } table.compact td, table.compact th { padding-right: 28px; }
td.nw { white-space: nowrap; }
.player { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line); padding: 8px 24px; }
.player audio { width: 100%; max-width: 1012px; display: block; margin: 0 auto; }
.player .missing { color: var(--bad); text-align: center; margin: 4px 0 0; }
.transcript .seg { margin: 0 0 10px; padding: 8px 12px; border-left: 5px solid var(--c); background: var(--t); border-radius: 6px; }
.seg-label { display: inline-block; font-size: 0.78rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em;
  color: #fff; background: var(--c); border-radius: 4px; padding: 0 6px; margin-right: 8px; }
.w { border-radius: 3px; }
.w.filler { text-decoration: underline wavy var(--bad); text-underline-offset: 3px; background: #fde3e3; }
.w.unsure { text-decoration: underline dotted var(--muted); }
.pause { display: inline-block; font-size: 0.75rem; color: var(--muted); border: 1px dashed #9aa3b2; border-radius: 10px;
  padding: 0 7px; margin: 0 2px; background: #fff; }
.has-audio .w, .has-audio [data-t] { cursor: pointer; }
.has-audio .w:hover { background: #dfe8ff; }
.w.now { background: #ffe08a; box-shadow: 0 0 0 2px #ffe08a; }
.sig { margin: 0 0 10px; padding-left: 0; list-style: none; }
.sig li { margin: 0 0 10px; }
.badge { display: inline-block; font-size: 0.75rem; font-weight: 700; text-transform: uppercase; border-radius: 4px; padding: 0 6px; margin-right: 6px; color: #fff; }
.badge.major { background: var(--bad); } .badge.warn { background: #d98e04; } .badge.info { background: #5b6475; }
.badge.shown { background: var(--ok); } .badge.weak { background: #d98e04; } .badge.missing { background: var(--bad); }
.evidence { color: var(--muted); font-size: 0.92rem; margin: 2px 0 0; }
.span.uncertain rect { fill-opacity: 0.45; stroke: #5b6475; stroke-dasharray: 4 3; }
.uncertain-tag { font-size: 0.72rem; color: var(--muted); border: 1px dashed #9aa3b2; border-radius: 4px; padding: 0 4px; margin-left: 6px; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f0f2f5; padding: 0 4px; border-radius: 4px; }
footer { color: var(--muted); font-size: 0.85rem; margin-top: 24px; }
.w.fade, .key.fade { color: #7a5200; text-decoration: underline dotted #d98e04; text-underline-offset: 3px; background: #fff3d6; }
.w.rep, .key.rep { box-shadow: inset 0 -2px 0 #7e57c2; background: #efe9fb; }
.w.crutch, .key.crutch { box-shadow: inset 0 -2px 0 #7e57c2; }
.w.flat, .key.flat { text-decoration: underline solid #9aa3b2; text-underline-offset: 3px; }
.w.clip, .key.clip { outline: 1px solid var(--bad); }
ul.dlv { list-style: none; padding: 0; margin: 8px 0; } ul.dlv li { margin: 3px 0; }
ul.dlv b { display: inline-block; min-width: 6.5em; } ul.dlv .flag b { color: var(--warn); }
.marks { font-size: 0.9rem; color: var(--muted); }
svg .f0 { fill: none; stroke: #3157d5; stroke-width: 1.6; stroke-linejoin: round; }
svg .lvl { fill: #9fb4c8; fill-opacity: 0.55; stroke: none; }
svg .trail { fill: #d98e04; fill-opacity: 0.22; }
svg .clipmark { stroke: var(--bad); stroke-width: 2; }
svg .ref { stroke: #9aa3b2; stroke-dasharray: 4 3; stroke-width: 1; }
"#;

/// Runs after the page is parsed. Everything audio-related is behind the `audio` check, so a
/// page without audio runs cleanly; `play()` is allowed to fail (autoplay rules, missing file).
const JS: &str = r#"
(function () {
  var root = document.documentElement;
  root.classList.add('js');
  var audio = document.getElementById('audio');
  if (!audio) return;
  root.classList.add('has-audio');
  var missing = document.getElementById('audio-missing');
  audio.addEventListener('error', function () { if (missing) missing.hidden = false; });
  var words = Array.prototype.slice.call(document.querySelectorAll('.transcript .w'));
  var times = words.map(function (w) { return parseFloat(w.getAttribute('data-t')); });
  document.addEventListener('click', function (e) {
    var el = e.target && e.target.closest ? e.target.closest('[data-t]') : null;
    if (!el) return;
    var t = parseFloat(el.getAttribute('data-t'));
    if (!isFinite(t)) return;
    try { audio.currentTime = Math.max(0, t); } catch (err) { return; }
    var p = audio.play();
    if (p && typeof p.catch === 'function') p.catch(function () {});
  });
  var current = null;
  audio.addEventListener('timeupdate', function () {
    var t = audio.currentTime, lo = 0, hi = times.length - 1, k = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (times[mid] <= t) { k = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    var next = k >= 0 ? words[k] : null;
    if (next === current) return;
    if (current) current.classList.remove('now');
    if (next) next.classList.add('now');
    current = next;
  });
})();
"#;

/// Renders the HTML page.
pub fn render(a: &Analysis, opts: &RenderOptions) -> String {
    let embedded = opts.embedded_audio.as_ref().map_or(0, |w| w.len() * 4 / 3);
    let mut o = String::with_capacity(64 * 1024 + a.words.len() * 64 + embedded);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}",
        esc(&page_title(a, opts.date.as_deref()))
    );
    for slot in 0..a.section_timing.len().max(1) + 1 {
        let c = color(slot);
        let _ = writeln!(o, ".sec-{slot} {{ --c: {c}; --t: {}; }}", tint(c, 0.12));
    }
    o.push_str("</style>\n</head>\n<body>\n");
    if let Some(src) = player_src(a, opts) {
        // An embedded recording cannot go missing; a linked one can, and the page says where it
        // looked.
        let from = a.source.audio.as_deref().unwrap_or("the page");
        let _ = writeln!(
            o,
            "<div class=\"player\"><audio id=\"audio\" controls preload=\"metadata\" src=\"{}\"></audio>\
             <p class=\"missing\" id=\"audio-missing\" hidden>The audio could not be loaded from {}: keep the recording there, or write the page with --embed-audio to carry it inside.</p></div>",
            esc(&src),
            esc(from)
        );
    }
    o.push_str("<main>\n");
    header(&mut o, a);
    timeline(&mut o, a);
    delivery(&mut o, a);
    transcript(&mut o, a);
    sections_table(&mut o, a);
    pace(&mut o, a);
    pauses_and_fillers(&mut o, a);
    signals(&mut o, a);
    scorecard(&mut o, a);
    footer(&mut o, a);
    o.push_str("</main>\n");
    let _ = write!(o, "<script>{JS}</script>\n</body>\n</html>\n");
    o
}

fn header(o: &mut String, a: &Analysis) {
    o.push_str("<header class=\"card\">\n");
    let _ = writeln!(o, "<h1>{}</h1>", esc(&a.source.path));
    if let Some(q) = &a.question {
        let _ = writeln!(o, "<p class=\"meta\"><b>Question:</b> {}</p>", esc(&q.text));
    }
    let mut fw = format!(
        "<b>Framework:</b> {} (<code>{}</code>)",
        esc(&a.framework_name),
        esc(&a.framework)
    );
    if !a.framework_fit.is_empty() {
        let fits: Vec<String> = a
            .framework_fit
            .iter()
            .take(3)
            .map(|f| format!("{} {:.2}", esc(&f.id), f.score))
            .collect();
        let _ = write!(fw, ", picked by fit: {}", fits.join(", "));
    }
    let _ = writeln!(o, "<p class=\"meta\">{fw}</p>");
    let _ = writeln!(
        o,
        "<p class=\"meta\"><b>Recording:</b> {}, {}</p>",
        esc(&at(a, a.duration_s)),
        esc(&timing_text(&a.source.timing))
    );
    let _ = writeln!(
        o,
        "<p class=\"overall {}\" id=\"overall\">{}</p>",
        status_class(a.overall.status),
        esc(&overall_line(a))
    );
    if let Some(first) = a.next_steps.first() {
        let _ = writeln!(o, "<p class=\"headline\">{}</p>", esc(first));
    }
    if let Some(w) = estimate_warning(a) {
        let _ = writeln!(o, "<p class=\"estimate\">{}</p>", esc(&w));
    }
    o.push_str("</header>\n<section class=\"card\" id=\"next-steps\"><h2>Next steps</h2><ol class=\"steps\">\n");
    for s in &a.next_steps {
        let _ = writeln!(o, "<li>{}</li>", esc(s));
    }
    o.push_str("</ol></section>\n");
    if !a.strengths.is_empty() {
        o.push_str("<section class=\"card\" id=\"strengths\"><h2>What went well</h2><ul class=\"steps\">\n");
        for s in &a.strengths {
            let _ = writeln!(o, "<li>{}</li>", esc(s));
        }
        o.push_str("</ul></section>\n");
    }
}

fn legend(o: &mut String, a: &Analysis) {
    o.push_str("<div class=\"legend\" id=\"legend\">");
    for (slot, st) in a.section_timing.iter().enumerate() {
        let _ = write!(
            o,
            "<span><span class=\"sw\" style=\"background:{}\"></span>{}</span>",
            color(slot),
            esc(&st.name)
        );
    }
    o.push_str(
        "<span><span class=\"sw\" style=\"background:#fff;border:1px dashed #9aa3b2\"></span>pause of 1 s or more</span>",
    );
    o.push_str("</div>\n");
}

/// Text inside a bar only where it fits (about 7 px per character at 12 px).
fn label_in(o: &mut String, x: f64, w: f64, y: f64, text: &str, dark: bool) {
    let max_chars = ((w - 8.0) / 7.0).floor();
    if max_chars < 1.0 {
        return;
    }
    let n = text.chars().count();
    let shown: String = if n as f64 <= max_chars {
        text.to_string()
    } else if max_chars >= 3.0 {
        // Cut names still say which section it is by their start.
        let mut s: String = text.chars().take(max_chars as usize - 1).collect();
        s.push('\u{2026}');
        s
    } else {
        return;
    };
    let _ = write!(
        o,
        "<text class=\"in{}\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
        if dark { " dark" } else { "" },
        x + 5.0,
        y,
        esc(&shown)
    );
}

/// Light palette entries need dark text on them.
fn dark_text(slot: usize) -> bool {
    matches!(slot % PALETTE.len(), 5 | 6 | 8 | 9)
}

fn timeline(o: &mut String, a: &Analysis) {
    let (t0, t1) = timeline_range(a);
    let (left, right) = (78.0, 990.0);
    let x = |t: f64| left + (t - t0) / (t1 - t0) * (right - left);
    let (sy, ty, bh) = (16.0, 64.0, 34.0);
    let axis_y = ty + bh + 8.0;
    o.push_str("<section class=\"card\" id=\"timeline\"><h2>Timeline: sections as spoken, against their targets</h2>\n");
    let _ = write!(
        o,
        "<svg viewBox=\"0 0 1000 {:.0}\" role=\"img\" aria-label=\"Timeline of the answer's sections against their targets\">",
        axis_y + 26.0
    );
    // The overall band: where the whole answer should end.
    let (bx0, bx1) = (
        x((t0 + a.overall.target.min_s).min(t1)),
        x((t0 + a.overall.target.max_s).min(t1)),
    );
    let _ = write!(
        o,
        "<rect x=\"{bx0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#2e7d32\" fill-opacity=\"0.07\"><title>The answer should end here: {}</title></rect>",
        sy - 6.0,
        (bx1 - bx0).max(0.0),
        axis_y - sy + 6.0,
        esc(&band_clock(&a.overall.target))
    );
    for t in ticks(t0, t1, 12) {
        let tx = x(t);
        let _ = write!(
            o,
            "<line class=\"grid\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{:.1}\" y2=\"{axis_y:.1}\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            sy - 6.0,
            axis_y + 16.0,
            esc(&at(a, t))
        );
    }
    let _ = write!(
        o,
        "<text x=\"4\" y=\"{:.1}\">spoken</text><text x=\"4\" y=\"{:.1}\">target</text>",
        sy + bh / 2.0 + 4.0,
        ty + bh / 2.0 + 4.0
    );
    for s in &a.sections {
        let slot = section_slot(a, &s.id);
        let (sx0, sx1) = (x(s.start_s), x(s.end_s));
        let w = (sx1 - sx0).max(1.5);
        let name = section_name(a, &s.id);
        let target = a
            .section_timing
            .get(slot)
            .map(|st| format!("; target {}", band_secs(&st.target)))
            .unwrap_or_default();
        // A span labelled on weak evidence is drawn washed out with a dashed edge, and says so.
        let (class, unsure) = if s.uncertain {
            ("span uncertain", format!("; uncertain{}", how_sure(s)))
        } else {
            ("span", String::new())
        };
        let _ = write!(
            o,
            "<g class=\"{class}\" data-t=\"{:.3}\"><rect x=\"{sx0:.1}\" y=\"{sy:.1}\" width=\"{w:.1}\" height=\"{bh:.1}\" rx=\"3\" fill=\"{}\"><title>{}: {}-{} ({}{}{})</title></rect>",
            s.start_s,
            color(slot),
            esc(name),
            esc(&at(a, s.start_s)),
            esc(&at(a, s.end_s)),
            esc(&secs(a, s.end_s - s.start_s)),
            esc(&target),
            esc(&unsure)
        );
        label_in(o, sx0, w, sy + bh / 2.0 + 4.0, name, dark_text(slot));
        o.push_str("</g>");
    }
    // Pauses on top: a pause inside a sentence lies within its span's rectangle.
    for p in &a.pauses {
        let (px0, px1) = (x(p.start_s), x(p.end_s));
        let _ = write!(
            o,
            "<rect x=\"{px0:.1}\" y=\"{sy:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#fff\" stroke=\"#9aa3b2\" stroke-dasharray=\"3 2\" data-t=\"{:.3}\"><title>pause {} at {}</title></rect>",
            (px1 - px0).max(1.0),
            p.start_s,
            esc(&secs(a, p.duration_s)),
            esc(&at(a, p.start_s))
        );
    }
    for p in target_plan(a) {
        let Some(st) = a.section_timing.get(p.slot) else {
            continue;
        };
        let (px0, px1) = (x(p.start_s), x(p.end_s));
        let w = (px1 - px0).max(1.0);
        let _ = write!(
            o,
            "<g class=\"plan\"><rect x=\"{px0:.1}\" y=\"{ty:.1}\" width=\"{w:.1}\" height=\"{bh:.1}\" rx=\"3\" fill=\"{}\" stroke=\"{}\"><title>{}: target {}, here as {} (the middle of the band); took {} ({})</title></rect>",
            tint(color(p.slot), 0.35),
            color(p.slot),
            esc(&st.name),
            esc(&band_secs(&st.target)),
            esc(&plain_secs(p.end_s - p.start_s)),
            esc(&secs(a, st.duration_s)),
            status_str(st.status)
        );
        label_in(
            o,
            px0,
            w,
            ty + bh / 2.0 + 4.0,
            &format!("{} {}", st.name, band_secs(&st.target)),
            true,
        );
        o.push_str("</g>");
    }
    o.push_str("</svg>\n");
    legend(o, a);
    o.push_str("<p class=\"meta\">Top: the answer as spoken (click a section to hear it). Bottom: each section as long as the middle of its target band, one after another; the green zone is where the whole answer should end.</p>\n</section>\n");
}

/// Pitch contour and loudness on the timeline's time axis, the flagged spots shaded, then the
/// delivery figures.
fn delivery(o: &mut String, a: &Analysis) {
    let d = &a.delivery;
    o.push_str("<section class=\"card\" id=\"delivery\"><h2>Delivery: how it sounded</h2>\n");
    if let Some(c) = &d.contour {
        let (t0, t1) = timeline_range(a);
        let (left, right) = (78.0, 990.0);
        let x = |t: f64| left + (t - t0) / (t1 - t0) * (right - left);
        // Pitch lane: semitones around the speaker's median, +-10; loudness lane: -60..0 dBFS.
        let (py0, ph, ly0, lh) = (10.0, 120.0, 150.0, 56.0);
        let axis_y = ly0 + lh + 8.0;
        let median = d.pitch.as_ref().map_or(0.0, |p| p.median_hz);
        let st_y = |st: f64| py0 + ph / 2.0 - st.clamp(-10.0, 10.0) / 10.0 * (ph / 2.0);
        let db_y = |db: f64| ly0 + lh - ((db + 60.0) / 60.0).clamp(0.0, 1.0) * lh;
        let _ = write!(
            o,
            "<svg viewBox=\"0 0 1000 {:.0}\" role=\"img\" aria-label=\"Pitch contour and loudness over the answer\">",
            axis_y + 26.0
        );
        for t in ticks(t0, t1, 12) {
            let tx = x(t);
            let _ = write!(
                o,
                "<line class=\"grid\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{py0:.1}\" y2=\"{axis_y:.1}\"/><text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                axis_y + 16.0,
                esc(&at(a, t))
            );
        }
        // Flagged spots first, under the lines: sentence ends that trail off, clipping.
        for s in d.sentences.iter().filter(|s| s.trailing_off) {
            let (Some(end), Some(sent)) = (s.end_word, a.sentences.get(s.sentence)) else {
                continue;
            };
            let from = a.words.get(end).map_or(sent.start_s, |w| w.start_s);
            let (x0, x1) = (x(from), x(sent.end_s));
            let _ = write!(
                o,
                "<rect class=\"trail\" x=\"{x0:.1}\" y=\"{py0:.1}\" width=\"{:.1}\" height=\"{:.1}\" data-t=\"{from:.3}\"><title>trails off at {}: {:.0} dB below the rest of the sentence</title></rect>",
                (x1 - x0).max(2.0),
                ly0 + lh - py0,
                esc(&at(a, from)),
                s.end_drop_db.unwrap_or(0.0)
            );
        }
        if let Some(clip) = &d.clipping {
            for r in clip.runs.iter().filter(|r| r.0 >= t0 && r.0 <= t1) {
                let cx = x(r.0);
                let _ = write!(
                    o,
                    "<line class=\"clipmark\" x1=\"{cx:.1}\" x2=\"{cx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"><title>clipping at {}</title></line>",
                    ly0 - 4.0,
                    ly0 + lh,
                    esc(&at(a, r.0))
                );
            }
        }
        // Reference lines: the median, and the quiet threshold.
        let _ = write!(
            o,
            "<line class=\"ref\" x1=\"{left}\" x2=\"{right}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/><line class=\"ref\" x1=\"{left}\" x2=\"{right}\" y1=\"{1:.1}\" y2=\"{1:.1}\"/>",
            st_y(0.0),
            db_y(d.thresholds.quiet_below_dbfs)
        );
        let _ = write!(
            o,
            "<text x=\"4\" y=\"{:.1}\">pitch</text><text x=\"4\" y=\"{:.1}\">{:.0} Hz</text><text x=\"4\" y=\"{:.1}\">+10 st</text><text x=\"4\" y=\"{:.1}\">-10 st</text><text x=\"4\" y=\"{:.1}\">loudness</text><text x=\"4\" y=\"{:.1}\">quiet</text>",
            py0 + 28.0,
            st_y(0.0) + 4.0,
            median,
            py0 + 10.0,
            py0 + ph - 2.0,
            ly0 + 16.0,
            db_y(d.thresholds.quiet_below_dbfs) + 4.0
        );
        // Loudness as a filled area.
        let mut area = format!("M{:.1},{:.1}", x(c.start_s), db_y(-60.0));
        for (k, l) in c.level_dbfs.iter().enumerate() {
            let t = c.start_s + (k as f64 + 0.5) * c.step_s;
            let _ = write!(area, " L{:.1},{:.1}", x(t), db_y(f64::from(*l)));
        }
        let end = c.start_s + c.level_dbfs.len() as f64 * c.step_s;
        let _ = write!(area, " L{:.1},{:.1} Z", x(end), db_y(-60.0));
        let _ = write!(
            o,
            "<path class=\"lvl\" d=\"{area}\"><title>loudness (dBFS)</title></path>"
        );
        // Pitch as a line, broken where nothing is voiced.
        if median > 0.0 {
            let mut path = String::new();
            let mut pen_down = false;
            for (k, f) in c.f0_hz.iter().enumerate() {
                let t = c.start_s + (k as f64 + 0.5) * c.step_s;
                match f {
                    Some(f) if *f > 0.0 => {
                        let st = 12.0 * (f64::from(*f) / median).log2();
                        let _ = write!(
                            path,
                            "{}{:.1},{:.1} ",
                            if pen_down { "L" } else { "M" },
                            x(t),
                            st_y(st)
                        );
                        pen_down = true;
                    }
                    _ => pen_down = false,
                }
            }
            let _ = write!(
                o,
                "<path class=\"f0\" d=\"{}\"><title>pitch, semitones around your median</title></path>",
                path.trim_end()
            );
        }
        o.push_str("</svg>\n");
        o.push_str("<p class=\"meta\">Top: pitch in semitones around your median (a flat line is a flat voice). Bottom: loudness. Shaded: sentence ends that trail off; red ticks: clipping. Same time axis as the timeline.</p>\n");
    }
    o.push_str("<ul class=\"dlv\">");
    for l in super::delivery::lines(a) {
        let _ = write!(
            o,
            "<li{}><b>{}</b> {}</li>",
            if l.flagged { " class=\"flag\"" } else { "" },
            l.label,
            esc(&l.text)
        );
    }
    o.push_str("</ul>\n");
    let rows = super::delivery::section_rows(a);
    if !rows.is_empty() {
        o.push_str("<table class=\"compact\"><thead><tr><th>section</th><th class=\"n\">pitch</th><th class=\"n\">varies</th><th class=\"n\">level</th></tr></thead><tbody>");
        for r in rows {
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&r[0]),
                esc(&r[1]),
                esc(&r[2]),
                esc(&r[3])
            );
        }
        o.push_str("</tbody></table>\n");
    }
    if let Some(why) = super::delivery::not_measured(d) {
        let _ = writeln!(
            o,
            "<p class=\"meta\" id=\"delivery-not-measured\">{}</p>",
            esc(&why)
        );
    }
    o.push_str("</section>\n");
}

/// What the transcript marks on each word: (class, why) for the delivery signals raised.
fn word_marks(a: &Analysis) -> Vec<Vec<(&'static str, String)>> {
    let d = &a.delivery;
    let mut marks: Vec<Vec<(&'static str, String)>> = vec![Vec::new(); a.words.len()];
    let raised = |id: &str| a.signals.iter().any(|s| s.id == id);
    if raised("trailing-off") {
        for s in d.sentences.iter().filter(|s| s.trailing_off) {
            let (Some(end), Some(sent)) = (s.end_word, a.sentences.get(s.sentence)) else {
                continue;
            };
            for m in marks
                .iter_mut()
                .take(sent.first_word + sent.n_words)
                .skip(end)
            {
                m.push((
                    "fade",
                    format!(
                        "trails off: {:.0} dB below the rest of the sentence",
                        s.end_drop_db.unwrap_or(0.0)
                    ),
                ));
            }
        }
    }
    if raised("monotone") {
        let below = d.thresholds.monotone_below_st;
        for s in d.sentences.iter() {
            let (Some(v), Some(sent)) = (s.variation_st, a.sentences.get(s.sentence)) else {
                continue;
            };
            if v < below {
                for m in marks.iter_mut().skip(sent.first_word).take(sent.n_words) {
                    m.push(("flat", format!("flat: pitch varies {v:.1} semitones here")));
                }
            }
        }
    }
    if raised("repetitive") {
        let t = &d.thresholds;
        let r = &d.repetition;
        for o in &r.openings {
            if o.sentences.len() < t.opening_min_count {
                continue;
            }
            let n = o.text.split_whitespace().count();
            for &k in &o.sentences {
                let Some(sent) = a.sentences.get(k) else {
                    continue;
                };
                // The opening may follow a hesitation: mark the words that match it.
                let toks: Vec<String> = a.words[sent.first_word..sent.first_word + sent.n_words]
                    .iter()
                    .map(|w| crate::analyze::sentences::normalize(&w.text))
                    .collect();
                let want: Vec<&str> = o.text.split_whitespace().collect();
                if let Some(p) = toks
                    .windows(n)
                    .position(|w| w.iter().zip(&want).all(|(x, y)| x == y))
                {
                    for m in marks.iter_mut().skip(sent.first_word + p).take(n) {
                        m.push((
                            "rep",
                            format!(
                                "\"{}\" opens {} of {} sentences",
                                o.text,
                                o.sentences.len(),
                                r.sentences
                            ),
                        ));
                    }
                }
            }
        }
        for c in r
            .crutch_words
            .iter()
            .filter(|c| c.count >= t.crutch_min_count)
        {
            for (i, w) in a.words.iter().enumerate() {
                if crate::analyze::sentences::normalize(&w.text) == c.text {
                    marks[i].push(("crutch", format!("\"{}\" {} times", c.text, c.count)));
                }
            }
        }
    }
    if let Some(clip) = &d.clipping {
        for (i, w) in a.words.iter().enumerate() {
            if clip.runs.iter().any(|r| r.0 < w.end_s && r.1 > w.start_s) {
                marks[i].push(("clip", "clipped".to_string()));
            }
        }
    }
    marks
}

fn transcript(o: &mut String, a: &Analysis) {
    o.push_str("<section class=\"card transcript\" id=\"transcript\"><h2>Transcript</h2>\n");
    if a.source.audio.is_some() {
        o.push_str("<p class=\"meta\">Click a word to play the recording from there.</p>\n");
    }
    let section_of = |i: usize| -> Option<&str> {
        a.words
            .get(i)
            .and_then(|w| a.sentences.get(w.sentence))
            .map(|s| s.section.as_str())
    };
    let marks = word_marks(a);
    if marks.iter().any(|m| !m.is_empty()) {
        o.push_str("<p class=\"meta marks\">Marked: <span class=\"key fade\">trailing off</span> <span class=\"key flat\">flat pitch</span> <span class=\"key rep\">repeated opening</span> <span class=\"key crutch\">crutch word</span> <span class=\"key clip\">clipped</span> (hover a word for why).</p>\n");
    }
    let mut open: Option<Option<&str>> = None;
    for (i, w) in a.words.iter().enumerate() {
        let sec = section_of(i);
        if open != Some(sec) {
            if open.is_some() {
                o.push_str("</p>\n");
            }
            let slot = sec.map_or(a.section_timing.len(), |s| section_slot(a, s));
            let _ = write!(o, "<p class=\"seg sec-{slot}\">");
            if let Some(id) = sec {
                let unsure = a.sections.iter().any(|s| {
                    s.uncertain
                        && s.first_sentence <= w.sentence
                        && w.sentence < s.first_sentence + s.n_sentences
                });
                let _ = write!(
                    o,
                    "<span class=\"seg-label\" data-t=\"{:.3}\">{}{} {}</span>",
                    w.start_s,
                    esc(section_name(a, id)),
                    if unsure {
                        " <span title=\"labelled on weak evidence: a best guess\">?</span>"
                    } else {
                        ""
                    },
                    esc(&at(a, w.start_s))
                );
            }
            open = Some(sec);
        } else {
            o.push(' ');
        }
        let mut class = String::from("w");
        let mut title = at(a, w.start_s);
        if w.filler {
            class.push_str(" filler");
            title.push_str(" filler");
        }
        if w.p < 0.5 {
            class.push_str(" unsure");
            let _ = write!(title, " (heard with {:.0}% confidence)", w.p * 100.0);
        }
        for (c, why) in &marks[i] {
            if !class.split(' ').any(|x| x == *c) {
                class.push(' ');
                class.push_str(c);
            }
            let _ = write!(title, "; {why}");
        }
        let _ = write!(
            o,
            "<span class=\"{class}\" data-t=\"{:.3}\" title=\"{}\">{}</span>",
            w.start_s,
            esc(&title),
            esc(w.text.trim())
        );
        for p in a.pauses.iter().filter(|p| p.after_word == i) {
            let _ = write!(
                o,
                " <span class=\"pause\" data-t=\"{:.3}\" title=\"pause at {}, {}\">pause {}</span>",
                p.start_s,
                esc(&at(a, p.start_s)),
                esc(&pause_where(a, p)),
                esc(&secs(a, p.duration_s))
            );
        }
    }
    if open.is_some() {
        o.push_str("</p>\n");
    }
    o.push_str("</section>\n");
}

fn sections_table(o: &mut String, a: &Analysis) {
    o.push_str("<section class=\"card\" id=\"sections\"><h2>Sections</h2>\n<table><thead><tr><th>section</th><th class=\"n\">start</th><th class=\"n\">time</th><th class=\"n\">target</th><th>status</th><th class=\"n\">wpm</th><th class=\"n\">fillers</th></tr></thead><tbody>\n");
    for (slot, st) in a.section_timing.iter().enumerate() {
        let start = st.start_s.map_or("-".into(), |t| at(a, t));
        let time = if st.status == Status::Missing {
            "-".into()
        } else {
            secs(a, st.duration_s)
        };
        let wpm = st
            .wpm
            .map_or("-".into(), |w| format!("{}{w:.0}", approx(a)));
        let _ = writeln!(
            o,
            "<tr><td><span class=\"sw\" style=\"background:{}\"></span>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"{}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            color(slot),
            esc(&st.name),
            if st.uncertain {
                " <span class=\"uncertain-tag\" title=\"labelled on weak evidence: a best guess\">uncertain</span>"
            } else {
                ""
            },
            esc(&start),
            esc(&time),
            esc(&band_secs(&st.target)),
            status_class(st.status),
            status_str(st.status),
            esc(&wpm),
            st.fillers
        );
    }
    o.push_str("</tbody></table>");
    if let Some(note) = uncertain_note(a) {
        let _ = write!(o, "<p class=\"meta\">{}</p>", esc(&note));
    }
    o.push_str("</section>\n");
}

fn pace(o: &mut String, a: &Analysis) {
    let pc = &a.pace;
    let ap = approx(a);
    let cls = if pc.status == PaceStatus::Ok {
        "ok"
    } else {
        "warn"
    };
    let _ = writeln!(
        o,
        "<section class=\"card\" id=\"pace\"><h2>Pace</h2>\n<p class=\"meta\">{ap}{:.0} wpm overall, {ap}{:.0} wpm speaking only (target {:.0}-{:.0} wpm): <span class=\"{cls}\">{}</span></p>",
        pc.wpm,
        pc.wpm_speaking,
        pc.band.min_s,
        pc.band.max_s,
        pace_status_str(pc.status)
    );
    if pc.windows.is_empty() {
        o.push_str("</section>\n");
        return;
    }
    let (left, right, top, bottom) = (52.0, 990.0, 12.0, 170.0);
    let t0 = pc.windows.first().map_or(0.0, |w| w.start_s);
    let t1 = pc
        .windows
        .last()
        .map_or(t0 + 1.0, |w| w.end_s)
        .max(t0 + 1.0);
    let peak = pc
        .windows
        .iter()
        .map(|w| w.wpm)
        .fold(pc.band.max_s, f64::max);
    // Round the top of the scale up to 50 wpm so the ticks land on round numbers.
    let ymax = ((peak * 1.1) / 50.0).ceil().max(1.0) * 50.0;
    let x = |t: f64| left + (t - t0) / (t1 - t0) * (right - left);
    let y = |v: f64| bottom - (v / ymax) * (bottom - top);
    let _ = write!(
        o,
        "<svg viewBox=\"0 0 1000 200\" role=\"img\" aria-label=\"Words per minute over time\">"
    );
    // Bounded even for a hand-edited report with an absurd pace.
    let ymax = if ymax.is_finite() {
        ymax.min(1000.0)
    } else {
        250.0
    };
    for k in 0..=((ymax / 50.0).round() as usize) {
        let v = k as f64 * 50.0;
        let _ = write!(
            o,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{right}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/><text x=\"{1}\" y=\"{2:.1}\" text-anchor=\"end\">{3:.0}</text>",
            y(v),
            left - 6.0,
            y(v) + 4.0,
            v
        );
    }
    let (b0, b1) = (y(pc.band.min_s.min(ymax)), y(pc.band.max_s.min(ymax)));
    let _ = write!(
        o,
        "<rect x=\"{left}\" y=\"{b1:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#2e7d32\" fill-opacity=\"0.12\"><title>target {:.0}-{:.0} wpm</title></rect>",
        right - left,
        (b0 - b1).max(0.0),
        pc.band.min_s,
        pc.band.max_s
    );
    let _ = write!(
        o,
        "<text x=\"{:.1}\" y=\"{:.1}\">target {:.0}-{:.0} wpm</text>",
        left + 6.0,
        b0 - 5.0,
        pc.band.min_s,
        pc.band.max_s
    );
    for t in ticks(t0, t1, 12) {
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"190\" text-anchor=\"middle\">{}</text>",
            x(t),
            esc(&at(a, t))
        );
    }
    let pts: Vec<String> = pc
        .windows
        .iter()
        .map(|w| format!("{:.1},{:.1}", x((w.start_s + w.end_s) / 2.0), y(w.wpm)))
        .collect();
    let _ = write!(
        o,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>",
        pts.join(" ")
    );
    for w in &pc.windows {
        let inside = w.wpm >= pc.band.min_s && w.wpm <= pc.band.max_s;
        let _ = write!(
            o,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{}\" data-t=\"{:.3}\"><title>{}-{}: {ap}{:.0} wpm ({} words)</title></circle>",
            x((w.start_s + w.end_s) / 2.0),
            y(w.wpm),
            if inside { "#4e79a7" } else { "#d98e04" },
            w.start_s,
            esc(&at(a, w.start_s)),
            esc(&at(a, w.end_s)),
            w.wpm,
            w.words
        );
    }
    let _ = writeln!(
        o,
        "</svg>\n<p class=\"meta\">Words per minute in {:.0} s windows; the shaded band is the target.</p></section>",
        pc.window_s
    );
}

fn pauses_and_fillers(o: &mut String, a: &Analysis) {
    let total: f64 = a.pauses.iter().map(|p| p.duration_s).sum();
    let _ = writeln!(
        o,
        "<section class=\"card\" id=\"pauses\"><h2>Pauses</h2><p class=\"meta\">{} of 1 s or more, {} in all.</p>",
        a.pauses.len(),
        esc(&secs(a, total))
    );
    if !a.pauses.is_empty() {
        o.push_str("<table class=\"compact\"><thead><tr><th class=\"n\">at</th><th class=\"n\">length</th><th>where</th><th>after</th></tr></thead><tbody>\n");
        for p in &a.pauses {
            let after = a
                .words
                .get(p.after_word)
                .map_or(String::new(), |w| w.text.trim().to_string());
            let _ = writeln!(
                o,
                "<tr data-t=\"{:.3}\"><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                p.start_s,
                esc(&at(a, p.start_s)),
                esc(&secs(a, p.duration_s)),
                esc(&pause_where(a, p)),
                esc(&after)
            );
        }
        o.push_str("</tbody></table>\n");
    }
    o.push_str("</section>\n");

    let fs = &a.filler_stats;
    let by: Vec<String> = fs
        .by_text
        .iter()
        .map(|(t, n)| format!("\u{201c}{}\u{201d} x{n}", esc(t)))
        .collect();
    let _ = writeln!(
        o,
        "<section class=\"card\" id=\"fillers\"><h2>Fillers</h2><p class=\"meta\">{} fillers, {}{:.1} per minute{}{}</p>",
        fs.count,
        approx(a),
        fs.per_minute,
        if by.is_empty() { "" } else { ": " },
        by.join(", ")
    );
    if !a.fillers.is_empty() {
        o.push_str("<table class=\"compact\"><thead><tr><th class=\"n\">at</th><th>filler</th><th>section</th></tr></thead><tbody>\n");
        for f in &a.fillers {
            let _ = writeln!(
                o,
                "<tr data-t=\"{:.3}\"><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                f.start_s,
                esc(&at(a, f.start_s)),
                esc(&f.text),
                esc(f.section.as_deref().map_or("-", |s| section_name(a, s)))
            );
        }
        o.push_str("</tbody></table>\n");
    }
    o.push_str("</section>\n");
}

fn signals(o: &mut String, a: &Analysis) {
    o.push_str("<section class=\"card\" id=\"signals\"><h2>Signals</h2>\n");
    if a.signals.is_empty() {
        o.push_str("<p class=\"meta\">None.</p></section>\n");
        return;
    }
    o.push_str("<ul class=\"sig\">\n");
    for s in &a.signals {
        let sev = severity_str(s.severity);
        let when = s
            .at_s
            .map(|t| format!(" <span data-t=\"{t:.3}\">({})</span>", esc(&at(a, t))))
            .unwrap_or_default();
        let _ = write!(
            o,
            "<li><span class=\"badge {sev}\">{sev}</span><code>{}</code> {}{when}",
            esc(&s.id),
            esc(&s.message)
        );
        if !s.evidence.is_empty() {
            let _ = write!(
                o,
                "<p class=\"evidence\">Evidence: {}</p>",
                esc(&s.evidence)
            );
        }
        o.push_str("</li>\n");
    }
    o.push_str("</ul></section>\n");
}

fn scorecard(o: &mut String, a: &Analysis) {
    if a.scorecard.is_empty() {
        return;
    }
    o.push_str("<section class=\"card\" id=\"scorecard\"><h2>Scorecard</h2><p class=\"meta\">What interviewers weigh in a failure answer, as the senior engineers' failure-question guide lists it.</p>\n<table><thead><tr><th>criterion</th><th>verdict</th><th>evidence</th></tr></thead><tbody>\n");
    for item in &a.scorecard {
        let v = verdict_str(item.verdict);
        let _ = writeln!(
            o,
            "<tr><td class=\"nw\">{}</td><td><span class=\"badge {v}\">{v}</span></td><td>{}</td></tr>",
            esc(&item.id),
            esc(&item.evidence)
        );
    }
    o.push_str("</tbody></table></section>\n");
}

fn footer(o: &mut String, a: &Analysis) {
    o.push_str("<footer>");
    for n in &a.notes {
        let _ = write!(o, "<p>{}</p>", esc(n));
    }
    let _ = writeln!(
        o,
        "<p>rehearse report, schema {}. Times are {} from the start of the recording.</p></footer>",
        a.schema,
        if a.source.timing.is_estimated() {
            "estimated (marked ~)"
        } else {
            "measured"
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Timing;
    use crate::report::sample_analysis;

    fn page(a: &Analysis) -> String {
        render(a, &RenderOptions::default())
    }

    #[test]
    fn self_contained_with_svg() {
        let s = page(&sample_analysis());
        assert!(s.starts_with("<!DOCTYPE html>"));
        assert!(s.matches("<svg").count() >= 2, "timeline and pace");
        assert!(
            !s.contains("http://") && !s.contains("https://"),
            "no external references"
        );
        assert!(!s.contains("<link") && !s.contains(" src=\"http"));
        assert!(s.contains("id=\"legend\""));
        assert!(s.contains("class=\"w filler"));
        assert!(s.contains("class=\"pause\""));
    }

    #[test]
    fn the_title_is_the_question_never_a_path() {
        let mut a = sample_analysis();
        a.source.path = "/home/me/rehearse/attempts/x/audio.wav".into();
        a.question = Some(crate::analyze::QuestionRef {
            id: Some("failed".into()),
            text: "Tell me about a time you failed.".into(),
        });
        assert!(page(&a).contains("<title>Tell me about a time you failed. (rehearse)</title>"));
        a.question = None;
        let s = page(&a);
        assert!(
            s.contains("<title>rehearse: audio.wav</title>"),
            "{}",
            &s[..400]
        );
        assert!(!s.contains("<title>rehearse: /home"));
        let dated = render(
            &a,
            &RenderOptions {
                date: Some("2026-12-05 09:14 UTC".into()),
                ..RenderOptions::default()
            },
        );
        assert!(dated.contains("<title>rehearse: audio.wav, 2026-12-05 09:14 UTC</title>"));
    }

    #[test]
    fn an_absolute_recording_is_a_file_url_and_an_embedded_one_a_data_url() {
        let mut a = sample_analysis();
        a.source.audio = Some("/home/me/my take.wav".into());
        let linked = page(&a);
        assert!(linked.contains("src=\"file:///home/me/my%20take.wav\""));
        assert!(linked.contains("could not be loaded from /home/me/my take.wav"));
        // 44-byte header and two samples: "RIFF" encodes as "UklGR".
        let mut wav = Vec::new();
        crate::audio::encode::write_analysis_wav(std::io::Cursor::new(&mut wav), &[0.0, 0.5])
            .unwrap();
        let embedded = render(
            &a,
            &RenderOptions {
                embedded_audio: Some(wav.clone()),
                ..RenderOptions::default()
            },
        );
        assert!(embedded.contains("src=\"data:audio/wav;base64,UklGR"));
        assert!(!embedded.contains("file:///"));
        use base64::Engine as _;
        let start = embedded.find("base64,").unwrap() + 7;
        let end = start + embedded[start..].find('"').unwrap();
        let back = base64::engine::general_purpose::STANDARD
            .decode(&embedded[start..end])
            .unwrap();
        assert_eq!(back, wav, "the page carries the recording byte for byte");
    }

    #[test]
    fn escapes_transcript_words() {
        let mut a = sample_analysis();
        a.words[1].text = "<script>alert(\"x&y\")</script>".into();
        a.source.path = "a<b>.wav".into();
        let s = page(&a);
        assert!(!s.contains("<script>alert"), "raw script tag from a word");
        assert!(s.contains("&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;"));
        assert!(!s.contains("a<b>"));
        // Only the page's own script block.
        assert_eq!(s.matches("<script>").count(), 1);
    }

    #[test]
    fn audio_only_when_known() {
        let mut a = sample_analysis();
        let with = page(&a);
        assert!(with.contains("<audio id=\"audio\" controls"));
        assert!(
            with.contains("src=\"answers/take%201.wav\""),
            "spaces encoded"
        );
        a.source.audio = None;
        let without = page(&a);
        assert!(!without.contains("<audio"));
        // The script still runs, guarded.
        assert!(without.contains("if (!audio) return;"));
    }

    #[test]
    fn words_carry_their_start() {
        let a = sample_analysis();
        let s = page(&a);
        let n = s.matches("<span class=\"w").count();
        assert_eq!(n, a.words.len());
        assert!(s.contains(&format!("data-t=\"{:.3}\"", a.words[0].start_s)));
    }

    #[test]
    fn estimated_is_said() {
        let mut a = sample_analysis();
        a.source.timing = Timing::Estimated { wpm: 150.0 };
        let s = page(&a);
        assert!(s.contains("class=\"estimate\""));
        assert!(s.contains("Answer ~"));
    }

    #[test]
    fn url_encoding() {
        assert_eq!(path_url("my take #1.wav"), "my%20take%20%231.wav");
        assert_eq!(path_url("../a/b-c_d.wav"), "../a/b-c_d.wav");
        assert_eq!(path_url("c:x?.wav"), "c%3Ax%3F.wav");
        assert_eq!(path_url("caf\u{e9}.wav"), "caf%C3%A9.wav");
        assert_eq!(path_url("/home/me/a b.wav"), "file:///home/me/a%20b.wav");
    }

    #[test]
    fn tints() {
        assert_eq!(tint("#000000", 0.0), "#ffffff");
        assert_eq!(tint("#4e79a7", 1.0), "#4e79a7");
    }
}
