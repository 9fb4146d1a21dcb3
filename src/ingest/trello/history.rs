//! The replay state of one card: where and when its history starts ([`origin`]) and its
//! list, archived flag and members as its actions are applied ([`CardState`]).

use super::{status_of, Action, Board, Card};
use crate::ingest::replay::{Holders, Step, UNASSIGNED};
use crate::model::Ts;
use crate::time::from_unix_seconds;
use crate::warning::{WarningKind, Warnings};
use std::path::Path;

/// Actions that create a card on the board.
const CREATION: [&str; 4] = [
    "createCard",
    "copyCard",
    "convertToCardFromCheckItem",
    "emailCard",
];

/// Creation instant from a Mongo ObjectId (seconds since the epoch in its first 8 hex digits).
fn object_id_time(id: &str) -> Option<Ts> {
    let hex = id.get(..8)?;
    let secs = u32::from_str_radix(hex, 16).ok()?;
    Some(from_unix_seconds(secs as i64))
}

/// The id of the list an action moved the card to (and its name in the action), if it is
/// a move.
fn list_after(a: &Action) -> Option<(&str, Option<&str>)> {
    if a.kind != "updateCard" {
        return None;
    }
    let d = &a.data;
    if let Some(id) = d.list_after.id.as_deref() {
        return Some((id, d.list_after.name.as_deref()));
    }
    d.old.id_list.as_ref()?;
    d.card.id_list.as_deref().map(|id| (id, None))
}

/// The archived flag an `updateCard` action leaves (None: it does not archive or unarchive).
fn archived_after(a: &Action, before: bool) -> Option<bool> {
    if a.kind != "updateCard" {
        return None;
    }
    let old = a.data.old.closed.as_ref()?;
    Some(match (a.data.card.closed, old.as_bool()) {
        (Some(now), _) => now,
        (None, Some(o)) => !o,
        (None, None) => before,
    })
}

/// How a card's history starts: its creation instant and action, the board arrival, and
/// the list and archived flag it started in.
pub(super) struct Origin<'a> {
    pub(super) created: Ts,
    pub(super) creation: Option<&'a Action>,
    pub(super) arrival: Option<&'a Action>,
    pub(super) list: Option<(String, String)>,
    pub(super) archived: bool,
}

/// Where and when a card's history starts; None (with a warning) when nothing gives its
/// creation time. A card with neither a creation action nor a board arrival is counted as
/// a truncated history.
pub(super) fn origin<'a>(
    card: &Card,
    acts: &[&'a Action],
    board: &Board,
    path: &Path,
    warnings: &mut Warnings,
) -> Option<Origin<'a>> {
    let creation = acts
        .iter()
        .find(|a| CREATION.contains(&a.kind.as_str()))
        .copied();
    let arrival = acts.iter().find(|a| a.kind == "moveCardToBoard").copied();
    let created = creation
        .map(|a| a.ts)
        .or_else(|| object_id_time(&card.id))
        .or_else(|| acts.first().map(|a| a.ts))
        .or(card.last_activity);
    let Some(created) = created else {
        warnings.add(WarningKind::EventWithoutTimestamp, 1, || {
            format!(
                "{}: Trello card {:?} has no creation time (its id is not an ObjectId and it \
                 has no actions or dateLastActivity) and was skipped",
                path.display(),
                card.item
            )
        });
        return None;
    };
    if creation.is_none() && arrival.is_none() {
        let cap = board.action_counts.get(card.file).copied().unwrap_or(0);
        warnings.add(WarningKind::TruncatedChangelog, 1, || {
            format!(
                "{}: Trello card {:?} has no createCard action (the export holds {cap} actions; \
                 board exports keep only the most recent ones): its creation time comes from \
                 the card id and its first list from its earliest known move; export the \
                 board's actions with paging for the full history",
                path.display(),
                card.item
            )
        });
    }
    let first_move = acts.iter().find(|a| list_after(a).is_some()).copied();
    let first_list: Option<(String, Option<String>)> = creation
        .and_then(|a| a.data.list.id.as_deref().map(|id| (a, id)))
        .or_else(|| first_move.and_then(|a| a.data.list_before.id.as_deref().map(|id| (a, id))))
        .or_else(|| arrival.and_then(|a| a.data.list.id.as_deref().map(|id| (a, id))))
        .map(|(a, id)| {
            let name = a
                .data
                .list
                .name
                .as_deref()
                .or(a.data.list_before.name.as_deref());
            (id.to_string(), name.map(str::to_string))
        })
        .or_else(|| card.list.clone().map(|id| (id, None)));
    // The first archived flag: an unarchive as the first archive action means it was archived.
    let archived = acts
        .iter()
        .filter(|a| a.kind == "updateCard")
        .find_map(|a| a.data.old.closed.as_ref()?.as_bool())
        .unwrap_or(false);
    Some(Origin {
        created,
        creation,
        arrival,
        list: first_list.map(|(id, name)| (board.list_name(&id, name.as_deref()), id)),
        archived,
    })
}

/// A card's state during the replay: its list (name, id), archived flag and members.
pub(super) struct CardState {
    pub(super) list: Option<(String, String)>,
    pub(super) archived: bool,
    pub(super) held: Holders,
}

impl CardState {
    pub(super) fn status(&self) -> Option<String> {
        self.list
            .as_ref()
            .map(|(name, _)| status_of(name, self.archived))
    }

    /// What action `a` changes: the list and archived flag (status), the member holding the
    /// card (assignee), the board (team).
    pub(super) fn apply(&mut self, a: &Action, board: &Board) -> Step {
        let mut step = Step::default();
        let mut status_changed = false;
        match a.kind.as_str() {
            "updateCard" => {
                if let Some((id, name)) = list_after(a) {
                    self.list = Some((board.list_name(id, name), id.to_string()));
                    status_changed = true;
                }
                if let Some(archived) = archived_after(a, self.archived) {
                    self.archived = archived;
                    status_changed = true;
                }
            }
            "moveCardToBoard" => {
                if let Some(id) = a.data.list.id.as_deref() {
                    let name = board.list_name(id, a.data.list.name.as_deref());
                    self.list = Some((name, id.to_string()));
                    status_changed = true;
                }
                step.team = Some(a.team.clone());
            }
            "addMemberToCard" => {
                if let (Some(m), Some(name)) = (a.data.id_member.as_deref(), &a.member) {
                    self.held.add(m);
                    step.assignee = Some(name.clone());
                }
            }
            "removeMemberFromCard" => {
                if let Some(m) = a.data.id_member.as_deref() {
                    let was_holder = self.held.holder() == m;
                    let next = self.held.remove(m);
                    if was_holder {
                        step.assignee = Some(if next == UNASSIGNED {
                            next
                        } else {
                            board.member_name(&next)
                        });
                    }
                }
            }
            _ => {}
        }
        if status_changed {
            step.status = self.status();
        }
        step
    }
}
