"""Make the deal: who should fund what, so that every partner comes out whole.

Pure functions over a :class:`roi.Result`. A *deal* shares the offer's total cost across the public
partners (those whose ``fiscal`` flag is set in ``assumptions/partners.yaml``) under a named rule:

- ``proportional``: each partner funds in proportion to the fiscal savings (cash and capacity) it
  receives, so every paying partner gets the same fiscal £ per £1;
- ``proportional_cash``: the same on cashable savings only;
- ``cash_break_even``: every partner's cash NPV is at least zero. The cash left over once the cost is
  met is shared as equally as it can be (each partner keeps the same cash gain, but never more than
  the cash it saves), which is the Nash bargaining split of a transferable surplus when walking away
  is worth nothing. Where total cash savings fall short of the cost no such split exists: the deal
  says so, gives the shortfall in pounds, and says who carries it under each other rule;
- ``equal_return``: every paying partner gets the same fiscal £ per £1. With one pooled split of
  the whole cost this is the same split as ``proportional`` (we say so rather than invent a
  difference);
- ``custom``: shares the partners agree, which must sum to 1;
- ``gain_share``: a payer pays a price per unit of a named outcome avoided (say £200 per bed-day),
  up to an annual cap, to the partner that carries the rest of the cost (the district).

The share rules set one pooled split on every intervention: each partner pays its share of the
cost in every financial year. A gain share keeps the funding as written and adds payments from the
payer to the receiver in the years the outcome is avoided.

All amounts are pounds at the scenario's price year; "PV" is the present value on the scenario's
discount schedule; contributions by year are undiscounted. Payments under a gain share are on the
number of units the appraisal expects the offer to avoid (after drop-off, deadweight, displacement,
attribution and optimism bias), which is what an outcomes-based payment would pay on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from roi.engine.model import TRANSFER, Result, build, capped_payments, first_payback_year, run
from roi.inputs.checks import check_gain_share, not_public
from roi.inputs.errors import InputError
from roi.inputs.formats import financial_year, pounds
from roi.inputs.scenario import resolve
from roi.inputs.schema import SHARE_TOLERANCE, AppliedDeal, GainShareTerms, ReplacedFunding, ScenarioSpec

if TYPE_CHECKING:
    from roi.inputs.library import Scenario

RULES: dict[str, str] = {
    "proportional": "In proportion to fiscal savings",
    "proportional_cash": "In proportion to cash savings",
    "cash_break_even": "Nobody loses cash",
    "equal_return": "Equal £ back per £1",
    "custom": "Shares agreed by the partners",
    "gain_share": "Gain share: a price per outcome avoided",
}
AUTOMATIC_RULES = ("proportional", "proportional_cash", "cash_break_even", "equal_return")
RULE_HELP = {
    "proportional": "Each partner funds in proportion to the fiscal savings it receives, cash and freed capacity.",
    "proportional_cash": "Each partner funds in proportion to the cash it saves; freed capacity earns no share.",
    "cash_break_even": (
        "Every partner gets at least its money back in cash (or its fallback); the cash left over is shared "
        "by bargaining weight, equally unless you set weights. Where cash savings fall short of the cost, no "
        "such split exists and the page says by how much."
    ),
    "equal_return": (
        "Every paying partner gets the same fiscal £ back per £1 it puts in. With one pooled split this "
        "is the same split as 'in proportion to fiscal savings'."
    ),
    "custom": "Type each partner's share of the cost; the shares must sum to 100%.",
    "gain_share": (
        "A payer pays an agreed price for each unit of an outcome the offer avoids, up to a cap each "
        "financial year; the district carries the rest of the cost."
    ),
}
# The `intervention` of gain-share payment rows in Result.costs: payments between partners, which
# net to zero in total, so they change who pays but never the offer's cost.
PENNY = 0.005


@dataclass(frozen=True)
class _Ledger:
    """Each partner's undiscounted flows by year (rows: partners, columns: years) from one result."""

    partners: tuple[str, ...]
    labels: tuple[str, ...]
    public: np.ndarray  # bool per partner: a public body that may pay
    cash: np.ndarray
    fiscal: np.ndarray
    funding: np.ndarray  # as written, without gain-share payments
    as_funded: np.ndarray  # as the result stands, gain-share payments included
    cost: np.ndarray  # total by year
    factors: np.ndarray
    years: tuple[str, ...]
    services: tuple[str, ...] = ()
    service_labels: tuple[str, ...] = ()
    service_cash: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # PV, services x partners
    service_fiscal: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    service_cost: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # undiscounted, services x years

    def index(self, partner: str) -> int:
        return self.partners.index(partner)

    def pv(self, flows: np.ndarray) -> np.ndarray:
        return flows @ self.factors


def _ledger(result: Result, named: tuple[str, ...] = ()) -> _Ledger:
    scenario = result.scenario
    library = scenario.library
    horizon = scenario.settings.horizon_years
    benefits, costs = result.benefits, result.costs
    b_partner = benefits["partner"].to_numpy(dtype=object)
    b_type = benefits["value_type"].to_numpy(dtype=object)
    b_year = benefits["year"].to_numpy(dtype=int)
    b_amount = benefits["amount"].to_numpy(dtype=float)
    c_partner = costs["partner"].to_numpy(dtype=object)
    c_year = costs["year"].to_numpy(dtype=int)
    c_amount = costs["amount"].to_numpy(dtype=float)
    written = costs["intervention"].to_numpy(dtype=object) != TRANSFER
    cash_rows = b_type == "fiscal_cashable"
    fiscal_rows = cash_rows | (b_type == "fiscal_non_cashable")
    funders = set(c_partner)
    involved = set(b_partner[fiscal_rows]) | funders | set(named)
    partners = tuple(p for p in library.partners if p in involved and (library.partners[p].fiscal or p in funders))
    where = {p: i for i, p in enumerate(partners)}

    def matrix(partner: np.ndarray, year: np.ndarray, amount: np.ndarray, keep: np.ndarray) -> np.ndarray:
        rows = np.array([where.get(p, -1) for p in partner], dtype=int)
        keep = keep & (rows >= 0)
        out = np.zeros((len(partners), horizon))
        np.add.at(out, (rows[keep], year[keep]), amount[keep])
        return out

    everything = np.ones(len(c_partner), dtype=bool)
    first = scenario.settings.first_year
    services = tuple(i.id for i in scenario.interventions)
    b_service = benefits["intervention"].to_numpy(dtype=object)
    c_service = costs["intervention"].to_numpy(dtype=object)
    factors = np.asarray(result.discount_factors, dtype=float)

    def per_service(keep: np.ndarray) -> np.ndarray:
        return np.array([matrix(b_partner, b_year, b_amount, keep & (b_service == s)) @ factors for s in services])

    return _Ledger(
        partners=partners,
        labels=tuple(library.partners[p].label for p in partners),
        public=np.array([library.partners[p].fiscal for p in partners], dtype=bool),
        cash=matrix(b_partner, b_year, b_amount, cash_rows),
        fiscal=matrix(b_partner, b_year, b_amount, fiscal_rows),
        funding=matrix(c_partner, c_year, c_amount, written),
        as_funded=matrix(c_partner, c_year, c_amount, everything),
        cost=np.bincount(c_year[written], weights=c_amount[written], minlength=horizon)[:horizon],
        factors=factors,
        years=tuple(financial_year(first + t) for t in range(horizon)),
        services=services,
        service_labels=tuple(i.label for i in scenario.interventions),
        service_cash=per_service(cash_rows).reshape(len(services), len(partners)),
        service_fiscal=per_service(fiscal_rows).reshape(len(services), len(partners)),
        service_cost=np.array(
            [
                np.bincount(c_year[c_service == s], weights=c_amount[c_service == s], minlength=horizon)[:horizon]
                for s in services
            ]
        ).reshape(len(services), horizon),
    )


@dataclass(frozen=True)
class Deal:
    """A proposed deal: who pays what each year, and where each partner ends up.

    ``contributions``: one row per partner: ``share`` of the PV cost, ``pv`` (pounds, rounded so the
    rows sum to the total PV cost to the penny) and one column per financial year (undiscounted).
    ``positions``: one row per partner after the deal: PV cash and fiscal savings received, PV
    contribution, ``cash_npv``, ``fiscal_npv``, ``roi`` (fiscal £ per £1), ``payback_year`` and
    ``cash_payback_year`` (1 = the first year; None if it pays nothing or never pays back), and with
    a simulation ``cash_p10``/``cash_p50``/``cash_p90`` and ``prob_worse_off`` (cash NPV below zero).
    ``before``: the same for the funding as the result stands.
    ``feasible``: no partner's central cash NPV is negative under this deal. ``shortfall``: pounds by
    which the offer's cash savings fall short of its cost, which no split can avoid (0 if one can).
    ``carriers``: where there is a shortfall, the partners short of cash under each other rule.
    """

    rule: str
    label: str
    shares: dict[str, float]
    contributions: pd.DataFrame
    positions: pd.DataFrame
    before: pd.DataFrame
    feasible: bool
    shortfall: float
    total_pv_cost: float
    years: tuple[str, ...]
    gain_share: GainShareTerms | None = None
    carriers: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    draws: int = 0
    confidence: float | None = None
    by_service: bool = False
    by_intervention: pd.DataFrame = field(default_factory=pd.DataFrame)
    assumptions: tuple[str, ...] = ()
    cores: dict[str, tuple[str, float]] = field(default_factory=dict)
    reachable: float | None = None  # at a confidence no split reaches: the highest one a split does

    def payload(self) -> dict[str, Any]:
        """The `deal --json` document."""

        def cents(value: Any) -> Any:
            return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 2)

        def whole(value: Any) -> Any:
            return None if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)

        return {
            "rule": self.rule,
            "feasible": bool(self.feasible),
            "shortfall": cents(self.shortfall),
            "contributions": [
                {
                    "partner": row["partner"],
                    "share": round(float(row["share"]), 9),
                    "pv": cents(row["pv"]),
                    "by_year": [cents(row[year]) for year in self.years],
                }
                for row in self.contributions.to_dict(orient="records")
            ],
            "positions": [
                {
                    "partner": row["partner"],
                    "cash_npv": cents(row["cash_npv"]),
                    "fiscal_npv": cents(row["fiscal_npv"]),
                    "roi": None if row["roi"] is None or pd.isna(row["roi"]) else round(float(row["roi"]), 6),
                    "payback_year": whole(row["payback_year"]),
                    "prob_worse_off": None
                    if row.get("prob_worse_off") is None or pd.isna(row["prob_worse_off"])
                    else round(float(row["prob_worse_off"]), 6),
                    "cash_p10": cents(row.get("cash_p10")),
                    "fallback": cents(row["fallback"]),
                    "cash_by_year": [cents(v) for v in row["cash_by_year"]],
                    "turns_positive_year": year_or_none(row["turns_positive_year"]),
                    "largest_carried": cents(row["largest_carried"]),
                }
                for row in self.positions.to_dict(orient="records")
            ],
            "confidence": self.confidence,
            "reachable_confidence": self.reachable,
            "by_service": self.by_service,
            "contributions_by_intervention": [
                {
                    "intervention": r["intervention"],
                    "partner": r["partner"],
                    "share": round(r["share"], 9),
                    "pv": cents(r["pv"]),
                }
                for r in self.by_intervention.to_dict(orient="records")
            ],
            "assumptions": list(self.assumptions),
        }


# -- the rules ---------------------------------------------------------------------------------------


def _positive_split(weights: np.ndarray, public: np.ndarray, what: str, file: str) -> np.ndarray:
    weights = np.where(public & (weights > 0), weights, 0.0)
    total = weights.sum()
    if total <= 0:
        raise InputError(
            file,
            "rule",
            f"no partner receives {what}, so there is nothing to share the cost in proportion to; "
            "choose custom shares or a gain share",
        )
    return weights / total


@dataclass(frozen=True)
class Terms:
    """What a rule is solved under, beyond the rule itself (all optional).

    ``confidence``: solve so that each partner's promise holds in at least this share of the
    simulation's draws (0.5 to 0.99); None for the central values. ``by_service``: share each
    intervention's cost on its own savings rather than one pooled split. ``weights``: Nash bargaining
    weights by partner (default 1 each). ``fallbacks``: each partner's cash position (PV, pounds) with
    no deal (default 0). ``cores``: intervention id -> (partner, PV pounds) of a statutory core that
    partner carries whatever the deal (by service only)."""

    confidence: float | None = None
    by_service: bool = False
    weights: dict[str, float] = field(default_factory=dict)
    fallbacks: dict[str, float] = field(default_factory=dict)
    cores: dict[str, tuple[str, float]] = field(default_factory=dict)


def weighted_fill(margins: np.ndarray, weights: np.ndarray, surplus: float) -> np.ndarray:
    """Gains g with 0 <= g_p <= margins_p summing to ``surplus``, g_p = min(margin_p, w_p * level):
    the weighted Nash bargaining split of a transferable surplus when nobody may keep more than its
    margin. Partners with weight 0 gain only what the others cannot take."""
    margins = np.clip(margins, 0, None)
    surplus = min(max(surplus, 0.0), float(margins.sum()))
    gains = _fill_level(margins, np.where(weights > 0, weights, 0.0), surplus)
    left = surplus - float(gains.sum())
    if left > 1e-9:  # every weighted partner is full: the rest take what is left, equally
        gains += _fill_level(margins - gains, np.where(weights > 0, 0.0, 1.0), left)
    return gains


def _fill_level(room: np.ndarray, weights: np.ndarray, amount: float) -> np.ndarray:
    """min(room_p, w_p * level) summing to ``amount`` (as near as the room allows), by breakpoints."""
    out = np.zeros_like(room)
    active = (weights > 0) & (room > 0)
    if amount <= 0 or not active.any():
        return out
    order = sorted(np.flatnonzero(active), key=lambda i: room[i] / weights[i])
    filled, weight_left = 0.0, float(weights[active].sum())
    for i in order:
        level = room[i] / weights[i]
        if filled + weight_left * level >= amount:
            break
        out[i] = room[i]
        filled += room[i]
        weight_left -= weights[i]
    else:
        return out
    level = (amount - filled) / weight_left
    for i in order:
        if out[i] == 0:
            out[i] = weights[i] * level
    return out


def _break_even_split(
    ledger: _Ledger, total: float, lead: int, margins: np.ndarray | None = None, weights: np.ndarray | None = None
) -> tuple[np.ndarray, bool, float]:
    """Shares under which every partner pays at most its margin (its cash less its fallback, or what it
    can pay at the chosen confidence), the surplus shared by weighted water-filling; else every
    partner pays its margin and the lead carries the rest."""
    if margins is None:
        margins = ledger.pv(ledger.cash)
    margins = np.where(ledger.public, margins, 0.0)
    weights = np.ones(len(margins)) if weights is None else weights
    short = float(np.clip(-margins, 0, None).sum())
    positive = np.clip(margins, 0, None)
    surplus = float(positive.sum()) - total
    shortfall = max(-surplus, 0.0) + short
    if surplus < -PENNY:
        shares = positive / total
        shares[lead] += 1.0 - shares.sum()
        return shares, False, shortfall
    pay = positive - weighted_fill(positive, np.where(ledger.public, weights, 0.0), surplus)
    shares = pay / total
    shares[lead] += 1.0 - shares.sum()  # float dust only
    return shares, short <= PENNY, shortfall


PROMISING_RULES = ("cash_break_even", "equal_return")
SERVICE_RULES = ("proportional", "proportional_cash", "cash_break_even")
CONFIDENCE_RANGE = (0.5, 0.99)


def check_terms(
    ledger: _Ledger,
    rule: str,
    confidence: float | None,
    by_service: bool,
    weights: dict[str, float] | None,
    fallbacks: dict[str, float] | None,
    cores: dict[str, tuple[str, float]] | None,
    simulation: Any,
    file: str,
) -> Terms:
    """The options checked against the rule and the offer; a one-line InputError naming the field."""
    if confidence is not None:
        low, high = CONFIDENCE_RANGE
        if not (isinstance(confidence, (int, float)) and math.isfinite(confidence) and low <= confidence <= high):
            raise InputError(
                file, "confidence", f"{confidence!r} is not allowed; a confidence from 0.5 to 0.99 (50% to 99%)"
            )
        if rule not in PROMISING_RULES:
            raise InputError(
                file,
                "confidence",
                f"'{RULES[rule]}' promises nothing to hold at a confidence; allowed with: {', '.join(PROMISING_RULES)}",
            )
        if simulation is None:
            raise InputError(file, "confidence", "a confidence needs the simulation's draws; give 1 or more draws")
    if by_service and rule not in SERVICE_RULES:
        raise InputError(
            file,
            "by_service",
            f"'{RULES[rule]}' is one pooled split; by service allowed with: {', '.join(SERVICE_RULES)}",
        )
    checked_weights = _partner_amounts(ledger, weights, "weights", rule, file, 0.0, 1e6)
    if weights and float(_vector(ledger, checked_weights, 1.0)[ledger.public].sum()) <= 0:
        raise InputError(file, "weights", "the weights sum to zero; give at least one partner a weight above 0")
    checked_fallbacks = _partner_amounts(ledger, fallbacks, "fallbacks", rule, file, -1e12, 1e12)
    checked_cores = _checked_cores(ledger, cores, by_service, file)
    return Terms(confidence, by_service, checked_weights, checked_fallbacks, checked_cores)


def _partner_amounts(
    ledger: _Ledger, values: dict[str, float] | None, name: str, rule: str, file: str, low: float, high: float
) -> dict[str, float]:
    if not values:
        return {}
    if rule != "cash_break_even":
        raise InputError(file, name, f"{name} are terms of the bargain under 'Nobody loses cash' only")
    for partner, value in values.items():
        where = f"{name}.{partner}"
        if partner not in ledger.partners or not ledger.public[ledger.index(partner)]:
            allowed = ", ".join(p for p, public in zip(ledger.partners, ledger.public, strict=True) if public)
            raise InputError(file, where, f"'{partner}' is not a paying partner in this offer; allowed: {allowed}")
        if not (isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high):
            raise InputError(file, where, f"{value!r} is not allowed; a number from {low:,.0f} to {high:,.0f}")
    return {p: float(v) for p, v in values.items()}


def _checked_cores(
    ledger: _Ledger, cores: dict[str, tuple[str, float]] | None, by_service: bool, file: str
) -> dict[str, tuple[str, float]]:
    if not cores:
        return {}
    if not by_service:
        raise InputError(file, "cores", "a statutory core is part of a deal by service; choose by service")
    service_pv = ledger.service_cost @ ledger.factors
    out = {}
    for service, (partner, amount) in cores.items():
        where = f"cores.{service}"
        if service not in ledger.services:
            raise InputError(file, where, f"'{service}' is not in the offer; allowed: {', '.join(ledger.services)}")
        if partner not in ledger.partners or not ledger.public[ledger.index(partner)]:
            raise InputError(file, where, f"'{partner}' is not a paying partner in this offer")
        cost = float(service_pv[ledger.services.index(service)])
        if not (isinstance(amount, (int, float)) and math.isfinite(amount) and 0 <= amount <= cost + PENNY):
            raise InputError(
                file,
                where,
                f"{amount!r} is not allowed; a statutory core from £0 to the intervention's cost, {pounds(cost)}",
            )
        out[service] = (partner, float(amount))
    return out


def assumptions(rule: str, terms: Terms, ledger: _Ledger) -> tuple[str, ...]:
    """What the rule assumes, in plain words: what counts as a gain, each partner's fallback, the
    bargaining weights, and what the confidence and the by-service split mean."""
    label = dict(zip(ledger.partners, ledger.labels, strict=True))
    out = list(_RULE_ASSUMES[rule])
    if rule == "cash_break_even":
        fallbacks = {**terms.fallbacks}
        for partner, amount in terms.cores.values():
            fallbacks[partner] = fallbacks.get(partner, 0.0) - amount
        named = ", ".join(f"{label[p]} {pounds(v)}" for p, v in fallbacks.items() if v)
        out.append(
            "Fallback (each partner's cash position with no deal): "
            + (f"{named}; every other partner £0." if named else "£0 for every partner: no deal, no programme.")
        )
        weights = ", ".join(f"{label[p]} {v:g}" for p, v in terms.weights.items())
        out.append(
            "Bargaining weights: " + (f"{weights}; every other partner 1." if weights else "equal for every partner.")
        )
    if terms.by_service:
        out.append(
            "By service: each intervention is funded by the partners its own savings reach; a partner's room to "
            "pay is spread over the services in proportion to what it receives from each; the district carries "
            "a service that brings no partner anything."
        )
        for service, (partner, amount) in terms.cores.items():
            name = ledger.service_labels[ledger.services.index(service)]
            out.append(
                f"{label[partner]} carries {pounds(amount)} (present value) of {name} as its statutory core, "
                "whatever the deal."
            )
    if terms.confidence is not None:
        promise = (
            "cash position at or above its fallback"
            if rule == "cash_break_even"
            else "£ back per £1 equal at the low end"
        )
        out.append(
            f"Solved at {terms.confidence:.0%} confidence: each partner's {promise} in at least "
            f"{terms.confidence:.0%} of the simulation's draws; a partner's contribution in a draw is its "
            "share of that draw's cost."
        )
    return tuple(out)


_RULE_ASSUMES: dict[str, tuple[str, ...]] = {
    "proportional": (
        "Counts as a gain: cash and freed capacity (bed-days, appointments) alike.",
        "No bargain: the split follows each partner's savings, so no fallback or weights are assumed.",
    ),
    "proportional_cash": (
        "Counts as a gain: cash only; a partner whose savings are freed capacity pays nothing.",
        "No bargain: the split follows each partner's cash savings, so no fallback or weights are assumed.",
    ),
    "cash_break_even": (
        (
            "Counts as a gain: cash only. A partner whose savings are freed capacity (an NHS trust's beds) "
            "pays nothing and keeps its capacity; with no cash to bargain over it would make a Nash product "
            "zero, so it is left out of the bargain rather than allowed to block it."
        ),
        (
            "Nash bargaining over the cash left once the cost is met: each partner keeps its fallback plus its "
            "weight's part of the surplus, but never more than the cash it saves (that cap is our judgement)."
        ),
    ),
    "equal_return": (
        "Counts as a gain: cash and freed capacity alike.",
        "With one pooled split, equal £ back per £1 at the central values is the proportional split.",
    ),
    "custom": ("The shares are the partners' own agreement; nothing else is assumed.",),
    "gain_share": (
        "Counts: the units of the outcome the appraisal expects the offer to avoid, after every adjustment.",
        "The district carries the cost as written; the payer's payments are its only contribution.",
    ),
}


def _lead(ledger: _Ledger) -> int:
    """The partner that carries the rest: the district where it takes part, else the largest funder."""
    if "district" in ledger.partners:
        return ledger.index("district")
    return int(np.argmax(ledger.pv(ledger.funding)))


def _custom_shares(ledger: _Ledger, shares: dict[str, float] | None, library: Any, file: str) -> np.ndarray:
    if not shares:
        raise InputError(file, "shares", "custom needs a share for each paying partner, e.g. district=0.6")
    out = np.zeros(len(ledger.partners))
    for partner, share in shares.items():
        where = f"shares.{partner}"
        if partner not in library.partners:
            raise InputError(file, where, f"'{partner}' is not a partner; allowed: {', '.join(library.partners)}")
        if not library.partners[partner].fiscal:
            raise InputError(file, where, not_public(partner, library))
        if not (isinstance(share, (int, float)) and math.isfinite(share) and 0 <= share <= 1):
            raise InputError(file, where, f"{share!r} is not allowed; a share from 0 to 1")
        if partner not in ledger.partners:
            raise InputError(file, where, f"'{partner}' takes no part in this offer")
        out[ledger.index(partner)] = share
    total = math.fsum(shares.values())
    if abs(total - 1) > SHARE_TOLERANCE:
        raise InputError(file, "shares", f"custom shares must sum to 1 (100%); they sum to {total:g}")
    return out


def gain_share_payments(scenario: Scenario, terms: GainShareTerms) -> np.ndarray:
    """Undiscounted payments by year under a gain share, at the central values: price x units of the
    outcome avoided (every intervention, after every adjustment), at most the cap a year; a year in
    which the offer adds units pays nothing. The engine's own rule (roi.engine.model.capped_payments)."""
    lines = build(scenario, {}, 1)[1]
    named = [line for line in lines if line.outcome == terms.outcome]
    units = sum(line.units()[:, 0] for line in named) if named else np.zeros(scenario.settings.horizon_years)
    return capped_payments(units, terms.price, terms.cap)


# -- positions ---------------------------------------------------------------------------------------


def cash_flow(cash: np.ndarray, paid: np.ndarray, years: tuple[str, ...]) -> dict[str, Any]:
    """One partner's budget view, undiscounted: cumulative cash position by financial year (cash
    saved less contributions), the year from which it stays at zero or above (None if it pays
    nothing or ends below zero), and the most it carries before then (0 if never below zero)."""
    running = np.cumsum(cash - paid)
    below = np.flatnonzero(running < -PENNY)
    if paid.sum() <= PENNY or (len(below) and below[-1] == len(running) - 1):
        turns = None
    else:
        turns = years[int(below[-1]) + 1] if len(below) else years[0]
    return {
        "cash_by_year": running,
        "turns_positive_year": turns,
        "largest_carried": float(max(0.0, -running.min())) if len(running) else 0.0,
    }


def _positions(
    ledger: _Ledger,
    contributions: np.ndarray,
    drawn: dict[str, np.ndarray] | None,
    simulation: Any,
    fallback: np.ndarray | None = None,
) -> pd.DataFrame:
    factors = ledger.factors
    fallback = np.zeros(len(ledger.partners)) if fallback is None else fallback
    rows = []
    for i, partner in enumerate(ledger.partners):
        paid = contributions[i] * factors
        cash = ledger.cash[i] * factors
        fiscal = ledger.fiscal[i] * factors
        pv_paid = float(paid.sum())
        row: dict[str, Any] = {
            "partner": partner,
            "label": ledger.labels[i],
            "pv_contribution": pv_paid,
            "pv_cash": float(cash.sum()),
            "pv_capacity": float(fiscal.sum() - cash.sum()),
            "pv_fiscal": float(fiscal.sum()),
            "cash_npv": float(cash.sum()) - pv_paid,
            "fiscal_npv": float(fiscal.sum()) - pv_paid,
            "roi": float(fiscal.sum()) / pv_paid if pv_paid > PENNY else None,
            "payback_year": first_payback_year(fiscal, paid),  # the engine's payback rule
            "cash_payback_year": first_payback_year(cash, paid),
            "fallback": float(fallback[i]),
            **cash_flow(ledger.cash[i], contributions[i], ledger.years),
        }
        if drawn is not None:
            count = len(simulation.pv_costs)
            position = simulation.partner_cash.get(partner, np.zeros(count)) - drawn[partner]
            p10, p50, p90 = np.percentile(position, [10, 50, 90])
            row.update(
                cash_p10=float(p10),
                cash_p50=float(p50),
                cash_p90=float(p90),
                prob_worse_off=float(np.mean(position < -PENNY)),
                prob_below_fallback=float(np.mean(position < fallback[i] - PENNY)),
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _pennies(values: np.ndarray, total: float) -> np.ndarray:
    """Round to the penny so that the rounded values sum to the rounded total (largest remainder)."""
    cents = values * 100.0
    floors = np.floor(cents)
    missing = int(round(round(total * 100.0) - floors.sum()))
    order = np.argsort(-(cents - floors), kind="stable")
    if missing > 0:
        floors[order[:missing]] += 1
    elif missing < 0:
        floors[order[::-1][:-missing]] -= 1
    return floors / 100.0


def _contribution_table(ledger: _Ledger, contributions: np.ndarray, total: float) -> pd.DataFrame:
    pv = ledger.pv(contributions)
    columns = {"partner": list(ledger.partners), "label": list(ledger.labels), "share": pv / total}
    columns["pv"] = _pennies(pv, total)
    columns.update({year: contributions[:, t] for t, year in enumerate(ledger.years)})
    return pd.DataFrame(columns)


# -- proposing a deal --------------------------------------------------------------------------------


def propose(
    result: Result,
    rule: str,
    *,
    shares: dict[str, float] | None = None,
    payer: str | None = None,
    outcome: str | None = None,
    price: float | None = None,
    cap: float | None = None,
    simulation: Any = None,
    file: str = "deal",
    confidence: float | None = None,
    by_service: bool = False,
    weights: dict[str, float] | None = None,
    fallbacks: dict[str, float] | None = None,
    cores: dict[str, tuple[str, float]] | None = None,
    service_split: dict[str, dict[str, float]] | None = None,
) -> Deal:
    """Propose how the offer's cost is shared under ``rule`` (see the module docstring).

    ``shares`` (custom): partner id -> share of the cost, summing to 1. ``payer``, ``outcome`` (a unit
    cost id), ``price`` (pounds per unit) and ``cap`` (pounds per financial year, None for none):
    the gain share. ``simulation``: a :class:`roi.engine.uncertainty.Simulation` of the same scenario as
    written, for P10/P50/P90 of each partner's cash position and its chance of being worse off.
    ``confidence``, ``by_service``, ``weights``, ``fallbacks``, ``cores``: see :class:`Terms`.
    ``service_split`` (custom, an agreed deal by service): intervention id -> partner id -> share.
    Raises :class:`roi.InputError` naming the field for a bad rule, shares, payer, outcome, price,
    cap, confidence, weight, fallback or core.
    """
    if rule not in RULES:
        raise InputError(file, "rule", f"'{rule}' is not a rule; allowed: {', '.join(RULES)}")
    scenario = result.scenario
    library = scenario.library
    named = tuple(shares or ()) + ((payer,) if payer and payer in library.partners else ())
    named += tuple(p for p in (weights or {}) | (fallbacks or {}) if p in library.partners)
    named += tuple(p for p, _ in (cores or {}).values() if p in library.partners)
    named += tuple(p for split in (service_split or {}).values() for p in split if p in library.partners)
    ledger = _ledger(result, named)
    total = float(ledger.pv(ledger.cost).sum())
    if total <= PENNY:
        raise InputError(file, "rule", "the offer has no cost to share")
    terms = check_terms(ledger, rule, confidence, by_service, weights, fallbacks, cores, simulation, file)
    lead = _lead(ledger)
    weight, fallback = _vector(ledger, terms.weights, 1.0), _fallback(ledger, terms)
    gain = None
    label = RULES[rule]
    service_pay = None
    margins = _margins(ledger, "partner_cash", ledger.cash, fallback, terms.confidence, simulation, total)
    best, shortfall = _break_even(ledger, terms, margins, weight, total, lead)
    offer_feasible = shortfall <= PENNY
    reachable = None
    if terms.confidence is not None and not offer_feasible:
        reachable = _highest_confidence(ledger, terms, fallback, weight, simulation, total, lead)
    if rule == "gain_share":
        gain = _gain_share_terms(scenario, payer, outcome, price, cap, ledger.partners[lead], file)
        payments = gain_share_payments(scenario, gain)
        contributions = ledger.funding.copy()
        contributions[ledger.index(gain.payer)] += payments
        contributions[ledger.index(gain.receiver)] -= payments
        unit = scenario.unit_costs[gain.outcome]
        capped = "no cap" if gain.cap is None else f"up to {pounds(gain.cap)} a year"
        label = (
            f"Gain share: {library.partners[gain.payer].label} pays {pounds(gain.price, pence=True)} "
            f"per {unit.label.lower()} avoided, {capped}"
        )
    elif rule == "cash_break_even":
        service_pay = best if terms.by_service else None
        contributions = _contributions(ledger, best, total)
        if not offer_feasible:
            label = f"Each partner pays what it can; {ledger.labels[lead]} carries the shortfall"
    elif terms.by_service:
        service_pay = _service_proportional(ledger, rule, terms, lead)
        contributions = _contributions(ledger, service_pay, total)
    elif service_split:
        service_pay = _agreed_service_pay(ledger, service_split)
        contributions = _contributions(ledger, service_pay, total)
    else:
        if rule == "custom":
            split = _custom_shares(ledger, shares, library, file)
        elif rule == "equal_return" and terms.confidence is not None:
            fiscal = _margins(
                ledger, "partner_fiscal", ledger.fiscal, 0 * fallback, terms.confidence, simulation, total
            )
            split = _positive_split(fiscal, ledger.public, "fiscal savings", file)
        else:
            split = _automatic_split(ledger, rule, total, lead, file)
        contributions = split[:, None] * ledger.cost[None, :]
    label += _qualifier(terms)
    drawn = before_drawn = None
    if simulation is not None:
        drawn = _drawn_contributions(ledger, contributions, simulation, rule)
        before_drawn = {p: simulation.partner_costs.get(p, np.zeros(len(simulation.pv_costs))) for p in ledger.partners}
    table = _contribution_table(ledger, contributions, total)
    positions = _positions(ledger, contributions, drawn, simulation, fallback)
    before = _positions(ledger, ledger.as_funded, before_drawn, simulation)
    carriers: dict[str, list[tuple[str, float]]] = {}
    if shortfall > PENNY:
        carriers["Funding as it stands"] = _short(before)
        cash = ledger.pv(ledger.cash)
        for other in AUTOMATIC_RULES:
            if other in (rule, "equal_return"):  # equal_return is the proportional split
                continue
            try:
                split = _automatic_split(ledger, other, total, lead, file)
            except InputError:
                continue
            position = cash - split * total
            carriers[RULES[other]] = [
                (ledger.labels[i], float(-position[i])) for i in np.flatnonzero(position < -PENNY)
            ]
    return Deal(
        rule=rule,
        label=label,
        shares={p: float(s) for p, s in zip(ledger.partners, table["share"], strict=True)},
        contributions=table,
        positions=positions,
        before=before,
        feasible=_holds(ledger, positions, terms) and (offer_feasible or rule != "cash_break_even"),
        shortfall=0.0 if offer_feasible else shortfall,
        total_pv_cost=total,
        years=ledger.years,
        gain_share=gain,
        carriers=carriers,
        draws=0 if simulation is None else len(simulation.pv_costs),
        confidence=terms.confidence,
        by_service=terms.by_service or bool(service_split),
        by_intervention=_service_table(ledger, service_pay, contributions),
        assumptions=assumptions(rule, terms, ledger),
        cores=terms.cores,
        reachable=reachable,
    )


def _qualifier(terms: Terms) -> str:
    parts = []
    if terms.by_service:
        parts.append("by service")
    if terms.confidence is not None:
        parts.append(f"at {terms.confidence:.0%} confidence")
    return f" ({', '.join(parts)})" if parts else ""


def _holds(ledger: _Ledger, positions: pd.DataFrame, terms: Terms) -> bool:
    """Every public partner at or above its fallback: at the central values, or at a confidence c in
    at least a share c of the draws (the promise made; the central values are one point among them)."""
    public = positions[ledger.public]
    if terms.confidence is None:
        return bool((public["cash_npv"] >= public["fallback"] - PENNY).all())
    return bool((public["prob_below_fallback"] <= 1 - terms.confidence + 1e-9).all())


def _vector(ledger: _Ledger, values: dict[str, float], default: float) -> np.ndarray:
    return np.array([values.get(p, default) for p in ledger.partners], dtype=float)


def _fallback(ledger: _Ledger, terms: Terms) -> np.ndarray:
    """Each partner's cash position with no deal: its own fallback, less any statutory core it
    carries by service (a duty it funds whatever the partners agree)."""
    fallback = _vector(ledger, terms.fallbacks, 0.0)
    for partner, amount in terms.cores.values():
        fallback[ledger.index(partner)] -= amount
    return fallback


def _margins(
    ledger: _Ledger,
    drawn: str,
    flows: np.ndarray,
    fallback: np.ndarray,
    confidence: float | None,
    simulation: Any,
    total: float,
) -> np.ndarray:
    """What each partner can pay (PV pounds) and stay at or above its fallback: centrally its savings
    less its fallback; at confidence c, the largest share s of the drawn cost with
    savings - s x cost >= fallback in at least a share c of draws, times the central cost."""
    central = ledger.pv(flows) - fallback
    if confidence is None:
        return central
    costs = np.asarray(simulation.pv_costs, dtype=float)
    count = len(costs)
    allowed = math.floor((1 - confidence) * count + 1e-9)
    source = getattr(simulation, drawn)
    out = np.empty(len(ledger.partners))
    for i, partner in enumerate(ledger.partners):
        ratio = (np.asarray(source.get(partner, np.zeros(count)), dtype=float) - fallback[i]) / costs
        out[i] = float(np.partition(ratio, allowed)[allowed]) * total
    return out


def _highest_confidence(
    ledger: _Ledger,
    terms: Terms,
    fallback: np.ndarray,
    weight: np.ndarray,
    simulation: Any,
    total: float,
    lead: int,
) -> float | None:
    """The highest confidence, in whole percentages from 50% to 99%, at which a split keeps every
    partner at or above its fallback; None if not even 50% (the shortfall only grows with c)."""

    def reaches(percent: int) -> bool:
        margins = _margins(ledger, "partner_cash", ledger.cash, fallback, percent / 100, simulation, total)
        return _break_even(ledger, terms, margins, weight, total, lead)[1] <= PENNY

    low, high = 50, 99
    if not reaches(low):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if reaches(middle):
            low = middle
        else:
            high = middle - 1
    return low / 100


def _break_even(
    ledger: _Ledger, terms: Terms, margins: np.ndarray, weight: np.ndarray, total: float, lead: int
) -> tuple[np.ndarray, float]:
    """The 'nobody loses cash' solution: pooled, shares by partner; by service, PV pounds by
    intervention and partner. With the pounds short of a split that keeps everyone whole."""
    if not terms.by_service:
        shares, _, shortfall = _break_even_split(ledger, total, lead, margins, weight)
        return shares, shortfall
    pay = _core_pay(ledger, terms)
    service_pv = ledger.service_cost @ ledger.factors
    # A partner's fallback counts the core it carries, so its margin less that core is its room to top up.
    room_left = np.where(ledger.public, margins - pay.sum(axis=0), 0.0)
    shortfall = float(np.clip(-room_left, 0, None).sum())
    cash = np.clip(ledger.service_cash, 0, None) * ledger.public
    totals = cash.sum(axis=0)
    spread = np.divide(cash, totals, out=np.zeros_like(cash), where=totals > 0)
    room = spread * np.clip(room_left, 0, None)
    for i in range(len(ledger.services)):
        topup = service_pv[i] - pay[i].sum()
        available = float(room[i].sum())
        if available >= topup - PENNY:
            pay[i] += room[i] - weighted_fill(room[i], weight * ledger.public, available - topup)
        else:
            pay[i] += room[i]
            pay[i, lead] += topup - available
            shortfall += topup - available
    return pay, shortfall


def _core_pay(ledger: _Ledger, terms: Terms) -> np.ndarray:
    pay = np.zeros((len(ledger.services), len(ledger.partners)))
    for service, (partner, amount) in terms.cores.items():
        pay[ledger.services.index(service), ledger.index(partner)] += amount
    return pay


def _service_proportional(ledger: _Ledger, rule: str, terms: Terms, lead: int) -> np.ndarray:
    """By service: each intervention's cost above its statutory core, in proportion to the fiscal
    (or cash) savings that intervention itself brings each public partner; the lead carries an
    intervention that brings none."""
    pay = _core_pay(ledger, terms)
    basis = ledger.service_fiscal if rule == "proportional" else ledger.service_cash
    basis = np.clip(basis, 0, None) * ledger.public
    service_pv = ledger.service_cost @ ledger.factors
    for i in range(len(ledger.services)):
        topup = service_pv[i] - pay[i].sum()
        if basis[i].sum() > 0:
            pay[i] += topup * basis[i] / basis[i].sum()
        else:
            pay[i, lead] += topup
    return pay


def _contributions(ledger: _Ledger, pay: np.ndarray, total: float) -> np.ndarray:
    """Undiscounted contributions by partner and year: pooled shares (1-D) on the total cost, or PV
    pounds by intervention (2-D) as shares of each intervention's own cost."""
    if pay.ndim == 1:
        return pay[:, None] * ledger.cost[None, :]
    service_pv = ledger.service_cost @ ledger.factors
    shares = np.divide(pay, service_pv[:, None], out=np.zeros_like(pay), where=service_pv[:, None] > PENNY)
    return shares.T @ ledger.service_cost


def _agreed_service_pay(ledger: _Ledger, split: dict[str, dict[str, float]]) -> np.ndarray:
    """PV pounds by intervention and partner from agreed shares of each intervention's cost."""
    service_pv = ledger.service_cost @ ledger.factors
    pay = np.zeros((len(ledger.services), len(ledger.partners)))
    for i, service in enumerate(ledger.services):
        for partner, share in split.get(service, {}).items():
            pay[i, ledger.index(partner)] = share * service_pv[i]
    return pay


def _service_table(ledger: _Ledger, pay: np.ndarray | None, contributions: np.ndarray) -> pd.DataFrame:
    """Intervention x partner: each partner's share of each intervention's cost and its PV (pooled
    rules: the same share on every intervention)."""
    service_pv = ledger.service_cost @ ledger.factors
    if pay is None:
        total = float(ledger.pv(ledger.cost).sum())
        pay = np.outer(service_pv, ledger.pv(contributions) / total)
    rows = []
    for i, service in enumerate(ledger.services):
        pv = _pennies(pay[i], float(service_pv[i]))
        for j, partner in enumerate(ledger.partners):
            share = pay[i, j] / service_pv[i] if service_pv[i] > PENNY else 0.0
            rows.append(
                {
                    "intervention": service,
                    "intervention_label": ledger.service_labels[i],
                    "partner": partner,
                    "label": ledger.labels[j],
                    "share": float(share),
                    "pv": float(pv[j]),
                }
            )
    return pd.DataFrame(rows)


def _automatic_split(ledger: _Ledger, rule: str, total: float, lead: int, file: str) -> np.ndarray:
    """Each partner's share of the cost under an automatic rule, pooled, at the central values."""
    if rule in ("proportional", "equal_return"):
        return _positive_split(ledger.pv(ledger.fiscal), ledger.public, "fiscal savings", file)
    if rule == "proportional_cash":
        return _positive_split(ledger.pv(ledger.cash), ledger.public, "cash savings", file)
    return _break_even_split(ledger, total, lead)[0]


def _short(positions: pd.DataFrame) -> list[tuple[str, float]]:
    short = positions[positions["cash_npv"] < -PENNY]
    return [(row.label, float(-row.cash_npv)) for row in short.itertuples()]


def _drawn_contributions(
    ledger: _Ledger, contributions: np.ndarray, simulation: Any, rule: str
) -> dict[str, np.ndarray]:
    """Each partner's PV contribution in every draw: a pooled share of the drawn cost; under a gain
    share, the drawn funding as written plus the payments at their central value."""
    count = len(simulation.pv_costs)
    pv_costs = np.asarray(simulation.pv_costs, dtype=float)
    total = float(ledger.pv(ledger.cost).sum())
    out = {}
    for i, partner in enumerate(ledger.partners):
        if rule == "gain_share":
            transfer = float(ledger.pv(contributions[i] - ledger.funding[i]))
            out[partner] = np.asarray(simulation.partner_costs.get(partner, np.zeros(count)), dtype=float) + transfer
        else:
            out[partner] = pv_costs * (float(ledger.pv(contributions[i])) / total)
    return out


def _gain_share_terms(
    scenario: Scenario,
    payer: str | None,
    outcome: str | None,
    price: float | None,
    cap: float | None,
    receiver: str,
    file: str,
) -> GainShareTerms:
    for name, value in (("payer", payer), ("outcome", outcome), ("price", price)):
        if value is None or value == "":
            raise InputError(file, name, f"a gain share needs a {name}")
    if not (isinstance(price, (int, float)) and math.isfinite(price) and 0 <= price <= 1e9):
        raise InputError(file, "price", f"{price!r} is not allowed; pounds per unit, 0 to 1,000,000,000")
    if cap is not None and not (isinstance(cap, (int, float)) and math.isfinite(cap) and 0 <= cap <= 1e12):
        raise InputError(file, "cap", f"{cap!r} is not allowed; pounds a financial year, 0 or more (or no cap)")
    library = scenario.library
    if payer not in library.partners or not library.partners[payer].fiscal:
        raise InputError(file, "payer", not_public(str(payer), library))
    terms = GainShareTerms(payer=payer, outcome=outcome, price=float(price), cap=cap, receiver=receiver)
    check_gain_share(scenario, terms, file)
    return terms


def propose_all(result: Result, simulation: Any = None) -> dict[str, Deal]:
    """Every automatic rule that applies to this offer (a rule with nothing to share on is left out)."""
    out = {}
    for rule in AUTOMATIC_RULES:
        try:
            out[rule] = propose(result, rule, simulation=simulation)
        except InputError:
            continue
    return out


# -- applying a deal to a scenario -------------------------------------------------------------------


def apply_deal(spec: ScenarioSpec, deal: Deal) -> ScenarioSpec:
    """The scenario with ``deal`` agreed: a share rule sets the pooled shares as every intervention's
    ``funded_by``; a gain share adds its payments. Any earlier deal is undone first. The funding it
    replaces is kept in the scenario, so :func:`undo_deal` restores it exactly, even from a link."""
    base = undo_deal(spec)
    if deal.gain_share is not None:
        record = AppliedDeal(rule="gain_share", label=deal.label, gain_share=deal.gain_share)
        return base.model_copy(update={"deal": record})
    replaced = tuple(ReplacedFunding(intervention=c.id, funded_by=c.funded_by) for c in base.interventions)
    if deal.by_service:
        by_service = {c.id: _normalised(service_shares(deal, c.id)) for c in base.interventions}
        funding = {c.id: by_service[c.id] for c in base.interventions}
        terms: dict[str, Any] = {"by_intervention": by_service, "cores": deal.cores}
    else:
        shares = _normalised(deal.shares)
        funding = {c.id: shares for c in base.interventions}
        terms = {"shares": shares}
    record = AppliedDeal(
        rule=deal.rule,  # type: ignore[arg-type]
        label=deal.label,
        replaced=replaced,
        confidence=deal.confidence,
        **terms,
    )
    choices = tuple(c.model_copy(update={"funded_by": dict(funding[c.id])}) for c in base.interventions)
    return base.model_copy(update={"interventions": choices, "deal": record})


def _normalised(shares: dict[str, float]) -> dict[str, float]:
    """Shares without the partners that pay nothing, scaled to sum to exactly 1."""
    kept = {p: s for p, s in shares.items() if s > 1e-12}
    scale = math.fsum(kept.values())
    return {p: s / scale for p, s in kept.items()}


def service_shares(deal: Deal, intervention: str) -> dict[str, float]:
    """Each partner's share of one intervention's cost under ``deal``."""
    rows = deal.by_intervention[deal.by_intervention["intervention"] == intervention]
    return dict(zip(rows["partner"], rows["share"].astype(float), strict=True))


def undo_deal(spec: ScenarioSpec) -> ScenarioSpec:
    """The scenario with its deal taken out and each intervention's funding as it was written."""
    if spec.deal is None:
        return spec
    replaced = {r.intervention: r.funded_by for r in spec.deal.replaced}
    choices = tuple(
        c.model_copy(update={"funded_by": replaced[c.id]}) if c.id in replaced else c for c in spec.interventions
    )
    return spec.model_copy(update={"interventions": choices, "deal": None})


def in_force(spec: ScenarioSpec) -> AppliedDeal | None:
    """The applied deal, if the funding still follows it (an edit to funding since ends it)."""
    deal = spec.deal
    if deal is None:
        return None
    if deal.gain_share is not None:
        return deal
    replaced = {r.intervention for r in deal.replaced}
    agreed_for = deal.by_intervention.get if deal.by_intervention else (lambda _: deal.shares)
    if all(c.id in replaced and c.funded_by == agreed_for(c.id) for c in spec.interventions):
        return deal
    return None


def funding_sentence(result: Result) -> str:
    """One line for the Overview: who funds the offer as it stands (PV), and the deal, if one applies."""
    library = result.scenario.library
    costs = result.costs.groupby("partner")["pv"].sum()
    total = float(result.costs.loc[result.costs["intervention"] != TRANSFER, "pv"].sum())
    parts = [
        f"{library.partners[p].label} {pounds(costs[p])} ({costs[p] / total:.0%})"
        for p in library.partners
        if p in costs.index and abs(costs[p]) > PENNY and total > 0
    ]
    text = "As funded: " + ", ".join(parts) + "." if parts else "As funded: no cost."
    deal = in_force(result.scenario.spec)
    if deal is not None:
        text += f" Deal applied: {deal.label}."
    elif result.scenario.spec.deal is not None:
        text += f" The deal '{result.scenario.spec.deal.label}' no longer applies: funding was changed after it."
    return text


def agreed(result: Result, simulation: Any = None) -> Deal | None:
    """The deal in force in ``result``'s scenario, recomputed on the funding it replaced (so its
    positions have a 'before'); None if no deal applies. ``simulation``: of the scenario as it was
    before the deal (see :func:`before_deal`), for the chance each partner loses cash."""
    record = in_force(result.scenario.spec)
    if record is None:
        return None

    base = run(before_deal(result.scenario))
    if record.gain_share is not None:
        terms = record.gain_share
        found = propose(
            base,
            "gain_share",
            payer=terms.payer,
            outcome=terms.outcome,
            price=terms.price,
            cap=terms.cap,
            simulation=simulation,
        )
    elif record.by_intervention:
        found = propose(base, "custom", service_split=dict(record.by_intervention), simulation=simulation)
    else:
        found = propose(base, "custom", shares=dict(record.shares), simulation=simulation)
    found = replace(found, rule=record.rule, label=record.label)
    return _as_solved(found, base, record, simulation)


def _as_solved(found: Deal, base: Result, record: AppliedDeal, simulation: Any) -> Deal:
    """An agreed deal with the promise it was solved under (confidence, by service, statutory core):
    whether that holds, the shortfall and the assumptions, from solving the rule again on ``base``."""
    if record.rule not in AUTOMATIC_RULES or not (record.confidence or record.by_intervention):
        return found
    confidence = record.confidence if simulation is not None else None
    try:
        solved = propose(
            base,
            record.rule,
            simulation=simulation,
            confidence=confidence if record.rule in PROMISING_RULES else None,
            by_service=bool(record.by_intervention) and record.rule in SERVICE_RULES,
            cores={k: tuple(v) for k, v in record.cores.items()} or None,  # type: ignore[misc]
        )
    except InputError:  # the offer has changed beyond the terms (say, a core now above its cost)
        return found
    return replace(
        found,
        feasible=solved.feasible,
        shortfall=solved.shortfall,
        carriers=solved.carriers,
        confidence=solved.confidence,
        assumptions=solved.assumptions,
        reachable=solved.reachable,
    )


def before_deal(scenario: Scenario) -> Scenario:
    """The scenario with its deal undone, resolved against the same library."""
    return resolve(undo_deal(scenario.spec), scenario.library, scenario.file)


def paying_partners(result: Result) -> list[str]:
    """The public partners that fund or receive fiscal savings in this result: who may pay."""
    ledger = _ledger(result)
    return [p for p, public in zip(ledger.partners, ledger.public, strict=True) if public]


def funding_percentages(result: Result) -> dict[str, float]:
    """Each paying partner's share of the cost as written, in percent to one decimal place, summing
    to exactly 100 (largest remainder): the starting point for custom shares."""
    ledger = _ledger(result)
    funded = ledger.pv(ledger.funding)
    total = float(funded.sum())
    partners = paying_partners(result)
    if total <= PENNY:
        return dict.fromkeys(partners, 0.0)
    tenths = _pennies(np.array([funded[ledger.index(p)] / total * 10 for p in partners]), 10.0) * 10
    return {p: round(float(v), 1) for p, v in zip(partners, tenths, strict=True)}


def year_or_none(value: Any) -> str | None:
    """A financial year from a positions table, None where there is none (pandas may hold NaN)."""
    return value if isinstance(value, str) else None


def shortfall_sentence(proposal: Deal) -> str:
    """One plain sentence: why no split keeps everyone whole, and by how much (PV pounds)."""
    where = "" if proposal.confidence is None else f" in {proposal.confidence:.0%} of the simulation's draws"
    text = (
        f"No split leaves every partner whole in cash{where}: what the partners can pay falls "
        f"{pounds(proposal.shortfall)} (present value) short of the offer's cost, whoever pays."
    )
    if proposal.confidence is not None:
        text += (
            " Not even at 50%."
            if proposal.reachable is None
            else f" The highest confidence a split reaches is {proposal.reachable:.0%}."
        )
    return text
