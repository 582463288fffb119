"""Indicators of a workspace: pure functions over the document, no database, no request.

Each one is explained, with worked examples that are also unit tests, in
docs/workspace-indicators.md. Shares are per cent (0 to 100) as floats, amounts
whole euros, FTE decimals; rounding is left to whoever shows them.
"""

from __future__ import annotations

import enum
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from lms.workspace.schemas import (
    FAMILY_GROUP,
    Activity,
    Alliance,
    AllianceForm,
    HumanRiches,
    PartnerKind,
    ResourceFamily,
    ResourceGroup,
    ResourceLine,
    YearData,
)

#: Hours in one full-time equivalent: the legal annual working time in France
#: (1 607 hours: 35 hours a week over a year, after leave and public holidays).
FTE_HOURS = 1607

#: Largest-funder share from which the course speaks of a dependency that puts the
#: structure's existence at stake ("la moitié du budget ou plus", M05).
HIGH_DEPENDENCY_SHARE = 50.0
#: The ceiling the course's example ambition sets ("aucun financeur ne pèse plus de
#: 30 %", M03): above it, the dependency is worth a look.
MARKED_DEPENDENCY_SHARE = 30.0

#: Herfindahl–Hirschman index bands (0 to 10 000), borrowed from competition analysis.
HHI_MODERATE = 1500
HHI_HIGH = 2500


def share(part: float | Decimal, whole: float | Decimal) -> float | None:
    """`part` as a percentage of `whole`, or None when the whole is zero."""
    if not whole:
        return None
    return float(part) * 100 / float(whole)


def hours_to_fte(hours: int) -> Decimal:
    """Hours a year as full-time equivalents, to the hundredth (1 607 hours = 1 FTE)."""
    return (Decimal(hours) / FTE_HOURS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- resources ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyShare:
    """A resource family's amount and share of the year's resources."""

    family: ResourceFamily
    amount: int
    share: float


@dataclass(frozen=True)
class GroupShare:
    """Public, private, activity revenue or other: amount and share."""

    group: ResourceGroup
    amount: int
    share: float


@dataclass(frozen=True)
class FunderShare:
    """What one named funder brings, over all its lines."""

    funder: str
    amount: int
    share: float
    families: tuple[ResourceFamily, ...]


class DependencyLevel(enum.StrEnum):
    """How much the largest funder weighs (an aid to discussion)."""

    NONE = "none"  # no named funder
    LIMITED = "limited"  # below 30 %
    MARKED = "marked"  # 30 % to 50 %
    HIGH = "high"  # half of the resources or more


class ConcentrationBand(enum.StrEnum):
    """Where a Herfindahl–Hirschman index falls."""

    DIVERSIFIED = "diversified"  # below 1 500
    MODERATE = "moderate"  # 1 500 to 2 500
    HIGH = "high"  # above 2 500


@dataclass(frozen=True)
class Concentration:
    """How concentrated the resources are, on funders and on families."""

    funder_hhi: int | None  # None: no named funder
    funder_band: ConcentrationBand | None
    family_hhi: int | None  # None: no resources
    family_band: ConcentrationBand | None
    largest: FunderShare | None
    dependency: DependencyLevel
    dispersed_share: float  # resources from many payers (no named funder)


def total_resources(lines: Iterable[ResourceLine]) -> int:
    """The year's resources, in euros."""
    return sum(line.amount for line in lines)


def family_shares(lines: Sequence[ResourceLine]) -> list[FamilyShare]:
    """Every family, in the fixed order of the vocabulary, with its amount and share.

    Families without resources are listed with 0, so years line up in tables and charts.
    """
    total = total_resources(lines)
    amounts = {family: 0 for family in ResourceFamily}
    for line in lines:
        amounts[line.family] += line.amount
    return [
        FamilyShare(family, amount, share(amount, total) or 0.0)
        for family, amount in amounts.items()
    ]


def group_shares(lines: Sequence[ResourceLine]) -> list[GroupShare]:
    """The public / private / activity-revenue split (and other), in that order."""
    total = total_resources(lines)
    amounts = {group: 0 for group in ResourceGroup}
    for line in lines:
        amounts[FAMILY_GROUP[line.family]] += line.amount
    return [
        GroupShare(group, amount, share(amount, total) or 0.0) for group, amount in amounts.items()
    ]


def _funder_key(name: str) -> str:
    # "État", "état " and "ÉTAT" are one funder.
    return " ".join(name.split()).casefold()


def funder_shares(lines: Sequence[ResourceLine]) -> list[FunderShare]:
    """Named funders, largest first; lines without a funder (many payers) are left out."""
    total = total_resources(lines)
    amounts: dict[str, int] = {}
    names: dict[str, str] = {}
    families: dict[str, list[ResourceFamily]] = {}
    for line in lines:
        if not line.funder.strip():
            continue
        key = _funder_key(line.funder)
        names.setdefault(key, " ".join(line.funder.split()))
        amounts[key] = amounts.get(key, 0) + line.amount
        if line.family not in families.setdefault(key, []):
            families[key].append(line.family)
    rows = [
        FunderShare(names[key], amount, share(amount, total) or 0.0, tuple(families[key]))
        for key, amount in amounts.items()
    ]
    return sorted(rows, key=lambda row: (-row.amount, row.funder.casefold()))


def hhi(shares: Iterable[float]) -> int:
    """Herfindahl–Hirschman index: the sum of the squared shares (per cent), 0 to 10 000."""
    return int(Decimal(sum(value * value for value in shares)).quantize(0, ROUND_HALF_UP))


def concentration_band(index: int) -> ConcentrationBand:
    """Below 1 500 diversified, up to 2 500 moderately concentrated, above that highly."""
    if index < HHI_MODERATE:
        return ConcentrationBand.DIVERSIFIED
    if index <= HHI_HIGH:
        return ConcentrationBand.MODERATE
    return ConcentrationBand.HIGH


def dependency_level(largest_share: float | None) -> DependencyLevel:
    """The weight of the largest funder: limited, marked (30 % or more), high (50 % or more)."""
    if largest_share is None:
        return DependencyLevel.NONE
    if largest_share >= HIGH_DEPENDENCY_SHARE:
        return DependencyLevel.HIGH
    if largest_share >= MARKED_DEPENDENCY_SHARE:
        return DependencyLevel.MARKED
    return DependencyLevel.LIMITED


def concentration(lines: Sequence[ResourceLine]) -> Concentration:
    """Concentration on funders and on families, and the largest dependency.

    Resources from many payers (no named funder: customers, members, individual donors)
    count for nothing in the funders' index: spread over many hands, they are not a
    dependency on anyone.
    """
    total = total_resources(lines)
    funders = funder_shares(lines)
    named = sum(row.amount for row in funders)
    funder_hhi = hhi(row.share for row in funders) if funders else None
    families = [row.share for row in family_shares(lines) if row.amount]
    family_hhi = hhi(families) if total else None
    largest = funders[0] if funders else None
    return Concentration(
        funder_hhi=funder_hhi,
        funder_band=concentration_band(funder_hhi) if funder_hhi is not None else None,
        family_hhi=family_hhi,
        family_band=concentration_band(family_hhi) if family_hhi is not None else None,
        largest=largest,
        dependency=dependency_level(largest.share if largest else None),
        dispersed_share=share(total - named, total) or 0.0,
    )


def multi_year_share(lines: Sequence[ResourceLine]) -> float | None:
    """The share of resources secured for several years (M05: "fragilité dans le temps")."""
    return share(sum(line.amount for line in lines if line.multi_year), total_resources(lines))


# --- activities -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFigures:
    """An activity's key economic data and the rates the course computes from them."""

    name: str
    costs: int
    budget: int
    revenue: int
    self_financing: float | None  # revenue ÷ full cost × 100 (taux d'autofinancement)
    coverage: float | None  # allocated resources ÷ full cost × 100
    gap: int  # full cost not covered by allocated resources (negative: a surplus)
    staff_fte: Decimal
    volunteer_hours: int
    volunteer_fte: Decimal


@dataclass(frozen=True)
class ActivityTotals:
    """The activities added up."""

    costs: int
    budget: int
    revenue: int
    self_financing: float | None
    coverage: float | None
    staff_fte: Decimal
    volunteer_hours: int
    volunteer_fte: Decimal


def activity_figures(activity: Activity) -> ActivityFigures:
    """Self-financing rate (revenue ÷ full cost × 100), coverage and gap of one activity."""
    return ActivityFigures(
        name=activity.name,
        costs=activity.costs,
        budget=activity.budget,
        revenue=activity.revenue,
        self_financing=share(activity.revenue, activity.costs),
        coverage=share(activity.budget, activity.costs),
        gap=activity.costs - activity.budget,
        staff_fte=activity.staff_fte,
        volunteer_hours=activity.volunteer_hours,
        volunteer_fte=hours_to_fte(activity.volunteer_hours),
    )


def activity_totals(activities: Sequence[Activity]) -> ActivityTotals:
    """The sum of the activities, with the same rates over the whole."""
    costs = sum(a.costs for a in activities)
    budget = sum(a.budget for a in activities)
    revenue = sum(a.revenue for a in activities)
    hours = sum(a.volunteer_hours for a in activities)
    return ActivityTotals(
        costs=costs,
        budget=budget,
        revenue=revenue,
        self_financing=share(revenue, costs),
        coverage=share(budget, costs),
        staff_fte=sum((a.staff_fte for a in activities), Decimal(0)),
        volunteer_hours=hours,
        volunteer_fte=hours_to_fte(hours),
    )


# --- human riches ---------------------------------------------------------------------------


class EngagementForm(enum.StrEnum):
    """Forms of engagement whose time is counted (M04)."""

    EMPLOYEES = "employees"
    VOLUNTEERS = "volunteers"
    BOARD = "board"
    CIVIC_SERVICE = "civic_service"
    SKILLS_SPONSORSHIP = "skills_sponsorship"


@dataclass(frozen=True)
class EngagementTime:
    """One form of engagement: people, time in FTE, share of all the time given."""

    form: EngagementForm
    people: int
    fte: Decimal
    share: float
    hours: int | None  # as entered; None for employees (entered in FTE)


@dataclass(frozen=True)
class HumanMix:
    """The time each form of engagement gives the project, in FTE."""

    parts: list[EngagementTime]
    total_fte: Decimal
    volunteer_fte: Decimal  # volunteers and board members (both unpaid)
    volunteer_share: float | None  # of all the time given
    people: int


def human_mix(riches: HumanRiches) -> HumanMix:
    """Each form's time in FTE (hours ÷ 1 607; employees as entered) and its share."""
    hours: list[tuple[EngagementForm, int, int]] = [
        (EngagementForm.VOLUNTEERS, riches.volunteers_count, riches.volunteer_hours),
        (EngagementForm.BOARD, riches.board_members, riches.board_hours),
        (EngagementForm.CIVIC_SERVICE, riches.civic_service_count, riches.civic_service_hours),
        (
            EngagementForm.SKILLS_SPONSORSHIP,
            riches.skills_sponsorship_count,
            riches.skills_sponsorship_hours,
        ),
    ]
    times: list[tuple[EngagementForm, int, Decimal, int | None]] = [
        (EngagementForm.EMPLOYEES, riches.employees_count, riches.employees_fte, None),
        *((form, people, hours_to_fte(given), given) for form, people, given in hours),
    ]
    total = sum((fte for _, _, fte, _ in times), Decimal(0))
    volunteer = times[1][2] + times[2][2]
    return HumanMix(
        parts=[
            EngagementTime(form, people, fte, share(fte, total) or 0.0, given)
            for form, people, fte, given in times
        ],
        total_fte=total,
        volunteer_fte=volunteer,
        volunteer_share=share(volunteer, total),
        people=sum(people for _, people, _, _ in times),
    )


# --- alliances ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllianceCounts:
    """Alliances counted by form of relation, by kind of partner, and both."""

    total: int
    by_form: dict[AllianceForm, int]
    by_kind: dict[PartnerKind, int]
    by_kind_and_form: dict[tuple[PartnerKind, AllianceForm], int]
    missing_kinds: list[PartnerKind]


def alliance_counts(alliances: Sequence[Alliance]) -> AllianceCounts:
    """Counts in the fixed order of the vocabularies (zeros included), and absent kinds."""
    by_form = Counter(alliance.form for alliance in alliances)
    by_kind = Counter(alliance.kind for alliance in alliances)
    pairs = Counter((alliance.kind, alliance.form) for alliance in alliances)
    return AllianceCounts(
        total=len(alliances),
        by_form={form: by_form.get(form, 0) for form in AllianceForm},
        by_kind={kind: by_kind.get(kind, 0) for kind in PartnerKind},
        by_kind_and_form=dict(pairs),
        missing_kinds=[kind for kind in PartnerKind if not by_kind.get(kind)],
    )


# --- a year, and years compared -------------------------------------------------------------


@dataclass(frozen=True)
class YearIndicators:
    """Everything computed for one year."""

    year: int
    total_resources: int
    families: list[FamilyShare]
    groups: list[GroupShare]
    funders: list[FunderShare]
    concentration: Concentration
    multi_year_share: float | None
    activities: list[ActivityFigures]
    activity_totals: ActivityTotals
    balance: int | None  # resources − full costs of the activities (None without costs)
    human: HumanMix
    alliances: AllianceCounts

    def family(self, family: ResourceFamily) -> FamilyShare:
        """The row of one family."""
        return next(row for row in self.families if row.family == family)

    def group(self, group: ResourceGroup) -> GroupShare:
        """The row of one group."""
        return next(row for row in self.groups if row.group == group)


def year_indicators(data: YearData) -> YearIndicators:
    """All the indicators of one year."""
    totals = activity_totals(data.activities)
    resources = total_resources(data.resources)
    return YearIndicators(
        year=data.year,
        total_resources=resources,
        families=family_shares(data.resources),
        groups=group_shares(data.resources),
        funders=funder_shares(data.resources),
        concentration=concentration(data.resources),
        multi_year_share=multi_year_share(data.resources),
        activities=[activity_figures(activity) for activity in data.activities],
        activity_totals=totals,
        balance=resources - totals.costs if totals.costs else None,
        human=human_mix(data.human_riches),
        alliances=alliance_counts(data.alliances),
    )


class Metric(enum.StrEnum):
    """What the year-to-year comparison follows."""

    TOTAL_RESOURCES = "total_resources"
    PUBLIC_SHARE = "public_share"
    PRIVATE_SHARE = "private_share"
    ACTIVITY_SHARE = "activity_share"
    LARGEST_FUNDER_SHARE = "largest_funder_share"
    FUNDER_HHI = "funder_hhi"
    EMPLOYEES_FTE = "employees_fte"
    VOLUNTEER_FTE = "volunteer_fte"
    ALLIANCES = "alliances"


#: Metrics that are shares: their change is in percentage points, not per cent.
SHARE_METRICS = frozenset(
    {
        Metric.PUBLIC_SHARE,
        Metric.PRIVATE_SHARE,
        Metric.ACTIVITY_SHARE,
        Metric.LARGEST_FUNDER_SHARE,
    }
)


def metric_value(indicators: YearIndicators, metric: Metric) -> float | None:
    """The value of one metric in one year (None when it cannot be computed)."""
    total = indicators.total_resources
    largest = indicators.concentration.largest
    values: dict[Metric, float | None] = {
        Metric.TOTAL_RESOURCES: float(total),
        Metric.PUBLIC_SHARE: indicators.group(ResourceGroup.PUBLIC).share if total else None,
        Metric.PRIVATE_SHARE: indicators.group(ResourceGroup.PRIVATE).share if total else None,
        Metric.ACTIVITY_SHARE: indicators.group(ResourceGroup.ACTIVITY).share if total else None,
        Metric.LARGEST_FUNDER_SHARE: largest.share if largest else None,
        Metric.FUNDER_HHI: (
            float(indicators.concentration.funder_hhi)
            if indicators.concentration.funder_hhi is not None
            else None
        ),
        Metric.EMPLOYEES_FTE: float(indicators.human.parts[0].fte),
        Metric.VOLUNTEER_FTE: float(indicators.human.volunteer_fte),
        Metric.ALLIANCES: float(indicators.alliances.total),
    }
    return values[metric]


@dataclass(frozen=True)
class MetricChange:
    """One metric from one year to the next."""

    metric: Metric
    before: float | None
    after: float | None
    delta: float | None  # after − before (points for shares)
    relative: float | None  # per cent of `before`, for amounts and counts only


@dataclass(frozen=True)
class FamilyChange:
    """One resource family's amount from one year to the next."""

    family: ResourceFamily
    before: int
    after: int
    delta: int
    relative: float | None  # per cent of `before`; None when it was 0


@dataclass(frozen=True)
class YearChange:
    """How the model moved between two described years."""

    from_year: int
    to_year: int
    metrics: list[MetricChange]
    families: list[FamilyChange] = field(default_factory=list)


def _change(metric: Metric, before: float | None, after: float | None) -> MetricChange:
    if before is None or after is None:
        return MetricChange(metric, before, after, None, None)
    delta = after - before
    relative = None if metric in SHARE_METRICS else share(delta, before)
    return MetricChange(metric, before, after, delta, relative)


def year_change(before: YearIndicators, after: YearIndicators) -> YearChange:
    """Every metric, and each family's amount, from `before` to `after`."""
    families = [
        FamilyChange(
            old.family,
            old.amount,
            new.amount,
            new.amount - old.amount,
            share(new.amount - old.amount, old.amount),
        )
        for old, new in zip(before.families, after.families, strict=True)
    ]
    return YearChange(
        from_year=before.year,
        to_year=after.year,
        metrics=[
            _change(metric, metric_value(before, metric), metric_value(after, metric))
            for metric in Metric
        ],
        families=families,
    )


def year_changes(years: Sequence[YearIndicators]) -> list[YearChange]:
    """The change between each pair of consecutive described years (years sorted)."""
    ordered = sorted(years, key=lambda item: item.year)
    return [year_change(a, b) for a, b in itertools.pairwise(ordered)]
