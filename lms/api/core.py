"""What every API endpoint shares: errors, bearer authentication, role checks, schemas."""

from __future__ import annotations

import json as json_module
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as SpecResponse

from lms.access import has_role
from lms.auth.services import user_for_api_token
from lms.errors import error_body
from lms.extensions import api_spec
from lms.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])
_API_USER_KEY = "escales.api_user"


class ApiError(Exception):
    """An error answered as {"error": {"code", "message", "fields"}} with an HTTP status."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def handle_api_error(error: ApiError) -> tuple[Response, int]:
    """Render an ApiError."""
    response = jsonify(error_body(error.code, error.message, error.fields))
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="escales"'
    return response, error.status


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str = Field(examples=["validation_error"])
    message: str = Field(examples=["The request body is invalid."])
    fields: dict[str, Any] = Field(default_factory=dict, examples=[{"email": "Field required"}])


class ErrorResponse(BaseModel):
    """The error shape of every endpoint."""

    error: ErrorDetail


def _validation_before(
    req: Any, resp: Any, req_validation_error: Any, instance: Any, *a: Any
) -> None:
    # spectree calls this before answering a validation error: answer in our shape instead.
    if req_validation_error is None:
        return
    fields: dict[str, str] = {}
    for item in req_validation_error.errors():
        location = ".".join(str(part) for part in item.get("loc", ())) or "body"
        fields[location] = item.get("msg", "invalid")
    raise ApiError(422, "validation_error", "The request is invalid.", fields)


def documented(
    *,
    tags: Iterable[str],
    json: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: dict[int, type[BaseModel] | None],
    public: bool = False,
    errors: Iterable[int] = (),
    validate_responses: bool = True,
) -> Callable[[F], F]:
    """Validate the request against pydantic schemas and describe the endpoint in OpenAPI.

    Error responses (401, 403, 422 ...) are added with the shared ErrorResponse schema;
    `errors` names further statuses the endpoint may answer (404, 409 ...). With a `json`
    schema the body must be a JSON object sent as application/json (400/415 otherwise).
    `validate_responses=False`: the responses are still documented, but not validated
    against their schemas (for a busy endpoint whose body our own code builds; the tests
    check its shape).
    """
    codes: dict[str, Any] = {}
    for status, model in responses.items():
        codes[f"HTTP_{status}"] = model
    error_statuses = [422, 429, *errors] + ([] if public else [401, 403])
    if json is not None:
        error_statuses += [400, 415]
    for status in error_statuses:
        codes.setdefault(f"HTTP_{status}", ErrorResponse)
    options: dict[str, Any] = {
        "json": json,
        "query": query,
        "tags": list(tags),
        "before": _validation_before,
        "security": None if public else {"bearer": []},
        "skip_validation": False,
    }
    validate = api_spec.validate(resp=SpecResponse(**codes), **options)

    def decorator(view: F) -> F:
        validated = validate(view)
        if not validate_responses:
            # The OpenAPI document reads the first (documented) wrapper; requests run the
            # same request validation without a response schema.
            run = api_spec.validate(resp=None, **options)(view)
            validated = wraps(validated)(_calls(run))
        if json is None:
            return validated

        @wraps(validated)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            _require_json_object()
            return validated(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _calls(run: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return run(*args, **kwargs)

    return call


def _require_json_object() -> None:
    """Refuse a body that is not a JSON object before validation sees it.

    spectree skips validation for other content types, and a deeply nested
    document would exhaust the JSON parser's recursion: both must be a 4xx.
    """
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    try:
        body = json_module.loads(request.get_data(cache=True) or b"null")
    except (ValueError, RecursionError) as error:
        raise ApiError(400, "bad_request", "The body is not valid JSON.") from error
    if not isinstance(body, dict):
        raise ApiError(
            422, "validation_error", "The body must be a JSON object.", {"body": "not an object"}
        )


def current_api_user() -> User:
    """The user of the bearer token on this request (401 otherwise)."""
    # Cached on the request itself: an app context (and its `g`) can outlive a request.
    user: User | None = request.environ.get(_API_USER_KEY)
    if user is not None:
        return user
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "A bearer token is required.")
    user = user_for_api_token(token.strip())
    if user is None:
        raise ApiError(401, "unauthorized", "The token is invalid, expired or revoked.")
    request.environ[_API_USER_KEY] = user
    return user


def token_required(*roles: Role) -> Callable[[F], F]:
    """Require a valid bearer token, and one of `roles` when given (the HTML pages' rules)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_api_user()
            if roles and not has_role(user, *roles):
                raise ApiError(403, "forbidden", "Your role does not allow this.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
