//! Transcription: whisper.cpp through whisper-rs, producing words with start and end times.
//!
//! This is the boundary where whisper's 10 ms ticks become seconds; everything downstream sees
//! only [`Transcript`] and [`Word`].

pub mod export;
pub mod import;
pub mod timing;
pub mod whisper;
pub mod words;

use serde::{Deserialize, Serialize};

/// Version of the transcript JSON layout; bump it when a field changes meaning.
pub const TRANSCRIPT_SCHEMA: u32 = 1;

/// The default initial prompt: a short run of hesitations makes Whisper write them out instead
/// of silently dropping them (measured in `scripts/eval-real.sh`). Long prompts were seen to
/// cause repetition loops, so it stays short.
pub const FILLER_PROMPT: &str = "Um, uh, hmm, er, ah.";

/// One spoken word with its time span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// The word as written by Whisper, with attached punctuation ("Americans,").
    pub text: String,
    pub start_s: f64,
    pub end_s: f64,
    /// Mean probability of the word's tokens.
    pub p: f32,
}

/// A stretch of speech as Whisper segmented it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub start_s: f64,
    pub end_s: f64,
    pub text: String,
    /// Index range `[first_word, first_word + n_words)` into [`Transcript::words`].
    pub first_word: usize,
    pub n_words: usize,
}

/// What the audio file was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioInfo {
    pub path: String,
    pub duration_s: f64,
    pub sample_rate: u32,
    pub channels: u16,
    pub bits_per_sample: u16,
    pub sample_format: String,
}

/// Which model produced the words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub path: String,
    /// "tiny.en", "base", ...: the size and language kind read from the file's header.
    pub name: String,
}

/// How word times are obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampMethod {
    /// whisper.cpp's DTW over the model's alignment heads.
    Dtw,
    /// whisper.cpp's per-token timestamps from the timestamp-token probabilities.
    Token,
}

impl std::fmt::Display for TimestampMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimestampMethod::Dtw => "dtw",
            TimestampMethod::Token => "token",
        })
    }
}

/// The settings that shape the words; recorded in every transcript so results can be compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub language: String,
    /// The initial prompt, if any (`None` = no prompt).
    pub prompt: Option<String>,
    pub timestamps: TimestampMethod,
    /// Whether word edges were snapped to the audio's energy.
    pub energy_snap: bool,
    /// Whether the audio was transcribed in stretches cut at pauses (the live path).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub chunk_at_pauses: bool,
    pub threads: usize,
}

/// The transcript of one audio file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub schema: u32,
    pub audio: AudioInfo,
    pub model: ModelInfo,
    pub settings: Settings,
    pub duration_s: f64,
    pub text: String,
    pub segments: Vec<Segment>,
    pub words: Vec<Word>,
    /// Things a reader should know (e.g. "no speech found").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Everything `transcribe_audio` needs besides the audio.
#[derive(Debug, Clone)]
pub struct TranscribeOptions {
    pub threads: usize,
    pub language: String,
    pub prompt: Option<String>,
    pub method: TimestampMethod,
    pub energy_snap: bool,
    /// Transcribe stretches cut at pauses ([`MAX_CHUNK_S`] at most) one at a time, each with
    /// its time offset, as a live recorder does while the person is still talking; the words
    /// come out the same kind as from the whole file.
    pub chunk_at_pauses: bool,
}

/// Longest stretch transcribed at once with `chunk_at_pauses`: Whisper's window.
pub const MAX_CHUNK_S: f64 = 30.0;
/// Shortest silence a stretch is cut at.
pub const MIN_CUT_SILENCE_S: f64 = 0.3;
/// Stretches are not cut shorter than this, so Whisper always has some context.
pub const MIN_CHUNK_S: f64 = 5.0;

/// Where to cut `duration_s` seconds of audio into stretches of at most [`MAX_CHUNK_S`]: at the
/// middle of the latest silence of [`MIN_CUT_SILENCE_S`] or more that keeps the stretch in
/// bounds, or hard at [`MAX_CHUNK_S`] when there is none.
pub fn chunk_bounds(silences: &[(f64, f64)], duration_s: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut start = 0.0;
    while duration_s - start > MAX_CHUNK_S {
        let cut = silences
            .iter()
            .rev()
            .map(|&(a, b)| (a + b) / 2.0)
            .find(|&m| m > start + MIN_CHUNK_S && m <= start + MAX_CHUNK_S)
            .unwrap_or(start + MAX_CHUNK_S);
        out.push((start, cut));
        start = cut;
    }
    if duration_s > start {
        out.push((start, duration_s));
    }
    out
}

/// Peak level under which a recording counts as digital silence: Whisper invents words for
/// silence, so such audio is not sent to it at all.
const SILENCE_PEAK: f32 = 1.0 / 32768.0 * 2.0;

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
    let method = if engine.has_dtw() {
        opts.method
    } else {
        TimestampMethod::Token
    };
    let settings = Settings {
        language: opts.language.clone(),
        prompt: opts.prompt.clone(),
        timestamps: method,
        energy_snap: opts.energy_snap,
        chunk_at_pauses: opts.chunk_at_pauses,
        threads: opts.threads,
    };
    let duration_s = audio.duration_s();
    let mut notes = Vec::new();
    let peak = audio.samples.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let (words, segments) = if peak < SILENCE_PEAK {
        notes.push("no speech found: the audio is digital silence".to_string());
        (Vec::new(), Vec::new())
    } else {
        let decode = whisper::DecodeOptions {
            threads: opts.threads,
            language: opts.language.clone(),
            prompt: opts.prompt.clone(),
            method,
        };
        let raw = if opts.chunk_at_pauses {
            let rate = crate::audio::WHISPER_RATE as f64;
            let act = timing::detect_activity(&audio.samples, crate::audio::WHISPER_RATE);
            let mut all = Vec::new();
            for (a, b) in chunk_bounds(&act.silences(MIN_CUT_SILENCE_S), duration_s) {
                let (i, j) = (
                    (a * rate) as usize,
                    ((b * rate) as usize).min(audio.samples.len()),
                );
                for mut seg in engine.run(&audio.samples[i..j], &decode, None, None)? {
                    seg.t0 += a;
                    seg.t1 += a;
                    for t in &mut seg.tokens {
                        t.t0 += a;
                        t.t1 += a;
                        if t.t_dtw >= 0.0 {
                            t.t_dtw += a;
                        }
                    }
                    all.push(seg);
                }
            }
            all
        } else {
            engine.run(&audio.samples, &decode, progress, abort)?
        };
        let (mut words, ranges) = words::merge(&raw, method);
        for w in &mut words {
            w.start_s = w.start_s.clamp(0.0, duration_s);
            w.end_s = w.end_s.clamp(w.start_s, duration_s);
        }
        if opts.energy_snap {
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
    Ok(Transcript {
        schema: TRANSCRIPT_SCHEMA,
        audio: audio_info,
        model,
        settings,
        duration_s,
        text,
        segments,
        words,
        notes,
    })
}

#[cfg(test)]
mod chunk_tests {
    use super::*;

    #[test]
    fn chunks_cut_at_the_latest_pause_and_cover_the_audio() {
        let silences = [(4.0, 4.5), (12.0, 12.6), (27.0, 27.4), (50.0, 51.0)];
        let c = chunk_bounds(&silences, 70.0);
        assert_eq!(c.first().map(|x| x.0), Some(0.0));
        assert_eq!(c.last().map(|x| x.1), Some(70.0));
        // Cut in the middle of the latest pause that keeps the first stretch under 30 s.
        assert!((c[0].1 - 27.2).abs() < 1e-9, "{c:?}");
        for w in c.windows(2) {
            assert_eq!(w[0].1, w[1].0);
        }
        assert!(c.iter().all(|(a, b)| b - a <= MAX_CHUNK_S + 1e-9));
        // No pause at all: hard cuts every 30 s.
        let c = chunk_bounds(&[], 65.0);
        assert_eq!(c, vec![(0.0, 30.0), (30.0, 60.0), (60.0, 65.0)]);
        assert_eq!(chunk_bounds(&[], 10.0), vec![(0.0, 10.0)]);
    }
}
