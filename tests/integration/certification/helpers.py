"""Factories for certification tests: programmes, profiles, module progress, certificates."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms.certification import services
from lms.extensions import db
from lms.learning.progress import module_progress
from lms.models import (
    CertificationProgramme,
    Competency,
    CompetencyState,
    IssueMode,
    Module,
    Organisation,
    OrganisationKey,
    RenewalBasis,
    Role,
    User,
)
from lms.models.base import utcnow
from tests.factories import make_user

_seq = itertools.count(1)


def programme(
    org: Organisation,
    actor: User,
    *,
    name: str | None = None,
    competencies: dict[str, int] | None = None,
    modules: dict[str, tuple[bool, bool]] | None = None,
    issue_mode: IssueMode = IssueMode.APPROVAL,
    validity_months: int | None = 12,
    window_days: int = 60,
    basis: RenewalBasis = RenewalBasis.EXPIRY,
    active: bool = True,
) -> CertificationProgramme:
    """A programme saved through the service (the fixture course must be loaded)."""
    competencies = {"TST-01": 2} if competencies is None and modules is None else competencies
    ids = dict(db.session.execute(select(Competency.code, Competency.id)).all())
    module_ids = dict(db.session.execute(select(Module.slug, Module.id)).all())
    return services.save_programme(
        db.session(),
        actor=actor,
        organisation_id=org.id,
        programme=None,
        data=services.ProgrammeInput(
            name=name or f"Programme {next(_seq)}",
            description="Atteste la maîtrise des trois piliers.",
            validity_months=validity_months,
            issue_mode=issue_mode,
            renewal_window_days=window_days,
            renewal_basis=basis,
            active=active,
            competency_levels={ids[code]: level for code, level in (competencies or {}).items()},
            module_requirements={
                module_ids[slug]: flags for slug, flags in (modules or {}).items()
            },
        ),
    )


def set_level(user: User, code: str, level: int) -> None:
    """Put a level on the learner's stored profile (what certification reads)."""
    competency_id = db.session.scalar(select(Competency.id).where(Competency.code == code))
    state = db.session.scalar(
        select(CompetencyState).where(
            CompetencyState.user_id == user.id, CompetencyState.competency_id == competency_id
        )
    )
    if state is None:
        state = CompetencyState(user_id=user.id, competency_id=competency_id)
        db.session.add(state)
    state.level = level
    state.measured_level = level
    db.session.commit()


def complete_module(user: User, slug: str, *, quiz: bool = True, practice: bool = False) -> None:
    """Mark a module's quiz passed and/or practical work accepted."""
    module_id = db.session.scalar(select(Module.id).where(Module.slug == slug))
    assert module_id is not None
    row = module_progress(db.session(), user.id, module_id)
    if quiz:
        row.quiz_passed_at = utcnow()
    if practice:
        row.practice_status = "accepted"
    db.session.commit()


def org_admin(org: Organisation, email: str | None = None) -> User:
    """An org admin of `org`."""
    return make_user(role=Role.ORG_ADMIN, org=org, email=email, name="Dominique Durand")


@dataclass(frozen=True)
class IssuedCertificate:
    """What the access table needs from a certificate."""

    public_id: str
    programme_id: int
    kid: str


def issued_certificate(org: Organisation, now: datetime | None = None) -> IssuedCertificate:
    """A certificate of `org`, without needing the course: a programme with no requirement.

    (The service refuses such programmes; the row is made directly, only for access tests.)
    """
    admin = make_user(role=Role.ORG_ADMIN, org=org, name="Issuer")
    holder = make_user(org=org, name="Holder")
    empty = CertificationProgramme(
        organisation_id=org.id, name=f"Access {next(_seq)}", validity_months=12
    )
    db.session.add(empty)
    db.session.commit()
    certificate = services.issue_certificate(
        db.session(), programme=empty, user_id=holder.id, actor=admin, now=now
    )
    kid = db.session.scalar(
        select(OrganisationKey.kid).where(OrganisationKey.id == certificate.key_id)
    )
    assert kid is not None
    return IssuedCertificate(certificate.public_id, empty.id, kid)
