//! `trailing-off`: sentences whose last words fade out.
//!
//! **What it flags.** Sentences (of 6 words or more) whose end, the last 30% of their speaking
//! time, is `delivery.trailing_drop_db` (6 dB) or more quieter than the rest of them; raised when
//! at least 2 sentences and a quarter of those judged do it.
//!
//! **Why an interviewer cares.** The end of a sentence carries its point (the number, the
//! result); swallowed, it is lost on a call, and the speaker sounds unsure of it.
//!
//! **Fires on.** An answer whose sentence ends were turned down by 10 dB.
//!
//! **Stays quiet on.** The same answer as spoken; the usual gentle fall at a full stop (a few
//! dB); one faded sentence among many.
//!
//! **Source.** Public-speaking advice to finish sentences with energy; the 6 dB step is a
//! clearly audible drop (10 dB sounds about half as loud).

use super::super::types::{Analysis, Severity, Signal};
use super::evidence::quote;

pub fn check(a: &Analysis) -> Vec<Signal> {
    let d = &a.delivery;
    let t = &d.thresholds;
    let Some(l) = &d.loudness else {
        return Vec::new();
    };
    let mut trailing: Vec<(usize, f64, usize)> = d
        .sentences
        .iter()
        .filter(|s| s.trailing_off)
        .filter_map(|s| Some((s.sentence, s.end_drop_db?, s.end_word?)))
        .collect();
    let n = trailing.len();
    if n == 0
        || n < t.trailing_min_sentences
        || (n as f64) < t.trailing_min_share * l.judged_sentences as f64
    {
        return Vec::new();
    }
    let mean = trailing.iter().map(|x| x.1).sum::<f64>() / n as f64;
    let first_at = trailing
        .iter()
        .map(|&(k, _, _)| a.sentences[k].start_s)
        .fold(f64::INFINITY, f64::min);
    trailing.sort_by(|x, y| y.1.total_cmp(&x.1));
    let evidence: Vec<String> = trailing
        .iter()
        .take(3)
        .map(|&(k, drop, end)| {
            let s = &a.sentences[k];
            format!(
                "{} ({drop:.0} dB down)",
                quote(a, end, s.first_word + s.n_words, 6)
            )
        })
        .collect();
    vec![Signal {
        id: "trailing-off".into(),
        severity: Severity::Warn,
        message: format!(
            "{n} of {} sentences trail off: their last words drop {mean:.0} dB below the rest; carry your voice through to the last word",
            l.judged_sentences
        ),
        evidence: evidence.join("; "),
        at_s: first_at.is_finite().then_some(first_at),
    }]
}

#[cfg(test)]
mod tests {
    use super::super::test_support::test_analysis;
    use super::check;
    use crate::audio::Voice;
    use crate::audio::loudness::LevelTrack;

    const TEXT: &str = "I led the billing migration last spring for the team. The cutover slipped \
        by two whole weeks in the end. I had promised the finance team a date I could not keep. \
        So I rebuilt the whole plan with them over a week.";

    fn steady(n: usize, db: f32) -> Voice {
        Voice {
            level: LevelTrack {
                step_s: 0.01,
                power: vec![10f32.powf(db / 10.0); n],
            },
            ..Voice::default()
        }
    }

    /// Every word at -20 dBFS, except each sentence's end (as the analysis counts it; word times
    /// alone decide where it starts) at `end_db`.
    fn analysis(end_db: f64) -> super::Analysis {
        let plain = test_analysis(TEXT, Some(steady(3000, -20.0)));
        let mut power = vec![0.0f32; 3000];
        for (s, d) in plain.sentences.iter().zip(&plain.delivery.sentences) {
            let end = d.end_word.expect("judged");
            for i in s.first_word..s.first_word + s.n_words {
                let w = &plain.words[i];
                let db = if i >= end { end_db } else { -20.0 };
                let frames = (w.start_s / 0.01) as usize..(w.end_s / 0.01) as usize;
                power[frames].fill(10f32.powf(db as f32 / 10.0));
            }
        }
        let voice = Voice {
            level: LevelTrack {
                step_s: 0.01,
                power,
            },
            ..Voice::default()
        };
        test_analysis(TEXT, Some(voice))
    }

    #[test]
    fn fires_when_sentence_ends_fade() {
        let a = analysis(-30.0);
        let s = check(&a);
        assert_eq!(s.len(), 1, "{:?}", a.delivery.sentences);
        assert!(
            s[0].message.starts_with("4 of 4 sentences trail off"),
            "{}",
            s[0].message
        );
        assert!(s[0].evidence.contains("(10 dB down)"), "{}", s[0].evidence);
        let first = &a.delivery.sentences[0];
        assert_eq!(first.end_drop_db, Some(10.0));
        assert!(first.trailing_off);
    }

    #[test]
    fn stays_quiet_on_steady_or_gently_falling_ends() {
        assert!(check(&analysis(-20.0)).is_empty());
        assert!(check(&analysis(-23.0)).is_empty());
        assert!(check(&test_analysis(TEXT, None)).is_empty());
    }
}
