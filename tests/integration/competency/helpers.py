"""Helpers of the competency tests: record evidence, read the stored profile back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from sqlalchemy import select

from lms.competency.services import NewEvidence, record_evidence
from lms.extensions import db
from lms.models import (
    Answer,
    Attempt,
    AttemptStatus,
    Competency,
    CompetencyState,
    Evidence,
    EvidenceSource,
    Module,
    ModuleProgress,
    Practice,
    PracticeReview,
    PracticeSubmission,
    Question,
    QuestionSnapshot,
    ReviewDecision,
    SubmissionStatus,
)

T0 = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def record(user_id, *items):
    """Record evidence through the one service that does it, and commit."""
    record_evidence(db.session, user_id, list(items))
    db.session.commit()


def answers(code, scores, *, start=T0, module="premier-module", prefix="q"):
    """Quiz evidence: one answer a minute from `start`, keys module/<prefix><n>."""
    return [
        NewEvidence(
            code,
            EvidenceSource.QUIZ,
            score,
            start + timedelta(minutes=n),
            key=f"{module}/{prefix}{n}",
        )
        for n, score in enumerate(scores)
    ]


def lesson(code, when=T0, module="premier-module"):
    """Lesson evidence for a module."""
    return NewEvidence(code, EvidenceSource.LESSON, 1.0, when, key=module)


def work(code, score, when=T0, module="premier-module", **extra):
    """Practical-work evidence for a module."""
    return NewEvidence(code, EvidenceSource.PRACTICE, score, when, key=module, **extra)


def states(user_id):
    """The stored profile, code -> every CompetencyState value (fresh from the database)."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Competency.code, CompetencyState)
        .join(CompetencyState, CompetencyState.competency_id == Competency.id)
        .where(CompetencyState.user_id == user_id)
    )
    return {
        code: (
            s.level,
            s.measured_level,
            s.score,
            s.knowledge_score,
            s.applied_score,
            s.evidence_count,
            s.self_level,
            s.last_evidence_at,
        )
        for code, s in rows
    }


def evidence_rows(user_id, source=None):
    """The learner's evidence rows, oldest first."""
    db.session.expire_all()
    query = select(Evidence).where(Evidence.user_id == user_id).order_by(Evidence.id)
    if source is not None:
        query = query.where(Evidence.source == source)
    return list(db.session.scalars(query))


def module_id(slug):
    """The id of a module of the fixture course."""
    return db.session.scalar(select(Module.id).where(Module.slug == slug))


def progress(user_id, slug, *, read=False, passed=False, practice="none", passed_at=T0):
    """A ModuleProgress row as reading, quizzes and practice would leave it."""
    db.session.add(
        ModuleProgress(
            user_id=user_id,
            module_id=module_id(slug),
            reading_completed_at=T0 if read else None,
            quiz_passed_at=passed_at if passed else None,
            practice_status=practice,
        )
    )
    db.session.commit()


def submitted_answer(user_id, slug="premier-module", question_key="trois-piliers", score=1.0):
    """A submitted attempt with one answer (as the quiz area records them); returns the Answer."""
    mid = module_id(slug)
    question = db.session.scalar(
        select(Question).where(Question.module_id == mid, Question.key == question_key)
    )
    attempt = Attempt(
        user_id=user_id,
        module_id=mid,
        idempotency_key="k1",
        number=1,
        status=AttemptStatus.SUBMITTED,
        seed="s",
        submitted_at=T0,
        score=score,
        passed=True,
        pass_mark=0.7,
    )
    answer = Answer(
        attempt=attempt,
        question_id=question.id,
        question_key=question_key,
        position=0,
        stored_snapshot=QuestionSnapshot(digest="test", snapshot={}),
        response=None,
        score=score,
        correct=score == 1.0,
    )
    db.session.add_all([attempt, answer])
    db.session.commit()
    return answer


def reviewed_work(user_id, reviewer_id, score, slug="premier-module"):
    """A submitted practical work and a trainer's review of it; returns the review."""
    mid = module_id(slug)
    practice = db.session.scalar(select(Practice).where(Practice.module_id == mid))
    submission = PracticeSubmission(
        user_id=user_id,
        module_id=mid,
        practice_id=practice.id,
        status=SubmissionStatus.ACCEPTED,
        submitted_at=T0,
    )
    review = PracticeReview(
        submission=submission,
        reviewer_id=reviewer_id,
        score=score,
        decision=ReviewDecision.ACCEPTED,
    )
    db.session.add_all([submission, review])
    db.session.commit()
    return review


class _Tables(HTMLParser):
    """Collects the rows of every <table> with a given class: each row as its cells' text."""

    def __init__(self, css_class):
        super().__init__(convert_charrefs=True)
        self.css_class, self.depth, self.rows, self.cell = css_class, 0, [], None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and (self.depth or self.css_class in classes):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html, css_class):
    """The rows (lists of cell texts) of the table(s) with this class, header rows included."""
    parser = _Tables(css_class)
    parser.feed(html)
    return parser.rows
