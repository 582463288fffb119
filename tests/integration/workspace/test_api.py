"""The workspace API: GET/PUT the document, indicators, the PDF, the list; in OpenAPI."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from lms.models import Role
from tests.factories import bearer, make_org, make_user
from tests.integration.workspace.example import ressourcerie_document
from tests.integration.workspace.helpers import make_workspace, revision, stored


@pytest.fixture
def owner(app_ctx):
    user = make_user(org=make_org(), email="camille@example.org")
    return {"user": user, "ws": make_workspace(user), "headers": bearer(user)}


def test_get_gives_the_document_and_its_revision(client, owner):
    response = client.get(f"/api/v1/workspaces/{owner['ws']}", headers=owner["headers"])
    assert response.status_code == 200
    assert response.json["identity"]["name"] == "La Ressourcerie du Val"
    assert response.json["years"][0]["resources"][0]["amount"] == 120000
    assert response.headers["ETag"] == f'"{revision(owner["ws"])}"'


def test_put_replaces_the_document(client, owner):
    ws, headers = owner["ws"], owner["headers"]
    got = client.get(f"/api/v1/workspaces/{ws}", headers=headers)
    document = got.json
    document["method"]["ambition"] = "Par l'API."
    response = client.put(
        f"/api/v1/workspaces/{ws}",
        json=document,
        headers={**headers, "If-Match": got.headers["ETag"]},
    )
    assert response.status_code == 200
    assert response.json["method"]["ambition"] == "Par l'API."
    assert stored(ws).method.ambition == "Par l'API."
    assert response.headers["ETag"] != got.headers["ETag"]


def test_put_with_a_stale_revision_is_refused(client, owner):
    ws, headers = owner["ws"], owner["headers"]
    stale = client.get(f"/api/v1/workspaces/{ws}", headers=headers).headers["ETag"]
    client.put(f"/api/v1/workspaces/{ws}", json=ressourcerie_document(), headers=headers)
    before = revision(ws)
    document = ressourcerie_document()
    document["method"]["ambition"] = "Écrase tout."
    response = client.put(
        f"/api/v1/workspaces/{ws}", json=document, headers={**headers, "If-Match": stale}
    )
    assert response.status_code == 412
    assert response.json["error"]["code"] == "precondition_failed"
    assert revision(ws) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["years"][0]["resources"][0].update(amount=-10), "years.0.resources.0.amount"),
        (
            lambda d: d["years"][0]["resources"][0].update(family="crowdfunding"),
            "years.0.resources.0.family",
        ),
        (
            lambda d: d["method"]["target"]["resource_shares"].update(public_subsidies=90),
            "method.target.resource_shares",
        ),
        (
            lambda d: d["years"][0]["human_riches"].update(employees_fte=-1),
            "years.0.human_riches.employees_fte",
        ),
        (
            lambda d: d["method"].update(issues=[{"title": str(n)} for n in range(4)]),
            "method.issues",
        ),
    ],
)
def test_invalid_data_is_refused_with_field_errors(client, owner, change, field):
    ws = owner["ws"]
    document = ressourcerie_document()
    change(document)
    before = revision(ws)
    response = client.put(f"/api/v1/workspaces/{ws}", json=document, headers=owner["headers"])
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    fields = response.json["error"]["fields"]
    assert any(key.endswith(field) or field in key for key in fields), fields
    assert revision(ws) == before


def test_indicators_explain_the_positioning(client, owner):
    response = client.get(f"/api/v1/workspaces/{owner['ws']}/indicators", headers=owner["headers"])
    assert response.status_code == 200
    body = response.json
    y2023 = body["years"][0]
    assert y2023["total_resources"] == 335000
    assert y2023["largest_funder"]["funder"] == "Intercommunalité du Val"
    assert y2023["dependency"] == "marked"
    positioning = {p["year"]: p for p in body["positioning"]}
    models = {m["model"]: m for m in positioning[2023]["models"]}
    assert models["public_subsidies"]["strength"] == "marked"
    assert models["public_subsidies"]["reasons"][0]["text"] == (
        "47.8 % of resources are public subsidies for the organisation's project."
    )
    assert positioning[2023]["caveats"][0]["text"].startswith("An aid to discussion")
    total = next(c for c in body["changes"] if c["metric"] == "total_resources")
    assert (total["before"], total["after"], total["delta"]) == (335000, 347000, 12000)
    assert body["steps"][0]["tasks"]["issues"] is True


def test_the_pdf_endpoint(client, owner):
    response = client.get(f"/api/v1/workspaces/{owner['ws']}/export.pdf", headers=owner["headers"])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.data)).pages) <= 2


def test_list_is_paginated(client, app_ctx, owner):
    solo = make_user(email="solo@example.org", role=Role.TRAINER)
    first = make_workspace(solo)
    headers = bearer(solo)
    page = client.get("/api/v1/workspaces?limit=1", headers=headers).json
    assert [item["id"] for item in page["items"]] == [first]
    assert page["next_cursor"] is None
    mine = client.get("/api/v1/workspaces", headers=owner["headers"]).json
    assert [item["id"] for item in mine["items"]] == [owner["ws"]]
    assert mine["items"][0]["can_edit"] is True


def test_unknown_or_hidden_workspaces_are_not_found(client, owner, app_ctx):
    stranger = make_user(email="stranger@example.org")
    for path in ("", "/indicators", "/export.pdf"):
        response = client.get(f"/api/v1/workspaces/{owner['ws']}{path}", headers=bearer(stranger))
        assert response.status_code == 404
    assert client.get("/api/v1/workspaces/999", headers=owner["headers"]).status_code == 404


def test_the_endpoints_are_in_the_openapi_document(client, app_ctx):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    assert set(paths["/api/v1/workspaces/{workspace_id}"]) >= {"get", "put"}
    assert "get" in paths["/api/v1/workspaces/{workspace_id}/indicators"]
    pdf = paths["/api/v1/workspaces/{workspace_id}/export.pdf"]["get"]
    assert "application/pdf" in pdf["summary"] + pdf.get("description", "")
    assert "get" in paths["/api/v1/workspaces"]
