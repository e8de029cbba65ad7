//! Reader for CTranslate2 (faster-whisper) model directories: the `model.bin` weights (whole or
//! split into `model.bin.part1`, `model.bin.part2`, ...), `config.json` and the vocabulary.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use half::f16;
use serde::Deserialize;

/// Newest `model.bin` binary version this reader understands.
pub const MAX_BINARY_VERSION: u32 = 6;

/// [`Ct2Model::open_headers`] keeps the data of variables up to this size.
const SMALL_VARIABLE_BYTES: u64 = 64;

/// Spec name CTranslate2 writes for Whisper models.
pub const WHISPER_SPEC: &str = "WhisperSpec";

/// Errors from reading a CTranslate2 model directory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Ct2Error {
    #[error(
        "{}: not a directory; pass the directory of a CTranslate2 (faster-whisper) model, \
         which holds model.bin, config.json and vocabulary.txt or tokenizer.json",
        dir.display()
    )]
    NotADirectory { dir: PathBuf },

    #[error(
        "no model.bin (nor model.bin.part1, model.bin.part2, ...) in {}; pass the directory of a \
         CTranslate2 (faster-whisper) model, which holds model.bin, config.json and a vocabulary",
        dir.display()
    )]
    MissingModel { dir: PathBuf },

    #[error(
        "{}: model.bin is split into parts but model.bin.part{missing} is missing (found {found}); \
         put every part in the same directory",
        dir.display()
    )]
    MissingPart {
        dir: PathBuf,
        missing: u32,
        found: String,
    },

    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "{}: the file ends early ({context}, at byte {offset} of {size}); it is truncated: \
         download it again (for a split model, check that every model.bin.partN is complete)",
        path.display()
    )]
    Truncated {
        path: PathBuf,
        context: String,
        offset: u64,
        size: u64,
    },

    #[error("{}: not a valid CTranslate2 model.bin: {reason}", path.display())]
    BadFormat { path: PathBuf, reason: String },

    #[error(
        "{}: CTranslate2 binary version {version} is not supported (this reader knows versions \
         1 to {MAX_BINARY_VERSION}); convert the model again with a CTranslate2 version that writes \
         one of those",
        path.display()
    )]
    UnsupportedVersion { path: PathBuf, version: u32 },

    #[error("{}: variable {name}: {reason}", path.display())]
    BadVariable {
        path: PathBuf,
        name: String,
        reason: String,
    },

    #[error(
        "no vocabulary in {}: expected vocabulary.json, vocabulary.txt or tokenizer.json next to \
         model.bin (they come with every faster-whisper model; copy the one that came with it)",
        dir.display()
    )]
    MissingVocabulary { dir: PathBuf },

    #[error("{}: unusable vocabulary: {reason}", path.display())]
    BadVocabulary { path: PathBuf, reason: String },

    #[error("{}: invalid JSON ({message}); the file is damaged: copy or download it again", path.display())]
    Json { path: PathBuf, message: String },

    #[error("{}: {reason}; the file is damaged: copy or download it again", path.display())]
    BadConfig { path: PathBuf, reason: String },
}

impl Ct2Error {
    fn json(path: PathBuf, e: &serde_json::Error) -> Ct2Error {
        Ct2Error::Json {
            path,
            message: crate::quote::short_message(&e.to_string()),
        }
    }
}

/// Element type of a CTranslate2 variable, as coded in `model.bin` (version 4 and later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    BF16,
    /// A code this reader does not know; harmless unless the variable is needed.
    Unknown(u8),
}

impl DType {
    fn from_code(code: u8) -> Self {
        match code {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            5 => DType::BF16,
            other => DType::Unknown(other),
        }
    }

    /// Before version 4 only the item size was stored; CTranslate2 itself read 4 as float32,
    /// 2 as int16 and 1 as int8.
    fn from_item_size(size: u8) -> Option<Self> {
        match size {
            4 => Some(DType::F32),
            2 => Some(DType::I16),
            1 => Some(DType::I8),
            _ => None,
        }
    }

    /// Bytes per element, when known.
    pub fn size(self) -> Option<usize> {
        match self {
            DType::F32 | DType::I32 => Some(4),
            DType::I16 | DType::F16 | DType::BF16 => Some(2),
            DType::I8 => Some(1),
            DType::Unknown(_) => None,
        }
    }

    /// The name CTranslate2 uses for this type.
    pub fn name(self) -> String {
        match self {
            DType::F32 => "float32".into(),
            DType::I8 => "int8".into(),
            DType::I16 => "int16".into(),
            DType::I32 => "int32".into(),
            DType::F16 => "float16".into(),
            DType::BF16 => "bfloat16".into(),
            DType::Unknown(code) => format!("unknown type {code}"),
        }
    }
}

/// One variable of `model.bin`, its data kept as stored (little-endian).
#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub shape: Vec<usize>,
    pub dtype: DType,
    pub data: Vec<u8>,
}

impl Variable {
    /// Number of elements (1 for a scalar).
    pub fn numel(&self) -> usize {
        // Saturating: a file's shape may claim more than memory can hold, and a zero dimension
        // beside huge ones must not wrap (found by the ct2 fuzz target).
        saturating_product(&self.shape)
    }

    /// Rows of the variable seen as a matrix `[shape[0], rest]` (1 for a scalar).
    pub fn rows(&self) -> usize {
        self.shape.first().copied().unwrap_or(1)
    }

    /// Elements per row of the variable seen as a matrix `[shape[0], rest]`.
    pub fn row_len(&self) -> usize {
        saturating_product(&self.shape[self.shape.len().min(1)..])
    }
}

fn saturating_product(dims: &[usize]) -> usize {
    dims.iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .unwrap_or(usize::MAX)
}

/// A parsed `model.bin`. The variables stay in their stored types; [`Ct2Model::rows_f32`]
/// dequantizes on demand so that only one copy of the weights is held.
#[derive(Debug)]
pub struct Ct2Model {
    /// `model.bin`, or the first part of a split one; used in messages.
    pub path: PathBuf,
    pub binary_version: u32,
    /// `None` for binary version 1, which stored no spec.
    pub spec: Option<String>,
    pub spec_revision: u32,
    variables: Vec<Variable>,
    index: HashMap<String, usize>,
    aliases: HashMap<String, String>,
}

/// The files that make up a directory's `model.bin`: the file itself, or its parts in numeric
/// order.
pub fn model_files(dir: &Path) -> Result<Vec<PathBuf>, Ct2Error> {
    if !dir.is_dir() {
        return Err(Ct2Error::NotADirectory { dir: dir.into() });
    }
    let whole = dir.join("model.bin");
    if whole.is_file() {
        return Ok(vec![whole]);
    }
    let entries = fs::read_dir(dir).map_err(|source| Ct2Error::Io {
        path: dir.into(),
        source,
    })?;
    let mut parts: Vec<(u32, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Ct2Error::Io {
            path: dir.into(),
            source,
        })?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(n) = name
            .strip_prefix("model.bin.part")
            .and_then(|n| n.parse::<u32>().ok())
        {
            parts.push((n, entry.path()));
        }
    }
    if parts.is_empty() {
        return Err(Ct2Error::MissingModel { dir: dir.into() });
    }
    parts.sort_by_key(|(n, _)| *n);
    let found = parts
        .iter()
        .map(|(n, _)| format!("part{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    for (expected, (n, _)) in (1u32..).zip(&parts) {
        if *n != expected {
            return Err(Ct2Error::MissingPart {
                dir: dir.into(),
                missing: expected,
                found,
            });
        }
    }
    Ok(parts.into_iter().map(|(_, p)| p).collect())
}

/// Reads several files as one stream, in order.
struct Concat {
    files: Vec<PathBuf>,
    next: usize,
    current: Option<File>,
}

impl Read for Concat {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(file) = self.current.as_mut() {
                let n = file.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
                self.current = None;
            }
            let Some(path) = self.files.get(self.next) else {
                return Ok(0);
            };
            let file = File::open(path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            self.current = Some(file);
            self.next += 1;
        }
    }
}

/// Byte-counting reader that turns short reads into [`Ct2Error::Truncated`] with context.
struct Cursor<R> {
    inner: R,
    offset: u64,
    size: u64,
    path: PathBuf,
}

impl<R: Read> Cursor<R> {
    fn remaining(&self) -> u64 {
        self.size.saturating_sub(self.offset)
    }

    fn bytes(&mut self, buf: &mut [u8], context: &dyn Fn() -> String) -> Result<(), Ct2Error> {
        if (buf.len() as u64) > self.remaining() {
            return Err(self.truncated(context()));
        }
        match self.inner.read_exact(buf) {
            Ok(()) => {
                self.offset += buf.len() as u64;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(self.truncated(context())),
            Err(source) => Err(Ct2Error::Io {
                path: self.path.clone(),
                source,
            }),
        }
    }

    fn skip(&mut self, n: u64, context: &dyn Fn() -> String) -> Result<(), Ct2Error> {
        if n > self.remaining() {
            return Err(self.truncated(context()));
        }
        let copied =
            io::copy(&mut (&mut self.inner).take(n), &mut io::sink()).map_err(|source| {
                Ct2Error::Io {
                    path: self.path.clone(),
                    source,
                }
            })?;
        self.offset += copied;
        if copied != n {
            return Err(self.truncated(context()));
        }
        Ok(())
    }

    fn truncated(&self, context: String) -> Ct2Error {
        Ct2Error::Truncated {
            path: self.path.clone(),
            context,
            offset: self.offset,
            size: self.size,
        }
    }

    fn u8(&mut self, context: &dyn Fn() -> String) -> Result<u8, Ct2Error> {
        let mut b = [0u8; 1];
        self.bytes(&mut b, context)?;
        Ok(b[0])
    }

    fn u16(&mut self, context: &dyn Fn() -> String) -> Result<u16, Ct2Error> {
        let mut b = [0u8; 2];
        self.bytes(&mut b, context)?;
        Ok(u16::from_le_bytes(b))
    }

    fn u32(&mut self, context: &dyn Fn() -> String) -> Result<u32, Ct2Error> {
        let mut b = [0u8; 4];
        self.bytes(&mut b, context)?;
        Ok(u32::from_le_bytes(b))
    }

    /// A `u16` length (counting a trailing NUL) followed by the bytes.
    fn string(&mut self, context: &dyn Fn() -> String) -> Result<String, Ct2Error> {
        let len = usize::from(self.u16(context)?);
        let mut buf = vec![0u8; len];
        self.bytes(&mut buf, context)?;
        if buf.last() == Some(&0) {
            buf.pop();
        }
        let name = String::from_utf8(buf).map_err(|_| Ct2Error::BadFormat {
            path: self.path.clone(),
            reason: format!("a name that is not UTF-8 ({})", context()),
        })?;
        // Real names are short identifiers; a control character means a damaged header, and
        // would break the one-line message that quotes the name.
        if name.chars().any(char::is_control) {
            return Err(Ct2Error::BadFormat {
                path: self.path.clone(),
                reason: format!("a name with control characters ({})", context()),
            });
        }
        Ok(name)
    }
}

impl Ct2Model {
    /// Reads the `model.bin` of a CTranslate2 model directory (whole or split into parts).
    ///
    /// `progress(done, total)` is called in bytes of `model.bin` as variables are read.
    pub fn open(dir: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<Self, Ct2Error> {
        let files = model_files(dir)?;
        let mut size = 0u64;
        for f in &files {
            let meta = fs::metadata(f).map_err(|source| Ct2Error::Io {
                path: f.clone(),
                source,
            })?;
            size += meta.len();
        }
        let path = if files.len() == 1 {
            files[0].clone()
        } else {
            dir.join(format!("model.bin.part{{1..{}}}", files.len()))
        };
        let reader = Concat {
            files,
            next: 0,
            current: None,
        };
        // A large buffer: the file is mostly a few big reads, but its headers are many small ones.
        let reader = BufReader::with_capacity(1 << 20, reader);
        Self::parse(reader, size, &path, progress, false)
    }

    /// Like [`Ct2Model::open`], but keeps only the data of tiny variables (scalars such as the
    /// head counts): enough to learn the model's shape without holding its weights.
    pub fn open_headers(dir: &Path) -> Result<Self, Ct2Error> {
        let files = model_files(dir)?;
        let mut size = 0u64;
        for f in &files {
            size += fs::metadata(f)
                .map_err(|source| Ct2Error::Io {
                    path: f.clone(),
                    source,
                })?
                .len();
        }
        let path = files[0].clone();
        let reader = Concat {
            files,
            next: 0,
            current: None,
        };
        Self::parse(BufReader::new(reader), size, &path, &mut |_, _| {}, true)
    }

    /// Parses a `model.bin` stream of `size` bytes; `path` is only used in messages.
    pub fn from_reader(
        reader: impl Read,
        size: u64,
        path: &Path,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Self, Ct2Error> {
        Self::parse(reader, size, path, progress, false)
    }

    fn parse(
        reader: impl Read,
        size: u64,
        path: &Path,
        progress: &mut dyn FnMut(u64, u64),
        headers_only: bool,
    ) -> Result<Self, Ct2Error> {
        let mut r = Cursor {
            inner: reader,
            offset: 0,
            size,
            path: path.into(),
        };
        if size == 0 {
            return Err(Ct2Error::BadFormat {
                path: path.into(),
                reason: "the file is empty".into(),
            });
        }
        let version = r.u32(&|| "binary version".into())?;
        if version == 0 || version > MAX_BINARY_VERSION {
            // A wrong file is far more likely than a future format when the number is large.
            if version > 100 {
                return Err(Ct2Error::BadFormat {
                    path: path.into(),
                    reason: format!(
                        "it starts with bytes {:02x?}, not a CTranslate2 binary version",
                        version.to_le_bytes()
                    ),
                });
            }
            return Err(Ct2Error::UnsupportedVersion {
                path: path.into(),
                version,
            });
        }
        let (spec, spec_revision) = if version >= 2 {
            let spec = r.string(&|| "spec name".into())?;
            let revision = r.u32(&|| "spec revision".into())?;
            (Some(spec), revision)
        } else {
            (None, 1)
        };
        let nvars = r.u32(&|| "variable count".into())?;
        // Each variable takes at least 8 bytes of header, which bounds a corrupt count.
        if u64::from(nvars) * 8 > r.remaining() {
            return Err(r.truncated(format!(
                "the header lists {nvars} variables, more than the rest of the file can hold"
            )));
        }
        let mut variables = Vec::with_capacity(nvars as usize);
        let mut index = HashMap::with_capacity(nvars as usize);
        for i in 0..nvars {
            let name = r.string(&|| format!("name of variable {i}"))?;
            // Quoted short: a name may be up to 64 KB long.
            let shown = crate::quote::snippet(&name);
            let ctx = |what: &str| {
                let name = shown.clone();
                let what = what.to_string();
                move || format!("{what} of variable {name}")
            };
            let rank = r.u8(&ctx("rank"))?;
            if rank > 8 {
                return Err(Ct2Error::BadFormat {
                    path: path.into(),
                    reason: format!("variable {shown} has rank {rank}"),
                });
            }
            let mut shape = Vec::with_capacity(usize::from(rank));
            for _ in 0..rank {
                shape.push(r.u32(&ctx("shape"))? as usize);
            }
            let numel = shape
                .iter()
                .try_fold(1usize, |acc, &d| acc.checked_mul(d))
                .ok_or_else(|| Ct2Error::BadFormat {
                    path: path.into(),
                    reason: format!("variable {shown} has an impossible shape {shape:?}"),
                })?;
            let (dtype, nbytes) = if version >= 4 {
                let dtype = DType::from_code(r.u8(&ctx("type"))?);
                let nbytes = u64::from(r.u32(&ctx("byte count"))?);
                if let Some(size) = dtype.size()
                    && (numel as u64).checked_mul(size as u64) != Some(nbytes)
                {
                    return Err(Ct2Error::BadFormat {
                        path: path.into(),
                        reason: format!(
                            "variable {shown} of shape {shape:?} and type {} has {nbytes} bytes",
                            dtype.name()
                        ),
                    });
                }
                (dtype, nbytes)
            } else {
                let item_size = r.u8(&ctx("item size"))?;
                let count = u64::from(r.u32(&ctx("element count"))?);
                let dtype =
                    DType::from_item_size(item_size).ok_or_else(|| Ct2Error::BadFormat {
                        path: path.into(),
                        reason: format!("variable {shown} has item size {item_size}"),
                    })?;
                (dtype, count * u64::from(item_size))
            };
            if nbytes > r.remaining() {
                return Err(r.truncated(format!("variable {shown} needs {nbytes} bytes")));
            }
            let data = if headers_only && nbytes > SMALL_VARIABLE_BYTES {
                r.skip(nbytes, &ctx("data"))?;
                Vec::new()
            } else {
                let mut data = vec![0u8; nbytes as usize];
                r.bytes(&mut data, &ctx("data"))?;
                data
            };
            index.insert(name.clone(), variables.len());
            variables.push(Variable {
                name,
                shape,
                dtype,
                data,
            });
            progress(r.offset, size);
        }
        let mut aliases = HashMap::new();
        if version >= 3 {
            let n = r.u32(&|| "alias count".into())?;
            for i in 0..n {
                let alias = r.string(&|| format!("alias {i}"))?;
                let target = r.string(&|| format!("target of alias {alias}"))?;
                aliases.insert(alias, target);
            }
        }
        progress(size, size);
        Ok(Ct2Model {
            path: path.into(),
            binary_version: version,
            spec,
            spec_revision,
            variables,
            index,
            aliases,
        })
    }

    /// All stored variables, sorted by name as CTranslate2 writes them.
    pub fn variables(&self) -> &[Variable] {
        &self.variables
    }

    /// Alias -> target pairs.
    pub fn aliases(&self) -> &HashMap<String, String> {
        &self.aliases
    }

    /// A variable by name, following aliases (an alias `A` of `T` also makes `A_scale` name
    /// `T_scale`, as CTranslate2 does).
    pub fn get(&self, name: &str) -> Option<&Variable> {
        if let Some(&i) = self.index.get(name) {
            return Some(&self.variables[i]);
        }
        if let Some(target) = self.aliases.get(name) {
            return self.index.get(target).map(|&i| &self.variables[i]);
        }
        let stem = name.strip_suffix("_scale")?;
        let target = self.aliases.get(stem)?;
        self.index
            .get(&format!("{target}_scale"))
            .map(|&i| &self.variables[i])
    }

    /// A scalar integer variable such as `encoder/num_heads`.
    pub fn scalar_i64(&self, name: &str) -> Option<i64> {
        let v = self.get(name)?;
        if v.numel() != 1 {
            return None;
        }
        let d = &v.data;
        if Some(d.len()) != v.dtype.size() {
            return None;
        }
        match v.dtype {
            DType::I8 => Some(i64::from(d[0] as i8)),
            DType::I16 => Some(i64::from(i16::from_le_bytes([d[0], d[1]]))),
            DType::I32 => Some(i64::from(i32::from_le_bytes([d[0], d[1], d[2], d[3]]))),
            DType::F32 | DType::F16 | DType::BF16 => {
                let x = decode_floats(v.dtype, d).first().copied()?;
                (x.fract() == 0.0).then_some(x as i64)
            }
            DType::Unknown(_) => None,
        }
    }

    fn bad(&self, name: &str, reason: String) -> Ct2Error {
        Ct2Error::BadVariable {
            path: self.path.clone(),
            name: name.into(),
            reason,
        }
    }

    /// Rows `rows` of variable `name` (seen as `[shape[0], rest]`) as f32 values, undoing
    /// CTranslate2's quantization: int8 divided by its per-row (or single) `NAME_scale`, int16
    /// by its single scale, bfloat16 widened.
    pub fn rows_f32(&self, name: &str, rows: Range<usize>) -> Result<Vec<f32>, Ct2Error> {
        let v = self
            .get(name)
            .ok_or_else(|| self.bad(name, "missing".into()))?;
        if rows.end > v.rows() || rows.start > rows.end {
            return Err(self.bad(
                name,
                format!("rows {rows:?} asked of a variable with {} rows", v.rows()),
            ));
        }
        let row_len = v.row_len();
        let elem = v.dtype.size().ok_or_else(|| {
            self.bad(
                name,
                format!("has {}, which cannot be read", v.dtype.name()),
            )
        })?;
        if v.numel().checked_mul(elem) != Some(v.data.len()) {
            return Err(self.bad(name, "its data was not loaded".into()));
        }
        // A shape like [4e9, 0] holds nothing: no loop over its empty rows (the ct2 fuzz
        // target found one that took 28 s).
        if row_len == 0 {
            return Ok(Vec::new());
        }
        let at = |row: usize| row.checked_mul(row_len)?.checked_mul(elem);
        let (Some(from), Some(to)) = (at(rows.start), at(rows.end)) else {
            return Err(self.bad(name, "its shape is too large to read".into()));
        };
        let Some(bytes) = v.data.get(from..to) else {
            return Err(self.bad(name, "its shape does not match its data".into()));
        };
        match v.dtype {
            DType::F32 | DType::F16 | DType::BF16 => Ok(decode_floats(v.dtype, bytes)),
            DType::I8 | DType::I16 => {
                let scale_name = format!("{name}_scale");
                let scale = self.get(&scale_name).ok_or_else(|| {
                    self.bad(
                        name,
                        format!("is {} but {scale_name} is missing", v.dtype.name()),
                    )
                })?;
                let scales = match scale.dtype {
                    DType::F32 | DType::F16 | DType::BF16 => {
                        decode_floats(scale.dtype, &scale.data)
                    }
                    other => {
                        return Err(self.bad(
                            &scale_name,
                            format!("has type {}, expected a float type", other.name()),
                        ));
                    }
                };
                let per_row = if scales.len() == 1 {
                    false
                } else if scales.len() == v.rows() {
                    true
                } else {
                    return Err(self.bad(
                        &scale_name,
                        format!(
                            "has {} values for {} rows of {name}",
                            scales.len(),
                            v.rows()
                        ),
                    ));
                };
                let mut out = Vec::with_capacity(rows.len() * row_len);
                for (k, row) in rows.clone().enumerate() {
                    let scale = scales[if per_row { row } else { 0 }];
                    let start = k * row_len * elem;
                    let chunk = &bytes[start..start + row_len * elem];
                    if v.dtype == DType::I8 {
                        out.extend(chunk.iter().map(|&b| f32::from(b as i8) / scale));
                    } else {
                        out.extend(
                            chunk
                                .chunks_exact(2)
                                .map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) / scale),
                        );
                    }
                }
                Ok(out)
            }
            DType::I32 | DType::Unknown(_) => Err(self.bad(
                name,
                format!("has type {}, which is not a weight type", v.dtype.name()),
            )),
        }
    }

    /// All values of variable `name` as f32 (see [`Ct2Model::rows_f32`]).
    pub fn to_f32(&self, name: &str) -> Result<Vec<f32>, Ct2Error> {
        let rows = self
            .get(name)
            .ok_or_else(|| self.bad(name, "missing".into()))?
            .rows();
        self.rows_f32(name, 0..rows)
    }
}

/// Decodes little-endian f32, f16 or bf16 bytes.
fn decode_floats(dtype: DType, bytes: &[u8]) -> Vec<f32> {
    match dtype {
        DType::F32 => bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
        DType::F16 => bytes
            .chunks_exact(2)
            .map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
        DType::BF16 => bytes
            .chunks_exact(2)
            .map(|c| f32::from_bits(u32::from(u16::from_le_bytes([c[0], c[1]])) << 16))
            .collect(),
        _ => Vec::new(),
    }
}

/// The parts of `config.json` a Whisper conversion may care about. Unknown keys are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Ct2Config {
    #[serde(default)]
    pub alignment_heads: Vec<(u32, u32)>,
    #[serde(default)]
    pub lang_ids: Vec<u32>,
    #[serde(default)]
    pub suppress_ids: Vec<u32>,
    #[serde(default)]
    pub suppress_ids_begin: Vec<u32>,
}

/// Reads `config.json` if the directory has one.
pub fn read_config(dir: &Path) -> Result<Option<Ct2Config>, Ct2Error> {
    let path = dir.join("config.json");
    if !path.is_file() {
        return Ok(None);
    }
    let text = fs::read(&path).map_err(|source| Ct2Error::Io {
        path: path.clone(),
        source,
    })?;
    parse_config(&path, &text).map(Some)
}

/// Parses the bytes of a `config.json` read from `path` (used only in messages). The fuzz
/// target for it enters here.
pub fn parse_config(path: &Path, bytes: &[u8]) -> Result<Ct2Config, Ct2Error> {
    serde_json::from_slice(bytes).map_err(|e| Ct2Error::json(path.into(), &e))
}

impl Ct2Config {
    /// Checks the ids and heads against the model's shape: a vocabulary of `n_vocab` tokens and
    /// a decoder of `n_layers` layers of `n_heads` heads.
    pub fn check(&self, n_vocab: usize, n_layers: usize, n_heads: usize) -> Result<(), String> {
        for (layer, head) in &self.alignment_heads {
            if *layer as usize >= n_layers || *head as usize >= n_heads {
                return Err(format!(
                    "alignment head [{layer}, {head}] is outside the decoder's {n_layers} layers of {n_heads} heads"
                ));
            }
        }
        for (name, ids) in [
            ("lang_ids", &self.lang_ids),
            ("suppress_ids", &self.suppress_ids),
            ("suppress_ids_begin", &self.suppress_ids_begin),
        ] {
            if let Some(id) = ids.iter().find(|&&id| id as usize >= n_vocab) {
                return Err(format!(
                    "{name} holds token {id}, beyond the model's {n_vocab} tokens"
                ));
            }
        }
        Ok(())
    }
}

/// Token strings by id, as the model directory stores them (GPT-2 byte-level text).
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// The file they came from.
    pub path: PathBuf,
    pub tokens: Vec<String>,
}

impl Vocabulary {
    /// Token `id` as raw bytes (see [`gpt2_token_bytes`]).
    pub fn token_bytes(&self, id: usize) -> Option<Vec<u8>> {
        self.tokens.get(id).map(|t| gpt2_token_bytes(t))
    }
}

/// Reads the vocabulary from `vocabulary.json` (a JSON list), `vocabulary.txt` (one token per
/// line) or `tokenizer.json` (Hugging Face tokenizers), in that order of preference.
pub fn read_vocabulary(dir: &Path) -> Result<Vocabulary, Ct2Error> {
    let read = |path: &Path| {
        fs::read(path).map_err(|source| Ct2Error::Io {
            path: path.into(),
            source,
        })
    };
    let json = dir.join("vocabulary.json");
    if json.is_file() {
        let tokens: Vec<String> =
            serde_json::from_slice(&read(&json)?).map_err(|e| Ct2Error::json(json.clone(), &e))?;
        return Ok(Vocabulary { path: json, tokens });
    }
    let txt = dir.join("vocabulary.txt");
    if txt.is_file() {
        let bytes = read(&txt)?;
        let text = String::from_utf8(bytes).map_err(|e| Ct2Error::BadVocabulary {
            path: txt.clone(),
            reason: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        })?;
        let body = text.strip_suffix('\n').unwrap_or(&text);
        // Byte-level tokens never hold a raw CR or LF, so stripping CR only undoes CRLF files.
        // An empty line is a real (empty) token: multilingual Whisper has one at id 50256.
        let tokens = body
            .split('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t).to_string())
            .collect();
        return Ok(Vocabulary { path: txt, tokens });
    }
    let tok = dir.join("tokenizer.json");
    if tok.is_file() {
        let tokens = tokenizer_json_tokens(&tok, &read(&tok)?)?;
        return Ok(Vocabulary { path: tok, tokens });
    }
    Err(Ct2Error::MissingVocabulary { dir: dir.into() })
}

fn tokenizer_json_tokens(path: &Path, bytes: &[u8]) -> Result<Vec<String>, Ct2Error> {
    #[derive(Deserialize)]
    struct Added {
        id: usize,
        content: String,
    }
    #[derive(Deserialize)]
    struct Model {
        vocab: HashMap<String, usize>,
    }
    #[derive(Deserialize)]
    struct Tokenizer {
        model: Model,
        #[serde(default)]
        added_tokens: Vec<Added>,
    }
    let t: Tokenizer =
        serde_json::from_slice(bytes).map_err(|e| Ct2Error::json(path.into(), &e))?;
    let pairs = t
        .model
        .vocab
        .into_iter()
        .chain(t.added_tokens.into_iter().map(|a| (a.content, a.id)));
    let mut tokens: Vec<Option<String>> = Vec::new();
    for (token, id) in pairs {
        if id > 1_000_000 {
            return Err(Ct2Error::BadVocabulary {
                path: path.into(),
                reason: format!("token id {id} is implausibly large"),
            });
        }
        if tokens.len() <= id {
            tokens.resize(id + 1, None);
        }
        tokens[id] = Some(token);
    }
    if let Some(hole) = tokens.iter().position(Option::is_none) {
        return Err(Ct2Error::BadVocabulary {
            path: path.into(),
            reason: format!("no token has id {hole}"),
        });
    }
    Ok(tokens.into_iter().flatten().collect())
}

/// The raw bytes behind a GPT-2 byte-level token string: GPT-2 shows each byte as a printable
/// character, so this inverts that map. Characters outside it (never seen in Whisper's
/// vocabularies, but possible in hand-made ones) keep their UTF-8 bytes.
pub fn gpt2_token_bytes(token: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(token.len());
    for c in token.chars() {
        match gpt2_char_to_byte(c) {
            Some(b) => out.push(b),
            None => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

/// GPT-2 keeps the printable Latin-1 bytes as themselves and moves the other 68 bytes, in
/// increasing order, to U+0100..U+0143.
fn gpt2_char_to_byte(c: char) -> Option<u8> {
    let u = u32::from(c);
    match u {
        0x21..=0x7e | 0xa1..=0xac | 0xae..=0xff => u8::try_from(u).ok(),
        0x100..=0x143 => {
            let n = u - 0x100;
            let b = match n {
                0..=32 => n,
                33..=66 => 0x7f + (n - 33),
                _ => 0xad,
            };
            u8::try_from(b).ok()
        }
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builds synthetic `model.bin` files for tests.

    use super::DType;

    pub(crate) struct Var {
        pub name: String,
        pub shape: Vec<u32>,
        pub dtype: DType,
        pub data: Vec<u8>,
    }

    /// A `model.bin` writer covering every binary version this module reads.
    pub(crate) struct Ct2Builder {
        pub version: u32,
        pub spec: String,
        pub vars: Vec<Var>,
        pub aliases: Vec<(String, String)>,
    }

    fn put_str(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&((s.len() + 1) as u16).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
        out.push(0);
    }

    fn code(d: DType) -> u8 {
        match d {
            DType::F32 => 0,
            DType::I8 => 1,
            DType::I16 => 2,
            DType::I32 => 3,
            DType::F16 => 4,
            DType::BF16 => 5,
            DType::Unknown(c) => c,
        }
    }

    impl Ct2Builder {
        pub fn new(version: u32) -> Self {
            Ct2Builder {
                version,
                spec: "WhisperSpec".into(),
                vars: Vec::new(),
                aliases: Vec::new(),
            }
        }

        pub fn add(&mut self, name: &str, shape: &[usize], dtype: DType, data: Vec<u8>) {
            self.vars.push(Var {
                name: name.into(),
                shape: shape.iter().map(|&d| d as u32).collect(),
                dtype,
                data,
            });
        }

        pub fn bytes(&self) -> Vec<u8> {
            let mut vars: Vec<&Var> = self.vars.iter().collect();
            vars.sort_by(|a, b| a.name.cmp(&b.name));
            let mut out = Vec::new();
            out.extend_from_slice(&self.version.to_le_bytes());
            if self.version >= 2 {
                put_str(&mut out, &self.spec);
                out.extend_from_slice(&3u32.to_le_bytes());
            }
            out.extend_from_slice(&(vars.len() as u32).to_le_bytes());
            for v in vars {
                put_str(&mut out, &v.name);
                out.push(v.shape.len() as u8);
                for d in &v.shape {
                    out.extend_from_slice(&d.to_le_bytes());
                }
                if self.version >= 4 {
                    out.push(code(v.dtype));
                    out.extend_from_slice(&(v.data.len() as u32).to_le_bytes());
                } else {
                    let size = v.dtype.size().unwrap_or(1);
                    out.push(size as u8);
                    out.extend_from_slice(&((v.data.len() / size) as u32).to_le_bytes());
                }
                out.extend_from_slice(&v.data);
            }
            if self.version >= 3 {
                out.extend_from_slice(&(self.aliases.len() as u32).to_le_bytes());
                for (a, t) in &self.aliases {
                    put_str(&mut out, a);
                    put_str(&mut out, t);
                }
            }
            out
        }
    }

    pub(crate) fn f32_bytes(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    pub(crate) fn f16_bytes(v: &[f32]) -> Vec<u8> {
        v.iter()
            .flat_map(|x| half::f16::from_f32(*x).to_le_bytes())
            .collect()
    }

    pub(crate) fn bf16_bytes(v: &[f32]) -> Vec<u8> {
        v.iter()
            .flat_map(|x| ((x.to_bits() >> 16) as u16).to_le_bytes())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    fn no_progress() -> impl FnMut(u64, u64) {
        |_, _| {}
    }

    fn parse(bytes: &[u8]) -> Result<Ct2Model, Ct2Error> {
        Ct2Model::from_reader(
            bytes,
            bytes.len() as u64,
            Path::new("model.bin"),
            &mut no_progress(),
        )
    }

    fn sample(version: u32) -> Ct2Builder {
        let mut b = Ct2Builder::new(version);
        b.add(
            "a/f32",
            &[2, 2],
            DType::F32,
            f32_bytes(&[1.0, -2.0, 3.5, 0.25]),
        );
        b.add("a/f16", &[3], DType::F16, f16_bytes(&[0.5, -1.5, 65504.0]));
        b.add("a/bf16", &[2], DType::BF16, bf16_bytes(&[1.0, -3.0]));
        // int8 rows [2, -4] with scale 2 and [127, 0] with scale 127 -> [1, -2], [1, 0].
        b.add("a/q/weight", &[2, 2], DType::I8, vec![2, 0xfc, 127, 0]);
        b.add(
            "a/q/weight_scale",
            &[2],
            DType::F32,
            f32_bytes(&[2.0, 127.0]),
        );
        b.add(
            "a/s16",
            &[2],
            DType::I16,
            [1000i16, -500]
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect(),
        );
        b.add("a/s16_scale", &[], DType::F32, f32_bytes(&[1000.0]));
        b.add("heads", &[], DType::I16, 6i16.to_le_bytes().to_vec());
        b.aliases.push(("a/alias".into(), "a/q/weight".into()));
        b
    }

    /// Writes the fuzz target's seeds (`cargo test --release --lib write_ct2_fuzz_seeds --
    /// --ignored`): the sample model in every binary version.
    #[test]
    #[ignore]
    fn write_ct2_fuzz_seeds() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/ct2");
        for version in 1..=MAX_BINARY_VERSION {
            fs::write(
                dir.join(format!("seed-v{version}.bin")),
                sample(version).bytes(),
            )
            .unwrap();
        }
    }

    #[test]
    fn reads_every_dtype_and_alias() {
        let m = parse(&sample(6).bytes()).unwrap();
        assert_eq!(m.binary_version, 6);
        assert_eq!(m.spec.as_deref(), Some("WhisperSpec"));
        assert_eq!(m.to_f32("a/f32").unwrap(), vec![1.0, -2.0, 3.5, 0.25]);
        assert_eq!(m.to_f32("a/f16").unwrap(), vec![0.5, -1.5, 65504.0]);
        assert_eq!(m.to_f32("a/bf16").unwrap(), vec![1.0, -3.0]);
        assert_eq!(m.to_f32("a/q/weight").unwrap(), vec![1.0, -2.0, 1.0, 0.0]);
        assert_eq!(m.rows_f32("a/q/weight", 1..2).unwrap(), vec![1.0, 0.0]);
        assert_eq!(m.to_f32("a/s16").unwrap(), vec![1.0, -0.5]);
        assert_eq!(m.scalar_i64("heads"), Some(6));
        // The alias reaches both the weight and, through `_scale`, its scale.
        assert_eq!(m.to_f32("a/alias").unwrap(), vec![1.0, -2.0, 1.0, 0.0]);
        assert_eq!(m.get("a/alias_scale").unwrap().name, "a/q/weight_scale");
    }

    #[test]
    fn reads_old_versions() {
        for version in [1, 2, 3] {
            let mut b = Ct2Builder::new(version);
            b.add("x", &[2], DType::F32, f32_bytes(&[1.0, 2.0]));
            b.add("y", &[1], DType::I8, vec![3]);
            b.add("y_scale", &[], DType::F32, f32_bytes(&[3.0]));
            if version >= 3 {
                b.aliases.push(("z".into(), "x".into()));
            }
            let m = parse(&b.bytes()).unwrap();
            assert_eq!(m.to_f32("x").unwrap(), vec![1.0, 2.0], "v{version}");
            assert_eq!(m.to_f32("y").unwrap(), vec![1.0], "v{version}");
            assert_eq!(m.spec.is_some(), version >= 2);
            assert_eq!(m.get("z").is_some(), version >= 3);
        }
    }

    #[test]
    fn refuses_bad_files() {
        let full = sample(6).bytes();
        for cut in [0, 3, 10, 40, full.len() - 1] {
            let err = parse(&full[..cut]).unwrap_err();
            assert!(
                matches!(err, Ct2Error::Truncated { .. } | Ct2Error::BadFormat { .. }),
                "cut at {cut}: {err}"
            );
        }
        let err = parse(&full[..60]).unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
        let err = parse(&7u32.to_le_bytes()).unwrap_err().to_string();
        assert!(err.contains("version 7"), "{err}");
        let err = parse(b"PK\x03\x04rest of a zip").unwrap_err().to_string();
        assert!(err.contains("not a valid CTranslate2"), "{err}");
    }

    #[test]
    fn unknown_dtype_only_fails_when_used() {
        let mut b = sample(6);
        b.add("odd", &[2], DType::Unknown(9), vec![1, 2]);
        let m = parse(&b.bytes()).unwrap();
        assert!(m.to_f32("a/f32").is_ok());
        let err = m.to_f32("odd").unwrap_err().to_string();
        assert!(err.contains("unknown type 9"), "{err}");
    }

    #[test]
    fn missing_scale_is_an_error() {
        let mut b = Ct2Builder::new(6);
        b.add("w", &[1, 2], DType::I8, vec![1, 2]);
        let m = parse(&b.bytes()).unwrap();
        let err = m.to_f32("w").unwrap_err().to_string();
        assert!(err.contains("w_scale is missing"), "{err}");
    }

    #[test]
    fn split_model_reads_as_one_stream_in_numeric_order() {
        let mut b = Ct2Builder::new(6);
        let values: Vec<f32> = (0..1000).map(|i| i as f32).collect();
        b.add("big", &[1000], DType::F32, f32_bytes(&values));
        let bytes = b.bytes();
        let dir = tempfile::tempdir().unwrap();
        // 11 parts, so that part10 must not sort before part2.
        let chunk = bytes.len().div_ceil(11);
        for (i, c) in bytes.chunks(chunk).enumerate() {
            fs::write(dir.path().join(format!("model.bin.part{}", i + 1)), c).unwrap();
        }
        let mut seen = 0;
        let m = Ct2Model::open(dir.path(), &mut |done, total| {
            assert!(done <= total);
            seen = done;
        })
        .unwrap();
        assert_eq!(seen, bytes.len() as u64);
        assert_eq!(m.to_f32("big").unwrap(), values);

        fs::remove_file(dir.path().join("model.bin.part4")).unwrap();
        let err = Ct2Model::open(dir.path(), &mut no_progress())
            .unwrap_err()
            .to_string();
        assert!(err.contains("model.bin.part4 is missing"), "{err}");
    }

    #[test]
    fn missing_model_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        let err = model_files(dir.path()).unwrap_err().to_string();
        assert!(err.contains("no model.bin"), "{err}");
        let err = model_files(&dir.path().join("nope"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a directory"), "{err}");
    }

    #[test]
    fn gpt2_bytes_round_trip() {
        assert_eq!(gpt2_token_bytes("Ġthe"), b" the");
        assert_eq!(gpt2_token_bytes("Ċ"), b"\n");
        assert_eq!(gpt2_token_bytes("âĢĻ"), "\u{2019}".as_bytes());
        assert_eq!(gpt2_token_bytes("<|endoftext|>"), b"<|endoftext|>");
        assert_eq!(gpt2_token_bytes("Ń"), [0xad]);
        assert_eq!(gpt2_token_bytes("ġ"), [0x7f]);
        assert_eq!(gpt2_token_bytes("Ġ"), [0x20]);
        assert_eq!(gpt2_token_bytes("Ā"), [0x00]);
        // Every byte has exactly one character.
        let mut seen = [false; 256];
        for u in (0x21..=0x7e)
            .chain(0xa1..=0xac)
            .chain(0xae..=0xff)
            .chain(0x100..=0x143)
        {
            let c = char::from_u32(u).unwrap();
            let b = gpt2_char_to_byte(c).unwrap();
            assert!(!seen[usize::from(b)], "byte {b} twice");
            seen[usize::from(b)] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn vocabulary_sources() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_vocabulary(dir.path()).unwrap_err().to_string();
        assert!(err.contains("no vocabulary"), "{err}");

        let tok = r#"{"added_tokens":[{"id":3,"content":"<|endoftext|>"}],
                      "model":{"vocab":{"a":0,"Ġb":1,"":2}}}"#;
        fs::write(dir.path().join("tokenizer.json"), tok).unwrap();
        let v = read_vocabulary(dir.path()).unwrap();
        assert_eq!(v.tokens, vec!["a", "Ġb", "", "<|endoftext|>"]);
        assert_eq!(v.token_bytes(1).unwrap(), b" b");

        fs::write(
            dir.path().join("vocabulary.txt"),
            "a\r\nĠb\r\n\r\n<|endoftext|>\r\n",
        )
        .unwrap();
        let v = read_vocabulary(dir.path()).unwrap();
        assert_eq!(v.tokens, vec!["a", "Ġb", "", "<|endoftext|>"]);

        fs::write(dir.path().join("vocabulary.json"), r#"["x","Ċ"]"#).unwrap();
        let v = read_vocabulary(dir.path()).unwrap();
        assert_eq!(v.tokens, vec!["x", "Ċ"]);
        assert!(v.path.ends_with("vocabulary.json"));
    }

    #[test]
    fn tokenizer_json_with_hole_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let tok = r#"{"model":{"vocab":{"a":0,"c":2}}}"#;
        fs::write(dir.path().join("tokenizer.json"), tok).unwrap();
        let err = read_vocabulary(dir.path()).unwrap_err().to_string();
        assert!(err.contains("no token has id 1"), "{err}");
    }

    #[test]
    fn config_is_optional_but_must_parse() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_config(dir.path()).unwrap().is_none());
        fs::write(
            dir.path().join("config.json"),
            r#"{"alignment_heads":[[1,0]],"lang_ids":[50259],"other":true}"#,
        )
        .unwrap();
        let c = read_config(dir.path()).unwrap().unwrap();
        assert_eq!(c.alignment_heads, vec![(1, 0)]);
        fs::write(dir.path().join("config.json"), "{").unwrap();
        assert!(read_config(dir.path()).is_err());
    }
}
