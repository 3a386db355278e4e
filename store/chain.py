"""Hash chains over the two append-only tables, the audit log and the saved versions.

Each row carries its place in its chain (``seq``, 1, 2, 3, ...), the hash of the row before it
(``prev_hash``) and its own hash (``row_hash``): SHA-256 of the previous hash and the row's content.
``chain_heads`` keeps each chain's length and newest hash, so rows cut from the end are missed too.
Rows are sealed as they are first written (a flush hook on the store's sessions), and
:func:`verify` walks both chains and says which rows were altered, removed or replaced.

A chain shows changes made by anyone who did not recompute every hash after the one they changed.
Someone who can write to the tables and recompute can forge a consistent chain; so the newest
hashes :func:`verify` prints are worth recording somewhere the database's owner cannot reach.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from .models import AuditEntry, ChainHead, Version

GENESIS = "0" * 64
CHAINED = {"audit_log": AuditEntry, "versions": Version}


def _when(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def content(table: str, row: Any) -> dict[str, Any]:
    """What a row's hash covers: everything it records, and its place in the chain. ``row`` is a
    model instance or any row with the same attribute names (the migration's backfill)."""
    if table == "audit_log":
        return {
            "seq": row.seq,
            "at": _when(row.at),
            "actor": row.actor,
            "workspace_id": row.workspace_id,
            "document_id": row.document_id,
            "action": row.action,
            "detail": row.detail,
        }
    return {
        "seq": row.seq,
        "document_id": row.document_id,
        "number": row.number,
        "spec_sha256": hashlib.sha256(row.spec.encode("utf-8", "surrogatepass")).hexdigest(),
        "author": row.author,
        "created_at": _when(row.created_at),
        "message": row.message,
        "based_on": row.based_on,
    }


def row_hash(prev_hash: str, table: str, row: Any) -> str:
    body = json.dumps(content(table, row), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def seal(session: Session, rows: Iterable[AuditEntry | Version]) -> None:
    """Give each new row its place, the previous hash and its own hash, and move the chain head.

    Writers are serialised before this runs (SQLite's BEGIN IMMEDIATE, PostgreSQL's transaction
    lock in :meth:`store.Store.transaction`), so two writers never take the same place."""
    heads: dict[str, ChainHead] = {}
    for row in rows:
        table = row.__tablename__
        head = heads.get(table)
        if head is None:
            head = heads[table] = session.get(ChainHead, table) or _new_head(session, table)
        row.seq = head.length + 1
        row.prev_hash = head.row_hash
        row.row_hash = row_hash(head.row_hash, table, row)
        head.length, head.row_hash = row.seq, row.row_hash


def _new_head(session: Session, table: str) -> ChainHead:
    head = ChainHead(name=table, length=0, row_hash=GENESIS)
    session.add(head)
    return head


def seal_new_rows(session: Session, _context: Any, _instances: Any) -> None:
    """The ``before_flush`` hook: seal every audit entry and version about to be inserted."""
    new = [row for row in session.new if isinstance(row, (AuditEntry, Version)) and row.row_hash is None]
    if new:
        with session.no_autoflush:
            seal(session, new)


# --------------------------------------------------------------------------------------------
# Checking


@dataclass(frozen=True)
class Problem:
    table: str
    seq: int | None
    kind: str  # "altered", "removed" or "replaced"
    detail: str

    def __str__(self) -> str:
        where = f"{self.table} row {self.seq}" if self.seq is not None else self.table
        return f"{where}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Report:
    problems: tuple[Problem, ...]
    lengths: dict[str, int]
    heads: dict[str, str]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(engine: Engine) -> Report:
    """Walk both chains from the first row; report every row altered, removed or replaced."""
    problems: list[Problem] = []
    lengths: dict[str, int] = {}
    heads: dict[str, str] = {}
    with Session(engine) as session:
        for table, model in CHAINED.items():
            rows = list(session.scalars(select(model).order_by(model.seq, model.id)))
            head = session.get(ChainHead, table)
            problems += _check_chain(table, rows, head)
            lengths[table] = len(rows)
            heads[table] = rows[-1].row_hash if rows else GENESIS
    return Report(tuple(problems), lengths, heads)


def _check_chain(table: str, rows: list[Any], head: ChainHead | None) -> list[Problem]:
    problems: list[Problem] = []
    expected_seq, prev = 1, GENESIS
    for row in rows:
        if row.seq is None or row.row_hash is None or row.prev_hash is None:
            problems.append(Problem(table, row.seq, "replaced", f"row id {row.id} carries no chain hashes"))
            continue
        if row.seq > expected_seq:
            gap = f"row {expected_seq}" if row.seq == expected_seq + 1 else f"rows {expected_seq} to {row.seq - 1}"
            problems.append(Problem(table, expected_seq, "removed", f"{gap} missing before row {row.seq}"))
        elif row.seq < expected_seq:
            problems.append(Problem(table, row.seq, "replaced", f"a second row claims place {row.seq}"))
        own_ok = row_hash(row.prev_hash, table, row) == row.row_hash
        if not own_ok:
            problems.append(Problem(table, row.seq, "altered", "its content no longer matches its hash"))
        elif row.prev_hash != prev and row.seq == expected_seq:
            problems.append(
                Problem(table, row.seq - 1, "replaced", f"row {row.seq} was chained to a different row {row.seq - 1}")
            )
        expected_seq, prev = max(expected_seq, row.seq + 1), row.row_hash
    problems += _check_head(table, rows, head, expected_seq - 1, prev)
    return problems


def _check_head(table: str, rows: list[Any], head: ChainHead | None, last_seq: int, last_hash: str) -> list[Problem]:
    if head is None:
        if rows:
            return [Problem(table, None, "removed", "the record of the chain's length is missing")]
        return []
    if head.length > last_seq:
        gap = f"row {head.length}" if head.length == last_seq + 1 else f"rows {last_seq + 1} to {head.length}"
        return [Problem(table, last_seq + 1, "removed", f"{gap} missing from the end")]
    if head.length < last_seq:
        return [Problem(table, head.length + 1, "replaced", "rows beyond the recorded end of the chain")]
    if head.row_hash != last_hash:
        return [Problem(table, last_seq, "replaced", "the newest row is not the one last written")]
    return []
