"""A small server-rendered SVG grouped bar chart (the funnel per quarter). Like tandem.charts:
role="img" with a title and description, and the page puts the data table beside it.

Readable at any length of history: it draws at most `max_groups` groups (the latest), each bar
wide enough to carry its number written above it; the table beside it gives every group."""

from html import escape

DARK_GREY = "#212b32"
GRID = "#d8dde0"
# NHS.UK colours with at least 3:1 contrast on white (non-text contrast, WCAG 1.4.11)
COLOURS = ["#005eb8", "#007f3b", "#330072", "#768692"]


def _text_width(text, size=12):
    return len(text) * size * 0.62


def grouped_bars(*, title, labels, series, description="", width=760, height=320, chart_id="bars", max_groups=8):
    """series: [(name, [value per label])]. Bars of each label side by side, the value above
    each bar; only the last `max_groups` labels are drawn (say so in the description)."""
    if len(labels) > max_groups:
        labels = labels[-max_groups:]
        series = [(name, values[-max_groups:]) for name, values in series]
    left, right, top = 44, 12, 24
    # The legend wraps onto as many rows as it needs, below the x labels.
    legend_rows, lx = 1, left
    for name, _values in series:
        item = 22 + _text_width(name)
        if lx + item > width - right and lx > left:
            legend_rows, lx = legend_rows + 1, left
        lx += item
    bottom = 32 + 18 * legend_rows
    pw, ph = width - left - right, height - top - bottom
    hi = max([v or 0 for _, values in series for v in values] + [1])
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if hi / s <= 6), hi / 6)
    hi = step * -(-hi // step)
    n, k = max(len(labels), 1), max(len(series), 1)
    slot = pw / n
    bar = slot * 0.8 / k

    def y(v):
        return top + ph - v / hi * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tandem-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'font-family="Frutiger W01, Arial, sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description or title)}</desc>',
    ]
    tick = 0
    while tick <= hi + 1e-9:
        ty = y(tick)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{DARK_GREY}">{tick:g}</text>')
        tick += step
    value_size = 11 if bar >= 14 else 9
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for j, (name, values) in enumerate(series):
            v = values[i] or 0
            bx = x0 + j * bar
            tip = f"<title>{escape(str(label))}, {escape(name)}: {v:g}</title>"
            if v:
                out.append(
                    f'<rect x="{bx:.1f}" y="{y(v):.1f}" width="{bar - 1:.1f}" height="{ph + top - y(v):.1f}" '
                    f'fill="{COLOURS[j % len(COLOURS)]}">{tip}</rect>'
                )
            # The number above every bar, 0 too (zero is not missing).
            out.append(
                f'<text x="{bx + (bar - 1) / 2:.1f}" y="{y(v) - 3:.1f}" text-anchor="middle" '
                f'font-size="{value_size}" fill="{DARK_GREY}">{v:g}</text>'
            )
        cx = left + i * slot + slot / 2
        out.append(
            f'<text x="{cx:.1f}" y="{top + ph + 16}" text-anchor="middle" fill="{DARK_GREY}">{escape(str(label))}</text>'
        )
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="{DARK_GREY}"/>')
    lx, row = left, 0
    for j, (name, _values) in enumerate(series):
        item = 22 + _text_width(name)
        if lx + item > width - right and lx > left:
            lx, row = left, row + 1
        ly = top + ph + 34 + 18 * row
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{COLOURS[j % len(COLOURS)]}"/>')
        out.append(f'<text x="{lx + 16}" y="{ly}" fill="{DARK_GREY}">{escape(name)}</text>')
        lx += item
    out.append("</svg>")
    return "".join(out)
