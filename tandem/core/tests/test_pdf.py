"""PDFs fetch nothing: WeasyPrint's fetcher allows data: URIs and Tandem's own static files only,
every PDF goes through tandem.core.pdf, and user text stays out of the style sheets."""

import http.server
import re
import threading
from pathlib import Path

import pytest

from tandem.core import pdf

TANDEM = Path(__file__).resolve().parents[2]


@pytest.fixture
def listener():
    """A local web server that records every request it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"html { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_the_fetcher_refuses_everything_but_data_and_static_files(settings):
    fetcher = pdf.StaticOnlyFetcher()
    for url in (
        "http://127.0.0.1:9/x.css",
        "https://example.com/a.png",
        "file:///etc/passwd",
        "ftp://h/x",
        "tandem-static:/../../etc/passwd",
        "tandem-static:/static/../../settings.py",
        f"{settings.SITE_URL}/private/",
        "http://evil.example/static/tandem/tandem.css",
    ):
        with pytest.raises(pdf.RefusedURL):
            fetcher(url)
    assert fetcher("data:text/plain,hello").read() == b"hello"
    css = fetcher("tandem-static:/tandem/tandem.css")
    assert css.read() and css.content_type == "text/css"
    assert fetcher(f"{settings.SITE_URL.rstrip('/')}/static/tandem/tandem.css").read()


def test_a_pdf_fetches_nothing_from_the_network_or_the_disk(listener):
    base, hits = listener
    content = pdf.write_pdf(f"""<html><head><link rel="stylesheet" href="{base}/linked.css">
        <style>@import url("{base}/imported.css"); body {{ background: url("{base}/bg.png") }}</style></head>
        <body><img src="{base}/img.png"><img src="file:///etc/hostname"><p>Hello</p></body></html>""")
    assert content.startswith(b"%PDF")
    assert hits == []


@pytest.mark.django_db
def test_a_college_name_cannot_make_the_story_pack_or_the_report_fetch_anything(world, listener):
    from tandem.stories import pack

    base, hits = listener
    # HTML escaping does not stop it: a line break ends a CSS string, and the rest is read as CSS.
    world.college.name = f"Riverside\n}} }} html {{ background: url({base}/leak) }} @page {{ @top-left {{ content: x"
    world.college.save()
    assert pack.pdf(None, [], world.college).startswith(b"%PDF")
    html = pack.html(None, [], world.college)
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    assert "Riverside" not in style and "leak" not in style
    assert hits == []


def test_every_pdf_goes_through_the_safe_fetcher():
    """WeasyPrint is called in tandem/core/pdf.py only (a new PDF must use it)."""
    offenders = []
    for path in TANDEM.rglob("*.py"):
        if path.name.startswith("test_") or path == TANDEM / "core" / "pdf.py":
            continue
        text = path.read_text()
        if re.search(r"\bweasyprint\b|\bHTML\(|write_pdf\(", text) and "tandem.core.pdf" not in text:
            offenders.append(str(path.relative_to(TANDEM)))
    assert offenders == [], f"WeasyPrint used without tandem.core.pdf in {offenders}"
