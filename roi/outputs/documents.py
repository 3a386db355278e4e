"""The primitives every document is made of: a chart as PNG or SVG, a workbook sheet written from a
table (headers in words, pounds, shares and years formatted, text that cannot run as a formula), and
an A4 PDF page set with its drawing helpers. The board pack and workbook (roi.outputs.export), the
heads of terms (roi.outputs.deal_export) and the claim report (roi.outputs.claim_report) build on these."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import vl_convert
import xlsxwriter
from fpdf import FPDF
from fpdf.fonts import FontFace

from roi.analysis.summary import year_label
from roi.engine.model import Result
from roi.inputs.formats import cases, cases_tenths


def chart_png(chart, scale: float = 2.0) -> bytes:  # noqa: ANN001 - an Altair chart
    """A PNG of an Altair chart (vl-convert; no browser needed)."""
    return vl_convert.vegalite_to_png(chart.to_dict(), scale=scale)


def chart_svg(chart) -> str:  # noqa: ANN001 - an Altair chart
    return vl_convert.vegalite_to_svg(chart.to_dict())


# -- Workbook sheets -------------------------------------------------------------------------------

HEADERS = {
    "label": "Name",
    "partner": "Partner",
    "intervention": "Intervention",
    "outcome": "Outcome (unit cost)",
    "value_type": "Value type",
    "flow": "Flow",
    "funder": "Paid for by",
    "fiscal_body": "Public body",
    "year": "Year (1 = first)",
    "financial_year": "Financial year",
    "discount_factor": "Discount factor",
    "pv_costs": "Costs, present value",
    "pv_benefits": "Benefits (all value types), present value",
    "pv_fiscal": "Fiscal savings, present value",
    "pv_fiscal_cashable": "Cashable savings, present value",
    "pv_fiscal_non_cashable": "Non-cashable savings (capacity freed), present value",
    "pv_economic": "Economic value, present value",
    "pv_social": "Social value, present value",
    "pv_fiscal_benefits": "Fiscal savings, present value",
    "npv": "Net present value",
    "fiscal_npv": "Fiscal savings less costs, present value",
    "cash_npv": "Cash savings less costs, present value",
    "pv_cashable": "Cash savings, present value",
    "cashable_benefits": "Cash savings (undiscounted)",
    "pv_cashable_benefits": "Cash savings, present value",
    "cumulative_pv_cash_net": "Cumulative cash savings less costs, present value",
    "base_amount": "Cost before optimism bias (undiscounted)",
    "base_pv": "Cost before optimism bias, present value",
    "effect": "Avoids or incurs",
    "health_effect": "Health effect (health discount rate)",
    "payback_year": "Payback",
    "cash_payback_year": "Payback in cash",
    "bcr": "Benefit-cost ratio",
    "fiscal_roi": "Fiscal savings per £1 spent",
    "cash_roi": "Cash savings per £1 spent",
    "ratio_based": "Valued by a published ratio",
    "confidence": "Evidence confidence",
    "effect_confidence": "Effect confidence (sets optimism bias on benefits)",
    "cost_confidence": "Cost confidence (sets optimism bias on costs)",
    "cases_per_year": "Cases per year",
    "optimism_bias": "Optimism bias on benefits",
    "cost_optimism_bias": "Optimism bias on costs",
    "costs": "Costs (undiscounted)",
    "benefits": "Benefits (undiscounted)",
    "fiscal_benefits": "Fiscal savings (undiscounted)",
    "cumulative_pv_fiscal_net": "Cumulative fiscal savings less costs, present value",
    "gross": "Gross benefit (undiscounted)",
    "after_drop_off": "After drop-off",
    "after_deadweight": "After deadweight",
    "after_displacement": "After displacement",
    "after_attribution": "After attribution",
    "amount": "Net (undiscounted)",
    "pv": "Present value",
    "id": "Library id",
    "value": "Value",
    "unit": "Unit",
    "price_year": "Price year",
    "uprating_factor": "Uprating factor",
    "value_at_scenario_prices": "Value at the scenario's prices",
    "documented_value": "Documented value",
    "documented_price_year": "Documented price year",
    "edited": "Edited in this scenario",
    "used": "Used in this scenario",
    "bearer": "Who bears it",
    "low": "Low",
    "high": "High",
    "range_note": "Note on the range",
    "local_example": "Local example (no published source)",
    "source": "Source",
    "read": "How it was read",
    "licence": "Licence",
    "quote": "Quote",
    "derivation": "Derivation",
    "price_year_note": "Note on the price year",
    "parameter": "Parameter",
    "cost_per_case": "Cost per case",
    "fixed_cost_per_year": "Fixed cost per year",
    "funded_by": "Funded by",
    "evidence": "Evidence grade",
    "cash": "Cash savings, present value",
    "capacity": "Capacity freed (non-cashable), present value",
    "other_value": "Economic and social value (not savings), present value",
    "measure": "Measure",
    "setting": "Setting",
}
MONEY = {
    "pv_costs", "pv_benefits", "pv_fiscal", "pv_fiscal_cashable", "pv_fiscal_non_cashable", "pv_economic",
    "pv_social", "pv_fiscal_benefits", "npv", "fiscal_npv", "cash_npv", "costs", "benefits", "fiscal_benefits",
    "cumulative_pv_fiscal_net", "gross", "after_drop_off", "after_deadweight", "after_displacement",
    "after_attribution", "amount", "pv", "cost_per_case", "fixed_cost_per_year", "cash", "capacity", "other_value",
    "value_at_scenario_prices", "pv_cashable", "cashable_benefits", "pv_cashable_benefits",
    "cumulative_pv_cash_net", "base_amount", "base_pv",
}  # fmt: skip
SHARES = {
    "optimism_bias", "cost_optimism_bias", "deadweight", "displacement", "attribution", "drop_off", "share",
    "cashable_share",
}  # fmt: skip
RATIOS = {"bcr", "fiscal_roi", "cash_roi", "uprating_factor", "discount_factor"}
YEARS = {"payback_year", "cash_payback_year"}


def header(column: str) -> str:
    """A column's heading in the users' words: 'pv_costs' -> 'Costs, present value'."""
    if column in HEADERS:
        return HEADERS[column]
    text = column.replace("_", " ")
    text = re.sub(r"^pv ", "", text) + (", present value" if column.startswith("pv_") else "")
    return text[0].upper() + text[1:]


def sheet_formats(book: xlsxwriter.Workbook) -> dict[str, Any]:
    return {
        "header": book.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "money": book.add_format({"num_format": "£#,##0;-£#,##0"}),
        "pence": book.add_format({"num_format": "£#,##0.00;-£#,##0.00"}),
        "share": book.add_format({"num_format": "0.0%"}),
        "ratio": book.add_format({"num_format": "#,##0.00"}),
        "per_pound": book.add_format({"num_format": "£#,##0.00"}),
        "count": book.add_format({"num_format": "#,##0"}),
        "tenths": book.add_format({"num_format": "#,##0.0"}),
        "number": book.add_format({"num_format": "#,##0.####"}),
        "year": book.add_format({"num_format": "0"}),
        "note": book.add_format({"italic": True, "font_color": "#555555"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "text": book.add_format({"valign": "top"}),
    }


def _kind(column: str, values: pd.Series, kinds: dict[str, str]) -> str:
    if column in kinds:
        return kinds[column]
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if column in YEARS:
        return "payback"
    if not numeric:
        return "text"
    lowered = column.lower()
    if column in MONEY or any(w in lowered for w in ("contribution", "present value", "£")):
        return "money"
    if "chance" in lowered:
        return "share"
    if column in SHARES:
        return "share"
    if column in RATIOS:
        return "ratio"
    if column in ("year", "price_year", "documented_price_year"):
        return "year"
    if column == "cases_per_year":
        return "cases"
    return "number"


def _shown(value: Any, kind: str) -> str:
    """Roughly what Excel shows, to fit the column width."""
    if kind in ("money", "pence"):
        return f"-£{abs(value):,.0f}" if value < 0 else f"£{value:,.0f}"
    if kind == "share":
        return f"{value:.1%}"
    if kind in ("ratio", "per_pound"):
        return f"£{value:,.2f}"
    return str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9][0-9,]*(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def cell_text(value: object) -> str:
    """Text for a spreadsheet cell that no spreadsheet reads as a formula: a leading = + - @ (or tab,
    carriage return) gets an apostrophe in front, as OWASP advises against CSV and formula injection.
    A lone "-" (an empty value shown as a dash) is left as it is."""
    text = str(value)
    if text == "-" or _PLAIN_NUMBER.fullmatch(text):  # a dash or a signed number is never a formula
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _write_cases(sheet: Any, row: int, col: int, value: float, formats: dict) -> None:
    """Cases a year as a number, by the one rule (:func:`roi.inputs.formats.cases`): the tenth the screen and the
    board pack show, formatted without a decimal place when it is whole."""
    tenths = cases_tenths(value)
    sheet.write_number(row, col, tenths, formats["count" if tenths.is_integer() else "tenths"])


def write_sheet(
    book: xlsxwriter.Workbook,
    name: str,
    frame: pd.DataFrame,
    formats: dict,
    note: str | None = None,
    result: Result | None = None,
    kinds: dict[str, str | list[str]] | None = None,
    totals: Sequence[str] = (),
) -> None:
    """One sheet: human headers on a frozen row, pounds and percentages formatted, widths fitted,
    empty cells blank (never the text 'None'), booleans as Yes / No, payback years as financial years.
    Columns named in ``totals`` get a Total row below."""
    sheet = book.add_worksheet(name)
    start = 0
    if note:
        sheet.write_string(0, 0, cell_text(note), formats["note"])
        start = 2
    for col, column in enumerate(frame.columns):
        values = frame[column]
        given = (kinds or {}).get(column)
        row_kinds = given if isinstance(given, list) else [given or _kind(column, values, {})] * len(values)
        kind = row_kinds[0] if row_kinds else "text"
        title = header(column)
        sheet.write_string(start, col, cell_text(title), formats["header"])
        widths = [min(len(title), 28)]
        for row, value in enumerate(values, start=start + 1):
            kind = row_kinds[row - start - 1]
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                if kind == "payback" and result is not None:
                    text = year_label(result, None)
                    sheet.write_string(row, col, text, formats["text"])
                    widths.append(len(text))
                else:
                    sheet.write_blank(row, col, None)
                continue
            if isinstance(value, (bool, np.bool_)):
                sheet.write_string(row, col, "Yes" if value else "No", formats["text"])
                widths.append(3)
            elif kind == "payback" and result is not None:
                text = year_label(result, int(value))
                sheet.write_string(row, col, text, formats["text"])
                widths.append(len(text))
            elif kind == "cases" and isinstance(value, (int, float, np.integer, np.floating)):
                _write_cases(sheet, row, col, float(value), formats)
                widths.append(len(cases(float(value))))
            elif kind != "text" and isinstance(value, (int, float, np.integer, np.floating)):
                sheet.write_number(row, col, float(value), formats[kind])
                widths.append(len(_shown(float(value), kind)))
            else:
                text = cell_text(value)
                sheet.write_string(row, col, text, formats["wrap"] if len(text) > 60 else formats["text"])
                widths.append(min(len(text), 60))
        sheet.set_column(col, col, max(8, min(60, max(widths) + 2)))
    sheet.set_row(start, 45 if any(len(header(c)) > 28 for c in frame.columns) else 30)
    sheet.freeze_panes(start + 1, 1)
    if totals:
        _total_row(book, sheet, frame, start, totals)


def _total_row(book: xlsxwriter.Workbook, sheet: Any, frame: pd.DataFrame, start: int, columns: Sequence[str]) -> None:
    """A bold 'Total' row under a sheet's table, each named column's sum stored as a number (not a
    formula: the workbook holds no formula at all, so none can be smuggled into it)."""
    row = start + 1 + len(frame)
    sheet.write_string(row, 0, "Total", book.add_format({"bold": True, "top": 1}))
    money = book.add_format({"bold": True, "top": 1, "num_format": "£#,##0;-£#,##0"})
    for column in columns:
        sheet.write_number(row, frame.columns.get_loc(column), float(frame[column].sum()), money)


# -- PDF pages -------------------------------------------------------------------------------------

_REPLACEMENTS = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2212": "-",
    "\u00a0": " ",
}
INK = 25
MUTED = 95
HEADING_FILL = (220, 230, 241)


def latin(text: str) -> str:
    """The core PDF fonts cover Latin-1 (which has £); replace the few characters outside it."""
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


class BoardPack(FPDF):
    """An A4 page set with the few drawing helpers every page writer uses."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack_title = title
        self.set_auto_page_break(auto=False)
        self.set_margins(14, 12, 14)
        self.alias_nb_pages()

    @property
    def width(self) -> float:
        """Width between the margins, mm."""
        return self.w - self.l_margin - self.r_margin

    @property
    def bottom(self) -> float:
        """The lowest y a page writer may draw to (above the footer), mm."""
        return self.h - 15

    def remaining(self) -> float:
        return self.bottom - self.get_y()

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` mm are left on this one."""
        if self.remaining() < height:
            self.add_page()

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("Helvetica", size=7)
        self.set_text_color(110)
        self.cell(
            0,
            5,
            latin(
                f"Prevention ROI board pack - {self.pack_title} - {date.today():%d %B %Y} - "
                f"page {self.page_no()} of {{nb}}"
            ),
            align="C",
        )

    def heading(self, text: str, size: float = 12) -> None:
        self.set_font("Helvetica", style="B", size=size)
        self.set_text_color(INK)
        self.multi_cell(0, size * 0.5, latin(text))
        self.ln(1)

    def para(self, text: str, size: float = 9, colour: int = 40, style: str = "") -> None:
        self.set_font("Helvetica", style=style, size=size)
        self.set_text_color(colour)
        self.multi_cell(0, size * 0.48, latin(text), align="L")
        self.ln(1)

    def grid(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        align: Sequence[str] | None = None,
        size: float = 8,
    ) -> None:
        """A table: the first row is the heading; figures right-aligned where ``align`` says 'R'."""
        self.set_font("Helvetica", size=size)
        self.set_text_color(INK)
        self.set_draw_color(190)
        with self.table(
            col_widths=tuple(widths),
            width=self.width,
            text_align=tuple(align) if align else "LEFT",
            line_height=size * 0.47,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            padding=(0.8, 1.2),
            first_row_as_headings=True,
        ) as table:
            for row in rows:
                cells = table.row()
                for value in row:
                    cells.cell(latin(value))
        self.ln(2)

    def chart(self, build: Callable[[int | None], Any], width_px: int, box_height: float, natural: int) -> None:
        """An Altair chart ``build(height)`` drawn across the page, its plot stretched (from ``natural``
        pixels, at most three times) so the whole image fills about ``box_height`` mm."""
        first = chart_png(build(natural), scale=1)
        from PIL import Image

        with Image.open(io.BytesIO(first)) as image:
            px_width, px_height = image.width, image.height
        mm_per_px = self.width / px_width
        overhead = px_height - natural
        wanted = int(box_height / mm_per_px - overhead)
        height = max(natural // 2, min(3 * natural, wanted))
        self.picture(chart_png(build(height)), self.width, box_height)

    def text_height(self, text: str, size: float) -> float:
        """Height in mm that :meth:`para` would take for ``text``."""
        self.set_font("Helvetica", size=size)
        lines = self.multi_cell(0, size * 0.48, latin(text), dry_run=True, output="LINES")
        return len(lines) * size * 0.48 + 1

    def picture(self, png: bytes, width: float, max_height: float | None = None) -> None:
        """An image ``width`` mm wide (narrower if it would exceed ``max_height``), centred."""
        from PIL import Image

        with Image.open(io.BytesIO(png)) as image:
            aspect = image.height / image.width
        height = width * aspect
        limit = max_height if max_height is not None else self.remaining()
        if height > limit:
            width, height = limit / aspect, limit
        self.image(io.BytesIO(png), x=self.l_margin + (self.width - width) / 2, y=self.get_y(), w=width, h=height)
        self.set_y(self.get_y() + height + 2)
