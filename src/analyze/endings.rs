//! An ending that only remembers: a lesson section placed on sentences that tell a memory or a
//! feeling of the event, and no lesson, is taken as left out.
//!
//! "That phone call from the bride stays with me. Some evenings I can still recall every word
//! she said." closes answers that never say what the speaker learned. The decoder hears such
//! sentences as the Learning they stand in for: they come last, in the present tense, about the
//! event. For a section marked `needs_lesson` in `frameworks.toml`, words decide instead: where
//! none of its sentences has one of its cues or a lesson or change phrase (`learning`,
//! `lesson_statements`, `vague_lessons`, `growth_claims`, `change_markers` in `lexicon.toml`)
//! and one at least remembers or feels (`impressions`, `states`), the section was not told. Its
//! sentences go back to the section before them, and the timeline shows it missing.

use super::frameworks::{Framework, Lexicon};
use super::phrases::find_all;
use super::sections::Label;
use super::sentences::{Span, normalize};
use crate::transcribe::Word;

/// Evidence shown on a sentence given back to the section before.
pub const REMEMBERED: &str = "a memory or a feeling, not a lesson";

/// Gives back the sentences of every `needs_lesson` section that tells no lesson and only
/// remembers or feels, to the section of the sentence before them.
pub fn give_back(
    words: &[Word],
    sents: &[Span],
    labels: &mut [Label],
    fw: &Framework,
    lex: &Lexicon,
) {
    let toks: Vec<String> = words.iter().map(|w| normalize(&w.text)).collect();
    let lesson: Vec<String> = [
        &lex.learning,
        &lex.lesson_statements,
        &lex.vague_lessons,
        &lex.growth_claims,
        &lex.change_markers,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    let feeling: Vec<String> = lex.impressions.iter().chain(&lex.states).cloned().collect();
    for (k, sec) in fw.sections.iter().enumerate() {
        if !sec.needs_lesson {
            continue;
        }
        let mine: Vec<usize> = (0..labels.len().min(sents.len()))
            .filter(|&i| labels[i].section == k)
            .collect();
        let Some(&first) = mine.first() else {
            continue;
        };
        let says = |i: usize, list: &[String]| {
            let s = &sents[i];
            !find_all(&toks, list, s.first..s.first + s.len).is_empty()
        };
        let told = mine.iter().any(|&i| says(i, &lesson) || says(i, &sec.cues));
        let felt = mine.iter().any(|&i| says(i, &feeling));
        if told || !felt {
            continue;
        }
        // The section before takes them; an answer that opens on it keeps it.
        let Some(before) = labels[..first]
            .iter()
            .rev()
            .map(|l| l.section)
            .find(|&s| s != k)
        else {
            continue;
        };
        for &i in &mine {
            labels[i].section = before;
            labels[i].evidence = REMEMBERED.to_string();
            // The decoder's probability was for the section it had chosen; the section before
            // is the rule's, and the evidence says why.
            labels[i].confidence = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::frameworks::Catalog;
    use crate::analyze::sentences;
    use crate::analyze::sentences::test_words as words;
    use crate::analyze::{AnalysisInput, FrameworkChoice, InputKind, analyze};

    /// The sections after [`give_back`], from one section id per sentence.
    fn given_back(fw: &str, text: &str, ids: &[&str]) -> Vec<String> {
        let cat = Catalog::embedded().expect("embedded data");
        let fw = cat.framework(fw).expect("framework");
        let w = words(text);
        let s = sentences::split(&w);
        assert_eq!(s.len(), ids.len(), "one id per sentence");
        let mut labels: Vec<Label> = ids
            .iter()
            .map(|id| Label {
                section: fw.section_index(id).expect("section"),
                evidence: String::new(),
                confidence: Some(1.0),
            })
            .collect();
        give_back(&w, &s, &mut labels, fw, &cat.lexicon);
        labels
            .iter()
            .map(|l| fw.sections[l.section].id.clone())
            .collect()
    }

    const STORY: &str = "I ran the proof desk at a small print shop. \
        Checking every wedding invitation before it went to press was my job. \
        I passed a batch of two hundred without reading the date line. \
        The guests all got the wrong Saturday, and we reprinted the lot at our cost.";
    const STORY_IDS: [&str; 4] = ["situation", "task", "action", "result"];

    fn ending(closing: &str, n: usize) -> (String, Vec<&'static str>) {
        let mut ids = STORY_IDS.to_vec();
        ids.extend(std::iter::repeat_n("learning", n));
        (format!("{STORY} {closing}"), ids)
    }

    #[test]
    fn an_ending_of_memories_and_feelings_is_no_learning() {
        let (text, ids) = ending(
            "That phone call from the bride stays with me. \
             Some evenings I can still recall every word she said.",
            2,
        );
        let got = given_back("star-l", &text, &ids);
        assert_eq!(got[4..], ["result", "result"], "{got:?}");
    }

    #[test]
    fn a_memory_beside_a_lesson_keeps_the_learning() {
        for closing in [
            // A change in place.
            "That phone call from the bride stays with me. Now I read the date line aloud first.",
            // A lesson told as a claim.
            "That phone call from the bride stays with me. My lesson: an unread proof is no proof.",
            // The section's own cue.
            "That phone call from the bride stays with me. Looking back, I was rushing.",
        ] {
            let (text, ids) = ending(closing, 2);
            let got = given_back("star-l", &text, &ids);
            assert_eq!(got[4..], ["learning", "learning"], "{closing}: {got:?}");
        }
    }

    #[test]
    fn an_ending_that_neither_remembers_nor_feels_is_left_to_the_decoder() {
        // Nothing here says the section was left out: the decoder's call stands.
        let (text, ids) = ending("The next batch went out on time.", 1);
        assert_eq!(given_back("star-l", &text, &ids)[4], "learning");
    }

    #[test]
    fn only_a_section_marked_needs_lesson_is_given_back() {
        // Weakness's progress often tells a feeling that remains; it is not marked.
        let text = "Every favour anyone asks of me, I take on. \
            Now I check my calendar first. \
            I still feel torn about it.";
        let got = given_back("weakness", text, &["weakness", "mitigation", "progress"]);
        assert_eq!(got[2], "progress");
        let cat = Catalog::embedded().expect("embedded data");
        let marked: Vec<String> = cat
            .frameworks
            .iter()
            .flat_map(|f| {
                f.sections
                    .iter()
                    .filter(|s| s.needs_lesson)
                    .map(move |s| format!("{}/{}", f.id, s.id))
            })
            .collect();
        assert_eq!(marked, ["star-l/learning"]);
    }

    #[test]
    fn an_answer_that_opens_on_the_section_keeps_it() {
        let text = "That phone call from the bride stays with me.";
        assert_eq!(given_back("star-l", text, &["learning"]), ["learning"]);
    }

    #[test]
    fn the_report_shows_the_learning_missing() {
        let cat = Catalog::embedded().expect("embedded data");
        let text = format!(
            "{STORY} That phone call from the bride stays with me. Some evenings I can still \
             recall every word she said."
        );
        let input = AnalysisInput::words("test.txt", InputKind::Text, words(&text), 60.0);
        let a = analyze(input, &cat, &FrameworkChoice::Id("star-l".into()), None).expect("ok");
        let learning = a.section_timing.iter().find(|t| t.id == "learning");
        assert_eq!(
            learning.map(|t| t.status),
            Some(crate::analyze::Status::Missing)
        );
        assert!(
            a.signals.iter().any(|s| s.id == "missing-section:learning"),
            "{:?}",
            a.signals.iter().map(|s| &s.id).collect::<Vec<_>>()
        );
        let last = a.sentences.last().expect("sentences");
        assert_eq!(last.evidence, REMEMBERED);
        // The decoder's probability was for Learning: a moved sentence shows none, and the
        // Result keeps the probability of the sentences the decoder put there.
        assert_eq!(last.confidence, None);
        let result = a.sections.iter().find(|s| s.id == "result");
        assert!(result.is_some_and(|s| s.confidence.is_some()), "{result:?}");
        let missing = a
            .signals
            .iter()
            .find(|s| s.id == "missing-section:learning");
        let evidence = missing.map(|s| s.evidence.as_str()).unwrap_or_default();
        // The quote is the first sentence given back, whichever the decoder had put there.
        let first = a.sentences.iter().find(|s| s.evidence == REMEMBERED);
        let quoted = first.map(|s| format!("\"{}\"", s.text)).unwrap_or_default();
        assert!(evidence.contains(&quoted), "{evidence}");
        assert!(
            evidence.contains("recall every word she said"),
            "{evidence}"
        );
    }
}
