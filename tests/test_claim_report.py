"""The claim-check report: a one-page PDF and a workbook with the same figures as the check."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from roi.analysis import claims
from roi.outputs import claim_report

from .conftest import ROOT

HOUSING = claims.parse(claims.template())


def pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type /Page ")


@pytest.mark.parametrize("name", ["district_direct", "healthy_homes_on_prescription"])
def test_the_report_is_one_page_with_the_figures_of_the_check(name):
    check = claims.check_claim(claims.load(name))
    pdf = claim_report.pdf(check)
    assert pdf.startswith(b"%PDF") and pages(pdf) == 1


def test_a_claim_with_many_flags_still_fits_one_page():
    many = claims.validate_claim(
        {
            "claim": "Everything at once",
            "claimed_saving": 5_000_000,
            "ratio_per_pound": 108.27,
            "savings": [
                {"unit_cost": u, "quantity": 10, "partner": "district", "value_type": "fiscal_cashable", "value": 1}
                for u in ("bed_day", "non_elective_admission", "fall_admission", "hip_fracture_nhs", "qaly", "bed_day")
            ],
        }
    )
    check = claims.check_claim(many)
    assert len(check.flags) > 12
    assert pages(claim_report.pdf(check)) == 1


def test_the_workbook_holds_the_steps_flags_money_and_sources_of_the_check():
    check = claims.check_claim(claims.load("district_direct"))
    sheets = pd.read_excel(io.BytesIO(claim_report.workbook(check)), sheet_name=None, header=None)
    assert list(sheets) == [
        "Claim as stated",
        "Like for like",
        "Steps",
        "Flags",
        "Who gets the money",
        "Lines",
        "Sources",
    ]
    steps = pd.read_excel(io.BytesIO(claim_report.workbook(check)), sheet_name="Steps", header=2)
    assert steps["Change (£)"].iloc[1:].tolist() == pytest.approx(check.steps["amount"].tolist())
    assert steps["Running total (£)"].iloc[-2] == pytest.approx(check.adjusted_period)  # the claim's 29 weeks
    flags = pd.read_excel(io.BytesIO(claim_report.workbook(check)), sheet_name="Flags")
    assert len(flags) == len(check.flags)
    money = pd.read_excel(io.BytesIO(claim_report.workbook(check)), sheet_name="Who gets the money", header=2)
    assert money["Partner"].tolist() == ["NHS acute hospital"]
    assert money["Capacity freed (£)"].iloc[0] == pytest.approx(check.capacity)
    sources = pd.read_excel(io.BytesIO(claim_report.workbook(check)), sheet_name="Sources", header=2)
    assert "King's Fund" in " ".join(sources["Source"])


def test_check_claim_writes_the_pdf_and_workbook(tmp_path):
    target = tmp_path / "claim.yaml"
    target.write_text(claims.template())
    pdf, xlsx = tmp_path / "check.pdf", tmp_path / "check.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "roi", "check-claim", str(target), "--pdf", str(pdf), "--xlsx", str(xlsx), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["claimed"] == 270_000
    assert pages(pdf.read_bytes()) == 1
    stated = pd.read_excel(xlsx, sheet_name="Claim as stated", header=2)
    assert 270_000 in stated["As stated"].tolist()  # a number, shown as £270,000 by its format


def test_the_workbook_stores_numbers_as_numbers_with_formats():
    """Issue 25 item 12: Steps, 'Claim as stated' and Lines hold numbers a spreadsheet can add up."""
    import openpyxl

    check = claims.check_claim(claims.load("district_direct"))
    book = openpyxl.load_workbook(io.BytesIO(claim_report.workbook(check)))
    steps = book["Steps"]
    changes = [steps.cell(row, 2) for row in range(5, 5 + len(check.steps))]  # below the note, header, Claimed
    assert [round(c.value, 2) for c in changes] == [round(v, 2) for v in check.steps["amount"]]
    assert all(c.data_type == "n" and c.number_format.startswith("£#,##0") for c in changes)
    stated = {row[0].value: row[1] for row in book["Claim as stated"].iter_rows(min_row=4)}
    assert stated["Claimed saving"].value == 181_250 and stated["Claimed saving"].number_format.startswith("£#,##0")
    assert stated["Period (weeks)"].value == 29 and stated["Period (weeks)"].data_type == "n"
    assert stated["Source"].value.startswith("Grant Thornton and the District Councils' Network")
    lines = book["Lines"]
    header = [c.value for c in lines[1]]  # no note above the Lines table
    deadweight = lines.cell(2, header.index("Deadweight") + 1)
    assert (deadweight.value, deadweight.number_format) == (0.25, "0.0%")
    convention = lines.cell(2, header.index("Library's optimism bias") + 1)
    assert (convention.value, convention.number_format) == (0.4, "0.0%")


JARGON = r"seed|\.ya?ml\b|\bL\d{3,}|\blines? \d{3,}"


@pytest.mark.parametrize("name", ["district_direct", "healthy_homes_on_prescription"])
def test_no_internal_jargon_reaches_the_report_and_the_source_is_credited(name, tmp_path):
    """Issue 25 item 3: no 'seed', file name or line number in the workbook or the PDF; the source is
    the publication, its publisher and year."""
    import re

    import openpyxl

    check = claims.check_claim(claims.load(name))
    book = openpyxl.load_workbook(io.BytesIO(claim_report.workbook(check)))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if re.search(JARGON, c, re.I)]
    target = tmp_path / "check.pdf"
    target.write_bytes(claim_report.pdf(check))
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert not re.search(JARGON, text, re.I)
    assert (
        "Grant Thornton and the District Councils' Network, Transformation in localities toolkit (May 2018)"
        in " ".join(cells)
    )
