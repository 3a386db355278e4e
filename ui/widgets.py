"""Small display helpers shared by pages: headline tiles, chart display, notes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import streamlit as st

import roi
from roi.engine.model import per_pound, pounds
from roi.inputs.schema import ScenarioSpec
from roi.outputs import charts

from .text import md

STYLE = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")


def page_style() -> None:
    """The stylesheet every page shares: tiles and chosen options wrap rather than truncate, narrower
    side margins on a phone, and a print view (Ctrl+P) without the sidebar, header or buttons."""
    st.html(f"<style>{STYLE}</style>")


def payback_text(result: roi.Result, year: int | None) -> str:
    """'Year 3 (2027/28)', or 'Not within 10 years': the same words as the board pack and workbook."""
    return roi.analysis.summary.year_label(result, year)


def tiles(result: roi.Result) -> None:
    """The headline tiles: what is invested, what comes back as cash and as capacity, NPV, returns
    per £1 and paybacks, cash first. A line below makes them add up."""
    totals = result.totals
    top = st.columns(4)
    top[0].metric(
        "Investment",
        pounds(totals["pv_costs"]),
        help="Present value of every funder's costs, including the optimism-bias uplift on costs.",
    )
    top[1].metric(
        "Cash savings",
        pounds(totals["pv_cashable"]),
        help="Spending a public body actually stops (fiscal, cashable), present value.",
    )
    top[2].metric(
        "Freed capacity",
        pounds(totals["pv_non_cashable"]),
        help="Bed-days, admissions and appointments freed for other patients (fiscal, non-cashable): "
        "cash only where beds close or planned spending stops.",
    )
    headline = "Median NPV" if totals["headline"] == "median" else "Net present value"
    top[3].metric(
        headline,
        pounds(totals["headline_npv"]),
        help="Present value of all benefits (cash, capacity, economic and social) less costs.",
    )
    bottom = st.columns(4)
    bottom[0].metric(
        "Cash back per £1",
        per_pound(totals["cash_roi"]),
        help="Cash savings per £1 invested. Freed capacity, economic and social value are not in it.",
    )
    bottom[1].metric(
        "Cash and capacity per £1",
        per_pound(totals["fiscal_roi"]),
        help="Fiscal savings (cash and freed capacity) per £1 invested.",
    )
    bottom[2].metric(
        "Pays back in cash",
        payback_text(result, totals["cash_payback_year"]),
        help="First year by whose end discounted cash savings alone cover discounted costs.",
    )
    bottom[3].metric(
        "Pays back with capacity",
        payback_text(result, totals["payback_year"]),
        help="First year by whose end discounted cash and freed capacity cover discounted costs.",
    )
    st.caption(roi.analysis.summary.reconciliation(result))
    sentence = roi.analysis.summary.range_sentence(result)
    if totals["central_outside_iqr"]:
        st.warning(sentence, icon=":material/warning:")
    else:
        st.caption(sentence)


def partner_positions_table(result: roi.Result):  # noqa: ANN201 - a DataFrame
    """Each partner's position as numbers (None where a partner is not a public body): puts in, cash
    back, capacity freed, economic and social value (individuals' and the wider economy's, never a
    saving), cash position, and the year it pays back on its own."""
    import pandas as pd

    rows = roi.analysis.summary.partner_positions(result)
    rows = rows[rows[["pv_costs", "cash", "capacity", "other_value"]].abs().max(axis=1) > 0.5]
    public = list(rows["fiscal_body"])
    return pd.DataFrame(
        {
            "Partner": list(rows["label"]),
            "Puts in": list(rows["pv_costs"]),
            "Cash back": [v if p else None for v, p in zip(rows["cash"], public, strict=True)],
            "Capacity freed": [v if p else None for v, p in zip(rows["capacity"], public, strict=True)],
            "Economic and social value": list(rows["other_value"]),
            "Cash position": list(rows["cash_npv"]),
            "Pays back (own)": [
                payback_text(result, None if pd.isna(year) else int(year)) if paid > 0.5 else "Pays nothing"
                for year, paid in zip(rows["payback_year"], rows["pv_costs"], strict=True)
            ],
        }
    )


PARTNER_MONEY = ("Puts in", "Cash back", "Capacity freed", "Economic and social value", "Cash position")


def partner_table(result: roi.Result, key: str = "partners", columns: tuple[str, ...] | None = None) -> None:
    """Each partner's position in a table that fits its column (ui/tables.py); ``columns``: a subset
    to show (the Partner column always comes first). On a narrow screen economic and social value and
    the own payback year give way first."""
    from .tables import fit_table

    table = partner_positions_table(result)
    if columns is not None:
        table = table[["Partner", *columns]]
    fit_table(
        table,
        key,
        money=[c for c in PARTNER_MONEY if c in table.columns],
        secondary=("Economic and social value", "Pays back (own)"),
        caption="What each partner puts in and gets back (present values)",
    )


def chart(figure: alt.TopLevelMixin, key: str | None = None) -> None:
    """An Altair chart across its column, followed by its figures for screen readers."""
    from .tables import chart_figures

    spec = figure.to_dict()
    st.vega_lite_chart(spec, width="stretch", theme=None, key=key)
    chart_figures(spec, key or "chart")


def result_chart(spec: ScenarioSpec, builder: str, *args: Any, key: str | None = None, **options: Any) -> None:
    """``roi.outputs.charts.<builder>(result, *args, **options)`` for the scenario ``spec``, drawn like
    :func:`chart`. The chart's Vega-Lite is built once per scenario and arguments and kept for every
    session: building an Altair chart (its schema checks) costs the server more than the rest of a
    page, and a board's members all open the same scenario."""
    figure = _chart_spec(builder, spec.model_dump_json(), args, tuple(sorted(options.items())))
    st.vega_lite_chart(figure, width="stretch", theme=None, key=key)
    from .tables import chart_figures

    chart_figures(figure, key or builder)


@st.cache_data(max_entries=512, show_spinner=False)
def _chart_spec(builder: str, spec_json: str, args: tuple, options: tuple) -> dict[str, Any]:
    from .frame import compute  # the frame draws with these helpers

    result = compute(ScenarioSpec.model_validate_json(spec_json))
    return getattr(charts, builder)(result, *args, **dict(options)).to_dict()


def local_example_note(result: roi.Result) -> None:
    count, total = roi.analysis.summary.local_example_count(result)
    if count:
        st.warning(
            f"{count} of the {total} figures behind this scenario are **local judgements** with no published "
            "source (some volumes, costs and adjustments). Agree them with your partners, or replace them with "
            "your own figures on *Assumptions and evidence*, before you take the result to a board.",
            icon=":material/label:",
        )


def export_buttons(result: roi.Result, name: str) -> None:
    """Download buttons for the board: Excel workbook, PDF board pack, scenario YAML."""
    from roi.outputs import export
    from ui.saved import export_label

    stem, document = export_label(name or "scenario")  # a saved document: its name, version and author
    cols = st.columns(3)
    cols[0].download_button(
        "Excel workbook",
        data=lambda: export.workbook(result, document=document),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/table_view:",
        width="stretch",
    )
    cols[1].download_button(
        "Board pack (PDF)",
        data=lambda: export.board_pack(result, document=document),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        width="stretch",
    )
    cols[2].download_button(
        "Scenario (YAML)",
        data=roi.dump_spec(result.scenario.spec),
        file_name=f"{stem}.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )


def npv_effects(table: Any) -> list[str]:
    """The words for ``roi.analysis.compare.differences``' effects: pounds, "cannot be applied alone", or, past
    its time budget, "not valued (time limit)"."""
    valued = table.attrs.get("valued", len(table))
    return [
        "not valued (time limit)" if row >= valued else "cannot be applied alone" if v is None or v != v else pounds(v)
        for row, v in enumerate(table["npv_effect"])
    ]


def unbroken(frame: Any) -> Any:
    """A table's text with a negative amount kept on one line when its cell wraps ('-£207,608' broke
    after the minus sign on a phone): a word joiner, which takes no width, after each '-£'."""
    return frame.map(lambda v: v.replace("-£", "-\u2060£") if isinstance(v, str) else v)


def differences_table(table: Any, first: str, second: str, wrap: bool = False) -> None:
    """A ``roi.analysis.compare.differences`` table (Compare, History, a save conflict): each input, its value in
    ``first`` and ``second``, the NPV it alone moves, and a note if the time budget cut it short.
    ``wrap``: a static table whose cells wrap, so it fits a phone's width without sideways scrolling."""
    from roi.analysis.compare import stopped_note

    shown = table.assign(npv_effect=npv_effects(table))
    columns = {"input": "Input", "first": first, "second": second, "npv_effect": "Moves NPV by"}
    if wrap:
        st.table(unbroken(shown.rename(columns=columns).set_index("Input")))
    else:
        st.dataframe(shown.rename(columns=columns), hide_index=True, width="stretch")
    if stopped_note(table):
        st.caption(stopped_note(table))


def read_upload(upload, parse, unchanged: str):  # noqa: ANN001, ANN201 - an UploadedFile and a roi parser
    """Read an uploaded file once with ``parse(bytes, name)`` and return what it parses to; None while
    there is no file, after its first reading, or when it is refused. A file over 1 MB is refused, as
    is one ``parse`` refuses (an InputError: file, field, allowed range); the reason, with what stays
    ``unchanged``, is shown for as long as the file stays in its uploader. Read once, a file left in
    its uploader never undoes the changes made after it was opened."""
    if upload is None:
        return None
    problems = st.session_state.setdefault("upload-problems", {})  # file id -> the reason it was refused
    if upload.file_id not in problems:
        problems[upload.file_id] = None
        if upload.size > roi.inputs.library.MAX_FILE_BYTES:
            problems[upload.file_id] = f"{upload.name}: the file is {upload.size:,} bytes; the limit is 1 MB."
        else:
            try:
                return parse(upload.getvalue(), upload.name)
            except roi.InputError as error:
                problems[upload.file_id] = str(error) if str(error).endswith((".", "?", "!")) else f"{error}."
    if problems[upload.file_id]:
        st.error(f"{md(problems[upload.file_id])} {unchanged}", icon=":material/warning:")
    return None
