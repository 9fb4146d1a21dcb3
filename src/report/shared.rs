//! [`Shared`]: what every part of the report reads — the records, the period, the settings
//! ([`Cfg`]) and the shared figures ([`super::core`]), computed once, read-only afterwards
//! ([`super::build`]).

use super::core::{self as fig, Figures, Group, StatusTime, TeamFigures};
use super::*;
use crate::config::{Blockers as BlockerCfg, Forecast, Signals, Verdict as VerdictCfg};
use crate::ingest::inventory::{RosterRow, ToolRow};
use crate::metrics::percentiles::stats;
use crate::metrics::throughput;
use crate::model::Ts;
use crate::warning::Warnings;
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};

/// The period and the settings the parts read.
pub(super) struct Cfg<'a> {
    pub(super) period: Option<(Ts, Ts)>,
    pub(super) as_of: Ts,
    pub(super) tz: Tz,
    pub(super) tools: &'a [ToolRow],
    pub(super) roster: &'a [RosterRow],
    pub(super) forecast: &'a Forecast,
    pub(super) signals: &'a Signals,
    pub(super) verdict: &'a VerdictCfg,
    pub(super) blockers: &'a BlockerCfg,
    pub(super) evidence: &'a crate::config::Evidence,
    pub(super) business_case: &'a crate::config::BusinessCase,
    pub(super) jira_time_in_status: &'a crate::ingest::jira_csv::TimeInStatus,
    pub(super) jira_status_ids: &'a BTreeMap<String, String>,
    pub(super) status_counts: Option<crate::log_kind::StatusCounts>,
}

/// What every part reads: the records, the period, the settings and the shared figures.
pub(super) struct Shared<'a> {
    pub(super) records: &'a [ItemRecord],
    pub(super) status: &'a crate::metrics::items::StatusFolds,
    pub(super) period: Option<(Ts, Ts)>,
    pub(super) as_of: Ts,
    pub(super) tz: Tz,
    pub(super) cfg: Cfg<'a>,
    pub(super) all: Group<'a>,
    pub(super) figures: Figures,
    pub(super) team_names: BTreeSet<String>,
    pub(super) team_list: Vec<String>,
    pub(super) grid: (Ts, Ts),
    pub(super) weeks: Vec<chrono::NaiveDate>,
    pub(super) weekly: Vec<u64>,
    /// The done items' finish window, when flagged (METRICS.md §6), with its period.
    pub(super) finish_window: Option<crate::metrics::finish_window::Flagged>,
    pub(super) throughput: Stats,
    /// Case duration of the items in scope (`summary.json`).
    pub(super) case_duration: Stats,
    pub(super) team: TeamFigures,
    pub(super) status_map: Vec<StatusMapRow>,
    pub(super) status_time: StatusTime,
}

impl<'a> Shared<'a> {
    pub(super) fn new(
        records: &'a [ItemRecord],
        status: &'a crate::metrics::items::StatusFolds,
        cfg: Cfg<'a>,
        warnings: &mut Warnings,
    ) -> Shared<'a> {
        let (period, as_of, tz) = (cfg.period, cfg.as_of, cfg.tz);
        let all = Group::of(records, period);
        // Teams of the audit: teams of the items in scope plus the teams of the inventory.
        // Distinct names first: a `BTreeSet` collected from an iterator gathers every item
        // into a vector before sorting (a string per item: 0.24 s and 80 MB at 10M events).
        let mut distinct: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        distinct.extend(all.in_scope.iter().filter_map(|r| r.team.as_deref()));
        let mut team_names: BTreeSet<String> = distinct.into_iter().map(str::to_string).collect();
        team_names.extend(cfg.tools.iter().map(|t| t.team.clone()));
        let ((figures, case_duration), (grid, weeks, weekly)) = rayon::join(
            || {
                rayon::join(
                    || Figures::of(&all),
                    || stats(all.in_scope.iter().map(|r| r.case_duration_days())),
                )
            },
            || {
                let grid = fig::week_bounds(records, period, as_of);
                let weeks = throughput::week_grid(grid.0, grid.1, tz);
                let weekly = throughput::weekly_counts(
                    &weeks,
                    all.done.iter().filter_map(|r| r.finished()),
                    tz,
                );
                (grid, weeks, weekly)
            },
        );
        let tp = stats(weekly.iter().map(|c| *c as f64));
        let finish_window = crate::metrics::finish_window::flagged_on(&weeks, &weekly);
        fig::finish_window_warning(warnings, finish_window, weeks.len());
        let team = fig::team_figures(
            &all,
            &team_names,
            &weeks,
            tz,
            figures.cycle.p85,
            cfg.evidence.min_team_finished,
            as_of,
        );
        fig::engine_warnings(warnings, records, &all.in_scope, &status.placeholder_teams);
        let status_map = fig::status_map(status, warnings);
        let status_time = fig::status_time(status);
        let team_list = team_names.iter().cloned().collect();
        Shared {
            records,
            status,
            period,
            as_of,
            tz,
            cfg,
            all,
            figures,
            team_names,
            team_list,
            grid,
            weeks,
            weekly,
            finish_window,
            throughput: tp,
            case_duration,
            team,
            status_map,
            status_time,
        }
    }
}
