//! The memory budget of an audit (`--memory-budget`) and how many partitions the per-item
//! pass runs in to stay inside it (docs/BOUNDED-MEMORY.md).
//!
//! The number of partitions never changes a report: partitions hold disjoint items and the
//! records are merged back into item order, so any count gives the same bytes (tested in
//! `tests/bounded_memory.rs`). It only trades memory for the time of writing and reading the
//! partitions back.

/// Bytes the per-item pass holds per event of one partition while it runs: the events' columns
/// (~60 B, `ingest::EventTable`), their audit order and item ranges (~12 B) and the read-back
/// buffers (~30 B). Measured at 10M events (docs/PERFORMANCE.md).
pub const BYTES_PER_EVENT: u64 = 100;

/// Bytes each item's record keeps for the whole report (`metrics::items::ItemRecord` and its
/// lists; measured ~730 B at 10M events, with the report's share on top).
pub const BYTES_PER_ITEM: u64 = 900;

/// What gives freed memory back to the system, when the binary has set it
/// ([`set_release`]).
static RELEASE: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Set what [`release`] calls. The library does not choose an allocator; the binary does, and
/// its allocator (mimalloc) keeps freed memory in its own heaps until told to give it back:
/// without this, the event table freed before the per-item pass would still count in the
/// peak.
pub fn set_release(f: fn()) {
    let _ = RELEASE.set(f);
}

/// Resident memory below which [`release`] keeps freed memory: a small audit reuses it at
/// once, and giving it back only made the next stages fault fresh pages in again (the kernel
/// clearing each one), a tenth of a small log's audit (docs/PERFORMANCE.md).
pub const RELEASE_FROM_KIB: u64 = 128 * 1024;

/// Give freed memory back to the system (after a large table is dropped) when the process
/// holds at least [`RELEASE_FROM_KIB`]; nothing unless the binary set a way to
/// ([`set_release`]).
pub fn release() {
    if let Some(f) = RELEASE.get() {
        if process_status_kib("RssAnon:").is_none_or(|kib| kib >= RELEASE_FROM_KIB) {
            f();
        }
    }
}

/// The default budget: a quarter of the machine's memory (`MemTotal` of `/proc/meminfo`), or
/// 4 GiB where that cannot be read.
pub fn default_budget() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(4 << 30, |kb| kb * 1024 / 4)
}

/// Parse a size: a number of bytes with an optional unit `B`, `KB`, `MB`, `GB`, `TB` (powers
/// of 1000) or `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024), case-insensitive, e.g. `800MB`,
/// `1.5GiB`, `2g`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("not a size; write a number with a unit, e.g. 800MB or 4GB"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        u => {
            return Err(format!(
                "unknown unit {u:?}; use B, KB, MB, GB, TB or KiB, MiB, GiB, TiB, e.g. 800MB"
            ))
        }
    };
    let bytes = n * scale;
    if !bytes.is_finite() || bytes < 1.0 {
        return Err("the budget must be at least 1 byte, e.g. 800MB".into());
    }
    Ok(bytes as u64)
}

/// Partitions for `events` events of `items` items under `budget` bytes: 1 (everything in
/// memory, the fastest) when the whole pass fits, else enough that one partition's events
/// take at most an eighth of what the records leave of the budget (at least an eighth of the
/// budget), and never more partitions than items, nor more than 4096.
pub fn partitions(events: u64, items: u64, budget: u64) -> usize {
    let whole = events * BYTES_PER_EVENT + items * BYTES_PER_ITEM;
    if whole <= budget || events == 0 {
        return 1;
    }
    let left = budget
        .saturating_sub(items * BYTES_PER_ITEM)
        .max(budget / 8);
    let per_part = (left / 8).max(1);
    let p = (events * BYTES_PER_EVENT).div_ceil(per_part);
    p.clamp(2, items.clamp(2, 4096)) as usize
}

/// This process's peak resident memory so far, in bytes (`VmHWM`); `None` where it cannot be
/// read (not Linux).
pub fn peak_bytes() -> Option<u64> {
    process_status_kib("VmHWM:").map(|kib| kib * 1024)
}

/// A size as people read it, in the units `--memory-budget` takes (powers of 1000), the
/// number written as the report writes figures ([`crate::words::human`]): `"950 B"`,
/// `"12.3 KB"`, `"850 MB"`, `"4.94 GB"`.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut x = bytes as f64;
    let mut unit = 0;
    while x >= 999.5 && unit + 1 < UNITS.len() {
        x /= 1000.0;
        unit += 1;
    }
    format!("{} {}", crate::words::human(x), UNITS[unit])
}

/// A field of this process's `/proc/self/status` in KiB (`"VmHWM:"`, `"RssAnon:"`…); `None`
/// where it cannot be read (not Linux).
pub fn process_status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
}

/// With `FLOWAUDIT_TRACE_MEMORY` set, print the process's resident memory (anonymous) and its
/// peak so far at a stage of the audit to stderr: how docs/BOUNDED-MEMORY.md's per-stage
/// figures are measured. Nothing otherwise.
pub fn trace(stage: &str) {
    if std::env::var_os("FLOWAUDIT_TRACE_MEMORY").is_none() {
        return;
    }
    let mib = |key: &str| process_status_kib(key).map_or(0, |kb| kb / 1024);
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = START.get_or_init(std::time::Instant::now);
    eprintln!(
        "memory: {:.3} s {stage}: {} MiB resident, peak {} MiB, cpu {:.3} s",
        start.elapsed().as_secs_f64(),
        mib("RssAnon:"),
        mib("VmHWM:"),
        cpu_seconds()
    );
}

/// CPU time of the process's live threads so far (the first field of each thread's
/// `/proc/self/task/*/schedstat`, in nanoseconds); 0 where it cannot be read. Threads that
/// have ended are not counted (rayon's workers live as long as the process).
fn cpu_seconds() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    let ns: u64 = tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    ns as f64 / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_as_the_budget_reads_them() {
        assert_eq!(size_text(0), "0 B");
        assert_eq!(size_text(950), "950 B");
        assert_eq!(size_text(10_000), "10 KB");
        assert_eq!(size_text(12_345), "12.3 KB");
        assert_eq!(size_text(850_000_000), "850 MB");
        assert_eq!(size_text(1_000_000_000), "1 GB");
        assert_eq!(size_text(4_937_000_000), "4.94 GB");
        assert_eq!(size_text(999_600), "1 MB");
        // What it writes, `--memory-budget` reads back to the same size (to its digits).
        for b in [10_000u64, 2_000_000, 1_000_000_000, 6_000_000_000] {
            assert_eq!(parse_size(&size_text(b).replace(' ', "")), Ok(b));
        }
    }

    #[test]
    fn sizes_read_with_decimal_and_binary_units() {
        assert_eq!(parse_size("800MB"), Ok(800_000_000));
        assert_eq!(parse_size("1.5GiB"), Ok(1_610_612_736));
        assert_eq!(parse_size("2g"), Ok(2_000_000_000));
        assert_eq!(parse_size(" 4096 "), Ok(4096));
        assert_eq!(parse_size("64 KiB"), Ok(65_536));
        assert!(parse_size("lots").unwrap_err().contains("800MB"));
        assert!(parse_size("3 parsecs")
            .unwrap_err()
            .contains("unknown unit"));
        assert!(parse_size("0").is_err());
    }

    #[test]
    fn partitions_only_when_the_pass_does_not_fit() {
        // 10M events of 1.37M items: 1.0 GB of events + 1.23 GB of records.
        assert_eq!(partitions(10_000_000, 1_370_000, 4_000_000_000), 1);
        // Under 1 GB the records leave less than an eighth of the budget: an eighth of that
        // eighth (15.6 MB) per partition, 64 partitions.
        assert_eq!(partitions(10_000_000, 1_370_000, 1_000_000_000), 64);
        // With room left after the records (2 GB - 1.233 GB = 767 MB, /8 = 95.9 MB per
        // partition): 11.
        assert_eq!(partitions(10_000_000, 1_370_000, 2_000_000_000), 11);
        // Never more partitions than items; at least 2 once partitioned.
        assert_eq!(partitions(1_000, 3, 10), 3);
        assert_eq!(partitions(1_000, 1, 10), 2);
        assert_eq!(partitions(0, 0, 1), 1);
    }
}
