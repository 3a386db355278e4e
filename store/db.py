"""Where the database is, how to connect, and bringing its tables up to date (Alembic) at start-up."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .errors import StoreUnavailable

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "data" / "roi.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
URL_VARIABLE = "ROI_DATABASE_URL"
MIGRATION_URL_VARIABLE = "ROI_MIGRATION_DATABASE_URL"
LOCK_TIMEOUT_VARIABLE = "ROI_LOCK_TIMEOUT_SECONDS"
CONNECT_TIMEOUT_SECONDS = 5
DEFAULT_LOCK_TIMEOUT_SECONDS = 5.0
MIGRATION_LOCK = 7411
WRITE_LOCK = 7412  # every writing transaction on PostgreSQL, so hash chains grow one row at a time


def default_url() -> str:
    """The embedded SQLite file under data/ (created on first start)."""
    return f"sqlite:///{DEFAULT_PATH}"


def database_url(explicit: str | None = None) -> str:
    """The URL to use: the one given, else ROI_DATABASE_URL, else the embedded SQLite file."""
    url = explicit or os.environ.get(URL_VARIABLE, "").strip() or default_url()
    if url.startswith("postgres://"):  # the form Heroku-style hosts hand out
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def migration_url(app_url: str, explicit: str | None = None) -> str:
    """Where migrations run: the owner role's URL (ROI_MIGRATION_DATABASE_URL), else the app's own."""
    given = explicit or os.environ.get(MIGRATION_URL_VARIABLE, "").strip()
    return database_url(given) if given else app_url


def lock_timeout_seconds() -> float:
    """How long a save waits for another's lock before saying so (ROI_LOCK_TIMEOUT_SECONDS, default 5)."""
    raw = os.environ.get(LOCK_TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0.1 <= seconds <= 600:
        raise StoreUnavailable(f"{LOCK_TIMEOUT_VARIABLE} is '{raw}'; give a number of seconds from 0.1 to 600")
    return seconds


def describe(url: str) -> str:
    """The URL without its password, fit to show a user."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "an unreadable database address"


def make_engine(url: str) -> Engine:
    """An engine for the URL. SQLite: the folder is created, writers queue (BEGIN IMMEDIATE), WAL."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreUnavailable(f"the database address is not valid ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        wait = lock_timeout_seconds()
        engine = create_engine(url, connect_args={"timeout": wait, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
            dbapi_connection.isolation_level = None  # let the events below issue BEGIN
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL never corrupts the file; a power cut may lose only the last commits.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn) -> None:  # noqa: ANN001
            # Take the write lock at the start, so two savers queue instead of both reading the same head.
            read_only = conn.get_execution_options().get("roi_read_only", False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    if parsed.get_backend_name() == "postgresql":
        wait_ms = int(lock_timeout_seconds() * 1000)
        options = f"-c lock_timeout={wait_ms}"
        return create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "options": options},
        )
    raise StoreUnavailable(f"{parsed.get_backend_name()} databases are not supported; use SQLite or PostgreSQL")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine, app_user: str | None = None) -> None:
    """Bring the tables to the newest revision. Safe to run twice, and from two processes at once.

    With ``app_user`` (PostgreSQL, the engine connected as the tables' owner), grant that role only
    what the app needs: no UPDATE, DELETE or TRUNCATE on the audit log and the versions."""
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                # One migrator at a time when several app processes start together.
                connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if app_user and engine.dialect.name == "postgresql":
                grant_app_role(connection, app_user)
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"cannot reach the database at {describe(str(engine.url))}: {_reason(exc)}") from exc


APPEND_ONLY_TABLES = ("audit_log", "versions")


def app_role_grants(app_user: str) -> list[str]:
    """The SQL that gives the app's role what it needs and no more (docs/deployment.md shows it)."""
    role = '"' + app_user.replace('"', '""') + '"'
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {', '.join(APPEND_ONLY_TABLES)} FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {role}",
    ]


def grant_app_role(connection, app_user: str) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    for statement in app_role_grants(app_user):
        connection.execute(text(statement))


def head_revision() -> str:
    """The newest migration's revision id."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            return None


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0][:300] if str(original).strip() else type(original).__name__
