"""The indicators' worked examples (docs/workspace-indicators.md), one test each."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lms.workspace.indicators import (
    ConcentrationBand,
    DependencyLevel,
    EngagementForm,
    Metric,
    activity_figures,
    alliance_counts,
    concentration,
    concentration_band,
    dependency_level,
    family_shares,
    funder_shares,
    group_shares,
    hhi,
    hours_to_fte,
    human_mix,
    share,
    year_changes,
    year_indicators,
)
from lms.workspace.schemas import (
    Alliance,
    AllianceForm,
    PartnerKind,
    ResourceFamily,
    ResourceGroup,
)
from tests.unit.workspace.examples import club_des_tilleuls, line, ressourcerie, terres_partagees


def test_share_of_nothing_is_none():
    assert share(10, 0) is None
    assert share(1, 4) == 25.0


def test_family_shares_terres_partagees():
    shares = {row.family: row.share for row in family_shares(terres_partagees().resources)}
    assert shares[ResourceFamily.PUBLIC_SUBSIDIES] == pytest.approx(60.0)
    assert shares[ResourceFamily.PUBLIC_CONTRACTS] == pytest.approx(7.5)
    assert shares[ResourceFamily.ACTIVITY_REVENUE] == pytest.approx(25.0)
    assert shares[ResourceFamily.CORPORATE_PATRONAGE] == pytest.approx(5.0)
    assert shares[ResourceFamily.DONATIONS] == pytest.approx(2.0)
    assert shares[ResourceFamily.MEMBERSHIP_FEES] == pytest.approx(0.5)
    assert shares[ResourceFamily.OTHER] == 0.0
    assert sum(shares.values()) == pytest.approx(100.0)


def test_public_private_activity_split_terres_partagees():
    """The course: public 67.5 % (of which 7.5 % public contracts), activity 25 %, private 7.5 %."""
    groups = {
        row.group: (row.amount, row.share) for row in group_shares(terres_partagees().resources)
    }
    assert groups[ResourceGroup.PUBLIC] == (405_000, pytest.approx(67.5))
    assert groups[ResourceGroup.ACTIVITY] == (150_000, pytest.approx(25.0))
    assert groups[ResourceGroup.PRIVATE] == (45_000, pytest.approx(7.5))
    assert groups[ResourceGroup.OTHER] == (0, 0.0)


def test_largest_funder_terres_partagees_is_the_state_at_45_percent():
    result = concentration(terres_partagees().resources)
    assert result.largest is not None
    assert (result.largest.funder, result.largest.amount) == ("État", 270_000)
    assert result.largest.share == pytest.approx(45.0)
    assert result.dependency == DependencyLevel.MARKED


def test_hhi_on_funders_terres_partagees():
    """45² + 15² + 7.5² + 5² = 2 331.25: moderately concentrated; sales, gifts, fees are dispersed."""
    result = concentration(terres_partagees().resources)
    assert result.funder_hhi == 2331
    assert result.funder_band == ConcentrationBand.MODERATE
    assert result.dispersed_share == pytest.approx(27.5)


def test_hhi_on_families_terres_partagees():
    """60² + 7.5² + 25² + 5² + 2² + 0.5² = 4 310.5, rounded half up."""
    result = concentration(terres_partagees().resources)
    assert result.family_hhi == 4311
    assert result.family_band == ConcentrationBand.HIGH


def test_funders_are_grouped_by_name_whatever_the_case_and_spaces():
    lines = [
        line("Aide au poste", "public_subsidies", 30_000, "État"),
        line("Appel à projets", "public_subsidies", 10_000, " état "),
        line("Ventes", "activity_revenue", 60_000),
    ]
    funders = funder_shares(lines)
    assert [(f.funder, f.amount, f.share) for f in funders] == [("État", 40_000, 40.0)]


def test_hhi_extremes():
    assert hhi([100.0]) == 10_000
    assert hhi([25.0] * 4) == 2500
    assert hhi([]) == 0


@pytest.mark.parametrize(
    ("index", "band"),
    [
        (1499, ConcentrationBand.DIVERSIFIED),
        (1500, ConcentrationBand.MODERATE),
        (2500, ConcentrationBand.MODERATE),
        (2501, ConcentrationBand.HIGH),
    ],
)
def test_concentration_bands(index, band):
    assert concentration_band(index) == band


@pytest.mark.parametrize(
    ("largest", "level"),
    [
        (None, DependencyLevel.NONE),
        (29.9, DependencyLevel.LIMITED),
        (30.0, DependencyLevel.MARKED),
        (49.9, DependencyLevel.MARKED),
        (50.0, DependencyLevel.HIGH),
        (80.0, DependencyLevel.HIGH),
    ],
)
def test_dependency_levels(largest, level):
    assert dependency_level(largest) == level


def test_no_named_funder_means_no_dependency_and_no_funder_index():
    result = concentration([line("Ventes", "activity_revenue", 1000)])
    assert (result.largest, result.funder_hhi, result.dependency) == (
        None,
        None,
        DependencyLevel.NONE,
    )
    assert result.family_hhi == 10_000


def test_ressourcerie_first_dependency_is_36_percent():
    """The course: the convention weighs 36 % of resources (120 000 ÷ 335 000)."""
    indicators = year_indicators(ressourcerie())
    assert indicators.total_resources == 335_000
    largest = indicators.concentration.largest
    assert largest is not None and largest.funder == "Intercommunalité"
    assert round(largest.share) == 36


def test_self_financing_rates_of_the_ressourcerie():
    """Boutique 150 000 ÷ 170 000 ≈ 88 %; workshops 5 000 ÷ 60 000 ≈ 8 %; collection 0 %."""
    figures = {a.name: activity_figures(a) for a in ressourcerie().activities}
    assert round(figures["Boutique solidaire"].self_financing) == 88
    assert round(figures["Ateliers de réparation et de sensibilisation"].self_financing) == 8
    assert figures["Collecte et tri"].self_financing == 0.0
    # "les ateliers ne couvrent que les trois quarts de leur coût"
    assert figures["Ateliers de réparation et de sensibilisation"].coverage == pytest.approx(75.0)
    assert figures["Ateliers de réparation et de sensibilisation"].gap == 15_000


def test_activity_without_cost_has_no_rate():
    from lms.workspace.schemas import Activity

    figures = activity_figures(Activity(name="Vie associative", revenue=100))
    assert figures.self_financing is None and figures.coverage is None


def test_ressourcerie_totals_and_deficit():
    """Resources 335 000 €, full costs 360 000 €: a deficit of 25 000 €."""
    indicators = year_indicators(ressourcerie())
    totals = indicators.activity_totals
    assert (totals.costs, totals.budget, totals.staff_fte) == (360_000, 315_000, Decimal("9.5"))
    assert totals.volunteer_hours == 4600
    assert totals.volunteer_fte == Decimal("2.86")
    assert indicators.balance == -25_000


def test_hours_to_fte():
    assert hours_to_fte(1607) == Decimal("1.00")
    assert hours_to_fte(800) == Decimal("0.50")
    assert hours_to_fte(0) == Decimal("0.00")


def test_human_riches_mix_of_the_tilleuls_club():
    """Volunteers 4 400 h (2.74 FTE) and board 900 h (0.56 FTE) against 1.5 FTE of employees."""
    mix = human_mix(club_des_tilleuls())
    parts = {part.form: part for part in mix.parts}
    assert parts[EngagementForm.VOLUNTEERS].fte == Decimal("2.74")
    assert parts[EngagementForm.BOARD].fte == Decimal("0.56")
    assert parts[EngagementForm.EMPLOYEES].fte == Decimal("1.5")
    assert parts[EngagementForm.EMPLOYEES].hours is None
    assert mix.total_fte == Decimal("4.80")
    assert mix.volunteer_fte == Decimal("3.30")
    assert mix.volunteer_share == pytest.approx(68.75)
    assert parts[EngagementForm.EMPLOYEES].share == pytest.approx(31.25)
    assert mix.people == 66


def test_alliances_by_form_and_kind():
    alliances = [
        Alliance(partner="A", kind=PartnerKind.COMPANY, form=AllianceForm.PATRONAGE),
        Alliance(partner="B", kind=PartnerKind.COMPANY, form=AllianceForm.ECONOMIC_COOPERATION),
        Alliance(partner="C", kind=PartnerKind.ASSOCIATION, form=AllianceForm.POOLING),
    ]
    counts = alliance_counts(alliances)
    assert counts.total == 3
    assert counts.by_form[AllianceForm.PATRONAGE] == 1
    assert counts.by_form[AllianceForm.SOCIETAL_INNOVATION] == 0
    assert counts.by_kind[PartnerKind.COMPANY] == 2
    assert counts.by_kind_and_form[(PartnerKind.ASSOCIATION, AllianceForm.POOLING)] == 1
    assert counts.missing_kinds == [PartnerKind.PUBLIC_BODY, PartnerKind.FOUNDATION]


def test_change_from_one_year_to_the_next():
    """Year 2 of the ressourcerie: +20 000 € of workshops for companies, convention unchanged."""
    first = ressourcerie(2024)
    second = ressourcerie(2025)
    second.resources.append(line("Ateliers pour les entreprises", "activity_revenue", 20_000))
    [change] = year_changes([year_indicators(second), year_indicators(first)])  # any order
    assert (change.from_year, change.to_year) == (2024, 2025)
    metrics = {m.metric: m for m in change.metrics}
    total = metrics[Metric.TOTAL_RESOURCES]
    assert (total.before, total.after, total.delta) == (335_000, 355_000, 20_000)
    assert total.relative == pytest.approx(5.97, abs=0.01)
    largest = metrics[Metric.LARGEST_FUNDER_SHARE]
    assert largest.delta == pytest.approx(120_000 / 3550 - 120_000 / 3350)  # points, not per cent
    assert largest.relative is None
    families = {f.family: f for f in change.families}
    assert families[ResourceFamily.ACTIVITY_REVENUE].delta == 20_000
    assert families[ResourceFamily.OTHER].relative is None  # 0 before: no rate


def test_a_single_year_has_no_change():
    assert year_changes([year_indicators(ressourcerie())]) == []
