//! Transcription: whisper.cpp through whisper-rs, producing words with start and end times.
//!
//! This is the boundary where whisper's 10 ms ticks become seconds; everything downstream sees
//! only [`Transcript`] and [`Word`].

pub mod check;
pub mod chunker;
pub mod export;
pub mod import;
pub mod live;
mod pipeline;
pub mod timing;
mod types;
pub mod whisper;
pub mod words;

pub(crate) use pipeline::is_digital_silence;
pub use pipeline::{assemble, decode_options, settings, transcribe_audio, transcribe_stretch};
pub use types::*;
