"""Page tests with Streamlit's AppTest: every page, every shipped scenario, edits, uploads, isolation."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.inputs.edit import apply
from tests.conftest import open_panels
from tests.html_tables import page_tables
from ui.text import md  # error boxes show user text escaped for Markdown

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))
TIMEOUT = 60


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("scenario", list(roi.shipped_scenarios()))
def test_every_page_runs_on_every_shipped_scenario(scenario):
    at = start()
    at.selectbox(key="scenario-picker").select(scenario).run()
    assert at.title[0].value == roi.load_scenario(scenario).name
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])


def test_overview_shows_the_model_figures_and_the_plain_sentence():
    at = start()
    totals = roi.run(roi.load_scenario("district_offer")).totals
    assert metric(at, "Net present value") == roi.pounds(totals["npv"])
    assert metric(at, "Cash and capacity per £1") == f"£{totals['fiscal_roi']:,.2f}"
    assert metric(at, "Cash back per £1") == f"£{totals['cash_roi']:,.2f}"
    assert metric(at, "Cash savings") == roi.pounds(totals["pv_cashable"])
    assert metric(at, "Freed capacity") == roi.pounds(totals["pv_non_cashable"])
    # The figures reconcile on the page, and the range says where the central estimate stands.
    assert any(f"= NPV {roi.pounds(totals['npv'])}" in c.value for c in at.caption)
    stands = [w.value for w in at.warning] + [c.value for c in at.caption]
    assert any("percentile" in text and roi.pounds(totals["npv_p10"]) in text for text in stands)
    table = page_tables(at)[0]
    assert list(table["Partner"])[:2] == ["District council", "County adult social care"]
    assert "Cash back" in table.columns and "Capacity freed" in table.columns
    sentence = next(m.value for m in at.markdown if "invests" in m.value)
    assert "freed capacity" in sentence and "rather than cash" in sentence
    assert len(at.get("vega_lite_chart")) == 2


def test_changing_cases_on_build_the_offer_moves_the_overview_npv_by_what_roi_gives():
    at = start()
    open_panels(at.switch_page("pages/1_Build_the_offer.py"), "dfg_adaptation")
    at.number_input(key="g0-dfg_adaptation-cases").set_value(250).run()
    assert not at.exception
    at.switch_page("app.py").run()
    spec, scenario = apply(
        roi.load_scenario("district_offer").spec,
        {"intervention": "dfg_adaptation", "field": "cases_per_year", "value": 250.0},
    )
    expected = roi.run(scenario).totals["npv"]
    assert metric(at, "Net present value") == roi.pounds(expected)
    assert metric(at, "Net present value") != roi.pounds(roi.run(roi.load_scenario("district_offer")).totals["npv"])


def test_a_deadweight_slider_moves_the_result():
    at = start()
    open_panels(at.switch_page("pages/1_Build_the_offer.py"), "dfg_adaptation")
    before = metric(at, "Net present value")
    at.slider(key="g0-dfg_adaptation-residential_care_week-dw").set_value(0.7).run()
    assert metric(at, "Net present value") != before
    assert at.session_state["spec"].interventions[0].outcomes[0].deadweight == 0.7


def test_an_impossible_setting_is_refused_and_the_last_good_state_stays():
    at = start()
    at.switch_page("pages/1_Build_the_offer.py").run()
    before = at.session_state["spec"]
    at.number_input(key="g0-programme").set_value(25).run()  # more programme years than the 10-year horizon
    assert at.session_state["spec"] == before
    assert any(md("programme_years") in e.value and md("must not exceed") in e.value for e in at.error)
    assert at.number_input(key="g0-programme").value == 3


def test_editing_a_unit_cost_marks_it_and_reset_restores_the_documented_value():
    at = start()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    ids = at.session_state["g0-unit-cost-editor-0-snapshot"]
    row = ids.index("residential_care_year")
    at.session_state["g0-unit-cost-editor-0"] = {
        "edited_rows": {row: {"value": 35000.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    spec = at.session_state["spec"]
    assert spec.unit_costs["residential_care_year"].value == 35000
    assert not at.exception
    next(b for b in at.button if b.label == "Reset all to documented values").click().run()
    assert at.session_state["spec"].unit_costs == {}


def test_invalid_yaml_upload_shows_the_error_and_keeps_the_scenario():
    at = start()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    before = at.session_state["spec"]
    bad = (
        b"name: Bad\ninterventions:\n  - id: dfg_adaptation\n"
        b"    outcomes: [{unit_cost: residential_care_year, deadweight: 1.7}]\n"
    )
    at.file_uploader(key="upload-0").upload("bad.yaml", bad, "application/x-yaml").run()
    assert any(
        md("bad.yaml: interventions[0].outcomes[0].deadweight") in e.value and "0 to 1" in e.value for e in at.error
    )
    assert at.session_state["spec"] == before
    assert not at.exception


def test_valid_yaml_upload_replaces_the_scenario():
    at = start()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    text = (ROOT / "assumptions" / "scenarios" / "dfg_single.yaml").read_bytes().replace(b"120", b"77")
    at.file_uploader(key="upload-0").upload("ours.yaml", text, "application/x-yaml").run()
    assert at.session_state["spec"].interventions[0].cases_per_year == 77
    assert at.session_state["base_name"] == "ours"


def test_edits_in_one_session_do_not_appear_in_another():
    alice = start()
    open_panels(alice.switch_page("pages/1_Build_the_offer.py"), "dfg_adaptation")
    alice.number_input(key="g0-dfg_adaptation-cases").set_value(999).run()
    bob = start()
    assert bob.session_state["spec"] == roi.load_scenario("district_offer").spec
    assert metric(bob, "Net present value") == roi.pounds(roi.run(roi.load_scenario("district_offer")).totals["npv"])


def test_savings_by_partner_shows_one_partner():
    at = start()
    at.switch_page("pages/3_Savings_by_partner.py").run()
    at.selectbox(key="partner-focus").select("nhs_acute").run()
    assert not at.exception
    caption = "What NHS acute hospital receives, by intervention"
    received = next(t for t in page_tables(at) if t.attrs["caption"] == caption)
    assert list(received.columns) == ["Intervention", "Gross (undiscounted)", "Net (undiscounted)", "Net present value"]
    assert len(received) > 0 and received["Net present value"].str.startswith("£").all()


def test_uncertainty_page_states_the_probability_of_payback_in_words():
    at = start()
    at.switch_page("pages/4_Uncertainty_and_sensitivity.py").run()
    assert not at.exception
    sentence = next(m.value for m in at.markdown if "simulations the offer pays back" in m.value)
    from roi.engine import uncertainty

    sim = uncertainty.simulate(roi.load_scenario("district_offer"), 10_000, 1)
    assert f"In {sim.prob_payback:.0%} of 10,000 simulations" in sentence
    assert metric(at, "NPV, P50 (median)") == roi.pounds(sim.percentiles()["npv"]["p50"])
    assert len(at.get("vega_lite_chart")) == 4
    # Where the central estimate stands among the same draws, computed, never a canned remark.
    position = roi.position_in(roi.run(roi.load_scenario("district_offer")).totals["npv"], sim.npv)
    stands = [c.value for c in at.caption] + [w.value for w in at.warning]
    ordinal = roi.analysis.summary.ordinal(round(position["central_percentile"]))
    assert any(f"sits at the {ordinal} percentile" in text for text in stands)
    assert not any("full year of residential care" in text for text in stands + [i.value for i in at.info])


def test_check_a_claim_page_shows_claimed_recomputed_and_adjusted_with_flags():
    at = start()
    at.switch_page("pages/5_Check_a_claim.py").run()
    assert not at.exception
    at.selectbox(key="claim-example").select("district_direct").run()  # it opens on a blank claim
    at.button(key="claim-open-example").click().run()
    assert metric(at, "Claimed (29 weeks)") == "£181,250"
    assert metric(at, "Recomputed (29 weeks, 2018 prices)") == "£184,808"  # the library's bed-day in 2018 prices
    assert len([w for w in at.warning if "presented as cash" in w.value]) == 1
    assert len([w for w in at.warning if "proves nothing" in w.value]) == 1


def test_compare_page_lists_differences_with_the_npv_they_move():
    at = start()
    at.switch_page("pages/6_Compare_scenarios.py").run()
    assert not at.exception
    at.multiselect(key="compare-pick").set_value(["On screen now", "DFG adaptations, single intervention"]).run()
    differences = at.table[-1].value  # a static table, whose cells wrap on a phone
    assert "Setting: horizon years" in set(differences.index)


def test_a_shared_link_restores_the_scenario_on_a_fresh_session():
    from roi.inputs import share

    spec, scenario = apply(
        roi.load_scenario("district_offer").spec,
        {"intervention": "handyperson", "field": "cases_per_year", "value": 900.0},
    )
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["s"] = share.encode(spec)
    at.run()
    assert not at.exception
    assert at.session_state["spec"] == spec
    assert metric(at, "Net present value") == roi.pounds(roi.run(scenario).totals["npv"])


def test_a_damaged_shared_link_says_so_and_shows_the_default():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["s"] = "not-a-real-link"
    at.run()
    assert not at.exception
    assert any("shared link" in e.value and "damaged" in e.value for e in at.error)
    assert at.session_state["spec"] == roi.load_scenario("district_offer").spec


def test_results_pages_offer_the_board_pack_workbook_and_yaml():
    at = start()
    labels = {b.label for b in at.get("download_button")}
    assert {"Excel workbook", "Board pack (PDF)", "Scenario (YAML)"} <= labels


def test_an_upload_over_one_megabyte_is_refused_and_nothing_changes():
    at = start()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    before = at.session_state["spec"]
    at.file_uploader(key="upload-0").upload("huge.yaml", b"#" * 1_000_001, "application/x-yaml").run()
    assert any(md("huge.yaml") in e.value and "the limit is 1 MB" in e.value for e in at.error)
    assert at.session_state["spec"] == before and not at.exception
