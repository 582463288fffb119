"""The document's validation: what is refused, and how each refusal is located and said."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from lms.workspace.schemas import WorkspaceData, field_errors
from tests.integration.workspace.example import ressourcerie_document


def errors_of(document) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        WorkspaceData.model_validate(document)
    return field_errors(refused.value)


def test_the_example_is_valid_and_round_trips_through_json():
    data = WorkspaceData.model_validate(ressourcerie_document())
    again = WorkspaceData.model_validate(json.loads(json.dumps(data.dump())))
    assert again == data
    assert data.dump()["years"][0]["activities"][2]["staff_fte"] == 1.5  # a number in JSON
    assert data.years[0].activities[2].staff_fte == Decimal("1.5")


@pytest.mark.parametrize(
    ("change", "location", "message"),
    [
        (
            lambda d: d["years"][0]["resources"][0].update(amount=-1),
            "years.0.resources.0.amount",
            "Must be 0 or more.",
        ),
        (
            lambda d: d["years"][0]["resources"][0].update(family="loan"),
            "years.0.resources.0.family",
            "Choose one of the listed values.",
        ),
        (
            lambda d: d["years"][0]["resources"][0].pop("family"),
            "years.0.resources.0.family",
            "This field is required.",
        ),
        (
            lambda d: d["years"][0]["activities"][0].update(staff_fte="1.234"),
            "years.0.activities.0.staff_fte",
            "At most 2 decimals.",
        ),
        (
            lambda d: d["years"][0]["activities"][0].update(name=""),
            "years.0.activities.0.name",
            "This field is required.",
        ),
        (
            lambda d: d["years"][0]["activities"][0].update(revenue=130001, budget=130000),
            "years.0.activities.0",
            "The activity revenue is part of the allocated resources: it cannot be larger.",
        ),
        (
            lambda d: d["method"]["target"]["resource_shares"].update(other=80),
            "method.target.resource_shares",
            "The shares add up to 180 %: at most 100 %.",
        ),
        (
            lambda d: d["method"]["target"].update(max_funder_share=120),
            "method.target.max_funder_share",
            "Must be at most 100.",
        ),
        (
            lambda d: d["method"]["target"]["resource_shares"].update(loans=5),
            "method.target.resource_shares.loans.[key]",
            "Choose one of the listed values.",
        ),
        (lambda d: d["years"][1].update(year=2023), "years", "Year 2023 is described twice."),
        (
            lambda d: d["method"]["issues"].append({"title": "Une quatrième"}),
            "method.issues",
            "At most 3 rows.",
        ),
        (
            lambda d: d["method"]["levers"][0].update(impact=4),
            "method.levers.0.impact",
            "Must be at most 3.",
        ),
        (lambda d: d["identity"].update(colour="blue"), "identity.colour", "Unknown field."),
        (
            lambda d: d.update(format="something-else"),
            "format",
            "Unexpected value: 'escales-workspace' expected.",
        ),
        (lambda d: d["years"][0].update(year=1800), "years.0.year", "Must be 1900 or more."),
    ],
)
def test_invalid_documents_are_refused_field_by_field(change, location, message):
    document = ressourcerie_document()
    change(document)
    assert errors_of(document).get(location) == message


def test_messages_can_be_translated():
    document = ressourcerie_document()
    document["years"][0]["resources"][0]["amount"] = -1
    with pytest.raises(ValidationError) as refused:
        WorkspaceData.model_validate(document)
    calls = []

    def translate(msgid, **params):
        calls.append((msgid, params))
        return "traduit"

    assert field_errors(refused.value, translate) == {"years.0.resources.0.amount": "traduit"}
    assert calls == [("Must be %(ge)s or more.", {"ge": 0})]


def test_years_and_milestones_are_kept_in_order():
    document = ressourcerie_document()
    document["years"].reverse()
    document["method"]["trajectory"].reverse()
    data = WorkspaceData.model_validate(document)
    assert [y.year for y in data.years] == [2023, 2024]
    assert [m.year for m in data.method.trajectory] == [2025, 2026, 2028]


def test_an_empty_document_is_valid():
    assert WorkspaceData.model_validate({}).years == []


def test_zero_target_shares_are_dropped():
    document = ressourcerie_document()
    document["method"]["target"]["resource_shares"]["public_contracts"] = 0
    data = WorkspaceData.model_validate(document)
    assert "public_contracts" not in data.dump()["method"]["target"]["resource_shares"]
