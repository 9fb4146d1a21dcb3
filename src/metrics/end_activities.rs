//! End activities (METRICS.md §11, "End activities"): the activity each case of an activity
//! log ends on, counted.
//!
//! **Definition.** Over the items read from an activity log, the number of cases whose last
//! activity (the status in force at the case's end) is each activity; most cases first, equal
//! counts by name (byte order).
//!
//! Why: an activity log's case finishes at its last event unless `[log] end_activities` names
//! the activities that end a case. Real logs are extracts: 20,755 of the road-traffic-fine log's
//! 150,370 cases end on "Send Fine" (an unpaid fine, still running) and 270 of Sepsis's 1,050
//! on a lab test. The executive summary lists where cases end, so that a reader can see which
//! "done" cases are not, and names the setting that says so.

use super::items::ItemRecord;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// (activity, cases ending on it) over the activity-log items of `records`, most first,
/// equal counts by name.
pub fn count(records: &[ItemRecord]) -> Vec<(String, u64)> {
    let map = records
        .par_iter()
        .filter(|r| r.activity)
        .fold(FxHashMap::<&str, u64>::default, |mut m, r| {
            if let Some(s) = r.current_status() {
                *m.entry(s).or_insert(0) += 1;
            }
            m
        })
        .reduce(FxHashMap::default, |mut a, b| {
            for (k, n) in b {
                *a.entry(k).or_insert(0) += n;
            }
            a
        });
    let mut out: Vec<(String, u64)> = map.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::items::record;
    use crate::name::Interner;
    use crate::timeline::testing::{ctx, day};
    use crate::timeline::{EventRef, Timeline};

    fn case(id: &'static str, activities: &[&'static str], activity: bool) -> ItemRecord {
        let events: Vec<EventRef> = activities
            .iter()
            .enumerate()
            .map(|(i, a)| EventRef {
                ts: day(i as f64),
                status: Some(a),
                flags: if activity {
                    crate::ingest::flags::ACTIVITY
                } else {
                    0
                },
                ..Default::default()
            })
            .collect();
        let c = ctx(30.0);
        let t = Timeline::build(id, &events, &c);
        record(&t, &c, &mut Interner::default())
    }

    #[test]
    fn cases_are_counted_by_their_last_activity_most_first_then_by_name() {
        let records = vec![
            case("A1", &["Create Fine", "Send Fine"], true),
            case("A2", &["Create Fine", "Payment"], true),
            case("A3", &["Create Fine", "Send Fine", "Payment"], true),
            case("A4", &["Create Fine", "Send Fine"], true),
            case("A5", &["Create Fine", "Appeal"], true),
            // A status-log item is not a case of an activity log.
            case("J1", &["To Do", "Done"], false),
        ];
        assert!(records[..5].iter().all(|r| r.activity) && !records[5].activity);
        assert_eq!(
            count(&records),
            [
                ("Payment".to_string(), 2),
                ("Send Fine".to_string(), 2),
                ("Appeal".to_string(), 1)
            ]
        );
        assert!(count(&records[5..]).is_empty());
    }
}
