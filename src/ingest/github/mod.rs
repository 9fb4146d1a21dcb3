//! GitHub REST JSON (FORMATS.md §2): issues and pull requests (an object, a list, a search
//! result), issue events (`/issues/{n}/events`; repo-wide `/issues/events`, each event with
//! its `issue`), timelines (`/issues/{n}/timeline`), `gh api --paginate` output (documents
//! back to back) and octokit recorded exchanges (`[{scope, method, path, status, response,
//! rawHeaders}]`: issues are read from every 2xx `response` body; other bodies, such as a
//! created repository, are ignored). One item per issue or PR, id `owner/repo#number`, the
//! repository from `repository_url`, `html_url` or `url` (`/repositories/{id}/…` names none).
//!
//! All files are scanned, then joined: an issue or event in several files is kept once.
//! The first copy of an event (keyed by `event` + `id`, `sha` for commits, first comment id
//! for `line-commented`) wins field by field and later copies only fill fields it lacks (a
//! 2012 `assigned` event gains its `assignee` from a timeline copy); of an issue, the copy
//! with the latest `updated_at` wins the same way.
//!
//! Decisions:
//! - Statuses: creation (`created_at`, actor `user`) sets `open`; `closed` sets `closed`
//!   (source category done), `closed (not planned)` / `closed (duplicate)` per `state_reason`,
//!   or `closed (unmerged)` for a PR whose object has an explicit null `merged_at` (all three
//!   canceled); `merged` sets `merged` (done); `reopened` sets `open`. A close without its own
//!   `state_reason` takes the issue's when it is the item's last close.
//! - The issue object alone gives the creation and, when closed, a close at `closed_at` (a
//!   merge at `merged_at`). A `closed`/`merged` event within 60 s of those is the same close:
//!   the event wins. A `closed` event within 60 s of a merge is the merge (status `merged`).
//!   `pull_request` presence is not proof of a PR (2012 issues carry `{html_url: null}`).
//! - Workflow statuses: labels in `[import] github_status_labels` (matched ignoring case,
//!   `labeled`/`unlabeled`) and, with `github_project_columns`, classic project columns
//!   (`added_to_project`, `moved_columns_in_project`, `converted_note_to_issue`;
//!   `removed_from_project` clears; Projects (v2) `project_v2_item_status_changed` sets the
//!   board's Status, `removed_from_project_v2` clears it). An open item shows the latest such
//!   status still in
//!   force, else `open`; closed items stay closed. Labels without a `labeled` event are not
//!   applied (their date is unknown).
//! - `[github] workflow` (see [`crate::ingest::workflow`]): with `auto` (the default) or
//!   `labels`, a label family items move through (`status: doing`, `workflow::doing`) sets
//!   the status like a mapped label; with `auto` or `milestone`, milestones (`milestoned`
//!   sets the title, `demilestoned` clears it) when they were set more often than items were
//!   closed. Project columns count with `auto` (as `[import] github_project_columns` says)
//!   and `project`, not with `state`, `labels` or `milestone`. At one instant, clears apply
//!   before sets.
//!   The choice and what was found are noted in the report's data-quality section.
//! - Handoffs: `assigned`; `unassigned` of the current assignee falls back to the latest
//!   still-assigned person, else `unassigned`. `review_requested`/`review_request_removed`
//!   do the same with `requested_reviewer`, and set/end the team with `requested_team.name`.
//!   The creation carries the issue's `assignee`/`assignees` only when no `assigned` event
//!   names an assignee. 2012 `assigned` events without `assignee` change nothing.
//! - Activity (actor only): `commented`, `reviewed` (`submitted_at`), `line-commented` (first
//!   comment's `created_at` and `user`). Not emitted: `committed` (a git identity, authored
//!   before the PR existed) and bookkeeping (subscribed, referenced, renamed, locked,
//!   unmapped labels …). Actors are logins as given (`ghost` stays `ghost`).
//! - Linking: an event's `issue`, `issue_url`/`pull_request_url`, a comment's or review's
//!   `html_url`, or a linked copy elsewhere. Other events of a per-issue file take the one
//!   item its linked events name; else the only issue of the input if of the same repository;
//!   else they are skipped with an `input_skipped` warning (an error if nothing is left).
//! - GraphQL `timelineItems` pages are recognised but unsupported: `input_skipped`.
//! - A recorded `Link: rel="next"` page missing from the exchanges: `incomplete_pagination`.
//!
//! Invariants: no panics on data; deterministic (BTreeMaps, file order); per item, events in
//! time order (ties: creation, then input order, then closes taken from the issue object).

mod events;
mod flow;
mod items;
mod link;
mod pagination;
mod scan;
mod shapes;

use super::imported::{ImportContext, Imported};
use crate::error::IngestError;
use crate::model::Ts;
use crate::warning::WarningKind;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Obj = Map<String, Value>;

const SOURCE: &str = "github";
/// A close event and the issue's `closed_at`/`merged_at` this close (µs) are one close.
const SAME_CLOSE: Ts = 60_000_000;
const OPEN: &str = "open";
const MERGED: &str = "merged";
const UNASSIGNED: &str = "unassigned";

/// Does the head of a file look like GitHub REST JSON (issues, pulls, events, timelines, a
/// recorded octokit fixture) or a GitHub GraphQL timeline page?
pub fn sniff(head: &[u8], _path: &Path) -> bool {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let has = |k: &str| t.contains(k);
    if !t.starts_with('[') && !t.starts_with('{') {
        return false;
    }
    let api = has("api.github.com/repos/") || has("/api/v3/repos/");
    let keys = [
        "\"event\":",
        "\"number\":",
        "\"repository_url\":",
        "\"issue_url\":",
    ];
    (has("\"timelineItems\"") && has("\"data\""))
        || (has("\"scope\"") && has("\"method\"") && (has("api.github.com") || has("/api/v3")))
        || (api && keys.iter().any(|k| has(k)))
}

/// Read every GitHub file of the input group into canonical events.
pub fn read_many(paths: &[PathBuf], ctx: &ImportContext) -> Result<Imported, IngestError> {
    let labels = ctx.options.github_status_labels.iter();
    let mut r = Reader {
        paths,
        ctx,
        out: Imported::default(),
        labels: labels
            .map(|(k, v)| (k.trim().to_lowercase(), v.clone()))
            .collect(),
        metas: BTreeMap::new(),
        events: Vec::new(),
        keys: BTreeMap::new(),
        file_events: vec![Vec::new(); paths.len()],
        file_items: vec![BTreeSet::new(); paths.len()],
        skipped: None,
        pos: 0,
        flow: crate::ingest::workflow::Workflow::State,
    };
    for (fi, p) in paths.iter().enumerate() {
        let bytes = std::fs::read(p).map_err(|source| IngestError::Io {
            path: p.clone(),
            source,
        })?;
        r.scan_file(fi, &bytes)?;
    }
    r.link();
    r.choose_workflow();
    r.build()
}

/// The freshest copy of an issue or pull request object; `at` = (file, position) first seen.
struct Meta {
    obj: Obj,
    updated: Option<Ts>,
    at: (usize, usize),
}

/// One distinct event (copies merged), with its item once known.
struct RawEv {
    obj: Obj,
    item: Option<String>,
    at: (usize, usize),
}

struct Reader<'a> {
    paths: &'a [PathBuf],
    ctx: &'a ImportContext,
    out: Imported,
    labels: BTreeMap<String, String>,
    metas: BTreeMap<String, Meta>,
    events: Vec<RawEv>,
    keys: BTreeMap<(String, String), usize>,
    file_events: Vec<Vec<usize>>,
    file_items: Vec<BTreeSet<String>>,
    skipped: Option<(PathBuf, String)>,
    pos: usize,
    flow: crate::ingest::workflow::Workflow,
}

impl Reader<'_> {
    fn path(&self, fi: usize) -> PathBuf {
        self.paths.get(fi).cloned().unwrap_or_default()
    }

    fn skip(&mut self, fi: usize, n: u64, message: String) {
        let m = message.clone();
        self.out.warnings.add(WarningKind::InputSkipped, n, || m);
        let path = self.path(fi);
        self.skipped.get_or_insert((path, message));
    }
}

#[cfg(test)]
mod tests {
    //! Expected numbers on the real files were established independently with a short
    //! python3 script (json module only) that reads the same files, flattens octokit
    //! exchanges, keys issues by `owner/repo#number` (freshest `updated_at`), dedupes events
    //! by (`event`, `id`), links per-issue files through their comments' `issue_url`, and
    //! lists per item: creation, closed/merged/reopened events, closes from `closed_at` /
    //! `merged_at` not within 60 s of an event, and project-column moves. It printed:
    //! whole folder (GraphQL pages excluded) 40 items, 57 status-setting events, 11 items
    //! ending closed or merged; issue events single 4 items / 13; repo issues list 16 / 16;
    //! repo-wide events page 10 items / 16, 6 ending closed; octokit 13 / 13; #28 created
    //! 2012-05-19T10:38:23Z, `closed` event 2012-05-26T14:59:34Z (`closed_at` 14:59:33Z),
    //! assigned to jacquev6 at 10:42:25Z (actor jacquev6 in the 2012 events recording, ghost
    //! in the timeline). Activity counts (#28 timeline: 3 assigned, 1 closed, 3 commented;
    //! #31: 1 line-commented at 2012-09-11T20:06:32Z, 2 reviewed) were read off the same
    //! listing.
    use super::*;
    use crate::ingest::imported::ImportOptions;
    use crate::model::SourceCategory;
    use crate::time::parse_instant;
    use chrono_tz::Tz;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");

    fn real(names: &[&str]) -> Vec<PathBuf> {
        names
            .iter()
            .map(|n| PathBuf::from(format!("{DIR}github/{n}")))
            .collect()
    }

    fn all_real() -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(format!("{DIR}github"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    }

    fn ctx() -> ImportContext {
        ImportContext {
            tz: Tz::UTC,
            options: ImportOptions::default(),
        }
    }

    fn utc(s: &str) -> Ts {
        parse_instant(s, Tz::UTC).unwrap().0
    }

    type Row = (
        Ts,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );

    /// (timestamp, status, assignee, team, actor) of one item's events, in batch order.
    fn rows(r: &Imported, id: &str) -> Vec<Row> {
        let b = &r.batch;
        (0..b.len())
            .filter(|&i| b.item_id[i] == id)
            .map(|i| {
                (
                    b.timestamp[i],
                    b.status[i].clone(),
                    b.assignee[i].clone(),
                    b.team[i].clone(),
                    b.actor[i].clone(),
                )
            })
            .collect()
    }

    fn statuses(r: &Imported, id: &str) -> Vec<(Ts, String)> {
        rows(r, id)
            .into_iter()
            .filter_map(|x| x.1.map(|s| (x.0, s)))
            .collect()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn status_events(r: &Imported) -> usize {
        r.batch.status.iter().filter(|x| x.is_some()).count()
    }

    fn ending_terminal(r: &Imported) -> usize {
        let mut last: BTreeMap<&str, &str> = BTreeMap::new();
        for i in 0..r.batch.len() {
            if let Some(st) = &r.batch.status[i] {
                last.insert(&r.batch.item_id[i], st);
            }
        }
        last.values()
            .filter(|v| v.starts_with("closed") || **v == "merged")
            .count()
    }

    fn tmp(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap();
        let paths = files
            .iter()
            .map(|(n, body)| {
                let p = dir.path().join(n);
                std::fs::write(&p, body).unwrap();
                p
            })
            .collect();
        (dir, paths)
    }

    fn read_str(body: &str) -> Result<Imported, IngestError> {
        let (_d, p) = tmp(&[("x.json", body)]);
        read_many(&p, &ctx())
    }

    const REPO: &str = "https://api.github.com/repos/o/r";

    fn issue(n: u32, extra: &str) -> String {
        format!(
            r#"{{"url":"{REPO}/issues/{n}","repository_url":"{REPO}","html_url":"https://github.com/o/r/issues/{n}","number":{n},"user":{{"login":"ann"}},"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-02-01T00:00:00Z"{extra}}}"#
        )
    }

    #[test]
    fn sniff_accepts_real_files_and_rejects_others() {
        for p in all_real() {
            let head: Vec<u8> = std::fs::read(&p).unwrap().into_iter().take(8192).collect();
            assert!(sniff(&head, &p), "{} not sniffed", p.display());
        }
        for other in [
            "xes/running-example.xes",
            "trello/miyamae_clipkit_board_export_2015.json",
            "jira/go-jira_issues_in_sprint_with_changelog.json",
            "jira/perceval_fiware_jira_server_search_page1.json",
            "azure_devops/msdocs_5.1_updates_GET__list_of_workitem_updates.json",
            "azure_devops/msdocs_5.1_revisions_GET__list_workitem_revisions.json",
        ] {
            let p = PathBuf::from(format!("{DIR}{other}"));
            let head: Vec<u8> = std::fs::read(&p).unwrap().into_iter().take(8192).collect();
            assert!(!sniff(&head, &p), "{other} wrongly sniffed as GitHub");
        }
        let csv = b"item_id,timestamp,status\nA,2024-01-01T00:00:00Z,Open\n";
        assert!(!sniff(csv, Path::new("e.csv")));
        assert!(!sniff(b"", Path::new("e.json")));
    }

    #[test]
    fn whole_real_folder() {
        let r = read_many(&all_real(), &ctx()).unwrap();
        assert_eq!(r.items, 40);
        assert_eq!(status_events(&r), 57);
        assert_eq!(ending_terminal(&r), 11);
        assert!(r
            .batch
            .source
            .iter()
            .all(|x| x.as_deref() == Some("github")));
        // The 4 GraphQL pages are skipped; every REST event is linked.
        assert_eq!(r.warnings.count(WarningKind::InputSkipped), 4);
        assert_eq!(r.warnings.count(WarningKind::IncompletePagination), 0);
        assert_eq!(r.files.len(), 14);
        let octo = r
            .files
            .iter()
            .find(|f| f.0.ends_with("octokit_paginate-issues_raw-fixture.json"));
        assert_eq!(octo.map(|f| (f.1, f.2)), Some((13, 13)));
        let cat = |n: &str| {
            r.hints
                .source_categories
                .get(&(SOURCE.to_string(), n.to_string()))
                .copied()
        };
        assert_eq!(cat("closed"), Some(SourceCategory::Done));
        assert_eq!(cat("merged"), Some(SourceCategory::Done));
        // #28: one close, at the `closed` event (not `closed_at`, a second earlier).
        let id = "PyGithub/PyGithub#28";
        assert_eq!(
            statuses(&r, id),
            vec![
                (utc("2012-05-19T10:38:23Z"), "open".to_string()),
                (utc("2012-05-26T14:59:34Z"), "closed".to_string()),
            ]
        );
        let ev = rows(&r, id);
        // First copy wins field by field: the 2012 events file says actor jacquev6, the
        // timeline copy adds the assignee.
        assert_eq!(
            ev[1],
            (
                utc("2012-05-19T10:42:25Z"),
                None,
                s("jacquev6"),
                None,
                s("jacquev6")
            )
        );
        assert_eq!(
            ev[0].2, None,
            "assignment events exist: no assignee at creation"
        );
        let created = utc("2012-05-19T10:38:23Z");
        let b = &r.batch;
        assert!((0..b.len())
            .filter(|&i| b.item_id[i] == id)
            .all(|i| b.created[i] == Some(created)));
    }

    #[test]
    fn issue28_with_timeline() {
        let r = read_many(
            &real(&["pygithub_issue28.json", "pygithub_issue28_timeline.json"]),
            &ctx(),
        )
        .unwrap();
        assert_eq!(r.items, 1);
        let id = "PyGithub/PyGithub#28";
        let ghost_assign = |t: &str| (utc(t), None, s("jacquev6"), None, s("ghost"));
        assert_eq!(
            rows(&r, id),
            vec![
                (
                    utc("2012-05-19T10:38:23Z"),
                    s("open"),
                    None,
                    None,
                    s("jacquev6")
                ),
                ghost_assign("2012-05-19T10:42:25Z"),
                ghost_assign("2012-05-26T14:58:27Z"),
                (
                    utc("2012-05-26T14:59:34Z"),
                    s("closed"),
                    None,
                    None,
                    s("jacquev6")
                ),
                ghost_assign("2012-09-11T18:52:07Z"),
                (
                    utc("2013-06-29T10:31:38Z"),
                    None,
                    None,
                    None,
                    s("stuglaser")
                ),
                (utc("2018-08-23T21:05:39Z"), None, None, None, s("allevin")),
                (utc("2018-08-24T13:43:44Z"), None, None, None, s("allevin")),
            ]
        );
        assert_eq!(r.files[1].1, 1);
        assert_eq!(r.files[1].2, 7);
    }

    #[test]
    fn issue28_with_2012_events_file_uses_the_only_issue() {
        let r = read_many(
            &real(&["pygithub_issue28.json", "pygithub_issue28_events.json"]),
            &ctx(),
        )
        .unwrap();
        // The 2012 `assigned` event has no `assignee`: the issue's assignee is used at
        // creation; no close event, so the close is `closed_at`.
        assert_eq!(
            rows(&r, "PyGithub/PyGithub#28"),
            vec![
                (
                    utc("2012-05-19T10:38:23Z"),
                    s("open"),
                    s("jacquev6"),
                    None,
                    s("jacquev6")
                ),
                (
                    utc("2012-05-26T14:59:33Z"),
                    s("closed"),
                    None,
                    None,
                    s("jacquev6")
                ),
            ]
        );
        assert_eq!(r.warnings.count(WarningKind::InputSkipped), 0);
    }

    #[test]
    fn unlinkable_events_file_alone_is_a_clear_error() {
        let e = read_many(&real(&["pygithub_issue28_events.json"]), &ctx()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("pygithub_issue28_events.json"), "{msg}");
        assert!(msg.contains("2 GitHub event(s) skipped"), "{msg}");
    }

    #[test]
    fn pr31_with_timeline() {
        let r = read_many(
            &real(&["pygithub_pr31.json", "pygithub_pr31_timeline.json"]),
            &ctx(),
        )
        .unwrap();
        let act = |t: &str, who: &str| (utc(t), None, None, None, s(who));
        assert_eq!(
            rows(&r, "PyGithub/PyGithub#31"),
            vec![
                (
                    utc("2012-05-27T09:25:36Z"),
                    s("open"),
                    None,
                    None,
                    s("jacquev6")
                ),
                (
                    utc("2012-05-27T10:29:07Z"),
                    s("merged"),
                    None,
                    None,
                    s("jacquev6")
                ),
                (
                    utc("2012-05-27T10:29:07Z"),
                    s("merged"),
                    None,
                    None,
                    s("jacquev6")
                ),
                act("2012-09-08T12:57:51Z", "jacquev6"),
                act("2012-09-11T20:06:32Z", "jacquev6"),
                (
                    utc("2012-11-03T08:19:40Z"),
                    None,
                    s("jacquev6"),
                    None,
                    s("ghost")
                ),
                act("2018-03-21T12:34:59Z", "sfdye"),
                act("2018-06-25T12:54:43Z", "eamanu"),
            ]
        );
    }

    #[test]
    fn issue_events_single_with_and_without_project_columns() {
        let files = real(&["pygithub_issue_events_single.json"]);
        let r = read_many(&files, &ctx()).unwrap();
        assert_eq!(r.items, 4);
        assert_eq!(status_events(&r), 13);
        assert_eq!(ending_terminal(&r), 4);
        let st = |v: &[(&str, &str)]| -> Vec<(Ts, String)> {
            v.iter().map(|(t, s)| (utc(t), s.to_string())).collect()
        };
        assert_eq!(
            statuses(&r, "PyGithub/PyGithub#857"),
            st(&[
                ("2018-08-07T14:14:44Z", "open"),
                ("2018-08-10T13:10:09Z", "open"),
                ("2018-08-16T08:13:24Z", "To do"),
                ("2018-08-16T08:13:55Z", "In progress"),
                ("2018-08-16T08:14:08Z", "open"),
                ("2018-08-24T16:01:29Z", "merged"),
            ])
        );
        assert_eq!(
            statuses(&r, "PyGithub/PyGithub#866"),
            st(&[
                ("2018-08-16T08:14:33Z", "open"),
                ("2018-08-16T08:14:34Z", "To do"),
                ("2018-08-16T08:14:55Z", "closed"),
            ])
        );
        // review_requested hands PR 538 to the reviewer.
        let pr538 = rows(&r, "PyGithub/PyGithub#538");
        assert!(pr538.contains(&(
            utc("2017-03-22T19:06:44Z"),
            None,
            s("jzelinskie"),
            None,
            s("jzelinskie")
        )));
        let mut c = ctx();
        c.options.github_project_columns = false;
        let r = read_many(&files, &c).unwrap();
        assert_eq!(
            statuses(&r, "PyGithub/PyGithub#857"),
            st(&[
                ("2018-08-07T14:14:44Z", "open"),
                ("2018-08-10T13:10:09Z", "open"),
                ("2018-08-24T16:01:29Z", "merged"),
            ])
        );
    }

    #[test]
    fn lists_pages_and_fixture() {
        let r = read_many(&real(&["pygithub_repo_issues_list.json"]), &ctx()).unwrap();
        assert_eq!((r.items, r.batch.len()), (16, 16));
        assert!(r.batch.status.iter().all(|x| x.as_deref() == Some("open")));
        let r = read_many(&real(&["pygithub_repo_issues_events_page1.json"]), &ctx()).unwrap();
        assert_eq!(
            (r.items, status_events(&r), ending_terminal(&r)),
            (10, 16, 6)
        );
        let r = read_many(&real(&["pygithub_repo_pulls_list.json"]), &ctx()).unwrap();
        assert_eq!(
            statuses(&r, "PyGithub/PyGithub#32"),
            vec![(utc("2012-05-27T10:58:41Z"), "open".into())]
        );
        let r = read_many(&real(&["octokit_paginate-issues_raw-fixture.json"]), &ctx()).unwrap();
        assert_eq!((r.items, r.batch.len()), (13, 13));
        assert_eq!(r.warnings.count(WarningKind::IncompletePagination), 0);
        let id = "octokit-fixture-org/tmp-scenario-paginate-issues-20220719043836917-izyoe#1";
        assert_eq!(
            rows(&r, id),
            vec![(
                utc("2022-07-19T04:38:40Z"),
                s("open"),
                None,
                None,
                s("octokit-fixture-user-a")
            )]
        );
    }

    #[test]
    fn graphql_pages_are_reported_not_read() {
        let files = real(&[
            "perceval_graphql_timeline_github_events_page_1.json",
            "perceval_graphql_timeline_github_events_pull_request_review.json",
        ]);
        let e = read_many(&files, &ctx()).unwrap_err();
        assert!(matches!(e, IngestError::Empty { .. }));
        assert!(e.to_string().contains("GraphQL"), "{e}");
    }

    #[test]
    fn trap_2012_pull_request_key_is_not_a_pr() {
        let old = issue(
            1,
            r#","state":"closed","closed_at":"2024-01-03T00:00:00Z","pull_request":{"html_url":null,"diff_url":null,"patch_url":null}"#,
        );
        let pr = issue(
            2,
            r#","state":"closed","closed_at":"2024-01-04T00:00:00Z","pull_request":{"url":"https://api.github.com/repos/o/r/pulls/2","html_url":"https://github.com/o/r/pull/2","merged_at":null}"#,
        );
        let r = read_str(&format!("[{old},{pr}]")).unwrap();
        assert_eq!(statuses(&r, "o/r#1")[1].1, "closed");
        assert_eq!(statuses(&r, "o/r#2")[1].1, "closed (unmerged)");
        let cat = r
            .hints
            .source_categories
            .get(&(SOURCE.into(), "closed (unmerged)".into()));
        assert_eq!(cat, Some(&SourceCategory::Canceled));
    }

    #[test]
    fn trap_closed_at_and_closed_event_one_second_apart_count_once() {
        let iss = issue(3, r#","state":"closed","closed_at":"2024-01-05T10:00:00Z""#);
        let ev = r#"{"id":9,"url":"https://api.github.com/repos/o/r/issues/events/9","event":"closed","actor":{"login":"bob"},"created_at":"2024-01-05T10:00:01Z","issue_url":"https://api.github.com/repos/o/r/issues/3"}"#;
        let r = read_str(&format!("{iss}\n[{ev}]")).unwrap();
        assert_eq!(
            statuses(&r, "o/r#3"),
            vec![
                (utc("2024-01-01T00:00:00Z"), "open".into()),
                (utc("2024-01-05T10:00:01Z"), "closed".into())
            ]
        );
    }

    #[test]
    fn trap_not_planned_and_reopen() {
        let iss = issue(
            4,
            r#","state":"closed","state_reason":"not_planned","closed_at":"2024-01-09T00:00:00Z""#,
        );
        let evs = r#"[{"id":1,"event":"closed","created_at":"2024-01-02T00:00:00Z","issue_url":"https://api.github.com/repos/o/r/issues/4"},
                      {"id":2,"event":"reopened","created_at":"2024-01-03T00:00:00Z","issue_url":"https://api.github.com/repos/o/r/issues/4"},
                      {"id":3,"event":"closed","created_at":"2024-01-09T00:00:00Z","issue_url":"https://api.github.com/repos/o/r/issues/4"}]"#;
        let r = read_str(&format!("{iss}{evs}")).unwrap();
        let names: Vec<String> = statuses(&r, "o/r#4").into_iter().map(|x| x.1).collect();
        // Only the last close takes the issue's state_reason.
        assert_eq!(names, ["open", "closed", "open", "closed (not planned)"]);
        let cat = r
            .hints
            .source_categories
            .get(&(SOURCE.into(), "closed (not planned)".into()));
        assert_eq!(cat, Some(&SourceCategory::Canceled));
    }

    #[test]
    fn trap_paginate_output_documents_back_to_back_kept_once() {
        let stale = issue(5, r#","state":"open""#).replace("2024-02-01", "2024-01-01");
        let fresh = issue(5, r#","state":"closed","closed_at":"2024-01-20T00:00:00Z""#);
        let r = read_str(&format!("[{stale}]\n[{fresh}]")).unwrap();
        assert_eq!(r.items, 1);
        assert_eq!(statuses(&r, "o/r#5").len(), 2);
        // Repo-wide events as newline-delimited objects (`--jq '.[]'`).
        let e = |id: u32, ev: &str, t: &str| {
            format!(
                r#"{{"id":{id},"event":"{ev}","actor":{{"login":"bob"}},"created_at":"{t}","issue":{}}}"#,
                issue(6, r#","state":"open""#)
            )
        };
        let body = format!(
            "{}\n{}\n",
            e(1, "closed", "2024-01-02T00:00:00Z"),
            e(2, "reopened", "2024-01-03T00:00:00Z")
        );
        let r = read_str(&body).unwrap();
        let names: Vec<String> = statuses(&r, "o/r#6").into_iter().map(|x| x.1).collect();
        assert_eq!(names, ["open", "closed", "open"]);
    }

    #[test]
    fn trap_per_type_timestamps_and_missing_ones() {
        let iss = issue(7, r#","state":"open""#);
        let tl = r#"[{"sha":"abc","event":"committed","author":{"date":"2023-12-01T00:00:00Z"},"committer":{"date":"2023-12-01T00:00:00Z"}},
            {"id":5,"event":"reviewed","user":{"login":"rev"},"submitted_at":"2024-01-02T00:00:00Z","pull_request_url":"https://api.github.com/repos/o/r/pulls/7"},
            {"event":"line-commented","comments":[{"id":8,"user":{"login":"lc"},"created_at":"2024-01-03T00:00:00Z","pull_request_url":"https://api.github.com/repos/o/r/pulls/7"}]},
            {"id":6,"event":"assigned","actor":{"login":"x"},"assignee":{"login":"y"}}]"#;
        let r = read_str(&format!("{iss}{tl}")).unwrap();
        let ev = rows(&r, "o/r#7");
        assert_eq!(ev.len(), 3, "{ev:?}");
        assert_eq!(
            ev[1],
            (utc("2024-01-02T00:00:00Z"), None, None, None, s("rev"))
        );
        assert_eq!(
            ev[2],
            (utc("2024-01-03T00:00:00Z"), None, None, None, s("lc"))
        );
        assert_eq!(r.warnings.count(WarningKind::EventWithoutTimestamp), 1);
    }

    #[test]
    fn bad_values_are_errors_naming_file_record_field() {
        let bad = issue(8, r#","state":"open""#).replace("2024-01-01T00:00:00Z", "yesterday");
        let e = read_str(&format!("[{bad}]")).unwrap_err().to_string();
        assert!(
            e.contains("issue \"o/r#8\"") && e.contains("created_at") && e.contains("yesterday"),
            "{e}"
        );
        let ev = r#"[{"id":4,"event":"closed","created_at":"31/12/2024","issue_url":"https://api.github.com/repos/o/r/issues/8"}]"#;
        let e = read_str(ev).unwrap_err().to_string();
        assert!(
            e.contains("record 1 (event \"closed\" id 4)") && e.contains("created_at"),
            "{e}"
        );
        let e = read_str("[{\"number\": 1,\n  \"url\": ")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.json") && e.contains("line 2"), "{e}");
    }

    #[test]
    fn status_labels_and_handoffs() {
        let iss = issue(9, r#","state":"open""#);
        let ev = |id: u32, t: &str, body: &str| {
            format!(
                r#"{{"id":{id},"created_at":"2024-01-{t}T00:00:00Z","actor":{{"login":"a"}},"issue_url":"{REPO}/issues/9",{body}}}"#
            )
        };
        let evs = [
            ev(
                1,
                "02",
                r#""event":"labeled","label":{"name":"In Progress"}"#,
            ),
            ev(2, "03", r#""event":"labeled","label":{"name":"bug"}"#),
            ev(3, "04", r#""event":"assigned","assignee":{"login":"p"}"#),
            ev(4, "05", r#""event":"assigned","assignee":{"login":"q"}"#),
            ev(5, "06", r#""event":"unassigned","assignee":{"login":"q"}"#),
            ev(6, "07", r#""event":"unassigned","assignee":{"login":"p"}"#),
            ev(
                7,
                "08",
                r#""event":"review_requested","requested_team":{"name":"core"}"#,
            ),
            ev(8, "09", r#""event":"closed""#),
            ev(
                9,
                "10",
                r#""event":"unlabeled","label":{"name":"in progress"}"#,
            ),
            ev(
                10,
                "11",
                r#""event":"labeled","label":{"name":"in progress"}"#,
            ),
            ev(11, "12", r#""event":"reopened""#),
            ev(
                12,
                "13",
                r#""event":"unlabeled","label":{"name":"IN PROGRESS"}"#,
            ),
            ev(
                13,
                "14",
                r#""event":"review_request_removed","requested_team":{"name":"core"}"#,
            ),
        ];
        let mut c = ctx();
        c.options
            .github_status_labels
            .insert("in progress".into(), "In Progress".into());
        let (_d, p) = tmp(&[
            ("i.json", &iss),
            ("e.json", &format!("[{}]", evs.join(","))),
        ]);
        let r = read_many(&p, &c).unwrap();
        type Got = (String, Option<String>, Option<String>, Option<String>);
        let got: Vec<Got> = rows(&r, "o/r#9")
            .into_iter()
            .map(|x| {
                (
                    format!(
                        "{:02}",
                        (x.0 - utc("2024-01-01T00:00:00Z")) / 86_400_000_000 + 1
                    ),
                    x.1,
                    x.2,
                    x.3,
                )
            })
            .collect();
        let want = |d: &str, st: Option<&str>, a: Option<&str>, t: Option<&str>| {
            (
                d.to_string(),
                st.map(String::from),
                a.map(String::from),
                t.map(String::from),
            )
        };
        assert_eq!(
            got,
            vec![
                want("01", Some("open"), None, None),
                want("02", Some("In Progress"), None, None),
                want("04", None, Some("p"), None),
                want("05", None, Some("q"), None),
                want("06", None, Some("p"), None),
                want("07", None, Some("unassigned"), None),
                want("08", None, None, Some("core")),
                want("09", Some("closed"), None, None),
                want("12", Some("In Progress"), None, None),
                want("13", Some("open"), None, None),
                want("14", None, None, Some("unassigned")),
            ]
        );
        assert_eq!(r.files[0].2, 1);
        assert_eq!(r.files[1].2, 10);
    }

    #[test]
    fn recorded_pages_missing_are_counted() {
        let fixture = format!(
            r#"[{{"scope":"https://api.github.com:443","method":"get","path":"/repos/o/r/issues?per_page=1","status":200,
                "response":[{}],
                "rawHeaders":["Link","<https://api.github.com/repositories/1/issues?per_page=1&page=2>; rel=\"next\", <https://api.github.com/repositories/1/issues?per_page=1&page=2>; rel=\"last\""]}},
               {{"scope":"https://api.github.com:443","method":"get","path":"/repos/o/r/issues/99","status":404,"response":{{"message":"Not Found"}}}}]"#,
            issue(1, r#","state":"open""#)
        );
        assert!(sniff(fixture.as_bytes(), Path::new("f.json")));
        let r = read_str(&fixture).unwrap();
        assert_eq!(r.items, 1);
        assert_eq!(r.warnings.count(WarningKind::IncompletePagination), 1);
    }
}
