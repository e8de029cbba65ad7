//! Phrase search over an answer's normalized words: the lexicon's and the frameworks' phrase
//! lists, with `*` standing for a few words, matched whole-word and longest first.

use std::ops::Range;

use super::sentences::normalize;

/// One phrase found in the words: where it starts and how many words it covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub word: usize,
    pub len: usize,
}

/// A phrase of the lexicon as tokens; `*` stands for up to [`GAP_MAX`] words of any kind ("i'm
/// * terrible" finds "I'm just terrible" and "I'm honestly just terrible").
fn pattern(phrase: &str) -> Vec<String> {
    phrase
        .split_whitespace()
        .map(|w| {
            if w == "*" {
                "*".to_string()
            } else {
                normalize(w)
            }
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Most words a `*` in a phrase may stand for.
pub const GAP_MAX: usize = 2;

/// Length of the match of `pat` at `toks[i..end]`, if any (shortest gaps first).
fn match_at(pat: &[String], toks: &[String], i: usize, end: usize) -> Option<usize> {
    let Some((first, rest)) = pat.split_first() else {
        return Some(0);
    };
    if first == "*" {
        for gap in 0..=GAP_MAX {
            if i + gap > end {
                break;
            }
            if let Some(n) = match_at(rest, toks, i + gap, end) {
                return Some(gap + n);
            }
        }
        return None;
    }
    if i < end && toks[i] == *first {
        match_at(rest, toks, i + 1, end).map(|n| n + 1)
    } else {
        None
    }
}

/// Every occurrence of every phrase in `toks[range]`, in order, not overlapping (at each place
/// the phrase with the most words wins).
pub fn find_all(toks: &[String], phrases: &[String], range: Range<usize>) -> Vec<Found> {
    let mut pats: Vec<Vec<String>> = phrases
        .iter()
        .map(|p| pattern(p))
        .filter(|v| !v.is_empty())
        .collect();
    pats.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let end = range.end.min(toks.len());
    let mut out = Vec::new();
    let mut i = range.start;
    while i < end {
        match pats.iter().find_map(|p| match_at(p, toks, i, end)) {
            Some(n) if n > 0 => {
                out.push(Found { word: i, len: n });
                i += n;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        text.split_whitespace().map(normalize).collect()
    }

    #[test]
    fn phrases_match_whole_words_longest_first_with_gaps() {
        let t = toks("Honestly I'm just terrible at this, I made a mistake.");
        let phrases = vec!["i'm * terrible".to_string(), "i made a mistake".to_string()];
        let f = find_all(&t, &phrases, 0..t.len());
        assert_eq!(
            f,
            vec![Found { word: 1, len: 3 }, Found { word: 6, len: 4 }]
        );
        // A gap stands for at most two words.
        let t = toks("I'm not at all really terrible");
        assert!(find_all(&t, &phrases, 0..t.len()).is_empty());
        // Whole words only.
        let t = toks("mistaken");
        assert!(find_all(&t, &["mistake".to_string()], 0..t.len()).is_empty());
    }
}
