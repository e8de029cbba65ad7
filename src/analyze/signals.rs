//! Coaching signals: what an interviewer would notice, each with the evidence that raised it,
//! the seed 000 scorecard, and the three most useful next steps.

use super::frameworks::{Framework, Lexicon};
use super::sentences::normalize;
use super::types::{Analysis, PaceStatus, ScoreItem, Severity, Signal, Status, Verdict};

/// Sections whose content is the lesson or the change (any framework).
const LESSON_SECTIONS: &[&str] = &[
    "learning",
    "lesson",
    "change",
    "reflections",
    "growth-evidence",
    "progress",
    "mitigation",
    "shared",
];

/// Sections where the speaker says what they did: "we" there hides who did it.
const ACTION_SECTIONS: &[&str] = &[
    "action",
    "what-went-wrong",
    "failure",
    "immediate-actions",
    "how",
    "applied",
];

/// Frameworks about a failure: ownership, blame and the scorecard apply.
const FAILURE_FRAMEWORKS: &[&str] = &["star-l", "failure-5", "concise-5", "star-long"];

/// One phrase found in the words.
#[derive(Debug, Clone)]
struct Found {
    word: usize,
}

/// Normalized words of the answer, one per transcript word.
fn tokens(a: &Analysis) -> Vec<String> {
    a.words.iter().map(|w| normalize(&w.text)).collect()
}

/// Every occurrence of every phrase, in order, not overlapping (longest phrase first).
fn find_all(tokens: &[String], phrases: &[String], range: std::ops::Range<usize>) -> Vec<Found> {
    let pats: Vec<(String, Vec<String>)> = {
        let mut p: Vec<(String, Vec<String>)> = phrases
            .iter()
            .map(|p| {
                (
                    p.clone(),
                    p.split_whitespace()
                        .map(normalize)
                        .filter(|s| !s.is_empty())
                        .collect(),
                )
            })
            .filter(|(_, v): &(String, Vec<String>)| !v.is_empty())
            .collect();
        p.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
        p
    };
    let mut out = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let hit = pats.iter().find(|(_, v)| {
            i + v.len() <= range.end && v.iter().zip(&tokens[i..]).all(|(a, b)| a == b)
        });
        match hit {
            Some((_, v)) => {
                out.push(Found { word: i });
                i += v.len();
            }
            None => i += 1,
        }
    }
    out
}

/// "'…I was wrong about…' at 0:12" — a short quote around a word, with its time.
fn quote(a: &Analysis, word: usize) -> String {
    let from = word.saturating_sub(3);
    let to = (word + 6).min(a.words.len());
    let text: Vec<&str> = a.words[from..to].iter().map(|w| w.text.trim()).collect();
    format!("\"{}\" at {}", text.join(" "), clock(a.words[word].start_s))
}

/// m:ss
pub fn clock(t: f64) -> String {
    let t = t.max(0.0).round() as u64;
    format!("{}:{:02}", t / 60, t % 60)
}

fn quotes(a: &Analysis, found: &[Found], max: usize) -> String {
    found
        .iter()
        .take(max)
        .map(|f| quote(a, f.word))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Word range of the spans labelled with any of `ids`.
fn words_in(a: &Analysis, ids: &[&str]) -> Vec<std::ops::Range<usize>> {
    a.sections
        .iter()
        .filter(|s| ids.contains(&s.id.as_str()))
        .map(|s| {
            let first = a.sentences[s.first_sentence].first_word;
            let last = &a.sentences[s.first_sentence + s.n_sentences - 1];
            first..last.first_word + last.n_words
        })
        .collect()
}

fn find_in(tokens: &[String], phrases: &[String], ranges: &[std::ops::Range<usize>]) -> Vec<Found> {
    ranges
        .iter()
        .flat_map(|r| find_all(tokens, phrases, r.clone()))
        .collect()
}

pub(crate) const NUMBER_WORDS: &[&str] = &[
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "percent",
    "twice",
    "half",
    "double",
    "triple",
    "dozen",
    "quarter",
    "third",
    "doubled",
    "tripled",
    "halved",
];

fn is_number(token: &str) -> bool {
    token.chars().any(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&token)
}

/// Computes the signals and the scorecard.
pub fn evaluate(
    a: &Analysis,
    fw: &Framework,
    lex: &Lexicon,
    settings: &crate::analyze::frameworks::Settings,
) -> (Vec<Signal>, Vec<ScoreItem>) {
    let settings = Some(settings);
    let toks = tokens(a);
    let all = 0..toks.len();
    let minutes = (a.overall.answer_s / 60.0).max(0.25);
    let mut out = Vec::new();
    let mut push = |id: String, severity, message: String, evidence: String, at_s| {
        out.push(Signal {
            id,
            severity,
            message,
            evidence,
            at_s,
        })
    };
    let failure = FAILURE_FRAMEWORKS.contains(&fw.id.as_str());

    // Sections against the framework.
    for st in &a.section_timing {
        if st.status == Status::Missing {
            push(
                format!("missing-section:{}", st.id),
                Severity::Major,
                format!(
                    "No {} section: {}",
                    st.name.to_lowercase(),
                    about(fw, &st.id)
                ),
                format!("no sentence was labelled {}", st.id),
                None,
            );
        }
    }
    if let Some(s) = settings {
        let speaking: f64 = a.section_timing.iter().map(|t| t.duration_s).sum();
        for st in &a.section_timing {
            if st.share > s.long_section_share && a.section_timing.len() > 1 {
                push(
                    format!("long-section:{}", st.id),
                    Severity::Warn,
                    format!(
                        "{} takes {:.0}% of the answer ({:.0} s of {:.0} s); aim for {:.0}-{:.0} s",
                        st.name,
                        st.share * 100.0,
                        st.duration_s,
                        speaking,
                        st.target.min_s,
                        st.target.max_s
                    ),
                    format!(
                        "{} from {} to {}",
                        st.id,
                        clock(st.start_s.unwrap_or(0.0)),
                        clock(st.end_s.unwrap_or(0.0))
                    ),
                    st.start_s,
                );
            }
        }
        // Length.
        // A framework made for short answers (a follow-up) is judged by its own band.
        if a.overall.answer_s < s.too_short_s.min(fw.overall.min_s) {
            push(
                "too-short".into(),
                Severity::Warn,
                format!(
                    "The answer is {:.0} s; interviewers expect {:.0}-{:.0} s with a real story and a lesson",
                    a.overall.answer_s, fw.overall.min_s, fw.overall.max_s
                ),
                format!("{:.0} s from first to last word", a.overall.answer_s),
                None,
            );
        }
        if fw.judge_too_long && a.overall.answer_s > s.too_long_s {
            push(
                "too-long".into(),
                Severity::Warn,
                format!(
                    "The answer runs {}; keep it to {}-{}: be concise",
                    clock(a.overall.answer_s),
                    clock(fw.overall.min_s),
                    clock(fw.overall.max_s)
                ),
                format!("{:.0} s from first to last word", a.overall.answer_s),
                None,
            );
        }
        // Pauses.
        let long: Vec<&super::Pause> = a
            .pauses
            .iter()
            .filter(|p| p.duration_s >= s.long_pause_s)
            .collect();
        if let Some(p) = long
            .iter()
            .max_by(|x, y| x.duration_s.total_cmp(&y.duration_s))
        {
            push(
                "long-pause".into(),
                Severity::Warn,
                format!(
                    "{} silence{} of {:.1} s or more; the longest is {:.1} s at {}",
                    long.len(),
                    if long.len() == 1 { "" } else { "s" },
                    s.long_pause_s,
                    p.duration_s,
                    clock(p.start_s)
                ),
                format!("silence after {}", quote(a, p.after_word)),
                Some(p.start_s),
            );
        }
        // Fillers.
        if a.filler_stats.per_minute > s.fillers_heavy_per_min {
            let top: Vec<String> = a
                .filler_stats
                .by_text
                .iter()
                .take(3)
                .map(|(t, n)| format!("'{t}' x{n}"))
                .collect();
            push(
                "fillers-heavy".into(),
                Severity::Warn,
                format!(
                    "{} fillers, {:.1} per minute (aim for under {:.0}): {}",
                    a.filler_stats.count,
                    a.filler_stats.per_minute,
                    s.fillers_heavy_per_min,
                    top.join(", ")
                ),
                a.fillers
                    .iter()
                    .take(3)
                    .map(|f| format!("'{}' at {}", f.text, clock(f.start_s)))
                    .collect::<Vec<_>>()
                    .join("; "),
                a.fillers.first().map(|f| f.start_s),
            );
        }
        // Hedging: counted outside fillers, so "sort of" used as a filler is not counted twice.
        let hedges: Vec<Found> = find_all(&toks, &lex.hedges, all.clone())
            .into_iter()
            .filter(|h| !a.words[h.word].filler)
            .collect();
        let per_min = hedges.len() as f64 / minutes;
        if hedges.len() >= 3 && per_min > s.hedges_per_min {
            push(
                "hedging".into(),
                Severity::Warn,
                format!(
                    "{} hedges ({:.1} per minute) make the story sound unsure; say what happened plainly",
                    hedges.len(),
                    per_min
                ),
                quotes(a, &hedges, 3),
                Some(a.words[hedges[0].word].start_s),
            );
        }
        // Pace.
        if a.words.len() >= 20 {
            match a.pace.status {
                PaceStatus::Fast => push(
                    "pace-fast".into(),
                    Severity::Info,
                    format!(
                        "{:.0} words per minute is fast; aim for {:.0}-{:.0}",
                        a.pace.wpm, a.pace.band.min_s, a.pace.band.max_s
                    ),
                    format!("{} words in {:.0} s", a.words.len(), a.overall.answer_s),
                    None,
                ),
                PaceStatus::Slow => push(
                    "pace-slow".into(),
                    Severity::Info,
                    format!(
                        "{:.0} words per minute is slow; aim for {:.0}-{:.0}",
                        a.pace.wpm, a.pace.band.min_s, a.pace.band.max_s
                    ),
                    format!("{} words in {:.0} s", a.words.len(), a.overall.answer_s),
                    None,
                ),
                PaceStatus::Ok => {}
            }
        }
    }

    // Metrics: interviewers remember numbers (seed 004: "Specific metrics").
    let numbers: Vec<usize> = (0..toks.len()).filter(|&i| is_number(&toks[i])).collect();
    if numbers.is_empty() && a.words.len() >= 30 {
        push(
            "no-metrics".into(),
            Severity::Warn,
            "No numbers anywhere: give the scale and the cost (users, days, money, percent)".into(),
            "no digits or number words found in the answer".into(),
            None,
        );
    }

    // Blame: the cause put on other people (seed 000: "Do you own the failure or blame external
    // factors?").
    let blame = find_all(&toks, &lex.blame, all.clone());
    let ownership = find_all(&toks, &lex.ownership, all.clone());
    if blame.len() >= 2 || (blame.len() == 1 && ownership.len() <= 1) {
        push(
            "blame".into(),
            Severity::Major,
            "The failure is put on others; own your part of it".into(),
            quotes(a, &blame, 3),
            Some(a.words[blame[0].word].start_s),
        );
    }

    // The lesson.
    let lesson_ranges = words_in(a, LESSON_SECTIONS);
    let vague = find_all(&toks, &lex.vague_lessons, all.clone());
    let changes = find_in(&toks, &lex.change_markers, &lesson_ranges);
    let has_lesson = !lesson_ranges.is_empty();
    if !vague.is_empty() && changes.is_empty() {
        push(
            "weak-lesson".into(),
            Severity::Major,
            "The lesson is generic; name the systemic lesson and the concrete change you made"
                .into(),
            format!(
                "{}; no concrete change found after it",
                quotes(a, &vague, 2)
            ),
            Some(a.words[vague[0].word].start_s),
        );
    } else if failure && has_lesson && changes.is_empty() {
        push(
            "no-change".into(),
            Severity::Warn,
            "The lesson is not followed by a concrete change (a practice, rule or tool you now use)".into(),
            "no change marker ('now I', 'since then', 'every time', ...) in the lesson".into(),
            None,
        );
    }

    // Ownership up front (seed 000: "Own it immediately").
    if fw.id == "failure-5" || fw.id == "star-long" {
        let t0 = a.words.first().map_or(0.0, |w| w.start_s);
        let end = a
            .words
            .iter()
            .position(|w| w.start_s > t0 + 20.0)
            .unwrap_or(a.words.len());
        if find_all(&toks, &lex.ownership, 0..end).is_empty() {
            push(
                "no-ownership".into(),
                Severity::Warn,
                "No ownership statement up front: say 'I made a mistake in ...' in the first 15 seconds".into(),
                "no ownership phrase in the first 20 s".into(),
                None,
            );
        }
    }

    // "We" where "I" belongs.
    let action = words_in(a, ACTION_SECTIONS);
    let (mut we, mut i_count, mut first_we) = (0, 0, None);
    for r in &action {
        for k in r.clone() {
            match toks[k].as_str() {
                "we" | "we're" | "we've" | "we'd" | "our" => {
                    we += 1;
                    first_we.get_or_insert(k);
                }
                "i" | "i'm" | "i've" | "i'd" | "my" => i_count += 1,
                _ => {}
            }
        }
    }
    if we >= 3 && we > i_count {
        let k = first_we.unwrap_or(0);
        push(
            "we-not-i".into(),
            Severity::Warn,
            format!(
                "\"We\" {we} times and \"I\" {i_count} times where you describe what was done; say what you did"
            ),
            quote(a, k),
            Some(a.words[k].start_s),
        );
    }

    // Self-deprecation (seed 001: "Take ownership without being self-deprecating").
    let selfdep = find_all(&toks, &lex.self_deprecation, all.clone());
    if !selfdep.is_empty() {
        push(
            "self-deprecation".into(),
            Severity::Warn,
            "Own the mistake without running yourself down".into(),
            quotes(a, &selfdep, 2),
            Some(a.words[selfdep[0].word].start_s),
        );
    }

    // Star-long ends by turning to the interviewer (seed 004: "Turns to question").
    if fw.ends_with_question {
        // Whisper often ends a spoken question with a full stop, so a question is also
        // recognised by how it opens.
        let ends_with_q = a.sentences.iter().rev().take(2).any(|s| {
            let t = format!(" {} ", normalize_phrase(&s.text));
            s.text.trim_end().ends_with('?') || QUESTION_OPENERS.iter().any(|q| t.contains(q))
        });
        if !ends_with_q {
            push(
                "no-closing-question".into(),
                Severity::Info,
                "End by asking the interviewer something about how their team handles this".into(),
                format!(
                    "last sentence: \"{}\"",
                    a.sentences.last().map_or("", |s| s.text.as_str())
                ),
                None,
            );
        }
    }

    let scorecard = if failure {
        scorecard(a, &toks, lex, &blame, &ownership, &changes, &vague)
    } else {
        Vec::new()
    };
    (out, scorecard)
}

/// Phrases that make a closing sentence a question to the interviewer.
const QUESTION_OPENERS: &[&str] = &[
    " i'm curious ",
    " i'd be curious ",
    " i'd love to hear ",
    " i'd love to know ",
    " how does your ",
    " how do you ",
    " how do teams ",
    " how does the team ",
    " what does your ",
    " what do you ",
    " can you tell me ",
    " could you tell me ",
    " i wonder how ",
];

/// Lowercase words separated by single spaces, punctuation dropped.
fn normalize_phrase(text: &str) -> String {
    text.split_whitespace()
        .map(normalize)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn about(fw: &Framework, id: &str) -> String {
    fw.sections
        .iter()
        .find(|s| s.id == id)
        .map_or(String::new(), |s| s.about.clone())
}

fn scorecard(
    a: &Analysis,
    toks: &[String],
    lex: &Lexicon,
    blame: &[Found],
    ownership: &[Found],
    changes: &[Found],
    vague: &[Found],
) -> Vec<ScoreItem> {
    let all = 0..toks.len();
    let item = |id: &str, verdict, evidence: String| ScoreItem {
        id: id.into(),
        verdict,
        evidence,
    };
    let found_or = |f: &[Found], none: &str| {
        if f.is_empty() {
            none.to_string()
        } else {
            quotes(a, f, 2)
        }
    };
    let mut out = Vec::new();
    // Self-awareness: naming one's own error specifically.
    out.push(item(
        "self-awareness",
        match ownership.len() {
            0 => Verdict::Missing,
            1 => Verdict::Weak,
            _ => Verdict::Shown,
        },
        found_or(
            ownership,
            "no sentence names your own error ('I didn't check ...')",
        ),
    ));
    // Accountability: ownership without blame.
    out.push(item(
        "accountability",
        if !blame.is_empty() {
            Verdict::Weak
        } else if ownership.is_empty() {
            Verdict::Missing
        } else {
            Verdict::Shown
        },
        if blame.is_empty() {
            found_or(ownership, "no ownership statement")
        } else {
            format!("blame: {}", quotes(a, blame, 2))
        },
    ));
    let res = find_all(toks, &lex.resilience, all.clone());
    out.push(item(
        "resilience",
        if res.is_empty() {
            Verdict::Missing
        } else {
            Verdict::Shown
        },
        found_or(&res, "nothing about recovering or fixing it"),
    ));
    let learn = find_all(toks, &lex.learning, all.clone());
    out.push(item(
        "learning",
        if learn.is_empty() {
            Verdict::Missing
        } else if changes.is_empty() || !vague.is_empty() {
            Verdict::Weak
        } else {
            Verdict::Shown
        },
        if learn.is_empty() {
            "no lesson stated".to_string()
        } else if changes.is_empty() {
            format!("{}; no concrete change", quotes(a, &learn, 1))
        } else {
            format!(
                "{}; change: {}",
                quotes(a, &learn, 1),
                quotes(a, changes, 1)
            )
        },
    ));
    let vul = find_all(toks, &lex.vulnerability, all);
    out.push(item(
        "vulnerability",
        if vul.is_empty() {
            Verdict::Missing
        } else {
            Verdict::Shown
        },
        found_or(&vul, "no honest admission ('I was wrong', 'I didn't know')"),
    ));
    out
}

/// The three most useful next steps, most useful first.
/// A section's length as the user should read it: whole seconds, unless rounding would put a
/// length outside its target inside it (7.86 s against 8-20 s reads "7.9 s", not "8 s").
fn seconds_as_read(d: f64, target: &super::frameworks::Band) -> String {
    let whole = d.round();
    let outside = d < target.min_s || d > target.max_s;
    let reads_inside = whole >= target.min_s.round() && whole <= target.max_s.round();
    if outside && reads_inside {
        format!("{d:.1} s")
    } else {
        format!("{whole:.0} s")
    }
}

pub fn next_steps(a: &Analysis, fw: &Framework) -> Vec<String> {
    // (tier, how far off target, text): lower tiers first, then the furthest off.
    let mut steps: Vec<(u8, f64, String)> = Vec::new();
    for s in &a.signals {
        let rank = match s.severity {
            Severity::Major => 0,
            Severity::Warn => 2,
            Severity::Info => 4,
        };
        let text = if let Some(id) = s.id.strip_prefix("missing-section:") {
            let name = fw
                .sections
                .iter()
                .find(|x| x.id == id)
                .map_or(id.to_string(), |x| x.name.clone());
            format!("Add a {name} part: {}", about(fw, id))
        } else {
            s.message.clone()
        };
        steps.push((rank, 0.0, text));
    }
    // Section time against target: the headline for a timing coach. Ranked by how far off
    // target each section is (a share of the band's edge), so that a section 60% short comes
    // before one a fraction of a second short; a miss of a quarter or more is worth more than
    // a warning signal.
    let total = a.overall.answer_s;
    for st in &a.section_timing {
        let miss = match st.status {
            Status::Long => (st.duration_s - st.target.max_s) / st.target.max_s.max(1.0),
            Status::Short => (st.target.min_s - st.duration_s) / st.target.min_s.max(1.0),
            _ => continue,
        };
        let rank = if miss >= 0.25 { 1 } else { 3 };
        steps.push((
            rank,
            miss,
            format!(
                "{} took {} of a {} answer; aim for {:.0}-{:.0} s",
                st.name,
                seconds_as_read(st.duration_s, &st.target),
                clock(total),
                st.target.min_s,
                st.target.max_s
            ),
        ));
    }
    steps.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, _, t) in steps {
        if !out.contains(&t) {
            out.push(t);
        }
        if out.len() == 3 {
            break;
        }
    }
    if out.is_empty() {
        out.push("Strong answer: keep the structure and record it again to check it holds".into());
    }
    out
}
