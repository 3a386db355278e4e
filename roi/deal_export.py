"""Heads of terms of an agreed deal, for the exports: a sheet in the Excel workbook and a page in
the PDF board pack (roi.export calls these when the scenario carries a deal in force)."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from . import charts, deal
from .model import STANDARD_DRAWS, STANDARD_SEED, Result, pounds

DRAWS, SEED = STANDARD_DRAWS, STANDARD_SEED  # the one simulation the Overview and board pack show


def heads_of_terms(
    result: Result, draws: int | None = None, seed: int = SEED
) -> tuple[deal.Deal, pd.DataFrame] | None:
    """The agreed deal and its table: partner, contribution in each financial year (undiscounted),
    total (PV), cash and capacity back (PV), cash position and the chance of losing cash. None when
    no deal is in force. ``draws`` defaults to the scenario's standard simulation (roi.limits)."""
    if deal.in_force(result.scenario.spec) is None:
        return None
    from .deal_verb import simulation_for
    from .limits import standard_draws

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
    table["Chance of losing cash"] = positions["prob_worse_off"].to_numpy() if "prob_worse_off" in positions else None
    return agreed, table


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
        text += (
            f"No split leaves every partner whole in cash: cash savings fall {pounds(agreed.shortfall)} short "
            "of the cost. "
        )
    elif agreed.feasible:
        text += "On the central estimate no partner loses cash. "
    if agreed.draws:
        text += f"The chance of losing cash comes from {agreed.draws:,} simulations of every range (seed {SEED})."
    return text


def heads_of_terms_sheet(book: Any, result: Result, formats: dict) -> None:
    """Add a 'Heads of terms' sheet to an xlsxwriter workbook, if a deal is in force."""
    from .export import _sheet

    found = heads_of_terms(result)
    if found is None:
        return
    agreed, table = found
    _sheet(book, "Heads of terms", table, formats, _terms_text(agreed, result))


def heads_of_terms_page(pack: Any, result: Result) -> None:
    """Add a landscape page stating the agreed deal to the fpdf2 board pack, if a deal is in force."""
    found = heads_of_terms(result)
    if found is None:
        return
    from .export import _latin, chart_png

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
            header.cell(_latin(column))
        for values in table.itertuples(index=False):
            row = grid.row()
            for column, value in zip(columns, values, strict=True):
                if column == "Partner":
                    row.cell(_latin(str(value)))
                elif column == "Chance of losing cash":
                    row.cell("-" if value is None or pd.isna(value) else f"{value:.0%}")
                else:
                    row.cell(_latin(pounds(value)))
    pack.ln(3)
    pack.para(
        "Contributions by financial year are undiscounted, at constant prices; the rest are present values. "
        "Capacity back is freed capacity (bed-days, appointments), not cash.",
        8,
        90,
    )
    remaining = pack.h - 16 - pack.get_y()
    if remaining > 40:
        png = chart_png(charts.deal_positions(agreed, "cash_npv", width=520))
        pack.image(io.BytesIO(png), h=min(remaining, 90))
