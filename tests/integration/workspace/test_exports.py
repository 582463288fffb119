"""Exports (PDF sheet, JSON, CSV) and the JSON import."""

from __future__ import annotations

import csv
import io
import json

import pytest
from pypdf import PdfReader

from lms.extensions import db
from lms.workspace import services
from tests.conftest import csrf_token
from tests.factories import make_org, make_user
from tests.integration.workspace.example import ressourcerie_document
from tests.integration.workspace.helpers import make_workspace, revision, stored


@pytest.fixture
def filled(app_ctx, client, auth):
    user = make_user(org=make_org(), email="camille@example.org")
    workspace_id = make_workspace(user)
    auth.login("camille@example.org")
    return workspace_id


def pdf_text(body: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(body))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_model_sheet_fits_two_pages_and_says_what_a_board_needs(client, filled):
    response = client.get(f"/workspace/{filled}/export.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pages, text = pdf_text(response.data)
    assert pages <= 2
    flat = " ".join(text.split())
    for expected in (
        "La Ressourcerie du Val",
        "Intercommunalité du Val",  # the largest funder
        "34,6",  # its share in 2024: 120 000 ÷ 347 000
        "347 000",  # total resources 2024 (French grouping)
        "Une dépendance forte à un seul partenaire",  # a key issue
        "Convention pluriannuelle",  # a retained lever
        "2028",  # the target
    ):
        assert expected in flat.replace("\u202f", " ").replace("\xa0", " "), expected


def test_json_export_imports_back_identically(client, filled):
    exported = client.get(f"/workspace/{filled}/export.json")
    assert exported.mimetype == "application/json"
    document = json.loads(exported.data)
    assert document == stored(filled).dump()
    assert document["format"] == "escales-workspace"
    assert document["years"][1]["human_riches"]["employees_fte"] == 9.5  # a number, not "9.5"
    document["method"]["ambition"] = "Ambition importée."
    response = client.post(
        f"/workspace/{filled}/import",
        data={
            "csrf_token": csrf_token(client, f"/workspace/{filled}/import"),
            "file": (io.BytesIO(json.dumps(document).encode()), "modele.json"),
            "confirm": "y",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert stored(filled).method.ambition == "Ambition importée."
    assert stored(filled).dump() == document
    [kept] = services.snapshots(db.session, filled)
    assert kept.label == "Before import"
    _, before = services.snapshot(db.session, filled, kept.number)
    assert before.method.ambition.startswith("Dans quatre ans")


@pytest.mark.parametrize(
    ("change", "location"),
    [
        (lambda d: d["years"][0]["resources"][0].update(amount=-1), "years.0.resources.0.amount"),
        (
            lambda d: d["years"][0]["resources"][0].update(family="loan"),
            "years.0.resources.0.family",
        ),
        (
            lambda d: d["method"]["target"]["resource_shares"].update(other=50),
            "method.target.resource_shares",
        ),
        (lambda d: d["years"].append(dict(d["years"][0])), "years"),
        (lambda d: d["identity"].update(colour="blue"), "identity.colour"),
    ],
)
def test_invalid_imports_are_refused_with_field_errors(client, filled, change, location):
    document = ressourcerie_document()
    change(document)
    before = revision(filled)
    response = client.post(
        f"/workspace/{filled}/import",
        data={
            "csrf_token": csrf_token(client, f"/workspace/{filled}/import"),
            "file": (io.BytesIO(json.dumps(document).encode()), "modele.json"),
            "confirm": "y",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert f"<code>{location}</code>" in response.get_data(as_text=True)
    assert revision(filled) == before
    assert services.snapshots(db.session, filled) == []


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_file_that_is_not_an_export_is_refused(client, filled, body):
    response = client.post(
        f"/workspace/{filled}/import",
        data={
            "csrf_token": csrf_token(client, f"/workspace/{filled}/import"),
            "file": (io.BytesIO(body), "x.json"),
            "confirm": "y",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422


def test_csv_tables(client, filled):
    response = client.get(f"/workspace/{filled}/export/resources.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 15  # 7 lines in 2023, 8 in 2024
    first = rows[0]
    assert (first["year"], first["label"], first["family"], first["amount"]) == (
        "2023",
        "Convention annuelle de collecte",
        "public_subsidies",
        "120000",
    )
    indicators = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/workspace/{filled}/export/indicators.csv").get_data(as_text=True)
            )
        )
    )
    largest = [
        r for r in indicators if r["year"] == "2023" and r["indicator"] == "largest_funder_share"
    ]
    assert float(largest[0]["value"]) == pytest.approx(35.8209, abs=0.001)
    assert client.get(f"/workspace/{filled}/export/secrets.csv").status_code == 404


def test_csv_neutralises_formulas(app_ctx, client, auth):
    user = make_user(email="solo@example.org")
    document = ressourcerie_document()
    document["years"][0]["activities"][0]["name"] = '=HYPERLINK("http://x")'
    workspace_id = make_workspace(user, document)
    auth.login("solo@example.org")
    body = client.get(f"/workspace/{workspace_id}/export/activities.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body
