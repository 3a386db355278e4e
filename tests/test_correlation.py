"""Rank correlations between uncertain inputs (roi.engine.correlation, Iman and Conover 1982): the method's
invariants, the checks on a scenario's ``correlations:``, and their effect on the Monte Carlo."""

from __future__ import annotations

import copy
import hashlib

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi.engine import uncertainty
from roi.engine.correlation import correlate, iman_conover, spearman
from roi.inputs import edit
from roi.inputs.correlation import check_matrix
from roi.inputs.library import SCENARIOS_DIR, dump_spec
from roi.inputs.schema import Correlation

BASE = yaml.safe_load((SCENARIOS_DIR / "district_offer.yaml").read_text())
CARE = "unit_cost.residential_care_week.value"
HOMELESS = "unit_cost.homelessness_prevented_year.value"
BED = "unit_cost.bed_day.value"


def _columns(seed: int, n: int, k: int) -> np.ndarray:
    """k columns of n draws from different shapes (uniform, normal, skewed, triangular, discrete)."""
    rng = np.random.default_rng(seed)
    makers = [
        lambda: rng.random(n),
        lambda: rng.normal(5, 2, n),
        lambda: rng.exponential(3, n),
        lambda: rng.triangular(0, 1, 4, n),
        lambda: rng.integers(0, 4, n).astype(float),  # ties
    ]
    return np.column_stack([makers[j % len(makers)]() for j in range(k)])


@st.composite
def targets(draw, k: int | None = None) -> np.ndarray:
    """A valid rank correlation matrix: rows of a random k x r factor scaled to unit length, so
    C = L L^T is positive semi-definite with a unit diagonal (singular when r < k)."""
    k = k or draw(st.integers(1, 5))
    rank = draw(st.integers(1, k))
    seed = draw(st.integers(0, 2**32 - 1))
    factor = np.random.default_rng(seed).normal(size=(k, rank))
    factor /= np.linalg.norm(factor, axis=1, keepdims=True)
    target = np.clip(factor @ factor.T, -1.0, 1.0)
    target = (target + target.T) / 2
    np.fill_diagonal(target, 1.0)
    return target


# -- the method ---------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 300), targets(), st.integers(0, 2**32 - 1), st.sets(st.integers(0, 4), max_size=2))
def test_every_column_comes_back_a_permutation_of_itself(n, target, seed, constant):
    k = target.shape[0]
    samples = _columns(seed, n, k)
    for j in constant:  # a collapsed range
        if j < k:
            samples[:, j] = 7.25
    out = iman_conover(samples, target, np.random.default_rng(seed))
    assert out.shape == samples.shape
    for j in range(k):
        assert np.array_equal(np.sort(out[:, j]), np.sort(samples[:, j]))
    for j in constant:
        if j < k:
            assert np.array_equal(out[:, j], samples[:, j])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(targets(k=3), st.integers(0, 2**32 - 1))
def test_achieved_rank_correlations_are_within_0_05_of_the_target_for_5000_draws(target, seed):
    samples = _columns(seed, 5_000, 4)[:, :3]  # uniform, normal and skewed draws
    out = iman_conover(samples, target, np.random.default_rng(seed))
    assert np.max(np.abs(spearman(out) - target)) <= 0.05


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 400), targets(), st.integers(0, 2**32 - 1), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_columns(n, target, seed, random):
    k = target.shape[0]
    samples = np.random.default_rng(seed).normal(size=(n, k)) * np.arange(1, k + 1)  # distinct columns
    order = list(range(k))
    random.shuffle(order)
    given_order = iman_conover(samples, target, np.random.default_rng(seed))
    shuffled = iman_conover(samples[:, order], target[np.ix_(order, order)], np.random.default_rng(seed))
    assert np.array_equal(shuffled, given_order[:, order])


def test_one_draw_one_input_and_a_constant_column_come_back_unchanged():
    rng = np.random.default_rng(3)
    one_draw = np.array([[1.0, 2.0, 3.0]])
    assert np.array_equal(iman_conover(one_draw, np.full((3, 3), 0.5) + 0.5 * np.eye(3), rng), one_draw)
    one_input = np.array([[3.0], [1.0], [2.0]])
    assert np.array_equal(iman_conover(one_input, np.eye(1), rng), one_input)
    constant = np.column_stack([np.arange(10.0), np.full(10, 4.0)])
    assert np.array_equal(iman_conover(constant, np.array([[1.0, 0.9], [0.9, 1.0]]), rng), constant)


@pytest.mark.parametrize("r", [1.0, -1.0])
def test_a_correlation_of_one_is_singular_yet_met_exactly(r):
    """A bare Cholesky fails on [[1, 1], [1, 1]]; the factor allows a zero pivot, and the two
    columns come back in exactly the same (or exactly the opposite) order."""
    samples = _columns(11, 2_000, 3)
    target = np.array([[1.0, r, 0.0], [r, 1.0, 0.0], [0.0, 0.0, 1.0]])
    out = iman_conover(samples, target, np.random.default_rng(1))
    assert spearman(out)[0, 1] == pytest.approx(r, abs=1e-12)
    assert abs(spearman(out)[0, 2]) < 0.06


def test_two_draws_worked_by_hand():
    """Two draws of two inputs with a target of -1: the larger of one goes with the smaller of the
    other. By hand: the scores are +-0.4307 (normal quantiles of 1/3 and 2/3), the target's factor
    is [[1, 0], [-1, 0]], so the second column's ranks are the first's reversed."""
    samples, target = np.array([[1.0, 10.0], [2.0, 20.0]]), np.array([[1.0, -1.0], [-1.0, 1.0]])
    out = iman_conover(samples, target, np.random.default_rng(5))
    assert sorted(out[:, 0]) == [1.0, 2.0] and sorted(out[:, 1]) == [10.0, 20.0]
    assert out[0, 0] + out[0, 1] / 10 == 3.0  # (1, 20) and (2, 10)


# -- check_matrix ----------------------------------------------------------------------------------


def _refusal(matrix, names=("a", "b", "c")) -> roi.InputError:
    with pytest.raises(roi.InputError) as caught:
        check_matrix(np.array(matrix, dtype=float), list(names), "offer.yaml", "correlations")
    error = caught.value
    assert error.file == "offer.yaml" and error.field == "correlations"
    assert "\n" not in str(error)
    return error


def test_contradicting_correlations_are_refused_naming_the_three_inputs():
    error = _refusal([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    assert "contradict each other" in error.problem and "a, b and c" in error.problem
    assert "positive semi-definite" in error.problem


def test_the_contradiction_named_is_the_trio_that_causes_it():
    matrix = np.eye(5)
    for i, j, r in [(0, 1, 0.9), (1, 2, 0.9), (0, 2, -0.9), (3, 4, 0.5)]:  # inputs 3 and 4 are fine
        matrix[i, j] = matrix[j, i] = r
    error = _refusal(matrix, ["p", "q", "r", "s", "t"])
    assert "(those of p, q and r cannot all hold at once)" in error.problem


@pytest.mark.parametrize(
    "matrix, words",
    [
        ([[1, 0.5, 0], [0.4, 1, 0], [0, 0, 1]], "not symmetric: a with b is 0.5 but b with a is 0.4"),
        ([[1, 0, 0], [0, 0.9, 0], [0, 0, 1]], "the correlation of b with itself is 0.9; allowed: exactly 1"),
        ([[1, 1.2, 0], [1.2, 1, 0], [0, 0, 1]], "the rank correlation of a and b is 1.2; allowed: -1 to 1"),
        ([[1, np.nan, 0], [np.nan, 1, 0], [0, 0, 1]], "allowed: numbers from -1 to 1"),
        ([[1, 0], [0, 1]], "one row and column per input"),
    ],
)
def test_each_bad_matrix_has_its_one_line_refusal(matrix, words):
    assert words in _refusal(matrix).problem


def test_a_valid_singular_matrix_passes():
    check_matrix(np.ones((3, 3)), ["a", "b", "c"])  # all three move as one: singular, but possible


# -- in a scenario ---------------------------------------------------------------------------------


def _offer(*pairs: tuple[str, str, float]) -> str:
    data = copy.deepcopy(BASE)
    data["correlations"] = [{"inputs": [a, b], "rank_correlation": r} for a, b, r in pairs]
    return yaml.safe_dump(data)


def _error(text: str) -> roi.InputError:
    with pytest.raises(roi.InputError) as caught:
        roi.parse_scenario(text, "offer.yaml")
    assert "\n" not in str(caught.value) and "Traceback" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    "pairs, field, words",
    [
        ([(CARE, BED, 1.5)], "correlations[0].rank_correlation", "from -1 to 1 (got 1.5)"),
        ([(CARE, BED, -1.01)], "correlations[0].rank_correlation", "from -1 to 1"),
        (
            [(CARE, "unit_cost.bedday.value", 0.5)],
            "correlations[0].inputs[1]",
            (
                "'unit_cost.bedday.value' is not an uncertain input of this scenario; allowed, nearest first: "
                "unit_cost.bed_day.value, "
            ),
        ),
        (
            # the DFG's home care follows its care-home weeks, so its quantity has no range of its own
            [(CARE, "outcome.dfg_adaptation.1.quantity_per_case", 0.5)],
            "correlations[0].inputs[1]",
            "allowed, nearest first: outcome.dfg_adaptation.0.quantity_per_case",
        ),
        ([(CARE, CARE, 0.5)], "correlations[0].inputs", "names unit_cost.residential_care_week.value twice"),
        (
            [(CARE, BED, 0.5), (HOMELESS, BED, 0.2), (BED, CARE, 0.3)],
            "correlations[2].inputs",
            "is already given at correlations[0]; allowed: each pair once",
        ),
        (
            [(CARE, BED, 0.9), (BED, HOMELESS, 0.9), (CARE, HOMELESS, -0.9)],
            "correlations",
            f"the rank correlations contradict each other (those of {BED}, {HOMELESS} and {CARE} cannot",
        ),
    ],
)
def test_each_bad_correlation_in_a_scenario_is_a_one_line_error(pairs, field, words):
    error = _error(_offer(*pairs))
    assert error.file == "offer.yaml"
    assert error.field == field
    assert words in error.problem


def test_an_unknown_input_lists_a_few_names_and_counts_the_rest():
    error = _error(_offer((CARE, "nonsense", 0.5)))
    allowed = len(uncertainty.parameters(roi.load_scenario("district_offer")))
    assert f"(and {allowed - 5:,} more)" in error.problem


def test_three_inputs_and_one_entry_per_pair_are_not_needed():
    a_pair = roi.parse_scenario(_offer((CARE, HOMELESS, 0.6)), "offer.yaml")
    assert a_pair.spec.correlations == (Correlation(inputs=(CARE, HOMELESS), rank_correlation=0.6),)


def test_a_saved_scenario_with_correlations_reloads_identically():
    scenario = roi.parse_scenario(_offer((CARE, HOMELESS, 0.6), (BED, CARE, -0.2)), "offer.yaml")
    again = roi.parse_scenario(dump_spec(scenario.spec), "again.yaml")
    assert again.spec == scenario.spec
    assert np.array_equal(uncertainty.simulate(again, 500, 4).npv, uncertainty.simulate(scenario, 500, 4).npv)


# -- in the Monte Carlo -----------------------------------------------------------------------------


@pytest.mark.parametrize("distribution", ["triangular", "pert"])
def test_without_correlations_the_simulation_is_the_same_bit_for_bit(distribution, monkeypatch):
    """With no correlation declared, simulate gives exactly the draws it gives with the correlation step
    taken out altogether (so declaring none changes nothing, for any library)."""
    scenario = roi.load_scenario("district_offer")
    sim = uncertainty.simulate(scenario, 3_000, seed=1, distribution=distribution)
    monkeypatch.setattr(uncertainty, "correlate", lambda scenario, values, rng: values)
    bare = uncertainty.simulate(scenario, 3_000, seed=1, distribution=distribution)
    assert hashlib.sha256(sim.npv.tobytes()).hexdigest() == hashlib.sha256(bare.npv.tobytes()).hexdigest()
    assert np.array_equal(sim.partner_cash["county_asc"], bare.partner_cash["county_asc"])


def test_correlate_leaves_uncorrelated_inputs_alone_and_reorders_the_pair():
    scenario = roi.parse_scenario(_offer((CARE, HOMELESS, 0.7)), "offer.yaml")
    rng = np.random.default_rng(8)
    values = {p.key: uncertainty._draw(rng, p, 5_000, "triangular") for p in uncertainty.parameters(scenario)}
    assert correlate(roi.load_scenario("district_offer"), values, rng) is values  # none declared: untouched
    out = correlate(scenario, values, rng)
    care, homeless = tuple(CARE.split(".")), tuple(HOMELESS.split("."))
    for key, drawn in values.items():
        if key in (care, homeless):
            assert np.array_equal(np.sort(out[key]), np.sort(drawn))
        else:
            assert out[key] is drawn
    assert spearman(np.column_stack([out[care], out[homeless]]))[0, 1] == pytest.approx(0.7, abs=0.03)


def _band(pairs: tuple[tuple[str, str, float], ...]) -> float:
    scenario = roi.parse_scenario(_offer(*pairs), "offer.yaml") if pairs else roi.load_scenario("district_offer")
    p = uncertainty.simulate(scenario, 10_000, seed=1).percentiles()["npv"]
    return p["p90"] - p["p10"]


def test_a_positive_correlation_of_two_benefit_unit_costs_widens_the_npv_band():
    """Care-home weeks and homelessness prevented are the offer's two largest benefit unit costs.
    Drawn together (0.8) their errors add; drawn opposite (-0.8) they offset. 10,000 draws, seed 1:
    P10-P90 widths on the library of December 2026: £2,506,085 (independent), £2,620,149 (0.8), £2,330,406
    (-0.8). (Before issue 23 costed falls beyond admissions: £2,456,768, £2,635,223 and £2,316,328.
    With issue 26's first refresh, before the DFG's £10,000: £2,482,124, £2,661,902 and £2,339,260;
    before issue 26: £2,297,361, £2,388,885 and £2,189,224; before the judgement conventions were one shared
    input: £2,027,449, £2,175,023 and £1,904,542.)"""
    independent = _band(())
    together = _band(((CARE, HOMELESS, 0.8),))
    opposite = _band(((CARE, HOMELESS, -0.8),))
    assert together > independent * 1.03
    assert opposite < independent * 0.97
    assert round(independent) == 2_506_085 and round(together) == 2_620_149 and round(opposite) == 2_330_406


def test_dropping_an_intervention_in_the_app_drops_the_correlations_naming_its_inputs():
    scenario = roi.parse_scenario(
        _offer((CARE, HOMELESS, 0.6), ("intervention.warm_homes.cost_per_case", BED, 0.3)), "offer.yaml"
    )
    kept = [i.id for i in scenario.interventions if i.id != "warm_homes"]
    spec, _ = edit.apply(scenario.spec, {"interventions": kept})
    assert spec.correlations == (Correlation(inputs=(CARE, HOMELESS), rank_correlation=0.6),)
    spec, _ = edit.apply(spec, {"interventions": ["handyperson"]})  # neither unit cost is used any more
    assert spec.correlations == ()
