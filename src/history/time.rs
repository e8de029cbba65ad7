//! UTC timestamps for attempt folders and metadata, from `std::time::SystemTime` alone.
//!
//! The store only ever writes UTC in one fixed shape (`2025-11-02T14:03:12Z`), so sorting the
//! strings sorts the times and a 40-line civil-date conversion is all that is needed; a date
//! crate (time, jiff) would add a dependency for formatting one layout. Local time is not
//! shown anywhere, so there is no time-zone database to read either.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, negative before it.
fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Year, month, day from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 from a civil date (the inverse of [`civil_from_days`]).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

struct Civil {
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
}

fn civil(t: SystemTime) -> Civil {
    let secs = unix_seconds(t);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400) as u32;
    Civil {
        y,
        mo,
        d,
        h: sod / 3600,
        mi: sod / 60 % 60,
        s: sod % 60,
    }
}

/// RFC 3339 in UTC, whole seconds: `2025-11-02T14:03:12Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let c = civil(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.y, c.mo, c.d, c.h, c.mi, c.s
    )
}

/// RFC 3339 in UTC with microseconds, `2025-11-02T14:03:12.250000Z`: for the save time, which
/// orders attempts that started in the same second.
pub fn rfc3339_micros(t: SystemTime) -> String {
    let micros = t
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_micros());
    let whole = rfc3339(t);
    format!("{}.{micros:06}Z", &whole[..whole.len() - 1])
}

/// The date-time part of an attempt folder's name: `20251102-140312`.
pub fn folder_stamp(t: SystemTime) -> String {
    let c = civil(t);
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        c.y, c.mo, c.d, c.h, c.mi, c.s
    )
}

/// Parses exactly the shape [`rfc3339`] writes; anything else is `None` (a hand-edited or
/// foreign `meta.json` is reported as damaged rather than sorted somewhere odd).
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let days = days_from_civil(i64::from(y), mo, d);
    // Day 31 of a 30-day month would silently roll over; check it round-trips.
    if civil_from_days(days) != (i64::from(y), mo, d) {
        return None;
    }
    let secs = days * 86_400 + i64::from(h * 3600 + mi * 60 + sec);
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// A moment as a report's title shows it: `2025-11-02 14:03 UTC`.
pub fn dated(t: SystemTime) -> String {
    format!("{} UTC", short_display(&rfc3339(t)))
}

/// For tables: `2025-11-02 14:03` from a stored timestamp (shown as stored when it is not one).
pub fn short_display(rfc: &str) -> String {
    match (rfc.get(0..10), rfc.get(11..16)) {
        (Some(date), Some(hm)) if parse_rfc3339(rfc).is_some() => format!("{date} {hm}"),
        _ => rfc.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn formats_known_instants() {
        for (secs, rfc, stamp) in [
            (0, "1970-01-01T00:00:00Z", "19700101-000000"),
            (951_782_400, "2000-02-29T00:00:00Z", "20000229-000000"),
            (1_762_092_192, "2025-11-02T14:03:12Z", "20251102-140312"),
            (4_107_542_399, "2100-02-28T23:59:59Z", "21000228-235959"),
        ] {
            assert_eq!(rfc3339(at(secs)), rfc);
            assert_eq!(folder_stamp(at(secs)), stamp);
            assert_eq!(parse_rfc3339(rfc), Some(at(secs)), "{rfc}");
            assert_eq!(
                rfc3339_micros(at(secs) + Duration::from_micros(2500)),
                rfc.replace('Z', ".002500Z")
            );
        }
    }

    #[test]
    fn round_trips_every_day_for_centuries() {
        for days in (-1000..80_000).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in [
            "",
            "2025-11-02 14:03:12Z",
            "2025-11-02T14:03:12+01:00",
            "2025-02-30T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-11-02T24:00:00Z",
            "2025-1a-02T14:03:12Z",
            "２025-11-02T14:03:1Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
        assert_eq!(short_display("2025-11-02T14:03:12Z"), "2025-11-02 14:03");
        assert_eq!(short_display("yesterday"), "yesterday");
    }
}
