//! The whisper.cpp engine: loading a ggml model and running full decoding over 16 kHz audio.

use std::path::{Path, PathBuf};

use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters, WhisperState,
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
    #[error("{0}")]
    Tuning(String),
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

/// Decoder settings that trade speed against accuracy, each chosen by measurement
/// (docs/measurements.md, "Transcription speed"). `REHEARSE_TUNING` overrides them so that the
/// table there can be measured again without a rebuild; it is for developers, not users:
/// `REHEARSE_TUNING=single_segment=0,fallback=1,audio_ctx=off,flash_attn=0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Decode each call as one window; when the decoder stops early, the rest is decoded in a
    /// call of its own (a shorter encoder pass only with `audio_ctx_margin`). Segments are still
    /// cut at Whisper's timestamp tokens.
    pub single_segment: bool,
    /// Decode a window again at a higher temperature when the first try looks like a failure.
    pub fallback: bool,
    /// Encoder context sized to the audio plus this many 20 ms frames (`None`: the full 30 s).
    pub audio_ctx_margin: Option<u32>,
    /// ggml's flash attention; with DTW on, the vendored whisper.cpp keeps it for self-attention
    /// only, since DTW reads the cross-attention weights (vendor/whisper-rs-sys/README.md).
    pub flash_attn: bool,
    /// Seconds a stretch runs before it is cut at the next pause ([`super::chunker`]); `None`
    /// for [`super::chunker::MIN_STRETCH_S`]. Live and offline cut alike, so the live
    /// transcript stays the offline one.
    pub min_stretch_s: Option<f64>,
    /// In one-window decoding, the decoder may not end the window at a timestamp that has at
    /// least this many seconds of speech (by energy) after it in the window; it goes on to
    /// decode them. `None`: it may, and the rest is decoded in a call of its own, which costs
    /// another full encoder pass.
    pub finish_s: Option<f32>,
}

/// The variable that overrides [`Tuning::DEFAULT`].
pub const TUNING_ENV: &str = "REHEARSE_TUNING";
/// Set, this variable makes every decode print its [`Passes`] on stderr (developers only).
pub const PASSES_ENV: &str = "REHEARSE_PASSES";

impl Tuning {
    pub const DEFAULT: Tuning = Tuning {
        // On: a 30 s real phone call went from 2 encoder passes and 5 decodes (3 of them
        // temperature fallbacks after whisper.cpp's re-encode from the last timestamp) to 1
        // and 1, 5.7 s -> 2.0 s, WER 0.338 -> 0.324, the dev set unchanged
        // (docs/measurements.md, "Every lever in one table").
        single_segment: true,
        fallback: true,
        audio_ctx_margin: None,
        flash_attn: true,
        min_stretch_s: None,
        // 1 s: the bundled sample's one early stop (1.7 s of speech left in a 27 s stretch)
        // no longer costs a second encoder pass, with the words unchanged; the dev set's WER
        // and fillers and every real-speech figure held, and a clip that ends in silence,
        // breath or laughter still ends where whisper.cpp ends it (docs/measurements.md,
        // "Every lever in one table").
        finish_s: Some(1.0),
    };

    /// The defaults with `spec`'s overrides (`key=value`, comma-separated).
    pub fn parse(spec: &str) -> Result<Tuning, String> {
        let mut t = Tuning::DEFAULT;
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}` is not key=value"))?;
            let flag = || match value {
                "1" | "on" | "true" => Ok(true),
                "0" | "off" | "false" => Ok(false),
                _ => Err(format!("{key}: `{value}` is not on/off")),
            };
            match key {
                "single_segment" => t.single_segment = flag()?,
                "fallback" => t.fallback = flag()?,
                "flash_attn" => t.flash_attn = flag()?,
                "min_stretch" => {
                    let secs: f64 = value.parse().map_err(|_| {
                        format!("min_stretch: `{value}` is not a number of seconds")
                    })?;
                    if !(1.0..=super::chunker::MAX_STRETCH_S).contains(&secs) {
                        return Err(format!(
                            "min_stretch: {secs} s is outside 1-{} s",
                            super::chunker::MAX_STRETCH_S
                        ));
                    }
                    t.min_stretch_s = Some(secs);
                }
                "finish" => {
                    t.finish_s = match value {
                        "off" => None,
                        n => {
                            let secs: f32 = n.parse().map_err(|_| {
                                format!("finish: `{n}` is not a number of seconds or off")
                            })?;
                            // Below 0.1 s any breath would keep the decoder going.
                            if !(0.1..=30.0).contains(&secs) {
                                return Err(format!("finish: {secs} s is outside 0.1-30 s"));
                            }
                            Some(secs)
                        }
                    }
                }
                "audio_ctx" => {
                    t.audio_ctx_margin = match value {
                        "off" | "full" => None,
                        n => Some(n.parse().map_err(|_| {
                            format!("audio_ctx: `{n}` is not a number of frames or off")
                        })?),
                    }
                }
                _ => return Err(format!("unknown setting `{key}`")),
            }
        }
        Ok(t)
    }

    /// [`Tuning::DEFAULT`] or what [`TUNING_ENV`] says.
    pub fn from_env() -> Result<Tuning, String> {
        match std::env::var(TUNING_ENV) {
            Ok(spec) => Tuning::parse(&spec).map_err(|e| format!("{TUNING_ENV}: {e}")),
            Err(_) => Ok(Tuning::DEFAULT),
        }
    }

    /// The encoder context for `n_samples` of 16 kHz audio (0 = whisper.cpp's full window).
    fn audio_ctx(&self, n_samples: usize) -> i32 {
        match self.audio_ctx_margin {
            None => 0,
            Some(margin) => {
                // 50 encoder frames a second; DTW needs at least the audio's own frames.
                let frames = n_samples.div_ceil(320) as u32 + margin;
                if frames >= FULL_AUDIO_CTX {
                    0
                } else {
                    frames as i32
                }
            }
        }
    }
}

/// Encoder frames in Whisper's 30 s window.
const FULL_AUDIO_CTX: u32 = 1500;

/// A loaded model, reusable for many files; clones share it (the live recorder's worker thread
/// decodes with the same model the command loaded).
#[derive(Clone)]
pub struct Engine {
    ctx: std::sync::Arc<WhisperContext>,
    dtw: bool,
    tuning: Tuning,
    hesitations: std::sync::Arc<Hesitations>,
    /// whisper.cpp states kept for the next decode: creating one allocates and faults in its
    /// compute buffers and caches again. Only a state whose decode sampled nothing at a raised
    /// temperature comes back here, because its random generator is then as new; every other
    /// field is reset by the next decode (results, caches, spectrogram, context length, and the
    /// past text, since `no_context` stays on), so a reused state decodes as a new one would.
    spare_states: std::sync::Arc<std::sync::Mutex<Vec<WhisperState>>>,
}

/// At most this many spare states are kept (the live recorder decodes stretches and previews
/// side by side).
const MAX_SPARE_STATES: usize = 2;

/// The parts of the model's vocabulary the filler boost needs, looked up once at load.
struct Hesitations {
    /// Single-token spellings of "um" and "uh".
    fillers: Vec<i32>,
    /// Punctuation, looked through when asking whether the last word was a hesitation.
    punct: Vec<i32>,
    /// The first special token; timestamps and the like are looked through too.
    eot: i32,
    /// The first timestamp token (0.00 s; each next one 20 ms later).
    token_beg: i32,
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

/// How much work whisper.cpp did for one `run`: the figures that decide its speed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Passes {
    /// Encoder passes (each one a whole window, whatever the audio's length).
    pub encoder: u32,
    /// Decoder runs from the first token: one per window plus one per temperature fallback.
    pub decoder: u32,
    /// Decoding steps (tokens sampled), over all decoder runs.
    pub steps: u32,
    /// Encoder frames (20 ms each) over all encoder passes: 1500 for a full 30 s window.
    pub encoder_frames: u32,
}

impl Passes {
    /// Decoder runs beyond one per window: temperature fallbacks.
    pub fn fallbacks(&self) -> u32 {
        self.decoder.saturating_sub(self.encoder)
    }
}

impl std::ops::AddAssign for Passes {
    fn add_assign(&mut self, o: Passes) {
        self.encoder += o.encoder;
        self.decoder += o.decoder;
        self.steps += o.steps;
        self.encoder_frames += o.encoder_frames;
    }
}

/// What whisper.cpp's callbacks read and write; lives on `run`'s stack for the whole decode.
struct FillerBias<'a> {
    vocab: &'a Hesitations,
    boost: f32,
    /// Seconds of speech in the window after each timestamp token (20 ms apart); empty
    /// unless [`Tuning::finish_s`] is on.
    speech_after: Vec<f32>,
    /// End-of-text is not allowed right after a timestamp with this much speech after it.
    finish_s: f32,
    passes: std::cell::Cell<Passes>,
}

/// whisper.cpp calls this before every encoder pass.
unsafe extern "C" fn count_encoder_pass(
    _ctx: *mut whisper_rs::whisper_rs_sys::whisper_context,
    _state: *mut whisper_rs::whisper_rs_sys::whisper_state,
    user_data: *mut std::ffi::c_void,
) -> bool {
    if !user_data.is_null() {
        // SAFETY: user_data is the `FillerBias` that `run` keeps alive until `full` returns.
        let hooks = unsafe { &*(user_data as *const FillerBias) };
        let mut p = hooks.passes.get();
        p.encoder += 1;
        hooks.passes.set(p);
    }
    true
}

/// whisper.cpp's logits filter, with two jobs. It makes hesitation tokens more likely: not as
/// the first word of a window (it replaced real words there on recorded speech) and not right
/// after a hesitation (a boosted filler fed on itself: one long "uhhh" became three "uh"s). And
/// it forbids end-of-text right after a timestamp with speech still ahead in the window
/// ([`Tuning::finish_s`]).
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
    // SAFETY: logits holds n_vocab floats (whisper.cpp's contract for this callback).
    let logits = unsafe { std::slice::from_raw_parts_mut(logits, bias.vocab.n_vocab) };
    let so_far = if n_tokens > 0 && !tokens.is_null() {
        // SAFETY: whisper.cpp passes the decoder's n_tokens tokens so far.
        unsafe { std::slice::from_raw_parts(tokens, n_tokens as usize) }
    } else {
        &[]
    };
    let mut p = bias.passes.get();
    p.steps += 1;
    if so_far.is_empty() {
        p.decoder += 1;
    }
    bias.passes.set(p);
    if let Some(last) = so_far.last() {
        let speech_left = usize::try_from(last.id - bias.vocab.token_beg)
            .ok()
            .and_then(|k| bias.speech_after.get(k));
        if speech_left.is_some_and(|&s| s >= bias.finish_s) {
            if let Some(l) = logits.get_mut(bias.vocab.eot as usize) {
                *l = f32::NEG_INFINITY;
            }
        }
    }
    if bias.boost == 0.0 || !bias.vocab.boost_after(so_far) {
        return;
    }
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
        let tuning = Tuning::from_env().map_err(EngineError::Tuning)?;
        let mut params = WhisperContextParameters::default();
        params.flash_attn(tuning.flash_attn);
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
            token_beg: ctx.token_beg(),
            n_vocab: ctx.n_vocab().max(0) as usize,
        };
        Ok(Engine {
            ctx: std::sync::Arc::new(ctx),
            dtw: opts.dtw_preset.is_some(),
            tuning,
            hesitations: std::sync::Arc::new(hesitations),
            spare_states: std::sync::Arc::new(std::sync::Mutex::new(Vec::new())),
        })
    }

    /// Whether DTW timestamps were enabled at load time.
    pub fn has_dtw(&self) -> bool {
        self.dtw
    }

    /// Decodes `samples` (16 kHz mono). `progress` gets 0..=100; `abort` is polled by
    /// whisper.cpp between steps and stops decoding when it returns true.
    ///
    /// Audio that fits one window is decoded as one window ([`Tuning::single_segment`]). When
    /// the decoder then stops at a timestamp before the end of the audio, the rest is decoded
    /// on its own, with the text so far as its prompt: what whisper.cpp's own seeking does,
    /// except that with an `audio_ctx` margin the encoder hears only the rest, not another
    /// 30 s window.
    pub fn run(
        &self,
        samples: &[f32],
        opts: &DecodeOptions,
        progress: Option<Box<dyn FnMut(i32)>>,
        abort: Option<Box<dyn FnMut() -> bool>>,
    ) -> Result<Decoded, EngineError> {
        let one_window = self.tuning.single_segment && samples.len() <= WINDOW_SAMPLES;
        let mut progress = progress;
        let abort = abort.map(|a| std::rc::Rc::new(std::cell::RefCell::new(a)));
        // One boxed handle on the caller's abort callback per whisper.cpp call.
        let abort_handle = || {
            abort.as_ref().map(|a| {
                let a = a.clone();
                Box::new(move || (a.borrow_mut())()) as Box<dyn FnMut() -> bool>
            })
        };
        let mut from = 0usize;
        let mut prompt = match opts.prompt.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => Prompt::Text(p.to_string()),
            None => Prompt::None,
        };
        let mut all = Decoded {
            segments: Vec::new(),
            passes: Passes::default(),
        };
        loop {
            let part = &samples[from..];
            let plain = How {
                one_window,
                suppress_non_speech: false,
            };
            let mut once =
                self.decode_once(part, opts, &prompt, plain, progress.take(), abort_handle())?;
            if annotates_speech(&once.segments, part) {
                // Whisper sometimes writes "[Music]" over seconds of speech, after a long
                // prompt, and the words under it are lost: 2-8 s in 9 of 1,188 synthesized
                // answers, one of them a whole lesson (docs/measurements.md, "Stop 39").
                // Decoded again with non-speech tokens suppressed, it writes the words.
                let strict = How {
                    suppress_non_speech: true,
                    ..plain
                };
                let again = self.decode_once(part, opts, &prompt, strict, None, abort_handle())?;
                all.passes += once.passes;
                once = again;
            }
            let offset = from as f64 / f64::from(crate::audio::WHISPER_RATE);
            all.passes += once.passes;
            for mut seg in once.segments {
                seg.t0 += offset;
                seg.t1 += offset;
                for t in &mut seg.tokens {
                    t.t0 += offset;
                    t.t1 += offset;
                    if t.t_dtw >= 0.0 {
                        t.t_dtw += offset;
                    }
                }
                all.segments.push(seg);
            }
            let Some((open_at, tokens)) = once.open else {
                break;
            };
            let advance = (open_at * f64::from(crate::audio::WHISPER_RATE)) as usize;
            if !one_window
                || advance == 0
                || samples.len().saturating_sub(from + advance) < MIN_REST_SAMPLES
            {
                break;
            }
            from += advance;
            // whisper.cpp's rules for the prompt of the next window: the initial prompt and the
            // text so far, or none at all when less than 5 s is left (it confuses the decoder).
            prompt = if samples.len() - from < SHORT_REST_SAMPLES {
                Prompt::None
            } else {
                let mut t = match opts.prompt.as_deref().filter(|p| !p.is_empty()) {
                    Some(p) => self.ctx.tokenize(p, 1024).unwrap_or_default(),
                    None => Vec::new(),
                };
                t.extend(tokens);
                Prompt::Tokens(t)
            };
        }
        if std::env::var_os(PASSES_ENV).is_some() {
            // One line per call, for scripts/bench/passes.sh; never on by default.
            let p = all.passes;
            eprintln!(
                "rehearse-passes audio_s={:.2} encoder={} decoder={} fallbacks={} steps={} encoder_frames={}",
                samples.len() as f64 / f64::from(crate::audio::WHISPER_RATE),
                p.encoder,
                p.decoder,
                p.fallbacks(),
                p.steps,
                p.encoder_frames
            );
        }
        Ok(all)
    }

    /// One `whisper_full` call over `samples`.
    fn decode_once(
        &self,
        samples: &[f32],
        opts: &DecodeOptions,
        prompt: &Prompt,
        how: How,
        progress: Option<Box<dyn FnMut(i32)>>,
        abort: Option<Box<dyn FnMut() -> bool>>,
    ) -> Result<Once, EngineError> {
        let How {
            one_window,
            suppress_non_speech,
        } = how;
        // whisper.cpp aborts the whole process, not the call, when DTW word times meet audio
        // under 160 ms (a recording stopped at once); silence after it adds no words.
        let heard_s = samples.len() as f64 / f64::from(crate::audio::WHISPER_RATE);
        let padded;
        let samples = if self.dtw && samples.len() < DTW_MIN_SAMPLES {
            padded = with_silence(samples, DTW_MIN_SAMPLES);
            padded.as_slice()
        } else {
            samples
        };
        let spare = self.spare_states.lock().ok().and_then(|mut v| v.pop());
        let mut state = match spare {
            Some(state) => state,
            None => self
                .ctx
                .create_state()
                .map_err(|e| EngineError::Decode(e.to_string()))?,
        };
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
        fp.set_suppress_nst(suppress_non_speech);
        fp.set_single_segment(one_window);
        if !self.tuning.fallback {
            fp.set_temperature_inc(0.0);
        }
        // The caller's context (the live preview's short windows) before the tuning's.
        let audio_ctx = if opts.audio_ctx > 0 {
            opts.audio_ctx
        } else {
            self.tuning.audio_ctx(samples.len())
        };
        fp.set_audio_ctx(audio_ctx);
        match prompt {
            Prompt::Text(p) => fp.set_initial_prompt(p),
            Prompt::Tokens(t) => fp.set_tokens(t),
            Prompt::None => {}
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
        let boost = if self.hesitations.fillers.is_empty() {
            0.0
        } else {
            opts.filler_boost
        };
        let (speech_after, finish_s) = match self.tuning.finish_s {
            Some(secs) if one_window => (speech_after_timestamps(samples), secs),
            _ => (Vec::new(), f32::INFINITY),
        };
        let hooks = FillerBias {
            vocab: &self.hesitations,
            boost,
            speech_after,
            finish_s,
            passes: std::cell::Cell::new(Passes::default()),
        };
        let hooks_ptr = &hooks as *const FillerBias as *mut std::ffi::c_void;
        // SAFETY: `hooks` outlives `state.full` below, the only call that runs the callbacks.
        unsafe {
            fp.set_filter_logits_callback(Some(bias_fillers));
            fp.set_filter_logits_callback_user_data(hooks_ptr);
            fp.set_start_encoder_callback(Some(count_encoder_pass));
            fp.set_start_encoder_callback_user_data(hooks_ptr);
        }
        let result = state.full(fp, samples);
        if aborted.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(EngineError::Aborted);
        }
        result.map_err(|e| EngineError::Decode(e.to_string()))?;

        let eot = self.ctx.token_eot();
        let beg = self.ctx.token_beg();
        let audio_end = heard_s;
        let mut out = Vec::new();
        // In one-window decoding: every token so far (the next window's prompt), and whether
        // the decoder opened a segment with a timestamp and then stopped.
        let mut ids = Vec::new();
        let mut open = None;
        for seg in state.as_iter() {
            let mut cur = RawSegment {
                t0: ticks_to_s(seg.start_timestamp()),
                t1: ticks_to_s(seg.end_timestamp()),
                tokens: Vec::new(),
            };
            for i in 0..seg.n_tokens() {
                let Some(tok) = seg.get_token(i) else {
                    continue;
                };
                let id = tok.token_id();
                if id >= eot {
                    // Special and timestamp tokens carry no text. In one-window decoding
                    // whisper.cpp keeps Whisper's own segment boundaries, the timestamp
                    // tokens, inside its single segment: cut there as it would have.
                    if one_window && id >= beg {
                        ids.push(id);
                        let t = f64::from(id - beg) * 0.02;
                        if cur.tokens.is_empty() {
                            cur.t0 = t;
                            open = Some(t);
                        } else {
                            cur.t1 = t;
                            open = None;
                            let next = RawSegment {
                                t0: t,
                                t1: cur.t1,
                                tokens: Vec::new(),
                            };
                            out.push(std::mem::replace(&mut cur, next));
                        }
                    }
                    continue;
                }
                ids.push(id);
                open = None;
                let data = tok.token_data();
                let bytes = tok.to_bytes().map(|b| b.to_vec()).unwrap_or_default();
                cur.tokens.push(RawToken {
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
            if one_window {
                // The last segment runs to the end of the window, past the audio.
                cur.t1 = cur.t1.min(audio_end).max(cur.t0);
            }
            if !one_window || !cur.tokens.is_empty() {
                out.push(cur);
            }
        }
        let mut passes = hooks.passes.get();
        passes.encoder_frames = passes.encoder
            * if audio_ctx > 0 {
                audio_ctx as u32
            } else {
                FULL_AUDIO_CTX
            };
        if passes.fallbacks() == 0 {
            if let Ok(mut spare) = self.spare_states.lock() {
                if spare.len() < MAX_SPARE_STATES {
                    spare.push(state);
                }
            }
        }
        Ok(Once {
            segments: out,
            passes,
            open: open.map(|t| (t, ids)),
        })
    }
}

/// Whether a segment of `segments` (times relative to `samples`) holds a non-speech
/// annotation such as "[Music]" ([`RawSegment::has_annotation`]; its words, if any, are
/// decoded again with it) and runs over [`ANNOTATED_SPEECH_S`] or more of speech, by energy
/// ([`super::timing::detect_activity`]). "[BLANK_AUDIO]" over silence is left alone: decoded
/// again with such tokens suppressed, silence can come back as invented words.
fn annotates_speech(segments: &[RawSegment], samples: &[f32]) -> bool {
    let annotated: Vec<&RawSegment> = segments.iter().filter(|s| s.has_annotation()).collect();
    if annotated.is_empty() {
        return false;
    }
    let act = super::timing::detect_activity(samples, crate::audio::WHISPER_RATE);
    let frame = |t: f64| ((t / super::timing::FRAME_S).max(0.0) as usize).min(act.speech.len());
    annotated.iter().any(|seg| {
        let speech = act.speech[frame(seg.t0)..frame(seg.t1.max(seg.t0))]
            .iter()
            .filter(|&&s| s)
            .count() as f64
            * super::timing::FRAME_S;
        speech >= ANNOTATED_SPEECH_S
    })
}

/// Speech under an annotation that makes it worth decoding again: more than a breath or a
/// click, less than the least time one took in the 1,188 answers (1.7 s).
const ANNOTATED_SPEECH_S: f64 = 1.0;

/// Seconds of speech (by energy, [`super::timing::detect_activity`]) after each of a window's
/// timestamp tokens, 20 ms apart: whether the decoder that wants to stop there leaves words
/// undecoded, or only silence, breath or noise.
fn speech_after_timestamps(samples: &[f32]) -> Vec<f32> {
    let act = super::timing::detect_activity(samples, crate::audio::WHISPER_RATE);
    let per_ts = (0.02 / super::timing::FRAME_S).round() as usize;
    let mut after = vec![0.0f32; FULL_AUDIO_CTX as usize + 1];
    let mut acc = 0.0f32;
    for k in (0..after.len()).rev() {
        let frames = act
            .speech
            .get(k * per_ts..((k + 1) * per_ts).min(act.speech.len()));
        acc += frames.map_or(0, |f| f.iter().filter(|&&s| s).count()) as f32
            * super::timing::FRAME_S as f32;
        after[k] = acc;
    }
    after
}

/// Samples in Whisper's 30 s window.
const WINDOW_SAMPLES: usize = 30 * crate::audio::WHISPER_RATE as usize;
/// Less audio than this left after the decoder stopped is not decoded. whisper.cpp skips a rest
/// under 100 ms; one under [`DTW_MIN_SAMPLES`] is the breath after the last word, and decoding
/// it alone would need padding (stop 43: a 130 ms rest aborted the process).
const MIN_REST_SAMPLES: usize = DTW_MIN_SAMPLES;
/// Shortest audio whisper.cpp's DTW word times take without aborting the process: its median
/// filter (width 7) asserts more than 7 audio tokens of 20 ms each, so under 160 ms it calls
/// `abort()`. Twice that, for margin; shorter audio is padded with silence.
const DTW_MIN_SAMPLES: usize = crate::audio::WHISPER_RATE as usize * 32 / 100;

/// With less than this left, the rest is decoded without a prompt (whisper.cpp's 5 s).
const SHORT_REST_SAMPLES: usize = 5 * crate::audio::WHISPER_RATE as usize;

/// `samples` followed by silence up to `len` samples.
fn with_silence(samples: &[f32], len: usize) -> Vec<f32> {
    let mut v = samples.to_vec();
    v.resize(len.max(samples.len()), 0.0);
    v
}

/// What a decode is prompted with.
enum Prompt {
    None,
    Text(String),
    /// Token ids: the initial prompt's and the text decoded before.
    Tokens(Vec<i32>),
}

/// How one `whisper_full` call decodes.
#[derive(Debug, Clone, Copy)]
struct How {
    /// The audio fits one window and is decoded as one segment ([`Tuning::single_segment`]).
    one_window: bool,
    /// Non-speech tokens ("[", "(", music notes) are never written: the second try over speech
    /// that came back as "[Music]".
    suppress_non_speech: bool,
}

/// One `whisper_full` call's result.
struct Once {
    segments: Vec<RawSegment>,
    passes: Passes,
    /// Where the decoder opened a segment and stopped, with every token it wrote before.
    open: Option<(f64, Vec<i32>)>,
}

/// Whisper's segments for one `run`, and the work it took.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub segments: Vec<RawSegment>,
    pub passes: Passes,
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

    #[test]
    fn short_audio_is_padded_with_silence_and_long_audio_kept() {
        let short = with_silence(&[0.5, -0.5], DTW_MIN_SAMPLES);
        assert_eq!(short.len(), DTW_MIN_SAMPLES);
        assert_eq!(&short[..2], &[0.5, -0.5]);
        assert!(short[2..].iter().all(|&x| x == 0.0));
        let long = vec![0.25; DTW_MIN_SAMPLES + 3];
        assert_eq!(with_silence(&long, DTW_MIN_SAMPLES), long);
        // More than the 16 frames (160 ms) whisper.cpp's median filter needs.
        assert!(DTW_MIN_SAMPLES > crate::audio::WHISPER_RATE as usize * 16 / 100);
    }

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
            token_beg: EOT + 7,
            n_vocab: 60,
        };
        let bias = FillerBias {
            vocab: &vocab,
            boost: 3.0,
            speech_after: Vec::new(),
            finish_s: f32::INFINITY,
            passes: std::cell::Cell::new(Passes::default()),
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
    fn tuning_overrides_parse_strictly() {
        assert_eq!(Tuning::parse("").unwrap(), Tuning::DEFAULT);
        let t =
            Tuning::parse("single_segment=off, fallback=1,audio_ctx=128,flash_attn=on").unwrap();
        assert!(!t.single_segment && t.fallback && t.flash_attn);
        assert_eq!(t.audio_ctx_margin, Some(128));
        assert_eq!(
            Tuning::parse("audio_ctx=off").unwrap().audio_ctx_margin,
            None
        );
        assert_eq!(
            Tuning::parse("min_stretch=24").unwrap().min_stretch_s,
            Some(24.0)
        );
        assert_eq!(Tuning::parse("finish=off").unwrap().finish_s, None);
        assert_eq!(Tuning::parse("finish=0.5").unwrap().finish_s, Some(0.5));
        for bad in [
            "fallback",
            "fallback=maybe",
            "audio_ctx=-3",
            "speed=11",
            "min_stretch=40",
            "min_stretch=soon",
            "finish=-1",
            "finish=0",
            "finish=later",
        ] {
            assert!(Tuning::parse(bad).is_err(), "{bad}");
        }
    }

    /// 2 s of quiet noise, `tone_s` of a loud tone, 2 s of quiet noise, at 16 kHz.
    fn tone_between_noise(tone_s: usize, seed: u32) -> Vec<f32> {
        let rate = crate::audio::WHISPER_RATE as usize;
        let mut seed = seed;
        let mut noise = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 * 2e-3 - 1e-3
        };
        let mut samples: Vec<f32> = (0..2 * rate).map(|_| noise()).collect();
        samples.extend((0..tone_s * rate).map(|i| 0.3 * (i as f32 * 0.2).sin()));
        samples.extend((0..2 * rate).map(|_| noise()));
        samples
    }

    #[test]
    fn speech_after_a_timestamp_counts_only_sound_after_it() {
        let samples = tone_between_noise(1, 1);
        let after = speech_after_timestamps(&samples);
        assert_eq!(after.len(), FULL_AUDIO_CTX as usize + 1);
        // Timestamp k is k * 20 ms.
        assert!((after[0] - 1.0).abs() < 0.05, "{}", after[0]);
        assert!((after[75] - 1.0).abs() < 0.05, "{}", after[75]);
        assert!((after[125] - 0.5).abs() < 0.05, "{}", after[125]);
        assert!(after[160] < 0.05, "{}", after[160]);
        assert_eq!(after[1500], 0.0);
        assert!(after.windows(2).all(|w| w[0] >= w[1]));
        assert!(speech_after_timestamps(&[]).iter().all(|&s| s == 0.0));
    }

    #[test]
    fn an_annotation_over_speech_is_decoded_again_not_one_over_silence() {
        // The tone runs from 2 s to 4 s.
        let samples = tone_between_noise(2, 7);
        let seg = |text: &str, t0: f64, t1: f64| RawSegment {
            t0,
            t1,
            tokens: text
                .split_inclusive(' ')
                .map(|w| RawToken {
                    bytes: w.as_bytes().to_vec(),
                    p: 1.0,
                    t0,
                    t1,
                    t_dtw: -1.0,
                })
                .collect(),
        };
        assert!(annotates_speech(&[seg(" [Music]", 1.5, 4.5)], &samples));
        assert!(annotates_speech(
            &[seg(" It went out.", 0.0, 1.0), seg(" [Music]", 2.0, 4.0)],
            &samples
        ));
        // Over silence, or over under a second of speech, it is left alone.
        assert!(!annotates_speech(
            &[seg(" [BLANK_AUDIO]", 4.2, 6.0)],
            &samples
        ));
        assert!(!annotates_speech(&[seg(" [Music]", 3.5, 6.0)], &samples));
        // Words, however loud the audio under them, are not an annotation.
        assert!(!annotates_speech(&[seg(" The tone.", 2.0, 4.0)], &samples));
        assert!(!annotates_speech(&[], &samples));
    }

    #[test]
    fn the_encoder_context_covers_the_audio_and_its_margin() {
        let t = Tuning {
            audio_ctx_margin: Some(64),
            ..Tuning::DEFAULT
        };
        // 10 s = 500 frames of 20 ms, plus the margin.
        assert_eq!(t.audio_ctx(160_000), 564);
        assert_eq!(t.audio_ctx(160_001), 565);
        // Never past the model's own 30 s window (0 = whisper.cpp's full context).
        assert_eq!(t.audio_ctx(29 * 16_000), 0);
        let full = Tuning {
            audio_ctx_margin: None,
            ..Tuning::DEFAULT
        };
        assert_eq!(full.audio_ctx(16_000), 0);
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
