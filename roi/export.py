"""Exports from one result: an Excel workbook, CSV, chart images, a two-page PDF board pack, YAML.

Every figure comes from the same :class:`roi.Result` the dashboard shows, so an export always equals
``python -m roi run`` (a test reads the workbook back and compares).
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import vl_convert
import xlsxwriter
from fpdf import FPDF

from . import charts, summary, uncertainty
from .deal_export import heads_of_terms_page, heads_of_terms_sheet
from .evidence import parameter_table, unit_cost_table
from .library import dump_spec
from .model import Result, financial_year, number, pounds

MONEY_COLUMNS = ("pv", "amount", "gross", "after", "cost", "benefit", "value", "npv", "low", "high", "saving")


def chart_png(chart, scale: float = 2.0) -> bytes:  # noqa: ANN001 - an Altair chart
    """A PNG of an Altair chart (vl-convert; no browser needed)."""
    return vl_convert.vegalite_to_png(chart.to_dict(), scale=scale)


def chart_svg(chart) -> str:  # noqa: ANN001 - an Altair chart
    return vl_convert.vegalite_to_svg(chart.to_dict())


def _is_money(column: str) -> bool:
    return column.startswith("pv") or any(word in column for word in MONEY_COLUMNS)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: object) -> str:
    """Text for a spreadsheet cell that no spreadsheet reads as a formula: a leading = + - @ (or tab,
    carriage return) gets an apostrophe in front, as OWASP advises against CSV and formula injection."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _sheet(book: xlsxwriter.Workbook, name: str, frame: pd.DataFrame, formats: dict, note: str | None = None) -> None:
    sheet = book.add_worksheet(name)
    start = 0
    if note:
        sheet.write_string(0, 0, cell_text(note), formats["note"])
        start = 2
    for col, column in enumerate(frame.columns):
        sheet.write_string(start, col, cell_text(str(column).replace("_", " ").capitalize()), formats["header"])
        values = frame[column]
        money = _is_money(column) and pd.api.types.is_numeric_dtype(values)
        width = max(12, min(60, max([len(str(column))] + [len(str(v)) for v in values.head(200)]) + 2))
        sheet.set_column(col, col, 16 if money else width)
        for row, value in enumerate(values, start=start + 1):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                sheet.write_blank(row, col, None)
            elif money:
                sheet.write_number(row, col, float(value), formats["money"])
            elif isinstance(value, (bool,)):
                sheet.write_boolean(row, col, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(row, col, float(value), formats["number"])
            else:
                sheet.write_string(row, col, cell_text(value), formats["wrap"] if len(str(value)) > 60 else None)
    sheet.freeze_panes(start + 1, 1)


def workbook(result: Result) -> bytes:
    """An Excel workbook: headline, scenario inputs, every assumption with its source and uprating
    factor, results by partner, intervention and year, the who-pays / who-saves matrix, and flows."""
    scenario = result.scenario
    settings = scenario.settings
    totals = result.totals
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True}),
        "money": book.add_format({"num_format": "£#,##0.00;-£#,##0.00"}),
        "number": book.add_format({"num_format": "#,##0.####"}),
        "note": book.add_format({"italic": True, "font_color": "#555555"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
    }
    headline = pd.DataFrame(
        [
            ("Present value of costs", totals["pv_costs"]),
            ("Present value of benefits (all value types)", totals["pv_benefits"]),
            ("Fiscal savings, cashable", totals["pv_cashable"]),
            ("Fiscal savings, non-cashable (capacity freed)", totals["pv_non_cashable"]),
            ("Economic value (not a saving)", totals["pv_economic"]),
            ("Social value (not a saving)", totals["pv_social"]),
            ("Net present value", totals["npv"]),
            ("Fiscal savings less costs", totals["fiscal_npv"]),
        ],
        columns=["measure", "value"],
    )
    ratios = pd.DataFrame(
        [
            ("Benefit-cost ratio", totals["bcr"]),
            ("Fiscal savings per £1 spent", totals["fiscal_roi"]),
            ("Payback year (1 = first year)", totals["payback_year"]),
            ("Cashable share of fiscal savings", totals["cashable_share"]),
        ],
        columns=["measure", "ratio"],
    )
    note = (
        f"{scenario.name}. Pounds at {settings.price_year} prices; {settings.programme_years} programme year(s) "
        f"from {financial_year(settings.first_year)}; {settings.horizon_years}-year horizon; present values."
    )
    _sheet(
        book,
        "Headline",
        pd.concat([headline, ratios.rename(columns={"ratio": "number"})], ignore_index=True).assign(
            value=lambda d: d["value"]
        ),
        formats,
        note,
    )
    inputs = pd.DataFrame([(k, str(v)) for k, v in settings.model_dump().items()], columns=["setting", "value"])
    _sheet(
        book,
        "Scenario inputs",
        pd.concat(
            [inputs, pd.DataFrame([{"setting": "scenario file (YAML)", "value": dump_spec(scenario.spec)}])],
            ignore_index=True,
        ),
        formats,
    )
    _sheet(
        book,
        "Unit costs and sources",
        unit_cost_table(scenario),
        formats,
        "Every unit cost, its source, and the GDP-deflator factor that uprates it to the scenario's price year.",
    )
    _sheet(
        book,
        "Parameters and sources",
        parameter_table(scenario),
        formats,
        "Who said it: published (with its source), your figure (with your note and date), or a local judgement "
        "with no published source, to agree locally.",
    )
    _sheet(book, "By partner", result.by_partner(), formats)
    _sheet(book, "By intervention", result.by_intervention(), formats)
    _sheet(book, "By year", result.by_year(), formats)
    matrix = result.who_pays_who_saves()
    labels = {p: scenario.library.partners[p].label for p in scenario.library.partners}
    matrix = matrix.rename(index=labels, columns=labels).rename_axis("Paid for by").reset_index()
    _sheet(
        book,
        "Who pays who saves",
        matrix,
        formats,
        "Present value of benefits (all value types): rows are funders, columns the partners that receive them.",
    )
    _sheet(book, "Benefit flows", result.benefits, formats)
    _sheet(book, "Cost flows", result.costs, formats)
    heads_of_terms_sheet(book, result, formats)  # the agreed deal, if the scenario has one (roi.deal)
    book.close()
    return buffer.getvalue()


def results_csv(result: Result) -> str:
    """The by-partner table as CSV."""
    table = result.by_partner()
    text_columns = [c for c in table.columns if table[c].dtype == object]
    table[text_columns] = table[text_columns].map(lambda v: v if v is None else cell_text(v))
    return table.to_csv(index=False)


# -- The board pack --------------------------------------------------------------------------------

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


def _latin(text: str) -> str:
    """The core PDF fonts cover Latin-1 (which has £); replace the few characters outside it."""
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


class _Pack(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack_title = title
        self.set_auto_page_break(auto=False)
        self.set_margins(14, 12, 14)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("Helvetica", size=7)
        self.set_text_color(110)
        self.cell(
            0,
            5,
            _latin(
                f"Prevention ROI board pack - {self.pack_title} - {date.today():%d %B %Y} - "
                f"page {self.page_no()} of {{nb}}"
            ),
            align="C",
        )

    def heading(self, text: str, size: int = 12) -> None:
        self.set_font("Helvetica", style="B", size=size)
        self.set_text_color(20)
        self.multi_cell(0, size * 0.5, _latin(text))
        self.ln(1)

    def para(self, text: str, size: float = 9, colour: int = 40) -> None:
        self.set_font("Helvetica", size=size)
        self.set_text_color(colour)
        self.multi_cell(0, size * 0.48, _latin(text))
        self.ln(1)


def board_pack(result: Result, draws: int = 10_000, seed: int = 1, flags: list[str] | None = None) -> bytes:
    """A two-page PDF for a partnership board: the headline, savings by partner, the who-pays matrix,
    the uncertainty range, the flags and the sources, from the same result as the dashboard."""
    scenario = result.scenario
    settings = scenario.settings
    totals = result.totals
    pack = _Pack(scenario.name)
    width = pack.w - pack.l_margin - pack.r_margin

    # Page 1: the headline and who saves.
    pack.add_page()
    pack.heading(scenario.name, 16)
    pack.para(
        f"Pounds at {settings.price_year} prices, present values over {settings.horizon_years} years; "
        f"{settings.programme_years} programme year(s) from {financial_year(settings.first_year)}.",
        8,
        90,
    )
    tiles = [
        ("Investment", pounds(totals["pv_costs"])),
        ("Fiscal savings", pounds(totals["pv_fiscal"])),
        ("Net present value", pounds(totals["npv"])),
        ("£ saved per £1", "no cost" if totals["fiscal_roi"] is None else f"£{totals['fiscal_roi']:,.2f}"),
        ("Payback", f"year {totals['payback_year']}" if totals["payback_year"] else "not in horizon"),
    ]
    tile_width = width / len(tiles)
    top = pack.get_y()
    for i, (label, value) in enumerate(tiles):
        pack.set_xy(pack.l_margin + i * tile_width, top)
        pack.set_font("Helvetica", size=8)
        pack.set_text_color(90)
        pack.cell(tile_width, 4, _latin(label))
        pack.set_xy(pack.l_margin + i * tile_width, top + 4.5)
        pack.set_font("Helvetica", style="B", size=13)
        pack.set_text_color(20)
        pack.cell(tile_width, 7, _latin(value))
    pack.set_xy(pack.l_margin, top + 14)
    pack.para(summary.headline_sentence(result), 10, 20)
    bar = charts.savings_by_partner(result, width=620)
    pack.image(io.BytesIO(chart_png(bar)), w=width * 0.92)
    pack.ln(2)
    matrix = charts.who_pays_who_saves(result, width=820)
    remaining = pack.h - 16 - pack.get_y()
    png = chart_png(matrix)
    pack.image(io.BytesIO(png), w=min(width * 0.85, remaining * 2.1))

    # Page 2: how sure, the flags, the sources.
    pack.add_page()
    sim = uncertainty.simulate(scenario, draws, seed)
    p = sim.percentiles()["npv"]
    pack.heading("How sure is this?")
    pack.para(
        f"In {sim.prob_payback:.0%} of {draws:,} simulations the offer pays back within "
        f"{settings.horizon_years} years. Net present value: P10 {pounds(p['p10'])}, median {pounds(p['p50'])}, "
        f"P90 {pounds(p['p90'])} (central estimate {pounds(totals['npv'])}). Every unit cost and effect with a "
        f"range was drawn at once (triangular distributions, seed {seed}).",
        9.5,
        20,
    )
    ranges = charts.partner_ranges(sim.by_partner(), result, width=600)
    pack.image(io.BytesIO(chart_png(ranges)), w=width * 0.85)
    pack.ln(2)
    pack.heading("Flags and caveats", 11)
    count, total = summary.local_example_count(result)
    notes = (
        list(flags or [])
        + list(result.warnings)
        + [
            (
                f"{count} of the {total} figures behind this scenario are local judgements with no published "
                "source; figures you changed are credited to you, not to a publication."
            ),
            "Bed-days, admissions and appointments avoided free NHS capacity; they are counted as non-cashable.",
            "Economic and social value is shown separately and never added into savings.",
        ]
    )
    for note in notes[:8]:
        pack.para(f"- {note}", 8.5, 40)
    pack.heading("Sources of the unit costs used", 11)
    costs = unit_cost_table(scenario)
    for row in costs[costs["used"]].itertuples():
        if pack.get_y() > pack.h - 24:
            pack.para("(Further sources: see the Excel workbook.)", 7.5, 90)
            break
        pack.para(
            f"{row.label}: {pounds(row.value, True)} {row.unit} ({row.price_year} prices, uprating factor "
            f"{number(row.uprating_factor)}). {row.source}",
            7.5,
            60,
        )
    heads_of_terms_page(pack, result)  # the agreed deal, if the scenario has one (roi.deal)
    return bytes(pack.output())
