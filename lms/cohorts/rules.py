"""The rules of following a cohort: plain values in, plain values out.

No database and no request here: services gather the facts (summary rows of
ModuleProgress and CompetencyState, the lines of an uploaded file) and ask
these functions what they mean:

* which learners are *at risk*, and why (`risk_reasons`);
* how a cohort's learners spread over the levels of a competency (`level_distribution`);
* what importing a file of learners would do, line by line (`plan_import`);
* which list the trainer asked for: filter, sort, page (`parse_learner_query`).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from lms.i18n import N_

# --- shared formatting ------------------------------------------------------------------------


def percent(score: float | None) -> int | None:
    """A 0..1 score as a whole percentage, rounded half up (0.825 -> 83); None stays None.

    Screens, exports and the API all show scores through this function, so a
    report opened in a spreadsheet shows the numbers of the dashboard.
    """
    if score is None:
        return None
    return math.floor(round(score * 100, 6) + 0.5)


# --- modules, progress and risk ---------------------------------------------------------------

#: A learner with no activity for this many days is at risk (the dashboard can change it).
DEFAULT_INACTIVE_DAYS = 14
#: A learner who failed a module's quiz this many times without passing it is at risk.
FAILED_ATTEMPTS_AT_RISK = 2


@dataclass(frozen=True)
class FollowedModule:
    """A module a cohort follows, in course order, with its due date for the cohort."""

    id: int
    slug: str
    title: str
    section_count: int
    has_quiz: bool
    has_practice: bool
    due_on: date | None = None
    competency_codes: tuple[str, ...] = ()


class ModuleFacts(NamedTuple):
    """What a learner did in one module (a ModuleProgress summary row).

    A named tuple rather than a dataclass: a dashboard page builds hundreds of them.
    """

    module_id: int
    sections_read: int = 0
    reading_completed: bool = False
    quiz_attempts: int = 0
    quiz_failures: int = 0
    quiz_best_score: float | None = None
    quiz_passed: bool = False
    practice_status: str = "none"
    last_activity_at: datetime | None = None


def is_completed(module: FollowedModule, facts: ModuleFacts | None) -> bool:
    """A module is completed once its lessons are read and its quiz is passed.

    The same rule as the course pages (lms.courses.rules.ModuleState.completed):
    practical work waits for a trainer and does not hold the learner back. A
    module without questions only asks to be read.
    """
    if facts is None or not facts.reading_completed:
        return False
    return facts.quiz_passed or not module.has_quiz


def is_past_due(module: FollowedModule, today: date) -> bool:
    """Whether the module's due date has passed (the due day itself still counts)."""
    return module.due_on is not None and module.due_on < today


def is_overdue(module: FollowedModule, facts: ModuleFacts | None, today: date) -> bool:
    """Whether the module's due date has passed (the due day itself still counts) unfinished."""
    return is_past_due(module, today) and not is_completed(module, facts)


def has_failed_quiz(facts: ModuleFacts | None) -> bool:
    """Whether the learner failed the quiz at least FAILED_ATTEMPTS_AT_RISK times, never passing."""
    return (
        facts is not None
        and not facts.quiz_passed
        and facts.quiz_failures >= FAILED_ATTEMPTS_AT_RISK
    )


class RiskKind(enum.StrEnum):
    """Why a learner needs their trainer's attention."""

    INACTIVE = "inactive"
    QUIZ_FAILED = "quiz_failed"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class RiskReason:
    """One reason a learner is at risk, with what the trainer needs to act on it."""

    kind: RiskKind
    days: int | None = None
    """INACTIVE: whole calendar days since the day of the last activity (`days_inactive`)."""
    module_title: str | None = None
    """QUIZ_FAILED and OVERDUE: the module concerned."""
    failures: int | None = None
    due_on: date | None = None


def last_activity(facts: Iterable[ModuleFacts], joined_at: datetime) -> datetime:
    """When the learner last did something in the cohort's modules; joining counts as activity.

    A learner who joined and never started has been inactive since they joined.
    """
    times = [f.last_activity_at for f in facts if f.last_activity_at is not None]
    return max([joined_at, *times])


def days_inactive(last_seen: datetime, now: datetime) -> int:
    """Whole calendar days (UTC) from the day of the last activity to today.

    Days, not hours: the learners' summaries keep activity to the day (the first activity
    of each day is recorded), so the dashboard's list, which reads them, and its filters,
    which read the exact times, agree only on days.
    """
    return (now.astimezone(UTC).date() - last_seen.astimezone(UTC).date()).days


def is_inactive(last_seen: datetime, now: datetime, inactive_days: int) -> bool:
    """Inactive when the last activity was `inactive_days` calendar days ago or more."""
    return days_inactive(last_seen, now) >= inactive_days


def active_since(now: datetime, inactive_days: int) -> datetime:
    """The earliest last activity that keeps a learner active: midnight (UTC) starting the
    day `inactive_days - 1` days ago (`is_inactive` as a comparison, for SQL)."""
    first_day = now.astimezone(UTC).date() - timedelta(days=inactive_days - 1)
    return datetime.combine(first_day, time.min, tzinfo=UTC)


def risk_reasons(
    modules: Sequence[FollowedModule],
    facts: Mapping[int, ModuleFacts],
    *,
    joined_at: datetime,
    now: datetime,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    last_seen: datetime | None = None,
) -> list[RiskReason]:
    """Every reason a learner is at risk; an empty list when they are not.

    * no activity in the cohort's modules for `inactive_days` days (joining counts);
    * a quiz failed FAILED_ATTEMPTS_AT_RISK times or more and not passed since;
    * a module whose due date has passed and that is not completed.

    `facts` holds the learner's summary rows by module id (a module never opened
    has none). `last_seen`, when the caller already has it, is `last_activity` of these
    facts. Dates are compared in UTC.
    """
    reasons: list[RiskReason] = []
    if last_seen is None:
        last_seen = last_activity((facts[m.id] for m in modules if m.id in facts), joined_at)
    if is_inactive(last_seen, now, inactive_days):
        reasons.append(RiskReason(RiskKind.INACTIVE, days=days_inactive(last_seen, now)))
    for module in modules:
        row = facts.get(module.id)
        if has_failed_quiz(row):
            assert row is not None  # for mypy
            reasons.append(
                RiskReason(
                    RiskKind.QUIZ_FAILED, module_title=module.title, failures=row.quiz_failures
                )
            )
    today = now.date()
    for module in modules:
        if is_overdue(module, facts.get(module.id), today):
            reasons.append(
                RiskReason(RiskKind.OVERDUE, module_title=module.title, due_on=module.due_on)
            )
    return reasons


# --- competency levels ---------------------------------------------------------------------

LEVELS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class LevelDistribution:
    """How many learners of a cohort are at each level (0-4) of one competency."""

    counts: tuple[int, int, int, int, int]

    @property
    def total(self) -> int:
        """How many learners are counted."""
        return sum(self.counts)

    def share(self, level: int) -> float:
        """The part of the learners at `level`, 0..1 (0 for an empty cohort)."""
        return self.counts[level] / self.total if self.total else 0.0

    def at_least(self, level: int) -> int:
        """How many learners have reached `level` or above."""
        return sum(self.counts[level:])

    @property
    def median(self) -> int | None:
        """The level of the middle learner (the lower one for an even count); None if empty."""
        if not self.total:
            return None
        middle = (self.total - 1) // 2
        seen = 0
        for level, count in enumerate(self.counts):
            seen += count
            if seen > middle:
                return level
        return LEVELS[-1]  # pragma: no cover - the counts always reach the middle


def level_distribution(state_counts: Mapping[int, int], learners: int) -> LevelDistribution:
    """The spread of `learners` over the levels, from the count of profile rows at each level.

    A learner without a profile row for the competency has no evidence: level 0.
    Levels outside 0-4 are ignored. Counts never exceed `learners`.
    """
    counts = [0, 0, 0, 0, 0]
    for level, count in state_counts.items():
        if level in LEVELS and level > 0:
            counts[level] = max(0, count)
    rated = sum(counts)
    if rated > learners:  # cannot happen with consistent data; never show negative counts
        learners = rated
    counts[0] = learners - rated
    return LevelDistribution((counts[0], counts[1], counts[2], counts[3], counts[4]))


# --- importing learners from a file ------------------------------------------------------------

#: The largest file of learners imported at once.
MAX_IMPORT_ROWS = 2000
MAX_NAME_LENGTH = 120
MAX_EMAIL_LENGTH = 254
# Deliberately simple: one @, something on both sides, a dot in the domain, no spaces.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLE_WORDS = {
    "": "learner",
    "learner": "learner",
    "apprenant": "learner",
    "apprenante": "learner",
    "trainer": "trainer",
    "formateur": "trainer",
    "formatrice": "trainer",
}


class ImportAction(enum.StrEnum):
    """What importing a line does."""

    CREATE = "create"  # a new account, invited to choose a password
    ENROL = "enrol"  # an existing account joins the cohort
    REENROL = "reenrol"  # a person removed from the cohort comes back, with their history
    ALREADY = "already"  # already in the cohort with this role: nothing to do


@dataclass(frozen=True)
class ImportRow:
    """A line of the file, as read (the line number counts the header as line 1)."""

    line: int
    email: str
    name: str = ""
    role: str = ""


@dataclass(frozen=True)
class ExistingAccount:
    """An account whose e-mail address appears in the file, with its place in the cohort."""

    email: str
    role: str
    """The account's role: learner, trainer, org_admin or admin."""
    organisation_id: int | None
    active: bool = True
    membership_role: str | None = None
    """learner or trainer when the person has a membership of the cohort."""
    membership_removed: bool = False


@dataclass(frozen=True)
class RowProblem:
    """Why a line cannot be imported: an English msgid with %-placeholders and their values."""

    line: int
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The message with its values, untranslated (logs, the CLI, tests)."""
        return self.message % self.params if self.params else self.message


@dataclass(frozen=True)
class PlannedRow:
    """What importing a valid line will do."""

    line: int
    email: str
    name: str
    cohort_role: str
    action: ImportAction
    promote: bool = False
    """An existing learner account becomes a trainer account."""


@dataclass(frozen=True)
class ImportPlan:
    """The outcome of checking a file: what each valid line does, and every problem."""

    rows: list[PlannedRow]
    problems: list[RowProblem]

    @property
    def ok(self) -> bool:
        """A file is imported only when no line has a problem."""
        return not self.problems

    def count(self, action: ImportAction) -> int:
        """How many lines do `action`."""
        return sum(1 for row in self.rows if row.action == action)


def normalise_email(email: str) -> str:
    """E-mail addresses are compared trimmed and lower-cased (as accounts store them)."""
    return email.strip().lower()


def cohort_role_of(word: str) -> str | None:
    """The cohort role a file's role column names (English or French), None if unknown."""
    return ROLE_WORDS.get(word.strip().lower())


def plan_import(
    rows: Sequence[ImportRow],
    accounts: Mapping[str, ExistingAccount],
    *,
    organisation_id: int,
    may_add_trainers: bool,
    max_rows: int = MAX_IMPORT_ROWS,
) -> ImportPlan:
    """Check every line of a file of learners and say what importing it would do.

    `accounts` holds the existing accounts by normalised e-mail. Every problem
    of every line is reported (a line can have several), so the trainer fixes
    the file once. Trainers can be added only by someone who may give the
    trainer role (`may_add_trainers`).
    """
    problems: list[RowProblem] = []
    planned: list[PlannedRow] = []
    if not rows:
        return ImportPlan([], [RowProblem(1, N_("The file has no line to import."))])
    if len(rows) > max_rows:
        return ImportPlan(
            [],
            [
                RowProblem(
                    1,
                    N_("The file has %(count)d lines; import at most %(max)d at a time."),
                    {"count": len(rows), "max": max_rows},
                )
            ],
        )
    first_line: dict[str, int] = {}
    for row in rows:
        line_problems: list[RowProblem] = []
        email = normalise_email(row.email)
        name = row.name.strip()
        role = cohort_role_of(row.role)

        if not email:
            line_problems.append(RowProblem(row.line, N_("The e-mail address is missing.")))
        elif len(email) > MAX_EMAIL_LENGTH or not EMAIL_RE.match(email):
            line_problems.append(
                RowProblem(
                    row.line,
                    N_("“%(email)s” is not a valid e-mail address."),
                    {"email": row.email.strip()},
                )
            )
        elif email in first_line:
            line_problems.append(
                RowProblem(
                    row.line,
                    N_("%(email)s already appears on line %(first)d."),
                    {"email": email, "first": first_line[email]},
                )
            )
        if len(name) > MAX_NAME_LENGTH:
            line_problems.append(
                RowProblem(
                    row.line,
                    N_("The name is longer than %(max)d characters."),
                    {"max": MAX_NAME_LENGTH},
                )
            )
        if role is None:
            line_problems.append(
                RowProblem(
                    row.line,
                    N_("Unknown role “%(role)s”: write learner or trainer, or leave it empty."),
                    {"role": row.role.strip()},
                )
            )
        if email and email not in first_line:
            first_line[email] = row.line

        account = accounts.get(email) if email else None
        action = ImportAction.CREATE if account is None else ImportAction.ENROL
        promote = False
        if account is not None:
            if not account.active:
                line_problems.append(
                    RowProblem(
                        row.line, N_("The account of %(email)s is deactivated."), {"email": email}
                    )
                )
            if account.organisation_id not in (None, organisation_id):
                line_problems.append(
                    RowProblem(
                        row.line,
                        N_("%(email)s belongs to another organisation."),
                        {"email": email},
                    )
                )
            if account.membership_role is not None:
                if account.membership_removed:
                    action = ImportAction.REENROL
                elif account.membership_role == role:
                    action = ImportAction.ALREADY
                elif role is not None:
                    line_problems.append(
                        RowProblem(
                            row.line,
                            N_("%(email)s is already in this cohort as %(role)s."),
                            {"email": email, "role": account.membership_role},
                        )
                    )
        if role == "trainer":
            needs_trainer_role = account is None or account.role == "learner"
            if needs_trainer_role and not may_add_trainers:
                line_problems.append(
                    RowProblem(
                        row.line,
                        N_("Only an organisation admin can make %(email)s a trainer."),
                        {"email": email},
                    )
                )
            promote = account is not None and account.role == "learner"

        if line_problems:
            problems.extend(line_problems)
        else:
            assert role is not None  # for mypy: an unknown role is a problem
            planned.append(PlannedRow(row.line, email, name, role, action, promote))
    return ImportPlan(planned, problems)


# --- the list a trainer asked for ------------------------------------------------------------

#: Sorts every learner list accepts; competency pages also sort by "c:<code>".
SORTS = ("name", "email", "activity", "progress", "joined")
STATUSES = ("all", "at_risk", "inactive", "quiz_failed", "overdue", "to_review")
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
COMPETENCY_SORT_PREFIX = "c:"
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")


@dataclass(frozen=True)
class LearnerQuery:
    """Which learners to list, in which order, which page (from the query string)."""

    q: str = ""
    status: str = "all"
    sort: str = "name"
    descending: bool = False
    page: int = 1
    per_page: int = DEFAULT_PAGE_SIZE
    inactive_days: int = DEFAULT_INACTIVE_DAYS

    @property
    def sort_param(self) -> str:
        """The `sort` query parameter that gives this order."""
        return ("-" if self.descending else "") + self.sort

    def sort_link(self, key: str) -> str:
        """The `sort` parameter of a column header: this column, reversed if sorted by it."""
        if key == self.sort:
            return ("" if self.descending else "-") + key
        return key

    def aria_sort(self, key: str) -> str | None:
        """The aria-sort value of a column header (None for columns not sorted)."""
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"

    @property
    def competency_code(self) -> str | None:
        """The competency code when sorting by a competency's level."""
        if self.sort.startswith(COMPETENCY_SORT_PREFIX):
            return self.sort[len(COMPETENCY_SORT_PREFIX) :]
        return None

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query parameters of this list (with `changes`), defaults left out, for links."""
        values = {
            "q": self.q,
            "status": self.status,
            "sort": self.sort_param,
            "page": self.page,
            "per_page": self.per_page,
            "inactive_days": self.inactive_days,
        }
        values.update(changes)
        defaults = {
            "q": "",
            "status": "all",
            "sort": "name",
            "page": 1,
            "per_page": DEFAULT_PAGE_SIZE,
            "inactive_days": DEFAULT_INACTIVE_DAYS,
        }
        return {key: value for key, value in values.items() if value != defaults[key]}


def _int_in(value: str | None, low: int, high: int, default: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return min(high, max(low, number))


def parse_learner_query(args: Mapping[str, str]) -> LearnerQuery:
    """Read a learner list's query string; anything unknown falls back to the default.

    A "c:<code>" sort is kept when the code looks like one; the heatmap sorts by
    names when the cohort has no such competency.
    """
    raw_sort = (args.get("sort") or "name").strip()
    descending = raw_sort.startswith("-")
    sort = raw_sort.lstrip("-")
    if sort not in SORTS and not (
        sort.startswith(COMPETENCY_SORT_PREFIX)
        and CODE_RE.match(sort[len(COMPETENCY_SORT_PREFIX) :])
    ):
        sort, descending = "name", False
    status = args.get("status") or "all"
    per_page = _int_in(args.get("per_page"), 1, max(PAGE_SIZES), DEFAULT_PAGE_SIZE)
    return LearnerQuery(
        q=(args.get("q") or "").strip()[:100],
        status=status if status in STATUSES else "all",
        sort=sort,
        descending=descending,
        page=_int_in(args.get("page"), 1, 1_000_000, 1),
        per_page=per_page if per_page in PAGE_SIZES else DEFAULT_PAGE_SIZE,
        inactive_days=_int_in(args.get("inactive_days"), 1, 365, DEFAULT_INACTIVE_DAYS),
    )
