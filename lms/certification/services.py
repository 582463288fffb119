"""Certification use cases: define a programme, issue, auto-issue, revoke, and the daily sweep.

Each public function runs one use case and commits once, except the hooks
`auto_issue_for` and `auto_issue_programme`, which add to the caller's
transaction (the caller commits). The rules themselves are pure functions in
lms.certification.rules; read-only pages are built by lms.certification.reports.

Auto-issue runs:
* from `auto_issue_for(session, user_id)`, the hook to call after a learner's
  profile or module progress changes (then commit);
* when a learner opens "My certificates" and when an org admin opens a programme;
* from `flask certificates sweep` (cron, e.g. daily), which also tells holders
  when their recertification window opens and when a certificate expires.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_date, gettext
from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.audit import record_audit
from lms.certification import badges, keys, rules, urls
from lms.certification.rules import (
    CompetencyTarget,
    LearnerRecord,
    ModuleRecord,
    ModuleTarget,
    ProgrammeTargets,
)
from lms.competency.services import PROFILE_CHANGE_HOOKS
from lms.i18n import N_
from lms.mail import send_mail
from lms.models import (
    Certificate,
    CertificateEvent,
    CertificateEventKind,
    CertificationProgramme,
    Competency,
    CompetencyState,
    IssueMode,
    Module,
    ModuleProgress,
    Organisation,
    Practice,
    ProgrammeModule,
    ProgrammeRequirement,
    RenewalBasis,
    ScaleLevel,
    Theme,
    User,
)
from lms.models.base import utcnow
from lms.models.driver import DriverStatement

PUBLIC_ID_BYTES = 18  # 144 random bits, 24 URL-safe characters
MAX_VALIDITY_MONTHS = 240
MAX_WINDOW_DAYS = 365
MAX_REASON_LENGTH = 500


class CertificationError(Exception):
    """A rule refused the request. `message` is an English msgid, safe to show once translated."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


# Messages of CertificationError, marked for translation (views translate them).
BLOCKER_MESSAGES = {
    rules.IssueBlocker.NOT_ELIGIBLE: N_("This person does not meet the programme's requirements."),
    rules.IssueBlocker.ALREADY_CERTIFIED: N_(
        "This person already holds a valid certificate for this programme."
    ),
    rules.IssueBlocker.REVOKED: N_("The previous certificate was revoked."),
    rules.IssueBlocker.INACTIVE_PROGRAMME: N_("This programme is not active."),
}


def new_public_id() -> str:
    """An unguessable certificate id (cryptographically random, 144 bits)."""
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    """The organisation with this slug."""
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


def get_programme(
    session: Session, organisation_id: int, programme_id: int
) -> CertificationProgramme | None:
    """A programme of this organisation (None when it belongs to another one)."""
    programme = session.get(CertificationProgramme, programme_id)
    if programme is None or programme.organisation_id != organisation_id:
        return None
    return programme


def certificate_by_public_id(session: Session, public_id: str) -> Certificate | None:
    """The certificate with this public id: one indexed equality lookup, whatever the id."""
    return session.scalar(select(Certificate).where(Certificate.public_id == public_id))


# --- Reading requirements and learners' records ----------------------------------------------


def programme_targets(
    session: Session, programme_ids: Iterable[int]
) -> dict[int, ProgrammeTargets]:
    """The requirements of some programmes, in framework and course order (two queries)."""
    ids = list(programme_ids)
    competencies: dict[int, list[CompetencyTarget]] = {id_: [] for id_ in ids}
    modules: dict[int, list[ModuleTarget]] = {id_: [] for id_ in ids}
    if not ids:
        return {}
    for programme_id, code, title, level in session.execute(
        select(
            ProgrammeRequirement.programme_id,
            Competency.code,
            Competency.title,
            ProgrammeRequirement.min_level,
        )
        .join(Competency, Competency.id == ProgrammeRequirement.competency_id)
        .where(ProgrammeRequirement.programme_id.in_(ids))
        .order_by(Competency.position)
    ):
        competencies[programme_id].append(CompetencyTarget(code, title, level))
    for programme_id, slug, title, quiz, practice in session.execute(
        select(
            ProgrammeModule.programme_id,
            Module.slug,
            Module.title,
            ProgrammeModule.require_quiz,
            ProgrammeModule.require_practice,
        )
        .join(Module, Module.id == ProgrammeModule.module_id)
        .join(Theme, Theme.id == Module.theme_id)
        .where(ProgrammeModule.programme_id.in_(ids))
        .order_by(Theme.position, Module.position)
    ):
        modules[programme_id].append(ModuleTarget(slug, title, quiz, practice))
    return {id_: ProgrammeTargets(tuple(competencies[id_]), tuple(modules[id_])) for id_ in ids}


def learner_records(
    session: Session,
    users: ColumnElement[bool],
    targets: Iterable[ProgrammeTargets],
) -> dict[int, LearnerRecord]:
    """The records of the users matching `users` (a condition on User), for these targets.

    Two queries whatever the number of people: their levels on the target competencies
    and their progress in the target modules. People with nothing yet have no entry.
    """
    targets = list(targets)
    codes = {t.code for target in targets for t in target.competencies}
    slugs = {m.slug for target in targets for m in target.modules}
    levels: dict[int, dict[str, int]] = {}
    progress: dict[int, dict[str, ModuleRecord]] = {}
    if codes:
        for user_id, code, level in session.execute(
            select(CompetencyState.user_id, Competency.code, CompetencyState.level)
            .join(Competency, Competency.id == CompetencyState.competency_id)
            .join(User, User.id == CompetencyState.user_id)
            .where(users, Competency.code.in_(codes))
        ):
            levels.setdefault(user_id, {})[code] = level
    if slugs:
        for user_id, slug, passed_at, practice in session.execute(
            select(
                ModuleProgress.user_id,
                Module.slug,
                ModuleProgress.quiz_passed_at,
                ModuleProgress.practice_status,
            )
            .join(Module, Module.id == ModuleProgress.module_id)
            .join(User, User.id == ModuleProgress.user_id)
            .where(users, Module.slug.in_(slugs))
        ):
            progress.setdefault(user_id, {})[slug] = ModuleRecord(
                quiz_passed=passed_at is not None, practice_accepted=practice == "accepted"
            )
    return {
        user_id: LearnerRecord(levels.get(user_id, {}), progress.get(user_id, {}))
        for user_id in levels.keys() | progress.keys()
    }


EMPTY_RECORD = LearnerRecord({}, {})


def renewal_of(certificate: Certificate | None, now: datetime) -> rules.RenewalState | None:
    """The renewal state of a person's current certificate (None when they hold none)."""
    if certificate is None:
        return None
    status = rules.certificate_status(certificate.revoked_at, certificate.expires_at, now)
    return rules.renewal_state(status, certificate.renewal_opens_at, now)


def current_certificates(
    session: Session, programme_ids: Iterable[int], users: ColumnElement[bool]
) -> dict[tuple[int, int], Certificate]:
    """(programme id, user id) -> current certificate, for these programmes and people."""
    rows = session.scalars(
        select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.is_current, Certificate.programme_id.in_(list(programme_ids)), users)
    )
    return {(row.programme_id, row.user_id): row for row in rows}


# --- Programmes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeInput:
    """A programme as an org admin defines it (validated by the form, checked again here)."""

    name: str
    description: str
    validity_months: int | None
    issue_mode: IssueMode
    renewal_window_days: int
    renewal_basis: RenewalBasis
    active: bool
    competency_levels: Mapping[int, int]  # competency id -> minimum level (1-4)
    module_requirements: Mapping[int, tuple[bool, bool]]  # module id -> (quiz, practice)


def _check_programme_input(
    session: Session, organisation_id: int, programme_id: int | None, data: ProgrammeInput
) -> None:
    name = data.name.strip()
    if not name:
        raise CertificationError("invalid", N_("Give the programme a name."), "name")
    clash = session.scalar(
        select(CertificationProgramme.id).where(
            CertificationProgramme.organisation_id == organisation_id,
            CertificationProgramme.name == name,
        )
    )
    if clash is not None and clash != programme_id:
        raise CertificationError(
            "conflict", N_("Another programme of your organisation has this name."), "name"
        )
    if data.validity_months is not None and not 1 <= data.validity_months <= MAX_VALIDITY_MONTHS:
        raise CertificationError(
            "invalid", N_("Validity must be between 1 and 240 months."), "validity_months"
        )
    if not 0 <= data.renewal_window_days <= MAX_WINDOW_DAYS:
        raise CertificationError(
            "invalid",
            N_("The recertification window must be between 0 and 365 days."),
            "renewal_window_days",
        )
    if data.validity_months is not None and data.renewal_window_days >= data.validity_months * 28:
        raise CertificationError(
            "invalid",
            N_("The recertification window must be shorter than the validity."),
            "renewal_window_days",
        )
    levels = {cid: level for cid, level in data.competency_levels.items() if level}
    modules = {mid: flags for mid, flags in data.module_requirements.items() if any(flags)}
    if not levels and not modules:
        raise CertificationError(
            "invalid", N_("Require at least one competency level or one module."), "requirements"
        )
    if any(not 1 <= level <= rules.MAX_LEVEL for level in levels.values()):
        raise CertificationError("invalid", N_("Levels go from 1 to 4."), "requirements")
    known = set(
        session.scalars(
            select(Competency.id).where(
                Competency.id.in_(list(levels)), Competency.retired_at.is_(None)
            )
        )
    )
    if known != set(levels):
        raise CertificationError("invalid", N_("Unknown competency."), "requirements")
    found = dict(
        session.execute(
            select(Module.id, Practice.id)
            .outerjoin(Practice, (Practice.module_id == Module.id) & Practice.retired_at.is_(None))
            .where(Module.id.in_(list(modules)), Module.retired_at.is_(None))
        ).all()
    )
    if set(found) != set(modules):
        raise CertificationError("invalid", N_("Unknown module."), "requirements")
    if any(practice and found[mid] is None for mid, (_quiz, practice) in modules.items()):
        raise CertificationError(
            "invalid", N_("This module has no practical work to require."), "requirements"
        )


def _programme_snapshot(session: Session, programme: CertificationProgramme) -> dict[str, Any]:
    """The programme's settings and requirements as plain values (for the audit diff)."""
    targets = programme_targets(session, [programme.id]).get(programme.id, ProgrammeTargets())
    return {
        "name": programme.name,
        "description": programme.description,
        "validity_months": programme.validity_months,
        "issue_mode": str(programme.issue_mode),
        "renewal_window_days": programme.renewal_window_days,
        "renewal_basis": str(programme.renewal_basis),
        "active": programme.active,
        "competencies": {t.code: t.min_level for t in targets.competencies},
        "modules": {
            m.slug: {"quiz": m.require_quiz, "practice": m.require_practice}
            for m in targets.modules
        },
    }


def _sync_requirements(programme: CertificationProgramme, data: ProgrammeInput) -> None:
    """Update the requirement rows in place (replacing them would clash with the unique keys)."""
    levels = {cid: level for cid, level in data.competency_levels.items() if level}
    for requirement in list(programme.requirements):
        if requirement.competency_id in levels:
            requirement.min_level = levels.pop(requirement.competency_id)
        else:
            programme.requirements.remove(requirement)
    for cid, level in sorted(levels.items()):
        programme.requirements.append(ProgrammeRequirement(competency_id=cid, min_level=level))
    modules = {mid: flags for mid, flags in data.module_requirements.items() if any(flags)}
    for module in list(programme.modules):
        if module.module_id in modules:
            module.require_quiz, module.require_practice = modules.pop(module.module_id)
        else:
            programme.modules.remove(module)
    for mid, (quiz, practice) in sorted(modules.items()):
        programme.modules.append(
            ProgrammeModule(module_id=mid, require_quiz=quiz, require_practice=practice)
        )


def save_programme(
    session: Session,
    *,
    actor: User,
    organisation_id: int,
    programme: CertificationProgramme | None,
    data: ProgrammeInput,
) -> CertificationProgramme:
    """Create or change a programme, record the change in the audit log, and commit.

    Certificates already issued keep their snapshot; only their recertification
    window follows a change of the window setting.
    """
    _check_programme_input(session, organisation_id, programme.id if programme else None, data)
    before = _programme_snapshot(session, programme) if programme else None
    if programme is None:
        programme = CertificationProgramme(organisation_id=organisation_id, created_by_id=actor.id)
        session.add(programme)
    programme.name = data.name.strip()
    programme.description = data.description.strip()
    programme.validity_months = data.validity_months
    programme.issue_mode = data.issue_mode
    programme.renewal_window_days = data.renewal_window_days
    programme.renewal_basis = data.renewal_basis
    programme.active = data.active
    programme.updated_at = utcnow()
    _sync_requirements(programme, data)
    session.flush()
    for certificate in session.scalars(
        select(Certificate).where(Certificate.programme_id == programme.id, Certificate.is_current)
    ):
        certificate.renewal_opens_at = rules.renewal_opens_at(
            certificate.expires_at, programme.renewal_window_days
        )
    after = _programme_snapshot(session, programme)
    if before is None:
        record_audit(
            session,
            actor=actor,
            action="programme.created",
            target_type="programme",
            target_id=programme.id,
            organisation_id=organisation_id,
            details=after,
        )
    else:
        changes = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
        if changes:
            record_audit(
                session,
                actor=actor,
                action="programme.updated",
                target_type="programme",
                target_id=programme.id,
                organisation_id=organisation_id,
                details={"name": programme.name, "changes": changes},
            )
    session.commit()
    return programme


# --- Issuing --------------------------------------------------------------------------------


def _scale_labels(session: Session) -> dict[int, str]:
    return dict(session.execute(select(ScaleLevel.level, ScaleLevel.label)).all())


def criteria_narrative(targets: ProgrammeTargets) -> str:
    """The programme's requirements in words, in the instance's default language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        lines = [
            gettext(
                "%(code)s %(title)s: level %(level)d or above",
                code=t.code,
                title=t.title,
                level=t.min_level,
            )
            for t in targets.competencies
        ]
        for m in targets.modules:
            if m.require_quiz:
                lines.append(gettext("Module %(title)s: quiz passed", title=m.title))
            if m.require_practice:
                lines.append(gettext("Module %(title)s: practical work accepted", title=m.title))
    return "\n".join(f"- {line}" for line in lines)


def _achievement(
    organisation: Organisation,
    programme_id: int,
    name: str,
    description: str,
    targets: ProgrammeTargets,
) -> badges.AchievementInfo:
    return badges.AchievementInfo(
        id_url=urls.badge_class_url(organisation.slug, programme_id),
        name=name,
        description=description,
        criteria=criteria_narrative(targets),
        image_url=urls.badge_image_url(organisation.slug, programme_id),
        competencies=tuple(
            {
                "code": t.code,
                "title": t.title,
                "required_level": t.min_level,
                "url": urls.competency_url(t.code),
            }
            for t in targets.competencies
        ),
    )


def issuer_info(organisation: Organisation) -> badges.IssuerInfo:
    """The organisation as an Open Badges issuer."""
    return badges.IssuerInfo(
        name=organisation.name,
        id_url=urls.issuer_url(organisation.slug),
        homepage=urls.homepage(),
        email=current_app.config["MAIL_DEFAULT_SENDER"],
        description=organisation.description,
    )


def achievement_info(
    session: Session, organisation: Organisation, programme_id: int
) -> badges.AchievementInfo:
    """A programme as it is now, as an Open Badges achievement / badge class."""
    programme = session.get(CertificationProgramme, programme_id)
    assert programme is not None
    targets = programme_targets(session, [programme_id])[programme_id]
    return _achievement(organisation, programme_id, programme.name, programme.description, targets)


def credential_info(certificate: Certificate) -> badges.CredentialInfo:
    """A certificate's snapshot as the badges describe it."""
    return badges.CredentialInfo(
        verification_url=urls.verification_url(certificate.public_id),
        assertion_url=urls.assertion_url(certificate.public_id),
        recipient_identity=certificate.recipient_identity,
        recipient_salt=certificate.recipient_salt,
        recipient_name=certificate.recipient_name,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        competencies=tuple(certificate.competencies),
    )


def _issue(
    session: Session,
    *,
    programme: CertificationProgramme,
    organisation: Organisation,
    targets: ProgrammeTargets,
    user: User,
    record: LearnerRecord,
    previous: Certificate | None,
    actor: User | None,
    now: datetime,
) -> Certificate:
    """Create the certificate (snapshot, expiry, signed credential), its history and audit."""
    labels = _scale_labels(session)
    competencies = [
        {
            "code": t.code,
            "title": t.title,
            "level": record.levels.get(t.code, 0),
            "level_label": labels.get(record.levels.get(t.code, 0), ""),
            "required_level": t.min_level,
        }
        for t in targets.competencies
    ]
    modules = [
        {"slug": m.slug, "title": m.title, "quiz": m.require_quiz, "practice": m.require_practice}
        for m in targets.modules
    ]
    previous_expiry = previous.expires_at if previous and previous.revoked_at is None else None
    expires_at = rules.expiry_for(
        now,
        programme.validity_months,
        previous_expires_at=previous_expiry,
        from_previous_expiry=programme.renewal_basis == RenewalBasis.EXPIRY,
    )
    actor_name = actor.name if actor else ""
    if previous is not None:
        previous.is_current = False
        previous.current_key = None
        session.flush()  # free the "current" slot before the new certificate takes it
    salt = secrets.token_hex(8)
    certificate = Certificate(
        public_id=new_public_id(),
        programme_id=programme.id,
        organisation_id=organisation.id,
        user_id=user.id,
        previous_id=previous.id if previous else None,
        is_current=True,
        current_key=f"{programme.id}:{user.id}",
        recipient_name=user.name,
        recipient_identity=badges.identity_hash(user.email, salt),
        recipient_salt=salt,
        programme_name=programme.name,
        programme_description=programme.description,
        organisation_name=organisation.name,
        competencies=competencies,
        modules=modules,
        issued_at=now,
        expires_at=expires_at,
        renewal_opens_at=rules.renewal_opens_at(expires_at, programme.renewal_window_days),
        automatic=actor is None,
        issued_by_id=actor.id if actor else None,
        issuer_name=actor_name,
    )
    session.add(certificate)
    session.flush()
    key_row, private_key = keys.signing_key(session, organisation.id)
    credential = badges.ob3_credential(
        issuer_info(organisation),
        _achievement(organisation, programme.id, programme.name, programme.description, targets),
        credential_info(certificate),
    )
    certificate.key_id = key_row.id
    certificate.credential_jwt = badges.sign_vc_jwt(
        credential,
        private_key,
        kid_url=urls.key_url(organisation.slug, key_row.kid),
        public_jwk=key_row.public_jwk,
    )
    session.add(
        CertificateEvent(
            certificate_id=certificate.id,
            kind=CertificateEventKind.ISSUED,
            occurred_at=now,
            actor_id=actor.id if actor else None,
            actor_name=actor_name,
        )
    )
    if previous is not None and previous.revoked_at is None:
        session.add(
            CertificateEvent(
                certificate_id=previous.id,
                kind=CertificateEventKind.RENEWED,
                occurred_at=now,
                actor_id=actor.id if actor else None,
                actor_name=actor_name,
                note=certificate.public_id,
            )
        )
    record_audit(
        session,
        actor=actor,
        action="certificate.issued",
        target_type="certificate",
        target_id=certificate.public_id,
        organisation_id=organisation.id,
        details={
            "programme": programme.name,
            "programme_id": programme.id,
            "recipient": user.name,
            "recipient_id": user.id,
            "automatic": actor is None,
            "recertification_of": previous.public_id if previous else None,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return certificate


def _try_issue(session: Session, **kwargs: Any) -> Certificate | None:
    """`_issue` in a savepoint: None when a concurrent request certified the person first."""
    try:
        with session.begin_nested():
            return _issue(session, **kwargs)
    except IntegrityError:
        return None


@dataclass
class IssueOutcome:
    """What a batch issue did: certificates issued, and people refused with the reason."""

    issued: list[Certificate] = field(default_factory=list)
    refused: list[tuple[str, rules.IssueBlocker]] = field(default_factory=list)


def issue_certificates(
    session: Session,
    *,
    programme: CertificationProgramme,
    user_ids: Sequence[int],
    actor: User,
    now: datetime | None = None,
) -> IssueOutcome:
    """Issue (or, in approval mode, approve) certificates for these members; commit once.

    Eligibility is checked again against each person's current profile. People who are
    not members of the programme's organisation are ignored.
    """
    now = now or utcnow()
    organisation = session.get(Organisation, programme.organisation_id)
    assert organisation is not None
    users = list(
        session.scalars(
            select(User).where(
                User.id.in_(list(user_ids)),
                User.organisation_id == organisation.id,
                User.active,
            )
        )
    )
    targets = programme_targets(session, [programme.id])[programme.id]
    condition = User.id.in_([u.id for u in users])
    records = learner_records(session, condition, [targets])
    currents = current_certificates(session, [programme.id], condition)
    outcome = IssueOutcome()
    for user in sorted(users, key=lambda u: u.name):
        record = records.get(user.id, EMPTY_RECORD)
        current = currents.get((programme.id, user.id))
        blocker = rules.issue_blocker(
            eligible=rules.check_eligibility(targets, record).eligible,
            programme_active=programme.active,
            current_renewal=renewal_of(current, now),
            automatic=False,
        )
        certificate = None
        if blocker is None:
            certificate = _try_issue(
                session,
                programme=programme,
                organisation=organisation,
                targets=targets,
                user=user,
                record=record,
                previous=current,
                actor=actor,
                now=now,
            )
            blocker = None if certificate else rules.IssueBlocker.ALREADY_CERTIFIED
        if certificate is not None:
            outcome.issued.append(certificate)
        else:
            assert blocker is not None
            outcome.refused.append((user.name, blocker))
    session.commit()
    notify_issued(session, outcome.issued)
    return outcome


def issue_certificate(
    session: Session,
    *,
    programme: CertificationProgramme,
    user_id: int,
    actor: User,
    now: datetime | None = None,
) -> Certificate:
    """Issue one certificate, or raise CertificationError with the reason it cannot be."""
    outcome = issue_certificates(
        session, programme=programme, user_ids=[user_id], actor=actor, now=now
    )
    if outcome.issued:
        return outcome.issued[0]
    if not outcome.refused:
        raise CertificationError("not_found", N_("No such member of the organisation."))
    blocker = outcome.refused[0][1]
    raise CertificationError(str(blocker), BLOCKER_MESSAGES[blocker])


def unmet_requirements(
    session: Session, programme: CertificationProgramme, user_id: int
) -> list[dict[str, Any]]:
    """What a person still misses for a programme, as plain values (for API errors)."""
    targets = programme_targets(session, [programme.id])[programme.id]
    record = learner_records(session, User.id == user_id, [targets]).get(user_id, EMPTY_RECORD)
    return [
        {
            "kind": str(item.kind),
            "code": item.code,
            "title": item.title,
            "required_level": item.required_level,
            "current_level": item.current_level,
        }
        for item in rules.check_eligibility(targets, record).unmet
    ]


def _auto_issue(
    session: Session,
    programmes: Sequence[CertificationProgramme],
    users: ColumnElement[bool],
    now: datetime,
) -> list[Certificate]:
    """Issue every certificate the automatic `programmes` owe to the people matching `users`."""
    programmes = [p for p in programmes if p.active and p.issue_mode == IssueMode.AUTOMATIC]
    if not programmes:
        return []
    targets = programme_targets(session, [p.id for p in programmes])
    records = learner_records(session, users, targets.values())
    currents = current_certificates(session, [p.id for p in programmes], users)
    people = {
        user.id: user
        for user in session.scalars(
            select(User).where(users, User.active, User.organisation_id.is_not(None))
        )
    }
    organisations = {
        org.id: org
        for org in session.scalars(
            select(Organisation).where(Organisation.id.in_({p.organisation_id for p in programmes}))
        )
    }
    issued: list[Certificate] = []
    for programme in programmes:
        for user in people.values():
            if user.organisation_id != programme.organisation_id:
                continue
            record = records.get(user.id, EMPTY_RECORD)
            current = currents.get((programme.id, user.id))
            blocker = rules.issue_blocker(
                eligible=rules.check_eligibility(targets[programme.id], record).eligible,
                programme_active=True,
                current_renewal=renewal_of(current, now),
                automatic=True,
            )
            if blocker is not None:
                continue
            certificate = _try_issue(
                session,
                programme=programme,
                organisation=organisations[programme.organisation_id],
                targets=targets[programme.id],
                user=user,
                record=record,
                previous=current,
                actor=None,
                now=now,
            )
            if certificate is not None:
                issued.append(certificate)
    return issued


def auto_issue_for(
    session: Session, user_id: int, now: datetime | None = None
) -> list[Certificate]:
    """Hook: issue the certificates a learner has just earned in automatic programmes.

    Call it after anything that can raise a level or complete a module (e.g. after
    `record_evidence`), in the same transaction; the caller commits. Idempotent.
    """
    user = session.get(User, user_id)
    if user is None or user.organisation_id is None or not user.active:
        return []
    # Their ids first, as plain rows on the session's connection (cheaper): most
    # organisations have none, and this runs after every profile change (each quiz
    # submission). What the session holds is written first, as autoflush would.
    session.flush()
    ids = _AUTOMATIC_PROGRAMME_IDS.rows(
        session.connection(), {"organisation_id": user.organisation_id}
    )
    programme_ids = [programme_id for (programme_id,) in ids]
    if not programme_ids:
        return []
    programmes = session.scalars(
        select(CertificationProgramme)
        .where(CertificationProgramme.id.in_(programme_ids))
        .order_by(CertificationProgramme.id)
    ).all()
    return _auto_issue(session, programmes, User.id == user_id, now or utcnow())


#: An organisation's active automatic programmes (built once, run on the driver's cursor:
#: lms.models.driver).
_AUTOMATIC_PROGRAMME_IDS = DriverStatement(
    select(CertificationProgramme.id)
    .where(
        CertificationProgramme.organisation_id == bindparam("organisation_id"),
        CertificationProgramme.active,
        CertificationProgramme.issue_mode == IssueMode.AUTOMATIC,
    )
    .order_by(CertificationProgramme.id)
)


def auto_issue_programme(
    session: Session, programme: CertificationProgramme, now: datetime | None = None
) -> list[Certificate]:
    """Issue what an automatic programme owes to its organisation's members; caller commits."""
    return _auto_issue(
        session, [programme], User.organisation_id == programme.organisation_id, now or utcnow()
    )


def catch_up_programme(
    session: Session, programme: CertificationProgramme, now: datetime | None = None
) -> list[Certificate]:
    """Issue what an automatic programme owes now, commit, and tell the new holders."""
    issued = auto_issue_programme(session, programme, now)
    if issued:
        session.commit()
        notify_issued(session, issued)
    return issued


def catch_up_learner(
    session: Session, user_id: int, now: datetime | None = None
) -> list[Certificate]:
    """Issue what automatic programmes owe this learner now, and commit (their own page)."""
    issued = auto_issue_for(session, user_id, now)
    if issued:
        session.commit()
    return issued


# --- Revocation -----------------------------------------------------------------------------


def revoke_certificate(
    session: Session,
    *,
    certificate: Certificate,
    actor: User,
    reason: str,
    now: datetime | None = None,
) -> Certificate:
    """Revoke a certificate with a reason (shown on its verification page); commit and notify."""
    reason = reason.strip()
    if not reason:
        raise CertificationError("invalid", N_("Give the reason for the revocation."), "reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise CertificationError("invalid", N_("The reason is too long."), "reason")
    if certificate.revoked_at is not None:
        raise CertificationError("conflict", N_("This certificate is already revoked."))
    now = now or utcnow()
    certificate.revoked_at = now
    certificate.revoked_by_id = actor.id
    certificate.revocation_reason = reason
    session.add(
        CertificateEvent(
            certificate_id=certificate.id,
            kind=CertificateEventKind.REVOKED,
            occurred_at=now,
            actor_id=actor.id,
            actor_name=actor.name,
            note=reason,
        )
    )
    record_audit(
        session,
        actor=actor,
        action="certificate.revoked",
        target_type="certificate",
        target_id=certificate.public_id,
        organisation_id=certificate.organisation_id,
        details={
            "programme": certificate.programme_name,
            "recipient": certificate.recipient_name,
            "reason": reason,
        },
    )
    session.commit()
    holder = session.get(User, certificate.user_id)
    if holder is not None:
        _mail(
            holder,
            N_("Your certificate “%(programme)s” was revoked"),
            N_(
                "Your certificate “%(programme)s” was revoked by %(organisation)s.\n"
                "Reason: %(reason)s\n\n%(url)s"
            ),
            programme=certificate.programme_name,
            organisation=certificate.organisation_name,
            reason=reason,
            url=urls.verification_url(certificate.public_id),
        )
    return certificate


# --- Notifications and the sweep ------------------------------------------------------------


def _mail(user: User, subject: str, body: str, **values: Any) -> None:
    """Send a message in the person's language (subject and body are msgids)."""
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        expires = values.get("expires_at")
        if isinstance(expires, datetime):
            values["date"] = format_date(expires, "long")
        send_mail(user.email, gettext(subject, **values), gettext(body, **values))


def notify_issued(session: Session, certificates: Sequence[Certificate]) -> None:
    """Tell each new holder, by e-mail, with the link to share (after the commit)."""
    if not certificates:
        return
    holders = {
        user.id: user
        for user in session.scalars(
            select(User).where(User.id.in_({c.user_id for c in certificates}))
        )
    }
    for certificate in certificates:
        holder = holders.get(certificate.user_id)
        if holder is None:
            continue
        _mail(
            holder,
            N_("You are certified: %(programme)s"),
            N_(
                "%(organisation)s has issued you the certificate “%(programme)s”.\n"
                "Share it, download it as PDF or as an Open Badge from your certificates:\n"
                "%(mine)s\n\nPublic verification page: %(url)s"
            ),
            programme=certificate.programme_name,
            organisation=certificate.organisation_name,
            mine=urls.my_certificates_url(),
            url=urls.verification_url(certificate.public_id),
        )


@dataclass(frozen=True)
class SweepReport:
    """What the sweep did."""

    issued: int
    renewal_notices: int
    expiry_notices: int


def sweep(session: Session, now: datetime | None = None) -> SweepReport:
    """The periodic job: auto-issue, then tell holders about open renewals and expiries.

    Each holder is told once per certificate (the certificate remembers it). Commits once,
    then sends the e-mails.
    """
    now = now or utcnow()
    programmes = session.scalars(
        select(CertificationProgramme).where(
            CertificationProgramme.active,
            CertificationProgramme.issue_mode == IssueMode.AUTOMATIC,
        )
    ).all()
    by_org: dict[int, list[CertificationProgramme]] = {}
    for programme in programmes:
        by_org.setdefault(programme.organisation_id, []).append(programme)
    issued: list[Certificate] = []
    for org_id, org_programmes in by_org.items():
        issued += _auto_issue(session, org_programmes, User.organisation_id == org_id, now)

    live = (Certificate.is_current, Certificate.revoked_at.is_(None))
    opening = session.scalars(
        select(Certificate).where(
            *live,
            Certificate.renewal_opens_at <= now,
            Certificate.expires_at > now,
            Certificate.renewal_notified_at.is_(None),
        )
    ).all()
    expired = session.scalars(
        select(Certificate).where(
            *live, Certificate.expires_at <= now, Certificate.expiry_notified_at.is_(None)
        )
    ).all()
    for certificate in opening:
        certificate.renewal_notified_at = now
        session.add(
            CertificateEvent(
                certificate_id=certificate.id,
                kind=CertificateEventKind.RENEWAL_OPENED,
                occurred_at=now,
            )
        )
    for certificate in expired:
        certificate.expiry_notified_at = now
        certificate.renewal_notified_at = certificate.renewal_notified_at or now
        session.add(
            CertificateEvent(
                certificate_id=certificate.id,
                kind=CertificateEventKind.EXPIRED,
                occurred_at=certificate.expires_at or now,
            )
        )
    session.commit()

    notify_issued(session, issued)
    holders = {
        user.id: user
        for user in session.scalars(
            select(User).where(User.id.in_({c.user_id for c in (*opening, *expired)}))
        )
    }
    mine = urls.my_certificates_url()
    for certificate in opening:
        if holder := holders.get(certificate.user_id):
            _mail(
                holder,
                N_("Time to renew your certificate “%(programme)s”"),
                N_(
                    "Your certificate “%(programme)s” expires on %(date)s. Recertification is "
                    "open: when you meet the programme's requirements again, your organisation "
                    "renews it.\nSee what is needed: %(mine)s"
                ),
                programme=certificate.programme_name,
                expires_at=certificate.expires_at,
                mine=mine,
            )
    for certificate in expired:
        if holder := holders.get(certificate.user_id):
            _mail(
                holder,
                N_("Your certificate “%(programme)s” has expired"),
                N_(
                    "Your certificate “%(programme)s” expired on %(date)s. You can recertify "
                    "when you meet the programme's requirements again.\n%(mine)s"
                ),
                programme=certificate.programme_name,
                expires_at=certificate.expires_at,
                mine=mine,
            )
    return SweepReport(len(issued), len(opening), len(expired))


def rotate_key(session: Session, organisation: Organisation, actor: User | None) -> int:
    """Retire the organisation's signing keys: the next certificate is signed with a new one."""
    count = keys.retire_keys(session, organisation.id)
    record_audit(
        session,
        actor=actor,
        action="key.rotated",
        target_type="organisation",
        target_id=organisation.slug,
        organisation_id=organisation.id,
        details={"retired": count},
    )
    session.commit()
    return count


def export_certificates(user: User) -> list[dict[str, Any]]:
    """The person's certificates, for their personal data export."""
    from lms.extensions import db

    rows = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at)
    )
    return [
        {
            "id": row.public_id,
            "programme": row.programme_name,
            "organisation": row.organisation_name,
            "issued_at": row.issued_at.isoformat(),
            "expires_at": row.expires_at.isoformat() if row.expires_at else None,
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
            "revocation_reason": row.revocation_reason or None,
            "competencies": row.competencies,
            "verification_url": urls.verification_url(row.public_id),
        }
        for row in rows
    ]


# Automatic programmes issue as soon as new evidence makes a learner eligible.
PROFILE_CHANGE_HOOKS.append(auto_issue_for)
