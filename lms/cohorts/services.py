"""Use cases of running cohorts: create and edit them, enrol people, open one learner.

Plain functions over the session, no Flask request. Functions that change
something commit once; `CohortError` carries a message safe to show (an
English msgid, translated where it is shown). Access is checked by the caller
with lms.access before any of these runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lms import access
from lms.admin.services import new_join_code
from lms.audit import record_audit
from lms.auth.services import normalise_email
from lms.cohorts import dashboards
from lms.cohorts.rules import FollowedModule, ModuleFacts, RiskReason, percent, risk_reasons
from lms.competency.profile import CompetencyStatus
from lms.competency.services import NewEvidence, profile_rows, record_evidence
from lms.i18n import N_
from lms.models import (
    Attempt,
    AttemptStatus,
    Cohort,
    CohortMembership,
    CohortModule,
    CohortRole,
    Competency,
    EvidenceSource,
    Module,
    ModuleProgress,
    Organisation,
    PracticeSubmission,
    Role,
    SubmissionStatus,
    User,
)
from lms.models.base import utcnow
from lms.pagination import Page


class CohortError(ValueError):
    """A rule refused the request: `message` is an English msgid with %-placeholders."""

    def __init__(self, message: str, field: str | None = None, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params


# --- the cohorts a user follows ---------------------------------------------------------------


@dataclass(frozen=True)
class CohortCard:
    """A cohort in the list of cohorts."""

    id: int
    name: str
    organisation: str
    starts_on: date | None
    ends_on: date | None
    join_open: bool
    learners: int
    trainers: list[str]
    to_review: int


def visible_cohorts(session: Session, user: User, number: int, size: int, search: str = "") -> Page:
    """The cohorts `user` may follow (lms.access.visible_cohort_ids), newest first; four queries."""
    learners = (
        select(CohortMembership.cohort_id, func.count().label("n"))
        .where(CohortMembership.role == CohortRole.LEARNER, CohortMembership.removed_at.is_(None))
        .group_by(CohortMembership.cohort_id)
        .subquery()
    )
    query = (
        select(
            Cohort.id,
            Cohort.name,
            Organisation.name.label("organisation"),
            Cohort.starts_on,
            Cohort.ends_on,
            Cohort.join_open,
            func.coalesce(learners.c.n, 0).label("learners"),
        )
        .join(Organisation, Organisation.id == Cohort.organisation_id)
        .outerjoin(learners, learners.c.cohort_id == Cohort.id)
        .where(Cohort.id.in_(access.visible_cohort_ids(user)))
    )
    if search.strip():
        query = query.where(
            func.lower(Cohort.name).contains(search.strip().lower(), autoescape=True)
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    rows = session.execute(
        query.order_by(Cohort.created_at.desc(), Cohort.id.desc())
        .limit(size)
        .offset((number - 1) * size)
    ).all()
    ids = [row.id for row in rows]
    trainers: dict[int, list[str]] = defaultdict(list)
    waiting: dict[int, int] = {}
    if ids:
        for cohort_id, name in session.execute(
            select(CohortMembership.cohort_id, User.name)
            .join(User, User.id == CohortMembership.user_id)
            .where(
                CohortMembership.cohort_id.in_(ids),
                CohortMembership.role == CohortRole.TRAINER,
                CohortMembership.removed_at.is_(None),
            )
            .order_by(User.name)
        ):
            trainers[cohort_id].append(name)
        waiting = dict(
            session.execute(
                select(CohortMembership.cohort_id, func.count(PracticeSubmission.id))
                .join(PracticeSubmission, PracticeSubmission.user_id == CohortMembership.user_id)
                .where(
                    CohortMembership.cohort_id.in_(ids),
                    CohortMembership.role == CohortRole.LEARNER,
                    CohortMembership.removed_at.is_(None),
                    PracticeSubmission.status == SubmissionStatus.SUBMITTED,
                )
                .group_by(CohortMembership.cohort_id)
            ).all()
        )
    cards = [
        CohortCard(
            id=row.id,
            name=row.name,
            organisation=row.organisation,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            join_open=row.join_open,
            learners=row.learners,
            trainers=trainers[row.id],
            to_review=waiting.get(row.id, 0),
        )
        for row in rows
    ]
    return Page(items=cards, number=number, size=size, total=total)


def organisations_for(session: Session, user: User) -> list[Organisation]:
    """Where `user` may create a cohort: any active organisation for an admin, else theirs."""
    if user.role == Role.ADMIN:
        return list(
            session.scalars(
                select(Organisation)
                .where(Organisation.active.is_(True))
                .order_by(Organisation.name)
            )
        )
    if access.can_create_cohort(user) and user.organisation is not None:
        return [user.organisation]
    return []


# --- creating and editing a cohort ----------------------------------------------------------


@dataclass(frozen=True)
class ModuleChoice:
    """Whether the cohort follows a module, and by when it should be completed."""

    module_id: int
    followed: bool
    due_on: date | None = None


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise CohortError(N_("The end date must not be before the start date."), "ends_on")


def _save_choices(
    session: Session, cohort: Cohort, choices: Sequence[ModuleChoice], module_ids: Sequence[int]
) -> None:
    """Store the modules followed. All of them without due dates is stored as no row at all,
    which means "every module, including those added to the course later"."""
    known = set(module_ids)
    if not known:  # no course loaded yet: the cohort will follow it whole
        return
    wanted = [c for c in choices if c.followed and c.module_id in known]
    if not wanted:
        raise CohortError(N_("Choose at least one module."), "modules")
    session.execute(delete(CohortModule).where(CohortModule.cohort_id == cohort.id))
    follows_all = {c.module_id for c in wanted} == known
    if follows_all and all(c.due_on is None for c in wanted):
        return
    for choice in wanted:
        session.add(
            CohortModule(cohort_id=cohort.id, module_id=choice.module_id, due_on=choice.due_on)
        )


def create_cohort(
    session: Session,
    *,
    organisation: Organisation,
    name: str,
    creator: User | None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    choices: Sequence[ModuleChoice] | None = None,
) -> Cohort:
    """Create a cohort with a join code, and commit. A trainer who creates it trains it.

    `choices` None follows every module.
    """
    name = name.strip()
    if not name:
        raise CohortError(N_("Give the cohort a name."), "name")
    _check_dates(starts_on, ends_on)
    cohort = Cohort(
        organisation=organisation,
        name=name[:160],
        join_code=new_join_code(),
        join_open=True,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    session.add(cohort)
    session.flush()
    if choices is not None:
        modules = [m.id for m in dashboards.course_modules(session)]
        _save_choices(session, cohort, choices, modules)
    if creator is not None and creator.role == Role.TRAINER:
        session.add(CohortMembership(cohort=cohort, user=creator, role=CohortRole.TRAINER))
    record_audit(
        session,
        actor=creator,
        action="cohort.created",
        target_type="cohort",
        target_id=cohort.id,
        organisation_id=organisation.id,
        details={"name": cohort.name},
    )
    session.commit()
    return cohort


def update_cohort(
    session: Session,
    cohort: Cohort,
    *,
    name: str,
    starts_on: date | None,
    ends_on: date | None,
    choices: Sequence[ModuleChoice],
) -> None:
    """Rename a cohort, change its dates, modules and due dates, and commit."""
    if not name.strip():
        raise CohortError(N_("Give the cohort a name."), "name")
    _check_dates(starts_on, ends_on)
    cohort.name = name.strip()[:160]
    cohort.starts_on, cohort.ends_on = starts_on, ends_on
    _save_choices(session, cohort, choices, [m.id for m in dashboards.course_modules(session)])
    session.commit()


@dataclass(frozen=True)
class ModuleOption:
    """A line of the cohort form: a module, whether it is followed, its due date."""

    id: int
    title: str
    followed: bool
    due_on: date | None


def module_options(session: Session, cohort: Cohort | None) -> list[ModuleOption]:
    """Every module in course order, as the cohort follows it (all of them for a new cohort)."""
    chosen = dashboards.cohort_choices(session, cohort.id if cohort else None)
    return [
        ModuleOption(m.id, m.title, followed=not chosen or m.id in chosen, due_on=chosen.get(m.id))
        for m in dashboards.course_modules(session)
    ]


# --- join codes -------------------------------------------------------------------------------


def change_join_code(session: Session, cohort: Cohort, action: str) -> None:
    """Rotate the join code (the old link stops working), close it, or open it again; commits."""
    if action == "rotate":
        cohort.join_code = new_join_code()
        cohort.join_open = True
    elif action == "close":
        cohort.join_open = False
    elif action == "open":
        if cohort.join_code is None:
            cohort.join_code = new_join_code()
        cohort.join_open = True
    else:
        raise CohortError(N_("Unknown action."))
    session.commit()


# --- members ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A person in the cohort (or removed from it)."""

    user_id: int
    name: str
    email: str
    role: CohortRole
    joined_at: datetime
    removed_at: datetime | None
    account_active: bool


def _member_query(cohort_id: int) -> Any:
    return (
        select(
            CohortMembership.user_id,
            User.name,
            User.email,
            CohortMembership.role,
            CohortMembership.joined_at,
            CohortMembership.removed_at,
            User.active,
        )
        .join(User, User.id == CohortMembership.user_id)
        .where(CohortMembership.cohort_id == cohort_id)
    )


def _member(row: Any) -> Member:
    return Member(
        user_id=row.user_id,
        name=row.name,
        email=row.email,
        role=CohortRole(row.role),
        joined_at=row.joined_at,
        removed_at=row.removed_at,
        account_active=row.active,
    )


def trainers(session: Session, cohort_id: int) -> list[Member]:
    """The cohort's trainers, by name (one query)."""
    query = _member_query(cohort_id).where(
        CohortMembership.role == CohortRole.TRAINER, CohortMembership.removed_at.is_(None)
    )
    return [_member(row) for row in session.execute(query.order_by(func.lower(User.name)))]


def members_page(
    session: Session, cohort_id: int, *, removed: bool, search: str, number: int, size: int
) -> Page:
    """A page of the cohort's learners (active, or removed ones), by name; two queries."""
    query = _member_query(cohort_id).where(CohortMembership.role == CohortRole.LEARNER)
    query = query.where(
        CohortMembership.removed_at.is_not(None)
        if removed
        else CohortMembership.removed_at.is_(None)
    )
    if search.strip():
        text = search.strip().lower()
        query = query.where(
            func.lower(User.name).contains(text, autoescape=True)
            | User.email.contains(text, autoescape=True)
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    rows = session.execute(
        query.order_by(func.lower(User.name), User.id).limit(size).offset((number - 1) * size)
    )
    return Page(items=[_member(row) for row in rows], number=number, size=size, total=total)


def add_member(
    session: Session, cohort: Cohort, email: str, role: CohortRole, actor: User | None
) -> tuple[User, bool]:
    """Put an existing account in the cohort (again, with its history, if it was removed); commits.

    Returns the user and whether anything changed. The account must belong to
    the cohort's organisation (or to none: it then joins it). A learner account
    becomes a trainer account only when `actor` may give that role (None: an
    operator on the command line).
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise CohortError(N_("No account uses the address %(email)s."), "email", email=email)
    if not user.active:
        raise CohortError(N_("The account of %(email)s is deactivated."), "email", email=user.email)
    if user.organisation_id not in (None, cohort.organisation_id):
        raise CohortError(
            N_("%(email)s belongs to another organisation."), "email", email=user.email
        )
    if role == CohortRole.TRAINER and user.role == Role.LEARNER:
        if actor is not None and Role.TRAINER not in access.ASSIGNABLE_ROLES[Role(actor.role)]:
            raise CohortError(
                N_("Only an organisation admin can make %(email)s a trainer."),
                "email",
                email=user.email,
            )
        user.role = Role.TRAINER
    if user.organisation_id is None:
        user.organisation_id = cohort.organisation_id
    membership = session.scalar(
        select(CohortMembership).where(
            CohortMembership.cohort_id == cohort.id, CohortMembership.user_id == user.id
        )
    )
    changed = True
    if membership is None:
        session.add(CohortMembership(cohort=cohort, user=user, role=role))
    elif membership.removed_at is None and membership.role == role:
        changed = False
    else:
        membership.removed_at = None
        membership.role = role
    session.commit()
    return user, changed


def remove_member(session: Session, cohort: Cohort, user_id: int, actor: User) -> Member:
    """Take a person out of the cohort, and commit. Their membership row and all their
    work stay: adding them again brings everything back."""
    membership = session.scalar(
        select(CohortMembership).where(
            CohortMembership.cohort_id == cohort.id,
            CohortMembership.user_id == user_id,
            CohortMembership.removed_at.is_(None),
        )
    )
    if membership is None:
        raise CohortError(N_("This person is not in the cohort."))
    if membership.user_id == actor.id and membership.role == CohortRole.TRAINER:
        raise CohortError(N_("You cannot remove yourself; ask another trainer or an admin."))
    membership.removed_at = utcnow()
    user = session.get(User, user_id)
    assert user is not None  # the membership points at it
    member = Member(
        user_id,
        user.name,
        user.email,
        CohortRole(membership.role),
        membership.joined_at,
        membership.removed_at,
        user.active,
    )
    record_audit(
        session,
        actor=actor,
        action="cohort.member_removed",
        target_type="user",
        target_id=user_id,
        organisation_id=cohort.organisation_id,
        details={"cohort_id": cohort.id, "role": str(membership.role)},
    )
    session.commit()
    return member


def active_learner(session: Session, cohort_id: int, user_id: int) -> User | None:
    """The learner if they are an active learner of the cohort, else None."""
    return session.scalar(
        select(User)
        .join(CohortMembership, CohortMembership.user_id == User.id)
        .where(
            CohortMembership.cohort_id == cohort_id,
            CohortMembership.user_id == user_id,
            CohortMembership.role == CohortRole.LEARNER,
            CohortMembership.removed_at.is_(None),
        )
    )


# --- one learner, seen by their trainer -------------------------------------------------------


@dataclass(frozen=True)
class ModuleLine:
    """A followed module as the learner's page shows it."""

    module: FollowedModule
    cell: dashboards.ProgressCell
    last_activity_at: datetime | None


@dataclass(frozen=True)
class AttemptLine:
    """A submitted quiz attempt."""

    id: int
    module_slug: str
    module_title: str
    number: int
    submitted_at: datetime | None
    score: int | None
    passed: bool


@dataclass(frozen=True)
class WorkLine:
    """The latest version of the learner's practical work in a module."""

    submission_id: int
    module_title: str
    version: int
    status: str
    submitted_at: datetime | None


@dataclass(frozen=True)
class LearnerDetail:
    """Everything a trainer sees of one learner of their cohort."""

    user_id: int
    name: str
    email: str
    joined_at: datetime
    last_activity_at: datetime
    modules: list[ModuleLine]
    reasons: list[RiskReason]
    attempts: list[AttemptLine]
    competencies: list[CompetencyStatus]
    works: list[WorkLine]


def learner_detail(
    session: Session,
    cohort: Cohort,
    learner: User,
    joined_at: datetime,
    now: datetime,
    inactive_days: int,
) -> LearnerDetail:
    """A learner's progress, attempts, profile and practical work; eight queries."""
    modules = dashboards.followed_modules(session, cohort)
    module_ids = [m.id for m in modules]
    rows = session.execute(
        select(ModuleProgress).where(
            ModuleProgress.user_id == learner.id, ModuleProgress.module_id.in_(module_ids)
        )
    ).scalars()
    facts = {
        row.module_id: ModuleFacts(
            module_id=row.module_id,
            sections_read=row.sections_completed,
            reading_completed=row.reading_completed_at is not None,
            quiz_attempts=row.quiz_attempts,
            quiz_failures=row.quiz_failures,
            quiz_best_score=row.quiz_best_score,
            quiz_passed=row.quiz_passed_at is not None,
            practice_status=row.practice_status,
            last_activity_at=row.last_activity_at,
        )
        for row in rows
    }
    today = now.date()
    lines = [
        ModuleLine(
            m,
            dashboards.progress_cell(m, facts.get(m.id), today),
            facts[m.id].last_activity_at if m.id in facts else None,
        )
        for m in modules
    ]
    attempts = [
        AttemptLine(
            id=attempt.id,
            module_slug=slug,
            module_title=title,
            number=attempt.number,
            submitted_at=attempt.submitted_at,
            score=percent(attempt.score),
            passed=bool(attempt.passed),
        )
        for attempt, slug, title in session.execute(
            select(Attempt, Module.slug, Module.title)
            .join(Module, Module.id == Attempt.module_id)
            .where(Attempt.user_id == learner.id, Attempt.status == AttemptStatus.SUBMITTED)
            .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        )
    ]
    latest = (
        select(PracticeSubmission.module_id, func.max(PracticeSubmission.version).label("version"))
        .where(PracticeSubmission.user_id == learner.id)
        .group_by(PracticeSubmission.module_id)
        .subquery()
    )
    works = [
        WorkLine(sub.id, title, sub.version, str(sub.status), sub.submitted_at)
        for sub, title in session.execute(
            select(PracticeSubmission, Module.title)
            .join(Module, Module.id == PracticeSubmission.module_id)
            .join(
                latest,
                (latest.c.module_id == PracticeSubmission.module_id)
                & (latest.c.version == PracticeSubmission.version),
            )
            .where(PracticeSubmission.user_id == learner.id)
            .order_by(PracticeSubmission.updated_at.desc())
        )
    ]
    return LearnerDetail(
        user_id=learner.id,
        name=learner.name,
        email=learner.email,
        joined_at=joined_at,
        last_activity_at=max(
            [joined_at, *(f.last_activity_at for f in facts.values() if f.last_activity_at)]
        ),
        modules=lines,
        reasons=risk_reasons(
            modules, facts, joined_at=joined_at, now=now, inactive_days=inactive_days
        ),
        attempts=attempts,
        competencies=profile_rows(session, learner.id),
        works=works,
    )


def membership_of(session: Session, cohort_id: int, user_id: int) -> CohortMembership | None:
    """The person's membership of the cohort (active or removed), if any."""
    return session.scalar(
        select(CohortMembership).where(
            CohortMembership.cohort_id == cohort_id, CohortMembership.user_id == user_id
        )
    )


def learner_attempt(
    session: Session, learner_id: int, attempt_id: int
) -> tuple[Attempt, str] | None:
    """A submitted attempt of this learner, with its module's slug."""
    row = session.execute(
        select(Attempt, Module.slug)
        .join(Module, Module.id == Attempt.module_id)
        .where(
            Attempt.id == attempt_id,
            Attempt.user_id == learner_id,
            Attempt.status == AttemptStatus.SUBMITTED,
        )
    ).first()
    return (row[0], row[1]) if row else None


# --- a trainer's rating -----------------------------------------------------------------------


def rate_competency(
    session: Session,
    *,
    trainer: User,
    learner: User,
    cohort: Cohort,
    code: str,
    level: int,
    justification: str,
) -> None:
    """Record a trainer's rating of a learner's competency as evidence, audited; commits.

    The latest rating sets the level shown (docs/competency-model.md); the
    justification is kept with the evidence and shown to the learner.
    """
    if level not in (1, 2, 3, 4):
        raise CohortError(N_("Choose a level from 1 to 4."), "level")
    justification = justification.strip()
    if not justification:
        raise CohortError(N_("Explain what the rating rests on."), "justification")
    allowed = {
        c.code
        for c in dashboards.cohort_competencies(
            session, dashboards.followed_modules(session, cohort)
        )
    }
    if code not in allowed:
        raise CohortError(
            N_("This competency is not developed by the cohort's modules."), "competency"
        )
    now = utcnow()
    record_evidence(
        session,
        learner.id,
        [
            NewEvidence(
                competency_code=code,
                source=EvidenceSource.RATING,
                score=level / 4,
                level=level,
                occurred_at=now,
                recorded_by_id=trainer.id,
                note=justification,
                key="rating",
            )
        ],
    )
    record_audit(
        session,
        actor=trainer,
        action="competency.rated",
        target_type="user",
        target_id=learner.id,
        organisation_id=cohort.organisation_id,
        details={"competency": code, "level": level, "cohort_id": cohort.id},
    )
    session.commit()


def competency_choices(session: Session, cohort: Cohort) -> list[tuple[str, str]]:
    """(code, "code — title") of the competencies a trainer may rate in this cohort."""
    return [
        (c.code, f"{c.code} — {c.title}")
        for c in dashboards.cohort_competencies(
            session, dashboards.followed_modules(session, cohort)
        )
    ]


def competency_title(session: Session, code: str) -> str | None:
    """A competency's title by its code."""
    return session.scalar(select(Competency.title).where(Competency.code == code))
