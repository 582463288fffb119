"""`flask` commands for operators: thin wrappers around tested services."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from lms.auth import services as auth_services
from lms.certification.cli import certificates_cli
from lms.cohorts.cli import cohorts_cli, orgs_cli
from lms.competency.cli import profiles_cli
from lms.content import services as content_services
from lms.demo import DEMO_ACCOUNTS, create_demo_data
from lms.extensions import db
from lms.models import Organisation, Role, User


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(content_cli)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(cohorts_cli)
    from lms.interop.cli import register_commands  # content import-*, xapi send

    register_commands(app)
    app.cli.add_command(profiles_cli)
    app.cli.add_command(certificates_cli)


@click.group("users")
def users_cli() -> None:
    """Manage user accounts."""


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value)
@click.option("--org", "org_slug", help="Slug of the user's organisation.")
@click.option("--name", default="", help="Full name (defaults to the e-mail's local part).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_create(email: str, role: str, org_slug: str | None, name: str, password: str) -> None:
    """Create an account (prompts for the password when --password is omitted)."""
    org = None
    if org_slug:
        org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))
        if org is None:
            raise click.ClickException(f"No organisation with slug '{org_slug}'.")
    try:
        user = auth_services.create_user(email, name, password, role=Role(role), organisation=org)
    except auth_services.AccountError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


@users_cli.command("list")
def users_list() -> None:
    """List every account: e-mail, role, organisation, status."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        org = user.organisation.slug if user.organisation else "-"
        status = "active" if user.active else "inactive"
        click.echo(f"{user.email}\t{user.role}\t{org}\t{status}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="A label for the token.")
def users_token(email: str, name: str) -> None:
    """Print a new API bearer token for an account."""
    user = auth_services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    click.echo(auth_services.create_api_token(user, name))


@click.command("demo")
def demo_command() -> None:
    """Create the demo organisation, cohort and accounts (idempotent) and print the accounts."""
    created = create_demo_data()
    click.echo("Demo data created." if created else "Demo data already present.")
    click.echo("Demo accounts (e-mail / password / role):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email:28} {account.password:20} {account.role}")


@click.group("content")
def content_cli() -> None:
    """Check and load the course from content/."""


@content_cli.command("check")
@click.argument("path", required=False, type=click.Path(file_okay=False))
def content_check(path: str | None) -> None:
    """Validate every file; print each problem as path:line: message (exit status 1)."""
    problems = content_services.check_content(path)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo(f"{content_services.content_root(path)}: the course is valid.")


@content_cli.command("load")
@click.argument("path", required=False, type=click.Path(file_okay=False))
def content_load(path: str | None) -> None:
    """Validate then load the course into the database (idempotent; nothing loads on error)."""
    try:
        result = content_services.load_content(path)
    except content_services.ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo("Nothing was loaded.", err=True)
        raise click.exceptions.Exit(1) from error
    report = result.report
    click.echo(f"Course version {report.version[:12]} loaded in {result.seconds:.2f} s.")
    for line in report.lines():
        click.echo(f"  {line}")
