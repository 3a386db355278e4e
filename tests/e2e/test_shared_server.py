"""Two people on one server: the same 100,000-draw simulation one after the other, and at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

import roi
from roi.engine import uncertainty

pytestmark = pytest.mark.e2e
DRAWS = 100_000


def expected_sentence() -> str:
    sim = uncertainty.simulate(roi.load_scenario("district_offer"), DRAWS, 1)
    return f"In {sim.prob_payback:.0%} of {DRAWS:,} simulations"


def open_uncertainty(page: Page, url: str) -> None:
    page.goto(f"{url}/Uncertainty_and_sensitivity")
    expect(page.get_by_text("simulations the offer pays back")).to_be_visible(timeout=60_000)


def choose_draws(page: Page) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text="Simulations").click()
    page.get_by_role("option", name=f"{DRAWS:,}", exact=True).click()


def check_result(page: Page, expected: str) -> None:
    expect(page.get_by_text(expected)).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)


def test_two_browser_sessions_run_the_same_simulation_one_after_the_other(
    browser: Browser, fresh_server: str, artifacts
):
    expected = expected_sentence()
    for n in range(2):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        open_uncertainty(page, fresh_server)
        choose_draws(page)
        check_result(page, expected)
        page.screenshot(path=artifacts / f"shared-simulation-{n}.png", full_page=True)
        context.close()


def test_two_browser_sessions_run_the_same_simulation_at_once(browser: Browser, fresh_server: str, artifacts):
    expected = expected_sentence()
    contexts = [browser.new_context(viewport={"width": 1400, "height": 900}) for _ in range(2)]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        open_uncertainty(page, fresh_server)
    for page in pages:  # both ask before either has finished
        choose_draws(page)
    for page in pages:
        check_result(page, expected)
    for context in contexts:
        context.close()
