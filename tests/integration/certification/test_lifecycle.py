"""Revocation, expiry and recertification, as the verification page, the holder and the admin see them."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from lms.certification import services
from lms.certification.rules import add_months
from lms.extensions import db
from lms.models import AuditEvent, Certificate, CertificateEvent, IssueMode, RenewalBasis
from lms.models.base import utcnow
from tests.conftest import csrf_token
from tests.integration.certification.conftest import count_queries
from tests.integration.certification.helpers import programme, set_level


def _issue(p, user, admin, *, days_ago: int = 0) -> Certificate:
    return services.issue_certificate(
        db.session(),
        programme=p,
        user_id=user.id,
        actor=admin,
        now=utcnow() - timedelta(days=days_ago),
    )


def test_verification_page_of_a_valid_certificate(org, admin, camille, client):
    p = programme(org, admin, name="Piliers", competencies={"TST-01": 2})
    set_level(camille, "TST-01", 3)
    certificate = _issue(p, camille, admin)
    html = client.get(f"/certificates/{certificate.public_id}").get_data(as_text=True)
    assert "This certificate is valid." in html
    assert "Camille Martin" in html and "Piliers" in html and "Réseau d’exemple" in html
    assert "TST-01" in html and "Application" in html  # the level attained, with its label
    assert 'name="robots" content="noindex"' in html
    assert "camille@example.org" not in html  # no e-mail on a public page


def test_revocation_shows_the_reason_and_is_audited(org, admin, camille, client, auth, caplog):
    p = programme(org, admin, competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    certificate = _issue(p, camille, admin)
    public_id = certificate.public_id
    auth.login("admin@example.org")
    path = f"/orgs/reseau/certification/certificates/{public_id}"
    token = csrf_token(client, path)

    empty = client.post(f"{path}/revoke", data={"csrf_token": token, "reason": "  "})
    assert "This field is required." in empty.get_data(as_text=True)
    assert db.session.get(Certificate, certificate.id).revoked_at is None

    with caplog.at_level(logging.WARNING):
        response = client.post(
            f"{path}/revoke",
            data={"csrf_token": token, "reason": "Attribué par erreur"},
            follow_redirects=True,
        )
    assert "The certificate is revoked." in response.get_data(as_text=True)
    assert "was revoked" in caplog.text  # the holder is told (the mail goes to the log here)

    html = client.get(f"/certificates/{public_id}").get_data(as_text=True)
    assert "This certificate was revoked." in html
    assert "Attribué par erreur" in html
    assert "PDF certificate" not in html  # nothing to download any more
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.details["reason"] == "Attribué par erreur"
    assert event.actor_email == "admin@example.org"


def test_revoking_twice_is_refused(org, admin, camille):
    p = programme(org, admin, competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    certificate = _issue(p, camille, admin)
    services.revoke_certificate(db.session(), certificate=certificate, actor=admin, reason="A")
    try:
        services.revoke_certificate(db.session(), certificate=certificate, actor=admin, reason="B")
    except services.CertificationError as error:
        assert error.code == "conflict"
    else:
        raise AssertionError("revoked twice")
    assert db.session.get(Certificate, certificate.id).revocation_reason == "A"


def test_an_expired_certificate_says_so(org, admin, camille, client):
    p = programme(org, admin, competencies={"TST-01": 1}, validity_months=12)
    set_level(camille, "TST-01", 1)
    certificate = _issue(p, camille, admin, days_ago=400)
    html = client.get(f"/certificates/{certificate.public_id}").get_data(as_text=True)
    assert "This certificate has expired." in html
    assert "This certificate is valid." not in html


def test_unknown_ids_are_not_found(org, admin, camille, client):
    p = programme(org, admin, competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    certificate = _issue(p, camille, admin)
    near = certificate.public_id[:-1] + ("A" if certificate.public_id[-1] != "A" else "B")
    for guess in (near, "1", str(certificate.id), certificate.public_id.lower(), "x" * 200):
        if guess == certificate.public_id:
            continue
        assert client.get(f"/certificates/{guess}").status_code == 404
        assert client.get(f"/api/v1/certificates/{guess}").status_code == 404


def test_ids_are_random_and_not_sequential(org, admin):
    ids = {services.new_public_id() for _ in range(500)}
    assert len(ids) == 500
    assert all(len(i) == 24 for i in ids)  # 144 random bits, URL-safe


def test_sweep_tells_holders_when_renewal_opens_then_when_it_expires(org, admin, camille, caplog):
    p = programme(org, admin, competencies={"TST-01": 1}, validity_months=12, window_days=60)
    set_level(camille, "TST-01", 1)
    certificate = _issue(p, camille, admin, days_ago=330)  # expires in about a month
    with caplog.at_level(logging.WARNING):
        report = services.sweep(db.session())
    assert (report.renewal_notices, report.expiry_notices) == (1, 0)
    assert "Time to renew your certificate" in caplog.text
    assert services.sweep(db.session()).renewal_notices == 0  # told once

    later = add_months(utcnow(), 2)
    assert services.sweep(db.session(), later).expiry_notices == 1
    kinds = db.session.scalars(
        select(CertificateEvent.kind)
        .where(CertificateEvent.certificate_id == certificate.id)
        .order_by(CertificateEvent.id)
    ).all()
    assert kinds == ["issued", "renewal_opened", "expired"]


def test_renewal_window_lists_the_holder_and_tells_the_learner(org, admin, camille, client, auth):
    p = programme(org, admin, name="Piliers", competencies={"TST-01": 1}, validity_months=12)
    set_level(camille, "TST-01", 1)
    _issue(p, camille, admin, days_ago=330)
    auth.login("camille@example.org")
    assert "Time to renew “Piliers”." in client.get("/certification/").get_data(as_text=True)
    auth.logout()
    auth.login("admin@example.org")
    html = client.get(f"/orgs/reseau/certification/programmes/{p.id}").get_data(as_text=True)
    due = html.split('id="due-h"')[1].split('id="eligible-h"')[0]
    assert "Camille Martin" in due and "Valid, renewal open" in due
    assert f'value="{camille.id}"' in due  # eligible again: can be renewed here


def test_recertification_checks_the_current_profile(org, admin, camille):
    p = programme(org, admin, competencies={"TST-01": 2}, validity_months=12)
    set_level(camille, "TST-01", 2)
    _issue(p, camille, admin, days_ago=330)
    set_level(camille, "TST-01", 1)  # the profile dropped since
    try:
        _issue(p, camille, admin)
    except services.CertificationError as error:
        assert error.code == "not_eligible"
    else:
        raise AssertionError("recertified without meeting the programme")


def test_renewal_before_the_window_is_refused(org, admin, camille):
    p = programme(org, admin, competencies={"TST-01": 1}, validity_months=12, window_days=30)
    set_level(camille, "TST-01", 1)
    _issue(p, camille, admin, days_ago=100)
    try:
        _issue(p, camille, admin)
    except services.CertificationError as error:
        assert error.code == "already_certified"
    else:
        raise AssertionError("renewed outside the window")


def test_early_recertification_counts_from_the_previous_expiry(org, admin, camille, client):
    p = programme(
        org, admin, competencies={"TST-01": 1}, validity_months=12, basis=RenewalBasis.EXPIRY
    )
    set_level(camille, "TST-01", 1)
    first = _issue(p, camille, admin, days_ago=330)
    first_id, first_expiry = first.public_id, first.expires_at
    second = _issue(p, camille, admin)
    assert second.expires_at == add_months(first_expiry, 12)
    assert second.previous_id == first.id

    # History is kept: the first certificate is still valid until its own expiry, and says
    # it was renewed; the report counts the current one only.
    old = client.get(f"/certificates/{first_id}").get_data(as_text=True)
    assert "This certificate is valid." in old
    assert f"/certificates/{second.public_id}" in old
    assert db.session.get(Certificate, first.id).is_current is False
    audit = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "certificate.issued")
    ).all()
    assert audit[-1]["recertification_of"] == first_id


def test_recertification_can_count_from_the_completion_date(org, admin, camille):
    p = programme(
        org, admin, competencies={"TST-01": 1}, validity_months=12, basis=RenewalBasis.COMPLETION
    )
    set_level(camille, "TST-01", 1)
    _issue(p, camille, admin, days_ago=330)
    second = _issue(p, camille, admin)
    assert second.expires_at == add_months(second.issued_at, 12)


def test_automatic_programmes_recertify_in_the_window(org, admin, camille):
    p = programme(
        org, admin, competencies={"TST-01": 1}, validity_months=12, issue_mode=IssueMode.AUTOMATIC
    )
    set_level(camille, "TST-01", 1)
    first = services.auto_issue_for(db.session(), camille.id, utcnow() - timedelta(days=340))
    db.session.commit()
    assert services.auto_issue_for(db.session(), camille.id, utcnow() - timedelta(days=200)) == []
    report = services.sweep(db.session())
    assert report.issued == 1
    current = db.session.scalar(
        select(Certificate).where(Certificate.is_current, Certificate.programme_id == p.id)
    )
    assert current.previous_id == first[0].id


def test_unknown_ids_cost_the_same_single_lookup(org, admin, camille, client):
    p = programme(org, admin, competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    certificate = _issue(p, camille, admin)
    near_miss = certificate.public_id[:-1] + ("A" if certificate.public_id[-1] != "A" else "B")
    shapes = []
    for guess in (near_miss, services.new_public_id(), "short"):
        with count_queries() as statements:
            assert client.get(f"/certificates/{guess}").status_code == 404
        shapes.append([s for s in statements if "FROM certificate" in s])
    # One indexed equality query, whatever the guess: nothing compares ids character by
    # character in Python, and a near miss does no more work than a random id.
    assert all(len(shape) == 1 for shape in shapes)
    assert shapes[0] == shapes[1] == shapes[2]


def test_public_pages_are_rate_limited(org, admin, camille, client, app):
    app.config["CERTIFICATE_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.get("/certificates/guess").status_code for _ in range(4)]
    finally:
        app.config.pop("CERTIFICATE_RATE_LIMIT")
    assert statuses == [404, 404, 404, 429]
