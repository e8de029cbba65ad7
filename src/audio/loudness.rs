//! Level over time: the power of each 10 ms of a signal, read back as dBFS over any stretch.
//!
//! dBFS here is the RMS level against full scale: 0 dBFS is a full-scale square wave, a
//! full-scale sine is -3 dBFS. Over a stretch the level is the mean of the frames' power (not of
//! their decibels), so a loud syllable weighs as loud as it sounds, and quiet frames between
//! syllables pull the level down only as much as they hold energy.

/// Level frame length: short enough to follow syllables, long enough for several periods of
/// the lowest voice.
pub const LEVEL_STEP_S: f64 = 0.01;

/// The level reported for digital silence: far below anything a microphone delivers.
pub const SILENCE_DBFS: f64 = -120.0;

/// Mean square of each frame: frame `i` covers `[i * step_s, (i + 1) * step_s)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LevelTrack {
    pub step_s: f64,
    pub power: Vec<f32>,
}

impl LevelTrack {
    /// Mean power of the frames that overlap `[start_s, end_s)` (at least the one frame at
    /// `start_s`); `None` outside the signal.
    pub fn mean_power(&self, start_s: f64, end_s: f64) -> Option<f64> {
        if self.power.is_empty()
            || self.step_s.is_nan()
            || self.step_s <= 0.0
            || !start_s.is_finite()
        {
            return None;
        }
        let first = (start_s / self.step_s).floor().max(0.0) as usize;
        if first >= self.power.len() {
            return None;
        }
        let last = if end_s.is_finite() && end_s > start_s {
            ((end_s / self.step_s).ceil() as usize).clamp(first + 1, self.power.len())
        } else {
            first + 1
        };
        let frames = &self.power[first..last];
        Some(frames.iter().map(|&p| f64::from(p)).sum::<f64>() / frames.len() as f64)
    }

    /// Level of `[start_s, end_s)` in dBFS.
    pub fn dbfs(&self, start_s: f64, end_s: f64) -> Option<f64> {
        self.mean_power(start_s, end_s).map(power_dbfs)
    }
}

/// A mean square as dBFS (RMS against a full-scale square wave), floored at [`SILENCE_DBFS`].
pub fn power_dbfs(power: f64) -> f64 {
    if power > 0.0 {
        (10.0 * power.log10()).max(SILENCE_DBFS)
    } else {
        SILENCE_DBFS
    }
}

/// The level track of mono `samples` at `rate` Hz.
pub fn track(samples: &[f32], rate: u32) -> LevelTrack {
    let n = ((f64::from(rate) * LEVEL_STEP_S).round() as usize).max(1);
    let power = samples
        .chunks(n)
        .map(|c| {
            let sum: f64 = c.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
            (sum / c.len() as f64) as f32
        })
        .collect();
    LevelTrack {
        step_s: n as f64 / f64::from(rate.max(1)),
        power,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(seconds: f64, amp: f32, rate: u32) -> Vec<f32> {
        (0..(seconds * f64::from(rate)) as usize)
            .map(|k| amp * (2.0 * std::f32::consts::PI * 440.0 * k as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn full_scale_sine_is_minus_3_dbfs_and_levels_scale() {
        let t = track(&sine(1.0, 1.0, 16_000), 16_000);
        assert_eq!(t.power.len(), 100);
        let db = t.dbfs(0.0, 1.0).unwrap();
        assert!((db + 3.01).abs() < 0.05, "{db}");
        let t = track(&sine(1.0, 0.1, 16_000), 16_000);
        assert!((t.dbfs(0.2, 0.8).unwrap() + 23.01).abs() < 0.05);
    }

    #[test]
    fn a_quiet_end_reads_quieter_by_its_gain() {
        let mut x = sine(1.0, 0.3, 16_000);
        x.extend(sine(0.5, 0.3 * 10f32.powf(-10.0 / 20.0), 16_000));
        let t = track(&x, 16_000);
        let drop = t.dbfs(0.0, 1.0).unwrap() - t.dbfs(1.0, 1.5).unwrap();
        assert!((drop - 10.0).abs() < 0.1, "{drop}");
    }

    #[test]
    fn silence_outside_and_odd_spans() {
        let t = track(&vec![0.0; 1600], 16_000);
        assert_eq!(t.dbfs(0.0, 0.1), Some(SILENCE_DBFS));
        assert_eq!(t.dbfs(5.0, 6.0), None);
        assert_eq!(t.dbfs(f64::NAN, 1.0), None);
        // A span shorter than a frame, or reversed, reads the frame it starts in.
        let t = track(&sine(0.1, 0.5, 16_000), 16_000);
        assert!(t.dbfs(0.051, 0.052).is_some());
        assert!(t.dbfs(0.05, 0.01).is_some());
        assert!(track(&[], 16_000).dbfs(0.0, 1.0).is_none());
    }

    #[test]
    fn other_rates_keep_10_ms_frames() {
        let t = track(&sine(1.0, 0.5, 44_100), 44_100);
        assert_eq!(t.power.len(), 100);
        assert!((t.step_s - 0.01).abs() < 1e-9);
    }
}
