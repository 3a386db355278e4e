"""Issue 20, store integrity: hash chains and `store verify`, the append-only tables against TRUNCATE
and INSERT OR REPLACE, the two database roles, YAML that reads back as written, store errors in one
sentence, restore that checks the whole backup first, and names, numbers and texts checked at the door.

Every database test runs on SQLite and on a real PostgreSQL cluster (tests/postgres.py)."""

from __future__ import annotations

import io
import json
import sqlite3
import threading
import uuid
import zipfile
from pathlib import Path

import psycopg
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select

import roi
from roi.inputs.library import _SpecDumper, parse_yaml
from store import Store, chain, errors
from store import backup as backups
from store.cli import EXIT_TAMPERED
from store.models import AuditEntry, ChainHead
from tests.conftest import CLAIM_TEXT, OFFER_TEXT, offer_text, roi_cli, start_app
from tests.postgres import new_database
from ui.text import md  # the page shows messages escaped for Markdown

ROOT = Path(__file__).resolve().parents[1]
OFFER, CLAIM = OFFER_TEXT, CLAIM_TEXT
ALICE = "alice@district.gov.uk"
offer = offer_text


@pytest.fixture()
def alice(store):
    return store.for_user(ALICE)


def some_history(user) -> str:  # noqa: ANN001
    """A workspace with one document in three versions: audit rows 1-4 and version rows 1-3."""
    workspace = user.ensure_workspace("District")
    first = user.create(workspace.id, "scenario", "Offer", offer(100), "first")
    user.save(first.document_id, offer(110), "second", based_on=1)
    user.save(first.document_id, offer(120), "third", based_on=2)
    return first.document_id


def as_attacker(url: str, *statements: str, params: tuple = ()) -> None:
    """Write to the tables as someone with the file or a superuser would: triggers out of the way."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        for table in ("audit_log", "versions"):
            for trigger in ("no_update", "no_delete", "no_replace"):
                connection.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
        for statement in statements:
            connection.execute(statement.replace("%s", "?"), params if "%s" in statement else ())
        connection.commit()
        connection.close()
        return
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute("SET session_replication_role = replica")  # a superuser switches triggers off
        for statement in statements:
            connection.execute(statement, params if "%s" in statement else None)


def problems(store: Store) -> list[tuple[str, int | None, str]]:
    return [(p.table, p.seq, p.kind) for p in chain.verify(store.engine).problems]


# ---- 3. hash chains and `store verify` -------------------------------------------------------


def test_an_untouched_store_verifies_as_intact_with_every_row_chained(store, alice):
    some_history(alice)
    report = chain.verify(store.engine)
    assert report.intact, report.problems
    assert report.lengths == {"audit_log": 4, "versions": 3}
    assert report.heads["versions"] != chain.GENESIS


def test_verify_reports_an_altered_audit_row_and_an_altered_version_author(url, store, alice):
    some_history(alice)
    as_attacker(
        url,
        "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 2",
        "UPDATE versions SET author = 'mallory@elsewhere.org' WHERE seq = 3",
    )
    assert problems(store) == [("audit_log", 2, "altered"), ("versions", 3, "altered")]


def test_verify_reports_a_removed_row_in_the_middle_and_at_the_end(url, store, alice):
    some_history(alice)
    as_attacker(url, "DELETE FROM audit_log WHERE seq = 2", "DELETE FROM versions WHERE seq = 3")
    assert problems(store) == [("audit_log", 2, "removed"), ("versions", 3, "removed")]


def test_verify_reports_a_row_replaced_by_one_with_its_own_consistent_hash(url, store, alice):
    some_history(alice)
    with store.transaction(write=False) as session:
        row = session.scalar(select(AuditEntry).where(AuditEntry.seq == 2))
        session.expunge(row)
    row.detail = "version 2: nothing to see"
    forged = chain.row_hash(row.prev_hash, "audit_log", row)  # the forger recomputes this row's hash
    as_attacker(
        url,
        "DELETE FROM audit_log WHERE seq = 2",
        "INSERT INTO audit_log (id, at, actor, workspace_id, document_id, action, detail, seq, prev_hash, row_hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        params=(
            row.id,
            row.at.isoformat(sep=" ") if url.startswith("sqlite") else row.at,
            row.actor,
            row.workspace_id,
            row.document_id,
            row.action,
            row.detail,
            2,
            row.prev_hash,
            forged,
        ),
    )
    assert problems(store) == [("audit_log", 2, "replaced")]


def test_store_verify_exits_4_naming_the_row_and_0_when_intact(url, store, alice, monkeypatch):
    some_history(alice)
    monkeypatch.setenv("ROI_DATABASE_URL", url)
    intact = roi_cli("store", "verify")
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("Intact: 4 audit log rows, 3 versions rows")
    as_attacker(url, "UPDATE versions SET message = 'rewritten' WHERE seq = 2")
    tampered = roi_cli("store", "verify", "--json")
    assert tampered.returncode == EXIT_TAMPERED == 4
    found = json.loads(tampered.stdout)
    assert found["intact"] is False
    assert found["problems"] == [
        {"table": "versions", "row": 2, "kind": "altered", "detail": "its content no longer matches its hash"}
    ]


def test_concurrent_saves_keep_one_unbroken_chain(store, alice):
    document_id = some_history(alice)
    failures: list[BaseException] = []

    def save(n: int) -> None:
        try:
            alice.save(document_id, offer(200 + n), f"parallel {n}", based_on=3, on_top=True)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    report = chain.verify(store.engine)
    assert report.intact, report.problems
    assert report.lengths == {"audit_log": 10, "versions": 9}


# ---- 3. append-only against TRUNCATE and INSERT OR REPLACE; the two roles --------------------


def test_insert_or_replace_cannot_rewrite_an_audit_row_or_a_version_author_on_sqlite(tmp_path):
    opened = Store(f"sqlite:///{tmp_path}/s.sqlite")
    some_history(opened.for_user(ALICE))
    opened.dispose()
    connection = sqlite3.connect(tmp_path / "s.sqlite")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute(
            "INSERT OR REPLACE INTO audit_log (id, at, actor, action, detail) SELECT id, at, "
            "'mallory', action, detail FROM audit_log WHERE id = 1"
        )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute(
            "INSERT OR REPLACE INTO versions (id, document_id, number, spec, author, created_at, "
            "message) SELECT id, document_id, number, spec, 'mallory', created_at, message "
            "FROM versions WHERE number = 1"
        )
    assert connection.execute("SELECT count(*) FROM audit_log WHERE actor = 'mallory'").fetchone() == (0,)
    assert connection.execute("SELECT count(*) FROM versions WHERE author = 'mallory'").fetchone() == (0,)
    connection.close()


def _roles(base_url: str) -> tuple[str, str]:
    """A database owned by a fresh owner role, and URLs for it as that owner and as a fresh app role."""
    database = new_database(base_url)
    name = database.rsplit("/", 1)[1]
    owner, app = f"owner_{uuid.uuid4().hex[:8]}", f"app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
        c.execute(f"CREATE ROLE {owner} LOGIN")
        c.execute(f"CREATE ROLE {app} LOGIN")
        c.execute(f'ALTER DATABASE "{name}" OWNER TO {owner}')
        c.execute(f"ALTER SCHEMA public OWNER TO {owner}")
    host = base_url.split("@", 1)[1]
    return f"postgresql+psycopg://{owner}@{host}/{name}", f"postgresql+psycopg://{app}@{host}/{name}"


def test_on_postgresql_the_app_role_cannot_truncate_disable_or_drop_and_the_owner_hits_a_trigger(
    postgres_cluster, monkeypatch
):
    owner_url, app_url = _roles(postgres_cluster)
    monkeypatch.setenv("ROI_MIGRATION_DATABASE_URL", owner_url)
    app = Store(app_url)  # migrates as the owner, then works as the app role
    user = app.for_user(ALICE)
    document_id = some_history(user)
    token = user.share(document_id)
    user.revoke(document_id, token)
    user.set_member(user.ensure_workspace("x").id, "bob@county.gov.uk", "viewer")
    user.remove_member(user.ensure_workspace("x").id, "bob@county.gov.uk")
    assert user.open(document_id).version.number == 3
    app.dispose()
    as_app = psycopg.connect(app_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    for statement in (
        "TRUNCATE audit_log",
        "TRUNCATE versions CASCADE",
        "UPDATE audit_log SET detail = ''",
        "DELETE FROM versions",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "DROP TRIGGER audit_log_no_truncate ON audit_log",
        "CREATE TABLE sneaky (id int)",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_app.execute(statement)
    as_app.close()
    with psycopg.connect(owner_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as owner:
        for table in ("audit_log", "versions"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                owner.execute(f"TRUNCATE {table} CASCADE")
        assert owner.execute("SELECT count(*) FROM audit_log").fetchone()[0] >= 7
    verified = Store(app_url)
    assert chain.verify(verified.engine).intact
    verified.dispose()


# ---- 4. every string written to YAML reads back as the same string ---------------------------

TRICKY = st.one_of(
    st.sampled_from(
        [
            "1e3",
            "2E5",
            ".5e3",
            "-1.5E-3",
            "1_000",
            "0x1F",
            "0o17",
            "1:20:30",
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "true",
            "False",
            "null",
            "~",
            "",
            "2025-04-01",
            "2025-04-01 10:00:00",
            ".inf",
            "-.Inf",
            ".NaN",
            "=",
            "<<",
            "- a",
            "a: b",
            "#x",
            "'q'",
            '"q"',
            " lead",
            "trail ",
            "@at",
            "`tick",
            "%pct",
            "!bang",
            "&anchor",
            "*alias",
            "|",
            ">",
            "?",
            "[1]",
            "{a: 1}",
        ]
    ),
    st.from_regex(r"\A[-+]?[0-9_]{0,6}\.?[0-9_]{0,4}([eE][-+]?[0-9]{1,3})?\Z"),
    st.text(max_size=60),
)


@given(text=TRICKY)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_string_written_as_yaml_reads_back_as_the_same_string(text):
    written = yaml.dump({"label": text, text: "key"}, Dumper=_SpecDumper, allow_unicode=True, width=100)
    assert parse_yaml(written, "round trip") == {"label": text, text: "key"}


@pytest.mark.parametrize("looks_like", ["1e3", "2E5", ".5e3", "2025-04-01", "yes", "12"])
def test_a_scenario_whose_label_and_description_look_like_numbers_opens_after_saving(alice, looks_like):
    text = OFFER.replace("  - id: handyperson\n", f"  - id: handyperson\n    label: '{looks_like}'\n")
    text = text.replace("description: >-", f"description: '{looks_like}'\nold_description: >-", 1)
    text = text.split("old_description:")[0] + "settings:" + text.split("settings:", 1)[1]
    workspace = alice.ensure_workspace("District")
    saved = alice.create(workspace.id, "scenario", "Offer", text, "first")
    loaded = alice.open(saved.document_id)
    assert loaded.spec.description == looks_like
    assert loaded.spec.interventions[1].label == looks_like
    assert roi.inputs.library.parse_yaml(roi.dump_spec(loaded.spec), "download")["description"] == looks_like


# ---- 4. store errors in one sentence ---------------------------------------------------------


def test_a_read_only_database_answers_one_sentence_and_writes_nothing(url, store, alice):
    document_id = some_history(alice)
    store.dispose()
    if url.startswith("sqlite"):
        read_only = Store(url, migrate=False)
        event.listen(read_only.engine, "connect", lambda connection, _: connection.execute("PRAGMA query_only=ON"))
    else:
        name = url.rsplit("/", 1)[1]
        as_attacker(url, f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        read_only = Store(url, migrate=False)
    user = read_only.for_user(ALICE)
    with pytest.raises(errors.ReadOnly) as refused:
        user.save(document_id, offer(300), "fourth", based_on=3)
    assert str(refused.value).startswith("The database is taking no changes just now (it is read-only)")
    assert "\n" not in str(refused.value)
    assert user.open(document_id).version.number == 3
    read_only.dispose()


def test_a_save_behind_another_sessions_lock_gives_up_after_the_lock_timeout(url, alice, monkeypatch):
    import time

    document_id = some_history(alice)
    monkeypatch.setenv("ROI_LOCK_TIMEOUT_SECONDS", "1")
    waiting = Store(url, migrate=False)
    holder = Store(url, migrate=False)
    with holder.transaction() as session:  # another session's write in progress
        session.execute(select(ChainHead))
        started = time.monotonic()
        with pytest.raises(errors.Busy, match="^Another save was holding the document"):
            waiting.for_user(ALICE).save(document_id, offer(300), "fourth", based_on=3)
        assert time.monotonic() - started < 4
    assert waiting.for_user(ALICE).open(document_id).version.number == 3
    waiting.dispose()
    holder.dispose()


def test_a_lock_timeout_outside_its_range_is_refused_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("ROI_LOCK_TIMEOUT_SECONDS", "forever")
    with pytest.raises(errors.StoreUnavailable, match="ROI_LOCK_TIMEOUT_SECONDS is 'forever'; give a number"):
        Store(f"sqlite:///{tmp_path}/s.sqlite")


def test_a_value_the_database_refuses_answers_one_sentence(postgres_cluster):
    opened = Store(new_database(postgres_cluster))
    user = opened.for_user(ALICE)
    workspace = user.ensure_workspace("District")
    with pytest.raises(errors.Refused, match="^The database refused a value in this work"):
        with opened.transaction() as session:
            user._audit(session, "test", workspace.id, None, "a NUL \x00 here")
    opened.dispose()


# ---- 4. restore checks the whole backup first -------------------------------------------------


def _backup_of(user) -> tuple[bytes, str]:  # noqa: ANN001
    document_id = some_history(user)
    user.share(document_id)
    return backups.backup(user, user.ensure_workspace("District").id), document_id


def _rezip(zipped: bytes, change) -> bytes:  # noqa: ANN001
    """The backup with its manifest changed by ``change`` (which may return {"__files__": {name: text}})."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zipped)) as source, zipfile.ZipFile(out, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        result = change(manifest)
        extra = result.get("__files__", {}) if isinstance(result, dict) else {}
        for item in source.infolist():
            if item.filename != "manifest.json" and item.filename not in extra:
                target.writestr(item, source.read(item))
        for name, data in extra.items():
            target.writestr(name, data)
        target.writestr("manifest.json", json.dumps(manifest))
    return out.getvalue()


def _doc(m):  # noqa: ANN001, ANN202
    return m["documents"][0]


DAMAGES = {
    "head 99": (lambda m: _doc(m).update(head=99), "head is 99 but the backup holds versions 1 to 3"),
    "a version missing": (lambda m: _doc(m)["versions"].pop(1), "versions are numbered 1, 3; they must run"),
    "a version numbered twice": (
        lambda m: _doc(m)["versions"][2].update(number=2, based_on=1),
        "versions are numbered 1, 2, 2",
    ),
    "an author that is no email": (
        lambda m: _doc(m)["versions"][0].update(author="mallory"),
        "author: 'mallory' is not an email address",
    ),
    "a NUL in a name": (lambda m: _doc(m).update(name="Off\x00er"), "control characters (U+0000)"),
    "a look-alike name": (
        lambda m: m["documents"].append({**_doc(m), "id": "f" * 32, "name": "Оffer"}),
        "'Оffer' and 'Offer' cannot both be names",
    ),
    "a name over 200 characters": (lambda m: _doc(m).update(name="x" * 201), "201 characters is too long"),
    "an unknown role": (lambda m: m["members"][0].update(role="admin"), "role 'admin' is not one of"),
    "no owner": (lambda m: m["members"][0].update(role="viewer"), "the workspace has no owner"),
    "documents not a list": (lambda m: m.update(documents="lots"), "documents: expected a list of entries"),
    "a missing field": (lambda m: _doc(m).pop("kind"), "manifest.json is incomplete: 'kind' is missing"),
    "head as text": (lambda m: _doc(m).update(head="3"), "head: '3' is not a whole number"),
    "archived as text": (lambda m: _doc(m).update(archived="no"), "archived is not true or false"),
    "a bad date": (lambda m: _doc(m).update(created_at="yesterday"), "'yesterday' is not a date and time"),
    "a short id": (lambda m: m["workspace"].update(id="abc"), "workspace id: 'abc' is not a 32-character id"),
    "based_on ahead": (
        lambda m: _doc(m)["versions"][1].update(based_on=5),
        "version 2: based_on 5 is not an earlier version",
    ),
    "an audit row for another document": (
        lambda m: m["audit"][1].update(document_id="e" * 32),
        "audit: an entry names a document the backup does not hold",
    ),
    "a changed version file": (
        lambda m: {"__files__": {_doc(m)["versions"][0]["file"]: "name: changed\n"}},
        "does not match its checksum",
    ),
    "a share link to nowhere": (
        lambda m: m["share_links"][0].update(document_id="d" * 32),
        "share_links: a link is not a 64-character hash",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_backup_is_refused_in_one_line_and_nothing_is_written(store, alice, damage, tmp_path):
    change, expected = DAMAGES[damage]
    zipped, _ = _backup_of(alice)
    damaged = _rezip(zipped, change)
    target = Store(f"sqlite:///{tmp_path}/target.sqlite")
    with pytest.raises(roi.InputError) as refused:
        backups.restore(target, damaged)
    assert expected in str(refused.value)
    assert "\n" not in str(refused.value)
    assert chain.verify(target.engine).lengths == {"audit_log": 0, "versions": 0}
    target.dispose()


def test_the_restore_command_answers_a_damaged_backup_in_one_line_without_a_traceback(
    url, alice, tmp_path, monkeypatch
):
    zipped, _ = _backup_of(alice)
    path = tmp_path / "damaged.zip"
    path.write_bytes(_rezip(zipped, DAMAGES["head 99"][0]))
    monkeypatch.setenv("ROI_DATABASE_URL", new_database_like(url, tmp_path))
    done = roi_cli("store", "restore", str(path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "head is 99 but the backup holds versions 1 to 3" in done.stderr


def new_database_like(url: str, tmp_path: Path) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/other.sqlite"
    return new_database(url.rsplit("/", 1)[0])


def test_a_restore_is_in_the_audit_log_and_share_links_still_open(url, alice, tmp_path):
    document_id = some_history(alice)
    token = alice.share(document_id)
    zipped = backups.backup(alice, alice.ensure_workspace("District").id)
    target = Store(new_database_like(url, tmp_path))
    summary = backups.restore(target, zipped, actor=ALICE)
    assert summary["share_links"] == 1
    assert target.open_shared(token).version.number == 3
    log = target.for_user(ALICE).audit(summary["workspace_id"])
    assert (log[0].actor, log[0].action) == (ALICE, "workspace.restore")
    assert chain.verify(target.engine).intact
    target.dispose()


# ---- in the app: a refused save keeps the scenario and offers a download; a lowered role -----

APP = str(ROOT / "app.py")


def _app(query: dict[str, str] | None = None):  # noqa: ANN202
    return start_app(query, 60)


def _save_as(at, name: str, message: str) -> None:  # noqa: ANN001
    at.text_input(key="save-as-name").set_value(name)
    at.text_input(key="save-as-message").set_value(message)
    at.button(key="save-as-button").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _texts(elements) -> str:  # noqa: ANN001
    return " ".join(str(e.value) for e in elements)


def test_save_on_a_database_gone_read_only_says_so_keeps_the_scenario_and_offers_a_download(
    postgres_cluster, monkeypatch
):
    url = new_database(postgres_cluster)
    monkeypatch.setenv("ROI_DATABASE_URL", url)
    monkeypatch.setenv("ROI_ALLOW_SHARED_ANONYMOUS", "1")  # a network database without sign-in, meant
    at = _app()
    _save_as(at, "Offer", "first")
    spec_before = at.session_state["spec"]
    name = url.rsplit("/", 1)[1]
    as_attacker(  # a failover to a read-only replica: the setting changes and every connection drops
        url,
        f'ALTER DATABASE "{name}" SET default_transaction_read_only = on',
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()",
    )
    at.text_input(key="save-message").set_value("second")
    at.button(key="save-button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    refused = _texts(at.error)
    assert md("Not saved: The database is taking no changes just now (it is read-only)") in refused
    assert "Traceback" not in refused and "psycopg" not in refused
    assert at.session_state["spec"] == spec_before
    download = [b for b in at.get("download_button") if "Download this scenario" in str(b.proto.label)]
    assert download, "a download of the scenario is offered"


def test_save_as_with_a_nul_in_the_linked_name_is_refused_inline_on_postgresql(postgres_cluster, monkeypatch):
    url = new_database(postgres_cluster)
    monkeypatch.setenv("ROI_DATABASE_URL", url)
    monkeypatch.setenv("ROI_ALLOW_SHARED_ANONYMOUS", "1")  # a network database without sign-in, meant
    at = _app()
    _save_as(at, "Offer\x00 from a link", "first")
    assert md("control characters (U+0000) are not allowed") in _texts(at.error)
    assert at.text_input(key="save-as-message").value == "first"  # nothing typed is lost


@pytest.mark.parametrize("button", ["history-archive", "revoke"])
def test_archive_or_revoke_after_your_role_was_lowered_elsewhere_says_so_instead_of_crashing(
    tmp_path, monkeypatch, button
):
    url = f"sqlite:///{tmp_path}/app.sqlite"
    monkeypatch.setenv("ROI_DATABASE_URL", url)
    at = _app()
    _save_as(at, "Offer", "first")
    owner = Store(url).local()
    owner.share(at.session_state["doc"].id)
    at.switch_page("pages/8_History.py").run()
    assert not at.exception, [e.value for e in at.exception]
    connection = sqlite3.connect(tmp_path / "app.sqlite")  # another session lowers this person's role
    connection.execute("UPDATE members SET role = 'viewer' WHERE email = 'local'")
    connection.commit()
    connection.close()
    key = button if button == "history-archive" else next(b.key for b in at.button if b.key.startswith("revoke-"))
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert md("You are a viewer of this workspace") in _texts(at.error)
    assert owner.documents(include_archived=True)[0].archived is False


# ---- 5. names, numbers and texts checked at the door ------------------------------------------


@pytest.mark.parametrize(
    ("name", "existing"),
    [
        ("Off\u200ber", "Offer"),  # a zero-width space
        ("Оffer", "Offer"),  # a Cyrillic capital O
        ("Offеr", "Offer"),  # a Cyrillic small ie
        ("ＯＦＦＥＲ", "Offer"),  # full-width letters (NFKC makes them the plain ones, then case folds)
        ("Of\u00adfer", "Offer"),  # a soft hyphen
        ("Οffer\ufe0f", "Offer"),  # a Greek capital omicron and a variation selector
    ],
)
def test_a_look_alike_name_is_refused_naming_the_existing_one(alice, name, existing):
    workspace = alice.ensure_workspace("District")
    alice.create(workspace.id, "scenario", existing, OFFER, "first")
    with pytest.raises(roi.InputError, match=f"looks the same as '{existing}'|'{existing.upper()}' is already used"):
        alice.create(workspace.id, "scenario", name, OFFER, "second")
    other = alice.create(workspace.id, "scenario", "Another offer", OFFER, "third")
    with pytest.raises(roi.InputError, match=f"looks the same as '{existing}'|is already used"):
        alice.rename(other.document_id, name)
    assert sorted(d.name for d in alice.documents()) == ["Another offer", existing]


def test_a_name_is_kept_in_nfkc_and_a_rename_to_its_own_look_alike_is_allowed(alice):
    workspace = alice.ensure_workspace("District")
    saved = alice.create(workspace.id, "scenario", "ﬁnal  offer", OFFER, "first")  # a ligature, two spaces
    assert alice.documents()[0].name == "final offer"
    alice.rename(saved.document_id, "Final offer")
    assert alice.documents()[0].name == "Final offer"


@pytest.mark.parametrize("bad", ["Offer\x00", "Offer\x07", "Off\x1ber", "Offer\x7f", "Offer\x85"])
def test_names_messages_descriptions_and_emails_with_control_characters_are_refused(store, alice, bad):
    workspace = alice.ensure_workspace("District")
    with pytest.raises(roi.InputError, match="control characters"):
        alice.create(workspace.id, "scenario", bad, OFFER, "first")
    with pytest.raises(roi.InputError, match="control characters"):
        alice.create(workspace.id, "scenario", "Offer", OFFER, f"why {bad}")
    with pytest.raises(roi.InputError, match="control characters"):
        alice.create(workspace.id, "scenario", "Offer", OFFER, "why", description=bad)
    with pytest.raises(roi.InputError, match="not an email address"):
        alice.set_member(workspace.id, f"bob{bad}@county.gov.uk", "viewer")
    assert alice.documents() == []


def test_a_description_keeps_its_line_breaks(alice):
    workspace = alice.ensure_workspace("District")
    alice.create(workspace.id, "scenario", "Offer", OFFER, "first", description="Line one\nLine two\tend")
    assert alice.documents()[0].description == "Line one\nLine two\tend"


@pytest.mark.parametrize(
    ("kind", "text", "field"),
    [
        ("scenario", OFFER.replace("  - id: handyperson\n", "  - id: handyperson\n    cases_per_year: true\n"),
         "interventions[1].cases_per_year"),
        ("scenario", OFFER.replace("  horizon_years: 10", "  horizon_years: yes"), "settings.horizon_years"),
        ("claim", CLAIM.replace("claimed_saving: 181250", "claimed_saving: true"), "claimed_saving"),
        ("claim", CLAIM.replace("quantity: 725", "quantity: on"), "savings[0].quantity"),
    ],
)  # fmt: skip
def test_true_or_false_in_a_number_field_is_refused_naming_the_field(alice, kind, text, field):
    workspace = alice.ensure_workspace("District")
    with pytest.raises(roi.InputError, match="true or false is not a number") as refused:
        alice.create(workspace.id, kind, "Offer", text, "first")
    assert refused.value.field == field


def test_a_claim_note_over_2000_characters_is_refused_even_through_a_link():
    from roi.analysis import claims

    data = roi.inputs.library.parse_yaml(CLAIM, "claim")
    with pytest.raises(roi.InputError, match="at most 2000 characters"):
        claims.validate_claim({**data, "note": "x" * 2001}, "claim")
    with pytest.raises(roi.InputError, match="at most 200 characters"):
        claims.validate_claim({**data, "ratio_kind": "x" * 201}, "claim")
    assert claims.validate_claim({**data, "note": "x" * 2000}, "claim").note == "x" * 2000


def test_a_claim_note_of_950000_characters_in_a_share_link_is_refused():
    from roi.analysis import claims

    data = roi.inputs.library.parse_yaml(CLAIM, "claim")
    spec = claims.validate_claim({**data, "note": "short"}, "claim")
    link = claims.to_link(spec)
    long_link = claims.to_link(spec.model_copy(update={"note": "y" * 950_000}))
    assert len(long_link) < 4_000 and len(link) < 4_000  # the repeated text compresses to a short link
    with pytest.raises(roi.InputError, match="note"):
        claims.from_link(long_link)


def test_json_surrogate_pair_escapes_for_an_emoji_are_accepted():
    text = (
        '{"claim": "Falls pilot \\ud83d\\ude91", "claimed_saving": 1000, "savings": [{"unit_cost": "bed_day", '
        '"quantity": 4, "label": "Bed days \\uD83C\\uDFE5"}]}'
    )
    data = roi.inputs.library.parse_yaml(text, "claim.json")
    assert data["claim"] == "Falls pilot \U0001f691"
    assert data["savings"][0]["label"] == "Bed days \U0001f3e5"
    with pytest.raises(roi.InputError, match="escape"):
        roi.inputs.library.parse_yaml('{"claim": "half a pair \\ud83d"}', "claim.json")
    assert roi.inputs.library.parse_yaml('{"claim": "not an escape \\\\ud83d\\\\ude91"}', "c") == {
        "claim": "not an escape \\ud83d\\ude91"
    }
