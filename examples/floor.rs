//! The performance floor of issue 8: what polars needs merely to scan an events CSV, parse
//! its timestamps and sort it by item and time — nothing else. `scripts/bench.sh` runs it
//! beside a full `flowaudit audit` of the same file and reports the ratio.
//!
//! `cargo run --release --example floor -- events.csv`

use polars::prelude::*;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sample-data/events.csv".into());
    let t = Instant::now();
    let df = LazyCsvReader::new(PlRefPath::try_from_path(std::path::Path::new(&path))?)
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .finish()?
        .select([col("item_id"), col("timestamp")])
        .collect()?;
    let ts: Int64Chunked = df
        .column("timestamp")?
        .as_materialized_series()
        .str()?
        .iter()
        .map(|v| {
            v.and_then(|s| {
                flowaudit::time::parse_instant(s, chrono_tz::UTC)
                    .ok()
                    .map(|x| x.0)
            })
        })
        .collect();
    let df = DataFrame::new(
        df.height(),
        vec![
            df.column("item_id")?.clone(),
            ts.with_name("ts".into()).into_column(),
        ],
    )?;
    let sorted = df
        .lazy()
        .sort(
            ["item_id", "ts"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    eprintln!(
        "floor: {} rows in {:.3} s",
        sorted.height(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
