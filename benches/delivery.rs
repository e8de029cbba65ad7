//! Delivery analysis speed (pitch, level, and the measures over words), and the F0 tracks the
//! accuracy script compares with Praat.
//!
//! `cargo bench --bench delivery` times the delivery analysis of a 2-minute and a 1-hour
//! recording. `... -- track FILE.wav...` prints each file's F0 track as one JSON line
//! (`scripts/eval-delivery.sh` reads them).

use rehearse::audio;

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
    }
}
