"""Decision documents as PDF/A-2a: archival, tagged and accessible, rendered by WeasyPrint.

Title, author, subject, keywords and language come from the HTML (`<title>`,
`<meta name="author|description|keywords">`, `<html lang>`); see
`templates/documents/print_base.html`. Every resource a document loads goes through
`static_url_fetcher`, which reads the project's static files from disk and refuses
everything else: a document never fetches anything over a network.
"""

import base64
import binascii
import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

PDF_VARIANT = "pdf/a-2a"

# Inline images (an organisation's uploaded logo) may come as data: URLs; nothing else
# may, and nothing bigger.
DATA_URL_TYPES = frozenset({"image/png", "image/jpeg"})
DATA_URL_MAX_BYTES = 2 * 1024 * 1024


class ResourceRefused(ValueError):
    """A document asked for something that is not one of the project's static files."""


class StaticFilesURLFetcher(URLFetcher):
    """Serves the project's static files from disk and data: images; refuses the rest.

    WeasyPrint 70 takes a `URLFetcher` instance (it reads `_fail_on_errors` from it),
    not a plain function, so this subclass overrides `fetch`. Accepted:

    - `/static/…` as it resolves against the default base URL (`file:///static/…`),
      looked up with the staticfiles finders;
    - `file://` URLs of files inside `BASE_DIR / "static"`;
    - `data:` URLs of PNG or JPEG images up to `DATA_URL_MAX_BYTES`.
    """

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return _fetch_data_url(url)
        if scheme == "file":
            path = _static_file(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )
        raise ResourceRefused(f"Only the project's static files may be loaded, not {url}")


# Errors stop the rendering: a decision document is never archived without its logo
# or fonts. `render_pdf` turns WeasyPrint's fatal error back into `ResourceRefused`.
static_url_fetcher = StaticFilesURLFetcher(fail_on_errors=True)


def render_pdf(*, html: str, base_url: str | None = None) -> bytes:
    """Render `html` as a tagged PDF/A-2a; raises `ResourceRefused` for a foreign URL.

    Leave `base_url` out: against a request's http(s) URL, "/static/…" would become an
    http address, which the fetcher refuses.
    """
    document = HTML(
        string=html,
        base_url=base_url or default_base_url(),
        url_fetcher=static_url_fetcher,
    )
    try:
        return document.write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,
            # The file identifier follows the content, not the clock.
            pdf_identifier=hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
        )
    except FatalURLFetchingError as error:
        raise ResourceRefused(str(error.__cause__ or error)) from error


def default_base_url() -> str:
    """The base against which `/static/…` resolves to a file URL the fetcher knows."""
    return f"file://{_static_prefix()}"


def image_data_url(*, data: bytes, content_type: str) -> str:
    """An uploaded PNG or JPEG as a data: URL, for `document.logo_url`."""
    if content_type not in DATA_URL_TYPES:
        raise ResourceRefused(f"Images must be PNG or JPEG, not {content_type}")
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _static_prefix() -> str:
    # STATIC_URL is "static/" in settings; Django reads it back as "/static/".
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    return prefix if prefix.endswith("/") else prefix + "/"


def _static_file(url: str) -> Path:
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.netloc not in ("", "localhost") or "\x00" in path or "\\" in path:
        raise ResourceRefused(f"Only the project's static files may be loaded, not {url}")
    if ".." in path.split("/"):
        raise ResourceRefused(f"Path outside static files: {url}")

    static_dir = (Path(settings.BASE_DIR) / "static").resolve()
    prefix = _static_prefix()
    found = None
    if path.startswith(prefix):
        # "/static/fonts/x.ttf" resolved against the default base URL.
        relative = path.removeprefix(prefix)
        found = finders.find(relative) if relative else None
        if not found and relative and staticfiles_storage.exists(relative):
            # A `{% static %}` URL in production names a collected, hashed file.
            found = staticfiles_storage.path(relative)
    else:
        candidate = Path(path).resolve()
        if candidate.is_relative_to(static_dir):
            found = candidate
    if not found or not Path(found).is_file():
        raise ResourceRefused(f"Only the project's static files may be loaded, not {url}")
    return Path(found)


def _fetch_data_url(url: str) -> URLFetcherResponse:
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise ResourceRefused("Invalid data: URL")
    content_type, *params = header.split(";")
    content_type = content_type.strip().lower()
    if content_type not in DATA_URL_TYPES:
        raise ResourceRefused(f"data: URLs may hold PNG or JPEG images only, not {content_type!r}")
    # A base64 payload is 4/3 of its content; refuse before decoding anything large.
    if len(payload) > DATA_URL_MAX_BYTES * 4 // 3 + 4:
        raise ResourceRefused("Image in data: URL is too large")
    try:
        if "base64" in (param.strip().lower() for param in params):
            body = base64.b64decode(unquote(payload), validate=True)
        else:
            body = unquote(payload).encode("latin-1")
    except (binascii.Error, ValueError, UnicodeEncodeError) as error:
        raise ResourceRefused("Invalid data: URL") from error
    if len(body) > DATA_URL_MAX_BYTES:
        raise ResourceRefused("Image in data: URL is too large")
    return URLFetcherResponse(url, body, headers={"Content-Type": content_type})
