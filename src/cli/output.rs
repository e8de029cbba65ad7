//! Where a command's results go: standard output or an `--out` file written atomically, with
//! colour and width decided the same way for every report, and the checks that keep an output
//! path from destroying an input.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Result, bail};

use rehearse::fsutil::{self, parent_dir, same_file};
use rehearse::report::ReportFormat;

use super::args::{ColorChoice, Global};

/// Progress bars only for a person watching: not with --quiet, not into a pipe or a log.
pub fn show_progress(global: &Global) -> bool {
    !global.quiet && std::io::stderr().is_terminal()
}

/// Whether a report gets colour: as asked, else only on a terminal without `NO_COLOR`, and
/// never into a file.
pub fn color_on(choice: ColorChoice, out: Option<&Path>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            out.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Report width for the text report: `COLUMNS` within 60..=160, else 100.
pub fn report_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(60, 160)
}

/// The format `--format` names, else the one `-o`'s extension names, else `default`. An `-o`
/// whose extension names no format is refused with the ones known (so `-o x.pdf` never gets
/// text in it), and so is one that contradicts `--format`. `known` pairs each extension with
/// its format.
pub fn pick_format<F: Copy + PartialEq + std::fmt::Debug>(
    flag: Option<F>,
    out: Option<&Path>,
    known: &[(&str, F)],
    default: F,
) -> Result<F> {
    let Some(out) = out else {
        return Ok(flag.unwrap_or(default));
    };
    let Some(ext) = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
    else {
        return Ok(flag.unwrap_or(default));
    };
    let by_name = known.iter().find(|(e, _)| *e == ext).map(|&(_, f)| f);
    let names = || {
        known
            .iter()
            .map(|(e, _)| format!(".{e}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (flag, by_name) {
        (Some(f), Some(named)) if f != named => bail!(
            "{}: the name asks for {} but --format says {}; drop one of them",
            out.display(),
            format!("{named:?}").to_lowercase(),
            format!("{f:?}").to_lowercase()
        ),
        (_, Some(named)) => Ok(named),
        (Some(f), None) => Ok(f),
        (None, None) if ext == "wav" => bail!(
            "{}: -o names where the report goes, and a report is not audio; known: {} (`record --wav FILE` keeps a copy of the recording)",
            out.display(),
            names()
        ),
        (None, None) => bail!(
            "{}: .{ext} is no format this command writes; known: {} (or name one with --format)",
            out.display(),
            names()
        ),
    }
}

/// The extensions a report file can have.
pub const REPORT_EXTENSIONS: [(&str, ReportFormat); 6] = [
    ("txt", ReportFormat::Text),
    ("json", ReportFormat::Json),
    ("md", ReportFormat::Markdown),
    ("markdown", ReportFormat::Markdown),
    ("html", ReportFormat::Html),
    ("htm", ReportFormat::Html),
];

/// Writes `text` to `out` atomically and says so on stderr (`wrote WHAT to PATH`, not with
/// --quiet), or prints it on standard output.
pub fn write_out(out: Option<&Path>, text: &str, what: &str, global: &Global) -> Result<()> {
    emit(out, text)?;
    if let Some(p) = out
        && !global.quiet
    {
        eprintln!("wrote {what} to {}", p.display());
    }
    Ok(())
}

/// Writes `text` to `out` atomically, or to standard output.
pub fn emit(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(p) => Ok(fsutil::write_atomic(p, text.as_bytes())?),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

/// Refuses output paths that would destroy input audio (`input`, or any `.wav`), and ones whose
/// folder cannot take files.
pub fn check_output_path(out: &Path, input: Option<&Path>) -> Result<()> {
    if out.is_dir() {
        bail!("{}: --out is a directory; name a file", out.display());
    }
    let is_audio = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("wav"));
    if is_audio || input.is_some_and(|i| out.exists() && same_file(out, i)) {
        bail!(
            "{}: refusing to write a transcript over an audio file",
            out.display()
        );
    }
    let dir = parent_dir(out);
    if !dir.is_dir() {
        bail!(
            "{}: cannot write here: folder {} does not exist",
            out.display(),
            dir.display()
        );
    }
    // Probe the folder now so that an unwritable --out fails before minutes of transcription.
    Ok(fsutil::probe_dir(out)?)
}

/// The format of a listing command (`--format`, else `--out`'s extension, else a table), with
/// `--out` checked before any work: what `frameworks`, `questions`, `config`, `devices` and
/// `model list` share.
pub fn list_format(
    flag: Option<super::args::ListFormat>,
    out: Option<&Path>,
) -> anyhow::Result<super::args::ListFormat> {
    let format = pick_format(
        flag,
        out,
        &super::args::LIST_EXTENSIONS,
        super::args::ListFormat::Table,
    )?;
    if let Some(out) = out {
        check_output_path(out, None)?;
    }
    Ok(format)
}

/// A report's format from `--format` and `-o` (text by default), with `--embed-audio`, which
/// makes sense only for a page, refused before any work for another format.
pub fn report_format(
    flag: Option<ReportFormat>,
    out: Option<&Path>,
    embed_audio: bool,
) -> Result<ReportFormat> {
    let format = pick_format(flag, out, &REPORT_EXTENSIONS, ReportFormat::Text)?;
    if embed_audio && format != ReportFormat::Html {
        bail!(
            "--embed-audio: only the HTML report can carry the recording; add --format html or write to -o NAME.html"
        );
    }
    Ok(format)
}

/// The recording as the report shows it: its absolute path, so the HTML player (and a JSON
/// reader) finds it wherever the report is moved on this machine; and, with `embed`, the
/// recording itself as 16 kHz mono WAV bytes for the page to carry. Decoding again costs a
/// fraction of a second against the transcription it follows.
pub fn report_audio(
    analysis: &mut rehearse::analyze::Analysis,
    embed: bool,
    global: &Global,
) -> Result<Option<Vec<u8>>> {
    let Some(audio) = analysis.source.audio.clone() else {
        if embed && !global.quiet {
            eprintln!(
                "note: --embed-audio: {} has no recording to embed; the page has no player",
                analysis.source.path
            );
        }
        return Ok(None);
    };
    let path = Path::new(&audio);
    let absolute = path
        .canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    analysis.source.audio = Some(absolute.display().to_string());
    if !embed {
        return Ok(None);
    }
    let prepared = rehearse::audio::load_for_whisper(&absolute)?;
    let mut wav = Vec::with_capacity(44 + prepared.samples.len() * 2);
    rehearse::audio::encode::write_analysis_wav(std::io::Cursor::new(&mut wav), &prepared.samples)
        .map_err(|e| anyhow::anyhow!("{}: cannot embed the recording: {e}", absolute.display()))?;
    Ok(Some(wav))
}
