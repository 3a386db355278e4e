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

from .errors import InputError
from .model import TRANSFER, Result, build, capped_payments, financial_year, pounds
from .schema import SHARE_TOLERANCE, AppliedDeal, GainShareTerms, ReplacedFunding, ScenarioSpec

if TYPE_CHECKING:
    from .library import Scenario

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
        "Every partner gets at least its money back in cash; the cash left over is shared as equally as it "
        "can be. Where cash savings fall short of the cost, no such split exists and the page says by how much."
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
    return _Ledger(
        partners=partners,
        labels=tuple(library.partners[p].label for p in partners),
        public=np.array([library.partners[p].fiscal for p in partners], dtype=bool),
        cash=matrix(b_partner, b_year, b_amount, cash_rows),
        fiscal=matrix(b_partner, b_year, b_amount, fiscal_rows),
        funding=matrix(c_partner, c_year, c_amount, written),
        as_funded=matrix(c_partner, c_year, c_amount, everything),
        cost=np.bincount(c_year[written], weights=c_amount[written], minlength=horizon)[:horizon],
        factors=np.asarray(result.discount_factors, dtype=float),
        years=tuple(financial_year(first + t) for t in range(horizon)),
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
                }
                for row in self.positions.to_dict(orient="records")
            ],
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


def _break_even_split(ledger: _Ledger, total: float, lead: int) -> tuple[np.ndarray, bool, float]:
    """Shares under which every partner's cash NPV is at least zero, the cash surplus shared as
    equally as it can be (water-filling); else everyone pays its cash and the lead carries the rest."""
    cash = np.where(ledger.public, ledger.pv(ledger.cash), 0.0)
    short = float(np.clip(-cash, 0, None).sum())
    positive = np.clip(cash, 0, None)
    surplus = float(positive.sum()) - total
    shortfall = max(-surplus, 0.0) + short
    if surplus < -PENNY:
        shares = positive / total
        shares[lead] += 1.0 - shares.sum()
        return shares, False, shortfall
    surplus = max(surplus, 0.0)
    # Find the gain level L with sum(min(cash_p, L)) = surplus; each partner pays cash_p - min(cash_p, L).
    ordered = np.sort(positive)
    below = 0.0
    level = float(ordered[-1]) if len(ordered) else 0.0
    for i, value in enumerate(ordered):
        remaining = len(ordered) - i
        if below + remaining * value >= surplus:
            level = (surplus - below) / remaining
            break
        below += value
    pay = positive - np.minimum(positive, level)
    shares = pay / total
    shares[lead] += 1.0 - shares.sum()  # float dust only
    return shares, short <= PENNY, shortfall


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
            raise InputError(file, where, _not_public(partner, library))
        if not (isinstance(share, (int, float)) and math.isfinite(share) and 0 <= share <= 1):
            raise InputError(file, where, f"{share!r} is not allowed; a share from 0 to 1")
        if partner not in ledger.partners:
            raise InputError(file, where, f"'{partner}' takes no part in this offer")
        out[ledger.index(partner)] = share
    total = math.fsum(shares.values())
    if abs(total - 1) > SHARE_TOLERANCE:
        raise InputError(file, "shares", f"custom shares must sum to 1 (100%); they sum to {total:g}")
    return out


def _not_public(partner: str, library: Any) -> str:
    public = [p for p, v in library.partners.items() if v.fiscal]
    return f"'{partner}' is not a public body that can pay (a fiscal partner); allowed: {', '.join(public)}"


def check_gain_share(scenario: Scenario, terms: GainShareTerms, file: str = "deal", prefix: str = "") -> None:
    """Refuse gain-share terms that name a partner that cannot pay or an outcome the scenario lacks."""
    library = scenario.library
    for name in ("payer", "receiver"):
        partner = getattr(terms, name)
        if partner not in library.partners or not library.partners[partner].fiscal:
            raise InputError(file, f"{prefix}gain_share.{name}", _not_public(partner, library))
    if terms.payer == terms.receiver:
        raise InputError(file, f"{prefix}gain_share.payer", f"'{terms.payer}' cannot pay itself; choose another payer")
    used = _outcomes(scenario)
    if terms.outcome not in used:
        raise InputError(
            file,
            f"{prefix}gain_share.outcome",
            f"the scenario has no outcome '{terms.outcome}'; allowed: {', '.join(used) or 'none'}",
        )


def check_deal(scenario: Scenario, file: str = "scenario") -> None:
    """Refuse a scenario's ``deal:`` section that names a partner that cannot pay or an outcome the
    scenario lacks (roi.resolve calls this, so a hand-edited file or a link fails on loading)."""
    deal = scenario.spec.deal
    if deal is None:
        return
    library = scenario.library
    for partner in deal.shares:
        if partner not in library.partners or not library.partners[partner].fiscal:
            raise InputError(file, f"deal.shares.{partner}", _not_public(partner, library))
    if deal.gain_share is not None:
        check_gain_share(scenario, deal.gain_share, file, "deal.")
    elif not deal.shares:
        raise InputError(file, "deal.shares", "a deal needs shares that sum to 1, or gain_share terms")


def _outcomes(scenario: Scenario) -> list[str]:
    seen: list[str] = []
    for intervention in scenario.interventions:
        for outcome in intervention.outcomes:
            if outcome.unit_cost not in seen:
                seen.append(outcome.unit_cost)
    return seen


def gain_share_payments(scenario: Scenario, terms: GainShareTerms) -> np.ndarray:
    """Undiscounted payments by year under a gain share, at the central values: price x units of the
    outcome avoided (every intervention, after every adjustment), at most the cap a year; a year in
    which the offer adds units pays nothing. The engine's own rule (roi.model.capped_payments)."""
    lines = build(scenario, {}, 1)[1]
    named = [line for line in lines if line.outcome == terms.outcome]
    units = sum(line.units()[:, 0] for line in named) if named else np.zeros(scenario.settings.horizon_years)
    return capped_payments(units, terms.price, terms.cap)


# -- positions ---------------------------------------------------------------------------------------


def _payback(received: np.ndarray, paid: np.ndarray) -> int | None:
    if paid.sum() <= PENNY:
        return None
    covered = np.cumsum(received - paid) >= -PENNY
    return int(np.argmax(covered)) + 1 if covered.any() else None


def _positions(
    ledger: _Ledger, contributions: np.ndarray, drawn: dict[str, np.ndarray] | None, simulation: Any
) -> pd.DataFrame:
    factors = ledger.factors
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
            "payback_year": _payback(fiscal, paid),
            "cash_payback_year": _payback(cash, paid),
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
) -> Deal:
    """Propose how the offer's cost is shared under ``rule`` (see the module docstring).

    ``shares`` (custom): partner id -> share of the cost, summing to 1. ``payer``, ``outcome`` (a unit
    cost id), ``price`` (pounds per unit) and ``cap`` (pounds per financial year, None for none):
    the gain share. ``simulation``: a :class:`roi.uncertainty.Simulation` of the same scenario as
    written, for P10/P50/P90 of each partner's cash position and its chance of being worse off.
    Raises :class:`roi.InputError` naming the field for a bad rule, shares, payer, outcome, price or cap.
    """
    if rule not in RULES:
        raise InputError(file, "rule", f"'{rule}' is not a rule; allowed: {', '.join(RULES)}")
    scenario = result.scenario
    library = scenario.library
    named = tuple(shares or ()) + ((payer,) if payer and payer in library.partners else ())
    ledger = _ledger(result, named)
    total = float(ledger.pv(ledger.cost).sum())
    if total <= PENNY:
        raise InputError(file, "rule", "the offer has no cost to share")
    lead = _lead(ledger)
    terms = None
    label = RULES[rule]
    _, offer_feasible, shortfall = _break_even_split(ledger, total, lead)
    if rule == "gain_share":
        terms = _gain_share_terms(scenario, payer, outcome, price, cap, ledger.partners[lead], file)
        payments = gain_share_payments(scenario, terms)
        contributions = ledger.funding.copy()
        contributions[ledger.index(terms.payer)] += payments
        contributions[ledger.index(terms.receiver)] -= payments
        unit = scenario.unit_costs[terms.outcome]
        capped = "no cap" if terms.cap is None else f"up to {pounds(terms.cap)} a year"
        label = (
            f"Gain share: {library.partners[terms.payer].label} pays {pounds(terms.price, pence=True)} "
            f"per {unit.label.lower()} avoided, {capped}"
        )
    else:
        if rule == "custom":
            split = _custom_shares(ledger, shares, library, file)
        else:
            split = _automatic_split(ledger, rule, total, lead, file)
        if rule == "cash_break_even" and not offer_feasible:
            label = f"Each partner pays the cash it saves; {ledger.labels[lead]} carries the shortfall"
        contributions = split[:, None] * ledger.cost[None, :]
    drawn = before_drawn = None
    if simulation is not None:
        drawn = _drawn_contributions(ledger, contributions, simulation, rule)
        before_drawn = {p: simulation.partner_costs.get(p, np.zeros(len(simulation.pv_costs))) for p in ledger.partners}
    table = _contribution_table(ledger, contributions, total)
    positions = _positions(ledger, contributions, drawn, simulation)
    before = _positions(ledger, ledger.as_funded, before_drawn, simulation)
    feasible = bool((positions.loc[ledger.public, "cash_npv"] >= -PENNY).all())
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
        feasible=feasible and (offer_feasible or rule != "cash_break_even"),
        shortfall=0.0 if offer_feasible else shortfall,
        total_pv_cost=total,
        years=ledger.years,
        gain_share=terms,
        carriers=carriers,
        draws=0 if simulation is None else len(simulation.pv_costs),
    )


def _automatic_split(ledger: _Ledger, rule: str, total: float, lead: int, file: str) -> np.ndarray:
    """Each partner's share of the cost under an automatic rule."""
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
        raise InputError(file, "payer", _not_public(str(payer), library))
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
    shares = {p: s for p, s in deal.shares.items() if s > 1e-12}
    scale = math.fsum(shares.values())
    shares = {p: s / scale for p, s in shares.items()}
    replaced = tuple(ReplacedFunding(intervention=c.id, funded_by=c.funded_by) for c in base.interventions)
    record = AppliedDeal(rule=deal.rule, label=deal.label, shares=shares, replaced=replaced)  # type: ignore[arg-type]
    choices = tuple(c.model_copy(update={"funded_by": dict(shares)}) for c in base.interventions)
    return base.model_copy(update={"interventions": choices, "deal": record})


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
    if all(c.id in replaced and c.funded_by == deal.shares for c in spec.interventions):
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
    from .model import run

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
    else:
        found = propose(base, "custom", shares=dict(record.shares), simulation=simulation)
    return replace(found, rule=record.rule, label=record.label)


def before_deal(scenario: Scenario) -> Scenario:
    """The scenario with its deal undone, resolved against the same library."""
    from .library import resolve

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
