//! Jira REST JSON (FORMATS.md §1a): search responses (offset `startAt/maxResults/total` and
//! cursor `nextPageToken/isLast` wrappers), the agile sprint/board issue endpoint, single
//! issues, plain arrays of issues, per-issue changelog pages (`values` = histories) and
//! `/changelog/bulkfetch` (`issueChangeLogs`). A file may hold several JSON documents back to
//! back (`--paginate` style); many page files are read together by [`read_many`].
//!
//! Responsibility: join every page into one record per issue and turn it into canonical
//! events (METRICS.md §1), plus the hints Jira gives (status categories, current statuses).
//!
//! Decisions:
//! - **Identity.** An issue is joined across files by its stable `id`; an issue seen twice is
//!   kept once. Its fields (key, created, current status/assignee/team) come from the
//!   latest-fetched copy = the greatest `fields.updated` (ties: the copy read last); `item_id`
//!   is that copy's `key` (the current key). Histories are the union of every copy's and
//!   every changelog page's, deduplicated by history `id` (by content when there is no id).
//! - **Changelog pages** carry no issue: a `values` page is joined to its issue by the
//!   `/issue/{idOrKey}/changelog` in its `self` URL, else by an issue key written in the file
//!   name (`UT-26_changelog.json`); bulkfetch entries by `issueId`. Keys include former keys
//!   (history items `Key`, `fromString` = old key). A page whose issue is not among the
//!   issue files is an error: a changelog alone has no `created` nor current status.
//! - **Order.** Each issue's histories are sorted by `created` (stable), items kept in listed
//!   order; one event per state item. Issues are emitted in order of first appearance.
//! - **Creation event** at `fields.created`, actor = `fields.creator`: status = `fromString`
//!   of the first status item, else the current `fields.status.name`; likewise the first
//!   `assignee`/team item's `fromString`, else the current assignee/team.
//! - **Items**: `status` → status (`toString`); `assignee` → assignee = `toString` (display
//!   name, what rosters list), else the `to` id when the name is empty, else `unassigned`;
//!   the team field (`field`/`fieldId` = [`ImportOptions::jira_team_field`], resolved through
//!   the response's `names` map) → team (`unassigned` when emptied). Every other item
//!   (`Workflow`, `Key`, `project`, `resolution`, summary edits …) sets no state field and
//!   yields no event. `resolutiondate` is ignored: status events decide `finished`.
//! - **Actor** = history `author.displayName` (else name/accountId); no author → None.
//! - **Team value**: a string, a number, an object's `name`/`value`/`title`/`displayName`,
//!   or the first usable element of an array.
//! - **Status categories**: `fields.status.statusCategory.key` (new/indeterminate/done) is
//!   recorded for the CURRENT status name only; history-only statuses fall back to patterns.
//! - **Truncation**: fewer distinct histories than the largest `total` seen for the issue
//!   (embedded changelog or changelog pages) → one [`WarningKind::TruncatedChangelog`] per
//!   issue. Without any `total` (agile endpoint), 100 or more histories count as possibly
//!   truncated (the search cap).
//!
//! Invariants: never panics on data; every error names the file, the record (`issue "UT-26"
//! history 3`, `document 2`), the field and the value. Output is deterministic (BTreeMaps,
//! file order).
//!
//! [`ImportOptions::jira_team_field`]: super::imported::ImportOptions::jira_team_field

mod changelog;
mod events;
mod pages;
mod values;

use super::imported::{ImportContext, Imported};
use crate::error::IngestError;
use crate::error::Location;
use crate::model::Ts;
use changelog::{attach_pending, Acc};
use events::build;
use pages::classify;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SOURCE: &str = "jira";
/// Histories returned by `expand=changelog` on search when the changelog is capped.
const SEARCH_HISTORY_CAP: usize = 100;

/// Does the head of a file look like Jira REST JSON? JSON that names Jira-only keys
/// (`issueChangeLogs`, `changeHistories`), or issues with `fields` and `key` plus a Jira
/// marker (`issuetype`, `statusCategory`, `changelog`, a `/rest/api/` or `/rest/agile/`
/// URL), or changelog pages (`values` with a `/changelog` Jira URL, `histories` with
/// `fromString`).
pub fn sniff(head: &[u8], _path: &Path) -> bool {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return false;
    }
    let has = |m: &str| t.contains(m);
    let jira_url = [
        "/rest/api/2/",
        "/rest/api/3/",
        "/rest/api/latest/",
        "/rest/agile/",
    ]
    .iter()
    .any(|m| has(m));
    if has("\"issueChangeLogs\"") || has("\"changeHistories\"") {
        return true;
    }
    let issue = has("\"fields\"")
        && has("\"key\"")
        && (jira_url || has("\"issuetype\"") || has("\"statusCategory\"") || has("\"changelog\""));
    let page = has("\"values\"") && has("/changelog") && jira_url;
    let histories = has("\"histories\"") && has("\"fromString\"");
    issue || page || histories
}

struct State {
    accs: BTreeMap<String, Acc>,
    order: Vec<String>,
    pending: Vec<Pending>,
    local_ts: super::instants::LocalTimes,
    tz: chrono_tz::Tz,
}

/// One copy of an issue as read from a response.
pub(super) struct Copy {
    pub(super) key: String,
    pub(super) updated: Option<Ts>,
    pub(super) file: usize,
    pub(super) issue: Value,
    /// The response's `names` map (field id → field name), when expanded.
    pub(super) names: BTreeMap<String, String>,
}

/// Where a changelog page belongs.
pub(super) enum Target {
    /// The stable issue id (bulkfetch `issueId`).
    Id(String),
    /// An id or key from a `self` URL.
    IdOrKey(String),
    /// Unknown from the content: look for a key in the file name.
    FileName,
}

pub(super) struct Pending {
    pub(super) target: Target,
    pub(super) histories: Vec<Value>,
    pub(super) total: Option<u64>,
    pub(super) file: usize,
    pub(super) record: String,
}

/// Read every Jira JSON file at once: pages are joined, duplicates kept once, changelog
/// pages attached to their issues.
pub fn read_many(paths: &[PathBuf], ctx: &ImportContext) -> Result<Imported, IngestError> {
    let mut st = State {
        accs: BTreeMap::new(),
        order: Vec::new(),
        pending: Vec::new(),
        local_ts: Default::default(),
        tz: ctx.tz,
    };
    for (fi, path) in paths.iter().enumerate() {
        let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
            path: path.clone(),
            source,
        })?;
        let mut docs = 0usize;
        for (di, doc) in serde_json::Deserializer::from_slice(&bytes)
            .into_iter::<Value>()
            .enumerate()
        {
            let doc = doc.map_err(|e| IngestError::Malformed {
                path: path.clone(),
                record: Location::line_column(e.line(), e.column()),
                reason: format!("not valid JSON ({e}); re-download the response"),
            })?;
            docs += 1;
            let record = format!("document {}", di + 1);
            classify(doc, path, fi, &record, true, &mut st)?;
        }
        if docs == 0 {
            return Err(IngestError::Empty {
                path: path.clone(),
                reason: "the file holds no JSON document".into(),
            });
        }
    }
    attach_pending(paths, &mut st)?;
    build(paths, ctx, st)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::imported::ImportOptions;
    use crate::model::{SourceCategory, Ts};
    use crate::time::{format_instant, parse_instant};
    use crate::warning::WarningKind;

    fn ctx(team: Option<&str>) -> ImportContext {
        ImportContext {
            tz: chrono_tz::Tz::UTC,
            options: ImportOptions {
                jira_team_field: team.map(str::to_string),
                ..ImportOptions::default()
            },
        }
    }

    fn real(name: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/jira/")).join(name)
    }

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn utc(s: &str) -> Ts {
        parse_instant(s, chrono_tz::Tz::UTC).unwrap().0
    }

    /// (item, time, status, assignee, team, actor) per event.
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );

    fn rows(r: &Imported) -> Vec<Row> {
        let b = &r.batch;
        (0..b.len())
            .map(|i| {
                (
                    b.item_id[i].clone(),
                    format_instant(b.timestamp[i]),
                    b.status[i].clone(),
                    b.assignee[i].clone(),
                    b.team[i].clone(),
                    b.actor[i].clone(),
                )
            })
            .collect()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    // Expected numbers established with python3 (json.load on the same files): go-jira has
    // 1 issue AR-86 (id 12338), created 2015-12-02T07:39:15.000-0800 = 15:39:15Z, current
    // status "Ready" (statusCategory new), assignee "mister Morris", 2 histories (summary,
    // priority: no state item), the second without author, no changelog.total.
    #[test]
    fn real_go_jira_agile_sprint() {
        let r = read_many(
            &[real("go-jira_issues_in_sprint_with_changelog.json")],
            &ctx(None),
        )
        .unwrap();
        assert_eq!(r.items, 1);
        assert_eq!(
            rows(&r),
            vec![(
                "AR-86".into(),
                "2015-12-02T15:39:15Z".into(),
                s("Ready"),
                s("mister Morris"),
                None,
                None
            )]
        );
        assert!(r.batch.source.iter().all(|x| x.as_deref() == Some("jira")));
        assert_eq!(r.batch.created, vec![Some(utc("2015-12-02T15:39:15Z"))]);
        assert_eq!(
            r.hints
                .source_categories
                .get(&("jira".into(), "Ready".into())),
            Some(&SourceCategory::Backlog)
        );
        assert_eq!(
            r.hints.current_status.get("AR-86").map(String::as_str),
            Some("Ready")
        );
        assert!(r.warnings.is_empty());
    }

    // python3: page1 = HELP-6043 (Open, new, created 2016-03-03T13:40:01.000+0000),
    // HELP-6042 (Closed, done, 13:11:01); page2 = HELP-6041 (Open, new, 11:57:01); total 3,
    // no changelog: one creation event per issue with the current status.
    #[test]
    fn real_perceval_search_pages_joined_and_deduplicated() {
        let p1 = real("perceval_fiware_jira_server_search_page1.json");
        let p2 = real("perceval_fiware_jira_server_search_page2.json");
        let r = read_many(&[p1.clone(), p2.clone(), p1.clone()], &ctx(None)).unwrap();
        assert_eq!(r.items, 3);
        assert_eq!(r.batch.len(), 3);
        let got: Vec<(String, String, Option<String>)> =
            rows(&r).into_iter().map(|x| (x.0, x.1, x.2)).collect();
        assert_eq!(
            got,
            vec![
                ("HELP-6043".into(), "2016-03-03T13:40:01Z".into(), s("Open")),
                (
                    "HELP-6042".into(),
                    "2016-03-03T13:11:01Z".into(),
                    s("Closed")
                ),
                ("HELP-6041".into(), "2016-03-03T11:57:01Z".into(), s("Open")),
            ]
        );
        assert_eq!(
            r.hints
                .source_categories
                .get(&("jira".into(), "Closed".into())),
            Some(&SourceCategory::Done)
        );
        assert_eq!(r.files[1], (p2, 1, 1));
        assert_eq!(r.files[0].1, 2);
    }

    #[test]
    fn sniffing() {
        for f in [
            "go-jira_issues_in_sprint_with_changelog.json",
            "perceval_fiware_jira_server_search_page1.json",
            "perceval_fiware_jira_server_search_page2.json",
        ] {
            let bytes = std::fs::read(real(f)).unwrap();
            let head = &bytes[..bytes.len().min(8192)];
            assert!(sniff(head, &real(f)), "{f}");
        }
        let xes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/xes/running-example.xes"
        ))
        .unwrap();
        assert!(!sniff(&xes[..xes.len().min(8192)], Path::new("x.xes")));
        assert!(!sniff(
            b"item_id,timestamp,status\nA,2024-01-01,Open\n",
            Path::new("e.csv")
        ));
        let gh = br#"[{"url":"https://api.github.com/repos/o/r/issues/1","number":1,"state":"open","labels":[]}]"#;
        assert!(!sniff(gh, Path::new("gh.json")));
        let ado = br#"{"count":1,"value":[{"id":1,"rev":1,"fields":{"System.State":"New"},"url":"https://dev.azure.com/o/_apis/wit/workItems/1"}]}"#;
        assert!(!sniff(ado, Path::new("ado.json")));
        assert!(sniff(br#"{"issueChangeLogs":[]}"#, Path::new("b.json")));
        assert!(sniff(
            br#"{"self":"https://x.atlassian.net/rest/api/3/issue/UT-1/changelog","values":[]}"#,
            Path::new("c.json")
        ));
    }

    fn hist(id: &str, created: &str, author: Option<&str>, items: &str) -> String {
        let a = author
            .map(|a| format!(r#""author":{{"displayName":"{a}","accountId":"acc-{a}"}},"#))
            .unwrap_or_default();
        format!(r#"{{"id":"{id}",{a}"created":"{created}","items":[{items}]}}"#)
    }

    fn status(from: &str, to: &str) -> String {
        format!(
            r#"{{"field":"status","fieldtype":"jira","from":"1","fromString":"{from}","to":"2","toString":"{to}"}}"#
        )
    }

    fn issue(id: &str, key: &str, updated: &str, extra_fields: &str, changelog: &str) -> String {
        format!(
            r#"{{"id":"{id}","key":"{key}","fields":{{"created":"2015-11-21T07:03:02.000-0500","updated":"{updated}","status":{{"name":"Done","statusCategory":{{"key":"done"}}}},"assignee":null,"creator":{{"displayName":"Ann"}}{extra_fields}}}{changelog}}}"#
        )
    }

    #[test]
    fn initial_status_order_dst_offsets_workflow_and_missing_author() {
        let dir = tempfile::tempdir().unwrap();
        // Histories listed newest first (as some endpoints do); DST changes the offset.
        let hs = [
            hist(
                "3",
                "2016-03-29T07:19:29.805-0400",
                Some("Bob"),
                &status("In Progress", "Done"),
            ),
            hist(
                "2",
                "2015-11-26T06:34:28.549-0500",
                None,
                &format!(
                    r#"{{"field":"Workflow","fromString":"Old","toString":"New"}},{},{{"field":"assignee","from":null,"fromString":null,"to":"acc-cy","toString":"Cy"}},{{"field":"resolution","toString":"Done"}}"#,
                    status("To Do", "In Progress")
                ),
            ),
        ];
        let body = format!(
            r#"{{"startAt":0,"maxResults":50,"total":1,"issues":[{}]}}"#,
            issue(
                "10125",
                "UT-26",
                "2016-03-29T07:19:29.805-0400",
                "",
                &format!(
                    r#","changelog":{{"startAt":0,"maxResults":2,"total":2,"histories":[{}]}}"#,
                    hs.join(",")
                )
            )
        );
        let p = write(&dir, "search.json", &body);
        let r = read_many(&[p], &ctx(None)).unwrap();
        assert_eq!(
            rows(&r),
            vec![
                (
                    "UT-26".into(),
                    "2015-11-21T12:03:02Z".into(),
                    s("To Do"),
                    None,
                    None,
                    s("Ann")
                ),
                (
                    "UT-26".into(),
                    "2015-11-26T11:34:28.549Z".into(),
                    s("In Progress"),
                    None,
                    None,
                    None
                ),
                (
                    "UT-26".into(),
                    "2015-11-26T11:34:28.549Z".into(),
                    None,
                    s("Cy"),
                    None,
                    None
                ),
                (
                    "UT-26".into(),
                    "2016-03-29T11:19:29.805Z".into(),
                    s("Done"),
                    None,
                    None,
                    s("Bob")
                ),
            ]
        );
        assert!(r.hints.current_status.is_empty());
        assert!(r.warnings.is_empty());
        assert!(r
            .batch
            .created
            .iter()
            .all(|c| *c == Some(utc("2015-11-21T12:03:02Z"))));
    }

    #[test]
    fn truncated_changelog_is_counted_then_completed_by_changelog_pages() {
        let dir = tempfile::tempdir().unwrap();
        let h1 = hist(
            "1",
            "2015-11-22T07:00:00.000-0500",
            Some("Bob"),
            &status("Open", "In Progress"),
        );
        let h2 = hist(
            "2",
            "2015-11-23T07:00:00.000-0500",
            Some("Bob"),
            &status("In Progress", "Done"),
        );
        let search = format!(
            r#"{{"issues":[{}],"isLast":true}}"#,
            issue(
                "10125",
                "UT-26",
                "2015-11-23T07:00:00.000-0500",
                "",
                &format!(
                    r#","changelog":{{"startAt":0,"maxResults":1,"total":2,"histories":[{h2}]}}"#
                )
            )
        );
        let sp = write(&dir, "search.json", &search);
        let r = read_many(std::slice::from_ref(&sp), &ctx(None)).unwrap();
        assert_eq!(r.warnings.count(WarningKind::TruncatedChangelog), 1);
        let msg = &r.warnings.entries()[0].message;
        assert!(
            msg.contains("UT-26") && msg.contains("/rest/api/3/issue/{key}/changelog"),
            "{msg}"
        );
        // Initial status from the only history seen: wrong, hence the warning.
        assert_eq!(r.batch.status[0].as_deref(), Some("In Progress"));

        // Changelog endpoint pages, one with `self`, one named after the key; overlapping.
        let page1 = format!(
            r#"{{"self":"https://x.atlassian.net/rest/api/3/issue/UT-26/changelog?startAt=0&maxResults=1","startAt":0,"maxResults":1,"total":2,"isLast":false,"values":[{h2}]}}"#
        );
        let page2 =
            format!(r#"{{"startAt":1,"maxResults":1,"total":2,"isLast":true,"values":[{h1}]}}"#);
        let c1 = write(&dir, "cl1.json", &page1);
        let c2 = write(&dir, "UT-26_changelog_2.json", &page2);
        let r = read_many(&[c1.clone(), sp.clone(), c2.clone()], &ctx(None)).unwrap();
        assert!(r.warnings.is_empty(), "{:?}", r.warnings.entries());
        let st: Vec<Option<String>> = r.batch.status.clone();
        assert_eq!(st, vec![s("Open"), s("In Progress"), s("Done")]);
        assert_eq!(r.items, 1);
        assert_eq!(r.files, vec![(c1, 1, 0), (sp.clone(), 1, 3), (c2, 1, 0)]);

        // A page for an issue that no issue file holds is an error naming it.
        let orphan = write(
            &dir,
            "orphan.json",
            r#"{"self":"https://x/rest/api/3/issue/ZZ-9/changelog","values":[]}"#,
        );
        let e = read_many(&[orphan, sp], &ctx(None))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("ZZ-9") && e.contains("search or issue response"),
            "{e}"
        );
    }

    #[test]
    fn bulkfetch_arrays_concatenated_documents_and_key_renames() {
        let dir = tempfile::tempdir().unwrap();
        // An old copy under the old key, then (same id) the moved issue: item id = new key.
        let old = issue("77", "OLD-1", "2015-11-22T00:00:00.000+0000", "", "");
        let new = issue("77", "NEW-5", "2015-12-01T00:00:00.000+0000", "", "");
        let arrays = write(&dir, "issues.json", &format!("[{old}]\n[{new}]\n"));
        let bulk = format!(
            r#"{{"issueChangeLogs":[{{"issueId":"77","changeHistories":[{},{}]}}]}}"#,
            hist(
                "5",
                "2015-11-30T00:00:00.000+0000",
                Some("Bob"),
                r#"{"field":"Key","fromString":"OLD-1","toString":"NEW-5"},{"field":"project","fromString":"OLD","toString":"NEW"}"#
            ),
            hist(
                "4",
                "2015-11-25T00:00:00.000+0000",
                Some("Bob"),
                &status("Backlog", "Done")
            )
        );
        let b = write(&dir, "bulk.json", &bulk);
        // A changelog page addressed by the OLD key also joins.
        let page = write(
            &dir,
            "p.json",
            &format!(
                r#"{{"self":"https://x/rest/api/2/issue/OLD-1/changelog","total":3,"values":[{}]}}"#,
                hist(
                    "6",
                    "2015-11-26T00:00:00.000+0000",
                    None,
                    &status("Done", "Reopened")
                )
            ),
        );
        let r = read_many(&[arrays, b, page], &ctx(None)).unwrap();
        assert_eq!(r.items, 1);
        assert!(r.batch.item_id.iter().all(|i| i == "NEW-5"));
        assert_eq!(r.batch.status, vec![s("Backlog"), s("Done"), s("Reopened")]);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings.entries());
    }

    #[test]
    fn team_field_by_id_by_name_via_names_and_history_items() {
        let dir = tempfile::tempdir().unwrap();
        let team_item = r#"{"field":"Team","fieldtype":"custom","fieldId":"customfield_10001","from":"t1","fromString":"Alpha","to":"t2","toString":"Beta"}"#;
        let with_hist = issue(
            "1",
            "T-1",
            "2016-01-01T00:00:00.000+0000",
            r#","customfield_10001":{"id":"t2","name":"Beta"}"#,
            &format!(
                r#","changelog":{{"histories":[{}]}}"#,
                hist("9", "2015-12-01T00:00:00.000+0000", Some("Bob"), team_item)
            ),
        );
        let plain = issue(
            "2",
            "T-2",
            "2016-01-01T00:00:00.000+0000",
            r#","customfield_10001":[{"value":"Gamma"}]"#,
            "",
        );
        let text_team = issue(
            "3",
            "T-3",
            "2016-01-01T00:00:00.000+0000",
            r#","customfield_10001":"Delta""#,
            "",
        );
        let body = format!(
            r#"{{"issues":[{with_hist},{plain},{text_team}],"names":{{"customfield_10001":"Team","created":"Created"}}}}"#
        );
        let p = write(&dir, "s.json", &body);
        for configured in ["customfield_10001", "team"] {
            let r = read_many(std::slice::from_ref(&p), &ctx(Some(configured))).unwrap();
            assert_eq!(
                r.batch.team,
                vec![s("Alpha"), s("Beta"), s("Gamma"), s("Delta")],
                "{configured}"
            );
        }
        let r = read_many(&[p], &ctx(None)).unwrap();
        assert!(r.batch.team.iter().all(Option::is_none));
        assert_eq!(r.batch.len(), 3);
    }

    #[test]
    fn errors_name_file_record_field_and_value() {
        let dir = tempfile::tempdir().unwrap();
        let ids_only = write(
            &dir,
            "jql.json",
            r#"{"issues":[{"id":"10001"}],"isLast":true}"#,
        );
        let e = read_many(&[ids_only], &ctx(None)).unwrap_err().to_string();
        assert!(
            e.contains("jql.json") && e.contains("10001") && e.contains("fields=*all"),
            "{e}"
        );

        let bad_ts = write(
            &dir,
            "bad.json",
            &format!(
                "[{}]",
                issue(
                    "1",
                    "B-1",
                    "2016-01-01T00:00:00.000+0000",
                    "",
                    &format!(
                        r#","changelog":{{"histories":[{}]}}"#,
                        hist("42", "yesterday", None, &status("A", "B"))
                    )
                )
            ),
        );
        let e = read_many(&[bad_ts], &ctx(None)).unwrap_err().to_string();
        assert!(
            e.contains(r#"issue "B-1" history 42"#) && e.contains("yesterday"),
            "{e}"
        );

        let not_json = write(&dir, "trunc.json", r#"{"issues":[{"id":"1","#);
        let e = read_many(&[not_json], &ctx(None)).unwrap_err().to_string();
        assert!(e.contains("trunc.json") && e.contains("line 1"), "{e}");

        let other = write(&dir, "other.json", r#"{"hello":1}"#);
        let e = read_many(&[other], &ctx(None)).unwrap_err().to_string();
        assert!(
            e.contains("document 1") && e.contains("not a Jira response"),
            "{e}"
        );
    }
}
