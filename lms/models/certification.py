"""Certification: programmes an organisation defines, the certificates it issues, its signing keys.

A certificate is a snapshot: who was certified, against which requirements,
with which levels, by whom and until when. It never changes afterwards except
to be revoked or replaced by a recertification (history is kept in
`CertificateEvent` rows and in the chain of `previous_id`).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, UTCDateTime, utcnow


class IssueMode(enum.StrEnum):
    """How a programme's certificates are issued once a learner is eligible."""

    AUTOMATIC = "automatic"
    APPROVAL = "approval"  # an org admin approves each certificate


class RenewalBasis(enum.StrEnum):
    """Where a recertification's new validity period starts (Totara's two options)."""

    COMPLETION = "completion"  # the date the learner recertified
    EXPIRY = "expiry"  # the previous certificate's expiry, when recertified before it


class CertificationProgramme(Base):
    """What an organisation certifies: required competency levels and modules, and validity."""

    __tablename__ = "certification_programme"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    validity_months: Mapped[int | None] = mapped_column(Integer)  # None: never expires
    issue_mode: Mapped[IssueMode] = mapped_column(
        Enum(IssueMode, native_enum=False, length=20, validate_strings=True),
        default=IssueMode.APPROVAL,
    )
    renewal_window_days: Mapped[int] = mapped_column(Integer, default=60)
    renewal_basis: Mapped[RenewalBasis] = mapped_column(
        Enum(RenewalBasis, native_enum=False, length=20, validate_strings=True),
        default=RenewalBasis.EXPIRY,
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    requirements: Mapped[list[ProgrammeRequirement]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", passive_deletes=True
    )
    modules: Mapped[list[ProgrammeModule]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", passive_deletes=True
    )


class ProgrammeRequirement(Base):
    """A competency a programme requires, with the minimum level (1-4)."""

    __tablename__ = "programme_requirement"
    __table_args__ = (UniqueConstraint("programme_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("certification_programme.id", ondelete="CASCADE"), index=True
    )
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"))
    min_level: Mapped[int] = mapped_column(Integer)

    programme: Mapped[CertificationProgramme] = relationship(back_populates="requirements")


class ProgrammeModule(Base):
    """A module a programme requires: its quiz passed, its practical work accepted, or both."""

    __tablename__ = "programme_module"
    __table_args__ = (UniqueConstraint("programme_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("certification_programme.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    require_quiz: Mapped[bool] = mapped_column(default=True)
    require_practice: Mapped[bool] = mapped_column(default=False)

    programme: Mapped[CertificationProgramme] = relationship(back_populates="modules")


class OrganisationKey(Base):
    """An organisation's Ed25519 key pair for signing Open Badges 3.0 credentials.

    The private key is stored encrypted (see lms.certification.keys); the public
    key is published as a JWK. Retired keys stay published so that credentials
    they signed still verify.
    """

    __tablename__ = "organisation_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    kid: Mapped[str] = mapped_column(String(64), unique=True)  # RFC 7638 JWK thumbprint
    algorithm: Mapped[str] = mapped_column(String(20), default="EdDSA")
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    private_key_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Certificate(Base):
    """A certificate issued to a person: an unguessable public id and a snapshot of what it says."""

    __tablename__ = "certificate"
    __table_args__ = (
        Index("ix_certificate_org_current", "organisation_id", "is_current"),
        Index("ix_certificate_user", "user_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)  # secrets.token_urlsafe
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("certification_programme.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate.id", ondelete="SET NULL")
    )
    # The latest certificate of a person for a programme is "current"; `current_key` is
    # "<programme>:<user>" on that one only, so the database refuses two current ones.
    is_current: Mapped[bool] = mapped_column(default=True)
    current_key: Mapped[str | None] = mapped_column(String(40), unique=True)

    # Snapshot at issue time: what the certificate says, whatever changes later.
    recipient_name: Mapped[str] = mapped_column(String(120))
    recipient_identity: Mapped[str] = mapped_column(String(80))  # "sha256$" + salted e-mail hash
    recipient_salt: Mapped[str] = mapped_column(String(40))
    programme_name: Mapped[str] = mapped_column(String(160))
    programme_description: Mapped[str] = mapped_column(Text, default="")
    organisation_name: Mapped[str] = mapped_column(String(160))
    # [{"code", "title", "level", "level_label", "required_level"}]
    competencies: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"slug", "title", "quiz", "practice"}]: the module requirements that were met
    modules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    renewal_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    automatic: Mapped[bool] = mapped_column(default=False)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    issuer_name: Mapped[str] = mapped_column(String(120), default="")  # "" when automatic

    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revocation_reason: Mapped[str] = mapped_column(Text, default="")

    # Open Badges 3.0 credential, signed once at issue time (compact JWS).
    credential_jwt: Mapped[str] = mapped_column(Text, default="")
    key_id: Mapped[int | None] = mapped_column(ForeignKey("organisation_key.id"))

    # When the sweep told the holder (once each) that renewal opened / the certificate expired.
    renewal_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expiry_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    programme: Mapped[CertificationProgramme] = relationship()
    events: Mapped[list[CertificateEvent]] = relationship(
        back_populates="certificate",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CertificateEvent.id",
    )


class CertificateEventKind(enum.StrEnum):
    """What happened to a certificate."""

    ISSUED = "issued"
    RENEWAL_OPENED = "renewal_opened"
    RENEWED = "renewed"  # a newer certificate replaced this one
    EXPIRED = "expired"
    REVOKED = "revoked"


class CertificateEvent(Base):
    """One entry of a certificate's status history."""

    __tablename__ = "certificate_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificate.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[CertificateEventKind] = mapped_column(
        Enum(CertificateEventKind, native_enum=False, length=20, validate_strings=True)
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    certificate: Mapped[Certificate] = relationship(back_populates="events")
