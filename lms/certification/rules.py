"""The rules of certification, as pure functions: plain values in, plain values out.

* ``check_eligibility``: does a learner's profile meet a programme, and if not, what is missing;
* ``expiry_for`` / ``renewal_opens_at``: the validity period of a (re)certification;
* ``certificate_status`` / ``renewal_state``: valid, expired or revoked; renewal due or not;
* ``issue_blocker``: why a certificate may not be issued now (already certified, revoked...);
* ``classify_member``: where a person appears on a programme's page.

No database, no Flask: lms.certification.services reads the rows and calls these.
The rules are described for users in docs/certification.md.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_LEVEL = 4
#: A learner is "nearly eligible" when what is missing adds up to at most this many steps
#: (one competency level is one step, a quiz to pass or a practical work to have accepted is one).
NEARLY_ELIGIBLE_MAX_GAP = 2


class UnmetKind(enum.StrEnum):
    """The kind of requirement a learner does not meet yet."""

    COMPETENCY = "competency"  # level below the minimum
    QUIZ = "quiz"  # module quiz not passed
    PRACTICE = "practice"  # module practical work not accepted


@dataclass(frozen=True)
class CompetencyTarget:
    """A competency the programme requires, with its minimum level."""

    code: str
    title: str
    min_level: int


@dataclass(frozen=True)
class ModuleTarget:
    """A module the programme requires: its quiz passed and/or its practical work accepted."""

    slug: str
    title: str
    require_quiz: bool
    require_practice: bool


@dataclass(frozen=True)
class ProgrammeTargets:
    """Everything a programme requires."""

    competencies: tuple[CompetencyTarget, ...] = ()
    modules: tuple[ModuleTarget, ...] = ()

    @property
    def count(self) -> int:
        """How many separate requirements there are (a module may count twice)."""
        return len(self.competencies) + sum(
            int(m.require_quiz) + int(m.require_practice) for m in self.modules
        )


@dataclass(frozen=True)
class ModuleRecord:
    """What a learner achieved in one module (from their ModuleProgress row)."""

    quiz_passed: bool = False
    practice_accepted: bool = False


@dataclass(frozen=True)
class LearnerRecord:
    """A learner's profile as certification sees it: levels by competency code, modules by slug."""

    levels: Mapping[str, int]
    modules: Mapping[str, ModuleRecord]


@dataclass(frozen=True)
class Unmet:
    """One requirement not met, and why: the level required and the level reached, or the step."""

    kind: UnmetKind
    code: str  # competency code or module slug
    title: str
    required_level: int | None = None
    current_level: int | None = None

    @property
    def gap(self) -> int:
        """How many steps are missing: levels for a competency, one for a module step."""
        if self.kind == UnmetKind.COMPETENCY:
            return (self.required_level or 0) - (self.current_level or 0)
        return 1


@dataclass(frozen=True)
class Eligibility:
    """The result of checking a learner against a programme."""

    unmet: tuple[Unmet, ...]
    total: int

    @property
    def eligible(self) -> bool:
        """Every requirement is met."""
        return not self.unmet

    @property
    def met(self) -> int:
        """How many requirements are met."""
        return self.total - len(self.unmet)

    @property
    def gap(self) -> int:
        """The steps missing, over every unmet requirement."""
        return sum(item.gap for item in self.unmet)

    @property
    def nearly_eligible(self) -> bool:
        """Not eligible yet, but at most NEARLY_ELIGIBLE_MAX_GAP steps away."""
        return not self.eligible and self.gap <= NEARLY_ELIGIBLE_MAX_GAP


def check_eligibility(targets: ProgrammeTargets, record: LearnerRecord) -> Eligibility:
    """Compare a learner's record with a programme's requirements, in the programme's order."""
    unmet: list[Unmet] = []
    for target in targets.competencies:
        level = record.levels.get(target.code, 0)
        if level < target.min_level:
            unmet.append(
                Unmet(UnmetKind.COMPETENCY, target.code, target.title, target.min_level, level)
            )
    for module in targets.modules:
        achieved = record.modules.get(module.slug, ModuleRecord())
        if module.require_quiz and not achieved.quiz_passed:
            unmet.append(Unmet(UnmetKind.QUIZ, module.slug, module.title))
        if module.require_practice and not achieved.practice_accepted:
            unmet.append(Unmet(UnmetKind.PRACTICE, module.slug, module.title))
    return Eligibility(unmet=tuple(unmet), total=targets.count)


# --- Dates ------------------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the 31st becomes the last day of a shorter month."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiry_for(
    completed_at: datetime,
    validity_months: int | None,
    *,
    previous_expires_at: datetime | None = None,
    from_previous_expiry: bool = False,
) -> datetime | None:
    """When a certificate completed at `completed_at` expires (None: it never does).

    A recertification done before the previous certificate expired may count from that
    expiry (the programme setting "from the previous expiry"), so renewing early loses no
    time; once the previous certificate has expired, the period counts from completion.
    """
    if validity_months is None:
        return None
    start = completed_at
    if from_previous_expiry and previous_expires_at and previous_expires_at > completed_at:
        start = previous_expires_at
    return add_months(start, validity_months)


def renewal_opens_at(expires_at: datetime | None, window_days: int) -> datetime | None:
    """When recertification opens: `window_days` before expiry (None for a lifelong certificate)."""
    if expires_at is None:
        return None
    return expires_at - timedelta(days=max(0, window_days))


class CertificateStatus(enum.StrEnum):
    """What the verification page says."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def certificate_status(
    revoked_at: datetime | None, expires_at: datetime | None, now: datetime
) -> CertificateStatus:
    """Revoked wins over expired; a certificate is expired from its expiry instant on."""
    if revoked_at is not None:
        return CertificateStatus.REVOKED
    if expires_at is not None and expires_at <= now:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


class RenewalState(enum.StrEnum):
    """Where a certificate stands with respect to recertification."""

    NOT_DUE = "not_due"  # valid, window not open (or no expiry)
    OPEN = "open"  # valid, inside the recertification window
    LAPSED = "lapsed"  # expired without recertification
    CLOSED = "closed"  # revoked: no recertification on this certificate


def renewal_state(
    status: CertificateStatus, opens_at: datetime | None, now: datetime
) -> RenewalState:
    """Whether the holder should recertify now."""
    if status == CertificateStatus.REVOKED:
        return RenewalState.CLOSED
    if status == CertificateStatus.EXPIRED:
        return RenewalState.LAPSED
    if opens_at is not None and opens_at <= now:
        return RenewalState.OPEN
    return RenewalState.NOT_DUE


class DisplayStatus(enum.StrEnum):
    """The status lists and reports show: "expiring" is a valid certificate due for renewal."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"


def display_status(status: CertificateStatus, renewal: RenewalState) -> DisplayStatus:
    """Combine a certificate's status and renewal state into what a report shows."""
    if status == CertificateStatus.REVOKED:
        return DisplayStatus.REVOKED
    if status == CertificateStatus.EXPIRED:
        return DisplayStatus.EXPIRED
    if renewal == RenewalState.OPEN:
        return DisplayStatus.EXPIRING
    return DisplayStatus.VALID


class IssueBlocker(enum.StrEnum):
    """Why a certificate cannot be issued now."""

    NOT_ELIGIBLE = "not_eligible"
    ALREADY_CERTIFIED = "already_certified"  # valid and not yet in the renewal window
    REVOKED = "revoked"  # automatic issuing never undoes an org admin's revocation
    INACTIVE_PROGRAMME = "inactive_programme"


def issue_blocker(
    *,
    eligible: bool,
    programme_active: bool,
    current_renewal: RenewalState | None,
    automatic: bool,
) -> IssueBlocker | None:
    """None when a certificate may be issued now, otherwise the reason why not.

    `current_renewal` describes the person's current certificate for the programme (None
    when they never held one). An org admin may re-issue after a revocation; the automatic
    sweep may not.
    """
    if not programme_active:
        return IssueBlocker.INACTIVE_PROGRAMME
    if current_renewal == RenewalState.NOT_DUE:
        return IssueBlocker.ALREADY_CERTIFIED
    if current_renewal == RenewalState.CLOSED and automatic:
        return IssueBlocker.REVOKED
    if not eligible:
        return IssueBlocker.NOT_ELIGIBLE
    return None


class Bucket(enum.StrEnum):
    """The section of a programme's page where a person is listed."""

    RENEWAL_DUE = "renewal_due"  # window open or lapsed: recertify
    CERTIFIED = "certified"  # valid, nothing to do
    ELIGIBLE = "eligible"  # meets the programme, no valid certificate: issue (or approve)
    NEARLY = "nearly"  # close: what is missing is listed
    IN_PROGRESS = "in_progress"  # further away (counted, listed on the staff view)


def classify_member(eligibility: Eligibility, renewal: RenewalState | None) -> Bucket:
    """Place a person on the programme page from their eligibility and current certificate."""
    if renewal in (RenewalState.OPEN, RenewalState.LAPSED):
        return Bucket.RENEWAL_DUE
    if renewal == RenewalState.NOT_DUE:
        return Bucket.CERTIFIED
    if eligibility.eligible:
        return Bucket.ELIGIBLE
    if eligibility.nearly_eligible:
        return Bucket.NEARLY
    return Bucket.IN_PROGRESS


def competency_gaps(
    targets: Sequence[CompetencyTarget], levels: Mapping[str, int]
) -> dict[str, int]:
    """Levels missing per target competency (0 when met), for the staff competency view."""
    return {t.code: max(0, t.min_level - levels.get(t.code, 0)) for t in targets}
