//! End-to-end: `rehearse transcribe` on real WAV files with the real tiny.en model.

mod common;

use assert_cmd::prelude::*;
use common::*;
use predicates::prelude::*;

fn transcribe_json(wav: &std::path::Path, dir: &std::path::Path) -> serde_json::Value {
    let out = dir.join("t.json");
    rehearse()
        .args(["transcribe", "--quiet", "--model"])
        .arg(tiny_en())
        .arg(wav)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    read_json(&out)
}

#[test]
fn jfk_words_and_times() {
    let dir = tempfile::tempdir().unwrap();
    let v = transcribe_json(&jfk(), dir.path());
    assert_eq!(v["schema"], 1);
    assert_eq!(v["audio"]["sample_rate"], 16000);
    assert_eq!(v["audio"]["channels"], 1);
    assert!((v["audio"]["duration_s"].as_f64().unwrap() - 11.0).abs() < 0.1);
    assert_eq!(v["model"]["name"], "tiny.en");
    assert_eq!(v["settings"]["prompt"], "Um, uh, hmm, er, ah.");
    let words = words_of(&v);
    let text: Vec<String> = words.iter().map(|w| w.0.clone()).collect();
    assert_eq!(normalize(&text.join(" ")), normalize(JFK_TEXT), "{text:?}");
    let dur = v["duration_s"].as_f64().unwrap();
    let mut last_start = 0.0;
    for (t, s, e) in &words {
        assert!(
            *s >= last_start && e >= s && *e <= dur + 1e-6,
            "bad times for {t}: {s}..{e}"
        );
        last_start = *s;
    }
    // "And" starts after the lead-in silence; "country." is said in the last second and a half.
    assert!(
        words[0].1 > 0.1 && words[0].1 < 1.0,
        "first word at {}",
        words[0].1
    );
    let last = words.last().unwrap();
    assert!(
        last.1 > 9.5 && last.2 <= dur,
        "last word at {}..{}",
        last.1,
        last.2
    );
    for w in v["words"].as_array().unwrap() {
        let p = w["p"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
    }
}

/// `rehearse transcribe WAV --out OUT` with REHEARSE_PASSES on and REHEARSE_TUNING=`tuning`: the
/// JSON transcript and stderr (one `rehearse-passes` line per decoded stretch).
fn transcribe_counting_passes(
    wav: &std::path::Path,
    tuning: &str,
    out: &std::path::Path,
) -> (serde_json::Value, String) {
    let assert = rehearse()
        .env("REHEARSE_PASSES", "1")
        .env("REHEARSE_TUNING", tuning)
        .args(["transcribe", "--quiet", "--model"])
        .arg(tiny_en())
        .arg(wav)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    (read_json(out), stderr)
}

/// Whisper tiny.en writes "[Music]" over 8 s of this synthesized answer (our own, in
/// tests/data), after a long prompt, and the sentence under it was lost. rehearse decodes such a
/// stretch again with non-speech tokens suppressed: no annotation is left, and the words under
/// it are there.
#[test]
fn speech_whisper_calls_music_is_decoded_again() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.json");
    rehearse()
        .args(["transcribe", "--quiet", "--threads", "2", "--model"])
        .arg(tiny_en())
        .arg(root().join("tests/data/annotated-speech.ogg"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let words = words_of(&read_json(&out));
    let text: Vec<&str> = words.iter().map(|w| w.0.as_str()).collect();
    assert!(
        !text.iter().any(|w| w.contains('[') || w.contains(']')),
        "an annotation is left: {text:?}"
    );
    let under: Vec<&str> = words
        .iter()
        .filter(|w| (29.0..37.0).contains(&w.1))
        .map(|w| w.0.as_str())
        .collect();
    assert!(under.len() >= 15, "the words under it: {under:?}");
    let joined = normalize(&under.join(" ")).join(" ");
    assert!(joined.contains("first time"), "{joined}");
}

/// The developer variables behind docs/measurements.md's speed table: REHEARSE_PASSES reports
/// whisper.cpp's work (one encoder pass and no temperature fallback for this clean 11 s clip),
/// REHEARSE_TUNING=single_segment=0 (whisper.cpp's own seeking, the default before issue 17)
/// keeps the same words, and a bad REHEARSE_TUNING is refused
/// in one line before any audio is decoded.
#[test]
fn pass_counts_and_tuning_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let run =
        |tuning: &str, out: &str| transcribe_counting_passes(&jfk(), tuning, &dir.path().join(out));
    let (plain, stderr) = run("", "plain.json");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("rehearse-passes "))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains(" encoder=1 ") && lines[0].contains(" fallbacks=0 "),
        "{stderr}"
    );
    let (one, _) = run("single_segment=0", "seeking.json");
    let text = |v: &serde_json::Value| {
        let w: Vec<String> = words_of(v).into_iter().map(|w| w.0).collect();
        normalize(&w.join(" "))
    };
    assert_eq!(text(&one), text(&plain));

    rehearse()
        .env("REHEARSE_TUNING", "fallback=maybe")
        .args(["transcribe", "--quiet", "--model"])
        .arg(tiny_en())
        .arg(jfk())
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "REHEARSE_TUNING: fallback: `maybe` is not on/off",
        ));
}

/// A decoder that stops at a timestamp with speech still ahead in its window is made to go on
/// (issue 17): in the bundled sample, whisper.cpp ends its second 27 s stretch 1.7 s early,
/// which used to cost a second 30 s encoder pass for those last words. With the default every
/// stretch is one encoder pass; with `finish=off` (the old behaviour) there is one more, and
/// the words are the same either way.
#[test]
fn a_window_with_speech_left_is_finished_in_one_encoder_pass() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("samples/failure-star.wav");
    let run = |tuning: &str, out: &str| {
        let (report, stderr) = transcribe_counting_passes(&sample, tuning, &dir.path().join(out));
        let (mut stretches, mut encoder) = (0, 0);
        for line in stderr.lines().filter(|l| l.starts_with("rehearse-passes ")) {
            stretches += 1;
            let n = line
                .split_whitespace()
                .find_map(|kv| kv.strip_prefix("encoder="))
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or_else(|| panic!("no encoder count in {line}"));
            encoder += n;
        }
        let w: Vec<String> = words_of(&report).into_iter().map(|w| w.0).collect();
        (stretches, encoder, normalize(&w.join(" ")))
    };
    let (stretches, encoder, words) = run("", "finished.json");
    assert!(stretches >= 3, "{stretches} stretches");
    assert_eq!(encoder, stretches, "one encoder pass per stretch");
    let (old_stretches, old_encoder, old_words) = run("finish=off", "seeking.json");
    assert_eq!(old_stretches, stretches);
    assert!(
        old_encoder > old_stretches,
        "the sample no longer has a stretch that whisper.cpp ends early, so this test checks nothing"
    );
    assert_eq!(words, old_words);
}

/// Flash attention keeps DTW word times (the vendored whisper.cpp's patch, issue 17): with it on
/// and off, jfk.wav gives the same words at the same times within one encoder frame (20 ms; flash
/// attention sums in another order, which may move a DTW path by a frame). The token times that
/// whisper.cpp gives when DTW is silently off (what stock whisper.cpp does under flash attention)
/// are farther off than that, so reverting the patch fails here.
#[test]
fn dtw_word_times_are_kept_with_flash_attention() {
    const TOLERANCE_S: f64 = 0.020;
    let dir = tempfile::tempdir().unwrap();
    let run = |tuning: &str, extra: &[&str], out: &str| {
        let out = dir.path().join(out);
        rehearse()
            .env("REHEARSE_TUNING", tuning)
            .args(["transcribe", "--quiet", "--model"])
            .arg(tiny_en())
            .arg(jfk())
            .args(extra)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        words_of(&read_json(&out))
    };
    let plain = run("flash_attn=0", &[], "plain.json");
    let flash = run("flash_attn=1", &[], "flash.json");
    let token = run("flash_attn=0", &["--timestamps", "token"], "token.json");
    let texts = |w: &[(String, f64, f64)]| w.iter().map(|w| w.0.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&flash), texts(&plain));
    let farthest = |a: &[(String, f64, f64)], b: &[(String, f64, f64)]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x.1 - y.1).abs().max((x.2 - y.2).abs()))
            .fold(0.0, f64::max)
    };
    let off = farthest(&flash, &plain);
    assert!(
        off <= TOLERANCE_S,
        "flash attention moved a word by {off:.3} s\n{flash:?}\n{plain:?}"
    );
    // The check above can fail: token times are not DTW times.
    assert_eq!(texts(&token), texts(&plain));
    let token_off = farthest(&token, &plain);
    assert!(
        token_off > 3.0 * TOLERANCE_S,
        "token times within {token_off:.3} s of DTW's"
    );
}

/// Hesitations said by a synthetic voice (flite's slt, our own text): Whisper without the filler
/// boost writes some as nothing or as a neighbouring word; with the default boost it finds
/// them. Both runs use the same threads, so the decodes are deterministic.
#[test]
fn the_filler_boost_finds_hesitations_whisper_would_drop() {
    let dir = tempfile::tempdir().unwrap();
    // slt speaks 16 kHz mono 16-bit, what Whisper takes, so flite's file is used as it is.
    let wav = dir.path().join("hesitations.wav");
    let text = "So, um, the first thing I did was, uh, call the client. And, um, I told them, \
                uh, that the shipment would be late. Then, um, I, uh, worked out a new plan with \
                the warehouse team, and, um, we shipped it two days later.";
    let st = std::process::Command::new("flite")
        .args(["-voice", "slt", "-t", text, "-o"])
        .arg(&wav)
        .status()
        .expect("flite installed (scripts/setup.sh --for-tests)");
    assert!(st.success(), "flite failed");
    let hesitations = |boost: &str| -> (usize, serde_json::Value) {
        let out = dir.path().join(format!("boost-{boost}.json"));
        rehearse()
            .args([
                "transcribe",
                "--quiet",
                "--threads",
                "2",
                "--filler-boost",
                boost,
            ])
            .arg("--model")
            .arg(tiny_en())
            .arg(&wav)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let v = read_json(&out);
        let n = words_of(&v)
            .iter()
            .filter(|w| matches!(normalize(&w.0).as_slice(), [x] if x == "um" || x == "uh"))
            .count();
        (n, v)
    };
    let (off, v_off) = hesitations("0");
    let (on, v_on) = hesitations("3");
    assert_eq!(v_off["settings"]["filler_boost"], 0.0);
    assert_eq!(v_on["settings"]["filler_boost"], 3.0);
    assert!(on >= 7, "8 hesitations said, {on} written with the boost");
    assert!(
        on > off,
        "the boost found {on} hesitations, none-boosted {off}"
    );
}

/// Every PCM layout hound reads, at rates from 8 to 192 kHz and 1-3 channels, made with sox
/// from the real recording.
#[test]
fn every_wav_variant_is_transcribed() {
    let dir = tempfile::tempdir().unwrap();
    let jfk = jfk();
    let jfk = jfk.to_str().unwrap();
    let variants: &[(&str, &[&str])] = &[
        (
            "u8-8k-mono",
            &["-b", "8", "-e", "unsigned", "-r", "8000", "-c", "1"],
        ),
        (
            "s16-22k-stereo",
            &["-b", "16", "-e", "signed", "-r", "22050", "-c", "2"],
        ),
        (
            "s24-48k-mono",
            &["-b", "24", "-e", "signed", "-r", "48000", "-c", "1"],
        ),
        (
            "s32-96k-stereo",
            &["-b", "32", "-e", "signed", "-r", "96000", "-c", "2"],
        ),
        (
            "f32-192k-3ch",
            &["-b", "32", "-e", "float", "-r", "192000", "-c", "3"],
        ),
        (
            "f32-44k-mono",
            &["-b", "32", "-e", "float", "-r", "44100", "-c", "1"],
        ),
    ];
    let expected = normalize(JFK_TEXT);
    for (name, fmt) in variants {
        let wav = dir.path().join(format!("{name}.wav"));
        let mut args = vec![jfk];
        args.extend_from_slice(fmt);
        args.push(wav.to_str().unwrap());
        sox(&args);
        let v = transcribe_json(&wav, dir.path());
        let got: Vec<String> = words_of(&v).into_iter().map(|w| w.0).collect();
        let got = normalize(&got.join(" "));
        let same = got.iter().zip(&expected).filter(|(a, b)| a == b).count();
        // 8-bit 8 kHz audio loses detail; everything else must give the exact words.
        let need = if name.starts_with("u8") {
            expected.len() - 2
        } else {
            expected.len()
        };
        assert!(
            same >= need && got.len() <= expected.len() + 1,
            "{name}: {got:?}"
        );
        assert!(
            (v["duration_s"].as_f64().unwrap() - 11.0).abs() < 0.05,
            "{name}"
        );
    }
}

#[test]
fn subtitle_and_text_formats() {
    let dir = tempfile::tempdir().unwrap();
    for (ext, check) in [("srt", "00:00:0"), ("vtt", "WEBVTT"), ("txt", "fellow")] {
        let out = dir.path().join(format!("jfk.{ext}"));
        rehearse()
            .args(["transcribe", "-q", "--model"])
            .arg(tiny_en())
            .arg(jfk())
            .arg("-o")
            .arg(&out)
            .assert()
            .success()
            .stdout("");
        let s = std::fs::read_to_string(&out).unwrap();
        assert!(s.contains(check), "{ext}: {s}");
        if ext == "srt" {
            assert!(s.starts_with("1\n00:00:"), "{s}");
            assert!(s.contains(" --> "));
        }
    }
    // Without --out the transcript goes to stdout, JSON by default.
    rehearse()
        .args(["transcribe", "-q", "--model"])
        .arg(tiny_en())
        .arg(jfk())
        .assert()
        .success()
        .stdout(predicate::str::contains("\"schema\": 1"));
}

#[test]
fn digital_silence_is_an_empty_transcript_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("silence.wav");
    sox(&[
        "-n",
        "-r",
        "16000",
        "-c",
        "1",
        "-b",
        "16",
        wav.to_str().unwrap(),
        "trim",
        "0",
        "5",
    ]);
    let out = dir.path().join("s.json");
    rehearse()
        .args(["transcribe", "--model"])
        .arg(tiny_en())
        .arg(&wav)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("no speech found"));
    let v = read_json(&out);
    assert_eq!(v["words"].as_array().unwrap().len(), 0);
    assert!((v["duration_s"].as_f64().unwrap() - 5.0).abs() < 0.01);
}

/// A recording stopped at once: whisper.cpp's DTW word times abort the process on audio under
/// 160 ms that the decoder writes a segment for, unless rehearse pads it (stop 43). The 150 ms
/// cut out of real speech aborted builds before the padding (exit 134, no message).
#[test]
fn a_recording_under_a_fifth_of_a_second_is_transcribed_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("short.wav");
    sox(&[
        jfk().to_str().unwrap(),
        wav.to_str().unwrap(),
        "trim",
        "1.0",
        "0.15",
    ]);
    let v = transcribe_json(&wav, dir.path());
    assert!(
        (v["duration_s"].as_f64().unwrap() - 0.15).abs() < 0.01,
        "{v}"
    );
    for w in v["words"].as_array().expect("a words array") {
        let end = w["end_s"].as_f64().unwrap();
        assert!(end <= 0.16, "a word past the audio: {w}");
    }
}

/// Each bad input: exit code 2, one line on stderr naming the file, nothing written.
#[test]
fn bad_inputs_are_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let jfk = jfk();
    let jfk_bytes = std::fs::read(&jfk).unwrap();

    let missing = d.join("missing.wav");
    let text = d.join("notes.wav");
    std::fs::write(&text, "these are my notes, not audio\n").unwrap();
    let truncated = d.join("truncated.wav");
    std::fs::write(&truncated, &jfk_bytes[..jfk_bytes.len() / 2]).unwrap();
    let header_only = d.join("header-only.wav");
    std::fs::write(&header_only, &jfk_bytes[..20]).unwrap();
    let zero = d.join("zero.wav");
    {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        hound::WavWriter::create(&zero, spec)
            .unwrap()
            .finalize()
            .unwrap();
    }
    // mu-law, ADPCM and FLAC are read now (tests/audio_formats.rs); what cannot be decoded
    // is refused there, by the one decoding path.
    let cases: &[(&std::path::Path, &str)] = &[
        (&missing, "cannot open"),
        (&text, "not an audio file (it holds text)"),
        (&truncated, "truncated"),
        (&header_only, "truncated"),
        (&zero, "no audio samples"),
    ];
    for (file, why) in cases {
        let out = d.join("out.json");
        let assert = rehearse()
            .args(["transcribe", "--model"])
            .arg(tiny_en())
            .arg(file)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stdout("");
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert_eq!(stderr.lines().count(), 1, "{}: {stderr}", file.display());
        assert!(stderr.contains(file.to_str().unwrap()), "{stderr}");
        assert!(
            stderr.contains(why),
            "{}: expected {why:?} in {stderr}",
            file.display()
        );
        assert!(!out.exists(), "{}: output written", file.display());
    }

    // An --out that cannot be written fails before any work, naming the path.
    for bad_out in [d.join("no/such/dir/t.json"), text.join("t.json")] {
        rehearse()
            .args(["transcribe", "--model"])
            .arg(tiny_en())
            .arg(&jfk)
            .arg("--out")
            .arg(&bad_out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(bad_out.to_str().unwrap()));
    }
    // Writing a transcript over a recording is refused.
    let keep = d.join("keep.wav");
    std::fs::copy(&jfk, &keep).unwrap();
    rehearse()
        .args(["transcribe", "--model"])
        .arg(tiny_en())
        .arg(&jfk)
        .arg("--out")
        .arg(&keep)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not audio"));
    assert_eq!(std::fs::read(&keep).unwrap(), jfk_bytes);
    // No stray temporary files were left behind.
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn bad_models_are_refused_before_whisper_sees_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let not_model = d.join("ggml-notes.bin");
    std::fs::write(&not_model, "hello").unwrap();
    let truncated = d.join("ggml-truncated.bin");
    let bytes = std::fs::read(tiny_en()).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let ct2 = ct2_dir("tiny.en").join("model.bin");
    for (model, why) in [
        (not_model.as_path(), "not a whisper.cpp"),
        (truncated.as_path(), "truncated"),
        (ct2.as_path(), "rehearse model import"),
        (d.join("absent.bin").as_path(), "not found"),
    ] {
        let assert = rehearse()
            .args(["transcribe", "--model"])
            .arg(model)
            .arg(jfk())
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(model.to_str().unwrap()), "{stderr}");
        assert!(
            stderr.to_lowercase().contains(&why.to_lowercase()),
            "{}: expected {why:?} in {stderr}",
            model.display()
        );
    }
}

#[test]
fn a_missing_model_names_the_install_command() {
    let dir = tempfile::tempdir().unwrap();
    rehearse()
        .current_dir(dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .args(["transcribe", "--model", "small.en"])
        .arg(jfk())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rehearse model fetch small.en"));
}
