"""My account: profile, language, data export, deletion, API tokens, join codes."""

from __future__ import annotations

import json

from lms.extensions import db
from lms.models import ApiToken, CohortMembership, User
from tests.conftest import csrf_token
from tests.factories import PASSWORD, bearer, enrol, make_cohort, make_org, make_user


def _signed_in(client, auth, **kwargs):
    user = make_user(email="camille@example.org", **kwargs)
    auth.login("camille@example.org")
    return user


def test_profile_change_of_language_switches_the_interface(app_ctx, client, auth):
    _signed_in(client, auth, name="Camille")
    assert 'lang="fr"' in client.get("/account/").get_data(as_text=True)
    client.post(
        "/account/",
        data={"name": "Camille M.", "locale": "en", "csrf_token": csrf_token(client, "/account/")},
    )
    page = client.get("/account/").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "My account" in page
    assert db.session.scalar(db.select(User.name)) == "Camille M."


def test_data_export_contains_my_data_and_nobody_elses(app_ctx, client, auth):
    org = make_org(name="Le Club du Quartier")
    user = _signed_in(client, auth, org=org, name="Camille")
    enrol(make_cohort(org, name="Promo automne"), user)
    make_user(email="autre@example.org", org=org)
    response = client.get("/account/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == "camille@example.org"
    assert data["account"]["organisation"] == "Le Club du Quartier"
    assert data["cohorts"][0]["cohort"] == "Promo automne"
    assert "autre@example.org" not in response.get_data(as_text=True)
    assert "password" not in json.dumps(data).lower()


def test_account_deletion_needs_the_password_and_erases_everything(app_ctx, client, auth):
    org = make_org()
    user = _signed_in(client, auth, org=org)
    enrol(make_cohort(org), user)
    bearer(user)
    token = csrf_token(client, "/account/")
    response = client.post("/account/delete", data={"password": "faux", "csrf_token": token})
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1

    response = client.post("/account/delete", data={"password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    assert db.session.scalar(db.select(db.func.count(CohortMembership.id))) == 0
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0
    assert client.get("/account/").status_code == 302


def test_token_created_on_account_page_works_then_revoked(app_ctx, client, auth):
    _signed_in(client, auth)
    response = client.post(
        "/account/tokens", data={"name": "Mon SIRH", "csrf_token": csrf_token(client, "/account/")}
    )
    token = response.get_data(as_text=True).split("<code>esc_")[1].split("</code>")[0]
    headers = {"Authorization": f"Bearer esc_{token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    row = db.session.scalar(db.select(ApiToken))
    assert row.token_hash != f"esc_{token}"  # stored hashed
    client.post(
        f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client, "/account/")}
    )
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_cannot_revoke_someone_elses_token(app_ctx, client, auth):
    other = make_user(email="autre@example.org")
    headers = bearer(other)
    _signed_in(client, auth)
    row = db.session.scalar(db.select(ApiToken))
    client.post(
        f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client, "/account/")}
    )
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_join_a_cohort_with_its_code(app_ctx, client, auth):
    org = make_org()
    cohort = make_cohort(org, join_code="JOIN-ME")
    user = _signed_in(client, auth)
    client.post(
        "/account/join",
        data={"join_code": "JOIN-ME", "csrf_token": csrf_token(client, "/account/")},
    )
    db.session.refresh(user)
    assert user.organisation_id == org.id
    assert db.session.scalar(db.select(CohortMembership.cohort_id)) == cohort.id


def test_closed_cohort_code_is_refused(app_ctx, client, auth):
    org = make_org()
    cohort = make_cohort(org, join_code="FERME")
    cohort.join_open = False
    db.session.commit()
    _signed_in(client, auth)
    response = client.post(
        "/account/join", data={"join_code": "FERME", "csrf_token": csrf_token(client, "/account/")}
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(CohortMembership.id))) == 0
