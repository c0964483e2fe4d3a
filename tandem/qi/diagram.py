"""The driver diagram drawn as SVG on the server: aim → primary drivers → secondary drivers →
change ideas, one column each. The page gives the same diagram as a nested list beside it."""

from html import escape

from tandem.charts import BLUE, DARK_GREY, GREEN, MID_GREY, PURPLE

COLUMNS = (("Aim", DARK_GREY), ("Primary drivers", BLUE), ("Secondary drivers", PURPLE), ("Change ideas", GREEN))
COL_W, GAP, PAD, LINE_H, FONT = 200, 36, 8, 15, 12
CHARS = 27  # characters a line of a box holds at 12px


def wrap(text, width=CHARS):
    lines, cur = [], ""
    for word in text.split():
        while len(word) > width:
            if cur:
                lines.append(cur)
                cur = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    if cur:
        lines.append(cur)
    return lines or [""]


def _box_h(text):
    return len(wrap(text)) * LINE_H + 2 * PAD


def render_driver_diagram(aim, tree, *, id_prefix="drivers"):
    """`tree` is selectors.driver_tree(): [(primary, [(secondary, [ideas])])]."""
    # Leaf rows: one per change idea (or per childless driver), each as tall as its tallest box.
    rows = []  # (primary, secondary or None, idea or None)
    for p, secondaries in tree:
        if not secondaries:
            rows.append((p, None, None))
        for s, ideas in secondaries:
            if not ideas:
                rows.append((p, s, None))
            for i in ideas:
                rows.append((p, s, i))
    if not rows:
        rows.append((None, None, None))
    heights = [max(40, _box_h(i.title) + 10 if i else 40) for _p, _s, i in rows]

    def grow(key_of, text_of):
        """Make each span of rows sharing a box tall enough for that box."""
        start = 0
        while start < len(rows):
            key = key_of(rows[start])
            end = start
            while end + 1 < len(rows) and key is not None and key_of(rows[end + 1]) == key:
                end += 1
            if key is not None:
                need = _box_h(text_of(rows[start])) + 10
                have = sum(heights[start : end + 1])
                if need > have:
                    heights[end] += need - have
            start = end + 1

    grow(lambda r: r[1].pk if r[1] else None, lambda r: r[1].text)
    grow(lambda r: r[0].pk if r[0] else None, lambda r: r[0].text)
    header = 34
    total = max(sum(heights), _box_h(aim) + 10)
    width = 4 * COL_W + 3 * GAP + 2 * 8
    height = header + total + 8
    tops = [header]
    for h in heights:
        tops.append(tops[-1] + h)

    def col_x(c):
        return 8 + c * (COL_W + GAP)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tandem-chart tandem-diagram" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{id_prefix}-title" aria-describedby="{id_prefix}-desc" '
        f'font-family="Frutiger W01, Arial, sans-serif" font-size="{FONT}">',
        f'<title id="{id_prefix}-title">Driver diagram</title>',
        f'<desc id="{id_prefix}-desc">The aim, {len(tree)} primary drivers, their secondary drivers and the change ideas '
        f"that act on them. The list after the diagram gives the same content.</desc>",
    ]
    for c, (name, colour) in enumerate(COLUMNS):
        out.append(
            f'<text x="{col_x(c) + COL_W / 2}" y="20" text-anchor="middle" font-weight="bold" fill="{colour}">{name}</text>'
        )

    def box(c, top, span_h, text, colour):
        lines = wrap(text)
        h = len(lines) * LINE_H + 2 * PAD
        y = top + (span_h - h) / 2
        x = col_x(c)
        out.append(
            f'<rect x="{x}" y="{y:.1f}" width="{COL_W}" height="{h}" rx="4" fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
        )
        for k, line in enumerate(lines):
            out.append(
                f'<text x="{x + PAD}" y="{y + PAD + 11 + k * LINE_H:.1f}" fill="{DARK_GREY}">{escape(line)}</text>'
            )
        return y + h / 2  # centre y, for connectors

    def connect(c_from, y_from, y_to):
        x1 = col_x(c_from) + COL_W
        x2 = col_x(c_from + 1)
        mid = (x1 + x2) / 2
        out.append(
            f'<polyline fill="none" stroke="{MID_GREY}" stroke-width="1.5" '
            f'points="{x1},{y_from:.1f} {mid},{y_from:.1f} {mid},{y_to:.1f} {x2},{y_to:.1f}"/>'
        )

    aim_y = box(0, header, total, aim, COLUMNS[0][1])

    def spans(key_of):
        out_spans, start = [], 0
        while start < len(rows):
            key = key_of(rows[start])
            end = start
            while end + 1 < len(rows) and key is not None and key_of(rows[end + 1]) == key:
                end += 1
            out_spans.append((start, end, rows[start]))
            start = end + 1
        return out_spans

    p_centre = {}
    for start, end, (p, _s, _i) in spans(lambda r: r[0].pk if r[0] else None):
        if p is None:
            continue
        y = box(1, tops[start], tops[end + 1] - tops[start], p.text, COLUMNS[1][1])
        p_centre[p.pk] = y
        connect(0, aim_y, y)
    s_centre = {}
    for start, end, (p, s, _i) in spans(lambda r: r[1].pk if r[1] else None):
        if s is None:
            continue
        y = box(2, tops[start], tops[end + 1] - tops[start], s.text, COLUMNS[2][1])
        s_centre[s.pk] = y
        connect(1, p_centre[p.pk], y)
    for k, (_p, s, i) in enumerate(rows):
        if i is None:
            continue
        y = box(3, tops[k], tops[k + 1] - tops[k], i.title, COLUMNS[3][1])
        connect(2, s_centre[s.pk], y)
    out.append("</svg>")
    return "".join(out)
