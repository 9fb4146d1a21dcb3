//! Fuzz format detection and whichever importer it picks (no format forced).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    flowaudit_fuzz::load_bytes("input", data, None);
});
