//! Sections: label each sentence with a framework section and merge runs into timed spans.
//!
//! Each sentence gets a score per section from the framework's cues (phrases such as "what I
//! learned") and from where it falls in the answer. A dynamic programme then picks the best
//! labelling that mostly moves forward through the framework: skipping a section costs a
//! little (so a section with no evidence is reported missing, not invented), going back to an
//! earlier section is allowed as a short flashback at a higher cost, and staying in the same
//! section is free, so a pause or a cue-less sentence inside a section does not split it.
//! Where `data/sections.toml` weighs durations (as shipped since stop 40), a second decoder
//! over runs of sentences charges each section once for its length instead, and its labelling
//! is kept where it finds one section taking most of the answer (a rambling part) without
//! losing a section the first one heard.

use super::frameworks::{Catalog, Decoder, Framework, SectionData};
use super::lexical::posterior;
use super::sentences::Span;
use super::types::{
    BY_POSITION, Filler, FrameworkFit, SectionSpan, SectionTiming, Sentence, Status,
};
use crate::transcribe::Word;

/// Tokens (words and commas) at the start of a sentence where an opening cue sits.
const HEAD_WORDS: usize = 6;
/// Weight of one cue phrase found in a sentence.
const CUE_WEIGHT: f64 = 2.0;
/// Extra weight when the cue opens the sentence: cues that introduce a section usually do.
const CUE_AT_START_BONUS: f64 = 1.0;
/// Weight of one cue word found in a sentence.
const WORD_WEIGHT: f64 = 0.35;
/// At most this many cue words count per sentence, so long sentences do not win by length.
const MAX_WORDS_COUNTED: usize = 4;
/// A section's share of the model's belief at or above which the report says the sentence
/// "sounds like" it.
const SOUNDS_LIKE_MIN: f64 = 0.5;

/// How the evidence of a sentence that only carries on its predecessor's section begins.
const CONTINUES: &str = "continues ";

/// Whether a label rests on something of the sentence's own (a cue, the section's words, what
/// it sounds like) rather than on its place alone.
fn own_evidence(evidence: &str) -> bool {
    evidence != BY_POSITION && !evidence.starts_with(CONTINUES)
}

/// The label of one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Index into the framework's sections.
    pub section: usize,
    pub evidence: String,
    /// Probability of this label given everything the decoder weighs (0..1). `None` where a
    /// rule over words moved the sentence after the decoder (`endings.rs`): the decoder's
    /// probability was for the label it had chosen, and the evidence says why it moved.
    pub confidence: Option<f64>,
}

/// What the cues and the model say about one sentence.
#[derive(Clone)]
struct Evidence {
    /// Cue score per section.
    score: Vec<f64>,
    /// The best cue per section, for the report ("cue 'what i learned'").
    best_cue: Vec<Option<String>>,
    words: Vec<Vec<String>>,
    /// The model's belief per section (sums to 1), when the framework names roles.
    sounds: Option<Vec<f64>>,
    /// The same belief with the context model at `presence_context_weight`: what decides
    /// whether a section is heard at all, and what the report shows as "sounds like".
    heard: Option<Vec<f64>>,
    /// The sentence opens by announcing that it goes back ("I should say", "let me back up").
    goes_back: bool,
    /// Where the sentence starts and ends, as fractions of the answer.
    place: (f64, f64),
}

/// Lowercase words with commas kept as their own token, padded with spaces, so cue phrases
/// match whole words: " now , every time i ... ".
fn cue_text(words: &[Word]) -> String {
    let mut s = String::from(" ");
    for w in words {
        let lower = w.text.to_lowercase().replace('\u{2019}', "'");
        let core: String = lower
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '\'' || c == '-' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        for part in core.split_whitespace() {
            s.push_str(part);
            s.push(' ');
        }
        if lower.trim_end().ends_with(',') {
            s.push_str(", ");
        }
    }
    s
}

fn cue_pattern(cue: &str) -> String {
    let spaced = cue.replace(',', " , ");
    format!(
        " {} ",
        spaced.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

fn evidence(words: &[Word], fw: &Framework) -> Evidence {
    let text = cue_text(words);
    // The first few words: where a section-opening cue sits.
    let head: String = {
        let mut n = 0;
        let mut end = text.len();
        for (i, c) in text.char_indices().skip(1) {
            if c == ' ' {
                n += 1;
                if n == HEAD_WORDS {
                    end = i + 1;
                    break;
                }
            }
        }
        text[..end].to_string()
    };
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let past = past_actions(&tokens);
    let mut score = vec![0.0; fw.sections.len()];
    let mut best_cue = vec![None; fw.sections.len()];
    let mut found_words = vec![Vec::new(); fw.sections.len()];
    for (k, sec) in fw.sections.iter().enumerate() {
        let mut best = 0.0;
        let mut total = 0.0;
        for cue in &sec.cues {
            let pat = cue_pattern(cue);
            if text.contains(&pat) {
                let w = CUE_WEIGHT
                    + if head.contains(&pat) {
                        CUE_AT_START_BONUS
                    } else {
                        0.0
                    };
                // Overlapping cues ("i learned", "what i learned") say the same thing once.
                if best_cue[k]
                    .as_deref()
                    .is_none_or(|b: &str| !b.contains(cue.as_str()) && !cue.contains(b))
                {
                    total += w;
                }
                if w > best
                    || (w == best
                        && best_cue[k]
                            .as_ref()
                            .is_some_and(|b: &String| cue.len() > b.len()))
                {
                    best = w;
                    best_cue[k] = Some(cue.clone());
                }
            }
        }
        let mut n = 0;
        for w in &sec.words {
            if tokens.contains(&w.as_str()) {
                n += 1;
                found_words[k].push(w.clone());
            }
        }
        // Two cues count, a third adds little: one strong sentence should not outweigh order.
        score[k] = total.min(2.0 * (CUE_WEIGHT + CUE_AT_START_BONUS))
            + WORD_WEIGHT * n.min(MAX_WORDS_COUNTED) as f64
            + sec.past_actions * past.min(MAX_PAST_COUNTED) as f64;
    }
    Evidence {
        score,
        best_cue,
        words: found_words,
        sounds: None,
        heard: None,
        goes_back: GOING_BACK.iter().any(|m| head.contains(&cue_pattern(m))),
        place: (0.0, 0.0),
    }
}

/// Phrases with which a speaker announces a step back in the story. A flashback they announce
/// is cheap (`announced_flashback_cost`): the speaker has told us it is one.
const GOING_BACK: &[&str] = &[
    "i should say",
    "i should mention",
    "i should add",
    "i should explain",
    "i forgot to say",
    "i forgot to mention",
    "i should have said",
    "i should have mentioned",
    "let me back up",
    "let me go back",
    "to back up",
    "going back",
    "for context",
    "for some context",
    "some background",
    "a bit of background",
];

/// Naive Bayes's part of what a sentence sounds like, per section of `fw`: the log of the mean
/// over the section's roles of exp(length x mean log-likelihood). Empty when the sentence has no
/// feature the model knows (it has no opinion); `None` when no section names a role. Computed
/// once per sentence, however many weights of the context model it is heard at.
fn model_logits(text: &str, fw: &Framework, data: &SectionData) -> Option<Vec<f64>> {
    let model = &data.model;
    if fw.sections.iter().all(|s| s.roles.is_empty()) {
        return None;
    }
    let (ll, n) = model.scores(text);
    if n == 0 {
        return Some(Vec::new());
    }
    // A sentence with few known features should not sound certain: the effective length is
    // the number of features it has, up to `model_length`.
    let len = data.decoder.model_length.min(n as f64);
    let mix: Vec<Option<f64>> = fw
        .sections
        .iter()
        .map(|s| {
            let xs: Vec<f64> = s
                .roles
                .iter()
                .filter_map(|r| model.role_index(r))
                .map(|r| len * ll[r])
                .collect();
            if xs.is_empty() {
                return None;
            }
            let m = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Some(m + (xs.iter().map(|x| (x - m).exp()).sum::<f64>() / xs.len() as f64).ln())
        })
        .collect();
    // A section without roles (or one the context model was not fitted on) gets the average,
    // so the model neither favours nor rules it out.
    Some(with_neutral(&mix))
}

/// What a sentence sounds like: the belief over `k` sections (normalised) from naive Bayes's
/// `logits` ([`model_logits`]) and the sentence-in-context model's log-probabilities
/// ([`super::context_model`]) at `context_weight` (`None` leaves naive Bayes alone). Even when
/// naive Bayes has no opinion.
fn belief(
    logits: &[f64],
    k: usize,
    context: Option<&[Option<f64>]>,
    context_weight: f64,
) -> Vec<f64> {
    if logits.is_empty() {
        return vec![1.0 / k as f64; k];
    }
    let mut logits = logits.to_vec();
    if let Some(ctx) = context {
        for (l, c) in logits.iter_mut().zip(with_neutral(ctx)) {
            *l += context_weight * c;
        }
    }
    posterior(&logits, 1.0)
}

/// The values, each missing one replaced by the mean of those present.
fn with_neutral(xs: &[Option<f64>]) -> Vec<f64> {
    let known: Vec<f64> = xs.iter().flatten().copied().collect();
    let neutral = known.iter().sum::<f64>() / known.len().max(1) as f64;
    xs.iter().map(|x| x.unwrap_or(neutral)).collect()
}

/// At most this many "I did" phrases count per sentence.
const MAX_PAST_COUNTED: usize = 3;

/// Common irregular past tenses; regular ones are recognised by "-ed".
const IRREGULAR_PAST: &[&str] = &[
    "took", "made", "built", "ran", "wrote", "sent", "told", "gave", "went", "got", "set", "put",
    "kept", "found", "brought", "spent", "chose", "began", "led", "thought", "said", "met", "did",
    "left", "sat", "drove", "flew", "sold", "bought", "paid", "cut", "hired", "fired", "shipped",
    "caught", "taught", "held", "stood", "let", "saw", "knew",
];

/// Number of "I <past-tense verb>" in a sentence, allowing one adverb between ("I quickly
/// moved"); "I was", "I had" and "I needed" describe a state, not an action, and do not count.
fn past_actions(tokens: &[&str]) -> usize {
    const STATE: &[&str] = &[
        "was", "had", "needed", "wanted", "used", "learned", "realized", "liked", "loved", "hated",
        "decided",
    ];
    let is_past = |w: &str| {
        !STATE.contains(&w) && (IRREGULAR_PAST.contains(&w) || (w.len() > 4 && w.ends_with("ed")))
    };
    let mut n = 0;
    for (i, t) in tokens.iter().enumerate() {
        if *t != "i" {
            continue;
        }
        let next = tokens.get(i + 1).copied().unwrap_or("");
        let after = tokens.get(i + 2).copied().unwrap_or("");
        if is_past(next) || (next.ends_with("ly") && is_past(after)) {
            n += 1;
        }
    }
    n
}

/// Where each section is expected, as fractions of the answer: the sections' target
/// midpoints laid end to end.
fn expected_places(fw: &Framework) -> Vec<(f64, f64)> {
    let total = targets_total(fw);
    let mut acc = 0.0;
    fw.sections
        .iter()
        .map(|s| {
            let a = acc / total;
            acc += (s.target.min_s + s.target.max_s) / 2.0;
            (a, acc / total)
        })
        .collect()
}

/// The sum of the sections' target midpoints: the length the framework's places and bands are
/// fractions of.
fn targets_total(fw: &Framework) -> f64 {
    fw.sections
        .iter()
        .map(|s| (s.target.min_s + s.target.max_s) / 2.0)
        .sum::<f64>()
        .max(1e-9)
}

/// The text of each sentence.
fn texts_of(words: &[Word], sents: &[Span]) -> Vec<String> {
    sents
        .iter()
        .map(|s| super::sentences::text_of(&words[s.first..s.first + s.len]))
        .collect()
}

/// The sentence-in-context model's log-probabilities per sentence and section, with the
/// evidence of an earlier pass over the same sentences.
type Heard<'a> = (&'a [Vec<Option<f64>>], &'a [Evidence]);

/// Scores of every sentence (`texts`, from [`texts_of`]) for every section under the weights
/// `d`. `heard` is the sentence-in-context model's log-probabilities for "sounds like" to hear
/// as well, with the evidence of an earlier call on the same sentences, whose cue matching is
/// reused.
fn emissions(
    words: &[Word],
    sents: &[Span],
    texts: &[String],
    fw: &Framework,
    data: &SectionData,
    heard: Option<Heard>,
    d: &Decoder,
) -> (Vec<Vec<f64>>, Vec<Evidence>) {
    let (context, cues) = heard.unzip();
    let t0 = words.first().map_or(0.0, |w| w.start_s);
    let t1 = words.last().map_or(1.0, |w| w.end_s);
    let len = (t1 - t0).max(1e-6);
    let places = expected_places(fw);
    let k = fw.sections.len() as f64;
    let mut em = Vec::with_capacity(sents.len());
    let mut ev = Vec::with_capacity(sents.len());
    for (i, s) in sents.iter().enumerate() {
        let ws = &words[s.first..s.first + s.len];
        let mut e = match cues.and_then(|c| c.get(i)) {
            Some(e) => e.clone(),
            None => evidence(ws, fw),
        };
        let ctx = context.and_then(|c| c.get(i)).map(Vec::as_slice);
        let logits = model_logits(&texts[i], fw, data);
        let n = fw.sections.len();
        e.sounds = logits.as_ref().map(|l| belief(l, n, ctx, d.context_weight));
        e.heard = if ctx.is_none() || d.presence_context_weight == d.context_weight {
            e.sounds.clone()
        } else {
            logits
                .as_ref()
                .map(|l| belief(l, n, ctx, d.presence_context_weight))
        };
        let a = (ws[0].start_s - t0) / len;
        let b = (ws[ws.len() - 1].end_s - t0) / len;
        e.place = (a, b);
        let row: Vec<f64> = places
            .iter()
            .zip(&e.score)
            .enumerate()
            .map(|(j, (&(pa, pb), cue))| {
                // Distance from the sentence's span to the section's expected place.
                // Running late in a section is common (a long situation) and a flashback is
                // already paid for in the decoder, so lateness costs less than jumping ahead.
                let dist = if b < pa {
                    pa - b
                } else if a > pb {
                    d.late_factor * (a - pb)
                } else {
                    0.0
                };
                // The model against an even spread: 0 when it has no opinion.
                let model = e
                    .sounds
                    .as_ref()
                    .map_or(0.0, |p| d.model_weight * (p[j].max(1e-6) * k).ln());
                cue + model - d.position_weight * dist
            })
            .collect();
        em.push(row);
        ev.push(e);
    }
    (em, ev)
}

/// One move of the decoder from state (current section `c`, furthest section reached `m`) to
/// section `c2`: the new furthest section and the cost.
fn step(d: &Decoder, c: usize, m: usize, c2: usize, announced: bool) -> (usize, f64) {
    if c2 == c {
        (m, if c < m { d.flashback_stay_cost } else { 0.0 })
    } else if c2 > m {
        (c2, d.switch_cost + d.skip_cost * (c2 - m - 1) as f64)
    } else if c2 == m {
        // Coming back from a flashback: its cost was paid on the way out.
        (m, 0.0)
    } else if announced {
        (m, d.announced_flashback_cost + d.flashback_stay_cost)
    } else {
        (m, d.flashback_cost + d.flashback_stay_cost)
    }
}

/// What the decoder's moves depend on besides the scores: which sentences announce a flashback,
/// and, for the duration-aware decoder, where each sentence lies and each section's band.
struct Moves {
    goes_back: Vec<bool>,
    /// Start and end of each sentence as fractions of the answer; empty spreads the sentences
    /// evenly.
    place: Vec<(f64, f64)>,
    /// Each section's band of the answer, as fractions: its target's bounds over the sum of the
    /// targets' midpoints.
    bands: Vec<(f64, f64)>,
}

impl Moves {
    fn of(ev: &[Evidence], fw: &Framework) -> Moves {
        let total = targets_total(fw);
        Moves {
            goes_back: ev.iter().map(|e| e.goes_back).collect(),
            place: ev.iter().map(|e| e.place).collect(),
            bands: fw
                .sections
                .iter()
                .map(|s| (s.target.min_s / total, s.target.max_s / total))
                .collect(),
        }
    }

    fn announced(&self, i: usize) -> bool {
        self.goes_back.get(i).copied().unwrap_or(false)
    }

    /// Cost of section `c` taking sentences `i..j` of `n`: its share of the answer, from the
    /// first sentence's start to the next sentence's start, against its band.
    fn duration_cost(&self, d: &Decoder, i: usize, j: usize, n: usize, c: usize) -> f64 {
        let at = |x: usize| {
            if x >= n {
                1.0
            } else {
                self.place.get(x).map_or(x as f64 / n as f64, |p| p.0)
            }
        };
        let share = (at(j) - at(i)).max(0.005);
        let Some(&(lo, hi)) = self.bands.get(c) else {
            return 0.0;
        };
        if share > hi && hi > 0.0 {
            d.duration_long_weight * (share / hi).ln().powi(2)
        } else if share < lo {
            d.duration_short_weight * (lo / share).ln().powi(2)
        } else {
            0.0
        }
    }
}

/// Answers of more sentences than this are decoded sentence by sentence even where durations
/// are weighed: the decoder by runs grows with the square of the length, and an answer this
/// long (some twenty minutes) is not one a framework's bands were written for.
const MAX_SENTENCES_BY_RUNS: usize = 200;

/// Whether the decoder weighs each section's duration (a semi-Markov decoder over runs of
/// sentences) rather than each sentence's place alone.
fn by_duration(d: &Decoder, n: usize) -> bool {
    (d.duration_long_weight > 0.0 || d.duration_short_weight > 0.0) && n <= MAX_SENTENCES_BY_RUNS
}

/// A decoder state: the current section and the furthest section reached.
type State = (usize, usize);

/// The move into a run of sentences `i..j` (of `n`) of section `c2` from state `from` at
/// boundary `i` (`None` is the answer's start): the furthest section reached after it and the
/// move's score, less the run's own emissions. A run never follows a run of its own section.
fn run_moves(
    d: &Decoder,
    mv: &Moves,
    (i, j, n): (usize, usize, usize),
    c2: usize,
    from: Option<State>,
) -> Option<(usize, f64)> {
    let Some((c, m)) = from else {
        return Some((
            c2,
            -d.skip_cost * c2 as f64 - mv.duration_cost(d, i, j, n, c2),
        ));
    };
    if c2 == c {
        return None;
    }
    let (m2, cost) = step(d, c, m, c2, mv.announced(i));
    let rest = if c2 < m2 {
        // A flashback: its cost and per-sentence stay, as in the sentence-by-sentence decoder.
        d.flashback_stay_cost * (j - i - 1) as f64
    } else {
        mv.duration_cost(d, i, j, n, c2)
    };
    Some((m2, -cost - rest))
}

/// Every decoder state `(c, m)` with `c <= m < k`.
fn states(k: usize) -> Vec<State> {
    (0..k).flat_map(|c| (c..k).map(move |m| (c, m))).collect()
}

/// The emissions of every run of sentences, per section, as prefix sums. A section ruled out
/// (its scores minus infinity, as [`kept_path`] and the context pass leave it) has none.
struct Runs {
    pre: Vec<Vec<f64>>,
    ruled_out: Vec<bool>,
}

impl Runs {
    fn of(em: &[Vec<f64>], k: usize) -> Runs {
        let ruled_out: Vec<bool> = (0..k)
            .map(|c| em.iter().any(|r| r[c] == f64::NEG_INFINITY))
            .collect();
        let mut pre = vec![vec![0.0; k]; em.len() + 1];
        for (i, row) in em.iter().enumerate() {
            for c in 0..k {
                pre[i + 1][c] = pre[i][c] + if ruled_out[c] { 0.0 } else { row[c] };
            }
        }
        Runs { pre, ruled_out }
    }

    /// The emissions of section `c` over sentences `i..j`.
    fn score(&self, i: usize, j: usize, c: usize) -> f64 {
        if self.ruled_out[c] {
            f64::NEG_INFINITY
        } else {
            self.pre[j][c] - self.pre[i][c]
        }
    }
}

/// The best state to end the answer in, from each state's score (index `c * k + m`), with
/// the sections never reached paid for as skipped; and its score.
fn best_end(score: &[f64], k: usize, d: &Decoder) -> (usize, f64) {
    let mut best = (0usize, f64::NEG_INFINITY);
    for c in 0..k {
        for m in c..k {
            let v = score[c * k + m] - d.skip_cost * (k - 1 - m) as f64;
            if v > best.1 {
                best = (c * k + m, v);
            }
        }
    }
    best
}

/// The best labelling and its score.
fn decode(em: &[Vec<f64>], mv: &Moves, k: usize, d: &Decoder) -> (Vec<usize>, f64) {
    let n = em.len();
    if n == 0 || k == 0 {
        return (vec![], 0.0);
    }
    if by_duration(d, n) {
        return decode_runs(em, mv, k, d);
    }
    let goes_back = &mv.goes_back;
    // State (current section c, furthest section reached m), c <= m.
    let idx = |c: usize, m: usize| c * k + m;
    let ns = k * k;
    let neg = f64::NEG_INFINITY;
    let mut score = vec![neg; ns];
    let mut back: Vec<Vec<u32>> = Vec::with_capacity(n);
    for c in 0..k {
        score[idx(c, c)] = em[0][c] - d.skip_cost * c as f64;
    }
    back.push(vec![u32::MAX; ns]);
    for (i, row) in em.iter().enumerate().skip(1) {
        let announced = goes_back.get(i).copied().unwrap_or(false);
        let mut next = vec![neg; ns];
        let mut bp = vec![u32::MAX; ns];
        for c in 0..k {
            for m in c..k {
                let s = score[idx(c, m)];
                if s == neg {
                    continue;
                }
                for c2 in 0..k {
                    let (m2, cost) = step(d, c, m, c2, announced);
                    let v = s - cost + row[c2];
                    if v > next[idx(c2, m2)] {
                        next[idx(c2, m2)] = v;
                        bp[idx(c2, m2)] = idx(c, m) as u32;
                    }
                }
            }
        }
        score = next;
        back.push(bp);
    }
    let best = best_end(&score, k, d);
    let mut path = vec![0usize; n];
    let mut st = best.0;
    for i in (0..n).rev() {
        path[i] = st / k;
        if i > 0 {
            st = back[i][st] as usize;
        }
    }
    (path, best.1)
}

fn log_add(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let m = a.max(b);
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// Probability of each section for each sentence, over every labelling the decoder allows,
/// each weighted by exp(its score): the forward-backward algorithm on the same moves as
/// [`decode`]. Where the best labelling wins by a wide margin the probability of its label is
/// near 1; where another labelling scores almost as well it is near 1/2 or lower.
fn marginals(em: &[Vec<f64>], mv: &Moves, k: usize, d: &Decoder) -> Vec<Vec<f64>> {
    let n = em.len();
    if n == 0 || k == 0 {
        return vec![];
    }
    if by_duration(d, n) {
        return marginals_runs(em, mv, k, d);
    }
    let goes_back = &mv.goes_back;
    let idx = |c: usize, m: usize| c * k + m;
    let ns = k * k;
    let neg = f64::NEG_INFINITY;
    let mut alpha = vec![vec![neg; ns]; n];
    for c in 0..k {
        alpha[0][idx(c, c)] = em[0][c] - d.skip_cost * c as f64;
    }
    for i in 1..n {
        for c in 0..k {
            for m in c..k {
                let s = alpha[i - 1][idx(c, m)];
                if s == neg {
                    continue;
                }
                let announced = goes_back.get(i).copied().unwrap_or(false);
                for (c2, &e) in em[i].iter().enumerate() {
                    let (m2, cost) = step(d, c, m, c2, announced);
                    let j = idx(c2, m2);
                    alpha[i][j] = log_add(alpha[i][j], s - cost + e);
                }
            }
        }
    }
    let mut beta = vec![vec![neg; ns]; n];
    for c in 0..k {
        for m in c..k {
            beta[n - 1][idx(c, m)] = -d.skip_cost * (k - 1 - m) as f64;
        }
    }
    for i in (0..n - 1).rev() {
        for c in 0..k {
            for m in c..k {
                let mut acc = neg;
                let announced = goes_back.get(i + 1).copied().unwrap_or(false);
                for c2 in 0..k {
                    let (m2, cost) = step(d, c, m, c2, announced);
                    let b = beta[i + 1][idx(c2, m2)];
                    if b != neg {
                        acc = log_add(acc, b - cost + em[i + 1][c2]);
                    }
                }
                beta[i][idx(c, m)] = acc;
            }
        }
    }
    (0..n)
        .map(|i| {
            let mut per = vec![neg; k];
            for c in 0..k {
                for m in c..k {
                    per[c] = log_add(per[c], alpha[i][idx(c, m)] + beta[i][idx(c, m)]);
                }
            }
            let z = per.iter().copied().fold(neg, log_add);
            per.iter().map(|x| (x - z).exp()).collect()
        })
        .collect()
}

/// The best labelling by runs of sentences, each forward run charged once for its duration
/// ([`Moves::duration_cost`]): a long section pays for its length once, not once per sentence
/// past its expected place.
fn decode_runs(em: &[Vec<f64>], mv: &Moves, k: usize, d: &Decoder) -> (Vec<usize>, f64) {
    let n = em.len();
    let idx = |c: usize, m: usize| c * k + m;
    let ns = k * k;
    let neg = f64::NEG_INFINITY;
    // score[j][state]: the best labelling of sentences 0..j whose last run ends at j.
    let mut score = vec![vec![neg; ns]; n + 1];
    // back[j][state]: where that last run starts, and the state before it (ns: the start).
    let mut back = vec![vec![(0usize, ns); ns]; n + 1];
    let runs = Runs::of(em, k);
    let all = states(k);
    for i in 0..n {
        let from: Vec<(usize, Option<State>, f64)> = if i == 0 {
            vec![(ns, None, 0.0)]
        } else {
            all.iter()
                .filter(|&&(c, m)| score[i][idx(c, m)] > neg)
                .map(|&(c, m)| (idx(c, m), Some((c, m)), score[i][idx(c, m)]))
                .collect()
        };
        for c2 in (0..k).filter(|&c| !runs.ruled_out[c]) {
            for j in i + 1..=n {
                let run = runs.score(i, j, c2);
                for &(st, state, s) in &from {
                    if let Some((m2, cost)) = run_moves(d, mv, (i, j, n), c2, state) {
                        let v = s + cost + run;
                        if v > score[j][idx(c2, m2)] {
                            score[j][idx(c2, m2)] = v;
                            back[j][idx(c2, m2)] = (i, st);
                        }
                    }
                }
            }
        }
    }
    let best = best_end(&score[n], k, d);
    let mut path = vec![0usize; n];
    let (mut j, mut st) = (n, best.0);
    while j > 0 && st < ns {
        let (i, prev) = back[j][st];
        for p in &mut path[i..j] {
            *p = st / k;
        }
        j = i;
        st = prev;
    }
    (path, best.1)
}

/// [`marginals`] over runs of sentences, on the same moves as [`decode_runs`].
fn marginals_runs(em: &[Vec<f64>], mv: &Moves, k: usize, d: &Decoder) -> Vec<Vec<f64>> {
    let n = em.len();
    let idx = |c: usize, m: usize| c * k + m;
    let ns = k * k;
    let neg = f64::NEG_INFINITY;
    let states = states(k);
    let runs = Runs::of(em, k);
    let run = |i: usize, j: usize, c: usize| runs.score(i, j, c);
    let from_at = |i: usize| -> Vec<Option<State>> {
        if i == 0 {
            vec![None]
        } else {
            states.iter().map(|&s| Some(s)).collect()
        }
    };
    let at = |a: &Vec<Vec<f64>>, i: usize, s: Option<State>| match s {
        None => 0.0,
        Some((c, m)) => a[i][idx(c, m)],
    };
    // Backward first: the score of every way to finish the answer from each state at each
    // boundary, and from the start (`z`, over every labelling).
    let mut beta = vec![vec![neg; ns]; n + 1];
    for &(c, m) in &states {
        beta[n][idx(c, m)] = -d.skip_cost * (k - 1 - m) as f64;
    }
    let mut z = neg;
    for i in (0..n).rev() {
        for s in from_at(i) {
            let mut acc = neg;
            for c2 in 0..k {
                for (j, to) in beta.iter().enumerate().skip(i + 1) {
                    if let Some((m2, cost)) = run_moves(d, mv, (i, j, n), c2, s) {
                        acc = log_add(acc, cost + run(i, j, c2) + to[idx(c2, m2)]);
                    }
                }
            }
            match s {
                Some((c, m)) => beta[i][idx(c, m)] = acc,
                None => z = acc,
            }
        }
    }
    // Then forward, each run's probability spread over its sentences through a difference
    // array as it is met.
    let mut alpha = vec![vec![neg; ns]; n + 1];
    let mut diff = vec![vec![0.0; k]; n + 1];
    for i in 0..n {
        for s in from_at(i) {
            let a = at(&alpha, i, s);
            if a == neg {
                continue;
            }
            for c2 in 0..k {
                let mut opened = 0.0;
                let later = alpha.iter_mut().zip(&beta).zip(diff.iter_mut());
                for (j, ((to, b), dj)) in later.enumerate().skip(i + 1) {
                    if let Some((m2, cost)) = run_moves(d, mv, (i, j, n), c2, s) {
                        let v = a + cost + run(i, j, c2);
                        to[idx(c2, m2)] = log_add(to[idx(c2, m2)], v);
                        let p = (v + b[idx(c2, m2)] - z).exp();
                        opened += p;
                        dj[c2] -= p;
                    }
                }
                diff[i][c2] += opened;
            }
        }
    }
    let mut acc = vec![0.0; k];
    (0..n)
        .map(|i| {
            for (a, x) in acc.iter_mut().zip(&diff[i]) {
                *a += x;
            }
            acc.iter().map(|p| p.clamp(0.0, 1.0)).collect()
        })
        .collect()
}

/// Labels every sentence with a section of `fw`.
///
/// With durations weighed (`duration_long_weight` or `duration_short_weight` above 0), the
/// answer is labelled twice: sentence by sentence, and by runs with lateness left to the runs'
/// durations (`late_factor` 0). The labelling by runs is kept only where it finds one section
/// taking more than `long_run_share` of the answer, and leaves out no section the labelling
/// by sentences kept: there it hears a rambling part the sentence decoder cuts up, and
/// elsewhere it moved ordinary answers for the worse (docs/measurements.md, "Stop 37" and
/// "Stop 40").
pub fn label(words: &[Word], sents: &[Span], fw: &Framework, data: &SectionData) -> Vec<Label> {
    let texts = texts_of(words, sents);
    let d = data.decoder;
    let context = context_scores(&texts, sents, fw, &d);
    let context = context.as_deref();
    let by_sentence = Decoder {
        duration_long_weight: 0.0,
        duration_short_weight: 0.0,
        ..d
    };
    let plain = label_with(words, sents, &texts, fw, data, context, &by_sentence);
    if !by_duration(&d, sents.len()) {
        return plain;
    }
    let runs = label_with(words, sents, &texts, fw, data, context, &by_runs(d));
    // A long part must not swallow a short neighbour the sentences heard: the report would
    // call that neighbour missing, and a false "you left out" costs more than a boundary a
    // few sentences off (stop 40: on 840 answers, false alarms 55 -> 45 for 3 fewer found).
    if largest_share(&runs, words, sents) > d.long_run_share && keeps_every_section(&plain, &runs) {
        runs
    } else {
        plain
    }
}

/// The decoder that labels by runs: lateness is left to the runs' durations.
fn by_runs(d: Decoder) -> Decoder {
    Decoder {
        late_factor: 0.0,
        ..d
    }
}

/// Whether every section labelled in `before` is labelled somewhere in `after`.
fn keeps_every_section(before: &[Label], after: &[Label]) -> bool {
    before
        .iter()
        .all(|b| after.iter().any(|a| a.section == b.section))
}

/// The largest share of the answer's time that one section takes in `labels`, each run of
/// its sentences counted from its first word to its last.
fn largest_share(labels: &[Label], words: &[Word], sents: &[Span]) -> f64 {
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return 0.0;
    };
    let total = (last.end_s - first.start_s).max(1e-6);
    let k = labels.iter().map(|l| l.section + 1).max().unwrap_or(0);
    let mut per = vec![0.0; k];
    let mut i = 0;
    for run in labels.chunk_by(|a, b| a.section == b.section) {
        let (a, b) = (&sents[i], &sents[i + run.len() - 1]);
        per[run[0].section] += words[b.first + b.len - 1].end_s - words[a.first].start_s;
        i += run.len();
    }
    per.into_iter().fold(0.0, f64::max) / total
}

/// [`label`] with one decoder's weights; `context` is the sentence-in-context model's
/// log-probabilities ([`context_scores`]), `None` when it is off.
fn label_with(
    words: &[Word],
    sents: &[Span],
    texts: &[String],
    fw: &Framework,
    data: &SectionData,
    context: Option<&[Vec<Option<f64>>]>,
    d: &Decoder,
) -> Vec<Label> {
    let (em, ev) = emissions(words, sents, texts, fw, data, None, d);
    let Some(context) = context else {
        // Which sections are told quietly was measured with the context model's ear; naive
        // Bayes alone hears less, so its "by position" says less about a section left out.
        let d = Decoder {
            drop_unheard: false,
            ..*d
        };
        return label_from(&em, &ev, fw, &d);
    };
    // The sentence-in-context model moves boundaries, and may bring back a section the plain
    // decoding left out, but only on evidence the report can name. Alone it fills a missing
    // section with its neighbours' sentences on position (on the dev held part it lost a
    // missing Learning that way, docs/measurements.md, "Stop 29"). When the plain decoding
    // alone decided, most sections it reported missing were there (22 of 29 reports on 148
    // answers, "Stop 32"): a short section naive Bayes did not hear.
    // Only the plain path is needed here, not its marginals or evidence text.
    let mv = Moves::of(&ev, fw);
    let k = fw.sections.len();
    let keep_all = vec![false; k];
    let plain = kept_path(&em, &ev, &mv, k, d, &keep_all).0;
    let mut present: Vec<bool> = (0..k).map(|j| plain.contains(&j)).collect();
    let (mut em, ev) = emissions(words, sents, texts, fw, data, Some((context, &ev)), d);
    let heard = kept_path(&em, &ev, &mv, k, d, &keep_all).0;
    bring_back(&heard, &ev, &mut present);
    for row in em.iter_mut() {
        for (x, &p) in row.iter_mut().zip(&present) {
            if !p {
                *x = f64::NEG_INFINITY;
            }
        }
    }
    let d = Decoder {
        keep_share: 0.0,
        final_keep: 0.0,
        ..*d
    };
    label_from(&em, &ev, fw, &d)
}

/// Marks as present each section that the context decoding (`heard`, one label per sentence)
/// gives a sentence with evidence the report can name for it: a cue, or "sounds like" at
/// [`SOUNDS_LIKE_MIN`] or more. A section it places on position alone stays out.
fn bring_back(heard: &[usize], ev: &[Evidence], present: &mut [bool]) {
    for (e, &j) in ev.iter().zip(heard) {
        let sounds = e.heard.as_ref().is_some_and(|p| p[j] >= SOUNDS_LIKE_MIN);
        if e.best_cue[j].is_some() || sounds {
            present[j] = true;
        }
    }
}

/// The sentence-in-context model's log-probabilities, per sentence and section of `fw`;
/// `None` when it is switched off (`context_weight` 0) or was not trained on `fw`.
fn context_scores(
    texts: &[String],
    sents: &[Span],
    fw: &Framework,
    d: &Decoder,
) -> Option<Vec<Vec<Option<f64>>>> {
    if d.context_weight <= 0.0 {
        return None;
    }
    let model = super::context_model::shipped()?;
    let ids: Vec<&str> = fw.sections.iter().map(|s| s.id.as_str()).collect();
    let input: Vec<(&str, usize)> = texts
        .iter()
        .zip(sents)
        .map(|(t, s)| (t.as_str(), s.len))
        .collect();
    model.log_probs(&fw.id, &ids, &input)
}

/// The best labelling once every section placed on position alone is dropped, and the scores
/// with those sections ruled out. `drop[s]`: section `s` is dropped when none of its sentences
/// has evidence of its own for it ([`unheard`]), whatever `keep_share` and `final_keep` say.
fn kept_path(
    em: &[Vec<f64>],
    ev: &[Evidence],
    mv: &Moves,
    k: usize,
    d: &Decoder,
    drop: &[bool],
) -> (Vec<usize>, Vec<Vec<f64>>) {
    let mut em = em.to_vec();
    let (mut path, _) = decode(&em, mv, k, d);
    // A section placed on position alone is dropped and the answer decoded again without it,
    // one section at a time (dropping one changes the others' neighbours).
    for _ in 0..k {
        let Some(s) =
            unsupported(&path, ev, d.keep_share, d.final_keep).or_else(|| unheard(&path, ev, drop))
        else {
            break;
        };
        for row in em.iter_mut() {
            row[s] = f64::NEG_INFINITY;
        }
        path = decode(&em, mv, k, d).0;
    }
    (path, em)
}

/// Labels from already computed scores and evidence.
fn label_from(em: &[Vec<f64>], ev: &[Evidence], fw: &Framework, d: &Decoder) -> Vec<Label> {
    let mv = Moves::of(ev, fw);
    let k = fw.sections.len();
    let drop: Vec<bool> = fw
        .sections
        .iter()
        .map(|s| d.drop_unheard && s.flag_when_missing && !s.told_quietly)
        .collect();
    let (path, em) = kept_path(em, ev, &mv, k, d, &drop);
    let em = &em;
    let probs = marginals(em, &mv, k, d);
    path.iter()
        .enumerate()
        .map(|(i, &k)| {
            let e = &ev[i];
            let sounds = e
                .heard
                .as_ref()
                .map(|p| p[k])
                .filter(|&p| p >= SOUNDS_LIKE_MIN)
                .map(|p| format!("sounds like {} ({p:.2})", fw.sections[k].name));
            let base = if let Some(c) = &e.best_cue[k] {
                Some(format!("cue '{c}'"))
            } else if sounds.is_none() && !e.words[k].is_empty() {
                Some(format!("words '{}'", e.words[k].join("', '")))
            } else {
                None
            };
            let evidence = match (base, sounds) {
                (Some(b), Some(s)) => format!("{b}; {s}"),
                (Some(b), None) => b,
                (None, Some(s)) => s,
                (None, None) if i > 0 && path[i - 1] == k => {
                    format!("{CONTINUES}{}", fw.sections[k].id)
                }
                (None, None) => BY_POSITION.to_string(),
            };
            Label {
                section: k,
                evidence,
                confidence: Some(probs.get(i).and_then(|p| p.get(k)).copied().unwrap_or(1.0)),
            }
        })
        .collect()
}

/// The first section in `path` with no evidence of its own: none of its sentences has a cue
/// for it, and the model believes each of them less than `keep_share` times as much as the
/// section labelled just before or just after the run it sits in, or, for the framework's
/// last section (`k - 1`, where position alone pulls an answer's closing sentences), gives it
/// less than `final_keep` outright. `None` when every placed section has some (or the model is
/// off, or only one section is left: an answer is never left with no section at all).
fn unsupported(path: &[usize], ev: &[Evidence], keep_share: f64, final_keep: f64) -> Option<usize> {
    if keep_share <= 0.0 && final_keep <= 0.0 {
        return None;
    }
    let last = ev.first().map_or(0, |e| e.best_cue.len()).saturating_sub(1);
    droppable(path)?.into_iter().find(|&s| {
        path.iter()
            .enumerate()
            .filter(|&(_, &l)| l == s)
            .all(|(i, _)| {
                let e = &ev[i];
                if e.best_cue[s].is_some() {
                    return false;
                }
                let Some(p) = &e.heard else {
                    return false;
                };
                // The labels on either side of this sentence's run.
                let before = path[..i].iter().rev().find(|&&l| l != s);
                let after = path[i + 1..].iter().find(|&&l| l != s);
                let rival = before
                    .into_iter()
                    .chain(after)
                    .map(|&l| p[l])
                    .fold(0.0, f64::max);
                p[s] < keep_share * rival || (s == last && p[s] < final_keep)
            })
    })
}

/// The sections `path` places, in framework order; `None` when it places only one, which is
/// never dropped (an answer is never left with no section at all).
fn droppable(path: &[usize]) -> Option<Vec<usize>> {
    let mut placed: Vec<usize> = path.to_vec();
    placed.sort_unstable();
    placed.dedup();
    (placed.len() >= 2).then_some(placed)
}

/// The first section in `path` that `drop` allows to go and that none of its sentences gives
/// evidence of its own: no cue for it, none of its words, and the model's belief in it under
/// [`SOUNDS_LIKE_MIN`] (the spans the report calls "by position only"). `None` when there is
/// none, when the model is off for a sentence of it (cues and words alone miss too much), or
/// when only one section is placed.
fn unheard(path: &[usize], ev: &[Evidence], drop: &[bool]) -> Option<usize> {
    droppable(path)?.into_iter().find(|&s| {
        drop.get(s).copied().unwrap_or(false)
            && path.iter().zip(ev).filter(|&(&l, _)| l == s).all(|(_, e)| {
                e.heard.as_ref().is_some_and(|p| p[s] < SOUNDS_LIKE_MIN)
                    && e.best_cue[s].is_none()
                    && e.words[s].is_empty()
            })
    })
}

/// How well each framework explains the answer, best first (for `--framework auto`).
///
/// The score is the share of sentences whose label is backed by a cue, plus the share of the
/// framework's sections found, so a framework whose vocabulary the answer uses and whose
/// sections it covers wins.
pub fn rank_frameworks(words: &[Word], sents: &[Span], catalog: &Catalog) -> Vec<FrameworkFit> {
    let texts = texts_of(words, sents);
    let mut fits: Vec<FrameworkFit> = catalog
        .frameworks
        .iter()
        .filter(|fw| fw.auto)
        .map(|fw| {
            // Naive Bayes alone, as in `label_with` without the context model: nothing dropped
            // for being unheard.
            let d = &Decoder {
                drop_unheard: false,
                ..catalog.sections.decoder
            };
            let (em, ev) = emissions(words, sents, &texts, fw, &catalog.sections, None, d);
            let labels = label_from(&em, &ev, fw, d);
            let cued = labels
                .iter()
                .zip(&ev)
                .filter(|(l, e)| e.best_cue[l.section].is_some())
                .count() as f64
                / sents.len().max(1) as f64;
            let mut seen = vec![false; fw.sections.len()];
            for l in &labels {
                seen[l.section] = true;
            }
            let covered = seen.iter().filter(|s| **s).count() as f64 / seen.len().max(1) as f64;
            FrameworkFit {
                id: fw.id.clone(),
                score: ((cued + covered) * 1000.0).round() / 1000.0,
            }
        })
        .collect();
    fits.sort_by(|a, b| b.score.total_cmp(&a.score));
    fits
}

/// Merges runs of same-labelled sentences into spans, in spoken order. A span's confidence is
/// its sentences' label probability, weighted by words. It is marked uncertain under
/// `uncertain_below`, or when none of its sentences has evidence of its own (its evidence is
/// then [`BY_POSITION`]).
pub fn spans(sentences: &[Sentence], fw: &Framework, uncertain_below: f64) -> Vec<SectionSpan> {
    let mut out: Vec<SectionSpan> = Vec::new();
    let mut furthest: Option<usize> = None;
    // Per span: (sum of confidence x words, words with a confidence).
    let mut conf: Vec<(f64, usize)> = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        let k = fw.section_index(&s.section).unwrap_or(0);
        let c = s.confidence.map(|c| (c * s.n_words as f64, s.n_words));
        if let Some(last) = out.last_mut()
            && last.id == s.section
        {
            last.end_s = s.end_s;
            last.n_sentences += 1;
            last.words += s.n_words;
            if (!last.evidence.starts_with("cue") && s.evidence.starts_with("cue"))
                || (!own_evidence(&last.evidence) && own_evidence(&s.evidence))
            {
                last.evidence = s.evidence.clone();
            }
            if let (Some(acc), Some((x, n))) = (conf.last_mut(), c) {
                acc.0 += x;
                acc.1 += n;
            }
            continue;
        }
        out.push(SectionSpan {
            id: s.section.clone(),
            start_s: s.start_s,
            end_s: s.end_s,
            first_sentence: i,
            n_sentences: 1,
            words: s.n_words,
            flashback: furthest.is_some_and(|f| k < f),
            evidence: s.evidence.clone(),
            confidence: None,
            uncertain: false,
        });
        conf.push(c.unwrap_or((0.0, 0)));
        furthest = Some(furthest.map_or(k, |f| f.max(k)));
    }
    for (span, (x, n)) in out.iter_mut().zip(conf) {
        if n > 0 {
            let c = x / n as f64;
            span.confidence = Some((c * 1000.0).round() / 1000.0);
            span.uncertain = c < uncertain_below;
        }
        // A span placed for where it falls and nothing else is a guess however sure the
        // decoder is of it: with a dear skip cost it must put every section somewhere, so a
        // section the speaker left out still gets the sentences where it would have been.
        span.uncertain |= span.by_position();
    }
    out
}

/// Every framework section's time against its target, in framework order.
pub fn timing(
    spans: &[SectionSpan],
    _sentences: &[Sentence],
    fillers: &[Filler],
    fw: &Framework,
    _answer_s: f64,
) -> Vec<SectionTiming> {
    let total: f64 = spans
        .iter()
        .map(|s| s.end_s - s.start_s)
        .sum::<f64>()
        .max(1e-9);
    fw.sections
        .iter()
        .map(|sec| {
            let mine: Vec<&SectionSpan> = spans.iter().filter(|s| s.id == sec.id).collect();
            let duration_s: f64 = mine.iter().map(|s| s.end_s - s.start_s).sum();
            let words: usize = mine.iter().map(|s| s.words).sum();
            SectionTiming {
                id: sec.id.clone(),
                name: sec.name.clone(),
                target: sec.target,
                duration_s: (duration_s * 1000.0).round() / 1000.0,
                start_s: mine.first().map(|s| s.start_s),
                end_s: mine.last().map(|s| s.end_s),
                words,
                wpm: (!mine.is_empty()).then(|| super::pacing::per_minute(words, duration_s)),
                share: duration_s / total,
                status: if mine.is_empty() {
                    Status::Missing
                } else {
                    Status::of(duration_s.max(1e-3), &sec.target)
                },
                fillers: fillers
                    .iter()
                    .filter(|f| f.section.as_deref() == Some(sec.id.as_str()))
                    .count(),
                // A section not heard, whose absence the framework does not trust enough to
                // flag (`flag_when_missing`), is a best guess too.
                uncertain: if mine.is_empty() {
                    !sec.flag_when_missing
                } else {
                    2 * mine
                        .iter()
                        .filter(|s| s.uncertain)
                        .map(|s| s.words)
                        .sum::<usize>()
                        > words
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::sentences;
    use crate::analyze::sentences::test_words as words;

    fn labels_of(text: &str, fw: &str) -> Vec<String> {
        let cat = Catalog::embedded().expect("embedded data");
        labels_with(text, fw, cat.sections.decoder.final_keep)
    }

    /// `labels_of` with the decoder's `final_keep` set to `final_keep`.
    fn labels_with(text: &str, fw: &str, final_keep: f64) -> Vec<String> {
        labels_tuned(text, fw, |d| d.final_keep = final_keep)
    }

    /// `labels_of` with the decoder's weights changed by `tune`.
    fn labels_tuned(text: &str, fw: &str, tune: impl FnOnce(&mut Decoder)) -> Vec<String> {
        let mut cat = Catalog::embedded().expect("embedded data");
        tune(&mut cat.sections.decoder);
        let fw = cat.framework(fw).expect("framework");
        let w = words(text);
        let s = sentences::split(&w);
        label(&w, &s, fw, &cat.sections)
            .into_iter()
            .map(|l| fw.sections[l.section].id.clone())
            .collect()
    }

    /// Labels of `text` under the shipped decoder, each with its sentence's evidence.
    fn labelled(text: &str, fw: &str) -> Vec<(String, String)> {
        let cat = Catalog::embedded().expect("embedded data");
        let fw = cat.framework(fw).expect("framework");
        let w = words(text);
        let s = sentences::split(&w);
        label(&w, &s, fw, &cat.sections)
            .into_iter()
            .map(|l| (fw.sections[l.section].id.clone(), l.evidence))
            .collect()
    }

    /// Whether `section` is left out of `l` or placed only for where it falls (which the report
    /// marks uncertain, "by position only").
    fn absent_or_by_position(l: &[(String, String)], section: &str) -> bool {
        l.iter()
            .filter(|(s, _)| s == section)
            .all(|(_, e)| !own_evidence(e))
    }

    #[test]
    fn star_l_in_order() {
        let l = labels_of(
            "I was a nurse at a busy city hospital on the night shift. \
             My job was to hand over the ward to the morning team before seven. \
             I decided to skip the written checklist because we were short staffed. \
             As a result one patient missed a dose and we had to file an incident report. \
             My takeaway is that a checklist matters most on the busiest nights. \
             Now I do the written handover every time, and our ward adopted it.",
            "star-l",
        );
        assert_eq!(
            l,
            vec![
                "situation",
                "task",
                "action",
                "result",
                "learning",
                "learning"
            ]
        );
    }

    #[test]
    fn a_section_without_evidence_is_missing_not_invented() {
        let l = labels_of(
            "I was a site engineer for a builder putting up a school gym. \
             The roof trusses were my responsibility from order to install. \
             I approved the truss drawings without comparing them to the final survey. \
             When the trusses arrived a third of them were too short, which cost five weeks. \
             We sent thirty trusses back and the school opened the gym a term late.",
            "star-l",
        );
        assert!(!l.contains(&"learning".to_string()), "{l:?}");
    }

    /// A short STAR-L answer about a print shop, with `outcome` (a sentence or nothing) between
    /// the decision and the lesson.
    fn print_shop(outcome: &str) -> Vec<String> {
        labels_of(
            &format!(
                "I was a print operator at a shop that makes menus for forty restaurants. \
                 The day's menus had to be packed for the courier by seven. \
                 One Monday I skipped the proof check on a reprint because the file looked the \
                 same. {outcome} Now I check the proof against the order sheet on every job, \
                 reprints included."
            ),
            "star-l",
        )
    }

    #[test]
    fn a_short_answer_without_a_result_reports_it_missing() {
        // From the decision straight to what the speaker does now: no outcome is told.
        let l = print_shop("");
        assert!(!l.contains(&"result".to_string()), "{l:?}");
        assert_eq!(l.last().map(String::as_str), Some("learning"), "{l:?}");
    }

    #[test]
    fn a_one_sentence_task_told_as_volunteering_is_the_task() {
        // No "my job was": the speaker took the work on, in one sentence.
        let text = "The failure I'd pick is a warehouse move I ran, and the missed date was my \
             mistake. Our shop sold garden tools online and shipped about two thousand parcels \
             a week from a rented unit whose lease ended in March. I volunteered to plan the \
             move to the new unit and promised the owner we would lose one day of shipping at \
             most. I booked the movers for a single weekend and I drew the new shelf layout \
             myself, but I never measured the loading door. The racks did not fit through it, \
             so we shipped nothing for six days and refunded two hundred late orders. Now I \
             walk every site with a tape measure before I commit to a date. That habit is \
             what I would bring to your operations team.";
        let l = labels_of(text, "star-long");
        assert_eq!(l[2], "task", "{l:?}");
        assert_eq!(l[3], "action", "{l:?}");
    }

    /// A star-long answer whose task is the team's, in "we"; `role` opens the scene ("I ran").
    fn warehouse_move(role: &str) -> String {
        format!(
            "I'd talk about a warehouse move that ran a week late, and that was my mistake. \
             {role} operations for a garden tools shop that ships about two thousand parcels a \
             week, and the lease on our old unit ended within the spring. We needed to move all \
             the stock in a single weekend and keep shipping on the Monday. We packed by aisle, \
             we labelled every box by shelf, and we hired two vans. The new racks did not fit \
             the loading door, so we shipped nothing for six days and refunded two hundred \
             orders. Now I measure every new site myself before we book anything. That is what \
             I'd bring to your logistics team."
        )
    }

    #[test]
    #[ignore = "known failure since stop 36: with the refitted context model the decoder takes \
                Action over the 'we needed to' cue, at 0.55"]
    fn a_long_form_task_told_as_what_we_needed_is_the_task() {
        // The team's task, in "we", after a scene with a deadline in it ("within"): no "my job
        // was". (With "I ran operations" the scene is heard as Action: see the ignored test
        // below.) Both the stop 35 and stop 36 models hear the sentence as Action (0.98); with
        // the stop 35 model the cue won at 0.90, with stop 36's it loses at 0.55
        // (docs/measurements.md, "Stop 36").
        let l = labels_of(&warehouse_move("I looked after"), "star-long");
        assert_eq!(l[1], "situation", "{l:?}");
        assert_eq!(l[2], "task", "{l:?}");
    }

    #[test]
    #[ignore = "known failure since stop 32: a role told as 'I ran operations' is heard as Action"]
    fn a_role_told_as_i_ran_operations_is_the_situation() {
        // The action cue 'i ran' fits "I ran operations for ...", a role. Before stop 32 the
        // plain decoding left Action out of this answer, which kept the scene and the task in
        // place (and reported a missing Action that was there); since the context model may
        // bring a section back, the restored Action takes the scene and the task with it, and
        // a missing Situation is reported instead. Measured on fresh answers the change pays
        // (docs/measurements.md, "Stop 32"); this example is what it costs.
        let l = labels_of(&warehouse_move("I ran"), "star-long");
        assert_eq!(&l[1..3], ["situation", "task"], "{l:?}");
    }

    #[test]
    fn a_reflection_that_looks_back_or_reframes_the_failure_is_a_reflection() {
        // No immediate actions: the answer goes from the failure straight to what it meant.
        let failure = "I ran the kitchen at a busy hotel restaurant with about ninety covers a \
             night. We ordered fish for a wedding of two hundred guests, and I placed the order a \
             day late, so half of it arrived after the meal had started and the couple asked for \
             a refund.";
        let change = "I never wrote anything down because it had always worked. Since then \
             every big order goes on a shared board the week before, and the last twelve \
             weddings all got their fish on time.";
        // Since stop 38 leaving a section out is dear (skip_cost 3.0). The first reflection
        // still keeps the missing Immediate actions out. The second pays for the dear skip: the
        // model hears "the ordering lived in my head" as an immediate action (0.81), so its
        // sentence goes there and the reflection starts a sentence late, by position. Before
        // stop 38 the cheap skip left the section out; on fresh answers the dear one cut false
        // missing-section alarms more than it cost (docs/measurements.md, "Stop 38").
        for (reflection, in_place) in [
            (
                "The problem wasn't the supplier, it was that I kept every order in my head.",
                true,
            ),
            (
                "Thinking back, the ordering lived in my head and nowhere else.",
                false,
            ),
        ] {
            let l = labelled(&format!("{failure} {reflection} {change}"), "concise-5");
            assert_eq!(l[1].0, "failure", "{reflection}: {l:?}");
            assert!(l.iter().any(|(s, _)| s == "reflections"), "{l:?}");
            if in_place {
                assert_eq!(l[2].0, "reflections", "{reflection}: {l:?}");
                assert!(
                    absent_or_by_position(&l, "immediate-actions"),
                    "{reflection}: {l:?}"
                );
            }
        }
    }

    #[test]
    fn immediate_actions_placed_by_position_alone_are_reported_missing() {
        // No immediate actions: the wrong delivery's aftermath is told, but nothing the
        // speaker did about it. Without `drop_unheard` the decoder puts Immediate actions on
        // that sentence for where it falls; with it (as shipped) the section is left out, and
        // the sentence stays with the failure.
        let text = "I manage the warehouse shift at a parts supplier. Last winter I let a pallet \
             of brake pads go out to the wrong garage because I read the label in a hurry. The \
             garage sent it back two days later and our customer waited most of a week. It was \
             a rush that caused it, not the label. These days I scan every pallet before it \
             leaves, and we have had no wrong deliveries in eight months.";
        let off = labels_tuned(text, "concise-5", |d| d.drop_unheard = false);
        assert_eq!(off[2], "immediate-actions", "{off:?}");
        let l = labelled(text, "concise-5");
        assert!(!l.iter().any(|(s, _)| s == "immediate-actions"), "{l:?}");
        assert_eq!(l[2].0, "failure", "{l:?}");
        assert_eq!(l[3].0, "reflections", "{l:?}");
    }

    #[test]
    fn a_section_told_quietly_placed_by_position_alone_is_kept() {
        // Reflections is told_quietly: a one-line reflection with no cue is often there, so a
        // placement on position alone stays, marked "by position only" in the report.
        let text = "I look after the stock room at a garden centre with six staff. Last spring I \
             forgot to reorder compost before the Easter weekend, and we ran out on the Saturday \
             morning with a queue at the till. Keeping the reorder dates in my head was the \
             mistake, not the supplier. Now the reorder dates sit in a shared calendar, and we \
             have not run out of anything through the two seasons that followed.";
        let l = labelled(text, "concise-5");
        assert_eq!(
            l[2],
            ("reflections".to_string(), BY_POSITION.to_string()),
            "{l:?}"
        );
    }

    /// A concise-5 answer about a greenhouse order whose last sentence is `closing`.
    fn greenhouse(closing: &str) -> Vec<String> {
        labels_of(
            &format!(
                "I ran the buying for a garden centre with three sites. One spring I ordered \
                 bedding plants off last year's sales sheet without looking at the new \
                 greenhouse space, and a third of the delivery had nowhere to go. I rang the \
                 grower that morning, sent two pallets to our other site and sold the rest at \
                 cost by the weekend. Looking back, I trusted an old sheet over the room I \
                 actually had. {closing}"
            ),
            "concise-5",
        )
    }

    #[test]
    fn a_habit_told_as_the_first_thing_i_do_is_growth_evidence() {
        // The change, in the present tense, with no "now" or "since then".
        let l = greenhouse(
            "The first thing I do before any big order is walk the benches with a tape and \
             count the free space. The last four deliveries all fitted on the day.",
        );
        assert_eq!(l[l.len() - 2], "growth-evidence", "{l:?}");
    }

    #[test]
    fn a_first_step_told_in_the_past_is_an_action_not_growth_evidence() {
        // Past tense: what the speaker did straight away, not a habit.
        let text = "I ran the buying for a garden centre with three sites. One spring I \
             ordered bedding plants off last year's sales sheet, and a third of the delivery \
             had nowhere to go. The first thing I then did was ring the grower and send two pallets \
             to our other site. Looking back, I trusted an old sheet over the room I actually \
             had. Since then I walk the benches before every order, and the last four \
             deliveries all fitted.";
        let l = labels_of(text, "concise-5");
        assert_eq!(l[2], "immediate-actions", "{l:?}");
        assert_eq!(
            l.last().map(String::as_str),
            Some("growth-evidence"),
            "{l:?}"
        );
    }

    #[test]
    fn a_lesson_told_as_advice_to_others_is_the_lesson() {
        // The lesson addressed to the listener ("if you're ever ...", "my advice is"), with no
        // "I learned" or "looking back", between the mistake and the change.
        for lesson in [
            "If you're ever handed a sheet from last year, treat it as a rough guess.",
            "My advice is to count the space you have before you count the plants you want.",
        ] {
            let text = format!(
                "My mistake was a spring plant order at the garden centre I buy for. \
                 We had three sites and one big greenhouse. I ordered off last year's sales \
                 sheet, and a third of the delivery had nowhere to go. {lesson} Since then I \
                 walk the benches with a tape before every order."
            );
            let l = labels_of(&text, "failure-5");
            assert_eq!(l[l.len() - 2], "lesson", "{lesson}: {l:?}");
        }
    }

    #[test]
    fn a_listener_asked_to_picture_the_scene_is_still_context() {
        // "If you've ever ..." sets a scene; only "if you're ever" gives advice.
        let l = labels_of(
            "My mistake was a spring plant order at the garden centre I buy for. If \
             you've ever worked a garden centre in April, you know every bench is full. I \
             ordered off last year's sales sheet, and a third of the delivery had nowhere to \
             go. Looking back, an old sheet is only a guess. Since then I walk the benches \
             with a tape before every order.",
            "failure-5",
        );
        assert_eq!(l[1], "context", "{l:?}");
    }

    #[test]
    #[ignore = "known failure since stop 44: with the context model at weight 2.0 its Action for \
                'we were asked to' outweighs the Task cue in this five-sentence answer"]
    fn a_task_given_to_the_whole_team_is_the_task() {
        // A one-sentence task told as "we were asked to", after the setting, in a story told
        // as "we": without the cue it went to the Action and Task was reported missing.
        let l = labels_of(
            "At the community garden trust I volunteered for, the allotment waiting list had \
             grown to about ninety names, and plots sat empty for months while people waited. \
             We were asked to get every empty plot let by the spring, with no paid staff. So \
             we started ringing each name on the list in turn, and we walked the site every \
             Saturday to mark which plots were really free. By April every plot was let. I \
             learned that a list nobody checks only grows, and now I ring through it every \
             quarter.",
            "star-l",
        );
        assert_eq!(l[1], "task", "{l:?}");
    }

    #[test]
    fn a_later_request_to_the_team_stays_in_the_result() {
        let l = labels_of(
            "I was a receptionist at a physiotherapy clinic with a waiting list of four \
             months. My job was to cut that list in half before the summer. I started \
             ringing every patient on it to ask whether they still needed the slot, and \
             I moved the cancellations into a shared calendar. By June the wait was down \
             to seven weeks, and we were asked to run the same calls at two other clinics. \
             I learned that a list nobody checks only grows, and now I ring through it every \
             Friday.",
            "star-l",
        );
        assert_eq!(l[3], "result", "{l:?}");
    }

    #[test]
    fn an_answer_that_opens_on_its_admission_has_no_context() {
        // Concise-5 with no scene set: the first words are the plain admission ("I never
        // checked ..."), which used to be taken as the Context on position alone.
        let l = labels_of(
            "I never checked the seating plan for the awards dinner I organised last spring, \
             and two sponsors ended up at a table behind a pillar. The plan had been changed \
             by the venue the day before, and my copy was out of date. That evening I moved \
             both sponsors to the top table myself, apologised to each of them, and sent \
             their teams free tickets for the next event. I had assumed a plan I signed off \
             would stay signed off. Since then I ask every venue for the final plan on the \
             morning of the event and walk the room with it, and over about twenty dinners \
             nobody has been misplaced.",
            "concise-5",
        );
        assert_eq!(l[0], "failure", "{l:?}");
        assert!(!l.contains(&"context".to_string()), "{l:?}");
    }

    #[test]
    fn an_admission_headline_before_the_scene_keeps_the_context() {
        for opening in [
            "I made a mistake early in my time as a shift lead at a parcel depot. I was a \
             shift lead there for two years, running a crew of fifteen on nights.",
            "I never used to think much about loading plans. I was a shift lead at a parcel \
             depot, running a crew of fifteen on nights.",
        ] {
            let l = labels_of(
                &format!(
                    "{opening} One night I didn't check the van loading plan, and forty \
                     parcels went out on the wrong route. The next morning I rang every \
                     customer on the list and rebooked each delivery myself. Looking back, I \
                     had trusted the plan because it was usually right. Since then I walk the \
                     loading bay with the plan before the vans leave, and we haven't had a \
                     misrouted van in a year."
                ),
                "concise-5",
            );
            assert_eq!(&l[..2], ["context", "context"], "{opening}: {l:?}");
        }
    }

    #[test]
    fn a_plain_result_without_a_cue_is_kept() {
        let l = print_shop(
            "Two hundred menus went out with last season's prices, and we reprinted them free.",
        );
        assert_eq!(l[3], "result", "{l:?}");
    }

    /// Evidence for one of three sentences whose sections are 0, 1, 2: the model's belief `p`,
    /// and, with `cue`, a cue for section 1.
    fn three_sentence_evidence(cue: bool, p: [f64; 3]) -> Evidence {
        Evidence {
            score: vec![0.0; 3],
            best_cue: vec![None, cue.then(|| "cue".to_string()), None],
            words: vec![Vec::new(); 3],
            sounds: Some(p.to_vec()),
            heard: Some(p.to_vec()),
            goes_back: false,
            place: (0.0, 0.0),
        }
    }

    /// Three sentences with no cue: the first and last sound like sections 0 and 2, the middle
    /// one as `p` says.
    fn middle_of_three(p: [f64; 3]) -> [Evidence; 3] {
        [
            three_sentence_evidence(false, [0.8, 0.1, 0.1]),
            three_sentence_evidence(false, p),
            three_sentence_evidence(false, [0.1, 0.1, 0.8]),
        ]
    }

    #[test]
    fn a_section_with_no_evidence_of_its_own_is_dropped() {
        // Three sentences; the middle section was placed on position alone, and the model
        // believes its sentence less than the neighbours'.
        let ev = three_sentence_evidence;
        let path = [0, 1, 2];
        let weak = middle_of_three([0.5, 0.2, 0.3]);
        assert_eq!(unsupported(&path, &weak, 1.0, 0.0), Some(1));
        assert_eq!(
            unsupported(&path, &weak, 0.0, 0.0),
            None,
            "0 keeps every section"
        );
        // A cue, or the model's belief over the neighbours', keeps it.
        let cued = [weak[0].clone(), ev(true, [0.5, 0.2, 0.3]), weak[2].clone()];
        assert_eq!(unsupported(&path, &cued, 1.0, 0.0), None);
        let sounds = [weak[0].clone(), ev(false, [0.3, 0.4, 0.3]), weak[2].clone()];
        assert_eq!(unsupported(&path, &sounds, 1.0, 0.0), None);
    }

    #[test]
    fn presence_is_judged_on_the_presence_belief_not_the_decoders() {
        // The decoder's scores weigh the context model at 2.0, but whether a section is there
        // at all is judged at `presence_context_weight`: at 2.0 everywhere the dev held part's
        // left-out Learning was heard and kept (docs/measurements.md, "Stop 44").
        let path = [0, 1, 2];
        let mut loud_in_scores = middle_of_three([0.3, 0.45, 0.25]);
        loud_in_scores[1].sounds = Some(vec![0.05, 0.9, 0.05]);
        assert_eq!(unheard(&path, &loud_in_scores, &[true; 3]), Some(1));
        let mut present = [true, false, true];
        bring_back(&path, &loud_in_scores, &mut present);
        assert!(!present[1], "not brought back on the scores' belief");
        let mut heard = loud_in_scores.clone();
        heard[1].heard = Some(vec![0.05, 0.9, 0.05]);
        assert_eq!(unheard(&path, &heard, &[true; 3]), None);
        bring_back(&path, &heard, &mut present);
        assert!(present[1]);
    }

    #[test]
    fn the_two_beliefs_differ_only_by_the_context_models_weight() {
        let cat = Catalog::embedded().expect("embedded data");
        let (fw, w, s, texts) = parcel_depot(&cat);
        let d = cat.sections.decoder;
        assert!(d.context_weight != d.presence_context_weight, "{d:?}");
        let (_, first) = emissions(&w, &s, &texts, fw, &cat.sections, None, &d);
        let context = context_scores(&texts, &s, fw, &d).expect("model on");
        let (_, ev) = emissions(
            &w,
            &s,
            &texts,
            fw,
            &cat.sections,
            Some((&context, &first)),
            &d,
        );
        let belief = |i: usize, weight: f64| {
            model_logits(&texts[i], fw, &cat.sections)
                .map(|l| belief(&l, fw.sections.len(), Some(&context[i]), weight))
        };
        for (i, e) in ev.iter().enumerate() {
            assert_eq!(e.sounds, belief(i, d.context_weight), "sentence {i}");
            assert_eq!(
                e.heard,
                belief(i, d.presence_context_weight),
                "sentence {i}"
            );
        }
        assert!(ev.iter().any(|e| e.sounds != e.heard));
    }

    #[test]
    fn a_section_unheard_is_dropped_only_where_the_framework_allows() {
        // The middle section is placed on position alone: no cue, none of its words, and the
        // model's belief in it under SOUNDS_LIKE_MIN.
        let ev = three_sentence_evidence;
        let path = [0, 1, 2];
        let unheard_mid = middle_of_three([0.3, 0.45, 0.25]);
        assert_eq!(unheard(&path, &unheard_mid, &[true; 3]), Some(1));
        // A section told quietly (or not flagged when missing) is not the framework's to drop.
        assert_eq!(unheard(&path, &unheard_mid, &[true, false, true]), None);
        // Each kind of evidence of its own keeps it.
        let cued = [
            unheard_mid[0].clone(),
            ev(true, [0.3, 0.45, 0.25]),
            unheard_mid[2].clone(),
        ];
        assert_eq!(unheard(&path, &cued, &[true; 3]), None, "a cue");
        let sounds = [
            unheard_mid[0].clone(),
            ev(false, [0.3, 0.5, 0.2]),
            unheard_mid[2].clone(),
        ];
        assert_eq!(unheard(&path, &sounds, &[true; 3]), None, "sounds like it");
        let mut worded = unheard_mid.clone();
        worded[1].words[1] = vec!["lesson".to_string()];
        assert_eq!(unheard(&path, &worded, &[true; 3]), None, "its words");
        // One sentence of a two-sentence section that sounds like it is enough.
        let two = [0, 1, 1, 2];
        let one_heard = [
            unheard_mid[0].clone(),
            unheard_mid[1].clone(),
            ev(false, [0.1, 0.7, 0.2]),
            unheard_mid[2].clone(),
        ];
        assert_eq!(unheard(&two, &one_heard, &[true; 3]), None);
        // Without the model nothing is judged unheard, and an answer keeps one section at least.
        let mut no_model = unheard_mid.clone();
        no_model[1].sounds = None;
        no_model[1].heard = None;
        assert_eq!(unheard(&path, &no_model, &[true; 3]), None, "model off");
        assert_eq!(
            unheard(&[1, 1, 1], &unheard_mid, &[true; 3]),
            None,
            "only one"
        );
    }

    #[test]
    fn a_section_the_context_model_hears_is_brought_back() {
        // The plain decoding left section 1 out; the context decoding labels the middle
        // sentence with it.
        let ev = three_sentence_evidence;
        let heard = [0, 1, 2];
        let bring = |mid: Evidence| {
            let ev = [ev(false, [0.8, 0.1, 0.1]), mid, ev(false, [0.1, 0.1, 0.8])];
            let mut present = [true, false, true];
            bring_back(&heard, &ev, &mut present);
            present
        };
        assert_eq!(
            bring(ev(false, [0.2, 0.7, 0.1])),
            [true; 3],
            "it sounds like it"
        );
        assert_eq!(bring(ev(true, [0.5, 0.2, 0.3])), [true; 3], "it has a cue");
        assert_eq!(
            bring(ev(false, [0.5, 0.4, 0.1])),
            [true, false, true],
            "placed on position alone, it stays missing"
        );
        // Never takes a section away.
        let mut present = [true; 3];
        let quiet = ev(false, [0.1, 0.1, 0.8]);
        bring_back(
            &[0, 0, 0],
            &[quiet.clone(), quiet.clone(), quiet],
            &mut present,
        );
        assert_eq!(present, [true; 3]);
    }

    /// Lays the sentences end to end, each an equal share of the answer.
    fn spread(ev: &mut [Evidence]) {
        let n = ev.len() as f64;
        for (i, e) in ev.iter_mut().enumerate() {
            e.place = (i as f64 / n, (i + 1) as f64 / n);
        }
    }

    #[test]
    fn a_section_placed_on_position_alone_is_reported_missing() {
        // Five STAR-L sentences; the fourth sits where a Result belongs, so position favours
        // it, but it has no Result cue and the model hears a Learning in it.
        let cat = Catalog::embedded().expect("embedded data");
        let fw = cat.framework("star-l").expect("framework");
        let ev = |p: [f64; 5]| Evidence {
            score: vec![0.0; 5],
            best_cue: vec![None; 5],
            words: vec![Vec::new(); 5],
            sounds: Some(p.to_vec()),
            heard: Some(p.to_vec()),
            goes_back: false,
            place: (0.0, 0.0),
        };
        let mut ev = vec![
            ev([0.9, 0.05, 0.02, 0.02, 0.01]),
            ev([0.05, 0.9, 0.02, 0.02, 0.01]),
            ev([0.02, 0.05, 0.9, 0.02, 0.01]),
            ev([0.02, 0.02, 0.06, 0.05, 0.85]),
            ev([0.01, 0.02, 0.02, 0.05, 0.9]),
        ];
        spread(&mut ev);
        let em = vec![
            vec![3.0, 0.0, -2.0, -4.0, -6.0],
            vec![0.0, 3.0, 0.0, -2.0, -4.0],
            vec![-2.0, 0.0, 3.0, 0.0, -2.0],
            vec![-4.0, -2.0, 0.0, 2.5, 1.0],
            vec![-6.0, -4.0, -2.0, 0.0, 3.0],
        ];
        let ids = |d: &Decoder| {
            label_from(&em, &ev, fw, d)
                .iter()
                .map(|l| fw.sections[l.section].id.clone())
                .collect::<Vec<_>>()
        };
        let mut d = cat.sections.decoder;
        // The keep/drop pass alone, without the drop of unheard sections.
        d.drop_unheard = false;
        d.keep_share = 0.0;
        assert_eq!(ids(&d)[3], "result", "position alone places a Result");
        d.keep_share = 0.25;
        let l = ids(&d);
        assert!(!l.contains(&"result".to_string()), "{l:?}");
        assert_eq!(l[4], "learning", "{l:?}");
    }

    #[test]
    fn an_announced_flashback_goes_back_to_the_situation() {
        let text = |opening: &str| {
            format!(
                "I was a shift lead at a parcel depot outside the city. \
                 My job was to get every van loaded and out by six each morning. \
                 I decided to change the loading order on the busiest week of the year. \
                 I moved the large parcels to the front and told the drivers on the day. \
                 {opening} the depot had taken on forty new drivers that month, most of them on \
                 their first week. \
                 As a result half the vans left late and about three hundred parcels missed \
                 their day. \
                 What I learned is that a change on a busy week needs a trial run first. \
                 Now I try every change on a quiet day before it goes live."
            )
        };
        let l = labels_of(&text("Oh, and I should say,"), "star-l");
        assert_eq!(l[4], "situation", "{l:?}");
        // Without the announcement, the same sentence stays in the story's flow.
        let l = labels_of(&text("That week"), "star-l");
        assert_ne!(l[4], "situation", "{l:?}");
    }

    /// No flashback announced, sentences spread evenly, and no bands, so that a run's duration
    /// costs nothing.
    fn plain_moves() -> Moves {
        Moves {
            goes_back: vec![],
            place: vec![],
            bands: vec![],
        }
    }

    /// The sentence-by-sentence decoder, and the one by runs with durations weighed.
    fn both_decoders() -> [Decoder; 2] {
        let d = Catalog::embedded().expect("embedded data").sections.decoder;
        let by_sentence = Decoder {
            duration_long_weight: 0.0,
            duration_short_weight: 0.0,
            ..d
        };
        let by_runs = Decoder {
            duration_long_weight: 1.0,
            duration_short_weight: 1.0,
            ..d
        };
        [by_sentence, by_runs]
    }

    #[test]
    fn decode_allows_a_short_flashback() {
        // Sentence 3 clearly belongs to section 0 again.
        let em = vec![
            vec![3.0, 0.0, 0.0],
            vec![0.0, 5.0, 0.0],
            vec![6.0, 0.0, 0.0],
            vec![0.0, 0.0, 3.0],
        ];
        for d in both_decoders() {
            let (path, _) = decode(&em, &plain_moves(), 3, &d);
            assert_eq!(path, vec![0, 1, 0, 2]);
            // The marginals agree with the best path and sum to one per sentence.
            let p = marginals(&em, &plain_moves(), 3, &d);
            for (i, row) in p.iter().enumerate() {
                assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{row:?}");
                assert!(row[path[i]] > 0.5, "{i}: {row:?}");
            }
        }
    }

    /// A STAR-L answer whose Situation is seven sentences of backstory, over half the answer.
    const CARGO_DESK: &str = "I ran the night desk at a small regional airport cargo office. \
        We handled about forty pallets a night, mostly flowers and machine parts. \
        The office had three staff and one old scanner that jammed in the cold. \
        The airport sits on a hill, and fog comes in on most winter nights. \
        The cargo shed is an old hangar with no heating and one loading door. \
        The flower growers called every night to ask where their boxes were. \
        Most nights we stayed an hour late to match the pallets to the forms. \
        Clearing every pallet before the six o'clock flight was on me. \
        On one late pallet I left out the weighing so we would make the flight. \
        The pallet was overweight and the flight left forty minutes late. \
        The lesson for me: under pressure, the step I drop is the step that matters. \
        Now I weigh every late pallet before I sign, even when the flight is waiting.";

    /// The labels of [`CARGO_DESK`] with durations weighed at `long` and `short`, and the runs
    /// labelling kept above `share`.
    fn cargo_desk(long: f64, short: f64, share: f64) -> Vec<String> {
        labels_tuned(CARGO_DESK, "star-l", |d| {
            d.duration_long_weight = long;
            d.duration_short_weight = short;
            d.long_run_share = share;
        })
    }

    #[test]
    #[ignore = "known failure since stop 44: with the context model at weight \
                2.0 the runs labelling ends the backstory three sentences early"]
    fn a_long_backstory_stays_the_situation_only_when_durations_are_weighed() {
        // Sentence by sentence, the backstory's last three sentences pay for lying past the
        // Situation's place and go to Action and Result, and the Task is lost among them.
        let by_sentence = cargo_desk(0.0, 0.0, 0.55);
        let situation = |l: &[String]| l.iter().filter(|x| *x == "situation").count();
        assert!(situation(&by_sentence) < 7, "{by_sentence:?}");
        let by_runs = cargo_desk(0.5, 0.25, 0.0);
        assert_eq!(situation(&by_runs), 7, "{by_runs:?}");
        assert_eq!(by_runs[7], "task", "{by_runs:?}");
        // A bar of 0.55 keeps it here: the backstory is over half the answer.
        assert_eq!(cargo_desk(0.5, 0.25, 0.55), by_runs);
        // A share the runs labelling cannot reach keeps the labelling by sentence.
        assert_eq!(cargo_desk(0.5, 0.25, 1.0), by_sentence);
    }

    /// A concise-5 answer with a long Failure and a one-sentence Reflections.
    const PARCEL_DEPOT: &str = "I was the shift lead at a parcel sorting depot. \
        I changed the sorting plan for the Christmas peak without telling the night crew. \
        The new plan sent every parcel for the north routes to the wrong belt. \
        The belt backed up within an hour, and parcels piled on the floor. \
        The night crew had no idea why, and they kept loading the old way. \
        Before dawn about four thousand parcels were on the wrong vans. \
        Two vans left for the coast with parcels for the city. \
        The drivers found out at their first stop and had to drive back. \
        Customers called all the next day about missing gifts. \
        I called the night crew in early and we resorted the floor by hand. \
        I should have told the crew before I changed anything. \
        Now every plan change goes on the board and gets read out when each shift begins.";

    /// The parcel depot answer, as concise-5 reads it: its framework, words, sentences and
    /// sentence texts.
    fn parcel_depot(cat: &Catalog) -> (&Framework, Vec<Word>, Vec<Span>, Vec<String>) {
        let fw = cat.framework("concise-5").expect("framework");
        let w = words(PARCEL_DEPOT);
        let s = sentences::split(&w);
        let texts = texts_of(&w, &s);
        (fw, w, s, texts)
    }

    #[test]
    fn a_long_part_does_not_swallow_a_section_the_sentences_heard() {
        let cat = Catalog::embedded().expect("embedded data");
        let (fw, w, s, texts) = parcel_depot(&cat);
        // Short sections priced out of reach, and the runs labelling allowed at any share.
        let d = Decoder {
            duration_short_weight: 50.0,
            long_run_share: 0.0,
            ..cat.sections.decoder
        };
        let context = context_scores(&texts, &s, fw, &d);
        let ids = |l: &[Label]| -> Vec<String> {
            l.iter()
                .map(|x| fw.sections[x.section].id.clone())
                .collect()
        };
        let runs = label_with(
            &w,
            &s,
            &texts,
            fw,
            &cat.sections,
            context.as_deref(),
            &by_runs(d),
        );
        assert!(
            !ids(&runs).contains(&"reflections".to_string()),
            "{:?}",
            ids(&runs)
        );
        // Sentence by sentence the Reflections is heard, so that labelling stands.
        let by_sentence = labels_tuned(PARCEL_DEPOT, "concise-5", |d| {
            d.duration_long_weight = 0.0;
            d.duration_short_weight = 0.0;
        });
        assert_eq!(by_sentence[10], "reflections", "{by_sentence:?}");
        let kept = labels_tuned(PARCEL_DEPOT, "concise-5", |x| *x = d);
        assert_eq!(kept, by_sentence);
    }

    #[test]
    fn largest_share_counts_every_run_of_a_section() {
        // Four sentences of two words, 0.8 s apart; the answer runs 0 to 3.1 s.
        let w = words("one two three four five six seven eight");
        let s: Vec<Span> = (0..4)
            .map(|i| Span {
                first: 2 * i,
                len: 2,
            })
            .collect();
        let at = |sections: [usize; 4]| -> Vec<Label> {
            sections
                .iter()
                .map(|&section| Label {
                    section,
                    evidence: String::new(),
                    confidence: Some(1.0),
                })
                .collect()
        };
        // Sentences run 0-0.7, 0.8-1.5, 1.6-2.3 and 2.4-3.1 s; a section's runs add up.
        let share = largest_share(&at([0, 1, 1, 0]), &w, &s);
        assert!((share - 1.5 / 3.1).abs() < 1e-9, "{share}");
        let share = largest_share(&at([0, 1, 0, 0]), &w, &s);
        assert!((share - 2.2 / 3.1).abs() < 1e-9, "{share}");
        let share = largest_share(&at([0, 0, 0, 1]), &w, &s);
        assert!((share - 2.3 / 3.1).abs() < 1e-9, "{share}");
    }

    #[test]
    fn a_very_long_answer_is_decoded_sentence_by_sentence() {
        let d = Decoder {
            duration_long_weight: 0.5,
            ..Catalog::embedded().expect("embedded data").sections.decoder
        };
        assert!(by_duration(&d, MAX_SENTENCES_BY_RUNS));
        assert!(!by_duration(&d, MAX_SENTENCES_BY_RUNS + 1));
        let off = Decoder {
            duration_long_weight: 0.0,
            duration_short_weight: 0.0,
            ..d
        };
        assert!(!by_duration(&off, 10));
    }

    #[test]
    fn without_durations_the_run_decoder_is_the_sentence_decoder() {
        // Where no run's duration costs anything, the decoder by runs weighs exactly the same
        // labellings as the one by sentences: the same best path, score and marginals.
        let em: Vec<Vec<f64>> = (0..9)
            .map(|i| {
                (0..4)
                    .map(|c| ((i * 7 + c * 3) % 5) as f64 * 0.6 - (c == 3 && i < 5) as u8 as f64)
                    .collect()
            })
            .collect();
        let mut mv = plain_moves();
        mv.goes_back = vec![false, false, false, false, false, true, false, false, false];
        let [a, b] = both_decoders();
        let (pa, sa) = decode(&em, &mv, 4, &a);
        let (pb, sb) = decode(&em, &mv, 4, &b);
        assert_eq!(pa, pb);
        assert!((sa - sb).abs() < 1e-9, "{sa} {sb}");
        let (ma, mb) = (marginals(&em, &mv, 4, &a), marginals(&em, &mv, 4, &b));
        for (ra, rb) in ma.iter().zip(&mb) {
            for (x, y) in ra.iter().zip(rb) {
                assert!((x - y).abs() < 1e-9, "{ra:?} {rb:?}");
            }
        }
    }

    #[test]
    fn a_long_section_pays_for_its_length_once() {
        // Eight even sentences, two sections expected to share the answer half and half. The
        // first six sound a little like section 0. By sentence, the sixth pays for lying past
        // section 0's place and goes to section 1; by runs, section 0 pays once for running to
        // three quarters of the answer and keeps it.
        let em: Vec<Vec<f64>> = (0..8)
            .map(|i| {
                if i < 6 {
                    vec![0.5, 0.0]
                } else {
                    vec![0.0, 0.5]
                }
            })
            .collect();
        let place: Vec<(f64, f64)> = (0..8)
            .map(|i| (i as f64 / 8.0, (i + 1) as f64 / 8.0))
            .collect();
        let mv = Moves {
            goes_back: vec![],
            place: place.clone(),
            bands: vec![(0.3, 0.55), (0.3, 0.55)],
        };
        let [a, b] = both_decoders();
        let emit = |d: &Decoder| -> Vec<Vec<f64>> {
            em.iter()
                .zip(&place)
                .map(|(row, &(s, e))| {
                    let late = d.position_weight * d.late_factor * (s - 0.5).max(0.0);
                    let early = d.position_weight * (0.5 - e).max(0.0);
                    vec![row[0] - late, row[1] - early]
                })
                .collect()
        };
        let (by_sentence, _) = decode(&emit(&a), &mv, 2, &a);
        assert_eq!(by_sentence, vec![0, 0, 0, 0, 0, 1, 1, 1]);
        let by_runs = Decoder {
            position_weight: 0.0,
            ..b
        };
        let (runs, _) = decode(&emit(&by_runs), &mv, 2, &by_runs);
        assert_eq!(runs, vec![0, 0, 0, 0, 0, 0, 1, 1]);
    }

    /// Five STAR-L sentences in order; the last sits where a Learning belongs and the model
    /// gives Learning `p_last` there, with or without a Learning cue. The keep/drop pass alone:
    /// `drop_unheard` off.
    fn ends_on(p_last: f64, cue: bool, final_keep: f64) -> Vec<String> {
        ends_on_with(p_last, cue, |d| {
            d.final_keep = final_keep;
            d.drop_unheard = false;
        })
    }

    /// `ends_on` with the shipped decoder changed by `tune`.
    fn ends_on_with(p_last: f64, cue: bool, tune: impl FnOnce(&mut Decoder)) -> Vec<String> {
        let cat = Catalog::embedded().expect("embedded data");
        let fw = cat.framework("star-l").expect("framework");
        let ev = |p: [f64; 5], cue: Option<usize>| Evidence {
            score: vec![0.0; 5],
            best_cue: (0..5)
                .map(|s| (cue == Some(s)).then(|| "cue".to_string()))
                .collect(),
            words: vec![Vec::new(); 5],
            sounds: Some(p.to_vec()),
            heard: Some(p.to_vec()),
            goes_back: false,
            place: (0.0, 0.0),
        };
        // The result is cued; the last sentence sounds a little like the result, and the rest
        // of the model's belief is spread, so the share rule (0.25 of the result) keeps it.
        let rest = (1.0 - p_last - 0.4) / 3.0;
        let mut ev = vec![
            ev([0.9, 0.05, 0.02, 0.02, 0.01], Some(0)),
            ev([0.05, 0.9, 0.02, 0.02, 0.01], Some(1)),
            ev([0.02, 0.05, 0.9, 0.02, 0.01], Some(2)),
            ev([0.02, 0.02, 0.06, 0.85, 0.05], Some(3)),
            ev([rest, rest, rest, 0.4, p_last], cue.then_some(4)),
        ];
        spread(&mut ev);
        let em = vec![
            vec![3.0, 0.0, -2.0, -4.0, -6.0],
            vec![0.0, 3.0, 0.0, -2.0, -4.0],
            vec![-2.0, 0.0, 3.0, 0.0, -2.0],
            vec![-4.0, -2.0, 0.0, 3.0, 0.0],
            vec![-6.0, -4.0, -2.0, 0.5, 1.0],
        ];
        let mut d = cat.sections.decoder;
        tune(&mut d);
        label_from(&em, &ev, fw, &d)
            .iter()
            .map(|l| fw.sections[l.section].id.clone())
            .collect()
    }

    #[test]
    fn a_final_section_on_position_alone_is_reported_missing() {
        let l = ends_on(0.15, false, 0.0);
        assert_eq!(
            l[4], "learning",
            "0 keeps the last section on position: {l:?}"
        );
        let l = ends_on(0.15, false, 0.2);
        assert!(!l.contains(&"learning".to_string()), "{l:?}");
        assert_eq!(l[4], "result", "{l:?}");
    }

    #[test]
    fn the_shipped_default_drops_a_final_learning_on_position_alone() {
        // The keep/drop pass is off since stop 38 (it found no missing section on fresh answers
        // that the skip cost did not, and raised false alarms), but a Learning is not told
        // quietly: placed on position alone, it is dropped for being unheard (stop 39).
        let l = ends_on_with(0.02, false, |_| {});
        assert!(!l.contains(&"learning".to_string()), "{l:?}");
        // With `drop_unheard` off the span stays, and the report marks it by position only.
        let l = ends_on_with(0.02, false, |d| d.drop_unheard = false);
        assert_eq!(l[4], "learning", "{l:?}");
    }

    #[test]
    fn a_final_section_with_a_cue_or_the_models_belief_is_kept() {
        let l = ends_on(0.15, true, 0.2);
        assert_eq!(l[4], "learning", "a cue of its own keeps it: {l:?}");
        let l = ends_on(0.3, false, 0.2);
        assert_eq!(l[4], "learning", "the model's belief keeps it: {l:?}");
    }

    /// A failure-5 answer that ends on its lesson; nothing the speaker now does differently.
    const ENDS_ON_LESSON: &str = "I let a whole batch of customer refunds go out twice, and that was my mistake. \
         I ran the payments desk at an online furniture shop, about three thousand orders \
         a week. I restarted the refund job after it stalled without checking which \
         refunds had already gone out, and two hundred customers were paid twice. \
         The lesson for me is that a job that moves money has to be safe to run again, or \
         it has to stop you from running it. A stalled job is telling you something, and \
         you have to find out what before you press the button again.";

    #[test]
    fn an_answer_that_ends_on_its_lesson_has_no_change() {
        // Holds with and without the final-section rule (the share rule already drops this
        // change); a guard that neither rule gives the lesson's last sentences a change.
        for final_keep in [0.0, 0.2] {
            let l = labels_with(ENDS_ON_LESSON, "failure-5", final_keep);
            assert!(!l.contains(&"change".to_string()), "{final_keep}: {l:?}");
            assert_eq!(l.last().map(String::as_str), Some("lesson"), "{l:?}");
        }
    }

    #[test]
    fn an_answer_whose_last_sentences_carry_a_change_cue_keeps_the_change() {
        let l = labels_with(
            "I let a whole batch of customer refunds go out twice, and that was my mistake. \
             I ran the payments desk at an online furniture shop, about three thousand orders \
             a week. I restarted the refund job after it stalled without checking which \
             refunds had already gone out, and two hundred customers were paid twice. \
             The lesson for me is that a job that moves money has to be safe to run again. \
             Since then I check the payment log before any restart, and I added a lock so \
             the job refuses to pay the same refund twice.",
            "failure-5",
            0.2,
        );
        assert_eq!(l.last().map(String::as_str), Some("change"), "{l:?}");
    }

    #[test]
    fn a_reflection_told_as_a_realisation_after_the_fact_is_a_reflection() {
        // No stock "looking back": the speaker says what they saw once it was over.
        let story = "I manage the lab bookings for a university chemistry department with six \
             teaching labs. In the spring term I double booked the main lab for two exam \
             practicals, and forty students sat in a corridor for an hour. I phoned the \
             technicians, moved one group to the spare lab, and the practical ran an hour late.";
        let change = "Every booking now goes into one shared calendar that the technicians can \
             see, and there has not been a clash in two years.";
        for reflection in [
            "Afterwards I could see that I had trusted two spreadsheets to agree with each other.",
            "It dawned on me later that nobody but me ever looked at both lists.",
        ] {
            let l = labels_of(&format!("{story} {reflection} {change}"), "concise-5");
            assert_eq!(l[l.len() - 2], "reflections", "{reflection}: {l:?}");
            assert!(l.contains(&"immediate-actions".to_string()), "{l:?}");
        }
    }

    #[test]
    fn a_connection_told_as_what_id_bring_is_the_connection() {
        // No "your company", no question: the speaker names what the employer is doing and
        // offers the practice the lesson led to.
        let story = "I'd talk about a festival I ran that opened a day late, and the permit \
             mistake was mine. I was the site manager for a food festival with sixty stalls and \
             about ten thousand visitors. I had to get the site licensed and open by the Friday. \
             I sent the permit forms myself, but I sent them to the old council office, and I \
             only found out on the Wednesday. We opened on the Saturday and refunded the \
             Friday tickets, about four thousand pounds. I should have rung the council the day \
             the forms went, instead of assuming the post had done its job. A form is only \
             sent once somebody says they have it.";
        for connection in [
            "You're opening three new venues this year, which is where I'd bring that: ring to \
             confirm every form, and chase the same week.",
            "With the sites you're expanding into, I'd bring that straight over: check who \
             holds each licence, and call them before the date.",
        ] {
            let l = labels_of(&format!("{story} {connection}"), "star-long");
            assert_eq!(l.last().map(String::as_str), Some("connection"), "{l:?}");
            assert!(l.contains(&"learning".to_string()), "{l:?}");
        }
    }

    #[test]
    fn a_step_done_but_another_forgotten_is_the_concise_failure() {
        // The admission sits inside an ordinary "I did X" sentence ("... but forgot that ..."),
        // with no "mistake" or "went wrong": it was taken as more Context, and the report said
        // the Failure was missing.
        let l = labels_of(
            "I was the only receptionist at a small dental practice, booking about sixty \
             patients a day. When the practice moved its bookings to a new provider in March, I \
             copied the calendar and the patient list across but forgot that the reminder texts \
             were sent by a separate service linked to the old account. Patients started ringing \
             to ask whether they were still booked, so I rang every patient booked for the next \
             three days and sent the rest a letter myself. Looking back, I checked the calendar \
             and never asked what else depended on it. Since then I list everything a system \
             sends before we switch it off, and the last two changes went through without a \
             missed reminder.",
            "concise-5",
        );
        assert_eq!(
            &l[..3],
            ["context", "failure", "immediate-actions"],
            "{l:?}"
        );
    }

    #[test]
    fn a_forgotten_step_told_as_a_reflection_stays_in_the_reflections() {
        let l = labels_of(
            "I ran the front desk at a small dental practice, booking about sixty patients a \
             day. When we changed booking systems, a week of reminder texts never went out. I \
             rang every patient booked for the next three days and sent the rest a letter \
             myself. Looking back, I had moved the appointments but forgot the texts that \
             depended on them. Since then I list everything a system sends before we switch it \
             off, and the last two changes went through without a missed reminder.",
            "concise-5",
        );
        assert_eq!(l[3], "reflections", "{l:?}");
        assert_eq!(l[1], "failure", "{l:?}");
    }

    #[test]
    fn notes_left_on_the_shared_drive_for_the_next_person_are_shared() {
        // A one-sentence Shared with no "I taught" or "I wrote up": what was learned is left
        // where others find it, and the Applied before it used to absorb it.
        let l = labels_of(
            "The clinic moved to a new records system a month before the audit, and I had to \
             learn it fast. I worked through the vendor's videos at night and practised on test \
             patients every morning. By the audit I was entering every visit in the new system, \
             and the auditor found no gaps in the records. My notes ended up as a page on the \
             shared drive, and the next receptionist we hired started from it.",
            "rapid-learning",
        );
        assert_eq!(l.last().map(String::as_str), Some("shared"), "{l:?}");
    }

    /// Labels of a rapid-learning answer: the same story with a different last part.
    fn rapid_learning_ending(story: &str, end: &str) -> Vec<String> {
        labels_of(&format!("{story} {end}"), "rapid-learning")
    }

    #[test]
    fn a_team_that_wrote_it_up_for_others_is_shared() {
        // A "we" story whose Shared is told as what the team passed on and who now does it
        // alone; with only "I ..." cues, Applied before it took it in.
        let story = "Our depot switched to electric forklifts in March, and none of us had \
             charged a lithium battery before. We read the maker's guide over a weekend and spent \
             the first week charging them on a strict rota. By April the fleet ran two full \
             shifts a day, and we cut our fuel bill by a third.";
        let l = rapid_learning_ending(
            story,
            "We wrote up the rota and the charging checks and sent it to the other two depots \
             in the group. Both of them use it now.",
        );
        assert_eq!(l[3..], ["shared", "shared"], "{l:?}");
        // Without anything passed on, Shared is at most placed by position (stop 38's skip
        // cost places a left-out last section rather than report it missing).
        let l = labelled(
            &format!("{story} We kept the rota going through the summer, and nothing broke down."),
            "rapid-learning",
        );
        assert!(absent_or_by_position(&l, "shared"), "{l:?}");
    }

    #[test]
    fn shared_told_as_what_the_team_passed_on_is_shared_without_a_cue() {
        // No Shared cue in the last two sentences: the section rests on sounding like one.
        // With only "I ..." examples for it, naive Bayes heard a team's hand-over as Applied
        // and the report said Shared was missing (docs/measurements.md, "Stop 35").
        let story = "The bakery bought a new deck oven in March, and we had never baked on \
             stone before. We spent two weeks of early mornings testing loaves against the old \
             oven, one change at a time. By May every loaf came off the new oven, and the waste \
             went down by a quarter.";
        let l = rapid_learning_ending(
            story,
            "Then we handed our baking notes to the two other shops in the chain. Their bakers \
             came over for a morning and watched us work.",
        );
        assert_eq!(l.last().map(String::as_str), Some("shared"), "{l:?}");
        // The same place told as more results stays Applied.
        let l = rapid_learning_ending(
            story,
            "We kept baking on it all summer, and sales of the sourdough doubled.",
        );
        assert_ne!(l.last().map(String::as_str), Some("shared"), "{l:?}");
    }

    #[test]
    fn a_manual_found_on_the_shared_drive_is_still_how_it_was_learned() {
        let l = labels_of(
            "The clinic moved to a new records system a month before the audit, and I had to \
             learn it fast. I found the vendor's manual on the shared drive, so I read it over \
             two evenings, then practised on test patients every morning. By the audit I was \
             entering every visit in the new system, and the auditor found no gaps. I showed \
             the other two receptionists the shortcuts I had found, in a half-hour session.",
            "rapid-learning",
        );
        assert_eq!(l[1], "how", "{l:?}");
        assert_eq!(l.last().map(String::as_str), Some("shared"), "{l:?}");
    }

    #[test]
    fn a_promise_made_before_checking_is_what_went_wrong() {
        // The admission is a skipped check ("before I'd checked ..."), in a sentence whose
        // client and dates sound like more Context.
        let l = labels_of(
            "I'll pick one where my own planning let a client down. I organised conferences for \
             a software company, and one client ran a sales meeting with us every spring for \
             about three hundred people. That year, I confirmed the client's dates with the \
             hotel before I'd checked the city's events calendar, so the hotel was half full of \
             trade fair guests. I called the client, booked a second hotel nearby, and believed \
             the problem was solved. But the shuttle buses between the two hotels ran late \
             every morning, and the client's first session started forty minutes late. We kept \
             the client, but we gave back a tenth of the fee. The lesson for me: a booking is only \
             as good as the week around it. Now I check the city's calendar \
             before I confirm any date, and the last five meetings ran on time.",
            "failure-5",
        );
        assert_eq!(&l[1..3], ["context", "what-went-wrong"], "{l:?}");
    }

    #[test]
    fn a_check_done_before_anything_now_stays_the_change() {
        let l = labels_of(
            "I'll pick one where my own planning let a client down. I organised conferences for \
             a software company, and one client ran a sales meeting with us every spring for \
             about three hundred people. That year the hotel was half full of trade fair guests, \
             and the client's people had nowhere to stay. I had confirmed the dates without \
             checking the city's events calendar. The lesson for me: a booking is only as good as \
             the week around it. Before checking a date now, I ask the hotel \
             what else is on that week, and the last five meetings ran on time.",
            "failure-5",
        );
        assert_eq!(l.last().map(String::as_str), Some("change"), "{l:?}");
        assert_eq!(l[3], "what-went-wrong", "{l:?}");
    }

    #[test]
    #[ignore = "known failure since stop 44: with the context model at weight \
                2.0 the decoder is surer of the turn (0.80, over the 0.6 bar)"]
    fn a_fix_that_made_a_real_difference_is_a_turn_the_report_is_unsure_of() {
        // "It has made a real difference" is the turn from what the speaker does about the
        // weakness to how it has gone, and has a Progress cue. The context model (weight 0.75
        // since stop 32) hears it and the "I used to" sentence after it as Mitigation, and wins:
        // on 148 fresh answers that trade paid (docs/measurements.md, "Stop 32"). Where cue and
        // model disagree like this the label must be marked uncertain, and the story's outcome
        // must still be Progress.
        let cat = Catalog::embedded().expect("embedded data");
        let fw = cat.framework("weakness").expect("framework");
        let w = words(
            "The weakness I'd name is keeping work to myself. When a deadline is close, my \
             instinct is to do the work myself rather than hand it to someone who might be \
             slower. To manage it, I write down who else could do each task before I start. If \
             a task could go to someone else, I have to offer it to them first, even if I end \
             up doing part of it. Each month my manager and I agree a list of what I'll pass on, \
             and she goes through it with me on the last Friday. It has made a real difference. \
             At the print shop where I work now, I used to lose an evening or two every week to \
             other people's orders. Last autumn two rush jobs landed on the same afternoon, and \
             the old me would have stayed until midnight on both. This time I gave one to our \
             apprentice, and she had it boxed before I finished mine.",
        );
        let l = label(&w, &sentences::split(&w), fw, &cat.sections);
        let ids: Vec<&str> = l
            .iter()
            .map(|x| fw.sections[x.section].id.as_str())
            .collect();
        assert_eq!(ids[4], "mitigation", "{ids:?}");
        let bar = cat.sections.decoder.uncertain_below;
        assert!(
            l[5].confidence.is_some_and(|c| c < bar),
            "the turn is stated as fact: {:?}",
            l[5].confidence
        );
        assert_eq!(&ids[7..], ["progress", "progress"], "{ids:?}");
    }

    #[test]
    fn how_a_weakness_shows_up_is_still_the_weakness() {
        // What the weakness costs the people around the speaker, told in the present, used to
        // sound like the habits of a Mitigation.
        let l = labels_of(
            "I say yes to too much. I run the front desk at a dental practice, and when a \
             patient asks to squeeze in, I always find a slot. By the afternoon the dentists are \
             forty minutes behind, and the people booked after lunch sit in the waiting room. \
             The hygienist ends up skipping her break to catch up, and she has told me so more \
             than once. Now I hold back two slots each day for emergencies and offer the next \
             one, not a squeeze. Last month we finished on time on eighteen of twenty days.",
            "weakness",
        );
        assert_eq!(l[2], "weakness", "{l:?}");
        assert_eq!(l[4], "mitigation", "{l:?}");
        // A vague lesson told after the story stays with what the speaker does about it.
        let l = labels_of(
            "Planning is my weak spot. I do the weekly stock order for a small cafe, and I tend \
             to do it in my head instead of from the list. Twice last month we ran out of milk \
             by Saturday and the owner had to drive to the wholesaler. What I've drawn from \
             that is that planning really counts in a small business. I should be more careful, \
             and I tell myself to slow down. It's slowly getting better, and the owner hasn't \
             had to make a run for a few weeks.",
            "weakness",
        );
        assert_eq!(l[3], "mitigation", "{l:?}");
    }

    #[test]
    fn a_weakness_that_made_a_difference_is_still_the_weakness() {
        let l = labels_of(
            "The weakness I'd name is keeping work to myself, and in a small team that has \
             made a big difference to how late I stay. When a deadline is close, my instinct is \
             to do the work myself rather than hand it to someone who might be slower. To manage \
             it, I write down who else could do each task before I start, and I offer each one \
             to a colleague first. Last autumn two rush jobs landed on the same afternoon, and \
             I gave one to our apprentice, who had it boxed before I finished mine.",
            "weakness",
        );
        assert_eq!(
            l,
            ["weakness", "weakness", "mitigation", "progress"],
            "{l:?}"
        );
    }

    #[test]
    #[ignore = "known failure since stop 44: with the context model at weight 2.0 \
                the fourth step of the team's action is heard as Result"]
    fn a_team_action_told_in_sequence_is_the_action() {
        // Every step told as "we", with no "I decided" or "I built": the section model heard
        // the "we" sentences as a Result and the report said the Action was missing.
        let l = labels_of(
            "Let me describe moving our clinic's patient records to a new system, because the \
             delay was my call. I ran the office side of four dental clinics owned by one \
             dentist. The old system was being retired, and the new one had to be running before \
             the end of the financial year. We needed to transfer roughly forty thousand \
             patient files and every future appointment. We started by counting what we had, \
             and we found hundreds of patients filed twice. We wrote simple rules to merge them \
             and tried the rules on one clinic's files first. We then ran two full test moves \
             over a fortnight. We showed the reception staff the new screens in small groups and \
             kept a phone line open for the first week. We went live three weeks late, and two \
             clinics had to take bookings on paper for a day. I came out of it sure that \
             the data sets the timetable, not the calendar. These days I look at a real slice of \
             the records before I commit to a date. Since your clinics are merging two booking \
             systems, that habit would come with me.",
            "star-long",
        );
        assert_eq!(
            &l[4..9],
            ["action", "action", "action", "action", "result"],
            "{l:?}"
        );
    }

    #[test]
    fn a_step_back_told_after_the_result_stays_in_the_result() {
        let l = labels_of(
            "I managed the office of a small architecture firm of twenty people. Our file \
             server was failing, and I was asked to move everything to a cloud drive before the \
             lease ran out. I decided to copy the folders over one weekend without asking the \
             architects which files they still opened every day. I skipped the test with real \
             project folders because the copy tool reported no errors. On Monday half the \
             drawing links were broken, and two deadlines slipped by a day. We then went back \
             to the old server for a week while I fixed the links folder by folder. What I \
             learned is that a move is finished when the people using it say so, not when the \
             tool does. Now one team tries every move first, and the last two went \
             through without a broken link.",
            "star-l",
        );
        assert_eq!(&l[4..6], ["result", "result"], "{l:?}");
    }

    #[test]
    fn a_task_the_speaker_took_on_unasked_or_owned_outright_is_the_task() {
        // A one-sentence task with none of the "my job was" cues was absorbed by the Situation
        // before it or the Action after it, and the report said the Task was missing (a round-12
        // answer). These texts are labelled right without the new cues as well: the test guards
        // that the cues keep them so, it does not show the cues are needed.
        let unasked = labels_of(
            "I ran the kitchen at a hotel with about a hundred covers most nights. \
             Every Sunday we threw away bins of bread and salad that nobody ordered. Nobody \
             had asked me to look into it. For three weeks I weighed what went in the bin each \
             night and matched it against the bookings. I cut the Sunday prep by a third and \
             moved the bread to a bake-on-demand oven. Three months later our food waste \
             was down by half. I learned that the numbers nobody looks at are the ones worth \
             counting, and now I weigh the bins every month.",
            "star-l",
        );
        assert_eq!(unasked[2], "task", "{unasked:?}");
        let owned = labels_of(
            "I was the events officer at a rowing club with about four hundred members. Each \
             summer the club ran a regatta for twenty visiting crews. That year the regatta was \
             mine from the first booking to the last medal. I booked the marshals and the \
             launches, and I sent the crews their times two weeks out. On the day two crews \
             arrived for races that had been moved, and we ran an extra heat at dusk. I learned \
             that a timetable sent once goes stale, and now I resend it the day before.",
            "star-l",
        );
        assert_eq!(owned[2], "task", "{owned:?}");
    }

    #[test]
    fn an_admission_late_in_the_answer_that_it_was_mine_stays_where_it_is() {
        let l = labels_of(
            "I was a buyer for a chain of garden centres with twelve stores. My job was to \
             order the spring bulbs for every store by November. I copied the previous year's \
             order without checking which stores had grown. Two stores sold out in a week \
             and three others were left with boxes they could not shift. The loss was about \
             nine thousand pounds. Looking back, that whole thing was mine, and nobody asked me \
             to copy the old order. Now I build each order from the stores' own sales.",
            "star-l",
        );
        assert_eq!(&l[5..], ["learning", "learning"], "{l:?}");
    }

    #[test]
    fn progress_told_as_a_figure_against_before_is_the_progress() {
        let l = labels_of(
            "I leave my reports to the last minute. A monthly report could sit untouched for \
             three weeks and then take a whole weekend. So I block an hour every Monday for \
             whatever report is due, and I write the summary first. Over the spring I handed in \
             every report a week early, down from almost none the year before.",
            "weakness",
        );
        assert_eq!(l[3], "progress", "{l:?}");
    }

    #[test]
    fn a_list_cut_down_from_its_old_size_is_still_the_mitigation() {
        // "down from" opens the Progress when it compares a result with before; cutting
        // something down as the fix is still what the speaker does about it.
        let l = labels_of(
            "I say yes to too much. Last winter I had twenty open requests and finished \
             none of them on time. So every Monday I cut my list down from whatever it has \
             grown to, to the five things that matter, and I tell people which ones wait. \
             This quarter I turned down two projects and finished everything I took on.",
            "weakness",
        );
        assert_eq!(l[2], "mitigation", "{l:?}");
    }

    #[test]
    fn growth_told_as_what_happened_the_following_year_is_growth_evidence() {
        // Guards the "the following year" cues; this text is labelled right without them too.
        let l = labels_of(
            "I ran the stalls for a town food festival with forty traders. I put the \
             generators on a single supply without asking how much the ovens drew, and the \
             power failed at lunch on the first day. I hired a second generator that afternoon \
             and rang every trader that evening. The step I skipped was asking each trader for \
             their load before I drew the map, since I wanted the map at the printer early, and I \
             thought the hire company would have said. The following year the booking form \
             asked every trader for their load, which the hire company used to size the \
             supply. When the next festival ended, the traders had asked us for a copy of it.",
            "concise-5",
        );
        assert_eq!(
            &l[l.len() - 2..],
            ["growth-evidence", "growth-evidence"],
            "{l:?}"
        );
    }

    #[test]
    fn a_booking_for_the_following_year_stays_in_the_failure() {
        let l = labels_of(
            "I coordinated the conference for a nursing association of about two thousand \
             members. I signed the venue contract for the following year without reading the \
             new cancellation terms, and we lost a ten thousand pound deposit when the dates \
             moved. I rang the venue that week and got half of it back as credit. Looking back, \
             I treated a renewal as a formality. Now every contract goes past our finance lead \
             before I sign it.",
            "concise-5",
        );
        assert_eq!(l[1], "failure", "{l:?}");
    }

    #[test]
    #[ignore = "known failure since stop 44: with the context model at weight \
                2.0 the care home's size, in the second sentence, is heard as the failure"]
    fn a_hedged_opening_naming_the_example_is_the_context() {
        let l = labels_of(
            "I suppose the obvious example would be, I think, my first year as a site manager. \
             It was a care home, maybe thirty residents. I think I changed the drug round \
             times without telling the night staff, and two residents missed a dose. I rang \
             the families that morning and went through every chart with the nurses. Looking \
             back, I assumed a change on paper reached everyone. Now every change to a round \
             is read out at the handover and signed for.",
            "concise-5",
        );
        assert_eq!(l[..2], ["context", "context"], "{l:?}");
    }

    #[test]
    fn the_best_example_of_the_damage_stays_in_the_failure() {
        let l = labels_of(
            "I ran the orders desk at a printing firm of fifteen people. I booked a rush job \
             onto a press that was due for servicing and never checked the maintenance list. \
             The best example of the damage was a wedding order that arrived two days late. I \
             reprinted it overnight at a partner shop and drove it over myself. Looking back, I \
             trusted the schedule over the list. Now the maintenance list is the first thing I \
             open when I book a press.",
            "concise-5",
        );
        assert_eq!(l[2], "failure", "{l:?}");
    }

    /// A sentence of `section` with `evidence`, labelled with probability `confidence`.
    fn said(section: &str, evidence: &str, confidence: f64) -> Sentence {
        Sentence {
            start_s: 0.0,
            end_s: 1.0,
            first_word: 0,
            n_words: 5,
            text: String::new(),
            section: section.to_string(),
            evidence: evidence.to_string(),
            confidence: Some(confidence),
            uncertain: false,
        }
    }

    #[test]
    fn a_span_placed_by_position_alone_is_uncertain_however_sure_the_decoder_is() {
        let cat = Catalog::embedded().expect("embedded data");
        let fw = cat.framework("star-l").expect("star-l");
        let bar = cat.sections.decoder.uncertain_below;
        let got = spans(
            &[
                said("result", "cue 'as a result'", 0.95),
                said("learning", BY_POSITION, 0.96),
                said("learning", "continues learning", 0.97),
            ],
            fw,
            bar,
        );
        assert!(!got[0].uncertain, "a cue is evidence: {got:?}");
        assert!(got[1].uncertain, "position alone is a guess: {got:?}");
        assert_eq!(got[1].evidence, BY_POSITION);
    }

    #[test]
    fn a_span_takes_the_first_evidence_of_its_own_when_it_has_no_cue() {
        let cat = Catalog::embedded().expect("embedded data");
        let fw = cat.framework("star-l").expect("star-l");
        let sounds = "sounds like Learning (0.81)";
        let got = spans(
            &[
                said("learning", BY_POSITION, 0.9),
                said("learning", sounds, 0.9),
                said("learning", "words 'learned'", 0.9),
            ],
            fw,
            cat.sections.decoder.uncertain_below,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].evidence, sounds);
        assert!(!got[0].uncertain, "{got:?}");
    }
}
