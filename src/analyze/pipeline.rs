//! The pipeline: runs the stages in order over an [`AnalysisInput`] and assembles their
//! results into one [`Analysis`]. It sits above every stage; no stage imports from it.

use super::frameworks::{Catalog, Framework};
use super::types::*;
use super::{delivery, fillers, pacing, pauses, sections, sentences, signals, strengths};

/// What to analyze against.
#[derive(Debug, Clone)]
pub enum FrameworkChoice {
    Id(String),
    Auto,
}

/// Errors the analysis reports to the user.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("{path}: no words to analyze (the transcript is empty)")]
    NoWords { path: String },
    #[error("unknown framework '{id}'; known: {known} (see `rehearse frameworks`)")]
    UnknownFramework { id: String, known: String },
    #[error("{path}: {what}")]
    BadTimes { path: String, what: String },
}

/// Runs the whole analysis.
pub fn analyze(
    input: AnalysisInput,
    catalog: &Catalog,
    choice: &FrameworkChoice,
    question: Option<QuestionRef>,
) -> Result<Analysis, AnalyzeError> {
    if input.words.is_empty() {
        return Err(AnalyzeError::NoWords { path: input.path });
    }
    // Every way words come in meets this check, so no stage below sizes its work by a time
    // beyond any real recording.
    if let Err(what) = crate::transcribe::check::check_words(&input.words, input.duration_s) {
        return Err(AnalyzeError::BadTimes {
            path: input.path,
            what,
        });
    }
    let unknown = |id: &str| AnalyzeError::UnknownFramework {
        id: id.to_string(),
        known: catalog
            .frameworks
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let sents = sentences::split(&input.words);
    let (framework, fit): (&Framework, Vec<FrameworkFit>) = match choice {
        FrameworkChoice::Id(id) => (catalog.framework(id).ok_or_else(|| unknown(id))?, vec![]),
        FrameworkChoice::Auto => {
            let fit = sections::rank_frameworks(&input.words, &sents, catalog);
            let best = fit
                .first()
                .and_then(|f| catalog.framework(&f.id))
                .ok_or_else(|| unknown("auto"))?;
            (best, fit)
        }
    };
    let mut labels = sections::label(&input.words, &sents, framework, &catalog.sections);
    super::endings::give_back(
        &input.words,
        &sents,
        &mut labels,
        framework,
        &catalog.lexicon,
    );
    Ok(assemble(
        input, catalog, framework, fit, sents, labels, question,
    ))
}

fn assemble(
    input: AnalysisInput,
    catalog: &Catalog,
    framework: &Framework,
    framework_fit: Vec<FrameworkFit>,
    sents: Vec<sentences::Span>,
    labels: Vec<sections::Label>,
    question: Option<QuestionRef>,
) -> Analysis {
    let words = &input.words;
    let mut sentence_of = vec![0usize; words.len()];
    let sentences: Vec<Sentence> = sents
        .iter()
        .zip(&labels)
        .enumerate()
        .map(|(i, (s, l))| {
            for w in &mut sentence_of[s.first..s.first + s.len] {
                *w = i;
            }
            Sentence {
                start_s: words[s.first].start_s,
                end_s: words[s.first + s.len - 1].end_s,
                first_word: s.first,
                n_words: s.len,
                text: sentences::text_of(&words[s.first..s.first + s.len]),
                section: framework.sections[l.section].id.clone(),
                evidence: l.evidence.clone(),
                confidence: l.confidence.map(|c| (c * 1000.0).round() / 1000.0),
                uncertain: l
                    .confidence
                    .is_some_and(|c| c < catalog.sections.decoder.uncertain_below),
            }
        })
        .collect();
    let spans = sections::spans(
        &sentences,
        framework,
        catalog.sections.decoder.uncertain_below,
    );

    let pauses = pauses::find(words, &sentences, input.speech.as_deref());
    let first = words.first().map_or(0.0, |w| w.start_s);
    let last = words.last().map_or(0.0, |w| w.end_s);
    let answer_s = (last - first).max(0.0);
    let pause_s: f64 = pauses.iter().map(|p| p.duration_s).sum();
    let overall = Overall {
        answer_s,
        target: framework.overall,
        status: Status::of(answer_s, &framework.overall),
        words: words.len(),
        speaking_s: (answer_s - pause_s).max(0.0),
        pause_s,
    };

    let filler_hits = fillers::find(words, &catalog.lexicon);
    let mut fillers: Vec<Filler> = filler_hits
        .iter()
        .map(|h| Filler {
            text: h.text.clone(),
            kind: h.kind,
            start_s: words[h.first].start_s,
            end_s: words[h.first + h.len - 1].end_s,
            word: h.first,
            section: None,
        })
        .collect();
    let mut is_filler = vec![false; words.len()];
    for h in &filler_hits {
        for f in &mut is_filler[h.first..h.first + h.len] {
            *f = true;
        }
    }
    for f in &mut fillers {
        f.section = Some(sentences[sentence_of[f.word]].section.clone());
    }

    let section_timing = sections::timing(&spans, &sentences, &fillers, framework, answer_s);
    let pace = pacing::pace(words, &overall, &catalog.settings);
    let minutes = (answer_s / 60.0).max(1.0 / 60.0);
    let mut by_text: Vec<(String, usize)> = Vec::new();
    for f in &fillers {
        match by_text.iter_mut().find(|(t, _)| *t == f.text) {
            Some((_, n)) => *n += 1,
            None => by_text.push((f.text.clone(), 1)),
        }
    }
    by_text.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let filler_stats = FillerStats {
        count: fillers.len(),
        per_minute: fillers.len() as f64 / minutes,
        by_text,
    };

    let report_words: Vec<ReportWord> = words
        .iter()
        .enumerate()
        .map(|(i, w)| ReportWord {
            text: w.text.clone(),
            start_s: w.start_s,
            end_s: w.end_s,
            p: w.p,
            sentence: sentence_of[i],
            filler: is_filler[i],
            level_dbfs: None,
        })
        .collect();

    let mut analysis = Analysis {
        schema: REPORT_SCHEMA,
        source: Source {
            path: input.path.clone(),
            kind: input.kind,
            audio: input.audio_path.clone(),
            timing: input.timing,
        },
        question,
        framework: framework.id.clone(),
        framework_name: framework.name.clone(),
        framework_fit,
        duration_s: input.duration_s,
        overall,
        sections: spans,
        section_timing,
        sentences,
        words: report_words,
        pace,
        pauses,
        fillers,
        filler_stats,
        signals: Vec::new(),
        scorecard: Vec::new(),
        next_steps: Vec::new(),
        strengths: Vec::new(),
        delivery: Delivery::default(),
        notes: input.notes.clone(),
    };
    if let Timing::Estimated { wpm } = input.timing {
        analysis.notes.push(format!(
            "times are estimated from a speaking rate of {wpm:.0} words per minute (the input has no timing); every time and duration is an estimate"
        ));
    }
    let (delivery, levels) = delivery::measure(
        &analysis,
        input.voice.as_ref(),
        input.pitch_baseline.clone(),
        &catalog.delivery,
    );
    for (w, level) in analysis.words.iter_mut().zip(levels) {
        w.level_dbfs = level;
    }
    analysis.delivery = delivery;
    let (mut signals, scorecard) = signals::evaluate(
        &analysis,
        framework,
        &catalog.lexicon,
        &catalog.settings,
        Some(&catalog.sections),
    );
    signals.extend(delivery::signals(&analysis));
    analysis.signals = signals;
    analysis.scorecard = scorecard;
    analysis.next_steps = signals::next_steps(&analysis, framework);
    analysis.strengths = strengths::find(&analysis, &catalog.settings);
    analysis
}
