"""Signing in, in a real browser, against a local OpenID Connect provider started by the test
(oidc-provider-mock): two people each see only their own workspace's saved work."""

from __future__ import annotations

from pathlib import Path

import pytest
from oidc_provider_mock import User
from playwright.sync_api import Browser, expect

from roi.inputs import share
from roi.inputs.library import read_yaml, validate
from roi.inputs.schema import ScenarioSpec
from store import Store
from tests.e2e.oidc import app_with_sign_in, save_as, sign_in, verified
from tests.e2e.test_browser import wait_for_run

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
ALICE, BOB = "alice@district.gov.uk", "bob@county.gov.uk"
PEOPLE = [verified(ALICE), verified(BOB)]


def test_two_people_signed_in_see_only_their_own_workspaces(browser: Browser, tmp_path, artifacts):
    with app_with_sign_in(tmp_path, PEOPLE) as (url, database):
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


# ---- issue 20, finding 1: an email claim alone makes nobody anybody ------------------------------

MALLORY = User(sub="mallory", claims={"email": "Alice@District.gov.uk", "email_verified": False})
NAMELESS = User(sub="no-email-account", claims={"preferred_username": BOB, "name": "Bob Lookalike"})


def test_an_unverified_or_missing_email_never_opens_another_persons_work(browser: Browser, tmp_path):
    with app_with_sign_in(tmp_path, [*PEOPLE, MALLORY, NAMELESS]) as (url, database):
        alice = browser.new_context().new_page()
        sign_in(alice, url, ALICE)
        save_as(alice, "Offer to the ICB, v3", "Volumes from the 2024/25 returns")
        alice_link = alice.url
        for sub, shown in (("mallory", f"{ALICE} (unverified)"), ("no-email-account", "Bob Lookalike (no email")):
            page = browser.new_context().new_page()
            sign_in(page, url, sub, shown_as=shown)
            page.goto(alice_link)
            wait_for_run(page)
            expect(page.get_by_text("No such document in your workspaces")).to_be_visible(timeout=30_000)
            assert "Offer to the ICB" not in page.content()
        opened = Store(database)
        assert [d.name for d in opened.for_user(ALICE).documents()] == ["Offer to the ICB, v3"]
        assert opened.for_user(BOB).workspaces() == []  # the look-alike's workspace is not Bob's
        opened.dispose()


# ---- issue 20, finding 2: signing out ends the session, copied cookies included -----------------


def test_after_sign_out_a_copied_cookie_opens_nothing(browser: Browser, tmp_path, artifacts):
    with app_with_sign_in(tmp_path, PEOPLE) as (url, _):
        context = browser.new_context()
        alice = context.new_page()
        sign_in(alice, url, ALICE)
        save_as(alice, "Offer to the ICB, v3", "Volumes from the 2024/25 returns")
        alice_link, copied = alice.url, context.cookies()
        alice.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        alice.get_by_role("button", name="End session").click()
        alice.wait_for_url(f"{url}/**", timeout=30_000)

        thief_context = browser.new_context()
        thief_context.add_cookies(copied)
        thief = thief_context.new_page()
        thief.goto(alice_link)
        wait_for_run(thief)
        sidebar = thief.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Your sign-in has ended: you signed out")).to_be_visible(timeout=30_000)
        expect(sidebar.get_by_text("Signed in as")).to_have_count(0)
        expect(thief.get_by_test_id("stHeading").filter(has_text="Offer to the ICB")).to_have_count(0)
        thief.screenshot(path=artifacts / "signed-out-copied-cookie.png", full_page=True)


# ---- issue 25, item 1: signing in does not throw away the scenario on screen --------------------


def test_unsaved_work_survives_the_round_trip_to_the_provider(browser: Browser, tmp_path):
    offer = ROOT / "assumptions/scenarios/district_offer.yaml"
    edited = validate(ScenarioSpec, read_yaml(offer), offer.name)  # as written, not resolved: a short link
    edited = edited.model_copy(update={"settings": edited.settings.model_copy(update={"population": 110_000})})
    with app_with_sign_in(tmp_path, PEOPLE) as (url, database):
        page = browser.new_context().new_page()
        page.goto(f"{url}/?s={share.encode(edited)}")
        wait_for_run(page)
        sign_in(page, url, ALICE, go=False)
        expect(page.get_by_text("The scenario you were working on is back")).to_be_visible(timeout=30_000)
        save_as(page, "Offer at 110,000 people", "Kept across sign-in")
        opened = Store(database)
        loaded = opened.for_user(ALICE).open(opened.for_user(ALICE).documents()[0].id)
        assert loaded.spec.settings.population == 110_000
        opened.dispose()
