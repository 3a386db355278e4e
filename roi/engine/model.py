"""The one engine: a resolved scenario and any number of draws of its inputs in, present values out.

Symbols follow docs/method.md. For intervention i funded in programme years p = 0..P-1 with n_i
cases a year, outcome k of unit cost c_k (uprated), quantity q_k per case, sign s_k (+1 if the
outcome avoids the cost, -1 if it incurs one), lag L_k, deadweight dw, displacement dp, attribution
at, drop-off d, duration D, appraisal year t = 0..H-1 and cohort age a = t - p - L_k (0 <= a < D):

    benefit_ikt = s_k n_i q_k (1 - dw)(1 - dp) at (1 - d)^a c_k (1 - OB_i)
    cost_it     = (n_i cost_per_case_i + fixed_i)(1 + COB_i)      for t < P, shared across funders
    PV(x)       = sum_t x_t DF_t,   DF_0 = 1,  DF_t = DF_{t-1} / (1 + r_t)

An outcome whose quantity follows another's (``quantity_follows``: the same people) has, in every
draw, q_k = q_lead x (central q_k / central q_lead).

:func:`build` computes every stream as numpy arrays over (draws x years), one line per
intervention x outcome; :func:`evaluate` reduces them to present values by draw and partner;
:func:`run` is the same engine with a single draw at the central values, laid out as tidy tables.
The Python loops are over interventions and outcomes (and the years of a running total), never
over draws.
All amounts are pounds at the scenario's price year.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from roi.engine.overlaps import DoubleCount, find, notes, remove_overlaps
from roi.inputs.checks import check_gain_share
from roi.inputs.formats import financial_year, percent
from roi.inputs.library import Scenario, uprating_note
from roi.inputs.parameters import shared_judgements
from roi.inputs.schema import FISCAL_VALUE_TYPES, VALUE_TYPES, Bearer, Intervention, Outcome, follow_target

# Stages a benefit passes through, gross to net (before discounting); the waterfall's steps.
STAGES = ("gross", "after_drop_off", "after_deadweight", "after_displacement", "after_attribution", "amount")
STAGE_LABELS = {
    "gross": "Gross benefit",
    "after_drop_off": "Drop-off",
    "after_deadweight": "Deadweight",
    "after_displacement": "Displacement",
    "after_attribution": "Attribution",
    "amount": "Optimism bias",
}


# The one simulation of a scenario, wherever its range is shown (Overview, Uncertainty page by default,
# board pack): the same count, seed and distribution, so every page gives the same P10-P90.

Values = dict[tuple[str, ...], np.ndarray]
PAYBACK_TOLERANCE = 1e-9  # relative: rounding in sums of thousands of pounds, never pence of real money


def discount_factors(scenario: Scenario, schedule: str | None = None, horizon: int | None = None) -> np.ndarray:
    """DF_t for t = 0..H-1 on ``schedule`` (default: the scenario's own rate or schedule); ``horizon``
    (default: the scenario's) sets H.

    Year 0 is undiscounted and DF_t = DF_{t-1} / (1 + r_t), where r_t is the rate of the band that
    year t falls in. So with the Green Book's 3.5% for years 0-30 and 3.0% from year 31,
    DF_30 = 1 / 1.035^30 and DF_31 = DF_30 / 1.03, as HM Treasury's own tables give."""
    settings = scenario.settings
    horizon = horizon or settings.horizon_years
    if schedule is None and settings.discount_rate is not None:
        rates = np.full(horizon, settings.discount_rate)
    else:
        bands = scenario.library.discount_schedules[schedule or settings.discount_schedule].bands
        starts = np.array([b.from_year for b in bands])
        band_rates = np.array([b.rate for b in bands])
        rates = band_rates[np.searchsorted(starts, np.arange(horizon), side="right") - 1]
    return np.concatenate(([1.0], np.cumprod(1.0 / (1.0 + rates[1:]))))


def health_discount_factors(scenario: Scenario, horizon: int | None = None) -> np.ndarray:
    """DF_t for health effects (unit costs with ``health_effect``): a constant
    ``health_discount_rate`` where one is set, else ``health_discount_schedule``. A constant
    ``discount_rate`` never reaches health effects on its own; :func:`_discount_warnings` says so."""
    settings = scenario.settings
    if settings.health_discount_rate is None:
        return discount_factors(scenario, settings.health_discount_schedule, horizon)
    horizon = horizon or settings.horizon_years
    return 1.0 / (1.0 + settings.health_discount_rate) ** np.arange(horizon)


def effect_confidence(intervention: Intervention, outcome: Outcome | None = None) -> str:
    """The grade of an effect: the outcome's own ``confidence``, else the intervention's."""
    if outcome is not None and outcome.confidence is not None:
        return outcome.confidence
    return intervention.confidence


def optimism_bias(scenario: Scenario, intervention: Intervention, outcome: Outcome | None = None) -> float:
    """OB on benefits: the intervention's own, else the scenario's, else the table by the grade of the
    effect (``outcome``'s own grade where it has one, else the intervention's ``confidence``)."""
    if intervention.optimism_bias is not None:
        return intervention.optimism_bias
    settings = scenario.settings
    if settings.optimism_bias is not None:
        return settings.optimism_bias
    grade = effect_confidence(intervention, outcome)
    table = settings.optimism_bias_by_confidence or scenario.library.optimism_bias.by_confidence
    return table.get(grade, scenario.library.optimism_bias.by_confidence[grade])


def cost_optimism_bias(scenario: Scenario, intervention: Intervention) -> float:
    """COB_i, the uplift on costs: the intervention's own, else the scenario's, else the table by the
    grade of the cost figure (``cost_confidence``), never by the grade of the effect."""
    if intervention.cost_optimism_bias is not None:
        return intervention.cost_optimism_bias
    if scenario.settings.cost_optimism_bias is not None:
        return scenario.settings.cost_optimism_bias
    return scenario.library.optimism_bias.costs_by_confidence[intervention.cost_confidence]


@functools.lru_cache(maxsize=1024)
def cohort_counts(horizon: int, programme_years: int, duration: int, lag: int) -> np.ndarray:
    """counts[a, t]: how many programme cohorts are aged a (0 <= a < D) in appraisal year t, where a
    cohort funded in year p is aged t - p - lag. Read-only: kept for the next call with the same shape
    (the tornado and switching values build the same outcomes hundreds of times)."""
    age = np.arange(horizon)[None, :] - np.arange(programme_years)[:, None] - lag
    counts = np.stack([(age == a).sum(axis=0) for a in range(duration)]).astype(float)
    counts.flags.writeable = False
    return counts


def spread(costs: np.ndarray, years: int) -> np.ndarray:
    """Each year's amount (rows are years) spread evenly over ``years`` years from that year, cut
    at the horizon."""
    out = np.zeros_like(costs)
    horizon = costs.shape[0]
    for lag in range(min(years, horizon)):
        out[lag:] += costs[: horizon - lag] / years
    return out


@dataclass(frozen=True)
class CostLine:
    """The cost of one intervention by year and draw, before the optimism-bias uplift."""

    intervention: str
    funded_by: dict[str, float]
    base: np.ndarray  # (years, draws)
    uplift: float  # COB_i

    @property
    def amount(self) -> np.ndarray:
        return self.base * (1.0 + self.uplift)


@dataclass(frozen=True)
class Line:
    """One benefit stream (an intervention's outcome, or its ratio), with the factors that take it
    from gross to net, and who receives it. Arrays are (years, draws); a profile that does not vary
    by draw is (years, 1) and broadcasts."""

    intervention: str
    outcome: str
    effect: str
    health: bool
    bearers: tuple[Bearer, ...]  # cashable share already applied: shares sum to 1
    scale: np.ndarray  # (draws,) pounds per live cohort-year, signed: an incurred cost is negative
    live: np.ndarray  # live cohorts by year, at full effect
    persisting: np.ndarray  # live cohorts by year, weighted by (1 - d)^a
    deadweight: np.ndarray  # (draws,)
    displacement: np.ndarray
    attribution: np.ndarray
    optimism_bias: float
    unit_value: np.ndarray | None = None  # (draws,) pounds per unit of the outcome; None for a ratio

    def units(self) -> np.ndarray:
        """Units of the outcome avoided (negative: incurred) by year and draw, after every adjustment."""
        amount = self.amount()
        value = np.where(self.unit_value > 0, self.unit_value, 1.0)
        return np.where(self.unit_value > 0, amount / value, 0.0)  # a unit worth nothing counts no units

    def stages(self) -> dict[str, np.ndarray]:
        """Every stage from gross to net, each (years, draws)."""
        after_drop_off = self.persisting * self.scale
        after_deadweight = after_drop_off * (1.0 - self.deadweight)
        after_displacement = after_deadweight * (1.0 - self.displacement)
        after_attribution = after_displacement * self.attribution
        return {
            "gross": self.live * self.scale,
            "after_drop_off": after_drop_off,
            "after_deadweight": after_deadweight,
            "after_displacement": after_displacement,
            "after_attribution": after_attribution,
            "amount": after_attribution * (1.0 - self.optimism_bias),
        }

    def amount(self) -> np.ndarray:
        """The net stream (years, draws), before discounting: the last of :meth:`stages`."""
        net = (1.0 - self.deadweight) * (1.0 - self.displacement) * self.attribution * (1.0 - self.optimism_bias)
        return self.persisting * (self.scale * net)


def cash_split(bearers: tuple[Bearer, ...], cashable_share: float | None) -> tuple[Bearer, ...]:
    """Bearers with each fiscal share divided into cash (``cashable_share``) and capacity."""
    if cashable_share is None:
        return bearers
    out = []
    for bearer in bearers:
        if bearer.value_type not in FISCAL_VALUE_TYPES:
            out.append(bearer)
            continue
        for value_type, part in (("fiscal_cashable", cashable_share), ("fiscal_non_cashable", 1 - cashable_share)):
            share = bearer.share * part
            if share > 0:  # a share too small to represent is nothing
                out.append(Bearer(partner=bearer.partner, value_type=value_type, share=share))
    return tuple(out)


def build(
    scenario: Scenario, values: Values, count: int, only: frozenset[str] | None = None
) -> tuple[list[CostLine], list[Line]]:
    """Every cost and benefit stream of the scenario for ``count`` draws.

    ``values`` maps a parameter key (see :func:`roi.inputs.parameters.parameters`) to an array of ``count``
    values; an input not given stays at its central value. ``only`` restricts the work to some
    interventions (the others contribute nothing), which keeps one-way sensitivity linear in the
    number of parameters."""
    settings = scenario.settings
    horizon, programme = settings.horizon_years, settings.programme_years
    funded = (np.arange(horizon) < programme).astype(float)[:, None]

    def get(key: tuple[str, ...], central: float) -> np.ndarray:
        found = values.get(key)
        return np.full(count, float(central)) if found is None else np.asarray(found, dtype=float)

    cost_lines: list[CostLine] = []
    lines: list[Line] = []
    shared = shared_judgements(scenario) if values else {}
    for intervention in scenario.interventions:
        iid = intervention.id
        if only is not None and iid not in only:
            continue
        cases = get(("intervention", iid, "cases_per_year"), intervention.cases_per_year)
        per_case = get(("intervention", iid, "cost_per_case"), intervention.cost_per_case)
        fixed = get(("intervention", iid, "fixed_cost_per_year"), intervention.fixed_cost_per_year)
        base = funded * ((cases * per_case + fixed) * scenario.uprating_factor(intervention.price_year))
        cost_lines.append(CostLine(iid, dict(intervention.funded_by), base, cost_optimism_bias(scenario, intervention)))
        ob = optimism_bias(scenario, intervention)
        if intervention.ratio is not None:
            ratio = intervention.ratio
            # The ratio is '£ per £1 spent' on the service as planned: it applies to the cost before
            # the optimism-bias uplift, which is an expected overrun that buys no extra benefit.
            profile = spread(base, ratio.horizon_years)
            lines.append(
                Line(
                    iid,
                    "ratio",
                    "avoids",
                    False,
                    ratio.benefit_split,
                    get(("ratio", iid, "value_per_pound"), ratio.value_per_pound),
                    profile,
                    profile,
                    np.full(count, ratio.deadweight),
                    np.full(count, ratio.displacement),
                    np.full(count, ratio.attribution),
                    ob,
                )
            )
        for k, outcome in enumerate(intervention.outcomes):
            unit = scenario.unit_costs[outcome.unit_cost]

            def draw(name: str, central: float, k: int = k, iid: str = iid) -> np.ndarray:
                return get(shared.get((iid, k, name), ("outcome", iid, str(k), name)), central)

            if outcome.quantity_follows is None:
                quantity = draw("quantity_per_case", outcome.quantity_per_case)
            else:  # q_k = q_lead x (q_k central / q_lead central): the lead's draw over its central, times
                # this central (at the central values lead / central is exactly 1, so run is unchanged)
                j = follow_target(intervention.outcomes, outcome.quantity_follows)
                lead = intervention.outcomes[j].quantity_per_case
                quantity = outcome.quantity_per_case * (draw("quantity_per_case", lead, k=j) / lead)

            value = get(("unit_cost", outcome.unit_cost, "value"), unit.value) * scenario.uprating_factor(
                unit.price_year
            )
            sign = -1.0 if outcome.effect == "incurs" else 1.0
            counts = cohort_counts(horizon, programme, outcome.duration_years, outcome.lag_years)  # (D, H)
            key = shared.get((iid, k, "drop_off"), ("outcome", iid, str(k), "drop_off"))
            if key in values:
                keep = 1.0 - np.asarray(values[key], dtype=float)
                persisting = counts.T @ (keep[None, :] ** np.arange(outcome.duration_years)[:, None])
            else:
                persisting = (counts.T @ ((1.0 - outcome.drop_off) ** np.arange(outcome.duration_years)))[:, None]
            lines.append(
                Line(
                    iid,
                    outcome.unit_cost,
                    outcome.effect,
                    unit.health_effect,
                    cash_split(unit.bearers(), outcome.cashable_share),
                    sign * cases * quantity * value,
                    counts.sum(axis=0)[:, None],
                    persisting,
                    draw("deadweight", outcome.deadweight),
                    draw("displacement", outcome.displacement),
                    draw("attribution", outcome.attribution),
                    optimism_bias(scenario, intervention, outcome),
                    value,
                )
            )
    lines = remove_overlaps(scenario, lines)  # double counting the user declared, removed once (roi.engine.overlaps)
    return cost_lines, lines


TRANSFER = "gain_share"  # the 'intervention' of payments between partners under an applied gain share


def capped_payments(units: np.ndarray, price: float, cap: float | None) -> np.ndarray:
    """Gain-share payments: price x units avoided (none for units added), at most ``cap`` a year."""
    payments = price * np.clip(units, 0, None)
    return payments if cap is None else np.minimum(payments, cap)


def transfers(scenario: Scenario, lines: list[Line]) -> list[tuple[str, np.ndarray]]:
    """Payments between partners under a deal applied to the scenario (see roi.analysis.deal), by year and
    draw: (payer, +payments) and (receiver, -payments), which sum to nothing. The payer pays a
    price per unit of a named outcome avoided, across every intervention, up to a cap a year."""
    deal = scenario.spec.deal
    if deal is None or deal.gain_share is None:
        return []
    terms = deal.gain_share
    check_gain_share(scenario, terms, scenario.file)
    named = [line for line in lines if line.outcome == terms.outcome]
    units = sum((line.units() for line in named), np.zeros_like(named[0].amount())) if named else 0.0
    payments = capped_payments(units, terms.price, terms.cap)
    return [(terms.payer, payments), (terms.receiver, -payments)]


def cumulative(x: np.ndarray) -> np.ndarray:
    """Running totals along the first axis (years). A step per year, each vectorised over the
    other axes: numpy's cumsum along an outer axis is about fifteen times slower here."""
    out = np.empty_like(x)
    if len(x):
        out[0] = x[0]
    for t in range(1, len(x)):
        np.add(out[t - 1], x[t], out=out[t])
    return out


def payback_years(saved: np.ndarray, spent: np.ndarray) -> np.ndarray:
    """First year (1 = the first) by whose end cumulative discounted savings cover cumulative
    discounted costs, by draw; 0 where they never do within the horizon, or where nothing is spent.

    ``saved`` and ``spent`` are present values with years on the first axis (any further axes are
    draws, or partners and draws). The tolerance is relative to what has been spent, so a cost of a
    fraction of a penny with no saving does not 'pay back'."""
    return _payback(cumulative(saved), cumulative(spent))


def first_payback_year(saved: np.ndarray, spent: np.ndarray) -> int | None:
    """:func:`payback_years` of one series (years only, such as one partner's discounted flows): the
    first year (1 = the first), or None where there is none within the horizon or nothing is spent."""
    return _year_or_none(payback_years(saved[:, None], spent[:, None])[0])


def _payback(cum_saved: np.ndarray, cum_spent: np.ndarray, axis: int = 0) -> np.ndarray:
    """:func:`payback_years` from running totals, with years on ``axis``."""
    covered = (cum_spent > 0) & (cum_saved >= cum_spent * (1.0 - PAYBACK_TOLERANCE))
    return np.where(covered.any(axis=axis), covered.argmax(axis=axis) + 1, 0).astype(np.int16)


@dataclass(frozen=True)
class Evaluation:
    """Present values by draw (pounds at the scenario's price year), in total and by partner.

    Paybacks are 1-based years, 0 where there is none within the horizon (or nothing is spent)."""

    pv_costs: np.ndarray
    pv_costs_base: np.ndarray
    pv_benefits: np.ndarray
    pv_fiscal: np.ndarray
    pv_cashable: np.ndarray
    payback_year: np.ndarray
    cash_payback_year: np.ndarray
    partner_costs: dict[str, np.ndarray]
    partner_benefits: dict[str, np.ndarray]
    partner_fiscal: dict[str, np.ndarray]
    partner_cash: dict[str, np.ndarray]
    partner_payback: dict[str, np.ndarray]
    partner_cash_payback: dict[str, np.ndarray]
    intervention_npv: dict[str, np.ndarray]
    # For each of TABLES, the partners some line reaches: another partner's figure is zero in every draw.
    reached: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def npv(self) -> np.ndarray:
        return self.pv_benefits - self.pv_costs

    @property
    def cash_npv(self) -> np.ndarray:
        return self.pv_cashable - self.pv_costs

    @property
    def partner_npv(self) -> dict[str, np.ndarray]:
        """Each partner's benefits received (every value type) less the costs it funds."""
        return {p: self.partner_benefits[p] - self.partner_costs[p] for p in self.partner_costs}

    @property
    def partner_cash_npv(self) -> dict[str, np.ndarray]:
        return {p: self.partner_cash[p] - self.partner_costs[p] for p in self.partner_costs}

    @property
    def partner_fiscal_npv(self) -> dict[str, np.ndarray]:
        return {p: self.partner_fiscal[p] - self.partner_costs[p] for p in self.partner_costs}


def evaluate(scenario: Scenario, values: Values, count: int, only: frozenset[str] | None = None) -> Evaluation:
    """The engine over ``count`` draws at once: present values in total, by partner and by
    intervention, and each partner's payback on its own savings against its own costs."""
    return evaluate_lines(scenario, *build(scenario, values, count, only), count)


TABLES = ("costs", "benefits", "fiscal", "cash")


def discount_columns(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """The standard and health discount factors as read-only columns (years, 1), kept with the scenario:
    what every present value of a line uses (the engine here, roi.engine.overlaps for the pounds at stake)."""
    cached = scenario._derived.get("factors")
    if cached is None:
        cached = (discount_factors(scenario)[:, None], health_discount_factors(scenario)[:, None])
        for array in cached:
            array.flags.writeable = False
        scenario._derived["factors"] = cached
    return cached


def evaluate_lines(scenario: Scenario, cost_lines: list[CostLine], lines: list[Line], count: int) -> Evaluation:
    """Reduce built streams (see :func:`build`) to present values by draw, partner and year.

    Its arrays by table, partner and year are for these ``count`` draws only: a caller with many draws
    evaluates them in slices (roi.engine.uncertainty.simulate)."""
    settings = scenario.settings
    factors, health = discount_columns(scenario)
    moved = transfers(scenario, lines)
    involved = {f for line in cost_lines for f in line.funded_by} | {b.partner for line in lines for b in line.bearers}
    involved |= {partner for partner, _ in moved}
    present = [p for p in scenario.library.partners if p in involved]
    index = {p: j for j, p in enumerate(present)}
    # by_year[table, partner] is (years, draws) of present values, summed line by line; each slice is
    # contiguous, so a line adds to it in one pass.
    by_year = np.zeros((len(TABLES), len(present), settings.horizon_years, count))
    costs, benefits, fiscal, cash = by_year
    reached: dict[str, set[str]] = {table: set() for table in TABLES}
    pv_costs_base = np.zeros(count)
    intervention_npv: dict[str, np.ndarray] = {}
    for line in cost_lines:
        pv_by_year = line.base * factors
        pv_base = pv_by_year.sum(axis=0)
        pv_costs_base += pv_base
        intervention_npv[line.intervention] = -(1.0 + line.uplift) * pv_base
        for funder, share in line.funded_by.items():
            costs[index[funder]] += (share * (1.0 + line.uplift)) * pv_by_year
            reached["costs"].add(funder)
    for partner, payments in moved:
        costs[index[partner]] += payments * factors
        reached["costs"].add(partner)
    for line in lines:
        pv_by_year = line.amount() * (health if line.health else factors)
        intervention_npv[line.intervention] = intervention_npv[line.intervention] + pv_by_year.sum(axis=0)
        for bearer in line.bearers:
            j = index[bearer.partner]
            share = bearer.share * pv_by_year
            benefits[j] += share
            reached["benefits"].add(bearer.partner)
            if bearer.value_type in FISCAL_VALUE_TYPES:
                fiscal[j] += share
                reached["fiscal"].add(bearer.partner)
                if bearer.value_type == "fiscal_cashable":
                    cash[j] += share
                    reached["cash"].add(bearer.partner)
    # One running total serves every payback; its last year is each present value. Summed in place,
    # year by year (the same additions as a running total into a new array).
    for t in range(1, settings.horizon_years):
        np.add(by_year[:, :, t - 1], by_year[:, :, t], out=by_year[:, :, t])
    running = by_year  # (tables, partners, years, draws)
    pv = running[:, :, -1]  # (tables, partners, draws)
    overall = running.sum(axis=1)  # (tables, years, draws)
    spent, spent_total = running[0], overall[0]

    def by_partner(array: np.ndarray) -> dict[str, np.ndarray]:
        return dict(zip(present, array, strict=True))

    return Evaluation(
        pv_costs=overall[0, -1],
        pv_costs_base=pv_costs_base,
        pv_benefits=overall[1, -1],
        pv_fiscal=overall[2, -1],
        pv_cashable=overall[3, -1],
        payback_year=_payback(overall[2], spent_total),
        cash_payback_year=_payback(overall[3], spent_total),
        partner_costs=by_partner(pv[0]),
        partner_benefits=by_partner(pv[1]),
        partner_fiscal=by_partner(pv[2]),
        partner_cash=by_partner(pv[3]),
        partner_payback=by_partner(_payback(running[2], spent, axis=1)),
        partner_cash_payback=by_partner(_payback(running[3], spent, axis=1)),
        intervention_npv=intervention_npv,
        reached={table: frozenset(partners) for table, partners in reached.items()},
    )


def position_in(central: float, draws: np.ndarray) -> dict[str, Any]:
    """Where a central NPV falls among simulated NPVs: its percentile (the share of draws below it,
    ties counted as half), P10/P25/P50/P75/P90, and whether it lies outside P25-P75."""
    finite = draws[np.isfinite(draws)]
    p10, p25, p50, p75, p90 = (float(v) for v in np.percentile(finite, [10, 25, 50, 75, 90]))
    if p90 - p10 < 0.005:  # no ranges: the central estimate is the whole distribution
        percentile, outside = 50.0, False
    else:
        percentile = float(100.0 * (np.mean(finite < central) + np.mean(finite <= central)) / 2.0)
        outside = central < p25 - 0.005 or central > p75 + 0.005
    return {
        "central_percentile": percentile,
        "npv_p10": p10,
        "npv_p25": p25,
        "npv_p50": p50,
        "npv_p75": p75,
        "npv_p90": p90,
        "central_outside_iqr": bool(outside),
    }


# Where the central NPV falls in the scenario's own standard simulation. The simulation is built on this
# module (roi.engine.uncertainty), so it registers the function that computes the position here, and
# a result's totals ask it only when one of these keys is read.
POSITION_KEYS = (
    "central_percentile",
    "npv_p10",
    "npv_p25",
    "npv_p50",
    "npv_p75",
    "npv_p90",
    "central_outside_iqr",
    "headline",
    "headline_npv",
    "position_draws",
)
_position_source: list[Callable[[Result], dict[str, Any]]] = []


def provide_position(source: Callable[[Result], dict[str, Any]]) -> None:
    """Register how a result's position in its standard simulation is computed (roi.engine.uncertainty
    does, when it is imported; ``import roi`` always imports it)."""
    _position_source[:] = [source]


class Totals(Mapping[str, Any]):
    """A result's headline figures: the engine's own, computed with the run, and the central NPV's
    position in the scenario's standard simulation (POSITION_KEYS), computed the first time one of
    them is read and then kept with the scenario. Reading ``totals["npv"]`` never runs a simulation."""

    def __init__(self, figures: dict[str, Any], result: Result) -> None:
        self._figures = figures
        self._result = result

    def _position(self) -> dict[str, Any]:
        if not _position_source:
            raise RuntimeError("no simulation registered: import roi (roi.engine.uncertainty registers it)")
        return _position_source[0](self._result)

    def __getitem__(self, key: str) -> Any:
        if key in self._figures:
            return self._figures[key]
        if key in POSITION_KEYS:
            return self._position()[key]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:  # without this, Mapping would read the key (a simulation)
        return key in self._figures or key in POSITION_KEYS

    def __iter__(self) -> Iterator[str]:
        yield from self._figures
        yield from POSITION_KEYS

    def __len__(self) -> int:
        return len(self._figures) + len(POSITION_KEYS)

    def figures(self) -> dict[str, Any]:
        """The engine's own totals alone (no simulation)."""
        return dict(self._figures)

    def __repr__(self) -> str:
        return f"Totals({self._figures!r}, position on demand)"


def _year_or_none(year: int) -> int | None:
    return int(year) or None


@dataclass(frozen=True)
class Result:
    """Everything `roi.run` computes, as tidy tables. Pounds at the scenario's price year.

    ``benefits``: one row per intervention x outcome x bearer x year, with each stage from gross to
    net and its present value (an incurred cost, such as replacement home care, is negative).
    ``costs``: one row per intervention x funder x year, before (``base_amount``) and after
    (``amount``) the optimism-bias uplift. ``evaluation``: the engine's own reduction of the same
    streams (one draw), which the headline figures read.
    """

    scenario: Scenario
    benefits: pd.DataFrame
    costs: pd.DataFrame
    discount_factors: np.ndarray
    evaluation: Evaluation
    warnings: tuple[str, ...] = field(default_factory=tuple)
    overlaps: tuple[DoubleCount, ...] = field(default_factory=tuple)  # possible double counting (roi.engine.overlaps)

    # -- headline figures --------------------------------------------------------------------------

    @cached_property
    def totals(self) -> Totals:
        """PV costs and benefits by value type, NPV, BCR, fiscal and cash returns, paybacks, and where
        the central NPV falls in its own simulation. Computed once per result."""
        e = self.evaluation
        by_type = self.benefits.groupby("value_type")["pv"].sum().reindex(list(VALUE_TYPES), fill_value=0.0)
        pv_costs = float(e.pv_costs[0])
        pv_benefits = float(e.pv_benefits[0])
        pv_fiscal = float(e.pv_fiscal[0])
        pv_cashable = float(e.pv_cashable[0])
        first = self.scenario.settings.first_year
        payback, cash_payback = _year_or_none(e.payback_year[0]), _year_or_none(e.cash_payback_year[0])
        totals = {
            "pv_costs": pv_costs,
            "pv_costs_base": float(e.pv_costs_base[0]),
            "pv_cost_optimism_bias": pv_costs - float(e.pv_costs_base[0]),
            "pv_benefits": pv_benefits,
            "pv_fiscal": pv_fiscal,
            "pv_cashable": pv_cashable,
            "pv_non_cashable": float(by_type["fiscal_non_cashable"]),
            "pv_economic": float(by_type["economic"]),
            "pv_social": float(by_type["social"]),
            "npv": pv_benefits - pv_costs,
            "fiscal_npv": pv_fiscal - pv_costs,
            "cash_npv": pv_cashable - pv_costs,
            "bcr": ratio_or_none(pv_benefits, pv_costs),
            "fiscal_roi": ratio_or_none(pv_fiscal, pv_costs),
            "cash_roi": ratio_or_none(pv_cashable, pv_costs),
            "cashable_share": ratio_or_none(pv_cashable, pv_fiscal),
            "payback_year": payback,
            "payback_financial_year": financial_year(first + payback - 1) if payback else None,
            "cash_payback_year": cash_payback,
            "cash_payback_financial_year": financial_year(first + cash_payback - 1) if cash_payback else None,
            "investment": float(self.costs["amount"].sum()),
            "gross_benefits": float(self.benefits["gross"].sum()),
        }
        return Totals(totals, self)

    def payback_year(self) -> int | None:
        """First appraisal year (1 = the first) by whose end discounted fiscal savings cover
        discounted costs; None if they never do within the horizon, or nothing is spent."""
        return _year_or_none(self.evaluation.payback_year[0])

    # -- tables ------------------------------------------------------------------------------------

    def by_partner(self) -> pd.DataFrame:
        """One row per partner: PV costs it funds, PV benefits it receives by value type, its NPV,
        fiscal NPV and cash NPV, and its own paybacks (fiscal and cash-only) against its own costs.
        Computed once per result; each caller gets its own copy."""
        return self._by_partner.copy()

    @cached_property
    def _by_partner(self) -> pd.DataFrame:
        library = self.scenario.library
        e = self.evaluation
        received = self.benefits.pivot_table(index="partner", columns="value_type", values="pv", aggfunc="sum")
        received = received.reindex(columns=list(VALUE_TYPES), fill_value=0.0).fillna(0.0)
        partners = list(e.partner_costs)
        table = pd.DataFrame({"partner": partners})
        table["label"] = [library.partners[p].label for p in partners]
        table["fiscal_body"] = [library.partners[p].fiscal for p in partners]
        table["pv_costs"] = [float(e.partner_costs[p][0]) for p in partners]
        for value_type in VALUE_TYPES:
            table[f"pv_{value_type}"] = received[value_type].reindex(partners, fill_value=0.0).to_numpy()
        table["pv_fiscal"] = [float(e.partner_fiscal[p][0]) for p in partners]
        table["pv_benefits"] = [float(e.partner_benefits[p][0]) for p in partners]
        table["npv"] = table["pv_benefits"] - table["pv_costs"]
        table["fiscal_npv"] = table["pv_fiscal"] - table["pv_costs"]
        table["cash_npv"] = [float(e.partner_cash[p][0] - e.partner_costs[p][0]) for p in partners]
        table["cash_roi"] = [ratio_or_none(float(e.partner_cash[p][0]), float(e.partner_costs[p][0])) for p in partners]
        table["fiscal_roi"] = [
            ratio_or_none(float(e.partner_fiscal[p][0]), float(e.partner_costs[p][0])) for p in partners
        ]
        table["payback_year"] = pd.array([_year_or_none(e.partner_payback[p][0]) for p in partners], dtype="Int64")
        table["cash_payback_year"] = pd.array(
            [_year_or_none(e.partner_cash_payback[p][0]) for p in partners], dtype="Int64"
        )
        return table

    def by_intervention(self) -> pd.DataFrame:
        """One row per intervention: PV costs, benefits, NPV, BCR and fiscal ROI; ratio-based marked."""
        rows = []
        # Plain arrays and masks (the same values summed in the same order as filtering the frames,
        # at a fraction of the cost: this table is drawn on every edit).
        benefit_of = self.benefits["intervention"].to_numpy()
        pv = self.benefits["pv"].to_numpy(dtype=float)
        value_type = self.benefits["value_type"].to_numpy()
        fiscal = np.isin(value_type, list(FISCAL_VALUE_TYPES))
        cashable = value_type == "fiscal_cashable"
        cost_of = self.costs["intervention"].to_numpy()
        cost_pv = self.costs["pv"].to_numpy(dtype=float)
        for intervention in self.scenario.interventions:
            mine = benefit_of == intervention.id
            pv_costs = float(cost_pv[cost_of == intervention.id].sum())
            pv_benefits = float(pv[mine].sum())
            pv_fiscal = float(pv[mine & fiscal].sum())
            pv_cashable = float(pv[mine & cashable].sum())
            rows.append(
                {
                    "intervention": intervention.id,
                    "label": intervention.label,
                    "ratio_based": intervention.ratio_based,
                    "confidence": intervention.confidence,
                    "cost_confidence": intervention.cost_confidence,
                    "cases_per_year": intervention.cases_per_year,
                    "optimism_bias": optimism_bias(self.scenario, intervention),
                    "cost_optimism_bias": cost_optimism_bias(self.scenario, intervention),
                    "pv_costs": pv_costs,
                    "pv_benefits": pv_benefits,
                    "pv_fiscal": pv_fiscal,
                    "pv_cashable": pv_cashable,
                    "npv": pv_benefits - pv_costs,
                    "bcr": ratio_or_none(pv_benefits, pv_costs),
                    "fiscal_roi": ratio_or_none(pv_fiscal, pv_costs),
                    "cash_roi": ratio_or_none(pv_cashable, pv_costs),
                }
            )
        return pd.DataFrame(rows)

    def by_year(self) -> pd.DataFrame:
        """One row per appraisal year: costs and benefits (undiscounted and PV), cumulative fiscal
        and cash net."""
        settings = self.scenario.settings
        years = np.arange(settings.horizon_years)
        fiscal = self.benefits["value_type"].isin(FISCAL_VALUE_TYPES)
        cash = self.benefits["value_type"] == "fiscal_cashable"

        def per_year(frame: pd.DataFrame, column: str) -> np.ndarray:
            return np.bincount(frame["year"], weights=frame[column], minlength=len(years))

        table = pd.DataFrame(
            {"year": years + 1, "financial_year": [financial_year(settings.first_year + t) for t in years]}
        )
        table["discount_factor"] = self.discount_factors
        table["costs"] = per_year(self.costs, "amount")
        table["benefits"] = per_year(self.benefits, "amount")
        table["fiscal_benefits"] = per_year(self.benefits[fiscal], "amount")
        table["cashable_benefits"] = per_year(self.benefits[cash], "amount")
        table["pv_costs"] = per_year(self.costs, "pv")
        table["pv_benefits"] = per_year(self.benefits, "pv")
        table["pv_fiscal_benefits"] = per_year(self.benefits[fiscal], "pv")
        table["pv_cashable_benefits"] = per_year(self.benefits[cash], "pv")
        table["cumulative_pv_fiscal_net"] = np.cumsum(table["pv_fiscal_benefits"] - table["pv_costs"])
        table["cumulative_pv_cash_net"] = np.cumsum(table["pv_cashable_benefits"] - table["pv_costs"])
        return table

    def by_partner_year(self) -> pd.DataFrame:
        """Undiscounted flows by partner and year: benefits received less costs funded."""
        settings = self.scenario.settings
        received = self.benefits.groupby(["partner", "year"], as_index=False)["amount"].sum()
        funded = self.costs.groupby(["partner", "year"], as_index=False)["amount"].sum()
        funded["amount"] = -funded["amount"]
        flows = pd.concat([received.assign(flow="benefit"), funded.assign(flow="cost")], ignore_index=True)
        flows["financial_year"] = [financial_year(settings.first_year + t) for t in flows["year"]]
        flows["label"] = flows["partner"].map(lambda p: self.scenario.library.partners[p].label)
        return flows

    def by_value_type(self) -> pd.DataFrame:
        table = self.benefits.groupby("value_type")[["gross", "amount", "pv"]].sum()
        return table.reindex(list(VALUE_TYPES), fill_value=0.0).rename_axis("value_type").reset_index()

    def who_pays_who_saves(self, value_types: tuple[str, ...] = VALUE_TYPES) -> pd.DataFrame:
        """Funding partner (rows) x benefiting partner (columns): PV benefits of the chosen value types,
        each intervention's benefit split across its funders by their funding shares."""
        benefits = self.benefits[self.benefits["value_type"].isin(value_types)]
        received = benefits.groupby(["intervention", "partner"])["pv"].sum()
        rows = []
        for intervention in self.scenario.interventions:
            if intervention.id not in received.index.get_level_values(0):
                continue
            for funder, share in intervention.funded_by.items():
                for partner, pv in received.loc[intervention.id].items():
                    rows.append({"funder": funder, "beneficiary": partner, "pv": pv * share})
        frame = pd.DataFrame(rows, columns=["funder", "beneficiary", "pv"])
        matrix = frame.pivot_table(index="funder", columns="beneficiary", values="pv", aggfunc="sum", fill_value=0.0)
        order = list(self.scenario.library.partners)
        return matrix.reindex(
            index=[p for p in order if p in matrix.index], columns=[p for p in order if p in matrix.columns]
        )

    def waterfall(self, partner: str | None = None, value_types: tuple[str, ...] = VALUE_TYPES) -> pd.DataFrame:
        """Steps from gross benefit to net present value: each adjustment as a signed amount.

        Costs an intervention causes (replacement home care) are a step of their own after the gross
        benefit; the optimism-bias uplift on costs is the last step. The steps sum to NPV."""
        benefits = self.benefits[self.benefits["value_type"].isin(value_types)]
        costs = self.costs
        if partner is not None:
            benefits = benefits[benefits["partner"] == partner]
            costs = costs[costs["partner"] == partner]
        incurs = benefits["effect"] == "incurs"
        totals = benefits[list(STAGES) + ["pv"]].sum()
        incurred = float(benefits.loc[incurs, "gross"].sum())
        steps = [("Gross benefit", float(totals["gross"]) - incurred)]
        if incurs.any():
            steps.append(("Costs incurred", incurred))
        previous = "gross"
        for stage in STAGES[1:]:
            steps.append((STAGE_LABELS[stage], float(totals[stage] - totals[previous])))
            previous = stage
        steps.append(("Discounting", float(totals["pv"] - totals["amount"])))
        steps.append(("Costs", -float(costs["base_pv"].sum())))
        steps.append(("Cost optimism bias", -float((costs["pv"] - costs["base_pv"]).sum())))
        return pd.DataFrame(steps, columns=["step", "amount"])


def ratio_or_none(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None where there is nothing to divide by ("no cost")."""
    return numerator / denominator if denominator > 0 else None


def _warnings(scenario: Scenario) -> tuple[str, ...]:
    notes = []
    plausible = scenario.library.ratio_benchmarks.plausible_max_per_pound
    for intervention in scenario.interventions:
        if intervention.ratio is not None:
            notes.append(
                f"{intervention.label} is valued by a published ratio "
                f"(£{intervention.ratio.value_per_pound:,.2f} per £1), not by outcomes."
            )
            if intervention.ratio.value_per_pound > plausible:
                notes.append(
                    f"{intervention.label}: £{intervention.ratio.value_per_pound:,.2f} per £1 is far "
                    f"outside the published range (up to £{plausible:,.2f} per £1)."
                )
    settings = scenario.settings
    if settings.discount_rate is None and settings.discount_schedule == settings.health_discount_schedule:
        notes.append(
            "Costs and fiscal savings are discounted at the health rate. The Green Book keeps that rate "
            "for health effects (QALYs); costs and savings normally use the standard 3.5%."
        )
    notes.extend(_discount_warnings(scenario))
    uprating = uprating_warning(scenario)
    if uprating:
        notes.append(uprating)
    return tuple(notes)


def uprating_warning(scenario: Scenario) -> str | None:
    """Prices past the GDP deflator's outturn (an OBR forecast, the library's proxy or the scenario's own
    price_uplift) said in one sentence: the scenario's price year and the price year of every figure used."""
    years = {scenario.settings.price_year} | {i.price_year for i in scenario.interventions}
    years |= {scenario.unit_costs[o.unit_cost].price_year for i in scenario.interventions for o in i.outcomes}
    return uprating_note(scenario.library, years, scenario.settings.price_uplift)


def _discount_warnings(scenario: Scenario) -> list[str]:
    """A constant ``discount_rate`` applies to costs and savings, not to health effects: where the
    scenario values health effects and discounts them otherwise, say both rates in words."""
    settings = scenario.settings
    if settings.discount_rate is None or not any(
        scenario.unit_costs[o.unit_cost].health_effect for i in scenario.interventions for o in i.outcomes
    ):
        return []
    health = health_discount_factors(scenario)
    if np.allclose(health, discount_factors(scenario), rtol=1e-12, atol=0.0):
        return []
    if settings.health_discount_rate is not None:
        health_words = f"at a constant {percent(settings.health_discount_rate)}."
    else:
        label = scenario.library.discount_schedules[settings.health_discount_schedule].label
        health_words = (
            f"on the schedule {label}: the constant rate does not apply to them unless a constant rate "
            "for health effects is set too."
        )
    rate = percent(settings.discount_rate)
    return [f"Costs and savings are discounted at a constant {rate}, but health effects (QALYs) {health_words}"]


def run(scenario: Scenario) -> Result:
    """Run the engine once at the central values of a resolved scenario (see :func:`roi.load_scenario`)
    and lay out its streams as tidy tables."""
    settings = scenario.settings
    horizon = settings.horizon_years
    factors = discount_factors(scenario)
    health = health_discount_factors(scenario)
    years = np.arange(horizon)
    cost_lines, lines = build(scenario, {}, 1)
    evaluation = evaluate_lines(scenario, cost_lines, lines, 1)
    before = lines
    if any(o.share > 0 for o in scenario.spec.overlaps):  # the lines before any removal, for the sums at stake
        plain = scenario.model_copy(update={"spec": scenario.spec.model_copy(update={"overlaps": ()})})
        before = build(plain, {}, 1)[1]
    double_counts = find(scenario, before, discount_columns(scenario))
    cost_parts: list[dict[str, np.ndarray]] = []
    benefit_parts: list[dict[str, np.ndarray]] = []
    for cost in cost_lines:
        for funder, share in cost.funded_by.items():
            base = cost.base[:, 0] * share
            cost_parts.append(
                {
                    "intervention": np.repeat(cost.intervention, horizon),
                    "partner": np.repeat(funder, horizon),
                    "year": years,
                    "base_amount": base,
                    "amount": base * (1.0 + cost.uplift),
                    "discount_factor": factors,
                }
            )
    for partner, payments in transfers(scenario, lines):
        cost_parts.append(
            {
                "intervention": np.repeat(TRANSFER, horizon),
                "partner": np.repeat(partner, horizon),
                "year": years,
                "base_amount": payments[:, 0],
                "amount": payments[:, 0],
                "discount_factor": factors,
            }
        )
    for line in lines:
        stages = {name: values[:, 0] for name, values in line.stages().items()}
        for bearer in line.bearers:
            part = {
                "intervention": np.repeat(line.intervention, horizon),
                "outcome": np.repeat(line.outcome, horizon),
                "partner": np.repeat(bearer.partner, horizon),
                "value_type": np.repeat(bearer.value_type, horizon),
                "effect": np.repeat(line.effect, horizon),
                "health_effect": np.repeat(line.health, horizon),
                "year": years,
                "discount_factor": health if line.health else factors,
            }
            part.update({stage: values * bearer.share for stage, values in stages.items()})
            benefit_parts.append(part)
    benefits = _frame(
        benefit_parts,
        ["intervention", "outcome", "partner", "value_type", "effect", "health_effect", "year", *STAGES],
        ["discount_factor"],
    )
    costs = _frame(cost_parts, ["intervention", "partner", "year", "base_amount", "amount"], ["discount_factor"])
    benefits["pv"] = benefits["amount"] * benefits["discount_factor"]
    costs["pv"] = costs["amount"] * costs["discount_factor"]
    costs["base_pv"] = costs["base_amount"] * costs["discount_factor"]
    return Result(
        scenario=scenario,
        benefits=benefits,
        costs=costs,
        discount_factors=factors,
        evaluation=evaluation,
        warnings=_warnings(scenario) + notes(double_counts),
        overlaps=double_counts,
    )


NUMERIC = (*STAGES, "amount", "base_amount", "discount_factor")


def _frame(parts: list[dict[str, np.ndarray]], columns: list[str], extra: list[str]) -> pd.DataFrame:
    columns = columns + extra
    if not parts:
        frame = pd.DataFrame({c: pd.Series(dtype=float if c in NUMERIC else object) for c in columns})
        frame["year"] = frame["year"].astype(int)
        if "health_effect" in frame:
            frame["health_effect"] = frame["health_effect"].astype(bool)
        return frame
    data = {c: np.concatenate([p[c] for p in parts]) for c in columns}
    return pd.DataFrame(data)
