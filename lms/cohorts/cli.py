"""`flask orgs` and `flask cohorts`: create organisations and cohorts, put people in them."""

from __future__ import annotations

import re

import click
from sqlalchemy import select

from lms.cohorts import services
from lms.extensions import db
from lms.learning.summary import rebuild_learner_summaries
from lms.models import Cohort, CohortRole, Organisation

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@click.group("orgs")
def orgs_cli() -> None:
    """Manage organisations."""


@orgs_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The organisation's full name.")
def orgs_create(slug: str, name: str) -> None:
    """Create an organisation with a short name SLUG (lowercase letters, digits, hyphens)."""
    if not SLUG_RE.match(slug) or len(slug) > 60:
        raise click.BadParameter("lowercase letters, digits and hyphens only", param_hint="SLUG")
    if db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise click.ClickException(f"An organisation already uses the slug '{slug}'.")
    if not name.strip():
        raise click.BadParameter("must not be empty", param_hint="--name")
    db.session.add(Organisation(slug=slug, name=name.strip()[:160]))
    db.session.commit()
    click.echo(f"Created organisation {slug}.")


@click.group("cohorts")
def cohorts_cli() -> None:
    """Manage cohorts."""


@cohorts_cli.command("create")
@click.argument("name")
@click.option("--org", "org_slug", required=True, help="Slug of the cohort's organisation.")
def cohorts_create(name: str, org_slug: str) -> None:
    """Create a cohort following every module, and print its id (alone, for scripts)."""
    org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))
    if org is None:
        raise click.ClickException(f"No organisation with slug '{org_slug}'.")
    try:
        cohort = services.create_cohort(db.session(), organisation=org, name=name, creator=None)
    except services.CohortError as error:
        raise click.ClickException(str(error)) from error
    click.echo(cohort.id)


@cohorts_cli.command("add")
@click.argument("cohort_id", type=int)
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in CohortRole]),
    default=CohortRole.LEARNER.value,
    show_default=True,
)
def cohorts_add(cohort_id: int, email: str, role: str) -> None:
    """Put the account EMAIL in cohort COHORT_ID (a learner account added as trainer is
    given the trainer role)."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise click.ClickException(f"No cohort with id {cohort_id}.")
    try:
        user, changed = services.add_member(db.session(), cohort, email, CohortRole(role), None)
    except services.CohortError as error:
        raise click.ClickException(str(error)) from error
    if changed:
        click.echo(f"{user.email} is in cohort {cohort.id} ({cohort.name}) as {role}.")
    else:
        click.echo(f"{user.email} was already in cohort {cohort.id} as {role}.")


@cohorts_cli.command("rebuild-summaries")
def cohorts_rebuild_summaries() -> None:
    """Recompute every learner's progress summary (the dashboards' rows) from their progress.

    For an existing database after an upgrade, or after changing progress rows by hand.
    """
    count = rebuild_learner_summaries(db.session())
    click.echo(f"Rebuilt the progress summaries of {count} learners.")
