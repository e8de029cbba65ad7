//! Tests of every input format, through [`super::import`] and [`super::sniff`] as callers use
//! them.

use super::shared::parse_clock;
use super::*;
use crate::transcribe::{Word, words};

fn read(name: &str, text: &str) -> Result<Imported, ImportError> {
    import(Path::new(name), text.as_bytes(), 150.0)
}

fn ok(name: &str, text: &str) -> Imported {
    match read(name, text) {
        Ok(i) => {
            well_formed(&i);
            i
        }
        Err(e) => panic!("{e}"),
    }
}

/// The error's message, checked to be one line.
fn err(name: &str, text: &str) -> String {
    match read(name, text) {
        Ok(i) => panic!("expected an error, got {i:?}"),
        Err(e) => {
            let m = e.to_string();
            assert!(!m.contains('\n'), "{m}");
            assert!(m.starts_with(name), "{m}");
            m
        }
    }
}

fn texts(i: &Imported) -> Vec<&str> {
    i.words.iter().map(|w| w.text.as_str()).collect()
}

/// Sorted, non-overlapping, finite, inside the recording.
fn well_formed(i: &Imported) {
    assert!(!i.words.is_empty());
    let mut previous_end = 0.0;
    for w in &i.words {
        assert!(w.start_s.is_finite() && w.end_s.is_finite(), "{w:?}");
        assert!(
            w.start_s >= previous_end - 1e-9,
            "{w:?} starts before {previous_end}"
        );
        assert!(w.end_s >= w.start_s, "{w:?}");
        assert!(
            w.end_s <= i.duration_s + 1e-9,
            "{w:?} after {}",
            i.duration_s
        );
        assert!(
            !w.text.is_empty() && !w.text.contains(char::is_whitespace),
            "{w:?}"
        );
        previous_end = w.end_s;
    }
}

/// Every word of cue `k` (by count) lies inside span `k`.
fn inside_cues(words: &[Word], cues: &[(f64, f64, usize)]) {
    let mut it = words.iter();
    for &(a, b, n) in cues {
        for _ in 0..n {
            let w = it.next().expect("fewer words than cues hold");
            assert!(
                w.start_s >= a - 1e-9 && w.end_s <= b + 1e-9,
                "{w:?} outside {a}..{b}"
            );
        }
    }
    assert!(it.next().is_none(), "more words than cues hold");
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

fn transcript(schema: &str, segments: &str, words: &str, notes: &str) -> String {
    format!(
        r#"{{"schema": {schema},
  "audio": {{"path": "answer.wav", "duration_s": 3.0, "sample_rate": 16000, "channels": 1,
        "bits_per_sample": 16, "sample_format": "int"}},
  "model": {{"path": "models/ggml-tiny.en.bin", "name": "tiny.en"}},
  "settings": {{"language": "en", "prompt": null, "timestamps": "dtw", "energy_snap": true,
           "threads": 2}},
  "duration_s": 3.0, "text": "", "segments": {segments}, "words": {words}, "notes": {notes}}}"#
    )
}

const WORDS: &str = r#"[{"text": "So,", "start_s": 0.5, "end_s": 0.7, "p": 0.9},
    {"text": "Americans,", "start_s": 0.8, "end_s": 1.4, "p": 0.8}]"#;
const SEGMENT: &str =
    r#"[{"start_s": 0.4, "end_s": 1.5, "text": "So, Americans,", "first_word": 0, "n_words": 2}]"#;

#[test]
fn sniffs_by_content_first_then_by_extension() {
    let t = transcript("1", SEGMENT, WORDS, "[]");
    let cases: &[(&str, &[u8], Option<ImportedKind>)] = &[
        ("a.json", t.as_bytes(), Some(ImportedKind::Transcript)),
        ("a.txt", t.as_bytes(), Some(ImportedKind::Transcript)),
        (
            "out",
            br#"{"params": {}, "transcription": []}"#,
            Some(ImportedKind::WhisperCppJson),
        ),
        (
            "a.srt",
            b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n",
            Some(ImportedKind::Vtt),
        ),
        (
            "a.txt",
            b"\n1\n00:00:01,000 --> 00:00:02,000\nhi\n",
            Some(ImportedKind::Srt),
        ),
        (
            "a",
            b"00:00:01,000 --> 00:00:02,000\nhi\n",
            Some(ImportedKind::Srt),
        ),
        // A cue without a WEBVTT header: the extension breaks the tie.
        (
            "a.vtt",
            b"00:00:01.000 --> 00:00:02.000\nhi\n",
            Some(ImportedKind::Vtt),
        ),
        ("a.srt", b"hello there", Some(ImportedKind::Srt)),
        ("a.md", b"hello there", Some(ImportedKind::Text)),
        ("notes", b"1\n2\n3\n", Some(ImportedKind::Text)),
        ("a.txt", b"[Music] so I failed", Some(ImportedKind::Text)),
        ("notes", b"[Music] so I failed", Some(ImportedKind::Text)),
        ("a.txt", b"{ not json", Some(ImportedKind::Text)),
        ("answer.wav", b"hello", Some(ImportedKind::Text)),
        ("a.wav", b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
    ];
    for (name, bytes, want) in cases {
        let got = sniff(Path::new(name), bytes).map_err(|e| e.to_string());
        assert_eq!(got, Ok(*want), "{name}: {}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn sniff_refuses_what_it_cannot_read() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("a.txt", b"", "a.txt: empty file"),
        ("a.txt", b" \r\n\t\n", "a.txt: empty file"),
        ("a.txt", b"\xEF\xBB\xBF\n", "a.txt: empty file"),
        (
            "a.bin",
            b"\x00\x01\x02\x03binary",
            "a.bin: not a transcript or audio (binary data)",
        ),
        (
            "a.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "a.png: not a transcript or audio (binary data)",
        ),
        (
            "a.txt",
            b"caf\xe9\nna\xefve\n",
            "a.txt: line 1: not valid UTF-8 text (save the file as UTF-8)",
        ),
        (
            "a.txt",
            b"one\ntwo\nthr\xe9e\n",
            "a.txt: line 3: not valid UTF-8 text (save the file as UTF-8)",
        ),
        (
            "a.json",
            b"{\n  \"schema\": 1,\n  \"words\": [,]\n}",
            "a.json: malformed JSON at line 3 column 13: expected value",
        ),
        (
            "a.json",
            b"hello",
            "a.json: malformed JSON at line 1 column 1: expected value",
        ),
        (
            "a.json",
            b"[Music]",
            "a.json: malformed JSON at line 1 column 2: expected value",
        ),
        (
            "out",
            b"{\"a\": 1,}",
            "out: malformed JSON at line 1 column 9: trailing comma",
        ),
        (
            "a.json",
            b"{\"words\": []}",
            "a.json: JSON is neither a rehearse transcript nor whisper.cpp output",
        ),
        (
            "a.json",
            b"[1, 2]",
            "a.json: JSON is neither a rehearse transcript nor whisper.cpp output",
        ),
    ];
    for (name, bytes, want) in cases {
        let got = sniff(Path::new(name), bytes).map_err(|e| e.to_string());
        assert_eq!(got, Err(want.to_string()));
        let got = import(Path::new(name), bytes, 150.0).map_err(|e| e.to_string());
        assert_eq!(got, Err(want.to_string()));
    }
}

#[test]
fn import_refuses_audio_whatever_its_name() {
    for (name, bytes) in [
        ("a.wav", &b"RIFF\x24\x00\x00\x00WAVE"[..]),
        ("a.txt", &b"ID3\x04\x00\x00\x00\x00\x00#TSSE"[..]),
        ("a.srt", &b"fLaC\x00\x00\x00\x22"[..]),
    ] {
        assert!(matches!(sniff(Path::new(name), bytes), Ok(None)), "{name}");
        let e = import(Path::new(name), bytes, 150.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{name}: audio, not a transcript (transcribe it first)")
        );
    }
}

#[test]
fn reads_rehearse_transcripts() {
    let t = transcript("1", SEGMENT, WORDS, r#"["energy snap moved 1 word"]"#);
    let i = ok("answer.json", &t);
    assert_eq!(i.kind, ImportedKind::Transcript);
    assert_eq!(i.timing, WordTiming::Words);
    assert_eq!(texts(&i), ["So,", "Americans,"]);
    assert_eq!(i.words[1].start_s, 0.8);
    assert_eq!(i.words[1].p, 0.8);
    assert_eq!(i.duration_s, 3.0);
    assert_eq!(i.audio_path.as_deref(), Some("answer.wav"));
    assert_eq!(i.notes, ["energy snap moved 1 word"]);
}

#[test]
fn a_transcript_s_notes_are_one_short_line_each() {
    let long = "x".repeat(5000);
    let notes = format!(r#"["energy snap moved 1 0.9\n  }}, word", "", "{long}"]"#);
    let i = ok("answer.json", &transcript("1", SEGMENT, WORDS, &notes));
    assert_eq!(i.notes.len(), 2, "{:?}", i.notes);
    assert_eq!(i.notes[0], "energy snap moved 1 0.9 }, word");
    assert!(
        i.notes
            .iter()
            .all(|n| !n.contains('\n') && n.chars().count() <= 300)
    );
}

#[test]
fn rehearse_transcript_errors() {
    let cases = [
        (
            transcript("7", SEGMENT, WORDS, "[]"),
            "t.json: unsupported transcript: schema 7 (this rehearse reads schema 1)",
        ),
        (
            transcript("\"one\"", SEGMENT, WORDS, "[]"),
            "t.json: unsupported transcript: \"schema\" is \"one\", not a version number (this rehearse reads schema 1)",
        ),
        (
            transcript("\"1\"", SEGMENT, WORDS, "[]"),
            "t.json: unsupported transcript: \"schema\" is the string \"1\"; write the number 1, without quotes (this rehearse reads schema 1)",
        ),
        (
            transcript("1", SEGMENT, "[]", "[]"),
            "t.json: transcript has no words (1 segment but no words)",
        ),
        (
            transcript(
                "1",
                "[]",
                "[]",
                r#"["no speech found: the audio is digital silence"]"#,
            ),
            "t.json: transcript has no words (no speech found: the audio is digital silence)",
        ),
        (
            transcript(
                "1",
                "[]",
                r#"[{"text": "[BLANK_AUDIO]", "start_s": 0, "end_s": 1, "p": 1}]"#,
                "[]",
            ),
            "t.json: transcript has no words (only non-speech annotations such as [BLANK_AUDIO])",
        ),
        (
            transcript(
                "1",
                SEGMENT,
                r#"[{"text": "a", "start_s": 2.0, "end_s": 2.5, "p": 1}, {"text": "b", "start_s": 1.0, "end_s": 1.2, "p": 1}]"#,
                "[]",
            ),
            "t.json: word 2 'b' starts at 1.000 s, 1.50 s before the previous one ends at 2.500 s (times must run forward)",
        ),
        (
            transcript(
                "1",
                SEGMENT,
                r#"[{"text": "a", "start_s": 2.0, "end_s": 1.5, "p": 1}]"#,
                "[]",
            ),
            "t.json: word 1 'a' ends at 1.500 s before it starts at 2.000 s",
        ),
        (
            transcript(
                "1",
                SEGMENT,
                r#"[{"text": "a", "start_s": -1.0, "end_s": 1.5, "p": 1}]"#,
                "[]",
            ),
            "t.json: word 1 'a' has a negative or invalid time (-1.000 s, 1.500 s)",
        ),
    ];
    for (json, want) in cases {
        assert_eq!(err("t.json", &json), want);
    }
    let missing = err(
        "t.json",
        &transcript("1", SEGMENT, WORDS, "[]").replace("\"model\"", "\"modl\""),
    );
    assert!(
        missing
            .starts_with("t.json: not a valid rehearse transcript: missing field `model` at line"),
        "{missing}"
    );
}

#[test]
fn small_word_overlaps_are_clamped() {
    let words = r#"[{"text": "a", "start_s": 1.0, "end_s": 1.5, "p": 1},
                    {"text": "b", "start_s": 1.3, "end_s": 1.4, "p": 1}]"#;
    let i = ok("t.json", &transcript("1", SEGMENT, words, "[]"));
    assert_eq!((i.words[1].start_s, i.words[1].end_s), (1.5, 1.5));
    assert!(i.notes[0].starts_with("1 word overlapped"), "{:?}", i.notes);
}

const WHISPER_OJ: &str = r#"{
	"systeminfo": "AVX = 1",
	"model": {"type": "tiny", "multilingual": false, "vocab": 51864},
	"params": {"model": "models/ggml-tiny.en.bin", "language": "en", "translate": false},
	"result": {"language": "en"},
	"transcription": [
		{
			"timestamps": {"from": "00:00:00,000", "to": "00:00:02,000"},
			"offsets": {"from": 0, "to": 2000},
			"text": " And so my fellow Americans,"
		},
		{
			"timestamps": {"from": "00:00:02,500", "to": "00:00:03,500"},
			"offsets": {"from": 2500, "to": 3500},
			"text": " [BLANK_AUDIO]"
		},
		{
			"timestamps": {"from": "00:00:04,000", "to": "00:00:05,000"},
			"text": " ask not."
		}
	]
}"#;

#[test]
fn whisper_cpp_segments_are_spread_by_length() {
    let i = ok("jfk.wav.json", WHISPER_OJ);
    assert_eq!(i.kind, ImportedKind::WhisperCppJson);
    assert_eq!(i.timing, WordTiming::Cues);
    assert_eq!(
        texts(&i),
        ["And", "so", "my", "fellow", "Americans,", "ask", "not."]
    );
    inside_cues(&i.words, &[(0.0, 2.0, 5), (4.0, 5.0, 2)]);
    // 3 + 2 + 2 + 6 + 10 = 23 characters over 2 s.
    assert!(close(i.words[0].end_s, 2.0 * 3.0 / 23.0));
    assert!(close(i.words[4].start_s, 2.0 * 13.0 / 23.0));
    assert_eq!(i.words[4].end_s, 2.0);
    assert_eq!(i.words[4].p, 1.0);
    assert_eq!(i.duration_s, 5.0);
    // No jfk.wav beside it: no audio path is made up.
    assert_eq!(i.audio_path, None);
    assert_eq!(
        i.notes,
        ["left out 1 non-speech annotation such as [BLANK_AUDIO]"]
    );

    let translated = WHISPER_OJ.replace("\"translate\": false", "\"translate\": true");
    assert!(ok("x.json", &translated).notes[0].contains("translat"));
}

/// A whisper-cli -ojf token: text, times in 10 ms ticks, p, t_dtw.
fn token(text: &str, t0: i64, t1: i64, p: f64, dtw: i64) -> String {
    format!(
        r#"{{"text": "{text}", "timestamps": {{"from": "x", "to": "x"}},
            "offsets": {{"from": {}, "to": {}}}, "id": 1, "p": {p}, "t_dtw": {dtw}}}"#,
        t0 * 10,
        t1 * 10
    )
}

fn ojf(segments: &[(i64, i64, Vec<String>)]) -> String {
    let segs: Vec<String> = segments
        .iter()
        .map(|(a, b, toks)| {
            format!(
                r#"{{"offsets": {{"from": {}, "to": {}}}, "text": "", "tokens": [{}]}}"#,
                a * 10,
                b * 10,
                toks.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"params": {{}}, "transcription": [{}]}}"#,
        segs.join(",")
    )
}

#[test]
fn whisper_cpp_tokens_become_words() {
    let json = ojf(&[
        (
            0,
            200,
            vec![
                token("[_BEG_]", 0, 0, 0.5, -1),
                token(" And", 10, 30, 0.9, -1),
                token(" Amer", 40, 70, 0.8, -1),
                token("icans", 70, 110, 0.6, -1),
                token(",", 110, 110, 0.99, -1),
                token(" don", 130, 150, 1.0, -1),
                token("'t", 150, 170, 1.0, -1),
                token(".", 170, 170, 1.0, -1),
                token("[_TT_100]", 200, 200, 0.3, -1),
            ],
        ),
        (
            200,
            300,
            vec![
                token(" [", 200, 210, 0.5, -1),
                token("BL", 210, 220, 0.5, -1),
                token("ANK", 220, 230, 0.5, -1),
                token("_AUDIO", 230, 240, 0.5, -1),
                token("]", 240, 250, 0.5, -1),
                token("<|endoftext|>", 300, 300, 0.5, -1),
            ],
        ),
    ]);
    let i = ok("x.json", &json);
    assert_eq!(i.timing, WordTiming::Words);
    assert_eq!(texts(&i), ["And", "Americans,", "don't."]);
    assert!(
        close(i.words[1].start_s, 0.4) && close(i.words[1].end_s, 1.1),
        "{:?}",
        i.words[1]
    );
    assert!(
        close(f64::from(i.words[1].p), 0.7),
        "p is the mean of the word's tokens"
    );
    assert_eq!(i.duration_s, 3.0);
    assert_eq!(
        i.notes,
        ["left out 1 non-speech annotation such as [BLANK_AUDIO]"]
    );
}

#[test]
fn whisper_cpp_dtw_times_are_used_when_every_token_has_one() {
    let json = ojf(&[(
        0,
        200,
        vec![token(" a", 0, 50, 1.0, 40), token(" b", 60, 100, 1.0, 90)],
    )]);
    let i = ok("x.json", &json);
    // Same rule as live transcription: a DTW time marks a token's end, less DTW_LATE_S.
    assert!(
        close(i.words[0].end_s, 0.40 - words::DTW_LATE_S),
        "{:?}",
        i.words
    );
    assert!(
        close(i.words[1].start_s, 0.40 - words::DTW_LATE_S),
        "{:?}",
        i.words
    );
    assert!(
        close(i.words[1].end_s, 0.90 - words::DTW_LATE_S),
        "{:?}",
        i.words
    );
    assert!(i.notes.iter().any(|n| n.contains("DTW")));
}

#[test]
fn whisper_cpp_split_characters_and_raw_control_characters_are_repaired() {
    // Older whisper.cpp wrote half a UTF-8 character per token and never escaped control
    // characters.
    let mut bytes = ojf(&[(
        0,
        100,
        vec![
            token(" cafSPLIT1", 0, 40, 1.0, -1),
            token("SPLIT2", 40, 60, 1.0, -1),
            token(" tabTAB", 60, 90, 1.0, -1),
        ],
    )])
    .into_bytes();
    let e = "é".as_bytes();
    for (from, to) in [
        ("SPLIT1", &e[..1]),
        ("SPLIT2", &e[1..]),
        ("TAB", &b"\t"[..]),
    ] {
        let k = bytes
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .expect("marker");
        bytes.splice(k..k + from.len(), to.iter().copied());
    }
    let i = match import(Path::new("x.json"), &bytes, 150.0) {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(texts(&i), ["café", "tab"]);
}

#[test]
fn whisper_cpp_errors() {
    let no_times = r#"{"transcription": [{"text": " hi"}]}"#;
    assert_eq!(
        err("x.json", no_times),
        "x.json: segment 1 has no \"offsets\" or readable \"timestamps\""
    );
    assert_eq!(
        err("x.json", r#"{"transcription": []}"#),
        "x.json: transcript has no words (no segments)"
    );
    let only_special = ojf(&[(0, 100, vec![token("[_BEG_]", 0, 0, 1.0, -1)])]);
    assert_eq!(
        err("x.json", &only_special),
        "x.json: transcript has no words (1 segment but none has words)"
    );
    let backwards = r#"{"transcription": [
        {"offsets": {"from": 5000, "to": 6000}, "text": " a"},
        {"offsets": {"from": 1000, "to": 2000}, "text": " b"}]}"#;
    assert_eq!(
        err("x.json", backwards),
        "x.json: segment 2 starts at 1.000 s, 5.00 s before the previous one ends at 6.000 s (times must run forward)"
    );
    let bad_type = r#"{"transcription": [{"offsets": {"from": "0", "to": 1}, "text": " a"}]}"#;
    assert!(
        err("x.json", bad_type).starts_with("x.json: not valid whisper.cpp JSON: invalid type"),
    );
}

#[test]
fn reads_srt_as_written_by_hand() {
    // BOM, CRLF, a missing cue number, doubled blank lines, a blank line between number and
    // timing, tags, a two-line cue, and a cue text line after a stray blank line.
    let srt = "\u{feff}1\r\n00:00:01,000 --> 00:00:03,000\r\n<i>So, um,</i> I\r\n{\\an8}failed\r\n\r\n\r\n\
               00:00:03,500 --> 00:00:05,000 X1:10 X2:20\r\nbadly - really\r\n\r\n\
               3\r\n\r\n00:00:06,000 --> 00:00:08,000\r\n- Then I\r\n\r\nlearned.\r\n";
    let i = ok("a.srt", srt);
    assert_eq!(i.kind, ImportedKind::Srt);
    assert_eq!(i.timing, WordTiming::Cues);
    assert_eq!(
        texts(&i),
        [
            "So,", "um,", "I", "failed", "badly-", "really", "Then", "I", "learned."
        ]
    );
    inside_cues(&i.words, &[(1.0, 3.0, 4), (3.5, 5.0, 2), (6.0, 8.0, 3)]);
    assert_eq!(i.duration_s, 8.0);
}

#[test]
fn srt_errors() {
    let bad = "1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:03,000 --> 00:00:04,000\n\
               there\n\n3\n00:00:0x,000 --> 00:00:05,000\nyou\n";
    assert_eq!(
        err("a.srt", &bad.replace("\n3\n", "\n")),
        "a.srt: line 9: bad SRT timestamp '00:00:0x,000' (expected HH:MM:SS,mmm --> HH:MM:SS,mmm)"
    );
    let cases = [
        (
            "1\n00:00:01,000 --> 00:00:02,00x\nhi\n",
            "a.srt: line 2: bad SRT timestamp '00:00:02,00x' (expected HH:MM:SS,mmm --> HH:MM:SS,mmm)",
        ),
        (
            "1\n00:00:01,000 -->\nhi\n",
            "a.srt: line 2: bad SRT timestamp '00:00:01,000 -->' (expected HH:MM:SS,mmm --> HH:MM:SS,mmm)",
        ),
        (
            "1\n00:00:01,000 --> 00:00:61,000\nhi\n",
            "a.srt: line 2: bad SRT timestamp '00:00:61,000' (expected HH:MM:SS,mmm --> HH:MM:SS,mmm)",
        ),
        (
            "1\n00:00:05,000 --> 00:00:04,000\nhi\n",
            "a.srt: line 2: cue ends at 00:00:04,000 before it starts at 00:00:05,000",
        ),
        (
            "1\n00:00:05,000 --> 00:00:08,000\nhi\n\n2\n00:00:02,000 --> 00:00:03,000\nyou\n",
            "a.srt: line 6: cue starts at 00:00:02,000, 6.00 s before the previous one ends at 00:00:08,000 (times must run forward)",
        ),
        (
            "hello\n1\n00:00:01,000 --> 00:00:02,000\nhi\n",
            "a.srt: line 1: expected an SRT cue (a number, then HH:MM:SS,mmm --> HH:MM:SS,mmm), found 'hello'",
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\n<i></i>\n",
            "a.srt: transcript has no words (2 cues but none has text)",
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\n[MUSIC PLAYING]\n",
            "a.srt: transcript has no words (only non-speech annotations such as [MUSIC PLAYING])",
        ),
    ];
    for (srt, want) in cases {
        assert_eq!(err("a.srt", srt), want);
    }
}

#[test]
fn whisper_cli_speaker_labels_are_not_words() {
    let srt = "1\n00:00:01,000 --> 00:00:02,000\n(speaker 0) Hello there\n\n\
               2\n00:00:02,000 --> 00:00:03,000\n(speaker ?) (speaker notes) [SPEAKER_TURN]\n";
    let i = ok("a.srt", srt);
    assert_eq!(texts(&i), ["Hello", "there", "(speaker", "notes)"]);
    let txt = ok("a.txt", "(speaker 1) I failed.\n");
    assert_eq!(texts(&txt), ["I", "failed."]);
}

#[test]
fn small_cue_overlaps_are_clamped() {
    let srt =
        "1\n00:00:01,000 --> 00:00:03,000\nfirst cue\n\n2\n00:00:02,800 --> 00:00:04,000\nsecond\n";
    let i = ok("a.srt", srt);
    inside_cues(&i.words, &[(1.0, 3.0, 2), (3.0, 4.0, 1)]);
    assert_eq!(i.words[2].start_s, 3.0);
    assert_eq!(i.notes.len(), 1, "{:?}", i.notes);
}

#[test]
fn reads_webvtt_with_everything_a_file_may_hold() {
    let vtt = "WEBVTT - practice\nKind: captions\nLanguage: en\n\n\
               NOTE this is a comment\nthat runs on\n\n\
               STYLE\n::cue { color: yellow }\n\n\
               REGION\nid:fred width:40%\n\n\
               intro\n00:01.000 --> 00:03.000 align:start position:10%\n<v Roger Bingham>We, Q&amp;A, they</v>\n\n\
               00:03.500 --> 00:05.000\n<c.yellow>tried</c> <00:04.000><b>again</b>&nbsp;&lt;3\n\n\
               NOTE dropped too\n\n\
               2\n01:00:00.000 --> 01:00:02.000\n&#233;t&#xE9; no&lrm;w\n";
    let i = ok("a.vtt", vtt);
    assert_eq!(i.kind, ImportedKind::Vtt);
    assert_eq!(
        texts(&i),
        ["We,", "Q&A,", "they", "tried", "again", "<3", "été", "now"]
    );
    inside_cues(
        &i.words,
        &[(1.0, 3.0, 3), (3.5, 5.0, 3), (3600.0, 3602.0, 2)],
    );
}

#[test]
fn webvtt_errors() {
    assert_eq!(
        err("a.vtt", "WEBVTT\n\n00:01.000 --> 00:0x.000\nhi\n"),
        "a.vtt: line 3: bad WebVTT timestamp '00:0x.000' (expected [HH:]MM:SS.mmm --> [HH:]MM:SS.mmm)"
    );
    assert_eq!(
        err("a.vtt", "WEBVTT\n\nNOTE only a note\n"),
        "a.vtt: transcript has no words (no cues found; expected cues timed like [HH:]MM:SS.mmm --> [HH:]MM:SS.mmm)"
    );
    let stray = ok(
        "a.vtt",
        "WEBVTT\n\nstray words\n\n00:01.000 --> 00:02.000\nhi\n",
    );
    assert_eq!(texts(&stray), ["hi"]);
    assert_eq!(stray.notes, ["ignored text before the first cue (line 3)"]);
}

#[test]
fn plain_text_gets_estimated_times() {
    let text = "I failed. Badly!\nThen\n\n\n\"I learned.\" (Really.)\n";
    let i = match import(Path::new("a.txt"), text.as_bytes(), 120.0) {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    };
    well_formed(&i);
    assert_eq!(i.kind, ImportedKind::Text);
    assert_eq!(i.timing, WordTiming::Estimated { wpm: 120.0 });
    assert_eq!(
        texts(&i),
        [
            "I",
            "failed.",
            "Badly!",
            "Then",
            "\"I",
            "learned.\"",
            "(Really.)"
        ]
    );
    let starts: Vec<f64> = i.words.iter().map(|w| w.start_s).collect();
    // 0.5 s a word at 120 wpm; a sentence pause after "failed." and "Badly!", a paragraph
    // pause (not both) after "Then", another sentence pause after "learned.\"".
    let s = SENTENCE_PAUSE_S;
    let want = [
        0.0,
        0.5,
        1.0 + s,
        1.5 + 2.0 * s,
        2.0 + 2.0 * s + PARAGRAPH_PAUSE_S,
        2.5 + 2.0 * s + PARAGRAPH_PAUSE_S,
        3.0 + 3.0 * s + PARAGRAPH_PAUSE_S,
    ];
    for (got, want) in starts.iter().zip(want) {
        assert!(close(*got, want), "{starts:?}");
    }
    assert!(close(i.duration_s, 3.5 + 3.0 * s + PARAGRAPH_PAUSE_S));
    assert!(
        i.words
            .iter()
            .all(|w| close(w.end_s - w.start_s, 0.5) && w.p == 1.0)
    );
}

#[test]
fn plain_text_errors() {
    for wpm in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        let e = import(Path::new("a.txt"), b"hello", wpm)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("a.txt: plain text needs a speaking rate above 0"),
            "{e}"
        );
    }
    assert_eq!(
        err("a.txt", "[BLANK_AUDIO]\n"),
        "a.txt: transcript has no words (only non-speech annotations such as [BLANK_AUDIO])"
    );
}

#[test]
fn utf16_files_are_decoded() {
    let text = "1\r\n00:00:01,000 --> 00:00:02,000\r\nnaïve\r\n";
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend(u.to_le_bytes());
        be.extend(u.to_be_bytes());
    }
    for bytes in [le, be] {
        let i = import(Path::new("a.srt"), &bytes, 150.0).map_err(|e| e.to_string());
        assert_eq!(i.map(|i| i.words[0].text.clone()), Ok("naïve".to_string()));
    }
}

#[test]
fn clocks_parse_in_every_written_form() {
    let cases = [
        ("00:00:01,000", Some(1.0)),
        ("01:02:03.456", Some(3723.456)),
        ("02:03.5", Some(123.5)),
        ("123:00:00,000", Some(442_800.0)),
        ("00:00:07", Some(7.0)),
        ("00:00:07,", None),
        ("00:60:00,000", None),
        ("1:2:3:4", None),
        ("00:00:0x,000", None),
        ("-0:00:01,000", None),
        ("", None),
    ];
    for (s, want) in cases {
        let got = parse_clock(s);
        assert!(
            match (got, want) {
                (Some(a), Some(b)) => close(a, b),
                (a, b) => a == b,
            },
            "{s}: {got:?}"
        );
    }
}

#[test]
fn audio_beside_the_transcript_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let srt = dir.path().join("answer.wav.srt");
    let i = import(&srt, b"1\n00:00:01,000 --> 00:00:02,000\nhi\n", 150.0).expect("srt");
    assert_eq!(i.audio_path, None);
    std::fs::write(dir.path().join("answer.wav"), b"RIFF").expect("write");
    let i = import(&srt, b"1\n00:00:01,000 --> 00:00:02,000\nhi\n", 150.0).expect("srt");
    let want = dir.path().join("answer.wav").display().to_string();
    assert_eq!(i.audio_path.as_deref(), Some(want.as_str()));
    assert_eq!(i.notes.len(), 1);
}

fn fixture(name: &str) -> Imported {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/transcripts")
        .join(name);
    let bytes = std::fs::read(&path).expect("fixture");
    match import(&path, &bytes, 150.0) {
        Ok(i) => {
            well_formed(&i);
            i
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn fixtures_agree_on_the_words() {
    let srt = fixture("answer.srt");
    let vtt = fixture("answer.vtt");
    let json = fixture("answer.whisper.json");
    let txt = fixture("answer.txt");
    assert_eq!(
        (srt.kind, vtt.kind, json.kind, txt.kind),
        (
            ImportedKind::Srt,
            ImportedKind::Vtt,
            ImportedKind::WhisperCppJson,
            ImportedKind::Text
        )
    );
    assert_eq!(json.timing, WordTiming::Words);
    assert_eq!(texts(&srt)[..3], ["In", "my", "second"]);
    assert_eq!(texts(&srt), texts(&vtt));
    assert_eq!(texts(&srt), texts(&json));
    assert_eq!(texts(&srt), texts(&txt));
    assert!(texts(&json).contains(&"hadn't"));
    assert_eq!(srt.words, vtt.words, "same cue times, so the same spread");
    // Word times from tokens differ from the spread, but both lie within the same segments.
    for (a, b) in srt.words.iter().zip(&json.words) {
        assert!((a.start_s - b.start_s).abs() < 1.5, "{a:?} vs {b:?}");
    }
    assert!(close(srt.duration_s, 50.71) && close(json.duration_s, 50.71));
    // About 150 words a minute, so the estimate for the text lands near the recording.
    assert!((txt.duration_s - 50.71).abs() < 10.0, "{}", txt.duration_s);
    assert!(json.notes.is_empty() && srt.notes.is_empty() && vtt.notes.is_empty());
}
