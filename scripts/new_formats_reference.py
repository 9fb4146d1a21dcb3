#!/usr/bin/env python3
"""Independent reference figures for the Bugzilla and GitLab test files.

Reads the raw JSON of the files copied into tests/data/bugzilla/ and
tests/data/gitlab/ and writes tests/data/new_formats_reference.json, which
tests/new_formats.rs compares with flowaudit's output.

Python 3 standard library only; nothing from the project is imported, so the
figures do not share code (or bugs) with the Rust ingesters. The rules below
are the project's documented decisions, written out again from their text.

Run from anywhere:  python3 scripts/new_formats_reference.py

Output: {"bugzilla": {case: figures}, "gitlab": {case: figures}} where figures
are items / done / canceled / open counts and, per item id,
lead_time_seconds (done items only), finished (items ending terminal, done
or canceled), statuses (the status-name sequence) and assignee_changes.
Instants are written like chrono's to_rfc3339_opts(AutoSi, true): UTC with
"Z" and fractional digits only when non-zero (3 for milliseconds).
"""

import json
import os
import re
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = "tests/data/new_formats_reference.json"

BUGZILLA_CASES = {
    "search_and_histories": [
        "tests/data/bugzilla/bmo_rest_bug_search_ids_12345-12347.derived.json",
        "tests/data/bugzilla/bmo_rest_bug_12345_history.derived.json",
        "tests/data/bugzilla/bmo_rest_bug_91_history.derived.json",
    ],
    "docs_get_bug": [
        # Has a duplicate "flags" key; json keeps the last one, which is fine.
        "tests/data/bugzilla/bugzilla_docs_api_core_v1_bug.get_bug_response.derived.json",
    ],
}
GITLAB_CASES = {
    "devlake_issues": ["tests/data/gitlab/devlake__raw_gitlab_api_issues.derived.json"],
}

BZ_TERMINAL = {"RESOLVED", "VERIFIED", "CLOSED"}
BZ_CANCELED_RESOLUTIONS = {
    "WONTFIX", "INVALID", "DUPLICATE", "WORKSFORME", "INCOMPLETE", "EXPIRED",
    "MOVED", "INACTIVE", "NOTABUG", "INSUFFICIENT_DATA", "CANTFIX", "EOL",
    "DEFERRED", "NOTOURBUG", "OBSOLETE",
}

_TS = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(Z|[+-]\d{2}:?\d{2})$"
)


def parse_ts(text):
    """RFC 3339 instant -> aware UTC datetime (microsecond precision)."""
    m = _TS.match(text)
    if not m:
        raise ValueError("not an RFC 3339 instant: %r" % (text,))
    y, mo, d, h, mi, s, frac, zone = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=timezone.utc)
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        zh, zm = int(zone[1:3]), int(zone[-2:])
        dt -= sign * timedelta(hours=zh, minutes=zm)
    return dt


def fmt_ts(dt):
    """Like chrono's to_rfc3339_opts(SecondsFormat::AutoSi, true)."""
    base = dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    us = dt.microsecond
    if us == 0:
        return base + "Z"
    if us % 1000 == 0:
        return base + ".%03dZ" % (us // 1000)
    return base + ".%06dZ" % us


def seconds(delta, ndigits=None):
    total = delta.days * 86400 + delta.seconds + delta.microseconds / 1e6
    if delta.microseconds == 0:
        return delta.days * 86400 + delta.seconds  # whole seconds as an int
    return round(total, ndigits if ndigits is not None else 6)


def read_documents(rel):
    """All JSON documents of a file (one, or several concatenated)."""
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        text = f.read()
    dec = json.JSONDecoder()
    docs, pos = [], 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n\ufeff":
            pos += 1
        if pos >= len(text):
            break
        doc, pos = dec.raw_decode(text, pos)
        docs.append(doc)
    return docs


def empty_case():
    return {
        "items": 0, "done": 0, "canceled": 0, "open": 0,
        "lead_time_seconds": {}, "finished": {}, "statuses": {}, "assignee_changes": {},
    }


# --------------------------------------------------------------------------- Bugzilla

def bz_status_name(status, resolution):
    if status not in BZ_TERMINAL or resolution == "":
        return status
    return "%s (%s)" % (status, resolution)


def bz_category(status, resolution):
    if status not in BZ_TERMINAL:
        return "open"
    return "canceled" if resolution in BZ_CANCELED_RESOLUTIONS else "done"


def bugzilla_case(files):
    bugs = {}  # id -> merged bug fields
    histories = {}  # id -> list of entries, deduplicated
    seen = {}  # id -> set of dedup keys
    has_history = {}  # id -> whether any document gave a history for it
    order = []
    for rel in files:
        for doc in read_documents(rel):
            for bug in doc["bugs"]:
                bid = bug["id"]
                if bid not in bugs:
                    bugs[bid] = {}
                    histories[bid] = []
                    seen[bid] = set()
                    has_history[bid] = False
                    order.append(bid)
                for k, v in bug.items():
                    if k != "history":
                        bugs[bid][k] = v
                if "history" in bug:
                    has_history[bid] = True
                for entry in bug.get("history", []):
                    key = (entry["when"], entry["who"], json.dumps(entry["changes"], sort_keys=True))
                    if key in seen[bid]:
                        continue
                    seen[bid].add(key)
                    histories[bid].append(entry)

    out = empty_case()
    for bid in order:
        item = str(bid)
        bug = bugs[bid]
        hist = sorted(histories[bid], key=lambda e: parse_ts(e["when"]))  # stable

        changes = [c for e in hist for c in e["changes"]]
        first_status = next((c for c in changes if c["field_name"] == "status"), None)
        first_res = next((c for c in changes if c["field_name"] == "resolution"), None)
        status = first_status["removed"] if first_status else bug.get("status")
        resolution = first_res["removed"] if first_res else (bug.get("resolution") or "")

        if bug.get("creation_time"):
            created = parse_ts(bug["creation_time"])
        else:
            created = parse_ts(hist[0]["when"])

        name = bz_status_name(status, resolution)
        terminal = status in BZ_TERMINAL
        statuses = [name]
        finished = created if terminal else None
        no_history = not has_history[bid] and not hist
        if no_history and terminal:
            # The project's documented rule: a resolved bug without history is
            # "(no history)" until its resolution (cf_last_resolved, else last_change_time).
            at = bug.get("cf_last_resolved") or bug.get("last_change_time")
            statuses = ["(no history)", name]
            finished = max(created, parse_ts(at))
        for e in hist:
            for c in e["changes"]:
                if c["field_name"] == "status":
                    status = c["added"]
                elif c["field_name"] == "resolution":
                    resolution = c["added"]
            new_name = bz_status_name(status, resolution)
            new_terminal = status in BZ_TERMINAL
            if new_terminal and not terminal:
                finished = parse_ts(e["when"])
            if new_name != name:
                statuses.append(new_name)
            name, terminal = new_name, new_terminal

        outcome = bz_category(status, resolution)
        out["items"] += 1
        out[outcome] += 1
        out["statuses"][item] = statuses
        if outcome != "open":
            out["finished"][item] = fmt_ts(finished)
        if outcome == "done":
            out["lead_time_seconds"][item] = seconds(finished - created)
        out["assignee_changes"][item] = sum(
            1 for c in changes if c["field_name"] == "assigned_to" and c["added"] != c["removed"]
        )
    return out


# --------------------------------------------------------------------------- GitLab

def gitlab_case(files):
    issues = []
    for rel in files:
        for doc in read_documents(rel):
            issues.extend(doc if isinstance(doc, list) else [doc])

    out = empty_case()
    for issue in issues:
        item = issue["references"]["full"]
        created = parse_ts(issue["created_at"])
        state = issue["state"]
        if state == "closed":
            finished, outcome, statuses = parse_ts(issue["closed_at"]), "done", ["opened", "closed"]
        elif state == "merged":
            finished, outcome, statuses = parse_ts(issue["merged_at"]), "done", ["opened", "merged"]
        elif state == "opened":
            finished, outcome, statuses = None, "open", ["opened"]
        else:
            raise ValueError("%s: unknown state %r" % (item, state))
        out["items"] += 1
        out[outcome] += 1
        out["statuses"][item] = statuses
        if finished is not None:
            out["finished"][item] = fmt_ts(finished)
            out["lead_time_seconds"][item] = seconds(finished - created, 3)
        out["assignee_changes"][item] = max(0, len(issue.get("assignees") or []) - 1)
    return out


def main():
    ref = {
        "bugzilla": {case: bugzilla_case(files) for case, files in BUGZILLA_CASES.items()},
        "gitlab": {case: gitlab_case(files) for case, files in GITLAB_CASES.items()},
    }
    with open(os.path.join(ROOT, OUT), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(ref, sort_keys=True, indent=1) + "\n")

    print("wrote", OUT)
    for source, cases in ref.items():
        for case, r in cases.items():
            print("%s/%s: %d items, %d done, %d canceled, %d open" % (
                source, case, r["items"], r["done"], r["canceled"], r["open"]))
            for item in sorted(r["statuses"], key=lambda k: (len(k), k)):
                lead = r["lead_time_seconds"].get(item)
                print("  %-32s %-10s lead %-14s assignee changes %d  %s" % (
                    item,
                    r["finished"].get(item, "-")[:10],
                    "-" if lead is None else "%.3f d" % (lead / 86400),
                    r["assignee_changes"][item],
                    " -> ".join(r["statuses"][item]),
                ))


if __name__ == "__main__":
    main()
