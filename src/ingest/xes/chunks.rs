//! Reading an XES log in chunks of whole traces, on every core (issue 17).
//!
//! The calling thread reads the file (decompressing a `.xes.gz`) in blocks of about
//! [`CHUNK_BYTES`] and cuts each block after its last `</trace>`; worker threads each take a
//! chunk, find its tags with [`scan`] (one pass over the bytes, no copy, `memchr` to the next
//! `<`) and feed them to their own [`Parser`], exactly as the one-thread parse feeds quick-xml's
//! tags. The chunks' events, values and warnings are then joined in file order ([`join`]).
//!
//! This is a fast path, and only that. It declines — and [`super::read_xes`] reads the file
//! again on the exact path, which gives every result, warning and error it always gave —
//! whenever a chunk holds anything it does not handle the same way: any error (malformed XML,
//! a bad timestamp, a truncated or corrupt file), a CDATA section or document type, a trace
//! without a name past the first chunk (its fallback name counts traces), an end tag that
//! does not close the element it should, or a cut that is not between two traces (a
//! `</trace>` inside a comment or a value leaves the chunk with an unclosed comment or tag).
//!
//! Invariants:
//! - On the input it accepts, [`scan`] yields the items quick-xml's reader gives
//!   (`tags::next_item`, with `trim_text`): the same tags with the same bytes and names, in
//!   the same order, and nothing for text, comments and declarations (tested against it on
//!   every log in `tests/data/xes`).
//! - A chunk past the first starts between two traces: its parser starts inside `<log>`.
//! - The result does not depend on the chunk size (tested from 1 byte up).
//! - Memory is bounded: at most one chunk per worker is read ahead, and read buffers are
//!   reused.

use super::parser::Parser;
use super::tags::Item;
use crate::ingest::IngestError;
use std::io::{ErrorKind, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Mutex;

/// Bytes of XML per chunk, about: large enough that a chunk's set-up (a parser, its value
/// table, each value absorbed into the joined table once per chunk) is noise, small enough
/// that both cores get many chunks of a log of a few MB. 1 MiB: the 458-group log (31 MB of
/// XML) took 0.96× its time with 256 KiB chunks, the road-traffic shape (200 MB) 0.97×,
/// Helpdesk (14 MB) about the same (paired; 2 MiB was no faster).
pub(super) const CHUNK_BYTES: usize = 1 << 20;

/// What one chunk gave.
pub(super) struct Chunk<'a> {
    parser: Parser<'a>,
    /// The root element's name, when this chunk opened it (the first chunk).
    root_opened: Option<Vec<u8>>,
    /// The name in the end tag that closed the root, when this chunk closed it; nothing of
    /// the input after it is read.
    root_closed: Option<Vec<u8>>,
}

/// The fast path declined (see the module's doc).
#[derive(Debug)]
pub(super) struct Declined;

impl From<IngestError> for Declined {
    fn from(_: IngestError) -> Declined {
        Declined
    }
}

/// XML whitespace, as quick-xml trims it.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\r' | b'\n' | b'\t')
}

/// Can an element name (as the fast path reads it) start with `b`? Anything else declines.
fn starts_name(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80
}

/// The index of the `>` that ends the tag whose bytes start at `from`, skipping quoted
/// values as quick-xml does (a `>` inside quotes does not end the tag).
fn tag_end(buf: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let k = from + memchr::memchr3(b'>', b'"', b'\'', &buf[from..])?;
        if buf[k] == b'>' {
            return Some(k);
        }
        let close = k + 1 + memchr::memchr(buf[k], &buf[k + 1..])?;
        from = close + 1;
    }
}

/// The element names of typed XES attributes, each followed by ` key="`: the usual form of
/// an attribute tag.
const PLAIN_STARTS: [&[u8]; 6] = [
    b"string key=\"",
    b"date key=\"",
    b"int key=\"",
    b"float key=\"",
    b"boolean key=\"",
    b"id key=\"",
];

/// An attribute tag of the usual form — `<string key="K" value="V"/>`: one space before each
/// attribute, double quotes, maybe whitespace before `/>`, nothing else — whose bytes after
/// `<` start at `from`: its raw key and value and the index of its `>`. `None` for any other
/// form (the general scan reads it), and for a key that is not ASCII or holds `&` (the exact
/// path decodes it).
fn plain_attribute(buf: &[u8], from: usize) -> Option<(&[u8], &[u8], usize)> {
    let rest = &buf[from..];
    let start = PLAIN_STARTS.iter().find(|p| rest.starts_with(p))?;
    let k0 = from + start.len();
    let k1 = k0 + memchr::memchr(b'"', &buf[k0..])?;
    let key = &buf[k0..k1];
    if !buf[k1..].starts_with(b"\" value=\"") || !key.is_ascii() || key.contains(&b'&') {
        return None;
    }
    let v0 = k1 + 9;
    let v1 = v0 + memchr::memchr(b'"', &buf[v0..])?;
    // Whitespace before `/>` (Helpdesk's `value="V" />`) is skipped as the attribute scan
    // skips it.
    let mut slash = v1 + 1;
    while buf.get(slash).is_some_and(|&b| is_space(b)) {
        slash += 1;
    }
    if !buf[slash..].starts_with(b"/>") {
        return None;
    }
    Some((key, &buf[v0..v1], slash + 1))
}

/// Scan one chunk (`base`: its offset in the XML) and feed its tags to `p`. The first chunk
/// (`p` at depth 0) opens the root; later ones start inside it.
pub(super) fn scan<'a>(buf: &[u8], base: u64, mut p: Parser<'a>) -> Result<Chunk<'a>, Declined> {
    let first = p.depth == 0;
    // The open elements of this chunk: where their names are in `buf`.
    let mut open: Vec<(usize, usize)> = Vec::with_capacity(8);
    let mut root_opened = None;
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &buf[i..]).map(|k| i + k) {
        let next = *buf.get(lt + 1).ok_or(Declined)?;
        let gt = match next {
            b'?' => {
                let end = lt + 2 + memchr::memmem::find(&buf[lt + 2..], b"?>").ok_or(Declined)?;
                i = end + 2;
                continue;
            }
            b'!' => {
                if !buf[lt..].starts_with(b"<!--") {
                    return Err(Declined); // CDATA, a document type: the exact path
                }
                let end = lt + 2 + memchr::memmem::find(&buf[lt + 2..], b"-->").ok_or(Declined)?;
                if end < lt + 4 {
                    return Err(Declined); // `<!-->`, `<!--->`
                }
                i = end + 3;
                continue;
            }
            b'/' => {
                let gt = lt + 2 + memchr::memchr(b'>', &buf[lt + 2..]).ok_or(Declined)?;
                let mut name = &buf[lt + 2..gt];
                while let [rest @ .., last] = name {
                    if !is_space(*last) {
                        break;
                    }
                    name = rest;
                }
                match open.pop() {
                    Some((s, l)) if &buf[s..s + l] == name => {}
                    Some(_) => return Err(Declined),
                    // Closes what an earlier chunk opened: only the root can be.
                    None if !first && p.depth == 1 => {
                        let pos = base + gt as u64 + 1;
                        p.step(Item::End { pos }, buf)?;
                        return Ok(Chunk {
                            parser: p,
                            root_opened,
                            root_closed: Some(name.to_vec()),
                        });
                    }
                    None => return Err(Declined),
                }
                if p.step(
                    Item::End {
                        pos: base + gt as u64 + 1,
                    },
                    buf,
                )?
                .is_some()
                {
                    // The root closed in the chunk that opened it.
                    return Ok(Chunk {
                        parser: p,
                        root_closed: root_opened.clone(),
                        root_opened,
                    });
                }
                gt
            }
            b => {
                if !starts_name(b) {
                    return Err(Declined);
                }
                if let Some((key, value, gt)) = plain_attribute(buf, lt + 1) {
                    // Depth 0 is the root's: the exact path says what is wrong there.
                    if p.depth == 0 {
                        return Err(Declined);
                    }
                    p.plain_attribute(key, value, base + gt as u64 + 1)?;
                    i = gt + 1;
                    continue;
                }
                let gt = tag_end(buf, lt + 1).ok_or(Declined)?;
                let content = &buf[lt + 1..gt];
                let empty = content.last() == Some(&b'/');
                let len = content.len() - usize::from(empty);
                let name_len = content[..len]
                    .iter()
                    .position(|&b| is_space(b))
                    .unwrap_or(len);
                if !empty {
                    if first && open.is_empty() && root_opened.is_none() {
                        root_opened = Some(content[..name_len].to_vec());
                    }
                    open.push((lt + 1, name_len));
                }
                let item = Item::Tag {
                    start: lt + 1,
                    len,
                    name_len,
                    empty,
                    pos: base + gt as u64 + 1,
                };
                if p.step(item, buf)?.is_some() {
                    return Err(Declined); // an empty root: the exact path
                }
                gt
            }
        };
        i = gt + 1;
    }
    // The chunk ends between two traces, inside the root.
    let expected_open = usize::from(first);
    if p.depth != 1 || p.in_trace || open.len() != expected_open || root_opened.is_none() && first {
        return Err(Declined);
    }
    Ok(Chunk {
        parser: p,
        root_opened,
        root_closed: None,
    })
}

/// Join the chunks' results in file order. `None` when the root never closed, or closed
/// with another name than it opened with (the exact path reports those).
pub(super) fn join<'a>(chunks: Vec<Chunk<'a>>) -> Result<Parser<'a>, Declined> {
    let mut chunks = chunks.into_iter();
    let first = chunks.next().ok_or(Declined)?;
    let root = first.root_opened.ok_or(Declined)?;
    let mut acc = first.parser;
    let mut closed = first.root_closed;
    // Room for every chunk's rows at once: growing by doubling copied the rows read so far
    // into fresh pages at each step, a third of the audit's page faults on a 31 MB log.
    let rest: Vec<Chunk<'a>> = chunks.collect();
    acc.reserve_for(rest.iter().map(|c| &c.parser));
    for c in rest {
        if closed.is_some() {
            break; // nothing after the root's end is read
        }
        acc.append(c.parser);
        closed = c.root_closed;
    }
    if closed.as_deref() != Some(&root[..]) {
        return Err(Declined);
    }
    acc.depth = 0;
    Ok(acc)
}

/// Read `src` (XML, already decompressed) in chunks parsed on `workers` threads; each chunk's
/// parser comes from `parser(first)`. `Err` when the fast path declines.
pub(super) fn parse_chunks<'a, R: Read>(
    mut src: R,
    parser: &(dyn Fn(bool) -> Parser<'a> + Sync),
    chunk_bytes: usize,
    workers: usize,
) -> Result<Parser<'a>, Declined> {
    let mut carry: Vec<u8> = Vec::new();
    let (first, ended) = next_chunk(&mut src, &mut carry, chunk_bytes, Vec::new())?;
    if ended {
        // A log of one chunk: this thread, no other.
        return join(vec![scan(&first, 0, parser(true))?]);
    }
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<(usize, u64, Vec<u8>)>(workers.max(1));
    let rx = Mutex::new(rx);
    let results: Mutex<Vec<(usize, Result<Chunk<'a>, Declined>)>> = Mutex::new(Vec::new());
    // Read buffers go back to the reading thread to be filled again: a fresh megabyte per
    // chunk cost more in page faults (the kernel clearing new pages) than decompressing it,
    // on the thread every worker waits for.
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    let count = std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            let (rx, results, stop) = (&rx, &results, &stop);
            let spare = spare_tx.clone();
            s.spawn(move || loop {
                let next = rx
                    .lock()
                    .map_err(|_| ())
                    .and_then(|r| r.recv().map_err(|_| ()));
                let Ok((n, at, bytes)) = next else { return };
                if stop.load(Ordering::Relaxed) {
                    continue;
                }
                let got = scan(&bytes, at, parser(n == 0));
                let _ = spare.send(bytes);
                if got.is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
                if let Ok(mut r) = results.lock() {
                    r.push((n, got));
                }
            });
        }
        let (mut n, mut base, mut bytes, mut ended) = (0, 0u64, first, false);
        let sent = loop {
            let len = bytes.len() as u64;
            if stop.load(Ordering::Relaxed) || tx.send((n, base, bytes)).is_err() {
                break Err(Declined);
            }
            n += 1;
            base += len;
            if ended {
                break Ok(n);
            }
            let reuse = spare_rx.try_recv().unwrap_or_default();
            match next_chunk(&mut src, &mut carry, chunk_bytes, reuse) {
                Ok((next, end)) => (bytes, ended) = (next, end),
                Err(e) => break Err(e),
            }
            if bytes.is_empty() {
                break Ok(n);
            }
        };
        // Dropping the sender ends the workers' loops once the queue is empty.
        drop(tx);
        sent
    })?;
    let mut got = results.into_inner().map_err(|_| Declined)?;
    got.sort_unstable_by_key(|(n, _)| *n);
    let mut chunks = Vec::with_capacity(count);
    for (k, (n, c)) in got.into_iter().enumerate() {
        if n != k {
            return Err(Declined);
        }
        chunks.push(c?);
    }
    join(chunks)
}

/// The next chunk of `src`, in `buf` (a used buffer, or a new one): what is carried over from
/// the last read, then at least `chunk_bytes` more bytes, cut after the last `</trace>` (the
/// rest is carried over); and whether the input has ended (then the chunk is the whole rest,
/// maybe empty). A read error declines.
fn next_chunk<R: Read>(
    src: &mut R,
    carry: &mut Vec<u8>,
    chunk_bytes: usize,
    mut buf: Vec<u8>,
) -> Result<(Vec<u8>, bool), Declined> {
    const END: &[u8] = b"</trace>";
    let need = carry.len() + chunk_bytes.max(1);
    if buf.capacity() < need {
        // Fresh (not `reserve`: that would copy the old contents), with room for the next
        // carry-over, so that a recycled buffer is filled in place.
        buf = Vec::with_capacity(need.max(2 * chunk_bytes));
    }
    buf.clear();
    buf.extend_from_slice(carry);
    carry.clear();
    let mut searched: usize = 0;
    loop {
        // Zeroed once per round, then filled by as many reads as it takes (zeroing the rest
        // before each read cost as much as the reads when a decoder returns small pieces).
        let mut filled = buf.len();
        let target = filled + chunk_bytes.max(1);
        buf.resize(target, 0);
        while filled < target {
            match src.read(&mut buf[filled..]) {
                Ok(0) => {
                    buf.truncate(filled);
                    return Ok((buf, true));
                }
                Ok(k) => filled += k,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Err(Declined),
            }
        }
        let from = searched.saturating_sub(END.len());
        if let Some(k) = memchr::memmem::rfind(&buf[from..], END) {
            let cut = from + k + END.len();
            carry.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
            return Ok((buf, false));
        }
        searched = buf.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `plain_attribute` on `<…>` (the bytes after `<` start at 1).
    fn plain(tag: &str) -> Option<(String, String, usize)> {
        plain_attribute(tag.as_bytes(), 1).map(|(k, v, gt)| {
            let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
            (text(k), text(v), gt)
        })
    }

    #[test]
    fn the_usual_attribute_tag_is_read_as_the_tag_scan_reads_it() {
        for tag in [
            r#"<string key="org:resource" value="Pete"/>"#,
            r#"<date key="time:timestamp" value="2012-01-01T10:00:00+01:00"/>"#,
            r#"<int key="n" value=""/>"#,
            r#"<boolean key="b" value="a &amp; b"/>"#,
            r#"<id key="k" value="x>y"/>"#,
            r#"<string key="org:resource" value="Value 2" />"#,
            "<string key=\"k\" value=\"v\"\t\n />",
        ] {
            let (key, value, gt) = plain(tag).unwrap_or_else(|| panic!("{tag}"));
            assert_eq!(gt, tag.len() - 1, "{tag}");
            // The general scan: the tag's bytes between `<` and `/>`, attributes after the name.
            let bytes = &tag.as_bytes()[1..tag.len() - 2];
            let name_len = bytes.iter().position(|&b| b == b' ').unwrap();
            let (k, v) = super::super::scan::key_and_value(bytes, name_len).unwrap();
            assert_eq!((k.unwrap(), v.unwrap()), (key.as_bytes(), value.as_bytes()));
        }
    }

    #[test]
    fn other_forms_take_the_general_scan() {
        for tag in [
            r#"<string value="v" key="k"/>"#,
            r#"<string key='k' value='v'/>"#,
            r#"<string  key="k" value="v"/>"#,
            r#"<string key="k" value="v" >"#,
            r#"<string key="k" value="v" / >"#,
            r#"<string key="k" value="v">"#,
            r#"<string key="k"/>"#,
            r#"<string key="concept&#58;name" value="v"/>"#,
            "<string key=\"k\u{e9}\" value=\"v\"/>",
            r#"<list key="k" value="v"/>"#,
            r#"<strings key="k" value="v"/>"#,
            r#"<string key="k" value="v"#,
            r#"<string key="k" value="v"  "#,
        ] {
            assert_eq!(plain(tag), None, "{tag}");
        }
    }

    #[test]
    fn chunks_are_cut_after_a_trace_and_carry_the_rest() {
        let xml = b"<log><trace>a</trace><trace>b</trace><trace>c";
        let mut src = &xml[..];
        let mut carry = Vec::new();
        let (first, ended) = next_chunk(&mut src, &mut carry, 25, Vec::new()).unwrap();
        assert_eq!((&first[..], ended), (&b"<log><trace>a</trace>"[..], false));
        // At the end of the input, the rest is the last chunk, cut or not.
        let (last, ended) = next_chunk(&mut src, &mut carry, 25, first).unwrap();
        assert_eq!((&last[..], ended), (&b"<trace>b</trace><trace>c"[..], true));
        let (none, ended) = next_chunk(&mut src, &mut carry, 25, last).unwrap();
        assert_eq!((none.len(), ended), (0, true));
        // Without a `</trace>` in the first bytes, reading goes on until there is one.
        let xml = b"<log><trace><string key=\"k\" value=\"long\"/></trace><trace>";
        let (mut src, mut carry) = (&xml[..], Vec::new());
        let (first, ended) = next_chunk(&mut src, &mut carry, 4, Vec::new()).unwrap();
        assert!(first.ends_with(b"</trace>") && !ended, "{first:?}");
        assert_eq!(first.len() + carry.len() + src.len(), xml.len());
        assert!(b"<trace>".starts_with(&carry), "{carry:?}");
    }
}
