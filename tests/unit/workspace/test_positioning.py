"""The positioning rules' worked examples (docs/workspace-indicators.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lms.workspace.indicators import year_indicators
from lms.workspace.positioning import CAVEATS, ResourceModel, Strength, position
from lms.workspace.reasons import PLAIN
from lms.workspace.schemas import Alliance, AllianceForm, HumanRiches, PartnerKind, YearData
from tests.unit.workspace.examples import line, terres_partagees


def positioned(year: YearData):
    return position(year, year_indicators(year))


def texts(reasons):
    return [PLAIN.reason(reason) for reason in reasons]


def test_terres_partagees_as_the_course_reads_it():
    """Partly public-policy operator, partly services, and co-financing overall (M05)."""
    result = positioned(terres_partagees())
    assert [(m.model, m.strength) for m in result.matches] == [
        (ResourceModel.PUBLIC_POLICY_OPERATOR, Strength.MARKED),
        (ResourceModel.SERVICES, Strength.MARKED),
        (ResourceModel.COFINANCING, Strength.PRESENT),
    ]
    operator, services, cofinancing = result.matches
    assert texts(operator.reasons) == [
        "45 % of resources fund a public policy defined by the authorities "
        "(Aides publiques liées à l'insertion)."
    ]
    assert texts(services.reasons) == [
        "32.5 % of resources pay for services or know-how: activity revenue 25 %, "
        "public contracts 7.5 %."
    ]
    assert texts(cofinancing.reasons) == [
        "4 funders each bring at least 5 % of resources, public (État, Département, Commune) "
        "and private (Fondation Horizon)."
    ]


def test_without_the_policy_mark_the_state_aid_reads_as_subsidies():
    year = terres_partagees()
    year.resources[0] = year.resources[0].model_copy(update={"public_policy": False})
    result = positioned(year)
    subsidies = result.match(ResourceModel.PUBLIC_SUBSIDIES)
    assert subsidies is not None and subsidies.strength == Strength.MAIN
    assert texts(subsidies.reasons) == [
        "60 % of resources are public subsidies for the organisation's project."
    ]
    assert result.match(ResourceModel.PUBLIC_POLICY_OPERATOR) is None


def test_the_municipal_subsidy_at_80_percent():
    """M05's example: 80 % from one annual municipal subsidy: main model, high dependency."""
    year = YearData(
        year=2024,
        resources=[
            line("Subvention municipale", "public_subsidies", 80_000, "Commune"),
            line("Cotisations", "membership_fees", 12_000),
            line("Buvette", "activity_revenue", 8_000),
        ],
    )
    result = positioned(year)
    assert [(m.model, m.strength, m.share) for m in result.matches] == [
        (ResourceModel.PUBLIC_SUBSIDIES, Strength.MAIN, pytest.approx(80.0))
    ]
    readings = texts(result.readings)
    assert readings[0] == (
        "Commune alone brings 80 % of resources (80,000 €): from 50 %, its withdrawal would "
        "put the structure's existence at stake. Not necessarily a fault, but a risk to face "
        "at the board."
    )
    assert "Concentration on funders (HHI): 6400, highly concentrated." in readings
    assert any(
        r.startswith("Only 0 % of resources are secured for several years") for r in readings
    )
    assert any(r.startswith("Public resources weigh 80 %") for r in readings)


def test_training_sold_to_public_and_private_clients_is_services():
    """M05's quiz: an association that sells training to local authorities and companies."""
    year = YearData(
        year=2024,
        resources=[
            line("Formations pour des collectivités", "public_contracts", 120_000, "Région"),
            line("Formations pour des entreprises", "activity_revenue", 150_000),
            line("Dons", "donations", 10_000),
        ],
    )
    result = positioned(year)
    assert result.matches[0].model == ResourceModel.SERVICES
    assert result.matches[0].strength == Strength.MAIN
    assert result.matches[0].share == pytest.approx(96.43, abs=0.01)


def test_a_neighbourhood_club_lives_on_its_members():
    year = YearData(
        year=2024,
        resources=[
            line("Cotisations", "membership_fees", 30_000),
            line("Stages", "activity_revenue", 12_000),
            line("Subvention", "public_subsidies", 8_000, "Commune"),
        ],
        human_riches=HumanRiches(
            employees_fte=Decimal("1.5"), volunteer_hours=4400, board_hours=900
        ),
    )
    result = positioned(year)
    members = result.match(ResourceModel.MEMBERS)
    assert members is not None and members.strength == Strength.MAIN
    assert texts(members.reasons) == [
        "60 % of resources are membership fees.",
        "Volunteers and board members give more time than employees: 3.3 FTE against 1.5 FTE.",
    ]


def test_volunteering_alone_makes_the_members_model_present():
    year = YearData(
        year=2024,
        resources=[
            line("Subvention", "public_subsidies", 10_000, "Commune"),
            line("Ventes", "activity_revenue", 10_000),
        ],
        human_riches=HumanRiches(employees_fte=Decimal("0"), volunteer_hours=3000),
    )
    members = positioned(year).match(ResourceModel.MEMBERS)
    assert members is not None and members.strength == Strength.PRESENT and members.share is None


def test_private_mobilisation():
    year = YearData(
        year=2024,
        resources=[
            line("Dons des particuliers", "donations", 400_000),
            line("Mécénat", "corporate_patronage", 150_000, "Banque régionale"),
            line("Subvention", "public_subsidies", 50_000, "État"),
        ],
    )
    match = positioned(year).match(ResourceModel.PRIVATE_MOBILISATION)
    assert match is not None and match.strength == Strength.MAIN
    assert match.share == pytest.approx(91.67, abs=0.01)


def test_pooling_alliances_point_to_the_pooled_model():
    year = YearData(
        year=2024,
        resources=[line("Ventes", "activity_revenue", 1000)],
        alliances=[
            Alliance(
                partner="Groupement d'employeurs du Val",
                kind=PartnerKind.ASSOCIATION,
                form=AllianceForm.POOLING,
            ),
        ],
    )
    match = positioned(year).match(ResourceModel.POOLED)
    assert match is not None and match.strength == Strength.PRESENT
    assert texts(match.reasons) == [
        "Alliances that pool means with other structures: 1 (Groupement d'employeurs du Val)."
    ]


def test_co_financing_needs_public_and_private_funders():
    only_public = YearData(
        year=2024,
        resources=[
            line("A", "public_subsidies", 40, "État"),
            line("B", "public_subsidies", 30, "Région"),
            line("C", "public_subsidies", 30, "Commune"),
        ],
    )
    assert positioned(only_public).match(ResourceModel.COFINANCING) is None


def test_shares_just_below_the_thresholds_do_not_count():
    year = YearData(
        year=2024,
        resources=[
            line("Cotisations", "membership_fees", 2499),
            line("Autres", "other", 7501),
        ],
    )
    assert positioned(year).match(ResourceModel.MEMBERS) is None
    year.resources[0] = line("Cotisations", "membership_fees", 2500)
    year.resources[1] = line("Autres", "other", 7500)
    members = positioned(year).match(ResourceModel.MEMBERS)
    assert members is not None and members.strength == Strength.MARKED


def test_no_resources_no_positioning_but_the_caveats():
    result = positioned(YearData(year=2024))
    assert result.matches == [] and result.readings == []
    assert result.caveats == CAVEATS
    assert texts(CAVEATS)[0].startswith("An aid to discussion, not a verdict")
