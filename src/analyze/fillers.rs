//! Filler words: hesitation sounds, filler phrases and filler "like", told apart from the same
//! words used literally ("felt like", "what kind of", "did you know").

use super::frameworks::Lexicon;
use super::sentences::normalize;
use super::types::FillerKind;
use crate::transcribe::Word;

/// One filler found at words `[first, first + len)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub first: usize,
    pub len: usize,
    pub text: String,
    pub kind: FillerKind,
}

/// Words before "kind of" / "sort of" that make it literal ("what kind of tool").
const KIND_OF_LITERAL_BEFORE: &[&str] = &[
    "what",
    "which",
    "this",
    "that",
    "these",
    "those",
    "the",
    "a",
    "any",
    "some",
    "every",
    "each",
    "one",
    "same",
    "different",
    "right",
    "wrong",
    "new",
    "first",
    "own",
    "only",
    "other",
    "another",
    "no",
    "many",
    "all",
    "whatever",
    "certain",
    "particular",
    "exact",
    "that's",
    "what's",
    "specific",
];

/// Words before "you know" that make it a real question or clause ("did you know", "if you
/// know").
const YOU_KNOW_LITERAL_BEFORE: &[&str] = &[
    "do", "did", "don't", "didn't", "if", "as", "would", "could", "will", "might", "may", "should",
    "whether", "when", "let", "what", "how", "you'd", "because",
];

/// Words after "you know" that make it a real verb ("you know how to", "you know what it
/// means" stays ambiguous, so only the unambiguous ones).
const YOU_KNOW_LITERAL_AFTER: &[&str] = &["how", "him", "her", "them", "it"];

/// Words before "I mean" that make it literal ("what I mean is").
const I_MEAN_LITERAL_BEFORE: &[&str] = &["what", "that's", "if", "which", "do", "don't"];

/// Words before "like" that make it a comparison or a verb, whatever punctuation follows.
const LIKE_LITERAL_BEFORE: &[&str] = &[
    "felt",
    "feel",
    "feels",
    "feeling",
    "look",
    "looks",
    "looked",
    "looking",
    "seem",
    "seems",
    "seemed",
    "sound",
    "sounds",
    "sounded",
    "would",
    "i'd",
    "we'd",
    "you'd",
    "they'd",
    "i",
    "we",
    "you",
    "they",
    "don't",
    "didn't",
    "just",
    "more",
    "much",
    "something",
    "anything",
    "nothing",
    "things",
    "stuff",
    "exactly",
    "really",
    "not",
    "people",
    "acted",
    "act",
];

/// Finds every filler in `words`, in order, without overlaps.
pub fn find(words: &[Word], lex: &Lexicon) -> Vec<Hit> {
    let norm: Vec<String> = words.iter().map(|w| normalize(&w.text)).collect();
    let prev = |i: usize| -> &str { if i == 0 { "" } else { norm[i - 1].as_str() } };
    let mut hits = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = norm[i].as_str();
        if w.is_empty() {
            i += 1;
            continue;
        }
        if lex.hesitations.iter().any(|h| h == w) {
            hits.push(Hit {
                first: i,
                len: 1,
                text: w.to_string(),
                kind: FillerKind::Hesitation,
            });
            i += 1;
            continue;
        }
        if let Some(phrase) = phrase_at(&norm, i, &lex.filler_phrases) {
            let n = phrase.split_whitespace().count();
            let before = prev(i);
            let after = norm.get(i + n).map_or("", |s| s.as_str());
            let literal = match phrase {
                "kind of" | "sort of" => KIND_OF_LITERAL_BEFORE.contains(&before),
                "you know" => {
                    YOU_KNOW_LITERAL_BEFORE.contains(&before)
                        || YOU_KNOW_LITERAL_AFTER.contains(&after)
                }
                "i mean" => I_MEAN_LITERAL_BEFORE.contains(&before),
                _ => false,
            };
            if !literal {
                hits.push(Hit {
                    first: i,
                    len: n,
                    text: phrase.to_string(),
                    kind: FillerKind::Phrase,
                });
                i += n;
                continue;
            }
        }
        if w == "like" && is_filler_like(words, &norm, i) {
            hits.push(Hit {
                first: i,
                len: 1,
                text: "like".into(),
                kind: FillerKind::Like,
            });
            i += 1;
            continue;
        }
        if lex.filler_adverbs.iter().any(|a| a == w) && set_off(words, i) {
            hits.push(Hit {
                first: i,
                len: 1,
                text: w.to_string(),
                kind: FillerKind::Phrase,
            });
        }
        i += 1;
    }
    hits
}

/// The phrase from `phrases` that starts at word `i`, if any (longest first).
fn phrase_at<'a>(norm: &[String], i: usize, phrases: &'a [String]) -> Option<&'a str> {
    phrases
        .iter()
        .filter(|p| {
            let parts: Vec<&str> = p.split_whitespace().collect();
            parts.len() > 1
                && i + parts.len() <= norm.len()
                && parts.iter().zip(&norm[i..]).all(|(a, b)| *a == b)
        })
        .max_by_key(|p| p.len())
        .map(|p| p.as_str())
}

/// "like" as a filler: set off by a comma after it ("was, like, to get"), or followed by a
/// hesitation; never after words that make it a comparison ("felt like").
fn is_filler_like(words: &[Word], norm: &[String], i: usize) -> bool {
    let before = if i == 0 { "" } else { norm[i - 1].as_str() };
    if LIKE_LITERAL_BEFORE.contains(&before) {
        return false;
    }
    let comma_after = words[i].text.trim_end().ends_with(',');
    let next = norm.get(i + 1).map_or("", |n| n.as_str());
    let hesitation_after = matches!(next, "um" | "uh" | "er" | "ah" | "umm" | "uhh");
    // Without commas (Whisper often leaves them out): "were like forty minutes late" hedges a
    // number and "my role was like to plan" fills a gap before a verb; the literal readings
    // ("something like forty", "would like to") are caught by the words before it.
    let before_number =
        next.chars().any(|c| c.is_ascii_digit()) || super::signals::NUMBER_WORDS.contains(&next);
    let before_to = next == "to";
    comma_after || hesitation_after || before_number || before_to
}

/// An adverb used as a filler is set off by a comma after it ("Basically, we ...", "and,
/// actually, it"); without one it usually carries meaning ("it actually worked").
fn set_off(words: &[Word], i: usize) -> bool {
    words[i].text.trim_end().ends_with(',')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::frameworks::Catalog;
    use crate::analyze::sentences::test_words as words;

    fn found(text: &str) -> Vec<String> {
        let cat = Catalog::embedded().expect("embedded data parses");
        find(&words(text), &cat.lexicon)
            .into_iter()
            .map(|h| h.text)
            .collect()
    }

    #[test]
    fn hesitations_and_phrases() {
        assert_eq!(
            found("So, um, I ran a, uh, small shop and it was, you know, busy."),
            vec!["um", "uh", "you know"]
        );
        assert_eq!(
            found("It sort of matters. I mean, it did."),
            vec!["sort of", "i mean"]
        );
    }

    #[test]
    fn literal_uses_are_not_fillers() {
        assert!(found("It felt like a loss.").is_empty());
        assert!(found("What kind of tool did you use?").is_empty());
        assert!(found("Did you know the deadline? If you know, say it.").is_empty());
        assert!(found("Small stores, like the ones downtown.").is_empty());
        assert!(found("What I mean is simple.").is_empty());
    }

    #[test]
    fn filler_like_needs_a_comma_after() {
        assert_eq!(found("My role was, like, to plan it."), vec!["like"]);
        assert_eq!(found("Basically, we copied it."), vec!["basically"]);
        assert!(found("It basically worked.").is_empty());
        assert_eq!(found("Orders were like 40 minutes late."), vec!["like"]);
        assert!(found("We had something like 200 refunds.").is_empty());
        assert!(found("I would like to add one thing.").is_empty());
    }
}
