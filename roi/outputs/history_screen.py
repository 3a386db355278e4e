"""The words the History page shows of two versions of a saved scenario, built here and only drawn there."""

from __future__ import annotations

from roi.engine.model import Result
from roi.inputs.formats import pounds


def npv_moved(first: Result, second: Result, older: int, newer: int) -> str:
    """How far the net present value moved from version ``older`` to ``newer`` (Markdown, the move in
    bold), and how the table below it reads."""
    moved = second.totals["npv"] - first.totals["npv"]
    return (
        f"Net present value {pounds(first.totals['npv'])} in version {older}, {pounds(second.totals['npv'])} in "
        f"version {newer}: **{'+' if moved >= 0 else ''}{pounds(moved)}**. Each input below is "
        f"applied alone to version {older}, with how far it moves the NPV."
    )


def link_grants(follows: bool, head: int) -> str:
    """What a read-only link opens: the newest version each time, or the version saved now only."""
    if follows:
        return "the newest version each time it is opened, including versions saved later"
    return f"version {head} only, never a later one"
