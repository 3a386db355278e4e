"""Compare on a projector (1280x720) and a phone (390x844): after a population change its tables show
every column within their width, no sideways scrolling, and the formatted values (192.5 cases,
110,000 people, £ amounts). Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from roi.inputs import share
from tests.test_numbers import offer_at

from .test_browser import wait_for_run

pytestmark = pytest.mark.e2e

# Each table's own width against the box it sits in; st.dataframe's scroller as well, were one used.
WIDTHS = """() => [...document.querySelectorAll('[data-testid="stTable"], [data-testid="stDataFrame"]')].map(e => {
    const inner = e.querySelector('table') || e.querySelector('.dvn-scroller') || e;
    return {content: Math.ceil(inner.scrollWidth), box: Math.ceil(e.clientWidth)};
})"""


@pytest.mark.parametrize("size", [(1280, 720), (390, 844)])
def test_compare_tables_fit_without_sideways_scrolling(page: Page, app_url: str, artifacts, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{app_url}/Compare_scenarios?s={share.encode(offer_at(110_000))}")
    wait_for_run(page)
    page.locator("[data-testid=stTable]").nth(1).wait_for(timeout=60_000)
    wait_for_run(page)
    tables = page.evaluate(WIDTHS)
    assert len(tables) == 2, tables
    assert all(t["content"] <= t["box"] + 1 for t in tables), tables
    body = page.locator('[data-testid="stTable"]').last.inner_text()
    assert "192.5" in body and "110,000" in body and "£" in body
    assert "00000" not in body and ".0\t" not in body
    page.locator('[data-testid="stTable"]').last.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"compare-differences-{size[0]}x{size[1]}.png")
