"""Make the deal in a real browser: pick a rule, see both charts, apply it, see the Overview change;
screenshots at desktop, projector and phone sizes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

import roi
from roi.analysis import deal

from .test_browser import wait_for_run

pytestmark = pytest.mark.e2e

SIZES = {"desktop": (1400, 900), "projector": (1280, 720), "phone": (390, 844)}


def test_make_the_deal_end_to_end(page: Page, app_url: str, artifacts):
    result = roi.run(roi.load_scenario("district_offer"))
    proposal = deal.propose(result, "proportional_cash")
    county = roi.pounds(proposal.contributions.set_index("partner").loc["county_asc", "pv"])

    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{app_url}/Make_the_deal")
    wait_for_run(page)
    expect(page.get_by_role("heading", name="Make the deal")).to_be_visible()
    expect(page.get_by_text("No split leaves every partner whole in cash")).to_be_visible()
    page.get_by_test_id("stButtonGroup").get_by_text("In proportion to cash savings").click()
    wait_for_run(page)
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(2)
    expect(charts.first).to_be_visible()
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(600)
        page.screenshot(path=artifacts / f"make-the-deal-{name}.png", full_page=False)
        charts.first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        box = charts.first.bounding_box()
        assert box and box["width"] >= min(0.3 * width, 320) and box["height"] > 150, (name, box)
        page.screenshot(path=artifacts / f"make-the-deal-{name}-chart.png", full_page=False)
        page.mouse.wheel(0, -5000)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.wait_for_timeout(300)
    page.get_by_role("button", name="Apply this deal to the scenario").click()
    wait_for_run(page)
    expect(page.get_by_text("Deal applied:").first).to_be_visible()
    page.screenshot(path=artifacts / "make-the-deal-applied.png", full_page=True)

    page.get_by_test_id("stSidebar").get_by_text("Overview").click()
    wait_for_run(page)
    expect(page.get_by_text(f"County adult social care {county}")).to_be_visible()
    expect(page.get_by_text("Deal applied: In proportion to cash savings")).to_be_visible()
    page.screenshot(path=artifacts / "overview-as-funded.png", full_page=False)
