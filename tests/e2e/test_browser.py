"""The main journey in a real browser, and a deep link on a fresh server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

import roi
from roi.edit import apply

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


def test_deep_link_on_a_fresh_server_has_the_sidebar_frame(page: Page, fresh_server: str, artifacts):
    page.goto(f"{fresh_server}/Savings_by_partner")
    wait_for_run(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Prevention ROI")).to_be_visible()
    expect(sidebar.get_by_text("Scenario", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Savings by partner")).to_be_visible()
    page.screenshot(path=artifacts / "savings-by-partner-deep-link.png", full_page=True)


def test_assumptions_page_renders_the_evidence(page: Page, app_url: str, artifacts):
    page.goto(f"{app_url}/Assumptions_and_evidence")
    wait_for_run(page)
    expect(page.get_by_role("heading", name="Assumptions and evidence")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    page.screenshot(path=artifacts / "assumptions.png", full_page=True)
