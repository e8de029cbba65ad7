//! Converts a CTranslate2 (faster-whisper) Whisper model directory into a whisper.cpp ggml
//! model file (`rehearse model import DIR`), optionally quantizing its matrices to q8_0.

use std::collections::BTreeSet;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use half::f16;

use super::ct2::{self, Ct2Error, Ct2Model, DType};
use super::ggml::{
    self, GgmlWriter, Hparams, MelFilters, ModelFileError, N_FFT_BINS, Q8_0_BLOCK, TensorSpec,
    TensorType,
};

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

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    #[error(transparent)]
    Source(#[from] Ct2Error),

    #[error(
        "{}: not a Whisper model ({found}); `rehearse model import` converts CTranslate2 Whisper \
         models such as faster-whisper's",
        path.display()
    )]
    NotWhisper { path: PathBuf, found: String },

    #[error(
        "{}: variable {name} is missing; the model is incomplete or not a Whisper model",
        path.display()
    )]
    MissingVariable { path: PathBuf, name: String },

    #[error(
        "{}: variable {name} has shape {shape:?}, expected {expected}; the model is damaged or \
         not a standard Whisper model",
        path.display()
    )]
    BadShape {
        path: PathBuf,
        name: String,
        shape: Vec<usize>,
        expected: String,
    },

    #[error(
        "{}: the model's shape is not one whisper.cpp can run: {reason}",
        path.display()
    )]
    Implausible { path: PathBuf, reason: String },

    #[error(
        "{}: variable {name} is stored as {dtype}, which cannot be converted; re-export the \
         model with CTranslate2's float16, float32 or int8 quantization",
        path.display()
    )]
    UnsupportedDtype {
        path: PathBuf,
        name: String,
        dtype: String,
    },

    #[error(
        "{}: the vocabulary does not fit the model: {reason}; use the vocabulary file that came \
         with this model",
        path.display()
    )]
    VocabularyMismatch { path: PathBuf, reason: String },

    #[error(
        "{}: {name} has rows of {row_len} values, which do not split into q8_0 blocks of 32; \
         import without --quantize",
        path.display()
    )]
    NotQuantizable {
        path: PathBuf,
        name: String,
        row_len: usize,
    },

    #[error(
        "{} already exists; pass --force to replace it, or choose another output path",
        path.display()
    )]
    OutputExists { path: PathBuf },

    #[error(
        "{} is a directory; give the path of the model file to create, such as {}",
        path.display(),
        path.join(suggested).display()
    )]
    OutputIsDirectory { path: PathBuf, suggested: String },

    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "the converted file {} failed its own check; this is a bug in rehearse's converter, \
         please report it",
        path.display()
    )]
    Check {
        path: PathBuf,
        #[source]
        source: ModelFileError,
    },
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
    // Cheap checks first, so that a wrong directory fails before a large model is read.
    let files = ct2::model_files(dir)?;
    let vocab = ct2::read_vocabulary(dir)?;
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

/// One output tensor and where its values come from.
struct Planned {
    spec: TensorSpec,
    var: String,
    rows: Range<usize>,
}

/// Where a whisper.cpp tensor comes from in a CTranslate2 model.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Source {
    var: String,
    /// For one part of a fused projection: its rows, and the fused variable's row count.
    fused: Option<FusedRows>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct FusedRows {
    rows: Range<usize>,
    total: usize,
}

fn fused(rows: Range<usize>, total: usize) -> FusedRows {
    FusedRows { rows, total }
}

/// The CTranslate2 variable behind a whisper.cpp tensor name, and which of its rows. Key biases have no source: CTranslate2
/// stores zeros there, and a bias on the keys shifts every attention score of a query by the
/// same amount, which softmax ignores, so whisper.cpp has none.
fn ct2_source(name: &str, d: usize) -> Option<Source> {
    let ln = |param: &str| match param {
        "weight" => Some("gamma"),
        "bias" => Some("beta"),
        _ => None,
    };
    let whole = |var: String| Some(Source { var, fused: None });
    match name {
        "encoder.positional_embedding" => {
            return whole("encoder/position_encodings/encodings".into());
        }
        "decoder.positional_embedding" => {
            return whole("decoder/position_encodings/encodings".into());
        }
        "decoder.token_embedding.weight" => return whole("decoder/embeddings/weight".into()),
        _ => {}
    }
    let (module, param) = name.rsplit_once('.')?;
    match module {
        "encoder.conv1" | "encoder.conv2" => {
            return whole(format!("{}/{param}", module.replace('.', "/")));
        }
        "encoder.ln_post" => return whole(format!("encoder/layer_norm/{}", ln(param)?)),
        "decoder.ln" => return whole(format!("decoder/layer_norm/{}", ln(param)?)),
        _ => {}
    }
    let (side, rest) = module.split_once(".blocks.")?;
    let (layer, sub) = rest.split_once('.')?;
    let layer: usize = layer.parse().ok()?;
    let prefix = format!("{side}/layer_{layer}");
    let (target, rows) = match sub {
        "mlp_ln" => return whole(format!("{prefix}/ffn/layer_norm/{}", ln(param)?)),
        "attn_ln" => return whole(format!("{prefix}/self_attention/layer_norm/{}", ln(param)?)),
        "cross_attn_ln" => return whole(format!("{prefix}/attention/layer_norm/{}", ln(param)?)),
        "mlp.0" => ("ffn/linear_0", None),
        "mlp.2" => ("ffn/linear_1", None),
        "attn.query" => ("self_attention/linear_0", Some(fused(0..d, 3 * d))),
        "attn.key" => ("self_attention/linear_0", Some(fused(d..2 * d, 3 * d))),
        "attn.value" => ("self_attention/linear_0", Some(fused(2 * d..3 * d, 3 * d))),
        "attn.out" => ("self_attention/linear_1", None),
        "cross_attn.query" => ("attention/linear_0", None),
        "cross_attn.key" => ("attention/linear_1", Some(fused(0..d, 2 * d))),
        "cross_attn.value" => ("attention/linear_1", Some(fused(d..2 * d, 2 * d))),
        "cross_attn.out" => ("attention/linear_2", None),
        _ => return None,
    };
    Some(Source {
        var: format!("{prefix}/{target}/{param}"),
        fused: rows,
    })
}

/// Maps every tensor of the layout to its source and checks shapes and types before any file
/// is created.
fn plan_tensors(model: &Ct2Model, h: &Hparams) -> Result<Vec<Planned>, ConvertError> {
    let path = &model.path;
    let layout = h.tensor_layout().ok_or_else(|| ConvertError::Implausible {
        path: path.clone(),
        reason: format!("ftype {}", h.ftype),
    })?;
    let d = h.n_text_state as usize;
    let mut plan = Vec::with_capacity(layout.len());
    for spec in layout {
        let Source {
            var: var_name,
            fused: rows,
        } = ct2_source(&spec.name, d).ok_or_else(|| ConvertError::Implausible {
            path: path.clone(),
            reason: format!("no CTranslate2 source known for {}", spec.name),
        })?;
        let var = model
            .get(&var_name)
            .ok_or_else(|| ConvertError::MissingVariable {
                path: path.clone(),
                name: var_name.clone(),
            })?;
        let bad_shape = |expected: String| ConvertError::BadShape {
            path: path.clone(),
            name: var_name.clone(),
            shape: var.shape.clone(),
            expected,
        };
        let rows = match rows {
            Some(FusedRows { rows, total }) => {
                if var.rows() != total {
                    return Err(bad_shape(format!("{total} rows (fused projections)")));
                }
                rows
            }
            None => 0..var.rows(),
        };
        // The slice must have the tensor's shape; conv biases gain a trailing 1 in whisper.cpp.
        let mut slice_shape = var.shape.clone();
        if let Some(first) = slice_shape.first_mut() {
            *first = rows.len();
        }
        let fits = slice_shape == spec.shape
            || (spec.shape.len() == 2 && spec.shape[1] == 1 && slice_shape == spec.shape[..1]);
        if !fits {
            return Err(bad_shape(format!("{:?} for {}", spec.shape, spec.name)));
        }
        match var.dtype {
            DType::F32 | DType::F16 | DType::BF16 => {}
            DType::I8 | DType::I16 => {
                let scale = format!("{var_name}_scale");
                if model.get(&scale).is_none() {
                    return Err(ConvertError::MissingVariable {
                        path: path.clone(),
                        name: scale,
                    });
                }
            }
            other => {
                return Err(ConvertError::UnsupportedDtype {
                    path: path.clone(),
                    name: var_name,
                    dtype: other.name(),
                });
            }
        }
        if spec.ttype == TensorType::Q8_0 {
            let row_len = *spec.shape.last().unwrap_or(&0);
            if row_len % Q8_0_BLOCK != 0 {
                return Err(ConvertError::NotQuantizable {
                    path: path.clone(),
                    name: spec.name,
                    row_len,
                });
            }
        }
        plan.push(Planned {
            spec,
            var: var_name,
            rows,
        });
    }
    Ok(plan)
}

/// Converts one tensor's rows in chunks, so at most a few MB are held beside the source model.
fn write_tensor_data<W: io::Write>(
    model: &Ct2Model,
    p: &Planned,
    w: &mut GgmlWriter<W>,
    buf: &mut Vec<u8>,
) -> Result<(), ConvertError> {
    let write_err = |source| ConvertError::Write {
        path: model.path.clone(),
        source,
    };
    let var = model
        .get(&p.var)
        .ok_or_else(|| ConvertError::MissingVariable {
            path: model.path.clone(),
            name: p.var.clone(),
        })?;
    let row_len = var.row_len();
    // f16 stays bit for bit.
    if var.dtype == DType::F16 && p.spec.ttype == TensorType::F16 {
        let bytes = &var.data[p.rows.start * row_len * 2..p.rows.end * row_len * 2];
        return w.write_data(bytes).map_err(write_err);
    }
    let chunk_rows = ((1 << 20) / row_len.max(1)).max(1);
    let mut start = p.rows.start;
    while start < p.rows.end {
        let end = (start + chunk_rows).min(p.rows.end);
        let values = model.rows_f32(&p.var, start..end)?;
        buf.clear();
        match p.spec.ttype {
            TensorType::F32 => buf.extend(values.iter().flat_map(|x| x.to_le_bytes())),
            TensorType::F16 => {
                buf.extend(values.iter().flat_map(|x| f16::from_f32(*x).to_le_bytes()))
            }
            TensorType::Q8_0 => ggml::quantize_q8_0(&values, buf),
            other => {
                return Err(ConvertError::Implausible {
                    path: model.path.clone(),
                    reason: format!("{} would need {other}, which is not written", p.spec.name),
                });
            }
        }
        w.write_data(buf).map_err(write_err)?;
        start = end;
    }
    Ok(())
}

/// The mel filter bank of librosa's `filters.mel(sr, n_fft, n_mels)` with its defaults (Slaney
/// mel scale, Slaney area normalisation, 0 Hz to sr/2), `n_mels` rows of `n_fft / 2 + 1` values.
///
/// Computed in f64 and rounded to f32 at the same two points as librosa (its weight matrix is
/// f32 before the normalisation multiply), which reproduces OpenAI's `mel_filters.npz` bit for
/// bit.
pub fn mel_filters(sample_rate: f64, n_fft: usize, n_mels: usize) -> Vec<f32> {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let logstep = 6.4f64.ln() / 27.0;
    let hz_to_mel = |f: f64| {
        if f >= MIN_LOG_HZ {
            min_log_mel + (f / MIN_LOG_HZ).ln() / logstep
        } else {
            f / F_SP
        }
    };
    let mel_to_hz = |m: f64| {
        if m >= min_log_mel {
            MIN_LOG_HZ * (logstep * (m - min_log_mel)).exp()
        } else {
            F_SP * m
        }
    };
    let n_bins = n_fft / 2 + 1;
    // numpy's rfftfreq: k / (n * d) with d = 1 / sr.
    let bin_hz = 1.0 / (n_fft as f64 * (1.0 / sample_rate));
    let fft_freqs: Vec<f64> = (0..n_bins).map(|k| k as f64 * bin_hz).collect();
    // numpy's linspace: start + i * step, with the end point set exactly.
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(sample_rate / 2.0));
    let step = (hi - lo) / (n_mels + 1) as f64;
    let mel_f: Vec<f64> = (0..n_mels + 2)
        .map(|i| {
            if i == n_mels + 1 {
                mel_to_hz(hi)
            } else {
                mel_to_hz(i as f64 * step + lo)
            }
        })
        .collect();
    let mut out = Vec::with_capacity(n_mels * n_bins);
    for i in 0..n_mels {
        let enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
        for &f in &fft_freqs {
            let lower = -(mel_f[i] - f) / (mel_f[i + 1] - mel_f[i]);
            let upper = (mel_f[i + 2] - f) / (mel_f[i + 2] - mel_f[i + 1]);
            // Clamping keeps -0.0 (the first weight of the first filter), as the numpy build
            // that made OpenAI's reference file did; the sign is harmless but keeps the bank
            // bit-identical to it.
            let m = if lower <= upper { lower } else { upper };
            let w = if m < 0.0 { 0.0 } else { m as f32 };
            out.push((f64::from(w) * enorm) as f32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ct2::test_support::*;
    use crate::model::ggml::{GgmlTensor, read_header, read_tensors};
    use std::collections::HashMap;

    // ---- mel filters -------------------------------------------------------------------

    /// FNV-1a over little-endian f32 bytes.
    fn fnv1a(values: &[f32]) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for b in values.iter().flat_map(|x| x.to_le_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    }

    #[test]
    fn mel_filters_match_librosa() {
        // Reference: OpenAI whisper's assets/mel_filters.npz (made with librosa), read on the
        // development machine: hashes of the whole arrays and some values with their bits.
        let m80 = mel_filters(16_000.0, 400, 80);
        assert_eq!(m80.len(), 80 * 201);
        let at = |m: &[f32], r: usize, c: usize| m[r * 201 + c];
        let exact: [(usize, usize, u32); 8] = [
            (0, 1, 0x3ccb_aca4),
            (1, 1, 0x3b02_7873),
            (1, 2, 0x3cbb_5d95),
            (40, 42, 0x3bb1_4fa3),
            (40, 43, 0x3c71_6d72),
            (40, 44, 0x3bd5_968a),
            (79, 186, 0x39c0_473c),
            (79, 199, 0x39eb_476a),
        ];
        for (r, c, bits) in exact {
            assert_eq!(at(&m80, r, c).to_bits(), bits, "mel_80[{r}][{c}]");
        }
        assert_eq!(m80.iter().filter(|&&x| x != 0.0).count(), 391);
        let total: f64 = m80.iter().map(|&x| f64::from(x)).sum();
        assert!((total - 1.999_024_092_387_117).abs() < 1e-9, "{total}");
        let row0: f64 = m80[..201].iter().map(|&x| f64::from(x)).sum();
        assert!((row0 - 0.024_862_594_902_515_41).abs() < 1e-12);
        let peaks = [
            1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 20,
        ];
        for (r, &p) in peaks.iter().enumerate() {
            let row = &m80[r * 201..(r + 1) * 201];
            let argmax = (0..201).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
            assert_eq!(argmax, p, "peak of row {r}");
        }
        assert_eq!(
            fnv1a(&m80),
            0x173a_8442_ad00_0426,
            "mel_80 differs from librosa"
        );

        let m128 = mel_filters(16_000.0, 400, 128);
        assert_eq!(at(&m128, 0, 1).to_bits(), 0x3c4a_bc43);
        assert_eq!(at(&m128, 64, 43).to_bits(), 0x3c94_34aa);
        assert_eq!(at(&m128, 127, 195).to_bits(), 0x3ba5_3405);
        assert_eq!(
            fnv1a(&m128),
            0x4319_6325_f8f5_1341,
            "mel_128 differs from librosa"
        );
    }

    // ---- small API pieces --------------------------------------------------------------

    #[test]
    fn quantization_parses() {
        assert_eq!("q8_0".parse::<Quantization>().unwrap(), Quantization::Q8_0);
        assert_eq!("Q8_0".parse::<Quantization>().unwrap(), Quantization::Q8_0);
        let e = "q4_0".parse::<Quantization>().unwrap_err().to_string();
        assert!(e.contains("'q4_0'") && e.contains("q8_0"), "{e}");
        assert_eq!(Quantization::Q8_0.to_string(), "q8_0");
    }

    #[test]
    fn file_names() {
        let mut h = Hparams {
            n_vocab: 51864,
            n_audio_ctx: 1500,
            n_audio_state: 384,
            n_audio_head: 6,
            n_audio_layer: 4,
            n_text_ctx: 448,
            n_text_state: 384,
            n_text_head: 6,
            n_text_layer: 4,
            n_mels: 80,
            ftype: 1,
        };
        assert_eq!(suggested_file_name(&h, None), "ggml-tiny.en.bin");
        (h.n_vocab, h.n_audio_layer, h.n_audio_state) = (51865, 6, 512);
        assert_eq!(suggested_file_name(&h, None), "ggml-base.bin");
        assert_eq!(
            suggested_file_name(&h, Some(Quantization::Q8_0)),
            "ggml-base-q8_0.bin"
        );
    }

    #[test]
    fn source_mapping() {
        let cases = [
            ("encoder.conv1.bias", "encoder/conv1/bias", None),
            ("encoder.ln_post.weight", "encoder/layer_norm/gamma", None),
            ("decoder.ln.bias", "decoder/layer_norm/beta", None),
            (
                "encoder.blocks.3.attn.key.weight",
                "encoder/layer_3/self_attention/linear_0/weight",
                Some((8..16, 24)),
            ),
            (
                "decoder.blocks.0.cross_attn.value.bias",
                "decoder/layer_0/attention/linear_1/bias",
                Some((8..16, 16)),
            ),
            (
                "decoder.blocks.1.cross_attn_ln.weight",
                "decoder/layer_1/attention/layer_norm/gamma",
                None,
            ),
            (
                "decoder.blocks.1.mlp.2.weight",
                "decoder/layer_1/ffn/linear_1/weight",
                None,
            ),
        ];
        for (name, var, rows) in cases {
            let want = Source {
                var: var.to_string(),
                fused: rows.map(|(r, t)| fused(r, t)),
            };
            assert_eq!(ct2_source(name, 8), Some(want), "{name}");
        }
        assert_eq!(ct2_source("encoder.blocks.x.attn.key.weight", 8), None);
    }

    // ---- synthetic CTranslate2 models --------------------------------------------------

    const D: usize = 64;
    const N_MELS: usize = 80;
    const N_VOCAB: usize = 51864;
    const AUDIO_CTX: usize = 12;
    const TEXT_CTX: usize = 8;

    /// Deterministic pseudo-random values in about [-scale, scale].
    fn values(seed: u64, n: usize, scale: f32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
            })
            .collect()
    }

    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Variant {
        F32,
        F16,
        Int8,
    }

    /// The float values of every synthetic variable, as the test knows them (after the
    /// source's own rounding, i.e. what a reader must recover).
    struct Synthetic {
        bytes: Vec<u8>,
        truth: HashMap<String, (Vec<usize>, Vec<f32>)>,
    }

    fn synthetic(variant: Variant) -> Synthetic {
        let mut b = Ct2Builder::new(6);
        let mut truth = HashMap::new();
        let mut seed = 1;
        let mut add = |b: &mut Ct2Builder, name: &str, shape: &[usize]| {
            seed += 1;
            let n: usize = shape.iter().product();
            let v = values(seed, n, 0.5);
            let is_matrix = shape.len() >= 2 && !name.contains("position_encodings");
            // One int16 and one bf16 variable in every variant.
            if name == "encoder/conv2/weight" {
                let scale = 1000.0f32;
                let q: Vec<i16> = v.iter().map(|x| (x * scale).round() as i16).collect();
                let back = q.iter().map(|&x| f32::from(x) / scale).collect();
                b.add(
                    name,
                    shape,
                    DType::I16,
                    q.iter().flat_map(|x| x.to_le_bytes()).collect(),
                );
                b.add(
                    &format!("{name}_scale"),
                    &[],
                    DType::F32,
                    f32_bytes(&[scale]),
                );
                truth.insert(name.to_string(), (shape.to_vec(), back));
                return;
            }
            if name == "decoder/layer_norm/gamma" {
                let back: Vec<f32> = v
                    .iter()
                    .map(|x| f32::from_bits(x.to_bits() & 0xffff_0000))
                    .collect();
                b.add(name, shape, DType::BF16, bf16_bytes(&back));
                truth.insert(name.to_string(), (shape.to_vec(), back));
                return;
            }
            let back = match variant {
                Variant::F32 => {
                    b.add(name, shape, DType::F32, f32_bytes(&v));
                    v
                }
                Variant::F16 => {
                    b.add(name, shape, DType::F16, f16_bytes(&v));
                    v.iter().map(|x| f16::from_f32(*x).to_f32()).collect()
                }
                Variant::Int8 if is_matrix => {
                    let rows = shape[0];
                    let row_len = n / rows;
                    let mut q = Vec::with_capacity(n);
                    let mut scales = Vec::with_capacity(rows);
                    let mut back = Vec::with_capacity(n);
                    for row in v.chunks(row_len) {
                        let amax = row.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-6);
                        let scale = 127.0 / amax;
                        scales.push(scale);
                        for x in row {
                            let qi = (x * scale).round() as i8;
                            q.push(qi as u8);
                            back.push(f32::from(qi) / scale);
                        }
                    }
                    b.add(name, shape, DType::I8, q);
                    b.add(
                        &format!("{name}_scale"),
                        &[rows],
                        DType::F32,
                        f32_bytes(&scales),
                    );
                    back
                }
                Variant::Int8 => {
                    b.add(name, shape, DType::F32, f32_bytes(&v));
                    v
                }
            };
            truth.insert(name.to_string(), (shape.to_vec(), back));
        };
        add(&mut b, "encoder/conv1/weight", &[D, N_MELS, 3]);
        add(&mut b, "encoder/conv1/bias", &[D]);
        add(&mut b, "encoder/conv2/weight", &[D, D, 3]);
        add(&mut b, "encoder/conv2/bias", &[D]);
        add(
            &mut b,
            "encoder/position_encodings/encodings",
            &[AUDIO_CTX, D],
        );
        add(&mut b, "encoder/layer_norm/gamma", &[D]);
        add(&mut b, "encoder/layer_norm/beta", &[D]);
        add(&mut b, "decoder/embeddings/weight", &[N_VOCAB, D]);
        add(
            &mut b,
            "decoder/position_encodings/encodings",
            &[TEXT_CTX, D],
        );
        add(&mut b, "decoder/layer_norm/gamma", &[D]);
        add(&mut b, "decoder/layer_norm/beta", &[D]);
        for side in ["encoder", "decoder"] {
            let p = format!("{side}/layer_0");
            for ln in ["self_attention/layer_norm", "ffn/layer_norm"] {
                add(&mut b, &format!("{p}/{ln}/gamma"), &[D]);
                add(&mut b, &format!("{p}/{ln}/beta"), &[D]);
            }
            add(
                &mut b,
                &format!("{p}/self_attention/linear_0/weight"),
                &[3 * D, D],
            );
            add(
                &mut b,
                &format!("{p}/self_attention/linear_0/bias"),
                &[3 * D],
            );
            add(
                &mut b,
                &format!("{p}/self_attention/linear_1/weight"),
                &[D, D],
            );
            add(&mut b, &format!("{p}/self_attention/linear_1/bias"), &[D]);
            add(&mut b, &format!("{p}/ffn/linear_0/weight"), &[4 * D, D]);
            add(&mut b, &format!("{p}/ffn/linear_0/bias"), &[4 * D]);
            add(&mut b, &format!("{p}/ffn/linear_1/weight"), &[D, 4 * D]);
            add(&mut b, &format!("{p}/ffn/linear_1/bias"), &[D]);
            b.add(
                &format!("{side}/num_heads"),
                &[],
                DType::I16,
                2i16.to_le_bytes().to_vec(),
            );
        }
        let p = "decoder/layer_0/attention";
        add(&mut b, &format!("{p}/layer_norm/gamma"), &[D]);
        add(&mut b, &format!("{p}/layer_norm/beta"), &[D]);
        add(&mut b, &format!("{p}/linear_0/weight"), &[D, D]);
        add(&mut b, &format!("{p}/linear_0/bias"), &[D]);
        add(&mut b, &format!("{p}/linear_1/weight"), &[2 * D, D]);
        add(&mut b, &format!("{p}/linear_1/bias"), &[2 * D]);
        add(&mut b, &format!("{p}/linear_2/weight"), &[D, D]);
        add(&mut b, &format!("{p}/linear_2/bias"), &[D]);
        // Scalars CTranslate2 stores beside the weights.
        b.add("decoder/scale_embeddings", &[], DType::I8, vec![0]);
        b.aliases.push((
            "decoder/projection/weight".into(),
            "decoder/embeddings/weight".into(),
        ));
        Synthetic {
            bytes: b.bytes(),
            truth,
        }
    }

    /// A vocabulary.txt with byte-level tokens to decode and Whisper's special-token layout.
    fn english_vocabulary() -> String {
        let mut tokens: Vec<String> = (0..N_VOCAB).map(|i| format!("tok{i}")).collect();
        tokens[0] = "!".into();
        tokens[1] = "Ġthe".into();
        tokens[2] = "Ċ".into();
        tokens[3] = "âĢĻ".into();
        tokens[50256] = "<|endoftext|>".into();
        tokens[50257] = "<|startoftranscript|>".into();
        tokens.join("\n") + "\n"
    }

    fn model_dir(variant: Variant) -> (tempfile::TempDir, Synthetic) {
        let dir = tempfile::tempdir().unwrap();
        let s = synthetic(variant);
        fs::write(dir.path().join("model.bin"), &s.bytes).unwrap();
        fs::write(dir.path().join("vocabulary.txt"), english_vocabulary()).unwrap();
        fs::write(dir.path().join("config.json"), r#"{"suppress_ids":[1]}"#).unwrap();
        (dir, s)
    }

    /// Independent of the converter's own mapping: every whisper.cpp tensor derived from the
    /// CTranslate2 names by the table in the conversion notes, read in the forward direction.
    fn expected_from_source(
        truth: &HashMap<String, (Vec<usize>, Vec<f32>)>,
    ) -> HashMap<String, Vec<f32>> {
        let mut out = HashMap::new();
        for (name, (shape, v)) in truth {
            let parts: Vec<&str> = name.split('/').collect();
            fn param(p: &str) -> &str {
                match p {
                    "gamma" => "weight",
                    "beta" => "bias",
                    other => other,
                }
            }
            let row_len: usize = shape[1..].iter().product();
            let rows = |k: usize| v[k * D * row_len..(k + 1) * D * row_len].to_vec();
            match parts.as_slice() {
                ["encoder", conv, p] if conv.starts_with("conv") => {
                    out.insert(format!("encoder.{conv}.{p}"), v.clone());
                }
                [side, "position_encodings", "encodings"] => {
                    out.insert(format!("{side}.positional_embedding"), v.clone());
                }
                ["encoder", "layer_norm", p] => {
                    out.insert(format!("encoder.ln_post.{}", param(p)), v.clone());
                }
                ["decoder", "layer_norm", p] => {
                    out.insert(format!("decoder.ln.{}", param(p)), v.clone());
                }
                ["decoder", "embeddings", "weight"] => {
                    out.insert("decoder.token_embedding.weight".into(), v.clone());
                }
                [side, layer, module @ .., p] if layer.starts_with("layer_") => {
                    let i = &layer["layer_".len()..];
                    let b = format!("{side}.blocks.{i}");
                    let p = param(p);
                    match module {
                        ["self_attention", "layer_norm"] => {
                            out.insert(format!("{b}.attn_ln.{p}"), v.clone());
                        }
                        ["ffn", "layer_norm"] => {
                            out.insert(format!("{b}.mlp_ln.{p}"), v.clone());
                        }
                        ["attention", "layer_norm"] => {
                            out.insert(format!("{b}.cross_attn_ln.{p}"), v.clone());
                        }
                        ["ffn", "linear_0"] => {
                            out.insert(format!("{b}.mlp.0.{p}"), v.clone());
                        }
                        ["ffn", "linear_1"] => {
                            out.insert(format!("{b}.mlp.2.{p}"), v.clone());
                        }
                        ["self_attention", "linear_0"] => {
                            out.insert(format!("{b}.attn.query.{p}"), rows(0));
                            // The synthetic key bias is not zero; whisper.cpp has none.
                            if p == "weight" {
                                out.insert(format!("{b}.attn.key.{p}"), rows(1));
                            }
                            out.insert(format!("{b}.attn.value.{p}"), rows(2));
                        }
                        ["self_attention", "linear_1"] => {
                            out.insert(format!("{b}.attn.out.{p}"), v.clone());
                        }
                        ["attention", "linear_0"] => {
                            out.insert(format!("{b}.cross_attn.query.{p}"), v.clone());
                        }
                        ["attention", "linear_1"] => {
                            if p == "weight" {
                                out.insert(format!("{b}.cross_attn.key.{p}"), rows(0));
                            }
                            out.insert(format!("{b}.cross_attn.value.{p}"), rows(1));
                        }
                        ["attention", "linear_2"] => {
                            out.insert(format!("{b}.cross_attn.out.{p}"), v.clone());
                        }
                        other => panic!("unmapped {other:?}"),
                    }
                }
                other => panic!("unmapped {other:?}"),
            }
        }
        out
    }

    /// Equal values (bitwise, so -0.0 differs from 0.0), naming the first difference.
    fn assert_same(got: &[f32], want: &[f32], name: &str) {
        assert_eq!(got.len(), want.len(), "{name}");
        if let Some(i) = (0..got.len()).find(|&i| got[i].to_bits() != want[i].to_bits()) {
            panic!("{name}[{i}]: got {}, want {}", got[i], want[i]);
        }
    }

    /// Checks a converted file against the values the test put in.
    fn check_against(
        tensors: &[GgmlTensor],
        expected: &HashMap<String, Vec<f32>>,
        quantized: bool,
    ) {
        assert_eq!(tensors.len(), expected.len());
        for t in tensors {
            let want = expected
                .get(&t.name)
                .unwrap_or_else(|| panic!("unexpected tensor {}", t.name));
            let got = t.to_f32().unwrap();
            assert_eq!(got.len(), want.len(), "{}", t.name);
            match t.ttype {
                TensorType::F32 => assert_same(&got, want, &t.name),
                TensorType::F16 => {
                    let rounded: Vec<f32> =
                        want.iter().map(|x| f16::from_f32(*x).to_f32()).collect();
                    assert_same(&got, &rounded, &t.name);
                }
                TensorType::Q8_0 => {
                    assert!(quantized, "{} quantized in an f16 file", t.name);
                    for (b, (gs, ws)) in got.chunks(32).zip(want.chunks(32)).enumerate() {
                        // Rounding to the step d costs at most d/2; storing d as f16 moves
                        // each of up to 127 steps by |d - f16(d)|.
                        let step = ws.iter().fold(0f32, |m, x| m.max(x.abs())) / 127.0;
                        let stored = f16::from_f32(step).to_f32();
                        let bound = (0.5 * step + 127.0 * (step - stored).abs()) * 1.0001;
                        assert!(bound <= step, "{} block {b}: bound above one step", t.name);
                        for (g, w) in gs.iter().zip(ws) {
                            assert!((g - w).abs() <= bound, "{} block {b}: {g} vs {w}", t.name);
                        }
                    }
                }
                other => panic!("{}: unexpected type {other}", t.name),
            }
        }
    }

    #[test]
    fn converts_synthetic_models_in_every_source_type() {
        for variant in [Variant::F32, Variant::F16, Variant::Int8] {
            for quantize in [None, Some(Quantization::Q8_0)] {
                let (dir, s) = model_dir(variant);
                let out = dir.path().join("out").join("ggml-test.bin");
                let mut calls = Vec::new();
                let summary = import_ct2_dir(
                    dir.path(),
                    &out,
                    &ImportOptions {
                        quantize,
                        force: false,
                    },
                    &mut |done, total| calls.push((done, total)),
                )
                .unwrap();
                let ctx = format!("{variant:?} {quantize:?}");
                assert_eq!(summary.n_tensors, 7 + 15 + 4 + 24, "{ctx}");
                assert_eq!(summary.bytes, fs::metadata(&out).unwrap().len(), "{ctx}");
                assert_eq!(summary.hparams.n_audio_head, 2);
                assert_eq!(summary.hparams.n_audio_ctx, AUDIO_CTX as i32);
                assert_eq!(summary.hparams.n_text_ctx, TEXT_CTX as i32);
                assert!(
                    summary.source_dtypes.contains(&"int16".to_string()),
                    "{ctx}"
                );
                assert!(
                    summary.source_dtypes.contains(&"bfloat16".to_string()),
                    "{ctx}"
                );
                // Progress: fixed total, never backwards, ends at the total.
                let total = calls[0].1;
                assert!(calls.iter().all(|&(_, t)| t == total));
                assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{ctx}");
                assert_eq!(calls.last().unwrap().0, total);

                let info = ggml::inspect(&out).unwrap();
                let want_ftype = if quantize.is_some() { 2007 } else { 1 };
                assert_eq!(info.hparams.ftype, want_ftype, "{ctx}");
                let header = read_header(&out).unwrap();
                assert_eq!(header.vocab.len(), 50257);
                assert_eq!(header.vocab[0], b"!");
                assert_eq!(header.vocab[1], b" the");
                assert_eq!(header.vocab[2], b"\n");
                assert_eq!(header.vocab[3], "\u{2019}".as_bytes());
                assert_eq!(header.vocab[50256], b"<|endoftext|>");
                assert_eq!(header.mel.data, mel_filters(16_000.0, 400, 80));

                let tensors = read_tensors(&out).unwrap();
                check_against(
                    &tensors,
                    &expected_from_source(&s.truth),
                    quantize.is_some(),
                );
                // Which tensors are quantized: 2-D matrices incl. the token embedding; never
                // conv kernels, biases, norms or positional embeddings.
                for t in &tensors {
                    let matrix = t.shape.len() == 2
                        && !t.name.contains("positional")
                        && !t.name.ends_with(".bias");
                    let want = match (quantize, matrix, t.shape.len()) {
                        (Some(_), true, _) => TensorType::Q8_0,
                        (None, true, _) | (_, _, 3) => TensorType::F16,
                        _ => TensorType::F32,
                    };
                    assert_eq!(t.ttype, want, "{ctx}: {}", t.name);
                }
                // Nothing left behind but the model.
                let names: Vec<_> = fs::read_dir(out.parent().unwrap())
                    .unwrap()
                    .map(|e| e.unwrap().file_name())
                    .collect();
                assert_eq!(names, vec![std::ffi::OsString::from("ggml-test.bin")]);
            }
        }
    }

    #[test]
    fn read_hparams_without_loading_weights() {
        let (dir, _) = model_dir(Variant::F16);
        let h = read_hparams(dir.path()).unwrap();
        assert_eq!(h.n_vocab, N_VOCAB as i32);
        assert_eq!(h.n_audio_state, D as i32);
        assert_eq!((h.n_audio_layer, h.n_text_layer), (1, 1));
        assert_eq!((h.n_audio_head, h.n_text_head), (2, 2));
        assert_eq!(h.ftype, 1);
        assert_eq!(suggested_file_name(&h, None), "ggml-custom.en.bin");
    }

    #[test]
    fn refuses_to_overwrite_and_cleans_up_on_error() {
        let (dir, _) = model_dir(Variant::F16);
        let out = dir.path().join("ggml.bin");
        fs::write(&out, b"keep me").unwrap();
        let opts = ImportOptions::default();
        let e = import_ct2_dir(dir.path(), &out, &opts, &mut |_, _| {}).unwrap_err();
        assert!(e.to_string().contains("--force"), "{e}");
        assert_eq!(fs::read(&out).unwrap(), b"keep me");
        let forced = ImportOptions {
            force: true,
            ..opts
        };
        import_ct2_dir(dir.path(), &out, &forced, &mut |_, _| {}).unwrap();
        ggml::inspect(&out).unwrap();

        let e = import_ct2_dir(dir.path(), dir.path(), &forced, &mut |_, _| {}).unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");

        // A model that fails half-way (its vocabulary belongs to a multilingual model) leaves
        // no file behind.
        let mut tokens: Vec<String> = (0..51865).map(|i| format!("t{i}")).collect();
        tokens[50257] = "<|endoftext|>".into();
        fs::write(dir.path().join("vocabulary.txt"), tokens.join("\n")).unwrap();
        let out2 = dir.path().join("new").join("ggml-x.bin");
        let e = import_ct2_dir(dir.path(), &out2, &opts, &mut |_, _| {}).unwrap_err();
        assert!(
            e.to_string().contains("token 50256 is not <|endoftext|>"),
            "{e}"
        );
        assert!(!out2.exists());
        if let Ok(entries) = fs::read_dir(dir.path().join("new")) {
            assert_eq!(entries.count(), 0);
        }
    }

    #[test]
    fn explains_bad_sources() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.bin");
        let opts = ImportOptions::default();
        let err = |d: &Path| {
            import_ct2_dir(d, &out, &opts, &mut |_, _| {})
                .unwrap_err()
                .to_string()
        };

        let e = err(dir.path());
        assert!(e.contains("no model.bin"), "{e}");

        let s = synthetic(Variant::F16);
        fs::write(dir.path().join("model.bin"), &s.bytes).unwrap();
        let e = err(dir.path());
        assert!(e.contains("no vocabulary"), "{e}");

        fs::write(dir.path().join("vocabulary.txt"), english_vocabulary()).unwrap();
        let mut b = Ct2Builder::new(6);
        b.spec = "TransformerSpec".into();
        b.add("x", &[1], DType::F32, f32_bytes(&[1.0]));
        fs::write(dir.path().join("model.bin"), b.bytes()).unwrap();
        let e = err(dir.path());
        assert!(
            e.contains("not a Whisper model") && e.contains("TransformerSpec"),
            "{e}"
        );

        // Drop one layer norm: named in the error.
        let mut b = Ct2Builder::new(6);
        let full = synthetic(Variant::F16);
        let m = Ct2Model::from_reader(
            &full.bytes[..],
            full.bytes.len() as u64,
            Path::new("m"),
            &mut |_, _| {},
        )
        .unwrap();
        for v in m.variables() {
            if v.name != "encoder/layer_0/ffn/layer_norm/beta" {
                b.add(&v.name, &v.shape, v.dtype, v.data.clone());
            }
        }
        fs::write(dir.path().join("model.bin"), b.bytes()).unwrap();
        let e = err(dir.path());
        assert!(
            e.contains("encoder/layer_0/ffn/layer_norm/beta is missing"),
            "{e}"
        );

        // An int32 weight cannot be converted.
        let mut b = Ct2Builder::new(6);
        for v in m.variables() {
            if v.name == "encoder/conv1/bias" {
                b.add(&v.name, &v.shape, DType::I32, vec![0; v.numel() * 4]);
            } else {
                b.add(&v.name, &v.shape, v.dtype, v.data.clone());
            }
        }
        fs::write(dir.path().join("model.bin"), b.bytes()).unwrap();
        let e = err(dir.path());
        assert!(e.contains("stored as int32"), "{e}");

        // Truncated model.bin.
        fs::write(
            dir.path().join("model.bin"),
            &full.bytes[..full.bytes.len() / 2],
        )
        .unwrap();
        let e = err(dir.path());
        assert!(e.contains("truncated"), "{e}");
        assert!(!out.exists());
    }

    // ---- real models -------------------------------------------------------------------

    /// A real model directory: `$env_var`, else the place `scripts/setup.sh` unpacks it to.
    fn real_model_dir(env_var: &str, name: &str) -> PathBuf {
        let dir = std::env::var_os(env_var)
            .map(PathBuf::from)
            .or_else(|| dirs::cache_dir().map(|c| c.join("rehearse").join("ct2").join(name)))
            .expect("no cache directory");
        assert!(
            dir.join("model.bin").is_file() || dir.join("model.bin.part1").is_file(),
            "real CTranslate2 model {name} not found in {}: run scripts/setup.sh to download and \
             unpack it (or set {env_var} to its directory)",
            dir.display()
        );
        dir
    }

    /// Converts a real model and compares every tensor with the source weights, read through
    /// the forward mapping of the test rather than the converter's.
    fn check_real_model(
        dir: &Path,
        quantize: Option<Quantization>,
        n_tensors: usize,
    ) -> (PathBuf, tempfile::TempDir) {
        let tmp = tempfile::tempdir().unwrap();
        let model = Ct2Model::open(dir, &mut |_, _| {}).unwrap();
        let h = read_hparams(dir).unwrap();
        let out = tmp.path().join(suggested_file_name(&h, quantize));
        let t0 = Instant::now();
        let summary = import_ct2_dir(
            dir,
            &out,
            &ImportOptions {
                quantize,
                force: false,
            },
            &mut |_, _| {},
        )
        .unwrap();
        eprintln!(
            "{}: {} tensors, {} bytes, {:.2} s (whole call {:.2} s)",
            out.display(),
            summary.n_tensors,
            summary.bytes,
            summary.elapsed.as_secs_f64(),
            t0.elapsed().as_secs_f64()
        );
        assert_eq!(summary.n_tensors, n_tensors);
        let info = ggml::inspect(&out).unwrap();
        assert_eq!(info.tensor_count, n_tensors);
        assert_eq!(info.hparams.ftype, quantize.map_or(1, |_| 2007));

        let d = h.n_text_state as usize;
        let mut truth = HashMap::new();
        for v in model.variables() {
            if v.shape.is_empty() || v.name.ends_with("_scale") {
                continue;
            }
            truth.insert(
                v.name.clone(),
                (v.shape.clone(), model.to_f32(&v.name).unwrap()),
            );
        }
        let tensors = read_tensors(&out).unwrap();
        assert_eq!(tensors.len(), n_tensors);
        // The forward mapping in `expected_from_source` slices fused rows by D; real models
        // are wider, so map them here with the real width.
        let mut by_name: HashMap<String, Vec<f32>> = HashMap::new();
        for (name, (shape, v)) in &truth {
            let row_len: usize = shape[1..].iter().product();
            let rows = |k: usize| v[k * d * row_len..(k + 1) * d * row_len].to_vec();
            let w: Vec<String> = name
                .split('/')
                .map(|part| match part.strip_prefix("layer_") {
                    Some(i) if i.parse::<usize>().is_ok() => format!("blocks.{i}"),
                    _ => part.to_string(),
                })
                .collect();
            let b = w
                .join(".")
                .replace(".gamma", ".weight")
                .replace(".beta", ".bias");
            let p = if b.ends_with(".weight") {
                "weight"
            } else {
                "bias"
            };
            let mapped: Vec<(String, Vec<f32>)> = if b.contains(".self_attention.linear_0.") {
                let blk = b.split(".self_attention").next().unwrap();
                let mut m = vec![
                    (format!("{blk}.attn.query.{p}"), rows(0)),
                    (format!("{blk}.attn.value.{p}"), rows(2)),
                ];
                if p == "weight" {
                    m.push((format!("{blk}.attn.key.{p}"), rows(1)));
                } else {
                    assert!(
                        rows(1).iter().all(|&x| x == 0.0),
                        "{name}: key bias not zero"
                    );
                }
                m
            } else if b.contains(".attention.linear_1.") {
                let blk = b.split(".attention").next().unwrap();
                let mut m = vec![(format!("{blk}.cross_attn.value.{p}"), rows(1))];
                if p == "weight" {
                    m.push((format!("{blk}.cross_attn.key.{p}"), rows(0)));
                } else {
                    assert!(
                        rows(0).iter().all(|&x| x == 0.0),
                        "{name}: key bias not zero"
                    );
                }
                m
            } else {
                let n = b
                    .replace(".self_attention.layer_norm.", ".attn_ln.")
                    .replace(".self_attention.linear_1.", ".attn.out.")
                    .replace(".attention.layer_norm.", ".cross_attn_ln.")
                    .replace(".attention.linear_0.", ".cross_attn.query.")
                    .replace(".attention.linear_2.", ".cross_attn.out.")
                    .replace(".ffn.layer_norm.", ".mlp_ln.")
                    .replace(".ffn.linear_0.", ".mlp.0.")
                    .replace(".ffn.linear_1.", ".mlp.2.")
                    .replace("encoder.layer_norm.", "encoder.ln_post.")
                    .replace("decoder.layer_norm.", "decoder.ln.")
                    .replace(
                        "decoder.embeddings.weight",
                        "decoder.token_embedding.weight",
                    )
                    .replace(".position_encodings.encodings", ".positional_embedding");
                vec![(n, v.clone())]
            };
            for (n, vals) in mapped {
                assert!(by_name.insert(n.clone(), vals).is_none(), "{n} twice");
            }
        }
        check_against(&tensors, &by_name, quantize.is_some());
        // f16 sources stay bit-identical.
        if quantize.is_none() {
            for t in tensors.iter().filter(|t| t.ttype == TensorType::F16) {
                let want: Vec<u8> = by_name[&t.name]
                    .iter()
                    .flat_map(|x| f16::from_f32(*x).to_le_bytes())
                    .collect();
                assert!(t.data == want, "{} not bit-identical", t.name);
            }
        }
        (out, tmp)
    }

    #[test]
    fn real_tiny_en_converts_exactly() {
        let dir = real_model_dir("REHEARSE_CT2_TINY_EN", "tiny.en");
        for q in [None, Some(Quantization::Q8_0)] {
            let (out, _tmp) = check_real_model(&dir, q, 167);
            let info = ggml::inspect(&out).unwrap();
            assert!(info.english_only);
            assert_eq!(info.size_name, Some("tiny"));
            assert_eq!(info.model_name(), "tiny.en");
        }
    }

    #[test]
    fn real_base_converts_exactly() {
        let dir = real_model_dir("REHEARSE_CT2_BASE", "base");
        for q in [None, Some(Quantization::Q8_0)] {
            let (out, _tmp) = check_real_model(&dir, q, 245);
            let info = ggml::inspect(&out).unwrap();
            assert!(!info.english_only);
            assert_eq!(info.model_name(), "base");
        }
    }
}
