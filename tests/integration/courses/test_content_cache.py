"""The lesson pages read the course from each process's copy: it never shows stale content.

A content load in this process drops the copy at once; a load made by another process
(the CLI, another gunicorn worker) is noticed within lms.content.cache.REVISION_CHECK_SECONDS.
"""

from __future__ import annotations

from sqlalchemy import text

from lms.content import cache as content_cache
from lms.extensions import db
from tests.conftest import FIXTURE_COURSE
from tests.integration.courses.conftest import load_changed_course

INTRO = "/modules/premier-module/sections/introduction"
INTRO_FILE = "alpha/01-premier-module/01-introduction.md"


def changed_intro(marker: str) -> str:
    """The fixture's introduction with a new paragraph."""
    original = (FIXTURE_COURSE / INTRO_FILE).read_text(encoding="utf-8")
    return f"{original}\n\n{marker}\n"


def test_a_release_loaded_in_this_process_shows_at_once(learner, client, tmp_path):
    assert "Paragraphe ajouté" not in client.get(INTRO).get_data(as_text=True)
    load_changed_course(tmp_path, write={INTRO_FILE: changed_intro("Paragraphe ajouté.")})
    assert "Paragraphe ajouté." in client.get(INTRO).get_data(as_text=True)


def test_a_section_retired_by_a_release_disappears_at_once(learner, client, tmp_path):
    assert client.get("/modules/premier-module/sections/details").status_code == 200
    load_changed_course(tmp_path, remove=("alpha/01-premier-module/02-details.md",))
    assert client.get("/modules/premier-module/sections/details").status_code == 404
    html = client.get(INTRO).get_data(as_text=True)
    assert "Section 1 of 1" in html


def test_a_release_loaded_by_another_process_shows_after_the_revision_check(
    learner, client, monkeypatch
):
    clock = [1_000.0]
    monkeypatch.setattr(content_cache.time, "monotonic", lambda: clock[0])
    client.get(INTRO)  # the copy is made and the revision checked
    # Another process changes the section and records its release: no ORM event here.
    db.session.execute(
        text("UPDATE section SET html = :html WHERE slug = 'introduction'"),
        {"html": "<p>Texte de la nouvelle version.</p>"},
    )
    db.session.execute(
        text("INSERT INTO course_version (version, loaded_at, summary) VALUES ('v2', :at, '{}')"),
        {"at": "2026-12-06 12:00:00"},
    )
    db.session.commit()
    clock[0] += content_cache.REVISION_CHECK_SECONDS / 2
    assert "Texte de la nouvelle version." not in client.get(INTRO).get_data(as_text=True)
    clock[0] += content_cache.REVISION_CHECK_SECONDS
    assert "Texte de la nouvelle version." in client.get(INTRO).get_data(as_text=True)


def test_an_unknown_module_is_not_remembered(learner, client, app):
    assert client.get("/modules/inconnu/sections/introduction").status_code == 404
    assert "inconnu" not in app.extensions[content_cache.EXTENSION_KEY].modules


def test_views_kept_by_other_areas_follow_content_changes(app_ctx, course):
    from sqlalchemy import select

    from lms.cohorts.dashboards import course_modules
    from lms.models import Module

    assert "Titre modifié" not in [m.title for m in course_modules(db.session)]
    module = db.session.scalar(select(Module).where(Module.slug == "premier-module"))
    module.title = "Titre modifié"
    db.session.commit()
    assert "Titre modifié" in [m.title for m in course_modules(db.session)]
