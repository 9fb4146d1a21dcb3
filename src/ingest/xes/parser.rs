//! The exact path's streaming state: the [`Parser`] that turns tags into events, trace by
//! trace, with every check, warning and error of the XES reader (module doc of `xes`). The
//! one-thread parse, the two-thread one (`tags`) and each chunk of the chunked path
//! (`chunks`) feed it the same items.

use super::events::{build_table, choose_status, Values, ABSENT};
use super::keys::{KeyUse, Keys};
use super::tags::{Item, Tag};
use super::{XesMapping, XesRead, TIMESTAMP};
use crate::error::{shown, IngestError};
use crate::model::Ts;
use crate::time::{parse_instant, Offset};
use crate::warning::{WarningKind, Warnings};
use chrono_tz::Tz;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::Event;
use quick_xml::name::QName;
use quick_xml::Reader;
use std::borrow::Cow;
use std::fmt::Display;
use std::io::{BufRead, ErrorKind};
use std::path::Path;
use std::sync::Arc;

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
/// children at 2, event children at 3. Value vectors hold one [`Values`] code per kept key
/// (`keys.names.len()` per event).
pub(super) struct Parser<'a> {
    path: &'a Path,
    tz: Tz,
    gz: bool,
    keys: Keys,
    pub(super) depth: usize,
    pub(super) saw_log: bool,
    pub(super) in_trace: bool,
    in_event: bool,
    traces: usize,
    /// Whether `traces` counts the file's traces (false in a chunk past the first, which
    /// declines a trace without a name: its fallback name is its number in the file).
    pub(super) numbered: bool,
    values: Values,
    // The current trace.
    trace_name: Option<String>,
    trace_vals: Vec<u32>,
    event_n: usize,
    pending: Vec<Pending>,
    /// Values of the pending events.
    pending_vals: Vec<u32>,
    // The current event.
    ev_time: Time,
    ev_vals: Vec<u32>,
    // Kept events in file order; `out_vals` is already resolved against the trace.
    /// The ids of the traces with kept events, and per kept event its trace's index there
    /// (an id is stored once per trace, not once per event).
    out_items: Vec<String>,
    out_item: Vec<u32>,
    out_ts: Vec<Ts>,
    out_vals: Vec<u32>,
    warnings: Warnings,
    /// Instants read without an offset (warned about once the file is read).
    local: crate::ingest::instants::LocalTimes,
}

impl<'a> Parser<'a> {
    /// The state before the first byte.
    pub(super) fn new(path: &'a Path, mapping: &XesMapping, tz: Tz, gz: bool) -> Self {
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
            numbered: true,
            values: Values::new(),
            trace_name: None,
            trace_vals: vec![ABSENT; k],
            event_n: 0,
            pending: Vec::new(),
            pending_vals: Vec::new(),
            ev_time: Time::Missing,
            ev_vals: vec![ABSENT; k],
            out_items: Vec::new(),
            out_item: Vec::new(),
            out_ts: Vec::new(),
            out_vals: Vec::new(),
            warnings: Warnings::default(),
            local: Default::default(),
            keys,
        }
    }

    /// Read items on this thread and feed them to the parser until the input ends for it
    /// (`Some(position)` to finish at) or the reader has passed `until` bytes (`None`).
    pub(super) fn feed<B: BufRead>(
        &mut self,
        reader: &mut Reader<B>,
        depth: &mut usize,
        until: u64,
    ) -> Result<Option<u64>, IngestError> {
        let mut bytes: Vec<u8> = Vec::with_capacity(4096);
        while reader.buffer_position() < until {
            bytes.clear();
            let (item, _) = super::tags::next_item(reader, &mut bytes, depth);
            if let Some(item) = item {
                if let Some(pos) = self.step(item, &bytes)? {
                    return Ok(Some(pos));
                }
            }
        }
        Ok(None)
    }

    /// Parse the rest of the input on this thread.
    pub(super) fn feed_to_end<B: BufRead>(
        mut self,
        reader: &mut Reader<B>,
        depth: &mut usize,
    ) -> Result<XesRead, IngestError> {
        loop {
            if let Some(pos) = self.feed(reader, depth, u64::MAX)? {
                return self.finish(pos);
            }
        }
    }

    /// One item of the input (`bytes`: its batch's bytes). Returns the position to finish at
    /// when the input has ended for the parser: the root element closed, or the end of input.
    pub(super) fn step(&mut self, item: Item, bytes: &[u8]) -> Result<Option<u64>, IngestError> {
        match item {
            Item::Tag { empty, pos, .. } => {
                if let Some(tag) = Tag::of(&item, bytes) {
                    self.open(&tag, pos)?;
                }
                if empty {
                    return Ok(self.closed()?.then_some(pos));
                }
                self.depth += 1;
                Ok(None)
            }
            Item::End { pos } => {
                self.depth = self.depth.saturating_sub(1);
                Ok(self.closed()?.then_some(pos))
            }
            Item::Eof { pos } => Ok(Some(pos)),
            Item::Error { error, pos } => Err(self.xml_error(pos, error)),
        }
    }

    /// An element opens (start or empty tag); `self.depth` is its parent's depth.
    fn open(&mut self, e: &Tag<'_>, pos: u64) -> Result<(), IngestError> {
        let name = e.local_name();
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
                self.trace_vals.fill(ABSENT);
                self.event_n = 0;
                self.pending.clear();
                self.pending_vals.clear();
            }
            2 if self.in_trace && name == b"event" => {
                self.in_event = true;
                self.event_n += 1;
                self.ev_time = Time::Missing;
                self.ev_vals.fill(ABSENT);
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

    /// A typed attribute element directly under the current trace or event. The fast scan
    /// handles ordinary tags, and a key no field uses is dropped without decoding anything;
    /// other tags (and keys with entities or bad UTF-8) take the checked path, which reports
    /// their errors.
    fn attribute(&mut self, tag: &Tag<'_>, on_event: bool, pos: u64) -> Result<(), IngestError> {
        if let Some((key, value)) = super::scan::key_and_value(tag.bytes, tag.name_len) {
            let Some(key) = key else { return Ok(()) };
            if decodes_to_itself(key) {
                return self.keep_key(key, value, on_event, pos);
            }
        }
        self.attribute_checked(tag, on_event, pos)
    }

    /// An attribute tag of the usual form, `<string key="K" value="V"/>`, read by the chunked
    /// path without the tag scan: the same as [`Parser::step`] on it when `key` (raw) is ASCII
    /// without `&` (the caller checks), since then the fast scan reads the same key and
    /// value, and the empty tag closes nothing.
    pub(super) fn plain_attribute(
        &mut self,
        key: &[u8],
        value: &[u8],
        pos: u64,
    ) -> Result<(), IngestError> {
        let on_event = match self.depth {
            3 if self.in_event => true,
            2 if self.in_trace => false,
            _ => return Ok(()), // log-level or nested: not read
        };
        self.keep_key(key, Some(value), on_event, pos)
    }

    /// [`Parser::keep`] the value of the attribute whose raw key (decoding to itself) is
    /// `key`, when a field uses that key.
    fn keep_key(
        &mut self,
        key: &[u8],
        raw: Option<&[u8]>,
        on_event: bool,
        pos: u64,
    ) -> Result<(), IngestError> {
        let key = self.keys.identify(key);
        if !key.any() {
            return Ok(());
        }
        self.keep(key, raw, on_event, pos)
    }

    /// [`Parser::attribute`] through quick-xml's checked attribute iterator: every attribute
    /// is checked and the key decoded, in document order, so errors are reported as always.
    /// quick-xml reads the tag once more to give the iterator (the same bytes, the same
    /// `BytesStart`); this path is rare.
    fn attribute_checked(
        &mut self,
        tag: &Tag<'_>,
        on_event: bool,
        pos: u64,
    ) -> Result<(), IngestError> {
        let xml = tag.to_xml();
        let e = match Reader::from_reader(&xml[..]).read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => e,
            other => {
                return Err(IngestError::Internal {
                    what: "reading an XES attribute tag again",
                    message: format!("{other:?}"),
                })
            }
        };
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
        let raw = value.as_ref().map(|a| &*a.value);
        let key = self.keys.identify(key.as_bytes());
        self.keep(key, raw, on_event, pos)
    }

    /// Keep the value (`raw`: still escaped) of an attribute whose key is used as `key` says,
    /// on the current event or trace, when no earlier attribute set it. Values of other keys
    /// are never decoded.
    fn keep(
        &mut self,
        key: KeyUse,
        raw: Option<&[u8]>,
        on_event: bool,
        pos: u64,
    ) -> Result<(), IngestError> {
        let want_time = on_event && key.time && matches!(self.ev_time, Time::Missing);
        let want_name = !on_event && key.name && self.trace_name.is_none();
        let slot = match key.slot {
            Some(i) if on_event && self.ev_vals[i] == ABSENT => Some(i),
            Some(i) if !on_event && !key.name && self.trace_vals[i] == ABSENT => Some(i),
            _ => None,
        };
        if !want_time && !want_name && slot.is_none() {
            return Ok(());
        }
        let value = match raw {
            Some(raw) => unescape(raw).map_err(|err| self.malformed(pos, err))?,
            None => Cow::Borrowed(""),
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
            let code = self.values.code(&value);
            if on_event {
                self.ev_vals[i] = code;
            } else {
                self.trace_vals[i] = code;
            }
        }
        Ok(())
    }

    /// `</event>`: buffer the event until its trace closes.
    fn end_event(&mut self) {
        self.in_event = false;
        let time = std::mem::replace(&mut self.ev_time, Time::Missing);
        self.pending.push(Pending {
            n: self.event_n,
            time,
        });
        self.pending_vals.extend_from_slice(&self.ev_vals);
    }

    /// `</trace>`: the item id is known now; resolve the buffered events.
    fn end_trace(&mut self) -> Result<(), IngestError> {
        self.in_trace = false;
        let id = match self.trace_name.take() {
            Some(name) => name,
            None if !self.numbered => {
                return Err(IngestError::Internal {
                    what: "reading XES in chunks",
                    message: "a trace without a name past the first chunk".to_string(),
                })
            }
            None => format!("trace {}", self.traces),
        };
        let path = self.path;
        let k = self.keys.names.len();
        let slot = self.out_items.len() as u32;
        let kept_before = self.out_item.len();
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
            self.out_item.push(slot);
            self.out_ts.push(ts);
            let row = &self.pending_vals[j * k..(j + 1) * k];
            for (i, &v) in row.iter().enumerate() {
                let inherited = v == ABSENT && self.keys.inherit[i];
                self.out_vals
                    .push(if inherited { self.trace_vals[i] } else { v });
            }
        }
        self.pending_vals.clear();
        if self.out_item.len() > kept_before {
            self.out_items.push(id);
        }
        Ok(())
    }

    /// Room for the rows of the `later` parsers, to be appended in one go.
    pub(super) fn reserve_for<'p>(&mut self, later: impl Iterator<Item = &'p Parser<'p>> + Clone)
    where
        'a: 'p,
    {
        let sum = |f: fn(&Parser) -> usize| later.clone().map(f).sum::<usize>();
        self.out_items.reserve(sum(|p| p.out_items.len()));
        self.out_item.reserve(sum(|p| p.out_item.len()));
        self.out_ts.reserve(sum(|p| p.out_ts.len()));
        self.out_vals.reserve(sum(|p| p.out_vals.len()));
    }

    /// Add the events, values, traces and warnings of `later`, the parser of the chunk that
    /// follows this one's in the file (module `chunks`).
    pub(super) fn append(&mut self, later: Parser<'_>) {
        let code = self.values.absorb(&later.values);
        let first_item = self.out_items.len() as u32;
        self.out_items.extend(later.out_items);
        self.out_item
            .extend(later.out_item.iter().map(|&i| first_item + i));
        self.out_ts.extend_from_slice(&later.out_ts);
        self.out_vals
            .extend(later.out_vals.iter().map(|&v| code[v as usize]));
        self.traces += later.traces;
        self.warnings.merge(later.warnings);
        self.local.merge(later.local);
    }

    /// End of input: check completeness, choose the status keys, build the batch.
    pub(super) fn finish(self, pos: u64) -> Result<XesRead, IngestError> {
        self.check_complete(pos)?;
        let Parser {
            keys,
            traces,
            values,
            out_items,
            out_item,
            out_ts,
            out_vals,
            mut warnings,
            local,
            tz,
            ..
        } = self;
        local.warn(tz, &mut warnings);
        let (status_idx, starts) = choose_status(&keys, &out_vals, &values);
        let (mut table, hints) = build_table(
            &keys,
            &status_idx,
            (&out_items, &out_item),
            out_ts,
            &out_vals,
            &values,
        );
        table.flags = starts;
        let status_keys = status_idx.iter().map(|&i| keys.names[i].clone()).collect();
        Ok(XesRead {
            table,
            hints,
            traces,
            warnings,
            status_keys,
        })
    }

    /// The errors of a file read to its end: truncated, no `<log>`, no trace, no usable event.
    fn check_complete(&self, pos: u64) -> Result<(), IngestError> {
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
        Ok(())
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

    /// A malformed-XML error at `pos`.
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

/// Does the raw key decode to itself (valid UTF-8 without `&`)? Other keys take the checked
/// path, which decodes them (and reports their errors).
fn decodes_to_itself(raw: &[u8]) -> bool {
    !raw.contains(&b'&') && (raw.is_ascii() || std::str::from_utf8(raw).is_ok())
}

/// Decode a raw attribute value exactly as quick-xml's `Attribute::unescape_value` does (the
/// same function, so the same text and the same errors). A value without `&` that is valid
/// UTF-8 is that text as it is (what the function gives it, without its set-up).
pub(super) fn unescape(raw: &[u8]) -> quick_xml::Result<Cow<'_, str>> {
    if memchr::memchr(b'&', raw).is_none() {
        if let Ok(text) = std::str::from_utf8(raw) {
            return Ok(Cow::Borrowed(text));
        }
    }
    Attribute {
        key: QName(b"value"),
        value: Cow::Borrowed(raw),
    }
    .unescape_value()
}

/// Is this the element name of a typed XES attribute?
fn is_attribute(name: &[u8]) -> bool {
    ATTRIBUTE_ELEMENTS.iter().any(|&a| a == name)
}
