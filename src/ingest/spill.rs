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

use super::table::{Coded, EventTable};
use crate::model::Col;
use polars::prelude::*;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Rows of the ids sampled to draw the partitions' boundaries (at most).
const SAMPLE: usize = 1 << 16;

/// Boundaries that cut the item ids of `ids` into at most `parts` ranges of about as many
/// rows: ids of rows sampled at a fixed stride, sorted, cut at equal counts (fixed for an
/// input; repeated boundaries dropped, so there may be fewer ranges).
fn boundaries(ids: &super::table::TextArray, parts: usize) -> Vec<Option<Box<str>>> {
    let n = ids.len();
    let stride = n.div_ceil(SAMPLE).max(1);
    let mut sample: Vec<Option<&str>> = (0..n).step_by(stride).map(|i| ids.get(i)).collect();
    sample.sort_unstable();
    let mut cuts: Vec<Option<Box<str>>> = Vec::new();
    for k in 1..parts.max(1) {
        let b = sample[k * sample.len() / parts];
        if cuts.last().map(Option::as_deref) != Some(b) {
            cuts.push(b.map(Box::from));
        }
    }
    cuts
}

/// The events, partitioned by item into Parquet files in a temporary folder that is removed
/// when this is dropped.
#[derive(Debug)]
pub struct Spill {
    dir: PathBuf,
    /// Partition `p` holds the items whose ids are above `cuts[p - 1]` and at most `cuts[p]`
    /// (missing ids first).
    cuts: Vec<Option<Box<str>>>,
    /// The value tables of the coded columns (the whole table's, in its order).
    names: [Vec<Box<str>>; 5],
    /// Rows per partition.
    rows: Vec<usize>,
    /// Whether the table had per-row flags.
    flags: bool,
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
        std::fs::create_dir_all(&dir)?;
        let mut spill = Spill {
            dir,
            cuts: Vec::new(),
            names: Default::default(),
            rows: Vec::new(),
            flags: !table.flags.is_empty(),
        };
        let ids = table.item_id.rechunk();
        let ids = ids.downcast_as_array();
        spill.cuts = boundaries(ids, parts);
        let of: Vec<u32> = (0..ids.len())
            .into_par_iter()
            .map(|i| spill.partition_of(ids.get(i)) as u32)
            .collect();
        let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); spill.cuts.len() + 1];
        for (i, p) in of.into_iter().enumerate() {
            buckets[p as usize].push(i as u32);
        }
        spill.rows = buckets.iter().map(Vec::len).collect();
        let (ts, created) = (table.timestamp.rechunk(), table.created.rechunk());
        let (ts, created) = (ts.downcast_as_array(), created.downcast_as_array());
        buckets
            .into_par_iter()
            .enumerate()
            .try_for_each(|(p, rows)| {
                let text = StringChunked::from_iter_options(
                    Col::ItemId.name().into(),
                    rows.iter().map(|&i| ids.get(i as usize)),
                );
                let ints = |name: Col, a: &super::table::IntArray| {
                    Int64Chunked::from_iter_options(
                        name.name().into(),
                        rows.iter().map(|&i| a.get(i as usize)),
                    )
                    .into_column()
                };
                let mut columns = vec![
                    text.into_column(),
                    ints(Col::Timestamp, ts),
                    ints(Col::Created, created),
                ];
                for (k, c) in table.coded.iter().enumerate() {
                    let codes: Vec<u32> = rows.iter().map(|&i| c.code(i as usize)).collect();
                    columns
                        .push(UInt32Chunked::from_vec(coded_name(k).into(), codes).into_column());
                }
                if spill.flags {
                    let f: Vec<u32> = rows
                        .iter()
                        .map(|&i| u32::from(table.flags[i as usize]))
                        .collect();
                    columns.push(UInt32Chunked::from_vec(FLAGS.into(), f).into_column());
                }
                let mut df = DataFrame::new(rows.len(), columns)?;
                let file = std::fs::File::create(spill.path(p))?;
                ParquetWriter::new(std::io::BufWriter::with_capacity(1 << 20, file))
                    .with_compression(ParquetCompression::Uncompressed)
                    .set_parallel(false)
                    .finish(&mut df)?;
                Ok::<(), PolarsError>(())
            })
            .inspect_err(|_| {
                let _ = std::fs::remove_dir_all(&spill.dir);
            })?;
        spill.names = table
            .coded
            .each_ref()
            .map(|c| c.names().map(Box::from).collect());
        Ok(spill)
    }

    /// The partition of the item `id`: how many boundaries sort before it. Ids in a lower
    /// partition sort before ids in a higher one.
    pub fn partition_of(&self, id: Option<&str>) -> usize {
        self.cuts.partition_point(|c| c.as_deref() < id)
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
        self.dir.join(format!("part-{p:04}.parquet"))
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
            *c = Coded::from_codes(codes(coded_name(k))?, self.names[k].clone());
        }
        let flags = if self.flags {
            codes(FLAGS)?.into_iter().map(|f| f as u8).collect()
        } else {
            Vec::new()
        };
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
        let ids = super::super::table::TextArray::from_slice([
            Some("d"),
            Some("a"),
            None,
            Some("c"),
            Some("b"),
            Some("a"),
        ]);
        // Sorted: None a a b c d; three parts cut after 2 and 4 rows.
        assert_eq!(
            boundaries(&ids, 3),
            vec![Some("a".into()), Some("c".into())]
        );
        // Repeated boundaries are dropped: fewer parts than asked.
        let same = super::super::table::TextArray::from_slice([Some("x"); 8]);
        assert_eq!(boundaries(&same, 4), vec![Some("x".into())]);
        assert!(boundaries(&same, 1).is_empty());
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
                assert_eq!(t.flags[k], whole.flags[i]);
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
