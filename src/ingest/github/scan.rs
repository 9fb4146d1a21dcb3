//! Reading the documents of one file: JSON documents back to back, recorded octokit
//! exchanges, search results and lists are walked down to issue / pull request objects and
//! events, which are merged into the reader (an issue or event seen twice is kept once,
//! field by field; module docs of [`super`]).

use super::pagination::{next_links, url_path};
use super::shapes::{event_key, event_link, fill, graphql_nodes, issue_id, text};
use super::{Meta, Obj, RawEv, Reader};
use crate::error::{shown, IngestError, Location};
use crate::time::parse_instant;
use crate::warning::WarningKind;
use serde_json::Value;

/// What one file held.
#[derive(Default)]
struct Found {
    objects: usize,
    graphql: Option<usize>,
    paths: Vec<String>,
    next: Vec<String>,
}

impl Reader<'_> {
    pub(super) fn scan_file(&mut self, fi: usize, bytes: &[u8]) -> Result<(), IngestError> {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let (path, mut found) = (self.path(fi), Found::default());
        self.pos = 0;
        for doc in serde_json::Deserializer::from_slice(bytes).into_iter::<Value>() {
            let doc = doc.map_err(|e| IngestError::Malformed {
                path: path.clone(),
                record: Location::line_column(e.line(), e.column()),
                reason: format!(
                    "not valid JSON ({e}); give GitHub REST responses as saved \
                                 (`gh api --paginate` output is fine)"
                ),
            })?;
            self.walk(fi, doc, 0, &mut found);
        }
        let name = path.display();
        if let Some(n) = found.graphql {
            self.skip(
                fi,
                1,
                format!(
                    "{name}: GitHub GraphQL timeline page ({n} node(s)) \
                skipped: GraphQL `timelineItems` pages are not supported; export the REST \
                timeline (`gh api --paginate repos/OWNER/REPO/issues/N/timeline`) and the issue"
                ),
            );
        } else if found.objects == 0 {
            self.skip(
                fi,
                1,
                format!(
                    "{name}: no GitHub issue, pull request or event found \
                (an empty page?); the file was skipped"
                ),
            );
        }
        let recorded = |link: &&String| found.paths.iter().any(|p| url_path(link).ends_with(p));
        let missing: Vec<&String> = found.next.iter().filter(|l| !recorded(l)).collect();
        if let Some(first) = missing.first() {
            let msg = format!(
                "{name}: the recorded responses stop before the last page ({} \
                `Link: rel=\"next\"` page(s) not recorded, e.g. {}): items on them are missing; \
                record or export every page (`gh api --paginate`)",
                missing.len(),
                shown(first)
            );
            let kind = WarningKind::IncompletePagination;
            self.out.warnings.add(kind, missing.len() as u64, || msg);
        }
        Ok(())
    }

    fn walk(&mut self, fi: usize, v: Value, depth: u8, found: &mut Found) {
        let objects = match v {
            Value::Array(a) => a,
            o @ Value::Object(_) => vec![o],
            _ => return,
        };
        for v in objects {
            let Value::Object(mut o) = v else { continue };
            if depth < 2 && o.contains_key("scope") && o.contains_key("method") {
                // A recorded HTTP exchange (octokit fixtures, nock).
                found.paths.extend(text(&o, "path").map(str::to_string));
                found.next.extend(next_links(&o));
                let status = o.get("status").and_then(Value::as_u64);
                if let (true, Some(body)) = (
                    status.is_none_or(|s| (200..300).contains(&s)),
                    o.remove("response"),
                ) {
                    self.walk(fi, body, depth + 1, found);
                }
            } else if let Some(n) = graphql_nodes(&o) {
                *found.graphql.get_or_insert(0) += n;
            } else if depth < 2
                && o.contains_key("total_count")
                && o.get("items").is_some_and(Value::is_array)
            {
                if let Some(items) = o.remove("items") {
                    self.walk(fi, items, depth + 1, found);
                }
            } else if text(&o, "event").is_some() {
                found.objects += 1;
                self.add_event(fi, o);
            } else if let Some(id) = issue_id(&o) {
                found.objects += 1;
                self.add_issue(fi, id, o);
            }
        }
    }

    fn add_issue(&mut self, fi: usize, id: String, o: Obj) {
        self.pos += 1;
        if let Some(s) = self.file_items.get_mut(fi) {
            s.insert(id.clone());
        }
        let updated = text(&o, "updated_at").and_then(|s| parse_instant(s, self.ctx.tz).ok());
        let updated = updated.map(|x| x.0);
        match self.metas.get_mut(&id) {
            Some(m) if updated > m.updated => {
                let old = std::mem::replace(&mut m.obj, o);
                fill(&mut m.obj, old);
                m.updated = updated;
            }
            Some(m) => fill(&mut m.obj, o),
            None => {
                let at = (fi, self.pos);
                self.metas.insert(
                    id,
                    Meta {
                        obj: o,
                        updated,
                        at,
                    },
                );
            }
        }
    }

    fn add_event(&mut self, fi: usize, mut o: Obj) {
        let item = match o.remove("issue") {
            Some(Value::Object(i)) => issue_id(&i).inspect(|id| self.add_issue(fi, id.clone(), i)),
            _ => None,
        };
        let item = item.or_else(|| event_link(&o));
        self.pos += 1;
        let key = event_key(&o);
        let idx = match key.as_ref().and_then(|k| self.keys.get(k).copied()) {
            Some(i) => {
                if let Some(r) = self.events.get_mut(i) {
                    fill(&mut r.obj, o);
                    r.item = r.item.take().or(item);
                }
                i
            }
            None => {
                self.events.push(RawEv {
                    obj: o,
                    item,
                    at: (fi, self.pos),
                });
                let i = self.events.len() - 1;
                key.map(|k| self.keys.insert(k, i));
                i
            }
        };
        if let Some(v) = self.file_events.get_mut(fi) {
            v.push(idx);
        }
    }
}
