"""Filling a workspace through its pages: identity, years, rows, the method's steps."""

from __future__ import annotations

import re

import pytest

from lms.extensions import db
from lms.models import WorkspaceChange
from tests.conftest import csrf_token
from tests.factories import make_org, make_user
from tests.integration.workspace.helpers import make_workspace, revision, stored


@pytest.fixture
def editor(app_ctx, client, auth):
    """A signed-in learner, editor of their organisation's (empty) workspace."""
    user = make_user(org=make_org(name="La Ressourcerie du Val"), email="camille@example.org")
    workspace_id = make_workspace(user, document=False)
    auth.login("camille@example.org")
    return {"user": user, "ws": workspace_id}


def post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def test_identity_is_saved_and_shown(client, editor):
    ws = editor["ws"]
    response = post(
        client,
        f"/workspace/{ws}/identity",
        {
            "name": "La Ressourcerie du Val",
            "fictional": "y",
            "legal_form": "association_1901",
            "field_of_action": "Réemploi",
            "territory": "Le Val",
            "general_interest": "yes",
            "general_interest_reasons": "Non lucrative, gestion désintéressée.",
            "social_utility": "to_check",
        },
    )
    assert response.status_code == 302
    identity = stored(ws).identity
    assert (identity.name, identity.fictional, identity.legal_form) == (
        "La Ressourcerie du Val",
        True,
        "association_1901",
    )
    assert identity.general_interest == "yes"
    page = client.get(f"/workspace/{ws}/").get_data(as_text=True)
    assert "ws-badge-fictional" in page


def test_years_are_added_copied_and_removed(client, editor):
    ws = editor["ws"]
    response = post(client, f"/workspace/{ws}/years", {"year": "2023", "copy_from": ""})
    assert response.headers["Location"].endswith(f"/workspace/{ws}/years/2023/activities")
    post(
        client,
        f"/workspace/{ws}/years/2023/resources",
        {
            "rows-0-label": "Ventes",
            "rows-0-family": "activity_revenue",
            "rows-0-amount": "12 000",
        },
    )
    post(client, f"/workspace/{ws}/years", {"year": "2024", "copy_from": "2023"})
    assert [y.year for y in stored(ws).years] == [2023, 2024]
    assert stored(ws).year(2024).resources[0].amount == 12000
    again = post(client, f"/workspace/{ws}/years", {"year": "2024", "copy_from": ""})
    assert again.status_code == 302
    assert "est déjà décrite" in client.get(again.headers["Location"]).get_data(as_text=True)
    post(client, f"/workspace/{ws}/years/2023/remove", {})
    assert [y.year for y in stored(ws).years] == [2024]
    assert client.get(f"/workspace/{ws}/years/2023/resources").status_code == 404
    assert client.get(f"/workspace/{ws}/years/2024/unknown-part").status_code == 404


def test_resource_rows_accept_french_numbers_and_skip_blank_and_removed_rows(client, editor):
    ws = editor["ws"]
    post(client, f"/workspace/{ws}/years", {"year": "2023"})
    response = post(
        client,
        f"/workspace/{ws}/years/2023/resources",
        {
            "rows-0-label": "Convention de collecte",
            "rows-0-family": "public_subsidies",
            "rows-0-funder": "Intercommunalité",
            "rows-0-amount": "120 000",
            "rows-0-multi_year": "y",
            "rows-1-label": "",
            "rows-1-family": "",
            "rows-1-amount": "",
            "rows-2-label": "Ventes",
            "rows-2-family": "activity_revenue",
            "rows-2-amount": "150000",
            "rows-3-label": "À retirer",
            "rows-3-family": "other",
            "rows-3-amount": "5",
            "rows-3-remove": "y",
        },
    )
    assert response.status_code == 302
    lines = stored(ws).year(2023).resources
    assert [(r.label, r.amount, r.multi_year) for r in lines] == [
        ("Convention de collecte", 120000, True),
        ("Ventes", 150000, False),
    ]
    page = client.get(f"/workspace/{ws}/years/2023/resources").get_data(as_text=True)
    assert "44,4" in page  # 120 000 ÷ 270 000, in French


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"rows-0-amount": "-500"}, "rows-0-amount"),  # negative
        ({"rows-0-family": "loans"}, "rows-0-family"),  # unknown family (a loan is a debt)
        ({"rows-0-amount": "beaucoup"}, "rows-0-amount"),
        ({"rows-0-family": ""}, "rows-0-family"),  # required
        ({"rows-0-amount": "10000000000000"}, "rows-0-amount"),  # above any budget
    ],
)
def test_invalid_resources_are_refused_field_by_field(client, editor, row, field):
    ws = editor["ws"]
    post(client, f"/workspace/{ws}/years", {"year": "2023"})
    before = revision(ws)
    data = {
        "rows-0-label": "Subvention",
        "rows-0-family": "public_subsidies",
        "rows-0-amount": "1000",
        **row,
    }
    response = post(client, f"/workspace/{ws}/years/2023/resources", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert f'aria-describedby="{field}-error"' in page
    assert 'class="ws-errors"' in page
    assert revision(ws) == before
    assert stored(ws).year(2023).resources == []


def test_activity_revenue_larger_than_its_resources_is_refused(client, editor):
    ws = editor["ws"]
    post(client, f"/workspace/{ws}/years", {"year": "2023"})
    response = post(
        client,
        f"/workspace/{ws}/years/2023/activities",
        {
            "rows-0-name": "Boutique",
            "rows-0-costs": "1000",
            "rows-0-budget": "100",
            "rows-0-revenue": "200",
        },
    )
    assert response.status_code == 422
    assert stored(ws).year(2023).activities == []


def test_add_rows_shows_more_rows_without_saving(client, editor):
    ws = editor["ws"]
    post(client, f"/workspace/{ws}/years", {"year": "2023"})
    before = revision(ws)
    response = post(
        client,
        f"/workspace/{ws}/years/2023/activities",
        {
            "rows-0-name": "Boutique",
            "rows-1-name": "",
            "rows-2-name": "",
            "add_rows": "1",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="rows-4-name"' in page
    assert 'value="Boutique"' in page
    assert revision(ws) == before


def test_activities_show_their_key_economic_data(client, editor):
    ws = editor["ws"]
    post(client, f"/workspace/{ws}/years", {"year": "2023"})
    post(
        client,
        f"/workspace/{ws}/years/2023/activities",
        {
            "rows-0-name": "Boutique solidaire",
            "rows-0-costs": "170000",
            "rows-0-budget": "150000",
            "rows-0-revenue": "150000",
            "rows-0-staff_fte": "4",
            "rows-0-volunteer_hours": "2600",
        },
    )
    page = client.get(f"/workspace/{ws}/years/2023/activities").get_data(as_text=True)
    assert "88,2" in page  # self-financing rate 150 000 ÷ 170 000


def test_human_riches(client, editor):
    ws = editor["ws"]
    post(client, f"/workspace/{ws}/years", {"year": "2023"})
    response = post(
        client,
        f"/workspace/{ws}/years/2023/human-riches",
        {
            "employees_count": "2",
            "employees_fte": "1,5",
            "volunteers_count": "55",
            "volunteer_hours": "4 400",
            "board_members": "9",
            "board_hours": "900",
        },
    )
    assert response.status_code == 302
    riches = stored(ws).year(2023).human_riches
    assert (str(riches.employees_fte), riches.volunteer_hours) == ("1.5", 4400)
    page = client.get(f"/workspace/{ws}/years/2023/human-riches").get_data(as_text=True)
    assert "2,74" in page  # 4 400 h ÷ 1 607


def test_at_most_three_key_issues(client, editor):
    ws = editor["ws"]
    rows = {f"rows-{n}-title": f"Problématique {n}" for n in range(4)}
    response = post(client, f"/workspace/{ws}/method/issues", {**rows, "debate_notes": "x"})
    assert response.status_code == 422
    assert stored(ws).method.issues == []
    ok = post(
        client,
        f"/workspace/{ws}/method/issues",
        {
            "rows-0-title": "Dépendance",
            "rows-0-statement": "36 % des ressources",
            "rows-1-title": "Ateliers sous-financés",
            "debate_notes": "Séminaire du conseil.",
        },
    )
    assert ok.status_code == 302
    method = stored(ws).method
    assert [i.title for i in method.issues] == ["Dépendance", "Ateliers sous-financés"]
    assert method.debate_notes == "Séminaire du conseil."


def test_target_shares_over_100_percent_are_refused(client, editor):
    ws = editor["ws"]
    response = post(
        client,
        f"/workspace/{ws}/method/target",
        {
            "year": "2028",
            "share_public_subsidies": "70",
            "share_activity_revenue": "45",
        },
    )
    assert response.status_code == 422
    assert "115" in response.get_data(as_text=True)
    assert stored(ws).method.target.resource_shares == {}
    ok = post(
        client,
        f"/workspace/{ws}/method/target",
        {
            "year": "2028",
            "share_public_subsidies": "55,5",
            "share_activity_revenue": "44,5",
            "max_funder_share": "30",
        },
    )
    assert ok.status_code == 302
    target = stored(ws).method.target
    assert {k.value: float(v) for k, v in target.resource_shares.items()} == {
        "public_subsidies": 55.5,
        "activity_revenue": 44.5,
    }


def test_levers_are_shown_in_the_matrix(client, editor):
    ws = editor["ws"]
    post(
        client,
        f"/workspace/{ws}/method/levers",
        {
            "rows-0-title": "Convention pluriannuelle",
            "rows-0-pillar": "financial_resources",
            "rows-0-impact": "3",
            "rows-0-feasibility": "3",
            "rows-0-decision": "retained",
            "rows-1-title": "Boutique en ligne",
            "rows-1-pillar": "activities",
            "rows-1-impact": "1",
            "rows-1-feasibility": "1",
            "rows-1-decision": "dismissed",
        },
    )
    page = client.get(f"/workspace/{ws}/method/levers").get_data(as_text=True)
    matrix = page[
        page.index('class="ws-matrix"') : page.index("</table>", page.index('class="ws-matrix"'))
    ]
    cells = re.findall(r'<td class="ws-cell-(\w+)">(.*?)</td>', matrix, re.S)
    assert "Convention pluriannuelle" in cells[2][1] and cells[2][0] == "priority"
    assert "Boutique en ligne" in cells[6][1] and cells[6][0] == "set_aside"
    assert "No lever acts on" in page or "Aucun levier" in page


def test_ambition_and_trajectory(client, editor):
    ws = editor["ws"]
    post(
        client,
        f"/workspace/{ws}/method/ambition",
        {"ambition": "Être le lieu de référence du réemploi.", "horizon_year": "2028"},
    )
    post(
        client,
        f"/workspace/{ws}/method/trajectory",
        {
            "rows-0-year": "2026",
            "rows-0-title": "Structurer l'offre",
            "rows-1-year": "2025",
            "rows-1-title": "Négocier la convention",
            "rows-1-decision_point": "y",
        },
    )
    method = stored(ws).method
    assert method.ambition == "Être le lieu de référence du réemploi."
    assert [m.year for m in method.trajectory] == [2025, 2026]  # kept in year order
    page = client.get(f"/workspace/{ws}/method/trajectory").get_data(as_text=True)
    assert page.index("Négocier la convention") < page.index("Structurer l")


def test_every_change_is_recorded_with_who_and_when(client, editor):
    ws = editor["ws"]
    post(client, f"/workspace/{ws}/years", {"year": "2023"})
    post(client, f"/workspace/{ws}/method/ambition", {"ambition": "Grandir."})
    changes = db.session.scalars(
        db.select(WorkspaceChange)
        .where(WorkspaceChange.workspace_id == ws)
        .order_by(WorkspaceChange.id)
    ).all()
    assert [(c.action, c.part, c.year) for c in changes] == [
        ("created", "", None),
        ("year_added", "", 2023),
        ("updated", "ambition", None),
    ]
    assert {c.actor_id for c in changes} == {editor["user"].id}
    assert all(c.occurred_at is not None for c in changes)
    page = client.get(f"/workspace/{ws}/history").get_data(as_text=True)
    assert editor["user"].name in page


def test_versions_keep_a_dated_copy(client, editor):
    ws = editor["ws"]
    post(client, f"/workspace/{ws}/method/ambition", {"ambition": "Première ambition."})
    post(client, f"/workspace/{ws}/versions", {"label": "Avant le conseil"})
    post(client, f"/workspace/{ws}/method/ambition", {"ambition": "Ambition revue."})
    page = client.get(f"/workspace/{ws}/versions/1").get_data(as_text=True)
    assert "Avant le conseil" in page and "Première ambition." in page
    assert stored(ws).method.ambition == "Ambition revue."
    assert client.get(f"/workspace/{ws}/versions/9").status_code == 404


def test_pages_carry_no_inline_style_or_script(client, editor):
    ws = editor["ws"]
    from lms.workspace import services
    from tests.integration.workspace.example import ressourcerie_document

    services.replace_document(db.session, editor["user"], ws, ressourcerie_document())
    for path in ("/", "/analysis", "/method/target", "/method/levers", "/years/2024/resources"):
        page = client.get(f"/workspace/{ws}{path}").get_data(as_text=True)
        assert " style=" not in page, path
        assert "<script>" not in page and "<style" not in page, path
