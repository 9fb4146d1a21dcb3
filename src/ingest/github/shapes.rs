//! Shapes of GitHub documents: field access on JSON objects, GitHub URLs, what identifies
//! an issue or pull request object, which item an event names, the identity of an event
//! across files, unmerged pull requests and GraphQL timeline pages.

use super::Obj;
use serde_json::Value;

/// A non-blank string field.
pub(super) fn text<'a>(o: &'a Obj, k: &str) -> Option<&'a str> {
    o.get(k)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// `login` of a user object.
pub(super) fn login(v: Option<&Value>) -> Option<String> {
    text(v?.as_object()?, "login").map(str::to_string)
}

/// Add the fields `other` has and `base` lacks.
pub(super) fn fill(base: &mut Obj, other: Obj) {
    for (k, v) in other {
        base.entry(k).or_insert(v);
    }
}

/// A GitHub URL split into repository, the segment after it and the number after that.
#[derive(Debug, PartialEq)]
pub(super) struct GhUrl {
    pub(super) repo: String,
    pub(super) kind: Option<String>,
    pub(super) number: Option<u64>,
}

/// Parse `https://api.github.com/repos/o/r/issues/5`, `https://host/api/v3/repos/o/r/…`
/// or `https://github.com/o/r/pull/5#…`. `/repositories/{id}/…` gives `None`.
pub(super) fn parse_url(u: &str) -> Option<GhUrl> {
    let rest = u.split_once("://").map_or(u, |x| x.1);
    let mut parts = rest.split(['#', '?']).next().unwrap_or("").split('/');
    let host = parts.next()?;
    let segs: Vec<&str> = parts.filter(|s| !s.is_empty()).collect();
    let start = match segs.as_slice() {
        ["repos", ..] if host.starts_with("api.") => 1,
        ["api", "v3", "repos", ..] => 3,
        _ if host.starts_with("api.") => return None,
        ["repositories" | "api", ..] => return None,
        _ => 0,
    };
    Some(GhUrl {
        repo: format!("{}/{}", segs.get(start)?, segs.get(start + 1)?),
        kind: segs.get(start + 2).map(|s| s.to_string()),
        number: segs.get(start + 3).and_then(|n| n.parse().ok()),
    })
}

/// `owner/repo#n` from an issue URL (`issues`, `pull`, `pulls`), if it names one.
pub(super) fn item_from_url(u: &str) -> Option<String> {
    let g = parse_url(u)?;
    let n = g.number?;
    matches!(g.kind.as_deref(), Some("issues" | "pull" | "pulls"))
        .then(|| format!("{}#{n}", g.repo))
}

/// The item id of an issue or pull request object; `None` for anything else.
pub(super) fn issue_id(o: &Obj) -> Option<String> {
    let n = match o.get("number")? {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    text(o, "created_at")?;
    let issue_link = ["html_url", "url", "issue_url"]
        .iter()
        .any(|k| text(o, k).and_then(item_from_url).is_some());
    if !issue_link && text(o, "repository_url").is_none() {
        return None;
    }
    let keys = ["repository_url", "html_url", "url", "issue_url"];
    let repo = keys.iter().find_map(|k| parse_url(text(o, k)?))?.repo;
    Some(format!("{repo}#{n}"))
}

/// The item an event names itself (without an `issue` object).
pub(super) fn event_link(o: &Obj) -> Option<String> {
    let own = |o: &Obj, keys: &[&str]| keys.iter().find_map(|k| item_from_url(text(o, k)?));
    own(o, &["issue_url", "pull_request_url"]).or_else(|| match text(o, "event")? {
        "commented" | "reviewed" => own(o, &["html_url"]),
        "line-commented" => {
            let c = o.get("comments")?.as_array()?.first()?.as_object()?;
            own(c, &["pull_request_url", "html_url"])
        }
        _ => None,
    })
}

/// The identity of an event across files: (`event`, id).
pub(super) fn event_key(o: &Obj) -> Option<(String, String)> {
    let name = text(o, "event")?;
    let first_comment = || o.get("comments")?.as_array()?.first()?.get("id");
    let id = match name {
        "committed" => o.get("sha"),
        "line-commented" => first_comment(),
        _ => o.get("id"),
    };
    let id = match id? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some((name.to_string(), id))
}

/// A pull request whose object says it was not merged (explicit null `merged_at`, or
/// `merged: false`). The 2012 `pull_request: {html_url: null}` is not a PR.
pub(super) fn known_unmerged_pr(o: &Obj) -> bool {
    let pr = o.get("pull_request").and_then(Value::as_object);
    let is_pr = pr.is_some_and(|p| text(p, "html_url").is_some() || text(p, "url").is_some())
        || o.contains_key("merged_at")
        || o.contains_key("merged")
        || text(o, "html_url").is_some_and(|u| u.contains("/pull/"))
        || text(o, "url").is_some_and(|u| u.contains("/pulls/"));
    let null_merge = |p: &Obj| p.get("merged_at").is_some_and(Value::is_null);
    let unmerged = null_merge(o) || pr.is_some_and(null_merge);
    is_pr && (unmerged || o.get("merged").and_then(Value::as_bool) == Some(false))
}

/// Number of nodes of a GraphQL `timelineItems` page, if `o` is one.
pub(super) fn graphql_nodes(o: &Obj) -> Option<usize> {
    fn find(v: &Value, depth: u8) -> Option<usize> {
        let o = v.as_object()?;
        if let Some(t) = o.get("timelineItems") {
            return Some(t.get("nodes").and_then(Value::as_array).map_or(0, Vec::len));
        }
        let deeper = depth.checked_sub(1)?;
        o.values().find_map(|x| find(x, deeper))
    }
    find(o.get("data")?, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let g = parse_url("https://ghe.example.com/api/v3/repos/o/r/pulls/3").unwrap();
        assert_eq!((g.repo.as_str(), g.number), ("o/r", Some(3)));
        assert_eq!(
            item_from_url("https://github.com/o/r/pull/4#discussion"),
            Some("o/r#4".into())
        );
        assert_eq!(
            item_from_url("https://api.github.com/repos/o/r/issues/events/5"),
            None
        );
        assert_eq!(
            parse_url("https://api.github.com/repositories/1/issues/2"),
            None
        );
        assert_eq!(
            item_from_url("https://api.github.com/repos/o/r/milestones/2"),
            None
        );
    }
}
