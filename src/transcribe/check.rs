//! One check on words with times, whichever way they came in (transcribed, imported from a
//! transcript or subtitles, read back from the store): every time a number, not negative, no
//! word ending before it starts, words in order, and nothing later than the longest recording
//! rehearse reads. Later stages size their work by these times, so a time beyond any real
//! recording (a typo in a subtitle, a damaged file) must stop here.

use super::Word;

/// Latest time accepted anywhere, seconds: the longest recording the decoder reads.
pub const MAX_TIME_S: f64 = crate::audio::MAX_DURATION_S;

/// How far a word may start before the previous one ended and still be taken as rounding.
/// Subtitle tools and hand edits leave overlaps of a frame or a few hundred milliseconds; more
/// than half a second means the file is out of order, and guessing which time is right would
/// make up pauses.
pub const OVERLAP_TOLERANCE_S: f64 = 0.5;

/// A time for a message: milliseconds for real times, scientific notation for absurd ones (a
/// time of 1e300 printed in full is 300 digits).
pub fn show_time(t: f64) -> String {
    if !t.is_finite() {
        format!("{t} s")
    } else if t.abs() < 1e7 {
        format!("{t:.3} s")
    } else {
        format!("{t:.3e} s")
    }
}

/// "4 h": [`MAX_TIME_S`] as people say it.
pub fn max_time_words() -> String {
    format!("{} h", MAX_TIME_S / 3600.0)
}

/// Checks `words` and the recording's `duration_s`; the error says which word and what is
/// wrong, in one line.
pub fn check_words(words: &[Word], duration_s: f64) -> Result<(), String> {
    if !(duration_s.is_finite() && duration_s >= 0.0) {
        return Err(format!(
            "the recording's length is {}, not a time",
            show_time(duration_s)
        ));
    }
    if duration_s > MAX_TIME_S {
        return Err(format!(
            "the recording's length is {}, beyond {}, the longest recording rehearse reads",
            show_time(duration_s),
            max_time_words()
        ));
    }
    let mut previous_start = 0.0f64;
    for (i, w) in words.iter().enumerate() {
        let place = || format!("word {} '{}'", i + 1, snippet(&w.text));
        if !(w.start_s.is_finite() && w.end_s.is_finite() && w.start_s >= 0.0 && w.end_s >= 0.0) {
            return Err(format!(
                "{} has a negative or invalid time ({}, {})",
                place(),
                show_time(w.start_s),
                show_time(w.end_s)
            ));
        }
        if w.end_s > MAX_TIME_S {
            return Err(format!(
                "{} ends at {}, beyond {}, the longest recording rehearse reads; is the time a typo?",
                place(),
                show_time(w.end_s),
                max_time_words()
            ));
        }
        if w.end_s < w.start_s {
            return Err(format!(
                "{} ends at {} before it starts at {}",
                place(),
                show_time(w.end_s),
                show_time(w.start_s)
            ));
        }
        if w.start_s < previous_start - OVERLAP_TOLERANCE_S {
            return Err(format!(
                "{} starts at {}, before the word ahead of it (at {}): words must be in order",
                place(),
                show_time(w.start_s),
                show_time(previous_start)
            ));
        }
        previous_start = previous_start.max(w.start_s);
    }
    Ok(())
}

/// At most 40 characters of a word, for a message.
fn snippet(s: &str) -> String {
    let one: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one.chars().count() <= 40 {
        one
    } else {
        let cut: String = one.chars().take(40).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str, start_s: f64, end_s: f64) -> Word {
        Word {
            text: text.into(),
            start_s,
            end_s,
            p: 1.0,
        }
    }

    #[test]
    fn good_words_pass() {
        let words = [w("a", 0.0, 0.5), w("b", 0.4, 1.0), w("c", 1.0, 1.0)];
        assert_eq!(check_words(&words, 2.0), Ok(()));
        assert_eq!(check_words(&[], 0.0), Ok(()));
    }

    #[test]
    fn bad_times_name_the_word_and_print_short() {
        let cases = [
            (
                vec![w("a", 0.0, 1e300)],
                0.0,
                "word 1 'a' ends at 1.000e300 s, beyond 4 h",
            ),
            (
                vec![w("a", -1.0, 1.0)],
                0.0,
                "negative or invalid time (-1.000 s, 1.000 s)",
            ),
            (
                vec![w("a", f64::NAN, 1.0)],
                0.0,
                "invalid time (NaN s, 1.000 s)",
            ),
            (
                vec![w("a", 2.0, 1.0)],
                0.0,
                "ends at 1.000 s before it starts at 2.000 s",
            ),
            (
                vec![w("a", 5.0, 6.0), w("b", 1.0, 2.0)],
                0.0,
                "word 2 'b' starts at 1.000 s, before the word ahead of it",
            ),
            (vec![], f64::INFINITY, "length is inf s"),
            (vec![], 1e9, "length is 1.000e9 s, beyond 4 h"),
        ];
        for (words, duration, want) in cases {
            let e = check_words(&words, duration).expect_err(want);
            assert!(e.contains(want), "{e}");
            assert!(e.len() < 200, "{e}");
        }
    }
}
