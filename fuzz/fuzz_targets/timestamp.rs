//! Fuzz the timestamp parser (`flowaudit::time::parse_instant`) in UTC and in a zone with
//! DST gaps; a parsed instant must format and parse back to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        for tz in [chrono_tz::UTC, chrono_tz::Europe::Paris] {
            if let Ok((ts, _)) = flowaudit::time::parse_instant(s, tz) {
                let text = flowaudit::time::format_instant(ts);
                let back = flowaudit::time::parse_instant(&text, tz);
                assert_eq!(back.map(|b| b.0), Ok(ts), "{s:?} -> {text:?}");
            }
        }
    }
});
