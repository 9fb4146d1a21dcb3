//! The executive summary's notes before its headline figures: how an activity log was read
//! and where its cases end, and the caution when the done items finished in a window
//! ([`crate::metrics::finish_window`]). Each says what the figures below cannot show and the
//! setting or command that changes it.

use super::{Block, Section};
use crate::metrics::items::ItemRecord;
use crate::metrics::lifecycle::Outcome;
use rayon::prelude::*;

/// Where a note goes: before the headline figures (after the verdict, or the failed gates).
fn before_headline(executive: &Section) -> usize {
    executive
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Headline))
        .unwrap_or(0)
}

/// The executive summary, with a note before the headline figures when items come from a
/// process-mining activity log.
pub(super) fn with_activity_note(mut executive: Section, records: &[ItemRecord]) -> Section {
    let activity_items = records.par_iter().filter(|r| r.activity).count();
    if activity_items == 0 {
        return executive;
    }
    let measured = records
        .par_iter()
        .any(|r| r.activity && r.active_days().is_some());
    let open = records
        .par_iter()
        .filter(|r| r.activity && r.outcome == Outcome::Open)
        .count() as u64;
    let ends = end_sentence(
        &crate::metrics::end_activities::count(records),
        activity_items as u64,
        open,
    );
    let at = before_headline(&executive);
    executive.blocks.insert(
        at,
        Block::Paragraph(format!(
            "{activity_items} of {} items come from a process-mining activity log (see the inputs in the data-quality section): each case starts at its first event and finishes at its last, and the time after each activity counts as waiting in it.{}",
            records.len(),
            if measured {
                " Active time comes from the log's lifecycle start and complete events."
            } else {
                " The log records only completions (no lifecycle start events), so work cannot be told from waiting: flow efficiency cannot be measured from this log (it is left empty, not 0%)."
            }
        )),
    );
    if !ends.is_empty() {
        executive.blocks.insert(at + 1, Block::Paragraph(ends));
    }
    executive
}

/// Where the activity-log cases end (`ends`: activity and cases, most first; `cases` in all,
/// `open` of them open), as a sentence: the four commonest, then the rest together. When no
/// case is open (each finished at its last event) and they end on more than one activity, the
/// sentence names the setting that keeps the cases that have not ended open. Empty without
/// cases.
fn end_sentence(ends: &[(String, u64)], cases: u64, open: u64) -> String {
    if ends.is_empty() || cases == 0 {
        return String::new();
    }
    let pct = |n: u64| {
        let p = n as f64 * 100.0 / cases as f64;
        if n > 0 && p < 0.5 {
            "under 1%".to_string()
        } else {
            format!("{p:.0}%")
        }
    };
    let mut parts: Vec<String> = ends
        .iter()
        .take(4)
        .map(|(a, n)| format!("\u{201c}{a}\u{201d} ({})", pct(*n)))
        .collect();
    let rest: u64 = ends.iter().skip(4).map(|e| e.1).sum();
    if ends.len() > 4 {
        let k = ends.len() - 4;
        parts.push(format!(
            "{k} other {} ({})",
            if k == 1 { "activity" } else { "activities" },
            pct(rest)
        ));
    }
    let list = match parts.len() {
        1 => parts[0].clone(),
        n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
    };
    let mut s = format!("Cases end on {list}.");
    if open == 0 && ends.len() > 1 {
        s.push_str(" Every case counts as finished at its last event: if some of these leave a case still running, list the activities that do end a case in [log] end_activities (docs/GUIDE.md, \u{201c}Cases that are still running\u{201d}).");
    }
    s
}

/// The executive summary, with a caution before the headline figures when the done items
/// bunch in a few weeks of a long grid ([`crate::metrics::finish_window`]): the throughput
/// shown is averaged over weeks the export holds nothing of.
pub(super) fn with_window_note(
    mut executive: Section,
    window: Option<crate::metrics::finish_window::Flagged>,
    weeks: usize,
) -> Section {
    let Some((w, (from, to))) = window else {
        return executive;
    };
    let at = before_headline(&executive);
    executive.blocks.insert(
        at,
        Block::Paragraph(format!(
            "Caution: {} of the {} done items finished in {} of the {} weeks audited ({from} to {to}): this export probably holds only the items closed then, so the throughput below is averaged over weeks it holds nothing of. Audit the window alone with --from {from} --to {to} (see the finish_window warning).",
            w.done,
            w.total,
            w.last - w.first + 1,
            weeks
        )),
    );
    executive
}

#[cfg(test)]
mod tests {
    use super::end_sentence;

    fn ends(v: &[(&str, u64)]) -> Vec<(String, u64)> {
        v.iter().map(|(a, n)| (a.to_string(), *n)).collect()
    }

    #[test]
    fn end_activities_are_listed_with_their_shares_and_the_setting_when_no_case_is_open() {
        // The road-traffic-fine log's ends (150,370 cases).
        let e = ends(&[
            ("Payment", 67_201),
            ("Send for Credit Collection", 58_997),
            ("Send Fine", 20_755),
            ("Send Appeal to Prefecture", 3_144),
            ("Appeal to Judge", 134),
            ("Notify Result Appeal to Offender", 86),
            ("Receive Result Appeal from Prefecture", 53),
        ]);
        assert_eq!(
            end_sentence(&e, 150_370, 0),
            "Cases end on \u{201c}Payment\u{201d} (45%), \u{201c}Send for Credit Collection\u{201d} (39%), \u{201c}Send Fine\u{201d} (14%), \u{201c}Send Appeal to Prefecture\u{201d} (2%) and 3 other activities (under 1%). Every case counts as finished at its last event: if some of these leave a case still running, list the activities that do end a case in [log] end_activities (docs/GUIDE.md, \u{201c}Cases that are still running\u{201d})."
        );
        // With end_activities set (some cases open), only where they end.
        assert_eq!(
            end_sentence(&e[..2], 126_198, 58_997),
            "Cases end on \u{201c}Payment\u{201d} (53%) and \u{201c}Send for Credit Collection\u{201d} (47%)."
        );
        // One end activity: nothing to tell apart.
        assert_eq!(
            end_sentence(&ends(&[("Release", 5)]), 5, 0),
            "Cases end on \u{201c}Release\u{201d} (100%)."
        );
        assert_eq!(end_sentence(&[], 0, 0), "");
    }
}
