"""Heads of terms of an agreed deal, for the exports: a sheet in the Excel workbook and a page in
the PDF board pack (roi.outputs.export calls these when the scenario carries a deal in force)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from roi.analysis import deal
from roi.engine.model import Result
from roi.engine.uncertainty import simulation_for
from roi.inputs.formats import pounds
from roi.inputs.limits import STANDARD_DRAWS, STANDARD_SEED
from roi.inputs.parameters import standard_draws
from roi.outputs import charts
from roi.outputs.charts import short_pounds
from roi.outputs.documents import chart_png, latin, write_sheet

DRAWS, SEED = STANDARD_DRAWS, STANDARD_SEED  # the one simulation the Overview and board pack show


def heads_of_terms(result: Result, draws: int | None = None, seed: int = SEED) -> tuple[deal.Deal, pd.DataFrame] | None:
    """The agreed deal and its table: partner, contribution in each financial year (undiscounted),
    total (PV), cash and capacity back (PV), cash position and the chance of losing cash. None when
    no deal is in force. ``draws`` defaults to the scenario's standard simulation (roi.inputs.limits)."""
    if deal.in_force(result.scenario.spec) is None:
        return None
    draws = standard_draws(result.scenario) if draws is None else draws
    simulation = simulation_for(deal.before_deal(result.scenario), draws, seed)
    agreed = deal.agreed(result, simulation)
    if agreed is None:
        return None
    years = [y for y in agreed.years if agreed.contributions[y].abs().sum() > 0.005]
    table = pd.DataFrame({"Partner": agreed.contributions["label"]})
    for year in years:
        table[f"Contribution {year}"] = agreed.contributions[year].to_numpy()
    positions = agreed.positions
    table["Contribution, present value"] = agreed.contributions["pv"].to_numpy()
    table["Cash back, present value"] = positions["pv_cash"].to_numpy()
    table["Capacity back, present value"] = positions["pv_capacity"].to_numpy()
    table["Cash position, present value"] = positions["cash_npv"].to_numpy()
    if "prob_worse_off" in positions:
        table["Cash position P10, present value"] = positions["cash_p10"].to_numpy()
        table["Chance of losing cash"] = positions["prob_worse_off"].to_numpy()
    table["Cash turns positive"] = [deal.year_or_none(y) or "-" for y in positions["turns_positive_year"]]
    table["Largest carried (£)"] = positions["largest_carried"].to_numpy()
    return agreed, table


def cash_by_year(agreed: deal.Deal) -> pd.DataFrame:
    """For each partner that pays or saves cash, each financial year: what it puts in, the cash it
    saves and its running cash position to the end of the year (all undiscounted)."""
    rows = []
    paid = agreed.contributions.set_index("partner")
    for position in agreed.positions.itertuples():
        running = np.asarray(position.cash_by_year, dtype=float)
        given = paid.loc[position.partner, list(agreed.years)].to_numpy(dtype=float)
        if not (np.abs(given).sum() > 0.005 or abs(position.pv_cash) > 0.005):
            continue
        saved = np.diff(running, prepend=0.0) + given
        for t, year in enumerate(agreed.years):
            rows.append(
                {
                    "Partner": position.label,
                    "Financial year": year,
                    "Contribution (£)": float(given[t]),
                    "Cash saved (£)": float(saved[t]),
                    "Running cash position (£)": float(running[t]),
                }
            )
    return pd.DataFrame(rows)


def service_split(agreed: deal.Deal) -> pd.DataFrame:
    """Intervention x partner: each paying partner's share of each intervention's cost."""
    rows = agreed.by_intervention
    paying = rows.groupby("label", sort=False)["pv"].sum()
    partners = [p for p in paying.index if abs(paying[p]) > 0.005]
    wide = rows.pivot_table(index="intervention_label", columns="label", values="share", sort=False)
    wide = wide.reindex(columns=partners).fillna(0.0).reset_index()
    return wide.rename(columns={"intervention_label": "Intervention"} | {p: f"{p}: share" for p in partners})


def _terms_text(agreed: deal.Deal, result: Result) -> str:
    settings = result.scenario.settings
    text = (
        f"The partners agree to fund the offer's cost of {pounds(agreed.total_pv_cost)} (present value at "
        f"{settings.price_year} prices) as set out below: '{agreed.label}'. "
    )
    if agreed.gain_share is not None:
        text += (
            "Payments under the gain share are made on the units the appraisal expects the offer to avoid, "
            "in the year they are avoided. "
        )
    if agreed.shortfall > 0:
        text += deal.shortfall_sentence(agreed) + " "
    elif agreed.feasible:
        text += "On the central estimate no partner loses cash. "
    if agreed.draws:
        text += (
            f"The chance of losing cash and the P10 of each cash position come from {agreed.draws:,} simulations "
            f"of every range (seed {SEED}). "
        )
    text += (
        "Each partner's cash turns positive in the first financial year from which its running cash saved, less "
        "what it puts in (undiscounted), stays at or above zero; the largest carried is the lowest point before."
    )
    return text


def heads_of_terms_sheet(book: Any, result: Result, formats: dict) -> None:
    """Add a 'Heads of terms' sheet to an xlsxwriter workbook, if a deal is in force."""
    found = heads_of_terms(result)
    if found is None:
        return
    agreed, table = found
    write_sheet(book, "Heads of terms", table, formats, _terms_text(agreed, result))
    write_sheet(
        book,
        "Deal cash by year",
        cash_by_year(agreed),
        formats,
        "Each partner's running cash position: cash saved less what it puts in, undiscounted, at constant prices.",
    )
    if agreed.by_service:
        split = service_split(agreed)
        kinds = dict.fromkeys([c for c in split.columns if c != "Intervention"], "share")
        write_sheet(
            book, "Deal by service", split, formats, "Each partner's share of each intervention's cost.", kinds=kinds
        )


def heads_of_terms_page(pack: Any, result: Result) -> None:
    """Add a landscape page stating the agreed deal to the fpdf2 board pack, if a deal is in force."""
    found = heads_of_terms(result)
    if found is None:
        return
    agreed, table = found
    pack.add_page(orientation="L")
    width = pack.w - pack.l_margin - pack.r_margin
    pack.heading("Heads of terms: who funds what", 15)
    pack.para(_terms_text(agreed, result), 9.5, 20)
    pack.ln(1)
    pack.set_font("Helvetica", size=8)
    pack.set_text_color(20)
    columns = list(table.columns)
    first = 46
    rest = (width - first) / (len(columns) - 1)
    with pack.table(
        col_widths=(first, *[rest] * (len(columns) - 1)),
        text_align=("LEFT", *["RIGHT"] * (len(columns) - 1)),
        line_height=4.2,
        first_row_as_headings=True,
    ) as grid:
        header = grid.row()
        for column in columns:
            header.cell(latin(column))
        for values in table.itertuples(index=False):
            row = grid.row()
            for column, value in zip(columns, values, strict=True):
                if column in ("Partner", "Cash turns positive"):
                    row.cell(latin(str(value)))
                elif column == "Chance of losing cash":
                    row.cell("-" if value is None or pd.isna(value) else f"{value:.0%}")
                else:
                    row.cell(latin(pounds(value)))
    pack.ln(3)
    pack.para(
        "Contributions by financial year are undiscounted, at constant prices; the rest are present values. "
        "Capacity back is freed capacity (bed-days, appointments), not cash.",
        8,
        90,
    )
    _running_cash_table(pack, agreed, width)
    pack.ln(4)
    remaining = pack.h - 16 - pack.get_y()
    if remaining > 40:
        png = chart_png(charts.deal_positions(agreed, "cash_npv", width=520))
        pack.image(io.BytesIO(png), h=min(remaining, 90))
    if agreed.by_service:
        _service_page(pack, agreed, width)


def _grid(pack: Any, header: list[str], rows: list[list[str]], width: float, first: float = 46) -> None:
    """A small PDF table: a text column, then right-aligned figures of equal width."""
    pack.set_font("Helvetica", size=8)
    rest = (width - first) / (len(header) - 1)
    with pack.table(
        col_widths=(first, *[rest] * (len(header) - 1)),
        text_align=("LEFT", *["RIGHT"] * (len(header) - 1)),
        line_height=4.2,
        first_row_as_headings=True,
    ) as grid:
        for values in [header, *rows]:
            line = grid.row()
            for value in values:
                line.cell(latin(value))


def _running_cash_table(pack: Any, agreed: deal.Deal, width: float) -> None:
    """The PDF's running cash position by financial year, partners that pay or save cash only."""
    positions = agreed.positions
    keep = (positions["pv_contribution"].abs() > 0.005) | (positions["pv_cash"].abs() > 0.005)
    pack.ln(2)
    pack.heading("Running cash position by financial year (undiscounted)", 11)
    rows = [[row.label, *(short_pounds(v) for v in row.cash_by_year)] for row in positions[keep].itertuples()]
    _grid(pack, ["Partner", *agreed.years], rows, width)


def _service_page(pack: Any, agreed: deal.Deal, width: float) -> None:
    """Who funds each service: each paying partner's share of each intervention's cost."""
    split = service_split(agreed)
    pack.add_page(orientation="L")
    pack.heading("Heads of terms: who funds each service", 15)
    pack.para("Each partner's share of each intervention's cost, by service.", 9.5, 20)
    rows = [[str(r[0]), *(f"{v:.1%}" for v in r[1:])] for r in split.itertuples(index=False)]
    header = [c.removesuffix(": share") if c != "Intervention" else c for c in split.columns]
    _grid(pack, header, rows, width, first=110)
