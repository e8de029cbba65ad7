//! Compressed audio through symphonia: MP3, AAC (ADTS or in MP4/M4A/MOV), ALAC, FLAC, Vorbis
//! (in Ogg or WebM/MKV), AIFF, CAF, and the WAV codecs other than PCM (mu-law, A-law, ADPCM).
//! The first audio track of a video container is decoded.

use std::path::Path;

use symphonia::core::codecs::audio::well_known::*;
use symphonia::core::codecs::audio::{AudioCodecId, AudioDecoderOptions};
use symphonia::core::errors::Error;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;

use super::AudioError;
use super::clipping::ClipCounter;
use super::mono::{Limits, MAX_RATE, MIN_RATE, MonoAudio, SUPPORTED, push_mono, too_long};
use super::sniff::Container;
use super::wav::format_tag_name;

/// Damaged packets skipped before the file is given up on; a file whose every packet fails is
/// not audio at all, and one bad frame in a long recording should not cost the rest.
const MAX_BAD_PACKETS: usize = 100;

/// Frames of silence an AAC-LC encoder puts before the audio.
const ADTS_PRIMING_FRAMES: usize = 1024;

/// The name of a codec rehearse may meet but cannot decode, and the codec names it reports.
fn codec_name(id: AudioCodecId) -> &'static str {
    match id {
        CODEC_ID_OPUS => "Opus",
        CODEC_ID_SPEEX => "Speex",
        CODEC_ID_AC3 => "AC-3",
        CODEC_ID_EAC3 => "E-AC-3",
        CODEC_ID_DCA => "DTS",
        CODEC_ID_WMA => "WMA",
        CODEC_ID_MP1 | CODEC_ID_MP2 => "MPEG layer I/II",
        CODEC_ID_MP3 => "mp3",
        CODEC_ID_AAC => "aac",
        CODEC_ID_ALAC => "alac",
        CODEC_ID_FLAC => "flac",
        CODEC_ID_VORBIS => "vorbis",
        CODEC_ID_PCM_ALAW => "a-law",
        CODEC_ID_PCM_MULAW => "mu-law",
        CODEC_ID_ADPCM_MS | CODEC_ID_ADPCM_IMA_WAV | CODEC_ID_ADPCM_IMA_QT => "adpcm",
        _ => "pcm",
    }
}

fn unsupported_codec(path: &Path, container: Container, what: String) -> AudioError {
    AudioError::invalid(
        path,
        &format!(
            "{what} audio ({} file) is not supported; convert it first, e.g. `ffmpeg -i IN -ar 16000 -ac 1 OUT.wav` (rehearse reads {SUPPORTED})",
            container.name()
        ),
    )
}

/// Decodes `src` (whose first bytes sniffed as `container`) to mono. `wav_tag` is the format
/// tag when `src` is a WAV with a codec other than PCM.
pub(super) fn decode<S: MediaSource + 'static>(
    path: &Path,
    src: S,
    container: Container,
    wav_tag: Option<u16>,
    limits: &Limits,
) -> Result<MonoAudio, AudioError> {
    // symphonia's decoders can panic on crafted streams (the audio fuzz target found an index
    // out of bounds in symphonia-codec-vorbis 0.6.1's codebook reader): a damaged file must be
    // one line naming it, never a crash. [`quiet_decoder_panics`] keeps the panic's own message
    // off the terminal.
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decode_inner(path, src, container, wav_tag, limits)
    }));
    decoded.unwrap_or_else(|_| {
        Err(AudioError::invalid(
            path,
            &format!(
                "the {} decoder failed on this file; it is probably damaged (convert it with `ffmpeg -i IN OUT.wav` if it plays elsewhere)",
                container.name()
            ),
        ))
    })
}

/// Installs (once) a panic hook that says nothing for panics inside symphonia, which
/// [`decode`] catches and reports as a damaged file, and hands every other panic to the hook
/// that was in place.
pub fn quiet_decoder_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_decoder = info
                .location()
                .is_some_and(|l| l.file().contains("symphonia"));
            if !in_decoder {
                previous(info);
            }
        }));
    });
}

fn decode_inner<S: MediaSource + 'static>(
    path: &Path,
    src: S,
    container: Container,
    wav_tag: Option<u16>,
    limits: &Limits,
) -> Result<MonoAudio, AudioError> {
    let unreadable = |e: Error| {
        AudioError::invalid(
            path,
            &format!(
                "cannot read this {} file ({}); it may be damaged or cut short",
                container.name(),
                short(&e)
            ),
        )
    };
    let mss = MediaSourceStream::new(Box::new(src), Default::default());
    let mut format = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(unreadable)?;
    let Some(track) = format.default_track(TrackType::Audio) else {
        return Err(AudioError::invalid(
            path,
            &format!("the {} file has no audio track", container.name()),
        ));
    };
    let track_id = track.id;
    let Some(params) = track.codec_params.as_ref().and_then(|p| p.audio()).cloned() else {
        return Err(AudioError::invalid(
            path,
            &format!("the {} file has no audio track", container.name()),
        ));
    };
    let name = codec_name(params.codec);
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|_| {
            let what = match wav_tag {
                Some(tag) => format_tag_name(tag),
                None if name == "pcm" => format!("codec {}", params.codec),
                None => name.to_string(),
            };
            unsupported_codec(path, container, what)
        })?;

    let mut mono = Vec::new();
    let mut interleaved: Vec<f32> = Vec::new();
    // Counted on every channel before mixing, as the recorder counts; the rate comes with the
    // first packet.
    let mut clips: Option<ClipCounter> = None;
    let mut rate: Option<u32> = None;
    let mut channels = 0usize;
    let mut bad = 0usize;
    let mut good = 0usize;
    loop {
        let packet = match format.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            // A file cut short ends here with what it held: as a recorder killed mid-way leaves
            // it.
            Err(Error::IoError(_)) | Err(Error::ResetRequired) => break,
            Err(Error::DecodeError(_)) if bad < MAX_BAD_PACKETS => {
                bad += 1;
                continue;
            }
            Err(e) => return Err(unreadable(e)),
        };
        if packet.track_id != track_id {
            continue;
        }
        let buf = match decoder.decode(&packet) {
            Ok(b) => b,
            Err(Error::DecodeError(_)) | Err(Error::IoError(_)) if bad < MAX_BAD_PACKETS => {
                bad += 1;
                continue;
            }
            Err(e) if good == 0 => return Err(unreadable(e)),
            // Later failures keep what was decoded, with a note.
            Err(_) => {
                bad += 1;
                break;
            }
        };
        let spec = buf.spec();
        let r = spec.rate();
        let ch = spec.channels().count();
        if ch == 0 {
            return Err(AudioError::invalid(path, "the audio has 0 channels"));
        }
        match rate {
            None => {
                if !(MIN_RATE..=MAX_RATE).contains(&r) {
                    return Err(AudioError::invalid(
                        path,
                        &format!(
                            "sample rate {r} Hz is outside the supported {MIN_RATE}..{MAX_RATE} Hz"
                        ),
                    ));
                }
                rate = Some(r);
                clips = Some(ClipCounter::new(r));
                channels = ch;
            }
            Some(r0) if r0 != r => {
                return Err(AudioError::invalid(
                    path,
                    &format!("the sample rate changes from {r0} Hz to {r} Hz part-way through"),
                ));
            }
            Some(_) => {}
        }
        buf.copy_to_vec_interleaved(&mut interleaved);
        if let Some(c) = clips.as_mut() {
            for (i, &v) in interleaved.iter().enumerate() {
                c.sample((mono.len() + i / ch.max(1)) as u64, v);
            }
        }
        push_mono(&mut mono, &interleaved, ch);
        good += 1;
        if mono.len() > limits.max_frames(r) {
            return Err(too_long(path, mono.len() as f64 / f64::from(r), limits));
        }
    }
    let Some(rate) = rate else {
        return Err(if bad > 0 {
            AudioError::invalid(
                path,
                &format!(
                    "no {} frame in this {} file could be decoded; it is damaged",
                    name,
                    container.name()
                ),
            )
        } else {
            AudioError::Empty {
                path: path.to_path_buf(),
            }
        });
    };
    if container == Container::Adts {
        // Raw AAC keeps no record of the encoder's priming (MP4 does, and symphonia trims it
        // there): AAC-LC encoders (ffmpeg's, Fraunhofer's) prime 1024 frames, which would make
        // every word 64 ms late at 16 kHz.
        mono.drain(..mono.len().min(ADTS_PRIMING_FRAMES));
    }
    // Lossy codecs overshoot full scale a little on loud passages; Whisper wants [-1, 1].
    for s in &mut mono {
        *s = if s.is_finite() {
            s.clamp(-1.0, 1.0)
        } else {
            0.0
        };
    }
    let mut notes = Vec::new();
    if bad > 0 {
        notes.push(format!(
            "{bad} damaged {} frames were skipped; the words there may be missing",
            name
        ));
    }
    Ok(MonoAudio {
        samples: mono,
        sample_rate: rate,
        channels: u16::try_from(channels).unwrap_or(u16::MAX),
        bits_per_sample: 0,
        sample_format: name,
        container: if wav_tag.is_some() {
            "WAV"
        } else {
            container.name()
        },
        notes,
        clipping: clips.map(ClipCounter::finish).unwrap_or_default(),
    })
}

/// symphonia's message, cut to one short line.
fn short(e: &Error) -> String {
    let s = e.to_string();
    let s = s.lines().next().unwrap_or("").trim();
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}
