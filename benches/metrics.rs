//! Criterion benchmarks of the hot paths on a seeded synthetic organisation (10^5 events):
//! timestamp parsing and formatting, number formatting, status categorisation, coding a
//! column, load and order, and the per-item pass (timelines and every item metric). The end-to-end comparison with the polars floor and pm4py
//! is `scripts/bench.sh`.
//!
//! `cargo bench --bench metrics`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use flowaudit::generate::{write_events, GenerateOptions};
use flowaudit::ingest::{self, LoadOptions};
use flowaudit::metrics::items;
use flowaudit::status::{pattern_category, Categorizer};
use flowaudit::timeline::TimelineContext;

fn sample() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("events.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    write_events(&GenerateOptions::for_events(100_000, 7), &mut f).expect("generate");
    drop(f);
    (dir, path)
}

fn benches(c: &mut Criterion) {
    c.bench_function("parse_instant", |b| {
        b.iter(|| {
            flowaudit::time::parse_instant(
                black_box("2024-03-01T09:30:00.123+01:00"),
                chrono_tz::UTC,
            )
        })
    });
    c.bench_function("format_instant", |b| {
        let mut out = String::new();
        b.iter(|| {
            out.clear();
            flowaudit::time::format_instant_into(&mut out, black_box(1_709_285_400_123_000));
        })
    });
    c.bench_function("format_number", |b| {
        let mut out = String::new();
        b.iter(|| {
            out.clear();
            flowaudit::report::text::num_into(&mut out, black_box(12.345_678_9));
        })
    });
    c.bench_function("pattern_category", |b| {
        b.iter(|| pattern_category(black_box("Waiting for Review"), false))
    });
    let (_dir, path) = sample();
    let cfg = flowaudit::config::FileConfig::default();
    let opts = LoadOptions {
        format: None,
        tz: chrono_tz::UTC,
        xes: &cfg.xes,
        tools: None,
        roster: None,
        import: &cfg.import,
        columns: &cfg.columns,
        memory_budget: None,
    };
    c.bench_function("load_and_sort_100k_events", |b| {
        b.iter(|| {
            let l = ingest::load(&[path.clone()], &opts).expect("load");
            let as_of = l.max_ts.unwrap_or(0);
            ingest::prepare(l.events, as_of).expect("prepare")
        })
    });
    let l = ingest::load(&[path.clone()], &opts).expect("load");
    let as_of = l.max_ts.unwrap_or(0);
    let status = l.events.to_frame().expect("frame");
    let status = status
        .column("status")
        .expect("status")
        .as_materialized_series()
        .str()
        .expect("text")
        .clone();
    c.bench_function("code_status_column_100k", |b| {
        b.iter(|| ingest::Coded::from_text(black_box(&status)))
    });
    let (df, _) = ingest::prepare(l.events, as_of).expect("prepare");
    let mut cat = Categorizer::default();
    cat.prepare(
        ingest::distinct_statuses(&df)
            .expect("statuses")
            .iter()
            .map(String::as_str),
    );
    let ctx = TimelineContext {
        categorizer: cat,
        as_of,
        ..Default::default()
    };
    c.bench_function("item_metrics_100k_events", |b| {
        b.iter(|| items::compute(black_box(&df), &ctx).expect("items"))
    });
}

criterion_group! {
    name = group;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(group);
