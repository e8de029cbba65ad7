//! Audio input: decoding WAV files and resampling to the 16 kHz mono that Whisper wants, and
//! the voice measured from the samples (pitch, level, clipping) for the delivery analysis.

pub mod clipping;
pub mod decode;
pub mod encode;
pub mod level;
pub mod loudness;
pub mod pitch;
pub mod resample;

use std::path::{Path, PathBuf};

pub use decode::{MonoAudio, read_wav_mono};

/// The rate every later stage works at: Whisper's input rate.
pub const WHISPER_RATE: u32 = 16_000;

/// Why an audio file could not be used. Every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AudioError {
    #[error("{}: cannot open: {source}", path.display())]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
    #[error(
        "{}: truncated WAV: the header announces {declared} samples but the file holds {found}",
        path.display()
    )]
    Truncated {
        path: PathBuf,
        declared: usize,
        found: usize,
    },
    #[error("{}: the WAV holds no audio samples", path.display())]
    Empty { path: PathBuf },
    #[error("{}: resampling failed: {reason}", path.display())]
    Resample { path: PathBuf, reason: String },
}

impl AudioError {
    pub(crate) fn open(path: &Path, source: std::io::Error) -> Self {
        AudioError::Open {
            path: path.to_path_buf(),
            source,
        }
    }
    pub(crate) fn invalid(path: &Path, reason: &str) -> Self {
        AudioError::Invalid {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }
    pub(crate) fn from_hound(path: &Path, e: hound::Error) -> Self {
        match e {
            hound::Error::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                Self::invalid(path, "truncated WAV header")
            }
            hound::Error::IoError(io) => Self::open(path, io),
            hound::Error::FormatError(msg) => Self::invalid(path, &format!("malformed WAV: {msg}")),
            hound::Error::Unsupported => Self::invalid(path, "unsupported WAV layout"),
            other => Self::invalid(path, &format!("unreadable WAV: {other}")),
        }
    }
}

/// Audio ready for Whisper, with what the file was like before conversion.
#[derive(Debug, Clone)]
pub struct PreparedAudio {
    /// Mono samples at [`WHISPER_RATE`].
    pub samples: Vec<f32>,
    pub source_rate: u32,
    pub source_channels: u16,
    pub source_bits: u16,
    pub source_format: &'static str,
    /// Samples at full scale in the file as read (before resampling).
    pub clipping: clipping::Clipping,
}

impl PreparedAudio {
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / WHISPER_RATE as f64
    }

    /// The voice as the delivery analysis measures it: F0 and level over time, and clipping.
    pub fn voice(&self) -> Voice {
        Voice {
            pitch: pitch::track(&self.samples, WHISPER_RATE),
            level: loudness::track(&self.samples, WHISPER_RATE),
            clipping: self.clipping.clone(),
        }
    }
}

/// What the delivery analysis reads from a recording: samples in, tracks out, nothing about
/// words (those meet the tracks in `analyze::delivery`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Voice {
    pub pitch: pitch::PitchTrack,
    pub level: loudness::LevelTrack,
    pub clipping: clipping::Clipping,
}

/// Reads `path` and converts it to 16 kHz mono.
pub fn load_for_whisper(path: &Path) -> Result<PreparedAudio, AudioError> {
    let mono = read_wav_mono(path)?;
    let samples =
        resample::to_rate(&mono.samples, mono.sample_rate, WHISPER_RATE).map_err(|reason| {
            AudioError::Resample {
                path: path.to_path_buf(),
                reason,
            }
        })?;
    Ok(PreparedAudio {
        samples,
        source_rate: mono.sample_rate,
        source_channels: mono.channels,
        source_bits: mono.bits_per_sample,
        source_format: mono.sample_format,
        clipping: mono.clipping,
    })
}
