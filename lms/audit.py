"""Recording audited actions. There is no update or delete: the log cannot be edited in the app."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lms.models import User
from lms.models.audit import AuditEvent


def record_audit(
    session: Session,
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: object,
    organisation_id: int | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session (the caller's use case commits it with the change)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else "",
        organisation_id=organisation_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        details=details or {},
    )
    session.add(event)
    return event
