//! One attempt folder on disk: the names of its files, reading it back whole ([`Attempt`]),
//! and writing files into it (or beside it, like the index) atomically and owner-only.
//!
//! This is the bottom of the history module: [`super::index`] lists folders with it and
//! [`super::store`] saves and updates attempts with it; it knows neither.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::{AnalysisStatus, AttemptId, HistoryError, META_SCHEMA, Meta, Summary, time};

pub const AUDIO_FILE: &str = "audio.wav";
pub const TRANSCRIPT_FILE: &str = "transcript.json";
pub const REPORT_FILE: &str = "report.json";
pub const REPORT_HTML_FILE: &str = "report.html";
pub const META_FILE: &str = "meta.json";
/// How the files of recordings in progress, hidden in the store's folder, start.
pub const CAPTURE_PREFIX: &str = ".recording-";

/// A folder without `meta.json` younger than this is taken for a save in progress and passed
/// over quietly; an older one was interrupted and is reported.
const INCOMPLETE_GRACE: std::time::Duration = std::time::Duration::from_secs(600);

/// A stored attempt as listed: its folder and its metadata.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub dir: PathBuf,
    pub meta: Meta,
    /// Identity of the `meta.json` this was read from, for the index.
    pub(crate) key: FileKey,
}

impl Attempt {
    pub fn id(&self) -> &AttemptId {
        &self.meta.id
    }
    pub fn audio_path(&self) -> PathBuf {
        self.dir.join(AUDIO_FILE)
    }
    /// The recording as made, when the attempt keeps it.
    pub fn original_path(&self) -> Option<PathBuf> {
        self.meta.original.as_ref().map(|n| self.dir.join(n))
    }
    pub fn transcript_path(&self) -> PathBuf {
        self.dir.join(TRANSCRIPT_FILE)
    }
    pub fn report_path(&self) -> PathBuf {
        self.dir.join(REPORT_FILE)
    }
    pub fn report_html_path(&self) -> PathBuf {
        self.dir.join(REPORT_HTML_FILE)
    }
    pub fn is_ok(&self) -> bool {
        self.meta.analysis.status == AnalysisStatus::Ok
    }
    pub fn summary(&self) -> Option<&Summary> {
        self.meta.summary.as_ref()
    }
}

/// Something in the store that is not a usable attempt; listing goes on without it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// Identity of a file's contents as far as `stat` can tell: a replaced file (written and
/// renamed) has a new inode, an edited one a new time or size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileKey {
    ino: u64,
    mtime_ns: i64,
    len: u64,
}

impl FileKey {
    pub fn of(m: &fs::Metadata) -> FileKey {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            FileKey {
                ino: m.ino(),
                mtime_ns: m.mtime().saturating_mul(1_000_000_000) + m.mtime_nsec(),
                len: m.len(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime_ns = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
            FileKey {
                ino: 0,
                mtime_ns,
                len: m.len(),
            }
        }
    }
}

/// Serializes `value` as pretty JSON into `dir/name`, atomically and synced.
pub(crate) fn write_json<T: Serialize>(
    dir: &Path,
    name: &str,
    value: &T,
) -> Result<(), HistoryError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| {
        HistoryError::io(dir.join(name), "serialize", io::Error::other(e.to_string()))
    })?;
    bytes.push(b'\n');
    write_file(dir, name, &bytes, true)
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename; `sync` makes it durable
/// before the rename (skipped for files that can be made again, such as the index).
pub(crate) fn write_file(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    sync: bool,
) -> Result<(), HistoryError> {
    write_with(dir, name, sync, |f| f.write_all(bytes))
}

pub(crate) fn write_with(
    dir: &Path,
    name: &str,
    sync: bool,
    fill: impl FnOnce(&mut fs::File) -> io::Result<()>,
) -> Result<(), HistoryError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dest = dir.join(name);
    // Unique per process and call: two processes refreshing the index, or reanalyzing the same
    // attempt, never write into each other's temporary file.
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    private_file(&mut opts);
    let result = opts.open(&tmp).and_then(|mut f| {
        fill(&mut f)?;
        if sync {
            f.sync_all()?;
        }
        Ok(())
    });
    let result = result.and_then(|()| fs::rename(&tmp, &dest));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(HistoryError::io(dest, "write", e));
    }
    Ok(())
}

pub(crate) fn sync_dir(dir: &Path) -> Result<(), HistoryError> {
    // Directories can be opened and synced on Unix; elsewhere the renames are all there is.
    if cfg!(unix) {
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| HistoryError::io(dir, "sync", e))?;
    }
    Ok(())
}

#[cfg(unix)]
pub(crate) fn private_dir(b: &mut fs::DirBuilder) {
    use std::os::unix::fs::DirBuilderExt;
    b.mode(0o700);
}

#[cfg(not(unix))]
pub(crate) fn private_dir(_: &mut fs::DirBuilder) {}

#[cfg(unix)]
fn private_file(o: &mut fs::OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    o.mode(0o600);
}

#[cfg(not(unix))]
fn private_file(_: &mut fs::OpenOptions) {}

pub(crate) fn set_private(p: &Path) -> Result<(), HistoryError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(p, fs::Permissions::from_mode(0o600))
            .map_err(|e| HistoryError::io(p, "make owner-only", e))?;
    }
    #[cfg(not(unix))]
    let _ = p;
    Ok(())
}

/// What reading one attempt folder found.
pub(crate) enum FolderState {
    Whole(Box<Attempt>),
    /// No `meta.json`: a save in progress, or one that was interrupted (`Some` when old enough
    /// to say so).
    Incomplete(Option<Problem>),
    Damaged(Problem),
}

/// Reads and checks `dir/meta.json`. The file's identity is taken from the open handle, so it
/// belongs to exactly the bytes that were read even when a writer replaces the file meanwhile.
pub(crate) fn read_folder(dir: &Path, name: &str) -> FolderState {
    let path = dir.join(META_FILE);
    let damaged = |message: String| {
        FolderState::Damaged(Problem {
            path: dir.to_path_buf(),
            message: format!("{message}; skipped (`rehearse delete {name}` removes it)"),
        })
    };
    let mut f = match fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let old = fs::metadata(dir)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > INCOMPLETE_GRACE);
            return FolderState::Incomplete(old.then(|| Problem {
                path: dir.to_path_buf(),
                message: format!(
                    "incomplete attempt (no meta.json: its save was interrupted); skipped (`rehearse delete {name}` removes it)"
                ),
            }));
        }
        Err(e) => return damaged(format!("cannot read meta.json ({e})")),
    };
    let key = match f.metadata() {
        Ok(m) => FileKey::of(&m),
        Err(e) => return damaged(format!("cannot read meta.json ({e})")),
    };
    let mut bytes = Vec::new();
    if let Err(e) = f.read_to_end(&mut bytes) {
        return damaged(format!("cannot read meta.json ({e})"));
    }
    match parse_meta(&bytes, name) {
        Ok(meta) => FolderState::Whole(Box::new(Attempt {
            dir: dir.to_path_buf(),
            meta,
            key,
        })),
        Err(m) => damaged(m),
    }
}

/// Parses `meta.json` and checks that it belongs to folder `name`.
pub(crate) fn parse_meta(bytes: &[u8], name: &str) -> Result<Meta, String> {
    #[derive(Deserialize)]
    struct Version {
        schema: u32,
    }
    match serde_json::from_slice::<Version>(bytes) {
        Ok(v) if v.schema > META_SCHEMA => {
            return Err(format!(
                "written by a newer rehearse (meta.json schema {}, this one reads {META_SCHEMA})",
                v.schema
            ));
        }
        Ok(_) => {}
        Err(e) => return Err(format!("meta.json is damaged ({e})")),
    }
    let mut meta: Meta =
        serde_json::from_slice(bytes).map_err(|e| format!("meta.json is damaged ({e})"))?;
    if meta.id.as_str() != name {
        return Err(format!(
            "meta.json belongs to attempt {}, not to this folder",
            meta.id
        ));
    }
    if time::parse_rfc3339(&meta.started_at).is_none() {
        return Err(format!(
            "meta.json has an unreadable start time {:?}",
            meta.started_at
        ));
    }
    if meta.analysis.status == AnalysisStatus::Ok && meta.summary.is_none() {
        return Err("meta.json says the analysis is ok but holds no figures".into());
    }
    // An older meta.json reads into today's layout (a renamed field keeps its old name as an
    // alias), and is written back as one of today's when the attempt is updated.
    meta.schema = META_SCHEMA;
    Ok(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_from_another_folder_or_a_newer_rehearse_is_refused() {
        let meta = |id: &str, schema: u32| {
            format!(
                r#"{{"schema":{schema},"id":"{id}","question":null,"framework_requested":null,
                "framework":null,"started_at":"2025-01-01T00:00:00Z","saved_at":"2025-01-01T00:00:00Z",
                "duration_s":1.0,"source":{{"kind":"record"}},"device":null,"model":null,
                "rehearse_version":"0","analysis":{{"status":"failed","error":"x",
                "analyzed_at":"2025-01-01T00:00:00Z","rehearse_version":"0"}},"summary":null}}"#
            )
        };
        let name = "20250101-000000-aaaaaa";
        assert!(parse_meta(meta(name, 1).as_bytes(), name).is_ok());
        let other = parse_meta(meta("20250101-000000-bbbbbb", 1).as_bytes(), name);
        assert!(other.is_err_and(|e| e.contains("belongs to attempt")));
        let newer = parse_meta(meta(name, 9).as_bytes(), name);
        assert!(newer.is_err_and(|e| e.contains("newer rehearse")));
        assert!(parse_meta(b"{not json", name).is_err_and(|e| e.contains("damaged")));
    }

    #[test]
    fn meta_of_schema_1_reads_with_its_old_pace_band_names() {
        // Schema 1 wrote the pace band's words per minute as `min_s`/`max_s`.
        let name = "20250101-000000-aaaaaa";
        let old = format!(
            r#"{{"schema":1,"id":"{name}","question":null,"framework_requested":null,
            "framework":"star-l","started_at":"2025-01-01T00:00:00Z",
            "saved_at":"2025-01-01T00:00:00Z","duration_s":80.0,"source":{{"kind":"record"}},
            "device":null,"model":"tiny.en","rehearse_version":"0",
            "analysis":{{"status":"ok","analyzed_at":"2025-01-01T00:00:00Z","rehearse_version":"0"}},
            "summary":{{"framework_name":"STAR + Learning","answer_s":79.0,
            "target":{{"min_s":60.0,"max_s":120.0}},"length":"ok","words":200,"sections":[],
            "wpm":151.0,"pace_band":{{"min_s":120.0,"max_s":170.0}},"pace":"ok","fillers":2,
            "fillers_per_min":1.5,"signals":[]}}}}"#
        );
        let meta = parse_meta(old.as_bytes(), name).expect("schema 1 reads");
        assert_eq!(meta.schema, META_SCHEMA, "read as today's");
        let s = meta.summary.as_ref().expect("summary");
        assert_eq!((s.pace_band.min_s, s.pace_band.max_s), (120.0, 170.0));
        assert_eq!((s.target.min_s, s.target.max_s), (60.0, 120.0));
        let written = serde_json::to_value(&meta).expect("serialize");
        assert_eq!(
            written["summary"]["pace_band"],
            serde_json::json!({"min_wpm": 120.0, "max_wpm": 170.0})
        );
        assert_eq!(written["schema"], META_SCHEMA);
    }
}
