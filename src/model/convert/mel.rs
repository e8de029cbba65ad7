//! Whisper's mel filter bank, computed the way librosa does, for the header of a converted model.

/// The mel filter bank of librosa's `filters.mel(sr, n_fft, n_mels)` with its defaults (Slaney
/// mel scale, Slaney area normalisation, 0 Hz to sr/2), `n_mels` rows of `n_fft / 2 + 1` values.
///
/// Computed in f64 and rounded to f32 at the same two points as librosa (its weight matrix is
/// f32 before the normalisation multiply), which reproduces OpenAI's `mel_filters.npz` bit for
/// bit.
pub fn mel_filters(sample_rate: f64, n_fft: usize, n_mels: usize) -> Vec<f32> {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let logstep = 6.4f64.ln() / 27.0;
    let hz_to_mel = |f: f64| {
        if f >= MIN_LOG_HZ {
            min_log_mel + (f / MIN_LOG_HZ).ln() / logstep
        } else {
            f / F_SP
        }
    };
    let mel_to_hz = |m: f64| {
        if m >= min_log_mel {
            MIN_LOG_HZ * (logstep * (m - min_log_mel)).exp()
        } else {
            F_SP * m
        }
    };
    let n_bins = n_fft / 2 + 1;
    // numpy's rfftfreq: k / (n * d) with d = 1 / sr.
    let bin_hz = 1.0 / (n_fft as f64 * (1.0 / sample_rate));
    let fft_freqs: Vec<f64> = (0..n_bins).map(|k| k as f64 * bin_hz).collect();
    // numpy's linspace: start + i * step, with the end point set exactly.
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(sample_rate / 2.0));
    let step = (hi - lo) / (n_mels + 1) as f64;
    let mel_f: Vec<f64> = (0..n_mels + 2)
        .map(|i| {
            if i == n_mels + 1 {
                mel_to_hz(hi)
            } else {
                mel_to_hz(i as f64 * step + lo)
            }
        })
        .collect();
    let mut out = Vec::with_capacity(n_mels * n_bins);
    for i in 0..n_mels {
        let enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
        for &f in &fft_freqs {
            let lower = -(mel_f[i] - f) / (mel_f[i + 1] - mel_f[i]);
            let upper = (mel_f[i + 2] - f) / (mel_f[i + 2] - mel_f[i + 1]);
            // Clamping keeps -0.0 (the first weight of the first filter), as the numpy build
            // that made OpenAI's reference file did; the sign is harmless but keeps the bank
            // bit-identical to it.
            let m = if lower <= upper { lower } else { upper };
            let w = if m < 0.0 { 0.0 } else { m as f32 };
            out.push((f64::from(w) * enorm) as f32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a over little-endian f32 bytes.
    fn fnv1a(values: &[f32]) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for b in values.iter().flat_map(|x| x.to_le_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    }

    #[test]
    fn mel_filters_match_librosa() {
        // Reference: OpenAI whisper's assets/mel_filters.npz (made with librosa), read on the
        // development machine: hashes of the whole arrays and some values with their bits.
        let m80 = mel_filters(16_000.0, 400, 80);
        assert_eq!(m80.len(), 80 * 201);
        let at = |m: &[f32], r: usize, c: usize| m[r * 201 + c];
        let exact: [(usize, usize, u32); 8] = [
            (0, 1, 0x3ccb_aca4),
            (1, 1, 0x3b02_7873),
            (1, 2, 0x3cbb_5d95),
            (40, 42, 0x3bb1_4fa3),
            (40, 43, 0x3c71_6d72),
            (40, 44, 0x3bd5_968a),
            (79, 186, 0x39c0_473c),
            (79, 199, 0x39eb_476a),
        ];
        for (r, c, bits) in exact {
            assert_eq!(at(&m80, r, c).to_bits(), bits, "mel_80[{r}][{c}]");
        }
        assert_eq!(m80.iter().filter(|&&x| x != 0.0).count(), 391);
        let total: f64 = m80.iter().map(|&x| f64::from(x)).sum();
        assert!((total - 1.999_024_092_387_117).abs() < 1e-9, "{total}");
        let row0: f64 = m80[..201].iter().map(|&x| f64::from(x)).sum();
        assert!((row0 - 0.024_862_594_902_515_41).abs() < 1e-12);
        let peaks = [
            1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 20,
        ];
        for (r, &p) in peaks.iter().enumerate() {
            let row = &m80[r * 201..(r + 1) * 201];
            let argmax = (0..201).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
            assert_eq!(argmax, p, "peak of row {r}");
        }
        assert_eq!(
            fnv1a(&m80),
            0x173a_8442_ad00_0426,
            "mel_80 differs from librosa"
        );

        let m128 = mel_filters(16_000.0, 400, 128);
        assert_eq!(at(&m128, 0, 1).to_bits(), 0x3c4a_bc43);
        assert_eq!(at(&m128, 64, 43).to_bits(), 0x3c94_34aa);
        assert_eq!(at(&m128, 127, 195).to_bits(), 0x3ba5_3405);
        assert_eq!(
            fnv1a(&m128),
            0x4319_6325_f8f5_1341,
            "mel_128 differs from librosa"
        );
    }
}
