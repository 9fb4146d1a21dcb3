#!/usr/bin/env python3
"""Independent reference numbers from pm4py for flowaudit tests.

Run with the venv created by scripts/setup_pm4py_venv.sh:

    /root/.venvs/pm4py/bin/python scripts/pm4py_reference.py \
        [--datasets tests/data/xes] [--out tests/data/pm4py_reference.json]

Writes tests/data/pm4py_reference.json. See the "how" field of the output for
the exact pm4py calls and the semantics found in pm4py's source.

To add one log without regenerating the others:

    /root/.venvs/pm4py/bin/python scripts/pm4py_reference.py --only LOG --merge

loads the existing --out file, computes LOG alone (no timings), stores it under
logs[LOG] and writes the file back with the same json.dump settings; every other
entry, "how" and "timings_seconds" are kept as they are. Because "how" then
describes the run that made the other entries, the merged entry gets its own
"generated_with" field (python, pm4py, pandas, numpy versions and XES parser).
"""
import argparse
import gzip
import json
import os
import platform
import sys
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path

# Progress bars only add noise (and tqdm overhead to the timings).
os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "False")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pm4py  # noqa: E402
from lxml import etree  # noqa: E402
from pm4py.statistics.traces.generic.pandas import case_statistics as pd_case_stats  # noqa: E402
from pm4py.util import constants as pm4py_constants  # noqa: E402
from pm4py.util.rustxes_utils import get_rustxes_backend_name  # noqa: E402

LOGS = [
    "helpdesk.xes.gz",
    "bpic2013_open_problems.xes.gz",
    "bpic2013_closed_problems.xes.gz",
    "roadtraffic100traces.xes",
    "running-example.xes",
    "bpic2013_incidents.xes.gz",
]
TIMED_LOGS = ["helpdesk.xes.gz", "bpic2013_closed_problems.xes.gz"]
CASE = "case:concept:name"
TS = "time:timestamp"
RESOURCE_KEYS = ["org:group", "org:resource"]
DAY = 86400.0


def r6(x):
    return None if x is None else round(float(x), 6)


# --------------------------------------------------------------------------
# independent raw parse (lxml) to check that read_xes keeps file order
# --------------------------------------------------------------------------
def raw_events(path):
    """Yield (trace_name, event_name, timestamp_string) in file order."""
    opener = gzip.open if path.endswith(".gz") else open
    out = []
    with opener(path, "rb") as fh:
        trace_name = None
        for ev, el in etree.iterparse(fh, events=("start", "end")):
            tag = etree.QName(el).localname
            if ev == "start" and tag == "trace":
                trace_name = None
            elif ev == "end" and tag == "string" and el.getparent() is not None \
                    and etree.QName(el.getparent()).localname == "trace" \
                    and el.get("key") == "concept:name":
                trace_name = el.get("value")
            elif ev == "end" and tag == "event":
                name = ts = None
                for ch in el:
                    k = ch.get("key")
                    if k == "concept:name":
                        name = ch.get("value")
                    elif k == TS:
                        ts = ch.get("value")
                out.append((trace_name, name, ts))
                el.clear()
    return out


def check_file_order(df, path):
    raw = raw_events(path)
    res = {"raw_event_count": len(raw), "df_event_count": int(len(df))}
    if len(raw) != len(df):
        res["same_order_as_file"] = False
        return res
    raw_ts = pd.to_datetime([r[2] for r in raw], utc=True, format="ISO8601")
    same = (
        list(df[CASE].astype(str)) == [r[0] for r in raw]
        and list(df["concept:name"].astype(str)) == [str(r[1]) for r in raw]
        and bool((df[TS].reset_index(drop=True).values == raw_ts.values).all())
    )
    res["same_order_as_file"] = bool(same)
    return res


# --------------------------------------------------------------------------
# case durations
# --------------------------------------------------------------------------
def case_durations(df):
    durs = pm4py.get_all_case_durations(
        df, activity_key="concept:name", timestamp_key=TS, case_id_key=CASE
    )
    arr = np.asarray(durs, dtype=float)
    p50, p85, p95 = np.percentile(arr, [50, 85, 95])
    # per-case values from the same pm4py routine get_all_case_durations uses
    desc = pd_case_stats.get_cases_description(
        df,
        parameters={
            pd_case_stats.Parameters.CASE_ID_KEY: CASE,
            pd_case_stats.Parameters.TIMESTAMP_KEY: TS,
        },
    )
    per_case = {str(k): float(v["caseDuration"]) for k, v in desc.items()}
    assert sorted(per_case.values()) == list(durs), "per-case != get_all_case_durations"

    file_order = list(pd.unique(df[CASE].astype(str)))
    # pm4py duration = last - first event in dataframe order; compare with max - min
    g = df.groupby(CASE, sort=False)[TS]
    maxmin = (g.max() - g.min()).dt.total_seconds()
    lastfirst = (g.last() - g.first()).dt.total_seconds()
    n_diff_maxmin = int((maxmin.round(6) != lastfirst.round(6)).sum())

    longest = max(file_order, key=lambda c: (per_case[c], -file_order.index(c)))
    other = file_order[len(file_order) // 2]
    picks = [("first_in_file_order", file_order[0]), ("longest", longest),
             ("middle_in_file_order (index n_cases//2)", other)]
    specific = [
        {"which": w, "case:concept:name": c, "duration_seconds": r6(per_case[c]),
         "duration_days": r6(per_case[c] / DAY)}
        for w, c in picks
    ]
    return {
        "n": int(arr.size),
        "sum_seconds": r6(arr.sum()),
        "sum_days": r6(arr.sum() / DAY),
        "mean_seconds": r6(arr.mean()),
        "mean_days": r6(arr.mean() / DAY),
        "min_days": r6(arr.min() / DAY),
        "max_days": r6(arr.max() / DAY),
        "p50_days": r6(p50 / DAY),
        "p85_days": r6(p85 / DAY),
        "p95_days": r6(p95 / DAY),
        "n_zero_duration_cases": int((arr == 0).sum()),
        "n_cases_where_last_minus_first_differs_from_max_minus_min": n_diff_maxmin,
        "specific_cases": specific,
    }


# --------------------------------------------------------------------------
# handover of work
# --------------------------------------------------------------------------
def reproduce_pm4py_handover_counts(df, key):
    """Exact reproduction of pm4py pandas handover (beta=0) counting, un-normalised.

    pm4py builds, per case, tuple(df.groupby(case, sort=False)[key].agg(tuple))
    (dataframe row order, nothing dropped, nothing collapsed), and for beta=0 adds,
    for every position i, +1 (times the number of cases with that variant) to
    (seq[i], seq[i+1]).  The dividend is the sum of all those increments.
    """
    seqs = df.groupby(CASE, sort=False)[key].agg(tuple)
    counts = Counter()
    for s in seqs:
        for i in range(len(s) - 1):
            counts[(s[i], s[i + 1])] += 1
    dividend = sum(counts.values())
    return counts, dividend


def summarize_pairs(counts, top=5, full_limit=100000):
    nonself = {k: v for k, v in counts.items() if k[0] != k[1]}
    top_items = sorted(nonself.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))
    out = {
        "total_including_self_pairs": int(sum(counts.values())),
        "self_pairs_total": int(sum(v for k, v in counts.items() if k[0] == k[1])),
        "total_excluding_self_pairs": int(sum(nonself.values())),
        "distinct_non_self_pairs": len(nonself),
        "top5_non_self_pairs": [{"from": a, "to": b, "count": int(v)} for (a, b), v in top_items[:top]],
    }
    if full_limit and len(nonself) <= full_limit:
        out["all_non_self_pairs"] = [{"from": a, "to": b, "count": int(v)} for (a, b), v in top_items]
    return out


def handover(df, key):
    if key not in df.columns:
        return {"present": False}
    nulls = int(df[key].isna().sum())
    res = {"present": True, "n_events_with_null": nulls,
           "n_distinct_values": int(df[key].nunique())}
    used = df
    if nulls:
        # pm4py does NOT drop nulls: NaN stays inside the per-case tuple and
        # sorted(set(...)) over str+float raises TypeError. Record that, then
        # run pm4py on the dataframe with null rows removed.
        try:
            pm4py.discover_handover_of_work_network(df, beta=0, resource_key=key,
                                                    timestamp_key=TS, case_id_key=CASE)
            res["pm4py_on_df_with_nulls"] = "ran without error"
        except Exception as e:  # noqa: BLE001
            res["pm4py_on_df_with_nulls"] = f"{type(e).__name__}: {e}"
        used = df[df[key].notna()]
        res["pm4py_input"] = f"df[df['{key}'].notna()] ({len(used)} events, {used[CASE].nunique()} cases)"
    else:
        res["pm4py_input"] = "df as returned by read_xes (no nulls)"

    counts, dividend = reproduce_pm4py_handover_counts(used, key)
    try:
        sna = pm4py.discover_handover_of_work_network(used, beta=0, resource_key=key,
                                                      timestamp_key=TS, case_id_key=CASE)
    except Exception as e:  # noqa: BLE001
        # e.g. no consecutive pair at all -> np.max over empty connections raises
        res["pm4py_error"] = f"{type(e).__name__}: {e}"
        res["pm4py_dividend"] = int(dividend)
        res["raw_counts_source"] = "pm4py raised (see pm4py_error); counts from the reproduced pm4py loop only"
        res.update(summarize_pairs(counts, full_limit=100000))
        return res
    # verify: pm4py value == raw_count / dividend, same key set
    conn = {(a, b): v for (a, b), v in sna.connections.items()}
    assert set(conn) == set(counts), f"key sets differ for {key}"
    max_abs_err = max(abs(conn[k] * dividend - counts[k]) for k in counts) if counts else 0.0
    assert max_abs_err < 1e-6, max_abs_err
    res["pm4py_dividend"] = int(dividend)
    res["pm4py_connections_n"] = len(conn)
    res["raw_counts_source"] = (
        "reproduced pm4py's beta=0 counting loop on the same dataframe; verified that "
        "pm4py connections[(a,b)] * dividend == raw count for every pair "
        f"(max abs error {max_abs_err:.3g}) and that key sets are identical"
    )
    res.update(summarize_pairs(counts, full_limit=100000))
    return res


# --------------------------------------------------------------------------
# plain-pandas cross-check (flowaudit semantics)
# --------------------------------------------------------------------------
def collapsed_seqs(df, key, order):
    d = df[[CASE, TS, key]].copy()
    d["_pos"] = np.arange(len(d))
    if order == "timestamp_stable":
        d = d.sort_values([TS], kind="stable")
    d = d[d[key].notna()]
    out = {}
    for case, s in d.groupby(CASE, sort=False)[key]:
        seq = []
        for v in s:
            if not seq or seq[-1] != v:
                seq.append(v)
        out[str(case)] = seq
    return out


def cross_check(df, key):
    if key not in df.columns:
        return {"present": False}
    res = {"present": True}
    seqs_file = collapsed_seqs(df, key, "file")
    seqs_ts = collapsed_seqs(df, key, "timestamp_stable")

    def stats(seqs):
        pairs = Counter()
        aba = 0
        for s in seqs.values():
            for i in range(len(s) - 1):
                pairs[(s[i], s[i + 1])] += 1
            if any(s[i] == s[i + 2] for i in range(len(s) - 2)):
                aba += 1
        total = sum(max(len(s) - 1, 0) for s in seqs.values())
        assert total == sum(pairs.values())
        top = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))[:5]
        return {
            "traces_with_nonnull_value": len(seqs),
            "total_consecutive_pairs (sum len(seq)-1)": int(total),
            "distinct_pairs": len(pairs),
            "traces_with_ABA_pattern": int(aba),
            "top5_pairs": [{"from": a, "to": b, "count": int(v)} for (a, b), v in top],
        }, pairs

    s_file, p_file = stats(seqs_file)
    res["file_order"] = s_file
    res["timestamp_stable_sorted_order_differs_from_file_order"] = seqs_file != seqs_ts
    if seqs_file != seqs_ts:
        res["timestamp_stable_sorted_order"] = stats(seqs_ts)[0]
        res["n_traces_whose_sequence_differs"] = sum(
            1 for c in seqs_file if seqs_file[c] != seqs_ts.get(c))
    # collapsed+nulls-dropped pairs must equal pm4py non-self pairs (on null-dropped df)
    used = df[df[key].notna()]
    pm_counts, _ = reproduce_pm4py_handover_counts(used, key)
    pm_nonself = Counter({k: v for k, v in pm_counts.items() if k[0] != k[1]})
    res["equals_pm4py_non_self_handover_counts"] = (pm_nonself == p_file)
    return res


# --------------------------------------------------------------------------
def analyse(path):
    t0 = time.perf_counter()
    df = pm4py.read_xes(path)
    read_s = time.perf_counter() - t0
    ts = df[TS]
    within = df.groupby(CASE, sort=False)[TS].apply(lambda s: bool((s.diff().dt.total_seconds() < 0).any()))
    out = {
        "file": os.path.basename(path),
        "n_traces": int(df[CASE].nunique()),
        "n_events": int(len(df)),
        "columns": list(df.columns),
        "timestamp_dtype": str(ts.dtype),
        "timestamp_min_utc": ts.min().tz_convert("UTC").isoformat(),
        "timestamp_max_utc": ts.max().tz_convert("UTC").isoformat(),
        "n_null_timestamps": int(ts.isna().sum()),
        "n_traces_with_decreasing_timestamp_in_file_order": int(within.sum()),
        "read_xes_row_order_check": check_file_order(df, path),
        "case_durations": case_durations(df),
        "handover_beta0": {k: handover(df, k) for k in RESOURCE_KEYS},
        "pandas_cross_check_collapsed_sequences": {k: cross_check(df, k) for k in RESOURCE_KEYS},
        "read_xes_seconds_single_run": round(read_s, 4),
    }
    return out


def timings(path, repeats=3):
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        df = pm4py.read_xes(path)
        t1 = time.perf_counter()
        pm4py.get_all_case_durations(df, activity_key="concept:name", timestamp_key=TS, case_id_key=CASE)
        t2 = time.perf_counter()
        ho = {}
        for k in RESOURCE_KEYS:
            if k in df.columns and not df[k].isna().any():
                s = time.perf_counter()
                pm4py.discover_handover_of_work_network(df, beta=0, resource_key=k,
                                                        timestamp_key=TS, case_id_key=CASE)
                ho[k] = round(time.perf_counter() - s, 4)
        t3 = time.perf_counter()
        runs.append({"read_xes": round(t1 - t0, 4), "get_all_case_durations": round(t2 - t1, 4),
                     "handover": ho, "total": round(t3 - t0, 4)})
    return {"runs": runs, "min_total": min(r["total"] for r in runs),
            "median_total": float(np.median([r["total"] for r in runs]))}


HOW = {
    "python": platform.python_version(),
    "pm4py_version": pm4py.__version__,
    "pandas_version": pd.__version__,
    "numpy_version": np.__version__,
    "xes_parser": None,  # filled at runtime
    "read": "df = pm4py.read_xes(path)  (defaults: variant=None, return_legacy_log_object=False)",
    "read_xes_sorting": (
        "read_xes does NOT sort. Source: pm4py/read.py read_xes -> xes_importer.apply(..., variant=ITERPARSE "
        "when lxml is installed and r4pm/rustxes are not); iterparse Parameters.TIMESTAMP_SORT defaults to False; "
        "format_dataframe (which would sort by case, timestamp) is only called if env "
        "PM4PY_DEFAULT_XES_FORMAT_DATAFRAME=='true' (default 'False'). Empirically verified per log: dataframe row "
        "order == raw XML event order (see read_xes_row_order_check). No re-sorting is done by this script."
    ),
    "case_durations": (
        "pm4py.get_all_case_durations(df, activity_key='concept:name', timestamp_key='time:timestamp', "
        "case_id_key='case:concept:name') -> sorted list of seconds. Internally (statistics/traces/generic/pandas/"
        "case_statistics.get_cases_description): groupby(case).first()/last() of time:timestamp, i.e. "
        "duration = timestamp of LAST row minus timestamp of FIRST row in dataframe order (not max-min; identical "
        "here because no trace has decreasing timestamps, see n_cases_where_last_minus_first_differs_from_max_minus_min). "
        "Stats: numpy on that list; percentiles np.percentile(arr,[50,85,95]) (linear), /86400, round 6. "
        "Per-case values from pd_case_stats.get_cases_description (same function), asserted equal as multiset."
    ),
    "handover": (
        "pm4py.discover_handover_of_work_network(df, beta=0, resource_key=K, timestamp_key='time:timestamp', "
        "case_id_key='case:concept:name') for K in ['org:group','org:resource'] (dispatches to "
        "pm4py/algo/organizational_mining/sna/variants/pandas/handover.py). pm4py returns NORMALISED values "
        "count/dividend; there is no parameter for raw counts (sna 'metric_normalization' only divides further by the "
        "max). Raw counts are obtained by reproducing pm4py's counting loop on the same dataframe, and verified: "
        "pm4py_value*dividend == raw count for every pair, identical key sets."
    ),
    "handover_semantics_beta0": (
        "Per case, seq = tuple(df.groupby(case, sort=False)[K].agg(tuple)) in dataframe row order (no timestamp "
        "sorting, no null dropping, no collapsing of repeats); cases with identical seq are grouped into variants "
        "with occurrence count n. For beta==0 the inner loop 'for j in range(i+1,len(rv))' adds n to "
        "sum_i_to_j[rv[i]][rv[i+1]] and dividend, then 'break' -> ONLY directly consecutive events. So it counts EVERY "
        "OCCURRENCE of a consecutive pair (a,b) in every case (not once per trace), INCLUDING self-pairs a==a; "
        "value = count / dividend where dividend = sum over cases of (len(seq)-1) (includes self-pairs). "
        "Consequence: pm4py non-self counts == counts over the collapsed sequence (collapsing only removes self-pairs). "
        "Nulls: NOT dropped; NaN stays in the tuple and sorted(set(...)) over str+float raises TypeError, so pm4py "
        "cannot run on a column with nulls; for such columns this script runs pm4py on df[df[K].notna()] (= flowaudit "
        "'nulls dropped' semantics) and records the error."
    ),
    "cross_check": (
        "Plain pandas: per case (groupby(case, sort=False), file order), non-null values of K, consecutive repeats "
        "collapsed; total pairs = sum(len(seq)-1); ABA = traces with any seq[i]==seq[i+2]. Repeated with "
        "df.sort_values('time:timestamp', kind='stable') before grouping; reported if different."
    ),
    "timestamps": "min/max of df['time:timestamp'] (tz-aware, parsed by pm4py, converted to UTC), isoformat()",
    "env": "PM4PY_SHOW_PROGRESS_BAR=False (no tqdm bars; also during timings)",
    "timings": "time.perf_counter wall clock, 3 repeats in one process: read_xes, get_all_case_durations, "
               "discover_handover_of_work_network(beta=0) per resource key without nulls",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default=str(Path(__file__).resolve().parent.parent / "tests/data/xes"))
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "tests/data/pm4py_reference.json"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", metavar="LOG", action="append",
                    help="compute only this log of LOGS (repeatable); requires --merge")
    ap.add_argument("--merge", action="store_true",
                    help="load the existing --out file and replace/add only the --only logs")
    a = ap.parse_args()

    how = dict(HOW)
    how["xes_parser"] = get_rustxes_backend_name() or pm4py_constants.DEFAULT_XES_PARSER
    how["generated_by"] = "scripts/pm4py_reference.py"
    if a.only or a.merge:
        if not (a.only and a.merge):
            ap.error("--only and --merge go together")
        unknown = [f for f in a.only if f not in LOGS]
        if unknown:
            ap.error(f"not in LOGS: {unknown}")
        with open(a.out) as fh:
            result = json.load(fh)
        for f in a.only:
            print("analysing", f, file=sys.stderr)
            entry = analyse(os.path.join(a.datasets, f))
            entry["generated_with"] = {
                k: how[k] for k in ("python", "pm4py_version", "pandas_version",
                                    "numpy_version", "xes_parser")
            }
            entry["generated_with"]["how"] = ("scripts/pm4py_reference.py --only "
                                              f"{f} --merge (this entry only; the top-level "
                                              "'how' describes the other entries' run)")
            result["logs"][f] = entry
        with open(a.out, "w") as fh:
            json.dump(result, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        print("merged", ", ".join(a.only), "into", a.out, file=sys.stderr)
        return
    result = {"how": how, "logs": {}, "timings_seconds": {}}
    for f in LOGS:
        p = os.path.join(a.datasets, f)
        print("analysing", f, file=sys.stderr)
        try:
            result["logs"][f] = analyse(p)
        except Exception:  # noqa: BLE001
            result["logs"][f] = {"error": traceback.format_exc()}
            raise
    for f in TIMED_LOGS:
        print("timing", f, file=sys.stderr)
        result["timings_seconds"][f] = timings(os.path.join(a.datasets, f), a.repeats)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as fh:
        json.dump(result, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    print("wrote", a.out, file=sys.stderr)


if __name__ == "__main__":
    main()
