use flowaudit::ingest::{self, LoadOptions};
use flowaudit::metrics::items::{self, ItemRecord, StatusSpan};
use flowaudit::timeline::TimelineContext;
fn main() -> anyhow::Result<()> {
    let input = std::env::args().nth(1).unwrap();
    let cfg = flowaudit::config::FileConfig::default();
    let mut loaded = ingest::load(&[input.into()], &LoadOptions { format: None, tz: chrono_tz::UTC, xes: &cfg.xes, tools: None, roster: None, import: &cfg.import, columns: &cfg.columns })?;
    let (categorizer, _) = flowaudit::log_kind::categorize(&mut loaded, Default::default(), &cfg.log);
    let as_of = loaded.max_ts.unwrap_or(0);
    let (df, _) = ingest::prepare(loaded.events, as_of)?;
    let ctx = TimelineContext { categorizer, as_of, ..Default::default() };
    let r = items::compute(&df, &ctx)?;
    let n = r.len() as f64;
    let sz = |f: &dyn Fn(&ItemRecord) -> usize| r.iter().map(f).sum::<usize>() as f64 / n;
    println!("items {} struct {} span {}", r.len(), std::mem::size_of::<ItemRecord>(), std::mem::size_of::<StatusSpan>());
    println!("status_time {:.1} x{:.2}", sz(&|x| x.status_time.len()*std::mem::size_of::<StatusSpan>()), sz(&|x| x.status_time.len()));
    println!("category_changes {:.1} x{:.2}", sz(&|x| x.category_changes.len()*16), sz(&|x| x.category_changes.len()));
    println!("status_changes {:.1} x{:.2}", sz(&|x| x.status_changes.len()*16), sz(&|x| x.status_changes.len()));
    println!("team_seq {:.1} x{:.2}", sz(&|x| x.team_seq.len()*16), sz(&|x| x.team_seq.len()));
    println!("assignee_seq {:.1} x{:.2}", sz(&|x| x.assignee_seq.len()*8), sz(&|x| x.assignee_seq.len()));
    println!("sources {:.1} x{:.2}", sz(&|x| x.sources.len()*8), sz(&|x| x.sources.len()));
    println!("item_id {:.1}", sz(&|x| x.item_id.len()));
    println!("listed {:.3}", r.iter().filter(|x| x.listed()).count() as f64 / n);
    Ok(())
}
