//! The time-in-status section: `tables/status_time.csv` (built with the flow figures) and,
//! for a Jira CSV export without a changelog, Jira's own accounting of time in status
//! (`[CHART] Time in Status`): `tables/jira_time_in_status.csv` and its totals.

use super::{r6, Block, Cell, Section, Table, TableId};
use std::collections::BTreeMap;

/// The columns of `tables/jira_time_in_status.csv`.
pub const JIRA_TIME_IN_STATUS_COLUMNS: [&str; 5] =
    ["item_id", "status_id", "status", "entered", "days"];
/// The columns of `tables/jira_time_in_status_totals.csv`.
pub const JIRA_TIME_IN_STATUS_TOTALS_COLUMNS: [&str; 3] = ["status", "items", "item_days"];

/// The section and Jira's tables (none without `[CHART] Time in Status`).
pub fn build(
    jira_time_in_status: &crate::ingest::jira_csv::TimeInStatus,
    jira_status_ids: &BTreeMap<String, String>,
) -> (Section, Vec<Table>) {
    let mut tables = Vec::new();
    let mut st_blocks = vec![Block::Table {
        name: TableId::StatusTime,
        limit: 40,
    }];
    if !jira_time_in_status.is_empty() {
        // Jira's own accounting ([CHART] Time in Status of the CSV export), per status.
        let mut per: BTreeMap<String, (u64, i64)> = BTreeMap::new();
        let mut rows = Vec::new();
        for (key, entries) in jira_time_in_status {
            for (id, entered, ms) in entries {
                let name = jira_status_ids
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| format!("status {id}"));
                let e = per.entry(name.clone()).or_insert((0, 0));
                e.0 += 1;
                e.1 += ms;
                rows.push(vec![
                    Cell::from(key.as_str()),
                    Cell::from(id.as_str()),
                    Cell::from(name),
                    Cell::from(*entered),
                    Cell::from(r6(*ms as f64 / 86_400_000.0)),
                ]);
            }
        }
        tables.push(Table {
            name: TableId::JiraTimeInStatus,
            header: JIRA_TIME_IN_STATUS_COLUMNS.to_vec(),
            rows,
        });
        tables.push(Table {
            name: TableId::JiraTimeInStatusTotals,
            header: JIRA_TIME_IN_STATUS_TOTALS_COLUMNS.to_vec(),
            rows: per
                .into_iter()
                .map(|(s, (n, ms))| {
                    vec![
                        Cell::from(s),
                        Cell::from(n),
                        Cell::from(r6(ms as f64 / 86_400_000.0)),
                    ]
                })
                .collect(),
        });
        st_blocks.push(Block::Paragraph(
            "Time in status as Jira itself accounts it (the CSV export's [CHART] Time in Status; a status's time is counted when the issue leaves it; status ids are named through [import] jira_status_ids of the config):".into(),
        ));
        st_blocks.push(Block::Table {
            name: TableId::JiraTimeInStatusTotals,
            limit: 40,
        });
    }
    (
        Section {
            id: "status-time",
            title: "Time in status".into(),
            blocks: st_blocks,
        },
        tables,
    )
}
