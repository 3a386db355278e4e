"""Issue 26 part 2: the library corrected and refreshed (December 2026 evidence audit)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import roi
from roi.analysis.evidence import plain_citation, read_mark, unit_cost_table
from roi.inputs.schema import CostModel, Intervention, ScenarioSpec, Source

ENGLAND_MID_2023 = 57_690_300


def test_dfg_volume_is_dhscs_60000_a_year_with_the_old_basis_kept(library):
    dfg = library.interventions["dfg_adaptation"]
    assert round(60_000 / ENGLAND_MID_2023 * 100_000) == 104
    assert dfg.cases_per_100k == 104
    assert dfg.ranges["cases_per_year"] == (83.2, 124.8)  # ±20%
    assert "60,000" in dfg.volume_source.quote and dfg.volume_source.year == 2026
    assert "68 per 100,000" in dfg.volume_source.note and "550,000" in dfg.volume_source.note
    # The cost per grant is DHSC's "around £10,000" (2025-26), at 2025 prices; the 2024-25 figure stays beside it.
    assert (dfg.cost_per_case, dfg.price_year) == (10_000, 2025) and "around £10,000" in dfg.cost_source.quote
    assert [(a.value, a.price_year) for a in dfg.cost_alternatives] == [(11025.64, 2024)]
    assert dfg.ranges["cost_per_case"] == (9818.18, round(11025.64 * 1.0345, 2))  # both ends read figures


def test_heywoods_1_in_10_ships_as_published(library):
    care = library.interventions["dfg_adaptation"].outcomes[0]
    assert care.unit_cost == "residential_care_week"
    assert care.source.provenance == "published" and care.source.read == "original"
    assert "1 in 10 would have gone into residential care" in care.source.quote
    assert care.quantity_per_case == pytest.approx(0.1 * 52)
    assert "local judgement" in care.source.note  # the four years' delay stays one


def test_falls_share_admitted_is_phe_2018_for_the_general_65_plus_population(library):
    effect = library.interventions["falls_prevention"].outcomes[0].rate_effect
    assert effect.share_costed == 0.05
    share = effect.share_source
    assert share.provenance == "published" and share.publisher == "Public Health England" and share.year == 2018
    assert "around 5% of cases a fall leads to fracture and hospitalisation" in share.quote
    assert "not for people selected for a high risk" in share.note
    assert share.licence.startswith("Open Government Licence")


def test_social_prescribing_costs_a_link_worker_not_befriending(library):
    sp = library.interventions["social_prescribing"]
    model = sp.cost_model
    assert (model.salary_per_year, model.caseload_per_year) == (38_000, 250)
    assert sp.cost_per_case == 152.00 == model.cost_per_case  # £38,000 / 250, to the penny
    assert sp.price_year == 2024
    assert model.source.local_example and sp.cost_source.local_example
    assert "befriending" in sp.cost_source.note
    assert sp.cost_source.quote is None  # the £90 befriending quote is gone
    assert sp.ranges["cost_per_case"] == (106.67, 225)
    assert round(32_000 / 300, 2) == 106.67 and 45_000 / 200 == 225


def _offer(**change):  # noqa: ANN003, ANN202
    return ScenarioSpec.model_validate(
        {"name": "t", "settings": {"price_year": 2024}, "interventions": [{"id": "social_prescribing", **change}]}
    )


def test_a_scenario_sets_the_link_workers_salary_and_caseload(library):
    own = {
        "label": "Our link workers",
        "salary_per_year": 40_000,
        "caseload_per_year": 200,
        "source": {"user_figure": True, "note": "Our PCN's 2024/25 posts"},
    }
    scenario = roi.resolve(_offer(cost_model=own), library)
    sp = scenario.interventions[0]
    assert sp.cost_per_case == 200.00 and sp.cost_model.salary_per_year == 40_000
    base = roi.resolve(_offer(), library).interventions[0]
    assert base.cost_per_case == 152.00
    # A typed cost per case replaces the derivation (no stale salary and caseload beside it).
    typed = roi.resolve(_offer(cost_per_case=120), library).interventions[0]
    assert typed.cost_per_case == 120 and typed.cost_model is None


def test_a_cost_per_case_that_disagrees_with_its_cost_model_is_refused(library):
    data = library.interventions["social_prescribing"].model_dump()
    data["cost_per_case"] = 90
    with pytest.raises(ValidationError, match="cost_per_case: 90 is not cost_model salary_per_year / caseload"):
        Intervention.model_validate(data)


@given(
    salary=st.floats(min_value=1_000, max_value=200_000, allow_nan=False),
    caseload=st.floats(min_value=1, max_value=5_000, allow_nan=False),
)
def test_cost_model_is_salary_over_caseload_to_the_penny(salary, caseload):
    note = Source(local_example=True, note="x")
    model = CostModel(label="x", salary_per_year=salary, caseload_per_year=caseload, source=note)
    assert abs(model.cost_per_case - salary / caseload) <= 0.005 + 1e-9


def test_healthy_homes_says_its_baseline_and_effect_come_from_different_cohorts(library):
    outcome = library.interventions["healthy_homes_on_prescription"].outcomes[0]
    assert "different cohorts" in outcome.source.caveat
    assert "different cohort" in outcome.rate_effect.baseline_source.note


def test_excess_cold_shows_bre_2021_beside_bre_2023(library):
    cost = library.unit_costs["excess_cold_nhs_home_year"]
    assert cost.value == round(540e6 / 700_000, 2) == 771.43
    (older,) = cost.alternatives
    assert older.value == round(857e6 / 700_000, 2) == 1224.29
    assert older.source.year == 2021 and "857" in older.source.quote


def test_the_hfma_313_is_replaced_by_read_figures(library):
    bed, delayed = library.unit_costs["bed_day"], library.unit_costs["delayed_discharge_bed_day"]
    assert (bed.low, bed.high) == (219, 395) and bed.high == delayed.value
    assert (delayed.low, delayed.high) == (250, 562) and delayed.low == bed.value
    assert not bed.range_unverified and not delayed.range_unverified


def test_unverified_figures_say_so_on_screen_and_in_exports(library):
    scenario = roi.load_scenario("district_offer")
    table = unit_cost_table(scenario).set_index("id")
    for cost_id in ("gp_consultation", "ae_attendance"):
        assert library.unit_costs[cost_id].range_unverified
        assert table.loc[cost_id, "range_note"].startswith("NOT VERIFIED")
    volume = library.interventions["homelessness_prevention"].volume_source
    assert volume.unverified and read_mark(volume) == "NOT VERIFIED: could not be read"
    assert "NOT VERIFIED" in volume.citation() and "NOT VERIFIED" in plain_citation(volume)
    assert "69%" in volume.note
    assert table.loc["non_elective_admission", "read"] == "read in the source"
    assert table.loc["non_elective_admission", "licence"].startswith("CC BY 4.0")


def test_an_unverified_source_needs_a_note():
    with pytest.raises(ValidationError, match="an unverified figure needs a note"):
        Source(publication="p", publisher="q", quote="r", read="unverified")


def test_handyperson_alternatives_are_labelled_for_what_they_are(library):
    (west_lothian,) = [b for b in library.ratio_benchmarks.benchmarks if b.value_per_pound == 4.53]
    assert "Scotland" in west_lothian.kind and "social" in west_lothian.kind
    note = library.interventions["handyperson"].ratio.source.note
    assert "£4.53" in note and "Scotland" in note and "£1,500" in note and "not a ratio" in note
    assert library.interventions["handyperson"].ratio.value_per_pound == 7.5  # stays, still untraceable


def test_the_assumptions_page_counts_the_library_as_the_script_does():
    import importlib.util

    from tests.conftest import ROOT
    from tests.test_pages import start

    spec = importlib.util.spec_from_file_location("count_figures", ROOT / "scripts" / "count_figures.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    counts = script.count()
    at = start()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Library: published"] == f"{counts['published']:,}"
    assert metrics["Library: verified"] == f"{counts['verified']:,}"
    assert metrics["Library: not verified"] == f"{counts['unverified'] + counts['unverified_ranges']:,}"
    assert metrics["Library: local judgements"] == f"{counts['judgement']:,}"
    assert any(f"{counts['total']:,} sourced figures" in c.value for c in at.caption)
