"""The one-page leader report as PDF (WeasyPrint), from the same content and SVG chart as the page."""

import time
from datetime import date

from django.core.cache import cache
from django.template.loader import render_to_string

from tandem.core import versions

from . import present

# Denser layouts tried in turn until the report fits on one A4 page:
# (chart height, characters per story, CSS density class)
LEVELS = ((300, 260, 0), (260, 200, 1), (220, 140, 2), (180, 120, 2))


def html(request, project, level=0, content=None):
    chart_height, story_chars, density = LEVELS[level]
    r = content or present.report(project, chart_height=chart_height)
    return render_to_string(
        "qi/report_pdf.jinja",
        {"r": r, "project": project, "density": density, "story_chars": story_chars},
        request=request,
    )


def document(request, project):
    """The laid-out WeasyPrint document (tests count its pages): the first layout that fits one page."""
    from tandem.core.pdf import html_document  # noqa: PLC0415 (WeasyPrint is heavy: only when a PDF is made)

    for level in range(len(LEVELS)):
        # The report embeds everything (inline SVG, inline CSS); its fetcher fetches nothing else.
        doc = html_document(html(request, project, level)).render()
        if len(doc.pages) == 1:
            return doc
    return doc


def pdf(request, project):
    return document(request, project).write_pdf()


def cached_pdf(request, project, *, wait=30.0):
    """The PDF, rendered once per version of the College's records and day (tandem.core.versions:
    any write to them renders it afresh): two people downloading it cost one render. While one
    request renders it, another waits for that render (up to `wait` seconds) rather than
    starting its own."""
    parts = ["leader-pdf", project.pk, date.today().isoformat()]
    if project.report_compare:  # its Compare Colleges section reads every College's records
        parts.append(versions.every_college())
    key = versions.versioned_key(project.college_id, *parts)
    found = cache.get(key)
    if found is not None:
        return found
    deadline = time.monotonic() + wait
    while not cache.add(f"{key}:rendering", 1, timeout=int(wait) + 30):
        time.sleep(0.2)
        found = cache.get(key)
        if found is not None:
            return found
        if time.monotonic() > deadline:
            break  # the other render failed or is stuck: render here
    try:
        found = pdf(request, project)
        cache.set(key, found, versions.TIMEOUT)
    finally:
        cache.delete(f"{key}:rendering")
    return found
