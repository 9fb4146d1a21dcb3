//! The per-item pass of one period: over the whole event table, or, past the memory budget,
//! over partitions of items on disk one at a time (docs/BOUNDED-MEMORY.md).

use super::Progress;
use crate::ingest;
use crate::metrics::items;
use crate::timeline::TimelineContext;
use anyhow::{Context, Result};

pub(super) fn empty_events() -> Result<ingest::EventTable> {
    ingest::EventTable::concat(Vec::new()).context("creating an empty event table")
}

/// Where a period's per-item pass reads the events from.
pub(super) enum Events<'a> {
    /// All in memory.
    Table(ingest::EventTable),
    /// Partitioned by item on disk (`--memory-budget`).
    Spilled(&'a ingest::spill::Spill),
}

/// The events moved into partitions on disk when the per-item pass would not fit in the memory
/// budget (`crate::memory::partitions`); `None` (everything stays in memory) when it fits.
pub(super) fn spill_if_needed(
    budget: u64,
    loaded: &mut ingest::Loaded,
) -> Result<Option<ingest::spill::Spill>> {
    let items: u64 = loaded.inputs.iter().map(|i| i.items).sum();
    let parts = crate::memory::partitions(loaded.events.len() as u64, items, budget);
    if parts <= 1 {
        return Ok(None);
    }
    let dir = ingest::spill::temp_dir();
    let table = std::mem::replace(&mut loaded.events, empty_events()?);
    let spill = ingest::spill::Spill::write(table, parts, dir.clone());
    // The table is gone: give its memory back before the per-item pass.
    crate::memory::release();
    let spill = spill.with_context(|| {
        format!(
            "writing the events in {parts} partitions to {} (--memory-budget); free space there, set TMPDIR to a folder with room, or raise --memory-budget",
            dir.display()
        )
    })?;
    Ok(Some(spill))
}

/// What the per-item pass gives for one period: the records in item order, the previous
/// period's records, and the counts behind its warnings.
pub(super) struct ItemPass {
    pub(super) records: Vec<items::ItemRecord>,
    pub(super) status: items::StatusFolds,
    pub(super) previous: Option<Vec<items::ItemRecord>>,
    pub(super) after: u64,
    pub(super) quality: ingest::QualityCounts,
}

impl ItemPass {
    /// Nothing yet, with room for `items` records (and as many previous ones with a period).
    fn with_capacity(items: usize, period: bool) -> ItemPass {
        ItemPass {
            records: Vec::with_capacity(items),
            status: items::StatusFolds::default(),
            previous: period.then(|| Vec::with_capacity(items)),
            after: 0,
            quality: ingest::QualityCounts::default(),
        }
    }

    /// Append the pass over the next partition (its items sort after these).
    fn append(&mut self, pass: ItemPass) {
        self.records.extend(pass.records);
        self.status.merge(pass.status);
        if let (Some(all), Some(part)) = (self.previous.as_mut(), pass.previous) {
            all.extend(part);
        }
        self.after += pass.after;
        self.quality.merge(pass.quality);
    }
}

/// The per-item pass over one table of events (all of them, or one partition of items).
pub(super) fn item_pass(events: ingest::EventTable, ctx: &TimelineContext) -> Result<ItemPass> {
    let (mut df, after) = ingest::prepare(events, ctx.as_of).context("sorting the events")?;
    let quality = ingest::QualityCounts::of(&df).context("checking the events")?;
    df.release_actor();
    let (records, status) = items::compute_folded(&df, ctx).context("computing item metrics")?;
    crate::memory::trace("items computed");
    // The previous period of equal length, audited as of its own end (METRICS.md §5).
    let previous = match ctx.period {
        Some((from, to)) => {
            let prev_df = df.until(from).context("selecting the previous period")?;
            let pctx = TimelineContext {
                as_of: from,
                period: Some((from - (to - from), from)),
                ..ctx.clone()
            };
            Some(items::compute(&prev_df, &pctx).context("computing the previous period")?)
        }
        None => None,
    };
    Ok(ItemPass {
        records,
        status,
        previous,
        after,
        quality,
    })
}

/// The per-item pass over every partition in turn: the partitions are ranges of item ids in
/// order, so their records one after the other are in item order (the order of the whole
/// table's pass); counts are summed, first examples are the first in item order. `items` is
/// the number of items expected (room reserved once for the records).
pub(super) fn partitioned_pass(
    spill: &ingest::spill::Spill,
    ctx: &TimelineContext,
    items: usize,
    progress: &dyn Progress,
) -> Result<ItemPass> {
    let mut all = ItemPass::with_capacity(items, ctx.period.is_some());
    for p in 0..spill.parts() {
        progress.partition(p + 1, spill.parts());
        let table = spill.read(p).with_context(|| {
            format!(
                "reading back partition {p} of the events from {}",
                spill.dir().display()
            )
        })?;
        all.append(item_pass(table, ctx)?);
        // The partition's events are gone: give their memory back before the next.
        crate::memory::release();
    }
    Ok(all)
}
