"""Integrity: hash-chain the audit log and the versions, refuse TRUNCATE (PostgreSQL) and
INSERT OR REPLACE (SQLite) on them.

Revision ID: 0003_integrity
Revises: 0002_identity_sessions
"""

from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from store import chain

revision = "0003_integrity"
down_revision = "0002_identity_sessions"
branch_labels = None
depends_on = None

CHAINED = ("audit_log", "versions")
# On SQLite, REPLACE deletes the old row without firing delete triggers; refuse the insert instead.
SQLITE_NO_REPLACE = {
    "audit_log": "NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)",
    "versions": "EXISTS (SELECT 1 FROM versions WHERE id = NEW.id "
    "OR (document_id = NEW.document_id AND number = NEW.number))",
}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in CHAINED:
        op.add_column(table, sa.Column("seq", sa.Integer, nullable=True))
        op.add_column(table, sa.Column("prev_hash", sa.String(64), nullable=True))
        op.add_column(table, sa.Column("row_hash", sa.String(64), nullable=True))
        op.create_index(f"uq_{table}_seq", table, ["seq"], unique=True)
    op.create_table(
        "chain_heads",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("length", sa.Integer, nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
    )
    _set_update_triggers(postgres, enabled=False)
    for table in CHAINED:
        _backfill(table)
    _set_update_triggers(postgres, enabled=True)
    if postgres:
        for table in CHAINED:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION roi_append_only()"
            )
    else:
        for table, exists in SQLITE_NO_REPLACE.items():
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {exists} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def _set_update_triggers(postgres: bool, enabled: bool) -> None:
    """The backfill below writes each existing row's hashes once; nothing else may update them."""
    for table in CHAINED:
        if postgres:
            op.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER {table}_append_only")
        elif enabled:
            op.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        else:
            op.execute(f"DROP TRIGGER {table}_no_update")


def _backfill(table: str) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT * FROM {table} ORDER BY id")).mappings().all()
    prev = chain.GENESIS
    for seq, mapping in enumerate(rows, start=1):
        row = SimpleNamespace(**{**mapping, "seq": seq})
        if isinstance(row.at if table == "audit_log" else row.created_at, str):  # SQLite hands back text
            _parse_times(row)
        digest = chain.row_hash(prev, table, row)
        bind.execute(
            sa.text(f"UPDATE {table} SET seq = :seq, prev_hash = :prev, row_hash = :hash WHERE id = :id"),
            {"seq": seq, "prev": prev, "hash": digest, "id": row.id},
        )
        prev = digest
    bind.execute(
        sa.text("INSERT INTO chain_heads (name, length, row_hash) VALUES (:name, :length, :hash)"),
        {"name": table, "length": len(rows), "hash": prev},
    )


def _parse_times(row: SimpleNamespace) -> None:
    from datetime import datetime

    for field in ("at", "created_at"):
        if isinstance(getattr(row, field, None), str):
            setattr(row, field, datetime.fromisoformat(getattr(row, field)))


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in CHAINED:
        op.execute(
            f"DROP TRIGGER IF EXISTS {table}_{'no_truncate' if postgres else 'no_replace'}"
            + (f" ON {table}" if postgres else "")
        )
    _set_update_triggers(postgres, enabled=False)
    op.drop_table("chain_heads")
    for table in CHAINED:
        op.drop_index(f"uq_{table}_seq", table)
        for column in ("row_hash", "prev_hash", "seq"):
            op.drop_column(table, column)
    _set_update_triggers(postgres, enabled=True)
