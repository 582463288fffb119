"""Demo data for `make run`: one organisation, one cohort, four roles, three learners."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.auth.services import create_user, find_user_by_email
from lms.extensions import db
from lms.models import Cohort, CohortMembership, CohortRole, Organisation, Role, User

DEMO_ORG_SLUG = "reseau-demo"


@dataclass(frozen=True)
class DemoAccount:
    """A demo account and its password (demo data only: printed, never used in production)."""

    email: str
    password: str
    role: Role
    name: str


DEMO_ACCOUNTS = (
    DemoAccount("admin@escales.test", "escales-admin", Role.ADMIN, "Alex Admin"),
    DemoAccount("structure@escales.test", "escales-structure", Role.ORG_ADMIN, "Dominique Durand"),
    DemoAccount("formatrice@escales.test", "escales-formatrice", Role.TRAINER, "Fatou Formatrice"),
    DemoAccount("camille@escales.test", "escales-apprenant", Role.LEARNER, "Camille Martin"),
    DemoAccount("karim@escales.test", "escales-apprenant", Role.LEARNER, "Karim Benali"),
    DemoAccount("lea@escales.test", "escales-apprenant", Role.LEARNER, "Léa Petit"),
)


def create_demo_data() -> bool:
    """Create the demo organisation, cohort and accounts; does nothing if they exist.

    Returns True when something was created.
    """
    org = db.session.scalar(select(Organisation).where(Organisation.slug == DEMO_ORG_SLUG))
    if org is not None:
        return False
    org = Organisation(
        slug=DEMO_ORG_SLUG,
        name="Réseau associatif de démonstration",
        description="Une structure fictive pour découvrir Escales.",
        join_code="DEMO-RESEAU",
    )
    cohort = Cohort(organisation=org, name="Promotion découverte", join_code="DEMO-PROMO")
    db.session.add_all([org, cohort])
    for account in DEMO_ACCOUNTS:
        user: User | None = find_user_by_email(account.email)
        if user is None:
            user = create_user(
                account.email,
                account.name,
                account.password,
                role=account.role,
                organisation=None if account.role == Role.ADMIN else org,
            )
        if account.role in (Role.TRAINER, Role.LEARNER):
            role = CohortRole.TRAINER if account.role == Role.TRAINER else CohortRole.LEARNER
            db.session.add(CohortMembership(cohort=cohort, user=user, role=role))
    db.session.commit()
    return True
