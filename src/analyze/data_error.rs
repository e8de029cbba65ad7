//! The error every data file (frameworks, questions, lexicon, sections) reports, naming the file.

/// Data file errors, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    // Not a `source`: the message holds it, and a chained source would print it twice.
    #[error("{path}: cannot read: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}
