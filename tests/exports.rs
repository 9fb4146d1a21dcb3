//! The real exports of `tests/data/` audited end to end: each system's folder alone,
//! then several systems merged into one audit. Item counts were established independently
//! (python over the same files; see each importer's tests for the details).

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn dataset(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(dir)
}

fn audit(inputs: &[PathBuf], extra: &[&str]) -> (tempfile::TempDir, Value) {
    let (dir, _, s) = common::audit(inputs, extra);
    (dir, s)
}

fn formats(s: &Value) -> Vec<String> {
    s["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["format"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn each_system_folder_is_detected_and_audited() {
    // (folder, format, items in scope): jira = 68 CSV rows + 3 search-page issues + 1 agile issue.
    let cases = [
        ("jira", None, 72),
        ("github", Some("github"), 40),
        ("linear", Some("linear"), 78),
        ("azure_devops", Some("azure_devops"), 4),
        ("trello", Some("trello"), 67),
    ];
    for (dir, fmt, items) in cases {
        let (_d, s) = audit(&[dataset(dir)], &[]);
        assert_eq!(s["counts"]["items"], items, "{dir}");
        if let Some(f) = fmt {
            assert!(
                formats(&s).iter().all(|x| x == f),
                "{dir}: {:?}",
                formats(&s)
            );
        }
    }
}

#[test]
fn several_systems_merge_into_one_audit_with_their_sources() {
    let (_d, s) = audit(
        &[
            dataset("linear"),
            dataset("trello"),
            dataset("azure_devops"),
        ],
        &[],
    );
    assert_eq!(s["counts"]["items"], 78 + 67 + 4);
    let f = formats(&s);
    for want in ["linear", "trello", "azure_devops"] {
        assert!(f.iter().any(|x| x == want), "{f:?}");
    }
}

#[test]
fn colliding_item_ids_across_systems_are_prefixed() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("events.csv");
    // Azure DevOps work item 3 exists in the real reporting sample; so does this CSV's item 3.
    std::fs::write(
        &csv,
        "item_id,timestamp,status\n3,2024-01-01T00:00:00Z,To Do\n3,2024-01-03T00:00:00Z,Done\n",
    )
    .unwrap();
    let (d, s) = audit(&[csv, dataset("azure_devops")], &[]);
    let _ = d;
    let w = s["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["kind"] == "item_id_collision")
        .expect("collision warning");
    assert_eq!(w["count"], 1);
    assert_eq!(s["counts"]["items"], 5);
}
