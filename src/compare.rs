//! `flowaudit compare OLD NEW`: this quarter's audit against one presented before, when the
//! old exports are gone (issue 18). Reads each folder's `summary.json` (schema versions must
//! match) and, as every audit writes them beside it, `tables/blockers.csv` and
//! `tables/tools.csv`; writes a comparison report (HTML, Markdown, CSV).
//!
//! Decisions:
//! - Figures: the headline and per-team figures old → new with their change; a saved summary
//!   holds figures, not items, so there is **no interval (figures only)**: a change is shown,
//!   never called real (run `audit --quarters` on the exports for that).
//! - Signals per team: appeared, cleared. Teams: appeared, vanished.
//! - Blockers, keyed by (kind, scope): appeared, cleared, grew or shrank (impact changed by
//!   more than 10 %), else about the same.
//! - Tools, keyed by (team, tool): added, removed; the annual tool cost old → new.
//! - Verdict old → new, with the verdict inputs that moved (share of teams needing support,
//!   organisation signals, the teams needing support, each numeric input).

use crate::report::text;
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One saved report folder.
pub struct Saved {
    /// The folder.
    pub dir: PathBuf,
    /// `summary.json`.
    pub summary: Value,
    /// `tables/blockers.csv` rows (kind, scope) → (impact, unit); None without the file.
    pub blockers: Option<BTreeMap<(String, String), (f64, String)>>,
    /// `tables/tools.csv` (team, tool) pairs; None without the file.
    pub tools: Option<BTreeSet<(String, String)>>,
}

/// Read a saved report folder.
pub fn read(dir: &Path) -> Result<Saved> {
    let path = dir.join("summary.json");
    let bytes = std::fs::read(&path).with_context(|| {
        format!(
            "{}: cannot read it; give a folder written by `flowaudit audit --out`",
            path.display()
        )
    })?;
    let summary: Value = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{}: not valid JSON; give the summary.json flowaudit wrote",
            path.display()
        )
    })?;
    if !summary.get("schema_version").is_some_and(Value::is_u64) {
        bail!(
            "{}: no schema_version: not a flowaudit summary.json",
            path.display()
        );
    }
    let csv_rows = |name: &str| -> Result<Option<Vec<BTreeMap<String, String>>>> {
        let p = dir.join("tables").join(name);
        if !p.exists() {
            return Ok(None);
        }
        let mut r = csv::Reader::from_path(&p)
            .with_context(|| format!("{}: cannot read it", p.display()))?;
        let head: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
        let mut out = Vec::new();
        for rec in r.records() {
            let rec = rec.with_context(|| format!("{}: not a valid CSV row", p.display()))?;
            out.push(
                head.iter()
                    .cloned()
                    .zip(rec.iter().map(str::to_string))
                    .collect(),
            );
        }
        Ok(Some(out))
    };
    let blockers = csv_rows("blockers.csv")?.map(|rows| {
        rows.into_iter()
            .map(|r| {
                let impact = r.get("impact").and_then(|v| v.parse().ok()).unwrap_or(0.0);
                let key = (
                    r.get("kind").cloned().unwrap_or_default(),
                    r.get("scope").cloned().unwrap_or_default(),
                );
                (key, (impact, r.get("unit").cloned().unwrap_or_default()))
            })
            .collect()
    });
    let tools = csv_rows("tools.csv")?.map(|rows| {
        rows.into_iter()
            .map(|r| {
                (
                    r.get("team").cloned().unwrap_or_default(),
                    r.get("tool").cloned().unwrap_or_default(),
                )
            })
            .collect()
    });
    Ok(Saved {
        dir: dir.to_path_buf(),
        summary,
        blockers,
        tools,
    })
}

/// The figures compared: (label, JSON pointer in `summary.json`, pointer in a team entry).
const FIGURES: [(&str, &str, &str); 10] = [
    ("Items in scope", "/counts/items", "/items"),
    ("Items done", "/counts/done", "/done"),
    (
        "Lead time, median (days)",
        "/lead_time_days/p50",
        "/lead_time_days/p50",
    ),
    (
        "Lead time, 85th percentile (days)",
        "/lead_time_days/p85",
        "/lead_time_days/p85",
    ),
    (
        "Cycle time, median (days)",
        "/cycle_time_days/p50",
        "/cycle_time_days/p50",
    ),
    (
        "Cycle time, 85th percentile (days)",
        "/cycle_time_days/p85",
        "/cycle_time_days/p85",
    ),
    ("Flow efficiency", "/flow_efficiency", "/flow_efficiency"),
    (
        "Throughput (items per week)",
        "/throughput_per_week/mean",
        "",
    ),
    (
        "Team handoffs per item",
        "/handoffs/per_item",
        "/handoffs_per_item",
    ),
    ("Reopen rate", "/reopen_rate", "/reopen_rate"),
];

/// What changed between two saved audits.
pub struct Comparison {
    /// (scope, figure, old, new, change).
    pub figures: Vec<(String, String, Option<f64>, Option<f64>, Option<f64>)>,
    /// Lines about teams, signals, blockers, tools and the verdict, by heading.
    pub notes: Vec<(&'static str, Vec<String>)>,
    /// (old period, new period).
    pub periods: (String, String),
}

fn period(s: &Value) -> String {
    let p = &s["period"];
    match (p["from"].as_str(), p["to"].as_str()) {
        (Some(f), Some(t)) => format!("{f} to {t}"),
        _ => format!("up to {}", p["as_of"].as_str().unwrap_or("?")),
    }
}

fn teams(s: &Value) -> BTreeMap<String, &Value> {
    s["teams"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| Some((t["team"].as_str()?.to_string(), t)))
                .collect()
        })
        .unwrap_or_default()
}

/// Compare two saved audits.
pub fn compare(old: &Saved, new: &Saved) -> Result<Comparison> {
    let (vo, vn) = (
        &old.summary["schema_version"],
        &new.summary["schema_version"],
    );
    if vo != vn {
        bail!(
            "{} has schema_version {vo} and {} has {vn}: the two summaries cannot be compared field by field; re-run the older audit with this flowaudit, or compare with the version that wrote both",
            old.dir.join("summary.json").display(),
            new.dir.join("summary.json").display()
        );
    }
    let num = |v: &Value, ptr: &str| -> Option<f64> { v.pointer(ptr).and_then(Value::as_f64) };
    let mut figures = Vec::new();
    for (label, org, _) in FIGURES {
        let (a, b) = (num(&old.summary, org), num(&new.summary, org));
        figures.push((
            "Organisation".into(),
            label.into(),
            a,
            b,
            a.zip(b).map(|(a, b)| b - a),
        ));
    }
    let (to, tn) = (teams(&old.summary), teams(&new.summary));
    let names: BTreeSet<&String> = to.keys().chain(tn.keys()).collect();
    for team in &names {
        for (label, _, ptr) in FIGURES.iter().filter(|f| !f.2.is_empty()) {
            let a = to.get(*team).and_then(|t| num(t, ptr));
            let b = tn.get(*team).and_then(|t| num(t, ptr));
            figures.push((
                (*team).clone(),
                (*label).into(),
                a,
                b,
                a.zip(b).map(|(a, b)| b - a),
            ));
        }
    }
    let mut notes = Vec::new();
    notes.push(("Teams", team_lines(&to, &tn)));
    notes.push(("Signals", signal_lines(&to, &tn)));
    notes.push(("Blockers", blocker_lines(old, new)));
    notes.push(("Tools", tool_lines(old, new)));
    notes.push(("Verdict", verdict_lines(&old.summary, &new.summary)));
    Ok(Comparison {
        figures,
        notes,
        periods: (period(&old.summary), period(&new.summary)),
    })
}

fn team_lines(to: &BTreeMap<String, &Value>, tn: &BTreeMap<String, &Value>) -> Vec<String> {
    let mut v: Vec<String> = tn
        .keys()
        .filter(|t| !to.contains_key(*t))
        .map(|t| format!("Team {t} appeared."))
        .collect();
    v.extend(
        to.keys()
            .filter(|t| !tn.contains_key(*t))
            .map(|t| format!("Team {t} is no longer in the audit.")),
    );
    v
}

fn signal_lines(to: &BTreeMap<String, &Value>, tn: &BTreeMap<String, &Value>) -> Vec<String> {
    let ids = |t: Option<&&Value>| -> BTreeSet<String> {
        t.and_then(|t| t["signals"].as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut v = Vec::new();
    let names: BTreeSet<&String> = to.keys().chain(tn.keys()).collect();
    for team in names {
        let (a, b) = (ids(to.get(team)), ids(tn.get(team)));
        for s in b.difference(&a) {
            v.push(format!("Team {team}: signal {s} appeared."));
        }
        for s in a.difference(&b) {
            v.push(format!("Team {team}: signal {s} cleared."));
        }
    }
    v
}

fn blocker_lines(old: &Saved, new: &Saved) -> Vec<String> {
    let (Some(a), Some(b)) = (&old.blockers, &new.blockers) else {
        return vec!["Not compared: a folder has no tables/blockers.csv.".into()];
    };
    let mut v = Vec::new();
    for ((kind, scope), (impact, unit)) in b {
        match a.get(&(kind.clone(), scope.clone())) {
            None => v.push(format!(
                "Blocker {kind} in {scope} appeared ({impact:.1} {unit})."
            )),
            Some((was, _)) => {
                let r = if *was > 0.0 {
                    impact / was
                } else {
                    f64::INFINITY
                };
                let how = if r > 1.1 {
                    "grew"
                } else if r < 0.9 {
                    "shrank"
                } else {
                    "is about the same"
                };
                v.push(format!(
                    "Blocker {kind} in {scope} {how}: {was:.1} → {impact:.1} {unit}."
                ));
            }
        }
    }
    for ((kind, scope), (impact, unit)) in a {
        if !b.contains_key(&(kind.clone(), scope.clone())) {
            v.push(format!(
                "Blocker {kind} in {scope} cleared (was {impact:.1} {unit})."
            ));
        }
    }
    v
}

fn tool_lines(old: &Saved, new: &Saved) -> Vec<String> {
    let mut v = Vec::new();
    if let (Some(a), Some(b)) = (&old.tools, &new.tools) {
        for (team, tool) in b.difference(a) {
            v.push(format!("{team} added {tool}."));
        }
        for (team, tool) in a.difference(b) {
            v.push(format!("{team} removed {tool}."));
        }
    }
    let cost = |s: &Value| {
        s.pointer("/tool_sprawl/annual_cost")
            .and_then(Value::as_f64)
    };
    match (cost(&old.summary), cost(&new.summary)) {
        (Some(a), Some(b)) => v.push(format!("Annual tool cost {a:.0} → {b:.0} ({:+.0}).", b - a)),
        _ => v.push("Annual tool cost: not in both inventories.".into()),
    }
    v
}

fn verdict_lines(old: &Value, new: &Value) -> Vec<String> {
    let (a, b) = (&old["recommendation"], &new["recommendation"]);
    let verdict = |r: &Value| r["verdict"].as_str().unwrap_or("none").to_string();
    let mut v = vec![if verdict(a) == verdict(b) {
        format!("The verdict is unchanged: {}.", verdict(a))
    } else {
        format!("The verdict changed from {} to {}.", verdict(a), verdict(b))
    }];
    let show = |x: &Value| match x {
        Value::Null => "none".to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or(i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    for key in ["share_of_teams", "org_signals", "teams_needing_support"] {
        if a[key] != b[key] {
            v.push(format!("{key}: {} → {}.", show(&a[key]), show(&b[key])));
        }
    }
    if let (Some(ia), Some(ib)) = (a["inputs"].as_object(), b["inputs"].as_object()) {
        for (k, x) in ib {
            if ia.get(k) != Some(x) {
                v.push(format!(
                    "{k}: {} → {}.",
                    ia.get(k).map_or("none".into(), show),
                    show(x)
                ));
            }
        }
    }
    v
}

fn cell(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| {
        format!("{x:.6}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    })
}

/// The output files: (relative path, bytes).
pub fn render(c: &Comparison) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["scope", "figure", "old", "new", "change", "interval"])?;
    for (scope, f, a, b, d) in &c.figures {
        let row = [
            text::csv_safe(scope).into_owned(),
            f.clone(),
            cell(*a),
            cell(*b),
            cell(*d),
            "no interval (figures only)".into(),
        ];
        w.write_record(&row)?;
    }
    let csv = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing comparison.csv: {e}"))?;
    let title = format!("Audit comparison: {} → {}", c.periods.0, c.periods.1);
    let mut md = format!("# {title}\n\nFigures only: a saved summary holds no items, so no change is called real here (no interval). For intervals, audit the exports with `--quarters`.\n\n| scope | figure | old | new | change |\n|---|---|---|---|---|\n");
    let mut html = format!("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}}</style></head><body><h1>{}</h1><p>Figures only: a saved summary holds no items, so no change is called real here (no interval). For intervals, audit the exports with <code>--quarters</code>.</p>", text::html(&title), text::html(&title));
    for (heading, lines) in &c.notes {
        let _ = write!(html, "<h2>{}</h2><ul>", text::html(heading));
        if lines.is_empty() {
            html.push_str("<li>No change.</li>");
        }
        for l in lines {
            let _ = write!(html, "<li>{}</li>", text::html(l));
        }
        html.push_str("</ul>");
    }
    html.push_str("<h2>Figures</h2><table><thead><tr><th>scope</th><th>figure</th><th>old</th><th>new</th><th>change</th></tr></thead><tbody>");
    for (scope, f, a, b, d) in &c.figures {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            text::markdown(scope),
            f,
            cell(*a),
            cell(*b),
            cell(*d)
        );
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            text::html(scope),
            f,
            cell(*a),
            cell(*b),
            cell(*d)
        );
    }
    html.push_str("</tbody></table></body></html>\n");
    for (heading, lines) in &c.notes {
        let _ = write!(md, "\n## {heading}\n\n");
        if lines.is_empty() {
            md.push_str("- No change.\n");
        }
        for l in lines {
            let _ = writeln!(md, "- {}", text::markdown(l));
        }
    }
    Ok(vec![
        (PathBuf::from("report.html"), html.into_bytes()),
        (PathBuf::from("report.md"), md.into_bytes()),
        (PathBuf::from("comparison.csv"), csv),
    ])
}
