//! End-to-end: `rehearse practice` in a real terminal (tmux), answered through a private
//! PulseAudio null sink with a real spoken recording and the real tiny.en model: think time
//! skipped with Enter, a first answer, "again" with what changed, a follow-up kept with the
//! attempt, then stop; then the store as `history` and `show` see it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::pulse::*;
use common::*;

/// A tmux server of the test's own (its socket in a temporary folder), running one command in
/// a 160x50 terminal.
struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    fn start(dir: &Path, command: &str) -> Tmux {
        let tmux = need("tmux");
        let t = Tmux {
            socket: dir.join("tmux.sock"),
        };
        let st = Command::new(tmux)
            .arg("-S")
            .arg(&t.socket)
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "p",
                "-x",
                "160",
                "-y",
                "50",
            ])
            .arg(command)
            .status()
            .expect("tmux");
        assert!(st.success(), "tmux new-session failed");
        t
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux")
    }

    /// Everything the terminal showed, scrollback included, with wrapped lines joined.
    fn screen(&self) -> String {
        String::from_utf8_lossy(
            &self
                .tmux(&["capture-pane", "-p", "-J", "-S", "-5000", "-t", "p"])
                .stdout,
        )
        .to_string()
    }

    /// Waits until `pat` has appeared `n` times; returns the screen.
    fn wait_for(&self, pat: &str, n: usize, timeout: Duration) -> String {
        let until = Instant::now() + timeout;
        loop {
            let s = self.screen();
            if s.matches(pat).count() >= n {
                return s;
            }
            assert!(
                Instant::now() < until,
                "no {pat:?} (x{n}) within {timeout:?}; the terminal shows:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "p"];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success(), "send-keys {keys:?}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// Plays the test speech into the sink and waits for it to end, then a moment of silence.
fn speak(pulse: &Pulse) {
    let mut play = pulse.play(&jfk());
    let _ = play.wait();
    std::thread::sleep(Duration::from_millis(800));
}

fn quote(s: &Path) -> String {
    format!("'{}'", s.display().to_string().replace('\'', "'\\''"))
}

#[test]
fn a_drill_in_a_terminal_two_rounds_again_and_a_follow_up() {
    let pulse = Pulse::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let config = dir.path().join("config");
    std::fs::create_dir(&config).expect("config dir");
    let bin = assert_cmd::cargo::cargo_bin("rehearse");
    let mut env = Command::new("true");
    pulse.env(&mut env);
    let vars: Vec<String> = env
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_str()?, quote(Path::new(v?)))))
        .collect();
    let command = format!(
        "env -u ALSA_CONFIG_PATH -u REHEARSE_MODEL {} NO_COLOR=1 REHEARSE_DATA_DIR={} REHEARSE_CONFIG_DIR={} {} practice -Q failed --think 30s --max-duration 40s --threads 2 --model {}; echo PRACTICE-EXIT=$?; sleep 600",
        vars.join(" "),
        quote(&store),
        quote(&config),
        quote(&bin),
        quote(&tiny_en()),
    );
    let term = Tmux::start(dir.path(), &command);
    let long = Duration::from_secs(180);

    // Round 1: the plan, think time (Enter skips it), the answer, the report.
    let s = term.wait_for("Think:", 1, Duration::from_secs(60));
    assert!(
        s.contains("Practising failed: asked for with --question."),
        "{s}"
    );
    assert!(
        s.contains("Question: Tell me about a time you failed.  (failed)"),
        "{s}"
    );
    assert!(s.contains("Framework: STAR + Learning (star-l)"), "{s}");
    let asked = Instant::now();
    term.keys(&["Enter"]);
    term.wait_for("recording from", 1, Duration::from_secs(20));
    assert!(
        asked.elapsed() < Duration::from_secs(25),
        "Enter did not skip the 30 s"
    );
    speak(&pulse);
    term.keys(&["Enter"]);
    let s = term.wait_for("What next?", 1, long);
    assert!(s.contains("saved attempt "), "{s}");
    assert!(s.contains("Sections"), "the report: {s}");
    assert!(
        s.contains("[f] follow-up: \"What was the measurable outcome?\""),
        "{s}"
    );

    // Round 2: again, then what changed.
    term.keys(&["a", "Enter"]);
    term.wait_for("Think:", 2, Duration::from_secs(30));
    term.keys(&["Enter"]);
    term.wait_for("recording from", 2, Duration::from_secs(20));
    speak(&pulse);
    term.keys(&["Enter"]);
    let s = term.wait_for("What next?", 2, long);
    assert!(
        s.contains("What changed since your previous answer (A) in this answer (B):"),
        "{s}"
    );
    assert!(s.contains("signals fixed:"), "{s}");

    // The follow-up: recorded and analyzed as a short answer.
    term.keys(&["f", "Enter"]);
    let s = term.wait_for("recording from", 3, Duration::from_secs(30));
    assert!(
        s.contains("Follow-up: What was the measurable outcome?"),
        "{s}"
    );
    speak(&pulse);
    term.keys(&["Enter"]);
    let s = term.wait_for("What next?", 3, long);
    assert!(s.contains("Follow-up answer: 0:"), "{s}");
    assert!(s.contains("(target 0:15-0:45)"), "{s}");
    assert!(s.contains("kept with attempt "), "{s}");

    term.keys(&["s", "Enter"]);
    let s = term.wait_for("PRACTICE-EXIT=", 1, Duration::from_secs(30));
    assert!(s.contains("PRACTICE-EXIT=0"), "{s}");
    assert!(s.contains("Stopped; 2 answers saved in "), "{s}");

    // The store: two attempts at `failed`, the follow-up kept with the second.
    let run = |args: &[&str]| {
        let out = rehearse()
            .env("REHEARSE_DATA_DIR", &store)
            .env("REHEARSE_CONFIG_DIR", &config)
            .args(args)
            .output()
            .expect("rehearse");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let listed: serde_json::Value =
        serde_json::from_str(&run(&["history", "--format", "json"])).expect("history json");
    let rows = listed["attempts"].as_array().expect("attempts");
    assert_eq!(rows.len(), 2, "{listed}");
    assert!(
        rows.iter().all(|r| r["question"]["id"] == "failed"),
        "{listed}"
    );
    assert_eq!(rows[1]["follow_ups"][0]["id"], "outcome", "{listed}");
    assert_eq!(
        rows[1]["follow_ups"][0]["question"],
        "What was the measurable outcome?"
    );
    let table = run(&["history"]);
    assert!(table.contains("+1 follow-up"), "{table}");
    let shown = run(&["show", "latest"]);
    assert!(
        shown.contains("Follow-up 1: What was the measurable outcome?"),
        "{shown}"
    );
    assert!(
        shown.contains("Answer (15-45 s)") || shown.contains("target 0:15-0:45"),
        "{shown}"
    );
    // One copy of each recording, in the store; nothing left beside them.
    let loose: Vec<String> = std::fs::read_dir(&store)
        .expect("store")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".wav"))
        .collect();
    assert!(loose.is_empty(), "{loose:?}");
    let second = store.join(rows[1]["id"].as_str().expect("id"));
    assert!(second.join("audio.wav").is_file());
    assert!(second.join("follow-up-1/audio.wav").is_file());
    assert!(second.join("follow-up-1/report.json").is_file());
    // Its transcript is kept too, so `reanalyze` covers the follow-up without transcribing.
    let kept: serde_json::Value = serde_json::from_slice(
        &std::fs::read(second.join("follow-up-1/transcript.json")).expect("follow-up transcript"),
    )
    .expect("transcript json");
    assert!(!kept["words"].as_array().expect("words").is_empty());
    let before = std::fs::metadata(second.join("follow-up-1/report.json"))
        .and_then(|m| m.modified())
        .expect("mtime");
    let out = rehearse()
        .env("REHEARSE_DATA_DIR", &store)
        .env("REHEARSE_CONFIG_DIR", &config)
        .args(["reanalyze", "--all", "--model", "/nonexistent/no-model.bin"])
        .output()
        .expect("rehearse");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("follow-up 1"), "{err}");
    let after = std::fs::metadata(second.join("follow-up-1/report.json"))
        .and_then(|m| m.modified())
        .expect("mtime");
    assert!(after > before, "the follow-up's report was written again");
    let shown = run(&["show", "latest"]);
    assert!(
        shown.contains("Follow-up 1: What was the measurable outcome?"),
        "{shown}"
    );
}
