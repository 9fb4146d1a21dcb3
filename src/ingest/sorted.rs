//! The merged events in audit order — by (item, timestamp, input order) — without copying
//! them: the frame stays in input order (file by file, row by row) and a permutation of its
//! rows gives the audit order.
//!
//! Sorting a permutation instead of the frame keeps one copy of the events in memory (at
//! 10M events the sorted copy was 1.5 GB) and skips gathering every column. Exports are
//! nearly always grouped by item with each item's events in time order (a Jira changelog, a
//! XES trace, the generator's CSV): then the order is found from those runs in one pass and
//! a sort of the runs, without comparing every event (docs/PERFORMANCE.md).

use super::table::{Coded, EventTable, IntArray, TextArray};
use crate::model::{Col, Ts};
use polars::prelude::*;
use rayon::prelude::*;

/// Events at or before the audit instant, in audit order.
#[derive(Clone)]
pub struct SortedEvents {
    /// Each item's id, in item order (as `items`): the id column is dropped once the events
    /// are ordered.
    ids: ItemIds,
    /// Instants in input order (one chunk).
    timestamp: Int64Chunked,
    /// Explicit creation instants in input order (one chunk).
    created: Int64Chunked,
    /// Status, assignee, team, actor and source as codes (shared between copies).
    coded: std::sync::Arc<[Coded; 5]>,
    /// Per-row flags (`table::flags`), empty when none (shared between copies).
    flags: std::sync::Arc<Vec<u8>>,
    /// The actor column was dropped ([`SortedEvents::release_actor`]).
    actor_released: bool,
    /// Rows in audit order; only events at or before the audit instant.
    order: Vec<IdxSize>,
    /// Each item's events: a range of positions in `order`, in item order.
    items: Vec<(usize, usize)>,
    /// Per item (as `items`), whether it has events after the audit instant that were left
    /// out; empty when none has.
    cut: Vec<bool>,
}

/// The events' columns, read by row (in input order; see [`SortedEvents::order`]).
pub struct EventColumns<'a> {
    /// Instant (UTC microseconds).
    pub timestamp: &'a IntArray,
    /// Status.
    pub status: &'a Coded,
    /// Assignee.
    pub assignee: &'a Coded,
    /// Team.
    pub team: &'a Coded,
    /// Actor (`None` once [`SortedEvents::release_actor`] dropped it).
    pub actor: Option<&'a Coded>,
    /// Source.
    pub source: &'a Coded,
    /// Explicit creation instant.
    pub created: &'a IntArray,
    /// Per-row flags (`table::flags`); empty when no row has any.
    pub flags: &'a [u8],
}

impl SortedEvents {
    /// Order the merged events and drop those after `as_of`. Returns the events and how
    /// many were after `as_of`.
    pub fn new(table: EventTable, as_of: Ts) -> PolarsResult<(SortedEvents, u64)> {
        let EventTable {
            item_id,
            timestamp,
            created,
            coded,
            flags,
        } = table;
        // One chunk each, each chunked original dropped once joined (the memory it frees
        // takes the ordering); the ids and the instants are joined side by side (at 10M
        // events 96 and 35 ms, each on one core).
        let (item_id, (timestamp, created)) = rayon::join(
            || one_chunk(item_id),
            || (one_chunk(timestamp), one_chunk(created)),
        );
        let item_id = item_id.downcast_as_array();
        crate::memory::release();
        let (order, items) = audit_order(item_id, timestamp.downcast_as_array());
        crate::memory::trace("events ordered");
        let before = order.len();
        let (order, items, cut, _) =
            at_or_before(order, items, timestamp.downcast_as_array(), as_of);
        let after = (before - order.len()) as u64;
        let ids = ItemIds::of(item_id, &order, &items);
        Ok((
            SortedEvents {
                ids,
                timestamp,
                created,
                coded: std::sync::Arc::new(coded),
                flags: std::sync::Arc::new(flags),
                actor_released: false,
                order,
                items,
                cut,
            },
            after,
        ))
    }

    /// The events at or before `instant` (order kept).
    pub fn until(&self, instant: Ts) -> PolarsResult<SortedEvents> {
        let (order, items, cut, kept) = at_or_before(
            self.order.clone(),
            self.items.clone(),
            self.timestamp.downcast_as_array(),
            instant,
        );
        Ok(SortedEvents {
            ids: match kept {
                Some(kept) => self.ids.select(&kept),
                None => self.ids.clone(),
            },
            order,
            items,
            cut,
            ..self.clone()
        })
    }

    /// Drop the actor column: only the duplicate-event check reads it, and the per-item pass
    /// does not (4 bytes an event, 40 MB at 10M events, while the records are built).
    pub fn release_actor(&mut self) {
        if let Some(coded) = std::sync::Arc::get_mut(&mut self.coded) {
            coded[3] = Coded::default();
            self.actor_released = true;
        }
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// No events?
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Rows of [`Self::columns`] in audit order.
    pub fn order(&self) -> &[IdxSize] {
        &self.order
    }

    /// Per item (as [`Self::items`]): were some of its events left out for being after the
    /// audit instant? Empty when none was.
    pub fn cut(&self) -> &[bool] {
        &self.cut
    }

    /// Each item's events, in item order: a range of positions in [`Self::order`].
    pub fn items(&self) -> &[(usize, usize)] {
        &self.items
    }

    /// The id of item `k` (as [`Self::items`]).
    pub fn item_id(&self, k: usize) -> Option<&str> {
        self.ids.get(k)
    }

    /// The distinct statuses of every row (including rows after the audit instant).
    pub fn statuses(&self) -> impl Iterator<Item = &str> {
        self.coded[0].names()
    }

    /// The columns, read by row (input order; it may hold events after the audit instant,
    /// which [`Self::order`] leaves out).
    pub fn columns(&self) -> PolarsResult<EventColumns<'_>> {
        for (ca, c) in [
            (self.timestamp.chunks().len(), Col::Timestamp),
            (self.created.chunks().len(), Col::Created),
        ] {
            single(ca, c)?;
        }
        let [status, assignee, team, actor, source] = &*self.coded;
        Ok(EventColumns {
            timestamp: self.timestamp.downcast_as_array(),
            status,
            assignee,
            team,
            actor: (!self.actor_released).then_some(actor),
            source,
            created: self.created.downcast_as_array(),
            flags: &self.flags,
        })
    }
}

/// `c` in one chunk; the chunked original is dropped on return.
fn one_chunk<T: PolarsDataType>(c: ChunkedArray<T>) -> ChunkedArray<T> {
    c.rechunk().into_owned()
}

/// What [`at_or_before`] keeps: the order, the items' ranges, whether each item was cut, and
/// which items are left (`None`: all of them).
type Kept = (
    Vec<IdxSize>,
    Vec<(usize, usize)>,
    Vec<bool>,
    Option<Vec<usize>>,
);

/// The rows of `order` (order kept) whose instant is at or before `instant` (or missing),
/// the items' ranges in the result, whether each was cut, and which items are left (`None`:
/// all of them).
fn at_or_before(
    order: Vec<IdxSize>,
    items: Vec<(usize, usize)>,
    ts: &IntArray,
    instant: Ts,
) -> Kept {
    if ts.iter().flatten().all(|t| *t <= instant) {
        return (order, items, Vec::new(), None);
    }
    let keep = |i: IdxSize| ts.get(i as usize).is_none_or(|t| t <= instant);
    let mut kept_order = Vec::with_capacity(order.len());
    let mut kept_items = Vec::with_capacity(items.len());
    let mut cut = Vec::with_capacity(items.len());
    let mut left = Vec::with_capacity(items.len());
    for (k, &(s, e)) in items.iter().enumerate() {
        let start = kept_order.len();
        kept_order.extend(order[s..e].iter().copied().filter(|&i| keep(i)));
        let kept = kept_order.len() - start;
        if kept > 0 {
            kept_items.push((start, kept_order.len()));
            cut.push(kept < e - s);
            left.push(k);
        }
    }
    (kept_order, kept_items, cut, Some(left))
}

/// The items' ids, in item order, in one buffer: about 8 bytes of text and 8 of offset an
/// item, where the id column took a 16-byte view per event (10M events: 160 MB).
#[derive(Clone, Default)]
struct ItemIds {
    text: String,
    /// End of each item's id in `text`.
    ends: Vec<usize>,
    /// The items without an id, in order (ids are nearly never missing).
    nulls: Vec<usize>,
}

impl ItemIds {
    /// The id of each item of `items` (ranges of `order`, rows of `ids`).
    fn of(ids: &TextArray, order: &[IdxSize], items: &[(usize, usize)]) -> ItemIds {
        let mut out = ItemIds {
            ends: Vec::with_capacity(items.len()),
            ..ItemIds::default()
        };
        for (k, &(s, _)) in items.iter().enumerate() {
            out.push(k, ids.get(order[s] as usize));
        }
        out.text.shrink_to_fit();
        out
    }

    fn push(&mut self, k: usize, id: Option<&str>) {
        match id {
            Some(id) => self.text.push_str(id),
            None => self.nulls.push(k),
        }
        self.ends.push(self.text.len());
    }

    /// The id of item `k`.
    fn get(&self, k: usize) -> Option<&str> {
        if !self.nulls.is_empty() && self.nulls.binary_search(&k).is_ok() {
            return None;
        }
        let from = if k == 0 { 0 } else { self.ends[k - 1] };
        Some(&self.text[from..self.ends[k]])
    }

    /// The ids of the items `kept` (indices, in order).
    fn select(&self, kept: &[usize]) -> ItemIds {
        let mut out = ItemIds {
            ends: Vec::with_capacity(kept.len()),
            ..ItemIds::default()
        };
        for (k, &i) in kept.iter().enumerate() {
            out.push(k, self.get(i));
        }
        out
    }
}

/// The ranges of equal item ids in `order` (the rows of one item are adjacent).
fn item_ranges(order: &[IdxSize], ids: &TextArray) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for k in 1..=order.len() {
        if k == order.len() || ids.get(order[k] as usize) != ids.get(order[k - 1] as usize) {
            ranges.push((start, k));
            start = k;
        }
    }
    if order.is_empty() {
        ranges.clear();
    }
    ranges
}

fn single(chunks: usize, c: Col) -> PolarsResult<()> {
    if chunks == 1 {
        Ok(())
    } else {
        Err(PolarsError::ComputeError(
            format!("column {} has {chunks} chunks, expected one", c.name()).into(),
        ))
    }
}

/// Rows ordered by (item id, timestamp, row), nulls first — a stable sort by item and time —
/// and each item's range of positions in that order.
///
/// Fast path: cut the rows into runs of one item with non-decreasing timestamps; when no
/// item has two runs, the order is the runs sorted by item id (and the runs are the items).
/// Otherwise every row is sorted.
pub fn audit_order(ids: &TextArray, ts: &IntArray) -> (Vec<IdxSize>, Vec<(usize, usize)>) {
    let n = ids.len();
    // Where a run ends: the id changes or the instant goes back (found on every core, in
    // row order).
    let breaks: Vec<usize> = (1..n)
        .into_par_iter()
        .with_min_len(1 << 16)
        .filter(|&i| ids.get(i) != ids.get(i - 1) || ts.get(i) < ts.get(i - 1))
        .collect();
    let mut runs: Vec<(usize, usize)> = Vec::with_capacity(breaks.len() + 1);
    if n > 0 {
        let mut start = 0;
        for &i in breaks.iter().chain(std::iter::once(&n)) {
            runs.push((start, i));
            start = i;
        }
    }
    // Sorting the runs by (item id, first row) is stable; it is the answer when every item
    // has one run.
    // A run's key holds its end in the instant's place: the runs of one item end in the
    // order they start, so (id, end, start) orders them as (id, start).
    let mut keys: Vec<RowKey> = runs
        .par_iter()
        .map(|&(a, b)| RowKey {
            ts: b as i64,
            ..RowKey::new(ids.get(a), None, a as IdxSize)
        })
        .collect();
    keys.par_sort_unstable_by(|x, y| x.cmp(y, ids));
    let grouped = keys
        .par_windows(2)
        .all(|w| w[0].cmp_id(&w[1], ids) != std::cmp::Ordering::Equal);
    let runs: Vec<(usize, usize)> = keys
        .into_iter()
        .map(|k| (k.row as usize, k.ts as usize))
        .collect();
    if grouped {
        let mut order = Vec::with_capacity(n);
        let mut items = Vec::with_capacity(runs.len());
        for (a, b) in runs {
            items.push((order.len(), order.len() + b - a));
            order.extend(a as IdxSize..b as IdxSize);
        }
        return (order, items);
    }
    let mut keys: Vec<RowKey> = (0..n)
        .into_par_iter()
        .map(|i| RowKey::new(ids.get(i), ts.get(i), i as IdxSize))
        .collect();
    keys.par_sort_unstable_by(|a, b| a.cmp(b, ids));
    let order: Vec<IdxSize> = keys.into_iter().map(|k| k.row).collect();
    let items = item_ranges(&order, ids);
    (order, items)
}

/// A row's place in the audit order, (item id, timestamp, row) with nulls first, in 32 bytes
/// and compared mostly as integers: the id's first 16 bytes (big-endian, zero-padded) decide
/// between most items, and the id's text is read again only when both ids share those bytes
/// and one is longer. Sorting `(Option<&str>, Option<i64>, row)` tuples compared every id's
/// text through the string array (most of the ordering's time at 10M interleaved events).
struct RowKey {
    /// The id's first 16 bytes, zero-padded, as a big-endian number (0 for a null id).
    prefix: u128,
    /// The instant (0 when null).
    ts: i64,
    /// The row.
    row: IdxSize,
    /// Bit 31: the id is present; bit 30: the instant is present; the rest: the id's length
    /// in bytes (at most 2³⁰ − 1; longer ids are compared by their text).
    meta: u32,
}

impl RowKey {
    const ID: u32 = 1 << 31;
    const TS: u32 = 1 << 30;
    const LEN: u32 = (1 << 30) - 1;

    fn new(id: Option<&str>, ts: Option<i64>, row: IdxSize) -> RowKey {
        let mut bytes = [0u8; 16];
        let mut meta = 0;
        if let Some(id) = id {
            let b = id.as_bytes();
            let n = b.len().min(16);
            bytes[..n].copy_from_slice(&b[..n]);
            meta |= RowKey::ID | (b.len().min(RowKey::LEN as usize) as u32);
        }
        if ts.is_some() {
            meta |= RowKey::TS;
        }
        RowKey {
            prefix: u128::from_be_bytes(bytes),
            ts: ts.unwrap_or(0),
            row,
            meta,
        }
    }

    /// The order of `(ids.get(row), ts, row)`: null ids first, ids by their bytes, then null
    /// instants first, instants, rows.
    fn cmp(&self, other: &RowKey, ids: &TextArray) -> std::cmp::Ordering {
        let present = |k: &RowKey, bit: u32| k.meta & bit != 0;
        self.cmp_id(other, ids)
            .then(present(self, RowKey::TS).cmp(&present(other, RowKey::TS)))
            .then(self.ts.cmp(&other.ts))
            .then(self.row.cmp(&other.row))
    }

    /// The order of the rows' ids alone (`ids.get(row)`): null first, then by their bytes.
    fn cmp_id(&self, other: &RowKey, ids: &TextArray) -> std::cmp::Ordering {
        let present = |k: &RowKey, bit: u32| k.meta & bit != 0;
        let len = |k: &RowKey| k.meta & RowKey::LEN;
        present(self, RowKey::ID)
            .cmp(&present(other, RowKey::ID))
            .then(self.prefix.cmp(&other.prefix))
            .then_with(|| {
                // Equal first 16 bytes: two ids of at most 16 bytes are then equal up to the
                // shorter's end, and the shorter sorts first (a zero byte in an id pads like
                // the padding, so the lengths tell them apart).
                if len(self) <= 16 && len(other) <= 16 {
                    len(self).cmp(&len(other))
                } else {
                    ids.get(self.row as usize).cmp(&ids.get(other.row as usize))
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(ids: &[Option<&str>], ts: &[Option<i64>]) -> Vec<IdxSize> {
        let a = TextArray::from_slice(ids);
        let t = IntArray::from(ts.to_vec());
        let (order, items) = audit_order(&a, &t);
        // The items' ranges are the runs of equal ids in the order, however it was found.
        assert_eq!(items, item_ranges(&order, &a));
        order
    }

    #[test]
    fn grouped_input_is_ordered_by_sorting_its_runs() {
        // Two items, each one time-ordered run; B comes first in the file.
        let o = order(
            &[Some("B"), Some("B"), Some("A"), Some("A"), Some("A")],
            &[Some(1), Some(1), Some(5), Some(6), Some(6)],
        );
        assert_eq!(o, [2, 3, 4, 0, 1]);
    }

    #[test]
    fn interleaved_input_is_sorted_stably_with_nulls_first() {
        // A's events are split in two runs (A, B, A) and out of time order.
        let o = order(
            &[Some("A"), Some("B"), Some("A"), Some("A"), None],
            &[Some(5), Some(1), Some(2), Some(5), Some(9)],
        );
        // None id first; then A by time with the tie at 5 in row order (0 before 3); then B.
        assert_eq!(o, [4, 2, 0, 3, 1]);
        let o = order(&[Some("A"), Some("A")], &[Some(3), None]);
        assert_eq!(o, [1, 0]);
    }

    #[test]
    fn interleaved_rows_sort_as_their_id_time_and_row_tuples() {
        // Ids that share long prefixes, hold zero bytes, are empty or null, are longer than
        // the 16 bytes compared as a number, with null and equal instants.
        let mut rng = crate::rng::Rng::new(5);
        let alphabet = ["a", "b", "\0", "é", "Z"];
        let pool: Vec<String> = (0..300)
            .map(|k| {
                let len = [0, 1, 2, 15, 16, 17, 18, 33][k % 8];
                let stem = if k % 3 == 0 { "ITEM-000000000000" } else { "" };
                let tail: String = (0..len)
                    .map(|_| alphabet[rng.below(alphabet.len())])
                    .collect();
                format!("{stem}{tail}")
            })
            .collect();
        let n = 6000;
        let ids: Vec<Option<&str>> = (0..n)
            .map(|_| match rng.below(40) {
                0 => None,
                _ => Some(pool[rng.below(pool.len())].as_str()),
            })
            .collect();
        let ts: Vec<Option<i64>> = (0..n)
            .map(|_| match rng.below(20) {
                0 => None,
                1 => Some(i64::MIN),
                2 => Some(0),
                _ => Some(rng.below(50) as i64 - 25),
            })
            .collect();
        let mut expected: Vec<(Option<&str>, Option<i64>, IdxSize)> =
            (0..n).map(|i| (ids[i], ts[i], i as IdxSize)).collect();
        expected.sort();
        let expected: Vec<IdxSize> = expected.into_iter().map(|k| k.2).collect();
        assert_eq!(order(&ids, &ts), expected);
    }

    #[test]
    fn events_after_as_of_are_dropped_and_counted() {
        let mut b = crate::model::EventBatch::default();
        for (id, ts, st) in [
            ("A", 1, Some("To Do")),
            ("A", 9, None),
            ("B", 2, Some("Done")),
        ] {
            b.push(crate::model::Event {
                item_id: id.into(),
                timestamp: ts,
                status: st.map(str::to_string),
                source: Some("csv".into()),
                ..Default::default()
            });
        }
        let (s, after) = SortedEvents::new(EventTable::from_batch(b), 5).unwrap();
        assert_eq!(after, 1);
        assert_eq!(s.order(), [0, 2]);
        assert_eq!(s.items(), [(0, 1), (1, 2)]);
        assert_eq!(s.until(1).unwrap().order(), [0]);
        assert_eq!(s.until(1).unwrap().items(), [(0, 1)]);
        assert_eq!((s.item_id(0), s.item_id(1)), (Some("A"), Some("B")));
        assert_eq!(s.until(1).unwrap().item_id(0), Some("A"));
        assert_eq!(s.until(2).unwrap().item_id(1), Some("B"));
        let c = s.columns().unwrap();
        assert_eq!(c.status.get(0), Some("To Do"));
        assert_eq!(c.status.get(1), None);
        assert_eq!(c.status.get(2), Some("Done"));
        assert_eq!(c.status.code(0), 0);
        assert_eq!(c.source.code(2), 0);
        assert_eq!(s.statuses().collect::<Vec<_>>(), ["To Do", "Done"]);
    }
}
