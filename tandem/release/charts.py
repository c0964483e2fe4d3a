"""A small server-rendered SVG grouped bar chart (the funnel per quarter). Like tandem.charts:
role="img" with a title and description, and the page puts the data table beside it."""

from html import escape

DARK_GREY = "#212b32"
# NHS.UK colours with at least 3:1 contrast on white (non-text contrast, WCAG 1.4.11)
COLOURS = ["#005eb8", "#007f3b", "#330072", "#768692"]


def grouped_bars(*, title, labels, series, description="", width=760, height=320, chart_id="bars"):
    """series: [(name, [value per label])]. Bars of each label side by side."""
    left, right, top, bottom = 44, 12, 16, 78
    pw, ph = width - left - right, height - top - bottom
    hi = max([v for _, values in series for v in values] + [1])
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if hi / s <= 6), hi / 6)
    hi = step * -(-hi // step)
    n, k = max(len(labels), 1), max(len(series), 1)
    slot = pw / n
    bar = max(1.0, slot * 0.8 / k)

    def y(v):
        return top + ph - v / hi * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tandem-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="Frutiger W01, Arial, sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description or title)}</desc>',
    ]
    tick = 0
    while tick <= hi + 1e-9:
        ty = y(tick)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#d8dde0"/>')
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{DARK_GREY}">{tick:g}</text>')
        tick += step
    every = max(1, n // 16)
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for j, (name, values) in enumerate(series):
            v = values[i] or 0
            if v:
                out.append(f'<rect x="{x0 + j * bar:.1f}" y="{y(v):.1f}" width="{bar:.1f}" height="{ph + top - y(v):.1f}" '
                           f'fill="{COLOURS[j % len(COLOURS)]}"><title>{escape(str(label))}, {escape(name)}: {v:g}</title></rect>')
        if i % every == 0:
            cx = left + i * slot + slot / 2
            out.append(f'<text x="{cx:.1f}" y="{top + ph + 14}" text-anchor="end" fill="{DARK_GREY}" '
                       f'transform="rotate(-45 {cx:.1f} {top + ph + 14})">{escape(str(label))}</text>')
    lx = left
    for j, (name, _values) in enumerate(series):
        out.append(f'<rect x="{lx}" y="{height - 16}" width="12" height="12" fill="{COLOURS[j % len(COLOURS)]}"/>')
        out.append(f'<text x="{lx + 16}" y="{height - 6}" fill="{DARK_GREY}">{escape(name)}</text>')
        lx += 28 + 7 * len(name)
    out.append("</svg>")
    return "".join(out)
