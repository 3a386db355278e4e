"""The store against SQLite and a real PostgreSQL server: saving, versions, permissions, concurrency,
transactions, backup and restore, migrations. No mock database: PostgreSQL is a throwaway cluster."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DatabaseError

import roi
from store import Forbidden, NotFound, StaleVersion, Store, StoreError, StoreUnavailable, db
from store import backup as backups
from store.models import AuditEntry, Version
from tests.conftest import CLAIM_TEXT, OFFER_TEXT, offer_text

ROOT = Path(__file__).resolve().parents[1]
OFFER, CLAIM = OFFER_TEXT, CLAIM_TEXT
offer = offer_text


@pytest.fixture()
def alice(store):
    return store.for_user("alice@district.gov.uk")


@pytest.fixture()
def bob(store):
    return store.for_user("bob@county.gov.uk")


def count(store: Store, model) -> int:  # noqa: ANN001
    with store.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(model))


# ---- migrations ----------------------------------------------------------------------------


def newest_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db.alembic_config()).get_current_head()


def test_migrations_run_from_an_empty_database_and_again_without_harm(url):
    first = Store(url)
    assert db.current_revision(first.engine) == db.head_revision()
    me = first.local()
    me.create(me.ensure_workspace("x").id, "scenario", "Offer", OFFER, "first")
    first.dispose()
    second = Store(url)  # the app's start-up, a second time
    assert db.current_revision(second.engine) == db.head_revision()
    assert [d.name for d in second.local().documents()] == ["Offer"]
    second.dispose()


def test_an_unreachable_database_says_so_quickly():
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="cannot reach the database"):
        Store("postgresql+psycopg://roi@127.0.0.1:1/nowhere")
    assert time.monotonic() - started < 10


def test_the_password_is_never_shown_in_a_message():
    with pytest.raises(StoreUnavailable) as caught:
        Store("postgresql+psycopg://roi:s3cret@127.0.0.1:1/nowhere")
    assert "s3cret" not in str(caught.value)


# ---- saving, history, loading --------------------------------------------------------------


def test_offer_to_the_icb_v3_is_saved_and_opened_with_its_name_author_and_message(alice):
    workspace = alice.ensure_workspace("District")
    first = alice.create(workspace.id, "scenario", "Offer to the ICB, v3", OFFER, "Volumes from the 2024/25 returns")
    assert (first.number, first.author, first.based_on) == (1, "alice@district.gov.uk", None)
    second = alice.save(first.document_id, offer(150), "Bed-day cost from the trust's reference costs", based_on=1)
    assert (second.number, second.based_on) == (2, 1)
    history = alice.history(first.document_id)
    assert [(v.number, v.message) for v in history] == [
        (2, "Bed-day cost from the trust's reference costs"),
        (1, "Volumes from the 2024/25 returns"),
    ]
    loaded = alice.open(first.document_id)
    assert loaded.version.number == 2
    assert loaded.spec.name == "Offer to the ICB, v3"  # exports carry the document's name
    assert loaded.spec.interventions[0].cases_per_year == 150
    assert alice.open(first.document_id, 1).spec.interventions[0].cases_per_year is None


def test_a_claim_is_saved_as_a_claim(alice):
    workspace = alice.ensure_workspace("Trust")
    saved = alice.create(workspace.id, "claim", "District Direct claim", CLAIM, "as the district states it")
    assert alice.open(saved.document_id).spec.claimed_saving == 181250
    assert alice.documents()[0].kind == "claim"


def test_a_spec_that_does_not_validate_is_refused_and_nothing_is_written(store, alice):
    workspace = alice.ensure_workspace("District")
    before = count(store, AuditEntry)
    bad = OFFER.replace("horizon_years: 10", "horizon_years: -3")
    with pytest.raises(roi.InputError, match="settings.horizon_years"):
        alice.create(workspace.id, "scenario", "Offer", bad, "first")
    with pytest.raises(roi.InputError, match="interventions"):
        alice.create(workspace.id, "scenario", "Offer", OFFER.replace("dfg_adaptation", "no_such_thing"), "first")
    assert alice.documents() == [] and count(store, AuditEntry) == before


def test_a_version_that_no_longer_validates_is_refused_on_load_with_the_field(store, alice):
    workspace = alice.ensure_workspace("District")
    saved = alice.create(workspace.id, "scenario", "Offer", OFFER, "first")
    # As if the library changed after saving: the stored text now names an intervention it lacks.
    with store.transaction() as session:
        session.add(
            Version(
                document_id=saved.document_id,
                number=2,
                spec=OFFER.replace("dfg_adaptation", "retired_scheme"),
                author="alice@district.gov.uk",
                created_at=saved.created_at,
                message="old",
            )
        )
    with pytest.raises(roi.InputError, match=r"Offer, version 2.*interventions\[0\]"):
        alice.open(saved.document_id, 2)
    assert "retired_scheme" in alice.text(saved.document_id, 2)


def test_a_version_that_no_longer_validates_opens_with_only_the_failing_fields_reset():
    from store.repair import reset_failing_fields

    stale = (
        offer(150)
        .replace("horizon_years: 10", "horizon_years: 900")
        .replace("  - id: handyperson\n", "  - id: retired_scheme\n")
    )
    spec, reset = reset_failing_fields(stale)
    assert reset == ["settings.horizon_years", "interventions[1].id"]
    assert spec.settings.horizon_years == roi.inputs.schema.Settings().horizon_years
    assert spec.interventions[0].cases_per_year == 150  # what still validates is kept
    assert "retired_scheme" not in [i.id for i in spec.interventions]
    roi.resolve(spec)


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "give a name"), ("   ", "give a name"), ("x" * 201, "too long"), ("offer to the icb", "already used")],
)
def test_bad_names_are_refused_and_the_previous_state_kept(alice, name, problem):
    workspace = alice.ensure_workspace("District")
    alice.create(workspace.id, "scenario", "Offer to the ICB", OFFER, "first")
    with pytest.raises(roi.InputError, match=problem):
        alice.create(workspace.id, "scenario", name, OFFER, "second")
    other = alice.create(workspace.id, "scenario", "Another", OFFER, "x")
    with pytest.raises(roi.InputError, match=problem):
        alice.rename(other.document_id, name)
    assert sorted(d.name for d in alice.documents()) == ["Another", "Offer to the ICB"]


def test_a_save_needs_a_one_line_message(alice):
    workspace = alice.ensure_workspace("District")
    with pytest.raises(roi.InputError, match="say in one line"):
        alice.create(workspace.id, "scenario", "Offer", OFFER, "  ")


def test_rename_describe_archive_and_unarchive(alice):
    workspace = alice.ensure_workspace("District")
    saved = alice.create(workspace.id, "scenario", "Offer", OFFER, "first")
    alice.rename(saved.document_id, "Offer to the ICB, v3")
    alice.describe(saved.document_id, "For the March board")
    alice.archive(saved.document_id)
    assert alice.documents() == []
    assert [d.name for d in alice.documents(include_archived=True)] == ["Offer to the ICB, v3"]
    alice.archive(saved.document_id, False)
    info = alice.document(saved.document_id)
    assert (info.name, info.description, info.archived, info.head) == (
        "Offer to the ICB, v3",
        "For the March board",
        False,
        1,
    )
    actions = [a.action for a in alice.audit(workspace.id)]
    assert actions[:4] == ["document.unarchive", "document.archive", "document.describe", "document.rename"]


def test_restoring_a_version_adds_a_new_version_and_rewrites_nothing(alice):
    workspace = alice.ensure_workspace("District")
    first = alice.create(workspace.id, "scenario", "Offer", offer(100), "first")
    alice.save(first.document_id, offer(200), "second", based_on=1)
    restored = alice.restore(first.document_id, 1)
    assert (restored.number, restored.based_on, restored.message) == (3, 2, "Restored version 1")
    assert alice.open(first.document_id).spec.interventions[0].cases_per_year == 100
    assert [v.number for v in alice.history(first.document_id)] == [3, 2, 1]


def test_versions_and_the_audit_log_are_append_only_in_the_database(store, alice):
    workspace = alice.ensure_workspace("District")
    alice.create(workspace.id, "scenario", "Offer", OFFER, "first")
    for statement in ("UPDATE versions SET message = 'rewritten'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            with store.engine.begin() as connection:
                connection.execute(text(statement))
    assert alice.history(alice.documents()[0].id)[0].message == "first"


# ---- permissions -----------------------------------------------------------------------------


def test_workspace_b_cannot_read_list_or_change_a_document_of_workspace_a(store, alice, bob):
    mine = alice.ensure_workspace("District")
    theirs = bob.ensure_workspace("County")
    secret = alice.create(mine.id, "scenario", "Offer to the ICB", OFFER, "first").document_id
    bob.create(theirs.id, "scenario", "County plan", OFFER, "first")

    assert [d.name for d in bob.documents(include_archived=True)] == ["County plan"]
    assert [w.name for w in bob.workspaces()] == ["County"]
    assert bob.documents(mine.id) == []
    attempts = {
        "open": lambda: bob.open(secret),
        "text": lambda: bob.text(secret),
        "document": lambda: bob.document(secret),
        "history": lambda: bob.history(secret),
        "save": lambda: bob.save(secret, OFFER, "mine now", based_on=1),
        "restore": lambda: bob.restore(secret, 1),
        "rename": lambda: bob.rename(secret, "Taken"),
        "describe": lambda: bob.describe(secret, "x"),
        "archive": lambda: bob.archive(secret),
        "share": lambda: bob.share(secret),
        "revoke": lambda: bob.revoke(secret),
        "find by name": lambda: bob.find("Offer to the ICB"),
        "create in A": lambda: bob.create(mine.id, "scenario", "Planted", OFFER, "x"),
        "members of A": lambda: bob.members(mine.id),
        "join A": lambda: bob.set_member(mine.id, "bob@county.gov.uk", "owner"),
        "audit of A": lambda: bob.audit(mine.id),
        "guessed id": lambda: bob.open(secret[:-1] + ("0" if secret[-1] != "0" else "1")),
    }
    for what, attempt in attempts.items():
        with pytest.raises(NotFound):
            attempt()
            pytest.fail(f"{what} crossed between workspaces")
    # The same answer for someone else's document as for one that does not exist.
    with pytest.raises(NotFound) as theirs_error:
        bob.open(secret)
    with pytest.raises(NotFound) as missing_error:
        bob.open("0" * 32)
    assert str(theirs_error.value) == str(missing_error.value)
    assert alice.open(secret).version.number == 1 and alice.document(secret).name == "Offer to the ICB"


def test_a_viewer_can_open_and_export_but_not_save_rename_archive_or_share(store, alice):
    workspace = alice.ensure_workspace("Partnership")
    doc = alice.create(workspace.id, "scenario", "Offer", OFFER, "first").document_id
    alice.set_member(workspace.id, "Viewer@ICB.nhs.uk", "viewer")
    viewer = store.for_user("viewer@icb.nhs.uk")
    assert viewer.open(doc).spec.name == "Offer" and [v.number for v in viewer.history(doc)] == [1]
    for attempt in (
        lambda: viewer.save(doc, OFFER, "x", based_on=1),
        lambda: viewer.restore(doc, 1),
        lambda: viewer.rename(doc, "x"),
        lambda: viewer.archive(doc),
        lambda: viewer.share(doc),
        lambda: viewer.create(workspace.id, "scenario", "Mine", OFFER, "x"),
        lambda: viewer.set_member(workspace.id, "viewer@icb.nhs.uk", "owner"),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert alice.document(doc).head == 1
    alice.set_member(workspace.id, "viewer@icb.nhs.uk", "editor")
    assert viewer.save(doc, offer(5), "now an editor", based_on=1).number == 2
    alice.remove_member(workspace.id, "viewer@icb.nhs.uk")
    with pytest.raises(NotFound):
        viewer.open(doc)


def test_the_last_owner_cannot_leave_or_be_demoted(alice):
    workspace = alice.ensure_workspace("District")
    with pytest.raises(Forbidden, match="at least one owner"):
        alice.set_member(workspace.id, "alice@district.gov.uk", "viewer")
    with pytest.raises(roi.InputError, match="not an email"):
        alice.set_member(workspace.id, "not an address", "viewer")


def test_a_share_link_opens_one_document_read_only_until_revoked(store, alice):
    workspace = alice.ensure_workspace("District")
    shared = alice.create(workspace.id, "scenario", "Offer", OFFER, "first").document_id
    alice.create(workspace.id, "scenario", "Private", OFFER, "first")
    token = alice.share(shared)
    assert len(token) >= 40
    loaded = store.open_shared(token)
    assert (loaded.document.id, loaded.document.role, loaded.document.can_edit) == (shared, "viewer", False)
    assert alice.shares(shared)[0][0] == hashlib.sha256(token.encode()).hexdigest()[:8]
    with pytest.raises(NotFound):
        store.open_shared(token[:-2] + "xx")
    with pytest.raises(NotFound):
        store.open_shared("")
    assert alice.revoke(shared) == 1
    with pytest.raises(NotFound, match="revoked"):
        store.open_shared(token)
    with store.transaction(write=False) as session:  # only a hash is kept
        assert token not in str(session.execute(text("SELECT * FROM share_links")).all())


# ---- concurrency and transactions ---------------------------------------------------------


def test_two_people_saving_from_the_same_version_lose_nothing(store, alice):
    workspace = alice.ensure_workspace("District")
    doc = alice.create(workspace.id, "scenario", "Offer", offer(100), "first").document_id
    alice.set_member(workspace.id, "colleague@district.gov.uk", "editor")
    colleague = store.for_user("colleague@district.gov.uk")
    opened_by_alice = alice.open(doc).version.number
    opened_by_colleague = colleague.open(doc).version.number
    alice.save(doc, offer(111), "Alice's change", based_on=opened_by_alice)
    with pytest.raises(StaleVersion) as told:
        colleague.save(doc, offer(222), "Colleague's change", based_on=opened_by_colleague)
    assert (told.value.head, told.value.based_on, told.value.head_author) == (2, 1, "alice@district.gov.uk")
    assert alice.document(doc).head == 2  # nothing was written by the refused save
    on_top = colleague.save(doc, offer(222), "Colleague's change", based_on=opened_by_colleague, on_top=True)
    assert (on_top.number, on_top.based_on) == (3, 1)
    kept = {alice.open(doc, n).spec.interventions[0].cases_per_year for n in (1, 2, 3)}
    assert kept == {100, 111, 222}


def test_twenty_concurrent_saves_lose_nothing(store, alice):
    workspace = alice.ensure_workspace("District")
    doc = alice.create(workspace.id, "scenario", "Offer", offer(1000), "first").document_id
    texts = {n: offer(n) for n in range(1, 21)}
    start = threading.Barrier(20)
    stale = []

    def save(n: int) -> int:
        me = store.for_user(f"officer{n}@district.gov.uk") if n > 100 else alice
        start.wait()
        try:
            return me.save(doc, texts[n], f"officer {n}", based_on=1).number
        except StaleVersion:
            stale.append(n)
            return me.save(doc, texts[n], f"officer {n}", based_on=1, on_top=True).number

    with ThreadPoolExecutor(20) as pool:
        numbers = list(pool.map(save, texts))
    assert sorted(numbers) == list(range(2, 22))
    assert len(stale) == 19  # exactly one saver found version 1 still the newest
    history = alice.history(doc)
    assert [v.number for v in history] == list(range(21, 0, -1))
    saved = {alice.open(doc, v.number).spec.interventions[0].cases_per_year for v in history}
    assert saved == set(texts) | {1000}


def test_a_save_interrupted_half_way_leaves_no_partial_version(store, alice):
    workspace = alice.ensure_workspace("District")
    doc = alice.create(workspace.id, "scenario", "Offer", offer(100), "first").document_id
    versions_before, audit_before = count(store, Version), count(store, AuditEntry)

    def fail_on_audit(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
            raise ConnectionError("the connection dropped half-way through the save")

    event.listen(store.engine, "before_cursor_execute", fail_on_audit)
    try:
        with pytest.raises(ConnectionError):
            alice.save(doc, offer(200), "second", based_on=1)
    finally:
        event.remove(store.engine, "before_cursor_execute", fail_on_audit)
    assert (count(store, Version), count(store, AuditEntry)) == (versions_before, audit_before)
    assert alice.document(doc).head == 1
    assert alice.save(doc, offer(200), "second", based_on=1).number == 2


# ---- backup and restore --------------------------------------------------------------------


def test_backup_then_restore_into_an_empty_database_gives_identical_documents_versions_and_results(
    store, alice, tmp_path
):
    workspace = alice.ensure_workspace("District")
    offer_doc = alice.create(workspace.id, "scenario", "Offer to the ICB, v3", offer(100), "first", "For March")
    alice.save(offer_doc.document_id, offer(150), "more adaptations", based_on=1)
    claim_doc = alice.create(workspace.id, "claim", "District Direct claim", CLAIM, "as stated")
    alice.archive(claim_doc.document_id)
    alice.set_member(workspace.id, "colleague@icb.nhs.uk", "viewer")
    token = alice.share(offer_doc.document_id)
    zipped = backups.backup(alice, workspace.id)

    target = Store(f"sqlite:///{tmp_path}/restored.sqlite")
    summary = backups.restore(target, zipped, actor="alice@district.gov.uk")
    assert summary == {
        "workspace_id": workspace.id,
        "workspace": "District",
        "documents": 2,
        "versions": 3,
        "share_links": 1,
    }
    assert target.open_shared(token).version.number == 2  # the share link came over (issue 20)
    again = target.for_user("alice@district.gov.uk")
    assert again.documents(include_archived=True) == alice.documents(include_archived=True)
    assert again.members(workspace.id) == alice.members(workspace.id)
    restored_log = again.audit(workspace.id)
    assert [(a.at, a.action, a.detail) for a in restored_log[1:]] == [
        (a.at, a.action, a.detail) for a in alice.audit(workspace.id)
    ]
    assert (restored_log[0].actor, restored_log[0].action, restored_log[0].detail) == (
        "alice@district.gov.uk",
        "workspace.restore",
        "restored from a backup: 2 documents, 3 versions, 1 share link",
    )
    for doc in (offer_doc.document_id, claim_doc.document_id):
        assert again.history(doc) == alice.history(doc)
        for version in alice.history(doc):
            assert again.text(doc, version.number) == alice.text(doc, version.number)
    before = roi.run(roi.resolve(alice.open(offer_doc.document_id).spec)).totals["npv"]
    after = roi.run(roi.resolve(again.open(offer_doc.document_id).spec)).totals["npv"]
    assert after == before
    with pytest.raises(StoreError, match="already in this database"):
        backups.restore(target, zipped)
    target.dispose()


def test_a_damaged_backup_is_refused_and_nothing_is_restored(alice, tmp_path):
    import io
    import zipfile

    workspace = alice.ensure_workspace("District")
    alice.create(workspace.id, "scenario", "Offer", OFFER, "first")
    zipped = backups.backup(alice, workspace.id)
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zipped)) as source, zipfile.ZipFile(damaged, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            out.writestr(
                item, data.replace(b"dfg_adaptation", b"dfg_adaptatiox") if item.filename.endswith("yaml") else data
            )
    target = Store(f"sqlite:///{tmp_path}/restored.sqlite")
    with pytest.raises(roi.InputError, match="checksum"):
        backups.restore(target, damaged.getvalue())
    with pytest.raises(roi.InputError, match="not a zip"):
        backups.restore(target, b"not a zip")
    assert target.for_user("alice@district.gov.uk").workspaces() == []
    target.dispose()


def test_a_deal_is_saved_as_a_scenario_with_its_funding_deal(alice):
    from store import detect_kind
    from store.service import validate_spec

    assert detect_kind({"interventions": [], "deal": {"rule": "proportional"}}) == "deal"
    assert detect_kind({"interventions": []}) == "scenario"
    assert detect_kind({"claim": "x"}) == "claim"
    with pytest.raises(roi.InputError, match="a deal is a scenario with a funding deal applied"):
        validate_spec("deal", OFFER)
