"""Plain-English summaries of a result, for the Overview, the board pack and the command line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from roi.engine.model import Result, position_in
from roi.inputs.formats import financial_year, pounds

NHS_GROUP = "NHS (ICB)"
HEADLINE_WORDS = {"central": "Central estimate", "median": "Median of the simulation"}  # settings.headline


def year_label(result: Result, year: int | None) -> str:
    """'Year 3 (2027/28)': appraisal year 1 is the first financial year, as on the dashboard's tiles."""
    settings = result.scenario.settings
    if year is None or (isinstance(year, float) and np.isnan(year)) or year <= 0:
        return f"Not within {settings.horizon_years} years"
    return f"Year {int(year)} ({financial_year(settings.first_year + int(year) - 1)})"


def _name(label: str) -> str:
    """'District council' -> 'the district council'; 'NHS primary care' stays as it is."""
    if label[1:2].isupper():
        return label
    lowered = label[0].lower() + label[1:]
    return f"the {lowered}" if lowered.split()[0] in ("district", "wider") else lowered


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def headline_sentence(result: Result) -> str:
    """'The district council invests £X; the NHS saves £a, of which £b is freed capacity rather than
    cash; county adult social care saves £c; ...' All present values at the scenario's price year."""
    library = result.scenario.library
    table = result.by_partner()
    funders = table[table["pv_costs"] > 0.5].sort_values("pv_costs", ascending=False)
    invest = _join([f"{_name(r.label)} {pounds(r.pv_costs)}" for r in funders.itertuples()])
    invest = _capital(invest.replace(" £", " invests £", 1)) if invest else "Nobody invests anything"
    savers: list[str] = []
    fiscal = table[table["fiscal_body"] & (table["pv_fiscal"].abs() > 0.5)].copy()
    fiscal["group"] = [library.partners[p].group for p in fiscal["partner"]]
    nhs = fiscal[fiscal["group"] == NHS_GROUP]
    if len(nhs):
        total, capacity = nhs["pv_fiscal"].sum(), nhs["pv_fiscal_non_cashable"].sum()
        text = f"the NHS saves {pounds(total)}"
        if capacity >= total - 0.5 and capacity > 0.5:
            text += ", all of it freed capacity (bed-days, admissions, appointments) rather than cash"
        elif capacity > 0.5:
            text += (
                f", of which {pounds(capacity)} is freed capacity (bed-days, admissions, appointments) rather than cash"
            )
        savers.append(text)
    for row in fiscal[fiscal["group"] != NHS_GROUP].sort_values("pv_fiscal", ascending=False).itertuples():
        text = f"{_name(row.label)} saves {pounds(row.pv_fiscal)}"
        if row.pv_fiscal_non_cashable > 0.5:
            text += f" ({pounds(row.pv_fiscal_non_cashable)} of it non-cashable)"
        savers.append(text)
    wider = table["pv_economic"].sum() + table["pv_social"].sum()
    sentence = invest + "; " + ("; ".join(savers) if savers else "no public body saves anything") + "."
    if wider > 0.5:
        sentence += (
            f" A further {pounds(wider)} of economic and social value goes to individuals and the "
            "wider economy; it is not counted as a saving."
        )
    settings = result.scenario.settings
    sentence += (
        f" Present values at {settings.price_year} prices over {settings.horizon_years} "
        f"year{'s' if settings.horizon_years > 1 else ''}."
    )
    return sentence


def local_example_count(result: Result) -> tuple[int, int]:
    """(values that are local judgements, values in use) across the unit costs and interventions used.
    A user's own figure is not a local judgement: it is credited to the user."""
    scenario = result.scenario
    used_costs = {o.unit_cost for i in scenario.interventions for o in i.outcomes}
    sources = [scenario.unit_costs[c].source for c in used_costs]
    for intervention in scenario.interventions:
        sources += [intervention.cost_source, intervention.volume_source]
        for outcome in intervention.outcomes:
            sources.append(outcome.source)
            if outcome.adjustments_source is not None:
                sources.append(outcome.adjustments_source)
        if intervention.ratio is not None:
            sources += [intervention.ratio.source, intervention.ratio.split_source]
    return sum(s.local_example for s in sources), len(sources)


def partner_positions(result: Result) -> pd.DataFrame:
    """Each partner's position, present values: what it pays (``pv_costs``), the cash it stops
    spending (``cash``, the fiscal cashable savings), the capacity it frees (``capacity``), economic
    and social value (``other_value``), its cash and fiscal NPV and its own payback years."""
    table = result.by_partner()
    return pd.DataFrame(
        {
            "partner": table["partner"],
            "label": table["label"],
            "fiscal_body": table["fiscal_body"],
            "pv_costs": table["pv_costs"],
            "cash": table["pv_fiscal_cashable"],
            "capacity": table["pv_fiscal_non_cashable"],
            "other_value": table["pv_economic"] + table["pv_social"],
            "cash_npv": table["cash_npv"],
            "fiscal_npv": table["fiscal_npv"],
            "cash_payback_year": table["cash_payback_year"],
            "payback_year": table["payback_year"],
        }
    )


def reconciliation(result: Result) -> str:
    """One line that makes the headline figures add up: cash + capacity + other value - costs = NPV."""
    t = result.totals
    other = t["pv_economic"] + t["pv_social"]
    text = (
        f"{pounds(t['pv_cashable'])} cash savings + {pounds(t['pv_non_cashable'])} freed capacity"
        f" + {pounds(other)} economic and social value - {pounds(t['pv_costs'])} invested"
        f" = NPV {pounds(t['npv'])}"
    )
    if t["pv_cost_optimism_bias"] > 0.5:
        text += f" (the investment includes {pounds(t['pv_cost_optimism_bias'])} of optimism bias on costs)"
    return text + "."


def range_sentence(result: Result, draws: np.ndarray | None = None) -> str:
    """Where the central NPV stands in its own simulation, in plain words: the result's seeded
    simulation, or ``draws`` (simulated NPVs) where a page or pack has run a larger one."""
    t = result.totals
    position = t if draws is None else position_in(t["npv"], draws)
    count = t["position_draws"] if draws is None else len(draws)
    text = (
        f"Likely range of NPV: {pounds(position['npv_p10'])} to {pounds(position['npv_p90'])} (P10 to P90 of "
        f"{count:,} simulations); the central estimate sits at the "
        f"{ordinal(round(position['central_percentile']))} percentile."
    )
    if position["central_outside_iqr"]:
        text += " That is outside the middle half of its own range, so treat the central figure with caution."
    if t["headline"] == "median":
        text += f" The headline is the median, {pounds(position['npv_p50'])}."
    return text


def payback_chances(fiscal: float, cash: float, draws: int, horizon: int) -> str:
    """How often the offer pays back in its simulation, each payback named for what counts towards it:
    'In 12% of 10,000 simulations the offer pays back within 10 years from cash and freed capacity;
    in 0% from cash alone.'"""
    return (
        f"In {fiscal:.0%} of {draws:,} simulations the offer pays back within {horizon} years from cash "
        f"and freed capacity; in {cash:.0%} from cash alone."
    )


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
