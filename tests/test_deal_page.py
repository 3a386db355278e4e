"""The Make the deal page (AppTest): apply a deal, see it on Overview, Savings by partner, in the
exports and the shared link; undo puts the funding back."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

import roi
from roi.analysis import deal
from roi.inputs import share
from roi.outputs import export
from tests.html_tables import page_tables
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
    short = md("short of the offer's cost")
    assert any(short in w.value and roi.pounds(expected.shortfall) in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) == 2
    chances = _table_with(at, "Chance of losing cash").set_index("Partner")["Chance of losing cash"]
    assert chances.map(percent).between(0, 1).all() and percent(chances["District council"]) > 0.5
    at.button(key="deal-apply").click().run()
    assert not at.exception
    spec = at.session_state["spec"]
    assert spec.deal is not None and spec.deal.rule == "cash_break_even"
    county = roi.pounds(expected.contributions.set_index("partner").loc["county_asc", "pv"])

    at.switch_page("app.py").run()
    funded = next(m.value for m in at.markdown if m.value.startswith("As funded"))
    assert md(f"County adult social care {county}") in funded and md("Deal applied:") in funded

    at.switch_page("pages/3_Savings_by_partner.py").run()
    table = page_tables(at)[0]
    assert table.set_index("Partner").loc["County adult social care", "Pays (PV)"] == county

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
    assert any("sum to 1" in e.value for e in at.error)
    assert any("nothing has been applied" in i.value for i in at.info)  # the last good deal stays
    assert at.button(key="deal-apply").disabled
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
    pays = page_tables(at)[0].set_index("Partner").loc["NHS acute hospital", "Pays (PV)"]
    assert pays.startswith("£") and pays != "£0"


def _deal_at(confidence: float | None = None, **options) -> deal.Deal:  # noqa: ANN003
    """The page's deal worked out directly: the same standard simulation (its draws, seed 1)."""
    from roi.engine.uncertainty import simulation_for
    from roi.inputs.limits import STANDARD_SEED
    from roi.inputs.parameters import standard_draws

    scenario = roi.load_scenario("district_offer")
    simulation = simulation_for(scenario, standard_draws(scenario), STANDARD_SEED)
    return deal.propose(roi.run(scenario), "cash_break_even", simulation=simulation, confidence=confidence, **options)


def test_at_80_percent_confidence_the_page_gives_the_shortfall_and_each_chance_of_losing_cash():
    at = _on_the_page()
    at.toggle(key="deal-hold").set_value(True).run()
    assert not at.exception and at.number_input(key="deal-confidence").value == 80.0
    expected = _deal_at(0.8)
    assert any(roi.pounds(expected.shortfall) in w.value and "80%" in w.value for w in at.warning)
    chances = _table_with(at, "Chance of losing cash").set_index("Partner")["Chance of losing cash"]
    county = position_of(expected, "county_asc", "prob_worse_off")
    assert chances["County adult social care"] == f"{county:.0%}" and county <= 0.2
    years = _table_with(at, "Financial year")
    assert list(years["Financial year"])[:2] == ["2025/26", "2026/27"]


def _table_with(at: AppTest, column: str):  # noqa: ANN202 - a DataFrame
    """The page's table that has ``column``, as its cells read on a wide screen."""
    return next(t for t in page_tables(at) if column in t.columns)


def percent(text: str) -> float:
    """'20%' or '71.8%' as shown, as a fraction."""
    return float(text.rstrip("%")) / 100


def position_of(d: deal.Deal, partner: str, column: str) -> float:
    return float(d.positions.set_index("partner").loc[partner, column])


def test_a_confidence_outside_50_to_99_is_refused_beside_the_field_and_the_last_deal_stays():
    at = _on_the_page()
    at.toggle(key="deal-hold").set_value(True).run()
    good = [t.value for t in at.subheader]
    at.number_input(key="deal-confidence").set_value(40.0).run()
    assert any(md("from 0.5 to 0.99 (50% to 99%)") in e.value for e in at.error)
    assert [t.value for t in at.subheader] == good and at.button(key="deal-apply").disabled
    at.number_input(key="deal-confidence").set_value(90.0).run()
    assert not at.error and not at.button(key="deal-apply").disabled


def test_by_service_shows_who_funds_each_service_and_applies_per_intervention():
    at = _on_the_page()
    at.toggle(key="deal-by-service").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    services = _table_with(at, "Intervention").set_index("Intervention")
    shares = services.replace("-", "0%").map(percent)
    assert ((shares.sum(axis=1) - 1).abs() <= 0.0005 * shares.shape[1]).all()  # each shown to 0.1%
    assert "Disabled facilities grant (DFG) adaptations" in services.index
    at.number_input(key="deal-core").set_value(1e10).run()  # more than the DFG costs
    assert any(md("statutory core from £0") in e.value for e in at.error)
    at.number_input(key="deal-core").set_value(1_000_000.0).run()
    assert not at.error
    at.button(key="deal-apply").click().run()
    applied = at.session_state["spec"].deal
    assert applied.by_intervention and set(applied.by_intervention) == {
        c.id for c in at.session_state["spec"].interventions
    }
    assert applied.by_intervention["dfg_adaptation"]["district"] > 0


def test_a_negative_weight_is_refused_beside_the_weights():
    at = _on_the_page()
    at.number_input(key="deal-weight-county_asc").set_value(-1.0).run()
    assert any("weights.county_asc" not in e.value and "not allowed" in e.value for e in at.error)
    assert at.button(key="deal-apply").disabled
