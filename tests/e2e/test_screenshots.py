"""Screenshots of every page at every size, into test-artifacts/, for a person to look at (a file of
its own, so that it runs beside the fit measurements on another worker)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .test_fit import ALL_PAGES, SIZES, open_page, screenshot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", ["desktop", "projector", "phone"])  # the large projector is measured in test_fit
def test_screenshots_of_every_page_at_every_size(page: Page, app_url: str, artifacts, size):
    for name, path in ALL_PAGES.items():
        open_page(page, app_url, path, SIZES[size])
        assert page.get_by_test_id("stException").count() == 0, name
        screenshot(page, artifacts / f"fit-{name}-{size}.png")
