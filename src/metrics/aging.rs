//! Aging WIP (METRICS.md §6): for each item in WIP at `as_of` (a committed category),
//! age = as_of − started. It is *at risk* when its age exceeds the p85 cycle time of its
//! team, or of the whole scope when the team has fewer than 10 done items with a cycle time
//! in the period.

use crate::model::{days, Ts};

/// Done items with a cycle time a team needs for its own p85 to be used.
pub const MIN_TEAM_SAMPLE: u64 = 10;

/// The p85 that judges a team's WIP: the team's when it has enough done items, else the
/// scope's.
pub fn threshold(team_n: u64, team_p85: Option<f64>, scope_p85: Option<f64>) -> Option<f64> {
    if team_n >= MIN_TEAM_SAMPLE {
        team_p85
    } else {
        scope_p85
    }
}

/// Age in days of a WIP item.
pub fn age_days(started: Ts, as_of: Ts) -> f64 {
    days(as_of - started)
}

/// Is an item of this age at risk?
pub fn at_risk(age: f64, threshold: Option<f64>) -> bool {
    threshold.is_some_and(|p| age > p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_p85_needs_ten_items_and_risk_is_strict() {
        assert_eq!(threshold(10, Some(5.0), Some(9.0)), Some(5.0));
        assert_eq!(threshold(9, Some(5.0), Some(9.0)), Some(9.0));
        assert!(at_risk(9.5, Some(9.0)));
        assert!(!at_risk(9.0, Some(9.0)));
        assert!(!at_risk(100.0, None));
        assert_eq!(age_days(0, 86_400_000_000 * 3), 3.0);
    }
}
