"""Data factories that keep tests short: each adds and commits one thing."""

from __future__ import annotations

import itertools

from lms.auth.services import create_api_token, create_user
from lms.extensions import db
from lms.models import Cohort, CohortMembership, CohortRole, Organisation, Role, User

PASSWORD = "motdepasse-solide"
_seq = itertools.count(1)


def make_org(
    slug: str | None = None, name: str | None = None, join_code: str | None = None
) -> Organisation:
    """An active organisation."""
    n = next(_seq)
    org = Organisation(slug=slug or f"org-{n}", name=name or f"Structure {n}", join_code=join_code)
    db.session.add(org)
    db.session.commit()
    return org


def make_user(
    role: Role = Role.LEARNER,
    org: Organisation | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    name: str | None = None,
) -> User:
    """A user with a known password."""
    n = next(_seq)
    user = create_user(
        email or f"user{n}@example.org",
        name or f"Personne {n}",
        password,
        role=role,
        organisation=org,
    )
    db.session.commit()
    return user


def make_cohort(org: Organisation, name: str | None = None, join_code: str | None = None) -> Cohort:
    """A cohort of `org`."""
    cohort = Cohort(organisation=org, name=name or f"Promotion {next(_seq)}", join_code=join_code)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def enrol(cohort: Cohort, user: User, role: CohortRole = CohortRole.LEARNER) -> CohortMembership:
    """Put `user` in `cohort`."""
    membership = CohortMembership(cohort=cohort, user=user, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def bearer(user: User) -> dict[str, str]:
    """Authorization header with a fresh API token for `user`."""
    return {"Authorization": f"Bearer {create_api_token(user, 'test')}"}
