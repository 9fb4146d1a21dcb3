#!/usr/bin/env python3
"""The full Road Traffic Fine Management log back to XES, for scripts/bench.sh (issue 17).

PyPI carries the full log only as pm4pydistr's 128 Parquet partitions (scripts/
fetch_real_logs.sh). This writes them as XES in the shape of the 4TU original: the original's
header (taken from tests/data/xes/roadtraffic100traces.xes, the original's first 100 traces),
then each case's events with the original's typed attributes (float amounts, int article and
points, dates at local midnight with Italy's offset, as the original writes them). Cases in
the order of the partitions (0..127) and of their rows; each case's events in row order.

    rtfm_to_xes.py PARTITIONS_DIR HEADER_XES OUT.xes.gz
"""
import datetime
import gzip
import os
import re
import sys

import pyarrow.parquet as pq

parts_dir, header_from, out = sys.argv[1:4]
head = open(header_from, encoding="utf-8").read()
head = head[: head.index("<trace>")]
FLOAT = {"amount", "totalPaymentAmount", "expense", "paymentAmount"}
INT = {"article", "points", "matricola"}


def offset(d):
    """Italy's UTC offset on date d: CEST from the last Sunday of March to the last of October."""
    def last_sunday(month):
        x = datetime.date(d.year, month, 31)
        return x - datetime.timedelta(days=(x.weekday() + 1) % 7)
    return "+02:00" if last_sunday(3) <= d < last_sunday(10) else "+01:00"


def esc(v):
    return v.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def key(name):
    m = re.search(r"(\d+)$", name)
    return (int(m.group(1)) if m else -1, name)


cases = {}
for part in sorted(os.listdir(parts_dir), key=key):
    path = os.path.join(parts_dir, part)
    files = sorted(os.listdir(path)) if os.path.isdir(path) else [""]
    for f in files:
        table = pq.read_table(os.path.join(path, f) if f else path)
        cols = table.column_names
        for row in table.to_pylist():
            cases.setdefault(row["case:concept:name"], []).append(row)

with gzip.open(out, "wt", encoding="utf-8", compresslevel=6) as o:
    o.write(head)
    for case, rows in cases.items():
        o.write('  <trace>\n    <string key="concept:name" value="%s"/>\n' % esc(str(case)))
        for row in rows:
            o.write("    <event>\n")
            for k, v in row.items():
                if k == "case:concept:name" or v is None or v == "" or v != v:
                    continue
                if k == "time:timestamp":
                    d = v.date() if hasattr(v, "date") else datetime.date.fromisoformat(str(v)[:10])
                    o.write('      <date key="time:timestamp" value="%sT00:00:00.000%s"/>\n'
                            % (d.isoformat(), offset(d)))
                elif k in FLOAT:
                    o.write('      <float key="%s" value="%r"/>\n' % (k, float(v)))
                elif k in INT:
                    o.write('      <int key="%s" value="%d"/>\n' % (k, int(float(v))))
                else:
                    o.write('      <string key="%s" value="%s"/>\n' % (k, esc(str(v))))
            o.write("    </event>\n")
        o.write("  </trace>\n")
    o.write("</log>\n")
print(f"{len(cases)} cases, {sum(len(r) for r in cases.values())} events -> {out}", file=sys.stderr)
