"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

# No inline scripts or styles anywhere: everything is served from our own origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookies, with the signer built once per set of keys.

    Flask builds a new serializer to read the cookie of every request, and building one
    serialises a test value: the session interface keeps the one it built for the
    current keys (a changed SECRET_KEY or fallback list gets a new one).
    """

    def __init__(self) -> None:
        self._signers: dict[tuple[object, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer for the app's current secret key and fallbacks."""
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        signer = self._signers.get(keys)
        if signer is None:
            signer = super().get_signing_serializer(app)
            if signer is None:
                return None
            self._signers = {keys: signer}  # only the current keys are worth keeping
        return signer


def init_app(app: Flask) -> None:
    """Sign session cookies; add the headers after each request (a view may set its own:
    it is kept)."""
    app.session_interface = SessionCookies()
    added = SECURITY_HEADERS + ((HSTS,) if app.config.get("SESSION_COOKIE_SECURE") else ())

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        # One pass over the response's headers rather than one per security header.
        present = {name.lower() for name, _value in headers.items()}
        headers.extend([(name, value) for name, value in added if name.lower() not in present])
        return response
