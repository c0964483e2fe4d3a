"""Every PDF Tandem makes goes through here: WeasyPrint with a URL fetcher that fetches nothing
from the network or the disk.

User text (a College's name, a story, a tutor's name) can end up in a PDF's HTML. Were it ever
read as CSS or as an address, WeasyPrint would fetch whatever it named (`url(http://…)`,
`file:///…`). The fetcher allows only `data:` URIs and Tandem's own static files (found through
Django's staticfiles finders, never by a path taken from the URL); it refuses everything else.
The templates keep user text out of <style> (the page footers are running elements in the body)."""

import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class RefusedURL(ValueError):
    pass


def _static_name(url):
    """The static file's name for a URL of Tandem's static files, else None."""
    static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    if parts.scheme in ("http", "https"):
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None
    elif parts.scheme != "tandem-static":
        return None
    path = unquote(parts.path)
    if parts.scheme == "tandem-static":
        path = static_url + path.lstrip("/")
    if not path.startswith(static_url):
        return None
    name = posixpath.normpath(path[len(static_url) :])
    if name.startswith(("..", "/")) or "\x00" in name:
        return None
    return name


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, restricted to data: URIs and Tandem's static files."""

    def __init__(self):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        name = _static_name(url)
        if name is not None:
            path = finders.find(name)
            if path:
                with open(path, "rb") as handle:
                    body = handle.read()
                mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": mime})
        raise RefusedURL(f"Tandem's PDFs fetch nothing but their own static files: refused {url[:80]!r}")


def html_document(string):
    """A weasyprint.HTML for `string` that can fetch only data: URIs and Tandem's static files
    (write `tandem-static:/path` or the site's own /static/ URL)."""
    return HTML(string=string, base_url="tandem-static:/", url_fetcher=StaticOnlyFetcher())


def write_pdf(string):
    return html_document(string).write_pdf()
