"""Identity by issuer and subject, server-side sign-in sessions, pinned share links, drafts kept
across a sign-in.

- ``members.subject``: the provider's issuer and subject (or Entra ID's tenant and object id) of
  the person a membership belongs to; NULL while it is an invitation by email, not yet taken up.
- ``sign_in_sessions``: one row per sign-in, checked on every run; ending it ends a copied cookie.
- ``share_links.version``: the version a link opens; NULL for a link that follows the newest.
- ``drafts``: the scenario on screen, kept while its user signs in, then handed back and deleted.

Revision ID: 0002_identity_sessions
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_identity_sessions"
down_revision = "0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("subject", sa.String(512), nullable=True))
        batch.create_index("ix_members_subject", ["subject"])
    with op.batch_alter_table("share_links") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=True))
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(512), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.Column("ended_at", WHEN, nullable=True),
        sa.Column("ended_why", sa.String(40), nullable=True),
    )
    op.create_index("ix_sign_in_sessions_subject", "sign_in_sessions", ["subject"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("saved_at", WHEN, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("drafts")
    op.drop_index("ix_sign_in_sessions_subject", "sign_in_sessions")
    op.drop_table("sign_in_sessions")
    with op.batch_alter_table("share_links") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("members") as batch:
        batch.drop_index("ix_members_subject")
        batch.drop_column("subject")
