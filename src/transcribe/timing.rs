//! Word-edge refinement from the audio's energy.
//!
//! Whisper's word times come from attention (DTW) or timestamp tokens and are often a couple of
//! hundred milliseconds off; worse, a word before a pause tends to swallow part of the pause.
//! The audio itself knows where sound is, so each word edge is moved to the nearest edge of
//! speech energy when that move is small and does not cross a neighbouring word.

use super::Word;

/// Frame hop of the energy envelope, seconds.
pub const FRAME_S: f64 = 0.01;

/// Speech/silence decision per 10 ms frame.
#[derive(Debug, Clone)]
pub struct Activity {
    pub speech: Vec<bool>,
    /// Threshold used, dBFS (for diagnostics).
    pub threshold_db: f32,
}

impl Activity {
    fn frame_of(&self, t: f64) -> usize {
        ((t / FRAME_S).floor().max(0.0) as usize).min(self.speech.len().saturating_sub(1))
    }
    fn is_speech(&self, i: usize) -> bool {
        self.speech.get(i).copied().unwrap_or(false)
    }

    /// Silent stretches of at least `min_s` seconds, as (start, end) in seconds; leading and
    /// trailing silence included.
    pub fn silences(&self, min_s: f64) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.speech.len() {
            if self.speech[i] {
                i += 1;
                continue;
            }
            let j = (i..self.speech.len())
                .find(|&k| self.speech[k])
                .unwrap_or(self.speech.len());
            let (a, b) = (i as f64 * FRAME_S, j as f64 * FRAME_S);
            if b - a >= min_s {
                out.push((a, b));
            }
            i = j;
        }
        out
    }
}

/// Frame levels in dBFS (RMS over 10 ms at 16 kHz).
pub fn frame_levels_db(samples: &[f32], rate: u32) -> Vec<f32> {
    let hop = ((rate as f64) * FRAME_S) as usize;
    samples
        .chunks(hop.max(1))
        .map(|c| {
            let e: f32 = c.iter().map(|x| x * x).sum::<f32>() / c.len() as f32;
            if e <= 1e-12 { -120.0 } else { 10.0 * e.log10() }
        })
        .collect()
}

/// Classifies frames as speech or silence with a threshold set between the noise floor and the
/// speech level of this recording, so that a quiet voice in a quiet room and a loud voice over
/// fan noise are both handled.
pub fn detect_activity(samples: &[f32], rate: u32) -> Activity {
    let levels = frame_levels_db(samples, rate);
    if levels.is_empty() {
        return Activity {
            speech: Vec::new(),
            threshold_db: 0.0,
        };
    }
    let mut sorted = levels.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| sorted[((sorted.len() - 1) as f64 * p) as usize];
    let floor = pct(0.10).max(-90.0);
    let loud = pct(0.95);
    // 12 dB over the floor keeps breath and room tone out; loud - 40 dB keeps soft consonants in
    // when the floor is digital silence.
    let threshold = (floor + 12.0).max(loud - 40.0).min(loud - 6.0);
    let mut speech: Vec<bool> = levels.iter().map(|&l| l > threshold).collect();
    // Fill short gaps: stop closures and the dip between syllables are part of speech.
    fill_runs(&mut speech, false, 12);
    // Drop isolated clicks.
    fill_runs(&mut speech, true, 3);
    Activity {
        speech,
        threshold_db: threshold,
    }
}

/// Flips interior runs of `value` shorter than `max_len` frames.
fn fill_runs(v: &mut [bool], value: bool, max_len: usize) {
    let n = v.len();
    let mut i = 0;
    while i < n {
        if v[i] != value {
            i += 1;
            continue;
        }
        let j = (i..n).find(|&k| v[k] != value).unwrap_or(n);
        if i > 0 && j < n && j - i < max_len {
            v[i..j].iter_mut().for_each(|x| *x = !value);
        }
        i = j;
    }
}

/// Largest move of a word edge, seconds: beyond this the energy edge belongs to something else.
const MAX_SHIFT_S: f64 = 0.35;

/// Moves word edges onto speech edges. Words stay in order and never overlap.
pub fn snap_to_energy(words: &mut [Word], act: &Activity) {
    if act.speech.is_empty() {
        return;
    }
    let n = words.len();
    for i in 0..n {
        let (s, e) = (words[i].start_s, words[i].end_s);
        let prev_end = if i > 0 { words[i - 1].end_s } else { 0.0 };
        let next_start = if i + 1 < n {
            words[i + 1].start_s
        } else {
            f64::INFINITY
        };
        let fs = act.frame_of(s);
        let fe = act.frame_of((e - 1e-6).max(s));
        let any_speech = (fs..=fe).any(|k| act.is_speech(k));

        let mut new_s = s;
        if act.is_speech(fs) {
            // Walk back to the onset of this stretch of speech, if it is close and after the
            // previous word.
            let mut k = fs;
            while k > 0 && act.is_speech(k - 1) {
                k -= 1;
            }
            let onset = k as f64 * FRAME_S;
            if onset >= prev_end && s - onset <= MAX_SHIFT_S {
                new_s = onset;
            }
        } else {
            // Starts in silence: the word begins where sound does.
            let limit = if any_speech {
                fe
            } else {
                act.frame_of(s + MAX_SHIFT_S)
            };
            if let Some(k) = (fs..=limit).find(|&k| act.is_speech(k)) {
                let t = k as f64 * FRAME_S;
                if t < next_start && t - s <= MAX_SHIFT_S.max(e - s) {
                    new_s = t;
                }
            }
        }

        let mut new_e = e.max(new_s);
        if act.is_speech(fe) {
            let mut k = fe;
            while k + 1 < act.speech.len() && act.is_speech(k + 1) {
                k += 1;
            }
            let offset = (k + 1) as f64 * FRAME_S;
            if offset <= next_start && offset - e <= MAX_SHIFT_S {
                new_e = offset;
            }
        } else if any_speech {
            // Ends in silence: cut the word where its sound stops.
            if let Some(k) = (act.frame_of(new_s)..=fe).rev().find(|&k| act.is_speech(k)) {
                new_e = (k + 1) as f64 * FRAME_S;
            }
        }
        if new_e < new_s + 0.02 {
            new_e = (new_s + 0.02).min(next_start.max(new_s));
        }
        words[i].start_s = round_ms(new_s);
        words[i].end_s = round_ms(new_e);
    }
    super::words::make_monotonic(words);
}

fn round_ms(t: f64) -> f64 {
    (t * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 16 kHz signal: silence, tone between the given spans.
    fn signal(spans: &[(f64, f64)], total: f64) -> Vec<f32> {
        let n = (total * 16_000.0) as usize;
        (0..n)
            .map(|i| {
                let t = i as f64 / 16_000.0;
                if spans.iter().any(|&(a, b)| t >= a && t < b) {
                    (2.0 * std::f64::consts::PI * 200.0 * t).sin() as f32 * 0.3
                } else {
                    0.0
                }
            })
            .collect()
    }

    fn w(text: &str, s: f64, e: f64) -> Word {
        Word {
            text: text.into(),
            start_s: s,
            end_s: e,
            p: 1.0,
        }
    }

    #[test]
    fn silences_are_found() {
        let x = signal(&[(0.5, 1.5), (3.0, 4.0)], 5.0);
        let act = detect_activity(&x, 16_000);
        let s = act.silences(1.0);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(
            (s[0].0 - 1.5).abs() < 0.02 && (s[0].1 - 3.0).abs() < 0.02,
            "{s:?}"
        );
    }

    #[test]
    fn edges_move_onto_speech_and_out_of_pauses() {
        let x = signal(&[(0.5, 1.5), (3.0, 4.0)], 5.0);
        let act = detect_activity(&x, 16_000);
        // The first word swallowed half the pause; the second starts 200 ms late.
        let mut words = vec![w("one", 0.6, 2.3), w("two", 3.2, 3.9)];
        snap_to_energy(&mut words, &act);
        assert!((words[0].start_s - 0.5).abs() < 0.02, "{words:?}");
        assert!((words[0].end_s - 1.5).abs() < 0.02, "{words:?}");
        assert!((words[1].start_s - 3.0).abs() < 0.02, "{words:?}");
        assert!((words[1].end_s - 4.0).abs() < 0.02, "{words:?}");
    }

    #[test]
    fn words_inside_continuous_speech_stay_put() {
        let x = signal(&[(0.5, 3.5)], 4.0);
        let act = detect_activity(&x, 16_000);
        let mut words = vec![w("a", 0.5, 1.4), w("b", 1.4, 2.2), w("c", 2.2, 3.5)];
        snap_to_energy(&mut words, &act);
        assert!((words[1].start_s - 1.4).abs() < 1e-9 && (words[1].end_s - 2.2).abs() < 1e-9);
    }

    #[test]
    fn short_gaps_inside_words_are_speech() {
        let x = signal(&[(0.5, 1.0), (1.06, 1.5)], 2.0);
        let act = detect_activity(&x, 16_000);
        assert!(act.silences(0.05).iter().all(|&(a, _)| a < 0.5 || a > 1.4));
    }
}
