//! Pitch (F0) of a voice over time: samples in, one F0 value (or "unvoiced") per 10 ms out.
//!
//! The method is Boersma's autocorrelation pitch tracker (Boersma 1993, "Accurate short-term
//! analysis of the fundamental frequency and the harmonics-to-noise ratio of a sampled sound",
//! IFA Proceedings 17), the one behind Praat's `To Pitch...`, with Praat's standard settings, so
//! that its figures can be checked against Praat's (`scripts/eval-delivery.sh`):
//!
//! 1. each 40 ms Hann-windowed frame's autocorrelation, divided by the window's own, gives
//!    candidate periods at its peaks, each with a strength (the correlation there);
//! 2. a frame much quieter than the loudest moment of the recording leans unvoiced;
//! 3. a Viterbi pass picks one candidate per frame (or "unvoiced") so that strong candidates win
//!    and octave jumps and voiced/unvoiced flips cost: this is what keeps a frame where the
//!    second harmonic correlates a little better from jumping an octave up (or a subharmonic
//!    from jumping one down), the classic failure of a frame-by-frame tracker.
//!
//! For speed the signal is first low-passed and decimated to about 8 kHz: F0 and the harmonics
//! that decide it lie far below 4 kHz, and the autocorrelation then costs a quarter. Frames
//! that are too quiet to be voiced skip the autocorrelation altogether.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

/// The tracker's settings; [`PitchSettings::default`] is Praat's standard for speech.
#[derive(Debug, Clone, PartialEq)]
pub struct PitchSettings {
    /// Lowest F0 looked for (Hz); it also sets the window: three periods of it.
    pub floor_hz: f64,
    /// Highest F0 accepted (Hz).
    pub ceiling_hz: f64,
    /// Distance between frames (s).
    pub step_s: f64,
    /// Frames whose peak is below this share of the recording's peak lean unvoiced.
    pub silence_threshold: f64,
    /// Strength of the "unvoiced" candidate: a frame's best correlation must beat it.
    pub voicing_threshold: f64,
    /// Favours higher candidates, per octave (every subharmonic of F0 correlates as well as F0).
    pub octave_cost: f64,
    /// Cost of an octave jump between neighbouring frames (per 10 ms).
    pub octave_jump_cost: f64,
    /// Cost of switching between voiced and unvoiced (per 10 ms).
    pub voiced_unvoiced_cost: f64,
    /// Candidates kept per frame (besides "unvoiced").
    pub max_candidates: usize,
    /// The rate the analysis runs at, at least: the input is decimated by the largest whole
    /// factor that stays at or above it.
    pub min_analysis_rate: u32,
}

impl Default for PitchSettings {
    fn default() -> Self {
        // Praat's "To Pitch..." standard values (Praat manual, "Sound: To Pitch (ac)...").
        PitchSettings {
            floor_hz: 75.0,
            ceiling_hz: 600.0,
            step_s: 0.01,
            silence_threshold: 0.03,
            voicing_threshold: 0.45,
            octave_cost: 0.01,
            octave_jump_cost: 0.35,
            voiced_unvoiced_cost: 0.14,
            max_candidates: 15,
            min_analysis_rate: 8_000,
        }
    }
}

/// F0 over time: frame `i` is centred at `t0_s + i * step_s`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PitchTrack {
    pub t0_s: f64,
    pub step_s: f64,
    /// F0 in Hz; 0 where the frame is unvoiced (silence, noise, a voiceless consonant).
    pub f0_hz: Vec<f32>,
}

impl PitchTrack {
    /// Centre time of frame `i`.
    pub fn time(&self, i: usize) -> f64 {
        self.t0_s + i as f64 * self.step_s
    }

    /// Frames whose centres fall in `[start_s, end_s)`.
    pub fn frames_in(&self, start_s: f64, end_s: f64) -> std::ops::Range<usize> {
        if self.f0_hz.is_empty()
            || self.step_s.is_nan()
            || self.step_s <= 0.0
            || end_s.is_nan()
            || end_s <= start_s
        {
            return 0..0;
        }
        let idx = |t: f64| {
            let k = ((t - self.t0_s) / self.step_s).ceil();
            if k.is_nan() || k <= 0.0 {
                0
            } else {
                (k as usize).min(self.f0_hz.len())
            }
        };
        idx(start_s)..idx(end_s)
    }

    /// F0 of the voiced frames in `[start_s, end_s)`.
    pub fn voiced_in(&self, start_s: f64, end_s: f64) -> impl Iterator<Item = f32> + '_ {
        self.f0_hz[self.frames_in(start_s, end_s)]
            .iter()
            .copied()
            .filter(|&f| f > 0.0)
    }
}

/// The F0 track of mono `samples` at `rate` Hz with Praat's standard settings.
pub fn track(samples: &[f32], rate: u32) -> PitchTrack {
    track_with(samples, rate, &PitchSettings::default())
}

/// The F0 track of mono `samples` at `rate` Hz.
pub fn track_with(samples: &[f32], rate: u32, s: &PitchSettings) -> PitchTrack {
    let empty = PitchTrack {
        t0_s: 0.0,
        step_s: s.step_s,
        f0_hz: Vec::new(),
    };
    if rate == 0 || samples.is_empty() || !(s.floor_hz > 0.0 && s.ceiling_hz > s.floor_hz) {
        return empty;
    }
    let factor = (rate / s.min_analysis_rate.max(1)).max(1) as usize;
    let decimated;
    let (x, fs): (&[f32], f64) = if factor > 1 {
        decimated = decimate(samples, factor);
        (&decimated, f64::from(rate) / factor as f64)
    } else {
        (samples, f64::from(rate))
    };
    let Some(an) = Analyzer::new(fs, s) else {
        return empty;
    };
    let duration = x.len() as f64 / fs;
    // Frames are counted on the nominal window (three periods of the floor), as Praat does.
    let window_s = 3.0 / s.floor_hz;
    if duration < window_s + s.step_s {
        return empty;
    }
    let n_frames = ((duration - window_s) / s.step_s).floor() as usize + 1;
    // Frames sit symmetrically in the signal, as Praat places them.
    let t0_s = 0.5 * (duration - (n_frames - 1) as f64 * s.step_s);
    let mean = x.iter().map(|&v| f64::from(v)).sum::<f64>() / x.len() as f64;
    let global_peak = x
        .iter()
        .map(|&v| (f64::from(v) - mean).abs())
        .fold(0.0f64, f64::max);
    if global_peak <= 0.0 || !global_peak.is_finite() {
        return PitchTrack {
            t0_s,
            step_s: s.step_s,
            f0_hz: vec![0.0; n_frames],
        };
    }
    let mut scratch = an.scratch();
    let mut frames = Frames::with_capacity(n_frames, 4);
    for i in 0..n_frames {
        let t = t0_s + i as f64 * s.step_s;
        an.frame(x, t, global_peak, &mut scratch, &mut frames);
    }
    let f0_hz = viterbi(&frames, s);
    PitchTrack {
        t0_s,
        step_s: s.step_s,
        f0_hz,
    }
}

/// Low-pass at 0.45 of the output rate (a windowed sinc) and keep every `factor`-th sample.
/// Output sample `k` is input sample `k * factor`, filtered with zero phase, so times line up.
fn decimate(x: &[f32], factor: usize) -> Vec<f32> {
    // About 8 zero crossings each side of the sinc: -50 dB stopband with a Blackman window,
    // far more than the F0 estimate needs, at 16 * factor multiplies per output sample.
    let half = 8 * factor;
    let cutoff = 0.45 / factor as f64; // of the input rate
    let taps: Vec<f32> = (0..=2 * half)
        .map(|k| {
            let d = k as f64 - half as f64;
            let sinc = if d == 0.0 {
                2.0 * cutoff
            } else {
                (2.0 * std::f64::consts::PI * cutoff * d).sin() / (std::f64::consts::PI * d)
            };
            let w = 0.42
                + 0.5 * (std::f64::consts::PI * d / (half as f64 + 1.0)).cos()
                + 0.08 * (2.0 * std::f64::consts::PI * d / (half as f64 + 1.0)).cos();
            (sinc * w) as f32
        })
        .collect();
    let gain: f32 = taps.iter().sum();
    let taps: Vec<f32> = taps.iter().map(|t| t / gain).collect();
    let n_out = x.len().div_ceil(factor);
    let mut out = Vec::with_capacity(n_out);
    for k in 0..n_out {
        let c = k * factor;
        let acc = if c >= half && c + half < x.len() {
            let seg = &x[c - half..=c + half];
            seg.iter().zip(&taps).map(|(a, b)| a * b).sum::<f32>()
        } else {
            // Edges: the signal is taken as zero outside.
            let mut acc = 0.0f32;
            for (j, t) in taps.iter().enumerate() {
                let idx = c as isize + j as isize - half as isize;
                if idx >= 0 && (idx as usize) < x.len() {
                    acc += x[idx as usize] * t;
                }
            }
            acc
        };
        out.push(acc);
    }
    out
}

/// Candidates of every frame, flat: frame `i` owns `cands[start[i]..start[i + 1]]`. Each frame
/// also keeps its intensity (local peak over global peak).
struct Frames {
    start: Vec<u32>,
    cands: Vec<Candidate>,
    intensity: Vec<f32>,
}

impl Frames {
    fn with_capacity(n: usize, per_frame: usize) -> Frames {
        let mut start = Vec::with_capacity(n + 1);
        start.push(0);
        Frames {
            start,
            cands: Vec::with_capacity(n * per_frame),
            intensity: Vec::with_capacity(n),
        }
    }
    fn len(&self) -> usize {
        self.intensity.len()
    }
    fn of(&self, i: usize) -> &[Candidate] {
        &self.cands[self.start[i] as usize..self.start[i + 1] as usize]
    }
    fn push(&mut self, intensity: f64, cands: &[Candidate]) {
        self.cands.extend_from_slice(cands);
        self.start.push(self.cands.len() as u32);
        self.intensity.push(intensity as f32);
    }
}

/// A voiced candidate: a period the frame's autocorrelation peaks at.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Candidate {
    f_hz: f32,
    /// Normalized autocorrelation at that period, 0..1.
    strength: f32,
}

/// Fixed per-rate parts of the analysis: window, its autocorrelation, FFT plans.
struct Analyzer {
    fs: f64,
    n_win: usize,
    half: usize,
    n_fft: usize,
    /// Lags searched for peaks: `2..max_lag`.
    max_lag: usize,
    /// Lags whose correlation is known (for interpolation): `0..=ix_max`.
    ix_max: usize,
    /// Samples in the longest period.
    n_period: usize,
    window: Vec<f32>,
    /// The window's normalized autocorrelation, `0..=ix_max`.
    window_r: Vec<f32>,
    fwd: Arc<dyn RealToComplex<f32>>,
    inv: Arc<dyn ComplexToReal<f32>>,
    settings: PitchSettings,
}

struct Scratch {
    frame: Vec<f32>,
    spec: Vec<Complex<f32>>,
    ac: Vec<f32>,
    /// Normalized autocorrelation `r[0..=ix_max]`.
    r: Vec<f32>,
    cands: Vec<Candidate>,
    fft_scratch: Vec<Complex<f32>>,
    ifft_scratch: Vec<Complex<f32>>,
}

/// Taps each side for the sinc interpolation of the autocorrelation.
const SINC_DEPTH: usize = 12;

impl Analyzer {
    fn new(fs: f64, s: &PitchSettings) -> Option<Analyzer> {
        let periods = 3.0;
        let n_win = (periods / s.floor_hz * fs).floor() as usize;
        let half = (n_win / 2).checked_sub(1)?;
        if half < 2 {
            return None;
        }
        let n_win = 2 * half;
        let n_fft = ((n_win as f64 * 1.5).ceil() as usize).next_power_of_two();
        let max_lag = ((n_win as f64 / periods).floor() as usize + 2).min(n_win);
        let ix_max = n_win / 2;
        let n_period = (fs / s.floor_hz).floor() as usize;
        let window: Vec<f32> = (1..=n_win)
            .map(|i| {
                (0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / (n_win as f64 + 1.0)).cos())
                    as f32
            })
            .collect();
        let mut planner = RealFftPlanner::<f32>::new();
        let fwd = planner.plan_fft_forward(n_fft);
        let inv = planner.plan_fft_inverse(n_fft);
        let mut an = Analyzer {
            fs,
            n_win,
            half,
            n_fft,
            max_lag,
            ix_max,
            n_period,
            window,
            window_r: Vec::new(),
            fwd,
            inv,
            settings: s.clone(),
        };
        let mut sc = an.scratch();
        sc.frame[..n_win].copy_from_slice(&an.window);
        an.autocorrelate(&mut sc);
        let r0 = sc.ac[0];
        if r0.is_nan() || r0 <= 0.0 {
            return None;
        }
        an.window_r = sc.ac[..=ix_max].iter().map(|v| v / r0).collect();
        Some(an)
    }

    fn scratch(&self) -> Scratch {
        Scratch {
            frame: vec![0.0; self.n_fft],
            spec: self.fwd.make_output_vec(),
            ac: vec![0.0; self.n_fft],
            r: vec![0.0; self.ix_max + 1],
            cands: Vec::with_capacity(self.settings.max_candidates + 1),
            fft_scratch: self.fwd.make_scratch_vec(),
            ifft_scratch: self.inv.make_scratch_vec(),
        }
    }

    /// `sc.ac` = autocorrelation of `sc.frame` (zero-padded), through the power spectrum.
    /// Leaves `sc.frame` clobbered (the FFT works in place).
    fn autocorrelate(&self, sc: &mut Scratch) {
        // The lengths are the plans' own, so these cannot fail; a failure would leave a zero
        // correlation, which reads as unvoiced.
        if self
            .fwd
            .process_with_scratch(&mut sc.frame, &mut sc.spec, &mut sc.fft_scratch)
            .is_err()
        {
            sc.ac.fill(0.0);
            return;
        }
        for c in sc.spec.iter_mut() {
            *c = Complex::new(c.norm_sqr(), 0.0);
        }
        if self
            .inv
            .process_with_scratch(&mut sc.spec, &mut sc.ac, &mut sc.ifft_scratch)
            .is_err()
        {
            sc.ac.fill(0.0);
        }
    }

    /// Analyzes the frame centred at `t` and appends its candidates to `out`.
    fn frame(&self, x: &[f32], t: f64, global_peak: f64, sc: &mut Scratch, out: &mut Frames) {
        let s = &self.settings;
        // The sample at or just left of t (sample k sits at (k + 0.5) / fs).
        let left = ((t * self.fs - 0.5).floor().max(0.0) as usize).min(x.len() - 1);
        let right = left + 1;
        // Local mean over one longest period each side: speech rides on slow drifts (breath,
        // a DC offset) that would otherwise correlate at every lag.
        let (m0, m1) = (
            right.saturating_sub(self.n_period),
            (left + self.n_period).min(x.len() - 1),
        );
        let mean = x[m0..=m1].iter().map(|&v| f64::from(v)).sum::<f64>() / (m1 - m0 + 1) as f64;
        let mean = mean as f32;
        let w0 = right as isize - self.half as isize;
        for j in 0..self.n_win {
            let idx = w0 + j as isize;
            let v = if idx >= 0 && (idx as usize) < x.len() {
                x[idx as usize] - mean
            } else {
                0.0
            };
            sc.frame[j] = v * self.window[j];
        }
        sc.frame[self.n_win..].fill(0.0);
        // Peak within half a longest period of the centre.
        let hp = self.n_period / 2 + 1;
        let (p0, p1) = (
            (self.half + 1).saturating_sub(hp),
            (self.half + hp).min(self.n_win),
        );
        let local_peak = sc.frame[p0..p1].iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let intensity = (f64::from(local_peak) / global_peak).min(1.0);
        // Below this the unvoiced candidate is stronger than any voiced one could be, and the
        // path can never prefer voicing here (see `viterbi`): skip the correlation.
        let certainly_unvoiced = s.silence_threshold / (1.0 + s.voicing_threshold);
        if local_peak <= 0.0 || intensity <= certainly_unvoiced {
            out.push(intensity, &[]);
            return;
        }
        self.autocorrelate(sc);
        let r0 = sc.ac[0];
        if r0.is_nan() || r0 <= 0.0 || r0.is_infinite() {
            out.push(intensity, &[]);
            return;
        }
        sc.r[0] = 1.0;
        for i in 1..=self.ix_max {
            sc.r[i] = sc.ac[i] / (r0 * self.window_r[i]);
        }
        // Peaks of the correlation: candidate periods.
        sc.cands.clear();
        let min_r = 0.5 * s.voicing_threshold as f32;
        let r = &sc.r;
        for i in 2..self.max_lag.min(self.ix_max) {
            if !(r[i] > min_r && r[i] > r[i - 1] && r[i] >= r[i + 1]) {
                continue;
            }
            let dr = 0.5 * (r[i + 1] - r[i - 1]);
            let d2r = 2.0 * r[i] - r[i - 1] - r[i + 1];
            let lag = if d2r > 0.0 {
                i as f64 + f64::from(dr / d2r)
            } else {
                i as f64
            };
            let (lag, mut strength) = refine(r, lag, interpolate(r, lag));
            if strength > 1.0 {
                // A short window can overshoot; reflect around 1.
                strength = 1.0 / strength;
            }
            let c = Candidate {
                f_hz: (self.fs / lag) as f32,
                strength: strength as f32,
            };
            let weight = |c: &Candidate| {
                f64::from(c.strength) - s.octave_cost * (s.floor_hz / f64::from(c.f_hz)).log2()
            };
            if sc.cands.len() < s.max_candidates {
                sc.cands.push(c);
            } else if let Some((k, weakest)) = sc
                .cands
                .iter()
                .enumerate()
                .map(|(k, c)| (k, weight(c)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                && weight(&c) > weakest
            {
                sc.cands[k] = c;
            }
        }
        out.push(intensity, &sc.cands);
    }
}

/// The correlation at fractional lag `x`, by windowed sinc interpolation of `r` (which is
/// symmetric: `r[-i] = r[i]`; beyond its end it is taken as zero).
fn interpolate(r: &[f32], x: f64) -> f64 {
    let n = x.floor();
    let frac = x - n;
    if frac == 0.0 {
        return at(r, n as isize);
    }
    let n = n as isize;
    let depth = SINC_DEPTH as isize;
    // sin(pi (frac - k)) = (-1)^k sin(pi frac): one sine for all taps; the raised-cosine
    // window's angle steps by a constant, so it turns by rotation instead of a cosine per tap.
    let s = (std::f64::consts::PI * frac).sin();
    let span = depth as f64 + 0.5;
    let step = std::f64::consts::PI / span;
    let (ds, dc) = step.sin_cos();
    let mut sum = 0.0;
    // Taps k = -(depth-1) ..= depth around n: distance d = frac - k.
    let k0 = -(depth - 1);
    let a0 = std::f64::consts::PI * (frac - k0 as f64) / span;
    let (mut sa, mut ca) = a0.sin_cos();
    let mut sign = if k0.rem_euclid(2) == 0 { 1.0 } else { -1.0 };
    for k in k0..=depth {
        let d = frac - k as f64;
        let w = 0.5 + 0.5 * ca;
        sum += at(r, n + k) * sign * s / (std::f64::consts::PI * d) * w;
        // Next tap: the angle decreases by `step`.
        let (s2, c2) = (sa * dc - ca * ds, ca * dc + sa * ds);
        sa = s2;
        ca = c2;
        sign = -sign;
    }
    sum
}

fn at(r: &[f32], i: isize) -> f64 {
    let k = i.unsigned_abs();
    r.get(k).map_or(0.0, |&v| f64::from(v))
}

/// The maximum of the interpolated correlation near `lag` (a first estimate, from a parabola
/// through the integer lags): one more parabola through the interpolated correlation a quarter
/// sample either side. Returns the lag and the value there.
fn refine(r: &[f32], lag: f64, at_lag: f64) -> (f64, f64) {
    const H: f64 = 0.25;
    let (lo, hi) = (interpolate(r, lag - H), interpolate(r, lag + H));
    let d2 = 2.0 * at_lag - lo - hi;
    if d2.is_nan() || d2 <= 0.0 {
        return (lag, at_lag);
    }
    let shift = (0.5 * H * (hi - lo) / d2).clamp(-H, H);
    let peak = at_lag + 0.25 * (hi - lo) * shift / H;
    (lag + shift, peak.max(at_lag))
}

/// The best path through every frame's candidates (Boersma 1993, section 5): each frame's
/// candidates score their strength (voiced ones favoured a little towards higher F0; the
/// unvoiced one by how quiet the frame is), and moving between frames costs per octave jumped
/// or per voicing change. Returns F0 per frame, 0 for unvoiced.
fn viterbi(frames: &Frames, s: &PitchSettings) -> Vec<f32> {
    let n = frames.len();
    if n == 0 {
        return Vec::new();
    }
    let per_step = 0.01 / s.step_s;
    let jump_cost = s.octave_jump_cost * per_step;
    let vuv_cost = s.voiced_unvoiced_cost * per_step;
    let ceiling = s.ceiling_hz;
    // Candidate 0 of every frame is "unvoiced"; 1.. are the frame's voiced candidates.
    let score = |i: usize, k: usize| -> f64 {
        if k == 0 {
            let q = 2.0
                - f64::from(frames.intensity[i])
                    / (s.silence_threshold / (1.0 + s.voicing_threshold));
            return s.voicing_threshold + q.max(0.0);
        }
        let c = frames.of(i)[k - 1];
        let f = f64::from(c.f_hz);
        if !(f > 0.0 && f < ceiling) {
            // Too high to be a voice: scores as unvoiced would, but is an F0 no one keeps.
            return f64::NEG_INFINITY;
        }
        f64::from(c.strength) - s.octave_cost * (ceiling / f).log2()
    };
    let freq = |i: usize, k: usize| -> f64 {
        if k == 0 {
            0.0
        } else {
            f64::from(frames.of(i)[k - 1].f_hz)
        }
    };
    // back[start[i] + i + k]: the previous frame's candidate on the best path to (i, k).
    let mut back: Vec<u8> = Vec::with_capacity(frames.cands.len() + n);
    let mut prev: Vec<f64> = (0..=frames.of(0).len()).map(|k| score(0, k)).collect();
    back.extend(std::iter::repeat_n(0u8, prev.len()));
    let mut cur: Vec<f64> = Vec::new();
    for i in 1..n {
        cur.clear();
        let m = frames.of(i).len();
        for k in 0..=m {
            let f2 = freq(i, k);
            let mut best = f64::NEG_INFINITY;
            let mut arg = 0usize;
            for (j, &pj) in prev.iter().enumerate() {
                let f1 = freq(i - 1, j);
                let cost = match (f1 > 0.0, f2 > 0.0) {
                    (false, false) => 0.0,
                    (true, true) => jump_cost * (f1 / f2).log2().abs(),
                    _ => vuv_cost,
                };
                let v = pj - cost;
                if v > best {
                    best = v;
                    arg = j;
                }
            }
            cur.push(best + score(i, k));
            back.push(arg as u8);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    // Backtrack from the best end.
    let mut k = prev
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(k, _)| k);
    let mut f0 = vec![0.0f32; n];
    for i in (0..n).rev() {
        f0[i] = freq(i, k) as f32;
        let base = frames.start[i] as usize + i;
        k = back[base + k] as usize;
    }
    f0
}

#[cfg(test)]
mod tests {
    use super::*;

    const FS: u32 = 16_000;

    /// A voice-like tone: F0 plus harmonics falling 6 dB per octave, with F0 following `f0(t)`.
    fn voice(seconds: f64, amp: f32, f0: impl Fn(f64) -> f64) -> Vec<f32> {
        let n = (seconds * f64::from(FS)) as usize;
        let mut phase = 0.0f64;
        (0..n)
            .map(|k| {
                let t = k as f64 / f64::from(FS);
                phase += 2.0 * std::f64::consts::PI * f0(t) / f64::from(FS);
                let mut v = 0.0;
                for h in 1..=8 {
                    v += (phase * h as f64).sin() / h as f64;
                }
                amp * (v / 1.6) as f32
            })
            .collect()
    }

    fn semitones(a: f64, b: f64) -> f64 {
        12.0 * (a / b).log2()
    }

    /// Deterministic white noise in [-amp, amp].
    fn noise(n: usize, amp: f32, seed: u64) -> Vec<f32> {
        let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * amp
            })
            .collect()
    }

    #[test]
    fn steady_tones_are_found_within_a_tenth_of_a_semitone() {
        for f in [85.0, 120.0, 180.0, 240.0, 330.0, 450.0] {
            let x = voice(1.0, 0.3, |_| f);
            let t = track(&x, FS);
            let v: Vec<f32> = t.voiced_in(0.1, 0.9).collect();
            assert!(v.len() >= 75, "{f} Hz: {} voiced frames", v.len());
            for got in v {
                let e = semitones(f64::from(got), f);
                assert!(e.abs() < 0.1, "{f} Hz: got {got} ({e:+.2} st)");
            }
        }
    }

    #[test]
    fn a_glide_is_followed() {
        // 110 -> 220 Hz over 2 s, exponentially: one octave.
        let f = |t: f64| 110.0 * 2f64.powf(t / 2.0);
        let x = voice(2.0, 0.3, f);
        let tr = track(&x, FS);
        let mut n = 0;
        for i in tr.frames_in(0.1, 1.9) {
            let got = f64::from(tr.f0_hz[i]);
            assert!(got > 0.0, "frame {i} unvoiced");
            let e = semitones(got, f(tr.time(i)));
            assert!(
                e.abs() < 0.3,
                "t={:.2}: {got:.1} Hz ({e:+.2} st)",
                tr.time(i)
            );
            n += 1;
        }
        assert!(n > 150);
    }

    #[test]
    fn missing_fundamental_does_not_jump_an_octave() {
        // Harmonics 2..6 only, the way a telephone band cuts a low male voice: the period is
        // still the fundamental's, though no energy sits at it.
        let f = 100.0;
        let n = FS as usize;
        let x: Vec<f32> = (0..n)
            .map(|k| {
                let t = k as f64 / f64::from(FS);
                (2..=6)
                    .map(|h| (2.0 * std::f64::consts::PI * f * h as f64 * t).sin() * 0.06)
                    .sum::<f64>() as f32
            })
            .collect();
        let tr = track(&x, FS);
        let v: Vec<f32> = tr.voiced_in(0.1, 0.9).collect();
        assert!(v.len() > 70);
        for got in v {
            assert!(semitones(f64::from(got), f).abs() < 0.2, "{got}");
        }
    }

    #[test]
    fn strong_second_harmonic_does_not_jump_an_octave_up() {
        // The octave-up trap: the second harmonic is twice as strong as the fundamental, and
        // every other period is a little different (as in creaky voice), so frame by frame the
        // half period correlates nearly as well. The path must stay at F0.
        let f = 120.0;
        let n = FS as usize;
        let x: Vec<f32> = (0..n)
            .map(|k| {
                let t = k as f64 / f64::from(FS);
                let w = 2.0 * std::f64::consts::PI * f * t;
                (0.12 * w.sin() + 0.25 * (2.0 * w).sin() + 0.05 * (3.0 * w).sin()) as f32
            })
            .collect();
        let tr = track(&x, FS);
        let v: Vec<f32> = tr.voiced_in(0.1, 0.9).collect();
        assert!(v.len() > 70);
        let wrong = v
            .iter()
            .filter(|&&g| semitones(f64::from(g), f).abs() > 1.0)
            .count();
        assert_eq!(wrong, 0, "{v:?}");
    }

    #[test]
    fn silence_and_digital_zero_are_unvoiced() {
        let tr = track(&vec![0.0; FS as usize], FS);
        assert!(!tr.f0_hz.is_empty());
        assert!(tr.f0_hz.iter().all(|&f| f == 0.0));
        // Speech, then near-silence: the quiet half is unvoiced.
        let mut x = voice(1.0, 0.3, |_| 150.0);
        x.extend(noise(FS as usize, 0.0005, 1));
        let tr = track(&x, FS);
        assert!(tr.voiced_in(1.1, 2.0).count() == 0);
        assert!(tr.voiced_in(0.1, 0.9).count() > 70);
    }

    #[test]
    fn white_noise_is_mostly_unvoiced() {
        let x = noise(2 * FS as usize, 0.3, 7);
        let tr = track(&x, FS);
        let voiced = tr.f0_hz.iter().filter(|&&f| f > 0.0).count();
        assert!(
            voiced * 20 < tr.f0_hz.len(),
            "{voiced} of {} frames voiced",
            tr.f0_hz.len()
        );
    }

    #[test]
    fn a_tone_in_noise_is_still_found() {
        let mut x = voice(2.0, 0.3, |_| 200.0);
        for (v, n) in x.iter_mut().zip(noise(2 * FS as usize, 0.03, 3)) {
            *v += n;
        }
        let tr = track(&x, FS);
        let v: Vec<f32> = tr.voiced_in(0.1, 1.9).collect();
        assert!(v.len() > 170, "{}", v.len());
        assert!(
            v.iter()
                .all(|&g| semitones(f64::from(g), 200.0).abs() < 0.2)
        );
    }

    #[test]
    fn clipped_voice_keeps_its_pitch() {
        let x: Vec<f32> = voice(1.0, 2.0, |_| 140.0)
            .into_iter()
            .map(|v| v.clamp(-1.0, 1.0))
            .collect();
        let tr = track(&x, FS);
        let v: Vec<f32> = tr.voiced_in(0.1, 0.9).collect();
        assert!(v.len() > 70);
        assert!(
            v.iter()
                .all(|&g| semitones(f64::from(g), 140.0).abs() < 0.2)
        );
    }

    #[test]
    fn other_rates_give_the_same_answer() {
        for rate in [8_000u32, 22_050, 44_100, 48_000] {
            let n = rate as usize;
            let x: Vec<f32> = (0..n)
                .map(|k| {
                    let t = k as f64 / f64::from(rate);
                    (1..=5)
                        .map(|h| {
                            (2.0 * std::f64::consts::PI * 160.0 * h as f64 * t).sin() / h as f64
                        })
                        .sum::<f64>() as f32
                        * 0.2
                })
                .collect();
            let tr = track(&x, rate);
            let v: Vec<f32> = tr.voiced_in(0.1, 0.9).collect();
            assert!(v.len() > 70, "{rate}");
            assert!(
                v.iter()
                    .all(|&g| semitones(f64::from(g), 160.0).abs() < 0.1),
                "{rate}: {v:?}"
            );
        }
    }

    #[test]
    fn short_or_empty_input_gives_an_empty_track() {
        assert!(track(&[], FS).f0_hz.is_empty());
        assert!(track(&[0.1; 100], FS).f0_hz.is_empty());
        assert!(track(&[0.1; 1000], 0).f0_hz.is_empty());
    }

    #[test]
    fn frames_are_centred_and_found_by_time() {
        let x = voice(1.0, 0.3, |_| 150.0);
        let tr = track(&x, FS);
        // 1 s, 40 ms window, 10 ms step: 97 frames, the first at 0.02 s.
        assert_eq!(tr.f0_hz.len(), 97);
        assert!((tr.t0_s - 0.02).abs() < 1e-9, "{}", tr.t0_s);
        let r = tr.frames_in(0.5, 0.6);
        assert_eq!(r.len(), 10);
        assert!(tr.time(r.start) >= 0.5 && tr.time(r.start - 1) < 0.5);
        assert_eq!(tr.frames_in(0.6, 0.5), 0..0);
        assert_eq!(tr.frames_in(-5.0, 100.0), 0..97);
    }

    #[test]
    fn interpolation_is_exact_at_integers_and_smooth_between() {
        let r: Vec<f32> = (0..80).map(|i| (i as f32 * 0.1).cos()).collect();
        assert_eq!(interpolate(&r, 10.0), f64::from(r[10]));
        let mid = interpolate(&r, 10.5);
        assert!((mid - (1.05f64).cos()).abs() < 0.01, "{mid}");
    }
}
