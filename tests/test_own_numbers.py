"""Trustworthy on the user's own numbers (issue 24): an override moves its range, a price year applies to
the figures given with it, any number of outcomes share one unit cost, and a shared judgement is one input."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi.engine import uncertainty
from roi.engine.model import position_in
from roi.inputs import edit
from roi.inputs.scenario import move_range
from roi.inputs.schema import ScenarioSpec

from .conftest import scenario_from
from .html_tables import page_tables

SETTINGS = {"horizon_years": 10, "programme_years": 3, "price_year": 2024, "start_year": 2025}


def _dfg(**override) -> roi.Scenario:
    return scenario_from({"name": "DFG", "settings": SETTINGS, "interventions": [{"id": "dfg_adaptation", **override}]})


def _parameter(scenario: roi.Scenario, key: tuple[str, ...]) -> uncertainty.Parameter:
    return next(p for p in uncertainty.parameters(scenario) if p.key == key)


def _percentile(scenario: roi.Scenario, draws: int = 2_000) -> float:
    simulation = uncertainty.simulate(scenario, draws, seed=1)
    return position_in(roi.run(scenario).totals["npv"], simulation.npv)["central_percentile"]


# -- 1. an override moves its range ------------------------------------------------------------------


def test_a_typed_cost_per_case_moves_its_range_instead_of_widening_it():
    library = roi.load_library().interventions["dfg_adaptation"]
    low, high = library.ranges["cost_per_case"]
    factor = roi.load_library().deflator_factor(library.price_year, 2024)
    cost = _parameter(_dfg(cost_per_case=5000), ("intervention", "dfg_adaptation", "cost_per_case"))
    # Before: 5,000 to the library's high (12,233), so 5,000 was the bottom of its own range.
    scale = 5000 / (library.cost_per_case * factor)
    assert (cost.low, cost.central, cost.high) == pytest.approx((low * factor * scale, 5000, high * factor * scale))
    assert cost.low < 5000 < cost.high < 10_000
    assert cost.basis == "moved"


def test_the_central_estimate_stays_near_the_middle_of_its_range_after_an_override():
    # Before: the 87th percentile with the DFG's cost per case typed as £5,000 (74th in the default offer).
    assert abs(_percentile(_dfg(cost_per_case=5000)) - _percentile(_dfg())) < 10


def test_a_zero_cost_gives_a_zero_range_and_nothing_spent_in_any_draw():
    scenario = _dfg(cost_per_case=0)
    assert scenario.interventions[0].ranges["cost_per_case"] == (0.0, 0.0)
    simulation = uncertainty.simulate(scenario, 2_000, seed=1)
    assert float(np.max(simulation.pv_costs)) == 0.0
    # Before: 43.75% of draws 'paid back' on costs drawn up to £12,233 a case though nothing is spent.
    assert simulation.prob_payback == 0.0


def test_a_users_own_range_is_used_and_marked_as_theirs():
    scenario = _dfg(cost_per_case=5000, ranges={"cost_per_case": [4000, 9000]})
    cost = _parameter(scenario, ("intervention", "dfg_adaptation", "cost_per_case"))
    assert (cost.low, cost.high, cost.basis) == (4000, 9000, "yours")
    volume = _parameter(scenario, ("intervention", "dfg_adaptation", "cases_per_year"))
    assert volume.basis == "library"  # a range the user did not touch stays the library's


def test_volumes_quantities_and_shares_move_alike():
    library = roi.load_library().interventions["dfg_adaptation"]
    outcome = library.outcomes[0]
    scenario = _dfg(cases_per_year=200, outcomes=[{"unit_cost": outcome.unit_cost, "quantity_per_case": 1.0}])
    cases = _parameter(scenario, ("intervention", "dfg_adaptation", "cases_per_year"))
    low, high = library.ranges["cases_per_year"]
    scale = 200 / library.cases_per_year
    assert (cases.low, cases.high) == pytest.approx((low * scale, high * scale))
    quantity = _parameter(scenario, ("outcome", "dfg_adaptation", "0", "quantity_per_case"))
    q_low, q_high = outcome.ranges["quantity_per_case"]
    scale = 1.0 / outcome.quantity_per_case
    assert (quantity.low, quantity.high) == pytest.approx((q_low * scale, q_high * scale))
    # A share scales too, and stays within 0 to 1.
    assert move_range(0.5, 1.0, 0.75, 0.9, bounded=True) == pytest.approx([0.6, 1.0])
    # From a zero central value the range moves by the difference.
    assert move_range(0.0, 0.2, 0.0, 0.1) == pytest.approx([0.1, 0.3])


def test_a_unit_cost_and_a_ratio_override_move_alike():
    unit = roi.load_library().unit_costs["bed_day"]
    scenario = scenario_from(
        {
            "name": "Own bed-day",
            "settings": SETTINGS,
            "unit_costs": {"bed_day": {"value": 2 * unit.value}},
            "interventions": [{"id": "hospital_discharge_housing"}],
        }
    )
    cost = _parameter(scenario, ("unit_cost", "bed_day", "value"))
    assert (cost.low, cost.high, cost.basis) == pytest.approx((2 * unit.low, 2 * unit.high, "moved"))
    spec = ScenarioSpec.model_validate({"name": "Ratio", "interventions": [{"id": "handyperson"}]})
    ratio = roi.load_library().interventions["handyperson"].ratio
    change = {"intervention": "handyperson", "field": "value_per_pound", "value": 2 * ratio.value_per_pound}
    _, moved = edit.apply(spec, change)
    new = moved.interventions[0].ratio
    # Before: min(low, value) and max(high, value), so the old central stayed inside the new range.
    assert (new.low, new.high) == pytest.approx((2 * ratio.low, 2 * ratio.high))


def test_a_claims_own_unit_value_keeps_the_unit_costs_range_shape():
    from roi.analysis.claims import _value_line

    library = roi.load_library()
    unit = library.unit_costs["bed_day"]
    saving = roi.inputs.schema.ClaimSaving(
        unit_cost="bed_day", quantity=1, cost_basis="own", own_value=500, own_price_year=unit.price_year
    )
    valued = _value_line(saving, library, {}, unit.price_year)
    scale = 500 / unit.value
    assert (valued.low, valued.value, valued.high) == pytest.approx((unit.low * scale, 500, unit.high * scale))


RANGED_KINDS = ("intervention", "outcome", "unit_cost")


def _override(key: tuple[str, ...], value: float) -> dict:
    data = {"name": "Override", "settings": SETTINGS, "interventions": [{"id": i} for i in OFFER_IDS]}
    if key[0] == "unit_cost":
        data["unit_costs"] = {key[1]: {"value": value}}
        return data
    choice = next(c for c in data["interventions"] if c["id"] == key[1])
    if key[0] == "intervention":
        choice[key[2]] = value
    else:
        unit = roi.load_library().interventions[key[1]].outcomes[int(key[2])].unit_cost
        choice["outcomes"] = [{"unit_cost": unit, key[3]: value}]
    return data


OFFER_IDS = ("dfg_adaptation", "homelessness_prevention", "hospital_discharge_housing", "social_prescribing")
BASE = scenario_from({"name": "Override", "settings": SETTINGS, "interventions": [{"id": i} for i in OFFER_IDS]})
RANGED = [
    p
    for p in uncertainty.parameters(BASE)
    if p.key[0] in RANGED_KINDS and p.key[-1] in ("value", "cost_per_case", "cases_per_year", "quantity_per_case")
]
BASE_PERCENTILE = _percentile(BASE)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A user's own figure within five times the library's either way. Beyond that one line dominates the NPV,
# and the central estimate's percentile tends to that line's own skew (a home care week at 20 times the
# library's moves it 10.4 points): the range still moves with the figure, which the tests above check.
@given(index=st.integers(0, len(RANGED) - 1), factor=st.floats(0.2, 5, allow_nan=False))
def test_property_any_positive_override_keeps_the_central_estimate_within_10_points(index, factor):
    parameter = RANGED[index]
    scenario = scenario_from(_override(parameter.key, parameter.central * factor))
    moved = _parameter(scenario, parameter.key)
    assert moved.low <= moved.central <= moved.high
    assert abs(_percentile(scenario) - BASE_PERCENTILE) < 10


# -- 2. price_year applies to the figures given with it --------------------------------------------------


def test_a_price_year_without_a_cost_is_refused_naming_the_field():
    text = yaml.safe_dump(
        {"name": "Repriced", "interventions": [{"id": "hospital_discharge_housing", "price_year": 2010}]}
    )
    with pytest.raises(roi.InputError) as caught:
        roi.parse_scenario(text, file="offer.yaml")
    error = caught.value
    assert (error.file, error.field) == ("offer.yaml", "interventions[0].price_year")
    assert "cost_per_case or fixed_cost_per_year" in error.problem and "\n" not in str(error)


def test_a_typed_cost_without_a_price_year_takes_the_scenarios():
    scenario = _dfg(cost_per_case=5000)
    assert scenario.interventions[0].price_year == 2024
    assert roi.run(scenario).costs["base_amount"].sum() == pytest.approx(
        5000 * scenario.interventions[0].cases_per_year * 3
    )


# -- 3. any number of outcomes per unit cost -----------------------------------------------------------


def _two_bed_day_lines() -> roi.Scenario:
    return scenario_from(
        {
            "name": "Now and later",
            "settings": SETTINGS,
            "interventions": [
                {
                    "id": "hospital_discharge_housing",
                    "outcomes": [
                        {"unit_cost": "bed_day", "quantity_per_case": 3, "lag_years": 0},
                        {
                            "id": "readmission_avoided",
                            "unit_cost": "bed_day",
                            "quantity_per_case": 1,
                            "lag_years": 2,
                            "deadweight": 0.5,
                            "ranges": {"quantity_per_case": [0.5, 2]},
                        },
                    ],
                }
            ],
        }
    )


def test_two_outcomes_on_one_unit_cost_keep_their_own_lags_and_judgements():
    scenario = _two_bed_day_lines()
    first, second = scenario.interventions[0].outcomes
    assert (first.lag_years, first.quantity_per_case) == (0, 3)
    assert (second.id, second.lag_years, second.deadweight) == ("readmission_avoided", 2, 0.5)
    result = roi.run(scenario)
    bed_days = result.benefits[result.benefits["outcome"] == "bed_day"]
    cases = scenario.interventions[0].cases_per_year
    value = scenario.unit_costs["bed_day"].value * scenario.uprating_factor(scenario.unit_costs["bed_day"].price_year)
    # Year 3 (index 2) holds the first programme year's later line and the third year's immediate line.
    year3 = bed_days[bed_days["year"] == 2]["gross"].sum()
    assert year3 == pytest.approx(cases * value * (3 + 1))


def test_one_unit_cost_is_one_input_however_many_outcomes_use_it():
    scenario = _two_bed_day_lines()
    keys = [p.key for p in uncertainty.parameters(scenario)]
    assert keys.count(("unit_cost", "bed_day", "value")) == 1
    table = uncertainty.tornado(scenario)
    assert (table["key"] == "unit_cost.bed_day.value").sum() == 1
    labels = [p.label for p in uncertainty.parameters(scenario) if p.key[0] == "outcome"]
    assert any("readmission avoided" in label for label in labels)  # the two bed-day lines are told apart
    # One draw of the price moves both lines: with the price at its high, both lines' value rises alike.
    unit = scenario.unit_costs["bed_day"]
    high = uncertainty.with_parameter(scenario, "unit_cost.bed_day.value", unit.high)
    central = roi.run(scenario).totals["npv"]
    pv_bed_days = roi.run(scenario).benefits.query("outcome == 'bed_day'")["pv"].sum()
    assert high - central == pytest.approx(pv_bed_days * (unit.high / unit.value - 1))


def test_an_override_names_one_of_two_outcomes_on_a_unit_cost_by_id():
    data = {
        "name": "Later only",
        "settings": SETTINGS,
        "interventions": [
            {
                "id": "mine",
                "label": "My scheme",
                "cases_per_year": 10,
                "cost_per_case": 100,
                "funded_by": {"district": 1},
                "outcomes": [
                    {"unit_cost": "bed_day", "quantity_per_case": 1, "id": "now"},
                    {"unit_cost": "bed_day", "quantity_per_case": 1, "id": "later", "lag_years": 1},
                    {"unit_cost": "home_care_week", "quantity_per_case": 1, "quantity_follows": "later"},
                ],
            }
        ],
    }
    scenario = scenario_from(data)
    assert [o.id for o in scenario.interventions[0].outcomes] == ["now", "later", None]
    data["interventions"][0]["outcomes"][2]["quantity_follows"] = "bed_day"  # ambiguous: two bed-day outcomes
    with pytest.raises(roi.InputError) as caught:
        scenario_from(data)
    assert "name the one to follow by its id" in caught.value.problem


# -- 4. a shared judgement is one input ----------------------------------------------------------------


def test_a_judgement_convention_is_one_input_naming_the_outcomes_it_moves():
    scenario = roi.load_scenario("district_offer")
    found = {p.key: p for p in uncertainty.parameters(scenario)}
    deadweight = found[("judgement", "uncontrolled", "deadweight")]
    assert deadweight.label.startswith("Deadweight convention: 25%")
    assert (deadweight.low, deadweight.central, deadweight.high) == (0.0, 0.25, 0.5)
    assert len(deadweight.moves) == 6
    assert not any(k[0] == "outcome" and k[-1] in ("deadweight", "attribution") for k in found)
    table = uncertainty.tornado(scenario)
    assert (table["key"] == "judgement.uncontrolled.deadweight").sum() == 1


def test_a_shared_judgement_widens_the_offers_range():
    scenario = roi.load_scenario("district_offer")
    p = uncertainty.simulate(scenario, 10_000, seed=1).percentiles()["npv"]
    # Drawn as six independent inputs the errors cancelled: P10 to P90 was -£1,978,565 to £48,884.
    assert p["p90"] - p["p10"] > 1.1 * (48_884 + 1_978_565)


def test_every_draw_gives_each_outcome_the_same_shared_deadweight():
    scenario = roi.load_scenario("district_offer")
    values = {("judgement", "uncontrolled", "deadweight"): np.array([0.1, 0.4])}
    _, lines = roi.engine.model.build(scenario, values, 2)
    shared = [line for line in lines if line.deadweight.tolist() == [0.1, 0.4]]
    assert len(shared) == 6


def test_an_outcome_whose_adjustments_the_user_changed_is_drawn_on_its_own():
    spec = roi.load_scenario("district_offer").spec
    change = {"intervention": "social_prescribing", "outcome": "non_elective_admission", "field": "deadweight"}
    _, scenario = edit.apply(spec, {**change, "value": 0.3})
    found = {p.key: p for p in uncertainty.parameters(scenario)}
    own = found[("outcome", "social_prescribing", "0", "deadweight")]
    assert (own.low, own.central, own.high) == pytest.approx((0.0, 0.3, 0.6))
    assert own.basis == "moved"
    assert len(found[("judgement", "uncontrolled", "deadweight")].moves) == 5


def test_with_every_range_collapsed_simulate_equals_run_for_every_partner():
    scenario = uncertainty.collapse_ranges(roi.load_scenario("district_offer"))
    simulation = uncertainty.simulate(scenario, 50, seed=3)
    result = roi.run(scenario)
    table = result.by_partner().set_index("partner")
    for partner, npv in simulation.partner_npv.items():
        assert np.allclose(npv, table.loc[partner, "npv"], rtol=0, atol=1e-6)


def test_compare_tells_two_outcomes_on_one_unit_cost_apart_by_label_not_id():
    from roi.analysis.compare import differences

    first = _two_bed_day_lines()
    data = first.spec.model_dump(mode="json", exclude_none=True)
    data["interventions"][0]["outcomes"][1]["deadweight"] = 0.2
    second = scenario_from(data)
    table = differences(first, second)
    label = "Housing support at hospital discharge (District Direct), Acute hospital bed-day (readmission avoided)"
    assert list(table["input"]) == [f"{label}: deadweight"]
    # Valued by changing that line alone, as the second scenario has it.
    assert table["npv_effect"][0] == pytest.approx(roi.run(second).totals["npv"] - roi.run(first).totals["npv"])


def test_build_the_offer_edits_the_second_of_two_outcomes_on_one_unit_cost():
    from streamlit.testing.v1 import AppTest

    from .conftest import ROOT, open_panels

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    text = yaml.safe_dump(_two_bed_day_lines().spec.model_dump(mode="json", exclude_none=True))
    at.file_uploader(key="upload-0").upload("two_lines.yaml", text.encode(), "application/x-yaml").run()
    pages = ("pages/1_Build_the_offer.py", "pages/4_Uncertainty_and_sensitivity.py", "pages/6_Compare_scenarios.py")
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
    open_panels(at.switch_page("pages/1_Build_the_offer.py"), "hospital_discharge_housing")
    assert not at.exception, [e.value for e in at.exception]
    key = next(s.key for s in at.slider if s.key.endswith("-hospital_discharge_housing-bed_day-readmission_avoided-dw"))
    at.slider(key=key).set_value(0.1).run()
    outcomes = roi.resolve(at.session_state["spec"]).interventions[0].outcomes
    assert [(o.id, o.deadweight) for o in outcomes] == [(None, 0.25), ("readmission_avoided", 0.1)]


def test_a_shared_judgement_can_be_correlated_by_its_name():
    data = roi.load_scenario("district_offer").spec.model_dump(mode="json", exclude_none=True)
    pair = ["judgement.uncontrolled.deadweight", "judgement.uncontrolled.attribution"]
    data["correlations"] = [{"inputs": pair, "rank_correlation": -0.5}]
    scenario = roi.parse_scenario(yaml.safe_dump(data), "offer.yaml")
    from roi.engine.correlation import correlate, spearman

    rng = np.random.default_rng(2)
    values = {p.key: uncertainty._draw(rng, p, 4_000, "triangular") for p in uncertainty.parameters(scenario)}
    out = correlate(scenario, values, rng)
    pair = np.column_stack([out[("judgement", "uncontrolled", k)] for k in ("deadweight", "attribution")])
    assert spearman(pair)[0, 1] == pytest.approx(-0.5, abs=0.03)
    data["correlations"][0]["inputs"][0] = "judgement.uncontrolled.displacement"  # no range: not an input
    with pytest.raises(roi.InputError) as caught:
        roi.parse_scenario(yaml.safe_dump(data), "offer.yaml")
    assert caught.value.file == "offer.yaml" and caught.value.field.startswith("correlations[0]")


def test_the_uncertainty_page_says_whose_range_and_what_a_shared_judgement_moves():
    from streamlit.testing.v1 import AppTest

    from .conftest import ROOT

    data = roi.load_scenario("district_offer").spec.model_dump(mode="json", exclude_none=True)
    data["unit_costs"] = {"homelessness_prevented_year": {"value": 12_000}}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    at.file_uploader(key="upload-0").upload("mine.yaml", yaml.safe_dump(data).encode(), "application/x-yaml").run()
    at.switch_page("pages/4_Uncertainty_and_sensitivity.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = page_tables(at)[-1]
    ranges = dict(zip(table["Parameter"], table["Range"], strict=True))
    assert ranges["Deadweight convention: 25% (6 outcomes)"] == "0 to 0.5 (shared)"
    homeless = next(v for k, v in ranges.items() if k.startswith("Public spending avoided by preventing"))
    assert homeless.endswith("(moved with yours)")
    captions = " ".join(c.value for c in at.caption)
    assert "one judgement for effects measured without a control group" in captions


def test_the_board_pack_gives_one_percentile_for_the_central_estimate():
    import io
    import re

    from pypdf import PdfReader

    from roi.outputs.export import board_pack

    pdf = PdfReader(io.BytesIO(board_pack(roi.run(roi.load_scenario("district_offer")))))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    # Page 1 and page 2 both place it: before, one used the pack's 10,000 draws and one 2,000 (51st and 53rd).
    found = set(re.findall(r"central estimate sits at the (\d+)(?:st|nd|rd|th) percentile", text))
    assert len(found) == 1, found


def test_a_range_given_high_first_is_refused_in_one_line():
    text = yaml.safe_dump(
        {"name": "x", "interventions": [{"id": "dfg_adaptation", "ranges": {"cost_per_case": [12_000, 9_000]}}]}
    )
    with pytest.raises(roi.InputError) as caught:
        roi.parse_scenario(text, "offer.yaml")
    assert caught.value.field == "interventions[0]"
    assert "low 12000 is above high 9000" in caught.value.problem and "\n" not in str(caught.value)
