use flowaudit::ingest::{self, LoadOptions};
use flowaudit::metrics::items::{self, ItemRecord, StatusSpan};
use flowaudit::status::Categorizer;
use flowaudit::timeline::TimelineContext;
fn main() -> anyhow::Result<()> {
    let input = std::env::args().nth(1).unwrap();
    let cfg = flowaudit::config::FileConfig::default();
    let loaded = ingest::load(&[input.into()], &LoadOptions { format: None, tz: chrono_tz::UTC, xes: &cfg.xes, tools: None, roster: None, import: &cfg.import })?;
    let as_of = loaded.max_ts.unwrap_or(0);
    let (df, _) = ingest::prepare(loaded.events, as_of)?;
    let mut categorizer = Categorizer::new(Default::default(), loaded.hints.composite_statuses, loaded.hints.source_categories);
    let statuses = ingest::distinct_statuses(&df)?;
    categorizer.prepare(statuses.iter().map(String::as_str));
    let ctx = TimelineContext { categorizer, as_of, ..Default::default() };
    let records = items::compute(&df, &ctx)?;
    let n = records.len() as f64;
    println!("sizeof ItemRecord {} StatusSpan {}", std::mem::size_of::<ItemRecord>(), std::mem::size_of::<StatusSpan>());
    let avg = |f: &dyn Fn(&ItemRecord) -> usize| records.iter().map(|r| f(r)).sum::<usize>() as f64 / n;
    println!("status_time len {:.2} cap {:.2}", avg(&|r| r.status_time.len()), avg(&|r| r.status_time.capacity()));
    println!("category_changes len {:.2} cap {:.2}", avg(&|r| r.category_changes.len()), avg(&|r| r.category_changes.capacity()));
    println!("status_changes len {:.2} cap {:.2}", avg(&|r| r.status_changes.len()), avg(&|r| r.status_changes.capacity()));
    println!("team_seq len {:.2} cap {:.2}", avg(&|r| r.team_seq.len()), avg(&|r| r.team_seq.capacity()));
    println!("assignee_seq len {:.2} cap {:.2}", avg(&|r| r.assignee_seq.len()), avg(&|r| r.assignee_seq.capacity()));
    println!("sources len {:.2} cap {:.2}", avg(&|r| r.sources.len()), avg(&|r| r.sources.capacity()));
    println!("item_id len {:.2}", avg(&|r| r.item_id.capacity()));
    Ok(())
}
