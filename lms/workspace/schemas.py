"""The workspace document and its validation: one set of pydantic models for every way in.

The HTML forms, the JSON import and the API all build a `WorkspaceData` (or one of
its parts) from what they receive; whatever does not validate is refused with an
error per field and nothing is saved. The vocabulary is the course's:

* identity and qualification (intérêt général au sens fiscal, utilité sociale) — M03;
* the three pillars, year by year: activities with their key economic data (coût
  complet, ressources affectées, recettes d'activité, ETP, heures de bénévolat) — M03;
  resources by family — M05; human riches by form of engagement — M04; alliances by
  kind of partner and form of relation — M06;
* the method's three steps (problématiques clés and their mise en débat, ambition,
  leviers qualified by impact and feasibility, cible, trajectoire) — M03.

Money is in whole euros, FTE (équivalent temps plein) and percentages are decimals.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from lms.i18n import N_

MAX_AMOUNT = 10**12  # euros: far above any budget, low enough to catch a typing slip
MAX_HOURS = 10**8
MAX_COUNT = 10**7
MAX_YEARS = 10
MIN_YEAR, MAX_YEAR = 1900, 2100


# --- vocabularies -----------------------------------------------------------------------------


class LegalForm(enum.StrEnum):
    """Legal forms of general-interest and social-economy organisations."""

    ASSOCIATION = "association_1901"
    RECOGNISED_ASSOCIATION = "association_rup"  # reconnue d'utilité publique
    FOUNDATION = "foundation"
    ENDOWMENT_FUND = "endowment_fund"
    SCIC = "scic"
    COOPERATIVE = "cooperative"
    ESS_COMPANY = "ess_company"
    OTHER = "other"


class Qualification(enum.StrEnum):
    """Whether the organisation meets a qualification (intérêt général, utilité sociale)."""

    YES = "yes"
    NO = "no"
    TO_CHECK = "to_check"  # uncertain: e.g. ask the tax administration (rescrit)


class ResourceFamily(enum.StrEnum):
    """Families of financial resources (M05). Loans are debts, not resources: never entered."""

    PUBLIC_SUBSIDIES = "public_subsidies"
    PUBLIC_CONTRACTS = "public_contracts"
    DONATIONS = "donations"
    CORPORATE_PATRONAGE = "corporate_patronage"
    MEMBERSHIP_FEES = "membership_fees"
    ACTIVITY_REVENUE = "activity_revenue"
    OTHER = "other"


class ResourceGroup(enum.StrEnum):
    """The public / private / activity-revenue split of M05, plus what fits none."""

    PUBLIC = "public"
    PRIVATE = "private"
    ACTIVITY = "activity"
    OTHER = "other"


FAMILY_GROUP: dict[ResourceFamily, ResourceGroup] = {
    ResourceFamily.PUBLIC_SUBSIDIES: ResourceGroup.PUBLIC,
    ResourceFamily.PUBLIC_CONTRACTS: ResourceGroup.PUBLIC,
    ResourceFamily.DONATIONS: ResourceGroup.PRIVATE,
    ResourceFamily.CORPORATE_PATRONAGE: ResourceGroup.PRIVATE,
    ResourceFamily.MEMBERSHIP_FEES: ResourceGroup.PRIVATE,
    ResourceFamily.ACTIVITY_REVENUE: ResourceGroup.ACTIVITY,
    ResourceFamily.OTHER: ResourceGroup.OTHER,
}


class PartnerKind(enum.StrEnum):
    """The four kinds of allies of M06."""

    COMPANY = "company"
    PUBLIC_BODY = "public_body"
    ASSOCIATION = "association"
    FOUNDATION = "foundation"


class AllianceForm(enum.StrEnum):
    """Forms of relation (M06): the four association–company forms, and pooling."""

    PATRONAGE = "patronage"
    RESPONSIBLE_PRACTICES = "responsible_practices"
    ECONOMIC_COOPERATION = "economic_cooperation"
    SOCIETAL_INNOVATION = "societal_innovation"
    POOLING = "pooling"


class Pillar(enum.StrEnum):
    """Where a lever acts: one of the three pillars, or the activities themselves (M03)."""

    HUMAN_RICHES = "human_riches"
    FINANCIAL_RESOURCES = "financial_resources"
    ALLIANCES = "alliances"
    ACTIVITIES = "activities"


class LeverDecision(enum.StrEnum):
    """What the board decided about a lever (M03, step 3 A): retain, postpone or set aside."""

    UNDECIDED = "undecided"
    RETAINED = "retained"
    POSTPONED = "postponed"
    DISMISSED = "dismissed"


# --- field types ------------------------------------------------------------------------------


def _as_number(value: Decimal) -> float | int:
    """Decimals are written to JSON as numbers (9.5), not strings."""
    return int(value) if value == value.to_integral_value() else float(value)


Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT, description="Euros, whole.")]
Hours = Annotated[int, Field(ge=0, le=MAX_HOURS, description="Hours per year.")]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Fte = Annotated[
    Decimal,
    Field(ge=0, le=1_000_000, max_digits=9, decimal_places=2, description="Full-time equivalents."),
    PlainSerializer(_as_number, return_type=float, when_used="json"),
]
Percent = Annotated[
    Decimal,
    Field(ge=0, le=100, max_digits=4, decimal_places=1, description="Per cent, 0 to 100."),
    PlainSerializer(_as_number, return_type=float, when_used="json"),
]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Level = Annotated[int, Field(ge=1, le=3, description="1 low, 2 medium, 3 high.")]
Name = Annotated[str, Field(min_length=1, max_length=160)]
Line = Annotated[str, Field(max_length=200)]
Text = Annotated[str, Field(max_length=4000)]


class _Part(BaseModel):
    """Every part refuses unknown fields and trims text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- identity ---------------------------------------------------------------------------------


class Identity(_Part):
    """Who the organisation is, and how it qualifies (M03, section 2)."""

    name: Annotated[str, Field(max_length=160)] = ""
    fictional: bool = Field(
        default=False, description="A fictional example: every document says so."
    )
    legal_form: LegalForm | None = None
    legal_form_detail: Line = ""
    field_of_action: Line = ""
    territory: Line = ""
    mission: Text = ""
    general_interest: Qualification = Qualification.TO_CHECK
    general_interest_reasons: Text = ""
    social_utility: Qualification = Qualification.TO_CHECK
    social_utility_reasons: Text = ""


# --- the three pillars, per year ------------------------------------------------------------


class Activity(_Part):
    """An activity and its key economic data (M03, step 1)."""

    name: Name
    description: Text = ""
    costs: Amount = Field(default=0, description="Full cost (coût complet), euros.")
    budget: Amount = Field(
        default=0, description="Resources allocated to the activity, all families, euros."
    )
    revenue: Amount = Field(default=0, description="Its own activity revenue, euros.")
    staff_fte: Fte = Decimal(0)
    volunteer_hours: Hours = 0

    @model_validator(mode="after")
    def _revenue_within_budget(self) -> Activity:
        if self.budget and self.revenue > self.budget:
            raise PydanticCustomError(
                "revenue_over_budget",
                "The activity revenue ({revenue}) is part of the allocated resources "
                "({budget}): it cannot be larger.",
                {"revenue": self.revenue, "budget": self.budget},
            )
        return self


class ResourceLine(_Part):
    """One resource of the year, classified by family (M05)."""

    label: Name
    family: ResourceFamily
    amount: Amount
    funder: Annotated[str, Field(max_length=160)] = Field(
        default="",
        description="Who pays. Leave empty when many payers share it (customers, members, "
        "individual donors): it then never counts as a single dependency.",
    )
    multi_year: bool = Field(default=False, description="Secured for several years.")
    public_policy: bool = Field(
        default=False,
        description="Public money for a policy the authority defines (e.g. insertion aid): "
        "the mark of the « opératrice de politique publique » model.",
    )


class HumanRiches(_Part):
    """The people who carry the project, by form of engagement (M04)."""

    employees_count: Count = 0
    employees_fte: Fte = Decimal(0)
    volunteers_count: Count = 0
    volunteer_hours: Hours = 0
    board_members: Count = 0
    board_hours: Hours = 0
    civic_service_count: Count = 0
    civic_service_hours: Hours = 0
    skills_sponsorship_count: Count = 0
    skills_sponsorship_hours: Hours = 0


class Alliance(_Part):
    """A partner, the kind of partner and the form of the relation (M06)."""

    partner: Name
    kind: PartnerKind
    form: AllianceForm
    they_bring: Text = ""
    we_bring: Text = ""


class YearData(_Part):
    """The three pillars and the activities in one year (financial year or season)."""

    year: Year
    activities: list[Activity] = Field(default_factory=list, max_length=30)
    resources: list[ResourceLine] = Field(default_factory=list, max_length=60)
    human_riches: HumanRiches = Field(default_factory=HumanRiches)
    alliances: list[Alliance] = Field(default_factory=list, max_length=40)


# --- the method (M03) -----------------------------------------------------------------------


class KeyIssue(_Part):
    """A key issue: a tension that engages the project's future, backed by the data."""

    title: Name
    statement: Text = ""


class Lever(_Part):
    """A lever, qualified by its impact and feasibility, and the decision about it."""

    title: Name
    pillar: Pillar
    description: Text = ""
    impact: Level = 2
    feasibility: Level = 2
    decision: LeverDecision = LeverDecision.UNDECIDED


class Target(_Part):
    """The model aimed at, at the horizon: resource mix, human riches, alliances (step 3 B)."""

    year: Year | None = None
    total_resources: Amount | None = None
    resource_shares: dict[ResourceFamily, Percent] = Field(default_factory=dict)
    max_funder_share: Percent | None = Field(
        default=None, description="The ceiling on the largest funder's share, per cent."
    )
    employees_fte: Fte | None = None
    volunteers_count: Count | None = None
    volunteer_hours: Hours | None = None
    alliances_by_form: dict[AllianceForm, Count] = Field(default_factory=dict)
    notes: Text = ""

    @field_validator("resource_shares")
    @classmethod
    def _shares_at_most_100(cls, shares: dict[ResourceFamily, Decimal]) -> dict[Any, Decimal]:
        total = sum(shares.values(), Decimal(0))
        if total > 100:
            raise PydanticCustomError(
                "shares_over_100",
                "The shares add up to {total} %: at most 100 %.",
                {"total": _as_number(total)},
            )
        return {family: share for family, share in shares.items() if share}


class Milestone(_Part):
    """A dated step of the trajectory, with how progress is checked (step 3 C)."""

    year: Year
    title: Name
    actions: Text = ""
    indicator: Line = ""
    decision_point: bool = Field(
        default=False, description="The board takes stock here and may adjust the course."
    )


class Method(_Part):
    """The three steps: analyse (issues, debate), ambition and levers, trajectory."""

    issues: list[KeyIssue] = Field(default_factory=list, max_length=3)
    debate_notes: Text = ""
    ambition: Text = ""
    horizon_year: Year | None = None
    levers: list[Lever] = Field(default_factory=list, max_length=20)
    target: Target = Field(default_factory=Target)
    trajectory: list[Milestone] = Field(default_factory=list, max_length=20)

    @field_validator("trajectory")
    @classmethod
    def _milestones_in_order(cls, milestones: list[Milestone]) -> list[Milestone]:
        return sorted(milestones, key=lambda milestone: milestone.year)


class WorkspaceData(_Part):
    """The whole document of a workspace."""

    format: Literal["escales-workspace"] = "escales-workspace"
    format_version: Literal[1] = 1
    identity: Identity = Field(default_factory=Identity)
    years: list[YearData] = Field(default_factory=list, max_length=MAX_YEARS)
    method: Method = Field(default_factory=Method)

    @field_validator("years")
    @classmethod
    def _one_entry_per_year(cls, years: list[YearData]) -> list[YearData]:
        seen = [entry.year for entry in years]
        doubles = sorted({year for year in seen if seen.count(year) > 1})
        if doubles:
            raise PydanticCustomError(
                "duplicate_year",
                "Year {year} is described twice.",
                {"year": doubles[0]},
            )
        return sorted(years, key=lambda entry: entry.year)

    def year(self, year: int) -> YearData | None:
        """The data of `year`, or None."""
        return next((entry for entry in self.years if entry.year == year), None)

    def dump(self) -> dict[str, Any]:
        """The document as plain JSON values, ready to store or export."""
        return self.model_dump(mode="json")


def empty_document(name: str = "") -> WorkspaceData:
    """A new workspace's document."""
    return WorkspaceData(identity=Identity(name=name))


def load_document(raw: dict[str, Any]) -> WorkspaceData:
    """Read a stored document (it was valid when written)."""
    return WorkspaceData.model_validate(raw)


# --- errors, field by field -------------------------------------------------------------------

#: pydantic error types -> English msgid with %(name)s placeholders, filled from the error's
#: context (translated where they are shown).
_MESSAGES: dict[str, str] = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("At most %(max_length)s characters."),
    "too_long": N_("At most %(max_length)s rows."),
    "greater_than_equal": N_("Must be %(ge)s or more."),
    "less_than_equal": N_("Must be at most %(le)s."),
    "int_parsing": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "decimal_parsing": N_("Enter a number."),
    "decimal_type": N_("Enter a number."),
    "decimal_max_places": N_("At most %(decimal_places)s decimals."),
    "decimal_max_digits": N_("This number is too large."),
    "enum": N_("Choose one of the listed values."),
    "bool_parsing": N_("Answer yes or no."),
    "extra_forbidden": N_("Unknown field."),
    "literal_error": N_("Unexpected value: %(expected)s expected."),
    "model_type": N_("A group of fields is expected here."),
    "list_type": N_("A list is expected here."),
    "dict_type": N_("A group of fields is expected here."),
    "shares_over_100": N_("The shares add up to %(total)s %%: at most 100 %%."),
    "duplicate_year": N_("Year %(year)s is described twice."),
    "revenue_over_budget": N_(
        "The activity revenue is part of the allocated resources: it cannot be larger."
    ),
}


def error_location(loc: tuple[int | str, ...]) -> str:
    """A dotted path to the field: ("years", 0, "resources", 2, "amount") -> "years.0....amount"."""
    return ".".join(str(part) for part in loc) or "__root__"


def field_errors(
    error: ValidationError, translate: Callable[..., str] | None = None
) -> dict[str, str]:
    """One message per field (dotted path) from a validation error.

    `translate(msgid, **params)` turns our msgids into the reader's language (gettext in
    pages); without it messages are English, as the API gives them.
    """
    messages: dict[str, str] = {}
    for item in error.errors():
        location = error_location(tuple(item.get("loc", ())))
        msgid = _MESSAGES.get(item["type"])
        if msgid is None:
            text = str(item.get("msg", "Invalid value."))
        else:
            params = {key: _plain(value) for key, value in (item.get("ctx") or {}).items()}
            text = translate(msgid, **params) if translate else _fill(msgid, params)
        messages.setdefault(location, text)
    return messages


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _as_number(value)
    return value if isinstance(value, int | float | str) else str(value)


def _fill(msgid: str, params: dict[str, Any]) -> str:
    try:
        return msgid % params
    except (KeyError, TypeError, ValueError):
        return msgid
