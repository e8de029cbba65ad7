//! Small file-system helpers shared by the commands and the stages: writing a file so that it
//! is either whole or absent, temporary files that clean up after themselves, and path
//! arithmetic (a path's folder, one path as seen from another folder).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why [`write_atomic`] or [`probe_dir`] failed; each message names the file the user asked
/// for, and the underlying I/O error follows as the source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    #[error("{}: cannot write to folder {}", .path.display(), .dir.display())]
    Folder {
        path: PathBuf,
        dir: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: write failed", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: cannot move the finished file into place", .path.display())]
    Rename {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// The folder `p` lives in: `.` for a bare file name.
pub fn parent_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether `a` and `b` name the same existing file (false when either cannot be resolved).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// A temporary file in a folder that removes itself when dropped, unless it was renamed into
/// place with [`TempFile::persist`].
pub struct TempFile {
    path: PathBuf,
    file: Option<File>,
}

impl TempFile {
    /// Creates a new, empty temporary file in `dir` (a hidden name with the process id).
    pub fn new_in(dir: &Path) -> io::Result<TempFile> {
        for attempt in 0..100u32 {
            let path = dir.join(format!(".rehearse-{}-{attempt}.tmp", std::process::id()));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file: Some(file),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other("could not create a temporary file"))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes all of `bytes` and syncs them to disk.
    pub fn write_synced(&mut self, bytes: &[u8]) -> io::Result<()> {
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| io::Error::other("temporary file already closed"))?;
        file.write_all(bytes).and_then(|_| file.sync_all())
    }

    /// Renames the file to `dest`; from then on it is no longer removed on drop.
    pub fn persist(mut self, dest: &Path) -> io::Result<()> {
        self.file.take();
        fs::rename(&self.path, dest)?;
        // Renamed: nothing left to clean up.
        self.path = PathBuf::new();
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.file.take();
        if !self.path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Checks that files can be created in the folder `out` would be written to, so that an
/// unwritable output fails before minutes of work rather than after.
pub fn probe_dir(out: &Path) -> Result<(), WriteError> {
    let dir = parent_dir(out);
    TempFile::new_in(&dir)
        .map(drop)
        .map_err(|source| WriteError::Folder {
            path: out.to_path_buf(),
            dir,
            source,
        })
}

/// Writes `bytes` to `out` through a temporary file and a rename, so that a failure never
/// leaves a half-written file under the real name.
pub fn write_atomic(out: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = parent_dir(out);
    let mut tmp = TempFile::new_in(&dir).map_err(|source| WriteError::Folder {
        path: out.to_path_buf(),
        dir,
        source,
    })?;
    tmp.write_synced(bytes)
        .map_err(|source| WriteError::Write {
            path: out.to_path_buf(),
            source,
        })?;
    tmp.persist(out).map_err(|source| WriteError::Rename {
        path: out.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_of_a_bare_name_is_the_current_folder() {
        assert_eq!(parent_dir(Path::new("a.json")), PathBuf::from("."));
        assert_eq!(parent_dir(Path::new("d/a.json")), PathBuf::from("d"));
    }

    #[test]
    fn write_atomic_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("r.json");
        std::fs::write(&out, b"old").expect("write");
        write_atomic(&out, b"new").expect("atomic write");
        assert_eq!(std::fs::read(&out).expect("read"), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("r.json")]);
    }

    #[test]
    fn write_atomic_into_a_missing_folder_names_the_file_and_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("missing").join("r.json");
        let err = write_atomic(&out, b"x").expect_err("no folder");
        let msg = err.to_string();
        assert!(msg.starts_with(&format!("{}: cannot write to folder", out.display())));
    }

    #[test]
    fn temp_file_is_removed_unless_persisted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let t = TempFile::new_in(dir.path()).expect("temp");
        let p = t.path().to_path_buf();
        assert!(p.exists());
        drop(t);
        assert!(!p.exists());
    }
}
