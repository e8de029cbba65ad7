//! What every decoder in `audio/` produces and the limits they all keep: mono samples at the
//! file's own rate, the longest recording read, and the message for one that is too long. Below
//! the decoders, so that `decode.rs` points down at `wav.rs` and `compressed.rs` and they point
//! down here.

use std::path::Path;

use super::AudioError;
use super::clipping::Clipping;

/// Lowest and highest sample rates accepted; outside this range the file is almost certainly
/// mislabelled, and resampling it would produce nonsense rather than an error.
pub const MIN_RATE: u32 = 8_000;
pub const MAX_RATE: u32 = 192_000;

/// Longest recording read, seconds. Interview answers last minutes and a whole mock interview
/// an hour or two; four hours keeps a file's decoded samples (at most 2.8 GB at 48 kHz)
/// well inside memory, and stops a small compressed file that decodes to days of silence.
pub const MAX_DURATION_S: f64 = 4.0 * 3600.0;

/// What the decoder will accept.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest audio decoded, seconds.
    pub max_duration_s: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_duration_s: MAX_DURATION_S,
        }
    }
}

impl Limits {
    pub(super) fn max_frames(&self, rate: u32) -> usize {
        (self.max_duration_s * f64::from(rate)) as usize
    }
}

pub(super) fn too_long(path: &Path, seconds: f64, limits: &Limits) -> AudioError {
    AudioError::invalid(
        path,
        &format!(
            "the audio lasts over {} (about {}); rehearse reads recordings up to {}: cut out the answer first, e.g. `sox IN OUT.wav trim START LENGTH`",
            hours(limits.max_duration_s),
            hours(seconds),
            hours(limits.max_duration_s)
        ),
    )
}

fn hours(s: f64) -> String {
    if s >= 3600.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.0} min", s / 60.0)
    }
}

/// What an audio file held, before resampling.
#[derive(Debug, Clone)]
pub struct MonoAudio {
    /// Mono samples in [-1, 1] at `sample_rate`.
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    pub channels: u16,
    /// Bits per sample of PCM; 0 for compressed audio, which has none.
    pub bits_per_sample: u16,
    /// `"int"` or `"float"` for PCM WAV, else the codec (`"mp3"`, `"aac"`, `"flac"`, ...).
    pub sample_format: &'static str,
    /// The container: `"WAV"`, `"MP3"`, `"MP4/M4A"`, ...
    pub container: &'static str,
    /// What the reader changed or the user should know (clipped samples, skipped frames).
    pub notes: Vec<String>,
    /// Samples at full scale, counted on every channel before mixing.
    pub clipping: Clipping,
}

/// What rehearse reads, for messages that refuse a file.
pub const SUPPORTED: &str = "WAV, MP3, M4A/AAC, FLAC, Ogg Vorbis, AIFF, CAF, or the audio of an MP4, MOV, MKV or WebM video";

/// Appends the channel average of each frame of `interleaved` to `out`.
pub(super) fn push_mono(out: &mut Vec<f32>, interleaved: &[f32], channels: usize) {
    if channels <= 1 {
        out.extend_from_slice(interleaved);
        return;
    }
    let inv = 1.0 / channels as f32;
    out.extend(
        interleaved
            .chunks_exact(channels)
            .map(|f| f.iter().sum::<f32>() * inv),
    );
}
