"""Server-rendered SVG charts: one module, so the same chart appears in the page and in the PDF.

Every chart is a <svg role="img"> with a title and a description; the page puts a data table
beside it for people who cannot see it.
"""

from dataclasses import dataclass, field
from html import escape

# NHS.UK colours, chosen for contrast on white: every line and marker colour is at least 3:1
# against the white plot (WCAG 1.4.11). Making Data Count's orange (#ed8b00, 2.5:1) is not: concern
# is drawn in NHS red instead (4.9:1), and every variation type also has a shape of its own.
BLUE, DARK_GREY, MID_GREY, RED, GREEN, PURPLE, DARK_PINK = (
    "#005eb8",
    "#212b32",
    "#4c6272",
    "#d5281b",
    "#007f3b",
    "#330072",
    "#7c2855",
)
ORANGE = RED  # the old name of the "concern" colour, kept for callers
TYPE_COLOURS = {
    "special_cause_improvement": BLUE,  # MDC: blue for improvement
    "special_cause_concern": RED,  # concern (MDC's orange fails 3:1 on white)
    "special_cause_neutral_high": PURPLE,
    "special_cause_neutral_low": PURPLE,
    "special_cause": DARK_PINK,
}


@dataclass
class Line:
    label: str
    values: list  # one per point, None where absent
    colour: str = MID_GREY
    dash: str = ""
    end_label: str = ""  # written at the line's right end (e.g. "Upper process limit 8.7")


@dataclass
class Annotation:
    index: int
    label: str
    number: int | None = None  # drawn before the label, matching a numbered list beside the chart


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
    id_prefix: str = "chart"  # ids of the <title>/<desc>: unique when a page holds several charts
    breaks: list = field(default_factory=list)  # indices where every Line restarts (a recalculation)


def _nice_step(span):
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if span / step <= 8:
            return step
    return span / 8


TYPE_LABELS = {
    "common_cause": "Common cause variation",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: higher (neither better nor worse)",
    "special_cause_neutral_low": "Special cause: lower (neither better nor worse)",
    "special_cause": "Special cause: outside the limits",
}
# Shape as well as colour tells the point types apart (WCAG 1.4.1).
# Common cause: a small dot; improvement: a triangle; concern: a square; neither better nor worse:
# a diamond; outside the limits without a direction: a cross.
TYPE_SHAPES = {
    "special_cause_improvement": "triangle",
    "special_cause_concern": "square",
    "special_cause_neutral_high": "diamond",
    "special_cause_neutral_low": "diamond",
    "special_cause": "cross",
}


def _text_width(text, size=12):
    # Generous: the fallback for Arial may be a wider sans-serif (DejaVu Sans in the PDF).
    return len(text) * size * 0.62


def _shorten(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _marker(kind, cx, cy, colour, title=""):
    tip = f"<title>{escape(title)}</title>" if title else ""
    shape = TYPE_SHAPES.get(kind)
    if shape == "square":
        return (
            f'<rect x="{cx - 4.5:.1f}" y="{cy - 4.5:.1f}" width="9" height="9" fill="{colour}" '
            f'stroke="#ffffff" stroke-width="1">{tip}</rect>'
        )
    if shape == "diamond":
        return (
            f'<polygon points="{cx:.1f},{cy - 6:.1f} {cx + 6:.1f},{cy:.1f} {cx:.1f},{cy + 6:.1f} {cx - 6:.1f},{cy:.1f}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1">{tip}</polygon>'
        )
    if shape == "triangle":
        return (
            f'<polygon points="{cx:.1f},{cy - 6.5:.1f} {cx + 6:.1f},{cy + 4.5:.1f} {cx - 6:.1f},{cy + 4.5:.1f}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1">{tip}</polygon>'
        )
    if shape == "cross":
        a, b = 6, 2
        pts = [
            (-a, -a + b),
            (-a + b, -a),
            (0, -b),
            (a - b, -a),
            (a, -a + b),
            (b, 0),
            (a, a - b),
            (a - b, a),
            (0, b),
            (-a + b, a),
            (-a, a - b),
            (-b, 0),
        ]
        return (
            f'<polygon points="{" ".join(f"{cx + dx:.1f},{cy + dy:.1f}" for dx, dy in pts)}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1">{tip}</polygon>'
        )
    r = 5 if shape == "circle" else 3.5
    return (
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="{colour}" stroke="#ffffff" stroke-width="1">{tip}</circle>'
    )


def _segments(values, breaks, x, y):
    segs, cur = [], []
    for i, v in enumerate(values):
        if i in breaks and cur:
            segs.append(cur)
            cur = []
        if v is None:
            if cur:
                segs.append(cur)
            cur = []
        else:
            cur.append(f"{x(i):.1f},{y(v):.1f}")
    if cur:
        segs.append(cur)
    return segs


LANE = 15  # px between annotation lanes (an 11 px label is about 13 px tall)
ANNOTATION_SIZE = 11
MAX_FULL_LANES = 5  # beyond this many lanes a numbered label is written as its number only


@dataclass
class PlacedLabel:
    ax: float  # the annotated month's x
    lane: int  # 0 just above the plot, counting upwards
    text: str
    full: str
    anchor: str  # "start": to the right of the leader; "end": to its left
    x0: float  # the label's estimated extent
    x1: float


def _label_text(a, shorten=True):
    text = (f"{a.number} " if a.number is not None else "") + (_shorten(a.label, 34) if shorten else a.label)
    return text


def _extent(ax, text, w, number=None):
    """(text, x0, x1, anchor) of a label at the leader ax: to its right, shortened to fit before
    the chart's right edge (to its number, if it has one); to its left only when not even that fits."""
    room = w - 2 - (ax + 3)
    per_char = _text_width("x", ANNOTATION_SIZE)
    if _text_width(text, ANNOTATION_SIZE) > room:
        keep = int(room // per_char)
        shortest = len(str(number)) + 4 if number is not None else 3
        if keep >= shortest:
            text = _shorten(text, keep)
        elif number is not None:
            text = str(number)
    width = _text_width(text, ANNOTATION_SIZE)
    if width <= room:
        return text, ax + 3, ax + 3 + width, "start"
    return text, ax - 3 - width, ax - 3, "end"


def _fits(x0, x1, ax, lane, placed, gap=8, clear=3):
    """A label at lane `lane` spanning x0..x1 with its leader at ax collides with nothing placed:
    no label in its lane within `gap`, no label in a lower lane over its leader, and no leader of
    a label in a higher lane passing through it."""
    for p in placed:
        if p.lane == lane and x0 < p.x1 + gap and p.x0 < x1 + gap:
            return False
        if p.lane < lane and p.x0 - clear < ax < p.x1 + clear:
            return False
        if p.lane > lane and x0 - clear < p.ax < x1 + clear:
            return False
    return True


def _annotation_lanes(annotations, x, w):
    """Lay annotation labels out in lanes above the plot so that none overlaps another or is
    crossed by another's leader line, however many there are. Placed right to left: each label
    goes in the lowest lane where it fits (a fresh lane always does). Past MAX_FULL_LANES lanes a
    numbered label is written as its number (the numbered list beside the chart gives the text).
    Returns ([PlacedLabel], number of lanes)."""
    placed = []
    for a in sorted(annotations, key=lambda a: (a.index, a.number or 0), reverse=True):
        ax = x(a.index)
        full = _label_text(a, shorten=False)
        options = [_label_text(a)]
        if a.number is not None:
            options.append(str(a.number))
        best = None
        for text in options:
            text, x0, x1, anchor = _extent(ax, text, w, a.number)
            lane = 0
            while not _fits(x0, x1, ax, lane, placed) and lane <= len(placed):
                lane += 1
            if best is None or lane < best.lane:
                best = PlacedLabel(ax, lane, text, full, anchor, x0, x1)
            if lane < MAX_FULL_LANES:
                break
        placed.append(best)
    placed.reverse()
    return placed, (max(p.lane for p in placed) + 1 if placed else 0)


def render_svg(chart: Chart) -> str:
    w = chart.width
    n = max(len(chart.values), 1)
    breaks = set(chart.breaks)
    end_labels = [ln for ln in chart.lines if ln.end_label]
    left = 56
    right = 16
    if end_labels:
        right = int(min(220, max(_text_width(ln.end_label, 11) for ln in end_labels) + 14))
    if chart.annotations:
        right = max(right, 44)  # room for a label of the last month, shortened if need be
    pw = w - left - right

    def x(i):
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    placed, n_lanes = _annotation_lanes(chart.annotations, x, w)

    # Legend entries: the lines, then the kinds of point that appear.
    legend = [("line", ln.label, ln.colour, ln.dash) for ln in chart.lines]
    if chart.point_types:
        present = [k for k in TYPE_LABELS if k in set(chart.point_types)]
        if any(k != "common_cause" for k in present) or present:
            for k in present:
                legend.append(("point", TYPE_LABELS[k], TYPE_COLOURS.get(k, MID_GREY), k))
    legend_rows, lx = 1, left
    for item in legend:
        width = 30 + _text_width(item[1])
        if lx + width > w - 8 and lx > left:
            legend_rows += 1
            lx = left
        lx += width
    top = 18 + LANE * n_lanes if n_lanes else 28
    # Room for the x labels (rotated 45°, about 45 px deep) and then the legend rows.
    bottom = 82 + 16 * (legend_rows - 1)
    ph = chart.height - 28 - 64
    h = top + ph + bottom

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

    def y(v):
        return top + ph - (v - lo) / (hi - lo) * ph

    pid = escape(chart.id_prefix)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tandem-chart" viewBox="0 0 {w} {h}" '
        f'width="{w}" height="{h}" role="img" aria-labelledby="{pid}-title" aria-describedby="{pid}-desc" '
        f'font-family="Frutiger W01, Arial, sans-serif" font-size="12">',
        f'<title id="{pid}-title">{escape(chart.title)}</title>',
        f'<desc id="{pid}-desc">{escape(chart.description or chart.title)}</desc>',
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#ffffff" stroke="#d8dde0"/>',
    ]
    tick = lo
    while tick <= hi + 1e-9:
        ty = y(tick)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#f0f4f5"/>')
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{DARK_GREY}">{tick:g}</text>')
        tick += step
    every = max(1, -(-n // 12))
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
    for lab in placed:
        # Lane 0 sits just above the plot, lane 1 above it, and so on; the leader line runs from
        # the label down to its month and crosses only lanes that are clear at that x.
        ty = top - 10 - LANE * lab.lane
        out.append(
            f'<line class="tandem-leader" x1="{lab.ax:.1f}" x2="{lab.ax:.1f}" y1="{ty - 8}" y2="{top + ph}" '
            f'stroke="{PURPLE}" stroke-dasharray="2 3"/>'
        )
        tx = lab.ax + 3 if lab.anchor == "start" else lab.ax - 3
        tip = f"<title>{escape(lab.full)}</title>" if lab.text != lab.full else ""
        out.append(
            f'<text class="tandem-annotation" data-lane="{lab.lane}" x="{tx:.1f}" y="{ty}" text-anchor="{lab.anchor}" '
            f'font-size="{ANNOTATION_SIZE}" fill="{PURPLE}">{tip}{escape(lab.text)}</text>'
        )
    for line in chart.lines:
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        for seg in _segments(line.values, breaks, x, y):
            if len(seg) == 1:
                seg = seg * 2
            out.append(
                f'<polyline fill="none" stroke="{line.colour}" stroke-width="1.5"{dash} points="{" ".join(seg)}"/>'
            )
    # Labels at the right end of the lines that ask for one, pushed apart so they never overlap.
    ends = []
    for line in end_labels:
        last = next((v for v in reversed(line.values) if v is not None), None)
        if last is not None:
            ends.append([y(last) + 4, line])
    ends.sort(key=lambda e: e[0])
    for k in range(1, len(ends)):
        ends[k][0] = max(ends[k][0], ends[k - 1][0] + 13)
    for ty, line in ends:
        out.append(
            f'<text x="{left + pw + 5}" y="{ty:.1f}" font-size="11" fill="{DARK_GREY}">{escape(line.end_label)}</text>'
        )
    for seg in _segments(chart.values, set(), x, y):
        out.append(f'<polyline fill="none" stroke="{BLUE}" stroke-width="2" points="{" ".join(seg)}"/>')
    for i, v in enumerate(chart.values):
        if v is None:
            continue
        kind = chart.point_types[i] if chart.point_types else None
        colour = TYPE_COLOURS.get(kind, MID_GREY if chart.point_types else BLUE)
        title = f"{chart.labels[i]}: {v:g}"
        if kind and kind != "common_cause":
            title += f" ({TYPE_LABELS.get(kind, kind)})"
        out.append(_marker(kind, x(i), y(v), colour, title))
    legend_x, legend_row = left, 0
    for kind, label, colour, extra in legend:
        width = 30 + _text_width(label)
        if legend_x + width > w - 8 and legend_x > left:
            legend_row += 1
            legend_x = left
        ly = h - 8 - 16 * (legend_rows - 1 - legend_row)
        if kind == "line":
            out.append(
                f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"'
                + (f' stroke-dasharray="{extra}"' if extra else "")
                + "/>"
            )
        else:
            out.append(_marker(extra, legend_x + 9, ly - 4, colour))
        out.append(f'<text x="{legend_x + 22}" y="{ly}" fill="{DARK_GREY}">{escape(label)}</text>')
        legend_x += width
    out.append("</svg>")
    return "".join(out)


# --- Making Data Count icons -------------------------------------------------------------------
# Simple icons drawn here (not NHS England's artwork). They are decorative: the page always
# writes their meaning in words beside them.

_ICON_COLOURS = {"improvement": BLUE, "concern": ORANGE, "neutral": PURPLE, "common": MID_GREY}


def _icon(colour, letter, inner, size):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tandem-icon" viewBox="0 0 48 48" width="{size}" '
        f'height="{size}" aria-hidden="true" focusable="false">'
        f'<circle cx="24" cy="24" r="21" fill="#ffffff" stroke="{colour}" stroke-width="4"/>{inner}'
        + (
            f'<text x="24" y="19" text-anchor="middle" font-family="Arial, sans-serif" font-size="13" '
            f'font-weight="bold" fill="{colour}">{letter}</text>'
            if letter
            else ""
        )
        + "</svg>"
    )


def variation_icon(point_type, improvement="neutral", size=44):
    """The variation icon for the type of the latest point (CONTRACTS.md §1 `variation`)."""
    if point_type in (None, "common_cause"):
        dots = "".join(
            f'<circle cx="{cx}" cy="{cy}" r="2.6" fill="{MID_GREY}"/>'
            for cx, cy in ((11, 28), (17, 24), (23, 30), (29, 24), (35, 29))
        )
        return _icon(
            MID_GREY,
            "",
            dots
            + f'<polyline points="11,28 17,24 23,30 29,24 35,29" fill="none" stroke="{MID_GREY}" stroke-width="1.5"/>',
            size,
        )
    high = (
        point_type.endswith("_high")
        or (point_type == "special_cause_improvement" and improvement != "decrease")
        or (point_type == "special_cause_concern" and improvement == "decrease")
    )
    family = "improvement" if "improvement" in point_type else "concern" if "concern" in point_type else "neutral"
    colour = _ICON_COLOURS[family]
    arrow = (
        '<polygon points="24,22 32,32 16,32"' if high else '<polygon points="24,38 32,28 16,28"'
    ) + f' fill="{colour}"/>'
    return _icon(colour, "H" if high else "L", arrow, size)


def assurance_icon(assurance, size=44):
    """The assurance icon: pass, fail or inconsistent (hit and miss)."""
    colour = {"pass": BLUE, "fail": ORANGE}.get(assurance, MID_GREY)
    letter = {"pass": "P", "fail": "F"}.get(assurance, "?")
    target = f'<line x1="10" x2="38" y1="30" y2="30" stroke="{colour}" stroke-width="2" stroke-dasharray="3 2"/>'
    return _icon(colour, letter, target, size)
