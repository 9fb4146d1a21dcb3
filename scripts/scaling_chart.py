#!/usr/bin/env python3
"""Draw the scaling of a full audit (wall time and peak memory against events) as an SVG,
from the `events seconds peak_mb [budget_seconds budget_peak_mb]` lines scripts/bench.sh writes
(standard library only). The optional columns are the same audit under `--memory-budget`
(the partitioned path), drawn dashed.

    python3 scripts/scaling_chart.py SCALING.txt docs/images/scaling.svg "2026-12-07, 2 cores"
"""
import math
import sys


def main(src, dst, caption):
    pts, bud = [], []
    for line in open(src):
        f = line.split()
        if len(f) >= 3:
            pts.append((int(f[0]), float(f[1]), float(f[2])))
        if len(f) >= 5 and f[3] != "-" and f[4] != "-":
            bud.append((int(f[0]), float(f[3]), float(f[4])))
    pts.sort()
    bud.sort()
    if not pts:
        sys.exit("no measurements in " + src)
    W, H = 900, 420
    L, R, T, B = 80, 80, 60, 70
    pw, ph = W - L - R, H - T - B
    xs = [math.log10(p[0]) for p in pts]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs))
    if x1 == x0:
        x1 = x0 + 1
    tmax = max(p[1] for p in pts + bud) * 1.15
    mmax = max(p[2] for p in pts + bud) / 1024 * 1.15

    def X(n):
        return L + (math.log10(n) - x0) / (x1 - x0) * pw

    def Yt(t):
        return T + ph - t / tmax * ph

    def Ym(m):
        return T + ph - (m / 1024) / mmax * ph

    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
         f'viewBox="0 0 {W} {H}" font-family="DejaVu Sans, sans-serif" font-size="13">',
         '<title>Scaling of a full flowaudit audit: wall time and peak memory by events</title>',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{L}" y="28" font-size="17">Full audit of generated events CSVs: time and peak memory</text>',
         f'<text x="{L}" y="46" fill="#555">{caption}</text>']
    for k in range(x0, x1 + 1):
        x = L + (k - x0) / (x1 - x0) * pw
        o.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{T + ph}" stroke="#ddd"/>')
        label = {6: "1M", 7: "10M", 8: "100M", 9: "1G"}.get(k, f"1e{k}")
        o.append(f'<text x="{x:.1f}" y="{T + ph + 20}" text-anchor="middle">{label}</text>')
    o.append(f'<text x="{L + pw / 2}" y="{H - 18}" text-anchor="middle">events (log scale)</text>')
    for i in range(6):
        t = tmax * i / 5
        y = Yt(t)
        o.append(f'<line x1="{L}" y1="{y:.1f}" x2="{L + pw}" y2="{y:.1f}" stroke="#eee"/>')
        o.append(f'<text x="{L - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#0072B2">{t:.0f} s</text>')
        m = mmax * i / 5
        o.append(f'<text x="{L + pw + 8}" y="{Ym(m * 1024) + 4:.1f}" fill="#D55E00">{m:.1f} GiB</text>')
    o.append(f'<rect x="{L}" y="{T}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>')
    for color, f, key in (("#0072B2", lambda p: Yt(p[1]), "wall time (s, left)"),
                          ("#D55E00", lambda p: Ym(p[2]), "peak memory (GiB, right)")):
        path = " ".join(f"{X(p[0]):.1f},{f(p):.1f}" for p in pts)
        o.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for p in pts:
            o.append(f'<circle cx="{X(p[0]):.1f}" cy="{f(p):.1f}" r="4" fill="{color}"/>')
    for color, f in (("#0072B2", lambda p: Yt(p[1])), ("#D55E00", lambda p: Ym(p[2]))):
        if bud:
            path = " ".join(f"{X(p[0]):.1f},{f(p):.1f}" for p in bud)
            o.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2" stroke-dasharray="6 4"/>')
            for p in bud:
                o.append(f'<rect x="{X(p[0]) - 3.5:.1f}" y="{f(p) - 3.5:.1f}" width="7" height="7" fill="white" stroke="{color}" stroke-width="1.5"/>')
    lx = L + 12
    keys = [("#0072B2", "wall time (s, left axis)", ""), ("#D55E00", "peak memory (GiB, right axis)", "")]
    if bud:
        keys += [("#0072B2", "wall time under the memory budget", "6 4"),
                 ("#D55E00", "peak memory under the memory budget", "6 4")]
    for i, (color, key, dash) in enumerate(keys):
        y = T + 18 + i * 18
        o.append(f'<line x1="{lx}" y1="{y - 4}" x2="{lx + 24}" y2="{y - 4}" stroke="{color}" stroke-width="2.5" stroke-dasharray="{dash}"/>')
        o.append(f'<text x="{lx + 30}" y="{y}">{key}</text>')
    for p in pts:
        o.append(f'<text x="{X(p[0]):.1f}" y="{Yt(p[1]) - 10:.1f}" text-anchor="middle" font-size="11" fill="#0072B2">{p[1]:.1f} s</text>')
        o.append(f'<text x="{X(p[0]):.1f}" y="{Ym(p[2]) + 18:.1f}" text-anchor="middle" font-size="11" fill="#D55E00">{p[2] / 1024:.2f} GiB</text>')
    for p in bud:
        o.append(f'<text x="{X(p[0]) + 6:.1f}" y="{Ym(p[2]) - 8:.1f}" font-size="11" fill="#D55E00">{p[2] / 1024:.2f} GiB</text>')
    o.append('</svg>')
    open(dst, "w").write("\n".join(o) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")
