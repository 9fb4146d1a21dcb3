//! Handoffs (METRICS.md §4).
//!
//! The assignee and team sequences are built by [`crate::timeline`] (values in time order,
//! null, `unassigned` and excluded people dropped, consecutive repeats collapsed).
//!
//! - **handoffs** = length of the assignee sequence − 1 (0 when empty).
//! - **team_handoffs** = length of the team sequence − 1 (0 when empty).
//! - **ping_pongs** = positions `i` of the team sequence with `seq[i] == seq[i+2]`.
//! - **handoff matrix** / **handover pairs**: every consecutive pair of the team / assignee
//!   sequence, counted over all items, directed.
//! - **team change rate** = items with team_handoffs ≥ 1 ÷ items; **ping-pong rate** =
//!   items with ping_pongs ≥ 1 ÷ items; **handoffs per item** = mean team_handoffs.

use crate::timeline::Timeline;
use std::collections::BTreeMap;

/// Assignee handoffs.
pub fn handoffs(t: &Timeline) -> u32 {
    t.assignee_seq.len().saturating_sub(1) as u32
}

/// Team handoffs.
pub fn team_handoffs(t: &Timeline) -> u32 {
    t.team_seq.len().saturating_sub(1) as u32
}

/// A → B → A patterns in the team sequence.
pub fn ping_pongs(t: &Timeline) -> u32 {
    t.team_seq.windows(3).filter(|w| w[0].1 == w[2].1).count() as u32
}

/// Directed pair counts, e.g. the handoff matrix: `(from, to) → count`.
pub type PairCounts = BTreeMap<(String, String), u64>;

/// Add an item's consecutive pairs of a sequence to `acc`.
pub fn add_pairs(acc: &mut PairCounts, seq: &[(i64, &str)]) {
    for w in seq.windows(2) {
        *acc.entry((w[0].1.to_string(), w[1].1.to_string()))
            .or_insert(0) += 1;
    }
}

/// Merge two pair counts (partial results of parallel chunks).
pub fn merge_pairs(mut a: PairCounts, b: PairCounts) -> PairCounts {
    for (k, v) in b {
        *a.entry(k).or_insert(0) += v;
    }
    a
}

/// Rates over a group: (handoffs per item, team change rate, ping-pong rate) from
/// (team_handoffs, ping_pongs) per item; `None` for an empty group.
pub fn rates(items: impl IntoIterator<Item = (u32, u32)>) -> Option<(f64, f64, f64)> {
    let (mut n, mut total, mut changed, mut pp) = (0u64, 0u64, 0u64, 0u64);
    for (th, p) in items {
        n += 1;
        total += th as u64;
        changed += (th >= 1) as u64;
        pp += (p >= 1) as u64;
    }
    (n > 0).then(|| {
        (
            total as f64 / n as f64,
            changed as f64 / n as f64,
            pp as f64 / n as f64,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::testing::*;

    #[test]
    fn sequences_counts_and_matrix() {
        let mut c = ctx(30.0);
        c.exclude_people.insert("closer-bot".into());
        let e = [
            ev(0.0, Some("To Do"), Some("ann"), Some("A")),
            ev(1.0, None, Some("bob"), Some("B")),
            ev(2.0, None, Some("ann"), Some("A")),
            ev(3.0, None, Some("ann"), Some("A")),
            ev(4.0, None, Some("cat"), Some("B")),
            ev(5.0, Some("Done"), Some("closer-bot"), None),
        ];
        let t = Timeline::build("X", &e, &c);
        assert_eq!(
            handoffs(&t),
            3,
            "ann → bob → ann → cat; the bot is excluded"
        );
        assert_eq!(team_handoffs(&t), 3);
        assert_eq!(ping_pongs(&t), 2, "A B A B has two A→B→A-shaped positions");
        let mut m = PairCounts::new();
        add_pairs(&mut m, &t.team_seq);
        assert_eq!(m[&("A".to_string(), "B".to_string())], 2);
        assert_eq!(m[&("B".to_string(), "A".to_string())], 1);
        assert_eq!(m.values().sum::<u64>(), team_handoffs(&t) as u64);
    }

    #[test]
    fn same_team_reassignment_is_a_handoff_but_not_a_team_handoff() {
        let c = ctx(30.0);
        let e = [
            ev(0.0, Some("To Do"), Some("ann"), Some("A")),
            ev(1.0, None, Some("bob"), Some("A")),
        ];
        let t = Timeline::build("X", &e, &c);
        assert_eq!((handoffs(&t), team_handoffs(&t), ping_pongs(&t)), (1, 0, 0));
        assert_eq!(
            rates([(0, 0), (2, 1), (1, 0), (1, 0)]),
            Some((1.0, 0.75, 0.25))
        );
        assert_eq!(rates([]), None);
    }
}
