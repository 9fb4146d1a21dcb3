//! GitLab, Bugzilla, OCEL 2.0 and milestone-run GitHub inputs audited end to end. The real
//! files' numbers are checked against `tests/data/new_formats_reference.json`, written by
//! `scripts/new_formats_reference.py` (standard-library Python over the raw JSON, no code
//! of the project).

mod common;

use assert_cmd::Command;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn reference() -> Value {
    serde_json::from_slice(&std::fs::read(data("new_formats_reference.json")).unwrap()).unwrap()
}

use common::audit;

/// items.csv as rows of column → value.
fn items(out: &Path) -> Vec<BTreeMap<String, String>> {
    common::rows(&out.join("items.csv"))
}

/// Every item's outcome, finish and lead time equal the independent replay.
fn agrees(out: &Path, want: &Value) {
    let rows = items(out);
    assert_eq!(rows.len() as u64, want["items"].as_u64().unwrap());
    for outcome in ["done", "canceled", "open"] {
        let n = rows.iter().filter(|r| r["outcome"] == outcome).count() as u64;
        assert_eq!(n, want[outcome].as_u64().unwrap(), "{outcome}");
    }
    for r in &rows {
        let id = &r["item_id"];
        if let Some(fin) = want["finished"][id].as_str() {
            assert_eq!(&r["finished"], fin, "{id}");
        }
        if let Some(secs) = want["lead_time_seconds"][id].as_f64() {
            let days: f64 = r["lead_time_days"].parse().unwrap();
            // items.csv rounds to 1e-6 day (0.0864 s).
            assert!(
                (days * 86_400.0 - secs).abs() < 0.05,
                "{id}: {days} d vs {secs} s"
            );
        }
    }
}

#[test]
fn gitlab_issue_list_agrees_with_the_independent_count() {
    let (_d, out, s) = audit(
        &[data("gitlab/devlake__raw_gitlab_api_issues.derived.json")],
        &[],
    );
    assert_eq!(s["inputs"][0]["format"], "gitlab");
    agrees(&out, &reference()["gitlab"]["devlake_issues"]);
    // The data-quality section says where the workflow came from.
    let note = s["inputs"][0]["notes"][0].as_str().unwrap();
    assert!(
        note.starts_with("GitLab workflow from auto: open/closed"),
        "{note}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("GitLab workflow from auto"));
}

#[test]
fn bugzilla_bugs_and_histories_agree_with_the_independent_replay() {
    let files = [
        data("bugzilla/bmo_rest_bug_search_ids_12345-12347.derived.json"),
        data("bugzilla/bmo_rest_bug_12345_history.derived.json"),
        data("bugzilla/bmo_rest_bug_91_history.derived.json"),
    ];
    let (_d, out, s) = audit(&files, &[]);
    assert!(s["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["format"] == "bugzilla"));
    agrees(&out, &reference()["bugzilla"]["search_and_histories"]);
    // Bug 91 was reopened once (RESOLVED (FIXED) → REOPENED).
    let rows = items(&out);
    let bug91 = rows.iter().find(|r| r["item_id"] == "91").unwrap();
    assert_eq!(bug91["reopens"], "1");
    let (_d, out, _) = audit(
        &[data(
            "bugzilla/bugzilla_docs_api_core_v1_bug.get_bug_response.derived.json",
        )],
        &[],
    );
    agrees(&out, &reference()["bugzilla"]["docs_get_bug"]);
}

#[test]
fn ocel_log_is_an_activity_log_of_its_busiest_object_type() {
    let (_d, out, s) = audit(&[data("ocel/pm4py_ocel20_example.jsonocel")], &[]);
    let input = &s["inputs"][0];
    assert_eq!(input["format"], "ocel");
    assert_eq!(input["kind"], "activities");
    assert_eq!(input["items"], 3);
    assert_eq!(input["events"], 9);
    let note = input["notes"][0].as_str().unwrap();
    assert!(
        note.contains("`Invoice`") && note.contains("Payment (3)"),
        "{note}"
    );
    // R1: Insert Invoice 2022-01-14T11:00Z … Insert Payment 2022-01-30T22:00Z.
    let rows = items(&out);
    let r1 = rows.iter().find(|r| r["item_id"] == "R1").unwrap();
    assert_eq!(r1["created"], "2022-01-14T11:00:00Z");
    assert_eq!(r1["finished"], "2022-01-30T22:00:00Z");
    // Another object type through the config.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("flowaudit.toml");
    std::fs::write(&cfg, "[ocel]\nitem_type = \"Purchase Order\"\n").unwrap();
    let (_d2, _, s) = audit(
        &[data("ocel/pm4py_ocel20_example.jsonocel")],
        &["--config", cfg.to_str().unwrap()],
    );
    assert_eq!(s["inputs"][0]["items"], 2);
}

/// A GitHub project that runs its triage on milestones (as webcompat/web-bugs does): the
/// issue list, and each issue's `/issues/N/events` response saved as `issue-N-events.json`
/// (those events name no issue: the file name does). A move is a `demilestoned` and a
/// `milestoned` at the same second, in either order.
fn milestone_project(dir: &Path) -> PathBuf {
    let repo = "https://api.github.com/repos/acme/web-bugs";
    let folder = dir.join("web-bugs");
    std::fs::create_dir_all(&folder).unwrap();
    let mut issues = Vec::new();
    let mut id = 0;
    for n in 1..=3u32 {
        let day = |d: u32| format!("2024-03-{:02}T10:00:00Z", d + n);
        issues.push(json!({"number": n, "state": "closed", "url": format!("{repo}/issues/{n}"),
            "repository_url": repo, "html_url": format!("https://github.com/acme/web-bugs/issues/{n}"),
            "created_at": day(0), "updated_at": day(9), "closed_at": day(9),
            "user": {"login": "reporter"}, "labels": [], "assignees": []}));
        let mut events = Vec::new();
        let mut ev = |kind: &str, milestone: Option<&str>, at: String| {
            id += 1;
            let mut e = json!({"id": id, "url": format!("{repo}/issues/events/{id}"), "event": kind,
                "created_at": at, "actor": {"login": "triager"}});
            if let Some(m) = milestone {
                e["milestone"] = json!({"title": m});
            }
            events.push(e);
        };
        ev("milestoned", Some("needstriage"), day(0));
        // Set before clear at the same second: the clear must not undo the set.
        ev("milestoned", Some("needsdiagnosis"), day(2));
        ev("demilestoned", Some("needstriage"), day(2));
        ev("demilestoned", Some("needsdiagnosis"), day(5));
        ev("milestoned", Some("sitewait"), day(5));
        ev("closed", None, day(9));
        let file = folder.join(format!("issue-{n}-events.json"));
        std::fs::write(file, Value::Array(events).to_string()).unwrap();
    }
    std::fs::write(folder.join("issues.json"), Value::Array(issues).to_string()).unwrap();
    folder
}

#[test]
fn github_milestone_triage_shows_time_in_each_state() {
    let dir = tempfile::tempdir().unwrap();
    let input = milestone_project(dir.path());
    let (_d, out, s) = audit(&[input.clone()], &["--as-of", "2024-04-01"]);
    let note = s["inputs"][0]["notes"][0].as_str().unwrap();
    assert!(
        note.starts_with("GitHub workflow from auto: milestones"),
        "{note}"
    );
    // Each issue: 2 days in needstriage, 3 in needsdiagnosis, 4 in sitewait.
    let mut r = csv::Reader::from_path(out.join("tables/status_time.csv")).unwrap();
    let head = r.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let mut days: BTreeMap<String, f64> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[col("team")] == "*" {
            let total: f64 = rec[col("item_days")].parse().unwrap();
            days.insert(rec[col("status")].to_string(), total);
        }
    }
    assert_eq!(days.get("needstriage"), Some(&6.0), "{days:?}");
    assert_eq!(days.get("needsdiagnosis"), Some(&9.0), "{days:?}");
    assert_eq!(days.get("sitewait"), Some(&12.0), "{days:?}");
    // With the workflow set to state, the same project is open/closed only.
    let cfg = dir.path().join("flowaudit.toml");
    std::fs::write(&cfg, "[github]\nworkflow = \"state\"\n").unwrap();
    let (_d2, out, _) = audit(
        &[input],
        &["--as-of", "2024-04-01", "--config", cfg.to_str().unwrap()],
    );
    let text = std::fs::read_to_string(out.join("tables/status_time.csv")).unwrap();
    assert!(!text.contains("needstriage"), "{text}");
}

#[test]
fn formats_lists_the_new_formats() {
    let out = Command::cargo_bin("flowaudit")
        .unwrap()
        .arg("formats")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for f in ["gitlab", "bugzilla", "ocel"] {
        assert!(text.contains(f), "{text}");
    }
}

/// `flowaudit generate` with `extra` arguments into `dir`.
fn generate(dir: &Path, extra: &[&str]) {
    let mut args = vec![
        "generate",
        "--items",
        "300",
        "--seed",
        "11",
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    common::flowaudit(&args);
}

#[test]
fn the_sample_organisation_round_trips_through_gitlab_and_bugzilla_json() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("flowaudit.toml");
    std::fs::write(
        &cfg,
        "[gitlab]\nteam_label = \"team\"\n[bugzilla]\nteam = \"component\"\n",
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let audit_of = |name: &str, extra: &[&str]| {
        let org = dir.path().join(name);
        generate(&org, extra);
        let (d, out, s) = audit(&[org], &["--config", cfg]);
        let mut rows = items(&out);
        rows.sort_by(|a, b| a["created"].cmp(&b["created"]));
        (d, rows, s)
    };
    let (_a, csv_rows, csv_s) = audit_of("csv", &[]);
    assert_eq!(csv_rows.len(), 300);
    // Every column of items.csv but the id and what counts events (the exports record more
    // or fewer events for the same history).
    let cols: Vec<&str> = flowaudit::report::csv::ITEM_COLUMNS
        .into_iter()
        .filter(|c| !["item_id", "events", "case_duration_days"].contains(c))
        .collect();
    for (fmt, skip) in [("bugzilla", &[][..]), ("gitlab", &["handoffs"][..])] {
        let (_b, rows, s) = audit_of(fmt, &["--as", fmt]);
        assert_eq!(s["inputs"][0]["format"], fmt);
        assert_eq!(rows.len(), csv_rows.len(), "{fmt}");
        for (a, b) in csv_rows.iter().zip(&rows) {
            for c in cols.iter().filter(|c| !skip.contains(c)) {
                assert_eq!(
                    a[*c], b[*c],
                    "{fmt}: {} ({}) column {c}",
                    a["item_id"], b["item_id"]
                );
            }
        }
        assert_eq!(
            s["recommendation"]["verdict"], csv_s["recommendation"]["verdict"],
            "{fmt}"
        );
    }
}

#[test]
fn init_lists_the_milestones_and_label_families_it_found() {
    let dir = tempfile::tempdir().unwrap();
    let input = milestone_project(dir.path());
    let cfg = dir.path().join("flowaudit.toml");
    common::flowaudit(&[
        "init",
        input.to_str().unwrap(),
        "--out",
        cfg.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        text.contains("milestone changes: 9: needsdiagnosis (3), needstriage (3), sitewait (3)"),
        "{text}"
    );
    assert!(
        text.contains("#workflow = \"auto\"        # auto | state | labels | milestone | project"),
        "{text}"
    );
    // The statuses found are the milestones, ready to be categorised.
    assert!(text.contains("\"needstriage\""), "{text}");
}

#[test]
fn github_projects_v2_status_changes_are_the_workflow() {
    // No real recording of `project_v2_item_status_changed` was found (tests/data/README.md):
    // this timeline follows GitHub's GraphQL type (`status`) and webhook shape
    // (`changes.field_value.to`).
    let dir = tempfile::tempdir().unwrap();
    let repo = "https://api.github.com/repos/acme/app";
    let issue = json!({"number": 7, "state": "closed", "url": format!("{repo}/issues/7"),
        "repository_url": repo, "created_at": "2024-04-01T09:00:00Z", "updated_at": "2024-04-06T09:00:00Z",
        "closed_at": "2024-04-06T09:00:00Z", "user": {"login": "ann"}, "labels": [], "assignees": []});
    let ev = |id: u32, kind: &str, at: &str, extra: Value| {
        let mut e = json!({"id": id, "url": format!("{repo}/issues/events/{id}"), "event": kind,
            "created_at": at, "actor": {"login": "ann"}, "project_v2": {"id": 42}});
        for (k, v) in extra.as_object().unwrap() {
            e[k] = v.clone();
        }
        e
    };
    let timeline = json!([
        ev(1, "added_to_project_v2", "2024-04-01T09:00:00Z", json!({})),
        ev(
            2,
            "project_v2_item_status_changed",
            "2024-04-02T09:00:00Z",
            json!({"status": "Todo"})
        ),
        ev(
            3,
            "project_v2_item_status_changed",
            "2024-04-03T09:00:00Z",
            json!({"changes": {"field_value": {"from": {"name": "Todo"}, "to": {"name": "In Progress"}}}})
        ),
        ev(4, "closed", "2024-04-06T09:00:00Z", json!({}))
    ]);
    std::fs::write(dir.path().join("issue.json"), issue.to_string()).unwrap();
    std::fs::write(
        dir.path().join("issue-7-timeline.json"),
        timeline.to_string(),
    )
    .unwrap();
    let (_d, out, _) = audit(&[dir.path().to_path_buf()], &["--as-of", "2024-05-01"]);
    let rows = items(&out);
    assert_eq!(rows[0]["started"], "2024-04-03T09:00:00Z");
    let days: f64 = rows[0]["cycle_time_days"].parse().unwrap();
    assert_eq!(days, 3.0);
}

#[test]
fn a_github_projects_export_is_refused_with_what_to_export_instead() {
    // The "Export view data" CSV of a Projects (v2) board: current Status, no dates.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("board.csv");
    std::fs::write(
        &p,
        "Title,URL,Assignees,Status,Labels,Repository\nFix login,https://github.com/acme/app/issues/7,ann,In Progress,bug,acme/app\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let err = common::fails(&[
        "audit".as_ref(),
        p.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        err.contains("a GitHub Projects export") && err.contains("project_v2_item_status_changed"),
        "{err}"
    );
}
