//! Converts a CTranslate2 (faster-whisper) Whisper model directory into a whisper.cpp ggml
//! model file (`rehearse model import DIR`), optionally quantizing its matrices to q8_0.

mod error;
mod mel;
mod tensors;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

pub use error::ConvertError;
pub use mel::mel_filters;
use tensors::{plan_tensors, write_tensor_data};

use super::ct2::{self, Ct2Error, Ct2Model};
use super::ggml::{self, GgmlWriter, Hparams, MelFilters, ModelFileError, N_FFT_BINS, TensorType};

/// Whisper's audio front end: 16 kHz samples, 400-sample FFT window.
const SAMPLE_RATE: f64 = 16_000.0;
const N_FFT: usize = 400;

/// Tokens written to the file: ids 0..=50256. whisper.cpp derives the special tokens from
/// `n_vocab` itself.
const N_BASE_TOKENS: usize = 50257;

/// Quantization applied to the big matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantization {
    /// ggml q8_0: blocks of 32 values sharing one f16 scale; about half the size of f16.
    Q8_0,
}

impl Quantization {
    /// The ggml tensor type it produces.
    pub fn tensor_type(self) -> TensorType {
        match self {
            Quantization::Q8_0 => TensorType::Q8_0,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Quantization::Q8_0 => "q8_0",
        }
    }
}

impl fmt::Display for Quantization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unsupported `--quantize` value.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "unknown quantization '{0}': the supported value is q8_0 (leave the option out to keep f16)"
)]
pub struct ParseQuantizationError(pub String);

impl FromStr for Quantization {
    type Err = ParseQuantizationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "q8_0" => Ok(Quantization::Q8_0),
            _ => Err(ParseQuantizationError(s.into())),
        }
    }
}

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// `None` keeps the matrices in f16.
    pub quantize: Option<Quantization>,
    /// Replace an existing output file.
    pub force: bool,
}

/// What an import produced.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    /// The model file written.
    pub out: PathBuf,
    /// Tensors written.
    pub n_tensors: usize,
    /// Size of the file written, in bytes.
    pub bytes: u64,
    pub hparams: Hparams,
    /// CTranslate2 types of the weights read, e.g. `["float16"]`.
    pub source_dtypes: Vec<String>,
    pub quantize: Option<Quantization>,
    pub elapsed: Duration,
}

/// whisper.cpp's file name for such a model: `ggml-tiny.en.bin`, `ggml-base.bin`,
/// `ggml-base-q8_0.bin`.
pub fn suggested_file_name(hparams: &Hparams, quantize: Option<Quantization>) -> String {
    match quantize {
        Some(q) => format!("ggml-{}-{q}.bin", hparams.model_name()),
        None => format!("ggml-{}.bin", hparams.model_name()),
    }
}

/// The hyperparameters the import of `dir` would write (with `ftype` f16), read from
/// `model.bin`'s headers without loading its weights.
pub fn read_hparams(dir: &Path) -> Result<Hparams, ConvertError> {
    let model = Ct2Model::open_headers(dir)?;
    whisper_hparams(&model, TensorType::F16)
}

/// Converts the CTranslate2 Whisper model in `dir` into the whisper.cpp model file `out`.
///
/// The file is written under a temporary name (a hidden `.NAME.PID.partial` beside `out`),
/// checked with [`ggml::inspect`], and only then renamed to `out`, so a failure or crash never
/// leaves a file that looks like a model. An existing `out` is refused unless `opts.force`.
///
/// `progress(done, total)` counts bytes of the source `model.bin` (all parts together) twice
/// over: `done` runs from 0 to half of `total` while `model.bin` is read, and on to `total`
/// while tensors are converted and written (that half scaled to the same size). `total` does
/// not change during an import.
pub fn import_ct2_dir(
    dir: &Path,
    out: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportSummary, ConvertError> {
    let start = Instant::now();
    if out.is_dir() {
        let suggested = read_hparams(dir)
            .map(|h| suggested_file_name(&h, opts.quantize))
            .unwrap_or_else(|_| "ggml-MODEL.bin".into());
        return Err(ConvertError::OutputIsDirectory {
            path: out.into(),
            suggested,
        });
    }
    if out.exists() && !opts.force {
        return Err(ConvertError::OutputExists { path: out.into() });
    }
    // What an import killed before it could clean up left behind.
    remove_stale_partials(out);
    // Cheap checks first, so that a wrong directory fails before a large model is read.
    let files = ct2::model_files(dir)?;
    let vocab = ct2::read_vocabulary(dir)?;
    let config = ct2::read_config(dir)?;
    let mut source_size = 0u64;
    for f in &files {
        source_size += fs::metadata(f)
            .map_err(|source| Ct2Error::Io {
                path: f.clone(),
                source,
            })?
            .len();
    }
    let total = source_size.max(1) * 2;
    progress(0, total);

    let half = total / 2;
    let model = Ct2Model::open(dir, &mut |done, size| {
        progress(scale(done, size, half), total)
    })?;
    let wtype = opts
        .quantize
        .map(Quantization::tensor_type)
        .unwrap_or(TensorType::F16);
    let hparams = whisper_hparams(&model, wtype)?;
    if let Some(c) = &config {
        // Nothing in it is written to the ggml file, but a config.json that does not fit the
        // weights means the folder is damaged or mixed up: refuse rather than guess.
        c.check(
            hparams.n_vocab as usize,
            hparams.n_text_layer as usize,
            hparams.n_text_head as usize,
        )
        .map_err(|reason| Ct2Error::BadConfig {
            path: dir.join("config.json"),
            reason,
        })?;
    }
    let vocab_bytes = vocabulary_bytes(&vocab, &hparams)?;
    let plan = plan_tensors(&model, &hparams)?;
    let mel = MelFilters {
        n_mel: hparams.n_mels as usize,
        n_fft: N_FFT_BINS,
        data: mel_filters(SAMPLE_RATE, N_FFT, hparams.n_mels as usize),
    };

    let out_size = ggml::header_size(&mel, &vocab_bytes)
        + plan
            .iter()
            .map(|p| {
                ggml::tensor_header_size(&p.spec.name, p.spec.shape.len())
                    + p.spec.ttype.data_size(&p.spec.shape).unwrap_or(0)
            })
            .sum::<u64>();

    let mut temp = TempFile::create(out)?;
    let write_err = |source: io::Error| ConvertError::Write {
        path: out.into(),
        source,
    };
    let file = temp
        .file
        .take()
        .ok_or_else(|| write_err(io::Error::other("temporary file already closed")))?;
    let mut w = GgmlWriter::new(
        BufWriter::with_capacity(1 << 20, file),
        &hparams,
        &mel,
        &vocab_bytes,
    )
    .map_err(write_err)?;
    let mut dtypes = BTreeSet::new();
    let mut buf = Vec::new();
    for p in &plan {
        let var = model
            .get(&p.var)
            .ok_or_else(|| ConvertError::MissingVariable {
                path: model.path.clone(),
                name: p.var.clone(),
            })?;
        dtypes.insert(var.dtype.name());
        w.begin_tensor(&p.spec.name, &p.spec.shape, p.spec.ttype)
            .map_err(write_err)?;
        write_tensor_data(&model, p, &mut w, &mut buf)?;
        progress(half + scale(w.bytes_written(), out_size, half), total);
    }
    let bytes = w.bytes_written();
    let writer = w.finish().map_err(write_err)?;
    let file = writer.into_inner().map_err(|e| write_err(e.into_error()))?;
    file.sync_all().map_err(write_err)?;
    drop(file);
    drop(model);

    let info = ggml::inspect(&temp.path).map_err(|source| ConvertError::Check {
        path: out.into(),
        source,
    })?;
    if info.tensor_count != plan.len() || info.file_size != bytes {
        return Err(ConvertError::Check {
            path: out.into(),
            source: ModelFileError::Layout {
                path: temp.path.clone(),
                reason: format!(
                    "{} tensors and {} bytes read back, {} and {bytes} written",
                    info.tensor_count,
                    info.file_size,
                    plan.len()
                ),
            },
        });
    }
    // Checked again because a conversion takes a while and someone may have created it since.
    if out.exists() && !opts.force {
        return Err(ConvertError::OutputExists { path: out.into() });
    }
    temp.persist(out)?;
    progress(total, total);
    Ok(ImportSummary {
        out: out.into(),
        n_tensors: plan.len(),
        bytes,
        hparams,
        source_dtypes: dtypes.into_iter().collect(),
        quantize: opts.quantize,
        elapsed: start.elapsed(),
    })
}

/// `done / of` of `to`, without overflow, capped at `to`.
fn scale(done: u64, of: u64, to: u64) -> u64 {
    let v = u128::from(done.min(of)) * u128::from(to) / u128::from(of.max(1));
    u64::try_from(v).unwrap_or(to)
}

/// The hidden name an import of `out` writes to first: `.NAME.PID.partial` beside `out`.
pub fn partial_path(out: &Path) -> PathBuf {
    partial_path_for(out, std::process::id())
}

fn partial_path_for(out: &Path, pid: u32) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.{pid}.partial"))
}

/// Removes the partial files that imports of `out` killed before they could clean up left
/// beside it (a process that is still running keeps its own); returns what was removed.
pub fn remove_stale_partials(out: &Path) -> Vec<PathBuf> {
    let Some(name) = out.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = format!(".{name}.");
    let mut removed = Vec::new();
    for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".partial"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        if fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// Whether a process with this id runs (signal 0 checks without sending anything).
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 sends nothing; it only reports whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// A file being written under a hidden temporary name, removed unless persisted.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
    keep: bool,
}

impl TempFile {
    fn create(out: &Path) -> Result<Self, ConvertError> {
        let name = out.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
            ConvertError::OutputIsDirectory {
                path: out.into(),
                suggested: "ggml-MODEL.bin".into(),
            }
        })?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|source| ConvertError::Write {
            path: parent.clone(),
            source,
        })?;
        let path = parent.join(format!(".{name}.{}.partial", std::process::id()));
        debug_assert_eq!(path, partial_path(out));
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .map_err(|source| ConvertError::Write {
                path: path.clone(),
                source,
            })?;
        Ok(TempFile {
            path,
            file: Some(file),
            keep: false,
        })
    }

    fn persist(mut self, out: &Path) -> Result<(), ConvertError> {
        fs::rename(&self.path, out).map_err(|source| ConvertError::Write {
            path: out.into(),
            source,
        })?;
        self.keep = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            self.file = None;
            // Nothing useful can be done if this fails; the name marks it as partial anyway.
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Whisper hyperparameters from the shapes of a CTranslate2 Whisper model.
fn whisper_hparams(model: &Ct2Model, wtype: TensorType) -> Result<Hparams, ConvertError> {
    let path = &model.path;
    match model.spec.as_deref() {
        Some(ct2::WHISPER_SPEC) => {}
        Some(other) => {
            return Err(ConvertError::NotWhisper {
                path: path.clone(),
                found: format!("its CTranslate2 spec is {other}"),
            });
        }
        // Binary version 1 stored no spec name: judge by the variables.
        None if model.get("encoder/conv1/weight").is_some() => {}
        None => {
            return Err(ConvertError::NotWhisper {
                path: path.clone(),
                found: "it has no encoder/conv1/weight".into(),
            });
        }
    }
    let shape_of = |name: &str, rank: usize, what: &str| -> Result<Vec<usize>, ConvertError> {
        let v = model
            .get(name)
            .ok_or_else(|| ConvertError::MissingVariable {
                path: path.clone(),
                name: name.into(),
            })?;
        if v.shape.len() != rank {
            return Err(ConvertError::BadShape {
                path: path.clone(),
                name: name.into(),
                shape: v.shape.clone(),
                expected: what.into(),
            });
        }
        Ok(v.shape.clone())
    };
    let conv1 = shape_of("encoder/conv1/weight", 3, "[width, n_mels, 3]")?;
    let enc_pos = shape_of("encoder/position_encodings/encodings", 2, "[1500, width]")?;
    let emb = shape_of("decoder/embeddings/weight", 2, "[n_vocab, width]")?;
    let dec_pos = shape_of("decoder/position_encodings/encodings", 2, "[448, width]")?;
    let d = conv1[0];
    let td = emb[1];
    if conv1[2] != 3 {
        return Err(ConvertError::BadShape {
            path: path.clone(),
            name: "encoder/conv1/weight".into(),
            shape: conv1,
            expected: "a kernel of 3".into(),
        });
    }
    for (name, shape, width) in [
        ("encoder/position_encodings/encodings", &enc_pos, d),
        ("decoder/position_encodings/encodings", &dec_pos, td),
    ] {
        if shape[1] != width {
            return Err(ConvertError::BadShape {
                path: path.clone(),
                name: name.into(),
                shape: shape.clone(),
                expected: format!("width {width}"),
            });
        }
    }
    let layers = |side: &str| {
        (0..)
            .take_while(|i| {
                model
                    .get(&format!("{side}/layer_{i}/self_attention/linear_0/weight"))
                    .is_some()
            })
            .count()
    };
    // Whisper's heads are 64 wide in every released size; older specs did not store the count.
    let heads = |side: &str, width: usize| {
        model
            .scalar_i64(&format!("{side}/num_heads"))
            .and_then(|h| usize::try_from(h).ok())
            .unwrap_or(width / 64)
    };
    let to_i32 = |v: usize, what: &str| {
        i32::try_from(v).map_err(|_| ConvertError::Implausible {
            path: path.clone(),
            reason: format!("{what} = {v}"),
        })
    };
    let h = Hparams {
        n_vocab: to_i32(emb[0], "n_vocab")?,
        n_audio_ctx: to_i32(enc_pos[0], "n_audio_ctx")?,
        n_audio_state: to_i32(d, "n_audio_state")?,
        n_audio_head: to_i32(heads("encoder", d), "n_audio_head")?,
        n_audio_layer: to_i32(layers("encoder"), "n_audio_layer")?,
        n_text_ctx: to_i32(dec_pos[0], "n_text_ctx")?,
        n_text_state: to_i32(td, "n_text_state")?,
        n_text_head: to_i32(heads("decoder", td), "n_text_head")?,
        n_text_layer: to_i32(layers("decoder"), "n_text_layer")?,
        n_mels: to_i32(conv1[1], "n_mels")?,
        ftype: wtype.file_ftype(),
    };
    h.check().map_err(|reason| ConvertError::Implausible {
        path: path.clone(),
        reason,
    })?;
    Ok(h)
}

/// Token bytes for ids 0..=50256, after checking the vocabulary belongs to this kind of model
/// (English-only models end their text tokens with `<|endoftext|>` at 50256, multilingual ones
/// have it at 50257).
fn vocabulary_bytes(vocab: &ct2::Vocabulary, h: &Hparams) -> Result<Vec<Vec<u8>>, ConvertError> {
    let mismatch = |reason: String| ConvertError::VocabularyMismatch {
        path: vocab.path.clone(),
        reason,
    };
    if vocab.tokens.len() < N_BASE_TOKENS {
        return Err(mismatch(format!(
            "it has {} tokens, but a Whisper vocabulary has at least {N_BASE_TOKENS}",
            vocab.tokens.len()
        )));
    }
    let eot = if h.is_english_only() { 50256 } else { 50257 };
    let kind = if h.is_english_only() {
        "English-only"
    } else {
        "multilingual"
    };
    if vocab.tokens.get(eot).map(String::as_str) != Some("<|endoftext|>") {
        return Err(mismatch(format!(
            "the model is {kind} (n_vocab {}) but token {eot} is not <|endoftext|>",
            h.n_vocab
        )));
    }
    Ok(vocab.tokens[..N_BASE_TOKENS]
        .iter()
        .map(|t| ct2::gpt2_token_bytes(t))
        .collect())
}
