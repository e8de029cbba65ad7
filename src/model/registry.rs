//! The catalogue of whisper.cpp ggml models that `rehearse model fetch` knows how to download.
//!
//! SHA-1s and the "disk" column are whisper.cpp's published table (`models/README.md` in
//! ggml-org/whisper.cpp); exact byte sizes are the Hugging Face LFS sizes of the files at
//! `huggingface.co/ggerganov/whisper.cpp`. Only models whose SHA-1 upstream publishes are listed:
//! a download we cannot verify is not worth offering.

use std::path::Path;

use whisper_rs::DtwModelPreset;

/// One downloadable ggml model as published by whisper.cpp.
#[derive(Debug, Clone)]
pub struct KnownModel {
    /// whisper.cpp's name for it, as given to `download-ggml-model.sh` (`tiny.en`).
    pub name: &'static str,
    /// Exact size of `ggml-NAME.bin` in bytes.
    pub size_bytes: u64,
    /// Size as whisper.cpp's README prints it ("75 MiB"), for humans.
    pub disk_size: &'static str,
    /// Published SHA-1 of `ggml-NAME.bin`, lowercase hex.
    pub sha1: &'static str,
    /// `.en` models transcribe English only.
    pub english_only: bool,
    /// Alignment heads for DTW token timestamps that match this model's architecture.
    pub dtw_preset: DtwModelPreset,
}

impl KnownModel {
    /// `ggml-NAME.bin`, the name whisper.cpp and its hosts use for the file.
    pub fn file_name(&self) -> String {
        format!("ggml-{}.bin", self.name)
    }
}

static KNOWN: [KnownModel; 10] = [
    KnownModel {
        name: "tiny",
        size_bytes: 77_691_713,
        disk_size: "75 MiB",
        sha1: "bd577a113a864445d4c299885e0cb97d4ba92b5f",
        english_only: false,
        dtw_preset: DtwModelPreset::Tiny,
    },
    KnownModel {
        name: "tiny.en",
        size_bytes: 77_704_715,
        disk_size: "75 MiB",
        sha1: "c78c86eb1a8faa21b369bcd33207cc90d64ae9df",
        english_only: true,
        dtw_preset: DtwModelPreset::TinyEn,
    },
    KnownModel {
        name: "base",
        size_bytes: 147_951_465,
        disk_size: "142 MiB",
        sha1: "465707469ff3a37a2b9b8d8f89f2f99de7299dac",
        english_only: false,
        dtw_preset: DtwModelPreset::Base,
    },
    KnownModel {
        name: "base.en",
        size_bytes: 147_964_211,
        disk_size: "142 MiB",
        sha1: "137c40403d78fd54d454da0f9bd998f78703390c",
        english_only: true,
        dtw_preset: DtwModelPreset::BaseEn,
    },
    KnownModel {
        name: "small",
        size_bytes: 487_601_967,
        disk_size: "466 MiB",
        sha1: "55356645c2b361a969dfd0ef2c5a50d530afd8d5",
        english_only: false,
        dtw_preset: DtwModelPreset::Small,
    },
    KnownModel {
        name: "small.en",
        size_bytes: 487_614_201,
        disk_size: "466 MiB",
        sha1: "db8a495a91d927739e50b3fc1cc4c6b8f6c2d022",
        english_only: true,
        dtw_preset: DtwModelPreset::SmallEn,
    },
    KnownModel {
        name: "medium",
        size_bytes: 1_533_763_059,
        disk_size: "1.5 GiB",
        sha1: "fd9727b6e1217c2f614f9b698455c4ffd82463b4",
        english_only: false,
        dtw_preset: DtwModelPreset::Medium,
    },
    KnownModel {
        name: "medium.en",
        size_bytes: 1_533_774_781,
        disk_size: "1.5 GiB",
        sha1: "8c30f0e44ce9560643ebd10bbe50cd20eafd3723",
        english_only: true,
        dtw_preset: DtwModelPreset::MediumEn,
    },
    KnownModel {
        name: "large-v3-turbo",
        size_bytes: 1_624_555_275,
        disk_size: "1.5 GiB",
        sha1: "4af2b29d7ec73d781377bfd1758ca957a807e941",
        english_only: false,
        dtw_preset: DtwModelPreset::LargeV3Turbo,
    },
    KnownModel {
        name: "large-v3-turbo-q5_0",
        size_bytes: 574_041_195,
        disk_size: "547 MiB",
        sha1: "e050f7970618a659205450ad97eb95a18d69c9ee",
        english_only: false,
        dtw_preset: DtwModelPreset::LargeV3Turbo,
    },
];

/// Every model `rehearse model fetch` can download, smallest first.
pub fn known_models() -> &'static [KnownModel] {
    &KNOWN
}

/// Finds a model by its whisper.cpp name; `tiny.en`, `ggml-tiny.en` and `ggml-tiny.en.bin` all
/// name the same model, because users paste whichever form they last saw.
pub fn lookup(name: &str) -> Option<&'static KnownModel> {
    let bare = bare_name(name.trim());
    KNOWN.iter().find(|m| m.name.eq_ignore_ascii_case(bare))
}

/// The DTW alignment-head preset for a model file such as `ggml-tiny.en.bin` or
/// `models/ggml-base-q8_0.bin`. Quantization changes the weights' precision, not which heads
/// attend to the audio, so `-qN_M` variants share their base model's preset. Files whose name
/// does not say which architecture they hold (fine-tunes, `ggml-model.bin`) get `None`, since
/// wrong heads give worse timestamps than none.
pub fn dtw_preset_for_file_name(file_name: &str) -> Option<DtwModelPreset> {
    let file_name = Path::new(file_name).file_name()?.to_str()?;
    let stem = file_name.strip_suffix(".bin")?;
    let name = stem.strip_prefix("ggml-")?;
    let architecture = strip_quantization(name);
    DTW_PRESETS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(architecture))
        .map(|(_, preset)| preset.clone())
}

/// Architectures whisper.cpp has alignment heads for; wider than the catalogue because a user may
/// point `--model` at a file we do not offer for download.
const DTW_PRESETS: [(&str, DtwModelPreset); 12] = [
    ("tiny", DtwModelPreset::Tiny),
    ("tiny.en", DtwModelPreset::TinyEn),
    ("base", DtwModelPreset::Base),
    ("base.en", DtwModelPreset::BaseEn),
    ("small", DtwModelPreset::Small),
    ("small.en", DtwModelPreset::SmallEn),
    ("medium", DtwModelPreset::Medium),
    ("medium.en", DtwModelPreset::MediumEn),
    ("large-v1", DtwModelPreset::LargeV1),
    ("large-v2", DtwModelPreset::LargeV2),
    ("large-v3", DtwModelPreset::LargeV3),
    ("large-v3-turbo", DtwModelPreset::LargeV3Turbo),
];

fn bare_name(name: &str) -> &str {
    let name = name.strip_suffix(".bin").unwrap_or(name);
    name.strip_prefix("ggml-").unwrap_or(name)
}

/// `base-q8_0` -> `base`; whisper.cpp names quantized files `NAME-qN_M`.
fn strip_quantization(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((base, suffix)) if is_quantization(suffix) => base,
        _ => name,
    }
}

fn is_quantization(suffix: &str) -> bool {
    let bytes = suffix.as_bytes();
    matches!(bytes, [b'q' | b'Q', bits, b'_', kind] if bits.is_ascii_digit() && kind.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset_name(preset: Option<DtwModelPreset>) -> Option<String> {
        preset.map(|p| format!("{p:?}"))
    }

    #[test]
    fn lookup_accepts_every_spelling() {
        let cases: &[(&str, Option<&str>)] = &[
            ("tiny.en", Some("tiny.en")),
            ("ggml-tiny.en", Some("tiny.en")),
            ("ggml-tiny.en.bin", Some("tiny.en")),
            ("tiny.en.bin", Some("tiny.en")),
            ("  base  ", Some("base")),
            ("SMALL.EN", Some("small.en")),
            ("large-v3-turbo", Some("large-v3-turbo")),
            ("ggml-large-v3-turbo-q5_0.bin", Some("large-v3-turbo-q5_0")),
            ("tiny.fr", None),
            ("", None),
            ("ggml-", None),
            ("../tiny", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                lookup(input).map(|m| m.name),
                *expected,
                "lookup({input:?})"
            );
        }
    }

    #[test]
    fn file_names_follow_whisper_cpp() {
        let cases = [
            ("tiny", "ggml-tiny.bin"),
            ("tiny.en", "ggml-tiny.en.bin"),
            ("large-v3-turbo-q5_0", "ggml-large-v3-turbo-q5_0.bin"),
        ];
        for (name, file) in cases {
            let model = lookup(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(model.file_name(), file);
        }
    }

    #[test]
    fn required_models_are_present_with_published_sha1() {
        // Pinned here so an accidental edit of the table shows up as a test failure.
        let cases = [
            ("tiny", "bd577a113a864445d4c299885e0cb97d4ba92b5f"),
            ("tiny.en", "c78c86eb1a8faa21b369bcd33207cc90d64ae9df"),
            ("base", "465707469ff3a37a2b9b8d8f89f2f99de7299dac"),
            ("base.en", "137c40403d78fd54d454da0f9bd998f78703390c"),
            ("small", "55356645c2b361a969dfd0ef2c5a50d530afd8d5"),
            ("small.en", "db8a495a91d927739e50b3fc1cc4c6b8f6c2d022"),
        ];
        for (name, sha1) in cases {
            let model = lookup(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(model.sha1, sha1, "{name}");
        }
    }

    #[test]
    fn catalogue_is_well_formed() {
        let models = known_models();
        for (i, m) in models.iter().enumerate() {
            assert_eq!(m.sha1.len(), 40, "{}", m.name);
            assert!(
                m.sha1
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "{} sha1 must be lowercase hex",
                m.name
            );
            assert!(m.size_bytes > 10 * 1024 * 1024, "{}", m.name);
            assert_eq!(m.english_only, m.name.contains(".en"), "{}", m.name);
            assert!(
                m.name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
                "{} must be safe in a file name and URL",
                m.name
            );
            assert!(
                !models[..i].iter().any(|o| o.name == m.name),
                "duplicate {}",
                m.name
            );
            assert!(
                !models[..i].iter().any(|o| o.sha1 == m.sha1),
                "duplicate sha1 {}",
                m.name
            );
            // The catalogue's preset must agree with what the file name implies.
            assert_eq!(
                preset_name(dtw_preset_for_file_name(&m.file_name())),
                preset_name(Some(m.dtw_preset.clone())),
                "{}",
                m.name
            );
        }
    }

    #[test]
    fn dtw_presets_from_file_names() {
        let cases: &[(&str, Option<&str>)] = &[
            ("ggml-tiny.en.bin", Some("TinyEn")),
            ("ggml-tiny.bin", Some("Tiny")),
            ("ggml-base-q8_0.bin", Some("Base")),
            ("ggml-base.en-q5_1.bin", Some("BaseEn")),
            ("models/ggml-small.en.bin", Some("SmallEn")),
            ("/abs/path/ggml-small-q5_1.bin", Some("Small")),
            ("ggml-medium.en-q5_0.bin", Some("MediumEn")),
            ("ggml-medium.bin", Some("Medium")),
            ("ggml-large-v1.bin", Some("LargeV1")),
            ("ggml-large-v2-q5_0.bin", Some("LargeV2")),
            ("ggml-large-v3.bin", Some("LargeV3")),
            ("ggml-large-v3-turbo.bin", Some("LargeV3Turbo")),
            ("ggml-large-v3-turbo-q8_0.bin", Some("LargeV3Turbo")),
            ("ggml-small.en-tdrz.bin", None),
            ("ggml-model.bin", None),
            ("tiny.en", None),
            ("ggml-tiny.en.bin.part", None),
            ("ggml-tiny-qx_0.bin", None),
            ("", None),
        ];
        for (file, expected) in cases {
            assert_eq!(
                preset_name(dtw_preset_for_file_name(file)).as_deref(),
                *expected,
                "dtw_preset_for_file_name({file:?})"
            );
        }
    }
}
