//! Orchestration, and the only place that writes files.
//!
//! `audit`: load inputs → keep events up to `as_of` and sort (polars) → per-item metrics →
//! report model → renderers → every output file written into a temporary folder beside the
//! target, then moved into place, so a failed or killed run never leaves a half-written
//! report.

use crate::config::Config;
use crate::ingest::{self, LoadOptions};
use crate::report::{self, build::BuildInput, build::ItemsCsv, Renderer};
use crate::timeline::TimelineContext;
use crate::warning::WarningKind;
use anyhow::{bail, Context, Result};
use passes::{empty_events, item_pass, partitioned_pass, spill_if_needed, Events};

mod passes;
use std::path::{Path, PathBuf};

/// What an audit produced, for the command line's closing line.
pub struct AuditOutcome {
    /// The report.
    pub report: report::Report,
    /// Where it was written.
    pub out: PathBuf,
    /// Partitions the per-item pass ran in (1: all in memory; more past `--memory-budget`).
    pub partitions: usize,
    /// The memory budget the audit ran under, in bytes (`--memory-budget`, or the default).
    pub budget: u64,
    /// The process's peak resident memory at the end, in bytes (`None` where the system does
    /// not say).
    pub peak: Option<u64>,
}

/// The stages of an audit, in order, as reported to a [`Progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Detecting formats and reading every input.
    ReadingInputs,
    /// Sorting the events and computing every item's metrics.
    ComputingItems,
    /// Aggregating and rendering the charts (the report model).
    RenderingCharts,
    /// Rendering HTML, Markdown, CSV and JSON and writing the folder.
    WritingReport,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 4] = [
        Stage::ReadingInputs,
        Stage::ComputingItems,
        Stage::RenderingCharts,
        Stage::WritingReport,
    ];

    /// What the stage does, for a progress display.
    pub fn label(self) -> &'static str {
        match self {
            Stage::ReadingInputs => "reading inputs",
            Stage::ComputingItems => "computing item metrics",
            Stage::RenderingCharts => "rendering charts",
            Stage::WritingReport => "writing report",
        }
    }
}

/// Told when each stage of an audit starts. The library never prints: the binary passes an
/// implementation that draws a progress bar on a terminal, everything else [`NoProgress`].
pub trait Progress {
    /// `stage` starts (the previous one, if any, is over).
    fn stage(&self, stage: Stage);
    /// The per-item pass runs partition `done` (from 1) of `of` (a bounded-memory audit,
    /// `--memory-budget`; not called when everything fits in memory).
    fn partition(&self, _done: usize, _of: usize) {}
    /// The audit is over (successfully or not).
    fn finish(&self) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _: Stage) {}
}

impl AuditOutcome {
    /// What was written, for the command line's closing line.
    pub fn closing_line(&self) -> String {
        let (c, out) = (&self.report.summary.counts, self.out.display());
        let budget = crate::memory::size_text(self.budget);
        let parts = match (self.partitions, self.peak.filter(|&p| p > self.budget)) {
            (0 | 1, None) => String::new(),
            (n, None) => format!(
                "; items audited in {n} partitions to stay within the memory budget (--memory-budget {budget})"
            ),
            // The budget bounds the events (partitioned past it), not the records the report
            // keeps for every item: say so rather than claim a budget that was not kept.
            (n, Some(peak)) => format!(
                "; peak memory {} went past the memory budget of {budget}{}: the budget bounds the events, and the report keeps a record of every item in memory (docs/BOUNDED-MEMORY.md); the report is complete",
                crate::memory::size_text(peak),
                if n > 1 {
                    format!(" although the events were audited in {n} partitions")
                } else {
                    String::new()
                },
            ),
        };
        format!(
            "wrote {out} ({} items, {} events, {} teams, {} warnings){parts}; open {}",
            c.items,
            c.events,
            c.teams,
            self.report.summary.warnings.len(),
            self.out.join("report.html").display()
        )
    }
}

/// Run an audit and write the report folder.
pub fn audit(cfg: &Config) -> Result<AuditOutcome> {
    audit_with(cfg, &NoProgress)
}

/// [`audit`], telling `progress` as each stage starts.
///
/// The report folder is filled in a temporary folder beside `--out` and moved into place
/// when complete ([`in_place`]): `items.csv` is written into it while the report is built
/// ([`report::build::BuildInput::items_csv`]), the other files after.
pub fn audit_with(cfg: &Config, progress: &dyn Progress) -> Result<AuditOutcome> {
    let result = in_place(&cfg.out, |tmp| {
        let items_csv = |records: &[crate::metrics::items::ItemRecord]| {
            write_file(tmp, Path::new(ITEMS_CSV), &|w| {
                report::csv::Items::write_records(records, w)
            })
        };
        let (report, parts) = compute_parts(cfg, progress, Some(&items_csv))?;
        // The report model's working memory is gone: give it back before rendering.
        crate::memory::release();
        crate::memory::trace("report built");
        progress.stage(Stage::WritingReport);
        write_files(tmp, &report, false)?;
        crate::memory::trace("report written");
        Ok((report, parts))
    });
    progress.finish();
    let (report, partitions) = result?;
    Ok(AuditOutcome {
        report,
        out: cfg.out.clone(),
        partitions,
        budget: cfg
            .memory_budget
            .unwrap_or_else(crate::memory::default_budget),
        peak: crate::memory::peak_bytes(),
    })
}

/// Run an audit and return the report model without writing anything.
pub fn compute(cfg: &Config) -> Result<report::Report> {
    compute_with(cfg, &NoProgress)
}

/// [`compute`], telling `progress` as each stage starts. Several periods (`--quarters`,
/// `--periods`): each is audited exactly as a single-period audit of it, and the last
/// period's report gains the trend section first (METRICS.md §14).
pub fn compute_with(cfg: &Config, progress: &dyn Progress) -> Result<report::Report> {
    compute_parts(cfg, progress, None).map(|(report, _)| report)
}

/// [`compute_with`], and the number of partitions the per-item pass ran in; `items_csv`
/// writes the `items.csv` of the report returned (the last period's).
fn compute_parts(
    cfg: &Config,
    progress: &dyn Progress,
    items_csv: Option<&ItemsCsv>,
) -> Result<(report::Report, usize)> {
    progress.stage(Stage::ReadingInputs);
    crate::memory::trace("start");
    let budget = cfg
        .memory_budget
        .unwrap_or_else(crate::memory::default_budget);
    let mut loaded = ingest::load(
        &cfg.inputs,
        &LoadOptions {
            format: cfg.format,
            tz: cfg.tz,
            xes: &cfg.file.xes,
            tools: cfg.tools.as_deref(),
            roster: cfg.roster.as_deref(),
            import: &cfg.file.import,
            columns: &cfg.file.columns,
            memory_budget: Some(budget),
        },
    )?;
    crate::memory::trace("inputs read");
    // Status categories, then how each input is read: status log or activity log.
    let (categorizer, status_counts) =
        crate::log_kind::categorize(&mut loaded, cfg.statuses.clone(), &cfg.file.log);
    // Past the memory budget, the events go to partitions on disk and the per-item pass runs
    // one partition at a time (the same report, docs/BOUNDED-MEMORY.md).
    let spill = match loaded.spill.take() {
        // Streamed to partitions as it was read: give the reading's memory back.
        Some(s) => {
            crate::memory::release();
            Some(s)
        }
        None => spill_if_needed(budget, &mut loaded)?,
    };
    let parts = spill.as_ref().map_or(1, ingest::spill::Spill::parts);
    let events = |loaded: &mut ingest::Loaded, keep: bool| -> Result<Events> {
        Ok(match &spill {
            Some(s) => Events::Spilled(s),
            None if keep => Events::Table(loaded.events.clone()),
            None => Events::Table(std::mem::replace(&mut loaded.events, empty_events()?)),
        })
    };
    if cfg.periods.is_empty() {
        let events = events(&mut loaded, false)?;
        return audit_period(
            cfg,
            &loaded,
            events,
            &categorizer,
            &status_counts,
            cfg.period,
            progress,
            items_csv,
        )
        .map(|r| (r, parts));
    }
    // Several periods: the inputs are read once; each period is then audited exactly as a
    // single-period audit of it would be (METRICS.md §14).
    let mut reports = Vec::new();
    for (k, (label, from, to)) in cfg.periods.iter().enumerate() {
        let period = Some((*from, *to));
        let last = k + 1 == cfg.periods.len();
        let events = events(&mut loaded, true)?;
        let report = audit_period(
            cfg,
            &loaded,
            events,
            &categorizer,
            &status_counts,
            period,
            progress,
            items_csv.filter(|_| last),
        )
        .with_context(|| format!("auditing the period {label}"))?;
        reports.push(report::trend_section::PeriodReport {
            label: label.clone(),
            report,
        });
    }
    report::trend_section::combine(reports, &cfg.file.trend).map(|r| (r, parts))
}

/// One period's audit (or the whole history without a period) of inputs read once.
#[allow(clippy::too_many_arguments)]
fn audit_period(
    cfg: &Config,
    loaded: &ingest::Loaded,
    events: Events,
    categorizer: &crate::status::Categorizer,
    status_counts: &Option<crate::log_kind::StatusCounts>,
    period: Option<(crate::model::Ts, crate::model::Ts)>,
    progress: &dyn Progress,
    items_csv: Option<&ItemsCsv>,
) -> Result<report::Report> {
    let as_of = cfg
        .as_of
        .or(period.map(|p| p.1))
        .or(loaded.max_ts)
        .context("no event has a timestamp, so there is no instant to audit at; pass --as-of")?;
    progress.stage(Stage::ComputingItems);
    let mut roster: rustc_hash::FxHashMap<String, String> = loaded
        .roster
        .iter()
        .map(|r| (r.person.clone(), r.team.clone()))
        .collect();
    roster.extend(cfg.file.people.clone());
    let ctx = TimelineContext {
        categorizer: categorizer.clone(),
        roster,
        exclude_people: cfg.file.exclude_people.iter().cloned().collect(),
        current_status: loaded.hints.current_status.clone(),
        workflow_order: cfg.file.workflow_order.clone(),
        as_of,
        period,
        end_activities: cfg.file.log.end_activities.clone(),
    };
    let pass = match events {
        Events::Table(t) => {
            let pass = item_pass(t, &ctx)?;
            // The events are gone: give their memory back before the report is built.
            crate::memory::release();
            pass
        }
        Events::Spilled(s) => {
            let items = loaded.inputs.iter().map(|i| i.items as usize).sum();
            partitioned_pass(s, &ctx, items, progress)?
        }
    };
    crate::memory::trace("per-item pass done");
    let (records, status, previous, after) = (pass.records, pass.status, pass.previous, pass.after);
    let mut warnings = loaded.warnings.clone();
    warnings.add(WarningKind::EventAfterAsOf, after, || {
        format!(
            "{after} event(s) after the audit instant {} were ignored",
            crate::time::format_instant(as_of)
        )
    });
    warnings.merge(pass.quality.warnings());
    progress.stage(Stage::RenderingCharts);
    let report = report::build::build(BuildInput {
        records,
        status,
        inputs: loaded.inputs.clone(),
        period,
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
        jira_time_in_status: &loaded.jira_time_in_status,
        jira_status_ids: &cfg.file.import.jira_status_ids,
        status_counts: status_counts.clone(),
        evidence: &cfg.file.evidence,
        business_case: &cfg.file.business_case,
        items_csv,
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

/// Renders one output file into a writer.
type Render<'a> = Box<dyn Fn(&mut dyn std::io::Write) -> Result<()> + Send + Sync + 'a>;

/// One output file to render: its path relative to the report folder, and the job that
/// renders it.
type RenderJob<'a> = (PathBuf, Render<'a>);

/// A job that renders its file's bytes whole, then writes them.
fn whole<'a>(f: impl Fn() -> Result<Vec<u8>> + Send + Sync + 'a) -> Render<'a> {
    Box::new(move |w| Ok(w.write_all(&f()?)?))
}

/// The report's `items.csv`, relative to its folder.
const ITEMS_CSV: &str = "items.csv";

/// Every output file of a report, as jobs that render independently; `items.csv` (one row
/// per item: the largest file) is written as it is rendered, and left out when `items` is
/// false (written while the report was built).
fn render_jobs(r: &report::Report, items: bool) -> Vec<RenderJob<'_>> {
    let mut jobs: Vec<RenderJob> = vec![
        (
            "summary.json".into(),
            whole(|| report::json::Json.render(r)),
        ),
        ("report.html".into(), whole(|| report::html::Html.render(r))),
        (
            "report.md".into(),
            whole(|| report::markdown::Markdown.render(r)),
        ),
    ];
    if items {
        jobs.push((
            ITEMS_CSV.into(),
            Box::new(|w| report::csv::Items.write_to(r, w)),
        ));
    }
    for t in &r.tables {
        jobs.push((
            Path::new("tables").join(format!("{}.csv", t.name.name())),
            whole(move || report::csv::table(t)),
        ));
    }
    for t in &r.run_tables {
        jobs.push((
            Path::new("tables").join(format!("{}.csv", t.name.name())),
            Box::new(move |w| report::csv::run_table(t, w)),
        ));
    }
    for t in &r.week_tables {
        jobs.push((
            Path::new("tables").join(format!("{}.csv", t.name.name())),
            Box::new(move |w| report::csv::week_table(t, w)),
        ));
    }
    for c in &r.charts {
        jobs.push((
            Path::new("charts").join(format!("{}.svg", c.name)),
            Box::new(move |w| Ok(w.write_all(c.svg.as_bytes())?)),
        ));
        jobs.push((
            Path::new("charts").join(format!("{}.png", c.name)),
            Box::new(move |w| Ok(w.write_all(&c.png)?)),
        ));
    }
    jobs
}

/// Every output file of a report: (relative path, bytes), rendered in parallel, in the
/// order of [`render_jobs`] (a profiling aid: `examples/stages.rs`; the audit writes each
/// file as it is rendered, [`write_report`]).
pub fn render_all(r: &report::Report) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    use rayon::prelude::*;
    render_jobs(r, true)
        .into_par_iter()
        .map(|(path, job)| {
            let mut bytes = Vec::new();
            job(&mut bytes)?;
            Ok((path, bytes))
        })
        .collect()
}

/// Write a report folder atomically: into `<out>.tmp-<pid>` beside the target, then swap.
/// Each file is written as soon as it is rendered, in parallel, and its bytes dropped
/// (`items.csv` as it is rendered): the report's files are never all in memory at once.
pub fn write_report(r: &report::Report, out: &Path) -> Result<()> {
    in_place(out, |tmp| write_files(tmp, r, true))
}

/// Write the report's files into the folder `tmp`, rendered in parallel; `items.csv` only
/// when `items` ([`render_jobs`]).
fn write_files(tmp: &Path, r: &report::Report, items: bool) -> Result<()> {
    use rayon::prelude::*;
    let jobs = render_jobs(r, items);
    make_dirs(tmp, jobs.iter().map(|(p, _)| p.as_path()))?;
    jobs.into_par_iter()
        .try_for_each(|(rel, job)| write_file(tmp, &rel, &job))
}

/// Write the file `rel` under the folder `dir` with `job`.
fn write_file(
    dir: &Path,
    rel: &Path,
    job: &(dyn Fn(&mut dyn std::io::Write) -> Result<()> + Sync),
) -> Result<()> {
    let p = dir.join(rel);
    let file = std::fs::File::create(&p).with_context(|| format!("writing {}", p.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
    job(&mut w)
        .and_then(|()| Ok(std::io::Write::flush(&mut w)?))
        .with_context(|| format!("writing {}", p.display()))
}

/// Write files into a fresh temporary folder beside `out` and move it into place. The
/// previous folder is moved aside first and removed only after the new one is in place.
pub fn write_atomically(out: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    in_place(out, |tmp| {
        make_dirs(tmp, files.iter().map(|(p, _)| p.as_path()))?;
        for (rel, bytes) in files {
            let p = tmp.join(rel);
            std::fs::write(&p, bytes).with_context(|| format!("writing {}", p.display()))?;
        }
        Ok(())
    })
}

/// The folders under `tmp` that the files at `rels` go in, each created once.
fn make_dirs<'a>(tmp: &Path, rels: impl Iterator<Item = &'a Path>) -> Result<()> {
    let dirs: std::collections::BTreeSet<PathBuf> = rels
        .filter_map(|r| tmp.join(r).parent().map(Path::to_path_buf))
        .collect();
    for d in dirs {
        std::fs::create_dir_all(&d).with_context(|| format!("creating {}", d.display()))?;
    }
    Ok(())
}

/// Fill a fresh temporary folder beside `out` with `fill`, then move it into place; the
/// previous folder is moved aside first and removed only after the new one is in place. On
/// failure the temporary folder is removed and `out` is left as it was.
fn in_place<T>(out: &Path, fill: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "reports".into());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    check_out(out, &parent)?;
    // The nearest folder above `out` that exists: those made below it are removed again if
    // the audit fails (the folder is filled while the audit runs).
    let existing = parent
        .ancestors()
        .find(|a| a.is_dir())
        .map(Path::to_path_buf);
    std::fs::create_dir_all(&parent).with_context(|| {
        format!(
            "--out {}: cannot create the folder {} it goes in; choose an --out in a writable folder",
            out.display(),
            parent.display()
        )
    })?;
    clean_stale(&parent, &name, out);
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| -> Result<T> {
        std::fs::create_dir_all(&tmp).with_context(|| {
            format!(
                "cannot create {}: is the output folder writable?",
                tmp.display()
            )
        })?;
        let filled = fill(&tmp)?;
        if out.exists() {
            std::fs::rename(out, &old)
                .with_context(|| format!("moving the previous report {} aside", out.display()))?;
        }
        if let Err(e) = std::fs::rename(&tmp, out) {
            let _ = std::fs::rename(&old, out);
            return Err(e).with_context(|| format!("moving the new report into {}", out.display()));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(filled)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
        for made in parent.ancestors() {
            if Some(made) == existing.as_deref() {
                break;
            }
            // Only an empty folder is removed.
            let _ = std::fs::remove_dir(made);
        }
    }
    result
}

/// Refuse an `--out` that cannot or must not be replaced, before any work: a path under a
/// regular file, a regular file, or a folder that holds other things and no previous report
/// (`summary.json`) — the whole folder is replaced, so a mistyped `--out ~/Documents` must not
/// be swallowed.
fn check_out(out: &Path, parent: &Path) -> Result<()> {
    for a in parent.ancestors() {
        if let Ok(m) = std::fs::metadata(a) {
            if !m.is_dir() {
                bail!(
                    "--out {}: {} is a file, not a folder; choose an --out folder whose parent is a folder",
                    out.display(),
                    a.display()
                );
            }
            break;
        }
    }
    if let Ok(m) = std::fs::symlink_metadata(out) {
        let is_dir = m.is_dir() || std::fs::metadata(out).is_ok_and(|m| m.is_dir());
        if !is_dir {
            bail!(
                "--out {} is a file, not a folder; choose a folder (it is created if missing)",
                out.display()
            );
        }
        let mut entries = std::fs::read_dir(out)
            .with_context(|| format!("--out {}: cannot read the folder", out.display()))?;
        let empty = entries.next().is_none();
        if !empty && !out.join("summary.json").is_file() {
            bail!(
                "--out {} already holds files that are not a flowaudit report (no summary.json); the report replaces the whole folder, so choose a new or empty folder",
                out.display()
            );
        }
    }
    Ok(())
}

/// Remove `.<name>.tmp-<pid>` and `.<name>.old-<pid>` siblings left by killed runs: those
/// whose process is gone (Linux: no `/proc/<pid>`; elsewhere: older than an hour). If the
/// run was killed between its two renames, the target is missing and its `.old-` folder
/// holds the previous report: it is moved back first.
fn clean_stale(parent: &Path, name: &str, out: &Path) {
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    let me = std::process::id();
    let proc_fs = Path::new("/proc/self").exists();
    let mut stale: Vec<(bool, PathBuf)> = Vec::new();
    for e in rd.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let (is_old, pid) = match (rest.strip_prefix("tmp-"), rest.strip_prefix("old-")) {
            (Some(p), _) => (false, p),
            (_, Some(p)) => (true, p),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let gone = if pid == me {
            false
        } else if proc_fs {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600)
        };
        if gone {
            stale.push((is_old, e.path()));
        }
    }
    stale.sort();
    for (is_old, p) in stale {
        if is_old && !out.exists() && std::fs::rename(&p, out).is_ok() {
            continue;
        }
        let _ = std::fs::remove_dir_all(&p);
    }
}

/// `flowaudit generate`: write events.csv (or the export of `--as`), tools.csv and roster.csv
/// into `out`.
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
    let summary = match opts.export {
        None => {
            let mut w = open("events.csv")?;
            let summary =
                crate::generate::write_events(opts, &mut w).context("writing events.csv")?;
            w.flush().context("writing events.csv")?;
            summary
        }
        Some(f) => {
            let mut csv = Vec::new();
            let summary =
                crate::generate::write_events(opts, &mut csv).context("generating events")?;
            let name = f.file_name();
            let mut w = open(name)?;
            crate::generate::export::write(&csv, f, &mut w)
                .and_then(|()| w.flush())
                .with_context(|| format!("writing {name}"))?;
            summary
        }
    };
    let mut w = open("tools.csv")?;
    crate::generate::write_inventory(opts, &mut w).context("writing tools.csv")?;
    w.flush().context("writing tools.csv")?;
    let mut w = open("roster.csv")?;
    crate::generate::write_roster(opts, &mut w).context("writing roster.csv")?;
    w.flush().context("writing roster.csv")?;
    Ok(summary)
}

/// `flowaudit compare`: two saved report folders compared, written atomically to `out`.
pub fn compare(old: &Path, new: &Path, out: &Path) -> Result<()> {
    let c = crate::compare::compare(&crate::compare::read(old)?, &crate::compare::read(new)?)?;
    write_atomically(out, &crate::compare::render(&c)?)
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

/// `flowaudit init`: scan the inputs and return the config text (nothing is written).
pub fn init_config(opts: &crate::init::InitOptions) -> Result<String> {
    let defaults = crate::config::FileConfig::default();
    let mut loaded = ingest::load(
        &opts.inputs,
        &LoadOptions {
            format: opts.format,
            tz: opts.tz,
            xes: &defaults.xes,
            tools: None,
            roster: None,
            import: &defaults.import,
            columns: &defaults.columns,
            memory_budget: None,
        },
    )?;
    // Which inputs are activity logs, as an audit without a config would read them.
    crate::log_kind::categorize(&mut loaded, Default::default(), &defaults.log);
    let scan = crate::init::scan(loaded).context("listing the statuses")?;
    Ok(crate::init::render(&scan, &opts.inputs, &opts.out, opts.tz))
}

/// `flowaudit init`: scan the inputs and write the config file (never over an existing one
/// unless `--force`). Returns the closing line for the user.
pub fn init(opts: &crate::init::InitOptions) -> Result<String> {
    write_new_file(&opts.out, init_config(opts)?.as_bytes(), opts.force)?;
    let out = opts.out.display();
    Ok(format!(
        "wrote {out}; review the status mapping in it, then run `flowaudit audit … --config {out}`"
    ))
}

/// Write a new file; an existing one is kept unless `force`.
pub fn write_new_file(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    use std::io::Write;
    let mut open = std::fs::OpenOptions::new();
    open.write(true);
    if force {
        open.create(true).truncate(true);
    } else {
        open.create_new(true);
    }
    let mut f = open.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists; pass --force to overwrite it, or --out to write another file",
                path.display()
            )
        } else {
            anyhow::Error::new(e).context(format!("creating {}", path.display()))
        }
    })?;
    f.write_all(bytes)
        .and_then(|()| f.flush())
        .with_context(|| format!("writing {}", path.display()))
}

/// `flowaudit formats`: one line per format, its name (also the `--format` value) and what it
/// is.
pub fn formats_text() -> String {
    let mut s = String::new();
    for (f, about) in ingest::Format::ALL {
        s.push_str(&format!("{:<13} {about}\n", f.name()));
    }
    s.push_str(
        "\nEach file's format is detected from its content; force one with --format NAME.\n",
    );
    s
}
