//! Offline resampling of a whole mono signal with rubato's FFT resampler.
//!
//! The ratio between a file's rate and 16 kHz is fixed, which is exactly the case rubato's
//! synchronous `Fft` resampler is for; `process_all_into_buffer` trims its delay so the output
//! lines up with the input sample for sample (word times depend on that).

use rubato::audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{Fft, FixedSync, Indexing, Resampler, WindowFunction};

/// Resamples mono `input` from `from` Hz to `to` Hz. Returns the input unchanged when the rates
/// match.
pub fn to_rate(input: &[f32], from: u32, to: u32) -> Result<Vec<f32>, String> {
    if from == to || input.is_empty() {
        return Ok(input.to_vec());
    }
    let mut resampler = fft(from, to)?;
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

/// The resampler both paths use, so that [`Stream`] and [`to_rate`] agree sample for sample.
fn fft(from: u32, to: u32) -> Result<Fft<f32>, String> {
    // The FFT length sets the anti-aliasing filter's sharpness: rubato's default of ~256-frame
    // sub-chunks left a 3 kHz tone 4 dB down when going from 192 kHz to 16 kHz (the output side
    // of each FFT was only ~21 frames). Offline there is no latency to save, so the chunk is
    // sized for about 2048 output frames in a single FFT (128 ms of input: still fine live).
    let chunk = ((from as u64 * 2048) / to as u64).max(1024) as usize;
    Fft::<f32>::new_custom(
        from as usize,
        to as usize,
        chunk,
        1,
        1,
        WindowFunction::BlackmanHarris2,
        FixedSync::Input,
    )
    .map_err(|e| e.to_string())
}

/// Downmixing and resampling of audio as it arrives (a recording in progress), producing
/// exactly what [`super::decode::read_mono`] and [`to_rate`] produce from the finished
/// file: the same channel average, the same FFT chunks, the same delay trimmed. The live
/// transcript therefore hears the very samples the offline one would.
pub struct Stream {
    channels: usize,
    inv_ch: f32,
    resampler: Option<Fft<f32>>,
    chunk: usize,
    /// Mono input not yet resampled (less than one chunk, or exactly one held back).
    pending: Vec<f32>,
    input_total: usize,
    /// Resampler output still to drop at the start: its delay.
    to_trim: usize,
    emitted: usize,
    ratio: f64,
    scratch_in: Vec<Vec<f32>>,
    scratch_out: Vec<Vec<f32>>,
}

impl Stream {
    /// For interleaved 16-bit audio at `from` Hz with `channels` channels, to `to` Hz mono.
    pub fn new(from: u32, channels: u16, to: u32) -> Result<Stream, String> {
        let channels = usize::from(channels.max(1));
        let resampler = if from == to {
            None
        } else {
            Some(fft(from, to)?)
        };
        let (chunk, to_trim, out_max) = match &resampler {
            Some(r) => (
                r.input_frames_next(),
                r.output_delay(),
                r.output_frames_max(),
            ),
            None => (0, 0, 0),
        };
        Ok(Stream {
            channels,
            inv_ch: 1.0 / channels as f32,
            resampler,
            chunk,
            pending: Vec::new(),
            input_total: 0,
            to_trim,
            emitted: 0,
            ratio: f64::from(to) / f64::from(from),
            scratch_in: vec![vec![0.0; chunk]],
            scratch_out: vec![vec![0.0; out_max]],
        })
    }

    /// Converts whole frames of interleaved samples, appending what is ready to `out`.
    pub fn push_i16(&mut self, interleaved: &[i16], out: &mut Vec<f32>) -> Result<(), String> {
        // The same arithmetic, in the same order, as the WAV decoder's downmix.
        let scale = 1.0 / 32768.0f32;
        let before = self.pending.len();
        for frame in interleaved.chunks_exact(self.channels) {
            let mut acc = 0.0f32;
            for &v in frame {
                acc += f32::from(v) * scale;
            }
            self.pending.push(acc * self.inv_ch);
        }
        self.input_total += self.pending.len() - before;
        if self.resampler.is_none() {
            self.emitted += self.pending.len();
            out.append(&mut self.pending);
            return Ok(());
        }
        // `process_all_into_buffer` keeps the last chunk (even a whole one) for its final,
        // partial call; so does this, to make the same calls.
        let mut at = 0;
        while self.pending.len() - at > self.chunk {
            self.process(at, self.chunk, out)?;
            at += self.chunk;
        }
        self.pending.drain(..at);
        Ok(())
    }

    /// Flushes the last partial chunk and the resampler's delay; the total appended to `out`
    /// over the stream's life is then exactly what [`to_rate`] returns for the whole input.
    pub fn finish(mut self, out: &mut Vec<f32>) -> Result<(), String> {
        if self.resampler.is_none() || self.input_total == 0 {
            return Ok(());
        }
        let expected = (self.ratio * self.input_total as f64).ceil() as usize;
        let start = out.len();
        let rest = self.pending.len();
        if rest > 0 {
            self.process(0, rest, out)?;
        }
        while self.emitted < expected {
            self.process(0, 0, out)?;
        }
        // The last call pads with silence past the end; what is past `expected` is dropped.
        let excess = self.emitted - expected;
        out.truncate(out.len().saturating_sub(excess).max(start));
        Ok(())
    }

    /// Resamples `len` frames of `pending` from `at` (fewer than a chunk: the rest is silence).
    fn process(&mut self, at: usize, len: usize, out: &mut Vec<f32>) -> Result<(), String> {
        let Some(resampler) = self.resampler.as_mut() else {
            return Ok(());
        };
        self.scratch_in[0][..len].copy_from_slice(&self.pending[at..at + len]);
        // Only the last calls are partial; the resampler treats the rest as silence anyway.
        self.scratch_in[0][len..].fill(0.0);
        let in_buf = SequentialSliceOfVecs::new(&self.scratch_in, 1, self.chunk)
            .map_err(|e| e.to_string())?;
        let out_len = self.scratch_out[0].len();
        let mut out_buf = SequentialSliceOfVecs::new_mut(&mut self.scratch_out, 1, out_len)
            .map_err(|e| e.to_string())?;
        let indexing = Indexing {
            input_offset: 0,
            output_offset: 0,
            active_channels_mask: None,
            partial_len: (len < self.chunk).then_some(len),
        };
        let (_, produced) = resampler
            .process_into_buffer(&in_buf, &mut out_buf, Some(&indexing))
            .map_err(|e| e.to_string())?;
        let produced = &self.scratch_out[0][..produced];
        let skip = self.to_trim.min(produced.len());
        self.to_trim -= skip;
        out.extend_from_slice(&produced[skip..]);
        self.emitted += produced.len() - skip;
        Ok(())
    }
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

    /// Interleaved 16-bit test audio: a sweep on the left, noise-like content on the right.
    fn interleaved(rate: u32, channels: u16, secs: f32) -> Vec<i16> {
        let n = (rate as f32 * secs) as usize;
        let mut v = Vec::with_capacity(n * usize::from(channels));
        let mut x = 12345u32;
        for i in 0..n {
            let t = i as f32 / rate as f32;
            for c in 0..channels {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let s = if c == 0 {
                    (2.0 * std::f32::consts::PI * (200.0 + 900.0 * t) * t).sin() * 12000.0
                } else {
                    ((x >> 16) as f32 - 32768.0) * 0.2
                };
                v.push(s as i16);
            }
        }
        v
    }

    #[test]
    fn streaming_matches_the_whole_file_sample_for_sample() {
        for (rate, channels) in [(48_000u32, 2u16), (44_100, 1), (16_000, 1), (8_000, 2)] {
            let input = interleaved(rate, channels, 1.37);
            let ch = usize::from(channels);
            let inv = 1.0 / ch as f32;
            let mono: Vec<f32> = input
                .chunks_exact(ch)
                .map(|f| {
                    f.iter()
                        .fold(0.0f32, |a, &v| a + f32::from(v) * (1.0 / 32768.0))
                        * inv
                })
                .collect();
            let whole = to_rate(&mono, rate, 16_000).unwrap();
            // Blocks of odd sizes, as a writer thread hands them over.
            for block_frames in [1usize, 441, 4800, 100_000] {
                let mut s = Stream::new(rate, channels, 16_000).unwrap();
                let mut out = Vec::new();
                for block in input.chunks(block_frames * ch) {
                    s.push_i16(block, &mut out).unwrap();
                }
                s.finish(&mut out).unwrap();
                assert_eq!(
                    out.len(),
                    whole.len(),
                    "{rate} Hz x{channels}, blocks of {block_frames}"
                );
                assert!(
                    out == whole,
                    "{rate} Hz x{channels}, blocks of {block_frames}: samples differ"
                );
            }
        }
    }
}
