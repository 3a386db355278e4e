"""Write docs/sources.md from the assumption library. A test fails if the committed file drifts.

Run: python scripts/write_sources_doc.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import roi  # noqa: E402
from roi.evidence import effect_rows, load_convention  # noqa: E402
from roi.model import pounds  # noqa: E402


def _volume(intervention) -> str:  # noqa: ANN001 - schema.Intervention
    if intervention.cases_per_100k is not None:
        return f"{intervention.cases_per_100k:,.0f} cases a year per 100,000 people"
    return f"{intervention.cases_per_year:,.0f} cases a year"


def render() -> str:
    library = roi.load_library()
    lines = [
        "# Sources",
        "",
        "Generated from `assumptions/` by `python scripts/write_sources_doc.py`; do not edit by hand.",
        "Every figure the model ships with, where it comes from, and which are local examples to replace.",
        "",
        "## Unit costs",
        "",
        "| id | value | price year | confidence | source | quote | derivation |",
        "|---|---|---|---|---|---|---|",
    ]
    for cost in library.unit_costs.values():
        source = cost.source
        lines.append(
            f"| `{cost.id}` | {pounds(cost.value, pence=True)} {cost.unit} | {cost.price_year} | "
            f"{cost.confidence} | {source.citation()} | {source.quote or ''} | {source.derivation or ''} |"
        )
    lines += [
        "",
        "## Effects: study, design and grade",
        "",
        "Grades: green = systematic review or randomised trial; amber = evaluation or costing without a",
        "control group; red = a single small pilot, or a figure whose origin could not be found.",
        "",
        "| intervention | effect | value | study | design | grade | also found / limits |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in effect_rows(library):
        lines.append(
            f"| {row['intervention']} | {row['effect']} | {row['value']} | {row['study']} | {row['design']} | "
            f"{row['grade']} | {row['caveat']} |"
        )
    lines += [
        "",
        "## Judgements where no study gives a figure",
        "",
        "Deadweight, displacement, attribution and drop-off follow one convention",
        "(`assumptions/appraisal/judgement_convention.yaml`), each marked as a local judgement to agree:",
        "",
    ]
    convention = load_convention()
    for kind, values in (("controlled", convention.controlled), ("uncontrolled", convention.uncontrolled)):
        shown = ", ".join(f"{name.replace('_', ' ')} {v.describe()}" for name, v in values.items())
        lines.append(f"- Effect measured {'with' if kind == 'controlled' else 'without'} a control group: {shown}")
    lines += ["", "## Interventions", ""]
    for intervention in library.interventions.values():
        kind = "ratio-based" if intervention.ratio_based else "outcome-based"
        lines += [
            f"### {intervention.label} (`{intervention.id}`, {kind})",
            "",
            f"- Costs: {intervention.cost_source.citation()}",
            f"- Cost confidence: {intervention.cost_confidence}"
            + (f" ({intervention.cost_confidence_basis})" if intervention.cost_confidence_basis else ""),
            f"- Effect confidence: {intervention.confidence}",
            f"- Volume: {_volume(intervention)}: {intervention.volume_source.citation()}",
        ]
        if intervention.ratio is not None:
            lines += [
                f"- Ratio £{intervention.ratio.value_per_pound:,.2f} per £1: {intervention.ratio.source.citation()}",
                f"- Benefit split: {intervention.ratio.split_source.citation()}",
            ]
        for outcome in intervention.outcomes:
            adjustments = outcome.adjustments_source.citation() if outcome.adjustments_source else "-"
            follows = f" (moves with `{outcome.quantity_follows}`)" if outcome.quantity_follows else ""
            verb = "Incurs" if outcome.effect == "incurs" else "Avoids"
            avoids = f"- {verb} `{outcome.unit_cost}`, {outcome.quantity_per_case:g} per case{follows}"
            lines += [
                f"{avoids}: {outcome.source.citation()}",
                f"  - Adjustments: {adjustments}",
            ]
        lines.append("")
    lines += ["## Appraisal parameters", "", f"- GDP deflator: {library.deflator.source.citation()}"]
    lines += [f"- Discount schedule `{name}`: {s.source.citation()}" for name, s in library.discount_schedules.items()]
    lines += [
        f"- Optimism bias on benefits, by the effect's confidence: {library.optimism_bias.source.citation()}",
        "- Optimism bias on costs, by the cost's confidence: "
        + (library.optimism_bias.costs_source or library.optimism_bias.source).citation(),
        "",
        "## Published ratios used as benchmarks",
        "",
    ]
    lines += [
        f"- £{b.value_per_pound:,.2f} per £1 ({b.kind}){' **outlier, never a default**' if b.outlier else ''}: "
        f"{b.source}"
        for b in library.ratio_benchmarks.benchmarks
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (ROOT / "docs" / "sources.md").write_text(render(), encoding="utf-8")
    print("Wrote docs/sources.md")
