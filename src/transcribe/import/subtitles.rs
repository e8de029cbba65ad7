//! SubRip (SRT) and WebVTT: one cue parser for both, since they differ only in their header,
//! cue labels, markup and the separator in their clocks. Words are spread inside each cue.

use super::shared::{
    check_span, clock, count, has_webvtt_header, is_cue_number, note_clamped, note_dropped,
    only_annotations, parse_clock, snippet, split_words, spread, strip_speaker_label,
};
use super::types::{ImportError, Imported, ImportedKind, WordTiming};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subtitles {
    Srt,
    Vtt,
}

impl Subtitles {
    fn name(self) -> &'static str {
        match self {
            Subtitles::Srt => "SRT",
            Subtitles::Vtt => "WebVTT",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Subtitles::Srt => "HH:MM:SS,mmm --> HH:MM:SS,mmm",
            Subtitles::Vtt => "[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm",
        }
    }

    fn clock(self) -> fn(f64) -> String {
        match self {
            Subtitles::Srt => |t| clock(t, ','),
            Subtitles::Vtt => |t| clock(t, '.'),
        }
    }
}

/// One subtitle cue: where its timing line is, its span, and its text lines joined.
pub(super) struct Cue {
    line: usize,
    start: f64,
    end: f64,
    text: String,
}

pub(super) fn import_subtitles(
    p: &str,
    text: &str,
    format: Subtitles,
) -> Result<(Imported, String), ImportError> {
    let (mut cues, mut notes) = parse_cues(p, text, format)?;
    let mut previous_end = 0.0;
    let mut clamped = 0;
    for cue in &mut cues {
        let place = || format!("line {}: cue", cue.line);
        if check_span(
            p,
            place,
            &mut cue.start,
            &mut cue.end,
            previous_end,
            format.clock(),
        )? {
            clamped += 1;
        }
        previous_end = cue.end;
    }
    note_clamped(&mut notes, clamped, "cue");
    let mut dropped = Vec::new();
    let mut words = Vec::new();
    for cue in &cues {
        let text = clean_cue_text(&cue.text, format);
        let pieces = split_words(strip_speaker_label(&text), &mut dropped);
        spread(pieces, cue.start, cue.end, &mut words);
    }
    note_dropped(&mut notes, &dropped);
    let why = if cues.is_empty() {
        format!(
            " (no cues found; expected cues timed like {})",
            format.expected()
        )
    } else if !dropped.is_empty() {
        only_annotations(&dropped)
    } else {
        format!(" ({} but none has text)", count(cues.len(), "cue"))
    };
    let imported = Imported {
        kind: match format {
            Subtitles::Srt => ImportedKind::Srt,
            Subtitles::Vtt => ImportedKind::Vtt,
        },
        timing: WordTiming::Cues,
        words,
        duration_s: cues.last().map_or(0.0, |c| c.end),
        audio_path: None,
        notes,
    };
    Ok((imported, why))
}

/// Reads the cues of an SRT or WebVTT file, line by line. Cue numbers (SRT) and identifiers
/// (WebVTT) are optional, blank lines may be doubled, and text after a blank line that is not
/// followed by a timing line is taken as more text of the cue before it rather than lost.
pub(super) fn parse_cues(
    p: &str,
    text: &str,
    format: Subtitles,
) -> Result<(Vec<Cue>, Vec<String>), ImportError> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut notes = Vec::new();
    let mut cues: Vec<Cue> = Vec::new();
    let mut i = 0;
    if format == Subtitles::Vtt && has_webvtt_header(text) {
        // The header (title, "Kind:", "Language:") runs to the first blank line; none of it is
        // speech.
        i = 1;
        while i < lines.len() && !lines[i].is_empty() && !lines[i].contains("-->") {
            i += 1;
        }
    }
    let mut block_start = true;
    let mut ignored: Option<usize> = None;
    while i < lines.len() {
        let line = lines[i];
        let number = i + 1;
        if line.is_empty() {
            block_start = true;
            i += 1;
            continue;
        }
        let at_block_start = std::mem::replace(&mut block_start, false);
        if format == Subtitles::Vtt && at_block_start && !line.contains("-->") && is_vtt_meta(line)
        {
            // NOTE, STYLE and REGION blocks run to the next blank line and hold no speech.
            while i < lines.len() && !lines[i].is_empty() {
                i += 1;
            }
            continue;
        }
        if line.contains("-->") {
            let (start, end) = parse_timing(p, number, line, format)?;
            cues.push(Cue {
                line: number,
                start,
                end,
                text: String::new(),
            });
        } else if is_cue_label(&lines, i, format, at_block_start) {
            // A cue number or identifier: not speech.
        } else if let Some(cue) = cues.last_mut() {
            if !cue.text.is_empty() {
                cue.text.push(' ');
            }
            cue.text.push_str(line);
        } else if format == Subtitles::Srt {
            return Err(ImportError::Syntax {
                path: p.to_string(),
                line: number,
                what: format!(
                    "expected an SRT cue (a number, then {}), found '{}'",
                    format.expected(),
                    snippet(line)
                ),
            });
        } else {
            // WebVTT readers skip text outside cues.
            ignored.get_or_insert(number);
        }
        i += 1;
    }
    if let Some(line) = ignored {
        notes.push(format!("ignored text before the first cue (line {line})"));
    }
    Ok((cues, notes))
}

pub(super) fn is_vtt_meta(line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|kw| {
        line.strip_prefix(kw)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

/// Whether line `i` is a cue's label rather than its text: in SRT a number whose next non-blank
/// line is a timing line (blank lines between are tolerated), in WebVTT any line that opens a
/// block and is directly followed by a timing line.
pub(super) fn is_cue_label(
    lines: &[&str],
    i: usize,
    format: Subtitles,
    at_block_start: bool,
) -> bool {
    match format {
        Subtitles::Srt => {
            is_cue_number(lines[i])
                && lines[i + 1..]
                    .iter()
                    .find(|l| !l.is_empty())
                    .is_some_and(|l| l.contains("-->"))
        }
        Subtitles::Vtt => at_block_start && lines.get(i + 1).is_some_and(|l| l.contains("-->")),
    }
}

/// `start --> end [settings]`: WebVTT cue settings ("align:start") and SRT coordinates after the
/// end time are ignored.
pub(super) fn parse_timing(
    p: &str,
    line_number: usize,
    line: &str,
    format: Subtitles,
) -> Result<(f64, f64), ImportError> {
    let bad = |found: &str| ImportError::Timestamp {
        path: p.to_string(),
        line: line_number,
        format: format.name(),
        found: snippet(if found.is_empty() { line } else { found }),
        expected: format.expected(),
    };
    let (a, b) = line.split_once("-->").ok_or_else(|| bad(line))?;
    let a = a.trim();
    let b = b.split_whitespace().next().unwrap_or("");
    let start = parse_clock(a).ok_or_else(|| bad(a))?;
    let end = parse_clock(b).ok_or_else(|| bad(b))?;
    Ok((start, end))
}

/// Cue text without markup: WebVTT and SRT tags (`<i>`, `<v Speaker>`, `<c.yellow>`,
/// `<00:01.500>`), SSA override codes that SRT files carry (`{\an8}`) and, in WebVTT, character
/// references (`&amp;`).
pub(super) fn clean_cue_text(text: &str, format: Subtitles) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(k) = rest.find(['<', '{']) {
        out.push_str(&rest[..k]);
        let tail = &rest[k..];
        let mut chars = tail.chars();
        let open = chars.next().unwrap_or('<');
        let next = chars.next();
        let (is_tag, close) = if open == '<' {
            (next.is_some_and(|c| c.is_alphanumeric() || c == '/'), '>')
        } else {
            (next == Some('\\'), '}')
        };
        match tail.find(close) {
            Some(j) if is_tag => rest = &tail[j + 1..],
            _ => {
                out.push(open);
                rest = &tail[open.len_utf8()..];
            }
        }
    }
    out.push_str(rest);
    if format == Subtitles::Vtt {
        decode_entities(&out)
    } else {
        out
    }
}

pub(super) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        let tail = &rest[k..];
        let known = tail
            .find(';')
            .filter(|&j| j <= 10)
            .and_then(|j| Some((entity(&tail[1..j])?, j)));
        match known {
            Some((text, j)) => {
                out.push_str(&text);
                rest = &tail[j + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text a character reference stands for (`amp`, `#233`, `#xE9`); `None` if unknown.
pub(super) fn entity(name: &str) -> Option<String> {
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        // Direction marks are invisible.
        "lrm" | "rlm" => return Some(String::new()),
        _ => {
            let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => name.strip_prefix('#').and_then(|d| d.parse().ok()),
            };
            char::from_u32(code?)?
        }
    };
    Some(c.to_string())
}
