"""Compare scenarios: headline figures side by side, and each input difference with the NPV it moves."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from roi.analysis.summary import HEADLINE_WORDS
from roi.engine.model import Result, run
from roi.inputs.edit import apply
from roi.inputs.errors import InputError
from roi.inputs.formats import cases, financial_year, number, per_pound, percent, pounds
from roi.inputs.library import Scenario
from roi.inputs.schema import outcome_key

INTERVENTION_FIELDS = ("cases_per_year", "cost_per_case", "fixed_cost_per_year")
OUTCOME_FIELDS = ("quantity_per_case", "deadweight", "displacement", "attribution", "duration_years", "drop_off")


def headline_table(results: dict[str, Result]) -> pd.DataFrame:
    """One row per scenario: PV costs, fiscal savings, NPV, BCR, £ saved per £1, payback years (cash
    alone, and cash and freed capacity)."""
    rows = []
    for name, result in results.items():
        totals = result.totals
        rows.append(
            {
                "scenario": name,
                "pv_costs": totals["pv_costs"],
                "pv_fiscal": totals["pv_fiscal"],
                "pv_cashable": totals["pv_cashable"],
                "npv": totals["npv"],
                "bcr": totals["bcr"],
                "fiscal_roi": totals["fiscal_roi"],
                "cash_payback_year": totals["cash_payback_year"],
                "payback_year": totals["payback_year"],
                "price_year": result.scenario.settings.price_year,
            }
        )
    return pd.DataFrame(rows)


def by_partner(results: dict[str, Result]) -> pd.DataFrame:
    """Fiscal savings by partner for each scenario, long form, for a grouped bar chart."""
    frames = []
    for name, result in results.items():
        table = result.by_partner()[["partner", "label", "pv_fiscal", "pv_costs"]].copy()
        table["scenario"] = name
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


SHARE_FIELDS = {
    "deadweight", "displacement", "attribution", "drop_off", "discount_rate", "health_discount_rate",
    "optimism_bias", "cost_optimism_bias", "optimism_bias_by_confidence",
}  # fmt: skip
MONEY_FIELDS = {"cost_per_case", "fixed_cost_per_year"}


def _money(value: float) -> str:
    """£9,000, or £11,025.64 where there are pence."""
    return pounds(value, pence=round(value, 2) != round(value))


def shown(field: str, value: Any, scenario: Scenario) -> str:
    """An input's value in the users' words, by its kind: cases by the one rule (193, 192.5), money with
    £ and separators, shares as percentages, a population with separators, a financial year as 2025/26,
    a discount schedule by its label; no float noise."""
    if value is None:
        return "-"
    if isinstance(value, str) and field not in ("discount_schedule", "health_discount_schedule", "headline"):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{k} {shown(field, v, scenario)}" for k, v in value.items())
    if field == "cases_per_year":
        return cases(value)
    if field in MONEY_FIELDS:
        return _money(value)
    if field in SHARE_FIELDS:
        return percent(value)
    if field == "value_per_pound":
        return per_pound(value)
    if field == "start_year":
        return financial_year(value)
    if field == "price_year":
        return str(value)
    if field == "price_uplift":
        return f"{value:g}% a year"
    if field in ("discount_schedule", "health_discount_schedule"):
        schedule = scenario.library.discount_schedules.get(value)
        return schedule.label if schedule else str(value)
    if field == "headline":
        return HEADLINE_WORDS.get(value, value)
    return number(value)


def _changes(a: Scenario, b: Scenario) -> list[tuple[str, Any, Any, dict[str, Any]]]:
    changes = []
    for name in type(a.settings).model_fields:
        left, right = getattr(a.settings, name), getattr(b.settings, name)
        if left != right:
            changes.append(
                (
                    f"Setting: {name.replace('_', ' ')}",
                    shown(name, left, a),
                    shown(name, right, b),
                    {"setting": name, "value": right},
                )
            )
    a_by_id = {i.id: i for i in a.interventions}
    b_by_id = {i.id: i for i in b.interventions}
    for iid, intervention in b_by_id.items():
        if iid not in a_by_id:
            changes.append(
                (f"Intervention added: {intervention.label}", "-", "included", {"interventions": [*a_by_id, iid]})
            )
    for iid, intervention in a_by_id.items():
        if iid not in b_by_id:
            changes.append(
                (
                    f"Intervention removed: {intervention.label}",
                    "included",
                    "-",
                    {"interventions": [i for i in a_by_id if i != iid]},
                )
            )
            continue
        other = b_by_id[iid]
        for name in INTERVENTION_FIELDS:
            if getattr(intervention, name) != getattr(other, name):
                changes.append(
                    (
                        f"{intervention.label}: {name.replace('_', ' ')}",
                        shown(name, getattr(intervention, name), a),
                        shown(name, getattr(other, name), b),
                        {"intervention": iid, "field": name, "value": getattr(other, name)},
                    )
                )
        if intervention.ratio and other.ratio and intervention.ratio.value_per_pound != other.ratio.value_per_pound:
            changes.append(
                (
                    f"{intervention.label}: £ per £1",
                    per_pound(intervention.ratio.value_per_pound),
                    per_pound(other.ratio.value_per_pound),
                    {"intervention": iid, "field": "value_per_pound", "value": other.ratio.value_per_pound},
                )
            )
        theirs = {outcome_key(other.outcomes, k): o for k, o in enumerate(other.outcomes)}
        for k, outcome in enumerate(intervention.outcomes):
            key = outcome_key(intervention.outcomes, k)
            match = theirs.get(key)
            unit_label = a.unit_costs[outcome.unit_cost].label
            if outcome.id:
                unit_label += f" ({outcome.id.replace('_', ' ')})"
            for name in OUTCOME_FIELDS if match else ():
                if getattr(outcome, name) != getattr(match, name):
                    changes.append(
                        (
                            f"{intervention.label}, {unit_label}: {name.replace('_', ' ')}",
                            shown(name, getattr(outcome, name), a),
                            shown(name, getattr(match, name), b),
                            {
                                "intervention": iid,
                                "outcome": outcome.unit_cost,
                                **({"outcome_id": outcome.id} if outcome.id else {"occurrence": key[2]}),
                                "field": name,
                                "value": getattr(match, name),
                            },
                        )
                    )
    used = {o.unit_cost for s in (a, b) for i in s.interventions for o in i.outcomes}
    for cost_id in sorted(used):
        left, right = a.unit_costs.get(cost_id), b.unit_costs.get(cost_id)
        if left and right and (left.value, left.price_year) != (right.value, right.price_year):
            changes.append(
                (
                    f"Unit cost: {left.label}",
                    f"{_money(left.value)} ({left.price_year} prices)",
                    f"{_money(right.value)} ({right.price_year} prices)",
                    {"unit_cost": cost_id, "field": "value", "value": right.value},
                )
            )
    return changes


def _npv(result: Result) -> float:
    """The central NPV, exactly as ``totals["npv"]``, without the 2,000-draw simulation that places it."""
    evaluation = result.evaluation
    return float(evaluation.pv_benefits[0]) - float(evaluation.pv_costs[0])


def differences(a: Scenario, b: Scenario, max_seconds: float | None = None) -> pd.DataFrame:
    """Each input that differs between two scenarios, with how far it alone moves the first's NPV.

    With ``max_seconds``, inputs are valued until that budget is spent (the first always is); the rest
    are listed with no effect, and the table's ``attrs`` say how many were valued (``valued``, of
    ``total``) so a page can say so: two large scenarios can differ in thousands of inputs."""
    started = time.perf_counter()
    base = _npv(run(a))
    changes = _changes(a, b)
    rows = []
    valued = 0
    for change, left, right, edit in changes:
        effect: float | None = None
        if max_seconds is None or valued == 0 or time.perf_counter() - started <= max_seconds:
            valued += 1
            try:
                _, moved = apply(a.spec, edit, a.library)
                effect = _npv(run(moved)) - base
            except InputError:
                effect = None
        rows.append({"input": change, "first": str(left), "second": str(right), "npv_effect": effect})
    table = pd.DataFrame(rows, columns=["input", "first", "second", "npv_effect"])
    table.attrs.update({"valued": valued, "total": len(changes), "seconds": time.perf_counter() - started})
    return table


def stopped_note(table: pd.DataFrame) -> str:
    """The words for a table cut short ("Stopped after 5.0 s: 120 of 2,400 differences valued ..."), else ""."""
    valued, total = table.attrs.get("valued", len(table)), table.attrs.get("total", len(table))
    if valued >= total:
        return ""
    return (
        f"Stopped after {table.attrs['seconds']:,.1f} s: {valued:,} of {total:,} differences valued, in the "
        "order listed. The rest are shown without their effect."
    )
