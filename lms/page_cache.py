"""Rendered HTML kept per process, with slots for what changes at each request.

- The site header is the same for everyone who shares a language and a role, and it cost
  more to render than the rest of a lesson page: it is rendered once per (locale, role).
- A whole page can be kept the same way when the view names everything the page depends
  on (`cached_page`): the lesson page is kept per (locale, role, section, sections read).

Two slots stay in the kept HTML and are filled for each request: the CSRF token of the
page's forms, and the path the language switch comes back to. Filling them is two string
replacements. Kept pages hold no personal data beyond what their key names (no name, no
e-mail, no counts other than the key's), and pages are kept with the course copy
(lms.content.cache): a content change drops them.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import Flask, current_app, g, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, int_to_bytes
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

# Control characters cannot appear in a rendered template, so the slots cannot clash with text.
CSRF_SLOT = "\x00csrf\x00"
NEXT_SLOT = "\x00next\x00"
EXTENSION_KEY = "escales.site_header"
STATIC_KEY = "escales.static_urls"
PAGES_VIEW = "page_cache.pages"
MAX_PAGES = 4096  # a bound on memory: past it, the kept pages are dropped and kept anew
SLOTTED = "escales_slotted_render"
CSRF_KEY = "escales.csrf_signers"


def header_key() -> tuple[str, str | None]:
    """What the header depends on: the page's language and the visitor's role (None: signed out)."""
    role = str(current_user.role) if current_user.is_authenticated else None
    return str(get_locale() or "fr"), role


def page_csrf_token() -> str:
    """This request's signed CSRF token for the page's forms, as Flask-WTF's `generate_csrf`
    makes it, signed by a `CsrfSigner` kept per secret key instead of built for each page.

    The token is still signed anew with the time for every response: a token that stayed
    the same across compressed responses would help a BREACH-style attack (docs/security.md).
    """
    raw = session.get("csrf_token")
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    if raw is None or "csrf_token" in g or not secret:
        return str(generate_csrf())  # a new session (Flask-WTF creates its token) or already signed
    signers: dict[object, CsrfSigner] = current_app.extensions[CSRF_KEY]
    signer = signers.get(secret)
    if signer is None:
        signer = CsrfSigner(secret)
        signers.clear()
        signers[secret] = signer
    token = signer.sign(raw)
    g.csrf_token = token  # what generate_csrf returns for the rest of this request
    return token


class CsrfSigner:
    """Flask-WTF's signing of a CSRF token (itsdangerous' URLSafeTimedSerializer with the
    salt "wtf-csrf-token"), byte for byte, with what stays the same from one response to
    the next worked out once: the encoded token (per session token) and the signing key.
    Each response costs the timestamp and one HMAC (a test compares it with itsdangerous).
    """

    MAX_TOKENS = 4096

    def __init__(self, secret: str | bytes) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
        signer = self._serializer.make_signer()
        assert isinstance(signer, TimestampSigner)  # a timed serializer's signer
        self._signer = signer
        self._key = self._signer.derive_key()
        self._payloads: dict[str, bytes] = {}

    def sign(self, raw: str) -> str:
        """The token `raw` signed with the current time, as `URLSafeTimedSerializer.dumps`."""
        payload = self._payloads.get(raw)
        if payload is None:
            if len(self._payloads) >= self.MAX_TOKENS:
                self._payloads.clear()
            payload = self._payloads[raw] = self._serializer.dump_payload(raw)
        signer = self._signer
        value = payload + b"." + base64_encode(int_to_bytes(signer.get_timestamp()))
        signature = base64_encode(signer.algorithm.get_signature(self._key, value))
        return (value + b"." + signature).decode("ascii")


def return_path() -> str:
    """Where the language switch comes back to: this page for a GET, the home page otherwise."""
    return request.full_path if request.method == "GET" else "/"


def fill_slots(template: str, csrf_token: str, next_path: str) -> Markup:
    """The cached header with this request's values in its slots (escaped)."""
    return Markup(
        template.replace(CSRF_SLOT, str(escape(csrf_token))).replace(
            NEXT_SLOT, str(escape(next_path))
        )
    )


def site_header() -> Markup:
    """The header of the current page (templates call it from base.html)."""
    cache: dict[tuple[str, str | None], str] = current_app.extensions[EXTENSION_KEY]
    key = header_key()
    template = cache.get(key)
    if template is None:
        template = render_template("_site_header.html", csrf_slot=CSRF_SLOT, next_slot=NEXT_SLOT)
        # While developing, templates change under the running server: render every time.
        if not current_app.jinja_env.auto_reload:
            cache[key] = template
    if g.get(SLOTTED):
        return Markup(template)  # a page being kept: its slots are filled when it is served
    return fill_slots(template, page_csrf_token(), return_path())


def cacheable_request() -> bool:
    """Whether this request's page may come from (or go to) the kept pages.

    Not with messages waiting to be flashed, nor with a query string (the language switch
    would come back to it), nor while templates reload under a development server.
    """
    return (
        request.method == "GET"
        and not request.query_string
        and "_flashes" not in session
        and not current_app.jinja_env.auto_reload
    )


def cached_page(db_session: Session, key: Hashable, template_name: str, **context: Any) -> str:
    """The page `template_name` renders with `context`, kept under `key` (plus language and
    role) until the course changes; the CSRF token and return path filled for this request.

    The caller's key must name everything the page shows that is not course content.
    """
    from lms.content import cache as content_cache  # the content package imports models

    if not cacheable_request():
        return render_template(template_name, **context)
    pages: dict[Hashable, str] = content_cache.remembered(db_session, PAGES_VIEW, dict)
    full_key = (header_key(), template_name, key)
    html = pages.get(full_key)
    if html is None:
        setattr(g, SLOTTED, True)
        try:
            html = render_template(template_name, csrf_token=lambda: CSRF_SLOT, **context)
        finally:
            setattr(g, SLOTTED, False)
        if len(pages) >= MAX_PAGES:
            pages.clear()
        pages[full_key] = html
    return fill_slots(html, page_csrf_token(), return_path())


def static_url(filename: str) -> str:
    """`url_for('static', filename=...)`, built once per file (every page links the same ones)."""
    urls: dict[str, str] = current_app.extensions[STATIC_KEY]
    url = urls.get(filename)
    if url is None:
        url = urls[filename] = url_for("static", filename=filename)
    return url


def init_app(app: Flask) -> None:
    """Give templates `site_header()` and `static_url()`, and the app their caches."""
    app.extensions[EXTENSION_KEY] = {}
    app.extensions[STATIC_KEY] = {}
    app.extensions[CSRF_KEY] = {}
    app.jinja_env.globals["site_header"] = site_header
    app.jinja_env.globals["static_url"] = static_url
