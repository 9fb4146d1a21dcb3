//! The typed serde shapes of a Trello board export (FORMATS.md §5): one JSON object
//! `{id, name, cards[], lists[], members[], actions[], …}`. A card names its list
//! (`idList`), archived flag and members; an action (`type`, `date`, `memberCreator`) carries
//! a `data` object naming the card, the list(s) of a move and the values it changed (`old`).
//! Only what the replay reads is typed, and every field is read leniently.

use crate::ingest::lenient::{boolean, given, list, shape, strings, text};
use serde::Deserialize;
use serde_json::Value;

/// A board export as Trello writes it (Menu → Print and export → JSON); only what the replay
/// reads. Every field is read leniently (`lenient`): a value of another type is absent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct BoardJson {
    #[serde(deserialize_with = "text")]
    pub(super) id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub(super) name: Option<String>,
    #[serde(deserialize_with = "list")]
    pub(super) cards: Option<Vec<CardJson>>,
    #[serde(deserialize_with = "list")]
    pub(super) lists: Option<Vec<ListJson>>,
    #[serde(deserialize_with = "list")]
    pub(super) members: Option<Vec<MemberJson>>,
    #[serde(deserialize_with = "list")]
    pub(super) actions: Option<Vec<ActionJson>>,
}

/// A card of `cards[]`: its list and archived flag now, its members.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct CardJson {
    #[serde(deserialize_with = "text")]
    pub(super) id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub(super) short_link: Option<String>,
    #[serde(deserialize_with = "text")]
    pub(super) id_list: Option<String>,
    #[serde(deserialize_with = "boolean")]
    pub(super) closed: Option<bool>,
    #[serde(deserialize_with = "strings")]
    pub(super) id_members: Vec<String>,
    #[serde(deserialize_with = "text")]
    pub(super) date_last_activity: Option<String>,
}

/// A list (`lists[]`, or one named in an action's data).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ListJson {
    #[serde(deserialize_with = "text")]
    pub(super) id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub(super) name: Option<String>,
}

/// A member (`members[]`, an action's `memberCreator` or `member`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct MemberJson {
    #[serde(deserialize_with = "text")]
    pub(super) id: Option<String>,
    #[serde(deserialize_with = "text")]
    full_name: Option<String>,
    #[serde(deserialize_with = "text")]
    username: Option<String>,
}

impl MemberJson {
    /// The display name: `fullName`, else `username`, else nothing.
    pub(super) fn person(&self) -> Option<String> {
        self.full_name
            .as_deref()
            .or(self.username.as_deref())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }
}

/// An action of `actions[]` (newest first in the file).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct ActionJson {
    #[serde(deserialize_with = "text")]
    pub(super) id: Option<String>,
    #[serde(rename = "type", deserialize_with = "text")]
    pub(super) kind: Option<String>,
    #[serde(deserialize_with = "text")]
    pub(super) date: Option<String>,
    #[serde(deserialize_with = "text")]
    pub(super) id_member_creator: Option<String>,
    #[serde(deserialize_with = "shape")]
    pub(super) member_creator: Option<MemberJson>,
    #[serde(deserialize_with = "shape")]
    pub(super) member: Option<MemberJson>,
    #[serde(deserialize_with = "shape")]
    pub(super) data: ActionData,
}

/// What an action's `data` says about the card: `card` (its id, and its list and archived
/// flag after the action), the list it was created in or arrived at (`list`), a move
/// (`listBefore`/`listAfter`, or `old.idList`), archiving (`old.closed`), a member.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct ActionData {
    #[serde(deserialize_with = "shape")]
    pub(super) card: CardRef,
    #[serde(deserialize_with = "shape")]
    pub(super) list: ListJson,
    #[serde(deserialize_with = "shape")]
    pub(super) list_before: ListJson,
    #[serde(deserialize_with = "shape")]
    pub(super) list_after: ListJson,
    #[serde(deserialize_with = "shape")]
    pub(super) old: Old,
    #[serde(deserialize_with = "text")]
    pub(super) id_member: Option<String>,
}

/// The card as an action's `data` names it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct CardRef {
    #[serde(deserialize_with = "text")]
    pub(super) id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub(super) id_list: Option<String>,
    #[serde(deserialize_with = "boolean")]
    pub(super) closed: Option<bool>,
}

/// The values an `updateCard` action changed (present keys matter, not only their values).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Old {
    #[serde(deserialize_with = "given")]
    pub(super) id_list: Option<Value>,
    #[serde(deserialize_with = "given")]
    pub(super) closed: Option<Value>,
}
