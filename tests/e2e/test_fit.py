"""Screens that fit: the Overview, Savings by partner and Uncertainty pages on a projector (1280x720),
a phone (390x844) and a large projector (1920x1080). Measured in the page's DOM: no headline tile is
cut short with an ellipsis, nothing overflows the window or is clipped by its container (chart text
included), and the Overview prints without the sidebar. Screenshots of every page at every size
(test_screenshots.py) go to test-artifacts/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from .test_browser import wait_for_run

pytestmark = pytest.mark.e2e

SIZES = {"desktop": (1400, 900), "projector": (1280, 720), "phone": (390, 844), "large": (1920, 1080)}
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


def open_page(page: Page, url: str, path: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{url}/{path}")
    wait_for_run(page)
    if path in PAGES.values():
        page.locator("[data-testid='stVegaLiteChart'] svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # charts settle to the container's width


def screenshot(page: Page, path) -> None:  # noqa: ANN001 - a Path
    """The whole page: Streamlit scrolls inside its main block, so grow the window to its height."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    full = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, min(full, 12_000))})
    page.wait_for_timeout(800)  # charts redraw at the taller window
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size({"width": width, "height": height})


@pytest.mark.parametrize("size", ["projector", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_without_truncation_or_overflow(page: Page, app_url: str, artifacts, name, size):
    open_page(page, app_url, PAGES[name], SIZES[size])
    problems = page.evaluate(MEASURE)
    assert page.get_by_test_id("stVegaLiteChart").count() > 0  # measured with its charts drawn
    assert problems == [], problems


def test_large_projector_fits_too(page: Page, app_url: str):
    for path in PAGES.values():
        open_page(page, app_url, path, SIZES["large"])
        assert page.evaluate(MEASURE) == [], path


def test_the_overview_prints_on_one_or_two_a4_pages_without_the_sidebar(page: Page, app_url: str, artifacts):
    import io

    import pypdf

    open_page(page, app_url, "", (1280, 900))
    page.locator("[data-testid='stVegaLiteChart'] svg").first.wait_for(timeout=30_000)  # laid out as printed
    page.emulate_media(media="print")
    page.wait_for_timeout(1500)  # charts settle to the printed width
    assert page.get_by_test_id("stSidebar").is_hidden() or page.get_by_test_id("stSidebar").bounding_box() is None
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "overview-print.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2, len(reader.pages)
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Net present value" in text and "Build the offer" not in text  # the sidebar's links are gone
    # every column of the partner table, in full figures, and no help icons
    for header in ("Puts in", "Cash back", "Capacity freed", "Economic and social value", "Cash position"):
        assert header in text, header
    assert "Pays back (own)" in text and "£7,219,070" in text
    assert page.locator("[data-testid='stTooltipIcon']:visible").count() == 0


def _tornado_labels(page: Page) -> list[str]:
    chart = page.locator("[data-testid='stVegaLiteChart'][aria-label^='Which assumptions matter most']")
    chart.locator("svg").wait_for(timeout=30_000)
    return chart.evaluate(
        "c => [...c.querySelectorAll('g.role-axis')].filter(a => a.getAttribute('aria-label')?.startsWith('Y-axis'))"
        ".flatMap(a => [...a.querySelectorAll('g.role-axis-label text')].map(t => t.textContent))"
    )


@pytest.mark.parametrize("size", ["projector", "phone"])
def test_tornado_labels_are_all_different(page: Page, app_url: str, size):
    open_page(page, app_url, PAGES["uncertainty"], SIZES[size])
    labels = _tornado_labels(page)
    assert len(labels) == 12 and len(set(labels)) == 12, labels


def test_presentation_view_puts_headline_partners_and_range_on_one_projector_screen(page: Page, app_url, artifacts):
    open_page(page, app_url, "", SIZES["projector"])
    page.get_by_text("Presentation view").click()
    wait_for_run(page)
    page.wait_for_timeout(800)
    assert page.get_by_test_id("stSidebar").is_hidden()
    shown = page.evaluate(
        """() => {
          const main = document.querySelector('[data-testid=stMain]');
          const bottom = s => document.querySelector(s).getBoundingClientRect().bottom;
          const values = [...document.querySelectorAll('[data-testid=stMetricValue]')];
          return {scrolls: main.scrollHeight > main.clientHeight + 1, table: bottom('.fit-table'),
                  range: [...document.querySelectorAll('[data-testid=stCaptionContainer]')]
                    .filter(c => c.textContent.startsWith('Likely range')).map(c => c.getBoundingClientRect().bottom),
                  lines: values.map(v => v.getBoundingClientRect().height / parseFloat(getComputedStyle(v).lineHeight)),
                  texts: values.map(v => v.textContent),
                  charts: document.querySelectorAll('[data-testid=stVegaLiteChart]').length};
        }"""
    )
    page.screenshot(path=artifacts / "presentation-projector.png")
    assert not shown["scrolls"] and shown["table"] <= 720 and shown["range"] and shown["range"][0] <= 720, shown
    assert "Not within 10 years" in shown["texts"] and max(shown["lines"]) < 1.5, shown  # no tile wraps
    assert shown["charts"] == 0


def test_on_a_phone_build_the_offer_reaches_its_first_input_soon_and_names_interventions_whole(page: Page, app_url):
    open_page(page, app_url, "Build_the_offer", SIZES["phone"])
    page.get_by_test_id("stMultiSelect").wait_for(timeout=30_000)
    measured = page.evaluate(
        """() => {
          const box = document.querySelector('[data-testid=stMultiSelect]');
          const chips = [...box.querySelectorAll('span')]
            .filter(s => s.children.length === 0 && s.textContent.length > 3);
          return {top: box.getBoundingClientRect().top,
                  cut: chips.filter(s => s.scrollWidth > s.clientWidth + 1 || s.textContent.endsWith('\\u2026'))
                    .map(s => s.textContent)};
        }"""
    )
    assert measured["top"] < 700 and measured["cut"] == [], measured


TABLES = (Path(__file__).parent / "measure_tables.js").read_text()
DEAL_SIZES = {"desktop": (1400, 900), "projector": (1280, 720), "phone": (390, 844)}


def _open_deal(page: Page, url: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{url}/Make_the_deal")
    wait_for_run(page)
    page.locator("[data-testid='stVegaLiteChart'] svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)


def test_make_the_deal_fits_a_projector_and_a_phone_with_no_table_scrolling_sideways(
    page: Page, app_url: str, artifacts
):
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
    assert tables["measured"] >= 5 and tables["problems"] == [], tables  # five fitted tables, each measured
    assert page.evaluate(MEASURE) == []
    for name, size in DEAL_SIZES.items():
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.wait_for_timeout(1200)
        assert page.evaluate(TABLES)["problems"] == [], name  # a phone included: secondary columns give way
        screenshot(page, artifacts / f"fit-make-the-deal-{name}.png")


def test_the_deal_charts_axis_labels_never_collide_on_a_phone(page: Page, app_url: str):
    _open_deal(page, app_url, DEAL_SIZES["phone"])
    problems = [p for p in page.evaluate(TABLES)["problems"] if p.startswith("axis labels")]
    assert problems == []
