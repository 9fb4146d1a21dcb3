"""pm4py on a flowaudit events CSV: import, case durations, handover network and
performance DFG — the peer baseline of issue 8 (`scripts/bench.sh` runs it when the
virtualenv of `scripts/setup_pm4py_venv.sh` exists). Prints `pm4py: N events in S s`."""
import sys
import time

import pandas as pd
import pm4py

path = sys.argv[1]
xes = path.endswith(".xes") or path.endswith(".xes.gz")
t = time.perf_counter()
if xes:
    df = pm4py.read_xes(path)
    case, act, ts, res = "case:concept:name", "concept:name", "time:timestamp", "org:resource"
else:
    df = pd.read_csv(path)
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True, format="ISO8601")
    df["status"] = df["status"].ffill()
    df = pm4py.format_dataframe(df, case_id="item_id", activity_key="status", timestamp_key="timestamp")
    case, act, ts, res = "case:concept:name", "concept:name", "time:timestamp", "actor"
pm4py.get_all_case_durations(df, activity_key=act, timestamp_key=ts, case_id_key=case)
pm4py.discover_handover_of_work_network(df, beta=0, timestamp_key=ts, case_id_key=case, resource_key=res)
if not xes:
    pm4py.discover_performance_dfg(df, activity_key=act, timestamp_key=ts, case_id_key=case)
print(f"pm4py: {len(df)} events in {time.perf_counter() - t:.3f} s")
