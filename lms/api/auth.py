"""API authentication: get a token, and who am I."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from pydantic import BaseModel, Field

from lms.api import bp
from lms.api.core import ApiError, current_api_user, documented, token_required
from lms.auth import services
from lms.extensions import limiter


class TokenRequest(BaseModel):
    """Credentials exchanged for a bearer token."""

    email: str = Field(max_length=254, examples=["apprenant@example.org"])
    password: str = Field(max_length=256, examples=["un mot de passe"])
    name: str = Field(default="API", max_length=80, description="A label for the token.")


class TokenResponse(BaseModel):
    """A new bearer token; send it as `Authorization: Bearer <token>`."""

    token: str = Field(examples=["esc_3q2…"])


class Me(BaseModel):
    """The signed-in user."""

    id: int
    email: str
    name: str
    role: str = Field(examples=["learner"])
    locale: str = Field(examples=["fr"])
    organisation: str | None = Field(description="Slug of the user's organisation.")


@bp.post("/auth/token")
@limiter.limit(lambda: str(current_app.config["LOGIN_RATE_LIMIT"]))
@documented(
    tags=["auth"], json=TokenRequest, responses={200: TokenResponse}, public=True, errors=[401]
)
def create_token() -> tuple[dict[str, Any], int]:
    """Exchange an e-mail and password for a bearer token."""
    body: TokenRequest = request.context.json  # type: ignore[attr-defined]
    user = services.authenticate(body.email, body.password)
    if user is None:
        raise ApiError(401, "invalid_credentials", "Incorrect e-mail address or password.")
    return {"token": services.create_api_token(user, body.name)}, 200


@bp.get("/me")
@token_required()
@documented(tags=["auth"], responses={200: Me})
def me() -> tuple[dict[str, Any], int]:
    """The user the token belongs to."""
    user = current_api_user()
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": str(user.role),
        "locale": user.locale,
        "organisation": user.organisation.slug if user.organisation else None,
    }, 200
