//! Pitch and level over words, sentences and sections: where the audio's tracks meet the words.

use super::super::delivery_data::DeliverySettings;
use super::super::types::{
    Analysis, Contour, LoudnessStats, PitchBaseline, PitchStats, SectionDelivery, SentenceDelivery,
};
use crate::audio::Voice;
use crate::audio::loudness::{LevelTrack, power_dbfs};
use crate::audio::pitch::PitchTrack;

/// A word's level is the mean power of its loudest frames, this share of them: word times run
/// a little into the silence around a word (Whisper's more than a forced aligner's), and a
/// mean over all its frames would read a word that ends early as a quiet one.
pub const WORD_LEVEL_SHARE: f64 = 0.5;

/// Frames further than this from the median (semitones) are tracking errors, not intonation:
/// no speaking voice leaps an octave and back within a syllable.
const OUTLIER_ST: f64 = 12.0;

/// A sentence needs this much voiced speech for its own variation to mean something (s).
const SENTENCE_MIN_VOICED_S: f64 = 0.5;

/// The contour has about this many points, and none closer than [`CONTOUR_MIN_STEP_S`].
const CONTOUR_POINTS: f64 = 1500.0;
const CONTOUR_MIN_STEP_S: f64 = 0.1;

/// Pitch statistics of a set of voiced frames.
#[derive(Debug, Clone, PartialEq)]
pub struct F0Stats {
    pub median_hz: f64,
    /// Standard deviation in semitones, octave outliers left out.
    pub sd_st: f64,
    /// 95th minus 5th percentile in semitones.
    pub range_st: f64,
    pub frames: usize,
}

/// Median, variation (SD in semitones around the median, frames an octave away dropped) and
/// range of voiced F0 values; `None` without any.
pub fn variation_st(f0: &[f32]) -> Option<F0Stats> {
    let mut v: Vec<f64> = f0
        .iter()
        .filter(|&&f| f > 0.0 && f.is_finite())
        .map(|&f| f64::from(f))
        .collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let median = percentile(&v, 0.5);
    let st: Vec<f64> = v
        .iter()
        .map(|f| 12.0 * (f / median).log2())
        .filter(|s| s.abs() <= OUTLIER_ST)
        .collect();
    let n = st.len() as f64;
    let mean = st.iter().sum::<f64>() / n;
    let sd = (st.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / n).sqrt();
    Some(F0Stats {
        median_hz: median,
        sd_st: sd,
        range_st: percentile(&st, 0.95) - percentile(&st, 0.05),
        frames: st.len(),
    })
}

/// Linear-interpolated percentile of sorted values.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let x = q * (sorted.len() - 1) as f64;
    let (i, frac) = (x.floor() as usize, x - x.floor());
    let next = sorted[(i + 1).min(sorted.len() - 1)];
    sorted[i] + (next - sorted[i]) * frac
}

fn round(x: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    (x * k).round() / k
}

/// What [`voice`] measures.
pub struct Measured {
    pub pitch: Option<PitchStats>,
    pub loudness: Option<LoudnessStats>,
    pub sentences: Vec<SentenceDelivery>,
    pub sections: Vec<SectionDelivery>,
    pub contour: Option<Contour>,
    pub word_levels: Vec<Option<f64>>,
}

/// A word's level: mean power of its loudest [`WORD_LEVEL_SHARE`] of frames.
fn word_power(level: &LevelTrack, start_s: f64, end_s: f64, scratch: &mut Vec<f32>) -> Option<f64> {
    if level.power.is_empty()
        || level.step_s.is_nan()
        || level.step_s <= 0.0
        || !start_s.is_finite()
    {
        return None;
    }
    let first = (start_s / level.step_s).floor().max(0.0) as usize;
    if first >= level.power.len() {
        return None;
    }
    let last = if end_s.is_finite() && end_s > start_s {
        ((end_s / level.step_s).ceil() as usize).clamp(first + 1, level.power.len())
    } else {
        first + 1
    };
    scratch.clear();
    scratch.extend_from_slice(&level.power[first..last]);
    let keep = ((scratch.len() as f64 * WORD_LEVEL_SHARE).ceil() as usize).max(1);
    let cut = scratch.len() - keep;
    if cut > 0 {
        scratch.select_nth_unstable_by(cut, |a, b| a.total_cmp(b));
    }
    let loud = &scratch[cut..];
    Some(loud.iter().map(|&p| f64::from(p)).sum::<f64>() / loud.len() as f64)
}

/// Duration-weighted mean power of the words in `range` (only those with a level).
fn words_power(a: &Analysis, powers: &[Option<f64>], range: std::ops::Range<usize>) -> Option<f64> {
    let (mut sum, mut dur) = (0.0, 0.0);
    for i in range {
        if let Some(p) = powers[i] {
            let d = (a.words[i].end_s - a.words[i].start_s).max(0.01);
            sum += p * d;
            dur += d;
        }
    }
    (dur > 0.0).then(|| sum / dur)
}

/// Voiced F0 of the frames inside the words of `range`, fillers left out.
fn f0_in_words(
    a: &Analysis,
    pitch: &PitchTrack,
    range: std::ops::Range<usize>,
    out: &mut Vec<f32>,
) {
    out.clear();
    let mut next = 0usize;
    for w in &a.words[range] {
        if w.filler {
            continue;
        }
        let r = pitch.frames_in(w.start_s, w.end_s);
        // Overlapping word times must not count a frame twice.
        let from = r.start.max(next);
        out.extend(
            pitch.f0_hz[from..r.end.max(from)]
                .iter()
                .copied()
                .filter(|&f| f > 0.0),
        );
        next = next.max(r.end);
    }
}

/// Measures pitch and level over the analysis's words, sentences and sections.
pub fn voice(
    a: &Analysis,
    voice: &Voice,
    baseline: Option<PitchBaseline>,
    s: &DeliverySettings,
) -> Measured {
    let step = voice.pitch.step_s;
    let mut scratch = Vec::new();
    let powers: Vec<Option<f64>> = a
        .words
        .iter()
        .map(|w| word_power(&voice.level, w.start_s, w.end_s, &mut scratch))
        .collect();
    let word_levels = powers
        .iter()
        .map(|p| p.map(|p| round(power_dbfs(p), 1)))
        .collect();

    // The whole answer.
    let mut f0 = Vec::new();
    f0_in_words(a, &voice.pitch, 0..a.words.len(), &mut f0);
    let pitch = variation_st(&f0).map(|st| {
        let voiced_s = st.frames as f64 * step;
        PitchStats {
            voiced_s: round(voiced_s, 1),
            median_hz: round(st.median_hz, 1),
            variation_st: (voiced_s >= s.min_voiced_s).then(|| round(st.sd_st, 2)),
            range_st: round(st.range_st, 2),
            baseline: baseline.clone(),
        }
    });

    // Sentences: pitch, level and whether the end trails off.
    let mut sentences = Vec::with_capacity(a.sentences.len());
    for (k, sent) in a.sentences.iter().enumerate() {
        let range = sent.first_word..sent.first_word + sent.n_words;
        f0_in_words(a, &voice.pitch, range.clone(), &mut f0);
        let st = variation_st(&f0);
        let level = words_power(a, &powers, range.clone()).map(power_dbfs);
        let (end_word, end_drop_db) = end_drop(a, &powers, range, s);
        sentences.push(SentenceDelivery {
            sentence: k,
            median_hz: st.as_ref().map(|x| round(x.median_hz, 1)),
            variation_st: st
                .as_ref()
                .filter(|x| x.frames as f64 * step >= SENTENCE_MIN_VOICED_S)
                .map(|x| round(x.sd_st, 2)),
            level_dbfs: level.map(|l| round(l, 1)),
            end_drop_db: end_drop_db.map(|d| round(d, 1)),
            end_word,
            trailing_off: end_drop_db.is_some_and(|d| d >= s.trailing_drop_db),
        });
    }

    // Sections, in framework order, their spans pooled.
    let sections = a
        .section_timing
        .iter()
        .filter_map(|st| {
            let spans: Vec<_> = a.sections.iter().filter(|x| x.id == st.id).collect();
            if spans.is_empty() {
                return None;
            }
            let mut all = Vec::new();
            let (mut p_sum, mut p_dur) = (0.0, 0.0);
            for sp in spans {
                let first = a.sentences[sp.first_sentence].first_word;
                let last = &a.sentences[sp.first_sentence + sp.n_sentences - 1];
                let range = first..last.first_word + last.n_words;
                f0_in_words(a, &voice.pitch, range.clone(), &mut f0);
                all.extend_from_slice(&f0);
                if let Some(p) = words_power(a, &powers, range) {
                    let d = sp.end_s - sp.start_s;
                    p_sum += p * d.max(0.01);
                    p_dur += d.max(0.01);
                }
            }
            let stats = variation_st(&all);
            Some(SectionDelivery {
                id: st.id.clone(),
                median_hz: stats.as_ref().map(|x| round(x.median_hz, 1)),
                variation_st: stats
                    .as_ref()
                    .filter(|x| x.frames as f64 * step >= SENTENCE_MIN_VOICED_S)
                    .map(|x| round(x.sd_st, 2)),
                level_dbfs: (p_dur > 0.0).then(|| round(power_dbfs(p_sum / p_dur), 1)),
            })
        })
        .collect();

    let speech = words_power(a, &powers, 0..a.words.len());
    let levels: Vec<f64> = sentences.iter().filter_map(|x| x.level_dbfs).collect();
    let judged = sentences.iter().filter(|x| x.end_drop_db.is_some()).count();
    let loudness = speech.map(|p| LoudnessStats {
        speech_dbfs: round(power_dbfs(p), 1),
        sentence_min_dbfs: levels.iter().copied().reduce(f64::min),
        sentence_max_dbfs: levels.iter().copied().reduce(f64::max),
        judged_sentences: judged,
        trailing_sentences: sentences.iter().filter(|x| x.trailing_off).count(),
    });

    Measured {
        pitch,
        loudness,
        sentences,
        sections,
        contour: contour(a, voice),
        word_levels,
    }
}

/// A sentence's end against the rest of it: the first word of its end and how many dB quieter
/// the end is (`None` for sentences too short to judge).
fn end_drop(
    a: &Analysis,
    powers: &[Option<f64>],
    range: std::ops::Range<usize>,
    s: &DeliverySettings,
) -> (Option<usize>, Option<f64>) {
    let words = &a.words[range.clone()];
    let n = words.iter().filter(|w| !w.filler).count();
    if n < s.trailing_min_words {
        return (None, None);
    }
    let total: f64 = words.iter().map(|w| (w.end_s - w.start_s).max(0.0)).sum();
    // From the last word back until the end holds its share of the speaking time, keeping at
    // least two words for the rest.
    let mut end = range.end;
    let mut acc = 0.0;
    while end > range.start + 2 && acc < s.trailing_end_share * total {
        end -= 1;
        acc += (a.words[end].end_s - a.words[end].start_s).max(0.0);
    }
    if end == range.end {
        return (None, None);
    }
    let body = words_power(a, powers, range.start..end);
    let tail = words_power(a, powers, end..range.end);
    match (body, tail) {
        (Some(b), Some(t)) => (Some(end), Some(power_dbfs(b) - power_dbfs(t))),
        _ => (None, None),
    }
}

/// Pitch (median of voiced frames) and level per step over the answer, for the charts.
fn contour(a: &Analysis, voice: &Voice) -> Option<Contour> {
    let (first, last) = (a.words.first()?, a.words.last()?);
    let (t0, t1) = (first.start_s.max(0.0), last.end_s);
    if t1.is_nan() || t1 <= t0 {
        return None;
    }
    let step = ((t1 - t0) / CONTOUR_POINTS).max(CONTOUR_MIN_STEP_S);
    let n = ((t1 - t0) / step).ceil() as usize;
    let mut f0 = Vec::with_capacity(n);
    let mut level = Vec::with_capacity(n);
    let mut buf: Vec<f32> = Vec::new();
    for k in 0..n {
        let (a0, a1) = (t0 + k as f64 * step, t0 + (k + 1) as f64 * step);
        buf.clear();
        buf.extend(voice.pitch.voiced_in(a0, a1));
        // A lone voiced frame is as likely a glitch as a syllable.
        f0.push((buf.len() >= 3).then(|| {
            let mid = buf.len() / 2;
            buf.select_nth_unstable_by(mid, |x, y| x.total_cmp(y));
            (buf[mid] * 10.0).round() / 10.0
        }));
        let l = voice
            .level
            .dbfs(a0, a1)
            .unwrap_or(crate::audio::loudness::SILENCE_DBFS);
        level.push(((l * 10.0).round() / 10.0) as f32);
    }
    Some(Contour {
        start_s: round(t0, 3),
        step_s: step,
        f0_hz: f0,
        level_dbfs: level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variation_is_the_sd_in_semitones_and_ignores_octave_errors() {
        // Alternating one semitone either side of 100 Hz: SD exactly 1 semitone.
        let up = (100.0 * 2f64.powf(1.0 / 12.0)) as f32;
        let down = (100.0 * 2f64.powf(-1.0 / 12.0)) as f32;
        let mut f: Vec<f32> = (0..200)
            .map(|i| if i % 2 == 0 { up } else { down })
            .collect();
        let s = variation_st(&f).expect("voiced");
        assert!((s.sd_st - 1.0).abs() < 1e-3, "{}", s.sd_st);
        assert_eq!(s.frames, 200);
        // A few octave jumps (tracking errors) and unvoiced frames change nothing.
        f.extend([up * 4.0, down / 4.0, 0.0, 0.0]);
        let t = variation_st(&f).expect("voiced");
        assert!((t.sd_st - 1.0).abs() < 1e-3 && t.frames == 200);
        // A flat voice: no variation; the same spread is the same in any register.
        let flat = vec![220.0f32; 50];
        assert_eq!(variation_st(&flat).map(|s| s.sd_st), Some(0.0));
        let low: Vec<f32> = f.iter().map(|x| x / 2.0).collect();
        assert!((variation_st(&low).expect("voiced").sd_st - 1.0).abs() < 1e-3);
        assert!(variation_st(&[0.0, 0.0]).is_none());
    }

    #[test]
    fn percentiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 0.5), 3.0);
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&v, 1.0), 5.0);
        assert!((percentile(&v, 0.95) - 4.8).abs() < 1e-9);
    }

    #[test]
    fn a_word_level_reads_its_loud_half() {
        // 10 frames of 0.1 (power) then 10 of silence: the word ends early, its level is the
        // voiced part's.
        let mut power = vec![0.1f32; 10];
        power.extend([0.0f32; 10]);
        let level = LevelTrack {
            step_s: 0.01,
            power,
        };
        let p = word_power(&level, 0.0, 0.2, &mut Vec::new()).expect("level");
        assert!((power_dbfs(p) + 10.0).abs() < 1e-6, "{}", power_dbfs(p));
        assert!(word_power(&level, 5.0, 6.0, &mut Vec::new()).is_none());
    }
}
