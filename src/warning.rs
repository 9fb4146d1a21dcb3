//! Data-quality warnings: problems that do not stop the audit. They are counted, shown in
//! the report and `summary.json`, and become errors under `--strict`.

use serde::Serialize;
use std::collections::BTreeMap;

/// The kinds of data-quality warning. The `Display` of each says what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A timestamp had no UTC offset and was read in the report time zone.
    TimestampWithoutOffset,
    /// A local timestamp fell in a DST gap and was moved forward.
    TimestampInDstGap,
    /// An event had no timestamp and was skipped.
    EventWithoutTimestamp,
    /// Events after `as_of` were ignored.
    EventAfterAsOf,
    /// An explicit creation time later than the item's first event.
    CreatedAfterFirstEvent,
    /// A status matched no pattern and fell back to `backlog`.
    UnmappedStatus,
    /// A done item that was never started (no cycle time).
    DoneWithoutStart,
    /// An item with no status at all.
    ItemWithoutStatus,
    /// A row whose item id was empty was skipped.
    RowWithoutItemId,
    /// Identical events (same item, instant and fields) in the input.
    DuplicateEvent,
    /// A timestamp before 1970 or after 2100: kept, but probably a typo; the latest one
    /// sets `as_of` when none is given.
    ImplausibleTimestamp,
    /// A Jira changelog with fewer histories than its `total`.
    TruncatedChangelog,
    /// Item ids that collided across sources and were prefixed.
    ItemIdCollision,
    /// Two copies of one Azure DevOps work-item revision that disagree (the first was kept).
    ConflictingRevision,
    /// An input file, or part of one, was read but skipped (GitHub events whose issue
    /// cannot be identified, a GraphQL timeline page, a file with no GitHub objects).
    InputSkipped,
    /// One status name arrived with different source categories (METRICS.md §2); the
    /// category most items report was used.
    ConflictingSourceCategory,
    /// A recorded paginated export whose `Link: rel="next"` points to a page that is not in
    /// the input: the items on the missing pages are not audited.
    IncompletePagination,
    /// Items whose team was set to a placeholder (`?`, `unknown`…), read as no team.
    PlaceholderTeam,
    /// Almost every done item finished within a few weeks of a long grid
    /// (`metrics::finish_window`): rates over the whole grid understate the window's.
    FinishWindow,
}

impl WarningKind {
    /// Stable snake_case id used in `summary.json`.
    pub fn id(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// One counted warning.
#[derive(Debug, Clone, Serialize)]
pub struct WarningEntry {
    /// Kind id.
    pub kind: WarningKind,
    /// How many times it happened.
    pub count: u64,
    /// What happened (the first occurrence) and what to do.
    pub message: String,
}

/// Counted warnings, merged from every stage. Deterministic: ordered by kind, and the
/// message kept is the first one recorded in input order.
#[derive(Debug, Clone, Default)]
pub struct Warnings {
    entries: BTreeMap<WarningKind, WarningEntry>,
}

impl Warnings {
    /// Count `n` occurrences of `kind`; `message` is kept if this is the first.
    pub fn add(&mut self, kind: WarningKind, n: u64, message: impl FnOnce() -> String) {
        if n == 0 {
            return;
        }
        self.entries
            .entry(kind)
            .and_modify(|e| e.count += n)
            .or_insert_with(|| WarningEntry {
                kind,
                count: n,
                message: message(),
            });
    }

    /// Merge another set (its messages lose to ours for kinds we already have).
    pub fn merge(&mut self, other: Warnings) {
        for (k, e) in other.entries {
            self.entries
                .entry(k)
                .and_modify(|x| x.count += e.count)
                .or_insert(e);
        }
    }

    /// All entries, by kind.
    pub fn entries(&self) -> Vec<WarningEntry> {
        self.entries.values().cloned().collect()
    }

    /// Count for one kind.
    pub fn count(&self, kind: WarningKind) -> u64 {
        self.entries.get(&kind).map_or(0, |e| e.count)
    }

    /// True when nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_keeps_first_message() {
        let mut w = Warnings::default();
        w.add(WarningKind::UnmappedStatus, 2, || "first".into());
        w.add(WarningKind::UnmappedStatus, 3, || "second".into());
        w.add(WarningKind::EventAfterAsOf, 0, || "never".into());
        assert_eq!(w.count(WarningKind::UnmappedStatus), 5);
        assert_eq!(w.entries().len(), 1);
        assert_eq!(w.entries()[0].message, "first");
        assert_eq!(WarningKind::UnmappedStatus.id(), "unmapped_status");
    }
}
