//! The canonical event model (METRICS.md §1).
//!
//! Every importer turns its input into an [`EventBatch`]: one row per event, columns in the
//! order of [`Col`]. Column names exist only here: code that builds or reads a polars frame
//! of events writes `Col::Timestamp.name()` / `Col::Timestamp.expr()`, never a string.
//!
//! Invariants: instants are microseconds since the Unix epoch, UTC ([`Ts`]); an absent
//! field is `None` and leaves that state field unchanged; the value `unassigned` (any case)
//! is the explicit "nobody" for assignee and team.

use serde::Serialize;
use std::collections::BTreeMap;

/// An instant: microseconds since 1970-01-01T00:00:00Z.
pub type Ts = i64;

/// Microseconds in one day (all durations are reported in days = seconds / 86,400).
pub const MICROS_PER_DAY: f64 = MICROS_PER_DAY_I64 as f64;

/// Microseconds in one day, as an integer (day arithmetic on instants).
pub const MICROS_PER_DAY_I64: i64 = 86_400_000_000;

/// Convert a duration in microseconds to days.
pub fn days(micros: i64) -> f64 {
    micros as f64 / MICROS_PER_DAY
}

/// The columns of the canonical event frame, in frame order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// The id a user recognises (Jira key, `owner/repo#n`, XES trace name …).
    ItemId,
    /// Event instant, UTC microseconds.
    Timestamp,
    /// Workflow status set by the event.
    Status,
    /// Assignee set by the event (`unassigned` ends the current one).
    Assignee,
    /// Team set by the event.
    Team,
    /// Who caused the event.
    Actor,
    /// The tool or system the event happened in.
    Source,
    /// Explicit creation instant of the item, when the source has one.
    Created,
}

impl Col {
    /// Every column, in frame order.
    pub const ALL: [Col; 8] = [
        Col::ItemId,
        Col::Timestamp,
        Col::Status,
        Col::Assignee,
        Col::Team,
        Col::Actor,
        Col::Source,
        Col::Created,
    ];

    /// The column's name in frames.
    pub fn name(self) -> &'static str {
        match self {
            Col::ItemId => "item_id",
            Col::Timestamp => "timestamp",
            Col::Status => "status",
            Col::Assignee => "assignee",
            Col::Team => "team",
            Col::Actor => "actor",
            Col::Source => "source",
            Col::Created => "created",
        }
    }

    /// A polars column expression for this column.
    pub fn expr(self) -> polars::prelude::Expr {
        polars::prelude::col(self.name())
    }
}

/// Status categories (METRICS.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Not yet committed.
    Backlog,
    /// Someone is working on it.
    Active,
    /// Started, waiting in a queue.
    Waiting,
    /// Started but cannot proceed.
    Blocked,
    /// Delivered.
    Done,
    /// Ended without delivering.
    Canceled,
}

impl Category {
    /// All six categories in report order.
    pub const ALL: [Category; 6] = [
        Category::Backlog,
        Category::Active,
        Category::Waiting,
        Category::Blocked,
        Category::Done,
        Category::Canceled,
    ];

    /// `done` or `canceled`.
    pub fn is_terminal(self) -> bool {
        matches!(self, Category::Done | Category::Canceled)
    }

    /// `active`, `waiting` or `blocked`.
    pub fn is_committed(self) -> bool {
        matches!(
            self,
            Category::Active | Category::Waiting | Category::Blocked
        )
    }

    /// Lower-case name as used in configs and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Category::Backlog => "backlog",
            Category::Active => "active",
            Category::Waiting => "waiting",
            Category::Blocked => "blocked",
            Category::Done => "done",
            Category::Canceled => "canceled",
        }
    }

    /// Parse a config value (`backlog | active | waiting | blocked | done | canceled`).
    pub fn parse(s: &str) -> Option<Category> {
        match s.trim().to_ascii_lowercase().as_str() {
            "backlog" => Some(Category::Backlog),
            "active" => Some(Category::Active),
            "waiting" => Some(Category::Waiting),
            "blocked" => Some(Category::Blocked),
            "done" => Some(Category::Done),
            "canceled" | "cancelled" => Some(Category::Canceled),
            _ => None,
        }
    }

    /// Index into [`Category::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A category that the source system itself assigns to a status (METRICS.md §2): it beats
/// the name patterns; the config beats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceCategory {
    /// Jira `new`, ADO Proposed, Linear triage/backlog/unstarted.
    Backlog,
    /// Jira `indeterminate`, ADO InProgress/Resolved, Linear started: patterns choose
    /// active, waiting or blocked.
    Committed,
    /// Delivered.
    Done,
    /// Ended without delivering.
    Canceled,
}

impl SourceCategory {
    /// The source's own word for it (Jira's status category keys).
    pub fn name(self) -> &'static str {
        match self {
            SourceCategory::Backlog => "new",
            SourceCategory::Committed => "indeterminate",
            SourceCategory::Done => "done",
            SourceCategory::Canceled => "canceled",
        }
    }
}

/// Is this value the explicit "nobody" (`unassigned`, any case)?
pub fn is_unassigned(v: &str) -> bool {
    v.eq_ignore_ascii_case("unassigned")
}

/// Values real exports put in a team field when they do not know the team: Sepsis Cases'
/// `org:group` is `?` on every "Return ER" event. Read as no team, like `unassigned`
/// (docs/METRICS.md §1, "Placeholder teams"), and counted (`placeholder_team`).
pub const PLACEHOLDER_TEAMS: &[&str] = &[
    "?",
    "??",
    "-",
    "--",
    "n/a",
    "none",
    "null",
    "nil",
    "nan",
    "unknown",
    "undefined",
    "(none)",
];

/// Is this team value a placeholder for "not known" ([`PLACEHOLDER_TEAMS`], any case, spaces
/// around ignored)?
pub fn is_placeholder_team(v: &str) -> bool {
    let v = v.trim();
    PLACEHOLDER_TEAMS.iter().any(|p| v.eq_ignore_ascii_case(p))
}

/// Events of one input, column-wise, in file order. Importers other than the events CSV
/// (which goes straight through polars) fill one of these.
#[derive(Debug, Default, Clone)]
pub struct EventBatch {
    /// Item id per event.
    pub item_id: Vec<String>,
    /// Event instant per event.
    pub timestamp: Vec<Ts>,
    /// Status set by the event.
    pub status: Vec<Option<String>>,
    /// Assignee set by the event.
    pub assignee: Vec<Option<String>>,
    /// Team set by the event.
    pub team: Vec<Option<String>>,
    /// Actor of the event.
    pub actor: Vec<Option<String>>,
    /// Source system of the event.
    pub source: Vec<Option<String>>,
    /// Explicit creation instant of the event's item.
    pub created: Vec<Option<Ts>>,
}

/// One event, as pushed by an importer.
#[derive(Debug, Default, Clone)]
pub struct Event {
    /// Item id.
    pub item_id: String,
    /// Instant.
    pub timestamp: Ts,
    /// Status set, if any.
    pub status: Option<String>,
    /// Assignee set, if any.
    pub assignee: Option<String>,
    /// Team set, if any.
    pub team: Option<String>,
    /// Actor, if known.
    pub actor: Option<String>,
    /// Source system, if known.
    pub source: Option<String>,
    /// Explicit creation time of the item, if known.
    pub created: Option<Ts>,
}

impl EventBatch {
    /// Append one event.
    pub fn push(&mut self, e: Event) {
        self.item_id.push(e.item_id);
        self.timestamp.push(e.timestamp);
        self.status.push(e.status);
        self.assignee.push(e.assignee);
        self.team.push(e.team);
        self.actor.push(e.actor);
        self.source.push(e.source);
        self.created.push(e.created);
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.item_id.len()
    }

    /// True when no events.
    pub fn is_empty(&self) -> bool {
        self.item_id.is_empty()
    }
}

/// What a source knows about an item beyond its events (Jira's current status, a source's
/// own status categories). Keyed by item id.
#[derive(Debug, Default, Clone)]
pub struct SourceHints {
    /// Current status of an item, used when it has no status event (METRICS.md §1).
    pub current_status: BTreeMap<String, String>,
    /// Statuses whose name was built from more than one XES attribute (METRICS.md §2: such a
    /// status named "accepted" is not `done`).
    pub composite_statuses: std::collections::BTreeSet<String>,
    /// Status categories the source itself provides, keyed by (source, status name).
    pub source_categories: BTreeMap<(String, String), SourceCategory>,
    /// Items reporting each source category for a (source, status name), where the source
    /// reports it per item (Jira's `statusCategory`): one name can arrive with several
    /// categories (a re-categorised or migrated workflow, METRICS.md §2).
    pub source_category_votes: BTreeMap<(String, String), BTreeMap<SourceCategory, u64>>,
}

impl SourceHints {
    /// Merge another input's hints into these.
    pub fn merge(&mut self, other: SourceHints) {
        self.current_status.extend(other.current_status);
        self.composite_statuses.extend(other.composite_statuses);
        self.source_categories.extend(other.source_categories);
        for (k, votes) in other.source_category_votes {
            let mine = self.source_category_votes.entry(k).or_default();
            for (c, n) in votes {
                *mine.entry(c).or_default() += n;
            }
        }
    }

    /// One item reports `category` for `status` in `source`.
    pub fn vote(&mut self, source: &str, status: &str, category: SourceCategory) {
        let k = (source.to_string(), status.to_string());
        *self
            .source_category_votes
            .entry(k.clone())
            .or_default()
            .entry(category)
            .or_default() += 1;
        self.source_categories.insert(k, category);
    }

    /// METRICS.md §2 "Conflicting source categories" (for sources without status ids): a
    /// status name reported with several categories takes the one most items report (a tie:
    /// no source category, so the patterns decide). Returns one message per conflict, naming
    /// the status and each category with its item count.
    pub fn resolve_conflicts(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        for ((src, status), votes) in &self.source_category_votes {
            if votes.len() < 2 {
                continue;
            }
            let mut v: Vec<(SourceCategory, u64)> = votes.iter().map(|(c, n)| (*c, *n)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let tie = v[0].1 == v[1].1;
            let key = (src.clone(), status.clone());
            let counts = v
                .iter()
                .map(|(c, n)| format!("{} for {n} item(s)", c.name()))
                .collect::<Vec<_>>()
                .join(", ");
            if tie {
                self.source_categories.remove(&key);
                out.push(format!(
                    "{src} reports the status {status:?} with different categories ({counts}): a tie, so the name patterns decide; set it in [source_statuses.{src:?}] if they guess wrong"
                ));
            } else {
                self.source_categories.insert(key, v[0].0);
                out.push(format!(
                    "{src} reports the status {status:?} with different categories ({counts}): the category most items report, {}, is used for all; set it in [source_statuses.{src:?}] if that is wrong",
                    v[0].0.name()
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicting_source_categories_take_the_majority_and_say_so() {
        let mut h = SourceHints::default();
        for _ in 0..25 {
            h.vote("jira", "完成", SourceCategory::Done);
        }
        for _ in 0..5 {
            h.vote("jira", "完成", SourceCategory::Backlog);
        }
        h.vote("jira", "Doing", SourceCategory::Committed);
        // The last vote was `new`, but most items say `done`.
        assert_eq!(
            h.source_categories[&("jira".into(), "完成".into())],
            SourceCategory::Backlog
        );
        let msgs = h.resolve_conflicts();
        assert_eq!(msgs.len(), 1);
        assert!(
            msgs[0].contains("\"完成\"")
                && msgs[0].contains("done for 25 item(s), new for 5 item(s)"),
            "{}",
            msgs[0]
        );
        assert_eq!(
            h.source_categories[&("jira".into(), "完成".into())],
            SourceCategory::Done
        );
        assert_eq!(
            h.source_categories[&("jira".into(), "Doing".into())],
            SourceCategory::Committed
        );
    }

    #[test]
    fn a_tie_leaves_the_name_to_the_patterns_and_merge_adds_votes() {
        let mut a = SourceHints::default();
        a.vote("jira", "Review", SourceCategory::Done);
        let mut b = SourceHints::default();
        b.vote("jira", "Review", SourceCategory::Committed);
        a.merge(b);
        let msgs = a.resolve_conflicts();
        assert!(msgs[0].contains("a tie"), "{}", msgs[0]);
        assert!(!a
            .source_categories
            .contains_key(&("jira".into(), "Review".into())));
    }
}
