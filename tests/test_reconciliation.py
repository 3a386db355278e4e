"""Issue 23: the falls line costed as the evidence supports, and the reconciliation with published tools."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import roi
from roi.analysis.reconciliation import FIGURES_FILE, load_figures, reconcile, reconcile_all, step_rows, verdict
from roi.engine.model import evaluate
from tests.conftest import scenario_from

ROOT = Path(__file__).resolve().parents[1]

# Sources, as the library ships them: Cochrane CD013258 (1,847 falls per 1,000 a year, RaR 0.62;
# hospitalisations RR 0.96), PHE 2018 (5% of falls admitted), Scuffham 2003 (647,721 A&E visits,
# 204,424 admissions; £2,014 an admission at 2000/01 prices), UCD (A&E £109 at 2011/12, ambulance £216
# at 2013/14, hip-fracture social care £2,700 at 2008/09), a UK community falls service trial
# (PMC3424053: 0.070 QALY / 5.34 falls), HM Treasury £70,000 a QALY (2020); GDP deflator 2000 54.8102,
# 2008 66.89, 2011 70.834, 2013 73.4795, 2020 85.2137, 2024 100; optimism bias on benefits for a
# high-confidence effect 10% (40% on the quality-of-life line, graded low), on costs for a low-confidence
# cost 20%.
FALLS_AVOIDED = 1.847 * (1 - 0.62)  # a person a year
CASES = 200
OB = 0.10


def falls_alone(**intervention: object) -> roi.Scenario:
    return scenario_from(
        {
            "name": "Falls prevention alone",
            "settings": {"horizon_years": 10, "programme_years": 1},
            "interventions": [{"id": "falls_prevention", **intervention}],
        }
    )


def first_year(scenario: roi.Scenario) -> dict[str, float]:
    benefits = roi.run(scenario).benefits
    year0 = benefits[benefits["year"] == 0]
    return year0.groupby("outcome")["amount"].sum().to_dict()


def test_falls_first_year_by_hand_to_the_penny():
    by_outcome = first_year(falls_alone())
    admissions = CASES * FALLS_AVOIDED * 0.05 * 2014 * 100 / 54.8102 * (1 - OB)
    ae_visits = CASES * FALLS_AVOIDED * 0.1084 * 109 * 100 / 70.834 * (1 - OB)
    ambulance = CASES * FALLS_AVOIDED * 0.05 * 216 * 100 / 73.4795 * (1 - OB)
    social_care = CASES * FALLS_AVOIDED * 0.05 * 2700 * 100 / 66.89 * (1 - OB)
    qalys = CASES * FALLS_AVOIDED * 0.0131 * 70000 * 100 / 85.2137 * (1 - 0.40)  # its own grade: low
    assert round(by_outcome["fall_admission"], 2) == round(admissions, 2) == 23210.85
    assert round(by_outcome["ae_attendance"], 2) == round(ae_visits, 2) == 2107.35
    assert round(by_outcome["ambulance_callout"], 2) == round(ambulance, 2) == 1856.87
    assert round(by_outcome["hip_fracture_social_care"], 2) == round(social_care, 2) == 25497.38
    assert round(by_outcome["qaly"], 2) == round(qalys, 2) == 90634.11


def test_falls_effect_lasts_three_years_fading_by_a_quarter():
    benefits = roi.run(falls_alone()).benefits
    admissions = benefits[benefits["outcome"] == "fall_admission"].set_index("year")["amount"]
    assert admissions[1] == pytest.approx(admissions[0] * 0.75)
    assert admissions[2] == pytest.approx(admissions[0] * 0.75**2)
    assert admissions[3] == 0


def test_falls_fiscal_present_value_by_hand_to_the_penny():
    # Fiscal: admissions, A&E, ambulance (NHS, freed capacity) and social care (county, cash); the
    # standard 3.5% schedule; the QALYs are social value and never counted as savings.
    year0 = 23210.851922 + 2107.351643 + 1856.865983 + 25497.380774
    pv = year0 * (1 + 0.75 / 1.035 + 0.75**2 / 1.035**2)
    evaluation = evaluate(falls_alone(), {}, 1)
    assert round(float(evaluation.pv_fiscal[0]), 2) == round(pv, 2)
    assert round(float(evaluation.pv_costs[0]), 2) == CASES * 300 * 1.2 == 72000


def test_hospitalisation_measure_uses_the_risk_ratio_096_for_every_consequence():
    main = first_year(falls_alone())
    alternative = first_year(falls_alone(effect_measure="alternative"))
    for outcome, amount in main.items():
        assert alternative[outcome] == pytest.approx(amount * (1 - 0.96) / (1 - 0.62)), outcome
    assert round(alternative["fall_admission"], 2) == round(CASES * 1.847 * 0.04 * 0.05 * 2014 / 0.548102 * 0.9, 2)


def test_hospitalisation_interval_above_one_is_cut_at_no_effect():
    outcome = falls_alone(effect_measure="alternative").interventions[0].outcomes[0]
    low, high = outcome.ranges["quantity_per_case"]
    assert low == 0.0
    assert high == pytest.approx(1.847 * (1 - 0.87) * 0.075)


def test_reconciliation_steps_sum_exactly_to_the_gap():
    for result in reconcile_all():
        total = result.project + sum(step.pounds for step in result.steps) + result.unexplained
        assert total == pytest.approx(result.target, abs=1e-9), result.figure.id
        # As shown, to the penny: every row's pounds add up from the project's figure to the published one.
        rows = step_rows(result)
        shown = sum(float(r["pounds"].replace("£", "").replace(",", "")) for r in rows if r["pounds"])
        start = float(rows[0]["running total"].replace("£", "").replace(",", ""))
        end = float(rows[-1]["running total"].replace("£", "").replace(",", ""))
        assert round(start + shown, 2) == end, result.figure.id


def test_handyperson_750_is_reproduced_by_removing_optimism_bias():
    result = next(r for r in reconcile_all() if r.figure.id == "toolkit_handyperson")
    assert result.project == pytest.approx(7.5 * (1 - 0.4) / 1.2)
    assert result.reached == pytest.approx(7.5)
    assert result.reproduced


def test_pleace_culhane_9266_is_reproduced_at_its_own_price_year():
    result = next(r for r in reconcile_all() if r.figure.id == "pleace_culhane_homelessness")
    assert [s.kind for s in result.steps] == ["adjustments", "adjustments", "price year"]
    assert result.reached == pytest.approx(9266)


def test_phe_falls_317_says_what_could_not_be_reproduced():
    result = next(r for r in reconcile_all() if r.figure.id == "phe_falls_health_care")
    assert result.needs_steps and not result.reproduced
    assert "could not be reproduced" in verdict(result)
    assert step_rows(result)[-2]["kind"] == "not reproducible"
    assert "not published" in result.figure.not_reproducible or "not read" in result.figure.not_reproducible


def _figures_file(tmp_path: Path, change) -> Path:  # noqa: ANN001 - a function editing the first figure
    data = yaml.safe_load(FIGURES_FILE.read_text(encoding="utf-8"))
    figure = data["figures"][0]
    change(figure)
    data["figures"] = [figure]
    path = tmp_path / "published_figures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_gap_that_cannot_be_closed_without_a_reason_names_the_intervention_and_step(tmp_path):
    path = _figures_file(tmp_path, lambda f: f.pop("not_reproducible"))
    with pytest.raises(roi.InputError) as caught:
        reconcile_all(path)
    message = str(caught.value)
    assert "Falls prevention (home hazard assessment and modification)" in message
    assert "steps[1] (No discounting" in message
    assert "not_reproducible" in message


def test_a_published_figure_without_a_source_is_refused(tmp_path):
    path = _figures_file(tmp_path, lambda f: f.__setitem__("source", {"local_example": True, "note": "my guess"}))
    with pytest.raises(roi.InputError, match="source"):
        load_figures(path)


def test_the_generator_does_not_write_the_document_when_a_step_fails(tmp_path, monkeypatch):
    module = _doc_module()
    bad = _figures_file(tmp_path, lambda f: f.pop("not_reproducible"))
    out = tmp_path / "reconciliation.md"
    monkeypatch.setattr(module, "OUT", out)
    monkeypatch.setattr(module, "reconcile_all", lambda: reconcile_all(bad))
    assert module.main() == 1
    assert not out.exists()


def _doc_module():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location(
        "write_reconciliation_doc", ROOT / "scripts" / "write_reconciliation_doc.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_reconciliation_is_in_step_with_the_library():
    committed = (ROOT / "docs" / "reconciliation.md").read_text(encoding="utf-8")
    assert committed == _doc_module().render(), (
        "docs/reconciliation.md is out of date: run python scripts/write_reconciliation_doc.py"
    )


def test_reconciliation_covers_the_services_the_issue_names():
    interventions = {f.intervention or f.scenario for f in load_figures()}
    assert {
        "falls_prevention",
        "handyperson",
        "homelessness_prevention",
        "dfg_adaptation",
        "warm_homes",
        "district_offer",
    } <= interventions


def test_one_figure_reconciles_alone(library):
    figure = next(f for f in load_figures() if f.id == "bre_excess_cold")
    result = reconcile(figure, library)
    # £540m / 700,000 homes = £771.43 a home, as shipped
    assert result.reproduced and result.reached == pytest.approx(10 * 771.43 / 6690)


def test_assumptions_page_shows_how_this_compares_with_published_tools():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(h.value == "How this compares with published tools" for h in at.subheader)
    summary = at.table[0].value
    falls = summary.loc[next(i for i in summary.index if "3.17" in i)]
    expected = next(r for r in reconcile_all() if r.figure.id == "phe_falls_health_care")
    assert falls["Published"] == "£3.17"
    assert falls["This project"] == f"£{expected.project:,.2f}"
    labels = [e.label for e in at.expander]
    assert any("PHE falls tool" in label for label in labels)
    steps = at.table[1].value
    assert steps["Running total"].iloc[-1] == "£3.17"
    assert any(step.startswith("Not reproducible: ") for step in steps.index)


def test_build_the_offer_switches_falls_to_the_hospitalisation_measure_and_back():
    from streamlit.testing.v1 import AppTest

    from tests.conftest import open_panels

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.selectbox(key="scenario-picker").select("district_offer").run()
    at.switch_page("pages/1_Build_the_offer.py").run()
    open_panels(at, "falls_prevention")
    radio = at.radio(key="g0-falls_prevention-effect-measure")
    assert radio.value == "main"
    assert "Fewer falls (rate ratio) 0.62 (the default)" in radio.options
    radio.set_value("alternative").run()
    assert not at.exception, [e.value for e in at.exception]
    chosen = next(i for i in at.session_state["spec"].interventions if i.id == "falls_prevention")
    assert chosen.effect_measure == "alternative"
    at.radio(key="g0-falls_prevention-effect-measure").set_value("main").run()
    chosen = next(i for i in at.session_state["spec"].interventions if i.id == "falls_prevention")
    assert chosen.effect_measure == "main"


def test_value_as_the_published_tool_does_is_labelled_as_the_tools_method():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    at.toggle(key="g0-as-published").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    summary = at.table[0].value
    assert "This project" not in summary.columns
    column = "Published tool's method, not this project's"
    bre = summary.loc[next(i for i in summary.index if i.startswith("BRE"))]
    assert bre[column] == "£1.15"  # BRE's method reproduces its own figure
    falls = summary.loc[next(i for i in summary.index if "3.17" in i)]
    expected = next(r for r in reconcile_all() if r.figure.id == "phe_falls_health_care")
    assert falls[column] == f"£{expected.reached:,.2f}"


@given(
    ratio=st.floats(0.05, 1.0),
    below=st.floats(0.0, 0.5),
    above=st.floats(0.0, 0.5),
    share=st.floats(0.001, 1.0),
)
def test_an_alternative_interval_reaching_above_one_keeps_the_quantity_within_its_range(ratio, below, above, share):
    from roi.inputs.schema import RateEffect

    base = roi.load_library().interventions["falls_prevention"].outcomes[0].rate_effect
    alternative = base.alternative.model_copy(
        update={"rate_ratio": ratio, "rate_ratio_range": (max(0.01, ratio - below), ratio + above)}
    )
    effect = RateEffect.model_validate(
        {
            **base.model_dump(),
            "alternative": alternative.model_dump(),
            "use_alternative": True,
            "share_costed": share,
            "share_range": None,
        }
    )
    low, high = effect.quantity_range()
    assert 0 <= low <= effect.quantity + 1e-12 <= high + 2e-12
    assert effect.quantity == pytest.approx(1.847 * (1 - ratio) * share)
