//! Where models live and which one a command uses.
//!
//! Lookup order: `--model` (a path or a known name), then `REHEARSE_MODEL`, then the project's
//! `models/` folder (the current directory's, then the source checkout's), then the user data
//! directory (`$XDG_DATA_HOME/rehearse/models`, usually `~/.local/share/rehearse/models`).

use std::path::{Path, PathBuf};

/// Environment variable naming a model path or name.
pub const MODEL_ENV: &str = "REHEARSE_MODEL";

/// The model used when none is named: the seeds' practice answers are English, and tiny.en is
/// the fastest model that transcribes them well on two cores.
pub const DEFAULT_MODEL: &str = "tiny.en";

/// Preference among installed models when the default is missing.
const PREFERENCE: &[&str] = &[
    "tiny.en",
    "base.en",
    "small.en",
    "tiny",
    "base",
    "small",
    "medium.en",
    "medium",
];

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FindError {
    #[error("{}: model file not found{}", path.display(), origin_note(origin))]
    MissingPath { path: PathBuf, origin: String },
    #[error(
        "no Whisper model found (looked in {searched}); install one with `rehearse model fetch {name}` or `scripts/setup.sh`, or pass --model PATH"
    )]
    NotInstalled { name: String, searched: String },
}

fn origin_note(origin: &str) -> String {
    if origin.is_empty() {
        String::new()
    } else {
        format!(" (from {origin})")
    }
}

/// The folders searched for models, in order, existing or not.
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        dirs.push(cwd.join("models"));
    }
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    if !dirs.contains(&checkout) {
        dirs.push(checkout);
    }
    dirs.push(user_models_dir());
    dirs
}

/// The per-user model folder, where `model fetch` and `model import` install by default.
/// Environment variable naming the word-vector folder, or `off` to analyse without vectors.
pub const VECTORS_ENV: &str = "REHEARSE_VECTORS";

/// The installed word vectors' folder (`models/all-MiniLM-L6-v2`, looked for where Whisper
/// models are), or the one `REHEARSE_VECTORS` names; `None` when there is none or it says `off`.
pub fn word_vectors_dir() -> Option<PathBuf> {
    use crate::analyze::wordvec::VECTORS_DIR;
    match std::env::var_os(VECTORS_ENV) {
        Some(v) if v == "off" => None,
        Some(v) => Some(PathBuf::from(v)),
        None => search_dirs()
            .into_iter()
            .map(|d| d.join(VECTORS_DIR))
            .find(|d| d.join("model.safetensors").is_file()),
    }
}

pub fn user_models_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from(".local/share"))
        .join("rehearse")
        .join("models")
}

/// `ggml-NAME.bin` for a short name; a name that already looks like a file name is kept.
pub fn file_name_for(name: &str) -> String {
    if name.ends_with(".bin") {
        name.to_string()
    } else if name.starts_with("ggml-") {
        format!("{name}.bin")
    } else {
        format!("ggml-{name}.bin")
    }
}

/// Where a model of this name is installed, searching [`search_dirs`].
pub fn find_installed(name: &str) -> Option<PathBuf> {
    let file = file_name_for(name);
    search_dirs()
        .into_iter()
        .map(|d| d.join(&file))
        .find(|p| p.is_file())
}

/// Every `ggml-*.bin` file in the search folders, first occurrence of each name only.
pub fn installed_files() -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for dir in search_dirs() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("ggml-") && n.ends_with(".bin"))
            })
            .collect();
        names.sort();
        for p in names {
            if let Some(n) = p.file_name().map(|n| n.to_os_string())
                && seen.insert(n)
            {
                out.push(p);
            }
        }
    }
    out
}

/// Resolves the model for a command: `flag` (from `--model`) first, then the environment, then
/// the installed models.
pub fn resolve(flag: Option<&str>) -> Result<PathBuf, FindError> {
    resolve_with(flag, None)
}

/// [`resolve`] with a default between the environment and the installed models: a model name
/// or path from a config file, with where it was found ("config.toml line 2").
pub fn resolve_with(
    flag: Option<&str>,
    configured: Option<(&str, &str)>,
) -> Result<PathBuf, FindError> {
    let env = std::env::var(MODEL_ENV).ok().filter(|s| !s.is_empty());
    let (spec, origin) = match (flag, env.as_deref(), configured) {
        (Some(f), _, _) => (Some(f.to_string()), "--model".to_string()),
        (None, Some(e), _) => (Some(e.to_string()), MODEL_ENV.to_string()),
        (None, None, Some((value, from))) => (Some(value.to_string()), from.to_string()),
        (None, None, None) => (None, String::new()),
    };
    if let Some(spec) = spec {
        let as_path = PathBuf::from(&spec);
        let looks_like_path = spec.contains('/') || spec.ends_with(".bin") || as_path.exists();
        if looks_like_path {
            return if as_path.is_file() {
                Ok(as_path)
            } else {
                Err(FindError::MissingPath {
                    path: as_path,
                    origin,
                })
            };
        }
        return find_installed(&spec).ok_or_else(|| FindError::NotInstalled {
            name: spec.clone(),
            searched: searched(),
        });
    }
    if let Some(p) = find_installed(DEFAULT_MODEL) {
        return Ok(p);
    }
    for name in PREFERENCE {
        if let Some(p) = find_installed(name) {
            return Ok(p);
        }
    }
    installed_files()
        .into_iter()
        .next()
        .ok_or_else(|| FindError::NotInstalled {
            name: DEFAULT_MODEL.to_string(),
            searched: searched(),
        })
}

fn searched() -> String {
    search_dirs()
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(file_name_for("tiny.en"), "ggml-tiny.en.bin");
        assert_eq!(file_name_for("ggml-base"), "ggml-base.bin");
        assert_eq!(file_name_for("ggml-base-q8_0.bin"), "ggml-base-q8_0.bin");
    }
}
