"""`flask certificates ...`: the periodic sweep and key rotation, thin wrappers over services."""

from __future__ import annotations

from datetime import datetime

import click

from lms.certification import services
from lms.extensions import db


@click.group("certificates")
def certificates_cli() -> None:
    """Issue due certificates, send renewal and expiry notices, rotate signing keys."""


@certificates_cli.command("sweep")
@click.option(
    "--now",
    "now_text",
    default=None,
    help="Pretend it is this ISO 8601 time, with a time zone (for tests and catch-up runs).",
)
def sweep_command(now_text: str | None) -> None:
    """Run the periodic job (e.g. daily from cron): auto-issue, renewal and expiry notices."""
    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError as error:
            raise click.BadParameter("use ISO 8601, e.g. 2026-01-31T08:00:00+00:00") from error
        if now.tzinfo is None:
            raise click.BadParameter("give a time zone, e.g. +00:00")
    report = services.sweep(db.session(), now)
    click.echo(
        f"{report.issued} certificates issued, {report.renewal_notices} renewal notices, "
        f"{report.expiry_notices} expiry notices."
    )


@certificates_cli.command("rotate-key")
@click.argument("organisation_slug")
def rotate_key_command(organisation_slug: str) -> None:
    """Retire an organisation's signing key; the next certificate is signed with a new one."""
    organisation = services.organisation_by_slug(db.session(), organisation_slug)
    if organisation is None:
        raise click.ClickException(f"No organisation with slug '{organisation_slug}'.")
    count = services.rotate_key(db.session(), organisation, actor=None)
    click.echo(f"{count} key(s) retired for {organisation.slug}.")
