//! Fuzz the events_csv importer: the bytes as a file read with `--format` forced, and read
//! in one part and in parts of a third of the input, which must agree.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    flowaudit_fuzz::load_bytes(
        "events.csv",
        data,
        Some(flowaudit::ingest::Format::EventsCsv),
    );
    flowaudit_fuzz::events_csv_parts(data);
});
