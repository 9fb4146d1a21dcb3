//! Linking events to items: an event's own link, else the one item the other events of
//! its per-issue file name, else the one issue of the input whose number the file's name
//! holds (`issue-28-events.json`, `28.json`: per-issue `/issues/N/events` responses name no
//! issue), else the only issue of the input if of the same repository; other events are
//! skipped with an `input_skipped` warning.

use super::shapes::{parse_url, text};
use super::Reader;
use std::collections::BTreeSet;

impl Reader<'_> {
    fn unlinked(&self, fi: usize) -> Vec<usize> {
        let all = self.file_events.get(fi).map_or(&[][..], Vec::as_slice);
        let unlinked = |i: &&usize| self.events.get(**i).is_some_and(|r| r.item.is_none());
        all.iter().filter(unlinked).copied().collect()
    }

    fn assign(&mut self, idx: &[usize], item: &str) {
        for &i in idx {
            if let Some(r) = self.events.get_mut(i) {
                r.item = Some(item.to_string());
            }
        }
    }

    /// The one known item whose number is a run of digits of file `fi`'s name.
    fn named_by_file(&self, fi: usize, known: &BTreeSet<String>) -> Option<String> {
        let stem = self
            .paths
            .get(fi)?
            .file_stem()?
            .to_string_lossy()
            .to_string();
        let numbers: BTreeSet<&str> = stem
            .split(|c: char| !c.is_ascii_digit())
            .filter(|d| !d.is_empty())
            .collect();
        let mut hits = known
            .iter()
            .filter(|k| k.rsplit_once('#').is_some_and(|(_, n)| numbers.contains(n)));
        match (hits.next(), hits.next()) {
            (Some(one), None) => Some(one.clone()),
            _ => None,
        }
    }

    /// Give events without a link of their own the item of their file (module docs).
    pub(super) fn link(&mut self) {
        let n = self.paths.len();
        let mut changed = true;
        while changed {
            changed = false;
            for fi in 0..n {
                let todo = self.unlinked(fi);
                let items: BTreeSet<&String> = self.file_events[fi]
                    .iter()
                    .filter_map(|&i| self.events.get(i)?.item.as_ref())
                    .collect();
                let single = (items.len() == 1).then(|| items.first().map(|s| s.to_string()));
                if let (false, Some(Some(it))) = (todo.is_empty(), single) {
                    self.assign(&todo, &it);
                    changed = true;
                }
            }
        }
        let linked = self.events.iter().filter_map(|r| r.item.clone());
        let known: BTreeSet<String> = self.metas.keys().cloned().chain(linked).collect();
        let only = (known.len() == 1).then(|| known.first().cloned()).flatten();
        for fi in 0..n {
            let todo = self.unlinked(fi);
            if todo.is_empty() {
                continue;
            }
            if let Some(it) = self.named_by_file(fi, &known) {
                self.assign(&todo, &it);
                continue;
            }
            if let Some(it) = &only {
                let repo = it.rsplit_once('#').map_or("", |x| x.0);
                let url = |i: &usize| self.events.get(*i).and_then(|r| text(&r.obj, "url"));
                if todo
                    .iter()
                    .all(|i| url(i).and_then(parse_url).is_none_or(|u| u.repo == repo))
                {
                    self.assign(&todo, it);
                    continue;
                }
            }
            let msg = format!(
                "{}: {} GitHub event(s) skipped: their issue or pull request is \
                unknown (per-issue events name no issue number); give the issue JSON \
                (`gh api repos/OWNER/REPO/issues/N`) or its timeline in the same run",
                self.path(fi).display(),
                todo.len()
            );
            self.skip(fi, todo.len() as u64, msg);
        }
        for fi in 0..n {
            for &i in &self.file_events[fi] {
                if let Some(it) = self.events.get(i).and_then(|r| r.item.clone()) {
                    self.file_items[fi].insert(it);
                }
            }
        }
    }
}
