//! Per-item replay into canonical events: the issue object's creation and closes joined
//! with the item's events (closes within 60 s are one close), then statuses (open, closed
//! variants, merged, workflow labels and project columns), assignees and teams replayed in
//! time order; also the order of items and per-file counts of the output.

use super::events::{Ev, Kind};
use super::shapes::{known_unmerged_pr, login, text};
use super::{Meta, Obj, RawEv, Reader, MERGED, OPEN, SAME_CLOSE, SOURCE, UNASSIGNED};
use crate::error::IngestError;
use crate::ingest::imported::Imported;
use crate::ingest::replay::Holders;
use crate::model::{Event, SourceCategory, Ts};
use serde_json::Value;
use std::collections::BTreeMap;

enum Base {
    Open,
    Closed(&'static str),
    Merged,
}

impl Reader<'_> {
    pub(super) fn build(mut self) -> Result<Imported, IngestError> {
        let (events, metas) = (
            std::mem::take(&mut self.events),
            std::mem::take(&mut self.metas),
        );
        let mut per_item: BTreeMap<&str, Vec<&RawEv>> = BTreeMap::new();
        let mut first: BTreeMap<&str, (usize, usize)> =
            metas.iter().map(|(k, m)| (k.as_str(), m.at)).collect();
        for r in &events {
            if let Some(it) = &r.item {
                per_item.entry(it).or_default().push(r);
                let at = first.entry(it).or_insert(r.at);
                *at = (*at).min(r.at);
            }
        }
        let mut order: Vec<((usize, usize), &str)> =
            first.into_iter().map(|(k, a)| (a, k)).collect();
        order.sort();
        let mut tally = crate::ingest::replay::FileTally::new(self.paths.len());
        for (fi, items) in self.file_items.iter().enumerate() {
            items.iter().for_each(|_| tally.seen(fi));
        }
        for (_, id) in order {
            let recs = per_item.get(id).map_or(&[][..], Vec::as_slice);
            let evs = self.item_events(id, metas.get(id), recs)?;
            self.out.items += usize::from(!evs.is_empty());
            for (e, fi) in evs {
                tally.events(fi, 1);
                self.out.batch.push(e);
            }
        }
        self.out.files = tally.files(self.paths);
        if self.out.batch.is_empty() {
            let none = || {
                (
                    self.path(0),
                    "no GitHub issue, pull request or event".to_string(),
                )
            };
            let (path, reason) = self.skipped.clone().unwrap_or_else(none);
            return Err(IngestError::Empty { path, reason });
        }
        Ok(self.out)
    }

    /// All events of one item, in time order, each with the file it is counted for.
    fn item_events(
        &mut self,
        id: &str,
        meta: Option<&Meta>,
        recs: &[&RawEv],
    ) -> Result<Vec<(Event, usize)>, IngestError> {
        let mut evs = Vec::new();
        for r in recs {
            evs.extend(self.convert(r)?);
        }
        let (m, at) = (meta.map(|m| &m.obj), meta.map_or((0, 0), |m| m.at));
        let rec = || format!("issue {id:?}");
        let time = |me: &mut Self, o: Option<&Obj>, k: &str| match o.and_then(|o| text(o, k)) {
            Some(raw) => me.instant(at.0, rec, k, raw).map(Some),
            None => Ok(None),
        };
        let created = time(self, m, "created_at")?;
        let closed_at = time(self, m, "closed_at")?;
        let pr = m
            .and_then(|o| o.get("pull_request"))
            .and_then(Value::as_object);
        let merged_at = match time(self, pr, "merged_at")? {
            Some(t) => Some(t),
            None => time(self, m, "merged_at")?,
        };
        let state = m
            .and_then(|o| text(o, "state"))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let meta_reason = m
            .and_then(|o| text(o, "state_reason"))
            .map(str::to_ascii_lowercase);
        let unmerged_pr = m.is_some_and(known_unmerged_pr);
        let near = |a: Ts, b: Ts| (a - b).abs() <= SAME_CLOSE;
        let closes: Vec<Ts> = evs
            .iter()
            .filter(|e| matches!(e.kind, Kind::Closed | Kind::Merged))
            .map(|e| e.ts)
            .collect();
        let at_close = |t: Ts| closes.iter().any(|&c| near(c, t));
        if let Some(o) = m {
            let merge_close = |t: Ts| merged_at.is_some_and(|m| near(m, t));
            let closed_at = closed_at.filter(|&t| state == "closed" && !merge_close(t));
            let synth = [
                (Kind::Created, created, 0, "user"),
                (
                    Kind::Merged,
                    merged_at.filter(|&t| !at_close(t)),
                    3,
                    "merged_by",
                ),
                (
                    Kind::Closed,
                    closed_at.filter(|&t| !at_close(t)),
                    3,
                    "closed_by",
                ),
            ];
            for (kind, ts, rank, who) in synth {
                if let Some(ts) = ts {
                    let actor = login(o.get(who));
                    evs.push(Ev {
                        kind,
                        ts,
                        rank,
                        at,
                        actor,
                        ..Ev::default()
                    });
                }
            }
        }
        evs.sort_by_key(|e| (e.ts, e.rank, e.at));
        let merges: Vec<Ts> = evs
            .iter()
            .filter(|e| e.kind == Kind::Merged)
            .map(|e| e.ts)
            .chain(merged_at)
            .collect();
        let last_close = evs.iter().rposition(|e| e.kind == Kind::Closed);
        // The people on the item; the assignee is the one added last still on it.
        let mut holders = Holders::default();
        let mut init = None;
        let named = evs
            .iter()
            .any(|e| e.kind == Kind::Assigned && e.who.is_some());
        if let (false, Some(o)) = (named, m) {
            let all = o
                .get("assignees")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            let people: Vec<String> = all.iter().filter_map(|x| login(Some(x))).collect();
            init = login(o.get("assignee")).or_else(|| people.first().cloned());
            for p in people.iter().chain(&init) {
                holders.add(p);
            }
        }
        let (mut base, mut wf, mut out) = (Base::Open, Vec::<(String, String)>::new(), Vec::new());
        let (mut status, mut assignee, mut team) = (None::<String>, None::<String>, None);
        for (i, e) in evs.into_iter().enumerate() {
            let (mut st, mut asg, mut tm, mut always) = (None, None, None, true);
            match e.kind {
                Kind::Created | Kind::Reopened => {
                    base = Base::Open;
                    st = Some(effective(&base, &wf));
                    if e.kind == Kind::Created {
                        asg = init.take();
                    }
                }
                Kind::Merged => base = Base::Merged,
                Kind::Closed if merges.iter().any(|&t| near(t, e.ts)) => base = Base::Merged,
                Kind::Closed => {
                    let mut reason = e.reason;
                    if reason.is_none() && Some(i) == last_close && state == "closed" {
                        reason = meta_reason.clone();
                    }
                    if reason.is_none() && unmerged_pr {
                        reason = Some("unmerged".into());
                    }
                    base = Base::Closed(closed_status(reason.as_deref()));
                }
                Kind::Assigned | Kind::ReviewRequested | Kind::Unassigned | Kind::ReviewRemoved => {
                    always = false;
                    let adds = matches!(e.kind, Kind::Assigned | Kind::ReviewRequested);
                    if let Some(w) = e.who {
                        if adds {
                            holders.add(&w);
                            asg = Some(w);
                        } else {
                            let next = holders.remove(&w);
                            if assignee.as_ref() == Some(&w) {
                                asg = Some(next);
                            }
                        }
                    }
                    match e.team {
                        Some(t) if adds => tm = Some(t),
                        Some(t) if team.as_ref() == Some(&t) => tm = Some(UNASSIGNED.to_string()),
                        _ => {}
                    }
                }
                Kind::WfSet | Kind::WfClear => {
                    always = false;
                    if let Some((key, s)) = e.wf {
                        wf.retain(|x| x.0 != key);
                        if e.kind == Kind::WfSet {
                            wf.push((key, s));
                        }
                    }
                    let now = effective(&base, &wf);
                    st = (status.as_ref() != Some(&now)).then_some(now);
                }
                Kind::Activity => {}
            }
            if matches!(e.kind, Kind::Merged | Kind::Closed) {
                let s = effective(&base, &wf);
                let done = s == "closed" || s == MERGED;
                let cat = if done {
                    SourceCategory::Done
                } else {
                    SourceCategory::Canceled
                };
                self.out
                    .hints
                    .source_categories
                    .insert((SOURCE.into(), s.clone()), cat);
                st = Some(s);
            }
            if !(always || st.is_some() || asg.is_some() || tm.is_some()) {
                continue;
            }
            status = st.clone().or(status);
            if let Some(a) = &asg {
                assignee = Some(a.clone()).filter(|a| a != UNASSIGNED);
            }
            if let Some(t) = &tm {
                team = Some(t.clone()).filter(|t: &String| t != UNASSIGNED);
            }
            let source = Some(SOURCE.to_string());
            let (timestamp, actor, item_id) = (e.ts, e.actor, id.to_string());
            let ev = Event {
                item_id,
                timestamp,
                status: st,
                assignee: asg,
                team: tm,
                actor,
                source,
                created,
            };
            out.push((ev, e.at.0));
        }
        // Every issue object has a `created_at` (see `issue_id`), hence a status: no
        // `current_status` hint is needed.
        Ok(out)
    }
}

/// The status of an item in `base` with workflow statuses `wf` (latest last).
fn effective(base: &Base, wf: &[(String, String)]) -> String {
    match base {
        Base::Open => wf.last().map_or(OPEN, |x| x.1.as_str()).to_string(),
        Base::Closed(n) => n.to_string(),
        Base::Merged => MERGED.to_string(),
    }
}

/// Status name of a close with this `state_reason`.
fn closed_status(reason: Option<&str>) -> &'static str {
    match reason {
        Some("not_planned") => "closed (not planned)",
        Some("duplicate") => "closed (duplicate)",
        Some("unmerged") => "closed (unmerged)",
        _ => "closed",
    }
}
