//! `quiet`: speech recorded too low.
//!
//! **What it flags.** Speech (the words, silences left out) below `delivery.quiet_below_dbfs`
//! (-40 dBFS).
//!
//! **Why an interviewer cares.** On a call or a recorded screen a quiet voice loses its quiet
//! syllables to the line's noise, and sounds hesitant.
//!
//! **Fires on.** A voice far from the microphone or an input gain turned low.
//!
//! **Stays quiet on.** Speech recorded at an ordinary gain (-30 to -18 dBFS).
//!
//! **Source.** Broadcast and telephony practice: speech is recorded near -26 to -20 dB below
//! full scale (ITU-T P.56 active speech level; EBU R 128 programme loudness -23 LUFS); 15 dB
//! below that is near the noise floor of a laptop microphone.

use super::super::types::{Analysis, Severity, Signal};
use super::evidence::quote;

pub fn check(a: &Analysis) -> Vec<Signal> {
    let d = &a.delivery;
    let Some(l) = &d.loudness else {
        return Vec::new();
    };
    if l.speech_dbfs >= d.thresholds.quiet_below_dbfs {
        return Vec::new();
    }
    let quietest = d
        .sentences
        .iter()
        .filter_map(|s| Some((s.sentence, s.level_dbfs?)))
        .min_by(|x, y| x.1.total_cmp(&y.1));
    vec![Signal {
        id: "quiet".into(),
        severity: Severity::Warn,
        message: format!(
            "Your speech is quiet: {:.0} dBFS where {:.0} or more carries; move closer to the microphone or raise its input gain",
            l.speech_dbfs, d.thresholds.quiet_below_dbfs
        ),
        evidence: match quietest {
            Some((k, db)) => {
                let s = &a.sentences[k];
                format!(
                    "speech at {:.0} dBFS; quietest sentence {} ({db:.0} dBFS)",
                    l.speech_dbfs,
                    quote(a, s.first_word, s.first_word + s.n_words, 6)
                )
            }
            None => format!("speech at {:.0} dBFS", l.speech_dbfs),
        },
        at_s: quietest.map(|(k, _)| a.sentences[k].start_s),
    }]
}

#[cfg(test)]
mod tests {
    use super::super::test_support::test_analysis;
    use super::check;
    use crate::audio::Voice;
    use crate::audio::loudness::LevelTrack;

    fn at(db: f32) -> Voice {
        Voice {
            level: LevelTrack {
                step_s: 0.01,
                power: vec![10f32.powf(db / 10.0); 2000],
            },
            ..Voice::default()
        }
    }

    const TEXT: &str = "I led the billing migration. The cutover slipped by two weeks.";

    #[test]
    fn fires_on_low_speech() {
        let s = check(&test_analysis(TEXT, Some(at(-46.0))));
        assert_eq!(s.len(), 1);
        assert!(
            s[0].message.starts_with("Your speech is quiet: -46 dBFS"),
            "{}",
            s[0].message
        );
        assert!(s[0].evidence.contains("quietest sentence"));
    }

    #[test]
    fn stays_quiet_at_an_ordinary_level() {
        assert!(check(&test_analysis(TEXT, Some(at(-24.0)))).is_empty());
        assert!(check(&test_analysis(TEXT, Some(at(-39.0)))).is_empty());
        assert!(check(&test_analysis(TEXT, None)).is_empty());
    }
}
