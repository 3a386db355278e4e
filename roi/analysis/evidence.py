"""Tables of every figure a scenario uses, with its source: for the evidence page and the exports."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd
from pydantic import BaseModel

from roi.analysis.claims import load_claim_defaults
from roi.engine.model import cost_optimism_bias, optimism_bias
from roi.inputs.library import ASSUMPTIONS_DIR, Library, Scenario, load_library, read_yaml, validate
from roi.inputs.schema import Intervention, JudgementConvention, Source, UnitCost, follow_target

PROVENANCES = ("published", "your figure", "local judgement")


_INTERNAL = [
    # "(seed 001, line 2312; footnote 41, text missing)" and the like: where a figure sits in our own
    # copy of a document, which means nothing to a reader.
    re.compile(r"\s*\([^()]*\b(?:seed|lines?\s+\d)[^()]*\)", re.IGNORECASE),
    re.compile(r"[;,]?\s*\bseed\s+\d+\b(?:,\s*lines?\s+[\d\s,and-]+)?", re.IGNORECASE),
    re.compile(r"[;,]?\s*\blines?\s+\d+(?:\s*(?:-|and|,)\s*\d+)*", re.IGNORECASE),
    re.compile(r"[;,]?\s*footnote\s+\d+,\s*text missing", re.IGNORECASE),
    # file names and repository paths
    re.compile(r"[;,]?\s*\S+\.(?:xlsx|xls|yaml|yml|csv|txt|md|py|json)\b", re.IGNORECASE),
    re.compile(r"[;,]?\s*\b[\w.-]+/[\w.-]+/\S*"),
    re.compile(r"[;,]?\s*\b[a-z][\w.-]{3,}/[a-z][\w.-]{3,}"),  # a repository, owner/name
]


def plain(text: str | None) -> str:
    """Text for a reader: without line numbers, file names or our internal document labels."""
    text = text or ""
    for pattern in _INTERNAL:
        text = pattern.sub("", text)
    text = re.sub(r"\bthe seed's\b", "the toolkit's", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+([,;.)])", r"\1", text)
    text = re.sub(r"\(\s*\)", "", text)
    return re.sub(r"\s{2,}", " ", text).strip(" ;,")


def plain_citation(source: Source | None) -> str:
    """Publication, publisher, year and section in plain English; a local example says so."""
    if source is None:
        return ""
    if getattr(source, "user_figure", False):
        return plain(source.citation())
    if source.local_example:
        return f"Local judgement, no published source: {plain(source.note)}"
    parts = [source.publication, source.publisher, str(source.year) if source.year else None, plain(source.location)]
    text = ", ".join(p for p in parts if p)
    if source.read == "secondary":
        where = plain(source.read_in)
        text += f" (read second-hand in {where})" if where else " (read second-hand)"
    elif source.read == "unverified":
        text += f" (NOT VERIFIED: {plain(source.note)})"
    return text


@functools.lru_cache(maxsize=1)
def load_convention() -> JudgementConvention:
    """The shipped convention for deadweight, displacement, attribution and drop-off."""
    name = "judgement_convention.yaml"
    return validate(JudgementConvention, read_yaml(ASSUMPTIONS_DIR / "appraisal" / name), name)


def _provenance(source: Source | None) -> str:
    return "local judgement" if source is None else source.provenance


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
                "range_note": (
                    ("NOT VERIFIED (an end of this range could not be read): " if cost.range_unverified else "")
                    + (cost.range_note or "")
                ),
                "confidence": cost.confidence,
                "read": read_mark(cost.source),
                "licence": cost.source.licence or "",
                "local_example": cost.source.local_example,
                "provenance": cost.source.provenance,
                # A changed figure is credited to whoever changed it, never to the publication
                # behind the value it replaced; that publication is named only as what was replaced.
                "source": plain(cost.source.citation()),
                "replaced": (
                    f"Replaces the documented £{documented.value:,.2f} at {documented.price_year} prices "
                    f"({plain(documented.source.citation())})"
                    if documented and cost_id in edited
                    else ""
                ),
                "quote": (cost.source.quote or "") if cost.source.provenance == "published" else "",
                "derivation": (cost.source.derivation or "") if cost.source.provenance == "published" else "",
                "price_year_note": cost.price_year_note or "",
                "other_dated_figures": "; ".join(
                    f"£{a.value:,.2f} ({a.price_year} prices): {a.label}" for a in cost.alternatives
                ),
            }
        )
    return pd.DataFrame(rows)


READ_MARKS = {
    "original": "read in the source",
    "secondary": "read in a copy quoting the source",
    "unverified": "NOT VERIFIED: could not be read",
}


def read_mark(source: Source | None) -> str:
    """How a figure was read, in words: in its source, in a copy, not verified, or a judgement."""
    if source is None or source.provenance != "published":
        return "your figure" if source is not None and source.user_figure else "local judgement"
    return READ_MARKS.get(source.read or "", "not marked")


def library_counts_text(counts: dict[str, int]) -> str:
    """One sentence for the Assumptions page: what the whole library ships, by how it was read."""
    ranges = counts["unverified_ranges"]
    return (
        f"The library ships {counts['total']:,} sourced figures: {counts['published']:,} published "
        f"({counts['verified']:,} verified in the source or a copy of it, {counts['unverified']:,} not verified) "
        f"and {counts['judgement']:,} local judgements; {ranges:,} unit-cost range{'s' if ranges != 1 else ''} "
        f"{'have' if ranges != 1 else 'has'} an end that could not be verified."
    )


def _source_text(source: Source | None) -> str:
    return "" if source is None else plain(source.citation())


def parameter_table(scenario: Scenario) -> pd.DataFrame:
    """One row per intervention parameter in use: value, range, who said it (published / your figure /
    local judgement), whether it still sits at the shipped convention, grade, source and caveat."""
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
                "provenance": _provenance(source),
                "at_convention": bool(source is not None and source.convention),
                "grade": (source.grade or "") if source else "",
                "source": _source_text(source),
                "quote": (source.quote or "") if source else "",
                "caveat": (source.caveat or "") if source else "",
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
        for figure in i.cost_alternatives:  # older or other official figures, shown beside the one in use
            what = f"Other dated cost per case (£, {figure.price_year}): {figure.label}"
            add(i.label, what, figure.value, figure.source)
        add(
            i.label,
            f"Fixed cost per year (£, {i.price_year})",
            i.fixed_cost_per_year,
            i.cost_source,
            *r.get("fixed_cost_per_year", (None, None)),
        )
        table = scenario.library.optimism_bias
        add(
            i.label,
            f"Optimism bias on benefits (effect confidence: {i.confidence})",
            optimism_bias(scenario, i),
            i.cost_source if i.optimism_bias is not None else table.source,
        )
        add(
            i.label,
            f"Optimism bias on costs (cost confidence: {i.cost_confidence})",
            cost_optimism_bias(scenario, i),
            i.cost_source if i.cost_optimism_bias is not None else table.costs_source or table.source,
        )
        for o in i.outcomes:
            if o.confidence is not None and o.confidence != i.confidence:
                add(
                    i.label,
                    f"{scenario.unit_costs[o.unit_cost].label}: optimism bias on benefits "
                    f"(effect confidence: {o.confidence})",
                    optimism_bias(scenario, i, o),
                    i.cost_source if i.optimism_bias is not None else table.source,
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
            if o.rate_effect is not None:
                e = o.rate_effect
                add(
                    i.label,
                    f"{unit}: {e.baseline_label}",
                    e.baseline_per_year,
                    e.baseline_source,
                    *(e.baseline_range or (None, None)),
                )
                add(
                    i.label,
                    f"{unit}: {e.measure_label or 'rate ratio with the service'}"
                    + (" (not in use)" if e.use_alternative else ""),
                    e.rate_ratio,
                    o.source,
                    *(e.rate_ratio_range or (None, None)),
                )
                if e.alternative is not None:
                    add(
                        i.label,
                        f"{unit}: {e.alternative.label}" + ("" if e.use_alternative else " (not in use)"),
                        e.alternative.rate_ratio,
                        e.alternative.source,
                        *(e.alternative.rate_ratio_range or (None, None)),
                    )
                if e.share_label is not None:
                    add(
                        i.label,
                        f"{unit}: {e.share_label}",
                        e.share_costed,
                        e.share_source,
                        *(e.share_range or (None, None)),
                    )
            what, span = f"{unit}: quantity per case", o.ranges.get("quantity_per_case", (None, None))
            j = None if o.quantity_follows is None else follow_target(i.outcomes, o.quantity_follows)
            lead = None if j is None else i.outcomes[j]
            if lead is not None:  # the same people: it moves with the lead's quantity, in proportion
                what += f" (moves with {scenario.unit_costs[lead.unit_cost].label.lower()})"
                scale = o.quantity_per_case / lead.quantity_per_case
                low, high = lead.ranges.get("quantity_per_case", (None, None))
                span = (None, None) if low is None else (low * scale, high * scale)
            add(i.label, what, o.quantity_per_case, o.source, *span)
            for name in ("deadweight", "displacement", "attribution", "drop_off"):
                basis = o.duration_source if name == "drop_off" and o.duration_source else o.adjustments_source
                add(
                    i.label,
                    f"{unit}: {name.replace('_', '-')}",
                    getattr(o, name),
                    basis,
                    *o.ranges.get(name, (None, None)),
                )
            add(i.label, f"{unit}: lasts (years)", o.duration_years, o.duration_source or o.adjustments_source)
    return pd.DataFrame(rows)


def provenance_counts(scenario: Scenario) -> dict[str, int]:
    """How many figures behind a scenario are published, the user's own, or local judgements, and how
    many of the judgements still sit at the shipped convention (parameters in use plus the unit costs
    they use)."""
    parameters = parameter_table(scenario)
    costs = unit_cost_table(scenario)
    used = costs[costs["used"]]
    provenances = list(parameters["provenance"]) + list(used["provenance"])
    counts = {p: provenances.count(p) for p in PROVENANCES}
    counts["at_convention"] = int(parameters["at_convention"].sum())
    counts["total"] = len(provenances)
    return counts


def _lower_first(label: str) -> str:
    """A label inside a sentence: its first letter lower case, the rest (A&E, QALY) as written."""
    return label[:1].lower() + label[1:]


def _effect_value(intervention: Intervention, unit_costs: dict[str, UnitCost]) -> Iterable[dict[str, Any]]:
    if intervention.ratio is not None:
        r = intervention.ratio
        yield {
            "effect": "benefit per £1 spent (published ratio)",
            "value": f"£{r.value_per_pound:,.2f}",
            "source": r.source,
        }
    for o in intervention.outcomes:
        unit = unit_costs[o.unit_cost].label if o.unit_cost in unit_costs else o.unit_cost
        if o.rate_effect is not None:
            e = o.rate_effect
            span = e.ratio_range_in_use
            ci = f" (95% CI {span[0]:g}-{span[1]:g})" if span else ""
            measure = _lower_first(e.alternative.label) if e.use_alternative and e.alternative else "rate ratio"
            baseline = _lower_first(e.baseline_label)
            value = f"{measure} {e.ratio_in_use:g}{ci} on {e.baseline_per_year:g} a year ({baseline})"
            if e.share_label:
                share = f"{e.share_costed:.1%}" if e.share_label.startswith("Share") else f"{e.share_costed:g}"
                value += f" x {share} ({_lower_first(e.share_label)})"
        else:
            value = f"{o.quantity_per_case:g} per case a year for {o.duration_years} year(s)"
        yield {"effect": unit, "value": value, "source": o.source}


def effect_rows(source: Library | Scenario) -> list[dict[str, str]]:
    """Every effect (outcome or ratio) with its study, design, grade and what else the study found."""
    interventions = source.interventions.values() if isinstance(source, Library) else source.interventions
    rows = []
    for intervention in interventions:
        for effect in _effect_value(intervention, source.unit_costs):
            s: Source = effect["source"]
            study = (
                s.citation()
                if s.provenance != "published"
                else ", ".join(x for x in (s.publication, s.publisher, str(s.year) if s.year else None) if x)
            )
            rows.append(
                {
                    "intervention": intervention.label,
                    "effect": effect["effect"],
                    "value": effect["value"],
                    "study": study,
                    "design": s.design or "",
                    "grade": s.grade or "",
                    "caveat": s.caveat or "",
                }
            )
    return rows


FIGURE_COUNT_KEYS = ("published", "verified", "unverified", "judgement", "unverified_ranges", "total")


def _sources_in(node: Any) -> Iterable[Source]:
    if isinstance(node, Source):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _sources_in(getattr(node, name))
    elif isinstance(node, dict):
        for value in node.values():
            yield from _sources_in(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _sources_in(item)


def library_figure_counts(library: Library | None = None) -> dict[str, int]:
    """How many sourced figures the whole library ships: published (verified in the source or a copy of
    it, or unverified), local judgements, and unit costs with a range end that could not be read. One
    figure is one source block; scripts/count_figures.py counts the same from the YAML."""
    library = library or load_library()
    parts: list[Any] = [
        library.unit_costs,
        library.interventions,
        library.deflator,
        library.discount_schedules,
        library.optimism_bias,
        library.convention,
        load_claim_defaults(library),
    ]
    counts = dict.fromkeys(FIGURE_COUNT_KEYS, 0)
    for source in _sources_in(parts):
        counts["total"] += 1
        if source.provenance != "published":
            counts["judgement"] += 1
            continue
        counts["published"] += 1
        if source.read in ("original", "secondary"):
            counts["verified"] += 1
        elif source.unverified:
            counts["unverified"] += 1
    counts["unverified_ranges"] = sum(c.range_unverified for c in library.unit_costs.values())
    return counts


def effect_measure_options(intervention: Intervention) -> dict[str, str]:
    """The published effect measures an intervention's savings may rely on, by the value of its
    ``effect_measure`` ('main', 'alternative'), each in users' words with its ratio; empty where its
    outcomes give only one measure. The default ('main') is said to be the default."""
    effect = next((o.rate_effect for o in intervention.outcomes if o.rate_effect and o.rate_effect.alternative), None)
    if effect is None or effect.alternative is None:
        return {}
    main = effect.measure_label or "The published rate ratio"
    return {
        "main": f"{main} {effect.rate_ratio:g} (the default)",
        "alternative": f"{effect.alternative.label} {effect.alternative.rate_ratio:g}",
    }
