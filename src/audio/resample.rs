//! Offline resampling of a whole mono signal with rubato's FFT resampler.
//!
//! The ratio between a file's rate and 16 kHz is fixed, which is exactly the case rubato's
//! synchronous `Fft` resampler is for; `process_all_into_buffer` trims its delay so the output
//! lines up with the input sample for sample (word times depend on that).

use rubato::audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{Fft, FixedSync, Resampler, WindowFunction};

/// Resamples mono `input` from `from` Hz to `to` Hz. Returns the input unchanged when the rates
/// match.
pub fn to_rate(input: &[f32], from: u32, to: u32) -> Result<Vec<f32>, String> {
    if from == to || input.is_empty() {
        return Ok(input.to_vec());
    }
    // The FFT length sets the anti-aliasing filter's sharpness: rubato's default of ~256-frame
    // sub-chunks left a 3 kHz tone 4 dB down when going from 192 kHz to 16 kHz (the output side
    // of each FFT was only ~21 frames). Offline there is no latency to save, so the chunk is
    // sized for about 2048 output frames in a single FFT.
    let chunk = ((from as u64 * 2048) / to as u64).max(1024) as usize;
    let mut resampler = Fft::<f32>::new_custom(
        from as usize,
        to as usize,
        chunk,
        1,
        1,
        WindowFunction::BlackmanHarris2,
        FixedSync::Input,
    )
    .map_err(|e| e.to_string())?;
    let input_len = input.len();
    let in_data = vec![input.to_vec()];
    let in_buf = SequentialSliceOfVecs::new(&in_data, 1, input_len).map_err(|e| e.to_string())?;
    let out_len = resampler.process_all_needed_output_len(input_len);
    let mut out_data = vec![vec![0.0f32; out_len]];
    let mut out_buf =
        SequentialSliceOfVecs::new_mut(&mut out_data, 1, out_len).map_err(|e| e.to_string())?;
    let (_, produced) = resampler
        .process_all_into_buffer(&in_buf, &mut out_buf, input_len, None)
        .map_err(|e| e.to_string())?;
    let mut out = out_data.into_iter().next().unwrap_or_default();
    out.truncate(produced);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, hz: f32, secs: f32) -> Vec<f32> {
        let n = (rate as f32 * secs) as usize;
        (0..n)
            .map(|i| (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    }

    #[test]
    fn lengths_follow_the_ratio() {
        for &rate in &[8_000u32, 11_025, 22_050, 44_100, 48_000, 96_000, 192_000] {
            let x = sine(rate, 440.0, 1.5);
            let y = to_rate(&x, rate, 16_000).unwrap();
            let expected = (x.len() as f64 * 16_000.0 / rate as f64).ceil() as usize;
            assert_eq!(y.len(), expected, "rate {rate}");
        }
    }

    #[test]
    fn a_tone_keeps_its_phase_and_level() {
        // A tone resampled to 16 kHz must match the same tone generated at 16 kHz: this
        // catches an untrimmed delay (phase), a gain error (level) and aliasing.
        // 44.1 kHz is not an integer multiple of 16 kHz: a sub-sample delay (about 0.2 sample,
        // about 10 us) remains, harmless for word timing, hence its looser bound.
        let cases = [
            (48_000u32, 440.0f32, 0.01f32),
            (192_000, 3000.0, 0.01),
            (96_000, 6000.0, 0.01),
            (8_000, 1000.0, 0.01),
            (44_100, 3000.0, 0.15),
        ];
        for (rate, hz, tol) in cases {
            let x = sine(rate, hz, 1.0);
            let y = to_rate(&x, rate, 16_000).unwrap();
            let reference = sine(16_000, hz, 1.0);
            let err: f32 = (2000..14_000)
                .map(|i| (y[i] - reference[i]).abs())
                .fold(0.0, f32::max);
            assert!(err < tol, "{rate} Hz, {hz} Hz tone: max error {err}");
            let rms = |v: &[f32]| (v.iter().map(|x| x * x).sum::<f32>() / v.len() as f32).sqrt();
            let ratio = rms(&y[2000..14_000]) / rms(&reference[2000..14_000]);
            assert!((ratio - 1.0).abs() < 0.01, "{rate} Hz: level ratio {ratio}");
        }
    }

    #[test]
    fn content_above_8_khz_is_filtered_out() {
        // A 12 kHz tone cannot exist at 16 kHz; it must vanish, not fold back as an alias.
        let x = sine(48_000, 12_000.0, 1.0);
        let y = to_rate(&x, 48_000, 16_000).unwrap();
        let peak = y[2000..14_000].iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(peak < 0.01, "alias peak {peak}");
    }

    #[test]
    fn same_rate_is_identity() {
        let x = sine(16_000, 300.0, 0.1);
        assert_eq!(to_rate(&x, 16_000, 16_000).unwrap(), x);
    }
}
