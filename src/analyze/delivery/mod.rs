//! Delivery: how the answer sounded. The pitch and level tracks measured from the recording
//! ([`crate::audio::Voice`]) meet the words, sentences and sections here; repetition is counted
//! from the words alone, so it is there for transcripts too.
//!
//! [`measure`] fills [`Delivery`]; the signals (`monotone`, `trailing-off`, `quiet`,
//! `clipping`, `repetitive`) are small detectors, one file each, that read only the finished
//! [`Analysis`] (the thresholds they use travel in `delivery.thresholds`).

mod clipping;
mod evidence;
mod measure;
mod monotone;
mod quiet;
mod repetition;
mod repetitive;
#[cfg(test)]
mod test_support;
mod trailing_off;

use super::delivery_data::DeliverySettings;
use super::types::{Analysis, Delivery, PitchBaseline, Signal};
use crate::audio::Voice;

pub use measure::{WORD_LEVEL_SHARE, variation_st};

/// A delivery signal: its id and the function that decides.
pub struct Detector {
    pub id: &'static str,
    pub check: fn(&Analysis) -> Vec<Signal>,
}

/// Every delivery detector, in the order their signals appear in the report.
pub const DETECTORS: &[Detector] = &[
    Detector {
        id: "monotone",
        check: monotone::check,
    },
    Detector {
        id: "trailing-off",
        check: trailing_off::check,
    },
    Detector {
        id: "quiet",
        check: quiet::check,
    },
    Detector {
        id: "clipping",
        check: clipping::check,
    },
    Detector {
        id: "repetitive",
        check: repetitive::check,
    },
];

/// The delivery signals of a finished analysis.
pub fn signals(a: &Analysis) -> Vec<Signal> {
    DETECTORS.iter().flat_map(|d| (d.check)(a)).collect()
}

/// Why pitch and loudness could not be measured, for the report.
pub fn not_measured_reason(a: &Analysis) -> String {
    match &a.source.audio {
        None => format!(
            "no recording: a {} input has words but no audio to measure pitch and loudness in",
            a.source.kind.as_str()
        ),
        Some(p) => format!("the audio {p} could not be read"),
    }
}

/// Measures the delivery of `a` (words, sentences and sections already filled in) from
/// `voice`, when there is one. Returns it with each word's level (dBFS), in word order.
pub fn measure(
    a: &Analysis,
    voice: Option<&Voice>,
    baseline: Option<PitchBaseline>,
    settings: &DeliverySettings,
) -> (Delivery, Vec<Option<f64>>) {
    let repetition = repetition::count(a, settings);
    let thresholds = settings.thresholds();
    let Some(voice) = voice else {
        return (
            Delivery {
                measured: false,
                not_measured: Some(not_measured_reason(a)),
                repetition,
                thresholds,
                ..Delivery::default()
            },
            vec![None; a.words.len()],
        );
    };
    let m = measure::voice(a, voice, baseline, settings);
    (
        Delivery {
            measured: true,
            not_measured: None,
            pitch: m.pitch,
            loudness: m.loudness,
            clipping: Some(voice.clipping.clone()),
            repetition,
            sentences: m.sentences,
            sections: m.sections,
            contour: m.contour,
            thresholds,
        },
        m.word_levels,
    )
}
