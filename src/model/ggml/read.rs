//! Reading a whisper.cpp model file back: [`inspect`] walks the whole file the way whisper.cpp's
//! loader will and says in one line what is wrong with a bad one; [`read_header`] and
//! [`read_tensors`] load its parts.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use super::{
    GgmlInfo, GgmlTensor, Hparams, MAGIC, MelFilters, ModelFileError, N_FFT_BINS, TensorSpec,
    TensorType,
};

/// The part of the file before the tensors.
#[derive(Debug, Clone)]
pub struct GgmlHeader {
    pub hparams: Hparams,
    pub mel: MelFilters,
    /// Token bytes by id.
    pub vocab: Vec<Vec<u8>>,
}

/// A tensor's header and where its data lies.
pub(super) struct TensorEntry {
    name: String,
    shape: Vec<usize>,
    ttype: TensorType,
    data: Option<Vec<u8>>,
}

/// Reads the structure of a file with bounds checks everywhere, so that a damaged file yields
/// an error rather than a huge allocation or a panic.
pub(super) struct Walker<R = File> {
    r: BufReader<R>,
    path: PathBuf,
    offset: u64,
    size: u64,
}

impl Walker<io::Cursor<&[u8]>> {
    /// A walker over a file held in memory; `path` is only used in messages.
    fn over_bytes<'a>(path: &Path, bytes: &'a [u8]) -> Walker<io::Cursor<&'a [u8]>> {
        Walker {
            r: BufReader::with_capacity(1 << 16, io::Cursor::new(bytes)),
            path: path.into(),
            offset: 0,
            size: bytes.len() as u64,
        }
    }
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
}

impl<R: Read + Seek> Walker<R> {
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
        // One line whatever a name from the file holds (each message quotes names short too).
        ModelFileError::Corrupt {
            path: self.path.clone(),
            reason: crate::quote::short_message(&reason),
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
        // Every message quotes the name short: it is up to 256 bytes from the file.
        let shown = crate::quote::snippet(&name);
        let ttype = TensorType::from_ggml(code)
            .ok_or_else(|| self.corrupt(format!("tensor {shown} has unknown type {code}")))?;
        let shape: Vec<usize> = ne.into_iter().rev().collect();
        let size = ttype.data_size(&shape).ok_or_else(|| {
            self.corrupt(format!(
                "tensor {shown} of shape {shape:?} does not split into {ttype} blocks"
            ))
        })?;
        let what = || format!("the data of tensor {shown}");
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
pub(super) fn sniff(head: &[u8], path: &Path) -> (String, String) {
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
pub(super) fn ct2_spec(head: &[u8]) -> Option<String> {
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
    inspect_walker(path, Walker::open(path)?)
}

/// [`inspect`] for a file held in memory; `path` is only used in messages. The fuzz target for
/// the model check enters here.
pub fn inspect_bytes(path: &Path, bytes: &[u8]) -> Result<GgmlInfo, ModelFileError> {
    if bytes.is_empty() {
        return Err(ModelFileError::Empty { path: path.into() });
    }
    inspect_walker(path, Walker::over_bytes(path, bytes))
}

fn inspect_walker<R: Read + Seek>(
    path: &Path,
    mut w: Walker<R>,
) -> Result<GgmlInfo, ModelFileError> {
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
    // One line whatever a name from the file holds (each message quotes names short as well).
    let layout_err = |reason: String| ModelFileError::Layout {
        path: path.into(),
        reason: crate::quote::short_message(&reason),
    };
    let mut count = 0;
    while let Some(t) = w.tensor(count, false)? {
        count += 1;
        let Some(spec) = expected.remove(t.name.as_str()) else {
            let reason = if layout.iter().any(|s| s.name == t.name) {
                format!("tensor {} appears twice", t.name)
            } else {
                format!(
                    "unknown tensor {} (whisper.cpp refuses it)",
                    crate::quote::snippet(&t.name)
                )
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
pub(super) fn ggml_dims(shape: &[usize]) -> [usize; 4] {
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
