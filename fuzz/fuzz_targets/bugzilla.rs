//! Fuzz the bugzilla importer: the bytes as a file read with `--format` forced.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    flowaudit_fuzz::load_bytes("bugs.json", data, Some(flowaudit::ingest::Format::Bugzilla));
});
