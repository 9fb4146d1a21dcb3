//! End-to-end: the binary on fixtures with a fixed `--as-of`; every expected number below is
//! derived by hand from docs/METRICS.md (see tests/fixtures/README.md).

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn flowaudit() -> Command {
    Command::cargo_bin("flowaudit").expect("binary builds")
}

fn run_audit(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut cmd = flowaudit();
    cmd.arg("audit")
        .args(args)
        .arg("--out")
        .arg(&out)
        .arg("--quiet");
    cmd.assert().success();
    (dir, out)
}

type Row = BTreeMap<String, String>;

fn read_items(out: &Path) -> BTreeMap<String, Row> {
    let mut r = csv::Reader::from_path(out.join("items.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let row: Row = header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect();
            (row["item_id"].clone(), row)
        })
        .collect()
}

fn summary(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn items_csv_header_is_the_interface_order() {
    let (_d, out) = run_audit(&[
        fixture("pinned_events.csv").to_str().unwrap(),
        "--as-of",
        "2024-01-10T00:00:00Z",
    ]);
    let text = std::fs::read_to_string(out.join("items.csv")).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "item_id,team,created,started,finished,outcome,lead_time_days,cycle_time_days,case_duration_days,active_days,waiting_days,blocked_days,flow_efficiency,events,handoffs,team_handoffs,ping_pongs,reopens,backward_moves"
    );
}

#[test]
fn pinned_items_give_the_hand_derived_numbers() {
    let (_d, out) = run_audit(&[
        fixture("pinned_events.csv").to_str().unwrap(),
        "--as-of",
        "2024-01-10T00:00:00Z",
    ]);
    let items = read_items(&out);
    let get = |id: &str, col: &str| items[id][col].clone();
    // reopen; finished at the last Done; team at finish is Beta.
    assert_eq!(get("R-1", "team"), "Beta");
    assert_eq!(get("R-1", "finished"), "2024-01-07T00:00:00Z");
    assert_eq!(get("R-1", "lead_time_days"), "6");
    assert_eq!(get("R-1", "cycle_time_days"), "5");
    assert_eq!(get("R-1", "active_days"), "4");
    assert_eq!(get("R-1", "flow_efficiency"), "0.8");
    assert_eq!(get("R-1", "reopens"), "1");
    assert_eq!(get("R-1", "handoffs"), "1");
    assert_eq!(get("R-1", "team_handoffs"), "1");
    // C-2: Resolved → Closed does not move finished.
    assert_eq!(get("C-2", "finished"), "2024-01-05T00:00:00Z");
    assert_eq!(get("C-2", "started"), "2024-01-03T12:00:00Z");
    assert_eq!(get("C-2", "lead_time_days"), "4");
    assert_eq!(get("C-2", "cycle_time_days"), "1.5");
    // The Closed event (01-20) is after as_of: ignored.
    assert_eq!(get("C-2", "case_duration_days"), "4");
    assert_eq!(get("C-2", "events"), "3");
    assert_eq!(get("C-2", "flow_efficiency"), "1");
    // D-3: done without start: no cycle time, no committed days.
    assert_eq!(get("D-3", "lead_time_days"), "4");
    assert_eq!(get("D-3", "cycle_time_days"), "");
    assert_eq!(get("D-3", "active_days"), "");
    assert_eq!(get("D-3", "started"), "");
    // B-4: backlog after start is a backward move and not active; the queue is waiting.
    assert_eq!(get("B-4", "cycle_time_days"), "6");
    assert_eq!(get("B-4", "active_days"), "3");
    assert_eq!(get("B-4", "waiting_days"), "1");
    assert_eq!(get("B-4", "flow_efficiency"), "0.5");
    assert_eq!(get("B-4", "backward_moves"), "1");
    // T-5: ties keep input order: In Progress then Blocked at the same instant.
    assert_eq!(get("T-5", "blocked_days"), "2");
    assert_eq!(get("T-5", "active_days"), "1");
    assert_eq!(get("T-5", "flow_efficiency"), "0.333333");
    // O-6: open at as_of, ping-pong Alpha → Beta → Alpha.
    assert_eq!(get("O-6", "outcome"), "open");
    assert_eq!(get("O-6", "finished"), "");
    assert_eq!(get("O-6", "active_days"), "7");
    assert_eq!(get("O-6", "handoffs"), "2");
    assert_eq!(get("O-6", "team_handoffs"), "2");
    assert_eq!(get("O-6", "ping_pongs"), "1");
    assert_eq!(get("O-6", "team"), "Alpha");
    // the event after as_of is ignored.
    assert_eq!(get("X-7", "events"), "1");
    assert_eq!(get("X-7", "started"), "");
    assert_eq!(items.len(), 7);
}

#[test]
fn pinned_summary_gives_the_hand_derived_numbers() {
    let (_d, out) = run_audit(&[
        fixture("pinned_events.csv").to_str().unwrap(),
        "--as-of",
        "2024-01-10T00:00:00Z",
    ]);
    let s = summary(&out);
    assert_eq!(s["schema_version"], 1);
    assert_eq!(s["period"]["as_of"], "2024-01-10T00:00:00Z");
    assert_eq!(s["counts"]["items"], 7);
    assert_eq!(s["counts"]["done"], 5);
    assert_eq!(s["counts"]["open"], 2);
    assert_eq!(s["counts"]["teams"], 2);
    assert_eq!(s["counts"]["events"], 24, "26 rows, 2 after as_of");
    // Lead times [3, 4, 4, 6, 7]; cycle times [1.5, 3, 5, 6].
    assert_eq!(f(&s["lead_time_days"]["mean"]), 4.8);
    assert_eq!(f(&s["lead_time_days"]["p50"]), 4.0);
    assert_eq!(s["cycle_time_days"]["n"], 4);
    assert_eq!(f(&s["cycle_time_days"]["mean"]), 3.875);
    assert_eq!(f(&s["cycle_time_days"]["p85"]), 5.55);
    assert_eq!(f(&s["cycle_time_days"]["p95"]), 5.85);
    // Σ active 9.5 ÷ Σ cycle 15.5.
    assert_eq!(f(&s["flow_efficiency"]), 0.612903);
    // Weeks of 2024-01-01 and 2024-01-08: 4 and 1 done.
    assert_eq!(f(&s["throughput_per_week"]["mean"]), 2.5);
    assert_eq!(s["handoffs"]["team_handoffs_total"], 3);
    assert_eq!(f(&s["handoffs"]["per_item"]), 0.428571);
    assert_eq!(f(&s["handoffs"]["team_change_rate"]), 0.285714);
    assert_eq!(f(&s["handoffs"]["ping_pong_rate"]), 0.142857);
    assert_eq!(f(&s["reopen_rate"]), 0.2);
    let warnings: BTreeMap<String, u64> = s["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["kind"].as_str().unwrap().to_string(),
                w["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(warnings.get("event_after_as_of"), Some(&2));
    assert_eq!(warnings.get("done_without_start"), Some(&1));
    let matrix = std::fs::read_to_string(out.join("tables/handoff_matrix.csv")).unwrap();
    assert_eq!(
        matrix,
        "from_team,to_team,count\nAlpha,Beta,2\nBeta,Alpha,1\n"
    );
    let tp = std::fs::read_to_string(out.join("tables/throughput.csv")).unwrap();
    assert!(
        tp.starts_with("week_start,team,done\n2024-01-01,*,4\n2024-01-08,*,1\n"),
        "{tp}"
    );
}

#[test]
fn period_scopes_items_and_durations() {
    let (_d, out) = run_audit(&[
        fixture("pinned_events.csv").to_str().unwrap(),
        "--from",
        "2024-01-05",
        "--to",
        "2024-01-08",
    ]);
    let s = summary(&out);
    assert_eq!(s["period"]["from"], "2024-01-05T00:00:00Z");
    assert_eq!(s["period"]["as_of"], "2024-01-08T00:00:00Z");
    // In scope: every item with an event in [01-05, 01-08) — not X-7.
    assert_eq!(s["counts"]["items"], 6);
    // Done in the period: R-1, C-2, D-3, T-5 (B-4 finishes at 01-08, outside).
    assert_eq!(s["lead_time_days"]["n"], 4);
    assert_eq!(f(&s["lead_time_days"]["p50"]), 4.0);
    let items = read_items(&out);
    assert!(!items.contains_key("X-7"));
    assert_eq!(items["B-4"]["finished"], "2024-01-08T00:00:00Z");
}

#[test]
fn same_input_gives_the_same_bytes() {
    let args = [
        fixture("pinned_events.csv").to_str().unwrap().to_string(),
        "--as-of".into(),
        "2024-01-10T00:00:00Z".into(),
    ];
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_d1, o1) = run_audit(&a);
    let (_d2, o2) = run_audit(&a);
    for f in [
        "summary.json",
        "items.csv",
        "report.html",
        "report.md",
        "tables/status_time.csv",
        "charts/cycle_time_scatter.svg",
        "charts/cycle_time_scatter.png",
    ] {
        assert_eq!(
            std::fs::read(o1.join(f)).unwrap(),
            std::fs::read(o2.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn missing_column_is_exit_1_with_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.csv");
    std::fs::write(&p, "item_id,when\nA,2024-01-01T00:00:00Z\n").unwrap();
    let out = flowaudit()
        .args(["audit", "--format", "events-csv", "--quiet", "--out"])
        .arg(dir.path().join("o"))
        .arg(&p)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("bad.csv") && err.contains("timestamp"),
        "{err}"
    );
    assert!(!dir.path().join("o").exists(), "no report on failure");
}

#[test]
fn bad_timestamp_names_file_line_field_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("events.csv");
    std::fs::write(
        &p,
        "item_id,timestamp,status\nA,2024-01-01T00:00:00Z,To Do\nA,yesterday,Done\n",
    )
    .unwrap();
    let out = flowaudit()
        .args(["audit", "--quiet", "--out"])
        .arg(dir.path().join("o"))
        .arg(&p)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("events.csv")
            && err.contains("line 3")
            && err.contains("timestamp")
            && err.contains("yesterday"),
        "{err}"
    );
}

#[test]
fn truncated_xes_gz_is_exit_1_naming_the_file() {
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/xes/bpic2013_open_problems.xes.gz");
    let bytes = std::fs::read(src).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cut.xes.gz");
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    let out = flowaudit()
        .args(["audit", "--quiet", "--out"])
        .arg(dir.path().join("o"))
        .arg(&p)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("cut.xes.gz"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn strict_turns_warnings_into_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = flowaudit()
        .args([
            "audit",
            "--strict",
            "--quiet",
            "--as-of",
            "2024-01-10T00:00:00Z",
            "--out",
        ])
        .arg(dir.path().join("o"))
        .arg(fixture("pinned_events.csv"))
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("--strict"), "{err}");
}

#[test]
fn help_has_examples_and_formats_lists_formats() {
    let out = flowaudit().args(["audit", "--help"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("Examples:"));
    let out = flowaudit().arg("formats").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("events_csv") && text.contains("xes"),
        "{text}"
    );
}

#[test]
fn verify_cli() {
    use clap::CommandFactory;
    flowaudit::cli::Args::command().debug_assert();
}
