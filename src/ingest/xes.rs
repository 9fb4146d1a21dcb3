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
//!
//! Speed (issue 17), none of which changes a result, a warning or an error:
//! - [`read_xes`] first reads a log in chunks of whole traces on every core (module `chunks`):
//!   one pass finds the tags, attribute tags of the usual form are read without a tag scan,
//!   each chunk has its own parser, and the chunks are joined in file order. Anything it does
//!   not read exactly as the path below — any error, a CDATA section, a trace without a name
//!   past the first chunk — declines, and the file is read again on that exact path
//!   ([`read_xes_from`]). The tests run every XES test document through both.
//! - The exact path, two threads for a large log: the calling one reads the file (decompressing a `.xes.gz`)
//!   and tokenises the XML with quick-xml, exactly as a one-thread parse does; past the
//!   first MiB of XML a second one takes the parser over and builds the events from the tags
//!   it is sent (module `tags`: batches over a bounded channel, buffers reused). Small logs,
//!   and any log when no thread can be started, are parsed on one thread by the same steps.
//! - An attribute tag is scanned without allocating (module `scan`); only the values of the
//!   keys a field uses are decoded, and tags the scan declines take quick-xml's checked path.
//! - Kept values are stored once per distinct value (`Values`, module `events`): an event
//!   holds `u32` codes, and lifecycle checks and status joins are done once per distinct
//!   value, not per event.

mod chunks;
mod events;
mod keys;
mod parser;
mod scan;
mod sniff;
mod tags;

use self::keys::Keys;
pub use self::sniff::looks_like_xes;

use self::parser::Parser;
use self::tags::Batch;
use super::table::EventTable;
use crate::error::IngestError;
use crate::model::SourceHints;
use crate::warning::Warnings;
use chrono_tz::Tz;
use flate2::read::MultiGzDecoder;
use quick_xml::Reader;
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};

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
    /// The events, in file order, with their flags: `flags::START` when an event's standard
    /// `lifecycle:transition` starts an activity (`start`, `resume`), `flags::NOT_COMPLETE`
    /// when it is neither a start nor a completion; no flags when every event completes
    /// (METRICS.md §11).
    pub table: EventTable,
    /// Statuses built from more than one attribute value (`composite_statuses`).
    pub hints: SourceHints,
    /// Number of `<trace>` elements, including traces without usable events.
    pub traces: usize,
    /// Data-quality warnings (offset-less timestamps, events without a timestamp).
    pub warnings: Warnings,
    /// The attribute keys actually used to build the status, in join order.
    pub status_keys: Vec<String>,
}

const NAME: &str = "concept:name";
const LIFECYCLE: &str = "lifecycle:transition";
const TIMESTAMP: &str = "time:timestamp";
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const READ_BUFFER: usize = 64 * 1024;
/// Bytes of XML parsed on one thread before a second one takes over building the events:
/// below this, a thread costs more than it saves (and on a busy machine it waits for a core).
const ONE_THREAD_BYTES: u64 = 1 << 20;
/// Tag bytes the reading thread sends at a time: large enough that the two threads rarely
/// wait for each other, small enough to stay in cache.
const BATCH_BYTES: usize = 64 * 1024;
/// Batches read ahead of the event builder at most.
const BATCHES_AHEAD: usize = 4;

/// Read an XES file (`.xes` or `.xes.gz`; gzip is detected from the content). A log is
/// read in chunks on every core (module `chunks`); when that fast path declines, the file is
/// read again on the exact one ([`read_xes_from`]), which gives the same result for what the
/// fast path accepts, and every warning and error.
pub fn read_xes(path: &Path, mapping: &XesMapping, tz: Tz) -> Result<XesRead, IngestError> {
    let open = || {
        std::fs::File::open(path).map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let workers = rayon::current_num_threads();
    if let Some(read) = read_chunked(open()?, path, mapping, tz, chunks::CHUNK_BYTES, workers) {
        return Ok(read);
    }
    read_xes_from(open()?, path, mapping, tz)
}

/// The fast path of [`read_xes`]: `None` when it declines (any error included).
fn read_chunked<R: Read>(
    mut reader: R,
    path: &Path,
    mapping: &XesMapping,
    tz: Tz,
    chunk_bytes: usize,
    workers: usize,
) -> Option<XesRead> {
    let head = magic(&mut reader).ok()?;
    let gz = head.as_slice() == &GZIP_MAGIC[..];
    let parser = |first: bool| {
        let mut p = Parser::new(path, mapping, tz, gz);
        if !first {
            // Between two traces, inside `<log>`.
            p.depth = 1;
            p.saw_log = true;
            p.numbered = false;
        }
        p
    };
    let src = Read::chain(&head[..], reader);
    let parsed = if gz {
        chunks::parse_chunks(MultiGzDecoder::new(src), &parser, chunk_bytes, workers)
    } else {
        chunks::parse_chunks(src, &parser, chunk_bytes, workers)
    };
    parsed.ok()?.finish(0).ok()
}

/// The first two bytes of `reader` (fewer at the end of the input), for the gzip magic.
fn magic<R: Read>(reader: &mut R) -> std::io::Result<Vec<u8>> {
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < magic.len() {
        match reader.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(magic[..got].to_vec())
}

/// Same as [`read_xes`], from any reader (already decompressed or not: gzip is detected by
/// its magic bytes `1f 8b`). `path` is only used in messages.
pub fn read_xes_from<R: Read>(
    mut reader: R,
    path: &Path,
    mapping: &XesMapping,
    tz: Tz,
) -> Result<XesRead, IngestError> {
    let magic = magic(&mut reader).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let head: &[u8] = &magic;
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

/// Parse XES from `src` (decompressed already). The first [`ONE_THREAD_BYTES`] of XML are
/// parsed on this thread; past them, a second thread takes the parser over and builds the
/// events while this one reads and tokenises the rest. `gz` only changes how positions are
/// named in messages.
fn parse<B: BufRead>(
    src: B,
    path: &Path,
    mapping: &XesMapping,
    tz: Tz,
    gz: bool,
) -> Result<XesRead, IngestError> {
    let p = Parser::new(path, mapping, tz, gz);
    parse_with(src, p, ONE_THREAD_BYTES, BATCH_BYTES)
}

/// [`parse`] with its limits: up to `one_thread` bytes of XML on this thread, then batches of
/// about `batch_bytes` tag bytes to a builder thread. The result does not depend on them —
/// events, warnings, errors and their positions: the parser gets the same items in the same
/// order. If no thread can be started, this one parses everything.
fn parse_with<B: BufRead>(
    src: B,
    mut p: Parser<'_>,
    one_thread: u64,
    batch_bytes: usize,
) -> Result<XesRead, IngestError> {
    let mut reader = xml_reader(src);
    let mut depth = 0;
    if let Some(pos) = p.feed(&mut reader, &mut depth, one_thread)? {
        return p.finish(pos);
    }
    std::thread::scope(|s| {
        let (parser_out, parser_in) = mpsc::sync_channel(1);
        let (batches_out, batches_in) = mpsc::sync_channel(BATCHES_AHEAD);
        let (spare_out, spare_in) = mpsc::channel();
        let builder = std::thread::Builder::new()
            .name("xes-events".to_string())
            .spawn_scoped(s, move || build(parser_in, batches_in, spare_out));
        let Ok(builder) = builder else {
            return p.feed_to_end(&mut reader, &mut depth);
        };
        // The builder waits for the parser; it can only be gone if it panicked (see `join`).
        let _ = parser_out.send(p);
        tags::tokenise(reader, depth, batch_bytes, batches_out, &spare_in);
        builder
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The quick-xml reader of every parse.
fn xml_reader<B: BufRead>(src: B) -> Reader<B> {
    let mut reader = Reader::from_reader(src);
    reader.config_mut().trim_text(true);
    reader
}

/// The builder's thread: take the parser over, feed it the items of each batch (handing the
/// batch back), and build the result once the input has ended for the parser.
fn build(
    parser: Receiver<Parser<'_>>,
    batches: Receiver<Batch>,
    spare: Sender<Batch>,
) -> Result<XesRead, IngestError> {
    let Ok(mut p) = parser.recv() else {
        return Err(IngestError::Internal {
            what: "starting to build XES events",
            message: "the parser was not handed over".to_string(),
        });
    };
    let mut last = 0;
    for mut batch in batches.iter() {
        for item in batch.items.drain(..) {
            last = item.pos();
            if let Some(pos) = p.step(item, &batch.bytes)? {
                return p.finish(pos);
            }
        }
        // The reading thread may have finished; then the batch is just freed.
        let _ = spare.send(batch);
    }
    // Not reached: the reader's last item also ends the input for the parser.
    p.finish(last)
}

#[cfg(test)]
impl XesRead {
    /// The events as strings again (for the tests' expectations).
    fn batch(&self) -> crate::model::EventBatch {
        use crate::model::Col;
        let t = &self.table;
        let text = |c: Col| -> Vec<Option<String>> {
            let col = t.coded(c);
            (0..t.len())
                .map(|i| col.get(i).map(str::to_string))
                .collect()
        };
        crate::model::EventBatch {
            item_id: t
                .item_id
                .iter()
                .map(|s| s.unwrap_or("").to_string())
                .collect(),
            timestamp: t.timestamp.iter().map(|v| v.unwrap_or(0)).collect(),
            status: text(Col::Status),
            assignee: text(Col::Assignee),
            team: text(Col::Team),
            actor: text(Col::Actor),
            source: text(Col::Source),
            created: t.created.iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parser::unescape;
    use super::*;
    use crate::model::Ts;
    use crate::time::parse_instant;
    use crate::warning::WarningKind;
    use quick_xml::events::attributes::Attribute;
    use quick_xml::name::QName;
    use std::borrow::Cow;
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

    /// Read `xml` on the exact path; and check that the chunked path, in chunks of every
    /// size, gives the same result when it does not decline, and declines every error.
    fn read_with(xml: &str, mapping: &XesMapping, tz: Tz) -> Result<XesRead, IngestError> {
        let path = Path::new("test.xes");
        let exact = read_xes_from(xml.as_bytes(), path, mapping, tz);
        let want = exact.as_ref().ok().map(everything);
        for chunk in [1, 7, 100, 4096, 1 << 20] {
            for workers in [1, 2] {
                let got = read_chunked(xml.as_bytes(), path, mapping, tz, chunk, workers);
                match (&got, &want) {
                    (None, _) => {}
                    (Some(got), Some(want)) => assert_eq!(&everything(got), want, "{chunk}"),
                    (Some(_), None) => panic!("chunks of {chunk} read what is {exact:?}"),
                }
            }
        }
        exact
    }

    /// All of a read, as text (every value of every column; the table's `Debug` shortens).
    fn everything(r: &XesRead) -> String {
        format!(
            "{:?} {:?} {} {:?} {:?} {:?}",
            r.batch(),
            r.table.flags,
            r.traces,
            r.warnings.entries(),
            r.status_keys,
            r.hints.composite_statuses
        )
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
        let b = &r.batch();
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
        assert_eq!(r.batch().status, [s("Review"), s("Review")]);
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
            r.batch().status,
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
        assert_eq!(r.batch().item_id, ["late-name", "late-name", "late-name"]);
        assert_eq!(r.batch().team, [s("Team B"), s("Team A"), s("Team A")]);
        // concept:name is the trace's id, never an activity for its events.
        assert_eq!(r.batch().status, [s("a"), s("b"), None]);
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
        assert_eq!(r.batch().item_id, ["real"]);
        assert_eq!(r.batch().assignee, [s("Real")]);
        assert_eq!(r.batch().team, [None]);
        assert_eq!(r.batch().timestamp, [utc("2024-03-01T10:00:00Z")]);
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
        assert_eq!(r.batch().assignee, [s("First"), None]);
        assert_eq!(r.batch().item_id, ["one", "trace 2"]);
        assert_eq!(r.batch().timestamp[1], utc("2024-03-01T11:00:00Z"));
    }

    #[test]
    fn events_without_timestamp_are_skipped_and_counted() {
        let x = log(&format!(
            "<trace><string key=\"concept:name\" value=\"c\"/>{}<event><string key=\"concept:name\" value=\"no time\"/></event><event/>{}</trace>",
            ev("a", "2024-03-01T10:00:00Z", ""),
            ev("b", "2024-03-01T11:00:00Z", ""),
        ));
        let r = read(&x).unwrap();
        assert_eq!(r.batch().status, [s("a"), s("b")]);
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
            r.batch().timestamp,
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
        assert_eq!(r.batch().item_id, ["R&D é"]);
        assert_eq!(r.batch().status, [s("a <b>")]);

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
        assert_eq!((r.traces, r.batch().len()), (300, 300));
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
        assert_eq!(r.batch().status, [s("Fix - dev"), s("Fix")]);
        assert_eq!(r.batch().assignee, [s("Pete"), None]);
        assert_eq!(r.batch().team, [s("dev"), None]);
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
            (r.batch().assignee[0].clone(), r.batch().team[0].clone()),
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

    #[test]
    fn real_logs_read_in_chunks_as_on_the_exact_path() {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/xes"));
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".xes") || n.ends_with(".xes.gz"))
            .collect();
        names.sort();
        assert!(names.len() >= 5, "{names:?}");
        let m = XesMapping::default();
        for name in &names {
            let path = dir.join(name);
            let bytes = std::fs::read(&path).unwrap();
            let want = everything(&read_xes_from(&bytes[..], &path, &m, Tz::UTC).unwrap());
            // read_xes itself, then chunks of 1 KB to 1 MiB, on one and two workers: the
            // fast path is taken (Some) and reads what the exact path reads.
            assert_eq!(everything(&real(name)), want, "{name}");
            for chunk in [1000, 64 * 1024, chunks::CHUNK_BYTES] {
                for workers in [1, 2] {
                    let got = read_chunked(&bytes[..], &path, &m, Tz::UTC, chunk, workers)
                        .unwrap_or_else(|| panic!("{name}: declined in chunks of {chunk}"));
                    assert!(everything(&got) == want, "{name} {chunk} {workers}");
                }
            }
        }
    }

    #[test]
    fn the_chunked_path_declines_what_it_does_not_read_as_the_exact_path() {
        let m = XesMapping::default();
        let t = |i: usize, name: bool| {
            let id = if name {
                format!("<string key=\"concept:name\" value=\"c{i}\"/>")
            } else {
                String::new()
            };
            format!(
                "<trace>{id}{}</trace>\n",
                ev("a", "2024-03-01T10:00:00Z", "")
            )
        };
        let many = |extra: &str| {
            log(&format!(
                "{}{extra}{}",
                t(0, true).repeat(50),
                t(1, true).repeat(50)
            ))
        };
        let chunked =
            |xml: &str| read_chunked(xml.as_bytes(), Path::new("t.xes"), &m, Tz::UTC, 512, 2);
        assert!(chunked(&many("")).is_some());
        // A comment (with a `</trace>` in it) and a declaration are read past.
        assert!(chunked(&many("<!-- </trace> --><?pi x?>")).is_some());
        for extra in [
            "<![CDATA[</trace>]]>".to_string(),
            t(2, false),                                  // a trace without a name
            "</trace>".to_string(),                       // closes nothing
            "<trace><event></trace></event>".to_string(), // mismatched
            format!("<trace>{}</trace>", ev("a", "yesterday", "")),
        ] {
            assert!(chunked(&many(&extra)).is_none(), "{extra}");
            // The exact path is what reads it (or reports it) then.
            let _ = read(&many(&extra));
        }
        // A `</trace>` inside a value: a cut there leaves a tag open and declines; the chunks
        // that are read give the exact path's result (`read` checks chunks of 1 B to 1 MiB).
        let inside = many("<trace><string key=\"concept:name\" value=\"x</trace>\"/></trace>");
        assert_eq!(read(&inside).unwrap().traces, 101);
        // The root's end must close the root; a truncated log is the exact path's error.
        let xml = many("");
        assert!(chunked(&xml.replace("</log>", "</lag>")).is_none());
        assert!(chunked(&xml[..xml.len() - 10]).is_none());
        // A trace without a name in the first chunk is numbered as on the exact path.
        let first = log(&format!("{}{}", t(0, false), t(1, true).repeat(60)));
        let got = chunked(&first).expect("read");
        assert_eq!(got.batch().item_id[0], "trace 1");
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
            (r.traces, r.batch().len(), distinct(&r.batch().item_id)),
            (4_580, 21_348, 4_580)
        );
        assert_eq!(r.batch().item_id[0], "Case 1");
        assert_eq!(r.batch().timestamp[0], 1_349_794_217_000_000); // 2012-10-09T14:50:17+00:00
        assert_eq!(r.batch().status[0], s("Assign seriousness"));
        assert_eq!(r.batch().assignee[0], s("Value 1"));
        assert!(r.batch().team.iter().all(Option::is_none));
        assert_eq!(
            r.batch().item_id.last().map(String::as_str),
            Some("Case 999")
        );
        assert_eq!(r.batch().timestamp.last(), Some(&1_364_574_285_000_000));
        assert_eq!(r.status_keys, ["concept:name"]);
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn real_bpic2013_open_problems_has_composite_statuses() {
        let r = real("bpic2013_open_problems.xes.gz");
        assert_eq!((r.traces, r.batch().len()), (819, 2_351));
        assert_eq!(r.status_keys, ["concept:name", "lifecycle:transition"]);
        assert_eq!(r.batch().item_id[0], "1-147898401");
        assert_eq!(r.batch().timestamp[0], 1_162_890_036_000_000); // 2006-11-07T10:00:36+01:00
        assert_eq!(r.batch().status[0], s("Accepted - In Progress"));
        assert_eq!(
            (r.batch().assignee[0].clone(), r.batch().team[0].clone()),
            (s("Tomas"), s("Org line A2"))
        );
        let batch = r.batch();
        let statuses: BTreeSet<&str> = batch.status.iter().flatten().map(String::as_str).collect();
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
            r.batch()
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
        assert_eq!((r.traces, r.batch().len()), (1_487, 6_660));
        assert_eq!(r.status_keys, ["concept:name"]);
        assert_eq!(r.batch().item_id[0], "1-109135791");
        assert_eq!(r.batch().timestamp[0], 1_136_990_982_000_000); // 2006-01-11T16:49:42.000+02:00
        assert_eq!(r.batch().status[0], s("Queued-Awaiting Assignment"));
        assert!(r.hints.composite_statuses.is_empty());
    }

    #[test]
    fn real_running_example() {
        let r = real("running-example.xes");
        assert_eq!((r.traces, r.batch().len()), (6, 42));
        assert_eq!(r.batch().item_id[0], "3");
        assert_eq!(r.batch().timestamp[0], 1_293_715_920_000_000); // 2010-12-30T14:32:00.000+01:00
        assert_eq!(
            (r.batch().status[0].clone(), r.batch().assignee[0].clone()),
            (s("register request"), s("Pete"))
        );
        assert_eq!(r.batch().item_id.last().map(String::as_str), Some("4"));
    }

    #[test]
    fn real_road_traffic_with_dst_offsets() {
        let r = real("roadtraffic100traces.xes");
        assert_eq!((r.traces, r.batch().len()), (100, 390));
        assert_eq!(r.status_keys, ["concept:name"]);
        assert_eq!(r.batch().item_id[0], "N77802");
        assert_eq!(
            r.batch().timestamp[..2],
            [1_111_532_400_000_000, 1_121_983_200_000_000]
        ); // +01:00, then +02:00
        assert_eq!(r.batch().status[..2], [s("Create Fine"), s("Send Fine")]);
        assert_eq!(r.batch().assignee[..2], [s("537"), None]);
    }

    /// Parse `bytes` (gzip or not, set up as `read_xes_from` does) with the given limits;
    /// the result as text, for comparisons.
    fn parse_limited(bytes: &[u8], one_thread: u64, batch_bytes: usize) -> String {
        let m = XesMapping::default();
        let r = if bytes.starts_with(&GZIP_MAGIC) {
            let src = BufReader::with_capacity(READ_BUFFER, MultiGzDecoder::new(bytes));
            let p = Parser::new(Path::new("t.xes.gz"), &m, Tz::UTC, true);
            parse_with(src, p, one_thread, batch_bytes)
        } else {
            let src = BufReader::with_capacity(READ_BUFFER, bytes);
            let p = Parser::new(Path::new("t.xes"), &m, Tz::UTC, false);
            parse_with(src, p, one_thread, batch_bytes)
        };
        format!("{r:?}")
    }

    fn one_thread(bytes: &[u8]) -> String {
        parse_limited(bytes, u64::MAX, BATCH_BYTES)
    }

    /// A log of 200 traces with warnings and lifecycle flags; with `broken`, that trace's end
    /// tag is misspelt.
    fn many_traces(broken: Option<usize>) -> String {
        let traces: String = (0..200)
            .map(|i| {
                let end = if broken == Some(i) { "</trac>" } else { "</trace>" };
                format!(
                    "<trace><string key=\"concept:name\" value=\"case {i}\"/>{}{}{end}\n",
                    ev(
                        &format!("step {}", i % 7),
                        "2024-03-01T10:00:00Z",
                        r#"<string key="org:resource" value="ann"/><string key="lifecycle:transition" value="start"/>"#
                    ),
                    ev("done", "2024-03-01T11:00:00", r#"<string key = "org:group" value="T"/>"#),
                )
            })
            .collect();
        log(&traces)
    }

    #[test]
    fn two_threads_read_as_one_thread_does() {
        let good = many_traces(None);
        for xml in [
            good.clone(),
            format!("\u{FEFF}{good}"),
            many_traces(Some(120)),
        ] {
            for bytes in [xml.as_bytes().to_vec(), gzip(xml.as_bytes())] {
                let want = one_thread(&bytes);
                // From the start, or handing over after 1,000 bytes; batches of all sizes.
                for (switch, batch_bytes) in [(0, 1), (0, 100), (1000, 7), (0, BATCH_BYTES)] {
                    let got = parse_limited(&bytes, switch, batch_bytes);
                    assert!(got == want, "{switch} {batch_bytes}");
                }
                let n = bytes.len();
                for cut in [5, 15, 100, n / 3, n / 2, n - 8, n - 1] {
                    let cut = &bytes[..cut];
                    assert_eq!(parse_limited(cut, 0, 100), one_thread(cut));
                    assert_eq!(parse_limited(cut, 2000, 100), one_thread(cut));
                }
                // Corrupt bytes: the decoder or the XML fails at the same byte.
                for at in [12, n / 4, n / 2, n - 6] {
                    let mut bad = bytes.clone();
                    bad[at] ^= 0x5a;
                    let want = one_thread(&bad);
                    assert_eq!(parse_limited(&bad, 0, BATCH_BYTES), want, "{at}");
                }
            }
        }
    }

    #[test]
    fn real_logs_read_on_two_threads_as_on_one() {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/xes"));
        for name in [
            "bpic2013_open_problems.xes.gz",
            "helpdesk.xes.gz",
            "roadtraffic100traces.xes",
        ] {
            let bytes = std::fs::read(dir.join(name)).unwrap();
            let want = one_thread(&bytes);
            assert!(want.starts_with("Ok("), "{name}");
            assert!(parse_limited(&bytes, 0, BATCH_BYTES) == want, "{name}");
            assert!(
                parse_limited(&bytes, 100_000, BATCH_BYTES) == want,
                "{name}"
            );
            let half = &bytes[..bytes.len() / 2];
            let want = one_thread(half);
            assert!(want.starts_with("Err("), "{name}: {want}");
            assert_eq!(parse_limited(half, 0, BATCH_BYTES), want, "{name}");
        }
    }

    #[test]
    fn values_are_decoded_as_quick_xml_decodes_them() {
        for raw in [
            &b"plain"[..],
            b"",
            b"caf\xc3\xa9",
            b"a &amp; b &#233;",
            b"bad \xff byte",
            b"&bad;",
            b"tail &",
        ] {
            let quick = Attribute {
                key: QName(b"value"),
                value: Cow::Borrowed(raw),
            }
            .unescape_value();
            assert_eq!(
                format!("{:?}", unescape(raw)),
                format!("{quick:?}"),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn unusual_attribute_tags_read_as_before() {
        // Space around `=`, an entity in a key, single quotes, no space between attributes:
        // the checked path or the fast one, the same values.
        let x = log(concat!(
            r#"<trace><string key = "concept:name" value = "c"/><event>"#,
            r#"<string key="concept&#58;name" value="a"/>"#,
            r#"<date value='2024-03-01T10:00:00Z' key='time:timestamp'/>"#,
            r#"<string key="org:resource"value="ann"/>"#,
            r#"<string key="unused" value="&bad;"/>"#,
            r#"</event></trace>"#
        ));
        let r = read(&x).unwrap();
        assert_eq!(r.batch().item_id, ["c"]);
        assert_eq!(r.batch().status, [s("a")]);
        assert_eq!(r.batch().assignee, [s("ann")]);
        assert_eq!(r.batch().timestamp, [utc("2024-03-01T10:00:00Z")]);

        // Any attribute tag of an event is checked, used or not; wanted values are decoded.
        for (tag, words) in [
            (r#"<string key="x" key="y"/>"#, "duplicated attribute"),
            (
                r#"<string key="x" value=y/>"#,
                "attribute value must be enclosed",
            ),
            (
                r#"<string key="x&bad;" value="y"/>"#,
                "unrecognized entity `bad`",
            ),
            (
                r#"<string key="org:resource" value="a&bad;"/>"#,
                "unrecognized entity `bad`",
            ),
        ] {
            let x = log(&format!(
                "<trace>{}</trace>",
                ev("a", "2024-03-01T10:00:00Z", tag)
            ));
            match read(&x) {
                Err(e @ IngestError::Malformed { .. }) => {
                    assert!(e.to_string().contains(words), "{e}")
                }
                other => panic!("{tag}: expected Malformed, got {other:?}"),
            }
        }
    }
}
