//! Flow over time and handoffs, end to end on generated logs whose answers are known by
//! construction: constant histories (forecasts are exact), a planted ping-pong pair, the
//! day and week grids, and the previous-period comparison.

use assert_cmd::Command;
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn run(csv: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.csv");
    std::fs::write(&input, csv).unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("flowaudit")
        .unwrap()
        .arg("audit")
        .arg(&input)
        .args(args)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    (dir, out)
}

fn rows(out: &Path, table: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(out.join("tables").join(table)).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Day `d` of January–April 2024 at `h` o'clock, RFC 3339.
fn at(d: u32, h: u32) -> String {
    let date =
        chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(d as i64);
    format!("{}T{h:02}:00:00Z", date)
}

/// Two items finish every day for 100 days; 10 items are in progress at the end.
fn constant_history() -> String {
    let mut s = String::from("item_id,timestamp,status,team\n");
    for d in 0..100u32 {
        for k in 0..2 {
            let id = format!("C-{d}-{k}");
            let _ = writeln!(s, "{id},{},In Progress,Alpha", at(d, 8));
            let _ = writeln!(s, "{id},{},Done,", at(d, 12));
        }
    }
    for k in 0..10 {
        let _ = writeln!(s, "W-{k},{},In Progress,Alpha", at(99, 9));
    }
    s
}

#[test]
fn forecasts_are_exact_on_a_constant_history() {
    // as_of = day 100 00:00: the 84 windows (as_of − (k+1)·24h, as_of − k·24h] each hold 2.
    let (_d, out) = run(&constant_history(), &["--as-of", &at(100, 0)]);
    let f = rows(&out, "forecasts.csv");
    let get = |team: &str, q: &str, p: &str, c: &str| -> String {
        f.iter()
            .find(|r| r[0] == team && r[1] == q && r[2] == p && r[3] == c)
            .map(|r| r[4].clone())
            .unwrap_or_else(|| panic!("no row {team} {q} {p} {c}"))
    };
    for c in ["50", "85", "95"] {
        assert_eq!(get("*", "how_many", "14", c), "28");
        assert_eq!(get("*", "how_many", "28", c), "56");
        assert_eq!(get("*", "when", "10", c), "5", "⌈10 / 2⌉ days");
        assert_eq!(get("Alpha", "how_many", "14", c), "28");
    }
}

#[test]
fn teams_too_small_to_judge_are_not_forecast_and_every_group_samples_the_same_days() {
    // "Aardvark" sorts before Alpha and finishes 3 items (< min_team_finished = 10): it is
    // not forecast. Every group samples the same days drawn from the seed (common random
    // numbers), so Alpha's numbers are those of a run without Aardvark, and, Alpha being the
    // organisation's only team, the organisation's own.
    let mut csv = String::from("item_id,timestamp,status,team\n");
    for d in 0..100u32 {
        let _ = writeln!(csv, "V-{d},{},In Progress,Alpha", at(d, 8));
        let _ = writeln!(csv, "V-{d},{},Done,", at(d, 12 + d % 5));
        if d % 3 == 0 {
            let _ = writeln!(csv, "X-{d},{},In Progress,Alpha", at(d, 9));
            let _ = writeln!(csv, "X-{d},{},Done,", at(d, 18));
        }
    }
    let mut with_small = csv.clone();
    for k in 0..3 {
        let _ = writeln!(with_small, "S-{k},{},In Progress,Aardvark", at(90 + k, 8));
        let _ = writeln!(with_small, "S-{k},{},Done,", at(90 + k, 10));
    }
    let as_of = at(100, 0);
    let (_a, out) = run(&with_small, &["--as-of", &as_of]);
    let f = rows(&out, "forecasts.csv");
    assert!(f.iter().all(|r| r[0] != "Aardvark"), "{f:?}");
    let alpha: Vec<&Vec<String>> = f.iter().filter(|r| r[0] == "Alpha").collect();
    assert_eq!(
        alpha.len(),
        6,
        "how many in 14 and 28 days at 3 levels; no WIP: no when"
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("1 team(s) with fewer than 10 items finished in the period are not forecast")
    );
    // Nor given a service level expectation of their own.
    assert!(md.contains("Alpha: 85% of items finish within"));
    assert!(!md.contains("Aardvark: 85% of items finish within"));
    assert!(md.contains("1 team(s) with fewer than 10 items finished in the period have no expectation of their own"));
    let (_b, alone) = run(&csv, &["--as-of", &as_of]);
    let g = rows(&alone, "forecasts.csv");
    let alpha_alone: Vec<&Vec<String>> = g.iter().filter(|r| r[0] == "Alpha").collect();
    let org_alone: Vec<Vec<String>> = g
        .iter()
        .filter(|r| r[0] == "*")
        .map(|r| {
            std::iter::once("Alpha".to_string())
                .chain(r[1..].iter().cloned())
                .collect()
        })
        .collect();
    assert_eq!(alpha_alone, org_alone.iter().collect::<Vec<_>>());
    assert_eq!(alpha, alpha_alone);
}

#[test]
fn cfd_has_every_day_and_category_and_throughput_every_week() {
    let (_d, out) = run(&constant_history(), &["--as-of", &at(100, 0)]);
    let cfd = rows(&out, "cfd.csv");
    // Grid: earliest created (day 0) to as_of (day 100): 101 days × 6 categories.
    assert_eq!(cfd.len(), 101 * 6);
    let day = |d: u32, cat: &str| {
        cfd.iter()
            .find(|r| r[0] == at(d, 0)[..10] && r[1] == cat)
            .unwrap()[2]
            .clone()
    };
    assert_eq!(day(0, "done"), "2");
    assert_eq!(day(99, "done"), "200");
    assert_eq!(day(99, "active"), "10");
    assert_eq!(day(100, "active"), "10");
    let tp = rows(&out, "throughput.csv");
    // 2024-01-01 is a Monday: weeks of day 0 … day 100 = 15 weeks, for * and for Alpha.
    assert_eq!(tp.iter().filter(|r| r[1] == "*").count(), 15);
    assert_eq!(tp.iter().filter(|r| r[1] == "Alpha").count(), 15);
    assert_eq!(tp[0], vec!["2024-01-01", "*", "14"]);
}

#[test]
fn aging_lists_the_oldest_first_and_equal_ages_by_item_id() {
    let mut csv = constant_history();
    let _ = writeln!(csv, "Z-old,{},In Progress,Alpha", at(90, 9));
    let (_d, out) = run(&csv, &["--as-of", &at(100, 0)]);
    let aging = rows(&out, "aging.csv");
    let ids: Vec<&str> = aging.iter().map(|r| r[0].as_str()).collect();
    let mut want = vec!["Z-old".to_string()];
    want.extend((0..10).map(|k| format!("W-{k}")));
    assert_eq!(ids, want);
    // as_of − start: day 100 00:00 − day 90 09:00 = 9.625 days; W-*: 0.625 days.
    assert_eq!(aging[0][4], "9.625");
    assert_eq!(aging[1][4], "0.625");
}

/// Ten teams with ordinary one-way handoffs, and a planted ping-pong between Pay and Risk.
fn planted_org() -> String {
    let teams = [
        "Pay", "Risk", "Core", "Web", "App", "Data", "Ops", "Search", "Growth", "Infra",
    ];
    let mut s = String::from("item_id,timestamp,status,team\n");
    for i in 0..200u32 {
        let home = teams[(i % 10) as usize];
        let next = teams[((i + 3) % 10) as usize];
        let d = i % 60;
        let id = format!("I-{i}");
        let _ = writeln!(s, "{id},{},In Progress,{home}", at(d, 8));
        if i % 2 == 0 {
            let _ = writeln!(s, "{id},{},,{next}", at(d + 1, 8));
        }
        let _ = writeln!(s, "{id},{},Done,", at(d + 3, 8));
    }
    for i in 0..15u32 {
        let id = format!("PP-{i}");
        let _ = writeln!(s, "{id},{},In Progress,Pay", at(i, 8));
        let _ = writeln!(s, "{id},{},,Risk", at(i + 1, 8));
        let _ = writeln!(s, "{id},{},,Pay", at(i + 3, 8));
        let _ = writeln!(s, "{id},{},,Risk", at(i + 4, 8));
        let _ = writeln!(s, "{id},{},Done,", at(i + 6, 8));
    }
    // One bounce elsewhere, so the planted pair must win on the numbers.
    let _ = writeln!(s, "X-1,{},In Progress,Web", at(1, 8));
    let _ = writeln!(s, "X-1,{},,Ops", at(2, 8));
    let _ = writeln!(s, "X-1,{},,Web", at(3, 8));
    s
}

#[test]
fn the_planted_ping_pong_pair_is_the_top_pair() {
    let (_d, out) = run(&planted_org(), &[]);
    let pp = rows(&out, "ping_pong_pairs.csv");
    assert_eq!(pp[0][..2], ["Pay".to_string(), "Risk".to_string()]);
    // Each planted item bounces twice: Pay→Risk→Pay (2 days) and Risk→Pay→Risk (1 day).
    assert_eq!(pp[0][2], "30");
    assert_eq!(pp[0][3], "15");
    assert_eq!(pp[0][4], "45");
    assert_eq!(
        pp[1][..3],
        ["Ops".to_string(), "Web".to_string(), "1".to_string()]
    );
    let matrix = rows(&out, "handoff_matrix.csv");
    let total: u64 = matrix.iter().map(|r| r[2].parse::<u64>().unwrap()).sum();
    // 100 one-way handoffs + 15 × 3 + 2.
    assert_eq!(total, 147);
    let cost = rows(&out, "handoff_cost.csv");
    let overall: Vec<&Vec<String>> = cost.iter().filter(|r| r[0] == "*").collect();
    assert_eq!(overall.len(), 4);
    assert_eq!(overall[0][2], "100", "100 done items never changed team");
    assert_eq!(overall[0][3], "3", "their median cycle time is 3 days");
    assert_eq!(
        overall[3][2], "15",
        "the planted items have 3 team handoffs"
    );
    assert_eq!(overall[3][3], "6");
}

#[test]
fn a_quarter_is_compared_with_the_previous_quarter() {
    let (_d, out) = run(
        &constant_history(),
        &["--from", "2024-02-01", "--to", "2024-03-01"],
    );
    let cmp = rows(&out, "comparison.csv");
    let done = cmp.iter().find(|r| r[0] == "done" && r[1] == "*").unwrap();
    // February 2024 has 29 days, the previous period is the 29 days before: 2 done per day.
    assert_eq!(done[2], "58");
    assert_eq!(done[3], "58");
    assert_eq!(done[4], "0");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("since the previous period"));
}
