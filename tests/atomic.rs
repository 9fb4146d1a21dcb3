//! Atomic output (INTERFACE.md "Output folder"): a run killed at any moment leaves the
//! previous report byte-identical and no partial file in it; the next run removes what the
//! killed one left beside it; an output folder that cannot be written gives exit 1 and leaves
//! nothing behind.

mod common;

use assert_cmd::Command;
use common::snapshot;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("flowaudit")
}

/// `flowaudit generate <flag> <n> --out <out>`, which must succeed.
fn generate(out: &Path, flag: &str, n: &str) {
    Command::cargo_bin("flowaudit")
        .unwrap()
        .args(["generate", flag, n, "--out"])
        .arg(out)
        .assert()
        .success();
}

/// `flowaudit audit <input> --out <out> --quiet <args>`, run.
fn audit(input: &Path, out: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("flowaudit")
        .unwrap()
        .arg("audit")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(args)
        .assert()
}

/// Every file under `dir`, relative path → bytes.
fn siblings(parent: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn killed_runs_leave_the_previous_report_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    let big = dir.path().join("big");
    generate(&small, "--items", "60");
    generate(&big, "--events", "2000000");
    let out = dir.path().join("out");
    audit(&small, &out, &[]).success();
    let before = snapshot(&out);
    assert!(before.contains_key(Path::new("summary.json")));
    for delay in [50u64, 300, 1000, 3000] {
        let mut child = std::process::Command::new(bin())
            .arg("audit")
            .arg(&big)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        if finished {
            // The audit won the race: the new report is whole (it has its summary.json).
            assert!(out.join("summary.json").is_file());
            break;
        }
        assert_eq!(
            snapshot(&out),
            before,
            "killed after {delay} ms: the previous report changed"
        );
    }
    // A killed run leaves its temporary folder beside the target; the next run removes it.
    audit(&small, &out, &[]).success();
    assert_eq!(snapshot(&out), before, "same input, same bytes");
    let left = siblings(dir.path());
    assert_eq!(
        left,
        ["big", "out", "small"],
        "stale temporary folders were not removed"
    );
}

#[test]
fn stale_siblings_of_live_processes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    generate(&small, "--items", "20");
    // pid 1 is alive (init): its folder may belong to a run in progress and is kept; a pid
    // that cannot be alive (above the kernel's pid_max) is a killed run's and is removed.
    let live = dir.path().join(".out.tmp-1");
    let dead = dir.path().join(".out.tmp-4294967295");
    let dead_old = dir.path().join(".out.old-4294967294");
    for d in [&live, &dead, &dead_old] {
        std::fs::create_dir(d).unwrap();
        std::fs::write(d.join("summary.json"), "partial").unwrap();
    }
    let out = dir.path().join("out");
    audit(&small, &out, &[]).success();
    assert!(live.exists());
    assert!(!dead.exists() && !dead_old.exists());
}

#[test]
fn a_run_killed_between_its_renames_is_recovered() {
    // The previous report was moved aside to `.out.old-<pid>` and the process died before
    // the new one was moved in: the next run puts the previous report back first.
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    generate(&small, "--items", "20");
    let aside = dir.path().join(".out.old-4294967295");
    std::fs::create_dir(&aside).unwrap();
    std::fs::write(aside.join("summary.json"), "{}").unwrap();
    let out = dir.path().join("out");
    // A run that fails (bad input) must leave the recovered report in place.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "item_id,timestamp\nA,never\n").unwrap();
    audit(&bad, &out, &[]).code(1);
    audit(&small, &out, &[]).success();
    assert!(!aside.exists());
    assert_ne!(std::fs::read(out.join("summary.json")).unwrap(), b"{}");
}

#[test]
fn unwritable_output_gives_exit_1_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    generate(&small, "--items", "20");
    std::fs::write(dir.path().join("file.txt"), "x").unwrap();
    let before = siblings(dir.path());
    for out in ["file.txt/out", "file.txt/a/b", "file.txt"] {
        let o = audit(&small, &dir.path().join(out), &[])
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{out}: {err}");
        assert!(err.contains("is a file, not a folder"), "{err}");
        assert!(!err.contains("panicked"));
        assert_eq!(
            siblings(dir.path()),
            before,
            "{out}: something was left behind"
        );
        assert_eq!(std::fs::read(dir.path().join("file.txt")).unwrap(), b"x");
    }
}

#[test]
fn a_run_failing_after_items_csv_was_written_leaves_nothing_of_its_own() {
    // `items.csv` is written into the temporary folder while the report is built; a run that
    // fails after that (`--strict` refuses the report's warnings once it is built) leaves the
    // previous report byte-identical, no temporary folder, and no folder it made for --out.
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    generate(&small, "--items", "40");
    // The same events twice: a duplicate-event warning, an error under --strict.
    let events = std::fs::read_to_string(small.join("events.csv")).unwrap();
    let mut lines = events.lines();
    let header = lines.next().unwrap();
    let body: Vec<&str> = lines.collect();
    let twice = dir.path().join("twice.csv");
    std::fs::write(
        &twice,
        format!("{header}\n{}\n{}\n", body.join("\n"), body.join("\n")),
    )
    .unwrap();
    let strict = |out: &Path| {
        let r = audit(&twice, out, &["--strict"]).code(1);
        let err = String::from_utf8_lossy(&r.get_output().stderr).into_owned();
        assert!(err.contains("--strict"), "{err}");
    };
    let out = dir.path().join("out");
    audit(&small, &out, &[]).success();
    let before = snapshot(&out);
    strict(&out);
    assert_eq!(snapshot(&out), before, "the previous report changed");
    assert_eq!(siblings(dir.path()), ["out", "small", "twice.csv"]);
    // Folders made for a new --out are removed again.
    strict(&dir.path().join("new").join("deeper").join("out"));
    assert_eq!(siblings(dir.path()), ["out", "small", "twice.csv"]);
    // Without --strict the same input is audited, items.csv included.
    audit(&twice, &out, &[]).success();
    let items = std::fs::read_to_string(out.join("items.csv")).unwrap();
    assert_eq!(items.lines().count(), 41, "a header and the 40 items");
}
