//! Audio input: decoding a user's audio file (WAV, or compressed audio through symphonia), by
//! its content and never its name, resampling to the 16 kHz mono that Whisper wants, and the
//! voice measured from the samples (pitch, level, clipping) for the delivery analysis.

pub mod clipping;
mod compressed;
pub use compressed::quiet_decoder_panics;
pub mod decode;
pub mod encode;
pub mod level;
pub mod loudness;
mod mono;
pub mod pitch;
pub mod resample;
pub mod sniff;
mod wav;

use std::path::{Path, PathBuf};

pub use decode::{Limits, MAX_DURATION_S, MonoAudio, SUPPORTED, decode_bytes, read_mono};

/// The rate every later stage works at: Whisper's input rate.
pub const WHISPER_RATE: u32 = 16_000;

/// Why an audio file could not be used. Every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AudioError {
    // Not a `source`: the message already holds it, and a chained source would print it twice.
    #[error("{}: cannot open: {error}", path.display())]
    Open {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
    #[error(
        "{}: truncated WAV: the header announces {declared} samples but the file holds {found}; it was cut short",
        path.display()
    )]
    Truncated {
        path: PathBuf,
        declared: usize,
        found: usize,
    },
    #[error("{}: the file holds no audio samples", path.display())]
    Empty { path: PathBuf },
    #[error("{}: resampling failed: {reason}", path.display())]
    Resample { path: PathBuf, reason: String },
}

impl AudioError {
    pub(crate) fn open(path: &Path, error: std::io::Error) -> Self {
        AudioError::Open {
            path: path.to_path_buf(),
            error,
        }
    }
    pub(crate) fn invalid(path: &Path, reason: &str) -> Self {
        AudioError::Invalid {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }
}

/// Writes 16 kHz mono samples as a 16-bit PCM WAV: what the store keeps of a compressed
/// recording (32 KB a second, and exactly what the analysis reads).
pub fn write_whisper_wav(path: &Path, samples: &[f32]) -> Result<(), hound::Error> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: WHISPER_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec)?;
    for &s in samples {
        w.write_sample((s.clamp(-1.0, 1.0) * 32_767.0).round() as i16)?;
    }
    w.finalize()
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
    /// The container the audio came in: `"WAV"`, `"MP3"`, `"MP4/M4A"`, ...
    pub source_container: &'static str,
    /// What decoding changed that a reader should know (clipped samples, skipped frames).
    pub notes: Vec<String>,
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

/// Reads the audio file at `path` (any format [`read_mono`] reads) and converts it to 16 kHz
/// mono.
pub fn load_for_whisper(path: &Path) -> Result<PreparedAudio, AudioError> {
    prepare(path, read_mono(path)?)
}

/// Resamples decoded audio to 16 kHz; `path` is only used in messages.
pub fn prepare(path: &Path, mono: MonoAudio) -> Result<PreparedAudio, AudioError> {
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
        source_container: mono.container,
        notes: mono.notes,
        clipping: mono.clipping,
    })
}
