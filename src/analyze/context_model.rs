//! The sentence-in-context section model: which section a sentence belongs to, read from its
//! own words, the words of the sentences on either side and its place in the answer.
//!
//! One multinomial logistic regression per framework, fitted by `scripts/eval/section_model.py`
//! on answers written for the project (never on the held part of the dev split) and shipped as
//! `data/section_model.bin`. It holds numbers only: words are hashed, so no training text is in
//! the file. The arithmetic here must match that script's, which the unit tests pin down.
//! Measured in docs/measurements.md, "Stop 29" (first fit), "Stop 32" (refit, weight 0.75),
//! "Stop 35" (refit on 956 answers), "Stop 36" (refit on 1,144) and "Stop 44" (refit on 1,786).

use std::collections::HashMap;
use std::sync::OnceLock;

const MAGIC: &[u8; 8] = b"RHSM\x01\x00\x00\x00";
const SHIPPED: &[u8] = include_bytes!("../../data/section_model.bin");

/// The shipped model, parsed once; `None` only if the embedded file is damaged, which a unit
/// test rules out.
pub fn shipped() -> Option<&'static ContextModel> {
    static MODEL: OnceLock<Option<ContextModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| ContextModel::parse(SHIPPED).ok())
        .as_ref()
}

/// A fitted model for every framework it was trained on.
#[derive(Debug)]
pub struct ContextModel {
    bits: u32,
    pos_bins: usize,
    ctx_weight: f64,
    frameworks: Vec<FrameworkModel>,
}

#[derive(Debug)]
struct FrameworkModel {
    id: String,
    classes: Vec<String>,
    intercept: Vec<f64>,
    default_idf: f64,
    idf: HashMap<u32, f64>,
    /// Column -> offset into `weights`, which holds one weight per class there.
    columns: HashMap<u32, usize>,
    weights: Vec<f64>,
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or_else(|| format!("truncated at byte {}", self.at))?;
        let out = &self.data[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i16(&mut self) -> Result<i16, String> {
        let b = self.take(2)?;
        Ok(i16::from_le_bytes([b[0], b[1]]))
    }
    fn f32(&mut self) -> Result<f64, String> {
        Ok(f64::from(f32::from_bits(self.u32()?)))
    }
    fn text(&mut self) -> Result<String, String> {
        let n = self.u16()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| "a name is not UTF-8".to_string())
    }
}

impl ContextModel {
    /// Reads the format `scripts/eval/section_model.py` writes.
    pub fn parse(data: &[u8]) -> Result<ContextModel, String> {
        let mut r = Reader { data, at: 0 };
        if r.take(8)? != MAGIC {
            return Err("not a rehearse section model (bad magic)".into());
        }
        let bits = r.u32()?;
        let pos_bins = r.u32()? as usize;
        let ctx_weight = r.f32()?;
        if !(1..=24).contains(&bits) || pos_bins == 0 || pos_bins > 1000 {
            return Err(format!(
                "implausible header: {bits} bits, {pos_bins} position bins"
            ));
        }
        let n_fw = r.u32()?;
        let mut frameworks = Vec::new();
        for _ in 0..n_fw {
            let id = r.text()?;
            let k = r.u32()? as usize;
            if k == 0 || k > 64 {
                return Err(format!("{id}: {k} classes"));
            }
            let classes = (0..k).map(|_| r.text()).collect::<Result<Vec<_>, _>>()?;
            let intercept = (0..k).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?;
            let default_idf = r.f32()?;
            let n_idf = r.u32()? as usize;
            let mut idf = HashMap::with_capacity(n_idf.min(1 << bits));
            for _ in 0..n_idf {
                let b = r.u32()?;
                idf.insert(b, r.f32()?);
            }
            let scale = r.f32()?;
            let n_cols = r.u32()? as usize;
            let mut columns = HashMap::with_capacity(n_cols.min(4 << bits));
            let mut weights = Vec::with_capacity(n_cols.min(4 << bits) * k);
            for _ in 0..n_cols {
                let col = r.u32()?;
                columns.insert(col, weights.len());
                for _ in 0..k {
                    weights.push(scale * f64::from(r.i16()?));
                }
            }
            frameworks.push(FrameworkModel {
                id,
                classes,
                intercept,
                default_idf,
                idf,
                columns,
                weights,
            });
        }
        if r.at != data.len() {
            return Err(format!("{} bytes left over", data.len() - r.at));
        }
        Ok(ContextModel {
            bits,
            pos_bins,
            ctx_weight,
            frameworks,
        })
    }

    /// For each sentence (its text and word count, in spoken order), the log-probability of
    /// each section of `sections` (a framework's section ids, in order); `None` for a section
    /// the model was not trained on. `None` overall when it knows nothing of `framework`.
    pub fn log_probs(
        &self,
        framework: &str,
        sections: &[&str],
        sentences: &[(&str, usize)],
    ) -> Option<Vec<Vec<Option<f64>>>> {
        let m = self.frameworks.iter().find(|m| m.id == framework)?;
        let blocks: Vec<Vec<(u32, f64)>> = sentences
            .iter()
            .map(|(t, _)| self.unit_block(m, t))
            .collect();
        let total: usize = sentences.iter().map(|s| s.1).sum();
        let width = 1u32 << self.bits;
        let k = m.classes.len();
        let index: Vec<Option<usize>> = sections
            .iter()
            .map(|s| m.classes.iter().position(|c| c == s))
            .collect();
        let mut before = 0usize;
        let mut out = Vec::with_capacity(sentences.len());
        for (i, &(_, n)) in sentences.iter().enumerate() {
            let mut z = m.intercept.clone();
            let mut add = |col: u32, x: f64| {
                if let Some(&at) = m.columns.get(&col) {
                    for (zc, w) in z.iter_mut().zip(&m.weights[at..at + k]) {
                        *zc += x * w;
                    }
                }
            };
            for &(b, x) in &blocks[i] {
                add(b, x);
            }
            if i > 0 {
                for &(b, x) in &blocks[i - 1] {
                    add(width + b, self.ctx_weight * x);
                }
            }
            if let Some(next) = blocks.get(i + 1) {
                for &(b, x) in next {
                    add(2 * width + b, self.ctx_weight * x);
                }
            }
            let place = (before as f64 + n as f64 / 2.0) / total.max(1) as f64;
            let bin = ((place * self.pos_bins as f64) as usize).min(self.pos_bins - 1);
            add(3 * width + bin as u32, 1.0);
            before += n;
            let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lse = top + z.iter().map(|x| (x - top).exp()).sum::<f64>().ln();
            out.push(index.iter().map(|j| j.map(|j| z[j] - lse)).collect());
        }
        Some(out)
    }

    /// The sentence's hashed 1- and 2-grams, weighted 1 + ln(count) times their inverse
    /// document frequency and scaled to unit length.
    fn unit_block(&self, m: &FrameworkModel, text: &str) -> Vec<(u32, f64)> {
        let mask = (1u64 << self.bits) - 1;
        let mut counts: HashMap<u32, u32> = HashMap::new();
        let tokens = tokens(text);
        let mut bump = |g: &str| *counts.entry((fnv1a64(g) & mask) as u32).or_insert(0) += 1;
        for t in &tokens {
            bump(t);
        }
        for w in tokens.windows(2) {
            bump(&format!("{} {}", w[0], w[1]));
        }
        let mut v: Vec<(u32, f64)> = counts
            .into_iter()
            .map(|(b, c)| {
                let idf = m.idf.get(&b).copied().unwrap_or(m.default_idf);
                (b, (1.0 + f64::from(c).ln()) * idf)
            })
            .collect();
        let norm = v.iter().map(|(_, x)| x * x).sum::<f64>().sqrt();
        if norm > 0.0 {
            for (_, x) in v.iter_mut() {
                *x /= norm;
            }
        }
        v
    }
}

/// Runs of ASCII letters, digits and apostrophes, lowercased: the script's `[a-z0-9']+` over
/// the lowercased text.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '\'' {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn fnv1a64(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_parses_and_covers_the_failure_frameworks() {
        let m = shipped().expect("data/section_model.bin parses");
        // The six frameworks the evaluation answers use (the model was fitted on them only).
        for fw in "star-l failure-5 concise-5 star-long rapid-learning weakness".split(' ') {
            assert!(m.frameworks.iter().any(|f| f.id == fw), "{fw} missing");
        }
    }

    #[test]
    fn hashing_and_tokens_match_the_script() {
        // Values from scripts/eval/section_model.py's fnv1a64 and TOKEN.
        assert_eq!(fnv1a64(""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64("a"), 0xaf63dc4c8601ec8c);
        assert_eq!(
            tokens("I didn't test it, BUT 3 of us did."),
            ["i", "didn't", "test", "it", "but", "3", "of", "us", "did"]
        );
        assert_eq!(tokens("Caf\u{e9} ok"), ["caf", "ok"]);
    }

    #[test]
    fn log_probs_match_the_script_on_a_short_answer() {
        // From scripts/eval/section_model.py's `log_probs` on the same three sentences and
        // word counts, reading the shipped file; refit the model and these change with it.
        let m = shipped().unwrap();
        let ids = ["weakness", "mitigation", "progress"];
        let s = [
            (
                "I tend to say yes to every request, even when my week is already full.",
                15,
            ),
            (
                "So now I keep a list and check it every Monday before I agree to anything.",
                16,
            ),
            ("It is working, mostly, though I still slip.", 8),
        ];
        let lp = m.log_probs("weakness", &ids, &s).unwrap();
        let want = EXPECTED_WEAKNESS;
        for (row, w) in lp.iter().zip(want) {
            for (x, y) in row.iter().zip(w) {
                assert!((x.unwrap() - y).abs() < 1e-5, "{row:?} vs {w:?}");
            }
        }
        // Each row is a distribution.
        for row in &lp {
            let p: f64 = row.iter().map(|x| x.unwrap().exp()).sum();
            assert!((p - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn an_unknown_framework_or_section_has_no_opinion() {
        let m = shipped().unwrap();
        assert!(m.log_probs("no-such", &["a"], &[("x", 1)]).is_none());
        let lp = m
            .log_probs("weakness", &["weakness", "other"], &[("x", 1)])
            .unwrap();
        assert!(lp[0][0].is_some() && lp[0][1].is_none());
    }

    #[test]
    fn damaged_files_are_refused_not_panicked_on() {
        assert!(ContextModel::parse(b"").is_err());
        assert!(ContextModel::parse(b"RHSM\x01\x00\x00\x00\x0e").is_err());
        let mut cut = SHIPPED.to_vec();
        cut.truncate(cut.len() - 3);
        assert!(ContextModel::parse(&cut).is_err());
        let mut extra = SHIPPED.to_vec();
        extra.push(0);
        assert!(ContextModel::parse(&extra).is_err());
    }

    const EXPECTED_WEAKNESS: [[f64; 3]; 3] = [
        [-0.005202, -5.354100, -7.684336],
        [-5.703063, -0.003640, -8.120685],
        [-6.562736, -3.336150, -0.037687],
    ];
}
