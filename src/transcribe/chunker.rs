//! Cutting speech into stretches at pauses as it arrives, so that a recording in progress can be
//! transcribed one finished stretch at a time.
//!
//! Every decision depends only on the samples up to a fixed grid point (every 0.1 s of audio),
//! never on when they arrived: a live recording fed in 5 ms blocks and the finished file fed in
//! one piece are cut at exactly the same places, so the live transcript and the offline one
//! hear the same stretches and come out the same.

use super::timing::{self, FRAME_S, HighPass};

/// Whisper hears a stretch in one window: never longer than this.
pub const MAX_STRETCH_S: f64 = 30.0;
/// A stretch is cut at the first pause after it has run this long. Every stretch costs a full
/// 30 s encoder pass however short it is, so fewer, longer stretches are faster; shorter ones
/// leave less to decode when the speaker stops. Measured (docs/measurements.md, "Every lever in
/// one table"): 20 s instead of 12 s cut the bundled sample from 6 stretches to 4 (8.4 s ->
/// 7.3 s) with the dev set's WER and filler recall unchanged (0.073, 34 of 51); recordings
/// under 30 s are decoded whole either way. 8 s and 10 s had cost the dev set WER.
pub const MIN_STRETCH_S: f64 = 20.0;
/// A silence this long ends a stretch.
pub const CUT_SILENCE_S: f64 = 0.3;
/// The cut falls this far into the silence: the end of the last word stays in its stretch.
const CUT_INTO_SILENCE_S: f64 = 0.15;
/// Without a pause, a stretch that reached [`MAX_STRETCH_S`] is cut at its latest silence past
/// this point (or hard at the maximum when there is none).
const MIN_FORCED_S: f64 = 5.0;
/// Decisions are taken every this many frames (0.1 s).
const STEP_FRAMES: usize = 10;

/// One stretch of audio, in samples at the chunker's rate: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stretch {
    pub start: usize,
    pub end: usize,
}

impl Stretch {
    pub fn start_s(&self, rate: u32) -> f64 {
        self.start as f64 / f64::from(rate)
    }
    pub fn len_s(&self, rate: u32) -> f64 {
        (self.end - self.start) as f64 / f64::from(rate)
    }
}

/// How the audio ends: see [`Chunker::finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The last stretch after those already cut (none if the audio ended on a cut).
    Last(Option<Stretch>),
    /// The whole recording is one stretch; the ones cut before are void.
    Whole(Stretch),
}

/// Finds where to cut mono audio fed to it in pieces of any size.
pub struct Chunker {
    hop: usize,
    filters: [HighPass; 2],
    /// The current, incomplete frame (high-passed samples).
    frame: Vec<f32>,
    /// Level of every complete frame so far, dBFS of the high-passed signal.
    levels: Vec<f32>,
    /// First frame of the open stretch.
    start_frame: usize,
    /// Next grid frame at which to decide.
    next_step: usize,
    samples: usize,
    limits: Limits,
}

/// The stretch rules in frames.
#[derive(Debug, Clone, Copy)]
struct Limits {
    min: usize,
    max: usize,
    cut_silence: usize,
    cut_into: usize,
    min_forced: usize,
}

impl Chunker {
    /// A chunker for audio at `rate` Hz (16 kHz for Whisper), cutting at the first pause after
    /// [`MIN_STRETCH_S`] unless the developers' `REHEARSE_TUNING` says `min_stretch=SECONDS`.
    pub fn new(rate: u32) -> Chunker {
        let min_s = super::whisper::Tuning::from_env()
            .ok()
            .and_then(|t| t.min_stretch_s)
            .unwrap_or(MIN_STRETCH_S);
        Chunker::with_min_stretch(rate, min_s)
    }

    /// A chunker that cuts at the first pause after `min_s` seconds.
    pub fn with_min_stretch(rate: u32, min_s: f64) -> Chunker {
        let frames = |s: f64| (s / FRAME_S).round() as usize;
        Chunker {
            hop: ((f64::from(rate) * FRAME_S) as usize).max(1),
            filters: timing::butterworth_high_pass(rate),
            frame: Vec::new(),
            levels: Vec::new(),
            start_frame: 0,
            next_step: STEP_FRAMES,
            samples: 0,
            limits: Limits {
                min: frames(min_s.min(MAX_STRETCH_S)),
                max: frames(MAX_STRETCH_S),
                cut_silence: frames(CUT_SILENCE_S),
                cut_into: frames(CUT_INTO_SILENCE_S),
                min_forced: frames(MIN_FORCED_S),
            },
        }
    }

    /// Feeds samples; returns the stretches they finished, in order.
    pub fn push(&mut self, samples: &[f32]) -> Vec<Stretch> {
        let mut done = Vec::new();
        for &x in samples {
            let [a, b] = &mut self.filters;
            let y = b.step(a.step(f64::from(x))) as f32;
            self.frame.push(y);
            self.samples += 1;
            if self.frame.len() == self.hop {
                let e: f32 = self.frame.iter().map(|x| x * x).sum::<f32>() / self.hop as f32;
                self.levels
                    .push(if e <= 1e-12 { -120.0 } else { 10.0 * e.log10() });
                self.frame.clear();
                while self.levels.len() >= self.next_step {
                    self.decide(self.next_step, &mut done);
                    self.next_step += STEP_FRAMES;
                }
            }
        }
        done
    }

    /// Ends the audio. A recording that fits in one Whisper window is decoded whole: cutting a
    /// short answer only costs it context (a 27 s monologue's WER went from 0.068 to 0.102 when
    /// cut at 12 s); the stretches cut so far are then void. Otherwise the open stretch (if it
    /// holds any samples) is the last one.
    pub fn finish(self) -> End {
        if self.samples <= self.limits.max * self.hop {
            return End::Whole(Stretch {
                start: 0,
                end: self.samples,
            });
        }
        let start = self.start_frame * self.hop;
        End::Last((self.samples > start).then_some(Stretch {
            start,
            end: self.samples,
        }))
    }

    /// Samples fed so far.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Cuts every stretch that is finished by frame `now` (exclusive).
    fn decide(&mut self, now: usize, done: &mut Vec<Stretch>) {
        let l = self.limits;
        while now - self.start_frame >= l.min {
            let window = &self.levels[self.start_frame..now];
            let act = timing::classify(window);
            let runs = timing::runs_of(&act.speech, false);
            let frame = |s: f64| (s / FRAME_S).round() as usize;
            let heard_speech = act.speech.iter().any(|&s| s);
            // The first pause long enough that starts once the stretch is long enough (a
            // pause still going on at `now` counts once it is long enough).
            let cut = runs
                .iter()
                .map(|&(a, b)| (frame(a), frame(b)))
                .find(|&(a, b)| heard_speech && a >= l.min && a > 0 && b - a >= l.cut_silence)
                .map(|(a, _)| a + l.cut_into)
                .or_else(|| {
                    (now - self.start_frame >= l.max).then(|| {
                        runs.iter()
                            .map(|&(a, b)| (frame(a) + frame(b)) / 2)
                            .rfind(|&m| m > l.min_forced && m <= l.max)
                            .unwrap_or(l.max)
                    })
                });
            let Some(cut) = cut else { break };
            let end = self.start_frame + cut;
            done.push(Stretch {
                start: self.start_frame * self.hop,
                end: end * self.hop,
            });
            self.start_frame = end;
        }
    }
}

/// The stretches of a whole recording, as the live path cuts them.
pub fn split(samples: &[f32], rate: u32) -> Vec<Stretch> {
    let mut c = Chunker::new(rate);
    let mut out = c.push(samples);
    match c.finish() {
        End::Last(last) => out.extend(last),
        End::Whole(whole) => out = vec![whole],
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 16_000;

    /// Noise-like "speech" in the given spans over a quiet floor, `total` seconds long.
    fn signal(spans: &[(f64, f64)], total: f64) -> Vec<f32> {
        let n = (total * f64::from(RATE)) as usize;
        let mut x = 1u32;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let r = (x >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                let t = i as f64 / f64::from(RATE);
                let loud = spans.iter().any(|&(a, b)| t >= a && t < b);
                r * if loud { 0.3 } else { 0.001 }
            })
            .collect()
    }

    #[test]
    fn cuts_at_the_first_pause_after_the_minimum_and_covers_everything() {
        // Sentences with 0.5 s pauses; one short 0.15 s gap that must not cut.
        let spans = [
            (0.2, 4.0),
            (4.5, 9.0),
            (9.15, 20.0),
            (20.5, 28.0),
            (28.5, 45.0),
            (45.6, 48.0),
        ];
        let x = signal(&spans, 50.0);
        let s = split(&x, RATE);
        // The same answer cut short to 29 s fits one window: decoded whole.
        assert_eq!(
            split(&x[..29 * RATE as usize], RATE),
            vec![Stretch {
                start: 0,
                end: 29 * RATE as usize
            }]
        );
        let starts: Vec<f64> = s.iter().map(|c| c.start_s(RATE)).collect();
        // The first pause starting after the 20 s minimum is at 20.0 (the one at 4.0 is too
        // early, the 9.0 one only 0.15 s long).
        assert!((starts[1] - 20.15).abs() < 0.03, "{starts:?}");
        // The pause at 28.0 comes 7.85 s into that stretch: too early; the one at 45.0 cuts.
        assert!((starts[2] - 45.15).abs() < 0.03, "{starts:?}");
        assert_eq!(starts.len(), 3, "{starts:?}");
        assert_eq!(s.first().map(|c| c.start), Some(0));
        assert_eq!(s.last().map(|c| c.end), Some(x.len()));
        for w in s.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
    }

    #[test]
    fn speech_without_pauses_is_cut_at_thirty_seconds() {
        let x = signal(&[(0.0, 65.0)], 65.0);
        let s = split(&x, RATE);
        assert!(s.len() >= 3, "{s:?}");
        assert!(
            s.iter().all(|c| c.len_s(RATE) <= MAX_STRETCH_S + 1e-9),
            "{s:?}"
        );
    }

    #[test]
    fn the_cuts_do_not_depend_on_how_the_audio_arrives() {
        let spans: Vec<(f64, f64)> = (0..20)
            .map(|i| {
                (
                    i as f64 * 3.7 + 0.3,
                    i as f64 * 3.7 + 3.1 + (i % 3) as f64 * 0.1,
                )
            })
            .collect();
        let x = signal(&spans, 75.0);
        let whole = split(&x, RATE);
        for block in [1usize, 80, 160, 333, 4096] {
            let mut c = Chunker::new(RATE);
            let mut got = Vec::new();
            for b in x.chunks(block) {
                got.extend(c.push(b));
            }
            match c.finish() {
                End::Last(last) => got.extend(last),
                End::Whole(whole) => got = vec![whole],
            }
            assert_eq!(got, whole, "blocks of {block}");
        }
        assert!(whole.len() >= 3, "{whole:?}");
    }

    #[test]
    fn a_longer_minimum_gives_fewer_longer_stretches() {
        let spans: Vec<(f64, f64)> = (0..20)
            .map(|i| (i as f64 * 3.7 + 0.3, i as f64 * 3.7 + 3.1))
            .collect();
        let x = signal(&spans, 75.0);
        let cut = |min_s: f64| {
            let mut c = Chunker::with_min_stretch(RATE, min_s);
            let mut all = c.push(&x);
            if let End::Last(last) = c.finish() {
                all.extend(last);
            }
            all
        };
        let (short, long) = (cut(12.0), cut(24.0));
        assert!(long.len() < short.len(), "{long:?} vs {short:?}");
        for st in &long[..long.len() - 1] {
            let len = st.len_s(RATE);
            assert!((24.0..=MAX_STRETCH_S).contains(&len), "{len}");
        }
        assert_eq!(long.last().map(|s| s.end), Some(x.len()));
    }
}
