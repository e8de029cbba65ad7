//! Whether a recording holds anything that could be speech at all: the check that keeps a
//! false start (the microphone opened, nobody spoke) out of the practice history.

use super::WHISPER_RATE;

/// Below this, the loudest stretch of a recording is silence whatever the microphone: speech at
/// arm's length from a built-in microphone measures about -40 dBFS RMS, and the noise floor of
/// a quiet room -60 to -70.
pub const SILENT_BELOW_DBFS: f32 = -60.0;

/// RMS of the loudest 50 ms window of 16 kHz mono audio, in dBFS (-120 for digital silence
/// or no audio).
pub fn loudest_dbfs(samples: &[f32]) -> f32 {
    let window = (WHISPER_RATE / 20) as usize;
    let loudest = samples
        .chunks(window)
        .map(|c| c.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / c.len() as f64)
        .fold(0.0f64, f64::max);
    if loudest <= 0.0 {
        -120.0
    } else {
        (10.0 * loudest.log10()).max(-120.0) as f32
    }
}

/// True when no 50 ms of the audio reaches [`SILENT_BELOW_DBFS`]: nobody spoke.
pub fn is_silent(samples: &[f32]) -> bool {
    loudest_dbfs(samples) < SILENT_BELOW_DBFS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_and_faint_noise_are_silent_a_word_is_not() {
        assert!(is_silent(&[]));
        assert!(is_silent(&vec![0.0; 32_000]));
        // Room noise at about -70 dBFS.
        let noise: Vec<f32> = (0..32_000)
            .map(|i| 0.0003 * ((i * 7919 % 200) as f32 / 100.0 - 1.0))
            .collect();
        assert!(is_silent(&noise), "{}", loudest_dbfs(&noise));
        // Two seconds of silence with a tenth of a second of a -30 dBFS tone in them.
        let mut word = vec![0.0f32; 32_000];
        for (i, x) in word[16_000..17_600].iter_mut().enumerate() {
            *x = 0.045 * (i as f32 * 0.2).sin();
        }
        assert!(!is_silent(&word), "{}", loudest_dbfs(&word));
        assert!((loudest_dbfs(&word) + 30.0).abs() < 1.5);
    }
}
