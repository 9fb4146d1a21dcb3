//! The events partitioned by item into temporary Parquet files: the bounded-memory audit
//! (`--memory-budget`, docs/BOUNDED-MEMORY.md).
//!
//! Partitions are ranges of item ids ([`Spill::partition_of`]: boundaries drawn from a sample
//! of the ids, so each partition holds about as many events), and each keeps its rows in input
//! order. So ordering a partition ([`super::SortedEvents`]) gives every item exactly the
//! events, in exactly the order, that ordering the whole table gives it, and the partitions'
//! items one after the other are the whole table's items in item order: the per-item pass runs
//! one partition at a time and its records are simply appended (`app::partitioned_pass`).
//!
//! Only the per-row values are written: the five coded columns keep the whole table's value
//! tables in memory (a few thousand names) and are written as their codes, so a partition read
//! back has the same names, in the same order, as the whole table.

use super::table::{Coded, CodedBuilder, EventTable, NULL_CODE};
use crate::model::Col;
use crate::model::Ts;
use polars::io::parquet::write::BatchedWriter as ParquetBatches;
use polars::prelude::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

/// A new folder for the partitions of one input: in `TMPDIR`, named by the process and a
/// counter (several audits may run in one process, as the tests do).
pub fn temp_dir() -> PathBuf {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("flowaudit-partitions-{}-{run}", std::process::id()))
}

/// The partition of the item `id` under the boundaries `cuts`: how many boundaries sort
/// before it. Ids in a lower partition sort before ids in a higher one.
fn partition_under(cuts: &[Option<Box<str>>], id: Option<&str>) -> usize {
    cuts.partition_point(|c| c.as_deref() < id)
}

/// Rows of the ids sampled to draw the partitions' boundaries (at most).
const SAMPLE: usize = 1 << 16;

/// Boundaries that cut the item ids sampled in `sample` into at most `parts` ranges of
/// about as many rows: the sample sorted, cut at equal counts (repeated boundaries dropped,
/// so there may be fewer ranges). Any boundaries give the same report; good ones give
/// partitions of about equal size.
fn boundaries(mut sample: Vec<Option<&str>>, parts: usize) -> Vec<Option<Box<str>>> {
    sample.sort_unstable();
    let mut cuts: Vec<Option<Box<str>>> = Vec::new();
    if sample.is_empty() {
        return cuts;
    }
    for k in 1..parts.max(1) {
        let b = sample[k * sample.len() / parts];
        if cuts.last().map(Option::as_deref) != Some(b) {
            cuts.push(b.map(Box::from));
        }
    }
    cuts
}

/// Boundaries for `parts` partitions of an input whose ids are sampled in `ids` (owned
/// strings, e.g. read at even offsets of a file before it is read).
pub fn sampled_cuts(ids: &[String], parts: usize) -> Vec<Option<Box<str>>> {
    boundaries(ids.iter().map(|s| Some(s.as_str())).collect(), parts)
}

/// The events, partitioned by item into Parquet files in a temporary folder that is removed
/// when this is dropped.
#[derive(Debug)]
pub struct Spill {
    dir: PathBuf,
    /// Partition `p` holds the items whose ids are above `cuts[p - 1]` and at most `cuts[p]`
    /// (missing ids first).
    cuts: Vec<Option<Box<str>>>,
    /// The value tables of the coded columns (the whole input's, in order of first
    /// appearance).
    names: [Vec<Box<str>>; 5],
    /// Rows per partition.
    rows: Vec<usize>,
    /// What reading a partition back applies to every row.
    fixes: Fixes,
    /// What the log kinds need of a streamed input (`log_kind`).
    pub facts: InputFacts,
}

/// What reading a partition back applies to its rows: the decisions an events CSV makes over
/// the whole file (`events_csv`), and the log kind's flags (`log_kind`), taken after the rows
/// were written.
#[derive(Debug, Clone, Default)]
struct Fixes {
    /// No row had an assignee: the actor stands in (METRICS.md §1).
    assignee_from_actor: bool,
    /// The code missing sources take (the events CSV's `csv`).
    source_fill: Option<u32>,
    /// The lifecycle column was not one: no row starts anything.
    clear_flags: bool,
    /// Flags every row gets (an activity log's, `log_kind`).
    extra_flags: u8,
}

/// What the log kinds (`log_kind`) read of an input that was streamed to partitions without
/// ever being one table in memory: the same facts they read from the rows of a table.
#[derive(Debug, Clone, Default)]
pub struct InputFacts {
    /// Rows with a status, per (status code, source code) (codes of the spill's value tables).
    pub status_sources: FxHashMap<(u32, u32), u64>,
    /// The source code of the first row.
    pub first_source: Option<u32>,
    /// Some row starts an activity (`flags::START`).
    pub starts: bool,
    /// Earliest and latest instant.
    pub ts_bounds: (Option<Ts>, Option<Ts>),
}

/// Writes tables (an input's parts, in input order) into the partitions of a [`Spill`].
pub struct SpillWriter {
    dir: PathBuf,
    cuts: Vec<Option<Box<str>>>,
    /// The global value tables: codes in order of first appearance over all parts.
    dicts: [CodedBuilder; 5],
    writers: Vec<ParquetBatches<std::fs::File>>,
    rows: Vec<usize>,
    facts: InputFacts,
    assignee_all_null: bool,
    source_has_null: bool,
}

/// The columns of a partition file.
fn file_schema() -> Schema {
    let mut s = Schema::default();
    s.insert(Col::ItemId.name().into(), DataType::String);
    s.insert(Col::Timestamp.name().into(), DataType::Int64);
    s.insert(Col::Created.name().into(), DataType::Int64);
    for k in 0..5 {
        s.insert(coded_name(k).into(), DataType::UInt32);
    }
    s.insert(FLAGS.into(), DataType::UInt32);
    s
}

impl SpillWriter {
    /// Partitions cut at `cuts` (see [`sampled_cuts`]), in a new folder `dir`.
    pub fn create(dir: PathBuf, cuts: Vec<Option<Box<str>>>) -> PolarsResult<SpillWriter> {
        std::fs::create_dir_all(&dir)?;
        let schema = file_schema();
        let mut writers = Vec::with_capacity(cuts.len() + 1);
        for p in 0..=cuts.len() {
            let file = std::fs::File::create(part_path(&dir, p))?;
            writers.push(
                ParquetWriter::new(file)
                    .with_compression(ParquetCompression::Uncompressed)
                    .set_parallel(false)
                    .batched(&schema)?,
            );
        }
        Ok(SpillWriter {
            rows: vec![0; cuts.len() + 1],
            dir,
            cuts,
            dicts: Default::default(),
            writers,
            facts: InputFacts::default(),
            assignee_all_null: true,
            source_has_null: false,
        })
    }

    /// The partition of the item `id`.
    fn partition_of(&self, id: Option<&str>) -> usize {
        partition_under(&self.cuts, id)
    }

    /// Append the rows of `part` (the next rows of the input) to their partitions.
    pub fn push(&mut self, part: EventTable) -> PolarsResult<()> {
        let n = part.len();
        // Codes into the global value tables (first appearance over all parts, as
        // `EventTable::concat` gives them).
        let mut codes: [Vec<u32>; 5] = Default::default();
        for (k, c) in part.coded.iter().enumerate() {
            let map: Vec<u32> = c.names().map(|s| self.dicts[k].code_of(s)).collect();
            codes[k] = (0..n)
                .map(|i| match c.code(i) {
                    NULL_CODE => NULL_CODE,
                    x => map[x as usize],
                })
                .collect();
        }
        self.note_facts(&part, &codes);
        let ids = part.item_id.rechunk();
        let ids = ids.downcast_as_array();
        let of: Vec<u32> = (0..n)
            .into_par_iter()
            .map(|i| self.partition_of(ids.get(i)) as u32)
            .collect();
        let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); self.writers.len()];
        for (i, p) in of.into_iter().enumerate() {
            buckets[p as usize].push(i as u32);
        }
        let (ts, created) = (part.timestamp.rechunk(), part.created.rechunk());
        let (ts, created) = (ts.downcast_as_array(), created.downcast_as_array());
        let flags = &part.flags;
        for (p, rows) in buckets.iter().enumerate() {
            self.rows[p] += rows.len();
        }
        self.writers
            .par_iter_mut()
            .zip(buckets)
            .filter(|(_, rows)| !rows.is_empty())
            .try_for_each(|(w, rows)| {
                let ints = |name: Col, a: &super::table::IntArray| {
                    Int64Chunked::from_iter_options(
                        name.name().into(),
                        rows.iter().map(|&i| a.get(i as usize)),
                    )
                    .into_column()
                };
                let mut columns = vec![
                    StringChunked::from_iter_options(
                        Col::ItemId.name().into(),
                        rows.iter().map(|&i| ids.get(i as usize)),
                    )
                    .into_column(),
                    ints(Col::Timestamp, ts),
                    ints(Col::Created, created),
                ];
                for (k, c) in codes.iter().enumerate() {
                    let v: Vec<u32> = rows.iter().map(|&i| c[i as usize]).collect();
                    columns.push(UInt32Chunked::from_vec(coded_name(k).into(), v).into_column());
                }
                let f: Vec<u32> = rows
                    .iter()
                    .map(|&i| u32::from(flags.get(i as usize).copied().unwrap_or(0)))
                    .collect();
                columns.push(UInt32Chunked::from_vec(FLAGS.into(), f).into_column());
                w.write_batch(&DataFrame::new(rows.len(), columns)?)
            })
    }

    /// The facts the log kinds need, counted from one part's rows (codes already global).
    fn note_facts(&mut self, part: &EventTable, codes: &[Vec<u32>; 5]) {
        let f = &mut self.facts;
        if f.first_source.is_none() && self.rows.iter().all(|&r| r == 0) && !part.is_empty() {
            f.first_source = Some(codes[4][0]);
        }
        for (st, src) in codes[0].iter().zip(&codes[4]) {
            if *st != NULL_CODE {
                *f.status_sources.entry((*st, *src)).or_insert(0) += 1;
            }
        }
        f.starts |= part.flags.iter().any(|x| x & super::flags::START != 0);
        let (lo, hi) = part.ts_bounds();
        f.ts_bounds = (
            match (f.ts_bounds.0, lo) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
            match (f.ts_bounds.1, hi) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
        );
        self.assignee_all_null &= part.coded[1].all_null();
        self.source_has_null |= codes[4].contains(&NULL_CODE);
    }

    /// Close the partitions. `csv` applies an events CSV's decisions over the whole file:
    /// the actor stands in for an assignee no row has, missing sources read `csv`, and a
    /// lifecycle column that is not one sets no start (as `events_csv` does to a table).
    pub fn finish(mut self, csv: Option<CsvDecisions>) -> PolarsResult<Spill> {
        for w in &mut self.writers {
            w.finish()?;
        }
        let mut fixes = Fixes::default();
        if let Some(d) = csv {
            fixes.assignee_from_actor = self.assignee_all_null;
            if self.source_has_null {
                let code = self.dicts[4].code_of("csv");
                fixes.source_fill = Some(code);
                let counts = std::mem::take(&mut self.facts.status_sources);
                for ((st, src), n) in counts {
                    let src = if src == NULL_CODE { code } else { src };
                    *self.facts.status_sources.entry((st, src)).or_insert(0) += n;
                }
                if self.facts.first_source == Some(NULL_CODE) {
                    self.facts.first_source = Some(code);
                }
            }
            fixes.clear_flags = d.non_standard_lifecycle;
            self.facts.starts &= !d.non_standard_lifecycle;
        }
        let names = self
            .dicts
            .map(|d| d.finish().names().map(Box::from).collect::<Vec<_>>());
        Ok(Spill {
            dir: self.dir,
            cuts: self.cuts,
            names,
            rows: self.rows,
            fixes,
            facts: self.facts,
        })
    }
}

/// An events CSV's decisions over the whole file ([`SpillWriter::finish`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvDecisions {
    /// A lifecycle value outside the XES model was seen: the column is not a lifecycle.
    pub non_standard_lifecycle: bool,
}

/// The file of partition `p` in `dir`.
fn part_path(dir: &Path, p: usize) -> PathBuf {
    dir.join(format!("part-{p:04}.parquet"))
}

/// The column of the per-row flags in a partition file.
const FLAGS: &str = "flags";

/// The name of coded column `k` in a partition file.
fn coded_name(k: usize) -> &'static str {
    super::table::CODED[k].name()
}

impl Spill {
    /// Write `table` into `parts` partitions under a new folder `dir` (created; removed again
    /// on failure and when the result is dropped). The table is consumed: its memory is free
    /// once this returns.
    pub fn write(table: EventTable, parts: usize, dir: PathBuf) -> PolarsResult<Spill> {
        let cuts = {
            let ids = table.item_id.rechunk();
            let ids = ids.downcast_as_array();
            let stride = ids.len().div_ceil(SAMPLE).max(1);
            boundaries(
                (0..ids.len()).step_by(stride).map(|i| ids.get(i)).collect(),
                parts,
            )
        };
        let mut w = SpillWriter::create(dir.clone(), cuts)?;
        let written = w.push(table).and_then(|()| w.finish(None));
        if written.is_err() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        written
    }

    /// Flags every row gets when read back (an activity log's, set after it was written).
    pub fn add_flags(&mut self, f: u8) {
        self.fixes.extra_flags |= f;
    }

    /// The value table of coded column `k` (status, assignee, team, actor, source).
    pub fn names(&self, k: usize) -> impl Iterator<Item = &str> {
        self.names[k].iter().map(|s| &**s)
    }

    /// Events in all partitions.
    pub fn len(&self) -> usize {
        self.rows.iter().sum()
    }

    /// No events?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The partition of the item `id` ([`partition_under`] its boundaries).
    pub fn partition_of(&self, id: Option<&str>) -> usize {
        partition_under(&self.cuts, id)
    }

    /// Number of partitions.
    pub fn parts(&self) -> usize {
        self.rows.len()
    }

    /// Rows of each partition.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// The file of partition `p`.
    fn path(&self, p: usize) -> PathBuf {
        part_path(&self.dir, p)
    }

    /// The folder the partitions are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Partition `p` as an event table: its rows in input order, the coded columns with the
    /// whole table's value tables.
    pub fn read(&self, p: usize) -> PolarsResult<EventTable> {
        let file = std::fs::File::open(self.path(p))?;
        let df = ParquetReader::new(file).set_rechunk(true).finish()?;
        let codes = |name: &str| -> PolarsResult<Vec<u32>> {
            Ok(df.column(name)?.u32()?.into_no_null_iter().collect())
        };
        let mut coded: [Coded; 5] = Default::default();
        for (k, c) in coded.iter_mut().enumerate() {
            let mut v = codes(coded_name(k))?;
            if let (4, Some(fill)) = (k, self.fixes.source_fill) {
                for x in v.iter_mut().filter(|x| **x == NULL_CODE) {
                    *x = fill;
                }
            }
            *c = Coded::from_codes(v, self.names[k].clone());
        }
        if self.fixes.assignee_from_actor {
            coded[1] = coded[3].clone();
        }
        let extra = self.fixes.extra_flags;
        let mut flags: Vec<u8> = if self.fixes.clear_flags {
            vec![extra; df.height()]
        } else {
            codes(FLAGS)?.into_iter().map(|f| f as u8 | extra).collect()
        };
        // No flag on any row reads as no flags at all (as a table without them).
        if flags.iter().all(|f| *f == 0) {
            flags = Vec::new();
        }
        Ok(EventTable {
            item_id: df.column(Col::ItemId.name())?.str()?.clone(),
            timestamp: df.column(Col::Timestamp.name())?.i64()?.clone(),
            created: df.column(Col::Created.name())?.i64()?.clone(),
            coded,
            flags,
        })
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> EventTable {
        let ids = [Some("B"), Some("A"), None, Some("B"), Some("C"), Some("A")];
        let ts = [5, 1, 2, 6, 3, 4];
        let text = |v: &[Option<&str>]| {
            Coded::from_values(v.iter().map(|s| s.map(String::from)).collect())
        };
        EventTable {
            item_id: StringChunked::from_iter_options(Col::ItemId.name().into(), ids.into_iter()),
            timestamp: Int64Chunked::from_vec(Col::Timestamp.name().into(), ts.to_vec()),
            created: Int64Chunked::from_iter_options(
                Col::Created.name().into(),
                [None, Some(0), None, None, Some(1), Some(0)].into_iter(),
            ),
            coded: [
                text(&[
                    Some("Done"),
                    Some("To Do"),
                    None,
                    Some("Doing"),
                    Some("To Do"),
                    Some("Done"),
                ]),
                text(&[None; 6]),
                text(&[Some("t1"); 6]),
                text(&[Some("ann"), None, None, Some("bob"), None, Some("ann")]),
                text(&[Some("csv"); 6]),
            ],
            flags: vec![0, 2, 0, 1, 0, 3],
        }
    }

    #[test]
    fn boundaries_cut_sorted_ids_at_equal_counts() {
        let ids = vec![Some("d"), Some("a"), None, Some("c"), Some("b"), Some("a")];
        // Sorted: None a a b c d; three parts cut after 2 and 4 rows.
        assert_eq!(boundaries(ids, 3), vec![Some("a".into()), Some("c".into())]);
        // Repeated boundaries are dropped: fewer parts than asked.
        assert_eq!(boundaries(vec![Some("x"); 8], 4), vec![Some("x".into())]);
        assert!(boundaries(vec![Some("x"); 8], 1).is_empty());
        assert!(boundaries(Vec::new(), 4).is_empty());
        let owned = ["b".to_string(), "a".to_string()];
        assert_eq!(sampled_cuts(&owned, 2), vec![Some("b".into())]);
    }

    #[test]
    fn partitions_hold_each_items_rows_in_input_order_with_the_same_names() {
        let whole = table();
        let dir = std::env::temp_dir().join(format!("flowaudit-spill-test-{}", std::process::id()));
        let spill = Spill::write(table(), 3, dir.clone()).unwrap();
        assert_eq!(spill.rows().iter().sum::<usize>(), 6);
        let mut seen = 0;
        for p in 0..spill.parts() {
            let t = spill.read(p).unwrap();
            assert_eq!(t.len(), spill.rows()[p]);
            // The rows of this partition, in input order, equal the whole table's.
            let rows: Vec<usize> = (0..whole.len())
                .filter(|&i| spill.partition_of(whole.item_id.get(i)) == p)
                .collect();
            // Every id of this partition sorts after every id of the ones before.
            if let (Some(&first), true) = (rows.first(), p > 0) {
                assert!(spill.cuts[p - 1].as_deref() < whole.item_id.get(first));
            }
            for (k, &i) in rows.iter().enumerate() {
                assert_eq!(t.item_id.get(k), whole.item_id.get(i));
                assert_eq!(t.timestamp.get(k), whole.timestamp.get(i));
                assert_eq!(t.created.get(k), whole.created.get(i));
                assert_eq!(t.flags.get(k).copied().unwrap_or(0), whole.flags[i]);
                for c in 0..5 {
                    assert_eq!(t.coded[c].get(k), whole.coded[c].get(i));
                    assert_eq!(t.coded[c].code(k), whole.coded[c].code(i));
                }
            }
            for c in 0..5 {
                assert!(t.coded[c].names().eq(whole.coded[c].names()));
            }
            seen += rows.len();
        }
        assert_eq!(seen, 6);
        drop(spill);
        assert!(!dir.exists(), "the partitions are removed with the spill");
    }
}
