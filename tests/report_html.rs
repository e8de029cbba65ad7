//! End to end: the HTML report opened in a real browser (headless Chromium) next to a real
//! recording: it renders (a screenshot that is not blank), its scripts run without a console
//! error, the audio loads from the path the report gives, and a word with markup in it stays
//! text.

mod common;

use common::{chromium, console_lines, html_attr, jfk, rehearse, tiny_en};
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rehearse::analyze::frameworks::Catalog;
use rehearse::analyze::{
    Analysis, AnalysisInput, FrameworkChoice, InputKind, QuestionRef, Timing, analyze,
};
use rehearse::report::{self, RenderOptions, ReportFormat};
use rehearse::transcribe::Word;

/// Audio file name as the report refers to it: a space, so percent-encoding is exercised.
const AUDIO_NAME: &str = "failure star.wav";

/// A word whose markup would run as script if the report did not escape it.
const HOSTILE: &str =
    "<script>document.documentElement.setAttribute('data-pwned','1')</script>&\"x\"";

/// Written into the page's `<head>` before anything else, so it sees every error the report's
/// own code could raise. It records into an attribute of `<html>` because `--dump-dom` prints
/// the DOM and nothing else: uncaught errors, rejected promises, `console.error`, and (capture
/// phase, since they do not bubble) resources that failed to load and the audio's metadata
/// arriving.
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
  window.addEventListener('loadedmetadata', function (e) {
    if (e.target && e.target.id === 'audio') r.setAttribute('data-audio-duration', String(e.target.duration));
  }, true);
})();
</script>"#;

/// Clicks a word once the page has loaded, as a user would, and records where the audio went.
const CLICK: &str = r#"<script>
window.addEventListener('load', function () {
  var w = document.querySelectorAll('.transcript .w')[40];
  w.click();
  var r = document.documentElement;
  r.setAttribute('data-clicked-t', w.getAttribute('data-t'));
  r.setAttribute('data-current-time', String(document.getElementById('audio').currentTime));
});
</script>"#;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Words of the bundled sample answer with times close to the recording's: per
/// samples/README.md it has 0.5 s of silence before the first word, 0.5 s between sections
/// (paragraphs) and 1.2 s between the action and the result, 249 words in 93.3 s.
fn sample_words() -> Vec<Word> {
    let text = std::fs::read_to_string(root().join("samples/failure-star.txt"))
        .expect("samples/failure-star.txt");
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let n: usize = paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum();
    let per_word = (93.3 - 0.5 - 1.0 - 0.5 * 3.0 - 1.2) / n as f64;
    let mut words = Vec::new();
    let mut t = 0.5;
    for (i, para) in paragraphs.iter().enumerate() {
        if i > 0 {
            t += if i == 3 { 1.2 } else { 0.5 };
        }
        for w in para.split_whitespace() {
            words.push(Word {
                text: w.to_string(),
                start_s: t,
                end_s: t + per_word * 0.85,
                p: 0.9,
            });
            t += per_word;
        }
    }
    words
}

fn sample_analysis(audio: Option<&str>) -> Analysis {
    let words = sample_words();
    // With audio, the delivery is measured from the real recording (pitch, level, clipping).
    let voice = audio.map(|_| {
        rehearse::audio::load_for_whisper(&root().join("samples/failure-star.wav"))
            .expect("the sample decodes")
            .voice()
    });
    let input = AnalysisInput {
        path: "samples/failure-star.wav".into(),
        kind: InputKind::Wav,
        audio_path: audio.map(str::to_string),
        timing: Timing::Words,
        duration_s: 93.3,
        words,
        speech: None,
        voice,
        pitch_baseline: None,
        notes: vec![],
    };
    let catalog = Catalog::embedded().expect("embedded catalog");
    let mut a = analyze(
        input,
        &catalog,
        &FrameworkChoice::Id("star-l".into()),
        Some(QuestionRef {
            id: None,
            text: "Tell me about a time you failed.".into(),
        }),
    )
    .expect("analysis");
    a.words[5].text = HOSTILE.into();
    a
}

/// The report with the test's hook first in `<head>`, plus `extra` just before `</body>`.
fn page(a: &Analysis, extra: &str) -> String {
    let html = report::render(a, ReportFormat::Html, &RenderOptions::default());
    let head = html.find("<head>").expect("report has <head>") + "<head>".len();
    let body_end = html.rfind("</body>").expect("report has </body>");
    format!(
        "{}\n{HOOK}{}{extra}{}",
        &html[..head],
        &html[head..body_end],
        &html[body_end..]
    )
}

struct Run {
    stdout: String,
    stderr: String,
}

/// Runs Chromium on `html` with `args`, killing it if it hangs.
fn chrome(dir: &Path, html: &Path, args: &[&str]) -> Run {
    let profile = tempfile::tempdir().expect("profile dir");
    let out_path = dir.join("chrome.stdout");
    let err_path = dir.join("chrome.stderr");
    let mut cmd = Command::new(chromium());
    cmd.args([
        // No window system here.
        "--headless",
        // Tests run as root in a container, where Chromium's sandbox cannot start.
        "--no-sandbox",
        // No GPU in the container; software rendering gives the same pixels every time.
        "--disable-gpu",
        // Offline: no QUIC probing, no first-run pages, no background fetches (safe browsing,
        // component and variation updates, sync), so nothing waits on a network.
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Messages from the page's console go to stderr as "CONSOLE" lines.
        "--enable-logging=stderr",
        "--v=0",
    ]);
    // A fresh profile each run: no state from the developer's browser or from an earlier run.
    cmd.arg(format!("--user-data-dir={}", profile.path().display()));
    cmd.args(args);
    cmd.arg(format!("file://{}", html.display()));
    cmd.stdin(Stdio::null())
        .stdout(File::create(&out_path).expect("stdout file"))
        .stderr(File::create(&err_path).expect("stderr file"));
    let mut child = cmd.spawn().expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for chromium") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish in 120 s; stderr:\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let run = Run {
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    };
    assert!(
        status.success(),
        "chromium failed: {status}\n{}",
        run.stderr
    );
    run
}

/// The DOM after the page's scripts ran. The virtual-time budget lets pending work (the audio's
/// metadata, timers) settle before the DOM is printed, without real waiting.
fn dump_dom(dir: &Path, html: &Path) -> Run {
    chrome(dir, html, &["--dump-dom", "--virtual-time-budget=5000"])
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write page");
    p
}

#[test]
fn html_report_renders_and_runs_clean_in_chromium() {
    chromium();
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    std::fs::copy(
        root().join("samples/failure-star.wav"),
        dir.join(AUDIO_NAME),
    )
    .expect("copy samples/failure-star.wav");
    let a = sample_analysis(Some(AUDIO_NAME));
    let html = write(dir, "report.html", &page(&a, CLICK));

    // 1. It draws something: a blank page is one colour.
    let shot = dir.join("shot.png");
    chrome(
        dir,
        &html,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,1600",
        ],
    );
    let (w, h, colours) = colours(&shot);
    assert_eq!((w, h), (1200, 1600));
    let total = (w * h) as usize;
    let commonest = colours.values().copied().max().unwrap_or(0);
    assert!(
        colours.len() > 50,
        "screenshot has {} colours: blank?",
        colours.len()
    );
    assert!(
        commonest < total * 9 / 10,
        "one colour covers {commonest} of {total} pixels: blank?"
    );
    // The timeline's first section (Situation, first colour of the palette) is on screen.
    assert!(
        colours.contains_key(&[0x4e, 0x79, 0xa7]),
        "no section colour in the screenshot"
    );

    // 2. Scripts run without errors, the audio loads, and the DOM is what the report promises.
    let run = dump_dom(dir, &html);
    let dom = &run.stdout;
    assert!(dom.contains("<svg"), "no SVG in the DOM");
    assert_eq!(
        html_attr(dom, "data-js-errors"),
        None,
        "errors in the page:\n{dom:.2000}"
    );
    assert!(
        console_lines(&run.stderr).is_empty(),
        "console output: {:?}",
        console_lines(&run.stderr)
    );
    assert_eq!(
        html_attr(dom, "class").as_deref(),
        Some("js has-audio"),
        "the report's script did not run to the end"
    );
    let duration: f64 = html_attr(dom, "data-audio-duration")
        .and_then(|d| d.parse().ok())
        .expect("the audio's metadata loaded from the report's relative, percent-encoded src");
    assert!((duration - 93.3).abs() < 1.0, "audio duration {duration}");
    assert!(dom.contains("src=\"failure%20star.wav\""));
    // Clicking a word moved the player to that word's start.
    let clicked: f64 = html_attr(dom, "data-clicked-t")
        .and_then(|t| t.parse().ok())
        .expect("the click script ran");
    let now: f64 = html_attr(dom, "data-current-time")
        .and_then(|t| t.parse().ok())
        .expect("current time recorded");
    assert!(
        clicked > 5.0 && (now - clicked).abs() < 0.05,
        "clicked {clicked}, audio at {now}"
    );
    assert_eq!(
        dom.matches("<span class=\"w").count(),
        a.words.len(),
        "one span per word"
    );
    assert!(dom.contains("id=\"legend\"") && dom.contains("id=\"signals\""));
    // The delivery card: a pitch contour and the loudness area under the timeline.
    assert!(
        dom.contains("id=\"delivery\"")
            && dom.contains("class=\"f0\"")
            && dom.contains("class=\"lvl\""),
        "no delivery chart"
    );
    // The hostile word is text: escaped in the DOM, and its script never ran.
    assert_eq!(html_attr(dom, "data-pwned"), None);
    assert!(dom.contains("&lt;script&gt;document.documentElement"));
}

/// A page `rehearse analyze` wrote, with the test's hook put first in its `<head>`.
fn hooked(page: &Path) -> String {
    let html = std::fs::read_to_string(page).expect("page written");
    let head = html.find("<head>").expect("report has <head>") + "<head>".len();
    format!("{}\n{HOOK}{}", &html[..head], &html[head..])
}

/// A page written away from its recording plays it by its absolute path; one written with
/// --embed-audio plays after the recording is gone; both are titled with the date; and
/// --embed-audio is refused where no page is written.
#[test]
fn a_page_plays_its_recording_by_absolute_path_or_embedded_after_the_file_is_gone() {
    chromium();
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    let takes = dir.join("my takes");
    let pages = dir.join("pages");
    std::fs::create_dir_all(&takes).expect("mkdir");
    std::fs::create_dir_all(&pages).expect("mkdir");
    let wav = takes.join("take #1.wav");
    std::fs::copy(jfk(), &wav).expect("copy jfk.wav");
    let model = tiny_en();
    let analyze = |out: &Path, extra: &[&str]| {
        let o = rehearse()
            .arg("analyze")
            .arg(&wav)
            .arg("--model")
            .arg(&model)
            .arg("-o")
            .arg(out)
            .args(extra)
            .output()
            .expect("run rehearse");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let linked = pages.join("linked.html");
    let embedded = pages.join("embedded.html");
    analyze(&linked, &[]);
    analyze(&embedded, &["--embed-audio"]);

    let page = std::fs::read_to_string(&linked).expect("page");
    let abs = wav.canonicalize().expect("canonical");
    let url = format!("file://{}", abs.display())
        .replace(' ', "%20")
        .replace('#', "%23");
    assert!(page.contains(&format!("src=\"{url}\"")), "{page:.1500}");
    let title = &page[page.find("<title>").expect("title")..page.find("</title>").expect("title")];
    assert!(
        title.contains(" UTC") && title.contains("-") && !title.contains('/'),
        "the title says when, never a path: {title}"
    );
    // Copied elsewhere, the linked page still finds the recording.
    let moved = write(dir, "moved-linked.html", &hooked(&linked));
    let dom = dump_dom(dir, &moved).stdout;
    assert_eq!(html_attr(&dom, "data-js-errors"), None, "{dom:.1500}");
    let duration: f64 = html_attr(&dom, "data-audio-duration")
        .and_then(|d| d.parse().ok())
        .expect("the recording loaded from its absolute path");
    assert!((duration - 11.0).abs() < 0.5, "duration {duration}");

    // The embedded page carries the recording: it plays with the file gone.
    std::fs::remove_file(&wav).expect("remove the recording");
    let page = std::fs::read_to_string(&embedded).expect("page");
    assert!(page.contains("src=\"data:audio/wav;base64,UklGR"));
    assert!(!page.contains("file://"), "nothing points outside the page");
    let moved = write(dir, "moved-embedded.html", &hooked(&embedded));
    let dom = dump_dom(dir, &moved).stdout;
    assert_eq!(html_attr(&dom, "data-js-errors"), None, "{dom:.1500}");
    let duration: f64 = html_attr(&dom, "data-audio-duration")
        .and_then(|d| d.parse().ok())
        .expect("the embedded recording loaded");
    assert!((duration - 11.0).abs() < 0.5, "duration {duration}");
    // 11 s at 16 kHz, 16-bit: about 350 KB of WAV, a third more as base64.
    let size = std::fs::metadata(&embedded).expect("size").len();
    assert!((400_000..700_000).contains(&size), "page of {size} bytes");

    // Asked of a format that cannot hold it: refused before any work, nothing written.
    let out = pages.join("r.json");
    let o = rehearse()
        .arg("analyze")
        .arg(jfk())
        .arg("--model")
        .arg(&model)
        .arg("-o")
        .arg(&out)
        .arg("--embed-audio")
        .output()
        .expect("run rehearse");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--embed-audio") && err.contains("HTML"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!out.exists());
}

#[test]
fn html_report_without_audio_runs_clean() {
    chromium();
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    let a = sample_analysis(None);
    let html = write(dir, "report.html", &page(&a, ""));
    let run = dump_dom(dir, &html);
    let dom = &run.stdout;
    assert_eq!(html_attr(dom, "data-js-errors"), None, "{dom:.2000}");
    assert!(console_lines(&run.stderr).is_empty(), "{}", run.stderr);
    assert_eq!(html_attr(dom, "class").as_deref(), Some("js"));
    assert!(!dom.contains("<audio"));
    assert!(dom.contains("id=\"delivery-not-measured\""));
}

/// The checks above would pass vacuously if the hook or the console scan saw nothing; this page
/// has a script error and audio that is not there, and both must be caught.
#[test]
fn error_detection_catches_errors() {
    chromium();
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    let a = sample_analysis(Some("no such file.wav"));
    let html = write(
        dir,
        "broken.html",
        &page(&a, "<script>notDefinedAnywhere();</script>"),
    );
    let run = dump_dom(dir, &html);
    let errors = html_attr(&run.stdout, "data-js-errors").unwrap_or_default();
    assert!(errors.contains("notDefinedAnywhere"), "{errors:?}");
    assert!(errors.contains("no%20such%20file.wav"), "{errors:?}");
    assert!(
        console_lines(&run.stderr)
            .iter()
            .any(|l| l.contains("notDefinedAnywhere")),
        "{}",
        run.stderr
    );
}

/// Width, height and pixel count per RGB colour.
fn colours(png_path: &Path) -> (u32, u32, HashMap<[u8; 3], usize>) {
    let file = std::io::BufReader::new(File::open(png_path).expect("screenshot written"));
    let mut reader = png::Decoder::new(file)
        .read_info()
        .expect("screenshot is a PNG");
    let mut buf = vec![
        0;
        reader
            .output_buffer_size()
            .expect("PNG size fits in memory")
    ];
    let info = reader.next_frame(&mut buf).expect("PNG decodes");
    assert_eq!(info.bit_depth, png::BitDepth::Eight, "8-bit screenshot");
    let step = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected screenshot colour type {other:?}"),
    };
    let mut counts = HashMap::new();
    for px in buf[..info.buffer_size()].chunks_exact(step) {
        *counts.entry([px[0], px[1], px[2]]).or_insert(0) += 1;
    }
    (info.width, info.height, counts)
}
