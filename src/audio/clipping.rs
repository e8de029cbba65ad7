//! Clipped samples: where the recording hit full scale, counted the way `rehearse record`
//! counts them while it records, so that a report says the same as the recorder did.

use serde::{Deserialize, Serialize};

/// A sample at or above this share of full scale counts as clipped: 32735 of 32767 in 16 bits
/// (-0.01 dBFS), the recorder's `CLIP_LEVEL`.
pub const CLIP_FRACTION: f32 = 32735.0 / 32768.0;

/// Clipped samples closer than this belong to one stretch.
const JOIN_S: f64 = 0.25;

/// Stretches kept in [`Clipping::runs`]; the count goes on past it.
const MAX_RUNS: usize = 200;

/// Where and how much a recording clipped.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Clipping {
    /// Clipped samples, every channel counted.
    pub samples: u64,
    /// Stretches `[start_s, end_s]` with clipping, in order (the first 200).
    pub runs: Vec<(f64, f64)>,
}

/// Counts clipped samples as a decoder produces them.
#[derive(Debug)]
pub(crate) struct ClipCounter {
    rate: f64,
    out: Clipping,
    last_frame: Option<u64>,
    run_start: u64,
}

impl ClipCounter {
    pub(crate) fn new(rate: u32) -> ClipCounter {
        ClipCounter {
            rate: f64::from(rate.max(1)),
            out: Clipping::default(),
            last_frame: None,
            run_start: 0,
        }
    }

    /// One sample of frame `frame` (any channel).
    #[inline]
    pub(crate) fn sample(&mut self, frame: u64, v: f32) {
        if v.abs() < CLIP_FRACTION {
            return;
        }
        self.out.samples += 1;
        match self.last_frame {
            Some(last) if (frame - last) as f64 <= JOIN_S * self.rate => {}
            Some(last) => {
                self.close(last);
                self.run_start = frame;
            }
            None => self.run_start = frame,
        }
        self.last_frame = Some(frame);
    }

    fn close(&mut self, last: u64) {
        if self.out.runs.len() < MAX_RUNS {
            self.out.runs.push((
                self.run_start as f64 / self.rate,
                (last + 1) as f64 / self.rate,
            ));
        }
    }

    pub(crate) fn finish(mut self) -> Clipping {
        if let Some(last) = self.last_frame {
            self.close(last);
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_recorder() {
        let level = crate::capture::writer::CLIP_LEVEL;
        assert_eq!(CLIP_FRACTION, level as f32 / 32768.0);
        // What the decoder makes of the recorder's threshold and one below it.
        assert!(level as f32 * (1.0 / 32768.0) >= CLIP_FRACTION);
        assert!((level - 1) as f32 * (1.0 / 32768.0) < CLIP_FRACTION);
    }

    #[test]
    fn the_decoder_counts_clipping_on_each_channel_before_mixing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("clip.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&path, spec).expect("create");
        for k in 0..16_000i32 {
            // Left clips at 0.5 s and from 1.5 s for 10 frames; right never does, so the mono
            // mix is at half scale there and would hide it.
            let left = if k == 4000 || (12_000..12_010).contains(&k) {
                i16::MAX
            } else {
                1000
            };
            w.write_sample(left).expect("write");
            w.write_sample(0i16).expect("write");
        }
        w.finalize().expect("finalize");
        let a = crate::audio::load_for_whisper(&path).expect("decode");
        assert_eq!(a.clipping.samples, 11);
        assert_eq!(a.clipping.runs.len(), 2);
        assert!((a.clipping.runs[0].0 - 0.5).abs() < 1e-9);
        assert!((a.clipping.runs[1].0 - 1.5).abs() < 1e-9);
        assert!(a.samples.iter().all(|v| v.abs() < 0.6));
    }

    #[test]
    fn counts_every_sample_and_joins_near_ones() {
        let mut c = ClipCounter::new(1000);
        for (frame, v) in [
            (10, 1.0),
            (10, -1.0),
            (100, 0.5),
            (200, 0.9995),
            (900, -1.0),
        ] {
            c.sample(frame, v);
        }
        let out = c.finish();
        assert_eq!(out.samples, 4);
        assert_eq!(out.runs, vec![(0.01, 0.201), (0.9, 0.901)]);
        assert_eq!(ClipCounter::new(16_000).finish(), Clipping::default());
    }
}
