"""Issue 20, finding 8: a web address typed into a name (a scenario's, an intervention's, a claim's)
and shared by link never becomes a clickable link in the app: shown as text, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from roi.inputs import share
from roi.inputs.library import read_yaml, validate
from roi.inputs.schema import ClaimSpec, ScenarioSpec
from tests.e2e.test_browser import wait_for_run

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PHISH = "Log in at https://evil.example/login or www.evil.example or help@evil.example"


def as_written(path: str, model):  # noqa: ANN001, ANN201
    file = ROOT / path
    return validate(model, read_yaml(file), file.name)


def no_link_to_evil(page: Page) -> None:
    expect(page.get_by_text("evil.example/login", exact=False).first).to_be_visible(timeout=30_000)
    assert page.locator("a[href*='evil']:not([href^='#'])").count() == 0


def test_addresses_in_shared_names_are_never_links(page: Page, app_url: str, artifacts):
    scenario = as_written("assumptions/scenarios/district_offer.yaml", ScenarioSpec)
    first = scenario.interventions[0].model_copy(update={"label": PHISH})
    scenario = scenario.model_copy(update={"name": PHISH, "interventions": (first, *scenario.interventions[1:])})
    page.goto(f"{app_url}/?s={share.encode(scenario)}")
    wait_for_run(page)
    no_link_to_evil(page)  # the Overview title
    page.get_by_test_id("stSidebar").get_by_role("link", name="Build the offer").click()
    wait_for_run(page)
    no_link_to_evil(page)
    page.screenshot(path=artifacts / "no-links-build.png", full_page=True)

    claim = as_written("assumptions/claims/district_direct.yaml", ClaimSpec)
    claim = claim.model_copy(update={"claim": PHISH})
    page.goto(f"{app_url}/Check_a_claim?c={share.encode(claim)}")
    wait_for_run(page)
    typed = "() => [...document.querySelectorAll('input, textarea')].some(e => e.value.includes('evil.example'))"
    page.wait_for_function(typed, timeout=30_000)  # the claim from the link is on screen (its title is in a text box)
    assert page.locator("a[href*='evil']:not([href^='#'])").count() == 0
