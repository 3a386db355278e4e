"""The Make the deal page (AppTest): apply a deal, see it on Overview, Savings by partner, in the
exports and the shared link; undo puts the funding back."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

import roi
from roi import deal, export, share
from ui.text import md  # the page shows user text escaped for Markdown

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "pages/7_Make_the_deal.py"


def _on_the_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_applying_cash_break_even_on_the_page_shows_everywhere_and_undo_restores_it():
    at = _on_the_page()
    original = at.session_state["spec"]
    # The district offer's cash savings fall short of its cost: the page says so, in pounds.
    expected = deal.propose(roi.run(roi.load_scenario("district_offer")), "cash_break_even")
    assert any("short of its cost" in w.value and roi.pounds(expected.shortfall) in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) == 2
    chances = at.dataframe[1].value.set_index("Partner")["Chance of losing cash"]
    assert chances.between(0, 1).all() and chances["District council"] > 0.5
    at.button(key="deal-apply").click().run()
    assert not at.exception
    spec = at.session_state["spec"]
    assert spec.deal is not None and spec.deal.rule == "cash_break_even"
    county = roi.pounds(expected.contributions.set_index("partner").loc["county_asc", "pv"])

    at.switch_page("app.py").run()
    funded = next(m.value for m in at.markdown if m.value.startswith("As funded"))
    assert md(f"County adult social care {county}") in funded and md("Deal applied:") in funded

    at.switch_page("pages/3_Savings_by_partner.py").run()
    table = at.dataframe[0].value
    assert roi.pounds(table.set_index("Partner").loc["County adult social care", "Pays (PV)"]) == county

    # The exports are built from the same result the pages show; the link carries the deal.
    result = roi.run(roi.resolve(spec))
    book = openpyxl.load_workbook(io.BytesIO(export.workbook(result)), data_only=True)
    assert "Heads of terms" in book.sheetnames
    rows = list(book["By partner"].iter_rows(values_only=True))
    by_partner = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert roi.pounds(by_partner["County adult social care"]["Costs, present value"]) == county
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(export.board_pack(result, draws=500))).pages)
    assert "Heads of terms" in text and county in text
    link = at.query_params["s"]
    assert share.decode(link[0] if isinstance(link, list) else link).deal.rule == "cash_break_even"

    at.switch_page(PAGE).run()
    assert any("Deal applied" in s.value for s in at.success)
    at.button(key="deal-undo").click().run()
    assert at.session_state["spec"] == original


def test_custom_shares_that_do_not_sum_to_100_are_refused_and_nothing_changes():
    at = _on_the_page()
    original = at.session_state["spec"]
    at.segmented_control(key="deal-rule").set_value("custom").run()
    assert not at.error, [e.value for e in at.error]  # starts from the funding as written, summing to 100%
    at.number_input(key="deal-share-district").set_value(10.0).run()
    assert any("sum to 1" in e.value and "Nothing has changed" in e.value for e in at.error)
    assert at.session_state["spec"] == original


def test_a_gain_share_on_the_page_applies_payments_between_partners():
    at = _on_the_page()
    at.segmented_control(key="deal-rule").set_value("gain_share").run()
    at.selectbox(key="deal-payer").set_value("nhs_acute").run()
    at.number_input(key="deal-cap").set_value(100_000.0).run()
    assert not at.exception and not at.error
    at.button(key="deal-apply").click().run()
    terms = at.session_state["spec"].deal.gain_share
    assert (terms.payer, terms.outcome, terms.price, terms.cap) == ("nhs_acute", "bed_day", 200.0, 100_000.0)
    at.switch_page("pages/3_Savings_by_partner.py").run()
    pays = at.dataframe[0].value.set_index("Partner").loc["NHS acute hospital", "Pays (PV)"]
    assert pays > 0
