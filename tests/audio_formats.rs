//! End to end: the recordings people already have (issue 15). The test speech is encoded by
//! ffmpeg as MP3, M4A/AAC, raw AAC, FLAC, Ogg Vorbis, and as the audio track of an MP4 and a
//! WebM video; each is transcribed with the real model and must give the WAV's words at the
//! WAV's times. Content decides, not names: a WAV named `.mp3` is read as WAV, a text file named
//! `.wav` is refused as text, and every command refuses a bad file with the same line.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{jfk, normalize, read_json, rehearse, tiny_en, words_of};

fn ffmpeg(args: &[&str]) {
    let st = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y"])
        .args(args)
        .status()
        .expect("ffmpeg installed (scripts/setup.sh --for-tests)");
    assert!(st.success(), "ffmpeg {args:?} failed");
}

/// The formats, made from jfk.wav in `dir`: (file, what it is).
fn encode_all(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let wav = jfk();
    let wav = wav.to_str().expect("path");
    let out = |name: &str| dir.join(name);
    let s = |p: &PathBuf| p.to_str().expect("path").to_string();
    let mut made = Vec::new();
    let mut add = |name: &str, what: &'static str, args: &[&str]| {
        let p = out(name);
        let mut a: Vec<String> = args.iter().map(|x| x.to_string()).collect();
        a.push(s(&p));
        ffmpeg(&a.iter().map(String::as_str).collect::<Vec<_>>());
        made.push((p, what));
    };
    // 44.1 kHz stereo, as phones and laptops record, for the lossy ones.
    add(
        "memo.mp3",
        "MP3",
        &[
            "-i",
            wav,
            "-ar",
            "44100",
            "-ac",
            "2",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "64k",
        ],
    );
    add(
        "memo.m4a",
        "M4A (AAC)",
        &["-i", wav, "-ar", "44100", "-c:a", "aac", "-b:a", "64k"],
    );
    add(
        "memo.aac",
        "raw AAC (ADTS)",
        &["-i", wav, "-c:a", "aac", "-b:a", "48k", "-f", "adts"],
    );
    add("memo.flac", "FLAC", &["-i", wav, "-c:a", "flac"]);
    add(
        "memo.ogg",
        "Ogg Vorbis",
        &["-i", wav, "-ar", "48000", "-c:a", "libvorbis", "-q:a", "3"],
    );
    add(
        "call.mp4",
        "MP4 video (AAC audio)",
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=gray:s=64x48:r=5:d=11",
            "-i",
            wav,
            "-c:v",
            "mpeg4",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-shortest",
        ],
    );
    add(
        "call.webm",
        "WebM video (Vorbis audio)",
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=gray:s=64x48:r=5:d=11",
            "-i",
            wav,
            "-c:v",
            "libvpx",
            "-c:a",
            "libvorbis",
            "-shortest",
        ],
    );
    made
}

fn transcribe(file: &Path, out: &Path) -> (Vec<(String, f64, f64)>, String) {
    let o = rehearse()
        .args(["transcribe", "--model"])
        .arg(tiny_en())
        .arg(file)
        .arg("-o")
        .arg(out)
        .output()
        .expect("runs");
    let se = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{}: {se}", file.display());
    let v = read_json(out);
    (
        words_of(&v),
        v["audio"]["sample_format"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
}

#[test]
fn every_format_gives_the_wav_s_words_at_the_wav_s_times() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let (reference, _) = transcribe(&jfk(), &d.join("ref.json"));
    let ref_words: Vec<String> = reference.iter().flat_map(|w| normalize(&w.0)).collect();
    assert_eq!(ref_words.len(), 22, "{ref_words:?}");
    // A WAV named like an MP3 is read by its content.
    let disguised = d.join("really-a-wav.mp3");
    fs::copy(jfk(), &disguised).expect("copy");
    let mut files = encode_all(d);
    files.push((disguised, "WAV named .mp3"));
    let mut report = Vec::new();
    let mut bad = Vec::new();
    for (file, what) in &files {
        let (words, codec) = transcribe(file, &d.join("t.json"));
        let got: Vec<String> = words.iter().flat_map(|w| normalize(&w.0)).collect();
        assert_eq!(got, ref_words, "{what}: the words differ");
        let mut diffs: Vec<f64> = words
            .iter()
            .zip(&reference)
            .flat_map(|(a, b)| [(a.1 - b.1).abs(), (a.2 - b.2).abs()])
            .collect();
        diffs.sort_by(f64::total_cmp);
        let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
        let p90 = diffs[diffs.len() * 9 / 10];
        let max = diffs.last().copied().unwrap_or(0.0);
        let line =
            format!("{what} ({codec}): mean {mean:.3} s, 90% within {p90:.3} s, max {max:.3} s");
        eprintln!("{line}");
        // Lossy coding moves some of Whisper's word edges (one edge of raw AAC moved by 1 s in
        // one run: an end stretched over a pause); a misplaced stream (encoder delay not
        // removed, wrong rate) moves them all, which the mean and the 90th percentile catch.
        if mean >= 0.08 || p90 >= 0.25 {
            bad.push(line.clone());
        }
        report.push(line);
    }
    eprintln!("word times against the WAV:\n  {}", report.join("\n  "));
    assert!(bad.is_empty(), "times moved: {bad:?}");
}

/// The error line of a command, without its "error: " prefix.
fn error_line(args: &[&str], file: &Path, store: &Path) -> String {
    let o = rehearse()
        .args(args)
        .arg(file)
        .env("REHEARSE_DATA_DIR", store)
        .output()
        .expect("runs");
    let se = String::from_utf8_lossy(&o.stderr).trim().to_string();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?} {}: {se}",
        file.display()
    );
    assert_eq!(se.lines().count(), 1, "{se}");
    se.strip_prefix("error: ").unwrap_or(&se).to_string()
}

#[test]
fn one_path_one_message_for_what_cannot_be_decoded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let store = d.join("store");
    let notes = d.join("notes.wav");
    fs::write(
        &notes,
        "These are my notes for the answer, not a recording.\n".repeat(300),
    )
    .expect("write");
    let opus = d.join("voice-note.opus");
    ffmpeg(&[
        "-i",
        jfk().to_str().expect("path"),
        "-c:a",
        "libopus",
        opus.to_str().expect("path"),
    ]);
    let cut = d.join("cut.m4a");
    ffmpeg(&[
        "-i",
        jfk().to_str().expect("path"),
        "-c:a",
        "aac",
        cut.to_str().expect("path"),
    ]);
    let bytes = fs::read(&cut).expect("read");
    fs::write(&cut, &bytes[..200]).expect("cut");
    let model = tiny_en();
    let model = model.to_str().expect("path");
    for (file, expected) in [
        (
            &notes,
            "not an audio file (it holds text); rehearse reads WAV, MP3, M4A/AAC, FLAC",
        ),
        (
            &opus,
            "Opus audio (Ogg file) is not supported; convert it first, e.g. `ffmpeg -i IN -ar 16000 -ac 1 OUT.wav`",
        ),
        (&cut, "cannot read this MP4/M4A file"),
    ] {
        let lines: Vec<String> = [
            vec!["transcribe", "--model", model],
            vec!["analyze", "--model", model],
            vec!["import", "--model", model],
        ]
        .iter()
        .map(|args| error_line(args, file, &store))
        .collect();
        assert!(
            lines[0].starts_with(&format!("{}: ", file.display())),
            "{}",
            lines[0]
        );
        assert!(lines[0].contains(expected), "{}", lines[0]);
        assert!(
            lines.iter().all(|l| *l == lines[0]),
            "the commands differ: {lines:#?}"
        );
    }
    assert!(!store.exists() || fs::read_dir(&store).expect("list").count() == 0);
}

#[test]
fn import_of_a_compressed_recording_stores_16_khz_mono_wav_and_analyze_reads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let m4a = d.join("memo.m4a");
    ffmpeg(&[
        "-i",
        jfk().to_str().expect("path"),
        "-ar",
        "44100",
        "-ac",
        "2",
        "-c:a",
        "aac",
        m4a.to_str().expect("path"),
    ]);
    let store = d.join("store");
    let o = rehearse()
        .args(["import", "--model"])
        .arg(tiny_en())
        .arg(&m4a)
        .env("REHEARSE_DATA_DIR", &store)
        .env("REHEARSE_CONFIG_DIR", d.join("no-config"))
        .output()
        .expect("runs");
    let se = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{se}");
    let id = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let stored = store.join(&id).join("audio.wav");
    let r = hound::WavReader::open(&stored).expect("a WAV");
    let spec = r.spec();
    assert_eq!(
        (spec.sample_rate, spec.channels, spec.bits_per_sample),
        (16_000, 1, 16)
    );
    assert!(
        (r.duration() as f64 / 16_000.0 - 11.0).abs() < 0.1,
        "{}",
        r.duration()
    );
    assert!(m4a.is_file(), "the original is left alone");
    let names: Vec<String> = fs::read_dir(&store)
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    let t = read_json(&store.join(&id).join("transcript.json"));
    let words: Vec<String> = words_of(&t).iter().flat_map(|w| normalize(&w.0)).collect();
    assert_eq!(words.len(), 22, "{words:?}");

    // `analyze` takes the same file and reads the same words.
    let o = rehearse()
        .args(["analyze", "--model"])
        .arg(tiny_en())
        .arg(&m4a)
        .args(["--format", "json"])
        .env("REHEARSE_CONFIG_DIR", d.join("no-config"))
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    assert_eq!(report["words"].as_array().expect("words").len(), 22);
}
