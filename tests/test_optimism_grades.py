"""Optimism bias by the confidence grade of each figure (issue 24): a cost is uplifted by the rate for
the grade of the COST (``cost_confidence``), a benefit reduced by the rate for the grade of its EFFECT
(the outcome's own ``confidence``, else the intervention's). Before, both followed the intervention's
``confidence``, so how sure we are that a service works set how much its cost overruns."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi.analysis.evidence import parameter_table
from roi.engine.model import cost_optimism_bias, optimism_bias
from roi.outputs.export import offer_table

from .conftest import ROOT, scenario_from

GRADES = ("high", "medium", "low")

# `python -m roi run district_offer` on main before this change (tests/test_follows.py kept it).
OLD_DISTRICT_OFFER_NPV = -989465.8252842985


def _example(cost_confidence: str = "low", confidence: str = "medium", **extra: Any) -> dict[str, Any]:
    """One service, two outcomes, one of which has its own grade; costs in year 0 only, effects for
    two years, 10% discount rate, no deadweight or attribution so only optimism bias moves."""
    intervention: dict[str, Any] = {
        "id": "grades",
        "label": "Graded service",
        "cases_per_year": 10,
        "cost_per_case": 100,
        "price_year": 2024,
        "funded_by": {"district": 1},
        "confidence": confidence,
        "cost_confidence": cost_confidence,
        "outcomes": [
            {"unit_cost": "thing_a", "quantity_per_case": 1, "duration_years": 2},
            {"unit_cost": "thing_b", "quantity_per_case": 0.5, "duration_years": 2, "confidence": "high"},
        ],
    }
    intervention.update(extra)
    unit = {"unit": "each", "price_year": 2024, "partner": "nhs_acute", "value_type": "fiscal_non_cashable"}
    return {
        "name": "Grades",
        "settings": {"horizon_years": 2, "programme_years": 1, "price_year": 2024, "discount_rate": 0.1},
        "unit_costs": {
            "thing_a": {"label": "Thing A", "value": 1000, **unit},
            "thing_b": {"label": "Thing B", "value": 1000, **unit},
        },
        "interventions": [intervention],
    }


# -- a worked example by hand ----------------------------------------------------------------------


def test_worked_example_cost_follows_the_cost_grade_and_benefit_the_effect_grade_to_the_penny():
    # Table (assumptions/appraisal/optimism_bias.yaml): benefits high 10%, medium 25%, low 40%;
    # costs high 5%, medium 10%, low 20%.
    # Cost: 10 cases x £100 = £1,000 in year 0, cost confidence low: x 1.20 = £1,200.00.
    # Thing A (effect graded medium, the intervention's): 10 x 1 x £1,000 x (1 - 0.25) = £7,500 a year.
    # Thing B (its own grade, high): 10 x 0.5 x £1,000 x (1 - 0.10) = £4,500 a year.
    # Two years at 10%: (7,500 + 4,500) x (1 + 1/1.1) = 12,000 + 10,909.09 = £22,909.09.
    # NPV = 22,909.09 - 1,200.00 = £21,709.09.
    result = roi.run(scenario_from(_example()))
    t = result.totals
    assert round(t["pv_costs"], 2) == 1_200.00
    assert round(t["pv_cost_optimism_bias"], 2) == 200.00
    assert round(t["pv_benefits"], 2) == 22_909.09
    assert round(t["npv"], 2) == 21_709.09
    lines = result.benefits.groupby("outcome")["pv"].sum()
    assert round(lines["thing_a"], 2) == round(7_500 + 7_500 / 1.1, 2) == 14_318.18
    assert round(lines["thing_b"], 2) == round(4_500 + 4_500 / 1.1, 2) == 8_590.91


def test_changing_the_cost_grade_moves_only_costs():
    # Cost confidence high: £1,000 x 1.05 = £1,050.00; the benefits stay £22,909.09: NPV £21,859.09.
    result = roi.run(scenario_from(_example(cost_confidence="high")))
    t = result.totals
    assert round(t["pv_costs"], 2) == 1_050.00
    assert round(t["pv_benefits"], 2) == 22_909.09
    assert round(t["npv"], 2) == 21_859.09


def test_changing_the_effect_grade_moves_only_the_benefits_that_follow_it():
    # Effect confidence low: Thing A 10 x £1,000 x 0.60 = £6,000 a year, PV 6,000 x (1 + 1/1.1) =
    # £11,454.55; Thing B keeps its own grade (£8,590.91); costs stay £1,200.00: NPV £18,845.45.
    result = roi.run(scenario_from(_example(confidence="low")))
    t = result.totals
    assert round(t["pv_costs"], 2) == 1_200.00
    lines = result.benefits.groupby("outcome")["pv"].sum()
    assert round(lines["thing_a"], 2) == 11_454.55
    assert round(lines["thing_b"], 2) == 8_590.91
    assert round(t["npv"], 2) == round((6_000 + 4_500) * (1 + 1 / 1.1) - 1_200, 2) == 18_845.45


# -- regressions: each of these fails on the code before issue 24 -------------------------------------


def test_falls_prevention_cost_uplift_follows_its_local_judgement_cost_not_its_cochrane_effect():
    # Before: the high grade of the Cochrane effect gave its locally judged £300 cost a 5% uplift.
    scenario = roi.load_scenario("district_offer")
    falls = next(i for i in scenario.interventions if i.id == "falls_prevention")
    assert (falls.confidence, falls.cost_confidence) == ("high", "low")
    assert optimism_bias(scenario, falls) == 0.10
    assert cost_optimism_bias(scenario, falls) == 0.20


def test_every_library_intervention_grades_its_cost_with_a_basis(library):
    for intervention in library.interventions.values():
        assert intervention.cost_confidence in GRADES, intervention.id
        assert intervention.cost_confidence_basis, intervention.id
        # a cost that is a local judgement is never graded above low
        if intervention.cost_source.local_example:
            assert intervention.cost_confidence == "low", intervention.id


def test_the_district_offer_npv_moved_by_exactly_the_regraded_cost_uplifts():
    # Every change from the old NPV is a cost uplift that now follows the cost's grade:
    # sum over interventions of base PV cost x (old rate by effect grade - new rate by cost grade).
    scenario = roi.load_scenario("district_offer")
    result = roi.run(scenario)
    rates = scenario.library.optimism_bias.costs_by_confidence
    base = result.costs.groupby("intervention")["base_pv"].sum()
    change = sum(float(base[i.id]) * (rates[i.confidence] - rates[i.cost_confidence]) for i in scenario.interventions)
    # With the library of issue 24 the change was £251,076.33 on an old NPV of OLD_DISTRICT_OFFER_NPV
    # (NPV -£738,389.50). Issue 26 moved the base costs (the DFG's 104 grants per 100,000, not 68; social
    # prescribing's link worker at £152, 2024 prices, not £90), then the DFG's £10,000 at 2025 prices (not
    # £11,025.64 at 2024): the same rule now moves £321,444.64.
    assert round(change, 2) == 321_444.64
    # The old rule, applied by overriding each cost's uplift with the rate for its effect's grade:
    old_rule = {
        "interventions": [{"id": i.id, "cost_optimism_bias": rates[i.confidence]} for i in scenario.interventions]
    }
    old_spec = scenario.spec.model_copy(
        update={
            "interventions": tuple(
                c.model_copy(update=old_rule["interventions"][k]) for k, c in enumerate(scenario.spec.interventions)
            )
        }
    )
    old_npv = roi.run(roi.resolve(old_spec, scenario.library)).totals["npv"]
    assert result.totals["npv"] == pytest.approx(old_npv + change, abs=0.005)
    # Issue 23 (falls costed beyond admissions) moved benefits only: the cost uplifts are unchanged.
    assert round(result.totals["npv"], 2) == -128_000.56


def test_a_scenario_may_override_the_cost_grade_and_one_outcomes_effect_grade():
    scenario = scenario_from(
        {
            "name": "Overrides",
            "interventions": [
                {
                    "id": "social_prescribing",
                    "cost_confidence": "high",
                    "outcomes": [{"unit_cost": "ae_attendance", "confidence": "low"}],
                }
            ],
        }
    )
    sp = scenario.interventions[0]
    assert cost_optimism_bias(scenario, sp) == 0.05  # the library grades it low (20%)
    assert sp.cost_confidence_basis is None  # the library's basis no longer describes the grade
    by_cost = {o.unit_cost: optimism_bias(scenario, sp, o) for o in sp.outcomes}
    assert by_cost == {"non_elective_admission": 0.25, "ae_attendance": 0.40}
    lines = {line.outcome: line.optimism_bias for line in roi.engine.model.build(scenario, {}, 1)[1]}
    assert lines == by_cost


def test_a_cost_typed_in_a_scenario_without_a_grade_is_graded_low():
    # The DFG's library cost is graded medium (10%); a user's own cost per case, typed without a
    # grade, is graded low (20%): the library's grade was for the library's figure.
    typed = scenario_from({"name": "Own cost", "interventions": [{"id": "dfg_adaptation", "cost_per_case": 9000}]})
    dfg = typed.interventions[0]
    assert dfg.cost_confidence == "low" and cost_optimism_bias(typed, dfg) == 0.20
    assert "graded low" in dfg.cost_confidence_basis
    graded = scenario_from(
        {
            "name": "Own cost, graded",
            "interventions": [{"id": "dfg_adaptation", "cost_per_case": 9000, "cost_confidence": "high"}],
        }
    )
    assert cost_optimism_bias(graded, graded.interventions[0]) == 0.05
    # Changing only the volume keeps the library's cost and its grade.
    volume = scenario_from({"name": "Volume", "interventions": [{"id": "dfg_adaptation", "cases_per_year": 50}]})
    assert volume.interventions[0].cost_confidence == "medium"
    # A new intervention defined in the scenario: its costs are the user's own, low unless graded.
    new = scenario_from(_without_cost_grade())
    assert new.interventions[0].cost_confidence == "low"
    assert cost_optimism_bias(new, new.interventions[0]) == 0.20


def _without_cost_grade() -> dict[str, Any]:
    data = _example()
    del data["interventions"][0]["cost_confidence"]
    return data


def test_scenario_level_overrides_still_win():
    data = _example()
    data["settings"] |= {"cost_optimism_bias": 0.3, "optimism_bias_by_confidence": {"medium": 0.5, "high": 0.0}}
    scenario = scenario_from(data)
    i = scenario.interventions[0]
    assert cost_optimism_bias(scenario, i) == 0.3
    assert [optimism_bias(scenario, i, o) for o in i.outcomes] == [0.5, 0.0]
    data["settings"] |= {"optimism_bias": 0.15}
    scenario = scenario_from(data)
    assert [optimism_bias(scenario, i, o) for o in scenario.interventions[0].outcomes] == [0.15, 0.15]
    own = scenario_from(_example(cost_optimism_bias=0.01, optimism_bias=0.02))
    i = own.interventions[0]
    assert cost_optimism_bias(own, i) == 0.01
    assert [optimism_bias(own, i, o) for o in i.outcomes] == [0.02, 0.02]


# -- shown to users in their words ------------------------------------------------------------------


def test_both_grades_are_shown_in_the_offer_and_parameter_tables():
    scenario = roi.load_scenario("district_offer")
    offer = offer_table(roi.run(scenario)).set_index("intervention")
    dfg = "Disabled facilities grant (DFG) adaptations"
    assert offer.loc[dfg, "effect_confidence"] == "Low"
    assert offer.loc[dfg, "cost_confidence"] == "Medium"
    rows = parameter_table(scenario)
    rows = rows[rows["intervention"] == dfg].set_index("parameter")["value"]
    assert rows["Optimism bias on costs (cost confidence: medium)"] == 0.10
    assert rows["Optimism bias on benefits (effect confidence: low)"] == 0.40


def test_build_the_offer_says_cost_confidence_in_words():
    from streamlit.testing.v1 import AppTest

    from .conftest import open_panels

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at = open_panels(at.switch_page("pages/1_Build_the_offer.py"), "falls_prevention")
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(c.value for c in at.caption)
    assert "Effect confidence: high (optimism bias on benefits 10%)" in text
    assert "Cost confidence: low (optimism bias on costs 20%)" in text
    assert "falls_prevention" not in text and "cost_confidence" not in text


# -- bad input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"cost_confidence": "very high"}, "interventions[0].cost_confidence"),
        (
            {"outcomes": [{"unit_cost": "ae_attendance", "confidence": "certain"}]},
            "interventions[0].outcomes[0].confidence",
        ),
    ],
)
def test_an_unknown_grade_is_one_line_naming_file_and_field(override, field):
    yaml_text = "name: Bad grade\ninterventions:\n  - id: social_prescribing\n" + "".join(
        f"    {line}\n" for line in _yaml_lines(override)
    )
    with pytest.raises(roi.InputError) as caught:
        roi.parse_scenario(yaml_text, file="bad_grade.yaml")
    error = caught.value
    assert error.file == "bad_grade.yaml"
    assert error.field == field
    message = str(error)
    assert "\n" not in message and "Traceback" not in message
    assert "high" in message and "medium" in message and "low" in message


def _yaml_lines(override: dict[str, Any]) -> list[str]:
    import yaml

    return yaml.safe_dump(override, sort_keys=False).splitlines()


def test_a_library_intervention_without_a_cost_grade_is_refused_naming_the_file(tmp_path: Path):
    root = tmp_path / "assumptions"
    shutil.copytree(ROOT / "assumptions", root)
    path = root / "interventions.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("    cost_confidence: low\n") >= 1
    path.write_text(text.replace("    cost_confidence: low\n", "", 1), "utf-8")
    with pytest.raises(roi.InputError) as caught:
        roi.load_library(root)
    assert caught.value.file == "interventions.yaml"
    assert caught.value.field.endswith(".cost_confidence")
    assert "\n" not in str(caught.value)


def test_an_optimism_bias_table_missing_a_grade_is_refused_naming_the_file(tmp_path: Path):
    root = tmp_path / "assumptions"
    shutil.copytree(ROOT / "assumptions", root)
    path = root / "appraisal" / "optimism_bias.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("costs_by_confidence:\n  high: 0.05\n", "costs_by_confidence:\n"), "utf-8")
    with pytest.raises(roi.InputError) as caught:
        roi.load_library(root)
    assert caught.value.file == "optimism_bias.yaml"
    assert "costs_by_confidence" in str(caught.value) and "high" in str(caught.value)


# -- properties ----------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(GRADES), st.sampled_from(GRADES), st.sampled_from(GRADES), st.sampled_from(GRADES))
def test_the_cost_grade_never_moves_benefits_and_the_effect_grade_never_moves_costs(c1, c2, e1, e2):
    a = roi.run(scenario_from(_example(cost_confidence=c1, confidence=e1))).totals
    b = roi.run(scenario_from(_example(cost_confidence=c2, confidence=e1))).totals
    c = roi.run(scenario_from(_example(cost_confidence=c1, confidence=e2))).totals
    assert a["pv_benefits"] == b["pv_benefits"]
    assert a["pv_costs"] == c["pv_costs"]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(GRADES), st.sampled_from(GRADES))
def test_a_weaker_cost_grade_never_costs_less(c1, c2):
    rank = {"high": 0, "medium": 1, "low": 2}
    a = roi.run(scenario_from(_example(cost_confidence=c1))).totals["pv_costs"]
    b = roi.run(scenario_from(_example(cost_confidence=c2))).totals["pv_costs"]
    if rank[c1] <= rank[c2]:
        assert a <= b


def test_a_user_grades_the_cost_on_build_the_offer_and_a_typed_cost_is_regraded_low():
    from streamlit.testing.v1 import AppTest

    from .conftest import open_panels

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at = open_panels(at.switch_page("pages/1_Build_the_offer.py"), "dfg_adaptation")
    grade = next(s for s in at.selectbox if s.label == "Cost confidence")
    assert grade.value == "medium"
    grade.select("high").run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(c.value for c in at.caption)
    assert "Cost confidence: high (optimism bias on costs 5%)" in text
    assert "Effect confidence: low (optimism bias on benefits 40%)" in text
    # A cost typed after grading keeps the user's grade; a fresh scenario's typed cost is low.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at = open_panels(at.switch_page("pages/1_Build_the_offer.py"), "dfg_adaptation")
    next(n for n in at.number_input if n.label.startswith("Cost per case")).set_value(9000).run()
    assert not at.exception, [e.value for e in at.exception]
    assert next(s for s in at.selectbox if s.label == "Cost confidence").value == "low"
    text = " ".join(c.value for c in at.caption)
    assert "Cost confidence: low (optimism bias on costs 20%)" in text
    assert "graded low until you say how sure it is" in text
