"""Org admins define programmes through the form; every change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.certification.services import CertificationError
from lms.extensions import db
from lms.models import (
    AuditEvent,
    CertificationProgramme,
    Competency,
    IssueMode,
    Module,
    ProgrammeModule,
    ProgrammeRequirement,
    RenewalBasis,
)
from tests.conftest import csrf_token
from tests.integration.certification.helpers import programme

NEW = "/orgs/reseau/certification/programmes/new"


def _ids() -> tuple[dict[str, int], dict[str, int]]:
    competencies = dict(db.session.execute(select(Competency.code, Competency.id)).all())
    modules = dict(db.session.execute(select(Module.slug, Module.id)).all())
    return competencies, modules


def _form(client, path: str, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf_token(client, path),
        "name": "Fondamentaux",
        "description": "Les bases du modèle socio-économique.",
        "validity_months": "24",
        "issue_mode": "automatic",
        "renewal_window_days": "90",
        "renewal_basis": "completion",
        "active": "y",
    }
    data.update(overrides)
    return data


def test_an_org_admin_creates_a_programme(org, admin, client, auth):
    competencies, modules = _ids()
    auth.login("admin@example.org")
    page = client.get(NEW).get_data(as_text=True)
    assert "TST-01" in page and "Cartographier" not in page  # practice titles are not listed
    data = _form(
        client,
        NEW,
        **{
            f"level_{competencies['TST-01']}": "2",
            f"level_{competencies['TST-02']}": "3",
            f"quiz_{modules['premier-module']}": "y",
            f"practice_{modules['premier-module']}": "y",
        },
    )
    response = client.post(NEW, data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "The programme is saved." in html
    assert "TST-02 Diagnostiquer son modèle: level 3 or above" in html

    saved = db.session.scalar(select(CertificationProgramme))
    assert saved.organisation_id == org.id
    assert (saved.validity_months, saved.renewal_window_days) == (24, 90)
    assert saved.issue_mode == IssueMode.AUTOMATIC
    assert saved.renewal_basis == RenewalBasis.COMPLETION
    levels = dict(
        db.session.execute(
            select(ProgrammeRequirement.competency_id, ProgrammeRequirement.min_level)
        ).all()
    )
    assert levels == {competencies["TST-01"]: 2, competencies["TST-02"]: 3}
    module = db.session.scalar(select(ProgrammeModule))
    assert (module.require_quiz, module.require_practice) == (True, True)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "programme.created"))
    assert event.actor_email == "admin@example.org"
    assert event.details["competencies"] == {"TST-01": 2, "TST-02": 3}


def test_a_programme_needs_at_least_one_requirement(org, admin, client, auth):
    auth.login("admin@example.org")
    response = client.post(NEW, data=_form(client, NEW))
    assert "Require at least one competency level or one module." in response.get_data(as_text=True)
    assert db.session.scalar(select(CertificationProgramme)) is None
    assert db.session.scalar(select(AuditEvent)) is None


def test_practical_work_cannot_be_required_where_there_is_none(org, admin, client, auth):
    _competencies, modules = _ids()
    auth.login("admin@example.org")
    data = _form(client, NEW, **{f"practice_{modules['second-module']}": "y"})
    client.post(NEW, data=data)
    assert db.session.scalar(select(CertificationProgramme)) is None  # unknown field: ignored


def test_names_are_unique_in_an_organisation(org, admin, client, auth):
    competencies, _modules = _ids()
    programme(org, admin, name="Fondamentaux")
    auth.login("admin@example.org")
    data = _form(client, NEW, **{f"level_{competencies['TST-01']}": "1"})
    response = client.post(NEW, data=data)
    assert "Another programme of your organisation has this name." in response.get_data(
        as_text=True
    )


def test_window_must_be_shorter_than_validity(org, admin, client, auth):
    competencies, _modules = _ids()
    auth.login("admin@example.org")
    data = _form(
        client,
        NEW,
        validity_months="1",
        renewal_window_days="60",
        **{f"level_{competencies['TST-01']}": "1"},
    )
    response = client.post(NEW, data=data)
    assert "must be shorter than the validity" in response.get_data(as_text=True)


def test_editing_records_what_changed(org, admin, client, auth):
    competencies, _modules = _ids()
    p = programme(org, admin, name="Fondamentaux", competencies={"TST-01": 2})
    path = f"/orgs/reseau/certification/programmes/{p.id}/edit"
    auth.login("admin@example.org")
    page = client.get(path).get_data(as_text=True)
    assert 'value="Fondamentaux"' in page
    assert '<option selected value="2">' in page or 'value="2" selected' in page
    data = _form(
        client,
        path,
        name="Fondamentaux",
        description="Atteste la maîtrise des trois piliers.",
        validity_months="12",
        issue_mode="approval",
        renewal_window_days="60",
        renewal_basis="expiry",
        **{f"level_{competencies['TST-01']}": "3"},
    )
    client.post(path, data=data)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "programme.updated"))
    assert event.details["changes"] == {"competencies": [{"TST-01": 2}, {"TST-01": 3}]}


def test_the_programme_list_counts_certificates(org, admin, client, auth):
    programme(org, admin, name="Fondamentaux")
    auth.login("admin@example.org")
    html = client.get("/orgs/reseau/certification").get_data(as_text=True)
    assert "Fondamentaux" in html
    assert "After approval" in html and "12 months" in html


def test_manage_sends_an_org_admin_to_their_organisation(org, admin, client, auth):
    auth.login("admin@example.org")
    response = client.get("/certification/manage")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/orgs/reseau/certification")


def test_the_service_refuses_practical_work_where_there_is_none(org, admin):
    with pytest.raises(CertificationError) as refused:
        programme(org, admin, competencies={}, modules={"second-module": (False, True)})
    assert refused.value.message == "This module has no practical work to require."
    with pytest.raises(CertificationError):
        programme(org, admin, competencies={"TST-01": 5})
    assert db.session.scalar(select(CertificationProgramme)) is None
