"""No user text becomes a spreadsheet formula: names and labels starting = + - @ are written as text."""

from __future__ import annotations

import io

import openpyxl
import pytest

import roi
from roi.inputs.schema import ScenarioSpec
from roi.outputs import documents, export
from tests.conftest import workbook_texts

NAME = '=HYPERLINK("https://evil.example","click")'


def hostile_result() -> roi.Result:
    data = roi.load_scenario("district_offer").spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data["name"] = NAME
    labels = ["+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\tTab", "Plain label"]
    data["interventions"] = [
        {"id": c["id"], "label": labels[i % len(labels)]} for i, c in enumerate(data["interventions"])
    ]
    return roi.run(roi.resolve(ScenarioSpec.model_validate(data)))


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+cmd", "'+1+cmd"),
        ("-1", "-1"),
        ("-2+3", "'-2+3"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("Plain", "Plain"),
    ],
)
def test_cell_text_neutralises_a_leading_formula_character(text, written):
    assert documents.cell_text(text) == written


def test_workbook_writes_the_scenario_name_and_labels_as_text_never_formulas():
    book = openpyxl.load_workbook(io.BytesIO(export.workbook(hostile_result())))
    headline = book.worksheets[0]["A1"]
    assert headline.data_type == "s" and headline.value.startswith("'=HYPERLINK")
    seen = workbook_texts(book)
    assert "'@SUM(1,1)" in seen and "'-2+3" in seen


def test_results_csv_neutralises_text_cells():
    text = export.results_csv(hostile_result())
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@")), line
