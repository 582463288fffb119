"""The site header, rendered once per (language, role) and reused by every page.

Rendering the header (a dozen links, their translations, two forms) cost more than the
rest of a lesson page, and it is the same for everyone who shares a language and a
role. So it is rendered once per process for each (locale, role) pair, with two slots
for what changes with each request: the CSRF token of the two forms, and the path the
language switch comes back to. Filling the slots is two string replacements.

Nothing else is cached: the header holds no personal data (no name, no counts).
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

# Control characters cannot appear in a rendered template, so the slots cannot clash with text.
CSRF_SLOT = "\x00csrf\x00"
NEXT_SLOT = "\x00next\x00"
EXTENSION_KEY = "escales.site_header"
STATIC_KEY = "escales.static_urls"


def header_key() -> tuple[str, str | None]:
    """What the header depends on: the page's language and the visitor's role (None: signed out)."""
    role = str(current_user.role) if current_user.is_authenticated else None
    return str(get_locale() or "fr"), role


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
    return fill_slots(template, generate_csrf(), return_path())


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
    app.jinja_env.globals["site_header"] = site_header
    app.jinja_env.globals["static_url"] = static_url
