//! XES event logs (IEEE 1849), plain `.xes` or gzip-compressed `.xes.gz`: one trace is one
//! work item, one event one change of its state fields (METRICS.md §1, FORMATS.md §6).
//!
//! Responsibility: stream a log into an [`EventBatch`] without building a DOM, and sniff
//! whether a file is XES ([`looks_like_xes`]).
//!
//! Invariants:
//! - Only attributes that are direct children of `<trace>` or `<event>` count. Nested
//!   attributes (children of `list`/`container`/any attribute element), log-level attributes
//!   (including huge `meta_*` trees), `<global>`, `<classifier>` and `<extension>` are ignored:
//!   `<global>` defaults are not applied (as pm4py).
//! - A key is looked up on the event, then on its trace. Exceptions: `concept:name` is never
//!   inherited (on a trace it is the item id, not an activity), and `time:timestamp` is the
//!   event's own.
//! - Of duplicate keys on one element the first wins (Fluxicon Nitro exports); an empty value
//!   counts as absent.
//! - Events are emitted in file order (trace order, then event order); nothing is sorted.
//!   A trace's events are buffered until `</trace>`, since trace attributes may follow them.
//! - Default status: `concept:name`; when any event's `lifecycle:transition` is outside the
//!   standard lifecycle model (BPIC 2013 uses it for sub-statuses), `concept:name -
//!   lifecycle:transition` for every event. Decided once the whole file has been read.
//! - No entity-expansion bombs: quick-xml never expands DTD entities; only the five predefined
//!   XML entities and character references are decoded, and any other entity is an error.
//! - Bad input is an error, never a panic: malformed XML or a truncated gzip stream is
//!   [`IngestError::Malformed`] naming the byte offset; a file without traces is `Empty`.

use crate::error::{shown, IngestError};
use crate::model::{Event as BatchEvent, EventBatch, SourceHints, Ts};
use crate::time::{parse_instant, Offset};
use crate::warning::{WarningKind, Warnings};
use chrono_tz::Tz;
use flate2::read::MultiGzDecoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::fmt::Display;
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::path::Path;
use std::sync::Arc;

/// `[xes]` config section: which XES attribute keys map to which fields.
#[derive(Debug, Clone, serde::Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct XesMapping {
    /// Keys whose present values, joined with `" - "`, make the status. `None` (the default)
    /// chooses automatically: `concept:name`, plus `lifecycle:transition` when the log uses
    /// lifecycle values outside the XES lifecycle model.
    pub status: Option<Vec<String>>,
    /// Key of the assignee (default `org:resource`).
    pub assignee: String,
    /// Key of the team (default `org:group`).
    pub team: String,
}

impl Default for XesMapping {
    fn default() -> Self {
        XesMapping {
            status: None,
            assignee: "org:resource".to_string(),
            team: "org:group".to_string(),
        }
    }
}

/// What one XES file yields.
#[derive(Debug)]
pub struct XesRead {
    /// The events, in file order.
    pub batch: EventBatch,
    /// Statuses built from more than one attribute value (`composite_statuses`).
    pub hints: SourceHints,
    /// Number of `<trace>` elements, including traces without usable events.
    pub traces: usize,
    /// Data-quality warnings (offset-less timestamps, events without a timestamp).
    pub warnings: Warnings,
    /// The attribute keys actually used to build the status, in join order.
    pub status_keys: Vec<String>,
    /// Per event, `flags::START` when its standard `lifecycle:transition` starts an
    /// activity (`start`, `resume`), `flags::NOT_COMPLETE` when it is neither a start nor a
    /// completion; empty when every event completes (METRICS.md §11).
    pub starts: Vec<u8>,
}

use super::table::flags::of_lifecycle;

const NAME: &str = "concept:name";
const LIFECYCLE: &str = "lifecycle:transition";
const TIMESTAMP: &str = "time:timestamp";
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const READ_BUFFER: usize = 64 * 1024;

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

/// Element names of typed XES attributes.
const ATTRIBUTE_ELEMENTS: [&[u8]; 8] = [
    b"string",
    b"date",
    b"int",
    b"float",
    b"boolean",
    b"id",
    b"list",
    b"container",
];

/// Read an XES file (`.xes` or `.xes.gz`; gzip is detected from the content).
pub fn read_xes(path: &Path, mapping: &XesMapping, tz: Tz) -> Result<XesRead, IngestError> {
    let file = std::fs::File::open(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_xes_from(file, path, mapping, tz)
}

/// Same as [`read_xes`], from any reader (already decompressed or not: gzip is detected by
/// its magic bytes `1f 8b`). `path` is only used in messages.
pub fn read_xes_from<R: Read>(
    mut reader: R,
    path: &Path,
    mapping: &XesMapping,
    tz: Tz,
) -> Result<XesRead, IngestError> {
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < magic.len() {
        match reader.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(IngestError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
    }
    let head: &[u8] = &magic[..got];
    let src = Read::chain(head, reader);
    if head == &GZIP_MAGIC[..] {
        parse(
            BufReader::with_capacity(READ_BUFFER, MultiGzDecoder::new(src)),
            path,
            mapping,
            tz,
            true,
        )
    } else {
        parse(
            BufReader::with_capacity(READ_BUFFER, src),
            path,
            mapping,
            tz,
            false,
        )
    }
}

/// Content sniffing for format detection: true when the first bytes (after an optional BOM,
/// whitespace, XML declaration, comments and DOCTYPE) open a `<log` root element that is not
/// an OCEL 2.0 XML log; also true when the bytes start with gzip magic and the file name ends
/// with `.xes.gz`. When `head` ends before the root element, the extension decides.
pub fn looks_like_xes(head: &[u8], path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if head.starts_with(&GZIP_MAGIC) {
        return name.ends_with(".xes.gz");
    }
    let by_extension = name.ends_with(".xes") || name.ends_with(".xes.gz");
    let s = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(s) = skip_prolog(s) else {
        return by_extension;
    };
    if s.len() < 4 && b"<log".starts_with(s) {
        return by_extension; // `head` ends before the root element's name
    }
    let Some(rest) = s.strip_prefix(b"<log") else {
        return false;
    };
    match rest.first() {
        None => return by_extension,
        Some(&c) if c.is_ascii_whitespace() || c == b'>' || c == b'/' => {}
        Some(_) => return false,
    }
    // OCEL 2.0 XML also has a `<log>` root: look at its first child.
    let Some(gt) = rest.iter().position(|&c| c == b'>') else {
        return true;
    };
    let Some(child) = skip_prolog(&rest[gt + 1..]) else {
        return true;
    };
    !["<object-types", "<objects", "<event-types", "<events"]
        .iter()
        .any(|t| child.starts_with(t.as_bytes()))
}

/// Skip whitespace, `<?…?>`, `<!--…-->` and `<!DOCTYPE …>`; `None` when `s` ends inside them.
fn skip_prolog(mut s: &[u8]) -> Option<&[u8]> {
    loop {
        let start = s
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .unwrap_or(s.len());
        s = &s[start..];
        let end = if let Some(rest) = s.strip_prefix(b"<?") {
            find(rest, b"?>")? + 4
        } else if let Some(rest) = s.strip_prefix(b"<!--") {
            find(rest, b"-->")? + 7
        } else if s.len() >= 9 && s[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
            // An internal subset `[...]` may hold `>` characters.
            let open = s.iter().position(|&c| c == b'[' || c == b'>')?;
            if s[open] == b'[' {
                let close = open + find(&s[open..], b"]")?;
                close + find(&s[close..], b">")? + 1
            } else {
                open + 1
            }
        } else {
            return Some(s);
        };
        s = s.get(end..)?;
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The attribute keys the reader keeps, de-duplicated, and which field uses which.
struct Keys {
    names: Vec<String>,
    /// Whether an event without the key takes its trace's value.
    inherit: Vec<bool>,
    status: Vec<usize>,
    assignee: usize,
    team: usize,
    /// Index of `lifecycle:transition` when the status is chosen automatically.
    auto_lifecycle: Option<usize>,
}

impl Keys {
    fn new(m: &XesMapping) -> Keys {
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

    fn find(&self, key: &str) -> Option<usize> {
        self.names.iter().position(|n| n == key)
    }
}

/// An event's `time:timestamp`, parsed as soon as it is read.
enum Time {
    Missing,
    At(Ts, Offset),
    /// The raw value and the parse error.
    Bad(String, String),
}

/// An event of the current trace, waiting for `</trace>`.
struct Pending {
    /// 1-based position among the trace's `<event>` elements.
    n: usize,
    time: Time,
}

/// Streaming state. `depth` counts open elements: `<log>` children are at depth 1, trace
/// children at 2, event children at 3.
struct Parser<'a> {
    path: &'a Path,
    tz: Tz,
    gz: bool,
    keys: Keys,
    depth: usize,
    saw_log: bool,
    in_trace: bool,
    in_event: bool,
    traces: usize,
    // The current trace.
    trace_name: Option<String>,
    trace_vals: Vec<Option<String>>,
    event_n: usize,
    pending: Vec<Pending>,
    /// Values of the pending events, `keys.names.len()` per event.
    pending_vals: Vec<Option<String>>,
    // The current event.
    ev_time: Time,
    ev_vals: Vec<Option<String>>,
    // Kept events in file order; `out_vals` holds `keys.names.len()` values per event, already
    // resolved against the trace.
    out_ids: Vec<String>,
    out_ts: Vec<Ts>,
    out_vals: Vec<Option<String>>,
    warnings: Warnings,
    /// Instants read without an offset (warned about once the file is read).
    local: super::instants::LocalTimes,
}

fn parse<B: BufRead>(
    src: B,
    path: &Path,
    mapping: &XesMapping,
    tz: Tz,
    gz: bool,
) -> Result<XesRead, IngestError> {
    let mut reader = Reader::from_reader(src);
    reader.config_mut().trim_text(true);
    let mut p = Parser::new(path, mapping, tz, gz);
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => return Err(p.xml_error(reader.error_position(), e)),
        };
        let pos = reader.buffer_position();
        let root_closed = match event {
            Event::Start(e) => {
                p.open(&e, pos)?;
                p.depth += 1;
                false
            }
            Event::Empty(e) => {
                p.open(&e, pos)?;
                p.closed()?
            }
            Event::End(_) => {
                p.depth = p.depth.saturating_sub(1);
                p.closed()?
            }
            Event::Eof => true,
            _ => false,
        };
        if root_closed {
            break;
        }
        buf.clear();
    }
    p.finish(reader.buffer_position())
}

impl<'a> Parser<'a> {
    fn new(path: &'a Path, mapping: &XesMapping, tz: Tz, gz: bool) -> Self {
        let keys = Keys::new(mapping);
        let k = keys.names.len();
        Parser {
            path,
            tz,
            gz,
            depth: 0,
            saw_log: false,
            in_trace: false,
            in_event: false,
            traces: 0,
            trace_name: None,
            trace_vals: vec![None; k],
            event_n: 0,
            pending: Vec::new(),
            pending_vals: Vec::new(),
            ev_time: Time::Missing,
            ev_vals: vec![None; k],
            out_ids: Vec::new(),
            out_ts: Vec::new(),
            out_vals: Vec::new(),
            warnings: Warnings::default(),
            local: Default::default(),
            keys,
        }
    }

    /// An element opens (start or empty tag); `self.depth` is its parent's depth.
    fn open(&mut self, e: &BytesStart<'_>, pos: u64) -> Result<(), IngestError> {
        let local = e.local_name();
        let name = local.as_ref();
        match self.depth {
            0 if name != b"log" => {
                return Err(IngestError::Empty {
                    path: self.path.to_path_buf(),
                    reason: format!(
                        "the root element is <{}>, not <log>: this is not an XES event log",
                        String::from_utf8_lossy(name)
                    ),
                })
            }
            0 => self.saw_log = true,
            1 if name == b"trace" => {
                self.traces += 1;
                self.in_trace = true;
                self.trace_name = None;
                self.trace_vals.iter_mut().for_each(|v| *v = None);
                self.event_n = 0;
                self.pending.clear();
                self.pending_vals.clear();
            }
            2 if self.in_trace && name == b"event" => {
                self.in_event = true;
                self.event_n += 1;
                self.ev_time = Time::Missing;
                self.ev_vals.iter_mut().for_each(|v| *v = None);
            }
            2 if self.in_trace && is_attribute(name) => self.attribute(e, false, pos)?,
            3 if self.in_event && is_attribute(name) => self.attribute(e, true, pos)?,
            _ => {}
        }
        Ok(())
    }

    /// An element closed and `self.depth` is back at its parent's depth (also called right
    /// after an empty tag). Returns true when the root element closed.
    fn closed(&mut self) -> Result<bool, IngestError> {
        if self.depth == 2 && self.in_event {
            self.end_event();
        } else if self.depth == 1 && self.in_trace {
            self.end_trace()?;
        }
        Ok(self.depth == 0)
    }

    /// A typed attribute element directly under the current trace or event.
    fn attribute(
        &mut self,
        e: &BytesStart<'_>,
        on_event: bool,
        pos: u64,
    ) -> Result<(), IngestError> {
        let mut key = None;
        let mut value = None;
        for a in e.attributes() {
            let a = a.map_err(|err| self.malformed(pos, err))?;
            // `QName` holds the raw name by value, so matching on it does not borrow `a`.
            match a.key.0 {
                b"key" => key = Some(a.unescape_value().map_err(|err| self.malformed(pos, err))?),
                b"value" => value = Some(a),
                _ => {}
            }
        }
        let Some(key) = key else { return Ok(()) };
        let key: &str = &key;
        // Decode the value only when it is wanted (most attributes of a real log are not).
        let want_time = on_event && key == TIMESTAMP && matches!(self.ev_time, Time::Missing);
        let want_name = !on_event && key == NAME && self.trace_name.is_none();
        let slot = match self.keys.find(key) {
            Some(i) if on_event && self.ev_vals[i].is_none() => Some(i),
            Some(i) if !on_event && key != NAME && self.trace_vals[i].is_none() => Some(i),
            _ => None,
        };
        if !want_time && !want_name && slot.is_none() {
            return Ok(());
        }
        let value = match &value {
            Some(a) => a.unescape_value().map_err(|err| self.malformed(pos, err))?,
            None => std::borrow::Cow::Borrowed(""),
        };
        if value.trim().is_empty() {
            return Ok(()); // an empty value counts as absent
        }
        if want_time {
            self.ev_time = match parse_instant(&value, self.tz) {
                Ok((ts, offset)) => Time::At(ts, offset),
                Err(reason) => Time::Bad(value.to_string(), reason.to_string()),
            };
        }
        if want_name {
            self.trace_name = Some(value.into_owned());
        } else if let Some(i) = slot {
            let v = Some(value.into_owned());
            if on_event {
                self.ev_vals[i] = v;
            } else {
                self.trace_vals[i] = v;
            }
        }
        Ok(())
    }

    fn end_event(&mut self) {
        self.in_event = false;
        let time = std::mem::replace(&mut self.ev_time, Time::Missing);
        self.pending.push(Pending {
            n: self.event_n,
            time,
        });
        self.pending_vals
            .extend(self.ev_vals.iter_mut().map(Option::take));
    }

    /// `</trace>`: the item id is known now; resolve the buffered events.
    fn end_trace(&mut self) -> Result<(), IngestError> {
        self.in_trace = false;
        let id = match self.trace_name.take() {
            Some(name) => name,
            None => format!("trace {}", self.traces),
        };
        let path = self.path;
        let k = self.keys.names.len();
        for (j, p) in self.pending.drain(..).enumerate() {
            let n = p.n;
            let ts = match p.time {
                Time::Missing => {
                    self.warnings.add(WarningKind::EventWithoutTimestamp, 1, || {
                        format!("{}: trace {id:?} event {n} has no {TIMESTAMP} and was skipped; add one or remove the event", path.display())
                    });
                    continue;
                }
                Time::Bad(value, reason) => {
                    return Err(IngestError::BadValue {
                        path: path.to_path_buf(),
                        record: format!("trace {id:?} event {n}").into(),
                        field: TIMESTAMP.to_string(),
                        value: shown(&value),
                        reason: format!("{reason}; fix the value or remove the event"),
                    })
                }
                Time::At(ts, off) => {
                    self.local.count(off, || {
                        format!("{}: trace {id:?} event {n}: {TIMESTAMP}", path.display())
                    });
                    ts
                }
            };
            self.out_ids.push(id.clone());
            self.out_ts.push(ts);
            for i in 0..k {
                let v = match self.pending_vals[j * k + i].take() {
                    Some(v) => Some(v),
                    None if self.keys.inherit[i] => self.trace_vals[i].clone(),
                    None => None,
                };
                self.out_vals.push(v);
            }
        }
        self.pending_vals.clear();
        Ok(())
    }

    /// End of input: check completeness, choose the status keys, build the batch.
    fn finish(self, pos: u64) -> Result<XesRead, IngestError> {
        let path = self.path.to_path_buf();
        if self.depth > 0 {
            let record = self.at(pos);
            return Err(IngestError::Malformed {
                path,
                record: record.into(),
                reason: "the file ends before its elements are closed: the file is truncated or not well-formed XML; re-export it".to_string(),
            });
        }
        if !self.saw_log {
            return Err(IngestError::Empty {
                path,
                reason: "no <log> root element: this is not an XES event log".to_string(),
            });
        }
        if self.traces == 0 {
            return Err(IngestError::Empty {
                path,
                reason: "the XES <log> holds no <trace>".to_string(),
            });
        }
        if self.out_ts.is_empty() {
            let reason = format!("{} traces but no event with a {TIMESTAMP}", self.traces);
            return Err(IngestError::Empty { path, reason });
        }
        let Parser {
            keys,
            traces,
            out_ids,
            out_ts,
            mut out_vals,
            mut warnings,
            local,
            tz,
            ..
        } = self;
        local.warn(tz, &mut warnings);
        // Invariant: at least the assignee and team keys exist, so k >= 1.
        let k = keys.names.len();
        let mut starts: Vec<u8> = Vec::new();
        let status_idx: Vec<usize> = match keys.auto_lifecycle {
            Some(lc) => {
                let non_standard = out_vals.chunks(k).any(|row| {
                    row[lc]
                        .as_deref()
                        .is_some_and(|v| !is_standard_lifecycle(v))
                });
                if non_standard {
                    keys.status.clone()
                } else {
                    // Standard lifecycle: the activity is the status; start and resume
                    // begin active time in an activity log; only complete (or no
                    // lifecycle) is an execution of the activity.
                    let flag = |row: &[Option<String>]| {
                        row[lc].as_deref().and_then(of_lifecycle).unwrap_or(0)
                    };
                    if out_vals.chunks(k).any(|row| flag(row) != 0) {
                        starts = out_vals.chunks(k).map(flag).collect();
                    }
                    keys.status.iter().copied().filter(|&i| i != lc).collect()
                }
            }
            None => keys.status.clone(),
        };
        let mut batch = EventBatch::default();
        let mut hints = SourceHints::default();
        for ((row, item_id), timestamp) in out_vals.chunks_mut(k).zip(out_ids).zip(out_ts) {
            let (status, parts) = join_status(row, &status_idx);
            if let Some(s) = &status {
                if parts > 1 && !hints.composite_statuses.contains(s) {
                    hints.composite_statuses.insert(s.clone());
                }
            }
            let team = if keys.team == keys.assignee {
                row[keys.team].clone()
            } else {
                row[keys.team].take()
            };
            let assignee = row[keys.assignee].take();
            batch.push(BatchEvent {
                item_id,
                timestamp,
                status,
                assignee,
                team,
                actor: None,
                source: Some("xes".to_string()),
                created: None,
            });
        }
        let status_keys = status_idx.iter().map(|&i| keys.names[i].clone()).collect();
        Ok(XesRead {
            batch,
            hints,
            traces,
            warnings,
            status_keys,
            starts,
        })
    }

    /// Where the reader is, for messages.
    fn at(&self, pos: u64) -> String {
        let byte = if self.gz {
            format!("byte {pos} of the decompressed XML")
        } else {
            format!("byte {pos}")
        };
        if self.in_trace {
            format!("{byte} (in trace {})", self.traces)
        } else {
            byte
        }
    }

    fn malformed(&self, pos: u64, what: impl Display) -> IngestError {
        IngestError::Malformed {
            path: self.path.to_path_buf(),
            record: self.at(pos).into(),
            reason: format!("{what}: the file is truncated or not well-formed XML; re-export it"),
        }
    }

    /// A quick-xml error: I/O errors stay I/O errors, except the gzip decoder's (a truncated
    /// or corrupt `.gz`), which are `Malformed` like every XML error.
    fn xml_error(&self, pos: u64, e: quick_xml::Error) -> IngestError {
        match e {
            quick_xml::Error::Io(io) if self.gz && matches!(io.kind(), ErrorKind::UnexpectedEof | ErrorKind::InvalidInput | ErrorKind::InvalidData) => {
                IngestError::Malformed {
                    path: self.path.to_path_buf(),
                    record: self.at(pos).into(),
                    reason: format!("cannot decompress ({io}): the .gz file is truncated or corrupt; re-export or re-download it"),
                }
            }
            quick_xml::Error::Io(io) => {
                let source = Arc::try_unwrap(io).unwrap_or_else(|io| std::io::Error::new(io.kind(), io.to_string()));
                IngestError::Io { path: self.path.to_path_buf(), source }
            }
            other => self.malformed(pos, other),
        }
    }
}

fn is_attribute(name: &[u8]) -> bool {
    ATTRIBUTE_ELEMENTS.iter().any(|&a| a == name)
}

fn is_standard_lifecycle(v: &str) -> bool {
    let v = v.trim();
    STANDARD_LIFECYCLE.iter().any(|s| s.eq_ignore_ascii_case(v))
}

/// Join the present values at `idx` with `" - "`; also returns how many were joined.
fn join_status(row: &[Option<String>], idx: &[usize]) -> (Option<String>, usize) {
    let mut out = String::new();
    let mut parts = 0;
    for &i in idx {
        if let Some(v) = &row[i] {
            if parts > 0 {
                out.push_str(" - ");
            }
            out.push_str(v);
            parts += 1;
        }
    }
    (if parts == 0 { None } else { Some(out) }, parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::io::Write;
    use std::path::PathBuf;

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn utc(v: &str) -> Ts {
        parse_instant(v, Tz::UTC).unwrap().0
    }

    fn log(body: &str) -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<log xes.version=\"1849-2016\" xmlns=\"http://www.xes-standard.org/\">\n{body}\n</log>\n")
    }

    /// An event with a name, a timestamp and extra attribute elements.
    fn ev(name: &str, ts: &str, extra: &str) -> String {
        format!("<event><string key=\"concept:name\" value=\"{name}\"/><date key=\"time:timestamp\" value=\"{ts}\"/>{extra}</event>")
    }

    fn read_with(xml: &str, mapping: &XesMapping, tz: Tz) -> Result<XesRead, IngestError> {
        read_xes_from(xml.as_bytes(), Path::new("test.xes"), mapping, tz)
    }

    fn read(xml: &str) -> Result<XesRead, IngestError> {
        read_with(xml, &XesMapping::default(), Tz::UTC)
    }

    #[test]
    fn basic_traces_and_events() {
        let x = log(&format!(
            "<trace><string key=\"concept:name\" value=\"T-1\"/>{}{}</trace>\n<trace><string key=\"concept:name\" value=\"T-2\"/>{}</trace>",
            ev("Open", "2024-03-01T10:00:00Z", r#"<string key="org:resource" value="ann"/><string key="org:group" value="Payments"/>"#),
            ev("Done", "2024-03-01T12:00:00+01:00", ""),
            ev("Open", "2024-03-02T00:00:00.5Z", r#"<string key="org:resource" value="bob"/>"#),
        ));
        let r = read(&x).unwrap();
        assert_eq!(r.traces, 2);
        let b = &r.batch;
        assert_eq!(b.len(), 3);
        assert_eq!(b.item_id, ["T-1", "T-1", "T-2"]);
        assert_eq!(
            b.timestamp,
            [
                1_709_287_200_000_000,
                1_709_290_800_000_000,
                utc("2024-03-02T00:00:00Z") + 500_000
            ]
        );
        assert_eq!(b.status, [s("Open"), s("Done"), s("Open")]);
        assert_eq!(b.assignee, [s("ann"), None, s("bob")]);
        assert_eq!(b.team, [s("Payments"), None, None]);
        assert!(b.actor.iter().all(Option::is_none));
        assert!(b.created.iter().all(Option::is_none));
        assert!(b.source.iter().all(|v| v.as_deref() == Some("xes")));
        assert_eq!(r.status_keys, ["concept:name"]);
        assert!(r.hints.composite_statuses.is_empty());
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn standard_lifecycle_keeps_the_activity_name() {
        let lc = |v: &str| format!("<string key=\"lifecycle:transition\" value=\"{v}\"/>");
        let x = log(&format!(
            "<trace><string key=\"concept:name\" value=\"c\"/>{}{}</trace>",
            ev("Review", "2024-03-01T10:00:00Z", &lc("start")),
            ev("Review", "2024-03-01T11:00:00Z", &lc("COMPLETE")),
        ));
        let r = read(&x).unwrap();
        assert_eq!(r.batch.status, [s("Review"), s("Review")]);
        assert_eq!(r.status_keys, ["concept:name"]);
        assert!(r.hints.composite_statuses.is_empty());
    }

    #[test]
    fn non_standard_lifecycle_joins_name_and_transition_for_every_event() {
        let lc = |v: &str| format!("<string key=\"lifecycle:transition\" value=\"{v}\"/>");
        let x = log(&format!(
            "<trace><string key=\"concept:name\" value=\"c1\"/>{}{}</trace><trace><string key=\"concept:name\" value=\"c2\"/>{}</trace>",
            ev("Queued", "2024-03-01T09:00:00Z", ""),
            ev("Completed", "2024-03-01T10:00:00Z", &lc("complete")),
            ev("Accepted", "2024-03-01T11:00:00Z", &lc("In Progress")),
        ));
        let r = read(&x).unwrap();
        assert_eq!(
            r.batch.status,
            [
                s("Queued"),
                s("Completed - complete"),
                s("Accepted - In Progress")
            ]
        );
        assert_eq!(r.status_keys, ["concept:name", "lifecycle:transition"]);
        let composite: Vec<&str> = r
            .hints
            .composite_statuses
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(
            composite,
            ["Accepted - In Progress", "Completed - complete"]
        );
    }

    #[test]
    fn trace_attributes_are_fallbacks_even_after_the_events() {
        let x = log(&format!(
            "<trace>{}{}<event><date key=\"time:timestamp\" value=\"2024-03-01T12:00:00Z\"/></event>\
             <string key=\"org:group\" value=\"Team A\"/><string key=\"concept:name\" value=\"late-name\"/></trace>",
            ev("a", "2024-03-01T10:00:00Z", r#"<string key="org:group" value="Team B"/>"#),
            ev("b", "2024-03-01T11:00:00Z", ""),
        ));
        let r = read(&x).unwrap();
        assert_eq!(r.batch.item_id, ["late-name", "late-name", "late-name"]);
        assert_eq!(r.batch.team, [s("Team B"), s("Team A"), s("Team A")]);
        // concept:name is the trace's id, never an activity for its events.
        assert_eq!(r.batch.status, [s("a"), s("b"), None]);
    }

    #[test]
    fn nested_log_level_and_global_attributes_are_ignored() {
        let x = log(&format!(
            r#"<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
            <global scope="event"><string key="org:group" value="GlobalTeam"/></global>
            <classifier name="Activity" keys="concept:name"/>
            <string key="org:resource" value="LogLevel"/>
            <int key="meta_concept:named_events_total" value="3"><int key="org:group" value="1"/></int>
            <trace><list key="l"><values><string key="concept:name" value="nested-name"/></values></list>
              <string key="concept:name" value="real"/>{}</trace>"#,
            ev(
                "x",
                "2024-03-01T10:00:00Z",
                r#"<container key="c"><string key="org:resource" value="Nested"/><date key="time:timestamp" value="1999-01-01T00:00:00Z"/></container><string key="org:resource" value="Real"/>"#
            ),
        ));
        let r = read(&x).unwrap();
        assert_eq!(r.batch.item_id, ["real"]);
        assert_eq!(r.batch.assignee, [s("Real")]);
        assert_eq!(r.batch.team, [None]);
        assert_eq!(r.batch.timestamp, [utc("2024-03-01T10:00:00Z")]);
    }

    #[test]
    fn duplicate_keys_first_wins_and_unnamed_traces_are_numbered() {
        let x = log(&format!(
            "<trace><string key=\"concept:name\" value=\"one\"/>{}</trace><trace>{}</trace>",
            ev(
                "a",
                "2024-03-01T10:00:00Z",
                r#"<string key="org:resource" value="First"/><string key="org:resource" value="Second"/>"#
            ),
            ev(
                "b",
                "2024-03-01T11:00:00Z",
                r#"<date key="time:timestamp" value="2030-01-01T00:00:00Z"/>"#
            ),
        ));
        let r = read(&x).unwrap();
        assert_eq!(r.batch.assignee, [s("First"), None]);
        assert_eq!(r.batch.item_id, ["one", "trace 2"]);
        assert_eq!(r.batch.timestamp[1], utc("2024-03-01T11:00:00Z"));
    }

    #[test]
    fn events_without_timestamp_are_skipped_and_counted() {
        let x = log(&format!(
            "<trace><string key=\"concept:name\" value=\"c\"/>{}<event><string key=\"concept:name\" value=\"no time\"/></event><event/>{}</trace>",
            ev("a", "2024-03-01T10:00:00Z", ""),
            ev("b", "2024-03-01T11:00:00Z", ""),
        ));
        let r = read(&x).unwrap();
        assert_eq!(r.batch.status, [s("a"), s("b")]);
        assert_eq!(r.warnings.count(WarningKind::EventWithoutTimestamp), 2);
        let entries = r.warnings.entries();
        let msg = &entries[0].message;
        assert!(msg.contains("trace \"c\" event 2"), "{msg}");
    }

    #[test]
    fn offset_less_timestamps_are_read_in_the_zone_and_counted() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let x = log(&format!(
            "<trace><string key=\"concept:name\" value=\"c\"/>{}{}{}</trace>",
            ev("a", "2024-01-15T10:00:00", ""),
            ev("b", "2024-03-31T02:30:00", ""),
            ev("c", "2024-01-15T10:00:00+01:00", ""),
        ));
        let r = read_with(&x, &XesMapping::default(), paris).unwrap();
        assert_eq!(
            r.batch.timestamp,
            [
                utc("2024-01-15T09:00:00Z"),
                utc("2024-03-31T01:30:00Z"),
                utc("2024-01-15T09:00:00Z")
            ]
        );
        assert_eq!(r.warnings.count(WarningKind::TimestampWithoutOffset), 1);
        assert_eq!(r.warnings.count(WarningKind::TimestampInDstGap), 1);
    }

    #[test]
    fn unparsable_timestamp_names_trace_event_and_value() {
        let x = log(&format!(
            "<trace><string key=\"concept:name\" value=\"T-9\"/>{}{}</trace>",
            ev("a", "2024-03-01T10:00:00Z", ""),
            ev("b", "yesterday", ""),
        ));
        match read(&x) {
            Err(IngestError::BadValue {
                record,
                field,
                value,
                reason,
                ..
            }) => {
                assert_eq!(record.to_string(), "trace \"T-9\" event 2");
                assert_eq!(field, "time:timestamp");
                assert_eq!(value, "yesterday");
                assert!(
                    reason.ends_with("fix the value or remove the event"),
                    "{reason}"
                );
            }
            other => panic!("expected BadValue, got {other:?}"),
        }
    }

    #[test]
    fn entities_are_decoded_and_undefined_ones_are_errors() {
        let x = log(&format!(
            "<trace><string key=\"concept:name\" value=\"R&amp;D &#233;\"/>{}</trace>",
            ev("a &lt;b&gt;", "2024-03-01T10:00:00Z", "")
        ));
        let r = read(&x).unwrap();
        assert_eq!(r.batch.item_id, ["R&D é"]);
        assert_eq!(r.batch.status, [s("a <b>")]);

        let undefined = log(&format!(
            "<trace>{}</trace>",
            ev("a&nbsp;b", "2024-03-01T10:00:00Z", "")
        ));
        assert!(matches!(
            read(&undefined),
            Err(IngestError::Malformed { .. })
        ));

        // DTD entities are never expanded (no entity-expansion bombs): an error, not a blow-up.
        let dtd = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE log [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><log><trace>{}</trace></log>",
            ev("&b;", "2024-03-01T10:00:00Z", "")
        );
        assert!(matches!(read(&dtd), Err(IngestError::Malformed { .. })));
    }

    #[test]
    fn malformed_or_truncated_xml_is_malformed() {
        let mismatched = log("<trace><event></trace>");
        assert!(matches!(
            read(&mismatched),
            Err(IngestError::Malformed { .. })
        ));
        let full = log(&format!(
            "<trace><string key=\"concept:name\" value=\"c\"/>{}</trace>",
            ev("a", "2024-03-01T10:00:00Z", "")
        ));
        for cut in [full.len() / 2, full.len() - 8] {
            match read(&full[..cut]) {
                Err(e @ IngestError::Malformed { .. }) => {
                    assert!(e.to_string().contains("re-export"), "{e}")
                }
                other => panic!("cut at {cut}: expected Malformed, got {other:?}"),
            }
        }
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn gzip_is_detected_and_a_truncated_stream_is_malformed() {
        let traces: String = (0..300)
            .map(|i| {
                format!(
                    "<trace><string key=\"concept:name\" value=\"case {i}\"/>{}</trace>\n",
                    ev(&format!("step {i}"), "2024-03-01T10:00:00Z", "")
                )
            })
            .collect();
        let gz = gzip(log(&traces).as_bytes());
        let path = Path::new("t.xes.gz");
        let r = read_xes_from(&gz[..], path, &XesMapping::default(), Tz::UTC).unwrap();
        assert_eq!((r.traces, r.batch.len()), (300, 300));
        match read_xes_from(&gz[..gz.len() / 2], path, &XesMapping::default(), Tz::UTC) {
            Err(e @ IngestError::Malformed { .. }) => {
                assert!(e.to_string().contains("truncated"), "{e}")
            }
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn no_log_or_no_traces_is_empty() {
        for x in [
            "",
            "<?xml version=\"1.0\"?><log/>",
            "<log><string key=\"a\" value=\"b\"/></log>",
            "<html><body/></html>",
        ] {
            assert!(matches!(read(x), Err(IngestError::Empty { .. })), "{x:?}");
        }
        let no_times =
            log("<trace><event><string key=\"concept:name\" value=\"a\"/></event></trace>");
        assert!(matches!(read(&no_times), Err(IngestError::Empty { .. })));
    }

    #[test]
    fn custom_mapping() {
        let mapping = XesMapping {
            status: Some(vec!["concept:name".into(), "org:role".into()]),
            assignee: "Resource".into(),
            team: "org:role".into(),
        };
        let x = log(&format!(
            "<trace><string key=\"concept:name\" value=\"c\"/>{}{}</trace>",
            ev(
                "Fix",
                "2024-03-01T10:00:00Z",
                r#"<string key="org:role" value="dev"/><string key="Resource" value="Pete"/>"#
            ),
            ev("Fix", "2024-03-01T11:00:00Z", ""),
        ));
        let r = read_with(&x, &mapping, Tz::UTC).unwrap();
        assert_eq!(r.batch.status, [s("Fix - dev"), s("Fix")]);
        assert_eq!(r.batch.assignee, [s("Pete"), None]);
        assert_eq!(r.batch.team, [s("dev"), None]);
        assert_eq!(r.status_keys, ["concept:name", "org:role"]);
        assert_eq!(
            r.hints.composite_statuses.iter().collect::<Vec<_>>(),
            ["Fix - dev"]
        );

        let same = XesMapping {
            status: None,
            assignee: "org:resource".into(),
            team: "org:resource".into(),
        };
        let x = log(&format!(
            "<trace>{}</trace>",
            ev(
                "a",
                "2024-03-01T10:00:00Z",
                r#"<string key="org:resource" value="ann"/>"#
            )
        ));
        let r = read_with(&x, &same, Tz::UTC).unwrap();
        assert_eq!(
            (r.batch.assignee[0].clone(), r.batch.team[0].clone()),
            (s("ann"), s("ann"))
        );
    }

    #[test]
    fn mapping_from_toml() {
        assert_eq!(
            toml::from_str::<XesMapping>("").unwrap(),
            XesMapping::default()
        );
        let m: XesMapping = toml::from_str(
            "status = [\"concept:name\", \"lifecycle:transition\"]\nteam = \"group\"",
        )
        .unwrap();
        assert_eq!(
            m.status.as_deref(),
            Some(
                &[
                    "concept:name".to_string(),
                    "lifecycle:transition".to_string()
                ][..]
            )
        );
        assert_eq!(
            (m.assignee.as_str(), m.team.as_str()),
            ("org:resource", "group")
        );
        assert!(toml::from_str::<XesMapping>("colour = \"red\"").is_err());
    }

    #[test]
    fn sniffing() {
        let p = Path::new("export.bin");
        assert!(looks_like_xes(b"<log xes.version=\"1.0\">", p));
        assert!(looks_like_xes(
            b"\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- OpenXES -->\n<!-- more -->\n<log>\n<trace>",
            p
        ));
        assert!(looks_like_xes(
            b"<!DOCTYPE log [<!ENTITY a \"b\">]><log/>",
            p
        ));
        assert!(!looks_like_xes(
            b"<?xml version='1.0'?>\n<log>\n  <object-types>",
            p
        ));
        assert!(!looks_like_xes(b"<?xml version='1.0'?><logbook/>", p));
        assert!(!looks_like_xes(b"{\"issues\": []}", p));
        assert!(!looks_like_xes(b"item_id,timestamp\n", Path::new("x.xes")));
        assert!(looks_like_xes(
            &[0x1f, 0x8b, 8, 0],
            Path::new("dir/Helpdesk.XES.gz")
        ));
        assert!(!looks_like_xes(
            &[0x1f, 0x8b, 8, 0],
            Path::new("events.csv.gz")
        ));
        // The head ends inside the prolog: the extension decides.
        assert!(looks_like_xes(
            b"<?xml version='1.0'?><!-- a long comm",
            Path::new("a.xes")
        ));
        assert!(!looks_like_xes(b"<?xml version='1.0'?><!-- a long comm", p));
    }

    fn real(name: &str) -> XesRead {
        let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/xes")).join(name);
        read_xes(&path, &XesMapping::default(), Tz::UTC).unwrap_or_else(|e| panic!("{e}"))
    }

    fn distinct(v: &[String]) -> usize {
        v.iter().collect::<BTreeSet<_>>().len()
    }

    // Expected numbers below were verified independently with Python (gzip + xml.etree,
    // direct child attributes of <trace>/<event> only) and `date -u -d … +%s`.

    #[test]
    fn real_helpdesk() {
        let r = real("helpdesk.xes.gz");
        assert_eq!(
            (r.traces, r.batch.len(), distinct(&r.batch.item_id)),
            (4_580, 21_348, 4_580)
        );
        assert_eq!(r.batch.item_id[0], "Case 1");
        assert_eq!(r.batch.timestamp[0], 1_349_794_217_000_000); // 2012-10-09T14:50:17+00:00
        assert_eq!(r.batch.status[0], s("Assign seriousness"));
        assert_eq!(r.batch.assignee[0], s("Value 1"));
        assert!(r.batch.team.iter().all(Option::is_none));
        assert_eq!(r.batch.item_id.last().map(String::as_str), Some("Case 999"));
        assert_eq!(r.batch.timestamp.last(), Some(&1_364_574_285_000_000));
        assert_eq!(r.status_keys, ["concept:name"]);
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn real_bpic2013_open_problems_has_composite_statuses() {
        let r = real("bpic2013_open_problems.xes.gz");
        assert_eq!((r.traces, r.batch.len()), (819, 2_351));
        assert_eq!(r.status_keys, ["concept:name", "lifecycle:transition"]);
        assert_eq!(r.batch.item_id[0], "1-147898401");
        assert_eq!(r.batch.timestamp[0], 1_162_890_036_000_000); // 2006-11-07T10:00:36+01:00
        assert_eq!(r.batch.status[0], s("Accepted - In Progress"));
        assert_eq!(
            (r.batch.assignee[0].clone(), r.batch.team[0].clone()),
            (s("Tomas"), s("Org line A2"))
        );
        let statuses: BTreeSet<&str> = r
            .batch
            .status
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let expected = [
            "Accepted - Assigned",
            "Accepted - In Progress",
            "Accepted - Wait",
            "Completed - Closed",
            "Queued - Awaiting Assignment",
        ];
        assert_eq!(statuses.into_iter().collect::<Vec<_>>(), expected);
        assert_eq!(
            r.hints
                .composite_statuses
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            expected
        );
        assert_eq!(
            r.batch
                .status
                .iter()
                .filter(|v| v.as_deref() == Some("Accepted - In Progress"))
                .count(),
            1_154
        );
    }

    #[test]
    fn real_bpic2013_closed_problems() {
        let r = real("bpic2013_closed_problems.xes.gz");
        assert_eq!((r.traces, r.batch.len()), (1_487, 6_660));
        assert_eq!(r.status_keys, ["concept:name"]);
        assert_eq!(r.batch.item_id[0], "1-109135791");
        assert_eq!(r.batch.timestamp[0], 1_136_990_982_000_000); // 2006-01-11T16:49:42.000+02:00
        assert_eq!(r.batch.status[0], s("Queued-Awaiting Assignment"));
        assert!(r.hints.composite_statuses.is_empty());
    }

    #[test]
    fn real_running_example() {
        let r = real("running-example.xes");
        assert_eq!((r.traces, r.batch.len()), (6, 42));
        assert_eq!(r.batch.item_id[0], "3");
        assert_eq!(r.batch.timestamp[0], 1_293_715_920_000_000); // 2010-12-30T14:32:00.000+01:00
        assert_eq!(
            (r.batch.status[0].clone(), r.batch.assignee[0].clone()),
            (s("register request"), s("Pete"))
        );
        assert_eq!(r.batch.item_id.last().map(String::as_str), Some("4"));
    }

    #[test]
    fn real_road_traffic_with_dst_offsets() {
        let r = real("roadtraffic100traces.xes");
        assert_eq!((r.traces, r.batch.len()), (100, 390));
        assert_eq!(r.status_keys, ["concept:name"]);
        assert_eq!(r.batch.item_id[0], "N77802");
        assert_eq!(
            r.batch.timestamp[..2],
            [1_111_532_400_000_000, 1_121_983_200_000_000]
        ); // +01:00, then +02:00
        assert_eq!(r.batch.status[..2], [s("Create Fine"), s("Send Fine")]);
        assert_eq!(r.batch.assignee[..2], [s("537"), None]);
    }
}
