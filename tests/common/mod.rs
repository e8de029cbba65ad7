//! Helpers shared by the end-to-end tests: the built binary, the real model, real audio files.
#![allow(dead_code)]

pub mod pulse;

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

pub const JFK_TEXT: &str = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A real human recording (11 s, 16 kHz mono) kept in the repository: see tests/data/README.md.
pub fn jfk() -> PathBuf {
    let p = root().join("tests/data/jfk.wav");
    assert!(
        p.is_file(),
        "{} missing: it is part of the repository (tests/data/README.md)",
        p.display()
    );
    p
}

/// The tiny.en model that `scripts/setup.sh` installs.
pub fn tiny_en() -> PathBuf {
    let p = root().join("models/ggml-tiny.en.bin");
    assert!(
        p.is_file(),
        "{} missing: run `bash scripts/setup.sh --for-tests` first",
        p.display()
    );
    p
}

/// A CTranslate2 model folder that `scripts/setup.sh --for-tests` unpacks.
pub fn ct2_dir(name: &str) -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs_home().join(".cache"));
    let p = cache.join("rehearse/ct2").join(name);
    assert!(
        p.join("config.json").is_file(),
        "{} missing: run `bash scripts/setup.sh --for-tests` first",
        p.display()
    );
    p
}

fn dirs_home() -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into()))
}

/// The binary with an environment that cannot leak the developer's settings into a test.
pub fn rehearse() -> Command {
    let mut c = Command::cargo_bin("rehearse").expect("binary built");
    c.env_remove("REHEARSE_MODEL")
        .env_remove("REHEARSE_MODEL_BASE_URL")
        .env_remove("REHEARSE_THREADS")
        .env_remove("REHEARSE_DEVICE")
        .env_remove("REHEARSE_THINK")
        .env_remove("REHEARSE_VECTORS")
        // Nor the developer's config file and overrides (a test that wants some sets its own).
        .env(
            "REHEARSE_CONFIG_DIR",
            std::env::temp_dir().join("rehearse-test-no-config"),
        )
        .env("NO_COLOR", "1")
        // Recordings made by tests must not land in the developer's practice history.
        .env(
            "REHEARSE_DATA_DIR",
            std::env::temp_dir().join("rehearse-test-attempts"),
        );
    c
}

/// Lowercase words without punctuation, for comparing transcripts the way the issue asks.
pub fn normalize(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Runs sox; the tests use it to make real WAV files in every layout.
pub fn sox(args: &[&str]) {
    let st = Command::new("sox")
        .args(args)
        .status()
        .expect("sox installed (scripts/setup.sh --for-tests)");
    assert!(st.success(), "sox {args:?} failed");
}

pub fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read json")).expect("valid json")
}

/// Words of a transcript JSON as (text, start, end).
pub fn words_of(v: &serde_json::Value) -> Vec<(String, f64, f64)> {
    v["words"]
        .as_array()
        .expect("words array")
        .iter()
        .map(|w| {
            (
                w["text"].as_str().expect("text").to_string(),
                w["start_s"].as_f64().expect("start"),
                w["end_s"].as_f64().expect("end"),
            )
        })
        .collect()
}

/// Debian's Chromium, which `scripts/setup.sh --for-tests` installs, for the HTML tests.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The Chromium binary; a missing one fails the test (never skips it) and says how to install it.
pub fn chromium() -> PathBuf {
    let p = PathBuf::from(CHROMIUM);
    assert!(
        p.is_file(),
        "{CHROMIUM} missing: the HTML tests need headless Chromium; run `bash scripts/setup.sh --for-tests` (Debian package `chromium`)"
    );
    p
}

/// The value of attribute `name` on the `<html>` tag of a dumped DOM (where the pages' error
/// hook writes what went wrong).
pub fn html_attr(dom: &str, name: &str) -> Option<String> {
    let start = dom.find("<html")?;
    let end = start + dom[start..].find('>')?;
    let tag = &dom[start..end];
    let key = format!(" {name}=\"");
    let from = tag.find(&key)? + key.len();
    let len = tag[from..].find('"')?;
    Some(tag[from..from + len].to_string())
}

/// Console lines Chromium logged for the page (any level: the pages log nothing).
pub fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}
