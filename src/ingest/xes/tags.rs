//! Reading XML on one thread and building events on another.
//!
//! [`tokenise`] reads the input through quick-xml exactly as a one-thread parse does (the
//! same reader, configured the same way, over the same buffered source), and sends what the
//! event builder needs of each event — start and empty tags with their bytes, end tags, the
//! end of the input or the error — each with the reader's position after it, in batches over a
//! bounded channel. Text, comments and declarations are dropped there: the builder ignores
//! them. [`next_item`] is that reading step; the one-thread parse uses it too, so both see the
//! same items.
//!
//! Invariants:
//! - A tag's bytes are those quick-xml handed out (between `<` and `>`, without the `/` of an
//!   empty tag); [`Tag::to_xml`] writes it out again so that quick-xml reads the very same
//!   `BytesStart` once more (for its checked attribute iterator).
//! - Reading stops after the last item the builder can use: the end of the input, an error,
//!   or the root element's end (the same depth count as the builder's).
//! - Batches go back to the reading thread to be refilled, so a long input touches a handful
//!   of buffers; when the builder stops early and hangs up, reading stops at the next send.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;
use std::io::BufRead;
use std::sync::mpsc::{Receiver, SyncSender};

/// Items per batch at most (end tags carry no bytes).
const MAX_ITEMS: usize = 8192;

/// What the event builder needs of one XML event; `pos` is the reader's position after it.
#[derive(Debug)]
pub(super) enum Item {
    /// A start tag (`empty: false`) or an empty one: `len` bytes from `start` in the bytes of
    /// its batch, the first `name_len` of them its name.
    Tag {
        start: usize,
        len: usize,
        name_len: usize,
        empty: bool,
        pos: u64,
    },
    /// An end tag.
    End { pos: u64 },
    /// The end of the input.
    Eof { pos: u64 },
    /// A quick-xml error; `pos` is the reader's error position. Nothing follows it.
    Error { error: quick_xml::Error, pos: u64 },
}

impl Item {
    /// The position the item was read at.
    pub(super) fn pos(&self) -> u64 {
        match *self {
            Item::Tag { pos, .. } | Item::End { pos } | Item::Eof { pos } => pos,
            Item::Error { pos, .. } => pos,
        }
    }
}

/// Items, and the bytes of their tags.
#[derive(Debug, Default)]
pub(super) struct Batch {
    pub(super) bytes: Vec<u8>,
    pub(super) items: Vec<Item>,
}

/// A start or empty tag as quick-xml read it: its bytes between `<` and `>` (without the `/`
/// of an empty tag), whose first `name_len` bytes are its name.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tag<'b> {
    pub(super) bytes: &'b [u8],
    pub(super) name_len: usize,
    pub(super) empty: bool,
}

impl<'b> Tag<'b> {
    /// The tag of `item`, whose bytes are in `bytes`; `None` for other items.
    pub(super) fn of(item: &Item, bytes: &'b [u8]) -> Option<Tag<'b>> {
        match *item {
            Item::Tag {
                start,
                len,
                name_len,
                empty,
                ..
            } => Some(Tag {
                bytes: &bytes[start..start + len],
                name_len,
                empty,
            }),
            _ => None,
        }
    }

    /// The name without its namespace prefix (`xes:trace` → `trace`), as quick-xml's
    /// `local_name`.
    pub(super) fn local_name(&self) -> &'b [u8] {
        QName(&self.bytes[..self.name_len])
            .local_name()
            .into_inner()
    }

    /// The tag written out again, `<…>` or `<…/>`: quick-xml reads it as the same
    /// `BytesStart` (same bytes, same name) it first read.
    pub(super) fn to_xml(self) -> Vec<u8> {
        let mut xml = Vec::with_capacity(self.bytes.len() + 3);
        xml.push(b'<');
        xml.extend_from_slice(self.bytes);
        if self.empty {
            xml.push(b'/');
        }
        xml.push(b'>');
        xml
    }
}

/// What one read gave, before its bytes are trimmed.
enum Got {
    Tag {
        len: usize,
        name_len: usize,
        empty: bool,
    },
    End,
    Eof,
    Other,
    Error(quick_xml::Error),
}

impl Got {
    /// The summary of a tag event.
    fn tag(e: &BytesStart<'_>, empty: bool) -> Got {
        Got::Tag {
            len: e.len(),
            name_len: e.name().as_ref().len(),
            empty,
        }
    }
}

/// Read the next event, appending its bytes to `bytes`. Returns what the builder needs of it
/// (`None` for text, comments, declarations…, whose bytes are dropped again) and whether
/// reading stops after it: the end of the input, an error, or the root element closed
/// (`depth` counts the open elements, as the builder does).
pub(super) fn next_item<B: BufRead>(
    reader: &mut Reader<B>,
    bytes: &mut Vec<u8>,
    depth: &mut usize,
) -> (Option<Item>, bool) {
    let start = bytes.len();
    let got = match reader.read_event_into(bytes) {
        Ok(Event::Start(e)) => Got::tag(&e, false),
        Ok(Event::Empty(e)) => Got::tag(&e, true),
        Ok(Event::End(_)) => Got::End,
        Ok(Event::Eof) => Got::Eof,
        Ok(_) => Got::Other,
        Err(error) => Got::Error(error),
    };
    let pos = reader.buffer_position();
    match got {
        Got::Tag {
            len,
            name_len,
            empty,
        } => {
            bytes.truncate(start + len); // the `/` of an empty tag
            if !empty {
                *depth += 1;
            }
            let item = Item::Tag {
                start,
                len,
                name_len,
                empty,
                pos,
            };
            (Some(item), empty && *depth == 0)
        }
        Got::End => {
            bytes.truncate(start);
            *depth = depth.saturating_sub(1);
            (Some(Item::End { pos }), *depth == 0)
        }
        Got::Eof => (Some(Item::Eof { pos }), true),
        Got::Other => {
            bytes.truncate(start);
            (None, false)
        }
        Got::Error(error) => {
            let pos = reader.error_position();
            (Some(Item::Error { error, pos }), true)
        }
    }
}

/// Read `reader` up to its last useful item (see [`next_item`]; `depth` elements are open
/// already) and send the items in batches of about `batch_bytes` bytes. Batches that come
/// back on `spare` are refilled. Returns early when the receiver hangs up.
pub(super) fn tokenise<B: BufRead>(
    mut reader: Reader<B>,
    mut depth: usize,
    batch_bytes: usize,
    out: SyncSender<Batch>,
    spare: &Receiver<Batch>,
) {
    let mut batch = Batch::default();
    loop {
        let (item, last) = next_item(&mut reader, &mut batch.bytes, &mut depth);
        batch.items.extend(item);
        let full = batch.bytes.len() >= batch_bytes || batch.items.len() >= MAX_ITEMS;
        if last || full {
            if out.send(batch).is_err() || last {
                return;
            }
            batch = spare.try_recv().unwrap_or_default();
            batch.bytes.clear();
            batch.items.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{channel, sync_channel};

    /// What an item says, with its tag's bytes (not where they are in the batch).
    fn describe(item: &Item, bytes: &[u8]) -> String {
        match (Tag::of(item, bytes), item) {
            (Some(t), Item::Tag { pos, .. }) => format!("{t:?} at {pos}"),
            _ => format!("{item:?}"),
        }
    }

    fn reader(xml: &[u8]) -> Reader<&[u8]> {
        let mut r = Reader::from_reader(xml);
        r.config_mut().trim_text(true);
        r
    }

    /// Items read one at a time into a cleared buffer (the one-thread way).
    fn direct(xml: &[u8]) -> Vec<String> {
        let mut r = reader(xml);
        let (mut bytes, mut depth, mut out) = (Vec::new(), 0, Vec::new());
        loop {
            bytes.clear();
            let (item, last) = next_item(&mut r, &mut bytes, &mut depth);
            if let Some(item) = item {
                out.push(describe(&item, &bytes));
            }
            if last {
                return out;
            }
        }
    }

    /// Items sent in batches of `batch_bytes` to another thread.
    fn batched(xml: &[u8], batch_bytes: usize) -> Vec<String> {
        let (tx, rx) = sync_channel::<Batch>(2);
        let (spare_tx, spare_rx) = channel();
        std::thread::scope(|s| {
            let builder = s.spawn(move || {
                let mut out = Vec::new();
                for mut batch in rx.iter() {
                    for item in &batch.items {
                        out.push(describe(item, &batch.bytes));
                    }
                    batch.items.clear();
                    let _ = spare_tx.send(batch);
                }
                out
            });
            tokenise(reader(xml), 0, batch_bytes, tx, &spare_rx);
            builder.join().unwrap()
        })
    }

    const DOC: &str = "<?xml version=\"1.0\"?>\n<!-- c --><log a=\"1\">\n  <trace>text<string key=\"k\" value=\"v>w\"/>\n<x:event/><e  b='2' /></trace>\n<![CDATA[z]]><empty//></log>\n";

    #[test]
    fn batches_carry_the_items_of_a_direct_read() {
        let want = direct(DOC.as_bytes());
        assert_eq!(want.len(), 8, "{want:?}");
        assert!(want.last().unwrap().starts_with("End"), "{want:?}");
        for batch_bytes in [1, 7, 40, 64 * 1024] {
            assert_eq!(batched(DOC.as_bytes(), batch_bytes), want, "{batch_bytes}");
        }
        // Reading stops at the root's end: what follows is never read.
        let trailing = format!("{DOC}<junk");
        assert_eq!(batched(trailing.as_bytes(), 16), want);
        // An error is the last item, at quick-xml's error position.
        let bad = "<log><trace></trac></log>";
        let want = direct(bad.as_bytes());
        assert!(want.last().unwrap().starts_with("Error"), "{want:?}");
        assert_eq!(batched(bad.as_bytes(), 1), want);
        // The end of the input without the root's end.
        let cut = &DOC[..DOC.len() / 2];
        let want = direct(cut.as_bytes());
        assert!(
            want.last().unwrap().starts_with("Eof") || want.last().unwrap().starts_with("Error"),
            "{want:?}"
        );
        assert_eq!(batched(cut.as_bytes(), 5), want);
    }

    #[test]
    fn tags_are_read_back_as_the_same_bytes_start() {
        let tags: [&[u8]; 9] = [
            b"<string key=\"k\" value=\"v\"/>",
            b"<string key=\"k\" value=\"v\">",
            b"<a>",
            b"<a/>",
            b"<a b=\"1\"//>",
            b"<x:event\tb='>' c=\"'\" >",
            b"<string key=\"\xff\xfe\" value=\"\xc3\"/>",
            b"<a b=c d/>",
            b"<a  />",
        ];
        for xml in tags {
            let mut r = Reader::from_reader(xml);
            let (first, empty) = match r.read_event().unwrap() {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                other => panic!("{other:?}"),
            };
            let tag = Tag {
                bytes: &first,
                name_len: first.name().as_ref().len(),
                empty,
            };
            let again = tag.to_xml();
            let mut r = Reader::from_reader(&again[..]);
            let (second, empty_again) = match r.read_event().unwrap() {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                other => panic!("{other:?}"),
            };
            assert_eq!(&*first, &*second, "{:?}", String::from_utf8_lossy(xml));
            assert_eq!(first.name(), second.name());
            assert_eq!(empty, empty_again);
            assert_eq!(tag.local_name(), first.local_name().as_ref());
        }
    }

    #[test]
    fn reading_stops_when_the_builder_hangs_up() {
        let body: String = (0..10_000).map(|i| format!("<t n=\"{i}\"/>")).collect();
        let xml = format!("<log>{body}</log>");
        let (tx, rx) = sync_channel::<Batch>(1);
        let (_spare_tx, spare_rx) = channel();
        std::thread::scope(|s| {
            s.spawn(move || {
                let first = rx.recv().unwrap();
                assert!(!first.items.is_empty());
            });
            // Returns only because the builder hung up after one batch.
            tokenise(reader(xml.as_bytes()), 0, 64, tx, &spare_rx);
        });
    }
}
