//! End-to-end: the command line itself, the same on every command. Help with examples and no
//! default said twice, shell completions and the manual page, `--format json` and `-o` with
//! the same meaning everywhere (an extension that names no format is refused), `-` for
//! standard input, `--verbose` only where Whisper runs, a line on stderr for every file
//! written, and the config file under the environment under the flags.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;

fn run(c: &mut Command) -> Output {
    c.output().expect("rehearse runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(c: &mut Command) -> (String, String) {
    let o = run(c);
    assert!(o.status.success(), "{c:?}: {}", text(&o.stderr));
    (text(&o.stdout), text(&o.stderr))
}

/// An error: exit status 2 and one line on stderr, returned.
fn one_line_error(c: &mut Command) -> String {
    let o = run(c);
    let e = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{c:?}: {e}");
    assert_eq!(e.lines().count(), 1, "{c:?}: one line: {e}");
    e
}

/// Runs with `input` on standard input.
fn with_stdin(c: &mut Command, input: &[u8]) -> Output {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("writes");
    child.wait_with_output().expect("waits")
}

const COMMANDS: &[&str] = &[
    "analyze",
    "transcribe",
    "model",
    "model list",
    "model fetch",
    "model import",
    "model path",
    "model check",
    "frameworks",
    "questions",
    "import",
    "history",
    "show",
    "compare",
    "reanalyze",
    "delete",
    "record",
    "devices",
    "config",
    "completions",
    "man",
];

#[test]
fn every_help_has_examples_and_says_each_default_once() {
    let (top, _) = ok(rehearse().arg("--help"));
    assert!(top.contains("Examples:\n  rehearse"), "{top}");
    assert!(top.contains("Exit status: 0 done, 2 an error"), "{top}");
    for cmd in COMMANDS {
        for flag in ["-h", "--help"] {
            let (help, _) = ok(rehearse().args(cmd.split(' ')).arg(flag));
            assert!(
                help.contains("Examples:\n  rehearse"),
                "`rehearse {cmd} {flag}` has no examples:\n{help}"
            );
            for line in help.lines() {
                assert!(
                    line.matches("[default:").count() < 2,
                    "`rehearse {cmd} {flag}` says a default twice: {line}"
                );
            }
        }
    }
}

#[test]
fn completions_and_the_manual_page_cover_every_command() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef rehearse"),
        ("fish", "complete -c rehearse"),
    ] {
        let (script, _) = ok(rehearse().args(["completions", shell]));
        assert!(script.contains(marker), "{shell}: {script:.200}");
        for cmd in ["analyze", "record", "history", "config", "completions"] {
            assert!(script.contains(cmd), "{shell} completes {cmd}");
        }
        assert!(script.contains("--format"), "{shell}");
    }
    let o = run(rehearse().args(["completions", "tcsh"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("possible values: bash"),
        "{}",
        text(&o.stderr)
    );

    let (page, _) = ok(rehearse().arg("man"));
    assert!(
        page.starts_with(".ie") || page.contains(".TH rehearse"),
        "{page:.300}"
    );
    assert!(page.contains("record"), "{page:.300}");
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, err) = ok(rehearse().args(["man", "--out-dir"]).arg(dir.path()));
    assert!(
        err.contains(&format!(
            "wrote the manual pages to {}",
            dir.path().display()
        )),
        "{err}"
    );
    for name in ["rehearse.1", "rehearse-record.1", "rehearse-model-fetch.1"] {
        let p = dir.path().join(name);
        let page = std::fs::read_to_string(&p).unwrap_or_else(|_| panic!("{name} written"));
        assert!(page.contains(".TH"), "{name}: {page:.200}");
    }
    let (_, err) = ok(rehearse()
        .args(["--quiet", "man", "--out-dir"])
        .arg(dir.path()));
    assert!(err.is_empty(), "--quiet says nothing: {err}");
}

#[test]
fn format_json_everywhere_and_the_old_json_flag_still_works() {
    for cmd in [
        &["questions"][..],
        &["frameworks"],
        &["frameworks", "star-l"],
        &["model", "list"],
        &["devices"],
        &["config"],
    ] {
        let (out, _) = ok(rehearse().args(cmd).args(["--format", "json"]));
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap_or_else(|e| panic!("{cmd:?} --format json: {e}\n{out:.300}"));
    }
    // `--json` was the flag before; scripts that use it keep working, hidden from help.
    for cmd in [
        &["questions"][..],
        &["frameworks"],
        &["frameworks", "star-l"],
    ] {
        let (old, _) = ok(rehearse().args(cmd).arg("--json"));
        let (new, _) = ok(rehearse().args(cmd).args(["--format", "json"]));
        assert_eq!(old, new, "{cmd:?}");
        let (help, _) = ok(rehearse().args(cmd).arg("--help"));
        assert!(!help.contains("--json"), "{cmd:?}: {help}");
    }
}

#[test]
fn dash_o_means_the_output_file_and_refuses_names_of_no_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let transcript = root().join("tests/fixtures/transcripts/answer.srt");
    let pdf = dir.path().join("x.pdf");
    let pdf_s = pdf.to_str().expect("utf-8");
    for (args, known) in [
        (
            vec!["analyze", transcript.to_str().expect("utf-8")],
            ".txt, .json, .md, .markdown, .html, .htm",
        ),
        (
            vec!["transcribe", "tests/data/jfk.wav"],
            ".json, .txt, .srt, .vtt",
        ),
        (vec!["history"], ".txt, .json, .csv, .html, .htm"),
        (
            vec!["show", "latest"],
            ".txt, .json, .md, .markdown, .html, .htm",
        ),
        (vec!["compare", "latest~1", "latest"], ".txt, .json"),
        (
            vec!["record", "--no-save"],
            ".txt, .json, .md, .markdown, .html, .htm",
        ),
        (vec!["questions"], ".txt, .json"),
        (vec!["frameworks"], ".txt, .json"),
        (vec!["devices"], ".txt, .json"),
        (vec!["model", "list"], ".txt, .json"),
        (vec!["config"], ".txt, .json"),
    ] {
        let e = one_line_error(
            rehearse()
                .env("REHEARSE_DATA_DIR", &store)
                .current_dir(root())
                .args(&args)
                .args(["-o", pdf_s]),
        );
        assert!(
            e.contains(&format!(
                "{pdf_s}: .pdf is no format this command writes; known: {known}"
            )),
            "{args:?}: {e}"
        );
        assert!(!pdf.exists(), "{args:?} wrote {pdf_s}");
    }
    // A name and a --format that disagree are refused too; --format with an odd name is fine.
    let e = one_line_error(
        rehearse()
            .args(["questions", "--format", "json", "-o"])
            .arg(dir.path().join("q.txt")),
    );
    assert!(
        e.contains("the name asks for table but --format says json"),
        "{e}"
    );
    let odd = dir.path().join("q.list");
    let (_, err) = ok(rehearse()
        .args(["questions", "--format", "json", "-o"])
        .arg(&odd));
    assert!(
        err.contains(&format!("wrote the questions to {}", odd.display())),
        "{err}"
    );
    serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&odd).expect("written"))
        .expect("json");
    // record -o names the report: a WAV there is refused with the flag that keeps the audio.
    let e = one_line_error(
        rehearse()
            .args(["record", "-o"])
            .arg(dir.path().join("a.wav")),
    );
    assert!(
        e.contains("`record --wav FILE` keeps a copy of the recording"),
        "{e}"
    );
}

#[test]
fn every_file_written_is_named_on_stderr_unless_quiet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let transcript = root().join("tests/fixtures/transcripts/answer.srt");
    let report = dir.path().join("report.md");
    let (out, err) = ok(rehearse()
        .arg("analyze")
        .arg(&transcript)
        .arg("-o")
        .arg(&report));
    assert!(out.is_empty());
    assert_eq!(
        err.trim(),
        format!("wrote the report to {}", report.display())
    );
    assert!(
        std::fs::read_to_string(&report)
            .expect("report")
            .starts_with('#')
    );
    let (_, err) = ok(rehearse()
        .args(["--quiet", "analyze"])
        .arg(&transcript)
        .arg("-o")
        .arg(&report));
    assert!(err.is_empty(), "{err}");
    for (args, what) in [
        (vec!["questions"], "the questions"),
        (vec!["frameworks"], "the frameworks"),
        (vec!["config"], "the settings"),
        (vec!["model", "list"], "the model list"),
    ] {
        let out = dir.path().join("out.txt");
        let (_, err) = ok(rehearse().args(&args).arg("-o").arg(&out));
        assert_eq!(
            err.trim(),
            format!("wrote {what} to {}", out.display()),
            "{args:?}"
        );
    }
}

#[test]
fn a_dash_reads_standard_input() {
    let srt = std::fs::read(root().join("tests/fixtures/transcripts/answer.srt")).expect("srt");
    let o = with_stdin(rehearse().args(["analyze", "-", "--format", "json"]), &srt);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let from_stdin: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let (from_file, _) = ok(rehearse()
        .args(["analyze", "--format", "json"])
        .arg(root().join("tests/fixtures/transcripts/answer.srt")));
    let from_file: serde_json::Value = serde_json::from_str(&from_file).expect("json");
    assert_eq!(from_stdin["source"]["path"], "(standard input)");
    assert_eq!(from_stdin["words"], from_file["words"]);
    assert_eq!(from_stdin["sections"], from_file["sections"]);

    // A WAV on standard input is transcribed like the file.
    let wav = std::fs::read(jfk()).expect("jfk");
    let o = with_stdin(
        rehearse()
            .args(["transcribe", "-", "--format", "txt", "--model"])
            .arg(tiny_en()),
        &wav,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(normalize(&text(&o.stdout)), normalize(JFK_TEXT));

    let o = with_stdin(rehearse().args(["analyze", "-"]), b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("(standard input): nothing was given on standard input"),
        "{}",
        text(&o.stderr)
    );
    let e = one_line_error(rehearse().args(["transcribe", "-", "-", "--out-dir", "x"]));
    assert!(
        e.contains("`-` (standard input) can be given only once"),
        "{e}"
    );
}

#[test]
fn verbose_only_where_whisper_runs() {
    for cmd in ["analyze", "transcribe", "import", "record", "reanalyze"] {
        let (help, _) = ok(rehearse().args([cmd, "--help"]));
        assert!(help.contains("--verbose"), "{cmd}");
    }
    for cmd in [
        &["history"][..],
        &["questions"],
        &["model", "list"],
        &["config"],
    ] {
        let o = run(rehearse().args(cmd).arg("--verbose"));
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        assert!(
            text(&o.stderr).contains("unexpected argument '--verbose'"),
            "{cmd:?}"
        );
    }
}

/// Writes `config.toml` into a config folder of its own and returns the folder.
fn config_dir(dir: &Path, toml: &str) -> std::path::PathBuf {
    let cfg = dir.join("config");
    std::fs::create_dir_all(&cfg).expect("mkdir");
    std::fs::write(cfg.join("config.toml"), toml).expect("write");
    cfg
}

fn setting(c: &mut Command, key: &str) -> (String, String) {
    let (out, _) = ok(c.args(["config", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let s = &v["settings"][key];
    (
        s["value"].as_str().unwrap_or_default().to_string(),
        s["from"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn the_config_file_sits_under_the_environment_under_the_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config_dir(
        dir.path(),
        "# set once\nmodel = \"/nowhere/ggml-mine.bin\"\nthreads = 1\ndevice = \"from-config\"\nthink = \"45s\"\ndata_dir = \"DATA\"\n"
            .replace("DATA", &dir.path().join("cfg-store").display().to_string())
            .as_str(),
    );
    let cmd = || {
        let mut c = rehearse();
        c.env("REHEARSE_CONFIG_DIR", &cfg)
            .env_remove("REHEARSE_DATA_DIR");
        c
    };
    // What `rehearse config` shows: the file's values, each with its line.
    let (table, _) = ok(cmd().arg("config"));
    let path = cfg.join("config.toml");
    assert!(
        table.contains(&format!("config file: {}", path.display())),
        "{table}"
    );
    assert!(
        table.contains(&format!("{} line 3", path.display())),
        "{table}"
    );
    assert_eq!(setting(&mut cmd(), "threads"), ("1".into(), "file".into()));
    assert_eq!(setting(&mut cmd(), "think"), ("45s".into(), "file".into()));
    assert_eq!(
        setting(cmd().env("REHEARSE_THREADS", "2"), "threads"),
        ("2".into(), "env".into())
    );
    assert_eq!(
        setting(cmd().env("REHEARSE_THINK", "10s"), "think"),
        ("10s".into(), "env".into())
    );
    let (p, _) = ok(cmd().args(["config", "--path"]));
    assert_eq!(p.trim(), path.display().to_string());

    // Threads: the transcript records what whisper.cpp ran with.
    let threads = |c: &mut Command, flags: &[&str]| -> u64 {
        let (out, _) = ok(c
            .args(["transcribe", "tests/data/jfk.wav", "--model"])
            .arg(tiny_en())
            .args(flags)
            .current_dir(root()));
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        v["settings"]["threads"].as_u64().expect("threads")
    };
    assert_eq!(threads(&mut cmd(), &[]), 1, "file");
    assert_eq!(
        threads(cmd().env("REHEARSE_THREADS", "2"), &[]),
        2,
        "env over file"
    );
    assert_eq!(
        threads(cmd().env("REHEARSE_THREADS", "2"), &["--threads", "3"]),
        3,
        "flag over env"
    );

    // The model: a missing file is named with where it was set.
    let e = one_line_error(cmd().args(["model", "path"]));
    assert!(
        e.contains("/nowhere/ggml-mine.bin: model file not found")
            && e.contains(&format!("{} line 2", path.display())),
        "{e}"
    );
    let (p, _) = ok(cmd()
        .env("REHEARSE_MODEL", tiny_en())
        .args(["model", "path"]));
    assert_eq!(p.trim(), tiny_en().display().to_string(), "env over file");
    let (p, _) = ok(cmd()
        .env("REHEARSE_MODEL", "/nowhere/else.bin")
        .args(["model", "path"])
        .arg(tiny_en()));
    assert_eq!(p.trim(), tiny_en().display().to_string(), "flag over env");

    // The store.
    let root_of = |c: &mut Command, flags: &[&std::ffi::OsStr]| -> String {
        let (out, _) = ok(c.args(["history", "--format", "json"]).args(flags));
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        v["store"].as_str().expect("store").to_string()
    };
    let env_store = dir.path().join("env-store");
    let flag_store = dir.path().join("flag-store");
    assert_eq!(
        root_of(&mut cmd(), &[]),
        dir.path().join("cfg-store").display().to_string()
    );
    assert_eq!(
        root_of(cmd().env("REHEARSE_DATA_DIR", &env_store), &[]),
        env_store.display().to_string()
    );
    assert_eq!(
        root_of(
            cmd().env("REHEARSE_DATA_DIR", &env_store),
            &["--data-dir".as_ref(), flag_store.as_os_str()]
        ),
        flag_store.display().to_string()
    );

    // The device: named in the error with where it came from (no such device here).
    let conf = dir.path().join("empty-alsa.conf");
    std::fs::write(&conf, "# no devices\n").expect("conf");
    let record = |c: &mut Command, flags: &[&str]| -> String {
        let o = run(c
            .env("ALSA_CONFIG_PATH", &conf)
            .env_remove("PULSE_SERVER")
            .args(["record", "--countdown", "0", "--no-analyze", "--wav"])
            .arg(dir.path().join("never.wav"))
            .args(flags)
            .stdin(Stdio::null()));
        assert_eq!(o.status.code(), Some(2));
        text(&o.stderr)
    };
    let e = record(&mut cmd(), &[]);
    assert!(
        e.contains(&format!("the device comes from {} line 4", path.display()))
            && e.contains("from-config"),
        "{e}"
    );
    let e = record(cmd().env("REHEARSE_DEVICE", "from-env"), &[]);
    assert!(
        e.contains("environment REHEARSE_DEVICE") && e.contains("from-env"),
        "{e}"
    );
    let e = record(
        cmd().env("REHEARSE_DEVICE", "from-env"),
        &["--device", "from-flag"],
    );
    assert!(e.contains("--device from-flag"), "{e}");
}

#[test]
fn a_broken_config_file_is_one_line_with_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config_dir(dir.path(), "model = \"tiny.en\"\n\nthraeds = 2\n");
    let path = cfg.join("config.toml");
    let e = one_line_error(rehearse().env("REHEARSE_CONFIG_DIR", &cfg).arg("history"));
    assert!(
        e.starts_with(&format!(
            "error: {}: line 3: unknown field `thraeds`",
            path.display()
        )),
        "{e}"
    );
    // The commands that help to fix it still work.
    let (p, _) = ok(rehearse()
        .env("REHEARSE_CONFIG_DIR", &cfg)
        .args(["config", "--path"]));
    assert_eq!(p.trim(), path.display().to_string());
    ok(rehearse()
        .env("REHEARSE_CONFIG_DIR", &cfg)
        .args(["completions", "bash"]));
    let e = one_line_error(rehearse().env("REHEARSE_THREADS", "lots").arg("config"));
    assert!(
        e.contains("REHEARSE_THREADS=lots: give a number of threads"),
        "{e}"
    );
    // XDG_CONFIG_HOME is where the folder is when REHEARSE_CONFIG_DIR is not set.
    let xdg = dir.path().join("xdg");
    std::fs::create_dir_all(xdg.join("rehearse")).expect("mkdir");
    std::fs::write(xdg.join("rehearse/config.toml"), "threads = 2\n").expect("write");
    let (p, _) = ok(rehearse()
        .env_remove("REHEARSE_CONFIG_DIR")
        .env("XDG_CONFIG_HOME", &xdg)
        .args(["config", "--path"]));
    assert_eq!(
        p.trim(),
        xdg.join("rehearse/config.toml").display().to_string()
    );
}
