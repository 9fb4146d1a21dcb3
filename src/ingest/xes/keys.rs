//! The attribute keys an XES log is read for: the status keys, the assignee's and the
//! team's (from `[xes]`), each kept once, and what a key read from the file is used for.

use super::{XesMapping, LIFECYCLE, NAME, TIMESTAMP};

/// The attribute keys the reader keeps, de-duplicated, and which field uses which.
pub(super) struct Keys {
    pub(super) names: Vec<String>,
    /// Whether an event without the key takes its trace's value.
    pub(super) inherit: Vec<bool>,
    pub(super) status: Vec<usize>,
    pub(super) assignee: usize,
    pub(super) team: usize,
    /// Index of `lifecycle:transition` when the status is chosen automatically.
    pub(super) auto_lifecycle: Option<usize>,
}

impl Keys {
    /// The keys `m` names, each once (at least the assignee's and the team's).
    pub(super) fn new(m: &XesMapping) -> Keys {
        let mut names: Vec<String> = Vec::new();
        let mut intern = |k: &str| match names.iter().position(|n| n == k) {
            Some(i) => i,
            None => {
                names.push(k.to_string());
                names.len() - 1
            }
        };
        let (status, auto_lifecycle) = match &m.status {
            Some(keys) => {
                let mut status: Vec<usize> = Vec::new();
                for k in keys {
                    let i = intern(k.as_str());
                    if !status.contains(&i) {
                        status.push(i);
                    }
                }
                (status, None)
            }
            None => {
                let n = intern(NAME);
                let l = intern(LIFECYCLE);
                (vec![n, l], Some(l))
            }
        };
        let assignee = intern(m.assignee.as_str());
        let team = intern(m.team.as_str());
        let inherit = names.iter().map(|n| n != NAME).collect();
        Keys {
            names,
            inherit,
            status,
            assignee,
            team,
            auto_lifecycle,
        }
    }

    /// What the (decoded) attribute key `key` may be used for.
    pub(super) fn identify(&self, key: &[u8]) -> KeyUse {
        KeyUse {
            name: key == NAME.as_bytes(),
            time: key == TIMESTAMP.as_bytes(),
            slot: self.names.iter().position(|n| n.as_bytes() == key),
        }
    }
}

/// What an attribute key may be used for: `concept:name`, `time:timestamp`, and its index
/// among the kept keys.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeyUse {
    pub(super) name: bool,
    pub(super) time: bool,
    pub(super) slot: Option<usize>,
}

impl KeyUse {
    /// Does any field use the key?
    pub(super) fn any(self) -> bool {
        self.name || self.time || self.slot.is_some()
    }
}
