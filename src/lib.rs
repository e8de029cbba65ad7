//! rehearse: local, offline practice for spoken interview answers.
//!
//! Data flows one way: audio ([`audio`]) -> words with times ([`transcribe`]) -> analysis -> report.
//! Models for the transcription stage are found, downloaded and converted by [`model`].

pub mod analyze;
pub mod audio;
pub mod capture;
pub mod fsutil;
#[doc(hidden)]
pub mod fuzz;
pub mod history;
pub mod model;
pub mod quote;
pub mod report;
pub mod transcribe;
