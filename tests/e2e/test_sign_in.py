"""Signing in, in a real browser, against a local OpenID Connect provider started by the test
(oidc-provider-mock): two people each see only their own workspace's saved work."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import Browser, Page, expect

from store import Store
from tests.e2e.test_browser import wait_for_run

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
ALICE, BOB = "alice@district.gov.uk", "bob@county.gov.uk"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_with_sign_in(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The provider, and a Streamlit server whose secrets have an [auth] section pointing at it."""
    users = [User(sub=email, claims={"email": email, "name": email.split("@")[0].title()}) for email in (ALICE, BOB)]
    with run_server_in_thread(port=_free_port(), user_claims=users) as provider:
        port = _free_port()
        url = f"http://localhost:{port}"
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{url}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(16)}"\n'
            'client_id = "prevention-roi-test"\n'
            'client_secret = "not-a-real-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n'
        )
        database = f"sqlite:///{tmp_path}/signed-in.sqlite"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.headless=true",
                f"--server.port={port}",
                "--server.address=localhost",
                "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",
                "--global.developmentMode=false",
                f"--secrets.files={secrets_file}",
            ],
            cwd=ROOT,
            env={**os.environ, "ROI_DATABASE_URL": database},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail("streamlit with sign-in did not become healthy within 60 s", pytrace=False)
                    time.sleep(0.2)
            yield url, database
        finally:
            process.terminate()
            process.wait(timeout=20)


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    wait_for_run(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Sign in to open and save work").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    wait_for_run(page)
    expect(sidebar.get_by_text(f"Signed in as {email}")).to_be_visible(timeout=30_000)


def save_as(page: Page, name: str, message: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Save").first.click()
    popover = page.get_by_test_id("stPopoverBody")
    popover.get_by_label("Name").fill(name)
    popover.get_by_label("What it is, and why (one line)").fill(message)
    popover.get_by_label("What it is, and why (one line)").press("Enter")
    wait_for_run(page)
    popover.get_by_role("button", name="Save as").click()
    wait_for_run(page)
    expect(page.get_by_text(f"Saved as '{name}', version 1")).to_be_visible(timeout=30_000)


def test_two_people_signed_in_see_only_their_own_workspaces(browser: Browser, tmp_path, artifacts):
    with app_with_sign_in(tmp_path) as (url, database):
        alice = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        alice.goto(url)
        wait_for_run(alice)
        expect(alice.get_by_test_id("stSidebar").get_by_text("Local mode")).to_have_count(0)
        sign_in(alice, url, ALICE)
        save_as(alice, "Offer to the ICB, v3", "Volumes from the 2024/25 returns")
        alice.screenshot(path=artifacts / "signed-in-alice.png", full_page=True)
        alice_link = alice.url

        bob = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        sign_in(bob, url, BOB)
        save_as(bob, "County falls plan", "First draft")
        picker = bob.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first
        picker.click()
        options = bob.get_by_role("option")
        expect(options.filter(has_text="County falls plan")).to_have_count(1)
        expect(options.filter(has_text="Offer to the ICB, v3")).to_have_count(0)
        bob.keyboard.press("Escape")

        bob.goto(alice_link)  # Alice's link, opened by Bob: refused, and nothing of hers shown
        wait_for_run(bob)
        expect(bob.get_by_text("No such document in your workspaces")).to_be_visible(timeout=30_000)
        expect(bob.get_by_test_id("stHeading").filter(has_text="Offer to the ICB, v3")).to_have_count(0)
        bob.screenshot(path=artifacts / "signed-in-bob-refused.png", full_page=True)

        bob.get_by_test_id("stSidebar").get_by_role("link", name="History").click()
        wait_for_run(bob)
        expect(bob.get_by_test_id("stHeading").filter(has_text="History")).to_be_visible(timeout=30_000)
        wait_for_run(bob)
        bob.screenshot(path=artifacts / "signed-in-bob-history.png", full_page=True)
        expect(bob.get_by_text("Scenario in Bob's workspace")).to_be_visible()
        html = bob.content()
        assert "County falls plan" in html and "Offer to the ICB" not in html

        opened = Store(database)
        assert [d.name for d in opened.for_user(ALICE).documents()] == ["Offer to the ICB, v3"]
        assert [d.name for d in opened.for_user(BOB).documents()] == ["County falls plan"]
        assert opened.for_user(ALICE).documents()[0].created_by == ALICE
        opened.dispose()

        alice.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        alice.get_by_role("button", name="End session").click()  # the provider's own sign-out page
        alice.wait_for_url(f"{url}/**", timeout=30_000)
        wait_for_run(alice)
        sign_in_button = alice.get_by_test_id("stSidebar").get_by_role("button", name="Sign in to open and save work")
        expect(sign_in_button).to_be_visible(timeout=30_000)
