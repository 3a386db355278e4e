"""The sentences Build the offer and the Overview show about an offer's inputs: what an intervention
costs, who funds it, how its published ratio splits, how optimism bias is set, the double counting
still to be declared, and the basis of the appraisal (prices, years, horizon).

Labels a user can type (partner, intervention and unit-cost labels, a cost's basis) pass through
``escape``: the dashboard gives its Markdown escaping, anything else may keep the default (as written).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from roi.engine.model import Result, cost_optimism_bias, optimism_bias
from roi.inputs.formats import cases, financial_year, pounds
from roi.inputs.library import Library, Scenario
from roi.inputs.schema import Settings
from roi.outputs.charts import VALUE_TYPE_LABELS

Escape = Callable[[str], str]


def _as_written(text: str) -> str:
    return text


def intervention_figures(npv: float, bcr: float | None) -> str:
    """An intervention's figures for its panel's label: 'NPV £1,234 · BCR 1.50' ('no cost' without costs)."""
    return f"NPV {pounds(npv)} · " + ("no cost" if bcr is None else f"BCR {bcr:,.2f}")


def cost_sentence(intervention: Any, factor: float, price_year: int) -> str:
    """'150 cases a year at £1,200 a case, plus £5,000 a year (2025 prices).': costs uprated by ``factor``
    to the scenario's ``price_year``."""
    fixed = intervention.fixed_cost_per_year
    return (
        f"{cases(intervention.cases_per_year)} cases a year at {pounds(intervention.cost_per_case * factor)} a case"
        + (f", plus {pounds(fixed * factor)} a year" if fixed else "")
        + f" ({price_year} prices)."
    )


def funding_sentence(scenario: Scenario, intervention: Any, escape: Escape = _as_written) -> str:
    """Who funds an intervention, and the confidence in its effect and its cost with the optimism bias
    each sets."""
    partners = scenario.library.partners
    return (
        "Funded by: "
        + ", ".join(f"{escape(partners[p].label)} {s:.0%}" for p, s in intervention.funded_by.items())
        + f" · Effect confidence: {intervention.confidence} (optimism bias on benefits "
        f"{optimism_bias(scenario, intervention):.0%})"
        + f" · Cost confidence: {intervention.cost_confidence} (optimism bias on costs "
        f"{cost_optimism_bias(scenario, intervention):.0%})"
        + (f": {escape(intervention.cost_confidence_basis)}" if intervention.cost_confidence_basis else "")
    )


def benefit_split_sentence(library: Library, ratio: Any, escape: Escape = _as_written) -> str:
    """How a published ratio's benefit is split between partners and kinds of value."""
    return "Benefit split: " + ", ".join(
        f"{escape(library.partners[b.partner].label)} {b.share:.0%} ({VALUE_TYPE_LABELS[b.value_type].lower()})"
        for b in ratio.benefit_split
    )


def optimism_bias_note(settings: Settings, library: Library) -> str:
    """The optimism bias rates in use when benefits follow the table by effect confidence."""
    table = settings.optimism_bias_by_confidence or library.optimism_bias.by_confidence
    return (
        "Local assumption. On benefits, by effect confidence: "
        + ", ".join(f"{k} {v:.0%}" for k, v in table.items())
        + ". On costs, by cost confidence: "
        + (
            f"{settings.cost_optimism_bias:.0%} for every cost (this scenario's setting)"
            if settings.cost_optimism_bias is not None
            else ", ".join(f"{k} {v:.0%}" for k, v in library.optimism_bias.costs_by_confidence.items())
        )
        + "."
    )


def undeclared_overlaps_warning(result: Result, escape: Escape = _as_written) -> str | None:
    """Possible double counting not yet declared (the pairs of interventions that may count the same
    value twice, and the most at stake), or None when every pair is declared."""
    undeclared = [item for item in result.overlaps if item.share is None]
    if not undeclared:
        return None
    at_stake = sum(item.at_stake for item in undeclared)
    pairs = "1 pair of interventions" if len(undeclared) == 1 else f"{len(undeclared)} pairs of interventions"
    return (
        f"Possible double counting: {pairs} may count up to {escape(pounds(at_stake))} of benefits twice "
        "(see the notes below). Say how many people they have in common on Build the offer."
    )


def appraisal_basis(settings: Settings) -> str:
    """The basis every figure is on: '£ at 2024 prices · 3 programme year(s) from 2025/26 · appraised over
    10 years · present values'."""
    return (
        f"£ at {settings.price_year} prices · {settings.programme_years} programme year(s) from "
        f"{financial_year(settings.first_year)} · appraised over {settings.horizon_years} years · "
        "present values"
    )
