//! `clipping`: the recording hit full scale.
//!
//! **What it flags.** Samples at full scale (0.999 of it or more), counted the way `rehearse
//! record` counts them while recording, so the report and the recorder agree. A few clipped
//! samples (under 100) are `info`; more are `warn`.
//!
//! **Why an interviewer cares.** Clipped speech crackles and distorts on the loudest words, and
//! a recording made at that gain will clip in the interview too.
//!
//! **Fires on.** A recording made with the input gain too high or too close to the microphone.
//!
//! **Stays quiet on.** A recording whose peaks stay below full scale; input without audio.
//!
//! **Source.** The recorder's own check (`CLIP_LEVEL` in `src/capture/writer.rs`).

use super::super::signals::clock;
use super::super::types::{Analysis, Severity, Signal};

/// Below this many clipped samples the distortion is a click or two.
const FEW: u64 = 100;

pub fn check(a: &Analysis) -> Vec<Signal> {
    let Some(c) = &a.delivery.clipping else {
        return Vec::new();
    };
    if c.samples == 0 {
        return Vec::new();
    }
    let times: Vec<String> = c.runs.iter().take(5).map(|r| clock(r.0)).collect();
    let more = if c.runs.len() > 5 {
        format!(" and {} more", c.runs.len() - 5)
    } else {
        String::new()
    };
    vec![Signal {
        id: "clipping".into(),
        severity: if c.samples < FEW {
            Severity::Info
        } else {
            Severity::Warn
        },
        message: format!(
            "{} samples clipped: lower the input gain or move back from the microphone",
            c.samples
        ),
        evidence: format!("clipping at {}{more}", times.join(", ")),
        at_s: c.runs.first().map(|r| r.0),
    }]
}

#[cfg(test)]
mod tests {
    use super::super::test_support::test_analysis;
    use super::{Severity, check};
    use crate::audio::Voice;
    use crate::audio::clipping::Clipping;

    fn clipped(samples: u64, runs: Vec<(f64, f64)>) -> Voice {
        Voice {
            clipping: Clipping { samples, runs },
            ..Voice::default()
        }
    }

    const TEXT: &str = "I led the billing migration. The cutover slipped by two weeks.";

    #[test]
    fn fires_as_the_recorder_reports() {
        let s = check(&test_analysis(
            TEXT,
            Some(clipped(340, vec![(1.2, 1.3), (62.0, 62.4)])),
        ));
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].message,
            "340 samples clipped: lower the input gain or move back from the microphone"
        );
        assert_eq!(s[0].evidence, "clipping at 0:01, 1:02");
        assert_eq!(s[0].severity, Severity::Warn);
        let s = check(&test_analysis(TEXT, Some(clipped(3, vec![(1.2, 1.3)]))));
        assert_eq!(s[0].severity, Severity::Info);
    }

    #[test]
    fn stays_quiet_without_clipping() {
        assert!(check(&test_analysis(TEXT, Some(clipped(0, vec![])))).is_empty());
        assert!(check(&test_analysis(TEXT, None)).is_empty());
    }
}
