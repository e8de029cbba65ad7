//! The whisper.cpp model file (the legacy "ggml" container, not GGUF): its hyperparameters, a
//! writer, a reader, and [`inspect`], which checks a file the way whisper.cpp's loader will
//! before whisper.cpp ever sees it, so that a bad file gets a clear message instead of a crash
//! or a bare "failed to load model".

mod read;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
mod write;

use std::io;
use std::path::PathBuf;

use half::f16;
use serde::Serialize;

pub use read::{GgmlHeader, inspect, inspect_bytes, read_header, read_tensors};
pub use write::{GgmlWriter, header_size, tensor_header_size};

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
