"""Attachments: checked, stored outside the web root under random names, owner-only downloads."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import lms
from lms.extensions import db
from lms.models import PracticeAttachment, ReviewDecision, Role
from lms.practice import services
from tests.conftest import csrf_token
from tests.factories import make_user
from tests.integration.practice.helpers import PAGE, post_work, practice_status, submissions
from tests.unit.practice.samples import DOCX, PDF, PNG, TXT

TEXT = "Carte des activités : accueil, formation.\n".encode()


def _files_on_disk(upload_dir: Path) -> list[Path]:
    return sorted(p for p in upload_dir.iterdir() if p.is_file()) if upload_dir.exists() else []


def test_an_attachment_is_stored_under_a_random_name_outside_static(learner, client, upload_dir):
    before = _files_on_disk(upload_dir)
    post_work(client, "Voir la carte.", [("Carte activités.txt", TEXT), ("plan.docx", DOCX)])
    [draft] = submissions(learner.id)
    by_name = {a.filename: a for a in draft.attachments}
    assert set(by_name) == {"Carte activités.txt", "plan.docx"}
    text_file = by_name["Carte activités.txt"]
    assert re.fullmatch(r"[0-9a-f]{32}", text_file.stored_name)
    assert text_file.content_type == "text/plain; charset=utf-8"
    assert text_file.size == len(TEXT)
    stored = upload_dir / text_file.stored_name
    assert stored.read_bytes() == TEXT
    assert len(_files_on_disk(upload_dir)) == len(before) + 2
    # Never under the static folder, never under the learner's file name.
    static = Path(lms.__file__).parent / "static"
    assert not stored.resolve().is_relative_to(static.resolve())
    assert not list(static.rglob("Carte*")) and not list(upload_dir.rglob("Carte*"))


def test_a_path_in_the_file_name_goes_nowhere(learner, client, upload_dir):
    post_work(client, "", [("../../escape.txt", TEXT)])
    [attachment] = submissions(learner.id)[0].attachments
    assert attachment.filename == "escape.txt"
    assert (upload_dir / attachment.stored_name).is_file()
    assert not (upload_dir.parent / "escape.txt").exists()
    assert not (upload_dir.parent.parent / "escape.txt").exists()


def test_the_owner_downloads_with_the_original_name_and_stored_type(learner, client):
    post_work(client, "", [("Synthèse.pdf", PDF)])
    [attachment] = submissions(learner.id)[0].attachments
    with client.get(f"/practice/attachments/{attachment.id}") as response:
        assert response.status_code == 200
        assert response.data == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Synth%C3%A8se.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.ORG_ADMIN])
def test_other_people_get_404_for_someone_elses_file(learner, client, auth, role):
    post_work(client, "", [("carte.txt", TEXT)])
    [attachment] = submissions(learner.id)[0].attachments
    make_user(role, email="curieux@example.org")
    auth.logout()
    auth.login("curieux@example.org")
    assert client.get(f"/practice/attachments/{attachment.id}").status_code == 404
    assert client.get("/practice/attachments/999999").status_code == 404


def test_admins_may_download(learner, client, auth):
    post_work(client, "", [("carte.txt", TEXT)])
    [attachment] = submissions(learner.id)[0].attachments
    make_user(Role.ADMIN, email="admin@example.org").locale = "en"
    db.session.commit()
    auth.logout()
    auth.login("admin@example.org")
    with client.get(f"/practice/attachments/{attachment.id}") as response:
        assert response.data == TEXT


def test_anonymous_download_goes_to_sign_in(learner, client, auth):
    post_work(client, "", [("carte.txt", TEXT)])
    [attachment] = submissions(learner.id)[0].attachments
    auth.logout()
    response = client.get(f"/practice/attachments/{attachment.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_file_missing_from_disk_is_404_not_500(learner, client, upload_dir):
    post_work(client, "", [("carte.txt", TEXT)])
    [attachment] = submissions(learner.id)[0].attachments
    (upload_dir / attachment.stored_name).unlink()
    assert client.get(f"/practice/attachments/{attachment.id}").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.png", PDF, "does not contain what its extension (.png) says"),
        ("outil.exe", b"MZ\x90\x00", "this type of file is not accepted"),
        ("page.html", b"<script>alert(1)</script>", "this type of file is not accepted"),
        ("../../etc/passwd", TXT, "has no file extension"),
    ],
)
def test_a_refused_file_records_nothing(learner, client, upload_dir, name, data, message):
    before = _files_on_disk(upload_dir)
    response = post_work(client, "Mon texte.", [("carte.txt", TEXT), (name, data)])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html.replace("&#34;", '"').replace("&#39;", "'")
    assert "Mon texte." in html  # the text typed is still in the form
    assert submissions(learner.id) == []
    assert practice_status(learner.id) is None
    assert _files_on_disk(upload_dir) == before


def test_oversize_files_get_a_clear_message(learner, client, config):
    config["PRACTICE_MAX_FILE_BYTES"] = 1024
    response = post_work(client, "", [("gros.txt", b"a" * 2000)])
    assert response.status_code == 422
    assert "is too large (2 KB); the limit is 1 KB per file." in response.get_data(as_text=True)
    assert submissions(learner.id) == []


def test_too_many_files_are_refused_counting_those_already_there(learner, client, config):
    config["PRACTICE_MAX_FILES"] = 2
    post_work(client, "", [("a.txt", TEXT)])
    response = post_work(client, "", [("b.txt", TEXT), ("c.txt", TEXT)])
    assert response.status_code == 422
    assert "at most 2 files (3 here)" in response.get_data(as_text=True)
    assert [a.filename for a in submissions(learner.id)[0].attachments] == ["a.txt"]


def test_a_request_over_the_global_limit_shows_the_page_with_the_limits(learner, client, config):
    post_work(client, "Mon brouillon.")
    config["MAX_CONTENT_LENGTH"] = 4096
    response = post_work(client, "Nouveau texte.", [("gros.png", PNG + b"\x00" * 8000)])
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The files sent together were too large (at most 4 KB in all" in html
    assert "Mon brouillon." in html  # the page, with the saved draft, not a bare error page
    assert submissions(learner.id)[0].text_md == "Mon brouillon."


def test_removing_a_file_from_a_draft_deletes_it(learner, client, upload_dir):
    post_work(client, "", [("a.txt", TEXT), ("b.png", PNG)])
    a, b = sorted(submissions(learner.id)[0].attachments, key=lambda x: x.filename)
    a_id, a_file, b_file = a.id, upload_dir / a.stored_name, upload_dir / b.stored_name
    response = client.post(
        f"{PAGE}/attachments/{a_id}/delete", data={"csrf_token": csrf_token(client, PAGE)}
    )
    assert response.status_code == 302
    assert [x.filename for x in submissions(learner.id)[0].attachments] == ["b.png"]
    assert not a_file.exists()
    assert b_file.exists()


def test_removing_needs_the_csrf_token(learner, client, upload_dir):
    post_work(client, "", [("a.txt", TEXT)])
    [a] = submissions(learner.id)[0].attachments
    assert client.post(f"{PAGE}/attachments/{a.id}/delete").status_code == 400
    assert (upload_dir / a.stored_name).exists()
    assert len(submissions(learner.id)[0].attachments) == 1


def test_files_of_submitted_work_cannot_be_removed(learner, client, upload_dir):
    post_work(client, "", [("a.txt", TEXT)], submit=True)
    [a] = submissions(learner.id)[0].attachments
    response = client.post(
        f"{PAGE}/attachments/{a.id}/delete",
        data={"csrf_token": csrf_token(client, PAGE)},
        follow_redirects=True,
    )
    assert "Files can only be removed from a draft." in response.get_data(as_text=True)
    assert (upload_dir / a.stored_name).exists()
    assert len(submissions(learner.id)[0].attachments) == 1


def test_nobody_removes_someone_elses_file(learner, client, auth, upload_dir):
    post_work(client, "", [("a.txt", TEXT)])
    [a] = submissions(learner.id)[0].attachments
    make_user(Role.ADMIN, email="admin@example.org").locale = "en"
    db.session.commit()
    auth.logout()
    auth.login("admin@example.org")
    response = client.post(
        f"{PAGE}/attachments/{a.id}/delete",
        data={"csrf_token": csrf_token(client, PAGE)},
        follow_redirects=True,
    )
    assert "This file does not exist." in response.get_data(as_text=True)
    assert db.session.get(PracticeAttachment, a.id) is not None
    assert (upload_dir / a.stored_name).exists()


def test_reviewed_versions_keep_their_files_when_a_new_version_drops_one(
    learner, trainer, client, upload_dir
):
    post_work(client, "v1", [("a.txt", TEXT)], submit=True)
    services.record_review(
        db.session, submissions(learner.id)[0], trainer, [2], ReviewDecision.NEEDS_REVISION, ""
    )
    post_work(client, "v2")
    old, new = submissions(learner.id)
    client.post(
        f"{PAGE}/attachments/{new.attachments[0].id}/delete",
        data={"csrf_token": csrf_token(client, PAGE)},
    )
    old, new = submissions(learner.id)
    assert new.attachments == []
    assert (upload_dir / old.attachments[0].stored_name).read_bytes() == TEXT


def test_attachment_paths_of_a_learner(learner, client, upload_dir):
    post_work(client, "", [("a.txt", TEXT), ("b.pdf", PDF)])
    paths = services.attachment_paths_of(db.session, learner.id)
    assert sorted(p.read_bytes() for p in paths) == sorted([TEXT, PDF])
    assert all(p.parent == upload_dir for p in paths)


def test_an_upload_form_without_files_sends_an_empty_part(learner, client):
    """Browsers send one empty file part when no file is chosen: not an error."""
    data = {
        "text": "Sans fichier.",
        "save": "1",
        "csrf_token": csrf_token(client, PAGE),
        "files": [(io.BytesIO(b""), "")],
    }
    assert client.post(PAGE, data=data, content_type="multipart/form-data").status_code == 302
    assert submissions(learner.id)[0].attachments == []


def test_a_tricky_file_name_cannot_break_the_download_header(learner, client):
    from werkzeug.http import parse_options_header

    # Saved through the service: the test client would not escape the quote in the form.
    # (Control characters such as CR LF are removed from names: see the unit tests.)
    practice = services.find_practice(db.session, "premier-module")
    name = 'a"; filename=evil.html; b.txt'
    services.save_work(
        db.session, learner.id, practice, text_md="", uploads=[services.Upload(name, TEXT)]
    )
    [attachment] = submissions(learner.id)[0].attachments
    assert attachment.filename == name
    with client.get(f"/practice/attachments/{attachment.id}") as response:
        assert response.data == TEXT
    kind, options = parse_options_header(response.headers["Content-Disposition"])
    assert kind == "attachment"
    assert options["filename"] == name
