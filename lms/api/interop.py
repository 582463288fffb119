"""API endpoints of interoperability: the framework as CASE 1.1, xAPI statements export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, request
from pydantic import BaseModel, ConfigDict, Field

from lms.api import bp
from lms.api.core import ApiError, ErrorResponse, current_api_user, documented, token_required
from lms.extensions import db
from lms.interop.case import export_case
from lms.interop.case_services import framework_snapshot
from lms.interop.xapi_services import (
    BadCursor,
    ExportRefused,
    StatementFilter,
    statements_page,
)

# --- CASE 1.1 ----------------------------------------------------------------------------------

#: The largest id the database stores (a 32-bit INTEGER column on PostgreSQL).
MAX_ID = 2**31 - 1
_ID = "0c6f4f1e-6a53-5a3e-9a0e-3f1f7f1b2a10"
_CHANGED = "2026-01-15T09:30:00Z"


class LinkURI(BaseModel):
    """A CASE link to another object: its title, identifier and URI."""

    title: str = Field(examples=["MSE-01"])
    identifier: str = Field(examples=[_ID])
    uri: str = Field(examples=[f"https://escales.example/api/v1/framework/case.json#{_ID}"])


class CFDocumentOut(BaseModel):
    """The framework itself."""

    identifier: str = Field(examples=[_ID])
    uri: str
    creator: str = Field(examples=["Escales"])
    title: str
    lastChangeDateTime: str = Field(examples=[_CHANGED], description="Last content load (UTC).")
    language: str = Field(examples=["fr"])
    caseVersion: str = Field(examples=["1.1"])
    frameworkType: str
    CFPackageURI: LinkURI


class CFItemOut(BaseModel):
    """A theme (CFItemType `Theme`) or a competency (`Competency`) of the framework."""

    identifier: str = Field(description="uuid5, stable across exports.", examples=[_ID])
    uri: str
    fullStatement: str = Field(description="The competency's (or theme's) title.")
    humanCodingScheme: str = Field(
        description="The competency's code (a theme's slug).", examples=["MSE-01"]
    )
    notes: str | None = Field(default=None, description="The competency's description.")
    conceptKeywords: list[str] | None = Field(
        default=None, description="[kind]: knowledge or skill.", examples=[["knowledge"]]
    )
    CFItemType: str = Field(examples=["Competency"])
    CFItemTypeURI: LinkURI
    language: str = Field(examples=["fr"])
    CFDocumentURI: LinkURI
    lastChangeDateTime: str = Field(examples=[_CHANGED])


class CFAssociationOut(BaseModel):
    """isChildOf (theme -> document, competency -> theme) or isRelatedTo (competency ->
    the page of a module that develops it)."""

    identifier: str
    uri: str
    associationType: str = Field(examples=["isChildOf", "isRelatedTo"])
    originNodeURI: LinkURI
    destinationNodeURI: LinkURI
    CFDocumentURI: LinkURI
    lastChangeDateTime: str
    sequenceNumber: int | None = Field(default=None, description="Order among siblings.")


class CFItemTypeOut(BaseModel):
    """An item type used by the items."""

    identifier: str
    uri: str
    title: str = Field(examples=["Competency"])
    description: str
    hierarchyCode: str = Field(examples=["2"])
    typeCode: str
    lastChangeDateTime: str


class CFDefinitionsOut(BaseModel):
    """Definitions: only item types are used."""

    CFConcepts: list[dict[str, Any]]
    CFSubjects: list[dict[str, Any]]
    CFLicenses: list[dict[str, Any]]
    CFItemTypes: list[CFItemTypeOut]
    CFAssociationGroupings: list[dict[str, Any]]


class CFRubricLevelOut(BaseModel):
    """A level of the proficiency scale."""

    identifier: str
    uri: str
    quality: str = Field(examples=["Découverte"])
    description: str
    score: int = Field(ge=0, le=4, examples=[1])
    position: int
    rubricCriterionId: str
    lastChangeDateTime: str


class CFRubricCriterionOut(BaseModel):
    """The proficiency criterion: its levels are the scale."""

    identifier: str
    uri: str
    category: str
    description: str
    position: int
    rubricId: str
    lastChangeDateTime: str
    CFRubricCriterionLevels: list[CFRubricLevelOut]


class CFRubricOut(BaseModel):
    """The proficiency scale (0 = not yet assessed, 1-4)."""

    identifier: str
    uri: str
    title: str
    description: str
    lastChangeDateTime: str
    CFRubricCriteria: list[CFRubricCriterionOut]


class CFPackageOut(BaseModel):
    """The competency framework as a 1EdTech CASE 1.1 package."""

    CFDocument: CFDocumentOut
    CFItems: list[CFItemOut]
    CFAssociations: list[CFAssociationOut]
    CFDefinitions: CFDefinitionsOut
    CFRubrics: list[CFRubricOut]


@bp.get("/framework/case.json")
@documented(tags=["interop"], responses={200: CFPackageOut}, public=True)
def framework_case() -> tuple[dict[str, Any], int, dict[str, str]]:
    """The competency framework as a 1EdTech CASE 1.1 package (public; stable identifiers)."""
    snapshot = framework_snapshot(db.session(), current_app.config["BASE_URL"])
    return (
        export_case(snapshot, current_app.config["BASE_URL"]),
        200,
        {"Cache-Control": "public, max-age=300"},
    )


# --- xAPI statements ---------------------------------------------------------------------------


class StatementQuery(BaseModel):
    """Whose statements, over which period, and which page."""

    user: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="A learner's id (yourself, or a learner you train).",
    )
    cohort: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="A cohort you follow: its learners' statements.",
    )
    since: datetime | None = Field(
        default=None,
        description="Statements at or after this moment (ISO 8601; UTC when no offset).",
        examples=["2026-01-01T00:00:00Z"],
    )
    until: datetime | None = Field(
        default=None, description="Statements before this moment.", examples=["2026-02-01"]
    )
    limit: int = Field(default=50, ge=1, le=100, description="Statements per page.")
    cursor: str | None = Field(
        default=None, max_length=200, description="`next_cursor` of the previous page."
    )


class StatementAccount(BaseModel):
    """The learner's account on this site; `name` is opaque (no e-mail, no name)."""

    homePage: str = Field(examples=["https://escales.example"])
    name: str = Field(examples=["3f0a9c1d2b7e4f6a8c5d1e2f3a4b5c6d"])


class StatementActor(BaseModel):
    """An xAPI Agent identified by an account."""

    objectType: str = Field(examples=["Agent"])
    account: StatementAccount


class StatementVerb(BaseModel):
    """An ADL verb (or the xAPI registry's `earned`)."""

    id: str = Field(examples=["http://adlnet.gov/expapi/verbs/passed"])
    display: dict[str, str] = Field(examples=[{"en-US": "passed"}])


class StatementObject(BaseModel):
    """The activity: a section, question, quiz, practical work or badge, by its URL."""

    model_config = ConfigDict(extra="allow")

    objectType: str = Field(examples=["Activity"])
    id: str = Field(examples=["https://escales.example/modules/modele-au-service-de-quoi/quiz"])
    definition: dict[str, Any] = Field(
        examples=[{"type": "http://adlnet.gov/expapi/activities/assessment"}]
    )


class XapiStatementOut(BaseModel):
    """An xAPI 1.0.3 statement, as sent to the Learning Record Store."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(description="Generated by Escales (a UUID, version 7).", examples=[_ID])
    actor: StatementActor
    verb: StatementVerb
    object: StatementObject
    result: dict[str, Any] | None = Field(
        default=None,
        examples=[{"score": {"scaled": 0.8}, "success": True, "completion": True}],
    )
    context: dict[str, Any]
    timestamp: str = Field(examples=["2026-01-15T09:30:00.000Z"])


class StatementPageOut(BaseModel):
    """A page of statements, oldest first."""

    items: list[XapiStatementOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


@bp.get("/xapi/statements")
@token_required()
@documented(
    tags=["interop"],
    query=StatementQuery,
    responses={200: StatementPageOut, 404: ErrorResponse},
)
def xapi_statements() -> tuple[dict[str, Any], int]:
    """Learning records as xAPI statements: mine, or those of learners and cohorts I follow
    (admins: everyone's), optionally over a period."""
    query: StatementQuery = request.context.query  # type: ignore[attr-defined]
    wanted = StatementFilter(
        user_id=query.user, cohort_id=query.cohort, since=query.since, until=query.until
    )
    try:
        page = statements_page(db.session(), current_api_user(), wanted, query.limit, query.cursor)
    except ExportRefused as refused:
        code = "not_found" if refused.status == 404 else "forbidden"
        raise ApiError(refused.status, code, refused.message) from refused
    except BadCursor as error:
        raise ApiError(
            422, "validation_error", "The request is invalid.", {"cursor": "Invalid cursor."}
        ) from error
    return {"items": page.statements, "next_cursor": page.next_cursor}, 200
