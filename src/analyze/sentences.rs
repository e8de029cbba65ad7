//! Sentence splitting: the unit that gets a section label.
//!
//! Whisper punctuates, so a sentence ends at a word ending in `.`, `?` or `!`. Sources without
//! punctuation (some SRT files, lowercase text) would give one endless sentence, so a run with
//! no sentence end is also cut at its longest silence once it passes [`MAX_WORDS`] words.

use crate::transcribe::Word;

/// A run of words `[first, first + len)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: usize,
    pub len: usize,
}

/// Longest run of words kept as one sentence when no punctuation ends it.
pub const MAX_WORDS: usize = 45;

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr.", "mrs.", "ms.", "dr.", "prof.", "e.g.", "i.e.", "etc.", "vs.", "st.", "jr.", "sr.",
    "inc.", "co.", "no.", "approx.",
];

fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(['"', '\'', ')', ']', '\u{201d}', '\u{2019}']);
    if !(t.ends_with('.') || t.ends_with('?') || t.ends_with('!')) {
        return false;
    }
    t.ends_with('?') || t.ends_with('!') || !ABBREVIATIONS.contains(&t.to_lowercase().as_str())
}

/// Splits `words` into sentences covering every word once, in order.
pub fn split(words: &[Word]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, w) in words.iter().enumerate() {
        if ends_sentence(&w.text) || i + 1 == words.len() {
            push_capped(words, start, i + 1, &mut out);
            start = i + 1;
        }
    }
    out
}

/// Pushes `[a, b)`, cut at its longest gaps until no piece is over [`MAX_WORDS`].
fn push_capped(words: &[Word], a: usize, b: usize, out: &mut Vec<Span>) {
    if b - a <= MAX_WORDS {
        out.push(Span {
            first: a,
            len: b - a,
        });
        return;
    }
    // Cut before the word with the longest silence ahead of it, keeping both halves at least a
    // few words long so a stray gap does not produce one-word sentences.
    let mut min_piece = 5.min((b - a) / 2);
    if b - a > 2 * MAX_WORDS {
        // A long run (text without punctuation) is cut in its middle half only: evenly spaced
        // words would otherwise be cut five words from one end each time, which costs time
        // quadratic in the run (20 s for 200,000 words); this way each cut at least quarters
        // the run, and the whole split stays near linear.
        min_piece = (b - a) / 4;
    }
    let mut best = a + (b - a) / 2;
    let mut best_gap = f64::NEG_INFINITY;
    #[cfg(test)]
    tests::GAPS_LOOKED_AT.with(|n| n.set(n.get() + (b - a + 1 - 2 * min_piece)));
    for i in (a + min_piece)..=(b - min_piece) {
        let gap = words[i].start_s - words[i - 1].end_s;
        // A comma before the cut is a better place than the same gap elsewhere.
        let bonus = if words[i - 1].text.ends_with(',') {
            0.15
        } else {
            0.0
        };
        if gap + bonus > best_gap {
            best_gap = gap + bonus;
            best = i;
        }
    }
    push_capped(words, a, best, out);
    push_capped(words, best, b, out);
}

/// The words joined with spaces.
pub fn text_of(words: &[Word]) -> String {
    let mut s = String::new();
    for w in words {
        let t = w.text.trim();
        if t.is_empty() {
            continue;
        }
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(t);
    }
    s
}

/// Lowercase letters, digits, apostrophes and hyphens only ("Americans," -> "americans").
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '-' || *c == '%')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Words 0.4 s apart, one per whitespace-separated token of `text`: the transcript the unit
/// tests of the analysis stages build their answers from.
#[cfg(test)]
pub(crate) fn test_words(text: &str) -> Vec<Word> {
    text.split_whitespace()
        .enumerate()
        .map(|(i, t)| Word {
            text: t.to_string(),
            start_s: i as f64 * 0.4,
            end_s: i as f64 * 0.4 + 0.3,
            p: 1.0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::test_words as words;
    use super::*;

    #[test]
    fn splits_at_sentence_ends() {
        let w = words("I was late. Why? Because Dr. Smith called! Then it was 3.5 hours.");
        let s = split(&w);
        let lens: Vec<usize> = s.iter().map(|s| s.len).collect();
        assert_eq!(lens, vec![3, 1, 4, 5]);
    }

    #[test]
    fn cuts_long_unpunctuated_runs() {
        let text = vec!["word"; 100].join(" ");
        let s = split(&words(&text));
        assert!(s.iter().all(|s| s.len <= MAX_WORDS));
        assert_eq!(s.iter().map(|s| s.len).sum::<usize>(), 100);
    }

    thread_local! {
        /// Gaps [`push_capped`] compared, in this thread.
        pub(super) static GAPS_LOOKED_AT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    #[test]
    fn long_unpunctuated_text_is_split_in_near_linear_work() {
        // Evenly spaced words: every gap ties, the case that cost quadratic time. Counting the
        // gaps compared measures the work without a clock.
        for n in [50_000usize, 200_000] {
            let w: Vec<Word> = (0..n)
                .map(|i| Word {
                    text: "word".into(),
                    start_s: i as f64 * 0.4,
                    end_s: i as f64 * 0.4 + 0.3,
                    p: 1.0,
                })
                .collect();
            GAPS_LOOKED_AT.with(|c| c.set(0));
            let s = split(&w);
            let looked = GAPS_LOOKED_AT.with(|c| c.get());
            assert!(s.iter().all(|s| s.len <= MAX_WORDS));
            assert_eq!(s.iter().map(|s| s.len).sum::<usize>(), n);
            // 2 n log2(n) is 7 million for 200,000 words; the old split compared 4 billion.
            let bound = 2 * n * (usize::BITS - n.leading_zeros()) as usize;
            assert!(looked < bound, "{n} words: {looked} gaps compared");
        }
    }

    #[test]
    fn short_runs_are_still_cut_at_their_longest_gap() {
        // 80 words with one long pause before word 40: the cut lands there.
        let w: Vec<Word> = (0..80)
            .map(|i| {
                let t = i as f64 * 0.4 + if i >= 40 { 2.0 } else { 0.0 };
                Word {
                    text: "word".into(),
                    start_s: t,
                    end_s: t + 0.3,
                    p: 1.0,
                }
            })
            .collect();
        let lens: Vec<usize> = split(&w).iter().map(|s| s.len).collect();
        assert_eq!(lens, vec![40, 40]);
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("Americans,"), "americans");
        assert_eq!(normalize("Don\u{2019}t"), "don't");
    }
}
