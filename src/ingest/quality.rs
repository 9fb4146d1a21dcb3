//! Merging and checking the events of every input: item ids that collide across systems get
//! their source as prefix, and the ordered events are checked for duplicate events and
//! implausible timestamps (counted as warnings).

use super::*;

/// The source prefix of a format's item ids when they collide with another system's.
pub(super) fn source_prefix(f: Format) -> &'static str {
    match f {
        Format::EventsCsv | Format::Parquet => "csv",
        Format::Xes => "xes",
        Format::JiraJson | Format::JiraCsv => "jira",
        Format::Github => "github",
        Format::Linear => "linear",
        Format::AzureDevops => "azure_devops",
        Format::Trello => "trello",
        Format::Gitlab => "gitlab",
        Format::Bugzilla => "bugzilla",
        Format::Ocel => "ocel",
        Format::Inventory | Format::Roster => "",
    }
}

/// Prefix item ids that appear in inputs of more than one system (INTERFACE.md "Item ids")
/// with `source:`. Inputs of the same system (several Jira pages) never collide with each
/// other. Returns the frames and the colliding ids, sorted.
pub(super) fn prefix_collisions(
    frames: Vec<(EventTable, Format)>,
) -> PolarsResult<(Vec<(EventTable, Format)>, Vec<String>)> {
    use rustc_hash::FxHashSet;
    use std::collections::{BTreeMap, BTreeSet};
    // One system: nothing can collide (its ids were not gathered: at 10M events that was
    // 0.4 s on one core).
    let systems: BTreeSet<&'static str> = frames.iter().map(|(_, f)| source_prefix(*f)).collect();
    if systems.len() < 2 {
        return Ok((frames, Vec::new()));
    }
    let mut by_system: BTreeMap<&'static str, FxHashSet<&str>> = BTreeMap::new();
    for (t, f) in &frames {
        by_system
            .entry(source_prefix(*f))
            .or_default()
            .extend(t.item_id.iter().flatten());
    }
    if by_system.len() < 2 {
        return Ok((frames, Vec::new()));
    }
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut colliding: BTreeSet<String> = BTreeSet::new();
    for ids in by_system.values() {
        for id in ids {
            if !seen.insert(id) {
                colliding.insert(id.to_string());
            }
        }
    }
    drop(by_system);
    drop(seen);
    if colliding.is_empty() {
        return Ok((frames, Vec::new()));
    }
    let mut out = Vec::with_capacity(frames.len());
    for (mut t, f) in frames {
        let prefix = source_prefix(f);
        let renamed: StringChunked = t
            .item_id
            .iter()
            .map(|v| {
                v.map(|s| {
                    if colliding.contains(s) {
                        format!("{prefix}:{s}")
                    } else {
                        s.to_string()
                    }
                })
            })
            .collect();
        t.item_id = renamed.with_name(Col::ItemId.name().into());
        out.push((t, f));
    }
    Ok((out, colliding.into_iter().collect()))
}

/// Earliest plausible instant: 1970-01-01T00:00:00Z.
pub const PLAUSIBLE_FROM: Ts = 0;
/// Latest plausible instant: 2100-01-01T00:00:00Z.
pub const PLAUSIBLE_TO: Ts = 4_102_444_800_000_000;

/// Data-quality warnings counted on the sorted, `as_of`-filtered events (docs/METRICS.md
/// "Inputs"):
///
/// - `duplicate_event`: an event identical to an earlier one of the same item in every
///   canonical column (item, timestamp, status, assignee, team, actor, source, created) —
///   whichever file or row it came from. Each extra copy counts once; the copies are kept
///   (they repeat the state in force, so they change no duration, handoff or status count,
///   only the item's `events`).
/// - `implausible_timestamp`: an event before 1970 or after 2100. Kept; without `--as-of`
///   the latest event sets the audit instant, so one such typo moves `as_of` and ages every
///   open item.
///
/// Duplicates share (item, timestamp), so they are adjacent runs of the ordered events: one
/// linear pass, a hash set only inside runs of equal (item, timestamp).
pub fn quality_warnings(events: &SortedEvents) -> PolarsResult<Warnings> {
    Ok(QualityCounts::of(events)?.warnings())
}

/// The counts behind [`quality_warnings`], with the first example of each in audit order.
/// Counts of events partitioned by item ([`super::spill`]) merge exactly: [`QualityCounts::merge`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QualityCounts {
    dup: u64,
    first_dup: Option<(String, Ts)>,
    odd: u64,
    first_odd: Option<(String, Ts)>,
}

/// Of two first examples from disjoint sets of items, the first in audit order: the one of
/// the item that sorts first.
fn first_of(a: Option<(String, Ts)>, b: Option<(String, Ts)>) -> Option<(String, Ts)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

impl QualityCounts {
    /// Add the counts of events of other items.
    pub fn merge(&mut self, o: QualityCounts) {
        self.dup += o.dup;
        self.odd += o.odd;
        self.first_dup = first_of(self.first_dup.take(), o.first_dup);
        self.first_odd = first_of(self.first_odd.take(), o.first_odd);
    }

    /// The warnings (none when the counts are zero).
    pub fn warnings(&self) -> Warnings {
        let mut w = Warnings::default();
        let (dup, odd) = (self.dup, self.odd);
        w.add(crate::warning::WarningKind::DuplicateEvent, dup, || {
            let (id, t) = self.first_dup.clone().unwrap_or_default();
            format!(
                "{dup} event(s) are identical to an earlier event of the same item (first: item {} at {}); they were kept and count as events but change no duration or handoff. Remove the repeated rows if the export duplicated them",
                shown(&id),
                crate::time::format_instant(t)
            )
        });
        w.add(crate::warning::WarningKind::ImplausibleTimestamp, odd, || {
            let (id, t) = self.first_odd.clone().unwrap_or_default();
            format!(
                "{odd} event(s) have a timestamp before 1970 or after 2100 (first: item {} at {}); they were kept, and without --as-of the latest event sets the audit instant. Fix the timestamps or pass --as-of",
                shown(&id),
                crate::time::format_instant(t)
            )
        });
        w
    }

    /// Count the duplicate and implausible events of `events`.
    pub fn of(events: &SortedEvents) -> PolarsResult<QualityCounts> {
        use rayon::prelude::*;
        use rustc_hash::FxHashSet;
        /// Items a task checks: the items are checked in parallel blocks, and the blocks'
        /// counts added in item order (the first examples are the first block's that has one).
        const ITEMS: usize = 16_384;
        let c = events.columns()?;
        let order = events.order();
        let id = |item: usize| events.item_id(item).unwrap_or_default().to_string();
        let ts = |k: usize| c.timestamp.get(order[k] as usize);
        let row = |k: usize| {
            let i = order[k] as usize;
            // Equal names have equal codes.
            (
                c.status.code(i),
                c.assignee.code(i),
                c.team.code(i),
                c.actor.map_or(super::table::NULL_CODE, |a| a.code(i)),
                c.source.code(i),
                c.created.get(i),
            )
        };
        let blocks: Vec<QualityCounts> = events
            .items()
            .par_chunks(ITEMS)
            .enumerate()
            .map(|(b, block)| {
                let mut q = QualityCounts::default();
                // The items' ranges cover the order, in order.
                for (j, &(item_start, item_end)) in block.iter().enumerate() {
                    let item = b * ITEMS + j;
                    for k in item_start..item_end {
                        if let Some(t) = ts(k) {
                            if !(PLAUSIBLE_FROM..PLAUSIBLE_TO).contains(&t) {
                                q.odd += 1;
                                if q.first_odd.is_none() {
                                    q.first_odd = Some((id(item), t));
                                }
                            }
                        }
                    }
                    // Within the item, runs of equal instants.
                    let mut start = item_start;
                    while start < item_end {
                        let mut end = start + 1;
                        let t0 = ts(start);
                        while end < item_end && ts(end) == t0 {
                            end += 1;
                        }
                        if end - start > 1 {
                            let mut seen = FxHashSet::default();
                            for k in start..end {
                                if !seen.insert(row(k)) {
                                    q.dup += 1;
                                    if q.first_dup.is_none() {
                                        q.first_dup = Some((id(item), ts(k).unwrap_or_default()));
                                    }
                                }
                            }
                        }
                        start = end;
                    }
                }
                q
            })
            .collect();
        let mut out = QualityCounts::default();
        for q in blocks {
            out.dup += q.dup;
            out.odd += q.odd;
            out.first_dup = out.first_dup.or(q.first_dup);
            out.first_odd = out.first_odd.or(q.first_odd);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::table::EventTable;

    #[test]
    fn counts_and_first_examples_are_those_of_the_item_order_across_blocks() {
        // 40,000 items (three blocks of the parallel check); duplicates in items 20,000 and
        // 35,000, implausible instants in items 17,000 and 39,000 (and 35,000's duplicate).
        let day = 86_400_000_000i64;
        let mut b = crate::model::EventBatch::default();
        let mut push = |id: String, timestamp: i64| {
            b.push(crate::model::Event {
                item_id: id,
                timestamp,
                status: Some("To Do".into()),
                source: Some("csv".into()),
                ..Default::default()
            })
        };
        for k in 0..40_000u32 {
            let id = format!("I{k:05}");
            let t = match k {
                17_000 | 39_000 | 35_000 => PLAUSIBLE_FROM - day,
                _ => 19_000 * day + i64::from(k),
            };
            push(id.clone(), t);
            if k == 20_000 || k == 35_000 {
                push(id, t);
            }
        }
        let (events, _) = SortedEvents::new(EventTable::from_batch(b), i64::MAX).unwrap();
        let q = QualityCounts::of(&events).unwrap();
        assert_eq!((q.dup, q.odd), (2, 4));
        assert_eq!(
            q.first_dup,
            Some(("I20000".to_string(), 19_000 * day + 20_000))
        );
        assert_eq!(
            q.first_odd,
            Some(("I17000".to_string(), PLAUSIBLE_FROM - day))
        );
    }
}
