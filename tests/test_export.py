"""Exports: the workbook's figures equal run's to the penny and every money cell is formatted; the board
pack states the offer on page 1, with each partner's cash and the P10 / P90 range, and no page is more
than a third empty (judged from pdftoppm's pixels)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys

import numpy as np
import openpyxl
import pypdf
import pytest

import roi
from roi.outputs import charts, documents, export

from .conftest import ROOT


@pytest.fixture(scope="module")
def result() -> roi.Result:
    return roi.run(roi.load_scenario("district_offer"))


def _rows(book: openpyxl.Workbook, sheet: str, header_row: int = 1) -> list[dict]:
    rows = list(book[sheet].iter_rows(values_only=True))
    header = rows[header_row - 1]
    return [dict(zip(header, row, strict=True)) for row in rows[header_row:]]


def test_workbook_figures_equal_run_to_the_penny(result, tmp_path):
    path = tmp_path / "offer.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "roi", "export", "district_offer", "--xlsx", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(path, data_only=True)
    assert {
        "Headline",
        "Scenario inputs",
        "Unit costs and sources",
        "By partner",
        "By intervention",
        "By year",
        "Who pays who saves",
    } <= set(book.sheetnames)
    partners = {r["Partner"]: r for r in _rows(book, "By partner")}
    for row in result.by_partner().itertuples():
        assert round(partners[row.label]["Costs, present value"], 2) == round(row.pv_costs, 2)
        assert round(partners[row.label]["Benefits (all value types), present value"], 2) == round(row.pv_benefits, 2)
        assert round(partners[row.label]["Net present value"], 2) == round(row.npv, 2)
    headline = {r["Measure"]: r["Value"] for r in _rows(book, "Headline", header_row=3)}
    assert round(headline["Net present value"], 2) == round(result.totals["npv"], 2)
    assert round(headline["Present value of costs"], 2) == round(result.totals["pv_costs"], 2)
    assert headline["Payback"] == export.year_label(result, result.totals["payback_year"])
    sources = _rows(book, "Unit costs and sources", header_row=3)
    bed_day = next(r for r in sources if r["Library id"] == "bed_day")
    assert bed_day["Uprating factor"] == pytest.approx(100 / 77.6367)
    assert "181,250 / 725" in bed_day["Derivation"]
    assert book["By partner"].freeze_panes == "B2"
    assert "£" in book["By partner"]["C2"].number_format


MONEY_HEADERS = (
    "present value",
    "cost",
    "value",
    "saving",
    "gross",
    "after ",
    "net (undiscounted)",
    "benefit",
    "low",
    "high",
)


def test_every_money_cell_has_a_number_format_and_no_cell_says_none(result):
    book = openpyxl.load_workbook(io.BytesIO(export.workbook(result)))
    money_cells = 0
    for sheet in book.worksheets:
        header_row = next(
            r for r in sheet.iter_rows(min_row=1, max_row=4) if r[0].font is not None and r[0].font.b and r[0].value
        )
        headers = {c.column: str(c.value or "").lower() for c in header_row}
        for row in sheet.iter_rows(min_row=header_row[0].row + 1):
            for cell in row:
                assert not re.search(r"\bNone\b", str(cell.value or "")), (sheet.title, cell.coordinate, cell.value)
                heading = headers.get(cell.column, "")
                is_money = (
                    isinstance(cell.value, float)
                    and any(w in heading for w in MONEY_HEADERS)
                    and "factor" not in heading
                    and "ratio" not in heading
                )
                if sheet.title == "Headline":
                    is_money = isinstance(cell.value, float)
                if sheet.title == "Parameters and sources":  # one column of mixed units: checked below
                    is_money = False
                if is_money:
                    money_cells += 1
                    assert cell.number_format != "General", (sheet.title, cell.coordinate, heading)
                    assert "£" in cell.number_format or "%" in cell.number_format or "0.00" in cell.number_format, (
                        sheet.title,
                        cell.coordinate,
                        heading,
                        cell.number_format,
                    )
    assert money_cells > 500
    # Human headers, one year numbering (year 1 = the first financial year), frozen header rows.
    by_partner = [c.value for c in book["By partner"][1]]
    assert "Net present value" in by_partner and not any(h in by_partner for h in ("Npv", "Pv costs"))
    flows = _rows(book, "Benefit flows")
    assert min(r["Year (1 = first)"] for r in flows) == 1
    first = next(r for r in flows if r["Year (1 = first)"] == 1)
    assert first["Financial year"] == roi.financial_year(result.scenario.settings.first_year)
    assert {r["Year (1 = first)"] for r in _rows(book, "By year")} == set(
        range(1, result.scenario.settings.horizon_years + 1)
    )
    for sheet in book.worksheets:
        assert sheet.freeze_panes is not None, sheet.title
    parameters = book["Parameters and sources"]
    header = [c.value for c in parameters[3]]
    name, value = header.index("Parameter"), header.index("Value")
    checked = 0
    for row in parameters.iter_rows(min_row=4):
        label, cell = row[name].value, row[value]
        if "(£" in label:
            assert "£" in cell.number_format, (label, cell.number_format)
            checked += 1
        elif label.endswith(("deadweight", "attribution", "drop-off", "displacement")) or "bias" in label:
            assert "%" in cell.number_format, (label, cell.number_format)
            checked += 1
    assert checked > 20
    # Fitted widths: no column narrower than its widest formatted figure needs.
    assert book["Headline"].column_dimensions["A"].width >= 40


@pytest.fixture(scope="module")
def pack(result) -> bytes:
    return export.board_pack(result, draws=2000)


def _text(page) -> str:  # noqa: ANN001 - a pypdf page
    return " ".join(page.extract_text().split())


def test_board_pack_states_the_offer_on_its_first_page(result, pack):
    reader = pypdf.PdfReader(io.BytesIO(pack))
    first = _text(reader.pages[0])
    for intervention in result.scenario.interventions:
        assert intervention.label in first, intervention.label
        assert roi.pounds(intervention.cases_per_year).lstrip("£") in first
    for partner in {p for i in result.scenario.interventions for p in i.funded_by}:
        assert result.scenario.library.partners[partner].label in first
    cash = result.benefits[result.benefits["value_type"] == "fiscal_cashable"].groupby("partner")["pv"].sum()
    for row in result.by_partner().itertuples():
        if row.pv_costs > 0.5 or row.pv_fiscal > 0.5:
            assert roi.pounds(cash.get(row.partner, 0.0)) in first, row.label
            assert roi.pounds(cash.get(row.partner, 0.0) - row.pv_costs) in first, row.label
            assert roi.pounds(row.pv_fiscal_non_cashable) in first, row.label
    for figure in (roi.pounds(result.totals["pv_costs"]), roi.pounds(result.totals["npv"])):
        assert figure in first
    assert export.year_label(result, result.totals["cash_payback_year"]) in first
    for figure in (result.totals["pv_cashable"], result.totals["pv_non_cashable"]):
        assert roi.pounds(figure) in first


def test_board_pack_gives_p10_and_p90_beside_the_central_figures(result, pack):
    text = " ".join(_text(page) for page in pypdf.PdfReader(io.BytesIO(pack)).pages)
    sim = roi.engine.uncertainty.simulate(result.scenario, 2000, 1)
    p = sim.percentiles()["npv"]
    assert f"{roi.pounds(result.totals['npv'])}" in text
    assert f"P10 {roi.pounds(p['p10'])} to P90 {roi.pounds(p['p90'])}" in text
    for row in sim.by_partner().itertuples():
        assert roi.pounds(row.p10) in text and roi.pounds(row.p90) in text


def test_board_pack_speaks_plain_english(pack):
    text = " ".join(_text(page) for page in pypdf.PdfReader(io.BytesIO(pack)).pages)
    assert "Where the figures come from" in text
    for jargon in ("seed", "line 2", "lines 2", ".xlsx", ".yaml", "text missing", "None"):
        assert jargon not in text.lower() if jargon.islower() else jargon not in text, jargon


def _empty_shares(pdf: bytes, tmp_path) -> list[float]:
    """For each page, the share of its height below the last ink above the footer (pdftoppm pixels)."""
    from PIL import Image

    assert shutil.which("pdftoppm"), "pdftoppm is missing: install poppler-utils (scripts/test.sh does this)"
    (tmp_path / "pack.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", "pack.pdf", "page"], cwd=tmp_path, check=True)
    shares = []
    for path in sorted(tmp_path.glob("page-*.png")):
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("L"))
        height = pixels.shape[0]
        body = pixels[: int(height * (1 - 16 / 297))]  # above the footer line
        inked = np.nonzero((body < 200).any(axis=1))[0]
        shares.append(1.0 if inked.size == 0 else (height - inked.max()) / height)
    return shares


@pytest.mark.parametrize("name", ["district_offer", "dfg_single", "district_direct_pilot"])
def test_no_board_pack_page_is_more_than_a_third_empty(name, tmp_path):
    pdf = export.board_pack(roi.run(roi.load_scenario(name)), draws=500)
    shares = _empty_shares(pdf, tmp_path)
    assert shares and all(share <= 1 / 3 for share in shares), shares


def test_a_page_writer_can_be_added_after_the_offer(result):
    def deal(pack, ctx) -> None:  # noqa: ANN001
        pack.add_page()
        pack.heading("Heads of terms")
        pack.para("x " * 4000)

    pdf = export.board_pack(result, draws=200, pages=export.insert_page(deal))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "Heads of terms" in reader.pages[1].extract_text()


def test_year_labels_match_the_dashboard(result):
    first = result.scenario.settings.first_year
    assert export.year_label(result, 1) == f"Year 1 ({roi.financial_year(first)})"
    assert export.year_label(result, None) == f"Not within {result.scenario.settings.horizon_years} years"


def test_sources_read_in_plain_english():
    assert export.plain("Case study 'District Direct' (seed 001, line 2312; footnote 41, text missing)") == (
        "Case study 'District Direct'"
    )
    assert export.plain("Housing sheet (seed 001, lines 2308 and 2312)") == "Housing sheet"
    assert export.plain("read in charlescoverdale/econstack-data, src/gmca-raw/unit-cost-database.xlsx") == "read in"
    assert export.plain("NHS Reference Costs 2013-14, 2016/17") == "NHS Reference Costs 2013-14, 2016/17"


def test_charts_export_as_png_and_svg(result):
    chart = charts.savings_by_partner(result, width=500)
    assert documents.chart_png(chart).startswith(b"\x89PNG")
    assert "<svg" in documents.chart_svg(chart)


def test_export_without_a_target_is_an_input_error():
    done = subprocess.run(
        [sys.executable, "-m", "roi", "export", "district_offer"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 2 and "--xlsx" in done.stderr


def test_settings_table_says_the_constant_rate_for_health_effects():
    from .conftest import scenario_from
    from .test_engine import EVERY_NEW_ELEMENT

    data = {**EVERY_NEW_ELEMENT, "settings": {**EVERY_NEW_ELEMENT["settings"], "health_discount_rate": 0.015}}
    table = export.settings_table(roi.run(scenario_from(data))).set_index("setting")
    rows = table["value"]  # rates are numbers, shown as percentages by the workbook's format
    assert rows["Constant discount rate"] == 0.10 and table.loc["Constant discount rate", "kind"] == "share"
    assert rows["Constant discount rate for health effects"] == 0.015
    plain = export.settings_table(roi.run(scenario_from(EVERY_NEW_ELEMENT))).set_index("setting")["value"]
    assert plain["Constant discount rate for health effects"] == (
        "Not used: the discount schedule for health effects applies"
    )
