"""`flask content import-gift|import-aiken|import-case` and `flask xapi send`: thin wrappers.

`register_commands(app)` is called by lms.cli.init_app; the content commands join the
existing `content` group.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app

from lms.cli import content_cli
from lms.content.services import content_root
from lms.extensions import db
from lms.interop.aiken import parse_aiken
from lms.interop.case import CaseImportError, export_case, framework_yaml_text, import_case
from lms.interop.case_services import framework_snapshot
from lms.interop.gift import parse_gift
from lms.interop.quiz_import import ParsedQuiz
from lms.interop.quiz_services import QuizImportError, import_questions
from lms.interop.xapi_sender import Lrs, outbox_status, send_all_due
from lms.models.base import utcnow


def register_commands(app: Flask) -> None:
    """Add the interoperability commands (the content ones are declared on content_cli)."""
    app.cli.add_command(xapi_cli)


@click.group("xapi")
def xapi_cli() -> None:
    """Send xAPI statements to the Learning Record Store."""


@xapi_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running: send what is due every interval.")
@click.option(
    "--interval", type=int, default=None, help="Seconds between rounds (XAPI_SEND_INTERVAL)."
)
def xapi_send(loop: bool, interval: int | None) -> None:
    """Send the statements that are due to XAPI_ENDPOINT (retries with backoff; never loses
    or duplicates a statement)."""
    config = current_app.config
    if not config.get("XAPI_ENDPOINT"):
        raise click.ClickException("XAPI_ENDPOINT is not set: statements stay in the outbox.")
    lrs = Lrs(
        endpoint=config["XAPI_ENDPOINT"],
        username=config.get("XAPI_USERNAME", ""),
        password=config.get("XAPI_PASSWORD", ""),
    )
    pause = interval if interval is not None else int(config.get("XAPI_SEND_INTERVAL", 10))
    while True:
        report = send_all_due(
            db.session(), lrs, utcnow, batch_size=int(config.get("XAPI_BATCH_SIZE", 50))
        )
        if report.sent or report.failed or not loop:
            message = f"{report.sent} statement(s) sent, {report.failed} to retry later."
            click.echo(message + (f" ({report.error})" if report.error else ""))
        if not loop:
            if report.failed:
                raise click.exceptions.Exit(1)
            return
        db.session.remove()
        time.sleep(pause)


@xapi_cli.command("status")
def xapi_status() -> None:
    """How many statements are sent, waiting, and failing (with the last error)."""
    for line in outbox_status(db.session()):
        click.echo(line)


def _import(
    parse: Callable[[str], ParsedQuiz],
    file: str,
    module_slug: str,
    output: str | None,
    category: str | None,
    dry_run: bool,
) -> None:
    """Parse `file`, import it, print every note as FILE:line: severity: message."""
    source = Path(file)
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file}: the file is not UTF-8 text") from error
    parsed = parse(text)
    try:
        report = import_questions(
            parsed,
            content_root=content_root(),
            module_slug=module_slug,
            output=Path(output) if output else None,
            category=category,
            dry_run=dry_run,
        )
    except QuizImportError as error:
        for note in parsed.notes:
            click.echo(note.format(file), err=True)
        for message in error.messages:
            click.echo(message, err=True)
        raise click.exceptions.Exit(1) from error
    for note in report.notes:
        click.echo(note.format(file), err=True)
    verb = "would add" if dry_run else "added"
    click.echo(
        f"{report.target}: {verb} {len(report.added)} question(s): {', '.join(report.added)}"
    )
    if report.skipped:
        click.echo(f"{report.skipped} question(s) not imported (see the errors above).", err=True)
        raise click.exceptions.Exit(1)


_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False))
_MODULE = click.option(
    "--module", "module_slug", required=True, help="Slug of the module whose quiz receives them."
)
_OUTPUT = click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this quiz.yaml instead of the module's (created, or appended to).",
)
_DRY_RUN = click.option("--dry-run", is_flag=True, help="Report only; write nothing.")


@content_cli.command("import-gift")
@_FILE
@_MODULE
@_OUTPUT
@click.option("--category", help="Import only the questions of this $CATEGORY.")
@_DRY_RUN
def import_gift(
    file: str, module_slug: str, output: str | None, category: str | None, dry_run: bool
) -> None:
    """Import Moodle GIFT questions into a module's quiz.yaml (exit status 1 if some
    questions could not be imported; the others are written)."""
    _import(parse_gift, file, module_slug, output, category, dry_run)


@content_cli.command("import-aiken")
@_FILE
@_MODULE
@_OUTPUT
@_DRY_RUN
def import_aiken(file: str, module_slug: str, output: str | None, dry_run: bool) -> None:
    """Import Aiken multiple-choice questions into a module's quiz.yaml."""
    _import(parse_aiken, file, module_slug, output, None, dry_run)


@content_cli.command("export-case")
@click.option("--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
def export_case_command(output: str | None) -> None:
    """Print the loaded competency framework as a 1EdTech CASE 1.1 package (JSON)."""
    base_url = current_app.config["BASE_URL"]
    package = export_case(framework_snapshot(db.session(), base_url), base_url)
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"{output}: {len(package['CFItems'])} items written.")
    else:
        click.echo(text, nl=False)


@content_cli.command("import-case")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="Where to write framework.yaml (default: the content folder's).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def import_case_command(file: str, output: str | None, force: bool) -> None:
    """Turn a CASE 1.1 package (JSON) into framework.yaml; then run `flask content check`."""
    target = Path(output) if output else content_root() / "framework.yaml"
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{file}: not a JSON file ({error})") from error
    try:
        result = import_case(data)
    except CaseImportError as error:
        for problem in error.problems:
            click.echo(f"{file}: {problem}", err=True)
        click.echo("Nothing was written.", err=True)
        raise click.exceptions.Exit(1) from error
    for note in result.notes:
        click.echo(f"{file}: warning: {note}", err=True)
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists: pass --force to replace it.")
    target.write_text(framework_yaml_text(result, Path(file).name), encoding="utf-8")
    count = len(result.framework["competencies"])
    click.echo(f"{target}: {count} competencies written.")
