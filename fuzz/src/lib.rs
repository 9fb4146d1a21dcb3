//! Shared helper of the fuzz targets: load bytes as one input file through the real
//! `ingest::load` (detection, encoding check, importer, frame), optionally with a forced
//! format, then sort the events as an audit would. Errors are fine; panics are findings.

use flowaudit::ingest::{self, imported::ImportOptions, xes::XesMapping, Format, LoadOptions};
use std::io::Write;

/// `data` written to a temporary file named `name` (in `/dev/shm`, or `FUZZ_TMP`); the
/// folder lives as long as the returned guard.
fn temp_file(name: &str, data: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("flowaudit-fuzz")
        .tempdir_in(std::env::var_os("FUZZ_TMP").unwrap_or_else(|| "/dev/shm".into()))
        .or_else(|_| tempfile::tempdir())
        .expect("temporary folder");
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(data))
        .expect("write the input");
    (dir, path)
}

/// Write `data` to a temporary file named `name` and load it.
pub fn load_bytes(name: &str, data: &[u8], format: Option<Format>) {
    let (_dir, path) = temp_file(name, data);
    let xes = XesMapping::default();
    let import = ImportOptions::default();
    let opts = LoadOptions {
        format,
        tz: chrono_tz::Europe::Paris,
        xes: &xes,
        tools: None,
        roster: None,
        import: &import,
        columns: &flowaudit::ingest::events_csv::NO_COLUMNS,
    };
    if let Ok(loaded) = ingest::load(&[path], &opts) {
        if let Some(as_of) = loaded.max_ts {
            let _ = ingest::prepare(loaded.events, as_of);
        }
    }
}

/// Read `data` as an events CSV in one part and in small parts: the split must never change
/// the result (the same events, items and warnings, or an error both ways).
pub fn events_csv_parts(data: &[u8]) {
    use flowaudit::ingest::events_csv::{read_in_parts, PART_BYTES};
    let (_dir, path) = temp_file("events.csv", data);
    let tz = chrono_tz::Europe::Paris;
    let whole = read_in_parts(&path, flowaudit::ingest::events_csv::CsvOptions::in_tz(tz), PART_BYTES);
    let small = (data.len() / 3).max(1);
    let parts = read_in_parts(&path, flowaudit::ingest::events_csv::CsvOptions::in_tz(tz), small);
    match (whole, parts) {
        (Ok(a), Ok(b)) => {
            let (fa, fb) = (a.table.to_frame().ok(), b.table.to_frame().ok());
            let same = match (&fa, &fb) {
                (Some(x), Some(y)) => x.equals_missing(y),
                _ => fa.is_none() && fb.is_none(),
            };
            assert!(same, "parts of {small} bytes changed the events");
            assert_eq!(a.items, b.items, "parts of {small} bytes changed the items");
            assert_eq!(
                format!("{:?}", a.warnings.entries()),
                format!("{:?}", b.warnings.entries()),
                "parts of {small} bytes changed the warnings"
            );
        }
        (Err(_), Err(_)) => {}
        (a, b) => panic!(
            "one part: {:?}; parts of {small} bytes: {:?}",
            a.map(|_| ()),
            b.map(|_| ())
        ),
    }
}
