//! Expected numbers on the real files come from `scripts/new_formats_reference.py`
//! (standard-library Python reading the raw JSON, `tests/data/new_formats_reference.json`).
use super::*;
use crate::ingest::workflow::WorkflowMode;
use serde_json::{json, Value};
use std::io::Write;

use crate::ingest::testing::{ctx, reference, timeline};

fn data(rel: &str) -> PathBuf {
    crate::ingest::testing::data("gitlab", rel)
}

fn statuses(r: &Imported, id: &str) -> Vec<String> {
    timeline(r, id).into_iter().filter_map(|e| e.1).collect()
}

fn temp(v: &Value) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(v.to_string().as_bytes()).unwrap();
    f
}

#[test]
fn real_devlake_issue_list_agrees_with_the_independent_count() {
    let r = read_many(
        &[data("devlake__raw_gitlab_api_issues.derived.json")],
        &ctx(),
    )
    .unwrap();
    let want = &reference()["gitlab"]["devlake_issues"];
    assert_eq!(r.items as u64, want["items"].as_u64().unwrap());
    assert_eq!(r.items, 16);
    let mut done = 0;
    for (id, seq) in crate::ingest::testing::reference_statuses(want) {
        let id = id.as_str();
        assert_eq!(statuses(&r, id), seq, "{id}");
        if seq.last().map(String::as_str) == Some("closed") {
            done += 1;
            let fin = want["finished"][id].as_str().unwrap();
            let t = timeline(&r, id);
            assert_eq!(t.last().unwrap().0, fin, "{id}");
        }
    }
    assert_eq!(done, 12);
    // Issue #1: created by emilie, assigned to her, closed by tayloramurphy; team = group.
    let t = timeline(&r, "gitlab-data/snowflake_spend#1");
    assert_eq!(t[0].0, "2019-06-20T15:04:58.946Z");
    assert_eq!(t[0].2.as_deref(), Some("emilie"));
    assert_eq!(t[0].3.as_deref(), Some("gitlab-data"));
    let i = (0..r.batch.len())
        .rfind(|&i| r.batch.item_id[i] == "gitlab-data/snowflake_spend#1")
        .unwrap();
    assert_eq!(r.batch.actor[i].as_deref(), Some("tayloramurphy"));
    // No label events in a plain issue list: open/closed only, and the note says so.
    assert!(r.notes[0].contains("auto: open/closed"), "{:?}", r.notes);
    let cats = &r.hints.source_categories;
    assert_eq!(
        cats.get(&(SOURCE.into(), "closed".into())),
        Some(&SourceCategory::Done)
    );
}

#[test]
fn devlake_raw_table_csv_reads_as_its_json() {
    let csv = data("devlake__raw_gitlab_api_issues.csv");
    assert!(sniff(&std::fs::read(&csv).unwrap(), &csv));
    let a = read_many(&[csv], &ctx()).unwrap();
    let b = read_many(
        &[data("devlake__raw_gitlab_api_issues.derived.json")],
        &ctx(),
    )
    .unwrap();
    assert_eq!(a.items, 16);
    assert_eq!(a.batch.item_id, b.batch.item_id);
    assert_eq!(a.batch.timestamp, b.batch.timestamp);
    assert_eq!(a.batch.status, b.batch.status);
}

#[test]
fn documentation_events_alone_are_not_an_audit() {
    let e = read_many(
        &[data(
            "gitlab_docs_resource_label_events.issue_list.derived.json",
        )],
        &ctx(),
    )
    .unwrap_err();
    assert!(matches!(e, IngestError::Empty { .. }), "{e}");
    assert!(e.to_string().contains("/projects/:id/issues"), "{e}");
}

#[test]
fn documentation_events_next_to_other_items_are_skipped_and_counted() {
    let files = [
        data("devlake__raw_gitlab_api_issues.derived.json"),
        data("gitlab_docs_resource_label_events.issue_list.derived.json"),
        data("gitlab_docs_resource_label_events.epic_list.derived.json"),
        data("gitlab_docs_resource_state_events.mr_single.derived.json"),
    ];
    let r = read_many(&files, &ctx()).unwrap();
    assert_eq!(r.items, 16);
    // 2 issue label events and 1 MR state event name items not in the input, 2 are epics.
    assert_eq!(r.warnings.count(WarningKind::InputSkipped), 5);
}

/// An issue moving through scoped workflow labels, as the API records the moves: an add of
/// the new label and a remove of the old one at the same instant (the remove listed last),
/// then a close, a reopen and a close; and a merge request closed without merging.
fn project() -> Value {
    let user = |u: &str| json!({"id": 1, "username": u, "name": u});
    let label = |id: i64, name: &str, action: &str, at: &str| {
        json!({"id": id, "user": user("ann"), "created_at": at, "resource_type": "Issue",
               "resource_id": 900, "label": {"id": 7, "name": name}, "action": action})
    };
    let state = |id: i64, rt: &str, rid: i64, st: &str, at: &str| {
        json!({"id": id, "user": user("bob"), "created_at": at, "resource_type": rt,
               "resource_id": rid, "state": st})
    };
    json!({
        "issues": [{
            "id": 900, "iid": 5, "project_id": 3, "state": "closed",
            "created_at": "2024-01-01T09:00:00.000Z", "updated_at": "2024-01-09T09:00:00.000Z",
            "closed_at": "2024-01-09T09:00:00.000Z", "closed_by": user("bob"),
            "labels": ["workflow::done", "Team::Data"], "assignees": [user("ann")], "author": user("cy"),
            "references": {"full": "acme/platform/api#5"},
            "web_url": "https://gitlab.example.com/acme/platform/api/-/issues/5"
        }],
        "merge_requests": [{
            "id": 901, "iid": 6, "project_id": 3, "state": "closed", "merge_status": "can_be_merged",
            "created_at": "2024-01-02T09:00:00.000Z", "closed_at": "2024-01-03T09:00:00.000Z",
            "labels": [], "assignees": [user("ann")], "reviewers": [user("dee")],
            "author": user("ann"),
            "web_url": "https://gitlab.example.com/acme/platform/api/-/merge_requests/6"
        }],
        "resource_label_events": [
            label(1, "workflow::todo", "add", "2024-01-01T09:00:00.000Z"),
            label(2, "Team::Data", "add", "2024-01-01T09:00:00.000Z"),
            label(3, "workflow::doing", "add", "2024-01-02T10:00:00.000Z"),
            label(4, "workflow::todo", "remove", "2024-01-02T10:00:00.000Z"),
            label(5, "workflow::review", "add", "2024-01-04T10:00:00.000Z"),
            label(6, "workflow::doing", "remove", "2024-01-04T10:04:00.000Z"),
            label(7, "workflow::done", "add", "2024-01-05T10:00:00.000Z"),
            label(8, "workflow::review", "remove", "2024-01-05T10:00:00.000Z"),
            label(9, "Priority::1", "add", "2024-01-02T10:00:00.000Z")
        ],
        "resource_state_events": [
            state(10, "Issue", 900, "closed", "2024-01-05T10:00:00.000Z"),
            state(11, "Issue", 900, "reopened", "2024-01-06T10:00:00.000Z"),
            state(12, "Issue", 900, "closed", "2024-01-09T09:00:00.000Z"),
            state(13, "MergeRequest", 901, "closed", "2024-01-03T09:00:00.000Z")
        ]
    })
}

#[test]
fn scoped_labels_become_the_workflow_of_a_combined_project_document() {
    let f = temp(&project());
    let r = read_many(&[f.path().to_path_buf()], &ctx()).unwrap();
    assert_eq!(r.items, 2);
    let t = timeline(&r, "acme/platform/api#5");
    let got: Vec<(&str, Option<&str>)> = t.iter().map(|e| (e.0.as_str(), e.1.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("2024-01-01T09:00:00Z", Some("opened")),
            ("2024-01-01T09:00:00Z", Some("todo")),
            ("2024-01-02T10:00:00Z", Some("doing")),
            ("2024-01-04T10:00:00Z", Some("review")),
            ("2024-01-05T10:00:00Z", Some("closed (done)")),
            ("2024-01-06T10:00:00Z", Some("done")),
            ("2024-01-09T09:00:00Z", Some("closed (done)")),
        ]
    );
    // The object's closed_at is the last state event: no second close.
    assert_eq!(t.len(), 7);
    assert_eq!(t[0].3.as_deref(), Some("acme/platform"));
    let mr = statuses(&r, "acme/platform/api!6");
    assert_eq!(mr, ["opened", "closed (unmerged)"]);
    let asg: Vec<Option<String>> = timeline(&r, "acme/platform/api!6")
        .into_iter()
        .map(|e| e.2)
        .collect();
    assert_eq!(asg[..2], [Some("ann".into()), Some("dee".into())]);
    assert!(r.notes[0].contains("`workflow::`"), "{:?}", r.notes);
    assert!(
        r.notes[0].contains("1 of 2 item(s) have workflow statuses"),
        "{:?}",
        r.notes
    );
}

#[test]
fn configured_state_mode_and_a_team_label_family() {
    let f = temp(&project());
    let mut c = ctx();
    c.options.sources.gitlab.workflow = WorkflowMode::State;
    c.options.sources.gitlab.team_label = Some("Team".into());
    let r = read_many(&[f.path().to_path_buf()], &c).unwrap();
    assert_eq!(
        statuses(&r, "acme/platform/api#5"),
        ["opened", "closed", "opened", "closed"]
    );
    let t = timeline(&r, "acme/platform/api#5");
    // The team comes from the Team:: label event at creation.
    assert!(t.iter().any(|e| e.3.as_deref() == Some("Data")), "{t:?}");
    // The MR has no Team:: label: no team.
    assert!(timeline(&r, "acme/platform/api!6")
        .iter()
        .all(|e| e.3.is_none()));
}

#[test]
fn pages_back_to_back_and_duplicates_are_one_item() {
    let doc = project();
    let issues = doc["issues"].to_string();
    let events = doc["resource_label_events"].to_string();
    let mut f = tempfile::NamedTempFile::new().unwrap();
    // `glab api --paginate` writes pages back to back; the same page twice adds nothing.
    write!(f, "{issues}{issues}\n{events}{events}").unwrap();
    let r = read_many(&[f.path().to_path_buf()], &ctx()).unwrap();
    assert_eq!(r.items, 1);
    assert_eq!(
        statuses(&r, "acme/platform/api#5"),
        ["opened", "todo", "doing", "review", "done", "closed (done)"]
    );
}

#[test]
fn errors_name_the_item_the_field_and_the_value() {
    let mut doc = project();
    doc["issues"][0]["created_at"] = json!("yesterday");
    let f = temp(&doc);
    let e = read_many(&[f.path().to_path_buf()], &ctx())
        .unwrap_err()
        .to_string();
    assert!(e.contains("issue acme/platform/api#5"), "{e}");
    assert!(e.contains("created_at") && e.contains("yesterday"), "{e}");
    let mut g = tempfile::NamedTempFile::new().unwrap();
    g.write_all(b"[{\"iid\": 1, \"project_id\": 2, \"state\": ")
        .unwrap();
    let e = read_many(&[g.path().to_path_buf()], &ctx()).unwrap_err();
    assert!(matches!(e, IngestError::Malformed { .. }), "{e}");
}

#[test]
fn sniffing() {
    let head = |p: &str| std::fs::read(data(p)).unwrap();
    assert!(sniff(
        &head("devlake__raw_gitlab_api_issues.derived.json"),
        Path::new("x")
    ));
    assert!(sniff(
        &head("gitlab_docs_resource_label_events.issue_list.derived.json"),
        Path::new("x")
    ));
    assert!(sniff(
        &head("gitlab_docs_resource_state_events.mr_single.derived.json"),
        Path::new("x")
    ));
    assert!(!sniff(
        b"{\"key\": \"PROJ-1\", \"fields\": {}}",
        Path::new("x")
    ));
    assert!(!sniff(b"item_id,timestamp\n", Path::new("x")));
}
