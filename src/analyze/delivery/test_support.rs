//! Shared by the delivery detectors' tests.

use crate::analyze::types::Analysis;
use crate::audio::Voice;

/// Shared by the detectors' tests: an analysis of `text` (sentences end at full stops), 0.4 s
/// per word, with the delivery measured from `voice` when given.
pub(crate) fn test_analysis(text: &str, voice: Option<Voice>) -> Analysis {
    use crate::analyze::frameworks::Catalog;
    use crate::analyze::{AnalysisInput, FrameworkChoice, InputKind, analyze};
    let words: Vec<crate::transcribe::Word> = text
        .split_whitespace()
        .enumerate()
        .map(|(i, t)| crate::transcribe::Word {
            text: t.to_string(),
            start_s: 0.5 + i as f64 * 0.4,
            end_s: 0.5 + i as f64 * 0.4 + 0.35,
            p: 0.9,
        })
        .collect();
    let duration_s = words.last().map_or(1.0, |w| w.end_s + 0.5);
    let catalog = Catalog::embedded().expect("embedded data");
    analyze(
        AnalysisInput {
            audio_path: Some("t.wav".into()),
            voice,
            ..AnalysisInput::words("t.wav", InputKind::Wav, words, duration_s)
        },
        &catalog,
        &FrameworkChoice::Id("star-l".into()),
        None,
    )
    .expect("analysis")
}
