//! Wrappers and pages: each JSON document is classified (search / agile `issues` pages,
//! single issues, arrays of issues, `values` changelog pages, bulkfetch `issueChangeLogs`);
//! issues are joined by stable id into [`Acc`]s (the latest-fetched copy wins) and changelog
//! pages are queued as [`Pending`] for [`super::changelog`].

use super::changelog::Acc;
use super::values::{array_of, text, ts};
use super::State;
use super::{Copy, Pending, Target};
use crate::error::{shown, IngestError};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub(super) fn classify(
    doc: Value,
    path: &Path,
    fi: usize,
    record: &str,
    top: bool,
    st: &mut State,
) -> Result<(), IngestError> {
    let malformed = |reason: String| IngestError::Malformed {
        path: path.to_path_buf(),
        record: record.to_string().into(),
        reason,
    };
    match doc {
        Value::Array(items) if top => {
            for (i, v) in items.into_iter().enumerate() {
                classify(
                    v,
                    path,
                    fi,
                    &format!("{record} element {}", i + 1),
                    false,
                    st,
                )?;
            }
            Ok(())
        }
        Value::Object(mut o) => {
            if let Some(issues) = o.remove("issues") {
                let names = names_map(o.get("names"));
                let Value::Array(issues) = issues else {
                    return Err(malformed("`issues` is not an array".into()));
                };
                for (i, issue) in issues.into_iter().enumerate() {
                    add_issue(
                        issue,
                        &names,
                        path,
                        fi,
                        &format!("{record} issue {}", i + 1),
                        st,
                    )?;
                }
                Ok(())
            } else if let Some(logs) = o.remove("issueChangeLogs") {
                let Value::Array(logs) = logs else {
                    return Err(malformed("`issueChangeLogs` is not an array".into()));
                };
                for (i, log) in logs.into_iter().enumerate() {
                    let rec = format!("{record} issueChangeLogs {}", i + 1);
                    let id = match log.get("issueId") {
                        Some(Value::String(s)) if !s.is_empty() => s.clone(),
                        Some(Value::Number(n)) => n.to_string(),
                        other => {
                            return Err(IngestError::BadValue {
                                path: path.to_path_buf(),
                                record: rec.into(),
                                field: "issueId".into(),
                                value: shown(&other.map(Value::to_string).unwrap_or_default()),
                                reason: "a bulkfetch entry needs the issue id it belongs to".into(),
                            })
                        }
                    };
                    let histories = array_of(&log, "changeHistories");
                    st.pending.push(Pending {
                        target: Target::Id(id),
                        histories,
                        total: None,
                        file: fi,
                        record: rec,
                    });
                }
                Ok(())
            } else if let Some(values) = o.get("values") {
                let Value::Array(values) = values else {
                    return Err(malformed("`values` is not an array".into()));
                };
                let target = o
                    .get("self")
                    .and_then(Value::as_str)
                    .and_then(issue_in_url)
                    .map_or(Target::FileName, Target::IdOrKey);
                st.pending.push(Pending {
                    target,
                    histories: values.clone(),
                    total: o.get("total").and_then(Value::as_u64),
                    file: fi,
                    record: record.to_string(),
                });
                Ok(())
            } else if o.contains_key("fields") || (o.contains_key("key") && o.contains_key("id")) {
                add_issue(Value::Object(o), &BTreeMap::new(), path, fi, record, st)
            } else {
                Err(malformed(
                    "not a Jira response: expected `issues` (search, agile), `values` (changelog \
                     page), `issueChangeLogs` (bulkfetch), an issue with `fields`, or an array \
                     of issues"
                        .into(),
                ))
            }
        }
        _ => Err(malformed(
            "not a Jira response (expected a JSON object or an array of issues)".into(),
        )),
    }
}

fn names_map(v: Option<&Value>) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    if let Some(Value::Object(o)) = v {
        for (k, v) in o {
            if let Some(s) = v.as_str() {
                m.insert(k.clone(), s.to_string());
            }
        }
    }
    m
}

/// The `{idOrKey}` of `…/issue/{idOrKey}/changelog…`.
fn issue_in_url(url: &str) -> Option<String> {
    let at = url.find("/issue/")?;
    let rest = url.get(at + "/issue/".len()..)?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let s = rest.get(..end)?.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn add_issue(
    issue: Value,
    names: &BTreeMap<String, String>,
    path: &Path,
    fi: usize,
    record: &str,
    st: &mut State,
) -> Result<(), IngestError> {
    let id = text(issue.get("id"));
    let key = text(issue.get("key"));
    let has_fields = matches!(issue.get("fields"), Some(Value::Object(_)));
    let (Some(id), Some(key), true) = (id.clone(), key.clone(), has_fields) else {
        let what = key.or(id).unwrap_or_else(|| "?".into());
        return Err(IngestError::Malformed {
            path: path.to_path_buf(),
            record: format!("{record} (issue {what:?})").into(),
            reason: "the issue has no `id`, `key` or `fields`: the Cloud /search/jql endpoint \
                     returns only ids unless fields are requested; re-fetch with \
                     fields=*all&expand=changelog"
                .into(),
        });
    };
    let rec = format!("issue {key:?}");
    let updated = match issue.pointer("/fields/updated").and_then(Value::as_str) {
        Some(s) => Some(ts(
            s,
            path,
            &rec,
            "fields.updated",
            (&mut st.local_ts, st.tz),
        )?),
        None => None,
    };
    let histories = issue
        .pointer("/changelog/histories")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let total = issue.pointer("/changelog/total").and_then(Value::as_u64);
    let copy = Copy {
        key,
        updated,
        file: fi,
        issue,
        names: names.clone(),
    };
    match st.accs.get_mut(&id) {
        Some(acc) => {
            if copy.updated >= acc.latest.updated {
                acc.latest = copy;
            }
            acc.add_histories(&histories, total, fi);
        }
        None => {
            let mut acc = Acc {
                latest: copy,
                histories: Vec::new(),
                seen: BTreeSet::new(),
                total: None,
                files: BTreeSet::new(),
            };
            acc.add_histories(&histories, total, fi);
            st.order.push(id.clone());
            st.accs.insert(id, acc);
        }
    }
    Ok(())
}
