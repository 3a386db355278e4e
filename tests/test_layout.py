"""Layout that does not need a browser: tornado labels that read apart, results tables that carry
every figure in full and compactly, and chart descriptions."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import roi
from roi.engine import uncertainty
from roi.outputs import charts
from roi.outputs.charts import AXIS_LINE_BREAK, axis_lines
from tests.html_tables import read_tables
from ui.tables import table_html


def test_tornado_labels_of_the_district_offer_are_distinct_and_at_most_three_lines():
    table, _ = uncertainty.sensitivity_tables(roi.load_scenario("district_offer"))
    spec = charts.tornado(table, 0.0).to_dict()
    rows = next(iter(spec["datasets"].values()))
    labels = [row["axis_label"] for row in rows]
    assert len(set(labels)) == len(labels) == 12
    assert all(label.count(AXIS_LINE_BREAK) <= 2 for label in labels)
    # the measure that tells two parameters of one outcome apart survives the shortening
    long_one = next(label for label in labels if label.startswith("Public spending avoided"))
    assert long_one.endswith("value (£, 2016)")


def test_two_long_labels_that_shorten_alike_are_both_shown_whole():
    first = "Homelessness prevention, Public spending avoided by preventing one person's homelessness " * 2 + "x"
    second = first[:-1] + "y"
    shown = axis_lines([first, second], width=30, max_lines=3)
    assert shown[0] != shown[1]
    assert shown[0].replace(AXIS_LINE_BREAK, " ").endswith(" x")


@given(st.lists(st.text(min_size=1, max_size=160), min_size=1, max_size=12, unique=True))
def test_axis_lines_never_makes_two_different_labels_alike(labels):
    shown = axis_lines(labels)
    assert len(set(shown)) == len(set(labels)) or len({label.replace(AXIS_LINE_BREAK, "/") for label in labels}) < len(
        labels
    )


def test_a_fitted_table_carries_full_and_compact_money_and_names_what_it_leaves_out():
    table = pd.DataFrame({"Partner": ["District <council>"], "Puts in": [6_812_345.4], "Social value": [None]})
    markup = table_html(table, "demo", money=["Puts in", "Social value"], secondary=["Social value"], caption="Demo")
    assert '<span class="m-full">£6,812,345</span><span class="m-short">£6.8m</span>' in markup
    assert "District &lt;council&gt;" in markup  # a user's partner label is text, never markup
    assert "Left out on this narrow screen: Social value." in markup
    (read,) = read_tables(markup)
    assert read.to_dict("records") == [{"Partner": "District <council>", "Puts in": "£6,812,345", "Social value": "-"}]
    assert read.attrs["caption"] == "Demo"


def test_every_chart_on_the_overview_and_uncertainty_pages_has_a_description_and_its_figures_as_a_table():
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from tests.html_tables import page_tables

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    pages = {"app.py": 2, "pages/3_Savings_by_partner.py": 2, "pages/4_Uncertainty_and_sensitivity.py": 4}
    for page, count in pages.items():
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        drawn = at.get("vega_lite_chart")
        assert len(drawn) == count, page
        for element in drawn:
            import json

            spec = json.loads(element.proto.spec)
            assert spec["description"].endswith("Its figures are in the table that follows it."), spec["description"]
        figures = page_tables(at, charts=True)
        assert len(figures) == count, page
        assert all(t.attrs["caption"].startswith("Figures in the chart: ") and len(t) > 0 for t in figures)
    tornado = next(t for t in figures if "Parameter" in t.columns)
    assert list(tornado.columns) == ["Parameter", "NPV at low", "NPV at high", "Swing"]
    assert tornado["Swing"].str.startswith("£").all()


def test_build_the_offer_shows_each_partners_position_beside_the_inputs_and_an_edit_moves_it():
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT, open_panels
    from tests.html_tables import page_tables

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/1_Build_the_offer.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (table,) = page_tables(at)
    assert list(table.columns) == ["Partner", "Puts in", "Cash back", "Cash position"]
    district = table.set_index("Partner").loc["District council"]
    positions = roi.analysis.summary.partner_positions(roi.run(roi.load_scenario("district_offer"))).set_index("label")
    assert district["Puts in"] == roi.pounds(positions.loc["District council", "pv_costs"])
    assert district["Cash position"] == roi.pounds(positions.loc["District council", "cash_npv"])
    open_panels(at, "dfg_adaptation")
    at.number_input(key="g0-dfg_adaptation-cases").set_value(250).run()
    (after,) = page_tables(at)
    assert after.set_index("Partner").loc["District council", "Puts in"] != district["Puts in"]


def test_savings_by_partner_charts_have_regular_ticks_in_one_unit():
    result = roi.run(roi.load_scenario("district_offer"))
    for chart in (charts.partner_waterfall(result, None, "All"), charts.cash_flows_by_partner(result)):
        spec = chart.to_dict()
        layers = spec.get("layer", [spec])
        axes = [
            enc["axis"]
            for layer in layers
            for enc in layer.get("encoding", {}).values()
            if isinstance(enc, dict) and "values" in enc.get("axis", {})
        ]
        assert axes, "a pound axis with set tick values"
        ticks = axes[0]["values"]
        steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
        assert len(steps) == 1 and 0.0 in ticks and len(ticks) <= 6, ticks


def test_the_presentation_view_keeps_headline_partners_and_range_and_drops_the_rest():
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from tests.html_tables import page_tables

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.toggle(key="presentation").set_value(True).run()
    assert not at.exception
    assert len(at.metric) == 8 and len(at.get("vega_lite_chart")) == 0
    assert [t.attrs["caption"] for t in page_tables(at)] == ["What each partner puts in and gets back (present values)"]
    assert any(c.value.startswith("Likely range of NPV") for c in [*at.caption, *at.warning])
    assert not at.get("download_button")
    at.toggle(key="presentation").set_value(False).run()
    assert len(at.get("vega_lite_chart")) == 2
