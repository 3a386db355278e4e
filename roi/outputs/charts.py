"""Altair chart builders from result tables. No Streamlit: the pages and the exports share them.

One palette of partner colours and one of value-type colours, both colour-blind safe (Paul Tol's
muted scheme and Okabe-Ito), so a partner is the same colour on every chart and in every export.
Axes are in pounds; tooltips carry exact figures formatted in pandas.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from roi.engine.model import Result
from roi.inputs.formats import pounds
from roi.inputs.schema import VALUE_TYPES

PARTNER_COLOURS = {
    "district": "#332288",
    "county_asc": "#117733",
    "nhs_acute": "#88CCEE",
    "nhs_primary_care": "#44AA99",
    "nhs_community_mh": "#DDCC77",
    "nhs_ambulance": "#CC6677",
    "police": "#AA4499",
    "fire": "#882255",
    "dwp": "#999933",
    "individuals": "#BBBBBB",
    "wider_economy": "#777777",
}
OTHER_PARTNER_COLOUR = "#555555"
VALUE_TYPE_LABELS = {
    "fiscal_cashable": "Cashable saving",
    "fiscal_non_cashable": "Non-cashable (capacity freed)",
    "economic": "Economic value",
    "social": "Social value",
}
VALUE_TYPE_COLOURS = {
    "fiscal_cashable": "#0072B2",
    "fiscal_non_cashable": "#56B4E9",
    "economic": "#E69F00",
    "social": "#009E73",
}
# Vega expression for a pound axis: £1.2m, £350k, -£40k.
POUND_AXIS = (
    "(datum.value < 0 ? '-£' : '£') + (abs(datum.value) >= 1e6 ? format(abs(datum.value) / 1e6, ',.1f') + 'm' : "
    "abs(datum.value) >= 1e3 ? format(abs(datum.value) / 1e3, ',.0f') + 'k' : format(abs(datum.value), ',.0f'))"
)
FONT_SIZE = 14
# Charts fit their container's width, from a phone (about 360 pixels) to a projector; these Vega
# expressions read the chart's width so labels, legends and values adapt to it.
NARROW = "width < 520"
LABEL_LIMIT = 220  # partner names; a fixed limit (one that depends on the width upsets the layout)
TICKS = {"expr": "max(2, min(10, floor(width / 90)))"}
# An axis label within this many pixels of a chart's end is aligned inside it, not centred on its tick
# (a tail of draws can put a tick a few pixels from the edge, and a centred label would be clipped).
FLUSH_PX = 40
LEGEND_COLUMNS = 1  # one entry a line: never wider than a phone (Vega does not wrap legends)


def wrap(text: str, width: int = 34) -> list[str]:
    """A title as lines short enough for a phone (Vega does not wrap titles itself)."""
    import textwrap

    return textwrap.wrap(text, width) or [text]


AXIS_LINE_BREAK = "|"  # multi-line axis labels: the label's lines joined by this, split by LINES_AXIS
LINES_AXIS = f"split(datum.label, '{AXIS_LINE_BREAK}')"


def axis_lines(labels: list[str], width: int = 30, max_lines: int = 3) -> list[str]:
    """Each label as up to ``max_lines`` lines of about ``width`` characters, joined by
    AXIS_LINE_BREAK, so that no two labels read alike: a label too long for its lines ends with '…',
    and where two shortened labels would read the same, both are shown whole."""
    import textwrap

    def lines(text: str, limit: int | None) -> str:
        text = text.replace(AXIS_LINE_BREAK, "/")
        if limit is not None and ": " in text:
            # 'subject: measure': shorten the subject and keep the measure, which tells parameters apart
            subject, measure = text.rsplit(": ", 1)
            if len(textwrap.wrap(text, width)) > limit and " (with " in measure:
                measure = measure.split(" (with ")[0] + " (with \u2026)"  # what it is paired with: tooltip
                text = f"{subject}: {measure}"
            room = len(subject)
            while room > 12 and len(textwrap.wrap(text, width)) > limit:
                room -= 4
                text = f"{subject[:room].rstrip(' ,')}\u2026: {measure}"
        wrapped = textwrap.wrap(text, width) or [text]
        if limit is not None and len(wrapped) > limit:
            wrapped = wrapped[:limit]
            wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "\u2026"
        return AXIS_LINE_BREAK.join(wrapped)

    short = [lines(label, max_lines) for label in labels]
    return [lines(label, None) if short.count(s) > 1 else s for label, s in zip(labels, short, strict=True)]


def short_pounds(value: float) -> str:
    """£1.2m, £350k, -£40k: for labels where the exact figure will not fit."""
    sign = "-" if value < -0.5 else ""
    value = abs(value)
    if value >= 1e6:
        return f"{sign}£{value / 1e6:,.1f}m"
    if value >= 1e3:
        return f"{sign}£{value / 1e3:,.0f}k"
    return f"{sign}£{value:,.0f}"


def pound_ticks(values: np.ndarray | list[float], most: int = 5) -> tuple[list[float], str]:
    """Regular ticks for a pound axis and the Vega label expression for them: at most ``most``
    ticks one round step apart (1, 2, 2.5 or 5 times a power of ten), zero among them, covering the
    values, every label in one unit (£m, £k or £) with as few decimals as keep labels distinct."""
    data = np.asarray(values, dtype=float)
    low, high = min(0.0, float(data.min(initial=0.0))), max(0.0, float(data.max(initial=0.0)))
    if high - low < 1.0:  # nothing (or pennies) to show: an axis from £0 to £1
        high = max(high, low + 1.0)
    span = high - low
    step = _round_step(span / max(1, most - 1))
    while math.ceil(high / step - 1e-9) - math.floor(low / step + 1e-9) + 1 > most:
        step = _round_step(step * 1.0001)
    ticks = [k * step for k in range(math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9) + 1)]
    biggest = max(abs(t) for t in ticks)
    unit, scale = ("m", 1e6) if biggest >= 1e6 else ("k", 1e3) if biggest >= 1e3 else ("", 1.0)
    decimals = next(d for d in range(4) if all(abs(round(t / scale, d) - t / scale) < 1e-9 for t in ticks))
    expr = (
        f"datum.value == 0 ? '£0' : (datum.value < 0 ? '-£' : '£') + "
        f"format(abs(datum.value) / {scale:g}, ',.{decimals}f') + '{unit}'"
    )
    return ticks, expr


def _round_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``raw``."""
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-12))


def pound_axis(values: np.ndarray | list[float], title: str, most: int = 5) -> tuple[alt.Axis, alt.Scale]:
    """An axis and scale in pounds with the regular ticks of :func:`pound_ticks`, the scale ending
    on the outer ticks (so labels never crowd at the ends)."""
    ticks, expr = pound_ticks(values, most)
    # On a narrow chart every other label goes ('parity'), so those left stay evenly spaced.
    axis = alt.Axis(values=ticks, labelExpr=expr, title=title, labelOverlap="parity")
    return axis, alt.Scale(domain=[ticks[0], ticks[-1]], nice=False, zero=True)


def partner_scale(result: Result, ids: list[str]) -> alt.Scale:
    """Colour scale over partner labels that keeps each partner's colour fixed."""
    partners = result.scenario.library.partners
    return alt.Scale(
        domain=[partners[p].label for p in ids], range=[PARTNER_COLOURS.get(p, OTHER_PARTNER_COLOUR) for p in ids]
    )


def _title_text(chart: alt.TopLevelMixin) -> str:
    """A chart's title and subtitle as one line of text ('' if it has none)."""
    title = chart.to_dict(validate=False).get("title")
    if isinstance(title, dict):
        parts = [title.get("text"), title.get("subtitle")]
    else:
        parts = [title]
    lines = [line for part in parts if part for line in ([part] if isinstance(part, str) else part)]
    return " ".join(lines)


def finish(chart: alt.TopLevelMixin, description: str | None = None) -> alt.TopLevelMixin:
    """Every chart's common look, and its ``description``: what the chart shows, which Vega-Lite makes
    the drawing's accessible name (default: its title), saying where its figures are as a table."""
    # Fit the width to the container but keep the stated height for the plot itself, so titles and
    # rotated labels add to the height rather than squashing the plot.
    # Labels that would overlap are dropped (fewer axis labels on a phone); the end labels of a
    # continuous axis sit inside the plot rather than past its edge.
    said = description or _title_text(chart) or "Chart"
    chart = chart.properties(
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        description=f"{said.rstrip('.')}. Its figures are in the table that follows it.",
    )
    return (
        chart.configure_axis(labelFontSize=FONT_SIZE - 1, titleFontSize=FONT_SIZE, labelOverlap="greedy")
        .configure_axisX(labelFlush=FLUSH_PX, labelBound=True)
        .configure_legend(labelFontSize=FONT_SIZE - 1, titleFontSize=FONT_SIZE, labelLimit=LABEL_LIMIT)
        .configure_title(fontSize=FONT_SIZE + 2, anchor="start", subtitleFontSize=FONT_SIZE - 1)
    )


def chart_table(spec: dict) -> pd.DataFrame | None:
    """The figures a chart shows, for people who cannot see it: the rows of its data under the titles
    of its tooltip, which every chart here gives in words (formatted pounds, partner labels).
    ``spec``: the chart's Vega-Lite as a dict. None for a chart without a tooltip."""
    datasets = spec.get("datasets", {})
    for part in [spec, *spec.get("layer", [])]:
        tooltip = part.get("encoding", {}).get("tooltip")
        data = part.get("data") or spec.get("data") or {}
        if not tooltip or data.get("name") not in datasets:
            continue
        fields = tooltip if isinstance(tooltip, list) else [tooltip]
        frame = pd.DataFrame(datasets[data["name"]])
        table = frame[[field["field"] for field in fields]].copy()
        table.columns = [field.get("title", field["field"]) for field in fields]
        return table
    return None


def savings_by_partner(result: Result, width: int | str = "container", height: int | None = None) -> alt.Chart:
    """Horizontal stacked bars: PV benefits each partner receives, by value type. ``height``: of the
    plot in pixels (default: by the number of partners)."""
    table = result.by_partner()
    rows = []
    for row in table.itertuples():
        for value_type in VALUE_TYPES:
            amount = getattr(row, f"pv_{value_type}")
            if abs(amount) > 0.005:
                rows.append(
                    {
                        "partner": row.label,
                        "value_type": VALUE_TYPE_LABELS[value_type],
                        "pv": amount,
                        "pv_text": pounds(amount),
                        "total_text": pounds(row.pv_benefits),
                    }
                )
    data = pd.DataFrame(rows, columns=["partner", "value_type", "pv", "pv_text", "total_text"])
    order = table.sort_values("pv_benefits", ascending=False)["label"].tolist()
    chart = (
        alt.Chart(data)
        .mark_bar(size=min(40, int(0.7 * (height or 46 * len(order)) / max(1, len(order)))))
        .encode(
            y=alt.Y("partner:N", sort=order, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            x=alt.X("pv:Q", title="Present value of benefits", axis=alt.Axis(labelExpr=POUND_AXIS, tickCount=TICKS)),
            color=alt.Color(
                "value_type:N",
                title="Value type",
                scale=alt.Scale(
                    domain=[VALUE_TYPE_LABELS[v] for v in VALUE_TYPES],
                    range=[VALUE_TYPE_COLOURS[v] for v in VALUE_TYPES],
                ),
                # Short names, so the legend fits under the bars on a phone; tooltips give the full ones.
                legend=alt.Legend(
                    orient="bottom",
                    columns=LEGEND_COLUMNS,
                    labelExpr="datum.label == 'Non-cashable (capacity freed)' ? 'Capacity freed' : "
                    "datum.label == 'Cashable saving' ? 'Cash saving' : datum.label",
                ),
            ),
            order=alt.Order("value_type:N"),
            tooltip=[
                alt.Tooltip("partner:N", title="Partner"),
                alt.Tooltip("value_type:N", title="Value type"),
                alt.Tooltip("pv_text:N", title="Present value"),
                alt.Tooltip("total_text:N", title="Partner total"),
            ],
        )
        .properties(
            title=alt.TitleParams(
                "Who saves", subtitle=wrap("Present value of benefits each partner receives, by value type", 34)
            ),
            width=width,
            height=height or max(160, 46 * len(order)),
        )
    )
    return finish(chart, "Present value of the benefits each partner receives, by value type")


def who_pays_who_saves(
    result: Result,
    value_types: tuple[str, ...] = VALUE_TYPES,
    width: int | str = "container",
    height: int | None = None,
) -> alt.Chart:
    """Heatmap of funding partner (rows) x benefiting partner (columns), PV, with the figures on it."""
    partners = result.scenario.library.partners
    matrix = result.who_pays_who_saves(value_types)
    long = matrix.reset_index().melt(id_vars="funder", var_name="beneficiary", value_name="pv")
    long["funder_label"] = long["funder"].map(lambda p: partners[p].label)
    long["beneficiary_label"] = long["beneficiary"].map(lambda p: partners[p].label)
    long["pv_text"] = long["pv"].map(pounds)
    long["pv_short"] = long["pv"].map(short_pounds)
    peak = float(long["pv"].abs().max() or 1.0)
    height = height or max(150, 70 * len(matrix.index))
    columns = max(1, len(matrix.columns))
    # Values only where they fit: the exact figure in a wide cell, £1.2m in a narrow one, none in a
    # cell too narrow for either (the tooltip still has it).
    cell = f"(width / {columns})"
    base = (
        alt.Chart(long)
        .properties(width=width, height=height)
        .encode(
            x=alt.X(
                "beneficiary_label:N",
                title="Who saves",
                sort=[partners[p].label for p in matrix.columns],
                axis=alt.Axis(labelAngle={"expr": f"{NARROW} ? -90 : -30"}, labelLimit=LABEL_LIMIT, labelOverlap=False),
            ),
            y=alt.Y(
                "funder_label:N",
                title="Who pays",
                sort=[partners[p].label for p in matrix.index],
                axis=alt.Axis(labelLimit=LABEL_LIMIT),
            ),
        )
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "pv:Q",
            title="Present value",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(labelExpr=POUND_AXIS, orient="bottom", direction="horizontal", gradientLength=200),
        ),
        tooltip=[
            alt.Tooltip("funder_label:N", title="Paid for by"),
            alt.Tooltip("beneficiary_label:N", title="Saved by"),
            alt.Tooltip("pv_text:N", title="Present value"),
        ],
    )
    ink = alt.condition(alt.datum.pv > 0.55 * peak, alt.value("white"), alt.value("black"))
    full = base.mark_text(fontSize=FONT_SIZE - 1, fontWeight="bold").encode(
        text="pv_text:N",
        color=ink,
        opacity=alt.condition(f"{cell} >= 96", alt.value(1), alt.value(0)),
    )
    short = base.mark_text(fontSize=FONT_SIZE - 2, fontWeight="bold").encode(
        text="pv_short:N",
        color=ink,
        opacity=alt.condition(f"{cell} >= 48 && {cell} < 96", alt.value(1), alt.value(0)),
    )
    title = alt.TitleParams(
        "Who pays, who saves",
        subtitle=wrap("Benefits of each funder's spending (rows), by the partner that receives them (columns)", 34),
    )
    return finish((cells + full + short).properties(title=title))


def waterfall(
    steps: pd.DataFrame, title: str = "From gross benefit to net present value", width: int | str = "container"
) -> alt.LayerChart:
    """Bars from gross benefit through each adjustment to NPV. ``steps``: step, amount (signed £)."""
    data = steps.copy()
    data["end"] = data["amount"].cumsum()
    data["start"] = data["end"] - data["amount"]
    net = float(data["end"].iloc[-1])
    # at most four regular ticks: they never collide, even on a phone
    axis, scale = pound_axis([*data["start"], *data["end"], net], "£, present value", most=4)
    data = pd.concat(
        [data, pd.DataFrame([{"step": "Net present value", "amount": net, "start": 0.0, "end": net}])],
        ignore_index=True,
    )
    data["kind"] = [
        "Gross benefit"
        if i == 0
        else "Net present value"
        if i == len(data) - 1
        else "Increase"
        if a >= 0
        else "Reduction"
        for i, a in enumerate(data["amount"])
    ]
    data["amount_text"] = data["amount"].map(pounds)
    # Horizontal, with each step's amount in its label: reads the same on a phone and a projector,
    # and no value label can collide with a bar or run past the edge.
    data["label"] = [f"{step}: {text}" for step, text in zip(data["step"], data["amount_text"], strict=True)]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=list(data["label"]), title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            x=alt.X("start:Q", axis=axis, scale=scale),
            x2="end:Q",
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(
                    domain=["Gross benefit", "Reduction", "Increase", "Net present value"],
                    range=["#0072B2", "#D55E00", "#009E73", "#332288"],
                ),
                legend=alt.Legend(orient="bottom", columns=LEGEND_COLUMNS),
            ),
            tooltip=[alt.Tooltip("step:N", title="Step"), alt.Tooltip("amount_text:N", title="Amount")],
        )
        .properties(width=width, height=34 * len(data))
    )
    return finish(bars.properties(title=wrap(title, 34)))


def partner_waterfall(result: Result, partner: str | None, title: str) -> alt.LayerChart:
    """:func:`waterfall` of one partner's benefits (or everyone's, with ``partner`` None)."""
    return waterfall(result.waterfall(partner), title=title)


def cash_flows_by_partner(result: Result, width: int | str = "container", partner: str | None = None) -> alt.Chart:
    """Undiscounted net cash flow of each partner (or of one ``partner``) in each financial year
    (benefits less costs)."""
    flows = result.by_partner_year()
    if partner is not None:
        flows = flows[flows["partner"] == partner]
    net = flows.groupby(["partner", "label", "year", "financial_year"], as_index=False)["amount"].sum()
    net["amount_text"] = net["amount"].map(pounds)
    axis, scale = pound_axis(net["amount"], "Net cash flow (undiscounted)", most=6)
    ids = [p for p in result.scenario.library.partners if p in set(net["partner"])]
    chart = (
        alt.Chart(net)
        .mark_bar()
        .encode(
            x=alt.X(
                "financial_year:N",
                title="Financial year",
                sort=sorted(set(net["financial_year"])),
                axis=alt.Axis(labelAngle={"expr": f"{NARROW} ? -45 : 0"}),
            ),
            xOffset=alt.XOffset("label:N", sort=[result.scenario.library.partners[p].label for p in ids]),
            y=alt.Y("amount:Q", axis=axis, scale=scale),
            color=alt.Color(
                "label:N",
                title="Partner",
                scale=partner_scale(result, ids),
                legend=alt.Legend(orient="bottom", columns=LEGEND_COLUMNS),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Partner"),
                alt.Tooltip("financial_year:N", title="Year"),
                alt.Tooltip("amount_text:N", title="Benefits less costs"),
            ],
        )
        .properties(title=wrap("Year by year: each partner's benefits less its costs", 34), width=width, height=340)
    )
    return finish(chart, "Benefits less costs for each partner, year by year (undiscounted)")


def distribution(
    values: pd.Series,
    percentiles: dict[str, float | None],
    title: str,
    axis_title: str,
    money: bool = True,
    width: int | str = "container",
) -> alt.LayerChart:
    """Histogram of simulated values with P10, P50 and P90 marked."""
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    # The histogram is counted here (not by Vega's binning) so the axis is a plain number line whose
    # end labels stay inside the plot.
    counts, edges = np.histogram(finite, bins=50) if finite.size else (np.zeros(0), np.zeros(1))
    text = pounds if money else (lambda v: f"{v:,.2f}")
    data = pd.DataFrame(
        {
            "start": edges[:-1],
            "end": edges[1:],
            "count": counts,
            "zero": 0,
            "range": [f"{text(a)} to {text(b)}" for a, b in zip(edges[:-1], edges[1:], strict=True)],
        }
    )
    label = POUND_AXIS if money else "format(datum.value, ',.2f')"
    bars = (
        alt.Chart(data)
        .mark_bar(color=VALUE_TYPE_COLOURS["fiscal_non_cashable"])
        .encode(
            x=alt.X(
                "start:Q",
                title=axis_title,
                scale=alt.Scale(zero=False, nice=False),
                axis=alt.Axis(labelExpr=label, tickCount=TICKS, labelFlush=FLUSH_PX),
            ),
            x2="end:Q",
            y=alt.Y("count:Q", title="Simulations"),
            y2="zero:Q",
            tooltip=[alt.Tooltip("range:N", title="Between"), alt.Tooltip("count:Q", title="Simulations")],
        )
    )
    marks = pd.DataFrame(
        [
            {"name": k.upper(), "value": v, "text": f"{k.upper()}: {pounds(v) if money else f'{v:,.2f}'}"}
            for k, v in percentiles.items()
            if v is not None
        ]
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(color="#D55E00", strokeWidth=2, strokeDash=[6, 3])
        .encode(x="value:Q", tooltip=[alt.Tooltip("text:N", title="Percentile")])
    )
    subtitle = ["Dashed lines:", *marks["text"]] if len(marks) else ""
    return finish(
        (bars + rules).properties(
            title=alt.TitleParams(wrap(title, 34), subtitle=subtitle, subtitleColor="#A0410D"),
            width=width,
            height=300,
        )
    )


def partner_ranges(
    table: pd.DataFrame, result: Result, width: int | str = "container", height: int | None = None
) -> alt.LayerChart:
    """P10-P90 range and P50 of each partner's NPV. ``table``: partner, label, p10, p50, p90."""
    data = table.copy()
    for column in ("p10", "p50", "p90"):
        data[f"{column}_text"] = data[column].map(pounds)
    ids = data["partner"].tolist()
    base = (
        alt.Chart(data)
        .properties(width=width, height=height or max(140, 50 * len(ids)))
        .encode(
            y=alt.Y(
                "label:N",
                title=None,
                sort=[result.scenario.library.partners[p].label for p in ids],
                axis=alt.Axis(labelLimit=LABEL_LIMIT),
            )
        )
    )
    tooltip = [
        alt.Tooltip("label:N", title="Partner"),
        alt.Tooltip("p10_text:N", title="P10"),
        alt.Tooltip("p50_text:N", title="P50"),
        alt.Tooltip("p90_text:N", title="P90"),
    ]
    bars = base.mark_bar(height=16, opacity=0.55).encode(
        x=alt.X(
            "p10:Q",
            title="Net present value",
            axis=alt.Axis(labelExpr=POUND_AXIS, tickCount=TICKS),
        ),
        x2="p90:Q",
        color=alt.Color("label:N", scale=partner_scale(result, ids), legend=None),
        tooltip=tooltip,
    )
    points = base.mark_tick(thickness=3, size=26, color="black").encode(x="p50:Q", tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#555555").encode(x="x:Q")
    title = alt.TitleParams(
        wrap("Range of each partner's net present value", 34), subtitle=["Bars: P10 to P90; black tick: P50"]
    )
    return finish((bars + points + zero).properties(title=title))


def tornado(table: pd.DataFrame, base_npv: float, top: int = 12, width: int | str = "container") -> alt.LayerChart:
    """Bars from NPV at each parameter's low to NPV at its high, largest swing on top."""
    data = table.head(top).copy()
    data["npv_low_text"] = data["npv_low"].map(pounds)
    data["npv_high_text"] = data["npv_high"].map(pounds)
    data["swing_text"] = data["swing"].map(pounds)
    # Long parameter names wrap onto up to three lines; the full name is in the tooltip.
    data["axis_label"] = axis_lines(data["parameter"].tolist())
    order = data["axis_label"].tolist()
    lines = sum(label.count(AXIS_LINE_BREAK) + 1 for label in order)
    bars = (
        alt.Chart(data)
        .mark_bar(color=VALUE_TYPE_COLOURS["fiscal_cashable"])
        .encode(
            y=alt.Y(
                "axis_label:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelExpr=LINES_AXIS, labelLimit=0, labelPadding=6, labelOverlap=False),
            ),
            x=alt.X(
                "npv_low:Q",
                title="Net present value",
                scale=alt.Scale(zero=False),
                axis=alt.Axis(labelExpr=POUND_AXIS, tickCount=TICKS),
            ),
            x2="npv_high:Q",
            tooltip=[
                alt.Tooltip("parameter:N", title="Parameter"),
                alt.Tooltip("npv_low_text:N", title="NPV at low"),
                alt.Tooltip("npv_high_text:N", title="NPV at high"),
                alt.Tooltip("swing_text:N", title="Swing"),
            ],
        )
        .properties(width=width, height=max(160, 12 * len(order) + 17 * lines))
    )
    rule = alt.Chart(pd.DataFrame({"x": [base_npv]})).mark_rule(color="black", strokeWidth=2).encode(x="x:Q")
    return finish(
        (bars + rule).properties(
            title=alt.TitleParams(
                wrap("Which assumptions matter most", 34),
                subtitle=wrap("Net present value with each parameter at its low and its high, others central", 44),
            )
        )
    )


def scenarios_by_partner(
    long: pd.DataFrame, result: Result, order: list[str], width: int | str = "container"
) -> alt.Chart:
    """Fiscal savings by partner, one bar per scenario. ``long``: scenario, partner, label, pv_fiscal
    (from :func:`roi.analysis.compare.by_partner`); ``result`` gives the partner order; ``order`` the scenarios'."""
    data = long.assign(pv_text=long["pv_fiscal"].map(pounds))
    partners = result.scenario.library.partners
    ids = [p for p in partners if p in set(data["partner"])]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                "label:N", title=None, sort=[partners[p].label for p in ids], axis=alt.Axis(labelLimit=LABEL_LIMIT)
            ),
            yOffset=alt.YOffset("scenario:N", sort=order),
            x=alt.X(
                "pv_fiscal:Q",
                title="Fiscal savings (present value)",
                axis=alt.Axis(labelExpr=POUND_AXIS, tickCount=TICKS),
            ),
            color=alt.Color(
                "scenario:N",
                sort=order,
                title="Scenario",
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(orient="bottom", columns=LEGEND_COLUMNS),
            ),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("label:N", title="Partner"),
                alt.Tooltip("pv_text:N", title="Fiscal savings"),
            ],
        )
        .properties(
            title=wrap("Fiscal savings by partner, scenario by scenario", 34),
            width=width,
            height=max(200, 60 * len(ids)),
        )
    )
    return finish(chart, "Fiscal savings for each partner, one bar for each scenario compared")


def deal_positions(deal, measure: str = "cash_npv", width: int | str = "container") -> alt.Chart:  # noqa: ANN001
    """Before and after a deal (:class:`roi.analysis.deal.Deal`): each partner's cash (``cash_npv``) or fiscal
    (``fiscal_npv``) position, present values, one pair of bars per partner."""
    title = {"cash_npv": "Cash position", "fiscal_npv": "Fiscal position (cash and capacity)"}[measure]
    when = ["Funding as written", "Under the deal"]
    frames = []
    for label, table in zip(when, (deal.before, deal.positions), strict=True):
        part = table[["partner", "label", measure]].rename(columns={measure: "value"}).assign(when=label)
        frames.append(part)
    data = pd.concat(frames, ignore_index=True)
    data["value_text"] = data["value"].map(pounds)
    order = list(deal.positions["label"])
    axis, scale = pound_axis(data["value"], "Received less paid in")
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            yOffset=alt.YOffset("when:N", sort=when),
            x=alt.X("value:Q", axis=axis, scale=scale),
            color=alt.Color(
                "when:N",
                sort=when,
                title=None,
                scale=alt.Scale(domain=when, range=["#BBBBBB", VALUE_TYPE_COLOURS["fiscal_cashable"]]),
                legend=alt.Legend(orient="top", direction="vertical"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Partner"),
                alt.Tooltip("when:N", title="Funding"),
                alt.Tooltip("value_text:N", title=title),
            ],
        )
        .properties(title=wrap(f"{title} (present value)"), width=width, height=max(160, 56 * len(order)))
    )
    return finish(chart, f"{title} for each partner: funding as written and under the deal")
