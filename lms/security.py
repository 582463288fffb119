"""Security headers on every response, and the session cookies' signing."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

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
    """Flask's signed session cookies, with the signer built once per set of keys, and the
    cookies it verified remembered.

    Flask builds a new serializer to read the cookie of every request, and building one
    serialises a test value: the session interface keeps the one it built for the
    current keys (a changed SECRET_KEY or fallback list gets a new one).

    A signed-in browser sends the same cookie with every request until the session
    changes, and checking its signature and decoding it is a sizeable part of a lesson
    page. A cookie verified with the current keys is remembered with its contents and the
    time it was signed (at most VERIFIED_COOKIES of them, per process); it is accepted
    again only while it would still pass the full check: same keys, not expired
    (PERMANENT_SESSION_LIFETIME), not signed in the future. Sessions holding anything but
    plain values (a list of flashed messages) are not remembered, so a request never
    sees another's changes.
    """

    VERIFIED_COOKIES = 4096

    def __init__(self) -> None:
        self._signers: dict[tuple[object, ...], URLSafeTimedSerializer] = {}
        self._verified: dict[str, tuple[dict[str, Any], int]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer for the app's current secret key and fallbacks."""
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        signer = self._signers.get(keys)
        if signer is None:
            signer = super().get_signing_serializer(app)
            if signer is None:
                return None
            self._signers = {keys: signer}  # only the current keys are worth keeping
            self._verified = {}  # verified with other keys
        return signer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The request's session, from its cookie (an empty one if the cookie is missing,
        forged or expired), as Flask reads it."""
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = self._verified.get(cookie)
        if known is not None and 0 <= int(time.time()) - known[1] <= max_age:
            return self.session_class(known[0])
        try:
            data, signed_at = signer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(type(v) in _PLAIN for v in data.values()):
            if len(self._verified) >= self.VERIFIED_COOKIES:
                self._verified = {}
            self._verified[cookie] = (dict(data), int(signed_at.timestamp()))
        return self.session_class(data)


#: The types of session values that can be shared between requests without copying.
_PLAIN = frozenset({str, int, float, bool, type(None)})


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
