//! Analysis: words with times in, framework sections, time against targets, pacing, pauses,
//! fillers and coaching signals out.
//!
//! Everything here is pure computation over [`AnalysisInput`]; reading files is the caller's
//! job (see [`crate::transcribe::import`]) and rendering is [`crate::report`]'s.

//!
//! Layers, bottom up: [`frameworks`] (the data files) and `types` (the input and report types,
//! re-exported here) and [`phrases`] (phrase search); the stages ([`sentences`], [`sections`],
//! [`endings`], [`pauses`], [`fillers`],
//! [`pacing`], [`signals`], [`strengths`]), each a function from data to data; and `pipeline`, which runs them
//! ([`analyze`]). Arrows only point down.

pub mod context_model;
mod data_error;
pub mod delivery;
pub mod delivery_data;
pub mod endings;
pub mod fillers;
pub mod frameworks;
pub mod lexical;
pub mod pacing;
pub mod pauses;
pub mod phrases;
mod pipeline;
pub mod sections;
pub mod sentences;
pub mod signals;
pub mod strengths;
mod types;

pub use pipeline::{AnalyzeError, FrameworkChoice, analyze};
pub use types::*;
