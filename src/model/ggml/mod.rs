//! The whisper.cpp model file (the legacy "ggml" container, not GGUF): its hyperparameters, a
//! writer, a reader, and [`inspect`], which checks a file the way whisper.cpp's loader will
//! before whisper.cpp ever sees it, so that a bad file gets a clear message instead of a crash
//! or a bare "failed to load model".

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use half::f16;
use serde::Serialize;

/// `"ggml"` as a little-endian u32; the first four bytes of the file are `6c 6d 67 67`.
pub const MAGIC: u32 = 0x6767_6d6c;

/// Quantized files store `ftype + QNT_VERSION * QNT_VERSION_FACTOR` (ggml's convention).
pub const QNT_VERSION: i32 = 2;
pub const QNT_VERSION_FACTOR: i32 = 1000;

/// Columns of the mel filter bank: the FFT bins of Whisper's 400-sample window.
pub const N_FFT_BINS: usize = 201;

/// `n_vocab` of English-only Whisper models.
pub const N_VOCAB_ENGLISH: i32 = 51864;

/// Q8_0 block: an f16 scale and 32 signed bytes.
pub const Q8_0_BLOCK: usize = 32;
pub const Q8_0_BLOCK_BYTES: usize = 34;

/// Whisper hyperparameters, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hparams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    /// File type with the quantization version folded in (see [`QNT_VERSION_FACTOR`]).
    pub ftype: i32,
}

impl Hparams {
    fn to_array(self) -> [i32; 11] {
        [
            self.n_vocab,
            self.n_audio_ctx,
            self.n_audio_state,
            self.n_audio_head,
            self.n_audio_layer,
            self.n_text_ctx,
            self.n_text_state,
            self.n_text_head,
            self.n_text_layer,
            self.n_mels,
            self.ftype,
        ]
    }

    fn from_array(a: [i32; 11]) -> Self {
        Hparams {
            n_vocab: a[0],
            n_audio_ctx: a[1],
            n_audio_state: a[2],
            n_audio_head: a[3],
            n_audio_layer: a[4],
            n_text_ctx: a[5],
            n_text_state: a[6],
            n_text_head: a[7],
            n_text_layer: a[8],
            n_mels: a[9],
            ftype: a[10],
        }
    }

    /// The type of the big matrices, from `ftype` with the quantization version removed.
    pub fn weight_type(&self) -> Option<TensorType> {
        TensorType::from_ftype(self.ftype % QNT_VERSION_FACTOR)
    }

    /// The quantization version folded into `ftype` (0 for f32/f16 files).
    pub fn quantization_version(&self) -> i32 {
        self.ftype / QNT_VERSION_FACTOR
    }

    /// English-only models have one token fewer than multilingual ones.
    pub fn is_english_only(&self) -> bool {
        self.n_vocab == N_VOCAB_ENGLISH
    }

    /// tiny, base, small, medium or large, from the encoder's depth and width.
    pub fn size_name(&self) -> Option<&'static str> {
        match (self.n_audio_layer, self.n_audio_state) {
            (4, 384) => Some("tiny"),
            (6, 512) => Some("base"),
            (12, 768) => Some("small"),
            (24, 1024) => Some("medium"),
            (32, 1280) => Some("large"),
            _ => None,
        }
    }

    /// A name in whisper.cpp's style: `tiny.en`, `base`, `large-v3`, or `custom`.
    pub fn model_name(&self) -> String {
        let size = self.size_name().unwrap_or("custom");
        if self.is_english_only() {
            format!("{size}.en")
        } else if size == "large" && self.n_vocab == 51866 {
            // large-v3 added a language token and 128 mel bins; v1 and v2 look alike.
            "large-v3".into()
        } else {
            size.into()
        }
    }

    /// How many tensors whisper.cpp loads for these layer counts.
    pub fn expected_tensor_count(&self) -> usize {
        let enc = usize::try_from(self.n_audio_layer).unwrap_or(0);
        let dec = usize::try_from(self.n_text_layer).unwrap_or(0);
        7 + 15 * enc + 4 + 24 * dec
    }

    /// Checks the values are ones whisper.cpp can work with; says which one is wrong otherwise.
    pub fn check(&self) -> Result<(), String> {
        let h = self;
        if !(N_VOCAB_ENGLISH..=51866).contains(&h.n_vocab) {
            return Err(format!(
                "n_vocab = {}, but Whisper models have 51864 (English-only), 51865 or 51866 tokens",
                h.n_vocab
            ));
        }
        let ranges = [
            ("n_audio_ctx", h.n_audio_ctx, 1, 1500),
            ("n_text_ctx", h.n_text_ctx, 1, 1024),
            ("n_audio_state", h.n_audio_state, 1, 8192),
            ("n_text_state", h.n_text_state, 1, 8192),
            ("n_audio_head", h.n_audio_head, 1, 256),
            ("n_text_head", h.n_text_head, 1, 256),
            ("n_audio_layer", h.n_audio_layer, 1, 128),
            ("n_text_layer", h.n_text_layer, 1, 128),
        ];
        for (name, value, lo, hi) in ranges {
            if !(lo..=hi).contains(&value) {
                return Err(format!("{name} = {value}, outside {lo}..={hi}"));
            }
        }
        if h.n_audio_state != h.n_text_state {
            return Err(format!(
                "n_audio_state = {} differs from n_text_state = {}",
                h.n_audio_state, h.n_text_state
            ));
        }
        if h.n_audio_state % h.n_audio_head != 0 || h.n_text_state % h.n_text_head != 0 {
            return Err(format!(
                "state width {} is not divisible by the head counts {} and {}",
                h.n_audio_state, h.n_audio_head, h.n_text_head
            ));
        }
        if h.n_mels != 80 && h.n_mels != 128 {
            return Err(format!("n_mels = {}, but Whisper uses 80 or 128", h.n_mels));
        }
        if self.weight_type().is_none() {
            return Err(format!("ftype = {} is not a known file type", h.ftype));
        }
        if !(0..=9).contains(&self.quantization_version()) {
            return Err(format!(
                "ftype = {} carries quantization version {}",
                h.ftype,
                self.quantization_version()
            ));
        }
        Ok(())
    }

    /// Every tensor whisper.cpp expects, with its numpy shape and stored type, encoder first.
    /// Matrices use the file's weight type; convolution kernels stay f16 in quantized files;
    /// biases, norms and positional embeddings are always f32.
    pub fn tensor_layout(&self) -> Option<Vec<TensorSpec>> {
        let wtype = self.weight_type()?;
        let ctype = if wtype == TensorType::F32 {
            TensorType::F32
        } else {
            TensorType::F16
        };
        let dim = |v: i32| usize::try_from(v).unwrap_or(0);
        let d = dim(self.n_audio_state);
        let td = dim(self.n_text_state);
        let mut out = Vec::with_capacity(self.expected_tensor_count());
        let mut add = |name: String, shape: &[usize], ttype: TensorType| {
            out.push(TensorSpec {
                name,
                shape: shape.to_vec(),
                ttype,
            });
        };
        let f32t = TensorType::F32;
        add(
            "encoder.positional_embedding".into(),
            &[dim(self.n_audio_ctx), d],
            f32t,
        );
        add(
            "encoder.conv1.weight".into(),
            &[d, dim(self.n_mels), 3],
            ctype,
        );
        add("encoder.conv1.bias".into(), &[d, 1], f32t);
        add("encoder.conv2.weight".into(), &[d, d, 3], ctype);
        add("encoder.conv2.bias".into(), &[d, 1], f32t);
        add("encoder.ln_post.weight".into(), &[d], f32t);
        add("encoder.ln_post.bias".into(), &[d], f32t);
        let block = |add: &mut dyn FnMut(String, &[usize], TensorType),
                     prefix: &str,
                     d: usize,
                     attn: &[&str]| {
            add(format!("{prefix}.mlp_ln.weight"), &[d], f32t);
            add(format!("{prefix}.mlp_ln.bias"), &[d], f32t);
            add(format!("{prefix}.mlp.0.weight"), &[4 * d, d], wtype);
            add(format!("{prefix}.mlp.0.bias"), &[4 * d], f32t);
            add(format!("{prefix}.mlp.2.weight"), &[d, 4 * d], wtype);
            add(format!("{prefix}.mlp.2.bias"), &[d], f32t);
            for a in attn {
                add(format!("{prefix}.{a}_ln.weight"), &[d], f32t);
                add(format!("{prefix}.{a}_ln.bias"), &[d], f32t);
                add(format!("{prefix}.{a}.query.weight"), &[d, d], wtype);
                add(format!("{prefix}.{a}.query.bias"), &[d], f32t);
                add(format!("{prefix}.{a}.key.weight"), &[d, d], wtype);
                add(format!("{prefix}.{a}.value.weight"), &[d, d], wtype);
                add(format!("{prefix}.{a}.value.bias"), &[d], f32t);
                add(format!("{prefix}.{a}.out.weight"), &[d, d], wtype);
                add(format!("{prefix}.{a}.out.bias"), &[d], f32t);
            }
        };
        for i in 0..dim(self.n_audio_layer) {
            block(&mut add, &format!("encoder.blocks.{i}"), d, &["attn"]);
        }
        add(
            "decoder.positional_embedding".into(),
            &[dim(self.n_text_ctx), td],
            f32t,
        );
        add(
            "decoder.token_embedding.weight".into(),
            &[dim(self.n_vocab), td],
            wtype,
        );
        add("decoder.ln.weight".into(), &[td], f32t);
        add("decoder.ln.bias".into(), &[td], f32t);
        for i in 0..dim(self.n_text_layer) {
            block(
                &mut add,
                &format!("decoder.blocks.{i}"),
                td,
                &["attn", "cross_attn"],
            );
        }
        Some(out)
    }
}

/// One tensor of the expected layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorSpec {
    pub name: String,
    /// numpy order (the file stores it reversed).
    pub shape: Vec<usize>,
    pub ttype: TensorType,
}

/// ggml tensor types that whisper.cpp model files use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TensorType {
    F32,
    F16,
    Q4_0,
    Q4_1,
    Q5_0,
    Q5_1,
    Q8_0,
    Q2K,
    Q3K,
    Q4K,
    Q5K,
    Q6K,
}

impl TensorType {
    /// From ggml's `ggml_type` number.
    pub fn from_ggml(code: i32) -> Option<Self> {
        Some(match code {
            0 => TensorType::F32,
            1 => TensorType::F16,
            2 => TensorType::Q4_0,
            3 => TensorType::Q4_1,
            6 => TensorType::Q5_0,
            7 => TensorType::Q5_1,
            8 => TensorType::Q8_0,
            10 => TensorType::Q2K,
            11 => TensorType::Q3K,
            12 => TensorType::Q4K,
            13 => TensorType::Q5K,
            14 => TensorType::Q6K,
            _ => return None,
        })
    }

    /// ggml's `ggml_type` number.
    pub fn ggml_code(self) -> i32 {
        match self {
            TensorType::F32 => 0,
            TensorType::F16 => 1,
            TensorType::Q4_0 => 2,
            TensorType::Q4_1 => 3,
            TensorType::Q5_0 => 6,
            TensorType::Q5_1 => 7,
            TensorType::Q8_0 => 8,
            TensorType::Q2K => 10,
            TensorType::Q3K => 11,
            TensorType::Q4K => 12,
            TensorType::Q5K => 13,
            TensorType::Q6K => 14,
        }
    }

    /// From ggml's `ggml_ftype` number (without the quantization version).
    pub fn from_ftype(ftype: i32) -> Option<Self> {
        Some(match ftype {
            0 => TensorType::F32,
            1 => TensorType::F16,
            2 => TensorType::Q4_0,
            3 => TensorType::Q4_1,
            7 => TensorType::Q8_0,
            8 => TensorType::Q5_0,
            9 => TensorType::Q5_1,
            10 => TensorType::Q2K,
            11 => TensorType::Q3K,
            12 => TensorType::Q4K,
            13 => TensorType::Q5K,
            14 => TensorType::Q6K,
            _ => return None,
        })
    }

    /// The `ftype` hparam value of a file whose matrices have this type, quantization version
    /// included: 0 for f32, 1 for f16, 2007 for q8_0.
    pub fn file_ftype(self) -> i32 {
        let base = match self {
            TensorType::F32 => 0,
            TensorType::F16 => 1,
            TensorType::Q4_0 => 2,
            TensorType::Q4_1 => 3,
            TensorType::Q8_0 => 7,
            TensorType::Q5_0 => 8,
            TensorType::Q5_1 => 9,
            TensorType::Q2K => 10,
            TensorType::Q3K => 11,
            TensorType::Q4K => 12,
            TensorType::Q5K => 13,
            TensorType::Q6K => 14,
        };
        if self.is_quantized() {
            base + QNT_VERSION * QNT_VERSION_FACTOR
        } else {
            base
        }
    }

    pub fn is_quantized(self) -> bool {
        !matches!(self, TensorType::F32 | TensorType::F16)
    }

    pub fn name(self) -> &'static str {
        match self {
            TensorType::F32 => "f32",
            TensorType::F16 => "f16",
            TensorType::Q4_0 => "q4_0",
            TensorType::Q4_1 => "q4_1",
            TensorType::Q5_0 => "q5_0",
            TensorType::Q5_1 => "q5_1",
            TensorType::Q8_0 => "q8_0",
            TensorType::Q2K => "q2_k",
            TensorType::Q3K => "q3_k",
            TensorType::Q4K => "q4_k",
            TensorType::Q5K => "q5_k",
            TensorType::Q6K => "q6_k",
        }
    }

    /// (values per block, bytes per block)
    fn block(self) -> (usize, usize) {
        match self {
            TensorType::F32 => (1, 4),
            TensorType::F16 => (1, 2),
            TensorType::Q4_0 => (32, 18),
            TensorType::Q4_1 => (32, 20),
            TensorType::Q5_0 => (32, 22),
            TensorType::Q5_1 => (32, 24),
            TensorType::Q8_0 => (Q8_0_BLOCK, Q8_0_BLOCK_BYTES),
            TensorType::Q2K => (256, 84),
            TensorType::Q3K => (256, 110),
            TensorType::Q4K => (256, 144),
            TensorType::Q5K => (256, 176),
            TensorType::Q6K => (256, 210),
        }
    }

    /// Bytes of a tensor of this type and numpy `shape`; `None` when its rows do not split
    /// into whole blocks.
    pub fn data_size(self, shape: &[usize]) -> Option<u64> {
        let (per_block, bytes) = self.block();
        let row = *shape.last().unwrap_or(&1);
        if row % per_block != 0 {
            return None;
        }
        let numel = shape
            .iter()
            .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))?;
        (numel / per_block as u64).checked_mul(bytes as u64)
    }
}

impl std::fmt::Display for TensorType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Mel filter bank stored in the file, `n_mel` rows of `n_fft` values.
#[derive(Debug, Clone, PartialEq)]
pub struct MelFilters {
    pub n_mel: usize,
    pub n_fft: usize,
    pub data: Vec<f32>,
}

/// Problems with a file given as a whisper.cpp model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelFileError {
    #[error("cannot read model file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "model file {} is empty (0 bytes), probably from an interrupted download or copy; \
         download or convert it again",
        path.display()
    )]
    Empty { path: PathBuf },

    #[error("{} is not a whisper.cpp model: it looks like {found}. {hint}", path.display())]
    NotGgml {
        path: PathBuf,
        found: String,
        hint: String,
    },

    #[error(
        "model file {} is truncated: {what} needs {needed} bytes at offset {offset}, but the file \
         ends at {size}; it was cut short (interrupted download or full disk?): download or \
         convert it again",
        path.display()
    )]
    Truncated {
        path: PathBuf,
        what: String,
        offset: u64,
        needed: u64,
        size: u64,
    },

    #[error(
        "model file {} has implausible hyperparameters: {reason}; it is damaged or not a \
         Whisper model",
        path.display()
    )]
    BadHparams { path: PathBuf, reason: String },

    #[error("model file {} is damaged: {reason}; download or convert it again", path.display())]
    Corrupt { path: PathBuf, reason: String },

    #[error(
        "model file {} does not hold what whisper.cpp expects: {reason}; download or convert \
         it again",
        path.display()
    )]
    Layout { path: PathBuf, reason: String },
}

/// What [`inspect`] found in a valid file.
#[derive(Debug, Clone, Serialize)]
pub struct GgmlInfo {
    pub path: PathBuf,
    pub file_size: u64,
    pub hparams: Hparams,
    /// Type of the big matrices (decoded `ftype`).
    pub ftype: TensorType,
    pub quantization_version: i32,
    pub tensor_count: usize,
    /// Tokens stored in the file (whisper.cpp derives the special ones itself).
    pub vocab_count: usize,
    pub english_only: bool,
    /// tiny, base, small, medium or large; `None` for other shapes.
    pub size_name: Option<&'static str>,
}

impl GgmlInfo {
    /// `tiny.en`, `base`, `large-v3`, ...
    pub fn model_name(&self) -> String {
        self.hparams.model_name()
    }
}

/// A tensor as stored.
#[derive(Debug, Clone)]
pub struct GgmlTensor {
    pub name: String,
    /// numpy order (the file stores it reversed).
    pub shape: Vec<usize>,
    pub ttype: TensorType,
    pub data: Vec<u8>,
}

impl GgmlTensor {
    /// Values as f32, for f32, f16 and q8_0 tensors.
    pub fn to_f32(&self) -> Option<Vec<f32>> {
        dequantize(self.ttype, &self.data)
    }
}

/// Decodes f32, f16 or q8_0 data; `None` for other types or a size that is not whole.
pub fn dequantize(ttype: TensorType, data: &[u8]) -> Option<Vec<f32>> {
    match ttype {
        TensorType::F32 if data.len() % 4 == 0 => Some(
            data.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        TensorType::F16 if data.len() % 2 == 0 => Some(
            data.chunks_exact(2)
                .map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
        ),
        TensorType::Q8_0 if data.len() % Q8_0_BLOCK_BYTES == 0 => {
            let mut out = Vec::with_capacity(data.len() / Q8_0_BLOCK_BYTES * Q8_0_BLOCK);
            for block in data.chunks_exact(Q8_0_BLOCK_BYTES) {
                let d = f16::from_le_bytes([block[0], block[1]]).to_f32();
                out.extend(block[2..].iter().map(|&q| f32::from(q as i8) * d));
            }
            Some(out)
        }
        _ => None,
    }
}

/// Appends `values` as q8_0 blocks: per 32 values, scale `d = max|x| / 127` stored as f16, then
/// each value as `round(x / d)` in an i8 (ggml's reference rounding: the quotient uses the f32
/// scale, halves away from zero).
///
/// `values.len()` must be a multiple of 32; callers check row lengths first.
pub fn quantize_q8_0(values: &[f32], out: &mut Vec<u8>) {
    assert!(
        values.len() % Q8_0_BLOCK == 0,
        "q8_0 needs whole blocks of {Q8_0_BLOCK} values"
    );
    out.reserve(values.len() / Q8_0_BLOCK * Q8_0_BLOCK_BYTES);
    for block in values.chunks_exact(Q8_0_BLOCK) {
        let amax = block.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let d = amax / 127.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
        out.extend(block.iter().map(|x| (x * id).round() as i8 as u8));
    }
}

/// Writes a whisper.cpp model file: header first, then tensors one by one.
pub struct GgmlWriter<W: Write> {
    out: W,
    written: u64,
    pending: u64,
    current: String,
}

/// Bytes taken by the magic, hparams, mel filters and vocabulary.
pub fn header_size(mel: &MelFilters, vocab: &[Vec<u8>]) -> u64 {
    4 + 11 * 4
        + 8
        + (mel.data.len() as u64) * 4
        + 4
        + vocab.iter().map(|t| 4 + t.len() as u64).sum::<u64>()
}

/// Bytes of a tensor's header.
pub fn tensor_header_size(name: &str, n_dims: usize) -> u64 {
    12 + 4 * n_dims as u64 + name.len() as u64
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

fn i32_of(v: usize, what: &str) -> io::Result<i32> {
    i32::try_from(v).map_err(|_| invalid(format!("{what} {v} does not fit the file format")))
}

impl<W: Write> GgmlWriter<W> {
    /// Writes the magic, hparams, mel filters and vocabulary (raw token bytes, by id).
    pub fn new(out: W, hparams: &Hparams, mel: &MelFilters, vocab: &[Vec<u8>]) -> io::Result<Self> {
        if mel.data.len() != mel.n_mel * mel.n_fft {
            return Err(invalid(format!(
                "mel filters hold {} values, not {} x {}",
                mel.data.len(),
                mel.n_mel,
                mel.n_fft
            )));
        }
        let mut w = GgmlWriter {
            out,
            written: 0,
            pending: 0,
            current: String::new(),
        };
        w.put(&MAGIC.to_le_bytes())?;
        for v in hparams.to_array() {
            w.put(&v.to_le_bytes())?;
        }
        w.put(&i32_of(mel.n_mel, "n_mel")?.to_le_bytes())?;
        w.put(&i32_of(mel.n_fft, "n_fft")?.to_le_bytes())?;
        let mel_bytes: Vec<u8> = mel.data.iter().flat_map(|x| x.to_le_bytes()).collect();
        w.put(&mel_bytes)?;
        w.put(&i32_of(vocab.len(), "vocabulary size")?.to_le_bytes())?;
        for token in vocab {
            let len = u32::try_from(token.len())
                .map_err(|_| invalid("token longer than 4 GiB".into()))?;
            w.put(&len.to_le_bytes())?;
            w.put(token)?;
        }
        Ok(w)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Starts a tensor; its data (exactly `ttype.data_size(shape)` bytes) follows through
    /// [`GgmlWriter::write_data`].
    pub fn begin_tensor(
        &mut self,
        name: &str,
        shape: &[usize],
        ttype: TensorType,
    ) -> io::Result<()> {
        self.check_complete()?;
        if shape.is_empty() || shape.len() > 4 {
            return Err(invalid(format!(
                "tensor {name}: {} dimensions",
                shape.len()
            )));
        }
        let size = ttype.data_size(shape).ok_or_else(|| {
            invalid(format!(
                "tensor {name}: shape {shape:?} does not split into {ttype} blocks"
            ))
        })?;
        self.put(&i32_of(shape.len(), "n_dims")?.to_le_bytes())?;
        self.put(&i32_of(name.len(), "name length")?.to_le_bytes())?;
        self.put(&ttype.ggml_code().to_le_bytes())?;
        for &d in shape.iter().rev() {
            self.put(&i32_of(d, "dimension")?.to_le_bytes())?;
        }
        self.put(name.as_bytes())?;
        self.pending = size;
        self.current = name.into();
        Ok(())
    }

    /// Data of the current tensor, in as many pieces as convenient.
    pub fn write_data(&mut self, data: &[u8]) -> io::Result<()> {
        if data.len() as u64 > self.pending {
            return Err(invalid(format!(
                "tensor {}: {} more bytes than its shape allows",
                self.current,
                data.len() as u64 - self.pending
            )));
        }
        self.pending -= data.len() as u64;
        self.put(data)
    }

    fn check_complete(&self) -> io::Result<()> {
        if self.pending != 0 {
            return Err(invalid(format!(
                "tensor {}: {} bytes of data missing",
                self.current, self.pending
            )));
        }
        Ok(())
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// Checks the last tensor is complete, flushes, and hands the output back.
    pub fn finish(mut self) -> io::Result<W> {
        self.check_complete()?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The part of the file before the tensors.
#[derive(Debug, Clone)]
pub struct GgmlHeader {
    pub hparams: Hparams,
    pub mel: MelFilters,
    /// Token bytes by id.
    pub vocab: Vec<Vec<u8>>,
}

/// A tensor's header and where its data lies.
struct TensorEntry {
    name: String,
    shape: Vec<usize>,
    ttype: TensorType,
    data: Option<Vec<u8>>,
}

/// Reads the structure of a file with bounds checks everywhere, so that a damaged file yields
/// an error rather than a huge allocation or a panic.
struct Walker {
    r: BufReader<File>,
    path: PathBuf,
    offset: u64,
    size: u64,
}

impl Walker {
    fn open(path: &Path) -> Result<Self, ModelFileError> {
        let io_err = |source| ModelFileError::Io {
            path: path.into(),
            source,
        };
        let file = File::open(path).map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if meta.is_dir() {
            return Err(io_err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a directory, not a file",
            )));
        }
        Ok(Walker {
            r: BufReader::with_capacity(1 << 16, file),
            path: path.into(),
            offset: 0,
            size: meta.len(),
        })
    }

    fn truncated(&self, what: String, needed: u64) -> ModelFileError {
        ModelFileError::Truncated {
            path: self.path.clone(),
            what,
            offset: self.offset,
            needed,
            size: self.size,
        }
    }

    fn corrupt(&self, reason: String) -> ModelFileError {
        ModelFileError::Corrupt {
            path: self.path.clone(),
            reason,
        }
    }

    fn need(&self, n: u64, what: &dyn Fn() -> String) -> Result<(), ModelFileError> {
        if self.size.saturating_sub(self.offset) < n {
            return Err(self.truncated(what(), n));
        }
        Ok(())
    }

    fn bytes(&mut self, buf: &mut [u8], what: &dyn Fn() -> String) -> Result<(), ModelFileError> {
        self.need(buf.len() as u64, what)?;
        self.r.read_exact(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                // The file shrank while being read.
                self.truncated(what(), buf.len() as u64)
            } else {
                ModelFileError::Io {
                    path: self.path.clone(),
                    source: e,
                }
            }
        })?;
        self.offset += buf.len() as u64;
        Ok(())
    }

    fn skip(&mut self, n: u64, what: &dyn Fn() -> String) -> Result<(), ModelFileError> {
        self.need(n, what)?;
        let n_i64 = i64::try_from(n).map_err(|_| self.truncated(what(), n))?;
        self.r
            .seek_relative(n_i64)
            .map_err(|source| ModelFileError::Io {
                path: self.path.clone(),
                source,
            })?;
        self.offset += n;
        Ok(())
    }

    fn i32(&mut self, what: &dyn Fn() -> String) -> Result<i32, ModelFileError> {
        let mut b = [0u8; 4];
        self.bytes(&mut b, what)?;
        Ok(i32::from_le_bytes(b))
    }

    fn magic_and_hparams(&mut self) -> Result<Hparams, ModelFileError> {
        if self.size == 0 {
            return Err(ModelFileError::Empty {
                path: self.path.clone(),
            });
        }
        let mut head = vec![0u8; self.size.min(512) as usize];
        self.bytes(&mut head, &|| "file start".into())?;
        if head.len() < 4 || u32::from_le_bytes([head[0], head[1], head[2], head[3]]) != MAGIC {
            let (found, hint) = sniff(&head, &self.path);
            return Err(ModelFileError::NotGgml {
                path: self.path.clone(),
                found,
                hint,
            });
        }
        if head.len() < 48 {
            self.offset = 4;
            return Err(self.truncated("the hyperparameters".into(), 44));
        }
        let mut a = [0i32; 11];
        for (i, v) in a.iter_mut().enumerate() {
            let at = 4 + 4 * i;
            *v = i32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
        }
        // Rewind to just after the hparams; the sniffing read may have gone further.
        let back = self.offset - 48;
        self.r
            .seek_relative(-(back as i64))
            .map_err(|source| ModelFileError::Io {
                path: self.path.clone(),
                source,
            })?;
        self.offset = 48;
        Ok(Hparams::from_array(a))
    }

    fn mel_and_vocab(
        &mut self,
        hparams: &Hparams,
    ) -> Result<(MelFilters, Vec<Vec<u8>>), ModelFileError> {
        let n_mel = self.i32(&|| "the mel filter header".into())?;
        let n_fft = self.i32(&|| "the mel filter header".into())?;
        if n_mel != hparams.n_mels || n_fft != N_FFT_BINS as i32 {
            return Err(self.corrupt(format!(
                "mel filter bank is {n_mel} x {n_fft}, expected {} x {N_FFT_BINS}",
                hparams.n_mels
            )));
        }
        let count = (n_mel as usize) * (n_fft as usize);
        let mut raw = vec![0u8; count * 4];
        self.bytes(&mut raw, &|| "the mel filter bank".into())?;
        let data = raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let mel = MelFilters {
            n_mel: n_mel as usize,
            n_fft: n_fft as usize,
            data,
        };
        let n_tokens = self.i32(&|| "the vocabulary size".into())?;
        if n_tokens < 1 || n_tokens > hparams.n_vocab {
            return Err(self.corrupt(format!(
                "the vocabulary claims {n_tokens} tokens (n_vocab is {})",
                hparams.n_vocab
            )));
        }
        let mut vocab = Vec::with_capacity(n_tokens as usize);
        for id in 0..n_tokens {
            let len = self.i32(&|| format!("the length of token {id}"))? as u32;
            if len > 4096 {
                return Err(self.corrupt(format!("token {id} claims {len} bytes")));
            }
            let mut token = vec![0u8; len as usize];
            self.bytes(&mut token, &|| format!("token {id}"))?;
            vocab.push(token);
        }
        Ok((mel, vocab))
    }

    /// The next tensor, or `None` at a clean end of file.
    fn tensor(
        &mut self,
        index: usize,
        keep_data: bool,
    ) -> Result<Option<TensorEntry>, ModelFileError> {
        if self.offset == self.size {
            return Ok(None);
        }
        let what = || format!("the header of tensor #{index}");
        let n_dims = self.i32(&what)?;
        let name_len = self.i32(&what)?;
        let code = self.i32(&what)?;
        if !(1..=4).contains(&n_dims) {
            return Err(self.corrupt(format!("tensor #{index} has {n_dims} dimensions")));
        }
        if !(1..=256).contains(&name_len) {
            return Err(self.corrupt(format!("tensor #{index} has a name of {name_len} bytes")));
        }
        let mut ne = Vec::with_capacity(n_dims as usize);
        for _ in 0..n_dims {
            let d = self.i32(&what)?;
            if d < 1 {
                return Err(self.corrupt(format!("tensor #{index} has dimension {d}")));
            }
            ne.push(d as usize);
        }
        let mut name = vec![0u8; name_len as usize];
        self.bytes(&mut name, &what)?;
        let name = String::from_utf8(name)
            .map_err(|_| self.corrupt(format!("tensor #{index} has a name that is not UTF-8")))?;
        let ttype = TensorType::from_ggml(code)
            .ok_or_else(|| self.corrupt(format!("tensor {name} has unknown type {code}")))?;
        let shape: Vec<usize> = ne.into_iter().rev().collect();
        let size = ttype.data_size(&shape).ok_or_else(|| {
            self.corrupt(format!(
                "tensor {name} of shape {shape:?} does not split into {ttype} blocks"
            ))
        })?;
        let what = || format!("the data of tensor {name}");
        let data = if keep_data {
            self.need(size, &what)?;
            let mut data = vec![0u8; size as usize];
            self.bytes(&mut data, &what)?;
            Some(data)
        } else {
            self.skip(size, &what)?;
            None
        };
        Ok(Some(TensorEntry {
            name,
            shape,
            ttype,
            data,
        }))
    }
}

/// Says what a file that is not a ggml model looks like, and what to do about it.
fn sniff(head: &[u8], path: &Path) -> (String, String) {
    let starts = |p: &[u8]| head.starts_with(p);
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if starts(b"GGUF") {
        return (
            "a GGUF file (the newer llama.cpp format)".into(),
            "whisper.cpp reads the older ggml format (files named ggml-*.bin); get the model in \
             that format."
                .into(),
        );
    }
    if let Some(spec) = ct2_spec(head) {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| ".".into());
        return (
            format!("a CTranslate2 (faster-whisper) model.bin ({spec})"),
            format!(
                "Convert its directory to a whisper.cpp model first: `rehearse model import {dir}`."
            ),
        );
    }
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        let what = if file_name.ends_with(".whl") {
            "a Python wheel (a zip archive)"
        } else {
            "a zip archive (a Python wheel, a PyTorch checkpoint or a zipped download)"
        };
        return (
            what.into(),
            "Unpack it; if it holds a CTranslate2 model (model.bin, config.json, vocabulary), \
             convert that directory with `rehearse model import DIR`."
                .into(),
        );
    }
    if starts(b"version https://git-lfs") {
        return (
            "a Git LFS pointer, not the model itself".into(),
            "Fetch the real file (git lfs pull, or the repository's download link).".into(),
        );
    }
    let text_start: &[u8] = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let trimmed: Vec<u8> = text_start
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(200)
        .map(u8::to_ascii_lowercase)
        .collect();
    let contains = |needle: &[u8]| trimmed.windows(needle.len()).any(|w| w == needle);
    if trimmed.starts_with(b"<") && (contains(b"html") || contains(b"<!doctype")) {
        return (
            "an HTML page".into(),
            "The download probably returned an error or login page instead of the model; check \
             the URL and download again."
                .into(),
        );
    }
    if trimmed.starts_with(b"{") || trimmed.starts_with(b"[") {
        return (
            "a JSON document".into(),
            "Perhaps config.json or an error response from a server; a model file is binary."
                .into(),
        );
    }
    if head.len() >= 9 && head[8] == b'{' {
        return (
            "a safetensors file (Hugging Face weights)".into(),
            "whisper.cpp cannot read it; use a ggml-*.bin model, or convert a CTranslate2 \
             model with `rehearse model import DIR`."
                .into(),
        );
    }
    if head.len() >= 2 && head[0] == 0x80 && (2..=5).contains(&head[1]) {
        return (
            "a Python pickle (an old PyTorch checkpoint)".into(),
            "whisper.cpp cannot read it; use a ggml-*.bin model.".into(),
        );
    }
    if starts(b"ggml") || starts(b"ggjt") || starts(b"ggmf") || starts(b"tjgg") || starts(b"fmgg") {
        return (
            "a ggml-family file of another kind (byte-swapped or llama.cpp's legacy format)".into(),
            "Use a whisper.cpp model (ggml-*.bin for Whisper).".into(),
        );
    }
    let shown: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let printable = head
        .iter()
        .take(64)
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if printable {
        let text: String = head.iter().take(40).map(|&b| b as char).collect();
        return (
            format!("a text file (starting {:?})", text.trim()),
            "A model file is binary; check that the path points at the model.".into(),
        );
    }
    (
        format!("unknown data (first bytes {})", shown.join(" ")),
        "Use a whisper.cpp model (ggml-*.bin), or convert a CTranslate2 model with \
         `rehearse model import DIR`."
            .into(),
    )
}

/// The spec name when `head` starts like a CTranslate2 `model.bin` (binary version 2 or later).
fn ct2_spec(head: &[u8]) -> Option<String> {
    let version = u32::from_le_bytes(head.get(0..4)?.try_into().ok()?);
    if !(2..=20).contains(&version) {
        return None;
    }
    let len = usize::from(u16::from_le_bytes(head.get(4..6)?.try_into().ok()?));
    let s = head.get(6..6 + len)?;
    let (nul, body) = s.split_last()?;
    if *nul != 0 || body.is_empty() || !body.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some(format!(
        "binary version {version}, spec {}",
        String::from_utf8_lossy(body)
    ))
}

/// Checks a file the way whisper.cpp's loader will, without loading the weights: magic,
/// plausible hyperparameters, mel filters, vocabulary, and every tensor header against the
/// exact layout whisper.cpp expects (names, shapes, types), with each tensor's data present.
pub fn inspect(path: &Path) -> Result<GgmlInfo, ModelFileError> {
    let mut w = Walker::open(path)?;
    let hparams = w.magic_and_hparams()?;
    hparams
        .check()
        .map_err(|reason| ModelFileError::BadHparams {
            path: path.into(),
            reason,
        })?;
    let (_, vocab) = w.mel_and_vocab(&hparams)?;
    let layout = hparams
        .tensor_layout()
        .ok_or_else(|| ModelFileError::BadHparams {
            path: path.into(),
            reason: format!("ftype = {} is not a known file type", hparams.ftype),
        })?;
    let mut expected: HashMap<&str, &TensorSpec> =
        layout.iter().map(|s| (s.name.as_str(), s)).collect();
    let layout_err = |reason: String| ModelFileError::Layout {
        path: path.into(),
        reason,
    };
    let mut count = 0;
    while let Some(t) = w.tensor(count, false)? {
        count += 1;
        let Some(spec) = expected.remove(t.name.as_str()) else {
            let reason = if layout.iter().any(|s| s.name == t.name) {
                format!("tensor {} appears twice", t.name)
            } else {
                format!("unknown tensor {} (whisper.cpp refuses it)", t.name)
            };
            return Err(layout_err(reason));
        };
        // whisper.cpp compares the first three ggml dimensions, padded with 1s, so a shape
        // that only adds trailing ggml 1s (leading numpy 1s) is still accepted.
        if ggml_dims(&t.shape) != ggml_dims(&spec.shape) {
            return Err(layout_err(format!(
                "tensor {} has shape {:?}, expected {:?} for these hyperparameters",
                t.name, t.shape, spec.shape
            )));
        }
        if t.ttype != spec.ttype {
            return Err(layout_err(format!(
                "tensor {} is stored as {}, but a file of type {} needs {} there",
                t.name,
                t.ttype,
                hparams.weight_type().map(TensorType::name).unwrap_or("?"),
                spec.ttype
            )));
        }
    }
    if !expected.is_empty() {
        let mut missing: Vec<&str> = layout
            .iter()
            .map(|s| s.name.as_str())
            .filter(|n| expected.contains_key(n))
            .collect();
        let total = missing.len();
        missing.truncate(3);
        return Err(layout_err(format!(
            "it has {count} of the {} tensors a model of this shape needs ({total} missing, \
             e.g. {}); the file is incomplete",
            layout.len(),
            missing.join(", ")
        )));
    }
    Ok(GgmlInfo {
        path: path.into(),
        file_size: w.size,
        hparams,
        ftype: hparams.weight_type().unwrap_or(TensorType::F32),
        quantization_version: hparams.quantization_version(),
        tensor_count: count,
        vocab_count: vocab.len(),
        english_only: hparams.is_english_only(),
        size_name: hparams.size_name(),
    })
}

/// ggml's `ne` for a numpy shape: reversed, padded with 1s to four dimensions.
fn ggml_dims(shape: &[usize]) -> [usize; 4] {
    let mut ne = [1; 4];
    for (slot, &d) in ne.iter_mut().zip(shape.iter().rev()) {
        *slot = d;
    }
    ne
}

/// Reads the header (hparams, mel filters, vocabulary) without checking plausibility.
pub fn read_header(path: &Path) -> Result<GgmlHeader, ModelFileError> {
    let mut w = Walker::open(path)?;
    let hparams = w.magic_and_hparams()?;
    let (mel, vocab) = w.mel_and_vocab(&hparams)?;
    Ok(GgmlHeader {
        hparams,
        mel,
        vocab,
    })
}

/// Reads every tensor with its data, checking structure but not the Whisper layout (use
/// [`inspect`] for that). Holds the whole file in memory.
pub fn read_tensors(path: &Path) -> Result<Vec<GgmlTensor>, ModelFileError> {
    let mut w = Walker::open(path)?;
    let hparams = w.magic_and_hparams()?;
    w.mel_and_vocab(&hparams)?;
    let mut out = Vec::new();
    while let Some(t) = w.tensor(out.len(), true)? {
        out.push(GgmlTensor {
            name: t.name,
            shape: t.shape,
            ttype: t.ttype,
            data: t.data.unwrap_or_default(),
        });
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builds small valid ggml files for tests.

    use super::*;

    pub(crate) fn tiny_hparams(ftype: TensorType) -> Hparams {
        Hparams {
            n_vocab: N_VOCAB_ENGLISH,
            n_audio_ctx: 8,
            n_audio_state: 32,
            n_audio_head: 2,
            n_audio_layer: 1,
            n_text_ctx: 4,
            n_text_state: 32,
            n_text_head: 2,
            n_text_layer: 1,
            n_mels: 80,
            ftype: ftype.file_ftype(),
        }
    }

    /// A complete, valid file for `h` with deterministic data.
    pub(crate) fn write_valid(h: &Hparams) -> Vec<u8> {
        let mel = MelFilters {
            n_mel: h.n_mels as usize,
            n_fft: N_FFT_BINS,
            data: vec![0.5; h.n_mels as usize * N_FFT_BINS],
        };
        let vocab: Vec<Vec<u8>> = (0..50257).map(|i| format!("t{i}").into_bytes()).collect();
        let mut w = GgmlWriter::new(Vec::new(), h, &mel, &vocab).unwrap();
        for spec in h.tensor_layout().unwrap() {
            w.begin_tensor(&spec.name, &spec.shape, spec.ttype).unwrap();
            let n: usize = spec.shape.iter().product();
            let values: Vec<f32> = (0..n).map(|i| (i % 7) as f32 - 3.0).collect();
            let data: Vec<u8> = match spec.ttype {
                TensorType::F32 => values.iter().flat_map(|x| x.to_le_bytes()).collect(),
                TensorType::F16 => values
                    .iter()
                    .flat_map(|x| f16::from_f32(*x).to_le_bytes())
                    .collect(),
                TensorType::Q8_0 => {
                    let mut out = Vec::new();
                    quantize_q8_0(&values, &mut out);
                    out
                }
                other => panic!("no test data for {other}"),
            };
            w.write_data(&data).unwrap();
        }
        w.finish().unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn err_of(dir: &Path, name: &str, bytes: &[u8]) -> String {
        let p = write(dir, name, bytes);
        inspect(&p).unwrap_err().to_string()
    }

    #[test]
    fn ftype_values() {
        assert_eq!(TensorType::F32.file_ftype(), 0);
        assert_eq!(TensorType::F16.file_ftype(), 1);
        assert_eq!(TensorType::Q8_0.file_ftype(), 2007);
        assert_eq!(TensorType::Q5_1.file_ftype(), 2009);
        let h = tiny_hparams(TensorType::Q8_0);
        assert_eq!(h.weight_type(), Some(TensorType::Q8_0));
        assert_eq!(h.quantization_version(), 2);
    }

    #[test]
    fn tensor_counts_match_whisper_cpp() {
        let mut h = tiny_hparams(TensorType::F16);
        for (enc, dec, n) in [(4, 4, 167), (6, 6, 245), (12, 12, 479), (32, 2, 539)] {
            h.n_audio_layer = enc;
            h.n_text_layer = dec;
            assert_eq!(h.expected_tensor_count(), n);
            assert_eq!(h.tensor_layout().unwrap().len(), n);
        }
    }

    #[test]
    fn names_and_sizes() {
        let mut h = tiny_hparams(TensorType::F16);
        (h.n_audio_layer, h.n_audio_state) = (4, 384);
        assert_eq!(h.size_name(), Some("tiny"));
        assert_eq!(h.model_name(), "tiny.en");
        (h.n_audio_layer, h.n_audio_state, h.n_vocab) = (6, 512, 51865);
        assert_eq!(h.model_name(), "base");
        (h.n_audio_layer, h.n_audio_state, h.n_vocab) = (32, 1280, 51866);
        assert_eq!(h.model_name(), "large-v3");
        (h.n_audio_layer, h.n_audio_state) = (3, 384);
        assert_eq!(h.size_name(), None);
        assert_eq!(h.model_name(), "custom");
    }

    #[test]
    fn write_read_round_trip_and_inspect() {
        let dir = tempfile::tempdir().unwrap();
        for t in [TensorType::F32, TensorType::F16, TensorType::Q8_0] {
            let h = tiny_hparams(t);
            let bytes = write_valid(&h);
            let p = write(dir.path(), &format!("ggml-{t}.bin"), &bytes);
            let info = inspect(&p).unwrap();
            assert_eq!(info.hparams, h);
            assert_eq!(info.ftype, t);
            assert_eq!(info.tensor_count, 7 + 15 + 4 + 24);
            assert_eq!(info.file_size, bytes.len() as u64);
            assert_eq!(info.vocab_count, 50257);
            assert!(info.english_only);
            let header = read_header(&p).unwrap();
            assert_eq!(header.vocab[12], b"t12");
            assert_eq!(header.mel.data.len(), 80 * 201);
            let tensors = read_tensors(&p).unwrap();
            assert_eq!(tensors.len(), info.tensor_count);
            let layout = h.tensor_layout().unwrap();
            for (t, spec) in tensors.iter().zip(&layout) {
                assert_eq!(t.name, spec.name);
                assert_eq!(t.shape, spec.shape);
                let values = t.to_f32().unwrap();
                // q8_0 blocks here hold -3..=3, so their step is 3/127.
                let tolerance = if t.ttype == TensorType::Q8_0 {
                    0.6 * 3.0 / 127.0
                } else {
                    0.0
                };
                for (i, v) in values.iter().enumerate() {
                    let want = (i % 7) as f32 - 3.0;
                    assert!((v - want).abs() <= tolerance, "{} [{i}]: {v}", t.name);
                }
            }
        }
    }

    #[test]
    fn q8_0_blocks() {
        let values: Vec<f32> = (0..64).map(|i| (i as f32 - 20.0) * 0.01).collect();
        let mut out = Vec::new();
        quantize_q8_0(&values, &mut out);
        assert_eq!(out.len(), 2 * Q8_0_BLOCK_BYTES);
        let back = dequantize(TensorType::Q8_0, &out).unwrap();
        for (block, chunk) in values.chunks(32).enumerate() {
            let d = chunk.iter().fold(0f32, |m, x| m.max(x.abs())) / 127.0;
            for (j, x) in chunk.iter().enumerate() {
                let y = back[block * 32 + j];
                assert!((x - y).abs() <= 0.6 * d, "{x} vs {y}");
            }
        }
        // The largest magnitude maps to +-127; an all-zero block has scale 0.
        assert_eq!(out[2] as i8, -127);
        let mut zero = Vec::new();
        quantize_q8_0(&[0.0; 32], &mut zero);
        assert!(zero.iter().all(|&b| b == 0));
    }

    #[test]
    fn writer_refuses_misuse() {
        let h = tiny_hparams(TensorType::F16);
        let mel = MelFilters {
            n_mel: 80,
            n_fft: 201,
            data: vec![0.0; 80 * 201],
        };
        let mut w = GgmlWriter::new(Vec::new(), &h, &mel, &[b"a".to_vec()]).unwrap();
        w.begin_tensor("x", &[2, 2], TensorType::F32).unwrap();
        assert!(w.write_data(&[0; 20]).is_err());
        w.write_data(&[0; 8]).unwrap();
        assert!(w.begin_tensor("y", &[2], TensorType::F32).is_err());
        assert!(w.finish().is_err());
        let mut w = GgmlWriter::new(Vec::new(), &h, &mel, &[]).unwrap();
        assert!(w.begin_tensor("q", &[2, 30], TensorType::Q8_0).is_err());
    }

    #[test]
    fn refuses_empty_and_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let e = err_of(d, "empty.bin", b"");
        assert!(e.contains("is empty"), "{e}");

        let e = err_of(d, "model.gguf", b"GGUF\x03\0\0\0 and more");
        assert!(e.contains("GGUF"), "{e}");

        let mut ct2 = 6u32.to_le_bytes().to_vec();
        ct2.extend_from_slice(&12u16.to_le_bytes());
        ct2.extend_from_slice(b"WhisperSpec\0");
        ct2.extend_from_slice(&[3, 0, 0, 0, 148, 0, 0, 0]);
        let sub = d.join("faster-whisper-tiny");
        std::fs::create_dir(&sub).unwrap();
        let e = err_of(&sub, "model.bin", &ct2);
        assert!(e.contains("CTranslate2"), "{e}");
        assert!(e.contains("WhisperSpec"), "{e}");
        assert!(
            e.contains(&format!("rehearse model import {}", sub.display())),
            "{e}"
        );

        let e = err_of(d, "x.whl", b"PK\x03\x04\x14\0\0\0");
        assert!(e.contains("Python wheel"), "{e}");
        let e = err_of(
            d,
            "ggml-base.bin",
            b"\n<!DOCTYPE html>\n<html><body>404 Not Found</body></html>",
        );
        assert!(e.contains("HTML page"), "{e}");
        let e = err_of(
            d,
            "ptr.bin",
            b"version https://git-lfs.github.com/spec/v1\n",
        );
        assert!(e.contains("Git LFS"), "{e}");
        let e = err_of(d, "junk.bin", &[0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5]);
        assert!(e.contains("unknown data (first bytes de ad be ef"), "{e}");
        let e = err_of(d, "two.bin", b"lm");
        assert!(e.contains("not a whisper.cpp model"), "{e}");

        let e = inspect(d).unwrap_err().to_string();
        assert!(e.contains("directory"), "{e}");
        let e = inspect(&d.join("missing.bin")).unwrap_err().to_string();
        assert!(e.contains("cannot read"), "{e}");
    }

    #[test]
    fn refuses_truncated_files() {
        let dir = tempfile::tempdir().unwrap();
        let full = write_valid(&tiny_hparams(TensorType::F16));
        // Cuts inside the hparams, the mel filters, the vocabulary, a tensor header and the
        // last tensor's data.
        for cut in [
            10,
            48 + 8 + 100,
            48 + 8 + 80 * 201 * 4 + 4 + 1000,
            full.len() - 1,
        ] {
            let e = err_of(dir.path(), "cut.bin", &full[..cut]);
            assert!(e.contains("truncated"), "cut at {cut}: {e}");
        }
        // A cut exactly between tensors leaves a well-formed but incomplete file.
        let p = write(dir.path(), "whole.bin", &full);
        let tensors = read_tensors(&p).unwrap();
        let last = tensors.last().unwrap();
        let last_size = tensor_header_size(&last.name, last.shape.len()) + last.data.len() as u64;
        let cut = full.len() - last_size as usize;
        let e = err_of(dir.path(), "cut.bin", &full[..cut]);
        assert!(e.contains("1 missing"), "{e}");
        assert!(e.contains("incomplete"), "{e}");
    }

    #[test]
    fn refuses_implausible_hparams_and_layouts() {
        let dir = tempfile::tempdir().unwrap();
        let good = tiny_hparams(TensorType::F16);
        type Change = fn(&mut Hparams);
        let cases: [(Change, &str); 5] = [
            (|h| h.n_vocab = 1000, "n_vocab = 1000"),
            (|h| h.n_audio_layer = 100_000, "n_audio_layer"),
            (|h| h.n_text_state = 64, "differs"),
            (|h| h.n_mels = 7, "n_mels = 7"),
            (|h| h.ftype = 5, "ftype = 5"),
        ];
        for (change, needle) in cases {
            let mut h = good;
            change(&mut h);
            let mut bytes = write_valid(&good);
            for (i, v) in h.to_array().iter().enumerate() {
                bytes[4 + 4 * i..8 + 4 * i].copy_from_slice(&v.to_le_bytes());
            }
            let e = err_of(dir.path(), "h.bin", &bytes);
            assert!(e.contains("implausible") && e.contains(needle), "{e}");
        }

        // Declared f16 but written with q8_0 matrices.
        let mut bytes = write_valid(&tiny_hparams(TensorType::Q8_0));
        bytes[4 + 40..48].copy_from_slice(&1i32.to_le_bytes());
        let e = err_of(dir.path(), "t.bin", &bytes);
        assert!(
            e.contains("stored as q8_0") && e.contains("needs f16"),
            "{e}"
        );

        // A renamed tensor.
        let bytes = write_valid(&good);
        let at = bytes.windows(8).position(|w| w == b"ln_post.").unwrap();
        let mut bad = bytes.clone();
        bad[at..at + 7].copy_from_slice(b"ln_pre_");
        let e = err_of(dir.path(), "n.bin", &bad);
        assert!(e.contains("unknown tensor encoder.ln_pre_"), "{e}");
    }
}
