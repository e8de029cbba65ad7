//! Sub-word tokens to words: Whisper's BPE tokens carry a leading space where a word begins, so
//! words are runs of tokens from one leading space to the next, with punctuation attached.

use super::{TimestampMethod, Word};

/// One decoded text token with everything whisper.cpp knows about its timing.
#[derive(Debug, Clone, PartialEq)]
pub struct RawToken {
    pub bytes: Vec<u8>,
    pub p: f32,
    /// Token-timestamp start and end, seconds.
    pub t0: f64,
    pub t1: f64,
    /// DTW time point, seconds (negative when DTW was off).
    pub t_dtw: f64,
}

/// A segment as whisper.cpp returned it, text tokens only.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSegment {
    pub t0: f64,
    pub t1: f64,
    pub tokens: Vec<RawToken>,
}

fn is_punctuation_only(bytes: &[u8]) -> bool {
    let s = String::from_utf8_lossy(bytes);
    let t = s.trim();
    !t.is_empty() && t.chars().all(|c| !c.is_alphanumeric())
}

/// Merges the tokens of all segments into words. Returns the words and, per segment, the index
/// of its first word and its word count.
pub fn merge(segments: &[RawSegment], method: TimestampMethod) -> (Vec<Word>, Vec<(usize, usize)>) {
    struct Acc {
        bytes: Vec<u8>,
        p_sum: f32,
        n: usize,
        start: f64,
        end: f64,
        dtw_start: f64,
    }
    let mut words: Vec<Word> = Vec::new();
    // DTW start of the first token of each word, used to close the previous word.
    let mut dtw_starts: Vec<f64> = Vec::new();
    let mut seg_ranges = Vec::with_capacity(segments.len());

    for seg in segments {
        let first = words.len();
        let mut cur: Option<Acc> = None;
        let flush = |cur: &mut Option<Acc>, words: &mut Vec<Word>, dtw: &mut Vec<f64>| {
            if let Some(a) = cur.take() {
                let text = String::from_utf8_lossy(&a.bytes).trim().to_string();
                if !text.is_empty() {
                    words.push(Word {
                        text,
                        start_s: a.start,
                        end_s: a.end,
                        p: if a.n > 0 { a.p_sum / a.n as f32 } else { 0.0 },
                    });
                    dtw.push(a.dtw_start);
                }
            }
        };
        for tok in &seg.tokens {
            let starts_word = tok.bytes.first() == Some(&b' ');
            let punct = is_punctuation_only(&tok.bytes);
            if punct {
                // Punctuation belongs to the word before it and must not stretch its timing.
                match cur.as_mut() {
                    Some(a) => a.bytes.extend_from_slice(tok.bytes.trim_ascii_start()),
                    None => {
                        if words.len() > first
                            && let Some(w) = words.last_mut()
                        {
                            w.text.push_str(String::from_utf8_lossy(&tok.bytes).trim());
                        }
                    }
                }
                continue;
            }
            if starts_word || cur.is_none() {
                flush(&mut cur, &mut words, &mut dtw_starts);
                cur = Some(Acc {
                    bytes: Vec::new(),
                    p_sum: 0.0,
                    n: 0,
                    start: tok.t0,
                    end: tok.t1,
                    dtw_start: tok.t_dtw,
                });
            }
            if let Some(a) = cur.as_mut() {
                a.bytes.extend_from_slice(&tok.bytes);
                a.p_sum += tok.p;
                a.n += 1;
                a.end = a.end.max(tok.t1);
            }
        }
        flush(&mut cur, &mut words, &mut dtw_starts);
        seg_ranges.push((first, words.len() - first));
        if method == TimestampMethod::Dtw {
            // A DTW time is a point where the token starts; a word therefore runs from its first
            // token's point to the next word's, and the last word of a segment to the segment's
            // end. Energy snapping later trims any silence this swallows.
            for i in first..words.len() {
                let start = dtw_starts[i];
                if start < 0.0 {
                    continue;
                }
                let next = if i + 1 < words.len() {
                    dtw_starts[i + 1]
                } else {
                    seg.t1.max(words[i].end_s)
                };
                words[i].start_s = start;
                words[i].end_s = if next > start { next } else { start + 0.05 };
            }
        }
    }
    make_monotonic(&mut words);
    (words, seg_ranges)
}

/// Word times must never run backwards or overlap: later stages measure gaps between words.
/// Starts are made non-decreasing, and a word that runs into the next one is cut at its start.
pub fn make_monotonic(words: &mut [Word]) {
    for i in 0..words.len() {
        if i > 0 && words[i].start_s < words[i - 1].start_s {
            words[i].start_s = words[i - 1].start_s;
        }
        if words[i].end_s < words[i].start_s {
            words[i].end_s = words[i].start_s;
        }
        if i > 0 && words[i - 1].end_s > words[i].start_s {
            words[i - 1].end_s = words[i].start_s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(s: &str, t0: f64, t1: f64) -> RawToken {
        RawToken {
            bytes: s.as_bytes().to_vec(),
            p: 0.9,
            t0,
            t1,
            t_dtw: t0 + 0.01,
        }
    }

    #[test]
    fn tokens_become_words_with_punctuation_attached() {
        let seg = RawSegment {
            t0: 0.0,
            t1: 3.0,
            tokens: vec![
                tok(" And", 0.0, 0.3),
                tok(" so", 0.3, 0.5),
                tok(" Amer", 0.5, 0.8),
                tok("icans", 0.8, 1.2),
                tok(",", 1.2, 1.2),
                tok(" don", 1.5, 1.7),
                tok("'t", 1.7, 1.9),
                tok(".", 1.9, 1.9),
            ],
        };
        let (w, ranges) = merge(&[seg], TimestampMethod::Token);
        let texts: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["And", "so", "Americans,", "don't."]);
        assert_eq!(w[2].start_s, 0.5);
        assert_eq!(w[2].end_s, 1.2);
        assert_eq!(w[3].end_s, 1.9);
        assert_eq!(ranges, vec![(0, 4)]);
    }

    #[test]
    fn dtw_words_run_to_the_next_word() {
        let seg = RawSegment {
            t0: 0.0,
            t1: 2.0,
            tokens: vec![tok(" a", 0.0, 0.5), tok(" b", 0.5, 1.0)],
        };
        let (w, _) = merge(&[seg], TimestampMethod::Dtw);
        assert!((w[0].start_s - 0.01).abs() < 1e-9);
        assert!((w[0].end_s - 0.51).abs() < 1e-9);
        assert!((w[1].end_s - 2.0).abs() < 1e-9);
    }

    #[test]
    fn multibyte_characters_split_across_tokens_are_joined() {
        let e = "é".as_bytes();
        let seg = RawSegment {
            t0: 0.0,
            t1: 1.0,
            tokens: vec![
                RawToken {
                    bytes: vec![b' ', b'c', b'a', b'f', e[0]],
                    p: 1.0,
                    t0: 0.0,
                    t1: 0.4,
                    t_dtw: -1.0,
                },
                RawToken {
                    bytes: vec![e[1]],
                    p: 1.0,
                    t0: 0.4,
                    t1: 0.6,
                    t_dtw: -1.0,
                },
            ],
        };
        let (w, _) = merge(&[seg], TimestampMethod::Token);
        assert_eq!(w[0].text, "café");
    }

    #[test]
    fn overlapping_times_are_made_monotonic() {
        let mut w = vec![
            Word {
                text: "a".into(),
                start_s: 1.0,
                end_s: 2.0,
                p: 1.0,
            },
            Word {
                text: "b".into(),
                start_s: 0.5,
                end_s: 0.8,
                p: 1.0,
            },
        ];
        make_monotonic(&mut w);
        assert_eq!(w[1].start_s, 1.0);
        assert_eq!(w[0].end_s, 1.0);
        assert!(w[1].end_s >= w[1].start_s);
    }
}
