//! Input files as the command line names them: a path, or `-` for standard input, which is
//! read once into a private temporary file so that every reader (the WAV decoder included)
//! sees an ordinary file.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// What `-` stands for in messages and reports.
pub const STDIN_NAME: &str = "(standard input)";

/// An input file: `path` is what to read, `shown` what to call it.
pub struct Input {
    pub path: PathBuf,
    pub shown: PathBuf,
    /// The temporary copy of standard input, removed when the input is dropped.
    spooled: Option<PathBuf>,
}

impl Input {
    pub fn is_stdin(&self) -> bool {
        self.spooled.is_some()
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        if let Some(p) = &self.spooled {
            let _ = std::fs::remove_file(p);
            if let Some(dir) = p.parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

/// Whether an argument names standard input.
pub fn is_stdin(arg: &Path) -> bool {
    arg.as_os_str() == "-"
}

/// Opens `arg`: a path as it is, `-` by reading standard input to its end into a file only the
/// user can read. Standard input can be read only once, so at most one `-` per command.
pub fn open(arg: &Path) -> Result<Input> {
    if !is_stdin(arg) {
        return Ok(Input {
            path: arg.to_path_buf(),
            shown: arg.to_path_buf(),
            spooled: None,
        });
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .context("cannot read standard input")?;
    if bytes.is_empty() {
        bail!("{STDIN_NAME}: nothing was given on standard input");
    }
    let dir = private_temp_dir()?;
    let path = dir.join("stdin");
    write_private(&path, &bytes).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(Input {
        path: path.clone(),
        shown: PathBuf::from(STDIN_NAME),
        spooled: Some(path),
    })
}

/// Refuses a command line that names standard input more than once.
pub fn at_most_one_stdin(args: &[PathBuf]) -> Result<()> {
    if args.iter().filter(|a| is_stdin(a)).count() > 1 {
        bail!("`-` (standard input) can be given only once");
    }
    Ok(())
}

fn private_temp_dir() -> Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "rehearse-stdin-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .with_context(|| format!("{}: cannot create a temporary folder", dir.display()))?;
    Ok(dir)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)
}
