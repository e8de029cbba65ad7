//! The whisper.cpp engine: loading a ggml model and running full decoding over 16 kHz audio.

use std::path::{Path, PathBuf};

use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters,
};

use super::TimestampMethod;
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
}

/// A loaded model, reusable for many files; clones share it (the live recorder's worker thread
/// decodes with the same model the command loaded).
#[derive(Clone)]
pub struct Engine {
    ctx: std::sync::Arc<WhisperContext>,
    dtw: bool,
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
        Ok(Engine {
            ctx: std::sync::Arc::new(ctx),
            dtw: opts.dtw_preset.is_some(),
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

/// whisper.cpp counts time in 10 ms ticks.
fn ticks_to_s(t: i64) -> f64 {
    t as f64 / 100.0
}
