"""Quiz use cases: start an attempt, save its draft, submit and grade it, read the results.

Each use case runs in one transaction and commits once. Grading is lms.quiz.grading
(pure), the retake and scoring rules are lms.quiz.rules (pure); this module reads and
writes the rows around them.

A submitted attempt is final. Submitting it again (a double click, a retried request,
two tabs) finds it submitted and records nothing: the learner's ModuleProgress row is
locked first (SELECT ... FOR UPDATE on PostgreSQL), then the attempt row, so two
submissions for the same learner and module run one after the other, and the second
one sees the first one's result. The unique constraints on Attempt (user, module,
idempotency key) and Answer (attempt, question key) are the backstop where the
database has no row locks (SQLite serialises writers instead).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from markupsafe import Markup
from sqlalchemy import Table, bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from lms import jsontext
from lms.competency.services import NewEvidence, competency_ids, record_evidence
from lms.content.cache import LiveQuestion, LiveQuiz, live_quiz
from lms.content.urls import section_url
from lms.learning.progress import ACTIVITY_RESOLUTION, module_progress
from lms.learning.summary import ProgressRowValues, update_module_in_summary
from lms.models import (
    Answer,
    Attempt,
    AttemptStatus,
    EvidenceSource,
    Module,
    ModuleProgress,
    Question,
    QuestionSnapshot,
    Section,
)
from lms.models.base import SerialisedJSON, utcnow
from lms.models.driver import (
    DriverStatement,
    DriverStatementsBySize,
    insert_every_column,
    multi_row_insert,
    numbered_binds,
    numbered_rows,
    numbered_values,
)
from lms.quiz import grading, rules
from lms.quiz.forms import InputProblem, field_name, sanitise_draft

#: A question as grading reads it: the row, or this process's frozen copy (lms.content.cache).
QuizQuestion = Question | LiveQuestion

#: How many invalid answers a refused API submission reports (a hostile body may hold many).
MAX_REPORTED_FIELDS = 50


class QuizSettings(Protocol):
    """What submitting reads of a module: a Module row, or a live quiz's `QuizModule`."""

    @property
    def id(self) -> int: ...

    @property
    def slug(self) -> str: ...

    @property
    def pass_mark(self) -> float: ...

    @property
    def max_attempts(self) -> int | None: ...

    @property
    def retake_wait_minutes(self) -> int: ...


# --- errors -------------------------------------------------------------------------------


class RetakeNotAllowed(Exception):
    """A new attempt may not start now; `decision` says why and until when."""

    def __init__(self, decision: rules.RetakeDecision) -> None:
        super().__init__(str(decision.reason))
        self.decision = decision


class InvalidAnswers(Exception):
    """Answers that cannot be graded: {question id: message}. Nothing was recorded."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("invalid answers")
        self.fields = fields


class AttemptNotFound(LookupError):
    """No such attempt for this learner and module."""


# --- reading the quiz ---------------------------------------------------------------------


def find_module(session: Session, slug: str, *, include_retired: bool = False) -> Module | None:
    """The module with this slug; a retired one only when asked (its attempts stay readable)."""
    module = session.scalar(select(Module).where(Module.slug == slug))
    if module is None or (module.retired_at is not None and not include_retired):
        return None
    return module


@dataclass(frozen=True)
class QuizModule:
    """A live module's quiz settings, from this process's copy of the course."""

    id: int
    slug: str
    pass_mark: float
    max_attempts: int | None
    retake_wait_minutes: int


def find_quiz_module(session: Session, slug: str) -> QuizModule | None:
    """The live (not retired) module with this slug, as submitting reads it: from this
    process's copy of the course (lms.content.cache), so usually without a query. None
    when `find_module` would find none."""
    quiz = live_quiz(session, slug)
    if quiz is None:
        return None
    return _quiz_module(quiz)


def _quiz_module(quiz: LiveQuiz) -> QuizModule:
    return QuizModule(
        id=quiz.module_id,
        slug=quiz.slug,
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        retake_wait_minutes=quiz.retake_wait_minutes,
    )


#: Questions prepared for grading, by content hash (a digest of the definition, set when
#: the course is loaded): validating a definition costs more than grading an answer, and
#: every submission grades the same few questions. Bounded; a new course version simply
#: adds entries.
_PREPARED: dict[str, grading.PreparedQuestion] = {}
_PREPARED_LIMIT = 4096


def prepared_questions(questions: Sequence[QuizQuestion]) -> list[grading.PreparedQuestion]:
    """The questions ready to check and grade answers, from this process's copies."""
    prepared = []
    for question in questions:
        found = _PREPARED.get(question.content_hash) if question.content_hash else None
        if found is None:
            found = grading.prepare(question.definition)
            if question.content_hash:
                if len(_PREPARED) >= _PREPARED_LIMIT:
                    _PREPARED.clear()
                _PREPARED[question.content_hash] = found
        prepared.append(found)
    return prepared


def live_questions(session: Session, module_id: int) -> list[Question]:
    """The module's current (non-retired) questions, in quiz order."""
    return list(
        session.scalars(
            select(Question)
            .where(Question.module_id == module_id, Question.retired_at.is_(None))
            .order_by(Question.position)
        )
    )


def public_questions(questions: Sequence[Question], seed: str | None) -> list[dict[str, Any]]:
    """What a learner may see of the questions before submitting: never an answer.

    The grading registry's public view (ids, types, options shuffled by `seed`) with its
    texts replaced by the HTML rendered at load time (sanitised). Numeric questions keep
    their "unit" as plain text.
    """
    views = []
    for question in questions:
        view = grading.public_view(question.definition, seed=seed)
        rendered = question.rendered or {}
        view["prompt"] = rendered.get("prompt", "")
        for list_name in ("choices", "items", "left", "right"):
            if list_name in view:
                texts = rendered.get(list_name, {})
                view[list_name] = [
                    {"id": option["id"], "text": texts.get(option["id"], option["text"])}
                    for option in view[list_name]
                ]
        views.append(view)
    return views


def quiz_for_api(session: Session, module: Module) -> dict[str, Any]:
    """GET /api/v1/modules/<slug>/quiz: the pass mark and the public questions (no seed:
    choices in file order, ordering items and matching right sides in a fixed shuffle)."""
    return {
        "pass_mark": module.pass_mark,
        "questions": public_questions(live_questions(session, module.id), seed=None),
    }


# --- the quiz page --------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptSummary:
    """One line of a learner's attempt history."""

    id: int
    number: int
    status: AttemptStatus
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    passed: bool | None


@dataclass(frozen=True)
class QuizOverview:
    """The quiz page: the rules, my attempts, and whether I may start one now."""

    module_slug: str
    module_title: str
    question_count: int
    pass_mark: float
    max_attempts: int | None
    retake_wait_minutes: int
    attempts: list[AttemptSummary]
    open_attempt_id: int | None
    decision: rules.RetakeDecision
    best_score: float | None
    passed: bool


def _summary(attempt: Attempt) -> AttemptSummary:
    return AttemptSummary(
        id=attempt.id,
        number=attempt.number,
        status=attempt.status,
        started_at=attempt.started_at,
        submitted_at=attempt.submitted_at,
        score=attempt.score,
        passed=attempt.passed,
    )


def _my_attempts(session: Session, user_id: int, module_id: int) -> list[Attempt]:
    return list(
        session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.module_id == module_id)
            .order_by(Attempt.number.desc(), Attempt.id.desc())
        )
    )


def _decision(
    attempts: Sequence[Attempt], module: QuizSettings, now: datetime
) -> rules.RetakeDecision:
    submitted = [a.submitted_at for a in attempts if a.submitted_at is not None]
    return rules.retake_decision(
        attempts_started=len(attempts),
        last_submitted_at=max(submitted, default=None),
        max_attempts=module.max_attempts,
        retake_wait_minutes=module.retake_wait_minutes,
        now=now,
    )


def quiz_overview(session: Session, user_id: int, module: Module, now: datetime) -> QuizOverview:
    """Everything the quiz page shows, for one learner (their whole history, newest first)."""
    attempts = _my_attempts(session, user_id, module.id)
    open_attempt = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    scores = [a.score for a in attempts if a.score is not None]
    return QuizOverview(
        module_slug=module.slug,
        module_title=module.title,
        question_count=len(live_questions(session, module.id)),
        pass_mark=module.pass_mark,
        max_attempts=module.max_attempts,
        retake_wait_minutes=module.retake_wait_minutes,
        attempts=[_summary(a) for a in attempts],
        open_attempt_id=open_attempt.id if open_attempt else None,
        decision=_decision(attempts, module, now),
        best_score=max(scores, default=None),
        passed=any(a.passed for a in attempts),
    )


def retake_decision_for(
    session: Session, user_id: int, module: Module, now: datetime
) -> rules.RetakeDecision:
    """Whether the learner may start another attempt on the module now."""
    return _decision(_my_attempts(session, user_id, module.id), module, now)


def new_idempotency_key() -> str:
    """A random key for a form that must not act twice."""
    return secrets.token_urlsafe(24)


def _lock_progress(session: Session, user_id: int, module_id: int) -> ModuleProgress:
    """The learner's progress row for the module, locked until commit.

    Every quiz write for a learner and module takes this lock first, so they run one at
    a time (PostgreSQL; SQLite serialises writers anyway). populate_existing: the row may
    have changed while we waited for the lock. One statement when the row exists. Marks
    activity now (to the minute), as `module_progress` does.
    """
    query = (
        select(ModuleProgress)
        .where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    locked = session.scalar(query)
    if locked is None:
        module_progress(session, user_id, module_id)  # creates it, safe under concurrency
        locked = session.scalar(query)
        assert locked is not None
    now = utcnow()
    if locked.last_activity_at is None or now - locked.last_activity_at >= ACTIVITY_RESOLUTION:
        locked.last_activity_at = now
    return locked


def start_attempt(
    session: Session, user_id: int, module: Module, idempotency_key: str, now: datetime
) -> Attempt:
    """Start an attempt, or return the one already open (or already made with this key).

    Raises RetakeNotAllowed when the module's limits refuse a new attempt. Commits.
    """
    _lock_progress(session, user_id, module.id)
    attempts = _my_attempts(session, user_id, module.id)
    for attempt in attempts:
        if (
            attempt.status == AttemptStatus.IN_PROGRESS
            or attempt.idempotency_key == idempotency_key
        ):
            session.commit()
            return attempt
    decision = _decision(attempts, module, now)
    if not decision.allowed:
        session.rollback()
        raise RetakeNotAllowed(decision)
    attempt = _new_attempt(user_id, module, idempotency_key, len(attempts) + 1, now)
    session.add(attempt)
    session.commit()
    return attempt


def _new_attempt(
    user_id: int, module: QuizSettings, idempotency_key: str, number: int, started_at: datetime
) -> Attempt:
    """An open attempt with its own shuffle seed and the module's pass mark as it is now."""
    return Attempt(
        user_id=user_id,
        module_id=module.id,
        idempotency_key=idempotency_key,
        number=number,
        status=AttemptStatus.IN_PROGRESS,
        seed=secrets.token_hex(8),
        draft={},
        started_at=started_at,
        pass_mark=module.pass_mark,
    )


def own_attempt(session: Session, user_id: int, module: Module, attempt_id: int) -> Attempt | None:
    """The attempt if it belongs to this learner and module; None otherwise (shown as 404)."""
    return session.scalar(
        select(Attempt).where(
            Attempt.id == attempt_id, Attempt.user_id == user_id, Attempt.module_id == module.id
        )
    )


# --- the attempt form -----------------------------------------------------------------------


@dataclass(frozen=True)
class OptionField:
    """A radio, a checkbox, or a select row (an ordering item, a matching left item)."""

    id: str
    html: str  # sanitised HTML rendered at load time
    text: str  # the same as plain text, for <option> elements
    dom_id: str
    name: str
    value: str | None = None  # the position or right id chosen, for selects
    checked: bool = False


@dataclass(frozen=True)
class QuestionField:
    """One question of the attempt form, ready for the template (no answer in it)."""

    number: int
    id: str
    type: str
    prompt_html: str
    dom_id: str
    name: str
    options: list[OptionField] = field(default_factory=list)
    targets: list[tuple[str, str]] = field(default_factory=list)  # matching: (right id, text)
    positions: list[str] = field(default_factory=list)  # ordering: "1".."n"
    value: str = ""  # short and numeric: the text; true_false: "true" | "false" | ""
    unit: str | None = None
    problem: InputProblem | None = None


def _plain(html: str) -> str:
    """Text of a rendered fragment, for <option> elements (which cannot hold markup)."""
    return Markup(html).striptags()


def attempt_form(
    questions: Sequence[Question],
    attempt: Attempt,
    widgets: Mapping[str, Any] | None = None,
    problems: Mapping[str, InputProblem] | None = None,
) -> list[QuestionField]:
    """The attempt's questions as form fields, shuffled by the attempt's seed (stable on
    reload), filled with `widgets` (posted values) or else the saved draft."""
    definitions = [q.definition for q in questions]
    values = widgets if widgets is not None else sanitise_draft(definitions, attempt.draft)
    problems = problems or {}
    views = public_questions(questions, seed=attempt.seed)
    return [
        _question_field(number, view, values.get(str(view["id"])), problems.get(str(view["id"])))
        for number, view in enumerate(views, start=1)
    ]


def _question_field(
    number: int, view: Mapping[str, Any], value: Any, problem: InputProblem | None
) -> QuestionField:
    qid, qtype = str(view["id"]), view["type"]
    dom_id = f"q{number}"
    base = {
        "number": number,
        "id": qid,
        "type": qtype,
        "prompt_html": view["prompt"],
        "dom_id": dom_id,
        "name": field_name(qid),
        "problem": problem,
    }
    if qtype in ("single", "multiple"):
        ticked = set(value or []) if qtype == "multiple" else {value}
        options = [
            OptionField(
                id=c["id"],
                html=c["text"],
                text=_plain(c["text"]),
                dom_id=f"{dom_id}-{index}",
                name=field_name(qid),
                checked=c["id"] in ticked,
            )
            for index, c in enumerate(view["choices"])
        ]
        return QuestionField(**base, options=options)
    if qtype == "ordering":
        positions = [str(n) for n in range(1, len(view["items"]) + 1)]
        chosen = value or {}
        options = [
            OptionField(
                id=item["id"],
                html=item["text"],
                text=_plain(item["text"]),
                dom_id=f"{dom_id}-{index}",
                name=field_name(qid, item["id"]),
                value=chosen.get(item["id"]),
            )
            for index, item in enumerate(view["items"])
        ]
        return QuestionField(**base, options=options, positions=positions)
    if qtype == "matching":
        chosen = value or {}
        options = [
            OptionField(
                id=left["id"],
                html=left["text"],
                text=_plain(left["text"]),
                dom_id=f"{dom_id}-{index}",
                name=field_name(qid, left["id"]),
                value=chosen.get(left["id"]),
            )
            for index, left in enumerate(view["left"])
        ]
        targets = [(right["id"], _plain(right["text"])) for right in view["right"]]
        return QuestionField(**base, options=options, targets=targets)
    return QuestionField(**base, value=value or "", unit=view.get("unit"))


def save_draft(session: Session, attempt: Attempt, widgets: Mapping[str, Any]) -> bool:
    """Keep the learner's unsubmitted answers; False (nothing saved) once submitted. Commits."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return False
    attempt.draft = dict(widgets)
    session.commit()
    return True


# --- submitting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GradedAnswer:
    """A graded answer about to be written: what the ANSWER_HOOKS receive."""

    question_key: str
    question_type: str
    response: Any
    score: float
    correct: bool


@dataclass(frozen=True)
class GradedAttempt:
    """A graded attempt about to be written: what the ANSWER_HOOKS receive."""

    user_id: int
    module_slug: str
    started_at: datetime
    submitted_at: datetime
    score: float
    passed: bool
    answers: Sequence[GradedAnswer]


#: Called with each attempt graded, before anything is written; each returns a function
#: that writes its own rows in the attempt's transaction (or None). The attempt, its
#: answers and the progress row are written with Core statements, not flushed objects:
#: other areas (the xAPI outbox: `answered`, `passed` / `failed`) record what they need
#: this way, their work done before the write transaction starts.
ANSWER_HOOKS: list[Callable[[GradedAttempt], Callable[[Session], object] | None]] = []


@dataclass(frozen=True)
class QuestionScore:
    """How one question of an attempt was graded (the API's answer)."""

    key: str
    score: float
    correct: bool
    explanation_html: str


@dataclass(frozen=True)
class AttemptScores:
    """A submitted attempt's score and its questions' scores, in quiz order."""

    id: int
    score: float
    passed: bool
    questions: list[QuestionScore]


@dataclass(frozen=True)
class SubmitOutcome:
    """The submitted attempt, and whether this call graded it (False: it already was).

    `scores` are filled when this call graded it (read before the commit, so that
    answering does not read the attempt back).
    """

    attempt: Attempt
    graded_now: bool
    scores: AttemptScores | None = None


@dataclass(frozen=True)
class _Graded:
    """The questions graded, before anything is written."""

    questions: Sequence[QuizQuestion]
    responses: list[Any]
    results: list[grading.GradeResult]
    section_titles: Mapping[str, str]
    competency_ids: Mapping[str, int] | None = None  # code -> id, when already known
    snapshots: Sequence[str] | None = None  # the questions' snapshots as JSON, when known
    digests: Sequence[str] | None = None  # and their digests


def _questions_to_grade(session: Session, module_id: int) -> tuple[list[Question], dict[str, str]]:
    """The module's current questions, in quiz order, and the titles of the sections they
    point to (for the answers' snapshots), in one query."""
    rows = session.execute(
        select(Question, Section.title)
        .outerjoin(
            Section,
            (Section.module_id == Question.module_id) & (Section.slug == Question.section_slug),
        )
        .where(Question.module_id == module_id, Question.retired_at.is_(None))
        .order_by(Question.position)
    ).all()
    titles = {q.section_slug: title for q, title in rows if q.section_slug and title is not None}
    return [question for question, _ in rows], titles


@dataclass(frozen=True)
class _QuizToGrade:
    """What grading a module's quiz needs, read before anything is written."""

    questions: Sequence[QuizQuestion]
    section_titles: Mapping[str, str]
    prepared: Sequence[grading.PreparedQuestion]
    competency_ids: Mapping[str, int] | None
    snapshots: Sequence[str] | None = None
    digests: Sequence[str] | None = None


#: The answers' snapshots of a live quiz's questions, serialised once per copy of the quiz
#: (lms.content.cache makes a new copy whenever the content changes), with their digests:
#: {id(quiz): (quiz, snapshots, digests)}, the quiz kept so that its id is not reused. Bounded.
_SNAPSHOTS: dict[int, tuple[LiveQuiz, tuple[str, ...], tuple[str, ...]]] = {}
_SNAPSHOTS_LIMIT = 256


def _live_snapshots(quiz: LiveQuiz) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The JSON of each question's snapshot (`_snapshot`), as stored, and its digest."""
    found = _SNAPSHOTS.get(id(quiz))
    if found is not None and found[0] is quiz:
        return found[1], found[2]
    titles = quiz.section_titles
    snapshots = tuple(json.dumps(_snapshot(q, titles)) for q in quiz.questions)
    digests = tuple(snapshot_digest(text) for text in snapshots)
    if len(_SNAPSHOTS) >= _SNAPSHOTS_LIMIT:
        _SNAPSHOTS.clear()
    _SNAPSHOTS[id(quiz)] = (quiz, snapshots, digests)
    return snapshots, digests


def snapshot_digest(text: str) -> str:
    """The key of a serialised question snapshot (QuestionSnapshot.digest)."""
    return hashlib.sha256(text.encode()).hexdigest()


def _quiz_to_grade(session: Session, module: QuizSettings) -> _QuizToGrade:
    """The module's current questions, from this process's copy of the course when the
    module is live (no query), else from the database (a retired module's open attempt)."""
    quiz = live_quiz(session, module.slug)
    if quiz is not None and quiz.module_id == module.id:
        snapshots, digests = _live_snapshots(quiz)
        return _QuizToGrade(
            questions=quiz.questions,
            section_titles=quiz.section_titles,
            prepared=[q.prepared for q in quiz.questions],
            competency_ids=quiz.competency_ids,
            snapshots=snapshots,
            digests=digests,
        )
    questions, titles = _questions_to_grade(session, module.id)
    return _QuizToGrade(questions, titles, prepared_questions(questions), None)


def _grade(
    questions: Sequence[QuizQuestion],
    section_titles: Mapping[str, str],
    responses: Mapping[str, Any],
    prepared: Sequence[grading.PreparedQuestion] | None = None,
    competency_ids: Mapping[str, int] | None = None,
    snapshots: Sequence[str] | None = None,
    digests: Sequence[str] | None = None,
) -> _Graded:
    """Grade every current question (pure): before any write, so that the write
    transaction stays short."""
    if prepared is None:
        prepared = prepared_questions(questions)
    answered = [responses.get(str(q.definition["id"])) for q in questions]
    return _Graded(
        questions=questions,
        responses=answered,
        results=[p.grade(r) for p, r in zip(prepared, answered, strict=True)],
        section_titles=section_titles,
        competency_ids=competency_ids,
        snapshots=snapshots,
        digests=digests,
    )


def submit_attempt(
    session: Session,
    user_id: int,
    module: Module,
    attempt_id: int,
    responses: Mapping[str, Any],
    submitted_at: datetime,
) -> SubmitOutcome:
    """Grade an open attempt with `responses` ({question id: response}; missing or None:
    unanswered, score 0) and record everything in one transaction.

    An attempt already submitted is returned as it is, with nothing recorded.
    Raises AttemptNotFound if the attempt is not this learner's for this module.
    """
    quiz = _quiz_to_grade(session, module)
    graded = _grade(
        quiz.questions,
        quiz.section_titles,
        responses,
        quiz.prepared,
        quiz.competency_ids,
        quiz.snapshots,
        quiz.digests,
    )
    try:
        progress = _lock_progress_row(session, user_id, module.id)
        attempt = _locked_attempt(session, user_id, module.id, attempt_id)
        if attempt.status == AttemptStatus.SUBMITTED:
            session.rollback()  # release the locks; nothing to record
            return SubmitOutcome(attempt, graded_now=False)
        scores = _record(session, attempt, module, progress, graded, submitted_at)
        session.commit()
    except IntegrityError:
        # Another transaction graded it first (the Answer unique constraint caught us).
        session.rollback()
        attempt = _locked_attempt(session, user_id, module.id, attempt_id)
        already_submitted = attempt.status == AttemptStatus.SUBMITTED
        session.rollback()
        if not already_submitted:
            raise
        return SubmitOutcome(attempt, graded_now=False)
    return SubmitOutcome(attempt, graded_now=True, scores=scores)


def _locked_attempt(session: Session, user_id: int, module_id: int, attempt_id: int) -> Attempt:
    attempt = session.scalar(
        select(Attempt)
        .where(Attempt.id == attempt_id, Attempt.user_id == user_id, Attempt.module_id == module_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if attempt is None:
        session.rollback()
        raise AttemptNotFound(attempt_id)
    return attempt


def check_api_answers(
    questions: Sequence[QuizQuestion],
    answers: Mapping[str, Any],
    prepared: Sequence[grading.PreparedQuestion] | None = None,
) -> dict[str, str]:
    """{question id: message} for unknown question ids and malformed responses.

    A missing answer, or null, is not an error: that question is unanswered (score 0).
    `prepared`: the questions already prepared for grading (grading.prepare), same order.
    """
    if prepared is None:
        prepared = prepared_questions(questions)
    by_id = {str(q.definition["id"]): p for q, p in zip(questions, prepared, strict=True)}
    fields: dict[str, str] = {}
    for qid, response in answers.items():
        if len(fields) >= MAX_REPORTED_FIELDS:
            break
        shown = qid[:100]
        question = by_id.get(qid)
        if question is None:
            fields[shown] = "unknown question id"
        elif response is not None and (message := question.check(response)):
            fields[shown] = message
    return fields


def submit_new_attempt(
    session: Session,
    user_id: int,
    module: QuizSettings,
    idempotency_key: str,
    answers: Mapping[str, Any],
    submitted_at: datetime,
) -> SubmitOutcome:
    """Start and submit an attempt in one go (the API).

    The same key again returns the attempt it made, whatever the answers. Raises
    InvalidAnswers (nothing recorded) or RetakeNotAllowed. Commits once.

    Reads and grading come first; then the progress row is locked, the learner's attempts
    counted (and the key looked up, in the same query), the attempt made and everything
    written (batched), so that the write transaction stays short. A request with the same
    key that got there first is caught by the unique constraint.
    """
    quiz = _quiz_to_grade(session, module)
    fields = check_api_answers(quiz.questions, answers, quiz.prepared)
    if fields:
        # A retry with a used key gets its attempt, whatever the answers sent this time.
        existing = _attempt_by_key(session, user_id, module.id, idempotency_key)
        if existing is not None and existing.status == AttemptStatus.SUBMITTED:
            return SubmitOutcome(existing, graded_now=False)
        session.rollback()
        raise InvalidAnswers(fields)
    graded = _grade(
        quiz.questions,
        quiz.section_titles,
        answers,
        quiz.prepared,
        quiz.competency_ids,
        quiz.snapshots,
        quiz.digests,
    )
    try:
        progress = _lock_progress_row(session, user_id, module.id)
        started, last_submitted_at, existing_id = _attempt_counts(
            session, user_id, module.id, idempotency_key
        )
        if existing_id is not None:  # a retry, or an open attempt made with this key (rare)
            attempt = _locked_attempt(session, user_id, module.id, existing_id)
            if attempt.status == AttemptStatus.SUBMITTED:
                session.rollback()
                return SubmitOutcome(attempt, graded_now=False)
        else:
            decision = rules.retake_decision(
                attempts_started=started,
                last_submitted_at=last_submitted_at,
                max_attempts=module.max_attempts,
                retake_wait_minutes=module.retake_wait_minutes,
                now=submitted_at,
            )
            if not decision.allowed:
                session.rollback()
                raise RetakeNotAllowed(decision)
            # Not added to the session: _record inserts it (one statement, no flush).
            attempt = _new_attempt(user_id, module, idempotency_key, started + 1, submitted_at)
        scores = _record(session, attempt, module, progress, graded, submitted_at)
        session.commit()
    except IntegrityError:
        # A concurrent request with the same key made the attempt first.
        session.rollback()
        existing = _attempt_by_key(session, user_id, module.id, idempotency_key)
        already_submitted = existing is not None and existing.status == AttemptStatus.SUBMITTED
        session.rollback()
        if existing is None or not already_submitted:
            raise
        return SubmitOutcome(existing, graded_now=False)
    return SubmitOutcome(attempt, graded_now=True, scores=scores)


def _attempt_counts(
    session: Session, user_id: int, module_id: int, key: str
) -> tuple[int, datetime | None, int | None]:
    """How many attempts the learner started on the module, when they last submitted one,
    and the id of the attempt made with `key` (None if there is none), in one query."""
    row = _ATTEMPT_COUNTS.first(
        session.connection(), {"c_user_id": user_id, "c_module_id": module_id, "c_key": key}
    )
    assert row is not None  # an aggregate always returns its row
    started, last_submitted_at, key_id = row
    return started, last_submitted_at, key_id


def _attempt_by_key(
    session: Session, user_id: int, module_id: int, key: str, *, lock: bool = False
) -> Attempt | None:
    query = select(Attempt).where(
        Attempt.user_id == user_id, Attempt.module_id == module_id, Attempt.idempotency_key == key
    )
    if lock:
        query = query.with_for_update()
    return session.scalar(query.execution_options(populate_existing=True))


_ATTEMPT = cast(Table, Attempt.__table__)
_ANSWER = cast(Table, Answer.__table__)
_PROGRESS = cast(Table, ModuleProgress.__table__)

# The statements of a submission, built once: writing rows with Core statements costs a
# fraction of flushing objects (the rows are not objects of the session; see _record).
_ATTEMPT_COUNTS = DriverStatement(
    select(
        func.count(_ATTEMPT.c.id),
        func.max(_ATTEMPT.c.submitted_at),
        func.max(case((_ATTEMPT.c.idempotency_key == bindparam("c_key"), _ATTEMPT.c.id))),
    ).where(
        _ATTEMPT.c.user_id == bindparam("c_user_id"),
        _ATTEMPT.c.module_id == bindparam("c_module_id"),
    )
)
_INSERT_ATTEMPT = DriverStatement(insert_every_column(_ATTEMPT).returning(_ATTEMPT.c.id))
_SUBMIT_ATTEMPT = (
    update(_ATTEMPT)
    .where(_ATTEMPT.c.id == bindparam("attempt_id"))
    .values(
        status=bindparam("new_status"),
        score=bindparam("new_score"),
        passed=bindparam("new_passed"),
        submitted_at=bindparam("new_submitted_at"),
        draft=bindparam("new_draft"),
    )
)
# One INSERT for every answer (compiled once per number of questions, run on the driver's
# cursor: lms.models.driver). RETURNING the position too: rows may come back in any order.
_INSERT_ANSWERS = DriverStatementsBySize(
    lambda size: multi_row_insert(
        _ANSWER,
        size,
        {"response": SerialisedJSON(), "feedback": SerialisedJSON()},  # serialised already
    ).returning(_ANSWER.c.position, _ANSWER.c.id)
)
_SNAPSHOT = cast(Table, QuestionSnapshot.__table__)
_FIND_SNAPSHOTS = DriverStatementsBySize(
    lambda size: (
        select(_SNAPSHOT.c.digest, func.min(_SNAPSHOT.c.id))
        .where(_SNAPSHOT.c.digest.in_(numbered_binds("digest", size)))
        .group_by(_SNAPSHOT.c.digest)
    )
)
_INSERT_SNAPSHOTS = (
    insert(_SNAPSHOT)
    .values(snapshot=bindparam("s_snapshot", type_=SerialisedJSON()))
    .returning(_SNAPSHOT.c.digest, _SNAPSHOT.c.id)
)
_LOCK_PROGRESS = DriverStatement(
    select(
        _PROGRESS.c.id,
        _PROGRESS.c.quiz_attempts,
        _PROGRESS.c.quiz_failures,
        _PROGRESS.c.quiz_best_score,
        _PROGRESS.c.quiz_passed_at,
        _PROGRESS.c.last_activity_at,
        _PROGRESS.c.sections_completed,
        _PROGRESS.c.reading_completed_at,
        _PROGRESS.c.practice_status,
    )
    .where(
        _PROGRESS.c.user_id == bindparam("p_user_id"),
        _PROGRESS.c.module_id == bindparam("p_module_id"),
    )
    .with_for_update()
)
_UPDATE_PROGRESS = DriverStatement(
    update(_PROGRESS)
    .where(_PROGRESS.c.id == bindparam("progress_id"))
    .values(
        quiz_attempts=bindparam("new_attempts"),
        quiz_failures=bindparam("new_failures"),
        quiz_best_score=bindparam("new_best_score"),
        quiz_passed_at=bindparam("new_passed_at"),
        last_activity_at=bindparam("new_activity_at"),
    )
)


@dataclass(frozen=True)
class _LockedProgress:
    """The learner's progress row for the module, as a submission reads it (locked)."""

    id: int
    module_id: int
    summary: rules.QuizSummary
    last_activity_at: datetime | None
    # The rest of the row, for the learner's summary (lms.learning.summary).
    sections_completed: int | None
    reading_completed_at: datetime | None
    practice_status: str | None


def _lock_progress_row(session: Session, user_id: int, module_id: int) -> _LockedProgress:
    """The learner's progress row for the module (its quiz summary), locked until commit
    (SELECT ... FOR UPDATE on PostgreSQL), created if missing: what `_lock_progress` does,
    read as a plain row, the row as it is once locked. One statement when the row exists."""
    params = {"p_user_id": user_id, "p_module_id": module_id}
    session.flush()  # what the session holds is written first, as autoflush would
    found = _LOCK_PROGRESS.first(session.connection(), params)
    if found is None:
        module_progress(session, user_id, module_id)  # creates it, safe under concurrency
        session.flush()
        found = _LOCK_PROGRESS.first(session.connection(), params)
        assert found is not None
    (
        progress_id,
        attempts,
        failures,
        best_score,
        passed_at,
        last_activity_at,
        sections_completed,
        reading_completed_at,
        practice_status,
    ) = found
    return _LockedProgress(
        id=progress_id,
        module_id=module_id,
        summary=rules.QuizSummary(
            attempts=attempts or 0,
            failures=failures or 0,
            best_score=best_score,
            passed_at=passed_at,
        ),
        last_activity_at=last_activity_at,
        sections_completed=sections_completed,
        reading_completed_at=reading_completed_at,
        practice_status=practice_status,
    )


def _record(
    session: Session,
    attempt: Attempt,
    module: QuizSettings,
    progress: _LockedProgress,
    graded: _Graded,
    submitted_at: datetime,
) -> AttemptScores:
    """Write a graded attempt: the attempt and the progress summary, the answers pointing to
    their questions' snapshots (one batched INSERT; a snapshot never seen before is stored
    first), the hooks' rows, and the evidence with the profile update. Everything that can
    be computed or read is, before the first write (on SQLite, the writer's turn is held
    from the first write to the commit). The caller commits.

    `attempt`: a new one, not in the session (inserted here, its id and results set on
    it), or the open one being submitted (updated here, the object expired). Written with
    Core statements on the session's connection: no flush, no ORM execution events (the
    flush listeners see none of these rows; the ANSWER_HOOKS record what they need).
    """
    questions, results = graded.questions, graded.results
    score = rules.attempt_score([result.score for result in results])
    passed = rules.is_passed(score, attempt.pass_mark)
    snapshots = graded.snapshots
    if snapshots is None:
        snapshots = [json.dumps(_snapshot(q, graded.section_titles)) for q in questions]
    digests = graded.digests
    if digests is None:
        digests = [snapshot_digest(text) for text in snapshots]
    rows = [
        {
            "question_id": question.id,
            "question_key": question.key,
            "position": position,
            # Serialised here, before the write transaction, not while it holds the lock.
            "response": jsontext.dumps(response),
            "score": result.score,
            "correct": result.correct,
            "feedback": jsontext.dumps(
                [
                    {"key": part.key, "correct": part.correct, "message": part.message}
                    for part in result.parts
                ]
            ),
        }
        for position, (question, response, result) in enumerate(
            zip(questions, graded.responses, results, strict=True), start=1
        )
    ]
    graded_attempt = GradedAttempt(
        user_id=attempt.user_id,
        module_slug=module.slug,
        started_at=attempt.started_at or submitted_at,
        submitted_at=submitted_at,
        score=score,
        passed=passed,
        answers=[
            GradedAnswer(question.key, question.type, response, result.score, result.correct)
            for question, response, result in zip(questions, graded.responses, results, strict=True)
        ],
    )
    writers = [hook(graded_attempt) for hook in ANSWER_HOOKS]
    codes = graded.competency_ids
    if codes is None:
        codes = competency_ids(
            session,
            (c["code"] for question in questions for c in question.competencies),
        )

    # Read before the first write; only a snapshot never stored before is written.
    snapshot_ids = _stored_snapshots(session, snapshots, digests)
    attempt_id = _write_attempt(session, attempt, score, passed, submitted_at)
    facts = _update_progress(session, progress, score, passed, submitted_at)
    # The trainer's dashboard reads the learner's summary: same transaction, last progress change.
    update_module_in_summary(session, attempt.user_id, facts)
    for row, snapshot_id in zip(rows, snapshot_ids, strict=True):
        row["attempt_id"] = attempt_id
        row["snapshot_id"] = snapshot_id
    by_position = {
        position: answer_id
        for position, answer_id in _INSERT_ANSWERS.of_size(len(rows)).rows(
            session.connection(), numbered_rows(rows)
        )
    }
    for write in writers:
        if write is not None:
            write(session)
    record_evidence(
        session,
        attempt.user_id,
        [
            NewEvidence(
                competency_code=competency["code"],
                source=EvidenceSource.QUIZ,
                score=result.score,
                weight=float(competency.get("weight", 1.0)),
                key=f"{module.slug}/{question.key}",
                occurred_at=submitted_at,  # when the learner submitted, not when graded
                module_id=module.id,
                answer_id=by_position[position],
            )
            for position, (question, result) in enumerate(zip(questions, results, strict=True), 1)
            for competency in question.competencies
        ],
        codes,
    )
    return AttemptScores(
        id=attempt_id,
        score=score,
        passed=passed,
        questions=[
            QuestionScore(
                key=question.key,
                score=result.score,
                correct=result.correct,
                explanation_html=(question.rendered or {}).get("explanation", ""),
            )
            for question, result in zip(questions, results, strict=True)
        ],
    )


def _stored_snapshots(
    session: Session, snapshots: Sequence[str], digests: Sequence[str]
) -> list[int]:
    """The QuestionSnapshot id of each serialised snapshot (with its digest): the stored
    one, or one stored now. One query, plus one INSERT the first time a snapshot is seen."""
    connection = session.connection()
    wanted = sorted(set(digests))
    found: dict[str, int] = {
        digest: snapshot_id
        for digest, snapshot_id in _FIND_SNAPSHOTS.of_size(len(wanted)).rows(
            connection, numbered_values("digest", wanted)
        )
    }
    missing = {
        digest: text for digest, text in zip(digests, snapshots, strict=True) if digest not in found
    }
    if missing:
        rows = [{"digest": digest, "s_snapshot": text} for digest, text in missing.items()]
        found.update(
            (digest, snapshot_id)
            for digest, snapshot_id in connection.execute(_INSERT_SNAPSHOTS, rows)
        )
    return [found[digest] for digest in digests]


def _write_attempt(
    session: Session, attempt: Attempt, score: float, passed: bool, submitted_at: datetime
) -> int:
    """Insert the new attempt, or mark the open one submitted; its id. The unique
    constraint on (user, module, idempotency key) applies here."""
    if attempt.id is None:  # new: never added to the session
        attempt.status = AttemptStatus.SUBMITTED
        attempt.score, attempt.passed = score, passed
        attempt.submitted_at = submitted_at
        (attempt.id,) = _INSERT_ATTEMPT.rows(
            session.connection(),
            {
                "user_id": attempt.user_id,
                "module_id": attempt.module_id,
                "idempotency_key": attempt.idempotency_key,
                "number": attempt.number,
                "status": attempt.status,
                "seed": attempt.seed,
                "draft": attempt.draft,
                "started_at": attempt.started_at,
                "submitted_at": submitted_at,
                "score": score,
                "passed": passed,
                "pass_mark": attempt.pass_mark,
            },
        )[0]
        return attempt.id
    session.connection().execute(
        _SUBMIT_ATTEMPT,
        {
            "attempt_id": attempt.id,
            "new_status": AttemptStatus.SUBMITTED,
            "new_score": score,
            "new_passed": passed,
            "new_submitted_at": submitted_at,
            "new_draft": {},
        },
    )
    attempt_id = attempt.id
    session.expire(attempt)
    return attempt_id


def attempt_scores(session: Session, outcome: SubmitOutcome) -> AttemptScores:
    """The scores of a submitted attempt: those of the outcome when it was graded now,
    else read from its answers."""
    if outcome.scores is not None:
        return outcome.scores
    attempt = outcome.attempt
    answers = session.scalars(
        select(Answer).where(Answer.attempt_id == attempt.id).order_by(Answer.position)
    )
    assert attempt.score is not None
    return AttemptScores(
        id=attempt.id,
        score=attempt.score,
        passed=bool(attempt.passed),
        questions=[
            QuestionScore(
                key=answer.question_key,
                score=answer.score,
                correct=answer.correct,
                explanation_html=(answer.snapshot.get("rendered") or {}).get("explanation", ""),
            )
            for answer in answers
        ],
    )


def _snapshot(question: QuizQuestion, section_titles: Mapping[str, str]) -> dict[str, Any]:
    """The question as it was answered: what the feedback page shows, whatever changes later."""
    section = None
    if question.section_slug:
        section = {
            "slug": question.section_slug,
            "title": section_titles.get(question.section_slug, question.section_slug),
        }
    return {
        "key": question.key,
        "type": question.type,
        "definition": question.definition,
        "rendered": question.rendered,
        "competencies": question.competencies,
        "section": section,
        "content_hash": question.content_hash,
    }


def _update_progress(
    session: Session,
    progress: _LockedProgress,
    score: float,
    passed: bool,
    submitted_at: datetime,
) -> ProgressRowValues:
    """Update the learner's module progress after a graded attempt: the quiz summary and
    the activity (to the minute, as `module_progress` does). The one place a submission
    changes the progress row; an object of the row the session holds is expired.
    Returns the row's new facts."""
    summary = rules.summary_after_attempt(
        progress.summary, score=score, passed=passed, submitted_at=submitted_at
    )
    now = utcnow()
    activity = progress.last_activity_at
    if activity is None or now - activity >= ACTIVITY_RESOLUTION:
        activity = now
    _UPDATE_PROGRESS.execute(
        session.connection(),
        {
            "progress_id": progress.id,
            "new_attempts": summary.attempts,
            "new_failures": summary.failures,
            "new_best_score": summary.best_score,
            "new_passed_at": summary.passed_at,
            "new_activity_at": activity,
        },
    )
    held = session.identity_map.get(identity_key(ModuleProgress, progress.id))
    if held is not None:
        session.expire(held)
    return ProgressRowValues(
        module_id=progress.module_id,
        sections_completed=progress.sections_completed,
        reading_completed_at=progress.reading_completed_at,
        quiz_attempts=summary.attempts,
        quiz_failures=summary.failures,
        quiz_best_score=summary.best_score,
        quiz_passed_at=summary.passed_at,
        practice_status=progress.practice_status,
        last_activity_at=activity,
    )


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartResult:
    """Feedback on one choice, item or pair of an answer."""

    label_html: str
    correct: bool
    message: str  # a constant of lms.quiz.types ("Out of place.") to translate, or ""
    feedback_html: str = ""  # the author's feedback on a choice, rendered
    ticked: bool | None = None  # multiple choice: whether the learner ticked this choice


@dataclass(frozen=True)
class QuestionResult:
    """One graded answer, read from its snapshot."""

    number: int
    key: str
    type: str
    prompt_html: str
    answered: bool
    my_answer: str
    expected: str
    score: float
    correct: bool
    explanation_html: str
    section_title: str | None
    section_url: str | None
    parts: list[PartResult]


@dataclass(frozen=True)
class AttemptResult:
    """A submitted attempt as the feedback page and the API show it."""

    id: int
    module_slug: str
    number: int
    score: float
    passed: bool
    pass_mark: float
    submitted_at: datetime
    questions: list[QuestionResult]


def attempt_result(session: Session, attempt: Attempt, module_slug: str) -> AttemptResult:
    """The feedback of a submitted attempt, from the answers' snapshots only."""
    answers = session.scalars(
        select(Answer).where(Answer.attempt_id == attempt.id).order_by(Answer.position)
    )
    assert attempt.score is not None and attempt.submitted_at is not None
    return AttemptResult(
        id=attempt.id,
        module_slug=module_slug,
        number=attempt.number,
        score=attempt.score,
        passed=bool(attempt.passed),
        pass_mark=attempt.pass_mark,
        submitted_at=attempt.submitted_at,
        questions=[_question_result(answer, module_slug) for answer in answers],
    )


def _question_result(answer: Answer, module_slug: str) -> QuestionResult:
    snapshot = answer.snapshot
    definition = snapshot["definition"]
    rendered = snapshot.get("rendered") or {}
    section = snapshot.get("section")
    return QuestionResult(
        number=answer.position,
        key=answer.question_key,
        type=snapshot["type"],
        prompt_html=rendered.get("prompt", ""),
        answered=answer.response is not None,
        my_answer=grading.describe_response(definition, answer.response),
        expected=grading.describe_answer(definition),
        score=answer.score,
        correct=answer.correct,
        explanation_html=rendered.get("explanation", ""),
        section_title=section["title"] if section else None,
        section_url=section_url(module_slug, section["slug"]) if section else None,
        parts=_part_results(snapshot, answer.feedback, answer.response),
    )


def _part_results(
    snapshot: Mapping[str, Any], feedback: Sequence[Mapping[str, Any]], response: Any
) -> list[PartResult]:
    """Per-part feedback worth showing: choices (with the author's feedback), items out of
    place, wrong or missing matches. Single-value types have nothing more to say."""
    rendered = snapshot.get("rendered") or {}
    qtype = snapshot["type"]
    labels_by_type = {
        "single": "choices",
        "multiple": "choices",
        "ordering": "items",
        "matching": "left",
    }
    labels = rendered.get(labels_by_type.get(qtype, ""), {})
    parts = []
    for part in feedback:
        key = str(part.get("key"))
        if key not in labels:
            continue
        correct = bool(part.get("correct"))
        if qtype in ("ordering", "matching") and correct:
            continue  # only what needs fixing
        feedback_html = (
            rendered.get("feedback", {}).get(key, "") if qtype in ("single", "multiple") else ""
        )
        parts.append(
            PartResult(
                label_html=labels[key],
                correct=correct,
                message=str(part.get("message", "")) if not feedback_html else "",
                feedback_html=feedback_html,
                ticked=key in response
                if qtype == "multiple" and isinstance(response, list)
                else None,
            )
        )
    return parts


# --- my attempts (API) ----------------------------------------------------------------------


def submitted_attempts(
    session: Session, user_id: int, limit: int, after: tuple[datetime, int] | None
) -> list[tuple[Attempt, str]]:
    """My submitted attempts, newest submission first, with their module slug; keyset
    pagination after (submitted_at, id) of the previous page's last attempt."""
    query = (
        select(Attempt, Module.slug)
        .join(Module, Module.id == Attempt.module_id)
        .where(Attempt.user_id == user_id, Attempt.status == AttemptStatus.SUBMITTED)
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        .limit(limit)
    )
    if after is not None:
        at, attempt_id = after
        query = query.where(
            (Attempt.submitted_at < at) | ((Attempt.submitted_at == at) & (Attempt.id < attempt_id))
        )
    return [(attempt, slug) for attempt, slug in session.execute(query)]
