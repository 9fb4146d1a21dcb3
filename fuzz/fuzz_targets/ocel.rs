//! Fuzz the ocel importer (OCEL 2.0 JSON): the bytes as a file read with `--format` forced.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    flowaudit_fuzz::load_bytes("log.jsonocel", data, Some(flowaudit::ingest::Format::Ocel));
});
