"""Uncertainty: vectorised Monte Carlo, one-way sensitivity (tornado) and switching values.

Every unit cost and effect parameter with a low-high range is drawn at once as numpy arrays, and the
one engine (:func:`roi.engine.model.evaluate`) runs on all draws together, in chunks so that memory stays
bounded for a million draws. With every range collapsed to its central value, each draw equals
:func:`roi.run` exactly (a test checks). Tornado and switching values re-run only the interventions
a parameter touches, so their cost grows in proportion to the number of parameters.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from roi.engine.correlation import correlate
from roi.engine.model import Evaluation, Result, Values, evaluate, position_in, provide_position
from roi.inputs.library import Scenario
from roi.inputs.limits import STANDARD_SEED
from roi.inputs.parameters import RANGE_BASIS, Parameter, parameters, shared_judgements, standard_draws

Distribution = Literal["triangular", "pert"]
DEFAULT_CHUNK = 50_000
# Where the random blocks fall (see chunk_size): each block has its own generator, so this rule is fixed
# (another would give other numbers for the same seed). It no longer bounds memory: MEMORY_BYTES does.
CHUNK_BYTES = 256_000_000
MEMORY_BYTES = 256_000_000  # the default bound on a simulation's memory (see simulate)
MIN_SLICE = 1_000  # draws evaluated at once, at the least, however tight the bound
DOMAIN_MULTIPLE = 20  # switching values are sought for money and quantities from 0 to 20 x central


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


def _safe_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), np.nan)


@dataclass(frozen=True)
class Simulation:
    """Monte Carlo results: one value per draw (pounds at the scenario's price year).

    Paybacks are 1-based years, 0 where there is none within the horizon (or nothing is spent).
    ``partner_*`` map a partner id to its per-draw present values: ``partner_costs`` what it funds,
    ``partner_cash`` the cashable savings it receives, ``partner_fiscal`` cash and freed capacity,
    ``partner_npv`` every value type less its costs. A partner's figure that no line reaches (the
    costs of a partner that funds nothing, say) is zero in every draw, and is one shared read-only
    array of zeros rather than a copy of its own."""

    scenario: Scenario
    draws: int
    seed: int
    distribution: str
    pv_costs: np.ndarray
    pv_benefits: np.ndarray
    pv_fiscal: np.ndarray
    pv_cashable: np.ndarray
    payback_year: np.ndarray
    cash_payback_year: np.ndarray
    partner_npv: dict[str, np.ndarray] = field(default_factory=dict)
    partner_costs: dict[str, np.ndarray] = field(default_factory=dict)
    partner_cash: dict[str, np.ndarray] = field(default_factory=dict)
    partner_fiscal: dict[str, np.ndarray] = field(default_factory=dict)
    partner_payback: dict[str, np.ndarray] = field(default_factory=dict)
    partner_cash_payback: dict[str, np.ndarray] = field(default_factory=dict)

    # Figures derived from the present values, computed when first read (a million draws of each is
    # 8 MB the simulation itself need not hold).

    @cached_property
    def npv(self) -> np.ndarray:
        return self.pv_benefits - self.pv_costs

    @cached_property
    def bcr(self) -> np.ndarray:
        return _safe_ratio(self.pv_benefits, self.pv_costs)

    @cached_property
    def fiscal_roi(self) -> np.ndarray:
        return _safe_ratio(self.pv_fiscal, self.pv_costs)

    @cached_property
    def cash_roi(self) -> np.ndarray:
        return _safe_ratio(self.pv_cashable, self.pv_costs)

    @property
    def cash_npv(self) -> np.ndarray:
        return self.pv_cashable - self.pv_costs

    @property
    def prob_payback(self) -> float:
        """Share of draws in which discounted fiscal savings cover discounted costs within the horizon."""
        return float(np.mean(self.payback_year > 0))

    @property
    def prob_cash_payback(self) -> float:
        """Share of draws in which discounted cashable savings alone cover discounted costs."""
        return float(np.mean(self.cash_payback_year > 0))

    def percentiles(self) -> dict[str, dict[str, float | None]]:
        """P10, P50 and P90 of NPV, BCR, '£ saved per £1' (fiscal ROI), cash NPV and cash £ per £1."""
        return {
            name: _p10_50_90(values)
            for name, values in (
                ("npv", self.npv),
                ("bcr", self.bcr),
                ("fiscal_roi", self.fiscal_roi),
                ("cash_npv", self.cash_npv),
                ("cash_roi", self.cash_roi),
            )
        }

    def by_partner(self) -> pd.DataFrame:
        """P10, P50 and P90 of each partner's NPV (benefits received less costs funded), and of its
        cash position (cashable savings less costs), with the chance its cash position is negative."""
        partners = self.scenario.library.partners
        rows = []
        for partner in [p for p in partners if p in self.partner_npv]:
            p = _p10_50_90(self.partner_npv[partner])
            cash = self.partner_cash[partner] - self.partner_costs[partner]
            c = _p10_50_90(cash)
            rows.append(
                {
                    "partner": partner,
                    "label": partners[partner].label,
                    "p10": p["p10"],
                    "p50": p["p50"],
                    "p90": p["p90"],
                    "cash_p10": c["p10"],
                    "cash_p50": c["p50"],
                    "cash_p90": c["p90"],
                    "prob_cash_negative": float(np.mean(cash < -0.005)),
                }
            )
        columns = ["partner", "label", "p10", "p50", "p90", "cash_p10", "cash_p50", "cash_p90", "prob_cash_negative"]
        return pd.DataFrame(rows, columns=columns)

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


def chunk_size(scenario: Scenario, requested: int = DEFAULT_CHUNK) -> int:
    """Draws per random block: each block has its own generator spawned from the seed, so where the
    blocks fall is part of what a seed means, and this rule is fixed (CHUNK_BYTES over a size by
    partner and year). Memory is bounded separately, by evaluating a block in slices (see :func:`simulate`)."""
    partners = len(scenario.library.partners)
    per_draw = 8 * scenario.settings.horizon_years * (4 * partners + 8)
    return max(1, min(requested, CHUNK_BYTES // per_draw))


def working_bytes(scenario: Scenario, partners: int) -> int:
    """An upper estimate of the engine's working memory a draw: its arrays by table (costs, benefits,
    fiscal, cash), partner and year and their running totals and payback tests (``partners`` taking
    part), every line's per-draw factors and every cost's yearly stream."""
    years = scenario.settings.horizon_years
    lines = sum(len(i.outcomes) + (i.ratio is not None) for i in scenario.interventions)
    costs = len(scenario.interventions)
    return 8 * years * (6 * partners + 8 + 3 * costs) + 8 * 8 * lines


# What a simulation keeps a draw, by partner: each array's name, the table whose partners have it.
_KEPT = {
    "partner_costs": ("costs",),
    "partner_cash": ("cash",),
    "partner_fiscal": ("fiscal",),
    "partner_npv": ("costs", "benefits"),
    "partner_payback": ("costs",),
    "partner_cash_payback": ("costs",),
}
_PER_DRAW = ("pv_costs", "pv_benefits", "pv_fiscal", "pv_cashable", "payback_year", "cash_payback_year")


def _dtype(name: str) -> type:
    return np.int16 if "payback" in name else np.float64


def simulate(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 1,
    distribution: Distribution = "triangular",
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[float], None] | None = None,
    memory: int = MEMORY_BYTES,
) -> Simulation:
    """Draw every ranged input ``draws`` times and run the engine on all draws at once.

    Draws come in random blocks of at most ``chunk`` (fewer where a long horizon makes a block's
    arrays large, see :func:`chunk_size`), each with its own generator spawned from ``seed``, so the
    same seed gives the same numbers. A block's inputs are drawn (and rank-correlated) together; the
    engine then evaluates them in slices small enough that what the simulation keeps (present values
    a draw, in total and by partner: about 200 bytes a draw for the district offer) and one slice's
    working arrays (:func:`working_bytes`) stay within ``memory`` bytes, with slices of at least
    MIN_SLICE draws. Only what the simulation keeps grows with the draws; where it alone passes
    ``memory``, slices are the smallest. Slicing never changes a figure: every draw is computed on
    its own. ``progress`` (if given) is called with the share done after each block; if it raises,
    the simulation stops there.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if seed < 0:
        raise ValueError("seed must be zero or more")
    if distribution not in ("triangular", "pert"):
        raise ValueError("distribution must be 'triangular' or 'pert'")
    uncertain = parameters(scenario)
    block = chunk_size(scenario, chunk)
    central = evaluate(scenario, {}, 1)  # which partners take part, and which figures each has: alike in every draw
    reached, taking_part = central.reached, list(central.partner_costs)
    kept_partners = {name: set().union(*(reached[t] for t in tables)) for name, tables in _KEPT.items()}
    kept = sum(np.dtype(_dtype(n)).itemsize for n in _PER_DRAW)
    kept += sum(np.dtype(_dtype(n)).itemsize * len(p) for n, p in kept_partners.items())
    drawn = 16 * len(uncertain) * min(block, draws)  # a block's inputs and their temporaries
    room = memory - kept * draws - drawn
    slice_size = max(MIN_SLICE, min(block, room // working_bytes(scenario, len(taking_part))))
    out = {name: np.empty(draws, dtype=_dtype(name)) for name in _PER_DRAW}
    partner: dict[str, dict[str, np.ndarray]] = {}
    for name, present in kept_partners.items():
        zeros = np.broadcast_to(np.zeros(1, dtype=_dtype(name)), (draws,))  # read-only, no memory a draw
        partner[name] = {p: np.empty(draws, dtype=_dtype(name)) if p in present else zeros for p in taking_part}
    starts = range(0, draws, block)
    generators = np.random.SeedSequence(seed).spawn(len(starts))
    for index, (start, sequence) in enumerate(zip(starts, generators, strict=True)):
        count = min(block, draws - start)
        rng = np.random.default_rng(sequence)
        values = {p.key: _draw(rng, p, count, distribution) for p in uncertain}
        values = correlate(scenario, values, rng)  # the scenario's rank correlations, if any
        for first in range(0, count, slice_size):
            last = min(count, first + slice_size)
            part = values if (first, last) == (0, count) else {k: v[first:last] for k, v in values.items()}
            result = evaluate(scenario, part, last - first)
            at = slice(start + first, start + last)
            for name in _PER_DRAW:
                out[name][at] = getattr(result, name)
            for name, present in kept_partners.items():
                source = result.partner_benefits if name == "partner_npv" else getattr(result, name)
                for pid in present:
                    target = partner[name][pid][at]
                    target[...] = source[pid]
                    if name == "partner_npv":
                        target -= result.partner_costs[pid]
            del result, part
        del values
        if progress is not None:
            progress((index + 1) / len(starts))
    return Simulation(scenario=scenario, draws=draws, seed=seed, distribution=distribution, **out, **partner)


# -- one-way sensitivity ---------------------------------------------------------------------------


def _touches(scenario: Scenario, parameter: Parameter) -> frozenset[str]:
    """The interventions whose streams a parameter enters."""
    kind, owner = parameter.key[0], parameter.key[1]
    if kind == "judgement":
        return frozenset(iid for (iid, _, _), key in shared_judgements(scenario).items() if key == parameter.key)
    if kind == "unit_cost":
        return frozenset(i.id for i in scenario.interventions if any(o.unit_cost == owner for o in i.outcomes))
    return frozenset({owner})


class _OneWay:
    """NPV with one parameter at a time moved to given values and the rest central.

    NPV is a sum over interventions, so only the interventions a parameter touches are re-run:
    NPV = central NPV + sum over touched interventions of (their NPV at the values - their central NPV).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        central = evaluate(scenario, {}, 1)
        self.npv = float(central.npv[0])
        self.by_intervention = {i: float(v[0]) for i, v in central.intervention_npv.items()}

    def npv_at(self, parameter: Parameter, points: np.ndarray) -> np.ndarray:
        """NPV at each of ``points`` for one parameter."""
        return self.many([(parameter, points)])[0]

    def many(self, moves: list[tuple[Parameter, np.ndarray]]) -> list[np.ndarray]:
        """For each (parameter, points): NPV at each point, batched by the set of interventions the
        parameters touch (one engine call for a shared judgement, however many interventions use it)."""
        out = [np.full(len(points), self.npv) for _, points in moves]
        rows: dict[frozenset[str], list[tuple[int, Parameter, np.ndarray]]] = {}
        for index, (parameter, points) in enumerate(moves):
            touched = _touches(self.scenario, parameter)
            if touched:
                rows.setdefault(touched, []).append((index, parameter, np.asarray(points, dtype=float)))
        for touched, moved in rows.items():
            count = sum(len(points) for _, _, points in moved)
            values: Values = {}
            offset = 0
            for _, parameter, points in moved:
                column = values.setdefault(parameter.key, np.full(count, parameter.central))
                column[offset : offset + len(points)] = points
                offset += len(points)
            by_intervention = evaluate(self.scenario, values, count, only=touched).intervention_npv
            change = sum(by_intervention[iid] - self.by_intervention[iid] for iid in touched)
            offset = 0
            for index, _, points in moved:
                out[index] += change[offset : offset + len(points)]
                offset += len(points)
        return out


def tornado(scenario: Scenario, max_seconds: float | None = None) -> pd.DataFrame:
    """One-way sensitivity: each parameter at its low and its high with the rest central, ranked by
    the swing in NPV (largest first). A parameter with a zero-width range has zero swing.

    Work is batched by intervention; with ``max_seconds`` the table stops growing once that budget
    is spent (so it returns within the budget and one batch; the first batch always runs).
    ``attrs`` say how far it got: ``complete`` (every parameter tried), ``checked`` and ``total``
    parameters, and ``seconds`` taken; :func:`stopped_note` puts them in words."""
    columns = ["parameter", "key", "central", "low", "high", "range_from", "moves", "npv_low", "npv_high", "swing"]
    started = time.perf_counter()
    uncertain = parameters(scenario)
    if not uncertain:
        table = pd.DataFrame(columns=columns)
        _progress(table, 0, 0, time.perf_counter() - started, max_seconds)
        return table
    one_way = _OneWay(scenario)
    done: list[tuple[Parameter, np.ndarray]] = []
    batch = max(1, 4_000 // max(1, len(scenario.interventions)))
    for first in range(0, len(uncertain), batch):
        if done and _spent(started, max_seconds):  # the first batch always runs
            break
        moves = [(p, np.array([p.low, p.high])) for p in uncertain[first : first + batch]]
        done += list(zip([p for p, _ in moves], one_way.many(moves), strict=True))
    table = pd.DataFrame(
        {
            "parameter": [p.label for p, _ in done],
            "key": [".".join(p.key) for p, _ in done],
            "central": [p.central for p, _ in done],
            "low": [p.low for p, _ in done],
            "high": [p.high for p, _ in done],
            "range_from": [RANGE_BASIS[p.basis] for p, _ in done],
            "moves": ["; ".join(p.moves) for p, _ in done],
            "npv_low": [float(n[0]) for _, n in done],
            "npv_high": [float(n[1]) for _, n in done],
        },
        columns=columns[:-1],
    )
    table["swing"] = (table["npv_high"] - table["npv_low"]).abs()
    table = table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    _progress(table, len(done), len(uncertain), time.perf_counter() - started, max_seconds)
    return table


def _spent(started: float, max_seconds: float | None) -> bool:
    return max_seconds is not None and time.perf_counter() - started > max_seconds


def _progress(
    table: pd.DataFrame, checked: int, total: int, seconds: float, max_seconds: float | None, sought: int | None = None
) -> None:
    """Record on a sensitivity table how far its work got (see :func:`stopped_note`)."""
    sought = len(table) if sought is None else sought
    table.attrs.update(
        {
            "complete": checked == total and sought == len(table),
            "checked": checked,
            "total": total,
            "sought": sought,
            "seconds": seconds,
            "max_seconds": max_seconds,
        }
    )


def stopped_note(table: pd.DataFrame) -> str:
    """An honest note for a tornado or switching-values table cut short by its time budget
    ("Stopped after 5.0 s: 1,234 of 11,523 ranged inputs checked ..."), or "" for a complete one."""
    attrs = table.attrs
    if attrs.get("complete", True):
        return ""
    note = f"Stopped after {attrs['seconds']:,.1f} s: {attrs['checked']:,} of {attrs['total']:,} ranged inputs checked."
    if attrs["checked"] < attrs["total"]:
        note += " The inputs that matter most are ranked among those checked only."
    if attrs["sought"] < len(table):
        note += f" Switching values were sought for {attrs['sought']:,} of the {len(table):,} inputs shown."
    return note


def domain(parameter: Parameter) -> tuple[float, float]:
    """The whole valid domain searched for a switching value: shares from 0 to 1; money, volumes
    and quantities from 0 to DOMAIN_MULTIPLE times the central value (or the high, if larger)."""
    if parameter.bounded:
        return 0.0, 1.0
    return 0.0, DOMAIN_MULTIPLE * max(parameter.central, parameter.high, 0.0)


def where_it_breaks_even(parameter: Parameter, value: float | None) -> str:
    """Plain words: where a switching value lies against the parameter's range."""
    if value is None:
        low, high = domain(parameter)
        return f"no value from {low:,.4g} to {high:,.4g} breaks even"
    if parameter.low <= value <= parameter.high:
        return "within its range"
    if value < parameter.low:
        gap = parameter.low - value
        return f"{gap / parameter.low:.0%} below its low" if parameter.low > 0 else "below its low"
    if parameter.high > 0:
        return f"{value / parameter.high:,.1f} times its high"
    return "above its high"


NOT_SOUGHT = "not sought: the time budget was spent"
SECTIONS = 256  # points a switching value's bracket is cut into in each round
TORNADO_SHARE = 0.8  # of a shared time budget, the most the tornado may use (see sensitivity_tables)


def switching_values(
    scenario: Scenario,
    top: int = 5,
    iterations: int = 4,
    grid: int = 41,
    max_seconds: float | None = None,
    ranked: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """For the ``top`` parameters by swing: the value at which NPV would be zero with the rest
    central, searched over the parameter's whole valid domain (see :func:`domain`), nearest to its
    central value; None where no value in the domain breaks even. ``where`` says how far outside
    the parameter's range the value lies.

    ``ranked`` is a tornado table of this scenario already computed (else one is computed). With
    ``max_seconds`` the work stops once that budget is spent, within one parameter's search (the
    first, which matters most, is always sought): the tornado (when computed here) gets at most
    TORNADO_SHARE of it, and a parameter not reached is listed with no value and ``where`` saying
    so. ``attrs`` say how far it got, as on :func:`tornado` (``checked`` and ``total``: inputs the
    ranking tried; ``sought``: rows searched), and :func:`stopped_note` puts them in words."""
    columns = ["parameter", "key", "central", "low", "high", "range_from", "switching_value", "where"]
    started = time.perf_counter()
    if ranked is None:
        ranked = tornado(scenario, None if max_seconds is None else max_seconds * TORNADO_SHARE)
        before = 0.0  # the ranking's time is within this call's
    else:
        before = float(ranked.attrs.get("seconds", 0.0))
    checked = int(ranked.attrs.get("checked", len(ranked)))
    total = int(ranked.attrs.get("total", len(ranked)))
    by_key = {".".join(p.key): p for p in parameters(scenario)}
    chosen = [by_key[k] for k in ranked.head(top)["key"]]
    if not chosen:
        table = pd.DataFrame(columns=columns)
        _progress(table, checked, total, before + time.perf_counter() - started, max_seconds)
        return table
    one_way = _OneWay(scenario)
    found: list[float | None] = []
    sought = 0
    for parameter in chosen:
        if sought and _spent(started, max_seconds):  # the input that matters most is always sought
            break
        sought += 1
        low, high = domain(parameter)
        points = np.unique(np.concatenate([np.linspace(low, high, grid), [parameter.central]]))
        npv = one_way.npv_at(parameter, points)
        signs = np.sign(npv)
        if (signs == 0).any():
            zeros = points[signs == 0]
            found.append(float(zeros[np.argmin(np.abs(zeros - parameter.central))]))
            continue
        changes = np.flatnonzero(signs[:-1] != signs[1:])
        if changes.size == 0:
            found.append(None)
            continue
        nearest = changes[np.argmin(np.abs(points[changes] - parameter.central))]
        a, b = points[nearest], points[nearest + 1]
        sign_a = signs[nearest]
        # 256-section: each round narrows the bracket 256-fold (four rounds: 2^32, as eight rounds of
        # sixteen did), in half the engine calls; a call's cost hardly depends on its number of points.
        for _ in range(iterations):
            inner = np.linspace(a, b, SECTIONS + 1)
            values = one_way.npv_at(parameter, inner)
            flip = np.flatnonzero(np.sign(values) != sign_a)
            j = int(flip[0]) if flip.size else SECTIONS
            a, b = inner[max(j - 1, 0)], inner[j]
        found.append(float((a + b) / 2))
    where = [where_it_breaks_even(p, v) for p, v in zip(chosen, found, strict=False)]
    found += [None] * (len(chosen) - sought)
    where += [NOT_SOUGHT] * (len(chosen) - sought)
    table = pd.DataFrame(
        {
            "parameter": [p.label for p in chosen],
            "key": [".".join(p.key) for p in chosen],
            "central": [p.central for p in chosen],
            "low": [p.low for p in chosen],
            "high": [p.high for p in chosen],
            "range_from": [RANGE_BASIS[p.basis] for p in chosen],
            "switching_value": found,
            "where": where,
        },
        columns=columns,
    )
    _progress(table, checked, total, before + time.perf_counter() - started, max_seconds, sought)
    return table


def sensitivity_tables(
    scenario: Scenario, top: int = 5, max_seconds: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tornado and the switching values of its ``top`` parameters, within one time budget: the
    tornado gets at most TORNADO_SHARE of ``max_seconds``, the switching values what is left (see
    :func:`stopped_note` for the words to show when either was cut short)."""
    started = time.perf_counter()
    table = tornado(scenario, None if max_seconds is None else max_seconds * TORNADO_SHARE)
    left = None if max_seconds is None else max(0.0, max_seconds - (time.perf_counter() - started))
    return table, switching_values(scenario, top, max_seconds=left, ranked=table)


def with_parameter(scenario: Scenario, key: str, value: float) -> float:
    """NPV with one parameter (by its dotted key) set to ``value`` and the rest central."""
    parameter = next(p for p in parameters(scenario) if ".".join(p.key) == key)
    return float(_OneWay(scenario).npv_at(parameter, np.array([value]))[0])


def collapse_ranges(scenario: Scenario) -> Scenario:
    """A copy of the scenario with every range collapsed to its central value (for consistency checks)."""
    unit_costs = {k: v.model_copy(update={"low": v.value, "high": v.value}) for k, v in scenario.unit_costs.items()}
    interventions = []
    for i in scenario.interventions:
        outcomes = tuple(o.model_copy(update={"ranges": {}}) for o in i.outcomes)
        ratio = None if i.ratio is None else i.ratio.model_copy(update={"low": None, "high": None})
        interventions.append(i.model_copy(update={"ranges": {}, "outcomes": outcomes, "ratio": ratio}))
    return scenario.model_copy(update={"unit_costs": unit_costs, "interventions": tuple(interventions)})


def central_position(result: Result) -> dict[str, Any]:
    """Where the central NPV falls in the scenario's standard simulation (:func:`standard_draws` draws,
    seed 1): its percentile, P10/P25/P50/P75/P90, whether it lies outside P25-P75, and the headline NPV
    (the central one, or the median if the settings ask for it). Computed once per scenario and kept
    with it; ``result.totals`` reads it from here (roi.engine.model.provide_position)."""
    scenario = result.scenario
    cached = scenario._derived.get("central_position")
    if cached is None:
        draws = standard_draws(scenario)
        sim = simulate(scenario, draws, STANDARD_SEED)
        central = float(result.evaluation.npv[0])
        cached = position_in(central, sim.npv)
        headline = scenario.settings.headline
        cached.update(
            {
                "headline": headline,
                "headline_npv": cached["npv_p50"] if headline == "median" else central,
                "position_draws": draws,
            }
        )
        scenario._derived["central_position"] = cached
    return dict(cached)


provide_position(central_position)


def simulation_for(scenario: Scenario, draws: int, seed: int) -> Simulation | None:
    """A Monte Carlo of the scenario (per-partner draws for the chance of losing cash), or None for
    no draws."""
    return simulate(scenario, draws, seed) if draws > 0 else None


__all__ = [
    "Evaluation",
    "Parameter",
    "simulation_for",
    "Simulation",
    "central_position",
    "collapse_ranges",
    "parameters",
    "sensitivity_tables",
    "simulate",
    "stopped_note",
    "switching_values",
    "tornado",
    "with_parameter",
]
