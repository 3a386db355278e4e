"""The tables and sentences Assumptions and evidence shows: the unit costs as the editable grid shows
them, a unit cost's other dated figures, the convention for deadweight and the like, the parameters in
words, and the comparison with published tools."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from roi.analysis.reconciliation import Reconciliation, step_rows, summary_rows, verdict
from roi.inputs.formats import cases, number, pounds
from roi.inputs.library import Library
from roi.inputs.schema import JudgementConvention

Escape = Callable[[str], str]

UNIT_COST_COLUMNS = [
    "status",
    "label",
    "value",
    "unit",
    "price_year",
    "uprating_factor",
    "value_at_scenario_prices",
    "bearer",
    "low",
    "high",
    "confidence",
    "source",
    "read",
    "licence",
    "replaced",
    "quote",
    "derivation",
    "other_dated_figures",
    "range_note",
    "used",
    "id",
]

PARAMETER_HEADINGS = {
    "intervention": "Intervention",
    "parameter": "Parameter",
    "value": "Value",
    "low": "Low",
    "high": "High",
    "provenance": "Who said it",
    "grade": "Grade",
    "source": "Source",
    "quote": "Quote",
    "caveat": "What else the study found",
}


def _missing(value: Any) -> bool:
    return value is None or value != value


def unit_cost_grid(table: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """``roi.analysis.evidence.unit_cost_table`` in the order ``ids`` (the grid's rows keep their place
    while it is open), read-only money as £1,234.00, and a status first (blank when published)."""
    shown = table.set_index("id").loc[list(ids)].reset_index()
    for column in ("value_at_scenario_prices", "low", "high"):
        shown[column] = shown[column].map(lambda v: "" if _missing(v) else pounds(v, pence=True))
    shown.insert(0, "status", [{"published": ""}.get(p, p.capitalize()) for p in shown["provenance"]])
    return shown[UNIT_COST_COLUMNS]


def local_judgements_in_use(table: pd.DataFrame) -> list[str]:
    """The labels of the unit costs in use that are local judgements, with no published source."""
    return list(table[(table["provenance"] == "local judgement") & table["used"]]["label"])


def usable_figures(library: Library, cost_id: str, uplift: Any) -> list[int]:
    """A unit cost's figures that can be used: 0 for the documented one, k for its (k-1)th dated
    alternative whose price year the tool can uprate."""
    index = library.price_index(uplift)
    return [0] + [k + 1 for k, a in enumerate(library.unit_costs[cost_id].alternatives) if a.price_year in index]


def figure_label(library: Library, cost_id: str, k: int, uplift: Any) -> str:
    """One of a unit cost's figures, as :func:`usable_figures` numbers them."""
    documented = library.unit_costs[cost_id]
    if k == 0:
        return f"£{documented.value:,.2f} ({documented.price_year} prices): the default, the newest we could read"
    figure = documented.alternatives[k - 1]
    forecast = "" if library.year_status(figure.price_year, uplift) == "outturn" else ", uprated with a forecast"
    return f"£{figure.value:,.2f} ({figure.price_year} prices{forecast}): {figure.label}"


def later_figures_sentence(library: Library, cost_id: str, uplift: Any) -> str | None:
    """A unit cost's newer figures whose price year is beyond the years the tool can uprate, or None."""
    index = library.price_index(uplift)
    later = [a for a in library.unit_costs[cost_id].alternatives if a.price_year not in index]
    if not later:
        return None
    return "Newer, not yet usable (its price year is beyond the years the tool can uprate): " + "; ".join(
        f"£{a.value:,.2f} ({a.price_year} prices), {a.label}" for a in later
    )


def convention_sentence(convention: JudgementConvention) -> str:
    """The one convention for deadweight, displacement, attribution and drop-off where no study gives them."""
    return (
        "Where no study gives deadweight, displacement, attribution or drop-off, one convention applies: "
        + "; ".join(
            f"effect measured {'against a control' if kind == 'controlled' else 'without a control'}: "
            + ", ".join(f"{name.replace('_', '-')} {v.describe()}" for name, v in values.items() if "when" not in name)
            for kind, values in (("controlled", convention.controlled), ("uncontrolled", convention.uncontrolled))
        )
        + ". Each is a local judgement to agree with your partners."
    )


def readable_parameters(parameters: pd.DataFrame) -> pd.DataFrame:
    """``roi.analysis.evidence.parameter_table`` in words: values as numbers are read (cases a year by the
    one rule for fractional volumes, roi.inputs.formats.cases), with headings."""
    readable = parameters.assign(
        **{
            c: [
                "" if _missing(v) else cases(v) if name == "Cases per year" else number(v)
                for v, name in zip(parameters[c], parameters["parameter"], strict=True)
            ]
            for c in ("value", "low", "high")
        }
    )
    return readable.rename(columns=PARAMETER_HEADINGS).drop(columns=["local_example", "at_convention"])


def parameter_counts_sentence(parameters: pd.DataFrame) -> str:
    """How many parameters are local judgements (and still at the convention) and how many are yours."""
    provenance = parameters["provenance"]
    return (
        f"Of {len(parameters):,} parameters, {int((provenance == 'local judgement').sum()):,} are local "
        f"judgements ({int(parameters['at_convention'].sum()):,} still at the shipped convention) and "
        f"{int((provenance == 'your figure').sum()):,} are your figures. Change them on *Build the offer*."
    )


def published_comparison(
    results: Sequence[Reconciliation],
) -> tuple[list[dict[str, str]], list[tuple[str, str, list[dict[str, str]], list[str]]]]:
    """The project's results beside the published tools' figures: the summary rows and, per figure, its
    title, its verdict, its steps and the other readings shown beside it."""
    details = [
        (r.figure.label, verdict(r), step_rows(r), [f"{label}: {pounds(v, pence=True)}" for label, v in r.variants])
        for r in results
    ]
    return summary_rows(tuple(results)), details


def comparison_table(summary: list[dict[str, str]], as_published: bool) -> pd.DataFrame:
    """Each published figure, the project's result (or, ``as_published``, the published method's) and
    how far apart they are."""
    ours = "by the published method" if as_published else "this project"
    return pd.DataFrame(
        {
            "Published figure": [row["published figure"] for row in summary],
            "Published": [row["published"] for row in summary],
            "Published tool's method, not this project's" if as_published else "This project": [
                row[ours] for row in summary
            ],
            "Reconciled": [f"{row['times apart']} times apart: {row['reconciled']}" for row in summary],
        }
    ).set_index("Published figure")


def steps_table(steps: list[dict[str, str]]) -> pd.DataFrame:
    """The steps from the project's result to a published figure, each in pounds, with a running total."""
    return pd.DataFrame(
        {
            "Step": [f"{r['kind'].capitalize()}: {r['step']}" if r["kind"] else r["step"] for r in steps],
            "£": [r["pounds"] for r in steps],
            "Running total": [r["running total"] for r in steps],
        }
    ).set_index("Step")


def ucd_note(count: str, licence: str, attribution: str, short: str, escape: Escape = str) -> str:
    """What the GMCA Unit Cost Database holds, its licence and attribution, and where its rows are used."""
    return (
        f"{count} unit costs, each with the agency that bears it, fiscal, economic and social values at "
        "their own price year, its source and page, and a red/amber/green grade. "
        f"Licence: {escape(licence)} (Creative Commons Attribution 4.0 International). Attribution: "
        f"{escape(attribution)} Use a row on Build the offer or Check a claim; it is marked “{short}” "
        "with its grade wherever it appears."
    )
