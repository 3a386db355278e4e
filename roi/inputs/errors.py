"""The one error users see: a problem with their input, naming the file, the field and what is allowed."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

# Characters that would break a one-line message or act on a terminal or page: C0 and C1 controls
# (newline, ESC of ANSI sequences, NEL), line and paragraph separators, bidirectional overrides.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(value: Any, limit: int = 80) -> str:
    """``value`` as one line of visible text: control characters shown as escapes (``\\x1b``),
    cut to ``limit`` characters. For echoing a user's file name or value in a message."""
    text = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))
    return text if len(text) <= limit else text[: max(limit - 3, 1)] + "..."


class InputError(ValueError):
    """A problem with a user's file or value.

    ``file`` is the file name (or "scenario" for values typed in the app), ``field`` the path of
    the offending field (``interventions[0].outcomes[1].deadweight``), ``problem`` what is wrong and
    what is allowed. ``str(error)`` is one line fit for a terminal or the app.
    """

    def __init__(self, file: str, field: str, problem: str) -> None:
        file, field = printable(file, 120), printable(field, 200)
        problem = printable(problem, 2_000)
        self.file = file
        self.field = field
        self.problem = problem
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {problem}")


def field_path(loc: tuple[Any, ...] | list[Any], prefix: str = "") -> str:
    """Render a pydantic location as ``interventions[0].outcomes[1].deadweight``."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("function-after", "tagged-union") or str(part).startswith("function-"):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


# Allowed ranges, by field name, added to pydantic's one-sided messages ("greater than or equal
# to 0") so that a user sees the whole range at once.
_ALLOWED = {
    "deadweight": "a share from 0 to 1",
    "displacement": "a share from 0 to 1",
    "attribution": "a share from 0 to 1",
    "drop_off": "a share from 0 to 1",
    "optimism_bias": "a share from 0 to 1",
    "share": "a share above 0 and at most 1",
    "horizon_years": "a whole number of years from 1 to 60",
    "programme_years": "a whole number of years from 1 to 30",
    "duration_years": "a whole number of years from 1 to 60",
    "discount_rate": "a rate from 0 to 0.2",
    "health_discount_rate": "a rate from 0 to 0.2",
    "price_year": "a calendar year such as 2024",
    "start_year": "a calendar year such as 2025",
    "value": "pounds, 0 or more",
    "cost_per_case": "pounds, 0 or more",
    "fixed_cost_per_year": "pounds a year, 0 or more",
    "cases_per_year": "a number of cases, 0 to 10,000,000",
    "quantity_per_case": "a quantity, 0 to 1,000,000",
    "value_per_pound": "pounds per £1, above 0 and at most 1,000",
    "period_weeks": "weeks, from 1 to 520",
    "rank_correlation": "a rank correlation from -1 to 1",
}

# The same field name with another range where it sits: (top-level field, field name).
_ALLOWED_IN = {("overlaps", "share"): "a share from 0 (different people) to 1 (the same people)"}


def from_validation_error(err: ValidationError, file: str, prefix: str = "", limit: int = 3) -> InputError:
    """Turn a pydantic error into an InputError naming the field path and the allowed range."""
    problems = []
    first_path = prefix
    details = err.errors(include_url=False)
    # A list that fails because one of its items failed is reported by pydantic twice; keep the item.
    details = [d for d in details if not (d.get("type") == "too_short" and len(details) > 1)] or details
    for i, detail in enumerate(details[:limit]):
        loc = tuple(detail.get("loc", ()))
        path = field_path(loc, prefix)
        if i == 0:
            first_path = path
        message = str(detail.get("msg", "invalid value"))
        message = message.removeprefix("Value error, ")
        last = next((p for p in reversed(loc) if isinstance(p, str)), "")
        allowed = _ALLOWED_IN.get((str(loc[0]) if loc else "", last)) or _ALLOWED.get(last)
        if allowed and detail.get("type") not in ("extra_forbidden", "missing"):
            message += f"; allowed: {allowed}"
        if (
            "input" in detail
            and detail.get("type") not in ("missing", "model_type")
            and not isinstance(detail["input"], (dict, list))
        ):
            message += f" (got {_short(detail['input'])})"
        problems.append(message if i == 0 else f"{path}: {message}")
    more = len(details) - limit
    text = "; ".join(problems) + (f"; and {more} more" if more > 0 else "")
    return InputError(file, first_path, text)


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print (Python refuses past 4,300 digits)
        return "a number too long to show"
    return printable(text, 60)
