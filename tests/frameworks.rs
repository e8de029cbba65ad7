//! End-to-end tests of `rehearse frameworks` and `rehearse questions`: the embedded catalog, the
//! user's override folder, and the errors a broken override file gives.

mod common;

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use predicates::prelude::*;

const IDS: [&str; 8] = [
    "star-l",
    "failure-5",
    "concise-5",
    "star-long",
    "rapid-learning",
    "weakness",
    "present-past-future",
    "follow-up",
];

/// The binary with `config` as its override folder, so that the developer's own
/// ~/.config/rehearse never changes what a test sees.
fn rehearse(config: &Path) -> Command {
    let mut c = common::rehearse();
    c.env("REHEARSE_CONFIG_DIR", config);
    c
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("utf-8 output")
}

fn empty_config() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

const CUSTOM: &str = r#"
[[framework]]
id = "pitch"
name = "Elevator pitch"
source = "my coach"
about = "Who you are, what you did, what you want."
overall = { min_s = 20.0, max_s = 45.0 }
[[framework.section]]
id = "who"
name = "Who"
about = "Name and role."
target = { min_s = 5.0, max_s = 10.0 }
cues = ["my name is", "i am a"]
[[framework.section]]
id = "ask"
name = "Ask"
about = "What you want next."
target = { min_s = 5.0, max_s = 15.0 }
"#;

#[test]
fn list_shows_every_framework_with_its_targets() {
    let config = empty_config();
    let out = stdout_of(rehearse(config.path()).arg("frameworks"));
    assert!(out.starts_with("ID "), "{out}");
    for id in IDS {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{id} "))),
            "{id} missing:\n{out}"
        );
    }
    for expected in [
        "1:00-2:00",
        "10:00-18:00",
        "0:45-2:00",
        "own-it 0:03-0:15",
        "action 4:00-5:00",
        "learning 0:12-0:30",
        "shared 0:08-0:25",
        "source:   the long-form STAR failure guide",
    ] {
        assert!(out.contains(expected), "{expected:?} missing:\n{out}");
    }
    assert!(!out.contains("[user]"), "{out}");
}

#[test]
fn detail_of_star_long_shows_the_long_form_guides_targets() {
    let config = empty_config();
    let out = stdout_of(rehearse(config.path()).args(["frameworks", "star-long"]));
    assert!(out.starts_with("star-long  STAR long form"), "{out}");
    for expected in [
        "overall: 10:00-18:00",
        "ends with a question to the interviewer",
        "Opening            0:20-0:40  (opening)",
        "(long-form STAR guide: 30 seconds)",
        "Situation          1:30-2:30",
        "Task               0:45-1:15",
        "Action             4:00-5:00",
        "Result             2:00-3:00",
        "Learning & growth  3:00-4:00",
        "Connection         0:45-1:15",
        "cues: \"i'll share\"",
    ] {
        assert!(out.contains(expected), "{expected:?} missing:\n{out}");
    }
}

#[test]
fn json_dumps_the_catalog() {
    let config = empty_config();
    let out = stdout_of(rehearse(config.path()).args(["frameworks", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let ids: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(ids, IDS);
    let one = stdout_of(rehearse(config.path()).args(["frameworks", "weakness", "--json"]));
    let w: serde_json::Value = serde_json::from_str(&one).expect("json");
    assert_eq!(w["overall"]["min_s"], 45.0);
    assert_eq!(w["section"][1]["id"], "mitigation");

    let qs =
        stdout_of(rehearse(config.path()).args(["questions", "--json", "--framework", "weakness"]));
    let q: serde_json::Value = serde_json::from_str(&qs).expect("json");
    let q = q.as_array().expect("array");
    assert!(q.len() >= 3, "{qs}");
    assert!(q.iter().all(|x| x["framework"] == "weakness"), "{qs}");
}

#[test]
fn questions_table_and_filter() {
    let config = empty_config();
    let out = stdout_of(rehearse(config.path()).arg("questions"));
    let header = out.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("ID ")
            && header.contains(" THEME ")
            && header.contains("FRAMEWORK")
            && header.ends_with("TEXT"),
        "{out}"
    );
    assert!(out.lines().count() > 73, "{out}");
    // Every framework but the follow-up one (for follow-up answers, not bank questions).
    for id in IDS.iter().filter(|id| **id != "follow-up") {
        assert!(
            out.contains(&format!(" {id} ")),
            "no question uses {id}:\n{out}"
        );
    }
    assert!(
        out.lines().any(|l| l.starts_with("greatest-failure ")
            && l.contains(" concise-5 ")
            && l.ends_with("What is your greatest failure, and what did you learn from it?")),
        "{out}"
    );

    let rapid =
        stdout_of(rehearse(config.path()).args(["questions", "--framework", "rapid-learning"]));
    let rows: Vec<&str> = rapid.lines().skip(1).collect();
    assert!(rows.len() >= 2, "{rapid}");
    assert!(
        rows.iter().all(|l| l.contains(" rapid-learning ")),
        "{rapid}"
    );
    assert!(rapid.contains("learn-quickly "), "{rapid}");
}

#[test]
fn questions_by_theme_and_the_list_of_themes() {
    let config = empty_config();
    let themes = stdout_of(rehearse(config.path()).args(["questions", "--themes"]));
    assert!(themes.starts_with("THEME "), "{themes}");
    for theme in [
        "failure",
        "intro",
        "conflict",
        "leadership",
        "influence",
        "decision",
        "deadline",
        "teamwork",
        "prioritization",
        "customer",
        "ambiguity",
        "feedback",
    ] {
        assert!(
            themes
                .lines()
                .any(|l| l.split_whitespace().next() == Some(theme)),
            "{theme} missing:\n{themes}"
        );
    }
    let conflict = stdout_of(rehearse(config.path()).args(["questions", "--theme", "conflict"]));
    let rows: Vec<&str> = conflict.lines().skip(1).collect();
    assert!(rows.len() >= 4, "{conflict}");
    assert!(rows.iter().all(|l| l.contains(" conflict ")), "{conflict}");
    let intro = stdout_of(rehearse(config.path()).args(["questions", "--theme", "intro"]));
    assert!(
        intro
            .lines()
            .any(|l| l.starts_with("about-yourself ") && l.contains(" present-past-future ")),
        "{intro}"
    );
    rehearse(config.path())
        .args(["questions", "--theme", "conflcit"])
        .assert()
        .failure()
        .stdout("")
        .stderr(predicate::str::contains(
            "error: no theme 'conflcit'; known: failure, ",
        ));
}

/// What users read cites sources by what they are, never as "seed NNN".
#[test]
fn no_listing_names_a_seed_number() {
    let config = empty_config();
    let mut outputs = vec![
        stdout_of(rehearse(config.path()).arg("frameworks")),
        stdout_of(rehearse(config.path()).args(["frameworks", "--json"])),
        stdout_of(rehearse(config.path()).args(["questions", "--json"])),
    ];
    for id in IDS {
        outputs.push(stdout_of(rehearse(config.path()).args(["frameworks", id])));
    }
    for out in outputs {
        assert!(!out.to_lowercase().contains("seed 0"), "{out}");
    }
}

#[test]
fn path_honours_rehearse_config_dir_and_lists_existing_overrides() {
    let config = empty_config();
    let dir = config.path().display().to_string();
    let out = stdout_of(rehearse(config.path()).args(["frameworks", "--path"]));
    assert_eq!(out, format!("{dir}\n"));

    std::fs::write(config.path().join("questions.toml"), "").expect("write");
    // --path must work even while an override file is broken: it is how the user finds it.
    std::fs::write(config.path().join("frameworks.toml"), "[[framework").expect("write");
    let out = stdout_of(rehearse(config.path()).args(["frameworks", "--path"]));
    let sep = std::path::MAIN_SEPARATOR;
    assert_eq!(
        out,
        format!("{dir}\n{dir}{sep}frameworks.toml\n{dir}{sep}questions.toml\n")
    );
}

#[test]
fn user_framework_and_question_show_up() {
    let config = empty_config();
    // One new framework and star-l with a different overall band.
    let star_l = CUSTOM
        .replace("id = \"pitch\"", "id = \"star-l\"")
        .replace("min_s = 20.0, max_s = 45.0", "min_s = 50.0, max_s = 100.0");
    std::fs::write(
        config.path().join("frameworks.toml"),
        format!("{CUSTOM}{star_l}"),
    )
    .expect("write");
    std::fs::write(
        config.path().join("questions.toml"),
        "[[question]]\nid = \"introduce-yourself\"\ntext = \"Introduce yourself.\"\nframework = \"pitch\"\nsource = \"my coach\"\n",
    )
    .expect("write");

    let list = stdout_of(rehearse(config.path()).arg("frameworks"));
    assert!(
        list.lines().any(|l| l.starts_with("pitch ")
            && l.contains("0:20-0:45")
            && l.ends_with("Elevator pitch  [user]")),
        "{list}"
    );
    assert!(
        list.contains("sections: who 0:05-0:10, ask 0:05-0:15"),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("star-l ") && l.contains("0:50-1:40") && l.ends_with("[user]")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("failure-5 ") && !l.contains("[user]")),
        "{list}"
    );

    let detail = stdout_of(rehearse(config.path()).args(["frameworks", "pitch"]));
    assert!(detail.contains("Who  0:05-0:10  (who)"), "{detail}");
    assert!(
        detail.contains("cues: \"my name is\", \"i am a\""),
        "{detail}"
    );

    let questions = stdout_of(rehearse(config.path()).args(["questions", "--framework", "pitch"]));
    assert_eq!(questions.lines().count(), 2, "{questions}");
    assert!(
        questions
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("introduce-yourself ")
                && l.contains(" pitch ")
                && l.ends_with("Introduce yourself.")),
        "{questions}"
    );
}

/// Runs `args` with `file` holding `text`; the command must fail with one line naming the file.
fn fails_naming(file: &str, text: &str, args: &[&str], expected: &str) {
    let config = empty_config();
    let path = config.path().join(file);
    std::fs::write(&path, text).expect("write");
    let out = rehearse(config.path())
        .args(args)
        .assert()
        .failure()
        .stdout("")
        .get_output()
        .clone();
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with(&format!("error: {}: ", path.display())),
        "names the file: {stderr}"
    );
    assert!(stderr.contains(expected), "{expected:?} missing: {stderr}");
}

#[test]
fn malformed_user_files_give_one_line_naming_the_file() {
    fails_naming(
        "frameworks.toml",
        "[[framework]\nid = \"x\"\n",
        &["frameworks"],
        "line 1: ",
    );
    fails_naming(
        "frameworks.toml",
        &CUSTOM.replace("min_s = 5.0, max_s = 15.0", "min_s = 15.0, max_s = 5.0"),
        &["questions"],
        "line 18: framework 'pitch', section 'ask': target.max_s = 5 is below target.min_s = 15",
    );
    fails_naming(
        "questions.toml",
        "[[question]]\nid = \"q\"\ntext = \"Why?\"\nframework = \"nope\"\nsource = \"me\"\n",
        &["questions"],
        "question 'q': unknown framework 'nope'; known: star-l, failure-5",
    );
    fails_naming(
        "lexicon.toml",
        "[settings\n",
        &["frameworks", "star-l"],
        "line 1: ",
    );
}

#[test]
fn unknown_framework_id_is_an_error_listing_the_known_ones() {
    let config = empty_config();
    let known = format!("known: {}", IDS.join(", "));
    rehearse(config.path())
        .args(["frameworks", "star"])
        .assert()
        .failure()
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "error: unknown framework 'star'; {known}"
        )));
    rehearse(config.path())
        .args(["questions", "--framework", "star"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "error: unknown framework 'star'; {known}"
        )));
}
