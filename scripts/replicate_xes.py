#!/usr/bin/env python3
"""Write an XES log made of N copies of a real log's traces, each copy's case ids suffixed
`-r<k>` (the first copy keeps the originals), gzip-compressed when OUT ends in .gz. Larger
logs of real shape for scripts/bench.sh, in place of the logs that are not in tests/data:

- BPIC 2013 closed problems × 10 = 66,600 events, the size of BPIC 2013 incidents (65,533),
  from the same system with the same attributes;
- the same with `--groups 40`: each trace's `org:group` values get the suffix ` <i mod 40>`
  (i = the trace's position), 458 groups, as the incidents log's ~476 support groups; with
  `--people 2` as well, each trace's `org:resource` values get the suffix `-<i mod 2>`: 1,428
  people, as the incidents log's ~1,440;
- the road-traffic sample × 1440 = 561,600 events, the size of the road-traffic-fine log
  (561,470), with its attributes and 13 years of dates;
- Helpdesk × 3 and × 25.

    python3 scripts/replicate_xes.py tests/data/xes/helpdesk.xes.gz 25 /tmp/helpdesk25.xes.gz
    python3 scripts/replicate_xes.py tests/data/xes/bpic2013_closed_problems.xes.gz 10 out.xes.gz --groups 40
    python3 scripts/replicate_xes.py tests/data/xes/bpic2013_closed_problems.xes.gz 10 out.xes.gz --groups 40 --people 2
"""
import gzip
import re
import sys


def spread_groups(traces, groups):
    """Suffix each trace's org:group values with ` <i mod groups>`, i its position."""
    return spread(traces, "org:group", " ", groups)


def spread(traces, key, sep, n):
    """Suffix each trace's `key` values with `<sep><i mod n>`, i its position."""
    attr = re.compile(r'(<string key="' + key + r'" value=")([^"]*)"')
    parts = traces.split("</trace>")
    return "</trace>".join(
        attr.sub(lambda m: f'{m.group(1)}{m.group(2)}{sep}{i % n}"', t) for i, t in enumerate(parts)
    )


def main(src, copies, dst, groups=0, people=0):
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
    if groups or people:
        i = out.index("<trace")
        j = out.rindex("</trace>") + len("</trace>")
        traces = out[i:j]
        if groups:
            traces = spread_groups(traces, groups)
        if people:
            traces = spread(traces, "org:resource", "-", people)
        out = out[:i] + traces + out[j:]
    writer = gzip.open if dst.endswith(".gz") else open
    with writer(dst, "wt", encoding="utf-8") as f:
        f.write(out)


if __name__ == "__main__":
    args = sys.argv[1:]
    opts = {"--groups": 0, "--people": 0}
    for name in opts:
        if name in args:
            k = args.index(name)
            opts[name] = int(args[k + 1])
            del args[k : k + 2]
    main(args[0], int(args[1]), args[2], opts["--groups"], opts["--people"])
