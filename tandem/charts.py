"""Server-rendered SVG charts: one module, so the same chart appears in the page and in the PDF.

Every chart is a <svg role="img"> with a title and a description; the page puts a data table
beside it for people who cannot see it.
"""

from dataclasses import dataclass, field
from html import escape

# NHS.UK colours, chosen for contrast on white (WCAG AA for lines and text)
BLUE, DARK_GREY, MID_GREY, ORANGE, GREEN, PURPLE = "#005eb8", "#212b32", "#4c6272", "#ed8b00", "#007f3b", "#330072"
TYPE_COLOURS = {
    "special_cause_improvement": "#005eb8",  # MDC: blue for improvement
    "special_cause_concern": "#ed8b00",      # orange for concern
    "special_cause_neutral_high": PURPLE,
    "special_cause_neutral_low": PURPLE,
    "special_cause": "#d5281b",
}


@dataclass
class Line:
    label: str
    values: list  # one per point, None where absent
    colour: str = MID_GREY
    dash: str = ""


@dataclass
class Annotation:
    index: int
    label: str


@dataclass
class Chart:
    title: str
    labels: list  # x labels, one per point
    values: list  # y values, None for missing
    y_label: str = ""
    lines: list = field(default_factory=list)  # Line: centre, limits, target, baseline
    point_types: list | None = None  # per-point special-cause type, for colouring
    annotations: list = field(default_factory=list)
    description: str = ""
    width: int = 760
    height: int = 340


def _nice_step(span):
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if span / step <= 8:
            return step
    return span / 8


def render_svg(chart: Chart) -> str:
    left, right, top, bottom = 56, 16, 28, 64
    w, h = chart.width, chart.height
    pw, ph = w - left - right, h - top - bottom
    ys = [v for v in chart.values if v is not None]
    for line in chart.lines:
        ys += [v for v in line.values if v is not None]
    lo = min(ys + [0]) if ys else 0
    hi = max(ys) if ys else 1
    if hi == lo:
        hi = lo + 1
    step = _nice_step(hi - lo)
    lo = step * (lo // step)
    hi = step * (-(-hi // step))
    n = max(len(chart.values), 1)

    def x(i):
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v):
        return top + ph - (v - lo) / (hi - lo) * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tandem-chart" viewBox="0 0 {w} {h}" '
        f'width="{w}" height="{h}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="Frutiger W01, Arial, sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(chart.title)}</title>',
        f'<desc id="chart-desc">{escape(chart.description or chart.title)}</desc>',
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#ffffff" stroke="#d8dde0"/>',
    ]
    tick = lo
    while tick <= hi + 1e-9:
        ty = y(tick)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#f0f4f5"/>')
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{DARK_GREY}">{tick:g}</text>')
        tick += step
    every = max(1, n // 12)
    for i, label in enumerate(chart.labels):
        if i % every == 0:
            out.append(
                f'<text x="{x(i):.1f}" y="{top + ph + 14}" text-anchor="end" fill="{DARK_GREY}" '
                f'transform="rotate(-45 {x(i):.1f} {top + ph + 14})">{escape(str(label))}</text>'
            )
    if chart.y_label:
        out.append(
            f'<text x="14" y="{top + ph / 2:.1f}" text-anchor="middle" fill="{DARK_GREY}" '
            f'transform="rotate(-90 14 {top + ph / 2:.1f})">{escape(chart.y_label)}</text>'
        )
    for a in chart.annotations:
        ax = x(a.index)
        out.append(f'<line x1="{ax:.1f}" x2="{ax:.1f}" y1="{top}" y2="{top + ph}" stroke="{PURPLE}" stroke-dasharray="2 3"/>')
        out.append(f'<text x="{ax + 3:.1f}" y="{top - 6}" fill="{PURPLE}">{escape(a.label)}</text>')
    legend_x = left
    for line in chart.lines:
        segs, cur = [], []
        for i, v in enumerate(line.values):
            if v is None:
                if cur:
                    segs.append(cur)
                cur = []
            else:
                cur.append(f"{x(i):.1f},{y(v):.1f}")
        if cur:
            segs.append(cur)
        for seg in segs:
            if len(seg) == 1:
                seg = seg * 2
            dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
            out.append(f'<polyline fill="none" stroke="{line.colour}" stroke-width="1.5"{dash} points="{" ".join(seg)}"/>')
        out.append(f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="{h - 8}" y2="{h - 8}" stroke="{line.colour}" stroke-width="2"'
                   + (f' stroke-dasharray="{line.dash}"' if line.dash else "") + "/>")
        out.append(f'<text x="{legend_x + 22}" y="{h - 4}" fill="{DARK_GREY}">{escape(line.label)}</text>')
        legend_x += 30 + 7 * len(line.label)
    pts, cur = [], []
    for i, v in enumerate(chart.values):
        if v is None:
            if cur:
                pts.append(cur)
            cur = []
        else:
            cur.append(f"{x(i):.1f},{y(v):.1f}")
    if cur:
        pts.append(cur)
    for seg in pts:
        out.append(f'<polyline fill="none" stroke="{BLUE}" stroke-width="2" points="{" ".join(seg)}"/>')
    for i, v in enumerate(chart.values):
        if v is None:
            continue
        kind = chart.point_types[i] if chart.point_types else None
        colour = TYPE_COLOURS.get(kind, MID_GREY if chart.point_types else BLUE)
        out.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}"><title>{escape(str(chart.labels[i]))}: {v:g}</title></circle>')
    out.append("</svg>")
    return "".join(out)
