"""Reading sections: visits, "Mark as read", "Next", completion and its evidence, retired sections."""

from __future__ import annotations

from lms.extensions import db
from lms.models import CompetencyState, Section
from tests.conftest import csrf_token
from tests.integration.courses.conftest import (
    lesson_evidence,
    load_changed_course,
    progress_row,
    read,
    section_rows,
)

INTRO = "/modules/premier-module/sections/introduction"
DETAILS = "/modules/premier-module/sections/details"


def test_a_section_page_shows_one_section_with_the_module_contents(learner, client):
    response = client.get(INTRO)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 id="section-title">Introduction</h1>' in html
    assert "Le détail du module" not in html  # only this section's text
    assert f'<a href="{INTRO}" aria-current="page">Introduction</a>' in html
    assert f'<a href="{DETAILS}">Les détails : suite</a>' in html
    assert 'href="#les-trois-piliers"' in html  # the section's own headings
    assert "Section 1 of 2" in html
    assert 'rel="prev"' not in html  # first section
    assert 'name="then" value="next"' in html


def test_viewing_a_section_is_remembered_for_resuming(learner, client):
    client.get(DETAILS)
    rows = section_rows(learner)
    assert len(rows) == 1
    assert rows[0].first_viewed_at is not None and rows[0].completed_at is None
    progress = progress_row(learner, "premier-module")
    assert db.session.get(Section, progress.last_section_id).slug == "details"
    first_view = rows[0].first_viewed_at
    client.get(INTRO)
    client.get(DETAILS)
    rows = section_rows(learner)
    assert len(rows) == 2
    assert next(r for r in rows if r.section.slug == "details").first_viewed_at == first_view


def test_mark_as_read_is_idempotent(learner, client):
    response = read(client, "premier-module", "introduction")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(INTRO)
    completed_at = section_rows(learner)[0].completed_at
    read(client, "premier-module", "introduction")
    rows = section_rows(learner)
    assert len(rows) == 1 and rows[0].completed_at == completed_at
    assert progress_row(learner, "premier-module").sections_completed == 1
    html = client.get(INTRO).get_data(as_text=True)
    assert "You have read this section." in html
    assert 'id="mark-read"' not in html


def test_next_marks_the_section_read_and_opens_the_next_one(learner, client):
    response = read(client, "premier-module", "introduction", then="next")
    assert response.headers["Location"].endswith(DETAILS)
    response = read(client, "premier-module", "details", then="next")
    assert response.headers["Location"].endswith("/modules/premier-module")
    assert progress_row(learner, "premier-module").sections_completed == 2


def test_reading_every_section_records_lesson_evidence_once(learner, client):
    read(client, "premier-module", "introduction")
    assert lesson_evidence(learner) == []
    assert progress_row(learner, "premier-module").reading_completed_at is None
    response = read(client, "premier-module", "details", then="next")
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have read every section of this module." in follow
    completed = progress_row(learner, "premier-module").reading_completed_at
    assert completed is not None
    expected = [("TST-01", "premier-module"), ("TST-02", "premier-module")]
    assert lesson_evidence(learner) == expected
    # Reading again, by the page or the API, records nothing more.
    read(client, "premier-module", "details")
    read(client, "premier-module", "introduction", then="next")
    assert lesson_evidence(learner) == expected
    assert progress_row(learner, "premier-module").reading_completed_at == completed


def test_lesson_evidence_feeds_the_profile(learner, client):
    read(client, "premier-module", "introduction")
    read(client, "premier-module", "details")
    db.session.expire_all()
    states = db.session.scalars(
        db.select(CompetencyState).where(CompetencyState.user_id == learner.id)
    ).all()
    assert {s.competency.code for s in states} == {"TST-01", "TST-02"}
    assert all(s.evidence_count == 1 and s.level == 1 for s in states)  # lessons alone: level 1


def test_a_retired_section_is_hidden_but_its_reading_is_kept(learner, client, tmp_path):
    read(client, "premier-module", "introduction")
    read(client, "premier-module", "details")
    load_changed_course(tmp_path, remove=("alpha/01-premier-module/02-details.md",))
    assert client.get(DETAILS).status_code == 404
    html = client.get("/modules/premier-module").get_data(as_text=True)
    assert DETAILS not in html
    assert "1 of 1 read" in html
    assert len(section_rows(learner)) == 2  # the learner's history is kept
    # The summary row is recounted on the next read: retired sections no longer count.
    read(client, "premier-module", "introduction")
    assert progress_row(learner, "premier-module").sections_completed == 1


def test_a_section_added_later_does_not_undo_a_completed_reading(learner, client, tmp_path):
    read(client, "premier-module", "introduction")
    read(client, "premier-module", "details")
    load_changed_course(
        tmp_path,
        write={"alpha/01-premier-module/03-nouveau.md": "---\ntitle: Nouveau\n---\n\nTexte.\n"},
    )
    html = client.get("/modules/premier-module").get_data(as_text=True)
    assert "2 of 3 read" in html
    read(client, "premier-module", "nouveau")
    assert len(lesson_evidence(learner)) == 2  # still recorded once


def test_unknown_sections_and_modules_are_404(learner, client):
    assert client.get("/modules/premier-module/sections/nulle-part").status_code == 404
    assert client.get("/modules/nulle-part/sections/introduction").status_code == 404
    token = csrf_token(client, "/account/")
    response = client.post(
        "/modules/premier-module/sections/nulle-part/read", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert section_rows(learner) == []


def test_mark_read_refuses_a_missing_csrf_token_or_an_unknown_destination(learner, client):
    assert client.post(f"{INTRO}/read").status_code == 400
    token = csrf_token(client, INTRO)
    response = client.post(f"{INTRO}/read", data={"csrf_token": token, "then": "https://evil"})
    assert response.status_code == 400
    assert all(r.completed_at is None for r in section_rows(learner))


def test_the_last_section_offers_to_finish_the_module(learner, client):
    html = client.get(DETAILS).get_data(as_text=True)
    assert "Finish the module" in html
    assert f'href="{INTRO}" rel="prev"' in html
