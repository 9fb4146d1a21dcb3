//! Building the result from the parsed values: the distinct values of the kept attributes
//! ([`Values`]), the choice of the status keys and the events' lifecycle flags
//! ([`choose_status`]), and the [`EventTable`] with its composite-status hints
//! ([`build_table`]).

use super::Keys;
use crate::ingest::table::flags::of_lifecycle;
use crate::ingest::table::{Coded, CodedBuilder, EventTable, NULL_CODE};
use crate::model::{Col, SourceHints, Ts};
use polars::prelude::{Int64Chunked, NewChunkedArray, StringChunked};
use rustc_hash::FxHashMap;

/// The standard XES lifecycle model (compared case-insensitively).
const STANDARD_LIFECYCLE: [&str; 12] = [
    "schedule",
    "assign",
    "reassign",
    "start",
    "suspend",
    "resume",
    "complete",
    "autoskip",
    "manualskip",
    "withdraw",
    "ate_abort",
    "pi_abort",
];

/// Code of an absent value.
pub(super) const ABSENT: u32 = 0;

/// The distinct values of the kept attributes, each stored once. Events hold `u32` codes, so
/// keeping a value allocates only the first time it is seen, and work on values (lifecycle
/// checks, joining statuses) is done once per distinct value.
pub(super) struct Values {
    codes: FxHashMap<Box<str>, u32>,
    /// By code; index 0 ([`ABSENT`]) is unused.
    strings: Vec<Box<str>>,
}

impl Values {
    /// No values yet.
    pub(super) fn new() -> Values {
        Values {
            codes: FxHashMap::default(),
            strings: vec![Box::from("")],
        }
    }

    /// The code of `v`, adding it on first sight.
    pub(super) fn code(&mut self, v: &str) -> u32 {
        if let Some(&c) = self.codes.get(v) {
            return c;
        }
        // Unreachable in practice: 2^32 distinct values would not fit in memory.
        let c = u32::try_from(self.strings.len()).expect("fewer than 2^32 distinct values");
        self.strings.push(Box::from(v));
        self.codes.insert(Box::from(v), c);
        c
    }

    /// Add `other`'s values; returns, by `other`'s code, the code here ([`ABSENT`] stays).
    pub(super) fn absorb(&mut self, other: &Values) -> Vec<u32> {
        let mut code = Vec::with_capacity(other.strings.len());
        code.push(ABSENT);
        code.extend(other.strings[1..].iter().map(|s| self.code(s)));
        code
    }

    /// The value of `code`; `None` for [`ABSENT`].
    fn get(&self, code: u32) -> Option<&str> {
        if code == ABSENT {
            None
        } else {
            Some(&*self.strings[code as usize])
        }
    }

    /// Number of codes, [`ABSENT`] included.
    fn count(&self) -> usize {
        self.strings.len()
    }
}

/// Is `v` in the standard XES lifecycle model (ignoring case and surrounding space)?
fn is_standard_lifecycle(v: &str) -> bool {
    let v = v.trim();
    STANDARD_LIFECYCLE.iter().any(|s| s.eq_ignore_ascii_case(v))
}

/// The status keys (indexes into `keys.names`, in join order) and the events' lifecycle
/// flags (`XesRead::table`'s `flags`). In the automatic mode, `lifecycle:transition` is
/// dropped from the status when every value is in the standard lifecycle model, and then
/// gives the events' flags. Each distinct lifecycle
/// value is looked at once.
pub(super) fn choose_status(keys: &Keys, rows: &[u32], values: &Values) -> (Vec<usize>, Vec<u8>) {
    let Some(lc) = keys.auto_lifecycle else {
        return (keys.status.clone(), Vec::new());
    };
    // Invariant: at least the assignee and team keys exist, so k >= 1.
    let k = keys.names.len();
    // Per code: not looked at yet (`None`), outside the model (`Some(None)`), or its flag.
    let mut memo: Vec<Option<Option<u8>>> = vec![None; values.count()];
    let mut flag = |code: u32| -> Option<u8> {
        let Some(v) = values.get(code) else {
            return Some(0); // no lifecycle: the event completes
        };
        *memo[code as usize]
            .get_or_insert_with(|| is_standard_lifecycle(v).then(|| of_lifecycle(v).unwrap_or(0)))
    };
    // `None` as soon as one value is outside the model.
    let flags: Option<Vec<u8>> = rows.chunks(k).map(|row| flag(row[lc])).collect();
    match flags {
        None => (keys.status.clone(), Vec::new()),
        Some(flags) => {
            // Standard lifecycle: the activity is the status; start and resume begin active
            // time in an activity log; only complete (or no lifecycle) is an execution of
            // the activity.
            let status = keys.status.iter().copied().filter(|&i| i != lc).collect();
            let starts = if flags.iter().any(|&f| f != 0) {
                flags
            } else {
                Vec::new()
            };
            (status, starts)
        }
    }
}

/// A value code not met yet in a column (no column code is this high).
const UNSEEN: u32 = u32::MAX - 1;

/// The events as an [`EventTable`] (names coded straight from the parser's value codes: no
/// string per event), and the composite statuses as hints. Each distinct combination of
/// status values is joined once.
pub(super) fn build_table(
    keys: &Keys,
    status_idx: &[usize],
    (items, item_of): (&[String], &[u32]),
    timestamp: Vec<Ts>,
    rows: &[u32],
    values: &Values,
) -> (EventTable, SourceHints) {
    let n = timestamp.len();
    // The item ids are copied into their column beside the coding of the other columns.
    let (item_id, (coded, hints)) = rayon::join(
        || {
            StringChunked::from_iter_values(
                Col::ItemId.name().into(),
                item_of
                    .iter()
                    .map(|&i| items.get(i as usize).map_or("", String::as_str)),
            )
        },
        || code_columns(keys, status_idx, rows, values, n),
    );
    let table = EventTable {
        item_id,
        timestamp: Int64Chunked::from_vec(Col::Timestamp.name().into(), timestamp),
        created: Int64Chunked::from_iter_options(
            Col::Created.name().into(),
            std::iter::repeat_n(None, n),
        ),
        coded,
        flags: Vec::new(),
    };
    (table, hints)
}

/// The coded columns of [`build_table`] (status, assignee, team, and the constant ones) for
/// `n` events whose value codes are `rows` (`keys.names.len()` a row).
fn code_columns(
    keys: &Keys,
    status_idx: &[usize],
    rows: &[u32],
    values: &Values,
    n: usize,
) -> ([Coded; 5], SourceHints) {
    let k = keys.names.len();
    let mut hints = SourceHints::default();
    let mut status = CodedBuilder::with_capacity(n);
    let mut assignee = CodedBuilder::with_capacity(n);
    let mut team = CodedBuilder::with_capacity(n);
    // A value code's column code, given on its first row (UNSEEN until then).
    let mut assignee_of = vec![UNSEEN; values.strings.len()];
    let mut team_of = vec![UNSEEN; values.strings.len()];
    let mut joined: FxHashMap<Box<[u32]>, u32> = FxHashMap::default();
    let mut combination: Vec<u32> = Vec::with_capacity(status_idx.len());
    for row in rows.chunks(k) {
        combination.clear();
        combination.extend(status_idx.iter().map(|&i| row[i]));
        let code = match joined.get(combination.as_slice()) {
            Some(&c) => c,
            None => {
                let (name, parts) = join_status(&combination, values);
                if let Some(s) = name.as_ref().filter(|_| parts > 1) {
                    hints.composite_statuses.insert(s.clone());
                }
                let c = name.map_or(NULL_CODE, |s| status.code_of(&s));
                joined.insert(combination.as_slice().into(), c);
                c
            }
        };
        status.push(code);
        let a = column_code(&mut assignee, &mut assignee_of, row[keys.assignee], values);
        assignee.push(a);
        let t = column_code(&mut team, &mut team_of, row[keys.team], values);
        team.push(t);
    }
    let coded = [
        status.finish(),
        assignee.finish(),
        team.finish(),
        Coded::nulls(n),
        Coded::constant("xes", n),
    ];
    (coded, hints)
}

/// The column code of value code `v` (`NULL_CODE` when absent), given on first sight.
fn column_code(col: &mut CodedBuilder, seen: &mut [u32], v: u32, values: &Values) -> u32 {
    let Some(name) = values.get(v) else {
        return NULL_CODE;
    };
    match seen.get_mut(v as usize) {
        Some(c) if *c != UNSEEN => *c,
        Some(c) => {
            *c = col.code_of(name);
            *c
        }
        None => col.code_of(name),
    }
}

/// Join the present values of `codes` with `" - "`; also returns how many were joined.
fn join_status(codes: &[u32], values: &Values) -> (Option<String>, usize) {
    let mut out = String::new();
    let mut parts = 0;
    for v in codes.iter().filter_map(|&c| values.get(c)) {
        if parts > 0 {
            out.push_str(" - ");
        }
        out.push_str(v);
        parts += 1;
    }
    (if parts == 0 { None } else { Some(out) }, parts)
}
