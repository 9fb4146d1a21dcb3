//! [`EventTable`]: the canonical events of one or more inputs, in input order — what every
//! importer produces and what [`super::SortedEvents`] orders.
//!
//! Item ids and instants stay polars arrays; status, assignee, team, actor and source are
//! [`Coded`]: one `u32` per event into the column's distinct values. A million events name a
//! few hundred statuses, people, teams and tools, so coding them takes 4 bytes an event
//! instead of a 16-byte string view plus the text (at 10M events: 0.2 GB instead of
//! 1.5 GB), and equal values become equal codes (docs/PERFORMANCE.md).

use crate::model::{Col, EventBatch, Ts};
use polars::prelude::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// polars' array of a text column (string views).
pub type TextArray = <StringType as PolarsDataType>::Array;
/// polars' array of an integer column.
pub type IntArray = <Int64Type as PolarsDataType>::Array;

/// A text column of few distinct values as one `u32` code per row into those values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coded {
    codes: Vec<u32>,
    names: Vec<Box<str>>,
}

/// The code of a missing value.
pub const NULL_CODE: u32 = u32::MAX;

/// Rows per parallel part when coding a column.
const CODE_PART: usize = 1 << 20;

/// Merge parts coded with their own tables into one table, in part order (so codes are
/// deterministic: first appearance in row order).
fn merge<S: AsRef<str>>(parts: Vec<(Vec<u32>, Vec<S>)>) -> Coded {
    let mut joined = CodedJoiner::with_capacity(parts.iter().map(|p| p.0.len()).sum());
    for (codes, names) in parts {
        joined.push(&codes, &names);
    }
    joined.finish()
}

/// Coded columns joined one after another as they come, each coded with a table of its own
/// ([`merge`]; the parts of an events CSV are joined as they are read).
#[derive(Default)]
struct CodedJoiner {
    map: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    codes: Vec<u32>,
}

impl CodedJoiner {
    fn with_capacity(rows: usize) -> Self {
        CodedJoiner {
            codes: Vec::with_capacity(rows),
            ..Default::default()
        }
    }

    /// Append a part's `codes` into its values `names`.
    fn push<S: AsRef<str>>(&mut self, codes: &[u32], names: &[S]) {
        let remap: Vec<u32> = names
            .iter()
            .map(|s| {
                let s = s.as_ref();
                match self.map.get(s) {
                    Some(c) => *c,
                    None => {
                        let c = self.names.len() as u32;
                        self.names.push(s.into());
                        self.map.insert(s.into(), c);
                        c
                    }
                }
            })
            .collect();
        let identity = remap.iter().enumerate().all(|(i, c)| i as u32 == *c);
        if identity {
            self.codes.extend_from_slice(codes);
        } else {
            self.codes.extend(codes.iter().map(
                |&c| {
                    if c == NULL_CODE {
                        c
                    } else {
                        remap[c as usize]
                    }
                },
            ));
        }
    }

    fn finish(self) -> Coded {
        Coded {
            codes: self.codes,
            names: self.names,
        }
    }
}

/// Code rows `lo..hi` of one array with a table of its own.
fn code_range(a: &TextArray, lo: usize, hi: usize) -> (Vec<u32>, Vec<&str>) {
    let mut map: FxHashMap<&str, u32> = FxHashMap::default();
    let mut names: Vec<&str> = Vec::new();
    let mut last: Option<(&str, u32)> = None;
    let codes = (lo..hi)
        .map(|i| match a.get(i) {
            None => NULL_CODE,
            Some(s) => match last {
                // Consecutive events of an item often repeat a value.
                Some((l, c)) if l == s => c,
                _ => {
                    let c = *map.entry(s).or_insert_with(|| {
                        names.push(s);
                        (names.len() - 1) as u32
                    });
                    last = Some((s, c));
                    c
                }
            },
        })
        .collect();
    (codes, names)
}

impl Coded {
    /// Code a text column: parts of rows are coded in parallel, then merged.
    pub fn from_text(ca: &StringChunked) -> Coded {
        let mut ranges: Vec<(&TextArray, usize, usize)> = Vec::new();
        for a in ca.downcast_iter() {
            let mut lo = 0;
            while lo < a.len() {
                let hi = (lo + CODE_PART).min(a.len());
                ranges.push((a, lo, hi));
                lo = hi;
            }
        }
        let parts: Vec<(Vec<u32>, Vec<&str>)> = ranges
            .into_par_iter()
            .map(|(a, lo, hi)| code_range(a, lo, hi))
            .collect();
        merge(parts)
    }

    /// Code owned values (the export importers' batches).
    pub fn from_values(values: Vec<Option<String>>) -> Coded {
        let mut map: FxHashMap<String, u32> = FxHashMap::default();
        let mut names: Vec<Box<str>> = Vec::new();
        let codes = values
            .into_iter()
            .map(|v| match v {
                None => NULL_CODE,
                Some(s) => *map.entry(s).or_insert_with_key(|s| {
                    names.push(s.as_str().into());
                    (names.len() - 1) as u32
                }),
            })
            .collect();
        Coded { codes, names }
    }

    /// One column of `n` rows holding `value`.
    pub fn constant(value: &str, n: usize) -> Coded {
        Coded {
            codes: vec![0; n],
            names: vec![value.into()],
        }
    }

    /// One column of `n` missing values.
    pub fn nulls(n: usize) -> Coded {
        Coded {
            codes: vec![NULL_CODE; n],
            names: Vec::new(),
        }
    }

    /// Concatenate columns (their rows one after the other).
    pub fn concat(parts: Vec<Coded>) -> Coded {
        if parts.len() == 1 {
            return parts.into_iter().next().unwrap_or_default();
        }
        merge(parts.into_iter().map(|c| (c.codes, c.names)).collect())
    }

    /// A column of `codes` into the value table `names` (codes as [`Coded::code`] gives them;
    /// the spilled partitions of a bounded-memory audit are read back this way).
    pub fn from_codes(codes: Vec<u32>, names: Vec<Box<str>>) -> Coded {
        debug_assert!(codes
            .iter()
            .all(|&c| c == NULL_CODE || (c as usize) < names.len()));
        Coded { codes, names }
    }

    /// Missing values take `value`.
    pub fn fill_null(&mut self, value: &str) {
        if !self.codes.contains(&NULL_CODE) {
            return;
        }
        let code = match self.names.iter().position(|n| &**n == value) {
            Some(c) => c as u32,
            None => {
                self.names.push(value.into());
                (self.names.len() - 1) as u32
            }
        };
        for c in &mut self.codes {
            if *c == NULL_CODE {
                *c = code;
            }
        }
    }

    /// Every value missing?
    pub fn all_null(&self) -> bool {
        self.codes.iter().all(|c| *c == NULL_CODE)
    }

    /// The value of row `i` (`None` when missing).
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        match self.codes[i] {
            NULL_CODE => None,
            c => Some(&self.names[c as usize]),
        }
    }

    /// The code of row `i` (equal values, equal codes; [`NULL_CODE`] when missing).
    #[inline]
    pub fn code(&self, i: usize) -> u32 {
        self.codes[i]
    }

    /// The distinct values, in order of first appearance.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|s| &**s)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// No rows?
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// A [`Coded`] column built row by row by an importer that has its own codes for the values
/// (XES): each distinct name gets its code on first appearance, so the column equals
/// [`Coded::from_values`] of the same names, without a string per row.
#[derive(Debug, Default)]
pub struct CodedBuilder {
    codes: Vec<u32>,
    names: Vec<Box<str>>,
    by_name: FxHashMap<Box<str>, u32>,
}

impl CodedBuilder {
    /// Room for `n` rows.
    pub fn with_capacity(n: usize) -> CodedBuilder {
        CodedBuilder {
            codes: Vec::with_capacity(n),
            ..CodedBuilder::default()
        }
    }

    /// The code of `name`, given on first sight (the next free one).
    pub fn code_of(&mut self, name: &str) -> u32 {
        if let Some(&c) = self.by_name.get(name) {
            return c;
        }
        let c = self.names.len() as u32;
        self.names.push(name.into());
        self.by_name.insert(name.into(), c);
        c
    }

    /// Append a row holding `code` (from [`code_of`](Self::code_of), or [`NULL_CODE`]).
    pub fn push(&mut self, code: u32) {
        self.codes.push(code);
    }

    /// The column.
    pub fn finish(self) -> Coded {
        Coded {
            codes: self.codes,
            names: self.names,
        }
    }
}

/// The coded columns of a table, in this order.
pub const CODED: [Col; 5] = [
    Col::Status,
    Col::Assignee,
    Col::Team,
    Col::Actor,
    Col::Source,
];

/// Canonical events in input order.
#[derive(Clone, Debug)]
pub struct EventTable {
    /// Item id per event.
    pub item_id: StringChunked,
    /// Instant per event (UTC microseconds).
    pub timestamp: Int64Chunked,
    /// Explicit creation instant of the event's item.
    pub created: Int64Chunked,
    /// Status, assignee, team, actor and source ([`CODED`] order).
    pub coded: [Coded; 5],
    /// Per-row [`flags`] (`FLAG_*`); empty when no row has any (the common case: status
    /// logs pay nothing).
    pub flags: Vec<u8>,
}

/// Per-event flags of activity logs (METRICS.md §11).
pub mod flags {
    /// The event starts an activity (XES `lifecycle:transition` start or resume).
    pub const START: u8 = 1;
    /// The event belongs to an input read as an activity log.
    pub const ACTIVITY: u8 = 2;
    /// Its input records when activities start, so active time can be measured.
    pub const MEASURES_ACTIVE: u8 = 4;
    /// The event neither starts nor completes an execution (XES lifecycle `schedule`,
    /// `assign`, `reassign`, `autoskip`, `manualskip`), or ends one without completing it
    /// (`suspend`, `withdraw`, `ate_abort`, `pi_abort`).
    pub const NOT_COMPLETE: u8 = 8;

    /// The flag of a standard XES lifecycle value (IEEE 1849, compared ignoring case):
    /// `start`/`resume` → [`START`], `complete` → 0, the others → [`NOT_COMPLETE`]; `None`
    /// for a value outside the lifecycle model (BPIC 2013 keeps sub-statuses there).
    pub fn of_lifecycle(v: &str) -> Option<u8> {
        const OTHERS: [&str; 9] = [
            "schedule",
            "assign",
            "reassign",
            "suspend",
            "withdraw",
            "ate_abort",
            "pi_abort",
            "autoskip",
            "manualskip",
        ];
        let v = v.trim();
        if v.eq_ignore_ascii_case("start") || v.eq_ignore_ascii_case("resume") {
            Some(START)
        } else if v.eq_ignore_ascii_case("complete") {
            Some(0)
        } else if OTHERS.iter().any(|o| o.eq_ignore_ascii_case(v)) {
            Some(NOT_COMPLETE)
        } else {
            None
        }
    }
}

impl EventTable {
    /// From an importer's batch.
    pub fn from_batch(b: EventBatch) -> EventTable {
        EventTable {
            item_id: StringChunked::from_iter_values(
                Col::ItemId.name().into(),
                b.item_id.iter().map(String::as_str),
            ),
            timestamp: Int64Chunked::from_vec(Col::Timestamp.name().into(), b.timestamp),
            created: Int64Chunked::from_iter_options(
                Col::Created.name().into(),
                b.created.into_iter(),
            ),
            coded: [
                Coded::from_values(b.status),
                Coded::from_values(b.assignee),
                Coded::from_values(b.team),
                Coded::from_values(b.actor),
                Coded::from_values(b.source),
            ],
            flags: Vec::new(),
        }
    }

    /// Set `flag` on rows `lo..hi` (materialising the flags when none were set).
    pub fn set_flag(&mut self, lo: usize, hi: usize, flag: u8) {
        if self.flags.is_empty() {
            self.flags = vec![0; self.len()];
        }
        for f in &mut self.flags[lo..hi] {
            *f |= flag;
        }
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.item_id.len()
    }

    /// No events?
    pub fn is_empty(&self) -> bool {
        self.item_id.is_empty()
    }

    /// Earliest and latest instant: plain loops over each chunk's values, chunks in
    /// parallel (polars' `min` and `max` took 73 ms at 10M events, on one core).
    pub fn ts_bounds(&self) -> (Option<Ts>, Option<Ts>) {
        let chunks: Vec<&IntArray> = self.timestamp.downcast_iter().collect();
        chunks
            .par_iter()
            .map(|a| {
                let v = a.values().as_slice();
                if a.validity().is_none_or(|v| v.unset_bits() == 0) {
                    // Two plain passes: each vectorises.
                    (v.iter().min().copied(), v.iter().max().copied())
                } else {
                    let present = a.iter().flatten().copied();
                    present.fold((None, None), |(lo, hi): (Option<Ts>, Option<Ts>), t| {
                        (
                            Some(lo.map_or(t, |l| l.min(t))),
                            Some(hi.map_or(t, |h| h.max(t))),
                        )
                    })
                }
            })
            .reduce(
                || (None, None),
                |(a, b), (c, d)| (a.into_iter().chain(c).min(), b.into_iter().chain(d).max()),
            )
    }

    /// The coded column of `c` (one of [`CODED`]).
    pub fn coded(&self, c: Col) -> &Coded {
        let i = CODED.iter().position(|x| *x == c).unwrap_or(0);
        &self.coded[i]
    }

    /// Tables one after the other (input order kept).
    pub fn concat(mut tables: Vec<EventTable>) -> PolarsResult<EventTable> {
        if tables.len() == 1 {
            // Nothing to join (one input): no copy of its columns.
            return Ok(tables.remove(0));
        }
        let mut joined = Joiner::with_capacity(tables.iter().map(EventTable::len).sum());
        for t in tables {
            joined.push(t)?;
        }
        joined.finish()
    }

    /// As a polars frame of the canonical columns (a copy; for tests and inspection).
    pub fn to_frame(&self) -> PolarsResult<DataFrame> {
        let text = |c: &Coded, col: Col| {
            StringChunked::from_iter_options(col.name().into(), (0..c.len()).map(|i| c.get(i)))
                .into_column()
        };
        let mut columns = vec![
            self.item_id
                .clone()
                .with_name(Col::ItemId.name().into())
                .into_column(),
            self.timestamp
                .clone()
                .with_name(Col::Timestamp.name().into())
                .into_column(),
        ];
        for (c, col) in self.coded.iter().zip(CODED) {
            columns.push(text(c, col));
        }
        columns.push(
            self.created
                .clone()
                .with_name(Col::Created.name().into())
                .into_column(),
        );
        DataFrame::new(self.len(), columns)
    }
}

/// Event tables joined one after another as they come ([`EventTable::concat`]; the parts of
/// an events CSV are joined as they are read, beside the parsing of the next part, so that no
/// serial join of every column is left after the last part: 0.18 s at 10M events).
pub struct Joiner {
    /// The first table, the others' item ids, instants and creation instants appended.
    first: Option<EventTable>,
    rows: usize,
    /// No table so far has a creation instant: the column is made once, at the end,
    /// untouched (its zeroed values are never read, so they never take memory; at 10M events
    /// the parts' null columns and their joined copy took 160 MB).
    created_all_null: bool,
    flags: Vec<u8>,
    coded: [CodedJoiner; 5],
}

impl Default for Joiner {
    fn default() -> Joiner {
        Joiner::with_capacity(0)
    }
}

impl Joiner {
    /// Nothing joined yet; room for `rows` events. (The parts of an events CSV are joined
    /// without room set aside: room for an estimate of the file's rows took 90 MB more at
    /// 10M events than the columns grown as the parts come.)
    pub fn with_capacity(rows: usize) -> Joiner {
        Joiner {
            first: None,
            rows: 0,
            created_all_null: true,
            flags: Vec::new(),
            coded: std::array::from_fn(|_| CodedJoiner::with_capacity(rows)),
        }
    }

    /// Append `t`'s events.
    pub fn push(&mut self, mut t: EventTable) -> PolarsResult<()> {
        let before = self.rows;
        let n = t.len();
        if !t.flags.is_empty() || !self.flags.is_empty() {
            self.flags.resize(before, 0);
            if t.flags.is_empty() {
                self.flags.resize(before + n, 0);
            } else {
                self.flags.extend_from_slice(&t.flags);
            }
        }
        self.rows += n;
        for (j, c) in self.coded.iter_mut().zip(std::mem::take(&mut t.coded)) {
            j.push(&c.codes, &c.names);
        }
        let has_created = t.created.null_count() != t.created.len();
        let was_all_null = self.created_all_null;
        self.created_all_null &= !has_created;
        let Some(first) = &mut self.first else {
            t.flags = Vec::new();
            self.first = Some(t);
            return Ok(());
        };
        first.item_id.append(&t.item_id)?;
        first.timestamp.append(&t.timestamp)?;
        match (was_all_null, self.created_all_null) {
            (true, true) => {}
            (true, false) => {
                // The first table with a value: the nulls so far, then this one.
                let mut c = Int64Chunked::full_null(Col::Created.name().into(), before);
                c.append(&t.created)?;
                first.created = c;
            }
            (false, _) => first.created.append(&t.created)?,
        }
        Ok(())
    }

    /// The joined table.
    pub fn finish(self) -> PolarsResult<EventTable> {
        let rows = self.rows;
        let mut t = match self.first {
            Some(t) => t,
            None => EventTable {
                item_id: StringChunked::from_iter_values(
                    Col::ItemId.name().into(),
                    std::iter::empty::<&str>(),
                ),
                timestamp: Int64Chunked::from_vec(Col::Timestamp.name().into(), Vec::new()),
                created: Int64Chunked::from_vec(Col::Created.name().into(), Vec::new()),
                coded: Default::default(),
                flags: Vec::new(),
            },
        };
        if self.created_all_null && t.created.len() != rows {
            t.created = Int64Chunked::full_null(Col::Created.name().into(), rows);
        }
        if rows > 0 {
            t.coded = self.coded.map(CodedJoiner::finish);
        }
        t.flags = self.flags;
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_built_column_equals_the_coded_values_and_constants_are_one_name() {
        let names = [Some("b"), None, Some("a"), Some("b"), None, Some("c")];
        let mut b = CodedBuilder::with_capacity(names.len());
        for n in names {
            let c = n.map_or(NULL_CODE, |n| b.code_of(n));
            b.push(c);
        }
        let want = Coded::from_values(names.iter().map(|n| n.map(str::to_string)).collect());
        assert_eq!(b.finish(), want);
        let k = Coded::constant("xes", 3);
        assert_eq!(k, Coded::from_values(vec![Some("xes".to_string()); 3]));
    }

    #[test]
    fn coding_merges_parts_into_one_table_in_order_of_appearance() {
        let n = 2 * CODE_PART + 10;
        let values: Vec<Option<String>> = (0..n)
            .map(|i| match i % 4 {
                0 => None,
                r => Some(format!("v{}", (i / 4 + r) % 7)),
            })
            .collect();
        let ca = StringChunked::from_iter_options("x".into(), values.iter().map(|v| v.as_deref()));
        let c = Coded::from_text(&ca);
        assert_eq!(c.len(), n);
        assert_eq!(c.names().count(), 7);
        for (i, v) in values.iter().enumerate() {
            assert_eq!(c.get(i), v.as_deref());
        }
        assert_eq!(c.code(0), NULL_CODE);
        assert_eq!(c.get(1), Some("v1"));
        assert_eq!(c.code(1), 0);
        assert_eq!(Coded::from_values(values.clone()).names().count(), 7);
        assert_eq!(
            Coded::concat(vec![Coded::from_values(values.clone()), c.clone()]).get(n + 1),
            Some("v1")
        );
    }

    #[test]
    fn fill_null_and_concat_tables() {
        let mut c = Coded::from_values(vec![None, Some("jira".into()), None]);
        c.fill_null("csv");
        assert_eq!(c.get(0), Some("csv"));
        assert_eq!(c.get(1), Some("jira"));
        assert!(!c.all_null());
        assert!(Coded::nulls(3).all_null());
        let mut b = EventBatch::default();
        b.push(crate::model::Event {
            item_id: "A".into(),
            timestamp: 5,
            status: Some("To Do".into()),
            ..Default::default()
        });
        let t = EventTable::concat(vec![
            EventTable::from_batch(b.clone()),
            EventTable::from_batch(b),
        ])
        .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.ts_bounds(), (Some(5), Some(5)));
        assert_eq!(t.coded(Col::Status).code(1), 0);
        assert_eq!(t.to_frame().unwrap().height(), 2);
        assert!(t.flags.is_empty());
    }

    #[test]
    fn bounds_are_the_least_and_greatest_instant_over_every_chunk_nulls_skipped() {
        let table = |ts: Vec<Option<Ts>>| {
            let n = ts.len();
            EventTable {
                item_id: StringChunked::from_iter_values("i".into(), (0..n).map(|_| "A")),
                timestamp: Int64Chunked::from_iter_options("t".into(), ts.into_iter()),
                created: Int64Chunked::full_null("c".into(), n),
                coded: std::array::from_fn(|_| Coded::nulls(n)),
                flags: Vec::new(),
            }
        };
        let mut t = table(vec![Some(7), Some(-3), Some(12)]);
        for more in [
            vec![None, Some(40), None],
            vec![Some(-9)],
            vec![None],
            vec![],
        ] {
            t.timestamp.append(&table(more).timestamp).unwrap();
        }
        assert_eq!(t.timestamp.chunks().len(), 4); // polars drops the empty one
        assert_eq!(t.ts_bounds(), (Some(-9), Some(40)));
        assert_eq!(t.ts_bounds(), (t.timestamp.min(), t.timestamp.max()));
        assert_eq!(table(vec![None, None]).ts_bounds(), (None, None));
        assert_eq!(table(vec![]).ts_bounds(), (None, None));
    }

    #[test]
    fn flags_are_materialised_only_when_set_and_kept_in_row_order_by_concat() {
        let mut b = EventBatch::default();
        for ts in [1, 2] {
            b.push(crate::model::Event {
                item_id: "A".into(),
                timestamp: ts,
                ..Default::default()
            });
        }
        let plain = EventTable::from_batch(b.clone());
        let mut flagged = EventTable::from_batch(b);
        flagged.set_flag(1, 2, flags::START);
        flagged.set_flag(0, 2, flags::ACTIVITY);
        assert_eq!(
            flagged.flags,
            [flags::ACTIVITY, flags::ACTIVITY | flags::START]
        );
        let t = EventTable::concat(vec![plain.clone(), flagged.clone(), plain.clone()]).unwrap();
        assert_eq!(t.flags, [0, 0, 2, 3, 0, 0]);
        let t = EventTable::concat(vec![plain.clone(), plain]).unwrap();
        assert!(t.flags.is_empty());
    }

    #[test]
    fn creation_instants_are_joined_in_row_order_and_all_null_parts_made_once() {
        let table = |created: &[Option<i64>]| {
            let mut b = EventBatch::default();
            for (k, c) in created.iter().enumerate() {
                b.push(crate::model::Event {
                    item_id: "A".into(),
                    timestamp: k as i64,
                    created: *c,
                    ..Default::default()
                });
            }
            EventTable::from_batch(b)
        };
        let values = |t: &EventTable| t.created.iter().collect::<Vec<_>>();
        // Null parts before, between and after parts with values.
        let t = EventTable::concat(vec![
            table(&[None, None]),
            table(&[Some(7)]),
            table(&[None]),
            table(&[None, Some(9)]),
        ])
        .unwrap();
        assert_eq!(
            values(&t),
            [None, None, Some(7), None, None, Some(9)],
            "{t:?}"
        );
        // Only nulls: one column of the right length, in one chunk.
        let t =
            EventTable::concat(vec![table(&[None, None]), table(&[None]), table(&[None])]).unwrap();
        assert_eq!(values(&t), [None, None, None, None]);
        assert_eq!(t.created.chunks().len(), 1);
        let t = EventTable::concat(vec![table(&[Some(1)]), table(&[None])]).unwrap();
        assert_eq!(values(&t), [Some(1), None]);
    }
}
