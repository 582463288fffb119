"""What the certification pages show, prepared as plain data in a bounded number of queries.

Nothing here changes the database. Templates receive these dataclasses and
never query (no lazy relationship is touched by a template).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from lms.certification import rules, urls
from lms.certification.rules import (
    Bucket,
    CertificateStatus,
    Eligibility,
    ProgrammeTargets,
    RenewalState,
)
from lms.certification.services import (
    EMPTY_RECORD,
    current_certificates,
    learner_records,
    programme_targets,
)
from lms.csvsafe import safe_cell
from lms.models import (
    AuditEvent,
    Certificate,
    CertificateEvent,
    CertificationProgramme,
    Competency,
    CompetencyState,
    IssueMode,
    Module,
    Organisation,
    Practice,
    ScaleLevel,
    Theme,
    User,
)
from lms.pagination import Page, paginate

# --- Certificates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateSummary:
    """A certificate as lists show it."""

    public_id: str
    programme_id: int
    programme_name: str
    organisation_name: str
    user_id: int
    recipient_name: str
    issued_at: datetime
    expires_at: datetime | None
    renewal_opens_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str
    automatic: bool
    issuer_name: str
    is_current: bool
    status: CertificateStatus
    renewal: RenewalState

    @property
    def display_status(self) -> rules.DisplayStatus:
        """valid, expiring (renewal open), expired or revoked."""
        return rules.display_status(self.status, self.renewal)

    @property
    def verification_url(self) -> str:
        """The public page to share."""
        return urls.verification_url(self.public_id)


def summarise(certificate: Certificate, now: datetime) -> CertificateSummary:
    """A certificate row as plain data with its status at `now`."""
    status = rules.certificate_status(certificate.revoked_at, certificate.expires_at, now)
    return CertificateSummary(
        public_id=certificate.public_id,
        programme_id=certificate.programme_id,
        programme_name=certificate.programme_name,
        organisation_name=certificate.organisation_name,
        user_id=certificate.user_id,
        recipient_name=certificate.recipient_name,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        renewal_opens_at=certificate.renewal_opens_at,
        revoked_at=certificate.revoked_at,
        revocation_reason=certificate.revocation_reason,
        automatic=certificate.automatic,
        issuer_name=certificate.issuer_name,
        is_current=certificate.is_current,
        status=status,
        renewal=rules.renewal_state(status, certificate.renewal_opens_at, now),
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a certificate's status history."""

    kind: str
    occurred_at: datetime
    actor_name: str
    note: str


@dataclass(frozen=True)
class Verification:
    """Everything the public verification page shows."""

    summary: CertificateSummary
    organisation_slug: str
    programme_description: str
    competencies: list[dict[str, Any]]
    modules: list[dict[str, Any]]
    history: list[HistoryEntry]
    previous_id: str | None  # the certificate this one renewed
    replaced_by_id: str | None  # the newer certificate of the same person and programme
    has_credential: bool


def verification(session: Session, public_id: str, now: datetime) -> Verification | None:
    """The verification data of a certificate, or None for an unknown id (four queries)."""
    certificate = session.scalar(select(Certificate).where(Certificate.public_id == public_id))
    if certificate is None:
        return None
    slug = session.scalar(
        select(Organisation.slug).where(Organisation.id == certificate.organisation_id)
    )
    events = session.scalars(
        select(CertificateEvent)
        .where(CertificateEvent.certificate_id == certificate.id)
        .order_by(CertificateEvent.occurred_at, CertificateEvent.id)
    )
    neighbours = dict(
        session.execute(
            select(Certificate.id, Certificate.public_id).where(
                (Certificate.previous_id == certificate.id)
                | (Certificate.id == (certificate.previous_id or -1))
            )
        ).all()
    )
    replaced_by = next(
        (pid for id_, pid in neighbours.items() if id_ != certificate.previous_id), None
    )
    return Verification(
        summary=summarise(certificate, now),
        organisation_slug=slug or "",
        programme_description=certificate.programme_description,
        competencies=list(certificate.competencies),
        modules=list(certificate.modules),
        history=[HistoryEntry(str(e.kind), e.occurred_at, e.actor_name, e.note) for e in events],
        previous_id=neighbours.get(certificate.previous_id) if certificate.previous_id else None,
        replaced_by_id=replaced_by,
        has_credential=bool(certificate.credential_jwt),
    )


# --- Requirement choices for the programme form --------------------------------------------


@dataclass(frozen=True)
class CompetencyOption:
    """A competency an org admin may require."""

    id: int
    code: str
    title: str


@dataclass(frozen=True)
class ModuleOption:
    """A module an org admin may require."""

    id: int
    title: str
    has_quiz: bool
    has_practice: bool


@dataclass(frozen=True)
class RequirementOptions:
    """What a programme may require: the framework's competencies and the course's modules."""

    competencies: list[CompetencyOption]
    modules: list[ModuleOption]
    level_labels: dict[int, str]


def requirement_options(session: Session) -> RequirementOptions:
    """Non-retired competencies and modules, in framework and course order (four queries)."""
    competencies = [
        CompetencyOption(id_, code, title)
        for id_, code, title in session.execute(
            select(Competency.id, Competency.code, Competency.title)
            .where(Competency.retired_at.is_(None))
            .order_by(Competency.position)
        )
    ]
    with_practice = set(
        session.scalars(select(Practice.module_id).where(Practice.retired_at.is_(None)))
    )
    modules = [
        ModuleOption(id_, title, question_count > 0, id_ in with_practice)
        for id_, title, question_count in session.execute(
            select(Module.id, Module.title, Module.question_count)
            .join(Theme, Theme.id == Module.theme_id)
            .where(Module.retired_at.is_(None))
            .order_by(Theme.position, Module.position)
        )
    ]
    labels = dict(session.execute(select(ScaleLevel.level, ScaleLevel.label)).all())
    return RequirementOptions(competencies, modules, labels)


# --- A programme's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemberStatus:
    """A member of the organisation against one programme."""

    user_id: int
    name: str
    email: str
    eligibility: Eligibility
    certificate: CertificateSummary | None
    bucket: Bucket


@dataclass(frozen=True)
class ProgrammeOverview:
    """A programme's page: its requirements and where each member stands."""

    programme: CertificationProgramme
    targets: ProgrammeTargets
    members: dict[Bucket, list[MemberStatus]]

    def count(self, bucket: Bucket) -> int:
        """How many members are in `bucket`."""
        return len(self.members.get(bucket, []))


def programme_overview(
    session: Session, programme: CertificationProgramme, now: datetime
) -> ProgrammeOverview:
    """Every active member of the organisation, classified for this programme (six queries)."""
    targets = programme_targets(session, [programme.id])[programme.id]
    members_of = User.organisation_id == programme.organisation_id
    records = learner_records(session, members_of, [targets])
    currents = current_certificates(session, [programme.id], members_of)
    members: dict[Bucket, list[MemberStatus]] = {bucket: [] for bucket in Bucket}
    for user_id, name, email in session.execute(
        select(User.id, User.name, User.email).where(members_of, User.active).order_by(User.name)
    ):
        eligibility = rules.check_eligibility(targets, records.get(user_id, EMPTY_RECORD))
        current = currents.get((programme.id, user_id))
        summary = summarise(current, now) if current else None
        bucket = rules.classify_member(eligibility, summary.renewal if summary else None)
        members[bucket].append(MemberStatus(user_id, name, email, eligibility, summary, bucket))
    # Closest first: people nearly there sorted by what is missing.
    members[Bucket.NEARLY].sort(key=lambda m: (m.eligibility.gap, m.name))
    return ProgrammeOverview(programme, targets, members)


def programme_choices(session: Session, organisation_id: int) -> list[tuple[int, str]]:
    """(id, name) of the organisation's programmes, by name, for filters."""
    return [
        (id_, name)
        for id_, name in session.execute(
            select(CertificationProgramme.id, CertificationProgramme.name)
            .where(CertificationProgramme.organisation_id == organisation_id)
            .order_by(CertificationProgramme.name)
        )
    ]


# --- The organisation's programmes and report -----------------------------------------------


def status_expression(now: datetime) -> Any:
    """SQL for rules.display_status of a certificate row at `now` (same order of precedence)."""
    return case(
        (Certificate.revoked_at.is_not(None), rules.DisplayStatus.REVOKED.value),
        (
            and_(Certificate.expires_at.is_not(None), Certificate.expires_at <= now),
            rules.DisplayStatus.EXPIRED.value,
        ),
        (
            and_(Certificate.renewal_opens_at.is_not(None), Certificate.renewal_opens_at <= now),
            rules.DisplayStatus.EXPIRING.value,
        ),
        else_=rules.DisplayStatus.VALID.value,
    )


def status_counts(
    session: Session, organisation_id: int, now: datetime, programme_id: int | None = None
) -> dict[int, dict[str, int]]:
    """Current certificates by programme and display status (one grouped query)."""
    status = status_expression(now)
    query = (
        select(Certificate.programme_id, status, func.count())
        .where(Certificate.organisation_id == organisation_id, Certificate.is_current)
        .group_by(Certificate.programme_id, status)
    )
    if programme_id is not None:
        query = query.where(Certificate.programme_id == programme_id)
    counts: dict[int, dict[str, int]] = {}
    for pid, state, number in session.execute(query):
        counts.setdefault(pid, {s.value: 0 for s in rules.DisplayStatus})[state] = number
    return counts


@dataclass(frozen=True)
class ProgrammeSummary:
    """A programme in the organisation's list."""

    id: int
    name: str
    active: bool
    issue_mode: IssueMode
    validity_months: int | None
    requirement_count: int
    counts: dict[str, int]


def programme_summaries(
    session: Session, organisation_id: int, now: datetime
) -> list[ProgrammeSummary]:
    """The organisation's programmes, active first, with their certificate counts."""
    programmes = session.scalars(
        select(CertificationProgramme)
        .where(CertificationProgramme.organisation_id == organisation_id)
        .order_by(CertificationProgramme.active.desc(), CertificationProgramme.name)
    ).all()
    targets = programme_targets(session, [p.id for p in programmes])
    counts = status_counts(session, organisation_id, now)
    empty = {s.value: 0 for s in rules.DisplayStatus}
    return [
        ProgrammeSummary(
            id=p.id,
            name=p.name,
            active=p.active,
            issue_mode=p.issue_mode,
            validity_months=p.validity_months,
            requirement_count=targets[p.id].count,
            counts=counts.get(p.id, empty),
        )
        for p in programmes
    ]


@dataclass(frozen=True)
class ReportRow:
    """A holder and their current certificate."""

    certificate: CertificateSummary
    email: str


@dataclass(frozen=True)
class OrganisationReport:
    """Who holds which certificate, with the totals by status."""

    totals: dict[str, int]
    page: Page
    programmes: list[tuple[int, str]]


def report_query(
    organisation_id: int, now: datetime, programme_id: int | None, status: str | None
) -> Select[Any]:
    """Current certificates of the organisation, filtered, by programme then holder."""
    query = (
        select(Certificate)
        .where(Certificate.organisation_id == organisation_id, Certificate.is_current)
        .order_by(Certificate.programme_name, Certificate.recipient_name, Certificate.id)
    )
    if programme_id is not None:
        query = query.where(Certificate.programme_id == programme_id)
    if status in {s.value for s in rules.DisplayStatus}:
        query = query.where(status_expression(now) == status)
    return query


def organisation_report(
    session: Session,
    organisation_id: int,
    now: datetime,
    *,
    programme_id: int | None = None,
    status: str | None = None,
    page: int = 1,
) -> OrganisationReport:
    """The report page: totals and one page of holders (five queries)."""
    totals = {s.value: 0 for s in rules.DisplayStatus}
    for counts in status_counts(session, organisation_id, now, programme_id).values():
        for key, number in counts.items():
            totals[key] += number
    result = paginate(report_query(organisation_id, now, programme_id, status), page)
    emails = dict(
        session.execute(
            select(User.id, User.email).where(User.id.in_({c.user_id for c in result.items}))
        ).all()
    )
    rows = [ReportRow(summarise(c, now), emails.get(c.user_id, "")) for c in result.items]
    programmes = programme_choices(session, organisation_id)
    return OrganisationReport(
        totals=totals,
        page=Page(items=rows, number=result.number, size=result.size, total=result.total),
        programmes=programmes,
    )


def csv_text(header: Sequence[str], rows: Iterator[Sequence[object]]) -> str:
    """CSV with a UTF-8 byte order mark (so spreadsheets read accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


REPORT_HEADER = (
    "certificate_id",
    "holder",
    "email",
    "programme",
    "status",
    "issued_on",
    "expires_on",
    "revoked_on",
    "revocation_reason",
    "verification_url",
)


def report_csv(
    session: Session,
    organisation_id: int,
    now: datetime,
    *,
    programme_id: int | None = None,
    status: str | None = None,
) -> str:
    """The report as CSV (every row, not one page)."""
    query = report_query(organisation_id, now, programme_id, status)
    certificates = session.scalars(query).all()
    emails = dict(
        session.execute(
            select(User.id, User.email).where(User.id.in_({c.user_id for c in certificates}))
        ).all()
    )

    def rows() -> Iterator[Sequence[object]]:
        for certificate in certificates:
            summary = summarise(certificate, now)
            yield (
                summary.public_id,
                summary.recipient_name,
                emails.get(summary.user_id, ""),
                summary.programme_name,
                summary.display_status.value,
                summary.issued_at.date().isoformat(),
                summary.expires_at.date().isoformat() if summary.expires_at else "",
                summary.revoked_at.date().isoformat() if summary.revoked_at else "",
                summary.revocation_reason,
                summary.verification_url,
            )

    return csv_text(REPORT_HEADER, rows())


# --- The staff competency view ----------------------------------------------------------------


@dataclass(frozen=True)
class StaffColumn:
    """A competency column: its target and how the whole staff stands against it."""

    code: str
    title: str
    target: int | None
    below_target: int
    average: float


@dataclass(frozen=True)
class StaffCell:
    """One member's level on one competency, and the gap to the target."""

    level: int
    gap: int


@dataclass(frozen=True)
class StaffRow:
    """One member across the columns."""

    user_id: int
    name: str
    cells: list[StaffCell]
    total_gap: int


@dataclass(frozen=True)
class StaffView:
    """Every member x competency, against a programme's targets when one is chosen."""

    programme_id: int | None
    programme_name: str | None
    programmes: list[tuple[int, str]]
    columns: list[StaffColumn]
    page: Page
    members_total: int
    meeting_targets: int


def _staff_columns(
    session: Session, programme_id: int | None
) -> tuple[list[tuple[str, str, int | None]], str | None]:
    if programme_id is not None:
        targets = programme_targets(session, [programme_id])[programme_id]
        name = session.scalar(
            select(CertificationProgramme.name).where(CertificationProgramme.id == programme_id)
        )
        return [(t.code, t.title, t.min_level) for t in targets.competencies], name
    rows = session.execute(
        select(Competency.code, Competency.title)
        .where(Competency.retired_at.is_(None))
        .order_by(Competency.position)
    )
    return [(code, title, None) for code, title in rows], None


def staff_competencies(
    session: Session,
    organisation_id: int,
    *,
    programme_id: int | None = None,
    page: int = 1,
) -> StaffView:
    """The staff competency view (about six queries, whatever the number of members)."""
    columns, programme_name = _staff_columns(session, programme_id)
    codes = [code for code, _title, _target in columns]
    members_of = and_(User.organisation_id == organisation_id, User.active)
    members_total = session.scalar(select(func.count()).select_from(User).where(members_of)) or 0
    levels: dict[int, dict[str, int]] = {}
    if codes:
        for user_id, code, level in session.execute(
            select(CompetencyState.user_id, Competency.code, CompetencyState.level)
            .join(Competency, Competency.id == CompetencyState.competency_id)
            .join(User, User.id == CompetencyState.user_id)
            .where(members_of, Competency.code.in_(codes))
        ):
            levels.setdefault(user_id, {})[code] = level
    staff_columns = []
    for code, title, target in columns:
        values = [by_code.get(code, 0) for by_code in levels.values()]
        reached = sum(1 for v in values if target is not None and v >= target)
        staff_columns.append(
            StaffColumn(
                code=code,
                title=title,
                target=target,
                below_target=(members_total - reached) if target is not None else 0,
                average=(sum(values) / members_total) if members_total else 0.0,
            )
        )
    targets = [rules.CompetencyTarget(code, title, target or 0) for code, title, target in columns]
    meeting = 0
    if programme_id is not None:
        if targets:  # members without any level yet (no row in `levels`) have gaps
            meeting = sum(
                1
                for mine in levels.values()
                if not any(rules.competency_gaps(targets, mine).values())
            )
        else:  # a programme with module requirements only: no competency gap for anyone
            meeting = members_total
    result = paginate(select(User).where(members_of).order_by(User.name, User.id), page)
    rows = []
    for user in result.items:
        mine = levels.get(user.id, {})
        gaps = rules.competency_gaps(targets, mine)
        cells = [StaffCell(mine.get(code, 0), gaps[code]) for code in codes]
        rows.append(StaffRow(user.id, user.name, cells, sum(gaps.values())))
    programmes = programme_choices(session, organisation_id)
    return StaffView(
        programme_id=programme_id,
        programme_name=programme_name,
        programmes=programmes,
        columns=staff_columns,
        page=Page(items=rows, number=result.number, size=result.size, total=result.total),
        members_total=members_total,
        meeting_targets=meeting,
    )


def staff_csv(session: Session, organisation_id: int, programme_id: int | None) -> str:
    """The staff competency view as CSV: one line per member, level and gap per competency."""
    columns, _name = _staff_columns(session, programme_id)
    targets = [rules.CompetencyTarget(code, title, target or 0) for code, title, target in columns]
    members = session.execute(
        select(User.id, User.name, User.email)
        .where(User.organisation_id == organisation_id, User.active)
        .order_by(User.name, User.id)
    ).all()
    levels: dict[int, dict[str, int]] = {}
    for user_id, code, level in session.execute(
        select(CompetencyState.user_id, Competency.code, CompetencyState.level)
        .join(Competency, Competency.id == CompetencyState.competency_id)
        .join(User, User.id == CompetencyState.user_id)
        .where(User.organisation_id == organisation_id, User.active)
    ):
        levels.setdefault(user_id, {})[code] = level
    header = ["name", "email"]
    for code, _title, target in columns:
        header.append(code)
        if target is not None:
            header.append(f"{code}_target")
            header.append(f"{code}_gap")

    def rows() -> Iterator[Sequence[object]]:
        for user_id, name, email in members:
            mine = levels.get(user_id, {})
            gaps = rules.competency_gaps(targets, mine)
            line: list[object] = [name, email]
            for code, _title, target in columns:
                line.append(mine.get(code, 0))
                if target is not None:
                    line += [target, gaps[code]]
            yield line

    return csv_text(header, rows())


# --- The learner's page -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeProgress:
    """Where the learner stands on one of their organisation's programmes."""

    programme_id: int
    name: str
    description: str
    issue_mode: IssueMode
    targets: ProgrammeTargets
    eligibility: Eligibility
    bucket: Bucket


@dataclass(frozen=True)
class MyCertificates:
    """The learner's certificates and their progress towards their organisation's programmes."""

    current: list[CertificateSummary]
    history: list[CertificateSummary]
    progress: list[ProgrammeProgress]

    @property
    def renewals(self) -> list[CertificateSummary]:
        """Current certificates to renew (window open, or lapsed)."""
        return [c for c in self.current if c.renewal in (RenewalState.OPEN, RenewalState.LAPSED)]


def my_certificates(session: Session, user: User, now: datetime) -> MyCertificates:
    """The "My certificates" page (about six queries)."""
    certificates = session.scalars(
        select(Certificate)
        .where(Certificate.user_id == user.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).all()
    summaries = [summarise(c, now) for c in certificates]
    current = [s for s in summaries if s.is_current]
    history = [s for s in summaries if not s.is_current]
    progress: list[ProgrammeProgress] = []
    if user.organisation_id is not None:
        programmes = session.scalars(
            select(CertificationProgramme)
            .where(
                CertificationProgramme.organisation_id == user.organisation_id,
                CertificationProgramme.active,
            )
            .order_by(CertificationProgramme.name)
        ).all()
        targets = programme_targets(session, [p.id for p in programmes])
        record = learner_records(session, User.id == user.id, targets.values()).get(
            user.id, EMPTY_RECORD
        )
        held = {s.programme_id: s for s in current}
        for programme in programmes:
            eligibility = rules.check_eligibility(targets[programme.id], record)
            holding = held.get(programme.id)
            progress.append(
                ProgrammeProgress(
                    programme_id=programme.id,
                    name=programme.name,
                    description=programme.description,
                    issue_mode=programme.issue_mode,
                    targets=targets[programme.id],
                    eligibility=eligibility,
                    bucket=rules.classify_member(eligibility, holding.renewal if holding else None),
                )
            )
    return MyCertificates(current=current, history=history, progress=progress)


# --- API pages (keyset pagination) -------------------------------------------------------------


def certificate_page(
    session: Session, condition: ColumnElement[bool], *, limit: int, before_id: int | None
) -> tuple[list[tuple[Certificate, str]], bool]:
    """Certificates matching `condition`, newest first, with their holder's e-mail.

    Returns one page (at most `limit`, ids below `before_id`) and whether more follow.
    """
    query = (
        select(Certificate, User.email)
        .join(User, User.id == Certificate.user_id)
        .where(condition)
        .order_by(Certificate.id.desc())
        .limit(limit + 1)
    )
    if before_id is not None:
        query = query.where(Certificate.id < before_id)
    rows = [(certificate, email) for certificate, email in session.execute(query)]
    return rows[:limit], len(rows) > limit


def programme_page(
    session: Session, organisation_id: int, *, limit: int, after_id: int | None
) -> tuple[list[CertificationProgramme], bool]:
    """The organisation's programmes by id, one page, and whether more follow."""
    query = (
        select(CertificationProgramme)
        .where(CertificationProgramme.organisation_id == organisation_id)
        .order_by(CertificationProgramme.id)
        .limit(limit + 1)
    )
    if after_id is not None:
        query = query.where(CertificationProgramme.id > after_id)
    rows = list(session.scalars(query))
    return rows[:limit], len(rows) > limit


# --- The audit log ----------------------------------------------------------------------------


def audit_query(
    organisation_id: int,
    *,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[Any]:
    """The organisation's audit events, newest first, filtered."""
    query = select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor_email.contains(actor.strip().lower(), autoescape=True))
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    if until is not None:
        query = query.where(AuditEvent.occurred_at < until)
    return query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def audit_actions(session: Session, organisation_id: int) -> list[str]:
    """The actions that appear in the organisation's log (for the filter)."""
    return sorted(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.organisation_id == organisation_id)
            .distinct()
        )
    )
