//! Orchestration, and the only place that writes files.
//!
//! `audit`: load inputs → keep events up to `as_of` and sort (polars) → per-item metrics →
//! report model → renderers → every output file written into a temporary folder beside the
//! target, then moved into place, so a failed or killed run never leaves a half-written
//! report.

use crate::config::Config;
use crate::ingest::{self, LoadOptions};
use crate::metrics::items;
use crate::report::{self, build::BuildInput, Renderer};
use crate::status::Categorizer;
use crate::timeline::TimelineContext;
use crate::warning::WarningKind;
use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What an audit produced, for the command line's closing line.
pub struct AuditOutcome {
    /// The report.
    pub report: report::Report,
    /// Where it was written.
    pub out: PathBuf,
}

/// Run an audit and write the report folder.
pub fn audit(cfg: &Config) -> Result<AuditOutcome> {
    let report = compute(cfg)?;
    write_report(&report, &cfg.out)?;
    Ok(AuditOutcome {
        report,
        out: cfg.out.clone(),
    })
}

/// Run an audit and return the report model without writing anything.
pub fn compute(cfg: &Config) -> Result<report::Report> {
    let loaded = ingest::load(
        &cfg.inputs,
        &LoadOptions {
            format: cfg.format.map(Into::into),
            tz: cfg.tz,
            xes: &cfg.file.xes,
            tools: cfg.tools.as_deref(),
            roster: cfg.roster.as_deref(),
            import: &cfg.file.import,
        },
    )?;
    let as_of = cfg
        .as_of
        .or(cfg.period.map(|p| p.1))
        .or(loaded.max_ts)
        .context("no event has a timestamp, so there is no instant to audit at; pass --as-of")?;
    let (df, after) = ingest::prepare(loaded.events, as_of).context("sorting the events")?;
    let mut warnings = loaded.warnings;
    warnings.add(WarningKind::EventAfterAsOf, after, || {
        format!(
            "{after} event(s) after the audit instant {} were ignored",
            crate::time::format_instant(as_of)
        )
    });
    let mut roster: HashMap<String, String> = loaded
        .roster
        .iter()
        .map(|r| (r.person.clone(), r.team.clone()))
        .collect();
    roster.extend(cfg.file.people.clone());
    let mut categorizer = Categorizer::new(
        cfg.statuses.clone(),
        loaded.hints.composite_statuses,
        loaded.hints.source_categories,
    );
    let statuses = ingest::distinct_statuses(&df).context("listing the statuses")?;
    categorizer.prepare(statuses.iter().map(String::as_str));
    categorizer.prepare(loaded.hints.current_status.values().map(String::as_str));
    let ctx = TimelineContext {
        categorizer,
        roster,
        exclude_people: cfg.file.exclude_people.iter().cloned().collect(),
        current_status: loaded.hints.current_status,
        workflow_order: cfg.file.workflow_order.clone(),
        as_of,
        period: cfg.period,
    };
    let records = items::compute(&df, &ctx).context("computing item metrics")?;
    // The previous period of equal length, audited as of its own end (METRICS.md §5).
    let previous = match cfg.period {
        Some((from, to)) => {
            let prev_df = ingest::until(&df, from).context("selecting the previous period")?;
            let pctx = TimelineContext {
                as_of: from,
                period: Some((from - (to - from), from)),
                ..ctx.clone()
            };
            Some(items::compute(&prev_df, &pctx).context("computing the previous period")?)
        }
        None => None,
    };
    drop(df);
    let report = report::build::build(BuildInput {
        records,
        inputs: loaded.inputs,
        period: cfg.period,
        as_of,
        tz: cfg.tz,
        tools: &loaded.tools,
        warnings,
        previous,
        forecast: &cfg.file.forecast,
        roster: &loaded.roster,
        signals: &cfg.file.signals,
        verdict: &cfg.file.verdict,
        blockers: &cfg.file.blockers,
    })?;
    if cfg.strict {
        if let Some(w) = report.summary.warnings.first() {
            bail!(
                "--strict: data-quality warning {} ({} occurrences): {}",
                w.kind.id(),
                w.count,
                w.message
            );
        }
    }
    Ok(report)
}

/// Every output file of a report: (relative path, bytes).
pub fn render_all(r: &report::Report) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = vec![
        (PathBuf::from("summary.json"), report::json::Json.render(r)?),
        (PathBuf::from("items.csv"), report::csv::Items.render(r)?),
        (PathBuf::from("report.html"), report::html::Html.render(r)?),
        (
            PathBuf::from("report.md"),
            report::markdown::Markdown.render(r)?,
        ),
    ];
    for t in &r.tables {
        files.push((
            Path::new("tables").join(format!("{}.csv", t.name)),
            report::csv::table(t)?,
        ));
    }
    for c in &r.charts {
        files.push((
            Path::new("charts").join(format!("{}.svg", c.name)),
            c.svg.clone().into_bytes(),
        ));
        files.push((
            Path::new("charts").join(format!("{}.png", c.name)),
            c.png.clone(),
        ));
    }
    Ok(files)
}

/// Write a report folder atomically: into `<out>.tmp-<pid>` beside the target, then swap.
pub fn write_report(r: &report::Report, out: &Path) -> Result<()> {
    let files = render_all(r)?;
    write_atomically(out, &files)
}

/// Write files into a fresh temporary folder beside `out` and move it into place. The
/// previous folder is moved aside first and removed only after the new one is in place.
pub fn write_atomically(out: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "reports".into());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("creating the output's parent folder {}", parent.display()))?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| -> Result<()> {
        std::fs::create_dir_all(&tmp).with_context(|| {
            format!(
                "cannot create {}: is the output folder writable?",
                tmp.display()
            )
        })?;
        for (rel, bytes) in files {
            let p = tmp.join(rel);
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
            }
            std::fs::write(&p, bytes).with_context(|| format!("writing {}", p.display()))?;
        }
        if out.exists() {
            std::fs::rename(out, &old)
                .with_context(|| format!("moving the previous report {} aside", out.display()))?;
        }
        if let Err(e) = std::fs::rename(&tmp, out) {
            let _ = std::fs::rename(&old, out);
            return Err(e).with_context(|| format!("moving the new report into {}", out.display()));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// `flowaudit generate`: write events.csv, tools.csv and roster.csv into `out`.
pub fn generate(
    opts: &crate::generate::GenerateOptions,
    out: &Path,
) -> Result<crate::generate::GenerateSummary> {
    use std::io::{BufWriter, Write};
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let open = |name: &str| -> Result<BufWriter<std::fs::File>> {
        let p = out.join(name);
        Ok(BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(&p).with_context(|| format!("creating {}", p.display()))?,
        ))
    };
    let mut w = open("events.csv")?;
    let summary = crate::generate::write_events(opts, &mut w).context("writing events.csv")?;
    w.flush().context("writing events.csv")?;
    let mut w = open("tools.csv")?;
    crate::generate::write_inventory(opts, &mut w).context("writing tools.csv")?;
    w.flush().context("writing tools.csv")?;
    let mut w = open("roster.csv")?;
    crate::generate::write_roster(opts, &mut w).context("writing roster.csv")?;
    w.flush().context("writing roster.csv")?;
    Ok(summary)
}

/// The status mapping as a text table (`--explain-statuses`).
pub fn explain_statuses(r: &report::Report) -> String {
    let mut s = String::from("status\tteam\tcategory\trule\titems\n");
    for row in &r.status_map {
        s.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            row.status,
            row.team,
            row.category.name(),
            row.rule.id(),
            row.items
        ));
    }
    s
}
