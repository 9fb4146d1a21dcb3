//! Status truth on real trackers (METRICS.md §2): a done status with a name in another
//! language, re-categorised in one project, and a migration from "Closed" to it.
//!
//! The export below has the shape of a Jira Cloud search response with `expand=changelog`
//! (as in `tests/data/jira/`): project A's "完成" (id 10001) is in the `done` category, the
//! team-managed project B has its own "完成" (id 10100) in `new`. A's issues were moved from
//! the old "Closed" into the migrated "完成".

use assert_cmd::Command;
use serde_json::{json, Value};

fn issue(key: &str, status_id: &str, cat: &str, from: (&str, &str), to: (&str, &str)) -> Value {
    json!({
        "id": key.replace('-', ""),
        "key": key,
        "fields": {
            "created": "2024-01-01T09:00:00.000+0000",
            "status": {"id": status_id, "name": to.1, "statusCategory": {"key": cat}},
            "assignee": null
        },
        "changelog": {"startAt": 0, "maxResults": 100, "total": 2, "histories": [
            {"id": format!("{key}-1"), "created": "2024-01-02T09:00:00.000+0000",
             "items": [{"field": "status", "fieldtype": "jira", "from": "1", "fromString": "To Do",
                        "to": from.0, "toString": from.1}]},
            {"id": format!("{key}-2"), "created": "2024-01-05T09:00:00.000+0000",
             "items": [{"field": "status", "fieldtype": "jira", "from": from.0, "fromString": from.1,
                        "to": to.0, "toString": to.1}]}
        ]}
    })
}

#[test]
fn recategorised_localised_done_status_keeps_its_category_per_id() {
    let mut issues = Vec::new();
    for n in 1..=25 {
        // Project A: In Progress → Closed (done) → migrated 完成 (done): done, never reopened.
        let key = format!("A-{n}");
        let mut i = issue(
            &key,
            "10001",
            "done",
            ("3", "In Progress"),
            ("10001", "完成"),
        );
        // The migration step: Closed before 完成.
        i["changelog"]["histories"][1]["items"][0]["from"] = json!("6");
        i["changelog"]["histories"][1]["items"][0]["fromString"] = json!("Closed");
        i["changelog"]["histories"][0]["items"][0]["to"] = json!("6");
        i["changelog"]["histories"][0]["items"][0]["toString"] = json!("Closed");
        issues.push(i);
    }
    for n in 1..=5 {
        // Project B: its own 完成 is a backlog status.
        issues.push(issue(
            &format!("B-{n}"),
            "10100",
            "new",
            ("3", "In Progress"),
            ("10100", "完成"),
        ));
    }
    let doc = json!({"startAt": 0, "maxResults": 50, "total": issues.len(), "issues": issues});
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("search.json");
    std::fs::write(&p, serde_json::to_vec(&doc).unwrap()).unwrap();
    let o = Command::cargo_bin("flowaudit")
        .unwrap()
        .arg("audit")
        .arg(&p)
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/summary.json")).unwrap())
            .unwrap();
    assert_eq!(s["counts"]["items"], 30);
    assert_eq!(s["counts"]["done"], 25, "{}", s["counts"]);
    assert_eq!(s["counts"]["open"], 5);
    // Closed → 完成 is done → done: never a reopen.
    assert_eq!(s["reopen_rate"], 0.0);
    let w = s["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["kind"] == "conflicting_source_category")
        .expect("a conflicting_source_category warning");
    let msg = w["message"].as_str().unwrap();
    assert!(
        msg.contains("\"完成\"") && msg.contains("id 10001 is done for 25 item(s)"),
        "{msg}"
    );
    assert!(msg.contains("id 10100 is new for 5 item(s)"), "{msg}");
    let map = std::fs::read_to_string(dir.path().join("out/tables/status_map.csv")).unwrap();
    assert!(
        map.contains("完成 [10001],,done,source_category,25"),
        "{map}"
    );
    assert!(
        map.contains("完成 [10100],,backlog,source_category,5"),
        "{map}"
    );
}
