//! Ping-pong bounces between team pairs (METRICS.md §4, §9).
//!
//! A **bounce** A → B → A lasts from the event that handed the item to B until the event
//! that handed it back to A. A ping-pong *pair* is unordered (A ↔ B, written with
//! `team_a < team_b`). Per pair: bounces, distinct items with a bounce, and Σ bounce
//! durations in item-days.

use crate::model::{days, Ts};
use std::collections::BTreeMap;

/// Totals for one unordered team pair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairBounces {
    /// Number of bounces.
    pub bounces: u64,
    /// Items with at least one bounce of this pair.
    pub items: u64,
    /// Σ bounce durations (microseconds).
    pub micros: i64,
}

impl PairBounces {
    /// Add the bounces of other items.
    pub fn add(&mut self, o: &PairBounces) {
        self.bounces += o.bounces;
        self.items += o.items;
        self.micros += o.micros;
    }

    /// Σ bounce durations in item-days.
    pub fn item_days(&self) -> f64 {
        days(self.micros)
    }
}

/// Add one item's bounces (from its team sequence with hand-over instants) to `acc`.
pub fn add_item<S: AsRef<str>>(acc: &mut BTreeMap<(String, String), PairBounces>, seq: &[(Ts, S)]) {
    let mut seen: Vec<(String, String)> = Vec::new();
    for w in seq.windows(3) {
        let (a, b, c) = (w[0].1.as_ref(), w[1].1.as_ref(), w[2].1.as_ref());
        if a != c {
            continue;
        }
        let key = if a < b {
            (a.to_string(), b.to_string())
        } else {
            (b.to_string(), a.to_string())
        };
        let e = acc.entry(key.clone()).or_default();
        e.bounces += 1;
        e.micros += w[2].0 - w[1].0;
        if !seen.contains(&key) {
            e.items += 1;
            seen.push(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: i64 = crate::model::MICROS_PER_DAY_I64;

    #[test]
    fn bounce_runs_from_hand_to_b_until_hand_back() {
        let mut acc = BTreeMap::new();
        // A(0) → B(1) → A(3) → B(4) → A(6): bounces A-B-A [1,3], B-A-B [3,4], A-B-A [4,6].
        add_item(
            &mut acc,
            &[(0, "A"), (D, "B"), (3 * D, "A"), (4 * D, "B"), (6 * D, "A")],
        );
        add_item(&mut acc, &[(0, "B"), (D, "C"), (2 * D, "B")]);
        let ab = &acc[&("A".to_string(), "B".to_string())];
        assert_eq!((ab.bounces, ab.items), (3, 1));
        assert_eq!(ab.item_days(), 2.0 + 1.0 + 2.0);
        let bc = &acc[&("B".to_string(), "C".to_string())];
        assert_eq!((bc.bounces, bc.items, bc.item_days()), (1, 1, 1.0));
    }
}
