"""Evidence behind the library: back-tests against published figures, volumes from population,
who said each number, and the shipped offer's central case against its own simulation."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pytest

import roi
from roi.analysis.evidence import parameter_table, provenance_counts, unit_cost_table
from roi.engine import uncertainty
from roi.inputs import edit
from roi.outputs.export import workbook

from .conftest import open_panels, scenario_from

NO_ADJUSTMENTS = {"deadweight": 0, "displacement": 0, "attribution": 1, "drop_off": 0}


def test_pleace_and_culhane_prevention_saves_9266_per_person_a_year():
    scenario = scenario_from(
        {
            "name": "One person kept from homelessness for a year",
            "settings": {
                "horizon_years": 1,
                "programme_years": 1,
                "price_year": 2016,
                "discount_rate": 0,
                "optimism_bias": 0,
            },
            "interventions": [
                {
                    "id": "homelessness_prevention",
                    "cases_per_year": 1,
                    "outcomes": [{"unit_cost": "homelessness_prevented_year", **NO_ADJUSTMENTS}],
                }
            ],
        }
    )
    result = roi.run(scenario)
    assert round(result.totals["pv_benefits"], 2) == 9_266.00
    by_partner = result.by_partner().set_index("partner")["pv_benefits"]
    # Split only as far as the study splits public spending: homelessness services, criminal
    # justice, NHS, and mental health with drug and alcohol services (£8,630 over 90 days).
    assert round(by_partner["district"], 2) == round(9_266 * 3_702 / 8_630, 2)
    assert round(by_partner["police"], 2) == round(9_266 * 2_998 / 8_630, 2)
    assert round(by_partner["nhs_acute"], 2) == round(9_266 * 1_075 / 8_630, 2)
    assert round(by_partner["nhs_community_mh"], 2) == round(9_266 * (525 + 330) / 8_630, 2)


def test_cochrane_702_fewer_falls_per_1000_person_years_at_rate_ratio_062_and_control_1847(library):
    falls = library.interventions["falls_prevention"].outcomes[0]
    effect = falls.rate_effect
    assert effect.rate_ratio == 0.62 and effect.rate_ratio_range == (0.56, 0.70)
    assert round(effect.baseline_per_year * 1000) == 1_847
    assert round(effect.avoided_per_year * 1000) == 702
    # The quantity the engine uses is falls avoided times the share admitted, and nothing else.
    assert falls.quantity_per_case == pytest.approx(1.847 * (1 - 0.62) * effect.share_costed)


def test_the_falls_hospitalisation_result_is_in_the_evidence_table(library):
    scenario = scenario_from({"name": "Falls", "interventions": [{"id": "falls_prevention"}]})
    table = parameter_table(scenario)
    assert table["caveat"].str.contains("RR 0.96, 95% CI 0.87 to 1.06").any()
    rows = roi.analysis.evidence.effect_rows(library)
    falls = next(r for r in rows if r["intervention"].startswith("Falls prevention"))
    assert "RR 0.96" in falls["caveat"] and falls["grade"] == "green"


def test_a_falls_admission_is_valued_from_falls_avoided_times_share_admitted_times_cost():
    scenario = scenario_from(
        {
            "name": "One person at high risk",
            "settings": {"horizon_years": 1, "programme_years": 1, "discount_rate": 0, "optimism_bias": 0},
            "interventions": [{"id": "falls_prevention", "cases_per_year": 1}],
        }
    )
    cost = scenario.unit_costs["fall_admission"]
    expected = 1.847 * (1 - 0.62) * 0.05 * cost.value * scenario.uprating_factor(cost.price_year)
    benefits = roi.run(scenario).benefits  # the admissions line (A&E, ambulance, care and QALYs are apart)
    admissions = benefits.loc[benefits["outcome"] == "fall_admission", "pv"].sum()
    assert admissions == pytest.approx(expected, abs=0.005)


def test_a_districts_own_baseline_use_replaces_the_labelled_input():
    library = roi.load_library()
    base = library.interventions["social_prescribing"].outcomes[0].rate_effect
    changed = base.model_dump(mode="json") | {"baseline_per_year": 2.0, "baseline_range": None}
    scenario = scenario_from(
        {
            "name": "Our own cohort",
            "interventions": [
                {
                    "id": "social_prescribing",
                    "outcomes": [{"unit_cost": "non_elective_admission", "rate_effect": changed}],
                }
            ],
        }
    )
    outcome = scenario.interventions[0].outcomes[0]
    assert outcome.quantity_per_case == pytest.approx(2.0 * (1 - 0.93))


def test_volumes_follow_population_but_a_scenarios_own_volume_wins(library):
    def cases(population: int, own: float | None = None) -> dict[str, float]:
        choices = [{"id": "dfg_adaptation"}, {"id": "homelessness_prevention"}]
        if own is not None:
            choices[1]["cases_per_year"] = own
        spec = {"name": "Area", "settings": {"population": population}, "interventions": choices}
        return {i.id: i.cases_per_year for i in scenario_from(spec).interventions}

    assert cases(100_000)["dfg_adaptation"] == library.interventions["dfg_adaptation"].cases_per_100k
    rate = library.interventions["dfg_adaptation"].cases_per_100k
    assert cases(250_000)["dfg_adaptation"] == pytest.approx(2.5 * rate)
    assert cases(250_000, own=90)["homelessness_prevention"] == 90


def test_population_scales_the_volume_range_too():
    spec = {"name": "Big", "settings": {"population": 200_000}, "interventions": [{"id": "dfg_adaptation"}]}
    scenario = scenario_from(spec)
    low, high = scenario.interventions[0].ranges["cases_per_year"]
    # The DFG's 104 per 100,000 (DHSC, January 2026) with its ±20% range, 83.2-124.8, doubled.
    assert (low, high) == pytest.approx((166.4, 249.6))


def test_a_population_out_of_range_is_refused_naming_the_field():
    with pytest.raises(roi.InputError) as err:
        roi.parse_scenario("name: x\nsettings: {population: 10}\ninterventions: [{id: dfg_adaptation}]\n", "x.yaml")
    assert "settings.population" in str(err.value)


def _edited_offer() -> roi.Scenario:
    spec = roi.load_scenario("district_offer").spec
    changes = [
        {"unit_cost": "bed_day", "field": "value", "value": 300, "note": "Our trust's excess bed-day cost"},
        {"intervention": "dfg_adaptation", "field": "cost_per_case", "value": 9000, "note": "Our average grant"},
        {"intervention": "homelessness_prevention", "field": "cases_per_year", "value": 120},
        {"intervention": "warm_homes", "outcome": "excess_cold_nhs_home_year", "field": "deadweight", "value": 0.4},
    ]
    for change in changes:
        spec, scenario = edit.apply(spec, change)
    return scenario


def test_no_figure_a_user_enters_is_credited_to_a_publication():
    scenario = _edited_offer()
    costs = unit_cost_table(scenario).set_index("id")
    bed_day = costs.loc["bed_day"]
    assert bed_day["provenance"] == "your figure"
    assert "Our trust's excess bed-day cost" in bed_day["source"]
    assert "Transformation in localities" not in bed_day["source"] and bed_day["quote"] == ""
    assert "Replaces the documented £250.00" in bed_day["replaced"]
    params = parameter_table(scenario)
    mine = params[params["provenance"] == "your figure"]
    assert {"Cost per case (£, 2024)", "Cases per year"} <= set(mine["parameter"])
    assert mine["source"].str.startswith("Your figure").all()
    assert not mine["source"].str.contains("Written answer|Statutory homelessness|BRE").any()
    assert "Our average grant" in " ".join(mine["source"])


def test_the_workbook_credits_a_changed_figure_to_the_user():
    scenario = _edited_offer()
    book = openpyxl.load_workbook(io.BytesIO(workbook(roi.run(scenario))), read_only=True)
    rows = list(book["Unit costs and sources"].iter_rows(values_only=True))
    text = " ".join(str(c) for row in rows for c in row if c is not None and "Our trust" in str(c))
    assert "Your figure" in text and "Transformation in localities toolkit, Grant Thornton" not in text


def test_the_counts_of_published_figures_your_figures_and_judgements_add_up():
    shipped = provenance_counts(roi.load_scenario("district_offer"))
    edited = provenance_counts(_edited_offer())
    assert shipped["your figure"] == 0
    assert shipped["published"] + shipped["your figure"] + shipped["local judgement"] == shipped["total"]
    assert edited["your figure"] >= 4
    assert edited["at_convention"] < shipped["at_convention"]


def test_the_shipped_offers_central_npv_lies_between_p25_and_p75_of_its_own_simulation():
    scenario = roi.load_scenario("district_offer")
    central = roi.run(scenario).totals["npv"]
    sim = uncertainty.simulate(scenario, draws=10_000, seed=2026)
    p25, p75 = np.percentile(sim.npv, [25, 75])
    assert p25 <= central <= p75, f"central £{central:,.0f} outside P25 £{p25:,.0f} to P75 £{p75:,.0f}"


def test_an_older_dated_figure_can_be_chosen_and_keeps_its_own_source():
    spec = roi.load_scenario("dfg_single").spec
    library = roi.load_library()
    k = next(k for k, a in enumerate(library.unit_costs["adaptation_average"].alternatives) if a.price_year == 2013)
    spec, scenario = edit.apply(spec, {"unit_cost": "adaptation_average", "alternative": k})
    cost = scenario.unit_costs["adaptation_average"]
    assert (cost.value, cost.price_year, cost.source.provenance) == (4227, 2013, "published")
    assert "221591" in cost.source.publication
    with pytest.raises(roi.InputError):
        edit.apply(spec, {"unit_cost": "adaptation_average", "alternative": 99})


# -- On the pages -----------------------------------------------------------------------------------------


def _app():  # noqa: ANN202
    from streamlit.testing.v1 import AppTest

    from .test_pages import APP, TIMEOUT

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    return at


def test_the_population_field_moves_every_volume_that_follows_a_published_rate():
    at = _app()
    open_panels(at.switch_page("pages/1_Build_the_offer.py"), "dfg_adaptation")
    at.number_input(key="g0-population").set_value(200_000).run()
    assert not at.exception
    spec = at.session_state["spec"]
    assert spec.settings.population == 200_000
    rate = roi.load_library().interventions["dfg_adaptation"].cases_per_100k
    assert at.number_input(key="g0-dfg_adaptation-cases").value == pytest.approx(2 * rate)


def test_the_assumptions_page_counts_published_figures_your_figures_and_judgements():
    at = _app()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    counts = provenance_counts(roi.load_scenario("district_offer"))
    shown = {m.label: m.value for m in at.metric}
    assert shown["Published figures"] == f"{counts['published']:,}"
    assert shown["Your figures"] == "0"
    assert shown["Local judgements"] == f"{counts['local judgement']:,}"
    assert shown["Still at the convention"] == f"{counts['at_convention']:,}"
    at.text_input(key="g0-figure-note").set_value("Our trust's own cost").run()
    at.button(key="g0-dated-use").click().run()  # the default figure: nothing becomes yours
    assert {m.label: m.value for m in at.metric}["Your figures"] == "0"
