"""Saved, versioned documents in workspaces, with every access check in one place.

A page or a command never touches a table: it asks a :class:`UserStore` (work as one signed-in
person) or :meth:`Store.open_shared` (one document through a read-only link). Every method of
``UserStore`` checks the person's role in the document's workspace before it reads or writes, so a
page that forgets to check cannot leak a document. A document of a workspace the person does not
belong to answers :class:`NotFound`, exactly as a document that does not exist.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, Row, event, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import roi
from roi.inputs.library import dump_spec, parse_yaml, validate
from roi.inputs.schema import ClaimSpec, ScenarioSpec

from . import chain, db, errors, names
from .errors import Forbidden, NotFound, StaleVersion
from .identity import DRAFT_LIFETIME, TOUCH_EVERY, Identity, Lifetimes, why_ended
from .models import (
    DESCRIPTION_MAX,
    KINDS,
    MESSAGE_MAX,
    NAME_MAX,
    ROLES,
    AuditEntry,
    Document,
    Draft,
    Member,
    ShareLink,
    SignInSession,
    Version,
    Workspace,
)

LOCAL_USER = "local"
LOCAL_WORKSPACE = "My workspace"
RANK = {"viewer": 0, "editor": 1, "owner": 2}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SAVE_RETRIES = 5


def now() -> datetime:
    return datetime.now(UTC)


def utc(value: datetime) -> datetime:
    """SQLite hands datetimes back without a zone; everything here is stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def new_id() -> str:
    return uuid.uuid4().hex


def sha256_hex(text: str) -> str:
    """The SHA-256 of a text (UTF-8) in 64 hex digits: how a share token or a draft key is kept, and a
    backup's checksum of each version's text."""
    return hashlib.sha256(text.encode()).hexdigest()


def add_audit_entry(
    session: Session,
    actor: str,
    action: str,
    workspace_id: str | None,
    document_id: str | None,
    detail: str,
    at: datetime | None = None,
) -> None:
    """Record one entry in the audit log (``at`` is now unless given)."""
    session.add(
        AuditEntry(
            at=at or now(),
            actor=actor,
            workspace_id=workspace_id,
            document_id=document_id,
            action=action,
            detail=detail,
        )
    )


def display_name(email: str) -> str:
    """How an author is shown: the local single user is 'you (local mode)'."""
    return "you (local mode)" if email == LOCAL_USER else email


# --------------------------------------------------------------------------------------------
# What callers get back: plain frozen records, never live database rows.


@dataclass(frozen=True)
class WorkspaceInfo:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class MemberInfo:
    email: str
    role: str
    added_at: datetime
    added_by: str


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    workspace_id: str
    workspace_name: str
    kind: str
    name: str
    description: str
    archived: bool
    head: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    role: str
    message: str = ""  # the newest version's message

    @property
    def can_edit(self) -> bool:
        return RANK[self.role] >= RANK["editor"]


@dataclass(frozen=True)
class VersionInfo:
    document_id: str
    number: int
    author: str
    created_at: datetime
    message: str
    based_on: int | None


@dataclass(frozen=True)
class Loaded:
    """One version of a document, its text and the spec validated again on the way out."""

    document: DocumentInfo
    version: VersionInfo
    text: str
    spec: BaseModel


@dataclass(frozen=True)
class AuditInfo:
    at: datetime
    actor: str
    action: str
    document_id: str | None
    detail: str


# --------------------------------------------------------------------------------------------
# Checking what users type


def clean_name(name: str, what: str = "name") -> str:
    """A name in normal form (NFKC, spaces collapsed), refused with control characters or none visible."""
    raw = str(name or "")
    _refuse_controls(raw, what, "name")
    name = names.normal_form(raw)
    if not names.look_alike_key(name):
        raise roi.InputError(what, "name", f"give a name (1 to {NAME_MAX} characters)")
    _refuse_long(name, what, "name", NAME_MAX)
    return name


def _refuse_controls(text: str, what: str, field: str, allowed: str = "") -> None:
    found = [code for code in names.control_characters(text) if chr(int(code[2:], 16)) not in allowed]
    if found:
        raise roi.InputError(what, field, f"control characters ({', '.join(found[:3])}) are not allowed")


def _refuse_long(text: str, what: str, field: str, limit: int) -> None:
    """Refuse a typed text (name, message, description) longer than its column holds."""
    if len(text) > limit:
        raise roi.InputError(what, field, f"{len(text):,} characters is too long; the limit is {limit:,}")


def clean_message(message: str) -> str:
    _refuse_controls(str(message or ""), "message", "message", allowed="\t\n\r")
    message = " ".join(str(message or "").split())
    if not message:
        raise roi.InputError(
            "message", "message", f"say in one line what changed and why (1 to {MESSAGE_MAX} characters)"
        )
    _refuse_long(message, "message", "message", MESSAGE_MAX)
    return message


def clean_description(description: str) -> str:
    _refuse_controls(str(description or ""), "description", "description", allowed="\t\n\r")
    description = str(description or "").strip()
    _refuse_long(description, "description", "description", DESCRIPTION_MAX)
    return description


def clean_email(email: str) -> str:
    email = str(email or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 320 or names.control_characters(email):
        raise roi.InputError("email", "email", f"'{email}' is not an email address such as name@council.gov.uk")
    return email


def detect_kind(data: Any) -> str:
    """Which kind of document a parsed file is: a claim has `claim:`, a scenario `interventions:`,
    and a deal is a scenario with a funding deal applied (`deal:`)."""
    if isinstance(data, dict):
        if "claim" in data:
            return "claim"
        if "interventions" in data:
            return "deal" if data.get("deal") else "scenario"
    raise roi.InputError("file", "", "not a scenario (no 'interventions:') nor a claim (no 'claim:')")


def validate_spec(
    kind: str, text: str | bytes, file: str = "document", name: str | None = None
) -> tuple[str, BaseModel]:
    """Check a document exactly as an upload is checked; return its canonical YAML and spec.

    With ``name``, a scenario takes the document's name, so its exports carry it."""
    data = parse_yaml(text, file)
    if kind in ("scenario", "deal") and name and isinstance(data, dict):
        data = {**data, "name": name}
    if kind in ("scenario", "deal"):
        spec = validate(ScenarioSpec, data, file)
        roi.resolve(spec, file=file)  # every reference and price year, as on upload
        if kind == "deal" and getattr(spec, "deal", None) is None:
            raise roi.InputError(file, "deal", "a deal is a scenario with a funding deal applied; this one has none")
    elif kind == "claim":
        spec = validate(ClaimSpec, data, file)
    else:
        raise roi.InputError(file, "kind", f"'{kind}' is not one of {', '.join(KINDS)}")
    return dump_spec(spec), spec


def spec_name(kind: str, spec: BaseModel) -> str:
    return str(getattr(spec, "claim" if kind == "claim" else "name", "") or "")


# --------------------------------------------------------------------------------------------


class Store:
    """The database behind saved work. Opening it creates the SQLite file or migrates PostgreSQL."""

    def __init__(self, url: str | None = None, migrate: bool = True, migration_url: str | None = None) -> None:
        self.url = db.database_url(url)
        self.engine: Engine = db.make_engine(self.url)
        if migrate:
            self._migrate(db.migration_url(self.url, migration_url))
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", chain.seal_new_rows)
        # Reads need no write lock: on SQLite they begin DEFERRED and run beside a writer (WAL).
        self._readers = sessionmaker(self.engine.execution_options(roi_read_only=True), expire_on_commit=False)

    def _migrate(self, owner_url: str) -> None:
        """Migrate as the owner role when one is given, then grant the app's role what it needs."""
        if owner_url == self.url:
            db.migrate(self.engine)
            return
        owner = db.make_engine(owner_url)
        try:
            db.migrate(owner, app_user=self.engine.url.username)
        finally:
            owner.dispose()

    @property
    def where(self) -> str:
        """The database, password hidden, for messages."""
        return db.describe(self.url)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """One transaction: everything in the block is written, or nothing is."""
        try:
            with (self._sessions if write else self._readers).begin() as session:
                if write and self.engine.dialect.name == "postgresql":
                    session.execute(text(f"SELECT pg_advisory_xact_lock({db.WRITE_LOCK})"))
                yield session
        except IntegrityError:
            raise  # a clash a caller handles: a name taken, two savers taking one number
        except (DBAPIError, ValueError) as exc:
            if isinstance(exc, ValueError) and "NUL" not in str(exc):
                raise
            raise errors.plain(exc, self.where) from exc

    def for_user(self, email: str) -> UserStore:
        """Work as one person named by email, as an operator at the server's own terminal does (the
        command line). ``LOCAL_USER`` is the single user of an app without sign-in. The app never
        uses this for a signed-in person: it uses :meth:`for_identity`."""
        email = email if email == LOCAL_USER else clean_email(email)
        return UserStore(self, email)

    def for_identity(self, identity: Identity) -> UserStore:
        """Work as a signed-in person, keyed on their issuer and subject. With a verified address,
        invitations by that address become theirs first (each recorded in the audit log); without
        one, they reach only what their subject already holds."""
        if identity.verified and identity.email:
            self._take_up_invitations(identity)
        return UserStore(self, identity.label, subject=identity.subject)

    def _take_up_invitations(self, identity: Identity) -> None:
        waiting = Member.email == identity.email, Member.subject.is_(None)
        with self.transaction(write=False) as session:
            if not session.scalar(select(func.count()).select_from(Member).where(*waiting)):
                return
        with self.transaction() as session:
            for member in session.scalars(select(Member).where(*waiting)):
                member.subject = identity.subject
                add_audit_entry(
                    session,
                    identity.label,
                    "member.bind",
                    member.workspace_id,
                    None,
                    f"invitation for {identity.email} as {member.role} taken up by a verified sign-in",
                )

    # ---- sign-in sessions (store.identity explains the model) -------------------------------

    def check_session(self, key: str, identity: Identity, issued: datetime | None, lifetimes: Lifetimes) -> None:
        """Start or continue the session ``key``; :class:`SessionEnded` if it was ended or is too old."""
        stamp = now()
        with self.transaction(write=False) as session:
            row = session.get(SignInSession, key)
            if row is not None and row.ended_at is not None:
                raise why_ended(row.ended_why)
            started = utc(row.started_at) if row else min(issued or stamp, stamp)
            last = utc(row.last_seen_at) if row else stamp
        if stamp - started > lifetimes.absolute:
            self._finish(key, identity, started, "expired")
        elif stamp - last > lifetimes.idle:
            self._finish(key, identity, started, "idle")
        elif row is None or stamp - last > TOUCH_EVERY:
            with self.transaction() as session:
                current = session.get(SignInSession, key)
                if current is None:
                    session.add(_session_row(key, identity, started, stamp))
                elif current.ended_at is None:
                    current.last_seen_at = stamp

    def _finish(self, key: str, identity: Identity, started: datetime, why: str) -> None:
        self.end_session(key, identity, why, started)
        raise why_ended(why)

    def end_session(
        self, key: str, identity: Identity, why: str = "signed out", started: datetime | None = None
    ) -> None:
        """End one sign-in now, on every server (the row is in the shared database)."""
        stamp = now()
        with self.transaction() as session:
            row = session.get(SignInSession, key)
            if row is None:
                row = _session_row(key, identity, started or stamp, stamp)
                session.add(row)
            if row.ended_at is None:
                row.ended_at, row.ended_why = stamp, why

    def end_sessions(
        self, subject: str | None = None, email: str | None = None, why: str = "signed out everywhere", actor: str = ""
    ) -> int:
        """End every live sign-in of a person (by subject, or by address as shown), or of everyone
        when neither is given; recorded in the audit log. Returns how many were ended."""
        live = select(SignInSession).where(SignInSession.ended_at.is_(None))
        if subject is not None:
            live = live.where(SignInSession.subject == subject)
        elif email is not None:
            live = live.where(SignInSession.email == email)
        stamp = now()
        with self.transaction() as session:
            rows = list(session.scalars(live))
            for row in rows:
                row.ended_at, row.ended_why = stamp, why
            who = subject or email or "everyone"
            detail = f"{why}: {len(rows)} sign-in(s) of {email or who} ended"
            add_audit_entry(session, actor or who, "session.end", None, None, detail, at=stamp)
            return len(rows)

    # ---- the scenario on screen, kept while its user signs in --------------------------------

    def keep_draft(self, key: str, text: str) -> None:
        """Keep unsaved work under a key the browser holds, for the round trip to the provider."""
        with self.transaction() as session:
            session.merge(Draft(id=sha256_hex(key), spec=text, saved_at=now()))

    def take_draft(self, key: str) -> str | None:
        """The work kept under ``key`` (within the last hour), once: it is deleted as it is handed back."""
        with self.transaction() as session:
            draft = session.get(Draft, sha256_hex(str(key or "")))
            if draft is None:
                return None
            text, saved_at = draft.spec, utc(draft.saved_at)
            session.delete(draft)
            session.execute(Draft.__table__.delete().where(Draft.saved_at < now() - DRAFT_LIFETIME))
        return text if now() - saved_at <= DRAFT_LIFETIME else None

    def local(self) -> UserStore:
        """The single user of local mode, with their workspace created on first use."""
        user = UserStore(self, LOCAL_USER)
        user.ensure_workspace(LOCAL_WORKSPACE)
        return user

    def open_shared(self, token: str, number: int | None = None) -> Loaded:
        """A document through a read-only share link: the version it was made for, or the newest for
        a link made to follow it. A revoked or unknown token, or an archived document, is NotFound."""
        with self.transaction(write=False) as session:
            link = session.get(ShareLink, sha256_hex(str(token or "")))
            document = session.get(Document, link.document_id) if link is not None else None
            if link is None or link.revoked_at is not None or document is None or document.archived:
                raise NotFound("This share link is not valid: it was revoked, or it was never made")
            if link.version is not None:
                if number is not None and int(number) != link.version:
                    raise NotFound(f"This share link opens version {link.version} only")
                number = link.version
            info = _document_info(session, document, "viewer")
            return _load(session, info, number)

    def dispose(self) -> None:
        self.engine.dispose()


class UserStore:
    """Everything one person can do, each call checking their role first."""

    def __init__(self, store: Store, email: str, subject: str | None = None) -> None:
        self.store = store
        self.email = email  # as shown and recorded (author, audit actor)
        self.subject = subject  # a signed-in person's issuer and subject: the key of their memberships

    def _mine(self) -> Any:
        """Which membership rows are this person's: by subject when signed in, by address otherwise."""
        return Member.subject == self.subject if self.subject else Member.email == self.email

    # ---- access ----------------------------------------------------------------------------

    def _role(self, session: Session, workspace_id: str) -> str | None:
        return session.scalar(select(Member.role).where(Member.workspace_id == workspace_id, self._mine()))

    def _workspace(self, session: Session, workspace_id: str, need: str = "viewer") -> tuple[Workspace, str]:
        workspace = session.get(Workspace, str(workspace_id))
        role = self._role(session, workspace.id) if workspace else None
        if workspace is None or role is None:
            raise NotFound("No such workspace among yours")
        _require(role, need, f"'{workspace.name}'")
        return workspace, role

    def _document(self, session: Session, document_id: str, need: str = "viewer", lock: bool = False) -> Document:
        query = select(Document).where(Document.id == str(document_id))
        if lock:
            query = query.with_for_update()
        document = session.scalar(query)
        role = self._role(session, document.workspace_id) if document else None
        if document is None or role is None:
            raise NotFound("No such document in your workspaces")
        _require(role, need, "this workspace")
        return document

    def _audit(
        self, session: Session, action: str, workspace_id: str | None, document_id: str | None, detail: str
    ) -> None:
        add_audit_entry(session, self.email, action, workspace_id, document_id, detail)

    # ---- workspaces and members ------------------------------------------------------------

    def workspaces(self) -> list[WorkspaceInfo]:
        with self.store.transaction(write=False) as session:
            rows = session.execute(
                select(Workspace.id, Workspace.name, Member.role)
                .join(Member, Member.workspace_id == Workspace.id)
                .where(self._mine())
                .order_by(Workspace.name, Workspace.id)
            )
            return [WorkspaceInfo(id=r.id, name=r.name, role=r.role) for r in rows]

    def create_workspace(self, name: str) -> WorkspaceInfo:
        name = clean_name(name, "workspace name")
        with self.store.transaction() as session:
            workspace = Workspace(id=new_id(), name=name, created_at=now(), created_by=self.email)
            session.add(workspace)
            session.flush()
            session.add(
                Member(
                    workspace_id=workspace.id,
                    email=self.email,
                    role="owner",
                    added_at=now(),
                    added_by=self.email,
                    subject=self.subject,
                )
            )
            self._audit(session, "workspace.create", workspace.id, None, name)
            return WorkspaceInfo(id=workspace.id, name=name, role="owner")

    def ensure_workspace(self, name: str) -> WorkspaceInfo:
        """The person's first workspace, created (as its owner) if they belong to none."""
        mine = self.workspaces()
        return mine[0] if mine else self.create_workspace(name)

    def find_workspace(self, name_or_id: str | None) -> WorkspaceInfo:
        """A workspace of this person's by name or id; with None, their only (or first) one."""
        mine = self.workspaces()
        if not mine:
            raise NotFound("You belong to no workspace yet")
        if not name_or_id:
            return mine[0]
        wanted = str(name_or_id).casefold()
        for workspace in mine:
            if workspace.id == name_or_id or workspace.name.casefold() == wanted:
                return workspace
        raise NotFound(f"No workspace called '{name_or_id}' among yours: {', '.join(w.name for w in mine)}")

    def members(self, workspace_id: str) -> list[MemberInfo]:
        with self.store.transaction(write=False) as session:
            self._workspace(session, workspace_id)
            rows = session.scalars(select(Member).where(Member.workspace_id == workspace_id).order_by(Member.email))
            return [MemberInfo(r.email, r.role, utc(r.added_at), r.added_by) for r in rows]

    def set_member(self, workspace_id: str, email: str, role: str) -> None:
        """Add a member by email, or change their role. Owners only; the last owner stays an owner."""
        email = clean_email(email)
        if role not in ROLES:
            raise roi.InputError("role", "role", f"'{role}' is not one of {', '.join(ROLES)}")
        with self.store.transaction() as session:
            self._workspace(session, workspace_id, "owner")
            member = session.get(Member, (workspace_id, email))
            if member is None:
                session.add(
                    Member(workspace_id=workspace_id, email=email, role=role, added_at=now(), added_by=self.email)
                )
                self._audit(session, "member.add", workspace_id, None, f"{email} as {role}")
                return
            if member.role == "owner" and role != "owner":
                self._keep_an_owner(session, workspace_id, email)
            member.role = role
            self._audit(session, "member.role", workspace_id, None, f"{email} is now {role}")

    def remove_member(self, workspace_id: str, email: str) -> None:
        """Remove a member (by the address shown for them). Their links are revoked and their sign-ins end."""
        email = _member_key(email)
        with self.store.transaction() as session:
            self._workspace(session, workspace_id, "owner")
            member = session.get(Member, (workspace_id, email))
            if member is None:
                raise NotFound(f"{email} is not a member")
            if member.role == "owner":
                self._keep_an_owner(session, workspace_id, email)
            links = _revoke_links(session, workspace_id, made_by=email)
            session.delete(member)
            self._audit(
                session, "member.remove", workspace_id, None, f"{email}; {links} share link(s) they made revoked"
            )
            subject = member.subject
        if subject:  # their sign-ins end at once: a copied cookie opens nothing
            self.store.end_sessions(subject=subject, why="removed", actor=self.email)

    def sign_out_everywhere(self) -> int:
        """End every sign-in of this person, on every server and browser. Returns how many."""
        if self.subject:
            return self.store.end_sessions(subject=self.subject, actor=self.email)
        return self.store.end_sessions(email=self.email, actor=self.email)

    def _keep_an_owner(self, session: Session, workspace_id: str, leaving: str) -> None:
        owners = session.scalar(
            select(func.count()).where(
                Member.workspace_id == workspace_id, Member.role == "owner", Member.email != leaving
            )
        )
        if not owners:
            raise Forbidden("A workspace needs at least one owner: make someone else an owner first")

    # ---- documents -------------------------------------------------------------------------

    def documents(
        self,
        workspace_id: str | None = None,
        include_archived: bool = False,
        kind: str | None = None,
        limit: int | None = None,
    ) -> list[DocumentInfo]:
        """Documents this person can see, newest change first (one query, however many versions;
        plain columns rather than ORM objects, so a workspace of 1,000 documents lists quickly)."""
        with self.store.transaction(write=False) as session:
            query = (
                select(
                    Document.id,
                    Document.workspace_id,
                    Workspace.name.label("workspace_name"),
                    Document.kind,
                    Document.name,
                    Document.description,
                    Document.archived,
                    Document.head,
                    Document.created_at,
                    Document.created_by,
                    Document.updated_at,
                    Document.updated_by,
                    Member.role,
                    Version.message,
                )
                .join(Member, Member.workspace_id == Document.workspace_id)
                .join(Workspace, Workspace.id == Document.workspace_id)
                .join(Version, (Version.document_id == Document.id) & (Version.number == Document.head))
                .where(self._mine())
            )
            if workspace_id is not None:
                query = query.where(Document.workspace_id == workspace_id)
            if not include_archived:
                query = query.where(Document.archived.is_(False))
            if kind is not None:
                query = query.where(Document.kind == kind)
            query = query.order_by(Document.updated_at.desc(), Document.name)
            if limit is not None:
                query = query.limit(limit)
            return [_info(r, r.workspace_name, r.role, r.message) for r in session.execute(query)]

    def document(self, document_id: str) -> DocumentInfo:
        with self.store.transaction(write=False) as session:
            document = self._document(session, document_id)
            return _document_info(session, document, self._role(session, document.workspace_id))

    def find(self, name: str, workspace_id: str | None = None) -> DocumentInfo:
        """A document by its name (any case) in the given workspace, else in any of this person's."""
        key = clean_name(name).casefold()
        matches = [
            d for d in self.documents(workspace_id, include_archived=True) if d.name.casefold() == key or d.id == name
        ]
        if not matches:
            raise NotFound(f"No document called '{name}' in your workspaces")
        if len(matches) > 1:
            raise roi.InputError(
                "name", "workspace", f"'{name}' is in {len(matches)} workspaces; say which with --workspace"
            )
        return matches[0]

    def create(
        self,
        workspace_id: str,
        kind: str,
        name: str,
        text: str | bytes,
        message: str,
        description: str = "",
    ) -> VersionInfo:
        """A new document with its first version. Editors and owners only."""
        name = clean_name(name)
        message = clean_message(message)
        description = clean_description(description)
        canonical, _ = validate_spec(kind, text, name, name=name)
        with self.store.transaction() as session:
            self._workspace(session, workspace_id, "editor")
            _check_name_free(session, workspace_id, name)
            stamp = now()
            document = Document(
                id=new_id(),
                workspace_id=workspace_id,
                kind=kind,
                name=name,
                name_key=name.casefold(),
                description=description,
                archived=False,
                head=1,
                created_at=stamp,
                created_by=self.email,
                updated_at=stamp,
                updated_by=self.email,
            )
            session.add(document)
            version = Version(
                document_id=document.id, number=1, spec=canonical, author=self.email, created_at=stamp, message=message
            )
            session.add(version)
            self._audit(session, "document.create", workspace_id, document.id, f"{kind} '{name}': {message}")
            _flush_name(session, name)
            return _version_info(version)

    def save(
        self, document_id: str, text: str | bytes, message: str, based_on: int, on_top: bool = False
    ) -> VersionInfo:
        """Save a new version of a document, started from version ``based_on``.

        If someone saved a newer version meanwhile, nothing is written and :class:`StaleVersion`
        says so; saving again with ``on_top=True`` keeps both (theirs, then this one on top).
        """
        message = clean_message(message)
        with self.store.transaction(write=False) as session:
            document = self._document(session, document_id, "editor")
            kind, name = document.kind, document.name
        canonical, _ = validate_spec(kind, text, name, name=name)
        for attempt in range(SAVE_RETRIES):
            try:
                return self._append(document_id, canonical, message, based_on, on_top, "version.save")
            except IntegrityError:  # two writers took the same number: the loser tries again
                if attempt == SAVE_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _append(
        self, document_id: str, canonical: str, message: str, based_on: int, on_top: bool, action: str
    ) -> VersionInfo:
        with self.store.transaction() as session:
            document = self._document(session, document_id, "editor", lock=True)
            if not 1 <= int(based_on) <= document.head:
                raise roi.InputError("version", "based_on", f"{based_on} is not a version of '{document.name}'")
            if document.head != based_on and not on_top:
                head_author = session.scalar(
                    select(Version.author).where(Version.document_id == document.id, Version.number == document.head)
                )
                raise StaleVersion(document.name, based_on, document.head, display_name(head_author or ""))
            stamp = now()
            version = Version(
                document_id=document.id,
                number=document.head + 1,
                spec=canonical,
                author=self.email,
                created_at=stamp,
                message=message,
                based_on=based_on,
            )
            session.add(version)
            document.head = version.number
            document.updated_at = stamp
            document.updated_by = self.email
            self._audit(session, action, document.workspace_id, document.id, f"version {version.number}: {message}")
            session.flush()
            return _version_info(version)

    def history(self, document_id: str) -> list[VersionInfo]:
        """Every version, newest first: number, author, time, message, the version it was based on."""
        with self.store.transaction(write=False) as session:
            self._document(session, document_id)
            rows = session.execute(
                select(
                    Version.document_id,
                    Version.number,
                    Version.author,
                    Version.created_at,
                    Version.message,
                    Version.based_on,
                )
                .where(Version.document_id == document_id)
                .order_by(Version.number.desc())
            )
            return [_version_info(r) for r in rows]

    def open(self, document_id: str, number: int | None = None) -> Loaded:
        """A version (the newest by default), validated again against today's library."""
        with self.store.transaction(write=False) as session:
            document = self._document(session, document_id)
            info = _document_info(session, document, self._role(session, document.workspace_id))
            return _load(session, info, number)

    def text(self, document_id: str, number: int | None = None) -> str:
        """A version's stored text as saved, without validating it (to repair a document that no
        longer validates after a library change)."""
        with self.store.transaction(write=False) as session:
            document = self._document(session, document_id)
            return _version_row(session, document, number).spec

    def restore(self, document_id: str, number: int, message: str | None = None) -> VersionInfo:
        """Make an old version the newest again, as a new version: history is never rewritten."""
        with self.store.transaction(write=False) as session:
            document = self._document(session, document_id, "editor")
            old = _version_row(session, document, number)
            head, spec, kind, name = document.head, old.spec, document.kind, document.name
        canonical, _ = validate_spec(kind, spec, name, name=name)
        message = clean_message(message or f"Restored version {number}")
        return self._append(document_id, canonical, message, head, True, "version.restore")

    def rename(self, document_id: str, name: str) -> None:
        name = clean_name(name)
        with self.store.transaction() as session:
            document = self._document(session, document_id, "editor")
            if document.name == name:
                return
            _check_name_free(session, document.workspace_id, name, renaming=document.id)
            self._audit(
                session, "document.rename", document.workspace_id, document.id, f"'{document.name}' to '{name}'"
            )
            document.name, document.name_key = name, name.casefold()
            _flush_name(session, name)

    def describe(self, document_id: str, description: str) -> None:
        description = clean_description(description)
        with self.store.transaction() as session:
            document = self._document(session, document_id, "editor")
            document.description = description
            self._audit(session, "document.describe", document.workspace_id, document.id, description[:200])

    def archive(self, document_id: str, archived: bool = True) -> None:
        """Hide a document from the picker (or bring it back). Nothing is deleted."""
        with self.store.transaction() as session:
            document = self._document(session, document_id, "editor")
            document.archived = bool(archived)
            action = "document.archive" if archived else "document.unarchive"
            revoked = _revoke_links(session, document.workspace_id, document_id=document.id) if archived else 0
            detail = f"{document.name}; {revoked} share link(s) revoked" if revoked else document.name
            self._audit(session, action, document.workspace_id, document.id, detail)

    # ---- share links and the audit log -----------------------------------------------------

    def share(self, document_id: str, follow_newest: bool = False) -> str:
        """A new read-only link token for a document (owners only). Shown once; only its hash is kept.

        The link opens the newest version as it is now, and only that one; with ``follow_newest``
        it opens whatever the newest version is when it is used."""
        token = secrets.token_urlsafe(32)
        with self.store.transaction() as session:
            document = self._document(session, document_id, "owner")
            pinned = None if follow_newest else document.head
            session.add(
                ShareLink(
                    token_hash=sha256_hex(token),
                    document_id=document.id,
                    created_at=now(),
                    created_by=self.email,
                    version=pinned,
                )
            )
            grants = "the newest version, whichever it is" if pinned is None else f"version {pinned} only"
            self._audit(session, "share.create", document.workspace_id, document.id, f"read-only link made: {grants}")
        return token

    def shares(self, document_id: str) -> list[tuple[str, datetime, str, int | None]]:
        """Live links of a document: (a short fingerprint, made at, made by, the version it opens or
        None for the newest)."""
        with self.store.transaction(write=False) as session:
            self._document(session, document_id, "owner")
            rows = session.scalars(
                select(ShareLink)
                .where(ShareLink.document_id == document_id, ShareLink.revoked_at.is_(None))
                .order_by(ShareLink.created_at)
            )
            return [(r.token_hash[:8], utc(r.created_at), r.created_by, r.version) for r in rows]

    def revoke(self, document_id: str, token_or_fingerprint: str | None = None) -> int:
        """Revoke one link (by its token or fingerprint), or every link of the document; returns how many."""
        with self.store.transaction() as session:
            document = self._document(session, document_id, "owner")
            revoked = _revoke_links(session, document.workspace_id, document_id=document.id, token=token_or_fingerprint)
            if revoked:
                self._audit(session, "share.revoke", document.workspace_id, document.id, f"{revoked} link(s) revoked")
            return revoked

    def audit(self, workspace_id: str, limit: int = 200) -> list[AuditInfo]:
        """The workspace's log, newest first: who did what, when."""
        with self.store.transaction(write=False) as session:
            self._workspace(session, workspace_id)
            rows = session.scalars(
                select(AuditEntry)
                .where(AuditEntry.workspace_id == workspace_id)
                .order_by(AuditEntry.id.desc())
                .limit(limit)
            )
            return [AuditInfo(utc(r.at), r.actor, r.action, r.document_id, r.detail) for r in rows]


# --------------------------------------------------------------------------------------------


def _require(role: str, need: str, of: str) -> None:
    """Refuse a member whose role ranks below ``need`` (``of`` names the workspace in the message)."""
    if RANK[role] < RANK[need]:
        who = {"owner": "owners", "editor": "editors and owners", "viewer": "members"}[need]
        raise Forbidden(f"You are a {role} of {of}: only {who} can do that")


def _member_key(email: str) -> str:
    """A member as listed: an address, or the label of a sign-in without a verified one."""
    text = str(email or "").strip()
    if text == LOCAL_USER or "(" in text:
        return text
    return clean_email(text)


def _session_row(key: str, identity: Identity, started: datetime, stamp: datetime) -> SignInSession:
    return SignInSession(id=key, subject=identity.subject, email=identity.label, started_at=started, last_seen_at=stamp)


def _revoke_links(
    session: Session,
    workspace_id: str,
    document_id: str | None = None,
    made_by: str | None = None,
    token: str | None = None,
) -> int:
    """Revoke the live links of a workspace: of one document, those one person made, or the one a
    token or its 8-character fingerprint names; returns how many."""
    query = (
        select(ShareLink)
        .join(Document, Document.id == ShareLink.document_id)
        .where(Document.workspace_id == workspace_id, ShareLink.revoked_at.is_(None))
    )
    if document_id is not None:
        query = query.where(ShareLink.document_id == document_id)
    if made_by is not None:
        query = query.where(ShareLink.created_by == made_by)
    rows = list(session.scalars(query))
    if token:
        wanted = sha256_hex(token)
        rows = [r for r in rows if r.token_hash == wanted or r.token_hash[:8] == token]
    for row in rows:
        row.revoked_at = now()
    return len(rows)


def _name_taken(name: str) -> roi.InputError:
    return roi.InputError("name", "name", f"'{name}' is already used in this workspace; choose another name")


def _flush_name(session: Session, name: str) -> None:
    """Write a document's new name now: a clash the unique index catches (a saver in between) reads
    as the name being taken."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise _name_taken(name) from exc


def _check_name_free(session: Session, workspace_id: str, name: str, renaming: str | None = None) -> None:
    """Refuse a name already used in the workspace, or one a reader could not tell from it."""
    key = names.look_alike_key(name)
    rows = session.execute(
        select(Document.id, Document.name).where(Document.workspace_id == workspace_id, Document.id != renaming)
    )
    for row in rows:
        if row.name.casefold() == name.casefold():
            raise _name_taken(name)
        if names.look_alike_key(row.name) == key:
            raise roi.InputError(
                "name",
                "name",
                f"'{name}' looks the same as '{row.name}', already in this workspace "
                "(it differs only by invisible or look-alike characters); choose another name",
            )


def _info(document: Document | Row[Any], workspace_name: str, role: str, message: str) -> DocumentInfo:
    """A document's record, from its row or from a query's row of the same columns."""
    return DocumentInfo(
        id=document.id,
        workspace_id=document.workspace_id,
        workspace_name=workspace_name,
        kind=document.kind,
        name=document.name,
        description=document.description,
        archived=bool(document.archived),
        head=document.head,
        created_at=utc(document.created_at),
        created_by=document.created_by,
        updated_at=utc(document.updated_at),
        updated_by=document.updated_by,
        role=role,
        message=message,
    )


def _document_info(session: Session, document: Document, role: str) -> DocumentInfo:
    workspace_name = session.scalar(select(Workspace.name).where(Workspace.id == document.workspace_id))
    message = session.scalar(
        select(Version.message).where(Version.document_id == document.id, Version.number == document.head)
    )
    return _info(document, workspace_name, role, message or "")


def _version_info(version: Version | Row[Any]) -> VersionInfo:
    """A version's record, from its row or from a query's row of the same columns."""
    return VersionInfo(
        version.document_id, version.number, version.author, utc(version.created_at), version.message, version.based_on
    )


def _version_row(session: Session, document: Document, number: int | None) -> Version:
    number = document.head if number is None else int(number)
    version = session.scalar(select(Version).where(Version.document_id == document.id, Version.number == number))
    if version is None:
        raise NotFound(f"'{document.name}' has no version {number}; it has 1 to {document.head}")
    return version


def _load(session: Session, info: DocumentInfo, number: int | None) -> Loaded:
    document = session.get(Document, info.id)
    version = _version_row(session, document, number)
    file = f"{info.name}, version {version.number}"
    _, spec = validate_spec(info.kind, version.spec, file, name=info.name)
    return Loaded(document=info, version=_version_info(version), text=version.spec, spec=spec)
