"""Individuals' economic and social value reaches every output (issue 24): the `run` text table, its
JSON, the Excel workbook, the PDF board pack, the Overview and Savings by partner pages.

Before, the text table showed individuals at £0 in every column though £366,456 of economic value
(district_offer; £560,461 since issue 26 raised the DFG's volume from 68 to 104 per 100,000; £1,172,598
since issue 23 added the quality of life of falls avoided)
reached them, and the board pack left them out of each partner's position."""

from __future__ import annotations

import io
import json

import openpyxl
import pypdf
import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.cli import commands as cli
from roi.outputs import export

from .conftest import ROOT, roi_cli, scenario_from
from .html_tables import page_tables
from .test_engine import EVERY_NEW_ELEMENT

INDIVIDUALS = "Self-funders and individuals"


@pytest.fixture(scope="module")
def offer() -> roi.Result:
    return roi.run(roi.load_scenario("district_offer"))


@pytest.fixture(scope="module")
def by_hand() -> roi.Result:
    # EVERY_NEW_ELEMENT's QALYs: 10 x 0.01 x £10,000 = £1,000 a year in years 0 and 1, less 20%
    # optimism bias = £800, at the health rate of 1.5%: £800 + £800 / 1.015 = £1,588.18, all of it
    # social value to individuals.
    return roi.run(scenario_from(EVERY_NEW_ELEMENT))


def test_all_of_district_offers_economic_and_social_value_reaches_individuals(offer):
    row = offer.by_partner().set_index("partner").loc["individuals"]
    assert roi.pounds(row["pv_economic"] + row["pv_social"]) == "£1,172,598"
    assert row["pv_economic"] + row["pv_social"] == pytest.approx(
        offer.totals["pv_economic"] + offer.totals["pv_social"], abs=0.005
    )


def _partner_table(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index("What each partner puts in and gets back (present values):")
    end = lines.index("", start)
    return lines[start + 1 : end]


def _individuals_cells(table: list[str]) -> list[str]:
    row = next(line for line in table if line.startswith(INDIVIDUALS))
    return row.removeprefix(INDIVIDUALS).split()


def test_run_text_table_shows_individuals_economic_and_social_value(offer, capsys):
    cli._print_run(offer)
    table = _partner_table(capsys.readouterr().out)
    assert "Economic" in table[0] and "and social" in table[1]
    cells = _individuals_cells(table)
    # Puts in, cash back, capacity freed, economic and social, cash NPV, fiscal NPV, pays back.
    assert cells[:5] == ["£0", "£0", "£0", "£1,172,598", "£0"]
    assert max(len(line) for line in table) <= 120


def test_run_text_table_hand_computed_qaly_value_to_the_pound(by_hand, capsys):
    cli._print_run(by_hand)
    cells = _individuals_cells(_partner_table(capsys.readouterr().out))
    assert cells[3] == "£1,588" == roi.pounds(800 + 800 / 1.015)


def test_run_text_table_headers_line_up_with_their_columns(offer, capsys):
    cli._print_run(offer)
    table = _partner_table(capsys.readouterr().out)
    rule = table.index(next(line for line in table if set(line) == {"-"}))
    assert rule == 2  # two header lines, then the rule
    assert len({len(line) for line in table[:rule]} | {len(table[rule])}) == 1


def test_run_json_gives_individuals_economic_and_social_value():
    done = roi_cli("run", "district_offer", "--json", check=True)
    row = next(r for r in json.loads(done.stdout)["by_partner"] if r["partner"] == "individuals")
    assert round(row["pv_economic"] + row["pv_social"]) == 1_172_598
    assert row["pv_benefits"] == pytest.approx(row["pv_economic"] + row["pv_social"], abs=0.01)
    assert row["label"] == INDIVIDUALS


def test_workbook_gives_individuals_economic_and_social_value(by_hand):
    book = openpyxl.load_workbook(io.BytesIO(export.workbook(by_hand)))
    for sheet, column in (
        ("Positions by partner", "Economic and social value (not savings), present value"),
        ("By partner", "Social value, present value"),
    ):
        rows = list(book[sheet].iter_rows(values_only=True))
        header = next(r for r in rows if r and r[0] == "Partner")
        row = next(r for r in rows if r and r[0] == INDIVIDUALS)
        assert round(row[header.index(column)], 2) == 1_588.18, sheet


def test_board_pack_lists_individuals_with_their_economic_and_social_value(offer):
    pack = export.board_pack(offer, draws=200)
    first = " ".join(pypdf.PdfReader(io.BytesIO(pack)).pages[0].extract_text().split())
    position = first[first.index("Each partner's position") :]
    assert "Economic and social value (PV)" in position
    # The individuals' row: pays £0, cash £0, capacity £0, then their £1,172,598.
    assert "individuals £0 £0 £0 £1,172,598" in position


def _app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_overview_and_savings_by_partner_show_individuals_economic_and_social_value(offer):
    row = offer.by_partner().set_index("partner").loc["individuals"]
    at = _app()
    overview = page_tables(at)[0].set_index("Partner")
    assert overview.loc[INDIVIDUALS, "Economic and social value"] == "£1,172,598"
    at.switch_page("pages/3_Savings_by_partner.py").run()
    assert not at.exception
    summary = page_tables(at)[0].set_index("Partner")
    assert summary.loc[INDIVIDUALS, "Economic value"] == roi.pounds(row["pv_economic"])
    assert summary.loc[INDIVIDUALS, "Social value"] == roi.pounds(row["pv_social"])
    assert summary.loc[INDIVIDUALS, "All value less costs"] == "£1,172,598"
