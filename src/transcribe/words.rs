//! Sub-word tokens to words: Whisper's BPE tokens carry a leading space where a word begins, so
//! words are runs of tokens from one leading space to the next, with punctuation attached.

use super::types::{TimestampMethod, Word};

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

impl RawSegment {
    /// The segment's text, its tokens' bytes joined, trimmed.
    fn text(&self) -> String {
        let bytes: Vec<u8> = self
            .tokens
            .iter()
            .flat_map(|t| t.bytes.iter().copied())
            .collect();
        String::from_utf8_lossy(&bytes).trim().to_string()
    }

    /// Whether the segment's text holds a non-speech annotation, such as "[Music]".
    pub fn has_annotation(&self) -> bool {
        !super::import::annotation_spans(&self.text()).is_empty()
    }

    /// Whether the segment's whole text is one non-speech annotation, such as "[BLANK_AUDIO]".
    pub fn is_annotation(&self) -> bool {
        let text = self.text();
        super::import::annotation_spans(&text)
            .first()
            .is_some_and(|r| r.start == 0 && r.end == text.len())
    }
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
    }
    let mut words: Vec<Word> = Vec::new();
    let mut seg_ranges = Vec::with_capacity(segments.len());
    for seg in segments {
        let first = words.len();
        if seg.is_annotation() {
            // "[BLANK_AUDIO]" over silence (what is left after the engine decoded any over
            // speech again) is not a word the speaker said.
            seg_ranges.push((first, 0));
            continue;
        }
        let mut cur: Option<Acc> = None;
        let flush = |cur: &mut Option<Acc>, words: &mut Vec<Word>| {
            if let Some(a) = cur.take() {
                let text = String::from_utf8_lossy(&a.bytes).trim().to_string();
                if !text.is_empty() {
                    words.push(Word {
                        text,
                        start_s: a.start,
                        end_s: a.end,
                        p: if a.n > 0 { a.p_sum / a.n as f32 } else { 0.0 },
                    });
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
                flush(&mut cur, &mut words);
                cur = Some(Acc {
                    bytes: Vec::new(),
                    p_sum: 0.0,
                    n: 0,
                    start: tok.t0,
                    end: tok.t1,
                });
            }
            if let Some(a) = cur.as_mut() {
                a.bytes.extend_from_slice(&tok.bytes);
                a.p_sum += tok.p;
                a.n += 1;
                a.end = a.end.max(tok.t1);
            }
        }
        flush(&mut cur, &mut words);
        seg_ranges.push((first, words.len() - first));
        if method == TimestampMethod::Dtw {
            apply_dtw_times(seg, &mut words[first..]);
        }
    }
    make_monotonic(&mut words);
    (words, seg_ranges)
}

/// Correction added to every DTW time, seconds. Even read as token ends, whisper.cpp's DTW times
/// run late: measured with `scripts/eval/flite_word_times.py` + `word_edge_bias.py` (3,258 words,
/// flite voices awb, kal, rms, slt: mean +0.09 s on every voice, +0.08 to +0.11) and on the real
/// monologue's forced alignment (median about +0.07 s). -0.07 s took the word start error from
/// 0.104 to 0.068 s on the flite words and from 0.087 to 0.050 s on the monologue; -0.10 s began
/// to cost a false pause on the monologue, so the correction stays below the measured bias.
pub const DTW_LATE_S: f64 = 0.07;

/// Sets word times from DTW. whisper.cpp's DTW time for a token is where the alignment path
/// leaves it, i.e. where the token *ends* (measured against a checked forced alignment: taking
/// it as the start put every word about 0.3 s late). A word therefore runs from the DTW time of
/// the token before it to that of its own last token, less [`DTW_LATE_S`]. The first word of a
/// segment has no token before it; its start comes from the timestamp tokens, and energy
/// snapping refines it. A punctuation token's span often swallows a pause, so the word after it
/// starts late; `timing::snap_to_energy` looks back to the previous word's end for its sound.
fn apply_dtw_times(seg: &RawSegment, words: &mut [Word]) {
    // Per text token: its DTW time and whether it begins a word; punctuation tokens keep their
    // place in the sequence because their DTW time closes the word before them.
    let mut ends: Vec<f64> = Vec::new();
    let mut word_of_token: Vec<Option<usize>> = Vec::new();
    let mut w = 0usize;
    let mut started = false;
    for tok in &seg.tokens {
        let punct = is_punctuation_only(&tok.bytes);
        if !punct && (tok.bytes.first() == Some(&b' ') || !started) {
            if started {
                w += 1;
            }
            started = true;
        }
        ends.push(if tok.t_dtw < 0.0 {
            tok.t_dtw
        } else {
            (tok.t_dtw - DTW_LATE_S).max(0.0)
        });
        word_of_token.push(if punct || !started { None } else { Some(w) });
    }
    if ends.iter().any(|&t| t < 0.0) {
        return; // DTW was off or failed for this segment: keep the token timestamps
    }
    for (wi, word) in words.iter_mut().enumerate() {
        let toks: Vec<usize> = (0..ends.len())
            .filter(|&k| word_of_token[k] == Some(wi))
            .collect();
        let (Some(&first), Some(&last)) = (toks.first(), toks.last()) else {
            continue;
        };
        let end = ends[last];
        let start = if first > 0 {
            ends[first - 1]
        } else {
            word.start_s.min(end - 0.02).max(seg.t0)
        };
        word.start_s = start.min(end);
        word.end_s = end;
    }
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
    fn a_segment_that_is_only_an_annotation_gives_no_words() {
        let seg = |toks: &[&str]| RawSegment {
            t0: 0.0,
            t1: 1.0,
            tokens: toks.iter().map(|t| tok(t, 0.0, 1.0)).collect(),
        };
        let segs = [
            seg(&[" It", " went", " out."]),
            seg(&[" [", "BL", "ANK", "_", "AUDIO", "]"]),
            seg(&[" Then", " [", "laughs", "]", " we", " left."]),
        ];
        let (w, ranges) = merge(&segs, TimestampMethod::Token);
        let texts: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert!(!texts.iter().any(|t| t.contains("AUDIO")), "{texts:?}");
        assert_eq!(ranges[1], (3, 0));
        // An annotation among words is left as Whisper wrote it.
        assert_eq!(texts[..3], ["It", "went", "out."]);
        assert_eq!(texts.len(), 3 + ranges[2].1);
    }

    #[test]
    fn dtw_times_mark_token_ends() {
        let seg = RawSegment {
            t0: 0.0,
            t1: 2.0,
            tokens: vec![
                tok(" a", 0.0, 0.5),
                tok(",", 0.5, 0.5),
                tok(" b", 0.6, 1.0),
                tok("c", 1.0, 1.2),
            ],
        };
        let (w, _) = merge(&[seg], TimestampMethod::Dtw);
        // " a" ends at its DTW time (0.01, early-corrected and kept >= 0); " b" starts where the
        // comma ends (0.51) and ends where its last token "c" does (1.01), both less DTW_LATE_S.
        assert!(w[0].end_s.abs() < 1e-9, "{w:?}");
        assert!((w[1].start_s - (0.51 - DTW_LATE_S)).abs() < 1e-9, "{w:?}");
        assert!((w[1].end_s - (1.01 - DTW_LATE_S)).abs() < 1e-9, "{w:?}");
        assert_eq!(w[1].text, "bc");
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
