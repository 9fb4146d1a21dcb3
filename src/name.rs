//! [`Name`]: a shared, immutable name (status, team, person, tool) held by item records.
//!
//! A million items repeat a few hundred distinct names. Records used to own a `String` per
//! occurrence (a heap allocation each, ~1.8 KB per item at 10M events); a `Name` is one
//! pointer to a string shared by every record of a block of items ([`Interner`]), so a
//! record's names cost 8 bytes each (a thin pointer to a shared boxed string; an
//! `Option<Name>` too) and no allocation (docs/PERFORMANCE.md, docs/BOUNDED-MEMORY.md).

use rustc_hash::FxHashMap;
use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A shared immutable string. Compares, orders and hashes as its text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Name(Arc<Box<str>>);

impl Name {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0[..]
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0[..]
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0[..]
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0[..]
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(Arc::new(Box::from(s)))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(Arc::new(s.into_boxed_str()))
    }
}

impl From<Name> for String {
    fn from(n: Name) -> Self {
        n.0.to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &self.0[..] == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &self.0[..] == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        &self.0[..] == other.as_str()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0[..])
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0[..], f)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0[..])
    }
}

/// Hands out one [`Name`] per distinct text. One interner serves one block of items on one
/// thread (no locking; a name repeated across blocks is stored once per block).
#[derive(Default)]
pub struct Interner<'a> {
    names: FxHashMap<&'a str, Name>,
}

impl<'a> Interner<'a> {
    /// The shared name for `s`.
    pub fn get(&mut self, s: &'a str) -> Name {
        if let Some(n) = self.names.get(s) {
            return n.clone();
        }
        let n = Name::from(s);
        self.names.insert(s, n.clone());
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_names_share_one_allocation_and_compare_as_text() {
        let mut i = Interner::default();
        let a = i.get("In Progress");
        let b = i.get("In Progress");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, Name::from("In Progress"));
        assert!(a == "In Progress");
        assert!(Name::from("A") < Name::from("B"));
        assert_eq!(format!("{a}/{a:?}"), "In Progress/\"In Progress\"");
        assert_eq!(
            serde_json::to_string(&a).unwrap_or_default(),
            "\"In Progress\""
        );
    }

    #[test]
    fn a_name_is_one_thin_pointer_and_an_absent_one_costs_nothing_more() {
        assert_eq!(std::mem::size_of::<Name>(), 8);
        assert_eq!(std::mem::size_of::<Option<Name>>(), 8);
        assert_eq!(std::mem::size_of::<(i64, Name)>(), 16);
        // Hashing and ordering follow the text, as with a `str`.
        let mut names = vec![Name::from("b"), Name::from("a"), Name::from("")];
        names.sort();
        assert_eq!(names, ["", "a", "b"].map(Name::from));
    }
}
