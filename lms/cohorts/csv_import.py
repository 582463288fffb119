"""Importing learners from a CSV file: read it, preview it, then import it all at once.

Reading is forgiving about what spreadsheets produce: UTF-8 with or without a
byte-order mark, or Windows-1252 (Excel's "CSV" on Windows); commas,
semicolons or tabs; headers in English or French (``email``/``courriel``,
``name``/``nom``, or ``prénom`` and ``nom``, ``role``/``rôle``), or no header
when the first column holds e-mail addresses. Checking is strict: the file is
imported only when every line is valid (lms.cohorts.rules.plan_import), and
then in one transaction.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.access import ASSIGNABLE_ROLES
from lms.audit import record_audit
from lms.auth.services import create_user
from lms.cohorts.rules import (
    ExistingAccount,
    ImportAction,
    ImportPlan,
    ImportRow,
    RowProblem,
    normalise_email,
    plan_import,
)
from lms.i18n import N_
from lms.models import Cohort, CohortMembership, CohortRole, Role, User

#: The largest file accepted, in bytes (about 10,000 lines of learners).
MAX_FILE_BYTES = 1024 * 1024

_EMAIL_HEADERS = {
    "email",
    "e-mail",
    "mail",
    "courriel",
    "adresse e-mail",
    "adresse email",
    "adresse mail",
}
_NAME_HEADERS = {"name", "full name", "nom complet", "prenom nom", "nom et prenom"}
_FIRST_NAME_HEADERS = {"first name", "firstname", "given name", "prenom"}
_LAST_NAME_HEADERS = {"last name", "lastname", "surname", "family name", "nom de famille"}
_ROLE_HEADERS = {"role"}


class ImportFileError(ValueError):
    """The file cannot be read at all (too big, not text); `message` is an English msgid."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), else Windows-1252."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            N_("The file is larger than %(size)d KB."), size=MAX_FILE_BYTES // 1024
        )
    if b"\x00" in data:
        raise ImportFileError(N_("This is not a CSV text file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _header_key(cell: str) -> str:
    # "Prénom", " E-mail " and "ADRESSE E-MAIL" all compare equal to their plain form.
    text = unicodedata.normalize("NFKD", cell.strip().lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.replace("_", " ").split())


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


@dataclass(frozen=True)
class _Columns:
    email: int
    name: int | None = None
    first_name: int | None = None
    last_name: int | None = None
    role: int | None = None


def _columns(header: Sequence[str]) -> _Columns | None:
    keys = [_header_key(cell) for cell in header]

    def find(names: set[str]) -> int | None:
        return next((i for i, key in enumerate(keys) if key in names), None)

    email = find(_EMAIL_HEADERS)
    if email is None:
        return None
    first = find(_FIRST_NAME_HEADERS)
    last = find(_LAST_NAME_HEADERS)
    name = find(_NAME_HEADERS)
    if first is not None and last is None:
        last = find({"nom"})  # with a "prénom" column, "nom" is the family name
    elif name is None:
        name = find({"nom"})
    return _Columns(
        email=email, name=name, first_name=first, last_name=last, role=find(_ROLE_HEADERS)
    )


def _cell(cells: Sequence[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


@dataclass(frozen=True)
class ParsedFile:
    """The lines of a file of learners, or why it cannot be read."""

    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def parse(text: str) -> ParsedFile:
    """Read the lines of a file of learners; line numbers are the file's (the header is 1).

    Blank lines are skipped. A file whose first line has no e-mail column but
    whose first cell is an address is read as columns e-mail, name, role.
    """
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return ParsedFile(problems=[RowProblem(1, N_("The file is empty."))])
    first = next(line for line in lines if line.strip())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    rows: list[ImportRow] = []
    columns: _Columns | None = None
    start = 1
    try:
        for cells in reader:
            line = start
            start = reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = _columns(cells)
                if columns is not None:
                    continue
                if "@" not in cells[0]:
                    return ParsedFile(
                        problems=[
                            RowProblem(
                                line,
                                N_(
                                    "The first line must name the columns, with one called "
                                    "email (or e-mail, courriel), then name and role."
                                ),
                            )
                        ]
                    )
                columns = _Columns(email=0, name=1, role=2)
            name = _cell(cells, columns.name)
            if columns.first_name is not None or columns.last_name is not None:
                parts = (_cell(cells, columns.first_name), _cell(cells, columns.last_name))
                name = " ".join(part for part in parts if part) or name
            rows.append(
                ImportRow(
                    line=line,
                    email=_cell(cells, columns.email),
                    name=name,
                    role=_cell(cells, columns.role),
                )
            )
    except csv.Error as error:
        return ParsedFile(
            rows,
            [
                RowProblem(
                    reader.line_num,
                    N_("The file is not valid CSV: %(error)s."),
                    {"error": str(error)},
                )
            ],
        )
    return ParsedFile(rows)


# --- preview and import ----------------------------------------------------------------------


def _existing_accounts(
    session: Session, cohort: Cohort, emails: set[str]
) -> dict[str, ExistingAccount]:
    """The accounts of these addresses, with their membership of the cohort (one query)."""
    if not emails:
        return {}
    query = (
        select(User, CohortMembership)
        .outerjoin(
            CohortMembership,
            (CohortMembership.user_id == User.id) & (CohortMembership.cohort_id == cohort.id),
        )
        .where(User.email.in_(emails))  # stored normalised (lms.auth.services)
    )
    accounts = {}
    for user, membership in session.execute(query):
        accounts[user.email] = ExistingAccount(
            email=user.email,
            role=str(user.role),
            organisation_id=user.organisation_id,
            active=user.active,
            membership_role=str(membership.role) if membership else None,
            membership_removed=membership is not None and membership.removed_at is not None,
        )
    return accounts


def check_file(session: Session, cohort: Cohort, actor: User, text: str) -> ImportPlan:
    """What importing this text into the cohort would do, line by line (nothing is written)."""
    parsed = parse(text)
    if parsed.problems:
        return ImportPlan([], parsed.problems)
    emails = {normalise_email(row.email) for row in parsed.rows if row.email.strip()}
    return plan_import(
        parsed.rows,
        _existing_accounts(session, cohort, emails),
        organisation_id=cohort.organisation_id,
        may_add_trainers=Role.TRAINER in ASSIGNABLE_ROLES[Role(actor.role)],
    )


def _users_by_email(session: Session, emails: list[str]) -> dict[str, User]:
    if not emails:
        return {}
    return {
        user.email: user for user in session.scalars(select(User).where(User.email.in_(emails)))
    }


def _memberships_by_user(
    session: Session, cohort_id: int, user_ids: list[int]
) -> dict[int, CohortMembership]:
    if not user_ids:
        return {}
    query = select(CohortMembership).where(
        CohortMembership.cohort_id == cohort_id, CohortMembership.user_id.in_(user_ids)
    )
    return {membership.user_id: membership for membership in session.scalars(query)}


@dataclass(frozen=True)
class ImportResult:
    """What an import did: its plan, and the new accounts to invite."""

    plan: ImportPlan
    created: list[User]
    imported: bool


def import_file(session: Session, cohort: Cohort, actor: User, text: str) -> ImportResult:
    """Check the file again and, when every line is valid, import it all and commit once.

    New accounts belong to the cohort's organisation and have no password: the
    caller sends each an invitation to choose one. People removed earlier come
    back with their history. Nothing is written when any line has a problem.
    """
    plan = check_file(session, cohort, actor, text)
    if not plan.ok:
        return ImportResult(plan, [], imported=False)
    wanted = [row for row in plan.rows if row.action != ImportAction.ALREADY]
    users = _users_by_email(session, [row.email for row in wanted])
    memberships = _memberships_by_user(session, cohort.id, [u.id for u in users.values()])
    created: list[User] = []
    # Lines are checked already: no flush before each account's uniqueness check, one
    # batch of inserts at the commit.
    with session.no_autoflush:
        for row in wanted:
            role = CohortRole(row.cohort_role)
            user = users.get(row.email)
            if user is None:
                user = create_user(
                    row.email,
                    row.name,
                    None,
                    role=Role.TRAINER if role == CohortRole.TRAINER else Role.LEARNER,
                    organisation=cohort.organisation,
                )
                created.append(user)
            else:
                if user.organisation_id is None:
                    user.organisation_id = cohort.organisation_id
                if row.promote:
                    user.role = Role.TRAINER
            membership = memberships.get(user.id) if user.id is not None else None
            if membership is None:
                session.add(CohortMembership(cohort=cohort, user=user, role=role))
            else:
                membership.removed_at = None
                membership.role = role
    record_audit(
        session,
        actor=actor,
        action="cohort.imported",
        target_type="cohort",
        target_id=cohort.id,
        organisation_id=cohort.organisation_id,
        details={
            "created": plan.count(ImportAction.CREATE),
            "enrolled": plan.count(ImportAction.ENROL),
            "reenrolled": plan.count(ImportAction.REENROL),
            "already": plan.count(ImportAction.ALREADY),
        },
    )
    session.commit()
    return ImportResult(plan, created, imported=True)
