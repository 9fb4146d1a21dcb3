//! The status changes of every item of a team, kept in a few bytes an item instead of a list
//! per record (docs/BOUNDED-MEMORY.md): the per-status cumulative flow of the team with the
//! most items (METRICS.md §6) replays them once the team, the day grid and the report's
//! status order are known, none of which is known while the items are computed.
//!
//! Encoding, per item: the number of changes, then per change the seconds since the previous
//! change (the first: since 1970), zig-zag LEB128, and the status's index in the trace's own
//! status list, LEB128. An item with five changes takes about 23 bytes (it took ~100 as a
//! boxed list of (instant, name) pairs).
//!
//! Seconds are exact for what the replay asks: on which local day an instant falls. A local
//! day starts at a whole second in every time zone (offsets are whole seconds), so for a day
//! start `s` (a multiple of 10⁶ µs) `s <= t` exactly when `s <= ⌊t / 10⁶⌋ · 10⁶`.

use crate::model::Ts;
use crate::name::{Interner, Name};
use rustc_hash::FxHashMap;

/// Microseconds per second.
const MICROS: i64 = 1_000_000;

/// The status changes of a set of items, encoded (see the module documentation).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct StatusTrace {
    /// The statuses, by index.
    statuses: Vec<Name>,
    /// Index of each status in `statuses`.
    index: FxHashMap<Name, u32>,
    /// The items, encoded.
    bytes: Vec<u8>,
}

impl StatusTrace {
    /// Add one item's status changes: (instant, status), in time order.
    pub fn push<'a>(&mut self, changes: &[(Ts, &'a str)], names: &mut Interner<'a>) {
        put(&mut self.bytes, changes.len() as u64);
        let mut prev = 0i64;
        for &(t, status) in changes {
            let s = t.div_euclid(MICROS);
            put(&mut self.bytes, zigzag(s - prev));
            prev = s;
            let k = match self.index.get(status) {
                Some(&k) => k,
                None => self.intern(names.get(status)),
            };
            put(&mut self.bytes, u64::from(k));
        }
    }

    fn intern(&mut self, status: Name) -> u32 {
        let k = self.statuses.len() as u32;
        self.statuses.push(status.clone());
        self.index.insert(status, k);
        k
    }

    /// Bytes the items' changes take, encoded.
    pub fn encoded_len(&self) -> usize {
        self.bytes.len()
    }

    /// The statuses any of the items passed through.
    pub fn statuses(&self) -> &[Name] {
        &self.statuses
    }

    /// Call `f` with each item's changes, (instant rounded down to the second, status), in
    /// time order; items come in the order they were added (merged traces: in merge order).
    pub fn for_each_item(&self, mut f: impl FnMut(&[(Ts, &Name)])) {
        let mut changes: Vec<(Ts, &Name)> = Vec::new();
        let mut pos = 0;
        while pos < self.bytes.len() {
            let n = get(&self.bytes, &mut pos);
            changes.clear();
            let mut at = 0i64;
            for _ in 0..n {
                at += unzigzag(get(&self.bytes, &mut pos));
                let k = get(&self.bytes, &mut pos) as usize;
                changes.push((at * MICROS, &self.statuses[k]));
            }
            f(&changes);
        }
    }

    /// Add the items of another trace (their status indices are renumbered into this one's).
    pub fn merge(&mut self, o: StatusTrace) {
        if self.bytes.is_empty() && self.statuses.is_empty() {
            *self = o;
            return;
        }
        let map: Vec<u32> = o
            .statuses
            .iter()
            .map(|s| match self.index.get(s) {
                Some(&k) => k,
                None => self.intern(s.clone()),
            })
            .collect();
        self.bytes.reserve(o.bytes.len());
        let mut pos = 0;
        while pos < o.bytes.len() {
            let n = get(&o.bytes, &mut pos);
            put(&mut self.bytes, n);
            for _ in 0..n {
                put(&mut self.bytes, get(&o.bytes, &mut pos));
                let k = get(&o.bytes, &mut pos) as usize;
                put(&mut self.bytes, u64::from(map[k]));
            }
        }
    }
}

/// Append `v` as LEB128.
fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Read a LEB128 value at `pos` (the trace was written by [`put`]).
fn get(bytes: &[u8], pos: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let b = bytes[*pos];
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(t: &StatusTrace) -> Vec<Vec<(Ts, String)>> {
        let mut out = Vec::new();
        t.for_each_item(|c| out.push(c.iter().map(|(a, s)| (*a, s.to_string())).collect()));
        out
    }

    #[test]
    fn items_come_back_to_the_second_in_order() {
        let mut names = Interner::default();
        let mut t = StatusTrace::default();
        // 2024-03-01T09:00:00.250Z, a day later, and an instant before 1970.
        t.push(
            &[
                (1_709_283_600_250_000, "To Do"),
                (1_709_370_000_999_999, "Done"),
            ],
            &mut names,
        );
        t.push(&[], &mut names);
        t.push(&[(-1_500_001, "To Do")], &mut names);
        assert_eq!(
            items(&t),
            vec![
                vec![
                    (1_709_283_600_000_000, "To Do".to_string()),
                    (1_709_370_000_000_000, "Done".to_string())
                ],
                vec![],
                vec![(-2_000_000, "To Do".to_string())],
            ]
        );
        assert_eq!(t.statuses().len(), 2);
        // Counts of 1 byte; changes of 5 + 1, 3 + 1 and 1 + 1 bytes.
        assert_eq!(t.bytes.len(), 1 + 6 + 4 + 1 + 1 + 2);
    }

    #[test]
    fn a_merge_renumbers_the_other_traces_statuses() {
        let mut names = Interner::default();
        let (mut a, mut b) = (StatusTrace::default(), StatusTrace::default());
        a.push(&[(0, "A"), (60_000_000, "B")], &mut names);
        b.push(&[(0, "C"), (1_000_000, "A")], &mut names);
        a.merge(b);
        let got = items(&a);
        assert_eq!(
            got[1],
            vec![(0, "C".to_string()), (1_000_000, "A".to_string())]
        );
        let names: Vec<&str> = a.statuses().iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        // Merging into an empty trace takes the other one as it is.
        let mut e = StatusTrace::default();
        e.merge(a.clone());
        assert_eq!(e, a);
    }

    #[test]
    fn zigzag_round_trips_extremes() {
        for v in [0, 1, -1, i64::MAX, i64::MIN, 86_400, -86_400] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }
}
