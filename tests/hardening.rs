//! End to end: malformed input as a careless or hostile user would give it (issue 13). Each
//! test is one defect that was found: the input once crashed, hung, bloated or cost a saved
//! attempt; now it is refused in one line naming the file, or read correctly. Stores live in
//! temporary folders; nothing here runs Whisper except where a refused file used to hang it.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{jfk, rehearse, sox, tiny_en};
use serde_json::{Value, json};

/// jfk.wav's words with times close to the real ones, as a rehearse transcript naming `audio`.
fn transcript(audio: &str) -> Value {
    let text = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";
    let words: Vec<Value> = text
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            let t = 0.3 + i as f64 * 0.45;
            json!({"text": w, "start_s": t, "end_s": t + 0.4, "p": 0.9})
        })
        .collect();
    let n = words.len();
    json!({
        "schema": 1,
        "audio": {"path": audio, "duration_s": 11.0, "sample_rate": 16000, "channels": 1,
                  "bits_per_sample": 16, "sample_format": "int"},
        "model": {"path": "models/ggml-tiny.en.bin", "name": "tiny.en"},
        "settings": {"language": "en", "prompt": null, "timestamps": "dtw", "filler_boost": 3.0,
                     "energy_snap": true, "threads": 2},
        "duration_s": 11.0,
        "text": text,
        "segments": [{"start_s": 0.3, "end_s": 10.5, "text": text, "first_word": 0, "n_words": n}],
        "words": words,
        "notes": []
    })
}

/// A test's own folder, store and (empty) config folder.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().expect("temp dir");
        // Readable by the unprivileged user some tests run as.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
        Case { dir }
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn store(&self) -> PathBuf {
        self.path().join("store")
    }
    fn config(&self) -> PathBuf {
        self.path().join("config")
    }
    fn cmd(&self) -> Command {
        let mut c = rehearse();
        c.env("REHEARSE_DATA_DIR", self.store())
            .env("REHEARSE_CONFIG_DIR", self.config());
        c
    }
    /// The same command as an unprivileged user when the tests run as root (root ignores
    /// folder permissions, which some defects need to show).
    fn cmd_unprivileged(&self, args: &[&str]) -> Command {
        let bin = assert_cmd::cargo::cargo_bin("rehearse");
        let mut c = if is_root() {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(bin);
            c
        } else {
            Command::new(bin)
        };
        c.args(args)
            .env("NO_COLOR", "1")
            .env("REHEARSE_DATA_DIR", self.store())
            .env("REHEARSE_CONFIG_DIR", self.config())
            .env("HOME", self.path());
        c
    }
    /// A copy of jfk.wav and a transcript of it, in this case's folder.
    fn jfk_transcript(&self, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
        let wav = self.path().join("jfk.wav");
        if !wav.exists() {
            fs::copy(jfk(), &wav).expect("copy jfk");
        }
        let mut t = transcript(wav.to_str().expect("utf-8 path"));
        edit(&mut t);
        let p = self.path().join(name);
        fs::write(&p, serde_json::to_vec(&t).expect("json")).expect("write");
        p
    }
    fn import(&self, file: &Path) -> String {
        let out = self.cmd().arg("import").arg(file).output().expect("runs");
        let (so, se) = texts(&out);
        assert!(out.status.success(), "import failed: {se}");
        so.trim().to_string()
    }
    fn history_ids(&self) -> Vec<String> {
        let out = self
            .cmd_unprivileged(&["history", "--format", "json"])
            .output()
            .expect("runs");
        let (so, se) = texts(&out);
        assert!(out.status.success(), "history failed: {se}");
        let v: Value = serde_json::from_str(&so).expect("history JSON");
        v["attempts"]
            .as_array()
            .expect("attempts")
            .iter()
            .map(|a| a["id"].as_str().expect("id").to_string())
            .collect()
    }
    /// Hands the store to the unprivileged user.
    fn give_store_away(&self) {
        if is_root() {
            chown_r(&self.store());
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn chown_r(p: &Path) {
    std::os::unix::fs::chown(p, Some(65534), Some(65534)).expect("chown");
    if p.is_dir() {
        for e in fs::read_dir(p).expect("list").flatten() {
            chown_r(&e.path());
        }
    }
}

fn texts(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Runs a command that must be refused: exit 2, one line on stderr that names `file`; returns
/// the line.
fn refused(c: &mut Command, file: &Path) -> String {
    let out = c.output().expect("runs");
    let (_, se) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "exit 2 expected: {se}");
    let se = se.trim().to_string();
    assert_eq!(se.lines().count(), 1, "one line: {se}");
    assert!(
        se.contains(&file.display().to_string()),
        "names the file: {se}"
    );
    assert!(se.len() < 400, "short: {se}");
    se
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).expect("write");
    p
}

/// Issue 13, 1: times beyond any real recording crashed the analysis or made it allocate (and
/// write) hundreds of megabytes.
#[test]
fn far_away_times_are_refused_naming_the_cue_or_word() {
    let c = Case::new();
    let srt = write(
        c.path(),
        "typo.srt",
        "1\n00:00:01,000 --> 00:00:03,000\nI led the launch.\n\n2\n10000:00:00,000 --> 10000:00:02,000\nIt failed.\n",
    );
    let e = refused(c.cmd().arg("analyze").arg(&srt), &srt);
    assert!(
        e.contains("line 6: cue ends at 10000:00:02,000, beyond 4 h"),
        "{e}"
    );

    let far = c.jfk_transcript("far.json", |t| t["words"][3]["end_s"] = json!(1e300));
    let e = refused(c.cmd().arg("analyze").arg(&far), &far);
    assert!(e.contains("word 4 'fellow' ends at 1.000e300 s"), "{e}");
    assert!(!e.contains("0000000000"), "no 300-digit number: {e}");
    let e = refused(c.cmd().arg("import").arg(&far), &far);
    assert!(e.contains("1.000e300 s"), "{e}");
    assert!(!c.store().exists(), "nothing stored");

    let wcpp = write(
        c.path(),
        "far.whisper.json",
        r#"{"transcription": [{"offsets": {"from": 0, "to": 1000}, "text": " I led it."},
            {"offsets": {"from": 2000, "to": 1e15}, "text": " It failed."}]}"#,
    );
    let e = refused(c.cmd().arg("analyze").arg(&wcpp), &wcpp);
    assert!(
        e.contains("segment 2 ends at 1.000e12 s, beyond 4 h"),
        "{e}"
    );
}

/// Issue 13, 2: `max_s = inf` in an override was accepted, and the attempt saved with it held
/// `null` in its meta.json and was skipped as damaged.
#[test]
fn infinite_override_values_are_refused_with_file_line_and_field() {
    let c = Case::new();
    fs::create_dir_all(c.config()).expect("mkdir");
    let fw = write(
        &c.config(),
        "frameworks.toml",
        "[[framework]]\nid = \"star-l\"\nname = \"S\"\nsource = \"me\"\nabout = \"a\"\noverall = { min_s = 60.0, max_s = inf }\n[[framework.section]]\nid = \"s\"\nname = \"S\"\nabout = \"a\"\ntarget = { min_s = 5.0, max_s = 20.0 }\n",
    );
    let e = refused(c.cmd().arg("frameworks"), &fw);
    assert!(
        e.contains(
            "line 6: framework 'star-l': overall.max_s = inf: give a number from 0 to 14400"
        ),
        "{e}"
    );
    fs::remove_file(&fw).expect("rm");
    let lexicon =
        rehearse::analyze::frameworks::LEXICON_TOML.replacen("max_wpm = 170.0", "max_wpm = inf", 1);
    let lx = write(&c.config(), "lexicon.toml", lexicon);
    let e = refused(c.cmd().arg("frameworks"), &lx);
    assert!(e.contains("settings: pace_wpm.max_wpm = inf"), "{e}");
    assert!(e.contains(": line "), "{e}");
    let t = c.jfk_transcript("t.json", |_| {});
    refused(c.cmd().arg("import").arg(&t), &lx);
    assert!(!c.store().exists(), "nothing stored");

    // Not UTF-8: one line with the line number, not the reason twice.
    let bad = write(&c.config(), "lexicon.toml", b"# caf\xe9\n[settings]\n");
    let e = refused(c.cmd().arg("frameworks"), &bad);
    assert!(
        e.ends_with(": line 1: not valid UTF-8 text (save the file as UTF-8)"),
        "{e}"
    );
}

/// Issue 13, 3: a delete whose files could not be removed hid the attempt and kept its audio.
#[test]
fn a_failed_delete_leaves_the_attempt_listed_and_says_what_is_left() {
    let c = Case::new();
    let id = c.import(&c.jfk_transcript("t.json", |_| {}));
    c.give_store_away();
    let folder = c.store().join(&id);
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).expect("chmod");
    let out = c
        .cmd_unprivileged(&["delete", &id, "--yes"])
        .output()
        .expect("runs");
    let (_, se) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{se}");
    assert_eq!(se.trim().lines().count(), 1, "{se}");
    assert!(se.contains(&format!("cannot delete attempt {id}")), "{se}");
    assert!(se.contains("nothing was removed"), "{se}");
    assert!(folder.join("audio.wav").is_file(), "the recording is kept");
    assert_eq!(c.history_ids(), vec![id.clone()], "still listed");

    fs::set_permissions(&folder, fs::Permissions::from_mode(0o700)).expect("chmod");
    let out = c
        .cmd_unprivileged(&["delete", &id, "--yes"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", texts(&out).1);
    assert!(!folder.exists());
    assert!(c.history_ids().is_empty());
}

/// A WAV of 8-bit samples at 16 kHz whose data chunk declares `declared` bytes.
fn wav_u8(samples: &[u8], declared: u32) -> Vec<u8> {
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + samples.len() as u32).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&16_000u32.to_le_bytes());
    w.extend_from_slice(&16_000u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&8u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&declared.to_le_bytes());
    w.extend_from_slice(samples);
    w
}

/// Issue 13, 4: a 16 KB WAV whose data chunk claims 4 GB reserved 17 GB before reading.
#[test]
fn a_wav_header_claiming_4_gb_is_read_by_the_file_s_real_size() {
    let c = Case::new();
    let samples: Vec<u8> = (0..16_000).map(|i| 128 + ((i % 16) as u8) * 2).collect();
    let wav = write(c.path(), "huge-header.wav", wav_u8(&samples, u32::MAX));
    let out_json = c.path().join("t.json");
    // With 4 GB of address space the old reservation fails at once; reading 16 KB does not.
    let out = Command::new("bash")
        .arg("-c")
        .arg("ulimit -v 4000000; exec \"$@\"")
        .arg("bash")
        .arg(assert_cmd::cargo::cargo_bin("rehearse"))
        .args(["transcribe", "--model"])
        .arg(tiny_en())
        .arg(&wav)
        .arg("-o")
        .arg(&out_json)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    let (_, se) = texts(&out);
    assert!(out.status.success(), "exit {:?}: {se}", out.status.code());
    let t: Value = serde_json::from_slice(&fs::read(&out_json).expect("written")).expect("json");
    assert!((t["duration_s"].as_f64().expect("duration") - 1.0).abs() < 0.01);
}

/// Issue 13, 5: float samples of 1e38 kept whisper.cpp decoding for minutes.
#[test]
fn huge_float_samples_are_clipped_with_a_note() {
    let c = Case::new();
    let n = 4000u32;
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + n * 4).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&3u16.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&16_000u32.to_le_bytes());
    w.extend_from_slice(&64_000u32.to_le_bytes());
    w.extend_from_slice(&4u16.to_le_bytes());
    w.extend_from_slice(&32u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&(n * 4).to_le_bytes());
    for i in 0..n {
        let v: f32 = if i % 2 == 0 { 1e38 } else { -1e38 };
        w.extend_from_slice(&v.to_le_bytes());
    }
    let wav = write(c.path(), "loud.wav", w);
    let started = Instant::now();
    let mut cmd = c.cmd();
    cmd.args(["transcribe", "--model"])
        .arg(tiny_en())
        .arg(&wav)
        .arg("-o")
        .arg(c.path().join("t.json"));
    let out = assert_cmd::Command::from_std(cmd)
        // A guard against the hang, not a speed target: the old code ran for minutes.
        .timeout(Duration::from_secs(300))
        .output()
        .expect("runs");
    let (_, se) = texts(&out);
    assert!(out.status.success(), "{se} after {:?}", started.elapsed());
    assert!(
        se.contains(
            "4000 float samples were outside full scale [-1, 1] (up to 1.000e38) and were clipped"
        ),
        "{se}"
    );
}

/// Issue 13, 6: `import` skipped the checks `analyze` applies.
#[test]
fn import_checks_word_times_and_that_the_recording_is_audio() {
    let c = Case::new();
    let reversed = c.jfk_transcript("reversed.json", |t| {
        t["words"][2]["start_s"] = json!(5.0);
        t["words"][2]["end_s"] = json!(1.2);
    });
    let e = refused(c.cmd().arg("import").arg(&reversed), &reversed);
    assert!(
        e.contains("word 3 'my' ends at 1.200 s before it starts at 5.000 s"),
        "{e}"
    );
    let negative = c.jfk_transcript("negative.json", |t| t["words"][0]["start_s"] = json!(-3.0));
    let e = refused(c.cmd().arg("import").arg(&negative), &negative);
    assert!(e.contains("negative or invalid time"), "{e}");
    let passwd = c.jfk_transcript("passwd.json", |t| t["audio"]["path"] = json!("/etc/passwd"));
    let e = refused(c.cmd().arg("import").arg(&passwd), &passwd);
    assert!(
        e.contains("its recording /etc/passwd is not audio (it holds text)"),
        "{e}"
    );
    assert!(!c.store().exists(), "nothing stored");
}

/// Issue 13, 8: `reanalyze --all` stopped at the first attempt it could not write, and
/// silently transcribed again an attempt whose transcript was damaged.
#[test]
fn reanalyze_goes_on_past_a_failure_and_never_replaces_a_damaged_transcript_unasked() {
    let c = Case::new();
    let t = c.jfk_transcript("t.json", |_| {});
    let first = c.import(&t);
    let second = c.import(&t);
    c.give_store_away();
    let locked = c.store().join(&first);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).expect("chmod");
    let out = c
        .cmd_unprivileged(&["reanalyze", "--all"])
        .output()
        .expect("runs");
    let (_, se) = texts(&out);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o700)).expect("chmod");
    assert_eq!(out.status.code(), Some(2), "{se}");
    let short = |id: &str| id.rsplit('-').next().expect("short").to_string();
    assert!(
        se.contains(&format!("error: attempt {}", short(&first))),
        "{se}"
    );
    assert!(
        se.contains(&format!("reanalyzed {}", short(&second))),
        "{se}"
    );
    assert!(
        se.contains("1 of 2 attempts could not be reanalyzed"),
        "{se}"
    );

    let damaged = c.store().join(&second).join("transcript.json");
    fs::write(&damaged, "{ this is not json").expect("damage");
    let out = c
        .cmd()
        .args(["reanalyze", &second])
        .env("REHEARSE_MODEL", "/nonexistent/model.bin")
        .output()
        .expect("runs");
    let (_, se) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{se}");
    assert!(se.contains("--retranscribe"), "{se}");
    assert_eq!(
        fs::read_to_string(&damaged).expect("kept"),
        "{ this is not json",
        "the damaged transcript is left alone"
    );
}

/// Issue 13, 9: `model import` left hidden partial files after a kill, and never read
/// config.json.
#[test]
fn model_import_cleans_up_partial_files_and_checks_config_json() {
    let c = Case::new();
    let src = common::ct2_dir("tiny.en");
    // The model's folder, with its big files linked rather than copied.
    let model = c.path().join("tiny.en");
    fs::create_dir(&model).expect("mkdir");
    for e in fs::read_dir(&src).expect("list").flatten() {
        std::os::unix::fs::symlink(e.path(), model.join(e.file_name())).expect("link");
    }
    let out = c.path().join("ggml-tiny.en.bin");
    // A partial file of an import that was killed (no such process).
    let stale = c.path().join(".ggml-tiny.en.bin.4294967.partial");
    fs::write(&stale, vec![0u8; 4096]).expect("write");

    let config = model.join("config.json");
    fs::remove_file(&config).expect("unlink");
    fs::write(&config, "garbage").expect("write");
    let e = refused(
        c.cmd()
            .args(["model", "import"])
            .arg(&model)
            .arg("--out")
            .arg(&out),
        &config,
    );
    assert!(e.contains("invalid JSON"), "{e}");
    assert!(!stale.exists(), "the stale partial file is removed");
    let heads = fs::read_to_string(src.join("config.json"))
        .expect("read")
        .replacen(
            "\"alignment_heads\": [",
            "\"alignment_heads\": [[9, 0], ",
            1,
        );
    fs::write(&config, heads).expect("write");
    let e = refused(
        c.cmd()
            .args(["model", "import"])
            .arg(&model)
            .arg("--out")
            .arg(&out),
        &config,
    );
    assert!(
        e.contains("alignment head [9, 0] is outside the decoder's 4 layers"),
        "{e}"
    );
    assert!(!out.exists());

    // Interrupted part-way: nothing but what was there before is left.
    fs::remove_file(&config).expect("unlink");
    std::os::unix::fs::symlink(src.join("config.json"), &config).expect("link");
    let mut child = c
        .cmd()
        .args(["model", "import"])
        .arg(&model)
        .arg("--out")
        .arg(&out)
        .spawn()
        .expect("starts");
    let pid = child.id();
    let partial = c.path().join(format!(".ggml-tiny.en.bin.{pid}.partial"));
    let deadline = Instant::now() + Duration::from_secs(120);
    while !partial.exists()
        && Instant::now() < deadline
        && child.try_wait().expect("wait").is_none()
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(partial.exists(), "the import got as far as writing");
    // SAFETY: sends SIGINT to the child this test started.
    unsafe { libc::kill(pid as libc::pid_t, libc::SIGINT) };
    let status = child.wait().expect("waits");
    assert_eq!(status.code(), Some(130), "{status:?}");
    let left: Vec<String> = fs::read_dir(c.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(!out.exists());
}

/// Issue 13, 10: messages that doubled their reason, echoed a megabyte, or misread a WAV.
#[test]
fn messages_are_one_clear_line_and_valid_riff_is_read() {
    let c = Case::new();
    let jfk_bytes = fs::read(jfk()).expect("jfk");
    let data_at = jfk_bytes
        .windows(4)
        .position(|w| w == b"data")
        .expect("data chunk");

    // No data chunk at all.
    let no_data = write(c.path(), "no-data.wav", &jfk_bytes[..data_at]);
    let e = refused(c.cmd().arg("transcribe").arg(&no_data), &no_data);
    assert!(e.contains("no `data` chunk"), "{e}");
    assert!(!e.contains("Failed to read enough bytes"), "{e}");

    // Big-endian WAV says what it is and how to convert it.
    let rifx = c.path().join("rifx.wav");
    sox(&[
        jfk().to_str().expect("path"),
        "-B",
        rifx.to_str().expect("path"),
    ]);
    let e = refused(c.cmd().arg("transcribe").arg(&rifx), &rifx);
    assert!(e.contains("RIFX is big-endian WAV"), "{e}");
    assert!(e.contains("sox IN OUT.wav"), "{e}");

    // A wrong-typed value of a megabyte is quoted in a few dozen characters.
    let big = "x".repeat(1 << 20);
    let huge = c.jfk_transcript("huge.json", |t| t["words"][0]["start_s"] = json!(big));
    let e = refused(c.cmd().arg("analyze").arg(&huge), &huge);
    assert!(e.contains("(1048576 characters)"), "{e}");

    // The right schema written as a string is named as such.
    let schema = c.jfk_transcript("schema.json", |t| t["schema"] = json!("1"));
    let e = refused(c.cmd().arg("analyze").arg(&schema), &schema);
    assert!(
        e.contains("\"schema\" is the string \"1\"; write the number 1, without quotes"),
        "{e}"
    );

    // An odd-sized chunk before the samples, padded as RIFF requires, and the same file as
    // RF64: both are read, with the same words as the original.
    let mut padded = jfk_bytes[..data_at].to_vec();
    padded.extend_from_slice(b"note");
    padded.extend_from_slice(&3u32.to_le_bytes());
    padded.extend_from_slice(b"odd\0");
    padded.extend_from_slice(&jfk_bytes[data_at..]);
    let riff_len = (padded.len() - 8) as u32;
    padded[4..8].copy_from_slice(&riff_len.to_le_bytes());
    let odd = write(c.path(), "odd-chunk.wav", &padded);
    let mut rf64 = padded.clone();
    rf64[0..4].copy_from_slice(b"RF64");
    rf64[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let at = data_at + 12 + 4;
    rf64[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let rf64 = write(c.path(), "rf64.wav", &rf64);
    for wav in [&odd, &rf64] {
        let out = c
            .cmd()
            .args(["transcribe", "--model"])
            .arg(tiny_en())
            .arg(wav)
            .arg("-o")
            .arg(c.path().join("t.json"))
            .output()
            .expect("runs");
        let (_, se) = texts(&out);
        assert!(out.status.success(), "{}: {se}", wav.display());
        let t: Value = serde_json::from_slice(&fs::read(c.path().join("t.json")).expect("read"))
            .expect("json");
        let text = t["text"].as_str().expect("text").to_lowercase();
        assert!(
            text.contains("ask not what your country can do for you"),
            "{text}"
        );
    }
}
