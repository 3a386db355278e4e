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
CONNECT_TIMEOUT_SECONDS = 5


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
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
            dbapi_connection.isolation_level = None  # let the events below issue BEGIN
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL never corrupts the file; a power cut may lose only the last commits.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn) -> None:  # noqa: ANN001
            # Take the write lock at the start, so two savers queue instead of both reading the same head.
            read_only = conn.get_execution_options().get("roi_read_only", False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    raise StoreUnavailable(f"{parsed.get_backend_name()} databases are not supported; use SQLite or PostgreSQL")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Bring the tables to the newest revision. Safe to run twice, and from two processes at once."""
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                # One migrator at a time when several app processes start together.
                connection.execute(text("SELECT pg_advisory_xact_lock(7411)"))
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"cannot reach the database at {describe(str(engine.url))}: {_reason(exc)}") from exc


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            return None


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0][:300] if str(original).strip() else type(original).__name__
