"""Saved work in the app (AppTest): save, save as, versions, history with NPV effects, a save that
meets a newer version, restore, share links, and an unreachable database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import roi
from store import Store
from tests.conftest import open_panels, start_app
from ui.text import md  # messages quoting names and emails are shown escaped for Markdown

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 60


@pytest.fixture()
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path}/app.sqlite"
    monkeypatch.setenv("ROI_DATABASE_URL", url)
    return url


def start(query: dict[str, str] | None = None) -> AppTest:
    return start_app(query, TIMEOUT)


def set_cases(at: AppTest, cases: int) -> None:
    open_panels(at.switch_page("pages/1_Build_the_offer.py"), "dfg_adaptation")
    at.number_input(key=f"g{at.session_state['generation']}-dfg_adaptation-cases").set_value(cases).run()
    assert not at.exception, [e.value for e in at.exception]


def save_as(at: AppTest, name: str, message: str) -> None:
    at.text_input(key="save-as-name").set_value(name)
    at.text_input(key="save-as-message").set_value(message)
    at.button(key="save-as-button").click().run()
    assert not at.exception, [e.value for e in at.exception]


def save(at: AppTest, message: str) -> None:
    at.text_input(key="save-message").set_value(message)
    at.button(key="save-button").click().run()
    assert not at.exception, [e.value for e in at.exception]


def texts(elements) -> str:  # noqa: ANN001
    return " ".join(str(e.value) for e in elements)


def test_local_mode_says_so_and_an_officer_saves_versions_and_sees_the_history(database):
    at = start()
    assert "Local mode" in texts(at.sidebar.caption)
    save_as(at, "Offer to the ICB, v3", "First cut for the ICB")
    assert md("Saved as 'Offer to the ICB, v3', version 1") in texts(at.success)  # shown escaped
    assert at.title[0].value == "Offer to the ICB, v3"
    assert at.query_params["v"] in ("1", ["1"])

    set_cases(at, 250)
    save(at, "250 adaptations from the 2024/25 returns")
    assert "version 2" in texts(at.success)
    assert at.session_state["doc"].version == 2

    at.switch_page("pages/8_History.py").run()
    assert not at.exception, [e.value for e in at.exception]
    versions = at.dataframe[0].value
    assert list(versions["Version"]) == [2, 1]
    assert list(versions["Message"]) == ["250 adaptations from the 2024/25 returns", "First cut for the ICB"]
    assert set(versions["Saved by"]) == {"you (local mode)"}
    changes = at.dataframe[1].value
    row = changes[changes["Input"].str.contains("cases per year")].iloc[0]
    assert (row["Version 1"], row["Version 2"]) == ("104", "250")  # cases by their one rule, no "250.0"
    base = roi.load_scenario("district_offer")
    spec, moved = roi.inputs.edit.apply(
        base.spec, {"intervention": "dfg_adaptation", "field": "cases_per_year", "value": 250.0}
    )
    expected = roi.run(moved).totals["npv"] - roi.run(base).totals["npv"]
    assert row["Moves NPV by"] == roi.pounds(expected)


def test_a_colleague_opens_it_the_next_day_and_two_saves_from_one_version_lose_nothing(database):
    first = start()
    save_as(first, "Offer to the ICB, v3", "First cut")
    doc_id = first.session_state["doc"].id

    colleague = start({"doc": doc_id})  # the link from the address bar, opened in another session
    assert colleague.title[0].value == "Offer to the ICB, v3"
    assert colleague.session_state["doc"].version == 1

    set_cases(first, 300)
    save(first, "Officer's change")
    set_cases(colleague, 50)
    save(colleague, "Colleague's change")
    warning = texts(colleague.warning)
    assert md("newer version (2") in warning and "Nothing was saved" in warning
    assert any("cases per year" in str(v) for v in colleague.dataframe[-1].value["Input"])
    colleague.button(key="save-on-top").click().run()
    assert "version 3" in texts(colleague.success)

    kept = Store(database).local()
    history = kept.history(doc_id)
    assert [(v.number, v.message, v.based_on) for v in history] == [
        (3, "Colleague's change", 1),
        (2, "Officer's change", 1),
        (1, "First cut", None),
    ]
    cases = {kept.open(doc_id, n).spec.interventions[0].cases_per_year for n in (1, 2, 3)}
    assert cases == {None, 300, 50}


def test_restore_a_version_from_the_history_page_as_a_new_version(database):
    at = start()
    save_as(at, "Offer", "first")
    set_cases(at, 400)
    save(at, "second")
    at.switch_page("pages/8_History.py").run()
    at.selectbox(key=f"history-pick-{at.session_state['doc'].id}").select(1).run()
    at.button(key="history-restore").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "restored as version 3" in texts(at.success)
    assert at.session_state["doc"].version == 3
    assert at.session_state["spec"].interventions[0].cases_per_year is None


def test_a_share_link_opens_read_only_and_a_revoked_one_does_not(database):
    at = start()
    save_as(at, "Offer to the ICB, v3", "first")
    owner = Store(database).local()
    doc_id = at.session_state["doc"].id
    token = owner.share(doc_id)

    shared = start({"share": token})
    assert shared.title[0].value == "Offer to the ICB, v3"
    assert "only its workspace's editors can save" in texts(shared.sidebar.caption) + texts(shared.caption)
    assert not [b for b in shared.button if b.key == "save-button"]

    owner.revoke(doc_id)
    refused = start({"share": token})
    assert "revoked" in texts(refused.error)
    assert refused.title[0].value == roi.load_scenario("district_offer").name


def test_an_unreachable_database_still_runs_the_shipped_examples_and_says_why(monkeypatch):
    monkeypatch.setenv("ROI_DATABASE_URL", "postgresql://roi:secret@127.0.0.1:1/roi")
    monkeypatch.setenv("ROI_ALLOW_SHARED_ANONYMOUS", "1")  # one shared workspace, meant (no sign-in here)
    at = start()
    assert at.title[0].value == roi.load_scenario("district_offer").name
    warning = texts(at.sidebar.warning)
    assert "Saving is off" in warning and "cannot reach the database" in warning and "secret" not in warning
    at.switch_page("pages/8_History.py").run()
    assert not at.exception and "unavailable" in texts(at.warning)


def test_bad_names_are_refused_and_nothing_typed_is_lost(database):
    at = start()
    save_as(at, "", "first")
    assert "give a name" in texts(at.error)
    assert at.text_input(key="save-as-message").value == "first"
    save_as(at, "Offer", "first")
    set_cases(at, 10)
    at.text_input(key="save-as-name").set_value("offer")
    at.text_input(key="save-as-message").set_value("copy")
    at.button(key="save-as-button").click().run()
    assert "already used" in texts(at.error)
    assert at.session_state["spec"].interventions[0].cases_per_year == 10


def test_exports_carry_the_documents_name_version_and_author():
    import io

    import openpyxl
    from pypdf import PdfReader

    from roi.outputs import export

    spec = roi.load_scenario("district_offer").spec.model_copy(update={"name": "Offer to the ICB, v3"})
    result = roi.run(roi.resolve(spec))
    document = "saved version 4 by alice@district.gov.uk, 26 Nov 2026, 09:14 UTC"
    sheet = openpyxl.load_workbook(io.BytesIO(export.workbook(result, document=document)))["Headline"]
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "Offer to the ICB, v3 (saved version 4 by alice@district.gov.uk, 26 Nov 2026, 09:14 UTC)" in cells
    pdf = PdfReader(io.BytesIO(export.board_pack(result, draws=200, document=document)))
    first_page = pdf.pages[0].extract_text()
    assert "Offer to the ICB, v3" in first_page and "Saved version 4 by alice@district.gov.uk" in first_page


def test_an_owner_adds_a_member_by_email_and_changes_their_role_on_the_history_page(database):
    at = start()
    save_as(at, "Offer", "first")
    at.switch_page("pages/8_History.py").run()
    at.text_input(key="member-email").set_value("Colleague@ICB.nhs.uk")
    at.selectbox(key="member-role").select("viewer")
    at.button(key="member-set").click().run()
    assert md("colleague@icb.nhs.uk is now a viewer") in texts(at.success).lower()
    at.text_input(key="member-email").set_value("not an email")
    at.button(key="member-set").click().run()
    assert "not an email address" in texts(at.error)
    local = Store(database).local()
    workspace = local.workspaces()[0]
    assert {(m.email, m.role) for m in local.members(workspace.id)} == {
        ("local", "owner"),
        ("colleague@icb.nhs.uk", "viewer"),
    }
    assert [a.action for a in local.audit(workspace.id)][0] == "member.add"


def test_a_database_lost_after_start_up_turns_saving_off_and_keeps_the_scenario(postgres_cluster, monkeypatch):
    import psycopg

    from tests.postgres import new_database

    url = new_database(postgres_cluster)
    monkeypatch.setenv("ROI_DATABASE_URL", url)
    monkeypatch.setenv("ROI_ALLOW_SHARED_ANONYMOUS", "1")
    at = start()
    save_as(at, "Offer", "first")
    set_cases(at, 77)
    name = url.rsplit("/", 1)[1]
    admin = postgres_cluster.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # the server loses it mid-session
    at.switch_page("app.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Saving is off" in texts(at.sidebar.warning)
    assert at.session_state["spec"].interventions[0].cases_per_year == 77  # nothing typed is lost
    at.switch_page("pages/8_History.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "unavailable" in texts(at.warning)
