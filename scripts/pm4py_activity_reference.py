#!/usr/bin/env python3
"""Independent pm4py reference numbers for real public process-mining logs.

Run with the pm4py venv (scripts/setup_pm4py_venv.sh):
    nice /root/.venvs/pm4py/bin/python scripts/pm4py_activity_reference.py
Writes tests/data/pm4py_activity_reference.json (per log: cases, events, whether the log has
lifecycle start events, and every case's duration in seconds), which tests/activity_logs.rs
compares flowaudit's activity-log reading with.

"Activity log" reading being checked: a case starts at its first event and
finishes at its last one; cycle time = case duration = max(ts) - min(ts).

Per log:
  cases, events, distinct activities, top activities (by event count),
  case_durations {case_id: seconds}      pm4py get_cases_description (timestamp_key only)
  case_durations_interval (interval logs) same, with START_TIMESTAMP_KEY = start column
  cross-checks: pm4py.get_all_case_durations (sorted list) and a plain pandas max-min,
  lifecycle:transition values and has_start_events,
  handover of work (pm4py.discover_handover_of_work_network, beta=0) when a resource
  column exists: pm4py's normalised values plus raw counts recomputed with pandas
  (consecutive events of a case, in pm4py's event order) and checked against pm4py.
"""
import json
import math
import os
import sys
import traceback
import warnings
from collections import Counter

warnings.filterwarnings("ignore")
os.environ.setdefault("PM4PY_DISABLE_BANNER", "1")

import pandas as pd  # noqa: E402
import pm4py  # noqa: E402
from pm4py.statistics.traces.generic.pandas import case_statistics  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_XES = os.path.join(ROOT, "tests/data/xes")
HERE = os.path.join(ROOT, "tests/data/csv")

CASE, ACT, TS = "case:concept:name", "concept:name", "time:timestamp"

# ---------------------------------------------------------------- log specs
# kind "xes": pm4py.read_xes(path)
# kind "csv": pandas.read_csv(**read) then pm4py.format_dataframe(**fmt)
LOGS = [
    dict(name="repo:running-example.xes", kind="xes", path=f"{REPO_XES}/running-example.xes",
         resource="org:resource"),
    dict(name="repo:roadtraffic100traces.xes", kind="xes", path=f"{REPO_XES}/roadtraffic100traces.xes",
         resource="org:resource"),
    dict(name="repo:helpdesk.xes.gz", kind="xes", path=f"{REPO_XES}/helpdesk.xes.gz",
         resource="org:resource"),
    dict(name="repo:bpic2013_open_problems.xes.gz", kind="xes",
         path=f"{REPO_XES}/bpic2013_open_problems.xes.gz", resource="org:resource"),
    dict(name="repo:bpic2013_closed_problems.xes.gz", kind="xes",
         path=f"{REPO_XES}/bpic2013_closed_problems.xes.gz", resource="org:resource"),
    dict(name="running-example.csv", kind="csv", path=f"{HERE}/running-example.csv",
         read=dict(sep=",", index_col=0, dtype={"org:resource": str}),
         fmt=dict(case_id=CASE, activity_key=ACT, timestamp_key=TS),
         ts_format="ISO 'YYYY-MM-DD HH:MM:SS+01:00' (pandas inference)",
         resource="org:resource"),
    dict(name="roadtraffic100traces.csv", kind="csv", path=f"{HERE}/roadtraffic100traces.csv",
         read=dict(sep=",", index_col=0, dtype={"org:resource": str}),
         fmt=dict(case_id=CASE, activity_key=ACT, timestamp_key=TS),
         ts_format="ISO 'YYYY-MM-DD HH:MM:SS+01:00/+02:00' (pandas inference)",
         resource="org:resource"),
    dict(name="mobis_challenge_log_2019_snippet.csv", kind="csv",
         path=f"{HERE}/mobis_challenge_log_2019_snippet.csv",
         read=dict(sep=";", dtype={"case": str, "org:resource": str}),
         fmt=dict(case_id="case", activity_key="activity", timestamp_key="end",
                  start_timestamp_key="start", timest_format="%d.%m.%Y %H:%M"),
         ts_format="%d.%m.%Y %H:%M, no zone; 'start' and 'end' per row (interval log)",
         start_col="start", resource="org:resource"),
    dict(name="aea_jira_anon_EXCERPT_first134rows.csv", kind="csv",
         path=f"{HERE}/aea_jira_anon_EXCERPT_first134rows.csv",
         read=dict(sep=",", index_col=0),
         fmt=dict(case_id="ticket", activity_key="Status", timestamp_key="date_updated",
                  timest_format="%Y-%m-%d"),
         ts_format="%Y-%m-%d (date only, no zone); rows newest-first",
         start_col="date_created", resource=None),
    dict(name="sepsis_val_EXCERPT_first13cases.csv", kind="csv",
         path=f"{HERE}/sepsis_val_EXCERPT_first13cases.csv",
         read=dict(sep=",", dtype={"case:concept:name": str}),
         fmt=dict(case_id=CASE, activity_key=ACT, timestamp_key=TS),
         ts_format="ISO 'YYYY-MM-DD HH:MM:SS+00:00' (pandas inference)",
         resource="org:group"),
]


def _num(x):
    if x is None:
        return None
    x = float(x)
    return int(x) if x.is_integer() else x


def durations(df, ts_col):
    """pm4py per-case durations. NB: pm4py takes the first and the last row of each
    case in dataframe order (groupby first/last), i.e. max-min only when the frame is
    sorted (format_dataframe sorts; read_xes keeps file order)."""
    params = {
        case_statistics.Parameters.CASE_ID_KEY: CASE,
        case_statistics.Parameters.TIMESTAMP_KEY: ts_col,
    }
    desc = case_statistics.get_cases_description(df, parameters=params)
    return {str(k): _num(v["caseDuration"]) for k, v in desc.items()}


def pandas_durations(df, ts_col, start_col=None):
    g = df.groupby(CASE)
    lo = g[start_col or ts_col].min()
    hi = g[ts_col].max()
    return {str(k): _num((hi[k] - lo[k]).total_seconds()) for k in hi.index}


def handover(df_all, res_col):
    """Policy: events without a resource are dropped first (pm4py 2.7 raises a TypeError
    sorting mixed str/NaN resources, or counts 'nan' as a resource when the column is
    numeric). Self-handovers (a -> a) are kept, as pm4py keeps them."""
    out = {"resource_key": res_col,
           "policy": "events with missing resource dropped; resource as string; "
                     "pairs = consecutive remaining events of a case in dataframe order; self pairs kept"}
    missing = int(df_all[res_col].isna().sum())
    df = df_all.dropna(subset=[res_col]).copy()
    df[res_col] = df[res_col].astype(str)
    if not (df.groupby(CASE).size() > 1).any():
        out.update({"pm4py_pairs": 0, "pm4py_values_normalised": {}, "counts_consecutive_pairs": {},
                    "total_handovers_including_self": 0, "counts_match_pm4py_ratios": None,
                    "missing_resource_events": missing, "distinct_resources": int(df[res_col].nunique()),
                    "note": "no case has two events with a resource; pm4py 2.7 raises ValueError "
                            "(zero-size array) here, so no pm4py call"})
        return out
    sna = pm4py.discover_handover_of_work_network(
        df, beta=0, resource_key=res_col, timestamp_key=TS, case_id_key=CASE)
    vals = {f"{a} -> {b}": v for (a, b), v in sna.connections.items()}
    # raw counts, same event order as pm4py (dataframe order after formatting)
    cnt = Counter()
    for _, g in df.groupby(CASE, sort=False):
        r = [x for x in g[res_col].tolist()]
        for a, b in zip(r, r[1:]):
            cnt[(a, b)] += 1
    cnt_all = dict(cnt)
    # pm4py builds resource "variants" per case; report what it does with missing resources
    total = sum(cnt_all.values())
    counts = {f"{a} -> {b}": n for (a, b), n in sorted(cnt_all.items(), key=lambda kv: (-kv[1], str(kv[0])))}
    agree = None
    if total:
        ok = all(
            abs(vals.get(f"{a} -> {b}", 0.0) - n / total) < 1e-9
            for (a, b), n in cnt_all.items()
        ) and len(vals) == len(cnt_all)
        agree = ok
    out.update({
        "pm4py_pairs": len(vals),
        "pm4py_values_normalised": dict(sorted(vals.items(), key=lambda kv: -kv[1])),
        "counts_consecutive_pairs": counts,
        "total_handovers_including_self": total,
        "counts_match_pm4py_ratios": agree,
        "missing_resource_events": missing,
        "distinct_resources": int(df[res_col].nunique()),
    })
    return out


def load(spec):
    if spec["kind"] == "xes":
        df = pm4py.read_xes(spec["path"])
        how = f"pm4py.read_xes({os.path.basename(spec['path'])!r})"
    else:
        raw = pd.read_csv(spec["path"], **spec["read"])
        ts = pd.to_datetime(raw[spec["fmt"]["timestamp_key"]], format=spec["fmt"].get("timest_format"), utc=True)
        spec["_file_order_backwards"] = int(
            (ts.groupby(raw[spec["fmt"]["case_id"]], sort=False).diff().dt.total_seconds() < 0).sum())
        spec["_case_blocks_contiguous"] = bool(
            raw[spec["fmt"]["case_id"]].ne(raw[spec["fmt"]["case_id"]].shift()).sum()
            == raw[spec["fmt"]["case_id"]].nunique())
        df = pm4py.format_dataframe(raw.copy(), **spec["fmt"])
        how = (f"pandas.read_csv({spec['read']}) ; pm4py.format_dataframe(df, "
               + ", ".join(f"{k}={v!r}" for k, v in spec["fmt"].items()) + ")")
        start_col = spec.get("start_col")
        if start_col and start_col in df.columns and not pd.api.types.is_datetime64_any_dtype(df[start_col]):
            df[start_col] = pd.to_datetime(df[start_col], format=spec["fmt"].get("timest_format"), utc=True)
    return df, how


def describe(spec):
    rec = {"path": spec["path"], "size_bytes": os.path.getsize(spec["path"])}
    df, how = load(spec)
    rec["read_with"] = how
    if spec.get("ts_format"):
        rec["timestamp_format"] = spec["ts_format"]
    rec["cases"] = int(df[CASE].nunique())
    rec["events"] = int(len(df))
    acts = df[ACT].value_counts()
    rec["activities"] = int(len(acts))
    rec["top_activities"] = {str(k): int(v) for k, v in acts.head(10).items()}
    ev_per_case = df.groupby(CASE).size()
    rec["events_per_case"] = {"min": int(ev_per_case.min()), "max": int(ev_per_case.max()),
                              "mean": round(float(ev_per_case.mean()), 4)}
    rec["case_events"] = {str(k): int(v) for k, v in ev_per_case.items()}
    if "lifecycle:transition" in df.columns:
        lc = df["lifecycle:transition"].astype(str).value_counts()
        rec["lifecycle_values"] = {str(k): int(v) for k, v in lc.items()}
        rec["has_start_events"] = bool(any(str(k).lower() == "start" for k in lc.index))
    else:
        rec["lifecycle_values"] = None
        rec["has_start_events"] = False
    start_col = spec.get("start_col")
    rec["start_column"] = start_col
    ts_ok = pd.api.types.is_datetime64_any_dtype(df[TS])
    rec["timestamps_parsed"] = bool(ts_ok)
    if not ts_ok:
        rec["note"] = "time:timestamp is not a date in this file; no durations"
        rec["timestamp_values"] = {str(k): int(v) for k, v in df[TS].astype(str).value_counts().items()}
        return rec
    rec["first_timestamp"] = str(df[TS].min())
    rec["last_timestamp"] = str(df[TS].max())
    d = durations(df, TS)
    rec["case_durations"] = dict(sorted(d.items()))
    rec["case_durations_meaning"] = ("pm4py get_cases_description caseDuration: last event - first event "
                                     "of the case in dataframe order, seconds")
    plain = df.copy()
    plain.attrs = {}  # pm4py.get_all_case_durations breaks on a start_timestamp attr it never fills
    allsorted = pm4py.get_all_case_durations(plain, activity_key=ACT, timestamp_key=TS, case_id_key=CASE)
    rec["check_get_all_case_durations_matches"] = sorted(d.values()) == [_num(x) for x in allsorted]
    pdur = pandas_durations(df, TS)
    rec["check_pandas_max_minus_min_matches"] = pdur == d
    if pdur != d:
        diff = {k: {"pm4py_first_last_row": d.get(k), "max_minus_min": v}
                for k, v in pdur.items() if d.get(k) != v}
        rec["cases_where_file_order_differs_from_time_order"] = diff
        rec["case_durations_max_minus_min"] = dict(sorted(pdur.items()))
    if "_file_order_backwards" in spec:
        rec["csv_file_rows_going_back_in_time_within_case"] = spec["_file_order_backwards"]
        rec["csv_file_case_rows_contiguous"] = spec["_case_blocks_contiguous"]
    rec["events_out_of_time_order_within_case"] = int(
        (df.groupby(CASE, sort=False)[TS].diff().dt.total_seconds() < 0).sum())
    vals = sorted(d.values())
    n = len(vals)
    rec["duration_summary_seconds"] = {
        "min": vals[0], "max": vals[-1],
        "median": _num(vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2),
        "mean": round(sum(vals) / n, 3), "sum": _num(sum(vals)),
        "zero_duration_cases": sum(1 for v in vals if v == 0),
    }
    if start_col:
        di = pandas_durations(df, TS, start_col)
        rec["case_durations_interval"] = dict(sorted(di.items()))
        rec["case_durations_interval_meaning"] = (
            f"pandas, not pm4py: min({start_col}) -> max({TS}) per case, seconds "
            "(pm4py 2.7 get_cases_description ignores START_TIMESTAMP_KEY)")
    res = spec.get("resource")
    if res and res in df.columns:
        try:
            rec["handover_of_work"] = handover(df, res)
        except Exception as e:  # noqa: BLE001
            rec["handover_of_work"] = {"error": repr(e)}
    else:
        rec["handover_of_work"] = None
    return rec


def main():
    out = {"pm4py_version": pm4py.__version__, "pandas_version": pd.__version__, "logs": {}}
    for spec in LOGS:
        print("...", spec["name"], file=sys.stderr)
        try:
            out["logs"][spec["name"]] = describe(spec)
        except Exception as e:  # noqa: BLE001
            out["logs"][spec["name"]] = {"path": spec["path"], "error": repr(e),
                                         "traceback": traceback.format_exc()}
    keep = ("cases", "events", "has_start_events", "case_durations", "read_with", "error")
    out["logs"] = {k: {kk: vv for kk, vv in v.items() if kk in keep} for k, v in out["logs"].items()}
    with open(os.path.join(ROOT, "tests/data/pm4py_activity_reference.json"), "w") as f:
        json.dump(out, f, indent=0, ensure_ascii=False, default=str, sort_keys=True)
    for k, v in out["logs"].items():
        print(f"{k:45s} cases={v.get('cases')} events={v.get('events')} acts={v.get('activities')} "
              f"start={v.get('has_start_events')} err={v.get('error', '')[:60]}")


if __name__ == "__main__":
    main()
