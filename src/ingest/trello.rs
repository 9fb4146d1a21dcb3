//! Trello board JSON export (FORMATS.md §5): `{id, name, cards[], lists[], members[],
//! actions[], …}`; one card is one work item, its list is its workflow status.
//!
//! Responsibility: replay each card's actions into canonical events (METRICS.md §1) and sniff
//! whether a file is a Trello board export ([`sniff`]).
//!
//! Decisions:
//! - Items are the cards of `cards[]` (archived ones included); actions of cards that are not
//!   there (deleted, or moved to another board) are ignored. Item id = the card's
//!   `shortLink` (its `id` when absent). A card in several exports is kept once (the copy
//!   with the latest `dateLastActivity`); actions are joined across files and kept once by
//!   action id, so a card moved between two exported boards has one history.
//! - `actions[]` is newest-first: it is reversed, then each card's actions are ordered by
//!   date (stable, so ties keep that order).
//! - Status = the list's **current** name from `lists[]`, looked up by list id: a renamed list
//!   (`updateList`, e.g. 進行中 → 作業中 in the real export) stays one status, and the config
//!   maps today's names. The name stored in the action (`listAfter.name`) is used only when the
//!   list is not in `lists[]`.
//! - Creation: the first `createCard` / `copyCard` / `convertToCardFromCheckItem` /
//!   `emailCard` action gives the instant and first list (`data.list`); without one, the
//!   instant comes from the card id (Mongo ObjectId: seconds in its first 8 hex digits) and
//!   the first list is the `listBefore` of the earliest move, else the list of a
//!   `moveCardToBoard`, else the card's current list. A card with neither a creation action
//!   nor a `moveCardToBoard` lost its early history to the export's action cap (about 1000
//!   actions): counted as a `truncated_changelog` warning.
//! - Moves: `updateCard` with `data.listAfter` (or `data.old.idList` and `data.card.idList`).
//!   `moveCardToBoard` sets the arrival list and the team of the receiving board;
//!   `moveCardFromBoard` sets nothing (the card leaves this board).
//! - Archiving (`updateCard` with `data.old.closed`) is not an outcome in Trello: a card can be
//!   archived from a done list or dropped from a wish list. It sets the status
//!   `"<list> (archived)"` and unarchiving sets `"<list>"` again, so no outcome is invented:
//!   `Done (archived)` still matches the `done` pattern, and an archived card of any other
//!   list can be mapped in the config (e.g. `"In Progress (archived)" = "canceled"`).
//! - Assignee: members are a set; the assignee is the member added last who is still on the
//!   card. `addMemberToCard` sets it; `removeMemberFromCard` of the assignee falls back to the
//!   previously added member still on the card, else `unassigned`. A card with members but no
//!   member actions has its first member as assignee from creation. Names: `fullName`, else
//!   `username`, else the member id.
//! - After the replay, a card whose list or archived flag differs from `cards[]` (missing
//!   actions) gets one more event at its `dateLastActivity` with the current state (counted
//!   as `truncated_changelog`).
//! - Team = `[import] trello_team` or the board's `name`, set on the creation event.
//! - Actor = the action's `memberCreator` (same name rule). Actions that change none of
//!   status, assignee or team (comments, renames, positions) are not events.
//!
//! Invariants: `source` = `trello` and `created` on every event; no panics on data; errors
//! name the file, the action or card, the field and the value.

use super::imported::{ImportContext, Imported};
use super::replay::{Holders, ItemReplay, Step};
use crate::error::{shown, IngestError, Location};
use crate::model::Ts;
use crate::time::parse_instant;
use crate::warning::{WarningKind, Warnings};
use history::{origin, CardState};
use serde::Deserialize;
use serde_json::Value;
use shapes::{ActionData, ActionJson, BoardJson, CardJson, MemberJson};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod history;
mod shapes;

/// The `source` of every Trello event.
pub const SOURCE: &str = "trello";

/// Keys only Trello objects carry; a board export's head holds several of them.
const MARKERS: [&str; 8] = [
    "\"idOrganization\"",
    "\"labelNames\"",
    "\"shortLink\"",
    "\"idBoard\"",
    "\"idList\"",
    "\"idMemberCreator\"",
    "\"idMembers\"",
    "\"idShort\"",
];

/// Suffix of the status of an archived card.
const ARCHIVED: &str = " (archived)";

/// Does the head of a file look like a Trello board export? True when it is a JSON object
/// with a 24-hex-digit `"id"` (Trello ids are Mongo ObjectIds) and at least two keys only
/// Trello writes (`idOrganization`, `labelNames`, `shortLink`, `idBoard`, `idList`, …).
pub fn sniff(head: &[u8], _path: &Path) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(start) = head.iter().position(|c| !c.is_ascii_whitespace()) else {
        return false;
    };
    if head.get(start) != Some(&b'{') {
        return false;
    }
    let text = String::from_utf8_lossy(head);
    let markers = MARKERS.iter().filter(|m| text.contains(*m)).count();
    markers >= 2 && has_object_id(&text)
}

/// Is there a `"id": "<24 hex digits>"` pair in `text`?
fn has_object_id(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find("\"id\"") {
        rest = rest.get(i + 4..).unwrap_or("");
        let v = rest.trim_start();
        if let Some(v) = v.strip_prefix(':') {
            if let Some(v) = v.trim_start().strip_prefix('"') {
                let hex = v.bytes().take_while(u8::is_ascii_hexdigit).count();
                if hex == 24 && v.as_bytes().get(24) == Some(&b'"') {
                    return true;
                }
            }
        }
    }
    false
}

/// A card of `cards[]`, as the replay needs it.
struct Card {
    file: usize,
    id: String,
    item: String,
    list: Option<String>,
    closed: bool,
    members: Vec<String>,
    last_activity: Option<Ts>,
    team: String,
}

/// An action, with what the replay needs.
struct Action {
    ts: Ts,
    kind: String,
    card: String,
    data: ActionData,
    member: Option<String>,
    actor: Option<String>,
    team: String,
}

/// Everything read from the files, joined.
#[derive(Default)]
struct Board {
    lists: BTreeMap<String, String>,
    members: BTreeMap<String, String>,
    cards: Vec<Card>,
    card_index: BTreeMap<String, usize>,
    actions: Vec<Action>,
    action_ids: BTreeSet<String>,
    /// Number of actions per file (for the cap hint in warnings).
    action_counts: Vec<usize>,
}

/// Read every Trello board export of the input.
pub fn read_many(paths: &[PathBuf], ctx: &ImportContext) -> Result<Imported, IngestError> {
    let mut out = Imported::default();
    let mut board = Board::default();
    for (fi, path) in paths.iter().enumerate() {
        read_file(path, fi, ctx, &mut board, &mut out.warnings)?;
    }
    if board.cards.is_empty() {
        return Err(IngestError::Empty {
            path: paths.first().cloned().unwrap_or_default(),
            reason: "the Trello board has no cards".into(),
        });
    }
    let mut per_card: BTreeMap<&str, Vec<&Action>> = BTreeMap::new();
    for a in &board.actions {
        per_card.entry(a.card.as_str()).or_default().push(a);
    }
    let mut tally = super::replay::FileTally::new(paths.len());
    for card in &board.cards {
        let mut acts = per_card.remove(card.id.as_str()).unwrap_or_default();
        acts.sort_by_key(|a| a.ts);
        let path = paths.get(card.file).map_or(Path::new(""), |p| p.as_path());
        let n = replay(card, &acts, &board, path, &mut out);
        tally.item(card.file, n);
    }
    out.items = tally.items();
    out.files = tally.files(paths);
    Ok(out)
}

/// One export file: its board, with `path` for errors.
struct File<'a> {
    path: &'a Path,
    index: usize,
    ctx: &'a ImportContext,
    team: String,
}

/// Read one board export into `board` (lists, members and cards kept once, actions joined).
fn read_file(
    path: &Path,
    fi: usize,
    ctx: &ImportContext,
    board: &mut Board,
    warnings: &mut Warnings,
) -> Result<(), IngestError> {
    let json = parse_board(path)?;
    let board_name = json
        .name
        .clone()
        .or_else(|| json.id.as_ref().map(|id| format!("board {id}")))
        .unwrap_or_else(|| "Trello".to_string());
    let file = File {
        path,
        index: fi,
        ctx,
        team: ctx.options.trello_team.clone().unwrap_or(board_name),
    };
    for l in json.lists.iter().flatten() {
        if let (Some(id), Some(name)) = (&l.id, &l.name) {
            board
                .lists
                .entry(id.clone())
                .or_insert_with(|| name.clone());
        }
    }
    for m in json.members.iter().flatten() {
        if let (Some(id), Some(name)) = (&m.id, m.person()) {
            board.members.entry(id.clone()).or_insert(name);
        }
    }
    for (n, c) in json.cards.iter().flatten().enumerate() {
        file.card(n, c, board, warnings)?;
    }
    let actions = json.actions.unwrap_or_default();
    board.action_counts.push(actions.len());
    // Newest-first in the file: replay oldest-first.
    for (n, a) in actions.into_iter().enumerate().rev() {
        file.action(n, a, board, warnings)?;
    }
    Ok(())
}

/// The board of one file; an error names what is missing.
fn parse_board(path: &Path) -> Result<BoardJson, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let data = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let root: Value = serde_json::from_slice(data).map_err(|e| IngestError::Malformed {
        path: path.to_path_buf(),
        record: Location::line_column(e.line(), e.column()),
        reason: format!("{e}; the file is not valid JSON (re-export the board)"),
    })?;
    let malformed = |reason: &str| IngestError::Malformed {
        path: path.to_path_buf(),
        record: "board".into(),
        reason: format!(
            "{reason}; this is not a Trello board export (Menu → Print and export → JSON)"
        ),
    };
    let json = match root {
        Value::Object(_) => BoardJson::deserialize(root)
            .map_err(|e| malformed(&format!("unexpected content ({e})")))?,
        _ => BoardJson::default(),
    };
    if json.cards.is_none() {
        return Err(malformed("no `cards` array"));
    }
    if json.lists.is_none() {
        return Err(malformed("no `lists` array"));
    }
    Ok(json)
}

impl File<'_> {
    /// An instant of the file; an error names the record, the field and the value.
    fn when(
        &self,
        v: &str,
        record: String,
        field: &str,
        w: &mut Warnings,
    ) -> Result<Ts, IngestError> {
        parse_ts(v, self.ctx, w).map_err(|reason| IngestError::BadValue {
            path: self.path.to_path_buf(),
            record: record.into(),
            field: field.to_string(),
            value: shown(v),
            reason: format!("{reason}; fix the value or re-export the board"),
        })
    }

    /// Card `n` of `cards[]`; a card in several exports is kept once (the latest activity).
    fn card(
        &self,
        n: usize,
        c: &CardJson,
        board: &mut Board,
        warnings: &mut Warnings,
    ) -> Result<(), IngestError> {
        let Some(id) = c.id.as_deref() else {
            warnings.add(WarningKind::RowWithoutItemId, 1, || {
                format!(
                    "{}: card {} has no `id` and was skipped",
                    self.path.display(),
                    n + 1
                )
            });
            return Ok(());
        };
        let last_activity = match c.date_last_activity.as_deref() {
            Some(v) => Some(self.when(v, format!("card {id:?}"), "dateLastActivity", warnings)?),
            None => None,
        };
        let card = Card {
            file: self.index,
            id: id.to_string(),
            item: c.short_link.as_deref().unwrap_or(id).to_string(),
            list: c.id_list.clone(),
            closed: c.closed.unwrap_or(false),
            members: c.id_members.clone(),
            last_activity,
            team: self.team.clone(),
        };
        match board.card_index.get(id) {
            Some(&k) => {
                if let Some(old) = board.cards.get_mut(k) {
                    if card.last_activity > old.last_activity {
                        *old = card;
                    }
                }
            }
            None => {
                board.card_index.insert(id.to_string(), board.cards.len());
                board.cards.push(card);
            }
        }
        Ok(())
    }

    /// Action `n` of `actions[]` on a card; the same action in two exports is kept once.
    fn action(
        &self,
        n: usize,
        a: ActionJson,
        board: &mut Board,
        warnings: &mut Warnings,
    ) -> Result<(), IngestError> {
        let Some(card) = a.data.card.id.clone() else {
            return Ok(());
        };
        let id = a.id.clone().unwrap_or_else(|| format!("#{}", n + 1));
        if !board.action_ids.insert(id.clone()) {
            return Ok(()); // the same action in two exports
        }
        let record = format!("action {id:?} ({})", a.kind.as_deref().unwrap_or("?"));
        let Some(date) = a.date.as_deref() else {
            return Err(IngestError::BadValue {
                path: self.path.to_path_buf(),
                record: record.into(),
                field: "date".into(),
                value: String::new(),
                reason: "every Trello action has a date; re-export the board".into(),
            });
        };
        let ts = self.when(date, record, "date", warnings)?;
        let name = |m: &str| {
            board
                .members
                .get(m)
                .cloned()
                .unwrap_or_else(|| m.to_string())
        };
        let actor = a
            .member_creator
            .as_ref()
            .and_then(MemberJson::person)
            .or_else(|| a.id_member_creator.as_deref().map(name));
        let member = a.data.id_member.as_deref().map(|m| {
            a.member
                .as_ref()
                .and_then(MemberJson::person)
                .or_else(|| board.members.get(m).cloned())
                .unwrap_or_else(|| m.to_string())
        });
        board.actions.push(Action {
            ts,
            kind: a.kind.unwrap_or_default(),
            card,
            data: a.data,
            member,
            actor,
            team: self.team.clone(),
        });
        Ok(())
    }
}

fn parse_ts(v: &str, ctx: &ImportContext, w: &mut Warnings) -> Result<Ts, String> {
    let (ts, how) = parse_instant(v, ctx.tz)?;
    let mut l = super::instants::LocalTimes::default();
    l.count(how, || format!("Trello date {v:?}"));
    l.warn(ctx.tz, w);
    Ok(ts)
}

/// A card's status: its list's name, with the archived suffix.
fn status_of(list: &str, archived: bool) -> String {
    if archived {
        format!("{list}{ARCHIVED}")
    } else {
        list.to_string()
    }
}

impl Board {
    /// A list's current name (else the name in the action, else `list <id>`).
    fn list_name(&self, id: &str, fallback: Option<&str>) -> String {
        self.lists
            .get(id)
            .cloned()
            .or_else(|| fallback.map(str::to_string))
            .unwrap_or_else(|| format!("list {id}"))
    }

    /// A member's name by id (the id when unknown).
    fn member_name(&self, id: &str) -> String {
        self.members
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

/// Replay one card's actions (time-ordered) into events; returns how many were pushed.
fn replay(card: &Card, acts: &[&Action], board: &Board, path: &Path, out: &mut Imported) -> u64 {
    let Some(o) = origin(card, acts, board, path, &mut out.warnings) else {
        return 0;
    };
    // Members on the card, by id; the assignee is the one added last still on it.
    let mut state = CardState {
        list: o.list,
        archived: o.archived,
        held: Holders::default(),
    };
    let has_member_actions = acts
        .iter()
        .any(|a| matches!(a.kind.as_str(), "addMemberToCard" | "removeMemberFromCard"));
    let mut assignee = None;
    if !has_member_actions {
        if let Some(m) = card.members.first() {
            for x in card.members.iter().rev() {
                state.held.add(x);
            }
            assignee = Some(board.member_name(m));
        }
    }
    let team = o.creation.or(o.arrival).map_or(&card.team, |a| &a.team);
    let first = Step {
        status: state.status(),
        assignee,
        team: Some(team.clone()),
    };
    let actor = o.creation.and_then(|a| a.actor.clone());
    let mut r = ItemReplay::start(&mut out.batch, SOURCE, &card.item, o.created, first, actor);
    let mut last = o.created;
    for a in acts {
        if o.creation.is_some_and(|c| std::ptr::eq(c, *a)) {
            continue;
        }
        let before = r.pushed();
        r.step(a.ts, state.apply(a, board), a.actor.clone());
        if r.pushed() > before {
            last = a.ts;
        }
    }
    // Reconcile with the card's current state (actions missing from the export).
    let now_list = card.list.as_deref();
    let replayed_list = state.list.as_ref().map(|(_, id)| id.as_str());
    let current = now_list.map(|id| status_of(&board.list_name(id, None), card.closed));
    if let (Some(status), true) = (
        &current,
        now_list != replayed_list || state.archived != card.closed,
    ) {
        let at = card.last_activity.map_or(last, |t| t.max(last));
        out.warnings.add(WarningKind::TruncatedChangelog, 1, || {
            format!(
                "{}: Trello card {:?}: its actions end in another list or archive state than \
                 the card itself; its current status {status:?} was set at its last activity",
                path.display(),
                card.item
            )
        });
        let step = Step {
            status: Some(status.clone()),
            ..Step::default()
        };
        r.step(at, step, None);
    }
    let n = r.pushed();
    if let Some(s) = current {
        out.hints.current_status.insert(card.item.clone(), s);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::imported::ImportOptions;
    use crate::time::format_instant;
    use chrono_tz::Tz;
    use serde_json::json;
    use std::io::Write;

    fn ctx() -> ImportContext {
        ImportContext {
            tz: Tz::UTC,
            options: ImportOptions::default(),
        }
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn dataset(rel: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data")).join(rel)
    }

    fn real() -> Imported {
        read_many(
            &[dataset("trello/miyamae_clipkit_board_export_2015.json")],
            &ctx(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    type Row = (String, Option<String>, Option<String>);

    /// Events of one item as (instant, status, assignee).
    fn timeline(r: &Imported, id: &str) -> Vec<Row> {
        let b = &r.batch;
        (0..b.len())
            .filter(|&i| b.item_id[i] == id)
            .map(|i| {
                (
                    format_instant(b.timestamp[i]),
                    b.status[i].clone(),
                    b.assignee[i].clone(),
                )
            })
            .collect()
    }

    fn row(t: &str, status: Option<&str>, assignee: Option<&str>) -> Row {
        (
            t.to_string(),
            status.map(str::to_string),
            assignee.map(str::to_string),
        )
    }

    // Independent check (python3, json.load of the same file, replaying reversed actions):
    // 67 cards, 5 lists, 264 actions (sorted oldest-first once reversed), every card has a
    // createCard action and no action names a card outside cards[]; 71 updateCard moves
    // (old.idList), 3 archive changes (old.closed), 12 assignee changes (11 adds, 1 removal
    // of the current member) → 67 + 71 + 3 + 12 = 153 events and 71 + 3 = 74 status changes.
    // Two moves name the list 進行中, renamed to 作業中 later. Final lists: クローズ 27,
    // やりたいこと 24 (+1 archived), やること 8, 作業中 7. Card 9pTg4wKh (ObjectId time
    // 1420885690) was created 2015-01-10T10:28:10.460Z.
    #[test]
    fn real_clipkit_board() {
        let r = real();
        assert_eq!(r.items, 67);
        assert_eq!(r.batch.len(), 153);
        assert_eq!(r.files.len(), 1);
        assert_eq!((r.files[0].1, r.files[0].2), (67, 153));
        assert!(r
            .batch
            .source
            .iter()
            .all(|v| v.as_deref() == Some("trello")));
        assert!(r.batch.created.iter().all(Option::is_some));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings.entries());
        let ids: BTreeSet<&String> = r.batch.item_id.iter().collect();
        assert_eq!(ids.len(), 67);
        let mut changes = 0;
        let mut finals: BTreeMap<String, usize> = BTreeMap::new();
        for id in &ids {
            let st: Vec<String> = timeline(&r, id).into_iter().filter_map(|x| x.1).collect();
            changes += st.windows(2).filter(|w| w[0] != w[1]).count();
            *finals
                .entry(st.last().cloned().unwrap_or_default())
                .or_default() += 1;
        }
        assert_eq!(changes, 74);
        assert_eq!(
            finals.into_iter().collect::<Vec<_>>(),
            [
                ("やりたいこと".to_string(), 24),
                ("やりたいこと (archived)".to_string(), 1),
                ("やること".to_string(), 8),
                ("クローズ".to_string(), 27),
                ("作業中".to_string(), 7),
            ]
        );
        // The renamed list keeps its current name.
        assert!(!r
            .batch
            .status
            .iter()
            .any(|v| v.as_deref() == Some("進行中")));
        assert_eq!(
            timeline(&r, "9pTg4wKh"),
            [
                row("2015-01-10T10:28:10.460Z", Some("やること"), None),
                row("2015-01-10T10:28:26.471Z", None, Some("みやまえ")),
                row("2015-01-10T10:28:58.546Z", None, Some("unassigned")),
                row(
                    "2015-01-10T10:29:11.275Z",
                    Some("やること (archived)"),
                    None
                ),
                row("2015-01-10T10:29:27.063Z", Some("やること"), None),
                row("2015-01-10T10:47:39.069Z", None, Some("みやまえ")),
                row("2015-01-14T10:31:57.314Z", Some("作業中"), None),
                row("2015-01-14T10:36:46.814Z", Some("やること"), None),
                row("2015-01-15T07:58:17.146Z", Some("作業中"), None),
                row("2015-01-15T09:40:05.149Z", Some("クローズ"), None),
            ]
        );
        assert_eq!(
            timeline(&r, "uaHu9run"),
            [
                row("2015-03-02T06:53:56.999Z", Some("やること"), None),
                row("2015-03-04T12:17:23.715Z", Some("クローズ"), None),
            ]
        );
        let i = r
            .batch
            .item_id
            .iter()
            .position(|x| x == "9pTg4wKh")
            .unwrap();
        assert_eq!(r.batch.team[i], s("Clipkit"));
        assert_eq!(r.batch.actor[i], s("みやまえ"));
        assert_eq!(
            r.hints.current_status["WRVSl4ql"],
            "やりたいこと (archived)"
        );
        assert_eq!(r.hints.current_status.len(), 67);
    }

    fn temp(v: &Value) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
        f.write_all(v.to_string().as_bytes()).unwrap();
        f
    }

    fn read_json(boards: &[Value], ctx: &ImportContext) -> Result<Imported, IngestError> {
        let files: Vec<_> = boards.iter().map(temp).collect();
        let paths: Vec<PathBuf> = files.iter().map(|f| f.path().to_path_buf()).collect();
        read_many(&paths, ctx)
    }

    const L1: &str = "5f0000000000000000000001";
    const L2: &str = "5f0000000000000000000002";
    const L3: &str = "5f0000000000000000000003";
    // 0x5f000000 = 1593835520 = 2020-07-04T04:05:20Z
    const C1: &str = "5f000000aaaaaaaaaaaaaaaa";

    fn board(actions: Vec<Value>, card_list: &str, closed: bool, members: Vec<&str>) -> Value {
        json!({
            "id": "5e0000000000000000000000", "name": "Team Board", "idOrganization": "x",
            "labelNames": {},
            "lists": [{"id": L1, "name": "To Do"}, {"id": L2, "name": "Doing"}, {"id": L3, "name": "Done"}],
            "members": [{"id": "m1", "fullName": "Ann", "username": "ann"}, {"id": "m2", "fullName": "", "username": "bob"}],
            "cards": [{"id": C1, "shortLink": "AbCd", "idList": card_list, "closed": closed,
                       "idMembers": members, "dateLastActivity": "2020-08-01T00:00:00.000Z"}],
            "actions": actions,
        })
    }

    fn move_(id: &str, date: &str, from: (&str, &str), to: (&str, &str)) -> Value {
        json!({"id": id, "type": "updateCard", "date": date, "idMemberCreator": "m2",
               "data": {"card": {"id": C1}, "listBefore": {"id": from.0, "name": from.1},
                        "listAfter": {"id": to.0, "name": to.1}, "old": {"idList": from.0}}})
    }

    fn member(id: &str, kind: &str, date: &str, m: &str) -> Value {
        json!({"id": id, "type": kind, "date": date, "data": {"card": {"id": C1}, "idMember": m}})
    }

    #[test]
    fn truncated_history_uses_the_object_id_and_the_first_list_before() {
        // Newest first; no createCard; the list was renamed "Doing" after "In progress".
        let b = board(
            vec![
                move_("a3", "2020-07-10T00:00:00Z", (L2, "Doing"), (L3, "Done")),
                move_(
                    "a2",
                    "2020-07-08T00:00:00Z",
                    (L1, "To Do"),
                    (L2, "In progress"),
                ),
            ],
            L3,
            false,
            vec![],
        );
        let r = read_json(&[b], &ctx()).unwrap();
        assert_eq!(
            timeline(&r, "AbCd"),
            [
                row("2020-07-04T04:05:20Z", Some("To Do"), None),
                row("2020-07-08T00:00:00Z", Some("Doing"), None),
                row("2020-07-10T00:00:00Z", Some("Done"), None),
            ]
        );
        assert_eq!(r.warnings.count(WarningKind::TruncatedChangelog), 1);
        assert_eq!(r.batch.actor[1], s("bob"));
        assert_eq!(r.batch.team[0], s("Team Board"));
        assert!(r
            .batch
            .created
            .iter()
            .all(|c| *c == Some(1_593_835_520_000_000)));
        // The team option beats the board name.
        let mut c = ctx();
        c.options.trello_team = Some("Payments".into());
        let b = board(vec![], L1, false, vec!["m1", "m2"]);
        let r = read_json(&[b], &c).unwrap();
        assert_eq!(r.batch.team, [s("Payments")]);
        // No actions: created from the id, in its current list, first member assigned.
        assert_eq!(
            timeline(&r, "AbCd"),
            [row("2020-07-04T04:05:20Z", Some("To Do"), Some("Ann"))]
        );
    }

    #[test]
    fn members_archive_and_reconciliation() {
        let b = board(
            vec![
                json!({"id": "a9", "type": "updateCard", "date": "2020-07-09T00:00:00Z",
                       "data": {"card": {"id": C1, "closed": true}, "list": {"id": L1}, "old": {"closed": false}}}),
                member("a8", "removeMemberFromCard", "2020-07-08T00:00:00Z", "m2"),
                member("a7", "removeMemberFromCard", "2020-07-07T00:00:00Z", "m1"),
                member("a6", "addMemberToCard", "2020-07-06T00:00:00Z", "m1"),
                member("a5", "addMemberToCard", "2020-07-05T00:00:00Z", "m2"),
                json!({"id": "a4", "type": "commentCard", "date": "2020-07-05T00:00:00Z",
                       "data": {"card": {"id": C1}, "text": "hi"}}),
                json!({"id": "a1", "type": "createCard", "date": "2020-07-04T04:05:21.500Z",
                       "memberCreator": {"fullName": "Ann"},
                       "data": {"card": {"id": C1}, "list": {"id": L1, "name": "To Do"}}}),
                // An action of a card that is not on the board is ignored.
                json!({"id": "a0", "type": "createCard", "date": "2020-07-01T00:00:00Z",
                       "data": {"card": {"id": "5f000000bbbbbbbbbbbbbbbb"}, "list": {"id": L1}}}),
            ],
            // The card is in Done (a move is missing from the export) and archived.
            L3,
            true,
            vec![],
        );
        let r = read_json(&[b], &ctx()).unwrap();
        assert_eq!(r.items, 1);
        assert_eq!(
            timeline(&r, "AbCd"),
            [
                row("2020-07-04T04:05:21.500Z", Some("To Do"), None),
                row("2020-07-05T00:00:00Z", None, Some("bob")),
                row("2020-07-06T00:00:00Z", None, Some("Ann")),
                row("2020-07-07T00:00:00Z", None, Some("bob")),
                row("2020-07-08T00:00:00Z", None, Some("unassigned")),
                row("2020-07-09T00:00:00Z", Some("To Do (archived)"), None),
                row("2020-08-01T00:00:00Z", Some("Done (archived)"), None),
            ]
        );
        assert_eq!(r.batch.actor[0], s("Ann"));
        assert!(r
            .batch
            .created
            .iter()
            .all(|c| *c == Some(1_593_835_521_500_000)));
        assert_eq!(r.warnings.count(WarningKind::TruncatedChangelog), 1);
        assert_eq!(r.hints.current_status["AbCd"], "Done (archived)");
    }

    #[test]
    fn a_card_in_two_exports_is_one_item_with_the_actions_joined() {
        let create = json!({"id": "a1", "type": "createCard", "date": "2020-07-05T00:00:00Z",
                            "data": {"card": {"id": C1}, "list": {"id": L1}}});
        let older = board(vec![create.clone()], L1, false, vec![]);
        let newer = board(
            vec![
                move_("a2", "2020-07-06T00:00:00Z", (L1, "To Do"), (L2, "Doing")),
                create,
            ],
            L2,
            false,
            vec![],
        );
        let mut newer = newer;
        newer["cards"][0]["dateLastActivity"] = json!("2020-09-01T00:00:00Z");
        let r = read_json(&[older, newer], &ctx()).unwrap();
        assert_eq!(r.items, 1);
        assert_eq!(
            timeline(&r, "AbCd"),
            [
                row("2020-07-05T00:00:00Z", Some("To Do"), None),
                row("2020-07-06T00:00:00Z", Some("Doing"), None),
            ]
        );
        assert!(r.warnings.is_empty());
        assert_eq!(
            r.files.iter().map(|f| (f.1, f.2)).collect::<Vec<_>>(),
            [(0, 0), (1, 2)]
        );
    }

    #[test]
    fn errors_name_the_action_and_the_value() {
        let b = board(
            vec![
                json!({"id": "zz", "type": "updateCard", "date": "last tuesday",
                        "data": {"card": {"id": C1}}}),
            ],
            L1,
            false,
            vec![],
        );
        match read_json(&[b], &ctx()) {
            Err(IngestError::BadValue {
                record,
                field,
                value,
                ..
            }) => {
                assert_eq!(record.to_string(), "action \"zz\" (updateCard)");
                assert_eq!(field, "date");
                assert_eq!(value, "last tuesday");
            }
            other => panic!("expected BadValue, got {other:?}"),
        }
        assert!(matches!(
            read_json(&[json!({"id": "x", "name": "n"})], &ctx()),
            Err(IngestError::Malformed { .. })
        ));
        let empty = json!({"id": "x", "cards": [], "lists": []});
        assert!(matches!(
            read_json(&[empty], &ctx()),
            Err(IngestError::Empty { .. })
        ));
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), "{\"cards\": [").unwrap();
        assert!(matches!(
            read_many(&[f.path().to_path_buf()], &ctx()),
            Err(IngestError::Malformed { .. })
        ));
    }

    fn head(rel: &str) -> Vec<u8> {
        std::fs::read(dataset(rel))
            .unwrap()
            .into_iter()
            .take(8192)
            .collect()
    }

    #[test]
    fn sniffing() {
        let p = Path::new("board.json");
        assert!(sniff(
            &head("trello/miyamae_clipkit_board_export_2015.json"),
            p
        ));
        let pretty = serde_json::to_string_pretty(&board(vec![], L1, false, vec![])).unwrap();
        assert!(sniff(pretty.as_bytes(), p));
        for other in [
            "jira/go-jira_issues_in_sprint_with_changelog.json",
            "jira/perceval_fiware_jira_server_search_page1.json",
            "github/pygithub_issue28.json",
            "github/pygithub_issue28_timeline.json",
            "github/octokit_paginate-issues_raw-fixture.json",
            "github/perceval_graphql_timeline_github_events_page_1.json",
            "azure_devops/msdocs_5.1_updates_GET__list_of_workitem_updates.json",
            "azure_devops/msdocs_5.1_workItemRevisions_GET__wit_reporting_workItemRevisions.json",
            "ocel/pm4py_ocel20_example.jsonocel",
            "xes/running-example.xes",
            "linear/lianer_linear_export_2026_jsdate_34col.csv",
        ] {
            assert!(!sniff(&head(other), p), "{other}");
        }
        assert!(!sniff(
            b"item_id,timestamp,status\n1,2024-01-01T00:00:00Z,a\n",
            p
        ));
        // An array of actions is not a board export.
        assert!(!sniff(
            b"[{\"id\":\"54f6f810a0f3cc9112b8d3e3\",\"idMemberCreator\":\"x\",\"idBoard\":\"y\"}]",
            p
        ));
        assert!(!sniff(b"", p));
        assert!(has_object_id("{ \"id\" : \"54b0fd8dee901a913afe5f84\" }"));
        assert!(!has_object_id("{\"id\":\"54b0fd8dee901a913afe5f84aa\"}"));
        assert!(!has_object_id("{\"id\": 1234}"));
    }
}
