"""Layout checks axe cannot make (issue 17), shared by the browser tests: reflow at a narrow
viewport (WCAG 1.4.10) and overlapping or clipped text at 200% zoom (WCAG 1.4.4)."""

# The document's width, and what makes it wider than the viewport: elements reaching past the
# right edge that are not inside a scroll container; and every scroll container that actually
# scrolls sideways, with whether it is a labelled, focusable region (role="region", named by
# aria-label or aria-labelledby, tabindex="0").
REFLOW = """() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = el => { const s = getComputedStyle(el); return ['auto', 'scroll'].includes(s.overflowX)
                                                          && el.scrollWidth > el.clientWidth + 1; };
  const inScroller = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                               if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true; }
                             return false; };
  const named = el => !!(el.getAttribute('aria-label') || '').trim() ||
                      (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some(id => id &&
                        document.getElementById(id) && document.getElementById(id).textContent.trim());
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                     (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const wide = [], scrollers = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.right > vw + 1 && !inScroller(el)) wide.push(name(el) + ' right=' + Math.round(r.right));
    if (scrolls(el)) scrollers.push({el: name(el), region: el.getAttribute('role') === 'region'
        && named(el) && el.getAttribute('tabindex') === '0'});
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: vw, wide: wide.slice(0, 8), scrollers};
}"""


def reflow_problems(page, width):
    """What makes the open page scroll sideways at `width` CSS px, outside a labelled scroll region
    (an empty list when nothing does)."""
    found = page.evaluate(REFLOW)
    problems = []
    if found["scrollWidth"] > width:
        problems.append(f"{found['scrollWidth']} px wide at {width} px; past the edge: {found['wide']}")
    unlabelled = [s["el"] for s in found["scrollers"] if not s["region"]]
    if unlabelled:
        problems.append(f"scrolls sideways outside a labelled, focusable region: {unlabelled}")
    return problems


# Every piece of text the main content shows, as the browser laid it out: each line of each HTML
# text node (Range.getClientRects) and each SVG <text> (its getBBox through getScreenCTM, so a
# rotated axis label is its rotated box, not the larger upright box around it). Text that is not
# shown (an ancestor display:none or visibility:hidden, a closed <details>' content) or visually
# hidden (a 1 px box that clips) is left out. Returns pairs of pieces of different nodes that
# overlap, after insetting each piece (1 px along the text, 12% of its height across it: the glyph
# box of a line is taller than the ink and adjacent lines' boxes may touch), and pieces cut off by
# an ancestor that clips (overflow hidden or clip, or an <svg>'s own edge) rather than scrolls.
TEXT_LAYOUT = """(selector) => {
  const root = document.querySelector(selector) || document.body;
  const seen = new Map();
  const hidden = el => {
    if (!el || el === document.documentElement) return false;
    if (seen.has(el)) return seen.get(el);
    const s = getComputedStyle(el);
    let h = s.display === 'none' || s.visibility === 'hidden' || s.visibility === 'collapse';
    // The content of a closed <details> (all but its <summary>) is not shown.
    const up = el.parentElement;
    h = h || (up && up.tagName === 'DETAILS' && !up.open && el.tagName !== 'SUMMARY');
    if (!h && s.overflow !== 'visible' && !(el instanceof SVGElement)) {
      const r = el.getBoundingClientRect();
      h = r.width <= 1 || r.height <= 1;   // the visually-hidden pattern
    }
    h = h || hidden(el.parentElement);
    seen.set(el, h);
    return h;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const pieces = [];
  const add = (node, owner, o, u, v, w, h, text) => pieces.push({node, owner, o, u, v, w, h, text: text.trim().slice(0, 50)});
  // HTML text: one axis-aligned box per line.
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || el.closest('svg') || hidden(el)) continue;
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      if (r.width < 1 || r.height < 1) continue;
      add(n, el, [r.left, r.top], [1, 0], [0, 1], r.width, r.height, n.textContent);
    }
  }
  // SVG text: the box in the text's own coordinates, mapped to the page.
  for (const t of root.querySelectorAll('svg text')) {
    if (hidden(t) || !t.textContent.trim()) continue;
    const b = t.getBBox(), m = t.getScreenCTM();
    if (!m || b.width < 0.5 || b.height < 0.5) continue;
    const p = (x, y) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f];
    const o = p(b.x, b.y), ux = p(b.x + b.width, b.y), vy = p(b.x, b.y + b.height);
    const w = Math.hypot(ux[0] - o[0], ux[1] - o[1]), h = Math.hypot(vy[0] - o[0], vy[1] - o[1]);
    add(t, t, o, [(ux[0] - o[0]) / w, (ux[1] - o[1]) / w], [(vy[0] - o[0]) / h, (vy[1] - o[1]) / h], w, h,
        [...t.childNodes].filter(c => c.nodeType === 3).map(c => c.textContent).join(''));
  }
  const corners = (q, du, dv) => {
    const pt = (a, b) => [q.o[0] + q.u[0] * a + q.v[0] * b, q.o[1] + q.u[1] * a + q.v[1] * b];
    return [pt(du, dv), pt(q.w - du, dv), pt(q.w - du, q.h - dv), pt(du, q.h - dv)];
  };
  for (const q of pieces) {
    q.c = corners(q, 0, 0);
    q.inner = corners(q, Math.min(1, q.w / 4), q.h * 0.12);
    const xs = q.c.map(c => c[0]), ys = q.c.map(c => c[1]);
    q.box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }
  const apart = (a, b) => {   // separating axis test of two (inset) rectangles
    for (const axis of [a.u, a.v, b.u, b.v]) {
      const pa = a.inner.map(c => c[0] * axis[0] + c[1] * axis[1]);
      const pb = b.inner.map(c => c[0] * axis[0] + c[1] * axis[1]);
      if (Math.max(...pa) <= Math.min(...pb) || Math.max(...pb) <= Math.min(...pa)) return true;
    }
    return false;
  };
  const overlaps = [];
  const order = [...pieces].sort((a, b) => a.box[1] - b.box[1]);
  for (let i = 0; i < order.length; i++) {
    const a = order[i];
    for (let j = i + 1; j < order.length && order[j].box[1] < a.box[3]; j++) {
      const b = order[j];
      if (a.node === b.node || b.box[0] >= a.box[2] || a.box[0] >= b.box[2]) continue;
      if (!apart(a, b)) overlaps.push(`${JSON.stringify(a.text)} (${name(a.owner)}) overlaps ` +
                                      `${JSON.stringify(b.text)} (${name(b.owner)})`);
    }
  }
  // Clipping: an ancestor that hides overflow (or an <svg>'s edge) must hold the whole piece.
  const clipped = [];
  for (const q of pieces) {
    for (let el = q.owner; el && el !== document.body; el = el.parentElement) {
      const s = getComputedStyle(el);
      const clips = el.tagName.toLowerCase() === 'svg' ? s.overflow !== 'visible' :
                    ['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY);
      if (!clips) continue;
      const r = el.getBoundingClientRect();
      if (q.box[0] < r.left - 1 || q.box[1] < r.top - 1 || q.box[2] > r.right + 1 || q.box[3] > r.bottom + 1) {
        clipped.push(`${JSON.stringify(q.text)} (${name(q.owner)}) is cut off by ${name(el)}`);
        break;
      }
    }
  }
  return {pieces: pieces.length, overlaps: overlaps.slice(0, 20), clipped: clipped.slice(0, 20)};
}"""

# The size at which each chart's text is drawn, in CSS px: its font size times the chart's scale
# (the width the <svg> is drawn at over the width of its viewBox).
CHART_TEXT_SIZES = """() => [...document.querySelectorAll('svg.tandem-chart')].map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  return {id: svg.getAttribute('aria-labelledby'), scale, smallest: Math.min(...sizes)};
})"""


def text_problems(page, selector="main"):
    """Overlapping and clipped text in the page's main content (empty lists when there is none)."""
    found = page.evaluate(TEXT_LAYOUT, selector)
    assert found["pieces"], f"{page.url}: no text found in {selector}"
    return found["overlaps"] + found["clipped"]
