//! Fuzz the gitlab importer: the bytes as a file read with `--format` forced.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    flowaudit_fuzz::load_bytes("issues.json", data, Some(flowaudit::ingest::Format::Gitlab));
});
