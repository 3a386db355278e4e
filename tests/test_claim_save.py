"""Saving the claim on Check a claim to a workspace (AppTest, a temporary SQLite store): it is saved
as a claim document with its name, note and exact content; a name already used is refused and nothing
is saved; names and notes people type are shown as text; the History page lists it and shows the
difference between two of its versions as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.analysis import claims
from store import LOCAL_WORKSPACE, Store
from ui.text import md

from .test_claim_page import open_example
from .test_markdown_escaping import EVIL
from .test_markdown_escaping_more import assert_nothing_raw, markdown_texts

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
CLAIM_PAGE = "pages/5_Check_a_claim.py"
HISTORY_PAGE = "pages/8_History.py"
TIMEOUT = 90


@pytest.fixture()
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path}/app.sqlite"
    monkeypatch.setenv("ROI_DATABASE_URL", url)
    return url


def on_claim_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(CLAIM_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return open_example(at)  # a blank claim has nothing to check or save


def save_claim(at: AppTest, name: str, note: str) -> None:
    at.text_input(key="claim-save-name").set_value(name)
    at.text_input(key="claim-save-message").set_value(note)
    at.button(key="claim-save-button").click().run()
    assert not at.exception, [e.value for e in at.exception]


def claim_documents(url: str) -> list:  # noqa: ANN401
    return [d for d in Store(url).local().documents() if d.kind == "claim"]


def test_the_claim_on_screen_is_saved_as_a_claim_with_its_name_note_and_exact_content(database):
    at = on_claim_page()
    claim = at.session_state["claim"]
    assert at.text_input(key="claim-save-name").value == claim.claim  # the name starts as the claim's title
    save_claim(at, "District Direct, checked", "The trust's bed-day cost, for the March board")
    assert any(md("Saved the claim as 'District Direct, checked'") in s.value for s in at.success), [
        s.value for s in at.success
    ]
    assert any(md("Saved as 'District Direct, checked'") in t.value for t in at.toast), [t.value for t in at.toast]
    [document] = claim_documents(database)
    assert document.name == "District Direct, checked"
    person = Store(database).local()
    [version] = person.history(document.id)
    assert version.message == "The trust's bed-day cost, for the March board"
    text = person.text(document.id)
    assert text == roi.dump_spec(claim)
    assert claims.parse(text, "saved claim") == claim
    assert at.text_input(key="claim-save-message").value == ""  # ready for the next save


def test_a_name_already_used_is_refused_with_the_reason_and_nothing_is_saved(database):
    at = on_claim_page()
    save_claim(at, "Falls claim", "first")
    assert len(claim_documents(database)) == 1
    save_claim(at, "falls claim", "second")  # names are compared regardless of case
    assert any("already used" in e.value for e in at.error), [e.value for e in at.error]
    assert any("Not saved" in t.value and "already used" in t.value for t in at.toast), [t.value for t in at.toast]
    assert not at.success
    [document] = claim_documents(database)
    assert document.name == "Falls claim" and document.head == 1


def test_a_missing_note_is_refused_and_nothing_is_saved(database):
    at = on_claim_page()
    save_claim(at, "No note", "   ")
    assert any("say in one line" in e.value for e in at.error), [e.value for e in at.error]
    assert claim_documents(database) == []


def test_a_hostile_name_and_note_are_shown_as_text(database):
    at = on_claim_page()
    save_claim(at, EVIL, f"{EVIL} note")
    assert any(md(f"Saved the claim as '{EVIL}'") in s.value for s in at.success), [s.value for s in at.success]
    assert any(md(EVIL) in t.value for t in at.toast), [t.value for t in at.toast]
    assert_nothing_raw(at)
    save_claim(at, EVIL, EVIL)  # refused, quoting the name
    assert any(md(EVIL) in e.value for e in at.error), [e.value for e in at.error]
    assert_nothing_raw(at)
    assert [d.name for d in claim_documents(database)] == [EVIL]


def test_the_history_page_lists_a_saved_claim_and_shows_its_versions_as_text(database):
    at = on_claim_page()
    save_claim(at, "Falls claim", "first cut")
    [document] = claim_documents(database)
    person = Store(database).local()
    changed = at.session_state["claim"].model_copy(update={"claimed_saving": 123_456.0})
    person.save(document.id, roi.dump_spec(changed), "the scheme's revised figure", based_on=1)
    at.switch_page(HISTORY_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    picker = at.selectbox(key="history-doc")
    assert picker.value == document.id and "Falls claim (claim)" in picker.options
    assert any(t.startswith("Claim in") for t in markdown_texts(at))
    versions = at.dataframe[0].value
    assert list(versions["Message"]) == ["the scheme's revised figure", "first cut"]
    diff = " ".join(c.value for c in at.code)
    assert "+claimed_saving: 123456" in diff, diff


def test_without_a_database_the_page_says_saving_is_off(monkeypatch):
    monkeypatch.setenv("ROI_DATABASE_URL", "postgresql://roi:secret@127.0.0.1:1/roi")
    monkeypatch.setenv("ROI_ALLOW_SHARED_ANONYMOUS", "1")  # one shared workspace, meant (no sign-in here)
    at = on_claim_page()
    caption = " ".join(c.value for c in at.caption)
    assert "Saving is off" in caption and "secret" not in caption
    assert not [b for b in at.button if b.key == "claim-save-button"]


def test_with_two_workspaces_the_person_chooses_where_the_claim_goes(database):
    local = Store(database).local()
    local.ensure_workspace(LOCAL_WORKSPACE)
    board = local.create_workspace("Partnership board")
    at = on_claim_page()
    at.selectbox(key="claim-save-workspace").set_value(board.id)
    save_claim(at, "For the board", "the board asked for it")
    assert any("in Partnership board" in s.value for s in at.success), [s.value for s in at.success]
    [document] = claim_documents(database)
    assert document.workspace_id == board.id


def test_the_name_starts_as_the_claim_title_again_after_visiting_another_page(database):
    at = on_claim_page()
    title = at.session_state["claim"].claim
    at.switch_page(HISTORY_PAGE).run()
    at.switch_page(CLAIM_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key="claim-save-name").value == title
