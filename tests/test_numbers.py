"""Numbers shown well, and the flows around them (issue 25, items 10 to 15 and 17): Compare formats
every value by its kind; one rule for fractional cases on screen, in the PDF and in Excel; numbers
stored as numbers in the offer workbook, with totals; one simulation of a scenario wherever it is
shown; whole pounds and clean file names; Compare's defaults and saved documents; Save as pre-filled."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import roi
from roi.analysis import compare
from roi.inputs import share
from roi.inputs.formats import cases, cases_tenths, pounds
from roi.inputs.schema import ScenarioSpec
from roi.outputs import export
from tests.conftest import open_panels, start_app
from tests.html_tables import page_tables

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 90
HOMELESSNESS = "Homelessness prevention (housing options)"
DISCHARGE = "Housing support at hospital discharge (District Direct)"


def offer_at(population: int) -> ScenarioSpec:
    """The shipped offer for an area of ``population`` people (its volumes scale with it)."""
    spec = roi.load_scenario("district_offer").spec
    return spec.model_copy(update={"settings": spec.settings.model_copy(update={"population": population})})


def start(query: dict[str, str] | None = None) -> AppTest:
    return start_app(query, TIMEOUT)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The board pack's words in reading order, every run of white space one space (a tile's or a
    cell's text wraps over lines)."""
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


# -- 10. Compare formats every value by its kind ------------------------------------------------------


def test_compare_shows_each_value_by_its_kind_without_float_noise():
    first, second = roi.resolve(offer_at(110_000)), roi.load_scenario("district_offer")
    edited = roi.load_scenario("district_offer").spec.model_dump(mode="json", exclude_none=True)
    edited["interventions"][0]["cost_per_case"] = 11_025.64
    edited["interventions"][1]["cost_per_case"] = 9_000.0
    with_costs = roi.resolve(ScenarioSpec.model_validate(edited))

    rows = compare.differences(first, second, max_seconds=0.0).set_index("input")
    assert tuple(rows.loc["Setting: population", ["first", "second"]]) == ("110,000", "100,000")
    # 175 and 66 a year per 100,000 people, times 1.1: 192.5 and 72.60000000000001 in floating point.
    assert tuple(rows.loc[f"{HOMELESSNESS}: cases per year", ["first", "second"]]) == ("192.5", "175")
    assert tuple(rows.loc[f"{DISCHARGE}: cases per year", ["first", "second"]]) == ("72.6", "66")

    costs = compare.differences(second, with_costs, max_seconds=0.0).set_index("input")["second"]
    assert costs.str.startswith("£").all()
    assert set(costs) == {"£11,025.64", "£9,000"}
    every = [*rows["first"], *rows["second"], *costs]
    assert not [v for v in every if re.search(r"\d\.\d*0000|\.0$|^\d{5,}", v)], every


def test_compare_shows_shares_and_schedules_in_words():
    offer = roi.load_scenario("district_offer")
    assert compare.shown("deadweight", 0.35, offer) == "35%"
    assert compare.shown("discount_schedule", "green_book_standard", offer) == (
        offer.library.discount_schedules["green_book_standard"].label
    )
    assert compare.shown("start_year", 2025, offer) == "2025/26"
    assert compare.shown("value_per_pound", 4.2, offer) == "£4.20"


def test_compare_page_shows_formatted_differences_after_a_population_change():
    at = start({"s": share.encode(offer_at(110_000))})
    at.switch_page("pages/6_Compare_scenarios.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.table[-1].value
    assert table.loc[f"{HOMELESSNESS}: cases per year", "On screen now"] == "192.5"
    assert table.loc["Setting: population", "On screen now"] == "110,000"


# -- 11. One rule for fractional cases: screen, PDF and Excel ----------------------------------------


def test_the_cases_rule_by_hand():
    assert cases(175 * 1.1) == "192.5"
    assert cases(66 * 1.1) == "72.6" and cases_tenths(66 * 1.1) == 72.6  # not 72.60000000000001
    assert cases(192.45) == "192.5"  # half a tenth rounds up, as a spreadsheet rounds
    assert cases(192.44) == "192.4"
    assert cases(1_400.0) == "1,400" and cases(104) == "104"
    assert cases(2_500.25) == "2,500.3"
    assert cases(None) == "-"


@given(volume=st.floats(0, 2_000_000, allow_nan=False), population=st.integers(1_000, 20_000_000))
def test_property_the_shown_figure_is_the_stored_one_within_half_a_tenth(volume, population):
    scaled = volume * population / 100_000  # as a population rescales a rate per 100,000
    words = cases(scaled)
    assert float(words.replace(",", "")) == cases_tenths(scaled)  # screen and PDF words = Excel's number
    assert abs(cases_tenths(scaled) - scaled) <= 0.05 + 1e-9 * scaled
    assert "e" not in words and not words.endswith(".0")


def test_cases_read_the_same_on_screen_in_the_pdf_and_in_excel(tmp_path):
    spec = offer_at(110_000)
    result = roi.run(roi.resolve(spec))
    volumes = {i.label: i.cases_per_year for i in result.scenario.interventions}
    assert volumes[HOMELESSNESS] == pytest.approx(192.5) and volumes[DISCHARGE] != 72.6  # float noise

    book = openpyxl.load_workbook(io.BytesIO(export.workbook(result)))
    offer = book["The offer"]
    excel = {row[0].value: row[1] for row in offer.iter_rows(min_row=4) if row[0].value in volumes}
    assert excel[HOMELESSNESS].value == 192.5 and excel[HOMELESSNESS].number_format == "#,##0.0"
    assert excel[DISCHARGE].value == 72.6 and excel[DISCHARGE].number_format == "#,##0.0"

    text = pdf_text(export.board_pack(result, draws=200), tmp_path)
    assert re.search(r"\b192\.5\b", text)
    assert re.search(r"\b72\.6\b", text) and "72.60" not in text

    at = start({"s": share.encode(spec)})
    at.switch_page("pages/1_Build_the_offer.py").run()
    open_panels(at, "homelessness_prevention")
    assert not at.exception, [e.value for e in at.exception]
    assert any(c.value.startswith("192.5 cases a year") for c in at.caption), [c.value for c in at.caption]
    generation = at.session_state["generation"]
    assert at.number_input(key=f"g{generation}-homelessness_prevention-cases").proto.format == "%.1f"
    open_panels(at, "dfg_adaptation", "handyperson")
    assert at.number_input(key=f"g{generation}-dfg_adaptation-cases").proto.format == "%.1f"  # 114.4
    assert at.number_input(key=f"g{generation}-handyperson-cases").proto.format == "%.0f"  # 660, whole
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    shown = [df.value for df in at.dataframe if "Parameter" in df.value.columns][0]
    row = shown[(shown["Intervention"] == HOMELESSNESS) & (shown["Parameter"] == "Cases per year")]
    assert row.iloc[0]["Value"] == "192.5"


# -- 12. The offer workbook stores numbers as numbers, with totals -----------------------------------


def test_the_offer_workbook_stores_numbers_with_formats_and_totals():
    result = roi.run(roi.resolve(offer_at(110_000)))
    book = openpyxl.load_workbook(io.BytesIO(export.workbook(result)))
    inputs = {row[0].value: row[1] for row in book["Scenario inputs"].iter_rows(min_row=2)}
    population = inputs["Population"]
    assert population.value == 110_000 and population.data_type == "n" and population.number_format == "#,##0"
    assert inputs["Appraisal horizon (years)"].value == 10 and inputs["Appraisal horizon (years)"].data_type == "n"
    price_year = inputs["Price year (every figure at this year's prices)"]
    assert price_year.value == 2024 and price_year.number_format == "0"
    assert inputs["Headline figure"].value == "Central estimate"

    offer = book["The offer"]
    rows = list(offer.iter_rows(min_row=4, values_only=True))
    total = rows[-1]
    assert total[0] == "Total"
    body = rows[:-1]
    pv_column = [c.value for c in offer[3]].index("Costs, present value")
    fixed_column = [c.value for c in offer[3]].index("Fixed cost per year")
    assert total[pv_column] == pytest.approx(sum(r[pv_column] for r in body), abs=0.005)
    assert total[pv_column] == pytest.approx(result.totals["pv_costs"], abs=0.005)
    assert total[fixed_column] == pytest.approx(sum(r[fixed_column] for r in body), abs=0.005)
    assert offer.cell(4 + len(body), pv_column + 1).number_format == "£#,##0;-£#,##0"
    for row in body:  # every figure a number: none written as text such as '110,000' or '£9,000'
        assert all(isinstance(v, (int, float)) for v in (row[1], row[2], row[3], row[pv_column])), row


def test_a_percentage_setting_is_a_number_formatted_as_a_percentage():
    spec = roi.load_scenario("district_offer").spec
    spec = spec.model_copy(update={"settings": spec.settings.model_copy(update={"discount_rate": 0.035})})
    book = openpyxl.load_workbook(io.BytesIO(export.workbook(roi.run(roi.resolve(spec)))))
    inputs = {row[0].value: row[1] for row in book["Scenario inputs"].iter_rows(min_row=2)}
    rate = inputs["Constant discount rate"]
    assert rate.value == 0.035 and rate.number_format == "0.0%"


# -- 13. One simulation of a scenario wherever it is shown --------------------------------------------


def test_overview_uncertainty_page_and_board_pack_give_one_likely_range(tmp_path):
    result = roi.run(roi.load_scenario("district_offer"))
    totals = result.totals
    assert totals["position_draws"] == 10_000
    sim = roi.simulate(result.scenario, 10_000, 1)
    low, high = export._range(sim.npv)
    assert (pounds(totals["npv_p10"]), pounds(totals["npv_p90"])) == (pounds(low), pounds(high))

    at = start()
    overview = " ".join(c.value for c in at.caption)
    sentence = roi.analysis.summary.range_sentence(result)
    assert sentence in overview and "of 10,000 simulations" in sentence

    at.switch_page("pages/4_Uncertainty_and_sensitivity.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="mc-draws").value == 10_000
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["NPV, P10"] == pounds(totals["npv_p10"])
    assert metrics["NPV, P90"] == pounds(totals["npv_p90"])
    assert sentence in " ".join(c.value for c in at.caption)

    text = pdf_text(export.board_pack(result), tmp_path)
    assert sentence in text
    assert f"P10 {pounds(totals['npv_p10'])} to P90 {pounds(totals['npv_p90'])}" in text


def test_every_payback_chance_says_what_counts_towards_it(tmp_path):
    result = roi.run(roi.load_scenario("district_offer"))
    sim = roi.simulate(result.scenario, 10_000, 1)
    text = pdf_text(export.board_pack(result), tmp_path)
    assert f"pays back from cash alone in {sim.prob_cash_payback:.0%} of simulations" in text
    assert (
        f"In {sim.prob_payback:.0%} of 10,000 simulations the offer pays back within 10 years from cash and "
        f"freed capacity; in {sim.prob_cash_payback:.0%} from cash alone."
    ) in text
    assert not re.search(r"pays back in \d+% of", text)

    at = start()
    at.switch_page("pages/4_Uncertainty_and_sensitivity.py").run()
    heading = " ".join(m.value for m in at.markdown)
    assert "from cash and freed capacity" in heading and "from cash alone" in heading


def test_the_uncertainty_page_says_when_its_simulation_is_not_the_overviews():
    at = start()
    at.switch_page("pages/4_Uncertainty_and_sensitivity.py").run()
    note = "A different simulation from the Overview's"
    assert not any(note in c.value for c in at.caption)
    at.number_input(key="mc-seed").set_value(2).run()
    assert any(note in c.value for c in at.caption)


# -- 14. Whole pounds, clean file names, the headline sentence as text --------------------------------


def test_export_file_names_have_no_double_spaces():
    from ui.saved import file_stem

    assert file_stem("Offer to the ICB, v3") == "Offer to the ICB v3"
    assert file_stem("A / B: (draft)") == "A B draft"
    assert file_stem(",,,") == "scenario"


def test_overview_headline_sentence_is_body_text_not_a_heading():
    at = start()
    sentence = roi.analysis.summary.headline_sentence(roi.run(roi.load_scenario("district_offer")))
    found = [m.value for m in at.markdown if sentence[:40] in m.value]
    assert found and not any(v.lstrip().startswith("#") for v in found)


# -- 15. Compare: on screen vs the shipped offer, saved documents listed, one Save -------------------


@pytest.fixture()
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path}/app.sqlite"
    monkeypatch.setenv("ROI_DATABASE_URL", url)
    return url


def test_compare_defaults_to_on_screen_vs_the_shipped_offer_and_has_no_save_of_its_own():
    at = start()
    at.switch_page("pages/6_Compare_scenarios.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="compare-pick").value == ["On screen now", "Whole district prevention offer"]
    assert not [t for t in at.main.text_input], "Compare has no name box of its own"
    assert not [b for b in at.main.button if "Save" in str(b.label)]


def test_compare_lists_documents_saved_in_the_workspace(database):
    at = start()
    at.text_input(key="save-as-name").set_value("Offer to the ICB")
    at.text_input(key="save-as-message").set_value("First cut")
    at.button(key="save-as-button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/6_Compare_scenarios.py").run()
    saved = [o for o in at.multiselect(key="compare-pick").options if o.startswith("Offer to the ICB")]
    assert saved == ["Offer to the ICB · saved v1"]
    at.multiselect(key="compare-pick").set_value(["Whole district prevention offer", saved[0]]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert list(at.table[0].value.columns) == ["Whole district prevention offer", saved[0]]


# -- 17. Save as is pre-filled for a scenario opened from a shared link -------------------------------


def test_save_as_is_prefilled_with_a_shared_scenarios_name_on_every_page(database):
    spec = roi.load_scenario("district_offer").spec.model_copy(update={"name": "Offer for Eastshire"})
    at = start({"s": share.encode(spec)})
    assert at.text_input(key="save-as-name").value == "Offer for Eastshire"
    at.switch_page("pages/1_Build_the_offer.py").run()
    assert at.text_input(key="save-as-name").value == "Offer for Eastshire"
    at.text_input(key="save-as-name").set_value("My own name").run()
    at.switch_page("pages/3_Savings_by_partner.py").run()
    assert at.text_input(key="save-as-name").value == "My own name"  # what the user typed stays


def test_make_the_deal_gives_present_value_in_whole_pounds_beside_whole_pound_years():
    at = start()
    at.switch_page("pages/7_Make_the_deal.py").run()
    assert not at.exception, [e.value for e in at.exception]
    contributions = next(t for t in page_tables(at) if "Present value" in t.columns)  # as a wide screen shows it
    years = [c for c in contributions.columns if re.fullmatch(r"\d{4}/\d{2}", c)]
    assert years
    for column in ("Present value", *years):
        values = list(contributions[column])
        assert values and all(re.fullmatch(r"-?£[0-9,]+", v) for v in values), values
