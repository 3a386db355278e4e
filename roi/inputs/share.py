"""Shareable links: a scenario (or claim) spec packed into one URL query parameter, and unpacked safely."""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from typing import Any

from pydantic import BaseModel

from roi.inputs import limits
from roi.inputs.errors import InputError
from roi.inputs.library import MAX_FILE_BYTES, check_size, validate
from roi.inputs.schema import ScenarioSpec

MAX_LINK_CHARS = 16_000
SOURCE = "shared link"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_DAMAGED = "the link is damaged or incomplete; ask for it again"


def encode(spec: BaseModel) -> str:
    """URL-safe text for a spec (a scenario or a claim): compact JSON of the fields set, zlib, base64url."""
    data = spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    packed = zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(text: str) -> ScenarioSpec:
    """The spec in a shared link; any problem is an InputError, never an exception of another kind."""
    return check_size(validate(ScenarioSpec, unpack(text, "s"), SOURCE), SOURCE)


def _hooks(param: str) -> dict[str, Any]:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key, value in pairs:
            if key in data:
                raise InputError(SOURCE, param, f"{_DAMAGED} (a field appears twice)")
            data[key] = value
        return data

    def number(text: str) -> float:
        if len(text) > limits.MAX_NUMBER_DIGITS + 8:
            raise InputError(SOURCE, param, f"{_DAMAGED} (a number too long to be a figure)")
        return float(text)

    def integer(text: str) -> int:
        if len(text) > limits.MAX_NUMBER_DIGITS:
            raise InputError(SOURCE, param, f"{_DAMAGED} (a number too long to be a figure)")
        return int(text)

    def constant(name: str) -> None:
        raise InputError(SOURCE, param, f"{_DAMAGED} (a number that is not finite: {name})")

    return {"object_pairs_hook": no_duplicates, "parse_float": number, "parse_int": integer, "parse_constant": constant}


def unpack(text: str, param: str) -> Any:
    """The data packed by :func:`encode` into the link parameter ``param``, not yet validated.

    Strict: the text must be exactly what :func:`encode` writes (canonical base64url of one complete
    zlib stream of JSON), so a link missing its last character, or with anything after it, or with
    a field given twice, is refused rather than half-read.
    """
    if len(text) > MAX_LINK_CHARS:
        raise InputError(SOURCE, param, f"the link is {len(text):,} characters; the limit is {MAX_LINK_CHARS:,}")
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise InputError(SOURCE, param, _DAMAGED)
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        if base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=") != text:
            raise InputError(SOURCE, param, _DAMAGED)  # stray bits in the last character
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_FILE_BYTES)
        if inflater.unconsumed_tail:
            raise InputError(SOURCE, param, "the link expands beyond 1 MB")
        if not inflater.eof or inflater.unused_data:
            raise InputError(SOURCE, param, _DAMAGED)  # cut short, or something after its end
        return json.loads(raw.decode("utf-8"), **_hooks(param))
    except InputError:
        raise
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(SOURCE, param, _DAMAGED) from exc
