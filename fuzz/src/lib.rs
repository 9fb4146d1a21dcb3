//! Shared helper of the fuzz targets: load bytes as one input file through the real
//! `ingest::load` (detection, encoding check, importer, frame), optionally with a forced
//! format, then sort the events as an audit would. Errors are fine; panics are findings.

use flowaudit::ingest::{self, imported::ImportOptions, xes::XesMapping, Format, LoadOptions};
use std::io::Write;

/// Write `data` to a temporary file named `name` and load it.
pub fn load_bytes(name: &str, data: &[u8], format: Option<Format>) {
    let dir = tempfile::Builder::new()
        .prefix("flowaudit-fuzz")
        .tempdir_in(std::env::var_os("FUZZ_TMP").unwrap_or_else(|| "/dev/shm".into()))
        .or_else(|_| tempfile::tempdir())
        .expect("temporary folder");
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(data))
        .expect("write the input");
    let xes = XesMapping::default();
    let import = ImportOptions::default();
    let opts = LoadOptions {
        format,
        tz: chrono_tz::Europe::Paris,
        xes: &xes,
        tools: None,
        roster: None,
        import: &import,
    };
    if let Ok(loaded) = ingest::load(&[path], &opts) {
        if let Some(as_of) = loaded.max_ts {
            let _ = ingest::prepare(loaded.events, as_of);
        }
    }
}
