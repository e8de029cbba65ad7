//! Where a command's results go: standard output or an `--out` file written atomically, with
//! colour and width decided the same way for every report, and the checks that keep an output
//! path from destroying an input.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Result, bail};

use rehearse::analyze;
use rehearse::fsutil::{self, parent_dir, same_file};
use rehearse::report::{self, RenderOptions, ReportFormat};

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

/// Prints a report on stdout, coloured when stdout is a terminal and `NO_COLOR` is unset.
pub fn print_report(a: &analyze::Analysis, format: ReportFormat) -> Result<()> {
    let color = color_on(ColorChoice::Auto, None);
    let text = report::render(a, format, &RenderOptions { color, width: 100 });
    emit(None, &text)
}

/// Refuses output paths that would destroy input audio, and ones whose folder cannot take files.
pub fn check_output_path(out: &Path, input: &Path) -> Result<()> {
    if out.is_dir() {
        bail!("{}: --out is a directory; name a file", out.display());
    }
    let is_audio = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("wav"));
    if is_audio || (out.exists() && same_file(out, input)) {
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
