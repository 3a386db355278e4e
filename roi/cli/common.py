"""What every verb of the command line shares: the register of verbs, plain-text tables, JSON-safe
values and writing a file the user named."""

from __future__ import annotations

import errno
import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from roi.inputs.errors import InputError, printable
from roi.inputs.library import checked_path

# Functions that add verbs to the parser (roi.cli.verbs, roi.cli.deal_verb), in the order --help lists them.
EXTRA_VERBS: list[Callable[[Any], None]] = []


def register(adder: Any) -> Any:
    """Add a verb-registering function to the command line (once, however often its module loads)."""
    if adder not in EXTRA_VERBS:
        EXTRA_VERBS.append(adder)
    return adder


def clean(value: Any) -> Any:
    """JSON-safe values: numpy scalars to Python, money rounded to the penny, NaN to None."""
    if isinstance(value, Mapping):  # a dict, or a result's totals
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if not math.isfinite(value) else round(value, 6)
    return value


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: first column left-aligned, figures right-aligned. A header may break onto
    a second line at a newline ("Capacity\nfreed"), to keep a wide table narrow."""
    rows = [[printable(cell, 200) for cell in row] for row in rows]  # a name's escape codes stay text
    parts = [h.split("\n") for h in headers]
    depth = max(len(p) for p in parts)
    header_lines = [[p[k - (depth - len(p))] if k >= depth - len(p) else "" for p in parts] for k in range(depth)]
    widths = [max([*(len(line) for line in p), *(len(r[i]) for r in rows)]) for i, p in enumerate(parts)]

    def render(cells: Sequence[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs)

    lines = [render(cells) for cells in header_lines]
    return "\n".join([*lines, "-" * len(lines[-1]), *(render(row) for row in rows)])


def ratio(value: float | None) -> str:
    """A ratio to two decimals (a benefit-cost ratio), or 'no cost' when nothing is spent."""
    return "no cost" if value is None else f"{value:,.2f}"


def write_output(target: str, data: bytes) -> str:
    """Write ``data`` to the file a user named on the command line and return the name to show.

    The path is checked like an input path (no control characters, not too long), and a named pipe
    that nothing reads is refused at once rather than waited on. Any problem is an InputError."""
    path = checked_path(target)
    shown = printable(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags, 0o666)
    except OSError as exc:
        problem = "a named pipe that nothing is reading" if exc.errno == errno.ENXIO else exc.strerror
        raise InputError(shown, "", f"cannot write the file: {problem or type(exc).__name__}") from exc
    try:
        if getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "wb", closefd=False) as handle:
            handle.write(data)
    except OSError as exc:
        raise InputError(shown, "", f"cannot write the file: {exc.strerror or type(exc).__name__}") from exc
    finally:
        os.close(descriptor)
    return shown
