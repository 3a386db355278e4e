"""The tables: workspaces, members, documents, versions, share links, the audit log and chain heads.

Ids that appear in links (workspaces, documents) are random 32-character hex strings, so a link
cannot be guessed; an id on its own still grants nothing, because every read checks membership.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("owner", "editor", "viewer")
KINDS = ("scenario", "claim", "deal")
NAME_MAX = 200
MESSAGE_MAX = 500
DESCRIPTION_MAX = 2000
SUBJECT_MAX = 512


class Base(DeclarativeBase):
    pass


class Workspace(Base):
    __tablename__ = "workspaces"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(320))


class Member(Base):
    __tablename__ = "members"
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(320))
    # Who the membership belongs to: the provider's issuer and subject. NULL while it is an
    # invitation by email; the first sign-in with that address, verified, takes it up.
    subject: Mapped[str | None] = mapped_column(String(SUBJECT_MAX), nullable=True)
    __table_args__ = (
        CheckConstraint("role in ('owner', 'editor', 'viewer')", name="ck_members_role"),
        Index("ix_members_email", "email"),
        Index("ix_members_subject", "subject"),
    )


class Document(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    name_key: Mapped[str] = mapped_column(String(NAME_MAX))  # casefolded: "Offer" and "offer" clash
    description: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    head: Mapped[int] = mapped_column(Integer)  # the newest version's number: the optimistic lock
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(320))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(320))
    __table_args__ = (
        UniqueConstraint("workspace_id", "name_key", name="uq_documents_name"),
        CheckConstraint("kind in ('scenario', 'claim', 'deal')", name="ck_documents_kind"),
    )


class Version(Base):
    __tablename__ = "versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    number: Mapped[int] = mapped_column(Integer)
    spec: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    message: Mapped[str] = mapped_column(String(MESSAGE_MAX))
    based_on: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The hash chain (store.chain): place in the chain, the previous row's hash, this row's hash.
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    row_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_versions_number"),)


class ShareLink(Base):
    __tablename__ = "share_links"
    # Only a hash of the token is kept: a copy of the database does not hand out working links.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(320))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: follows the newest
    __table_args__ = (Index("ix_share_links_document", "document_id"),)


class SignInSession(Base):
    """One sign-in, checked on every run. Its id is a hash of the identity token's own claims, so a
    copied cookie maps to the same row, and ending the row ends the copy too."""

    __tablename__ = "sign_in_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    email: Mapped[str] = mapped_column(String(320))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ended_why: Mapped[str | None] = mapped_column(String(40), nullable=True)
    __table_args__ = (Index("ix_sign_in_sessions_subject", "subject"),)


class Draft(Base):
    """The scenario on screen while its user is away signing in; handed back once, then deleted."""

    __tablename__ = "drafts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    spec: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(320))
    workspace_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    document_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    row_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    __table_args__ = (Index("ix_audit_workspace", "workspace_id", "id"),)


class ChainHead(Base):
    """Each hash chain's length and newest hash, so rows cut from the end are noticed too."""

    __tablename__ = "chain_heads"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    length: Mapped[int] = mapped_column(Integer)
    row_hash: Mapped[str] = mapped_column(String(64))
