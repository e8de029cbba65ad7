//! An ending that tells no lesson, or no change: a section that must tell one, placed on
//! sentences that only remember, feel or state a general truth, is taken as left out.
//!
//! "That phone call from the bride stays with me. Some evenings I can still recall every word
//! she said." closes answers that never say what the speaker learned. "An unread proof is no
//! proof." closes answers that say it and never say what the speaker now does. The decoder
//! hears such sentences as the section they stand in for: they come last, in the present tense,
//! about the event. For a section marked in `frameworks.toml`, words decide instead:
//! - `needs_lesson`: none of its sentences has one of its cues or a lesson or change phrase
//!   (`learning`, `lesson_statements`, `vague_lessons`, `growth_claims`, `change_markers` in
//!   `lexicon.toml`), and one at least remembers or feels (`impressions`, `states`);
//! - `needs_practice`: none of its sentences has one of its cues, a change marker, a growth
//!   claim or a vague lesson, and none has the speaker as the one acting (`doers`: "I", "we")
//!   without remembering or feeling. What is left is a lesson stated as a general truth, or a
//!   memory: no change.
//!
//! In a section that remembers (`impressions`), a time word (`time_markers`: "every time",
//! "whenever", "now") dates the memory and tells nothing: "the misprint still comes to mind
//! each time the press warms up". A past self set against the present (`past_selves`: "I promise
//! later than I used to") is growth told, and keeps the section.
//!
//! Then the section was not told. Its sentences go back to the section before them, and the
//! timeline shows it missing.

use super::frameworks::{Framework, Lexicon, SectionDef};
use super::phrases::{Found, find_all};
use super::sections::Label;
use super::sentences::{Span, normalize};
use crate::transcribe::Word;

/// Evidence shown on a sentence given back from a `needs_lesson` section.
pub const REMEMBERED: &str = "a memory or a feeling, not a lesson";
/// Evidence shown on a sentence given back from a `needs_practice` section.
pub const NOTHING_DONE: &str = "a lesson or a memory, not something done differently";

/// The evidence [`give_back`] puts on the sentences it takes from `sec`, if it can take any.
pub fn evidence_for(sec: &SectionDef) -> Option<&'static str> {
    if sec.needs_lesson {
        Some(REMEMBERED)
    } else if sec.needs_practice {
        Some(NOTHING_DONE)
    } else {
        None
    }
}

/// Gives back the sentences of every `needs_lesson` section that tells no lesson and only
/// remembers or feels, and of every `needs_practice` section that tells nothing done, to the
/// section of the sentence before them.
pub fn give_back(
    words: &[Word],
    sents: &[Span],
    labels: &mut [Label],
    fw: &Framework,
    lex: &Lexicon,
) {
    let toks: Vec<String> = words.iter().map(|w| normalize(&w.text)).collect();
    let joined = |lists: &[&Vec<String>]| -> Vec<String> {
        lists.iter().flat_map(|l| l.iter()).cloned().collect()
    };
    let lesson = joined(&[
        &lex.learning,
        &lex.lesson_statements,
        &lex.vague_lessons,
        &lex.growth_claims,
        &lex.past_selves,
        &lex.change_markers,
    ]);
    let practice = joined(&[
        &lex.change_markers,
        &lex.growth_claims,
        &lex.past_selves,
        &lex.vague_lessons,
    ]);
    let feeling = joined(&[&lex.impressions, &lex.states]);
    // The time markers as matched words, normalized once.
    let times: Vec<Vec<String>> = lex
        .time_markers
        .iter()
        .map(|t| t.split_whitespace().map(normalize).collect())
        .collect();
    for (k, sec) in fw.sections.iter().enumerate() {
        let Some(evidence) = evidence_for(sec) else {
            continue;
        };
        let mine: Vec<usize> = (0..labels.len().min(sents.len()))
            .filter(|&i| labels[i].section == k)
            .collect();
        let Some(&first) = mine.first() else {
            continue;
        };
        let found = |i: usize, list: &[String]| {
            let s = &sents[i];
            find_all(&toks, list, s.first..s.first + s.len)
        };
        // An ending that remembers dates its memory with time words: "the misprint still comes to
        // mind each time the press warms up", "whenever a late order lands, I'm right back there".
        // There "every time" and "whenever" tell how often the memory comes, not a practice
        // or a lesson; only the other words count.
        let remembers = mine.iter().any(|&i| !found(i, &lex.impressions).is_empty());
        let only_time = |f: &Found| times.iter().any(|t| t[..] == toks[f.word..f.word + f.len]);
        let says =
            |i: usize, list: &[String]| found(i, list).iter().any(|f| !(remembers && only_time(f)));
        let felt = |i: usize| says(i, &feeling);
        let left_out = if sec.needs_lesson {
            let told = mine.iter().any(|&i| says(i, &lesson) || says(i, &sec.cues));
            !told && mine.iter().any(|&i| felt(i))
        } else {
            // A sentence where the speaker acts, and does not only remember or feel, may be a
            // change told without a marker ("I read the date line aloud first").
            !mine.iter().any(|&i| {
                says(i, &practice) || says(i, &sec.cues) || (says(i, &lex.doers) && !felt(i))
            })
        };
        if !left_out {
            continue;
        }
        // The section before takes them; an answer that opens on the section keeps it.
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
            labels[i].evidence = evidence.to_string();
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

    /// `story` then `closing`, with the story's section ids and `n` of `section` after them.
    fn after(
        story: &str,
        ids: &[&'static str],
        section: &'static str,
        closing: &str,
        n: usize,
    ) -> (String, Vec<&'static str>) {
        let mut ids = ids.to_vec();
        ids.extend(std::iter::repeat_n(section, n));
        (format!("{story} {closing}"), ids)
    }

    fn ending(closing: &str, n: usize) -> (String, Vec<&'static str>) {
        after(STORY, &STORY_IDS, "learning", closing, n)
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
    fn a_time_word_dates_a_memory_and_tells_no_lesson() {
        // How often the memory comes is not a practice.
        for closing in [
            "The bride's voice still comes to mind each time the press warms up. \
             Whenever a wedding card comes in, my stomach drops.",
            "Her call comes to mind whenever a printer warms up; there it is. It still stings.",
            // The senses and the body keeping the day.
            "I still hear her voice on that call. Every time a wedding card comes in, my stomach \
             drops.",
            "Whenever a printer starts up at night, I'm right back at that desk. It still stings.",
        ] {
            let (text, ids) = ending(closing, 2);
            let got = given_back("star-l", &text, &ids);
            assert_eq!(got[4..], ["result", "result"], "{closing}: {got:?}");
        }
        // The other words still tell one: a practice, or a past self set against the present.
        for closing in [
            "The bride's voice still comes to mind each time the press warms up. \
             Now I read the date line aloud first.",
            "Her call comes to mind whenever a printer warms up; there it is. \
             I quote later dates than I used to.",
            // An ending that feels without remembering keeps its time words.
            "I'm still uneasy every time a wedding order comes in. I'm slow to take one on.",
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
    fn only_a_marked_section_is_given_back() {
        // Weakness's progress often tells a feeling that remains; it is not marked.
        let text = "Every favour anyone asks of me, I take on. \
            Now I check my calendar first. \
            I still feel torn about it.";
        let got = given_back("weakness", text, &["weakness", "mitigation", "progress"]);
        assert_eq!(got[2], "progress");
        let cat = Catalog::embedded().expect("embedded data");
        let marked = |needs: fn(&SectionDef) -> bool| -> Vec<String> {
            cat.frameworks
                .iter()
                .flat_map(|f| {
                    f.sections
                        .iter()
                        .filter(move |s| needs(s))
                        .map(move |s| format!("{}/{}", f.id, s.id))
                })
                .collect()
        };
        assert_eq!(marked(|s| s.needs_lesson), ["star-l/learning"]);
        assert_eq!(marked(|s| s.needs_practice), ["failure-5/change"]);
    }

    const FAILURE: &str = "I made a mistake at a small print shop. \
        I ran the proof desk there. \
        I passed a batch of two hundred invitations without reading the date line. \
        A proof nobody reads is no proof.";
    const FAILURE_IDS: [&str; 4] = ["own-it", "context", "what-went-wrong", "lesson"];

    fn closing(last: &str, n: usize) -> (String, Vec<&'static str>) {
        after(FAILURE, &FAILURE_IDS, "change", last, n)
    }

    #[test]
    fn a_change_stays_only_when_something_is_done() {
        for (last, kept) in [
            // The lesson goes on as a general truth.
            ("The date line is the one line a guest reads twice.", false),
            // A memory, with the speaker in it but not acting.
            ("I still think of that bride and her call.", false),
            // A memory dated by a time word.
            (
                "The misprint still comes to mind each time the press warms up.",
                false,
            ),
            // The speaker acts, with no marker.
            (
                "I read the date line aloud to the customer on the phone.",
                true,
            ),
            // A change marker with no speaker.
            ("Every batch now gets a second reader.", true),
            // The section's own cue.
            ("After that, the date line was read out loud.", true),
            // Growth claimed, weak but told: no-change's to report.
            ("I'm a more careful proofreader for it.", true),
        ] {
            let (text, ids) = closing(last, 1);
            let got = given_back("failure-5", &text, &ids);
            let want = if kept { "change" } else { "lesson" };
            assert_eq!(got[4], want, "{last}");
        }
    }

    #[test]
    fn a_change_with_no_lesson_ahead_of_it_is_given_to_the_story() {
        let text = "I made a mistake at a small print shop. \
            I passed a batch of two hundred invitations without reading the date line. \
            I still think of that bride and her call.";
        let got = given_back("failure-5", text, &["own-it", "what-went-wrong", "change"]);
        assert_eq!(got[2], "what-went-wrong");
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

    #[test]
    fn the_report_shows_the_change_missing() {
        let text = format!(
            "{FAILURE} The date line is the one line a guest reads twice, and nobody reads it \
             for you."
        );
        let run = |cat: &Catalog| {
            let input = AnalysisInput::words("test.txt", InputKind::Text, words(&text), 60.0);
            analyze(input, cat, &FrameworkChoice::Id("failure-5".into()), None).expect("ok")
        };
        let missing = |a: &crate::analyze::Analysis| {
            a.signals
                .iter()
                .find(|s| s.id == "missing-section:change")
                .map(|s| s.evidence.clone())
        };
        let mut cat = Catalog::embedded().expect("embedded data");
        let a = run(&cat);
        let evidence = missing(&a).unwrap_or_default();
        assert!(
            evidence.contains("(\"The date line is the one line")
                && evidence.contains("none tells what you now do differently"),
            "{evidence}"
        );
        assert_eq!(
            a.sentences.last().map(|s| s.evidence.as_str()),
            Some(NOTHING_DONE)
        );
        // Without the mark, the decoder's Change stands: the rule, not the decoder, found it.
        for fw in &mut cat.frameworks {
            for sec in &mut fw.sections {
                sec.needs_practice = false;
            }
        }
        assert_eq!(missing(&run(&cat)), None);
    }
}
