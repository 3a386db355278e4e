"""Write docs/sources.md from the assumption library. A test fails if the committed file drifts.

Run: python scripts/write_sources_doc.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import roi  # noqa: E402
from roi.analysis.evidence import effect_rows, library_counts_text, library_figure_counts, load_convention, read_mark  # noqa: E402
from roi.inputs.formats import pounds  # noqa: E402


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
        "| id | value | price year | confidence | source | read | licence | quote | derivation |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for cost in library.unit_costs.values():
        source = cost.source
        lines.append(
            f"| `{cost.id}` | {pounds(cost.value, pence=True)} {cost.unit} | {cost.price_year} | "
            f"{cost.confidence} | {source.citation()} | {read_mark(source)} | {source.licence or ''} | "
            f"{source.quote or ''} | {source.derivation or ''} |"
        )
        if cost.range_unverified:
            lines.append(f"| | range {cost.low:g} to {cost.high:g} | | | {cost.range_note} | NOT VERIFIED | | | |")
        for alt in cost.alternatives:
            lines.append(
                f"| | other figure: {pounds(alt.value, pence=True)} | {alt.price_year} | | {alt.label}: "
                f"{alt.source.citation()} | {read_mark(alt.source)} | {alt.source.licence or ''} | "
                f"{alt.source.quote or ''} | {alt.source.derivation or ''} |"
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
        ]
        if intervention.cost_model is not None:
            m = intervention.cost_model
            lines.append(
                f"- Cost model ({m.label}): £{m.salary_per_year:,.0f} a year / {m.caseload_per_year:g} people a year "
                f"= {pounds(m.cost_per_case, pence=True)} a person: {m.source.citation()}"
            )
        lines += [
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
        f"{b.source}" + (f" Licence: {b.licence}." if b.licence else "")
        for b in library.ratio_benchmarks.benchmarks
    ]
    lines += ["", *LICENCES]
    lines += ["", "## Counts", "", library_counts_text(library_figure_counts(library))]
    return "\n".join(lines) + "\n"


LICENCES = [
    "## Licences, and what was left out",
    "",
    "Every published source in `assumptions/` names its licence (`licence:`), as far as it could be",
    "established, and how it was read (`read: original`, `secondary` or `unverified`). Local judgements are",
    "this project's own and carry no third-party licence.",
    "",
    "- Open Government Licence v3.0: GOV.UK publications and blogs (HM Treasury, DHSC, PHE, MHCLG statistics),",
    "  the standard licence of Crown copyright material on GOV.UK.",
    "- Open Parliament Licence v3.0: written parliamentary answers.",
    "- CC BY 4.0: the GMCA Unit Cost Database v1.4 (attribution: GMCA Research, New Economy).",
    "- All rights reserved: reports, articles and web pages of other publishers (the toolkit, The King's Fund, BRE,",
    "  Cochrane, Crisis, SCIE, Foundations, BBC, Pulse, LocalGov, LGA). Their terms were not read; each ships one",
    "  figure with a short quotation and attribution, for review and criticism, never a table of their values.",
    "",
    "Left out, and why:",
    "",
    "- PSSRU/CHE *Unit Costs of Health and Social Care 2024 Manual* (Jones KC et al., 2025): licensed CC BY-NC-SA",
    "  4.0 (read second-hand in code comments of two public repositories). Not shipped: ShareAlike would bind this",
    "  library to the same licence and NonCommercial would bar commissioned or paid use by a partner's contractor;",
    "  its values were also not in any source that could be read. Older PSSRU figures reach the library only",
    "  as the GMCA Unit Cost Database quotes them (CC BY 4.0). A user may type a PSSRU figure as their own.",
    "- HACT Social Value Bank values: CC BY-NC-ND 4.0, and HACT's waiver excludes 'including the values as a",
    "  freebee with any tool'. Never shipped.",
    "- A tertiary list of 'NHS National Cost Collection 2023-24' and 'PSSRU 2024' values (econstack-data",
    "  `unit-costs.json`): no table reference, so not shipped (unverifiable, not a licence question).",
]


if __name__ == "__main__":
    (ROOT / "docs" / "sources.md").write_text(render(), encoding="utf-8")
    print("Wrote docs/sources.md")
