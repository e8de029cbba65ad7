//! `index.json`: every attempt's metadata in one file, so listing thousands of attempts reads
//! one file instead of thousands.
//!
//! The index is a cache, never the truth: the folders are. Each entry carries the identity of
//! the `meta.json` it was copied from (inode, modification time, size); a listing reads the
//! store folder, checks each attempt's `meta.json` against its entry with one `stat`, reads only
//! the ones that changed or are new, drops entries whose folder is gone, and writes the index
//! back when anything differed. A missing, damaged or outdated index is rebuilt from the
//! folders. Writers therefore never touch the index, and two processes listing at once at
//! worst both write the same correct file. It is not synced to disk: losing it costs one
//! rebuild.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::folder::{self, Attempt, FileKey, FolderState, Problem};
use super::{AttemptId, HistoryError, META_SCHEMA, Meta};

pub const INDEX_FILE: &str = "index.json";

/// Version of the index layout; with [`META_SCHEMA`] it decides whether an index can be used.
const INDEX_SCHEMA: u32 = 1;

/// Every whole attempt, oldest first, and what was wrong with the rest.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub attempts: Vec<Attempt>,
    pub problems: Vec<Problem>,
    /// Set when `index.json` had to be rebuilt, saying why (missing, damaged, outdated).
    pub index_rebuilt: Option<String>,
}

#[derive(Deserialize)]
struct IndexIn {
    schema: u32,
    meta_schema: u32,
    entries: Vec<EntryIn>,
}

#[derive(Deserialize)]
struct EntryIn {
    key: FileKey,
    meta: Meta,
}

#[derive(Serialize)]
struct IndexOut<'a> {
    schema: u32,
    meta_schema: u32,
    entries: Vec<EntryOut<'a>>,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    key: FileKey,
    meta: &'a Meta,
}

/// Reads the index; `Err` says why it cannot be used.
fn read_index(root: &Path) -> Result<HashMap<AttemptId, EntryIn>, String> {
    let bytes = match fs::read(root.join(INDEX_FILE)) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err("missing".into()),
        Err(e) => return Err(format!("unreadable ({e})")),
    };
    let index: IndexIn = serde_json::from_slice(&bytes).map_err(|e| format!("damaged ({e})"))?;
    if index.schema != INDEX_SCHEMA || index.meta_schema != META_SCHEMA {
        return Err("from another rehearse version".into());
    }
    Ok(index
        .entries
        .into_iter()
        .map(|e| (e.meta.id.clone(), e))
        .collect())
}

fn write_index(root: &Path, attempts: &[Attempt]) -> Result<(), HistoryError> {
    let out = IndexOut {
        schema: INDEX_SCHEMA,
        meta_schema: META_SCHEMA,
        entries: attempts
            .iter()
            .map(|a| EntryOut {
                key: a.key,
                meta: &a.meta,
            })
            .collect(),
    };
    // Compact: at 10,000 attempts pretty-printing would double the bytes to read.
    let bytes = serde_json::to_vec(&out).map_err(|e| {
        HistoryError::io(
            root.join(INDEX_FILE),
            "serialize",
            io::Error::other(e.to_string()),
        )
    })?;
    folder::write_file(root, INDEX_FILE, &bytes, false)
}

/// Every whole attempt in `store`, oldest first, with the problems found on the way; see the
/// module documentation for how the index is checked and refreshed.
pub fn list(root: &Path) -> Result<Listing, HistoryError> {
    list_with(root, true)
}

/// [`list`] that never writes the index: for reading the history while saving an attempt
/// (saving never touches the index).
pub fn list_read_only(root: &Path) -> Result<Listing, HistoryError> {
    list_with(root, false)
}

fn list_with(root: &Path, refresh: bool) -> Result<Listing, HistoryError> {
    let rd = match fs::read_dir(root) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Listing {
                attempts: Vec::new(),
                problems: Vec::new(),
                index_rebuilt: None,
            });
        }
        Err(e) => return Err(HistoryError::io(root, "read the attempt store", e)),
    };
    let (mut cached, mut rebuilt) = match read_index(root) {
        Ok(c) => (c, None),
        Err(why) => (HashMap::new(), Some(why)),
    };
    let mut changed = rebuilt.is_some();
    let mut attempts = Vec::with_capacity(cached.len());
    let mut problems = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| HistoryError::io(root, "read the attempt store", e))?;
        let os_name = entry.file_name();
        let Some(name) = os_name.to_str() else {
            problems.push(foreign(root, &os_name.to_string_lossy()));
            continue;
        };
        if name.starts_with(".deleting-") {
            // A deletion that was interrupted: the user asked for it, and the recording must
            // not linger. Another process finishing the same one makes this fail harmlessly.
            let _ = fs::remove_dir_all(entry.path());
            continue;
        }
        if let Some(p) = interrupted_recording(&entry, name) {
            problems.push(p);
            continue;
        }
        // Temporary files and the index itself.
        if name.starts_with('.') || name == INDEX_FILE {
            continue;
        }
        let dir = entry.path();
        if !AttemptId::is_valid(name) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            problems.push(foreign(root, name));
            continue;
        }
        let known = cached.remove(name);
        if let Some(e) = known
            && fs::metadata(dir.join(folder::META_FILE)).is_ok_and(|m| FileKey::of(&m) == e.key)
        {
            attempts.push(Attempt {
                dir,
                meta: e.meta,
                key: e.key,
            });
            continue;
        }
        changed = true;
        match folder::read_folder(&dir, name) {
            FolderState::Whole(a) => attempts.push(*a),
            FolderState::Incomplete(p) => problems.extend(p),
            FolderState::Damaged(p) => problems.push(p),
        }
    }
    // Entries left over belong to folders that are gone.
    changed |= !cached.is_empty();
    attempts.sort_by(|a, b| {
        (&a.meta.started_at, &a.meta.saved_at, &a.meta.id).cmp(&(
            &b.meta.started_at,
            &b.meta.saved_at,
            &b.meta.id,
        ))
    });
    if refresh
        && changed
        && let Err(e) = write_index(root, &attempts)
    {
        // Listing still works from the folders; only the next listing is slower.
        problems.push(Problem {
            path: root.join(INDEX_FILE),
            message: format!("cannot update the index ({e}); listing reads every attempt"),
        });
        rebuilt.get_or_insert_with(|| "not writable".into());
    }
    Ok(Listing {
        attempts,
        problems,
        index_rebuilt: rebuilt,
    })
}

/// A recording `rehearse record` was making when it was killed: the capture file is kept current
/// while recording (its header every 250 ms), so one left unchanged for ten minutes is no longer
/// being written, and it may hold an answer worth keeping.
fn interrupted_recording(entry: &fs::DirEntry, name: &str) -> Option<Problem> {
    if !(name.starts_with(folder::CAPTURE_PREFIX) && name.ends_with(".wav")) {
        return None;
    }
    let idle = entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())?;
    (idle > std::time::Duration::from_secs(600)).then(|| Problem {
        path: entry.path(),
        message: format!(
            "a recording that was never saved (rehearse stopped while recording); `rehearse import '{}'` adds it to the history, then delete the file",
            entry.path().display()
        ),
    })
}

fn foreign(root: &Path, name: &str) -> Problem {
    Problem {
        path: root.join(name),
        message: "not an attempt (attempt folders are named DATE-TIME-ID); left alone".into(),
    }
}
