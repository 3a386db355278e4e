"""Tables of every figure a scenario uses, with its source: for the evidence page and the exports."""

from __future__ import annotations

import pandas as pd

from .library import Scenario
from .model import optimism_bias
from .schema import Source


def _bearers(scenario: Scenario, unit_cost_id: str) -> str:
    partners = scenario.library.partners
    cost = scenario.unit_costs[unit_cost_id]
    return "; ".join(
        f"{partners[b.partner].label} ({b.value_type.replace('_', ' ')}" + (f", {b.share:.0%})" if b.share < 1 else ")")
        for b in cost.bearers()
    )


def unit_cost_table(scenario: Scenario, edited: set[str] | None = None) -> pd.DataFrame:
    """Every unit cost in the library (and the scenario's additions): documented value, value in use,
    price year, uprating factor to the scenario's price year, bearer, range, confidence and source."""
    edited = edited if edited is not None else set(scenario.spec.unit_costs)
    used = {o.unit_cost for i in scenario.interventions for o in i.outcomes}
    rows = []
    for cost_id, cost in scenario.unit_costs.items():
        documented = scenario.library.unit_costs.get(cost_id)
        factor = scenario.uprating_factor(cost.price_year)
        rows.append(
            {
                "id": cost_id,
                "label": cost.label,
                "value": cost.value,
                "unit": cost.unit,
                "price_year": cost.price_year,
                "uprating_factor": factor,
                "value_at_scenario_prices": cost.value * factor,
                "documented_value": documented.value if documented else None,
                "documented_price_year": documented.price_year if documented else None,
                "edited": cost_id in edited,
                "used": cost_id in used,
                "bearer": _bearers(scenario, cost_id),
                "low": cost.low,
                "high": cost.high,
                "range_note": cost.range_note or "",
                "confidence": cost.confidence,
                "local_example": cost.source.local_example,
                "source": (documented.source if documented and cost_id in edited else cost.source).citation(),
                "quote": (documented.source.quote if documented else cost.source.quote) or "",
                "derivation": (documented.source.derivation if documented else cost.source.derivation) or "",
                "price_year_note": cost.price_year_note or "",
            }
        )
    return pd.DataFrame(rows)


def _source_text(source: Source | None) -> str:
    return "" if source is None else source.citation()


def parameter_table(scenario: Scenario) -> pd.DataFrame:
    """One row per intervention parameter in use: value, range, whether it is a local example, source."""
    rows = []

    def add(intervention: str, parameter: str, value: float, source: Source | None, low=None, high=None) -> None:
        rows.append(
            {
                "intervention": intervention,
                "parameter": parameter,
                "value": value,
                "low": low,
                "high": high,
                "local_example": bool(source is not None and source.local_example),
                "source": _source_text(source),
                "quote": (source.quote or "") if source else "",
            }
        )

    for i in scenario.interventions:
        r = i.ranges
        add(i.label, "Cases per year", i.cases_per_year, i.volume_source, *r.get("cases_per_year", (None, None)))
        add(
            i.label,
            f"Cost per case (£, {i.price_year})",
            i.cost_per_case,
            i.cost_source,
            *r.get("cost_per_case", (None, None)),
        )
        add(
            i.label,
            f"Fixed cost per year (£, {i.price_year})",
            i.fixed_cost_per_year,
            i.cost_source,
            *r.get("fixed_cost_per_year", (None, None)),
        )
        add(
            i.label,
            "Optimism bias on benefits",
            optimism_bias(scenario, i),
            i.cost_source if i.optimism_bias is not None else scenario.library.optimism_bias.source,
        )
        if i.ratio is not None:
            add(
                i.label,
                "£ benefit per £1 (published ratio)",
                i.ratio.value_per_pound,
                i.ratio.source,
                i.ratio.low,
                i.ratio.high,
            )
            for b in i.ratio.benefit_split:
                add(
                    i.label,
                    f"Share of benefit: {scenario.library.partners[b.partner].label}",
                    b.share,
                    i.ratio.split_source,
                )
        for o in i.outcomes:
            unit = scenario.unit_costs[o.unit_cost].label
            add(
                i.label,
                f"{unit}: quantity per case",
                o.quantity_per_case,
                o.source,
                *o.ranges.get("quantity_per_case", (None, None)),
            )
            for name in ("deadweight", "displacement", "attribution", "drop_off"):
                add(
                    i.label,
                    f"{unit}: {name.replace('_', '-')}",
                    getattr(o, name),
                    o.adjustments_source,
                    *o.ranges.get(name, (None, None)),
                )
            add(i.label, f"{unit}: lasts (years)", o.duration_years, o.adjustments_source)
    return pd.DataFrame(rows)
