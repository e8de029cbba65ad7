//! `rehearse record`'s live transcription: starting the worker, turning its words into the live
//! display's "heard" and "now" lines, and its output into the transcript the offline path would
//! have made.

use std::sync::{Arc, Mutex};

use anyhow::Result;

use rehearse::analyze::frameworks::Catalog;
use rehearse::analyze::{self, AnalysisInput, FrameworkChoice, InputKind, QuestionRef, Timing};
use rehearse::audio::PreparedAudio;
use rehearse::capture::display::{Heard, SectionNow};
use rehearse::transcribe::live::{Live, LiveConfig, LiveOutput, OnWords};
use rehearse::transcribe::{self, AudioInfo, ModelInfo, TranscribeOptions, Transcript, Word};

use crate::cli::engine::{LoadedModel, default_threads};

/// How much of the last words the display shows, in characters.
const HEARD_CHARS: usize = 60;

/// Whisper threads while recording, for the stretches and for the display's previews each: one
/// fewer than asked for (all cores by default), so that capture never waits for a core; at
/// least one.
pub fn live_threads(threads: usize) -> usize {
    threads.min(default_threads().saturating_sub(1)).max(1)
}

/// Starts the worker for a device delivering `rate` Hz, `channels` channels.
pub fn start(
    model: &LoadedModel,
    options: TranscribeOptions,
    (rate, channels): (u32, u16),
    analysis: LiveAnalysis,
    heard: Arc<Mutex<Heard>>,
) -> Result<Live> {
    let live_threads = live_threads(options.threads);
    let on_words: OnWords = Box::new(move |words, upto_s| {
        let update = analysis.heard(words, upto_s);
        if let Ok(mut h) = heard.lock() {
            *h = update;
        }
    });
    Ok(Live::start(
        model.engine.clone(),
        LiveConfig {
            rate,
            channels,
            options,
            live_threads,
        },
        on_words,
    )?)
}

/// What the live display's analysis needs: the same catalog and framework choice as the
/// report after the stop.
pub struct LiveAnalysis {
    pub catalog: Catalog,
    pub choice: FrameworkChoice,
    pub question: Option<QuestionRef>,
}

impl LiveAnalysis {
    /// The display's view of the words so far: the last of them, and the section the analysis
    /// puts the latest sentence in, with when the speaker entered it and its target.
    fn heard(&self, words: &[Word], upto_s: f64) -> Heard {
        let mut shown = String::new();
        for w in words.iter().rev() {
            if shown.chars().count() + w.text.chars().count() + 1 > HEARD_CHARS {
                break;
            }
            shown = if shown.is_empty() {
                w.text.clone()
            } else {
                format!("{} {shown}", w.text)
            };
        }
        let input = AnalysisInput {
            path: "(live)".to_string(),
            kind: InputKind::Wav,
            audio_path: None,
            timing: Timing::Words,
            duration_s: upto_s,
            words: words.to_vec(),
            speech: None,
            voice: None,
            pitch_baseline: None,
            notes: Vec::new(),
        };
        let section = analyze::analyze(input, &self.catalog, &self.choice, self.question.clone())
            .ok()
            .and_then(|a| {
                let span = a.sections.last()?;
                let timing = a.section_timing.iter().find(|t| t.id == span.id)?;
                let framework = self.catalog.framework(&a.framework)?;
                let at = framework.sections.iter().position(|s| s.id == span.id)?;
                let next = framework.sections.get(at + 1).map(|s| gist(&s.about));
                Some(SectionNow {
                    name: timing.name.clone(),
                    since_s: span.start_s,
                    min_s: timing.target.min_s,
                    max_s: timing.target.max_s,
                    next,
                })
            });
        Heard {
            words: shown,
            section,
            upto_s,
        }
    }
}

/// "What you did, step by step, ..." -> "what you did": the head of a section's description,
/// for "move on to ...".
fn gist(about: &str) -> String {
    let head = about
        .split([',', ':', '.', ';'])
        .next()
        .unwrap_or(about)
        .trim();
    let mut c = head.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The transcript of a live recording: the same assembly as the offline path, over the
/// samples and segments the worker already has.
pub fn transcript(
    out: LiveOutput,
    wav: &std::path::Path,
    (rate, channels): (u32, u16),
    model: &LoadedModel,
    options: &TranscribeOptions,
) -> (Transcript, PreparedAudio) {
    let prepared = PreparedAudio {
        samples: out.samples,
        source_rate: rate,
        source_channels: channels,
        source_bits: 16,
        source_format: "int",
        source_container: "WAV",
        notes: Vec::new(),
        // Counted by the recorder; `record` fills it in from its own count.
        clipping: Default::default(),
    };
    let info = AudioInfo {
        path: wav.display().to_string(),
        duration_s: prepared.duration_s(),
        sample_rate: rate,
        channels,
        bits_per_sample: 16,
        sample_format: "int".to_string(),
    };
    let model_info = ModelInfo {
        path: model.path.display().to_string(),
        name: model.summary.name.clone(),
    };
    let settings = transcribe::settings(&model.engine, options);
    let t = transcribe::assemble(&out.raw, &prepared, info, model_info, settings);
    (t, prepared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gists_read_as_the_rest_of_a_sentence() {
        assert_eq!(
            gist("What you did, step by step, including the decision."),
            "what you did"
        );
        assert_eq!(
            gist("What you were responsible for: the goal."),
            "what you were responsible for"
        );
        assert_eq!(gist(""), "");
    }
}
