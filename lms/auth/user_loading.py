"""Loading the signed-in user at the start of every request.

Every signed-in page loads its user before anything else, so this is the most frequent
query of the site. The ORM's `Session.get` spends more time building the instance than
SQLite spends finding the row: here the row is read with one Core statement, built once and
run on the driver's cursor (lms.models.driver), and the instance is made from it and
attached to the request's session as though the ORM had loaded it. It is the same fresh
row on every request (nothing is kept between requests), so deactivating an account or
changing a role takes effect at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached

from lms.models import User
from lms.models.driver import DriverStatement

_COLUMNS = inspect(User).column_attrs
_KEYS = tuple(attribute.key for attribute in _COLUMNS)
#: Every column of a user, in the order `attach_user` reads them (for other queries too).
USER_COLUMNS = tuple(attribute.expression for attribute in _COLUMNS)
_USER_ROW = DriverStatement(
    select(*USER_COLUMNS).where(User.__table__.c.id == bindparam("user_id"))
)


def load_user(session: Session, user_id: int) -> User | None:
    """The user with this id, attached to `session` (None when there is none)."""
    identity = session.identity_map.get((User, (user_id,), None))
    if isinstance(identity, User):
        return identity  # already loaded by this session: the ORM would not query either
    row = _USER_ROW.first(session.connection(), {"user_id": user_id})
    if row is None:
        return None
    return attach_user(session, row)


def attach_user(session: Session, values: Sequence[Any]) -> User:
    """The user whose `USER_COLUMNS` values these are, attached to `session` as though the
    ORM had loaded it (the instance the session already holds, if any)."""
    identity = session.identity_map.get((User, (values[_ID],), None))
    if isinstance(identity, User):
        return identity
    user: User = _MANAGER.new_instance()
    # Into the instance's dict, as the ORM's loading does: no change events, no history.
    user.__dict__.update(zip(_KEYS, values, strict=True))
    # As loaded by a query: no pending change, an identity; the session adopts it as is.
    make_transient_to_detached(user)
    session.add(user)
    return user


_ID = _KEYS.index("id")
_MANAGER = inspect(User).class_manager
