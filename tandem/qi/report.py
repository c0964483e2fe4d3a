"""The one-page leader report as PDF (WeasyPrint), from the same content and SVG chart as the page."""

from django.template.loader import render_to_string

from . import present

# Denser layouts tried in turn until the report fits on one A4 page:
# (chart height, characters per story, CSS density class)
LEVELS = ((300, 260, 0), (260, 200, 1), (220, 140, 2), (180, 120, 2))


def html(request, project, level=0, content=None):
    chart_height, story_chars, density = LEVELS[level]
    r = content or present.report(project, chart_height=chart_height)
    return render_to_string("qi/report_pdf.jinja", {"r": r, "project": project, "density": density,
                                                     "story_chars": story_chars}, request=request)


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
