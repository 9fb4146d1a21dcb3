//! Status log or activity log (METRICS.md §11): how each input is read.
//!
//! A *status log* names workflow statuses (To Do, In Progress, Done) that map to categories.
//! An *activity log* (a process-mining log: XES, or a CSV from pm4py, bupaR, Disco, Celonis)
//! names work steps ("T02 Check confirmation of receipt", "Leucocytes") that no status
//! pattern maps; read as statuses, every case would be "never started, never done".
//!
//! `[log] kind = "auto" | "statuses" | "activities"` (default `auto`), overridden per input in
//! `[log.kind_by_input]` by file name or source name. `auto` decides per input: an activity
//! log when **more than half** of its events that name a status name one that no config
//! entry, no source category and no pattern row 1–6 maps (only the fallback would). The
//! exports of trackers (Jira, GitHub, Linear, Azure DevOps, Trello) are always status logs.
//! Each decision carries its reason, shown in the report.

use crate::config::{Log, LogKindSetting};
use crate::ingest::{flags, Loaded, NULL_CODE};
use crate::model::Col;
use crate::status::{Categorizer, StatusOverrides};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// How an input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogKind {
    /// Workflow statuses mapped to categories (METRICS.md §1–§3).
    Statuses,
    /// Process-mining activities (METRICS.md §11).
    Activities,
}

impl LogKind {
    /// Id as in `summary.json` `inputs[].kind`.
    pub fn id(self) -> &'static str {
        match self {
            LogKind::Statuses => "statuses",
            LogKind::Activities => "activities",
        }
    }
}

/// How one input's events name statuses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusCounts {
    /// Events that name a status.
    pub with_status: u64,
    /// Of those, events whose status only the fallback maps.
    pub unmapped: u64,
    /// Unmapped statuses with their event counts.
    pub unmapped_names: BTreeMap<String, u64>,
}

impl StatusCounts {
    /// The most frequent unmapped statuses (count descending, then name), at most `n`.
    pub fn top_unmapped(&self, n: usize) -> Vec<String> {
        let mut v: Vec<(&String, &u64)> = self.unmapped_names.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        v.into_iter().take(n).map(|(s, _)| s.clone()).collect()
    }

    /// Add another input's counts.
    pub fn merge(&mut self, o: &StatusCounts) {
        self.with_status += o.with_status;
        self.unmapped += o.unmapped;
        for (k, v) in &o.unmapped_names {
            *self.unmapped_names.entry(k.clone()).or_default() += v;
        }
    }
}

/// The kind an input is read as, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct KindDecision {
    /// The kind.
    pub kind: LogKind,
    /// Why, in words (shown in the report's inputs table).
    pub reason: String,
}

/// The setting that applies to an input: `[log.kind_by_input]` by file name, then by source
/// name, then `[log] kind`.
pub fn setting_for(log: &Log, file_name: &str, source: Option<&str>) -> (LogKindSetting, String) {
    if let Some(k) = log.kind_by_input.get(file_name) {
        return (*k, format!("[log.kind_by_input] {file_name:?}"));
    }
    if let Some(k) = source.and_then(|s| log.kind_by_input.get(s)) {
        return (
            *k,
            format!("[log.kind_by_input] {:?}", source.unwrap_or_default()),
        );
    }
    (log.kind, "[log] kind".to_string())
}

/// Decide one input's kind. `export` is true for trackers' exports (always status logs).
pub fn decide(
    setting: LogKindSetting,
    setting_name: &str,
    export: Option<&str>,
    c: &StatusCounts,
) -> KindDecision {
    if let Some(format) = export {
        return KindDecision {
            kind: LogKind::Statuses,
            reason: format!("a {format} export names workflow statuses"),
        };
    }
    match setting {
        LogKindSetting::Statuses => KindDecision {
            kind: LogKind::Statuses,
            reason: format!("{setting_name} = \"statuses\""),
        },
        LogKindSetting::Activities => KindDecision {
            kind: LogKind::Activities,
            reason: format!("{setting_name} = \"activities\""),
        },
        LogKindSetting::Auto => {
            let pct = if c.with_status > 0 {
                100.0 * c.unmapped as f64 / c.with_status as f64
            } else {
                0.0
            };
            let examples = c
                .top_unmapped(3)
                .iter()
                .map(|s| format!("\u{201c}{s}\u{201d}"))
                .collect::<Vec<_>>()
                .join(", ");
            if c.with_status > 0 && 2 * c.unmapped > c.with_status {
                KindDecision {
                    kind: LogKind::Activities,
                    reason: format!(
                        "{} of {} events ({pct:.0}%) name steps that no status mapping knows (e.g. {examples}): read as a process-mining activity log; set [log] kind = \"statuses\" and map them in [statuses] if they are workflow statuses",
                        c.unmapped, c.with_status
                    ),
                }
            } else if c.with_status == 0 {
                KindDecision {
                    kind: LogKind::Statuses,
                    reason: "no event names a status".into(),
                }
            } else {
                KindDecision {
                    kind: LogKind::Statuses,
                    reason: format!(
                        "{} of {} events ({:.0}%) have a status that maps to a category",
                        c.with_status - c.unmapped,
                        c.with_status,
                        100.0 - pct
                    ),
                }
            }
        }
    }
}

/// Count how the rows `lo..hi` of the loaded events name statuses.
fn count(loaded: &Loaded, lo: usize, hi: usize, cat: &Categorizer) -> StatusCounts {
    let status = loaded.events.coded(Col::Status);
    let source = loaded.events.coded(Col::Source);
    let mut mapped: FxHashMap<(u32, u32), bool> = FxHashMap::default();
    let mut per_code: FxHashMap<u32, u64> = FxHashMap::default();
    let mut c = StatusCounts::default();
    for row in lo..hi {
        let code = status.code(row);
        if code == NULL_CODE {
            continue;
        }
        c.with_status += 1;
        let src = source.code(row);
        let ok = *mapped
            .entry((code, src))
            .or_insert_with(|| cat.is_mapped(status.get(row).unwrap_or_default(), source.get(row)));
        if !ok {
            c.unmapped += 1;
            *per_code.entry(code).or_default() += 1;
        }
    }
    for (code, n) in per_code {
        let name = status.names().nth(code as usize).unwrap_or_default();
        *c.unmapped_names.entry(name.to_string()).or_default() += n;
    }
    c
}

/// [`count`] for an input streamed to partitions: the same sums, from the rows per (status,
/// source) noted while its parts were written (`ingest::spill::InputFacts`).
fn count_spilled(spill: &crate::ingest::spill::Spill, cat: &Categorizer) -> StatusCounts {
    let statuses: Vec<&str> = spill.names(0).collect();
    let sources: Vec<&str> = spill.names(4).collect();
    let mut c = StatusCounts::default();
    let mut per_code: FxHashMap<u32, u64> = FxHashMap::default();
    for (&(code, src), &n) in &spill.facts.status_sources {
        c.with_status += n;
        let status = statuses.get(code as usize).copied().unwrap_or_default();
        let source = (src != NULL_CODE)
            .then(|| sources.get(src as usize).copied())
            .flatten();
        if !cat.is_mapped(status, source) {
            c.unmapped += n;
            *per_code.entry(code).or_default() += n;
        }
    }
    for (code, n) in per_code {
        let name = statuses.get(code as usize).copied().unwrap_or_default();
        *c.unmapped_names.entry(name.to_string()).or_default() += n;
    }
    c
}

/// The source of the first row of an input streamed to partitions.
fn spilled_source(spill: &crate::ingest::spill::Spill) -> Option<&str> {
    let code = spill.facts.first_source?;
    (code != NULL_CODE)
        .then(|| spill.names(4).nth(code as usize))
        .flatten()
}

/// The categorizer an audit of `loaded` uses — the config's `overrides`, the sources'
/// composite statuses and own categories, patterns cached for every status of the data —
/// and every events input's kind ([`assign`]), with the status counts of the status logs.
pub fn categorize(
    loaded: &mut Loaded,
    overrides: StatusOverrides,
    log: &Log,
) -> (Categorizer, Option<StatusCounts>) {
    let mut c = Categorizer::new(
        overrides,
        loaded.hints.composite_statuses.clone(),
        loaded.hints.source_categories.clone(),
    );
    match &loaded.spill {
        Some(spill) => c.prepare(spill.names(0)),
        None => c.prepare(loaded.events.coded(Col::Status).names()),
    }
    c.prepare(loaded.hints.current_status.values().map(String::as_str));
    let counts = assign(loaded, log, &c);
    (c, counts)
}

/// Decide every events input's kind (METRICS.md §11), record it with its reason in
/// `loaded.inputs`, and flag the rows of activity logs (`flags::ACTIVITY`, plus
/// `flags::MEASURES_ACTIVE` when the input records activity starts). Returns the status
/// counts of the inputs read as status logs (for the `mapped_statuses` gate), None when
/// every input is an activity log.
pub fn assign(loaded: &mut Loaded, log: &Log, cat: &Categorizer) -> Option<StatusCounts> {
    let mut status_logs: Option<StatusCounts> = None;
    let spans = loaded.spans.clone();
    for span in spans {
        let (lo, hi) = (span.rows.start, span.rows.end);
        let c = match &loaded.spill {
            Some(spill) => count_spilled(spill, cat),
            None => count(loaded, lo, hi, cat),
        };
        let first = loaded.inputs.get(span.inputs.start);
        let file_name = first
            .map(|i| {
                std::path::Path::new(&i.path)
                    .file_name()
                    .map_or_else(|| i.path.clone(), |f| f.to_string_lossy().into_owned())
            })
            .unwrap_or_default();
        let source = match &loaded.spill {
            Some(spill) => spilled_source(spill),
            None => (lo < hi)
                .then(|| loaded.events.coded(Col::Source).get(lo))
                .flatten(),
        };
        let (setting, setting_name) = setting_for(log, &file_name, source);
        let export = span.format.is_export().then(|| span.format.name());
        let d = decide(setting, &setting_name, export, &c);
        for i in span.inputs.clone() {
            if let Some(input) = loaded.inputs.get_mut(i) {
                input.kind = Some(d.kind.id());
                input.kind_reason = Some(d.reason.clone());
            }
        }
        match d.kind {
            LogKind::Activities if loaded.spill.is_some() => {
                if let Some(spill) = loaded.spill.as_mut() {
                    let starts = spill.facts.starts;
                    spill.add_flags(
                        flags::ACTIVITY | if starts { flags::MEASURES_ACTIVE } else { 0 },
                    );
                }
            }
            LogKind::Activities => {
                let starts = !loaded.events.flags.is_empty()
                    && loaded.events.flags[lo..hi]
                        .iter()
                        .any(|f| f & flags::START != 0);
                let f = flags::ACTIVITY | if starts { flags::MEASURES_ACTIVE } else { 0 };
                loaded.events.set_flag(lo, hi, f);
            }
            LogKind::Statuses => status_logs.get_or_insert_with(Default::default).merge(&c),
        }
    }
    status_logs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(with: u64, unmapped: u64) -> StatusCounts {
        let mut names = BTreeMap::new();
        if unmapped > 0 {
            names.insert("Leucocytes".to_string(), unmapped - unmapped / 2);
            names.insert("CRP".to_string(), unmapped / 2);
        }
        StatusCounts {
            with_status: with,
            unmapped,
            unmapped_names: names,
        }
    }

    #[test]
    fn auto_reads_an_activity_log_when_more_than_half_is_unmapped() {
        let d = decide(LogKindSetting::Auto, "[log] kind", None, &counts(100, 51));
        assert_eq!(d.kind, LogKind::Activities);
        assert!(d.reason.contains("51 of 100 events (51%)"), "{}", d.reason);
        assert!(d
            .reason
            .contains("\u{201c}Leucocytes\u{201d}, \u{201c}CRP\u{201d}"));
        // Exactly half is not more than half.
        let d = decide(LogKindSetting::Auto, "[log] kind", None, &counts(100, 50));
        assert_eq!(d.kind, LogKind::Statuses);
        assert!(d.reason.contains("50 of 100 events (50%)"), "{}", d.reason);
        let d = decide(LogKindSetting::Auto, "[log] kind", None, &counts(0, 0));
        assert_eq!(d.kind, LogKind::Statuses);
    }

    #[test]
    fn exports_are_always_status_logs_and_settings_force_a_kind() {
        let all_unmapped = counts(10, 10);
        let d = decide(
            LogKindSetting::Activities,
            "[log] kind",
            Some("jira_json"),
            &all_unmapped,
        );
        assert_eq!(d.kind, LogKind::Statuses);
        let d = decide(LogKindSetting::Statuses, "[log] kind", None, &all_unmapped);
        assert_eq!(
            (d.kind, d.reason.as_str()),
            (LogKind::Statuses, "[log] kind = \"statuses\"")
        );
        let d = decide(LogKindSetting::Activities, "x", None, &counts(10, 0));
        assert_eq!(d.kind, LogKind::Activities);
    }

    #[test]
    fn per_input_setting_by_file_then_source_then_global() {
        let mut log = Log {
            kind: LogKindSetting::Statuses,
            ..Default::default()
        };
        log.kind_by_input
            .insert("receipt.csv".into(), LogKindSetting::Activities);
        log.kind_by_input.insert("xes".into(), LogKindSetting::Auto);
        assert_eq!(
            setting_for(&log, "receipt.csv", Some("csv")).0,
            LogKindSetting::Activities
        );
        assert_eq!(
            setting_for(&log, "a.xes", Some("xes")).0,
            LogKindSetting::Auto
        );
        assert_eq!(
            setting_for(&log, "b.csv", Some("csv")).0,
            LogKindSetting::Statuses
        );
    }

    #[test]
    fn top_unmapped_is_by_count_then_name_and_merge_adds() {
        let mut a = counts(10, 5);
        a.merge(&counts(4, 4));
        assert_eq!((a.with_status, a.unmapped), (14, 9));
        assert_eq!(a.top_unmapped(1), ["Leucocytes"]);
        assert_eq!(a.unmapped_names["CRP"], 4);
    }
}
