//! The Markdown report: the terminal report's content as headings, lists and tables, for pasting
//! into notes.

use std::fmt::Write as _;

use super::shared::{
    approx, at, band_secs, estimate_warning, overall_line, pace_status_str, pause_where, secs,
    section_name, severity_str, status_str, target_plan, timing_text, uncertain_note, verdict_str,
};
use crate::analyze::{Analysis, Status};

/// Fillers listed one by one in the table; the counts by text cover the rest.
const MAX_FILLERS_LISTED: usize = 30;

/// Escapes text so Markdown shows it as written: transcript words and quotes may hold `*`, `_`,
/// `|` (which would end a table cell) or `<` (which a renderer may take for HTML).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            // A line break would end a table row or a list item.
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let rule: Vec<&str> = head.iter().map(|_| "---").collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    out.push('\n');
}

/// Renders the Markdown report.
pub fn render(a: &Analysis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Answer report: {}\n", esc(&a.source.path));
    if let Some(q) = &a.question {
        let _ = writeln!(out, "- **Question:** {}", esc(&q.text));
    }
    let _ = writeln!(
        out,
        "- **Framework:** {} (`{}`)",
        esc(&a.framework_name),
        a.framework.replace('`', "'")
    );
    let _ = writeln!(
        out,
        "- **Recording:** {}, {}",
        at(a, a.duration_s),
        timing_text(&a.source.timing)
    );
    if let Some(audio) = &a.source.audio {
        let _ = writeln!(out, "- **Audio:** {}", esc(audio));
    }
    let _ = writeln!(out, "\n**{}**\n", overall_line(a));
    if let Some(w) = estimate_warning(a) {
        let _ = writeln!(out, "> {}\n", esc(&w));
    }

    let _ = writeln!(out, "## Next steps\n");
    for (i, s) in a.next_steps.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, esc(s));
    }
    out.push('\n');

    timeline(&mut out, a);
    sections(&mut out, a);
    pace(&mut out, a);
    pauses(&mut out, a);
    fillers(&mut out, a);
    signals(&mut out, a);
    scorecard(&mut out, a);
    if !a.notes.is_empty() {
        let _ = writeln!(out, "## Notes\n");
        for n in &a.notes {
            let _ = writeln!(out, "- {}", esc(n));
        }
        out.push('\n');
    }
    // One trailing newline, not a blank line, at the end of the file.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn timeline(out: &mut String, a: &Analysis) {
    let _ = writeln!(out, "## Timeline\n");
    let _ = writeln!(
        out,
        "Sections in the order they were spoken, with where each would end if it took the middle of its target band.\n"
    );
    let plan = target_plan(a);
    let rows: Vec<Vec<String>> = a
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let planned = a
                .section_timing
                .iter()
                .position(|t| t.id == s.id)
                .and_then(|k| plan.get(k))
                .map_or("-".into(), |p| {
                    format!("{}-{}", at(a, p.start_s), at(a, p.end_s))
                });
            let mut name = esc(section_name(a, &s.id));
            if s.flashback {
                name.push_str(" (back again)");
            }
            if s.uncertain {
                name.push_str(" (uncertain)");
            }
            vec![
                (i + 1).to_string(),
                name,
                at(a, s.start_s),
                at(a, s.end_s),
                secs(a, s.end_s - s.start_s),
                planned,
                esc(&s.evidence),
            ]
        })
        .collect();
    table(
        out,
        &[
            "#",
            "section",
            "start",
            "end",
            "time",
            "target plan",
            "why this section",
        ],
        &rows,
    );
}

fn sections(out: &mut String, a: &Analysis) {
    let _ = writeln!(out, "## Sections\n");
    let rows: Vec<Vec<String>> = a
        .section_timing
        .iter()
        .map(|st| {
            let status = status_str(st.status);
            vec![
                if st.uncertain {
                    format!("{} (uncertain)", esc(&st.name))
                } else {
                    esc(&st.name)
                },
                st.start_s.map_or("-".into(), |t| at(a, t)),
                if st.status == Status::Missing {
                    "-".into()
                } else {
                    secs(a, st.duration_s)
                },
                band_secs(&st.target),
                if st.status == Status::Ok {
                    status.to_string()
                } else {
                    format!("**{status}**")
                },
                st.wpm
                    .map_or("-".into(), |w| format!("{}{w:.0}", approx(a))),
                st.fillers.to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[
            "section", "start", "time", "target", "status", "wpm", "fillers",
        ],
        &rows,
    );
    if let Some(note) = uncertain_note(a) {
        let _ = writeln!(out, "{}\n", esc(&note));
    }
}

fn pace(out: &mut String, a: &Analysis) {
    let pc = &a.pace;
    let ap = approx(a);
    let _ = writeln!(out, "## Pace\n");
    let _ = writeln!(
        out,
        "- Overall: {ap}{:.0} wpm (target {:.0}-{:.0} wpm): **{}**",
        pc.wpm,
        pc.band.min_s,
        pc.band.max_s,
        pace_status_str(pc.status)
    );
    let _ = writeln!(
        out,
        "- Speaking only (pauses of 1 s or more left out): {ap}{:.0} wpm",
        pc.wpm_speaking
    );
    if !pc.windows.is_empty() {
        let w: Vec<String> = pc.windows.iter().map(|w| format!("{:.0}", w.wpm)).collect();
        let _ = writeln!(
            out,
            "- Over time ({:.0} s windows from {}): {ap}{} wpm",
            pc.window_s,
            at(a, pc.windows[0].start_s),
            w.join(", ")
        );
    }
    out.push('\n');
}

fn pauses(out: &mut String, a: &Analysis) {
    let total: f64 = a.pauses.iter().map(|p| p.duration_s).sum();
    let _ = writeln!(out, "## Pauses\n");
    let _ = writeln!(
        out,
        "{} of 1 s or more, {} in all.\n",
        a.pauses.len(),
        secs(a, total)
    );
    if a.pauses.is_empty() {
        return;
    }
    let rows: Vec<Vec<String>> = a
        .pauses
        .iter()
        .map(|p| {
            vec![
                at(a, p.start_s),
                secs(a, p.duration_s),
                esc(&pause_where(a, p)),
                a.words
                    .get(p.after_word)
                    .map_or(String::new(), |w| esc(w.text.trim())),
            ]
        })
        .collect();
    table(out, &["at", "length", "where", "after"], &rows);
}

fn fillers(out: &mut String, a: &Analysis) {
    let fs = &a.filler_stats;
    let _ = writeln!(out, "## Fillers\n");
    let by: Vec<String> = fs
        .by_text
        .iter()
        .map(|(t, n)| format!("\"{}\" x{n}", esc(t)))
        .collect();
    let _ = write!(
        out,
        "{} fillers, {}{:.1} per minute",
        fs.count,
        approx(a),
        fs.per_minute
    );
    if by.is_empty() {
        out.push_str(".\n\n");
        return;
    }
    let _ = writeln!(out, ": {}.\n", by.join(", "));
    let rows: Vec<Vec<String>> = a
        .fillers
        .iter()
        .take(MAX_FILLERS_LISTED)
        .map(|f| {
            vec![
                at(a, f.start_s),
                esc(&f.text),
                f.section
                    .as_deref()
                    .map_or("-".into(), |s| esc(section_name(a, s))),
            ]
        })
        .collect();
    table(out, &["at", "filler", "section"], &rows);
    if a.fillers.len() > MAX_FILLERS_LISTED {
        let _ = writeln!(
            out,
            "... and {} more.\n",
            a.fillers.len() - MAX_FILLERS_LISTED
        );
    }
}

fn signals(out: &mut String, a: &Analysis) {
    let _ = writeln!(out, "## Signals\n");
    if a.signals.is_empty() {
        let _ = writeln!(out, "None.\n");
        return;
    }
    for s in &a.signals {
        let _ = writeln!(
            out,
            "- **{}** `{}`: {}",
            severity_str(s.severity),
            s.id.replace('`', "'"),
            esc(&s.message)
        );
        if !s.evidence.is_empty() {
            let _ = writeln!(out, "  - Evidence: {}", esc(&s.evidence));
        }
    }
    out.push('\n');
}

fn scorecard(out: &mut String, a: &Analysis) {
    if a.scorecard.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Scorecard\n\nWhat interviewers weigh in a failure answer (seed 000).\n"
    );
    let rows: Vec<Vec<String>> = a
        .scorecard
        .iter()
        .map(|s| {
            vec![
                esc(&s.id),
                verdict_str(s.verdict).to_string(),
                esc(&s.evidence),
            ]
        })
        .collect();
    table(out, &["criterion", "verdict", "evidence"], &rows);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample_analysis;

    #[test]
    fn has_tables_and_content() {
        let a = sample_analysis();
        let s = render(&a);
        assert!(s.contains("| section | start | time | target | status | wpm | fillers |"));
        assert!(s.contains("| --- | --- |"));
        assert!(s.contains("## Timeline") && s.contains("## Next steps"));
        for sig in &a.signals {
            assert!(s.contains(&format!("`{}`", sig.id)), "{}", sig.id);
        }
        for st in &a.section_timing {
            assert!(s.contains(&esc(&st.name)));
        }
        assert!(s.contains(&overall_line(&a)));
        assert!(s.ends_with('\n') && !s.ends_with("\n\n"));
        assert!(!s.contains('\x1b'));
    }

    #[test]
    fn table_rows_have_equal_cells() {
        let mut a = sample_analysis();
        a.words[0].text = "a|b".into();
        if let Some(sig) = a.signals.first_mut() {
            sig.evidence = "pipe | inside".into();
        }
        let s = render(&a);
        for block in s.split("\n\n") {
            let rows: Vec<&str> = block.lines().filter(|l| l.starts_with('|')).collect();
            let Some(first) = rows.first() else { continue };
            let cells = |l: &str| l.replace("\\|", "").matches('|').count();
            for r in &rows {
                assert_eq!(cells(r), cells(first), "{r}");
            }
        }
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("a|b *c* <d>"), "a\\|b \\*c\\* \\<d\\>");
        assert_eq!(esc("two\nlines"), "two lines");
    }
}
