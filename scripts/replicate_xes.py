#!/usr/bin/env python3
"""Write an XES log made of N copies of a real log's traces, each copy's case ids suffixed
`-r<k>` (the first copy keeps the originals), gzip-compressed when OUT ends in .gz. A larger
log of real shape for scripts/bench.sh: Helpdesk × 25 = 533,700 events, about the size of
the road-traffic-fine log (561,470), which is not in tests/data.

    python3 scripts/replicate_xes.py tests/data/xes/helpdesk.xes.gz 25 /tmp/helpdesk25.xes.gz
"""
import gzip
import re
import sys


def main(src, copies, dst):
    opener = gzip.open if src.endswith(".gz") else open
    with opener(src, "rt", encoding="utf-8") as f:
        text = f.read()
    i = text.index("<trace")
    j = text.rindex("</trace>") + len("</trace>")
    head, traces, tail = text[:i], text[i:j], text[j:]
    case_id = re.compile(r'(<trace>\s*<string key="concept:name" value=")([^"]*)"')
    parts = [head, traces]
    for k in range(1, copies):
        parts.append(case_id.sub(lambda m: f'{m.group(1)}{m.group(2)}-r{k}"', traces))
    parts.append(tail)
    out = "".join(parts)
    writer = gzip.open if dst.endswith(".gz") else open
    with writer(dst, "wt", encoding="utf-8") as f:
        f.write(out)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
