//! Durations and dates.

use super::UnitError;

/// Duration units accepted by [`parse_duration`], in seconds.
const DURATION_UNITS: &[(char, u64)] =
    &[('w', 7 * 86_400), ('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

/// Parses a duration into seconds: plain seconds (`3600`) or parts `1w`, `2d`, `12h`, `30m`,
/// `45s` combined without repeats (`1d12h`, `1d 12h`). The result must fit `u32` (about 136
/// years); bounds such as `MIN_DELAY` are the caller's to check.
pub fn parse_duration(input: &str) -> Result<u32, UnitError> {
    let s = input.trim();
    let err =
        |reason: &str| UnitError::Duration { input: input.to_owned(), reason: reason.to_owned() };
    if s.is_empty() {
        return Err(UnitError::Empty {
            what: "duration",
            hint: "give seconds (`3600`) or parts like `2d`, `12h`, `30m`",
        });
    }
    if s.starts_with('-') {
        return Err(err("negative"));
    }
    let total: u64 = if s.chars().all(|c| c.is_ascii_digit()) {
        s.parse().map_err(|_| err("too large"))?
    } else {
        let mut total: u64 = 0;
        let mut seen = String::new();
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                return Err(err("each part must be a whole number followed by a unit"));
            }
            let n: u64 = rest[..digits].parse().map_err(|_| err("too large"))?;
            rest = &rest[digits..];
            let mut chars = rest.chars();
            let unit = match chars.next() {
                Some(c) => c.to_ascii_lowercase(),
                None => return Err(err("the last number has no unit (w, d, h, m or s)")),
            };
            let Some((_, secs)) = DURATION_UNITS.iter().find(|(u, _)| *u == unit) else {
                return Err(err(&format!("unknown unit `{unit}`: use w, d, h, m or s")));
            };
            if seen.contains(unit) {
                return Err(err(&format!("unit `{unit}` appears twice")));
            }
            seen.push(unit);
            rest = chars.as_str().trim_start();
            total = n
                .checked_mul(*secs)
                .and_then(|part| total.checked_add(part))
                .ok_or_else(|| err("too large"))?;
        }
        total
    };
    u32::try_from(total).map_err(|_| err("longer than 4294967295 seconds (about 136 years)"))
}

/// Formats seconds for people: `"2d 3h 4m"`, `"45s"`, `"0s"`. Zero parts are left out.
pub fn format_duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".to_owned();
    }
    let mut rest = seconds;
    let mut parts = Vec::new();
    for (unit, secs) in [('d', 86_400u64), ('h', 3_600), ('m', 60), ('s', 1)] {
        let n = rest / secs;
        rest %= secs;
        if n > 0 {
            parts.push(format!("{n}{unit}"));
        }
    }
    parts.join(" ")
}

/// A unix time as UTC, `2026-11-23 18:04:10 UTC` (proleptic Gregorian calendar).
pub fn format_utc(unix: u64) -> String {
    let days = i64::try_from(unix / 86_400).unwrap_or(i64::MAX / 2);
    let secs = unix % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}
