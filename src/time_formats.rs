//! Timestamp formats of a CSV column, decided once per column from all its values
//! (INTERFACE.md "CSV dialects"; the events CSV and any history export read through
//! `[columns]`).
//!
//! **Formats read** (leading and trailing spaces are ignored; empty values are skipped):
//!
//! | format | examples |
//! |---|---|
//! | ISO 8601 ([`time::parse_instant`]) | `2024-03-01T09:30:00Z`, `2024-03-01 09:30+01:00` |
//! | `YYYY/MM/DD` | `2014/10/22 11:15:41.000`, `2024/3/1` |
//! | `DD/MM/YYYY`, `DD.MM.YYYY`, `DD-MM-YYYY` | `13/04/2024 09:30`, `01.02.2024` |
//! | `MM/DD/YYYY` (also with `.` or `-`) | `04/13/2024 2:30 PM` |
//! | Unix epoch seconds | `1709285400` |
//! | Unix epoch milliseconds | `1709285400123` |
//! | `[columns] timestamp_format` (chrono strftime) | `%d %b %Y %H:%M` |
//!
//! ISO 8601 is `YYYY-MM-DD`, optionally followed by `T` or a space, `hh:mm[:ss[.f]]` and an
//! offset `Z`, `±hh`, `±hhmm` or `±hh:mm`; a date alone is allowed.
//!
//! The day, month and hour of the slash, dot and dash forms have one or two digits, the
//! year four. The optional time follows the date after spaces or a `T`: `hh:mm`,
//! `hh:mm:ss` or `hh:mm:ss.f` with 1 to 9 fraction digits (`.` or `,`; digits beyond
//! microseconds are dropped), and may end with `AM` or `PM` (any case, hour 1 to 12; a
//! 12-hour clock as spreadsheets write it). A second of 60 (a leap second) is read as 59.
//!
//! **Time zones.** A date alone is midnight in `--tz`. A time without an offset is read in
//! `--tz` ([`Offset::Local`], counted in a warning); in a DST gap it is moved forward by the
//! gap ([`Offset::LocalGap`]), in a DST overlap it is the earlier instant
//! ([`time::local_to_utc`]). ISO 8601 values with `Z` or `±hh[:mm]`, epoch numbers, and
//! strftime formats with an offset (`%z`, `%:z`, `%#z`) or `%s` are [`Offset::Explicit`]
//! (the slash, dot and dash forms never carry an offset). Instants outside the years 0000
//! to 9999 (in UTC) are errors.
//!
//! **Decisions**, taken once per column by [`detect`] from every non-empty value:
//!
//! - *One format per column.* A column whose values fall in two of the families ISO 8601,
//!   `YYYY/MM/DD`, `DD/MM/YYYY`-like with `/`, with `.`, with `-`, and epoch numbers is
//!   refused (the separator is part of the format: `01/02/2024` and `01.02.2024` mix).
//! - *Day first or month first* (slash, dot or dash dates): day first if some value has a
//!   first field from 13 to 31 (and a second from 1 to 12), month first if some value has a
//!   second field from 13 to 31 (and a first from 1 to 12). A column with both is refused.
//!   When no field is above 12: dotted dates (`01.02.2024`) are day first (the convention of
//!   every locale that writes dates with dots); a column whose values all have day = month
//!   (`01/01/2024`) reads the same either way and is taken as day first; any other column is
//!   ambiguous and refused. Values whose fields fit neither order (`13/13/2024`) do not vote
//!   (they are errors when read).
//! - *Epoch seconds or milliseconds* (values of digits only, no sign, no fraction): seconds
//!   below 10^11, milliseconds from 10^11 (10^11 s is the year 5138; 10^11 ms is
//!   1973-03-03). A column with values on both sides is refused. A column whose values are all
//!   below 10^8 (before 1973-03-03 as seconds) is refused as implausible: eight-digit values
//!   that are all `YYYYMMDD` dates point to `timestamp_format = "%Y%m%d"`, others (sequence
//!   numbers, years) to `"%s"` if they really are epoch seconds. Microseconds and
//!   nanoseconds since the epoch are not read (they fall outside the years 0000 to 9999 as
//!   milliseconds and are errors).
//! - *Unrecognised values* (`N/A`, `15/Feb/26`, two-digit years) do not vote: the column's
//!   format is decided from the others and each unrecognised value is then an error with its
//!   line. When they are at least half of the non-empty values the column is refused as in an
//!   unknown format.
//! - *An empty column* (no non-empty value) is ISO 8601: there is nothing to read.
//! - *`timestamp_format`* in `[columns]` skips detection: every value is read with chrono's
//!   strftime parser ([`TsFormat::strftime`] checks the format). A format without a time of
//!   day gives midnight in `--tz`.
//!
//! A refusal ([`Undecided`]) names two values of the column that show the problem and the
//! `timestamp_format` that settles it, built from those values (for example
//! `"%d/%m/%Y %H:%M"` for `13/04/2024 09:30`).
//!
//! Detection is a single pass of byte checks (no allocation per value). Parsing the detected
//! formats reads digits by hand; only [`TsFormat::Strftime`] uses chrono's parser.

use crate::model::Ts;
use crate::time::{self, Offset};
use chrono::format::{Parsed, StrftimeItems};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use std::fmt;

/// A timestamp format decided once per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TsFormat {
    /// `YYYY-MM-DD[(T| )hh:mm[:ss[.f]]]` with an optional offset: [`time::parse_instant`].
    Iso,
    /// `YYYY/MM/DD[ hh:mm[:ss[.f]]]`.
    YmdSlash,
    /// `DD<sep>MM<sep>YYYY` with an optional time; the separator is `/`, `.` or `-`.
    DayFirst(char),
    /// `MM<sep>DD<sep>YYYY` with an optional time; the separator is `/`, `.` or `-`.
    MonthFirst(char),
    /// Unix epoch seconds (digits only).
    EpochSeconds,
    /// Unix epoch milliseconds (digits only).
    EpochMillis,
    /// `[columns] timestamp_format`, chrono strftime syntax: with `%z`-like offsets or `%s`
    /// the value carries its offset, otherwise it is local time in `--tz`. Build it with
    /// [`TsFormat::strftime`], which checks the format.
    Strftime(String),
}

impl TsFormat {
    /// The format given as `[columns] timestamp_format`, checked: an empty format or an
    /// unknown `%` specifier is an error.
    pub fn strftime(fmt: &str) -> Result<TsFormat, String> {
        use chrono::format::Item;
        if fmt.trim().is_empty() {
            return Err(
                "timestamp_format is empty; write a chrono strftime format such as \
                        \"%d/%m/%Y %H:%M\""
                    .to_string(),
            );
        }
        if StrftimeItems::new(fmt).any(|item| matches!(item, Item::Error)) {
            return Err(format!(
                "timestamp_format {fmt:?} is not a chrono strftime format (see \
                 https://docs.rs/chrono/latest/chrono/format/strftime/); e.g. \"%d/%m/%Y %H:%M\""
            ));
        }
        Ok(TsFormat::Strftime(fmt.to_string()))
    }
}

impl fmt::Display for TsFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const TIME: &str = "[hh:mm[:ss[.f]]]";
        match self {
            TsFormat::Iso => write!(f, "ISO 8601 (YYYY-MM-DD[Thh:mm[:ss[.f]]][offset])"),
            TsFormat::YmdSlash => write!(f, "YYYY/MM/DD {TIME}"),
            TsFormat::DayFirst(c) => write!(f, "DD{c}MM{c}YYYY {TIME}"),
            TsFormat::MonthFirst(c) => write!(f, "MM{c}DD{c}YYYY {TIME}"),
            TsFormat::EpochSeconds => write!(f, "Unix epoch seconds"),
            TsFormat::EpochMillis => write!(f, "Unix epoch milliseconds"),
            TsFormat::Strftime(s) => write!(f, "timestamp_format {s:?}"),
        }
    }
}

/// Why a column's format could not be decided: the refusal message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecided {
    /// What is wrong and the `[columns] timestamp_format` that settles it (the caller adds
    /// the file and column name).
    pub reason: String,
    /// Two values of the column that show the problem (the same value twice when the column
    /// holds only one).
    pub examples: [String; 2],
}

impl fmt::Display for Undecided {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Epoch numbers from this value on are milliseconds (10^11 s is the year 5138).
const MILLIS_FROM: u64 = 100_000_000_000;
/// Epoch seconds below this (1973-03-03) are implausible for a whole column.
const PLAUSIBLE_SECONDS_FROM: u64 = 100_000_000;
/// 9999-12-31T23:59:59.999999Z, the last instant flowaudit reads (as in `time`).
const MAX_TS: Ts = 253_402_300_799_999_999;

/// Decide a column's format from all its values (empty ones are skipped). Accepts any
/// iterable of strings (`&[&str]`, `&Vec<String>`, an iterator over a column) so a caller
/// need not collect the column first.
pub fn detect<I>(values: I) -> Result<TsFormat, Undecided>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let mut t = Tally::new();
    for v in values {
        let v = v.as_ref().trim();
        if !v.is_empty() {
            t.add(v);
        }
    }
    t.decide()
}

/// Read one value in the column's format. `tz` is the report time zone (`--tz`) for values
/// without an offset. The error says why, for the caller to prefix with the line.
pub fn parse(fmt: &TsFormat, s: &str, tz: Tz) -> Result<(Ts, Offset), crate::time::TimeError> {
    let t = s.trim();
    let b = t.as_bytes();
    let not_this = || format!("{t:?} is not a {fmt} timestamp, the format of this column");
    let (y, m, d, rest) = match fmt {
        TsFormat::Iso => return time::parse_instant(t, tz),
        TsFormat::EpochSeconds => return parse_epoch(t, 1_000_000, fmt),
        TsFormat::EpochMillis => return parse_epoch(t, 1_000, fmt),
        TsFormat::Strftime(f) => return parse_strftime(f, t, tz),
        TsFormat::YmdSlash => ymd_slash(b).ok_or_else(not_this)?,
        TsFormat::DayFirst(sep) => match dmy(b) {
            Some(f) if u32::from(f.sep) == u32::from(*sep) => (f.year, f.second, f.first, f.rest),
            _ => return Err(not_this().into()),
        },
        TsFormat::MonthFirst(sep) => match dmy(b) {
            Some(f) if u32::from(f.sep) == u32::from(*sep) => (f.year, f.first, f.second, f.rest),
            _ => return Err(not_this().into()),
        },
    };
    let (hh, mm, ss, nanos) = time_of_day(b, rest).map_err(|why| format!("{t:?}: {why}"))?;
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)
        .ok_or_else(|| format!("{t:?} is not a calendar date (read as {fmt})"))?;
    let time = NaiveTime::from_hms_nano_opt(hh, mm, ss, nanos)
        .ok_or_else(|| format!("{t:?} is not a time of day"))?;
    time::local_to_utc(NaiveDateTime::new(date, time), tz)
}

/// Unix epoch digits times `unit` microseconds.
fn parse_epoch(t: &str, unit: i64, fmt: &TsFormat) -> Result<(Ts, Offset), crate::time::TimeError> {
    let b = t.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return Err(format!("{t:?} is not a number of {fmt}, the format of this column").into());
    }
    let out_of_range = || {
        format!(
            "{t:?} as {fmt} is after the year 9999 that flowaudit reads (epoch microseconds \
             and nanoseconds are not read: convert them to seconds or milliseconds)"
        )
    };
    let mut n: i64 = 0;
    for &c in b {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(i64::from(c - b'0')))
            .ok_or_else(out_of_range)?;
    }
    match n.checked_mul(unit) {
        Some(ts) if ts <= MAX_TS => Ok((ts, Offset::Explicit)),
        _ => Err(out_of_range().into()),
    }
}

/// Read with chrono's strftime parser: an offset (or `%s`) in the value makes it explicit;
/// otherwise it is local in `tz`, midnight when the format has no time of day.
fn parse_strftime(f: &str, t: &str, tz: Tz) -> Result<(Ts, Offset), crate::time::TimeError> {
    let bad = |e: chrono::ParseError| format!("{t:?} does not match timestamp_format {f:?} ({e})");
    let mut p = Parsed::new();
    chrono::format::parse(&mut p, t, StrftimeItems::new(f)).map_err(bad)?;
    if p.offset().is_some() || p.timestamp().is_some() {
        let utc = p.to_datetime().map_err(bad)?.naive_utc();
        // Reading the UTC wall time in UTC checks the year range.
        let (ts, _) = time::local_to_utc(utc, Tz::UTC)?;
        return Ok((ts, Offset::Explicit));
    }
    let no_time = p.hour_div_12().is_none()
        && p.hour_mod_12().is_none()
        && p.minute().is_none()
        && p.second().is_none();
    let naive = if no_time {
        p.to_naive_date().map_err(bad)?.and_time(NaiveTime::MIN)
    } else {
        p.to_naive_datetime_with_offset(0).map_err(bad)?
    };
    time::local_to_utc(naive, tz)
}

// ---------------------------------------------------------------------------------------
// Byte-level reading shared by detection and parsing.

/// 1 to `max` digits at `*i` (at least `min`), advancing `*i`. `max` ≤ 9.
fn num(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<u32> {
    let start = *i;
    let mut n = 0u32;
    while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
        n = n * 10 + u32::from(b[*i] - b'0');
        *i += 1;
    }
    (*i - start >= min).then_some(n)
}

/// The date ends the value or is followed by spaces or `T` (the time).
fn date_ends(b: &[u8], i: usize) -> bool {
    i == b.len() || matches!(b[i], b' ' | b'T' | b't')
}

/// `YYYY/M/D` (one or two digits for month and day): year, month, day and where the rest
/// begins.
fn ymd_slash(b: &[u8]) -> Option<(u32, u32, u32, usize)> {
    let mut i = 0;
    let y = num(b, &mut i, 4, 4)?;
    if b.get(i) != Some(&b'/') {
        return None;
    }
    i += 1;
    let m = num(b, &mut i, 1, 2)?;
    if b.get(i) != Some(&b'/') {
        return None;
    }
    i += 1;
    let d = num(b, &mut i, 1, 2)?;
    date_ends(b, i).then_some((y, m, d, i))
}

/// The fields of `A<sep>B<sep>YYYY` (one or two digits for A and B).
struct Dmy {
    first: u32,
    second: u32,
    year: u32,
    sep: u8,
    rest: usize,
}

fn dmy(b: &[u8]) -> Option<Dmy> {
    let mut i = 0;
    let first = num(b, &mut i, 1, 2)?;
    let sep = *b.get(i).filter(|c| matches!(c, b'/' | b'.' | b'-'))?;
    i += 1;
    let second = num(b, &mut i, 1, 2)?;
    if b.get(i) != Some(&sep) {
        return None;
    }
    i += 1;
    let year = num(b, &mut i, 4, 4)?;
    date_ends(b, i).then_some(Dmy {
        first,
        second,
        year,
        sep,
        rest: i,
    })
}

/// The time after a date at `i`: nothing (midnight), or spaces or `T`, then
/// `h[h]:mm[:ss[(.|,)f{1,9}]]` and an optional `AM`/`PM`. Hour, minute, second, nanosecond.
fn time_of_day(b: &[u8], mut i: usize) -> Result<(u32, u32, u32, u32), &'static str> {
    const BAD: &str = "expected a time of day hh:mm[:ss[.f]] after the date";
    if i == b.len() {
        return Ok((0, 0, 0, 0));
    }
    if matches!(b[i], b'T' | b't') {
        i += 1;
    } else {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    let mut hh = num(b, &mut i, 1, 2).ok_or(BAD)?;
    if b.get(i) != Some(&b':') {
        return Err(BAD);
    }
    i += 1;
    let mm = num(b, &mut i, 2, 2).ok_or(BAD)?;
    let (mut ss, mut nanos) = (0, 0);
    if b.get(i) == Some(&b':') {
        i += 1;
        ss = num(b, &mut i, 2, 2).ok_or(BAD)?;
        if matches!(b.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let frac = &b[start..i];
            if frac.is_empty() || frac.len() > 9 {
                return Err("a fraction of a second needs 1 to 9 digits");
            }
            nanos = frac.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0'));
            for _ in frac.len()..9 {
                nanos *= 10;
            }
        }
    }
    let mut j = i;
    while b.get(j) == Some(&b' ') {
        j += 1;
    }
    if j + 2 == b.len() && matches!(b[j] | 0x20, b'a' | b'p') && b[j + 1] | 0x20 == b'm' {
        if !(1..=12).contains(&hh) {
            return Err("a 12-hour clock hour (AM/PM) must be 1 to 12");
        }
        hh = hh % 12 + if b[j] | 0x20 == b'p' { 12 } else { 0 };
        i = b.len();
    }
    if i != b.len() {
        return Err("unexpected text after the time of day");
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return Err("not a time of day");
    }
    Ok((hh, mm, ss.min(59), nanos))
}

// ---------------------------------------------------------------------------------------
// Detection.

/// The format families a value can belong to; a column holds one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Iso,
    YmdSlash,
    Dmy(u8),
    Epoch,
}

const FAMILIES: [Family; 6] = [
    Family::Iso,
    Family::YmdSlash,
    Family::Dmy(b'/'),
    Family::Dmy(b'.'),
    Family::Dmy(b'-'),
    Family::Epoch,
];

impl Family {
    fn index(self) -> usize {
        match self {
            Family::Iso => 0,
            Family::YmdSlash => 1,
            Family::Dmy(b'/') => 2,
            Family::Dmy(b'.') => 3,
            Family::Dmy(_) => 4,
            Family::Epoch => 5,
        }
    }

    fn describe(self) -> String {
        match self {
            Family::Iso => "ISO 8601 dates (YYYY-MM-DD)".into(),
            Family::YmdSlash => "YYYY/MM/DD dates".into(),
            Family::Dmy(b'.') => "DD.MM.YYYY dates".into(),
            Family::Dmy(s) => {
                let c = char::from(s);
                format!("DD{c}MM{c}YYYY or MM{c}DD{c}YYYY dates")
            }
            Family::Epoch => "Unix epoch numbers".into(),
        }
    }
}

/// How many values had a property, and the first two distinct ones.
#[derive(Default)]
struct Seen {
    count: usize,
    ex: [Option<String>; 2],
}

impl Seen {
    fn note(&mut self, v: &str) {
        self.count += 1;
        match &self.ex {
            [None, _] => self.ex[0] = Some(v.to_string()),
            [Some(a), None] if a != v => self.ex[1] = Some(v.to_string()),
            _ => {}
        }
    }

    fn first(&self) -> String {
        self.ex[0].clone().unwrap_or_default()
    }

    /// The two examples (the first twice when there is only one).
    fn pair(&self) -> [String; 2] {
        let a = self.first();
        let b = self.ex[1].clone().unwrap_or_else(|| a.clone());
        [a, b]
    }
}

struct Tally {
    families: [Seen; 6],
    other: Seen,
    /// Slash, dot or dash dates readable only day first / only month first / both ways
    /// with a different result.
    day_first: Seen,
    month_first: Seen,
    either: Seen,
    /// Epoch numbers below / from [`MILLIS_FROM`].
    small: Seen,
    large: Seen,
    max_epoch: u64,
    /// Every epoch number so far is eight digits forming a `YYYYMMDD` date.
    all_yyyymmdd: bool,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            families: Default::default(),
            other: Seen::default(),
            day_first: Seen::default(),
            month_first: Seen::default(),
            either: Seen::default(),
            small: Seen::default(),
            large: Seen::default(),
            max_epoch: 0,
            all_yyyymmdd: true,
        }
    }

    fn add(&mut self, v: &str) {
        let b = v.as_bytes();
        let digit = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let family = if b.len() >= 10
            && b[4] == b'-'
            && b[7] == b'-'
            && digit(0..4)
            && digit(5..7)
            && digit(8..10)
        {
            Family::Iso
        } else if b.iter().all(u8::is_ascii_digit) {
            let n = b.iter().fold(0u64, |n, c| {
                n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
            });
            self.max_epoch = self.max_epoch.max(n);
            if n >= MILLIS_FROM {
                self.large.note(v);
            } else {
                self.small.note(v);
            }
            let (m, d) = ((n / 100) % 100, n % 100);
            if b.len() != 8 || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
                self.all_yyyymmdd = false;
            }
            Family::Epoch
        } else if ymd_slash(b).is_some() {
            Family::YmdSlash
        } else if let Some(f) = dmy(b) {
            let (a, c) = (f.first, f.second);
            if (13..=31).contains(&a) && (1..=12).contains(&c) {
                self.day_first.note(v);
            } else if (13..=31).contains(&c) && (1..=12).contains(&a) {
                self.month_first.note(v);
            } else if a != c && (1..=12).contains(&a) && (1..=12).contains(&c) {
                self.either.note(v);
            }
            Family::Dmy(f.sep)
        } else {
            self.other.note(v);
            return;
        };
        self.families[family.index()].note(v);
    }

    fn decide(self) -> Result<TsFormat, Undecided> {
        let known: usize = self.families.iter().map(|s| s.count).sum();
        if self.other.count > 0 && self.other.count >= known {
            let which = if known == 0 {
                "no value is".to_string()
            } else {
                format!(
                    "most values ({} of {}) are not",
                    self.other.count,
                    self.other.count + known
                )
            };
            return Err(Undecided {
                reason: format!(
                    "{which} in a timestamp format flowaudit recognises (e.g. {:?} and {:?}; it \
                     reads ISO 8601, YYYY/MM/DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY and Unix \
                     epoch seconds or milliseconds); set [columns] timestamp_format in the config \
                     to the column's chrono strftime format, e.g. \"%d %b %Y %H:%M\" for \
                     \"05 Mar 2024 14:30\"",
                    self.other.ex[0].as_deref().unwrap_or_default(),
                    self.other.pair()[1]
                ),
                examples: self.other.pair(),
            });
        }
        let mut present: Vec<Family> = FAMILIES
            .into_iter()
            .filter(|f| self.families[f.index()].count > 0)
            .collect();
        // Most values first (stable: ties keep the order of FAMILIES).
        present.sort_by_key(|f| std::cmp::Reverse(self.families[f.index()].count));
        match present.as_slice() {
            [] => Ok(TsFormat::Iso),
            [only] => self.decide_family(*only),
            [major, minor, ..] => {
                let (a, b) = (&self.families[major.index()], &self.families[minor.index()]);
                let (ea, eb) = (a.first(), b.first());
                let more = if present.len() > 2 {
                    " and other formats"
                } else {
                    ""
                };
                let fix = match self.suggest(*major, &ea) {
                    Some(s) => format!(
                        "or set [columns] {s} in the config to read every value as {} (the \
                         others are then reported with their line)",
                        major.describe()
                    ),
                    None => "as epoch milliseconds have no strftime form".to_string(),
                };
                Err(Undecided {
                    reason: format!(
                        "the column mixes {} (e.g. {ea:?}) and {} (e.g. {eb:?}){more}; a column \
                         holds one format: fix {} like {eb:?}, {fix}",
                        major.describe(),
                        minor.describe(),
                        if b.count == 1 {
                            "the value".to_string()
                        } else {
                            format!("the {} values", b.count)
                        }
                    ),
                    examples: [ea, eb],
                })
            }
        }
    }

    /// The format of a column whose recognised values are all in `family`.
    fn decide_family(&self, family: Family) -> Result<TsFormat, Undecided> {
        match family {
            Family::Iso => Ok(TsFormat::Iso),
            Family::YmdSlash => Ok(TsFormat::YmdSlash),
            Family::Dmy(sep) => {
                let c = char::from(sep);
                match (self.day_first.count > 0, self.month_first.count > 0) {
                    (true, false) => Ok(TsFormat::DayFirst(c)),
                    (false, true) => Ok(TsFormat::MonthFirst(c)),
                    (true, true) => {
                        let (d, m) = (self.day_first.first(), self.month_first.first());
                        Err(Undecided {
                            reason: format!(
                                "the column mixes day-first and month-first dates (e.g. {d:?} \
                                 has a day above 12 first, {m:?} second); set [columns] {} in \
                                 the config and fix the values in the other order",
                                dmy_suggestion(sep, &d, None)
                            ),
                            examples: [d, m],
                        })
                    }
                    (false, false) if sep == b'.' || self.either.count == 0 => {
                        Ok(TsFormat::DayFirst(c))
                    }
                    (false, false) => {
                        let first = self.either.first();
                        let second = match &self.either.ex[1] {
                            Some(s) => s.clone(),
                            None => self.families[family.index()]
                                .ex
                                .iter()
                                .flatten()
                                .find(|s| **s != first)
                                .cloned()
                                .unwrap_or_else(|| first.clone()),
                        };
                        Err(Undecided {
                            reason: format!(
                                "the column's dates read day first or month first: no day is \
                                 above 12 (e.g. {first:?} and {second:?}); set [columns] {} in \
                                 the config",
                                dmy_suggestion(sep, &first, None)
                            ),
                            examples: [first, second],
                        })
                    }
                }
            }
            Family::Epoch => {
                if self.small.count > 0 && self.large.count > 0 {
                    let (s, l) = (self.small.first(), self.large.first());
                    return Err(Undecided {
                        reason: format!(
                            "the column mixes Unix epoch seconds and milliseconds (e.g. {s:?} \
                             and {l:?}); convert the values to one unit, or set [columns] \
                             timestamp_format = \"%s\" in the config to read them as seconds \
                             (the others are then reported with their line)"
                        ),
                        examples: [s, l],
                    });
                }
                if self.large.count > 0 {
                    return Ok(TsFormat::EpochMillis);
                }
                if self.max_epoch >= PLAUSIBLE_SECONDS_FROM {
                    return Ok(TsFormat::EpochSeconds);
                }
                let examples = self.small.pair();
                let reason = if self.all_yyyymmdd {
                    format!(
                        "the column's numbers look like YYYYMMDD dates, or Unix epoch seconds \
                         before 1973-03-03 (e.g. {:?} and {:?}); set [columns] \
                         timestamp_format = \"%Y%m%d\" in the config (or timestamp_format = \
                         \"%s\" for epoch seconds)",
                        examples[0], examples[1]
                    )
                } else {
                    format!(
                        "the column's numbers are too small for Unix epoch seconds or \
                         milliseconds of recent dates (all before 1973-03-03, e.g. {:?} and \
                         {:?}); if they are epoch seconds, set [columns] timestamp_format = \
                         \"%s\" in the config",
                        examples[0], examples[1]
                    )
                };
                Err(Undecided { reason, examples })
            }
        }
    }

    /// `timestamp_format = "…"` reading `example` as `family` (None for epoch milliseconds).
    fn suggest(&self, family: Family, example: &str) -> Option<String> {
        let b = example.as_bytes();
        Some(match family {
            Family::Iso => format!("timestamp_format = \"%Y-%m-%d{}\"", time_suggestion(b, 10)),
            Family::YmdSlash => {
                let rest = ymd_slash(b).map_or(b.len(), |f| f.3);
                format!(
                    "timestamp_format = \"%Y/%m/%d{}\"",
                    time_suggestion(b, rest)
                )
            }
            Family::Dmy(sep) => {
                let order = match (self.day_first.count > 0, self.month_first.count > 0) {
                    (false, true) => Some(false),
                    (true, false) => Some(true),
                    _ if sep == b'.' => Some(true),
                    _ => None,
                };
                dmy_suggestion(sep, example, order)
            }
            Family::Epoch if self.large.count > self.small.count => return None,
            Family::Epoch => "timestamp_format = \"%s\"".to_string(),
        })
    }
}

/// `timestamp_format = "%d/%m/%Y …"` for a slash, dot or dash date like `example`: day
/// first, month first, or (None) both as alternatives.
fn dmy_suggestion(sep: u8, example: &str, day_first: Option<bool>) -> String {
    let b = example.as_bytes();
    let t = time_suggestion(b, dmy(b).map_or(b.len(), |f| f.rest));
    let c = char::from(sep);
    let day = format!("\"%d{c}%m{c}%Y{t}\"");
    let month = format!("\"%m{c}%d{c}%Y{t}\"");
    match day_first {
        Some(true) => format!("timestamp_format = {day}"),
        Some(false) => format!("timestamp_format = {month}"),
        None => format!("timestamp_format = {day} (day first) or {month} (month first)"),
    }
}

/// The strftime of the time (and offset) after a date at `rest` in `b`: `""`,
/// `" %H:%M"`, `"T%H:%M:%S%.f%#z"`, `" %I:%M %p"` …
fn time_suggestion(b: &[u8], rest: usize) -> String {
    let Some(tail) = b.get(rest..).filter(|t| !t.is_empty()) else {
        return String::new();
    };
    let mut s = String::from(if matches!(tail[0], b'T' | b't') {
        "T"
    } else {
        " "
    });
    let start = tail
        .iter()
        .position(u8::is_ascii_digit)
        .unwrap_or(tail.len());
    let len = tail[start..]
        .iter()
        .position(|c| !(c.is_ascii_digit() || matches!(c, b':' | b'.' | b',')))
        .unwrap_or(tail.len() - start);
    let clock = &tail[start..start + len];
    let after = std::str::from_utf8(&tail[start + len..]).unwrap_or_default();
    let ampm = matches!(after.trim().to_ascii_lowercase().as_str(), "am" | "pm");
    s.push_str(if ampm { "%I:%M" } else { "%H:%M" });
    if clock.iter().filter(|c| **c == b':').count() >= 2 {
        s.push_str(":%S");
        if clock.contains(&b'.') {
            s.push_str("%.f");
        }
    }
    if ampm {
        s.push_str(" %p");
    } else if after.trim_start().starts_with(['Z', 'z', '+', '-']) {
        s.push_str(if after.starts_with(' ') {
            " %#z"
        } else {
            "%#z"
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone};

    const PARIS: Tz = chrono_tz::Europe::Paris;
    const AMSTERDAM: Tz = chrono_tz::Europe::Amsterdam;
    const UTC: Tz = chrono_tz::UTC;

    /// The instant of an RFC 3339 text, by chrono (independent of `time::parse_instant`).
    fn at(rfc3339: &str) -> Ts {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
            .timestamp_micros()
    }

    fn p(fmt: &TsFormat, s: &str, tz: Tz) -> (Ts, Offset) {
        parse(fmt, s, tz).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn refused(values: &[&str]) -> Undecided {
        match detect(values) {
            Err(u) => u,
            Ok(f) => panic!("{values:?} decided as {f:?}"),
        }
    }

    /// Every `timestamp_format = "…"` a refusal suggests.
    fn suggested(u: &Undecided) -> Vec<TsFormat> {
        u.reason
            .split("timestamp_format = \"")
            .skip(1)
            .chain(u.reason.split("\" (day first) or \"").skip(1))
            .map(|s| TsFormat::strftime(&s[..s.find('"').unwrap_or(s.len())]).unwrap())
            .collect()
    }

    #[test]
    fn iso_is_detected_and_read_by_parse_instant() {
        let values = [
            "2024-03-01T10:00:00Z",
            "2024-03-01 11:00:00+01:00",
            "2024-03-02",
        ];
        let f = detect(&values).unwrap();
        assert_eq!(f, TsFormat::Iso);
        // 2024-03-01T10:00:00Z, twice.
        assert_eq!(
            p(&f, values[0], PARIS),
            (at("2024-03-01T10:00:00Z"), Offset::Explicit)
        );
        assert_eq!(
            p(&f, values[1], PARIS),
            (at("2024-03-01T10:00:00Z"), Offset::Explicit)
        );
        // A date alone: midnight in Paris, 2024-03-01T23:00:00Z.
        assert_eq!(
            p(&f, values[2], PARIS),
            (at("2024-03-01T23:00:00Z"), Offset::Local)
        );
    }

    #[test]
    fn ymd_slash_with_a_millisecond_fraction() {
        let values = ["2014/10/22 11:15:41.000", "2014/10/23", " 2014/1/5 9:05 "];
        let f = detect(&values).unwrap();
        assert_eq!(f, TsFormat::YmdSlash);
        // In UTC: 2014-10-22T11:15:41Z.
        assert_eq!(
            p(&f, values[0], UTC),
            (at("2014-10-22T11:15:41Z"), Offset::Local)
        );
        // In Amsterdam (CEST, +02:00 until 2014-10-26): 2014-10-22T09:15:41Z.
        assert_eq!(
            p(&f, values[0], AMSTERDAM),
            (at("2014-10-22T09:15:41Z"), Offset::Local)
        );
        // A date alone, local midnight in Amsterdam: 2014-10-22T22:00:00Z.
        assert_eq!(p(&f, values[1], AMSTERDAM).0, at("2014-10-22T22:00:00Z"));
        // One-digit month, day and hour: 2014-01-05T09:05:00Z.
        assert_eq!(p(&f, values[2], UTC).0, at("2014-01-05T09:05:00Z"));
    }

    #[test]
    fn fractions_of_zero_to_nine_digits() {
        let f = TsFormat::YmdSlash;
        let base = at("2014-10-22T11:15:41Z");
        assert_eq!(p(&f, "2014/10/22 11:15:41", UTC).0, base);
        assert_eq!(p(&f, "2014/10/22 11:15:41.5", UTC).0, base + 500_000);
        assert_eq!(p(&f, "2014/10/22 11:15:41,25", UTC).0, base + 250_000);
        // 2014-10-22T11:15:41.123456Z: digits beyond microseconds are dropped.
        assert_eq!(
            p(&f, "2014/10/22 11:15:41.123456789", UTC).0,
            base + 123_456
        );
        assert!(parse(&f, "2014/10/22 11:15:41.1234567890", UTC).is_err());
        assert!(parse(&f, "2014/10/22 11:15:41.", UTC).is_err());
        // A leap second is read as second 59.
        assert_eq!(p(&f, "2014/10/22 11:15:60", UTC).0, base + 18_000_000);
    }

    #[test]
    fn day_first_is_recognised_by_a_first_field_above_12() {
        let values = ["03/04/2024 10:00", "13/04/2024 09:30", "", "  "];
        let f = detect(&values).unwrap();
        assert_eq!(f, TsFormat::DayFirst('/'));
        // 3 April: 2024-04-03T10:00:00Z.
        assert_eq!(
            p(&f, values[0], UTC),
            (at("2024-04-03T10:00:00Z"), Offset::Local)
        );
        // 2024-04-13T09:30:00Z.
        assert_eq!(p(&f, values[1], UTC).0, at("2024-04-13T09:30:00Z"));
        // Seconds and a fraction: 2024-04-03T10:00:05.250Z.
        assert_eq!(
            p(&f, "03/04/2024 10:00:05.25", UTC).0,
            at("2024-04-03T10:00:05.250Z")
        );
        // Also with dashes, and with a T before the time.
        let f = detect(&["13-01-2024", "01-02-2024T08:00"]).unwrap();
        assert_eq!(f, TsFormat::DayFirst('-'));
        // 2024-02-01T08:00:00Z.
        assert_eq!(p(&f, "01-02-2024T08:00", UTC).0, at("2024-02-01T08:00:00Z"));
    }

    #[test]
    fn month_first_is_recognised_by_a_second_field_above_12() {
        let values = ["03/04/2024", "04/13/2024 2:30 PM", "4/15/2024 12:05:09 am"];
        let f = detect(&values).unwrap();
        assert_eq!(f, TsFormat::MonthFirst('/'));
        // 4 March, midnight: 2024-03-04T00:00:00Z.
        assert_eq!(
            p(&f, values[0], UTC),
            (at("2024-03-04T00:00:00Z"), Offset::Local)
        );
        // 2024-04-13T14:30:00Z.
        assert_eq!(p(&f, values[1], UTC).0, at("2024-04-13T14:30:00Z"));
        // 12 AM is midnight: 2024-04-15T00:05:09Z.
        assert_eq!(p(&f, values[2], UTC).0, at("2024-04-15T00:05:09Z"));
        assert_eq!(
            p(&f, "04/13/2024 12:00 PM", UTC).0,
            at("2024-04-13T12:00:00Z")
        );
        assert!(parse(&f, "04/13/2024 13:00 PM", UTC).is_err());
        assert!(parse(&f, "04/13/2024 0:30 AM", UTC).is_err());
    }

    #[test]
    fn dotted_dates_are_day_first_without_a_field_above_12() {
        let f = detect(&["01.02.2024 08:00", "03.04.2024"]).unwrap();
        assert_eq!(f, TsFormat::DayFirst('.'));
        // 1 February: 2024-02-01T08:00:00Z.
        assert_eq!(p(&f, "01.02.2024 08:00", UTC).0, at("2024-02-01T08:00:00Z"));
        // Unless a second field says otherwise.
        assert_eq!(
            detect(&["01.02.2024", "02.13.2024"]),
            Ok(TsFormat::MonthFirst('.'))
        );
    }

    #[test]
    fn equal_day_and_month_read_the_same_either_way() {
        assert_eq!(
            detect(&["01/01/2024", "02/02/2024 10:00"]),
            Ok(TsFormat::DayFirst('/'))
        );
    }

    #[test]
    fn ambiguous_order_is_refused_with_two_examples_and_the_setting() {
        let u = refused(&["01/01/2024", "03/04/2024", "05/06/2024 10:00", "07/08/2024"]);
        assert_eq!(
            u.examples,
            ["03/04/2024".to_string(), "05/06/2024 10:00".to_string()]
        );
        assert!(
            u.reason.contains("day first or month first"),
            "{}",
            u.reason
        );
        assert!(u.reason.contains("\"03/04/2024\""), "{}", u.reason);
        assert!(
            u.reason.contains(
                "set [columns] timestamp_format = \"%d/%m/%Y\" (day first) or \"%m/%d/%Y\" \
                 (month first) in the config"
            ),
            "{}",
            u.reason
        );
        let sugg = suggested(&u);
        assert_eq!(sugg.len(), 2);
        // Day first: 3 April, 2024-04-03T00:00:00Z; month first: 2024-03-04T00:00:00Z.
        assert_eq!(p(&sugg[0], "03/04/2024", UTC).0, at("2024-04-03T00:00:00Z"));
        assert_eq!(p(&sugg[1], "03/04/2024", UTC).0, at("2024-03-04T00:00:00Z"));
        // Only one ambiguous value: the other example is another value of the column.
        let u = refused(&["01/01/2024 10:00", "03/04/2024 10:00"]);
        assert_eq!(
            u.examples,
            [
                "03/04/2024 10:00".to_string(),
                "01/01/2024 10:00".to_string()
            ]
        );
        assert!(
            u.reason.contains("\"%d/%m/%Y %H:%M\" (day first)"),
            "{}",
            u.reason
        );
        // Dashes are ambiguous too.
        let u = refused(&["03-04-2024"]);
        assert_eq!(
            u.examples,
            ["03-04-2024".to_string(), "03-04-2024".to_string()]
        );
    }

    #[test]
    fn day_first_and_month_first_in_one_column_are_refused() {
        let u = refused(&[
            "03/04/2024",
            "13/04/2024 09:30:00",
            "04/14/2024",
            "13/13/2024",
        ]);
        assert_eq!(
            u.examples,
            ["13/04/2024 09:30:00".to_string(), "04/14/2024".to_string()]
        );
        assert!(
            u.reason.contains("mixes day-first and month-first"),
            "{}",
            u.reason
        );
        assert!(
            u.reason.contains(
                "set [columns] timestamp_format = \"%d/%m/%Y %H:%M:%S\" (day first) or \
                 \"%m/%d/%Y %H:%M:%S\" (month first)"
            ),
            "{}",
            u.reason
        );
        // 2024-04-13T09:30:00Z, by the day-first suggestion.
        assert_eq!(
            p(&suggested(&u)[0], &u.examples[0], UTC).0,
            at("2024-04-13T09:30:00Z")
        );
    }

    #[test]
    fn mixed_formats_are_refused() {
        let u = refused(&["2024-03-01T10:00:00Z", "2024-03-02T10:00:00Z", "13/04/2024"]);
        assert_eq!(
            u.examples,
            ["2024-03-01T10:00:00Z".to_string(), "13/04/2024".to_string()]
        );
        assert!(
            u.reason.starts_with("the column mixes ISO 8601"),
            "{}",
            u.reason
        );
        assert!(
            u.reason.contains("fix the value like \"13/04/2024\""),
            "{}",
            u.reason
        );
        let sugg = suggested(&u);
        assert_eq!(sugg, [TsFormat::Strftime("%Y-%m-%dT%H:%M:%S%#z".into())]);
        // 2024-03-01T10:00:00Z.
        assert_eq!(
            p(&sugg[0], "2024-03-01T10:00:00Z", PARIS),
            (at("2024-03-01T10:00:00Z"), Offset::Explicit)
        );
        // Slashes and dots are different formats; so are dates and epoch numbers.
        let u = refused(&["13/04/2024", "13.04.2024", "14.04.2024"]);
        assert_eq!(
            u.examples,
            ["13.04.2024".to_string(), "13/04/2024".to_string()]
        );
        assert!(
            u.reason.contains("timestamp_format = \"%d.%m.%Y\""),
            "{}",
            u.reason
        );
        let u = refused(&["1709285400", "2024/03/01", "1709285401"]);
        assert_eq!(
            u.examples,
            ["1709285400".to_string(), "2024/03/01".to_string()]
        );
        assert!(
            u.reason.contains("timestamp_format = \"%s\""),
            "{}",
            u.reason
        );
        let u = refused(&["1709285400000", "2024/03/01 10:00", "1709285400001"]);
        assert!(u.reason.contains("no strftime form"), "{}", u.reason);
        let u = refused(&[
            "2024/03/01 10:00",
            "2024/03/02 10:00",
            "2024-03-01",
            "01/03/2024",
        ]);
        assert!(u.reason.contains("and other formats"), "{}", u.reason);
        assert!(
            u.reason.contains("timestamp_format = \"%Y/%m/%d %H:%M\""),
            "{}",
            u.reason
        );
    }

    #[test]
    fn epoch_seconds_and_milliseconds_by_magnitude() {
        let f = detect(&["1709285400", "1709289000"]).unwrap();
        assert_eq!(f, TsFormat::EpochSeconds);
        // 2024-03-01T09:30:00Z, whatever the zone.
        assert_eq!(
            p(&f, "1709285400", PARIS),
            (at("2024-03-01T09:30:00Z"), Offset::Explicit)
        );
        let f = detect(&["1709285400123", "1709289000000"]).unwrap();
        assert_eq!(f, TsFormat::EpochMillis);
        // 2024-03-01T09:30:00.123Z.
        assert_eq!(
            p(&f, "1709285400123", PARIS),
            (at("2024-03-01T09:30:00.123Z"), Offset::Explicit)
        );
        // The largest instant read: 9999-12-31T23:59:59Z; one second later is refused.
        let s = TsFormat::EpochSeconds;
        assert_eq!(p(&s, "253402300799", UTC).0, at("9999-12-31T23:59:59Z"));
        assert!(parse(&s, "253402300800", UTC).is_err());
        assert!(parse(&f, "99999999999999999999999", UTC).is_err());
        assert!(parse(&f, "-1709285400123", UTC).is_err());
        assert!(parse(&s, "1709285400.5", UTC).is_err());
    }

    #[test]
    fn epoch_columns_that_mix_units_or_are_implausible_are_refused() {
        let u = refused(&["1709285400", "1709285400000"]);
        assert_eq!(
            u.examples,
            ["1709285400".to_string(), "1709285400000".to_string()]
        );
        assert!(
            u.reason
                .contains("mixes Unix epoch seconds and milliseconds"),
            "{}",
            u.reason
        );
        let u = refused(&["20240301", "20240302", "20240301"]);
        assert_eq!(u.examples, ["20240301".to_string(), "20240302".to_string()]);
        assert!(
            u.reason.contains("timestamp_format = \"%Y%m%d\""),
            "{}",
            u.reason
        );
        let sugg = suggested(&u);
        // A date alone in Paris: 2024-02-29T23:00:00Z.
        assert_eq!(
            p(&sugg[0], "20240301", PARIS),
            (at("2024-02-29T23:00:00Z"), Offset::Local)
        );
        // %s: 1970-01-01T00:00:17Z.
        assert_eq!(
            p(&sugg[1], "17", PARIS),
            (at("1970-01-01T00:00:17Z"), Offset::Explicit)
        );
        let u = refused(&["17", "2024"]);
        assert!(u.reason.contains("too small"), "{}", u.reason);
        assert_eq!(u.examples, ["17".to_string(), "2024".to_string()]);
        // Eight digits among larger epoch seconds are seconds.
        assert_eq!(
            detect(&["20240301", "1709285400"]),
            Ok(TsFormat::EpochSeconds)
        );
    }

    #[test]
    fn dst_gap_and_overlap() {
        let f = TsFormat::DayFirst('/');
        // 02:30 does not exist on 2024-03-31 in Paris: read at +01:00, 2024-03-31T01:30:00Z.
        assert_eq!(
            p(&f, "31/03/2024 02:30", PARIS),
            (at("2024-03-31T01:30:00Z"), Offset::LocalGap)
        );
        // 02:30 happens twice on 2024-10-27: the earlier, 2024-10-27T00:30:00Z (+02:00).
        assert_eq!(
            p(&f, "27/10/2024 02:30", PARIS),
            (at("2024-10-27T00:30:00Z"), Offset::Local)
        );
        let s = TsFormat::strftime("%d %b %Y %H:%M").unwrap();
        assert_eq!(
            p(&s, "31 Mar 2024 02:30", PARIS),
            (at("2024-03-31T01:30:00Z"), Offset::LocalGap)
        );
    }

    #[test]
    fn a_date_alone_is_local_midnight() {
        // 2024-01-14T23:00:00Z (+01:00) and 2024-06-30T22:00:00Z (+02:00).
        let (d, y) = (TsFormat::DayFirst('/'), TsFormat::YmdSlash);
        assert_eq!(
            p(&d, "15/01/2024", PARIS),
            (at("2024-01-14T23:00:00Z"), Offset::Local)
        );
        assert_eq!(
            p(&y, "2024/07/01", PARIS),
            (at("2024-06-30T22:00:00Z"), Offset::Local)
        );
        let m = TsFormat::MonthFirst('.');
        assert_eq!(p(&m, "7.1.2024", PARIS).0, at("2024-06-30T22:00:00Z"));
        // Midnight in a DST gap (Santiago, 2022-09-11 00:00 does not exist): LocalGap.
        let santiago = chrono_tz::America::Santiago;
        assert_eq!(p(&d, "11/09/2022", santiago).1, Offset::LocalGap);
    }

    #[test]
    fn strftime_without_and_with_an_offset() {
        let f = TsFormat::strftime("%d %b %Y %H:%M").unwrap();
        // 14:30 in Paris (+01:00): 2024-03-05T13:30:00Z.
        assert_eq!(
            p(&f, "05 Mar 2024 14:30", PARIS),
            (at("2024-03-05T13:30:00Z"), Offset::Local)
        );
        let f = TsFormat::strftime("%d/%m/%Y %H:%M %z").unwrap();
        // The offset decides, not the zone: 2024-03-05T13:30:00Z.
        assert_eq!(
            p(&f, "05/03/2024 14:30 +0100", chrono_tz::Asia::Tokyo),
            (at("2024-03-05T13:30:00Z"), Offset::Explicit)
        );
        let f = TsFormat::strftime("%Y-%m-%dT%H:%M:%S%.f%:z").unwrap();
        // 2024-03-05T13:30:00.250Z.
        assert_eq!(
            p(&f, "2024-03-05T09:30:00.25-04:00", PARIS),
            (at("2024-03-05T13:30:00.250Z"), Offset::Explicit)
        );
        // A date-only format: local midnight, 2024-03-04T23:00:00Z.
        let f = TsFormat::strftime("%d %B %Y").unwrap();
        assert_eq!(
            p(&f, "05 March 2024", PARIS),
            (at("2024-03-04T23:00:00Z"), Offset::Local)
        );
        // An hour without minutes is not midnight.
        let f = TsFormat::strftime("%Y-%m-%d %H").unwrap();
        assert!(parse(&f, "2024-03-05 14", UTC).is_err());
        let f = TsFormat::strftime("%d/%m/%Y").unwrap();
        let e = parse(&f, "2024-03-05", UTC).unwrap_err();
        assert!(
            e.to_string()
                .contains("does not match timestamp_format \"%d/%m/%Y\""),
            "{e}"
        );
        // Years outside 0000..9999.
        let f = TsFormat::strftime("%Y-%m-%d %H:%M %z").unwrap();
        assert!(parse(&f, "10000-01-01 00:00 +0000", UTC).is_err());
        assert!(parse(&f, "0000-01-01 00:30 +0100", UTC).is_err());
    }

    #[test]
    fn strftime_formats_are_checked() {
        assert_eq!(
            TsFormat::strftime("%Y%m%d"),
            Ok(TsFormat::Strftime("%Y%m%d".into()))
        );
        assert!(TsFormat::strftime("%Y-%m-%Q").is_err());
        assert!(TsFormat::strftime("  ").is_err());
    }

    #[test]
    fn years_outside_0000_to_9999_are_errors() {
        let d = TsFormat::DayFirst('/');
        // 9999-12-31T23:00 in New York is 10000-01-01T04:00Z.
        assert!(parse(&d, "31/12/9999 23:00", chrono_tz::America::New_York).is_err());
        // Midnight of 0000-01-01 in Paris (local mean time, +00:09:21) is year -1 in UTC.
        assert!(parse(&d, "01/01/0000", PARIS).is_err());
        // 0000-01-01T00:00:00Z is read.
        let expected = chrono::Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(p(&d, "01/01/0000", UTC).0, expected.timestamp_micros());
        assert!(parse(&TsFormat::YmdSlash, "10000/01/01", UTC).is_err());
    }

    #[test]
    fn values_not_in_the_format_are_errors() {
        let d = TsFormat::DayFirst('/');
        for s in [
            "",
            "32/01/2024",
            "29/02/2023",
            "01/13/2024",
            "01/02/24",
            "01.02.2024",
            "01/02/2024 25:00",
            "01/02/2024 10:60",
            "01/02/2024 10",
            "01/02/2024 10:00 XM",
            "01/02/2024 10:00 +01:00",
            "01/02/2024T",
            "001/02/2024",
            "01/02/20240",
            "2024-02-01",
        ] {
            assert!(parse(&d, s, UTC).is_err(), "{s}");
        }
        // Leap day: 2024-02-29T00:00:00Z.
        assert_eq!(p(&d, "29/02/2024", UTC).0, at("2024-02-29T00:00:00Z"));
        let e = parse(&d, "N/A", UTC).unwrap_err();
        assert!(
            e.to_string()
                .contains("is not a DD/MM/YYYY [hh:mm[:ss[.f]]] timestamp"),
            "{e}"
        );
        for s in [
            "2024/02/30",
            "2024/13/01",
            "2024-02-01",
            "2024/02/01 10:00Z",
            "24/02/01",
        ] {
            assert!(parse(&TsFormat::YmdSlash, s, UTC).is_err(), "{s}");
        }
        assert!(parse(&TsFormat::Iso, "01/02/2024", UTC).is_err());
    }

    #[test]
    fn unrecognised_values_vote_only_when_they_are_most_of_the_column() {
        let f = detect(&["2024-03-01T10:00:00Z", "N/A", "2024-03-02T10:00:00Z"]).unwrap();
        assert_eq!(f, TsFormat::Iso);
        assert!(parse(&f, "N/A", UTC).is_err());
        let u = refused(&["15/Feb/26 4:37 PM", "16/Feb/26 9:00 AM", "2024-03-01"]);
        assert!(
            u.reason.starts_with("most values (2 of 3) are not"),
            "{}",
            u.reason
        );
        assert_eq!(
            u.examples,
            [
                "15/Feb/26 4:37 PM".to_string(),
                "16/Feb/26 9:00 AM".to_string()
            ]
        );
        assert!(
            u.reason.contains("set [columns] timestamp_format"),
            "{}",
            u.reason
        );
        let u = refused(&["yesterday"]);
        assert!(
            u.reason.starts_with("no value is in a timestamp format"),
            "{}",
            u.reason
        );
        assert_eq!(
            u.examples,
            ["yesterday".to_string(), "yesterday".to_string()]
        );
    }

    #[test]
    fn an_empty_column_is_iso() {
        assert_eq!(detect(Vec::<String>::new()), Ok(TsFormat::Iso));
        assert_eq!(detect(["", " "]), Ok(TsFormat::Iso));
    }

    #[test]
    fn suggestions_follow_the_example_time() {
        let cases = [
            ("13/04/2024", " 10:00", "\"%d/%m/%Y %H:%M\""),
            ("13/04/2024", " 10:00:05", "\"%d/%m/%Y %H:%M:%S\""),
            ("13/04/2024", " 10:00:05.123", "\"%d/%m/%Y %H:%M:%S%.f\""),
            ("13/04/2024", "T10:00", "\"%d/%m/%YT%H:%M\""),
            ("13/04/2024", " 2:30 PM", "\"%d/%m/%Y %I:%M %p\""),
            ("13/04/2024", " 2:30:00 pm", "\"%d/%m/%Y %I:%M:%S %p\""),
        ];
        for (date, time, want) in cases {
            let value = format!("{date}{time}");
            let u = refused(&[&value, "04/14/2024"]);
            assert!(
                u.reason.contains(&format!("{want} (day first)")),
                "{value}: {}",
                u.reason
            );
            // The suggested format reads the value as the detected day-first format would.
            let sugg = suggested(&u);
            assert_eq!(
                p(&sugg[0], &value, PARIS),
                p(&TsFormat::DayFirst('/'), &value, PARIS)
            );
        }
        // ISO with a space before the offset, and with +hh.
        let u = refused(&[
            "2024-03-01 10:00 +01:00",
            "2024-03-01 11:00 +01:00",
            "13/04/2024",
        ]);
        assert!(u.reason.contains("\"%Y-%m-%d %H:%M %#z\""), "{}", u.reason);
        let sugg = suggested(&u);
        assert_eq!(
            p(&sugg[0], "2024-03-01 10:00 +01", UTC).0,
            at("2024-03-01T09:00:00Z")
        );
    }

    /// Random day-first and month-first texts read as chrono reads them with the matching
    /// strftime format.
    #[test]
    fn hand_rolled_parsing_agrees_with_chrono() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..20_000 {
            let (y, mo, d) = (1900 + next(250), 1 + next(12), 1 + next(31));
            let (h, mi, s, ms) = (next(24), next(60), next(60), next(1000));
            let tz = [UTC, PARIS, chrono_tz::America::New_York][next(3) as usize];
            let sep = [b'/', b'.', b'-'][next(3) as usize] as char;
            let (text, chrono_fmt, ours) = match next(4) {
                0 => (
                    format!("{d:02}{sep}{mo:02}{sep}{y} {h:02}:{mi:02}:{s:02}.{ms:03}"),
                    format!("%d{sep}%m{sep}%Y %H:%M:%S%.f"),
                    TsFormat::DayFirst(sep),
                ),
                1 => (
                    format!("{mo}{sep}{d}{sep}{y} {h}:{mi:02}"),
                    format!("%m{sep}%d{sep}%Y %H:%M"),
                    TsFormat::MonthFirst(sep),
                ),
                2 => (
                    format!("{y}/{mo:02}/{d:02} {h:02}:{mi:02}:{s:02}"),
                    "%Y/%m/%d %H:%M:%S".to_string(),
                    TsFormat::YmdSlash,
                ),
                _ => (
                    format!("{d}{sep}{mo}{sep}{y}"),
                    format!("%d{sep}%m{sep}%Y"),
                    TsFormat::DayFirst(sep),
                ),
            };
            let theirs = NaiveDateTime::parse_from_str(&text, &chrono_fmt)
                .or_else(|_| {
                    NaiveDate::parse_from_str(&text, &chrono_fmt)
                        .map(|d| d.and_time(NaiveTime::MIN))
                })
                .ok()
                .and_then(|n| time::local_to_utc(n, tz).ok());
            assert_eq!(parse(&ours, &text, tz).ok(), theirs, "{text} in {tz}");
        }
    }

    #[test]
    fn display_names_the_format() {
        assert_eq!(
            TsFormat::DayFirst('.').to_string(),
            "DD.MM.YYYY [hh:mm[:ss[.f]]]"
        );
        assert_eq!(TsFormat::EpochMillis.to_string(), "Unix epoch milliseconds");
    }
}
