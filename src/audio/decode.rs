//! WAV decoding: every PCM layout hound reads, turned into mono `f32` at the file's own rate.
//!
//! The header is inspected by hand first so that the formats hound refuses (mu-law, ADPCM, ...)
//! and files that are not WAV at all get a message that names the problem, not a parser error.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::AudioError;
use super::clipping::{ClipCounter, Clipping};

/// Lowest and highest sample rates accepted; outside this range the file is almost certainly
/// mislabelled, and resampling it would produce nonsense rather than an error.
pub const MIN_RATE: u32 = 8_000;
pub const MAX_RATE: u32 = 192_000;

/// What a WAV file held, before resampling.
#[derive(Debug, Clone)]
pub struct MonoAudio {
    /// Mono samples in [-1, 1] at `sample_rate`.
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    pub channels: u16,
    pub bits_per_sample: u16,
    /// `"int"` or `"float"`.
    pub sample_format: &'static str,
    /// Samples at full scale, counted on every channel before mixing.
    pub clipping: Clipping,
}

/// Names a WAVE format tag the way a person would look it up.
fn format_tag_name(tag: u16) -> String {
    match tag {
        0x0002 => "Microsoft ADPCM".into(),
        0x0006 => "A-law".into(),
        0x0007 => "mu-law".into(),
        0x0011 => "IMA ADPCM".into(),
        0x0031 => "GSM 6.10".into(),
        0x0055 => "MP3".into(),
        other => format!("format tag 0x{other:04x}"),
    }
}

/// Reads the RIFF header and the `fmt ` chunk's format tag, so that unsupported files are
/// refused with a precise reason before hound sees them.
fn precheck(path: &Path) -> Result<(), AudioError> {
    let file = File::open(path).map_err(|e| AudioError::open(path, e))?;
    let mut r = BufReader::new(file);
    let mut head = [0u8; 12];
    let n = read_up_to(&mut r, &mut head).map_err(|e| AudioError::open(path, e))?;
    if n == 0 {
        return Err(AudioError::invalid(path, "the file is empty"));
    }
    if n < 12 || &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        let what = sniff(&head[..n]);
        return Err(AudioError::invalid(
            path,
            &format!("not a WAV file ({what}); convert it first, e.g. `sox IN OUT.wav`"),
        ));
    }
    // Walk chunks until `fmt `; a WAV without one is damaged.
    loop {
        let mut hdr = [0u8; 8];
        if read_up_to(&mut r, &mut hdr).map_err(|e| AudioError::open(path, e))? < 8 {
            return Err(AudioError::invalid(path, "truncated: no `fmt ` chunk"));
        }
        let size = u32::from_le_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]) as u64;
        if &hdr[0..4] == b"fmt " {
            let mut fmt = [0u8; 2];
            if read_up_to(&mut r, &mut fmt).map_err(|e| AudioError::open(path, e))? < 2 {
                return Err(AudioError::invalid(
                    path,
                    "truncated inside the `fmt ` chunk",
                ));
            }
            let mut tag = u16::from_le_bytes(fmt);
            if tag == 0xFFFE && size >= 26 {
                // WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the sub-format GUID.
                let mut rest = [0u8; 24];
                if read_up_to(&mut r, &mut rest).map_err(|e| AudioError::open(path, e))? < 24 {
                    return Err(AudioError::invalid(
                        path,
                        "truncated inside the `fmt ` chunk",
                    ));
                }
                tag = u16::from_le_bytes([rest[22], rest[23]]);
            }
            return match tag {
                1 | 3 => Ok(()),
                other => Err(AudioError::invalid(
                    path,
                    &format!(
                        "compressed WAV ({}) is not supported; convert it to PCM, e.g. `sox IN -e signed -b 16 OUT.wav`",
                        format_tag_name(other)
                    ),
                )),
            };
        }
        let skip = size + (size & 1);
        let skipped = std::io::copy(&mut (&mut r).take(skip), &mut std::io::sink())
            .map_err(|e| AudioError::open(path, e))?;
        if skipped < skip {
            return Err(AudioError::invalid(path, "truncated: no `fmt ` chunk"));
        }
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A guess at what a non-WAV file is, for the error message.
fn sniff(head: &[u8]) -> &'static str {
    if head.starts_with(b"fLaC") {
        "it looks like FLAC"
    } else if head.starts_with(b"OggS") {
        "it looks like Ogg"
    } else if head.starts_with(b"ID3") || head.starts_with(&[0xFF, 0xFB]) {
        "it looks like MP3"
    } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
        "it looks like MP4/M4A"
    } else if head.starts_with(b"RIFF") {
        "a RIFF file that is not WAVE"
    } else if head.starts_with(b"{") || head.starts_with(b"[") {
        "it looks like JSON"
    } else {
        "no RIFF/WAVE header"
    }
}

/// Decodes `path` to mono, averaging channels.
pub fn read_wav_mono(path: &Path) -> Result<MonoAudio, AudioError> {
    precheck(path)?;
    let reader = hound::WavReader::open(path).map_err(|e| AudioError::from_hound(path, e))?;
    let spec = reader.spec();
    if spec.channels == 0 {
        return Err(AudioError::invalid(path, "the header says 0 channels"));
    }
    if !(MIN_RATE..=MAX_RATE).contains(&spec.sample_rate) {
        return Err(AudioError::invalid(
            path,
            &format!(
                "sample rate {} Hz is outside the supported {MIN_RATE}..{MAX_RATE} Hz",
                spec.sample_rate
            ),
        ));
    }
    let channels = spec.channels as usize;
    let declared = reader.len() as usize;
    if declared == 0 {
        return Err(AudioError::Empty {
            path: path.to_path_buf(),
        });
    }
    let frames = declared / channels;
    let mut mono = Vec::with_capacity(frames);
    let inv_ch = 1.0 / channels as f32;
    let mut acc = 0.0f32;
    let mut k = 0usize;
    let mut read = 0usize;
    let mut clips = ClipCounter::new(spec.sample_rate);
    let mut push = |v: f32| {
        clips.sample(mono.len() as u64, v);
        acc += v;
        k += 1;
        if k == channels {
            mono.push(acc * inv_ch);
            acc = 0.0;
            k = 0;
        }
    };
    let truncated = |read: usize| AudioError::Truncated {
        path: path.to_path_buf(),
        declared,
        found: read,
    };
    match spec.sample_format {
        hound::SampleFormat::Float => {
            if spec.bits_per_sample != 32 {
                return Err(AudioError::invalid(
                    path,
                    &format!(
                        "{}-bit float samples are not supported (only 32-bit)",
                        spec.bits_per_sample
                    ),
                ));
            }
            let mut reader = reader;
            for s in reader.samples::<f32>() {
                match s {
                    Ok(v) => push(if v.is_finite() { v } else { 0.0 }),
                    Err(hound::Error::IoError(_)) => return Err(truncated(read)),
                    Err(e) => return Err(AudioError::from_hound(path, e)),
                }
                read += 1;
            }
        }
        hound::SampleFormat::Int => {
            let bits = spec.bits_per_sample;
            if !(matches!(bits, 8 | 16 | 24 | 32)) {
                return Err(AudioError::invalid(
                    path,
                    &format!("{bits}-bit integer samples are not supported (8, 16, 24 or 32)"),
                ));
            }
            let scale = 1.0 / (1u64 << (bits - 1)) as f32;
            let mut reader = reader;
            for s in reader.samples::<i32>() {
                match s {
                    Ok(v) => push(v as f32 * scale),
                    Err(hound::Error::IoError(_)) => return Err(truncated(read)),
                    Err(e) => return Err(AudioError::from_hound(path, e)),
                }
                read += 1;
            }
        }
    }
    if read < declared {
        return Err(truncated(read));
    }
    let clipping = clips.finish();
    Ok(MonoAudio {
        samples: mono,
        sample_rate: spec.sample_rate,
        channels: spec.channels,
        bits_per_sample: spec.bits_per_sample,
        sample_format: match spec.sample_format {
            hound::SampleFormat::Float => "float",
            hound::SampleFormat::Int => "int",
        },
        clipping,
    })
}
