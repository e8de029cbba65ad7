//! Listing speed of the practice history at 10,000 stored attempts.
//!
//! `cargo bench --bench history` writes 10,000 attempt folders (each with the `meta.json` a
//! real analysis of the bundled answer gives; listing never reads the other files) into a
//! temporary store and prints medians of: listing through a valid index, rebuilding the index
//! from the folders (index deleted first), and the whole `rehearse history` process (JSON of
//! every attempt, and the table of the last 20). `REHEARSE_BENCH_ATTEMPTS` changes the count.
//! The file cache is warm: these are the times of a second look at the history.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, UNIX_EPOCH};

use rehearse::analyze::{
    self, AnalysisInput, FrameworkChoice, InputKind, QuestionRef, frameworks::Catalog,
};
use rehearse::history::{
    AnalysisState, AnalysisStatus, AttemptId, AttemptSource, META_SCHEMA, Meta, Store,
    index::INDEX_FILE, summarize, time,
};
use rehearse::transcribe::Word;

mod common;

/// The bundled answer's words at 150 wpm with a pause after each sentence.
/// The bundled sample answer's words, once through (about 95 s).
fn words() -> Vec<Word> {
    common::answer(95.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn populate(root: &Path, n: usize) {
    let catalog = Catalog::embedded().expect("embedded data");
    let input = AnalysisInput {
        kind: InputKind::Wav,
        ..common::input(words())
    };
    let duration_s = input.duration_s;
    let analysis = analyze::analyze(
        input,
        &catalog,
        &FrameworkChoice::Id("star-l".into()),
        Some(QuestionRef {
            id: Some("failed".into()),
            text: "Tell me about a time you failed.".into(),
        }),
    )
    .expect("analysis");
    let summary = summarize(&analysis);
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    fs::create_dir_all(root).expect("store folder");
    for i in 0..n {
        // An attempt every ten minutes, figures varying a little, every tenth one failed.
        let started = start + Duration::from_secs(600 * i as u64);
        let id = AttemptId(format!("{}-{:06x}", time::folder_stamp(started), i));
        let failed = i % 10 == 9;
        let mut s = summary.clone();
        s.answer_s += (i % 37) as f64;
        s.fillers_per_min = (i % 7) as f64 * 0.8;
        let meta = Meta {
            schema: META_SCHEMA,
            id: id.clone(),
            question: analysis.question.clone(),
            framework_requested: None,
            framework: (!failed).then(|| "star-l".to_string()),
            started_at: time::rfc3339(started),
            saved_at: time::rfc3339_micros(started + Duration::from_secs(100)),
            duration_s,
            source: AttemptSource::Record,
            device: Some("default".into()),
            model: Some("tiny.en".into()),
            rehearse_version: env!("CARGO_PKG_VERSION").into(),
            original: None,
            analysis: AnalysisState {
                status: if failed {
                    AnalysisStatus::Failed
                } else {
                    AnalysisStatus::Ok
                },
                error: failed.then(|| "no words to analyze".to_string()),
                analyzed_at: time::rfc3339(started),
                rehearse_version: env!("CARGO_PKG_VERSION").into(),
            },
            summary: (!failed).then_some(s),
            follow_ups: Vec::new(),
        };
        let dir = root.join(id.as_str());
        fs::create_dir(&dir).expect("attempt folder");
        fs::write(
            dir.join("meta.json"),
            serde_json::to_vec_pretty(&meta).expect("meta"),
        )
        .expect("meta.json");
    }
}

fn main() {
    let n: usize = std::env::var("REHEARSE_BENCH_ATTEMPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("attempts");
    let t0 = Instant::now();
    populate(&root, n);
    println!(
        "{n} attempts written in {:.1} s ({})",
        t0.elapsed().as_secs_f64(),
        root.display()
    );
    let store = Store::at(&root);

    let rebuild: Vec<Duration> = (0..5)
        .map(|_| {
            let _ = fs::remove_file(root.join(INDEX_FILE));
            let t = Instant::now();
            let l = store.list().expect("list");
            let d = t.elapsed();
            assert_eq!(l.attempts.len(), n);
            assert!(l.index_rebuilt.is_some());
            d
        })
        .collect();
    let index_bytes = fs::metadata(root.join(INDEX_FILE)).map_or(0, |m| m.len());
    let listed: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            let l = store.list().expect("list");
            let d = t.elapsed();
            assert_eq!(l.attempts.len(), n);
            assert!(l.index_rebuilt.is_none() && l.problems.is_empty());
            d
        })
        .collect();
    let process = |args: &[&str]| -> Duration {
        median(
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    let out = Command::new(env!("CARGO_BIN_EXE_rehearse"))
                        .args(args)
                        .env("REHEARSE_DATA_DIR", &root)
                        .env("NO_COLOR", "1")
                        .output()
                        .expect("rehearse runs");
                    let d = t.elapsed();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    d
                })
                .collect(),
        )
    };
    let json = process(&["history", "--format", "json"]);
    let table = process(&["history", "--last", "20"]);
    println!(
        "index.json: {:.1} MB for {n} attempts",
        index_bytes as f64 / 1e6
    );
    println!(
        "list, index rebuilt from the folders (median of 5): {}",
        ms(median(rebuild))
    );
    println!(
        "list through the index (median of 15):              {}",
        ms(median(listed))
    );
    println!(
        "`rehearse history --format json`, whole process:    {}",
        ms(json)
    );
    println!(
        "`rehearse history --last 20`, whole process:        {}",
        ms(table)
    );
}
