//! The bad-input corpus (issue 9): every case is either audited as docs/METRICS.md "Inputs"
//! and INTERFACE.md say (exit 0, the problem counted as a warning in `summary.json`) or refused
//! with exit 1 and a message that names the file, the line or record, the field, the value and
//! what to do. Never a panic (exit 101). Large inputs are generated here, not committed.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dataset(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

struct Run {
    code: i32,
    stderr: String,
    out: PathBuf,
    _dir: tempfile::TempDir,
}

impl Run {
    fn summary(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.out.join("summary.json")).unwrap()).unwrap()
    }
    fn warning(&self, kind: &str) -> u64 {
        self.summary()["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["kind"] == kind)
            .map_or(0, |w| w["count"].as_u64().unwrap())
    }
    /// Refused: exit 1, no report, and each part in the message.
    fn refused(&self, parts: &[&str]) {
        assert_eq!(self.code, 1, "expected exit 1, stderr: {}", self.stderr);
        assert!(
            !self.out.exists(),
            "a refused audit wrote {}",
            self.out.display()
        );
        for p in parts {
            assert!(
                self.stderr.contains(p),
                "message lacks {p:?}: {}",
                self.stderr
            );
        }
    }
    fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "expected exit 0, stderr: {}", self.stderr);
        self
    }
}

/// Write `bytes` as `name` in a fresh folder and audit it with `args`.
fn audit_bytes(name: &str, bytes: &[u8], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, bytes).unwrap();
    audit(dir, &[input.to_str().unwrap()], args)
}

fn audit(dir: tempfile::TempDir, inputs: &[&str], args: &[&str]) -> Run {
    let out = dir.path().join("out");
    let o = Command::cargo_bin("flowaudit")
        .unwrap()
        .current_dir(dir.path())
        .arg("audit")
        .args(inputs)
        .args(args)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let code = o.status.code().unwrap_or(-1);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    Run {
        code,
        stderr,
        out,
        _dir: dir,
    }
}

const HEAD: &str = "item_id,timestamp,status\n";

fn csv(rows: &str) -> Vec<u8> {
    format!("{HEAD}{rows}").into_bytes()
}

#[test]
fn empty_file() {
    audit_bytes("events.csv", b"", &[]).refused(&["events.csv", "empty", "0 bytes"]);
}

#[test]
fn header_only() {
    audit_bytes("events.csv", HEAD.as_bytes(), &[]).refused(&["events.csv", "no event rows"]);
}

#[test]
fn missing_required_column_detected() {
    audit_bytes("events.csv", b"item_id,status\nA,Done\n", &[]).refused(&[
        "events.csv",
        "[item_id, status]",
        "timestamp column",
    ]);
}

#[test]
fn missing_required_column_forced() {
    audit_bytes(
        "events.csv",
        b"item_id,status\nA,Done\n",
        &["--format", "events-csv"],
    )
    .refused(&["events.csv", "line 1", "`timestamp`", "Rename the column"]);
}

#[test]
fn unknown_format() {
    audit_bytes("notes.txt", b"just some notes\nnothing else\n", &[]).refused(&[
        "notes.txt",
        "unknown input format",
        "--format",
    ]);
}

/// A JSON export cut in half: detected or forced, exit 1 with the line and column.
fn truncated_json(rel: &str, format: &str, hint: &str) {
    let bytes = std::fs::read(dataset(rel)).unwrap();
    let half = &bytes[..bytes.len() / 2];
    let r = audit_bytes("export.json", half, &[]);
    r.refused(&["export.json", hint]);
    let r = audit_bytes("export.json", half, &["--format", format]);
    r.refused(&["export.json", "line ", hint]);
}

#[test]
fn truncated_jira_json() {
    truncated_json(
        "jira/perceval_fiware_jira_server_search_page1.json",
        "jira-json",
        "EOF while parsing",
    );
}

#[test]
fn truncated_github_json() {
    truncated_json(
        "github/pygithub_repo_issues_list.json",
        "github",
        "EOF while parsing",
    );
}

#[test]
fn truncated_azure_devops_json() {
    truncated_json(
        "azure_devops/msdocs_5.1_updates_GET__list_of_workitem_updates.json",
        "azure-devops",
        "EOF while parsing",
    );
}

#[test]
fn truncated_trello_json() {
    truncated_json(
        "trello/miyamae_clipkit_board_export_2015.json",
        "trello",
        "EOF while parsing",
    );
}

#[test]
fn truncated_xes_gz() {
    let bytes = std::fs::read(dataset("xes/helpdesk.xes.gz")).unwrap();
    audit_bytes("log.xes.gz", &bytes[..bytes.len() / 2], &[]).refused(&[
        "log.xes.gz",
        "byte ",
        "trace",
        "truncated or corrupt",
        "re-download",
    ]);
}

#[test]
fn malformed_xml() {
    let bytes = std::fs::read(dataset("xes/running-example.xes")).unwrap();
    audit_bytes("log.xes", &bytes[..3000], &[]).refused(&["log.xes", "byte ", "not well-formed"]);
    let xml = b"<?xml version=\"1.0\"?>\n<log><trace><event><string key=\"concept:name\" value=\"a\"></trace></log>\n";
    audit_bytes("log.xes", xml, &[]).refused(&["log.xes", "byte "]);
}

#[test]
fn windows_1252_in_the_head() {
    let mut b = csv("A,2024-01-01T00:00:00Z,To Do\n");
    b.extend_from_slice(b"A,2024-01-02T00:00:00Z,Termin\xe9\n");
    audit_bytes("events.csv", &b, &[]).refused(&[
        "events.csv",
        "line 3",
        "0xE9",
        "Windows-1252",
        "re-save it as UTF-8",
    ]);
}

#[test]
fn windows_1252_after_the_head() {
    // Past the 8 KiB that detection reads: found when the CSV is read, named by line.
    let mut b = csv("");
    for i in 0..500 {
        b.extend_from_slice(format!("A{i},2024-01-01T00:00:00Z,To Do\n").as_bytes());
    }
    b.extend_from_slice(b"B,2024-01-02T00:00:00Z,Termin\xe9\n");
    audit_bytes("events.csv", &b, &[]).refused(&[
        "events.csv",
        "line 502",
        "`status`",
        "0xE9",
        "re-save it as UTF-8",
    ]);
}

#[test]
fn utf16_with_bom_as_spreadsheets_write_it() {
    let text = "item_id\ttimestamp\tstatus\r\nA\t2024-01-01T00:00:00Z\tTo Do\r\n";
    let mut b = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    audit_bytes("events.csv", &b, &[]).refused(&["events.csv", "UTF-16", "re-save it as UTF-8"]);
    audit_bytes("events.csv", &b, &["--format", "events-csv"]).refused(&["UTF-16"]);
}

#[test]
fn utf8_bom_is_accepted() {
    let mut b = b"\xef\xbb\xbf".to_vec();
    b.extend(csv(
        "A,2024-01-01T00:00:00Z,To Do\nA,2024-01-02T00:00:00Z,Done\n",
    ));
    let r = audit_bytes("events.csv", &b, &[]);
    r.ok();
    assert_eq!(r.summary()["counts"]["items"], 1);
    assert_eq!(r.summary()["counts"]["done"], 1);
}

#[test]
fn crlf_line_ends() {
    let b = b"item_id,timestamp,status\r\nA,2024-01-01T00:00:00Z,In Progress\r\nA,2024-01-02T00:00:00Z,Done\r\n";
    let r = audit_bytes("events.csv", b, &[]);
    r.ok();
    let items = std::fs::read_to_string(r.out.join("items.csv")).unwrap();
    assert!(
        items.contains(
            "A,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,2024-01-02T00:00:00Z,done,1,1,"
        ),
        "{items}"
    );
    assert_eq!(
        r.warning("unmapped_status"),
        0,
        "\\r must not stick to the status"
    );
}

#[test]
fn quoted_field_with_embedded_newlines() {
    let r = audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,\"In\nProgress\"\nA,2024-01-02T00:00:00Z,Done\n"),
        &[],
    );
    r.ok();
    assert_eq!(r.summary()["counts"]["events"], 2);
    // Lines, not rows, are named: the bad timestamp is on line 5.
    audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,\"a\nb\"\nA,2024-01-02T00:00:00Z,\"c\nd\"\nA,soon,Done\n"),
        &[],
    )
    .refused(&["events.csv", "line 6", "`timestamp`", "\"soon\""]);
}

#[test]
fn ten_megabyte_field() {
    let mut b = csv("A,2024-01-01T00:00:00Z,\"");
    b.extend(std::iter::repeat(b'x').take(10 << 20));
    b.extend_from_slice(b"\"\nA,2024-01-02T00:00:00Z,Done\n");
    audit_bytes("events.csv", &b, &[]).refused(&[
        "events.csv",
        "line 2",
        "`status`",
        "xxxx…",
        "bytes long",
        "quote",
    ]);
}

#[test]
fn unclosed_quote() {
    audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,\"To Do\nA,2024-01-02T00:00:00Z,Done\n"),
        &[],
    )
    .refused(&["events.csv", "line 2", "never closed"]);
}

#[test]
fn row_with_too_many_fields() {
    audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,To Do\nA,2024-01-02T00:00:00Z,Done,extra\n"),
        &[],
    )
    .refused(&["events.csv", "line 3", "4 fields", "header has 3", "quote"]);
}

#[test]
fn row_with_too_few_fields_reads_missing_cells_as_empty() {
    // docs/METRICS.md "Inputs": trailing cells may be left out; they are empty.
    let r = audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,In Progress\nA,2024-01-02T00:00:00Z\nA,2024-01-03T00:00:00Z,Done\n"),
        &[],
    );
    r.ok();
    let items = std::fs::read_to_string(r.out.join("items.csv")).unwrap();
    assert!(items.contains(",done,2,2,"), "{items}");
}

#[test]
fn timestamp_that_does_not_parse() {
    audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,To Do\nA,31/01/2024 10:00,Done\n"),
        &[],
    )
    .refused(&[
        "events.csv",
        "line 3",
        "`timestamp`",
        "\"31/01/2024 10:00\"",
        "ISO 8601",
    ]);
}

#[test]
fn timestamp_line_numbers_skip_rows_without_item_id() {
    audit_bytes(
        "events.csv",
        &csv(",2024-01-01T00:00:00Z,x\n,2024-01-01T00:00:00Z,x\nA,nope,Done\n"),
        &[],
    )
    .refused(&["line 4", "\"nope\""]);
}

#[test]
fn timestamp_without_offset() {
    let r = audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T09:00:00,To Do\nA,2024-01-02T09:00:00Z,Done\n"),
        &["--tz", "Europe/Paris"],
    );
    r.ok();
    assert_eq!(r.warning("timestamp_without_offset"), 1);
    let items = std::fs::read_to_string(r.out.join("items.csv")).unwrap();
    assert!(items.contains("A,,2024-01-01T08:00:00Z,"), "{items}");
}

#[test]
fn timestamp_in_a_dst_gap() {
    // 2024-03-31 02:30 does not exist in Paris: moved forward, counted.
    let r = audit_bytes(
        "events.csv",
        &csv("A,2024-03-31T02:30:00,To Do\nA,2024-04-02T00:00:00Z,Done\n"),
        &["--tz", "Europe/Paris"],
    );
    r.ok();
    assert_eq!(r.warning("timestamp_in_dst_gap"), 1);
}

#[test]
fn timestamp_far_in_the_future_is_a_warning_and_moves_as_of() {
    let r = audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,In Progress\nB,2024-01-01T00:00:00Z,In Progress\nB,2999-01-01T00:00:00Z,Done\n"),
        &[],
    );
    r.ok();
    assert_eq!(r.warning("implausible_timestamp"), 1);
    assert_eq!(r.summary()["period"]["as_of"], "2999-01-01T00:00:00Z");
    // With --as-of the event is after the audit instant and ignored instead.
    let r = audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,In Progress\nB,2024-01-01T00:00:00Z,In Progress\nB,2999-01-01T00:00:00Z,Done\n"),
        &["--as-of", "2024-02-01T00:00:00Z"],
    );
    r.ok();
    assert_eq!(r.warning("implausible_timestamp"), 0);
    assert_eq!(r.warning("event_after_as_of"), 1);
}

#[test]
fn events_before_the_items_creation() {
    let r = audit_bytes(
        "events.csv",
        b"item_id,timestamp,status,created\nA,2024-01-01T00:00:00Z,In Progress,2024-02-01T00:00:00Z\nA,2024-01-02T00:00:00Z,Done,\n",
        &[],
    );
    r.ok();
    assert_eq!(r.warning("created_after_first_event"), 1);
    let items = std::fs::read_to_string(r.out.join("items.csv")).unwrap();
    assert!(
        items.contains("A,,2024-01-01T00:00:00Z,"),
        "the first event wins: {items}"
    );
}

#[test]
fn duplicate_events_are_counted_and_kept() {
    let r = audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,In Progress\nA,2024-01-01T00:00:00Z,In Progress\nA,2024-01-01T00:00:00Z,In Progress\nA,2024-01-02T00:00:00Z,Done\nB,2024-01-01T00:00:00Z,In Progress\n"),
        &[],
    );
    r.ok();
    assert_eq!(r.warning("duplicate_event"), 2);
    assert_eq!(r.summary()["counts"]["events"], 5);
    let items = std::fs::read_to_string(r.out.join("items.csv")).unwrap();
    assert!(
        items.contains(",done,1,1,1,"),
        "duplicates change no duration: {items}"
    );
}

#[test]
fn same_item_in_two_events_csvs_merges() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(&a, csv("X,2024-01-01T00:00:00Z,In Progress\n")).unwrap();
    std::fs::write(
        &b,
        csv("X,2024-01-03T00:00:00Z,Done\nX,2024-01-01T00:00:00Z,In Progress\n"),
    )
    .unwrap();
    let r = audit(dir, &[a.to_str().unwrap(), b.to_str().unwrap()], &[]);
    r.ok();
    let s = r.summary();
    assert_eq!(s["counts"]["items"], 1, "one item across both files");
    assert_eq!(s["counts"]["events"], 3);
    // The event repeated in b.csv is identical to a.csv's: a duplicate.
    assert_eq!(r.warning("duplicate_event"), 1);
    let items = std::fs::read_to_string(r.out.join("items.csv")).unwrap();
    assert!(
        items.contains(
            "X,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,2024-01-03T00:00:00Z,done,2,2,"
        ),
        "{items}"
    );
}

#[test]
fn item_with_one_event() {
    let r = audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,In Progress\n"),
        &[],
    );
    r.ok();
    assert_eq!(r.summary()["counts"]["open"], 1);
    let items = std::fs::read_to_string(r.out.join("items.csv")).unwrap();
    assert!(
        items.contains("A,,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,,open,"),
        "{items}"
    );
}

#[test]
fn status_never_seen_before() {
    let r = audit_bytes(
        "events.csv",
        &csv("A,2024-01-01T00:00:00Z,Zorglub\nA,2024-01-02T00:00:00Z,Done\n"),
        &[],
    );
    r.ok();
    assert_eq!(r.warning("unmapped_status"), 1);
    let map = std::fs::read_to_string(r.out.join("tables/status_map.csv")).unwrap();
    assert!(map.contains("Zorglub,,backlog,"), "{map}");
}

#[test]
fn folder_with_a_dangling_symlink_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("a.csv"), csv("A,2024-01-01T00:00:00Z,To Do\n")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone.csv"), inputs.join("b.csv")).unwrap();
    let p = inputs.to_str().unwrap().to_string();
    audit(dir, &[&p], &[]).refused(&["b.csv", "cannot read the file", "No such file"]);
}

#[test]
fn folder_with_a_fifo_skips_it() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("a.csv"), csv("A,2024-01-01T00:00:00Z,To Do\n")).unwrap();
    let fifo = inputs.join("pipe.csv");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let p = inputs.to_str().unwrap().to_string();
    let r = audit(dir, &[&p], &[]);
    r.ok();
    assert_eq!(r.warning("input_skipped"), 1);
    // Named on the command line, a FIFO is refused rather than read twice.
    let f = fifo.to_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    audit(dir, &[&f], &[]).refused(&["pipe.csv", "not a regular file"]);
}

#[test]
fn folder_named_like_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(inputs.join("events.csv")).unwrap();
    std::fs::write(
        inputs.join("events.csv/real.csv"),
        csv("A,2024-01-01T00:00:00Z,To Do\n"),
    )
    .unwrap();
    let p = inputs.to_str().unwrap().to_string();
    let r = audit(dir, &[&p], &[]);
    r.ok();
    assert_eq!(r.summary()["counts"]["items"], 1);
}

#[test]
fn output_folder_under_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.csv");
    std::fs::write(&input, csv("A,2024-01-01T00:00:00Z,To Do\n")).unwrap();
    std::fs::write(dir.path().join("file.txt"), "x").unwrap();
    let out = dir.path().join("file.txt/out");
    let o = Command::cargo_bin("flowaudit")
        .unwrap()
        .args(["audit", input.to_str().unwrap(), "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("file.txt is a file, not a folder"), "{err}");
    assert!(!err.contains("panicked"));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 2, "nothing written: {left:?}");
}

#[test]
fn output_folder_that_is_not_a_report_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.csv");
    std::fs::write(&input, csv("A,2024-01-01T00:00:00Z,To Do\n")).unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("thesis.txt"), "precious").unwrap();
    let o = Command::cargo_bin("flowaudit")
        .unwrap()
        .args(["audit", input.to_str().unwrap(), "--quiet", "--out"])
        .arg(&docs)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("not a flowaudit report"), "{err}");
    assert_eq!(
        std::fs::read_to_string(docs.join("thesis.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn billion_laughs_xes() {
    let mut x = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE log [\n <!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        x.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    x.push_str("]>\n<log xes.version=\"1.0\"><trace><string key=\"concept:name\" value=\"&lol9;\"/>\n<event><string key=\"concept:name\" value=\"&lol9;\"/><date key=\"time:timestamp\" value=\"2024-01-01T00:00:00Z\"/></event></trace></log>\n");
    let r = audit_bytes("log.xes", x.as_bytes(), &[]);
    // Entities are not expanded: refused by name, in bounded memory.
    r.refused(&["log.xes", "lol9"]);
}

#[test]
fn deeply_nested_json() {
    let deep = "[".repeat(100_000);
    audit_bytes("deep.json", deep.as_bytes(), &[]).refused(&["deep.json"]);
    for f in [
        "jira-json",
        "github",
        "azure-devops",
        "trello",
        "gitlab",
        "bugzilla",
    ] {
        audit_bytes("deep.json", deep.as_bytes(), &["--format", f])
            .refused(&["deep.json", "recursion limit"]);
    }
    // OCEL is read into typed records, where `[[[` is a wrong type long before any depth; an
    // attribute value is any JSON, where serde_json's recursion limit holds.
    audit_bytes("deep.json", deep.as_bytes(), &["--format", "ocel"]).refused(&[
        "deep.json",
        "line 1 column",
        "not valid OCEL 2.0 JSON",
    ]);
    let mut log = String::from(
        r#"{"objectTypes":[],"eventTypes":[],"objects":[],"events":[{"id":"e1","attributes":[{"name":"x","value":"#,
    );
    log.push_str(&deep);
    audit_bytes("log.jsonocel", log.as_bytes(), &[]).refused(&[
        "log.jsonocel",
        "recursion limit",
        "not valid OCEL 2.0 JSON",
    ]);
}

// GitLab, Bugzilla and OCEL 2.0 JSON (src/ingest/gitlab.rs, bugzilla.rs, ocel.rs). Every
// hand-written file below is detected from its content (each importer's `sniff`), except
// where `--format` is passed and said why.

/// Write `bytes` as `name` and `config` as `flowaudit.toml` in a fresh folder and audit the
/// file with `--config flowaudit.toml` and `args`.
fn audit_with_config(name: &str, bytes: &[u8], config: &str, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, bytes).unwrap();
    let cfg = dir.path().join("flowaudit.toml");
    std::fs::write(&cfg, config).unwrap();
    let mut all = vec!["--config", cfg.to_str().unwrap()];
    all.extend_from_slice(args);
    audit(dir, &[input.to_str().unwrap()], &all)
}

/// One GitLab issue as `/projects/:id/issues` returns it (fields trimmed).
const GITLAB_ISSUE: &str = r##"{"id":501,"iid":7,"project_id":42,"state":"opened","title":"Widget breaks","created_at":"2024-01-01T09:00:00Z","updated_at":"2024-01-05T09:00:00Z","references":{"short":"#7","relative":"#7","full":"acme/widgets#7"},"web_url":"https://gitlab.example.com/acme/widgets/-/issues/7","author":{"username":"ann"},"assignees":[],"labels":[]}"##;

/// A `resource_label_events` entry for that issue whose `created_at` is not a time.
const GITLAB_BAD_LABEL_EVENT: &str = r#"{"id":901,"user":{"username":"bob"},"created_at":"garbage","resource_type":"Issue","resource_id":501,"label":{"id":73,"name":"workflow::doing"},"action":"add"}"#;

#[test]
fn gitlab_issue_created_at_that_is_not_a_time() {
    let bad = format!(
        "[{}]",
        GITLAB_ISSUE.replace("2024-01-01T09:00:00Z", "yesterday")
    );
    audit_bytes("issues.json", bad.as_bytes(), &[]).refused(&[
        "issues.json",
        "issue acme/widgets#7",
        "`created_at`",
        "\"yesterday\"",
        "ISO 8601",
    ]);
    // No `created_at` at all: the same item and field, and what is missing.
    let none = format!(
        "[{}]",
        GITLAB_ISSUE.replace("\"created_at\":\"2024-01-01T09:00:00Z\",", "")
    );
    audit_bytes("issues.json", none.as_bytes(), &[]).refused(&[
        "issues.json",
        "issue acme/widgets#7",
        "`created_at`",
        "creation time",
    ]);
}

#[test]
fn truncated_gitlab_json() {
    truncated_json(
        "gitlab/devlake__raw_gitlab_api_issues.derived.json",
        "gitlab",
        "EOF while parsing",
    );
}

#[test]
fn gitlab_resource_events_without_their_issues() {
    // `/issues/:iid/resource_label_events` alone: the events name issue 253, which is not in
    // the input, and say nothing of when it was created.
    let bytes = std::fs::read(dataset(
        "gitlab/gitlab_docs_resource_label_events.issue_list.derived.json",
    ))
    .unwrap();
    audit_bytes("label_events.json", &bytes, &[]).refused(&[
        "label_events.json",
        "no events found",
        "no GitLab issue or merge request found",
        "export `/projects/:id/issues`",
    ]);
}

#[test]
fn gitlab_label_event_created_at_that_is_not_a_time() {
    // The event beside its issue, linked by `resource_id` …
    let loose = format!("[{GITLAB_ISSUE},{GITLAB_BAD_LABEL_EVENT}]");
    audit_bytes("gitlab.json", loose.as_bytes(), &[]).refused(&[
        "gitlab.json",
        "resource event 901",
        "`created_at`",
        "\"garbage\"",
        "ISO 8601",
    ]);
    // … or inside the issue's own `resource_label_events`.
    let own = GITLAB_ISSUE.replace(
        "\"labels\":[]",
        &format!("\"labels\":[],\"resource_label_events\":[{GITLAB_BAD_LABEL_EVENT}]"),
    );
    audit_bytes("gitlab.json", format!("[{own}]").as_bytes(), &[]).refused(&[
        "gitlab.json",
        "resource event 901",
        "`created_at`",
        "\"garbage\"",
    ]);
}

/// One Bugzilla bug with its history, as `/rest/bug?…&include_fields=_default,history`
/// returns it (fields trimmed).
const BUGZILLA_BUG: &str = r#"{"id":4242,"status":"RESOLVED","resolution":"FIXED","creation_time":"2024-01-01T09:00:00Z","last_change_time":"2024-01-09T09:00:00Z","creator":"ann@example.org","assigned_to":"bob@example.org","product":"Widgets","component":"Core","history":[{"when":"2024-01-09T09:00:00Z","who":"bob@example.org","changes":[{"field_name":"status","removed":"NEW","added":"RESOLVED"},{"field_name":"resolution","removed":"","added":"FIXED"}]}]}"#;

fn bugzilla_response(bug: &str) -> Vec<u8> {
    format!("{{\"faults\":[],\"bugs\":[{bug}]}}").into_bytes()
}

#[test]
fn bugzilla_creation_time_that_is_not_a_time() {
    let bad = BUGZILLA_BUG.replace(
        "\"creation_time\":\"2024-01-01T09:00:00Z\"",
        "\"creation_time\":\"01/02/2024\"",
    );
    audit_bytes("bugs.json", &bugzilla_response(&bad), &[]).refused(&[
        "bugs.json",
        "bug 4242",
        "`creation_time`",
        "\"01/02/2024\"",
        "ISO 8601",
    ]);
}

#[test]
fn truncated_bugzilla_json() {
    truncated_json(
        "bugzilla/bmo_rest_bug_search_ids_12345-12347.derived.json",
        "bugzilla",
        "EOF while parsing",
    );
}

#[test]
fn bugzilla_response_without_bugs() {
    // `{"bugs": []}` names no bug field, so detection does not take it: refused as unknown
    // without --format, as empty with it.
    let empty = b"{\"faults\":[],\"bugs\":[]}";
    audit_bytes("bugs.json", empty, &[]).refused(&[
        "bugs.json",
        "unknown input format",
        "--format",
    ]);
    audit_bytes("bugs.json", empty, &["--format", "bugzilla"]).refused(&[
        "bugs.json",
        "no events found",
        "no Bugzilla bug found",
        "/rest/bug",
    ]);
    // Bugs without an `id` (detected from their fields) are no bugs either.
    let no_id = br#"{"bugs":[{"summary":"no id","status":"NEW","creation_time":"2024-01-01T09:00:00Z","assigned_to":"bob@example.org","product":"Widgets","component":"Core"}]}"#;
    audit_bytes("bugs.json", no_id, &[]).refused(&["bugs.json", "no Bugzilla bug found"]);
}

#[test]
fn bugzilla_history_when_that_is_not_a_time() {
    let bad = BUGZILLA_BUG.replace(
        "\"when\":\"2024-01-09T09:00:00Z\"",
        "\"when\":\"last tuesday\"",
    );
    audit_bytes("bugs.json", &bugzilla_response(&bad), &[]).refused(&[
        "bugs.json",
        "bug 4242",
        "`history.when`",
        "\"last tuesday\"",
        "ISO 8601",
    ]);
}

/// An OCEL 2.0 JSON log of tickets with these `objects` and `events`.
fn ocel_log(objects: &str, events: &str) -> Vec<u8> {
    format!(
        r#"{{"objectTypes":[{{"name":"ticket","attributes":[]}}],"eventTypes":[{{"name":"Open","attributes":[]}},{{"name":"Close","attributes":[]}}],"objects":{objects},"events":{events}}}"#
    )
    .into_bytes()
}

#[test]
fn ocel_item_type_that_no_object_has() {
    let bytes = std::fs::read(dataset("ocel/pm4py_ocel20_example.jsonocel")).unwrap();
    audit_with_config(
        "log.jsonocel",
        &bytes,
        "[ocel]\nitem_type = \"Ticket\"\n",
        &[],
    )
    .refused(&[
        "log.jsonocel",
        "`[ocel] item_type`",
        "\"Ticket\"",
        "no object of this type",
        "\"Invoice\" (3 object(s), 9 related event(s))",
        "\"Purchase Requisition\" (1 object(s), 3 related event(s))",
    ]);
}

#[test]
fn ocel_event_time_that_is_not_a_time() {
    let rel = r#""relationships":[{"objectId":"T1","qualifier":"about"}]"#;
    let log = ocel_log(
        r#"[{"id":"T1","type":"ticket"}]"#,
        &format!(
            r#"[{{"id":"e1","type":"Open","time":"2024-01-01T09:00:00Z","attributes":[],{rel}}},{{"id":"e2","type":"Close","time":"next week","attributes":[],{rel}}}]"#
        ),
    );
    audit_bytes("log.jsonocel", &log, &[]).refused(&[
        "log.jsonocel",
        "event \"e2\"",
        "`time`",
        "\"next week\"",
        "ISO 8601",
        "re-export the log",
    ]);
    // No time at all.
    let log = ocel_log(
        r#"[{"id":"T1","type":"ticket"}]"#,
        &format!(r#"[{{"id":"e1","type":"Open",{rel}}}]"#),
    );
    audit_bytes("log.jsonocel", &log, &[]).refused(&[
        "log.jsonocel",
        "event \"e1\"",
        "`time`",
        "has no time",
    ]);
}

#[test]
fn ocel_events_related_to_no_object() {
    // One event without relationships, one naming an object that is not in `objects`.
    let log = ocel_log(
        r#"[{"id":"T1","type":"ticket"}]"#,
        r#"[{"id":"e1","type":"Open","time":"2024-01-01T09:00:00Z","relationships":[]},{"id":"e2","type":"Close","time":"2024-01-02T09:00:00Z","relationships":[{"objectId":"T9","qualifier":"about"}]}]"#,
    );
    audit_bytes("log.jsonocel", &log, &[]).refused(&[
        "log.jsonocel",
        "no events found",
        "none of the 2 OCEL events relates to an object",
        "\"ticket\" (1 object(s), 0 related event(s))",
    ]);
}

#[test]
fn truncated_ocel_json() {
    truncated_json(
        "ocel/pm4py_ocel20_example.jsonocel",
        "ocel",
        "EOF while parsing",
    );
}
