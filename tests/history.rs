//! End to end: the practice history on the built binary with real recordings and the real
//! tiny.en model. The bundled answer is transcribed once (by `rehearse import`); every other
//! attempt is imported from that transcript or from variants of it (shorter, with fillers), so
//! no test waits for Whisper twice. Stores live in temporary folders named by
//! `REHEARSE_DATA_DIR`.

mod common;

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{chromium, console_lines, html_attr, rehearse, root, tiny_en};
use rehearse::analyze::Analysis;
use rehearse::history::{
    AttemptSource, HistoryError, NewAttempt, SourceAudio, Store, save_attempt,
};
use rehearse::transcribe::Transcript;
use serde_json::Value;

/// The bundled answer imported once, for every test to build on.
struct Fixture {
    /// The store the WAV was imported into (tests make their own stores).
    store: PathBuf,
    /// The attempt folder: audio.wav, transcript.json, report.json, meta.json.
    attempt: PathBuf,
    /// The WAV as it was before import (checked to be left alone).
    wav: PathBuf,
    import_stdout: String,
    import_stderr: String,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        // Shared by every test of this process, so it outlives each of them; earlier runs'
        // fixtures are cleared once they are an hour old (a run takes seconds).
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for e in fs::read_dir(tmp).into_iter().flatten().flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(3600));
            if old
                && e.file_name()
                    .to_string_lossy()
                    .starts_with("history-fixture-")
            {
                let _ = fs::remove_dir_all(e.path());
            }
        }
        let dir = tempfile::Builder::new()
            .prefix("history-fixture-")
            .tempdir_in(tmp)
            .expect("fixture dir")
            .keep();
        // A space in the name: paths are quoted and encoded all the way through.
        let wav = dir.join("my answer.wav");
        fs::copy(root().join("samples/failure-star.wav"), &wav).expect("copy the sample");
        let store = dir.join("store");
        let out = rehearse()
            .env("REHEARSE_DATA_DIR", &store)
            .env("REHEARSE_CONFIG_DIR", dir.join("no-config"))
            .args(["import", "-Q", "Tell me about a time you failed", "--model"])
            .arg(tiny_en())
            .arg(&wav)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "import failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        Fixture {
            attempt: store.join(&id),
            store,
            wav,
            import_stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            import_stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
}

/// A test's own folder: its store, its config folder, its variant transcripts.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        Case {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn store(&self) -> PathBuf {
        self.path().join("store")
    }
    /// rehearse with this case's store and no user overrides.
    fn cmd(&self) -> Command {
        let mut c = rehearse();
        c.env("REHEARSE_DATA_DIR", self.store())
            .env("REHEARSE_CONFIG_DIR", self.path().join("no-config"))
            .env("COLUMNS", "120");
        c
    }
    fn ok(&self, args: &[&str]) -> (String, String) {
        ok(self.cmd().args(args))
    }
    fn err(&self, args: &[&str]) -> String {
        err(self.cmd().args(args))
    }
    /// Imports `file` (a transcript variant or a WAV) and returns the new attempt's id.
    fn import(&self, file: &Path, extra: &[&str]) -> String {
        let (out, _) = ok(self.cmd().arg("import").arg(file).args(extra));
        let id = out.trim().to_string();
        assert_eq!(id.len(), 22, "one id printed: {out:?}");
        id
    }
    /// The bundled answer's transcript, changed by `edit`, written beside this case, naming
    /// the fixture's recording.
    fn variant(&self, name: &str, edit: impl FnOnce(&mut Transcript)) -> PathBuf {
        let f = fixture();
        let mut t: Transcript =
            serde_json::from_slice(&fs::read(f.attempt.join("transcript.json")).expect("read"))
                .expect("stored transcript parses");
        t.audio.path = f.attempt.join("audio.wav").display().to_string();
        edit(&mut t);
        let n = t.words.len();
        t.segments
            .retain(|s| s.first_word + s.n_words <= n && s.n_words > 0);
        let p = self.path().join(format!("{name}.json"));
        fs::write(&p, serde_json::to_vec(&t).expect("serialize")).expect("write variant");
        p
    }
    fn base(&self) -> PathBuf {
        self.variant("base", |_| {})
    }
    /// Every 15th word said as "um,": about ten fillers a minute.
    fn with_fillers(&self) -> PathBuf {
        self.variant("fillers", |t| {
            for w in t.words.iter_mut().step_by(15).skip(1) {
                w.text = "um,".into();
            }
        })
    }
    /// The answer cut off after its first minute.
    fn cut_short(&self) -> PathBuf {
        self.variant("short", |t| t.words.retain(|w| w.end_s <= 60.0))
    }
    fn history_json(&self, extra: &[&str]) -> Value {
        let (out, _) = self.ok(&[&["history", "--format", "json"], extra].concat());
        serde_json::from_str(&out).expect("history JSON")
    }
}

fn ok(c: &mut Command) -> (String, String) {
    let out = c.output().expect("runs");
    let (so, se) = texts(&out);
    assert!(out.status.success(), "{c:?} failed:\n{se}");
    (so, se)
}

/// Runs a command expected to fail; returns its stderr, checked to be one line.
fn err(c: &mut Command) -> String {
    let out = c.output().expect("runs");
    let (_, se) = texts(&out);
    assert!(!out.status.success(), "{c:?} should fail");
    assert_eq!(out.status.code(), Some(2), "exit status 2: {se}");
    let se = se.trim().to_string();
    assert_eq!(se.lines().count(), 1, "a one-line error: {se}");
    se
}

fn texts(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).expect("stat").permissions().mode() & 0o777
}

fn ids(history: &Value) -> Vec<String> {
    history["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_string())
        .collect()
}

fn short(id: &str) -> &str {
    &id[16..]
}

#[test]
fn import_wav_stores_a_whole_private_attempt() {
    let f = fixture();
    assert!(
        f.import_stderr.contains("saved attempt"),
        "{}",
        f.import_stderr
    );
    assert!(f.import_stderr.contains("sections in target"));
    let id = f.import_stdout.trim();
    assert!(rehearse::history::AttemptId::is_valid(id), "{id}");
    // The original is copied, not moved.
    assert!(f.wav.is_file());
    assert_eq!(
        fs::read(&f.wav).expect("read"),
        fs::read(f.attempt.join("audio.wav")).expect("read stored")
    );
    assert_eq!(mode(&f.store), 0o700);
    assert_eq!(mode(&f.attempt), 0o700);
    let mut names: Vec<String> = fs::read_dir(&f.attempt)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // report.html may have been written by a test that drew the fixture's store; nothing else.
    names.retain(|n| n != "report.html");
    assert_eq!(
        names,
        ["audio.wav", "meta.json", "report.json", "transcript.json"]
    );
    for n in &names {
        assert_eq!(mode(&f.attempt.join(n)), 0o600, "{n}");
    }
    let meta = read_json(&f.attempt.join("meta.json"));
    assert_eq!(meta["schema"], 2);
    assert_eq!(meta["id"], id);
    assert_eq!(meta["question"]["id"], "failed");
    assert_eq!(meta["framework"], "star-l");
    assert_eq!(meta["model"], "tiny.en");
    assert_eq!(meta["source"]["kind"], "import");
    assert_eq!(meta["rehearse_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(meta["analysis"]["status"], "ok");
    let started = meta["started_at"].as_str().expect("started_at");
    assert_eq!(started.len(), 20, "RFC 3339 UTC, whole seconds: {started}");
    assert!(started.ends_with('Z'));
    // The folder is named after the start time.
    assert_eq!(
        &id[..15],
        format!(
            "{}{}{}-{}{}{}",
            &started[0..4],
            &started[5..7],
            &started[8..10],
            &started[11..13],
            &started[14..16],
            &started[17..19]
        )
    );
    assert!((meta["duration_s"].as_f64().expect("duration") - 93.3).abs() < 0.5);
    let s = &meta["summary"];
    assert_eq!(s["sections"].as_array().expect("sections").len(), 5);
    assert!(s["wpm"].as_f64().expect("wpm") > 100.0);
    // Both stored documents point at the recording beside them.
    assert_eq!(
        read_json(&f.attempt.join("transcript.json"))["audio"]["path"],
        "audio.wav"
    );
    let report = read_json(&f.attempt.join("report.json"));
    assert_eq!(report["source"]["audio"], "audio.wav");
    assert_eq!(report["schema"], 3);
    assert!(
        report["words"].as_array().expect("words").len() > 200,
        "the real transcription"
    );
}

#[test]
fn history_table_json_csv_and_show() {
    let c = Case::new();
    let base = c.base();
    let a = c.import(&base, &["-Q", "failed"]);
    let b = c.import(&c.with_fillers(), &["-Q", "failed"]);
    let s = c.import(&c.cut_short(), &["-Q", "failed"]);
    let d = c.import(&base, &["-Q", "failed"]);
    let w = c.import(&base, &["-Q", "What is your biggest weakness?"]);
    let all = [&a, &b, &s, &d, &w];

    let (table, stderr) = c.ok(&["history"]);
    assert!(stderr.is_empty(), "no warnings: {stderr}");
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with('#') && lines[0].contains("LENGTH (TARGET)"));
    for id in all {
        assert!(table.contains(short(id)), "{id} listed:\n{table}");
    }
    assert_eq!(table.matches("* best").count(), 1, "{table}");
    assert!(table.contains("Trends for failed"), "{table}");
    assert!(table.contains("fillers/min"), "{table}");
    // The transcripts name the bundled recording, so the delivery was measured.
    assert!(lines[0].contains("PITCH VAR"), "{table}");
    assert!(table.contains("pitch (st)"), "{table}");
    // Sparklines: the three failed-question attempts differ, so their bars differ.
    let length_line = lines
        .iter()
        .find(|l| l.trim_start().starts_with("length "))
        .expect("length trend");
    let bars: HashSet<char> = length_line
        .chars()
        .filter(|c| ('▁'..='█').contains(c))
        .collect();
    assert!(bars.len() >= 2, "{length_line}");
    assert!(!table.contains('\x1b'), "no colour into a pipe");

    let h = c.history_json(&[]);
    assert_eq!(h["schema"], 2);
    assert_eq!(ids(&h), all.map(|s| s.to_string()));
    let rows = h["attempts"].as_array().expect("attempts");
    assert_eq!(rows.iter().filter(|r| r["best"] == true).count(), 1);
    let fillers_pm = |id: &str| {
        rows.iter().find(|r| r["id"] == id).expect("row")["summary"]["fillers_per_min"]
            .as_f64()
            .expect("fillers")
    };
    assert!(fillers_pm(&b) > fillers_pm(&a) + 4.0);
    let short_row = rows.iter().find(|r| r["id"] == s.as_str()).expect("row");
    assert!(short_row["summary"]["answer_s"].as_f64().expect("answer") < 61.0);

    let q = c.history_json(&["--question", "failed", "--last", "2"]);
    assert_eq!(ids(&q), [s.clone(), d.clone()]);
    assert_eq!(
        q["attempts"][0]["n"], 3,
        "numbers count from the oldest attempt"
    );
    let weak = c.history_json(&["--question", "weakness"]);
    assert_eq!(
        ids(&weak),
        std::slice::from_ref(&w),
        "a wording finds the bank's question"
    );
    let (none, msg) = c.ok(&["history", "--question", "Why do you want this job?"]);
    assert!(
        none.is_empty() && msg.contains("no attempts at question"),
        "{msg}"
    );

    let (csv, _) = c.ok(&["history", "--format", "csv"]);
    let csv_lines: Vec<&str> = csv.lines().collect();
    assert_eq!(csv_lines.len(), 1 + all.len());
    let header: Vec<&str> = csv_lines[0].split(',').collect();
    assert_eq!(header.len(), 22);
    for l in &csv_lines[1..] {
        assert_eq!(l.split(',').count(), header.len(), "{l}");
    }
    assert!(csv_lines[2].starts_with(&format!("2,{b},")));
    // --out picks the format from the extension.
    let out = c.path().join("h.csv");
    c.ok(&["history", "--out", out.to_str().expect("utf-8")]);
    assert_eq!(fs::read_to_string(&out).expect("csv written"), csv);

    // show: every format, by short id and by `latest`.
    let (text, _) = c.ok(&["show", "latest"]);
    assert!(text.starts_with(&format!("Attempt {w}")), "{text:.200}");
    assert!(text.contains("Answer "));
    let (json, _) = c.ok(&["show", short(&a), "--format", "json"]);
    let stored: Analysis =
        serde_json::from_slice(&fs::read(c.store().join(&a).join("report.json")).expect("read"))
            .expect("stored report");
    let shown: Analysis = serde_json::from_str(&json).expect("shown report");
    assert_eq!(shown, stored);
    let (md, _) = c.ok(&["show", "latest~4", "--format", "markdown"]);
    assert!(md.starts_with('#'), "{md:.100}");
    let page = c.path().join("pages/a.html");
    fs::create_dir_all(page.parent().expect("parent")).expect("mkdir");
    c.ok(&["show", &a, "--out", page.to_str().expect("utf-8")]);
    let html = fs::read_to_string(&page).expect("page written");
    let stored = c
        .store()
        .join(&a)
        .join("audio.wav")
        .canonicalize()
        .expect("stored recording");
    let src = format!("src=\"file://{}\"", stored.display());
    assert!(
        html.contains(&src),
        "the player finds the recording wherever the page is moved: {html:.1200}"
    );
    assert!(
        html.contains(" UTC (rehearse)</title>") || html.contains(" UTC</title>"),
        "the page is titled with the attempt's date"
    );
}

#[test]
fn compare_shows_sections_pace_fillers_and_signals() {
    let c = Case::new();
    let a = c.import(&c.base(), &["-Q", "failed"]);
    let b = c.import(&c.with_fillers(), &["-Q", "failed"]);
    let (text, _) = c.ok(&["compare", short(&a), short(&b)]);
    for s in ["Situation", "Task", "Action", "Result", "Learning"] {
        assert!(text.contains(&format!("  {s} (")), "{s} in:\n{text}");
    }
    for s in [
        "answer",
        "pace (",
        "fillers",
        "signals fixed:",
        "signals new:",
        "pitch variation",
        "loudness",
    ] {
        assert!(text.contains(s), "{s} in:\n{text}");
    }
    let json = |x: &str, y: &str| -> Value {
        let (out, _) = c.ok(&["compare", x, y, "--format", "json"]);
        serde_json::from_str(&out).expect("compare JSON")
    };
    let v = json(short(&a), short(&b));
    assert!(v["a"]["pitch_variation_st"].is_f64(), "{v}");
    assert!(v["b"]["speech_dbfs"].is_f64(), "{v}");
    let has =
        |v: &Value, list: &str, id: &str| v[list].as_array().expect("list").iter().any(|s| s == id);
    let forward = json(&a, &b);
    assert!(has(&forward, "new", "fillers-heavy"), "{forward}");
    assert!(!has(&forward, "fixed", "fillers-heavy"));
    assert_eq!(forward["sections"].as_array().expect("sections").len(), 5);
    assert!(forward["b"]["fillers_per_min"].as_f64() > forward["a"]["fillers_per_min"].as_f64());
    let back = json("latest", "latest~1");
    assert!(has(&back, "fixed", "fillers-heavy"), "{back}");
    let e = c.err(&["compare", &a, "nosuch"]);
    assert!(e.contains("no attempt 'nosuch'"), "{e}");
}

/// star-l as embedded, with the action section's target moved to 10-20 s.
fn star_l_with_short_action() -> String {
    let all = fs::read_to_string(root().join("data/frameworks.toml")).expect("frameworks.toml");
    let start = all
        .find("[[framework]]\nid = \"star-l\"")
        .expect("star-l block");
    let end = all[start + 10..]
        .find("\n[[framework]]\n")
        .map_or(all.len(), |i| start + 10 + i);
    let block = &all[start..end];
    let changed = block.replacen(
        "target = { min_s = 20.0, max_s = 40.0 }",
        "target = { min_s = 10.0, max_s = 20.0 }",
        1,
    );
    assert_ne!(
        changed, block,
        "the action target is where the test expects it"
    );
    changed
}

const TWO_PART: &str = r#"
[[framework]]
id = "two-part"
name = "Two parts"
source = "test"
about = "A story, then its lesson."
overall = { min_s = 60.0, max_s = 120.0 }
[[framework.section]]
id = "story"
name = "Story"
about = "What happened."
target = { min_s = 30.0, max_s = 70.0 }
cues = ["i was"]
words = []
[[framework.section]]
id = "lesson"
name = "Lesson"
about = "What you learned."
target = { min_s = 15.0, max_s = 40.0 }
cues = ["what i learned", "i learned"]
words = []
"#;

#[test]
fn reanalyze_follows_changed_frameworks_and_recovers_failed_attempts() {
    let c = Case::new();
    let a = c.import(&c.base(), &["-Q", "failed"]);
    let b = c.import(&c.base(), &["-Q", "failed"]);
    let in_target = |h: &Value, i: usize| {
        h["attempts"][i]["summary"]["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .filter(|s| s["status"] == "ok")
            .count()
    };
    let before = c.history_json(&[]);
    // Action runs 17 s: short of 20-40 s.
    assert_eq!((in_target(&before, 0), in_target(&before, 1)), (4, 4));
    c.ok(&[
        "history",
        "--format",
        "html",
        "--out",
        c.path().join("h.html").to_str().expect("utf-8"),
    ]);
    assert!(c.store().join(&a).join("report.html").is_file());
    let meta_before = read_json(&c.store().join(&a).join("meta.json"));

    let cfg = c.path().join("config");
    fs::create_dir_all(&cfg).expect("mkdir");
    fs::write(cfg.join("frameworks.toml"), star_l_with_short_action()).expect("write");
    let (_, stderr) = ok(c
        .cmd()
        .env("REHEARSE_CONFIG_DIR", &cfg)
        .args(["reanalyze", "--all"]));
    assert_eq!(stderr.matches("reanalyzed ").count(), 2, "{stderr}");
    let after = c.history_json(&[]);
    assert_eq!((in_target(&after, 0), in_target(&after, 1)), (5, 5));
    let report = read_json(&c.store().join(&b).join("report.json"));
    assert_eq!(report["section_timing"][2]["target"]["min_s"], 10.0);
    let meta_after = read_json(&c.store().join(&a).join("meta.json"));
    for same in [
        "id",
        "started_at",
        "saved_at",
        "question",
        "duration_s",
        "source",
    ] {
        assert_eq!(meta_after[same], meta_before[same], "{same} kept");
    }
    assert_eq!(meta_after["analysis"]["status"], "ok");
    assert!(
        !c.store().join(&a).join("report.html").exists(),
        "the outdated page is gone"
    );
    assert_eq!(mode(&c.store().join(&a).join("report.json")), 0o600);

    // An attempt analyzed with a framework of the user's that later disappears: reanalyze marks
    // it failed and keeps it; with the framework back it is analyzed again.
    let two = c.path().join("two");
    fs::create_dir_all(&two).expect("mkdir");
    fs::write(two.join("frameworks.toml"), TWO_PART).expect("write");
    let (out, _) = ok(c
        .cmd()
        .env("REHEARSE_CONFIG_DIR", &two)
        .args(["import", "--framework", "two-part"])
        .arg(c.base()));
    let t = out.trim().to_string();
    let out = c
        .cmd()
        .args(["reanalyze", short(&t)])
        .output()
        .expect("runs");
    let (_, stderr) = texts(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("unknown framework 'two-part'"), "{stderr}");
    assert!(!c.store().join(&t).join("report.json").exists());
    let (table, _) = c.ok(&["history"]);
    assert!(table.contains("analysis failed"), "{table}");
    let h = c.history_json(&[]);
    assert_eq!(h["attempts"][2]["status"], "failed");
    let e = c.err(&["show", short(&t)]);
    assert!(e.contains("rehearse reanalyze"), "{e}");
    let (_, stderr) = ok(c
        .cmd()
        .env("REHEARSE_CONFIG_DIR", &two)
        .args(["reanalyze", &t]));
    assert!(stderr.contains("(was failed)"), "{stderr}");
    let (text, _) = c.ok(&["show", &t]);
    assert!(text.contains("Two parts"), "{text:.300}");
}

/// Three seconds of digital silence as a 16 kHz mono WAV.
fn silent_wav(p: &Path) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(p, spec).expect("create wav");
    for _ in 0..16_000 * 3 {
        w.write_sample(0i16).expect("sample");
    }
    w.finalize().expect("finalize");
}

/// A recording with no speech is not stored: exit status 3 and one line saying so.
#[test]
fn a_recording_with_no_speech_is_not_imported() {
    let c = Case::new();
    let silent = c.path().join("silence.wav");
    silent_wav(&silent);
    let out = c
        .cmd()
        .args(["import", "--model"])
        .arg(tiny_en())
        .arg(&silent)
        .output()
        .expect("runs");
    let (so, se) = texts(&out);
    assert_eq!(out.status.code(), Some(3), "{se}");
    assert!(so.is_empty(), "no id printed: {so}");
    assert_eq!(
        se.trim(),
        format!(
            "error: {}: no speech heard in its 3.0 s; nothing saved",
            silent.display()
        )
    );
    assert!(silent.is_file(), "the user's file is left alone");
    let listed: Vec<_> = fs::read_dir(c.store())
        .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        listed.iter().all(|n| n == "index.json"),
        "nothing stored: {listed:?}"
    );
    // Among others, the rest are imported and the status still says one was not.
    let out = c
        .cmd()
        .args(["import", "--model"])
        .arg(tiny_en())
        .arg(&silent)
        .arg(c.base())
        .output()
        .expect("runs");
    let (so, se) = texts(&out);
    assert_eq!(out.status.code(), Some(3), "{se}");
    assert_eq!(so.trim().lines().count(), 1, "{so}");
    assert!(
        se.contains("1 of 2 files held no speech and were not imported"),
        "{se}"
    );
}

/// An attempt whose analysis failed (as older versions stored false starts) is listed as
/// failed, stays failed on reanalyze, and `delete --failed` removes it and only it.
#[test]
fn failed_attempts_are_marked_and_delete_failed_removes_them() {
    let c = Case::new();
    let ok_id = c.import(&c.base(), &["-Q", "failed"]);
    let silent = c.path().join("silence.wav");
    silent_wav(&silent);
    let failed = save_attempt(
        &Store::at(c.store()),
        SourceAudio {
            path: &silent,
            samples: None,
            temporary: false,
            keep_original: false,
        },
        None,
        Err("no words to analyze (the transcript is empty)".into()),
        NewAttempt {
            started_at: std::time::SystemTime::now(),
            question: None,
            framework_requested: None,
            source: AttemptSource::Record,
            device: None,
            model: None,
        },
    )
    .expect("saved")
    .to_string();
    let meta = read_json(&c.store().join(&failed).join("meta.json"));
    assert_eq!(meta["analysis"]["status"], "failed");
    assert!((meta["duration_s"].as_f64().expect("duration") - 3.0).abs() < 0.01);
    let (table, _) = c.ok(&["history"]);
    assert!(table.contains("analysis failed"), "{table}");
    let (csv, _) = c.ok(&["history", "--format", "csv"]);
    assert!(
        csv.lines().nth(2).expect("row").contains(",failed,"),
        "{csv}"
    );
    let out = c
        .cmd()
        .args(["reanalyze", "--all", "--model"])
        .arg(tiny_en())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let (_, se) = texts(&out);
    assert!(se.contains("marked failed"), "{se}");
    assert!(se.contains("rehearse delete --failed"), "{se}");

    // As `delete ID`: never without asking, and no terminal to ask on is a refusal.
    let out = c
        .cmd()
        .args(["delete", "--failed"])
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    let (_, se) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{se}");
    assert!(
        se.contains(&format!("refusing to delete attempt {failed}"))
            && se.contains("without --yes"),
        "{se}"
    );
    assert!(c.store().join(&failed).is_dir());
    let out = c
        .cmd()
        .args(["delete", "--failed", &ok_id])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(texts(&out).1.contains("cannot be used with"));
    let (_, se) = c.ok(&["delete", "--failed", "--yes"]);
    assert!(se.contains(&format!("deleted {failed}")), "{se}");
    assert!(!c.store().join(&failed).exists());
    assert!(c.store().join(&ok_id).is_dir(), "the good attempt stays");
    let (_, se) = c.ok(&["delete", "--failed", "--yes"]);
    assert!(se.contains("no failed attempts in"), "{se}");
}

/// What a killed `record` leaves behind (its capture file, hidden in the store) is pointed out
/// once it is clearly no longer being written, with the command that keeps it.
#[test]
fn a_recording_left_by_a_killed_record_is_pointed_out() {
    let c = Case::new();
    fs::create_dir_all(c.store()).expect("store");
    let old = c.store().join(".recording-20250101-000000-4242-0.wav");
    let young = c.store().join(".recording-20250101-000100-4243-0.wav");
    silent_wav(&old);
    silent_wav(&young);
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    File::options()
        .write(true)
        .open(&old)
        .and_then(|f| f.set_modified(an_hour_ago))
        .expect("set mtime");
    let (_, se) = c.ok(&["history"]);
    assert!(
        se.contains(&format!(
            "warning: {}: a recording that was never saved",
            old.display()
        )) && se.contains(&format!("`rehearse import '{}'`", old.display())),
        "{se}"
    );
    assert!(
        !se.contains(".recording-20250101-000100"),
        "one being written is left alone: {se}"
    );
    assert!(old.is_file() && young.is_file(), "never removed");
}

#[test]
fn delete_asks_refuses_without_a_terminal_and_removes_everything() {
    let c = Case::new();
    let a = c.import(&c.base(), &["-Q", "failed"]);
    let b = c.import(&c.base(), &["-Q", "failed"]);
    c.ok(&["history"]);
    let index = c.store().join("index.json");
    assert!(fs::read_to_string(&index).expect("index").contains(&a));

    let out = c
        .cmd()
        .args(["delete", short(&a)])
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let (_, se) = texts(&out);
    assert!(
        se.contains("without --yes") && se.contains("not a terminal"),
        "{se}"
    );
    assert!(c.store().join(&a).is_dir(), "nothing deleted");

    // On a terminal it asks: "n" keeps, "y" deletes. `script` gives the command a terminal.
    let in_tty = |answer: &str| {
        let line = format!(
            "{} delete {}",
            assert_cmd::cargo::cargo_bin("rehearse").display(),
            short(&a)
        );
        let mut child = Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env("REHEARSE_DATA_DIR", c.store())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script (util-linux) runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(answer.as_bytes())
            .expect("answer");
        let out = child.wait_with_output().expect("waits");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let said = in_tty("n\n");
    assert!(
        said.contains("Delete attempt") && said.contains("[y/N]"),
        "{said}"
    );
    assert!(c.store().join(&a).is_dir(), "kept after 'n': {said}");
    let said = in_tty("y\n");
    assert!(!c.store().join(&a).exists(), "deleted after 'y': {said}");

    // A deletion cut short (the folder already renamed away) is finished by the next command.
    let cut = c.store().join(".deleting-20250101-000000-abcdef-1");
    fs::create_dir(&cut).expect("mkdir");
    fs::write(cut.join("audio.wav"), "private").expect("write");
    c.ok(&["delete", &b, "--yes"]);
    assert!(!c.store().join(&b).exists());
    assert!(!cut.exists());
    let left: Vec<String> = fs::read_dir(c.store())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["index.json"], "no trace but the index");
    let index = fs::read_to_string(&index).expect("index");
    assert!(!index.contains(&a) && !index.contains(&b), "{index}");
    assert!(
        !index.contains("Tell me about"),
        "the question text is gone too"
    );
    let e = c.err(&["delete", &a, "--yes"]);
    assert!(e.contains(&format!("no attempt '{a}'")), "{e}");
    let e = c.err(&["show", "latest"]);
    assert!(e.contains("no attempts in"), "{e}");
}

#[test]
fn damaged_foreign_and_incomplete_folders_are_skipped_with_warnings() {
    let c = Case::new();
    let a = c.import(&c.base(), &["-Q", "failed"]);
    let b = c.import(&c.with_fillers(), &["-Q", "failed"]);
    let store = c.store();
    fs::create_dir(store.join("notes")).expect("mkdir");
    fs::write(store.join("readme.txt"), "mine").expect("write");
    let damaged = store.join("20250101-000000-abcdef");
    fs::create_dir(&damaged).expect("mkdir");
    fs::write(damaged.join("meta.json"), "{\"schema\": 1, \"id\":").expect("write");
    let stolen = store.join("20250101-000001-abcdef");
    fs::create_dir(&stolen).expect("mkdir");
    fs::copy(store.join(&a).join("meta.json"), stolen.join("meta.json")).expect("copy");
    let old_incomplete = store.join("20250101-000002-abcdef");
    fs::create_dir(&old_incomplete).expect("mkdir");
    let st = Command::new("touch")
        .args(["-d", "2 hours ago"])
        .arg(&old_incomplete)
        .status()
        .expect("touch");
    assert!(st.success());
    // Young and without meta.json: a save in progress, passed over quietly.
    fs::create_dir(store.join("20250101-000003-abcdef")).expect("mkdir");
    fs::remove_file(store.join(&b).join("audio.wav")).expect("remove audio");

    let (table, stderr) = c.ok(&["history"]);
    assert!(
        table.contains(short(&a)) && table.contains(short(&b)),
        "{table}"
    );
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 5, "{stderr}");
    for (what, why) in [
        ("notes", "not an attempt"),
        ("readme.txt", "not an attempt"),
        ("20250101-000000-abcdef", "meta.json is damaged"),
        ("20250101-000001-abcdef", "belongs to attempt"),
        ("20250101-000002-abcdef", "incomplete attempt"),
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(what) && w.contains(why)),
            "{what}: {why} in\n{stderr}"
        );
    }
    let h = c.history_json(&[]);
    assert_eq!(ids(&h), [a.clone(), b.clone()]);
    assert_eq!(h["warnings"].as_array().expect("warnings").len(), 5);

    let (_, note) = c.ok(&["show", short(&b)]);
    assert!(note.contains("recording is missing"), "{note}");
    let (_, re) = c.ok(&["reanalyze", short(&b)]);
    assert!(re.contains("reanalyzed"), "{re}");
    let e = c.err(&["show", "nosuch"]);
    assert!(
        e.contains("no attempt 'nosuch'") && e.contains("rehearse history"),
        "{e}"
    );
    let e = c.err(&["show", "abcdef"]);
    assert!(
        e.contains("no attempt 'abcdef'"),
        "damaged ones are not shown: {e}"
    );
    // Bad imports: nothing stored, one line naming the file.
    let e = c.err(&["import", "/nonexistent/answer.wav"]);
    assert!(e.contains("/nonexistent/answer.wav: no such file"), "{e}");
    let notes = c.path().join("notes.txt");
    fs::write(&notes, "my notes").expect("write");
    let e = c.err(&["import", notes.to_str().expect("utf-8")]);
    assert!(e.contains("holds no recording to keep"), "{e}");
    let orphan = c.variant("orphan", |t| t.audio.path = "/nonexistent/gone.wav".into());
    let e = c.err(&["import", orphan.to_str().expect("utf-8")]);
    assert!(e.contains("/nonexistent/gone.wav is not there"), "{e}");
    assert_eq!(ids(&c.history_json(&[])), [a.clone(), b.clone()]);
    // The damaged folders can be deleted by their full name.
    c.ok(&["delete", "20250101-000000-abcdef", "--yes"]);
    assert!(!damaged.exists());
    let e = c.err(&["delete", "abcdef", "--yes"]);
    assert!(e.contains("matches several attempts"), "{e}");
}

#[test]
fn index_is_rebuilt_when_missing_damaged_or_stale() {
    let c = Case::new();
    let a = c.import(&c.base(), &["-Q", "failed"]);
    let b = c.import(&c.cut_short(), &["-Q", "failed"]);
    let d = c.import(&c.with_fillers(), &["-Q", "failed"]);
    let index = c.store().join("index.json");
    assert!(!index.exists(), "saving never touches the index");
    let first = c.history_json(&[]);
    assert_eq!(ids(&first), [a.clone(), b.clone(), d.clone()]);
    let entries = |p: &Path| read_json(p)["entries"].as_array().expect("entries").len();
    assert_eq!(entries(&index), 3);
    assert_eq!(mode(&index), 0o600);

    fs::remove_file(&index).expect("remove");
    assert_eq!(c.history_json(&[]), first);
    assert_eq!(entries(&index), 3);

    fs::write(&index, "{\"schema\": 1, \"entries\": [garbage").expect("corrupt");
    let (_, stderr) = c.ok(&["history"]);
    assert!(stderr.contains("index was damaged"), "{stderr}");
    assert_eq!(c.history_json(&[]), first);
    assert_eq!(entries(&index), 3);

    // An index that answers for a folder whose meta.json changed behind its back.
    let meta_path = c.store().join(&b).join("meta.json");
    let mut meta = read_json(&meta_path);
    meta["question"] = serde_json::json!({"id": null, "text": "A question asked differently"});
    fs::write(&meta_path, serde_json::to_vec_pretty(&meta).expect("json")).expect("edit");
    let h = c.history_json(&[]);
    assert_eq!(
        h["attempts"][1]["question"]["text"],
        "A question asked differently"
    );

    fs::remove_dir_all(c.store().join(&a)).expect("rm");
    let h = c.history_json(&[]);
    assert_eq!(ids(&h), [b.clone(), d.clone()]);
    assert_eq!(entries(&index), 2);
    let text = fs::read_to_string(&index).expect("index");
    assert!(!text.contains(&a));
}

#[test]
fn two_processes_saving_at_once_do_not_collide() {
    let c = Case::new();
    let base = c.base();
    let n = 8;
    let spawn = || {
        c.cmd()
            .arg("import")
            .args(std::iter::repeat_n(&base, n))
            .args(["-Q", "failed"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn import")
    };
    let (p1, p2) = (spawn(), spawn());
    let (o1, o2) = (
        p1.wait_with_output().expect("wait"),
        p2.wait_with_output().expect("wait"),
    );
    let mut printed = Vec::new();
    for o in [&o1, &o2] {
        let (so, se) = texts(o);
        assert!(o.status.success(), "{se}");
        printed.extend(so.lines().map(str::to_string));
    }
    let unique: HashSet<&String> = printed.iter().collect();
    assert_eq!(
        unique.len(),
        2 * n,
        "every save got its own id: {printed:?}"
    );
    // Same recording, same start time: only the random part tells them apart.
    let stamps: HashSet<&str> = printed.iter().map(|i| &i[..15]).collect();
    assert_eq!(stamps.len(), 1);
    let (_, stderr) = c.ok(&["history"]);
    assert!(stderr.is_empty(), "{stderr}");
    let h = c.history_json(&[]);
    let mut listed = ids(&h);
    listed.sort();
    let mut expected: Vec<String> = printed.clone();
    expected.sort();
    assert_eq!(listed, expected);
    for id in &printed {
        let dir = c.store().join(id);
        let names: Vec<String> = fs::read_dir(&dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 4, "{id}: {names:?} (no temporary files left)");
        assert_eq!(read_json(&dir.join("meta.json"))["id"], id.as_str());
        read_json(&dir.join("report.json"));
        read_json(&dir.join("transcript.json"));
        assert_eq!(
            fs::metadata(dir.join("audio.wav")).expect("audio").len(),
            fs::metadata(fixture().attempt.join("audio.wav"))
                .expect("audio")
                .len()
        );
    }
}

/// `save_attempt` as `rehearse record` calls it.
#[test]
fn attempts_stored_with_report_and_meta_schema_1_still_read() {
    // Schema 1 named the pace band's words per minute `min_s`/`max_s`. An attempt stored then
    // is listed, shown and compared in today's names, and reanalyze rewrites it as today's.
    let f = fixture();
    let c = Case::new();
    let id = f
        .attempt
        .file_name()
        .and_then(|n| n.to_str())
        .expect("id")
        .to_string();
    let dir = c.store().join(&id);
    fs::create_dir_all(&dir).expect("attempt folder");
    for n in ["audio.wav", "transcript.json"] {
        fs::copy(f.attempt.join(n), dir.join(n)).expect("copy");
    }
    let old_band = serde_json::json!({"min_s": 120.0, "max_s": 170.0});
    let new_band = serde_json::json!({"min_wpm": 120.0, "max_wpm": 170.0});
    let mut report = read_json(&f.attempt.join("report.json"));
    assert_eq!(report["pace"]["band"], new_band);
    report["schema"] = 1.into();
    report["pace"]["band"] = old_band.clone();
    fs::write(dir.join("report.json"), report.to_string()).expect("write report");
    let mut meta = read_json(&f.attempt.join("meta.json"));
    meta["schema"] = 1.into();
    meta["summary"]["pace_band"] = old_band;
    fs::write(dir.join("meta.json"), meta.to_string()).expect("write meta");

    let (table, stderr) = c.ok(&["history"]);
    assert!(stderr.is_empty(), "not taken for damaged: {stderr}");
    assert!(table.contains(short(&id)), "{table}");
    let h = c.history_json(&[]);
    assert_eq!(ids(&h), std::slice::from_ref(&id));
    assert_eq!(h["attempts"][0]["summary"]["pace_band"], new_band);

    let (shown, _) = c.ok(&["show", &id, "--format", "json"]);
    let shown: Value = serde_json::from_str(&shown).expect("report JSON");
    assert_eq!(shown["schema"], 3, "read as today's report");
    assert_eq!(shown["pace"]["band"], new_band);
    let (text, _) = c.ok(&["show", &id]);
    assert!(text.contains("(target 120-170 wpm)"), "{text}");
    let (compared, _) = c.ok(&["compare", &id, &id, "--format", "json"]);
    let compared: Value = serde_json::from_str(&compared).expect("compare JSON");
    assert_eq!(compared["a"]["pace_band"], new_band, "{compared}");

    c.ok(&["reanalyze", &id]);
    let meta = read_json(&dir.join("meta.json"));
    assert_eq!(meta["schema"], 2);
    assert_eq!(meta["summary"]["pace_band"], new_band);
    let report = read_json(&dir.join("report.json"));
    assert_eq!(report["schema"], 3);
    assert_eq!(report["pace"]["band"], new_band);
}

#[test]
fn save_attempt_library_api() {
    let f = fixture();
    let c = Case::new();
    let store = Store::at(c.store());
    let transcript: Transcript =
        serde_json::from_slice(&fs::read(f.attempt.join("transcript.json")).expect("read"))
            .expect("transcript");
    let analysis: Analysis =
        serde_json::from_slice(&fs::read(f.attempt.join("report.json")).expect("read"))
            .expect("report");
    let recording = c.path().join("take.wav");
    fs::copy(f.attempt.join("audio.wav"), &recording).expect("copy");
    fs::set_permissions(&recording, fs::Permissions::from_mode(0o644)).expect("chmod");
    let new = || NewAttempt {
        started_at: std::time::SystemTime::now(),
        question: analysis.question.clone(),
        framework_requested: None,
        source: AttemptSource::Record,
        device: Some("pulse".into()),
        model: None,
    };
    let audio = |path, temporary, keep_original| SourceAudio {
        path,
        samples: None,
        temporary,
        keep_original,
    };
    // A capture made for the attempt, kept as made: moved in as original.wav.
    let id = save_attempt(
        &store,
        audio(&recording, true, true),
        Some(&transcript),
        Ok(&analysis),
        new(),
    )
    .expect("saved");
    assert!(!recording.exists(), "moved in");
    let dir = store.dir_of(&id);
    for name in ["audio.wav", "original.wav"] {
        assert_eq!(
            mode(&dir.join(name)),
            0o600,
            "{name} made private on the way in"
        );
    }
    assert_eq!(
        fs::read(dir.join("original.wav")).expect("original"),
        fs::read(f.attempt.join("audio.wav")).expect("source")
    );
    let meta = read_json(&dir.join("meta.json"));
    assert_eq!(meta["source"]["kind"], "record");
    assert_eq!(meta["device"], "pulse");
    assert_eq!(meta["model"], "tiny.en", "taken from the transcript");
    assert_eq!(meta["original"], "original.wav");

    let missing = c.path().join("never-recorded.wav");
    match save_attempt(
        &store,
        audio(&missing, false, false),
        None,
        Err("x".into()),
        new(),
    ) {
        Err(e @ HistoryError::AudioMissing { .. }) => {
            assert!(e.to_string().contains("never-recorded.wav"), "{e}")
        }
        other => panic!("expected AudioMissing, got {other:?}"),
    }

    // Transcription failed: no transcript, the attempt kept and marked failed; the user's
    // file is left where it is and the attempt keeps only its 16 kHz copy.
    fs::copy(f.attempt.join("audio.wav"), &recording).expect("copy");
    let failed = save_attempt(
        &store,
        audio(&recording, false, false),
        None,
        Err("transcription failed: out of memory\nsecond line".into()),
        new(),
    )
    .expect("saved");
    assert!(recording.exists(), "copied, not moved");
    let dir = store.dir_of(&failed);
    assert!(!dir.join("transcript.json").exists() && !dir.join("report.json").exists());
    assert!(!dir.join("original.wav").exists());
    let meta = read_json(&dir.join("meta.json"));
    assert_eq!(meta["analysis"]["status"], "failed");
    assert_eq!(
        meta["analysis"]["error"],
        "transcription failed: out of memory"
    );
    assert!(meta.get("original").is_none(), "{meta}");
    assert!(
        (meta["duration_s"].as_f64().expect("duration") - 93.3).abs() < 0.5,
        "from the audio"
    );

    let listing = store.list().expect("list");
    assert_eq!(listing.attempts.len(), 2);
    assert!(listing.problems.is_empty());
    assert_eq!(
        store.resolve(&listing, "latest").expect("latest").id(),
        &failed
    );
    assert!(matches!(
        store.load_report(&listing.attempts[1]),
        Err(HistoryError::AnalysisFailed { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// The HTML page in a real browser

/// First thing in `<head>`: records uncaught errors, failed resources and console.error on
/// `<html>`, because `--dump-dom` prints only the DOM.
const HOOK: &str = r#"<script>
(function () {
  var r = document.documentElement;
  function rec(m) { r.setAttribute('data-js-errors', (r.getAttribute('data-js-errors') || '') + m + '\n'); }
  window.addEventListener('error', function (e) {
    if (e.target && e.target !== window) { rec('resource failed: ' + (e.target.currentSrc || e.target.src || e.target.tagName)); }
    else { rec('error: ' + e.message); }
  }, true);
  window.addEventListener('unhandledrejection', function (e) { rec('unhandled rejection: ' + e.reason); });
  var ce = console.error;
  console.error = function () { rec('console.error: ' + Array.prototype.join.call(arguments, ' ')); return ce.apply(console, arguments); };
})();
</script>"#;

/// Runs headless Chromium, offline, on `page` with `args`; returns (stdout, stderr).
fn chrome(page: &Path, args: &[&str]) -> (String, String) {
    let work = tempfile::tempdir().expect("chromium dir");
    let profile = work.path().join("profile");
    let (out_path, err_path) = (work.path().join("out"), work.path().join("err"));
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).expect("stdout file"))
        .stderr(File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = fs::read_to_string(&out_path).unwrap_or_default();
    let err = fs::read_to_string(&err_path).unwrap_or_default();
    assert!(status.success(), "chromium failed: {status}\n{err}");
    (out, err)
}

/// `html` with the hook first in `<head>`.
fn hooked(html: &str) -> String {
    let at = html.find("<head>").expect("<head>") + "<head>".len();
    format!("{}\n{HOOK}{}", &html[..at], &html[at..])
}

/// Every `href="..."` value in `html`.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn html_history_renders_in_chromium_and_links_every_report() {
    chromium();
    let c = Case::new();
    let base = c.base();
    let mut ok_ids = vec![c.import(&c.with_fillers(), &["-Q", "failed"])];
    ok_ids.push(c.import(&c.cut_short(), &["-Q", "failed"]));
    ok_ids.push(c.import(&base, &["-Q", "failed"]));
    // A failed attempt among them: a gap in the lines, no link.
    let two = c.path().join("two");
    fs::create_dir_all(&two).expect("mkdir");
    fs::write(two.join("frameworks.toml"), TWO_PART).expect("write");
    let (out, _) = ok(c
        .cmd()
        .env("REHEARSE_CONFIG_DIR", &two)
        .args(["import", "-Q", "failed", "--framework", "two-part"])
        .arg(&base));
    let failed = out.trim().to_string();
    let _ = c.cmd().args(["reanalyze", &failed]).output().expect("runs");
    ok_ids.push(c.import(&base, &["-Q", "failed"]));
    ok_ids.push(c.import(&base, &["-Q", "weakness"]));

    // The page elsewhere than the store: links must lead back to it.
    let pages = c.path().join("pages dir");
    fs::create_dir_all(&pages).expect("mkdir");
    let page = pages.join("history.html");
    let (_, stderr) = c.ok(&["history", "--out", page.to_str().expect("utf-8")]);
    assert!(stderr.contains("wrote "), "{stderr}");
    let html = fs::read_to_string(&page).expect("page written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing fetched"
    );
    assert!(!html.contains("<script"), "no script needed");
    let reports: Vec<String> = hrefs(&html)
        .into_iter()
        .filter(|h| h.ends_with("report.html"))
        .collect();
    let distinct: HashSet<&String> = reports.iter().collect();
    assert_eq!(
        distinct.len(),
        ok_ids.len(),
        "one report per analyzed attempt"
    );
    for h in &distinct {
        assert!(
            !h.starts_with('/') && !h.starts_with("file:"),
            "relative: {h}"
        );
        let target = pages.join(percent_decode(h));
        assert!(target.is_file(), "{h} leads to {}", target.display());
    }
    for id in &ok_ids {
        let p = c.store().join(id).join("report.html");
        assert!(p.is_file(), "{id}: report.html written on demand");
        assert_eq!(mode(&p), 0o600);
    }
    assert!(!c.store().join(&failed).join("report.html").exists());
    assert!(html.contains("analysis failed"));

    // 1. It draws: a blank page is one colour.
    let work = tempfile::tempdir().expect("dir");
    let shot = work.path().join("shot.png");
    chrome(
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,2000",
        ],
    );
    let (w, h, colours) = colours(&shot);
    assert_eq!((w, h), (1200, 2000));
    let total = (w * h) as usize;
    let commonest = colours.values().copied().max().unwrap_or(0);
    assert!(colours.len() > 50, "{} colours: blank?", colours.len());
    assert!(
        commonest < total * 9 / 10,
        "one colour covers {commonest} of {total}"
    );
    // The first section's colour (the stacked bars) is on screen.
    assert!(
        colours.contains_key(&[0x4e, 0x79, 0xa7]),
        "no section bars drawn"
    );

    // 2. The DOM: charts for each question, the best attempt marked, no errors.
    let hooked_page = pages.join("hooked.html");
    fs::write(&hooked_page, hooked(&html)).expect("write");
    let (dom, err) = chrome(&hooked_page, &["--dump-dom", "--virtual-time-budget=3000"]);
    assert_eq!(html_attr(&dom, "data-js-errors"), None, "{dom:.2000}");
    assert!(console_lines(&err).is_empty(), "{:?}", console_lines(&err));
    assert_eq!(dom.matches("<section class=\"card question\"").count(), 2);
    assert_eq!(dom.matches("<svg").count(), 8, "four charts per question");
    assert_eq!(dom.matches("<tr class=\"best\">").count(), 1);
    assert!(dom.contains("Answer length against its target"));
    assert!(dom.contains("Time per section") && dom.contains("Words per minute"));
    assert!(dom.contains("Fillers per minute") && dom.contains("heavy above"));

    // 3. A linked report opens and runs clean, its recording found beside it.
    let report = c.store().join(&ok_ids[0]).join("report.html");
    let (dom, err) = chrome(&report, &["--dump-dom", "--virtual-time-budget=5000"]);
    assert!(console_lines(&err).is_empty(), "{:?}", console_lines(&err));
    assert_eq!(html_attr(&dom, "class").as_deref(), Some("js has-audio"));
    assert!(dom.contains("src=\"audio.wav\""));
}

/// Width, height and pixel count per RGB colour of a PNG.
fn colours(png_path: &Path) -> (u32, u32, HashMap<[u8; 3], usize>) {
    let file = std::io::BufReader::new(File::open(png_path).expect("screenshot written"));
    let mut reader = png::Decoder::new(file).read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("fits in memory")];
    let info = reader.next_frame(&mut buf).expect("decodes");
    let step = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected colour type {other:?}"),
    };
    let mut counts = HashMap::new();
    for px in buf[..info.buffer_size()].chunks_exact(step) {
        *counts.entry([px[0], px[1], px[2]]).or_insert(0) += 1;
    }
    (info.width, info.height, counts)
}
