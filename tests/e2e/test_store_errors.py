"""A save the database cannot take, in a real browser: one sentence, the scenario stays, a download."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import running_server

pytestmark = pytest.mark.e2e


def test_a_save_behind_another_sessions_lock_says_so_and_offers_a_download(
    browser: Browser, tmp_path, monkeypatch, artifacts
):
    database = tmp_path / "app.sqlite"
    monkeypatch.setenv("ROI_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("ROI_LOCK_TIMEOUT_SECONDS", "1")
    with running_server() as url:
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=90_000)
        page.get_by_role("button", name="Save").first.click()
        page.get_by_label("What it is, and why (one line)").fill("first")
        page.get_by_role("button", name="Save as").click()
        expect(page.get_by_text("version 1", exact=False).first).to_be_visible(timeout=60_000)

        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another session is writing and does not let go
        try:
            page.get_by_role("button", name="Save").first.click()
            page.get_by_label("What changed, and why (one line)").fill("second")
            page.get_by_role("button", name="Save", exact=True).last.click()
            expect(page.get_by_text("Another save was holding the document")).to_be_visible(timeout=60_000)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        download = page.get_by_role("button", name="Download this scenario (YAML) to keep your work")
        expect(download).to_be_visible()
        expect(page.get_by_role("heading", name="Whole district prevention offer")).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
        with page.expect_download() as caught:
            download.click()
        assert "name: Whole district prevention offer" in caught.value.path().read_text()
        page.screenshot(path=artifacts / "store-save-refused-e2e-1280x720.png")
