"""`flask profiles ...`: operator commands for the competency profiles."""

from __future__ import annotations

import time

import click

from lms.auth.services import find_user_by_email
from lms.competency.services import rebuild_profiles
from lms.extensions import db


@click.group("profiles")
def profiles_cli() -> None:
    """Competency profiles (derived from evidence)."""


@profiles_cli.command("rebuild")
@click.option("--user", "email", help="Rebuild only this learner's profile (e-mail address).")
def profiles_rebuild(email: str | None) -> None:
    """Recompute every stored profile from the evidence (after changing the rule's parameters)."""
    user_ids = None
    if email:
        user = find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"No account for {email}.")
        user_ids = [user.id]
    started = time.perf_counter()
    count = rebuild_profiles(db.session(), user_ids)
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(f"Rebuilt {count} profile{'s' if count != 1 else ''} in {elapsed:.2f} s.")
