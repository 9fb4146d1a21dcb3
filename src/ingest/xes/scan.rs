//! The fast path for the attributes of a typed XES attribute tag
//! (`<string key="org:resource" value="Pete"/>`).
//!
//! A log has a dozen such tags per event, most of them for keys no field uses. quick-xml's
//! checked attribute iterator allocates a list of names per tag (to find duplicates) and steps
//! through the bytes one at a time. [`key_and_value`] scans the same syntax in one pass,
//! allocating nothing, and gives up on anything unusual.
//!
//! Invariant: when it returns `Some`, quick-xml's checked iterator over the same tag yields no
//! error and the same raw `key` and `value` attributes. It returns `None` for every tag that
//! iterator rejects (and for a few odd forms it accepts: space around `=`, a name starting
//! with `=`, more than [`MAX_ATTRIBUTES`] attributes), so the caller takes the checked path and
//! reports exactly what it always did.

/// More attributes than this take the checked path (XES attribute tags have two).
const MAX_ATTRIBUTES: usize = 8;

/// XML whitespace as quick-xml defines it.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\r' | b'\n' | b'\t')
}

/// The raw (still escaped) values of a tag's `key` and `value` attributes, when present.
pub(super) type KeyValue<'t> = (Option<&'t [u8]>, Option<&'t [u8]>);

/// The raw (still escaped) values of the `key` and `value` attributes of `tag` — a tag's bytes
/// as quick-xml hands them out: without `<`, `>` and the `/` of an empty tag — whose
/// attributes start at byte `from` (the end of the tag's name). `None` when the fast path does
/// not apply (see the module's invariant).
pub(super) fn key_and_value(tag: &[u8], from: usize) -> Option<KeyValue<'_>> {
    let none: &[u8] = &[];
    let mut names = [none; MAX_ATTRIBUTES];
    let mut count = 0;
    let (mut key, mut value) = (None, None);
    let mut i = from;
    loop {
        while tag.get(i).is_some_and(|&b| is_space(b)) {
            i += 1;
        }
        if i >= tag.len() {
            return Some((key, value));
        }
        // The name runs to `=`: space before the `=`, or a name that starts with one, takes
        // the checked path.
        let eq = i + tag[i..].iter().position(|&b| b == b'=' || is_space(b))?;
        if eq == i || tag[eq] != b'=' {
            return None;
        }
        let name = &tag[i..eq];
        let quote = *tag.get(eq + 1)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let start = eq + 2;
        // Values are short: a plain loop beats `memchr`'s set-up here.
        let end = start + tag[start..].iter().position(|&b| b == quote)?;
        if count == MAX_ATTRIBUTES || names[..count].contains(&name) {
            return None;
        }
        names[count] = name;
        count += 1;
        match name {
            b"key" => key = Some(&tag[start..end]),
            b"value" => value = Some(&tag[start..end]),
            _ => {}
        }
        i = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::events::{BytesStart, Event};
    use quick_xml::Reader;

    type Pair = (Option<Vec<u8>>, Option<Vec<u8>>);

    /// The first tag of `xml`, when quick-xml reads one.
    fn tag(xml: &str) -> Option<BytesStart<'_>> {
        match Reader::from_str(xml).read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => Some(e),
            _ => None,
        }
    }

    /// What the checked path finds: `None` when quick-xml's iterator reports an error.
    fn checked(e: &BytesStart<'_>) -> Option<Pair> {
        let (mut key, mut value) = (None, None);
        for a in e.attributes() {
            let a = a.ok()?;
            match a.key.0 {
                b"key" => key = Some(a.value.to_vec()),
                b"value" => value = Some(a.value.to_vec()),
                _ => {}
            }
        }
        Some((key, value))
    }

    fn fast(e: &BytesStart<'_>) -> Option<Pair> {
        let bytes: &[u8] = e;
        key_and_value(bytes, e.name().as_ref().len())
            .map(|(k, v)| (k.map(<[u8]>::to_vec), v.map(<[u8]>::to_vec)))
    }

    /// The invariant on one tag; returns whether the fast path applied.
    fn agrees(xml: &str) -> bool {
        let Some(e) = tag(xml) else { return false };
        let (fast, checked) = (fast(&e), checked(&e));
        if let Some(f) = &fast {
            assert_eq!(Some(f), checked.as_ref(), "{xml:?}");
        }
        fast.is_some()
    }

    fn pair(k: Option<&str>, v: Option<&str>) -> Option<Pair> {
        let b = |s: &str| s.as_bytes().to_vec();
        Some((k.map(b), v.map(b)))
    }

    #[test]
    fn common_forms_take_the_fast_path() {
        for (xml, want) in [
            (
                r#"<string key="org:resource" value="Pete"/>"#,
                pair(Some("org:resource"), Some("Pete")),
            ),
            (
                "<date\tvalue='2024-01-01' key='time:timestamp' >",
                pair(Some("time:timestamp"), Some("2024-01-01")),
            ),
            (r#"<string key="a"/>"#, pair(Some("a"), None)),
            (r#"<string/>"#, pair(None, None)),
            (
                r#"<string key="a" value="x>'y" extra="&amp;"/>"#,
                pair(Some("a"), Some("x>'y")),
            ),
            (r#"<string key="a"value="b"/>"#, pair(Some("a"), Some("b"))),
            (
                r#"<string key="R&amp;D" value="&lt;"/>"#,
                pair(Some("R&amp;D"), Some("&lt;")),
            ),
            (r#"<string key="" value=""/>"#, pair(Some(""), Some(""))),
        ] {
            let e = tag(xml).unwrap();
            assert_eq!(fast(&e), want, "{xml:?}");
            assert!(agrees(xml), "{xml:?}");
        }
    }

    #[test]
    fn unusual_or_malformed_tags_take_the_checked_path() {
        for xml in [
            r#"<string key = "a" value="b"/>"#,
            r#"<string key="a" key="b"/>"#,
            r#"<string key=a value="b"/>"#,
            r#"<string key="a" =value="b"/>"#,
            r#"<string key="a" value="b" flag/>"#,
            r#"<string key="a" value=/>"#,
            r#"<string a="1" b="2" c="3" d="4" e="5" f="6" g="7" key="k" value="v"/>"#,
        ] {
            assert!(!agrees(xml), "{xml:?}");
        }
    }

    #[test]
    fn random_tags_agree_with_quick_xml() {
        const ALPHABET: &[u8] = b" \t=\"'kvy=\"'aluex&;";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut fast_paths = 0;
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let mut body = String::from(" key=\"a\" value='b'");
            for _ in 0..len {
                body.push(ALPHABET[(next() % ALPHABET.len() as u64) as usize] as char);
            }
            let xml = format!("<string{body}/>");
            if agrees(&xml) {
                fast_paths += 1;
            }
        }
        assert!(fast_paths > 100, "{fast_paths}");
    }
}
