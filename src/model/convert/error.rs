//! Why an import failed: one error type, each message naming the folder or file and what to do.

use std::io;
use std::path::PathBuf;

use crate::model::ct2::Ct2Error;
use crate::model::ggml::ModelFileError;

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
