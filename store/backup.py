"""Back up a workspace to a zip of YAML files with a manifest, and restore one into a database.

The zip holds ``manifest.json`` (the workspace, its members, each document with its versions'
authors, times, messages and SHA-256 of their text, its share links as hashes, and the audit log) and one YAML file per
version under ``documents/``. Restoring gives identical documents and versions (same ids,
numbers, authors, times, text and share links) and refuses a database that already holds that
workspace. A restore checks the whole backup before writing anything and records itself in the
workspace's audit log.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import roi
from roi.inputs.errors import printable
from roi.inputs.library import MAX_FILE_BYTES, parse_yaml

from . import names
from .errors import StoreError
from .models import KINDS, ROLES, AuditEntry, Document, Member, ShareLink, Version, Workspace
from .service import (
    LOCAL_USER,
    Store,
    UserStore,
    add_audit_entry,
    clean_description,
    clean_email,
    clean_message,
    clean_name,
    sha256_hex,
    utc,
)

FORMAT = "prevention-roi-workspace"
FORMAT_VERSION = 1
MAX_ZIP_BYTES = 200_000_000
MAX_ENTRIES = 200_000
AUDIT_ACTION_MAX = 40
AUDIT_DETAIL_MAX = 10_000
ID = re.compile(r"^[0-9a-f]{32}$")
HASH = re.compile(r"^[0-9a-f]{64}$")


def _time(value: datetime) -> str:
    return utc(value).isoformat()


def backup(user: UserStore, workspace_id: str) -> bytes:
    """The workspace as a zip (owners only: it carries the member list and the audit log)."""
    store = user.store
    with store.transaction(write=False) as session:
        workspace, _ = user._workspace(session, workspace_id, "owner")
        members = session.scalars(select(Member).where(Member.workspace_id == workspace.id).order_by(Member.email))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "workspace": {
                "id": workspace.id,
                "name": workspace.name,
                "created_at": _time(workspace.created_at),
                "created_by": workspace.created_by,
            },
            "members": [
                {"email": m.email, "role": m.role, "added_at": _time(m.added_at), "added_by": m.added_by}
                for m in members
            ],
            "documents": [],
            "audit": [],
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            documents = session.scalars(
                select(Document).where(Document.workspace_id == workspace.id).order_by(Document.created_at, Document.id)
            )
            for document in documents:
                entry = {
                    "id": document.id,
                    "kind": document.kind,
                    "name": document.name,
                    "description": document.description,
                    "archived": document.archived,
                    "head": document.head,
                    "created_at": _time(document.created_at),
                    "created_by": document.created_by,
                    "updated_at": _time(document.updated_at),
                    "updated_by": document.updated_by,
                    "versions": [],
                }
                versions = session.scalars(
                    select(Version).where(Version.document_id == document.id).order_by(Version.number)
                )
                for version in versions:
                    path = f"documents/{document.id}/v{version.number:04d}.yaml"
                    archive.writestr(path, version.spec)
                    entry["versions"].append(
                        {
                            "number": version.number,
                            "file": path,
                            "sha256": sha256_hex(version.spec),
                            "author": version.author,
                            "created_at": _time(version.created_at),
                            "message": version.message,
                            "based_on": version.based_on,
                        }
                    )
                manifest["documents"].append(entry)
            audit = session.scalars(
                select(AuditEntry).where(AuditEntry.workspace_id == workspace.id).order_by(AuditEntry.id)
            )
            links = session.scalars(
                select(ShareLink)
                .join(Document, Document.id == ShareLink.document_id)
                .where(Document.workspace_id == workspace.id)
                .order_by(ShareLink.created_at, ShareLink.token_hash)
            )
            manifest["share_links"] = [
                {
                    "token_hash": x.token_hash,
                    "document_id": x.document_id,
                    "created_at": _time(x.created_at),
                    "created_by": x.created_by,
                    "revoked_at": None if x.revoked_at is None else _time(x.revoked_at),
                }
                for x in links
            ]
            manifest["audit"] = [
                {
                    "at": _time(a.at),
                    "actor": a.actor,
                    "document_id": a.document_id,
                    "action": a.action,
                    "detail": a.detail,
                }
                for a in audit
            ]
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return buffer.getvalue()


def _bad(problem: str, file: str = "backup") -> roi.InputError:
    return roi.InputError(file, "", problem)


def _read(archive: zipfile.ZipFile, name: str) -> str:
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise _bad(f"'{printable(name, 80)}' is missing from the zip") from exc
    if info.file_size > MAX_FILE_BYTES:
        raise _bad(f"'{printable(name, 80)}' is {info.file_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    try:
        return archive.read(info).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(f"'{printable(name, 80)}' is not UTF-8 text") from exc
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError, RuntimeError) as exc:
        raise _bad(f"'{printable(name, 80)}' cannot be read from the zip (damaged or encrypted)") from exc


def _when(value: Any, field: str) -> datetime:
    try:
        return utc(datetime.fromisoformat(str(value)))
    except ValueError as exc:
        raise _bad(f"{field}: '{printable(str(value), 40)}' is not a date and time") from exc


def restore(store: Store, data: bytes | Path | str, actor: str = LOCAL_USER) -> dict[str, Any]:
    """Load a backup zip into the database in one transaction; returns the workspace's id and name
    and the number of documents, versions and share links.

    The whole backup is checked before anything is written (checksums, version numbering, heads,
    sizes, emails and authors, control characters); the first problem is one line, and nothing is
    written. A restore is recorded in the workspace's audit log, as ``actor``."""
    if isinstance(data, (str, Path)):
        path = Path(data)
        if path.stat().st_size > MAX_ZIP_BYTES:
            raise _bad(f"the zip is over {MAX_ZIP_BYTES:,} bytes", path.name)
        data = path.read_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _bad("not a zip file") from exc
    with archive:
        plan = _checked_backup(archive)
    return _write(store, plan, actor)


def _checked_backup(archive: zipfile.ZipFile) -> dict[str, Any]:
    if len(archive.infolist()) > MAX_ENTRIES:
        raise _bad(f"the zip has over {MAX_ENTRIES:,} files")
    try:
        manifest = json.loads(_read(archive, "manifest.json"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise _bad(f"manifest.json is not valid JSON ({type(exc).__name__})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad(f"manifest.json is not a {FORMAT} backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _bad(
            f"backup format version {printable(str(manifest.get('format_version')), 20)} is not {FORMAT_VERSION}"
        )
    try:
        return _Checker(archive).manifest(manifest)
    except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as exc:
        if isinstance(exc, roi.InputError):
            raise
        missing = (
            f"'{exc.args[0]}' is missing" if isinstance(exc, KeyError) and exc.args else "a field has the wrong type"
        )
        raise _bad(f"manifest.json is incomplete: {printable(missing, 80)}") from exc


class _Checker:
    """Reads and checks every part of a backup into plain values; raises at the first problem."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def manifest(self, manifest: dict[str, Any]) -> dict[str, Any]:
        ws = manifest["workspace"]
        workspace = {
            "id": _id(ws["id"], "workspace id"),
            "name": _name(ws["name"], "workspace name"),
            "created_at": _when(ws["created_at"], "workspace"),
            "created_by": _person(ws["created_by"], "workspace created_by"),
        }
        members = [self.member(m) for m in _list(manifest["members"], "members")]
        emails = [m["email"] for m in members]
        if len(set(emails)) != len(emails):
            raise _bad("members: an email is listed twice")
        if "owner" not in {m["role"] for m in members}:
            raise _bad("members: the workspace has no owner")
        documents = [self.document(d) for d in _list(manifest["documents"], "documents")]
        ids = [d["id"] for d in documents]
        if len(set(ids)) != len(ids):
            raise _bad("documents: a document id is listed twice")
        keys: dict[str, str] = {}
        for d in documents:
            key = names.look_alike_key(d["name"])
            if key in keys:
                raise _bad(f"documents: '{d['name']}' and '{keys[key]}' cannot both be names in one workspace")
            keys[key] = d["name"]
        audit = [self.audit(a, set(ids)) for a in _list(manifest["audit"], "audit")]
        links = [self.link(x, set(ids)) for x in _list(manifest.get("share_links", []), "share_links")]
        return {"workspace": workspace, "members": members, "documents": documents, "audit": audit, "links": links}

    def member(self, m: dict[str, Any]) -> dict[str, Any]:
        email = _person(m["email"], "member email")
        if m["role"] not in ROLES:
            raise _bad(f"member {email}: role '{printable(str(m['role']), 20)}' is not one of {', '.join(ROLES)}")
        return {
            "email": email,
            "role": m["role"],
            "added_at": _when(m["added_at"], f"member {email}"),
            "added_by": _person(m["added_by"], f"member {email} added_by"),
        }

    def document(self, d: dict[str, Any]) -> dict[str, Any]:
        name = _name(d["name"], "document name")
        if d["kind"] not in KINDS:
            raise _bad(f"document '{name}': kind '{printable(str(d['kind']), 20)}' is not one of {', '.join(KINDS)}")
        if not isinstance(d["archived"], bool):
            raise _bad(f"document '{name}': archived is not true or false")
        versions = [self.version(v, name) for v in _list(d["versions"], f"document '{name}' versions")]
        numbers = [v["number"] for v in versions]
        if numbers != list(range(1, len(numbers) + 1)):
            raise _bad(
                f"document '{name}': versions are numbered {_span(numbers)}; they must run 1, 2, 3 ... without gaps"
            )
        head = _number(d["head"], f"document '{name}' head")
        if head != len(versions):
            raise _bad(f"document '{name}': head is {head} but the backup holds versions 1 to {len(versions)}")
        return {
            "id": _id(d["id"], f"document '{name}' id"),
            "kind": d["kind"],
            "name": name,
            "description": clean_description(d["description"]),
            "archived": d["archived"],
            "head": head,
            "created_at": _when(d["created_at"], f"document '{name}'"),
            "created_by": _person(d["created_by"], f"document '{name}' created_by"),
            "updated_at": _when(d["updated_at"], f"document '{name}'"),
            "updated_by": _person(d["updated_by"], f"document '{name}' updated_by"),
            "versions": versions,
        }

    def version(self, v: dict[str, Any], name: str) -> dict[str, Any]:
        number = _number(v["number"], f"document '{name}' version number")
        where = f"document '{name}' version {number}"
        text = _read(self.archive, str(v["file"]))
        if sha256_hex(text) != v["sha256"]:
            raise _bad(f"{printable(str(v['file']), 80)} does not match its checksum in the manifest")
        parse_yaml(text, str(v["file"]))  # safe to read back; validated again on open
        based_on = v["based_on"]
        if based_on is not None and not (isinstance(based_on, int) and 1 <= based_on < number):
            raise _bad(f"{where}: based_on {printable(str(based_on), 20)} is not an earlier version")
        return {
            "number": number,
            "spec": text,
            "author": _person(v["author"], f"{where} author"),
            "created_at": _when(v["created_at"], where),
            "message": clean_message(v["message"]),
            "based_on": based_on,
        }

    def audit(self, a: dict[str, Any], documents: set[str]) -> dict[str, Any]:
        if a["document_id"] is not None and a["document_id"] not in documents:
            raise _bad("audit: an entry names a document the backup does not hold")
        action, detail = str(a["action"]), str(a["detail"])
        if not 1 <= len(action) <= AUDIT_ACTION_MAX or len(detail) > AUDIT_DETAIL_MAX:
            raise _bad(f"audit: an entry's action or detail is too long ({AUDIT_DETAIL_MAX:,} characters at most)")
        if names.control_characters(action + detail):
            raise _bad("audit: an entry holds control characters")
        return {
            "at": _when(a["at"], "audit"),
            "actor": _person(a["actor"], "audit actor"),
            "document_id": a["document_id"],
            "action": action,
            "detail": detail,
        }

    def link(self, x: dict[str, Any], documents: set[str]) -> dict[str, Any]:
        token = str(x["token_hash"])
        if not HASH.match(token) or x["document_id"] not in documents:
            raise _bad("share_links: a link is not a 64-character hash of a document in the backup")
        revoked = x.get("revoked_at")
        return {
            "token_hash": token,
            "document_id": x["document_id"],
            "created_at": _when(x["created_at"], "share link"),
            "created_by": _person(x["created_by"], "share link created_by"),
            "revoked_at": None if revoked is None else _when(revoked, "share link"),
        }


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _bad(f"{what}: expected a list of entries")
    return value


def _id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not ID.match(value):
        raise _bad(f"{what}: '{printable(str(value), 40)}' is not a 32-character id")
    return value


def _number(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000_000:
        raise _bad(f"{what}: '{printable(str(value), 20)}' is not a whole number from 1")
    return value


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise _bad(f"{what}: not a text")
    name = clean_name(value, "backup")
    if name != value:
        raise _bad(f"{what}: '{printable(value, 60)}' is not in normal form (spaces, look-alike or width forms)")
    return name


def _person(value: Any, what: str) -> str:
    if value == LOCAL_USER:
        return value
    try:
        email = clean_email(value)
    except roi.InputError as exc:
        raise _bad(f"{what}: '{printable(str(value), 60)}' is not an email address") from exc
    if email != value:
        raise _bad(f"{what}: '{printable(str(value), 60)}' is not in the form the app writes (lower case, no spaces)")
    return email


def _count(n: int, what: str) -> str:
    singular = what.replace("_", " ").removesuffix("s")
    return f"{n:,} {singular}{'' if n == 1 else 's'}"


def _span(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:6])
    return shown + (" ..." if len(numbers) > 6 else "") if numbers else "(none)"


def _write(store: Store, plan: dict[str, Any], actor: str) -> dict[str, Any]:
    ws = plan["workspace"]
    try:
        with store.transaction() as session:
            if session.get(Workspace, ws["id"]) is not None:
                raise StoreError(f"Workspace '{ws['name']}' is already in this database: restore into an empty one")
            clash = session.scalar(select(Document.id).where(Document.id.in_([d["id"] for d in plan["documents"]])))
            if clash:
                raise StoreError("A document of this backup is already in this database: restore into an empty one")
            session.add(Workspace(**ws))
            session.flush()
            session.add_all(Member(workspace_id=ws["id"], **m) for m in plan["members"])
            for d in plan["documents"]:
                fields = {k: v for k, v in d.items() if k != "versions"}
                session.add(Document(workspace_id=ws["id"], name_key=d["name"].casefold(), **fields))
                session.flush()
                session.add_all(Version(document_id=d["id"], **v) for v in d["versions"])
            session.add_all(AuditEntry(workspace_id=ws["id"], **a) for a in plan["audit"])
            session.add_all(ShareLink(**x) for x in plan["links"])
            counts = {
                "documents": len(plan["documents"]),
                "versions": sum(len(d["versions"]) for d in plan["documents"]),
                "share_links": len(plan["links"]),
            }
            detail = "restored from a backup: " + ", ".join(_count(n, what) for what, n in counts.items())
            add_audit_entry(session, actor, "workspace.restore", ws["id"], None, detail)
    except IntegrityError as exc:
        raise StoreError("The backup clashes with what is already in this database; nothing was restored") from exc
    return {"workspace_id": ws["id"], "workspace": ws["name"], **counts}
