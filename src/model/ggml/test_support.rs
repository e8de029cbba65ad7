//! Builds small valid ggml files for tests.

use super::*;

pub(crate) fn tiny_hparams(ftype: TensorType) -> Hparams {
    Hparams {
        n_vocab: N_VOCAB_ENGLISH,
        n_audio_ctx: 8,
        n_audio_state: 32,
        n_audio_head: 2,
        n_audio_layer: 1,
        n_text_ctx: 4,
        n_text_state: 32,
        n_text_head: 2,
        n_text_layer: 1,
        n_mels: 80,
        ftype: ftype.file_ftype(),
    }
}

/// A complete, valid file for `h` with deterministic data.
pub(crate) fn write_valid(h: &Hparams) -> Vec<u8> {
    let mel = MelFilters {
        n_mel: h.n_mels as usize,
        n_fft: N_FFT_BINS,
        data: vec![0.5; h.n_mels as usize * N_FFT_BINS],
    };
    let vocab: Vec<Vec<u8>> = (0..50257).map(|i| format!("t{i}").into_bytes()).collect();
    let mut w = GgmlWriter::new(Vec::new(), h, &mel, &vocab).unwrap();
    for spec in h.tensor_layout().unwrap() {
        w.begin_tensor(&spec.name, &spec.shape, spec.ttype).unwrap();
        let n: usize = spec.shape.iter().product();
        let values: Vec<f32> = (0..n).map(|i| (i % 7) as f32 - 3.0).collect();
        let data: Vec<u8> = match spec.ttype {
            TensorType::F32 => values.iter().flat_map(|x| x.to_le_bytes()).collect(),
            TensorType::F16 => values
                .iter()
                .flat_map(|x| f16::from_f32(*x).to_le_bytes())
                .collect(),
            TensorType::Q8_0 => {
                let mut out = Vec::new();
                quantize_q8_0(&values, &mut out);
                out
            }
            other => panic!("no test data for {other}"),
        };
        w.write_data(&data).unwrap();
    }
    w.finish().unwrap()
}
