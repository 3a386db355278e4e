"""The finance lead's journey in a real browser: type the 900 bed-day claim, set the trust's own £350
bed-day and a 30% deadweight, leave the page and come back, download the one-page PDF report; and a
claim link opening on a fresh server. Screenshots at desktop, projector and phone sizes."""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import Page, expect

from roi import claims
from roi.schema import ClaimSpec

from .test_browser import tile, wait_for_run

pytestmark = pytest.mark.e2e

WAIT = 30_000  # ms: a shared two-core machine can be slow to draw the first page
SIZES = {"desktop": (1400, 900), "projector": (1280, 720), "phone": (390, 844)}


def fill(page: Page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")
    wait_for_run(page)


def screenshots(page: Page, artifacts, stem: str) -> None:
    """The editor and the check, as seen at each size."""
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(600)
        for part, locator in (
            ("", page.get_by_label("Unit cost to use")),
            ("-check", page.get_by_role("heading", name="The check")),
            ("-money", page.get_by_text("Who gets the money, a year")),
        ):
            locator.first.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(400)
            page.screenshot(path=artifacts / f"{stem}-{size}{part}.png")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.wait_for_timeout(300)


def test_the_finance_lead_checks_the_900_bed_day_claim_and_downloads_the_report(page: Page, app_url: str, artifacts):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{app_url}/Check_a_claim")
    wait_for_run(page)
    fill(page, "What is claimed", "Hospital discharge housing scheme")
    fill(page, "Line name", "Bed-days saved at the acute trust")
    fill(page, "Claimed saving (£)", "270000")
    fill(page, "Period (weeks)", "26")
    fill(page, "Quantity", "900")
    page.get_by_test_id("stRadio").get_by_text("Your own value").click()
    wait_for_run(page)
    fill(page, "Your £ per unit", "350")
    fill(page, "Its price year", "2024")
    fill(page, "Deadweight (%)", "30")
    # 900 x £350 = £315,000 for 26 weeks; £630,000 a year; x 0.7 x 0.75 x 0.6 = £198,450.
    expect(tile(page, "Adjusted, a year (2024 prices)")).to_have_text("£198,450", timeout=WAIT)
    expect(tile(page, "Claimed (26 weeks)")).to_have_text("£270,000", timeout=WAIT)
    expect(tile(page, "Recomputed (26 weeks, 2024 prices)")).to_have_text("£315,000", timeout=WAIT)
    expect(page.get_by_text("presented as cash").first).to_be_visible()
    screenshots(page, artifacts, "claim-typed")

    page.get_by_test_id("stSidebar").get_by_text("Overview").click()
    wait_for_run(page)
    expect(page.get_by_role("heading", name="Check a savings claim")).to_have_count(0)
    page.get_by_test_id("stSidebar").get_by_text("Check a claim").click()
    wait_for_run(page)
    expect(page.get_by_label("What is claimed", exact=True)).to_have_value(
        "Hospital discharge housing scheme", timeout=WAIT
    )
    expect(page.get_by_label("Line name", exact=True)).to_have_value("Bed-days saved at the acute trust", timeout=WAIT)
    expect(page.get_by_label("Claimed saving (£)", exact=True)).to_have_value("270000.00", timeout=WAIT)
    expect(page.get_by_label("Quantity", exact=True)).to_have_value("900.0", timeout=WAIT)
    expect(page.get_by_label("Your £ per unit", exact=True)).to_have_value("350.00", timeout=WAIT)
    expect(page.get_by_label("Deadweight (%)", exact=True)).to_have_value("30.0", timeout=WAIT)
    expect(tile(page, "Adjusted, a year (2024 prices)")).to_have_text("£198,450", timeout=WAIT)
    assert "c=" in page.url
    page.screenshot(path=artifacts / "claim-after-coming-back.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="Claim check report (PDF)").click()
    target = artifacts / "claim-check.pdf"
    download.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "Hospital discharge housing scheme" in text and "£198,450" in text and "£350.00" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", str(target), str(artifacts / "claim-check")], check=True
    )


def test_a_claim_link_opens_on_a_fresh_server(page: Page, fresh_server: str, artifacts):
    spec = ClaimSpec.model_validate(
        {
            "claim": "Hospital discharge housing scheme",
            "claimed_saving": 270_000,
            "period_weeks": 26,
            "savings": [
                {
                    "unit_cost": "bed_day",
                    "quantity": 900,
                    "partner": "nhs_acute",
                    "value_type": "fiscal_cashable",
                    "cost_basis": "own",
                    "own_value": 350,
                    "own_price_year": 2024,
                    "deadweight": 0.3,
                }
            ],
        }
    )
    page.goto(f"{fresh_server}/Check_a_claim?{claims.LINK_PARAM}={claims.to_link(spec)}")
    wait_for_run(page)
    expect(page.get_by_test_id("stSidebar").get_by_text("Prevention ROI")).to_be_visible()
    expect(tile(page, "Claimed (26 weeks)")).to_have_text("£270,000", timeout=WAIT)
    expect(tile(page, "Adjusted, a year (2024 prices)")).to_have_text("£198,450", timeout=WAIT)
    page.screenshot(path=artifacts / "claim-from-link.png", full_page=True)
