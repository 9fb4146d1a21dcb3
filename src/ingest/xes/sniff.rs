//! Is a file an XES log? Content sniffing for format detection, from its first bytes.

use super::GZIP_MAGIC;
use std::path::Path;

/// Content sniffing for format detection: true when the first bytes (after an optional BOM,
/// whitespace, XML declaration, comments and DOCTYPE) open a `<log` root element that is not
/// an OCEL 2.0 XML log; also true when the bytes start with gzip magic and the file name ends
/// with `.xes.gz`. When `head` ends before the root element, the extension decides.
pub fn looks_like_xes(head: &[u8], path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if head.starts_with(&GZIP_MAGIC) {
        return name.ends_with(".xes.gz");
    }
    let by_extension = name.ends_with(".xes") || name.ends_with(".xes.gz");
    let s = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(s) = skip_prolog(s) else {
        return by_extension;
    };
    if s.len() < 4 && b"<log".starts_with(s) {
        return by_extension; // `head` ends before the root element's name
    }
    let Some(rest) = s.strip_prefix(b"<log") else {
        return false;
    };
    match rest.first() {
        None => return by_extension,
        Some(&c) if c.is_ascii_whitespace() || c == b'>' || c == b'/' => {}
        Some(_) => return false,
    }
    // OCEL 2.0 XML also has a `<log>` root: look at its first child.
    let Some(gt) = rest.iter().position(|&c| c == b'>') else {
        return true;
    };
    let Some(child) = skip_prolog(&rest[gt + 1..]) else {
        return true;
    };
    !["<object-types", "<objects", "<event-types", "<events"]
        .iter()
        .any(|t| child.starts_with(t.as_bytes()))
}

/// Skip whitespace, `<?…?>`, `<!--…-->` and `<!DOCTYPE …>`; `None` when `s` ends inside them.
fn skip_prolog(mut s: &[u8]) -> Option<&[u8]> {
    loop {
        let start = s
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .unwrap_or(s.len());
        s = &s[start..];
        let end = if let Some(rest) = s.strip_prefix(b"<?") {
            find(rest, b"?>")? + 4
        } else if let Some(rest) = s.strip_prefix(b"<!--") {
            find(rest, b"-->")? + 7
        } else if s.len() >= 9 && s[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
            // An internal subset `[...]` may hold `>` characters.
            let open = s.iter().position(|&c| c == b'[' || c == b'>')?;
            if s[open] == b'[' {
                let close = open + find(&s[open..], b"]")?;
                close + find(&s[close..], b">")? + 1
            } else {
                open + 1
            }
        } else {
            return Some(s);
        };
        s = s.get(end..)?;
    }
}

/// Position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
