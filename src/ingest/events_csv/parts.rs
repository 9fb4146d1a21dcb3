//! Cutting the file into parts at record ends: the buffer that reads the file after its
//! header and hands whole records to the part reader.

use super::diagnose::polars_malformed;
use super::{io_error, PartError, PartReader};
use crate::error::{shown, IngestError, Location};
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

/// The file after its header, read into a buffer and cut at record ends into parts.
pub(super) struct PartBuffer<'a> {
    path: &'a Path,
    /// The delimiter.
    sep: u8,
    file: std::fs::File,
    /// Bytes read at a time (see [`super::PART_BYTES`]).
    part_bytes: usize,
    buf: Vec<u8>,
    /// Bytes `buf` is filled to (doubled while it holds no record end).
    want: usize,
    header_skipped: bool,
    eof: bool,
    /// Data rows before `buf`.
    rows_before: usize,
    /// Bytes of the file before `buf`.
    consumed: usize,
}

impl<'a> PartBuffer<'a> {
    /// Open the file, to read it `part_bytes` at a time.
    pub(super) fn open(path: &'a Path, sep: u8, part_bytes: usize) -> Result<Self, IngestError> {
        let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
        Ok(PartBuffer {
            path,
            sep,
            file,
            part_bytes,
            buf: Vec::new(),
            want: part_bytes.max(1),
            header_skipped: false,
            eof: false,
            rows_before: 0,
            consumed: 0,
        })
    }

    /// Hand every part of the file to `reader`, in file order.
    pub(super) fn read_all(&mut self, reader: &mut PartReader<'_>) -> Result<(), IngestError> {
        while !self.eof {
            self.fill()?;
            if !self.header_skipped {
                match self.first_end()? {
                    Some(e) => self.skip_header(e),
                    None if self.eof => break, // only a header
                    None => {
                        self.want = self.want.saturating_mul(2);
                        continue;
                    }
                }
            }
            let last = self.last_end()?;
            let end = match (self.eof, last) {
                (true, _) => self.buf.len(),
                (false, Some(e)) => e,
                (false, None) => {
                    // One record longer than the buffer: read more.
                    self.want = self.want.saturating_mul(2);
                    continue;
                }
            };
            if end > 0 {
                self.read_part(reader, end)?;
            }
            self.advance(end);
        }
        Ok(())
    }

    /// Fill the buffer to `want` bytes (or the end of the file).
    fn fill(&mut self) -> Result<(), IngestError> {
        use std::io::Read;
        let path = self.path;
        let missing = self.want.saturating_sub(self.buf.len()) as u64;
        if missing > 0 {
            let n = (&mut self.file)
                .take(missing)
                .read_to_end(&mut self.buf)
                .map_err(|e| io_error(path, e))?;
            self.eof = (n as u64) < missing;
        }
        Ok(())
    }

    /// The end of the buffer's first record ([`first_record_end`]).
    fn first_end(&self) -> Result<Option<usize>, IngestError> {
        first_record_end(&self.buf, self.sep)
            .map_err(|at| stray_quote(self.path, &self.buf, self.consumed, at, self.sep))
    }

    /// The end of the buffer's last complete record ([`last_record_end`]).
    fn last_end(&self) -> Result<Option<usize>, IngestError> {
        last_record_end(&self.buf, self.sep)
            .map_err(|at| stray_quote(self.path, &self.buf, self.consumed, at, self.sep))
    }

    /// Drop the header record, which ends at `end`.
    fn skip_header(&mut self, end: usize) {
        self.buf.drain(..end);
        self.consumed += end;
        self.header_skipped = true;
    }

    /// Hand the buffer's first `end` bytes (whole records) to `reader`.
    fn read_part(&mut self, reader: &mut PartReader<'_>, end: usize) -> Result<(), IngestError> {
        let rows = reader
            .part(&self.buf[..end], self.rows_before)
            .map_err(|e| match e {
                PartError::Polars(e) => polars_malformed(self.path, e),
                PartError::Ingest(e) => e,
            })?;
        self.rows_before += rows;
        Ok(())
    }

    /// Drop the buffer's first `end` bytes (read) and size the next fill.
    fn advance(&mut self, end: usize) {
        self.buf.drain(..end);
        self.consumed += end;
        self.want = self.part_bytes.max(1).max(self.buf.len() * 2);
    }
}
