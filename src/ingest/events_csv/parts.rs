//! Cutting the file into parts at record ends: the buffer that reads the file after its
//! header and hands whole records to the part reader.

use super::diagnose::polars_malformed;
use super::{io_error, Kept, PartError, PartReader};
use crate::error::{shown, IngestError, Location};
use crate::ingest::EventTable;
use std::path::Path;

/// The end (just after the line break) of the first or of the last complete record of
/// `buf`, which starts at a record start; `Ok(None)` when `buf` holds no record end.
///
/// A line break ends a record unless it is inside a quoted value. As in polars' reader, a
/// quote opens a quoted value only at the start of a field and `""` inside one is a literal
/// quote. A quote anywhere else (`5" screen`) is refused: `Err` holds its position. polars
/// would read it as a character, but its own split of a file between threads counts it as a
/// quote, so whether such a file is read would depend on where the splits fall.
fn record_end(buf: &[u8], last: bool, sep: u8) -> Result<Option<usize>, usize> {
    let mut quoted = false;
    let mut escaped_at = usize::MAX;
    let mut end = None;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        match buf[i] {
            b'"' if i == escaped_at => {}
            b'"' if quoted => {
                if buf.get(i + 1) == Some(&b'"') {
                    escaped_at = i + 1;
                } else {
                    quoted = false;
                }
            }
            b'"' if i == 0 || buf[i - 1] == sep || matches!(buf[i - 1], b'\n' | b'\r') => {
                quoted = true
            }
            b'"' => return Err(i),
            _ if quoted => {}
            _ => {
                end = Some(i + 1);
                if !last {
                    break;
                }
            }
        }
    }
    Ok(end)
}

/// The end of the last complete record of `buf` ([`record_end`]).
pub(super) fn last_record_end(buf: &[u8], sep: u8) -> Result<Option<usize>, usize> {
    record_end(buf, true, sep)
}

/// The end of the first record of `buf` ([`record_end`]).
pub(super) fn first_record_end(buf: &[u8], sep: u8) -> Result<Option<usize>, usize> {
    record_end(buf, false, sep)
}

/// The error for a quote inside an unquoted value at byte `at` of the file; `buf` holds the
/// file from byte `buf_start`.
fn stray_quote(path: &Path, buf: &[u8], buf_start: usize, at: usize, sep: u8) -> IngestError {
    use std::io::Read;
    let mut head = Vec::new();
    let line = std::fs::File::open(path)
        .and_then(|f| f.take((buf_start + at) as u64).read_to_end(&mut head))
        .map(|_| memchr::memchr_iter(b'\n', &head).count() + 1)
        .unwrap_or(0);
    let from = buf[..at]
        .iter()
        .rposition(|b| *b == sep || *b == b'\n')
        .map_or(0, |p| p + 1);
    let to = buf[at..]
        .iter()
        .position(|b| *b == sep || matches!(b, b'\n' | b'\r'))
        .map_or(buf.len(), |p| at + p);
    IngestError::Malformed {
        path: path.to_path_buf(),
        record: Location::line(line),
        reason: format!(
            "the value {} holds a quote but is not quoted; quote the whole value and double the quote inside (\"5\"\" screen\"), or remove the quote",
            shown(&String::from_utf8_lossy(&buf[from..to]))
        ),
    }
}

/// The file after its header, cut at record ends into parts of about `part_bytes`, each
/// handed to the part reader as a window of the file mapped into memory (read into a buffer
/// where the file cannot be mapped).
///
/// Mapped, a part is not copied: the CSV parser's threads read the page cache directly. The
/// end of the next part is found (a serial scan of its bytes for quotes and line breaks)
/// while the current part is parsed, so that neither the copy nor the scan leaves the second
/// core idle (at 10M events they were 0.6 s of a 3 s read). Only the current and the next
/// window are mapped: memory holds two parts of the file, not the file.
pub(super) struct PartBuffer<'a> {
    path: &'a Path,
    /// The delimiter.
    sep: u8,
    file: std::fs::File,
    /// The file's length in bytes.
    size: u64,
    /// Bytes read at a time (see [`super::PART_BYTES`]).
    part_bytes: usize,
}

/// Bytes `[from, from + len)` of the file: mapped, or read when the file cannot be mapped.
enum Window {
    /// A mapping that starts `skip` bytes before `from` (mappings start at a page boundary).
    Mapped {
        map: memmap2::Mmap,
        skip: usize,
    },
    Read(Vec<u8>),
}

impl Window {
    fn bytes(&self) -> &[u8] {
        match self {
            Window::Mapped { map, skip } => &map[*skip..],
            Window::Read(v) => v,
        }
    }
}

/// The next part: where it starts, the end of its last whole record, and its bytes when they
/// were read into a buffer. A mapped part's window is dropped once its end is found and
/// mapped again when the part is parsed ([`PartBuffer::bytes_of`]): kept mapped, the next
/// part's pages counted in the process's resident memory all the while the current part was
/// parsed (64 MB of the 10M-event audit's load; the pages stay in the page cache).
struct Part {
    from: u64,
    end: usize,
    read: Option<Vec<u8>>,
}

/// Mapping granularity: mappings start at a multiple of it (the largest page size of the
/// platforms we run on; any multiple of the page size works).
const MAP_ALIGN: u64 = 64 << 10;

impl<'a> PartBuffer<'a> {
    /// Open the file, to read it `part_bytes` at a time.
    pub(super) fn open(path: &'a Path, sep: u8, part_bytes: usize) -> Result<Self, IngestError> {
        let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
        let size = file.metadata().map_err(|e| io_error(path, e))?.len();
        Ok(PartBuffer {
            path,
            sep,
            file,
            size,
            part_bytes: part_bytes.max(1),
        })
    }

    /// Hand every part of the file to `reader`, in file order, and its events to `kept`.
    /// While a part is parsed, the previous part's events are kept and the next part's end
    /// is found.
    pub(super) fn read_all(
        &self,
        reader: &mut PartReader<'_>,
        kept: &mut Kept,
    ) -> Result<(), IngestError> {
        let Some(data) = self.header_end()? else {
            return Ok(()); // empty, or only a header
        };
        let (mut at, mut rows_before) = (data, 0);
        let mut next = self.part_at(at)?;
        let mut pending: Option<EventTable> = None;
        while let Some(part) = next {
            let after = at + part.end as u64;
            let window = self.bytes_of(part)?;
            let (parsed, (scanned, previous)) = rayon::join(
                || self.read_part(reader, window.bytes(), rows_before),
                || {
                    let previous = pending.take().map_or(Ok(()), |t| self.keep(kept, t));
                    (self.part_at(after), previous)
                },
            );
            // Errors in file order: the previous part's, this part's, the next part's.
            previous?;
            let (rows, table) = parsed?;
            rows_before += rows;
            pending = Some(table);
            drop(window);
            next = scanned?;
            at = after;
        }
        match pending {
            Some(t) => self.keep(kept, t),
            None => Ok(()),
        }
    }

    /// Keep a part's events in `kept`.
    fn keep(&self, kept: &mut Kept, table: EventTable) -> Result<(), IngestError> {
        kept.keep(table).map_err(|e| self.part_error(e))
    }

    /// A part's error as the file's.
    fn part_error(&self, e: PartError) -> IngestError {
        match e {
            PartError::Polars(e) => polars_malformed(self.path, e),
            PartError::Ingest(e) => e,
        }
    }

    /// Bytes `[from, from + len)` of the file (`len` > 0, within the file).
    fn window(&self, from: u64, len: usize) -> Result<Window, IngestError> {
        let start = from - from % MAP_ALIGN;
        let skip = (from - start) as usize;
        // SAFETY: the mapping is read-only and dropped once its part is read. As with every
        // mapped read (polars maps the files it scans), a file truncated by another process
        // meanwhile would fault; an input file is not written during an audit.
        let mapped = unsafe {
            memmap2::MmapOptions::new()
                .offset(start)
                .len(skip + len)
                .map(&self.file)
        };
        match mapped {
            Ok(map) => Ok(Window::Mapped { map, skip }),
            Err(_) => self.read_window(from, len).map(Window::Read),
        }
    }

    /// Bytes `[from, from + len)` of the file read into a buffer (a file that cannot be
    /// mapped).
    fn read_window(&self, from: u64, len: usize) -> Result<Vec<u8>, IngestError> {
        use std::io::{Read, Seek, SeekFrom};
        // Only the thread that finds the next part's end reads the file: one position.
        let mut f = &self.file;
        let mut buf = vec![0; len];
        f.seek(SeekFrom::Start(from))
            .and_then(|_| f.read_exact(&mut buf))
            .map_err(|e| io_error(self.path, e))?;
        Ok(buf)
    }

    /// Where the data rows start: just after the header record; `None` when the file holds
    /// no record after it (empty, or only a header).
    fn header_end(&self) -> Result<Option<u64>, IngestError> {
        if self.size == 0 {
            return Ok(None);
        }
        let mut want = self.part_bytes;
        loop {
            let len = (want as u64).min(self.size) as usize;
            let w = self.window(0, len)?;
            match first_record_end(w.bytes(), self.sep) {
                Ok(Some(e)) => return Ok(Some(e as u64)),
                Ok(None) if len as u64 == self.size => return Ok(None),
                Ok(None) => want = want.saturating_mul(2),
                Err(at) => return Err(stray_quote(self.path, w.bytes(), 0, at, self.sep)),
            }
        }
    }

    /// The part that starts at byte `from` (a record start): about `part_bytes` long, ending
    /// at a record end, or at the end of the file. `None` at the end of the file.
    fn part_at(&self, from: u64) -> Result<Option<Part>, IngestError> {
        if from >= self.size {
            return Ok(None);
        }
        let mut want = self.part_bytes;
        loop {
            let len = (want as u64).min(self.size - from) as usize;
            let eof = from + len as u64 == self.size;
            let window = self.window(from, len)?;
            let last = last_record_end(window.bytes(), self.sep).map_err(|at| {
                stray_quote(self.path, window.bytes(), from as usize, at, self.sep)
            })?;
            let end = match (eof, last) {
                (true, _) => len,
                (false, Some(end)) => end,
                // One record longer than the window: map more.
                (false, None) => {
                    want = want.saturating_mul(2);
                    continue;
                }
            };
            let read = match window {
                Window::Mapped { .. } => None,
                Window::Read(mut v) => {
                    v.truncate(end);
                    Some(v)
                }
            };
            return Ok(Some(Part { from, end, read }));
        }
    }

    /// A part's whole records: its bytes read into a buffer, or its window mapped again.
    fn bytes_of(&self, part: Part) -> Result<Window, IngestError> {
        match part.read {
            Some(v) => Ok(Window::Read(v)),
            None => self.window(part.from, part.end),
        }
    }

    /// Hand a part (whole records) to `reader`; `rows_before` data rows precede it. Returns
    /// its rows and events.
    fn read_part(
        &self,
        reader: &mut PartReader<'_>,
        bytes: &[u8],
        rows_before: usize,
    ) -> Result<(usize, EventTable), IngestError> {
        reader
            .part(bytes, rows_before)
            .map_err(|e| self.part_error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CSV of `rows` records, one with a quoted line break, and its header's length.
    fn file(rows: usize) -> (tempfile::TempDir, std::path::PathBuf, String) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.csv");
        let mut text = String::from("item_id,timestamp,note\n");
        for i in 0..rows {
            let note = if i % 7 == 3 {
                "\"two\nlines\""
            } else {
                "plain"
            };
            text += &format!("K-{i},2024-01-01T00:00:00Z,{note}\n");
        }
        std::fs::write(&p, &text).unwrap();
        (dir, p, text)
    }

    #[test]
    fn a_mapped_window_holds_the_bytes_a_read_gives_wherever_it_starts() {
        let (_d, p, text) = file(20_000);
        let b = PartBuffer::open(&p, b',', 1 << 10).unwrap();
        // Offsets on, just before and just after a mapping boundary, and at the end.
        for from in [
            0u64,
            1,
            4095,
            MAP_ALIGN - 1,
            MAP_ALIGN,
            MAP_ALIGN + 17,
            200_001,
        ] {
            let len = (text.len() as u64 - from).min(70_000) as usize;
            let w = b.window(from, len).unwrap();
            assert!(matches!(w, Window::Mapped { .. }));
            assert_eq!(
                w.bytes(),
                &text.as_bytes()[from as usize..from as usize + len]
            );
            assert_eq!(b.read_window(from, len).unwrap(), w.bytes());
        }
    }

    #[test]
    fn parts_end_at_record_ends_and_cover_the_file_after_its_header() {
        let (_d, p, text) = file(5_000);
        for part_bytes in [1, 100, 4096, 1 << 20] {
            let b = PartBuffer::open(&p, b',', part_bytes).unwrap();
            let mut at = b.header_end().unwrap().unwrap();
            assert_eq!(at, "item_id,timestamp,note\n".len() as u64);
            let mut joined = Vec::new();
            let mut parts = 0;
            while let Some(part) = b.part_at(at).unwrap() {
                let end = part.end;
                let window = b.bytes_of(part).unwrap();
                let bytes = window.bytes();
                assert_eq!(bytes.len(), end);
                // Whole records: a part ends with a line break outside quotes.
                assert_eq!(bytes.last(), Some(&b'\n'));
                assert_eq!(last_record_end(bytes, b',').unwrap(), Some(bytes.len()));
                joined.extend_from_slice(bytes);
                at += end as u64;
                parts += 1;
            }
            assert_eq!(joined, &text.as_bytes()[23..]);
            // Small parts hold one record each (a record longer than a part widens it).
            if part_bytes == 1 {
                assert_eq!(parts, 5_000);
            }
        }
    }

    #[test]
    fn an_empty_file_or_a_lone_header_has_no_parts() {
        let dir = tempfile::tempdir().unwrap();
        for (text, end) in [("", None), ("a,b", None), ("a,b\n", Some(4))] {
            let p = dir.path().join("e.csv");
            std::fs::write(&p, text).unwrap();
            let b = PartBuffer::open(&p, b',', 2).unwrap();
            assert_eq!(b.header_end().unwrap(), end, "{text:?}");
            if let Some(at) = end {
                assert!(b.part_at(at).unwrap().is_none());
            }
        }
    }
}
