//! The offline path: whisper.cpp over prepared audio, stretch by stretch, and the assembly of
//! its segments into a [`Transcript`] (words merged from tokens, kept inside the audio, snapped
//! to its energy). The live recorder ([`super::live`]) runs the same pieces as audio arrives.

use super::types::*;
use super::{chunker, timing, whisper, words};

/// Peak level under which a recording counts as digital silence: Whisper invents words for
/// silence, so such audio is not sent to it at all.
const SILENCE_PEAK: f32 = 1.0 / 32768.0 * 2.0;

pub(crate) fn is_digital_silence(samples: &[f32]) -> bool {
    samples.iter().fold(0.0f32, |m, x| m.max(x.abs())) < SILENCE_PEAK
}

/// The timestamp method actually used: DTW needs the model's alignment heads at load time.
fn effective_method(engine: &whisper::Engine, opts: &TranscribeOptions) -> TimestampMethod {
    if engine.has_dtw() {
        opts.method
    } else {
        TimestampMethod::Token
    }
}

/// How one decode is run, with `threads` whisper.cpp threads.
pub fn decode_options(
    engine: &whisper::Engine,
    opts: &TranscribeOptions,
    threads: usize,
) -> whisper::DecodeOptions {
    whisper::DecodeOptions {
        threads,
        language: opts.language.clone(),
        prompt: opts.prompt.clone(),
        method: effective_method(engine, opts),
        filler_boost: opts.filler_boost,
        audio_ctx: 0,
    }
}

/// What a transcript records about how it was made.
pub fn settings(engine: &whisper::Engine, opts: &TranscribeOptions) -> Settings {
    Settings {
        language: opts.language.clone(),
        prompt: opts.prompt.clone(),
        timestamps: effective_method(engine, opts),
        filler_boost: opts.filler_boost,
        energy_snap: opts.energy_snap,
        chunk_at_pauses: opts.chunk_at_pauses,
        threads: opts.threads,
    }
}

/// Decodes one stretch of `samples` (16 kHz mono, the whole recording) with its time offset,
/// so that its times are the recording's. A stretch of digital silence is not decoded.
pub fn transcribe_stretch(
    engine: &whisper::Engine,
    samples: &[f32],
    stretch: chunker::Stretch,
    decode: &whisper::DecodeOptions,
    abort: Option<Box<dyn FnMut() -> bool>>,
) -> Result<Vec<words::RawSegment>, whisper::EngineError> {
    let end = stretch.end.min(samples.len());
    let part = &samples[stretch.start.min(end)..end];
    if part.is_empty() || is_digital_silence(part) {
        return Ok(Vec::new());
    }
    let offset = stretch.start_s(crate::audio::WHISPER_RATE);
    let mut segments = engine.run(part, decode, None, abort)?.segments;
    for seg in &mut segments {
        seg.t0 += offset;
        seg.t1 += offset;
        for t in &mut seg.tokens {
            t.t0 += offset;
            t.t1 += offset;
            if t.t_dtw >= 0.0 {
                t.t_dtw += offset;
            }
        }
    }
    Ok(segments)
}

/// Transcribes prepared 16 kHz audio with a loaded engine.
pub fn transcribe_audio(
    engine: &whisper::Engine,
    audio: &crate::audio::PreparedAudio,
    audio_info: AudioInfo,
    model: ModelInfo,
    opts: &TranscribeOptions,
    progress: Option<Box<dyn FnMut(i32)>>,
    abort: Option<Box<dyn FnMut() -> bool>>,
) -> Result<Transcript, whisper::EngineError> {
    let decode = decode_options(engine, opts, opts.threads);
    let raw = if is_digital_silence(&audio.samples) {
        Vec::new()
    } else if opts.chunk_at_pauses {
        let stretches = chunker::split(&audio.samples, crate::audio::WHISPER_RATE);
        let mut progress = progress;
        let mut all = Vec::new();
        for (i, st) in stretches.iter().enumerate() {
            all.extend(transcribe_stretch(
                engine,
                &audio.samples,
                *st,
                &decode,
                None,
            )?);
            if let Some(p) = progress.as_mut() {
                p(((i + 1) * 100 / stretches.len().max(1)) as i32);
            }
        }
        all
    } else {
        engine
            .run(&audio.samples, &decode, progress, abort)?
            .segments
    };
    Ok(assemble(
        &raw,
        audio,
        audio_info,
        model,
        settings(engine, opts),
    ))
}

/// Turns whisper's segments (times already the recording's) into the transcript: words merged
/// from tokens, kept inside the audio, snapped to its energy when asked. The live recorder and
/// the offline path both end here.
pub fn assemble(
    raw: &[words::RawSegment],
    audio: &crate::audio::PreparedAudio,
    audio_info: AudioInfo,
    model: ModelInfo,
    settings: Settings,
) -> Transcript {
    let duration_s = audio.duration_s();
    let mut notes = Vec::new();
    let (words, segments) = if is_digital_silence(&audio.samples) {
        notes.push("no speech found: the audio is digital silence".to_string());
        (Vec::new(), Vec::new())
    } else {
        let (mut words, ranges) = words::merge(raw, settings.timestamps);
        for w in &mut words {
            w.start_s = w.start_s.clamp(0.0, duration_s);
            w.end_s = w.end_s.clamp(w.start_s, duration_s);
        }
        if settings.energy_snap {
            let act = timing::detect_activity(&audio.samples, crate::audio::WHISPER_RATE);
            timing::snap_to_energy(&mut words, &act);
        }
        let segments: Vec<Segment> = raw
            .iter()
            .zip(ranges)
            .map(|(seg, (first, n))| {
                let text = words[first..first + n]
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                Segment {
                    start_s: seg.t0.min(duration_s),
                    end_s: seg.t1.min(duration_s),
                    text,
                    first_word: first,
                    n_words: n,
                }
            })
            .filter(|s| s.n_words > 0)
            .collect();
        if words.is_empty() {
            notes.push("no speech found: Whisper heard no words".to_string());
        }
        (words, segments)
    };
    let text = segments
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Transcript {
        schema: TRANSCRIPT_SCHEMA,
        audio: audio_info,
        model,
        settings,
        duration_s,
        text,
        segments,
        words,
        notes,
    }
}
