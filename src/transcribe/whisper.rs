//! The whisper.cpp engine: loading a ggml model and running full decoding over 16 kHz audio.

use std::path::{Path, PathBuf};

use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters,
};

use super::types::TimestampMethod;
use super::words::{RawSegment, RawToken};

/// Why whisper.cpp could not load a model or decode audio.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    #[error("{}: whisper.cpp could not load this model ({reason}); check it with `rehearse model list` or re-create it", path.display())]
    Load { path: PathBuf, reason: String },
    #[error("transcription failed in whisper.cpp: {0}")]
    Decode(String),
    #[error("transcription was interrupted")]
    Aborted,
}

/// How to load the model.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// DTW alignment-head preset; `None` disables DTW timestamps.
    pub dtw_preset: Option<DtwModelPreset>,
}

/// How to decode.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    pub threads: usize,
    pub language: String,
    pub prompt: Option<String>,
    pub method: TimestampMethod,
    /// Added to the logits of hesitation tokens ("um", "uh") at every decoding step; 0 = off.
    pub filler_boost: f32,
    /// Encoder context in 20 ms frames; 0 for Whisper's full 30 s window. Only the live
    /// display's previews shorten it (a short window is several times faster on a few seconds
    /// of audio, and drops the odd word, which a preview can afford).
    pub audio_ctx: i32,
}

/// A loaded model, reusable for many files; clones share it (the live recorder's worker thread
/// decodes with the same model the command loaded).
#[derive(Clone)]
pub struct Engine {
    ctx: std::sync::Arc<WhisperContext>,
    dtw: bool,
    hesitations: std::sync::Arc<Hesitations>,
}

/// The parts of the model's vocabulary the filler boost needs, looked up once at load.
struct Hesitations {
    /// Single-token spellings of "um" and "uh".
    fillers: Vec<i32>,
    /// Punctuation, looked through when asking whether the last word was a hesitation.
    punct: Vec<i32>,
    /// The first special token; timestamps and the like are looked through too.
    eot: i32,
    n_vocab: usize,
}

impl Hesitations {
    /// Whether to boost after `so_far`: only once a word has been written, and not when that
    /// word was itself a hesitation.
    fn boost_after(&self, so_far: &[whisper_rs::whisper_rs_sys::whisper_token_data]) -> bool {
        so_far
            .iter()
            .rev()
            .find(|t| t.id < self.eot && !self.punct.contains(&t.id))
            .is_some_and(|t| !self.fillers.contains(&t.id))
    }
}

/// What the logits filter reads; lives on `run`'s stack for the whole decode.
struct FillerBias<'a> {
    vocab: &'a Hesitations,
    boost: f32,
}

/// whisper.cpp's logits filter: makes hesitation tokens more likely. Not as the first word of a
/// window (it replaced real words there on recorded speech) and not right after a hesitation
/// (a boosted filler fed on itself: one long "uhhh" became three "uh"s).
unsafe extern "C" fn bias_fillers(
    _ctx: *mut whisper_rs::whisper_rs_sys::whisper_context,
    _state: *mut whisper_rs::whisper_rs_sys::whisper_state,
    tokens: *const whisper_rs::whisper_rs_sys::whisper_token_data,
    n_tokens: std::os::raw::c_int,
    logits: *mut f32,
    user_data: *mut std::ffi::c_void,
) {
    if logits.is_null() || user_data.is_null() {
        return;
    }
    // SAFETY: user_data is the `FillerBias` that `run` keeps alive until `full` returns.
    let bias = unsafe { &*(user_data as *const FillerBias) };
    let so_far = if n_tokens > 0 && !tokens.is_null() {
        // SAFETY: whisper.cpp passes the decoder's n_tokens tokens so far.
        unsafe { std::slice::from_raw_parts(tokens, n_tokens as usize) }
    } else {
        &[]
    };
    if !bias.vocab.boost_after(so_far) {
        return;
    }
    // SAFETY: logits holds n_vocab floats (whisper.cpp's contract for this callback).
    let logits = unsafe { std::slice::from_raw_parts_mut(logits, bias.vocab.n_vocab) };
    for &t in &bias.vocab.fillers {
        if let Some(l) = logits.get_mut(t as usize) {
            *l += bias.boost;
        }
    }
}

/// Silences whisper.cpp's and ggml's log lines (they go nowhere once the hooks are installed
/// without a logging backend). Called unless the user asked for `--verbose`.
pub fn silence_native_logs() {
    whisper_rs::install_logging_hooks();
}

impl Engine {
    pub fn load(path: &Path, opts: &LoadOptions) -> Result<Self, EngineError> {
        let mut params = WhisperContextParameters::default();
        if let Some(preset) = opts.dtw_preset.clone() {
            params.dtw_parameters(DtwParameters {
                mode: DtwMode::ModelPreset {
                    model_preset: preset,
                },
                ..DtwParameters::default()
            });
        }
        let ctx = WhisperContext::new_with_params(path, params).map_err(|e| EngineError::Load {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let hesitations = Hesitations {
            fillers: single_token_ids(&ctx, &[" um", " uh", " Um", " Uh"]),
            punct: single_token_ids(&ctx, &[",", ".", "?", "!", "...", "-", " -"]),
            eot: ctx.token_eot(),
            n_vocab: ctx.n_vocab().max(0) as usize,
        };
        Ok(Engine {
            ctx: std::sync::Arc::new(ctx),
            dtw: opts.dtw_preset.is_some(),
            hesitations: std::sync::Arc::new(hesitations),
        })
    }

    /// Whether DTW timestamps were enabled at load time.
    pub fn has_dtw(&self) -> bool {
        self.dtw
    }

    /// Decodes `samples` (16 kHz mono). `progress` gets 0..=100; `abort` is polled by
    /// whisper.cpp between steps and stops decoding when it returns true.
    pub fn run(
        &self,
        samples: &[f32],
        opts: &DecodeOptions,
        progress: Option<Box<dyn FnMut(i32)>>,
        abort: Option<Box<dyn FnMut() -> bool>>,
    ) -> Result<Vec<RawSegment>, EngineError> {
        let mut state = self
            .ctx
            .create_state()
            .map_err(|e| EngineError::Decode(e.to_string()))?;
        let mut fp = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        fp.set_n_threads(opts.threads.max(1) as i32);
        fp.set_language(Some(&opts.language));
        fp.set_translate(false);
        fp.set_print_special(false);
        fp.set_print_progress(false);
        fp.set_print_realtime(false);
        fp.set_print_timestamps(false);
        fp.set_token_timestamps(true);
        fp.set_suppress_blank(true);
        if opts.audio_ctx > 0 {
            fp.set_audio_ctx(opts.audio_ctx);
        }
        if let Some(p) = opts.prompt.as_deref().filter(|p| !p.is_empty()) {
            fp.set_initial_prompt(p);
        }
        if let Some(cb) = progress {
            fp.set_progress_callback_safe::<Option<Box<dyn FnMut(i32)>>, Box<dyn FnMut(i32)>>(
                Some(cb),
            );
        }
        let aborted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        if let Some(mut cb) = abort {
            let flag = aborted.clone();
            fp.set_abort_callback_safe::<Option<Box<dyn FnMut() -> bool>>, Box<dyn FnMut() -> bool>>(
                Some(Box::new(move || {
                    let stop = cb();
                    if stop {
                        flag.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                    stop
                })),
            );
        }
        let bias = (opts.filler_boost != 0.0 && !self.hesitations.fillers.is_empty()).then(|| {
            FillerBias {
                vocab: &self.hesitations,
                boost: opts.filler_boost,
            }
        });
        if let Some(bias) = &bias {
            // SAFETY: `bias` outlives `state.full` below, the only call that runs the filter.
            unsafe {
                fp.set_filter_logits_callback(Some(bias_fillers));
                fp.set_filter_logits_callback_user_data(
                    bias as *const FillerBias as *mut std::ffi::c_void,
                );
            }
        }
        let result = state.full(fp, samples);
        if aborted.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(EngineError::Aborted);
        }
        result.map_err(|e| EngineError::Decode(e.to_string()))?;

        let eot = self.ctx.token_eot();
        let mut out = Vec::new();
        for seg in state.as_iter() {
            let mut tokens = Vec::new();
            for i in 0..seg.n_tokens() {
                let Some(tok) = seg.get_token(i) else {
                    continue;
                };
                if tok.token_id() >= eot {
                    continue; // special and timestamp tokens carry no text
                }
                let data = tok.token_data();
                let bytes = tok.to_bytes().map(|b| b.to_vec()).unwrap_or_default();
                tokens.push(RawToken {
                    bytes,
                    p: data.p,
                    t0: ticks_to_s(data.t0),
                    t1: ticks_to_s(data.t1),
                    t_dtw: if self.dtw && data.t_dtw >= 0 {
                        ticks_to_s(data.t_dtw)
                    } else {
                        -1.0
                    },
                });
            }
            out.push(RawSegment {
                t0: ticks_to_s(seg.start_timestamp()),
                t1: ticks_to_s(seg.end_timestamp()),
                tokens,
            });
        }
        Ok(out)
    }
}

/// The vocabulary ids of `texts` that are one token each in this model; the others are left
/// out.
fn single_token_ids(ctx: &WhisperContext, texts: &[&str]) -> Vec<i32> {
    let mut ids = Vec::new();
    for text in texts {
        if let Ok(t) = ctx.tokenize(text, 4) {
            if let [one] = t.as_slice() {
                if !ids.contains(one) {
                    ids.push(*one);
                }
            }
        }
    }
    ids
}

/// whisper.cpp counts time in 10 ms ticks.
fn ticks_to_s(t: i64) -> f64 {
    t as f64 / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use whisper_rs::whisper_rs_sys::whisper_token_data;

    const UM: i32 = 10;
    const UH: i32 = 11;
    const COMMA: i32 = 3;
    const EOT: i32 = 50;

    fn token(id: i32) -> whisper_token_data {
        // SAFETY: a plain C struct of numbers; all-zero is a valid value.
        let mut t: whisper_token_data = unsafe { std::mem::zeroed() };
        t.id = id;
        t
    }

    /// Runs the filter over zeroed logits after `so_far` and returns what it left.
    fn filtered(so_far: &[i32]) -> Vec<f32> {
        let vocab = Hesitations {
            fillers: vec![UM, UH],
            punct: vec![COMMA],
            eot: EOT,
            n_vocab: 60,
        };
        let bias = FillerBias {
            vocab: &vocab,
            boost: 3.0,
        };
        let tokens: Vec<whisper_token_data> = so_far.iter().map(|&id| token(id)).collect();
        let mut logits = vec![0.0f32; 60];
        unsafe {
            bias_fillers(
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                tokens.as_ptr(),
                tokens.len() as std::os::raw::c_int,
                logits.as_mut_ptr(),
                &bias as *const FillerBias as *mut std::ffi::c_void,
            )
        };
        logits
    }

    fn boosted(so_far: &[i32]) -> bool {
        let l = filtered(so_far);
        assert!(
            l.iter()
                .enumerate()
                .all(|(i, &v)| v == 0.0 || (i as i32 == UM || i as i32 == UH))
        );
        l[UM as usize] > 0.0 && l[UH as usize] > 0.0
    }

    #[test]
    fn hesitations_are_boosted_after_a_word() {
        assert!(boosted(&[20]));
        assert!(boosted(&[20, COMMA]), "punctuation is looked through");
        assert!(boosted(&[20, EOT + 5]), "timestamps are looked through");
        assert_eq!(filtered(&[20])[UM as usize], 3.0);
    }

    #[test]
    fn no_boost_at_the_start_or_after_a_hesitation() {
        assert!(!boosted(&[]), "the first word of a window");
        assert!(
            !boosted(&[EOT + 1, COMMA]),
            "only specials and punctuation so far"
        );
        assert!(!boosted(&[20, UM]));
        assert!(
            !boosted(&[20, UH, COMMA, EOT + 7]),
            "a hesitation, then punctuation"
        );
    }
}
