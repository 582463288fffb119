"""Error pages: HTML for people, JSON for API clients."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms.extensions import db


def wants_json() -> bool:
    """API paths and clients that prefer JSON get JSON errors."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "server_error",
}


def _respond(status: int, message: str) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify(error_body(ERROR_CODES.get(status, "error"), message)), status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[Response | str, int]:
        return _respond(400, _("The form expired or was not sent from this site. Try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.response is not None:  # an explicit response (e.g. a redirect) wins
            return error.response
        status = error.code or 500
        return _respond(status, _http_message(status, error))

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[Response | str, int]:
        db.session.rollback()
        return _respond(500, _("Something went wrong on our side. Try again later."))


def _http_message(status: int, error: HTTPException) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You are not allowed to see this page."),
        404: _("This page does not exist."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        429: _("Too many attempts. Wait a moment and try again."),
    }
    return messages.get(status, error.description or _("Error"))
