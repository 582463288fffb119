"""Account rules: passwords, sign-in, registration, password reset and API tokens.

Plain functions over the session; each use case commits once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Table, bindparam, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from lms.auth.user_loading import USER_COLUMNS, attach_user
from lms.extensions import db
from lms.mail import send_mail
from lms.models import ApiToken, Cohort, CohortMembership, CohortRole, Organisation, Role, User
from lms.models.base import utcnow
from lms.models.driver import DriverStatement

RESET_SALT = "escales-password-reset"
INVITATION_SALT = "escales-invitation"
TOKEN_PREFIX = "esc_"


class AccountError(ValueError):
    """A rule refused the request; the message is safe to show to the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_email(email: str) -> str:
    """E-mail addresses are compared trimmed and lower-cased."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    """Hash with the configured algorithm (scrypt by default)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_problem(password: str) -> str | None:
    """Why a password is refused, or None when acceptable."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"at least {minimum} characters"
    if len(password) > 256:
        return "at most 256 characters"
    return None


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail address, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


_DUMMY_HASH: str | None = None


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None — the same way for every failure.

    An unknown address still costs one hash check, so timing does not tell
    whether an account exists.
    """
    global _DUMMY_HASH
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def record_login(user: User) -> None:
    """Remember when the user last signed in."""
    user.last_login_at = utcnow()
    db.session.commit()


@dataclass(frozen=True)
class JoinTarget:
    """What a join code opens: an organisation, and possibly one of its cohorts."""

    organisation: Organisation
    cohort: Cohort | None = None


def find_join_target(code: str) -> JoinTarget | None:
    """The open organisation or cohort whose join code this is."""
    code = code.strip()
    if not code:
        return None
    cohort = db.session.scalar(select(Cohort).where(Cohort.join_code == code))
    if cohort is not None:
        if not cohort.join_open or not cohort.organisation.active:
            return None
        return JoinTarget(cohort.organisation, cohort)
    org = db.session.scalar(select(Organisation).where(Organisation.join_code == code))
    if org is not None and org.active:
        return JoinTarget(org)
    return None


def create_user(
    email: str,
    name: str,
    password: str | None,
    role: Role = Role.LEARNER,
    organisation: Organisation | None = None,
    locale: str = "fr",
) -> User:
    """Add a user (not committed). Refuses a taken address or a weak password."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter a valid e-mail address.", "email")
    if find_user_by_email(email) is not None:
        raise AccountError("An account already uses this e-mail address.", "email")
    if password is not None:
        problem = password_problem(password)
        if problem:
            raise AccountError(f"The password needs {problem}.", "password")
    user = User(
        email=email,
        name=name.strip() or email.split("@")[0],
        password_hash=hash_password(password) if password else None,
        role=role,
        organisation=organisation,
        locale=locale,
    )
    db.session.add(user)
    return user


def register(email: str, name: str, password: str, join_code: str, locale: str) -> User:
    """Self-registration as a learner, optionally with an organisation or cohort join code."""
    target = None
    if join_code.strip():
        target = find_join_target(join_code)
        if target is None:
            raise AccountError("This join code is unknown or closed.", "join_code")
    user = create_user(
        email,
        name,
        password,
        organisation=target.organisation if target else None,
        locale=locale,
    )
    if target and target.cohort:
        db.session.add(CohortMembership(cohort=target.cohort, user=user, role=CohortRole.LEARNER))
    db.session.commit()
    return user


def join_with_code(user: User, join_code: str) -> JoinTarget:
    """An existing user joins an organisation or cohort by its code."""
    target = find_join_target(join_code)
    if target is None:
        raise AccountError("This join code is unknown or closed.", "join_code")
    if user.organisation_id not in (None, target.organisation.id):
        raise AccountError("You already belong to another organisation.", "join_code")
    user.organisation = target.organisation
    if target.cohort:
        existing = db.session.scalar(
            select(CohortMembership).where(
                CohortMembership.cohort_id == target.cohort.id,
                CohortMembership.user_id == user.id,
            )
        )
        if existing is None:
            db.session.add(CohortMembership(cohort=target.cohort, user=user))
        else:
            existing.removed_at = None
    db.session.commit()
    return target


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    # Part of the token: changing the password invalidates every earlier link.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    """A signed token for a password-reset link; single-use through the password fingerprint."""
    return _serializer(RESET_SALT).dumps({"uid": user.id, "fp": _password_fingerprint(user)})


def make_invitation_token(user: User) -> str:
    """A signed token for a new account's link to choose its password: like a reset token
    (single-use), but valid INVITATION_MAX_AGE seconds (14 days) instead of one hour."""
    return _serializer(INVITATION_SALT).dumps({"uid": user.id, "fp": _password_fingerprint(user)})


def user_for_reset_token(token: str, max_age: int | None = None) -> User | None:
    """The user a valid, unexpired, unused reset token belongs to."""
    if max_age is None:
        max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    return _user_for_token(RESET_SALT, token, max_age)


def user_for_invitation_token(token: str, max_age: int | None = None) -> User | None:
    """The user a valid, unexpired, unused invitation token belongs to."""
    if max_age is None:
        max_age = current_app.config["INVITATION_MAX_AGE"]
    return _user_for_token(INVITATION_SALT, token, max_age)


def user_for_password_link(token: str) -> User | None:
    """The user of a link to choose a password: a reset link or an invitation."""
    return user_for_reset_token(token) or user_for_invitation_token(token)


def _user_for_token(salt: str, token: str, max_age: int) -> User | None:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(data.get("fp", "")), _password_fingerprint(user)):
        return None
    return user


def send_invitation(user: User) -> None:
    """E-mail a new account its link to choose a password (raises OSError if the mail
    cannot go: the account exists either way)."""
    link = current_app.config["BASE_URL"].rstrip("/") + url_for(
        "auth.reset_password", token=make_invitation_token(user)
    )
    send_mail(
        user.email,
        _("Your Escales account"),
        _("An account has been created for you. Choose your password here:\n%(link)s", link=link),
    )


def set_password(user: User, password: str) -> None:
    """Change a password after checking it is acceptable."""
    problem = password_problem(password)
    if problem:
        raise AccountError(f"The password needs {problem}.", "password")
    user.password_hash = hash_password(password)
    db.session.commit()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, name: str) -> str:
    """Create a bearer token and return it in clear; only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    days = current_app.config["API_TOKEN_MAX_AGE_DAYS"]
    db.session.add(
        ApiToken(
            user=user,
            name=(name.strip() or "API")[:80],
            token_hash=_hash_token(token),
            prefix=token[:12],
            expires_at=utcnow() + timedelta(days=days) if days else None,
        )
    )
    db.session.commit()
    return token


def user_for_api_token(token: str, now: datetime | None = None) -> User | None:
    """The active user owning this unrevoked, unexpired token; notes when it was used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    session = db.session()
    found = _TOKEN_AND_USER.first(session.connection(), {"token_hash": _hash_token(token)})
    now = now or utcnow()
    if found is None:
        return None
    token_id, revoked_at, expires_at, last_used_at = found[:4]
    user = attach_user(session, found[4:])
    if revoked_at is not None or not user.active:
        return None
    if expires_at is not None and expires_at <= now:
        return None
    # Write at most once a minute: a busy client must not turn reads into writes.
    if last_used_at is None or now - last_used_at > timedelta(minutes=1):
        session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        session.commit()
    return user


# What checking a token reads, and its user, by the token's hash: one Core statement built
# once and run on the driver's cursor (every API request runs it; lms.models.driver); the
# user is made from its columns (lms.auth.user_loading).
_TOKEN = cast(Table, ApiToken.__table__)
_USER = cast(Table, User.__table__)
_TOKEN_AND_USER = DriverStatement(
    select(
        _TOKEN.c.id, _TOKEN.c.revoked_at, _TOKEN.c.expires_at, _TOKEN.c.last_used_at, *USER_COLUMNS
    )
    .select_from(_TOKEN.join(_USER, _USER.c.id == _TOKEN.c.user_id))
    .where(_TOKEN.c.token_hash == bindparam("token_hash"))
)


def revoke_api_token(user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False if it is not theirs."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        return False
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.commit()
    return True


def count_users() -> int:
    """How many accounts exist."""
    return db.session.scalar(select(func.count(User.id))) or 0
