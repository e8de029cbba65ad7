//! Whisper models: the known catalogue, where they are found, how they are downloaded, and the
//! conversion of CTranslate2 (faster-whisper) models into whisper.cpp's ggml format.

pub mod convert;
pub mod ct2;
pub mod download;
pub mod find;
pub mod ggml;
pub mod registry;

use std::path::Path;

use whisper_rs::DtwModelPreset;

/// What rehearse needs to know about a model file before handing it to whisper.cpp.
#[derive(Debug, Clone)]
pub struct ModelSummary {
    /// "tiny.en", "base", ...: size and language kind, from the header.
    pub name: String,
    pub english_only: bool,
    /// Alignment heads for DTW timestamps, when the architecture is a known one.
    pub dtw_preset: Option<DtwModelPreset>,
    pub file_size: u64,
}

/// Checks that `path` is a whisper.cpp ggml model (so that whisper.cpp never sees a file that
/// would crash or confuse it) and describes it.
pub fn check(path: &Path) -> Result<ModelSummary, ggml::ModelFileError> {
    let info = ggml::inspect(path)?;
    let english_only = info.english_only;
    let size = info.size_name.unwrap_or("custom");
    let name = if english_only {
        format!("{size}.en")
    } else {
        size.to_string()
    };
    // The alignment heads depend on the architecture only, so a quantized or renamed file gets
    // the same preset as the original.
    let dtw_preset = registry::lookup(&name).map(|m| m.dtw_preset.clone());
    Ok(ModelSummary {
        name,
        english_only,
        dtw_preset,
        file_size: info.file_size,
    })
}
