//! An events CSV streamed to partitions by item (`--memory-budget`, docs/BOUNDED-MEMORY.md):
//! each part, once read, goes to the partitions on disk ([`super::super::spill`]) instead of
//! being kept, so the file is never one table in memory.
//!
//! The partitions are ranges of item ids, so their boundaries are needed before the first part
//! is written: they come from item ids sampled at evenly spaced offsets of the file (a line is
//! taken after each offset and split naively). A bad sample only makes the partitions
//! uneven; the report is the same whatever the boundaries (`tests/bounded_memory.rs`).

use super::super::spill::{sampled_cuts, Spill, SpillWriter};
use super::*;
use std::io::{Read, Seek, SeekFrom};

/// Lines sampled for the boundaries and the size estimate.
const SAMPLE_LINES: usize = 4096;

/// Bytes read after each sampled offset (a line longer than this is not sampled).
const SAMPLE_BYTES: usize = 16 << 10;

/// What sampling the file gave: item ids, and the data rows it is estimated to hold.
struct Sample {
    ids: Vec<String>,
    rows: u64,
}

/// Item ids read from lines at evenly spaced offsets of the file, and the number of data rows
/// estimated from the file's size and the sampled lines' mean length.
fn sample(path: &Path, sep: u8, id_column: usize) -> std::io::Result<Sample> {
    let mut f = std::fs::File::open(path)?;
    let size = f.metadata()?.len();
    let mut buf = vec![0u8; SAMPLE_BYTES];
    let n = f.read(&mut buf)?;
    let header_end = buf[..n]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(n, |p| p + 1) as u64;
    let body = size.saturating_sub(header_end);
    let (mut ids, mut line_bytes, mut lines) = (Vec::new(), 0u64, 0u64);
    for k in 0..SAMPLE_LINES as u64 {
        let at = header_end + body * k / SAMPLE_LINES as u64;
        f.seek(SeekFrom::Start(at))?;
        let n = f.read(&mut buf)?;
        let chunk = &buf[..n];
        // After the first offset, the line the offset falls in is partial: take the next.
        let start = if k == 0 {
            0
        } else {
            match chunk.iter().position(|b| *b == b'\n') {
                Some(p) => p + 1,
                None => continue,
            }
        };
        let Some(len) = chunk[start..].iter().position(|b| *b == b'\n') else {
            continue;
        };
        let line = &chunk[start..start + len];
        line_bytes += len as u64 + 1;
        lines += 1;
        let field = line.split(|b| *b == sep).nth(id_column).unwrap_or_default();
        let id = String::from_utf8_lossy(field);
        let id = id.trim().trim_matches('"');
        if !id.is_empty() {
            ids.push(id.to_string());
        }
    }
    let rows = match lines {
        0 => 0,
        _ => body * lines / line_bytes.max(1),
    };
    Ok(Sample { ids, rows })
}

/// The separator and the item id column of the events CSV at `path`.
fn id_column(path: &Path, opts: CsvOptions) -> Result<(u8, usize), IngestError> {
    let sep = header_separator(path)?;
    let schema = header_schema(path, sep)?;
    let header: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let mapping = map_header_with(&header, opts.columns);
    let pos = mapping
        .iter()
        .find(|(c, _)| *c == Col::ItemId)
        .and_then(|(_, p)| *p)
        .unwrap_or(0);
    Ok((sep, pos))
}

/// Partitions to stream the events CSV at `path` into under `budget` bytes, estimated from
/// its size before it is read (`crate::memory::partitions`, with a conservative four events
/// an item); `None` when it fits in memory, or when it cannot be sampled (it is then read
/// whole, and any error is reported by that read).
pub fn plan_partitions(path: &Path, opts: CsvOptions, budget: u64) -> Option<usize> {
    // A file that would fit even at 10 bytes a row is not sampled at all.
    let size = std::fs::metadata(path).ok()?.len();
    if crate::memory::partitions(size / 10, size / 40, budget) <= 1 {
        return None;
    }
    refuse_compressed(path).ok()?;
    let (sep, pos) = id_column(path, opts).ok()?;
    let s = sample(path, sep, pos).ok()?;
    let parts = crate::memory::partitions(s.rows, s.rows / 4, budget);
    (parts > 1).then_some(parts)
}

/// Read the events CSV at `path` into `parts` partitions under a new folder `dir`, a part at a
/// time: the events, warnings and item count of [`read`], with the events on disk (the
/// returned table is empty).
pub fn read_to_partitions(
    path: &Path,
    opts: CsvOptions,
    parts: usize,
    dir: std::path::PathBuf,
) -> Result<(EventsCsv, Spill), IngestError> {
    refuse_compressed(path)?;
    let (sep, pos) = id_column(path, opts)?;
    let cuts = sampled_cuts(
        &sample(path, sep, pos).map_err(|e| io_error(path, e))?.ids,
        parts,
    );
    let schema = header_schema(path, sep)?;
    let header: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let mapping = map_header_with(&header, opts.columns);
    check_mapping(path, &header, &mapping, opts.columns)?;
    let writer = SpillWriter::create(dir.clone(), cuts).map_err(|e| IngestError::Internal {
        what: "creating the partitions of an events CSV",
        message: e.to_string(),
    })?;
    let read = (|| {
        let buffer = PartBuffer::open(path, sep, PART_BYTES)?;
        let layout = FileLayout::new(path, opts, sep, schema, &header, &mapping)?;
        let mut reader = PartReader::new(layout);
        let mut kept = Kept::Sink(writer);
        buffer.read_all(&mut reader, &mut kept)?;
        reader.finish(kept)
    })();
    match read {
        Ok((csv, Some(spill))) => Ok((csv, spill)),
        Ok((_, None)) => Err(IngestError::Internal {
            what: "streaming an events CSV to partitions",
            message: "no partitions were written".into(),
        }),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampling_reads_ids_and_estimates_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.csv");
        let mut text = String::from("timestamp,item_id,status\n");
        for i in 0..2000 {
            text += &format!("2024-01-01T00:00:00Z,\"K-{:04}\",To Do\n", i);
        }
        std::fs::write(&p, &text).unwrap();
        let s = sample(&p, b',', 1).unwrap();
        // Every line has the same length: the estimate is exact.
        assert_eq!(s.rows, 2000);
        assert!(s.ids.len() > 1000 && s.ids.iter().all(|id| id.starts_with("K-")));
        assert_eq!(s.ids[0], "K-0000");
    }
}
