//! The quarterly audit over time (issue 18, METRICS.md §14): `--quarters` on the `improving`
//! organisation, whose first team (Payments) halves its cycle time from 2024Q2 on while
//! nothing else changes.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::flowaudit;

fn improving(dir: &Path) -> PathBuf {
    let org = dir.join("org");
    flowaudit(&[
        "generate",
        "--scenario",
        "improving",
        "--out",
        org.to_str().unwrap(),
    ]);
    org
}

fn audit(org: &Path, out: &Path, period: &[&str]) {
    let mut args = vec![
        "audit",
        org.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(period);
    flowaudit(&args);
}

fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    common::rows(path)
}

#[test]
fn the_planted_change_is_better_and_nothing_else_changes_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let org = improving(dir.path());
    let out = dir.path().join("trend");
    audit(&org, &out, &["--quarters", "2024Q1..2024Q2"]);
    let changes = rows(&out.join("tables/trend_changes.csv"));
    assert_eq!(
        changes.len(),
        7 * 7,
        "7 figures for the organisation and 6 teams"
    );
    let clear: BTreeSet<(String, String, String)> = changes
        .iter()
        .filter(|r| r["verdict"] != "no clear change")
        .map(|r| (r["team"].clone(), r["figure"].clone(), r["verdict"].clone()))
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        ("Payments", "lead_time_p50_days"),
        ("Payments", "cycle_time_p50_days"),
        ("Payments", "cycle_time_p85_days"),
        // The organisation's times include Payments' items.
        ("*", "lead_time_p50_days"),
        ("*", "cycle_time_p50_days"),
        ("*", "cycle_time_p85_days"),
    ]
    .into_iter()
    .map(|(t, f)| (t.to_string(), f.to_string(), "better".to_string()))
    .collect();
    assert_eq!(clear, want);
    // Payments' median cycle time about halves: the change is about minus half of Q1's.
    let trend = rows(&out.join("tables/trend.csv"));
    let v = |p: &str, t: &str, f: &str| -> f64 {
        let r = trend
            .iter()
            .find(|r| r["period"] == p && r["team"] == t && r["figure"] == f)
            .unwrap();
        r["value"].parse().unwrap()
    };
    let (q1, q2) = (
        v("2024Q1", "Payments", "cycle_time_p50_days"),
        v("2024Q2", "Payments", "cycle_time_p50_days"),
    );
    assert!((q2 / q1 - 0.5).abs() < 0.1, "{q1} → {q2}");
    // Throughput did not change anywhere (a planted non-change).
    assert!(changes
        .iter()
        .filter(|r| r["figure"] == "throughput_per_week")
        .all(|r| r["verdict"] == "no clear change"));
    // The executive summary leads with the clear changes; the trend section comes first.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let trend_at = md.find("## Trend across periods").unwrap();
    let summary_at = md.find("6 clear change(s)").unwrap();
    assert!(trend_at < summary_at, "trend section first");
    assert!(md.contains("Team Payments: cycle time, median (days) better from 2024Q1 to 2024Q2"));
}

#[test]
fn each_period_column_equals_the_single_period_audit() {
    let dir = tempfile::tempdir().unwrap();
    let org = improving(dir.path());
    let out = dir.path().join("trend");
    audit(&org, &out, &["--quarters", "2024Q1..2024Q2"]);
    let trend = rows(&out.join("tables/trend.csv"));
    for q in ["2024Q1", "2024Q2"] {
        let single = dir.path().join(q);
        audit(&org, &single, &["--quarter", q]);
        let s: Value =
            serde_json::from_slice(&std::fs::read(single.join("summary.json")).unwrap()).unwrap();
        let value = |team: &str, f: &str| -> Value {
            let r = trend
                .iter()
                .find(|r| r["period"] == q && r["team"] == team && r["figure"] == f)
                .unwrap();
            match r["value"].as_str() {
                "" => Value::Null,
                v => serde_json::json!(v.parse::<f64>().unwrap()),
            }
        };
        let org_pairs = [
            ("lead_time_p50_days", &s["lead_time_days"]["p50"]),
            ("cycle_time_p50_days", &s["cycle_time_days"]["p50"]),
            ("cycle_time_p85_days", &s["cycle_time_days"]["p85"]),
            ("flow_efficiency", &s["flow_efficiency"]),
            ("throughput_per_week", &s["throughput_per_week"]["mean"]),
            ("handoffs_per_item", &s["handoffs"]["per_item"]),
            ("reopen_rate", &s["reopen_rate"]),
        ];
        for (f, want) in org_pairs {
            assert_eq!(&value("*", f), want, "{q} {f}");
        }
        for t in s["teams"].as_array().unwrap() {
            let team = t["team"].as_str().unwrap();
            let pairs = [
                ("lead_time_p50_days", &t["lead_time_days"]["p50"]),
                ("cycle_time_p50_days", &t["cycle_time_days"]["p50"]),
                ("cycle_time_p85_days", &t["cycle_time_days"]["p85"]),
                ("flow_efficiency", &t["flow_efficiency"]),
                ("handoffs_per_item", &t["handoffs_per_item"]),
                ("reopen_rate", &t["reopen_rate"]),
            ];
            for (f, want) in pairs {
                assert_eq!(&value(team, f), want, "{q} {team} {f}");
            }
        }
    }
}

#[test]
fn the_same_input_and_seed_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let org = improving(dir.path());
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    audit(&org, &a, &["--quarters", "2024Q1..2024Q2"]);
    audit(&org, &b, &["--quarters", "2024Q1..2024Q2"]);
    for f in [
        "tables/trend.csv",
        "tables/trend_changes.csv",
        "report.md",
        "charts/trend.svg",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    // Months through --periods: six periods, five changes per figure and population.
    let m = dir.path().join("months");
    audit(
        &org,
        &m,
        &[
            "--periods",
            "2024-01-01,2024-02-01,2024-03-01,2024-04-01,2024-05-01,2024-06-01,2024-07-01",
        ],
    );
    let changes = rows(&m.join("tables/trend_changes.csv"));
    assert_eq!(changes.len(), 5 * 7 * 7);
}

#[test]
fn compare_names_the_blocker_that_cleared_and_the_one_that_appeared() {
    let dir = tempfile::tempdir().unwrap();
    let folder = |scenario: &str| {
        let org = dir.path().join(scenario);
        flowaudit(&[
            "generate",
            "--scenario",
            scenario,
            "--out",
            org.to_str().unwrap(),
        ]);
        let out = dir.path().join(format!("report-{scenario}"));
        audit(&org, &out, &[]);
        out
    };
    let (old, new) = (folder("queues"), folder("stale"));
    let out = dir.path().join("cmp");
    flowaudit(&[
        "compare",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("Blocker queue in Ready for QA cleared"), "{md}");
    assert!(md.contains("Blocker stale in Platform appeared"), "{md}");
    assert!(
        md.contains("Team Payments: signal low\\_flow\\_efficiency cleared"),
        "{md}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Blocker stale in Platform appeared"));
    let figures = rows(&out.join("comparison.csv"));
    let done = figures
        .iter()
        .find(|r| r["scope"] == "Organisation" && r["figure"] == "Items done")
        .unwrap();
    assert_eq!(
        (
            done["old"].as_str(),
            done["new"].as_str(),
            done["change"].as_str()
        ),
        ("600", "595", "-5")
    );
    assert!(figures
        .iter()
        .all(|r| r["interval"] == "no interval (figures only)"));
    // Summaries of different schema versions are refused, naming both files.
    let summary = new.join("summary.json");
    let text = std::fs::read_to_string(&summary).unwrap().replacen(
        "\"schema_version\": 1",
        "\"schema_version\": 2",
        1,
    );
    std::fs::write(&summary, text).unwrap();
    let out2 = dir.path().join("cmp2");
    let o = Command::cargo_bin("flowaudit")
        .unwrap()
        .args([
            "compare",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--out",
            out2.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("schema_version 1") && err.contains("has 2"),
        "{err}"
    );
    assert!(!out2.exists(), "no half-written comparison");
}

/// `csv` written as an events CSV in `dir` and audited over 2024Q1..2024Q2: the output
/// folder and its `report.md`.
fn two_quarters(dir: &Path, csv: &str) -> (PathBuf, String) {
    let input = dir.join("events.csv");
    std::fs::write(&input, csv).unwrap();
    let out = dir.join("out");
    audit(&input, &out, &["--quarters", "2024Q1..2024Q2"]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    (out, md)
}

/// One item's life in an events CSV (`item_id,timestamp,status,assignee,team`): created in
/// `team` in "To Do" on day `d` of `month` at 09:00, in `work` (held by `who`) at 10:00,
/// done two days later.
fn three_steps(
    csv: &mut String,
    id: &str,
    month: &str,
    d: usize,
    work: &str,
    who: &str,
    team: &str,
) {
    csv.push_str(&format!(
        "{id},2024-{month}-{d:02}T09:00:00Z,To Do,,{team}\n"
    ));
    csv.push_str(&format!(
        "{id},2024-{month}-{d:02}T10:00:00Z,{work},{who},\n"
    ));
    csv.push_str(&format!(
        "{id},2024-{month}-{:02}T10:00:00Z,Done,,\n",
        d + 2
    ));
}

#[test]
fn a_team_that_changes_its_statuses_is_named_with_a_marker() {
    // Team A works To Do → In Progress → Done in 2024Q1 and To Do → Doing → Done in 2024Q2;
    // team B keeps its workflow.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("item_id,timestamp,status,assignee,team\n");
    for (q, month, work) in [(1, "02", "In Progress"), (2, "05", "Doing")] {
        for team in ["A", "B"] {
            let work = if team == "A" { work } else { "In Progress" };
            for i in 1..=6 {
                three_steps(
                    &mut csv,
                    &format!("{team}-{q}-{i}"),
                    month,
                    i,
                    work,
                    "",
                    team,
                );
            }
        }
    }
    let (out, md) = two_quarters(dir.path(), &csv);
    assert!(
        md.contains("2024Q2: team A's workflow changed: new status(es) “Doing”; no longer used “In Progress”."),
        "{md}"
    );
    assert!(!md.contains("team B's workflow changed"), "{md}");
    let svg = std::fs::read_to_string(out.join("charts/trend.svg")).unwrap();
    assert!(svg.contains("workflow changed in 2024Q2"), "{svg}");
}

#[test]
fn a_team_whose_people_move_to_another_is_named_as_merged() {
    // 2024Q1: team A (ann, bob) and team B (cy, dee); 2024Q2: B is gone, cy and dee work on A's
    // items.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("item_id,timestamp,status,assignee,team\n");
    let q = |csv: &mut String, month: &str, team: &str, people: [&str; 2], tag: &str| {
        for (i, who) in people.iter().cycle().take(6).enumerate() {
            three_steps(
                csv,
                &format!("{tag}-{i}"),
                month,
                i + 1,
                "In Progress",
                who,
                team,
            );
        }
    };
    q(&mut csv, "02", "A", ["ann", "bob"], "A1");
    q(&mut csv, "02", "B", ["cy", "dee"], "B1");
    q(&mut csv, "05", "A", ["ann", "bob"], "A2");
    q(&mut csv, "05", "A", ["cy", "dee"], "A3");
    let (_, md) = two_quarters(dir.path(), &csv);
    assert!(
        md.contains("2024Q2: team B merged into A (2 of its 2 people now work on A's items; B has none any more)."),
        "{md}"
    );
}
