"""The organisation's certificate report, its CSV, the staff competency view and the audit log."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from lms.audit import record_audit
from lms.certification import services
from lms.extensions import db
from lms.models import Role
from lms.models.base import utcnow
from tests.factories import make_org, make_user
from tests.integration.certification.conftest import count_queries
from tests.integration.certification.helpers import programme, set_level


def _four_states(org, admin, camille, karim):
    """Valid (Camille), expiring (Karim), expired (Léa) and revoked (Hugo) certificates."""
    p = programme(org, admin, name="Piliers", competencies={"TST-01": 1}, validity_months=12)
    lea = make_user(Role.LEARNER, org=org, email="lea@example.org", name="Léa Petit")
    hugo = make_user(Role.LEARNER, org=org, email="hugo@example.org", name="=HYPERLINK(1)")
    for person in (camille, karim, lea, hugo):
        set_level(person, "TST-01", 1)

    def issue(person, days_ago):
        return services.issue_certificate(
            db.session(),
            programme=p,
            user_id=person.id,
            actor=admin,
            now=utcnow() - timedelta(days=days_ago),
        )

    issue(camille, 0)
    issue(karim, 330)
    issue(lea, 400)
    revoked = issue(hugo, 10)
    services.revoke_certificate(db.session(), certificate=revoked, actor=admin, reason="Erreur")
    return p


def test_report_counts_each_status_and_filters(org, admin, camille, karim, client, auth):
    p = _four_states(org, admin, camille, karim)
    auth.login("admin@example.org")
    html = client.get("/orgs/reseau/certification/report").get_data(as_text=True)
    totals = html.split('class="cert-totals"')[1].split("</ul>")[0]
    for number, label in ((1, "valid"), (1, "renewal open"), (1, "expired"), (1, "revoked")):
        assert f'<span class="cert-total">{number}</span> {label}' in totals
    for name in ("Camille Martin", "Karim Benali", "Léa Petit"):
        assert name in html

    expired_only = client.get(
        f"/orgs/reseau/certification/report?status=expired&programme={p.id}"
    ).get_data(as_text=True)
    table = expired_only.split("<tbody>")[1]
    assert "Léa Petit" in table and "Camille Martin" not in table


def test_report_csv_has_a_bom_and_defuses_formulas(org, admin, camille, karim, client, auth):
    _four_states(org, admin, camille, karim)
    auth.login("admin@example.org")
    response = client.get("/orgs/reseau/certification/report.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_holder = {row["holder"]: row for row in rows}
    assert by_holder["Léa Petit"]["status"] == "expired"
    assert by_holder["Karim Benali"]["status"] == "expiring"
    assert by_holder["Camille Martin"]["email"] == "camille@example.org"
    assert by_holder["'=HYPERLINK(1)"]["revocation_reason"] == "Erreur"
    assert by_holder["Camille Martin"]["verification_url"].startswith("http://127.0.0.1:5000/")

    filtered = client.get("/orgs/reseau/certification/report.csv?status=revoked")
    assert len(list(csv.DictReader(io.StringIO(filtered.data.decode("utf-8-sig"))))) == 1


def test_report_never_shows_another_organisation(org, admin, camille, client, auth):
    other = make_org(slug="autre")
    other_admin = make_user(Role.ORG_ADMIN, org=other)
    stranger = make_user(org=other, name="Quelqu'un d'ailleurs")
    set_level(stranger, "TST-01", 2)
    p = programme(other, other_admin, competencies={"TST-01": 1})
    services.issue_certificate(db.session(), programme=p, user_id=stranger.id, actor=other_admin)
    auth.login("admin@example.org")
    assert "ailleurs" not in client.get("/orgs/reseau/certification/report").get_data(as_text=True)


def test_staff_view_shows_levels_targets_and_gaps(org, admin, camille, karim, client, auth):
    p = programme(org, admin, competencies={"TST-01": 2, "TST-02": 3})
    set_level(camille, "TST-01", 2)
    set_level(camille, "TST-02", 3)
    set_level(karim, "TST-01", 1)
    auth.login("admin@example.org")
    html = client.get(f"/orgs/reseau/certification/staff?programme={p.id}").get_data(as_text=True)
    assert "1 of 3 people reach every competency target" in html  # the admin is staff too
    karim_row = html.split("Karim Benali</th>")[1].split("</tr>")[0]
    assert "(−1)" in karim_row and "(−3)" in karim_row
    assert ">4</td>" in karim_row  # four levels missing in all
    footer = html.split("<tfoot>")[1]
    assert "People below target" in footer

    levels_only = client.get("/orgs/reseau/certification/staff").get_data(as_text=True)
    assert "TST-03" in levels_only and "Levels missing" not in levels_only


def test_staff_csv(org, admin, camille, client, auth):
    p = programme(org, admin, competencies={"TST-01": 2})
    set_level(camille, "TST-01", 1)
    auth.login("admin@example.org")
    response = client.get(f"/orgs/reseau/certification/staff.csv?programme={p.id}")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    camille_row = next(r for r in rows if r["email"] == "camille@example.org")
    assert (camille_row["TST-01"], camille_row["TST-01_target"], camille_row["TST-01_gap"]) == (
        "1",
        "2",
        "1",
    )


def test_staff_view_queries_do_not_grow_with_members(org, admin, client, auth):
    p = programme(org, admin, competencies={"TST-01": 2, "TST-02": 1})
    path = f"/orgs/reseau/certification/staff?programme={p.id}"
    auth.login("admin@example.org")
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for n in range(15):
        member = make_user(Role.LEARNER, org=org)
        set_level(member, "TST-01", n % 5)
    with count_queries() as many:
        client.get(path)
    assert len(many) == len(few)


def test_audit_log_lists_filters_and_paginates(org, admin, camille, karim, client, auth, app):
    _four_states(org, admin, camille, karim)
    record_audit(
        db.session(),
        actor=admin,
        action="rating.recorded",
        target_type="competency",
        target_id="TST-01",
        organisation_id=org.id,
        details={"learner": "Camille Martin", "level": 3},
    )
    record_audit(
        db.session(),
        actor=None,
        action="certificate.issued",
        target_type="certificate",
        target_id="elsewhere",
        organisation_id=make_org(slug="autre").id,
    )
    db.session.commit()
    auth.login("admin@example.org")
    html = client.get("/orgs/reseau/audit").get_data(as_text=True)
    assert "7 events" in html  # 1 programme, 4 issued, 1 revoked, 1 rating; not the other org
    assert "elsewhere" not in html
    assert "rating.recorded" in html and "programme.created" in html

    revoked = client.get("/orgs/reseau/audit?action=certificate.revoked").get_data(as_text=True)
    assert "1 event" in revoked and "Erreur" in revoked
    nobody = client.get("/orgs/reseau/audit?actor=nobody@").get_data(as_text=True)
    assert "No event matches." in nobody
    future = (utcnow() + timedelta(days=2)).date().isoformat()
    assert "No event matches." in client.get(f"/orgs/reseau/audit?since={future}").get_data(
        as_text=True
    )

    app.config["PAGE_SIZE"] = 3
    try:
        first = client.get("/orgs/reseau/audit?action=certificate.issued").get_data(as_text=True)
        assert "Page 1 of 2" in first
        assert "action=certificate.issued" in first.split('rel="next"')[0].split("<a href=")[-1]
    finally:
        app.config["PAGE_SIZE"] = 50


def test_audit_log_cannot_be_edited(org, admin, client, auth):
    auth.login("admin@example.org")
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert client.open("/orgs/reseau/audit", method=method).status_code == 405
