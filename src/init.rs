//! `flowaudit init`: scan the inputs once and write a commented config file for the user to
//! review — every status found, the category the default rules give it, why, and how many
//! items pass through it, grouped by category — followed by every other config section
//! (INTERFACE.md "Config file") commented out with its defaults.
//!
//! Pure: [`scan`] reads an already loaded event frame, [`render`] returns the TOML text; the
//! file is written by `app` (the only module that writes). The text parses back with
//! [`crate::config::parse_file`], and used as `--config` it gives every status the category
//! it has without a config: a status decided by the source's own category in one source and
//! by the patterns in another gets a `[source_statuses]` entry wherever the two differ, and
//! a status that matched no pattern stays commented out so that the audit keeps warning about
//! it until someone decides.

use crate::config::{Blockers, Forecast, Signals, Verdict};
use crate::ingest::imported::ImportOptions;
use crate::ingest::{InputSummary, Loaded};
use crate::model::{Category, Col, SourceCategory};
use crate::status::{self, Categorizer, Rule, StatusOverrides};
use chrono_tz::Tz;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What `flowaudit init` needs (from `flowaudit init`'s arguments, `crate::cli`).
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// Input files and folders to scan.
    pub inputs: Vec<PathBuf>,
    /// The config file to write.
    pub out: PathBuf,
    /// Time zone for times without an offset.
    pub tz: Tz,
    /// Forced input format.
    pub format: Option<crate::ingest::Format>,
    /// Overwrite `out` when it exists.
    pub force: bool,
}

/// One status as found in one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusFound {
    /// The status name, as spelled in the data.
    pub status: String,
    /// The source of the events that set it (`jira`, `csv`, `xes` …; empty when none).
    pub source: String,
    /// Items with at least one event setting this status (or, for an item without status
    /// events, this current status).
    pub items: u64,
}

/// What `init` learnt from the inputs.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Every (status, source) found, sorted.
    pub statuses: Vec<StatusFound>,
    /// Distinct items per lower-cased status name over all sources (a status's key in the
    /// config is compared case-insensitively).
    pub items_by_key: BTreeMap<String, u64>,
    /// Distinct teams, sorted (for the examples).
    pub teams: Vec<String>,
    /// What each file was read as.
    pub inputs: Vec<InputSummary>,
    /// Statuses built from more than one XES attribute.
    pub composite: BTreeSet<String>,
    /// Categories the sources provide, keyed by (source, status).
    pub source_categories: BTreeMap<(String, String), SourceCategory>,
}

impl Scan {
    /// The categorizer an audit without a config would use for these inputs.
    pub fn default_categorizer(&self) -> Categorizer {
        self.categorizer(StatusOverrides::default())
    }

    /// The categorizer an audit with these overrides would use for these inputs.
    pub fn categorizer(&self, overrides: StatusOverrides) -> Categorizer {
        let mut c = Categorizer::new(
            overrides,
            self.composite.clone(),
            self.source_categories.clone(),
        );
        c.prepare(self.statuses.iter().map(|s| s.status.as_str()));
        c
    }
}

/// Lower-case key, as the config compares status names.
fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Read the statuses, their sources and items from loaded inputs. One pass over three
/// columns; no sort is needed to count distinct items.
pub fn scan(loaded: Loaded) -> PolarsResult<Scan> {
    let t = &loaded.events;
    let column = |c: Col| {
        let coded = t.coded(c);
        (0..coded.len()).map(move |i| coded.get(i))
    };
    let (ids, sts, srcs, teams) = (
        &t.item_id,
        column(Col::Status),
        column(Col::Source),
        column(Col::Team),
    );
    let mut item_index: HashMap<&str, u32> = HashMap::new();
    let mut item_source: Vec<Option<&str>> = Vec::new();
    let mut has_status: Vec<bool> = Vec::new();
    let mut per_status: BTreeMap<(String, String), HashSet<u32>> = BTreeMap::new();
    let mut team_set: BTreeSet<String> = loaded.roster.iter().map(|r| r.team.clone()).collect();
    for (((id, st), src), team) in ids.iter().zip(sts).zip(srcs).zip(teams) {
        let Some(id) = id else { continue };
        let next = item_index.len() as u32;
        let i = *item_index.entry(id).or_insert(next);
        if i == next {
            item_source.push(src);
            has_status.push(false);
        }
        if item_source[i as usize].is_none() {
            item_source[i as usize] = src;
        }
        if let Some(t) = team.filter(|t| !t.is_empty()) {
            if !team_set.contains(t) {
                team_set.insert(t.to_string());
            }
        }
        if let Some(st) = st {
            has_status[i as usize] = true;
            let k = (st.to_string(), src.unwrap_or_default().to_string());
            per_status.entry(k).or_default().insert(i);
        }
    }
    // Items without any status event take their current status (METRICS.md §1).
    for (id, st) in &loaded.hints.current_status {
        if let Some(&i) = item_index.get(id.as_str()) {
            if !has_status[i as usize] {
                let src = item_source[i as usize].unwrap_or_default().to_string();
                per_status.entry((st.clone(), src)).or_default().insert(i);
            }
        }
    }
    let mut by_key: BTreeMap<String, HashSet<u32>> = BTreeMap::new();
    for ((st, _), items) in &per_status {
        by_key.entry(key(st)).or_default().extend(items);
    }
    Ok(Scan {
        statuses: per_status
            .into_iter()
            .map(|((status, source), items)| StatusFound {
                status,
                source,
                items: items.len() as u64,
            })
            .collect(),
        items_by_key: by_key
            .into_iter()
            .map(|(k, v)| (k, v.len() as u64))
            .collect(),
        teams: team_set.into_iter().collect(),
        inputs: loaded.inputs,
        composite: loaded.hints.composite_statuses,
        source_categories: loaded.hints.source_categories,
    })
}

/// A TOML basic string on one line (quoted and escaped), valid as a key or a value and safe
/// inside a comment. (`toml`'s own display picks multi-line or literal strings, which are not
/// valid keys.)
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The default pattern a status matched, for the comment.
fn matched_pattern(status: &str, composite: bool) -> Option<&'static str> {
    let n = status::normalise(status);
    for (cat, pats) in status::PATTERNS {
        if let Some(p) = pats.iter().find(|p| status::matches_words(&n, p)) {
            return Some(p);
        }
        if *cat == Category::Done && n == "accepted" && !composite {
            return Some("accepted");
        }
    }
    None
}

/// One status line to write.
struct Line {
    status: String,
    category: Category,
    items: u64,
    why: String,
    /// Matched no pattern: written commented out.
    fallback: bool,
}

/// Why a status got its category, in words.
fn why(scan: &Scan, f: &StatusFound, rule: Rule) -> String {
    let src = if f.source.is_empty() {
        "the source"
    } else {
        f.source.as_str()
    };
    match rule {
        Rule::Pattern => match matched_pattern(&f.status, scan.composite.contains(&f.status)) {
            Some(p) => format!("pattern {}", q(p)),
            None => "pattern".into(),
        },
        Rule::SourceCategory => format!("{src}'s own status category"),
        Rule::Fallback => "fallback: matched no pattern — check it".into(),
        r => r.id().into(),
    }
}

fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The config text for `scan`. `inputs`, `out` and `tz` only appear in the comments (the
/// command to run next).
pub fn render(scan: &Scan, inputs: &[PathBuf], out: &Path, tz: Tz) -> String {
    let cz = scan.default_categorizer();
    // Group the (status, source) pairs by case-insensitive key.
    let mut keys: BTreeMap<String, Vec<(&StatusFound, Category, Rule)>> = BTreeMap::new();
    for f in &scan.statuses {
        let src = (!f.source.is_empty()).then_some(f.source.as_str());
        let (c, r) = cz.categorize(&f.status, None, src);
        keys.entry(key(&f.status)).or_default().push((f, c, r));
    }
    let mut global: BTreeMap<Category, Vec<Line>> = BTreeMap::new();
    let mut per_source: BTreeMap<String, Vec<Line>> = BTreeMap::new();
    for (k, entries) in &keys {
        // The spelling with the most items names the status.
        let name = entries
            .iter()
            .max_by(|a, b| a.0.items.cmp(&b.0.items).then(b.0.status.cmp(&a.0.status)))
            .map(|e| e.0.status.clone())
            .unwrap_or_default();
        // The global category: the one for events without a source, else the one of most items.
        let mut weight: BTreeMap<Category, u64> = BTreeMap::new();
        for (f, c, _) in entries {
            *weight.entry(*c).or_default() += f.items;
        }
        let chosen = entries
            .iter()
            .find(|e| e.0.source.is_empty())
            .map(|e| e.1)
            .or_else(|| {
                weight
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(c, _)| *c)
            })
            .unwrap_or(Category::Backlog);
        let agreeing: Vec<_> = entries.iter().filter(|e| e.1 == chosen).collect();
        let mut reasons: Vec<String> = Vec::new();
        for (f, _, r) in &agreeing {
            let w = why(scan, f, *r);
            if !reasons.contains(&w) {
                reasons.push(w);
            }
        }
        let items = if agreeing.len() == entries.len() {
            scan.items_by_key.get(k).copied().unwrap_or(0)
        } else {
            agreeing.iter().map(|e| e.0.items).sum()
        };
        global.entry(chosen).or_default().push(Line {
            status: name,
            category: chosen,
            items,
            why: reasons.join("; "),
            fallback: agreeing.iter().all(|e| e.2 == Rule::Fallback),
        });
        for (f, c, r) in entries.iter().filter(|e| e.1 != chosen) {
            per_source.entry(f.source.clone()).or_default().push(Line {
                status: f.status.clone(),
                category: *c,
                items: f.items,
                why: why(scan, f, *r),
                fallback: *r == Rule::Fallback,
            });
        }
    }

    let mut s = String::new();
    let inputs_shown: Vec<String> = inputs
        .iter()
        .map(|p| shell_word(&p.display().to_string()))
        .collect();
    let _ = writeln!(s, "# flowaudit config, written by `flowaudit init` from:");
    for i in &scan.inputs {
        let what = match i.format {
            "inventory" | "roster" => plural(i.events, "row"),
            _ => format!("{}, {}", plural(i.items, "item"), plural(i.events, "event")),
        };
        let _ = writeln!(s, "#   {} — read as {}, {what}", i.path, i.format);
    }
    let _ = write!(
        s,
        "#
# 1. Review the status mapping below: each status's category decides what counts as work
#    (active), queue (waiting), blocked, finished (done, canceled) or not started (backlog).
#    Change a category, or move a status to another group — the groups are only comments.
# 2. Audit with it:
#      flowaudit audit {inputs} --config {out}{tz}
#
# Lines that start with `#` directly followed by a key or a [section] are settings shown at
# their default: remove the `#` to use one. Walk-through: docs/GUIDE.md; what each threshold
# means: docs/METRICS.md sections 9 and 10.
#
# People never counted in an assignee sequence (bots, placeholder accounts):
#exclude_people = [\"Jira Automation\"]

# ---------------------------------------------------------------------------------------------
# Status → category (backlog | active | waiting | blocked | done | canceled). Names are compared
# ignoring case. `items` counts the items with at least one event in that status.
[statuses]
",
        inputs = inputs_shown.join(" "),
        out = shell_word(&out.display().to_string()),
        tz = if tz == chrono_tz::UTC {
            String::new()
        } else {
            format!(" --tz {}", tz.name())
        },
    );
    // How each input was read (where a GitHub/GitLab workflow came from, the label families
    // and milestones found, an OCEL item type), with the setting that changes it.
    let noted: Vec<&InputSummary> = scan.inputs.iter().filter(|i| !i.notes.is_empty()).collect();
    if !noted.is_empty() {
        s.push_str("#\n# How the inputs were read:\n");
        for i in &noted {
            for n in &i.notes {
                let _ = writeln!(s, "#   {}: {n}", i.path);
            }
        }
        let formats: BTreeSet<&str> = noted.iter().map(|i| i.format).collect();
        if formats.contains("github") {
            s.push_str("#[github]\n#workflow = \"auto\"        # auto | state | labels | milestone | project\n#label_prefix = \"status: \"  # with labels: only this label family\n");
        }
        if formats.contains("gitlab") {
            s.push_str("#[gitlab]\n#workflow = \"auto\"        # auto | state | labels | milestone\n#label_prefix = \"workflow::\"\n#team_label = \"team\"       # a label family that names the team (default: the group path)\n");
        }
        if formats.contains("ocel") {
            s.push_str("#[ocel]\n#item_type = \"...\"       # the object type that is the item\n");
        }
        if formats.contains("bugzilla") {
            s.push_str(
                "#[bugzilla]\n#team = \"product/component\"  # or \"product\", \"component\"\n",
            );
        }
    }
    // Activity logs (METRICS.md §11) name process steps, not statuses: no status list.
    let events_inputs: Vec<&InputSummary> =
        scan.inputs.iter().filter(|i| i.kind.is_some()).collect();
    let activity_inputs: Vec<&InputSummary> = events_inputs
        .iter()
        .copied()
        .filter(|i| i.kind == Some("activities"))
        .collect();
    if !events_inputs.is_empty() && activity_inputs.len() == events_inputs.len() {
        let reason = activity_inputs[0].kind_reason.clone().unwrap_or_default();
        // No status list: drop its heading, and say what to check instead.
        let heading = s
            .rfind("# ------")
            .or_else(|| s.rfind("[statuses]\n"))
            .unwrap_or(s.len());
        s.truncate(heading);
        s = s.replace(
            "# 1. Review the status mapping below: each status's category decides what counts as work\n#    (active), queue (waiting), blocked, finished (done, canceled) or not started (backlog).\n#    Change a category, or move a status to another group — the groups are only comments.\n",
            "# 1. Check that these inputs are process-mining activity logs (below), and whether some\n#    cases are still running (`end_activities`).\n",
        );
        let _ = write!(
            s,
            "#
# These inputs are process-mining activity logs: {reason}.
# Each case starts at its first event and, by the process-mining convention, finishes at its
# last; the time after each activity is waiting, and active time comes from lifecycle
# start/complete pairs (docs/METRICS.md section 11). No status mapping is needed: the {n}
# activities found are not listed here.
# Cases that do not end with one of `end_activities` (when set) are open at the audit instant.
",
            n = scan.items_by_key.len()
        );
        let _ = writeln!(
            s,
            "[log]\nkind = \"activities\"\n#end_activities = [{}]\n",
            scan.statuses
                .iter()
                .take(2)
                .map(|f| q(&f.status))
                .collect::<Vec<_>>()
                .join(", ")
        );
        s.push_str("[statuses]\n");
        s.push_str(&examples(scan));
        return s;
    }
    if !activity_inputs.is_empty() {
        let _ = writeln!(
            s,
            "# (read as activity logs, where no status mapping is needed: {}; their activities are\n#  among the names below only so that a status reading could be configured)",
            activity_inputs
                .iter()
                .map(|i| i.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if scan.statuses.is_empty() {
        s.push_str("# (no status found in the inputs: only lead times can be measured)\n");
    }
    // Statuses that matched no pattern first: they need a decision.
    let fallback: Vec<&Line> = global.values().flatten().filter(|l| l.fallback).collect();
    if !fallback.is_empty() {
        let _ = writeln!(
            s,
            "\n# Matched no pattern, so counted as backlog (and warned about in the report) until you\n# decide: remove the `#` and set the category."
        );
        write_lines(&mut s, &fallback);
    }
    for c in Category::ALL {
        let lines: Vec<&Line> = global
            .get(&c)
            .map(|v| v.iter().filter(|l| !l.fallback).collect())
            .unwrap_or_default();
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n# {} — {}", c.name(), category_meaning(c));
        write_lines(&mut s, &lines);
    }
    for (src, lines) in &per_source {
        let _ = writeln!(
            s,
            "\n# In {}, these statuses get another category than the one above (from the source's own\n# status category); this keeps them as they are.\n[source_statuses.{}]",
            q(src),
            q(src)
        );
        let refs: Vec<&Line> = lines.iter().collect();
        write_lines(&mut s, &refs);
    }
    s.push_str(LOG_EXAMPLE);
    s.push_str(&examples(scan));
    s
}

/// `[log]` commented out, for status logs (METRICS.md section 11).
const LOG_EXAMPLE: &str = r#"
# How each input is read (METRICS.md section 11): "auto" reads an input whose events mostly
# name process steps that no status mapping knows as an activity log.
#[log]
#kind = "auto"
#end_activities = ["Closed"]
#[log.kind_by_input]
#"receipt.csv" = "activities"
"#;

fn category_meaning(c: Category) -> &'static str {
    match c {
        Category::Backlog => "not started yet",
        Category::Active => "someone is working on it (counts as work in flow efficiency)",
        Category::Waiting => "started, waiting in a queue (review, QA, deploy …)",
        Category::Blocked => "started but cannot proceed",
        Category::Done => "delivered (ends lead and cycle time)",
        Category::Canceled => "ended without delivering",
    }
}

fn write_lines(s: &mut String, lines: &[&Line]) {
    let cells: Vec<String> = lines
        .iter()
        .map(|l| {
            format!(
                "{}{} = {}",
                if l.fallback { "#" } else { "" },
                q(&l.status),
                q(l.category.name())
            )
        })
        .collect();
    let width = cells.iter().map(|c| c.chars().count()).max().unwrap_or(0);
    for (cell, l) in cells.iter().zip(lines) {
        let pad = width - cell.chars().count();
        let _ = writeln!(
            s,
            "{cell}{:pad$}  # {} · {}",
            "",
            plural(l.items, "item"),
            l.why
        );
    }
}

/// A path as the user would type it in a POSIX shell.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@,%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn f(x: f64) -> String {
    format!("{x:?}")
}

/// Every other section, commented out, at its default.
fn examples(scan: &Scan) -> String {
    let team = scan.teams.first().map(String::as_str).unwrap_or("Payments");
    let (sg, vd, bl, fc, im) = (
        Signals::default(),
        Verdict::default(),
        Blockers::default(),
        Forecast::default(),
        ImportOptions::default(),
    );
    let horizons: Vec<String> = fc.horizons_days.iter().map(u32::to_string).collect();
    let ev = crate::config::Evidence::default();
    let bc = crate::config::BusinessCase::default();
    format!(
        r#"
# ---------------------------------------------------------------------------------------------
# Per-team overrides (beat [source_statuses], which beat [statuses]):
#[team_statuses.{team}]
#"QA" = "waiting"

# Per-source overrides (jira, github, linear, azure_devops, trello, xes, csv):
#[source_statuses."jira"]
#"Dev Done" = "waiting"

# The ordered workflow of a team; a move to an earlier status is a backward move:
#[workflow_order]
#{team} = ["To Do", "In Progress", "Review", "Done"]

# Who is in which team (as a roster CSV does, and beating it):
#[people]
#"alice@example.com" = {team}

# How XES attributes map to fields. Default status: concept:name, joined with
# lifecycle:transition when the log uses non-standard lifecycle values (as BPIC 2013 does).
#[xes]
#status = ["concept:name"]
#assignee = "org:resource"
#team = "org:group"

# Export importers:
#[import]
# The Jira field holding the team (custom field id or name); default: the roster.
#jira_team_field = "customfield_10001"
# GitHub: use project-board columns as statuses.
#github_project_columns = {gpc}
# Azure DevOps: levels of the area path that make the team (Proj\Team\Sub with 2 → Proj\Team).
#area_path_depth = {apd}
# Trello: the team of every card (default: the board's name).
#trello_team = {team}
# Jira CSV: status id → status name, for "[CHART] Time in Status" columns.
#[import.jira_status_ids]
#"10001" = "In Progress"
# GitHub: labels that are workflow statuses (label → status).
#[import.github_status_labels]
#"status: in review" = "In Review"

# When a team shows a problem (METRICS.md section 10; defaults shown):
#[signals]
#flow_efficiency = {sg_fe}         # low flow efficiency below this
#handoffs_per_item = {sg_hpi}       # handoff heavy above this many team handoffs per item
#ping_pong_rate = {sg_pp}         # ping-pong above this rate
#reopen_rate = {sg_rr}            # rework above this reopen rate
#aging_share = {sg_as}             # aging above this share of WIP at risk
#overlapping_categories = {sg_oc}    # tool sprawl at this many overlapping tool categories
#utilisation = {sg_ut}             # tool sprawl when a tool's utilisation is below this
#workflow_similarity = {sg_ws}     # workflow divergence below this similarity
#min_signals = {sg_ms}               # a team needs ops support at this many signals

# The product-operations verdict (METRICS.md section 10; defaults shown):
#[verdict]
#min_teams = {vd_mt}
#dedicated_share = {vd_ds}
#dedicated_org_signals = {vd_dos}
#large_org_teams = {vd_lot}
#large_org_share = {vd_los}
#part_time_share = {vd_pts}
#fragmented_categories = {vd_fc}
#divergent_team_share = {vd_dts}
#team_change_rate = {vd_tcr}

# Open items with no event for this many days are stale (METRICS.md section 9):
#[blockers]
#stale_days = {bl_sd}

# Monte Carlo forecasts (METRICS.md section 6):
#[forecast]
#seed = {fc_seed}
#trials = {fc_trials}
#history_days = {fc_hd}
#horizons_days = [{horizons}]

# Evidence before a verdict (METRICS.md section 12; defaults shown): the verdict is only
# given when every gate passes; a team's signals are judged from min_team_finished done items.
#[evidence]
#mapped_share = {ev_ms}
#min_finished = {ev_mf}
#max_reopen_share = {ev_mr}
#max_implausible_share = {ev_mi}
#team_share = {ev_ts}
#min_team_finished = {ev_mtf}

# The business case beside the verdict (METRICS.md section 13): the role's cost, the value of
# an hour, and the assumptions behind coordination time (defaults shown; low and high halve
# and double them).
#[business_case]
#role_annual_cost = 120000
#hourly_cost = 80
#currency = "EUR"
#hours_per_handoff = {bc_hph}
#hours_per_bounce = {bc_hpb}
#top_blockers = {bc_tb}
"#,
        bc_hph = f(bc.hours_per_handoff),
        bc_hpb = f(bc.hours_per_bounce),
        bc_tb = bc.top_blockers,
        ev_ms = f(ev.mapped_share),
        ev_mf = ev.min_finished,
        ev_mr = f(ev.max_reopen_share),
        ev_mi = f(ev.max_implausible_share),
        ev_ts = f(ev.team_share),
        ev_mtf = ev.min_team_finished,
        team = q(team),
        gpc = im.github_project_columns,
        apd = im.area_path_depth,
        sg_fe = f(sg.flow_efficiency),
        sg_hpi = f(sg.handoffs_per_item),
        sg_pp = f(sg.ping_pong_rate),
        sg_rr = f(sg.reopen_rate),
        sg_as = f(sg.aging_share),
        sg_oc = sg.overlapping_categories,
        sg_ut = f(sg.utilisation),
        sg_ws = f(sg.workflow_similarity),
        sg_ms = sg.min_signals,
        vd_mt = vd.min_teams,
        vd_ds = f(vd.dedicated_share),
        vd_dos = vd.dedicated_org_signals,
        vd_lot = vd.large_org_teams,
        vd_los = f(vd.large_org_share),
        vd_pts = f(vd.part_time_share),
        vd_fc = vd.fragmented_categories,
        vd_dts = f(vd.divergent_team_share),
        vd_tcr = f(vd.team_change_rate),
        bl_sd = f(bl.stale_days),
        fc_seed = fc.seed,
        fc_trials = fc.trials,
        fc_hd = fc.history_days,
        horizons = horizons.join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_file;

    fn found(status: &str, source: &str, items: u64) -> StatusFound {
        StatusFound {
            status: status.into(),
            source: source.into(),
            items,
        }
    }

    fn scan_of(statuses: Vec<StatusFound>) -> Scan {
        let mut items_by_key = BTreeMap::new();
        for s in &statuses {
            *items_by_key.entry(key(&s.status)).or_insert(0) += s.items;
        }
        Scan {
            statuses,
            items_by_key,
            teams: vec!["Pay \"ments\"".into()],
            ..Default::default()
        }
    }

    /// Every status keeps the category it has without a config.
    fn assert_same_categories(scan: &Scan, text: &str) {
        let (_, o) = parse_file(text, Path::new("init.toml")).expect(text);
        let (with, without) = (scan.categorizer(o), scan.default_categorizer());
        for f in &scan.statuses {
            let src = (!f.source.is_empty()).then_some(f.source.as_str());
            assert_eq!(
                with.categorize(&f.status, None, src).0,
                without.categorize(&f.status, None, src).0,
                "{f:?}\n{text}"
            );
        }
    }

    #[test]
    fn lists_statuses_with_rule_and_items_and_parses_back() {
        let scan = scan_of(vec![
            found("In Progress", "csv", 12),
            found("Ready for QA", "csv", 3),
            found("Resolve ticket", "csv", 2),
            found("Won't Do", "csv", 1),
            found("Weird \"quoted\"\nname \\ \u{7}", "csv", 1),
        ]);
        let text = render(
            &scan,
            &[PathBuf::from("my export.csv")],
            Path::new("f.toml"),
            chrono_tz::Europe::London,
        );
        assert!(text.contains("\"In Progress\" = \"active\""), "{text}");
        assert!(
            text.contains("12 items · pattern \"in progress\""),
            "{text}"
        );
        assert!(text.contains("#\"Resolve ticket\" = \"backlog\""), "{text}");
        assert!(
            text.contains("fallback: matched no pattern — check it"),
            "{text}"
        );
        assert!(
            text.contains("flowaudit audit 'my export.csv' --config f.toml --tz Europe/London"),
            "{text}"
        );
        assert_same_categories(&scan, &text);
    }

    #[test]
    fn source_categories_that_differ_get_per_source_entries() {
        let mut scan = scan_of(vec![
            found("Dev Done", "jira", 5),
            found("Dev Done", "csv", 2),
            found("done", "jira", 7),
        ]);
        scan.source_categories.insert(
            ("jira".into(), "Dev Done".into()),
            SourceCategory::Committed,
        );
        scan.source_categories
            .insert(("jira".into(), "done".into()), SourceCategory::Done);
        let text = render(
            &scan,
            &[PathBuf::from("x")],
            Path::new("f.toml"),
            chrono_tz::UTC,
        );
        assert!(text.contains("[source_statuses.\"csv\"]"), "{text}");
        assert_same_categories(&scan, &text);
    }

    #[test]
    fn every_commented_example_parses_when_uncommented() {
        let scan = scan_of(vec![found("Resolve ticket", "csv", 2)]);
        let text = render(
            &scan,
            &[PathBuf::from("x")],
            Path::new("f.toml"),
            chrono_tz::UTC,
        );
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest)
                    if rest.starts_with(['[', '"']) || rest.starts_with(char::is_alphabetic) =>
                {
                    rest
                }
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let (file, o) = parse_file(&uncommented, Path::new("all.toml")).expect(&uncommented);
        assert_eq!(file.signals, Signals::default());
        assert_eq!(file.verdict, Verdict::default());
        assert_eq!(file.blockers, Blockers::default());
        assert_eq!(file.forecast, Forecast::default());
        assert_eq!(file.evidence, crate::config::Evidence::default());
        assert_eq!(file.business_case.hours_per_handoff, 0.5);
        assert_eq!(file.business_case.role_annual_cost, Some(120_000.0));
        assert_eq!(file.log.kind, crate::config::LogKindSetting::Auto);
        assert_eq!(file.exclude_people.len(), 1);
        assert_eq!(file.import.area_path_depth, 2);
        assert_eq!(o.per_team.len(), 1);
        assert_eq!(o.global.len(), 1);
    }

    #[test]
    fn an_activity_log_gets_a_log_section_instead_of_its_activities() {
        let mut scan = scan_of(
            (0..300)
                .map(|i| found(&format!("Lab test {i}"), "xes", 1))
                .collect(),
        );
        scan.inputs = vec![InputSummary {
            path: "hospital.xes.gz".into(),
            format: "xes",
            items: 10,
            events: 300,
            kind: Some("activities"),
            kind_reason: Some("300 of 300 events (100%) name steps".into()),
            notes: Vec::new(),
        }];
        let text = render(
            &scan,
            &[PathBuf::from("hospital.xes.gz")],
            Path::new("f.toml"),
            chrono_tz::UTC,
        );
        assert!(
            text.contains("process-mining activity logs: 300 of 300 events"),
            "{text}"
        );
        assert!(text.contains("[log]\nkind = \"activities\""), "{text}");
        assert!(!text.contains("Lab test 7\""), "{text}");
        let (file, o) = parse_file(&text, Path::new("f.toml")).expect(&text);
        assert_eq!(file.log.kind, crate::config::LogKindSetting::Activities);
        assert!(o.global.is_empty());
        // A status log keeps its status list.
        scan.inputs[0].kind = Some("statuses");
        let text = render(
            &scan,
            &[PathBuf::from("x.csv")],
            Path::new("f.toml"),
            chrono_tz::UTC,
        );
        assert!(text.contains("Lab test 7\""), "{text}");
        assert!(!text.contains("\n[log]"), "{text}");
    }
}
