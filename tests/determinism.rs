//! The same input gives the same bytes (INTERFACE.md "Output folder", METRICS.md §1 "Order"):
//! across runs, across thread counts, and when whole items or events with distinct
//! timestamps are shuffled in the input.

mod common;

use assert_cmd::Command;
use common::snapshot;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn generate(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    Command::cargo_bin("flowaudit")
        .unwrap()
        .args(["generate", "--items", "300", "--out"])
        .arg(&data)
        .assert()
        .success();
    data
}

fn audit(input: &Path, out: &Path, threads: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    Command::cargo_bin("flowaudit")
        .unwrap()
        .env("RAYON_NUM_THREADS", threads)
        .env("POLARS_MAX_THREADS", threads)
        .arg("audit")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .assert()
        .success();
    snapshot(out)
}

fn assert_same(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: file lists differ"
    );
    for (k, v) in a {
        assert!(v == &b[k], "{what}: {} differs", k.display());
    }
}

#[test]
fn same_bytes_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate(dir.path());
    let out = dir.path().join("out");
    let one = audit(&data, &out, "1");
    assert!(one.len() > 10);
    assert_same(&one, &audit(&data, &out, "1"), "second run");
    assert_same(&one, &audit(&data, &out, "2"), "2 threads");
    assert_same(&one, &audit(&data, &out, "4"), "4 threads");
}

/// A deterministic hash for the shuffle (FNV-1a).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

#[test]
fn shuffling_items_and_distinct_timestamps_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate(dir.path());
    let text = std::fs::read_to_string(data.join("events.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let key = |r: &str| {
        let mut f = r.splitn(3, ',');
        let (id, ts) = (f.next().unwrap(), f.next().unwrap());
        (id.to_string(), ts.to_string())
    };
    // Two shuffles: (1) every row by a hash of (item, timestamp) — items interleave, an
    // item's events change order, rows that tie on (item, timestamp) stay together and in
    // order (a stable sort on a key they share); (2) whole items reversed.
    let mut by_hash = rows.clone();
    by_hash.sort_by_key(|r| {
        let (id, ts) = key(r);
        fnv(&format!("{id}\u{1}{ts}"))
    });
    let mut reversed_items: Vec<&str> = Vec::new();
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for r in &rows {
        match blocks.last_mut() {
            Some(b) if key(b[0]).0 == key(r).0 => b.push(r),
            _ => blocks.push(vec![r]),
        }
    }
    for b in blocks.iter().rev() {
        reversed_items.extend(b);
    }
    assert_ne!(by_hash, rows);
    let out = dir.path().join("out");
    let base = audit(&data, &out, "2");
    for (name, shuffled) in [("hash", by_hash), ("items", reversed_items)] {
        // Same file names in another folder: only the folder in `inputs[].path` differs.
        let other = dir.path().join(format!("shuffled-{name}"));
        std::fs::create_dir(&other).unwrap();
        for f in ["tools.csv", "roster.csv"] {
            std::fs::copy(data.join(f), other.join(f)).unwrap();
        }
        std::fs::write(
            other.join("events.csv"),
            format!("{header}\n{}\n", shuffled.join("\n")),
        )
        .unwrap();
        let got = audit(&other, &dir.path().join(format!("out-{name}")), "2");
        let from = other.display().to_string();
        let to = data.display().to_string();
        for (k, v) in &base {
            let ks = k.to_string_lossy();
            let compared = ks == "summary.json"
                || ks == "items.csv"
                || (ks.starts_with("tables/") && ks.ends_with(".csv"));
            if !compared {
                continue;
            }
            let g = String::from_utf8(got[k].clone())
                .unwrap()
                .replace(&from, &to);
            assert!(g.as_bytes() == &v[..], "shuffle {name}: {ks} differs");
        }
    }
}
