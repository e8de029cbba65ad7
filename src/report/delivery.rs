//! What every report format says about delivery (pitch, loudness, clipping, repetition), in
//! the same words: the formats lay these lines out, they do not phrase them.

use crate::analyze::signals::clock;
use crate::analyze::{Analysis, Delivery};

/// One measure's line: its label and what it says.
pub(crate) struct Line {
    pub label: &'static str,
    pub text: String,
    /// True when a delivery signal was raised about it.
    pub flagged: bool,
}

fn raised(a: &Analysis, id: &str) -> bool {
    a.signals.iter().any(|s| s.id == id)
}

/// Why pitch and loudness are missing, when they are.
pub(crate) fn not_measured(d: &Delivery) -> Option<String> {
    if d.measured {
        return None;
    }
    Some(match &d.not_measured {
        Some(why) => format!("Pitch and loudness not measured: {why}."),
        None => "Pitch and loudness not measured (this report predates the delivery measures; `rehearse reanalyze` adds them).".to_string(),
    })
}

/// The lines of the delivery section, in order: pitch, loudness, clipping, repetition.
pub(crate) fn lines(a: &Analysis) -> Vec<Line> {
    let d = &a.delivery;
    let t = &d.thresholds;
    let mut out = Vec::new();
    if let Some(p) = &d.pitch {
        let text = match p.variation_st {
            Some(v) => {
                let verdict = if v < t.monotone_below_st {
                    format!("flat (monotone below {:.1})", t.monotone_below_st)
                } else {
                    "varied".to_string()
                };
                let usual = p.baseline.as_ref().map_or(String::new(), |b| {
                    format!(
                        "; your usual {:.1} over {} attempts",
                        b.variation_st, b.attempts
                    )
                });
                format!(
                    "varies {v:.1} semitones around {:.0} Hz over {:.0} s of voiced speech: {verdict}{usual}",
                    p.median_hz, p.voiced_s
                )
            }
            None => format!(
                "around {:.0} Hz; {:.0} s of voiced speech is too little to judge its variation (needs {:.0} s)",
                p.median_hz, p.voiced_s, t.min_voiced_s
            ),
        };
        out.push(Line {
            label: "Pitch",
            text,
            flagged: raised(a, "monotone"),
        });
    } else if d.measured {
        out.push(Line {
            label: "Pitch",
            text: "no voiced speech found in the words".to_string(),
            flagged: false,
        });
    }
    if let Some(l) = &d.loudness {
        let mut text = format!("speech at {:.0} dBFS", l.speech_dbfs);
        if l.speech_dbfs < t.quiet_below_dbfs {
            text.push_str(&format!(" (quiet: below {:.0})", t.quiet_below_dbfs));
        }
        if let (Some(lo), Some(hi)) = (l.sentence_min_dbfs, l.sentence_max_dbfs) {
            text.push_str(&format!(", sentences {lo:.0} to {hi:.0}"));
        }
        text.push_str(&format!(
            "; {} of {} sentences trail off (end {:.0} dB or more below the rest)",
            l.trailing_sentences, l.judged_sentences, t.trailing_drop_db
        ));
        out.push(Line {
            label: "Loudness",
            text,
            flagged: raised(a, "trailing-off") || raised(a, "quiet"),
        });
    }
    if let Some(c) = &d.clipping {
        let text = if c.samples == 0 {
            "none".to_string()
        } else {
            let at: Vec<String> = c.runs.iter().take(5).map(|r| clock(r.0)).collect();
            format!("{} samples clipped, at {}", c.samples, at.join(", "))
        };
        out.push(Line {
            label: "Clipping",
            text,
            flagged: c.samples > 0,
        });
    }
    out.push(Line {
        label: "Repetition",
        text: repetition_text(a),
        flagged: raised(a, "repetitive"),
    });
    out
}

/// Openings, crutch words and the most used words, with their counts.
pub(crate) fn repetition_text(a: &Analysis) -> String {
    let r = &a.delivery.repetition;
    let mut parts = Vec::new();
    if let Some(o) = r.openings.first() {
        parts.push(format!(
            "\"{}\" starts {} of {} sentences",
            o.text,
            o.sentences.len(),
            r.sentences
        ));
    }
    if !r.crutch_words.is_empty() {
        let c: Vec<String> = r
            .crutch_words
            .iter()
            .take(4)
            .map(|w| format!("\"{}\" x{}", w.text, w.count))
            .collect();
        parts.push(format!("crutch words {}", c.join(", ")));
    }
    if !r.top_words.is_empty() {
        let c: Vec<String> = r
            .top_words
            .iter()
            .take(5)
            .map(|w| format!("{} x{}", w.text, w.count))
            .collect();
        parts.push(format!("most used {}", c.join(", ")));
    }
    if parts.is_empty() {
        "nothing repeats often".to_string()
    } else {
        parts.join("; ")
    }
}

/// Per framework section: name, median F0, variation and level, for the tables.
pub(crate) fn section_rows(a: &Analysis) -> Vec<[String; 4]> {
    a.delivery
        .sections
        .iter()
        .map(|s| {
            [
                super::shared::section_name(a, &s.id).to_string(),
                s.median_hz.map_or("-".into(), |h| format!("{h:.0} Hz")),
                s.variation_st.map_or("-".into(), |v| format!("{v:.1} st")),
                s.level_dbfs.map_or("-".into(), |l| format!("{l:.0} dBFS")),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_only_says_not_measured() {
        let a = super::super::sample_analysis_with(false);
        let why = not_measured(&a.delivery).expect("not measured");
        assert!(why.starts_with("Pitch and loudness not measured"), "{why}");
        let l = lines(&a);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].label, "Repetition");
    }
}
