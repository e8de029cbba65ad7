//! Recording from an input device: the devices cpal sees, a real-time safe capture callback, a
//! lock-free ring, a writer thread that keeps a crash-safe WAV, and the live display around them.
//!
//! Data flows one way: the cpal callback ([`callback`]) converts each buffer to 16-bit and
//! pushes it into a single-producer single-consumer ring (rtrb); the writer thread ([`writer`])
//! drains the ring into the WAV with hound, meters the level and refreshes the header four times
//! a second; [`session`] starts and stops both, and draws [`display`] from what the writer
//! publishes.

pub mod callback;
pub mod devices;
pub mod display;
pub mod plan;
pub mod session;
pub mod term;
pub mod writer;

#[cfg(target_os = "linux")]
mod alsa_log;

use std::path::PathBuf;
use std::time::Duration;

/// Seconds of audio the ring holds. The writer drains it every few milliseconds; the slack is
/// for a writer stalled by a slow disk or a loaded machine, which must not cost samples.
pub const RING_SECONDS: u32 = 4;

/// How often the writer brings the WAV header up to date: whatever a `kill -9` or a power cut
/// takes is at most this much (plus the few milliseconds still in the ring).
pub const HEADER_REFRESH: Duration = Duration::from_millis(250);

/// Everything that can stop a recording from starting or finishing, each with what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    #[error(
        "no input device: {reason}; connect a microphone or pick a device with --device (see `rehearse devices`)"
    )]
    NoInputDevice { reason: String },
    #[error("--device {name}: no such input device; input devices here: {known}")]
    UnknownDevice { name: String, known: String },
    #[error(
        "{device}: cannot open it for recording: {reason}; pick another with --device (see `rehearse devices`)"
    )]
    OpenDevice { device: String, reason: String },
    #[error(
        "{device}: delivers {format} samples, which a WAV cannot hold; pick another device with --device"
    )]
    UnsupportedFormat { device: String, format: String },
    #[error("{}: already exists; pass --force to replace it, or choose another --out", path.display())]
    OutputExists { path: PathBuf },
    // The io::Error is part of the message, not a `source`: a source would be printed a second
    // time at the end of the one-line error.
    #[error("{}: cannot create the recording: {error}; choose another --out", path.display())]
    CreateOutput {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "--max-duration {requested}: a WAV at {rate} Hz, {channels} ch holds at most {limit}; record less"
    )]
    TooLong {
        requested: String,
        rate: u32,
        channels: u16,
        limit: String,
    },
    #[error("cancelled before recording started")]
    Cancelled,
    #[error(
        "{}: write failed after {captured}: {error}; the audio written before it is kept (free some space or choose another --out)",
        path.display()
    )]
    Write {
        path: PathBuf,
        captured: String,
        error: std::io::Error,
    },
    #[error("cannot start the capture thread: {0}")]
    Thread(std::io::Error),
}

/// Parses a duration as people write it: `90`, `90s`, `5m`, `1m30s`, `1h`, `2:30`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let bad = || format!("'{s}': give a duration such as 90s, 5m, 1m30s or 2:30");
    if t.is_empty() {
        return Err(bad());
    }
    if let Some((m, sec)) = t.split_once(':') {
        let m: u64 = m.parse().map_err(|_| bad())?;
        let sec: f64 = sec.parse().map_err(|_| bad())?;
        if !(0.0..60.0).contains(&sec) {
            return Err(bad());
        }
        return Ok(Duration::from_secs(m * 60) + Duration::from_secs_f64(sec));
    }
    if let Ok(secs) = t.parse::<f64>() {
        return if secs.is_finite() && secs >= 0.0 {
            Ok(Duration::from_secs_f64(secs))
        } else {
            Err(bad())
        };
    }
    let mut total = 0.0f64;
    let mut number = String::new();
    let mut seen_unit = false;
    for c in t.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let scale = match c {
            'h' => 3600.0,
            'm' => 60.0,
            's' => 1.0,
            _ => return Err(bad()),
        };
        let n: f64 = number.parse().map_err(|_| bad())?;
        total += n * scale;
        number.clear();
        seen_unit = true;
    }
    if !number.is_empty() || !seen_unit || !total.is_finite() {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(total))
}

/// Seconds as m:ss (h:mm:ss from an hour), the way answer lengths are spoken about.
pub fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).floor() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (text, secs) in [
            ("90", 90.0),
            ("90s", 90.0),
            ("5m", 300.0),
            ("1m30s", 90.0),
            ("1h", 3600.0),
            ("2:30", 150.0),
            ("0.5s", 0.5),
            (" 3m ", 180.0),
        ] {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_secs_f64(secs)),
                "{text}"
            );
        }
        for text in ["", "m", "5x", "1:75", "-3", "5m3", "nan"] {
            assert!(parse_duration(text).is_err(), "{text}");
        }
    }

    #[test]
    fn clocks() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(24.9), "0:24");
        assert_eq!(clock(90.0), "1:30");
        assert_eq!(clock(3725.0), "1:02:05");
    }
}
