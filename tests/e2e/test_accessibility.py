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


_FOCUSED = """() => {
  const e = document.activeElement;
  const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
  return [(e.getAttribute('aria-label') || ''), label, (e.textContent || '').slice(0, 200)].join(' ');
}"""


def _tab_to(page: Page, text: str, limit: int = 150) -> None:
    """Press Tab until the focused element is named ``text``, as a keyboard-only user would."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(_FOCUSED)
        if text in name:
            return
        seen.append(name.strip()[:40])
    pytest.fail(f"Tab never reached {text!r}; focus went through {seen[:30]}", pytrace=False)


def test_a_keyboard_alone_walks_the_officers_journey(page: Page, app_url: str):
    """Overview -> Build the offer -> open an intervention -> change its cases -> see each partner's
    position move beside the inputs, without a mouse."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(app_url)
    wait_for_run(page)
    _tab_to(page, "Build the offer")
    page.keyboard.press("Enter")
    page.get_by_text("Interventions in the offer").wait_for(timeout=30_000)
    wait_for_run(page)
    before = page.locator(".st-key-offer-partners table").inner_text()
    _tab_to(page, "Disabled facilities grant (DFG) adaptations · NPV")
    page.keyboard.press("Enter")
    wait_for_run(page)
    _tab_to(page, "Cases per year")
    page.keyboard.press("Control+A")
    page.keyboard.type("250")
    page.keyboard.press("Enter")
    # the district's and county's positions move with the edit (fails after 30 s if they do not)
    page.wait_for_function(
        "before => document.querySelector('.st-key-offer-partners table').innerText !== before",
        arg=before,
        timeout=30_000,
    )
    wait_for_run(page)
    # and the walk goes on from the page after the edit: the appraisal settings are reached by Tab
    _tab_to(page, "Discount")
