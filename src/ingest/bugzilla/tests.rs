//! Expected numbers on the real files come from `scripts/new_formats_reference.py`
//! (standard-library Python reading the raw JSON, `tests/data/new_formats_reference.json`).
use super::*;
use serde_json::{json, Value};
use std::io::Write;

use crate::ingest::testing::{ctx, reference, timeline, Row};

fn data(rel: &str) -> PathBuf {
    crate::ingest::testing::data("bugzilla", rel)
}

fn real() -> Imported {
    let files = [
        data("bmo_rest_bug_search_ids_12345-12347.derived.json"),
        data("bmo_rest_bug_12345_history.derived.json"),
        data("bmo_rest_bug_91_history.derived.json"),
    ];
    read_many(&files, &ctx()).unwrap_or_else(|e| panic!("{e}"))
}

fn temp(v: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(v.as_bytes()).unwrap();
    f
}

#[test]
fn real_bmo_bugs_and_histories_agree_with_the_independent_replay() {
    let r = real();
    let want = &reference()["bugzilla"]["search_and_histories"];
    assert_eq!(r.items as u64, want["items"].as_u64().unwrap());
    assert_eq!(r.items, 4);
    for (id, seq) in crate::ingest::testing::reference_statuses(want) {
        let id = id.as_str();
        let got: Vec<String> = timeline(&r, id).into_iter().filter_map(|e| e.1).collect();
        assert_eq!(got, seq, "bug {id}");
    }
    // Bug 91: NEW → … → RESOLVED (FIXED) → REOPENED → … → RESOLVED (FIXED) → VERIFIED (FIXED):
    // it finished at the second resolution, 1999-07-17T11:31:33Z.
    let t = timeline(&r, "91");
    let fin = want["finished"]["91"].as_str().unwrap();
    assert_eq!(fin, "1999-07-17T11:31:33Z");
    assert!(t
        .iter()
        .any(|e| e.0 == fin && e.1.as_deref() == Some("RESOLVED (FIXED)")));
    // 8 assignee changes, the first from nobody@mozilla.org (nobody) to mccabe.
    assert_eq!(t[0].2.as_deref(), Some(replay_unassigned()));
    let changes = t.iter().skip(1).filter(|e| e.2.is_some()).count();
    assert_eq!(
        changes as u64,
        want["assignee_changes"]["91"].as_u64().unwrap()
    );
    // No creation_time for 91 (history only) and no history for 12346, 12347: counted.
    assert_eq!(r.warnings.count(WarningKind::TruncatedChangelog), 3);
    // 12345: team from the first product/component of its history.
    let t = timeline(&r, "12345");
    assert_eq!(t[0].0, "1999-08-23T23:34:25Z");
    assert_eq!(t[0].3.as_deref(), Some("MailNews/Backend"));
    assert!(t
        .iter()
        .any(|e| e.3.as_deref() == Some("MailNews Core/Backend")));
    // 12346: no history, resolved: finished at cf_last_resolved.
    let t = timeline(&r, "12346");
    assert_eq!(t[1].0, want["finished"]["12346"].as_str().unwrap());
    let cats = &r.hints.source_categories;
    let cat = |s: &str| cats.get(&(SOURCE.to_string(), s.to_string())).copied();
    assert_eq!(cat("RESOLVED (FIXED)"), Some(SourceCategory::Done));
    assert_eq!(cat("VERIFIED (FIXED)"), Some(SourceCategory::Done));
    assert_eq!(cat("REOPENED"), Some(SourceCategory::Backlog));
    assert_eq!(cat("ASSIGNED"), Some(SourceCategory::Committed));
    assert_eq!(category("ON_QA", ""), Some(SourceCategory::Committed));
    assert_eq!(category("CLOSED", "ERRATA"), Some(SourceCategory::Done));
    assert_eq!(
        category("CLOSED", "NOTABUG"),
        Some(SourceCategory::Canceled)
    );
}

fn replay_unassigned() -> &'static str {
    crate::ingest::replay::UNASSIGNED
}

#[test]
fn documentation_bug_is_canceled_and_the_duplicate_key_does_not_stop_it() {
    let r = read_many(
        &[data(
            "bugzilla_docs_api_core_v1_bug.get_bug_response.derived.json",
        )],
        &ctx(),
    )
    .unwrap();
    assert_eq!(r.items, 1);
    let got: Vec<String> = timeline(&r, "35").into_iter().filter_map(|e| e.1).collect();
    assert_eq!(got, [NO_HISTORY, "RESOLVED (INVALID)"]);
    let cats = &r.hints.source_categories;
    let key = (SOURCE.to_string(), "RESOLVED (INVALID)".to_string());
    assert_eq!(cats.get(&key), Some(&SourceCategory::Canceled));
}

#[test]
fn one_bug_per_line_with_inline_history_and_the_team_setting() {
    let bug = |id: i64, hist: Value| {
        json!({"id": id, "status": "RESOLVED", "resolution": "WONTFIX", "product": "Kit",
               "component": "UI", "assigned_to": "ann@x.org", "creator": "cy@x.org",
               "creation_time": "2024-01-01T00:00:00Z", "history": hist})
    };
    let ch = |f: &str, r: &str, a: &str| json!({"field_name": f, "removed": r, "added": a});
    let h = json!([
        {"when": "2024-01-02T00:00:00Z", "who": "ann@x.org",
         "changes": [ch("status", "NEW", "ASSIGNED"), ch("assigned_to", "nobody@x.org", "ann@x.org")]},
        {"when": "2024-01-03T00:00:00Z", "who": "ann@x.org",
         "changes": [ch("status", "ASSIGNED", "RESOLVED"), ch("resolution", "", "WONTFIX"),
                     ch("component", "Core", "UI")]}
    ]);
    let text = format!("{}\n{}\n", bug(1, h.clone()), bug(2, json!([])));
    let f = temp(&text);
    let mut c = ctx();
    c.options.sources.bugzilla.team = BugzillaTeam::Component;
    let r = read_many(&[f.path().to_path_buf()], &c).unwrap();
    assert_eq!(r.items, 2);
    let t = timeline(&r, "1");
    let want: Vec<Row> = vec![
        (
            "2024-01-01T00:00:00Z".into(),
            Some("NEW".into()),
            Some("unassigned".into()),
            Some("Core".into()),
        ),
        (
            "2024-01-02T00:00:00Z".into(),
            Some("ASSIGNED".into()),
            Some("ann@x.org".into()),
            None,
        ),
        (
            "2024-01-03T00:00:00Z".into(),
            Some("RESOLVED (WONTFIX)".into()),
            None,
            Some("UI".into()),
        ),
    ];
    assert_eq!(t, want);
    // An empty history is a history: bug 2 was resolved from its creation on.
    let t = timeline(&r, "2");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].1.as_deref(), Some("RESOLVED (WONTFIX)"));
    assert_eq!(r.warnings.count(WarningKind::TruncatedChangelog), 0);
}

#[test]
fn errors_name_the_bug_the_field_and_the_value() {
    let f = temp(r#"{"bugs":[{"id":7,"status":"NEW","creation_time":"13/01/2024","history":[]}]}"#);
    let e = read_many(&[f.path().to_path_buf()], &ctx())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("bug 7") && e.contains("creation_time") && e.contains("13/01/2024"),
        "{e}"
    );
    let g = temp(r#"{"bugs":[{"id":7,"status":"#);
    let e = read_many(&[g.path().to_path_buf()], &ctx()).unwrap_err();
    assert!(matches!(e, IngestError::Malformed { .. }), "{e}");
    let h = temp(r#"{"bugs":[]}"#);
    let e = read_many(&[h.path().to_path_buf()], &ctx()).unwrap_err();
    assert!(matches!(e, IngestError::Empty { .. }), "{e}");
}

#[test]
fn sniffing() {
    let head = |p: &str| std::fs::read(data(p)).unwrap();
    for f in [
        "bmo_rest_bug_search_ids_12345-12347.derived.json",
        "bmo_rest_bug_12345_history.derived.json",
        "bmo_rest_bug_91_history.derived.json",
        "bugzilla_docs_api_core_v1_bug.get_bug_response.derived.json",
    ] {
        assert!(sniff(&head(f), Path::new(f)), "{f}");
    }
    assert!(!sniff(
        b"{\"issues\": [{\"key\": \"A-1\", \"fields\": {\"assignee\": null}}]}",
        Path::new("x")
    ));
}
