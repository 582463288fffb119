"""Helpers of the course pages' tests: a signed-in learner on the fixture course."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.content.services import load_content
from lms.extensions import db
from lms.models import Evidence, EvidenceSource, Module, ModuleProgress, SectionProgress, User
from tests.conftest import FIXTURE_COURSE, csrf_token
from tests.factories import make_user

LEARNER_EMAIL = "camille@example.org"


@pytest.fixture
def learner(app_ctx, client, auth, course) -> User:
    """A learner, signed in on `client`, with the fixture course loaded.

    The interface is in English for them, so tests read the msgids whatever the
    state of the French catalogue.
    """
    user = make_user(email=LEARNER_EMAIL, name="Camille")
    user.locale = "en"
    db.session.commit()
    auth.login(LEARNER_EMAIL)
    return user


@pytest.fixture
def fixture_images(app, monkeypatch):
    """Serve lesson images from the fixture course (CONTENT_DIR is the real course in tests)."""
    monkeypatch.setitem(app.config, "CONTENT_DIR", str(FIXTURE_COURSE))


def read(client, module: str, section: str, then: str | None = None):
    """Press "Mark as read" (or "Next" with then="next") on a section page."""
    path = f"/modules/{module}/sections/{section}"
    data = {"csrf_token": csrf_token(client, path)}
    if then:
        data["then"] = then
    return client.post(f"{path}/read", data=data)


def progress_row(user: User, slug: str) -> ModuleProgress | None:
    """The learner's summary row for a module, read afresh."""
    db.session.expire_all()
    return db.session.scalar(
        select(ModuleProgress)
        .join(Module)
        .where(ModuleProgress.user_id == user.id, Module.slug == slug)
    )


def section_rows(user: User) -> list[SectionProgress]:
    """The learner's section rows, read afresh."""
    db.session.expire_all()
    return list(
        db.session.scalars(select(SectionProgress).where(SectionProgress.user_id == user.id))
    )


def lesson_evidence(user: User) -> list[tuple[str, str | None]]:
    """(competency code, key) of the learner's lesson evidence."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(Evidence).where(
            Evidence.user_id == user.id, Evidence.source == EvidenceSource.LESSON
        )
    )
    return sorted((row.competency.code, row.key) for row in rows)


def load_changed_course(
    tmp_path: Path,
    remove: tuple[str, ...] = (),
    rename: dict[str, str] | None = None,
    write: dict[str, str] | None = None,
) -> Path:
    """Reload the fixture course as a new release would change it; returns its folder.

    `remove` deletes files, `rename` moves folders, `write` replaces or adds files
    (paths relative to the content root; writes happen after renames).
    """
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_COURSE, root)
    for relative in remove:
        (root / relative).unlink()
    for old, new in (rename or {}).items():
        (root / old).rename(root / new)
    for relative, text in (write or {}).items():
        (root / relative).write_text(text, encoding="utf-8")
    load_content(root)
    return root
