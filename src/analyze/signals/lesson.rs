//! What the lesson rules share: where the lesson starts, which sentences state a generic
//! lesson, and which state a concrete change.

use std::ops::Range;

use super::common::{Cx, Found, I_FORMS, LESSON_SECTIONS, WE_FORMS};

/// The first sentence of the lesson: the first one labelled with a lesson or change section,
/// else the first one in the second half of the answer that uses a learning phrase ("I
/// learned", "the lesson"). `None`: no lesson is stated.
///
/// A lesson section placed by its position alone does not count: the decoder puts every
/// section somewhere unless leaving it out is cheaper, so such a span is as likely a lesson the
/// speaker left out as one told plainly, and grading it would judge words that were never a
/// lesson (stop 38: a Learning placed on a result sentence raised `no-change`).
pub(super) fn start(cx: &Cx) -> Option<usize> {
    let a = cx.a;
    let by_position = |i: usize| {
        a.sections.iter().any(|sp| {
            sp.by_position() && (sp.first_sentence..sp.first_sentence + sp.n_sentences).contains(&i)
        })
    };
    let labelled = a
        .sentences
        .iter()
        .enumerate()
        .position(|(i, s)| LESSON_SECTIONS.contains(&s.section.as_str()) && !by_position(i));
    let half = a.words.len() / 2;
    let phrased = a.sentences.iter().enumerate().position(|(i, s)| {
        s.first_word + s.n_words > half
            && !cx.find(&cx.lex.learning, cx.sentence_words(i)).is_empty()
    });
    match (labelled, phrased) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// Generic lessons ("I learned a lot", "be more careful") in `range`.
pub(super) fn generic(cx: &Cx, range: Range<usize>) -> Vec<Found> {
    cx.find(&cx.lex.vague_lessons, range)
}

/// The concrete change stated in sentence `i`, if any: a change marker ("now I", "before
/// every", "checklist") in a lesson sentence that is not itself a generic lesson ("now I'll be
/// more careful" is not a change) nor a failure remembered ("that night has stayed with me since"),
/// or a lesson sentence the model is sure sounds like a change. Not a feeling dated in time
/// ("I'm warier now": `states` with a `time_markers` word), and in a lesson told as a claim
/// (`lesson_statements`) only a marker that starts with the speaker ("i check", "we introduced").
pub(super) fn change_in(cx: &Cx, i: usize) -> Option<Found> {
    let r = cx.sentence_words(i);
    if !told_in_the_lesson(cx, i)
        || !generic(cx, r.clone()).is_empty()
        || !cx.find(&cx.lex.impressions, r.clone()).is_empty()
        || !cx.find(&cx.lex.growth_claims, r.clone()).is_empty()
    {
        return None;
    }
    // A feeling dated in time ("I'm a gentler editor now", "it still gets me each time") is
    // no practice: its time words do not count, and neither does the model.
    let state = !cx.find(&cx.lex.states, r.clone()).is_empty();
    let times = if state {
        cx.find(&cx.lex.time_markers, r.clone())
    } else {
        Vec::new()
    };
    let dated = |f: &Found| {
        times
            .iter()
            .any(|t| f.word < t.word + t.len && t.word < f.word + f.len)
    };
    // "My takeaway: a sign-off is a promise": the claim names a rule, it does not say one is
    // kept; only the speaker doing something counts there.
    let claim = !cx.find(&cx.lex.lesson_statements, r.clone()).is_empty();
    let speakers = |f: &Found| {
        !claim
            || cx
                .toks
                .get(f.word)
                .is_some_and(|w| I_FORMS.contains(&w.as_str()) || WE_FORMS.contains(&w.as_str()))
    };
    if let Some(f) = cx
        .find(&cx.lex.change_markers, r.clone())
        .into_iter()
        .find(|f| !dated(f) && speakers(f))
    {
        return Some(f);
    }
    if state || claim {
        return None;
    }
    let p = cx.sounds_like(i, "change")?;
    (p >= cx.settings.change_sounds_min).then_some(Found {
        word: r.start,
        len: r.len(),
    })
}

/// Whether sentence `i` is labelled with a lesson or change section. A change marker elsewhere
/// dates the story or speaks of the job applied for: "the client has gone elsewhere since" in a
/// result, "your planners sign off every route each week" in a closing connection
/// (stop 41: on 1,200 answers, 10 more lessons without a change were heard, and no change
/// told was lost).
fn told_in_the_lesson(cx: &Cx, i: usize) -> bool {
    LESSON_SECTIONS.contains(&cx.a.sentences[i].section.as_str())
}

/// Whether the ending from sentence `from` puts a lesson into words: `from` or a later sentence
/// in a lesson section holds a lesson phrase ("I learned", "my takeaway", "be more careful",
/// "I'm a better planner for it"), or says something of four words or more that is neither a
/// feeling, nor a memory, nor a story told in the past ([`narrated`]). An ending of feelings
/// alone ("I'm warier now", "the smell of hot tar still brings it back") tells no lesson to act
/// on, and most of the teammates who wrote our answers gave it no `no-change` (stop 43).
pub(super) fn stated(cx: &Cx, from: usize) -> bool {
    (from..cx.a.sentences.len())
        .filter(|&i| i == from || told_in_the_lesson(cx, i))
        .any(|i| {
            let r = cx.sentence_words(i);
            let phrased = [
                &cx.lex.learning,
                &cx.lex.lesson_statements,
                &cx.lex.vague_lessons,
                &cx.lex.growth_claims,
            ]
            .into_iter()
            .any(|list| !cx.find(list, r.clone()).is_empty());
            let said = r
                .clone()
                .filter(|&w| {
                    cx.toks
                        .get(w)
                        .is_some_and(|t| !cx.lex.hesitations.contains(t))
                })
                .count();
            phrased
                || (said >= LESSON_WORDS_MIN
                    && cx.find(&cx.lex.states, r.clone()).is_empty()
                    && cx.find(&cx.lex.impressions, r).is_empty()
                    && !narrated(cx, i))
        })
}

/// Whether sentence `i` tells a story in the past: a past form ("was", "told", "-ed"), no present
/// one (`present_forms`: "is", "that's", "can") and none of its section's cues. "The bride's
/// mother rang the shop twice that Monday" remembers; "a proof nobody reads is no proof"
/// states; "looking back, I trusted a phone call over a sample" judges the past.
fn narrated(cx: &Cx, i: usize) -> bool {
    let r = cx.sentence_words(i);
    let past = r.clone().any(|w| {
        cx.toks
            .get(w)
            .is_some_and(|t| crate::analyze::lexical::is_past(t))
    });
    let cued = cx
        .fw
        .sections
        .iter()
        .find(|s| s.id == cx.a.sentences[i].section)
        .is_some_and(|s| !cx.find(&s.cues, r.clone()).is_empty());
    past && !cued && cx.find(&cx.lex.present_forms, r).is_empty()
}

/// Fewest words (hesitations aside) a sentence without a lesson phrase needs to count as a
/// lesson told: "so, um, yeah" or "that was that" closing a story is none.
const LESSON_WORDS_MIN: usize = 4;

/// Concrete changes from sentence `from` to the end of the answer.
pub(super) fn changes_from(cx: &Cx, from: usize) -> Vec<Found> {
    (from..cx.a.sentences.len())
        .filter_map(|i| change_in(cx, i))
        .collect()
}
