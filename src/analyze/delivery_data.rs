//! The `[delivery]` table of `lexicon.toml`: thresholds and word lists of the delivery measures
//! (pitch variation, loudness, repetition), checked with file and line.

use serde::{Deserialize, Serialize};

use super::data_error::DataError;

/// Thresholds and word lists for the delivery measures and signals. Every number's meaning and
/// source is in `data/lexicon.toml` and `docs/measurements.md` ("Delivery").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliverySettings {
    /// Voiced speech needed before pitch variation is judged (s).
    pub min_voiced_s: f64,
    /// `monotone` below this pitch variation (SD of F0 in semitones).
    pub monotone_below_st: f64,
    /// Earlier attempts with pitch measured before the speaker's own range is used.
    pub own_range_attempts: usize,
    /// With a history, `monotone` also below this share of the speaker's usual variation.
    pub own_range_share: f64,
    /// `quiet` when speech is below this level (dBFS).
    pub quiet_below_dbfs: f64,
    /// A sentence trails off when its end is this much quieter than the rest of it (dB).
    pub trailing_drop_db: f64,
    /// Share of a sentence's speaking time (from its end) counted as its end.
    pub trailing_end_share: f64,
    /// Sentences shorter than this (words) are not judged for trailing off.
    pub trailing_min_words: usize,
    /// `trailing-off` needs at least this many trailing sentences...
    pub trailing_min_sentences: usize,
    /// ...and at least this share of the judged sentences.
    pub trailing_min_share: f64,
    /// `repetitive` when one opening starts at least this many sentences...
    pub opening_min_count: usize,
    /// ...and at least this share of them.
    pub opening_min_share: f64,
    /// `repetitive` when a crutch word is used at least this many times...
    pub crutch_min_count: usize,
    /// ...and at least this often per minute.
    pub crutch_min_per_min: f64,
    /// Words left out of the most-used content words.
    pub stopwords: Vec<String>,
    /// Words that sound repetitive when leaned on ("really", "basically").
    pub crutch_words: Vec<String>,
    /// Sentence openings that become a verbal habit when repeated ("so", "and then").
    pub openers: Vec<String>,
}

impl DeliverySettings {
    /// The numbers a report keeps with its delivery section.
    pub fn thresholds(&self) -> DeliveryThresholds {
        DeliveryThresholds {
            min_voiced_s: self.min_voiced_s,
            monotone_below_st: self.monotone_below_st,
            own_range_share: self.own_range_share,
            quiet_below_dbfs: self.quiet_below_dbfs,
            trailing_drop_db: self.trailing_drop_db,
            trailing_min_sentences: self.trailing_min_sentences,
            trailing_min_share: self.trailing_min_share,
            opening_min_count: self.opening_min_count,
            opening_min_share: self.opening_min_share,
            crutch_min_count: self.crutch_min_count,
            crutch_min_per_min: self.crutch_min_per_min,
        }
    }
}

/// Checks the values of a parsed `[delivery]` table; an error names the file, the line of the
/// offending key in `text`, and the allowed range.
pub(crate) fn validate(path: &str, text: &str, d: &DeliverySettings) -> Result<(), DataError> {
    let range = |key: &str, v: f64, lo: f64, hi: f64| -> Result<(), DataError> {
        // Written so that NaN fails.
        if v >= lo && v <= hi {
            Ok(())
        } else {
            Err(invalid(
                path,
                text,
                key,
                &format!("must be between {lo} and {hi} (is {v})"),
            ))
        }
    };
    range("min_voiced_s", d.min_voiced_s, 0.0, 3600.0)?;
    range("monotone_below_st", d.monotone_below_st, 0.0, 12.0)?;
    range(
        "own_range_attempts",
        d.own_range_attempts as f64,
        2.0,
        1000.0,
    )?;
    range("own_range_share", d.own_range_share, 0.0, 1.0)?;
    range("quiet_below_dbfs", d.quiet_below_dbfs, -120.0, 0.0)?;
    range("trailing_drop_db", d.trailing_drop_db, 0.0, 60.0)?;
    range("trailing_end_share", d.trailing_end_share, 0.05, 0.9)?;
    range(
        "trailing_min_words",
        d.trailing_min_words as f64,
        2.0,
        1000.0,
    )?;
    range(
        "trailing_min_sentences",
        d.trailing_min_sentences as f64,
        1.0,
        1e6,
    )?;
    range("trailing_min_share", d.trailing_min_share, 0.0, 1.0)?;
    range("opening_min_count", d.opening_min_count as f64, 2.0, 1e6)?;
    range("opening_min_share", d.opening_min_share, 0.0, 1.0)?;
    range("crutch_min_count", d.crutch_min_count as f64, 1.0, 1e6)?;
    range("crutch_min_per_min", d.crutch_min_per_min, 0.0, 1000.0)?;
    for (key, list) in [
        ("stopwords", &d.stopwords),
        ("crutch_words", &d.crutch_words),
        ("openers", &d.openers),
    ] {
        if let Some(bad) = list
            .iter()
            .find(|w| w.trim().is_empty() || w.chars().any(|c| c.is_uppercase()))
        {
            return Err(invalid(
                path,
                text,
                key,
                &format!("'{bad}': words must be lowercase and not empty"),
            ));
        }
    }
    Ok(())
}

fn invalid(path: &str, text: &str, key: &str, what: &str) -> DataError {
    let at = line_of(text, "delivery", key).map_or(String::new(), |l| format!("line {l}: "));
    DataError::Invalid {
        path: path.to_string(),
        message: format!("{at}delivery.{key} {what}"),
    }
}

/// The 1-based line where `key = ...` is set inside `[table]`.
fn line_of(text: &str, table: &str, key: &str) -> Option<usize> {
    let header = format!("[{table}]");
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t == header;
            continue;
        }
        if inside
            && let Some(rest) = t.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(i + 1);
        }
    }
    None
}

/// The thresholds the delivery signals use (from `lexicon.toml`'s `[delivery]`), kept with the
/// report so that it says what it was judged against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DeliveryThresholds {
    pub min_voiced_s: f64,
    pub monotone_below_st: f64,
    pub own_range_share: f64,
    pub quiet_below_dbfs: f64,
    pub trailing_drop_db: f64,
    pub trailing_min_sentences: usize,
    pub trailing_min_share: f64,
    pub opening_min_count: usize,
    pub opening_min_share: f64,
    pub crutch_min_count: usize,
    pub crutch_min_per_min: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::frameworks::{Catalog, LEXICON_TOML};

    #[test]
    fn embedded_settings_are_valid() {
        let c = Catalog::embedded().expect("embedded data");
        validate("lexicon.toml", LEXICON_TOML, &c.delivery).expect("valid");
        assert!(c.delivery.stopwords.iter().any(|w| w == "the"));
        assert!(c.delivery.crutch_words.iter().any(|w| w == "basically"));
    }

    #[test]
    fn bad_values_name_the_line() {
        let text = LEXICON_TOML.replace("monotone_below_st = ", "monotone_below_st = -1.0 # was ");
        let (path, text) = ("my/lexicon.toml", text.as_str());
        let mut d = Catalog::embedded().expect("embedded").delivery;
        d.monotone_below_st = -1.0;
        let e = validate(path, text, &d).expect_err("refused").to_string();
        let line = text
            .lines()
            .position(|l| l.starts_with("monotone_below_st"))
            .expect("key present")
            + 1;
        assert_eq!(
            e,
            format!(
                "my/lexicon.toml: line {line}: delivery.monotone_below_st must be between 0 and 12 (is -1)"
            )
        );
        d.monotone_below_st = f64::NAN;
        assert!(validate(path, text, &d).is_err());
    }

    #[test]
    fn line_lookup_stays_inside_the_table() {
        let text = "[settings]\nx = 1\n[delivery]\n# x = 0\nx=2\n";
        assert_eq!(line_of(text, "delivery", "x"), Some(5));
        assert_eq!(line_of(text, "delivery", "y"), None);
        assert_eq!(line_of(text, "settings", "x"), Some(2));
    }
}
