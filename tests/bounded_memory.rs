//! The bounded-memory audit (`--memory-budget`, docs/BOUNDED-MEMORY.md): past the budget the
//! events are partitioned by item on disk and the per-item pass runs one partition at a time.
//! The report is the same, byte for byte, whatever the number of partitions: on real logs and
//! exports, on generated organisations with a period and with quarters, and on events that
//! raise every warning the per-item pass counts.

mod common;

use assert_cmd::Command;
use common::snapshot;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Audit `args` with `budget` (none: the default, everything in memory); the report's files
/// and the closing line.
fn audit(args: &[&str], out: &Path, budget: Option<&str>) -> (BTreeMap<PathBuf, Vec<u8>>, String) {
    let mut c = Command::cargo_bin("flowaudit").unwrap();
    c.arg("audit").args(args).arg("--out").arg(out);
    if let Some(b) = budget {
        c.args(["--memory-budget", b]);
    }
    let a = c.assert().success();
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    (snapshot(out), stderr)
}

/// The number of partitions the closing line reports (1 when it names none).
fn partitions(stderr: &str) -> usize {
    stderr
        .split("audited in ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

/// Every budget gives the in-memory report; `budgets` must each partition.
fn same_bytes(name: &str, args: &[&str], budgets: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, line) = audit(args, &tmp.path().join("whole"), None);
    assert_eq!(partitions(&line), 1, "{name}: {line}");
    assert!(whole.contains_key(Path::new("items.csv")), "{name}");
    for (k, b) in budgets.iter().enumerate() {
        let (parted, line) = audit(args, &tmp.path().join(format!("b{k}")), Some(b));
        let n = partitions(&line);
        assert!(
            n > 1,
            "{name} with --memory-budget {b} did not partition: {line}"
        );
        assert_eq!(
            whole.keys().collect::<Vec<_>>(),
            parted.keys().collect::<Vec<_>>(),
            "{name}: the same files"
        );
        for (path, bytes) in &whole {
            assert!(
                parted[path] == *bytes,
                "{name} in {n} partitions (--memory-budget {b}): {} differs",
                path.display()
            );
        }
    }
}

/// The closing line never claims a budget that was not kept: the budget bounds the events, and
/// a budget below what the records and the process itself take is named as passed, with why;
/// under the default budget (a quarter of the machine's memory) it says nothing of memory.
#[test]
fn the_closing_line_says_when_the_budget_was_not_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let log = ["tests/data/xes/helpdesk.xes.gz"];
    let (_, line) = audit(&log, &tmp.path().join("small"), Some("10KB"));
    assert!(
        line.contains("went past the memory budget of 10 KB although the events were audited in "),
        "{line}"
    );
    assert!(line.contains("the budget bounds the events, and the report keeps a record of every item in memory (docs/BOUNDED-MEMORY.md); the report is complete"), "{line}");
    assert!(!line.contains("to stay within"), "{line}");
    assert!(partitions(&line) > 1, "{line}");
    let (_, line) = audit(&log, &tmp.path().join("default"), None);
    assert!(!line.contains("memory"), "{line}");
}

#[test]
fn real_logs_give_the_same_bytes_in_any_number_of_partitions() {
    same_bytes(
        "helpdesk",
        &["tests/data/xes/helpdesk.xes.gz"],
        &["1MB", "10KB"],
    );
    same_bytes(
        "road traffic",
        &["tests/data/xes/roadtraffic100traces.xes"],
        &["20KB", "1B"],
    );
    same_bytes(
        "sepsis",
        &["tests/data/csv/sepsis_val_EXCERPT_first13cases.csv"],
        &["1B"],
    );
    same_bytes("jira export", &["tests/data/jira"], &["10KB"]);
    same_bytes("github export", &["tests/data/github"], &["10KB"]);
}

#[test]
fn periods_and_quarters_give_the_same_bytes_in_partitions() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("org");
    Command::cargo_bin("flowaudit")
        .unwrap()
        .args(["generate", "--scenario", "realistic", "--out"])
        .arg(&org)
        .assert()
        .success();
    let org = org.to_str().unwrap();
    same_bytes("organisation", &[org], &["300KB", "5KB"]);
    same_bytes("a quarter", &[org, "--quarter", "2024Q2"], &["300KB"]);
    same_bytes(
        "quarters",
        &[org, "--quarters", "2024Q1..2024Q3"],
        &["100KB"],
    );
    same_bytes("sample data", &["sample-data"], &["64KB"]);
}

#[test]
fn warnings_counted_in_partitions_are_merged_exactly() {
    // Duplicates and implausible instants in several items, and events after --as-of: each
    // warning's count and first example (in item order) come out as from one pass.
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("events.csv");
    let mut text = String::from("item_id,timestamp,status,assignee,team\n");
    for i in 0..40 {
        let id = format!("K-{:02}", (i * 7) % 40);
        text += &format!("{id},2024-01-02T09:00:00Z,To Do,ann,A\n");
        text += &format!("{id},2024-01-05T09:00:00Z,In Progress,bob,A\n");
        if i % 3 == 0 {
            // An identical event: a duplicate.
            text += &format!("{id},2024-01-05T09:00:00Z,In Progress,bob,A\n");
        }
        if i % 5 == 1 {
            text += &format!("{id},1960-01-01T00:00:00Z,Done,bob,A\n");
        }
        text += &format!("{id},2024-02-0{}T09:00:00Z,Done,bob,A\n", 1 + i % 9);
        text += &format!("{id},2024-06-01T09:00:00Z,In Progress,bob,A\n");
    }
    std::fs::write(&csv, text).unwrap();
    let csv = csv.to_str().unwrap();
    let args = [csv, "--as-of", "2024-03-01T00:00:00Z"];
    let (whole, _) = audit(&args, &tmp.path().join("whole"), None);
    let summary = String::from_utf8_lossy(&whole[Path::new("summary.json")]).into_owned();
    for w in ["duplicate", "1970", "after the audit instant"] {
        assert!(summary.contains(w), "the input raises the warning {w:?}");
    }
    same_bytes("warnings", &args, &["8KB", "1B"]);
}

#[test]
fn a_bad_budget_is_refused_with_what_to_write() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Command::cargo_bin("flowaudit")
        .unwrap()
        .args(["audit", "sample-data", "--memory-budget", "half", "--out"])
        .arg(tmp.path().join("r"))
        .assert()
        .failure()
        .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("--memory-budget \"half\""), "{err}");
    assert!(err.contains("800MB"), "{err}");
}
