"""Issue 20, item 6: two app servers on one PostgreSQL behind a load balancer with sticky sessions.
A save on one is seen on the other, a stale save is refused across them, and a sign-out on one ends
the session on both (a copy of the cookie sent to the other server opens nothing)."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.balancer import STICKY_COOKIE, balancer
from tests.e2e.oidc import app_server, free_port, provider, save_as, sign_in, verified, write_secrets
from tests.e2e.test_browser import wait_for_run
from tests.postgres import new_database
from ui.text import WORD_JOINER

pytestmark = pytest.mark.e2e
ALICE = "alice@district.gov.uk"
NAME = "Offer to the ICB, v3"


def pin(context: BrowserContext, public: str, server: str) -> None:
    """Send this browser's next page loads to one app server (as a sticky load balancer does)."""
    context.add_cookies([{"name": STICKY_COOKIE, "value": server, "url": public}])


def save_new_version(page: Page, message: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("button", name="Save").first.click()
    popover = page.get_by_test_id("stPopoverBody")
    popover.get_by_label("What changed, and why (one line)").fill(message)
    popover.get_by_label("What changed, and why (one line)").press("Enter")
    wait_for_run(page)
    popover.get_by_role("button", name="Save", exact=True).click()
    wait_for_run(page)


def test_two_app_servers_on_one_postgresql(browser: Browser, tmp_path, postgres_cluster, artifacts):
    database = new_database(postgres_cluster)
    with ExitStack() as running:
        metadata = running.enter_context(provider([verified(ALICE)]))
        public_port = free_port()
        secrets_file = write_secrets(tmp_path / "secrets.toml", f"http://localhost:{public_port}", metadata)
        servers = {name: running.enter_context(app_server(secrets_file, database)) for name in ("a", "b")}
        public = running.enter_context(balancer(public_port, servers))

        context = browser.new_context()
        pin(context, public, "a")
        on_a = context.new_page()
        sign_in(on_a, public, ALICE)
        save_as(on_a, NAME, "Volumes from the 2024/25 returns")
        link = on_a.url

        pin(context, public, "b")  # the same person, now served by the other server
        on_b = context.new_page()
        on_b.goto(link)
        wait_for_run(on_b)
        expect(on_b.get_by_test_id("stHeading").filter(has_text=NAME)).to_be_visible(timeout=30_000)
        shown = f"Signed in as {ALICE}".replace("@", "@" + WORD_JOINER)
        expect(on_b.get_by_test_id("stSidebar").get_by_text(shown)).to_be_visible()
        save_new_version(on_b, "Saved on server b")
        expect(on_b.get_by_text(f"Saved '{NAME}' as version 2")).to_be_visible(timeout=30_000)

        save_new_version(on_a, "Saved on server a from version 1")  # a still has version 1 open
        expect(on_a.get_by_text("has a newer version (2, saved by")).to_be_visible(timeout=30_000)
        on_a.screenshot(path=artifacts / "two-servers-stale-save.png", full_page=True)

        copied = context.cookies()
        on_a.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        on_a.get_by_role("button", name="End session").click()
        on_a.wait_for_url(f"{public}/**", timeout=30_000)

        elsewhere = browser.new_context()
        elsewhere.add_cookies(copied)
        pin(elsewhere, public, "b")
        thief = elsewhere.new_page()
        thief.goto(link)
        wait_for_run(thief)
        expect(thief.get_by_test_id("stSidebar").get_by_text("Your sign-in has ended")).to_be_visible(timeout=30_000)
        expect(thief.get_by_test_id("stHeading").filter(has_text=NAME)).to_have_count(0)
