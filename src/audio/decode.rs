//! The one decoding path every command takes from a user's audio file to mono `f32` at the
//! file's own rate: the content is sniffed (never the name), WAV goes through its own reader,
//! everything else through symphonia. One path means one message for each kind of bad file,
//! whichever command met it.

use std::fs::File;
use std::io::SeekFrom;
use std::path::Path;

use symphonia::core::io::MediaSource;

use super::AudioError;
use super::clipping::Clipping;
use super::compressed;
use super::sniff::{Container, describe_other, sniff};
use super::wav::{self, Wav};

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

/// Decodes the audio file at `path` to mono, averaging channels.
pub fn read_mono(path: &Path) -> Result<MonoAudio, AudioError> {
    let file = File::open(path).map_err(|e| AudioError::open(path, e))?;
    let meta = file.metadata().map_err(|e| AudioError::open(path, e))?;
    if meta.is_dir() {
        return Err(AudioError::invalid(path, "a folder, not an audio file"));
    }
    decode(path, file, &Limits::default())
}

/// Decodes audio held in memory; `path` is only used in messages. The fuzz targets enter here.
pub fn decode_bytes(path: &Path, bytes: &[u8], limits: &Limits) -> Result<MonoAudio, AudioError> {
    decode(path, std::io::Cursor::new(bytes.to_vec()), limits)
}

/// Decodes `src` (a file or bytes in memory); `path` is only used in messages.
pub fn decode<S: MediaSource + 'static>(
    path: &Path,
    mut src: S,
    limits: &Limits,
) -> Result<MonoAudio, AudioError> {
    let io = |e| AudioError::open(path, e);
    let len = match src.byte_len() {
        Some(n) => n,
        None => src.seek(SeekFrom::End(0)).map_err(io)?,
    };
    let mut head = [0u8; 64];
    src.seek(SeekFrom::Start(0)).map_err(io)?;
    let n = wav::read_up_to(&mut src, &mut head).map_err(io)?;
    let head = &head[..n];
    if n == 0 {
        return Err(AudioError::invalid(path, "the file is empty"));
    }
    let container = match sniff(head) {
        Some(c) => c,
        None => {
            return Err(AudioError::invalid(
                path,
                &format!(
                    "not an audio file ({}); rehearse reads {SUPPORTED}",
                    describe_other(head)
                ),
            ));
        }
    };
    match container {
        Container::Wav | Container::Rf64 => match wav::decode(path, &mut src, len, limits)? {
            Wav::Pcm(m) => Ok(m),
            Wav::Compressed(fmt) => {
                src.seek(SeekFrom::Start(0)).map_err(io)?;
                compressed::decode(path, src, container, Some(fmt.tag), limits)
            }
        },
        Container::Rifx => Err(AudioError::invalid(
            path,
            "RIFX is big-endian WAV, which rehearse does not read; convert it to ordinary WAV first, e.g. `sox IN OUT.wav`",
        )),
        c if !c.readable() => Err(AudioError::invalid(
            path,
            &format!(
                "{} audio is not supported; convert it first, e.g. `ffmpeg -i IN -ar 16000 -ac 1 OUT.wav` (rehearse reads {SUPPORTED})",
                c.name()
            ),
        )),
        c => compressed::decode(path, src, c, None, limits),
    }
}

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
