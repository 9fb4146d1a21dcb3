//! Activity logs (METRICS.md §11) and evidence gates (§12) on the real process-mining logs of
//! `tests/data/xes/` (origins and licences in `tests/data/README.md`).
//!
//! Read as activity logs, every case finishes at its last event, so the finished items are
//! pm4py's cases and every cycle time is pm4py's case duration
//! (`tests/data/pm4py_reference.json`, made by `scripts/pm4py_reference.py`).

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn reference() -> Value {
    serde_json::from_slice(&std::fs::read(data("pm4py_reference.json")).unwrap()).unwrap()
}

struct Audit {
    dir: tempfile::TempDir,
}

impl Audit {
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    fn summary(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.out().join("summary.json")).unwrap()).unwrap()
    }
    /// items.csv as (item_id → column → value).
    fn items(&self) -> BTreeMap<String, BTreeMap<String, String>> {
        let mut r = csv::Reader::from_path(self.out().join("items.csv")).unwrap();
        let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                let row: BTreeMap<String, String> = h
                    .iter()
                    .cloned()
                    .zip(rec.iter().map(str::to_string))
                    .collect();
                (rec[0].to_string(), row)
            })
            .collect()
    }
    fn text(&self, name: &str) -> String {
        std::fs::read_to_string(self.out().join(name)).unwrap()
    }
}

fn audit(input: &Path, config: Option<&str>, extra: &[&str]) -> Audit {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("flowaudit").unwrap();
    cmd.arg("audit").arg(input).args(extra);
    if let Some(c) = config {
        let p = dir.path().join("flowaudit.toml");
        std::fs::write(&p, c).unwrap();
        cmd.arg("--config").arg(p);
    }
    let o = cmd
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Audit { dir }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

/// Read as an activity log (auto-detected, or forced for the status-shaped BPIC 2013 logs),
/// every case is finished; the finished items are pm4py's cases; every cycle time equals the
/// case duration and pm4py's, and lead time equals cycle time.
#[test]
fn every_xes_log_read_as_activities_finishes_every_case_with_pm4py_durations() {
    let r = reference();
    for (log, auto_kind) in [
        ("helpdesk.xes.gz", "activities"),
        ("roadtraffic100traces.xes", "activities"),
        ("running-example.xes", "activities"),
        ("bpic2013_open_problems.xes.gz", "statuses"),
        ("bpic2013_closed_problems.xes.gz", "statuses"),
    ] {
        let auto = audit(&data(&format!("xes/{log}")), None, &[]);
        assert_eq!(auto.summary()["inputs"][0]["kind"], auto_kind, "{log}");
        let a = audit(
            &data(&format!("xes/{log}")),
            Some("[log]\nkind = \"activities\"\n"),
            &[],
        );
        let s = a.summary();
        let refl = &r["logs"][log];
        assert_eq!(s["inputs"][0]["kind"], "activities", "{log}");
        assert_eq!(s["counts"]["items"], refl["n_traces"], "{log}");
        let finished =
            s["counts"]["done"].as_u64().unwrap() + s["counts"]["canceled"].as_u64().unwrap();
        assert_eq!(
            Some(finished),
            refl["n_traces"].as_u64(),
            "{log}: every case finishes"
        );
        assert_eq!(s["counts"]["open"], 0, "{log}");
        let items = a.items();
        for (id, row) in &items {
            let cd: f64 = row["case_duration_days"].parse().unwrap();
            if row["outcome"] == "done" {
                let ct: f64 = row["cycle_time_days"].parse().unwrap();
                let lt: f64 = row["lead_time_days"].parse().unwrap();
                assert!(close(ct, cd) && close(lt, cd), "{log} {id}: {row:?}");
            }
            assert_eq!(row["backward_moves"], "0", "{log} {id}");
        }
        // Every case, against pm4py's case durations (scripts/pm4py_activity_reference.py).
        let all = &activity_reference()["logs"][format!("repo:{log}")]["case_durations"];
        let all = all.as_object().unwrap();
        assert_eq!(all.len(), items.len(), "{log}");
        for (id, secs) in all {
            let y = secs.as_f64().unwrap() / 86_400.0;
            let ct: f64 = items[id]["cycle_time_days"].parse().unwrap();
            assert!(close(ct, y), "{log} {id}: cycle {ct}, pm4py duration {y}");
        }
        for c in refl["case_durations"]["specific_cases"].as_array().unwrap() {
            let id = c["case:concept:name"].as_str().unwrap();
            let y = c["duration_days"].as_f64().unwrap();
            let x: f64 = items[id]["case_duration_days"].parse().unwrap();
            assert!(close(x, y), "{log} {id}: ours {x}, pm4py {y}");
            if items[id]["outcome"] == "done" {
                let ct: f64 = items[id]["cycle_time_days"].parse().unwrap();
                assert!(close(ct, y), "{log} {id}: cycle {ct}, pm4py duration {y}");
            }
        }
        // The cycle-time distribution of done cases is pm4py's case-duration distribution when
        // no case is canceled.
        if s["counts"]["canceled"] == 0 {
            let cd = &refl["case_durations"];
            for (ours, theirs) in [
                ("mean", "mean_days"),
                ("p50", "p50_days"),
                ("p95", "p95_days"),
            ] {
                let x = s["cycle_time_days"][ours].as_f64().unwrap();
                let y = cd[theirs].as_f64().unwrap();
                assert!(close(x, y), "{log}: cycle {ours} ours {x}, pm4py {y}");
            }
        }
    }
}

/// Helpdesk (completions only: no lifecycle start events): flow efficiency cannot be measured,
/// so it is null, never 0 %, and the report says why. The time after each activity is time
/// in that status (waiting), and rework counts repeated activities.
#[test]
fn completions_only_log_has_no_flow_efficiency_and_counts_repeated_activities() {
    let a = audit(&data("xes/helpdesk.xes.gz"), None, &[]);
    let s = a.summary();
    assert_eq!(s["flow_efficiency"], Value::Null);
    let items = a.items();
    assert!(items
        .values()
        .all(|r| r["flow_efficiency"].is_empty() && r["active_days"].is_empty()));
    // Case 1 of Helpdesk: Assign seriousness, Take in charge ticket, Take in charge ticket,
    // Resolve ticket, Closed — one repeated activity.
    let reopened = items.values().filter(|r| r["reopens"] != "0").count();
    assert!(reopened > 0);
    let status_time = a.text("tables/status_time.csv");
    assert!(
        status_time.contains(",Take in charge ticket,waiting,"),
        "{status_time}"
    );
    let report = a.text("report.md");
    assert!(report.contains("activities log: "), "{report}");
}

/// A status reading of an activity log fails the `mapped_statuses` gate: the verdict is
/// `insufficient_evidence`, the executive summary opens with it, names the gate with its
/// figure, threshold and fix, and the blockers are provisional.
#[test]
fn forced_status_reading_of_an_activity_log_gives_insufficient_evidence() {
    let a = audit(
        &data("xes/roadtraffic100traces.xes"),
        Some("[log]\nkind = \"statuses\"\n"),
        &[],
    );
    let s = a.summary();
    let rec = &s["recommendation"];
    assert_eq!(rec["verdict"], "insufficient_evidence");
    let gates: BTreeMap<&str, &Value> = rec["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["gate"].as_str().unwrap(), g))
        .collect();
    assert_eq!(gates["mapped_statuses"]["passed"], false);
    assert!(gates["mapped_statuses"]["value"].as_f64().unwrap() < 0.8);
    assert!(
        gates["mapped_statuses"]["fix"]
            .as_str()
            .unwrap()
            .contains("[log] kind = \\\"activities\\\"")
            || gates["mapped_statuses"]["fix"]
                .as_str()
                .unwrap()
                .contains("[log] kind = \"activities\"")
    );
    let md = a.text("report.md");
    let summary_at = md.find("## Executive summary").unwrap();
    let after = &md[summary_at..];
    assert!(
        after
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("Not enough evidence for a verdict"),
        "{after}"
    );
    assert!(after.contains("mapped statuses:"), "{after}");
    assert!(md.contains("## Efficiency blockers (provisional)"), "{md}");
    let csv = a.text("tables/evidence.csv");
    assert!(
        csv.starts_with("gate,passed,value,threshold,measure,fix\n"),
        "{csv}"
    );
    assert!(csv.contains("\nmapped_statuses,false,"), "{csv}");
}

/// No verdict is ever printed with a failed gate, and every gate is reported.
#[test]
fn a_verdict_is_only_given_when_every_gate_passes() {
    for (input, config) in [
        ("xes/helpdesk.xes.gz", None),
        ("xes/bpic2013_closed_problems.xes.gz", None),
        ("xes/running-example.xes", None),
        ("jira", None),
        ("trello", None),
        (
            "xes/roadtraffic100traces.xes",
            Some("[log]\nkind = \"statuses\"\n"),
        ),
    ] {
        let a = audit(&data(input), config, &[]);
        let rec = &a.summary()["recommendation"];
        let gates = rec["evidence"].as_array().unwrap();
        assert_eq!(gates.len(), 5, "{input}");
        let all = gates.iter().all(|g| g["passed"] == true);
        assert_eq!(
            rec["verdict"] == "insufficient_evidence",
            !all,
            "{input}: {rec}"
        );
    }
}

/// The incident-style log with hundreds of groups: a group with fewer than
/// `min_team_finished` items done is too few to judge: no signal, not in the verdict's share,
/// no per-team section of its own.
#[test]
fn small_teams_are_too_few_to_judge() {
    let a = audit(&data("xes/bpic2013_closed_problems.xes.gz"), None, &[]);
    let s = a.summary();
    let teams = s["teams"].as_array().unwrap();
    let small: Vec<&Value> = teams
        .iter()
        .filter(|t| t["finished"].as_u64().unwrap() < 10)
        .collect();
    assert!(!small.is_empty());
    for t in &small {
        assert_eq!(t["judged"], false, "{t}");
        assert_eq!(t["signals"], Value::Null, "{t}");
    }
    let judged = teams.iter().filter(|t| t["judged"] == true).count() as u64;
    assert_eq!(
        s["recommendation"]["inputs"]["teams"].as_u64(),
        Some(judged)
    );
    let too_few = s["recommendation"]["teams_too_few_to_judge"]
        .as_array()
        .unwrap();
    assert_eq!(too_few.len(), small.len());
    let md = a.text("report.md");
    let name = small[0]["team"].as_str().unwrap();
    assert!(
        !md.contains(&format!("### {name}\n")),
        "{name} has its own section"
    );
}

/// `[log] end_activities`: a case whose last activity is another one is open at `as_of`.
#[test]
fn end_activities_leave_other_cases_open() {
    let a = audit(
        &data("xes/roadtraffic100traces.xes"),
        Some("[log]\nend_activities = [\"Payment\", \"Send for Credit Collection\"]\n"),
        &[],
    );
    let items = a.items();
    let open = items.values().filter(|r| r["outcome"] == "open").count();
    let done = items.values().filter(|r| r["outcome"] == "done").count();
    assert!(open > 0 && done > 0, "open {open}, done {done}");
    assert_eq!(open + done, items.len());
    let s = a.summary();
    assert_eq!(s["counts"]["open"].as_u64(), Some(open as u64));
}

fn activity_reference() -> Value {
    serde_json::from_slice(&std::fs::read(data("pm4py_activity_reference.json")).unwrap()).unwrap()
}

/// Real process-mining CSVs nobody here wrote (pm4py-core's test data, a Sepsis excerpt, the
/// MobIS challenge log with `;` and `DD.MM.YYYY hh:mm`, a tracker's history export read
/// through `[columns]`; origins in tests/data/README.md): items, events and every case's
/// duration equal pm4py's (`scripts/pm4py_activity_reference.py`); read as activity logs,
/// every case finishes with its case duration as cycle time.
#[test]
fn real_csv_logs_agree_with_pm4py_case_by_case() {
    let r = activity_reference();
    for (file, config, kind) in [
        ("running-example.csv", None, "activities"),
        ("roadtraffic100traces.csv", None, "activities"),
        ("sepsis_val_EXCERPT_first13cases.csv", None, "activities"),
        (
            "mobis_challenge_log_2019_snippet.csv",
            Some("[columns]\nitem_id = \"case\"\ntimestamp = \"end\"\n"),
            "activities",
        ),
        (
            "aea_jira_anon_EXCERPT_first134rows.csv",
            Some("[columns]\nitem_id = \"ticket\"\ntimestamp = \"date_updated\"\nstatus = \"Status\"\n"),
            "statuses",
        ),
    ] {
        let a = audit(&data(&format!("csv/{file}")), config, &[]);
        let s = a.summary();
        let refl = &r["logs"][file];
        assert_eq!(s["inputs"][0]["kind"], kind, "{file}");
        assert_eq!(s["counts"]["items"], refl["cases"], "{file}");
        assert_eq!(s["counts"]["events"], refl["events"], "{file}");
        let items = a.items();
        let durations = refl["case_durations"].as_object().unwrap();
        assert_eq!(durations.len(), items.len(), "{file}");
        for (id, secs) in durations {
            let row = &items[id];
            let theirs = secs.as_f64().unwrap() / 86_400.0;
            let cd: f64 = row["case_duration_days"].parse().unwrap();
            assert!(close(cd, theirs), "{file} {id}: ours {cd}, pm4py {theirs}");
            if kind == "activities" {
                assert_eq!(row["outcome"], "done", "{file} {id}");
                let ct: f64 = row["cycle_time_days"].parse().unwrap();
                assert!(close(ct, theirs), "{file} {id}: cycle {ct}, pm4py {theirs}");
            }
        }
    }
}

/// A case still running at `as_of` (it has events after it) is open there, not finished at
/// its last event before: on the Road Traffic log as of 2003-01-01, 15 cases have ended and
/// 10 are still running (counted independently from the XES).
#[test]
fn cases_running_at_as_of_stay_open() {
    let a = audit(
        &data("xes/roadtraffic100traces.xes"),
        None,
        &["--as-of", "2003-01-01T00:00:00Z"],
    );
    let s = a.summary();
    assert_eq!(s["counts"]["items"], 25);
    assert_eq!(s["counts"]["done"], 15);
    assert_eq!(s["counts"]["open"], 10);
    let items = a.items();
    assert!(items
        .values()
        .filter(|r| r["outcome"] == "open")
        .all(|r| r["finished"].is_empty() && r["cycle_time_days"].is_empty()));
}

/// Sepsis Cases (real, 4TU): every "Return ER" event has `org:group` = `?`, the log's
/// placeholder for an unknown department. It is read as no team (docs/METRICS.md §1,
/// "Placeholder teams"), never listed as a team, and counted in a warning that names it and
/// the items (the 4 of these 13 cases with a `?` event: EMA, KB, OK, OX).
#[test]
fn a_placeholder_team_in_a_real_log_is_no_team_and_is_reported() {
    let a = audit(&data("csv/sepsis_val_EXCERPT_first13cases.csv"), None, &[]);
    let s = a.summary();
    let teams: Vec<&str> = s["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["team"].as_str().unwrap())
        .collect();
    assert!(!teams.contains(&"?"), "{teams:?}");
    assert_eq!(teams, ["A", "B", "E", "L"]);
    let w = s["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["kind"] == "placeholder_team")
        .expect("a placeholder_team warning");
    assert_eq!(w["count"], 4);
    let m = w["message"].as_str().unwrap();
    assert!(
        m.contains("\u{201c}?\u{201d}") && m.contains("e.g. EMA, KB, OK"),
        "{m}"
    );
}
