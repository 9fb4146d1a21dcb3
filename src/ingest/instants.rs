//! Instants read without a UTC offset (METRICS.md §1: read in `--tz` and counted in a
//! warning), counted the same way by every importer, with one wording per warning kind:
//!
//! - [`WarningKind::TimestampWithoutOffset`]: a time without an offset, read in `--tz`;
//! - [`WarningKind::TimestampInDstGap`]: such a time that falls in a daylight-saving gap of
//!   `--tz` and was moved forward by the gap. It is counted here only, not also as "without
//!   an offset" (the two counts are disjoint).

use crate::time::Offset;
use crate::warning::{WarningKind, Warnings};
use chrono_tz::Tz;

/// Counts of one input's instants read without an offset, with where the first of each kind
/// was (for the message).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocalTimes {
    /// Read in `--tz`.
    pub local: u64,
    /// Moved out of a DST gap.
    pub gap: u64,
    first_local: Option<String>,
    first_gap: Option<String>,
}

impl LocalTimes {
    /// Count one instant read as `o`; `at` names it ("file: record: field \"value\"") and is
    /// only called for the first of each kind.
    pub fn count(&mut self, o: Offset, at: impl FnOnce() -> String) {
        self.count_n(o, 1, at);
    }

    /// Count `n` instants read as `o` (a part of a file at once).
    pub fn count_n(&mut self, o: Offset, n: u64, at: impl FnOnce() -> String) {
        if n == 0 {
            return;
        }
        let (count, first) = match o {
            Offset::Explicit => return,
            Offset::Local => (&mut self.local, &mut self.first_local),
            Offset::LocalGap => (&mut self.gap, &mut self.first_gap),
        };
        *count += n;
        if first.is_none() {
            *first = Some(at());
        }
    }

    /// Add another part's counts (this part's first occurrences come first).
    pub fn merge(&mut self, o: LocalTimes) {
        self.local += o.local;
        self.gap += o.gap;
        if self.first_local.is_none() {
            self.first_local = o.first_local;
        }
        if self.first_gap.is_none() {
            self.first_gap = o.first_gap;
        }
    }

    /// The warnings, with one wording per kind.
    pub fn warn(&self, tz: Tz, w: &mut Warnings) {
        let (n, g) = (self.local, self.gap);
        // The count is the entry's own: the message is the first one recorded, so it
        // names no count of its own.
        let first = |f: &Option<String>| f.clone().unwrap_or_default();
        w.add(WarningKind::TimestampWithoutOffset, n, || {
            format!(
                "timestamp(s) carry no UTC offset and were read in {tz} (first: {}); if they were written in another time zone, pass it with --tz (for a Jira CSV export: the exporting user's profile time zone)",
                first(&self.first_local)
            )
        });
        w.add(WarningKind::TimestampInDstGap, g, || {
            format!(
                "local time(s) fall in a daylight-saving gap of {tz} and were moved forward by the gap (first: {}); check those values",
                first(&self.first_gap)
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_gap_are_counted_apart_with_one_wording_each() {
        let mut a = LocalTimes::default();
        a.count(Offset::Explicit, || unreachable!());
        a.count(Offset::Local, || {
            "f: line 2: ts \"2024-01-01 10:00\"".into()
        });
        a.count(Offset::Local, || unreachable!());
        let mut b = LocalTimes::default();
        b.count_n(Offset::LocalGap, 2, || {
            "f: line 9: ts \"2024-03-31 02:30\"".into()
        });
        b.count(Offset::Local, || "f: line 8".into());
        a.merge(b);
        assert_eq!((a.local, a.gap), (3, 2));
        let mut w = Warnings::default();
        a.warn(chrono_tz::Europe::Paris, &mut w);
        let e = w.entries();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].count, 3);
        assert!(
            e[0].message.starts_with(
                "timestamp(s) carry no UTC offset and were read in Europe/Paris (first: f: line 2:"
            ),
            "{}",
            e[0].message
        );
        assert_eq!(e[1].count, 2);
        assert!(
            e[1].message.contains("daylight-saving gap of Europe/Paris")
                && e[1].message.contains("line 9"),
            "{}",
            e[1].message
        );
    }
}
