//! Headline figures of a period, and their change since the previous period of equal length
//! (METRICS.md §5: "the previous period gets the same headline metrics, and the report shows
//! the deltas"). `tables/comparison.csv`: `metric, team, current, previous, change`.

use super::TableId;
use super::{r6, Cell, Headline, Table};
use crate::metrics::items::ItemRecord;
use crate::metrics::percentiles::stats;
use crate::metrics::{flow_efficiency, handoffs, reopens, throughput};
use crate::model::Ts;
use chrono_tz::Tz;

/// The columns of `tables/comparison.csv`.
pub const COMPARISON_COLUMNS: [&str; 5] = ["metric", "team", "current", "previous", "change"];

/// The headline figures of one group of items over one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Items in scope.
    pub items: f64,
    /// Done items finished in the period.
    pub done: f64,
    /// Median lead time.
    pub lead_p50: Option<f64>,
    /// Items of the group canceled in the period (ended without delivering).
    pub canceled: f64,
    /// Median cycle time.
    pub cycle_p50: Option<f64>,
    /// 85th percentile cycle time.
    pub cycle_p85: Option<f64>,
    /// Aggregate flow efficiency.
    pub flow_efficiency: Option<f64>,
    /// Mean done items per week.
    pub throughput: Option<f64>,
    /// WIP at `as_of`.
    pub wip: f64,
    /// Team change rate.
    pub team_change_rate: Option<f64>,
    /// Ping-pong rate.
    pub ping_pong_rate: Option<f64>,
    /// Reopen rate.
    pub reopen_rate: Option<f64>,
}

/// Compute the figures of `records` (computed with this `as_of`) for `team` (None = all).
pub fn figures(
    records: &[ItemRecord],
    team: Option<&str>,
    period: Option<(Ts, Ts)>,
    grid: (Ts, Ts),
    tz: Tz,
) -> Figures {
    let of = |r: &&ItemRecord| team.is_none_or(|t| r.team.as_deref() == Some(t));
    let scope: Vec<&ItemRecord> = records.iter().filter(|r| r.in_scope()).filter(of).collect();
    let done: Vec<&ItemRecord> = records
        .iter()
        .filter(|r| r.done_in(period))
        .filter(of)
        .collect();
    let lead = stats(done.iter().filter_map(|r| r.lead_time_days()));
    let cycle = stats(done.iter().filter_map(|r| r.cycle_time_days()));
    let weeks = throughput::week_grid(grid.0, grid.1, tz);
    let weekly = throughput::weekly_counts(&weeks, done.iter().filter_map(|r| r.finished()), tz);
    let rates = handoffs::rates(scope.iter().map(|r| (r.team_handoffs, r.ping_pongs)));
    Figures {
        items: scope.len() as f64,
        done: done.len() as f64,
        canceled: records
            .iter()
            .filter(of)
            .filter(|r| r.canceled_in(period))
            .count() as f64,
        lead_p50: lead.p50,
        cycle_p50: cycle.p50,
        cycle_p85: cycle.p85,
        flow_efficiency: flow_efficiency::aggregate(
            done.iter()
                .filter_map(|r| Some((r.active_days()?, r.cycle_time_days()?))),
        ),
        throughput: stats(weekly.iter().map(|c| *c as f64)).mean,
        wip: records
            .iter()
            .filter(of)
            .filter(|r| super::scope::in_wip(r))
            .count() as f64,
        team_change_rate: rates.map(|r| r.1),
        ping_pong_rate: rates.map(|r| r.2),
        reopen_rate: reopens::reopen_rate(scope.iter().map(|r| (r.reopens, r.ever_terminal))),
    }
}

impl Figures {
    /// The figures of the organisation's items, from the report's shared figures: the same
    /// values [`figures`] gives for `team` `None` over the same records, without another pass
    /// over them (the stats are of the same values; `throughput_mean` is the mean of the same
    /// weekly counts).
    pub fn of_shared(
        all: &super::core::Group,
        f: &super::core::Figures,
        throughput_mean: Option<f64>,
        period: Option<(Ts, Ts)>,
    ) -> Figures {
        Figures {
            items: all.in_scope.len() as f64,
            done: all.done.len() as f64,
            canceled: all.canceled(period) as f64,
            lead_p50: f.lead.p50,
            cycle_p50: f.cycle.p50,
            cycle_p85: f.cycle.p85,
            flow_efficiency: f.flow_efficiency,
            throughput: throughput_mean,
            wip: all.wip.len() as f64,
            team_change_rate: f.rates.map(|r| r.1),
            ping_pong_rate: f.rates.map(|r| r.2),
            reopen_rate: f.reopen_rate,
        }
    }
}

/// How a figure is shown and compared.
#[derive(Clone, Copy)]
enum Kind {
    Count,
    Days,
    Share,
    PerWeek,
}

fn show(k: Kind, v: Option<f64>) -> String {
    match (k, v) {
        (_, None) => "–".into(),
        (Kind::Count, Some(x)) => format!("{x:.0}"),
        (Kind::Days, Some(x)) => format!("{} days", super::text::human(x)),
        (Kind::Share, Some(x)) => format!("{:.0}%", x * 100.0),
        (Kind::PerWeek, Some(x)) => format!("{} per week", super::text::human(x)),
    }
}

fn change(k: Kind, cur: Option<f64>, prev: Option<f64>) -> Option<String> {
    let (c, p) = (cur?, prev?);
    let d = c - p;
    let sign = if d > 0.0 {
        "+"
    } else if d < 0.0 {
        "−"
    } else {
        "±"
    };
    Some(match k {
        Kind::Count => format!("{sign}{:.0}", d.abs()),
        Kind::Days => format!("{sign}{} days", super::text::human(d.abs())),
        Kind::Share => format!("{sign}{:.0} pts", (d * 100.0).abs()),
        Kind::PerWeek => format!("{sign}{} per week", super::text::human(d.abs())),
    })
}

fn rows(f: &Figures) -> [(&'static str, &'static str, Kind, Option<f64>); 12] {
    [
        ("items", "Items in scope", Kind::Count, Some(f.items)),
        ("done", "Items done", Kind::Count, Some(f.done)),
        ("canceled", "Items canceled", Kind::Count, Some(f.canceled)),
        ("lead_time_p50", "Median lead time", Kind::Days, f.lead_p50),
        (
            "cycle_time_p50",
            "Median cycle time",
            Kind::Days,
            f.cycle_p50,
        ),
        (
            "cycle_time_p85",
            "85th percentile cycle time",
            Kind::Days,
            f.cycle_p85,
        ),
        (
            "flow_efficiency",
            "Flow efficiency",
            Kind::Share,
            f.flow_efficiency,
        ),
        (
            "throughput_per_week",
            "Throughput",
            Kind::PerWeek,
            f.throughput,
        ),
        (
            "wip",
            "Work in progress at the end",
            Kind::Count,
            Some(f.wip),
        ),
        (
            "team_change_rate",
            "Items that changed team",
            Kind::Share,
            f.team_change_rate,
        ),
        (
            "ping_pong_rate",
            "Items bounced between teams",
            Kind::Share,
            f.ping_pong_rate,
        ),
        ("reopen_rate", "Reopen rate", Kind::Share, f.reopen_rate),
    ]
}

/// What the headline cards know of the items in scope beyond their figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    /// No item in scope has a team: the team-change and bounce rates are 0 by definition,
    /// and shown as "–" (not measured), not as 0%.
    pub no_team: bool,
    /// Every item in scope comes from an activity log: the reopen rate counts activities
    /// done again, and is labelled so.
    pub activity_only: bool,
}

/// The headline cards: current figures with their change since `previous`.
pub fn headline(cur: &Figures, previous: Option<&Figures>, scope: Scope) -> Vec<Headline> {
    let prev_rows = previous.map(rows);
    rows(cur)
        .iter()
        .enumerate()
        .map(|(i, (id, label, k, v))| {
            let team_rate = matches!(*id, "team_change_rate" | "ping_pong_rate");
            if team_rate && scope.no_team {
                return Headline {
                    label: label.to_string(),
                    value: "– (no team known)".into(),
                    change: None,
                };
            }
            let label = if *id == "reopen_rate" && scope.activity_only {
                "Rework rate (activities done again)"
            } else {
                label
            };
            Headline {
                label: label.to_string(),
                value: show(*k, *v),
                change: prev_rows.as_ref().and_then(|p| change(*k, *v, p[i].3)),
            }
        })
        .collect()
}

/// `tables/comparison.csv` over the organisation (`*`) and every team.
pub fn table(pairs: &[(String, Figures, Figures)]) -> Table {
    let mut out = Vec::new();
    for (team, cur, prev) in pairs {
        for ((metric, _, _, c), (_, _, _, p)) in rows(cur).iter().zip(rows(prev).iter()) {
            out.push(vec![
                Cell::from(*metric),
                Cell::from(team.as_str()),
                Cell::from(c.map(r6)),
                Cell::from(p.map(r6)),
                Cell::from(match (c, p) {
                    (Some(c), Some(p)) => Some(r6(c - p)),
                    _ => None,
                }),
            ]);
        }
    }
    Table {
        name: TableId::Comparison,
        header: COMPARISON_COLUMNS.to_vec(),
        rows: out,
    }
}

/// Sentences for the teams whose p85 cycle time moved by at least 20 % (and 1 day).
pub fn team_moves(pairs: &[(String, Figures, Figures)]) -> Vec<String> {
    let mut out: Vec<(f64, String)> = Vec::new();
    for (team, cur, prev) in pairs.iter().filter(|p| p.0 != "*") {
        if let (Some(c), Some(p)) = (cur.cycle_p85, prev.cycle_p85) {
            let d = c - p;
            if d.abs() >= 1.0 && p > 0.0 && (d / p).abs() >= 0.2 {
                let verb = if d > 0.0 { "rose" } else { "fell" };
                out.push((
                    d.abs(),
                    format!(
                        "{team}\u{2019}s p85 cycle time {verb} from {} to {} days.",
                        super::text::human(p),
                        super::text::human(c)
                    ),
                ));
            }
        }
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    out.into_iter().map(|x| x.1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_shows_unmeasured_team_rates_as_dashes_and_names_an_activity_logs_rework() {
        let f = Figures {
            items: 10.0,
            done: 8.0,
            team_change_rate: Some(0.0),
            ping_pong_rate: Some(0.0),
            reopen_rate: Some(0.54),
            ..Default::default()
        };
        let card = |h: &[Headline], i: usize| (h[i].label.clone(), h[i].value.clone());
        let plain = headline(&f, None, Scope::default());
        assert_eq!(card(&plain, 2), ("Items canceled".into(), "0".into()));
        assert_eq!(
            card(&plain, 9),
            ("Items that changed team".into(), "0%".into())
        );
        assert_eq!(card(&plain, 11), ("Reopen rate".into(), "54%".into()));
        let h = headline(
            &f,
            Some(&f),
            Scope {
                no_team: true,
                activity_only: true,
            },
        );
        assert_eq!(
            card(&h, 9),
            ("Items that changed team".into(), "– (no team known)".into())
        );
        assert_eq!(
            card(&h, 10),
            (
                "Items bounced between teams".into(),
                "– (no team known)".into()
            )
        );
        assert_eq!(h[9].change, None);
        assert_eq!(
            card(&h, 11),
            ("Rework rate (activities done again)".into(), "54%".into())
        );
        assert_eq!(h[11].change.as_deref(), Some("±0 pts"));
    }

    #[test]
    fn the_shared_figures_are_those_of_a_pass_over_the_records_on_a_real_log() {
        // Helpdesk (a real XES log), with and without a period.
        use crate::ingest::{self, LoadOptions};
        let cfg = crate::config::FileConfig::default();
        let path = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/xes/helpdesk.xes.gz"
        ));
        let mut loaded = ingest::load(
            &[path],
            &LoadOptions {
                format: None,
                tz: Tz::UTC,
                xes: &cfg.xes,
                tools: None,
                roster: None,
                import: &cfg.import,
                columns: &cfg.columns,
                memory_budget: None,
            },
        )
        .unwrap();
        let (categorizer, _) =
            crate::log_kind::categorize(&mut loaded, Default::default(), &cfg.log);
        let as_of = loaded.max_ts.unwrap();
        let year = 365 * 86_400_000_000;
        for period in [None, Some((as_of - year, as_of))] {
            let (events, _) = ingest::prepare(loaded.events.clone(), as_of).unwrap();
            let ctx = crate::timeline::TimelineContext {
                categorizer: categorizer.clone(),
                as_of,
                period,
                ..Default::default()
            };
            let records = crate::metrics::items::compute(&events, &ctx).unwrap();
            let all = super::super::core::Group::of(&records, period);
            let grid = super::super::core::week_bounds(&records, period, as_of);
            let weeks = throughput::week_grid(grid.0, grid.1, Tz::UTC);
            let weekly = throughput::weekly_counts(
                &weeks,
                all.done.iter().filter_map(|r| r.finished()),
                Tz::UTC,
            );
            let mean = stats(weekly.iter().map(|c| *c as f64)).mean;
            let shared =
                Figures::of_shared(&all, &super::super::core::Figures::of(&all), mean, period);
            assert_eq!(shared, figures(&records, None, period, grid, Tz::UTC));
            assert!(shared.done > 500.0, "{shared:?}");
        }
    }

    #[test]
    fn changes_are_signed_and_in_the_figure_unit() {
        assert_eq!(
            change(Kind::Days, Some(14.0), Some(9.0)).as_deref(),
            Some("+5 days")
        );
        assert_eq!(
            change(Kind::Share, Some(0.25), Some(0.40)).as_deref(),
            Some("−15 pts")
        );
        assert_eq!(
            change(Kind::Count, Some(3.0), Some(3.0)).as_deref(),
            Some("±0")
        );
        assert_eq!(change(Kind::Count, Some(3.0), None), None);
        let cur = Figures {
            cycle_p85: Some(14.0),
            ..Default::default()
        };
        let prev = Figures {
            cycle_p85: Some(9.0),
            ..Default::default()
        };
        assert_eq!(
            team_moves(&[("Payments".into(), cur, prev)]),
            vec!["Payments\u{2019}s p85 cycle time rose from 9 to 14 days.".to_string()]
        );
    }
}
