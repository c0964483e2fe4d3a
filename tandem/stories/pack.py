"""The story pack: externally consented stories as a PDF (WeasyPrint) for presentations to Trust
leaders and beyond. Self-contained HTML (inline CSS), so it fetches nothing."""

from datetime import date

from django.template.loader import render_to_string


def html(request, stories, college):
    return render_to_string(
        "stories/pack.jinja", {"stories": stories, "college": college, "today": date.today()}, request=request
    )


def pdf(request, stories, college):
    from tandem.core.pdf import write_pdf  # noqa: PLC0415 (WeasyPrint is heavy: only when a PDF is made)

    return write_pdf(html(request, stories, college))
