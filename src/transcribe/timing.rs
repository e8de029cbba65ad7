//! Word-edge refinement from the audio's energy.
//!
//! Whisper's word times come from attention (DTW) or timestamp tokens and are often a couple of
//! hundred milliseconds off; worse, DTW hands the silence of a pause to a neighbouring word (or
//! to a punctuation token), and the first word of a segment has no DTW start at all. The audio
//! itself knows where sound is: the recording is cut into stretches of speech separated by
//! silence, every word is placed in the stretch that holds the end of its DTW span, and the
//! edges of each stretch become the outer edges of its first and last word. Boundaries between
//! words inside one stretch stay where DTW put them.

use super::types::Word;

/// Frame hop of the energy envelope, seconds.
pub const FRAME_S: f64 = 0.01;

/// Speech/silence decision per 10 ms frame.
#[derive(Debug, Clone)]
pub struct Activity {
    pub speech: Vec<bool>,
    /// Threshold used, dBFS of the high-passed signal (for diagnostics).
    pub threshold_db: f32,
}

impl Activity {
    /// Silent stretches of at least `min_s` seconds, as (start, end) in seconds; leading and
    /// trailing silence included.
    pub fn silences(&self, min_s: f64) -> Vec<(f64, f64)> {
        runs_of(&self.speech, false)
            .into_iter()
            .filter(|&(a, b)| b - a >= min_s)
            .collect()
    }

    /// Stretches of speech, as (start, end) in seconds, in order.
    pub fn speech_runs(&self) -> Vec<(f64, f64)> {
        runs_of(&self.speech, true)
    }
}

/// Maximal runs of `value` in `v`, in seconds.
pub(crate) fn runs_of(v: &[bool], value: bool) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        if v[i] != value {
            i += 1;
            continue;
        }
        let j = (i..v.len()).find(|&k| v[k] != value).unwrap_or(v.len());
        out.push((i as f64 * FRAME_S, j as f64 * FRAME_S));
        i = j;
    }
    out
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

/// Corner of the high-pass filter applied before measuring energy, Hz. Room rumble, handling
/// thumps and mains hum sit below it while voices hardly do: on the real monologue in
/// `shared/real-speech` the 0-100 Hz band carries 10-25 dB more energy in pauses than the
/// 300-1000 Hz band, and without the filter a quiet "um" (-28 dBFS) and the pause after it
/// (-35 dBFS) could not be told apart (word start error 0.21 s instead of 0.09 s).
pub(crate) const HIGH_PASS_HZ: f64 = 200.0;

/// One biquad section (RBJ cookbook high-pass), run in f64 for stability at low corners.
pub(crate) struct HighPass {
    b: [f64; 3],
    a: [f64; 2],
    x: [f64; 2],
    y: [f64; 2],
}

impl HighPass {
    pub(crate) fn new(rate: u32, hz: f64, q: f64) -> Self {
        let w0 = 2.0 * std::f64::consts::PI * hz / rate as f64;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * q);
        let a0 = 1.0 + alpha;
        HighPass {
            b: [
                (1.0 + cos) / 2.0 / a0,
                -(1.0 + cos) / a0,
                (1.0 + cos) / 2.0 / a0,
            ],
            a: [-2.0 * cos / a0, (1.0 - alpha) / a0],
            x: [0.0; 2],
            y: [0.0; 2],
        }
    }

    pub(crate) fn step(&mut self, x: f64) -> f64 {
        let y = self.b[0] * x + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x, self.x[0]];
        self.y = [y, self.y[0]];
        y
    }
}

/// The two biquads of a 4th-order Butterworth high-pass at [`HIGH_PASS_HZ`].
pub(crate) fn butterworth_high_pass(rate: u32) -> [HighPass; 2] {
    [
        HighPass::new(rate, HIGH_PASS_HZ, 0.541_196_1),
        HighPass::new(rate, HIGH_PASS_HZ, 1.306_563),
    ]
}

/// The signal through a 4th-order Butterworth high-pass at [`HIGH_PASS_HZ`] (two biquads with
/// the Butterworth Q values).
fn high_pass(samples: &[f32], rate: u32) -> Vec<f32> {
    if rate == 0 || (rate as f64) <= 2.0 * HIGH_PASS_HZ {
        return samples.to_vec();
    }
    let [mut s1, mut s2] = butterworth_high_pass(rate);
    samples
        .iter()
        .map(|&x| s2.step(s1.step(x as f64)) as f32)
        .collect()
}

/// Level over the noise floor (10th percentile of frame levels) above which a frame is speech,
/// dB. On the real monologue the floor of the high-passed signal is about -48 dBFS, its pauses
/// -43..-52 and its quietest filler -34..-40; 8 dB puts the line between them (12 dB, the old
/// value, lost half of that "um"; 6 and 10 dB were measured too: start error 0.086 and 0.104 s
/// against 0.087 s at 8 dB).
const OVER_FLOOR_DB: f32 = 8.0;

/// Classifies frames as speech or silence with a threshold set between the noise floor and the
/// speech level of this recording, so that a quiet voice in a quiet room and a loud voice over
/// fan noise are both handled. Energy is measured above [`HIGH_PASS_HZ`].
pub fn detect_activity(samples: &[f32], rate: u32) -> Activity {
    let levels = frame_levels_db(&high_pass(samples, rate), rate);
    if levels.is_empty() {
        return Activity {
            speech: Vec::new(),
            threshold_db: 0.0,
        };
    }
    classify(&levels)
}

/// Speech/silence for frame levels (dBFS of the high-passed signal), with the threshold set
/// from these levels alone.
pub(crate) fn classify(levels: &[f32]) -> Activity {
    if levels.is_empty() {
        return Activity {
            speech: Vec::new(),
            threshold_db: 0.0,
        };
    }
    let mut sorted = levels.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| sorted[((sorted.len() - 1) as f64 * p) as usize];
    let floor = pct(0.10).max(-90.0);
    let loud = pct(0.95);
    // loud - 40 dB keeps soft consonants in when the floor is digital silence; loud - 6 dB keeps
    // some speech when the floor percentile lands inside it (a recording with no pauses).
    let threshold = (floor + OVER_FLOOR_DB).max(loud - 40.0).min(loud - 6.0);
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

/// A word whose end lies in silence is given the stretch before it only when at least this much
/// of that stretch lies after the previous word's end: otherwise the stretch is all the
/// previous word's and this word (a DTW slip into a long silence) keeps its own times.
const MIN_OWN_SOUND_S: f64 = 0.05;

/// Speech that no word claimed, this close to a word, is that word's: DTW sometimes puts a short
/// word in the next stretch of speech and leaves its own stretch empty (flite "we lost, maybe,
/// some..." left a 0.55 s orphan 0.22 s from "lost"; a limit of 0.2 s turned that into a false
/// 1 s pause, and 0.3 to 1.0 s all gave the same results on the monologue and flite dev set).
const ATTACH_ORPHAN_S: f64 = 0.3;

/// Moves word edges onto speech edges. Words stay in order and never overlap.
///
/// Each word is assigned to the stretch of speech that holds its end (with DTW, the end already
/// corrected by `words::DTW_LATE_S`; anchoring 0 to 0.08 s before the raw DTW end gave the same
/// results, 0.12 s put a short word after a segment boundary into the stretch before it). When
/// the end lies in silence, the word goes to the last stretch that ends after the previous
/// word's end and before its own (its sound was in its span and DTW ran on into the silence).
/// Words that nothing holds keep their times. Within a stretch, the first word starts where the
/// sound starts and the last ends where it stops; boundaries inside stay where DTW put them.
pub fn snap_to_energy(words: &mut [Word], act: &Activity) {
    let runs = act.speech_runs();
    if runs.is_empty() || words.is_empty() {
        return;
    }
    let n = words.len();
    let mut assign: Vec<Option<usize>> = vec![None; n];
    let mut first_free = 0;
    for (i, w) in words.iter().enumerate() {
        // A word's sound lies after the previous word's end even where a punctuation token's
        // DTW span (which often swallows a pause) moved its start later.
        let start = if i > 0 {
            w.start_s.min(words[i - 1].end_s)
        } else {
            w.start_s
        };
        let anchor = w.end_s.max(start);
        // First stretch (not before the previous word's) that ends after the anchor.
        let next = (first_free..runs.len()).find(|&k| runs[k].1 > anchor);
        let chosen = match next {
            Some(k) if runs[k].0 <= anchor => Some(k),
            _ => {
                let before = next.unwrap_or(runs.len());
                (before > first_free && runs[before - 1].1 > start + MIN_OWN_SOUND_S)
                    .then(|| before - 1)
            }
        };
        if let Some(k) = chosen {
            assign[i] = Some(k);
            first_free = k;
        }
    }

    // Place each group of words that share a stretch.
    let mut i = 0;
    while i < n {
        let Some(k) = assign[i] else {
            i += 1;
            continue;
        };
        let mut j = i;
        while j + 1 < n && assign[j + 1] == Some(k) {
            j += 1;
        }
        let (a, b) = runs[k];
        words[i].start_s = a;
        words[j].end_s = b;
        for m in i..j {
            let t = words[m].end_s.clamp(a, b);
            words[m].end_s = t;
            words[m + 1].start_s = t;
        }
        i = j + 1;
    }

    // Stretches no word claimed join a word that ends or starts close by.
    let mut claimed = vec![false; runs.len()];
    assign.iter().flatten().for_each(|&k| claimed[k] = true);
    for (k, &(a, b)) in runs.iter().enumerate() {
        if claimed[k] {
            continue;
        }
        let prev = (0..n).rev().find(|&i| assign[i].is_some_and(|r| r < k));
        let next = (0..n).find(|&i| assign[i].is_some_and(|r| r > k));
        let gap_prev = prev.map_or(f64::INFINITY, |i| a - words[i].end_s);
        let gap_next = next.map_or(f64::INFINITY, |i| words[i].start_s - b);
        match (prev, next) {
            (Some(i), _) if gap_prev <= gap_next && gap_prev <= ATTACH_ORPHAN_S => {
                words[i].end_s = b;
            }
            (_, Some(i)) if gap_next < gap_prev && gap_next <= ATTACH_ORPHAN_S => {
                words[i].start_s = a;
            }
            _ => {}
        }
    }
    for w in words.iter_mut() {
        w.start_s = round_ms(w.start_s);
        w.end_s = round_ms(w.end_s);
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
        // 0.9 s: the high-pass filter rings for a few milliseconds after the tone stops, so the
        // trailing silence measures a little under its 1.0 s.
        let s = act.silences(0.9);
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

    /// Each case: tone spans, words as whisper timed them, and the expected (start, end) of
    /// every word after snapping (20 ms tolerance).
    #[test]
    fn words_are_placed_in_the_speech_that_holds_their_end() {
        type Case = (&'static str, Vec<(f64, f64)>, Vec<Word>, Vec<(f64, f64)>);
        let cases: Vec<Case> = vec![
            (
                "a word whose DTW end ran into the pause is pulled back to its sound",
                vec![(0.5, 2.0), (3.5, 4.5)],
                vec![w("a", 0.5, 1.2), w("b", 1.2, 2.6), w("c", 3.4, 4.4)],
                vec![(0.5, 1.2), (1.2, 2.0), (3.5, 4.5)],
            ),
            (
                "a word after a punctuation token that swallowed the pause starts at its sound",
                vec![(0.5, 1.5), (2.5, 3.0), (3.03, 3.6)],
                vec![
                    w("cares.", 0.5, 1.5),
                    w("um,", 2.9, 2.92),
                    w("this", 2.92, 3.5),
                ],
                vec![(0.5, 1.5), (2.5, 2.92), (2.92, 3.6)],
            ),
            (
                "a short word whose span starts in the stretch before belongs to the next one",
                vec![(0.5, 2.0), (2.6, 3.5)],
                vec![
                    w("program.", 0.5, 1.9),
                    w("what", 1.9, 2.7),
                    w("i", 2.7, 3.4),
                ],
                vec![(0.5, 2.0), (2.6, 2.7), (2.7, 3.5)],
            ),
            (
                "speech no word claimed joins the word just before it",
                vec![(0.5, 1.4), (1.55, 1.9), (3.0, 3.5)],
                vec![w("intensity", 0.5, 1.3), w("we're", 1.3, 3.4)],
                vec![(0.5, 1.9), (3.0, 3.5)],
            ),
            (
                "a word in silence, far from any speech, keeps its times",
                vec![(0.5, 1.0), (4.0, 4.5)],
                vec![w("a", 0.5, 1.0), w("lost", 2.0, 2.5), w("b", 4.0, 4.4)],
                vec![(0.5, 1.0), (2.0, 2.5), (4.0, 4.5)],
            ),
        ];
        for (what, spans, mut words, want) in cases {
            let x = signal(&spans, 5.0);
            let act = detect_activity(&x, 16_000);
            snap_to_energy(&mut words, &act);
            let got: Vec<(f64, f64)> = words.iter().map(|w| (w.start_s, w.end_s)).collect();
            for ((gs, ge), (ws, we)) in got.iter().zip(&want) {
                assert!(
                    (gs - ws).abs() < 0.02 && (ge - we).abs() < 0.02,
                    "{what}: got {got:?}, want {want:?}"
                );
            }
        }
    }

    #[test]
    fn low_rumble_is_not_speech() {
        // A loud 50 Hz hum throughout, quiet 1 kHz "speech" in two spans: the hum must not hide
        // the pause between them.
        let n = 5 * 16_000;
        let x: Vec<f32> = (0..n)
            .map(|i| {
                let t = i as f64 / 16_000.0;
                let hum = 0.3 * (2.0 * std::f64::consts::PI * 50.0 * t).sin();
                let voice = if (0.5..1.5).contains(&t) || (3.0..4.0).contains(&t) {
                    0.05 * (2.0 * std::f64::consts::PI * 1000.0 * t).sin()
                } else {
                    0.0
                };
                (hum + voice) as f32
            })
            .collect();
        let act = detect_activity(&x, 16_000);
        let s = act.silences(1.0);
        assert!(
            s.iter()
                .any(|&(a, b)| (a - 1.5).abs() < 0.05 && (b - 3.0).abs() < 0.05),
            "{s:?}"
        );
    }

    #[test]
    fn short_gaps_inside_words_are_speech() {
        let x = signal(&[(0.5, 1.0), (1.06, 1.5)], 2.0);
        let act = detect_activity(&x, 16_000);
        assert!(
            act.silences(0.05)
                .iter()
                .all(|&(a, _)| !(0.5..=1.4).contains(&a))
        );
    }
}
