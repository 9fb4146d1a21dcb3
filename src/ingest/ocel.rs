//! OCEL 2.0 JSON object-centric event logs (FORMATS.md §6, "OCEL 2.0"): `{objectTypes[],
//! eventTypes[], objects[], events[]}`. An object has an `id`, a `type`, attributes whose
//! values change over time and relationships to other objects; an event has an `id`, a
//! `type` (the activity), a `time`, attributes and relationships to the objects it touches
//! (`{objectId, qualifier}`). There is no single case notion: one object type is read as the
//! work items, the others are only counted.
//!
//! Responsibility: flatten a log on one object type into canonical events (METRICS.md §1) and
//! sniff whether a file is OCEL 2.0 JSON ([`looks_like_ocel`]).
//!
//! Decisions:
//! - Item type = `[ocel] item_type` when set (a type no object has is an error that lists
//!   the types found), else the object type with the most related events, counted as
//!   (event, object) pairs through the events' relationships; a tie goes to the name first in
//!   byte order. Items are the objects of that type, in the order of `objects[]`; item id =
//!   the object's `id`. Of two objects with one id the first is kept.
//! - One event per related item: an event related to two items of the type becomes one event
//!   of each (object-centric convergence: it counts in both, as pm4py's flattening on one
//!   object type does). An object named twice by one event counts once.
//! - Status = the event's `type`; actor = the first event attribute named `org:resource`,
//!   `resource`, `user` or `actor` (any case) with a non-empty string value; no assignee,
//!   team or creation time. Object attributes over time (e.g. `is_blocked` = Yes → No) are
//!   not read as statuses, and object-to-object relationships and qualifiers are not read.
//! - Each item's events are ordered by (time, position in the file); items follow the order
//!   of `objects[]`.
//! - Counted as `input_skipped`: events related to no object of the item type (the message
//!   says `[ocel] item_type` chooses another type), and relationships naming an object id
//!   that is not in `objects[]`. Objects without an `id` or `type` are skipped
//!   (`row_without_item_id`). Times without an offset are read in `--tz` and counted.
//! - [`OcelRead::related_types`] lists, for the events read, the other object types they
//!   touch with their (event, object) pair counts, so a report can say what was flattened.
//!
//! Invariants: `source` = `ocel` on every event; no panics on data (no indexing with values
//! from the file, serde's recursion limit on nesting); deterministic output (ordered maps,
//! stable sorts with the file position as the last key); errors name the file, the event,
//! the field and the value.

use super::imported::Imported;
use super::instants::LocalTimes;
use crate::error::{shown, IngestError, Location};
use crate::model::{Event, Ts};
use crate::time::parse_instant;
use crate::warning::{WarningKind, Warnings};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::Value;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The `source` of every OCEL event.
pub const SOURCE: &str = "ocel";

/// Event attribute names read as the actor (compared lower-cased; string values only).
const ACTOR_KEYS: [&str; 4] = ["org:resource", "resource", "user", "actor"];

pub use super::options::OcelOptions;

/// What one OCEL 2.0 JSON log yields.
#[derive(Debug)]
pub struct OcelRead {
    /// The events (grouped by item), the item count, warnings and the file's counts.
    pub imported: Imported,
    /// The object type read as work items.
    pub item_type: String,
    /// The other object types related to the events read, with their number of (event,
    /// object) pairs: most first, ties by name.
    pub related_types: Vec<(String, u64)>,
}

/// Does the head of a file look like OCEL 2.0 JSON? True when, after an optional BOM and
/// whitespace, it opens a JSON object and names both `"objectTypes"` and `"eventTypes"`, or
/// `"objects"` and `"events"` together with `"relationships"`.
pub fn looks_like_ocel(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(start) = head.iter().position(|c| !c.is_ascii_whitespace()) else {
        return false;
    };
    if head.get(start) != Some(&b'{') {
        return false;
    }
    let has = |key: &[u8]| head.windows(key.len()).any(|w| w == key);
    (has(b"\"objectTypes\"") && has(b"\"eventTypes\""))
        || (has(b"\"objects\"") && has(b"\"events\"") && has(b"\"relationships\""))
}

// The shapes read. serde skips what is not named here: `eventTypes`, object attributes
// (values over time), object-to-object relationships and qualifiers.

/// The log.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Log {
    object_types: Vec<TypeDecl>,
    objects: Vec<Object>,
    events: Vec<OcelEvent>,
}

/// An entry of `objectTypes` (its attribute declarations are not read).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct TypeDecl {
    name: String,
}

/// An entry of `objects`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Object {
    id: String,
    #[serde(rename = "type")]
    kind: String,
}

/// An entry of `events`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct OcelEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    time: Option<String>,
    attributes: Vec<Attribute>,
    relationships: Vec<Relationship>,
}

/// An event attribute: its value may be a string, a number or a boolean.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Attribute {
    name: String,
    value: Value,
}

/// An event-to-object relationship.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Relationship {
    object_id: String,
}

/// An event that relates to at least one item.
struct Kept<'a> {
    ts: Ts,
    status: Option<&'a str>,
    actor: Option<&'a str>,
}

/// How an event is named in messages: `event "e12"`, or `event #3` without an id.
fn event_record(e: &OcelEvent, position: usize) -> String {
    if e.id.is_empty() {
        format!("event #{}", position + 1)
    } else {
        format!("event {:?}", shown(&e.id))
    }
}

/// The first attribute named like an actor with a non-empty string value.
fn actor(attrs: &[Attribute]) -> Option<&str> {
    attrs.iter().find_map(|a| {
        let name = a.name.trim().to_lowercase();
        if !ACTOR_KEYS.contains(&name.as_str()) {
            return None;
        }
        a.value.as_str().map(str::trim).filter(|s| !s.is_empty())
    })
}

/// `"Invoice" (3 object(s), 9 related event(s)), …` in byte order of the type names.
fn type_list(objects: &BTreeMap<&str, u64>, events: &BTreeMap<&str, u64>) -> String {
    if objects.is_empty() {
        return "none".to_string();
    }
    objects
        .iter()
        .map(|(t, n)| {
            let e = events.get(t).copied().unwrap_or(0);
            format!("{t:?} ({n} object(s), {e} related event(s))")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Read one OCEL 2.0 JSON log, flattened on its item type.
pub fn read(path: &Path, opts: &OcelOptions, tz: Tz) -> Result<OcelRead, IngestError> {
    let log = parse_log(path)?;
    let mut warnings = Warnings::default();
    let ix = Index::build(&log, path, &mut warnings);
    let item_type = ix.item_type(&log, opts, path)?;
    let items = ix.items(&log, &item_type);
    let flat = flatten(&log, &ix, &items, &item_type, path, tz)?;
    if flat.kept.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
            reason: format!(
                "no OCEL event relates to an object of type {item_type:?} (`[ocel] item_type`); \
                 the object types found are {}: choose one with related events",
                ix.found()
            ),
        });
    }
    warn_skipped(&log, &ix, &flat, &item_type, opts, path, &mut warnings);
    flat.local.warn(tz, &mut warnings);
    let mut imported = emit(&items.ids, flat.per_item, &flat.kept);
    imported.warnings = warnings;
    imported.files = vec![(
        path.to_path_buf(),
        imported.items as u64,
        imported.batch.len() as u64,
    )];
    let mut related_types: Vec<(String, u64)> = flat
        .related_types
        .into_iter()
        .map(|(t, n)| (t.to_string(), n))
        .collect();
    related_types.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(OcelRead {
        imported,
        item_type,
        related_types,
    })
}

/// The log of `path`; an error says how to export one.
fn parse_log(path: &Path) -> Result<Log, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let data = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    serde_json::from_slice(data).map_err(|e| IngestError::Malformed {
        path: path.to_path_buf(),
        record: Location::line_column(e.line(), e.column()),
        reason: format!(
            "{e}; the file is not valid OCEL 2.0 JSON (an object with `objects` and `events` \
             arrays): re-export the log as OCEL 2.0 JSON (e.g. pm4py's `write_ocel2_json`)"
        ),
    })
}

/// Objects by id and type, and each event's related objects.
struct Index<'a> {
    /// Object id → its position in `objects` (the first of a repeated id).
    by_id: HashMap<&'a str, usize>,
    /// Objects per type.
    objects_per_type: BTreeMap<&'a str, u64>,
    /// Per event, its related known objects (positions in `objects`, each once).
    related: Vec<Vec<usize>>,
    /// (event, object) pairs per object type.
    events_per_type: BTreeMap<&'a str, u64>,
    /// Relationships naming an unknown object, and the first (event position, object id).
    unknown: u64,
    first_unknown: Option<(usize, &'a str)>,
}

/// The items: the objects of the item type in `objects` order, and each object's item slot.
struct Items<'a> {
    ids: Vec<&'a str>,
    slot: Vec<Option<usize>>,
}

/// The events of the items, flattened.
struct Flat<'a> {
    kept: Vec<Kept<'a>>,
    /// Per item, its events as (time, index into `kept`).
    per_item: Vec<Vec<(Ts, usize)>>,
    /// (event, object) pairs of the other types related to the events read.
    related_types: BTreeMap<&'a str, u64>,
    skipped: u64,
    first_skipped: Option<usize>,
    local: LocalTimes,
}

impl<'a> Index<'a> {
    /// Index the objects (objects without an id or type are counted and skipped) and relate
    /// each event to the known objects it names.
    fn build(log: &'a Log, path: &Path, warnings: &mut Warnings) -> Index<'a> {
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        let mut objects_per_type: BTreeMap<&str, u64> = BTreeMap::new();
        let mut unnamed = 0u64;
        let mut first_unnamed: Option<usize> = None;
        for (i, o) in log.objects.iter().enumerate() {
            if o.id.is_empty() || o.kind.is_empty() {
                unnamed += 1;
                first_unnamed.get_or_insert(i);
                continue;
            }
            if let Entry::Vacant(v) = by_id.entry(o.id.as_str()) {
                v.insert(i);
                *objects_per_type.entry(o.kind.as_str()).or_default() += 1;
            }
        }
        warnings.add(WarningKind::RowWithoutItemId, unnamed, || {
            format!(
                "{}: OCEL object(s) without an `id` or a `type` were skipped (first: object \
                 #{}); relationships to them count as unknown objects: give every object both",
                path.display(),
                first_unnamed.map_or(0, |i| i + 1)
            )
        });
        let mut ix = Index {
            by_id,
            objects_per_type,
            related: Vec::with_capacity(log.events.len()),
            events_per_type: BTreeMap::new(),
            unknown: 0,
            first_unknown: None,
        };
        for (p, e) in log.events.iter().enumerate() {
            ix.relate(log, p, e);
        }
        ix
    }

    /// Event `p`'s related known objects; unknown ids are counted.
    fn relate(&mut self, log: &'a Log, p: usize, e: &'a OcelEvent) {
        let mut objs: Vec<usize> = Vec::with_capacity(e.relationships.len());
        for r in &e.relationships {
            match self.by_id.get(r.object_id.as_str()) {
                Some(&i) => objs.push(i),
                None => {
                    self.unknown += 1;
                    self.first_unknown.get_or_insert((p, r.object_id.as_str()));
                }
            }
        }
        objs.sort_unstable();
        objs.dedup();
        for &i in &objs {
            if let Some(o) = log.objects.get(i) {
                *self.events_per_type.entry(o.kind.as_str()).or_default() += 1;
            }
        }
        self.related.push(objs);
    }

    /// The object types found, for messages.
    fn found(&self) -> String {
        type_list(&self.objects_per_type, &self.events_per_type)
    }

    /// The item type: `[ocel] item_type` (which must name a type of `objects`), else the type
    /// with the most related events (ties: the name first in byte order).
    fn item_type(&self, log: &Log, opts: &OcelOptions, path: &Path) -> Result<String, IngestError> {
        if let Some(t) = &opts.item_type {
            if self.objects_per_type.contains_key(t.as_str()) {
                return Ok(t.clone());
            }
            let declared = log.object_types.iter().any(|d| d.name == *t);
            return Err(IngestError::BadValue {
                path: path.to_path_buf(),
                record: "objects".to_string().into(),
                field: "[ocel] item_type".to_string(),
                value: shown(t),
                reason: format!(
                    "{} no object of this type; the object types found are {}: set \
                     `[ocel] item_type` to one of them, or remove it to read the type with \
                     the most related events",
                    if declared {
                        "the log declares the type in `objectTypes` but holds"
                    } else {
                        "the log holds"
                    },
                    self.found()
                ),
            });
        }
        let best = self
            .events_per_type
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
        if let Some((t, _)) = best {
            return Ok((*t).to_string());
        }
        let reason = if log.objects.is_empty() {
            "the OCEL log holds no objects".to_string()
        } else if log.events.is_empty() {
            format!(
                "the OCEL log holds {} objects but no events",
                log.objects.len()
            )
        } else {
            format!(
                "none of the {} OCEL events relates to an object of `objects`; the object \
                 types found are {}",
                log.events.len(),
                self.found()
            )
        };
        Err(IngestError::Empty {
            path: path.to_path_buf(),
            reason,
        })
    }

    /// The objects of `item_type`, in `objects` order.
    fn items(&self, log: &'a Log, item_type: &str) -> Items<'a> {
        let mut slot: Vec<Option<usize>> = vec![None; log.objects.len()];
        let mut ids: Vec<&str> = Vec::new();
        for (i, o) in log.objects.iter().enumerate() {
            if o.kind == item_type && self.by_id.get(o.id.as_str()) == Some(&i) {
                if let Some(s) = slot.get_mut(i) {
                    *s = Some(ids.len());
                    ids.push(o.id.as_str());
                }
            }
        }
        Items { ids, slot }
    }
}

/// Each event related to an item, kept once and listed under each of its items; events
/// related to no item are counted.
fn flatten<'a>(
    log: &'a Log,
    ix: &Index<'a>,
    items: &Items<'a>,
    item_type: &str,
    path: &Path,
    tz: Tz,
) -> Result<Flat<'a>, IngestError> {
    let mut flat = Flat {
        kept: Vec::new(),
        per_item: vec![Vec::new(); items.ids.len()],
        related_types: BTreeMap::new(),
        skipped: 0,
        first_skipped: None,
        local: LocalTimes::default(),
    };
    for (p, (e, objs)) in log.events.iter().zip(&ix.related).enumerate() {
        let slots: Vec<usize> = objs
            .iter()
            .filter_map(|&i| items.slot.get(i).copied().flatten())
            .collect();
        if slots.is_empty() {
            flat.skipped += 1;
            flat.first_skipped.get_or_insert(p);
            continue;
        }
        let ts = event_time(e, p, path, tz, &mut flat.local)?;
        let k = flat.kept.len();
        flat.kept.push(Kept {
            ts,
            status: Some(e.kind.as_str()).filter(|s| !s.is_empty()),
            actor: actor(&e.attributes),
        });
        for s in slots {
            if let Some(v) = flat.per_item.get_mut(s) {
                v.push((ts, k));
            }
        }
        for o in objs.iter().filter_map(|&i| log.objects.get(i)) {
            if o.kind != item_type {
                *flat.related_types.entry(o.kind.as_str()).or_default() += 1;
            }
        }
    }
    Ok(flat)
}

/// Event `p`'s time (required); times without an offset are counted in `local`.
fn event_time(
    e: &OcelEvent,
    p: usize,
    path: &Path,
    tz: Tz,
    local: &mut LocalTimes,
) -> Result<Ts, IngestError> {
    let time = e.time.as_deref().unwrap_or("");
    let bad = |reason: String| IngestError::BadValue {
        path: path.to_path_buf(),
        record: event_record(e, p).into(),
        field: "time".to_string(),
        value: shown(time),
        reason,
    };
    if time.trim().is_empty() {
        return Err(bad(
            "the event has no time (every OCEL 2.0 event has one); add it or re-export the log"
                .to_string(),
        ));
    }
    let (ts, how) = parse_instant(time, tz)
        .map_err(|r| bad(format!("{r}; fix the value or re-export the log")))?;
    local.count(how, || {
        format!("{}: {}: time {time:?}", path.display(), event_record(e, p))
    });
    Ok(ts)
}

/// Skipped events, then relationships to unknown objects (one kind: the first message names
/// both counts).
fn warn_skipped(
    log: &Log,
    ix: &Index<'_>,
    flat: &Flat<'_>,
    item_type: &str,
    opts: &OcelOptions,
    path: &Path,
    warnings: &mut Warnings,
) {
    let unknown = ix.unknown;
    let unknown_note = |sep: &str| match ix.first_unknown {
        Some((p, id)) => format!(
            "{sep}{unknown} relationship(s) name an object id that is not in `objects` and were \
             not read (first: {}: objectId {:?}); add those objects to the log or re-export it",
            log.events
                .get(p)
                .map_or_else(|| format!("event #{}", p + 1), |e| event_record(e, p)),
            shown(id)
        ),
        None => String::new(),
    };
    let why = if opts.item_type.is_some() {
        "set by `[ocel] item_type`"
    } else {
        "the object type with the most related events"
    };
    let skipped = flat.skipped;
    warnings.add(WarningKind::InputSkipped, skipped, || {
        let first = flat
            .first_skipped
            .and_then(|p| log.events.get(p).map(|e| (p, e)))
            .map_or_else(String::new, |(p, e)| {
                format!(" (first: {} of type {:?})", event_record(e, p), e.kind)
            });
        format!(
            "{}: {skipped} OCEL event(s) relate to no object of type {item_type:?} and were not \
             read{first}; the items are the {item_type:?} objects ({why}): set `[ocel] \
             item_type` to audit another type (found: {}){}",
            path.display(),
            ix.found(),
            unknown_note("; also ")
        )
    });
    warnings.add(WarningKind::InputSkipped, unknown, || {
        format!("{}: {}", path.display(), unknown_note(""))
    });
}

/// Items in `objects` order, each one's events by (time, position in the file).
fn emit(ids: &[&str], mut per_item: Vec<Vec<(Ts, usize)>>, kept: &[Kept]) -> Imported {
    let mut imported = Imported::default();
    for (id, evs) in ids.iter().zip(per_item.iter_mut()) {
        if evs.is_empty() {
            continue;
        }
        evs.sort_unstable();
        imported.items += 1;
        for x in evs.iter().filter_map(|&(_, k)| kept.get(k)) {
            imported.batch.push(Event {
                item_id: (*id).to_string(),
                timestamp: x.ts,
                status: x.status.map(str::to_string),
                actor: x.actor.map(str::to_string),
                source: Some(SOURCE.to_string()),
                ..Event::default()
            });
        }
    }
    imported
}

#[cfg(test)]
mod tests {
    //! Expected numbers on the real file were computed independently with python3 (json
    //! module only): object id → type, per event the distinct known related objects, events
    //! flattened on a type and sorted by (time, position) per item, in `objects` order.
    //! Related (event, object) pairs per type: Invoice 9, Purchase Order 5, Purchase
    //! Requisition 3, Payment 3 → Invoice. Flattened on Invoice: R1 2, R2 2, R3 5 events
    //! (e5…e13), 4 events (e1–e4) touch no invoice; the kept events touch Payment 3 times
    //! (e7, e8, e13) and Purchase Order 3 times (e5, e6, e10). On Purchase Order: PO1 4
    //! (e3–e6), PO2 1 (e10), 8 skipped; related Invoice 3 (e5, e6, e10), Purchase
    //! Requisition 1 (e3). No event attribute is named like an actor (`pr_creator`,
    //! `invoice_inserter`, …) and every time has an offset (`+00:00`).
    use super::*;
    use crate::time::format_instant;
    use serde_json::json;
    use std::io::Write;
    use std::path::PathBuf;

    fn real_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/ocel/pm4py_ocel20_example.jsonocel")
    }

    fn opts(item_type: Option<&str>) -> OcelOptions {
        OcelOptions {
            item_type: item_type.map(str::to_string),
        }
    }

    fn real(item_type: Option<&str>) -> OcelRead {
        read(&real_path(), &opts(item_type), Tz::UTC).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Events of one item as (instant, status).
    fn timeline(r: &OcelRead, id: &str) -> Vec<(String, String)> {
        let b = &r.imported.batch;
        (0..b.len())
            .filter(|&i| b.item_id[i] == id)
            .map(|i| {
                (
                    format_instant(b.timestamp[i]),
                    b.status[i].clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    fn row(t: &str, s: &str) -> (String, String) {
        (t.to_string(), s.to_string())
    }

    fn temp_bytes(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new()
            .suffix(".jsonocel")
            .tempfile()
            .unwrap();
        f.write_all(bytes).unwrap();
        f.flush().unwrap();
        f
    }

    fn temp(v: &Value) -> tempfile::NamedTempFile {
        temp_bytes(v.to_string().as_bytes())
    }

    #[test]
    fn real_log_flattened_on_the_type_with_the_most_events() {
        let r = real(None);
        assert_eq!(r.item_type, "Invoice");
        let im = &r.imported;
        assert_eq!(im.items, 3);
        assert_eq!(im.batch.len(), 9);
        assert_eq!(im.files.len(), 1);
        assert_eq!((im.files[0].1, im.files[0].2), (3, 9));
        assert_eq!(im.files[0].0, real_path());
        assert_eq!(
            im.batch.item_id,
            ["R1", "R1", "R2", "R2", "R3", "R3", "R3", "R3", "R3"]
        );
        assert_eq!(
            r.related_types,
            [
                ("Payment".to_string(), 3),
                ("Purchase Order".to_string(), 3)
            ]
        );
        assert!(im.batch.source.iter().all(|v| v.as_deref() == Some(SOURCE)));
        assert!(im.batch.actor.iter().all(Option::is_none));
        assert!(im.batch.assignee.iter().all(Option::is_none));
        assert!(im.batch.team.iter().all(Option::is_none));
        assert!(im.batch.created.iter().all(Option::is_none));
        assert_eq!(
            timeline(&r, "R3"),
            [
                row("2022-02-02T08:00:00Z", "Insert Invoice"),
                row("2022-02-02T16:00:00Z", "Create Purchase Order"),
                row("2022-02-03T06:30:00Z", "Set Payment Block"),
                row("2022-02-03T22:30:00Z", "Remove Payment Block"),
                row("2022-02-28T22:00:00Z", "Insert Payment"),
            ]
        );
        assert_eq!(
            timeline(&r, "R1"),
            [
                row("2022-01-14T11:00:00Z", "Insert Invoice"),
                row("2022-01-30T22:00:00Z", "Insert Payment"),
            ]
        );
        // e1–e4 touch no invoice; nothing else is counted.
        assert_eq!(im.warnings.count(WarningKind::InputSkipped), 4);
        assert_eq!(
            im.warnings.entries().len(),
            1,
            "{:?}",
            im.warnings.entries()
        );
        let entries = im.warnings.entries();
        let m = &entries[0].message;
        assert!(
            m.contains("[ocel] item_type") && m.contains("\"Invoice\"") && m.contains("\"e1\""),
            "{m}"
        );
        assert!(im.hints.current_status.is_empty());
    }

    #[test]
    fn real_log_flattened_on_the_configured_type() {
        let r = real(Some("Purchase Order"));
        assert_eq!(r.item_type, "Purchase Order");
        assert_eq!(r.imported.items, 2);
        assert_eq!(r.imported.batch.len(), 5);
        assert_eq!((r.imported.files[0].1, r.imported.files[0].2), (2, 5));
        assert_eq!(
            timeline(&r, "PO1"),
            [
                row("2022-01-10T08:15:00Z", "Create Purchase Order"),
                row("2022-01-13T11:00:00Z", "Change PO Quantity"),
                row("2022-01-14T11:00:00Z", "Insert Invoice"),
                row("2022-01-16T10:00:00Z", "Insert Invoice"),
            ]
        );
        assert_eq!(
            timeline(&r, "PO2"),
            [row("2022-02-02T16:00:00Z", "Create Purchase Order")]
        );
        assert_eq!(
            r.related_types,
            [
                ("Invoice".to_string(), 3),
                ("Purchase Requisition".to_string(), 1)
            ]
        );
        assert_eq!(r.imported.warnings.count(WarningKind::InputSkipped), 8);
    }

    #[test]
    fn an_unknown_item_type_is_an_error_naming_the_value_and_the_types() {
        match read(&real_path(), &opts(Some("Ticket")), Tz::UTC) {
            Err(IngestError::BadValue {
                field,
                value,
                reason,
                ..
            }) => {
                assert_eq!(field, "[ocel] item_type");
                assert_eq!(value, "Ticket");
                assert!(
                    reason.contains("\"Invoice\" (3 object(s), 9 related event(s))")
                        && reason
                            .contains("\"Purchase Requisition\" (1 object(s), 3 related event(s))"),
                    "{reason}"
                );
            }
            other => panic!("expected BadValue, got {other:?}"),
        }
        // Type names are compared exactly.
        assert!(matches!(
            read(&real_path(), &opts(Some("invoice")), Tz::UTC),
            Err(IngestError::BadValue { .. })
        ));
    }

    #[test]
    fn convergence_ordering_actor_and_warnings() {
        let log = json!({
            "objectTypes": [{"name": "ticket", "attributes": []}, {"name": "user", "attributes": []}],
            "eventTypes": [],
            "objects": [
                {"id": "T2", "type": "ticket"},
                {"id": "U1", "type": "user", "attributes": [{"name": "x", "time": "1970-01-01T00:00:00Z", "value": 1}]},
                {"id": "T1", "type": "ticket", "relationships": [{"objectId": "U1", "qualifier": "owner"}]},
                {"type": "ticket"},
                {"id": "T2", "type": "user"}
            ],
            "events": [
                {"id": "a", "type": "Open", "time": "2024-01-02T10:00:00Z",
                 "attributes": [{"name": "Org:Resource", "value": "ann"}],
                 "relationships": [{"objectId": "T2", "qualifier": "q"}]},
                {"id": "b", "type": "Open", "time": "2024-01-01T09:00:00+01:00",
                 "attributes": [{"name": "resource", "value": 42}, {"name": "user", "value": "bob"}],
                 "relationships": [{"objectId": "T1", "qualifier": "q"}, {"objectId": "U1", "qualifier": "by"}]},
                {"id": "c", "type": "Review", "time": "2024-01-03T00:00:00",
                 "relationships": [{"objectId": "T1"}, {"objectId": "T2"}, {"objectId": "T1", "qualifier": "again"},
                                   {"objectId": "GHOST"}]},
                {"id": "d", "type": "Triage", "time": "2024-01-01T07:00:00Z",
                 "relationships": [{"objectId": "T1"}]},
                {"id": "e", "type": "Chat", "time": "2024-01-01T07:00:00Z",
                 "relationships": [{"objectId": "U1"}]},
                {"id": "f", "type": "Same time", "time": "2024-01-01T08:00:00Z", "attributes": [],
                 "relationships": [{"objectId": "T1"}]}
            ]
        });
        let f = temp(&log);
        let r = read(f.path(), &OcelOptions::default(), chrono_tz::Europe::Paris)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.item_type, "ticket");
        let b = &r.imported.batch;
        // Items in `objects` order; `c` counts for both tickets, once each.
        assert_eq!(b.item_id, ["T2", "T2", "T1", "T1", "T1", "T1"]);
        assert_eq!(
            timeline(&r, "T2"),
            [
                row("2024-01-02T10:00:00Z", "Open"),
                row("2024-01-02T23:00:00Z", "Review")
            ]
        );
        // Sorted by time; `b` and `f` share an instant and keep file order.
        assert_eq!(
            timeline(&r, "T1"),
            [
                row("2024-01-01T07:00:00Z", "Triage"),
                row("2024-01-01T08:00:00Z", "Open"),
                row("2024-01-01T08:00:00Z", "Same time"),
                row("2024-01-02T23:00:00Z", "Review"),
            ]
        );
        let s = |v: &str| Some(v.to_string());
        assert_eq!(b.actor, [s("ann"), None, None, s("bob"), None, None]);
        assert_eq!(r.imported.items, 2);
        assert_eq!(r.related_types, [("user".to_string(), 1)]);
        let w = &r.imported.warnings;
        // `e` touches no ticket (1) and `c` names GHOST (1).
        assert_eq!(w.count(WarningKind::InputSkipped), 2);
        let m = w
            .entries()
            .into_iter()
            .find(|e| e.kind == WarningKind::InputSkipped)
            .unwrap()
            .message;
        assert!(m.contains("\"e\"") && m.contains("\"GHOST\""), "{m}");
        assert_eq!(w.count(WarningKind::RowWithoutItemId), 1);
        assert_eq!(w.count(WarningKind::TimestampWithoutOffset), 1);
        assert_eq!(r.imported.files[0].1, 2);
        assert_eq!(r.imported.files[0].2, 6);
    }

    #[test]
    fn a_tie_goes_to_the_first_type_name() {
        let log = json!({
            "objects": [{"id": "x", "type": "zeta"}, {"id": "y", "type": "alpha"}],
            "events": [
                {"id": "1", "type": "A", "time": "2024-01-01T00:00:00Z", "relationships": [{"objectId": "x"}]},
                {"id": "2", "type": "B", "time": "2024-01-02T00:00:00Z", "relationships": [{"objectId": "y"}]}
            ]
        });
        let f = temp(&log);
        let r = read(f.path(), &OcelOptions::default(), Tz::UTC).unwrap();
        assert_eq!(r.item_type, "alpha");
        assert_eq!(r.imported.batch.item_id, ["y"]);
        assert!(r.related_types.is_empty());
    }

    #[test]
    fn bad_times_and_empty_logs_are_errors() {
        let with_time = |time: Value| {
            json!({
                "objects": [{"id": "T", "type": "ticket"}],
                "events": [{"id": "x", "type": "Open", "time": time, "relationships": [{"objectId": "T"}]}]
            })
        };
        for (time, shown_value) in [
            (json!("yesterday"), "yesterday"),
            (json!(null), ""),
            (json!("2024-02-30T00:00:00Z"), "2024-02-30T00:00:00Z"),
        ] {
            let f = temp(&with_time(time));
            match read(f.path(), &OcelOptions::default(), Tz::UTC) {
                Err(IngestError::BadValue {
                    record,
                    field,
                    value,
                    ..
                }) => {
                    assert_eq!(record.to_string(), "event \"x\"");
                    assert_eq!(field, "time");
                    assert_eq!(value, shown_value);
                }
                other => panic!("expected BadValue, got {other:?}"),
            }
        }
        // The configured type has objects but no events.
        let log = json!({
            "objects": [{"id": "T", "type": "ticket"}, {"id": "U", "type": "user"}],
            "events": [{"id": "x", "type": "Open", "time": "2024-01-01T00:00:00Z", "relationships": [{"objectId": "U"}]}]
        });
        let f = temp(&log);
        match read(f.path(), &opts(Some("ticket")), Tz::UTC) {
            Err(IngestError::Empty { reason, .. }) => {
                assert!(
                    reason.contains("\"ticket\"") && reason.contains("\"user\""),
                    "{reason}"
                )
            }
            other => panic!("expected Empty, got {other:?}"),
        }
        // Events without relationships, no events, nothing at all.
        for log in [
            json!({"objects": [{"id": "T", "type": "ticket"}],
                   "events": [{"id": "x", "type": "Open", "time": "2024-01-01T00:00:00Z"}]}),
            json!({"objects": [{"id": "T", "type": "ticket"}], "events": []}),
            json!({}),
        ] {
            let f = temp(&log);
            assert!(
                matches!(
                    read(f.path(), &OcelOptions::default(), Tz::UTC),
                    Err(IngestError::Empty { .. })
                ),
                "{log}"
            );
        }
    }

    #[test]
    fn garbage_and_truncated_json_are_malformed_without_panicking() {
        let bytes = std::fs::read(real_path()).unwrap();
        let mut cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"not json at all".to_vec(),
            b"[1, 2, 3]".to_vec(),
            b"{\"objects\": 5}".to_vec(),
            b"{\"events\": [{\"id\": 7}]}".to_vec(),
            b"{\"objects\": [], \"events\": [{\"relationships\": [{\"objectId\": \"\xff\xfe\"}]}]}"
                .to_vec(),
            b"\xEF\xBB\xBF{\"objects\": [".to_vec(),
            vec![0xff; 64],
        ];
        for cut in (1..bytes.len()).step_by(97) {
            cases.push(bytes[..cut].to_vec());
        }
        for c in &cases {
            let f = temp_bytes(c);
            match read(f.path(), &OcelOptions::default(), Tz::UTC) {
                Err(IngestError::Malformed { record, reason, .. }) => {
                    assert!(record.to_string().starts_with("line "), "{record}");
                    assert!(reason.contains("OCEL 2.0 JSON"), "{reason}");
                }
                other => panic!(
                    "expected Malformed for {:?}, got {other:?}",
                    String::from_utf8_lossy(c)
                ),
            }
        }
        // The whole file with a BOM is read.
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(&bytes);
        let f = temp_bytes(&bom);
        let r = read(f.path(), &OcelOptions::default(), Tz::UTC).unwrap();
        assert_eq!(r.imported.batch.len(), 9);
        // A missing file is an Io error.
        assert!(matches!(
            read(
                Path::new("/nonexistent/flowaudit/ocel.jsonocel"),
                &OcelOptions::default(),
                Tz::UTC
            ),
            Err(IngestError::Io { .. })
        ));
    }

    fn head(rel: &str) -> Vec<u8> {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(rel);
        std::fs::read(p).unwrap().into_iter().take(8192).collect()
    }

    #[test]
    fn sniffing() {
        assert!(looks_like_ocel(&head("ocel/pm4py_ocel20_example.jsonocel")));
        let mut bom = b"\xEF\xBB\xBF \n".to_vec();
        bom.extend(head("ocel/pm4py_ocel20_example.jsonocel"));
        assert!(looks_like_ocel(&bom));
        // Objects and events first, no type declarations in the head.
        assert!(looks_like_ocel(
            br#"{"objects":[{"id":"T1","type":"ticket","relationships":[]}],"events":["#
        ));
        for other in [
            "ocel/pm4py_ocel20_example.xmlocel",
            "jira/go-jira_issues_in_sprint_with_changelog.json",
            "jira/perceval_fiware_jira_server_search_page1.json",
            "trello/miyamae_clipkit_board_export_2015.json",
            "xes/running-example.xes",
        ] {
            assert!(!looks_like_ocel(&head(other)), "{other}");
        }
        // A Jira-like head.
        assert!(!looks_like_ocel(
            br#"{"expand":"schema,names","startAt":0,"total":1,"issues":[{"key":"AR-86","fields":{"status":{"name":"Done"}}}]}"#
        ));
        // An array, or the keys inside a string value.
        assert!(!looks_like_ocel(br#"[{"objectTypes":[],"eventTypes":[]}]"#));
        assert!(!looks_like_ocel(
            br#"{"description":"has \"objectTypes\" and \"eventTypes\""}"#
        ));
        let junk: [&[u8]; 6] = [
            b"",
            b"{",
            b"   ",
            b"\xEF\xBB",
            b"\xff\xfe\x00{\"objectTypes\"",
            b"\"objectTypes\"\"eventTypes\"",
        ];
        for j in junk {
            assert!(!looks_like_ocel(j));
        }
    }
}
