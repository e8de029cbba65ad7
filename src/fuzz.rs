//! Entry points for the fuzz targets (`fuzz/fuzz_targets/`) and for the replay of their corpora
//! in the ordinary tests (`tests/fuzz_corpus.rs`): each feeds bytes to one parser a user's file
//! reaches and checks what such a parser must guarantee. A broken guarantee panics, which is
//! what a fuzzer reports. The guarantees:
//!
//! - no panic, whatever the bytes;
//! - an error is one line that names the file and quotes at most a few dozen characters;
//! - a result is sane: words in order with real times, audio samples in [-1, 1], and what
//!   comes after (the analysis, the reports) takes it without failing.
//!
//! Memory and time are bounded by the fuzzer (`-rss_limit_mb`, `-malloc_limit_mb`,
//! `-timeout`, see `scripts/fuzz.sh`); the audio decoder is run with a one-minute limit here so
//! that a valid input cannot ask for more than a minute of samples.

use std::io::Cursor;
use std::path::Path;
use std::sync::OnceLock;

use crate::analyze::frameworks::{Catalog, USER_FILES};
use crate::analyze::{self, AnalysisInput, FrameworkChoice, InputKind, Timing};
use crate::audio::{self, Limits};
use crate::model::{ct2, ggml};
use crate::report::{self, RenderOptions, ReportFormat};
use crate::transcribe::Word;
use crate::transcribe::check::check_words;
use crate::transcribe::import::{self, ImportedKind, WordTiming};

/// Every target, by the name of its folder under `fuzz/corpus/` and its binary.
pub const TARGETS: &[&str] = &[
    "transcript_json",
    "whisper_json",
    "srt",
    "webvtt",
    "text",
    "wav",
    "audio",
    "ggml",
    "ct2",
    "ct2_config",
    "overrides",
    "word_vectors",
];

/// Runs target `name` on `data`; panics when a guarantee is broken.
pub fn run(name: &str, data: &[u8]) {
    // Under libFuzzer every panic aborts; one inside symphonia is caught and reported as a
    // damaged file, as the binary does.
    crate::audio::quiet_decoder_panics();
    match name {
        "transcript_json" | "whisper_json" => transcript("fuzz.json", data),
        "srt" => transcript("fuzz.srt", data),
        "webvtt" => transcript("fuzz.vtt", data),
        "text" => transcript("fuzz.txt", data),
        "wav" | "audio" => audio_file(data),
        "ggml" => ggml_model(data),
        "ct2" => ct2_model(data),
        "ct2_config" => ct2_config(data),
        "overrides" => overrides(data),
        "word_vectors" => word_vectors(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// Longest error message accepted: the path, one short sentence, a short quote.
const MAX_MESSAGE: usize = 400;

fn one_line_error(message: &str, file: &str) {
    assert!(
        !message.contains('\n'),
        "a message on several lines: {message:?}"
    );
    assert!(
        message.chars().count() <= MAX_MESSAGE,
        "a message of {} characters: {}…",
        message.chars().count(),
        message.chars().take(200).collect::<String>()
    );
    assert!(
        message.contains(file),
        "a message that does not name {file}: {message}"
    );
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("the embedded data is valid"))
}

/// Analyzes `words` as `analyze` would and renders every report format.
fn analyze_and_render(catalog: &Catalog, words: Vec<Word>, duration_s: f64, timing: Timing) {
    let input = AnalysisInput {
        timing,
        ..AnalysisInput::words("fuzz", InputKind::Transcript, words, duration_s)
    };
    let frameworks: Vec<FrameworkChoice> = catalog
        .frameworks
        .iter()
        .take(2)
        .map(|f| FrameworkChoice::Id(f.id.clone()))
        .chain([FrameworkChoice::Auto])
        .collect();
    for choice in &frameworks {
        let a = analyze::analyze(input.clone(), catalog, choice, None)
            .expect("words that passed the import check are analyzed");
        for format in [ReportFormat::Text, ReportFormat::Json, ReportFormat::Html] {
            let out = report::render(&a, format, &RenderOptions::default());
            assert!(!out.is_empty());
        }
    }
}

/// A transcript importer (the format is sniffed from the content; `file` names it).
fn transcript(file: &str, data: &[u8]) {
    match import::import(Path::new(file), data, 150.0) {
        Ok(t) => {
            assert!(!t.words.is_empty(), "an import without words");
            if let Err(e) = check_words(&t.words, t.duration_s) {
                panic!("import gave words that fail the common check: {e}");
            }
            let last = t.words.last().map_or(0.0, |w| w.end_s);
            assert!(t.duration_s >= last, "duration {} < {last}", t.duration_s);
            for n in &t.notes {
                assert!(!n.contains('\n'), "a note on several lines: {n:?}");
            }
            let timing = match t.timing {
                WordTiming::Words => Timing::Words,
                WordTiming::Cues => Timing::Cues,
                WordTiming::Estimated { wpm } => Timing::Estimated { wpm },
            };
            if t.kind == ImportedKind::Text {
                assert!(matches!(timing, Timing::Estimated { .. }));
            }
            analyze_and_render(catalog(), t.words, t.duration_s, timing);
        }
        Err(e) => one_line_error(&e.to_string(), file),
    }
}

/// The audio decoder's front: content sniffing, the WAV chunk walker, symphonia's probing and
/// decoding.
fn audio_file(data: &[u8]) {
    let limits = Limits {
        max_duration_s: 60.0,
    };
    match audio::decode_bytes(Path::new("fuzz.audio"), data, &limits) {
        Ok(m) => {
            assert!(
                (audio::decode::MIN_RATE..=audio::decode::MAX_RATE).contains(&m.sample_rate),
                "rate {}",
                m.sample_rate
            );
            assert!(m.channels > 0);
            assert!(
                m.samples.iter().all(|s| s.is_finite() && s.abs() <= 1.0),
                "a sample outside [-1, 1]"
            );
            // One packet may pass the limit before it is checked.
            let most = limits.max_duration_s * f64::from(m.sample_rate) + 1_048_576.0;
            assert!(
                (m.samples.len() as f64) <= most,
                "{} samples",
                m.samples.len()
            );
            let head = &m.samples[..m.samples.len().min(m.sample_rate as usize / 4)];
            audio::resample::to_rate(head, m.sample_rate, audio::WHISPER_RATE)
                .expect("decoded audio resamples");
        }
        Err(e) => one_line_error(&e.to_string(), "fuzz.audio"),
    }
}

/// The whisper.cpp model check every model passes before whisper.cpp sees it.
fn ggml_model(data: &[u8]) {
    match ggml::inspect_bytes(Path::new("fuzz.bin"), data) {
        Ok(info) => {
            assert!(info.tensor_count > 0);
            assert_eq!(info.file_size, data.len() as u64);
        }
        Err(e) => one_line_error(&e.to_string(), "fuzz.bin"),
    }
}

/// The CTranslate2 `model.bin` reader `rehearse model import` starts with.
fn ct2_model(data: &[u8]) {
    let read = ct2::Ct2Model::from_reader(
        Cursor::new(data),
        data.len() as u64,
        Path::new("model.bin"),
        &mut |done, total| assert!(done <= total, "progress {done} of {total}"),
    );
    match read {
        Ok(model) => {
            for v in model.variables() {
                // Every variable that says it holds data decodes without panicking.
                if v.numel() <= 4096 {
                    let _ = model.to_f32(&v.name);
                    let _ = model.rows_f32(&v.name, 0..v.rows().min(2));
                }
            }
            for alias in model.aliases().keys() {
                let _ = model.get(alias);
            }
        }
        Err(e) => one_line_error(&e.to_string(), "model.bin"),
    }
}

/// A CTranslate2 model's `config.json`, checked against a model's shape.
fn ct2_config(data: &[u8]) {
    match ct2::parse_config(Path::new("config.json"), data) {
        Ok(c) => {
            let _ = c.check(51_864, 4, 6);
        }
        Err(e) => one_line_error(&e.to_string(), "config.json"),
    }
}

/// The word vectors' two files: the first byte picks which one is fuzzed, the other is a small
/// valid one. A table that loads must embed any text without panicking.
fn word_vectors(data: &[u8]) {
    use crate::analyze::wordvec::WordVectors;
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let pieces = ["[UNK]", "we", "lost", "##s", ","];
    let vocab: std::collections::HashMap<&str, usize> =
        pieces.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let tokenizer = serde_json::to_vec(&serde_json::json!({
        "model": {"unk_token": "[UNK]", "vocab": vocab}
    }))
    .expect("json");
    let header = r#"{"embeddings.word_embeddings.weight":{"dtype":"F32","shape":[5,2],"data_offsets":[0,40]}}"#;
    let mut weights = (header.len() as u64).to_le_bytes().to_vec();
    weights.extend(header.as_bytes());
    weights.extend(std::iter::repeat_n(0u8, 40));
    let (w, t) = if pick % 2 == 0 {
        (rest, &tokenizer[..])
    } else {
        (&weights[..], rest)
    };
    match WordVectors::read(
        Cursor::new(w),
        w.len() as u64,
        Path::new("model.safetensors"),
        t,
        Path::new("tokenizer.json"),
    ) {
        Ok(v) => {
            let e = v.embed("We lost clients, unknown words and ### ## # marks");
            assert_eq!(e.len(), v.dim());
            assert!(e.iter().all(|x| x.is_finite()));
        }
        Err(e) => one_line_error(
            &e.to_string(),
            if pick % 2 == 0 {
                "model.safetensors"
            } else {
                "tokenizer.json"
            },
        ),
    }
}

/// The user's override files (`frameworks.toml`, `questions.toml`, `lexicon.toml`): the first
/// byte picks which one the rest is read as. An accepted file must then carry an analysis.
fn overrides(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = USER_FILES[usize::from(pick) % USER_FILES.len()];
    let mut cat = catalog().clone();
    let laid = cat.overlay(name, name, rest).and_then(|()| {
        cat.check_roles().map_err(|e| match e {
            crate::analyze::frameworks::DataError::Invalid { message, .. } => {
                crate::analyze::frameworks::DataError::Invalid {
                    path: name.to_string(),
                    message,
                }
            }
            other => other,
        })
    });
    match laid {
        Ok(()) => {
            let words: Vec<Word> = SAMPLE
                .split_whitespace()
                .enumerate()
                .map(|(i, t)| Word {
                    text: t.to_string(),
                    start_s: i as f64 * 0.45,
                    end_s: i as f64 * 0.45 + 0.35,
                    p: 1.0,
                })
                .collect();
            let end = words.last().map_or(0.0, |w| w.end_s);
            analyze_and_render(&cat, words, end, Timing::Words);
        }
        Err(e) => one_line_error(&e.to_string(), name),
    }
}

/// A short answer that touches every section kind, for analyses under fuzzed settings.
const SAMPLE: &str = "Last year I led the launch of our billing system. We had six weeks. \
    I skipped the load test because I thought we were safe, and um, it failed on day one. \
    I owned it, told my manager, and we rolled back within an hour. What I learned is to test \
    the riskiest part first; since then I plan load tests in the first week.";
