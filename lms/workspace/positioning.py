"""Positioning a year's resources against the typology of seven resource models (M05).

The typology (Le Mouvement associatif and partners, 2014) is one reading grid among
others, and the course insists that positioning is not putting oneself in a box. So
these rules never conclude: they say which models the figures *lean towards* and
why, in sentences built from the figures ("68 % of resources are public subsidies"),
for the board to discuss. The rules and their thresholds are documented, with
worked examples, in docs/workspace-indicators.md.

* A model fed by a share of the resources is **main** from 50 %, **marked** from
  25 %: members' own resources (membership fees), services and know-how (activity
  revenue, and public contracts that buy a service), public-policy operator (public
  money marked as funding a policy the authority defines), public subsidies (the
  other subsidies), private mobilisation (donations and corporate patronage).
* Two models are recognised by their pattern rather than a share, and are only
  **present**: co-financing (at least three named funders bringing 5 % or more each,
  public and private among them) and the pooled model (an alliance that pools
  means with other structures). Members' own resources are also present when
  volunteers give more time than employees.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from lms.i18n import N_
from lms.workspace.indicators import (
    HIGH_DEPENDENCY_SHARE,
    MARKED_DEPENDENCY_SHARE,
    DependencyLevel,
    YearIndicators,
    share,
)
from lms.workspace.reasons import FteAmount, Money, Pct, Reason, Term
from lms.workspace.schemas import (
    FAMILY_GROUP,
    AllianceForm,
    ResourceFamily,
    ResourceGroup,
    ResourceLine,
    YearData,
)

#: Share of resources from which a model is the main one.
MAIN_SHARE = 50.0
#: Share of resources from which a model is marked.
MARKED_SHARE = 25.0
#: Co-financing: funders bringing at least this share each...
COFUNDER_SHARE = 5.0
#: ... at least this many of them, public and private among them.
MIN_COFUNDERS = 3
#: Below this share of multi-year resources, the model is fragile over time (M05).
MULTI_YEAR_SHARE = 50.0


class ResourceModel(enum.StrEnum):
    """The seven models of resources of the typology, in the course's order."""

    MEMBERS = "members"
    SERVICES = "services"
    PUBLIC_POLICY_OPERATOR = "public_policy_operator"
    PUBLIC_SUBSIDIES = "public_subsidies"
    COFINANCING = "cofinancing"
    PRIVATE_MOBILISATION = "private_mobilisation"
    POOLED = "pooled"


class Strength(enum.StrEnum):
    """How strongly the figures point to a model."""

    MAIN = "main"  # 50 % of resources or more
    MARKED = "marked"  # 25 % or more
    PRESENT = "present"  # a pattern, not a share


_STRENGTH_ORDER = {Strength.MAIN: 0, Strength.MARKED: 1, Strength.PRESENT: 2}


@dataclass(frozen=True)
class ModelMatch:
    """A model the figures lean towards, how much, and why."""

    model: ResourceModel
    strength: Strength
    share: float | None  # of the year's resources; None for pattern-based models
    reasons: list[Reason]


@dataclass(frozen=True)
class Positioning:
    """The positioning of one year: the models, readings of the dependency, and caveats."""

    year: int
    matches: list[ModelMatch]
    readings: list[Reason]
    caveats: list[Reason] = field(default_factory=list)

    def match(self, model: ResourceModel) -> ModelMatch | None:
        """The match for one model, if the figures point to it."""
        return next((m for m in self.matches if m.model == model), None)


#: How concentration bands read in a sentence.
BAND_TERMS = {
    "diversified": N_("diversified"),
    "moderate": N_("moderately concentrated"),
    "high": N_("highly concentrated"),
}

#: Shown with every positioning: the course's own warnings.
CAVEATS = [
    Reason(
        N_(
            "An aid to discussion, not a verdict: this typology (Le Mouvement associatif "
            "and partners, 2014) is one reading grid among others."
        )
    ),
    Reason(
        N_(
            "No model is good in itself: what matters is that the model is coherent "
            "with the missions of the project."
        )
    ),
    Reason(
        N_(
            "One organisation can belong to several models depending on its activities: "
            "reason activity by activity, then take stock."
        )
    ),
]


def _strength(value: float | None) -> Strength | None:
    if value is None:
        return None
    if value >= MAIN_SHARE:
        return Strength.MAIN
    if value >= MARKED_SHARE:
        return Strength.MARKED
    return None


def _amount(lines: Sequence[ResourceLine], *families: ResourceFamily, policy: bool | None) -> int:
    """Lines of `families`; `policy` True/False keeps only lines marked / not marked."""
    return sum(
        line.amount
        for line in lines
        if line.family in families and (policy is None or line.public_policy == policy)
    )


def _share_models(data: YearData, total: int) -> list[ModelMatch]:
    lines = data.resources
    fees = _amount(lines, ResourceFamily.MEMBERSHIP_FEES, policy=None)
    revenue = _amount(lines, ResourceFamily.ACTIVITY_REVENUE, policy=None)
    contracts = _amount(lines, ResourceFamily.PUBLIC_CONTRACTS, policy=False)
    policy = _amount(
        lines, ResourceFamily.PUBLIC_SUBSIDIES, ResourceFamily.PUBLIC_CONTRACTS, policy=True
    )
    subsidies = _amount(lines, ResourceFamily.PUBLIC_SUBSIDIES, policy=False)
    gifts = _amount(
        lines, ResourceFamily.DONATIONS, ResourceFamily.CORPORATE_PATRONAGE, policy=None
    )
    policy_labels = ", ".join(
        line.label
        for line in lines
        if line.public_policy and (FAMILY_GROUP[line.family] == ResourceGroup.PUBLIC)
    )

    def pct(amount: int) -> Pct:
        return Pct(share(amount, total) or 0.0)

    candidates = [
        (
            ResourceModel.MEMBERS,
            fees,
            Reason(N_("%(share)s of resources are membership fees."), {"share": pct(fees)}),
        ),
        (
            ResourceModel.SERVICES,
            revenue + contracts,
            Reason(
                N_(
                    "%(share)s of resources pay for services or know-how: activity revenue "
                    "%(revenue)s, public contracts %(contracts)s."
                ),
                {
                    "share": pct(revenue + contracts),
                    "revenue": pct(revenue),
                    "contracts": pct(contracts),
                },
            ),
        ),
        (
            ResourceModel.PUBLIC_POLICY_OPERATOR,
            policy,
            Reason(
                N_(
                    "%(share)s of resources fund a public policy defined by the authorities "
                    "(%(lines)s)."
                ),
                {"share": pct(policy), "lines": policy_labels},
            ),
        ),
        (
            ResourceModel.PUBLIC_SUBSIDIES,
            subsidies,
            Reason(
                N_("%(share)s of resources are public subsidies for the organisation's project."),
                {"share": pct(subsidies)},
            ),
        ),
        (
            ResourceModel.PRIVATE_MOBILISATION,
            gifts,
            Reason(
                N_(
                    "%(share)s of resources are donations, legacies, foundation grants and "
                    "corporate patronage."
                ),
                {"share": pct(gifts)},
            ),
        ),
    ]
    matches = []
    for model, amount, reason in candidates:
        value = share(amount, total)
        strength = _strength(value)
        if strength is not None:
            matches.append(ModelMatch(model, strength, value, [reason]))
    return matches


def _cofinancing(indicators: YearIndicators) -> ModelMatch | None:
    cofunders = [row for row in indicators.funders if row.share >= COFUNDER_SHARE]
    public = [
        row.funder
        for row in cofunders
        if any(FAMILY_GROUP[f] == ResourceGroup.PUBLIC for f in row.families)
    ]
    private = [
        row.funder
        for row in cofunders
        if any(FAMILY_GROUP[f] != ResourceGroup.PUBLIC for f in row.families)
    ]
    if len(cofunders) < MIN_COFUNDERS or not public or not private:
        return None
    reason = Reason(
        N_(
            "%(count)s funders each bring at least %(minimum)s of resources, public "
            "(%(public)s) and private (%(private)s)."
        ),
        {
            "count": len(cofunders),
            "minimum": Pct(COFUNDER_SHARE),
            "public": ", ".join(public),
            "private": ", ".join(private),
        },
    )
    return ModelMatch(ResourceModel.COFINANCING, Strength.PRESENT, None, [reason])


def _pooled(data: YearData) -> ModelMatch | None:
    pooling = [a.partner for a in data.alliances if a.form == AllianceForm.POOLING]
    if not pooling:
        return None
    reason = Reason(
        N_("Alliances that pool means with other structures: %(count)s (%(partners)s)."),
        {"count": len(pooling), "partners": ", ".join(pooling)},
    )
    return ModelMatch(ResourceModel.POOLED, Strength.PRESENT, None, [reason])


def _volunteering(indicators: YearIndicators) -> Reason | None:
    employees = indicators.human.parts[0].fte
    volunteers = indicators.human.volunteer_fte
    if not volunteers or volunteers <= employees:
        return None
    return Reason(
        N_(
            "Volunteers and board members give more time than employees: %(volunteers)s FTE "
            "against %(employees)s FTE."
        ),
        {"volunteers": FteAmount(volunteers), "employees": FteAmount(employees)},
    )


def _readings(indicators: YearIndicators) -> list[Reason]:
    """Readings of the dependency, from M05's questions for interpreting."""
    readings = []
    concentration = indicators.concentration
    largest = concentration.largest
    if largest is not None and concentration.dependency == DependencyLevel.HIGH:
        readings.append(
            Reason(
                N_(
                    "%(funder)s alone brings %(share)s of resources (%(amount)s): from "
                    "%(threshold)s, its withdrawal would put the structure's existence at "
                    "stake. Not necessarily a fault, but a risk to face at the board."
                ),
                {
                    "funder": largest.funder,
                    "share": Pct(largest.share),
                    "amount": Money(largest.amount),
                    "threshold": Pct(HIGH_DEPENDENCY_SHARE),
                },
            )
        )
    elif largest is not None and concentration.dependency == DependencyLevel.MARKED:
        readings.append(
            Reason(
                N_(
                    "%(funder)s brings %(share)s of resources (%(amount)s), above the "
                    "%(threshold)s ceiling of the course's example ambition."
                ),
                {
                    "funder": largest.funder,
                    "share": Pct(largest.share),
                    "amount": Money(largest.amount),
                    "threshold": Pct(MARKED_DEPENDENCY_SHARE),
                },
            )
        )
    elif largest is not None:
        readings.append(
            Reason(
                N_("The largest funder, %(funder)s, brings %(share)s of resources."),
                {"funder": largest.funder, "share": Pct(largest.share)},
            )
        )
    if concentration.funder_band is not None and concentration.funder_hhi is not None:
        readings.append(
            Reason(
                N_("Concentration on funders (HHI): %(hhi)s, %(band)s."),
                {
                    "hhi": concentration.funder_hhi,
                    "band": Term(BAND_TERMS[concentration.funder_band.value]),
                },
            )
        )
    multi_year = indicators.multi_year_share
    if multi_year is not None and multi_year < MULTI_YEAR_SHARE:
        readings.append(
            Reason(
                N_(
                    "Only %(share)s of resources are secured for several years: most are "
                    "renewed every year, which makes the project vulnerable to any change "
                    "of priority."
                ),
                {"share": Pct(multi_year)},
            )
        )
    public = indicators.group(ResourceGroup.PUBLIC)
    if public.share >= MAIN_SHARE:
        readings.append(
            Reason(
                N_(
                    "Public resources weigh %(share)s: coherent for some missions, they "
                    "depend on political and budget choices."
                ),
                {"share": Pct(public.share)},
            )
        )
    return readings


def position(data: YearData, indicators: YearIndicators) -> Positioning:
    """The models one year's resources lean towards, with their reasons, and readings."""
    total = indicators.total_resources
    if not total:
        return Positioning(data.year, [], [], list(CAVEATS))
    matches = _share_models(data, total)
    for pattern in (_cofinancing(indicators), _pooled(data)):
        if pattern is not None:
            matches.append(pattern)
    volunteering = _volunteering(indicators)
    if volunteering is not None:
        members = next((m for m in matches if m.model == ResourceModel.MEMBERS), None)
        if members is None:
            matches.append(
                ModelMatch(ResourceModel.MEMBERS, Strength.PRESENT, None, [volunteering])
            )
        else:
            members.reasons.append(volunteering)
    matches.sort(key=lambda m: (_STRENGTH_ORDER[m.strength], -(m.share or 0.0)))
    return Positioning(data.year, matches, _readings(indicators), list(CAVEATS))
