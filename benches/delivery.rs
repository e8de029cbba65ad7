//! Delivery analysis speed (pitch, level, and the measures over words), and the F0 tracks the
//! accuracy script compares with Praat.
//!
//! `cargo bench --bench delivery` times the delivery analysis of a 2-minute and a 1-hour
//! recording (the bundled sample's audio repeated, with its words laid over it): the F0 and
//! level tracks from the samples, then the per-word, per-sentence and per-section measures and
//! the delivery signals. Decoding the file is not counted (every path decodes once for
//! Whisper). `... -- track FILE.wav...` prints each file's F0 track as one JSON line
//! (`scripts/eval-delivery.sh` reads them).

use std::time::{Duration, Instant};

use rehearse::analyze::{self, FrameworkChoice, delivery, frameworks::Catalog};
use rehearse::audio;

mod common;

fn track(files: &[String]) {
    for f in files {
        let a = match audio::load_for_whisper(std::path::Path::new(f)) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let t = audio::pitch::track(&a.samples, audio::WHISPER_RATE);
        let f0: Vec<String> = t.f0_hz.iter().map(|v| format!("{v:.2}")).collect();
        println!(
            "{{\"file\": {:?}, \"t0_s\": {}, \"step_s\": {}, \"f0_hz\": [{}]}}",
            f,
            t.t0_s,
            t.step_s,
            f0.join(",")
        );
    }
}

/// The bundled sample's 16 kHz samples repeated until they last `seconds`.
fn recording(seconds: f64) -> Vec<f32> {
    let sample = audio::load_for_whisper(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/failure-star.wav"
    )))
    .expect("samples/failure-star.wav decodes");
    let n = (seconds * f64::from(audio::WHISPER_RATE)) as usize;
    sample.samples.iter().copied().cycle().take(n).collect()
}

/// Median wall time of `runs` delivery analyses of `samples` under `words`: the tracks, the
/// measures over the words, the signals. The rest of the analysis is done once, untimed.
fn time(catalog: &Catalog, seconds: f64, runs: usize) -> (Duration, usize) {
    let samples = recording(seconds);
    let words = common::answer(seconds);
    let n_words = words.len();
    let a = analyze::analyze(
        common::input(words),
        catalog,
        &FrameworkChoice::Id("star-l".into()),
        None,
    )
    .expect("analysis");
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t0 = Instant::now();
            let voice = audio::Voice {
                pitch: audio::pitch::track(&samples, audio::WHISPER_RATE),
                level: audio::loudness::track(&samples, audio::WHISPER_RATE),
                clipping: Default::default(),
            };
            let (d, levels) = delivery::measure(&a, Some(&voice), None, &catalog.delivery);
            let mut measured = a.clone();
            measured.delivery = d;
            let signals = delivery::signals(&measured);
            let dt = t0.elapsed();
            std::hint::black_box((levels.len(), signals.len()));
            dt
        })
        .collect();
    times.sort();
    (times[times.len() / 2], n_words)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("track") {
        track(&args[1..]);
        return;
    }
    if args.first().map(String::as_str) == Some("time-track") {
        let a = audio::load_for_whisper(std::path::Path::new(&args[1])).expect("wav");
        let t0 = std::time::Instant::now();
        let mut n = 0;
        for _ in 0..10 {
            n += audio::pitch::track(&a.samples, audio::WHISPER_RATE)
                .f0_hz
                .len();
        }
        let dt = t0.elapsed().as_secs_f64() / 10.0;
        println!(
            "{:.1} ms per run for {:.1} s of audio ({n})",
            dt * 1e3,
            a.duration_s()
        );
        return;
    }
    let catalog = Catalog::embedded().expect("embedded data parses");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (short, short_words) = time(&catalog, 120.0, 11);
    println!(
        "delivery of a 2-minute recording ({short_words} words): median {:.1} ms (target < 100 ms)",
        ms(short)
    );
    let (long, long_words) = time(&catalog, 3600.0, 3);
    println!(
        "delivery of a 1-hour recording ({long_words} words): median {:.0} ms (target < 3000 ms)",
        ms(long)
    );
    println!(
        "length ratio 30.0x, time ratio {:.1}x (linear: about equal)",
        ms(long) / ms(short)
    );
}
