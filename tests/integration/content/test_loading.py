"""Loading the course into the database: idempotent, never losing learners' data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.content.services import ContentError, load_content
from lms.extensions import db
from lms.models import (
    Answer,
    Attempt,
    AttemptStatus,
    CourseVersion,
    Module,
    ModuleProgress,
    Question,
    QuestionSnapshot,
    Section,
    SectionProgress,
)
from lms.models.base import utcnow
from tests.conftest import FIXTURE_COURSE, REAL_COURSE
from tests.factories import make_user


@pytest.fixture
def editable_course(tmp_path: Path) -> Path:
    """A copy of the fixture course that a test may edit."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_COURSE, root)
    return root


def _counts() -> dict[str, int]:
    models = (Module, Section, Question, CourseVersion)
    return {
        m.__name__: db.session.scalar(db.select(db.func.count()).select_from(m)) for m in models
    }


def test_loading_twice_changes_nothing(app_ctx, editable_course):
    first = load_content(editable_course)
    assert first.report.counts["modules.created"] == 3
    before = _counts()
    html_before = db.session.scalars(db.select(Section.html).order_by(Section.id)).all()
    second = load_content(editable_course)
    assert not second.report.changed
    assert _counts() == before
    assert db.session.scalars(db.select(Section.html).order_by(Section.id)).all() == html_before


def test_the_real_course_loads(app_ctx):
    result = load_content(REAL_COURSE)
    modules = db.session.scalars(db.select(Module).order_by(Module.position)).all()
    assert len(modules) == 12
    assert [m.theme.slug for m in modules[::3]] == [
        "comprendre",
        "hybrider",
        "conduire",
        "incarner",
    ]
    assert all(m.section_count >= 3 and m.question_count >= 10 for m in modules)
    assert result.report.counts["competencies.created"] == 13


def _progress_and_attempt(user_id: int) -> tuple[SectionProgress, Attempt]:
    section = db.session.scalar(db.select(Section).where(Section.slug == "introduction"))
    question = db.session.scalar(db.select(Question).where(Question.key == "trois-piliers"))
    progress = SectionProgress(user_id=user_id, section_id=section.id, completed_at=utcnow())
    attempt = Attempt(
        user_id=user_id,
        module_id=section.module_id,
        idempotency_key="k1",
        number=1,
        status=AttemptStatus.SUBMITTED,
        seed="s",
        pass_mark=0.7,
        score=1.0,
        passed=True,
        submitted_at=utcnow(),
    )
    attempt.answers.append(
        Answer(
            question_id=question.id,
            question_key=question.key,
            position=1,
            stored_snapshot=QuestionSnapshot(
                digest="test", snapshot={"definition": question.definition}
            ),
            response="a",
            score=1.0,
            correct=True,
        )
    )
    db.session.add_all(
        [progress, attempt, ModuleProgress(user_id=user_id, module_id=section.module_id)]
    )
    db.session.commit()
    return progress, attempt


def test_editing_a_section_and_a_question_keeps_progress_and_attempts(app_ctx, editable_course):
    load_content(editable_course)
    user = make_user()
    progress, attempt = _progress_and_attempt(user.id)
    section_file = editable_course / "alpha" / "01-premier-module" / "01-introduction.md"
    section_file.write_text(section_file.read_text() + "\nUn paragraphe **ajouté**.\n")
    quiz = editable_course / "alpha" / "01-premier-module" / "quiz.yaml"
    quiz.write_text(
        quiz.read_text().replace(
            "Quels sont les **trois** piliers ?", "Quels sont les trois piliers du modèle ?"
        )
    )

    report = load_content(editable_course).report
    assert report.counts["sections.updated"] == 1
    assert report.counts["questions.updated"] == 1
    db.session.expire_all()
    section = db.session.get(Section, progress.section_id)
    assert "<strong>ajouté</strong>" in section.html
    assert db.session.get(SectionProgress, progress.id) is not None
    answer = db.session.get(Attempt, attempt.id).answers[0]
    assert answer.question.definition["prompt"] == "Quels sont les trois piliers du modèle ?"
    # The attempt kept the question as it was answered.
    assert answer.snapshot["definition"]["prompt"] == "Quels sont les **trois** piliers ?"


def test_removed_question_and_module_are_retired_not_deleted(app_ctx, editable_course):
    load_content(editable_course)
    user = make_user()
    _, attempt = _progress_and_attempt(user.id)
    quiz = editable_course / "alpha" / "01-premier-module" / "quiz.yaml"
    text = quiz.read_text()
    start = text.index("  - id: budget-suffit")
    end = text.find("\n  - id:", start + 1)
    quiz.write_text(text[:start] + (text[end + 1 :] if end != -1 else ""))
    shutil.rmtree(editable_course / "beta")
    framework = editable_course / "framework.yaml"
    framework.write_text(framework.read_text().replace("theme: beta", "theme: alpha"))

    report = load_content(editable_course).report
    assert report.counts["questions.retired"] == 1
    assert report.counts["modules.retired"] == 1
    assert report.counts["themes.retired"] == 1
    retired = db.session.scalar(db.select(Question).where(Question.key == "budget-suffit"))
    assert retired is not None and retired.retired_at is not None
    module = db.session.scalar(db.select(Module).where(Module.slug == "troisieme"))
    assert module.retired_at is not None
    assert all(s.retired_at is not None for s in module.sections)
    assert db.session.get(Attempt, attempt.id).answers  # history kept

    # Putting the module back brings it back, with the same rows.
    shutil.copytree(FIXTURE_COURSE / "beta", editable_course / "beta")
    shutil.copy(FIXTURE_COURSE / "framework.yaml", framework)
    load_content(editable_course)
    db.session.expire_all()
    again = db.session.scalar(db.select(Module).where(Module.slug == "troisieme"))
    assert again.id == module.id and again.retired_at is None


def test_invalid_content_loads_nothing(app_ctx, editable_course):
    load_content(editable_course)
    before = _counts()
    section_file = editable_course / "alpha" / "01-premier-module" / "01-introduction.md"
    section_file.write_text(section_file.read_text() + "\nNouveau texte.\n")
    module_yaml = editable_course / "alpha" / "02-deuxieme" / "module.yaml"
    module_yaml.write_text(module_yaml.read_text() + "\nunknown_field: 1\n")
    with pytest.raises(ContentError) as error:
        load_content(editable_course)
    assert any("unknown field 'unknown_field'" in str(p) for p in error.value.problems)
    db.session.expire_all()
    assert _counts() == before
    section = db.session.scalar(db.select(Section).where(Section.slug == "introduction"))
    assert "Nouveau texte" not in section.html


def test_every_module_records_a_content_hash_that_changes_with_its_files(app_ctx, editable_course):
    load_content(editable_course)
    hashes = dict(db.session.execute(db.select(Module.slug, Module.content_hash)).all())
    section_file = editable_course / "alpha" / "01-premier-module" / "02-details.md"
    section_file.write_text(section_file.read_text() + "\nEncore.\n")
    load_content(editable_course)
    db.session.expire_all()
    after = dict(db.session.execute(db.select(Module.slug, Module.content_hash)).all())
    assert after["premier-module"] != hashes["premier-module"]
    assert after["troisieme"] == hashes["troisieme"]


def test_hostile_markdown_never_reaches_the_page(app_ctx, editable_course):
    section_file = editable_course / "alpha" / "01-premier-module" / "02-details.md"
    section_file.write_text(
        section_file.read_text()
        + '\n[clic](https://example.org "titre") et <script>alert(1)</script>\n'
    )
    with pytest.raises(ContentError) as error:
        load_content(editable_course)  # raw HTML is refused by the checker
    assert any("HTML" in p.message for p in error.value.problems)
