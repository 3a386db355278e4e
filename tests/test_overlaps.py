"""Double counting between interventions (roi.engine.overlaps): found, said in pounds with both labels, removed once
when the user declares the people in common, and refused with one line when the declaration is wrong."""

from __future__ import annotations

import io
import json

import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import roi
from roi.inputs.edit import apply
from roi.inputs.schema import InterventionChoice, Overlap
from roi.outputs import export

from .conftest import ROOT, roi_cli, scenario_from

DFG = "Disabled facilities grant (DFG) adaptations"
RATIO = "Home adaptations (published ratio)"
OFFER = (ROOT / "assumptions/scenarios/district_offer.yaml").read_text()
# The shipped offer with the toolkit's "£2 per £1" for adaptations added beside the DFG.
BOTH = OFFER.replace("  - id: warm_homes\n", "  - id: warm_homes\n  - id: adaptations_ratio\n")


def both(overlaps: str = "") -> roi.Scenario:
    return roi.parse_scenario(BOTH + overlaps, "offer.yaml")


TWICE = "  - interventions: [adaptations_ratio, dfg_adaptation]\n    share: 0\n"  # the same pair, reversed


def declared(share: float, first: str = "dfg_adaptation", second: str = "adaptations_ratio") -> str:
    return f"overlaps:\n  - interventions: [{first}, {second}]\n    share: {share}\n"


@pytest.fixture(scope="module")
def offer() -> roi.Result:
    return roi.run(roi.load_scenario("district_offer"))


@pytest.fixture(scope="module")
def with_ratio() -> roi.Result:
    return roi.run(both())


# ---- the £1.39m case -------------------------------------------------------------------------------


def test_adding_the_adaptations_ratio_is_flagged_with_both_labels_and_the_pounds(offer, with_ratio):
    ratio_pv = float(with_ratio.by_intervention().set_index("intervention").loc["adaptations_ratio", "pv_benefits"])
    # The figures of the issue: PV benefits rise by £1.39m and the county's cash NPV by £0.69m; since issue
    # 26 (the DFG's volume 68 -> 104 per 100,000) the offer's PV benefits were £6.41m, £7.80m with the ratio;
    # since issue 23 (falls costed beyond admissions) £7.30m and £8.69m.
    assert round(offer.totals["pv_benefits"] / 1e6, 2) == 7.30
    assert round(with_ratio.totals["pv_benefits"] / 1e6, 2) == 8.69
    assert with_ratio.totals["pv_benefits"] - offer.totals["pv_benefits"] == pytest.approx(ratio_pv, abs=0.01)
    asc = (with_ratio.evaluation.partner_cash_npv["county_asc"] - offer.evaluation.partner_cash_npv["county_asc"])[0]
    assert round(asc / 1e6, 2) == 0.69
    # Said, with both labels and the pounds: the ratio's whole PV benefits (it cannot be split by unit cost).
    notes = [w for w in with_ratio.warnings if "double counting" in w.lower()]
    # This one, social prescribing with Healthy Homes (both avoid admissions), and since issue 23 falls
    # prevention with social prescribing (both avoid A&E attendances).
    assert len(notes) == 3
    note = next(w for w in notes if DFG in w)
    assert RATIO in note and roi.pounds(ratio_pv) == "£1,385,305" and "£1,385,305" in note
    assert "adaptations_ratio" not in note and "dfg_adaptation" not in note  # labels, never ids
    item = next(i for i in with_ratio.overlaps if i.second == "adaptations_ratio")
    assert (item.first, item.share, item.removed) == ("dfg_adaptation", None, 0.0)
    assert item.at_stake == pytest.approx(ratio_pv, abs=1e-6)
    # Nothing is removed by default.
    assert with_ratio.totals["pv_benefits"] == pytest.approx(offer.totals["pv_benefits"] + ratio_pv, abs=0.01)


def test_the_shipped_offer_alone_flags_only_the_admissions_and_ae_visits_both_value(offer):
    notes = [w for w in offer.warnings if "double counting" in w.lower()]
    assert len(notes) == 2  # since issue 23 costed the A&E visits of falls, also falls with social prescribing
    assert "Social prescribing (link workers)" in notes[0] and "Healthy Homes on Prescription" in notes[0]
    assert "Non-elective hospital admission" in notes[0]
    assert "Falls prevention" in notes[1] and "Social prescribing (link workers)" in notes[1]
    assert "A&E attendance" in notes[1]


def test_a_share_of_one_removes_exactly_the_duplicated_value(offer, with_ratio):
    result = roi.run(both(declared(1)))
    assert result.totals["pv_benefits"] == pytest.approx(offer.totals["pv_benefits"], abs=0.01)
    assert result.evaluation.partner_cash_npv["county_asc"][0] == pytest.approx(
        offer.evaluation.partner_cash_npv["county_asc"][0], abs=0.01
    )
    note = next(w for w in result.warnings if "removed" in w)
    assert DFG in note and RATIO in note and "£1,385,305" in note and "100%" in note
    # The cost of the second service is still counted: only its benefit was the duplicate.
    assert result.totals["pv_costs"] == pytest.approx(with_ratio.totals["pv_costs"], abs=0.01)


def test_share_zero_silences_the_warning_and_removes_nothing(with_ratio):
    result = roi.run(both(declared(0)))
    assert result.totals["pv_benefits"] == pytest.approx(with_ratio.totals["pv_benefits"], abs=0.01)
    assert not any(DFG in w and RATIO in w for w in result.warnings)
    assert any("Healthy Homes" in w for w in result.warnings)  # another pair is still said


# ---- a worked example to the penny -------------------------------------------------------------------

SMALL = """
name: Two services that avoid the same bed-days
settings: {horizon_years: 1, programme_years: 1, price_year: 2024, discount_rate: 0.0, optimism_bias: 0.0,
           cost_optimism_bias: 0.0}
unit_costs:
  ward_day: {label: Ward day, value: 200, unit: per day, partner: nhs_acute, value_type: fiscal_non_cashable,
             confidence: medium, source: {local_example: true, note: a worked example}}
  visit: {label: Home visit, value: 50, unit: per visit, partner: county_asc, value_type: fiscal_cashable,
          confidence: medium, source: {local_example: true, note: a worked example}}
interventions:
  - id: early
    label: Early discharge team
    cases_per_year: 10
    cost_per_case: 100
    funded_by: {district: 1.0}
    outcomes:
      - {unit_cost: ward_day, quantity_per_case: 2, source: {local_example: true, note: a worked example}}
  - id: reablement
    label: Reablement at home
    cases_per_year: 5
    cost_per_case: 100
    funded_by: {district: 1.0}
    outcomes:
      - {unit_cost: ward_day, quantity_per_case: 3, source: {local_example: true, note: a worked example}}
      - {unit_cost: visit, quantity_per_case: 1, source: {local_example: true, note: a worked example}}
"""
# By hand: early 10 x 2 x £200 = £4,000; reablement 5 x 3 x £200 = £3,000 on ward days and
# 5 x 1 x £50 = £250 on visits. Total £7,250. They share ward days; the smaller on it is £3,000.


def small(overlaps: str = "") -> roi.Result:
    return roi.run(roi.parse_scenario(SMALL + overlaps, "small.yaml"))


def test_worked_example_undeclared_says_the_smaller_value_on_the_shared_unit_cost():
    result = small()
    assert result.totals["pv_benefits"] == pytest.approx(7250.00, abs=0.005)
    (item,) = result.overlaps
    assert (item.first, item.second, item.unit_costs, item.at_stake) == ("early", "reablement", ("ward_day",), 3000)
    (note,) = [w for w in result.warnings if "double counting" in w]
    assert "Early discharge team" in note and "Reablement at home" in note and "£3,000" in note and "Ward day" in note


@pytest.mark.parametrize(
    ("overlap", "pv_benefits", "removed"),
    [
        (declared(1, "early", "reablement"), 4250.00, 3000.00),  # reablement's ward days go; its visits stay
        (declared(0.5, "early", "reablement"), 5750.00, 1500.00),
        (declared(1, "reablement", "early"), 3250.00, 4000.00),  # the second named is the one reduced
        (declared(0.25, "early", "reablement").replace("share", "unit_cost: ward_day\n    share"), 6500.00, 750.00),
    ],
)
def test_worked_example_a_declared_share_removes_the_second_named_value_once(overlap, pv_benefits, removed):
    result = small(overlap)
    assert result.totals["pv_benefits"] == pytest.approx(pv_benefits, abs=0.005)
    assert result.totals["pv_costs"] == pytest.approx(1500.00, abs=0.005)
    (item,) = result.overlaps
    assert item.removed == pytest.approx(removed, abs=0.005)
    assert roi.pounds(removed) in item.text


def test_every_path_sees_the_removal_simulate_equals_run_with_no_ranges():
    scenario = roi.parse_scenario(SMALL + declared(1, "early", "reablement"), "small.yaml")
    sim = roi.simulate(scenario, 50, 1)
    assert float(sim.npv.min()) == pytest.approx(4250.00 - 1500.00, abs=0.005)
    assert float(sim.npv.max()) == pytest.approx(4250.00 - 1500.00, abs=0.005)


@settings(max_examples=25, deadline=None)
@given(share=st.floats(min_value=0, max_value=1))
def test_property_benefits_fall_by_exactly_share_times_what_is_at_stake(share):
    full = small().totals["pv_benefits"]
    result = small(declared(share, "early", "reablement"))
    (item,) = result.overlaps
    assert item.removed == pytest.approx(share * item.at_stake, abs=1e-6)
    assert result.totals["pv_benefits"] == pytest.approx(full - share * 3000, abs=1e-6)


def test_an_outcome_that_follows_an_overlapping_one_is_reduced_with_it():
    # The DFG's replacement home care follows its care-home weeks (the same people): an overlap on the
    # care-home weeks takes the home care with it, so the net value removed is the DFG's whole net benefit.
    spec = roi.load_scenario("dfg_single").spec
    extra = InterventionChoice(
        id="care_home_delay",
        label="Care home delay",
        cases_per_year=1,
        cost_per_case=0,
        funded_by={"district": 1.0},
        outcomes=[{"unit_cost": "residential_care_week", "quantity_per_case": 1}],
    )
    spec = spec.model_copy(update={"interventions": (*spec.interventions, extra)})
    plain = roi.run(roi.resolve(spec))
    dfg = float(plain.by_intervention().set_index("intervention").loc["dfg_adaptation", "pv_benefits"])
    overlap = Overlap(interventions=("care_home_delay", "dfg_adaptation"), share=1, unit_cost="residential_care_week")
    result = roi.run(roi.resolve(spec.model_copy(update={"overlaps": (overlap,)})))
    assert float(result.by_intervention().set_index("intervention").loc["dfg_adaptation", "pv_benefits"]) == (
        pytest.approx(0.0, abs=1e-6)
    )
    assert result.overlaps[0].removed == pytest.approx(dfg, abs=1e-6)


# ---- bad input: one line naming the file, the field and what is allowed --------------------------------


@pytest.mark.parametrize(
    ("overlaps", "field", "allowed"),
    [
        (declared(1.5), "overlaps[0].share", "from 0"),
        (declared(-0.1), "overlaps[0].share", "to 1"),
        (declared(1, "dfg_adaptation", "falls_team"), "overlaps[0].interventions[1]", "allowed: two different"),
        (declared(1, "dfg_adaptation", "dfg_adaptation"), "overlaps[0].interventions", "allowed: two different"),
        (
            declared(1, "handyperson", "dfg_adaptation").replace("share", "unit_cost: bed_day\n    share"),
            "overlaps[0].unit_cost",
            "allowed: a unit cost it avoids: residential_care_week",
        ),
        (declared(1) + TWICE, "overlaps[1]", "allowed: one overlap per pair"),
    ],
)
def test_a_bad_overlap_is_one_line_naming_file_field_and_range(overlaps, field, allowed):
    with pytest.raises(roi.InputError) as caught:
        both(overlaps)
    message = str(caught.value)
    assert caught.value.file == "offer.yaml" and caught.value.field == field, message
    assert allowed in message and "\n" not in message and "Traceback" not in message


def test_taking_an_intervention_out_drops_its_overlap_and_a_share_can_be_declared_by_edit():
    spec = both(declared(1)).spec
    ids = [c.id for c in spec.interventions if c.id != "adaptations_ratio"]
    spec2, _ = apply(spec, {"interventions": ids})
    assert spec2.overlaps == ()
    spec3, scenario = apply(both().spec, {"overlap": ["dfg_adaptation", "adaptations_ratio"], "value": 0.5})
    assert spec3.overlaps == (Overlap(interventions=("dfg_adaptation", "adaptations_ratio"), share=0.5),)
    spec4, _ = apply(spec3, {"overlap": ["dfg_adaptation", "adaptations_ratio"], "value": None})
    assert spec4.overlaps == ()


# ---- where it is said ------------------------------------------------------------------------------------


def test_run_prints_the_warning_and_its_json_carries_it(tmp_path):
    path = tmp_path / "offer.yaml"
    path.write_text(BOTH)
    done = roi_cli("run", str(path))
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if DFG in x and "double counting" in x)
    assert line.startswith("Note: ") and RATIO in line and "£1,385,305" in line
    payload = json.loads(roi_cli("run", str(path), "--json").stdout)
    assert any(DFG in w and "£1,385,305" in w for w in payload["warnings"])
    path.write_text(BOTH + declared(1))
    assert "£1,385,305 of the benefits of" in roi_cli("run", str(path)).stdout


def test_the_board_pack_caveats_say_it(with_ratio):
    pack = export.board_pack(with_ratio, draws=200)
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pack)).pages)
    assert "Possible double counting" in text and "£1,385,305" in text
    start = text.index("Possible double counting: Disabled")
    assert RATIO in text[start : start + 400]


def test_store_and_yaml_round_trips_keep_the_overlaps(tmp_path):
    from store import Store

    first = both(declared(0.5))
    again = roi.load_scenario(roi.save_scenario(first, tmp_path / "copy.yaml"))
    assert again.spec == first.spec and again.spec.overlaps[0].share == 0.5
    zero = both(declared(0))
    assert roi.load_scenario(roi.save_scenario(zero, tmp_path / "zero.yaml")).spec.overlaps == zero.spec.overlaps
    opened = Store(f"sqlite:///{tmp_path}/store.sqlite")
    try:
        me = opened.local()
        saved = me.create(me.ensure_workspace("District").id, "scenario", "Offer", BOTH + declared(0.5), "with overlap")
        assert me.open(saved.document_id).spec.overlaps == first.spec.overlaps
    finally:
        opened.dispose()


def _with_ratio_on_build_the_offer() -> AppTest:
    """The app with the adaptations ratio added on Build the offer, as a person would add it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/1_Build_the_offer.py").run()
    at.multiselect(key="g0-interventions").select("adaptations_ratio").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_build_the_offer_shows_the_warning_and_a_declared_share_removes_it():
    at = _with_ratio_on_build_the_offer()
    warning = next(w.value for w in at.warning if "DFG" in w.value)
    assert "Home adaptations" in warning and "£1,385,305" in warning
    at.number_input(key="g0-overlap-dfg_adaptation-adaptations_ratio").set_value(100).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any("DFG" in w.value for w in at.warning)
    assert any("removed" in i.value and "£1,385,305" in i.value for i in at.info)
    at.switch_page("app.py").run()
    expected = roi.run(both(declared(1))).totals["npv"]
    assert next(m.value for m in at.metric if m.label == "Net present value") == roi.pounds(expected)


def test_overview_warns_and_lists_it_in_the_notes():
    at = _with_ratio_on_build_the_offer()
    at.switch_page("app.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Possible double counting" in w.value and "3 pairs" in w.value for w in at.warning)
    notes = [m.value for m in at.markdown if "double counting" in m.value]
    assert any("DFG" in n and "Home adaptations" in n and "1,385,305" in n for n in notes)


def test_pounds_at_stake_on_a_health_effect_are_discounted_as_the_engine_discounts_them():
    # Two schemes both gain QALYs (a health effect), with a constant health rate: the pounds at stake are the
    # second scheme's QALY line at its present value in run, not at the health schedule's 1.5% (before: the
    # overlap check discounted health lines on the schedule whatever the scenario said).
    def scheme(iid: str, cases: int) -> dict:
        return {
            "id": iid,
            "label": iid.replace("_", " ").capitalize(),
            "cases_per_year": cases,
            "cost_per_case": 100,
            "funded_by": {"district": 1.0},
            "outcomes": [{"unit_cost": "qaly", "quantity_per_case": 0.01, "duration_years": 5}],
        }

    data = {
        "name": "Two QALY schemes",
        "settings": {"discount_rate": 0.035, "health_discount_rate": 0.1, "horizon_years": 10},
        "interventions": [scheme("first_scheme", 100), scheme("second_scheme", 50)],
    }
    result = roi.run(scenario_from(data))
    (item,) = result.overlaps
    benefits = result.benefits
    expected = benefits[benefits["intervention"] == item.second]["pv"].sum()
    assert item.at_stake == pytest.approx(expected, rel=1e-12)
