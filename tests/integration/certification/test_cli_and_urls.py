"""`flask certificates ...`, and the absolute URLs written into credentials."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from lms.certification import services, urls
from lms.extensions import db
from lms.models import Certificate, IssueMode, OrganisationKey
from lms.models.base import utcnow
from tests.integration.certification.helpers import programme, set_level


def test_sweep_command_issues_and_reports(org, admin, camille, runner):
    programme(org, admin, competencies={"TST-01": 1}, issue_mode=IssueMode.AUTOMATIC)
    set_level(camille, "TST-01", 1)
    result = runner.invoke(args=["certificates", "sweep"])
    assert result.exit_code == 0, result.output
    assert "1 certificates issued, 0 renewal notices, 0 expiry notices." in result.output
    assert db.session.scalar(select(Certificate.user_id)) == camille.id


def test_sweep_command_accepts_a_time(org, admin, camille, runner):
    p = programme(org, admin, competencies={"TST-01": 1}, validity_months=12)
    set_level(camille, "TST-01", 1)
    services.issue_certificate(db.session(), programme=p, user_id=camille.id, actor=admin)
    later = (utcnow() + timedelta(days=400)).isoformat()
    result = runner.invoke(args=["certificates", "sweep", "--now", later])
    assert "1 expiry notices." in result.output
    bad = runner.invoke(args=["certificates", "sweep", "--now", "2026-01-01T00:00:00"])
    assert bad.exit_code != 0 and "time zone" in bad.output


def test_rotate_key_command(org, admin, camille, runner):
    p = programme(org, admin, competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    services.issue_certificate(db.session(), programme=p, user_id=camille.id, actor=admin)
    result = runner.invoke(args=["certificates", "rotate-key", "reseau"])
    assert "1 key(s) retired for reseau." in result.output
    assert db.session.scalar(select(OrganisationKey.retired_at)) is not None
    assert runner.invoke(args=["certificates", "rotate-key", "nope"]).exit_code != 0


def test_credential_urls_match_the_routes(app, org):
    with app.test_request_context():
        for built, endpoint, values in (
            (urls.verification_url("abc"), "certification.verify", {"public_id": "abc"}),
            (urls.assertion_url("abc"), "certification.assertion", {"public_id": "abc"}),
            (urls.issuer_url("reseau"), "certification.issuer", {"slug": "reseau"}),
            (
                urls.badge_class_url("reseau", 7),
                "certification.badge_class",
                {"slug": "reseau", "programme_id": 7},
            ),
            (
                urls.badge_image_url("reseau", 7),
                "certification.badge_image",
                {"slug": "reseau", "programme_id": 7},
            ),
            (
                urls.key_url("reseau", "k1"),
                "certification.public_key",
                {"slug": "reseau", "kid": "k1"},
            ),
            (urls.my_certificates_url(), "certification.my_certificates", {}),
        ):
            assert built == "http://127.0.0.1:5000" + url_for(endpoint, **values)
