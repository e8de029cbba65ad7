//! The attempt store on disk: where it is, how an attempt is written so that it is either whole
//! or invisible, and how one is read back, updated, found by id and deleted.
//!
//! Every file goes to a temporary name in the attempt's folder, is synced and renamed into
//! place; `meta.json` is renamed last, and a folder without it is not listed. Folders are
//! created owner-only (0700) and files owner-only (0600): recordings are private.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use super::folder::{
    AUDIO_FILE, Attempt, CAPTURE_PREFIX, META_FILE, REPORT_FILE, REPORT_HTML_FILE, TRANSCRIPT_FILE,
    private_dir, set_private, sync_dir, write_file, write_json, write_with,
};
use super::index::{self, Listing};
use super::{
    AnalysisState, AnalysisStatus, AttemptId, AttemptSource, HistoryError, META_SCHEMA, Meta,
    Summary, summarize, time,
};
use crate::analyze::{Analysis, QuestionRef, REPORT_SCHEMA};
use crate::report::{self, RenderOptions, ReportFormat};
use crate::transcribe::Transcript;

/// Environment variable naming the store folder (overridden by `--data-dir`).
pub const DATA_DIR_ENV: &str = "REHEARSE_DATA_DIR";

/// The recording an attempt is saved from.
#[derive(Debug, Clone, Copy)]
pub struct SourceAudio<'a> {
    /// The file as recorded or imported.
    pub path: &'a Path,
    /// Its audio at 16 kHz mono when the caller has it already; else the file is decoded.
    pub samples: Option<&'a [f32]>,
    /// Made for this attempt only (`record`'s capture file): taken away once the attempt is
    /// saved. Otherwise (`import`, `record --wav`) it is the user's file and is left alone.
    pub temporary: bool,
    /// Keep the file as made in the attempt too, as `original.EXT`, beside the 16 kHz copy.
    pub keep_original: bool,
}

/// How a file is put into an attempt folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Renamed in (copied and deleted across file systems).
    Move,
    Copy,
}

/// What the caller knows about a new attempt besides its files.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    /// When the answer started (the folder is named after it, in UTC).
    pub started_at: SystemTime,
    pub question: Option<QuestionRef>,
    /// `--framework` as given: an id, `auto`, or `None` for the question's own.
    pub framework_requested: Option<String>,
    pub source: AttemptSource,
    /// The input device, for recordings.
    pub device: Option<String>,
    /// The Whisper model's name; taken from the transcript when `None`.
    pub model: Option<String>,
}

/// A follow-up answer to keep with an attempt.
#[derive(Debug, Clone)]
pub struct NewFollowUp {
    /// The follow-up's id in the question bank.
    pub id: String,
    pub question: String,
    pub started_at: SystemTime,
}

/// A folder found by id for deletion: it may be damaged or incomplete, so `meta` is optional.
#[derive(Debug, Clone)]
pub struct Found {
    pub name: String,
    pub dir: PathBuf,
    pub meta: Option<Meta>,
}

/// The attempt store: a folder of attempt folders.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// The store at `root`, which need not exist yet (saving creates it).
    pub fn at(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    /// The store to use: `explicit` (`--data-dir`), else `$REHEARSE_DATA_DIR`, else
    /// `$XDG_DATA_HOME/rehearse/attempts` (`~/.local/share/rehearse/attempts`).
    pub fn locate(explicit: Option<&Path>) -> Result<Store, HistoryError> {
        if let Some(p) = explicit {
            return Ok(Store::at(p));
        }
        if let Some(p) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            return Ok(Store::at(PathBuf::from(p)));
        }
        dirs::data_dir()
            .map(|d| Store::at(d.join("rehearse").join("attempts")))
            .ok_or(HistoryError::NoDataDir)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn dir_of(&self, id: &AttemptId) -> PathBuf {
        self.root.join(id.as_str())
    }

    /// Creates the store folder (owner-only) if it is not there.
    pub fn ensure_root(&self) -> Result<(), HistoryError> {
        if self.root.is_dir() {
            return Ok(());
        }
        let mut b = fs::DirBuilder::new();
        b.recursive(true);
        private_dir(&mut b);
        b.create(&self.root)
            .map_err(|e| HistoryError::io(&self.root, "create the attempt store", e))
    }

    /// A new file name for a recording in progress: hidden in the store's folder (created if
    /// need be), so that a recording needs no folder but the store and is never written twice.
    /// [`save_attempt`] with `temporary` takes it away; one a crash left behind is reported by
    /// listings.
    pub fn capture_path(&self) -> Result<PathBuf, HistoryError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        self.ensure_root()?;
        Ok(self.root.join(format!(
            "{CAPTURE_PREFIX}{}-{}-{}.wav",
            time::folder_stamp(SystemTime::now()),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        )))
    }

    /// Every whole attempt, oldest first, through the index (see [`index`]).
    pub fn list(&self) -> Result<Listing, HistoryError> {
        index::list(&self.root)
    }

    /// [`Store::list`] without refreshing the index.
    pub fn list_read_only(&self) -> Result<Listing, HistoryError> {
        index::list_read_only(&self.root)
    }

    /// The attempt `query` names in `listing`: `latest`, `latest~N` (N before the latest), a
    /// full id, its last six characters, or a unique prefix of the full id.
    pub fn resolve<'a>(
        &self,
        listing: &'a Listing,
        query: &str,
    ) -> Result<&'a Attempt, HistoryError> {
        let q = query.trim();
        if let Some(back) = q.strip_prefix("latest") {
            let n = match back.strip_prefix('~') {
                None if back.is_empty() => Some(0),
                Some(n) => n.parse::<usize>().ok(),
                None => None,
            };
            if let Some(n) = n {
                if listing.attempts.is_empty() {
                    return Err(HistoryError::Empty {
                        root: self.root.clone(),
                    });
                }
                return listing
                    .attempts
                    .len()
                    .checked_sub(n + 1)
                    .map(|i| &listing.attempts[i])
                    .ok_or_else(|| HistoryError::UnknownId {
                        id: q.to_string(),
                        root: self.root.clone(),
                    });
            }
        }
        let names: Vec<&str> = listing.attempts.iter().map(|a| a.id().as_str()).collect();
        let i = match_name(&names, q).map_err(|e| self.id_error(q, e))?;
        Ok(&listing.attempts[i])
    }

    /// Like [`Store::resolve`], but also finds damaged and incomplete folders (for deletion).
    pub fn find(&self, listing: &Listing, query: &str) -> Result<Found, HistoryError> {
        match self.resolve(listing, query) {
            Ok(a) => {
                return Ok(Found {
                    name: a.id().to_string(),
                    dir: a.dir.clone(),
                    meta: Some(a.meta.clone()),
                });
            }
            Err(HistoryError::UnknownId { .. }) => {}
            Err(e) => return Err(e),
        }
        let mut names = Vec::new();
        if let Ok(rd) = fs::read_dir(&self.root) {
            for e in rd.flatten() {
                if let Some(n) = e.file_name().to_str()
                    && AttemptId::is_valid(n)
                    && e.file_type().is_ok_and(|t| t.is_dir())
                {
                    names.push(n.to_string());
                }
            }
        }
        names.sort();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let i = match_name(&refs, query.trim()).map_err(|e| self.id_error(query.trim(), e))?;
        Ok(Found {
            name: names[i].clone(),
            dir: self.root.join(&names[i]),
            meta: None,
        })
    }

    fn id_error(&self, q: &str, matches: Vec<String>) -> HistoryError {
        if matches.is_empty() {
            HistoryError::UnknownId {
                id: q.to_string(),
                root: self.root.clone(),
            }
        } else {
            HistoryError::AmbiguousId {
                id: q.to_string(),
                matches,
            }
        }
    }

    /// The stored analysis of an attempt whose analysis is ok.
    pub fn load_report(&self, a: &Attempt) -> Result<Analysis, HistoryError> {
        if !a.is_ok() {
            return Err(HistoryError::AnalysisFailed {
                id: a.id().short().to_string(),
                error: a
                    .meta
                    .analysis
                    .error
                    .clone()
                    .unwrap_or_else(|| "no reason recorded".into()),
            });
        }
        let path = a.report_path();
        let bad = |reason: String| HistoryError::Damaged {
            id: a.id().to_string(),
            path: path.clone(),
            reason: format!(
                "{reason}; `rehearse reanalyze {}` rebuilds it",
                a.id().short()
            ),
        };
        let bytes = fs::read(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => bad("report.json is missing".into()),
            _ => HistoryError::io(&path, "read", e),
        })?;
        let mut report: Analysis =
            serde_json::from_slice(&bytes).map_err(|e| bad(format!("not a report ({e})")))?;
        // An older report reads into today's layout (a renamed field keeps its old name as an
        // alias), so from here on it is one of today's.
        report.schema = report.schema.max(REPORT_SCHEMA);
        Ok(report)
    }

    /// The stored transcript; `Ok(None)` when there is none (transcription failed).
    pub fn load_transcript(&self, a: &Attempt) -> Result<Option<Transcript>, HistoryError> {
        read_transcript(a, a.transcript_path())
    }

    /// Replaces an attempt's analysis (reanalyze): `report.json` and `meta.json` are each
    /// replaced atomically; a failed analysis removes the old report, so `report.json` exists
    /// exactly when the metadata says ok. `transcript` is stored too when given (an attempt
    /// that had none was transcribed again).
    pub fn update_analysis(
        &self,
        a: &Attempt,
        transcript: Option<&Transcript>,
        analysis: Result<&Analysis, String>,
    ) -> Result<Meta, HistoryError> {
        let mut meta = a.meta.clone();
        if let Some(t) = transcript {
            write_transcript(&a.dir, t)?;
            meta.model = Some(t.model.name.clone());
        }
        let (state, summary, framework) = write_analysis(&a.dir, analysis)?;
        meta.analysis = state;
        meta.summary = summary;
        meta.framework = framework;
        // The page shows the old analysis; it is written again when next asked for.
        remove_if_there(&a.report_html_path())?;
        write_json(&a.dir, META_FILE, &meta)?;
        Ok(meta)
    }

    /// The stored transcript of follow-up `f` of attempt `a`; `None` when it has none (kept
    /// before follow-ups stored theirs, or its transcription failed).
    pub fn load_follow_up_transcript(
        &self,
        a: &Attempt,
        f: &super::FollowUpMeta,
    ) -> Result<Option<Transcript>, HistoryError> {
        read_transcript(a, a.dir.join(&f.folder).join(TRANSCRIPT_FILE))
    }

    /// Replaces the analysis of follow-up `i` of attempt `a` (reanalyze), as
    /// [`Store::update_analysis`] does an attempt's: its `report.json`, then `meta.json`, which
    /// is `meta` (the attempt's latest, already reanalyzed) with this follow-up's state.
    pub fn update_follow_up_analysis(
        &self,
        a: &Attempt,
        meta: &Meta,
        i: usize,
        transcript: Option<&Transcript>,
        analysis: Result<&Analysis, String>,
    ) -> Result<Meta, HistoryError> {
        let mut meta = meta.clone();
        let Some(f) = meta.follow_ups.get_mut(i) else {
            return Err(HistoryError::Damaged {
                id: a.id().to_string(),
                path: a.dir.join(META_FILE),
                reason: format!("it lists no follow-up {}", i + 1),
            });
        };
        let dir = a.dir.join(&f.folder);
        if let Some(t) = transcript {
            write_transcript(&dir, t)?;
        }
        let (state, summary, _) = write_analysis(&dir, analysis)?;
        f.analysis = state;
        f.summary = summary;
        write_json(&a.dir, META_FILE, &meta)?;
        Ok(meta)
    }

    /// Keeps a follow-up answer with attempt `a`: its audio (16 kHz mono, as attempts keep
    /// theirs), transcript and analysis go into a new folder `follow-up-N` inside the
    /// attempt's, and `meta.json` is replaced with one that lists it. Until that last rename
    /// the attempt is as it was. A temporary recording (`audio.temporary`) is removed once
    /// kept; on a failure it stays where it was and the error says so.
    pub fn add_follow_up(
        &self,
        a: &Attempt,
        audio: SourceAudio,
        transcript: Option<&Transcript>,
        analysis: Result<&Analysis, String>,
        new: NewFollowUp,
    ) -> Result<Meta, HistoryError> {
        let n = a.meta.follow_ups.len() + 1;
        let folder = format!("follow-up-{n}");
        let dir = a.dir.join(&folder);
        let mut b = fs::DirBuilder::new();
        private_dir(&mut b);
        b.create(&dir)
            .map_err(|e| HistoryError::io(&dir, "create the follow-up folder", e))?;
        let fill = || -> Result<Meta, HistoryError> {
            let decoded;
            let samples = match audio.samples {
                Some(s) => s,
                None => {
                    decoded =
                        crate::audio::load_for_whisper(audio.path).map_err(HistoryError::Audio)?;
                    &decoded.samples[..]
                }
            };
            let duration_s = transcript
                .map(|t| t.duration_s)
                .unwrap_or(samples.len() as f64 / f64::from(crate::audio::WHISPER_RATE));
            if let Some(t) = transcript {
                write_transcript(&dir, t)?;
            }
            let (state, summary, _) = write_analysis(&dir, analysis)?;
            write_with(&dir, AUDIO_FILE, true, |f| {
                crate::audio::encode::write_analysis_wav(io::BufWriter::new(f), samples)
            })?;
            sync_dir(&dir)?;
            let mut meta = a.meta.clone();
            meta.follow_ups.push(super::FollowUpMeta {
                id: new.id.clone(),
                question: new.question.clone(),
                folder: folder.clone(),
                started_at: time::rfc3339(new.started_at),
                duration_s,
                analysis: state,
                summary,
            });
            write_json(&a.dir, META_FILE, &meta)?;
            sync_dir(&a.dir)?;
            Ok(meta)
        };
        match fill() {
            Ok(meta) => {
                if audio.temporary {
                    let _ = fs::remove_file(audio.path);
                }
                Ok(meta)
            }
            Err(reason) => {
                let _ = fs::remove_dir_all(&dir);
                Err(HistoryError::SaveFailed {
                    dir: dir.clone(),
                    audio: audio.path.to_path_buf(),
                    reason: Box::new(reason),
                })
            }
        }
    }

    /// The stored analysis of follow-up `f` of attempt `a`.
    pub fn load_follow_up_report(
        &self,
        a: &Attempt,
        f: &super::FollowUpMeta,
    ) -> Result<Analysis, HistoryError> {
        let path = a.dir.join(&f.folder).join(REPORT_FILE);
        if f.analysis.status != AnalysisStatus::Ok {
            return Err(HistoryError::AnalysisFailed {
                id: a.id().short().to_string(),
                error: f
                    .analysis
                    .error
                    .clone()
                    .unwrap_or_else(|| "no reason recorded".into()),
            });
        }
        let bytes = fs::read(&path).map_err(|e| HistoryError::io(&path, "read", e))?;
        serde_json::from_slice(&bytes).map_err(|e| HistoryError::Damaged {
            id: a.id().to_string(),
            path,
            reason: format!("not a report ({e})"),
        })
    }

    /// Writes `report.html` into the attempt's folder unless an up-to-date one is there, and
    /// returns its path. The page plays `audio.wav` beside it.
    pub fn ensure_report_html(&self, a: &Attempt) -> Result<PathBuf, HistoryError> {
        let html = a.report_html_path();
        let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
        if let (Some(h), Some(r)) = (modified(&html), modified(&a.report_path()))
            && h >= r
        {
            return Ok(html);
        }
        let mut analysis = self.load_report(a)?;
        // Relative: this page lives in the attempt's folder and moves with its recording.
        analysis.source.audio = a.audio_path().is_file().then(|| AUDIO_FILE.to_string());
        let options = RenderOptions {
            date: super::time::parse_rfc3339(&a.meta.started_at).map(super::time::dated),
            ..RenderOptions::default()
        };
        let page = report::render(&analysis, ReportFormat::Html, &options);
        write_file(&a.dir, REPORT_HTML_FILE, page.as_bytes(), false)?;
        Ok(html)
    }

    /// Deletes an attempt's folder and everything in it, or leaves it listed and says what is
    /// left. A folder whose files cannot be removed (a read-only folder) is found out before
    /// anything moves. The folder is then renamed to a hidden name, so no listing sees a
    /// half-deleted attempt, and emptied, `meta.json` last; if a file still will not go, the
    /// folder is renamed back, listed as before, and the error names what is left. A listing
    /// finishes the job if this process is interrupted; the index is refreshed so it no longer
    /// holds the attempt's question and figures.
    pub fn delete(&self, found: &Found) -> Result<(), HistoryError> {
        let failed = |path: &Path, error: io::Error, left: String| HistoryError::DeleteFailed {
            name: found.name.clone(),
            path: path.to_path_buf(),
            error,
            left,
        };
        let untouched = || {
            format!(
                "nothing was removed: the attempt is still there ({})",
                found.dir.display()
            )
        };
        // Removing a file needs write access to its folder: try it before anything moves.
        let probe = found
            .dir
            .join(format!(".delete-probe-{}", std::process::id()));
        fs::File::create(&probe)
            .and_then(|_| fs::remove_file(&probe))
            .map_err(|e| failed(&found.dir, e, untouched()))?;
        let hidden = self
            .root
            .join(format!(".deleting-{}-{}", found.name, std::process::id()));
        fs::rename(&found.dir, &hidden).map_err(|e| failed(&found.dir, e, untouched()))?;
        match empty_folder(&hidden) {
            Ok(()) => {}
            Err((path, error)) => {
                let mut left: Vec<String> = fs::read_dir(&hidden)
                    .map(|rd| {
                        rd.flatten()
                            .map(|e| e.file_name().to_string_lossy().into_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                left.sort();
                let (shown, where_) = if fs::rename(&hidden, &found.dir).is_ok() {
                    let listed = if left.iter().any(|n| n == META_FILE) {
                        "the attempt is still listed"
                    } else {
                        "`rehearse delete` finds the rest"
                    };
                    (listed, found.dir.clone())
                } else {
                    ("the files stay hidden", hidden.clone())
                };
                let what = format!(
                    "{} left in {} ({}); {shown}",
                    match left.len() {
                        1 => "1 file".to_string(),
                        n => format!("{n} files"),
                    },
                    where_.display(),
                    left.join(", ")
                );
                return Err(failed(&path, error, what));
            }
        }
        self.list().map(|_| ())
    }
}

/// Removes everything in `dir`, `meta.json` last (so that a folder that keeps it is still a whole
/// attempt), then `dir` itself; the error names what would not go.
fn empty_folder(dir: &Path) -> Result<(), (PathBuf, io::Error)> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| (dir.to_path_buf(), e))?
        .map(|e| e.map(|e| e.path()).map_err(|e| (dir.to_path_buf(), e)))
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|p| p.file_name().is_some_and(|n| n == META_FILE));
    for p in entries {
        let removed = if p.is_dir() && !p.is_symlink() {
            fs::remove_dir_all(&p)
        } else {
            fs::remove_file(&p)
        };
        removed.map_err(|e| (p.clone(), e))?;
    }
    fs::remove_dir(dir).map_err(|e| (dir.to_path_buf(), e))
}

/// Index of the single name `q` picks out of `names`: an exact name, its six-character short
/// id, or a unique prefix. `Err` holds the candidates when several match (empty: none).
fn match_name(names: &[&str], q: &str) -> Result<usize, Vec<String>> {
    if q.is_empty() {
        return Err(Vec::new());
    }
    if let Some(i) = names.iter().position(|n| *n == q) {
        return Ok(i);
    }
    let pick = |hits: Vec<usize>| match hits.as_slice() {
        [i] => Ok(Some(*i)),
        [] => Ok(None),
        many => Err(many
            .iter()
            .map(|&i| names[i].to_string())
            .collect::<Vec<_>>()),
    };
    let short: Vec<usize> = (0..names.len())
        .filter(|&i| names[i].rsplit('-').next() == Some(q))
        .collect();
    if let Some(i) = pick(short)? {
        return Ok(i);
    }
    let prefix: Vec<usize> = (0..names.len())
        .filter(|&i| names[i].starts_with(q))
        .collect();
    pick(prefix)?.ok_or_else(Vec::new)
}

/// Saves one attempt into `store` and returns its id: the entry point for `rehearse record` and
/// `rehearse import`.
///
/// - `audio`: the recording. The attempt keeps it as `audio.wav` at 16 kHz mono 16-bit, what
///   the analysis reads (a sixth of a 48 kHz stereo recording), and the file as made only when
///   `keep_original` says so. It must exist. On any failure the recording is left (or put back)
///   where it was and the error says where it is.
/// - `transcript`: stored as `transcript.json` (its audio path rewritten to `audio.wav`);
///   `None` when transcription failed, in which case `analysis` should be `Err`.
/// - `analysis`: `Ok` stores `report.json` and the figures history shows; `Err(message)` keeps
///   the attempt marked failed with that message, to be run again by `rehearse reanalyze`.
///
/// The attempt folder is claimed with an exclusive `create_dir` (another random id on a
/// collision, so concurrent savers never share a folder), every file is written to a temporary
/// name, synced and renamed, and `meta.json` lands last: until then no listing shows the
/// attempt, and a crash leaves at most an incomplete folder that listings report.
pub fn save_attempt(
    store: &Store,
    audio: SourceAudio,
    transcript: Option<&Transcript>,
    analysis: Result<&Analysis, String>,
    meta: NewAttempt,
) -> Result<AttemptId, HistoryError> {
    let path = audio.path;
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err(HistoryError::AudioNotFile {
                path: path.to_path_buf(),
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(HistoryError::AudioMissing {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(HistoryError::io(path, "read the recording", e)),
    }
    store.ensure_root()?;
    let stamp = time::folder_stamp(meta.started_at);
    let (id, dir) = claim_dir(store.root(), &stamp, &mut random_short_id)?;
    let original = audio.keep_original.then(|| original_name(path));
    match fill_attempt(
        &dir,
        &id,
        audio,
        original.as_deref(),
        transcript,
        analysis,
        &meta,
    ) {
        Ok(()) => {
            if audio.temporary && !audio.keep_original {
                // Its 16 kHz copy is in the attempt now. A file that cannot be removed lingers
                // as an interrupted recording, which listings point out.
                let _ = fs::remove_file(path);
            }
            Ok(id)
        }
        Err(reason) => {
            let mut audio_now = path.to_path_buf();
            if let Some(name) = &original {
                let stored = dir.join(name);
                if audio.temporary && !path.exists() && stored.exists() {
                    // The recording was already moved in: put it back before the folder goes,
                    // and if even that fails, keep the folder so the recording survives.
                    if fs::rename(&stored, path).is_err() {
                        audio_now = stored;
                    }
                }
            }
            if audio_now == path {
                let _ = fs::remove_dir_all(&dir);
            }
            Err(HistoryError::SaveFailed {
                dir,
                audio: audio_now,
                reason: Box::new(reason),
            })
        }
    }
}

/// `original.wav`, `original.m4a`, ...: the recording as made keeps its kind of file.
fn original_name(source: &Path) -> String {
    let ext = source
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .map_or_else(|| "wav".to_string(), str::to_ascii_lowercase);
    format!("original.{ext}")
}

fn fill_attempt(
    dir: &Path,
    id: &AttemptId,
    audio: SourceAudio,
    original: Option<&str>,
    transcript: Option<&Transcript>,
    analysis: Result<&Analysis, String>,
    new: &NewAttempt,
) -> Result<(), HistoryError> {
    let decoded;
    let samples = match audio.samples {
        Some(s) => s,
        None => {
            decoded = crate::audio::load_for_whisper(audio.path).map_err(HistoryError::Audio)?;
            &decoded.samples[..]
        }
    };
    let duration_s = transcript
        .map(|t| t.duration_s)
        .or_else(|| analysis.as_ref().ok().map(|a| a.duration_s))
        .unwrap_or(samples.len() as f64 / f64::from(crate::audio::WHISPER_RATE));
    if let Some(t) = transcript {
        write_transcript(dir, t)?;
    }
    let (state, summary, framework) = write_analysis(dir, analysis)?;
    write_with(dir, AUDIO_FILE, true, |f| {
        crate::audio::encode::write_analysis_wav(io::BufWriter::new(f), samples)
    })?;
    if let Some(name) = original {
        let place = if audio.temporary {
            Place::Move
        } else {
            Place::Copy
        };
        place_audio(audio.path, &dir.join(name), place)?;
    }
    // Everything else must be on disk before meta.json can say the attempt is whole.
    sync_dir(dir)?;
    let meta = Meta {
        schema: META_SCHEMA,
        id: id.clone(),
        question: new.question.clone(),
        framework_requested: new.framework_requested.clone(),
        framework,
        started_at: time::rfc3339(new.started_at),
        saved_at: time::rfc3339_micros(SystemTime::now()),
        duration_s,
        source: new.source.clone(),
        device: new.device.clone(),
        model: new
            .model
            .clone()
            .or_else(|| transcript.map(|t| t.model.name.clone())),
        rehearse_version: env!("CARGO_PKG_VERSION").to_string(),
        original: original.map(str::to_string),
        analysis: state,
        summary,
        follow_ups: Vec::new(),
    };
    write_json(dir, META_FILE, &meta)?;
    sync_dir(dir)
}

/// A transcript of attempt `a` stored at `path`; `Ok(None)` when there is none.
fn read_transcript(a: &Attempt, path: PathBuf) -> Result<Option<Transcript>, HistoryError> {
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(HistoryError::io(&path, "read", e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| HistoryError::Damaged {
            id: a.id().to_string(),
            path,
            reason: format!("not a rehearse transcript ({e})"),
        })
}

fn write_transcript(dir: &Path, t: &Transcript) -> Result<(), HistoryError> {
    let mut t = t.clone();
    // Relative to the transcript itself, so `rehearse analyze <attempt>/transcript.json` finds
    // the audio wherever the store is.
    t.audio.path = AUDIO_FILE.to_string();
    write_json(dir, TRANSCRIPT_FILE, &t)
}

/// Writes `report.json` for an ok analysis (or removes a stale one for a failed one) and
/// returns the metadata that goes with it.
fn write_analysis(
    dir: &Path,
    analysis: Result<&Analysis, String>,
) -> Result<(AnalysisState, Option<Summary>, Option<String>), HistoryError> {
    let state = |status, error| AnalysisState {
        status,
        error,
        analyzed_at: time::rfc3339(SystemTime::now()),
        rehearse_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    match analysis {
        Ok(a) => {
            let mut a = a.clone();
            a.source.audio = Some(AUDIO_FILE.to_string());
            write_json(dir, REPORT_FILE, &a)?;
            Ok((
                state(AnalysisStatus::Ok, None),
                Some(summarize(&a)),
                Some(a.framework.clone()),
            ))
        }
        Err(e) => {
            remove_if_there(&dir.join(REPORT_FILE))?;
            let line = e.lines().next().unwrap_or("").trim().to_string();
            let line = if line.is_empty() {
                "unknown error".to_string()
            } else {
                line
            };
            Ok((state(AnalysisStatus::Failed, Some(line)), None, None))
        }
    }
}

fn remove_if_there(p: &Path) -> Result<(), HistoryError> {
    match fs::remove_file(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(HistoryError::io(p, "remove", e)),
    }
}

/// Six random hex digits. std's `RandomState` is seeded from the OS per process; the time, pid
/// and a counter make the ids of one process differ too.
fn random_short_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.write_u128(nanos);
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    format!("{:06x}", h.finish() & 0xff_ffff)
}

/// Creates `root/STAMP-xxxxxx` exclusively: `create_dir` fails when another saver (another
/// process included) took the name, and then another id is drawn.
pub(crate) fn claim_dir(
    root: &Path,
    stamp: &str,
    next_id: &mut dyn FnMut() -> String,
) -> Result<(AttemptId, PathBuf), HistoryError> {
    let mut b = fs::DirBuilder::new();
    private_dir(&mut b);
    for _ in 0..64 {
        let id = AttemptId(format!("{stamp}-{}", next_id()));
        let dir = root.join(id.as_str());
        match b.create(&dir) {
            Ok(()) => return Ok((id, dir)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(HistoryError::io(&dir, "create the attempt folder", e)),
        }
    }
    Err(HistoryError::io(
        root,
        "find a free attempt id",
        io::Error::other("64 random ids were all taken"),
    ))
}

/// Moves or copies the recording to `dest`, ending owner-only either way.
fn place_audio(src: &Path, dest: &Path, mode: Place) -> Result<(), HistoryError> {
    if mode == Place::Move && fs::rename(src, dest).is_ok() {
        // A recorder may have created it with the default umask.
        set_private(dest)?;
        return Ok(());
    }
    let dir = dest.parent().unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(AUDIO_FILE);
    let mut input = fs::File::open(src).map_err(|e| HistoryError::io(src, "read", e))?;
    write_with(dir, name, true, |f| io::copy(&mut input, f).map(|_| ()))?;
    if mode == Place::Move {
        // Copied across file systems: the original goes, as a move would have done. Failing
        // to remove it loses nothing.
        let _ = fs::remove_file(src);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_dir_draws_again_on_a_collision() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut ids = ["aaaaaa", "aaaaaa", "bbbbbb"].into_iter().map(String::from);
        let mut next = || ids.next().unwrap_or_else(|| "cccccc".into());
        let (a, _) = claim_dir(tmp.path(), "20250101-000000", &mut next).expect("first");
        let (b, _) = claim_dir(tmp.path(), "20250101-000000", &mut next).expect("second");
        assert_eq!(a.as_str(), "20250101-000000-aaaaaa");
        assert_eq!(b.as_str(), "20250101-000000-bbbbbb");
        let mut same = || "aaaaaa".to_string();
        assert!(claim_dir(tmp.path(), "20250101-000000", &mut same).is_err());
    }

    #[test]
    fn random_ids_are_short_hex_and_differ() {
        let ids: std::collections::HashSet<String> = (0..200).map(|_| random_short_id()).collect();
        assert!(ids.len() > 190);
        assert!(
            ids.iter()
                .all(|i| AttemptId::is_valid(&format!("20250101-000000-{i}")))
        );
    }

    #[test]
    fn names_match_by_id_short_id_and_prefix() {
        let names = [
            "20250101-000000-aaaaaa",
            "20250101-000001-bbbbbb",
            "20250102-000000-aaaaaa",
        ];
        assert_eq!(match_name(&names, "20250101-000001-bbbbbb"), Ok(1));
        assert_eq!(match_name(&names, "bbbbbb"), Ok(1));
        assert_eq!(match_name(&names, "20250102"), Ok(2));
        assert_eq!(match_name(&names, "aaaaaa").map_err(|m| m.len()), Err(2));
        assert_eq!(match_name(&names, "2025").map_err(|m| m.len()), Err(3));
        assert_eq!(match_name(&names, "cccccc"), Err(vec![]));
        assert_eq!(match_name(&names, ""), Err(vec![]));
    }
}
