//! Scope helpers shared by the report's parts (METRICS.md §5–§6): which items are in WIP at
//! `as_of`, which of them are at risk, and the sample of points a chart draws.

use crate::metrics::items::ItemRecord;
use crate::metrics::lifecycle::Outcome;
use crate::model::{Category, Ts};

/// The last category of an item as of `as_of`.
fn last_category(r: &ItemRecord) -> Option<Category> {
    r.category_changes.last().map(|x| x.category())
}

/// Is the item in WIP at `as_of` (open, in a committed category)?
pub fn in_wip(r: &ItemRecord) -> bool {
    r.outcome == Outcome::Open && last_category(r).is_some_and(Category::is_committed)
}

/// WIP items whose age exceeds `p85` (METRICS.md §6 aging).
pub fn at_risk(wip: &[&ItemRecord], p85: Option<f64>, as_of: Ts) -> u64 {
    use crate::metrics::aging;
    wip.iter()
        .filter(|r| {
            r.started()
                .is_some_and(|s| aging::at_risk(aging::age_days(s, as_of), p85))
        })
        .count() as u64
}

/// Charts draw at most this many points; beyond it, an evenly spaced sample (in the
/// records' order) keeps the shape while the SVG stays small. Figures use every item.
pub const MAX_POINTS: usize = 4000;

/// An evenly spaced, deterministic sample of at most `max` elements.
pub fn thin<T>(v: Vec<T>, max: usize) -> Vec<T> {
    let n = v.len();
    thin_of(n, v, max)
}

/// [`thin`] of the `n` elements `items` yields, without collecting them first (a chart of
/// every done item held 16 bytes per item before it was thinned: 200 MB at 100M events).
pub fn thin_of<T>(n: usize, items: impl IntoIterator<Item = T>, max: usize) -> Vec<T> {
    let items = items.into_iter();
    if n <= max {
        return items.collect();
    }
    items
        .enumerate()
        .filter(|(i, _)| (i * max) / n != ((i + 1) * max) / n)
        .map(|x| x.1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_evenly_spaced_elements_counted_or_collected() {
        let v: Vec<u32> = (0..10).collect();
        assert_eq!(thin(v.clone(), 4), [2, 4, 7, 9]);
        assert_eq!(thin(v.clone(), 10), v);
        for n in [0, 1, 3, 4, 5, 9, 10, 11, 1000, 4001] {
            for max in [1, 4, 10, 4000] {
                let all: Vec<usize> = (0..n).collect();
                let kept = thin_of(n, 0..n, max);
                assert_eq!(kept, thin(all, max), "{n} {max}");
                assert_eq!(kept.len(), n.min(max), "{n} {max}");
            }
        }
    }
}
