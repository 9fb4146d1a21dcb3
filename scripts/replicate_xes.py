#!/usr/bin/env python3
"""Write an XES log made of N copies of a real log's traces, each copy's case ids suffixed
`-r<k>` (the first copy keeps the originals), gzip-compressed when OUT ends in .gz. Larger
logs of real shape for scripts/bench.sh, in place of the logs that are not in tests/data:

- BPIC 2013 closed problems × 10 = 66,600 events, the size of BPIC 2013 incidents (65,533),
  from the same system with the same attributes;
- the same with `--groups 40`: each trace's `org:group` values get the suffix ` <i mod 40>`
  (i = the trace's position), 458 groups, as the incidents log's ~476 support groups;
- the road-traffic sample × 1440 = 561,600 events, the size of the road-traffic-fine log
  (561,470), with its attributes and 13 years of dates;
- Helpdesk × 3 and × 25.

    python3 scripts/replicate_xes.py tests/data/xes/helpdesk.xes.gz 25 /tmp/helpdesk25.xes.gz
    python3 scripts/replicate_xes.py tests/data/xes/bpic2013_closed_problems.xes.gz 10 out.xes.gz --groups 40
"""
import gzip
import re
import sys


def spread_groups(traces, groups):
    """Suffix each trace's org:group values with ` <i mod groups>`, i its position."""
    group = re.compile(r'(<string key="org:group" value=")([^"]*)"')
    parts = traces.split("</trace>")
    return "</trace>".join(
        group.sub(lambda m: f'{m.group(1)}{m.group(2)} {i % groups}"', t) for i, t in enumerate(parts)
    )


def main(src, copies, dst, groups=0):
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
    if groups:
        i = out.index("<trace")
        j = out.rindex("</trace>") + len("</trace>")
        out = out[:i] + spread_groups(out[i:j], groups) + out[j:]
    writer = gzip.open if dst.endswith(".gz") else open
    with writer(dst, "wt", encoding="utf-8") as f:
        f.write(out)


if __name__ == "__main__":
    args = sys.argv[1:]
    groups = 0
    if "--groups" in args:
        k = args.index("--groups")
        groups = int(args[k + 1])
        del args[k : k + 2]
    main(args[0], int(args[1]), args[2], groups)
