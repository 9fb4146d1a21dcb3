//! Any CSV a user has (INTERFACE.md "CSV dialects", "Any history export", Parquet): the
//! delimiter and the timestamp format are detected per file and column, `[columns]` names
//! the headers of any history export, and a Parquet file of the same events audits to the
//! same figures as the CSV.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Run {
    dir: tempfile::TempDir,
    ok: bool,
    stderr: String,
}

impl Run {
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    fn summary(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.out().join("summary.json")).unwrap()).unwrap()
    }
    fn file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap()
    }
}

/// Audit `files` (name, content) written into a fresh folder, with an optional config.
fn audit(files: &[(&str, &[u8])], config: Option<&str>, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("flowaudit").unwrap();
    cmd.arg("audit");
    for (name, bytes) in files {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        cmd.arg(p);
    }
    if let Some(c) = config {
        let p = dir.path().join("flowaudit.toml");
        std::fs::write(&p, c).unwrap();
        cmd.arg("--config").arg(p);
    }
    let o = cmd
        .args(extra)
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--quiet")
        .output()
        .unwrap();
    Run {
        dir,
        ok: o.status.success(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn created(run: &Run, item: &str) -> String {
    let items = run.file("items.csv");
    let line = items
        .lines()
        .find(|l| l.starts_with(&format!("{item},")))
        .unwrap_or_else(|| panic!("{item} not in {items}"));
    line.split(',').nth(2).unwrap().to_string()
}

/// A semicolon-separated event log with `YYYY/MM/DD hh:mm:ss.fff` timestamps (the shape of
/// Disco and ProM CSV exports of European logs).
#[test]
fn semicolon_log_with_slashed_millisecond_timestamps() {
    let csv = "case_id;activity;timestamp;resource\n\
               c1;Register;2014/10/22 11:15:41.000;Ann\n\
               c1;Check;2014/10/23 09:00:00.500;Bob\n\
               c2;Register;2014/10/22 12:00:00.000;Ann\n";
    let r = audit(
        &[("log.csv", csv.as_bytes())],
        None,
        &["--tz", "Europe/Amsterdam"],
    );
    assert!(r.ok, "{}", r.stderr);
    let s = r.summary();
    assert_eq!(s["counts"]["items"], 2);
    assert_eq!(s["counts"]["events"], 3);
    // 11:15:41 in Amsterdam (CEST, +02:00) is 09:15:41 UTC.
    assert_eq!(created(&r, "c1"), "2014-10-22T09:15:41Z");
    assert_eq!(s["inputs"][0]["kind"], "activities");
}

/// Day-first dates are recognised by a first field above 12, read in `--tz`.
#[test]
fn day_first_column_is_decided_from_all_its_values() {
    let csv = "item_id,timestamp,status\n\
               A,03/04/2024 10:00,To Do\n\
               A,13/04/2024 10:00,Done\n";
    let r = audit(&[("e.csv", csv.as_bytes())], None, &[]);
    assert!(r.ok, "{}", r.stderr);
    assert_eq!(created(&r, "A"), "2024-04-03T10:00:00Z");
}

/// A column that cannot be decided is refused with its name, two of its values and the
/// `[columns]` key that settles it; the key then reads it.
#[test]
fn ambiguous_dates_are_refused_until_timestamp_format_says() {
    let csv = "item_id,timestamp,status\nA,03/04/2024,To Do\nA,05/04/2024,Done\n";
    let r = audit(&[("e.csv", csv.as_bytes())], None, &[]);
    assert!(!r.ok);
    assert!(r.stderr.contains("timestamp"), "{}", r.stderr);
    assert!(r.stderr.contains("03/04/2024"), "{}", r.stderr);
    assert!(r.stderr.contains("timestamp_format"), "{}", r.stderr);
    let r = audit(
        &[("e.csv", csv.as_bytes())],
        Some("[columns]\ntimestamp_format = \"%m/%d/%Y\"\n"),
        &[],
    );
    assert!(r.ok, "{}", r.stderr);
    assert_eq!(created(&r, "A"), "2024-03-04T00:00:00Z");
}

/// A tracker's history export with its own headers, read through `[columns]`; without it the
/// file is not recognised and the message says what to do.
#[test]
fn history_export_read_through_columns() {
    let csv = "ticket,date_updated,Status,assignee_anon\n\
               NA,2024-01-02,Open,u1\n\
               NA,2024-01-05,In Progress,u2\n\
               NA,2024-01-09,Closed,u2\n\
               T-2,2024-01-03,Open,u1\n";
    let r = audit(&[("history.csv", csv.as_bytes())], None, &[]);
    assert!(!r.ok);
    let cfg = "[columns]\nitem_id = \"ticket\"\ntimestamp = \"date_updated\"\nstatus = \"Status\"\nassignee = \"assignee_anon\"\n";
    let r = audit(&[("history.csv", csv.as_bytes())], Some(cfg), &[]);
    assert!(r.ok, "{}", r.stderr);
    let s = r.summary();
    assert_eq!(s["counts"]["items"], 2);
    assert_eq!(s["counts"]["done"], 1);
    // `NA` is an id here, not a missing value.
    let items = r.file("items.csv");
    let na = items.lines().find(|l| l.starts_with("NA,")).unwrap();
    assert!(na.contains(",done,"), "{na}");
    assert!(
        na.contains("2024-01-02T00:00:00Z,2024-01-05T00:00:00Z,2024-01-09T00:00:00Z"),
        "{na}"
    );
    // A header [columns] names that is not in the file is refused with the key.
    let r = audit(
        &[("history.csv", csv.as_bytes())],
        Some("[columns]\nitem_id = \"ticket\"\ntimestamp = \"updated\"\n"),
        &["--format", "events-csv"],
    );
    assert!(!r.ok);
    assert!(r.stderr.contains("[columns] timestamp"), "{}", r.stderr);
}

fn sample_events() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/events.csv")
}

/// The same events as Parquet (timestamps as text, and as Arrow timestamps in UTC) audit to
/// the same items and tables, byte for byte, as the CSV.
#[test]
fn parquet_audits_like_the_same_csv() {
    use polars::prelude::*;
    let csv_bytes = std::fs::read(sample_events()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text_pq = dir.path().join("events.parquet");
    let ts_pq = dir.path().join("events_ts.parquet");
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(std::io::Cursor::new(csv_bytes.clone()))
        .finish()
        .unwrap();
    ParquetWriter::new(std::fs::File::create(&text_pq).unwrap())
        .finish(&mut df)
        .unwrap();
    // The timestamps as an Arrow timestamp column (microseconds, UTC).
    let micros: Int64Chunked = df
        .column("timestamp")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(|v| flowaudit::time::parse_instant(v, chrono_tz::UTC).unwrap().0))
        .collect();
    let ts = micros
        .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
        .into_series()
        .with_name("timestamp".into());
    let mut typed = df.clone();
    typed.with_column(ts.into_column()).unwrap();
    ParquetWriter::new(std::fs::File::create(&ts_pq).unwrap())
        .finish(&mut typed)
        .unwrap();
    let from_csv = audit(&[("events.csv", &csv_bytes)], None, &[]);
    assert!(from_csv.ok, "{}", from_csv.stderr);
    for pq in [&text_pq, &ts_pq] {
        let bytes = std::fs::read(pq).unwrap();
        let from_pq = audit(&[("events.parquet", &bytes)], None, &[]);
        assert!(from_pq.ok, "{}", from_pq.stderr);
        assert_eq!(from_pq.summary()["inputs"][0]["format"], "parquet");
        for rel in [
            "items.csv",
            "tables/throughput.csv",
            "tables/status_time.csv",
            "tables/handoff_matrix.csv",
            "tables/blockers.csv",
            "tables/evidence.csv",
            "report.md",
        ] {
            let a = from_csv.file(rel);
            let b = from_pq.file(rel);
            // The inputs table names the file, its folder and its format; nothing else differs.
            let dir_a = from_csv.dir.path().display().to_string();
            let dir_b = from_pq.dir.path().display().to_string();
            let a = a
                .replace(&dir_a, "DIR")
                .replace("events.csv", "X")
                .replace("events_csv", "Y");
            let b = b
                .replace(&dir_b, "DIR")
                .replace("events.parquet", "X")
                .replace("parquet", "Y");
            let first = a.lines().zip(b.lines()).find(|(x, y)| x != y);
            assert!(a == b, "{rel} differs for {}: {first:?}", pq.display());
        }
    }
}

/// An activity log as CSV with XES lifecycle transitions (as pm4py writes it): starts and
/// completions pair up, so active time is measured and a start is not a second execution.
#[test]
fn csv_activity_log_with_lifecycle_measures_active_time() {
    let csv = "case:concept:name,concept:name,lifecycle:transition,time:timestamp,org:resource\n\
               c1,Register request,start,2024-01-01T09:00:00Z,Ann\n\
               c1,Register request,complete,2024-01-01T10:00:00Z,Ann\n\
               c1,Examine thoroughly,start,2024-01-01T12:00:00Z,Bob\n\
               c1,Examine thoroughly,complete,2024-01-01T13:00:00Z,Bob\n";
    let r = audit(&[("log.csv", csv.as_bytes())], None, &[]);
    assert!(r.ok, "{}", r.stderr);
    assert_eq!(r.summary()["inputs"][0]["kind"], "activities");
    let items = r.file("items.csv");
    let row: Vec<&str> = items.lines().nth(1).unwrap().split(',').collect();
    // cycle 4 h, active 2 h, waiting 2 h, flow efficiency 0.5, no rework.
    assert_eq!(&row[5..8], ["done", "0.166667", "0.166667"], "{items}");
    assert_eq!(row[9], "0.083333", "{items}");
    assert_eq!(row[12], "0.5", "{items}");
    assert_eq!(row[17], "0", "{items}");
    // The same log as Parquet reads its lifecycle column the same way.
    use polars::prelude::*;
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(std::io::Cursor::new(csv.as_bytes().to_vec()))
        .finish()
        .unwrap();
    let mut pq = Vec::new();
    ParquetWriter::new(&mut pq).finish(&mut df).unwrap();
    let p = audit(&[("log.parquet", &pq)], None, &[]);
    assert!(p.ok, "{}", p.stderr);
    assert_eq!(p.file("items.csv"), items);
}
