"""Funnel plots (Compare Colleges): each College's proportion against its denominator, with the
pooled target and control limits. Drawn with the colours, markers and text measures of
`tandem.charts`, so it looks like the other charts in the page and the PDF.
"""

from dataclasses import dataclass
from html import escape

from tandem.charts import (
    BLUE,
    DARK_GREY,
    GREEN,
    MID_GREY,
    TYPE_COLOURS,
    TYPE_LABELS,
    _marker,
    _nice_step,
    _text_width,
)

# --- Funnel plots (Compare Colleges) -----------------------------------------------------------
# A proportion per unit (a College) against its size, with the target and the limits that narrow
# as units grow (spc.funnel). Points carry a number; the table beside the chart names them.


@dataclass
class FunnelPoint:
    number: int
    label: str
    denominator: int
    proportion: float
    kind: str = "common_cause"  # the unit's type from spc (special-cause types colour and shape it)
    own: bool = False  # the viewer's College: ringed
    benchmark: bool = False  # an imported benchmark: hollow


@dataclass
class FunnelChart:
    title: str
    target: float
    points: list  # FunnelPoint
    curves: list  # (level, [n], [lower], [upper]): the limits along the x axis
    description: str = ""
    x_label: str = "Size of the College (denominator)"
    y_label: str = "Per cent"
    width: int = 760
    height: int = 380
    id_prefix: str = "funnel"


FUNNEL_DASHES = ("6 4", "2 3", "10 3 2 3")


def render_funnel_svg(chart: FunnelChart) -> str:
    w, h = chart.width, chart.height
    left, right, top = 56, 16, 16
    legend = [("line", "Target (pooled proportion)", GREEN, "")]
    for k, (level, *_rest) in enumerate(chart.curves):
        legend.append(
            ("line", f"{level * 100:g}% limits", DARK_GREY if k else MID_GREY, FUNNEL_DASHES[k % len(FUNNEL_DASHES)])
        )
    kinds = [k for k in TYPE_LABELS if k in {p.kind for p in chart.points}]
    legend += [("point", TYPE_LABELS[k], TYPE_COLOURS.get(k, BLUE), k) for k in kinds]
    if any(p.own for p in chart.points):
        legend.append(("own", "This College (ringed)", DARK_GREY, ""))
    if any(p.benchmark for p in chart.points):
        legend.append(("hollow", "Imported benchmark (hollow)", MID_GREY, ""))
    rows, lx = 1, left
    for item in legend:
        width = 30 + _text_width(item[1])
        if lx + width > w - 8 and lx > left:
            rows += 1
            lx = left
        lx += width
    bottom = 46 + 16 * rows
    pw, ph = w - left - right, h - top - bottom
    xmax = max([p.denominator for p in chart.points] + [1]) * 1.08
    step = _nice_step(xmax)
    xmax = step * (-(-xmax // step))

    def x(n):
        return left + pw * n / xmax

    def y(v):
        return top + ph - v * ph

    pid = escape(chart.id_prefix)
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="tandem-chart tandem-funnel" viewBox="0 0 {w} {h}" '
            f'width="{w}" height="{h}" role="img" aria-labelledby="{pid}-title" aria-describedby="{pid}-desc" '
            f'font-family="Frutiger W01, Arial, sans-serif" font-size="12">'
        ),
        f'<title id="{pid}-title">{escape(chart.title)}</title>',
        f'<desc id="{pid}-desc">{escape(chart.description or chart.title)}</desc>',
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#ffffff" stroke="#d8dde0"/>',
    ]
    for pct in range(0, 101, 20):
        ty = y(pct / 100)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#f0f4f5"/>')
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{DARK_GREY}">{pct}%</text>')
    tick = 0
    while tick <= xmax + 1e-9:
        out.append(
            f'<text x="{x(tick):.1f}" y="{top + ph + 16}" text-anchor="middle" fill="{DARK_GREY}">{tick:g}</text>'
        )
        tick += step
    out.append(
        f'<text x="{left + pw / 2:.1f}" y="{top + ph + 34}" text-anchor="middle" fill="{DARK_GREY}">'
        f"{escape(chart.x_label)}</text>"
    )
    out.append(
        f'<text x="14" y="{top + ph / 2:.1f}" text-anchor="middle" fill="{DARK_GREY}" '
        f'transform="rotate(-90 14 {top + ph / 2:.1f})">{escape(chart.y_label)}</text>'
    )
    for k, (_level, ns, lowers, uppers) in enumerate(chart.curves):
        colour = DARK_GREY if k else MID_GREY
        dash = FUNNEL_DASHES[k % len(FUNNEL_DASHES)]
        for values in (lowers, uppers):
            pts = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in zip(ns, values))
            out.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" stroke-dasharray="{dash}" points="{pts}"/>'
            )
    out.append(
        f'<line x1="{left}" x2="{left + pw}" y1="{y(chart.target):.1f}" y2="{y(chart.target):.1f}" '
        f'stroke="{GREEN}" stroke-width="1.5"/>'
    )
    for p in chart.points:
        cx, cy = x(p.denominator), y(p.proportion)
        colour = TYPE_COLOURS.get(p.kind, BLUE)
        title = f"{p.number}. {p.label}: {p.proportion * 100:.1f}% of {p.denominator}"
        if p.kind != "common_cause":
            title += f" ({TYPE_LABELS.get(p.kind, p.kind)})"
        if p.own:
            out.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="none" stroke="{DARK_GREY}" stroke-width="1.5"/>'
            )
        marker = _marker(p.kind if p.kind != "common_cause" else None, cx, cy, colour, title)
        if p.benchmark:
            marker = marker.replace(
                f'fill="{colour}" stroke="#ffffff"', f'fill="#ffffff" stroke="{colour}" stroke-width="2"', 1
            )
            marker = marker.replace('stroke-width="2" stroke-width="1"', 'stroke-width="2"')
        out.append(marker)
        anchor, tx = ("end", cx - 8) if cx > left + pw - 30 else ("start", cx + 8)
        bold = ' font-weight="bold"' if p.own else ""
        out.append(
            f'<text x="{tx:.1f}" y="{cy - 6:.1f}" text-anchor="{anchor}" font-size="11" fill="{DARK_GREY}"'
            f"{bold}>{p.number}</text>"
        )
    lx, row = left, 0
    for kind, label, colour, extra in legend:
        width = 30 + _text_width(label)
        if lx + width > w - 8 and lx > left:
            row += 1
            lx = left
        ly = h - 8 - 16 * (rows - 1 - row)
        if kind == "line":
            out.append(
                f'<line x1="{lx}" x2="{lx + 18}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"'
                + (f' stroke-dasharray="{extra}"' if extra else "")
                + "/>"
            )
        elif kind == "own":
            out.append(f'<circle cx="{lx + 9}" cy="{ly - 4}" r="6" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        elif kind == "hollow":
            out.append(f'<circle cx="{lx + 9}" cy="{ly - 4}" r="4" fill="#ffffff" stroke="{colour}" stroke-width="2"/>')
        else:
            out.append(_marker(extra, lx + 9, ly - 4, colour))
        out.append(f'<text x="{lx + 22}" y="{ly}" fill="{DARK_GREY}">{escape(label)}</text>')
        lx += width
    out.append("</svg>")
    return "".join(out)
