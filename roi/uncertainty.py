"""Uncertainty: vectorised Monte Carlo, one-way sensitivity (tornado) and switching values.

Every unit cost and effect parameter with a low-high range is drawn at once as numpy arrays over
draws x years, in chunks so that memory stays bounded for a million draws. No Python loop runs over
draws; the loops are over interventions and outcomes, as in the deterministic model. With every
range collapsed to its central value, each draw equals :func:`roi.run` to the penny (a test checks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .library import Scenario
from .model import discount_factors, optimism_bias
from .schema import FISCAL_VALUE_TYPES, FRACTION_FIELDS

Distribution = Literal["triangular", "pert"]
DEFAULT_CHUNK = 50_000


@dataclass(frozen=True)
class Parameter:
    """One uncertain input: where it lives, its central value and its low-high range."""

    key: tuple[str, ...]
    label: str
    central: float
    low: float
    high: float
    bounded: bool = False  # a share that must stay within [0, 1]

    @property
    def has_range(self) -> bool:
        return self.high > self.low


def parameters(scenario: Scenario) -> list[Parameter]:
    """Every input of the scenario that has a low-high range, in a fixed order."""
    found: list[Parameter] = []
    used = []

    def short(label: str) -> str:  # "Homelessness prevention (housing options)" -> "Homelessness prevention"
        return label.split(" (")[0]

    for intervention in scenario.interventions:
        for name in ("cases_per_year", "cost_per_case", "fixed_cost_per_year"):
            if name in intervention.ranges:
                low, high = intervention.ranges[name]
                found.append(
                    Parameter(
                        ("intervention", intervention.id, name),
                        f"{short(intervention.label)}: {name.replace('_', ' ')}",
                        getattr(intervention, name),
                        low,
                        high,
                    )
                )
        if intervention.ratio is not None:
            ratio = intervention.ratio
            if ratio.low is not None or ratio.high is not None:
                found.append(
                    Parameter(
                        ("ratio", intervention.id, "value_per_pound"),
                        f"{short(intervention.label)}: £ per £1 ratio",
                        ratio.value_per_pound,
                        ratio.low or ratio.value_per_pound,
                        ratio.high or ratio.value_per_pound,
                    )
                )
        for k, outcome in enumerate(intervention.outcomes):
            if outcome.unit_cost not in used:
                used.append(outcome.unit_cost)
            unit_label = scenario.unit_costs[outcome.unit_cost].label
            for name, (low, high) in outcome.ranges.items():
                found.append(
                    Parameter(
                        ("outcome", intervention.id, str(k), name),
                        f"{short(intervention.label)}, {short(unit_label)}: {name.replace('_', ' ')}",
                        getattr(outcome, name),
                        low,
                        high,
                        bounded=name in FRACTION_FIELDS,
                    )
                )
    for cost_id in used:
        cost = scenario.unit_costs[cost_id]
        if cost.low is not None or cost.high is not None:
            found.append(
                Parameter(
                    ("unit_cost", cost_id, "value"),
                    f"{cost.label}: value (£, {cost.price_year})",
                    cost.value,
                    cost.low if cost.low is not None else cost.value,
                    cost.high if cost.high is not None else cost.value,
                )
            )
    return found


def _triangular(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution; a collapsed range returns the mode exactly."""
    if high <= low:
        return np.full_like(u, mode)
    width = high - low
    split = (mode - low) / width
    lower = low + np.sqrt(u * width * (mode - low))
    upper = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(u < split, lower, upper)


def _draw(rng: np.random.Generator, parameter: Parameter, count: int, distribution: Distribution) -> np.ndarray:
    if not parameter.has_range:
        return np.full(count, parameter.central)
    if distribution == "pert":
        width = parameter.high - parameter.low
        alpha = 1 + 4 * (parameter.central - parameter.low) / width
        beta = 1 + 4 * (parameter.high - parameter.central) / width
        values = parameter.low + rng.beta(alpha, beta, count) * width
    else:
        values = _triangular(rng.random(count), parameter.low, parameter.central, parameter.high)
    return np.clip(values, 0.0, 1.0) if parameter.bounded else values


@dataclass(frozen=True)
class Evaluation:
    """Per-draw present values (pounds at the scenario's price year) for arrays of inputs."""

    pv_costs: np.ndarray
    pv_benefits: np.ndarray
    pv_fiscal: np.ndarray
    payback_year: np.ndarray  # 1-based; 0 where it never pays back within the horizon
    partner_npv: dict[str, np.ndarray]


def evaluate(scenario: Scenario, values: dict[tuple[str, ...], np.ndarray], count: int) -> Evaluation:
    """The model over ``count`` draws at once. ``values`` maps a parameter key to an array of its
    values; any input not given stays at its central value. Same formulas as :mod:`roi.model`."""
    settings = scenario.settings
    horizon, programme = settings.horizon_years, settings.programme_years
    factors = discount_factors(scenario)
    funded = np.arange(horizon) < programme

    def get(key: tuple[str, ...], central: float) -> np.ndarray:
        found = values.get(key)
        return np.full(count, central) if found is None else found

    fiscal_year = np.zeros((count, horizon))
    cost_year = np.zeros((count, horizon))
    pv_benefits = np.zeros(count)
    pv_fiscal = np.zeros(count)
    partner_npv: dict[str, np.ndarray] = {}

    def credit(partner: str, amount: np.ndarray) -> None:
        partner_npv[partner] = partner_npv.get(partner, np.zeros(count)) + amount

    for intervention in scenario.interventions:
        iid = intervention.id
        cases = get(("intervention", iid, "cases_per_year"), intervention.cases_per_year)
        per_case = get(("intervention", iid, "cost_per_case"), intervention.cost_per_case)
        fixed = get(("intervention", iid, "fixed_cost_per_year"), intervention.fixed_cost_per_year)
        yearly_cost = (cases * per_case + fixed) * scenario.uprating_factor(intervention.price_year)
        costs = yearly_cost[:, None] * funded[None, :]
        cost_year += costs
        pv_cost = costs @ factors
        for funder, share in intervention.funded_by.items():
            credit(funder, -share * pv_cost)
        ob = optimism_bias(scenario, intervention)
        lines: list[tuple[np.ndarray, tuple]] = []
        if intervention.ratio is not None:
            ratio = intervention.ratio
            per_pound = get(("ratio", iid, "value_per_pound"), ratio.value_per_pound)
            adjust = (1 - ratio.deadweight) * (1 - ratio.displacement) * ratio.attribution * (1 - ob)
            lines.append(((per_pound * adjust)[:, None] * costs, ratio.benefit_split))
        for k, outcome in enumerate(intervention.outcomes):
            unit = scenario.unit_costs[outcome.unit_cost]

            def draw(name: str, central: float, k: int = k, iid: str = iid) -> np.ndarray:
                return get(("outcome", iid, str(k), name), central)

            value = get(("unit_cost", outcome.unit_cost, "value"), unit.value) * scenario.uprating_factor(
                unit.price_year
            )
            scale = (
                cases
                * draw("quantity_per_case", outcome.quantity_per_case)
                * value
                * (1 - draw("deadweight", outcome.deadweight))
                * (1 - draw("displacement", outcome.displacement))
                * draw("attribution", outcome.attribution)
                * (1 - ob)
            )
            # cohorts[a, t]: how many programme cohorts are aged a in year t (0 <= a < D).
            ages = np.arange(horizon)[None, :] - np.arange(programme)[:, None]
            cohorts = np.stack([(ages == a).sum(axis=0) for a in range(outcome.duration_years)]).astype(float)
            keep = 1.0 - draw("drop_off", outcome.drop_off)
            persisting = (keep[:, None] ** np.arange(outcome.duration_years)[None, :]) @ cohorts
            lines.append((scale[:, None] * persisting, unit.bearers()))
        for stream, bearers in lines:
            pv = stream @ factors
            for bearer in bearers:
                share_pv = bearer.share * pv
                pv_benefits += share_pv
                credit(bearer.partner, share_pv)
                if bearer.value_type in FISCAL_VALUE_TYPES:
                    pv_fiscal += share_pv
                    fiscal_year += bearer.share * stream
    pv_costs = cost_year @ factors
    covered = np.cumsum((fiscal_year - cost_year) * factors[None, :], axis=1) >= -0.005
    payback = np.where(covered.any(axis=1) & (pv_costs > 0), covered.argmax(axis=1) + 1, 0)
    return Evaluation(
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        pv_fiscal=pv_fiscal,
        payback_year=payback.astype(np.int16),
        partner_npv=partner_npv,
    )


def _safe_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), np.nan)


@dataclass(frozen=True)
class Simulation:
    """Monte Carlo results: one value per draw (pounds at the scenario's price year)."""

    scenario: Scenario
    draws: int
    seed: int
    distribution: str
    npv: np.ndarray
    bcr: np.ndarray
    fiscal_roi: np.ndarray
    pv_costs: np.ndarray
    pv_benefits: np.ndarray
    pv_fiscal: np.ndarray
    payback_year: np.ndarray
    partner_npv: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def prob_payback(self) -> float:
        """Share of draws in which discounted fiscal savings cover discounted costs within the horizon."""
        return float(np.mean(self.payback_year > 0))

    def percentiles(self) -> dict[str, dict[str, float | None]]:
        """P10, P50 and P90 of NPV, BCR and '£ saved per £1' (fiscal ROI)."""
        return {
            name: _p10_50_90(values)
            for name, values in (("npv", self.npv), ("bcr", self.bcr), ("fiscal_roi", self.fiscal_roi))
        }

    def by_partner(self) -> pd.DataFrame:
        """P10, P50 and P90 of each partner's NPV (benefits received less costs funded)."""
        partners = self.scenario.library.partners
        rows = []
        for partner in [p for p in partners if p in self.partner_npv]:
            p = _p10_50_90(self.partner_npv[partner])
            rows.append(
                {
                    "partner": partner,
                    "label": partners[partner].label,
                    "p10": p["p10"],
                    "p50": p["p50"],
                    "p90": p["p90"],
                }
            )
        return pd.DataFrame(rows, columns=["partner", "label", "p10", "p50", "p90"])

    def draws_frame(self, limit: int | None = 20_000) -> pd.DataFrame:
        """The draws as a tidy table for charts (the first ``limit`` draws)."""
        stop = self.draws if limit is None else min(limit, self.draws)
        return pd.DataFrame(
            {
                "draw": np.arange(stop),
                "npv": self.npv[:stop],
                "bcr": self.bcr[:stop],
                "fiscal_roi": self.fiscal_roi[:stop],
                "payback_year": self.payback_year[:stop],
            }
        )


def _p10_50_90(values: np.ndarray) -> dict[str, float | None]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"p10": None, "p50": None, "p90": None}
    p10, p50, p90 = np.percentile(finite, [10, 50, 90])
    return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}


def simulate(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 1,
    distribution: Distribution = "triangular",
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[float], None] | None = None,
) -> Simulation:
    """Draw every ranged input ``draws`` times and run the model on each draw, vectorised.

    Work proceeds in chunks of ``chunk`` draws, each with its own generator spawned from ``seed``,
    so memory stays bounded and the same seed (and chunk size) gives the same numbers.
    ``progress`` (if given) is called with the share done after each chunk.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if distribution not in ("triangular", "pert"):
        raise ValueError("distribution must be 'triangular' or 'pert'")
    uncertain = parameters(scenario)
    partners = [p for p in scenario.library.partners]
    npv = np.empty(draws)
    pv_costs, pv_benefits, pv_fiscal = np.empty(draws), np.empty(draws), np.empty(draws)
    payback = np.empty(draws, dtype=np.int16)
    partner_npv: dict[str, np.ndarray] = {}
    starts = range(0, draws, chunk)
    generators = np.random.SeedSequence(seed).spawn(len(starts))
    for index, (start, sequence) in enumerate(zip(starts, generators, strict=True)):
        count = min(chunk, draws - start)
        rng = np.random.default_rng(sequence)
        values = {p.key: _draw(rng, p, count, distribution) for p in uncertain}
        result = evaluate(scenario, values, count)
        stop = start + count
        pv_costs[start:stop], pv_benefits[start:stop] = result.pv_costs, result.pv_benefits
        pv_fiscal[start:stop], payback[start:stop] = result.pv_fiscal, result.payback_year
        npv[start:stop] = result.pv_benefits - result.pv_costs
        for partner in partners:
            if partner in result.partner_npv:
                partner_npv.setdefault(partner, np.zeros(draws))[start:stop] = result.partner_npv[partner]
        if progress is not None:
            progress((index + 1) / len(starts))
    return Simulation(
        scenario=scenario,
        draws=draws,
        seed=seed,
        distribution=distribution,
        npv=npv,
        bcr=_safe_ratio(pv_benefits, pv_costs),
        fiscal_roi=_safe_ratio(pv_fiscal, pv_costs),
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        pv_fiscal=pv_fiscal,
        payback_year=payback,
        partner_npv=partner_npv,
    )


def tornado(scenario: Scenario) -> pd.DataFrame:
    """One-way sensitivity: each parameter at its low and its high with the rest central, ranked by
    the swing in NPV (largest first). A parameter with a zero-width range has zero swing."""
    uncertain = parameters(scenario)
    count = 2 * len(uncertain)
    values = {}
    for i, p in enumerate(uncertain):
        column = np.full(count, p.central)
        column[2 * i], column[2 * i + 1] = p.low, p.high
        values[p.key] = column
    if not uncertain:
        return pd.DataFrame(columns=["parameter", "key", "central", "low", "high", "npv_low", "npv_high", "swing"])
    result = evaluate(scenario, values, count)
    npv = result.pv_benefits - result.pv_costs
    table = pd.DataFrame(
        {
            "parameter": [p.label for p in uncertain],
            "key": [".".join(p.key) for p in uncertain],
            "central": [p.central for p in uncertain],
            "low": [p.low for p in uncertain],
            "high": [p.high for p in uncertain],
            "npv_low": npv[0::2],
            "npv_high": npv[1::2],
        }
    )
    table["swing"] = (table["npv_high"] - table["npv_low"]).abs()
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def switching_values(scenario: Scenario, top: int = 5, iterations: int = 80) -> pd.DataFrame:
    """For the ``top`` parameters by swing: the value at which NPV would be zero, found by bisection
    within the parameter's low-high range, or None ('never within its range')."""
    ranked = tornado(scenario).head(top)
    by_key = {".".join(p.key): p for p in parameters(scenario)}
    chosen = [by_key[k] for k in ranked["key"]]
    if not chosen:
        return pd.DataFrame(columns=["parameter", "key", "central", "low", "high", "switching_value"])
    lows = np.array([p.low for p in chosen])
    highs = np.array([p.high for p in chosen])

    def npv_at(points: np.ndarray) -> np.ndarray:
        values = {}
        for i, p in enumerate(chosen):
            column = np.full(len(chosen), p.central)
            column[i] = points[i]
            values[p.key] = column
        result = evaluate(scenario, values, len(chosen))
        return result.pv_benefits - result.pv_costs

    at_low, at_high = npv_at(lows), npv_at(highs)
    crosses = np.sign(at_low) != np.sign(at_high)
    a, b, fa = lows.copy(), highs.copy(), at_low.copy()
    for _ in range(iterations):
        mid = (a + b) / 2
        fm = npv_at(mid)
        left = np.sign(fm) == np.sign(fa)
        a, fa = np.where(left, mid, a), np.where(left, fm, fa)
        b = np.where(left, b, mid)
    found = (a + b) / 2
    return pd.DataFrame(
        {
            "parameter": [p.label for p in chosen],
            "key": [".".join(p.key) for p in chosen],
            "central": [p.central for p in chosen],
            "low": lows,
            "high": highs,
            "switching_value": [float(v) if c else None for v, c in zip(found, crosses, strict=True)],
        }
    )


def with_parameter(scenario: Scenario, key: str, value: float) -> float:
    """NPV with one parameter (by its dotted key) set to ``value`` and the rest central."""
    parameter = next(p for p in parameters(scenario) if ".".join(p.key) == key)
    result = evaluate(scenario, {parameter.key: np.array([value])}, 1)
    return float(result.pv_benefits[0] - result.pv_costs[0])


def collapse_ranges(scenario: Scenario) -> Scenario:
    """A copy of the scenario with every range collapsed to its central value (for consistency checks)."""
    unit_costs = {k: v.model_copy(update={"low": v.value, "high": v.value}) for k, v in scenario.unit_costs.items()}
    interventions = []
    for i in scenario.interventions:
        outcomes = tuple(o.model_copy(update={"ranges": {}}) for o in i.outcomes)
        ratio = None if i.ratio is None else i.ratio.model_copy(update={"low": None, "high": None})
        interventions.append(i.model_copy(update={"ranges": {}, "outcomes": outcomes, "ratio": ratio}))
    return scenario.model_copy(update={"unit_costs": unit_costs, "interventions": tuple(interventions)})
