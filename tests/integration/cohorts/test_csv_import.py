"""Importing learners from CSV: preview every problem first, then all lines at once."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, CohortMembership, CohortRole, Role, User
from tests.conftest import CSRF_RE, csrf_token
from tests.factories import make_user
from tests.integration.cohorts.helpers import make_world

CLEAN = (
    "email;nom;rôle\n"
    "camille@example.org;Camille Martin;\n"
    "Karim@Example.org;Karim Benali;apprenant\n"
    "learner1@example.org;Déjà là;\n"
)
BROKEN = (
    "email,name,role\n"
    "ok@example.org,Ok,\n"
    "not-an-address,Bad,\n"
    "ok@example.org,Twice,\n"
    "chef@example.org,Chef,boss\n"
    ",No address,\n"
)


def _counts():
    return (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(CohortMembership)),
    )


def _upload(client, cohort_id, text, encoding="utf-8-sig", name="learners.csv"):
    path = f"/cohorts/{cohort_id}/import"
    return client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "file": (io.BytesIO(text.encode(encoding)), name),
        },
        content_type="multipart/form-data",
    )


def _confirm_data(page):
    """The hidden fields of the preview's confirmation form."""
    form = page[page.index('action="/cohorts/') :]
    token = CSRF_RE.search(form)
    text = re.search(r'name="csv_text" type="hidden" value="([^"]*)"', form)
    assert token and text
    import html

    return {
        "csrf_token": token.group(1) or token.group(2),
        "csv_text": html.unescape(text.group(1)),
    }


def test_a_file_with_errors_lists_them_all_and_writes_nothing(course, client, auth):
    world = make_world(learners=1)
    auth.login(world.trainer.email)
    before = _counts()
    response = _upload(client, world.cohort.id, BROKEN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for line in (3, 4, 5, 6):
        assert re.search(rf"(Line|Ligne) {line}\b", page), line
    assert "already appears on line 2" in page or "ligne 2" in page
    assert "csv_text" not in page  # no way to import a refused file
    assert _counts() == before


def test_a_clean_file_is_previewed_then_imported_in_one_go(course, client, auth, caplog):
    world = make_world(learners=1)
    auth.login(world.trainer.email)
    before = _counts()
    preview = _upload(client, world.cohort.id, CLEAN)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "karim@example.org" in page and "Camille Martin" in page
    assert _counts() == before  # the preview writes nothing
    response = client.post(f"/cohorts/{world.cohort.id}/import/confirm", data=_confirm_data(page))
    assert response.status_code == 302
    users, memberships = _counts()
    assert (users, memberships) == (before[0] + 2, before[1] + 2)
    karim = db.session.scalar(select(User).where(User.email == "karim@example.org"))
    assert karim.name == "Karim Benali" and karim.role == Role.LEARNER
    assert karim.organisation_id == world.org.id and karim.password_hash is None
    # Each new account got its link to choose a password.
    assert len(re.findall(r"/reset/[\w.\-]+", caplog.text)) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.imported"))
    assert event.details == {"created": 2, "enrolled": 0, "reenrolled": 0, "already": 1}
    # Importing the same file again changes nothing.
    again = _upload(client, world.cohort.id, CLEAN).get_data(as_text=True)
    client.post(f"/cohorts/{world.cohort.id}/import/confirm", data=_confirm_data(again))
    assert _counts() == (users, memberships)


def test_trainers_in_the_file_need_an_org_admin(course, client, auth):
    world = make_world(learners=0)
    text = "email,name,role\nnina@example.org,Nina,formatrice\n"
    auth.login(world.trainer.email)
    assert _upload(client, world.cohort.id, text).status_code == 422
    auth.logout()
    auth.login(world.org_admin.email)
    page = _upload(client, world.cohort.id, text).get_data(as_text=True)
    client.post(f"/cohorts/{world.cohort.id}/import/confirm", data=_confirm_data(page))
    nina = db.session.scalar(select(User).where(User.email == "nina@example.org"))
    assert nina.role == Role.TRAINER
    role = db.session.scalar(
        select(CohortMembership.role).where(CohortMembership.user_id == nina.id)
    )
    assert role == CohortRole.TRAINER


def test_a_file_changed_after_the_preview_is_checked_again(course, client, auth):
    world = make_world(learners=0)
    auth.login(world.trainer.email)
    page = _upload(client, world.cohort.id, "email\nfine@example.org\n").get_data(as_text=True)
    data = _confirm_data(page)
    # Meanwhile, someone of another organisation took the address.
    make_user(Role.LEARNER, world.other_org, email="fine@example.org")
    before = _counts()
    response = client.post(f"/cohorts/{world.cohort.id}/import/confirm", data=data)
    assert response.status_code == 422
    assert _counts() == before
    # A hand-made confirmation with a bad line is refused the same way.
    data["csv_text"] = "email\nnot-an-address\n"
    assert client.post(f"/cohorts/{world.cohort.id}/import/confirm", data=data).status_code == 422
    assert _counts() == before


def test_people_removed_earlier_come_back(course, client, auth):
    world = make_world(learners=1)
    learner = world.learners[0]
    membership = db.session.scalar(
        select(CohortMembership).where(CohortMembership.user_id == learner.id)
    )
    from lms.models.base import utcnow

    membership.removed_at = utcnow()
    db.session.commit()
    auth.login(world.trainer.email)
    page = _upload(client, world.cohort.id, f"email\n{learner.email}\n").get_data(as_text=True)
    client.post(f"/cohorts/{world.cohort.id}/import/confirm", data=_confirm_data(page))
    db.session.expire_all()
    assert membership.removed_at is None


def test_windows_excel_files_and_binary_files(course, client, auth):
    world = make_world(learners=0)
    auth.login(world.trainer.email)
    excel = "email;name\r\nleo@example.org;Léo Éric\r\n"
    page = _upload(client, world.cohort.id, excel, encoding="cp1252").get_data(as_text=True)
    assert "Léo Éric" in page
    binary = client.post(
        f"/cohorts/{world.cohort.id}/import",
        data={
            "csrf_token": csrf_token(client, f"/cohorts/{world.cohort.id}/import"),
            "file": (io.BytesIO(b"PK\x03\x04\x00\x00binary"), "learners.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert binary.status_code == 422


def test_the_import_needs_a_file(course, client, auth):
    world = make_world(learners=0)
    auth.login(world.trainer.email)
    path = f"/cohorts/{world.cohort.id}/import"
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 422
