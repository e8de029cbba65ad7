//! Practice history: every attempt kept in its own folder (audio, transcript, report,
//! metadata), listed fast through an index, compared and charted over time.
//!
//! Layout of a store (the folder `$REHEARSE_DATA_DIR`, `--data-dir`, else
//! `$XDG_DATA_HOME/rehearse/attempts`):
//!
//! ```text
//! index.json                      cache of every meta.json; rebuilt when missing or stale
//! 20251102-140312-a3f9c1/         one attempt: UTC start time and a random short id
//!     audio.wav                   the recording at 16 kHz mono, what the analysis reads
//!                                 (attempts stored before that was so keep what they had)
//!     original.wav                the recording as made, only when asked (`--keep-original`)
//!     transcript.json             rehearse's transcript JSON (absent if transcription failed)
//!     report.json                 the analysis (absent if it failed)
//!     report.html                 written on demand (`rehearse history --format html`)
//!     meta.json                   written last: an attempt without it is not yet (or never) whole
//! ```
//!
//! [`folder`] reads and writes one attempt folder, [`index`] lists them cheaply, [`store`]
//! saves, updates, finds and deletes attempts, [`progress`] turns
//! attempts into rows and trends, [`compare`] sets two attempts side by side and [`html`] draws
//! the progress page.

pub mod compare;
pub mod folder;
pub mod html;
pub mod index;
pub mod progress;
pub mod store;
pub mod time;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::analyze::frameworks::Band;
use crate::analyze::{Analysis, PaceStatus, QuestionRef, Status};

pub use folder::{Attempt, Problem};
pub use index::Listing;
pub use store::{NewAttempt, SourceAudio, Store, save_attempt};

/// Version of `meta.json`; bump it when a field changes meaning, and keep reading the older
/// ones. 2: `summary.pace_band` is `{min_wpm, max_wpm}` (was `min_s`/`max_s`).
pub const META_SCHEMA: u32 = 2;

/// An attempt's id: its folder's name, `YYYYMMDD-HHMMSS-xxxxxx` (UTC start time, six hex
/// digits). The last six digits alone are accepted wherever an id is asked for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AttemptId(pub String);

impl AttemptId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The random part: what the history table shows and what people type.
    pub fn short(&self) -> &str {
        self.0.rsplit('-').next().unwrap_or(&self.0)
    }

    /// Whether `name` has the shape of an attempt folder's name.
    pub fn is_valid(name: &str) -> bool {
        let b = name.as_bytes();
        b.len() == 22
            && b[8] == b'-'
            && b[15] == b'-'
            && b[..8].iter().all(u8::is_ascii_digit)
            && b[9..15].iter().all(u8::is_ascii_digit)
            && b[16..]
                .iter()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
    }
}

// Lets maps keyed by id be looked up with a folder name.
impl std::borrow::Borrow<str> for AttemptId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AttemptId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the analysis of an attempt succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnalysisStatus {
    Ok,
    Failed,
}

/// The state of an attempt's analysis; `report.json` exists exactly when it is `ok`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisState {
    pub status: AnalysisStatus,
    /// Why it failed, in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When `report.json` (or the failure) was written, RFC 3339 UTC.
    pub analyzed_at: String,
    /// The rehearse version that ran the analysis (reanalyze changes it).
    pub rehearse_version: String,
}

/// One framework section's time in an attempt, for the progress charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionSummary {
    pub id: String,
    pub name: String,
    pub seconds: f64,
    pub target: Band,
    pub status: Status,
}

/// The figures history shows for an attempt, copied from its report into `meta.json` so that
/// listing (and rebuilding the index) never has to read the much larger reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub framework_name: String,
    /// First word to last word.
    pub answer_s: f64,
    /// The framework's band for the whole answer.
    pub target: Band,
    pub length: Status,
    pub words: usize,
    /// Every framework section, in framework order.
    pub sections: Vec<SectionSummary>,
    pub wpm: f64,
    /// Words per minute.
    #[serde(with = "crate::analyze::frameworks::wpm_band")]
    pub pace_band: Band,
    pub pace: PaceStatus,
    pub fillers: usize,
    pub fillers_per_min: f64,
    /// Coaching signal ids (`blame`, `long-section:action`, ...).
    pub signals: Vec<String>,
    /// True when the times are estimated (a transcript without times); never for recordings.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
}

impl Summary {
    /// Sections whose time is inside their target band.
    pub fn sections_in_target(&self) -> usize {
        self.sections
            .iter()
            .filter(|s| s.status == Status::Ok)
            .count()
    }
}

/// Where an attempt came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AttemptSource {
    /// Recorded by `rehearse record`.
    Record,
    /// Added by `rehearse import`; `file` is the path it was imported from.
    Import { file: String },
}

/// The figures history shows, taken from a finished analysis.
pub fn summarize(a: &Analysis) -> Summary {
    Summary {
        framework_name: a.framework_name.clone(),
        answer_s: a.overall.answer_s,
        target: a.overall.target,
        length: a.overall.status,
        words: a.overall.words,
        sections: a
            .section_timing
            .iter()
            .map(|s| SectionSummary {
                id: s.id.clone(),
                name: s.name.clone(),
                seconds: s.duration_s,
                target: s.target,
                status: s.status,
            })
            .collect(),
        wpm: a.pace.wpm,
        pace_band: a.pace.band,
        pace: a.pace.status,
        fillers: a.filler_stats.count,
        fillers_per_min: a.filler_stats.per_minute,
        signals: a.signals.iter().map(|s| s.id.clone()).collect(),
        estimated: a.source.timing.is_estimated(),
    }
}

/// `meta.json`: what an attempt is, written last so that its presence means the attempt is
/// whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// [`META_SCHEMA`].
    pub schema: u32,
    /// The folder's name.
    pub id: AttemptId,
    pub question: Option<QuestionRef>,
    /// The framework as asked for (`--framework`): an id, `auto`, or none for the question's
    /// own (else star-l). Reanalyze asks the same way, so a changed question bank is honoured.
    pub framework_requested: Option<String>,
    /// The framework the analysis used (none when it failed).
    pub framework: Option<String>,
    /// When the answer started, RFC 3339 UTC.
    pub started_at: String,
    /// When the attempt was stored, RFC 3339 UTC with microseconds (orders attempts that
    /// started in the same second).
    pub saved_at: String,
    /// Length of the recording in seconds.
    pub duration_s: f64,
    pub source: AttemptSource,
    /// The input device for recordings.
    pub device: Option<String>,
    /// The Whisper model that made the transcript ("tiny.en").
    pub model: Option<String>,
    /// The rehearse version that saved the attempt.
    pub rehearse_version: String,
    /// The file name of the recording as made (`original.wav`), kept beside `audio.wav` only
    /// when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    pub analysis: AnalysisState,
    /// Present when the analysis is ok.
    pub summary: Option<Summary>,
}

/// Errors of the attempt store, each naming the path or id involved and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    #[error(
        "no folder for the practice history (no home directory); set REHEARSE_DATA_DIR or pass --data-dir"
    )]
    NoDataDir,
    #[error("{}: cannot {action}: {error}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        error: std::io::Error,
    },
    #[error(
        "{}: no such audio file; an attempt keeps its recording, so it needs one",
        path.display()
    )]
    AudioMissing { path: PathBuf },
    #[error("{}: is a folder, not an audio file", path.display())]
    AudioNotFile { path: PathBuf },
    #[error("{0}")]
    Audio(crate::audio::AudioError),
    #[error(
        "no attempt '{id}' in {}; `rehearse history` lists the ids (the last six characters are enough)",
        root.display()
    )]
    UnknownId { id: String, root: PathBuf },
    #[error("'{id}' matches several attempts ({}); give more of the id", matches.join(", "))]
    AmbiguousId { id: String, matches: Vec<String> },
    #[error(
        "no attempts in {}; `rehearse import FILE.wav` or `rehearse record` adds one",
        root.display()
    )]
    Empty { root: PathBuf },
    #[error("{}: damaged attempt: {reason}; `rehearse delete {id}` removes it", path.display())]
    Damaged {
        id: String,
        path: PathBuf,
        reason: String,
    },
    #[error("attempt {id}: the analysis failed ({error}); `rehearse reanalyze {id}` runs it again")]
    AnalysisFailed { id: String, error: String },
    #[error(
        "{}: the attempt could not be saved ({reason}); the recording is still at {}",
        dir.display(),
        audio.display()
    )]
    SaveFailed {
        dir: PathBuf,
        audio: PathBuf,
        reason: Box<HistoryError>,
    },
}

impl HistoryError {
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        action: &'static str,
        error: std::io::Error,
    ) -> Self {
        HistoryError::Io {
            path: path.into(),
            action,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempt_ids() {
        assert!(AttemptId::is_valid("20251102-140312-a3f9c1"));
        for bad in [
            "20251102-140312-A3F9C1",
            "20251102-140312-a3f9c",
            "20251102_140312-a3f9c1",
            "2025110x-140312-a3f9c1",
            "index.json",
            "",
            "20251102-140312-a3f9c1x",
        ] {
            assert!(!AttemptId::is_valid(bad), "{bad}");
        }
        assert_eq!(AttemptId("20251102-140312-a3f9c1".into()).short(), "a3f9c1");
    }
}
