"""`python -m roi store save|list|history|export|backup|restore|verify|sign-out`: saved work from a terminal.

The database is ROI_DATABASE_URL's, else the embedded SQLite file under data/. You act as
``--user EMAIL`` (or ROI_USER), else as the single local user of an app without sign-in, so the
command line and a local dashboard see the same workspace.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import roi

from . import backup as backups
from . import chain
from .errors import NotFound, StoreError, StoreUnavailable
from .service import LOCAL_USER, LOCAL_WORKSPACE, Store, UserStore, detect_kind, display_name

EXIT_INPUT_ERROR = 2
EXIT_UNAVAILABLE = 3
EXIT_TAMPERED = 4  # `store verify` found rows of the audit log or the versions altered, removed or replaced


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table, every column left-aligned (names and messages read left to right)."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join([line.rstrip(), "-" * len(line.rstrip()), *body])


def when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _user(store: Store, args: argparse.Namespace) -> UserStore:
    email = args.user or os.environ.get("ROI_USER", "").strip()
    if not email or email == LOCAL_USER:
        return store.local()
    user = store.for_user(email)
    user.ensure_workspace(f"{email}'s workspace")
    return user


def _workspace_id(user: UserStore, args: argparse.Namespace) -> str | None:
    return user.find_workspace(args.workspace).id if args.workspace else None


def _read(path: str) -> bytes:
    file = Path(path)
    try:
        if file.stat().st_size > roi.inputs.library.MAX_FILE_BYTES:
            raise roi.InputError(file.name, "", f"file is over {roi.inputs.library.MAX_FILE_BYTES:,} bytes (1 MB)")
        return file.read_bytes()
    except OSError as exc:
        raise roi.InputError(path, "", f"cannot read the file: {exc.strerror or exc}") from exc


def cmd_save(store: Store, args: argparse.Namespace) -> Any:
    user = _user(store, args)
    data = _read(args.file)
    kind = detect_kind(roi.inputs.library.parse_yaml(data, Path(args.file).name))
    workspace = user.find_workspace(args.workspace)
    try:
        existing = user.find(args.name, workspace.id)
    except NotFound:
        version = user.create(workspace.id, kind, args.name, data, args.message)
    else:
        if existing.kind != kind:
            raise roi.InputError(args.file, "", f"'{existing.name}' is a {existing.kind}; this file is a {kind}")
        version = user.save(existing.id, data, args.message, based_on=existing.head)
    payload = {
        "name": args.name,
        "kind": kind,
        "workspace": workspace.name,
        "version": version.number,
        "author": version.author,
        "created_at": version.created_at.isoformat(),
        "message": version.message,
    }
    return payload, f"Saved '{args.name}' version {version.number} in {workspace.name}."


def cmd_list(store: Store, args: argparse.Namespace) -> Any:
    user = _user(store, args)
    documents = user.documents(_workspace_id(user, args), include_archived=args.archived)
    payload = [
        {
            "name": d.name,
            "kind": d.kind,
            "workspace": d.workspace_name,
            "version": d.head,
            "author": d.updated_by,
            "created_at": d.updated_at.isoformat(),
            "message": d.message,
            "description": d.description,
            "archived": d.archived,
            "id": d.id,
        }
        for d in documents
    ]
    rows = [
        (
            d["name"] + (" (archived)" if d["archived"] else ""),
            d["kind"],
            d["workspace"],
            str(d["version"]),
            display_name(d["author"]),
            when(datetime.fromisoformat(d["created_at"])),
        )
        for d in payload
    ]
    table = (
        _table(["Name", "Kind", "Workspace", "Version", "Last saved by", "When"], rows)
        if rows
        else "Nothing saved yet."
    )
    return payload, table


def cmd_history(store: Store, args: argparse.Namespace) -> Any:
    user = _user(store, args)
    document = user.find(args.name, _workspace_id(user, args))
    versions = user.history(document.id)
    payload = [
        {
            "name": document.name,
            "version": v.number,
            "author": v.author,
            "created_at": v.created_at.isoformat(),
            "message": v.message,
            "based_on": v.based_on,
        }
        for v in versions
    ]
    rows = [(str(v.number), display_name(v.author), when(v.created_at), v.message) for v in versions]
    return payload, f"{document.name} ({document.kind}, {document.workspace_name})\n\n" + _table(
        ["Version", "Author", "When", "Message"], rows
    )


def cmd_export(store: Store, args: argparse.Namespace) -> Any:
    user = _user(store, args)
    document = user.find(args.name, _workspace_id(user, args))
    loaded = user.open(document.id, args.version)
    text = roi.dump_spec(loaded.spec)
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise roi.InputError(args.out, "", f"cannot write the file: {exc.strerror or exc}") from exc
    version = loaded.version
    payload = {
        "name": document.name,
        "version": version.number,
        "author": version.author,
        "created_at": version.created_at.isoformat(),
        "message": version.message,
        "file": args.out,
    }
    return payload, f"Wrote '{document.name}' version {version.number} to {args.out}"


def cmd_backup(store: Store, args: argparse.Namespace) -> Any:
    user = _user(store, args)
    workspace = user.find_workspace(args.workspace)
    data = backups.backup(user, workspace.id)
    try:
        Path(args.out).write_bytes(data)
    except OSError as exc:
        raise roi.InputError(args.out, "", f"cannot write the file: {exc.strerror or exc}") from exc
    return {"workspace": workspace.name, "file": args.out, "bytes": len(data)}, (
        f"Wrote workspace '{workspace.name}' to {args.out} ({len(data):,} bytes)"
    )


def cmd_restore(store: Store, args: argparse.Namespace) -> Any:
    if not Path(args.file).is_file():
        raise roi.InputError(args.file, "", "no such file")
    actor = args.user or os.environ.get("ROI_USER", "").strip() or LOCAL_USER
    summary = backups.restore(store, args.file, actor=actor if actor == LOCAL_USER else store.for_user(actor).email)
    return summary, (
        f"Restored workspace '{summary['workspace']}': {summary['documents']} documents, {summary['versions']} versions"
    )


def cmd_verify(store: Store, args: argparse.Namespace) -> Any:
    report = chain.verify(store.engine)
    payload = {
        "intact": report.intact,
        "problems": [{"table": p.table, "row": p.seq, "kind": p.kind, "detail": p.detail} for p in report.problems],
        "rows": report.lengths,
        "newest_hash": report.heads,
    }
    counts = ", ".join(f"{n:,} {table.replace('_', ' ')} rows" for table, n in report.lengths.items())
    heads = "\n".join(f"  newest {table.replace('_', ' ')} hash: {h}" for table, h in report.heads.items())
    if report.intact:
        text = f"Intact: {counts}, every row chained to the one before.\n{heads}"
    else:
        found = "\n".join(f"  {p}" for p in report.problems)
        text = f"NOT INTACT: {len(report.problems)} problem(s) in {counts}:\n{found}\n{heads}"
    return payload, text


def cmd_sign_out(store: Store, args: argparse.Namespace) -> Any:
    """An administrator's 'sign out everywhere': end one person's sign-ins, or everyone's, at once."""
    if bool(args.email) == bool(args.everyone):
        raise roi.InputError("sign-out", "--email", "give one of --email EMAIL or --everyone")
    email = None if args.everyone else args.email.strip().lower()
    actor = f"administrator ({args.user or os.environ.get('ROI_USER', '') or 'command line'})"
    ended = store.end_sessions(email=email, why="signed out everywhere", actor=actor)
    return {"ended": ended, "who": email or "everyone"}, f"Ended {ended} sign-in(s) of {email or 'everyone'}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m roi store",
        description="Saved, versioned scenarios and claims (database from ROI_DATABASE_URL, else data/roi.sqlite).",
    )
    verbs = parser.add_subparsers(dest="verb", required=True)

    def verb(name: str, help_: str, handler: Any) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_)
        sub.add_argument("--user", help="act as this signed-in email (default: ROI_USER, else the local user)")
        sub.add_argument("--json", action="store_true", help="print JSON for machines")
        sub.set_defaults(handler=handler)
        return sub

    save = verb("save", "save a scenario or claim file as a new version (a new document if the name is new)", cmd_save)
    save.add_argument("file")
    save.add_argument("--name", required=True)
    save.add_argument("--message", required=True, help="one line: what changed and why")
    save.add_argument("--workspace", help="workspace name (default: your first)")
    listing = verb("list", "list saved documents, newest change first", cmd_list)
    listing.add_argument("--workspace")
    listing.add_argument("--archived", action="store_true", help="include archived documents")
    history = verb("history", "list a document's versions: number, author, time, message", cmd_history)
    history.add_argument("name")
    history.add_argument("--workspace")
    export = verb("export", "write a saved version to a YAML file", cmd_export)
    export.add_argument("name")
    export.add_argument("out", metavar="OUT.yaml")
    export.add_argument("--version", type=int, help="version number (default: the newest)")
    export.add_argument("--workspace")
    backup = verb("backup", "write a workspace to a zip of YAML files with a manifest", cmd_backup)
    backup.add_argument("out", metavar="OUT.zip")
    backup.add_argument("--workspace")
    restore = verb("restore", "load a backup zip into a database that does not hold that workspace", cmd_restore)
    restore.add_argument("file", metavar="IN.zip")
    verb(
        "verify",
        "check the audit log and the versions against their hash chains (exit 4 if any row was altered, "
        "removed or replaced)",
        cmd_verify,
    )
    sign_out = verb("sign-out", "end sign-ins at once, on every app server: one person's, or everyone's", cmd_sign_out)
    sign_out.add_argument("--email", help="the person's address, as the app shows it")
    sign_out.add_argument("--everyone", action="store_true", help="every live sign-in")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        store = Store()
        try:
            payload, text = args.handler(store, args)
        finally:
            store.dispose()
    except StoreUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except (roi.InputError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    print(json.dumps(payload, indent=2) if args.json else text)
    if args.handler is cmd_verify and not payload["intact"]:
        return EXIT_TAMPERED
    return 0


__all__ = ["LOCAL_WORKSPACE", "main"]
