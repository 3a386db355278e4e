"""Exports: the workbook's figures equal run's to the penny; the PDF has two pages with the headline."""

from __future__ import annotations

import io
import subprocess
import sys

import openpyxl
import pypdf
import pytest

import roi
from roi import charts, export

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
        assert round(partners[row.partner]["Pv costs"], 2) == round(row.pv_costs, 2)
        assert round(partners[row.partner]["Pv benefits"], 2) == round(row.pv_benefits, 2)
        assert round(partners[row.partner]["Npv"], 2) == round(row.npv, 2)
    headline = {r["Measure"]: r["Value"] for r in _rows(book, "Headline", header_row=3)}
    assert round(headline["Net present value"], 2) == round(result.totals["npv"], 2)
    assert round(headline["Present value of costs"], 2) == round(result.totals["pv_costs"], 2)
    sources = _rows(book, "Unit costs and sources", header_row=3)
    bed_day = next(r for r in sources if r["Id"] == "bed_day")
    assert bed_day["Uprating factor"] == pytest.approx(100 / 77.6367)
    assert "181,250 / 725" in bed_day["Derivation"]
    assert book["By partner"].freeze_panes == "B2"
    assert "£" in book["By partner"]["D2"].number_format


def test_board_pack_has_two_pages_with_the_headline_figures(result):
    pdf = export.board_pack(result, draws=2000)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) <= 2
    text = " ".join(page.extract_text() for page in reader.pages)
    for figure in (
        roi.pounds(result.totals["pv_costs"]),
        roi.pounds(result.totals["npv"]),
        roi.pounds(result.totals["pv_fiscal"]),
    ):
        assert figure in text
    assert "simulations" in text and "Sources" in text


def test_charts_export_as_png_and_svg(result):
    chart = charts.savings_by_partner(result, width=500)
    assert export.chart_png(chart).startswith(b"\x89PNG")
    assert "<svg" in export.chart_svg(chart)


def test_export_without_a_target_is_an_input_error():
    done = subprocess.run(
        [sys.executable, "-m", "roi", "export", "district_offer"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 2 and "--xlsx" in done.stderr
