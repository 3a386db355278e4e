"""Plain-English summaries of a result, for the Overview, the board pack and the command line."""

from __future__ import annotations

from .model import Result, pounds

NHS_GROUP = "NHS (ICB)"


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
