"""The main journey in a real browser, and a deep link on a fresh server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

import roi
from roi.inputs.edit import apply

pytestmark = pytest.mark.e2e


def wait_for_run(page: Page) -> None:
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=30_000
    )
    page.wait_for_timeout(300)


def tile(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_change_an_input_and_see_the_headline_change(page: Page, app_url: str, artifacts):
    base = roi.run(roi.load_scenario("district_offer")).totals["npv"]
    page.goto(app_url)
    wait_for_run(page)
    expect(tile(page, "Net present value")).to_have_text(roi.pounds(base))
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    page.screenshot(path=artifacts / "overview.png", full_page=True)

    page.get_by_test_id("stSidebar").get_by_text("Build the offer").click()
    wait_for_run(page)
    expander = page.get_by_test_id("stExpander").filter(has_text="Disabled facilities grant (DFG) adaptations")
    expander.locator("summary").click()
    cases = expander.get_by_label("Cases per year")
    cases.fill("250")
    cases.press("Enter")
    wait_for_run(page)
    _, scenario = apply(
        roi.load_scenario("district_offer").spec,
        {"intervention": "dfg_adaptation", "field": "cases_per_year", "value": 250.0},
    )
    expected = roi.pounds(roi.run(scenario).totals["npv"])
    expect(tile(page, "Net present value")).to_have_text(expected)
    page.screenshot(path=artifacts / "build-the-offer.png", full_page=True)

    page.get_by_test_id("stSidebar").get_by_text("Overview").click()
    wait_for_run(page)
    expect(tile(page, "Net present value")).to_have_text(expected)
    page.screenshot(path=artifacts / "overview-after-change.png", full_page=True)


PAGES = {
    "Build_the_offer": "Build the offer",
    "Assumptions_and_evidence": "Assumptions and evidence",
    "Savings_by_partner": "Savings by partner",
    "Uncertainty_and_sensitivity": "Uncertainty and sensitivity",
    "Check_a_claim": "Check a savings claim",
    "Compare_scenarios": "Compare scenarios",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_deep_link_on_a_fresh_server_has_the_sidebar_frame(page: Page, fresh_server: str, artifacts, path):
    page.goto(f"{fresh_server}/{path}")
    wait_for_run(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Prevention ROI")).to_be_visible()
    expect(sidebar.get_by_text("Scenario", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=PAGES[path])).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
    page.screenshot(path=artifacts / f"deep-link-{path}.png", full_page=True)


def test_assumptions_page_renders_the_evidence(page: Page, app_url: str, artifacts):
    page.goto(f"{app_url}/Assumptions_and_evidence")
    wait_for_run(page)
    expect(page.get_by_role("heading", name="Assumptions and evidence")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    page.screenshot(path=artifacts / "assumptions.png", full_page=True)


def test_a_shared_link_restores_the_scenario_in_the_browser(page: Page, fresh_server: str, artifacts):
    from roi.inputs import share

    spec, scenario = apply(
        roi.load_scenario("district_offer").spec,
        {"intervention": "warm_homes", "field": "cases_per_year", "value": 10.0},
    )
    page.goto(f"{fresh_server}/?s={share.encode(spec)}")
    wait_for_run(page)
    expect(tile(page, "Net present value")).to_have_text(roi.pounds(roi.run(scenario).totals["npv"]))
    page.screenshot(path=artifacts / "shared-link.png", full_page=True)
