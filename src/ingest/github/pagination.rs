//! Pagination checks of recorded exchanges: the `Link: rel="next"` targets a recorded page
//! names, and the URL paths they are matched on against the recorded requests.

use super::Obj;
use serde_json::Value;

/// `rel="next"` targets of a recorded exchange's `Link` headers (`rawHeaders` pairs or a
/// `headers` object).
pub(super) fn next_links(o: &Obj) -> Vec<String> {
    let raw = o
        .get("rawHeaders")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let pairs = raw
        .chunks(2)
        .filter_map(|p| Some((p.first()?.as_str()?, p.get(1)?.as_str()?)));
    let named = o
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    let named = named.filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)));
    pairs
        .chain(named)
        .filter(|(k, _)| k.eq_ignore_ascii_case("link"))
        .flat_map(|(_, v)| v.split(','))
        .filter(|part| part.contains("rel=\"next\""))
        .filter_map(|part| Some(part.get(part.find('<')? + 1..part.find('>')?)?.to_string()))
        .collect()
}

/// The path and query of a URL (`https://api.github.com/x?y` → `/x?y`).
pub(super) fn url_path(u: &str) -> &str {
    match u.split_once("://") {
        Some((_, rest)) => rest.find('/').and_then(|i| rest.get(i..)).unwrap_or(""),
        None => u,
    }
}
