//! The tool people like to use (issue 10): help with examples, `init`, shell completions,
//! errors that say what to do.

use assert_cmd::Command;
use flowaudit::config::{parse_file, FileConfig};
use flowaudit::ingest::{self, LoadOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn flowaudit() -> Command {
    Command::cargo_bin("flowaudit").expect("binary builds")
}

fn sample_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

fn stdout_of(args: &[&str]) -> String {
    let out = flowaudit().args(args).assert().success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn every_help_has_examples() {
    for args in [
        &["--help"][..],
        &["audit", "--help"],
        &["init", "--help"],
        &["generate", "--help"],
        &["formats", "--help"],
        &["completions", "--help"],
    ] {
        let text = stdout_of(args);
        assert!(text.contains("Examples:"), "{args:?}:\n{text}");
        assert!(text.contains("flowaudit "), "{args:?}:\n{text}");
    }
    let audit = stdout_of(&["audit", "--help"]);
    for needle in [
        "Jira",
        "XES",
        "events CSV",
        "flowaudit formats",
        "--quarter",
    ] {
        assert!(audit.contains(needle), "{needle}:\n{audit}");
    }
}

/// Distinct items per status in sample-data/events.csv, counted independently of flowaudit.
fn sample_items_per_status() -> BTreeMap<String, usize> {
    let mut r = csv::Reader::from_path(sample_data().join("events.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (item, status) = (col("item_id"), col("status"));
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if !rec[status].is_empty() {
            m.entry(rec[status].to_string())
                .or_default()
                .insert(rec[item].to_string());
        }
    }
    m.into_iter().map(|(k, v)| (k, v.len())).collect()
}

#[test]
fn init_writes_a_config_that_lists_every_status_with_its_items_and_parses() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("flowaudit.toml");
    flowaudit()
        .arg("init")
        .arg(sample_data())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let (file, overrides) = parse_file(&text, &out).expect("the written config parses");
    let statuses = sample_items_per_status();
    assert!(!statuses.is_empty());
    for (status, items) in &statuses {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("\"{status}\" = ")))
            .unwrap_or_else(|| panic!("{status} not listed:\n{text}"));
        assert!(line.contains(&format!("# {items} items")), "{line}");
        assert!(overrides.global.contains_key(status), "{status}");
    }
    // Every other section is shown at its default, commented out.
    for section in [
        "#[team_statuses.",
        "#[workflow_order]",
        "#[people]",
        "#exclude_people",
        "#[xes]",
        "#[import]",
        "#[signals]",
        "#[verdict]",
        "#[blockers]",
        "#[forecast]",
    ] {
        assert!(text.contains(section), "{section}");
    }
    assert_eq!(file.signals, FileConfig::default().signals);
}

#[test]
fn init_config_gives_the_categories_of_an_audit_without_config() {
    let defaults = FileConfig::default();
    let inputs = [sample_data()];
    let loaded = ingest::load(
        &inputs,
        &LoadOptions {
            format: None,
            tz: chrono_tz::UTC,
            xes: &defaults.xes,
            tools: None,
            roster: None,
            import: &defaults.import,
            columns: &defaults.columns,
            memory_budget: None,
        },
    )
    .unwrap();
    let scan = flowaudit::init::scan(loaded).unwrap();
    let text = flowaudit::init::render(&scan, &inputs, Path::new("flowaudit.toml"), chrono_tz::UTC);
    let (_, overrides) = parse_file(&text, Path::new("flowaudit.toml")).unwrap();
    let (with, without) = (scan.categorizer(overrides), scan.default_categorizer());
    for f in &scan.statuses {
        let src = Some(f.source.as_str()).filter(|s| !s.is_empty());
        assert_eq!(
            with.categorize(&f.status, None, src).0,
            without.categorize(&f.status, None, src).0,
            "{f:?}"
        );
    }
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine.toml");
    std::fs::write(&out, "# my edits\n").unwrap();
    let run = |force: bool| {
        let mut cmd = flowaudit();
        cmd.arg("init").arg(sample_data()).arg("--out").arg(&out);
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
    };
    let failed = run(false).code(1);
    let err = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "# my edits\n");
    run(true).success();
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("[statuses]"));
}

#[test]
fn completions_for_bash_mention_the_subcommands() {
    let script = stdout_of(&["completions", "bash"]);
    assert!(script.len() > 1000, "{script}");
    assert!(
        script.contains("audit") && script.contains("init"),
        "{script}"
    );
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert!(
            stdout_of(&["completions", shell]).contains("audit"),
            "{shell}"
        );
    }
}

#[test]
fn a_missing_input_says_so_and_what_to_do() {
    for cmd in ["audit", "init"] {
        let out = flowaudit()
            .args([cmd, "no/such/export.csv", "--out"])
            .arg(tempfile::tempdir().unwrap().path().join("x"))
            .assert()
            .code(1);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            err.contains("no/such/export.csv")
                && err.contains("no such file or folder")
                && err.contains("flowaudit formats"),
            "{err}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    flowaudit().args(["audit", "--bogus"]).assert().code(2);
    flowaudit().arg("init").assert().code(2);
    flowaudit().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn formats_names_are_accepted_by_format() {
    let text = stdout_of(&["formats"]);
    assert!(text.contains("jira_json"), "{text}");
    flowaudit()
        .args(["audit", "--format", "jira_json", "--help"])
        .assert()
        .success();
    flowaudit()
        .args(["init", "--format", "events_csv", "--help"])
        .assert()
        .success();
}

/// The report's sections come in the declared order (`report::build::SECTION_ORDER`), every
/// one of them listed there, whatever order the parts are built in.
#[test]
fn sections_follow_the_declared_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = flowaudit()
        .arg("audit")
        .arg(sample_data())
        .args(["--quarter", "2024Q2", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let order = flowaudit::report::build::SECTION_ORDER;
    let mut at = Vec::new();
    for id in order {
        if let Some(p) = html.find(&format!("<h2 id=\"{id}\"")) {
            at.push((p, id));
        }
    }
    // Every section of the page is a declared one, and they appear in the declared order.
    let h2 = html.matches("<h2 id=\"").count();
    // The page adds its own contents, data-quality and methods headings.
    assert_eq!(at.len() + 2, h2, "{at:?}");
    assert!(at.windows(2).all(|w| w[0].0 < w[1].0), "{at:?}");
    assert!(
        at.iter().any(|x| x.1 == "comparison"),
        "a period gives the comparison section"
    );
}
