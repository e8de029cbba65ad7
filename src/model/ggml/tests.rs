//! Tests of the format, the writer and the reader: round trips and every refusal.

use super::test_support::*;
use super::*;
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn err_of(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = write(dir, name, bytes);
    inspect(&p).unwrap_err().to_string()
}

#[test]
fn ftype_values() {
    assert_eq!(TensorType::F32.file_ftype(), 0);
    assert_eq!(TensorType::F16.file_ftype(), 1);
    assert_eq!(TensorType::Q8_0.file_ftype(), 2007);
    assert_eq!(TensorType::Q5_1.file_ftype(), 2009);
    let h = tiny_hparams(TensorType::Q8_0);
    assert_eq!(h.weight_type(), Some(TensorType::Q8_0));
    assert_eq!(h.quantization_version(), 2);
}

#[test]
fn tensor_counts_match_whisper_cpp() {
    let mut h = tiny_hparams(TensorType::F16);
    for (enc, dec, n) in [(4, 4, 167), (6, 6, 245), (12, 12, 479), (32, 2, 539)] {
        h.n_audio_layer = enc;
        h.n_text_layer = dec;
        assert_eq!(h.expected_tensor_count(), n);
        assert_eq!(h.tensor_layout().unwrap().len(), n);
    }
}

#[test]
fn names_and_sizes() {
    let mut h = tiny_hparams(TensorType::F16);
    (h.n_audio_layer, h.n_audio_state) = (4, 384);
    assert_eq!(h.size_name(), Some("tiny"));
    assert_eq!(h.model_name(), "tiny.en");
    (h.n_audio_layer, h.n_audio_state, h.n_vocab) = (6, 512, 51865);
    assert_eq!(h.model_name(), "base");
    (h.n_audio_layer, h.n_audio_state, h.n_vocab) = (32, 1280, 51866);
    assert_eq!(h.model_name(), "large-v3");
    (h.n_audio_layer, h.n_audio_state) = (3, 384);
    assert_eq!(h.size_name(), None);
    assert_eq!(h.model_name(), "custom");
}

#[test]
fn write_read_round_trip_and_inspect() {
    let dir = tempfile::tempdir().unwrap();
    for t in [TensorType::F32, TensorType::F16, TensorType::Q8_0] {
        let h = tiny_hparams(t);
        let bytes = write_valid(&h);
        let p = write(dir.path(), &format!("ggml-{t}.bin"), &bytes);
        let info = inspect(&p).unwrap();
        assert_eq!(info.hparams, h);
        assert_eq!(info.ftype, t);
        assert_eq!(info.tensor_count, 7 + 15 + 4 + 24);
        assert_eq!(info.file_size, bytes.len() as u64);
        assert_eq!(info.vocab_count, 50257);
        assert!(info.english_only);
        let header = read_header(&p).unwrap();
        assert_eq!(header.vocab[12], b"t12");
        assert_eq!(header.mel.data.len(), 80 * 201);
        let tensors = read_tensors(&p).unwrap();
        assert_eq!(tensors.len(), info.tensor_count);
        let layout = h.tensor_layout().unwrap();
        for (t, spec) in tensors.iter().zip(&layout) {
            assert_eq!(t.name, spec.name);
            assert_eq!(t.shape, spec.shape);
            let values = t.to_f32().unwrap();
            // q8_0 blocks here hold -3..=3, so their step is 3/127.
            let tolerance = if t.ttype == TensorType::Q8_0 {
                0.6 * 3.0 / 127.0
            } else {
                0.0
            };
            for (i, v) in values.iter().enumerate() {
                let want = (i % 7) as f32 - 3.0;
                assert!((v - want).abs() <= tolerance, "{} [{i}]: {v}", t.name);
            }
        }
    }
}

#[test]
fn q8_0_blocks() {
    let values: Vec<f32> = (0..64).map(|i| (i as f32 - 20.0) * 0.01).collect();
    let mut out = Vec::new();
    quantize_q8_0(&values, &mut out);
    assert_eq!(out.len(), 2 * Q8_0_BLOCK_BYTES);
    let back = dequantize(TensorType::Q8_0, &out).unwrap();
    for (block, chunk) in values.chunks(32).enumerate() {
        let d = chunk.iter().fold(0f32, |m, x| m.max(x.abs())) / 127.0;
        for (j, x) in chunk.iter().enumerate() {
            let y = back[block * 32 + j];
            assert!((x - y).abs() <= 0.6 * d, "{x} vs {y}");
        }
    }
    // The largest magnitude maps to +-127; an all-zero block has scale 0.
    assert_eq!(out[2] as i8, -127);
    let mut zero = Vec::new();
    quantize_q8_0(&[0.0; 32], &mut zero);
    assert!(zero.iter().all(|&b| b == 0));
}

#[test]
fn writer_refuses_misuse() {
    let h = tiny_hparams(TensorType::F16);
    let mel = MelFilters {
        n_mel: 80,
        n_fft: 201,
        data: vec![0.0; 80 * 201],
    };
    let mut w = GgmlWriter::new(Vec::new(), &h, &mel, &[b"a".to_vec()]).unwrap();
    w.begin_tensor("x", &[2, 2], TensorType::F32).unwrap();
    assert!(w.write_data(&[0; 20]).is_err());
    w.write_data(&[0; 8]).unwrap();
    assert!(w.begin_tensor("y", &[2], TensorType::F32).is_err());
    assert!(w.finish().is_err());
    let mut w = GgmlWriter::new(Vec::new(), &h, &mel, &[]).unwrap();
    assert!(w.begin_tensor("q", &[2, 30], TensorType::Q8_0).is_err());
}

#[test]
fn refuses_empty_and_foreign_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let e = err_of(d, "empty.bin", b"");
    assert!(e.contains("is empty"), "{e}");

    let e = err_of(d, "model.gguf", b"GGUF\x03\0\0\0 and more");
    assert!(e.contains("GGUF"), "{e}");

    let mut ct2 = 6u32.to_le_bytes().to_vec();
    ct2.extend_from_slice(&12u16.to_le_bytes());
    ct2.extend_from_slice(b"WhisperSpec\0");
    ct2.extend_from_slice(&[3, 0, 0, 0, 148, 0, 0, 0]);
    let sub = d.join("faster-whisper-tiny");
    std::fs::create_dir(&sub).unwrap();
    let e = err_of(&sub, "model.bin", &ct2);
    assert!(e.contains("CTranslate2"), "{e}");
    assert!(e.contains("WhisperSpec"), "{e}");
    assert!(
        e.contains(&format!("rehearse model import {}", sub.display())),
        "{e}"
    );

    let e = err_of(d, "x.whl", b"PK\x03\x04\x14\0\0\0");
    assert!(e.contains("Python wheel"), "{e}");
    let e = err_of(
        d,
        "ggml-base.bin",
        b"\n<!DOCTYPE html>\n<html><body>404 Not Found</body></html>",
    );
    assert!(e.contains("HTML page"), "{e}");
    let e = err_of(
        d,
        "ptr.bin",
        b"version https://git-lfs.github.com/spec/v1\n",
    );
    assert!(e.contains("Git LFS"), "{e}");
    let e = err_of(d, "junk.bin", &[0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5]);
    assert!(e.contains("unknown data (first bytes de ad be ef"), "{e}");
    let e = err_of(d, "two.bin", b"lm");
    assert!(e.contains("not a whisper.cpp model"), "{e}");

    let e = inspect(d).unwrap_err().to_string();
    assert!(e.contains("directory"), "{e}");
    let e = inspect(&d.join("missing.bin")).unwrap_err().to_string();
    assert!(e.contains("cannot read"), "{e}");
}

#[test]
fn refuses_truncated_files() {
    let dir = tempfile::tempdir().unwrap();
    let full = write_valid(&tiny_hparams(TensorType::F16));
    // Cuts inside the hparams, the mel filters, the vocabulary, a tensor header and the
    // last tensor's data.
    for cut in [
        10,
        48 + 8 + 100,
        48 + 8 + 80 * 201 * 4 + 4 + 1000,
        full.len() - 1,
    ] {
        let e = err_of(dir.path(), "cut.bin", &full[..cut]);
        assert!(e.contains("truncated"), "cut at {cut}: {e}");
    }
    // A cut exactly between tensors leaves a well-formed but incomplete file.
    let p = write(dir.path(), "whole.bin", &full);
    let tensors = read_tensors(&p).unwrap();
    let last = tensors.last().unwrap();
    let last_size = tensor_header_size(&last.name, last.shape.len()) + last.data.len() as u64;
    let cut = full.len() - last_size as usize;
    let e = err_of(dir.path(), "cut.bin", &full[..cut]);
    assert!(e.contains("1 missing"), "{e}");
    assert!(e.contains("incomplete"), "{e}");
}

#[test]
fn refuses_implausible_hparams_and_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let good = tiny_hparams(TensorType::F16);
    type Change = fn(&mut Hparams);
    let cases: [(Change, &str); 5] = [
        (|h| h.n_vocab = 1000, "n_vocab = 1000"),
        (|h| h.n_audio_layer = 100_000, "n_audio_layer"),
        (|h| h.n_text_state = 64, "differs"),
        (|h| h.n_mels = 7, "n_mels = 7"),
        (|h| h.ftype = 5, "ftype = 5"),
    ];
    for (change, needle) in cases {
        let mut h = good;
        change(&mut h);
        let mut bytes = write_valid(&good);
        for (i, v) in h.to_array().iter().enumerate() {
            bytes[4 + 4 * i..8 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        let e = err_of(dir.path(), "h.bin", &bytes);
        assert!(e.contains("implausible") && e.contains(needle), "{e}");
    }

    // Declared f16 but written with q8_0 matrices.
    let mut bytes = write_valid(&tiny_hparams(TensorType::Q8_0));
    bytes[4 + 40..48].copy_from_slice(&1i32.to_le_bytes());
    let e = err_of(dir.path(), "t.bin", &bytes);
    assert!(
        e.contains("stored as q8_0") && e.contains("needs f16"),
        "{e}"
    );

    // A renamed tensor.
    let bytes = write_valid(&good);
    let at = bytes.windows(8).position(|w| w == b"ln_post.").unwrap();
    let mut bad = bytes.clone();
    bad[at..at + 7].copy_from_slice(b"ln_pre_");
    let e = err_of(dir.path(), "n.bin", &bad);
    assert!(e.contains("unknown tensor encoder.ln_pre_"), "{e}");
}

/// Writes the fuzz target's seeds (`cargo test --release --lib write_ggml_fuzz_seed --
/// --ignored`): the start of the smallest valid file (its hyperparameters, mel filters and the
/// first tokens; the whole file is 4 MB, too big to mutate quickly).
#[test]
#[ignore]
fn write_ggml_fuzz_seed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/ggml");
    let bytes = write_valid(&tiny_hparams(TensorType::F16));
    std::fs::write(dir.join("seed-head.bin"), &bytes[..73_728]).unwrap();
    std::fs::write(dir.join("seed-hparams.bin"), &bytes[..48]).unwrap();
}

#[test]
fn inspect_bytes_agrees_with_inspect() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = write_valid(&tiny_hparams(TensorType::Q8_0));
    let p = write(dir.path(), "m.bin", &bytes);
    let a = inspect(&p).unwrap();
    let b = inspect_bytes(&p, &bytes).unwrap();
    assert_eq!((a.tensor_count, a.file_size), (b.tensor_count, b.file_size));
    let cut = &bytes[..bytes.len() / 2];
    let p2 = write(dir.path(), "cut.bin", cut);
    assert_eq!(
        inspect(&p2).unwrap_err().to_string(),
        inspect_bytes(&p2, cut).unwrap_err().to_string()
    );
}
