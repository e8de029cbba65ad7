//! What went well in an answer, so the report says what to keep and not only what to fix:
//! sections inside their targets, a length and a pace in their bands, few fillers, numbers that
//! give the scale, and what the scorecard found shown.

use super::frameworks::Settings;
use super::sentences::normalize;
use super::signals::NUMBER_WORDS;
use super::types::{Analysis, PaceStatus, Status, Verdict};

/// Words that count as numbers for the metrics signal but say only what a number measures.
const UNITS: &[&str] = &["percent", "percentage", "times", "x"];

/// The strengths of `a`, most telling first; empty for an answer with nothing in its bands.
pub fn find(a: &Analysis, settings: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    let raised = |id: &str| a.signals.iter().any(|s| s.id == id);
    let ok: Vec<&str> = a
        .section_timing
        .iter()
        .filter(|s| s.status == Status::Ok)
        .map(|s| s.name.as_str())
        .collect();
    let n = a.section_timing.len();
    match ok.len() {
        0 => {}
        k if k == n && n > 1 => out.push(format!(
            "Every section inside its target ({})",
            ok.join(", ")
        )),
        1 if n == 1 => {}
        k => out.push(format!(
            "{k} of {n} sections inside their targets: {}",
            ok.join(", ")
        )),
    }
    if a.overall.status == Status::Ok {
        out.push(format!(
            "Length {} inside the {}-{} target",
            clock(a.overall.answer_s),
            clock(a.overall.target.min_s),
            clock(a.overall.target.max_s)
        ));
    }
    let enough_words = a.words.len() >= 30;
    if enough_words && a.pace.status == PaceStatus::Ok {
        out.push(format!(
            "Steady pace: {:.0} words per minute, in the {:.0}-{:.0} band",
            a.pace.wpm, a.pace.band.min_s, a.pace.band.max_s
        ));
    }
    if enough_words && a.filler_stats.per_minute <= settings.fillers_heavy_per_min / 2.0 {
        out.push(match a.filler_stats.count {
            0 => "No fillers".to_string(),
            n => format!(
                "Few fillers: {n} ({:.1} per minute)",
                a.filler_stats.per_minute
            ),
        });
    }
    // Each number with the unit word after it ("four percent"), up to three, no repeats.
    let is_number = |t: &str| {
        let t = normalize(t);
        t.chars().any(|c| c.is_ascii_digit())
            || (NUMBER_WORDS.contains(&t.as_str()) && !UNITS.contains(&t.as_str()))
    };
    let clean = |t: &str| {
        t.trim_matches(|c: char| c.is_ascii_punctuation() && c != '%')
            .to_string()
    };
    let mut numbers: Vec<String> = Vec::new();
    for (i, w) in a.words.iter().enumerate() {
        if numbers.len() == 3 {
            break;
        }
        if !is_number(&w.text) {
            continue;
        }
        let mut phrase = clean(&w.text);
        if let Some(next) = a.words.get(i + 1)
            && UNITS.contains(&normalize(&next.text).as_str())
        {
            phrase = format!("{phrase} {}", clean(&next.text));
        }
        if !numbers.contains(&phrase) {
            numbers.push(phrase);
        }
    }
    if enough_words && !raised("no-metrics") && !numbers.is_empty() {
        out.push(format!("Numbers give the scale ({})", numbers.join(", ")));
    }
    for item in &a.scorecard {
        if item.verdict == Verdict::Shown {
            out.push(format!(
                "{} shown: {}",
                capitalized(&item.id),
                item.evidence
            ));
        }
    }
    out
}

fn clock(t: f64) -> String {
    super::signals::clock(t)
}

fn capitalized(id: &str) -> String {
    let text = id.replace('-', " ");
    let mut c = text.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::frameworks::Catalog;
    use crate::analyze::{AnalysisInput, FrameworkChoice, InputKind, analyze};
    use crate::transcribe::Word;

    /// `text` spoken at a steady 150 words per minute.
    fn analysis(framework: &str, text: &str) -> Analysis {
        let words: Vec<Word> = text
            .split_whitespace()
            .enumerate()
            .map(|(i, t)| Word {
                text: t.to_string(),
                start_s: 0.5 + i as f64 * 0.4,
                end_s: 0.8 + i as f64 * 0.4,
                p: 0.9,
            })
            .collect();
        let duration_s = words.last().map_or(1.0, |w| w.end_s + 1.0);
        let input = AnalysisInput::words("a.wav", InputKind::Wav, words, duration_s);
        let cat = Catalog::embedded().expect("catalog");
        analyze(input, &cat, &FrameworkChoice::Id(framework.into()), None).expect("analyzes")
    }

    #[test]
    fn a_clean_short_answer_has_strengths_and_a_rambling_one_fewer() {
        let good = analysis(
            "follow-up",
            "We cut the checkout failures from four percent to under one percent within two weeks, \
             which brought back about thirty thousand dollars a month in orders. I measured it on \
             the dashboard I had built for the launch and I reported it every Friday to the team.",
        );
        assert_eq!(good.overall.status, Status::Ok, "{:?}", good.overall);
        let s = &good.strengths;
        assert!(s.iter().any(|x| x.starts_with("Length 0:")), "{s:?}");
        assert!(s.iter().any(|x| x.starts_with("Steady pace: 1")), "{s:?}");
        assert!(s.iter().any(|x| x == "No fillers"), "{s:?}");
        assert!(
            s.iter()
                .any(|x| x.starts_with("Numbers give the scale (four percent")),
            "{s:?}"
        );
        let bad = analysis(
            "follow-up",
            "Um, well, uh, I think, um, it was, uh, fine, you know.",
        );
        assert!(bad.strengths.is_empty(), "{:?}", bad.strengths);
    }

    /// The headline used to pick the first section off target in framework order and print
    /// it rounded into its own band ("Situation took 8 s ...; aim for 8-20 s" for 7.86 s while
    /// Action was 7.6 s of 20-40 s).
    #[test]
    fn the_headline_is_the_section_furthest_off_target_as_the_user_reads_it() {
        let mut a = analysis(
            "star-l",
            "I was the lead on a migration and we missed the date by a month because I had not \
             planned for the data backfill, so I rebuilt the plan with the team.",
        );
        a.signals.clear();
        for st in &mut a.section_timing {
            (st.duration_s, st.status) = match st.id.as_str() {
                "situation" => (7.86, Status::Short),
                "action" => (7.6, Status::Short),
                _ => ((st.target.min_s + st.target.max_s) / 2.0, Status::Ok),
            };
        }
        let cat = Catalog::embedded().expect("catalog");
        let fw = cat.framework("star-l").expect("star-l");
        let steps = crate::analyze::signals::next_steps(&a, fw);
        assert!(steps[0].starts_with("Action took 8 s of a "), "{steps:?}");
        assert!(steps[0].ends_with("aim for 20-40 s"), "{steps:?}");
        assert!(
            steps[1].starts_with("Situation took 7.9 s of a "),
            "{steps:?}"
        );
    }
}
