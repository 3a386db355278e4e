"""Exports from one result: an Excel workbook, CSV, chart images, a PDF board pack, YAML.

Every figure comes from the same :class:`roi.Result` the dashboard shows, so an export always equals
``python -m roi run`` (a test reads the workbook back and compares).

The board pack is built from a list of page writers (:data:`PAGES`), each a function
``writer(pack, context)`` that draws on a :class:`BoardPack` with the shared :class:`PackContext`
(the result, its simulation, the partners' positions). Another module adds a page by passing
``pages=insert_page(my_writer, after=partners_page)`` to :func:`board_pack`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from roi.analysis import summary
from roi.analysis.evidence import parameter_table, plain, plain_citation, unit_cost_table
from roi.analysis.summary import ordinal, partner_positions, year_label  # noqa: F401 - year_label: export's wording
from roi.engine import uncertainty
from roi.engine.model import Result, position_in, uprating_warning
from roi.inputs.formats import cases, financial_year, number, pounds
from roi.inputs.library import dump_spec
from roi.inputs.limits import STANDARD_SEED
from roi.inputs.parameters import standard_draws
from roi.outputs import charts
from roi.outputs.deal_export import heads_of_terms_page, heads_of_terms_sheet
from roi.outputs.documents import (
    INK,
    MUTED,
    BoardPack,
    cell_text,
    header,
    latin,
    sheet_formats,
    write_sheet,
)

# -- Shared wording -------------------------------------------------------------------------------


def offer_table(result: Result) -> pd.DataFrame:
    """One row per intervention in the offer: volume, costs, funders, the grades of its effect and of its
    cost (each sets its own optimism bias), PV of costs."""
    scenario = result.scenario
    partners = scenario.library.partners
    costs = result.costs.groupby("intervention")["pv"].sum()
    rows = []
    for i in scenario.interventions:
        rows.append(
            {
                "intervention": i.label,
                "cases_per_year": i.cases_per_year,
                "cost_per_case": i.cost_per_case * scenario.uprating_factor(i.price_year),
                "fixed_cost_per_year": i.fixed_cost_per_year * scenario.uprating_factor(i.price_year),
                "funded_by": ", ".join(
                    partners[p].label + ("" if s == 1 else f" {s:.0%}") for p, s in i.funded_by.items()
                ),
                "effect_confidence": i.confidence.capitalize() + (", published ratio" if i.ratio_based else ""),
                "cost_confidence": i.cost_confidence.capitalize(),
                "pv_costs": float(costs.get(i.id, 0.0)),
            }
        )
    return pd.DataFrame(rows)


def _range(values: np.ndarray | None) -> tuple[float | None, float | None]:
    if values is None:
        return None, None
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return None, None
    p10, p90 = np.percentile(finite, [10, 90])
    return float(p10), float(p90)


def partner_ranges(sim: uncertainty.Simulation) -> tuple[str, dict[str, tuple[float | None, float | None]]]:
    """P10 and P90 of each partner's position across the simulation: its cash position where the
    simulation records cash (the one engine), else its net position over all value types. Returns
    what the range measures, and the ranges by partner id."""
    cash = getattr(sim, "partner_cash", None)
    costs = getattr(sim, "partner_costs", None)
    if cash and costs is not None:
        ids = set(cash) | set(costs)
        zero = np.zeros(sim.draws)
        return "cash position", {p: _range(cash.get(p, zero) - costs.get(p, zero)) for p in ids}
    return "net position (all value)", {p: _range(v) for p, v in sim.partner_npv.items()}


# -- The workbook ---------------------------------------------------------------------------------

# Human headers for every column the workbook shows; a column not listed gets a readable fallback.
PERCENT_SETTINGS = ("discount_rate", "health_discount_rate", "optimism_bias", "cost_optimism_bias")


def settings_table(result: Result) -> pd.DataFrame:
    """The appraisal settings: every one has a value, none shows 'None'; a number stays a number, its
    ``kind`` (share, count, year or text) saying how the workbook formats it."""
    scenario = result.scenario
    settings = scenario.settings
    library = scenario.library
    labels = {
        "horizon_years": "Appraisal horizon (years)",
        "programme_years": "Programme years (years in which cases are funded)",
        "price_year": "Price year (every figure at this year's prices)",
        "start_year": "First financial year",
        "discount_schedule": "Discount schedule",
        "health_discount_schedule": "Discount schedule for health effects",
        "discount_rate": "Constant discount rate",
        "health_discount_rate": "Constant discount rate for health effects",
        "optimism_bias": "Optimism bias on benefits",
        "optimism_bias_by_confidence": "Optimism bias on benefits, by effect confidence",
        "cost_optimism_bias": "Optimism bias on costs",
        "headline": "Headline figure",
        "price_uplift": "Price growth past the GDP deflator table (your own judgement, per cent a year)",
    }
    defaults = {
        "start_year": financial_year(settings.first_year),
        "discount_rate": "Not used: the discount schedule applies",
        "health_discount_rate": "Not used: the discount schedule for health effects applies",
        "optimism_bias": "Set by the confidence in each effect (next row)",
        "optimism_bias_by_confidence": ", ".join(
            f"{k} confidence {v:.0%}" for k, v in library.optimism_bias.by_confidence.items()
        )
        + " (the library's local assumption)",
        "cost_optimism_bias": "Set by the confidence in each cost: "
        + ", ".join(f"{k} confidence {v:.0%}" for k, v in library.optimism_bias.costs_by_confidence.items())
        + " (the library's local assumption)",
    }
    table_end = library.deflator_years()[1]
    proxy = library.deflator.proxy
    defaults["price_uplift"] = (
        f"Not set: past {table_end}, {proxy.label} as a proxy for the GDP deflator" if proxy else "Not set"
    )
    rows = []
    for name, value in settings.model_dump().items():
        kind = "text"
        if name == "price_uplift" and value is not None:
            shown = (
                "; ".join(f"{k}: {v:g}%" for k, v in value.items()) if isinstance(value, dict) else f"{value:g}% a year"
            ) + f" past {table_end} (your own judgement, not a published figure)"
        elif value is None:
            shown: Any = defaults.get(name, "Not set")
        elif name == "start_year":
            shown = financial_year(value)
        elif name == "headline":
            shown = summary.HEADLINE_WORDS.get(value, value)
        elif name in ("discount_schedule", "health_discount_schedule") and value in library.discount_schedules:
            shown = library.discount_schedules[value].label
        elif isinstance(value, dict):
            shown = ", ".join(f"{k} {v:.0%}" if isinstance(v, float) else f"{k} {v}" for k, v in value.items())
        elif isinstance(value, float) and name in PERCENT_SETTINGS:
            shown, kind = value, "share"  # a number, formatted as a percentage in the workbook
        elif isinstance(value, int) and not isinstance(value, bool):
            shown, kind = value, "year" if name == "price_year" else "count"
        else:
            shown = value
        shown = shown if shown != "" else "Not set"
        rows.append({"setting": labels.get(name, header(name)), "value": shown, "kind": kind})

    note = uprating_warning(scenario)
    rows.append(
        {"setting": "Uprating", "value": note or f"Every price year used is outturn (to {table_end}).", "kind": "text"}
    )
    return pd.DataFrame(rows)


def _labelled_flows(result: Result, frame: pd.DataFrame) -> pd.DataFrame:
    """A flow table in the users' words: labels, not ids; year 1 = the first financial year."""
    scenario = result.scenario
    partners = scenario.library.partners
    out = frame.copy()
    if "intervention" in out:
        out["intervention"] = out["intervention"].map({i.id: i.label for i in scenario.interventions})
    if "outcome" in out:
        out["outcome"] = out["outcome"].map(lambda c: scenario.unit_costs[c].label if c in scenario.unit_costs else c)
    if "partner" in out:
        out["partner"] = out["partner"].map(lambda p: partners[p].label)
    if "value_type" in out:
        out["value_type"] = out["value_type"].map(charts.VALUE_TYPE_LABELS)
    if "year" in out:
        first = scenario.settings.first_year
        out.insert(out.columns.get_loc("year") + 1, "financial_year", [financial_year(first + t) for t in out["year"]])
        out["year"] = out["year"] + 1
    return out


def workbook(result: Result, document: str | None = None) -> bytes:
    """An Excel workbook: headline, the offer, scenario settings, every assumption with its source and
    uprating factor, results by partner, intervention and year, the who-pays / who-saves matrix, and
    the flows. Pounds at the scenario's price year; year 1 is the first financial year. ``document``
    says which saved version this is (version, author, time), when it is one."""
    scenario = result.scenario
    settings = scenario.settings
    totals = result.totals
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = sheet_formats(book)

    sheet = book.add_worksheet("Headline")
    sheet.write_string(  # text, never a formula, whatever the scenario's name
        0,
        0,
        cell_text(
            f"{scenario.name}{f' ({document})' if document else ''}. Pounds at {settings.price_year} prices; "
            f"{settings.programme_years} programme year(s) from {financial_year(settings.first_year)}; "
            f"{settings.horizon_years}-year horizon; present values."
        ),
        formats["note"],
    )
    sheet.write(2, 0, "Measure", formats["header"])
    sheet.write(2, 1, "Value", formats["header"])
    rows: list[tuple[str, Any, str]] = [
        ("Present value of costs", totals["pv_costs"], "money"),
        ("Present value of benefits (all value types)", totals["pv_benefits"], "money"),
        ("Fiscal savings, cashable", totals["pv_cashable"], "money"),
        ("Fiscal savings, non-cashable (capacity freed)", totals["pv_non_cashable"], "money"),
        ("Economic value (not a saving)", totals["pv_economic"], "money"),
        ("Social value (not a saving)", totals["pv_social"], "money"),
        ("Net present value", totals["npv"], "money"),
        ("Fiscal savings less costs", totals["fiscal_npv"], "money"),
    ]
    if "cash_npv" in totals:
        rows.append(("Cash savings less costs", totals["cash_npv"], "money"))
    rows += [
        ("Benefit-cost ratio", totals["bcr"], "ratio"),
        ("Fiscal savings per £1 spent", totals["fiscal_roi"], "per_pound"),
    ]
    if "cash_roi" in totals:
        rows.append(("Cash savings per £1 spent", totals["cash_roi"], "per_pound"))
    rows += [
        ("Payback", year_label(result, totals["payback_year"]), "text"),
        ("Cashable share of fiscal savings", totals["cashable_share"], "share"),
    ]
    if "cash_payback_year" in totals:
        rows.insert(-1, ("Payback in cash", year_label(result, totals["cash_payback_year"]), "text"))
    for r, (measure, value, kind) in enumerate(rows, start=3):
        sheet.write_string(r, 0, measure)
        if value is None:
            sheet.write_string(r, 1, "No cost to divide by" if kind in ("ratio", "per_pound") else "-")
        elif kind == "text":
            sheet.write_string(r, 1, str(value))
        else:
            sheet.write_number(r, 1, float(value), formats[kind])
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 1, 20)
    sheet.freeze_panes(3, 0)

    write_sheet(
        book,
        "The offer",
        offer_table(result),
        formats,
        f"Costs at {settings.price_year} prices.",
        result,
        totals=("fixed_cost_per_year", "pv_costs"),
    )
    write_sheet(
        book,
        "Positions by partner",
        partner_positions(result).drop(columns=["partner", "fiscal_body"]).rename(columns={"label": "partner"}),
        formats,
        "Cash is what a partner stops spending; capacity freed (bed-days, appointments) is not cash.",
        result,
    )
    inputs = settings_table(result)
    write_sheet(
        book, "Scenario inputs", inputs.drop(columns="kind"), formats, None, result, {"value": list(inputs["kind"])}
    )
    spec = book.add_worksheet("Scenario file")
    spec.write(0, 0, "The scenario as a file you can load back into the dashboard (YAML)", formats["header"])
    for r, line in enumerate(dump_spec(scenario.spec).splitlines(), start=1):
        spec.write_string(r, 0, line)
    spec.set_column(0, 0, 90)
    spec.freeze_panes(1, 0)
    write_sheet(
        book,
        "Unit costs and sources",
        unit_cost_table(scenario),
        formats,
        "Every unit cost, its source, and the GDP-deflator factor that uprates it to the scenario's price year.",
        result,
        kinds={"value": "pence", "documented_value": "pence", "low": "pence", "high": "pence"},
    )
    parameters = parameter_table(scenario)
    parameter_kinds = [
        "pence"
        if "£" in name and "per £1" not in name
        else "per_pound"
        if "per £1" in name
        else "share"
        if any(w in name.lower() for w in ("deadweight", "displacement", "attribution", "drop-off", "bias", "share"))
        else "cases"
        if name == "Cases per year"
        else "number"
        for name in parameters["parameter"]
    ]
    write_sheet(
        book,
        "Parameters and sources",
        parameters,
        formats,
        "Who said it: published (with its source), your figure (with your note and date), or a local judgement "
        "with no published source, to agree locally.",
        result,
        kinds={c: parameter_kinds for c in ("value", "low", "high")},
    )
    by_partner = result.by_partner().drop(columns=["partner"]).rename(columns={"label": "partner"})
    write_sheet(book, "By partner", by_partner, formats, None, result)
    by_intervention = (
        result.by_intervention()
        .drop(columns=["intervention"])
        .rename(columns={"label": "intervention", "confidence": "effect_confidence"})
    )
    for column in ("effect_confidence", "cost_confidence"):
        by_intervention[column] = by_intervention[column].str.capitalize()
    write_sheet(book, "By intervention", by_intervention, formats, None, result)
    write_sheet(book, "By year", result.by_year(), formats, None, result)
    matrix = result.who_pays_who_saves()
    labels = {p: scenario.library.partners[p].label for p in scenario.library.partners}
    matrix = matrix.rename(index=labels, columns=labels).rename_axis("funder").reset_index()
    write_sheet(
        book,
        "Who pays who saves",
        matrix,
        formats,
        "Present value of benefits (all value types): rows are funders, columns the partners that receive them.",
        result,
        kinds={c: "money" for c in matrix.columns if c != "funder"},
    )
    write_sheet(book, "Benefit flows", _labelled_flows(result, result.benefits), formats, None, result)
    write_sheet(book, "Cost flows", _labelled_flows(result, result.costs), formats, None, result)
    heads_of_terms_sheet(book, result, formats)  # the agreed deal, if the scenario has one (roi.analysis.deal)
    book.close()
    return buffer.getvalue()


def results_csv(result: Result) -> str:
    """The by-partner table as CSV."""
    table = result.by_partner()
    text_columns = [c for c in table.columns if table[c].dtype == object]
    table[text_columns] = table[text_columns].map(lambda v: v if v is None else cell_text(v))
    return table.to_csv(index=False)


# -- The board pack --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackContext:
    """What every page writer reads: the result, its simulation and the flags to state."""

    result: Result
    simulation: uncertainty.Simulation
    flags: tuple[str, ...] = ()
    document: str | None = None  # which saved version this is (version, author, time), when it is one

    def percentile_range(self, name: str) -> tuple[float | None, float | None]:
        """P10 and P90 of one of the simulation's per-draw arrays (npv, pv_costs, pv_fiscal, ...)."""
        return _range(getattr(self.simulation, name, None))

    def pounds_range(self, name: str) -> str:
        low, high = self.percentile_range(name)
        return "range not simulated" if low is None else f"P10 {pounds(low)} to P90 {pounds(high)}"


PageWriter = Callable[[BoardPack, PackContext], None]


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _ratio_text(value: float | None) -> str:
    return "no cost" if value is None else f"£{value:,.2f}"


def offer_page(pack: BoardPack, ctx: PackContext) -> None:
    """Page 1: the offer (each intervention with volume, cost, funder and evidence grade), the headline
    figures with their P10 to P90 range, and each partner's position in cash and in capacity."""
    result = ctx.result
    scenario = result.scenario
    settings = scenario.settings
    totals = result.totals
    pack.add_page()
    pack.heading(scenario.name, 16)
    if ctx.document:
        pack.para(ctx.document[:1].upper() + ctx.document[1:], 8, MUTED)
    pack.para(
        f"The offer to partners. Pounds at {settings.price_year} prices; present values over "
        f"{settings.horizon_years} years; cases funded for {settings.programme_years} year(s) from "
        f"{financial_year(settings.first_year)} (year 1). Ranges are the 10th to 90th percentiles of "
        f"{ctx.simulation.draws:,} simulations.",
        8,
        MUTED,
    )
    sim = ctx.simulation

    def spread(values: np.ndarray | None, money: bool = True) -> str:
        low, high = _range(values)
        if low is None:
            return "range not simulated"
        return f"P10 {pounds(low)} to P90 {pounds(high)}" if money else f"P10 £{low:,.2f} to P90 £{high:,.2f}"

    cash = getattr(sim, "pv_cashable", None)
    # The same headline as the Overview: cash and capacity apart, cash back per £1, payback in cash.
    if cash is not None and "cash_roi" in totals:
        tiles = [
            ("Investment", pounds(totals["pv_costs"]), spread(sim.pv_costs)),
            ("Cash savings", pounds(totals["pv_cashable"]), spread(cash)),
            ("Freed capacity", pounds(totals["pv_non_cashable"]), spread(sim.pv_fiscal - cash)),
            ("Net present value", pounds(totals["npv"]), spread(sim.npv)),
            ("Cash back per £1", _ratio_text(totals["cash_roi"]), spread(getattr(sim, "cash_roi", None), False)),
            (
                "Pays back in cash",
                year_label(result, totals.get("cash_payback_year")),
                f"pays back from cash alone in {sim.prob_cash_payback:.0%} of simulations",
            ),
        ]
    else:
        tiles = [
            ("Investment", pounds(totals["pv_costs"]), spread(sim.pv_costs)),
            ("Fiscal savings", pounds(totals["pv_fiscal"]), spread(sim.pv_fiscal)),
            ("Net present value", pounds(totals["npv"]), spread(sim.npv)),
            ("£ saved per £1", _ratio_text(totals["fiscal_roi"]), spread(sim.fiscal_roi, False)),
            (
                "Payback",
                year_label(result, totals["payback_year"]),
                f"pays back from cash and freed capacity in {sim.prob_payback:.0%} of simulations",
            ),
        ]
    tile_width = pack.width / len(tiles)
    top = pack.get_y() + 1
    for i, (label, value, spread) in enumerate(tiles):
        x = pack.l_margin + i * tile_width
        pack.set_fill_color(244, 247, 251)
        pack.rect(x + 0.5, top, tile_width - 1, 19, style="F")
        pack.set_xy(x + 2, top + 1.5)
        pack.set_font("Helvetica", size=7.5)
        pack.set_text_color(MUTED)
        pack.cell(tile_width - 4, 3.5, latin(label))
        pack.set_xy(x + 2, top + 5.5)
        pack.set_font("Helvetica", style="B", size=11 if len(value) < 12 else 8)
        pack.set_text_color(INK)
        pack.cell(tile_width - 4, 6, latin(value))
        pack.set_xy(x + 2, top + 12)
        pack.set_font("Helvetica", size=6.5)
        pack.set_text_color(MUTED)
        pack.multi_cell(tile_width - 4, 2.8, latin(spread), align="L")
    pack.set_xy(pack.l_margin, top + 22)
    # Where the central NPV stands in its own simulation, and the sum that makes the tiles add up.
    pack.para(f"{summary.range_sentence(result, ctx.simulation.npv)} {summary.reconciliation(result)}", 7.5, MUTED)

    pack.heading("The offer", 12)
    offer = offer_table(result)
    rows = [
        ["Intervention", "Cases a year", "Cost per case", "Fixed cost a year", "Funded by", "Confidence", "Cost (PV)"]
    ]
    for r in offer.itertuples():
        rows.append(
            [
                r.intervention,
                cases(r.cases_per_year),
                pounds(r.cost_per_case) if r.cost_per_case else "-",
                pounds(r.fixed_cost_per_year) if r.fixed_cost_per_year else "-",
                r.funded_by,
                f"Effect: {r.effect_confidence.lower()}; cost: {r.cost_confidence.lower()}",
                pounds(r.pv_costs),
            ]
        )
    rows.append(["Total", "", "", "", "", "", pounds(float(offer["pv_costs"].sum()))])
    pack.grid(rows, (52, 16, 18, 20, 40, 20, 22), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT", "RIGHT"), 7.5)

    if "base_pv" in result.costs and abs(result.costs["pv"].sum() - result.costs["base_pv"].sum()) > 0.5:
        pack.para(
            f"Cost per case and fixed cost as entered, at {settings.price_year} prices; the present value of "
            "costs adds optimism bias on costs (Green Book) and discounting.",
            7.5,
            MUTED,
        )
    pack.heading("Each partner's position", 12)
    label, ranges = partner_ranges(ctx.simulation)
    positions = partner_positions(result)
    positions = positions[
        (positions["pv_costs"].abs() > 0.5)
        | (positions["cash"].abs() + positions["capacity"].abs() + positions["other_value"].abs() > 0.5)
    ]
    rows = [
        [
            "Partner",
            "Pays (PV)",
            "Cash saved (PV)",
            "Capacity freed (PV)",
            "Economic and social value (PV)",
            "Cash position",
            f"Range of {label}",
        ]
    ]
    for r in positions.itertuples():
        low, high = ranges.get(r.partner, (None, None))
        rows.append(
            [
                r.label,
                pounds(r.pv_costs),
                pounds(r.cash),
                pounds(r.capacity),
                pounds(r.other_value),
                pounds(r.cash_npv),
                "-" if low is None else f"P10 {pounds(low)} to P90 {pounds(high)}",
            ]
        )
    pack.grid(rows, (32, 19, 21, 23, 25, 20, 42), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), 7.5)
    pack.para(
        "Cash is spending a partner stops; capacity freed (bed-days, admissions, appointments avoided) is "
        "non-cashable: it becomes cash only where beds close or planned spending stops. Economic and social "
        "value (to individuals and the wider economy) is not a saving to any public body. Cash position is "
        "cash saved less what the partner pays.",
        7.5,
        MUTED,
    )
    pack.para(summary.headline_sentence(result), 9, INK)
    if pack.remaining() > 62:  # below that the bars' labels would not read; the page is full enough
        rows = len(partner_positions(result))
        pack.chart(
            lambda h: charts.savings_by_partner(result, width=700, height=h),
            700,
            pack.remaining() - 1,
            max(120, 40 * rows),
        )


def partners_page(pack: BoardPack, ctx: PackContext) -> None:
    """Page 2: who pays and who saves, and how sure each partner's position is. Where the flags and
    sources fit below at a readable size, the charts leave them room (see :func:`evidence_page`)."""
    result = ctx.result
    sim = ctx.simulation
    pack.add_page()
    body = pack.bottom - pack.get_y()
    evidence = _evidence_height(pack, ctx, EVIDENCE_SIZES[-1])
    leave = evidence + 4 if evidence + 150 <= body else 0.0
    pack.heading("Who pays, who saves, and how sure", 14)
    pack.para(
        "Rows are the partners that fund the offer, columns the partners whose costs fall; present values of "
        "every kind of benefit.",
        8.5,
        MUTED,
    )
    ranges = sim.by_partner()
    horizon = result.scenario.settings.horizon_years
    central = result.by_partner().set_index("partner")["npv"]
    rows = [["Partner", "Net present value (central)", "P10", "Median (P50)", "P90"]]
    for r in ranges.itertuples():
        rows.append([r.label, pounds(central.get(r.partner)), pounds(r.p10), pounds(r.p50), pounds(r.p90)])
    sentence = (
        f"{summary.payback_chances(sim.prob_payback, sim.prob_cash_payback, sim.draws, horizon)} "
        f"Net present value {pounds(result.totals['npv'])}, "
        f"{ctx.pounds_range('npv')} (median {pounds(float(np.median(sim.npv)))}). Every unit cost and effect "
        "with a published or local range was drawn at once from triangular distributions; a judgement shared "
        "by several outcomes (the convention for deadweight or attribution) was drawn once for all of them."
    )
    # The same simulation as the rest of the pack, so page 1 and this page give one percentile.
    central = position_in(result.totals["npv"], sim.npv)["central_percentile"]
    sentence += f" The central estimate sits at the {ordinal(round(central))} percentile of the simulations."
    fixed = pack.text_height(sentence, 9) + 6.5 * len(rows) + 16
    charts_room = pack.remaining() - leave - fixed
    funders = len(result.who_pays_who_saves().index)
    pack.chart(
        lambda h: charts.who_pays_who_saves(result, width=820, height=h),
        820,
        charts_room * 0.5,
        max(120, 60 * funders),
    )
    pack.para(sentence, 9, INK)
    pack.chart(
        lambda h: charts.partner_ranges(ranges, result, width=700, height=h),
        700,
        charts_room * 0.5,
        max(110, 40 * len(ranges)),
    )
    pack.grid(rows, (58, 34, 30, 30, 30), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), 8)
    pack.para(
        "Net present value here counts every kind of benefit a partner receives, cash, capacity freed, "
        "economic and social value, less what it pays.",
        7.5,
        MUTED,
    )


EVIDENCE_SIZES = (10.0, 9.5, 9.0, 8.5, 8.0, 7.5)


def _evidence(ctx: PackContext) -> tuple[list[str], list[str]]:
    """The flags and caveats, and one plain-English source line per figure the offer uses."""
    result = ctx.result
    scenario = result.scenario
    count, total = summary.local_example_count(result)
    notes = [
        *ctx.flags,
        *result.warnings,
        (
            f"{count} of the {total} figures behind this scenario are local judgements with no published "
            "source, to agree locally; figures you changed are credited to you, not to a publication."
        ),
        "Bed-days, admissions and appointments avoided free NHS capacity; they are counted as non-cashable.",
        "Economic and social value is shown separately and never added into savings.",
    ]
    costs = unit_cost_table(scenario)
    entries = []
    for row in costs[costs["used"]].itertuples():
        source = scenario.unit_costs[row.id].source
        entries.append(
            f"{row.label}: {pounds(row.value, True)} {row.unit} ({row.price_year} prices, uprated by "
            f"{number(row.uprating_factor)} to {scenario.settings.price_year}). {_sentence(plain_citation(source))}"
        )
    for i in scenario.interventions:
        entries.append(f"{i.label}, cost: {_sentence(plain_citation(i.cost_source))}")
        if i.ratio is not None:
            entries.append(
                f"{i.label}, published ratio £{i.ratio.value_per_pound:,.2f} per £1: "
                + _sentence(plain_citation(i.ratio.source))
            )
    return [f"- {plain(n)}" for n in notes[:10]], entries


def _evidence_height(pack: BoardPack, ctx: PackContext, size: float) -> float:
    notes, entries = _evidence(ctx)
    return 24 + sum(pack.text_height(n, size + 1) for n in notes) + sum(pack.text_height(e, size) for e in entries)


def evidence_page(pack: BoardPack, ctx: PackContext) -> None:
    """The flags and caveats and the sources of every figure used, in plain English: below the previous
    page's content where they fit, else on a page of their own in the largest type that fills it."""
    size = EVIDENCE_SIZES[-1]
    if pack.page_no() == 0 or pack.remaining() < _evidence_height(pack, ctx, size):
        pack.add_page()
        body = pack.remaining()
        size = next((s for s in EVIDENCE_SIZES if _evidence_height(pack, ctx, s) <= body), size)
    notes, entries = _evidence(ctx)
    pack.heading("Flags and caveats", 12)
    for note in notes:
        pack.para(note, size + 1, 40)
    pack.heading("Where the figures come from", 12)
    for k, entry in enumerate(entries):
        if pack.remaining() < pack.text_height(entry, size) + 5:
            pack.para(f"(A further {len(entries) - k} sources are listed in the Excel workbook.)", 7.5, MUTED)
            break
        pack.para(entry, size, 60)


def deal_page(pack: BoardPack, ctx: PackContext) -> None:
    """The heads of terms of the agreed deal, if the scenario carries one (roi.outputs.deal_export)."""
    heads_of_terms_page(pack, ctx.result)


PAGES: tuple[PageWriter, ...] = (offer_page, partners_page, deal_page, evidence_page)


def insert_page(
    page: PageWriter, after: PageWriter = offer_page, pages: Sequence[PageWriter] = PAGES
) -> list[PageWriter]:
    """The board pack's pages with ``page`` added after ``after`` (the deal's heads of terms go after
    the offer: ``board_pack(result, pages=insert_page(heads_of_terms_page))``)."""
    out = list(pages)
    out.insert(out.index(after) + 1, page)
    return out


def board_pack(
    result: Result,
    draws: int | None = None,
    seed: int = STANDARD_SEED,
    flags: list[str] | None = None,
    pages: Sequence[PageWriter] = PAGES,
    document: str | None = None,
) -> bytes:
    """A PDF for a partnership board, from the same result as the dashboard: the offer, each partner's
    position in cash and capacity with its range, who pays and who saves, how sure, the flags and the
    sources. ``pages`` are the page writers in order (see :func:`insert_page`). By default its ranges
    come from the scenario's standard simulation, the one the Overview and the Uncertainty page show
    (:func:`roi.inputs.parameters.standard_draws` draws, seed 1)."""
    pack = BoardPack(result.scenario.name)
    draws = standard_draws(result.scenario) if draws is None else draws
    context = PackContext(result, uncertainty.simulate(result.scenario, draws, seed), tuple(flags or ()), document)
    for page in pages:
        page(pack, context)
    return bytes(pack.output())
