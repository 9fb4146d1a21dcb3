//! Times each stage of an audit on one input (a profiling aid; `cargo run --release
//! --example stages -- <INPUT>`). Prints stage timings on stderr; writes nothing.

use flowaudit::ingest::{self, LoadOptions};
use flowaudit::metrics::items;
use flowaudit::report::{self, build::BuildInput};
use flowaudit::timeline::TimelineContext;
use std::time::Instant;

// The binary's allocator, so that the timings match `flowaudit audit`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Resident and peak resident memory of this process (Linux; empty elsewhere).
fn memory() -> String {
    let field = |name: &str| {
        flowaudit::memory::process_status_kib(name).map_or(String::new(), |kb| {
            format!("{} {} MB", &name[2..name.len() - 1], kb / 1024)
        })
    };
    // CPU seconds so far (user, system), from /proc/self/stat (clock ticks of 1/100 s).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let f: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 100.0;
    format!(
        "{}  {}  cpu user {:.1} s sys {:.1} s",
        field("VmRSS:"),
        field("VmHWM:"),
        tick(11),
        tick(12)
    )
}

fn main() -> anyhow::Result<()> {
    let input = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sample-data".into());
    let cfg = flowaudit::config::FileConfig::default();
    let t = Instant::now();
    let lap = |what: &str, t: &mut Instant| {
        eprintln!(
            "{what:<24} {:>8.3} s   {}",
            t.elapsed().as_secs_f64(),
            memory()
        );
        *t = Instant::now();
    };
    let mut t0 = t;
    let loaded = ingest::load(
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
    let mut loaded = loaded;
    lap("load", &mut t0);
    let (categorizer, status_counts) =
        flowaudit::log_kind::categorize(&mut loaded, Default::default(), &cfg.log);
    lap("statuses and log kinds", &mut t0);
    let as_of = loaded.max_ts.unwrap_or(0);
    let (df, _) = ingest::prepare(loaded.events, as_of)?;
    lap("prepare (filter, sort)", &mut t0);
    let ctx = TimelineContext {
        categorizer,
        as_of,
        ..Default::default()
    };
    let (records, status) = items::compute_folded(&df, &ctx)?;
    lap("item metrics", &mut t0);
    drop(df);
    lap("drop frame", &mut t0);
    let r = report::build::build(BuildInput {
        records,
        status,
        inputs: loaded.inputs,
        period: None,
        as_of,
        tz: chrono_tz::UTC,
        tools: &loaded.tools,
        warnings: loaded.warnings,
        previous: None,
        forecast: &cfg.forecast,
        roster: &loaded.roster,
        signals: &cfg.signals,
        verdict: &cfg.verdict,
        blockers: &cfg.blockers,
        jira_time_in_status: &loaded.jira_time_in_status,
        jira_status_ids: &cfg.import.jira_status_ids,
        status_counts,
        evidence: &cfg.evidence,
        business_case: &cfg.business_case,
        items_csv: None,
    })?;
    lap("report model + charts", &mut t0);
    let files = flowaudit::app::render_all(&r)?;
    lap("render", &mut t0);
    eprintln!(
        "{} files, total {:.3} s",
        files.len(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
