"""Shareable links: a scenario spec packed into one URL query parameter, and unpacked safely."""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from typing import Any

from . import limits
from .errors import InputError
from .library import MAX_FILE_BYTES, check_size, validate
from .schema import ScenarioSpec

MAX_LINK_CHARS = 16_000
SOURCE = "shared link"


def encode(spec: ScenarioSpec) -> str:
    """URL-safe text for a spec: compact JSON of the fields set, zlib-compressed, base64url."""
    data = spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    packed = zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_DAMAGED = "the link is damaged or incomplete; ask for it again"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise InputError(SOURCE, "s", f"{_DAMAGED} (a field appears twice)")
        data[key] = value
    return data


def _number(text: str) -> float:
    if len(text) > limits.MAX_NUMBER_DIGITS + 8:
        raise InputError(SOURCE, "s", f"{_DAMAGED} (a number too long to be a figure)")
    return float(text)


def _integer(text: str) -> int:
    if len(text) > limits.MAX_NUMBER_DIGITS:
        raise InputError(SOURCE, "s", f"{_DAMAGED} (a number too long to be a figure)")
    return int(text)


def _constant(name: str) -> None:
    raise InputError(SOURCE, "s", f"{_DAMAGED} (a number that is not finite: {name})")


def decode(text: str) -> ScenarioSpec:
    """The spec in a shared link; any problem is an InputError, never an exception of another kind.

    Strict: the text must be exactly what :func:`encode` writes (canonical base64url of one complete
    zlib stream of JSON), so a link missing its last character, or with anything after it, or with
    a field given twice, is refused rather than half-read.
    """
    if len(text) > MAX_LINK_CHARS:
        raise InputError(SOURCE, "s", f"the link is {len(text):,} characters; the limit is {MAX_LINK_CHARS:,}")
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise InputError(SOURCE, "s", _DAMAGED)
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        if base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=") != text:
            raise InputError(SOURCE, "s", _DAMAGED)  # stray bits in the last character
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_FILE_BYTES)
        if inflater.unconsumed_tail:
            raise InputError(SOURCE, "s", "the link expands beyond 1 MB")
        if not inflater.eof or inflater.unused_data:
            raise InputError(SOURCE, "s", _DAMAGED)  # cut short, or something after its end
        data = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_float=_number,
            parse_int=_integer,
            parse_constant=_constant,
        )
    except InputError:
        raise
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(SOURCE, "s", _DAMAGED) from exc
    return check_size(validate(ScenarioSpec, data, SOURCE), SOURCE)
