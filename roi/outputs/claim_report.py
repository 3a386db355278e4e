"""The claim-check report: a one-page PDF and an Excel workbook from one :class:`roi.analysis.claims.ClaimCheck`.

Each has the claim as stated, the recomputation like for like, the step table from claimed to
adjusted, the flags, who gets the money in cash and in capacity, and the source of every unit cost,
so a health partner can send the check back to the scheme. Both reuse the board pack's PDF page
and text helpers and the workbook's sheet writer (roi.outputs.export), and show the same figures as the app
and ``python -m roi check-claim``.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import xlsxwriter

from roi.analysis.claims import FIGURE_LABELS, ClaimCheck
from roi.analysis.evidence import plain
from roi.inputs.formats import pounds
from roi.inputs.library import dump_spec
from roi.outputs.documents import BoardPack, latin, sheet_formats, write_sheet


def _percent(value: float) -> str:
    return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-9 else f"{value:.1%}"


STATED_KINDS = {"money": "money", "weeks": "number", "year": "year", "per_pound": "per_pound", "text": "text"}


def claim_as_stated(check: ClaimCheck) -> pd.DataFrame:
    """The claim as the scheme states it, one row a field: ``As stated`` holds the value (a number where it
    is one, for the workbook) and ``Kind`` how to show it (money, weeks, year, per_pound or text)."""
    claim = check.claim
    rows: list[tuple[str, object, str]] = [
        ("Claim", claim.claim, "text"),
        ("Claimed saving", float(claim.claimed_saving), "money"),
        ("Period (weeks)", float(claim.period_weeks), "weeks")
        if claim.period_weeks
        else ("Period (weeks)", "not stated (taken as a year)", "text"),
        ("Price year", claim.price_year, "year")
        if claim.price_year
        else ("Price year", f"not stated ({check.price_year_reason})", "text"),
    ]
    if claim.claimed_on is not None:
        rows.append(("Claim made on", str(claim.claimed_on), "text"))
    rows += [
        ("Deadweight already applied", "yes" if claim.deadweight_applied else "no", "text"),
        ("Attribution already applied", "yes" if claim.attribution_applied else "no", "text"),
    ]
    if claim.ratio_per_pound:
        rows.append(("Return cited (£ per £1)", claim.ratio_per_pound, "per_pound"))
    rows.append(("Source", claim.note or "not given", "text"))
    return pd.DataFrame(rows, columns=["Field", "As stated", "Kind"])


SHARE_COLUMNS = ("Deadweight", "Attribution", "Optimism bias", "Cash share")
SHARE_FIELDS = ("deadweight", "attribution", "optimism_bias", "cashable_share")


def line_table(check: ClaimCheck) -> pd.DataFrame:
    """Each claim line: what it counts, how it is booked, the unit cost used and the judgements applied."""
    lines = check.lines.drop_duplicates("line")
    claim = check.claim
    rows = []
    for row in lines.itertuples():
        saving = claim.savings[row.line]
        rows.append(
            {
                "Line": row.line_label,
                "Unit cost": row.unit_cost_label,
                "Quantity": saving.quantity,
                "Booked to": row.booked_to_label,
                "Booked as": row.booked_as_label,
                "Unit cost used": row.cost_basis_label,
                f"£ per unit ({check.price_year} prices)": row.unit_value,
                "Deadweight": row.deadweight,
                "Attribution": row.attribution,
                "Optimism bias": row.optimism_bias,
                "Cash share": row.cashable_share,
                **{
                    f"Library's {name.lower()}": getattr(row, f"{field}_convention")
                    for name, field in zip(SHARE_COLUMNS, SHARE_FIELDS, strict=True)
                },
            }
        )
    return pd.DataFrame(rows)


# -- PDF ----------------------------------------------------------------------------------------------


class _Report(BoardPack):
    """The board pack's A4 page and drawing helpers, with the claim report's footer."""

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("Helvetica", size=7)
        self.set_text_color(110)
        self.cell(
            0,
            5,
            latin(f"Prevention ROI claim check - {self.pack_title} - {date.today():%d %B %Y} - page 1 of 1"),
            align="C",
        )


def _table(pdf: _Report, rows: list[list[str]], widths: tuple[float, ...], size: float = 7.5) -> None:
    pdf.grid(rows, widths, ("L",) + ("R",) * (len(widths) - 1), size)
    pdf.ln(-0.5)


def pdf(check: ClaimCheck) -> bytes:
    """A one-page A4 PDF of the check, to send back to the scheme."""
    claim = check.claim
    report = _Report(claim.claim)
    report.add_page()
    bottom = report.bottom
    report.heading(f"Claim check: {claim.claim}", 14)
    weeks = f"{check.period_weeks:g} weeks"
    report.para(
        f"Checked on {date.today():%d %B %Y}. Claimed {pounds(check.claimed)} over {weeks}"
        f"{'' if claim.period_weeks else ' (no period stated)'}, at {check.price_year} prices"
        f"{'' if claim.price_year else f' ({check.price_year_reason})'}. "
        f"Source: {(claim.note or 'not given').rstrip('.')}. "
        "Adjusted figures are fiscal savings to public "
        f"bodies a year at {check.current_price_year} prices; economic and social value is shown beside them, "
        "never added in.",
        8,
        70,
    )
    report.heading("The claim as stated", 10)
    lines = line_table(check)
    _table(
        report,
        [["Line", "Quantity", "Booked to", "Booked as", "Unit cost used", "Per unit", "DW / Attr / OB / Cash"]]
        + [
            [
                f"{r['Line']} ({r['Unit cost']})" if r["Unit cost"] != r["Line"] else r["Line"],
                f"{r['Quantity']:,.1f}".removesuffix(".0"),
                r["Booked to"],
                r["Booked as"].split(" (")[0],
                r["Unit cost used"],
                pounds(r[f"£ per unit ({check.price_year} prices)"], True),
                " / ".join(_percent(r[k]) for k in SHARE_COLUMNS),
            ]
            for _, r in lines.iterrows()
        ],
        (52, 14, 24, 22, 22, 16, 32),
        7,
    )
    report.heading("The recomputation, like for like", 10)
    table = check.like_for_like()
    _table(
        report,
        [["Figure", f"The claim's {weeks}", "A year (52 weeks)"]]
        + [[FIGURE_LABELS[r.figure].strip(), pounds(r.period), pounds(r.annual)] for r in table.itertuples()],
        (102, 40, 40),
    )
    report.para(
        f"Defensible, like for like: {pounds(check.adjusted_period)} for the claim's {weeks} "
        f"({check.range_text(period=True)}), against {pounds(check.claimed)} claimed. A year: "
        f"{pounds(check.adjusted)} ({check.range_text()}), of which {pounds(check.cash)} cash and "
        f"{pounds(check.capacity)} capacity freed.",
        8.5,
        20,
    )
    report.heading(f"From claimed to adjusted, step by step (the claim's {weeks})", 10)
    _table(
        report,
        [["Step", "Change", "Running total"], ["Claimed", "", pounds(check.claimed)]]
        + [[r.label, pounds(r.amount), pounds(r.running_total)] for r in check.steps.itertuples()]
        + [["A year (52 weeks), for comparison, not a step: adjusted", "", pounds(check.adjusted)]],
        (122, 30, 30),
    )
    report.heading("Who gets the money, a year", 10)
    money = check.value_by_partner()
    _table(
        report,
        [["Partner", "Fiscal", "Cash", "Capacity", "Economic", "Social"]]
        + [
            [r.partner_label, *(pounds(getattr(r, k)) for k in ("fiscal", "cash", "capacity", "economic", "social"))]
            for r in money.itertuples()
        ],
        (62, 24, 24, 24, 24, 24),
    )
    report.heading("Flags", 10)
    for i, flag in enumerate(check.flags):
        if report.get_y() > bottom - 22:
            report.para(f"(and {len(check.flags) - i} more flags: see the Excel workbook)", 7, 90)
            break
        report.para(f"- {flag.message}", 7.5, 40)
    if not check.flags:
        report.para("No flags: the claim reproduces and is adjusted honestly.", 7.5, 40)
    report.heading("Sources of the unit costs", 10)
    for i, row in enumerate(check.sources.itertuples()):
        if report.get_y() > bottom - 6:
            report.para(f"(and {len(check.sources) - i} more sources: see the Excel workbook)", 6.5, 90)
            break
        year = "" if pd.isna(row.price_year) else f" at {int(row.price_year)} prices"
        report.para(f"{row.label} ({row.used_as}): {pounds(row.value, True)}{year}. {plain(row.source)}", 6.5, 60)
    return bytes(report.output())


# -- Excel ---------------------------------------------------------------------------------------------


def workbook(check: ClaimCheck) -> bytes:
    """An Excel workbook of the check: the claim as stated, like for like, the steps, the flags, who gets
    the money, the lines with their judgements and the library's conventions, and the sources."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = sheet_formats(book)
    weeks = f"{check.period_weeks:g} weeks"
    note = (
        f"{check.claim.claim}. Checked {date.today():%d %B %Y}. Adjusted figures: fiscal savings a year at "
        f"{check.current_price_year} prices; economic and social value beside them, never added in."
    )
    stated = claim_as_stated(check)
    stated = pd.concat(
        [stated, pd.DataFrame([{"Field": "Claim file (YAML)", "As stated": dump_spec(check.claim), "Kind": "text"}])],
        ignore_index=True,
    )
    kinds = {"As stated": [STATED_KINDS[k] for k in stated["Kind"]]}
    write_sheet(book, "Claim as stated", stated[["Field", "As stated"]], formats, note, kinds=kinds)
    table = check.like_for_like()
    write_sheet(
        book,
        "Like for like",
        pd.DataFrame(
            {
                "Figure": table["figure"].map(FIGURE_LABELS).str.strip(),
                f"The claim's {weeks} (£)": table["period"],
                "A year (£)": table["annual"],
            }
        ),
        formats,
        f"The adjusted figure a year: {check.range_text()}; for the claim's {weeks}: {check.range_text(period=True)}.",
    )
    steps = pd.concat(
        [
            pd.DataFrame([{"Step": "Claimed", "Change (£)": None, "Running total (£)": check.claimed}]),
            pd.DataFrame(
                {
                    "Step": check.steps["label"],
                    "Change (£)": check.steps["amount"],
                    "Running total (£)": check.steps["running_total"],
                }
            ),
        ],
        ignore_index=True,
    )
    write_sheet(
        book,
        "Steps",
        steps,
        formats,
        f"Every amount is for the claim's {weeks}. Each step is the change from the row above; down to optimism "
        f"bias they sum to adjusted less claimed. A year (52 weeks), not a step: adjusted {pounds(check.adjusted)}.",
        kinds={"Change (£)": "money", "Running total (£)": "money"},
    )
    write_sheet(
        book,
        "Flags",
        pd.DataFrame(
            {"Flag": [f.code.replace("_", " ") for f in check.flags], "Message": [f.message for f in check.flags]}
        ),
        formats,
    )
    money = check.value_by_partner()
    write_sheet(
        book,
        "Who gets the money",
        pd.DataFrame(
            {
                "Partner": money["partner_label"],
                "Fiscal saving (£)": money["fiscal"],
                "Cash (£)": money["cash"],
                "Capacity freed (£)": money["capacity"],
                "Economic value, not a saving (£)": money["economic"],
                "Social value, not a saving (£)": money["social"],
            }
        ),
        formats,
        "A year, at current prices, after every adjustment.",
    )
    lines = line_table(check)
    shares = [c for c in lines.columns if c in SHARE_COLUMNS or c.startswith("Library's ")]
    write_sheet(book, "Lines", lines, formats, kinds={**dict.fromkeys(shares, "share"), "Quantity": "number"})
    sources = check.sources
    write_sheet(
        book,
        "Sources",
        pd.DataFrame(
            {
                "Unit cost": sources["label"],
                "Used as": sources["used_as"],
                "Value (£)": sources["value"],
                "Price year": sources["price_year"],
                "Source": sources["source"].map(plain),
            }
        ),
        formats,
        check.independent.note if check.independent is not None else None,
        kinds={"Price year": "year"},
    )
    book.close()
    return buffer.getvalue()
