"""Back up a workspace to a zip of YAML files with a manifest, and restore one into a database.

The zip holds ``manifest.json`` (the workspace, its members, each document with its versions'
authors, times, messages and SHA-256 of their text, and the audit log) and one YAML file per
version under ``documents/``. Restoring gives identical documents and versions (same ids,
numbers, authors, times and text) and refuses a database that already holds that workspace.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

import roi

from .errors import StoreError
from .models import KINDS, ROLES, AuditEntry, Document, Member, Version, Workspace
from .service import Store, UserStore, utc

FORMAT = "prevention-roi-workspace"
FORMAT_VERSION = 1
MAX_ZIP_BYTES = 200_000_000
MAX_ENTRIES = 200_000


def _time(value: datetime) -> str:
    return utc(value).isoformat()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


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
                            "sha256": _sha(version.spec),
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
        raise _bad(f"'{name}' is missing from the zip") from exc
    if info.file_size > roi.library.MAX_FILE_BYTES:
        raise _bad(f"'{name}' is {info.file_size:,} bytes; the limit is {roi.library.MAX_FILE_BYTES:,}")
    try:
        return archive.read(info).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(f"'{name}' is not UTF-8 text") from exc


def _when(value: Any, field: str) -> datetime:
    try:
        return utc(datetime.fromisoformat(str(value)))
    except ValueError as exc:
        raise _bad(f"{field}: '{value}' is not a date and time") from exc


def restore(store: Store, data: bytes | Path | str) -> dict[str, Any]:
    """Load a backup zip into the database in one transaction; returns the workspace's id and name
    and the number of documents and versions. Nothing is written if any part is wrong."""
    if isinstance(data, (str, Path)):
        path = Path(data)
        if path.stat().st_size > MAX_ZIP_BYTES:
            raise _bad(f"the zip is over {MAX_ZIP_BYTES:,} bytes", path.name)
        data = path.read_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _bad("not a zip file") from exc
    with archive:
        if len(archive.infolist()) > MAX_ENTRIES:
            raise _bad(f"the zip has over {MAX_ENTRIES:,} files")
        try:
            manifest = json.loads(_read(archive, "manifest.json"))
        except json.JSONDecodeError as exc:
            raise _bad(f"manifest.json is not valid JSON (line {exc.lineno})") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _bad(f"manifest.json is not a {FORMAT} backup")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise _bad(f"backup format version {manifest.get('format_version')} is not {FORMAT_VERSION}")
        try:
            return _restore(store, archive, manifest)
        except (KeyError, TypeError, AttributeError) as exc:
            raise _bad(f"manifest.json is incomplete ({type(exc).__name__}: {exc})") from exc


def _restore(store: Store, archive: zipfile.ZipFile, manifest: dict[str, Any]) -> dict[str, Any]:
    ws = manifest["workspace"]
    counts = {"documents": 0, "versions": 0}
    with store.transaction() as session:
        if session.get(Workspace, ws["id"]) is not None:
            raise StoreError(f"Workspace '{ws['name']}' is already in this database: restore into an empty one")
        session.add(
            Workspace(
                id=ws["id"],
                name=ws["name"],
                created_at=_when(ws["created_at"], "workspace"),
                created_by=ws["created_by"],
            )
        )
        session.flush()
        for m in manifest["members"]:
            if m["role"] not in ROLES:
                raise _bad(f"member {m['email']}: role '{m['role']}' is not one of {', '.join(ROLES)}")
            session.add(
                Member(
                    workspace_id=ws["id"],
                    email=m["email"],
                    role=m["role"],
                    added_at=_when(m["added_at"], "member"),
                    added_by=m["added_by"],
                )
            )
        for d in manifest["documents"]:
            if d["kind"] not in KINDS:
                raise _bad(f"document {d['name']}: kind '{d['kind']}' is not one of {', '.join(KINDS)}")
            session.add(
                Document(
                    id=d["id"],
                    workspace_id=ws["id"],
                    kind=d["kind"],
                    name=d["name"],
                    name_key=d["name"].casefold(),
                    description=d["description"],
                    archived=bool(d["archived"]),
                    head=int(d["head"]),
                    created_at=_when(d["created_at"], d["name"]),
                    created_by=d["created_by"],
                    updated_at=_when(d["updated_at"], d["name"]),
                    updated_by=d["updated_by"],
                )
            )
            session.flush()
            for v in d["versions"]:
                text = _read(archive, v["file"])
                if _sha(text) != v["sha256"]:
                    raise _bad(f"{v['file']} does not match its checksum in the manifest")
                roi.library.parse_yaml(text, v["file"])  # safe to read back; validated again on open
                session.add(
                    Version(
                        document_id=d["id"],
                        number=int(v["number"]),
                        spec=text,
                        author=v["author"],
                        created_at=_when(v["created_at"], v["file"]),
                        message=v["message"],
                        based_on=v["based_on"],
                    )
                )
                counts["versions"] += 1
            counts["documents"] += 1
        for a in manifest["audit"]:
            session.add(
                AuditEntry(
                    at=_when(a["at"], "audit"),
                    actor=a["actor"],
                    workspace_id=ws["id"],
                    document_id=a["document_id"],
                    action=a["action"],
                    detail=a["detail"],
                )
            )
    return {"workspace_id": ws["id"], "workspace": ws["name"], **counts}
