//! Analysis speed without transcription: a 2-minute and a 1-hour answer, timed in one run.
//!
//! `cargo bench --bench analyze` prints the median of repeated runs for each length and the
//! ratio of the two, which shows whether the cost grows linearly with length (a 30x longer
//! answer should cost about 30x). For numbers that do not depend on machine load, run it under
//! callgrind: `bash scripts/bench-analyze.sh`.

use std::time::{Duration, Instant};

use rehearse::analyze::{self, FrameworkChoice, frameworks::Catalog};
use rehearse::transcribe::Word;

mod common;
use common::{answer, input};

/// Median wall time of `runs` analyses of `words`.
fn time(catalog: &Catalog, words: &[Word], runs: usize) -> Duration {
    let choice = FrameworkChoice::Id("star-l".into());
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let inp = input(words.to_vec());
            let t0 = Instant::now();
            let a = analyze::analyze(inp, catalog, &choice, None);
            let dt = t0.elapsed();
            std::hint::black_box(a.is_ok());
            dt
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let catalog = Catalog::embedded().expect("embedded data parses");
    // `cargo bench` passes --bench; a callgrind run passes "once" to time a single analysis.
    let once = std::env::args().any(|a| a == "once");
    let short = answer(120.0);
    let long = answer(3600.0);
    if once {
        let which = if std::env::args().any(|a| a == "long") {
            long
        } else {
            short
        };
        let r = analyze::analyze(
            input(which),
            &catalog,
            &FrameworkChoice::Id("star-l".into()),
            None,
        );
        std::hint::black_box(r.is_ok());
        return;
    }
    // The sentence-in-context model is parsed on first use, once per process; timed apart so
    // the medians below are the per-answer cost.
    let t0 = Instant::now();
    std::hint::black_box(analyze::context_model::shipped().is_some());
    let t_model = t0.elapsed();
    let t_short = time(&catalog, &short, 51);
    let t_long = time(&catalog, &long, 7);
    // The same analyses with the sentence-in-context model off (`context_weight = 0`), for
    // its cost measured in this run.
    let mut plain = catalog.clone();
    plain.sections.decoder.context_weight = 0.0;
    let p_short = time(&plain, &short, 51);
    let p_long = time(&plain, &long, 7);
    // The same 2-minute analysis labelled sentence by sentence only (durations not weighed,
    // as before stop 40), for the cost of the decoder by runs measured in this run; a 1-hour
    // answer is decoded by sentence either way.
    let mut by_sentence = catalog.clone();
    by_sentence.sections.decoder.duration_long_weight = 0.0;
    by_sentence.sections.decoder.duration_short_weight = 0.0;
    let r_short = time(&by_sentence, &short, 51);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "without durations weighed (sentence by sentence only): 2-minute {:.2} ms",
        ms(r_short)
    );
    println!(
        "without the sentence-in-context model: 2-minute {:.2} ms, 1-hour {:.1} ms",
        ms(p_short),
        ms(p_long)
    );
    println!(
        "analyze 2-minute answer ({} words): median {:.2} ms (target < 10 ms)",
        short.len(),
        ms(t_short)
    );
    println!(
        "analyze 1-hour answer ({} words): median {:.1} ms (target < 1000 ms)",
        long.len(),
        ms(t_long)
    );
    println!(
        "load the sentence-in-context model (once per process): {:.1} ms",
        ms(t_model)
    );
    println!(
        "length ratio {:.1}x, time ratio {:.1}x (linear: about equal)",
        long.len() as f64 / short.len() as f64,
        ms(t_long) / ms(t_short)
    );
}
