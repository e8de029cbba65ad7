//! Reports: an [`Analysis`] rendered for a terminal, as JSON, as Markdown for notes, or as one
//! self-contained HTML page with a timeline, a pace chart and a clickable transcript.
//!
//! Every format shows the same content, one file per format; `shared.rs` holds what they share
//! (layout options, time formatting, the target plan the timelines are drawn against, section
//! colours), and [`render`] picks the format.

mod delivery;
pub mod html;
pub mod markdown;
mod shared;
pub mod text;

use std::path::Path;

use crate::analyze::Analysis;
#[cfg(test)]
use crate::analyze::{Status, Timing};

pub use shared::RenderOptions;

/// Output format of a report.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// For the terminal (the default).
    Text,
    /// The whole analysis (`docs/report-schema.md`).
    Json,
    /// Headings and tables to paste into notes.
    Markdown,
    /// One self-contained page: timeline, pace chart, transcript linked to the audio.
    Html,
}

impl ReportFormat {
    /// The format a file name asks for: `.txt`, `.json`, `.md`/`.markdown`, `.html`/`.htm`.
    pub fn from_extension(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" => Some(Self::Text),
            "json" => Some(Self::Json),
            "md" | "markdown" => Some(Self::Markdown),
            "html" | "htm" => Some(Self::Html),
            _ => None,
        }
    }
}

/// Renders `a` in `format`.
pub fn render(a: &Analysis, format: ReportFormat, opts: &RenderOptions) -> String {
    match format {
        ReportFormat::Text => text::render(a, opts),
        ReportFormat::Json => {
            // Serializing plain data with string keys cannot fail; an empty object would only
            // hide a bug, so say what happened instead.
            let mut s = serde_json::to_string_pretty(a)
                .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize report: {e}\"}}"));
            s.push('\n');
            s
        }
        ReportFormat::Markdown => markdown::render(a),
        ReportFormat::Html => html::render(a, opts),
    }
}

#[cfg(test)]
pub(crate) fn sample_words(paragraphs: &[&str]) -> Vec<crate::transcribe::Word> {
    // A steady 0.36 s per word (about 165 wpm), 0.6 s between paragraphs, and a 3 s silence
    // wherever a paragraph holds "||", so the sample has both short gaps and real pauses.
    let mut words = Vec::new();
    let mut t = 0.5;
    for para in paragraphs {
        for tok in para.split_whitespace() {
            if tok == "||" {
                t += 3.0;
                continue;
            }
            words.push(crate::transcribe::Word {
                text: tok.to_string(),
                start_s: t,
                end_s: t + 0.3,
                p: 0.9,
            });
            t += 0.36;
        }
        t += 0.6;
    }
    words
}

/// A voice for [`sample_words`]: a flat pitch (about 0.4 semitones of movement, so `monotone`
/// fires), speech at -22 dBFS with the last two words of every sentence at -34 (so it trails
/// off), and one clipped stretch at 10 s.
#[cfg(test)]
pub(crate) fn sample_voice(
    words: &[crate::transcribe::Word],
    duration_s: f64,
) -> crate::audio::Voice {
    use crate::audio::clipping::Clipping;
    use crate::audio::loudness::LevelTrack;
    use crate::audio::pitch::PitchTrack;
    let n = (duration_s / 0.01).ceil() as usize;
    let mut f0 = vec![0.0f32; n];
    let mut power = vec![1e-7f32; n];
    for (i, w) in words.iter().enumerate() {
        let ends = |k: usize| words.get(k).is_some_and(|w| w.text.ends_with('.'));
        let db = if ends(i) || ends(i + 1) {
            -34.0f32
        } else {
            -22.0
        };
        let frames = (w.start_s / 0.01) as usize..((w.end_s / 0.01) as usize).min(n);
        for k in frames {
            let t = k as f64 * 0.01;
            f0[k] = (110.0 * 2f64.powf(0.5 * (t * 2.0).sin() / 12.0)) as f32;
            power[k] = 10f32.powf(db / 10.0);
        }
    }
    crate::audio::Voice {
        pitch: PitchTrack {
            t0_s: 0.0,
            step_s: 0.01,
            f0_hz: f0,
        },
        level: LevelTrack {
            step_s: 0.01,
            power,
        },
        clipping: Clipping {
            samples: 240,
            runs: vec![(10.0, 10.2)],
        },
    }
}

/// A failure answer with a long situation, a long pause, fillers and a blame line: enough to
/// raise signals, statuses of every kind and a scorecard.
#[cfg(test)]
pub(crate) fn sample_analysis() -> Analysis {
    sample_analysis_with(true)
}

/// [`sample_analysis`] with or without its recording (without: a transcript alone, so the
/// delivery is not measured).
#[cfg(test)]
pub(crate) fn sample_analysis_with(audio: bool) -> Analysis {
    use crate::analyze::frameworks::Catalog;
    use crate::analyze::{AnalysisInput, FrameworkChoice, InputKind, QuestionRef, analyze};
    let paragraphs = [
        "Sure. I was a mobile engineer at a small fitness app company, with about two hundred thousand weekly users on Android. The company was growing fast and our team was, um, five people. At the time we were building a new workout screen, and the company had a marketing push planned for January with a lot of new users expected. Our team was small and the project was, like, the biggest thing on the roadmap that quarter.",
        "My job was to ship the redesigned workout screen before the marketing push.",
        "To hit that deadline, um, I skipped our staged rollout. I only tested on the three newest phones on my desk and || pushed the update to everyone on a Friday afternoon. Honestly it wasn't really my fault, the vendor never flagged it.",
        "By Saturday morning, the app was crashing on launch for about eighteen percent of users. We got, you know, over six hundred support tickets in one weekend. I rolled back and had a fix out by Monday.",
        "I learned a lot. What I learned is that confidence isn't a test plan. Now the staged rollout is non-negotiable for me. I set up a pool of eight older test phones and a release checklist.",
    ];
    let words = sample_words(&paragraphs);
    let duration_s = words.last().map_or(0.0, |w| w.end_s) + 1.0;
    let voice = audio.then(|| sample_voice(&words, duration_s));
    let kind = if audio {
        InputKind::Wav
    } else {
        InputKind::Srt
    };
    let input = AnalysisInput {
        audio_path: audio.then(|| "answers/take 1.wav".into()),
        voice,
        ..AnalysisInput::words("answers/take 1.wav", kind, words, duration_s)
    };
    let catalog = Catalog::embedded().expect("embedded catalog parses");
    analyze(
        input,
        &catalog,
        &FrameworkChoice::Id("star-l".into()),
        Some(QuestionRef {
            id: Some("failure".into()),
            text: "Tell me about a time you failed.".into(),
        }),
    )
    .expect("sample analyzes")
}

#[cfg(test)]
mod tests {
    use super::shared::*;
    use super::*;

    #[test]
    fn format_from_extension() {
        let cases = [
            ("r.txt", Some(ReportFormat::Text)),
            ("r.JSON", Some(ReportFormat::Json)),
            ("r.md", Some(ReportFormat::Markdown)),
            ("r.markdown", Some(ReportFormat::Markdown)),
            ("dir/r.html", Some(ReportFormat::Html)),
            ("r.htm", Some(ReportFormat::Html)),
            ("r.wav", None),
            ("r", None),
        ];
        for (p, want) in cases {
            assert_eq!(ReportFormat::from_extension(Path::new(p)), want, "{p}");
        }
    }

    #[test]
    fn json_is_the_analysis() {
        let a = sample_analysis();
        let s = render(&a, ReportFormat::Json, &RenderOptions::default());
        assert!(s.ends_with("}\n"));
        let back: Analysis = serde_json::from_str(&s).expect("report JSON parses back");
        // serde_json (without `float_roundtrip`) may move a float by its last bit on the way
        // back, so compare what does not depend on that.
        assert_eq!(back.words.len(), a.words.len());
        assert_eq!(back.signals, a.signals);
        assert_eq!(back.next_steps, a.next_steps);
        let v: serde_json::Value = serde_json::from_str(&s).expect("JSON");
        // The fields ../shared/eval/score.py reads.
        for key in [
            "duration_s",
            "framework",
            "sections",
            "words",
            "pauses",
            "fillers",
            "signals",
        ] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert!(v["sections"][0]["start_s"].is_f64() && v["fillers"][0]["text"].is_string());
    }

    #[test]
    fn sample_has_what_the_reports_show() {
        let a = sample_analysis();
        assert!(
            a.pauses.iter().any(|p| p.duration_s >= 2.0),
            "{:?}",
            a.pauses
        );
        assert!(a.filler_stats.count >= 2);
        assert!(!a.signals.is_empty());
        assert!(!a.scorecard.is_empty());
        assert_eq!(a.next_steps.len(), 3);
        assert!(a.section_timing.iter().any(|s| s.status == Status::Long));
    }

    #[test]
    fn plan_follows_targets_from_first_word() {
        let a = sample_analysis();
        let plan = target_plan(&a);
        assert_eq!(plan.len(), a.section_timing.len());
        assert_eq!(plan[0].start_s, answer_start(&a));
        for w in plan.windows(2) {
            assert_eq!(w[0].end_s, w[1].start_s);
        }
        let (t0, t1) = timeline_range(&a);
        assert!(t0 < t1 && t1 >= answer_end(&a));
    }

    #[test]
    fn tick_positions() {
        assert_eq!(tick_step(130.0, 10), 15.0);
        assert_eq!(tick_step(40.0, 10), 5.0);
        assert_eq!(tick_step(100_000.0, 10), 1800.0);
        assert_eq!(
            ticks(0.5, 40.0, 10),
            vec![5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0]
        );
        assert!(ticks(0.0, f64::INFINITY, 10).is_empty());
        assert!(ticks(0.0, f64::NAN, 10).is_empty());
    }

    #[test]
    fn estimated_times_are_marked() {
        let mut a = sample_analysis();
        assert_eq!(at(&a, 65.0), "1:05");
        a.source.timing = Timing::Estimated { wpm: 150.0 };
        assert_eq!(at(&a, 65.0), "~1:05");
        assert_eq!(secs(&a, 1.24), "~1.2 s");
        assert!(overall_line(&a).starts_with("Answer ~"));
    }

    #[test]
    fn a_span_placed_by_position_says_so_instead_of_a_probability() {
        let mut a = sample_analysis();
        let s = &mut a.sections[0];
        s.uncertain = true;
        s.confidence = Some(0.48);
        assert_eq!(how_sure(s), " (0.48)");
        s.confidence = Some(0.96);
        s.evidence = crate::analyze::BY_POSITION.to_string();
        assert_eq!(how_sure(s), " (by position only)");
        let note = uncertain_note(&a).expect("a note");
        assert!(note.contains("(by position only)"), "{note}");
        assert!(!note.contains("0.96"), "{note}");
    }
}
