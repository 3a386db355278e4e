"""Screens that fit: the Overview, Savings by partner and Uncertainty pages on a projector (1280x720),
a phone (390x844) and a large projector (1920x1080). Measured in the page's DOM: no headline tile is
cut short with an ellipsis, nothing overflows the window or is clipped by its container (chart text
included), and the Overview prints without the sidebar. Screenshots of every page at every size go to
test-artifacts/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from .test_browser import wait_for_run

pytestmark = pytest.mark.e2e

SIZES = {"projector": (1280, 720), "phone": (390, 844), "large": (1920, 1080)}
PAGES = {"overview": "", "savings-by-partner": "Savings_by_partner", "uncertainty": "Uncertainty_and_sensitivity"}
ALL_PAGES = {
    **PAGES,
    "build-the-offer": "Build_the_offer",
    "assumptions": "Assumptions_and_evidence",
    "check-a-claim": "Check_a_claim",
    "compare": "Compare_scenarios",
}

# Every problem as a line of text: a tile whose value is cut short, an element wider than the window,
# or an element (chart text included) clipped by the box it sits in. Tables that scroll sideways on
# purpose (overflow auto / scroll) are not a problem.
MEASURE = (Path(__file__).parent / "measure_fit.js").read_text()


def _open(page: Page, url: str, path: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{url}/{path}")
    wait_for_run(page)
    if path in PAGES.values():
        page.locator("[data-testid='stVegaLiteChart'] svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # charts settle to the container's width


def _screenshot(page: Page, path) -> None:  # noqa: ANN001 - a Path
    """The whole page: Streamlit scrolls inside its main block, so grow the window to its height."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    full = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, min(full, 12_000))})
    page.wait_for_timeout(1200)
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size({"width": width, "height": height})


@pytest.mark.parametrize("size", ["projector", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_without_truncation_or_overflow(page: Page, app_url: str, artifacts, name, size):
    _open(page, app_url, PAGES[name], SIZES[size])
    problems = page.evaluate(MEASURE)
    assert page.get_by_test_id("stVegaLiteChart").count() > 0  # measured with its charts drawn
    assert problems == [], problems


@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots_of_every_page_at_every_size(page: Page, app_url: str, artifacts, size):
    for name, path in ALL_PAGES.items():
        _open(page, app_url, path, SIZES[size])
        assert page.get_by_test_id("stException").count() == 0, name
        _screenshot(page, artifacts / f"fit-{name}-{size}.png")


def test_large_projector_fits_too(page: Page, app_url: str):
    for path in PAGES.values():
        _open(page, app_url, path, SIZES["large"])
        assert page.evaluate(MEASURE) == [], path


def test_the_overview_prints_on_one_or_two_a4_pages_without_the_sidebar(page: Page, app_url: str, artifacts):
    import io

    import pypdf

    _open(page, app_url, "", (1280, 900))
    page.emulate_media(media="print")
    assert page.get_by_test_id("stSidebar").is_hidden() or page.get_by_test_id("stSidebar").bounding_box() is None
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "overview-print.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2, len(reader.pages)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Net present value" in text and "Build the offer" not in text  # the sidebar's links are gone


TABLES = (Path(__file__).parent / "measure_tables.js").read_text()
DEAL_SIZES = {"desktop": (1400, 900), "projector": (1280, 720), "phone": (390, 844)}


def _open_deal(page: Page, url: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{url}/Make_the_deal")
    wait_for_run(page)
    page.locator("[data-testid='stVegaLiteChart'] svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)


def test_make_the_deal_fits_a_projector_with_no_table_scrolling_sideways(page: Page, app_url: str, artifacts):
    # Issue 25, items 4 and 8: "Where each partner ends up" (with the chance of losing cash and P10) and every
    # other table on the deal page fit a 1280x720 column; the charts' pound ticks never collide.
    _open_deal(page, app_url, DEAL_SIZES["projector"])
    page.get_by_text("Hold at a confidence").click()
    wait_for_run(page)
    page.get_by_text("Fund by service").click()
    wait_for_run(page)
    for expander in ("Capacity, fiscal position and £ back per £1", "What this rule assumes", "Bargaining weights"):
        page.get_by_text(expander).first.click()
    page.wait_for_timeout(1500)
    tables = page.evaluate(TABLES)
    assert tables["measured"] >= 6 and tables["problems"] == [], tables  # six tables, each measured
    assert page.evaluate(MEASURE) == []
    for name, size in DEAL_SIZES.items():
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.wait_for_timeout(1200)
        if name != "phone":
            assert page.evaluate(TABLES)["problems"] == [], name
        _screenshot(page, artifacts / f"fit-make-the-deal-{name}.png")


def test_the_deal_charts_axis_labels_never_collide_on_a_phone(page: Page, app_url: str):
    _open_deal(page, app_url, DEAL_SIZES["phone"])
    problems = [p for p in page.evaluate(TABLES)["problems"] if p.startswith("axis labels")]
    assert problems == []
