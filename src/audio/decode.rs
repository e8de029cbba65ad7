//! The one decoding path every command takes from a user's audio file to mono `f32` at the
//! file's own rate: the content is sniffed (never the name), WAV goes through its own reader,
//! everything else through symphonia. One path means one message for each kind of bad file,
//! whichever command met it.

use std::fs::File;
use std::io::SeekFrom;
use std::path::Path;

use symphonia::core::io::MediaSource;

use super::AudioError;
use super::compressed;
pub use super::mono::{Limits, MAX_DURATION_S, MAX_RATE, MIN_RATE, MonoAudio, SUPPORTED};
use super::sniff::{Container, describe_other, sniff};
use super::wav::{self, Wav};

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
