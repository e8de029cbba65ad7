//! Pacing: words per minute overall, per window of time, against a configurable band.

use super::frameworks::Settings;
use super::types::{Overall, Pace, PaceStatus, PaceWindow};
use crate::transcribe::Word;

/// Most windows a pace curve has: the window widens past this, so that no time read from a file
/// sets how much is allocated (four hours at the default 10 s window is 1,440 windows).
pub const MAX_WINDOWS: usize = 2_000;

/// Overall pace and pace over time in windows of `settings.pace_window_s`, from the first word.
pub fn pace(words: &[Word], overall: &Overall, settings: &Settings) -> Pace {
    let wpm = per_minute(words.len(), overall.answer_s);
    let band = settings.pace_wpm;
    let status = if words.len() < 2 {
        PaceStatus::Ok
    } else if wpm < band.min_s {
        PaceStatus::Slow
    } else if wpm > band.max_s {
        PaceStatus::Fast
    } else {
        PaceStatus::Ok
    };
    let mut window_s = settings.pace_window_s.max(1.0);
    let mut windows = Vec::new();
    if let (Some(first), Some(last)) = (words.first(), words.last()) {
        let t0 = first.start_s;
        let span = (last.end_s - t0).max(0.0);
        let fits = span / window_s <= MAX_WINDOWS as f64;
        if !fits {
            // Also taken for a span that is not a number: one window then.
            window_s = if span.is_finite() {
                span / MAX_WINDOWS as f64
            } else {
                f64::MAX
            };
        }
        let n = ((span / window_s).ceil().max(1.0) as usize).min(MAX_WINDOWS);
        let mut counts = vec![0usize; n];
        for w in words {
            // A word counts in the window where its middle falls.
            let mid = (w.start_s + w.end_s) / 2.0;
            let k = (((mid - t0) / window_s).floor().max(0.0) as usize).min(n - 1);
            counts[k] += 1;
        }
        for (k, c) in counts.into_iter().enumerate() {
            let start_s = t0 + k as f64 * window_s;
            let end_s = (start_s + window_s).min(last.end_s.max(start_s));
            windows.push(PaceWindow {
                start_s,
                end_s,
                words: c,
                // The last window is usually partial; scale by its real length.
                wpm: per_minute(c, (end_s - start_s).max(window_s / 4.0)),
            });
        }
    }
    Pace {
        wpm,
        wpm_speaking: per_minute(words.len(), overall.speaking_s),
        band,
        status,
        window_s,
        windows,
    }
}

/// Words per minute, 0 for an empty span.
pub fn per_minute(words: usize, seconds: f64) -> f64 {
    if seconds <= 0.0 {
        0.0
    } else {
        words as f64 * 60.0 / seconds
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Status;
    use crate::analyze::frameworks::{Band, Catalog};

    #[test]
    fn windows_cover_the_answer() {
        // 60 words, one every 0.5 s: 120 wpm over 30 s.
        let words: Vec<Word> = (0..60)
            .map(|i| Word {
                text: "w".into(),
                start_s: i as f64 * 0.5,
                end_s: i as f64 * 0.5 + 0.4,
                p: 1.0,
            })
            .collect();
        let overall = Overall {
            answer_s: 29.9,
            target: Band {
                min_s: 0.0,
                max_s: 1.0,
            },
            status: Status::Ok,
            words: 60,
            speaking_s: 29.9,
            pause_s: 0.0,
        };
        let cat = Catalog::embedded().expect("embedded data");
        let p = pace(&words, &overall, &cat.settings);
        assert!((p.wpm - 120.4).abs() < 0.5, "{}", p.wpm);
        assert_eq!(p.windows.len(), 3);
        assert_eq!(p.windows.iter().map(|w| w.words).sum::<usize>(), 60);
        assert!((p.windows[0].wpm - 120.0).abs() < 1.0);
    }

    #[test]
    fn a_far_away_word_widens_the_windows_instead_of_multiplying_them() {
        let word = |start_s: f64, end_s: f64| Word {
            text: "w".into(),
            start_s,
            end_s,
            p: 1.0,
        };
        let cat = Catalog::embedded().expect("embedded data");
        for last in [36_000_000.0, 1e300, f64::INFINITY] {
            let words = vec![word(0.0, 0.5), word(1.0, last)];
            let overall = Overall {
                answer_s: 1.0,
                target: Band {
                    min_s: 0.0,
                    max_s: 1.0,
                },
                status: Status::Ok,
                words: 2,
                speaking_s: 1.0,
                pause_s: 0.0,
            };
            let p = pace(&words, &overall, &cat.settings);
            assert!(
                p.windows.len() <= MAX_WINDOWS,
                "{last}: {}",
                p.windows.len()
            );
            assert_eq!(p.windows.iter().map(|w| w.words).sum::<usize>(), 2);
        }
    }
}
