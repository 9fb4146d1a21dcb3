//! Regressions found by fuzzing (docs/FUZZING.md, results of 2026-11-26). Each test is named
//! after what it found and replays the input that made a fuzz target panic: through the
//! binary (exit 0 or 1 with a message, never a panic, exit 101) and, when the finding is in a
//! library function, through that function too. Inputs are inline bytes, or a small file in
//! `tests/fixtures/regressions/` when they are the fuzzer's artifact as found.

use assert_cmd::Command;
use chrono_tz::Tz;
use flowaudit::time::{format_instant, parse_instant, parse_js_date};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/regressions")
        .join(name)
}

/// Audit `bytes` written as `name` with `args`; asserts exit 0 or 1 without a panic and
/// returns the exit code and stderr.
fn audit(name: &str, bytes: &[u8], args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, bytes).unwrap();
    let o = Command::cargo_bin("flowaudit")
        .unwrap()
        .current_dir(dir.path())
        .arg("audit")
        .arg(&input)
        .args(args)
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--quiet")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let code = o.status.code().unwrap_or(-1);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (code, stderr)
}

/// Fuzz target `timestamp`: `0000-01-01` read in Europe/Paris (local mean time, +00:09:21)
/// is an instant of year -1 in UTC, which `format_instant` writes as
/// `-0001-12-31T23:50:39Z`, text no importer reads back (the reports carried it). The same
/// at the other end: `9999-12-31T23:59:59-01:00` is year 10000. Instants are now kept to
/// the years 0000 to 9999 in UTC and the value is refused with its line.
#[test]
fn timestamp_year_0000_in_paris_is_refused_instead_of_becoming_year_minus_1() {
    let paris = chrono_tz::Europe::Paris;
    for (s, tz) in [
        ("0000-01-01", paris),
        ("0000-01-01T00:05:00", paris),
        ("9999-12-31T23:59:59-01:00", Tz::UTC),
        ("9999-12-31T23:30:00", chrono_tz::America::New_York),
    ] {
        let e = parse_instant(s, tz).expect_err(s);
        assert!(e.to_string().contains("0000 to 9999"), "{s}: {e}");
    }
    // The ends of the range are read, and written back as text that reads the same.
    for (s, tz) in [
        ("0000-01-01", Tz::UTC),
        ("0000-01-01T00:00:00Z", paris),
        ("0000-01-01T00:09:21", paris),
        ("9999-12-31T23:59:59.999999Z", paris),
        ("9999-12-31T23:59:59", Tz::UTC),
        ("0001-01-01T00:00:00+23:59", Tz::UTC),
    ] {
        let (ts, _) = parse_instant(s, tz).expect(s);
        let text = format_instant(ts);
        assert_eq!(
            parse_instant(&text, tz).map(|p| p.0),
            Ok(ts),
            "{s} -> {text}"
        );
    }
    let csv = b"item_id,timestamp,status\nA,0000-01-01,To Do\nA,0000-01-02,Done\n";
    let (code, stderr) = audit("events.csv", csv, &["--tz", "Europe/Paris"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("line 2")
            && stderr.contains("0000-01-01")
            && stderr.contains("0000 to 9999"),
        "{stderr}"
    );
    // In UTC the same dates are in range and audited.
    assert_eq!(audit("events.csv", csv, &[]).0, 0);
}

/// Fuzz target `events_csv`: a file starting with the gzip signature `1F 8B` (here the
/// fuzzer's artifact, a mutated `pinned_events.csv`) made polars take it for a compressed
/// CSV and panic ("activate 'decompress' feature"; the feature is not built). So did a
/// plain CSV whose header starts with `x^` (78 5E, a zlib signature), even when detected
/// without `--format`. The events CSV importer now refuses such files with a message.
#[test]
fn events_csv_with_a_compression_signature_is_refused_instead_of_a_polars_panic() {
    let artifact = std::fs::read(fixture("events_csv_gzip_signature.csv")).unwrap();
    assert_eq!(artifact[..2], [0x1f, 0x8b]);
    let (code, stderr) = audit("events.csv", &artifact, &["--format", "events_csv"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("gzip-compressed"), "{stderr}");
    // Every signature polars-io 0.55 checks (gzip, zlib ×4, zstd).
    let body = b"item_id,timestamp\nA,2024-01-01T00:00:00Z\n";
    for (magic, kind) in [
        (&b"\x1f\x8b\x08\x00"[..], "gzip"),
        (b"\x78\x01", "zlib"),
        (b"\x78\x9c", "zlib"),
        (b"\x78\xda", "zlib"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
    ] {
        let bytes = [magic, &body[..]].concat();
        let (code, stderr) = audit("events.csv", &bytes, &["--format", "events_csv"]);
        assert_eq!(code, 1, "{kind}: {stderr}");
        assert!(stderr.contains(&format!("{kind}-compressed")), "{stderr}");
    }
    // A text CSV detected as events whose first column is `x^…`: refused with the way out.
    let (code, stderr) = audit(
        "events.csv",
        b"x^2,item_id,timestamp\n1,A,2024-01-01T00:00:00Z\n",
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("rename or move that first column"),
        "{stderr}"
    );
    // Three bytes are too few for a signature: read as a CSV (and refused as one).
    audit("events.csv", b"\x1f\x8b\n", &["--format", "events_csv"]);
}

/// Found while fixing the above (chrono reads `%Y` with a sign and any number of digits):
/// a Linear date `Mon Jan 01 -262143 00:00:00 GMT+0100` is chrono's first day, and taking
/// the offset off overflowed ("`NaiveDateTime - TimeDelta` overflowed", exit 101). Now a
/// bad date with its line, like any year outside 0000 to 9999.
#[test]
fn linear_js_date_at_the_end_of_chronos_range_is_refused_instead_of_an_overflow_panic() {
    for s in [
        "Mon Jan 01 -262143 00:00:00 GMT+0100 (CET)",
        "Fri Dec 31 +262142 23:59:59 GMT-0100",
        "Fri Dec 31 +10000 23:59:59 GMT+0000",
        "Sat Jan 01 0000 00:00:00 GMT+0100",
    ] {
        assert!(parse_js_date(s).is_err(), "{s}");
    }
    assert!(parse_js_date("Sat Jan 01 0000 00:00:00 GMT-0100").is_ok());
    let csv = "\"ID\",\"Team\",\"Title\",\"Status\",\"Created\",\"Completed\"\n\
               \"K-1\",\"T\",\"x\",\"Done\",\"Mon Jan 01 -262143 00:00:00 GMT+0100 (CET)\",\"Thu Feb 05 2026 08:46:08 GMT+0000 (GMT)\"\n";
    let (code, stderr) = audit("linear.csv", csv.as_bytes(), &["--format", "linear"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("-262143"), "{stderr}");
}

/// Found by the events_csv target's split check (2026-11-26, session 2): a row with more
/// fields than the header was accepted when its extra fields fell in columns the audit does
/// not read, but refused when it began a part of the file. Every column is parsed now, so it
/// is refused wherever it is, as the bad-input rule says.
#[test]
fn a_row_with_more_fields_than_the_header_is_refused_wherever_it_falls() {
    let bytes = b"item_id,timestamp,x,y,z,p,q,r\nR-1,2024-01-07T00:00:00Z,Doe,,2\nR-2,2024-01-08T00:00:00Z,a,b,c,d,e,f,g,h\n";
    let (code, stderr) = audit("events.csv", bytes, &["--format", "events-csv"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(
        stderr.contains("the row has 10 fields but the header has 8"),
        "{stderr}"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("events.csv");
    std::fs::write(&p, bytes).unwrap();
    for part in [1, 20, 1 << 26] {
        let r = flowaudit::ingest::events_csv::read_in_parts(
            &p,
            flowaudit::ingest::events_csv::CsvOptions::in_tz(Tz::UTC),
            part,
        );
        assert!(r.is_err(), "parts of {part} bytes accepted it");
    }
}

/// Found by the events_csv target's split check (2026-11-26, session 2): with one stray
/// quote inside an unquoted value (`20"4`), polars' reader refused the whole file ("CSV
/// malformed: expected 1 rows, actual 29 rows", no line) while smaller parts of it parsed:
/// its split between threads counts that quote, its parser does not. Such a quote is now
/// refused wherever it is, with its line and value, however the file is split.
#[test]
fn a_stray_quote_is_refused_with_its_line_however_the_file_is_split() {
    let p = fixture("events_csv_stray_quote.csv");
    let whole = flowaudit::ingest::events_csv::read_in_parts(
        &p,
        flowaudit::ingest::events_csv::CsvOptions::in_tz(Tz::UTC),
        1 << 26,
    );
    let message = whole.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("line 42"), "{message}");
    assert!(
        message.contains("holds a quote but is not quoted"),
        "{message}"
    );
    for part in [7, 1011] {
        let parts = flowaudit::ingest::events_csv::read_in_parts(
            &p,
            flowaudit::ingest::events_csv::CsvOptions::in_tz(Tz::UTC),
            part,
        );
        assert_eq!(
            parts.err().map(|e| e.to_string()).unwrap_or_default(),
            message
        );
    }
    let bytes = std::fs::read(&p).unwrap();
    let (code, stderr) = audit("events.csv", &bytes, &["--format", "events-csv"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("line 42") && stderr.contains("20\"4"),
        "{stderr}"
    );
}
