"""Issuing: the programme page's lists, approval, automatic issue, and what a certificate keeps."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.certification import services
from lms.extensions import db
from lms.models import (
    AuditEvent,
    Certificate,
    CertificateEvent,
    IssueMode,
    OrganisationKey,
    Role,
)
from lms.models.base import utcnow
from tests.conftest import csrf_token
from tests.factories import make_org, make_user
from tests.integration.certification.conftest import count_queries
from tests.integration.certification.helpers import (
    complete_module,
    programme,
    set_level,
)


def _page(client, p) -> str:
    return client.get(f"/orgs/reseau/certification/programmes/{p.id}").get_data(as_text=True)


def _issue(client, p, *user_ids):
    path = f"/orgs/reseau/certification/programmes/{p.id}"
    return client.post(
        f"{path}/issue",
        data={"csrf_token": csrf_token(client, path), "user_id": [str(u) for u in user_ids]},
        follow_redirects=True,
    )


def test_programme_page_lists_eligible_nearly_eligible_and_certified(
    org, admin, camille, karim, client, auth
):
    p = programme(
        org,
        admin,
        competencies={"TST-01": 2, "TST-02": 3},
        modules={"premier-module": (True, False)},
    )
    set_level(camille, "TST-01", 2)
    set_level(camille, "TST-02", 3)
    complete_module(camille, "premier-module")
    set_level(karim, "TST-01", 2)
    set_level(karim, "TST-02", 2)  # one level short, quiz not passed: two steps away
    auth.login("admin@example.org")

    html = _page(client, p)
    eligible = html.split('id="eligible-h"')[1].split('id="nearly-h"')[0]
    nearly = html.split('id="nearly-h"')[1].split('id="certified-h"')[0]
    assert "Camille Martin" in eligible and "Karim Benali" not in eligible
    assert "Karim Benali" in nearly
    assert "TST-02 Diagnostiquer son modèle: level 2, level 3 required" in nearly
    assert "quiz not passed yet" in nearly

    response = _issue(client, p, camille.id)
    assert "1 certificates issued." in response.get_data(as_text=True)
    certified = _page(client, p).split('id="certified-h"')[1]
    assert "Camille Martin" in certified


def test_issuing_keeps_a_snapshot_signed_by_the_organisation(org, admin, camille, client, auth):
    p = programme(org, admin, competencies={"TST-01": 2}, validity_months=24)
    set_level(camille, "TST-01", 3)
    auth.login("admin@example.org")
    _issue(client, p, camille.id)

    certificate = db.session.scalar(select(Certificate))
    assert len(certificate.public_id) >= 22
    assert certificate.recipient_name == "Camille Martin"
    assert certificate.organisation_name == "Réseau d’exemple"
    assert certificate.issuer_name == "Dominique Durand" and not certificate.automatic
    assert certificate.competencies == [
        {
            "code": "TST-01",
            "title": "Connaître les trois piliers",
            "level": 3,
            "level_label": "Application",
            "required_level": 2,
        }
    ]
    assert certificate.expires_at is not None
    months = (certificate.expires_at - certificate.issued_at).days / 30.4
    assert 23.5 < months < 24.5
    assert certificate.credential_jwt.count(".") == 2
    assert db.session.scalar(select(OrganisationKey.organisation_id)) == org.id

    # Later changes to the profile or the programme do not change what was certified.
    set_level(camille, "TST-01", 1)
    camille.name = "Camille Dupont"
    db.session.commit()
    page = client.get(f"/certificates/{certificate.public_id}").get_data(as_text=True)
    assert "Camille Martin" in page
    assert "This certificate is valid." in page

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.issued"))
    assert event.actor_email == "admin@example.org"
    assert event.organisation_id == org.id
    assert event.details["recipient"] == "Camille Martin"


def test_a_person_who_is_not_eligible_is_refused_with_the_reason(org, admin, karim, client, auth):
    p = programme(org, admin, competencies={"TST-01": 2})
    auth.login("admin@example.org")
    response = _issue(client, p, karim.id)
    assert "Karim Benali: This person does not meet the programme" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(Certificate)) is None
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("certificate%"))) is None
    )


def test_a_valid_certificate_is_not_issued_twice(org, admin, camille, client, auth):
    p = programme(org, admin, competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    auth.login("admin@example.org")
    _issue(client, p, camille.id)
    response = _issue(client, p, camille.id)
    assert "already holds a valid certificate" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Certificate)).all()) == 1


def test_members_of_another_organisation_cannot_be_certified(org, admin, client, auth):
    p = programme(org, admin, competencies={"TST-01": 1})
    outsider = make_user(org=make_org(slug="autre"), email="out@example.org")
    set_level(outsider, "TST-01", 4)
    auth.login("admin@example.org")
    _issue(client, p, outsider.id)
    assert db.session.scalar(select(Certificate)) is None


def test_inactive_programmes_issue_nothing(org, admin, camille):
    p = programme(org, admin, competencies={"TST-01": 1}, active=False)
    set_level(camille, "TST-01", 2)
    outcome = services.issue_certificates(
        db.session(), programme=p, user_ids=[camille.id], actor=admin
    )
    assert outcome.issued == []
    assert outcome.refused == [("Camille Martin", services.rules.IssueBlocker.INACTIVE_PROGRAMME)]


# --- Automatic issue ----------------------------------------------------------------------


def test_auto_issue_hook_certifies_as_soon_as_the_profile_meets_the_programme(org, admin, camille):
    p = programme(org, admin, competencies={"TST-01": 2}, issue_mode=IssueMode.AUTOMATIC)
    set_level(camille, "TST-01", 1)
    assert services.auto_issue_for(db.session(), camille.id) == []
    set_level(camille, "TST-01", 2)
    issued = services.auto_issue_for(db.session(), camille.id)
    db.session.commit()
    assert [c.programme_id for c in issued] == [p.id]
    assert issued[0].automatic and issued[0].issuer_name == ""
    # Idempotent: a second call issues nothing more.
    assert services.auto_issue_for(db.session(), camille.id) == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.issued"))
    assert event.actor_id is None and event.details["automatic"] is True


def test_approval_programmes_are_never_issued_automatically(org, admin, camille, client, auth):
    programme(org, admin, competencies={"TST-01": 1}, issue_mode=IssueMode.APPROVAL)
    set_level(camille, "TST-01", 4)
    assert services.auto_issue_for(db.session(), camille.id) == []
    auth.login("camille@example.org")
    page = client.get("/certification/").get_data(as_text=True)
    assert "Your organisation will confirm your certificate." in page
    assert db.session.scalar(select(Certificate)) is None


def test_opening_an_automatic_programme_issues_what_is_due(org, admin, camille, client, auth):
    p = programme(org, admin, competencies={"TST-01": 1}, issue_mode=IssueMode.AUTOMATIC)
    set_level(camille, "TST-01", 1)
    auth.login("admin@example.org")
    html = _page(client, p)
    assert "1 certificates were issued automatically." in html
    assert "Camille Martin" in html.split('id="certified-h"')[1]


def test_the_learner_page_issues_what_is_due(org, admin, camille, client, auth):
    programme(
        org, admin, name="Piliers", competencies={"TST-01": 1}, issue_mode=IssueMode.AUTOMATIC
    )
    set_level(camille, "TST-01", 1)
    auth.login("camille@example.org")
    html = client.get("/certification/").get_data(as_text=True)
    assert "Piliers" in html.split('id="held-h"')[1].split('id="progress-h"')[0]


def test_automatic_issue_never_undoes_a_revocation(org, admin, camille):
    p = programme(org, admin, competencies={"TST-01": 1}, issue_mode=IssueMode.AUTOMATIC)
    set_level(camille, "TST-01", 1)
    [certificate] = services.auto_issue_for(db.session(), camille.id)
    db.session.commit()
    services.revoke_certificate(db.session(), certificate=certificate, actor=admin, reason="Erreur")
    assert services.auto_issue_for(db.session(), camille.id) == []
    assert services.sweep(db.session()).issued == 0
    # An org admin may issue again.
    again = services.issue_certificate(db.session(), programme=p, user_id=camille.id, actor=admin)
    assert again.previous_id == certificate.id


def test_programme_page_queries_are_bounded(org, admin, client, auth):
    p = programme(org, admin, competencies={"TST-01": 2}, modules={"premier-module": (True, False)})
    path = f"/orgs/reseau/certification/programmes/{p.id}"
    auth.login("admin@example.org")
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for n in range(12):
        member = make_user(Role.LEARNER, org=org)
        set_level(member, "TST-01", n % 4)
        complete_module(member, "premier-module")
        if n % 2 == 0:
            services.issue_certificates(
                db.session(), programme=p, user_ids=[member.id], actor=admin
            )
    with count_queries() as many:
        html = client.get(path).get_data(as_text=True)
    assert len(many) == len(few) <= 10
    assert html.count("Personne ") >= 12  # everyone is listed: certified, eligible or nearly


def test_history_records_each_event(org, admin, camille):
    p = programme(org, admin, competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    certificate = services.issue_certificate(
        db.session(), programme=p, user_id=camille.id, actor=admin, now=utcnow() - timedelta(days=1)
    )
    services.revoke_certificate(db.session(), certificate=certificate, actor=admin, reason="Erreur")
    kinds = db.session.scalars(
        select(CertificateEvent.kind)
        .where(CertificateEvent.certificate_id == certificate.id)
        .order_by(CertificateEvent.occurred_at)
    ).all()
    assert kinds == ["issued", "revoked"]
