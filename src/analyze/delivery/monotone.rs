//! `monotone`: the voice stays on one note.
//!
//! **What it flags.** Pitch that barely moves over the answer: the standard deviation of F0 in
//! semitones below `delivery.monotone_below_st` (1.5), judged once there are 10 s of voiced
//! speech. With five or more earlier attempts in the history it also flags an answer below 70%
//! of the speaker's own usual variation (as `info`: flatter than usual, maybe not flat).
//!
//! **Why an interviewer cares.** A flat voice sounds bored or rehearsed, and the listener cannot
//! hear which words matter; liveliness ratings follow pitch variation closely.
//!
//! **Fires on.** A voice held on one note (text-to-speech with its pitch spread at zero, 0.3-0.6
//! semitones).
//!
//! **Stays quiet on.** Ordinary conversation and presentation speech (3.5 semitones or more in
//! the recorded speech we measured); answers with under 10 s of voiced speech.
//!
//! **Source.** Hincks (2005), "Measuring liveliness in presentation speech" (liveliness ratings
//! correlate with F0 variation); Hincks & Edlund (2009) (live feedback from the SD of F0 in
//! semitones); Traunmuller & Eriksson (1995) (in semitones the measure is comparable for men and
//! women).

use super::super::signals::clock;
use super::super::types::{Analysis, Severity, Signal};
use super::evidence::quote;

pub fn check(a: &Analysis) -> Vec<Signal> {
    let d = &a.delivery;
    let t = &d.thresholds;
    let Some(p) = &d.pitch else {
        return Vec::new();
    };
    let Some(v) = p.variation_st else {
        return Vec::new();
    };
    let own = p
        .baseline
        .as_ref()
        .map(|b| (b, b.variation_st * t.own_range_share));
    let flat = v < t.monotone_below_st;
    let flatter_than_usual = own.is_some_and(|(_, limit)| v < limit);
    if !flat && !flatter_than_usual {
        return Vec::new();
    }
    // The flattest sentences with enough voiced speech to say, as evidence.
    let mut flattest: Vec<(usize, f64)> = d
        .sentences
        .iter()
        .filter_map(|s| s.variation_st.map(|x| (s.sentence, x)))
        .collect();
    flattest.sort_by(|x, y| x.1.total_cmp(&y.1));
    let evidence: Vec<String> = flattest
        .iter()
        .take(2)
        .map(|&(k, x)| {
            let s = &a.sentences[k];
            format!(
                "{} ({x:.1} semitones)",
                quote(a, s.first_word, s.first_word + s.n_words, 8)
            )
        })
        .collect();
    let usual = own.map_or(String::new(), |(b, _)| {
        format!(
            "; your usual is {:.1} over your last {} attempts",
            b.variation_st, b.attempts
        )
    });
    let (severity, message) = if flat {
        (
            Severity::Warn,
            format!(
                "Your pitch barely moves: it varies {v:.1} semitones over {:.0} s of speech (lively speech varies 2-4{usual}); lift the words that matter and let your voice fall at full stops",
                p.voiced_s
            ),
        )
    } else {
        (
            Severity::Info,
            format!(
                "Flatter than your usual: your pitch varies {v:.1} semitones{usual}; put the energy back into the words that matter"
            ),
        )
    };
    let at_s = flattest.first().map(|&(k, _)| a.sentences[k].start_s);
    vec![Signal {
        id: "monotone".into(),
        severity,
        message,
        evidence: if evidence.is_empty() {
            format!(
                "pitch variation {v:.2} semitones (SD) around {:.0} Hz, from {} to {}",
                p.median_hz,
                clock(a.words.first().map_or(0.0, |w| w.start_s)),
                clock(a.words.last().map_or(0.0, |w| w.end_s))
            )
        } else {
            format!("flattest sentences: {}", evidence.join("; "))
        },
        at_s,
    }]
}

#[cfg(test)]
mod tests {
    use super::super::super::types::PitchBaseline;
    use super::super::test_support::test_analysis;
    use super::check;
    use crate::audio::Voice;
    use crate::audio::pitch::PitchTrack;

    const TEXT: &str = "I led the billing migration last spring. The cutover slipped by two weeks. \
        I had promised the finance team a date I could not keep. So I rebuilt the plan with them. \
        We shipped in May with no data lost. Now I plan cutovers with the people who depend on \
        them. That is the lesson I took from it.";

    /// A voice whose F0 follows `f0(t)` through every word, unvoiced between them.
    fn voice(f0: impl Fn(f64) -> f32) -> Voice {
        let step = 0.01;
        let n = 4000;
        Voice {
            pitch: PitchTrack {
                t0_s: 0.0,
                step_s: step,
                f0_hz: (0..n).map(|i| f0(i as f64 * step)).collect(),
            },
            ..Voice::default()
        }
    }

    fn semis(base: f32, st: f64) -> f32 {
        base * 2f64.powf(st / 12.0) as f32
    }

    #[test]
    fn fires_on_a_flat_voice() {
        // +-0.3 semitones: flite with its pitch spread at zero.
        let a = test_analysis(TEXT, Some(voice(|t| semis(120.0, 0.3 * (t * 3.0).sin()))));
        let s = check(&a);
        assert_eq!(s.len(), 1, "{:?}", a.delivery.pitch);
        assert_eq!(s[0].id, "monotone");
        assert!(s[0].message.contains("barely moves"), "{}", s[0].message);
        assert!(
            s[0].evidence.starts_with("flattest sentences: \""),
            "{}",
            s[0].evidence
        );
        assert!(s[0].at_s.is_some());
    }

    #[test]
    fn stays_quiet_on_a_lively_voice_and_on_too_little_speech() {
        // +-4 semitones swings, as in lively speech.
        let a = test_analysis(TEXT, Some(voice(|t| semis(200.0, 4.0 * (t * 2.1).sin()))));
        assert!(check(&a).is_empty(), "{:?}", a.delivery.pitch);
        // Flat, but only a few seconds of speech: no verdict.
        let a = test_analysis(
            "I led the billing migration. It slipped.",
            Some(voice(|_| 120.0)),
        );
        assert_eq!(
            a.delivery.pitch.as_ref().map(|p| p.variation_st),
            Some(None)
        );
        assert!(check(&a).is_empty());
        // No audio: nothing to judge.
        assert!(check(&test_analysis(TEXT, None)).is_empty());
    }

    #[test]
    fn the_speakers_own_range_counts_once_known() {
        // 2 semitones: lively enough in general, flat for someone who usually varies 3.5.
        let mut a = test_analysis(TEXT, Some(voice(|t| semis(150.0, 2.8 * (t * 2.3).sin()))));
        let v = a
            .delivery
            .pitch
            .as_ref()
            .and_then(|p| p.variation_st)
            .expect("judged");
        assert!(v > 1.5 && v < 2.45, "{v}");
        assert!(check(&a).is_empty());
        a.delivery.pitch.as_mut().expect("pitch").baseline = Some(PitchBaseline {
            attempts: 6,
            variation_st: 3.5,
        });
        let s = check(&a);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].severity, super::Severity::Info);
        assert!(
            s[0].message
                .contains("your usual is 3.5 over your last 6 attempts")
        );
    }
}
