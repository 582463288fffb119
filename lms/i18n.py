"""Interface language: the user's choice, then the browser's Accept-Language, then French."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user


def select_locale() -> str:
    """Pick the locale for this request."""
    languages = list(current_app.config["LANGUAGES"])
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (it is translated when shown)."""
    return message


def init_app(app: Flask) -> None:
    """Expose the current locale to templates."""

    @app.context_processor
    def inject_locale() -> dict[str, object]:
        return {"current_locale": str(get_locale() or "fr")}
