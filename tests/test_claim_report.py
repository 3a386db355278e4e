"""The claim-check report: a one-page PDF and a workbook with the same figures as the check."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from roi import claim_report, claims

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
    assert steps["Running total (£)"].iloc[-2] == pytest.approx(check.adjusted)
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
    assert "£270,000" in stated["As stated"].tolist()
