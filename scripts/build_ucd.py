"""Rebuild assumptions/gmca_ucd.yaml from the GMCA Unit Cost Database v1.4 workbook.

The workbook is not shipped. Get it from the public repository charlescoverdale/econstack-data
(path src/gmca-raw/unit-cost-database.xlsx), for example::

    git clone --depth 1 https://github.com/charlescoverdale/econstack-data
    python scripts/build_ucd.py econstack-data/src/gmca-raw/unit-cost-database.xlsx

The Unit Cost Database was published by New Economy (Greater Manchester) in March 2015 under the
Creative Commons Attribution 4.0 International licence (workbook, Introduction sheet, cell E17).

Per row the script keeps: the cost code, label, unit, the agency bearing the fiscal cost (level 1 and
level 2, as written; assumptions/gmca_ucd_agencies.yaml maps it to this project's partners), the
fiscal, economic and social values as estimated (columns H, K, N) with their years (I, L, O), the
original source (Q) and the page it names, the RAG grade (R) and the commentary (S). The workbook's own
'updated' columns (J, M, P: uprated to 2015/16 with the March 2015 deflator) are not kept: this tool
uprates with its own GDP deflator. A financial year such as 2010/11 takes the calendar year it starts.

Needs openpyxl (requirements-dev.txt). Refuses (exit 1, one line) a row with a code and no value.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import yaml

SHEETS = ("Crime", "Education & Skills", "Employment & Economy", "Fire", "Health", "Housing", "Social Services")
GRADES = {"R": "red", "A": "amber", "G": "green"}
OUT = Path(__file__).resolve().parent.parent / "assumptions" / "gmca_ucd.yaml"
LICENCE_CELL = ("Introduction", "E17")
HEADER = """\
# GENERATED FILE: do not edit by hand. Rebuilt by scripts/build_ucd.py from the GMCA Unit Cost
# Database v1.4 workbook (New Economy, Greater Manchester, March 2015), read from
# charlescoverdale/econstack-data, src/gmca-raw/unit-cost-database.xlsx (sha256 below).
# Licence: Creative Commons Attribution 4.0 International (CC BY 4.0), as the workbook's Introduction
# sheet (cell E17) states. Attribution: "Unit Cost Database v1.4, New Economy (now part of the Greater
# Manchester Combined Authority), 2015, CC BY 4.0". Changes made here: values kept as estimated at their
# own price year (the workbook's 2015/16 'updated' columns are dropped); text whitespace tidied; page
# numbers read out of the source text; RAG letters written as red/amber/green.
# Agencies are mapped to this project's partners in gmca_ucd_agencies.yaml (editable).
"""


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _year(value: object, where: str) -> tuple[int, str]:
    text = _text(value)
    match = re.fullmatch(r"(\d{4})(?:/\d{2,4})?", text or "")
    if not match:
        raise SystemExit(f"{where}: year '{text}' is not a year such as 2010/11")
    return int(match.group(1)), text  # type: ignore[return-value]


def _page(source: str | None) -> str | None:
    if not source:
        return None
    match = re.search(r"\bpp?\.\s?\d+(?:\s?[-–]\s?\d+)?", source)
    return match.group(0) if match else None


def read_rows(path: Path) -> tuple[list[dict], str]:
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    licence = _text(book[LICENCE_CELL[0]][LICENCE_CELL[1]].value) or ""
    rows: list[dict] = []
    for sheet in SHEETS:
        for r, cells in enumerate(book[sheet].iter_rows(min_row=3, max_col=19, values_only=True), start=3):
            cells = tuple(cells) + (None,) * (19 - len(cells))
            code = _text(cells[2])
            if not code:
                continue
            where = f"{sheet}!C{r} ({code})"
            row: dict = {
                "code": code,
                "sheet": sheet,
                "row": r,
                "category": _text(cells[0]),
                "detail": _text(cells[1]),
                "label": _text(cells[3]),
                "unit": _text(cells[4]),
                "agency": [a for a in (_text(cells[5]), _text(cells[6])) if a and a != "-"],
            }
            values = {}
            for name, col in (("fiscal", 7), ("economic", 10), ("social", 13)):
                value = cells[col]
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                if not isinstance(value, (int, float)):
                    raise SystemExit(f"{where}: {name} value '{value}' is not a number")
                year, as_given = _year(cells[col + 1], f"{where} {name} year")
                values[name] = {"value": round(float(value), 2), "price_year": year, "year_as_given": as_given}
            if not values:
                raise SystemExit(f"{where}: no fiscal, economic or social value")
            row.update(values)
            source = _text(cells[16])
            row["source"] = source
            row["page"] = _page(source)
            row["grade"] = GRADES.get(_text(cells[17]) or "", None)
            row["commentary"] = _text(cells[18])
            rows.append(row)
    return rows, licence


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    path = Path(argv[1])
    rows, licence = read_rows(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    body = {
        "version": "1.4",
        "title": "Unit Cost Database v1.4",
        "short": "GMCA UCD v1.4 (2015)",
        "publisher": "New Economy (Greater Manchester), now the Greater Manchester Combined Authority",
        "year": 2015,
        "licence": "CC BY 4.0",
        "licence_quote": licence,
        "licence_location": f"workbook, {LICENCE_CELL[0]} sheet, cell {LICENCE_CELL[1]}",
        "attribution": "Unit Cost Database v1.4, New Economy (now part of the Greater Manchester Combined "
        "Authority), 2015, licensed under CC BY 4.0; values re-based to this tool's GDP deflator.",
        "workbook": {
            "repository": "charlescoverdale/econstack-data",
            "path": "src/gmca-raw/unit-cost-database.xlsx",
            "sha256": digest,
        },
        "rows": rows,
    }
    text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=120)
    OUT.write_text(HEADER + text, encoding="utf-8")
    print(f"wrote {OUT.name}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
