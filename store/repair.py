"""Open a saved scenario that no longer validates (the library changed after it was saved) by
resetting only the fields that fail: an override removed falls back to the library's value."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

import roi
from roi.inputs.library import parse_yaml
from roi.inputs.schema import ScenarioSpec

MAX_ROUNDS = 25
PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parts(field: str) -> list[str | int]:
    return [int(index) if index else name for name, index in PART.findall(field)]


def _drop(data: Any, path: list[str | int]) -> bool:
    """Remove the value at ``path`` (or, if it is missing, the nearest thing above it that exists)."""
    while path:
        parent = data
        for part in path[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        last = path[-1]
        if isinstance(parent, dict) and last in parent:
            del parent[last]
            return True
        if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
            parent.pop(last)
            return True
        path = path[:-1]
    return False


def reset_failing_fields(text: str) -> tuple[ScenarioSpec, list[str]]:
    """The scenario with every failing field removed, and the fields removed (as paths).
    Raises InputError if it still cannot be opened (a required field of the file itself fails)."""
    data = parse_yaml(text, "saved version")
    if not isinstance(data, dict):
        raise roi.InputError("saved version", "", "not a scenario")
    reset: list[str] = []
    for _ in range(MAX_ROUNDS):
        try:
            spec = ScenarioSpec.model_validate(data)
            roi.resolve(spec, file="saved version")
            return spec, list(dict.fromkeys(reset))
        except ValidationError as error:
            paths = [[p for p in e["loc"] if isinstance(p, (str, int))] for e in error.errors()]
            fields = [roi.inputs.errors.field_path(p) for p in paths]
        except roi.InputError as error:
            paths, fields = [_parts(error.field)], [error.field]
        if not any(path and path[0] not in ("name", "interventions") or len(path) > 1 for path in paths):
            raise roi.InputError("saved version", ", ".join(fields), "cannot be reset: the scenario needs it")
        changed = False
        for path, field in sorted(zip(paths, fields, strict=True), key=lambda pair: pair[1], reverse=True):
            if len(path) == 1 and path[0] in ("name", "interventions"):
                continue
            if _drop(data, list(path)):
                reset.append(field)
                changed = True
        if not changed:
            break
    raise roi.InputError("saved version", ", ".join(reset), "still does not validate after resetting these fields")
