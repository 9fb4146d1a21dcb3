//! The generic events CSV (INTERFACE.md "Events CSV"): one row per event.
//!
//! Header names are matched ignoring case, spaces, underscores and hyphens, with the aliases
//! of INTERFACE.md. The file is read in parts of [`PART_BYTES`] cut at record ends; polars
//! parses each part (every column as text); timestamps are then parsed by [`crate::time`] so
//! that every accepted form (`Z`, `+hh:mm`, `+hhmm`, 0–9 fraction digits, no offset → `--tz`
//! with a warning) behaves the same in every importer, and the names are coded
//! ([`super::table::Coded`]) before the next part is read.
//! An empty cell leaves that field unchanged. A row with no `item_id` is skipped (warning);
//! a row whose timestamp is missing or unreadable stops the audit with the line named.

mod diagnose;
mod parts;
mod stream;
mod ts_column;

pub use stream::{plan_partitions, read_to_partitions};

use super::instants::LocalTimes;
use super::table::flags::of_lifecycle;
use super::table::{Coded, EventTable};
use crate::error::{shown, IngestError};
use crate::model::Col;
use crate::time_formats::TsFormat;
use crate::warning::{WarningKind, Warnings};
use chrono_tz::Tz;
use diagnose::polars_malformed;
use parts::PartBuffer;
#[cfg(test)]
use parts::{first_record_end, last_record_end};
use polars::prelude::*;
use rayon::prelude::*;
use std::path::Path;
use ts_column::parse_ts_column;

pub use super::csv_columns::*;

/// An events CSV read into canonical events.
pub struct EventsCsv {
    /// The events, in file order.
    pub table: EventTable,
    /// Distinct items.
    pub items: usize,
    /// Warnings counted while reading.
    pub warnings: Warnings,
}

/// The compression whose signature starts the file, if any: polars takes a CSV starting
/// with one for compressed (polars-io `SupportedCompression::check`) and, built without its
/// `decompress` feature, panics on it. Also the leading bytes, for the message.
fn compression_signature(path: &Path) -> Option<(&'static str, [u8; 4])> {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .ok()?;
    super::files::compression_kind(&magic).map(|kind| (kind, magic))
}

/// Bytes of the file read and parsed at a time: the text of one part is turned into
/// canonical events (instants parsed, names coded) and dropped before the next is read, so
/// memory holds the events plus one part's text, not the whole file's text.
pub const PART_BYTES: usize = 64 << 20;

/// Read an events CSV.
pub fn read(path: &Path, opts: CsvOptions) -> Result<EventsCsv, IngestError> {
    read_in_parts(path, opts, PART_BYTES)
}

/// Read an events CSV `part_bytes` at a time (see [`PART_BYTES`]; tests use small parts
/// to show that the split never changes the result).
pub fn read_in_parts(
    path: &Path,
    opts: CsvOptions,
    part_bytes: usize,
) -> Result<EventsCsv, IngestError> {
    refuse_compressed(path)?;
    let sep = header_separator(path)?;
    let schema = header_schema(path, sep)?;
    let header: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let mapping = map_header_with(&header, opts.columns);
    check_mapping(path, &header, &mapping, opts.columns)?;
    let parts = PartBuffer::open(path, sep, part_bytes)?;
    let layout = FileLayout::new(path, opts, sep, schema, &header, &mapping)?;
    let mut reader = PartReader::new(layout);
    let mut kept = Kept::Joined(Default::default());
    parts.read_all(&mut reader, &mut kept)?;
    Ok(reader.finish(kept)?.0)
}

/// Refuse a file that starts with the signature of compressed data
/// ([`compression_signature`]).
fn refuse_compressed(path: &Path) -> Result<(), IngestError> {
    match compression_signature(path) {
        None => Ok(()),
        Some((kind, magic)) => Err(IngestError::Malformed {
            path: path.to_path_buf(),
            record: "byte 0".into(),
            reason: format!(
                "the file starts with the bytes of {kind}-compressed data ({:02X} {:02X}), which the CSV reader does not decompress; decompress it and pass the plain UTF-8 CSV{}",
                magic[0],
                magic[1],
                if magic[..2] == *b"x^" {
                    " (a plain CSV whose header starts with `x^` reads as zlib: rename or move that first column)"
                } else {
                    ""
                }
            ),
        }),
    }
}

/// The error for a failed read of the file.
fn io_error(path: &Path, e: std::io::Error) -> IngestError {
    IngestError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// The delimiter, from the header line.
fn header_separator(path: &Path) -> Result<u8, IngestError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(1 << 16);
    std::fs::File::open(path)
        .and_then(|f| f.take(1 << 16).read_to_end(&mut head))
        .map_err(|e| io_error(path, e))?;
    Ok(detect_separator(&head))
}

/// The header, as polars reads it (names made unique), every column as text.
fn header_schema(path: &Path, sep: u8) -> Result<SchemaRef, IngestError> {
    let malformed = |e: PolarsError| polars_malformed(path, e);
    let pl_path = PlRefPath::try_from_path(path).map_err(malformed)?;
    LazyCsvReader::new(pl_path)
        .with_separator(sep)
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_glob(false)
        .finish()
        .map_err(malformed)?
        .collect_schema()
        .map_err(malformed)
}

/// Why a part could not be read.
enum PartError {
    Polars(PolarsError),
    Ingest(IngestError),
}

impl From<PolarsError> for PartError {
    fn from(e: PolarsError) -> Self {
        PartError::Polars(e)
    }
}

impl From<IngestError> for PartError {
    fn from(e: IngestError) -> Self {
        PartError::Ingest(e)
    }
}

/// What every part of a file shares: its layout, decided from the header.
struct FileLayout<'a> {
    path: &'a Path,
    tz: Tz,
    /// The delimiter.
    sep: u8,
    /// The timestamp column's format.
    ts_format: TsFormat,
    /// The created column's format.
    created_format: TsFormat,
    schema: SchemaRef,
    ts_name: String,
    created_name: Option<String>,
    /// Header name of item id, status, assignee, team, actor, source (when present).
    names: [Option<String>; 6],
    /// Header of the lifecycle transition, when present.
    lifecycle_name: Option<String>,
}

/// The text columns of one part, rows without an item id dropped.
struct PartText {
    /// Item id, status, assignee, team, actor, source (as [`FileLayout::names`]).
    columns: Vec<Option<StringChunked>>,
    /// The timestamps.
    ts: StringChunked,
    /// The created instants, when the file has that column.
    created: Option<StringChunked>,
    /// Rows.
    n: usize,
}

/// The column `name` of `df` as text (None when no name is given).
fn text_of(df: &DataFrame, name: Option<&str>) -> PolarsResult<Option<StringChunked>> {
    match name {
        Some(n) => Ok(Some(df.column(n)?.as_materialized_series().str()?.clone())),
        None => Ok(None),
    }
}

impl<'a> FileLayout<'a> {
    /// The layout of the file whose header is `header`, mapped by `mapping`; the formats of
    /// its instants are decided here.
    fn new(
        path: &'a Path,
        opts: CsvOptions,
        sep: u8,
        schema: SchemaRef,
        header: &[String],
        mapping: &[(Col, Option<usize>)],
    ) -> Result<Self, IngestError> {
        let tz = opts.tz;
        let pos_of = |c: Col| mapping.iter().find(|(x, _)| *x == c).and_then(|(_, p)| *p);
        let name_of = |c: Col| -> Option<String> { pos_of(c).map(|p| header[p].clone()) };
        let ts_format = column_format(
            path,
            sep,
            pos_of(Col::Timestamp).unwrap_or(0),
            &name_of(Col::Timestamp).unwrap_or_default(),
            opts.columns.timestamp_format.as_deref(),
            tz,
        )?;
        let created_format = match pos_of(Col::Created) {
            Some(p) => column_format(path, sep, p, &header[p], None, tz)?,
            None => TsFormat::Iso,
        };
        Ok(FileLayout {
            path,
            tz,
            sep,
            ts_format,
            created_format,
            schema,
            ts_name: name_of(Col::Timestamp).unwrap_or_default(),
            created_name: name_of(Col::Created),
            names: [
                Col::ItemId,
                Col::Status,
                Col::Assignee,
                Col::Team,
                Col::Actor,
                Col::Source,
            ]
            .map(name_of),
            lifecycle_name: lifecycle_position(header, opts.columns).map(|p| header[p].clone()),
        })
    }

    /// Parse one part's records with polars, every column as text.
    fn frame(&self, bytes: &[u8]) -> PolarsResult<DataFrame> {
        // A quote inside an unquoted value never reaches polars (`record_end` refuses it):
        // polars' split of a part between its threads would count it as a quote.
        let sep = self.sep;
        CsvReadOptions::default()
            .map_parse_options(|o| o.with_separator(sep))
            .with_has_header(false)
            .with_schema(Some(self.schema.clone()))
            // Every column is parsed (no projection), so that a row with more fields than
            // the header is an error wherever it falls, not only at the start of a part.
            .with_raise_if_empty(false)
            .into_reader_with_file_handle(std::io::Cursor::new(bytes))
            .finish()
    }

    /// The text columns of a part's frame.
    fn text(&self, df: &DataFrame) -> PolarsResult<PartText> {
        let n = df.height();
        let columns: Vec<Option<StringChunked>> = self
            .names
            .iter()
            .map(|name| text_of(df, name.as_deref()))
            .collect::<PolarsResult<_>>()?;
        let ts = text_of(df, Some(self.ts_name.as_str()))?.unwrap_or_default();
        let created = match self.created_name.as_deref() {
            Some(name) => Some(text_of(df, Some(name))?.unwrap_or_default()),
            None => None,
        };
        Ok(PartText {
            columns,
            ts,
            created,
            n,
        })
    }

    /// Refuse a value longer than [`MAX_FIELD_BYTES`] in a named column.
    fn check_field_lengths(
        &self,
        columns: &[Option<StringChunked>],
        rows: &RowLines,
    ) -> Result<(), IngestError> {
        for (name, values) in self.names.iter().zip(columns) {
            if let (Some(name), Some(values)) = (name, values) {
                check_lengths(rows, name, values)?;
            }
        }
        Ok(())
    }

    /// The part's instants and created instants (all null when the file has no created).
    fn parse_instants(
        &self,
        text: &PartText,
        rows: &RowLines,
        local: &mut LocalTimes,
    ) -> Result<(Int64Chunked, Int64Chunked), IngestError> {
        let (path, tz) = (self.path, self.tz);
        let ts = parse_ts_column(
            path,
            &self.ts_name,
            &text.ts,
            &self.ts_format,
            tz,
            true,
            rows,
            local,
        )?;
        let created = match (self.created_name.as_deref(), &text.created) {
            (Some(name), Some(values)) => parse_ts_column(
                path,
                name,
                values,
                &self.created_format,
                tz,
                false,
                rows,
                local,
            )?,
            _ => Int64Chunked::full_null("created".into(), text.n),
        };
        Ok((ts, created))
    }
}

/// Add the items of `ids` not seen yet to `items` (a run of one id is looked up once).
fn count_items(items: &mut ItemSet, ids: &StringChunked) {
    let mut last: Option<&str> = None;
    for id in ids.iter().flatten() {
        if last != Some(id) {
            items.insert(xxhash_rust::xxh3::xxh3_128(id.as_bytes()));
            last = Some(id);
        }
    }
}

/// The distinct item ids of a file, as 128-bit XXH3 hashes: 16 bytes an item instead of a
/// string (~50 bytes; 70 MB at 10M events). Two distinct ids of one file share a hash with a
/// probability below 10⁻²⁰ even at a billion items (n² / 2¹²⁹), so the count is exact in
/// practice.
type ItemSet = std::collections::HashSet<u128, std::hash::BuildHasherDefault<U128Hasher>>;

/// The hasher of an already-hashed key: its low 64 bits.
#[derive(Default)]
struct U128Hasher(u64);

impl std::hash::Hasher for U128Hasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64;
    }
}

/// Code the name columns (status, assignee, team, actor, source), in parallel; a missing
/// column is `n` nulls.
fn code_columns(columns: &[Option<StringChunked>], n: usize) -> Vec<Coded> {
    columns
        .par_iter()
        .map(|t| match t {
            Some(t) => Coded::from_text(t),
            None => Coded::nulls(n),
        })
        .collect()
}

/// Turns parts of a file into canonical events.
struct PartReader<'a> {
    layout: FileLayout<'a>,
    /// A lifecycle value outside the XES model was seen: the column is not a lifecycle.
    non_standard_lifecycle: bool,
    local: LocalTimes,
    dropped: u64,
    items: ItemSet,
}

/// Where the parts' events go as they are read (beside the parsing of the next part).
enum Kept {
    /// Joined into one table.
    Joined(crate::ingest::table::Joiner),
    /// Streamed to partitions on disk (`--memory-budget`): never one table in memory.
    Sink(super::spill::SpillWriter),
}

impl Kept {
    /// Keep a part's events.
    fn keep(&mut self, table: EventTable) -> Result<(), PartError> {
        match self {
            Kept::Joined(j) => j.push(table)?,
            Kept::Sink(sink) => sink.push(table)?,
        }
        Ok(())
    }
}

impl<'a> PartReader<'a> {
    /// A reader of the parts of a file laid out as `layout`, with nothing read yet.
    fn new(layout: FileLayout<'a>) -> Self {
        PartReader {
            layout,
            non_standard_lifecycle: false,
            local: LocalTimes::default(),
            dropped: 0,
            items: ItemSet::default(),
        }
    }

    /// Read one part (whole records); `rows_before` data rows precede it. Returns its rows
    /// and its events.
    fn part(&mut self, bytes: &[u8], rows_before: usize) -> Result<(usize, EventTable), PartError> {
        let df = self.layout.frame(bytes)?;
        let rows = df.height();
        let (df, row_lines) = self.drop_rows_without_id(df, rows_before)?;
        let text = self.layout.text(&df)?;
        let flags = self.read_lifecycle(&df)?;
        drop(df);
        // The ids copied out of the parser's buffers, which hold every column's text of the
        // part: kept as they are, they held ~50 bytes an event for the whole load (10M
        // events: 500 MB); copied, an id of up to 12 bytes takes its 16-byte view only.
        let ids = text.columns[0]
            .as_ref()
            .map(|c| StringChunked::from_iter_options(c.name().clone(), c.iter()))
            .unwrap_or_default();
        // Independent work on the part's columns, in parallel: length checks, instants,
        // distinct items, and coding the names. Errors are reported in that order.
        let (layout, items) = (&self.layout, &mut self.items);
        let mut local = LocalTimes::default();
        let ((checked, instants), (_, coded)) = rayon::join(
            || {
                rayon::join(
                    || layout.check_field_lengths(&text.columns, &row_lines),
                    || layout.parse_instants(&text, &row_lines, &mut local),
                )
            },
            || {
                rayon::join(
                    || count_items(items, &ids),
                    || code_columns(&text.columns[1..], text.n),
                )
            },
        );
        checked?;
        let (ts, created) = instants?;
        self.local.merge(local);
        let table = events_of(ids, ts, created, coded, flags)?;
        // The part's text and frame are gone: give their memory back before the next part
        // (freed memory is otherwise kept for reuse, and the next part's columns are new
        // sizes; 10M events: the load's peak went 780 -> ~690 MiB).
        crate::memory::release();
        Ok((rows, table))
    }

    /// Drop the rows of `df` without an item id (counted); the frame left and the lines of
    /// its rows.
    fn drop_rows_without_id(
        &mut self,
        df: DataFrame,
        rows_before: usize,
    ) -> PolarsResult<(DataFrame, RowLines<'a>)> {
        let ids = text_of(&df, self.layout.names[0].as_deref())?.unwrap_or_default();
        let keep: BooleanChunked = ids
            .iter()
            .map(|v| Some(v.is_some_and(|s| !s.trim().is_empty())))
            .collect();
        let dropped = keep.iter().filter(|k| *k == Some(false)).count();
        self.dropped += dropped as u64;
        let row_lines = RowLines {
            path: self.layout.path,
            offset: rows_before,
            kept: (dropped > 0).then(|| {
                keep.iter()
                    .enumerate()
                    .filter(|(_, k)| *k == Some(true))
                    .map(|(i, _)| i)
                    .collect()
            }),
        };
        let df = if dropped > 0 { df.filter(&keep)? } else { df };
        Ok((df, row_lines))
    }

    /// Lifecycle transitions: flags of activity-log rows (METRICS.md §11); empty when the
    /// file has no lifecycle or no row starts or pauses anything.
    fn read_lifecycle(&mut self, df: &DataFrame) -> PolarsResult<Vec<u8>> {
        let mut flags: Vec<u8> = Vec::new();
        if let Some(lc) = text_of(df, self.layout.lifecycle_name.as_deref())? {
            flags = lc
                .iter()
                .map(|v| match v.map(str::trim).filter(|v| !v.is_empty()) {
                    None => 0,
                    Some(v) => of_lifecycle(v).unwrap_or_else(|| {
                        self.non_standard_lifecycle = true;
                        0
                    }),
                })
                .collect();
            if flags.iter().all(|f| *f == 0) {
                flags.clear();
            }
        }
        Ok(flags)
    }

    /// The whole file's events and warnings, from what was `kept`; streamed to partitions,
    /// the events are in the partitions written (the table is empty).
    fn finish(self, kept: Kept) -> Result<(EventsCsv, Option<super::spill::Spill>), IngestError> {
        let path = self.layout.path;
        let mut warnings = Warnings::default();
        let dropped = self.dropped;
        warnings.add(WarningKind::RowWithoutItemId, dropped, || {
            format!(
                "{}: {dropped} row(s) have an empty item id and were skipped",
                path.display()
            )
        });
        self.local.warn(self.layout.tz, &mut warnings);
        let internal = |what: &'static str, e: PolarsError| IngestError::Internal {
            what,
            message: e.to_string(),
        };
        let joined = match kept {
            Kept::Joined(j) => j,
            Kept::Sink(sink) => {
                let decisions = super::spill::CsvDecisions {
                    non_standard_lifecycle: self.non_standard_lifecycle,
                };
                let spill = sink
                    .finish(Some(decisions))
                    .map_err(|e| internal("writing the partitions of an events CSV", e))?;
                let table = EventTable::concat(Vec::new())
                    .map_err(|e| internal("creating the event table", e))?;
                let csv = EventsCsv {
                    table,
                    items: self.items.len(),
                    warnings,
                };
                return Ok((csv, Some(spill)));
            }
        };
        crate::memory::trace("events CSV parts read");
        let items = self.items.len();
        drop(self.items);
        let mut table = joined.finish().map_err(|e| IngestError::Internal {
            what: "joining the parts of an events CSV",
            message: e.to_string(),
        })?;
        // When the input provides no assignee on any event, the actor stands in
        // (METRICS.md §1).
        if table.coded[1].all_null() {
            table.coded[1] = table.coded[3].clone();
        }
        table.coded[4].fill_null("csv");
        if self.non_standard_lifecycle {
            // Not an XES lifecycle (sub-statuses kept in that column): no starts.
            table.flags.clear();
        }
        crate::memory::release();
        crate::memory::trace("events CSV joined");
        let csv = EventsCsv {
            table,
            items,
            warnings,
        };
        Ok((csv, None))
    }
}

/// A part's events from its columns.
fn events_of(
    ids: StringChunked,
    ts: Int64Chunked,
    created: Int64Chunked,
    coded: Vec<Coded>,
    flags: Vec<u8>,
) -> Result<EventTable, PartError> {
    let [status, assignee, team, actor, source]: [Coded; 5] = coded
        .try_into()
        .map_err(|_| PolarsError::ComputeError("five coded columns".into()))?;
    Ok(EventTable {
        item_id: ids.with_name(Col::ItemId.name().into()),
        timestamp: ts.with_name(Col::Timestamp.name().into()),
        created: created.with_name(Col::Created.name().into()),
        coded: [status, assignee, team, actor, source],
        flags,
    })
}

/// Longest text value accepted in a field (bytes). A longer one is nearly always a quote
/// that is never closed, which swallows the rows after it into one cell.
pub const MAX_FIELD_BYTES: usize = 4096;

/// Maps a row of the frame to its line in the file, for messages (computed only when a
/// message needs it: a quoted value may span lines, and rows without an item id were
/// dropped).
struct RowLines<'a> {
    path: &'a Path,
    /// Data rows of the file before this part.
    offset: usize,
    /// Original row index of each kept row, when rows were dropped.
    kept: Option<Vec<usize>>,
}

impl RowLines<'_> {
    /// "line N" of frame row `i` (data rows start after the header).
    fn line(&self, i: usize) -> String {
        let row = self
            .kept
            .as_ref()
            .and_then(|k| k.get(i).copied())
            .unwrap_or(i)
            + self.offset;
        match line_of_record(self.path, row + 1) {
            Some(l) => format!("line {l}"),
            None => format!("data row {}", row + 1),
        }
    }
}

/// A plain CSV reader of `path` (no header row, rows of any length), for naming lines.
fn raw_reader(path: &Path) -> Option<csv::Reader<std::io::BufReader<std::fs::File>>> {
    let f = std::fs::File::open(path).ok()?;
    Some(
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(std::io::BufReader::new(f)),
    )
}

/// The line on which CSV record `n` (0 = the header) starts.
fn line_of_record(path: &Path, n: usize) -> Option<u64> {
    let mut r = raw_reader(path)?;
    let mut rec = csv::ByteRecord::new();
    for _ in 0..=n {
        if !r.read_byte_record(&mut rec).ok()? {
            return None;
        }
    }
    rec.position().map(|p| p.line())
}

fn check_lengths(rows: &RowLines, field: &str, values: &StringChunked) -> Result<(), IngestError> {
    if let Some((i, v)) = values
        .iter()
        .enumerate()
        .find_map(|(i, v)| v.filter(|v| v.len() > MAX_FIELD_BYTES).map(|v| (i, v)))
    {
        return Err(IngestError::BadValue {
            path: rows.path.to_path_buf(),
            record: rows.line(i).into(),
            field: field.to_string(),
            value: shown(v),
            reason: format!(
                "the value is {} bytes long (at most {MAX_FIELD_BYTES} are accepted): usually a quote that is never closed swallows the rows after it; fix the quoting or shorten the value",
                v.len()
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CSV with the traps a split could break: a BOM, quoted values holding commas, line
    /// breaks and doubled quotes, CRLF lines, rows without an item id, short rows, and
    /// timestamps without an offset.
    fn tricky_csv(rows: usize) -> String {
        let mut s = String::from("\u{feff}Case ID,Timestamp,Status,Assignee,Team,Source\n");
        for i in 0..rows {
            let id = format!("K-{}", i / 3);
            let day = 1 + i % 27;
            match i % 7 {
                0 => s.push_str(&format!(
                    "{id},2024-03-{day:02}T10:00:00Z,\"In Progress, deep\",\"ann\nsmith\",Core,jira\r\n"
                )),
                1 => s.push_str(&format!("{id},2024-03-{day:02}T11:00:00,Review,bob,,\n")),
                2 => s.push_str(&format!(",2024-03-{day:02}T12:00:00Z,Done,,,\n")),
                3 => s.push_str(&format!("{id},2024-03-{day:02}T13:00:00+02:00,\"Say \"\"hi\"\"\"\n")),
                _ => s.push_str(&format!("{id},2024-03-{day:02}T14:00:00Z,Done,cy,Web,linear\n")),
            }
        }
        s
    }

    #[test]
    fn record_ends_skip_line_breaks_inside_quotes_only() {
        let b = b"a,\"x\ny\",1\nb,\"5\"\" screen\",2\r\nc,\"say \"\"hi\"\"\n\",3\nd";
        assert_eq!(first_record_end(b, b','), Ok(Some(10)));
        assert_eq!(last_record_end(b, b','), Ok(Some(46)));
        assert_eq!(last_record_end(b"a,\"open\nstill", b','), Ok(None));
        assert_eq!(last_record_end(b"x,y\r\n", b','), Ok(Some(5)));
        // A quote inside an unquoted value.
        assert_eq!(last_record_end(b"a,b\nb,5\" screen,2\n", b','), Err(7));
        assert_eq!(last_record_end(b"a;b\nb;\"x;y\";2\n", b';'), Ok(Some(14)));
    }

    #[test]
    fn reading_in_parts_never_changes_the_result() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("events.csv");
        std::fs::write(&p, tricky_csv(400)).unwrap();
        let whole = read_in_parts(&p, CsvOptions::in_tz(chrono_tz::UTC), PART_BYTES).unwrap();
        let frame = whole.table.to_frame().unwrap();
        assert_eq!(frame.height(), 343);
        assert_eq!(whole.items, 134);
        let warnings = format!("{:?}", whole.warnings.entries());
        assert!(
            warnings.contains("57 row(s) have an empty item id"),
            "{warnings}"
        );
        assert_eq!(
            whole.warnings.count(WarningKind::TimestampWithoutOffset),
            57,
            "{warnings}"
        );
        assert!(warnings.contains("(first: "), "{warnings}");
        let c = whole.table.coded(Col::Status);
        assert_eq!(c.get(0), Some("In Progress, deep"));
        assert_eq!(whole.table.coded(Col::Assignee).get(0), Some("ann\nsmith"));
        assert_eq!(whole.table.coded(Col::Source).get(1), Some("csv"));
        for part in [1, 5, 64, 333, 4096] {
            let r = read_in_parts(&p, CsvOptions::in_tz(chrono_tz::UTC), part).unwrap();
            assert!(
                r.table.to_frame().unwrap().equals_missing(&frame),
                "part {part}"
            );
            assert_eq!(r.items, whole.items);
            assert_eq!(format!("{:?}", r.warnings.entries()), warnings);
        }
    }

    #[test]
    fn a_bad_value_in_a_later_part_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("events.csv");
        let mut s = tricky_csv(90);
        s.push_str("K-99,2024-13-01T00:00:00Z,Done,,,\n");
        std::fs::write(&p, &s).unwrap();
        // 90 rows, 13 of which hold a line break inside quotes: the bad row is on line 105.
        for part in [16, PART_BYTES] {
            let e = read_in_parts(&p, CsvOptions::in_tz(chrono_tz::UTC), part)
                .err()
                .map(|e| e.to_string());
            let e = e.unwrap_or_default();
            assert!(e.contains("line 105"), "part {part}: {e}");
            assert!(e.contains("2024-13-01"), "{e}");
        }
    }

    #[test]
    fn header_aliases_ignore_case_spaces_underscores_hyphens() {
        let h: Vec<String> = [
            "Case ID",
            "Activity",
            "Complete_Timestamp",
            "org:group",
            "Resource",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let m = map_header(&h);
        assert_eq!(m[0], (Col::ItemId, Some(0)));
        assert_eq!(m[1], (Col::Timestamp, Some(2)));
        assert_eq!(m[2], (Col::Status, Some(1)));
        assert_eq!(m[3], (Col::Assignee, Some(4)));
        assert_eq!(m[4], (Col::Team, Some(3)));
        assert!(looks_like_events(&h));
        let h: Vec<String> = ["\u{feff}item_id", "TS"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(looks_like_events(&h));
        let h: Vec<String> = ["team", "tool", "category"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(!looks_like_events(&h));
    }
}
