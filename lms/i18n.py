"""Interface language: the user's choice, then the browser's Accept-Language, then French."""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user


def select_locale() -> Locale:
    """Pick the locale for this request."""
    languages = list(current_app.config["LANGUAGES"])
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return locale_for(str(current_user.locale))
    chosen = session.get("locale")
    if chosen in languages:
        return locale_for(str(chosen))
    return locale_for(
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@cache
def locale_for(code: str) -> Locale:
    """The Babel locale of a language code, parsed once per process (Flask-Babel would parse
    the code again at every request; a Locale is used as it is)."""
    return Locale.parse(code)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (it is translated when shown)."""
    return message


def page_translations() -> NullTranslations:
    """The catalogue of the current locale, looked up once per request for templates.

    Flask-Babel looks the catalogue up again at every `_()` (locale, domain and cache, each
    through the context locals), and a page translates dozens of strings. The catalogue is
    kept in `g` beside the locale object it was found for: `force_locale` and a refreshed
    locale are new objects, so they get their own catalogue.
    """
    babel_state = g.get("_flask_babel")  # Flask-Babel's per-context state
    locale = getattr(babel_state, "babel_locale", None)
    kept = g.get("_escales_translations")
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    locale = getattr(g.get("_flask_babel"), "babel_locale", None)
    if locale is not None:
        g._escales_translations = (locale, translations)
    return translations


def _install_template_gettext(app: Flask) -> None:
    """Templates' `_`, `ngettext`, `pgettext` and `npgettext` read the per-request catalogue."""

    def gettext(message: str) -> str:
        return page_translations().ugettext(message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return page_translations().ungettext(singular, plural, n)

    def pgettext(context: str, message: str) -> str:
        return page_translations().upgettext(context, message)

    def npgettext(context: str, singular: str, plural: str, n: int) -> Any:
        return page_translations().unpgettext(context, singular, plural, n)

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext, newstyle=True
    )


def init_app(app: Flask) -> None:
    """Expose the current locale to templates; faster translation lookups in templates."""
    _install_template_gettext(app)

    @app.context_processor
    def inject_locale() -> dict[str, object]:
        return {"current_locale": str(get_locale() or "fr")}
