"""Heads of terms a finance lead would sign (issue 19): for every partner the chance of losing cash,
the P10 of its cash position, its cash by financial year, the year it turns positive and the most it
carries; where no split reaches the confidence, by how much. In the workbook and the board pack."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pypdf import PdfReader

import roi
from roi.analysis import deal
from roi.engine.uncertainty import simulation_for
from roi.outputs import deal_export, export


@pytest.fixture(scope="module")
def agreed() -> roi.Result:
    scenario = roi.load_scenario("district_offer")
    return roi.run(roi.resolve(deal.apply_deal(scenario.spec, solved_by_service(scenario))))


def solved_by_service(scenario: roi.Scenario) -> deal.Deal:
    """The district offer's deal by service at 80% confidence, on 500 draws, with a £1m statutory core."""
    return deal.propose(
        roi.run(scenario),
        "cash_break_even",
        simulation=simulation_for(scenario, 500, 1),
        confidence=0.8,
        by_service=True,
        cores={"dfg_adaptation": ("district", 1_000_000.0)},
    )


def test_the_workbook_states_each_partners_risk_and_cash_flow(agreed):
    book = openpyxl.load_workbook(io.BytesIO(export.workbook(agreed)), data_only=True)
    sheet = book["Heads of terms"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Partner")
    for column in ("Cash position P10, present value", "Chance of losing cash", "Cash turns positive"):
        assert column in header
    assert any(h and h.startswith("Largest carried") for h in header)
    note = rows[0][0]
    assert "by service, at 80% confidence" in note and "short of the offer's cost" in note
    found = deal_export.heads_of_terms(agreed)
    assert found is not None
    agreed_deal, table = found
    county = table.set_index("Partner").loc["County adult social care"]
    expected = agreed_deal.positions.set_index("partner").loc["county_asc"]
    assert county["Cash turns positive"] == expected["turns_positive_year"]
    assert county["Largest carried (£)"] == expected["largest_carried"] > 0
    years = list(book["Deal cash by year"].iter_rows(values_only=True))
    header = years[2]
    assert header == ("Partner", "Financial year", "Contribution (£)", "Cash saved (£)", "Running cash position (£)")
    county_rows = [r for r in years[3:] if r[0] == "County adult social care"]
    assert [r[1] for r in county_rows][0] == "2025/26" and len(county_rows) == 10
    running = 0.0
    for _, _, given, saved, position in county_rows:  # each year's running total adds up, to the penny
        running += saved - given
        assert round(position, 2) == round(running, 2)
    assert round(county_rows[-1][4], 2) == round(float(expected["cash_by_year"][-1]), 2)
    split = list(book["Deal by service"].iter_rows(values_only=True))
    assert any(r and r[0] == "Disabled facilities grant (DFG) adaptations" for r in split)


def test_the_board_pack_gives_the_running_cash_and_the_shortfall(agreed):
    pages = PdfReader(io.BytesIO(export.board_pack(agreed, draws=200))).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Running cash position by financial year" in text
    assert "Chance of losing cash" in text and "P10" in text
    assert "short of the offer's cost" in text


def test_the_agreed_deal_keeps_the_shortfall_it_was_solved_at(agreed):
    scenario = roi.load_scenario("district_offer")
    solved = solved_by_service(scenario)
    again = deal.agreed(agreed, simulation_for(scenario, 500, 1))
    assert again is not None and again.confidence == 0.8
    assert round(again.shortfall, 2) == round(solved.shortfall, 2)
    assert pv_of(again) == pv_of(solved)


def pv_of(d: deal.Deal) -> dict[str, float]:
    return dict(zip(d.contributions["partner"], d.contributions["pv"], strict=True))


def test_the_board_pack_of_a_deal_by_service_gives_who_funds_each_service(agreed):
    pages = PdfReader(io.BytesIO(export.board_pack(agreed, draws=200))).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "who funds each service" in text
    assert "Disabled facilities grant (DFG) adaptations" in text
