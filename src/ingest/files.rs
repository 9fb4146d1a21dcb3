//! Finding the input files and detecting their format from content: folders expanded (FIFOs,
//! sockets and devices skipped), encodings checked (UTF-16 and invalid UTF-8 refused with the
//! line and byte), and each file's first bytes offered to every importer's `sniff`.

use super::*;
use crate::error::Location;

/// Expand inputs: files as given, folders to every file inside (recursively, sorted), hidden
/// files skipped.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    expand(inputs).map(|(files, _)| files)
}

/// [`expand_inputs`], and the special files (FIFOs, sockets, devices) found inside folders,
/// which are skipped: reading a FIFO would block the audit. A dangling symbolic link is kept
/// so that reading it fails with its name: a file the user expected is missing.
pub(super) fn expand(inputs: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), IngestError> {
    let mut skipped = Vec::new();
    let mut out = Vec::new();
    for p in inputs {
        let meta = std::fs::metadata(p).map_err(|source| IngestError::Io {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut stack = vec![p.clone()];
            let mut files = Vec::new();
            while let Some(d) = stack.pop() {
                let rd = std::fs::read_dir(&d).map_err(|source| IngestError::Io {
                    path: d.clone(),
                    source,
                })?;
                for e in rd {
                    let e = e.map_err(|source| IngestError::Io {
                        path: d.clone(),
                        source,
                    })?;
                    let path = e.path();
                    if e.file_name().to_string_lossy().starts_with('.') {
                        continue;
                    }
                    match std::fs::metadata(&path) {
                        Ok(m) if m.is_dir() => stack.push(path),
                        Ok(m) if !m.is_file() => skipped.push(path),
                        _ => files.push(path),
                    }
                }
            }
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    skipped.sort();
    Ok((out, skipped))
}

/// Refuse an input named on the command line that is not a regular file (a FIFO, a device):
/// it cannot be read twice (detection, then the importer).
pub(super) fn check_regular_file(path: &Path) -> Result<(), IngestError> {
    let meta = std::fs::metadata(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_file() {
        Ok(())
    } else {
        Err(IngestError::Malformed {
            path: path.to_path_buf(),
            record: "file".into(),
            reason: "not a regular file (a pipe, socket or device); save the data to a file and pass that file".into(),
        })
    }
}

/// The head of a UTF-16 file (with its byte-order mark) as UTF-8, for detection.
pub(super) fn utf16_to_utf8(head: &[u8]) -> Option<Vec<u8>> {
    let le = match head {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units: Vec<u16> = head[2..]
        .chunks_exact(2)
        .map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        })
        .collect();
    Some(String::from_utf16_lossy(&units).into_bytes())
}

/// Why a file's head is not UTF-8 text, if it is not (gzip is binary by design and passes).
/// UTF-16 is recognised by its byte-order mark, as spreadsheet tools write it ("Unicode
/// text"); any other invalid byte is named with its line and offset, with a guess at the
/// encoding (Windows-1252/Latin-1 for a lone high byte).
pub fn encoding_problem(path: &Path, head: &[u8]) -> Option<IngestError> {
    // Compressed data is binary by nature: the importer that reads it (XES for .xes.gz) or
    // refuses it (the events CSV, with the compression named) says what to do.
    if compression_kind(head).is_some() {
        return None;
    }
    if let Some(text) = utf16_to_utf8(head) {
        let le = head[0] == 0xFF;
        let looks_csv = csv_header(&text).is_some();
        return Some(IngestError::Malformed {
            path: path.to_path_buf(),
            record: "byte 0".into(),
            reason: format!(
                "the file is not UTF-8: it starts with a UTF-16 {} byte-order mark (spreadsheet tools write this as \"Unicode text\"); re-save it as UTF-8{}",
                if le { "little-endian" } else { "big-endian" },
                if looks_csv { " CSV (in Excel: Save As → \"CSV UTF-8 (comma delimited)\")" } else { "" }
            ),
        });
    }
    let err = match std::str::from_utf8(head) {
        Ok(_) => return None,
        // A character cut by the end of the head is not an error.
        Err(e) if e.error_len().is_none() => return None,
        Err(e) => e,
    };
    let at = err.valid_up_to();
    let line = head[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let byte = head[at];
    let line_start = head[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = head[at..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(head.len(), |i| at + i);
    let snippet = shown(String::from_utf8_lossy(&head[line_start..line_end]).trim_end());
    let guess =
        if head[..at].contains(&0) || head[at..].iter().take(64).filter(|b| **b == 0).count() > 4 {
            "binary data, not a text export"
        } else if byte >= 0x80 {
            "it looks like Windows-1252 or Latin-1"
        } else {
            "an unknown encoding"
        };
    Some(IngestError::Malformed {
        path: path.to_path_buf(),
        record: Location::line_byte(line, at),
        reason: format!(
            "the file is not UTF-8 (byte 0x{byte:02X} in {snippet:?}; {guess}); re-save it as UTF-8 (in Excel: Save As → \"CSV UTF-8 (comma delimited)\")"
        ),
    })
}

/// Why an explicit file's format was not recognised, as precisely as the head allows.
pub(super) fn unknown_reason(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.is_empty() {
        return "the file holds only white space".into();
    }
    if t.starts_with('{') || t.starts_with('[') {
        return "JSON that matches none of the supported exports (Jira, GitHub, GitLab, Bugzilla, Azure DevOps, Trello, OCEL 2.0), or JSON cut short; pass --format to read it as one and see what is wrong".into();
    }
    if t.starts_with('<') {
        return "XML without a <log> root element (XES)".into();
    }
    match csv_header(head) {
        Some(h) if is_projects_export(&h) => "a GitHub Projects export (Title, URL, Status…): it holds each item's current Status only, with no dates, so it cannot give a status timeline; export the items' timelines instead (`gh api --paginate repos/OWNER/REPO/issues/N/timeline`: their `project_v2_item_status_changed` events are the board's Status over time) with the issues".into(),
        Some(h) => format!(
            "a CSV whose header is [{}]: an events CSV needs an item id column ({}) and a timestamp column ({}); a tool inventory needs team, tool, category; a roster needs person, team",
            shown(&h.join(", ")),
            events_csv::COLUMNS[0].2.join(", "),
            events_csv::COLUMNS[1].2.join(", ")
        ),
        None => "the content matches no supported format".into(),
    }
}

/// A GitHub Projects (v2) "Export view data" CSV: `Title`, `URL` and `Status` columns.
fn is_projects_export(header: &[String]) -> bool {
    let has = |c: &str| header.iter().any(|h| h.trim().eq_ignore_ascii_case(c));
    has("Title") && has("URL") && has("Status")
}

pub(super) fn csv_header(head: &[u8]) -> Option<Vec<String>> {
    let text = std::str::from_utf8(head).ok().or_else(|| {
        // The head may cut a UTF-8 character: retry up to the last full line.
        let cut = head.iter().rposition(|b| *b == b'\n')?;
        std::str::from_utf8(&head[..cut]).ok()
    })?;
    let first = text.trim_start_matches('\u{feff}').lines().next()?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(events_csv::detect_separator(first.as_bytes()))
        .from_reader(first.as_bytes());
    let rec = r.records().next()?.ok()?;
    (rec.len() >= 2).then(|| rec.iter().map(str::to_string).collect())
}

/// Does the file start with Parquet's magic bytes?
pub fn looks_like_parquet(head: &[u8]) -> bool {
    head.starts_with(b"PAR1")
}

pub(super) fn read_head(path: &Path) -> Result<Vec<u8>, IngestError> {
    let f = std::fs::File::open(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut buf = Vec::with_capacity(8192);
    f.take(8192)
        .read_to_end(&mut buf)
        .map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(buf)
}

/// The compression a file's first bytes announce — the signatures polars' CSV reader checks
/// (gzip, zlib, zstd) — or `None`.
pub(crate) fn compression_kind(head: &[u8]) -> Option<&'static str> {
    match head {
        [0x1f, 0x8b, _, _, ..] => Some("gzip"),
        [0x78, 0x01 | 0x5e | 0x9c | 0xda, _, _, ..] => Some("zlib"),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Some("zstd"),
        _ => None,
    }
}
