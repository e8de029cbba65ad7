//! Repetition in the words: the most used content words, sentence openings that repeat, and
//! crutch words, each with its count.

use super::super::delivery_data::DeliverySettings;
use super::super::sentences::normalize;
use super::super::types::{Analysis, FillerKind, Opening, Repetition, WordCount};

/// Content words listed.
const TOP_WORDS: usize = 6;
/// A content word is listed when used at least this often.
const TOP_MIN_COUNT: usize = 3;

fn tally(counts: &mut Vec<WordCount>, text: &str, word: usize) {
    match counts.iter_mut().find(|c| c.text == text) {
        Some(c) => c.count += 1,
        None => counts.push(WordCount {
            text: text.to_string(),
            count: 1,
            first_word: word,
        }),
    }
}

fn by_count(counts: &mut [WordCount]) {
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.first_word.cmp(&b.first_word)));
}

/// Counts repetition in the analysis's words.
pub fn count(a: &Analysis, s: &DeliverySettings) -> Repetition {
    let toks: Vec<String> = a.words.iter().map(|w| normalize(&w.text)).collect();
    let stop = |t: &str| s.stopwords.iter().any(|w| w == t);
    let crutch = |t: &str| s.crutch_words.iter().any(|w| w == t);

    let mut words: Vec<WordCount> = Vec::new();
    let mut crutches: Vec<WordCount> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.is_empty() {
            continue;
        }
        if crutch(t) {
            tally(&mut crutches, t, i);
        }
        let numeric = t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '%' || c == '-');
        if !a.words[i].filler && !stop(t) && !crutch(t) && !numeric && t.chars().count() >= 3 {
            tally(&mut words, t, i);
        }
    }
    by_count(&mut words);
    words.retain(|w| w.count >= TOP_MIN_COUNT);
    words.truncate(TOP_WORDS);
    by_count(&mut crutches);
    crutches.retain(|w| w.count >= 2);

    // Openings: the sentence's first words after any hesitation ("Um, so ..." opens with
    // "so"), matched against the openers list, longest first.
    let mut openers: Vec<Vec<&str>> = s
        .openers
        .iter()
        .map(|o| o.split_whitespace().collect())
        .filter(|v: &Vec<&str>| !v.is_empty())
        .collect();
    openers.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let mut openings: Vec<Opening> = Vec::new();
    for (k, sent) in a.sentences.iter().enumerate() {
        let range = sent.first_word..sent.first_word + sent.n_words;
        let mut start = range.start;
        while start < range.end && (toks[start].is_empty() || is_hesitation(a, start)) {
            start += 1;
        }
        let rest = &toks[start..range.end];
        let Some(hit) = openers
            .iter()
            .find(|o| o.len() <= rest.len() && o.iter().zip(rest).all(|(x, y)| *x == y))
        else {
            continue;
        };
        let text = hit.join(" ");
        match openings.iter_mut().find(|o| o.text == text) {
            Some(o) => o.sentences.push(k),
            None => openings.push(Opening {
                text,
                sentences: vec![k],
            }),
        }
    }
    openings.retain(|o| o.sentences.len() >= 2);
    openings.sort_by(|x, y| {
        y.sentences
            .len()
            .cmp(&x.sentences.len())
            .then(x.sentences[0].cmp(&y.sentences[0]))
    });
    Repetition {
        top_words: words,
        openings,
        crutch_words: crutches,
        sentences: a.sentences.len(),
    }
}

/// A hesitation ("um", "uh") is skipped before an opening; other fillers ("you know") are
/// openings in their own right.
fn is_hesitation(a: &Analysis, i: usize) -> bool {
    a.fillers
        .iter()
        .any(|f| f.word == i && f.kind == FillerKind::Hesitation)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::test_analysis;

    #[test]
    fn openings_crutch_words_and_content_words_are_counted() {
        let a = test_analysis(
            "So we shipped the release. Um, so the release broke billing. So I rolled back the \
             release. And then I really fixed the billing job. And then I really wrote a test. \
             Honestly it was really hard.",
            None,
        );
        let r = &a.delivery.repetition;
        assert_eq!(r.sentences, 6);
        assert_eq!(r.openings[0].text, "so");
        assert_eq!(r.openings[0].sentences, vec![0, 1, 2]);
        assert_eq!(r.openings[1].text, "and then");
        assert_eq!(r.openings[1].sentences.len(), 2);
        assert_eq!(r.crutch_words[0].text, "really");
        assert_eq!(r.crutch_words[0].count, 3);
        assert_eq!(r.top_words[0].text, "release");
        assert_eq!(r.top_words[0].count, 3);
        assert!(
            !r.top_words
                .iter()
                .any(|w| w.text == "the" || w.text == "really")
        );
    }

    #[test]
    fn nothing_repeats_in_a_varied_answer() {
        let a = test_analysis(
            "We shipped on Friday. Billing broke for a day. I rolled back within the hour.",
            None,
        );
        let r = &a.delivery.repetition;
        assert!(r.openings.is_empty() && r.crutch_words.is_empty() && r.top_words.is_empty());
    }
}
