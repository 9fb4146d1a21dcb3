//! `report.html`: the whole audit as one self-contained page (inline CSS and SVG, no script,
//! nothing fetched), readable on a phone and printed. Every text from the data is escaped;
//! chart SVG comes from [`crate::chart`], which escapes its own text.

use super::text::{html as esc, human};
use super::TableId;
use super::{Block, Cell, Renderer, Report, Section, Summary, Table};
use std::fmt::Write;

/// The methods section: the definitions in plain words (Markdown).
pub const METHODS_MD: &str = "\
- **Lead time**: from an item's creation to its finish, in days (done items finished in the period).
- **Cycle time**: from the first time an item entered an active, waiting or blocked status to its finish (done items; items done without ever being started have none).
- **Finish**: the last move into a done or canceled status; moving from Resolved to Closed does not change it.
- **Flow efficiency**: time actively worked ÷ cycle time, summed over done items (time-weighted).
- **Throughput**: done items per ISO week (Monday to Sunday in the report time zone).
- **Team handoff**: a change of the team holding an item; **ping-pong**: a team getting an item back after another team (A → B → A).
- **Reopen**: a move from a done or canceled status back to an open one.
- **Percentiles**: linear interpolation between closest ranks (as numpy).
- **Signals and verdict**: a team would benefit from operations support when at least 3 of 7 signals fire — by default flow efficiency below 25%, more than 1 team handoff per item, more than 10% of items bounced between teams, a reopen rate above 10%, more than 20% of work in progress older than the team's 85th percentile cycle time, an overlapping tool category or a licence less than 80% used, a workflow similarity below 50%. The verdict weighs the share of such teams with organisation-wide signals (fragmented tools, divergent workflows, frequent team changes); the thresholds used are in the signals table and the verdict section, and can be changed in the config.
- **Activity logs**: a process-mining log names work steps, not statuses; read as one (detected when most of its events name steps no status mapping knows), each case starts at its first event and finishes at its last, time between an activity's start and complete is active and all other time is waiting after the last completed activity, and repeated activities count as rework.
- **Evidence before a verdict**: the verdict is only given when the statuses are mapped, at least 30 items finished, reopens and durations are plausible and most items have a team; a team's signals are judged only from 10 items done in the period.
- **Status categories**: each status is backlog, active, waiting, blocked, done or canceled, by the config, the source's own category, or the default name patterns (see the status mapping in the data-quality section).

The full definitions are in docs/METRICS.md of the flowaudit repository; the same input always gives the same report.
";

const CSS: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fff;line-height:1.45}
main{max-width:1000px;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.8rem;margin:.5rem 0}h2{font-size:1.35rem;margin-top:2.2rem;border-bottom:2px solid #e3e3e3;padding-bottom:.2rem}
h3{font-size:1.1rem;margin-bottom:.3rem}
.meta{color:#555}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:.75rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:8px;padding:.6rem .8rem}.card b{display:block;font-size:1.35rem;line-height:1.25}
.card span{color:#555;font-size:.85rem;display:block}.card i{color:#555;font-size:.8rem;font-style:normal}
figure{margin:1.5rem 0}.chart svg{width:100%;height:auto;display:block;mix-blend-mode:multiply}
figcaption{color:#333;font-size:.95rem;margin-top:.3rem}
.scroll,.chart{overflow-x:auto;background:linear-gradient(to right,#fff 30%,rgba(255,255,255,0)),linear-gradient(to left,#fff 30%,rgba(255,255,255,0)) 100% 0,radial-gradient(farthest-side at 0 50%,rgba(0,0,0,.18),rgba(0,0,0,0)),radial-gradient(farthest-side at 100% 50%,rgba(0,0,0,.18),rgba(0,0,0,0)) 100% 0;background-repeat:no-repeat;background-size:40px 100%,40px 100%,14px 100%,14px 100%;background-attachment:local,local,scroll,scroll}
.scroll{margin:.75rem 0}
table{border-collapse:collapse;font-size:.88rem}
th,td{border-bottom:1px solid #e3e3e3;padding:.3rem .55rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}td.w{min-width:16em}
nav ul{columns:2 16em;column-gap:2rem;padding-left:1.2rem}nav li{break-inside:avoid}
.note{color:#555;font-size:.9rem}
@media (max-width:40em){main{padding:.75rem 1rem 2rem}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.8rem}
.cards{grid-template-columns:1fr 1fr;gap:.5rem}.card{padding:.5rem .6rem}.card b{font-size:1.15rem}
.chart{margin:0 -1rem}.chart svg{min-width:600px}
table{font-size:.8rem}th,td{padding:.25rem .45rem}td{white-space:nowrap}td.w{white-space:normal}}
@media print{@page{margin:14mm}body{font-size:10pt}main{max-width:none;padding:0}nav{display:none}a{color:inherit;text-decoration:none}
h2,h3{break-after:avoid}figure,.cards,.card,tr{break-inside:avoid}thead{display:table-header-group}
.scroll,.chart{overflow:visible;background:none}.chart svg{mix-blend-mode:normal;min-width:0;max-height:230mm}table{font-size:8.5pt}}
";

/// Text cells longer than this (in characters) get `class="w"`: a minimum width, and
/// wrapping on phones where shorter cells stay on one line.
const LONG_TEXT: usize = 32;

fn html_table(o: &mut String, t: &Table, limit: usize) {
    o.push_str("<div class=\"scroll\"><table><thead><tr>");
    for h in &t.header {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr></thead><tbody>");
    for row in t.rows.iter().take(limit) {
        o.push_str("<tr>");
        for c in row {
            match c {
                // Long text gets a minimum width, so a narrow screen scrolls the table
                // sideways instead of squeezing the text into a column one word wide.
                Cell::Text(s) if s.chars().count() > LONG_TEXT => {
                    let _ = write!(o, "<td class=\"w\">{}</td>", esc(s));
                }
                Cell::Text(s) => {
                    let _ = write!(o, "<td>{}</td>", esc(s));
                }
                Cell::Int(i) => {
                    let _ = write!(o, "<td class=\"n\">{i}</td>");
                }
                Cell::Float(f) => {
                    let _ = write!(o, "<td class=\"n\">{}</td>", human(*f));
                }
                Cell::Empty => o.push_str("<td></td>"),
            }
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></div>");
    if t.rows.len() > limit {
        let _ = write!(
            o,
            "<p class=\"note\">{} more rows in <code>tables/{}.csv</code>.</p>",
            t.rows.len() - limit,
            t.name
        );
    }
}

/// Minimal Markdown for the methods list: `- **term**: text` lines and paragraphs.
fn methods_html(md: &str) -> String {
    let mut o = String::from("<ul>");
    let mut tail = String::new();
    for line in md.lines() {
        if let Some(item) = line.strip_prefix("- ") {
            let item = esc(item);
            let mut parts = item.splitn(3, "**");
            let (pre, term, rest) = (
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
            );
            let _ = write!(o, "<li>{pre}<b>{term}</b>{}</li>", rest.replace("**", ""));
        } else if !line.trim().is_empty() {
            let _ = write!(
                tail,
                "<p class=\"note\">{}</p>",
                esc(line).replace("**", "")
            );
        }
    }
    o.push_str("</ul>");
    o + &tail
}

fn blocks(o: &mut String, r: &Report, blocks: &[Block]) {
    for b in blocks {
        match b {
            Block::Chart(id) => {
                let name = id.name();
                if let Some(c) = r.chart(*id) {
                    let _ = write!(
                        o,
                        "<figure id=\"chart-{}\" aria-label=\"{}\">",
                        c.name,
                        esc(&c.title)
                    );
                    // The wrapper scrolls sideways on a phone, where the chart keeps a
                    // readable minimum width (see CSS).
                    o.push_str("<div class=\"chart\">");
                    o.push_str(&c.svg);
                    o.push_str("</div>");
                    let cap = r.takeaway(name).unwrap_or(&c.alt);
                    let _ = write!(o, "<figcaption>{}</figcaption></figure>", esc(cap));
                }
            }
            Block::Table { name, limit } => {
                if let Some(t) = r.table(*name) {
                    html_table(o, t, *limit);
                }
            }
            Block::Paragraph(p) => {
                let _ = write!(o, "<p>{}</p>", esc(p));
            }
            Block::List(items) => {
                o.push_str("<ul>");
                for i in items {
                    let _ = write!(o, "<li>{}</li>", esc(i));
                }
                o.push_str("</ul>");
            }
            Block::Subheading(t) => {
                let _ = write!(o, "<h3>{}</h3>", esc(t));
            }
            Block::Headline => {
                o.push_str("<div class=\"cards\">");
                for h in &r.headline {
                    let change = h
                        .change
                        .as_ref()
                        .map(|c| format!("<i>{} since the previous period</i>", esc(c)))
                        .unwrap_or_default();
                    let _ = write!(
                        o,
                        "<div class=\"card\"><b>{}</b><span>{}</span>{change}</div>",
                        esc(&h.value),
                        esc(&h.label)
                    );
                }
                o.push_str("</div>");
            }
        }
    }
}

/// Renders `report.html`.
pub struct Html;

impl Renderer for Html {
    fn render(&self, r: &Report) -> anyhow::Result<Vec<u8>> {
        let mut o = String::with_capacity(512 * 1024);
        head(&mut o);
        meta(&mut o, &r.summary);
        sections(&mut o, r);
        data_quality(&mut o, r);
        o.push_str("<h2 id=\"methods\">Methods</h2>");
        o.push_str(&methods_html(METHODS_MD));
        o.push_str("</main></body></html>\n");
        Ok(o.into_bytes())
    }
}

/// The page's head (with the CSS) and title.
fn head(o: &mut String) {
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    o.push_str("<title>Flow audit</title><style>");
    o.push_str(CSS);
    o.push_str("</style></head><body><main>\n<h1>Flow audit</h1>");
}

/// The line under the title: the period, the counts and the tool's version.
fn meta(o: &mut String, s: &Summary) {
    let period = match (&s.period.from, &s.period.to) {
        (Some(f), Some(t)) => format!(
            "Period {} to {} (end exclusive), as of {}.",
            esc(f),
            esc(t),
            esc(&s.period.as_of)
        ),
        _ => format!("All history up to {}.", esc(&s.period.as_of)),
    };
    let _ = write!(
        o,
        "<p class=\"meta\">{period} {} items in scope, {} events, {}. flowaudit {}.</p>",
        s.counts.items,
        s.counts.events,
        esc(&s.teams_phrase()),
        esc(&s.tool_version)
    );
}

/// The report's sections: the executive summary first, then the contents, then every other
/// section.
fn sections(o: &mut String, r: &Report) {
    let (first, rest) = r
        .sections
        .split_first()
        .map_or((None, &r.sections[..]), |(f, r)| (Some(f), r));
    if let Some(sec) = first {
        section(o, r, sec);
    }
    o.push_str("<nav><h2>Contents</h2><ul>");
    for sec in rest {
        let _ = write!(
            o,
            "<li><a href=\"#{}\">{}</a></li>",
            sec.id,
            esc(&sec.title)
        );
    }
    o.push_str("<li><a href=\"#data-quality\">Data quality</a></li><li><a href=\"#methods\">Methods</a></li></ul></nav>");
    for sec in rest {
        section(o, r, sec);
    }
}

/// One section: its heading and its blocks.
fn section(o: &mut String, r: &Report, sec: &Section) {
    let _ = write!(o, "<h2 id=\"{}\">{}</h2>", sec.id, esc(&sec.title));
    blocks(o, r, &sec.blocks);
}

/// The data-quality section: the warnings, the evidence gates, the inputs read and the status
/// mapping used.
fn data_quality(o: &mut String, r: &Report) {
    o.push_str("<h2 id=\"data-quality\">Data quality</h2>");
    warnings(o, &r.summary);
    o.push_str("<h3>Evidence before a verdict</h3><p class=\"note\">The verdict and the blocker ranking are only given when every gate passes (METRICS.md §12).</p>");
    if let Some(t) = r.table(TableId::Evidence) {
        html_table(o, t, 10);
    }
    inputs(o, &r.summary);
    o.push_str("<h3>Status mapping used</h3><p class=\"note\">How each status was categorised, and by which rule; statuses marked <code>fallback</code> matched no pattern. Fix them in the config's <code>[statuses]</code>.</p>");
    if let Some(t) = r.table(TableId::StatusMap) {
        html_table(o, t, 80);
    }
}

/// The data-quality warnings table (a sentence when there are none).
fn warnings(o: &mut String, s: &Summary) {
    if s.warnings.is_empty() {
        o.push_str("<p>No data-quality warnings.</p>");
        return;
    }
    o.push_str("<div class=\"scroll\"><table><thead><tr><th>warning</th><th>count</th><th>what happened and what to do</th></tr></thead><tbody>");
    for w in &s.warnings {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"w\">{}</td></tr>",
            esc(&w.kind.id()),
            w.count,
            esc(&w.message)
        );
    }
    o.push_str("</tbody></table></div>");
}

/// The table of the inputs read: file, format, items, events and how each was read.
fn inputs(o: &mut String, s: &Summary) {
    o.push_str("<h3>Inputs read</h3><div class=\"scroll\"><table><thead><tr><th>file</th><th>format</th><th>items</th><th>events/rows</th><th>read as</th></tr></thead><tbody>");
    for i in &s.inputs {
        let [path, format, items, events, how] = input_cells(i);
        let (path, how) = (esc(&path), esc(&how));
        let _ = write!(
            o,
            "<tr><td>{path}</td><td>{format}</td><td class=\"n\">{items}</td><td class=\"n\">{events}</td><td class=\"w\">{how}</td></tr>"
        );
    }
    o.push_str("</tbody></table></div>");
}

/// The cells of one row of the inputs table: file, format, items, events/rows, how it was
/// read (HTML and Markdown).
pub(super) fn input_cells(i: &crate::ingest::InputSummary) -> [String; 5] {
    [
        i.path.to_string(),
        i.format.to_string(),
        i.items.to_string(),
        i.events.to_string(),
        read_as(i),
    ]
}

/// How an input was read, with the reason (the inputs table of the data-quality section).
/// The importer's notes (where the workflow came from) follow.
pub(super) fn read_as(i: &crate::ingest::InputSummary) -> String {
    let how = match (i.kind, &i.kind_reason) {
        (Some(k), Some(r)) => format!("{k} log: {r}"),
        (Some(k), None) => format!("{k} log"),
        _ => "–".into(),
    };
    std::iter::once(how)
        .chain(i.notes.iter().cloned())
        .collect::<Vec<_>>()
        .join(". ")
}
