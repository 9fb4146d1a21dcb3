#![allow(dead_code)] // each test file uses some of these helpers
//! Helpers shared by the integration tests: reading a CSV written by an audit through its
//! declared columns.

use assert_cmd::Command;
use flowaudit::report::csv::ITEM_COLUMNS;
use flowaudit::report::TableId;
use std::collections::BTreeMap;
use std::path::Path;

/// The rows of a CSV written by an audit, as column → value. For `items.csv` and the files
/// under `tables/`, the header must be the declared columns (`ITEM_COLUMNS`,
/// `TableId::columns`), so that a test reads columns by names that exist.
pub fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let declared: Option<Vec<&str>> = if path.ends_with("items.csv") {
        Some(ITEM_COLUMNS.to_vec())
    } else {
        TableId::ALL
            .iter()
            .find(|t| path.ends_with(format!("tables/{}.csv", t.name())))
            .map(|t| t.columns().to_vec())
    };
    if let Some(d) = declared {
        assert_eq!(head, d, "{}", path.display());
    }
    r.records()
        .map(|rec| {
            head.iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// Run `flowaudit` with `args`; it must fail with exit 1. Its standard error.
pub fn fails(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::cargo_bin("flowaudit")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Run `flowaudit` with `args`; it must succeed.
pub fn flowaudit(args: &[&str]) {
    let out = Command::cargo_bin("flowaudit")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Audit `inputs` with `extra` arguments into a fresh folder; it must succeed. The folder (kept
/// alive by the `TempDir`), the output folder and `summary.json`.
pub fn audit(
    inputs: &[std::path::PathBuf],
    extra: &[&str],
) -> (tempfile::TempDir, std::path::PathBuf, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = Command::cargo_bin("flowaudit")
        .unwrap()
        .arg("audit")
        .args(inputs)
        .args(extra)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let s = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    (dir, out, s)
}

/// Every file under `dir`, by path relative to it, with its bytes: a report folder to compare
/// byte for byte.
pub fn snapshot(dir: &Path) -> BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}
