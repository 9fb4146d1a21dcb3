//! Issue 7: `flowaudit generate --scenario NAME` plants problems; the audit must report each
//! finding kind (METRICS.md §9) when it is planted and not when it is absent, and reach each
//! verdict (§10) when its conditions hold. What each scenario plants, and the arithmetic behind
//! every expectation below, is in the documentation of `src/generate/scenario.rs`.
//!
//! Each test runs the binary twice: `generate --scenario X --out <tmp>/in`, then
//! `audit <tmp>/in --out <tmp>/out --quiet`, and reads `tables/blockers.csv` (`rank, kind,
//! scope, impact, unit, evidence`; ranks restart per unit) and `summary.json`.

use assert_cmd::Command;
use clap::ValueEnum;
use flowaudit::cli::ScenarioArg;
use flowaudit::generate::Scenario;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// One row of `tables/blockers.csv`.
#[derive(Debug, Clone)]
struct Finding {
    rank: u32,
    kind: String,
    scope: String,
    impact: f64,
    unit: String,
}

/// The audit of one generated scenario.
struct Audit {
    scenario: &'static str,
    blockers: Vec<Finding>,
    summary: Value,
}

fn flowaudit() -> Command {
    Command::cargo_bin("flowaudit").expect("binary builds")
}

fn read_blockers(path: &Path) -> Vec<Finding> {
    let mut rdr =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = rdr.headers().expect("header").clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("blockers.csv has no column {name}: {header:?}"))
    };
    let (rank, kind, scope, impact, unit) = (
        col("rank"),
        col("kind"),
        col("scope"),
        col("impact"),
        col("unit"),
    );
    assert!(
        header.iter().any(|h| h == "evidence"),
        "blockers.csv has no evidence column"
    );
    rdr.records()
        .map(|r| {
            let r = r.expect("a CSV row");
            Finding {
                rank: r[rank].parse().expect("rank is an integer"),
                kind: r[kind].to_string(),
                scope: r[scope].to_string(),
                impact: r[impact].parse().expect("impact is a number"),
                unit: r[unit].to_string(),
            }
        })
        .collect()
}

fn audit(scenario: &'static str) -> Audit {
    let dir = tempfile::tempdir().expect("temp dir");
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    flowaudit()
        .args(["generate", "--scenario", scenario, "--out"])
        .arg(&input)
        .assert()
        .success();
    flowaudit()
        .arg("audit")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    let blockers = read_blockers(&out.join("tables/blockers.csv"));
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
    let summary = serde_json::from_str(&text).expect("summary.json is JSON");
    Audit {
        scenario,
        blockers,
        summary,
    }
}

impl Audit {
    fn kinds(&self) -> BTreeSet<&str> {
        self.blockers.iter().map(|f| f.kind.as_str()).collect()
    }

    /// Findings of one kind, best rank first.
    fn of(&self, kind: &str) -> Vec<&Finding> {
        let mut v: Vec<&Finding> = self.blockers.iter().filter(|f| f.kind == kind).collect();
        v.sort_by_key(|f| f.rank);
        v
    }

    fn scopes(&self, kind: &str) -> BTreeSet<&str> {
        self.of(kind).iter().map(|f| f.scope.as_str()).collect()
    }

    fn verdict(&self) -> &str {
        self.summary["recommendation"]["verdict"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no recommendation.verdict", self.scenario))
    }

    fn org_signals(&self) -> BTreeSet<&str> {
        let s = self.summary["recommendation"]["org_signals"].as_array();
        s.unwrap_or_else(|| panic!("{}: no recommendation.org_signals", self.scenario))
            .iter()
            .filter_map(Value::as_str)
            .collect()
    }

    /// Team name → fired signal ids.
    fn signals(&self) -> Vec<(&str, BTreeSet<&str>)> {
        let teams = self.summary["teams"]
            .as_array()
            .expect("summary.json teams");
        teams
            .iter()
            .map(|t| {
                let name = t["team"].as_str().expect("team name");
                let fired = t["signals"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{}: {name} has no signals list", self.scenario));
                (name, fired.iter().filter_map(Value::as_str).collect())
            })
            .collect()
    }

    /// Teams where `signal` fired.
    fn firing(&self, signal: &str) -> BTreeSet<&str> {
        self.signals()
            .into_iter()
            .filter(|(_, s)| s.contains(signal))
            .map(|(t, _)| t)
            .collect()
    }

    /// Teams that would benefit from ops support (≥ 3 signals).
    fn struggling(&self) -> BTreeSet<&str> {
        self.signals()
            .into_iter()
            .filter(|(_, s)| s.len() >= 3)
            .map(|(t, _)| t)
            .collect()
    }

    fn team_count(&self) -> usize {
        self.summary["teams"]
            .as_array()
            .expect("summary.json teams")
            .len()
    }
}

fn set<'a>(v: &[&'a str]) -> BTreeSet<&'a str> {
    v.iter().copied().collect()
}

#[test]
fn every_cli_scenario_name_is_a_library_scenario() {
    let names: Vec<String> = ScenarioArg::value_variants()
        .iter()
        .map(|v| v.to_possible_value().unwrap().get_name().to_string())
        .collect();
    assert_eq!(names.len(), Scenario::ALL.len());
    for (name, s) in names.iter().zip(Scenario::ALL) {
        assert_eq!(name.parse::<Scenario>(), Ok(s));
    }
}

#[test]
fn default_generate_writes_the_committed_sample_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    flowaudit()
        .args(["generate", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    for name in ["events.csv", "tools.csv", "roster.csv"] {
        let ours = std::fs::read(dir.path().join(name)).unwrap();
        assert!(
            ours == std::fs::read(committed.join(name)).unwrap(),
            "{name} differs from sample-data/"
        );
    }
}

#[test]
fn healthy_has_no_finding_no_signal_and_needs_no_role() {
    let a = audit("healthy");
    assert!(
        a.blockers.is_empty(),
        "findings in a healthy organisation: {:?}",
        a.blockers
    );
    assert_eq!(a.team_count(), 6);
    for (team, fired) in a.signals() {
        assert!(fired.is_empty(), "{team}: {fired:?}");
    }
    assert!(a.org_signals().is_empty());
    assert_eq!(a.verdict(), "not_needed");
}

#[test]
fn queues_top_queue_is_ready_for_qa() {
    let a = audit("queues");
    assert_eq!(a.kinds(), set(&["queue"]), "{:?}", a.blockers);
    let top = a.of("queue")[0];
    assert_eq!(
        (top.scope.as_str(), top.rank, top.unit.as_str()),
        ("Ready for QA", 1, "item_days")
    );
    assert!(
        top.impact >= 1600.0,
        "100 items × ≥ 16 days: {}",
        top.impact
    );
    assert_eq!(a.firing("low_flow_efficiency"), set(&["Payments"]));
    assert_eq!(a.verdict(), "not_needed");
}

#[test]
fn ping_pong_names_the_planted_pair_and_nothing_else() {
    let a = audit("ping-pong");
    let pp = a.of("ping_pong");
    assert_eq!(pp.len(), 1, "one-way handoffs formed a ping-pong: {pp:?}");
    let scope = &pp[0].scope;
    assert!(
        scope.contains("Payments") && scope.contains("Checkout"),
        "{scope}"
    );
    // Bounced items take no longer than others, so handoff drag may or may not show.
    let allowed = set(&["ping_pong", "handoff_drag"]);
    assert!(a.kinds().is_subset(&allowed), "{:?}", a.kinds());
    assert_eq!(a.firing("ping_pong"), set(&["Checkout", "Payments"]));
    assert_eq!(a.firing("handoff_heavy"), set(&["Checkout", "Payments"]));
    assert!(a.org_signals().is_empty(), "team change rate 0.247 < 0.3");
    assert_eq!(a.verdict(), "not_needed");
}

#[test]
fn rework_ranks_the_reopening_team_first() {
    let a = audit("rework");
    assert_eq!(a.kinds(), set(&["rework"]), "{:?}", a.blockers);
    let rw = a.of("rework");
    assert_eq!(rw[0].scope, "Search");
    assert_eq!(rw.len(), 6, "every team reopens something: {rw:?}");
    assert_eq!(a.firing("rework"), set(&["Search"]));
    assert_eq!(a.verdict(), "not_needed");
}

#[test]
fn divergent_finds_exactly_the_two_planted_teams() {
    let a = audit("divergent");
    assert_eq!(a.kinds(), set(&["workflow_divergence"]), "{:?}", a.blockers);
    assert_eq!(
        a.scopes("workflow_divergence"),
        set(&["Checkout", "Platform"])
    );
    assert!(a
        .of("workflow_divergence")
        .iter()
        .all(|f| f.unit == "similarity" && f.impact == 0.0));
    assert_eq!(
        a.firing("workflow_divergence"),
        set(&["Checkout", "Platform"])
    );
    assert_eq!(a.org_signals(), set(&["workflow_divergence"]));
    assert_eq!(a.verdict(), "part_time");
}

#[test]
fn sprawl_finds_exactly_the_fragmented_categories() {
    let a = audit("sprawl");
    assert_eq!(a.kinds(), set(&["tool_overlap"]), "{:?}", a.blockers);
    assert_eq!(a.scopes("tool_overlap"), set(&["ci", "docs"]));
    assert!(a
        .of("tool_overlap")
        .iter()
        .all(|f| f.unit == "money" && f.impact > 0.0));
    assert_eq!(
        a.firing("tool_sprawl"),
        set(&["Checkout", "Payments", "Search"])
    );
    assert_eq!(a.org_signals(), set(&["fragmented_tools"]));
    assert_eq!(a.verdict(), "part_time");
}

#[test]
fn stale_finds_idle_work_in_one_team_only() {
    let a = audit("stale");
    assert_eq!(a.kinds(), set(&["stale"]), "{:?}", a.blockers);
    assert_eq!(a.scopes("stale"), set(&["Platform"]));
    assert!(
        a.of("stale")[0].impact >= 5.0 * 30.0,
        "5 items idle ≥ 30 days"
    );
    assert!(
        a.firing("aging").is_empty(),
        "stale items sit in the backlog, not in WIP"
    );
    assert_eq!(a.verdict(), "not_needed");
}

#[test]
fn small_organisation_needs_no_role_even_with_a_struggling_team() {
    let a = audit("small");
    assert_eq!(a.team_count(), 3);
    assert_eq!(
        a.struggling(),
        set(&["Payments"]),
        "share 1/3 would be part_time with ≥ 4 teams"
    );
    assert_eq!(a.verdict(), "not_needed");
}

#[test]
fn middling_organisation_gets_a_part_time_owner() {
    let a = audit("middling");
    assert_eq!(a.team_count(), 5);
    assert_eq!(a.struggling(), set(&["Checkout", "Payments"]));
    for team in ["Checkout", "Payments"] {
        let fired = a.signals().into_iter().find(|t| t.0 == team).unwrap().1;
        assert!(
            set(&["low_flow_efficiency", "ping_pong", "rework"]).is_subset(&fired),
            "{team}: {fired:?}"
        );
    }
    assert!(a.org_signals().is_empty(), "{:?}", a.org_signals());
    assert_eq!(a.verdict(), "part_time");
}

#[test]
fn sprawling_organisation_gets_a_dedicated_role() {
    let a = audit("sprawling");
    assert_eq!(a.team_count(), 10);
    let struggling = a.struggling();
    assert!(struggling.len() >= 5, "{struggling:?}");
    assert_eq!(
        struggling,
        set(&["Checkout", "Growth", "Mobile", "Payments", "Platform", "Search"])
    );
    assert!(
        set(&["fragmented_tools", "workflow_divergence"]).is_subset(&a.org_signals()),
        "{:?}",
        a.org_signals()
    );
    assert_eq!(a.scopes("tool_overlap"), set(&["ci", "docs"]));
    assert_eq!(
        a.scopes("workflow_divergence"),
        set(&["Billing", "Data", "Identity", "Onboarding"])
    );
    assert_eq!(a.verdict(), "dedicated");
}
