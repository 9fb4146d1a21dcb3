//! Bytes per item record, by part (a profiling aid for the bounded-memory audit,
//! docs/BOUNDED-MEMORY.md): `cargo run --release --example record_size -- <INPUT>`. Prints the
//! record's inline size and the average heap bytes and length of each of its lists.

use flowaudit::ingest::{self, LoadOptions};
use flowaudit::metrics::items::{self, ItemRecord};
use flowaudit::name::Name;
use flowaudit::timeline::TimelineContext;
use std::mem::size_of;

fn main() -> anyhow::Result<()> {
    let input = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sample-data".into());
    let cfg = flowaudit::config::FileConfig::default();
    let mut loaded = ingest::load(
        &[input.into()],
        &LoadOptions {
            format: None,
            tz: chrono_tz::UTC,
            xes: &cfg.xes,
            tools: None,
            roster: None,
            import: &cfg.import,
            columns: &cfg.columns,
            memory_budget: None,
        },
    )?;
    let (categorizer, _) =
        flowaudit::log_kind::categorize(&mut loaded, Default::default(), &cfg.log);
    let as_of = loaded.max_ts.unwrap_or(0);
    let (df, _) = ingest::prepare(loaded.events, as_of)?;
    let ctx = TimelineContext {
        categorizer,
        as_of,
        ..Default::default()
    };
    let (r, folds) = items::compute_folded(&df, &ctx)?;
    let n = r.len().max(1) as f64;
    let avg = |f: &dyn Fn(&ItemRecord) -> usize| r.iter().map(f).sum::<usize>() as f64 / n;
    println!(
        "{} items; record {} B inline",
        r.len(),
        size_of::<ItemRecord>()
    );
    let lists: [(&str, &dyn Fn(&ItemRecord) -> usize, usize); 3] = [
        ("waiting", &|x| x.waiting.len(), size_of::<(i64, Name)>()),
        ("category_changes", &|x| x.category_changes.len(), 8),
        ("bounces", &|x| x.bounces.len(), 64),
    ];
    for (name, len, each) in lists {
        println!(
            "{name:<18} {:>7.1} B  ({:.2} × {each} B)",
            avg(&|x| len(x) * each),
            avg(len)
        );
    }
    println!("{:<18} {:>7.1} B", "item_id", avg(&|x| x.item_id.len()));
    // The status changes are folded per team (metrics/status_trace.rs), not kept per record.
    let traces: usize = folds.traces.values().map(|t| t.encoded_len()).sum();
    println!("{:<18} {:>7.1} B", "status trace", traces as f64 / n);
    Ok(())
}
