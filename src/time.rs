//! The only module that parses dates or touches time zones.
//!
//! Never reads the wall clock: every instant comes from the data or the command line.
//! Instants are [`Ts`] (UTC microseconds).

use crate::model::Ts;
use chrono::Offset as _;
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;

/// What kind of time could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeErrorKind {
    /// Not in any format read here (or not the configured one).
    Syntax,
    /// A date or time of day that does not exist in the calendar.
    Calendar,
    /// Outside the instants the tool can represent.
    Range,
    /// A local time that does not exist in the time zone (a daylight-saving gap).
    Gap,
    /// An unknown time zone name.
    Zone,
    /// A period, quarter or range of them that cannot be used.
    Period,
}

/// Why a time, a zone or a period could not be read: its kind, and a message that says what
/// was expected (shown to users as is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    /// The kind.
    pub kind: TimeErrorKind,
    message: String,
}

impl TimeError {
    /// An error of `kind` with `message`.
    pub fn new(kind: TimeErrorKind, message: impl Into<String>) -> TimeError {
        TimeError {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for TimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TimeError {}

impl From<String> for TimeError {
    fn from(message: String) -> TimeError {
        TimeError::new(TimeErrorKind::Syntax, message)
    }
}

impl From<TimeError> for String {
    fn from(e: TimeError) -> String {
        e.message
    }
}

/// How an instant was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offset {
    /// The text carried a UTC offset (`Z`, `+hh:mm`, `+hhmm`, `+hh`).
    Explicit,
    /// No offset: read in the report time zone (a data-quality warning).
    Local,
    /// No offset and the local time falls in a DST gap: moved forward by the gap.
    LocalGap,
}

/// Parse an ISO 8601 / RFC 3339 instant: `YYYY-MM-DD[(T| )hh:mm[:ss[.f{0,9}]]][Z|±hh[:mm]|±hhmm]`.
/// A time without an offset is read in `tz`. Returns the instant and how it was read.
pub fn parse_instant(s: &str, tz: Tz) -> Result<(Ts, Offset), TimeError> {
    let t = s.trim();
    let b = t.as_bytes();
    let err = || {
        format!("not an ISO 8601 instant (expected e.g. 2024-03-01T09:30:00Z or 2024-03-01T09:30:00+01:00)")
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(err().into());
    }
    let year = digits(&b[0..4]).ok_or_else(err)? as i32;
    let month = digits(&b[5..7]).ok_or_else(err)?;
    let day = digits(&b[8..10]).ok_or_else(err)?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day == 0 || day > month_days[month as usize - 1] {
        return Err(TimeError::new(
            TimeErrorKind::Calendar,
            format!("{t:?} is not a calendar date"),
        ));
    }
    let mut i = 10;
    let (mut hh, mut mm, mut ss, mut nanos) = (0u32, 0u32, 0u32, 0u32);
    if i < b.len() && (b[i] == b'T' || b[i] == b't' || b[i] == b' ') {
        i += 1;
        if b.len() < i + 5 || b[i + 2] != b':' {
            return Err(err().into());
        }
        hh = digits(&b[i..i + 2]).ok_or_else(err)?;
        mm = digits(&b[i + 3..i + 5]).ok_or_else(err)?;
        i += 5;
        if i < b.len() && b[i] == b':' {
            if b.len() < i + 3 {
                return Err(err().into());
            }
            ss = digits(&b[i + 1..i + 3]).ok_or_else(err)?;
            i += 3;
            if i < b.len() && (b[i] == b'.' || b[i] == b',') {
                i += 1;
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let frac = &b[start..i];
                if frac.is_empty() || frac.len() > 9 {
                    return Err(format!("{t:?}: a fraction of a second needs 1 to 9 digits").into());
                }
                let mut n = digits(frac).ok_or_else(err)?;
                for _ in frac.len()..9 {
                    n *= 10;
                }
                nanos = n;
            }
        }
    }
    // A leap second (ss = 60) is read as the last instant of that minute.
    let ss = ss.min(59);
    if hh > 23 || mm > 59 {
        return Err(TimeError::new(
            TimeErrorKind::Calendar,
            format!("{t:?} is not a time of day"),
        ));
    }
    let rest = &t[i..];
    if rest.is_empty() {
        let date = NaiveDate::from_ymd_opt(year, month, day)
            .ok_or_else(|| format!("{t:?} is not a calendar date"))?;
        let time = NaiveTime::from_hms_nano_opt(hh, mm, ss, nanos)
            .ok_or_else(|| format!("{t:?} is not a time of day"))?;
        return local_to_utc(NaiveDateTime::new(date, time), tz);
    }
    let offset_secs = parse_offset(rest).ok_or_else(err)?;
    // Days since 1970-01-01 of the civil date (H. Hinnant's algorithm), then the time of
    // day and the offset: the same instant chrono computes, without building its types.
    let (y, m, d) = (
        i64::from(year) - i64::from(month <= 2),
        i64::from(month),
        i64::from(day),
    );
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + i64::from(hh * 3600 + mm * 60 + ss) - i64::from(offset_secs);
    let ts = secs * 1_000_000 + i64::from(nanos / 1000);
    let ts = in_range(ts, &format_args!("{t:?}"))?;
    Ok((ts, Offset::Explicit))
}

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: the instants read are those
/// [`format_instant`] writes as text that [`parse_instant`] reads back (four-digit years).
const MIN_TS: Ts = -62_167_219_200_000_000;
const MAX_TS: Ts = 253_402_300_799_999_999;

/// `ts` if it is within the years 0000 to 9999 in UTC (an offset or a zone can push a
/// date at either end out of them: `0000-01-01` in Europe/Paris is year -1 in UTC).
fn in_range(ts: Ts, text: &dyn std::fmt::Display) -> Result<Ts, TimeError> {
    if (MIN_TS..=MAX_TS).contains(&ts) {
        Ok(ts)
    } else {
        Err(TimeError::new(
            TimeErrorKind::Range,
            format!(
                "{text} is outside the years 0000 to 9999 (in UTC) that flowaudit reads; check the year"
            ),
        ))
    }
}

fn parse_offset(rest: &str) -> Option<i32> {
    let r = rest.trim_start();
    if r == "Z" || r == "z" {
        return Some(0);
    }
    let b = r.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let d = &b[1..];
    let (h, m) = match d.len() {
        2 => (digits(d)?, 0),
        4 => (digits(&d[0..2])?, digits(&d[2..4])?),
        5 if d[2] == b':' => (digits(&d[0..2])?, digits(&d[3..5])?),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h as i32 * 3600 + m as i32 * 60))
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut n: u32 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add((c - b'0') as u32)?;
    }
    Some(n)
}

/// Read a local wall-clock time in `tz`. Ambiguous times (DST fall-back) take the earlier
/// instant; times in a DST gap are moved forward by the gap (as most calendars do).
pub fn local_to_utc(naive: NaiveDateTime, tz: Tz) -> Result<(Ts, Offset), TimeError> {
    let (ts, how) = match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => (dt.with_timezone(&Utc).timestamp_micros(), Offset::Local),
        LocalResult::Ambiguous(a, _) => (a.with_timezone(&Utc).timestamp_micros(), Offset::Local),
        LocalResult::None => {
            // In a gap: read it with the offset in force just before the gap.
            let before = naive - Duration::hours(3);
            let off = match tz.from_local_datetime(&before) {
                LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) => {
                    dt.offset().fix().local_minus_utc()
                }
                LocalResult::None => {
                    return Err(TimeError::new(
                        TimeErrorKind::Gap,
                        format!("{naive} does not exist in time zone {tz}"),
                    ))
                }
            };
            let utc = naive - Duration::seconds(off as i64);
            (utc.and_utc().timestamp_micros(), Offset::LocalGap)
        }
    };
    Ok((in_range(ts, &naive)?, how))
}

/// Format an instant as RFC 3339 UTC (`2024-03-01T09:30:00Z`, fraction only when non-zero).
pub fn format_instant(ts: Ts) -> String {
    let mut s = String::with_capacity(27);
    format_instant_into(&mut s, ts);
    s
}

/// [`format_instant`] appended to `out` (no allocation for years 0000–9999; items.csv
/// writes three instants per item). Same text as chrono's `to_rfc3339_opts(AutoSi, true)`:
/// the fraction has 3 digits when whole milliseconds, else 6, and is left out when zero.
pub fn format_instant_into(out: &mut String, ts: Ts) {
    const DAY: i64 = crate::model::MICROS_PER_DAY_I64;
    let (days, in_day) = (ts.div_euclid(DAY), ts.rem_euclid(DAY));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if !(0..=9999).contains(&y) {
        if let Some(dt) = DateTime::<Utc>::from_timestamp_micros(ts) {
            out.push_str(&dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        }
        return;
    }
    let secs = in_day / 1_000_000;
    let micros = in_day % 1_000_000;
    let (h, mi, se) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut b = [0u8; 27];
    let two = |b: &mut [u8], at: usize, v: i64| {
        b[at] = b'0' + (v / 10) as u8;
        b[at + 1] = b'0' + (v % 10) as u8;
    };
    b[..10].copy_from_slice(&ymd_bytes(y, m, d));
    b[10] = b'T';
    two(&mut b, 11, h);
    b[13] = b':';
    two(&mut b, 14, mi);
    b[16] = b':';
    two(&mut b, 17, se);
    let mut n = 19;
    if micros != 0 {
        b[n] = b'.';
        let (digits, v) = if micros % 1000 == 0 {
            (3, micros / 1000)
        } else {
            (6, micros)
        };
        let mut v = v;
        for k in (0..digits).rev() {
            b[n + 1 + k] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        n += 1 + digits;
    }
    b[n] = b'Z';
    out.push_str(std::str::from_utf8(&b[..=n]).unwrap_or_default());
}

/// Parse a time-zone name (`UTC`, `Europe/Paris`).
pub fn parse_tz(name: &str) -> Result<Tz, TimeError> {
    name.parse::<Tz>().map_err(|_| {
        TimeError::new(
            TimeErrorKind::Zone,
            format!("unknown time zone {name:?}; use an IANA name such as UTC or Europe/Paris"),
        )
    })
}

/// Consecutive local days in a time zone, with the instant each begins: the day of an
/// instant by binary search instead of a time-zone conversion (the cumulative flow asks
/// for the day of every category change of every item).
#[derive(Debug, Clone)]
pub struct DayIndex {
    first: NaiveDate,
    /// `starts[j]`: the first instant of local day `first + j + 1`.
    starts: Vec<Ts>,
}

impl DayIndex {
    /// Days `first ..= last` (and the day after, as the end).
    pub fn new(first: NaiveDate, last: NaiveDate, tz: Tz) -> DayIndex {
        let mut starts = Vec::new();
        let mut d = first;
        while d <= last {
            d = d.succ_opt().expect("invariant: dates in range");
            starts.push(day_start(d, tz));
        }
        DayIndex { first, starts }
    }

    /// Days from `first` to the local date of `t`: `local_date(t, tz) - first` in days,
    /// for instants from the first day to the end of the last (earlier instants give 0;
    /// later ones the number of days + 1).
    pub fn days_from_first(&self, t: Ts) -> usize {
        self.starts.partition_point(|s| *s <= t)
    }

    /// The first day.
    pub fn first(&self) -> NaiveDate {
        self.first
    }
}

/// The first instant whose local date in `tz` is `day` (midnight, or the end of a DST gap
/// that swallows midnight). Local dates never decrease as instants increase, so a binary
/// search over the ±36 hours around UTC midnight finds it.
pub fn day_start(day: NaiveDate, tz: Tz) -> Ts {
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .expect("invariant: midnight exists")
        .and_utc()
        .timestamp_micros();
    // With one offset over the whole window the search looks in (no change of offset within
    // 36 hours of UTC midnight), local midnight is UTC midnight less that offset: five zone
    // lookups a day instead of ~38 (the day grids of a 20-year log asked for 300k). Around a
    // change, the search as before: local dates can step back there (St John's ended DST at
    // 00:01 until 2011), and the search's answer is kept exactly.
    let offset = |t: Ts| {
        DateTime::<Utc>::from_timestamp_micros(t)
            .expect("invariant: instants are in chrono's range")
            .with_timezone(&tz)
            .offset()
            .fix()
            .local_minus_utc()
    };
    let at = offset(midnight);
    if offset(midnight - DAY_START_WINDOW) == at && offset(midnight + DAY_START_WINDOW) == at {
        let guess = midnight - i64::from(at) * 1_000_000;
        if local_date(guess, tz) >= day && local_date(guess - 1, tz) < day {
            return guess;
        }
    }
    day_start_searched(day, midnight, tz)
}

/// How far either side of UTC midnight a local midnight is looked for (every zone's offset is
/// within it).
const DAY_START_WINDOW: Ts = 36 * 3_600_000_000;

/// [`day_start`] by binary search over [`DAY_START_WINDOW`] around UTC midnight (`midnight`).
fn day_start_searched(day: NaiveDate, midnight: Ts, tz: Tz) -> Ts {
    let (mut lo, mut hi) = (midnight - DAY_START_WINDOW, midnight + DAY_START_WINDOW);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if local_date(mid, tz) >= day {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// The local calendar date of an instant in `tz`.
pub fn local_date(ts: Ts, tz: Tz) -> NaiveDate {
    let dt = DateTime::<Utc>::from_timestamp_micros(ts)
        .expect("invariant: instants are in chrono's range");
    dt.with_timezone(&tz).date_naive()
}

/// The instant at which local date `d` begins (00:00, or the first instant after a gap) in `tz`.
pub fn start_of_day(d: NaiveDate, tz: Tz) -> Ts {
    let naive = d.and_hms_opt(0, 0, 0).expect("invariant: midnight exists");
    match local_to_utc(naive, tz) {
        Ok((ts, _)) => ts,
        Err(_) => naive.and_utc().timestamp_micros(),
    }
}

/// The Monday of the ISO week containing `d`.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// Parse `--from`/`--to`: a date (`2024-07-01`, local midnight in `tz`) or an instant.
pub fn parse_bound(s: &str, tz: Tz) -> Result<Ts, TimeError> {
    parse_instant(s, tz).map(|(ts, _)| ts)
}

/// Parse `YYYYQn..YYYYQn` into its consecutive quarters: (label, start, end) in `tz`.
pub fn parse_quarters(s: &str, tz: Tz) -> Result<Vec<(String, Ts, Ts)>, TimeError> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("{s:?} is not a range of quarters; write it as 2024Q1..2024Q4"))?;
    let key = |q: &str| -> Result<(i32, u32), TimeError> {
        let bad = || {
            TimeError::new(
                TimeErrorKind::Period,
                format!("{q:?} is not a quarter; write it as 2024Q3"),
            )
        };
        let (y, n) = q.trim().split_once(['Q', 'q']).ok_or_else(bad)?;
        let (y, n) = (
            y.parse::<i32>().map_err(|_| bad())?,
            n.parse::<u32>().map_err(|_| bad())?,
        );
        (1..=4).contains(&n).then_some((y, n)).ok_or_else(bad)
    };
    let (mut cur, last) = (key(a)?, key(b)?);
    if cur >= last {
        return Err(TimeError::new(
            TimeErrorKind::Period,
            format!("{s:?}: the first quarter must come before the last (at least two quarters)"),
        ));
    }
    let mut out = Vec::new();
    while cur <= last {
        let label = format!("{}Q{}", cur.0, cur.1);
        let (from, to) = parse_quarter(&label, tz)?;
        out.push((label, from, to));
        cur = if cur.1 == 4 {
            (cur.0 + 1, 1)
        } else {
            (cur.0, cur.1 + 1)
        };
        if out.len() > 400 {
            return Err(TimeError::new(
                TimeErrorKind::Period,
                format!("{s:?}: more than 400 quarters"),
            ));
        }
    }
    Ok(out)
}

/// Parse period boundaries `D0,D1,…,Dn` (dates or instants, increasing) into the `n`
/// consecutive periods `[D(k), D(k+1))`, labelled `D(k)..D(k+1)` as written.
pub fn parse_periods(s: &str, tz: Tz) -> Result<Vec<(String, Ts, Ts)>, TimeError> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if parts.len() < 3 {
        return Err(TimeError::new(TimeErrorKind::Period, format!("{s:?}: give at least three boundaries (two periods), e.g. 2024-01-01,2024-02-01,2024-03-01")));
    }
    let mut bounds = Vec::new();
    for p in &parts {
        bounds.push(parse_bound(p, tz)?);
    }
    let mut out = Vec::new();
    for k in 0..parts.len() - 1 {
        if bounds[k] >= bounds[k + 1] {
            return Err(TimeError::new(
                TimeErrorKind::Period,
                format!(
                    "{:?} is not before {:?}: the boundaries must increase",
                    parts[k],
                    parts[k + 1]
                ),
            ));
        }
        out.push((
            format!("{}..{}", parts[k], parts[k + 1]),
            bounds[k],
            bounds[k + 1],
        ));
    }
    Ok(out)
}

/// Parse a quarter `YYYYQn` into the half-open period `[start, end)` in `tz`.
pub fn parse_quarter(s: &str, tz: Tz) -> Result<(Ts, Ts), TimeError> {
    let t = s.trim().to_ascii_uppercase();
    let bad = || {
        TimeError::new(
            TimeErrorKind::Period,
            format!("{s:?} is not a quarter; write it as 2024Q3"),
        )
    };
    let (y, q) = t.split_once('Q').ok_or_else(bad)?;
    let year: i32 = y.trim_end_matches('-').parse().map_err(|_| bad())?;
    let q: u32 = q.parse().map_err(|_| bad())?;
    if !(1..=4).contains(&q) {
        return Err(bad().into());
    }
    let start = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).ok_or_else(bad)?;
    let end = if q == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, q * 3 + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok((start_of_day(start, tz), start_of_day(end, tz)))
}

/// Format a date as `YYYY-MM-DD`.
pub fn format_date(d: NaiveDate) -> String {
    let y = i64::from(d.year());
    if !(0..=9999).contains(&y) {
        return d.format("%Y-%m-%d").to_string(); // chrono's sign and digits
    }
    // Digit by digit, as instants are: parsing the strftime pattern at each call was 2 % of
    // a small audit (every date of the CSV grids and chart axes).
    let b = ymd_bytes(y, i64::from(d.month()), i64::from(d.day()));
    std::str::from_utf8(&b)
        .expect("invariant: ASCII digits")
        .to_string()
}

/// `YYYY-MM-DD` for a year in 0..=9999.
fn ymd_bytes(y: i64, m: i64, d: i64) -> [u8; 10] {
    let mut b = [b'-'; 10];
    let two = |b: &mut [u8], at: usize, v: i64| {
        b[at] = b'0' + (v / 10) as u8;
        b[at + 1] = b'0' + (v % 10) as u8;
    };
    two(&mut b, 0, y / 100);
    two(&mut b, 2, y % 100);
    two(&mut b, 5, m);
    two(&mut b, 8, d);
    b
}

/// Interpret a Unix time in seconds (e.g. a Trello ObjectId prefix) as an instant.
pub fn from_unix_seconds(secs: i64) -> Ts {
    secs * 1_000_000
}

/// Utc `DateTime` for an instant (for chart axes).
pub fn to_datetime(ts: Ts) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_micros(ts).expect("invariant: instants are in chrono's range")
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn day_index_agrees_with_local_dates_across_dst() {
        for tz in [
            chrono_tz::UTC,
            chrono_tz::Europe::Paris,
            chrono_tz::America::Santiago,
            chrono_tz::Pacific::Apia,
        ] {
            let first = NaiveDate::from_ymd_opt(2011, 1, 1).unwrap_or_default();
            let last = NaiveDate::from_ymd_opt(2012, 12, 31).unwrap_or_default();
            let idx = DayIndex::new(first, last, tz);
            let start = day_start(first, tz);
            let end = day_start(last.succ_opt().unwrap_or_default(), tz);
            let mut t = start - 3_600_000_000;
            while t < end + 3_600_000_000 {
                let want = (local_date(t, tz) - first).num_days().max(0) as usize;
                assert_eq!(idx.days_from_first(t), want, "{tz} {}", format_instant(t));
                t += 1_234_567_891; // about 20 minutes, drifting across the clock
            }
            for d in [first, last] {
                let s = day_start(d, tz);
                assert_eq!(local_date(s, tz), d);
                assert!(local_date(s - 1, tz) < d);
            }
        }
    }

    #[test]
    fn explicit_offsets_give_chronos_instant() {
        let mut x: u64 = 0x1234_5678_9ABC_DEF1;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for _ in 0..200_000 {
            let (y, mo) = (next(10_000) as i32, next(12) as u32 + 1);
            let d = next(31) as u32 + 1;
            let (h, mi, se) = (next(24), next(60), next(60));
            let frac = match next(4) {
                0 => String::new(),
                1 => format!(".{:03}", next(1000)),
                2 => format!(".{:06}", next(1_000_000)),
                _ => format!(".{:09}", next(1_000_000_000)),
            };
            let off = match next(3) {
                0 => "Z".to_string(),
                _ => format!(
                    "{}{:02}:{:02}",
                    if next(2) == 0 { '+' } else { '-' },
                    next(15),
                    next(4) * 15
                ),
            };
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{se:02}{frac}{off}");
            let ours = parse_instant(&text, chrono_tz::UTC).map(|r| r.0);
            let theirs = DateTime::parse_from_rfc3339(&text).map(|dt| dt.timestamp_micros());
            match (ours, theirs) {
                (Ok(a), Ok(b)) if (MIN_TS..=MAX_TS).contains(&b) => assert_eq!(a, b, "{text}"),
                (Ok(a), Ok(b)) => panic!("{text}: {a} accepted, out of range {b}"),
                (Err(_), Err(_)) => {}
                (Err(_), Ok(b)) => assert!(!(MIN_TS..=MAX_TS).contains(&b), "{text} refused"),
                (Ok(a), Err(e)) => panic!("{text}: {a}, chrono: {e}"),
            }
        }
    }

    #[test]
    fn fast_instant_format_is_chronos_text() {
        let chrono_text = |ts: Ts| {
            DateTime::<Utc>::from_timestamp_micros(ts)
                .map(|dt| dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                .unwrap_or_default()
        };
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut cases: Vec<Ts> = vec![
            0,
            -1,
            1_709_285_400_000_000,
            1_709_285_400_123_000,
            1_709_285_400_123_456,
            951_782_400_000_000,     // 2000-02-29
            -62_135_596_800_000_000, // 0001-01-01
            253_402_300_799_999_999, // 9999-12-31T23:59:59.999999
            253_402_300_800_000_000, // 10000-01-01 (chrono's text)
            -62_167_219_200_000_001, // before year 0
        ];
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Instants between 1900 and 2200, with every fraction shape.
            let base = -2_208_988_800_000_000i64 + (x % 9_467_280_000_000_000) as i64;
            cases.push(match x % 3 {
                0 => base - base.rem_euclid(1_000_000),
                1 => base - base.rem_euclid(1000),
                _ => base,
            });
        }
        for ts in cases {
            assert_eq!(format_instant(ts), chrono_text(ts), "{ts}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Ts {
        parse_instant(s, Tz::UTC).unwrap().0
    }

    /// The first instant of a local day, from the zone's offset at UTC midnight, is the one the
    /// binary search finds, every day for 22 years in zones with DST at midnight (Havana, São
    /// Paulo, Gaza), at 00:01 (St John's until 2011), a half-hour shift (Lord Howe), a skipped
    /// day (Apia, 2011-12-30), and none. (Checked once for every zone of chrono-tz, every day
    /// 1985–2029: 9.8 million days, all equal; 10 s, too long to run each time.)
    #[test]
    fn day_start_from_the_offset_is_the_searched_one() {
        let zones = [
            "UTC",
            "Europe/Berlin",
            "America/Havana",
            "America/Sao_Paulo",
            "Asia/Gaza",
            "Australia/Lord_Howe",
            "Pacific/Apia",
            "Asia/Kolkata",
            "America/St_Johns",
        ];
        let mut guessed_wrong = 0;
        for name in zones {
            let tz: Tz = name.parse().unwrap();
            let mut d = NaiveDate::from_ymd_opt(2005, 1, 1).unwrap();
            while d < NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() {
                let midnight = d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_micros();
                let searched = day_start_searched(d, midnight, tz);
                assert_eq!(day_start(d, tz), searched, "{name} {d}");
                guessed_wrong += usize::from(local_date(searched, tz) != d);
                d = d.succ_opt().unwrap();
            }
        }
        // Apia's missing day starts on the 31st.
        let apia: Tz = "Pacific/Apia".parse().unwrap();
        let skipped = NaiveDate::from_ymd_opt(2011, 12, 30).unwrap();
        assert_eq!(
            local_date(day_start(skipped, apia), apia),
            NaiveDate::from_ymd_opt(2011, 12, 31).unwrap()
        );
        assert_eq!(guessed_wrong, 1);
    }

    /// The digit-by-digit date is chrono's `%Y-%m-%d`, inside and outside years 0–9999.
    #[test]
    fn dates_are_formatted_as_chrono_formats_them() {
        let mut d = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        for _ in 0..400 {
            assert_eq!(format_date(d), d.format("%Y-%m-%d").to_string());
            d = d + Duration::days(37);
        }
        for (y, m, day) in [
            (0, 1, 1),
            (9999, 12, 31),
            (-1, 3, 4),
            (10000, 1, 2),
            (7, 7, 7),
        ] {
            let d = NaiveDate::from_ymd_opt(y, m, day).unwrap();
            assert_eq!(format_date(d), d.format("%Y-%m-%d").to_string(), "{y}");
        }
        assert_eq!(
            format_date(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()),
            "2024-03-01"
        );
    }

    #[test]
    fn offsets_in_every_form_give_the_same_instant() {
        let z = p("2024-03-01T10:00:00Z");
        assert_eq!(p("2024-03-01T11:00:00+01:00"), z);
        assert_eq!(p("2024-03-01T11:00:00+0100"), z);
        assert_eq!(p("2024-03-01T11:00:00+01"), z);
        assert_eq!(p("2024-03-01T05:00:00.000-0500"), z);
        assert_eq!(p("2024-03-01 10:00:00Z"), z);
        assert_eq!(z, 1_709_287_200_000_000);
    }

    #[test]
    fn fractions_of_zero_to_nine_digits() {
        let base = p("2024-03-01T10:00:00Z");
        assert_eq!(p("2024-03-01T10:00:00.5Z"), base + 500_000);
        assert_eq!(p("2024-03-01T10:00:00.123456789Z"), base + 123_456);
        assert_eq!(p("2017-09-04T02:08:16.6Z") % 1_000_000, 600_000);
        assert!(parse_instant("2024-03-01T10:00:00.1234567890Z", Tz::UTC).is_err());
    }

    #[test]
    fn no_offset_is_local_and_flagged() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let (ts, o) = parse_instant("2024-01-15T10:00:00", paris).unwrap();
        assert_eq!(o, Offset::Local);
        assert_eq!(ts, p("2024-01-15T09:00:00Z"));
        // Date only: local midnight.
        let (ts, _) = parse_instant("2024-07-01", paris).unwrap();
        assert_eq!(ts, p("2024-06-30T22:00:00Z"));
    }

    #[test]
    fn dst_gap_moves_forward() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        // 02:30 does not exist on 2024-03-31 in Paris; read with +01:00 → 01:30Z (= 03:30 CEST).
        let (ts, o) = parse_instant("2024-03-31T02:30:00", paris).unwrap();
        assert_eq!(o, Offset::LocalGap);
        assert_eq!(ts, p("2024-03-31T01:30:00Z"));
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30T00:00:00Z",
            "2024-03-01T10:00:00+25:00",
            "2024-03-01T1",
        ] {
            assert!(parse_instant(s, Tz::UTC).is_err(), "{s}");
        }
    }

    #[test]
    fn time_errors_are_typed_and_keep_their_messages() {
        let e = parse_instant("2024-02-30T00:00:00Z", Tz::UTC).unwrap_err();
        assert_eq!(e.kind, TimeErrorKind::Calendar);
        assert!(e.to_string().contains("is not a calendar date"), "{e}");
        let e = parse_instant("yesterday", Tz::UTC).unwrap_err();
        assert_eq!(e.kind, TimeErrorKind::Syntax);
        assert!(e.to_string().starts_with("not an ISO 8601 instant"), "{e}");
        assert_eq!(
            parse_tz("Mars/Olympus").unwrap_err().kind,
            TimeErrorKind::Zone
        );
        assert_eq!(
            parse_quarter("2024Q5", Tz::UTC).unwrap_err().kind,
            TimeErrorKind::Period
        );
        assert_eq!(
            parse_quarters("2024Q3..2024Q1", Tz::UTC).unwrap_err().kind,
            TimeErrorKind::Period
        );
        let e = parse_periods("2024-02-01,2024-01-01,2024-03-01", Tz::UTC).unwrap_err();
        assert!(
            e.to_string().contains("the boundaries must increase"),
            "{e}"
        );
    }

    #[test]
    fn quarters() {
        let (a, b) = parse_quarter("2024Q3", Tz::UTC).unwrap();
        assert_eq!(format_instant(a), "2024-07-01T00:00:00Z");
        assert_eq!(format_instant(b), "2024-10-01T00:00:00Z");
        let (_, b) = parse_quarter("2024q4", Tz::UTC).unwrap();
        assert_eq!(format_instant(b), "2025-01-01T00:00:00Z");
        assert!(parse_quarter("2024Q5", Tz::UTC).is_err());
    }

    #[test]
    fn formats_round_trip() {
        assert_eq!(
            format_instant(p("2024-03-01T10:00:00.250Z")),
            "2024-03-01T10:00:00.250Z"
        );
        assert_eq!(
            week_start(NaiveDate::from_ymd_opt(2024, 3, 3).unwrap()),
            NaiveDate::from_ymd_opt(2024, 2, 26).unwrap()
        );
    }
}

/// Parse a Jira CSV export date (FORMATS.md §1b): `dd/MMM/yy h:mm a` (`15/Feb/26 4:37 PM`),
/// the 24-hour form `30/Jul/18 23:33`, optional seconds, a four-digit year, or a date alone
/// (`24/Mar/26`, local midnight). Month names are English (3-letter abbreviation or full
/// name, any case). A two-digit year `yy` is 20yy, or 19yy when `yy >= 70`. The text has no
/// offset: it is read in `tz` (the exporter's profile zone, `--tz`), so the result is always
/// [`Offset::Local`] or [`Offset::LocalGap`].
pub fn parse_jira_csv_datetime(s: &str, tz: Tz) -> Result<(Ts, Offset), TimeError> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let t = s.trim();
    let bad = |why: &str| {
        format!("{why}; expected a Jira CSV date such as 15/Feb/26 4:37 PM or 30/Jul/18 23:33")
    };
    let mut words = t.split_whitespace();
    let date = words.next().ok_or_else(|| bad("empty date"))?;
    let mut parts = date.split('/');
    let (Some(d), Some(m), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("not day/month/year").into());
    };
    let day = match d.len() {
        1 | 2 => digits(d.as_bytes()).ok_or_else(|| bad("bad day"))?,
        _ => return Err(bad("bad day").into()),
    };
    let ml = m.to_lowercase();
    let month = MONTHS
        .iter()
        .position(|full| {
            *full == ml || (ml.len() == 3 && full.starts_with(&ml)) || (ml == "sept" && *full == "september")
        })
        .ok_or_else(|| {
            bad(&format!(
                "unknown month {m:?} (only English month names are read; export with an English Jira profile language)"
            ))
        })? as u32
        + 1;
    let year = match y.len() {
        2 => {
            let yy = digits(y.as_bytes()).ok_or_else(|| bad("bad year"))? as i32;
            if yy >= 70 {
                1900 + yy
            } else {
                2000 + yy
            }
        }
        4 => digits(y.as_bytes()).ok_or_else(|| bad("bad year"))? as i32,
        _ => return Err(bad("bad year").into()),
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("{t:?} is not a calendar date"))?;
    let (mut hh, mut mm, mut ss) = (0u32, 0u32, 0u32);
    if let Some(clock) = words.next() {
        let mut hms = clock.split(':');
        let h = hms.next().unwrap_or("");
        let mi = hms.next().ok_or_else(|| bad("bad time of day"))?;
        let se = hms.next();
        if hms.next().is_some() || h.is_empty() || h.len() > 2 || mi.len() != 2 {
            return Err(bad("bad time of day").into());
        }
        hh = digits(h.as_bytes()).ok_or_else(|| bad("bad hour"))?;
        mm = digits(mi.as_bytes()).ok_or_else(|| bad("bad minute"))?;
        if let Some(se) = se {
            if se.len() != 2 {
                return Err(bad("bad second").into());
            }
            ss = digits(se.as_bytes()).ok_or_else(|| bad("bad second"))?;
        }
        match words.next().map(|w| w.to_ascii_uppercase()) {
            None => {}
            Some(ampm) if ampm == "AM" || ampm == "PM" => {
                if !(1..=12).contains(&hh) {
                    return Err(bad("a 12-hour clock hour must be 1 to 12").into());
                }
                hh %= 12;
                if ampm == "PM" {
                    hh += 12;
                }
            }
            Some(_) => return Err(bad("unexpected text after the time").into()),
        }
        if words.next().is_some() {
            return Err(bad("unexpected text after the time").into());
        }
    }
    let time =
        NaiveTime::from_hms_opt(hh, mm, ss).ok_or_else(|| format!("{t:?} is not a time of day"))?;
    local_to_utc(NaiveDateTime::new(date, time), tz)
}

#[cfg(test)]
mod jira_csv_datetime_tests {
    use super::*;

    fn utc(s: &str) -> Ts {
        parse_instant(s, Tz::UTC).unwrap().0
    }

    #[test]
    fn twelve_and_twenty_four_hour_forms() {
        let p = |s| parse_jira_csv_datetime(s, Tz::UTC).unwrap();
        assert_eq!(
            p("15/Feb/26 4:37 PM"),
            (utc("2026-02-15T16:37:00Z"), Offset::Local)
        );
        assert_eq!(p("15/Feb/26 12:05 AM").0, utc("2026-02-15T00:05:00Z"));
        assert_eq!(p("15/Feb/26 12:05 PM").0, utc("2026-02-15T12:05:00Z"));
        assert_eq!(p("30/Jul/18 23:33").0, utc("2018-07-30T23:33:00Z"));
        assert_eq!(p("1/dec/2019 07:08:09").0, utc("2019-12-01T07:08:09Z"));
        assert_eq!(p("24/Mar/26").0, utc("2026-03-24T00:00:00Z"));
        assert_eq!(p("01/September/99 1:00 am").0, utc("1999-09-01T01:00:00Z"));
    }

    #[test]
    fn read_in_the_zone_with_dst() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let (ts, o) = parse_jira_csv_datetime("15/Feb/26 4:37 PM", ny).unwrap();
        assert_eq!((ts, o), (utc("2026-02-15T21:37:00Z"), Offset::Local));
        let (ts, _) = parse_jira_csv_datetime("15/Jul/26 4:37 PM", ny).unwrap();
        assert_eq!(ts, utc("2026-07-15T20:37:00Z"));
        let (_, o) = parse_jira_csv_datetime("08/Mar/26 2:30 AM", ny).unwrap();
        assert_eq!(o, Offset::LocalGap);
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "2026-02-15T16:37:00Z",
            "15/Fév/26 4:37 PM",
            "31/Feb/26 4:37 PM",
            "15/Feb/26 13:37 PM",
            "15/Feb/26 4:37 PM extra",
            "15/Feb/2026/1",
            "15/Feb/26 4",
        ] {
            assert!(parse_jira_csv_datetime(s, Tz::UTC).is_err(), "{s}");
        }
    }
}

/// Parse a JavaScript `Date.prototype.toString` rendering, as in Linear CSV exports:
/// `Thu Feb 05 2026 08:46:08 GMT+0000 (GMT)` or `… GMT+0100 (Central European Standard Time)`.
/// The parenthetical zone name is ignored; the `GMT±hhmm` (or `GMT±hh:mm`) offset decides.
/// The weekday must be a valid English abbreviation but is not checked against the date.
pub fn parse_js_date(s: &str) -> Result<Ts, TimeError> {
    let t = s.trim();
    let bad = || {
        format!(
            "{t:?} is not a JavaScript date (expected e.g. Thu Feb 05 2026 08:46:08 GMT+0000 (GMT))"
        )
    };
    let core = match t.find('(') {
        Some(i) => t.get(..i).unwrap_or(t).trim_end(),
        None => t,
    };
    let parts: Vec<&str> = core.split_whitespace().collect();
    let [wd, mon, day, year, hms, zone] = parts.as_slice() else {
        return Err(bad().into());
    };
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    if !WEEKDAYS.iter().any(|w| w.eq_ignore_ascii_case(wd)) {
        return Err(bad().into());
    }
    let naive =
        NaiveDateTime::parse_from_str(&format!("{mon} {day} {year} {hms}"), "%b %d %Y %H:%M:%S")
            .map_err(|_| bad())?;
    let off = zone
        .strip_prefix("GMT")
        .or_else(|| zone.strip_prefix("UTC"))
        .ok_or_else(bad)?;
    let secs = if off.is_empty() {
        0
    } else {
        parse_offset(off).ok_or_else(bad)?
    };
    // chrono reads signed years of any length (`-262143`): the offset must not overflow.
    let utc = naive
        .checked_sub_signed(Duration::seconds(secs as i64))
        .ok_or_else(bad)?;
    in_range(utc.and_utc().timestamp_micros(), &format_args!("{t:?}"))
}

#[cfg(test)]
mod js_date_tests {
    use super::*;

    #[test]
    fn js_dates_with_any_zone_name_and_offset_form() {
        let z = parse_instant("2026-02-05T08:46:08Z", Tz::UTC).unwrap().0;
        assert_eq!(
            parse_js_date("Thu Feb 05 2026 08:46:08 GMT+0000 (GMT)"),
            Ok(z)
        );
        assert_eq!(
            parse_js_date("Thu Feb 05 2026 08:46:08 GMT+0000 (GMT+00:00)"),
            Ok(z)
        );
        assert_eq!(
            parse_js_date(" Thu Feb 05 2026 09:46:08 GMT+0100 (Central European Standard Time)"),
            Ok(z)
        );
        assert_eq!(parse_js_date("Thu Feb 05 2026 03:46:08 GMT-05:00"), Ok(z));
        assert_eq!(parse_js_date("thu feb 05 2026 08:46:08 GMT"), Ok(z));
        assert_eq!(z, 1_770_281_168_000_000);
    }

    #[test]
    fn js_dates_reject_garbage() {
        for s in [
            "",
            "2026-02-05T08:46:08Z",
            "Thu Feb 05 2026 08:46:08",
            "Thu Feb 30 2026 08:46:08 GMT+0000 (GMT)",
            "Xyz Feb 05 2026 08:46:08 GMT+0000",
            "Thu Feb 05 2026 08:46:08 CET+0000",
            "Thu Feb 05 2026 08:46:08 GMT+2500 (GMT)",
            "Thu Feb 05 2026 25:46:08 GMT+0000 (GMT)",
        ] {
            assert!(parse_js_date(s).is_err(), "{s}");
        }
    }
}
