"""Results tables that fit their column on any screen, as real HTML tables.

A canvas grid (``st.dataframe``) keeps every column at its natural width and scrolls sideways: at
1280x720 the last columns of a results table were out of sight, on a phone most of them, and a
printed page cut them off. These tables instead wrap their headers and, when their own column is
too narrow for the full figures, show money compactly (£6.8m for £6,812,345), then leave out the
columns a page marks as secondary. Which form shows is chosen by the browser from the width the
table actually has (a CSS container query), so one table serves a projector, a phone and paper.
Being HTML, a screen reader reads them as tables, with column headers.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from roi.inputs.formats import pounds
from roi.outputs.charts import chart_table, short_pounds

CHAR_PX = 8.2  # width of an average character of the table's text, in pixels
PAD_PX = 14  # a cell's left and right padding together
SHORT_AFTER = 9  # header words are wrapped; a longer word sets the column's narrowest width


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell(value: Any, money: bool) -> tuple[str, str]:
    """A cell's full text and its compact text (the same unless it is money)."""
    if money and not _is_missing(value) and not isinstance(value, str):
        return pounds(value), short_pounds(value)
    text = "-" if _is_missing(value) else str(value)
    return text, text


def _column_px(header: str, texts: Sequence[str]) -> float:
    """The narrowest a column can be: its longest figure (never wrapped) or the longest word of its
    header or of a text cell (wrapped between words)."""
    words = [len(w) for w in re.split(r"\s+", header) if w]
    longest = max([*words, *(len(t) for t in texts)], default=1)
    return longest * CHAR_PX + PAD_PX


def _needed_px(table: pd.DataFrame, cells: dict[str, list[tuple[str, str]]], money: set[str], form: int) -> float:
    total = 0.0
    for column in table.columns:
        texts = [c[form] for c in cells[column]]
        if column not in money:  # text columns wrap between words
            texts = [max(t.split(), key=len, default="") for t in texts]
        total += _column_px(str(column), texts)
    return total


def table_html(
    table: pd.DataFrame,
    key: str,
    money: Sequence[str] = (),
    secondary: Sequence[str] = (),
    caption: str | None = None,
    hidden: bool = False,
) -> str:
    """``table`` as an HTML table with its own container rules. ``money``: columns of pounds (numbers;
    None shows as '-'); ``secondary``: columns left out when even compact money would not fit;
    ``hidden``: for screen readers only (a chart's figures, read out where the chart is seen)."""
    money_set = set(money)
    cells = {c: [_cell(v, c in money_set) for v in table[c]] for c in table.columns}
    full_px = _needed_px(table, cells, money_set, 0)
    short_px = _needed_px(table, cells, money_set, 1)
    name = "t-" + re.sub(r"[^a-z0-9-]", "-", key.lower())
    head = "".join(
        f'<th scope="col" class="{_classes(c, money_set, secondary)}">{html.escape(str(c))}</th>' for c in table.columns
    )
    rows = []
    for i in range(len(table)):
        row = []
        for j, column in enumerate(table.columns):
            full, short = cells[column][i]
            tag = 'th scope="row"' if j == 0 else "td"
            text = html.escape(full)
            if full != short:
                text = f'<span class="m-full">{text}</span><span class="m-short">{html.escape(short)}</span>'
            row.append(f'<{tag} class="{_classes(column, money_set, secondary)}">{text}</{tag.split()[0]}>')
        rows.append("<tr>" + "".join(row) + "</tr>")
    style = (
        f".{name} {{ container: {name} / inline-size; }}"
        f"@container {name} (max-width: {full_px:.0f}px) {{ .fit-table.{name} .m-full {{ display: none; }}"
        f" .fit-table.{name} .m-short {{ display: inline; }} .fit-table.{name} table {{ font-size: 0.82rem; }} }}"
        f"@container {name} (max-width: {short_px:.0f}px) {{ .fit-table.{name} .secondary {{ display: none; }}"
        f" .fit-table.{name} .fit-note {{ display: block; }} }}"
    )
    left_out = [str(c) for c in table.columns if c in secondary]
    note = (
        f'<p class="fit-note">Left out on this narrow screen: {html.escape(", ".join(left_out))}. '
        "Turn the screen sideways, or download the workbook, to see them.</p>"
        if left_out
        else ""
    )
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f"<style>{style}</style>"
        f'<div class="fit-table {name}{" sr-only" if hidden else ""}"><table>{title}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{note}</div>"
    )


def _classes(column: Any, money: set[str], secondary: Sequence[str]) -> str:
    parts = ["num" if column in money else "text"]
    if column in secondary:
        parts.append("secondary")
    return " ".join(parts)


def chart_figures(spec: dict, key: str) -> None:
    """A chart's figures as a table that a screen reader reaches right after the chart (the chart's
    description says so), out of sight on the screen."""
    table = chart_table(spec)
    if table is None:
        return
    title = str(spec.get("description", "Chart")).split(". Its figures")[0]
    st.html(table_html(table, f"{key}-figures", caption=f"Figures in the chart: {title}", hidden=True))


def fit_table(
    table: pd.DataFrame,
    key: str,
    money: Sequence[str] = (),
    secondary: Sequence[str] = (),
    caption: str | None = None,
) -> None:
    """Draw ``table`` (first column: the row's name) so that it fits its column: see the module's note."""
    st.html(table_html(table, key, money, secondary, caption))
