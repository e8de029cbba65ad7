//! Transcript writers: JSON (the versioned schema), plain text, SubRip and WebVTT.

use super::types::Transcript;

/// Output formats for `rehearse transcribe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TranscriptFormat {
    Json,
    Txt,
    Srt,
    Vtt,
}

impl TranscriptFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Txt => "txt",
            Self::Srt => "srt",
            Self::Vtt => "vtt",
        }
    }

    /// Guesses the format from an output file's extension.
    pub fn from_extension(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "txt" => Some(Self::Txt),
            "srt" => Some(Self::Srt),
            "vtt" => Some(Self::Vtt),
            _ => None,
        }
    }
}

/// Renders `t` in `format`.
pub fn render(t: &Transcript, format: TranscriptFormat) -> String {
    match format {
        TranscriptFormat::Json => {
            let mut s = serde_json::to_string_pretty(t).unwrap_or_else(|_| "{}".into());
            s.push('\n');
            s
        }
        TranscriptFormat::Txt => {
            let mut s = String::new();
            for seg in &t.segments {
                s.push_str(seg.text.trim());
                s.push('\n');
            }
            s
        }
        TranscriptFormat::Srt => {
            let mut s = String::new();
            for (i, (a, b, text)) in cues(t).into_iter().enumerate() {
                s.push_str(&format!(
                    "{}\n{} --> {}\n{}\n\n",
                    i + 1,
                    clock(a, ','),
                    clock(b, ','),
                    text
                ));
            }
            s
        }
        TranscriptFormat::Vtt => {
            let mut s = String::from("WEBVTT\n\n");
            for (a, b, text) in cues(t) {
                s.push_str(&format!(
                    "{} --> {}\n{}\n\n",
                    clock(a, '.'),
                    clock(b, '.'),
                    text
                ));
            }
            s
        }
    }
}

/// Subtitle cues: one per segment, timed by its words so the cue matches the speech.
fn cues(t: &Transcript) -> Vec<(f64, f64, String)> {
    t.segments
        .iter()
        .filter(|seg| !seg.text.trim().is_empty())
        .map(|seg| {
            let words = &t.words[seg.first_word..(seg.first_word + seg.n_words).min(t.words.len())];
            let a = words.first().map_or(seg.start_s, |w| w.start_s);
            let b = words.last().map_or(seg.end_s, |w| w.end_s).max(a);
            (a, b, seg.text.trim().to_string())
        })
        .collect()
}

/// `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (VTT).
fn clock(t: f64, sep: char) -> String {
    let ms = (t.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}{}{:03}",
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        sep,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_formats() {
        assert_eq!(clock(0.0, ','), "00:00:00,000");
        assert_eq!(clock(3723.4567, '.'), "01:02:03.457");
    }
}
