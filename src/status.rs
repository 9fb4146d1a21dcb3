//! Status categories (METRICS.md §2): every status maps to exactly one [`Category`].
//!
//! Precedence, first that applies wins: per-team config, per-source config, global config,
//! the category the source itself provides (with the committed rule), the default name
//! patterns, and the `backlog` fallback. The mapping used is recorded so that a user can
//! see it (`tables/status_map.csv`, `--explain-statuses`) and fix it.

use crate::model::{Category, SourceCategory};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Which rule decided a status's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// `[team_statuses."Team"]` in the config.
    TeamConfig,
    /// `[source_statuses."source"]` in the config.
    SourceConfig,
    /// `[statuses]` in the config.
    GlobalConfig,
    /// The source system's own category.
    SourceCategory,
    /// A default name pattern.
    Pattern,
    /// No pattern matched: `backlog` by the fallback (a warning).
    Fallback,
}

impl Rule {
    /// Stable id used in tables.
    pub fn id(self) -> &'static str {
        match self {
            Rule::TeamConfig => "team_config",
            Rule::SourceConfig => "source_config",
            Rule::GlobalConfig => "global_config",
            Rule::SourceCategory => "source_category",
            Rule::Pattern => "pattern",
            Rule::Fallback => "fallback",
        }
    }
}

/// The default name patterns, in the order they are tried (METRICS.md §2). `accepted` is
/// handled separately (whole name only, never for composite XES statuses).
pub const PATTERNS: &[(Category, &[&str])] = &[
    (
        Category::Canceled,
        &[
            "canceled",
            "cancelled",
            "won't do",
            "wont do",
            "won't fix",
            "wont fix",
            "rejected",
            "duplicate",
            "invalid",
            "abandoned",
            "withdrawn",
            "not planned",
            "removed",
        ],
    ),
    (
        Category::Done,
        &[
            "done",
            "closed",
            "resolved",
            "complete",
            "completed",
            "released",
            "shipped",
            "deployed",
            "merged",
            "fixed",
            "finished",
        ],
    ),
    (
        Category::Blocked,
        &["blocked", "impeded", "on hold", "stuck", "flagged"],
    ),
    (
        Category::Waiting,
        &[
            "waiting",
            "wait",
            "awaiting",
            "pending",
            "queued",
            "ready for",
            "to review",
            "to test",
            "in queue",
            "parked",
        ],
    ),
    (
        Category::Backlog,
        &[
            "to do",
            "todo",
            "open",
            "new",
            "backlog",
            "triage",
            "selected for development",
            "icebox",
            "reopened",
            "proposed",
            "planned",
        ],
    ),
    (
        Category::Active,
        &[
            "in progress",
            "active",
            "doing",
            "development",
            "in dev",
            "implementing",
            "in review",
            "reviewing",
            "code review",
            "testing",
            "in test",
            "qa",
            "analysis",
            "design",
            "working",
            "assigned",
            "in call",
        ],
    ),
];

/// Normalise a status name for matching: lower case, typographic apostrophes to `'`,
/// hyphens and underscores to spaces, runs of white space to one space, trimmed.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for ch in name.chars().flat_map(char::to_lowercase) {
        let ch = match ch {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' => '\'',
            '-' | '_' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => ' ',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if ch == ' ' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(ch);
        }
    }
    out
}

/// Does `pattern` occur in the normalised `name` as whole words? A match must not be
/// preceded or followed by a letter or digit (so `done` matches "dev done" and
/// "done/closed" but not "undone").
pub fn matches_words(name: &str, pattern: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = name[from..].find(pattern) {
        let start = from + pos;
        let end = start + pattern.len();
        let before_ok = name[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = name[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        from = start + name[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The category the default patterns give, or `None` when none matches (the fallback).
/// `composite` is true for a status built from more than one XES attribute.
pub fn pattern_category(status: &str, composite: bool) -> Option<Category> {
    let n = normalise(status);
    for (cat, pats) in PATTERNS {
        if pats.iter().any(|p| matches_words(&n, p)) {
            return Some(*cat);
        }
        if *cat == Category::Done && n == "accepted" && !composite {
            return Some(Category::Done);
        }
    }
    None
}

/// Category for a status the source calls *committed*: the patterns choose active,
/// waiting or blocked; a done-like name is a queue (`waiting`), anything else `active`.
fn committed_category(status: &str, composite: bool) -> Category {
    match pattern_category(status, composite) {
        Some(c @ (Category::Active | Category::Waiting | Category::Blocked)) => c,
        Some(Category::Done) => Category::Waiting,
        _ => Category::Active,
    }
}

/// Status → category overrides from the config (keys compared case-insensitively).
#[derive(Debug, Clone, Default)]
pub struct StatusOverrides {
    /// `[statuses]`.
    pub global: BTreeMap<String, Category>,
    /// `[team_statuses."Team"]`, keyed by team name.
    pub per_team: BTreeMap<String, BTreeMap<String, Category>>,
    /// `[source_statuses."source"]`, keyed by source.
    pub per_source: BTreeMap<String, BTreeMap<String, Category>>,
}

/// Decides categories, remembering which rule decided each (status, team, source).
///
/// Categorising runs once per status event, so the pattern result of every status known in
/// advance is cached ([`Categorizer::prepare`]) and lookups allocate nothing.
#[derive(Debug, Clone, Default)]
pub struct Categorizer {
    overrides: StatusOverrides,
    composite: BTreeSet<String>,
    /// source → status → category.
    source_categories: BTreeMap<String, BTreeMap<String, SourceCategory>>,
    /// status → pattern category (None = fallback), for the statuses prepared.
    patterns: rustc_hash::FxHashMap<String, Option<Category>>,
}

/// Lower-case key for case-insensitive status lookups.
fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl Categorizer {
    /// A categorizer with config overrides, the composite XES statuses and the
    /// source-provided categories.
    pub fn new(
        overrides: StatusOverrides,
        composite: BTreeSet<String>,
        source_categories: BTreeMap<(String, String), SourceCategory>,
    ) -> Self {
        let lower =
            |m: BTreeMap<String, Category>| m.into_iter().map(|(k, v)| (key(&k), v)).collect();
        let overrides = StatusOverrides {
            global: lower(overrides.global),
            per_team: overrides
                .per_team
                .into_iter()
                .map(|(t, m)| (t, lower(m)))
                .collect(),
            per_source: overrides
                .per_source
                .into_iter()
                .map(|(s, m)| (s, lower(m)))
                .collect(),
        };
        let mut by_source: BTreeMap<String, BTreeMap<String, SourceCategory>> = BTreeMap::new();
        for ((src, status), c) in source_categories {
            by_source.entry(src).or_default().insert(status, c);
        }
        Categorizer {
            overrides,
            composite,
            source_categories: by_source,
            patterns: Default::default(),
        }
    }

    /// Cache the pattern category of these statuses (the distinct statuses of the data).
    pub fn prepare<'a>(&mut self, statuses: impl IntoIterator<Item = &'a str>) {
        for s in statuses {
            if !self.patterns.contains_key(s) {
                let c = pattern_category(s, self.composite.contains(s));
                self.patterns.insert(s.to_string(), c);
            }
        }
    }

    fn has_overrides(&self) -> bool {
        !(self.overrides.global.is_empty()
            && self.overrides.per_team.is_empty()
            && self.overrides.per_source.is_empty())
    }

    /// The category of `status` for an interval that began with `team` in force, set by an
    /// event from `source`, and the rule that decided it.
    pub fn categorize(
        &self,
        status: &str,
        team: Option<&str>,
        source: Option<&str>,
    ) -> (Category, Rule) {
        if self.has_overrides() {
            let k = key(status);
            if let Some(c) = team
                .and_then(|t| self.overrides.per_team.get(t))
                .and_then(|m| m.get(&k))
            {
                return (*c, Rule::TeamConfig);
            }
            if let Some(c) = source
                .and_then(|s| self.overrides.per_source.get(s))
                .and_then(|m| m.get(&k))
            {
                return (*c, Rule::SourceConfig);
            }
            if let Some(c) = self.overrides.global.get(&k) {
                return (*c, Rule::GlobalConfig);
            }
        }
        let composite = self.composite.contains(status);
        if let Some(sc) = source
            .and_then(|s| self.source_categories.get(s))
            .and_then(|m| m.get(status))
        {
            let c = match sc {
                SourceCategory::Backlog => Category::Backlog,
                SourceCategory::Done => Category::Done,
                SourceCategory::Canceled => Category::Canceled,
                SourceCategory::Committed => committed_category(status, composite),
            };
            return (c, Rule::SourceCategory);
        }
        let pattern = match self.patterns.get(status) {
            Some(c) => *c,
            None => pattern_category(status, composite),
        };
        match pattern {
            Some(c) => (c, Rule::Pattern),
            None => (Category::Backlog, Rule::Fallback),
        }
    }
}

/// One row of the status mapping actually used.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StatusMapRow {
    /// Status name as found.
    pub status: String,
    /// Team in force when intervals of this status began (empty when none).
    pub team: String,
    /// Category used.
    pub category: Category,
    /// Rule that decided it.
    pub rule: Rule,
    /// Items with at least one interval in this status for this team.
    pub items: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use Category::*;

    fn pat(s: &str) -> Option<Category> {
        pattern_category(s, false)
    }

    #[test]
    fn default_patterns_table_driven() {
        let cases: &[(&str, Option<Category>)] = &[
            ("Won’t Do", Some(Canceled)),
            ("Cancelled", Some(Canceled)),
            ("Done", Some(Done)),
            ("Resolved", Some(Done)),
            ("Closed", Some(Done)),
            ("Accepted", Some(Done)),
            ("Blocked", Some(Blocked)),
            ("On-Hold", Some(Blocked)),
            ("Ready for Review", Some(Waiting)),
            ("Awaiting QA", Some(Waiting)),
            ("Wait", Some(Waiting)),
            ("To Do", Some(Backlog)),
            ("Selected_for_Development", Some(Backlog)),
            ("Reopened", Some(Backlog)),
            ("In Progress", Some(Active)),
            ("Code Review", Some(Active)),
            ("QA", Some(Active)),
            ("Resolve ticket", None),
            ("Undone work", None),
            ("Dev Done", Some(Done)),
            ("Queued - Awaiting Assignment", Some(Waiting)),
            ("Completed - Closed", Some(Done)),
            ("Accepted - In Progress", Some(Active)),
            ("Accepted - Wait - User", Some(Waiting)),
        ];
        for (s, want) in cases {
            assert_eq!(pat(s), *want, "{s}");
        }
    }

    #[test]
    fn accepted_only_whole_and_not_composite() {
        assert_eq!(pattern_category("Accepted", true), None);
        assert_eq!(pattern_category("accepted", false), Some(Done));
        assert_eq!(pattern_category("Accepted by PO", false), None);
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalise("  Won’t__Do  - Now "), "won't do now");
        assert!(matches_words("dev done", "done"));
        assert!(!matches_words("undone", "done"));
        assert!(matches_words("done/closed", "closed"));
        assert!(matches_words("ready for qa", "ready for"));
        assert!(!matches_words("already for", "ready for"));
    }

    #[test]
    fn precedence_team_beats_source_beats_global_beats_source_category() {
        let mut o = StatusOverrides::default();
        o.global.insert("QA".into(), Waiting);
        o.per_source
            .entry("jira".into())
            .or_default()
            .insert("qa".into(), Blocked);
        o.per_team
            .entry("Payments".into())
            .or_default()
            .insert("Qa".into(), Done);
        let mut sc = BTreeMap::new();
        sc.insert(
            ("jira".to_string(), "Dev Done".to_string()),
            SourceCategory::Committed,
        );
        sc.insert(
            ("jira".to_string(), "Test".to_string()),
            SourceCategory::Committed,
        );
        let c = Categorizer::new(o, BTreeSet::new(), sc);
        assert_eq!(
            c.categorize("QA", Some("Payments"), Some("jira")),
            (Done, Rule::TeamConfig)
        );
        assert_eq!(
            c.categorize("QA", Some("Search"), Some("jira")),
            (Blocked, Rule::SourceConfig)
        );
        assert_eq!(
            c.categorize("QA", Some("Search"), Some("csv")),
            (Waiting, Rule::GlobalConfig)
        );
        // Jira committed + done-like name: a queue inside the workflow.
        assert_eq!(
            c.categorize("Dev Done", None, Some("jira")),
            (Waiting, Rule::SourceCategory)
        );
        assert_eq!(
            c.categorize("Test", None, Some("jira")),
            (Active, Rule::SourceCategory)
        );
        assert_eq!(
            c.categorize("Dev Done", None, Some("csv")),
            (Done, Rule::Pattern)
        );
        assert_eq!(
            c.categorize("Triage pile", None, None),
            (Backlog, Rule::Pattern)
        );
        assert_eq!(
            c.categorize("Resolve ticket", None, None),
            (Backlog, Rule::Fallback)
        );
    }
}
